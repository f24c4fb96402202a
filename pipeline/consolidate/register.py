"""The recognition register (SPEC §12), pure: the committee's 审核验收 decisions and the register kept from
earlier campaigns → this campaign's recognised brands, every earlier row carried with its 状态 at as_of,
the 复评名单, and the 审核验收表 the committee fills in.

Feeding a run's own register back in changes nothing: a branch passed this campaign whose row (支部编码,
品牌名称, 认定年度) is already in the register keeps that row and its 认定编号.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from pipeline.assess import Assessment
from pipeline.config import Campaign
from pipeline.forms import ACCEPTANCE, REGISTER
from pipeline.issues import Issue, issue
from pipeline.model import CODE
from pipeline.validate.branches import Roster
from pipeline.validate.register import REVOKED, VALID, status_at

COLUMNS = ("认定编号", "支部编码", "支部名称", "品牌名称", "认定年度", "有效期至", "状态", "备注")
RECOGNISED = ("认定编号", "支部编码", "支部名称", "品牌名称", "认定年度", "有效期至")
DECISION = ("验收结论", "验收日期", "审核人", "审核意见")
ACCEPTANCE_COLUMNS = ("支部编码", "支部名称", "品牌名称", "总分", "等次", "排名", "是否入围", "未入围原因", *DECISION)
PASSED = "通过"

Reasons = Callable[[str, float], list[str]]  # (支部编码, 总分) → the shortlist criteria it misses (SPEC §7)


@dataclass(frozen=True)
class Recognition:
    register: pd.DataFrame  # sheet 品牌认定名册: every row, earlier ones carried, by 认定年度 and 认定编号
    recognised: pd.DataFrame  # this campaign's rows for the branches its 审核验收 passed, in 积分卡 order
    review: pd.DataFrame  # sheet 复评名单: 有效 rows expiring by the end of next year's review window
    decided: bool  # the committee's decision was received (a 审核验收 row dated by as_of)
    acceptance: pd.DataFrame  # 审核验收表 for the committee, pre-filled (decisions received so far included)
    warnings: tuple[Issue, ...]  # found only now that the scores are known: listed on the committee's files

    @classmethod
    def nothing(cls) -> Recognition:
        """No register and no decision (a `Results` built by hand)."""
        empty = pd.DataFrame(columns=list(COLUMNS), dtype=object)
        return cls(empty, empty.reindex(columns=list(RECOGNISED)), empty, False,
                   pd.DataFrame(columns=list(ACCEPTANCE_COLUMNS), dtype=object), ())


def recognition(standing: dict[str, pd.DataFrame], card: pd.DataFrame, missed: pd.DataFrame,
                applied: set[str], reasons: Reasons, assessment: Assessment, campaign: Campaign) -> Recognition:
    """`standing`: the committee's kept records (审核验收 winners per branch, register rows) as ledger frames;
    `applied`: the branches with an accepted recognition application."""
    roster = assessment.roster
    decisions = standing[ACCEPTANCE.tables[0].name]
    earlier, warnings = carried(standing[REGISTER.tables[0].name], roster, assessment, campaign)
    passed = decisions[decisions["验收结论"] == PASSED]
    rows, found = _passed_rows(passed, card, earlier, reasons, assessment, campaign)
    new = [r for r in rows if r["认定编号"] not in set(earlier["认定编号"])]
    register = _sorted(pd.DataFrame([*earlier.to_dict("records"), *new], columns=list(COLUMNS), dtype=object))
    recognised = pd.DataFrame(rows, columns=list(COLUMNS), dtype=object).reindex(columns=list(RECOGNISED))
    return Recognition(
        register=register, recognised=recognised, review=review_list(register, campaign),
        decided=not decisions.empty, acceptance=acceptance_sheet(card, missed, applied, decisions),
        warnings=(*warnings, *found),
    )


# ---- earlier rows ----------------------------------------------------------------------------

def carried(rows: pd.DataFrame, roster: Roster, assessment: Assessment,
            campaign: Campaign) -> tuple[pd.DataFrame, list[Issue]]:
    """Every earlier row once (the first of each 认定编号, and of each 支部编码 + 品牌名称 + 认定年度; a copy
    marked 已撤销 comes first, since revoking is the committee's deliberate act), its 状态 recomputed at
    as_of and the reason noted in 备注 when the branch has been dissolved."""
    out, warnings = [], []
    numbers: dict[str, tuple[object, ...]] = {}
    seen: set[tuple[object, ...]] = set()
    records = rows.to_dict("records")
    for row in sorted(records, key=lambda r: r["状态"] != REVOKED):  # stable: file order otherwise
        number, same = str(row["认定编号"]), _identity(row["支部编码"], row["品牌名称"], row["认定年度"])
        if number in numbers or same in seen:
            if numbers.get(number, same) != same:
                warnings.append(_register_warning(row, assessment))
            continue
        numbers[number] = same
        seen.add(same)
        status, note = status_at(row["状态"], row["有效期至"], str(row["支部编码"]), roster, campaign.as_of)
        remark = str(row["备注"] or "")
        if note and note not in remark:
            remark = f"{remark}；{note}" if remark else note
        out.append({**{c: row.get(c) for c in COLUMNS}, "状态": status, "备注": remark or None})
    return pd.DataFrame(out, columns=list(COLUMNS), dtype=object), warnings


def _identity(code: object, brand: object, year: object) -> tuple[object, ...]:
    return str(code), "".join(str(brand).split()), year


def _register_warning(row: dict[str, object], assessment: Assessment) -> Issue:
    sheet, cell = _cell(assessment, REGISTER.tables[0].name, row, "认定编号",
                        lambda r: str(r["认定编号"]) == str(row["认定编号"]))
    return issue("register-number-duplicate", str(row["来源文件"]), sheet, cell, "认定编号", row["认定编号"])


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    """By 认定年度, then 认定编号 read as numbers (2016-1000 after 2016-999)."""
    if frame.empty:
        return frame.reset_index(drop=True)
    key = frame.apply(lambda r: (int(r["认定年度"]), _natural(str(r["认定编号"]))), axis=1)
    return frame.iloc[sorted(range(len(frame)), key=lambda n: key.iat[n])].reset_index(drop=True)


def _natural(text: str) -> tuple[tuple[int, object], ...]:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", text) if p)


# ---- this campaign's decisions ---------------------------------------------------------------

def _passed_rows(passed: pd.DataFrame, card: pd.DataFrame, earlier: pd.DataFrame, reasons: Reasons,
                 assessment: Assessment, campaign: Campaign) -> tuple[list[dict[str, object]], list[Issue]]:
    """One register row per branch passed, in 积分卡 rank order (ties by 支部编码): its row already in the
    register, or a new one numbered after this year's highest 认定编号 (from 001)."""
    year = campaign.year
    decision = {str(r["支部编码"]): r for r in passed.to_dict("records")}
    existing = {_identity(r["支部编码"], r["品牌名称"], r["认定年度"]): r for r in earlier.to_dict("records")}
    taken = [int(str(n).rsplit("-", 1)[1]) for n in earlier["认定编号"]
             if re.fullmatch(rf"{year}-\d+", str(n))]
    counter = max(taken, default=0)
    rows: list[dict[str, object]] = []
    warnings: list[Issue] = []
    in_card = set(card["支部编码"])
    for r in card.to_dict("records"):
        code = str(r["支部编码"])
        if code not in decision:
            continue
        brand, missing = r["品牌名称"], reasons(code, float(r["总分"]))
        if missing:
            warnings.append(_decision_warning("acceptance-ineligible", decision[code], assessment,
                                              reasons="；".join(missing)))
        if not brand:
            warnings.append(_decision_warning("acceptance-not-recorded", decision[code], assessment,
                                              reason="该支部没有已受理的品牌申报表，品牌名称不详"))
            continue
        same = existing.get(_identity(code, brand, year))
        if same is None:
            counter += 1
            same = {"认定编号": f"{year}-{counter:03d}", "支部编码": code, "支部名称": r["支部名称"],
                    "品牌名称": brand, "认定年度": year,
                    "有效期至": valid_until(campaign), "状态": None, "备注": None}
            same["状态"] = status_at(None, same["有效期至"], code, assessment.roster, campaign.as_of)[0]
        rows.append(same)
    for code, row in sorted(decision.items()):
        if code not in in_card:
            warnings.append(_decision_warning("acceptance-not-recorded", row, assessment,
                                              reason=_not_active(code, assessment.roster, campaign)))
    return rows, warnings


def valid_until(campaign: Campaign) -> dt.date:
    """31 December of the campaign year + `recognition_valid_years`."""
    return dt.date(campaign.year + campaign.recognition_valid_years, 12, 31)


def _not_active(code: str, roster: Roster, campaign: Campaign) -> str:
    dissolved, founded = roster.dissolved(code), roster.founded(code)
    if dissolved is not None and dissolved <= campaign.as_of:
        return f"该支部已于 {dissolved.isoformat()} 撤销"
    if founded is not None and founded > campaign.as_of:
        return f"该支部 {founded.isoformat()} 才成立"
    return "该支部不在本次考核范围内"


def _decision_warning(code: str, row: dict[str, object], assessment: Assessment, **kw: object) -> Issue:
    """A warning on the decision's own 验收结论 cell (the winning row of its file)."""
    sheet, cell = _cell(assessment, ACCEPTANCE.tables[0].name, row, "验收结论",
                        lambda r: r[f"_{CODE}"] == row["支部编码"] and r["验收日期"] == row["验收日期"])
    return issue(code, str(row["来源文件"]), sheet, cell, "验收结论", row["验收结论"], **kw)


def _cell(assessment: Assessment, table: str, row: dict[str, object], label: str,
          same: Callable[[dict[str, object]], bool]) -> tuple[str, str]:
    """Where a ledger row came from: the last row of its file that `same` recognises."""
    filed = assessment.filed.get(str(row["来源文件"]))
    frame = filed.sub.tables.get(table) if filed else None
    if frame is None:
        return "", ""
    hits = [i for i, row in enumerate(frame.records()) if same(row)]
    return frame.where_at(hits[-1], label) if hits else (frame.sheet, "")


# ---- the lists -------------------------------------------------------------------------------

def review_list(register: pd.DataFrame, campaign: Campaign) -> pd.DataFrame:
    """Rows 有效 at as_of whose 有效期至 falls by the end of next year's review window: they would lapse
    before the round after next, so they are re-reviewed next round."""
    end = next_year(campaign.review.end)
    keep = [s == VALID and isinstance(d, dt.date) and d <= end
            for s, d in zip(register["状态"], register["有效期至"], strict=True)]
    return register[keep].reset_index(drop=True)


def next_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def acceptance_sheet(card: pd.DataFrame, missed: pd.DataFrame, applied: set[str],
                     decisions: pd.DataFrame) -> pd.DataFrame:
    """Every active branch that applied for recognition (and any other the committee decided on), in
    积分卡 order, with the decisions received so far filled in."""
    why = dict(zip(missed["支部编码"], missed["原因"], strict=True))
    decided = {str(r["支部编码"]): r for r in decisions.to_dict("records")}
    rows = []
    for r in card.to_dict("records"):
        code = str(r["支部编码"])
        if code not in applied and code not in decided:
            continue
        got = decided.get(code, {})
        rows.append({"支部编码": code, "支部名称": r["支部名称"], "品牌名称": r["品牌名称"] or None,
                     "总分": r["总分"], "等次": r["等次"], "排名": r["排名"],
                     "是否入围": "否" if code in why else "是", "未入围原因": why.get(code),
                     **{c: got.get(c) for c in DECISION}})
    return pd.DataFrame(rows, columns=list(ACCEPTANCE_COLUMNS), dtype=object)
