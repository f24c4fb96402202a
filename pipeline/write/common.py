"""What every output workbook shares: safe workbook options, formats, widths, tables, print setup.
(The outbox swap lives in write/outbox.py.)"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pipeline.display import unsafe_char

FONT = "宋体"
STATUS_COLOURS = {
    "按时": "#C6EFCE", "逾期": "#FFEB9C", "退回": "#F4B183", "缺报": "#FFC7CE", "未到期": "#EDEDED",
    "受理": "#C6EFCE", "被替代": "#EDEDED", "重复": "#EDEDED", "无法读取": "#FFC7CE", "无法识别": "#FFC7CE",
    "忽略": "#EDEDED", "已解压": "#DDEBF7", "错误": "#FFC7CE", "警告": "#FFEB9C",
}
MAX_WIDTH = 60
PAGE_WIDTH = 190  # column units that still print legibly across one landscape A4 page
LINE_HEIGHT = 14.0  # points per line of 10-pt text
WIDE_UNITS = 0.95  # a 10-pt 宋体 character takes ≈ 1.9 column-width units, i.e. 0.95 × its display width


def new_workbook(target: str | Path, created: dt.date) -> Workbook:
    """Submission text stays text (no formulas, no links); the created stamp comes from as_of."""
    book = xlsxwriter.Workbook(str(target), {"strings_to_formulas": False, "strings_to_urls": False,
                                             "strings_to_numbers": False})
    stamp = dt.datetime(created.year, created.month, created.day)
    book.set_properties({"created": stamp, "author": "江宁区教育局党工委", "company": "江宁区教育局"})
    return book


class Formats:
    """The small set of formats every workbook uses, made once per workbook."""

    def __init__(self, book: Workbook) -> None:
        base = {"font_name": FONT, "font_size": 10, "valign": "vcenter"}
        self.title = book.add_format({**base, "bold": True, "font_size": 14, "align": "center"})
        self.subtitle = book.add_format({**base, "font_color": "#595959"})
        self.header = book.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1,
                                       "align": "center", "text_wrap": True})
        self.text = book.add_format({**base, "border": 1, "text_wrap": True})
        self.clip = book.add_format({**base, "border": 1})  # long codes such as SHA-256: shown cut, kept whole
        self.center = book.add_format({**base, "border": 1, "align": "center"})
        # numbers right-aligned and indented: they never touch the next column's left-aligned text
        figure = {**base, "border": 1, "align": "right", "indent": 1}
        self.number = book.add_format({**figure, "num_format": "0.0"})
        self.integer = book.add_format({**figure, "num_format": "0"})
        self.date = book.add_format({**base, "border": 1, "num_format": "yyyy-mm-dd", "align": "center"})
        self.percent = book.add_format({**figure, "num_format": "0.0%"})
        self.bold = book.add_format({**base, "bold": True, "border": 1})
        self.plain = book.add_format(base)
        self.status = {s: book.add_format({**base, "border": 1, "align": "center", "bg_color": c})
                       for s, c in STATUS_COLOURS.items()}


def display_width(text: str) -> int:
    """East Asian wide characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def plain(value: Any) -> Any:
    """numpy scalars → Python values (write_cell dispatches on int/float)."""
    return value.item() if isinstance(value, np.generic) else value


def missing(value: Any) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def text_of(value: Any) -> str:
    """A cell's text: '' for missing, whole numbers without '.0'."""
    value = plain(value)
    if missing(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def lines_needed(text: str, width: float) -> int:
    """How many lines `text` takes in a wrapped cell `width` characters wide (East Asian = 2)."""
    usable = max(width - 1, 4)
    return sum(max(1, math.ceil(display_width(line) * WIDE_UNITS / usable)) for line in (text.split("\n") or [""]))


def fit_row(ws: Worksheet, row: int, cells: Iterable[tuple[str, float]], minimum: int = 1,
            line_height: float = LINE_HEIGHT) -> None:
    """Set a row tall enough for its wrapped cells: XlsxWriter does not size rows, and LibreOffice
    does not autofit them on opening (long text would spill over the rows below)."""
    lines = max([minimum, *(lines_needed(text, width) for text, width in cells)])
    if lines > 1:
        ws.set_row(row, line_height * lines + 4)


def text_width(values: Sequence[Any], header: str, minimum: float = 6, maximum: float = MAX_WIDTH) -> float:
    """A column wide enough for its header and longest line, within bounds."""
    cells = [header, *(_text(v) for v in values)]
    longest = max(display_width(line) for c in cells for line in (c.split("\n") or [""]))
    return float(min(max(longest + 2, minimum), maximum))


def column_widths(frame: pd.DataFrame, minimum: int = 6, maximum: int = MAX_WIDTH) -> list[float]:
    return [text_width(frame[col].tolist(), str(col), minimum, maximum) for col in frame.columns]


def _text(value: object) -> str:
    value = plain(value)
    if missing(value):
        return ""
    if isinstance(value, dt.date):
        return "0000-00-00"  # a date shows as ten characters
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def write_cell(ws: Worksheet, row: int, col: int, value: Any, fmt: Formats, kind: str = "") -> None:
    """Text always through write_string; numbers and dates typed; None as an empty bordered cell."""
    value = plain(value)
    if missing(value):
        ws.write_blank(row, col, None, fmt.text)
    elif kind == "percent":
        ws.write_number(row, col, float(value), fmt.percent)
    elif kind == "due" and isinstance(value, str):  # a month as written (2014-05); a day is a date below
        ws.write_string(row, col, value, fmt.center)
    elif kind == "clip":
        ws.write_string(row, col, str(value), fmt.clip)
    elif kind == "status" and str(value) in fmt.status:
        ws.write_string(row, col, str(value), fmt.status[str(value)])
    elif isinstance(value, bool):
        ws.write_string(row, col, "是" if value else "否", fmt.center)
    elif isinstance(value, dt.datetime | dt.date):
        day = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
        ws.write_datetime(row, col, day, fmt.date)
    elif isinstance(value, int):
        ws.write_number(row, col, value, fmt.integer)
    elif isinstance(value, float):
        ws.write_number(row, col, value, fmt.number)
    else:
        ws.write_string(row, col, str(value), fmt.text)


def write_frame(book: Workbook, fmt: Formats, name: str, frame: pd.DataFrame, *, title: str = "",
                kinds: dict[str, str] | None = None, landscape: bool = True,
                widths: Sequence[float] | None = None) -> Worksheet:
    """One table sheet: header on row 1, rows below; the title prints as the page header.

    Row 1 is the header so that the sheet reads as a table anywhere (a filter, pandas, another
    office suite); frozen header, filter, widths and A4 print setup come with it.
    """
    ws = book.add_worksheet(name)
    kinds = kinds or {}
    top = 0
    if title:
        print_title(ws, title)
    for c, col in enumerate(frame.columns):
        ws.write_string(top, c, str(col), fmt.header)
    widths = list(widths or column_widths(frame))
    for r, values in enumerate(frame.itertuples(index=False), start=top + 1):
        for c, (col, value) in enumerate(zip(frame.columns, values, strict=True)):
            write_cell(ws, r, c, value, fmt, kinds.get(str(col), ""))
        wrapped = [(text_of(v), widths[c]) for c, (col, v) in enumerate(zip(frame.columns, values, strict=True))
                   if isinstance(v, str) and kinds.get(str(col)) != "clip"]
        fit_row(ws, r, wrapped)
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    finish_sheet(ws, top, len(frame), len(frame.columns), landscape, sum(widths))
    return ws


def print_title(ws: Worksheet, title: str) -> None:
    """The sheet's title at the top of every printed page ('&' is a control character in headers,
    and a digit right after the font size would be read as part of it)."""
    text = title.replace("&", "&&")
    ws.set_header(f'&C&"{FONT},Bold"&12{" " if text[:1].isdigit() else ""}{text}')


def finish_sheet(ws: Worksheet, header_row: int, rows: int, cols: int, landscape: bool = True,
                 total_width: float = 0) -> None:
    """Frozen header, filter, A4 and titles repeated; a very wide table prints across several
    pages (first two columns repeated) rather than shrunk past reading."""
    ws.freeze_panes(header_row + 1, 0)
    if cols:
        ws.autofilter(header_row, 0, header_row + max(rows, 0), cols - 1)
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    ws.repeat_rows(0, header_row)
    pages_wide = max(1, math.ceil(total_width / PAGE_WIDTH))
    if pages_wide > 1:
        ws.repeat_columns(0, 1)
    ws.fit_to_pages(pages_wide, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")


def safe_file_name(name: str, limit: int = 80) -> str:
    """A branch name as a file name that cannot escape its folder or break on Windows."""
    cleaned = "".join("_" if ch in '\\/:*?"<>|' or unsafe_char(ch) else ch for ch in name)
    cleaned = cleaned.strip().strip(".").strip() or "未命名"
    return cleaned[:limit]


def sheet_title(name: str, taken: set[str]) -> str:
    """Excel sheet names: ≤ 31 characters, none of []:*?/\\, unique in the workbook."""
    base = "".join("_" if ch in "[]:*?/\\" else ch for ch in name).strip("'") or "表"
    base = base[:31]
    candidate, n = base, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f"({n})"
        candidate, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate)
    return candidate
