"""Run each kind's pandera schemas once over all its files and map failures back to cells."""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from pipeline.forms import FormKind, TableSpec
from pipeline.issues import Issue
from pipeline.parse.forms import FILE, ROW, Submission
from schemas import schemas_for
from schemas.checks import failures, issue_for_failure


def validate_kind(kind: FormKind, subs: list[Submission]) -> dict[str, list[Issue]]:
    """file → schema issues, for every submission of one kind, in one validation call per block."""
    found: dict[str, list[Issue]] = defaultdict(list)
    if not subs:
        return found
    by_file = {s.file: s for s in subs}
    for block, schema in schemas_for(kind).items():
        frame = _block_frame(block, subs)
        specs = {f.label: f for f in (kind.fields if block == "" else _table(kind, block).columns)}
        for case in failures(schema, frame).itertuples(index=False):
            row = frame.iloc[int(case.index)]
            sub = by_file[row[FILE]]
            label = str(case.column)
            if (block, int(row[ROW]), label) in sub.unparsed:
                continue  # already reported as unreadable or absent
            sheet, cell = _where(sub, block, row, label)
            found_issue = issue_for_failure(str(case.code), label, specs.get(label),
                                            case.failure_case, sub.file, sheet, cell)
            if found_issue is not None:
                found[sub.file].append(found_issue)
    return found


def _table(kind: FormKind, name: str) -> TableSpec:
    return next(t for t in kind.tables if t.name == name)


def _block_frame(block: str, subs: list[Submission]) -> pd.DataFrame:
    if block == "":
        rows = [{**s.record, FILE: s.file, ROW: 0} for s in subs]
        return pd.DataFrame(rows, dtype=object).reset_index(drop=True)
    tables = [(s.file, s.tables[block]) for s in subs if block in s.tables and not s.tables[block].empty]
    if not tables:
        return pd.DataFrame(columns=[FILE, ROW])
    # Each file's table with its 文件 and row number, concatenated column-wise once; a column only some
    # files have (an extra header) is empty in the others.
    columns = list(dict.fromkeys(c for _, t in tables for c in t.columns))
    data: dict[str, list[object]] = {ROW: [], **{c: [] for c in columns}, FILE: []}
    for file, table in tables:
        data[ROW] += table.rows
        for c in columns:
            data[c] += table.columns[c] if c in table.columns else [None] * len(table)
        data[FILE] += [file] * len(table)
    return pd.DataFrame(data, columns=[ROW, *columns, FILE], dtype=object)


def _where(sub: Submission, block: str, row: pd.Series, label: str) -> tuple[str, str]:
    return sub.cell(label) if block == "" else sub.tables[block].where(int(row[ROW]), label)
