"""审核验收表.xlsx and 品牌认定名册.xlsx (SPEC §12): the committee's decision form, pre-filled, and the
register with its 挂牌名单 and 复评名单.

Both are tables from A1 laid out by the score tables' `score_table` (pipeline.write.table), and both carry the
hidden `_meta` sheet, so either one dropped back into the inbox is read as its kind (the committee's decision,
the register to carry forward). The 说明 header names the form as well, for a copy that lost `_meta`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from xlsxwriter.worksheet import Worksheet

from pipeline.config import Campaign
from pipeline.consolidate.register import COLUMNS, Recognition, next_year, valid_until
from pipeline.forms import ACCEPTANCE, REGISTER, FormKind
from pipeline.validate.register import EXPIRED, REVOKED, VALID
from pipeline.write.common import Formats, new_workbook
from pipeline.write.forms import VALIDATION_ROWS, add_meta, dropdown
from pipeline.write.scorecard import score_formats, score_table

ACCEPTANCE_FILE = "审核验收表.xlsx"
REGISTER_FILE = "品牌认定名册.xlsx"
PLAQUES = ("支部名称", "品牌名称", "认定编号", "支部编码", "有效期至")
KINDS = {"总分": "total", "排名": "integer", "等次": "grade", "验收日期": "date", "认定年度": "integer",
         "有效期至": "date"}
WIDE = {"未入围原因": 36, "审核意见": 30, "备注": 30}


def write_acceptance(outbox: Path, frame: pd.DataFrame, campaign: Campaign) -> None:
    """One row per active branch that applied for recognition; 验收结论 as a dropdown, 验收日期 and 审核人 to fill."""
    book = new_workbook(outbox / ACCEPTANCE_FILE, campaign.as_of)
    fmt = score_formats(book, campaign)
    review = campaign.review
    note = (f"“一支部一品牌”审核验收表，{campaign.year}年度，由局党工委填写。统计截止 {campaign.as_of.isoformat()}，"
            f"已提出认定的在册支部 {len(frame)} 个，按积分卡名次排列；总分、等次、是否入围取自积分卡和表彰建议名单。\n"
            f"请逐行选择验收结论（通过、不通过、暂缓），填写验收日期（审核验收时间 {review.start.isoformat()} 至 "
            f"{review.end.isoformat()}）和审核人，填好后放入收件箱重新运行：验收结论为“通过”的支部记入品牌认定名册。"
            "未填验收结论的行视为尚未验收。同一支部有多份结论的，以验收日期最晚的为准。")
    ws = score_table(book, fmt, "审核验收", frame, title=f"“一支部一品牌”审核验收表（{campaign.year}年度）",
                     note=note, kinds=KINDS, widths=WIDE, freeze_cols=2)
    column = list(frame.columns).index("验收结论")
    spec = next(c for c in ACCEPTANCE.tables[0].columns if c.label == "验收结论")
    dropdown(ws, 1, max(len(frame), VALIDATION_ROWS), column, spec)
    _name_the_form(ws, len(frame.columns), ACCEPTANCE, fmt)
    _print_table(ws, len(frame), len(frame.columns))
    add_meta(book, ACCEPTANCE)
    book.close()


def write_register(outbox: Path, recognition: Recognition, campaign: Campaign) -> None:
    book = new_workbook(outbox / REGISTER_FILE, campaign.as_of)
    fmt = score_formats(book, campaign)
    as_of, year = campaign.as_of.isoformat(), campaign.year
    register, plaques, review = recognition.register, recognition.recognised, recognition.review
    statuses = list(register["状态"])
    counts = "，".join(f"{s} {statuses.count(s)} 条" for s in (VALID, EXPIRED, REVOKED) if s in statuses)
    added = (f"本年度审核验收通过 {len(plaques)} 个（认定年度 {year}，有效期至 {valid_until(campaign).isoformat()}），"
             "认定编号按积分卡名次编排。" if recognition.decided else _NOT_DECIDED)
    note = (f"品牌认定名册，统计截止 {as_of}，共 {len(register)} 条（{counts or '无'}）。{added}\n"
            f"以往各次认定的记录全部保留，状态按统计截止日重新核定：有效期至不早于截止日为“有效”，之后为“到期”；"
            f"“已撤销”保持不变；支部已撤销的标为“已撤销”，并在备注中说明。本名册放入下一次活动的收件箱即可延续。")
    ws = score_table(book, fmt, "品牌认定名册", register.reindex(columns=list(COLUMNS)),
                     title=f"品牌认定名册（截至 {as_of}）", note=note, kinds=KINDS, widths=WIDE)
    _name_the_form(ws, len(COLUMNS), REGISTER, fmt)
    _print_table(ws, len(register), len(COLUMNS))
    note = (f"{year}年度审核验收通过、予以挂牌的品牌 {len(plaques)} 个，按积分卡名次排列。" if recognition.decided
            else _NOT_DECIDED)
    ws = score_table(book, fmt, "挂牌名单", plaques.reindex(columns=list(PLAQUES)),
                     title=f"{year}年度“一支部一品牌”挂牌名单", note=note, kinds=KINDS)
    _print_table(ws, len(plaques), len(PLAQUES))
    end = next_year(campaign.review.end).isoformat()
    note = (f"统计截止 {as_of} 仍有效、有效期至不晚于下一年度审核验收结束日（{end}）的认定品牌 {len(review)} 个，"
            "列入下一轮复评。")
    ws = score_table(book, fmt, "复评名单", review.reindex(columns=list(COLUMNS)), title=f"复评名单（截至 {as_of}）",
                     note=note, kinds=KINDS, widths=WIDE)
    _print_table(ws, len(review), len(COLUMNS))
    add_meta(book, REGISTER)
    book.close()


_NOT_DECIDED = ("尚未收到局党工委的审核验收结论（收件箱中没有已受理的审核验收表），本次不新增认定、暂无挂牌名单。"
                "请局党工委填写输出目录中的审核验收表.xlsx，放入收件箱后重新运行。")


def _name_the_form(ws: Worksheet, columns: int, kind: FormKind, fmt: Formats) -> None:
    """The 说明 header names the form, so a copy without `_meta` is still known by its first row."""
    ws.write_string(0, columns + 1, f"{kind.title}·说明", fmt.header)


def _print_table(ws: Worksheet, rows: int, columns: int) -> None:
    """Only the table prints (the 说明 beside it would shrink every page to fit)."""
    ws.print_area(0, 0, max(rows, 1), columns - 1)
