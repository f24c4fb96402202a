"""The roster and `match_branch`: which roster branch a submission belongs to (SPEC §4)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property

import pandas as pd
from rapidfuzz import fuzz, process

from pipeline.config import Campaign
from pipeline.issues import Issue, issue
from pipeline.names import squash, strip_prefixes
from pipeline.parse.forms import Submission

DEFAULT_PARENT = "局党工委"
SUGGEST_MIN = 60  # a roster name less similar than this is no help as a suggestion
NOT_IN_ROSTER = "如为新成立或更名的支部，请先在支部名册中登记"


@dataclass(frozen=True)
class Match:
    code: str | None
    name: str | None  # roster name
    issues: tuple[Issue, ...] = ()


@dataclass(frozen=True)
class Roster:
    branches: pd.DataFrame  # one row per branch, index = 支部编码, the roster table's columns
    by_name: dict[str, str]  # squashed name or alias → code
    by_stripped: dict[str, str]  # prefix-stripped name or alias → code
    prefixes: tuple[str, ...]

    @cached_property
    def _lifespans(self) -> dict[str, tuple[dt.date | None, dt.date | None]]:
        """支部编码 → (成立日期, 撤销日期), read from the frame once (asked per branch and period)."""
        b = self.branches
        return {code: (_date(f), _date(d)) for code, f, d in zip(b.index, b["成立日期"], b["撤销日期"], strict=True)}

    def name(self, code: str) -> str:
        return str(self.branches.at[code, "支部名称"])

    def founded(self, code: str) -> dt.date | None:
        return self._lifespans[code][0]

    def dissolved(self, code: str) -> dt.date | None:
        return self._lifespans[code][1]

    def active_on(self, code: str, day: dt.date) -> bool:
        founded, dissolved = self.founded(code), self.dissolved(code)
        return (founded is None or founded <= day) and (dissolved is None or dissolved > day)


def _date(value: object) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


def build_roster(sub: Submission, campaign: Campaign) -> tuple[Roster, list[Issue]]:
    """The roster from its submission; uniqueness problems are errors that stop the run."""
    table = sub.tables["支部名册"]
    issues: list[Issue] = []
    frame = table.frame()
    frame["支部编码"] = frame["支部编码"].astype(object)
    for label in ("支部编码", "支部名称"):
        keys = frame[label].map(lambda x: squash(str(x)) if x is not None else None)
        dup = keys[keys.notna() & keys.duplicated(keep="first")]
        for row_no in dup.index:
            issues.append(issue("roster-duplicate", sub.file, *table.where(row_no, label), label,
                                frame.at[row_no, label]))
    frame = frame[frame["支部编码"].notna() & frame["支部名称"].notna()]
    frame = frame.drop_duplicates("支部编码").set_index("支部编码", drop=False)
    frame["上级组织"] = frame["上级组织"].map(lambda x: x if x else DEFAULT_PARENT)
    by_name: dict[str, str] = {}
    by_stripped: dict[str, str] = {}
    for code, name, aliases in zip(frame.index, frame["支部名称"], frame["别名"], strict=True):
        for n in [name, *re.split(r"[、;；,，/]", aliases or "")]:
            if squash(n):
                by_name.setdefault(squash(n), code)
                by_stripped.setdefault(strip_prefixes(n, campaign.prefixes), code)
    return Roster(frame, by_name, by_stripped, campaign.prefixes), issues


def match_branch(sub: Submission, roster: Roster, campaign: Campaign, name_label: str = "支部名称",
                 code_label: str = "支部编码") -> Match:
    """支部编码 first, then the name (exact, alias, prefixes stripped), then one clear fuzzy match."""
    name = str(sub.value(name_label) or "")
    code = str(sub.value(code_label) or "")
    sheet, cell = sub.cell(name_label)
    return match_name(name, code, roster, campaign, sub.file, sheet, cell)


def match_name(name: str, code: str, roster: Roster, campaign: Campaign, file: str, sheet: str,
               cell: str) -> Match:
    if code and code in roster.branches.index:
        expected = roster.name(code)
        named = _exact(name, roster) if name else None
        if named and named != code:  # another branch's own name: the file may be that branch's copy
            error = issue("branch-code-other-branch", file, sheet, cell, "支部名称", name, code=code,
                          expected=expected, other=roster.name(named))
            return Match(code, expected, (error,))
        if name and named != code:
            warn = issue("branch-code-name-mismatch", file, sheet, cell, "支部名称", name,
                         code=code, expected=expected)
            return Match(code, expected, (warn,))
        return Match(code, expected)
    if not name:
        return Match(None, None)  # required-missing is reported by the schema
    exact = _exact(name, roster)
    if exact:
        return Match(exact, roster.name(exact))
    return _fuzzy(name, roster, campaign, file, sheet, cell)


def _exact(name: str, roster: Roster) -> str | None:
    return roster.by_name.get(squash(name)) or roster.by_stripped.get(strip_prefixes(name, roster.prefixes))


def _fuzzy(name: str, roster: Roster, campaign: Campaign, file: str, sheet: str, cell: str) -> Match:
    stripped = strip_prefixes(name, roster.prefixes)
    choices = {code: strip_prefixes(n, roster.prefixes) for code, n in roster.branches["支部名称"].items()}
    ranked = process.extract(stripped, choices, scorer=fuzz.ratio, limit=3)
    best = ranked[0] if ranked else None
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if best and best[1] >= campaign.fuzzy_accept and best[1] - runner_up >= campaign.fuzzy_margin:
        expected = roster.name(best[2])
        warn = issue("branch-fuzzy-match", file, sheet, cell, "支部名称", name, expected=expected,
                     score=f"{best[1]:.0f}")
        return Match(best[2], expected, (warn,))
    nearest = "、".join(roster.name(code) for _, score, code in ranked if score >= SUGGEST_MIN)
    hint = f"最接近的名册名称：{nearest}" if nearest else NOT_IN_ROSTER
    return Match(None, None, (issue("branch-unknown", file, sheet, cell, "支部名称", name, hint=hint),))
