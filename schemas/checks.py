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
from pipeline.issues import RULES, Issue, issue

PLACEHOLDERS = frozenset({"无", "略", "见附件", "/", "-", "——", "—", "暂无", "同上", "详见附件", "见上", "空"})
NOT_PERSONS = frozenset({"全体党员", "支部", "全体", "党员", "班子", "支委", "支部委员会", "党支部", "全体教师",
                         "支委会", "领导班子", "全体人员"})
NARRATIVE_MIN = 10
BRAND_MAX = 10  # the seed: a brand name within 10 characters

# Every check is named with the code of the issue it raises (pipeline.issues.RULES); a failure is
# linked back to its check by that name, never by its wording.
REQUIRED = "required-missing"  # pandera's own nullability check
NOT_NULLABLE = "not_nullable"
OPTIONS = "not-in-options"
RANGE = "out-of-range"
FAILURE_COLUMNS = ["column", "code", "failure_case", "index"]


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


narrative_check = pa.Check(is_narrative_enough, name="too-brief")
brand_length_check = pa.Check(lambda s: s.map(brand_length) <= BRAND_MAX, name="brand-name-too-long")
members_check = pa.Check(lambda s: (s < 1) | (s >= 3), name="too-few-members")
assignee_check = pa.Check(is_person, name="assignee-not-person")


def bounds(spec: FieldSpec) -> tuple[float, float | None] | None:
    """The range a field's numbers must lie in, from its description: a score 0 … its maximum, a
    percent 0 … 100, a required count at least 1 (no upper bound); None when unbounded."""
    if spec.maximum is not None:
        return 0, spec.maximum
    if spec.type == "percent":
        return 0, 100
    if spec.type == "int" and spec.required:
        return 1, None
    return None


def range_check(low: float, high: float | None) -> pa.Check:
    if high is None:
        return pa.Check.ge(low, name=RANGE)
    return pa.Check.in_range(low, high, name=RANGE)


def column_for(spec: FieldSpec, extra: Sequence[pa.Check] = ()) -> pa.Column:
    checks = list(extra)
    if spec.options:
        checks.append(pa.Check.isin(list(spec.options), name=OPTIONS))
    limits = bounds(spec)
    if limits is not None:
        checks.append(range_check(*limits))
    if spec.label in NARRATIVE and spec.type == "text":
        checks.append(narrative_check)
    return pa.Column(object, checks=checks, nullable=not spec.required, required=False)


def schema_for(name: str, specs: Iterable[FieldSpec],
               extra: dict[str, Sequence[pa.Check]] | None = None) -> pa.DataFrameSchema:
    extra = extra or {}
    columns = {s.label: column_for(s, extra.get(s.label, ())) for s in specs}
    return pa.DataFrameSchema(columns, name=name, strict=False, coerce=False)


def failures(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame:
    """Every failure of one lazy validation call as (column, code, failure_case, index), `code` being
    the name of the check that failed (found by its number in the column), without pandera's echoes
    of coercion errors."""
    if frame.empty:
        return pd.DataFrame(columns=FAILURE_COLUMNS)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
        cases = cases[cases["schema_context"] == "Column"]
        codes = [_check_name(schema, str(col), check, number)
                 for col, check, number in zip(cases["column"], cases["check"], cases["check_number"], strict=True)]
        return cases.assign(code=codes)[FAILURE_COLUMNS]
    return pd.DataFrame(columns=FAILURE_COLUMNS)


def _check_name(schema: pa.DataFrameSchema, column: str, check: object, number: object) -> str:
    if check == NOT_NULLABLE:
        return REQUIRED
    if number is None or pd.isna(number):
        return str(check)  # a schema-level failure of no named check: no issue is built for it
    return str(schema.columns[column].checks[int(number)].name)


def issue_for_failure(code: str, label: str, spec: FieldSpec | None, value: object, file: str,
                      sheet: str, cell: str) -> Issue | None:
    """The issue a failed check raises; its wording's parameters come from the field's description."""
    if code == REQUIRED:
        return issue(code, file, sheet, cell, label)
    if code not in RULES:
        return None
    shown = "" if value is None else _display(value)
    limits = bounds(spec) if spec else None
    low, high = ("0", "不限") if limits is None else (str(limits[0]), "不限" if limits[1] is None else str(limits[1]))
    options = "、".join(spec.options) if spec else ""
    return issue(code, file, sheet, cell, label, shown, options=options, low=low, high=high,
                 length=len(_squash(value)))


def _display(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
