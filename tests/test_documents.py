"""outbox/公文/ (SPEC §11): the three drafts read back with python-docx — layout per GB/T 9704-2012,
every figure of the 通报 against 报送情况.xlsx, the 名单 against 表彰建议名单.xlsx, byte-identical reruns,
a clerk's own template, and (where LibreOffice is installed) a render to PDF."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import shutil
import subprocess
import tomllib
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import factory as f
import pytest
from click.testing import CliRunner
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from python_calamine import CalamineWorkbook

from pipeline.cli import cli
from pipeline.config import ConfigError, build_campaign, load_campaign
from pipeline.consolidate.documents import (
    cn_number,
    compose_decision,
    percent,
    publicity_period,
    title_lines,
)
from pipeline.write.documents import TEMPLATE_FOLDER, DocumentError, render

D = dt.date
NOTICE, PUBLICITY, DECISION = "督查情况通报.docx", "表彰建议名单公示.docx", "表彰决定（代拟稿）.docx"
EAST = "东山片区学校党总支"
A = ("JN001", "江宁区东山小学党支部")     # reports everything on time, shortlisted
B = ("JN002", "秣陵中学党支部")           # 局党工委 directly: one missing, one late, an open inspection finding
C = ("JN003", "汤山小学党支部")           # no application; one report sent back
G = ("JN004", "湖熟中学&幼儿园联合党支部")  # dissolved in August; '&' must stay text
MONTHS = ("2014-05", "2014-06", "2014-07", "2014-08", "2014-09", "2014-10", "2014-11")
FULL = {"创建载体": 10, "创建内容": 15, "创建措施": 10}


# ---- the inbox and its runs ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    box = tmp_path_factory.mktemp("docs") / "inbox"
    f.roster(box, [f.branch(*A, 上级组织=EAST, 联系人="周静", 联系电话="025-52101234"), f.branch(*B),
                   f.branch(*C, 上级组织=EAST, 联系人="王芳", 联系电话="13851234567"),
                   f.branch(*G, 撤销日期=D(2014, 8, 15))])
    f.application(box, *A)
    f.application(box, *B, improve=True)
    done = [(1, "已完成", 100), (2, "已完成", 100), (3, "已完成", 100)]
    for month in MONTHS:
        f.monthly(box, *A, month, progress=done)
    for month in ("2014-05", "2014-08", "2014-09", "2014-10", "2014-11"):
        f.monthly(box, *B, month)
    f.monthly(box, *B, "2014-07", filed=D(2014, 8, 12))               # due 08-05: 逾期; 06 never sent: 缺报
    f.monthly(box, *C, "2014-05", filed=D(2014, 6, 3), 填报人="")      # sent back: 退回
    f.monthly(box, *C, "2014-06")
    f.monthly(box, *G, "2014-05")
    for quarter, posts in (("2014Q2", 3), ("2014Q3", 3), ("2014Q4", 0)):
        f.quarterly(box, *A, quarter, posts=posts, filed=D(2014, 12, 28) if quarter == "2014Q4" else None)
    f.quarterly(box, *B, "2014Q2", filed=D(2014, 7, 20))               # due 07-10: 逾期
    f.recognition(box, *A)
    f.inspections(box, [
        {"督查日期": D(2014, 6, 20), "支部名称": A[1], "督查方式": "定期", "督查人": "赵勇", "发现问题": "无",
         "评分": 10},
        {"督查日期": D(2014, 6, 24), "支部名称": B[1], "督查方式": "不定期", "督查人": "赵勇",
         "发现问题": "活动记录不完整", "整改要求": "补齐记录", "整改情况": "未整改", "评分": 6},
    ])
    rows = [{"支部名称": name, "支部编码": code, **FULL} for code, name in (A, B, C)]
    f.review(box, "李明", rows)
    return box


def run(inbox: Path, out: Path, *args: str, command: str = "run") -> None:
    result = CliRunner().invoke(cli, [command, "--inbox", str(inbox), "--outbox", str(out),
                                      "--config", str(f.CONFIG), *args])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def year_end(inbox, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("year_end") / "outbox"
    run(inbox, out, "--as-of", "2014-12-31")
    return out


@pytest.fixture(scope="module")
def august(inbox, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("august") / "outbox"
    run(inbox, out, "--as-of", "2014-08-20")
    return out


@pytest.fixture(scope="module")
def may(inbox, tmp_path_factory) -> Path:
    """Before any report is due (the first is due 06-05): only the documents, through `pipeline docs`."""
    out = tmp_path_factory.mktemp("may") / "outbox"
    run(inbox, out, "--as-of", "2014-05-20", command="docs")
    return out


# ---- reading back -----------------------------------------------------------------------------------

def body_text(path: Path) -> str:
    return "\n".join(p.text for p in Document(str(path)).paragraphs)


def sheet(path: Path, name: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def records(path: Path, name: str) -> list[dict[str, object]]:
    rows = sheet(path, name)
    header = [str(h) for h in rows[0]]
    width = header.index("") if "" in header else len(header)
    return [dict(zip(header[:width], r[:width], strict=True)) for r in rows[1:] if any(v != "" for v in r[:width])]


def shown_percent(value: object) -> str:
    """A rate as Excel shows it in 0.0% (half up)."""
    return str((Decimal(repr(float(value))) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def status_cells(path: Path) -> list[tuple[str, str, str, str]]:
    """(类型, 期间, 支部名称, 状态) of every matrix cell in 报送情况.xlsx."""
    out = []
    for kind in ("月检查", "季度汇报"):
        rows = sheet(path, kind)
        header = [str(h) for h in rows[0]]
        for row in rows[1:]:
            for col, period in enumerate(header):
                if re.fullmatch(r"\d{4}(-\d{2}|Q\d)", period):
                    out.append((kind, period, str(row[1]), str(row[col])))
    return out


def table_rows(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def east_asia(element) -> str | None:
    fonts = element.find(qn("w:rPr") + "/" + qn("w:rFonts")) if element.tag != qn("w:rPr") else None
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def run_font(run) -> tuple[str | None, float | None]:
    """(w:eastAsia, size in pt) set on the run itself."""
    size = run.font.size.pt if run.font.size is not None else None
    return east_asia(run._r), size


def style_font(style) -> tuple[str | None, float | None]:
    rpr = style.element.rPr
    fonts = None if rpr is None else rpr.find(qn("w:rFonts"))
    return (None if fonts is None else fonts.get(qn("w:eastAsia")),
            style.font.size.pt if style.font.size is not None else None)


# ---- layout (GB/T 9704-2012) -------------------------------------------------------------------------

@pytest.mark.parametrize("name", [NOTICE, PUBLICITY, DECISION])
def test_page_is_a4_with_the_standard_margins(year_end, name):
    section = Document(str(year_end / "公文" / name)).sections[0]
    for value, mm in ((section.page_width, 210), (section.page_height, 297), (section.top_margin, 37),
                      (section.bottom_margin, 35), (section.left_margin, 28), (section.right_margin, 26)):
        assert abs(value - Mm(mm)) < Mm(0.1), (value, mm)


@pytest.mark.parametrize("name", [NOTICE, PUBLICITY, DECISION])
def test_fonts_of_title_body_and_headings_are_set_for_east_asian_text(year_end, name):
    doc = Document(str(year_end / "公文" / name))
    seen = set()
    for p in doc.paragraphs:
        style = p.style.name
        runs = [r for r in p.runs if r.text.strip()]
        if not runs:
            continue
        if style == "公文标题":
            expected = ("方正小标宋简体", 22.0)
        elif style == "一级标题":
            expected = ("黑体", 16.0)
            assert re.match(r"[一二三四五六七八九十]+、", p.text), p.text
        elif style == "公文正文":
            expected = ("仿宋_GB2312", 16.0)
        else:
            continue
        seen.add(style)
        assert style_font(p.style) == expected, style
        for r in runs:
            if r.text.startswith("（") and re.match(r"（[一二三四五六七八九十]+）", r.text):
                assert run_font(r) == ("楷体_GB2312", 16.0) and r.style.name == "二级标题", r.text
                seen.add("二级标题")
            else:
                assert run_font(r) == expected, (style, r.text)
        for fmt in (p.style.paragraph_format, p.paragraph_format):  # in the style and on the paragraph
            assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY and fmt.line_spacing == Pt(28), style
    assert {"公文标题", "公文正文"} <= seen
    if name != DECISION:  # a decision is plain paragraphs
        assert "一级标题" in seen
    if name == NOTICE:
        assert "二级标题" in seen


@pytest.mark.parametrize("name", [NOTICE, PUBLICITY, DECISION])
def test_red_issuing_mark_number_and_separator(year_end, name):
    doc = Document(str(year_end / "公文" / name))
    mark, number = doc.paragraphs[0], doc.paragraphs[1]
    assert mark.text == "中共南京市江宁区委教育局工作委员会文件"
    assert all(str(r.font.color.rgb) == "FF0000" for r in mark.runs if r.text)
    assert run_font(mark.runs[0])[0] == "方正小标宋简体"
    assert re.fullmatch(r"江宁教工委字〔2014〕\u3000\u3000号", number.text)  # n blank for the clerk
    line = number.style.element.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert line.get(qn("w:color")) == "FF0000" and line.get(qn("w:val")) == "single"


def test_page_numbers_sit_at_the_outside_edge(year_end):
    doc = Document(str(year_end / "公文" / NOTICE))
    assert doc.settings.odd_and_even_pages_header_footer
    section = doc.sections[0]
    for footer, side in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer,
                                                                     WD_ALIGN_PARAGRAPH.LEFT)):
        p = footer.paragraphs[0]
        assert p.alignment == side
        xml = p._p.xml
        assert 'w:instr=" PAGE "' in xml and re.search(r"— .*—", "".join(p._p.itertext()))


def test_attachment_tables_repeat_their_header_row(year_end):
    doc = Document(str(year_end / "公文" / NOTICE))
    assert len(doc.tables) == 2  # 附件1 催报名单, 附件2 各上级组织报送情况统计表
    for table in doc.tables:
        first = table.rows[0]._tr
        assert first.trPr is not None and first.trPr.find(qn("w:tblHeader")) is not None
        assert all(r._tr.trPr is None or r._tr.trPr.find(qn("w:tblHeader")) is None for r in table.rows[1:])
    labels = [p.text for p in doc.paragraphs if p.style.name == "附件标签"]
    assert labels == ["附件1", "附件2"]
    assert any(p.text == "附件：1.催报名单" for p in doc.paragraphs)


# ---- the 通报 says what 报送情况.xlsx says -----------------------------------------------------------------

REPORTING = re.compile(r"(月检查|季度汇报)已到期(\d+)期（[^）]*），应报(\d+)份，实报(\d+)份"
                       r"（其中按时(\d+)份、逾期(\d+)份），报送率([\d.]+)%，按时率([\d.]+)%")


def stated_rates(text: str) -> dict[str, tuple[int, int, int, str, str]]:
    return {m[1]: (int(m[3]), int(m[4]), int(m[5]), m[7], m[8]) for m in REPORTING.finditer(text)}


def workbook_rates(outbox: Path) -> dict[str, tuple[int, int, int, str, str]]:
    rows = records(outbox / "报送情况.xlsx", "报送率")
    out = {}
    for r in rows:
        if r["期间"] == "合计" and r["类型"] in ("月检查", "季度汇报") and r["报送率"] != "":
            out[str(r["类型"])] = (int(r["应报"]), int(r["实报"]), int(r["按时"]), shown_percent(r["报送率"]),
                                   shown_percent(r["按时率"]))
    return out


def stated_count(text: str, kind: str, status: str) -> int:
    m = re.search(f"{kind}{status}(\\d+)份", text)
    return int(m[1]) if m else 0


def sentence(text: str, start: str) -> str:
    m = re.search(f"[一二三四五]是{start}[^\n]*", text)
    return m[0] if m else ""


@pytest.mark.parametrize("outbox_name", ["year_end", "august"])
def test_notice_figures_equal_the_status_workbook(outbox_name, request):
    outbox = request.getfixturevalue(outbox_name)
    text = body_text(outbox / "公文" / NOTICE)
    assert stated_rates(text) == workbook_rates(outbox) and stated_rates(text)
    cells = status_cells(outbox / "报送情况.xlsx")
    for status, lead in (("缺报", "部分支部缺报"), ("逾期", "部分支部逾期"), ("退回", "部分材料")):
        part = sentence(text, lead)
        for kind in ("月检查", "季度汇报"):
            assert stated_count(part, kind, status) == sum(c[0] == kind and c[3] == status for c in cells), \
                (status, kind)
        named = {c[2] for c in cells if c[3] == status}
        listed = {name for name in {c[2] for c in cells} if name in part}
        assert listed == named, (status, part)


def test_notice_year_end_wording(year_end):
    text = body_text(year_end / "公文" / NOTICE)
    first = Document(str(year_end / "公文" / NOTICE)).paragraphs
    assert [p.text for p in first if p.style.name == "公文标题"][:2] == ["关于“一支部一品牌”创建活动", "督查情况的通报"]
    for heading in ("一、基本情况", "二、主要成效", "三、存在问题", "四、下一步要求"):
        assert heading in text
    assert "全系统在册基层党组织4个" in text and "正常运行3个" in text  # G dissolved in August
    assert "已申报品牌2个，其中创建1个、完善1个；尚有1个支部未按期申报" in text
    assert "个别支部尚未申报品牌" in text and C[1] in sentence(text, "个别支部尚未申报品牌")
    assert f"{EAST}所属的{A[1]}" in sentence(text, "按时报送意识较强")  # named under its 上级组织
    assert f"局党工委直属的{B[1]}（6月月检查，第三季度汇报）" in sentence(text, "部分支部缺报")
    assert "宣传报道7篇" in text and "网站7篇" in text
    assert "共开展督查2次（定期1次、不定期1次），覆盖2个支部，平均得分8.0分" in text
    assert f"{B[1]}（1项）" in sentence(text, "部分督查问题整改不到位")
    assert "第四季度的尚未到期（已提前报送的1份计入应报和实报）" in text
    assert "（一）抓紧补报缺报材料。" in text  # the configured requirements, first sentence as the lead
    assert G[1] in text  # '&' came through as text


def test_chase_attachment_equals_the_workbook(year_end):
    doc = Document(str(year_end / "公文" / NOTICE))
    rows = table_rows(doc.tables[0])
    assert rows[0] == ["序号", "上级组织", "支部名称", "缺报项", "联系人", "联系电话"]
    book = records(year_end / "报送情况.xlsx", "催报名单")
    assert [r[2:] for r in rows[1:]] == [[str(b["支部名称"]), str(b["缺报项"]), str(b["联系人"]),
                                          str(b["联系电话"])] for b in book]
    assert [r[0] for r in rows[1:]] == [str(i) for i in range(1, len(book) + 1)]


def test_parent_attachment_equals_the_workbook(year_end):
    rows = table_rows(Document(str(year_end / "公文" / NOTICE)).tables[1])[1:]
    sheet_rows = sheet(year_end / "报送情况.xlsx", "报送率")
    top = next(i for i, r in enumerate(sheet_rows) if r[:2] == ["类型", "上级组织"])
    book = [r for r in sheet_rows[top + 1:] if r[0] != ""]
    assert [(r[1], r[2], r[3], r[4], r[5], r[6], r[7]) for r in rows] == [
        (str(b[1]), str(b[0]), str(int(b[2])), str(int(b[3])), str(int(b[4])),
         "—" if b[5] == "" else shown_percent(b[5]) + "%", "—" if b[6] == "" else shown_percent(b[6]) + "%")
        for b in book]


def test_periods_not_yet_due_are_not_called_missing(august):
    text = body_text(august / "公文" / NOTICE)
    assert "8月至11月的尚未到期" in text and "第三季度、第四季度的尚未到期" in text
    missing = sentence(text, "部分支部缺报")
    assert missing and "8月月检查" not in missing and "、8月" not in missing and "第三季度" not in missing
    assert "截至2014年8月20日" in text


def test_before_anything_is_due_the_notice_says_so(may):
    text = body_text(may / "公文" / NOTICE)
    assert "月检查尚未到报送截止日，首期（5月）截止日为2014年6月5日" in text
    assert "暂不统计报送率和按时率" in text and "%" not in text
    assert not re.search(r"缺报\d+份", text) and "部分支部缺报" not in text and "逾期报送" not in text
    assert "个别支部尚未申报品牌" in text  # the application window closed on 04-21: that is due
    assert not Document(str(may / "公文" / NOTICE)).tables  # no 催报名单 to attach
    assert sorted(p.name for p in may.iterdir()) == ["公文"]  # `docs` wrote nothing else
    assert "暂无建议名单" in body_text(may / "公文" / PUBLICITY)
    assert "表彰名单待定" in body_text(may / "公文" / DECISION)


# ---- 公示 and 决定 list the shortlist ---------------------------------------------------------------------

def test_publicity_list_equals_the_shortlist_workbook(year_end):
    doc = Document(str(year_end / "公文" / PUBLICITY))
    rows = table_rows(doc.tables[0])
    assert rows[0] == ["序号", "支部名称", "品牌名称", "总分", "等次"]
    book = records(year_end / "表彰建议名单.xlsx", "建议名单")
    assert book and [r[1:] for r in rows[1:]] == [
        [str(b["支部名称"]), str(b["品牌名称"]), f"{float(b['总分']):.1f}", str(b["等次"])] for b in book]
    text = body_text(year_end / "公文" / PUBLICITY)
    assert "名额为正常运行支部数的30%" in text and "本次正常运行支部3个，名额1个" in text
    assert "公示时间为2014年12月31日至2015年1月7日（5个工作日）" in text  # 1-1…1-3 holiday, 1-4 a workday
    assert not any(p.style.name == "主送机关" for p in doc.paragraphs)


def test_decision_lists_the_shortlist(year_end):
    doc = Document(str(year_end / "公文" / DECISION))
    book = records(year_end / "表彰建议名单.xlsx", "建议名单")
    assert [r[1:] for r in table_rows(doc.tables[0])[1:]] == [[str(b["支部名称"]), str(b["品牌名称"])] for b in book]
    text = body_text(year_end / "公文" / DECISION)
    assert f"对{A[1]}“红烛先锋”党建品牌予以命名表彰" in text and "（代拟稿）" in text


def test_decision_takes_an_explicit_list_of_passed_branches():
    import pandas as pd

    from pipeline.consolidate.results import Results
    from pipeline.consolidate.shortlist import Quota

    empty = pd.DataFrame()
    listed = pd.DataFrame([{"支部编码": "JN009", "支部名称": "不该出现的支部", "品牌名称": "甲"}])
    results = Results(ledger={}, matrices={}, rates=empty, by_parent=empty, overall={}, chase=empty,
                      not_applied=empty, card=empty, details=empty, listed=listed, missed=empty,
                      quota=Quota(0, 0.3, 0, 1), notices=(), short_names={})
    passed = pd.DataFrame([{"支部编码": "JN002", "支部名称": B[1], "品牌名称": "先锋领航"},
                           {"支部编码": "JN001", "支部名称": A[1], "品牌名称": "红烛先锋"}])
    draft = compose_decision(results, f.campaign(), passed)
    rows = draft.tables["honoured"].rows
    assert [(r.no, r.name, r.brand) for r in rows] == [("1", B[1], "先锋领航"), ("2", A[1], "红烛先锋")]
    text = "".join(b.text for b in draft.body)
    assert "审核验收" in text and "等2个党建品牌" in text and "不该出现的支部" not in text


# ---- reruns, `docs`, templates ----------------------------------------------------------------------

def test_docs_command_rewrites_only_the_documents_and_matches_the_run(inbox, year_end, tmp_path):
    out = tmp_path / "outbox"
    out.mkdir()
    (out / "别的文件.txt").write_text("保留", encoding="utf-8")
    (out / "公文").mkdir()
    (out / "公文" / "旧稿.docx").write_bytes(b"old")
    run(inbox, out, "--as-of", "2014-12-31", command="docs")
    assert (out / "别的文件.txt").read_text(encoding="utf-8") == "保留"
    assert sorted(p.name for p in (out / "公文").iterdir()) == sorted([NOTICE, PUBLICITY, DECISION])
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging left behind
    for name in (NOTICE, PUBLICITY, DECISION):  # same computation, byte-identical
        assert (out / "公文" / name).read_bytes() == (year_end / "公文" / name).read_bytes(), name
    props = Document(str(out / "公文" / NOTICE)).core_properties
    assert props.created.replace(tzinfo=None) == dt.datetime(2014, 12, 31) and props.revision == 1
    assert props.title == "关于“一支部一品牌”创建活动督查情况的通报"


def test_shipped_templates_are_rebuilt_byte_for_byte(tmp_path):
    spec = importlib.util.spec_from_file_location("make_docx_templates",
                                                  f.ROOT / "tools" / "make_docx_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for path in module.main(tmp_path):
        assert path.read_bytes() == (TEMPLATE_FOLDER / path.name).read_bytes(), path.name


def clerk_config(tmp_path: Path, **documents: str) -> Path:
    """The shipped campaign.toml with some [documents] lines changed, written beside tmp_path's files."""
    text = f.CONFIG.read_text(encoding="utf-8")
    for key, value in documents.items():
        text, n = re.subn(rf"(?m)^{key} = .*$", f'{key} = "{value}"', text)
        assert n == 1, key
    path = tmp_path / "campaign.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_clerks_own_template_replaces_the_shipped_one(inbox, tmp_path):
    folder = tmp_path / "本单位模板"
    folder.mkdir()
    doc = Document(str(TEMPLATE_FOLDER / NOTICE))
    mark = doc.paragraphs[0]
    mark.runs[0].text = "江宁区教育局党委（本单位红头）"
    doc.save(str(folder / NOTICE))  # only the 通报 is replaced; the others fall back to the shipped ones
    config = clerk_config(tmp_path, template_dir="本单位模板")  # relative to the campaign file
    out = tmp_path / "outbox"
    result = CliRunner().invoke(cli, ["docs", "--inbox", str(inbox), "--outbox", str(out), "--config", str(config),
                                      "--as-of", "2014-12-31"])
    assert result.exit_code == 0, result.output
    rendered = Document(str(out / "公文" / NOTICE))
    assert rendered.paragraphs[0].text == "江宁区教育局党委（本单位红头）"
    assert "月检查已到期7期" in body_text(out / "公文" / NOTICE)
    assert Document(str(out / "公文" / PUBLICITY)).paragraphs[0].text == "中共南京市江宁区委教育局工作委员会文件"


def test_a_broken_template_is_a_chinese_error(tmp_path):
    doc = Document(str(TEMPLATE_FOLDER / NOTICE))
    doc.paragraphs[0].runs[0].text = "{{ mark "
    broken = tmp_path / NOTICE
    doc.save(str(broken))
    from pipeline.consolidate.documents import Block, Draft

    draft = Draft(file=NOTICE, key="通报", subject="通报", mark="红头", number="", title=("标题",), recipients="",
                  body=(Block("正文"),), signature="署名", date="", printed_by="", printed_on="")
    with pytest.raises(DocumentError) as err:
        render(draft, broken, D(2014, 12, 31))
    assert "公文模板" in err.value.problems[0]


# ---- [documents] in campaign.toml ----------------------------------------------------------------

def raw_config() -> dict:
    return tomllib.loads(f.CONFIG.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("documents", "key"), [
    ({"bogus": 1}, "documents.bogus"),
    ({"number": "江宁教工委字〔{year}〕号"}, "documents.number"),
    ({"number": "{year}{n}{x}"}, "documents.number"),
    ({"publicity_days": 0}, "documents.publicity_days"),
    ({"numbers": {"通知": "3"}}, "documents.numbers.通知"),
    ({"next_steps": "一条"}, "documents.next_steps"),
    ({"issue_date": "2014-12-31"}, "documents.issue_date"),
])
def test_bad_documents_settings_name_the_key(documents, key):
    raw = raw_config()
    raw["documents"] = {**raw["documents"], **documents}
    with pytest.raises(ConfigError) as err:
        build_campaign(raw, D(2014, 12, 31))
    assert any(key in p for p in err.value.problems), err.value.problems


def test_unknown_documents_key_stops_the_cli_with_exit_2(tmp_path):
    text = f.CONFIG.read_text(encoding="utf-8").replace("[documents]\n", "[documents]\nsignatrue = \"x\"\n", 1)
    config = tmp_path / "campaign.toml"
    config.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["docs", "--inbox", str(tmp_path), "--config", str(config)])
    assert result.exit_code == 2 and "documents.signatrue" in result.output and "不是可识别的参数" in result.output


def test_missing_template_folder_is_a_config_error(tmp_path):
    config = clerk_config(tmp_path, template_dir="没有这个文件夹")
    with pytest.raises(ConfigError) as err:
        load_campaign(config, D(2014, 12, 31))
    assert "documents.template_dir" in err.value.problems[0]


def test_document_numbers_and_defaults():
    raw = raw_config()
    raw["documents"] = {"numbers": {"通报": 18}}
    c = build_campaign(raw, D(2014, 12, 31), D(2014, 12, 31))
    assert c.documents.document_number("通报", c.year) == "江宁教工委字〔2014〕18号"
    assert c.documents.signature == "中共南京市江宁区委教育局工作委员会" and c.documents.publicity_days == 5
    assert c.documents.mark == "中共南京市江宁区委教育局工作委员会文件"


def test_publicity_period_counts_working_days_from_the_date_of_issue():
    raw = raw_config()
    raw["documents"] = {**raw["documents"], "issue_date": D(2014, 9, 30)}
    c = build_campaign(raw, D(2014, 12, 31), D(2014, 12, 31))
    assert publicity_period(c) == (D(2014, 9, 30), D(2014, 10, 11))  # National Day week; Saturday 10-11 a workday
    raw["documents"]["issue_date"] = D(2014, 10, 1)  # a holiday: starts on the next working day
    assert publicity_period(build_campaign(raw, D(2014, 12, 31)))[0] == D(2014, 10, 8)


@pytest.mark.parametrize(("value", "shown"), [(0.9125, "91.3%"), (73 / 80, "91.3%"), (1.0, "100.0%"),
                                              (2 / 3, "66.7%"), (None, "—")])
def test_percent_is_shown_as_the_workbook_shows_it(value, shown):
    assert percent(value) == shown


def test_wording_helpers():
    assert [cn_number(n) for n in (1, 10, 12, 20, 21)] == ["一", "十", "十二", "二十", "二十一"]
    assert title_lines("催报名单") == ("催报名单",)
    assert title_lines("2014年度“一支部一品牌”优秀党建品牌名单") == ("2014年度“一支部一品牌”", "优秀党建品牌名单")


# ---- LibreOffice, where it is installed ---------------------------------------------------------------

@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_documents_render_to_pdf(year_end, tmp_path):
    profile = tmp_path / "profile"
    names = [NOTICE, PUBLICITY, DECISION]
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), *(str(year_end / "公文" / n) for n in names)],
                   check=True, capture_output=True, timeout=120)
    pages = {}
    for name in names:
        pdf = (tmp_path / name).with_suffix(".pdf").read_bytes()
        pages[name] = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages[NOTICE] >= 4  # the text, then 附件1 and 附件2 each on a page of their own
    assert 2 <= pages[PUBLICITY] <= 3 and 2 <= pages[DECISION] <= 3, pages
