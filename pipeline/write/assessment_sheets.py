"""年度考核表.xlsx (SPEC §8): a 汇总 sheet, then one printable A4 form per branch in rank order.

汇总 is a table from A1 (the 积分卡 columns and a 考核表 link column); its title prints as the page header.

Each branch form prints on one portrait page: the branch's facts, every rubric item with its maximum,
score and basis, the total with grade and rank, and a blank box for the bureau committee's opinion
with signature and date lines.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from xlsxwriter.worksheet import Worksheet

from pipeline.config import Campaign
from pipeline.write.common import (
    LINE_HEIGHT,
    Formats,
    merged_text,
    missing,
    new_workbook,
    plain,
    sheet_title,
    text_of,
)
from pipeline.write.common import lines_needed as rows_for
from pipeline.write.scorecard import card_frame, card_kinds, rubric_note, score_formats, score_table
from pipeline.write.table import Links

FILE = "年度考核表.xlsx"
SUMMARY = "汇总"
TITLE = "“一支部一品牌”创建活动年度考核表"
# The form grid: A label/考核项目, B 满分, C 得分, D label, E–F values; 评分依据 spans D:F.
WIDTHS = (14, 9, 9, 12, 14, 36)
LAST_COL = len(WIDTHS) - 1
BASIS_WIDTH = sum(WIDTHS[3:])
WIDE_VALUE = sum(WIDTHS[1:])  # B:F
NARROW_VALUE = WIDTHS[1] + WIDTHS[2]  # B:C
FACT_ROW = 22
OPINION_HEIGHT = 190
TAB_LIMIT, TAB_HEAD = 31, 18  # Excel sheet names: at most 31 characters


def write_assessment_sheets(outbox: Path, card: pd.DataFrame, details: pd.DataFrame, branches: pd.DataFrame,
                            short_names: dict[str, str], campaign: Campaign) -> None:
    book = new_workbook(outbox / FILE, campaign.as_of)
    fmt = score_formats(book, campaign)
    frame = card_frame(card, campaign)
    taken = {SUMMARY}
    sheets = [sheet_title(_tab(f"{text_of(code)} {short_names.get(text_of(code)) or text_of(name)}"), taken)
              for code, name in zip(frame["支部编码"], frame["支部名称"], strict=True)]
    title = f"{TITLE}·汇总（统计截止 {campaign.as_of.isoformat()}）"
    note = (f"统计截止 {campaign.as_of.isoformat()}，在册支部 {len(frame)} 个，按排名排列；"
            f"每个支部一张考核表（点“查看”打开）。\n{rubric_note(campaign)}")
    score_table(book, fmt, SUMMARY, frame, title=title, note=note, kinds=card_kinds(campaign),
                links=Links("考核表", sheets, "查看", "打开该支部的年度考核表"), freeze_cols=2)
    basis = _basis_lookup(details)
    roster = _roster_lookup(branches)
    for sheet, row in zip(sheets, frame.to_dict("records"), strict=True):
        code = text_of(row["支部编码"])
        _branch_form(book.add_worksheet(sheet), fmt, row, roster.get(code, {}), basis, len(frame), campaign)
    book.close()


def _tab(out: str) -> str:
    """The sheet tab `支部编码 short name` (JN022 江宁小学): the code makes it unique; one longer than a
    tab allows keeps its head (the code) and its tail (where 第一/第二党支部 differ)."""
    if len(out) > TAB_LIMIT:
        out = out[:TAB_HEAD] + "…" + out[-(TAB_LIMIT - TAB_HEAD - 1):]
    return out


def _basis_lookup(details: pd.DataFrame) -> dict[tuple[str, str], tuple[Any, Any, str]]:
    if details.empty:
        return {}
    cols = [details[c].tolist() if c in details else [None] * len(details)
            for c in ("支部编码", "项目", "得分", "满分", "依据")]
    return {(text_of(code), text_of(item)): (plain(score), plain(maximum), text_of(basis))
            for code, item, score, maximum, basis in zip(*cols, strict=True)}


def _roster_lookup(branches: pd.DataFrame) -> dict[str, dict[str, Any]]:
    if branches.empty:
        return {}
    frame = branches.reset_index(drop="支部编码" in branches.columns)
    return {text_of(r.get("支部编码")): r for r in frame.to_dict("records")}


def _branch_form(ws: Worksheet, fmt: Formats, row: dict[str, Any], facts: dict[str, Any],
                 basis: dict[tuple[str, str], tuple[Any, Any, str]], count: int, campaign: Campaign) -> None:
    code = text_of(row["支部编码"])
    name = text_of(row["支部名称"]) or text_of(facts.get("支部名称"))
    for c, width in enumerate(WIDTHS):
        ws.set_column(c, c, width)
    merged_text(ws, 0, 0, LAST_COL, TITLE, fmt.form_title)
    ws.set_row(0, 30)
    merged_text(ws, 1, 0, LAST_COL, f"{campaign.year} 年度　统计截止 {campaign.as_of.isoformat()}", fmt.form_subtitle)
    ws.set_row(1, 20)

    # -- the branch's facts
    r = 2
    members = plain(facts.get("党员人数"))
    members_text = f"{int(members)}" if isinstance(members, int | float) and not missing(members) else \
        text_of(members)
    kind = text_of(row.get("申报类型"))
    wide_facts = [("支部名称", name), ("所在单位", text_of(facts.get("所在单位"))),
                  ("上级组织", text_of(facts.get("上级组织")) or "局党工委")]
    for label, value in wide_facts:
        r = _fact_row(ws, fmt, r, [(label, value)])
    r = _fact_row(ws, fmt, r, [("支部编码", code), ("支部书记", text_of(facts.get("支部书记")))])
    r = _fact_row(ws, fmt, r, [("党员人数", members_text), ("申报类型", f"品牌{kind}" if kind else "未申报")])
    r = _fact_row(ws, fmt, r, [("品牌名称", text_of(row.get("品牌名称")))])

    # -- the rubric table
    r += 1
    ws.set_row(r - 1, 8)
    for c, label in enumerate(("考核项目", "满分", "得分")):
        ws.write_string(r, c, label, fmt.header)
    merged_text(ws, r, 3, LAST_COL, "评分依据", fmt.header)
    ws.set_row(r, 22)
    r += 1
    maximum_fmt, score_fmt = fmt.get("item", num_format="General"), fmt.get("item", num_format="0.0")
    for item in campaign.rubric:
        score, maximum, why = basis.get((code, item.item), (row.get(item.item), item.max, ""))
        score = plain(score) if not missing(plain(score)) else row.get(item.item)
        maximum = item.max if missing(plain(maximum)) else plain(maximum)
        ws.write_string(r, 0, item.item, fmt.item)
        ws.write_number(r, 1, float(maximum), maximum_fmt)
        if isinstance(score, int | float) and not missing(score):
            ws.write_number(r, 2, float(score), score_fmt)
        else:
            ws.write_blank(r, 2, None, score_fmt)
        merged_text(ws, r, 3, LAST_COL, why, fmt.text)
        ws.set_row(r, max(24.0, rows_for(why, BASIS_WIDTH) * LINE_HEIGHT + 8))
        r += 1
    total = plain(row.get("总分"))
    total_fmt = fmt.get("strong", num_format="0.0")
    ws.write_string(r, 0, "合计", fmt.strong)
    ws.write_number(r, 1, float(sum(i.max for i in campaign.rubric)), fmt.get("strong", num_format="General"))
    if isinstance(total, int | float) and not missing(total):
        ws.write_number(r, 2, float(total), total_fmt)
    else:
        ws.write_blank(r, 2, None, total_fmt)
    grade = text_of(row.get("等次"))
    rank = plain(row.get("排名"))
    rank_text = f"第 {int(rank)} 名（共 {count} 个支部）" if isinstance(rank, int | float) and not missing(rank) else ""
    ws.write_string(r, 3, "等次", fmt.strong)
    ws.write_string(r, 4, grade, fmt.grade(grade, bold=True) or fmt.strong)
    ws.write_string(r, 5, f"排名：{rank_text}" if rank_text else "排名：", fmt.strong)
    ws.set_row(r, 26)
    r += 1
    note = "注：得分由系统根据统计截止日前已受理的报送材料、督查记录和评审评分计算，显示保留一位小数。"
    merged_text(ws, r, 0, LAST_COL, note, fmt.small_note)
    ws.set_row(r, rows_for(note, sum(WIDTHS) * 1.1) * 12 + 6)

    # -- the committee's opinion, signature and date
    r += 2
    merged_text(ws, r, 0, 0, "局党工委\n审核意见", fmt.strong, last_row=r + 2)
    ws.merge_range(r, 1, r, LAST_COL, "", fmt.box)
    ws.set_row(r, OPINION_HEIGHT)
    ws.merge_range(r + 1, 1, r + 1, 3, "", fmt.sign)
    ws.write_string(r + 1, 1, "审核人（签字）：", fmt.sign)
    ws.merge_range(r + 1, 4, r + 1, LAST_COL, "", fmt.seal)
    ws.write_string(r + 1, 4, "（盖章）", fmt.seal)
    ws.set_row(r + 1, 30)
    ws.merge_range(r + 2, 1, r + 2, LAST_COL, "", fmt.sign_date)
    ws.write_string(r + 2, 1, "日期：    年  月  日", fmt.sign_date)
    ws.set_row(r + 2, 30)

    ws.print_area(0, 0, r + 2, LAST_COL)
    ws.set_paper(9)
    ws.set_portrait()
    ws.fit_to_pages(1, 1)
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.hide_gridlines(2)
    ws.set_footer(f"&L{_footer_text(code)}&C第 &P 页，共 &N 页")


def _fact_row(ws: Worksheet, fmt: Formats, r: int, pairs: list[tuple[str, str]]) -> int:
    """One row of facts: a single label with its value across B:F, or two label/value pairs."""
    if len(pairs) == 1:
        (label, value), = pairs
        ws.write_string(r, 0, label, fmt.label)
        merged_text(ws, r, 1, LAST_COL, value, fmt.text)
        lines = rows_for(value, WIDE_VALUE)
    else:
        (l1, v1), (l2, v2) = pairs
        ws.write_string(r, 0, l1, fmt.label)
        merged_text(ws, r, 1, 2, v1, fmt.text)
        ws.write_string(r, 3, l2, fmt.label)
        merged_text(ws, r, 4, LAST_COL, v2, fmt.text)
        lines = max(rows_for(v1, NARROW_VALUE), rows_for(v2, WIDTHS[4] + WIDTHS[5]))
    ws.set_row(r, max(FACT_ROW, lines * LINE_HEIGHT + 6))
    return r + 1


def _footer_text(text: str) -> str:
    """Header/footer text: '&' is a control character there."""
    return text.replace("&", "&&")[:60]

