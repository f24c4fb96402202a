"""表彰建议名单.xlsx (SPEC §7, §8): the shortlist and, for every other active branch, why it missed.

Both sheets are tables from A1; titles print as page headers, the quota rule and the conditions sit in
the 说明 block right of the table.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.config import Campaign
from pipeline.consolidate.shortlist import Quota, criteria
from pipeline.write.common import new_workbook
from pipeline.write.scorecard import score_formats, score_table

FILE = "表彰建议名单.xlsx"
LISTED = ("排名", "支部编码", "支部名称", "品牌名称", "总分", "等次")  # the frame: 排名 = the 积分卡 rank
# The sheet: a running number first. The rank keeps SPEC §8's fixed header 排名 (users and acceptance checks
# read it by that name); the 说明 says it is the 积分卡 rank.
NUMBER, RANK = "序号", "排名"
MISSED = ("支部编码", "支部名称", "总分", "原因")
KINDS = {NUMBER: "integer", RANK: "integer", "总分": "total", "等次": "grade"}
REASON_WIDTH = 70


def rules_text(campaign: Campaign) -> str:
    return "入围条件：" + "；".join(criteria(campaign)) + "。"


def listed_sheet(listed: pd.DataFrame) -> pd.DataFrame:
    """建议名单 as printed: 序号 1…N, 排名 (the 积分卡 rank, SPEC §8), then the named columns."""
    frame = listed.reindex(columns=list(LISTED)).reset_index(drop=True)
    frame.insert(0, NUMBER, list(range(1, len(frame) + 1)))
    return frame


def write_shortlist(outbox: Path, listed: pd.DataFrame, missed: pd.DataFrame, quota: Quota,
                    campaign: Campaign) -> None:
    book = new_workbook(outbox / FILE, campaign.as_of)
    fmt = score_formats(book, campaign)
    active, share, seats = quota.active, quota.share, quota.seats
    title = f"表彰建议名单（在册支部 {active} 个，名额 {share:.0%}，共 {len(listed)} 个）"
    tie = "，同分并列均入围" if quota.tie_at_cut else ""
    note = (f"统计截止 {campaign.as_of.isoformat()}，在册支部 {active} 个，建议表彰 {len(listed)} 个。\n"
            f"名额为在册支部数的 {share:.0%}，向下取整、至少 1 个，本次 {seats} 个；"
            f"符合条件的支部按总分从高到低入选{tie}。排名即该支部的积分卡名次，同分同名次。\n{rules_text(campaign)}")
    score_table(book, fmt, "建议名单", listed_sheet(listed),
                title=title, note=note, kinds=KINDS, freeze_cols=0)
    note = (f"未列入建议名单的在册支部 {len(missed)} 个，逐条列出未入围的原因（可据此向支部反馈）。\n"
            f"{rules_text(campaign)}")
    score_table(book, fmt, "未入围说明", missed.reindex(columns=list(MISSED)).reset_index(drop=True),
                title=f"未入围说明（共 {len(missed)} 个支部）", note=note, kinds=KINDS,
                widths={"原因": REASON_WIDTH})
    book.close()
