"""`pipeline templates`: forms a branch can fill without phoning the office (issue 11, item 15).

The templates are written by the real CLI from a small inbox, inspected with openpyxl as Excel would
see them, then filled in with openpyxl (as a branch would in Excel) and read back through the reader
and `pipeline check`: a filled template must come back with zero issues.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import factory as f
import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.worksheet.worksheet import Worksheet

from pipeline.cli import cli
from pipeline.forms import FormKind, canonical_label, form_kinds
from pipeline.parse.file import read_file

A = ("JN001", "江宁区东山小学党支部")  # active, with an accepted application
GONE = ("JN002", "江宁区秣陵中学党支部")  # dissolved before as_of: no templates
LATER = ("JN003", "江宁区汤山小学党支部")  # dissolved only after as_of: still reports
AS_OF = dt.date(2014, 12, 31)


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("templates")
    box = root / "inbox"
    f.roster(box, [f.branch(*A), f.branch(*GONE, 撤销日期=dt.date(2014, 9, 30)),
                   f.branch(*LATER, 撤销日期=dt.date(2015, 3, 1))])
    f.application(box, *A, tasks=3)
    out = root / "模板"
    result = CliRunner().invoke(cli, ["templates", "--out", str(out), "--inbox", str(box),
                                      "--config", str(f.CONFIG), "--as-of", AS_OF.isoformat()])
    assert result.exit_code == 0, result.output
    assert "2 个支部" in result.output
    return box, out


def kinds() -> dict[str, FormKind]:
    return {k.title: k for k in form_kinds(f.campaign(AS_OF))}


def branch_file(out: Path, branch: tuple[str, str], title: str) -> Path:
    return out / "各支部" / f"{branch[0]}-{branch[1]}" / f"{title}.xlsx"


def label_row(ws: Worksheet, label: str) -> int:
    return next(c.row for c in ws["A"] if isinstance(c.value, str) and canonical_label(c.value) == label)


def validation_at(ws: Worksheet, ref: str):
    found = [dv for dv in ws.data_validations.dataValidation if ref in dv.sqref]
    assert len(found) == 1, (ref, found)
    return found[0]


def table_header(ws: Worksheet, first: str) -> int:
    return next(c.row for c in ws["A"] if isinstance(c.value, str) and canonical_label(c.value) == first)


def test_no_templates_for_a_dissolved_branch(made):
    _, out = made
    folders = sorted(p.name for p in (out / "各支部").iterdir())
    assert folders == [f"{A[0]}-{A[1]}", f"{LATER[0]}-{LATER[1]}"]


def test_monthly_template_lists_the_accepted_tasks(made):
    _, out = made
    ws = openpyxl.load_workbook(branch_file(out, A, "月检查表"))["任务进度"]
    header = [c.value for c in ws[table_header(ws, "任务序号")]]
    seq, content = header.index("任务序号*"), header.index("任务内容")
    rows = [(r[seq], r[content]) for r in ws.iter_rows(min_row=table_header(ws, "任务序号") + 1, values_only=True)
            if r[seq] is not None]
    assert rows == [(i, f"开展第{i}项品牌建设任务") for i in (1, 2, 3)]
    other = openpyxl.load_workbook(branch_file(out, LATER, "月检查表"))["任务进度"]
    assert all(r[0] is None for r in other.iter_rows(min_row=3, values_only=True))


def test_recognition_template_carries_the_accepted_brand(made):
    _, out = made
    campaign = f.campaign(AS_OF)
    sub = read_file("r.xlsx", branch_file(out, A, "认定申请表").read_bytes(), form_kinds(campaign), campaign).submission
    assert sub.value("品牌名称") == "红烛先锋" and sub.value("支部编码") == A[0]
    other = read_file("r.xlsx", branch_file(out, LATER, "认定申请表").read_bytes(), form_kinds(campaign),
                      campaign).submission
    assert other.value("品牌名称") is None


@pytest.mark.parametrize(("title", "label", "periods"), [("月检查表", "检查月份", "months"),
                                                         ("季度汇报表", "季度", "quarters")])
def test_period_fields_offer_the_configured_periods(made, title, label, periods):
    _, out = made
    for path in (out / "空白模板" / f"{title}.xlsx", branch_file(out, A, title)):
        ws = openpyxl.load_workbook(path)[title]
        cell = f"B{label_row(ws, label)}"
        dv = validation_at(ws, cell)
        expected = getattr(f.campaign(AS_OF), periods)
        assert dv.type == "list" and dv.formula1 == '"' + ",".join(expected) + '"'
        assert "请从下拉列表中选择" in dv.prompt and dv.error
        assert ws[cell].number_format == "@"  # a month picked stays text, not a date


def test_dates_whole_numbers_and_percents_are_checked_with_chinese_hints(made):
    _, out = made
    book = openpyxl.load_workbook(branch_file(out, A, "月检查表"))
    form = book["月检查表"]
    filed = validation_at(form, f"B{label_row(form, '填报日期')}")
    assert filed.type == "date" and "日期" in filed.prompt and "2014年4月1日" in filed.prompt
    activities = book["活动记录"]
    header = [c.value for c in activities[table_header(activities, "活动日期")]]
    row = table_header(activities, "活动日期") + 1
    people = validation_at(activities, f"{chr(65 + header.index('参与人数*'))}{row}")
    assert people.type == "whole" and people.operator == "greaterThanOrEqual" and people.formula1 == "1"
    assert "整数" in people.prompt
    progress = book["任务进度"]
    header = [c.value for c in progress[table_header(progress, "任务序号")]]
    share = validation_at(progress, f"{chr(65 + header.index('完成比例*'))}3")
    assert share.type == "decimal" and (share.formula1, share.formula2) == ("0", "100")
    assert "0 到 100" in share.prompt


def test_labels_are_locked_without_a_password_and_values_open(made):
    _, out = made
    book = openpyxl.load_workbook(branch_file(out, A, "月检查表"))
    form = book["月检查表"]
    assert form.protection.sheet and not form.protection.password
    assert form.protection.insertRows is False  # openpyxl: False = inserting rows is allowed
    row = label_row(form, "本月小结")
    assert form[f"A{row}"].protection.locked and not form[f"B{row}"].protection.locked
    assert form["A1"].protection.locked  # the title
    table = book["活动记录"]
    assert table.protection.sheet
    header = table_header(table, "活动日期")
    assert table.cell(header, 1).protection.locked and not table.cell(header + 1, 1).protection.locked
    roster = openpyxl.load_workbook(out / "空白模板" / "支部名册.xlsx").worksheets[0]
    top = table_header(roster, "支部编码")
    assert roster.protection.sheet and roster.cell(top, 2).protection.locked
    assert not roster.cell(top + 1, 2).protection.locked


def test_meta_sheet_is_very_hidden_in_every_template(made):
    _, out = made
    paths = sorted(out.rglob("*.xlsx"))
    assert len(paths) == len(kinds()) + 2 * sum(k.per_branch_template for k in kinds().values())
    for path in paths:
        with zipfile.ZipFile(path) as book:
            workbook = book.read("xl/workbook.xml").decode("utf-8")
        assert re.search(r'<sheet name="_meta" sheetId="\d+" state="veryHidden"', workbook), path


def test_instructions_line_under_the_title(made):
    _, out = made
    for title in ("月检查表", "品牌创建申报表", "支部名册", "督查记录表"):
        ws = openpyxl.load_workbook(out / "空白模板" / f"{title}.xlsx").worksheets[0]
        line = ws["A2"].value
        assert line.startswith("填表说明") and "*" in line and "日期" in line and "2014-04-01" in line, line
    roster = openpyxl.load_workbook(out / "空白模板" / "支部名册.xlsx").worksheets[0]["A2"].value
    assert "别名" in roster and "、" in roster and ";" in roster


# ---- filled in, as a branch would, and read back ----------------------------------------------

FILED = {"品牌创建申报表": dt.date(2014, 4, 18), "品牌完善申报表": dt.date(2014, 4, 18),  # after the inbox copy
         "月检查表": dt.date(2014, 6, 28), "季度汇报表": dt.date(2014, 7, 5), "认定申请表": dt.date(2014, 11, 10)}
VALUES: dict[str, object] = {
    "所在单位": "江宁区东山小学", "支部书记": "王建国", "联系人": "李红", "联系电话": "13912345678", "党员人数": 12,
    "品牌名称": "红烛先锋", "检查月份": "2014-06", "季度": "2014Q2", "填报人": "李红", "群众满意度": 95,
    "支部类型": "支部",
}
ROWS: dict[str, dict[str, object]] = {
    "任务分解": {"序号": 1, "任务内容": "开展第1项品牌建设任务", "承办人": "张敏", "完成时限": "2014-10",
             "进度要求": "按月推进"},
    "活动记录": {"活动日期": dt.date(2014, 6, 10), "活动名称": "主题党日", "参与人数": 10},
    "任务进度": {"进展状态": "进行中", "完成比例": 50},
    "宣传报道": {"发布日期": dt.date(2014, 5, 20), "渠道": "微信公众号", "标题": "东山小学开展主题党日活动"},
    "支部名册": {"支部编码": "JN009", "支部名称": "江宁区横溪小学党支部", "支部类型": "支部", "所在单位": "横溪小学",
             "联系电话": "025-52101234", "别名": "横溪小学支部、横溪小学;横溪党支部"},
}


def fill(path: Path, kind: FormKind, filed: dt.date | None) -> None:
    """What a branch types: every empty required field and column, and the rows the template lists."""
    book = openpyxl.load_workbook(path)
    if kind.sheet:
        ws = book[kind.sheet]
        for spec in kind.fields:
            cell = ws.cell(label_row(ws, spec.label), 2)
            if cell.value is None and spec.required:
                cell.value = filed if spec.type == "date" else VALUES.get(spec.label, f.LONG)
    for table in kind.tables:
        ws = book[table.sheet]
        top = table_header(ws, table.columns[0].label)
        columns = [canonical_label(c.value) if c.value else None for c in ws[top]]
        listed = [r for r in range(top + 1, ws.max_row + 1) if ws.cell(r, 1).value is not None] or [top + 1]
        for r in listed:
            for col, label in enumerate(columns, start=1):
                if label in ROWS[table.name] and ws.cell(r, col).value is None:
                    ws.cell(r, col).value = ROWS[table.name][label]
    book.save(path)


def check(path: Path, box: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["check", str(path), "--inbox", str(box), "--config", str(f.CONFIG),
                                      "--as-of", AS_OF.isoformat()])
    return result.exit_code, result.output


@pytest.mark.parametrize("title", list(FILED))
def test_filled_branch_template_reads_back_with_zero_issues(made, tmp_path, title):
    box, out = made
    kind = kinds()[title]
    target = tmp_path / f"{title}.xlsx"
    target.write_bytes(branch_file(out, A, title).read_bytes())
    fill(target, kind, FILED[title])
    campaign = f.campaign(AS_OF)
    received = read_file(target.name, target.read_bytes(), form_kinds(campaign), campaign)
    assert received.submission is not None and received.submission.kind.title == title
    assert received.submission.issues == ()
    code, output = check(target, box)
    assert code == 0 and "未发现问题" in output and "警告" not in output, output


def test_filled_blank_roster_checks_clean(made, tmp_path):
    _, out = made
    target = tmp_path / "支部名册.xlsx"
    target.write_bytes((out / "空白模板" / "支部名册.xlsx").read_bytes())
    fill(target, kinds()["支部名册"], None)
    code, output = check(target, tmp_path / "没有收件箱")
    assert code == 0 and "名册未发现问题，共 1 个支部" in output, output


def test_without_a_roster_only_blank_templates_and_the_next_step_is_said(tmp_path):
    result = CliRunner().invoke(cli, ["templates", "--out", str(tmp_path / "模板"), "--inbox", str(tmp_path / "空"),
                                      "--config", str(f.CONFIG)])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "模板" / "各支部").exists()
    blank = sorted(p.name for p in (tmp_path / "模板" / "空白模板").iterdir())
    assert blank == sorted([*(f"{k.title}.xlsx" for k in kinds().values()),
                            *(f"{k.title}.docx" for k in kinds().values() if k.word_template)])
    assert "支部名册.xlsx" in result.stderr and "再运行一次" in result.stderr
