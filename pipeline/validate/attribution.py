"""Whose is a file that could not be opened? Its file and folder names often say (SPEC §4, rev. 2).

A password-protected, empty or damaged file has no content to read, but `汤山中学10月.xlsx` or
`秣陵中学/第三季度汇报.xls` still names a branch and a period. The name is matched with the rules
used for names written in forms — exact, 别名, prefixes stripped, or one clear fuzzy match — after the
words that are not the name (the form's title, the period, 副本 …) are taken out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from rapidfuzz import fuzz, process

from pipeline.config import Campaign
from pipeline.forms import BRANCH, MONTHS, QUARTERS, FormKind
from pipeline.issues import Issue, issue
from pipeline.model import UNREADABLE, Received
from pipeline.names import squash, strip_prefixes
from pipeline.parse.values import parse_month, parse_quarter
from pipeline.validate.branches import Roster

# The kind of organisation, which file names usually leave out (汤山小学 for 江宁区汤山小学党支部).
ORG_SUFFIXES = ("联合党支部", "联合支部", "党总支", "总支", "党支部", "支部")
# Words in file names that are neither the branch nor the period.
NOISE = ("品牌申报表", "申报表", "申请表", "检查表", "汇报表", "汇报", "检查", "报送材料", "材料", "报送", "附件",
         "副本", "最终版", "修改版", "修订版", "定稿", "终稿", "填报", "关于", "年度", "情况", "表格", "的")
_CN_NUMBERS = "一二三四五六七八九十"
_QUARTER = re.compile(rf"(?:(\d{{4}})\s*年?\s*)?第?\s*([{_CN_NUMBERS[:4]}1-4])\s*季度|(\d{{4}})?\s*[Qq]([1-4])(?!\d)",
                      re.ASCII)
_MONTH = re.compile(rf"(?:(\d{{4}})\s*[-./年]\s*)?(\d{{1,2}}|[{_CN_NUMBERS}]{{1,3}})\s*月份?"
                    r"|(\d{4})[-.](\d{1,2})(?!\d)", re.ASCII)
_PERIOD_WORDS = (_QUARTER, _MONTH, re.compile(r"\d{4}\s*年?|[（(]\d+[)）]|\d+", re.ASCII))
_EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,4}$")
_SEPARATORS = re.compile(r"[\s\-_—–·.、，,;；:：()（）\[\]【】《》<>“”\"'+&#@!！~]+")


@dataclass(frozen=True)
class Guess:
    """What a file's path tells: the branch (roster code and name), and the kind and period if named."""

    code: str | None
    name: str | None
    kind: str | None  # FormKind.key
    period: str | None
    title: str = ""  # the kind's title, for the manifest's note


@dataclass(frozen=True)
class NameKeys:
    """Spellings → roster code: `exact` as forms are matched (name, 别名, prefixes stripped); `bare`
    without the kind of organisation (汤山小学 for 江宁区汤山小学党支部) or as the school (所在单位)."""

    exact: dict[str, str]
    bare: dict[str, str]


def unopened_files(received: list[Received], roster: Roster, campaign: Campaign,
                   kinds: tuple[FormKind, ...]) -> dict[str, Guess]:
    """Every file that could not be opened, with the branch (and kind and period) its name tells, if any."""
    keys = name_keys(roster)
    return {r.path: guess_from_path(r.path, roster, campaign, kinds, keys) for r in received
            if r.status == UNREADABLE}


def guess_from_path(path: str, roster: Roster, campaign: Campaign, kinds: tuple[FormKind, ...],
                    keys: NameKeys | None = None) -> Guess:
    """The branch, kind and period a file's own name (then its folders', innermost first) give."""
    keys = keys if keys is not None else name_keys(roster)
    parts = _parts(path)
    code = next((c for c in (_branch_of(p, roster, campaign, kinds, keys) for p in parts) if c), None)
    kind = next((k for k in (_kind_of(p, kinds) for p in parts) if k), None)
    period = next((q for q in (_period_of(p, kind, campaign) for p in parts) if q), None)
    if kind is None and period is not None:
        kind = _periodic_kind(MONTHS if "-" in period else QUARTERS, kinds)
    if kind is not None and period is not None and kind.periods != (QUARTERS if "Q" in period else MONTHS):
        period = None
    return Guess(code, roster.name(code) if code else None, kind.key if kind else None, period,
                 kind.title if kind else "")


def name_keys(roster: Roster) -> NameKeys:
    """Every way a file name may spell a branch; a bare key two branches share identifies neither."""
    found: dict[str, set[str]] = {}
    units = roster.branches["所在单位"] if "所在单位" in roster.branches else [""] * len(roster.branches)
    for code, name, unit in zip(roster.branches.index, roster.branches["支部名称"], units, strict=True):
        for key in (_bare(strip_prefixes(str(name), roster.prefixes)),
                    strip_prefixes(str(unit or ""), roster.prefixes)):
            if len(key) >= 2:
                found.setdefault(key, set()).add(str(code))
    bare = {key: next(iter(codes)) for key, codes in found.items() if len(codes) == 1}
    return NameKeys({**roster.by_stripped, **roster.by_name}, bare)


def _parts(path: str) -> list[str]:
    """The file's name without its extension, then each folder's, innermost first."""
    pure = PurePosixPath(path)
    names = [pure.name, *(p.name for p in pure.parents if p.name)]  # an archive is a folder too
    return [_EXTENSION.sub("", unicodedata.normalize("NFKC", n)) for n in names]


def _bare(name: str) -> str:
    for suffix in ORG_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _core(part: str, kinds: tuple[FormKind, ...]) -> str:
    """The part of a name that can be the branch: titles, periods and filler words taken out."""
    text = part
    for pattern in _PERIOD_WORDS:
        text = pattern.sub(" ", text)
    for word in sorted({*_kind_words(kinds), *NOISE}, key=len, reverse=True):
        text = text.replace(word, " ")
    return squash(_SEPARATORS.sub("", text))


def _branch_of(part: str, roster: Roster, campaign: Campaign, kinds: tuple[FormKind, ...],
               keys: NameKeys) -> str | None:
    core = _core(part, kinds)
    if len(core) < 2:
        return None
    stripped = strip_prefixes(core, roster.prefixes)
    found = keys.exact.get(core) or keys.exact.get(stripped) or keys.bare.get(_bare(stripped))
    return found or _fuzzy(_bare(stripped), roster, campaign)


def _fuzzy(core: str, roster: Roster, campaign: Campaign) -> str | None:
    """One clear match on the bare names: at least the threshold, and the margin over the runner-up."""
    choices = {code: _bare(strip_prefixes(str(n), roster.prefixes)) for code, n in roster.branches["支部名称"].items()}
    ranked = process.extract(core, choices, scorer=fuzz.ratio, limit=2)
    if not ranked:
        return None
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    best = ranked[0]
    if best[1] >= campaign.fuzzy_accept and best[1] - runner_up >= campaign.fuzzy_margin:
        return str(best[2])
    return None


def _kind_words(kinds: Iterable[FormKind]) -> set[str]:
    return {w for k in kinds for w in _words_of(k)}


def _words_of(kind: FormKind) -> tuple[str, ...]:
    return tuple(w for w in (*kind.keywords, kind.sheet, kind.report_type) if w)


def _kind_of(part: str, kinds: tuple[FormKind, ...]) -> FormKind | None:
    """The branch-filled kind whose title (or sheet name, or report name) the name contains, longest first."""
    words = sorted(((w, k) for k in kinds if k.filled_by == BRANCH and not k.master for w in _words_of(k)),
                   key=lambda wk: -len(wk[0]))
    return next((k for w, k in words if w in part), None)


def _periodic_kind(periods: str, kinds: tuple[FormKind, ...]) -> FormKind | None:
    """The one branch report on months (or quarters), if there is exactly one."""
    found = [k for k in kinds if k.periods == periods and k.filled_by == BRANCH]
    return found[0] if len(found) == 1 else None


def _period_of(part: str, kind: FormKind | None, campaign: Campaign) -> str | None:
    """A configured month or quarter written in the name (10月, 2014-10, 第三季度, Q3)."""
    if kind is not None and not kind.periods:
        return None
    if m := _QUARTER.search(part):
        year, q = (m[1], m[2]) if m[2] else (m[3], m[4])
        parsed = parse_quarter(f"{year or campaign.year}年第{q}季度", campaign.year).value
        if parsed in campaign.quarters:
            return str(parsed)
    if m := _MONTH.search(part):
        year, mon = (m[1], m[2]) if m[2] else (m[3], m[4])
        parsed = parse_month(f"{year or campaign.year}年{mon}月", campaign.year, campaign.months).value
        if parsed in campaign.months:
            return str(parsed)
    return None


def unreadable_issue(path: str, reason: str, branch: str | None) -> Issue:
    """A file that could not be opened, told to the school: what is wrong with it and what to send."""
    problem, _, advice = reason.partition("，请")
    problem = re.sub(r"（[A-Za-z_.]+）", "", problem).replace("无法读取", "无法打开")
    problem = problem.removeprefix("文件") if problem.startswith("文件") else f"：{problem}"
    advice = ("请" + advice.removeprefix("支部")) if advice else "请重新发送"
    found = issue("file-unreadable", path, "", "", "", "", name=PurePosixPath(path).name, detail=problem,
                  advice=advice)
    return replace(found, branch=branch or "")


def unreadable_note(reason: str, guess: Guess) -> str:
    """The manifest's 说明 of a file that could not be opened, with whose its name says it is."""
    if not guess.code:
        return reason
    what = " ".join(x for x in (guess.period or "", guess.title) if x)
    return f"{reason}（据文件名判断为{guess.name}{'的' + what if what else ''}）"
