"""Who has reported what (SPEC §5): the branch × period matrix, reporting rates, whom to chase.

The arithmetic follows DHIS2's reporting rate: a branch is expected only while it exists, so no
rate can pass 100%; a report sent back (退回) is told apart from one never sent (缺报).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from pipeline.assess import Assessment
from pipeline.config import Campaign
from pipeline.forms import PERIODIC_KINDS
from pipeline.validate.branches import Roster

ON_TIME, LATE, RETURNED, MISSING, NOT_DUE, NOT_EXPECTED = "按时", "逾期", "退回", "缺报", "未到期", "—"
UNOPENED = "已收到但无法打开"  # a 缺报 cell for which a file came that could not be opened
REPORT_TYPES = {k.key: k.report_type or k.title for k in PERIODIC_KINDS}  # key → name in 报送情况
_PERIODS = {k.key: k.periods for k in PERIODIC_KINDS}
RATE_COLUMNS = ("应报", "实报", "按时", "报送率", "按时率")
TOTAL = "合计"
NOT_DUE_NOTE = f"{NOT_DUE}：比率仅统计提前报送"  # 说明 of a period whose due date is after as_of


@dataclass(frozen=True)
class Report:
    code: str
    kind: str  # monthly / quarterly
    period: str
    filed: dt.date | None
    accepted: bool


def reports_of(assessment: Assessment) -> list[Report]:
    """Accepted winners and rejected files (both received by as_of) of the periodic kinds."""
    out = [Report(f.code or "", f.sub.kind.key, f.period or "", f.date, True)
           for kind in REPORT_TYPES for f in assessment.accepted.get(kind, ())]
    out += [Report(f.code, f.sub.kind.key, f.period, f.date, False) for f in assessment.rejected
            if f.sub.kind.key in REPORT_TYPES and f.code and f.period]
    return out


def periods_of(kind: str, campaign: Campaign) -> tuple[str, ...]:
    return campaign.periods_of(_PERIODS[kind])


def expected(roster: Roster, code: str, period: str, campaign: Campaign) -> bool:
    """Founded by the due date, and not dissolved before the period ends."""
    founded, dissolved = roster.founded(code), roster.dissolved(code)
    due = campaign.period_due(period)
    period_end = campaign.period_bounds(period)[1]
    return (founded is None or founded <= due) and (dissolved is None or dissolved >= period_end)


def cell_status(roster: Roster, code: str, period: str, reports: list[Report], campaign: Campaign) -> str:
    if not expected(roster, code, period, campaign):
        return NOT_EXPECTED
    due = campaign.period_due(period)
    accepted = [r for r in reports if r.accepted]
    if accepted:
        filed = accepted[0].filed
        return ON_TIME if filed is not None and filed <= due else LATE
    if reports:
        return RETURNED
    return MISSING if due <= campaign.as_of else NOT_DUE


def completeness_matrix(roster: Roster, reports: list[Report], kind: str, campaign: Campaign) -> pd.DataFrame:
    """支部编码, 支部名称, 上级组织, then one status column per period."""
    by_cell: dict[tuple[str, str], list[Report]] = {}
    for r in reports:
        if r.kind == kind:
            by_cell.setdefault((r.code, r.period), []).append(r)
    branches = roster.branches
    frame = pd.DataFrame({"支部编码": branches["支部编码"].to_numpy(), "支部名称": branches["支部名称"].to_numpy(),
                          "上级组织": branches["上级组织"].to_numpy()}, dtype=object)
    for period in periods_of(kind, campaign):
        frame[period] = [cell_status(roster, code, period, by_cell.get((code, period), []), campaign)
                         for code in branches.index]
    return frame.sort_values("支部编码", kind="stable").reset_index(drop=True)


def counts(statuses: Iterable[object], due: Iterable[dt.date], as_of: dt.date) -> dict[str, object]:
    """应报 counts what was sent plus what fell due; rates are blank, never 0, when nothing is owed."""
    expected_n = sent_n = on_time_n = 0
    for status, day in zip(statuses, due, strict=True):
        sent = status in (ON_TIME, LATE)
        sent_n += sent
        on_time_n += status == ON_TIME
        expected_n += sent or (status != NOT_EXPECTED and day <= as_of)
    return {"应报": expected_n, "实报": sent_n, "按时": on_time_n,
            "报送率": sent_n / expected_n if expected_n else None,
            "按时率": on_time_n / expected_n if expected_n else None}


def long_form(matrix: pd.DataFrame, kind: str, campaign: Campaign) -> pd.DataFrame:
    periods = list(periods_of(kind, campaign))
    out = matrix.melt(id_vars=["支部编码", "支部名称", "上级组织"], value_vars=periods, var_name="期间",
                      value_name="状态")
    out["截止日"] = out["期间"].map(campaign.period_due)
    out["类型"] = REPORT_TYPES[kind]
    return out


def rate_table(matrices: dict[str, pd.DataFrame], campaign: Campaign) -> pd.DataFrame:
    """One row per period, then a 合计 row per report type. 说明 marks a period not yet due: its
    rates count only the reports sent early."""
    rows = []
    for kind, matrix in matrices.items():
        cells = long_form(matrix, kind, campaign)
        for period, group in cells.groupby("期间", sort=True):
            note = NOT_DUE_NOTE if campaign.period_due(str(period)) > campaign.as_of else ""
            rows.append({"类型": REPORT_TYPES[kind], "期间": period,
                         **counts(group["状态"], group["截止日"], campaign.as_of), "说明": note})
        rows.append({"类型": REPORT_TYPES[kind], "期间": TOTAL,
                     **counts(cells["状态"], cells["截止日"], campaign.as_of), "说明": ""})
    return pd.DataFrame(rows, columns=["类型", "期间", *RATE_COLUMNS, "说明"], dtype=object)


def rate_by_parent(matrices: dict[str, pd.DataFrame], campaign: Campaign) -> pd.DataFrame:
    """Per 上级组织 (sorted): one row per report type, then a 合计 row over both."""
    cells = pd.concat([long_form(m, k, campaign) for k, m in matrices.items()], ignore_index=True) \
        if matrices else pd.DataFrame(columns=["上级组织", "类型", "状态", "截止日"])
    rows = []
    for parent, group in cells.groupby("上级组织", sort=True):
        for kind in matrices:
            part = group[group["类型"] == REPORT_TYPES[kind]]
            if not part.empty:
                rows.append({"上级组织": parent, "类型": REPORT_TYPES[kind],
                             **counts(part["状态"], part["截止日"], campaign.as_of)})
        rows.append({"上级组织": parent, "类型": TOTAL, **counts(group["状态"], group["截止日"], campaign.as_of)})
    return pd.DataFrame(rows, columns=["上级组织", "类型", *RATE_COLUMNS], dtype=object)


def overall_rates(matrices: dict[str, pd.DataFrame], campaign: Campaign) -> dict[str, object]:
    cells = pd.concat([long_form(m, k, campaign) for k, m in matrices.items()], ignore_index=True)
    return counts(cells["状态"], cells["截止日"], campaign.as_of)


def active_codes(roster: Roster, campaign: Campaign) -> list[str]:
    """Founded on or before as_of and not dissolved on or before it."""
    return [c for c in roster.branches.index if roster.active_on(c, campaign.as_of)]


def unopened_cells(assessment: Assessment) -> set[tuple[str, str, str]]:
    """(支部编码, kind, period) of every file that could not be opened but whose name tells all three."""
    return {(g.code, g.kind, g.period) for g in assessment.unopened.values() if g.code and g.kind and g.period}


def chase_list(roster: Roster, matrices: dict[str, pd.DataFrame], campaign: Campaign,
               unopened: set[tuple[str, str, str]] | None = None) -> pd.DataFrame:
    """Every active branch owing anything: each 缺报 and 退回 cell, grouped by 上级组织. A 缺报 cell for
    which an unopenable file came says so (it still counts as not received)."""
    active = set(active_codes(roster, campaign))
    owed: dict[str, list[str]] = {}
    for kind, matrix in matrices.items():
        for period in periods_of(kind, campaign):
            for code, status in zip(matrix["支部编码"], matrix[period], strict=True):
                if code in active and status in (MISSING, RETURNED):
                    note = "（退回）" if status == RETURNED else (
                        f"（{UNOPENED}）" if (code, kind, period) in (unopened or set()) else "")
                    owed.setdefault(code, []).append(f"{period} {REPORT_TYPES[kind]}{note}")
    b = roster.branches
    rows = [{"支部编码": code, "支部名称": b.at[code, "支部名称"], "上级组织": b.at[code, "上级组织"],
             "缺报项": "、".join(items), "缺报数": len(items), "联系人": b.at[code, "联系人"],
             "联系电话": b.at[code, "联系电话"]} for code, items in owed.items()]
    frame = pd.DataFrame(rows, columns=["支部编码", "支部名称", "上级组织", "缺报项", "缺报数", "联系人", "联系电话"],
                         dtype=object)
    return frame.sort_values(["上级组织", "支部编码"], kind="stable").reset_index(drop=True)


def not_applied(roster: Roster, assessment: Assessment, campaign: Campaign) -> pd.DataFrame:
    """Active branches with no accepted application."""
    applied = {f.code for f in assessment.accepted.get("application", ())}
    sent_back = {f.code for f in assessment.rejected if f.sub.kind.is_application}
    applications = {k.key for k in assessment.kinds if k.is_application}
    unopened = {g.code for g in assessment.unopened.values() if g.kind in applications}
    b = roster.branches
    rows = []
    for code in active_codes(roster, campaign):
        if code in applied:
            continue
        deadline = campaign.application_deadline_for(roster.founded(code))
        state = "申报表已退回，待重新报送" if code in sent_back else (
            f"申报表{UNOPENED}，待重新报送" if code in unopened else
            "未收到申报表" if deadline <= campaign.as_of else f"未收到申报表（截止日 {deadline} 未到）")
        rows.append({"支部编码": code, "支部名称": b.at[code, "支部名称"], "上级组织": b.at[code, "上级组织"],
                     "情况": state, "申报截止日": deadline, "联系人": b.at[code, "联系人"],
                     "联系电话": b.at[code, "联系电话"]})
    columns = ["支部编码", "支部名称", "上级组织", "情况", "申报截止日", "联系人", "联系电话"]
    return pd.DataFrame(rows, columns=columns, dtype=object)


def branch_rates(matrices: dict[str, pd.DataFrame], campaign: Campaign) -> pd.DataFrame:
    """Per branch and report type: 应报, 实报, 按时 and rates — the basis of 过程管理."""
    rows = []
    for kind, matrix in matrices.items():
        periods = list(periods_of(kind, campaign))
        dues = [campaign.period_due(p) for p in periods]
        statuses = list(zip(*(matrix[p].tolist() for p in periods), strict=True)) if periods else [()] * len(matrix)
        per_branch = dict(zip(matrix["支部编码"].tolist(), statuses, strict=True))
        for code in sorted(per_branch):
            rows.append({"支部编码": code, "类型": kind, **counts(per_branch[code], dues, campaign.as_of)})
    return pd.DataFrame(rows, columns=["支部编码", "类型", *RATE_COLUMNS], dtype=object)
