"""The register of recognised brands (SPEC §12): each row's 状态 at as_of, and what this year's
applications are checked against — the brands earlier campaigns recognised that are still 有效."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from pipeline.config import Campaign
from pipeline.forms import APPLY_CREATE
from pipeline.issues import Issue, issue
from pipeline.model import CODE
from pipeline.parse.forms import Submission
from pipeline.validate.branches import Roster

VALID, EXPIRED, REVOKED = "有效", "到期", "已撤销"
NOT_ON_ROSTER = "支部已不在支部名册中"


@dataclass(frozen=True)
class Recognised:
    """One row of the register as the rules need it."""

    number: str
    code: str
    brand: str
    year: int
    valid_until: dt.date


def status_at(status: object, valid_until: object, code: str, roster: Roster, as_of: dt.date) -> tuple[str, str]:
    """(状态, 备注 to add) at as_of: 已撤销 stays; a branch dissolved by as_of (or gone from the roster) is
    已撤销; otherwise 有效 while 有效期至 ≥ as_of and 到期 after."""
    if status == REVOKED:
        return REVOKED, ""
    if code not in roster.branches.index:
        return REVOKED, NOT_ON_ROSTER
    dissolved = roster.dissolved(code)
    if dissolved is not None and dissolved <= as_of:
        return REVOKED, f"支部已于 {dissolved.isoformat()} 撤销"
    if isinstance(valid_until, dt.date) and valid_until >= as_of:
        return VALID, ""
    return EXPIRED, ""


def valid_earlier(registers: list[Submission], roster: Roster, campaign: Campaign) -> dict[str, list[Recognised]]:
    """支部编码 → the brands earlier campaigns recognised that are 有效 at as_of (this campaign's own
    rows, fed back in, do not count: a branch is not warned about the brand it was just recognised for)."""
    rows = [row for sub in registers for row in zip(*(sub.tables[sub.kind.tables[0].name][c] for c in (
        "认定编号", f"_{CODE}", "品牌名称", "认定年度", "有效期至", "状态")), strict=True)]
    revoked = {str(number) for number, *_, status in rows if status == REVOKED}  # in any copy of the register
    out: dict[str, list[Recognised]] = defaultdict(list)
    for number, code, brand, year, until, status in rows:
        if not code or not isinstance(year, int) or year >= campaign.year or not isinstance(until, dt.date):
            continue
        if str(number) not in revoked and status_at(status, until, str(code), roster, campaign.as_of)[0] == VALID:
            out[str(code)].append(Recognised(str(number), str(code), str(brand or ""), year, until))
    return out


def application_issues(sub: Submission, brands: list[Recognised]) -> list[Issue]:
    """创建 with a brand already 有效, and a 品牌名称 other than the 有效 registered one: both 警告."""
    if not brands:
        return []
    latest = max(brands, key=lambda b: (b.year, b.number))
    brand = sub.value("品牌名称")
    where = sub.cell("品牌名称")
    known = {"registered": latest.brand, "year": latest.year, "number": latest.number,
             "until": latest.valid_until.isoformat()}
    out = []
    if sub.kind.application_type == APPLY_CREATE.application_type:
        out.append(issue("registered-brand-create", sub.file, *where, "品牌名称", brand, **known))
    if brand and all(_squash(brand) != _squash(b.brand) for b in brands):
        out.append(issue("registered-brand-differs", sub.file, *where, "品牌名称", brand, **known))
    return out


def _squash(text: object) -> str:
    return "".join(str(text).split())
