"""A Word (.docx) form → the same raw grid the spreadsheet reader gives (SPEC §10).

The document body becomes one grid in document order: every paragraph outside a table is a one-cell
row, every table contributes its rows (an empty row after each table keeps blocks apart, as a blank
row does on a sheet). Cells are read from the XML, each `w:tc` once: python-docx repeats a merged
cell at every grid position it covers, while `w:gridSpan` and `w:vMerge` give its real extent, which
becomes a merged range exactly like a spreadsheet merge. The label, table and caption rules of
`pipeline.read.blocks` then read the grid unchanged; positions in issues read `表格2 第3行第2列`.

The project's Word templates carry their kind in a custom document property; it becomes the same
hidden `_meta` sheet the Excel templates have, so kind detection trusts both alike.

XML is parsed with defusedxml (no entities, no external references) and every size is bounded
before parsing: a hostile document is 无法读取, never a crash or a runaway allocation.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from pipeline.read.container import zip_of
from pipeline.read.workbook import UNKNOWN, UNREADABLE, ZIP_MAGIC, Opened, Sheet

BODY_SHEET = "正文"  # the name a Word grid goes by in issues (工作表 column)
META_SHEET = "_meta"
META_PREFIX = "pinpai_"  # custom document properties the project's Word templates write
MAX_XML = 8 * 1024 * 1024  # word/document.xml of a filled form is well under 1 MB
MAX_PROPS_XML = 256 * 1024
MAX_COLUMNS = 63  # Word's own limit for a table
MAX_CELLS = 200_000  # grid cells in the whole document
MAX_DEPTH = 40  # nesting of XML elements walked for text

_MAIN_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_STRICT_MAIN_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
_CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_W_NAMESPACES = ("http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                 "http://purl.oclc.org/ooxml/wordprocessingml/main")
_SKIP = {"pPr", "rPr", "tblPr", "trPr", "tcPr", "sectPr", "del", "moveFrom", "delText", "instrText",
         "Fallback", "commentReference", "footnoteReference", "endnoteReference"}


class DocxError(Exception):
    """The document cannot be read; the message is the Chinese reason for the clerk."""


@dataclass(frozen=True)
class Place:
    """Where a grid row sits in the document: a table's row (table ≥ 1) or a paragraph (table 0)."""

    table: int
    row: int  # 1-based table row or paragraph number; 0 for the gap after a table
    cells: tuple[int, ...] = ()  # grid column → 1-based number of the cell in the row, as Word shows it


@dataclass(frozen=True)
class WordSheet(Sheet):
    places: tuple[Place, ...] = ()

    def ref(self, row: int, col: int) -> str:
        """`表格2 第3行第2列` for a table cell, `第5段` for a paragraph outside tables."""
        if row >= len(self.places):
            return f"第{row + 1}行"
        place = self.places[row]
        if place.table == 0:
            return f"第{place.row}段"
        if place.row == 0:
            return f"表格{place.table}下方"
        cells = place.cells
        cell = cells[col] if col < len(cells) else (cells[-1] if cells else 0) + col - len(cells) + 1
        return f"表格{place.table} 第{place.row}行第{cell}列"


def is_docx(data: bytes) -> bool:
    """A zip holding a WordprocessingML main document (told by content, not by the file name)."""
    if not data.startswith(ZIP_MAGIC):
        return False
    try:
        return _main_part(zip_of(data)) is not None
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, ValueError, DocxError):
        return False


def open_docx(data: bytes) -> Opened:
    """Read a .docx into grids; never raises for a bad file."""
    try:
        zf = zip_of(data)
        main = _main_part(zf)
        if main is None:
            raise DocxError("文件不是完整的 Word 文档，无法读取，请支部用 Word 重新保存为 .docx 后发送")
        body = _body(fromstring(_read_member(zf, main, MAX_XML)))
        meta = _meta_sheet(zf)
        sheet = grid_of(body)
    except DocxError as err:
        return Opened("docx", status=UNREADABLE, reason=str(err))
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, ValueError, ParseError, DefusedXmlException,
            RecursionError, NotImplementedError):
        return Opened("docx", status=UNREADABLE,
                      reason="Word 文档已损坏或不完整，无法打开，请支部用 Word 重新保存为 .docx 后发送")
    sheets = (sheet, meta) if meta else (sheet,)
    if not any(v != "" for row in sheet.rows for v in row):
        return Opened("docx", sheets, status=UNKNOWN, reason="Word 文档是空白的，没有任何内容，请支部发送填好的表格")
    return Opened("docx", sheets)


# ---- the package -----------------------------------------------------------------------------

def _main_part(zf: zipfile.ZipFile) -> str | None:
    names = set(zf.namelist())
    if "word/document.xml" in names:
        return "word/document.xml"
    if "_rels/.rels" not in names or not any(n.startswith("word/") for n in names):
        return None  # the main part must be under word/ (a workbook's package relationships are not read)
    for rel in fromstring(_read_member(zf, "_rels/.rels", MAX_PROPS_XML)):
        if rel.get("Type") in (_MAIN_REL, _STRICT_MAIN_REL):
            target = (rel.get("Target") or "").lstrip("/")
            if target.startswith("word/") and target in names:
                return target
    return None


def _read_member(zf: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """A package part, refused before inflating when it says (or turns out) to be over `limit`."""
    info = zf.getinfo(name)
    if info.file_size > limit:
        raise DocxError("Word 文档内容过大（超过程序可处理的范围），请支部删去图片以外的多余内容后重新发送")
    with zf.open(info) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise DocxError("Word 文档内容过大（超过程序可处理的范围），请支部删去图片以外的多余内容后重新发送")
    return data


def _meta_sheet(zf: zipfile.ZipFile) -> Sheet | None:
    """The template's custom properties (pinpai_kind, pinpai_branch, pinpai_version) as a `_meta` sheet."""
    if "docProps/custom.xml" not in zf.namelist():
        return None
    props: dict[str, str] = {}
    for prop in fromstring(_read_member(zf, "docProps/custom.xml", MAX_PROPS_XML)):
        name = prop.get("name") or ""
        if name.startswith(META_PREFIX):
            props[name.removeprefix(META_PREFIX)] = "".join(prop.itertext()).strip()
    if "kind" not in props:
        return None
    rows = tuple((key, props[key]) for key in ("kind", *sorted(set(props) - {"kind"})))
    return Sheet(META_SHEET, False, rows, frozenset())


def _local(el: Element) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    return tag.rsplit("}", 1)[-1]


def _body(root: Element) -> Element:
    if _local(root) != "document" or not any(root.tag.startswith("{" + ns) for ns in _W_NAMESPACES):
        raise DocxError("文件不是 Word 文档，无法读取，请支部用 Word 重新保存为 .docx 后发送")
    body = next((el for el in root if _local(el) == "body"), None)
    if body is None:
        raise DocxError("Word 文档没有正文内容，请支部发送填好的表格")
    return body


# ---- text ------------------------------------------------------------------------------------

def _blocks(parent: Element, depth: int = 0) -> Iterator[Element]:
    """Paragraphs and tables in document order, looking through content controls and custom XML."""
    if depth > MAX_DEPTH:
        raise DocxError("Word 文档结构异常（嵌套过深），无法读取，请支部用 Word 重新保存后发送")
    for el in parent:
        name = _local(el)
        if name in ("p", "tbl"):
            yield el
        elif name in ("sdt", "customXml", "sdtContent", "smartTag"):
            if name == "sdt" and _placeholder(el):
                continue
            yield from _blocks(el, depth + 1)


def _placeholder(sdt: Element) -> bool:
    """A content control still showing its prompt (“单击或点击此处输入文字”) holds nothing."""
    props = next((el for el in sdt if _local(el) == "sdtPr"), None)
    return props is not None and any(_local(el) == "showingPlcHdr" for el in props)


def paragraph_text(p: Element) -> str:
    parts: list[str] = []
    _collect(p, parts, 0)
    return "".join(parts)


def _collect(el: Element, parts: list[str], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise DocxError("Word 文档结构异常（嵌套过深），无法读取，请支部用 Word 重新保存后发送")
    for child in el:
        name = _local(child)
        if name in _SKIP or name == "sdtPr" or (name == "sdt" and _placeholder(child)):
            continue
        if name == "t":
            parts.append(child.text or "")
        elif name == "tab":
            parts.append("\t")
        elif name in ("br", "cr"):
            parts.append("\n")
        elif name == "p":  # a paragraph inside a text box
            if parts:
                parts.append("\n")
            _collect(child, parts, depth + 1)
        elif name == "tbl":
            continue  # a table nested in a text box or cell is read as a table of its own
        else:
            _collect(child, parts, depth + 1)


def _cell_text(tc: Element) -> str:
    lines = [paragraph_text(b) for b in _blocks(tc) if _local(b) == "p"]
    return "\n".join(lines).strip()


def _nested_tables(el: Element, depth: int = 0) -> Iterator[Element]:
    if depth > MAX_DEPTH:
        raise DocxError("Word 文档结构异常（嵌套过深），无法读取，请支部用 Word 重新保存后发送")
    for child in el:
        if _local(child) == "tbl":
            yield child
        else:
            yield from _nested_tables(child, depth + 1)


# ---- tables ----------------------------------------------------------------------------------

def _int_val(el: Element | None, default: int) -> int:
    if el is None:
        return default
    raw = next((v for k, v in el.attrib.items() if k.rsplit("}", 1)[-1] == "val"), "")
    try:
        return max(0, min(int(raw), MAX_COLUMNS))
    except ValueError:
        return default


def _prop(el: Element, group: str, name: str) -> Element | None:
    props = next((c for c in el if _local(c) == group), None)
    return None if props is None else next((c for c in props if _local(c) == name), None)


def _merge_val(el: Element | None) -> str | None:
    """'restart', 'continue' or None for a w:vMerge / w:hMerge element."""
    if el is None:
        return None
    raw = next((v for k, v in el.attrib.items() if k.rsplit("}", 1)[-1] == "val"), "continue")
    return "restart" if raw == "restart" else "continue"


def _row_cells(tr: Element) -> Iterator[Element]:
    for el in tr:
        name = _local(el)
        if name == "tc":
            yield el
        elif name in ("sdt", "customXml", "sdtContent"):
            yield from _row_cells(el)


@dataclass
class _Table:
    rows: list[list[str]]
    cells: list[tuple[int, ...]]  # per row: grid column → cell number
    merges: list[tuple[tuple[int, int], tuple[int, int]]]  # ((r0, c0), (r1, c1)), table-relative


def read_table(tbl: Element) -> _Table:
    """Each w:tc once at its grid column; horizontal spans and vertical merges as merged ranges."""
    rows: list[list[str]] = []
    cell_numbers: list[tuple[int, ...]] = []
    spans: dict[tuple[int, int], list[int]] = {}  # (row, col) of a cell → [r1, c1] of its extent
    open_down: dict[int, tuple[int, int]] = {}  # grid column → (row, col) of the vMerge that starts there
    for r, tr in enumerate(el for el in tbl if _local(el) == "tr"):
        col = _int_val(_prop(tr, "trPr", "gridBefore"), 0)
        values = [""] * col
        numbers = [0] * col
        last: tuple[int, int] | None = None
        for number, tc in enumerate(_row_cells(tr), start=1):
            span = max(1, _int_val(_prop(tc, "tcPr", "gridSpan"), 1))
            if col + span > MAX_COLUMNS:
                raise DocxError(f"Word 表格超过 {MAX_COLUMNS} 列，无法读取，请支部按模板重新填写后发送")
            down = _merge_val(_prop(tc, "tcPr", "vMerge"))
            across = _merge_val(_prop(tc, "tcPr", "hMerge"))
            start = open_down.get(col)
            if across == "continue" and last is not None:  # legacy horizontal merge: widens the cell before
                spans[last][1] = col + span - 1
                values += [""] * span
            elif down == "continue" and start is not None:
                spans[start][0] = r
                values += [""] * span
            else:
                values += [_cell_text(tc)] + [""] * (span - 1)
                spans[(r, col)] = [r, col + span - 1]
                last = (r, col)
                for c in range(col, col + span):
                    open_down.pop(c, None)
                if down == "restart":
                    open_down[col] = (r, col)
            numbers += [number] * span
            col += span
        rows.append(values)
        cell_numbers.append(tuple(numbers))
    merges = [((r0, c0), (r1, c1)) for (r0, c0), (r1, c1) in spans.items() if r1 > r0 or c1 > c0]
    return _Table(rows, cell_numbers, merges)


# ---- the grid --------------------------------------------------------------------------------

def grid_of(body: Element) -> WordSheet:
    """The document body as one grid: paragraphs as one-cell rows, tables as their rows, in order."""
    rows: list[list[object]] = []
    places: list[Place] = []
    merges: list[tuple[tuple[int, int], tuple[int, int]]] = []
    counter = {"table": 0, "paragraph": 0, "cells": 0}

    def add_table(tbl: Element) -> None:
        counter["table"] += 1
        number = counter["table"]
        table = read_table(tbl)
        counter["cells"] += sum(len(r) for r in table.rows)
        if counter["cells"] > MAX_CELLS:
            raise DocxError("Word 文档中的表格过大（超过程序可处理的范围），请支部按模板重新填写后发送")
        top = len(rows)
        for i, (values, cells) in enumerate(zip(table.rows, table.cells, strict=True), start=1):
            rows.append(list(values))
            places.append(Place(number, i, cells))
        merges.extend(((r0 + top, c0), (r1 + top, c1)) for (r0, c0), (r1, c1) in table.merges)
        rows.append([])
        places.append(Place(number, 0))
        for cell in (c for tr in tbl if _local(tr) == "tr" for c in _row_cells(tr)):
            for nested in _nested_tables(cell):
                add_table(nested)

    for block in _blocks(body):
        if _local(block) == "tbl":
            add_table(block)
            continue
        text = paragraph_text(block).strip()
        nested = list(_nested_tables(block))  # tables inside text boxes
        if text:
            counter["paragraph"] += 1
            rows.append([text])
            places.append(Place(0, counter["paragraph"]))
        for tbl in nested:
            add_table(tbl)
    return _merged(rows, merges, tuple(places))


def _merged(rows: list[list[object]], merges: list[tuple[tuple[int, int], tuple[int, int]]],
            places: tuple[Place, ...]) -> WordSheet:
    """Fill merged ranges the way the spreadsheet reader does: the top-left value is every covered
    cell's value (a label merged down belongs to every row it spans), and covered cells are marked."""
    covered: set[tuple[int, int]] = set()
    for (r0, c0), (r1, c1) in merges:
        top_left = rows[r0][c0] if c0 < len(rows[r0]) else ""
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                if (r, c) == (r0, c0):
                    continue
                covered.add((r, c))
                if c < len(rows[r]) and rows[r][c] == "":
                    rows[r][c] = top_left
    return WordSheet(BODY_SHEET, True, tuple(tuple(r) for r in rows), frozenset(covered), places)
