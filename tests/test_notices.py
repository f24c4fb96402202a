"""What the school receives (issue 11, items 1–7): real files through the real CLI, the outbox read back
with openpyxl — root causes with their consequences folded, the notice as a letter, unreadable files
reaching their branch, and the wording of the matching, period and brand rules."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import factory as f
import msoffcrypto.format.ooxml
import openpyxl
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.config import ConfigError, load_campaign
from pipeline.issues import natural_key, position_key
from pipeline.validate.rules import task_span
from pipeline.workdays import add_workdays

A = ("JN001", "江宁区汤山中学党支部")
B = ("JN002", "江宁区秣陵中学党支部")
C = ("JN003", "江宁区东山小学党支部")
TODAY = "2015-01-05"  # the run date: notices are dated by it and resubmission counts from it
ISSUES = ("文件", "支部名称", "工作表", "单元格", "字段", "值", "问题", "级别", "修改建议")


def rows_of(path: Path, sheet: str | int = 0, header: str = "文件") -> list[dict[str, object]]:
    """Rows under the row whose first cell is `header`, up to the first row without a value there."""
    book = openpyxl.load_workbook(path)
    ws = book[sheet] if isinstance(sheet, str) else book.worksheets[sheet]
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    top = next(i for i, r in enumerate(grid) if r and r[0] == header)
    names = grid[top]
    out = []
    for r in grid[top + 1:]:
        if r[0] is None:
            break
        out.append(dict(zip(names, r, strict=True)))
    return out


def cells(path: Path) -> list[str]:
    ws = openpyxl.load_workbook(path).worksheets[0]
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def run(box: Path, out: Path, *args: str, config: Path = f.CONFIG) -> str:
    result = CliRunner().invoke(cli, ["run", "--inbox", str(box), "--outbox", str(out), "--config", str(config),
                                      "--as-of", "2014-12-31", "--today", TODAY, *args])
    assert result.exit_code == 0, result.output
    return result.output


def encrypt(src: Path, dst: Path) -> None:
    out = io.BytesIO()
    with src.open("rb") as fh:
        msoffcrypto.format.ooxml.OOXMLFile(fh).encrypt("1234", out)
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_bytes(out.getvalue())
    src.unlink()


def by_number(name: str) -> list[object]:
    """The test's own natural order of names: digit runs compared as numbers."""
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name)]


def natural(cell: str) -> tuple[int, int]:
    """The test's own reading of an A1 reference: (row, column)."""
    m = re.fullmatch(r"([A-Z]+)(\d+)", cell or "")
    if not m:
        return (0, 0)
    col = 0
    for ch in m[1]:
        col = col * 26 + ord(ch) - 64
    return (int(m[2]), col)


@pytest.fixture(scope="module")
def outbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    box = tmp_path_factory.mktemp("notices") / "inbox"
    f.roster(box, [f.branch(*A), f.branch(*B), f.branch(*C)])
    # A: the application lacks its phone number, so its task numbers cannot be checked anywhere else.
    f.application(box, *A, 联系电话="", tasks=5, file="申报/汤山中学申报表.xlsx")
    for month in ("2014-06", "2014-07", "2014-08"):
        f.monthly(box, *A, month, progress=[(t, "进行中", 20) for t in range(1, 6)],
                  file=f"月检查/{month}/汤山中学{int(month[5:])}月检查表.xlsx")
    f.recognition(box, *A, file="认定申请/汤山中学认定申请表.xlsx")
    # A: ten activities dated outside their month (warnings at A2 … A11) and an unknown 填报日期.
    f.write(box / "月检查/2014-09/汤山中学9月检查表.xlsx", f.MONTHLY,
            {"支部名称": A[1], "支部编码": A[0], "检查月份": "2014-09", "填报人": "李红", "填报日期": "九月底",
             "本月小结": f.LONG},
            {"活动记录": [{"活动日期": dt.date(2014, 8, d), "活动名称": "主题党日", "参与人数": 10}
                          for d in range(1, 11)], "任务进度": []})
    # A: a password-protected October report; B: an empty file in its folder; and one nobody can own.
    encrypt(f.monthly(box.parent, *A, "2014-10", file="plain.xlsx"), box / "汤山中学10月.xlsx")
    (box / "收到的/秣陵中学党支部").mkdir(parents=True)
    (box / "收到的/秣陵中学党支部/第三季度汇报表.xlsx").write_bytes(b"")
    (box / "东山10月.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    # B: its code with C's exact name; C: a long brand on both the application and the recognition form.
    f.monthly(box, B[0], C[1], "2014-06", file="月检查/2014-06/秣陵中学6月.xlsx")
    f.application(box, *C, 品牌名称="党建引领立德树人润泽童心工程", file="申报/东山小学申报表.xlsx")
    f.recognition(box, *C, 品牌名称="党建引领立德树人润泽童心工程", file="认定申请/东山小学认定申请表.xlsx")
    f.monthly(box, *C, "2014-04", file="月检查/东山小学4月.xlsx")
    out = box.parent / "outbox"
    run(box, out)
    return out


@pytest.fixture(scope="module")
def issues(outbox: Path) -> list[dict[str, object]]:
    return rows_of(outbox / "问题清单.xlsx", "问题清单")


# ---- 1. root causes first, consequences folded -------------------------------------------------

def test_a_consequence_is_written_once_per_file_naming_its_cause(issues):
    progress = [i for i in issues if i["字段"] == "任务序号"]
    assert sorted(i["文件"] for i in progress) == [f"月检查/{m}/汤山中学{int(m[5:])}月检查表.xlsx"
                                                   for m in ("2014-06", "2014-07", "2014-08")]
    for i in progress:
        assert i["问题"] == "品牌申报表未受理（缺联系电话），本表任务进度 1–5 暂无法核对"
        assert i["值"] == "1–5" and i["级别"] == "警告" and i["单元格"]


def test_the_root_issue_says_what_it_blocks(issues):
    root = [i for i in issues if i["文件"] == "申报/汤山中学申报表.xlsx"]
    assert [(i["字段"], i["级别"]) for i in root] == [("联系电话", "错误")]
    assert root[0]["修改建议"].endswith("申报表退回后，本支部的月检查任务进度、认定申请均无法核对，请尽快重报")


def test_recognition_without_application_names_the_cause(issues):
    rec = next(i for i in issues if i["文件"] == "认定申请/汤山中学认定申请表.xlsx")
    assert rec["级别"] == "错误" and rec["问题"] == "品牌申报表未受理（缺联系电话），不能申请认定"


def test_issue_list_orders_errors_first_then_file_sheet_and_cell(issues):
    key = [(i["级别"] != "错误", by_number(str(i["文件"])), i["工作表"] or "", natural(str(i["单元格"] or "")))
           for i in issues]
    assert key == sorted(key)
    assert {i["级别"] for i in issues[:3]} == {"错误"} and issues[-1]["级别"] == "警告"
    dated = [i["单元格"] for i in issues if i["字段"] == "活动日期"]
    first = int(str(dated[0])[1:])
    assert dated == [f"A{r}" for r in range(first, first + 10)]  # … A9, A10, A11: not A10, A11, A3


def test_notice_rows_are_ordered_the_same_way(outbox):
    rows = rows_of(outbox / "退回通知" / f"{A[1]}.xlsx")
    key = [(r["级别"] != "错误", by_number(str(r["文件"])), r["工作表"] or "", natural(str(r["单元格"] or "")))
           for r in rows]
    assert key == sorted(key)
    assert sum(r["字段"] == "任务序号" for r in rows) == 3  # not 15


def test_position_key_sorts_a1_and_word_positions_naturally():
    cells_ = ["表格10 第1行第1列", "A10", "", "B2", "A2", "表格2 第10行第1列", "表格2 第3行第2列", "AA1"]
    assert sorted(cells_, key=position_key) == ["", "AA1", "A2", "B2", "A10", "表格2 第3行第2列",
                                                 "表格2 第10行第1列", "表格10 第1行第1列"]
    assert task_span([5, 1, 2, 3, 7, 8]) == "1–3、5、7、8"
    names = ["汤山10月.xlsx", "第三季度.xlsx", "汤山5月.xlsx", "第二季度.xlsx"]
    assert sorted(names, key=natural_key) == ["汤山5月.xlsx", "汤山10月.xlsx", "第二季度.xlsx", "第三季度.xlsx"]


# ---- 2. the notice speaks to the school --------------------------------------------------------

def test_notice_is_a_letter_to_the_branch(outbox):
    path = outbox / "退回通知" / f"{A[1]}.xlsx"
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert ws["A1"].value == "关于报送材料退回修改的通知"
    assert ws["A2"].value == f"{A[1]}："
    text = "\n".join(cells(path))
    assert "请于 2015年1月12日 前" in text  # 5 working days after 2015-01-05
    assert "局党工委办公室（101 室）" in text and "2015年1月5日" in text
    assert "2014年12月31日" in text  # as_of is named as the cut-off, not as the date of issue
    assert "如有疑问，请联系：" in text and "联系电话：" in text
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)


def test_notice_shows_the_file_name_the_school_sent(outbox):
    rows = rows_of(outbox / "退回通知" / f"{A[1]}.xlsx")
    shown = {r["文件"] for r in rows}
    assert "汤山中学6月检查表.xlsx" in shown and "汤山中学申报表.xlsx" in shown
    assert not any("/" in str(s) for s in shown)
    text = "\n".join(cells(outbox / "退回通知" / f"{A[1]}.xlsx"))
    assert "《汤山中学申报表.xlsx》（已退回）" in text


def test_files_of_the_same_name_are_told_apart_by_period_in_the_letter(tmp_path):
    box = tmp_path / "inbox"
    f.roster(box, [f.branch(*A)])
    for month in ("2014-05", "2014-06"):
        f.monthly(box, *A, month, 填报人="", file=f"月检查/{month}/月检查表.xlsx")
    run(box, tmp_path / "out")
    path = tmp_path / "out" / "退回通知" / f"{A[1]}.xlsx"
    assert [r["文件"] for r in rows_of(path)] == ["月检查表.xlsx", "月检查表.xlsx"]  # as the school sent them
    text = "\n".join(cells(path))
    assert "《月检查表.xlsx》（2014-05 月检查表，已退回）、《月检查表.xlsx》（2014-06 月检查表，已退回）" in text


def test_notice_section_of_the_config_is_used_and_dated_by_the_run_date(tmp_path):
    box = tmp_path / "inbox"
    f.roster(box, [f.branch(*A)])
    f.monthly(box, *A, "2014-12", file="汤山中学12月.xlsx")
    config = tmp_path / "campaign.toml"
    config.write_text(f.CONFIG.read_text(encoding="utf-8").replace(
        'contact = ""', 'contact = "张老师"').replace('phone = ""', 'phone = "025-52101234"').replace(
        'office = "局党工委办公室（101 室）"', 'office = "局党工委组织科"').replace(
        "resubmit_working_days = 5", "resubmit_working_days = 3"), encoding="utf-8")
    one, two = tmp_path / "one", tmp_path / "two"
    run(box, one, "--today", "2014-09-30", config=config)
    text = "\n".join(cells(one / "退回通知" / f"{A[1]}.xlsx"))
    assert "如有疑问，请联系：张老师，联系电话：025-52101234。" in text
    assert "局党工委组织科" in text and "2014年9月30日" in text
    assert "前将下列文件改正后重新报送" not in text  # 2014-12 needs no report: no resubmission asked
    assert "无需报送；如期间填错，请于 2014年10月10日 前改正后重报" in text  # after the National Day holiday
    run(box, two, "--today", "2014-09-30", config=config)
    assert (one / "退回通知" / f"{A[1]}.xlsx").read_bytes() == (two / "退回通知" / f"{A[1]}.xlsx").read_bytes()


def test_resubmission_counts_working_days_with_the_holiday_calendar():
    assert add_workdays(dt.date(2014, 9, 30), 5) == dt.date(2014, 10, 13)  # 10-11 is a make-up workday
    assert add_workdays(dt.date(2015, 1, 5), 5) == dt.date(2015, 1, 12)
    campaign = load_campaign(f.CONFIG, today=dt.date(2015, 1, 5), as_of=dt.date(2014, 12, 31))
    assert campaign.issue_date == dt.date(2015, 1, 5) and campaign.resubmit_deadline == dt.date(2015, 1, 12)


@pytest.mark.parametrize(("line", "key"), [("colour = 1", "notice.colour"),
                                           ("resubmit_working_days = \"五\"", "notice.resubmit_working_days")])
def test_bad_notice_section_stops_with_exit_2_naming_the_key(tmp_path, line, key):
    config = tmp_path / "bad.toml"
    text = f.CONFIG.read_text(encoding="utf-8").replace("resubmit_working_days = 5", "")
    config.write_text(text.replace("[notice]", f"[notice]\n{line}"), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_campaign(config, today=dt.date(2015, 1, 5))
    assert any(key in p for p in err.value.problems)
    result = CliRunner().invoke(cli, ["run", "--inbox", str(tmp_path), "--config", str(config)])
    assert result.exit_code == 2 and key in result.output


# ---- 3. files that could not be opened reach their branch --------------------------------------

def test_unreadable_file_is_attributed_in_the_manifest(outbox):
    files = {r["文件"]: r for r in f.manifest(outbox)["files"]}
    locked = files["汤山中学10月.xlsx"]
    assert (locked["状态"], locked["支部编码"], locked["支部名称"]) == ("无法读取", A[0], A[1])
    empty = files["收到的/秣陵中学党支部/第三季度汇报表.xlsx"]
    assert (empty["状态"], empty["支部编码"]) == ("无法读取", B[0])
    assert files["东山10月.xlsx"]["状态"] == "无法读取" and files["东山10月.xlsx"]["支部编码"] == ""


def test_unreadable_file_is_in_the_issue_list_and_its_branch_notice(outbox, issues):
    row = next(i for i in issues if i["文件"] == "汤山中学10月.xlsx")
    assert row["问题"] == "收到的文件《汤山中学10月.xlsx》设置了打开密码，无法打开，请取消密码后重新发送"
    assert row["修改建议"] == "请取消密码后重新发送"
    assert (row["支部名称"], row["级别"]) == (A[1], "错误")
    notice = rows_of(outbox / "退回通知" / f"{A[1]}.xlsx")
    assert any(r["文件"] == "汤山中学10月.xlsx" and "设置了打开密码" in r["问题"] for r in notice)
    assert "《汤山中学10月.xlsx》（无法打开）" in "\n".join(cells(outbox / "退回通知" / f"{A[1]}.xlsx"))
    b = rows_of(outbox / "退回通知" / f"{B[1]}.xlsx")
    assert any(r["文件"] == "第三季度汇报表.xlsx" and "0 字节" in r["问题"] for r in b)
    nobody = next(i for i in issues if i["文件"] == "东山10月.xlsx")
    assert not nobody["支部名称"]  # 东山 alone is no branch: in the list, in nobody's notice
    assert not any("东山10月.xlsx" in cells(p) for p in (outbox / "退回通知").iterdir())


def test_chase_list_says_received_but_unopenable_and_rates_do_not_count_it(outbox):
    book = openpyxl.load_workbook(outbox / "报送情况.xlsx")
    chase = {r["支部编码"]: r["缺报项"] for r in rows_of(outbox / "报送情况.xlsx", "催报名单", "支部编码")}
    assert "2014-10 月检查（已收到但无法打开）" in chase[A[0]]
    assert "2014-11 月检查、" in chase[A[0]] or chase[A[0]].endswith("2014-11 月检查")
    assert "2014Q3 季度汇报（已收到但无法打开）" in chase[B[0]]
    matrix = rows_of(outbox / "报送情况.xlsx", "月检查", "支部编码")
    assert next(r for r in matrix if r["支部编码"] == A[0])["2014-10"] == "缺报"
    assert book["月检查"] is not None


# ---- 4–7. wording of the matching, period and brand rules --------------------------------------

def test_a_code_with_another_branchs_name_is_sent_back(outbox, issues):
    row = next(i for i in issues if i["文件"] == "月检查/2014-06/秣陵中学6月.xlsx" and i["字段"] == "支部名称")
    assert row["级别"] == "错误" and C[1] in row["问题"] and "哪个支部" in row["修改建议"]
    files = {r["文件"]: r for r in f.manifest(outbox)["files"]}
    assert files["月检查/2014-06/秣陵中学6月.xlsx"]["状态"] == "退回"


def test_a_month_before_the_campaign_needs_no_report(issues):
    row = next(i for i in issues if i["文件"] == "月检查/东山小学4月.xlsx")
    assert row["修改建议"] == "2014-04 不在报送期间（2014-05 至 2014-11），本表无需报送；如月份填错，请改正后重报"


def test_a_long_brand_is_warned_on_the_application_only(issues):
    long_brand = [i["文件"] for i in issues if "超过 10 个字" in str(i["问题"])]
    assert long_brand == ["申报/东山小学申报表.xlsx"]


# ---- print: a letter on A4 that reads at 9 pt or more -----------------------------------------

@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")), reason="LibreOffice not installed")
def test_notice_renders_on_portrait_a4_with_readable_text(outbox, tmp_path):
    src = outbox / "退回通知" / f"{A[1]}.xlsx"
    shutil.copy(src, tmp_path / "notice.xlsx")
    profile = f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}"  # no clash with a parallel soffice
    subprocess.run(["soffice", profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(tmp_path / "notice.xlsx")], check=True, capture_output=True, timeout=120)
    layout = subprocess.run(["pdftotext", "-bbox", str(tmp_path / "notice.pdf"), "-"], check=True,
                            capture_output=True, text=True).stdout
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)"', layout)
    assert pages and all(float(w) < float(h) for w, h in pages)  # portrait
    header = re.search(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>修改建议</word>', layout)
    assert header, "the table header is printed"
    assert (float(header[2]) - float(header[1])) / 4 >= 9  # four characters at 9 pt or more after scaling
    assert layout.count("关于报送材料退回修改的通知") == 1  # the letter is not repeated on later pages
