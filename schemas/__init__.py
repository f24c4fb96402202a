"""One schema module per form kind; `schemas_for` builds the pandera schemas of a kind."""

from __future__ import annotations

from types import ModuleType

import pandera.pandas as pa

from pipeline.forms import FormKind
from schemas import application, inspection, monthly, quarterly, recognition, review, roster
from schemas.checks import schema_for

MODULES: dict[str, ModuleType] = {
    "roster": roster, "apply_create": application, "apply_improve": application, "monthly": monthly,
    "quarterly": quarterly, "recognition": recognition, "inspection": inspection, "review": review,
}


def schemas_for(kind: FormKind) -> dict[str, pa.DataFrameSchema]:
    """"" → the form block's schema; a table name → that table's schema."""
    module = MODULES[kind.key]
    out = {"": schema_for(kind.title, kind.fields, module.FORM)}
    for table in kind.tables:
        out[table.name] = schema_for(f"{kind.title}·{table.name}", table.columns, module.TABLES.get(table.name))
    return out
