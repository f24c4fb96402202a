"""The rubric (SPEC §6): each item a named rule with parameters from campaign.toml.

Every score comes with its basis in Chinese, so any point can be traced to the ledger rows behind it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

import pandas as pd

from pipeline.config import Campaign, RubricItem


@dataclass(frozen=True)
class Score:
    value: float
    basis: str


@dataclass(frozen=True)
class Inputs:
    """What the rules read: the ledger frames and the per-branch reporting rates."""

    ledger: dict[str, pd.DataFrame]
    rates: pd.DataFrame  # 支部编码, 类型 (monthly/quarterly), 应报, 实报, 按时, 报送率, 按时率

    @cached_property
    def by_branch(self) -> dict[str, dict[str, pd.DataFrame]]:
        """Each ledger sheet split by 支部编码 once, so every rule reads only its branch's rows."""
        return {name: dict(tuple(frame.groupby("支部编码", sort=False))) if "支部编码" in frame else {}
                for name, frame in self.ledger.items()}

    def rows(self, sheet: str, code: str) -> pd.DataFrame:
        return self.by_branch[sheet].get(code, self.ledger[sheet].iloc[0:0])


TENTH = Decimal("0.1")


def tenth(value: float) -> Decimal:
    """A score as it is shown: one decimal, half up (SPEC §6 rev. 2), from the value's shortest
    decimal spelling (so 8.25 → 8.3 although the float is 8.2499…)."""
    return Decimal(repr(float(value))).quantize(TENTH, rounding=ROUND_HALF_UP)


def rounded_total(values: list[float]) -> tuple[list[float], float]:
    """(each item rounded to one decimal, 总分 = the sum of the rounded items): the total shown is
    the sum of the items shown, and ranks, grades and the shortlist use that total."""
    items = [tenth(v) for v in values]
    return [float(i) for i in items], float(sum(items, Decimal(0)))


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def application(item: RubricItem, code: str, data: Inputs) -> Score:
    apps = data.rows("申报", code)
    if apps.empty:
        return Score(0.0, "无已受理的申报表")
    app = apps.iloc[0]
    late = bool(app["逾期申报"])
    others = int(app["警告数"]) - int(late)
    p = item.params
    value = item.max - (p.get("late_penalty", 3.0) if late else 0.0) - p.get("warning_penalty", 1.0) * others
    parts = ["申报表已受理"]
    if late:
        parts.append(f"逾期申报 −{_num(p.get('late_penalty', 3.0))}")
    if others:
        parts.append(f"其他警告 {others} 处 −{_num(p.get('warning_penalty', 1.0) * others)}")
    return Score(max(value, 0.0), "，".join(parts))


def review_mean(item: RubricItem, code: str, data: Inputs) -> Score:
    reviews = data.rows("评审评分", code)
    if reviews.empty or item.item not in reviews:
        return Score(0.0, "无评审评分")
    scores = sorted(float(s) for s in reviews[item.item] if s is not None and not pd.isna(s))
    if not scores:
        return Score(0.0, "无评审评分")
    listed = "、".join(_num(s) for s in scores)
    if len(scores) >= int(item.params.get("trim_from", 5)):
        kept = scores[1:-1]
        mean = sum(kept) / len(kept)
        return Score(mean, f"评审 {len(scores)} 人：{listed}；去掉一个最高分、一个最低分后平均 {_num(mean)}")
    mean = sum(scores) / len(scores)
    return Score(mean, f"评审 {len(scores)} 人：{listed}；平均 {_num(mean)}")


def report_rate(data: Inputs, code: str, kind: str) -> tuple[float, float, str, str]:
    """(reporting rate, on-time rate, 实报/应报, 按时/应报); a rate with nothing due counts as 1."""
    rows = data.rates[(data.rates["支部编码"] == code) & (data.rates["类型"] == kind)]
    if rows.empty:
        return 1.0, 1.0, "0/0", "0/0"
    r = rows.iloc[0]
    rate = 1.0 if r["报送率"] is None else float(r["报送率"])
    on_time = 1.0 if r["按时率"] is None else float(r["按时率"])
    return rate, on_time, f"{r['实报']}/{r['应报']}", f"{r['按时']}/{r['应报']}"


def process_rates(item: RubricItem, code: str, data: Inputs) -> Score:
    p = item.params
    m_rate, m_on_time, m_sent, m_timely = report_rate(data, code, "monthly")
    q_rate, _, q_sent, _ = report_rate(data, code, "quarterly")
    value = (p.get("monthly_rate_weight", 10.0) * m_rate + p.get("monthly_on_time_weight", 5.0) * m_on_time
             + p.get("quarterly_rate_weight", 10.0) * q_rate)
    return Score(min(value, item.max), f"月报 {m_sent}，按时 {m_timely}；季报 {q_sent}")


def task_completion(item: RubricItem, code: str, data: Inputs) -> Score:
    tasks = data.rows("任务分解", code)
    if data.rows("申报", code).empty or tasks.empty:
        return Score(0.0, "无已受理的任务分解表")
    progress = data.rows("任务进度", code)
    latest: dict[int, float] = {}
    if not progress.empty:
        ordered = progress.sort_values("检查月份", kind="stable")
        for task, share in zip(ordered["任务序号"], ordered["完成比例"], strict=True):
            if task is not None and share is not None and not pd.isna(share):
                latest[int(task)] = float(share)
    ids = [int(t) for t in tasks["序号"] if t is not None]
    shares = [min(latest.get(t, 0.0), 100.0) for t in ids]
    mean = sum(shares) / len(shares) if shares else 0.0
    done = sum(s >= 100 for s in shares)
    return Score(item.max * mean / 100, f"任务 {len(ids)} 项，已完成 {done} 项，平均完成 {_num(mean)}%")


def publicity(item: RubricItem, code: str, data: Inputs) -> Score:
    posts = data.rows("宣传报道", code)
    distinct = 0 if posts.empty else len(posts[["发布日期", "渠道", "标题"]].astype(str).drop_duplicates())
    each = item.params.get("points_each", 2.0)
    return Score(min(distinct * each, item.max), f"宣传报道 {distinct} 篇，每篇 {_num(each)} 分")


def inspection(item: RubricItem, code: str, data: Inputs) -> Score:
    records = data.rows("督查记录", code)
    p = item.params
    if records.empty:
        return Score(min(p.get("no_record_score", 10.0), item.max), "无督查记录")
    marks = [float(x) for x in records["评分"] if x is not None and not pd.isna(x)]
    mean = sum(marks) / len(marks) if marks else p.get("no_record_score", 10.0)
    open_items = int((records["整改情况"] == "未整改").sum())
    penalty = p.get("unrectified_penalty", 2.0) * open_items
    basis = f"督查 {len(records)} 次，平均 {_num(mean)} 分"
    if open_items:
        basis += f"；未整改 {open_items} 项 −{_num(penalty)}"
    return Score(min(max(mean - penalty, 0.0), item.max), basis)


RULES: dict[str, Callable[[RubricItem, str, Inputs], Score]] = {
    "application": application, "review_mean": review_mean, "process_rates": process_rates,
    "task_completion": task_completion, "publicity": publicity, "inspection": inspection,
}


def score_branch(code: str, data: Inputs, campaign: Campaign) -> dict[str, Score]:
    return {item.item: RULES[item.rule](item, code, data) for item in campaign.rubric}


def shared_ranks(totals: pd.Series) -> pd.Series:
    """Ties share a rank: 1, 2, 2, 4."""
    return totals.round(6).rank(method="min", ascending=False).astype(int)


def scorecard(codes: list[str], roster_names: dict[str, str], data: Inputs,
              campaign: Campaign) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(积分卡: one row per branch; 依据: one row per branch and item with its basis)."""
    rows, details = [], []
    for code in codes:
        scores = score_branch(code, data, campaign)
        app = data.rows("申报", code)
        brand = app.iloc[0]["品牌名称"] if not app.empty else ""
        kind = app.iloc[0]["申报类型"] if not app.empty else ""
        values, total = rounded_total([s.value for s in scores.values()])
        rows.append({"支部编码": code, "支部名称": roster_names[code], "品牌名称": brand, "申报类型": kind,
                     **dict(zip(scores, values, strict=True)), "总分": total})
        details += [{"支部编码": code, "项目": k, "得分": v, "满分": item.max, "依据": s.basis}
                    for (k, s), v, item in zip(scores.items(), values, campaign.rubric, strict=True)]
    columns = ["支部编码", "支部名称", "品牌名称", "申报类型", *(r.item for r in campaign.rubric), "总分"]
    card = pd.DataFrame(rows, columns=columns)
    if not card.empty:
        card["排名"] = shared_ranks(card["总分"].astype(float))
        card["等次"] = card["总分"].map(lambda t: campaign.grade(round(float(t), 6)))
        card = card.sort_values(["排名", "支部编码"], kind="stable").reset_index(drop=True)
    else:
        card = card.assign(排名=pd.Series(dtype=int), 等次=pd.Series(dtype=object))
    return card, pd.DataFrame(details, columns=["支部编码", "项目", "得分", "满分", "依据"])
