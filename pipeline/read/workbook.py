"""Bytes → raw grids. The format is told by content, never by the file name (SPEC §3, §4)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

import defusedxml.ElementTree as SafeET
import msoffcrypto
import python_calamine
from defusedxml import DefusedXmlException

from pipeline.limits import Limits
from pipeline.model import IGNORED, UNKNOWN, UNREADABLE
from pipeline.read.container import zip_of
from pipeline.read.guard import a1, inspect
from pipeline.read.sparse import read_sparse

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb", ".et", ".ett", ".xlt", ".xltx")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Sheet:
    name: str
    visible: bool
    rows: tuple[tuple[object, ...], ...]
    covered: frozenset[tuple[int, int]]  # (row, col) 0-based cells inside a merge but not its top-left

    def value(self, row: int, col: int) -> object:
        if row < len(self.rows) and col < len(self.rows[row]):
            return self.rows[row][col]
        return ""

    def ref(self, row: int, col: int) -> str:
        """How an issue names this cell (0-based row and column): A1 here; Word grids say 表格2 第3行第2列."""
        return a1(row, col)


@dataclass(frozen=True)
class Opened:
    """A spreadsheet's sheets, or the status and Chinese reason it could not be opened."""

    fmt: str  # xlsx / xls / ods / "" when not a spreadsheet
    sheets: tuple[Sheet, ...] = ()
    status: str | None = None
    reason: str = ""


def sniff_format(data: bytes) -> str:
    """xlsx, xls, ods, encrypted, zip (some other zip), ole (some other OLE file) or ''."""
    if data.startswith(OLE_MAGIC):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data:
            return "encrypted"
        return "xls" if b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k" in data or b"B\x00o\x00o\x00k" in data else "ole"
    if data.startswith(ZIP_MAGIC):
        try:
            zf = zip_of(data)
            names = set(zf.namelist())
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "xl/workbook.bin" in names:
                return "xlsb"
            if "mimetype" in names and zf.read("mimetype").startswith(
                    b"application/vnd.oasis.opendocument.spreadsheet"):
                return "ods"
            return "zip"
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            return "broken-zip"
    return ""


def open_workbook(name: str, data: bytes, limits: Limits | None = None) -> Opened:
    """Read every sheet's raw cells; never raises for a bad file."""
    lower = name.lower()
    looks_like_sheet = lower.endswith(SPREADSHEET_SUFFIXES)
    if not data:
        return Opened("", status=UNREADABLE, reason="文件为空（0 字节），可能上传或保存时出错，请支部重新发送")
    limits = limits or Limits()
    if len(data) > limits.max_file_bytes:
        return Opened("", status=UNREADABLE, reason=inspect(data, "", limits).reason)
    fmt = sniff_format(data)
    if fmt == "encrypted" or (fmt in ("xls", "ole") and _is_encrypted(data)):
        return Opened(fmt, status=UNREADABLE,
                      reason="文件设置了打开密码，无法读取，请支部取消密码后重新发送")
    if fmt in ("", "zip", "ole") and not looks_like_sheet:
        if lower.endswith((".csv", ".txt")) and b"," in data[:2000]:
            return Opened("", status=IGNORED,
                          reason="CSV 文本文件不是规定的报送格式，请支部用 Excel 模板填写后发送 .xlsx 文件")
        return Opened("", status=IGNORED, reason="不是电子表格文件，未处理")
    if fmt in ("", "zip", "ole", "broken-zip"):
        return Opened(fmt, status=UNREADABLE,
                      reason="文件已损坏或不完整（可能传输中断），无法打开，请支部重新发送原文件")
    verdict = inspect(data, fmt, limits)  # before calamine sees it: it aborts on what it cannot hold
    if verdict.reason:
        return Opened(fmt, status=UNREADABLE, reason=verdict.reason)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        merges = ods_merges(data) if fmt == "ods" else {}
        sparse = read_sparse(data, {s: verdict.members[s] for s in verdict.sparse}) if verdict.sparse else {}
        sheets = tuple(_sheet(book, meta, merges.get(meta.name), sparse.get(meta.name))
                       for meta in book.sheets_metadata)
    except Exception:  # noqa: BLE001 - calamine raises many types for damaged files
        return Opened(fmt, status=UNREADABLE,
                      reason="文件已损坏或不完整，无法打开，请支部用 Excel 重新保存后发送")
    if not any(any(v != "" for row in s.rows for v in row) for s in sheets):
        return Opened(fmt, sheets, status=UNKNOWN, reason="工作簿是空白的，没有任何内容，请支部发送填好的表格")
    return Opened(fmt, sheets)


def _is_encrypted(data: bytes) -> bool:
    try:
        return bool(msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted())
    except Exception:  # noqa: BLE001 - an unreadable container is not "encrypted"
        return False


Merge = tuple[tuple[int, int], tuple[int, int]]


def _sheet(book: python_calamine.CalamineWorkbook, meta: python_calamine.SheetMetadata,
           merges: list[Merge] | None = None,
           sparse: tuple[list[tuple[object, ...]], list[Merge]] | None = None) -> Sheet:
    rows: list[Any]
    if sparse is None:
        sheet = book.get_sheet_by_name(meta.name)
        grid = sheet.to_python(skip_empty_area=False)
        ranges = merges or sheet.merged_cell_ranges or ()
        if not ranges:  # nothing to fill in: the rows as they are
            return Sheet(meta.name, _visible(meta), tuple(map(tuple, grid)), frozenset())
        rows = [list(r) for r in grid]
    else:  # a huge range with few cells: ragged rows, read by the cells (read/sparse.py)
        rows, ranges = list(sparse[0]), merges or sparse[1]
    covered: set[tuple[int, int]] = set()
    for (r0, c0), (r1, c1) in ranges:
        top_left = rows[r0][c0] if r0 < len(rows) and c0 < len(rows[r0]) else ""
        last = min(c1, len(rows[r0]) - 1) if r0 < len(rows) else -1  # no covering beyond the grid
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            for c in range(c0, last + 1):
                if (r, c) == (r0, c0):
                    continue
                covered.add((r, c))
                if c >= len(rows[r]) or not isinstance(rows[r], list):
                    rows[r] = [*rows[r], *[""] * (c + 1 - len(rows[r]))]  # a ragged row reaches the merge
                if rows[r][c] == "":
                    # A value merged down a column belongs to every row it spans.
                    rows[r][c] = top_left
    return Sheet(meta.name, _visible(meta), tuple(tuple(r) for r in rows), frozenset(covered))


def _visible(meta: python_calamine.SheetMetadata) -> bool:
    return str(meta.visible).lower().endswith("visible")


_ODS = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def ods_merges(data: bytes) -> dict[str, list[Merge]]:
    """Merged ranges of every sheet of an .ods file (python-calamine reports none for .ods)."""
    out: dict[str, list[Merge]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf, zf.open("content.xml") as fh:
            for _, table in SafeET.iterparse(fh, forbid_dtd=True):
                if table.tag == f"{_ODS}table":
                    out[table.get(f"{_ODS}name", "")] = list(_table_merges(table))
                    table.clear()
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, DefusedXmlException):
        return {}
    return out


def _table_merges(table: ElementTree.Element) -> Iterator[Merge]:
    r = 0
    for row in table.iter(f"{_ODS}table-row"):
        c = 0
        for cell in row:
            rows_spanned = int(cell.get(f"{_ODS}number-rows-spanned", "1"))
            cols_spanned = int(cell.get(f"{_ODS}number-columns-spanned", "1"))
            if rows_spanned > 1 or cols_spanned > 1:
                yield (r, c), (r + rows_spanned - 1, c + cols_spanned - 1)
            c += int(cell.get(f"{_ODS}number-columns-repeated", "1"))
        r += int(row.get(f"{_ODS}number-rows-repeated", "1"))
