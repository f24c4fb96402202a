"""Who gets a 退回通知 and what it lists (SPEC §8): decided here once; the writer only lays it out."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from pipeline.issues import Issue
from pipeline.model import REJECTED, ManifestRow

UNMATCHED_PREFIX = "未识别-"


@dataclass(frozen=True)
class Notice:
    branch: str  # the roster name, or the name as written when it matched no branch
    known: bool  # the branch is in the roster
    issues: tuple[Issue, ...]  # errors first within each file
    returned: tuple[str, ...]  # files sent back (退回), sorted

    @property
    def stem(self) -> str:
        return self.branch if self.known else f"{UNMATCHED_PREFIX}{self.branch}"


def notices(issues: tuple[Issue, ...], manifest: tuple[ManifestRow, ...], roster_names: set[str],
            committee_titles: frozenset[str]) -> tuple[Notice, ...]:
    """One notice per branch with at least one issue on a branch's own file; the committee's own
    files (roster, inspection, review) are fixed in-house and never sent back."""
    kind_of = {r.文件: r.类型 for r in manifest}
    status = {r.文件: r.状态 for r in manifest}
    by_branch: dict[str, list[Issue]] = defaultdict(list)
    for i in issues:
        if i.branch and kind_of.get(i.file) not in committee_titles:
            by_branch[i.branch].append(i)
    out = []
    for branch in sorted(by_branch):
        found = by_branch[branch]
        returned = tuple(sorted({i.file for i in found if status.get(i.file) == REJECTED}))
        ordered = tuple(sorted(found, key=lambda i: (i.file, not i.is_error)))
        out.append(Notice(branch, branch in roster_names, ordered, returned))
    return tuple(out)
