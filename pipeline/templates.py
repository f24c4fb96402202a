"""`pipeline templates`: blank forms, and for each roster branch a set with its own facts filled in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline.assess import RosterError
from pipeline.check import find_roster
from pipeline.config import Campaign
from pipeline.forms import FormKind, form_kinds
from pipeline.validate.branches import build_roster
from pipeline.write.common import safe_file_name
from pipeline.write.forms import write_form
from pipeline.write.word_forms import write_word_form

BRANCH_FACTS = ("支部名称", "支部编码", "所在单位", "支部书记", "联系人", "联系电话", "党员人数")
PER_BRANCH = ("apply_create", "apply_improve", "monthly", "quarterly", "recognition")
WORD = ("apply_create", "apply_improve", "recognition")  # the notice's 附件 are forms filled in Word or WPS


def write_templates(out: Path, roster_path: Path | None, inbox: Path, campaign: Campaign) -> int:
    """Write the templates; return how many files were written."""
    created = dt.datetime(campaign.year, 1, 1)
    kinds = {k.key: k for k in form_kinds(campaign)}
    blank = out / "空白模板"
    blank.mkdir(parents=True, exist_ok=True)
    count = 0
    for kind in kinds.values():
        write_form(blank / f"{kind.title}.xlsx", kind, {}, {}, created=created)
        count += 1
        if kind.key in WORD:
            write_word_form(blank / f"{kind.title}.docx", kind, {}, {}, created=created)
            count += 1
    try:
        received = find_roster(roster_path, inbox, campaign)
    except RosterError:
        return count
    assert received.submission is not None
    roster, _ = build_roster(received.submission, campaign)
    for code, row in roster.branches.iterrows():
        folder = out / "各支部" / safe_file_name(f"{code}-{row['支部名称']}")
        folder.mkdir(parents=True, exist_ok=True)
        for key in PER_BRANCH:
            kind = kinds[key]
            values = prefill(kind, row.to_dict())
            write_form(folder / f"{kind.title}.xlsx", kind, values, {}, created=created)
            count += 1
            if key in WORD:
                write_word_form(folder / f"{kind.title}.docx", kind, values, {}, created=created, branch=str(code))
                count += 1
    return count


def prefill(kind: FormKind, branch: dict[str, object]) -> dict[str, object]:
    return {label: branch[label] for label in BRANCH_FACTS if label in kind.labels and branch.get(label)}
