"""pandera checks are linked to issues by name: each is named with the issue code it raises, and its
bounds come from the field's description (never parsed back out of a check's name or message)."""

import factory as f
import pandas as pd
import pytest

from pipeline.forms import FieldSpec, form_kinds
from pipeline.issues import RULES
from schemas import schemas_for
from schemas.checks import failures, issue_for_failure, schema_for


def test_every_check_of_every_kind_is_named_with_an_issue_code():
    for kind in form_kinds(f.campaign()):
        for block, schema in schemas_for(kind).items():
            for label, column in schema.columns.items():
                for check in column.checks:
                    assert check.name in RULES, (kind.key, block, label, check.name)


@pytest.mark.parametrize(("spec", "value", "fix"), [
    (FieldSpec("得分", "number", maximum=7), 8, "应在 0 至 7 之间"),
    (FieldSpec("得分", "number", maximum=7.5), -1, "应在 0 至 7.5 之间"),
    (FieldSpec("比例", "percent"), 101, "应在 0 至 100 之间"),
    (FieldSpec("人数", "int", required=True), 0, "应在 1 至 不限 之间"),
])
def test_range_failures_take_their_bounds_from_the_field(spec, value, fix):
    frame = pd.DataFrame({spec.label: [value, None if not spec.required else 1]}, dtype=object)
    found = failures(schema_for("t", [spec]), frame)
    assert list(found["code"]) == ["out-of-range"] and list(found["index"]) == [0]
    issue = issue_for_failure("out-of-range", spec.label, spec, value, "f.xlsx", "表", "B2")
    assert issue is not None and issue.fix == fix and issue.code == "out-of-range"


def test_option_and_required_failures_are_named():
    spec = FieldSpec("方式", "enum", required=True, options=("定期", "不定期"))
    found = failures(schema_for("t", [spec]), pd.DataFrame({"方式": ["突击", None, "定期"]}, dtype=object))
    assert sorted(zip(found["index"], found["code"], strict=True)) == [(0, "not-in-options"), (1, "required-missing")]
    issue = issue_for_failure("not-in-options", "方式", spec, "突击", "f.xlsx", "表", "B2")
    assert issue is not None and issue.fix == "请从以下选项中选择：定期、不定期"
