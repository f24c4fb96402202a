"""报送情况.xlsx: who has reported what (SPEC §5, §8).

Sheets: 月检查 and 季度汇报 (branch × period status matrices), 报送率 (per period, per 上级组织, and a
native chart of the monthly rates), 催报名单 (whom to chase for what) and 未申报.

Matrix layout, top to bottom: title, colour legend, each period's due date, then the header row whose
cells are exactly 支部编码, 支部名称, 上级组织, 2014-05 … with the data rows directly below it — a program
can find the header by its first cell and read on; nothing but data follows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pipeline.config import Campaign
from pipeline.write.common import (
    FONT,
    STATUS_COLOURS,
    Formats,
    display_width,
    finish_sheet,
    fit_row,
    missing,
    new_workbook,
    text_of,
    write_cell,
)

FILE_NAME = "报送情况.xlsx"
SHEETS = ("月检查", "季度汇报", "报送率", "催报名单", "未申报")
ID_COLUMNS = ("支部编码", "支部名称", "上级组织")
RATE_COLUMNS = ("应报", "实报", "按时", "报送率", "按时率")
PERCENT_COLUMNS = ("报送率", "按时率")
TOTAL = "合计"
NONE_ROW = "无"
LEGEND = (
    ("按时", "截止日前报送并受理"),
    ("逾期", "截止日后报送并受理"),
    ("退回", "只收到被退回的材料"),
    ("缺报", "已到截止日仍未收到"),
    ("未到期", "尚未到截止日"),
    ("—", "该期间不需报送"),
)
CHART_TITLE = "各月报送率与按时率"
WRAPPED_MIN = {"缺报项": 30, "情况": 20}  # text wraps (taller row) only past the 60-wide maximum
LEGEND_LINE = 12.0  # points per line of the 9-pt legend
PERIOD_MIN = 12.0
LEGEND_WIDE = 22.0


def write_status_report(outbox: Path, matrices: dict[str, pd.DataFrame], rates: pd.DataFrame,
                        by_parent: pd.DataFrame, chase: pd.DataFrame, not_applied: pd.DataFrame,
                        campaign: Campaign) -> None:
    book = new_workbook(outbox / FILE_NAME, campaign.as_of)
    fmt = Formats(book)
    extra = _Extra(book)
    as_of = campaign.as_of.isoformat()
    for kind, name, due in (("monthly", "月检查", campaign.month_due), ("quarterly", "季度汇报", campaign.quarter_due)):
        matrix = matrices.get(kind, pd.DataFrame(columns=list(ID_COLUMNS), dtype=object))
        _matrix_sheet(book, fmt, extra, name, matrix, due, campaign, f"{name}报送情况（统计截止 {as_of}）")
    _rates_sheet(book, fmt, extra, rates, by_parent, as_of)
    _list_sheet(book, fmt, extra, "催报名单", _by_parent(chase), f"催报名单（共 {len(chase)} 个支部）",
                _chase_note(chase, as_of), kinds={"缺报数": "integer"})
    _list_sheet(book, fmt, extra, "未申报", _by_parent(not_applied), f"未申报（共 {len(not_applied)} 个支部）",
                f"统计截止 {as_of}；以下在册支部尚无已受理的申报表。", kinds={})
    book.close()


class _Extra:
    """Formats this report needs beyond the shared ones."""

    def __init__(self, book: Workbook) -> None:
        base = {"font_name": FONT, "font_size": 10, "valign": "vcenter"}
        total = {**base, "bold": True, "border": 1, "bg_color": "#F2F2F2"}
        self.total_text = book.add_format(total)
        self.total_integer = book.add_format({**total, "num_format": "0"})
        self.total_percent = book.add_format({**total, "num_format": "0.0%"})
        self.caption = book.add_format({**base, "bold": True, "font_size": 11})
        self.note = book.add_format({**base, "font_color": "#595959", "text_wrap": True, "valign": "top"})
        self.due_label = book.add_format({**base, "font_color": "#595959", "align": "right", "border": 1})
        self.due = book.add_format({**base, "font_color": "#595959", "align": "center", "border": 1,
                                    "font_size": 9})
        legend = {**base, "border": 1, "align": "center", "text_wrap": True, "font_size": 9}
        self.legend = {status: book.add_format({**legend, "bg_color": colour})
                       for status, _ in LEGEND if (colour := STATUS_COLOURS.get(status))}
        self.legend_plain = book.add_format(legend)
        self.legend_label = book.add_format({**base, "font_color": "#595959", "align": "right", "border": 1,
                                             "text_wrap": True})
        self.count = book.add_format({**base, "border": 1, "align": "center", "num_format": "0"})


# ---- generic helpers (local to this module) ----------------------------------------------------

def text_width(values: Sequence[Any], header: str, minimum: float = 6, maximum: float = 60) -> float:
    cells = [header, *(text_of(v) for v in values)]
    longest = max(display_width(line) for c in cells for line in c.split("\n"))
    return float(min(max(longest + 2, minimum), maximum))


def _title(ws: Worksheet, fmt: Formats, cols: int, text: str) -> None:
    if cols > 1:
        ws.merge_range(0, 0, 0, cols - 1, "", fmt.title)
    ws.write_string(0, 0, text, fmt.title)
    ws.set_row(0, 26)


def _note(ws: Worksheet, style: Format, row: int, widths: Sequence[float], text: str) -> None:
    if len(widths) > 1:
        ws.merge_range(row, 0, row, len(widths) - 1, "", style)
    ws.write_string(row, 0, text, style)
    fit_row(ws, row, [(text, sum(widths))])


def _header(ws: Worksheet, fmt: Formats, row: int, columns: Sequence[str]) -> None:
    for c, name in enumerate(columns):
        ws.write_string(row, c, name, fmt.header)


def _none_row(ws: Worksheet, fmt: Formats, row: int, cols: int) -> None:
    ws.write_string(row, 0, NONE_ROW, fmt.text)
    for c in range(1, cols):
        ws.write_blank(row, c, None, fmt.text)


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

def _due_label(day: dt.date, year: int) -> str:
    return f"截止 {day:%m-%d}" if day.year == year else f"截止 {day.isoformat()}"


def _matrix_sheet(book: Workbook, fmt: Formats, extra: _Extra, name: str, matrix: pd.DataFrame,
                  due_of: Callable[[str], dt.date], campaign: Campaign, title: str) -> None:
    ws = book.add_worksheet(name)
    columns = [str(c) for c in matrix.columns]
    periods = [c for c in columns if c not in ID_COLUMNS]
    columns = [*ID_COLUMNS, *periods]
    dues = [_due_label(due_of(p), campaign.year) for p in periods]
    # Few periods leave room: widen them so each legend entry needs only two lines.
    floor = LEGEND_WIDE if len(periods) < len(LEGEND) else PERIOD_MIN
    widths = [text_width(matrix[c].tolist() if c in matrix.columns else [], c, minimum=8) for c in ID_COLUMNS]
    widths += [float(max(display_width(p) + 2, display_width(d) + 2, floor))
               for p, d in zip(periods, dues, strict=True)]
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    _title(ws, fmt, len(columns), title)

    # Legend: labelled under the branch columns; one coloured cell per status ("按时" over its
    # meaning) in the period columns, on as many rows as needed.
    first = len(ID_COLUMNS)
    per_row = max(len(periods), 1)
    chunks = [LEGEND[i:i + per_row] for i in range(0, len(LEGEND), per_row)]
    row = 1
    ws.merge_range(row, 0, row + len(chunks) - 1, first - 1, "", extra.legend_label)
    ws.write_string(row, 0, "图例：单元格颜色表示该期报送状态", extra.legend_label)
    for chunk in chunks:
        cells = []
        for c, (status, meaning) in enumerate(chunk, start=first):
            text = f"{status}\n{meaning}"
            ws.write_string(row, c, text, extra.legend.get(status, extra.legend_plain))
            cells.append((text, widths[c] if c < len(widths) else PERIOD_MIN))
        for c in range(first + len(chunk), len(columns)):
            ws.write_blank(row, c, None, extra.legend_plain)
        fit_row(ws, row, cells, minimum=2, line_height=LEGEND_LINE)
        row += 1

    # Due dates, above the header so the header row is followed by data only.
    ws.merge_range(row, 0, row, len(ID_COLUMNS) - 1, "", extra.due_label)
    ws.write_string(row, 0, "各期报送截止日（逢节假日顺延）", extra.due_label)
    for c, label in enumerate(dues, start=len(ID_COLUMNS)):
        ws.write_string(row, c, label, extra.due)
    header = row + 1
    _header(ws, fmt, header, columns)

    rows = len(matrix)
    for r, record in enumerate(matrix.to_dict("records"), start=header + 1):
        for c, col in enumerate(ID_COLUMNS):
            write_cell(ws, r, c, record.get(col), fmt)
        for c, period in enumerate(periods, start=len(ID_COLUMNS)):
            value = record.get(period)
            if missing(value):
                ws.write_blank(r, c, None, fmt.center)
            else:
                ws.write_string(r, c, str(value), fmt.status.get(str(value), fmt.center))
        fit_row(ws, r, [(text_of(record.get(col)), widths[c]) for c, col in enumerate(ID_COLUMNS)])
    if not rows:
        _none_row(ws, fmt, header + 1, len(columns))
        rows = 1
    finish_sheet(ws, header, rows, len(columns))
    ws.freeze_panes(header + 1, 2)


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


def _rate_row(ws: Worksheet, fmt: Formats, extra: _Extra, row: int, labels: Sequence[Any],
              record: dict[str, Any], bold: bool) -> None:
    for c, label in enumerate(labels):
        if bold:
            ws.write_string(row, c, "" if missing(label) else str(label), extra.total_text)
        else:
            write_cell(ws, row, c, "" if missing(label) else str(label), fmt)
    for c, col in enumerate(RATE_COLUMNS, start=len(labels)):
        value = record.get(col)
        if missing(value):
            ws.write_blank(row, c, None, extra.total_text if bold else fmt.text)
        elif col in PERCENT_COLUMNS:
            ws.write_number(row, c, float(value), extra.total_percent if bold else fmt.percent)
        else:
            ws.write_number(row, c, int(value), extra.total_integer if bold else fmt.integer)


def _rates_sheet(book: Workbook, fmt: Formats, extra: _Extra, rates: pd.DataFrame, by_parent: pd.DataFrame,
                 as_of: str) -> None:
    ws = book.add_worksheet("报送率")
    rates = _ordered_rates(rates)
    by_parent = by_parent.reset_index(drop=True)
    first = ("类型", "期间")
    second = ("上级组织", "类型")
    col_a = max(text_width(rates.get("类型", pd.Series(dtype=object)).tolist(), "类型", minimum=10),
                text_width(by_parent.get("上级组织", pd.Series(dtype=object)).tolist(), "上级组织", minimum=10))
    col_b = max(text_width(rates.get("期间", pd.Series(dtype=object)).tolist(), "期间", minimum=10),
                text_width(by_parent.get("类型", pd.Series(dtype=object)).tolist(), "类型", minimum=10))
    widths = [col_a, col_b, 8.0, 8.0, 8.0, 10.0, 10.0]
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    _title(ws, fmt, len(widths), f"报送率（统计截止 {as_of}）")
    _note(ws, extra.note, 1, widths,
          "报送率 =（按时 + 逾期）÷ 应报；按时率 = 按时 ÷ 应报。应报 = 已报送的期数加上已到截止日的其余期数；"
          "应报为 0 时比率留空。")

    header = 2
    _header(ws, fmt, header, [*first, *RATE_COLUMNS])
    row = header + 1
    for record in rates.to_dict("records"):
        _rate_row(ws, fmt, extra, row, [record.get("类型"), record.get("期间")], record, record.get("期间") == TOTAL)
        row += 1
    if rates.empty:
        _none_row(ws, fmt, row, len(widths))
        row += 1
    last_rates_row = row - 1

    row += 2
    ws.write_string(row, 0, "按上级组织统计", extra.caption)
    ws.set_row(row, 20)
    row += 1
    _header(ws, fmt, row, [*second, *RATE_COLUMNS])
    row += 1
    for record in by_parent.to_dict("records"):
        _rate_row(ws, fmt, extra, row, [record.get("上级组织"), record.get("类型")], record, False)
        row += 1
    if by_parent.empty:
        _none_row(ws, fmt, row, len(widths))
        row += 1

    finish_sheet(ws, header, last_rates_row - header, len(widths))
    _rates_chart(book, ws, rates, header)


def _rates_chart(book: Workbook, ws: Worksheet, rates: pd.DataFrame, header: int) -> None:
    """Line chart of the 月检查 period rows, right of the tables (from column H, which stays empty)."""
    if rates.empty:
        return
    monthly = [i for i, (kind, period) in enumerate(zip(rates["类型"], rates["期间"], strict=True))
               if kind == "月检查" and period != TOTAL]
    if not monthly:
        return
    first, last = header + 1 + monthly[0], header + 1 + monthly[-1]
    name = ws.get_name()
    chart = book.add_chart({"type": "line"})
    font = {"name": FONT, "size": 9}
    for col, colour, dash in ((5, "#2E75B6", "solid"), (6, "#ED7D31", "dash")):
        chart.add_series({
            "name": [name, header, col],
            "categories": [name, first, 1, last, 1],
            "values": [name, first, col, last, col],
            "line": {"color": colour, "width": 2.25, "dash_type": dash},
            "marker": {"type": "circle", "size": 6, "fill": {"color": colour}, "border": {"color": colour}},
            "data_labels": {"value": True, "position": "above" if col == 5 else "below", "num_format": "0%",
                            "font": {**font, "color": colour}},
        })
    chart.set_title({"name": CHART_TITLE, "name_font": {"name": FONT, "size": 12, "bold": True}})
    chart.set_y_axis({"min": 0, "max": 1, "major_unit": 0.2, "num_format": "0%", "num_font": font,
                      "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_x_axis({"num_font": font})
    chart.set_legend({"position": "bottom", "font": font})
    chart.set_size({"width": 560, "height": 320})
    ws.insert_chart(header, 7, chart, {"x_offset": 24, "y_offset": 0, "object_position": 2})


# ---- 催报名单 / 未申报 ---------------------------------------------------------------------------

def _chase_note(chase: pd.DataFrame, as_of: str) -> str:
    note = f"统计截止 {as_of}；含已到截止日仍未收到（缺报）和被退回须重报（标“退回”）的材料。"
    if chase.empty:
        return note
    groups = _by_parent(chase).groupby("上级组织", sort=False).size()
    parts = "、".join(f"{parent or '（未填）'} {n} 个" for parent, n in groups.items())
    return f"{note}按上级组织：{parts}。"


def _list_sheet(book: Workbook, fmt: Formats, extra: _Extra, name: str, frame: pd.DataFrame, title: str,
                note: str, kinds: dict[str, str]) -> None:
    ws = book.add_worksheet(name)
    columns = [str(c) for c in frame.columns]
    widths = [text_width(frame[c].tolist(), c, minimum=WRAPPED_MIN.get(c, 8)) for c in columns]
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    _title(ws, fmt, len(columns), title)
    _note(ws, extra.note, 1, widths, note)
    header = 2
    _header(ws, fmt, header, columns)
    for r, record in enumerate(frame.to_dict("records"), start=header + 1):
        for c, col in enumerate(columns):
            value = record.get(col)
            if kinds.get(col) == "integer" and not missing(value):
                ws.write_number(r, c, int(value), extra.count)
            else:
                write_cell(ws, r, c, value, fmt)
        fit_row(ws, r, [(text_of(record.get(col)), widths[c]) for c, col in enumerate(columns)])
    rows = len(frame)
    if not rows:
        _none_row(ws, fmt, header + 1, len(columns))
        rows = 1
    finish_sheet(ws, header, rows, len(columns))
