"""The award shortlist (SPEC §7): who is eligible, the quota, ties at the cut, and why others missed."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from pipeline.config import Campaign
from pipeline.consolidate.completeness import LATE, ON_TIME
from pipeline.rubric import Inputs, report_rate


def criteria(campaign: Campaign, *, gap: str = " ", percent: Callable[[float], str] = "{:.0%}".format,
             total: str = "总分") -> list[str]:
    """The configured shortlist rules in words, one per rule: the workbook's 说明 and the 公示 say the same
    (the 公示 writes numbers without spaces, as 公文 do)."""
    rules = campaign.shortlist
    out = []
    if rules.require_application:
        out.append("品牌申报表已受理")
    if rules.require_recognition:
        out.append("认定申请表已受理")
    if rules.require_all_quarterly:
        out.append("到期的季度汇报全部报送")
    out.append(f"月检查报送率不低于{gap}{percent(rules.min_monthly_rate)}")
    if rules.forbid_unrectified:
        out.append("督查发现的问题全部整改")
    out.append(f"{total}不低于{gap}{rules.min_total:g}{gap}分")
    return out


def quota(active: int, share: float) -> int:
    """30% of active branches, rounded down, at least one."""
    return max(1, math.floor(active * share + 1e-9))


@dataclass(frozen=True)
class Quota:
    """The shortlist's arithmetic, as the 说明 tells it: active branches, share, seats, ties at the cut."""

    active: int
    share: float
    seats: int
    listed: int

    @property
    def tie_at_cut(self) -> bool:
        return self.listed > self.seats


def quota_of(listed: pd.DataFrame, missed: pd.DataFrame, campaign: Campaign) -> Quota:
    active = len(listed) + len(missed)
    share = campaign.shortlist.quota_share
    return Quota(active, share, quota(active, share) if active else 0, len(listed))


_MEMO: list[tuple[pd.DataFrame, str, dict[object, object]]] = []


def _indexed(frame: pd.DataFrame, what: str) -> dict[object, object]:
    """One index per frame (by 支部编码), built once for all branches instead of a frame filter per branch.
    The memo holds the frame itself, so its id cannot be reused while remembered."""
    for held, name, index in _MEMO:
        if held is frame and name == what:
            return index
    index: dict[object, object] = {}
    codes = frame["支部编码"].tolist() if "支部编码" in frame else []
    if what == "first":
        for code, row in zip(codes, frame.to_dict("records"), strict=True):
            index.setdefault(code, row)
    elif what == "codes":
        index = dict.fromkeys(codes)
    else:  # "unrectified": rows still 未整改, counted per branch
        for code, state in zip(codes, frame["整改情况"].tolist(), strict=True):
            if state == "未整改":
                index[code] = int(index.get(code, 0)) + 1  # type: ignore[call-overload]
    _MEMO[:] = [*_MEMO[-7:], (frame, what, index)]
    return index


def missing_quarters(code: str, quarterly: pd.DataFrame, campaign: Campaign) -> list[str]:
    """Quarterly reports due by as_of and not received (缺报 or only 退回)."""
    row = _indexed(quarterly, "first").get(code)
    if row is None:
        return []
    out = []
    for q in campaign.quarters:
        status = row[q]  # type: ignore[index]
        if campaign.quarter_due(q) <= campaign.as_of and status not in (ON_TIME, LATE, "—"):
            out.append(f"{q}（{status}）")
    return out


def ineligibility(code: str, total: float, data: Inputs, quarterly: pd.DataFrame, campaign: Campaign) -> list[str]:
    rules = campaign.shortlist
    reasons = []
    ledger = data.ledger
    if rules.require_application and (ledger["申报"].empty or code not in _indexed(ledger["申报"], "codes")):
        reasons.append("没有已受理的品牌申报表")
    if rules.require_recognition and (ledger["认定申请"].empty or code not in _indexed(ledger["认定申请"], "codes")):
        reasons.append("没有已受理的认定申请表")
    missing = missing_quarters(code, quarterly, campaign)
    if rules.require_all_quarterly and missing:
        reasons.append("季度汇报未报齐：" + "、".join(missing))
    rate, _, sent, _ = report_rate(data, code, "monthly")
    if rate < rules.min_monthly_rate - 1e-9:
        reasons.append(f"月检查报送率 {rate:.0%}（{sent}），低于 {rules.min_monthly_rate:.0%}")
    records = ledger["督查记录"]
    if rules.forbid_unrectified and not records.empty:
        open_items = int(_indexed(records, "unrectified").get(code, 0))  # type: ignore[call-overload]
        if open_items:
            reasons.append(f"督查发现的问题有 {open_items} 项未整改")
    if round(total, 6) < rules.min_total:
        reasons.append(f"总分 {total:.1f}，低于 {rules.min_total:g} 分")
    return reasons


def shortlist(card: pd.DataFrame, data: Inputs, quarterly: pd.DataFrame,
              campaign: Campaign) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(建议名单, 未入围说明) over the active branches in the scorecard."""
    reasons = {row.支部编码: ineligibility(row.支部编码, float(row.总分), data, quarterly, campaign)
               for row in card.itertuples()}
    eligible = card[card["支部编码"].map(lambda c: not reasons[c])].sort_values(
        ["总分", "支部编码"], ascending=[False, True], kind="stable")
    seats = quota(len(card), campaign.shortlist.quota_share)
    if len(eligible) > seats:
        cut = round(float(eligible.iloc[seats - 1]["总分"]), 6)
        chosen = eligible[eligible["总分"].astype(float).round(6) >= cut]
    else:
        chosen = eligible
    picked = set(chosen["支部编码"])
    for code in eligible["支部编码"]:
        if code not in picked:
            total = float(card.loc[card["支部编码"] == code, "总分"].iloc[0])
            reasons[code] = [f"符合评选条件，但总分 {total:.1f} 未进入前 {seats} 名（名额 {seats} 个）"]
    listed = chosen[["排名", "支部编码", "支部名称", "品牌名称", "总分", "等次"]].reset_index(drop=True)
    missed = [{"支部编码": r.支部编码, "支部名称": r.支部名称, "总分": r.总分, "原因": "；".join(reasons[r.支部编码])}
              for r in card.itertuples() if r.支部编码 not in picked]
    return listed, pd.DataFrame(missed, columns=["支部编码", "支部名称", "总分", "原因"])
