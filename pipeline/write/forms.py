"""Write any form kind as an Excel workbook, laid out from its `FormKind` description (SPEC §3).

One writer serves the blank templates, the pre-filled templates and the demo inbox, so every
workbook the project produces follows the layout conventions the reader expects:

- form kinds: sheet `kind.sheet`, title on row 1, then one row per field (label in A, value merged
  across B:F); each table on its own sheet (caption row 1, header row 2), or below the form block
  when the table's sheet is the form sheet (the review kind);
- table-only kinds (roster, inspection): title on row 1, a note on row 2, the header on row 3;
- a hidden `_meta` sheet naming the kind, which the reader trusts before any title keyword.

Output is byte-identical for the same inputs: the workbook is built in memory and its document
timestamps come from `created`, never from the clock.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from pathlib import Path

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pipeline.forms import NARRATIVE, FieldSpec, FormKind, TableSpec
from pipeline.write.common import Formats, display_width, dropdown

AUTHOR = "江宁区教育局党工委"
META_SHEET = "_meta"
FONT_SIZE = 11  # forms are filled in on screen: a size larger than the reports'
FORM_COLUMNS = 6  # label in A, value merged across B:F
VALUE_WIDTH = 16  # width of each of B:F on a form sheet
MAX_WIDTH = 40  # widest a table column gets; longer text wraps
BLANK_ROWS = 10  # bordered empty rows a table gets when it has no data (blank templates)
VALIDATION_ROWS = 200  # dropdowns reach at least this many data rows
DATE_FORMAT = "yyyy-mm-dd"
A4 = 9
PORTRAIT_WIDTH = 110  # a table sheet wider than this (in column units) prints landscape


def form_title(kind: FormKind) -> str:
    """The title on row 1: the committee's own roster is just `支部名册`."""
    return kind.title if kind.key == "roster" else f"“一支部一品牌”{kind.title}"


def write_form(
    target: str | Path | io.BytesIO,
    kind: FormKind,
    values: dict[str, object],
    tables: dict[str, list[dict[str, object]]],
    *,
    created: dt.datetime,
    dropdowns: bool = True,
    note: str = "",
) -> None:
    """Write one workbook of `kind`.

    `values` is keyed by field label; `tables` by `TableSpec.name` (the table's sheet name is
    accepted too), each row keyed by column label. Row keys that are not columns of the table
    become extra columns after the described ones, and value keys that are not fields of the kind
    extra label rows after the described fields. `note` is row 2 of a table-only kind.
    """
    rows_by_table = _rows_by_table(kind, tables)
    workbook = Workbook(
        str(target) if isinstance(target, Path) else target,
        {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True},
    )
    workbook.set_properties({"created": created, "author": AUTHOR, "title": form_title(kind)})
    fmt = Formats(workbook, size=FONT_SIZE)
    if kind.sheet is None:
        _write_table_only(workbook, fmt, kind, rows_by_table, dropdowns, note)
    else:
        _write_form_kind(workbook, fmt, kind, values, rows_by_table, dropdowns)
    write_meta(workbook, kind)
    workbook.close()


def write_meta(workbook: Workbook, kind: FormKind) -> None:
    """The hidden `_meta` sheet naming the kind, which the reader trusts before any title keyword: any
    workbook the committee fills in and drops back into the inbox carries it."""
    meta = workbook.add_worksheet(META_SHEET)
    meta.write_string(0, 0, "kind")
    meta.write_string(0, 1, kind.key)
    meta.write_string(1, 0, "title")
    meta.write_string(1, 1, kind.title)
    meta.hide()


def _rows_by_table(
    kind: FormKind, tables: dict[str, list[dict[str, object]]]
) -> dict[str, list[dict[str, object]]]:
    known = {t.name for t in kind.tables} | {t.sheet for t in kind.tables}
    unknown = sorted(set(tables) - known)
    if unknown:
        raise ValueError(f"{kind.title} 没有这些表格：{'、'.join(unknown)}")
    return {t.name: list(tables.get(t.name, tables.get(t.sheet, []))) for t in kind.tables}


# ---- formats ---------------------------------------------------------------------------------

def _style(fmt: Formats, name: str, num_format: str = "", wrap: bool = False) -> Format:
    """A style of the one set (pipeline.write.common) with a number format, or wrapped (top-aligned)."""
    extra: dict[str, object] = {"num_format": num_format} if num_format else {}
    if wrap:
        extra.update(text_wrap=True, valign="top")
    return fmt.get(name, **extra)


def _display(value: object, spec: FieldSpec) -> str:
    """The text a value shows, for column widths and row heights."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m" if spec.type == "month" else "%Y-%m-%d")
    return str(value)


def _write_value(
    ws: Worksheet, row: int, col: int, value: object, spec: FieldSpec, fmt: Formats, base: str,
    wrap: bool = False,
) -> None:
    """Strings as text (never formulas), dates as real dates, numbers as numbers, months as text."""
    if value is None or value == "":
        ws.write_blank(row, col, None, _style(fmt, base, wrap=wrap))
    elif isinstance(value, dt.date) and spec.type == "month":
        ws.write_string(row, col, value.strftime("%Y-%m"), _style(fmt, base, wrap=wrap))
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, value, _style(fmt, base, DATE_FORMAT, wrap))
    elif isinstance(value, int | float) and not isinstance(value, bool):
        num_format = ""
        if spec.type == "percent" and isinstance(value, float) and 0 <= value <= 1:
            num_format = "0%" if float(round(value * 100, 6)).is_integer() else "0.0%"
        ws.write_number(row, col, value, _style(fmt, base, num_format, wrap))
    else:
        ws.write_string(row, col, str(value), _style(fmt, base, wrap=wrap))


def _validate(ws: Worksheet, first: int, last: int, col: int, spec: FieldSpec) -> None:
    """A dropdown of the field's options, with a Chinese hint and error message."""
    dropdown(ws, first, last, col, spec.label, spec.options)


def _print_setup(ws: Worksheet, header_row: int | None = None, width: int = 0) -> None:
    """A4, one page wide; portrait unless the sheet is too wide to read that way."""
    ws.set_paper(A4)
    if width > PORTRAIT_WIDTH:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")
    if header_row is not None:
        ws.repeat_rows(header_row)


def _title_row(ws: Worksheet, fmt: Formats, row: int, text: str, columns: int, base: str) -> None:
    if columns > 1:
        ws.merge_range(row, 0, row, columns - 1, text, _style(fmt, base))
    else:
        ws.write_string(row, 0, text, _style(fmt, base))
    ws.set_row(row, 32 if base == "form_title" else 20)


# ---- tables ----------------------------------------------------------------------------------

def _columns(table: TableSpec, rows: list[dict[str, object]]) -> list[FieldSpec]:
    """The described columns, then any extra keys the rows carry, in order of first appearance."""
    columns = list(table.columns)
    known = set(table.labels)
    for row in rows:
        for key in row:
            if key not in known:
                known.add(key)
                columns.append(FieldSpec(key))
    return columns


def _write_table(
    ws: Worksheet, fmt: Formats, table: TableSpec, rows: list[dict[str, object]], header: int,
    dropdowns: bool,
) -> list[int]:
    """Header on row `header`, data below; returns the width each column wants."""
    columns = _columns(table, rows)
    widths = [display_width(c.label + ("*" if c.required else "")) + 4 for c in columns]
    for col, spec in enumerate(columns):
        label = spec.label + ("*" if spec.required else "")
        ws.write_string(header, col, label, fmt.header)
    ws.set_row(header, 24)
    body = rows or [{} for _ in range(BLANK_ROWS)]
    for offset, row in enumerate(body, start=1):
        for col, spec in enumerate(columns):
            value = row.get(spec.label)
            shown = _display(value, spec)
            widths[col] = max(widths[col], min(display_width(shown) + 2, MAX_WIDTH))
            wrap = isinstance(value, str) and display_width(value) + 2 > MAX_WIDTH
            base = "clip" if spec.type == "text" else "center"
            _write_value(ws, header + offset, col, value, spec, fmt, base, wrap)
    if dropdowns:
        last = header + max(len(body), VALIDATION_ROWS)
        for col, spec in enumerate(columns):
            if spec.options:
                _validate(ws, header + 1, last, col, spec)
    ws.freeze_panes(header + 1, 0)
    return widths


def _set_widths(ws: Worksheet, widths: list[int]) -> None:
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)


def _write_table_sheet(
    workbook: Workbook, fmt: Formats, table: TableSpec, rows: list[dict[str, object]],
    caption: str, note: str | None, dropdowns: bool,
) -> None:
    """A table on its own sheet: caption on row 1, an optional note row, then header and data."""
    ws = workbook.add_worksheet(table.sheet)
    columns = len(_columns(table, rows))
    _title_row(ws, fmt, 0, caption, columns, "form_title" if note is not None else "caption")
    header = 1
    if note is not None:
        if note:
            _title_row(ws, fmt, 1, note, columns, "hint")
        header = 2
    widths = _write_table(ws, fmt, table, rows, header, dropdowns)
    _set_widths(ws, widths)
    _print_setup(ws, header, sum(widths))


def _write_table_only(
    workbook: Workbook, fmt: Formats, kind: FormKind, rows_by_table: dict[str, list[dict[str, object]]],
    dropdowns: bool, note: str,
) -> None:
    first, *rest = kind.tables
    _write_table_sheet(workbook, fmt, first, rows_by_table[first.name], form_title(kind), note,
                       dropdowns)
    for table in rest:
        _write_table_sheet(workbook, fmt, table, rows_by_table[table.name],
                           table.caption or form_title(kind), None, dropdowns)


# ---- form kinds ------------------------------------------------------------------------------

def _write_form_kind(
    workbook: Workbook, fmt: Formats, kind: FormKind, values: dict[str, object],
    rows_by_table: dict[str, list[dict[str, object]]], dropdowns: bool,
) -> None:
    assert kind.sheet is not None
    ws = workbook.add_worksheet(kind.sheet)
    below = [t for t in kind.tables if t.sheet == kind.sheet]
    columns = max([FORM_COLUMNS] + [len(_columns(t, rows_by_table[t.name])) for t in below])
    label_width = max(display_width(label) + 1 + 4 for label in (*kind.labels, *values))
    widths = [label_width] + [VALUE_WIDTH] * (columns - 1)
    _title_row(ws, fmt, 0, form_title(kind), columns, "form_title")
    value_width = sum(widths[1:])
    row = 1
    fields = list(kind.fields) + [FieldSpec(label) for label in values if label not in kind.labels]
    for spec in fields:
        value = values.get(spec.label)
        label = spec.label + ("*" if spec.required else "")
        ws.write_string(row, 0, label, fmt.label)
        narrative = spec.label in NARRATIVE
        lines = math.ceil((display_width(_display(value, spec)) + 2) / value_width)
        wrap = narrative or lines > 1
        ws.merge_range(row, 1, row, columns - 1, "", _style(fmt, "left", wrap=wrap))
        _write_value(ws, row, 1, value, spec, fmt, "left", wrap)
        if narrative:
            ws.set_row(row, min(409, 16 * max(3, lines) + 6))
        elif lines > 1:
            ws.set_row(row, 16 * lines + 6)
        else:
            ws.set_row(row, 22)
        if dropdowns and spec.options:
            _validate(ws, row, row, 1, spec)
        row += 1
    header_row: int | None = None
    for table in below:
        row += 1  # one empty row between blocks
        if table.caption:
            _title_row(ws, fmt, row, table.caption, columns, "caption")
            row += 1
        rows = rows_by_table[table.name]
        table_widths = _write_table(ws, fmt, table, rows, row, dropdowns)
        widths = [max(a, b) for a, b in zip(widths, table_widths + [0] * columns, strict=False)]
        header_row = row
        row += max(len(rows), BLANK_ROWS) + 1
    _set_widths(ws, widths)
    _print_setup(ws, header_row)
    for table in kind.tables:
        if table.sheet != kind.sheet:
            _write_table_sheet(workbook, fmt, table, rows_by_table[table.name],
                               table.caption or form_title(kind), None, dropdowns)
