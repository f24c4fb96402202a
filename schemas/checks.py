"""Checks shared by several kinds, registered once, and the mapping of pandera failures to issues.

Each kind's schema is built from its description in `pipeline.forms` (labels, required, options,
ranges), so the template, the reader and the validator cannot disagree; the kind's own module in
`schemas/` adds the rules that only it has.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import pandas as pd
import pandera.pandas as pa

from pipeline.forms import NARRATIVE, FieldSpec
from pipeline.issues import Issue, issue

PLACEHOLDERS = frozenset({"无", "略", "见附件", "/", "-", "——", "—", "暂无", "同上", "详见附件", "见上", "空"})
NOT_PERSONS = frozenset({"全体党员", "支部", "全体", "党员", "班子", "支委", "支部委员会", "党支部", "全体教师",
                         "支委会", "领导班子", "全体人员"})
NARRATIVE_MIN = 10
BRAND_MAX = 10  # the seed: a brand name within 10 characters

TOO_BRIEF = "内容过于简略"
BRAND_TOO_LONG = "品牌名称超过10个字"
FEW_MEMBERS = "正式党员不足3人"
NOT_PERSON = "责任未落实到具体承办人"

CHECK_CODES = {
    TOO_BRIEF: "too-brief",
    BRAND_TOO_LONG: "brand-name-too-long",
    FEW_MEMBERS: "too-few-members",
    NOT_PERSON: "assignee-not-person",
}


def _squash(text: object) -> str:
    return re.sub(r"\s", "", str(text))


def brand_length(text: object) -> int:
    """A brand name's length as the rule counts it: spaces do not count."""
    return len(_squash(text))


def is_narrative_enough(s: pd.Series) -> pd.Series:
    squashed = s.map(_squash)
    return ~squashed.isin(PLACEHOLDERS) & (squashed.str.len() >= NARRATIVE_MIN)


def is_person(s: pd.Series) -> pd.Series:
    return ~s.map(_squash).isin(NOT_PERSONS)


narrative_check = pa.Check(is_narrative_enough, error=TOO_BRIEF)
brand_length_check = pa.Check(lambda s: s.map(brand_length) <= BRAND_MAX, error=BRAND_TOO_LONG)
members_check = pa.Check(lambda s: (s < 1) | (s >= 3), error=FEW_MEMBERS)
assignee_check = pa.Check(is_person, error=NOT_PERSON)


def column_for(spec: FieldSpec, extra: Sequence[pa.Check] = ()) -> pa.Column:
    checks = list(extra)
    if spec.options:
        checks.append(pa.Check.isin(list(spec.options)))
    if spec.type == "percent":
        checks.append(pa.Check.in_range(0, 100))
    if spec.maximum is not None:
        checks.append(pa.Check.in_range(0, spec.maximum))
    if spec.type == "int" and spec.required:
        checks.append(pa.Check.ge(1))
    if spec.label in NARRATIVE and spec.type == "text":
        checks.append(narrative_check)
    return pa.Column(object, checks=checks, nullable=not spec.required, required=False)


def schema_for(name: str, specs: Iterable[FieldSpec],
               extra: dict[str, Sequence[pa.Check]] | None = None) -> pa.DataFrameSchema:
    extra = extra or {}
    columns = {s.label: column_for(s, extra.get(s.label, ())) for s in specs}
    return pa.DataFrameSchema(columns, name=name, strict=False, coerce=False)


def failures(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame:
    """Every failure of one lazy validation call, without pandera's echoes of coercion errors."""
    if frame.empty:
        return pd.DataFrame(columns=["column", "check", "failure_case", "index"])
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
        return cases[cases["schema_context"] == "Column"][["column", "check", "failure_case", "index"]]
    return pd.DataFrame(columns=["column", "check", "failure_case", "index"])


def issue_for_failure(check: str, label: str, spec: FieldSpec | None, value: object, file: str,
                      sheet: str, cell: str) -> Issue | None:
    shown = "" if value is None else _display(value)
    if check == "not_nullable":
        return issue("required-missing", file, sheet, cell, label)
    if check.startswith("isin"):
        options = "、".join(spec.options) if spec else ""
        return issue("not-in-options", file, sheet, cell, label, shown, options=options)
    if check.startswith(("in_range", "greater_than", "less_than")):
        low, high = _bounds(check)
        return issue("out-of-range", file, sheet, cell, label, shown, low=low, high=high)
    code = CHECK_CODES.get(check)
    if code is None:
        return None
    return issue(code, file, sheet, cell, label, shown, length=len(_squash(value)))


def _bounds(check: str) -> tuple[str, str]:
    numbers = re.findall(r"-?\d+(?:\.\d+)?", check)
    if check.startswith("in_range") and len(numbers) >= 2:
        return numbers[0], numbers[1]
    if check.startswith("greater_than"):
        return (numbers[0] if numbers else "0"), "不限"
    return "0", (numbers[0] if numbers else "不限")


def _display(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
