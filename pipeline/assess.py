"""Decide every file's fate: issues, branch, period, and 受理 / 退回 / 被替代 / 重复 (SPEC §4).

Pure: read results and the campaign in, an `Assessment` out. Reading happened before; writing after.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from pipeline.config import Campaign
from pipeline.forms import BY_ROW, BY_SIGNER, NEVER, FormKind
from pipeline.issues import ERROR, Issue, issue, issue_order
from pipeline.model import ACCEPTED, CODE, DUPLICATE, NAME, REJECTED, SUPERSEDED, ManifestRow, Received, RosterError
from pipeline.names import natural_key
from pipeline.parse.forms import Submission
from pipeline.validate import knock_on, register, rules
from pipeline.validate.attribution import Guess, unopened_files, unreadable_issue, unreadable_note
from pipeline.validate.branches import Match, Roster, build_roster, match_branch, match_name
from pipeline.validate.schema import validate_kind


@dataclass(frozen=True)
class Filed:
    """A submission attributed to a branch and period, with the date that orders it."""

    sub: Submission
    code: str | None
    name: str | None
    period: str | None
    date: dt.date | None
    mtime: float
    errors: int
    warnings: int
    codes: tuple[str, ...] = ()  # issue codes of this file, for rules that score on them

    @property
    def group(self) -> str:
        return self.sub.kind.supersede_group

    @property
    def file(self) -> str:
        return self.sub.file


@dataclass(frozen=True)
class Assessment:
    kinds: tuple[FormKind, ...]
    roster: Roster
    manifest: tuple[ManifestRow, ...]
    issues: tuple[Issue, ...]
    accepted: dict[str, tuple[Filed, ...]]  # group → winners received by as_of
    rejected: tuple[Filed, ...]  # 退回 files received by as_of
    filed: dict[str, Filed] = field(default_factory=dict)  # path → every attributed submission
    unopened: dict[str, Guess] = field(default_factory=dict)  # path of a 无法读取 file → whose its name says


def assess(received: list[Received], kinds: tuple[FormKind, ...], campaign: Campaign) -> Assessment:
    roster_file = _roster_file(received)
    roster, roster_issues = _roster(roster_file, campaign)
    subs = [r.submission for r in received if r.submission and r.status is None and r is not roster_file]
    issues = _own_issues(subs, kinds)
    subs = [_attribute_rows(s, roster, campaign, issues) for s in subs]
    mtimes = {r.path: r.mtime for r in received}
    filed = {s.file: _file_one(s, roster, campaign, issues, mtimes[s.file]) for s in subs}
    _add_application_links(filed, issues, campaign, kinds)
    accepted, replaced = _accepted_by_group(_recount(filed, issues).values(), campaign)
    for found in [*_series_issues(accepted), *_standing_issues(accepted, roster, campaign)]:
        issues[found.file].append(found)  # warnings only: acceptance does not change
    filed = _recount(filed, issues)
    accepted = {g: tuple(filed[f.file] for f in fs) for g, fs in accepted.items()}
    rejected = tuple(f for f in filed.values() if f.errors and _received_by(f, campaign))
    unopened = unopened_files(received, roster, campaign, kinds)
    all_issues = [*roster_issues, *(i for p in sorted(issues) for i in issues[p])]
    all_issues += [unreadable_issue(r.path, r.reason, unopened[r.path].name)
                   for r in received if r.path in unopened]
    manifest = _manifest(received, roster_file, roster_issues, len(roster.branches), filed, replaced, campaign,
                         unopened)
    ordered = sorted(_named(all_issues, filed), key=issue_order)
    return Assessment(kinds, roster, manifest, tuple(ordered), accepted, rejected, filed, unopened)


# ---- roster ----------------------------------------------------------------------------------

def _roster_file(received: list[Received]) -> Received:
    rosters = [r for r in received if r.submission and r.status is None and r.submission.kind.master]
    if not rosters:
        raise RosterError(["收件箱中没有支部名册（标题含“支部名册”的表格），无法核对各支部报送情况。",
                           "请把局党工委的支部名册放入收件箱后重新运行。"])
    if len(rosters) > 1:
        raise RosterError(["收件箱中有多份内容不同的支部名册：" + "、".join(r.path for r in rosters),
                           "请只保留最新的一份后重新运行。"])
    return rosters[0]


def _roster(received: Received, campaign: Campaign) -> tuple[Roster, list[Issue]]:
    sub = received.submission
    assert sub is not None
    kind_issues = validate_kind(sub.kind, [sub]).get(sub.file, [])
    roster, dup_issues = build_roster(sub, campaign)
    found = [*sub.issues, *kind_issues, *dup_issues]
    errors = [i for i in found if i.severity == ERROR]
    if errors or roster.branches.empty:
        lines = [f"支部名册 {sub.file} 有问题，请改正后重新运行："]
        lines += [f"  {i.sheet}!{i.cell} {i.field}：{i.message}。{i.fix}" for i in errors]
        if not errors:
            lines.append("  名册中没有任何支部。")
        raise RosterError(lines)
    return roster, found


# ---- one file --------------------------------------------------------------------------------

def _own_issues(subs: list[Submission], kinds: tuple[FormKind, ...]) -> dict[str, list[Issue]]:
    """Parse issues, then each kind's schemas run once over all its files."""
    issues: dict[str, list[Issue]] = defaultdict(list)
    for s in subs:
        issues[s.file].extend(s.issues)
    by_kind: dict[str, list[Submission]] = defaultdict(list)
    for s in subs:
        by_kind[s.kind.key].append(s)
    for kind in kinds:
        for file, found in validate_kind(kind, by_kind[kind.key]).items():
            issues[file].extend(found)
    return issues


def _add_application_links(filed: dict[str, Filed], issues: dict[str, list[Issue]], campaign: Campaign,
                           kinds: tuple[FormKind, ...]) -> None:
    """Rules that need the branch's accepted application (the kind names them): task numbers, recognition.
    Without one, what they cannot check is reported once per file naming why; a sent-back application
    says on its first error what it blocks."""
    applications = _winners([f for f in filed.values() if f.sub.kind.is_application], issues, campaign)
    sent_back: dict[str, list[Filed]] = defaultdict(list)
    for f in sorted(filed.values(), key=lambda f: (f.date or dt.date.min, f.mtime, f.file)):
        if f.sub.kind.is_application and f.code and f.errors and _received_by(f, campaign):
            sent_back[f.code].append(f)
    for f in filed.values():
        if not f.code:
            continue
        app = applications.get(f.code)
        linked = rules.Application(app.sub) if app else knock_on.why_no_application(
            [issues[r.file] for r in sent_back.get(f.code, [])])
        for rule in f.sub.kind.rules:
            issues[f.file].extend(rules.LINKED_RULES[rule](f.sub, linked, campaign))
    blocks = knock_on.blocked_text(kinds)
    for code, refused in sent_back.items():
        if code not in applications and blocks:
            for r in refused:
                issues[r.file] = knock_on.say_what_it_blocks(issues[r.file], blocks)


def _recount(filed: dict[str, Filed], issues: dict[str, list[Issue]]) -> dict[str, Filed]:
    return {p: _counted(f, issues[p]) for p, f in filed.items()}

def _attribute_rows(sub: Submission, roster: Roster, campaign: Campaign,
                    issues: dict[str, list[Issue]]) -> Submission:
    """Inspection and review files name a branch on every row: match each row."""
    if not sub.kind.branch_per_row:
        return sub
    name = sub.kind.tables[0].name
    frame = sub.tables[name]
    codes, names = [], []
    branch_codes = frame["支部编码"] if "支部编码" in frame else [None] * len(frame)
    for i, (written_name, written_code) in enumerate(zip(frame["支部名称"], branch_codes, strict=True)):
        written = str(written_name or "")
        match = match_name(written, str(written_code or ""), roster, campaign, sub.file,
                           *frame.where_at(i, "支部名称"))
        if sub.kind.standing and match.code is None:
            match = _kept(match, written, written_code, sub.file, frame.where_at(i, "支部编码"))
        issues[sub.file].extend(replace(i, branch=match.name or written) for i in match.issues)
        codes.append(match.code)
        names.append(match.name)
    tables = {**sub.tables, name: frame.with_columns(**{f"_{CODE}": codes, f"_{NAME}": names})}
    return replace(sub, tables=tables)


def _kept(match: Match, written: str, code: object, file: str, where: tuple[str, str]) -> Match:
    """A register row whose branch has left the roster stays on record, with a 警告 instead of the 错误."""
    if not code:
        return match
    warn = issue("register-branch-not-on-roster", file, *where, "支部编码", written or code, code=code)
    return Match(str(code), written or None, (warn,))


def _file_one(sub: Submission, roster: Roster, campaign: Campaign, issues: dict[str, list[Issue]],
              mtime: float) -> Filed:
    found = issues[sub.file]
    match = match_branch(sub, roster, campaign) if "支部名称" in sub.kind.labels else Match(None, None)
    found.extend(match.issues)
    if sub.kind.period_field:
        found.extend(rules.period_issues(sub, campaign))
    if sub.kind.is_application and match.code:
        found.extend(rules.application_issues(sub, campaign, roster.founded(match.code)))
    date = sub.value(sub.kind.date_field) if sub.kind.date_field else None
    return _counted(Filed(sub, match.code, match.name, rules.period_of(sub),
                          date if isinstance(date, dt.date) else None, mtime, 0, 0), found)


def _counted(filed: Filed, found: list[Issue]) -> Filed:
    errors = sum(i.severity == ERROR for i in found)
    return replace(filed, errors=errors, warnings=len(found) - errors, codes=tuple(i.code for i in found))


def _received_by(filed: Filed, campaign: Campaign) -> bool:
    """as_of is a point in time: a file dated after it has not arrived yet."""
    return filed.date is None or filed.date <= campaign.as_of


# ---- resubmissions ---------------------------------------------------------------------------

def supersede_key(f: Filed) -> tuple[str, ...] | None:
    kind = f.sub.kind
    if kind.supersedes in (NEVER, BY_ROW):  # BY_ROW: rows supersede in the ledger, files never
        return None
    if kind.supersedes == BY_SIGNER:
        return (f.group, "".join(str(f.sub.value(kind.signer or "") or "").split()))
    return (f.group, f.code or "", f.period or "")


def supersede(filed: Iterable[Filed]) -> tuple[list[Filed], dict[str, str]]:
    """Latest date wins, then later modification time, then the path that sorts last."""
    groups: dict[tuple[str, ...], list[Filed]] = defaultdict(list)
    winners: list[Filed] = []
    for f in filed:
        key = supersede_key(f)
        if key is None:
            winners.append(f)
        else:
            groups[key].append(f)
    replaced: dict[str, str] = {}
    for members in groups.values():
        ordered = sorted(members, key=lambda f: (f.date or dt.date.min, f.mtime, f.file))
        winners.append(ordered[-1])
        replaced.update({f.file: ordered[-1].file for f in ordered[:-1]})
    return sorted(winners, key=lambda f: f.file), replaced


def _eligible(filed: Iterable[Filed], campaign: Campaign) -> list[Filed]:
    return [f for f in filed if not f.errors and _received_by(f, campaign)
            and (f.code or f.sub.kind.branch_per_row)]


def _winners(filed: list[Filed], issues: dict[str, list[Issue]], campaign: Campaign) -> dict[str, Filed]:
    counted = [_counted(f, issues[f.file]) for f in filed]
    winners, _ = supersede(_eligible(counted, campaign))
    return {f.code: f for f in winners if f.code}


def _accepted_by_group(filed: Iterable[Filed],
                       campaign: Campaign) -> tuple[dict[str, tuple[Filed, ...]], dict[str, str]]:
    """(group → winners, superseded file → the file that replaced it)."""
    winners, replaced = supersede(_eligible(filed, campaign))
    out: dict[str, list[Filed]] = defaultdict(list)
    for f in winners:
        out[f.group].append(f)
    return {g: tuple(fs) for g, fs in out.items()}, replaced


def _series_issues(accepted: dict[str, tuple[Filed, ...]]) -> list[Issue]:
    """Rules over one branch's accepted reports of a kind in period order (falling 完成比例)."""
    out: list[Issue] = []
    for group in accepted.values():
        for filed in _by_code(group).values():
            subs = [f.sub for f in filed]
            for rule in subs[0].kind.series_rules:
                out += rules.SERIES_RULES[rule](subs)
    return out


def _standing_issues(accepted: dict[str, tuple[Filed, ...]], roster: Roster, campaign: Campaign) -> list[Issue]:
    """This year's accepted applications against the brands the committee's register holds as 有效."""
    winners = [f for group in accepted.values() for f in group]
    brands = register.valid_earlier([f.sub for f in winners if f.sub.kind.standing], roster, campaign)
    return [found for f in winners if f.sub.kind.is_application and f.code
            for found in register.application_issues(f.sub, brands.get(f.code, []))]


def _by_code(filed: Iterable[Filed]) -> dict[str, list[Filed]]:
    out: dict[str, list[Filed]] = defaultdict(list)
    for f in filed:
        out[f.code or ""].append(f)
    return out


# ---- manifest --------------------------------------------------------------------------------

def _manifest(received: list[Received], roster_file: Received, roster_issues: list[Issue], branches: int,
              filed: dict[str, Filed], replaced: dict[str, str], campaign: Campaign,
              unopened: dict[str, Guess]) -> tuple[ManifestRow, ...]:
    rows: dict[str, ManifestRow] = {}
    for r in sorted(received, key=lambda r: r.path):
        if r is roster_file:
            warnings = len(roster_issues)
            rows[r.path] = ManifestRow(r.path, r.sha256, "支部名册", "", "", "", ACCEPTED, 0, warnings,
                                       f"支部名册，共 {branches} 个支部，作为核对依据")
        elif r.path in filed:
            rows[r.path] = _filed_row(r, filed[r.path], replaced, campaign)
        elif r.path in unopened:
            guess = unopened[r.path]
            rows[r.path] = ManifestRow(r.path, r.sha256, "", guess.code or "", guess.name or "", "", r.status or "",
                                       1, 0, unreadable_note(r.reason, guess))
        else:
            kind = r.submission.kind.title if r.submission else ""
            rows[r.path] = ManifestRow(r.path, r.sha256, kind, "", "", "", r.status or "", 0, 0, r.reason)
    for r in received:
        if r.status == DUPLICATE and r.duplicate_of in rows:
            same = rows[r.duplicate_of]
            rows[r.path] = replace(same, 文件=r.path, 状态=DUPLICATE, 错误数=0, 警告数=0,
                                   说明=f"与 {r.duplicate_of} 内容完全相同，未重复计算")
    return tuple(rows[p] for p in sorted(rows, key=lambda p: (natural_key(p), p)))


def _filed_row(r: Received, f: Filed, replaced: dict[str, str], campaign: Campaign) -> ManifestRow:
    if f.errors:
        status, note = REJECTED, f"有 {f.errors} 处错误，已退回，请见问题清单和退回通知"
    elif f.file in replaced:
        status, note = SUPERSEDED, f"已被 {replaced[f.file]} 替代（以填报日期最晚的一份为准）"
    else:
        status, note = ACCEPTED, _accepted_note(f.warnings)
    if not _received_by(f, campaign):
        note = (f"{f.sub.kind.date_field}为 {f.date}，晚于统计截止日 {campaign.as_of}，本次统计不计入"
                + (f"；{note}" if note else ""))
    return ManifestRow(f.file, r.sha256, f.sub.kind.title, f.code or "", f.name or str(f.sub.value("支部名称") or ""),
                       f.period or "", status, f.errors, f.warnings, note)


def with_warnings(assessment: Assessment, found: Iterable[Issue]) -> Assessment:
    """Warnings only known after scoring (a 通过 against the shortlist's criteria): listed in the issues'
    order and counted in their file's manifest row; no file's status changes."""
    extra: dict[str, list[Issue]] = defaultdict(list)
    for i in found:
        extra[i.file].append(i)
    if not extra:
        return assessment
    filed = {p: replace(f, warnings=f.warnings + len(extra[p])) if p in extra else f
             for p, f in assessment.filed.items()}
    added = _named([i for more in extra.values() for i in more], filed)
    issues = sorted([*assessment.issues, *added], key=issue_order)
    manifest = tuple(_more_warnings(row, len(extra[row.文件])) if row.文件 in extra else row
                     for row in assessment.manifest)
    return replace(assessment, manifest=manifest, issues=tuple(issues), filed=filed)


def _more_warnings(row: ManifestRow, more: int) -> ManifestRow:
    warnings = row.警告数 + more
    plain = row.状态 == ACCEPTED and row.说明 in ("", _accepted_note(row.警告数))
    note = _accepted_note(warnings) if plain else row.说明
    return replace(row, 警告数=warnings, 说明=note)


def _accepted_note(warnings: int) -> str:
    return f"有 {warnings} 处警告，请见问题清单" if warnings else ""


def _named(found: list[Issue], filed: dict[str, Filed]) -> list[Issue]:
    """Put the roster name (or the name as written) on every issue, for notices grouped by branch."""
    out = []
    for i in found:
        if i.branch:
            out.append(i)
            continue
        f = filed.get(i.file)
        name = (f.name or str(f.sub.value("支部名称") or "")) if f else ""
        out.append(replace(i, branch=name))
    return out

