"""报送情况.xlsx (pipeline.write.status_report): written from small hand-made frames, read back with openpyxl."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipeline.config import load_campaign
from pipeline.write.common import STATUS_COLOURS
from pipeline.write.status_report import CHART_TITLE, FILE_NAME, SHEETS, write_status_report

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2014, 12, 31)
FORMULA_NAME = '=HYPERLINK("http://example.com","点我")'
LONG_NAME = "中共汤山职业技术学校第一支部委员会"
ID = ["支部编码", "支部名称", "上级组织"]
RATE_HEADER = ["期间", "应报", "实报", "按时", "报送率", "按时率"]


@pytest.fixture(scope="module")
def campaign():
    return load_campaign(ROOT / "campaign.toml", AS_OF, as_of=AS_OF)


def frames() -> dict[str, object]:
    monthly = pd.DataFrame([
        ["JN001", "东山小学党支部", "江宁区中小学党委", "按时", "缺报"],
        ["JN002", FORMULA_NAME, "局党工委", "逾期", "退回"],
        ["JN003", LONG_NAME, "局党工委", "—", "未到期"],
    ], columns=[*ID, "2014-05", "2014-06"], dtype=object)
    quarterly = pd.DataFrame([
        ["JN001", "东山小学党支部", "江宁区中小学党委", "缺报", "未到期"],
        ["JN002", FORMULA_NAME, "局党工委", "按时", "未到期"],
        ["JN003", LONG_NAME, "局党工委", "逾期", "未到期"],
    ], columns=[*ID, "2014Q3", "2014Q4"], dtype=object)
    rates = pd.DataFrame([
        ["月检查", "2014-05", 4, 3, 2, 0.75, 0.5],
        ["月检查", "2014-06", 0, 0, 0, None, None],
        ["月检查", "合计", 4, 3, 2, 0.75, 0.5],
        ["季度汇报", "2014Q3", 3, 2, 1, 2 / 3, 1 / 3],
        ["季度汇报", "2014Q4", 0, 0, 0, None, None],
        ["季度汇报", "合计", 3, 2, 1, 2 / 3, 1 / 3],
    ], columns=["类型", *RATE_HEADER], dtype=object)
    by_parent = pd.DataFrame([
        ["局党工委", "月检查", 1, 1, 0, 1.0, 0.0],
        ["江宁区中小学党委", "月检查", 1, 1, 1, 1.0, 1.0],
        ["局党工委", "季度汇报", 3, 2, 1, 2 / 3, 1 / 3],
    ], columns=["上级组织", "类型", *RATE_HEADER[1:]], dtype=object)
    chase = pd.DataFrame([
        ["JN002", FORMULA_NAME, "局党工委", "2014-06 月检查（退回）、2014Q2 季度汇报", 2, "王老师", "13900000002"],
        ["JN001", "东山小学党支部", "江宁区中小学党委", "2014-06 月检查、2014Q3 季度汇报", 2, "张老师", "025-52101234"],
    ], columns=[*ID, "缺报项", "缺报数", "联系人", "联系电话"], dtype=object)
    not_applied = pd.DataFrame([
        ["JN003", LONG_NAME, "局党工委", "未收到申报表", dt.date(2014, 4, 21), None, "0255210"],
    ], columns=[*ID, "情况", "申报截止日", "联系人", "联系电话"], dtype=object)
    return {"matrices": {"monthly": monthly, "quarterly": quarterly}, "rates": rates, "by_parent": by_parent,
            "chase": chase, "not_applied": not_applied}


def empty_frames() -> dict[str, object]:
    full = frames()
    return {"matrices": {k: m.iloc[0:0] for k, m in full["matrices"].items()},
            **{k: full[k].iloc[0:0] for k in ("rates", "by_parent", "chase", "not_applied")}}


def write(folder: Path, campaign, data: dict[str, object] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_status_report(folder, campaign=campaign, **(data or frames()))
    return folder / FILE_NAME


@pytest.fixture(scope="module")
def book(tmp_path_factory, campaign):
    return openpyxl.load_workbook(write(tmp_path_factory.mktemp("sr"), campaign))


def header_row(ws, first: str) -> int:
    for row in ws.iter_rows(min_col=1, max_col=1):
        if row[0].value == first:
            return row[0].row
    raise AssertionError(f"no header starting with {first} on {ws.title}")


def row_values(ws, row: int) -> list[object]:
    values = [c.value for c in ws[row]]
    while values and values[-1] is None:
        values.pop()
    return values


def find_row(ws, column: int, value: str, start: int = 1) -> int:
    for r in range(start, ws.max_row + 1):
        if ws.cell(r, column).value == value:
            return r
    raise AssertionError(f"{value} not in column {column} of {ws.title}")


def test_sheet_names_and_order(book):
    assert book.sheetnames == list(SHEETS) == ["月检查", "季度汇报", "报送率", "催报名单", "未申报"]


@pytest.mark.parametrize(("sheet", "periods"), [("月检查", ["2014-05", "2014-06"]),
                                                ("季度汇报", ["2014Q3", "2014Q4"])])
def test_matrix_header_and_rows(book, sheet, periods):
    ws = book[sheet]
    top = header_row(ws, "支部编码")
    assert row_values(ws, top) == [*ID, *periods]
    assert [ws.cell(top + 1 + i, 1).value for i in range(3)] == ["JN001", "JN002", "JN003"]
    assert ws.cell(top + 4, 1).value is None  # nothing below the data
    assert ws.freeze_panes == f"C{top + 1}"
    assert ws.auto_filter.ref == f"A{top}:{openpyxl.utils.get_column_letter(3 + len(periods))}{top + 3}"
    assert ws["A1"].value.startswith(f"{sheet}报送情况（统计截止 2014-12-31）")


def test_matrix_shows_due_dates_and_legend(book):
    ws = book["月检查"]
    top = header_row(ws, "支部编码")
    assert ws.cell(top - 1, 4).value == "截止 06-05"
    above = [c.value for r in ws.iter_rows(min_row=2, max_row=top - 1) for c in r if isinstance(c.value, str)]
    for status in ("按时", "逾期", "退回", "缺报", "未到期", "—"):
        assert any(v.startswith(status + "\n") for v in above)
    q = book["季度汇报"]
    q_top = header_row(q, "支部编码")
    assert q.cell(q_top - 1, 4).value == "截止 10-10"
    assert q.cell(q_top - 1, 5).value == "截止 2015-01-12"  # next year's 01-10 is a Saturday


def test_status_cell_coloured_and_centred(book):
    ws = book["月检查"]
    top = header_row(ws, "支部编码")
    cell = ws.cell(top + 1, 5)
    assert cell.value == "缺报"
    assert cell.fill.fgColor.rgb == "FF" + STATUS_COLOURS["缺报"].lstrip("#")
    assert cell.alignment.horizontal == "center"
    assert ws.cell(top + 1, 4).fill.fgColor.rgb == "FF" + STATUS_COLOURS["按时"].lstrip("#")


def test_formula_like_text_stays_text(book):
    for sheet in ("月检查", "季度汇报", "催报名单"):
        ws = book[sheet]
        r = find_row(ws, 1, "JN002")
        cell = ws.cell(r, 2)
        assert cell.value == FORMULA_NAME
        assert cell.data_type == "s"


def test_rates_table(book):
    ws = book["报送率"]
    top = header_row(ws, "类型")
    assert row_values(ws, top) == ["类型", *RATE_HEADER]
    may = find_row(ws, 2, "2014-05", top)
    rate = ws.cell(may, 6)
    assert rate.value == pytest.approx(0.75)
    assert 0 <= rate.value <= 1
    assert rate.number_format == "0.0%"
    assert ws.cell(may, 3).value == 4
    june = find_row(ws, 2, "2014-06", top)
    assert ws.cell(june, 6).value is None
    assert ws.cell(june, 7).value is None
    assert ws.cell(june, 3).value == 0
    total = find_row(ws, 2, "合计", top)
    assert ws.cell(total, 1).value == "月检查"
    assert ws.cell(total, 2).font.b and ws.cell(total, 6).font.b
    assert not ws.cell(may, 6).font.b
    assert ws.freeze_panes == f"A{top + 1}"


def test_rates_by_parent_below(book):
    ws = book["报送率"]
    caption = find_row(ws, 1, "按上级组织统计")
    last_rate = find_row(ws, 2, "合计", find_row(ws, 2, "2014Q4"))
    assert caption > last_rate + 2
    assert row_values(ws, caption + 1) == ["上级组织", "类型", *RATE_HEADER[1:]]
    assert row_values(ws, caption + 2)[:3] == ["局党工委", "月检查", 1]
    assert ws.cell(caption + 2, 7).value == 0.0  # a real 0% stays 0, only None is blank
    assert ws.cell(caption + 4, 6).number_format == "0.0%"


def test_chart_of_monthly_rates(book):
    ws = book["报送率"]
    assert len(ws._charts) == 1
    chart = ws._charts[0]
    title = "".join(run.t for p in chart.title.tx.rich.p for run in (p.r or []))
    assert title == CHART_TITLE
    refs = [s.val.numRef.f for s in chart.series]
    top = header_row(ws, "类型")
    may, june = find_row(ws, 2, "2014-05", top), find_row(ws, 2, "2014-06", top)
    assert refs == [f"报送率!$F${may}:$F${june}", f"报送率!$G${may}:$G${june}"]
    assert chart.series[0].cat.numRef is not None or chart.series[0].cat.strRef is not None
    assert chart.y_axis.scaling.min == 0 and chart.y_axis.scaling.max == 1
    assert "%" in chart.y_axis.number_format.formatCode
    anchor = chart.anchor._from
    assert anchor.col >= 7  # right of the tables (columns A–G)


def test_chase_list(book):
    ws = book["催报名单"]
    assert ws["A1"].value == "催报名单（共 2 个支部）"
    top = header_row(ws, "支部编码")
    header = row_values(ws, top)
    for col in ("支部编码", "支部名称", "上级组织", "缺报项", "联系人", "联系电话"):
        assert col in header
    # sorted by 上级组织, so the input order flips
    parents = [ws.cell(top + 1 + i, 3).value for i in range(2)]
    assert parents == sorted(parents)
    assert ws.cell(top + 1, 4).alignment.wrap_text
    assert ws.cell(find_row(ws, 1, "JN001"), 7).value == "025-52101234"
    assert ws.freeze_panes == f"A{top + 1}"
    assert ws.auto_filter.ref == f"A{top}:G{top + 2}"


def test_not_applied(book):
    ws = book["未申报"]
    assert ws["A1"].value == "未申报（共 1 个支部）"
    top = header_row(ws, "支部编码")
    assert row_values(ws, top) == [*ID, "情况", "申报截止日", "联系人", "联系电话"]
    assert ws.cell(top + 1, 5).value == dt.datetime(2014, 4, 21)
    assert ws.cell(top + 1, 7).value == "0255210"


def test_print_setup_on_every_sheet(book):
    for ws in book.worksheets:
        top = header_row(ws, "类型" if ws.title == "报送率" else "支部编码")
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.paperSize == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth in (None, 1)  # 1 is the default, left out of the file
        assert ws.page_setup.fitToHeight == 0
        assert ws.print_title_rows == f"$1:${top}"
        assert "&P" in ws.oddFooter.center.text
        assert ws.freeze_panes is not None
        assert ws.auto_filter.ref is not None
        assert ws.cell(top, 1).font.b


def test_empty_frames_still_give_every_sheet(tmp_path, campaign):
    book = openpyxl.load_workbook(write(tmp_path, campaign, empty_frames()))
    assert book.sheetnames == list(SHEETS)
    for ws in book.worksheets:
        top = header_row(ws, "类型" if ws.title == "报送率" else "支部编码")
        assert ws.cell(top + 1, 1).value == "无"
    assert row_values(book["月检查"], header_row(book["月检查"], "支部编码")) == [*ID, "2014-05", "2014-06"]
    assert book["催报名单"]["A1"].value == "催报名单（共 0 个支部）"
    assert book["报送率"]._charts == []


def test_same_inputs_same_bytes(tmp_path, campaign):
    first = write(tmp_path / "a", campaign).read_bytes()
    second = write(tmp_path / "b", campaign).read_bytes()
    assert first == second
