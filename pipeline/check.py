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
from pipeline.read.inbox import inbox_files, read_entry
from pipeline.write.common import display_width


def find_roster(roster: Path | None, inbox: Path, campaign: Campaign) -> Received:
    kinds = form_kinds(campaign)
    candidates = [roster] if roster else (inbox_files(inbox) if inbox.is_dir() else [])
    for path in candidates:
        received = read_file(path.name, path.read_bytes(), kinds, campaign)
        if _is_roster(received):
            return received
    raise RosterError([f"没有找到支部名册：请用 --roster 指定名册文件，或把名册放在 {inbox}/ 中。"])


def check_files(files: list[Path], roster: Path | None, inbox: Path, campaign: Campaign) -> Checked:
    """The given files assessed beside what the inbox already holds (a monthly report is checked
    against the branch's accepted task breakdown there), reporting only on the given files.
    With an explicit roster the inbox is not consulted: the files stand alone."""
    kinds = form_kinds(campaign)
    given = {p.resolve() for p in files}
    context = [read_file(f"{inbox.name}/{path.relative_to(inbox).as_posix()}", path.read_bytes(), kinds, campaign)
               for path in (inbox_files(inbox) if inbox.is_dir() and roster is None else [])
               if path.resolve() not in given]  # the inbox is read once: roster and context together
    reader = FileReader(kinds, campaign)
    items: list[Received] = []
    for path in files:  # an archive is checked member by member
        items += read_entry(path.as_posix(), path.read_bytes(), 0.0, reader, {})
    rosters = [r for r in items if _is_roster(r)] or [r for r in context if _is_roster(r)]  # a roster checked is used
    received = [rosters[0] if rosters else find_roster(roster, inbox, campaign)]
    received += [r for r in context if r.status is None and not _is_roster(r)]
    received += [r for r in items if not _is_roster(r)]
    return Checked(assess(received, kinds, campaign), frozenset(r.path for r in items))


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
