"""Rules beyond one cell's type (SPEC §4): periods, windows, tasks, progress, recognition links."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd

from pipeline.config import Campaign
from pipeline.issues import Issue, issue
from pipeline.parse.forms import CELLS, Submission

DONE = "已完成"


def _fmt(day: dt.date) -> str:
    return day.isoformat()


def _cell_of(frame: pd.DataFrame, row: int, label: str) -> tuple[str, str]:
    cell = frame.at[row, CELLS].get(label)
    return (cell.sheet, cell.ref) if cell else (frame.attrs.get("sheet", ""), "")


def period_of(sub: Submission) -> str | None:
    label = sub.kind.period_field
    value = sub.value(label) if label else None
    return str(value) if value else None


def period_issues(sub: Submission, campaign: Campaign) -> list[Issue]:
    """检查月份 / 季度 must be configured; dated rows should fall inside their period."""
    period = period_of(sub)
    label = sub.kind.period_field
    if not label or period is None:
        return []
    configured = campaign.periods_of(sub.kind.periods)
    if period not in configured:
        shown = "、".join(configured)
        return [issue("period-not-configured", sub.file, *sub.cell(label), label, period, periods=shown)]
    if sub.kind.dated_rows is None:
        return []
    table, date_label = sub.kind.dated_rows
    return rows_outside(sub, table, date_label, campaign.period_bounds(period), _period_name(period))


def _period_name(period: str) -> str:
    if "Q" in period:
        return f"{period[:4]}年第{period[-1]}季度"
    return f"{period[:4]}年{int(period[5:])}月"


def rows_outside(sub: Submission, table: str, label: str, bounds: tuple[dt.date, dt.date],
                 period: str) -> list[Issue]:
    frame = sub.tables.get(table)
    if frame is None:
        return []
    out = []
    for row, day in frame[label].items():
        if isinstance(day, dt.date) and not bounds[0] <= day <= bounds[1]:
            out.append(issue("date-outside-period", sub.file, *_cell_of(frame, row, label), label,
                             _fmt(day), period=period))
    return out


def application_issues(sub: Submission, campaign: Campaign, founded: dt.date | None) -> list[Issue]:
    """Late or early filing against the (rolled) window, and task deadlines outside the campaign."""
    out: list[Issue] = []
    filed = sub.value("填报日期")
    where = sub.cell("填报日期")
    if isinstance(filed, dt.date):
        deadline = campaign.application_deadline_for(founded)
        if filed > deadline:
            out.append(issue("late-application", sub.file, *where, "填报日期", _fmt(filed), deadline=_fmt(deadline)))
        elif filed < campaign.application.start:
            out.append(issue("early-application", sub.file, *where, "填报日期", _fmt(filed),
                             start=_fmt(campaign.application.start)))
    tasks = sub.tables.get("任务分解")
    if tasks is not None:
        first, last = campaign.campaign_start, campaign.campaign_end
        for row, due in tasks["完成时限"].items():
            if due is None:
                continue
            day = dt.date.fromisoformat(f"{due}-01") if isinstance(due, str) else due
            inside = (first.replace(day=1) <= day <= last) if isinstance(due, str) else first <= day <= last
            if not inside:
                out.append(issue("due-outside-campaign", sub.file, *_cell_of(tasks, row, "完成时限"), "完成时限",
                                 due if isinstance(due, str) else _fmt(due), start=_fmt(first), end=_fmt(last)))
    return out


def window_issues(sub: Submission, label: str, start: dt.date, end: dt.date, window: str) -> list[Issue]:
    day = sub.value(label)
    if isinstance(day, dt.date) and not start <= day <= end:
        return [issue("date-outside-window", sub.file, *sub.cell(label), label, _fmt(day), window=window,
                      start=_fmt(start), end=_fmt(end))]
    return []


def task_ids(application: Submission | None) -> set[int] | None:
    if application is None:
        return None
    return {int(x) for x in application.tables["任务分解"]["序号"] if x is not None}


def progress_issues(sub: Submission, known: set[int] | None) -> list[Issue]:
    """任务序号 must be a task of the branch's accepted breakdown; 已完成 means 100%."""
    frame = sub.tables.get("任务进度")
    if frame is None:
        return []
    out = []
    shown_known = "、".join(str(t) for t in sorted(known or ()))
    for row in frame.index:
        task, status, share = frame.at[row, "任务序号"], frame.at[row, "进展状态"], frame.at[row, "完成比例"]
        if task is not None and known is None:
            out.append(issue("unknown-task-no-application", sub.file, *_cell_of(frame, row, "任务序号"),
                             "任务序号", task))
        elif task is not None and int(task) not in known:  # type: ignore[operator]
            out.append(issue("unknown-task", sub.file, *_cell_of(frame, row, "任务序号"), "任务序号", task,
                             known=shown_known or "无"))
        if status == DONE and share is not None and share < 100:
            out.append(issue("done-below-100", sub.file, *_cell_of(frame, row, "完成比例"), "完成比例",
                             f"{share:g}%"))
    return out


def falling_progress(monthly: list[Submission]) -> list[Issue]:
    """A task's 完成比例 should not fall from one reported month to the next (one branch's reports)."""
    out: list[Issue] = []
    last: dict[int, float] = {}
    for sub in sorted(monthly, key=lambda s: str(period_of(s))):
        frame = sub.tables["任务进度"]
        for row in frame.index:
            task, share = frame.at[row, "任务序号"], frame.at[row, "完成比例"]
            if task is None or share is None:
                continue
            before = last.get(int(task))
            if before is not None and share < before:
                out.append(issue("progress-falling", sub.file, *_cell_of(frame, row, "完成比例"), "完成比例",
                                 f"{share:g}%", task=int(task), before=f"{before:g}%"))
            last[int(task)] = share
    return out


def recognition_issues(sub: Submission, application: Submission | None, campaign: Campaign) -> list[Issue]:
    out = window_issues(sub, "申请日期", campaign.recognition.start, campaign.recognition_deadline, "认定申请时间")
    if application is None:
        return [*out, issue("recognition-without-application", sub.file, *sub.cell("支部名称"), "支部名称",
                            sub.value("支部名称"))]
    brand, expected = sub.value("品牌名称"), application.value("品牌名称")
    if brand and expected and _norm(brand) != _norm(expected):
        out.append(issue("brand-name-differs", sub.file, *sub.cell("品牌名称"), "品牌名称", brand,
                         expected=expected))
    return out


def _norm(text: object) -> str:
    return "".join(str(text).split())


def _progress_against(sub: Submission, application: Submission | None, _campaign: Campaign) -> list[Issue]:
    return progress_issues(sub, task_ids(application))


# Rules a kind names in `FormKind.rules`: (its submission, the branch's accepted application, campaign).
LINKED_RULES: dict[str, Callable[[Submission, Submission | None, Campaign], list[Issue]]] = {
    "progress": _progress_against,
    "recognition": recognition_issues,
}
# Rules a kind names in `FormKind.series_rules`: over one branch's accepted reports of that kind.
SERIES_RULES: dict[str, Callable[[list[Submission]], list[Issue]]] = {
    "falling_progress": falling_progress,
}
