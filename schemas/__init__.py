"""One schema module per form kind; `schemas_for` builds the pandera schemas of a kind."""

from __future__ import annotations

import importlib
from functools import cache
from types import ModuleType

import pandera.pandas as pa

from pipeline.forms import FormKind
from schemas.checks import schema_for


@cache
def schema_module(name: str) -> ModuleType | None:
    """The kind's own checks: `schemas/<FormKind.schema>.py` (FORM and TABLES); none when unnamed."""
    return importlib.import_module(f"schemas.{name}") if name else None


def schemas_for(kind: FormKind) -> dict[str, pa.DataFrameSchema]:
    """"" → the form block's schema; a table name → that table's schema."""
    module = schema_module(kind.schema)
    form, tables = (module.FORM, module.TABLES) if module else ({}, {})
    out = {"": schema_for(kind.title, kind.fields, form)}
    for table in kind.tables:
        out[table.name] = schema_for(f"{kind.title}·{table.name}", table.columns, tables.get(table.name))
    return out
