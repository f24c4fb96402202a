"""`pipeline check`: validate a few files against the roster and show their issues."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.assess import Assessment, assess
from pipeline.config import Campaign
from pipeline.forms import form_kinds
from pipeline.issues import Issue
from pipeline.model import ManifestRow, Received, RosterError
from pipeline.parse.file import FileReader, read_file
from pipeline.read.inbox import plan
from pipeline.read.pool import ReadPool, default_jobs
from pipeline.read.walk import Entry, load, walk_inbox
from pipeline.write.common import display_width


def read_path(rel: str, path: Path, campaign: Campaign) -> Received:
    """One named file, read like an inbox file: a FIFO, socket or device is 忽略, never opened."""
    item = load(Entry(rel, path), campaign.limits.max_file_bytes)
    if item.data is None:
        return Received(rel, item.sha256, item.mtime, item.status, item.reason)
    return read_file(rel, item.data, form_kinds(campaign), campaign, item.sha256)


def _inbox_entries(inbox: Path) -> list[Entry]:
    return [e for e in walk_inbox(inbox) if e.status is None] if inbox.is_dir() else []


def find_roster(roster: Path | None, inbox: Path, campaign: Campaign) -> Received:
    candidates = [Entry(roster.name, roster)] if roster else _inbox_entries(inbox)
    for entry in candidates:
        received = read_path(entry.path.name, entry.path, campaign)
        if _is_roster(received):
            return received
    raise RosterError([f"没有找到支部名册：请用 --roster 指定名册文件，或把名册放在 {inbox}/ 中。"])


def check_files(files: list[Path], roster: Path | None, inbox: Path, campaign: Campaign) -> Checked:
    """The given files assessed beside what the inbox already holds (a monthly report is checked
    against the branch's accepted task breakdown there), reporting only on the given files.
    With an explicit roster the inbox is not consulted: the files stand alone."""
    kinds = form_kinds(campaign)
    given = {p.resolve() for p in files}
    context = [read_path(f"{inbox.name}/{e.rel}", e.path, campaign)
               for e in (_inbox_entries(inbox) if roster is None else [])
               if e.path.resolve() not in given]  # the inbox is read once: roster and context together
    items = _read_isolated(files, campaign)
    rosters = [r for r in items if _is_roster(r)] or [r for r in context if _is_roster(r)]  # a roster checked is used
    received = [rosters[0] if rosters else find_roster(roster, inbox, campaign)]
    received += [r for r in context if r.status is None and not _is_roster(r)]
    received += [r for r in items if not _is_roster(r)]
    return Checked(assess(received, kinds, campaign), frozenset(r.path for r in items))


def _read_isolated(files: list[Path], campaign: Campaign) -> list[Received]:
    """The files to check, each read in a worker process with the run's limits (a hostile file
    there fails alone, it cannot take the command down); an archive is checked member by member."""
    limits = campaign.limits
    items = [task for _, task in plan(load(Entry(path.as_posix(), path), limits.max_file_bytes) for path in files)]
    reader = FileReader(form_kinds(campaign), campaign)
    with ReadPool(reader, max(2, min(default_jobs(), len(items))), limits.worker_memory_mb,
                  limits.worker_timeout_seconds) as pool:
        return pool.map(items)


def _is_roster(received: Received) -> bool:
    return received.submission is not None and received.submission.kind.master


@dataclass(frozen=True)
class Checked:
    assessment: Assessment
    files: frozenset[str]

    @property
    def issues(self) -> tuple[Issue, ...]:
        return tuple(i for i in self.assessment.issues if i.file in self.files)


def issue_table(checked: Checked) -> str:
    rows = [("文件", "状态", "位置", "级别", "问题", "修改建议")]
    assessment = checked.assessment
    for m in assessment.manifest:
        if m.文件 not in checked.files:
            continue
        found = [i for i in assessment.issues if i.file == m.文件]
        if not found:
            rows.append((m.文件, m.状态, "", "", _no_problems(assessment, m), ""))
        for i in found:
            rows.append((m.文件, m.状态, _where(i), i.severity, i.message, i.fix))
    widths = [max(display_width(r[c]) for r in rows) for c in range(len(rows[0]))]
    return "\n".join("  ".join(_pad(v, w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows)


def _no_problems(assessment: Assessment, row: ManifestRow) -> str:
    if any(k.master and k.title == row.类型 for k in assessment.kinds):
        return f"名册未发现问题，共 {len(assessment.roster.branches)} 个支部"
    return row.说明 or "未发现问题"


def _where(found: Issue) -> str:
    """Sheet!A1 for a workbook; a Word position (表格2 第3行第2列) names its table itself."""
    if not found.cell:
        return found.sheet
    return f"{found.sheet}!{found.cell}" if found.cell[:1].isascii() else found.cell


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))
