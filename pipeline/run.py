"""Wire the layers together: inbox → read → assess → consolidate → write → outbox."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.assess import Assessment, assess
from pipeline.config import Campaign
from pipeline.consolidate.ledger import ledger_frames
from pipeline.forms import form_kinds
from pipeline.read.inbox import read_inbox
from pipeline.write.common import atomic_outbox
from pipeline.write.issues_report import write_issues
from pipeline.write.ledger import write_ledger
from pipeline.write.manifest import status_counts, write_manifest
from pipeline.write.notices import write_notices


@dataclass(frozen=True)
class RunResult:
    assessment: Assessment
    as_of: str
    counts: dict[str, int]
    notices: int
    extra_lines: tuple[str, ...] = ()


def run(inbox: Path, outbox: Path, campaign: Campaign,
        progress: Callable[[Iterator[Path]], Iterator[Path]] = iter) -> RunResult:
    kinds = form_kinds(campaign)
    received = read_inbox(inbox, kinds, campaign, progress)
    assessment = assess(received, kinds, campaign)
    ledger = ledger_frames(assessment, tuple(r.item for r in campaign.review_items))
    roster_names = set(assessment.roster.branches["支部名称"])
    with atomic_outbox(outbox) as staging:
        write_manifest(staging, assessment.manifest, campaign)
        write_issues(staging, assessment.issues, campaign)
        notices = write_notices(staging, assessment.issues, assessment.manifest, roster_names, campaign)
        write_ledger(staging, ledger, campaign)
    return RunResult(assessment, campaign.as_of.isoformat(), status_counts(assessment.manifest), notices)
