"""Wire the layers together: compute (inbox → read → assess → consolidate), then write (→ outbox).

`compute` is the whole run without a single disk write; `write_outbox` only lays out what it computed.
`pipeline check`, the templates command and the benchmark call `compute` or its parts.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.assess import Assessment, assess, with_warnings
from pipeline.config import Campaign
from pipeline.consolidate.results import Results, consolidate
from pipeline.forms import FormKind, form_kinds
from pipeline.model import Received
from pipeline.parse.file import FileReader
from pipeline.read.cache import ReadCache
from pipeline.read.inbox import read_inbox
from pipeline.validate.register import VALID
from pipeline.write.assessment_sheets import write_assessment_sheets
from pipeline.write.documents import replace_documents, write_documents
from pipeline.write.fanout import Output, write_all
from pipeline.write.issues_report import write_issues
from pipeline.write.ledger import write_ledger
from pipeline.write.manifest import status_counts, write_manifest
from pipeline.write.notices import write_notices
from pipeline.write.outbox import atomic_outbox, check_outbox, claimed
from pipeline.write.register import write_acceptance, write_register
from pipeline.write.scorecard import write_scorecard
from pipeline.write.shortlist import write_shortlist
from pipeline.write.status_report import write_status_report

Progress = Callable[[Iterator[Path]], Iterator[Path]]
Stage = Callable[[str], None]  # told each stage's name as it starts: 读取 / 校验 / 汇总 / 写出


def no_stage(_name: str) -> None:
    pass


@dataclass(frozen=True)
class Computed:
    """Everything a run decides, before anything is written."""

    assessment: Assessment
    results: Results
    cache_hits: int | None = None  # files served by the read cache (None: run without it)


@dataclass(frozen=True)
class RunResult:
    assessment: Assessment
    as_of: str
    counts: dict[str, int]
    notices: int
    extra_lines: tuple[str, ...] = ()
    cache_hits: int | None = None


def read_all(inbox: Path, campaign: Campaign, progress: Progress = iter,
             kinds: tuple[FormKind, ...] | None = None, jobs: int = 1,
             cache: ReadCache | None = None) -> list[Received]:
    """Every inbox file read once (the read and parse layers), in `jobs` worker processes."""
    kinds = kinds or form_kinds(campaign)
    return read_inbox(inbox, FileReader(kinds, campaign), progress, jobs, campaign.limits, cache=cache,
                      shared=kinds)


def read_cache(cache_dir: Path, campaign: Campaign, kinds: tuple[FormKind, ...]) -> ReadCache:
    """The content cache for this reading configuration (read/cache.py)."""
    return ReadCache(cache_dir, FileReader(kinds, campaign).cache_key(), shared=kinds)


_held = 0  # how many `long_lived` blocks are open


@contextlib.contextmanager
def long_lived() -> Iterator[None]:
    """A run builds millions of small objects (cells, values, rows) that live until it ends, and Python's
    cyclic collector walks all of them again each time later stages allocate: 12 s of a 40 s run on a
    1,000-branch inbox (issue 10). Inside this block each stage's survivors are moved out of its sight
    (`settle`); the outermost block hands them back. Reference counting still frees them as usual."""
    global _held  # the nesting depth of a process-wide switch
    _held += 1
    try:
        yield
    finally:
        _held -= 1
        if _held == 0:
            gc.unfreeze()


def settle() -> None:
    """What the stages so far built is kept to the end: out of the collector's sight (inside `long_lived`)."""
    if _held:
        gc.freeze()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection in this process while the workers' results pour in (unpickled results hold no
    cycles worth collecting)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def compute(inbox: Path, campaign: Campaign, progress: Progress = iter, jobs: int = 1,
            cache_dir: Path | None = None, stage: Stage = no_stage) -> Computed:
    """The whole run as values: no disk writes (but the read cache's, when `cache_dir` is given)."""
    kinds = form_kinds(campaign)
    cache = read_cache(cache_dir, campaign, kinds) if cache_dir is not None else None
    with long_lived():
        stage("读取")
        # Paused only while workers read: reading a damaged file in this process may leave a cycle behind.
        with collector_paused() if jobs > 1 else contextlib.nullcontext():
            received = read_all(inbox, campaign, progress, kinds, jobs, cache)
            settle()  # before the collector resumes: it would first walk every result just read, once more
        stage("校验")
        assessment = assess(received, kinds, campaign)
        settle()
        stage("汇总")
        results = consolidate(assessment, campaign)
        settle()
    # Warnings known only once scored (a 通过 against the shortlist's criteria) join the committee's files.
    return Computed(with_warnings(assessment, results.recognition.warnings), results,
                    None if cache is None else cache.hits)


def write_outbox(computed: Computed, outbox: Path, campaign: Campaign, inbox: Path | None = None,
                 wait: float | None = None, jobs: int = 1) -> int:
    """Lay every output out in a staging folder and swap it in (write/outbox.py: refused when the outbox
    is the inbox's or someone else's folder, locked, file by file); returns the number of notices.
    With `jobs` > 1 the outputs are written side by side (write/fanout.py); the files are the same."""
    assessment, results = computed.assessment, computed.results
    wait = campaign.limits.lock_wait_seconds if wait is None else wait
    with atomic_outbox(outbox, inbox, wait) as staging:
        # Weights: each writer's share of the writing on a 1,000-branch inbox (seconds, measured).
        notices = Output(lambda: write_notices(staging, results.notices, campaign), 2.5)  # it counts them
        outputs = [
            Output(lambda: write_manifest(staging, assessment.manifest, campaign), 2.3),
            Output(lambda: write_issues(staging, assessment.issues, campaign), 0.1),
            notices,
            Output(lambda: write_ledger(staging, results.ledger, campaign), 8.6),
            Output(lambda: write_status_report(staging, results.matrices, results.rates, results.by_parent,
                                               results.chase, results.not_applied, campaign), 0.4),
            Output(lambda: write_scorecard(staging, results.card, campaign), 0.2),
            Output(lambda: write_assessment_sheets(staging, results.card, results.details,
                                                   assessment.roster.branches, results.short_names, campaign), 5.1),
            Output(lambda: write_shortlist(staging, results.listed, results.missed, results.quota, campaign), 0.1),
            Output(lambda: write_acceptance(staging, results.recognition.acceptance, campaign), 0.2),
            Output(lambda: write_register(staging, results.recognition, campaign), 0.1),
            Output(lambda: write_documents(staging, results, campaign, results.passed), 1.1),
        ]
        written = write_all(outputs, jobs)
    return int(written[outputs.index(notices)])


def run(inbox: Path, outbox: Path, campaign: Campaign, progress: Progress = iter, jobs: int = 1,
        wait: float | None = None, cache_dir: Path | None = None, stage: Stage = no_stage) -> RunResult:
    check_outbox(inbox, outbox)  # before reading anything: a wrong --outbox costs nothing
    with long_lived():
        computed = compute(inbox, campaign, progress, jobs, cache_dir, stage)
        stage("写出")
        notices = write_outbox(computed, outbox, campaign, inbox, wait, jobs)
    assessment = computed.assessment
    return RunResult(assessment, campaign.as_of.isoformat(), status_counts(assessment.manifest), notices,
                     results_lines(computed.results), computed.cache_hits)


def results_lines(results: Results) -> tuple[str, ...]:
    """The supervision numbers a clerk wants on the terminal."""
    overall = results.overall
    rate = "—" if overall["报送率"] is None else f"{overall['报送率']:.1%}"
    on_time = "—" if overall["按时率"] is None else f"{overall['按时率']:.1%}"
    return (
        f"月检查、季度汇报合计：应报 {overall['应报']}，实报 {overall['实报']}，报送率 {rate}，按时率 {on_time}",
        f"需催报支部 {len(results.chase)} 个，未申报支部 {len(results.not_applied)} 个",
        f"参加考核支部 {len(results.card)} 个，表彰建议名单 {len(results.listed)} 个",
        register_line(results),
    )


def register_line(results: Results) -> str:
    register = results.recognition.register
    valid = sum(s == VALID for s in register["状态"])
    if not results.decision_received:
        return f"品牌认定名册 {len(register)} 条（有效 {valid} 条）；尚未收到审核验收结论，本次未新增认定"
    return f"品牌认定名册 {len(register)} 条（有效 {valid} 条），本年度审核验收通过 {len(results.recognised)} 个"


def regenerate_documents(inbox: Path, outbox: Path, campaign: Campaign, progress: Progress = iter,
                         cache_dir: Path | None = None, jobs: int = 1) -> list[Path]:
    """`pipeline docs`: compute as the run does, then swap in a fresh outbox/公文/ only — for a clerk who edits
    the templates or the [documents] wording; the drafts agree with a run's workbooks at the same as_of."""
    check_outbox(inbox, outbox, whole=False)
    results = compute(inbox, campaign, progress, jobs, cache_dir).results
    with claimed(outbox, inbox, campaign.limits.lock_wait_seconds, whole=False):  # a run's lock; only 公文/ is ours
        return replace_documents(outbox, results, campaign, results.passed)
