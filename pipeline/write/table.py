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
  instead of one page wide), `top_margin`.

A new output workbook is a few lines, e.g. one the committee fills in and drops back into the inbox:

    book = new_workbook(outbox / "审核验收表.xlsx", campaign.as_of)
    table_sheet(book, Formats(book), "审核验收", frame, title="审核验收表",
                dropdowns={"验收结论": ("通过", "不通过", "暂缓")})
    add_meta(book, kind)  # pipeline.write.forms: the reader then knows the kind
    book.close()
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pipeline.write.common import (
    AUTO,
    LINE_HEIGHT,
    MAX_WIDTH,
    Formats,
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
                landscape: bool = True, split_wide: bool = False, top_margin: float = 0.6) -> Worksheet:
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
    if title:
        print_title(ws, title)
    header_row(ws, fmt, 0, columns)
    heights = []
    for r, row in enumerate(frame.itertuples(index=False), start=1):
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
    if note:
        note_block(ws, fmt, len(columns) + 1, note, heights)
    finish_sheet(ws, 0, rows, len(columns), landscape, sum(sizes) if split_wide else 0,
                 freeze_cols=freeze_cols, top_margin=top_margin)
    return ws


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
