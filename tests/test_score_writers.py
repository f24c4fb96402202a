"""积分卡, 年度考核表 and 表彰建议名单 writers (SPEC §8) on small hand-made frames, read back with openpyxl."""

import datetime as dt

import factory as f
import openpyxl
import pandas as pd
import pytest

from pipeline.consolidate.ledger import SHEETS
from pipeline.consolidate.scoring import Inputs, scorecard
from pipeline.consolidate.shortlist import quota_of
from pipeline.names import short_name
from pipeline.write.assessment_sheets import write_assessment_sheets
from pipeline.write.common import PAGE_WIDTH
from pipeline.write.scorecard import write_scorecard
from pipeline.write.shortlist import write_shortlist

C = f.campaign()
ITEMS = [r.item for r in C.rubric]
PREFIX = "江宁区东山街道中心小学教育集团本部教工第一党支部委员会第二联合党小组第三组"  # two names share it
assert len(PREFIX.removeprefix("江宁区")) >= 31
NAMES = [PREFIX + "甲党支部", PREFIX + "乙党支部", '=HYPERLINK("http://x")党支部', "江宁区秣陵中学党支部"]
BASIS = "月报 6/7，按时 5/7；季报 3/3"


def frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rows, details, roster = [], [], []
    for i, name in enumerate(NAMES):
        code = f"JN{i + 1:03d}"
        scores = {r.item: r.max * (0.9 - 0.1 * i) + 0.04 for r in C.rubric}
        total = sum(scores.values())
        rows.append({"支部编码": code, "支部名称": name, "品牌名称": "红烛先锋" if i != 3 else "",
                     "申报类型": "创建" if i != 3 else "", **scores, "总分": total, "排名": i + 1,
                     "等次": C.grade(total)})
        details += [{"支部编码": code, "项目": r.item, "得分": scores[r.item], "满分": r.max,
                     "依据": BASIS if r.item == "过程管理" else f"{r.item}依据{i}"} for r in C.rubric]
        roster.append(f.branch(code, name, 上级组织="东山片区党委"))
    branches = pd.DataFrame(roster).set_index("支部编码", drop=False)
    return pd.DataFrame(rows), pd.DataFrame(details), branches


def shortlist_frames(card: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    listed = card.head(1)[["排名", "支部编码", "支部名称", "品牌名称", "总分", "等次"]]
    reason = "没有已受理的认定申请表；总分 70.0，低于 85 分"
    missed = pd.DataFrame([{"支部编码": r.支部编码, "支部名称": r.支部名称, "总分": r.总分, "原因": reason}
                           for r in card.iloc[1:].itertuples()])
    return listed, missed


def short_names(card: pd.DataFrame) -> dict[str, str]:
    pairs = zip(card["支部编码"], card["支部名称"], strict=True)
    return {code: short_name(name, C.prefixes) for code, name in pairs}


def write_all(out, card, details, branches):
    out.mkdir(parents=True, exist_ok=True)
    write_scorecard(out, card, C)
    write_assessment_sheets(out, card, details, branches, short_names(card), C)
    listed, missed = shortlist_frames(card)
    write_shortlist(out, listed, missed, quota_of(listed, missed, C), C)


@pytest.fixture(scope="module")
def outbox(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    write_all(out, *frames())
    return out


CARD = ["支部编码", "支部名称", "品牌名称", "申报类型", *ITEMS, "总分", "排名", "等次"]
LISTED = ["序号", "排名", "支部编码", "支部名称", "品牌名称", "总分", "等次"]
MISSED = ["支部编码", "支部名称", "总分", "原因"]


def table(path, sheet: str) -> pd.DataFrame:
    """The sheet as anyone would read it: pandas with the default header=0."""
    return pd.read_excel(path, sheet_name=sheet, engine="openpyxl")


def check_table(ws, columns: list, rows: int) -> None:
    """Header on row 1, `rows` data rows directly below, nothing under them in the table's columns,
    nothing right of them either: the 说明 note is a text box drawn below the table (f.drawn_text)."""
    n = len(columns)
    assert [c.value for c in ws[1]][:n] == columns
    for r in range(2, rows + 2):
        assert ws.cell(r, 1).value not in (None, ""), (ws.title, r)
    below = [c.value for row in ws.iter_rows(min_row=rows + 2, max_col=n) for c in row]
    assert all(v is None for v in below), ws.title
    assert all(c.value is None for row in ws.iter_rows(min_col=n + 1) for c in row)  # no 说明 cells beside it
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(n)}{rows + 1}"
    assert ws.print_title_rows == "$1:$1"
    assert not ws.merged_cells.ranges  # no merged cells: the note is drawn, not merged


def page_title(ws) -> str:
    return ws.oddHeader.center.text


def test_scorecard_header_numbers_and_setup(outbox):
    book = openpyxl.load_workbook(outbox / "积分卡.xlsx")
    assert book.sheetnames == ["积分卡"]
    ws = book["积分卡"]
    assert page_title(ws).startswith("“一支部一品牌”创建活动积分卡（统计截止 2014-12-31")
    assert ws.oddHeader.center.font == "宋体,Bold" and ws.oddHeader.center.size == 12
    check_table(ws, CARD, len(NAMES))
    note = f.drawn_text(outbox / "积分卡.xlsx", "积分卡")  # below the table, in a text box that prints with it
    assert "各项满分：创建方案 10" in note and "优秀 ≥ 90 分" in note and "在册支部 4 个" in note
    frame = table(outbox / "积分卡.xlsx", "积分卡")
    assert list(frame.columns[: len(CARD)]) == CARD
    assert frame["支部编码"].tolist() == ["JN001", "JN002", "JN003", "JN004"]
    assert frame["支部名称"].tolist() == NAMES and frame["排名"].tolist() == [1, 2, 3, 4]
    first = [c.value for c in ws[2]][: len(CARD)]
    assert first[0] == "JN001" and first[-1] == "优秀"
    score = ws.cell(2, 5)
    assert isinstance(score.value, float) and score.number_format == "0.0"
    assert isinstance(ws.cell(2, len(CARD) - 1).value, int)  # 排名
    assert ws.cell(2, len(CARD)).fill.fgColor.rgb.endswith("C6EFCE")  # 优秀: the first grade colour
    assert ws.freeze_panes == "C2"
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToHeight == 0 and ws.page_setup.fitToWidth in (None, 1)  # one page wide
    assert "&P" in ws.oddFooter.center.text
    # the long name wraps in a column narrowed so the table prints one A4 page wide at ≥ 90 %
    assert ws.column_dimensions["B"].width >= 20 and ws.row_dimensions[2].height > 2 * 14
    assert sum(d.width * (d.max - d.min + 1) for d in ws.column_dimensions.values()) <= PAGE_WIDTH


def test_assessment_sheet_names(outbox):
    book = openpyxl.load_workbook(outbox / "年度考核表.xlsx")
    names = book.sheetnames
    assert names[0] == "汇总"
    branch_sheets = names[1:]
    assert len(branch_sheets) == len(NAMES)
    assert len(set(branch_sheets)) == len(branch_sheets)
    assert all(len(n) <= 31 for n in names)
    # `支部编码 short name`: two names share their first 31 characters, the tabs keep the code and the tail
    assert branch_sheets[0].startswith("JN001 " + PREFIX.removeprefix("江宁区")[:10])
    assert branch_sheets[0].endswith("第三组甲") and branch_sheets[1].endswith("第三组乙")
    assert branch_sheets[3] == "JN004 秣陵中学"  # administrative prefix 江宁区 and the 党支部 suffix dropped


def test_sheet_names_unique_when_shortened_alike(tmp_path):
    card, details, branches = frames()
    twin = NAMES[0][:-12] + "东区" + NAMES[0][-12:]  # same head and same tail as NAMES[0] once shortened
    card.loc[1, "支部名称"] = twin
    write_assessment_sheets(tmp_path, card, details, branches, short_names(card), C)
    names = openpyxl.load_workbook(tmp_path / "年度考核表.xlsx").sheetnames
    assert len(set(names)) == len(names) == len(NAMES) + 1
    assert names[1][:6] == "JN001 " and names[2][:6] == "JN002 "  # the code tells them apart
    assert all(len(n) <= 31 for n in names)


def test_assessment_summary_and_branch_form(outbox):
    book = openpyxl.load_workbook(outbox / "年度考核表.xlsx")
    summary = book["汇总"]
    check_table(summary, [*CARD, "考核表"], len(NAMES))
    assert "年度考核表·汇总" in page_title(summary)
    assert summary.cell(2, 2).value == NAMES[0]
    link = summary.cell(2, len(CARD) + 1)
    assert link.value == "查看" and link.hyperlink.location == f"'{book.sheetnames[1]}'!A1"
    assert summary.freeze_panes == "C2"
    frame = table(outbox / "年度考核表.xlsx", "汇总")
    assert list(frame.columns[: len(CARD) + 1]) == [*CARD, "考核表"] and len(frame) == len(NAMES)
    ws = book[book.sheetnames[1]]
    values = [c.value for r in ws.iter_rows() for c in r if c.value is not None]
    assert "“一支部一品牌”创建活动年度考核表" in values
    for label in ("支部名称", "支部编码", "所在单位", "上级组织", "支部书记", "品牌名称", "申报类型", "党员人数",
                  "考核项目", "满分", "得分", "评分依据", "合计", "等次", "审核人（签字）：", "（盖章）"):
        assert label in values, label
    assert NAMES[0] in values and "东山片区党委" in values and "王建国" in values
    assert BASIS in values
    assert any("局党工委" in str(v) and "审核意见" in str(v) for v in values)
    assert any(str(v).startswith("日期：") for v in values)
    # the rubric table: item, max, score (numbers)
    items = {ws.cell(r, 1).value: (ws.cell(r, 2).value, ws.cell(r, 3).value) for r in range(1, ws.max_row + 1)}
    assert items["过程管理"][0] == 25
    assert isinstance(items["过程管理"][1], float) and items["过程管理"][1] == pytest.approx(25 * 0.9 + 0.04)
    assert isinstance(items["合计"][1], float)
    setup = ws.page_setup
    assert setup.paperSize == 9 and setup.orientation == "portrait"
    # fit_to_pages(1, 1): XlsxWriter omits fitToWidth/fitToHeight="1" because 1 is the OOXML default
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (setup.fitToHeight or 1) == 1 and (setup.fitToWidth or 1) == 1
    assert not ws.print_options.gridLines
    assert ws.sheet_view.showGridLines is False


def test_formula_like_name_stays_text(outbox):
    for file, sheet in (("积分卡.xlsx", "积分卡"), ("年度考核表.xlsx", "汇总"), ("表彰建议名单.xlsx", "未入围说明")):
        ws = openpyxl.load_workbook(outbox / file)[sheet]
        cells = [c for r in ws.iter_rows() for c in r if c.value == NAMES[2]]
        assert cells, (file, sheet)
        assert all(c.data_type == "s" for c in cells)
    book = openpyxl.load_workbook(outbox / "年度考核表.xlsx")
    form = book[book.sheetnames[3]]  # rank 3 is the '=' branch
    cells = [c for r in form.iter_rows() for c in r if c.value == NAMES[2]]
    assert cells and all(c.data_type == "s" for c in cells)


def test_shortlist_sheets(outbox):
    book = openpyxl.load_workbook(outbox / "表彰建议名单.xlsx")
    assert book.sheetnames == ["建议名单", "未入围说明"]
    ws = book["建议名单"]
    title = page_title(ws)
    assert "在册支部 4 个" in title and "名额 30%" in title and "共 1 个" in title
    check_table(ws, LISTED, 1)
    note = f.drawn_text(outbox / "表彰建议名单.xlsx", "建议名单")
    assert note.startswith("说明：")
    assert "名额为在册支部数的 30%" in note and "入围条件：" in note
    assert ws.cell(2, 1).value == 1 and ws.cell(2, 2).value == 1 and isinstance(ws.cell(2, 6).value, float)
    assert ws.freeze_panes == "A2"
    frame = table(outbox / "表彰建议名单.xlsx", "建议名单")
    assert list(frame.columns[: len(LISTED)]) == LISTED and frame["支部编码"].tolist() == ["JN001"]
    ws = book["未入围说明"]
    assert page_title(ws) == "未入围说明（共 3 个支部）"
    check_table(ws, MISSED, 3)
    assert "入围条件：" in f.drawn_text(outbox / "表彰建议名单.xlsx", "未入围说明")
    reason = ws.cell(2, 4)
    assert "认定申请表" in reason.value and reason.alignment.wrap_text
    assert ws.column_dimensions["D"].width >= 50
    assert ws.freeze_panes == "A2"
    frame = table(outbox / "表彰建议名单.xlsx", "未入围说明")
    assert list(frame.columns[: len(MISSED)]) == MISSED and frame["支部编码"].tolist() == ["JN002", "JN003", "JN004"]


def test_ampersand_in_title_is_escaped(tmp_path):
    from xlsxwriter import Workbook

    from pipeline.write.common import print_title as set_title

    book = Workbook(str(tmp_path / "t.xlsx"))
    ws = book.add_worksheet()
    set_title(ws, "党建&业务")
    ws.write_string(0, 0, "x")
    book.close()
    header = openpyxl.load_workbook(tmp_path / "t.xlsx").active.oddHeader.center.text
    assert header == "党建&&业务"


def test_byte_identical(tmp_path):
    for sub in ("a", "b"):
        write_all(tmp_path / sub, *frames())
    for file in ("积分卡.xlsx", "年度考核表.xlsx", "表彰建议名单.xlsx"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes(), file


def test_empty_frames_still_have_headers(tmp_path):
    empty = {name: pd.DataFrame(dtype=object) for name in SHEETS}
    rates = pd.DataFrame(columns=["支部编码", "类型", "应报", "实报", "按时", "报送率", "按时率"])
    card, details = scorecard([], {}, Inputs(empty, rates), C)
    branches = pd.DataFrame(columns=list(f.branch("x", "y"))).set_index("支部编码", drop=False)
    write_scorecard(tmp_path, card, C)
    write_assessment_sheets(tmp_path, card, details, branches, {}, C)
    listed = pd.DataFrame(columns=["排名", "支部编码", "支部名称", "品牌名称", "总分", "等次"])
    missed = pd.DataFrame(columns=["支部编码", "支部名称", "总分", "原因"])
    write_shortlist(tmp_path, listed, missed, quota_of(listed, missed, C), C)
    # an empty table is its header alone: no data rows, no placeholder row
    ws = openpyxl.load_workbook(tmp_path / "积分卡.xlsx")["积分卡"]
    check_table(ws, CARD, 0)
    book = openpyxl.load_workbook(tmp_path / "年度考核表.xlsx")
    assert book.sheetnames == ["汇总"]
    check_table(book["汇总"], [*CARD, "考核表"], 0)
    book = openpyxl.load_workbook(tmp_path / "表彰建议名单.xlsx")
    check_table(book["建议名单"], LISTED, 0)
    check_table(book["未入围说明"], MISSED, 0)
    assert "在册支部 0 个" in page_title(book["建议名单"])
    for file, sheet, columns in (("积分卡.xlsx", "积分卡", CARD), ("表彰建议名单.xlsx", "建议名单", LISTED),
                                 ("表彰建议名单.xlsx", "未入围说明", MISSED)):
        frame = table(tmp_path / file, sheet)
        assert list(frame.columns[: len(columns)]) == columns
        assert frame.dropna(how="all").empty  # nothing below the header: the 说明 is a drawn text box
        assert f.drawn_text(tmp_path / file, sheet).startswith("说明：")


def test_missing_roster_row_and_details_do_not_break(tmp_path):
    card, details, branches = frames()
    write_assessment_sheets(tmp_path, card, details.iloc[0:0], branches.iloc[0:0], short_names(card), C)
    book = openpyxl.load_workbook(tmp_path / "年度考核表.xlsx")
    ws = book[book.sheetnames[1]]
    values = [c.value for r in ws.iter_rows() for c in r if c.value is not None]
    assert NAMES[0] in values and "局党工委" in values  # default 上级组织
    assert dt.date(2014, 12, 31).isoformat() in " ".join(str(v) for v in values)
