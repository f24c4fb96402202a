"""积分卡.xlsx (SPEC §8): one row per active branch — every rubric item, total, rank and grade.

Also the layout the other score workbooks share (年度考核表 汇总, 表彰建议名单): `score_table`, a table
sheet (pipeline.write.table) whose cells are text unless a column says otherwise, scores numbers shown
with one decimal, grades lightly coloured, and the notes (maxima, grade bands, rules) in a 说明 text box
below the table (it prints with it; the sheet still reads as the table alone).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pipeline.config import Campaign
from pipeline.write.common import GRADE, INTEGER, NUMBER, TEXT, TOTAL, Formats, grade_colours, new_workbook
from pipeline.write.table import table_sheet

TITLE = "“一支部一品牌”创建活动积分卡"
FILE = "积分卡.xlsx"
SHEET = "积分卡"
FIXED_TEXT = ("支部编码", "支部名称", "品牌名称", "申报类型")


def num(value: float) -> str:
    """10.0 → '10', 2.5 → '2.5'."""
    return f"{value:g}"


def score_formats(book: Workbook, campaign: Campaign) -> Formats:
    """The workbook's formats, grades coloured by their place in campaign.grades."""
    return Formats(book, grades=grade_colours(name for name, _ in campaign.grades))


def score_table(book: Workbook, fmt: Formats, name: str, frame: pd.DataFrame, *, title: str, note: str,
                kinds: dict[str, str], **options: Any) -> Worksheet:
    """A score table: text cells unless `kinds` says otherwise, the 说明 note below it, room at the
    top of the page for the printed title; `options` as for table_sheet."""
    return table_sheet(book, fmt, name, frame, title=title, note=note, kinds=kinds, default_kind=TEXT,
                       min_width=7, top_margin=0.75, note_below=True, **options)


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
    return {**dict.fromkeys((r.item for r in campaign.rubric), NUMBER), "总分": TOTAL, "排名": INTEGER, "等次": GRADE}


def card_frame(card: pd.DataFrame, campaign: Campaign) -> pd.DataFrame:
    """The scorecard in its fixed column order (missing columns empty, extra columns dropped)."""
    return card.reindex(columns=card_columns(campaign)).reset_index(drop=True)


# ---- 积分卡.xlsx ---------------------------------------------------------------------------

def write_scorecard(outbox: Path, card: pd.DataFrame, campaign: Campaign) -> None:
    book = new_workbook(outbox / FILE, campaign.as_of)
    fmt = score_formats(book, campaign)
    title = f"{TITLE}（统计截止 {campaign.as_of.isoformat()}）"
    note = f"统计截止 {campaign.as_of.isoformat()}，在册支部 {len(card)} 个，按总分排名。\n{rubric_note(campaign)}"
    score_table(book, fmt, SHEET, card_frame(card, campaign), title=title, note=note, kinds=card_kinds(campaign),
                freeze_cols=2)
    book.close()
