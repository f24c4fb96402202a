"""Write a form kind as a Word (.docx) form, laid out from its `FormKind` description (SPEC §10).

The layout follows the notice's 附件: “附件N：” on the first line, the title, then one real Word table —
labels in bold on the left, short fields two to a row, narrative sections across the full width with
room to write — and each of the kind's tables below under its caption. A custom document property
(`pinpai_kind`, `pinpai_branch`, `pinpai_version`; File ▸ Properties ▸ Custom in Word) names the kind,
the branch the form was pre-filled for and the template version; the reader trusts it as it trusts
the Excel templates' hidden `_meta` sheet.

Fonts: 宋体 for labels and titles, 仿宋 for values and notes, each with `w:eastAsia` set so Word and
WPS really use the Chinese font. The document is built in memory and re-packed with fixed zip
timestamps and core properties from `created`, so the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import docx
from docx.document import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from pipeline.forms import NARRATIVE, FieldSpec, FormKind, TableSpec
from pipeline.read.docx import META_PREFIX
from pipeline.write.forms import AUTHOR

TEMPLATE_VERSION = "1"
LABEL_FONT, VALUE_FONT, LATIN_FONT = "宋体", "仿宋", "Times New Roman"
BODY_PT, TITLE_PT, HEADING_PT = 12, 18, 16  # 小四, 小二, 三号
LABEL_CM, VALUE_CM = 2.9, 5.1  # label | value | label | value = 16 cm: A4 less 2.5 cm margins
BLANK_TASK_ROWS = 6
WIDE_LABELS = frozenset({"支部名称", "所在单位", "品牌名称", "存在问题", "下月计划", "下季度打算", "示范作用",
                         "佐证材料", "评审人"})  # whole-row values: long names and free text
CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def word_title(kind: FormKind) -> str:
    return f"基层党组织“一支部一品牌”{kind.title}"


def write_word_form(
    target: str | Path | io.BytesIO,
    kind: FormKind,
    values: dict[str, object],
    tables: dict[str, list[dict[str, object]]],
    *,
    created: dt.datetime,
    branch: str = "",
) -> None:
    """Write one Word form of `kind`; `values` by field label, `tables` by `TableSpec.name` (or sheet),
    rows by column label (unknown keys become extra columns). Empty values leave the cell empty."""
    document = docx.Document()
    _page_and_styles(document)
    if kind.attachment:
        _paragraph(document, f"{kind.attachment}：", font="黑体", size=HEADING_PT)
    _paragraph(document, word_title(kind), font=LABEL_FONT, size=TITLE_PT, bold=True, center=True, after=12)
    _paragraph(document, "说明：带 * 的栏目为必填项；请在 Word 或 WPS 中直接填写，保存为 .docx 格式后报送。",
               font=VALUE_FONT, size=10.5, after=6)
    _form_table(document, kind, values)
    for table in kind.tables:
        rows = tables.get(table.name, tables.get(table.sheet, []))
        _paragraph(document, table.caption or table.name, font=LABEL_FONT, size=BODY_PT + 2, bold=True, before=12,
                   after=6)
        _grid_table(document, table, rows)
    blob = io.BytesIO()
    _properties(document, kind, created, branch)
    document.save(blob)
    data = _repacked(blob.getvalue(), created)
    if isinstance(target, io.BytesIO):
        target.write(data)
    else:
        Path(target).write_bytes(data)


# ---- page, fonts, paragraphs -----------------------------------------------------------------

def _page_and_styles(document: Document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.5)
    normal = document.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _fonts(normal.element.get_or_add_rPr(), VALUE_FONT)


def _fonts(rpr: OxmlElement, east_asia: str) -> None:
    """Latin and Chinese fonts on a run (or style) properties element; `w:eastAsia` is what counts."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asia)


def _write(paragraph: Paragraph, text: str, *, font: str, size: float, bold: bool = False) -> None:
    """One run per line (a line break between), its fonts set with w:eastAsia; built as XML in one go,
    python-docx's property setters cost more than the rest of the document."""
    props = (f'<w:rPr><w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{font}"/>'
             f'{"<w:b/><w:bCs/>" if bold else ""}<w:sz w:val="{round(size * 2)}"/>'
             f'<w:szCs w:val="{round(size * 2)}"/></w:rPr>')
    for i, line in enumerate(text.split("\n")):
        brk = "<w:br/>" if i else ""
        run = f'<w:r {nsdecls("w")}>{props}{brk}<w:t xml:space="preserve">{escape(line)}</w:t></w:r>'
        paragraph._p.append(parse_xml(run))


def _paragraph(document: Document, text: str, *, font: str, size: float, bold: bool = False,
               center: bool = False, before: float = 0, after: float = 0) -> Paragraph:
    paragraph = document.add_paragraph()
    _write(paragraph, text, font=font, size=size, bold=bold)
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def _fill(cell: _Cell, text: str, *, label: bool, center: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    lines = text.split("\n")
    _write(paragraph, lines[0], font=LABEL_FONT if label else VALUE_FONT, size=BODY_PT, bold=label)
    for line in lines[1:]:
        extra = cell.add_paragraph()
        _write(extra, line, font=VALUE_FONT, size=BODY_PT)
    if label or center:
        for p in cell.paragraphs:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if label:  # w:shd goes before w:vAlign in w:tcPr
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), "F2F2F2")
        cell._tc.get_or_add_tcPr().append(shading)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


# ---- values as a branch would type them ------------------------------------------------------

def shown(value: object, spec: FieldSpec) -> str:
    """A value as text: dates 2014年4月15日, months 2014年5月, fractions as percents."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.date):
        if spec.type == "month":
            return f"{value.year}年{value.month}月"
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, float) and spec.type == "percent" and 0 <= value <= 1:
        return f"{value * 100:g}%"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _label(spec: FieldSpec) -> str:
    return spec.label + ("*" if spec.required else "")


# ---- the form table --------------------------------------------------------------------------

def _rows(kind: FormKind, values: dict[str, object]) -> list[list[FieldSpec]]:
    """Fields in the kind's order: wide ones alone on a row, short ones two to a row."""
    fields = list(kind.fields) + [FieldSpec(label) for label in values if label not in kind.labels]
    wide = WIDE_LABELS | set(NARRATIVE)
    rows: list[list[FieldSpec]] = []
    for spec in fields:
        if spec.label not in wide and rows and len(rows[-1]) == 1 and rows[-1][0].label not in wide:
            rows[-1].append(spec)
        else:
            rows.append([spec])
    return rows


def _form_table(document: Document, kind: FormKind, values: dict[str, object]) -> None:
    layout = _rows(kind, values)
    table = document.add_table(rows=0, cols=4)
    _grid(table, [LABEL_CM, VALUE_CM, LABEL_CM, VALUE_CM])
    for specs in layout:
        row = table.add_row()
        cells = row.cells
        for cell, width in zip(cells, (LABEL_CM, VALUE_CM, LABEL_CM, VALUE_CM), strict=True):
            cell.width = Cm(width)
        if len(specs) == 1:
            spec = specs[0]
            value_cell = _span(cells[1], cells[2:])
            _fill(cells[0], _label(spec), label=True)
            _fill(value_cell, shown(values.get(spec.label), spec), label=False)
            if spec.label in NARRATIVE:
                row.height, row.height_rule = Cm(3.2), WD_ROW_HEIGHT_RULE.AT_LEAST
            else:
                row.height, row.height_rule = Cm(0.9), WD_ROW_HEIGHT_RULE.AT_LEAST
            continue
        for i, spec in enumerate(specs):
            _fill(cells[2 * i], _label(spec), label=True)
            _fill(cells[2 * i + 1], shown(values.get(spec.label), spec), label=False)
        row.height, row.height_rule = Cm(0.9), WD_ROW_HEIGHT_RULE.AT_LEAST


def _span(cell: _Cell, covered: tuple[_Cell, ...] | list[_Cell]) -> _Cell:
    """Widen `cell` over the cells to its right (w:gridSpan), removing them: what Word's merge does."""
    span = OxmlElement("w:gridSpan")
    span.set(qn("w:val"), str(1 + len(covered)))
    cell._tc.get_or_add_tcPr().append(span)
    cell.width = Cm(VALUE_CM * 2 + LABEL_CM)
    for other in covered:
        other._tc.getparent().remove(other._tc)
    return cell


def _grid_table(document: Document, spec: TableSpec, rows: list[dict[str, object]]) -> None:
    columns = list(spec.columns)
    for row in rows:
        columns += [FieldSpec(k) for k in row if k not in {c.label for c in columns}]
    total = 2 * (LABEL_CM + VALUE_CM)
    weights = [3.0 if c.label in ("任务内容", "活动名称", "标题", "说明", "发现问题") else 1.0 for c in columns]
    narrow = [1.0 if c.label in ("序号", "任务序号") else w for c, w in zip(columns, weights, strict=True)]
    widths = [total * w / sum(narrow) for w in narrow]
    table = document.add_table(rows=1, cols=len(columns))
    _grid(table, widths)
    for cell, column, width in zip(table.rows[0].cells, columns, widths, strict=True):
        cell.width = Cm(width)
        _fill(cell, _label(column), label=True)
    body = rows or [{} for _ in range(BLANK_TASK_ROWS)]
    for values in body:
        row = table.add_row()
        row.height, row.height_rule = Cm(0.9), WD_ROW_HEIGHT_RULE.AT_LEAST
        for cell, column, width in zip(row.cells, columns, widths, strict=True):
            cell.width = Cm(width)
            centered = column.type != "text"
            _fill(cell, shown(values.get(column.label), column), label=False, center=centered)


def _grid(table: Table, widths: list[float]) -> None:
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)


# ---- properties and deterministic bytes ------------------------------------------------------

def _properties(document: Document, kind: FormKind, created: dt.datetime, branch: str) -> None:
    core = document.core_properties
    core.title, core.author, core.last_modified_by = word_title(kind), AUTHOR, AUTHOR
    core.created = core.modified = created
    core.revision = 1
    core.comments = core.keywords = core.subject = core.category = ""
    props = {"kind": kind.key, "branch": branch, "version": TEMPLATE_VERSION}
    body = "".join(
        f'<property fmtid="{CUSTOM_FMTID}" pid="{pid}" name="{META_PREFIX}{name}"><vt:lpwstr>{escape(value)}'
        f"</vt:lpwstr></property>" for pid, (name, value) in enumerate(props.items(), start=2))
    xml = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
           'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
           f"{body}</Properties>")
    package = document.part.package
    part = Part(PackURI("/docProps/custom.xml"), CUSTOM_CT, xml.encode("utf-8"), package)
    package.relate_to(part, RELATIONSHIP_TYPE.CUSTOM_PROPERTIES)


def _repacked(data: bytes, created: dt.datetime) -> bytes:
    """The same parts in the same order, with one fixed time stamp: byte-identical output."""
    stamp = (max(created.year, 1980), created.month, created.day, created.hour, created.minute, created.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info))
    return out.getvalue()
