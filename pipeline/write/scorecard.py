"""积分卡.xlsx (SPEC §8): one row per active branch — every rubric item, total, rank and grade.

Also the table writer the other score workbooks share (年度考核表 汇总, 表彰建议名单): the header on row 1
and the data rows directly below it (so the sheet reads as a table: a filter, pandas, another office suite),
typed cells (scores are numbers shown with one decimal, text through write_string), lightly coloured
grades, frozen header, filter, widths that fit Chinese, A4 print setup. The title prints as the page
header; the notes (maxima, grade bands, rules) sit in a 说明 block right of the table, outside its columns.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pipeline.config import Campaign
from pipeline.write.common import (
    FONT,
    LINE_HEIGHT,
    Formats,
    column_widths,
    finish_sheet,
    missing,
    new_workbook,
    plain,
    print_title,
    text_of,
    write_cell,
)
from pipeline.write.common import lines_needed as rows_for

TITLE = "“一支部一品牌”创建活动积分卡"
FILE = "积分卡.xlsx"
SHEET = "积分卡"
FIXED_TEXT = ("支部编码", "支部名称", "品牌名称", "申报类型")
# Grade colours by position in campaign.grades (best first); anything below the last floor is 不合格.
GRADE_COLOURS = ("#C6EFCE", "#DDEBF7", "#FFF2CC", "#FCE4D6")
FAIL_COLOUR = "#FFC7CE"
NOTE_GAP = 2  # the empty column between a table and its 说明 block
NOTE_WIDTH = 40
DEFAULT_ROW = 13.0  # points: a row nobody sized (counted low, so a merged note is never cut)


# ---- small shared helpers ------------------------------------------------------------------

def num(value: float) -> str:
    """10.0 → '10', 2.5 → '2.5'."""
    return f"{value:g}"


def merged_text(ws: Worksheet, row: int, first: int, last: int, text: str, fmt: Format,
                last_row: int | None = None) -> None:
    """A merged range holding text, written with write_string (never a formula or link)."""
    bottom = row if last_row is None else last_row
    if first == last and bottom == row:
        ws.write_string(row, first, text, fmt)
        return
    ws.merge_range(row, first, bottom, last, "", fmt)
    ws.write_string(row, first, text, fmt)


def grade_formats(book: Workbook, campaign: Campaign, **extra: Any) -> dict[str, Format]:
    base = {"font_name": FONT, "font_size": 10, "valign": "vcenter", "align": "center", "border": 1, **extra}
    out = {name: book.add_format({**base, "bg_color": GRADE_COLOURS[min(i, len(GRADE_COLOURS) - 1)]})
           for i, (name, _) in enumerate(campaign.grades)}
    out.setdefault("不合格", book.add_format({**base, "bg_color": FAIL_COLOUR}))
    return out


def grade_rule(campaign: Campaign) -> str:
    floors = [f"{name} ≥ {num(floor)} 分" for name, floor in campaign.grades]
    return "，".join(floors) + "，其余为不合格"


def rubric_note(campaign: Campaign) -> str:
    items = "、".join(f"{r.item} {num(r.max)}" for r in campaign.rubric)
    total = sum(r.max for r in campaign.rubric)
    return (f"各项满分：{items}（合计 {num(total)} 分），分数保留一位小数显示。\n"
            f"等次：{grade_rule(campaign)}；同分同名次。")


def card_columns(campaign: Campaign) -> list[str]:
    return [*FIXED_TEXT, *(r.item for r in campaign.rubric), "总分", "排名", "等次"]


def card_kinds(campaign: Campaign) -> dict[str, str]:
    return {**{r.item: "number" for r in campaign.rubric}, "总分": "total", "排名": "integer", "等次": "grade"}


# ---- the table sheet -----------------------------------------------------------------------

class TableFormats:
    """Formats the score tables add to the common ones."""

    def __init__(self, book: Workbook, campaign: Campaign) -> None:
        base = {"font_name": FONT, "font_size": 10, "valign": "vcenter"}
        self.common = Formats(book)
        self.note = book.add_format({**base, "valign": "top", "font_color": "#404040", "text_wrap": True,
                                     "border": 1})
        self.total = book.add_format({**base, "border": 1, "bold": True, "num_format": "0.0"})
        self.rank = book.add_format({**base, "border": 1, "align": "center", "num_format": "0"})
        self.link = book.add_format({**base, "border": 1, "align": "center", "font_color": "#0563C1",
                                     "underline": 1})
        self.grades = grade_formats(book, campaign)


def note_block(ws: Worksheet, tf: TableFormats, col: int, note: str, heights: Sequence[float]) -> None:
    """The sheet's notes right of the table (after one empty column): a 说明 header on row 1 and the
    text in one wrapped cell below it, merged down over as many rows as it needs (so no data row has
    to grow for it). `heights`: the data rows' heights, row 2 first."""
    ws.set_column(col - 1, col - 1, NOTE_GAP)
    ws.set_column(col, col, NOTE_WIDTH)
    ws.write_string(0, col, "说明", tf.common.header)
    need = rows_for(note, NOTE_WIDTH) * LINE_HEIGHT + 6
    row, got = 1, 0.0
    while got < need:
        got += heights[row - 1] if row <= len(heights) else DEFAULT_ROW
        row += 1
    merged_text(ws, 1, col, col, note, tf.note, last_row=row - 1)


def table_sheet(book: Workbook, tf: TableFormats, name: str, frame: pd.DataFrame, *, title: str, note: str,
                kinds: dict[str, str], landscape: bool = True, links: Sequence[str] | None = None,
                wide: dict[str, float] | None = None, freeze_cols: int = 0) -> Worksheet:
    """A table from A1: header on row 1, one row per frame row from row 2, nothing below; the title
    prints as the page header, the note sits right of the table. kinds: number/total (0.0), integer,
    grade, date; anything else is text.

    `links`: one target sheet per row, added as a last column 考核表 with an internal link.
    `wide`: fixed widths for wrapped text columns.
    """
    fmt = tf.common
    ws = book.add_worksheet(name)
    columns = [str(c) for c in frame.columns] + (["考核表"] if links is not None else [])
    shown = frame.copy()
    if links is not None:
        shown["考核表"] = ["查看"] * len(frame)
    widths = column_widths(shown, minimum=7)
    for c, col in enumerate(columns):
        if wide and col in wide:
            widths[c] = wide[col]
    last = len(columns) - 1
    print_title(ws, title)
    for c, col in enumerate(columns):
        ws.write_string(0, c, col, fmt.header)
    heights = []
    for r, values in enumerate(frame.itertuples(index=False), start=1):
        lines = 1
        for c, (col, value) in enumerate(zip(frame.columns, values, strict=True)):
            kind = kinds.get(str(col), "text")
            _cell(ws, r, c, plain(value), kind, tf)
            if kind == "text":
                lines = max(lines, rows_for(text_of(value), widths[c]))
        if lines > 1:  # wrapped text: neither Excel nor LibreOffice grows the row on opening
            ws.set_row(r, lines * LINE_HEIGHT + 4)
        heights.append(lines * LINE_HEIGHT + 4 if lines > 1 else DEFAULT_ROW)
        if links is not None:
            target = links[r - 1].replace("'", "''")
            ws.write_url(r, last, f"internal:'{target}'!A1", tf.link, string="查看", tip="打开该支部的年度考核表")
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)
    note_block(ws, tf, last + 2, note, heights)
    finish_sheet(ws, 0, len(frame), len(columns), landscape)
    ws.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.6)  # room for the printed title
    if freeze_cols:
        ws.freeze_panes(1, freeze_cols)
    return ws


def _cell(ws: Worksheet, row: int, col: int, value: Any, kind: str, tf: TableFormats) -> None:
    fmt = tf.common
    if kind in ("number", "total", "integer") and isinstance(value, int | float) and not isinstance(value, bool) \
            and not missing(value):
        style = {"number": fmt.number, "total": tf.total, "integer": tf.rank}[kind]
        ws.write_number(row, col, float(value) if kind != "integer" else int(value), style)
    elif kind == "grade" and not missing(value):
        ws.write_string(row, col, str(value), tf.grades.get(str(value), fmt.center))
    elif kind == "date" and isinstance(value, dt.date):
        write_cell(ws, row, col, value, fmt)
    elif missing(value) or value == "":
        ws.write_blank(row, col, None, fmt.date if kind == "date" else fmt.text)
    else:
        ws.write_string(row, col, text_of(value), fmt.text)


def card_frame(card: pd.DataFrame, campaign: Campaign) -> pd.DataFrame:
    """The scorecard in its fixed column order (missing columns empty, extra columns dropped)."""
    return card.reindex(columns=card_columns(campaign)).reset_index(drop=True)


# ---- 积分卡.xlsx ---------------------------------------------------------------------------

def write_scorecard(outbox: Path, card: pd.DataFrame, campaign: Campaign) -> None:
    book = new_workbook(outbox / FILE, campaign.as_of)
    tf = TableFormats(book, campaign)
    title = f"{TITLE}（统计截止 {campaign.as_of.isoformat()}）"
    note = f"统计截止 {campaign.as_of.isoformat()}，在册支部 {len(card)} 个，按总分排名。\n{rubric_note(campaign)}"
    table_sheet(book, tf, SHEET, card_frame(card, campaign), title=title, note=note, kinds=card_kinds(campaign),
                freeze_cols=2)
    book.close()
