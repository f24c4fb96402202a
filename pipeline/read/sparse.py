"""Read a sheet whose range is huge but whose cells are few by its cells, not its range.

The sheet's cells are moved next to each other (rows and columns that hold nothing are squeezed
out), python-calamine reads that small copy, and every value is put back at its own row and column
in a ragged grid: rows hold only up to their last value, empty rows are `()`. Values are exactly the
ones calamine gives (dates, numbers, shared strings), and the memory is bounded by the cells present
(the guard checked that before).
"""

from __future__ import annotations

import io
import re
import zipfile

import python_calamine

from pipeline.read.guard import a1, cell_ref

TAG = re.compile(rb"<(?P<prefix>[A-Za-z_][\w.-]*:)?(?P<name>row|c)(?P<attrs>\s[^>]*?)?(?P<close>/?)>")
ATTR_R = re.compile(rb"""\sr\s*=\s*(?:"([^"]*)"|'([^']*)')""")
DROP = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:dimension|mergeCell)\b[^>]*/>|"
                  rb"<(?:[A-Za-z_][\w.-]*:)?mergeCells\b[^>]*>|</(?:[A-Za-z_][\w.-]*:)?mergeCells>")

Merge = tuple[tuple[int, int], tuple[int, int]]


def _ref_of(attrs: bytes) -> str:
    m = ATTR_R.search(attrs)
    if not m:
        return ""
    return (m.group(1) or m.group(2) or b"").decode("ascii", "replace")


def _positions(xml: bytes) -> list[tuple[int, int, int] | None]:
    """For every <row>/<c> start tag in order: (row, col, kind) of a cell holding content, else None."""
    out: list[tuple[int, int, int] | None] = []
    row, col = -1, -1
    for m in TAG.finditer(xml):
        attrs = m.group("attrs") or b""
        if m.group("name") == b"row":
            r = _ref_of(attrs)
            row, col = (int(r) - 1 if r.isdigit() else row + 1), -1
            out.append(None)
            continue
        ref = cell_ref(_ref_of(attrs)) if _ref_of(attrs) else None
        here = ref or (row, col + 1)
        col = here[1]
        out.append(None if m.group("close") else (here[0], here[1], 1))
    return out


def compact(xml: bytes) -> tuple[bytes, list[int], list[int]]:
    """The sheet XML with its cells squeezed together, and the real rows and columns they stand for."""
    positions = _positions(xml)
    rows = sorted({p[0] for p in positions if p})
    cols = sorted({p[1] for p in positions if p})
    row_at = {r: i for i, r in enumerate(rows)}
    col_at = {c: i for i, c in enumerate(cols)}
    pieces = iter(positions)

    def rewrite(m: re.Match[bytes]) -> bytes:
        where = next(pieces)
        prefix = m.group("prefix") or b""
        if m.group("name") == b"row":
            return b"<" + prefix + b"row" + m.group("close") + b">"
        if where is None:
            return b""  # a cell with nothing in it: dropped
        attrs = ATTR_R.sub(b"", m.group("attrs") or b"")
        ref = a1(row_at[where[0]], col_at[where[1]]).encode()
        return b"<" + prefix + b'c r="' + ref + b'"' + attrs + b">"

    squeezed = TAG.sub(rewrite, DROP.sub(b"", xml))
    return squeezed, rows, cols




def merges_of(xml: bytes) -> list[Merge]:
    out: list[Merge] = []
    for m in re.finditer(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\sref\s*=\s*[\"']([^\"']+)[\"']", xml):
        first, _, last = m.group(1).decode("ascii", "replace").partition(":")
        a, b = cell_ref(first), cell_ref(last or first)
        if a and b:
            out.append((a, b))
    return out


def read_sparse(data: bytes, members: dict[str, str]) -> dict[str, tuple[list[tuple[object, ...]], list[Merge]]]:
    """Sheet name → (ragged rows, merged ranges) for each named sheet (name → worksheet part)."""
    squeezed: dict[str, bytes] = {}
    maps: dict[str, tuple[list[int], list[int], list[Merge]]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for sheet, member in members.items():
            xml = zf.read(member)
            squeezed[member], rows, cols = compact(xml)
            maps[sheet] = rows, cols, merges_of(xml)
        out_zip = io.BytesIO()
        with zipfile.ZipFile(out_zip, "w", zipfile.ZIP_DEFLATED) as out:
            for info in zf.infolist():
                out.writestr(info.filename, squeezed.get(info.filename) or zf.read(info.filename))
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(out_zip.getvalue()))
    result: dict[str, tuple[list[tuple[object, ...]], list[Merge]]] = {}
    for sheet, (rows, cols, merges) in maps.items():
        grid = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        result[sheet] = _spread(grid, rows, cols), merges
    return result


def _spread(grid: list[list[object]], rows: list[int], cols: list[int]) -> list[tuple[object, ...]]:
    """Compact grid → ragged rows at the real positions."""
    if not rows:
        return []
    out: list[tuple[object, ...]] = [()] * (rows[-1] + 1)
    for i, values in enumerate(grid[: len(rows)]):
        filled = [j for j, v in enumerate(values[: len(cols)]) if v != ""]
        if not filled:
            continue
        row = [""] * (cols[filled[-1]] + 1)
        for j in filled:
            row[cols[j]] = values[j]
        out[rows[i]] = tuple(row)
    return out
