"""Look inside a workbook's container before any library reads it (issue 8, LIBRARY_NOTES).

python-calamine allocates a sheet's whole range densely and aborts the process when that fails, so
a 2 KB file with one cell at XFD1048576, or a zip bomb, must never reach it unchecked. This module
streams the container with bounded memory: member count, declared and streamed sizes, compression
ratio, every sheet's cells actually present (rows, columns, the furthest cell), shared strings,
merged ranges, .ods repeat counts, XML depth; entities and DTDs are refused (defusedxml). The
verdict is a refusal with the clerk's reason, or the sheets to read by their cells (sparse) because
their range is huge but their cells are few. Pure: bytes and limits in, a verdict out.
"""

from __future__ import annotations

import functools
import html
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from pipeline.limits import MB, Limits
from pipeline.read.container import zip_of

MAX_DEPTH = 100  # OOXML sheets nest about 6 deep, .ods content about 15
DENSE_CELLS = 1_000_000  # a range up to this size is read as it is
SPARSE_CELLS = 5_000_000  # rows + row widths of a sheet read by its cells
MERGED_CELLS = 2_000_000  # cells covered by merged ranges, clipped to the cells present
MAX_MERGES = 100_000
RATIO_FROM = MB  # compression ratio is checked on members at least this large
AGAIN = "请支部用 Excel 打开后另存为新文件再发送"
UNSAFE = "文件结构异常，无法安全读取"
BROKEN = "文件已损坏或不完整，无法打开，请支部用 Excel 重新保存后发送"
REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


@dataclass(frozen=True)
class Verdict:
    reason: str = ""  # a refusal; "" when the file may be read
    sparse: frozenset[str] = frozenset()  # sheet names to read by their cells (see read/sparse.py)
    members: dict[str, str] = field(default_factory=dict)  # sheet name → worksheet member, for sparse reading


class Refused(Exception):  # noqa: N818 - it names the outcome
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def too_large(what: str) -> str:
    return f"文件过大（{what}），请删除多余内容后重新发送"


def inspect(data: bytes, fmt: str, limits: Limits) -> Verdict:
    """Whether the file may be handed to the reader, and how."""
    if len(data) > limits.max_file_bytes:
        return Verdict(too_large(f"{len(data) / MB:.1f} MB，上限 {limits.max_file_mb} MB"))
    if fmt not in ("xlsx", "xlsb", "ods"):
        return Verdict()  # .xls: bounded by its format (65,536 × 256); the worker's limits cover the rest
    try:
        zf = zip_of(data)
        _check_members(zf, limits)
        if fmt == "xlsx":
            return _inspect_xlsx(zf, limits)
        if fmt == "ods":
            _inspect_ods(zf, limits)
        return Verdict()
    except Refused as refused:
        return Verdict(refused.reason)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, KeyError, NotImplementedError,
            RuntimeError):
        return Verdict(BROKEN)
    except SafeET.ParseError:
        return Verdict(BROKEN)
    except DefusedXmlException:
        return Verdict(f"{UNSAFE}（文件中含有 XML 实体或文档类型定义），{AGAIN}")
    except ValueError:  # (after DefusedXmlException, which is one)
        return Verdict(BROKEN)


def _check_members(zf: zipfile.ZipFile, limits: Limits) -> None:
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise Refused(f"{UNSAFE}（内含 {len(infos)} 个部件，上限 {limits.max_members} 个），{AGAIN}")
    total = sum(i.file_size for i in infos)
    if total > limits.max_unpacked_bytes:
        raise Refused(too_large(f"解压后 {total / MB:.0f} MB，上限 {limits.max_unpacked_mb} MB"))
    for info in infos:
        if info.file_size >= RATIO_FROM and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise Refused(f"{UNSAFE}（部件 {info.filename} 压缩比 {ratio}:1，上限 {limits.max_ratio}:1），{AGAIN}")


class _Capped(io.RawIOBase):
    """A member's stream that may not yield more than the budget left for the whole file."""

    def __init__(self, raw: IO[bytes], budget: list[int]) -> None:
        self.raw, self.budget = raw, budget

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        self.budget[0] -= len(data)
        if self.budget[0] < 0:
            raise Refused(too_large("解压后的内容超过上限"))
        buffer[: len(data)] = data
        return len(data)


def _events(zf: zipfile.ZipFile, name: str, budget: list[int]) -> Iterator[tuple[str, Any, int]]:
    """(event, element, depth) for one member, elements freed as soon as they end."""
    stack: list[Any] = []
    with zf.open(name) as raw:
        stream = io.BufferedReader(_Capped(raw, budget))
        for event, elem in SafeET.iterparse(stream, events=("start", "end"), forbid_dtd=True):
            if event == "start":
                stack.append(elem)
                if len(stack) > MAX_DEPTH:
                    raise Refused(f"{UNSAFE}（XML 嵌套超过 {MAX_DEPTH} 层），{AGAIN}")
                yield event, elem, len(stack)
            else:
                yield event, elem, len(stack)
                stack.pop()
                elem.clear()
                if stack:
                    stack[-1].remove(elem)


TOKEN = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)([^>]*?)(/?)>")


def _read_member(zf: zipfile.ZipFile, name: str, budget: list[int]) -> bytes:
    """A member's bytes, inflating no more than the budget left for the whole file (the declared size
    may lie)."""
    inflated = _inflated(zf, name, budget[0])
    if inflated is not None:
        budget[0] -= len(inflated)
        if budget[0] < 0:
            raise Refused(too_large("解压后的内容超过上限"))
        return inflated
    chunks = []
    with zf.open(name) as raw:
        while chunk := raw.read(MB):  # a small member in one read; a bomb stopped within a megabyte
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise Refused(too_large("解压后的内容超过上限"))
            chunks.append(chunk)
    return b"".join(chunks)


INFLATE_AT_ONCE = 4 * MB  # larger members are streamed through zf.open, a megabyte at a time
_LOCAL = struct.Struct("<4s22xHH")  # a local file header: signature, …, name and extra field lengths


def _inflated(zf: zipfile.ZipFile, name: str, budget: int) -> bytes | None:
    """The member inflated straight from the file's bytes, at most `budget` + 1 bytes of it; None when
    anything is out of the ordinary (encrypted, not deflated or stored, a local header that disagrees
    with the directory), and `zf.open` reads it with all its checks. Five or six small members per file
    opened through `ZipExtFile` cost more than inflating them (issue 10); the CRC is checked the same."""
    data = zf.fp.getvalue() if isinstance(zf.fp, io.BytesIO) else None  # (zip_of: the file's bytes, not a copy)
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if (data is None or info.flag_bits & 0x61 or info.file_size > INFLATE_AT_ONCE
            or info.compress_type not in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED)):
        return None
    at = info.header_offset
    if at + _LOCAL.size > len(data):
        return None
    signature, name_len, extra_len = _LOCAL.unpack_from(data, at)
    start = at + _LOCAL.size + name_len + extra_len
    local_name = data[at + _LOCAL.size:at + _LOCAL.size + name_len]
    if signature != b"PK\x03\x04" or local_name != info.orig_filename.encode("utf-8" if info.flag_bits & 0x800
                                                                             else "cp437", "replace"):
        return None
    packed = memoryview(data)[start:start + info.compress_size]
    most = min(budget, info.file_size) + 1  # as ZipExtFile, never past the declared size (then its CRC fails)
    if info.compress_type == zipfile.ZIP_STORED:
        out = bytes(packed[:most])
    else:
        try:
            out = zlib.decompressobj(-zlib.MAX_WBITS).decompress(packed, most)
        except zlib.error as exc:
            raise zipfile.BadZipFile(str(exc)) from None
    if len(out) <= budget and (len(out) != info.file_size or zlib.crc32(out) != info.CRC):
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {name!r}")
    return out


def _tags(xml: bytes) -> Iterator[tuple[bool, bytes, bytes, bool, int, int]]:
    """(is_end, local name, attributes, self-closing, start, end) of every tag, depth checked.

    Only for XML without `<!` (no DTD, comment or CDATA, which could hide tags): the callers use
    the defusedxml parse for anything else."""
    depth = 0
    for m in TOKEN.finditer(xml):
        is_end, closing = m.group(1) == b"/", m.group(4) == b"/"
        if is_end:
            depth -= 1
        elif not closing:
            depth += 1
            if depth > MAX_DEPTH:
                raise Refused(f"{UNSAFE}（XML 嵌套超过 {MAX_DEPTH} 层），{AGAIN}")
        yield is_end, m.group(2), m.group(3), closing, m.start(), m.end()


def _attr(attrs: bytes, name: bytes) -> str:
    m = re.search(rb"\s" + name + rb"""\s*=\s*(?:"([^"]*)"|'([^']*)')""", attrs)
    return (m.group(1) or m.group(2) or b"").decode("utf-8", "replace") if m else ""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def a1(row: int, col: int) -> str:
    """0-based row and column → an A1 reference (the inverse of `cell_ref`)."""
    return f"{column_letters(col)}{row + 1}"


@functools.lru_cache(maxsize=1024)
def column_letters(col: int) -> str:
    letters, n = "", col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def cell_ref(ref: str) -> tuple[int, int] | None:
    """'B3' → (2, 1), 0-based (row, column)."""
    m = REF.match(ref.strip())
    if not m:
        return None
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


# ---- .xlsx -----------------------------------------------------------------------------------

_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _inspect_xlsx(zf: zipfile.ZipFile, limits: Limits) -> Verdict:
    budget = [limits.max_unpacked_bytes]
    members = _sheet_members(zf, budget)
    names = set(zf.namelist())
    if "xl/sharedStrings.xml" in names:
        _check_shared_strings(zf, "xl/sharedStrings.xml", limits, budget)
    sparse = []
    for sheet, member in members.items():
        if member in names and _sheet_is_sparse(zf, member, sheet, limits, budget):
            sparse.append(sheet)
    return Verdict(sparse=frozenset(sparse), members=members if sparse else {})


def _sheet_members(zf: zipfile.ZipFile, budget: list[int]) -> dict[str, str]:
    """Sheet name → its worksheet part, from workbook.xml and its relationships."""
    targets: dict[str, str] = {}
    rels = "xl/_rels/workbook.xml.rels"
    if rels in zf.NameToInfo:
        for attrs in _start_tags(zf, rels, budget, "Relationship"):
            target = attrs.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            targets[attrs.get("Id", "")] = re.sub(r"[^/]+/\.\./", "", target) if "../" in target else target
    out: dict[str, str] = {}
    for attrs in _start_tags(zf, "xl/workbook.xml", budget, "sheet"):
        rid = next((v for k, v in attrs.items() if k.endswith((":id", "}id"))), "")
        if rid in targets:
            out[attrs.get("name", "")] = targets[rid]
    return out


def _start_tags(zf: zipfile.ZipFile, name: str, budget: list[int],
                wanted: str) -> Iterator[dict[str, str]]:
    """The attributes of each `wanted` start tag of a small member (by local name); the defusedxml parse when
    it has `<!`, else a scan for those tags alone (at C speed) once the nesting is known to be sane."""
    xml = _read_member(zf, name, budget)
    if b"<!" in xml:
        for event, elem, _ in _events(zf, name, budget):
            if event == "start" and _local(elem.tag) == wanted:
                yield dict(elem.attrib)
        return
    if DEEP.search(xml):
        raise Refused(f"{UNSAFE}（XML 嵌套超过 {MAX_DEPTH} 层），{AGAIN}")
    for attrs in re.findall(rb"<(?:[A-Za-z_][\w.-]*:)?" + wanted.encode() + rb"(\s[^>]*)?/?>", xml):
        yield {k.decode("utf-8", "replace"): _unescape((a or b).decode("utf-8", "replace"))
               for k, a, b in ATTRIBUTE.findall(attrs) if k in _NEEDED or k.endswith(b":id")}


_NEEDED = frozenset({b"Id", b"Target", b"name"})  # what _sheet_members reads, with a sheet's `…:id`


def _unescape(text: str) -> str:
    return html.unescape(text) if "&" in text else text


def _check_shared_strings(zf: zipfile.ZipFile, name: str, limits: Limits, budget: list[int]) -> None:
    xml = _read_member(zf, name, budget)
    if b"<!" not in xml and len(xml) <= limits.max_cell_bytes:  # the usual case, at C speed
        head = TOKEN.search(xml, xml.find(b"<sst") if b"<sst" in xml else 0)
        for attr in (b"count", b"uniqueCount"):
            declared = _attr(head.group(3), attr) if head else ""
            if declared and (not declared.isdigit() or int(declared) > limits.max_cells):
                raise Refused(too_large(f"共享字符串声明 {declared} 条，上限 {limits.max_cells} 条"))
        return  # fewer than 1 MB of XML: no string and no count of strings can pass a limit
    if b"<!" in xml:
        _check_shared_strings_parsed(zf, name, limits, budget)
        return
    count, opened = 0, 0
    for is_end, tag, attrs, closing, start, end in _tags(xml):
        if not is_end and tag == b"sst":
            for attr in (b"count", b"uniqueCount"):
                declared = _attr(attrs, attr) or "0"
                if not declared.isdigit() or int(declared) > limits.max_cells:
                    raise Refused(too_large(f"共享字符串声明 {declared} 条，上限 {limits.max_cells} 条"))
        elif not is_end and tag == b"t" and not closing:
            opened = end
        elif is_end and tag == b"t" and start - opened > limits.max_cell_bytes:
            raise Refused(too_large(f"有一段文字超过 {limits.max_cell_kb} KB"))
        elif tag == b"si" and (is_end or closing):
            count += 1
            if count > limits.max_cells:
                raise Refused(too_large(f"共享字符串超过 {limits.max_cells} 条"))


def _check_shared_strings_parsed(zf: zipfile.ZipFile, name: str, limits: Limits, budget: list[int]) -> None:
    count = 0
    for event, elem, depth in _events(zf, name, budget):
        tag = _local(elem.tag)
        if event == "start" and depth == 1:
            for attr in ("count", "uniqueCount"):
                declared = elem.get(attr, "0")
                if not declared.isdigit() or int(declared) > limits.max_cells:
                    raise Refused(too_large(f"共享字符串声明 {declared} 条，上限 {limits.max_cells} 条"))
        elif event == "end" and tag == "t" and len(elem.text or "") > limits.max_cell_bytes:
            raise Refused(too_large(f"有一段文字超过 {limits.max_cell_kb} KB"))
        elif event == "end" and tag == "si":
            count += 1
            if count > limits.max_cells:
                raise Refused(too_large(f"共享字符串超过 {limits.max_cells} 条"))


@dataclass
class _SheetStats:
    rows: dict[int, int] = field(default_factory=dict)  # row with values → its furthest column
    cols: set[int] = field(default_factory=set)
    cells: int = 0
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


def _sheet_is_sparse(zf: zipfile.ZipFile, member: str, sheet: str, limits: Limits, budget: list[int]) -> bool:
    xml = _read_member(zf, member, budget)
    plain = b"<!" not in xml
    if plain and _plainly_small(xml, limits):
        return False
    stats = _sheet_stats_fast(xml, sheet, limits) if plain else _sheet_stats(zf, member, sheet, limits, budget)
    if not stats.rows:
        return False
    max_row, max_col = max(stats.rows), max(stats.cols)
    extent = (max_row + 1) * (max_col + 1)
    _check_merges(stats, max_row, max_col, sheet)
    if extent <= DENSE_CELLS or extent <= 4 * stats.cells:
        return False
    ragged = max_row + 1 + sum(c + 1 for c in stats.rows.values())
    if ragged > SPARSE_CELLS or not plain:  # (a sheet squeezed by read/sparse.py must have no `<!`)
        raise Refused(too_large(f"工作表“{sheet}”的内容分散在 {max_row + 1} 行 × {max_col + 1} 列的范围内"))
    return True


_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"  # a namespace prefix, as in <x:c>
_CELL_REF = rb"c\s[^>]*?\br\s*=\s*[\"']\$?([A-Z]{1,3})\$?([0-9]{1,7})[\"']"
_CELL_TAG = rb"c[\s/>]"
CELL_REF = re.compile(b"<" + _PREFIX + _CELL_REF)
CELL_TAG = re.compile(b"<" + _PREFIX + _CELL_TAG)
CELL_REF_UNPREFIXED = re.compile(b"<" + _CELL_REF)  # the same, for XML with no "<x:c": found faster
CELL_TAG_UNPREFIXED = re.compile(b"<" + _CELL_TAG)
MERGE_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell[\s/>]")
# A chain of MAX_DEPTH start tags with only text between them (possessive and atomic: no backtracking).
DEEP = re.compile(rb"<[A-Za-z_](?>[^<>/]*+>[^<]*+<[A-Za-z_]){%d}" % (MAX_DEPTH - 1))
ATTRIBUTE = re.compile(rb"""([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _plainly_small(xml: bytes, limits: Limits) -> bool:
    """The usual sheet, decided at C speed: every cell positioned, all of them (empty or not)
    within the limits and the dense range, no cell text near the limit, few merges."""
    if len(xml) > limits.max_cell_bytes or DEEP.search(xml):
        return False
    if xml.count(b"mergeCell") > 1000 and len(MERGE_TAG.findall(xml)) > 1000:  # a count bounds the tags
        return False
    unprefixed = b":c" not in xml  # no <x:c> tag: simpler patterns, found faster
    refs = (CELL_REF_UNPREFIXED if unprefixed else CELL_REF).findall(xml)
    if len(refs) != len((CELL_TAG_UNPREFIXED if unprefixed else CELL_TAG).findall(xml)):
        return False  # cells without a position: the careful scan places them
    if not refs:
        return True
    letters, digits = zip(*refs, strict=True)
    rows, cols = set(digits), set(letters)  # (rows as written: "07" and "7" count twice, on the safe side)
    if len(rows) > limits.max_rows or len(cols) > limits.max_columns:
        return False
    max_row = max(map(int, rows))
    widest = max(map(len, cols))
    max_col = (cell_ref(max(c for c in cols if len(c) == widest).decode() + "1") or (0, 0))[1] + 1
    return max_row * max_col <= DENSE_CELLS


def _sheet_stats_fast(xml: bytes, sheet: str, limits: Limits) -> _SheetStats:
    """As `_sheet_stats`, by scanning the tags of XML known to hold no `<!`."""
    stats = _SheetStats()
    row, col, has_value, here, opened = -1, -1, False, (0, 0), 0
    for is_end, tag, attrs, closing, start, end in _tags(xml):
        if not is_end:
            if tag == b"row":
                r = _attr(attrs, b"r")
                row, col = (int(r) - 1 if r.isdigit() else row + 1), -1
            elif tag == b"c":
                r = _attr(attrs, b"r")
                here = (cell_ref(r) if r else None) or (row, col + 1)
                col, has_value = here[1], False
            elif tag in (b"v", b"t") and not closing:
                opened, has_value = end, True
            elif tag == b"mergeCell":
                _add_merge(stats, _attr(attrs, b"ref"))
            continue
        if tag in (b"v", b"t") and start - opened > limits.max_cell_bytes:
            raise Refused(too_large(f"工作表“{sheet}”有单元格的内容超过 {limits.max_cell_kb} KB"))
        if tag == b"c" and has_value:
            _add_cell(stats, here, sheet, limits)
    return stats


def _sheet_stats(zf: zipfile.ZipFile, member: str, sheet: str, limits: Limits, budget: list[int]) -> _SheetStats:
    """Cells holding a value (a <v> or an inline string), positioned as a reader positions them."""
    stats = _SheetStats()
    row, col, has_value, here = -1, -1, False, (0, 0)
    for event, elem, _ in _events(zf, member, budget):
        tag = _local(elem.tag)
        if event == "start":
            if tag == "row":
                r = elem.get("r", "")
                row, col = (int(r) - 1 if r.isdigit() else row + 1), -1
            elif tag == "c":
                ref = cell_ref(elem.get("r", "")) if elem.get("r") else None
                here = ref or (row, col + 1)
                col, has_value = here[1], False
            elif tag == "mergeCell":
                _add_merge(stats, elem.get("ref", ""))
            continue
        if tag in ("v", "t"):
            has_value = True
            if len(elem.text or "") > limits.max_cell_bytes:
                raise Refused(too_large(f"工作表“{sheet}”有单元格的内容超过 {limits.max_cell_kb} KB"))
        elif tag == "c" and has_value:
            _add_cell(stats, here, sheet, limits)
    return stats


def _add_cell(stats: _SheetStats, here: tuple[int, int], sheet: str, limits: Limits) -> None:
    r, c = here
    stats.cells += 1
    if r not in stats.rows:
        if len(stats.rows) >= limits.max_rows:
            raise Refused(too_large(f"工作表“{sheet}”有内容的行超过 {limits.max_rows} 行"))
        stats.rows[r] = c
    elif c > stats.rows[r]:
        stats.rows[r] = c
    if c not in stats.cols:
        if len(stats.cols) >= limits.max_columns:
            raise Refused(too_large(f"工作表“{sheet}”有内容的列超过 {limits.max_columns} 列"))
        stats.cols.add(c)


def _add_merge(stats: _SheetStats, ref: str) -> None:
    first, _, last = ref.partition(":")
    a, b = cell_ref(first), cell_ref(last or first)
    if a and b:
        if len(stats.merges) >= MAX_MERGES:
            raise Refused(f"{UNSAFE}（合并单元格超过 {MAX_MERGES} 处），{AGAIN}")
        stats.merges.append((a[0], a[1], b[0], b[1]))


def _check_merges(stats: _SheetStats, max_row: int, max_col: int, sheet: str) -> None:
    covered = 0
    for r0, c0, r1, c1 in stats.merges:
        if r0 <= max_row and c0 <= max_col:
            covered += (min(r1, max_row) - r0 + 1) * (min(c1, max_col) - c0 + 1)
    if covered > MERGED_CELLS:
        raise Refused(too_large(f"工作表“{sheet}”的合并单元格覆盖 {covered} 个单元格"))


# ---- .ods ------------------------------------------------------------------------------------

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def _inspect_ods(zf: zipfile.ZipFile, limits: Limits) -> None:
    """.ods repeats rows and cells by count: a reader expands what holds content, so bound that."""
    budget = [limits.max_unpacked_bytes]
    table, row, col, rows_rep = "", 0, 0, 1
    row_content, last_row, last_col, cells = False, -1, -1, 0
    cell_depth, cell_child = 0, False
    for event, elem, depth in _events(zf, "content.xml", budget):
        tag = _local(elem.tag)
        if event == "start":
            if tag == "table":
                table, row, last_row, last_col, cells = elem.get(f"{{{_TABLE}}}name", ""), 0, -1, -1, 0
            elif tag == "table-row":
                rows_rep, col, row_content = _repeat(elem, "number-rows-repeated"), 0, False
            elif tag in ("table-cell", "covered-table-cell"):
                cell_depth, cell_child = depth, False
            elif depth == cell_depth + 1:
                cell_child = True
            continue
        if tag in ("table-cell", "covered-table-cell"):
            cols_rep = _repeat(elem, "number-columns-repeated")
            if elem.get(f"{{{_OFFICE}}}value-type") or cell_child:
                row_content = True
                last_col = max(last_col, col + cols_rep - 1)
                cells += cols_rep * rows_rep
            col += cols_rep
            cell_depth = 0
        elif tag == "table-row":
            if row_content:
                last_row = row + rows_rep - 1
            row += rows_rep
            _check_ods_extent(table, last_row, last_col, cells, limits)
        elif len(elem.text or "") > limits.max_cell_bytes or len(elem.tail or "") > limits.max_cell_bytes:
            raise Refused(too_large(f"工作表“{table}”有单元格的内容超过 {limits.max_cell_kb} KB"))


def _repeat(elem: Any, attr: str) -> int:
    value = elem.get(f"{{{_TABLE}}}{attr}", "1")
    return int(value) if value.isdigit() else 1


def _check_ods_extent(table: str, last_row: int, last_col: int, cells: int, limits: Limits) -> None:
    if last_row + 1 > limits.max_rows:
        raise Refused(too_large(f"工作表“{table}”的内容范围达 {last_row + 1} 行，上限 {limits.max_rows} 行"))
    if last_col + 1 > limits.max_columns:
        raise Refused(too_large(f"工作表“{table}”的内容范围达 {last_col + 1} 列，上限 {limits.max_columns} 列"))
    if cells > limits.max_cells:
        raise Refused(too_large(f"工作表“{table}”的单元格超过 {limits.max_cells} 个"))
