"""报送情况.xlsx (pipeline.write.status_report): written from small hand-made frames, read back with
pandas (as a table: header on row 1) and openpyxl (formats, print setup, chart)."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipeline.config import load_campaign
from pipeline.write.common import STATUS_COLOURS
from pipeline.write.status_report import CHART_TITLES, FILE_NAME, LEGEND, SHEETS, write_status_report

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2014, 12, 31)
FORMULA_NAME = '=HYPERLINK("http://example.com","点我")'
LONG_NAME = "中共汤山职业技术学校第一支部委员会"
ID = ["支部编码", "支部名称", "上级组织"]
RATE_HEADER = ["期间", "应报", "实报", "按时", "报送率", "按时率"]
EARLY = "未到期：比率仅统计提前报送"
RATES_COLUMNS = ["类型", *RATE_HEADER, "说明"]
PARENT_COLUMNS = ["上级组织", "类型", *RATE_HEADER[1:]]
CHASE_COLUMNS = [*ID, "缺报项", "缺报数", "联系人", "联系电话"]
NOT_APPLIED_COLUMNS = [*ID, "情况", "申报截止日", "联系人", "联系电话"]


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
        ["月检查", "2014-05", 4, 3, 2, 0.75, 0.5, ""],
        ["月检查", "2014-06", 0, 0, 0, None, None, EARLY],
        ["月检查", "合计", 4, 3, 2, 0.75, 0.5, ""],
        ["季度汇报", "2014Q3", 3, 2, 1, 2 / 3, 1 / 3, ""],
        ["季度汇报", "2014Q4", 1, 1, 1, 1.0, 1.0, EARLY],
        ["季度汇报", "合计", 4, 3, 2, 0.75, 0.5, ""],
    ], columns=RATES_COLUMNS, dtype=object)
    by_parent = pd.DataFrame([
        ["局党工委", "月检查", 1, 1, 0, 1.0, 0.0],
        ["江宁区中小学党委", "月检查", 1, 1, 1, 1.0, 1.0],
        ["局党工委", "季度汇报", 3, 2, 1, 2 / 3, 1 / 3],
        ["局党工委", "合计", 4, 3, 1, 0.75, 0.25],
    ], columns=PARENT_COLUMNS, dtype=object)
    chase = pd.DataFrame([
        ["JN002", FORMULA_NAME, "局党工委", "2014-06 月检查（退回）、2014Q2 季度汇报", 2, "王老师", "13900000002"],
        ["JN001", "东山小学党支部", "江宁区中小学党委", "2014-06 月检查、2014Q3 季度汇报", 2, "张老师", "025-52101234"],
    ], columns=CHASE_COLUMNS, dtype=object)
    not_applied = pd.DataFrame([
        ["JN003", LONG_NAME, "局党工委", "未收到申报表", dt.date(2014, 4, 21), None, "0255210"],
    ], columns=NOT_APPLIED_COLUMNS, dtype=object)
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
def path(tmp_path_factory, campaign) -> Path:
    return write(tmp_path_factory.mktemp("sr"), campaign)


@pytest.fixture(scope="module")
def book(path):
    return openpyxl.load_workbook(path)


def table(path: Path, sheet: str, width: int) -> pd.DataFrame:
    """The sheet as the table a reader sees: header on row 1, its first `width` columns, blank rows dropped."""
    frame = pd.read_excel(path, sheet_name=sheet, engine="openpyxl", dtype=object)
    return frame.iloc[:, :width].dropna(how="all").reset_index(drop=True)


def row_values(ws, row: int, first: int = 1, last: int | None = None) -> list[object]:
    values = [ws.cell(row, c).value for c in range(first, (last or ws.max_column) + 1)]
    while values and values[-1] is None:
        values.pop()
    return values


def column_values(ws, column: int, first: int = 2) -> list[object]:
    values = [ws.cell(r, column).value for r in range(first, ws.max_row + 1)]
    while values and values[-1] is None:
        values.pop()
    return values


def find_cell(ws, value: object) -> tuple[int, int]:
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == value:
                return cell.row, cell.column
    raise AssertionError(f"{value!r} not on {ws.title}")


def colour(status: str) -> str:
    return "FF" + STATUS_COLOURS[status].lstrip("#")


def test_sheet_names_and_order(book):
    assert book.sheetnames == list(SHEETS) == ["月检查", "季度汇报", "报送率", "催报名单", "未申报"]


@pytest.mark.parametrize(("sheet", "periods"), [("月检查", ["2014-05", "2014-06"]),
                                                ("季度汇报", ["2014Q3", "2014Q4"])])
def test_matrix_reads_as_a_table(path, book, sheet, periods):
    frame = pd.read_excel(path, sheet_name=sheet, engine="openpyxl", dtype=object)
    assert list(frame.columns[:5]) == [*ID, *periods]
    matrix = table(path, sheet, 5)
    assert matrix["支部编码"].tolist() == ["JN001", "JN002", "JN003"]
    assert matrix["支部名称"].tolist()[1] == FORMULA_NAME
    ws = book[sheet]
    assert row_values(ws, 1, 1, 5) == [*ID, *periods]
    assert column_values(ws, 1) == ["JN001", "JN002", "JN003"]  # nothing below the data
    for c in range(1, 6):
        assert column_values(ws, c)[3:] == []
    assert ws.cell(1, 6).value is None and column_values(ws, 6) == []  # the gap before the legend
    assert ws.freeze_panes == "C2"
    assert ws.auto_filter.ref == "A1:E4"  # the matrix only, not the legend
    assert f"{sheet}报送情况（统计截止 2014-12-31）" in ws.oddHeader.center.text


def drawing_text(path: Path, sheet_index: int) -> str:
    with zipfile.ZipFile(path) as z:
        rels = z.read(f"xl/worksheets/_rels/sheet{sheet_index}.xml.rels").decode()
        target = re.search(r'Target="../drawings/(drawing\d+\.xml)"', rels).group(1)
        return z.read(f"xl/drawings/{target}").decode()


def test_matrix_legend_right_of_the_matrix(path, book):
    """The legend is drawn (text boxes), not written in cells: the sheet reads as the matrix alone."""
    ws = book["月检查"]
    assert all(ws.cell(r, c).value is None for r in range(1, 12) for c in range(6, 12))
    drawing = drawing_text(path, 1)
    for status, meaning in LEGEND:
        assert f"{status}：{meaning}" in drawing
        if status in STATUS_COLOURS:
            assert STATUS_COLOURS[status].lstrip("#").upper() in drawing.upper()
    anchors = re.findall(r"<xdr:from><xdr:col>(\d+)</xdr:col>", drawing)
    assert anchors and {int(a) for a in anchors} == {6}  # column G: after one empty column


def test_matrix_due_dates_beside_the_legend(path):
    monthly = drawing_text(path, 1)
    assert "2014-05　2014-06-05" in monthly and "2014-06　2014-07-07" in monthly  # 07-05 is a Saturday
    assert "顺延" in monthly
    quarterly = drawing_text(path, 2)
    assert "2014Q3　2014-10-10" in quarterly
    assert "2014Q4　2015-01-12" in quarterly  # next year's 01-10 is a Saturday


def test_status_cell_coloured_and_centred(book):
    ws = book["月检查"]
    cell = ws["E2"]
    assert cell.value == "缺报"
    assert cell.fill.fgColor.rgb == colour("缺报")
    assert cell.alignment.horizontal == "center"
    assert ws["D2"].fill.fgColor.rgb == colour("按时")


def test_formula_like_text_stays_text(book):
    for sheet in ("月检查", "季度汇报", "催报名单"):
        ws = book[sheet]
        r = column_values(ws, 1, 1).index("JN002") + 1
        cell = ws.cell(r, 2)
        assert cell.value == FORMULA_NAME
        assert cell.data_type == "s"


def test_rates_table(path, book):
    frame = pd.read_excel(path, sheet_name="报送率", engine="openpyxl")
    assert list(frame.columns[:8]) == RATES_COLUMNS
    rates = table(path, "报送率", 7)
    first = rates.iloc[:6]
    assert first["期间"].tolist() == ["2014-05", "2014-06", "合计", "2014Q3", "2014Q4", "合计"]
    assert first["类型"].tolist() == ["月检查"] * 3 + ["季度汇报"] * 3
    assert first.loc[0, "报送率"] == pytest.approx(0.75)
    assert pd.isna(first.loc[1, "报送率"]) and pd.isna(first.loc[1, "按时率"])
    assert first.loc[1, "应报"] == 0
    ws = book["报送率"]
    assert row_values(ws, 1, 1, 8) == RATES_COLUMNS
    assert ws["F2"].value == pytest.approx(0.75) and ws["F2"].number_format == "0.0%"
    assert not ws["F2"].font.b
    assert ws["B4"].value == "合计" and ws["B4"].font.b and ws["F4"].font.b
    assert ws["A8"].value is None  # the table ends; the chart sits below it
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:H7"
    assert ws["H3"].value == EARLY and ws["H2"].value in (None, "")
    assert ws["F6"].font.i and not ws["F5"].font.i and ws["F6"].number_format == "0.0%"  # set apart, still a rate
    assert "仅统计提前报送" in ws["H6"].value
    assert "报送率（统计截止 2014-12-31）" in ws.oddHeader.center.text


def test_rates_by_parent_below_the_first_table(book):
    """SPEC §8: below the period rows, the same columns per 上级组织 and report type."""
    ws = book["报送率"]
    assert row_values(ws, 8, 1) == [] or all(v is None for v in row_values(ws, 8, 1))  # one empty row
    assert "各上级组织" in ws.cell(9, 1).value and ws.cell(9, 1).font.b  # the caption row
    assert row_values(ws, 10, 1) == ["类型", "上级组织", *RATE_HEADER[1:]]
    assert row_values(ws, 11, 1)[:5] == ["月检查", "局党工委", 1, 1, 0]
    assert ws.cell(11, 7).value == 0.0  # a real 0% stays 0, only None is blank
    assert ws.cell(13, 6).number_format == "0.0%"
    assert [ws.cell(r, 2).value for r in (11, 12, 13)] == ["局党工委", "江宁区中小学党委", "局党工委"]
    assert ws.cell(14, 1).value == "合计" and ws.cell(14, 1).font.b and ws.cell(14, 3).value == 4


def test_rates_note_in_a_text_box_under_the_chart(path, book):
    """The formula note is a text box beside the tables, so the sheet still reads as just the tables."""
    frame = pd.read_excel(path, sheet_name="报送率", engine="openpyxl")
    assert list(frame.columns) == RATES_COLUMNS and frame["期间"].tolist()[:6] == [
        "2014-05", "2014-06", "合计", "2014Q3", "2014Q4", "合计"]
    ws = book["报送率"]
    assert all(not (isinstance(c.value, str) and "按时率 =" in c.value) for row in ws.iter_rows() for c in row)
    chart_row = ws._charts[0].anchor._from.row  # 0-based, like the drawing XML
    with zipfile.ZipFile(path) as z:
        drawing = next(z.read(n).decode() for n in z.namelist()
                       if n.startswith("xl/drawings/drawing") and "按时率 =" in z.read(n).decode())
    boxes = [a for a in re.findall(r"<xdr:twoCellAnchor.*?</xdr:twoCellAnchor>", drawing) if "txBox" in a]
    assert len(boxes) == 1 and "按时率 = 按时 ÷ 应报" in boxes[0]
    start = re.search(r"<xdr:from><xdr:col>(\d+)</xdr:col>.*?<xdr:row>(\d+)</xdr:row>", boxes[0])
    assert start is not None
    assert int(start.group(1)) == 0 and int(start.group(2)) > chart_row + 10  # under the charts


def test_chart_of_monthly_rates(book):
    ws = book["报送率"]
    assert len(ws._charts) == 2  # both report types
    chart = ws._charts[0]
    title = "".join(run.t for p in chart.title.tx.rich.p for run in (p.r or []))
    assert title == CHART_TITLES["月检查"]
    quarterly = ws._charts[1]
    assert [s.val.numRef.f for s in quarterly.series] == ["报送率!$F$5:$F$6", "报送率!$G$5:$G$6"]
    assert "".join(run.t for p in quarterly.title.tx.rich.p for run in (p.r or [])) == CHART_TITLES["季度汇报"]
    assert quarterly.anchor._from.row == chart.anchor._from.row and quarterly.anchor._from.col > 0  # beside it
    refs = [s.val.numRef.f for s in chart.series]
    assert refs == ["报送率!$F$2:$F$3", "报送率!$G$2:$G$3"]  # the 月检查 period rows, not 合计
    assert [s.tx.strRef.f for s in chart.series] == ["报送率!$F$1", "报送率!$G$1"]
    cats = chart.series[0].cat.strRef or chart.series[0].cat.numRef
    assert cats.f == "报送率!$B$2:$B$3"
    assert chart.y_axis.scaling.min == 0 and chart.y_axis.scaling.max == 1
    assert "%" in chart.y_axis.number_format.formatCode
    anchor = chart.anchor._from
    assert anchor.col == 0 and anchor.row > 14  # below the tables (a page of its own: one page wide)
    assert ws.row_breaks.brk and ws.row_breaks.brk[0].id == anchor.row


def test_chase_list(path, book):
    frame = pd.read_excel(path, sheet_name="催报名单", engine="openpyxl", dtype=object)
    assert list(frame.columns) == CHASE_COLUMNS
    assert frame["上级组织"].tolist() == sorted(frame["上级组织"])  # sorted by 上级组织, so the input order flips
    assert frame["支部编码"].tolist() == ["JN002", "JN001"]
    assert frame.loc[1, "联系电话"] == "025-52101234"
    ws = book["催报名单"]
    assert ws["D2"].alignment.wrap_text
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:G3"
    assert "催报名单（共 2 个支部）" in ws.oddHeader.center.text


def test_not_applied(path, book):
    frame = pd.read_excel(path, sheet_name="未申报", engine="openpyxl", dtype=object)
    assert list(frame.columns) == NOT_APPLIED_COLUMNS
    assert len(frame) == 1
    ws = book["未申报"]
    assert ws["E2"].value == dt.datetime(2014, 4, 21)
    assert ws["G2"].value == "0255210"
    assert "未申报（共 1 个支部）" in ws.oddHeader.center.text


def test_print_setup_on_every_sheet(book):
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.paperSize == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.page_setup.fitToWidth in (None, 1)  # 1 is the default, left out of the file
        matrix = ws.title in ("月检查", "季度汇报")  # a matrix of a few branches: one page
        assert ws.page_setup.fitToHeight in ((None, 1) if matrix else (0,))
        assert ws.print_title_rows == "$1:$1"
        assert "&P" in ws.oddFooter.center.text
        assert ws.oddHeader.center.font == "宋体,Bold" and ws.oddHeader.center.size == 12
        assert ws.freeze_panes is not None
        assert ws.auto_filter.ref.startswith("A1:")
        assert ws["A1"].font.b


def test_empty_frames_still_give_every_sheet(tmp_path, campaign):
    path = write(tmp_path, campaign, empty_frames())
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == list(SHEETS)
    for ws in book.worksheets:
        assert ws["A2"].value == "无"
        assert ws["A3"].value is None
    assert list(pd.read_excel(path, sheet_name="月检查", engine="openpyxl").columns[:5]) == [*ID, "2014-05", "2014-06"]
    assert list(pd.read_excel(path, sheet_name="催报名单", engine="openpyxl").columns) == CHASE_COLUMNS
    assert book["报送率"].cell(6, 1).value == "无"  # the per-上级组织 table too, below an empty row and its caption
    assert "催报名单（共 0 个支部）" in book["催报名单"].oddHeader.center.text
    assert book["报送率"]._charts == []


def test_same_inputs_same_bytes(tmp_path, campaign):
    first = write(tmp_path / "a", campaign).read_bytes()
    second = write(tmp_path / "b", campaign).read_bytes()
    assert first == second
