"""Who gets a 退回通知 and what it lists (SPEC §8): decided here once; the writer only lays it out."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import PurePosixPath

from pipeline.issues import Issue, position_key
from pipeline.model import REJECTED, UNREADABLE, ManifestRow
from pipeline.names import natural_key

UNMATCHED_PREFIX = "未识别-"
NOT_OWED = frozenset({"period-outside-campaign"})  # errors saying the form needs no report at all


@dataclass(frozen=True)
class Notice:
    branch: str  # the roster name, or the name as written when it matched no branch
    known: bool  # the branch is in the roster
    issues: tuple[Issue, ...]  # 错误 before 警告, then by file (as shown), sheet and cell
    returned: tuple[str, ...]  # files sent back (退回), in the order of `issues`
    unopened: tuple[str, ...] = ()  # files that could not be opened (无法读取), in the order of `issues`
    shown: tuple[tuple[str, str], ...] = ()  # inbox path → the file name as the school sent it
    not_owed: tuple[str, ...] = ()  # sent back only for a period outside the campaign: no report is due
    apart: tuple[tuple[str, str], ...] = ()  # path → what tells apart two files of the same name (2014-06 月检查表)

    @property
    def stem(self) -> str:
        return self.branch if self.known else f"{UNMATCHED_PREFIX}{self.branch}"

    def file_name(self, path: str) -> str:
        """The name the school gave the file, not the committee's inbox path."""
        return dict(self.shown).get(path, path)

    def told_apart(self, path: str, state: str = "") -> str:
        """《name》, with its period and form when another file of the notice has the same name, and
        `state` (已退回): 《月检查表.xlsx》（2014-06 月检查表，已退回）."""
        notes = "，".join(x for x in (dict(self.apart).get(path, ""), state) if x)
        return f"《{self.file_name(path)}》" + (f"（{notes}）" if notes else "")

    @property
    def to_resubmit(self) -> tuple[str, ...]:
        """Every file to send again: sent back or unopenable, each once, in the order of the issues."""
        return tuple(f for f in dict.fromkeys((*self.returned, *self.unopened)) if f not in self.not_owed)


def notices(issues: tuple[Issue, ...], manifest: tuple[ManifestRow, ...], roster_names: set[str],
            committee_titles: frozenset[str]) -> tuple[Notice, ...]:
    """One notice per branch with at least one issue on a branch's own file; the committee's own
    files (roster, inspection, review) are fixed in-house and never sent back."""
    kind_of = {r.文件: r.类型 for r in manifest}
    status = {r.文件: r.状态 for r in manifest}
    described = {r.文件: " ".join(x for x in (r.期间, r.类型) if x) for r in manifest}
    by_branch: dict[str, list[Issue]] = defaultdict(list)
    for i in issues:
        if i.branch and kind_of.get(i.file) not in committee_titles:
            by_branch[i.branch].append(i)
    out = []
    for branch in sorted(by_branch):
        found = by_branch[branch]
        shown = {path: PurePosixPath(path).name for path in {i.file for i in found}}
        ordered = tuple(sorted(found, key=lambda i: (not i.is_error, natural_key(shown[i.file]), i.file, i.sheet,
                                                     position_key(i.cell), i.field, i.code)))
        files = list(dict.fromkeys(i.file for i in ordered))
        returned = tuple(f for f in files if status.get(f) == REJECTED)
        unopened = tuple(f for f in files if status.get(f) == UNREADABLE)
        not_owed = tuple(f for f in returned if {i.code for i in ordered if i.file == f and i.is_error} <= NOT_OWED)
        out.append(Notice(branch, branch in roster_names, ordered, returned, unopened,
                          tuple(sorted(shown.items())), not_owed, tuple(sorted(apart(shown, described).items()))))
    return tuple(out)


def apart(shown: dict[str, str], described: dict[str, str]) -> dict[str, str]:
    """For files of one notice that share a name: their period and form (or their folder), so the
    school can tell which is meant."""
    names = list(shown.values())
    clashing = [p for p, name in shown.items() if names.count(name) > 1]
    return {p: described.get(p) or str(PurePosixPath(p).parent) for p in clashing}
