"""Which reader a file needs, told by its bytes: one ordered registry of formats (SPEC §3, §10).

Each format is a small record with a `detect` that looks at the content and an `open` that turns the
bytes into an `Opened` (grids, or the status and Chinese reason there are none); the first format
that recognises the bytes reads them, spreadsheets last. The file name never decides what is read; it
only tailors a reason (a `.wps` is asked to be saved from WPS, a `.et` of unknown content as .xlsx).
Archives are not here: the inbox walk opens them like folders (pipeline.read.archives).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import olefile

from pipeline.limits import Limits
from pipeline.model import IGNORED, UNREADABLE
from pipeline.read.docx import is_docx, open_docx
from pipeline.read.workbook import OLE_MAGIC, ZIP_MAGIC, Opened, open_workbook

SAVE_DOC_AS_DOCX = "请将 Word 97-2003 文档另存为 .docx 后重新发送"
SEND_ORIGINAL = "如是报送材料，请支部发送 Word（.docx）或 Excel（.xlsx）原文件"
WORD_SUFFIXES = (".doc", ".dot", ".wps", ".wpt", ".rtf", ".odt")
WPS_SHEET_SUFFIXES = (".et", ".ett")

IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")


@dataclass(frozen=True)
class Format:
    title: str
    detect: Callable[[str, bytes], bool]
    open: Callable[[str, bytes, Limits], Opened]  # limits: how much of the file the reader may look at


def _ole_streams(data: bytes) -> set[str]:
    """Top-level stream names of an OLE2 (Office 97-2003, WPS) file; empty when it is none."""
    if not data.startswith(OLE_MAGIC):
        return set()
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return {path[0] for path in ole.listdir(streams=True, storages=True) if len(path) == 1}
    except Exception:  # noqa: BLE001 - olefile raises many types for a damaged container
        return set()


def _is_word_binary(_name: str, data: bytes) -> bool:
    return "WordDocument" in _ole_streams(data)


def _word_binary(name: str, _data: bytes, _limits: Limits) -> Opened:
    if name.lower().endswith((".wps", ".wpt")):
        return Opened("doc", status=UNREADABLE,
                      reason="WPS 文字文档（.wps）无法直接读取，请在 WPS 中将文档另存为 .docx 后重新发送")
    return Opened("doc", status=UNREADABLE,
                  reason=f"Word 97-2003 格式（.doc）的文档无法直接读取，{SAVE_DOC_AS_DOCX}")


def _is_rtf(_name: str, data: bytes) -> bool:
    return data.startswith(b"{\\rtf")


def _rtf(_name: str, _data: bytes, _limits: Limits) -> Opened:
    return Opened("rtf", status=UNREADABLE, reason="RTF 格式的文档无法直接读取，请用 Word 另存为 .docx 后重新发送")


def _is_odt(_name: str, data: bytes) -> bool:
    return data.startswith(ZIP_MAGIC) and b"mimetypeapplication/vnd.oasis.opendocument.text" in data[:200]


def _odt(_name: str, _data: bytes, _limits: Limits) -> Opened:
    return Opened("odt", status=UNREADABLE,
                  reason="OpenDocument 文本（.odt）无法直接读取，请另存为 Word 文档（.docx）后重新发送")


def _is_pdf(_name: str, data: bytes) -> bool:
    return b"%PDF-" in data[:1024]


def _pdf(_name: str, _data: bytes, _limits: Limits) -> Opened:
    return Opened("pdf", status=IGNORED, reason=f"PDF 文件无法读取其中的表格内容，未处理；{SEND_ORIGINAL}")


def _is_image(_name: str, data: bytes) -> bool:
    if data.startswith(IMAGE_MAGIC):
        return True
    bmp = data[:2] == b"BM" and data[6:10] == b"\x00\x00\x00\x00"
    riff_webp = data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    heif = data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"avif")
    return bmp or riff_webp or heif


def _image(_name: str, _data: bytes, _limits: Limits) -> Opened:
    return Opened("image", status=IGNORED,
                  reason=f"图片（照片、截图）无法读取其中的表格内容，未处理；{SEND_ORIGINAL}，活动照片请作为佐证材料留存")


def _spreadsheet(name: str, data: bytes, limits: Limits) -> Opened:
    """Excel, WPS (.et that is an OLE2 workbook) and OpenDocument spreadsheets; other bytes get a reason."""
    opened = open_workbook(name, data, limits)
    lower = name.lower()
    if not data or opened.status not in (UNREADABLE, IGNORED) or "密码" in opened.reason:
        return opened
    if lower.endswith(WPS_SHEET_SUFFIXES):
        return Opened(opened.fmt, status=UNREADABLE,
                      reason="WPS 表格文件（.et）无法直接读取，请在 WPS 中另存为 Excel 文件（.xlsx）后重新发送")
    if lower.endswith(WORD_SUFFIXES):
        return Opened(opened.fmt, status=UNREADABLE,
                      reason=f"文档无法读取（不是 .docx 格式），{SAVE_DOC_AS_DOCX}")
    return opened


def _always(_name: str, _data: bytes) -> bool:
    return True


FORMATS: tuple[Format, ...] = (
    Format("Word 文档（.docx）", lambda _n, d: is_docx(d), lambda _n, d, _limits: open_docx(d)),
    Format("Word 97-2003 / WPS 文字文档", _is_word_binary, _word_binary),
    Format("RTF 文档", _is_rtf, _rtf),
    Format("OpenDocument 文本", _is_odt, _odt),
    Format("PDF", _is_pdf, _pdf),
    Format("图片", _is_image, _image),
    Format("电子表格", _always, _spreadsheet),
)


def open_file(name: str, data: bytes, limits: Limits | None = None) -> Opened:
    """Read any submission's grids (spreadsheet or Word form); never raises for a bad file."""
    limits = limits or Limits()
    if data:
        for fmt in FORMATS:
            if fmt.detect(name, data):
                return fmt.open(name, data, limits)
    return open_workbook(name, data, limits)
