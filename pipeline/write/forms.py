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
from typing import ClassVar

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from pipeline.forms import NARRATIVE, FieldSpec, FormKind, TableSpec
from pipeline.write.common import Formats, display_width, list_validation
from pipeline.write.template_aids import TemplateAids, protect

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
    return kind.title if kind.master else f"“一支部一品牌”{kind.title}"


def write_form(
    target: str | Path | io.BytesIO,
    kind: FormKind,
    values: dict[str, object],
    tables: dict[str, list[dict[str, object]]],
    *,
    created: dt.datetime,
    dropdowns: bool = True,
    note: str = "",
    aids: TemplateAids | None = None,
) -> None:
    """Write one workbook of `kind`.

    `values` is keyed by field label; `tables` by `TableSpec.name` (the table's sheet name is
    accepted too), each row keyed by column label. Row keys that are not columns of the table
    become extra columns after the described ones, and value keys that are not fields of the kind
    extra label rows after the described fields. `note` is row 2 of a table-only kind.
    `aids` makes it a template to fill in: input checks, a 填表说明 line, labels locked.
    """
    rows_by_table = _rows_by_table(kind, tables)
    workbook = Workbook(
        str(target) if isinstance(target, Path) else target,
        {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True},
    )
    workbook.set_properties({"created": created, "author": AUTHOR, "title": form_title(kind)})
    styles = _Styles(workbook, aids)
    if kind.sheet is None:
        _write_table_only(workbook, styles, kind, rows_by_table, dropdowns, note or (aids.instructions if aids else ""))
    else:
        _write_form_kind(workbook, styles, kind, values, rows_by_table, dropdowns)
    add_meta(workbook, kind, very_hidden=aids is not None)
    workbook.close()


def add_meta(workbook: Workbook, kind: FormKind, very_hidden: bool = False) -> None:
    """The hidden `_meta` sheet naming the kind, which the reader trusts before any title."""
    meta = workbook.add_worksheet(META_SHEET)
    meta.write_string(0, 0, "kind")
    meta.write_string(0, 1, kind.key)
    meta.write_string(1, 0, "title")
    meta.write_string(1, 1, kind.title)
    if very_hidden:
        meta.very_hidden()  # not even listed under 取消隐藏
    else:
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

class _Styles:
    """A form's cell styles by their role, from the one set of formats (pipeline.write.common) at the
    forms' font size; wrapped text is top-aligned. In a template to fill in (`aids`) the cells a branch
    fills are unlocked."""

    ROLES: ClassVar[dict[str, str]] = {
        "title": "form_title", "note": "hint", "caption": "caption", "label": "label", "header": "header",
        "value": "left", "cell": "clip", "cell_center": "center",  # cell_center: codes, numbers, dates
    }
    OPEN = ("value", "cell", "cell_center")  # what a branch fills in: unlocked when the sheet is protected

    def __init__(self, workbook: Workbook, aids: TemplateAids | None = None) -> None:
        self.formats = Formats(workbook, size=FONT_SIZE)
        self.aids = aids

    def get(self, base: str, num_format: str = "", wrap: bool = False) -> Format:
        extra: dict[str, object] = {"num_format": num_format} if num_format else {}
        if wrap:
            extra.update(text_wrap=True, valign="top")
        if self.aids and base in self.OPEN:
            extra["locked"] = False
        return self.formats.get(self.ROLES[base], **extra)

    def column(self) -> Format | None:
        """Template columns are open by default, so rows a branch adds below a table can be filled."""
        return self.formats.get("unlocked") if self.aids else None


def _display(value: object, spec: FieldSpec) -> str:
    """The text a value shows, for column widths and row heights."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m" if spec.type == "month" else "%Y-%m-%d")
    return str(value)


def _write_value(
    ws: Worksheet, row: int, col: int, value: object, spec: FieldSpec, styles: _Styles, base: str,
    wrap: bool = False,
) -> None:
    """Strings as text (never formulas), dates as real dates, numbers as numbers, months as text."""
    if value is None or value == "":
        ws.write_blank(row, col, None, styles.get(base, _text_format(styles, spec), wrap))
    elif isinstance(value, dt.date) and spec.type == "month":
        ws.write_string(row, col, value.strftime("%Y-%m"), styles.get(base, wrap=wrap))
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, value, styles.get(base, DATE_FORMAT, wrap))
    elif isinstance(value, int | float) and not isinstance(value, bool):
        num_format = ""
        if spec.type == "percent" and isinstance(value, float) and 0 <= value <= 1:
            num_format = "0%" if float(round(value * 100, 6)).is_integer() else "0.0%"
        ws.write_number(row, col, value, styles.get(base, num_format, wrap))
    else:
        ws.write_string(row, col, str(value), styles.get(base, _text_format(styles, spec), wrap))


def dropdown(ws: Worksheet, first: int, last: int, col: int, spec: FieldSpec) -> None:
    """A dropdown of the field's options, with a Chinese hint and error message."""
    list_validation(ws, first, last, col, spec.label, spec.options)


def _aid(ws: Worksheet, first: int, last: int, col: int, spec: FieldSpec, styles: _Styles) -> None:
    """A template's input check (a dropdown of the periods, a date, a whole number, 0–100 …)."""
    rule = styles.aids.validation(spec) if styles.aids else None
    if rule:
        ws.data_validation(first, col, last, col, rule)


def _text_format(styles: _Styles, spec: FieldSpec) -> str:
    """Text cells in templates where typing would change the value (a month, a code, a phone number)."""
    return "@" if styles.aids and styles.aids.is_text(spec) else ""


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


def _title_row(ws: Worksheet, styles: _Styles, row: int, text: str, columns: int, base: str) -> None:
    if columns > 1:
        ws.merge_range(row, 0, row, columns - 1, text, styles.get(base))
    else:
        ws.write_string(row, 0, text, styles.get(base))
    ws.set_row(row, 32 if base == "title" else 20)


def _instructions_row(ws: Worksheet, styles: _Styles, row: int, text: str, columns: int, width: int) -> int:
    """The 填表说明 line under a form's title, wrapped to the form's width; returns the next row."""
    ws.merge_range(row, 0, row, columns - 1, text, styles.get("note", wrap=True))
    ws.set_row(row, 15 * math.ceil((display_width(text) + 2) / width) + 6)
    return row + 1


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
    ws: Worksheet, styles: _Styles, table: TableSpec, rows: list[dict[str, object]], header: int,
    dropdowns: bool,
) -> list[int]:
    """Header on row `header`, data below; returns the width each column wants."""
    columns = _columns(table, rows)
    widths = [display_width(c.label + ("*" if c.required else "")) + 4 for c in columns]
    for col, spec in enumerate(columns):
        label = spec.label + ("*" if spec.required else "")
        ws.write_string(header, col, label, styles.get("header"))
    ws.set_row(header, 24)
    body = rows or [{} for _ in range(BLANK_ROWS)]
    for offset, row in enumerate(body, start=1):
        for col, spec in enumerate(columns):
            value = row.get(spec.label)
            shown = _display(value, spec)
            widths[col] = max(widths[col], min(display_width(shown) + 2, MAX_WIDTH))
            wrap = isinstance(value, str) and display_width(value) + 2 > MAX_WIDTH
            base = "cell" if spec.type == "text" else "cell_center"
            _write_value(ws, header + offset, col, value, spec, styles, base, wrap)
    if dropdowns:
        last = header + max(len(body), VALIDATION_ROWS)
        for col, spec in enumerate(columns):
            if spec.options:
                dropdown(ws, header + 1, last, col, spec)
            else:
                _aid(ws, header + 1, last, col, spec, styles)
    ws.freeze_panes(header + 1, 0)
    return widths


def _set_widths(ws: Worksheet, widths: list[int], styles: _Styles) -> None:
    for col, width in enumerate(widths):
        ws.set_column(col, col, width, styles.column())


def _write_table_sheet(
    workbook: Workbook, styles: _Styles, table: TableSpec, rows: list[dict[str, object]],
    caption: str, note: str | None, dropdowns: bool,
) -> None:
    """A table on its own sheet: caption on row 1, an optional note row, then header and data."""
    ws = workbook.add_worksheet(table.sheet)
    columns = len(_columns(table, rows))
    _title_row(ws, styles, 0, caption, columns, "title" if note is not None else "caption")
    header = 1
    if note is not None:
        if note and not styles.aids:
            _title_row(ws, styles, 1, note, columns, "note")
        header = 2
    widths = _write_table(ws, styles, table, rows, header, dropdowns)
    if note and styles.aids:
        _instructions_row(ws, styles, 1, note, columns, sum(widths))
    _set_widths(ws, widths, styles)
    _print_setup(ws, header, sum(widths))
    if styles.aids:
        protect(ws)


def _write_table_only(
    workbook: Workbook, styles: _Styles, kind: FormKind, rows_by_table: dict[str, list[dict[str, object]]],
    dropdowns: bool, note: str,
) -> None:
    first, *rest = kind.tables
    _write_table_sheet(workbook, styles, first, rows_by_table[first.name], form_title(kind), note,
                       dropdowns)
    for table in rest:
        _write_table_sheet(workbook, styles, table, rows_by_table[table.name],
                           table.caption or form_title(kind), None, dropdowns)


# ---- form kinds ------------------------------------------------------------------------------

def _write_form_kind(
    workbook: Workbook, styles: _Styles, kind: FormKind, values: dict[str, object],
    rows_by_table: dict[str, list[dict[str, object]]], dropdowns: bool,
) -> None:
    assert kind.sheet is not None
    ws = workbook.add_worksheet(kind.sheet)
    below = [t for t in kind.tables if t.sheet == kind.sheet]
    columns = max([FORM_COLUMNS] + [len(_columns(t, rows_by_table[t.name])) for t in below])
    label_width = max(display_width(label) + 1 + 4 for label in (*kind.labels, *values))
    widths = [label_width] + [VALUE_WIDTH] * (columns - 1)
    _title_row(ws, styles, 0, form_title(kind), columns, "title")
    value_width = sum(widths[1:])
    row = 1
    if styles.aids:
        row = _instructions_row(ws, styles, row, styles.aids.instructions, columns, sum(widths))
    fields = list(kind.fields) + [FieldSpec(label) for label in values if label not in kind.labels]
    for spec in fields:
        value = values.get(spec.label)
        label = spec.label + ("*" if spec.required else "")
        ws.write_string(row, 0, label, styles.get("label"))
        narrative = spec.label in NARRATIVE
        lines = math.ceil((display_width(_display(value, spec)) + 2) / value_width)
        wrap = narrative or lines > 1
        ws.merge_range(row, 1, row, columns - 1, "", styles.get("value", wrap=wrap))
        _write_value(ws, row, 1, value, spec, styles, "value", wrap)
        if narrative:
            ws.set_row(row, min(409, 16 * max(3, lines) + 6))
        elif lines > 1:
            ws.set_row(row, 16 * lines + 6)
        else:
            ws.set_row(row, 22)
        if dropdowns and spec.options:
            dropdown(ws, row, row, 1, spec)
        elif dropdowns:
            _aid(ws, row, row, 1, spec, styles)
        row += 1
    header_row: int | None = None
    for table in below:
        row += 1  # one empty row between blocks
        if table.caption:
            _title_row(ws, styles, row, table.caption, columns, "caption")
            row += 1
        rows = rows_by_table[table.name]
        table_widths = _write_table(ws, styles, table, rows, row, dropdowns)
        widths = [max(a, b) for a, b in zip(widths, table_widths + [0] * columns, strict=False)]
        header_row = row
        row += max(len(rows), BLANK_ROWS) + 1
    _set_widths(ws, widths, styles)
    _print_setup(ws, header_row)
    if styles.aids:
        protect(ws)
    for table in kind.tables:
        if table.sheet != kind.sheet:
            _write_table_sheet(workbook, styles, table, rows_by_table[table.name],
                               table.caption or form_title(kind), None, dropdowns)
