"""Raw grids → a form's labelled values and tables, every value keeping its sheet and A1 cell.

One mechanism for every kind: the kind's description (pipeline.forms) says which labels and
tables to look for; positions are always found, never assumed (SPEC §3 layout conventions).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from pipeline.forms import FormKind, TableSpec, canonical_label, normalise_label
from pipeline.read.workbook import Sheet

TITLE_ROWS = 8  # the title sits in the first rows of the first visible sheet
TITLE_NOISE = re.compile(r"[\"'“”‘’《》〈〉「」『』【】]")  # “一支部一品牌”创建申报表 still names its kind
SECTION = re.compile(r"^[一二三四五六七八九十]+[、.．]")  # a numbered caption such as 二、任务推进情况


@dataclass(frozen=True, slots=True)  # a million of them on a city's inbox: no __dict__ each
class Cell:
    value: object
    sheet: str
    ref: str  # A1


@dataclass(frozen=True)
class RawTable:
    spec: TableSpec
    sheet: str
    header_row: int  # 1-based
    columns: dict[str, int]  # known label -> 0-based column
    extras: dict[str, int]  # unknown header text -> 0-based column
    rows: tuple[tuple[int, dict[str, Cell]], ...]  # (Excel row, label -> cell), extras included
    first_ref: str = ""  # the first cell under the header, named the grid's way (A3, 表格2 第2行第1列)


@dataclass(frozen=True)
class RawForm:
    kind: FormKind
    fields: dict[str, Cell]  # label -> value cell (empty value when the label has nothing beside it)
    tables: dict[str, RawTable | None] = field(default_factory=dict)


def cell_text(value: object) -> str:
    return "" if value is None else str(value).strip()


def detect_kind(sheets: tuple[Sheet, ...], kinds: tuple[FormKind, ...]) -> FormKind | None:
    """From the hidden `_meta` sheet the templates write, else from the title text; a file
    with no title is still known by its sheet names or by a table header only one kind has."""
    by_key = {k.key: k for k in kinds}
    for sheet in sheets:
        if sheet.name == "_meta" and sheet.rows and len(sheet.rows[0]) > 1:
            kind = by_key.get(cell_text(sheet.rows[0][1]))
            if kind is not None:
                return kind
    visible = [s for s in sheets if s.visible and s.name != "_meta"]
    return _by_title(visible, kinds) or _by_sheet_name(visible, kinds) or _by_table_header(visible, kinds)


def _by_title(visible: list[Sheet], kinds: tuple[FormKind, ...]) -> FormKind | None:
    # The first visible sheet decides; a cover or notes sheet in front of the form is tolerated.
    for sheet in visible:
        for row in sheet.rows[:TITLE_ROWS]:
            for value in row:
                text = TITLE_NOISE.sub("", normalise_label(cell_text(value)))
                for kind in kinds:
                    if any(word in text for word in kind.keywords):
                        return kind
    return None


def _by_sheet_name(visible: list[Sheet], kinds: tuple[FormKind, ...]) -> FormKind | None:
    names = {normalise_label(s.name) for s in visible}
    found = [k for k in kinds if k.own_sheets & names]
    sharing = {k.key: [o for o in kinds if o is not k and o.own_sheets & k.own_sheets] for k in found}
    unique = [k for k in found if not sharing[k.key]]
    if unique or not found:
        return unique[0] if unique else None
    # Kinds sharing their sheets (创建 and 完善) are told apart by the labels only one of them asks for.
    distinct = {k.key: set(k.labels) - {label for o in sharing[k.key] for label in o.labels} for k in found}
    for kind in found:
        if distinct[kind.key] and _has_label(visible, tuple(distinct[kind.key])):
            return kind
    return next((k for k in found if not distinct[k.key]), found[0])


def _by_table_header(visible: list[Sheet], kinds: tuple[FormKind, ...]) -> FormKind | None:
    for kind in kinds:
        if kind.sheet is None and any(_find_table([s], kind.tables[0], kind) for s in visible):
            return kind
    return None


def _has_label(sheets: list[Sheet], labels: tuple[str, ...]) -> bool:
    return any(canonical_label(cell_text(v)) in labels for s in sheets for row in s.rows for v in row)


def read_form(sheets: tuple[Sheet, ...], kind: FormKind) -> RawForm:
    """Locate every label and table of the kind, wherever they drifted to."""
    ordered = _sheet_order(sheets, kind.sheet)
    tables = {t.name: _find_table(_sheet_order(sheets, t.sheet), t, kind) for t in kind.tables}
    header_rows = {(t.sheet, t.header_row) for t in tables.values() if t is not None}
    fields = _find_fields(ordered, kind, header_rows)
    return RawForm(kind, fields, tables)


def _sheet_order(sheets: tuple[Sheet, ...], preferred: str | None) -> list[Sheet]:
    """The named sheet first, then the others in workbook order (hidden `_meta` never)."""
    usable = [s for s in sheets if s.name != "_meta"]
    named = [s for s in usable if preferred and normalise_label(s.name) == normalise_label(preferred)]
    return named + [s for s in usable if s not in named]


def _find_fields(sheets: list[Sheet], kind: FormKind,
                 header_rows: set[tuple[str, int]]) -> dict[str, Cell]:
    """Label cells first; then, for labels still missing, `label：value` written in one cell."""
    wanted = set(kind.labels)
    found: dict[str, Cell] = {}
    for inline in (False, True):
        for sheet in sheets:
            for r, c, value in _label_cells(sheet, header_rows):
                label, rest = _label_in(value, wanted, inline)
                if not label or label in found:
                    continue
                if not inline:
                    found[label] = _value_right_of(sheet, r, c, wanted)
                elif not any(cell.sheet == sheet.name and cell.ref == sheet.ref(r, c) for cell in found.values()):
                    found[label] = Cell(rest, sheet.name, sheet.ref(r, c))
            if len(found) == len(wanted):
                return found
    return found


def _label_cells(sheet: Sheet, header_rows: set[tuple[str, int]]) -> Iterator[tuple[int, int, str]]:
    for r, row in enumerate(sheet.rows):
        if (sheet.name, r + 1) in header_rows:
            continue
        for c, value in enumerate(row):
            if isinstance(value, str) and value and (r, c) not in sheet.covered:
                yield r, c, value


def _label_in(text: str, wanted: set[str], inline: bool = False) -> tuple[str | None, str]:
    """(label, "") for a label cell; with `inline`, (label, value) for `支部名称：东山小学党支部`."""
    label = canonical_label(text)
    if not inline:
        return (label, "") if label in wanted else (None, "")
    head, colon, rest = unicodedata.normalize("NFKC", text).partition(":")
    if colon and rest.strip() and canonical_label(head) in wanted:
        return canonical_label(head), rest.strip()
    return None, ""


def _value_right_of(sheet: Sheet, r: int, c: int, labels: set[str]) -> Cell:
    row = sheet.rows[r]
    for cc in range(c + 1, len(row)):
        if (r, cc) in sheet.covered:
            continue  # still inside the label's own merge, or the value's
        value = row[cc]
        if cell_text(value) == "":
            continue
        if isinstance(value, str) and _label_in(value, labels)[0]:
            break  # the next label: this one was left empty
        return Cell(value, sheet.name, sheet.ref(r, cc))
    return Cell("", sheet.name, sheet.ref(r, c + 1))


def _find_table(sheets: list[Sheet], spec: TableSpec, kind: FormKind) -> RawTable | None:
    """The table's header wherever it is; when it appears twice (an empty template sheet left
    beside a table pasted on the form sheet), the one holding rows wins, the named sheet first."""
    needed = set(spec.required_labels) or set(spec.labels)
    best: RawTable | None = None
    for sheet in sheets:
        for r, row in enumerate(sheet.rows):
            columns: dict[str, int] = {}
            for c, value in enumerate(row):
                label = canonical_label(cell_text(value))
                if label in spec.labels and label not in columns:
                    columns[label] = c
            if needed <= set(columns) and len(columns) >= min(2, len(spec.labels)):
                table = _table_rows(sheet, r, columns, spec, kind)
                if table.rows:
                    return table
                best = best or table
    return best


def _table_rows(sheet: Sheet, header: int, columns: dict[str, int], spec: TableSpec,
                kind: FormKind) -> RawTable:
    first_data = _second_header_row(sheet, header, columns, spec)
    extras = _extra_columns(sheet, header, columns)
    span = sorted({*columns.values(), *extras.values()})
    rows = []
    for r in range(first_data, len(sheet.rows)):
        if all(cell_text(sheet.value(r, c)) == "" for c in span):
            break
        if _starts_other_block(sheet, r, spec, kind):
            break
        cells = {label: Cell(sheet.value(r, c), sheet.name, sheet.ref(r, c))
                 for label, c in {**columns, **extras}.items()}
        rows.append((r + 1, cells))
    first_ref = sheet.ref(header + 1, min(columns.values()))
    return RawTable(spec, sheet.name, header + 1, columns, extras, tuple(rows), first_ref)


def _extra_columns(sheet: Sheet, header: int, columns: dict[str, int]) -> dict[str, int]:
    """Unknown non-empty header cells right of the first known one are kept for the ledger; an empty
    header cell right of the last known one ends the table (notes beside a table are not columns)."""
    extras: dict[str, int] = {}
    known = set(columns.values())
    row = sheet.rows[header]
    for c in range(min(columns.values()), len(row)):
        text = cell_text(row[c])
        if c in known or (header, c) in sheet.covered:
            continue  # a merged header spans several columns but names one
        if not text and c > max(known):
            break
        if not text:
            continue
        name = unicodedata.normalize("NFKC", text).replace("\n", "")
        if normalise_label(name) in {"序号", *columns} or name in extras:
            continue
        extras[name] = c
    return extras


def _second_header_row(sheet: Sheet, header: int, columns: dict[str, int], spec: TableSpec) -> int:
    """A header split over two rows (a group caption above the column names): take both.

    Adds the column labels found on the next row to `columns` and returns the first data row.
    """
    below = header + 1
    if below >= len(sheet.rows):
        return below
    found = {canonical_label(cell_text(v)): c for c, v in enumerate(sheet.rows[below]) if cell_text(v)}
    labels = {label: c for label, c in found.items() if label in spec.labels}
    if not labels:
        return below
    for label, c in labels.items():
        columns.setdefault(label, c)
    return below + 1


def _starts_other_block(sheet: Sheet, r: int, spec: TableSpec, kind: FormKind) -> bool:
    """A caption or another table's header directly under a table ends it."""
    texts = [normalise_label(cell_text(v)) for v in sheet.rows[r] if cell_text(v)]
    others = {label for t in kind.tables if t is not spec for label in t.labels}
    if len(set(texts) & (others | set(kind.labels))) >= 2:
        return True
    captions = {normalise_label(t.caption) for t in kind.tables if t.caption}
    return len(texts) == 1 and (texts[0] in captions or SECTION.match(texts[0]) is not None)
