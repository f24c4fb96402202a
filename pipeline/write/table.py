"""The one table-sheet writer: every table an output workbook shows as a sheet goes through `table_sheet`.

A table sheet reads as a table anywhere (a filter, pandas, another office suite): the header on row 1,
one row per frame row directly below it, nothing else in its columns. The title prints as the page
header; side material (the 说明 note here, a legend or a chart drawn by the caller) sits right of the
table after one empty column. What differs between outputs is an option:

- `kinds`: how each column's cells are written (`common.write_cell`); others get `default_kind`;
- widths: measured from the values within `min_width` … `max_width` (per column `min_widths`), or fixed
  (`widths`);
- `freeze_cols`, `links` (a last column of internal links), `note` (the 说明 block), `dropdowns`;
- `empty`: an empty table is its header alone (HEADER_ONLY, the default: it reads back as an empty
  table), or shows one row reading 无 (NONE_ROW, used by 报送情况.xlsx, whose sheets a clerk reads
  as lists of whom to chase);
- printing: landscape, `split_wide` (a wide table prints across pages, first columns repeated,
  instead of one page wide), `top_margin`. Wider than one A4 page at 90 % (so 10-pt text prints at
  ≥ 9 pt), a table's header-bound columns come down to their values (the header wraps) and its text
  columns wrap narrower (`fit_print_width`); `side_width` keeps room for what the caller draws
  beside the table; `note_below` puts the 说明 in a text box under the table instead of beside it.

A new output workbook is a few lines, e.g. one the committee fills in and drops back into the inbox:

    book = new_workbook(outbox / "审核验收表.xlsx", campaign.as_of)
    table_sheet(book, Formats(book), "审核验收", frame, title="审核验收表",
                dropdowns={"验收结论": ("通过", "不通过", "暂缓")})
    add_meta(book, kind)  # pipeline.write.forms: the reader then knows the kind
    book.close()
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pipeline.write.common import (
    AUTO,
    CLIP,
    DEFAULT_ROW_PIXELS,
    FONT,
    LINE_HEIGHT,
    MAX_WIDTH,
    PAGE_WIDTH,
    PORTRAIT_WIDTH,
    TEXT,
    Formats,
    display_width,
    finish_sheet,
    fit_row,
    lines_needed,
    list_validation,
    merged_text,
    print_title,
    shown_text,
    text_width,
    write_cell,
)

HEADER_ONLY = "header-only"
NONE_ROW = "none-row"
NONE_TEXT = "无"
NOTE_HEADER = "说明"
NOTE_GAP = 2  # the empty column between a table and its 说明 block
NOTE_WIDTH = 40
DEFAULT_ROW = 13.0  # points: a row nobody sized (counted low, so a merged note is never cut)
WRAP_FLOOR = 10.0  # a wrapped text column is never narrowed below this to fit the page
UNIT_PIXELS = 7  # one column-width unit in pixels (drawing objects are placed in pixels)
COLUMN_PADDING = 0.72  # what a file adds to every column's width (XlsxWriter: 5 pixels)


@dataclass(frozen=True)
class Links:
    """A last column of internal links, one target sheet per row (年度考核表 汇总 → each branch's sheet)."""

    column: str
    targets: Sequence[str]
    text: str
    tip: str


def table_sheet(book: Workbook, fmt: Formats, name: str, frame: pd.DataFrame, *, title: str = "",
                kinds: Mapping[str, str] | None = None, default_kind: str = AUTO,
                widths: Mapping[str, float] | None = None, min_width: float = 6,
                min_widths: Mapping[str, float] | None = None, max_width: float = MAX_WIDTH,
                freeze_cols: int = 0, links: Links | None = None, note: str = "",
                dropdowns: Mapping[str, Sequence[str]] | None = None, empty: str = HEADER_ONLY,
                landscape: bool = True, split_wide: bool = False, top_margin: float = 0.6,
                note_below: bool = False, side_width: float = 0) -> Worksheet:
    """One table sheet from A1 (see the module's docstring for the options); returns the sheet so a
    caller can draw beside the table."""
    ws = book.add_worksheet(name)
    columns = [str(c) for c in frame.columns]
    kinds_of = [(kinds or {}).get(c, default_kind) for c in columns]
    values = [frame.iloc[:, i].tolist() for i in range(len(columns))]
    if links is not None:
        columns.append(links.column)
        values.append([links.text] * len(frame))
    fixed, floors = widths or {}, min_widths or {}
    sizes = [fixed[c] if c in fixed else text_width(v, c, floors.get(c, min_width), max_width)
             for c, v in zip(columns, values, strict=True)]
    wraps = [k in (AUTO, TEXT) and any(isinstance(x, str) for x in v)
             for k, v in zip([*kinds_of, CLIP][: len(columns)], values, strict=True)]
    floors = [typical_width(v, w) if wrap else max(text_width(v, "", 4, max_width), header_floor(c))
              for c, v, w, wrap in zip(columns, values, sizes, wraps, strict=True)]
    budget = (PAGE_WIDTH if landscape else PORTRAIT_WIDTH) - side_width  # room for what the caller draws beside
    sizes = fit_print_width(sizes, wraps, budget, floors)
    if title:
        print_title(ws, title)
    header_row(ws, fmt, 0, columns)
    fit_row(ws, 0, list(zip(columns, sizes, strict=True)))  # a narrowed column's header wraps
    heights = []
    for r, row in enumerate(zip(*values[: len(kinds_of)], strict=True) if kinds_of else [()] * len(frame), start=1):
        texts = []
        for c, (value, kind) in enumerate(zip(row, kinds_of, strict=True)):
            write_cell(ws, r, c, value, fmt, kind)
            shown = shown_text(value, kind)
            if shown is not None:
                texts.append((shown, sizes[c]))
        lines = fit_row(ws, r, texts)
        heights.append(lines * LINE_HEIGHT + 4 if lines > 1 else DEFAULT_ROW)
        if links is not None:
            target = links.targets[r - 1].replace("'", "''")
            ws.write_url(r, len(columns) - 1, f"internal:'{target}'!A1", fmt.link, string=links.text,
                         tip=links.tip)
    rows = len(frame)
    if not rows and empty == NONE_ROW:
        none_row(ws, fmt, 1, len(columns))
        rows = 1
    for c, col in enumerate(columns):
        ws.set_column(c, c, sizes[c])
        if dropdowns and col in dropdowns:
            list_validation(ws, 1, max(rows, 1), c, col, dropdowns[col])
    last_row = rows
    if note and note_below:
        last_row = note_box(ws, rows + 2, note, sum(sizes))
    elif note:
        note_block(ws, fmt, len(columns) + 1, note, heights)
    finish_sheet(ws, 0, rows, len(columns), landscape, sum(sizes) if split_wide else 0,
                 freeze_cols=freeze_cols, top_margin=top_margin)
    if CLIP in kinds_of and not (note and not note_below):
        # LibreOffice sizes the printed page by a clipped cell's whole text (a 64-character hash);
        # the print area keeps the page to the table (and its note below)
        ws.print_area(0, 0, max(last_row, 1), len(columns) - 1)
    return ws


def fit_print_width(sizes: Sequence[float], wraps: Sequence[bool], budget: float,
                    floors: Sequence[float] | None = None) -> list[float]:
    """Column widths that print one A4 page wide at ≥ 90 % (body text ≥ 9 pt). First a column wider
    than its values only for its header comes down to its values (`floors`; the header wraps), then
    the wrapping text columns are narrowed, widest first and none below WRAP_FLOOR, until the table
    fits `budget` (if it cannot, they stay as narrow as allowed and the page scales further down).
    The budget counts the padding a file adds to every column."""
    out = list(sizes)
    budget -= COLUMN_PADDING * len(out)
    if sum(out) <= budget:
        return out
    if floors is not None:  # header-bound columns to their values, text columns to their typical value
        out = [max(min(w, f), WRAP_FLOOR if wrap else 4.0) for w, f, wrap in zip(out, floors, wraps, strict=True)]
    if sum(out) <= budget or not any(wraps):
        return out
    fixed = sum(w for w, wrap in zip(out, wraps, strict=True) if not wrap)

    def total(cap: float) -> float:
        return fixed + sum(min(w, max(cap, WRAP_FLOOR)) for w, wrap in zip(out, wraps, strict=True) if wrap)

    low, high = WRAP_FLOOR, max(out)
    for _ in range(40):  # the largest cap that fits, to a hundredth of a unit
        mid = (low + high) / 2
        low, high = (mid, high) if total(mid) <= budget else (low, mid)
    return [float(math.floor(min(w, max(low, WRAP_FLOOR)))) if wrap else w
            for w, wrap in zip(out, wraps, strict=True)]


def typical_width(values: Sequence[object], width: float) -> float:
    """A text column's width for nine values in ten (a column mostly empty or short needs little)."""
    lengths = sorted(display_width(v) for v in values if isinstance(v, str))
    if not lengths:
        return width
    return min(width, float(lengths[min(len(lengths) - 1, int(len(lengths) * 0.9))] + 2))


def header_floor(header: str) -> float:
    """The narrowest a column may get for its header: a Chinese header on two lines; one without
    Chinese (2014-05, SHA256) stays whole."""
    if display_width(header) == len(header):
        return float(len(header) + 2)
    return float(math.ceil(display_width(header) / 2) + 3)  # bold headers are a little wider


def note_box(ws: Worksheet, row: int, note: str, width: float) -> int:
    """The sheet's notes below the table (after one empty row) in a text box as wide as the table:
    it prints with the table, and the sheet still reads as just the table (no cell holds it).
    Returns the last row the box covers."""
    text = f"{NOTE_HEADER}：{note}"
    lines = lines_needed(text, width)
    height = int((lines * LINE_HEIGHT + 8) * 4 / 3)  # pixels
    ws.insert_textbox(row, 0, text, {
        "width": int(width * UNIT_PIXELS), "height": height,
        "object_position": 3, "font": {"name": FONT, "size": 10, "color": "#404040"},
        "align": {"vertical": "top"}, "line": {"color": "#BFBFBF"},
    })
    return row + math.ceil(height / DEFAULT_ROW_PIXELS)


def header_row(ws: Worksheet, fmt: Formats, row: int, columns: Sequence[str], first_col: int = 0) -> None:
    for c, name in enumerate(columns, start=first_col):
        ws.write_string(row, c, name, fmt.header)


def none_row(ws: Worksheet, fmt: Formats, row: int, cols: int, first_col: int = 0) -> None:
    """The row an empty table shows under its header when it reads 无 (NONE_ROW)."""
    ws.write_string(row, first_col, NONE_TEXT, fmt.text)
    for c in range(first_col + 1, first_col + cols):
        ws.write_blank(row, c, None, fmt.text)


def note_block(ws: Worksheet, fmt: Formats, col: int, note: str, heights: Sequence[float]) -> None:
    """The sheet's notes right of the table (after one empty column): a 说明 header on row 1 and the
    text in one wrapped cell below it, merged down over as many rows as it needs (so no data row has
    to grow for it). `heights`: the data rows' heights, row 2 first."""
    ws.set_column(col - 1, col - 1, NOTE_GAP)
    ws.set_column(col, col, NOTE_WIDTH)
    ws.write_string(0, col, NOTE_HEADER, fmt.header)
    need = lines_needed(note, NOTE_WIDTH) * LINE_HEIGHT + 6
    row, got = 1, 0.0
    while got < need:
        got += heights[row - 1] if row <= len(heights) else DEFAULT_ROW
        row += 1
    merged_text(ws, 1, col, col, note, fmt.note, last_row=row - 1)
