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
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pipeline.config import Campaign
from pipeline.write.common import FONT, LINE_HEIGHT, missing, new_workbook, plain, sheet_title, text_of
from pipeline.write.common import lines_needed as rows_for
from pipeline.write.scorecard import (
    TableFormats,
    card_frame,
    card_kinds,
    grade_formats,
    merged_text,
    rubric_note,
    table_sheet,
)

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
    tf = TableFormats(book, campaign)
    ff = _FormFormats(book, campaign)
    frame = card_frame(card, campaign)
    taken = {SUMMARY}
    sheets = [sheet_title(_tab(f"{text_of(code)} {short_names.get(text_of(code)) or text_of(name)}"), taken)
              for code, name in zip(frame["支部编码"], frame["支部名称"], strict=True)]
    title = f"{TITLE}·汇总（统计截止 {campaign.as_of.isoformat()}）"
    note = (f"统计截止 {campaign.as_of.isoformat()}，在册支部 {len(frame)} 个，按排名排列；"
            f"每个支部一张考核表（点“查看”打开）。\n{rubric_note(campaign)}")
    table_sheet(book, tf, SUMMARY, frame, title=title, note=note, kinds=card_kinds(campaign), links=sheets,
                freeze_cols=2)
    basis = _basis_lookup(details)
    roster = _roster_lookup(branches)
    for sheet, row in zip(sheets, frame.to_dict("records"), strict=True):
        code = text_of(row["支部编码"])
        _branch_form(book.add_worksheet(sheet), ff, row, roster.get(code, {}), basis, len(frame), campaign)
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


class _FormFormats:
    def __init__(self, book: Workbook, campaign: Campaign) -> None:
        base = {"font_name": FONT, "font_size": 10, "valign": "vcenter"}
        cell = {**base, "border": 1, "text_wrap": True}
        self.title = book.add_format({**base, "bold": True, "font_size": 16, "align": "center"})
        self.subtitle = book.add_format({**base, "align": "center", "font_color": "#595959"})
        self.label = book.add_format({**cell, "bold": True, "align": "center", "bg_color": "#F2F2F2"})
        self.value = book.add_format(cell)
        self.header = book.add_format({**cell, "bold": True, "align": "center", "bg_color": "#DDEBF7"})
        self.item = book.add_format({**cell, "align": "center"})
        self.max = book.add_format({**cell, "align": "center", "num_format": "General"})
        self.score = book.add_format({**cell, "align": "center", "num_format": "0.0"})
        self.basis = book.add_format(cell)
        self.total_label = book.add_format({**cell, "bold": True, "align": "center"})
        self.total = book.add_format({**cell, "bold": True, "align": "center", "num_format": "0.0"})
        self.total_max = book.add_format({**cell, "bold": True, "align": "center", "num_format": "General"})
        self.grades = grade_formats(book, campaign, bold=True)
        self.grade_plain = book.add_format({**cell, "bold": True, "align": "center"})
        self.note = book.add_format({**base, "font_size": 9, "font_color": "#595959", "text_wrap": True})
        self.opinion_label = book.add_format({**cell, "bold": True, "align": "center"})
        self.box = book.add_format({**base, "top": 1, "left": 1, "right": 1})
        self.sign = book.add_format({**base, "left": 1, "indent": 2})
        self.seal = book.add_format({**base, "right": 1, "align": "right", "indent": 4})
        self.date = book.add_format({**base, "left": 1, "right": 1, "bottom": 1, "align": "right", "indent": 4})


def _branch_form(ws: Worksheet, ff: _FormFormats, row: dict[str, Any], facts: dict[str, Any],
                 basis: dict[tuple[str, str], tuple[Any, Any, str]], count: int, campaign: Campaign) -> None:
    code = text_of(row["支部编码"])
    name = text_of(row["支部名称"]) or text_of(facts.get("支部名称"))
    for c, width in enumerate(WIDTHS):
        ws.set_column(c, c, width)
    merged_text(ws, 0, 0, LAST_COL, TITLE, ff.title)
    ws.set_row(0, 30)
    merged_text(ws, 1, 0, LAST_COL, f"{campaign.year} 年度　统计截止 {campaign.as_of.isoformat()}", ff.subtitle)
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
        r = _fact_row(ws, ff, r, [(label, value)])
    r = _fact_row(ws, ff, r, [("支部编码", code), ("支部书记", text_of(facts.get("支部书记")))])
    r = _fact_row(ws, ff, r, [("党员人数", members_text), ("申报类型", f"品牌{kind}" if kind else "未申报")])
    r = _fact_row(ws, ff, r, [("品牌名称", text_of(row.get("品牌名称")))])

    # -- the rubric table
    r += 1
    ws.set_row(r - 1, 8)
    for c, label in enumerate(("考核项目", "满分", "得分")):
        ws.write_string(r, c, label, ff.header)
    merged_text(ws, r, 3, LAST_COL, "评分依据", ff.header)
    ws.set_row(r, 22)
    r += 1
    for item in campaign.rubric:
        score, maximum, why = basis.get((code, item.item), (row.get(item.item), item.max, ""))
        score = plain(score) if not missing(plain(score)) else row.get(item.item)
        maximum = item.max if missing(plain(maximum)) else plain(maximum)
        ws.write_string(r, 0, item.item, ff.item)
        ws.write_number(r, 1, float(maximum), ff.max)
        if isinstance(score, int | float) and not missing(score):
            ws.write_number(r, 2, float(score), ff.score)
        else:
            ws.write_blank(r, 2, None, ff.score)
        merged_text(ws, r, 3, LAST_COL, why, ff.basis)
        ws.set_row(r, max(24.0, rows_for(why, BASIS_WIDTH) * LINE_HEIGHT + 8))
        r += 1
    total = plain(row.get("总分"))
    ws.write_string(r, 0, "合计", ff.total_label)
    ws.write_number(r, 1, float(sum(i.max for i in campaign.rubric)), ff.total_max)
    if isinstance(total, int | float) and not missing(total):
        ws.write_number(r, 2, float(total), ff.total)
    else:
        ws.write_blank(r, 2, None, ff.total)
    grade = text_of(row.get("等次"))
    rank = plain(row.get("排名"))
    rank_text = f"第 {int(rank)} 名（共 {count} 个支部）" if isinstance(rank, int | float) and not missing(rank) else ""
    ws.write_string(r, 3, "等次", ff.total_label)
    ws.write_string(r, 4, grade, ff.grades.get(grade, ff.grade_plain))
    ws.write_string(r, 5, f"排名：{rank_text}" if rank_text else "排名：", ff.total_label)
    ws.set_row(r, 26)
    r += 1
    note = "注：得分由系统根据统计截止日前已受理的报送材料、督查记录和评审评分计算，显示保留一位小数。"
    merged_text(ws, r, 0, LAST_COL, note, ff.note)
    ws.set_row(r, rows_for(note, sum(WIDTHS) * 1.1) * 12 + 6)

    # -- the committee's opinion, signature and date
    r += 2
    merged_text(ws, r, 0, 0, "局党工委\n审核意见", ff.opinion_label, last_row=r + 2)
    ws.merge_range(r, 1, r, LAST_COL, "", ff.box)
    ws.set_row(r, OPINION_HEIGHT)
    ws.merge_range(r + 1, 1, r + 1, 3, "", ff.sign)
    ws.write_string(r + 1, 1, "审核人（签字）：", ff.sign)
    ws.merge_range(r + 1, 4, r + 1, LAST_COL, "", ff.seal)
    ws.write_string(r + 1, 4, "（盖章）", ff.seal)
    ws.set_row(r + 1, 30)
    ws.merge_range(r + 2, 1, r + 2, LAST_COL, "", ff.date)
    ws.write_string(r + 2, 1, "日期：    年  月  日", ff.date)
    ws.set_row(r + 2, 30)

    ws.print_area(0, 0, r + 2, LAST_COL)
    ws.set_paper(9)
    ws.set_portrait()
    ws.fit_to_pages(1, 1)
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.hide_gridlines(2)
    ws.set_footer(f"&L{_footer_text(code)}&C第 &P 页，共 &N 页")


def _fact_row(ws: Worksheet, ff: _FormFormats, r: int, pairs: list[tuple[str, str]]) -> int:
    """One row of facts: a single label with its value across B:F, or two label/value pairs."""
    if len(pairs) == 1:
        (label, value), = pairs
        ws.write_string(r, 0, label, ff.label)
        merged_text(ws, r, 1, LAST_COL, value, ff.value)
        lines = rows_for(value, WIDE_VALUE)
    else:
        (l1, v1), (l2, v2) = pairs
        ws.write_string(r, 0, l1, ff.label)
        merged_text(ws, r, 1, 2, v1, ff.value)
        ws.write_string(r, 3, l2, ff.label)
        merged_text(ws, r, 4, LAST_COL, v2, ff.value)
        lines = max(rows_for(v1, NARROW_VALUE), rows_for(v2, WIDTHS[4] + WIDTHS[5]))
    ws.set_row(r, max(FACT_ROW, lines * LINE_HEIGHT + 6))
    return r + 1


def _footer_text(text: str) -> str:
    """Header/footer text: '&' is a control character there."""
    return text.replace("&", "&&")[:60]

