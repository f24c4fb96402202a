"""What every output workbook shares: safe workbook options, formats, widths, tables, print setup.
(The outbox swap lives in write/outbox.py.)"""

from __future__ import annotations

import datetime as dt
import functools
import math
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
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
# Column units across one A4 page (margins 0.4") at 90 % — the least scale at which 10-pt body text
# still prints at 9 pt. Measured with LibreOffice (a unit ≈ 5.7 pt with the workbook's 宋体 default font;
# Excel's ≈ 5.25 pt leaves a little more room): landscape 784 pt, portrait 538 pt of printable width.
PAGE_WIDTH = 150
PORTRAIT_WIDTH = 103
DEFAULT_FONT = {"font_name": FONT, "font_size": 10}  # the Normal style: column units and blank rows
DEFAULT_ROW_PIXELS = 18  # 13.5 pt, the default row of 10-pt 宋体
LINE_HEIGHT = 14.0  # points per line of 10-pt text
WIDE_UNITS = 0.95  # a 10-pt 宋体 character takes ≈ 1.9 column-width units, i.e. 0.95 × its display width


def new_workbook(target: str | Path, created: dt.date) -> Workbook:
    """Submission text stays text (no formulas, no links); the created stamp comes from as_of."""
    book = xlsxwriter.Workbook(str(target), {"strings_to_formulas": False, "strings_to_urls": False,
                                             "strings_to_numbers": False,
                                             "default_format_properties": dict(DEFAULT_FONT),
                                             "default_row_height": DEFAULT_ROW_PIXELS})
    stamp = dt.datetime(created.year, created.month, created.day)
    book.set_properties({"created": stamp, "author": "江宁区教育局党工委", "company": "江宁区教育局"})
    return book


# Grade colours by position in campaign.grades (best first); anything below the last floor is 不合格.
GRADE_COLOURS = ("#C6EFCE", "#DDEBF7", "#FFF2CC", "#FCE4D6")
FAIL_GRADE, FAIL_COLOUR = "不合格", "#FFC7CE"

# Every cell format of every workbook the project writes, each named once; the workbook's font (宋体,
# vertically centred, at the workbook's size) comes first. Variants (a number format, wrapping, a
# colour) are the same style with a property added: Formats.get(name, num_format="0.0").
BARE = {"unlocked"}  # styles without the workbook's font
STYLES: dict[str, dict[str, Any]] = {
    # titles, captions, notes
    "title": {"bold": True, "font_size": 14, "align": "center"},  # a report's title row
    "form_title": {"bold": True, "font_size": 16, "align": "center"},  # a printed form's title
    "subtitle": {"font_color": "#595959"},
    "form_subtitle": {"align": "center", "font_color": "#595959"},
    "caption": {"bold": True, "font_size": 12},  # a table's caption on a form
    "hint": {"font_size": 10, "italic": True},  # the note under a template's title
    "small_note": {"font_size": 9, "font_color": "#595959", "text_wrap": True},
    "note": {"valign": "top", "font_color": "#404040", "text_wrap": True, "border": 1},  # a 说明 block
    # a letter (退回通知)
    "letter_heading": {"font_name": "黑体", "font_size": 18, "align": "center"},
    "plain": {},
    "paragraph": {"text_wrap": True, "valign": "top"},
    "sign_off": {"align": "center"},  # the office and the date under a letter
    # headers and labels
    "header": {"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center", "text_wrap": True},
    "label": {"bold": True, "bg_color": "#F2F2F2", "border": 1, "align": "center", "text_wrap": True},
    # cells
    "text": {"border": 1, "text_wrap": True},
    "clip": {"border": 1, "align": "fill"},  # long codes such as SHA-256: shown cut (never spilling), kept whole
    "left": {"border": 1, "align": "left"},
    "center": {"border": 1, "align": "center"},
    "item": {"border": 1, "align": "center", "text_wrap": True},
    "strong": {"border": 1, "align": "center", "text_wrap": True, "bold": True},
    # numbers right-aligned and indented: they never run into the next column's left-aligned text
    "number": {"border": 1, "num_format": "0.0", "align": "right", "indent": 1},
    "integer": {"border": 1, "num_format": "0", "align": "right", "indent": 1},
    "count": {"border": 1, "align": "center", "num_format": "0"},  # ranks, counts
    "date": {"border": 1, "num_format": "yyyy-mm-dd", "align": "center"},
    "percent": {"border": 1, "num_format": "0.0%", "align": "right", "indent": 1},
    "total": {"border": 1, "bold": True, "num_format": "0.0", "align": "right", "indent": 1},  # a 总分
    "total_text": {"border": 1, "bold": True, "bg_color": "#F2F2F2"},  # a 合计 row
    "total_integer": {"border": 1, "bold": True, "bg_color": "#F2F2F2", "num_format": "0", "align": "right",
                      "indent": 1},
    "total_percent": {"border": 1, "bold": True, "bg_color": "#F2F2F2", "num_format": "0.0%", "align": "right",
                      "indent": 1},
    "link": {"border": 1, "align": "center", "font_color": "#0563C1", "underline": 1},
    "badge": {"border": 1, "align": "center"},  # with the colour of a status or a grade
    # a column's own format (no font: the cells written in it bring theirs)
    "unlocked": {"locked": False},  # a template's column a branch may fill below the table
    # the signature box of a printed form
    "box": {"top": 1, "left": 1, "right": 1},
    "sign": {"left": 1, "indent": 2},
    "seal": {"right": 1, "align": "right", "indent": 4},
    "sign_date": {"left": 1, "right": 1, "bottom": 1, "align": "right", "indent": 4},
}


def grade_colours(grades: Iterable[str]) -> dict[str, str]:
    """Each configured grade's colour (best first), and 不合格's."""
    out = {name: GRADE_COLOURS[min(i, len(GRADE_COLOURS) - 1)] for i, name in enumerate(grades)}
    out.setdefault(FAIL_GRADE, FAIL_COLOUR)
    return out


class Formats:
    """The formats of one workbook, each made from STYLES on first use (`fmt.header` is
    `fmt.get("header")`); XlsxWriter writes only those a cell uses."""

    def __init__(self, book: Workbook, *, size: int = 10, grades: dict[str, str] | None = None) -> None:
        self.book = book
        self.base = {"font_name": FONT, "font_size": size, "valign": "vcenter"}
        self.grades = grades or {}
        self.made: dict[tuple[str, tuple[tuple[str, Any], ...]], Format] = {}

    def get(self, name: str, **extra: Any) -> Format:
        key = (name, tuple(sorted(extra.items())))
        made = self.made.get(key)
        if made is None:
            base = {} if name in BARE else self.base
            made = self.made[key] = self.book.add_format({**base, **STYLES[name], **extra})
        return made

    def __getattr__(self, name: str) -> Format:
        if name not in STYLES:
            raise AttributeError(name)
        made = self.__dict__[name] = self.get(name)  # later lookups are plain attribute reads
        return made

    def status(self, value: str, **extra: Any) -> Format | None:
        """A status cell's colour (按时, 缺报, 受理, 错误 …); None for any other text."""
        colour = STATUS_COLOURS.get(value)
        return None if colour is None else self.get("badge", bg_color=colour, **extra)

    def grade(self, value: str, **extra: Any) -> Format | None:
        colour = self.grades.get(value)
        return None if colour is None else self.get("badge", bg_color=colour, **extra)


@functools.lru_cache(maxsize=1 << 16)
def display_width(text: str) -> int:
    """East Asian wide characters take two columns (computed once per distinct string)."""
    if text.isascii():
        return len(text)
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


@functools.lru_cache(maxsize=1 << 16)
def lines_needed(text: str, width: float) -> int:
    """How many lines `text` takes in a wrapped cell `width` characters wide (East Asian = 2)."""
    usable = max(width - 1, 4)
    return sum(max(1, math.ceil(display_width(line) * WIDE_UNITS / usable)) for line in (text.split("\n") or [""]))


def fit_row(ws: Worksheet, row: int, cells: Iterable[tuple[str, float]], minimum: int = 1,
            line_height: float = LINE_HEIGHT) -> int:
    """Set a row tall enough for its wrapped cells: XlsxWriter does not size rows, and LibreOffice
    does not autofit them on opening (long text would spill over the rows below). Returns the lines."""
    lines = max([minimum, *(lines_needed(text, width) for text, width in cells)])
    if lines > 1:
        ws.set_row(row, line_height * lines + 4)
    return lines


def text_width(values: Sequence[Any], header: str, minimum: float = 6, maximum: float = MAX_WIDTH) -> float:
    """A column wide enough for its header and longest line, within bounds."""
    cells = {header, *map(_text, values)}  # each distinct text measured once
    longest = max(display_width(line) for c in cells for line in (c.split("\n") if "\n" in c else (c,)))
    return float(min(max(longest + 2, minimum), maximum))


def _text(value: object) -> str:
    if value.__class__ is str:
        return value  # type: ignore[return-value]
    value = plain(value)
    if missing(value):
        return ""
    if isinstance(value, dt.date):
        return "0000-00-00"  # a date shows as ten characters
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


# Cell kinds: how a column's values are written (see write_cell).
AUTO = ""  # by the value's type: text, number (0.0), integer, date, 是/否; missing → empty
TEXT = "text"  # always text; missing or "" → empty
NUMBER, TOTAL, INTEGER = "number", "total", "integer"  # a number (0.0, bold 0.0, whole and centred), else as TEXT
_NUMBER_STYLES = {NUMBER: "number", TOTAL: "total", INTEGER: "count"}
GRADE, STATUS = "grade", "status"  # coloured by the grade or the status, else centred
DATE = "date"  # a date cell (blank ones keep the date format), other values as TEXT
PERCENT, CLIP = "percent", "clip"  # a fraction shown as 0.0%; long text shown cut
DUE = "due"  # a deadline: a month as written (2014-05) centred as text, a day as a date


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and not missing(value)


def write_cell(ws: Worksheet, row: int, col: int, value: Any, fmt: Formats, kind: str = AUTO) -> None:
    """Text always through write_string (a submission's '=…' stays text); numbers and dates typed."""
    if value.__class__ is str and kind in (AUTO, TEXT):  # most cells: the same calls as below, sooner
        if kind == TEXT and value == "":
            ws.write_blank(row, col, None, fmt.text)
        else:
            ws.write_string(row, col, value, fmt.text)
        return
    value = plain(value)
    if kind in _NUMBER_STYLES and _is_number(value):
        ws.write_number(row, col, int(value) if kind == INTEGER else float(value), fmt.get(_NUMBER_STYLES[kind]))
    elif kind in (STATUS, GRADE) and not missing(value):
        style = fmt.status(str(value)) if kind == STATUS else fmt.grade(str(value))
        ws.write_string(row, col, str(value), style or fmt.center)
    elif kind == STATUS:
        ws.write_blank(row, col, None, fmt.center)
    elif kind == DATE and (missing(value) or value == ""):
        ws.write_blank(row, col, None, fmt.date)
    elif kind == DATE and isinstance(value, dt.date):
        write_cell(ws, row, col, value, fmt)
    elif kind in (TEXT, GRADE, DATE, *_NUMBER_STYLES):
        if missing(value) or value == "":
            ws.write_blank(row, col, None, fmt.text)
        else:
            ws.write_string(row, col, text_of(value), fmt.text)
    elif missing(value):
        ws.write_blank(row, col, None, fmt.text)
    elif kind == PERCENT:
        ws.write_number(row, col, float(value), fmt.percent)
    elif kind == DUE and isinstance(value, str):
        ws.write_string(row, col, value, fmt.center)
    elif kind == CLIP:
        ws.write_string(row, col, str(value), fmt.clip)
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


def shown_text(value: Any, kind: str = AUTO) -> str | None:
    """The text a cell written by write_cell shows, for its row's height; None for numbers, dates
    and clipped text (they never wrap)."""
    if value.__class__ is str and kind in (AUTO, TEXT):
        return value
    value = plain(value)
    if kind == DATE:
        return None
    if kind in (TEXT, GRADE, STATUS, *_NUMBER_STYLES):
        return None if kind in _NUMBER_STYLES and _is_number(value) else text_of(value)
    return value if isinstance(value, str) and kind != CLIP else None


def merged_text(ws: Worksheet, row: int, first: int, last: int, text: str, fmt: Format,
                last_row: int | None = None) -> None:
    """A merged range holding text, written with write_string (never a formula or link)."""
    bottom = row if last_row is None else last_row
    if first == last and bottom == row:
        ws.write_string(row, first, text, fmt)
        return
    ws.merge_range(row, first, bottom, last, "", fmt)
    ws.write_string(row, first, text, fmt)


def list_validation(ws: Worksheet, first: int, last: int, col: int, label: str, options: Sequence[str]) -> None:
    """A dropdown of the options on rows first…last of a column, with a Chinese hint and error message."""
    choices = "、".join(options)
    ws.data_validation(first, col, last, col, {
        "validate": "list",
        "source": list(options),
        "input_title": f"请选择{label}"[:32],
        "input_message": f"请从下拉列表中选择：{choices}"[:255],
        "error_title": "输入有误",
        "error_message": f"{label}只能填写：{choices}。请从下拉列表中选择。"[:255],
    })


def print_title(ws: Worksheet, title: str) -> None:
    """The sheet's title at the top of every printed page ('&' is a control character in headers,
    and a digit right after the font size would be read as part of it)."""
    text = title.replace("&", "&&")
    ws.set_header(f'&C&"{FONT},Bold"&12{" " if text[:1].isdigit() else ""}{text}')


def finish_sheet(ws: Worksheet, header_row: int, rows: int, cols: int, landscape: bool = True,
                 total_width: float = 0, *, freeze_cols: int = 0, top_margin: float = 0.6) -> None:
    """Frozen header (and `freeze_cols` first columns), filter, A4 and titles repeated; given its
    `total_width`, a very wide table prints across several pages (first two columns repeated)
    rather than shrunk past reading, else it prints one page wide."""
    ws.freeze_panes(header_row + 1, freeze_cols)
    if cols:
        ws.autofilter(header_row, 0, header_row + max(rows, 0), cols - 1)
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    ws.repeat_rows(0, header_row)
    pages_wide = max(1, math.ceil(total_width / (PAGE_WIDTH if landscape else PORTRAIT_WIDTH)))
    if pages_wide > 1:
        ws.repeat_columns(0, 1)
    ws.fit_to_pages(pages_wide, 0)
    ws.set_margins(left=0.4, right=0.4, top=top_margin, bottom=0.6)
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
