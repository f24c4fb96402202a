"""A located form → typed values, each still tied to its cell; unparseable cells become issues."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from pipeline.config import Campaign
from pipeline.forms import FieldSpec, FormKind, TableSpec
from pipeline.issues import Issue, issue
from pipeline.parse import values as v
from pipeline.read.blocks import Cell, RawForm, RawTable

FILE = "_file"  # the columns a kind's frame adds to its tables' own (validate/schema.py)
ROW = "_row"


@dataclass(frozen=True)
class Table:
    """One parsed table as column lists: label → values in row order, and label → the cell each value came from.

    Forms hold a handful of rows each and a city's inbox some 15,000 of them: a pandas frame per table
    cost more to build, ship between processes and take apart than the values themselves (issue 10);
    tables become frames once per kind, where pandera validates them. A table lies on one sheet, so a
    value's place is its cell name alone (A1, or 表格2 第3行第1列 in a Word form): lists of strings, which
    the worker pool and the cache move at C speed, where an object per cell cost more than the values."""

    sheet: str
    rows: tuple[int, ...]  # the Excel (or Word table) row of each row
    columns: dict[str, list[object]]  # label → values
    refs: dict[str, list[str]] = field(default_factory=dict)  # label → each row's cell, for the columns found

    def __len__(self) -> int:
        return len(self.rows)

    def __contains__(self, label: object) -> bool:
        return label in self.columns

    def __getitem__(self, label: str) -> list[object]:
        return self.columns[label]

    @property
    def empty(self) -> bool:
        return not self.rows

    @property
    def labels(self) -> list[str]:
        return list(self.columns)

    def items(self, label: str) -> Iterator[tuple[int, object]]:
        """(row, value) of one column."""
        return zip(self.rows, self.columns[label], strict=True)

    @cached_property
    def _position(self) -> dict[int, int]:
        return {row: i for i, row in enumerate(self.rows)}

    def where(self, row: int, label: str) -> tuple[str, str]:
        """(sheet, cell) of the value on an Excel row; the table's sheet alone when the column was not found."""
        return self.where_at(self._position[row], label)

    def where_at(self, index: int, label: str) -> tuple[str, str]:
        """(sheet, cell) of the value in the table's `index`-th row."""
        refs = self.refs.get(label)
        return (self.sheet, refs[index]) if refs else (self.sheet, "")

    def records(self) -> list[dict[str, object]]:
        """Rows as dicts of the value columns."""
        labels = self.labels
        return [dict(zip(labels, values, strict=True)) for values in zip(*self.columns.values(), strict=True)
                ] if labels else []

    def with_columns(self, **added: list[object]) -> Table:
        return Table(self.sheet, self.rows, {**self.columns, **added}, self.refs)

    def frame(self) -> pd.DataFrame:
        """The table as a frame indexed by row (cold paths: the roster, the register, tests)."""
        frame = pd.DataFrame(self.columns, columns=list(self.columns), index=pd.Index(list(self.rows), name=ROW),
                             dtype=object)
        frame.attrs["sheet"] = self.sheet
        return frame


@dataclass(frozen=True)
class Submission:
    """One readable form: typed values, where each came from, and the issues found so far."""

    file: str
    kind: FormKind
    record: dict[str, object]
    places: dict[str, tuple[str, str]]  # label → (sheet, cell) of each field found (tuples: cheap to unpickle)
    tables: dict[str, Table] = field(default_factory=dict)
    issues: tuple[Issue, ...] = ()
    unparsed: frozenset[tuple[str, int, str]] = frozenset()  # (table or "", row, label) already reported

    def value(self, label: str) -> object:
        return self.record.get(label)

    def cell(self, label: str) -> tuple[str, str]:
        """(sheet, cell) of a field; the form's sheet alone when the label was not found."""
        return self.places.get(label) or (self.kind.sheet or "", "")


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
    return _parser(spec, campaign.year, campaign.months)


@functools.lru_cache(maxsize=1024)  # one per field of each form kind: built once, not once per value
def _parser(spec: FieldSpec, year: int, months: tuple[str, ...]) -> Callable[[object], v.Parsed]:
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
    places: dict[str, tuple[str, str]] = {}
    for spec in kind.fields:
        cell = raw.fields.get(spec.label)
        if cell is None:
            record[spec.label] = None
            if spec.required:
                issues.append(issue("field-missing", file, kind.sheet or "", "", spec.label))
                unparsed.add(("", 0, spec.label))
            continue
        places[spec.label] = (cell.sheet, cell.ref)
        record[spec.label] = _typed(spec, cell, file, campaign, issues, unparsed, ("", 0))
    tables = {}
    for spec in kind.tables:
        table = raw.tables.get(spec.name)
        if table is None and spec.min_rows:
            columns = "、".join(spec.required_labels)
            issues.append(issue("table-missing", file, spec.sheet, "", spec.name, columns=columns))
        elif table is not None and len(_filled(spec, table)) < spec.min_rows:
            issues.append(issue("table-empty", file, table.sheet, table.first_ref, spec.name))
        tables[spec.name] = _table(spec, table, file, campaign, issues, unparsed)
    return Submission(file, kind, record, places, tables, tuple(issues), frozenset(unparsed))


def _typed(spec: FieldSpec, cell: Cell, file: str, campaign: Campaign, issues: list[Issue],
           unparsed: set[tuple[str, int, str]], where: tuple[str, int]) -> object:
    result = parser_for(spec, campaign)(cell.value)
    if result.error:
        shown = v.parse_text(cell.value).value or ""
        issues.append(issue("unparseable", file, cell.sheet, cell.ref, spec.label, shown, detail=result.error))
        unparsed.add((*where, spec.label))
    elif result.warning:
        shown = v.parse_text(cell.value).value or ""
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


def _table(spec: TableSpec, raw: RawTable | None, file: str, campaign: Campaign,
           issues: list[Issue], unparsed: set[tuple[str, int, str]]) -> Table:
    extras = tuple(e for e in raw.extras if e not in (FILE, ROW)) if raw else ()  # headers may say anything
    names = list(dict.fromkeys([*spec.labels, *extras]))  # an extra header repeating a label is one column
    columns: dict[str, list[object]] = {name: [] for name in names}
    headed = {**raw.columns, **raw.extras} if raw else {}
    found = [name for name in names if name in headed]
    refs: dict[str, list[str]] = {name: [] for name in found}
    rows: list[int] = []
    for row_no, cells in _filled(spec, raw) if raw else ():
        for col in spec.columns:
            cell = cells.get(col.label)
            columns[col.label].append(None if cell is None else _typed(
                col, cell, file, campaign, issues, unparsed, (spec.name, row_no)))
        for extra in extras:
            if extra not in spec.labels:
                columns[extra].append(v.parse_text(cells[extra].value).value)
        for name in found:
            refs[name].append(cells[name].ref)
        rows.append(row_no)
    return Table(raw.sheet if raw else spec.sheet, tuple(rows), columns, refs)
