"""The rubric applied (SPEC §6): every branch scored by every configured item, then ranked.

The rule kinds themselves — what each computes, its parameters and their defaults — are declared
once in `pipeline.rubric`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from pipeline.config import Campaign
from pipeline.rubric import Inputs, Score

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


def score_branch(code: str, data: Inputs, campaign: Campaign) -> dict[str, Score]:
    return {item.item: item.score(code, data) for item in campaign.rubric}


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
