"""`pipeline templates`: blank forms, and for each roster branch a set with its own facts filled in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.assess import Assessment, assess
from pipeline.check import find_roster
from pipeline.config import Campaign
from pipeline.forms import TASKS, FormKind, form_kinds
from pipeline.model import RosterError
from pipeline.parse.forms import Submission
from pipeline.run import read_all
from pipeline.write.common import safe_file_name
from pipeline.write.forms import write_form
from pipeline.write.template_aids import template_aids
from pipeline.write.word_forms import write_word_form

BRANCH_FACTS = ("支部名称", "支部编码", "所在单位", "支部书记", "联系人", "联系电话", "党员人数")


@dataclass(frozen=True)
class Written:
    count: int  # files written
    branches: int  # branches that got a pre-filled set
    roster_problems: tuple[str, ...] = ()  # why there are none: no roster yet, or its problems


def write_templates(out: Path, roster_path: Path | None, inbox: Path, campaign: Campaign) -> Written:
    """Write the templates: blank ones, and a pre-filled set per active roster branch."""
    created = dt.datetime(campaign.year, 1, 1)
    kinds = {k.key: k for k in form_kinds(campaign)}
    blank = out / "空白模板"
    blank.mkdir(parents=True, exist_ok=True)
    count = 0
    for kind in kinds.values():
        write_form(blank / f"{kind.title}.xlsx", kind, {}, {}, created=created, aids=template_aids(kind, campaign))
        count += 1
        if kind.word_template:
            write_word_form(blank / f"{kind.title}.docx", kind, {}, {}, created=created)
            count += 1
    try:
        assessment = inbox_assessment(roster_path, inbox, campaign)
    except RosterError as err:
        return Written(count, 0, tuple(err.problems))
    roster = assessment.roster
    branches = 0
    for code, row in roster.branches.iterrows():
        dissolved = roster.dissolved(str(code))
        if dissolved is not None and dissolved <= campaign.as_of:
            continue  # a dissolved branch reports nothing more
        folder = out / "各支部" / safe_file_name(f"{code}-{row['支部名称']}")
        folder.mkdir(parents=True, exist_ok=True)
        application = accepted_application(assessment, str(code))
        for kind in (k for k in kinds.values() if k.per_branch_template):
            values = {**from_application(kind, application), **prefill(kind, row.to_dict())}
            write_form(folder / f"{kind.title}.xlsx", kind, values, task_rows(kind, application),
                       created=created, aids=template_aids(kind, campaign))
            count += 1
            if kind.word_template:
                write_word_form(folder / f"{kind.title}.docx", kind, values, {}, created=created, branch=str(code))
                count += 1
        branches += 1
    return Written(count, branches)


def inbox_assessment(roster_path: Path | None, inbox: Path, campaign: Campaign) -> Assessment:
    """The inbox assessed as a run would (so only accepted applications pre-fill); a roster given
    explicitly stands in for the inbox's own."""
    kinds = form_kinds(campaign)
    received = read_all(inbox, campaign, kinds=kinds) if inbox.is_dir() else []
    if roster_path is not None:
        received = [r for r in received if not (r.submission and r.submission.kind.master)]
        received.insert(0, find_roster(roster_path, inbox, campaign))
    return assess(received, kinds, campaign)


def accepted_application(assessment: Assessment, code: str) -> Submission | None:
    for filed in assessment.accepted.values():
        for f in filed:
            if f.code == code and f.sub.kind.is_application:
                return f.sub
    return None


def prefill(kind: FormKind, branch: dict[str, object]) -> dict[str, object]:
    return {label: branch[label] for label in BRANCH_FACTS if label in kind.labels and branch.get(label)}


def from_application(kind: FormKind, application: Submission | None) -> dict[str, object]:
    """The fields the kind copies from the branch's accepted application (the recognition form's 品牌名称)."""
    if application is None:
        return {}
    return {label: application.value(label) for label in kind.prefill_fields if application.value(label)}


def task_rows(kind: FormKind, application: Submission | None) -> dict[str, list[dict[str, object]]]:
    """The accepted task breakdown listed in the kind's progress table: 任务序号 and 任务内容, by 序号."""
    if kind.prefill_tasks is None or application is None or TASKS.name not in application.tables:
        return {}
    tasks = application.tables[TASKS.name]
    rows = [{"任务序号": int(seq), "任务内容": "" if pd.isna(content) else str(content)}
            for seq, content in zip(tasks["序号"], tasks["任务内容"], strict=True) if not pd.isna(seq)]
    return {kind.prefill_tasks: sorted(rows, key=lambda r: r["任务序号"])}
