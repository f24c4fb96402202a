"""The rubric's rule kinds (SPEC §6), each declared once: the function that scores it, the parameters
`campaign.toml` may give it (with their types and defaults) and where its scores come from.

`campaign.toml` is validated from these declarations (`pipeline.config`), the review form gets one
score column per item whose rule is scored by reviewers (`pipeline.forms`), and `consolidate.scoring`
applies them. A rule is a pure function of one branch's ledger rows and reporting rates; every score
comes with its basis in Chinese, so any point can be traced to the ledger rows behind it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import pandas as pd

AUTO = "auto"  # computed from the ledger
REVIEW = "review"  # scored by the reviewers on the 评审评分表


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

    @cached_property
    def rate_rows(self) -> dict[tuple[str, str], dict[str, object]]:
        """(支部编码, 类型) → that branch's first rates row, indexed once (not a frame filter per branch)."""
        found: dict[tuple[str, str], dict[str, object]] = {}
        for row in self.rates.to_dict("records"):
            found.setdefault((row["支部编码"], row["类型"]), row)
        return found

    def rows(self, sheet: str, code: str) -> pd.DataFrame:
        return self.by_branch[sheet].get(code, self.ledger[sheet].iloc[0:0])


@dataclass(frozen=True)
class RubricItem:
    """One line of the rubric as configured; `params` holds every parameter its rule declares
    (the configured value, else the declared default)."""

    item: str
    max: float
    rule: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> RuleKind:
        return RULE_KINDS[self.rule]

    @property
    def source(self) -> str:
        return self.kind.source

    def score(self, code: str, data: Inputs) -> Score:
        return self.kind.score(self, code, data)


@dataclass(frozen=True)
class Param:
    name: str
    type: type  # int, float or bool; a float parameter accepts an integer
    default: Any


@dataclass(frozen=True)
class RuleKind:
    name: str
    score: Callable[[RubricItem, str, Inputs], Score]
    params: tuple[Param, ...] = ()
    source: str = AUTO

    @property
    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}


def _as_text(value: object) -> str | None:
    """As `astype(str)` then `drop_duplicates` compare a value: its text, every kind of missing alike."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


# ---- the rules ---------------------------------------------------------------------------------

def application(item: RubricItem, code: str, data: Inputs) -> Score:
    apps = data.rows("申报", code)
    if apps.empty:
        return Score(0.0, "无已受理的申报表")
    app = apps.iloc[0]
    late = bool(app["逾期申报"])
    others = int(app["警告数"]) - int(late)
    late_penalty, warning_penalty = item.params["late_penalty"], item.params["warning_penalty"]
    value = item.max - (late_penalty if late else 0.0) - warning_penalty * others
    parts = ["申报表已受理"]
    if late:
        parts.append(f"逾期申报 −{_num(late_penalty)}")
    if others:
        parts.append(f"其他警告 {others} 处 −{_num(warning_penalty * others)}")
    return Score(max(value, 0.0), "，".join(parts))


def review_mean(item: RubricItem, code: str, data: Inputs) -> Score:
    reviews = data.rows("评审评分", code)
    if reviews.empty or item.item not in reviews:
        return Score(0.0, "无评审评分")
    scores = sorted(float(s) for s in reviews[item.item] if s is not None and not pd.isna(s))
    if not scores:
        return Score(0.0, "无评审评分")
    listed = "、".join(_num(s) for s in scores)
    if len(scores) >= item.params["trim_from"]:
        kept = scores[1:-1]
        mean = sum(kept) / len(kept)
        return Score(mean, f"评审 {len(scores)} 人：{listed}；去掉一个最高分、一个最低分后平均 {_num(mean)}")
    mean = sum(scores) / len(scores)
    return Score(mean, f"评审 {len(scores)} 人：{listed}；平均 {_num(mean)}")


def report_rate(data: Inputs, code: str, kind: str) -> tuple[float, float, str, str]:
    """(reporting rate, on-time rate, 实报/应报, 按时/应报); a rate with nothing due counts as 1."""
    r = data.rate_rows.get((code, kind))
    if r is None:
        return 1.0, 1.0, "0/0", "0/0"
    rate = 1.0 if r["报送率"] is None else float(r["报送率"])
    on_time = 1.0 if r["按时率"] is None else float(r["按时率"])
    return rate, on_time, f"{r['实报']}/{r['应报']}", f"{r['按时']}/{r['应报']}"


def process_rates(item: RubricItem, code: str, data: Inputs) -> Score:
    p = item.params
    m_rate, m_on_time, m_sent, m_timely = report_rate(data, code, "monthly")
    q_rate, _, q_sent, _ = report_rate(data, code, "quarterly")
    value = (p["monthly_rate_weight"] * m_rate + p["monthly_on_time_weight"] * m_on_time
             + p["quarterly_rate_weight"] * q_rate)
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
    distinct = 0 if posts.empty else len(set(zip(*(map(_as_text, posts[c].tolist())
                                                   for c in ("发布日期", "渠道", "标题")), strict=True)))
    each = item.params["points_each"]
    return Score(min(distinct * each, item.max), f"宣传报道 {distinct} 篇，每篇 {_num(each)} 分")


def inspection(item: RubricItem, code: str, data: Inputs) -> Score:
    records = data.rows("督查记录", code)
    p = item.params
    if records.empty:
        return Score(min(p["no_record_score"], item.max), "无督查记录")
    marks = [float(x) for x in records["评分"] if x is not None and not pd.isna(x)]
    mean = sum(marks) / len(marks) if marks else p["no_record_score"]
    open_items = int((records["整改情况"] == "未整改").sum())
    penalty = p["unrectified_penalty"] * open_items
    basis = f"督查 {len(records)} 次，平均 {_num(mean)} 分"
    if open_items:
        basis += f"；未整改 {open_items} 项 −{_num(penalty)}"
    return Score(min(max(mean - penalty, 0.0), item.max), basis)


# ---- the registry: the only place a rule kind is declared ---------------------------------------

RULE_KINDS: dict[str, RuleKind] = {k.name: k for k in (
    RuleKind("application", application, (
        Param("late_penalty", float, 3.0),
        Param("warning_penalty", float, 1.0),
    )),
    RuleKind("review_mean", review_mean, (Param("trim_from", int, 5),), source=REVIEW),
    RuleKind("process_rates", process_rates, (
        Param("monthly_rate_weight", float, 10.0),
        Param("monthly_on_time_weight", float, 5.0),
        Param("quarterly_rate_weight", float, 10.0),
    )),
    RuleKind("task_completion", task_completion),
    RuleKind("publicity", publicity, (Param("points_each", float, 2.0),)),
    RuleKind("inspection", inspection, (
        Param("no_record_score", float, 10.0),
        Param("unrectified_penalty", float, 2.0),
    )),
)}
