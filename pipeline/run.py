"""Wire the layers together: inbox → read → assess → consolidate → write → outbox."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.assess import Assessment, assess
from pipeline.config import Campaign
from pipeline.consolidate.results import Results, consolidate
from pipeline.forms import form_kinds
from pipeline.read.inbox import read_inbox
from pipeline.write.assessment_sheets import write_assessment_sheets
from pipeline.write.issues_report import write_issues
from pipeline.write.ledger import write_ledger
from pipeline.write.manifest import status_counts, write_manifest
from pipeline.write.notices import write_notices
from pipeline.write.outbox import atomic_outbox, check_outbox
from pipeline.write.scorecard import write_scorecard
from pipeline.write.shortlist import write_shortlist
from pipeline.write.status_report import write_status_report


@dataclass(frozen=True)
class RunResult:
    assessment: Assessment
    as_of: str
    counts: dict[str, int]
    notices: int
    extra_lines: tuple[str, ...] = ()


def run(inbox: Path, outbox: Path, campaign: Campaign,
        progress: Callable[[Iterator[Path]], Iterator[Path]] = iter, jobs: int = 1,
        wait: float | None = None) -> RunResult:
    check_outbox(inbox, outbox)  # before reading anything: a wrong --outbox costs nothing
    kinds = form_kinds(campaign)
    received = read_inbox(inbox, kinds, campaign, progress, jobs)
    assessment = assess(received, kinds, campaign)
    results = consolidate(assessment, campaign)
    roster_names = set(assessment.roster.branches["支部名称"])
    wait = campaign.limits.lock_wait_seconds if wait is None else wait
    with atomic_outbox(outbox, inbox, wait) as staging:
        write_manifest(staging, assessment.manifest, campaign)
        write_issues(staging, assessment.issues, campaign)
        notices = write_notices(staging, assessment.issues, assessment.manifest, roster_names, campaign)
        write_ledger(staging, results.ledger, campaign)
        write_status_report(staging, results.matrices, results.rates, results.by_parent, results.chase,
                            results.not_applied, campaign)
        write_scorecard(staging, results.card, campaign)
        write_assessment_sheets(staging, results.card, results.details, assessment.roster.branches, campaign)
        write_shortlist(staging, results.listed, results.missed, campaign)
    return RunResult(assessment, campaign.as_of.isoformat(), status_counts(assessment.manifest), notices,
                     results_lines(results))


def results_lines(results: Results) -> tuple[str, ...]:
    """The supervision numbers a clerk wants on the terminal."""
    overall = results.overall
    rate = "—" if overall["报送率"] is None else f"{overall['报送率']:.1%}"
    on_time = "—" if overall["按时率"] is None else f"{overall['按时率']:.1%}"
    return (
        f"月检查、季度汇报合计：应报 {overall['应报']}，实报 {overall['实报']}，报送率 {rate}，按时率 {on_time}",
        f"需催报支部 {len(results.chase)} 个，未申报支部 {len(results.not_applied)} 个",
        f"参加考核支部 {len(results.card)} 个，表彰建议名单 {len(results.listed)} 个",
    )
