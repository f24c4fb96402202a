"""The one writing mechanism: one set of formats and one table-sheet writer with options, read back
with openpyxl and pandas as a clerk's tools would."""

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from pipeline.write.common import CLIP, INTEGER, PAGE_WIDTH, STATUS, TEXT, Formats, new_workbook
from pipeline.write.table import HEADER_ONLY, NONE_ROW, Links, table_sheet

WRITE = Path(__file__).resolve().parents[1] / "pipeline" / "write"
FRAME = pd.DataFrame({"支部名称": ["东山小学党支部", '=HYPERLINK("http://x")'], "状态": ["受理", "退回"],
                      "次数": [3, 12], "日期": [dt.date(2014, 5, 3), None], "SHA256": ["a" * 64, "b" * 64]})


def write(tmp_path: Path, frame: pd.DataFrame, **options) -> Path:
    path = tmp_path / "t.xlsx"
    book = new_workbook(path, dt.date(2014, 12, 31))
    table_sheet(book, Formats(book), "表", frame, title="标题", **options)
    book.close()
    return path


def test_formats_are_made_in_one_place():
    """Every writer takes its formats from the one set in common.py; none makes its own."""
    for path in WRITE.glob("*.py"):
        if path.name != "common.py":
            assert "add_format(" not in path.read_text(encoding="utf-8"), path.name


def test_a_style_is_made_once_per_workbook(tmp_path):
    book = new_workbook(tmp_path / "f.xlsx", dt.date(2014, 12, 31))
    fmt = Formats(book, grades={"优秀": "#C6EFCE"})
    assert fmt.header is fmt.get("header") and fmt.get("item", num_format="0.0") is fmt.get("item", num_format="0.0")
    assert fmt.status("缺报") is not None and fmt.status("随便") is None
    assert fmt.grade("优秀") is not None and fmt.grade("良好") is None
    with pytest.raises(AttributeError):
        _ = fmt.no_such_style
    book.close()


def test_table_from_a1_with_typed_cells(tmp_path):
    path = write(tmp_path, FRAME, kinds={"状态": STATUS, "次数": INTEGER, "SHA256": CLIP}, widths={"SHA256": 18},
                 freeze_cols=1)
    back = pd.read_excel(path, engine="openpyxl", dtype=object)
    assert list(back.columns) == list(FRAME.columns) and back["支部名称"].tolist() == FRAME["支部名称"].tolist()
    ws = openpyxl.load_workbook(path)["表"]
    assert ws["A3"].data_type == "s"  # a formula-looking name stays text
    assert ws["B2"].fill.fgColor.rgb.endswith("C6EFCE") and ws["C3"].value == 12 and ws["C3"].number_format == "0"
    assert ws["D2"].is_date and ws["D3"].value is None
    assert ws.column_dimensions["E"].width == pytest.approx(18, abs=1)
    assert ws.freeze_panes == "B2" and ws.auto_filter.ref == "A1:E3" and ws.print_title_rows == "$1:$1"
    assert ws.oddHeader.center.text == "标题"


def test_links_note_and_dropdown(tmp_path):
    path = write(tmp_path, FRAME[["支部名称"]], links=Links("考核表", ["甲", "乙's"], "查看", "打开"),
                 note="说明文字", dropdowns={"支部名称": ("通过", "不通过")})
    ws = openpyxl.load_workbook(path)["表"]
    assert [c.value for c in ws[1]][:2] == ["支部名称", "考核表"]
    assert ws["B2"].hyperlink.location == "'甲'!A1" and ws["B3"].hyperlink.location == "'乙''s'!A1"
    assert ws.cell(1, 4).value == "说明" and ws.cell(2, 4).value == "说明文字"  # after one empty column
    assert all(ws.cell(r, 3).value is None for r in range(1, 4))
    rule = ws.data_validations.dataValidation[0]
    assert rule.formula1 == '"通过,不通过"' and str(rule.sqref) == "A2:A3"


@pytest.mark.parametrize(("empty", "below"), [(HEADER_ONLY, None), (NONE_ROW, "无")])
def test_empty_table_rule(tmp_path, empty, below):
    path = write(tmp_path, FRAME.iloc[0:0], empty=empty)
    ws = openpyxl.load_workbook(path)["表"]
    assert [c.value for c in ws[1]] == list(FRAME.columns) and ws["A2"].value == below
    assert pd.read_excel(path, engine="openpyxl").columns.tolist() == list(FRAME.columns)


def test_text_default_and_wide_tables(tmp_path):
    long = pd.DataFrame({f"列{i}": ["内容" * 30] for i in range(20)})  # too many to fit even narrowed
    path = write(tmp_path, long.assign(序号=[7]), default_kind=TEXT, split_wide=True)
    ws = openpyxl.load_workbook(path)["表"]
    assert ws["U2"].data_type == "s" and ws["U2"].value == "7"  # text unless a column says otherwise
    assert ws.page_setup.fitToWidth > 1 and ws.print_title_cols == "$A:$B"  # printed across pages
    assert ws.row_dimensions[2].height > 15  # wrapped text gets a taller row
    fit = openpyxl.load_workbook(write(tmp_path, long))["表"]  # by default: one page wide
    assert (fit.page_setup.fitToWidth or 1) == 1 and fit.print_title_cols is None
    five = openpyxl.load_workbook(write(tmp_path, long.iloc[:, :5], split_wide=True))["表"]
    widths = [five.column_dimensions[c].width for c in "ABCDE"]
    assert sum(widths) <= PAGE_WIDTH and (five.page_setup.fitToWidth or 1) == 1  # narrowed to one A4 width
    assert five.row_dimensions[2].height > 2 * 14  # and wrapped
