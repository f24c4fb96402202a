"""Rules beyond one cell's type (SPEC §4): periods, windows, tasks, progress, recognition links."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from pipeline.config import Campaign
from pipeline.issues import Issue, issue
from pipeline.parse.forms import Submission
from schemas.checks import BRAND_MAX, brand_length

DONE = "已完成"
NO_APPLICATION = "本支部尚无已受理的品牌申报表"


@dataclass(frozen=True)
class Application:
    """A branch's application as the linked rules see it: the accepted one, or why there is none —
    so that what cannot be checked without it is reported once, naming its cause."""

    accepted: Submission | None
    cause: str = NO_APPLICATION  # e.g. 品牌申报表未受理（缺联系电话）
    advice: str = "请先报送品牌申报表（含任务分解表）"


# What a kind's linked rule cannot check while the branch has no accepted application.
BLOCKED = {"progress": "任务进度", "recognition": ""}


def _fmt(day: dt.date) -> str:
    return day.isoformat()


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
    if configured and not configured[0] <= period <= configured[-1]:  # before or after the campaign
        return [issue("period-outside-campaign", sub.file, *sub.cell(label), label, period, first=configured[0],
                      last=configured[-1], unit="季度" if "Q" in period else "月份")]
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
    for row, day in frame.items(label):
        if isinstance(day, dt.date) and not bounds[0] <= day <= bounds[1]:
            out.append(issue("date-outside-period", sub.file, *frame.where(row, label), label,
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
        for row, due in tasks.items("完成时限"):
            if due is None:
                continue
            day = dt.date.fromisoformat(f"{due}-01") if isinstance(due, str) else due
            inside = (first.replace(day=1) <= day <= last) if isinstance(due, str) else first <= day <= last
            if not inside:
                out.append(issue("due-outside-campaign", sub.file, *tasks.where(row, "完成时限"), "完成时限",
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


def progress_issues(sub: Submission, known: set[int] | None,
                    application: Application = Application(None)) -> list[Issue]:
    """任务序号 must be a task of the branch's accepted breakdown; 已完成 means 100%. Without an
    accepted breakdown the task numbers cannot be checked: one warning for the file, naming why."""
    frame = sub.tables.get("任务进度")
    if frame is None:
        return []
    out = []
    shown_known = "、".join(str(t) for t in sorted(known or ()))
    rows = list(zip(frame.rows, frame["任务序号"], frame["进展状态"], frame["完成比例"], strict=True))
    tasks = [(row, task) for row, task, _, _ in rows if task is not None]
    if known is None and tasks:
        out.append(issue("unknown-task-no-application", sub.file, *frame.where(tasks[0][0], "任务序号"), "任务序号",
                         task_span(int(task) for _, task in tasks),
                         cause=application.cause, advice=application.advice))
    for row, task, status, share in rows:
        if task is not None and known is not None and int(task) not in known:
            out.append(issue("unknown-task", sub.file, *frame.where(row, "任务序号"), "任务序号", task,
                             known=shown_known or "无"))
        if status == DONE and share is not None and share < 100:
            out.append(issue("done-below-100", sub.file, *frame.where(row, "完成比例"), "完成比例",
                             f"{share:g}%"))
    return out


def task_span(tasks: Iterable[int]) -> str:
    """Task numbers as a reader writes them: 1–5, 1–3、7."""
    numbers = sorted(set(tasks))
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return "、".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else "、".join(map(str, r)) for r in runs)


def falling_progress(monthly: list[Submission]) -> list[Issue]:
    """A task's 完成比例 should not fall from one reported month to the next (one branch's reports)."""
    out: list[Issue] = []
    last: dict[int, float] = {}
    for sub in sorted(monthly, key=lambda s: str(period_of(s))):
        frame = sub.tables["任务进度"]
        for row, task, share in zip(frame.rows, frame["任务序号"], frame["完成比例"], strict=True):
            if task is None or share is None:
                continue
            before = last.get(int(task))
            if before is not None and share < before:
                out.append(issue("progress-falling", sub.file, *frame.where(row, "完成比例"), "完成比例",
                                 f"{share:g}%", task=int(task), before=f"{before:g}%"))
            last[int(task)] = share
    return out


def recognition_issues(sub: Submission, linked: Application, campaign: Campaign) -> list[Issue]:
    """The recognition form against the branch's accepted application. A brand over 10 characters is
    warned here only when it is not the application's brand (which was warned on the application)."""
    out = window_issues(sub, "申请日期", campaign.recognition.start, campaign.recognition_deadline, "认定申请时间")
    application = linked.accepted
    brand = sub.value("品牌名称")
    expected = application.value("品牌名称") if application else None
    same = bool(brand and expected and _norm(brand) == _norm(expected))
    if brand and not same and brand_length(brand) > BRAND_MAX:
        out.append(issue("brand-name-too-long", sub.file, *sub.cell("品牌名称"), "品牌名称", brand,
                         length=brand_length(brand)))
    if application is None:
        return [*out, issue("recognition-without-application", sub.file, *sub.cell("支部名称"), "支部名称",
                            sub.value("支部名称"), cause=linked.cause, advice=linked.advice)]
    if brand and expected and not same:
        out.append(issue("brand-name-differs", sub.file, *sub.cell("品牌名称"), "品牌名称", brand,
                         expected=expected))
    return out


def _norm(text: object) -> str:
    return "".join(str(text).split())


def _progress_against(sub: Submission, linked: Application, _campaign: Campaign) -> list[Issue]:
    return progress_issues(sub, task_ids(linked.accepted), linked)


# Rules a kind names in `FormKind.rules`: (its submission, the branch's application, campaign).
LINKED_RULES: dict[str, Callable[[Submission, Application, Campaign], list[Issue]]] = {
    "progress": _progress_against,
    "recognition": recognition_issues,
}
# Rules a kind names in `FormKind.series_rules`: over one branch's accepted reports of that kind.
SERIES_RULES: dict[str, Callable[[list[Submission]], list[Issue]]] = {
    "falling_progress": falling_progress,
}
