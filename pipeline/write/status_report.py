"""报送情况.xlsx: who has reported what (SPEC §5, §8).

Sheets: 月检查 and 季度汇报 (branch × period status matrices), 报送率 (per period, per 上级组织, and a
native chart of the monthly rates), 催报名单 (whom to chase for what) and 未申报.

Every sheet reads as a table: its header is on row 1 (支部编码, 支部名称, 上级组织, 2014-05 … for the
matrices; 类型, 期间, 应报 … on 报送率) with the data rows directly below it. Titles print as the page
header. Side material stays out of the table's columns: the matrices' colour legend and due dates sit to
the right of the matrix after one empty column; on 报送率 the per-period table (with a 说明 column: 未到期
periods' rates count early reports only) is followed, after an empty row and a caption row, by the
per-上级组织 table with a 合计 row per 上级组织; right of the tables a chart per report type (月检查,
季度汇报) and the note on the formulas in a text box under them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pipeline.config import Campaign
from pipeline.write.common import (
    DEFAULT_ROW_PIXELS,
    FONT,
    INTEGER,
    PAGE_WIDTH,
    STATUS,
    STATUS_COLOURS,
    Formats,
    display_width,
    finish_sheet,
    missing,
    new_workbook,
    print_title,
    text_width,
    write_cell,
)
from pipeline.write.table import COLUMN_PADDING, NONE_ROW, UNIT_PIXELS, header_row, none_row, table_sheet

FILE_NAME = "报送情况.xlsx"
SHEETS = ("月检查", "季度汇报", "报送率", "催报名单", "未申报")
ID_COLUMNS = ("支部编码", "支部名称", "上级组织")
RATE_COLUMNS = ("应报", "实报", "按时", "报送率", "按时率")
NOTE_COLUMN = "说明"  # 未到期：比率仅统计提前报送 (consolidate.completeness)
PARENT_CAPTION = "各上级组织报送情况（月检查、季度汇报分列，合计为两类合并）"
EARLY_RATE = {"font_color": "#7F7F7F", "italic": True}  # a not-yet-due period's rate: 说明 says what it counts
PERCENT_COLUMNS = ("报送率", "按时率")
TOTAL = "合计"
LEGEND = (
    ("按时", "截止日前报送并受理"),
    ("逾期", "截止日后报送并受理"),
    ("退回", "只收到被退回的材料"),
    ("缺报", "已到截止日仍未收到"),
    ("未到期", "尚未到截止日"),
    ("—", "该期间不需报送"),
)
DUE_NOTE = "（逢周末、法定节假日顺延）"
LEGEND_WIDTH = 190  # pixels
LEGEND_ROW = 24  # pixels per legend entry
RATES_NOTE = ("说明：报送率 =（按时 + 逾期）÷ 应报；按时率 = 按时 ÷ 应报。"
              "应报 = 已报送的期数加上已到截止日的其余期数；应报为 0 时比率留空。")
CHART_TITLES = {"月检查": "月检查各月报送率与按时率", "季度汇报": "季度汇报各季度报送率与按时率"}
CHART_HEIGHT = 320  # pixels
CHART_WIDTH = 440  # pixels: two side by side fit one landscape page
CHART_GAP = 12  # pixels between the two charts
NOTE_HEIGHT = 44  # pixels: the formula note's text box, two lines of 10-pt text
WRAPPED_MIN = {"缺报项": 30, "情况": 20}  # text wraps (taller row) only past the 60-wide maximum
PERIOD_MIN = 9.0
GAP_WIDTH = 3.0  # the empty column between a table and what sits to its right
MATRIX_ROW = 13.0  # points: a matrix row (10-pt text)
ONE_PAGE_HEIGHT = 565.0  # points of rows one landscape A4 page holds at 90 % (margins 0.6")
DEFAULT_COLUMN_PIXELS = 64  # a column nobody sized


def write_status_report(outbox: Path, matrices: dict[str, pd.DataFrame], rates: pd.DataFrame,
                        by_parent: pd.DataFrame, chase: pd.DataFrame, not_applied: pd.DataFrame,
                        campaign: Campaign) -> None:
    book = new_workbook(outbox / FILE_NAME, campaign.as_of)
    fmt = Formats(book)
    as_of = campaign.as_of.isoformat()
    for kind, name, due in (("monthly", "月检查", campaign.month_due), ("quarterly", "季度汇报", campaign.quarter_due)):
        matrix = matrices.get(kind, pd.DataFrame(columns=list(ID_COLUMNS), dtype=object))
        _matrix_sheet(book, fmt, name, matrix, due, f"{name}报送情况（统计截止 {as_of}）")
    _rates_sheet(book, fmt, rates, by_parent, f"报送率（统计截止 {as_of}）")
    for name, frame, kinds in (("催报名单", chase, {"缺报数": INTEGER}), ("未申报", not_applied, {})):
        table_sheet(book, fmt, name, _by_parent(frame), title=f"{name}（共 {len(frame)} 个支部）", kinds=kinds,
                    min_width=8, min_widths=WRAPPED_MIN, empty=NONE_ROW)
    book.close()


def _by_parent(frame: pd.DataFrame) -> pd.DataFrame:
    """Flat, grouped by 上级组织 (sorted), then 支部编码."""
    if frame.empty or "上级组织" not in frame.columns:
        return frame.reset_index(drop=True)
    keys = [c for c in ("上级组织", "支部编码") if c in frame.columns]
    shown = frame.copy()
    for key in keys:
        shown[key] = shown[key].map(lambda v: "" if missing(v) else str(v))
    return shown.sort_values(keys, kind="stable").reset_index(drop=True)


# ---- 月检查 / 季度汇报 ---------------------------------------------------------------------------

def _matrix_sheet(book: Workbook, fmt: Formats, name: str, matrix: pd.DataFrame,
                  due_of: Callable[[str], dt.date], title: str) -> None:
    """The branch × period matrix as a table (status cells coloured), the legend and due dates beside it."""
    periods = [str(c) for c in matrix.columns if str(c) not in ID_COLUMNS]
    period_widths = {p: float(max(display_width(p) + 2, PERIOD_MIN)) for p in periods}
    natural = [text_width(matrix[c].tolist() if c in matrix else [], c, 8) for c in ID_COLUMNS]
    table = sum(natural) + sum(period_widths.values()) + COLUMN_PADDING * (len(natural) + len(periods))
    legend = GAP_WIDTH + LEGEND_WIDTH / UNIT_PIXELS
    # The legend prints beside the matrix when both fit one page width unwrapped; otherwise the matrix
    # alone prints (its cells spell out their status) and the legend is for the screen.
    beside = table + legend <= PAGE_WIDTH
    ws = table_sheet(book, fmt, name, matrix.reindex(columns=[*ID_COLUMNS, *periods]), title=title,
                     kinds=dict.fromkeys(periods, STATUS), min_width=8, widths=period_widths,
                     freeze_cols=2, empty=NONE_ROW, side_width=legend if beside else 0)
    _legend_and_dues(ws, len(ID_COLUMNS) + len(periods) + 1, periods, due_of)
    # Rows a little lower than the default, so that 40 branches print on one landscape page at ≥ 90 %.
    ws.set_default_row(MATRIX_ROW)
    if not beside:
        ws.print_area(0, 0, max(len(matrix), 1), len(ID_COLUMNS) + len(periods) - 1)
    if table <= PAGE_WIDTH and (len(matrix) + 2) * MATRIX_ROW <= ONE_PAGE_HEIGHT:
        ws.fit_to_pages(1, 1)


def _legend_and_dues(ws: Worksheet, first: int, periods: Sequence[str],
                     due_of: Callable[[str], dt.date]) -> None:
    """Right of the matrix (from column `first`, after one empty one): the colour legend, then each
    period's rolled due date. Text boxes, not cells: the sheet stays exactly the matrix as a table."""
    ws.set_column(first - 1, first - 1, GAP_WIDTH)
    box = {"width": LEGEND_WIDTH, "height": LEGEND_ROW - 2, "object_position": 3,
           "font": {"name": FONT, "size": 9}, "align": {"vertical": "middle"},
           "line": {"color": "#BFBFBF"}}
    ws.insert_textbox(0, first, "图例（单元格颜色）", {**box, "font": {**box["font"], "bold": True},
                                                  "line": {"none": True}})
    for n, (status, meaning) in enumerate(LEGEND, start=1):
        colour = STATUS_COLOURS.get(status, "#FFFFFF")
        ws.insert_textbox(0, first, f"{status}：{meaning}", {**box, "y_offset": n * LEGEND_ROW,
                                                             "fill": {"color": colour}})
    lines = [f"{p}　{due_of(p).isoformat()}" for p in periods]
    dues = "\n".join(["各期截止日", DUE_NOTE, *lines])
    top = (len(LEGEND) + 2) * LEGEND_ROW
    ws.insert_textbox(0, first, dues, {**box, "y_offset": top, "height": (len(lines) + 2) * 16 + 10,
                                       "align": {"vertical": "top"}})


# ---- 报送率 --------------------------------------------------------------------------------------

def _ordered_rates(rates: pd.DataFrame) -> pd.DataFrame:
    """Grouped by 类型 in order of first appearance, the 合计 row last in its group; periods keep
    their order. The chart relies on the monthly period rows being contiguous."""
    if rates.empty:
        return rates.reset_index(drop=True)
    kinds = list(dict.fromkeys(rates["类型"].tolist()))
    order = pd.DataFrame({"k": rates["类型"].map(kinds.index).to_numpy(),
                          "t": (rates["期间"] == TOTAL).to_numpy(), "i": range(len(rates))})
    index = order.sort_values(["k", "t", "i"], kind="stable")["i"].tolist()
    return rates.iloc[index].reset_index(drop=True)


def _rate_row(ws: Worksheet, fmt: Formats, row: int, first_col: int, labels: Sequence[Any],
              record: dict[str, Any], bold: bool, note: bool = False) -> None:
    """One row of a rates table; a 合计 row in the bold grey total styles; `note`: a 说明 cell last."""
    for c, label in enumerate(labels, start=first_col):
        if bold:
            ws.write_string(row, c, "" if missing(label) else str(label), fmt.total_text)
        else:
            write_cell(ws, row, c, "" if missing(label) else str(label), fmt)
    early = bool(record.get(NOTE_COLUMN))  # a period not yet due: its rates count early reports only
    for c, col in enumerate(RATE_COLUMNS, start=first_col + len(labels)):
        value = record.get(col)
        if missing(value):
            ws.write_blank(row, c, None, fmt.total_text if bold else fmt.text)
        elif col in PERCENT_COLUMNS:
            ws.write_number(row, c, float(value), fmt.total_percent if bold else
                            fmt.get("percent", **EARLY_RATE) if early else fmt.percent)
        else:
            ws.write_number(row, c, int(value), fmt.total_integer if bold else fmt.integer)
    if note:
        c = first_col + len(labels) + len(RATE_COLUMNS)
        text = record.get(NOTE_COLUMN)
        ws.write_string(row, c, "" if missing(text) else str(text), fmt.total_text if bold else fmt.text)


def _column(frame: pd.DataFrame, name: str) -> list[Any]:
    return frame[name].tolist() if name in frame.columns else []


def _rates_sheet(book: Workbook, fmt: Formats, rates: pd.DataFrame, by_parent: pd.DataFrame, title: str) -> None:
    """Two tables stacked (per period, then per 上级组织) with their 合计 rows, the chart and the note
    beside them: a layout of its own, from the same formats and rows as every table."""
    ws = book.add_worksheet("报送率")
    print_title(ws, title)
    rates = _ordered_rates(rates)
    by_parent = by_parent.reset_index(drop=True)
    numbers = [8.0, 8.0, 8.0, 10.0, 10.0]
    second = [*_column(rates, "期间"), *_column(by_parent, "上级组织")]
    notes = text_width(_column(rates, NOTE_COLUMN), NOTE_COLUMN, minimum=10)
    widths = [text_width([*_column(rates, "类型"), *_column(by_parent, "类型")], "类型", minimum=10),
              text_width(second, "上级组织", minimum=10), *numbers, notes]
    for c, width in enumerate([*widths, GAP_WIDTH]):
        ws.set_column(c, c, width)

    columns = ["类型", "期间", *RATE_COLUMNS, NOTE_COLUMN]
    header_row(ws, fmt, 0, columns)
    for r, record in enumerate(rates.to_dict("records"), start=1):
        _rate_row(ws, fmt, r, 0, [record.get("类型"), record.get("期间")], record,
                  record.get("期间") == TOTAL, note=True)
    rows = len(rates)
    if not rows:
        none_row(ws, fmt, 1, len(columns))
        rows = 1

    # Below, after one empty row: a caption, then the same columns per 上级组织 and report type (SPEC §8),
    # each 上级组织 closed by its 合计 row.
    caption = rows + 2
    ws.write_string(caption, 0, PARENT_CAPTION, fmt.get("plain", bold=True))
    top = caption + 1
    header_row(ws, fmt, top, ["类型", "上级组织", *RATE_COLUMNS])
    for r, record in enumerate(by_parent.to_dict("records"), start=top + 1):
        _rate_row(ws, fmt, r, 0, [record.get("类型"), record.get("上级组织")], record,
                  record.get("类型") == TOTAL)
    if by_parent.empty:
        none_row(ws, fmt, top + 1, len(columns) - 1)

    # Below the tables, on a page of their own: one chart per report type side by side, the note under them.
    at = top + 1 + max(len(by_parent), 1) + 1
    drawn = 0
    for kind in CHART_TITLES:
        if _rates_chart(book, ws, rates, kind, at, drawn * (CHART_WIDTH + CHART_GAP)):
            drawn += 1
    below = at + (math.ceil(CHART_HEIGHT / DEFAULT_ROW_PIXELS) + 1 if drawn else 0)
    # A text box, not a cell: a cell under the tables would read as one more row of them.
    ws.insert_textbox(below, 0, RATES_NOTE, {
        "width": 2 * CHART_WIDTH + CHART_GAP, "height": NOTE_HEIGHT, "object_position": 2,
        "font": {"name": FONT, "size": 10, "color": "#595959"},
        "align": {"vertical": "top"}, "line": {"none": True}, "fill": {"none": True},
    })
    finish_sheet(ws, 0, rows, len(columns))
    ws.set_h_pagebreaks([at])  # a chart is never cut by a page break
    tables = sum(w * UNIT_PIXELS + 5 for w in [*widths, GAP_WIDTH])  # pixels
    extra = max(0, math.ceil((2 * CHART_WIDTH + CHART_GAP - tables) / DEFAULT_COLUMN_PIXELS))
    ws.print_area(0, 0, below + math.ceil(NOTE_HEIGHT / DEFAULT_ROW_PIXELS), len(widths) + extra)


def _rates_chart(book: Workbook, ws: Worksheet, rates: pd.DataFrame, kind: str, at_row: int, x_offset: int) -> bool:
    """Line chart of one report type's period rows (月检查 or 季度汇报) at row `at_row`, `x_offset`
    pixels from column A. False when there is nothing to draw."""
    if rates.empty:
        return False
    chosen = [i for i, (k, period) in enumerate(zip(rates["类型"], rates["期间"], strict=True))
              if k == kind and period != TOTAL]
    if not chosen:
        return False
    first, last = 1 + chosen[0], 1 + chosen[-1]
    name = ws.get_name()
    chart = book.add_chart({"type": "line"})
    font = {"name": FONT, "size": 9}
    for col, colour, dash in ((5, "#2E75B6", "solid"), (6, "#ED7D31", "dash")):
        chart.add_series({
            "name": [name, 0, col],
            "categories": [name, first, 1, last, 1],
            "values": [name, first, col, last, col],
            "line": {"color": colour, "width": 2.25, "dash_type": dash},
            "marker": {"type": "circle", "size": 6, "fill": {"color": colour}, "border": {"color": colour}},
            "data_labels": {"value": True, "position": "above" if col == 5 else "below", "num_format": "0%",
                            "font": {**font, "color": colour}},
        })
    chart.set_title({"name": CHART_TITLES[kind], "name_font": {"name": FONT, "size": 12, "bold": True}})
    chart.set_y_axis({"min": 0, "max": 1, "major_unit": 0.2, "num_format": "0%", "num_font": font,
                      "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_x_axis({"num_font": font})
    chart.set_legend({"position": "bottom", "font": font})
    chart.set_size({"width": CHART_WIDTH, "height": CHART_HEIGHT})
    ws.insert_chart(at_row, 0, chart, {"x_offset": x_offset, "y_offset": 0, "object_position": 2})
    return True
