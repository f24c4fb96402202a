"""A located form → typed values, each still tied to its cell; unparseable cells become issues."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from pipeline.config import Campaign
from pipeline.forms import FieldSpec, FormKind, TableSpec
from pipeline.issues import Issue, issue
from pipeline.parse import values as v
from pipeline.read.blocks import Cell, RawForm, RawTable

CELLS = "_cells"  # object column: label -> Cell, so any later check can name its cell
FILE = "_file"
ROW = "_row"


@dataclass(frozen=True)
class Submission:
    """One readable form: typed values, where each came from, and the issues found so far."""

    file: str
    kind: FormKind
    record: dict[str, object]
    cells: dict[str, Cell]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # index = Excel row
    issues: tuple[Issue, ...] = ()
    unparsed: frozenset[tuple[str, int, str]] = frozenset()  # (table or "", row, label) already reported

    def value(self, label: str) -> object:
        return self.record.get(label)

    def cell(self, label: str) -> tuple[str, str]:
        c = self.cells.get(label)
        return (c.sheet, c.ref) if c else (self.kind.sheet or "", "")


# What branches write for an option, beyond spacing and the 党 in 党支部 / 党总支.
OPTION_ALIASES = {
    "完成": "已完成", "延期": "已延期", "正在进行": "进行中", "整改完成": "已整改", "已完成整改": "已整改",
    "正在整改": "整改中", "公众号": "微信公众号", "微信": "微信公众号", "网络": "网站", "报纸": "报刊",
    "定期督查": "定期", "不定期督查": "不定期", "随机": "不定期",
}


def option_of(raw: object, options: tuple[str, ...]) -> v.Parsed:
    """An enum value as the template's option when it plainly means one; otherwise as written."""
    parsed = v.parse_text(raw)
    if parsed.value is None or parsed.value in options:
        return parsed
    squashed = "".join(unicodedata.normalize("NFKC", str(parsed.value)).split())
    for candidate in (squashed, squashed.replace("党", ""), OPTION_ALIASES.get(squashed, "")):
        if candidate in options:
            return v.Parsed(candidate)
    return parsed  # the schema reports it with the list of options


def parser_for(spec: FieldSpec, campaign: Campaign) -> Callable[[object], v.Parsed]:
    year, months = campaign.year, campaign.months
    return {
        "text": v.parse_text, "enum": lambda raw: option_of(raw, spec.options), "code": v.parse_code,
        "int": v.parse_int,
        "number": v.parse_number, "date": lambda raw: v.parse_date(raw, year), "percent": v.parse_percent,
        "phone": v.parse_phone,
        "month": lambda raw: v.parse_month(raw, year, months),
        "quarter": lambda raw: v.parse_quarter(raw, year),
        "due": lambda raw: v.parse_due(raw, year, months),
    }[spec.type]


def parse_form(raw: RawForm, file: str, campaign: Campaign) -> Submission:
    kind = raw.kind
    issues: list[Issue] = []
    unparsed: set[tuple[str, int, str]] = set()
    record: dict[str, object] = {}
    cells: dict[str, Cell] = {}
    for spec in kind.fields:
        cell = raw.fields.get(spec.label)
        if cell is None:
            record[spec.label] = None
            if spec.required:
                issues.append(issue("field-missing", file, kind.sheet or "", "", spec.label))
                unparsed.add(("", 0, spec.label))
            continue
        cells[spec.label] = cell
        record[spec.label] = _typed(spec, cell, file, campaign, issues, unparsed, ("", 0))
    tables = {}
    for spec in kind.tables:
        table = raw.tables.get(spec.name)
        if table is None and spec.min_rows:
            columns = "、".join(spec.required_labels)
            issues.append(issue("table-missing", file, spec.sheet, "", spec.name, columns=columns))
        elif table is not None and len(_filled(spec, table)) < spec.min_rows:
            issues.append(issue("table-empty", file, table.sheet, table.first_ref, spec.name))
        tables[spec.name] = _table_frame(spec, table, file, campaign, issues, unparsed)
    return Submission(file, kind, record, cells, tables, tuple(issues), frozenset(unparsed))


def _typed(spec: FieldSpec, cell: Cell, file: str, campaign: Campaign, issues: list[Issue],
           unparsed: set[tuple[str, int, str]], where: tuple[str, int]) -> object:
    result = parser_for(spec, campaign)(cell.value)
    shown = v.parse_text(cell.value).value or ""
    if result.error:
        issues.append(issue("unparseable", file, cell.sheet, cell.ref, spec.label, shown, detail=result.error))
        unparsed.add((*where, spec.label))
    elif result.warning:
        code = "bad-phone" if spec.type == "phone" else "parse-warning"
        issues.append(issue(code, file, cell.sheet, cell.ref, spec.label, shown, detail=result.warning))
    return result.value


def _filled(spec: TableSpec, table: RawTable) -> tuple[tuple[int, dict[str, Cell]], ...]:
    """The table's rows without the pre-filled ones nobody has filled in yet (`unfilled_when_empty`)."""
    if not spec.unfilled_when_empty:
        return table.rows
    return tuple((n, cells) for n, cells in table.rows
                 if not all(cells.get(label) is None or v.is_blank(cells[label].value)
                            for label in spec.unfilled_when_empty))


def _table_frame(spec: TableSpec, table: RawTable | None, file: str, campaign: Campaign,
                 issues: list[Issue], unparsed: set[tuple[str, int, str]]) -> pd.DataFrame:
    columns = [*spec.labels, *(table.extras if table else ())]
    rows: list[dict[str, object]] = []
    index: list[int] = []
    for row_no, cells in _filled(spec, table) if table else ():
        row: dict[str, object] = {}
        for col in spec.columns:
            cell = cells.get(col.label)
            row[col.label] = None if cell is None else _typed(
                col, cell, file, campaign, issues, unparsed, (spec.name, row_no))
        for extra in table.extras if table else ():
            row[extra] = v.parse_text(cells[extra].value).value
        row[CELLS] = cells
        rows.append(row)
        index.append(row_no)
    names = [*columns, CELLS]
    if len(set(names)) == len(names):  # built column-wise: several times faster than from row dicts
        data = {name: [row.get(name) for row in rows] for name in names}
        frame = pd.DataFrame(data, columns=names, index=pd.Index(index, name=ROW), dtype=object)
    else:
        frame = pd.DataFrame(rows, columns=names, index=pd.Index(index, name=ROW), dtype=object)
    frame.attrs["sheet"] = table.sheet if table else spec.sheet
    return frame


def column_lists(frame: pd.DataFrame, names: list[str] | None = None) -> dict[str, list[object]]:
    """A parsed table's columns as lists of the very values it holds, from one 2-D array (per-column
    frame access costs more than the rows themselves on the small tables forms have)."""
    names = list(frame.columns) if names is None else names
    if frame.columns.is_unique and all(d.kind == "O" for d in frame.dtypes):
        at = {c: i for i, c in enumerate(frame.columns)}
        rows = frame.to_numpy()
        return {c: rows[:, at[c]].tolist() for c in names}
    return {c: frame[c].tolist() for c in names}

