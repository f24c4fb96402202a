"""Archives (.zip, .7z, .rar) opened like folders, in memory and within limits (SPEC §10).

`expand(rel, data, limits)` is the whole contract: an archive's bytes → its members (path inside the
inbox, bytes, modification time), or the Chinese reason it cannot be opened. It writes nothing: members
are read into memory while every limit is checked on the bytes as they stream out (declared sizes in
an archive's directory can lie), so a zip bomb stops at the first chunk past a limit. Only `.rar`
needs a file: the archive (never a member) is copied into a private temporary folder for the external
tool (`unar` or `bsdtar`), which streams each member to us; the folder is removed afterwards.

Hostile or broken archives are refused whole, with the reason: a member path that escapes the archive
(`../`, absolute), a link member, a password, damage, or anything past the limits. Nested archives are
the inbox walk's business: it calls `expand` again on a member that is an archive, with what is left
of the budget (`ArchiveLimits.spent`), down to `depth` levels.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import lzma
import re
import shutil
import stat
import subprocess
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO

import py7zr
import py7zr.io
import rarfile

from pipeline.read.container import zip_of
from pipeline.read.workbook import OLE_MAGIC, ZIP_MAGIC

MIB = 1024 * 1024
CHUNK = 256 * 1024
SEVEN_ZIP_MAGIC = b"7z\xbc\xaf\x27\x1c"
RAR_MAGIC = b"Rar!\x1a\x07"
UTF8_FLAG = 0x800
ENCRYPTED_FLAG = 0x1
UNICODE_PATH_EXTRA = 0x7075  # Info-ZIP: the UTF-8 name beside a legacy one

@dataclass(frozen=True)
class ArchiveLimits:
    """SPEC §10 defaults, in one place so campaign.toml (`[limits]`) can override them."""

    total_bytes: int = 200 * MIB  # everything one inbox archive expands to, nested archives included
    member_bytes: int = 50 * MIB
    members: int = 2000
    ratio: float = 100.0  # expanded : compressed
    depth: int = 3  # an archive in an archive in an archive is still opened
    ratio_floor: int = 1 * MIB  # the ratio is judged once this much has come out (tiny files compress well)

    def spent(self, expansion: Expansion) -> ArchiveLimits:
        """What is left for the archives nested in this one."""
        used = sum(len(m.data) for m in expansion.members)
        return replace(self, total_bytes=max(0, self.total_bytes - used),
                       members=max(0, self.members - len(expansion.members)))


DEFAULT_LIMITS = ArchiveLimits()


@dataclass(frozen=True)
class Member:
    path: str  # `<archive path>/<member path>`, "/"-separated
    data: bytes
    mtime: float | None = None  # the member's own time stamp, when the archive records one


@dataclass(frozen=True)
class Expansion:
    members: tuple[Member, ...] = ()
    problem: str = ""  # why the archive is 无法读取; empty when it opened

    @property
    def ok(self) -> bool:
        return not self.problem


class ArchiveError(Exception):
    """An archive that cannot be opened; the message is the Chinese reason for the clerk."""


# ---- what the clerk is told ------------------------------------------------------------------

def _mb(n: int) -> str:
    return f"{n / MIB:g} MB"


CORRUPT = "压缩包已损坏或不完整（可能传输中断），无法解压，请支部重新发送"
ENCRYPTED = "压缩包设置了密码，无法解压，请支部取消密码后重新打包发送（或直接发送文件）"
UNSUPPORTED = "压缩包使用了程序不支持的压缩方式，无法解压，请支部改用 .zip 格式重新打包发送"
NO_RAR_TOOL = "本机没有可解压 .rar 的工具（unar 或 bsdtar），无法解压；请解压后放入收件箱或改用 .zip"
RAR_FAILED = "压缩包（.rar）已损坏或无法解压，请解压后放入收件箱或改用 .zip"
MULTI_VOLUME = "分卷压缩包无法单独解压，请支部改用一个完整的 .zip 压缩包重新发送"


def too_deep(limits: ArchiveLimits) -> str:
    return f"压缩包嵌套超过 {limits.depth} 层，未解压；请支部解压后重新打包发送"


def _escapes(name: str) -> str:
    return f"压缩包中的文件路径“{name}”指向压缩包以外（含“../”或绝对路径），出于安全考虑未解压，请支部重新打包发送"


def _link(name: str) -> str:
    return f"压缩包中有链接文件“{name}”，出于安全考虑未解压，请支部直接打包文件本身后重新发送"


def _encrypted_member(name: str) -> str:
    return f"压缩包中的文件“{name}”设置了密码，无法解压，请支部取消密码后重新打包发送"


def _duplicate(name: str) -> str:
    return f"压缩包中有两个同名文件“{name}”，无法逐一列出，请支部重新打包发送"


# ---- the budget, checked while bytes stream out ----------------------------------------------

class _Budget:
    def __init__(self, limits: ArchiveLimits, archive_size: int) -> None:
        self.limits = limits
        self.archive_size = max(archive_size, 1)
        self.total = 0
        self.count = 0

    def admit(self, name: str, declared: int | None, compressed: int | None) -> None:
        """Before a member is read: its count and what the archive's directory says of it."""
        limits = self.limits
        self.count += 1
        if self.count > limits.members:
            raise ArchiveError(f"压缩包中的文件超过 {limits.members} 个，未解压；请支部只发送报送材料")
        if declared is not None:
            inflated = compressed is not None and declared > limits.ratio * max(compressed, 1)
            if inflated and declared > limits.ratio_floor:
                raise ArchiveError(self._bomb(name))
            self._check_size(name, declared)
            if self.total + declared > limits.total_bytes:
                raise ArchiveError(self._too_big())

    def take(self, name: str, produced: int, chunk: int, compressed: int | None) -> None:
        """After each chunk: the member's and the archive's real sizes so far, and the ratio."""
        limits = self.limits
        self.total += chunk
        inflated = compressed is not None and produced > limits.ratio * max(compressed, 1)
        if (inflated and produced > limits.ratio_floor) or (
                self.total > limits.ratio_floor and self.total > limits.ratio * self.archive_size):
            raise ArchiveError(self._bomb(name))
        self._check_size(name, produced)
        if self.total > limits.total_bytes:
            raise ArchiveError(self._too_big())

    def _check_size(self, name: str, size: int) -> None:
        if size > self.limits.member_bytes:
            raise ArchiveError(f"压缩包中的文件“{name}”超过 {_mb(self.limits.member_bytes)} 的上限，未解压；"
                                 "请支部只发送报送材料")

    def _too_big(self) -> str:
        return f"压缩包解压后超过 {_mb(self.limits.total_bytes)} 的上限，未解压；请支部分批发送或只发送报送材料"

    def _bomb(self, name: str) -> str:
        return (f"压缩包中的文件“{name}”压缩比异常（超过 {self.limits.ratio:g}:1，疑似“压缩炸弹”），"
                "出于安全考虑未解压，请支部检查后重新打包发送")


def _drain(fh: BinaryIO, name: str, budget: _Budget, compressed: int | None) -> bytes:
    chunks: list[bytes] = []
    produced = 0
    while chunk := fh.read(CHUNK):
        produced += len(chunk)
        budget.take(name, produced, len(chunk), compressed)
        chunks.append(chunk)
    return b"".join(chunks)


# ---- names -----------------------------------------------------------------------------------

_DRIVE = re.compile(r"^[A-Za-z]:")


def member_path(raw: str) -> str | None:
    """The member's path inside the archive, `/`-separated; None when it would land outside it."""
    name = raw.replace("\\", "/")
    if name.startswith("/") or _DRIVE.match(name):
        return None
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        return None
    return "/".join(parts)


def _check_names(names: list[tuple[str, str]]) -> list[str]:
    """(raw, clean) pairs → the clean paths; refuses an escaping path or two members of one name."""
    seen: set[str] = set()
    for raw, clean in names:
        if clean in seen:
            raise ArchiveError(_duplicate(clean))
        seen.add(clean)
        if not clean:
            raise ArchiveError(_escapes(raw))
    return [clean for _, clean in names]


# ---- formats ---------------------------------------------------------------------------------

# The name an Office package's first member has when Excel or Word wrote it, and an OpenDocument file's
# (its first member by the standard): the usual file is told from an archive by its first local header.
PACKAGE_FIRST = (b"[Content_Types].xml", b"mimetype")


def _first_name(data: bytes) -> bytes:
    """The name in a zip's first local file header (empty when there is none)."""
    if not data.startswith(b"PK\x03\x04") or len(data) < 30:
        return b""
    length = int.from_bytes(data[26:28], "little")
    return data[30:30 + length]


def archive_format(data: bytes) -> str | None:
    """zip, 7z or rar by content; office files (which are zips too) are not archives."""
    if data.startswith(SEVEN_ZIP_MAGIC):
        return "7z"
    if data.startswith(RAR_MAGIC):
        return "rar"
    if data.startswith((ZIP_MAGIC, b"PK\x05\x06")) and not data.startswith(OLE_MAGIC):
        if _first_name(data) in PACKAGE_FIRST:
            return None  # Excel, Word and every OpenDocument file: known without reading the zip's directory
        try:
            names = set(zip_of(data).namelist())
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            return "zip"  # a damaged zip is still an archive: 无法读取 with the archive's reason
        if "[Content_Types].xml" in names or "mimetype" in names or "META-INF/manifest.xml" in names:
            return None  # .xlsx / .docx / .ods / .odt: read as the document they are
        return "zip"
    return None


def expand(rel: str, data: bytes, limits: ArchiveLimits = DEFAULT_LIMITS) -> Expansion:
    """An archive's members, or why it cannot be opened. Never raises for a bad archive; writes nothing
    but the private temporary copy a `.rar` needs."""
    opener = {"zip": _zip_members, "7z": _seven_zip_members, "rar": _rar_members}.get(archive_format(data) or "")
    if opener is None:
        return Expansion(problem=CORRUPT)
    budget = _Budget(limits, len(data))
    try:
        members = [Member(f"{rel}/{path}", body, mtime) for path, body, mtime in opener(data, budget)]
    except ArchiveError as problem:
        return Expansion(problem=str(problem))
    except MemoryError:
        return Expansion(problem=budget._too_big())
    return Expansion(tuple(sorted(members, key=lambda m: m.path)))


Entries = Iterator[tuple[str, bytes, float | None]]


# ---- zip -------------------------------------------------------------------------------------

def _zip_name(info: zipfile.ZipInfo) -> str:
    """The member's name as the sender saw it: UTF-8 when flagged, the Info-ZIP Unicode path when
    present, UTF-8 when the raw bytes are valid UTF-8 (macOS, Linux), else GBK (Windows in China)."""
    if info.flag_bits & UTF8_FLAG:
        return info.filename
    raw = info.orig_filename.encode("cp437")  # zipfile decoded the raw bytes as cp437: undo it
    unicode_path = _unicode_path(info.extra, raw)
    if unicode_path:
        return unicode_path
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp936", errors="replace")


def _unicode_path(extra: bytes, raw: bytes) -> str | None:
    i = 0
    while i + 4 <= len(extra):
        kind, size = int.from_bytes(extra[i:i + 2], "little"), int.from_bytes(extra[i + 2:i + 4], "little")
        body = extra[i + 4:i + 4 + size]
        matches = len(body) > 5 and body[0] == 1 and int.from_bytes(body[1:5], "little") == zlib.crc32(raw)
        if kind == UNICODE_PATH_EXTRA and matches:
            try:
                return body[5:].decode("utf-8")
            except UnicodeDecodeError:
                return None
        i += 4 + size
    return None


def _zip_time(info: zipfile.ZipInfo) -> float | None:
    try:
        return float(calendar.timegm((*info.date_time, 0, 0, 0)))
    except (ValueError, OverflowError):
        return None


def _zip_members(data: bytes, budget: _Budget) -> Entries:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise ArchiveError(CORRUPT) from None
    with zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        names = _check_names([(_zip_name(i), member_path(_zip_name(i)) or "") for i in infos])
        for info, name in zip(infos, names, strict=True):
            mode = info.external_attr >> 16
            if info.create_system == 3 and stat.S_ISLNK(mode):
                raise ArchiveError(_link(name))
            if info.flag_bits & ENCRYPTED_FLAG:
                raise ArchiveError(ENCRYPTED if len(infos) == 1 else _encrypted_member(name))
        for info, name in zip(infos, names, strict=True):
            budget.admit(name, info.file_size, info.compress_size)
        for info, name in zip(infos, names, strict=True):
            try:
                with zf.open(info) as fh:
                    body = _drain(fh, name, budget, info.compress_size)
            except NotImplementedError:
                raise ArchiveError(UNSUPPORTED) from None
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error, lzma.LZMAError):
                raise ArchiveError(CORRUPT) from None
            yield name, body, _zip_time(info)


# ---- 7z --------------------------------------------------------------------------------------

class _Sink(py7zr.io.Py7zIO):
    """One member's bytes in memory, the budget checked on every write."""

    def __init__(self, name: str, budget: _Budget) -> None:
        self.name = name
        self.budget = budget
        self.buffer = io.BytesIO()

    def write(self, s: bytes | bytearray) -> int:
        self.budget.take(self.name, self.buffer.tell() + len(s), len(s), None)
        return self.buffer.write(s)

    def read(self, size: int | None = None) -> bytes:
        return self.buffer.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.buffer.seek(offset, whence)

    def flush(self) -> None:
        return None

    def size(self) -> int:
        return self.buffer.getbuffer().nbytes


class _SinkFactory(py7zr.io.WriterFactory):
    def __init__(self, budget: _Budget) -> None:
        self.budget = budget
        self.sinks: dict[str, _Sink] = {}

    def create(self, filename: str) -> py7zr.io.Py7zIO:
        sink = _Sink(filename, self.budget)
        self.sinks[filename] = sink
        return sink


def _seven_zip_members(data: bytes, budget: _Budget) -> Entries:
    try:
        archive = py7zr.SevenZipFile(io.BytesIO(data), mode="r")
    except py7zr.exceptions.PasswordRequired:
        raise ArchiveError(ENCRYPTED) from None
    except Exception:  # noqa: BLE001 - py7zr raises many types for a damaged archive
        raise ArchiveError(CORRUPT) from None
    with archive:
        if archive.needs_password():
            raise ArchiveError(ENCRYPTED)
        infos = [i for i in archive.list() if not i.is_directory]
        names = _check_names([(i.filename, member_path(i.filename) or "") for i in infos])
        for info, name in zip(infos, names, strict=True):
            if info.is_symlink:
                raise ArchiveError(_link(name))
            budget.admit(name, info.uncompressed, info.compressed)
        factory = _SinkFactory(budget)
        try:
            archive.extractall(factory=factory)
        except ArchiveError:
            raise
        except py7zr.exceptions.UnsupportedCompressionMethodError:
            raise ArchiveError(UNSUPPORTED) from None
        except Exception:  # noqa: BLE001 - damaged streams surface as many types
            raise ArchiveError(CORRUPT) from None
        sinks = {member_path(k) or k: v for k, v in factory.sinks.items()}
        for info, name in zip(infos, names, strict=True):
            sink = sinks.get(name)
            stamp = info.creationtime
            yield name, sink.buffer.getvalue() if sink else b"", _stamp(stamp)


def _stamp(when: dt.datetime | None) -> float | None:
    if when is None:
        return None
    return when.timestamp() if when.tzinfo else float(calendar.timegm(when.timetuple()))


# ---- rar -------------------------------------------------------------------------------------
# rarfile reads the headers (names, sizes, flags) in pure Python; the members' bytes come from an external
# tool writing them to a pipe, so they are counted as they stream, exactly like the zip and 7z members.

# unar goes by index (by name it misses some Chinese names); bsdtar last: it takes a .rar whose members
# are stored .xlsx files for a zip (it finds their zip directory) and then finds no such member.
RAR_TOOLS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("unrar", ("p", "-inul", "-p-", "{archive}", "{member}")),
    ("unar", ("-q", "-o", "-", "-i", "{archive}", "{index}")),
    ("bsdtar", ("-x", "-O", "-f", "{archive}", "{member}")),
)


def rar_tool() -> tuple[str, tuple[str, ...]] | None:
    """The first external tool that can stream a .rar member (unrar, unar, bsdtar), or None."""
    for name, args in RAR_TOOLS:
        found = shutil.which(name)
        if found:
            return found, args
    return None


def _rar_members(data: bytes, budget: _Budget) -> Entries:
    tool = rar_tool()
    if tool is None:
        raise ArchiveError(NO_RAR_TOOL)
    with tempfile.TemporaryDirectory(prefix="pinpai-rar-") as private:
        path = Path(private) / "archive.rar"
        path.write_bytes(data)
        try:
            yield from _rar_read(path, budget, tool)
        except ArchiveError:
            raise
        except rarfile.NeedFirstVolume:
            raise ArchiveError(MULTI_VOLUME) from None
        except rarfile.PasswordRequired:
            raise ArchiveError(ENCRYPTED) from None
        except (rarfile.Error, OSError, EOFError, ValueError):
            raise ArchiveError(RAR_FAILED) from None


def _rar_read(path: Path, budget: _Budget, tool: tuple[str, tuple[str, ...]]) -> Entries:
    with rarfile.RarFile(str(path), charset="cp936") as rf:
        if rf.needs_password():
            raise ArchiveError(ENCRYPTED)
        everything = rf.infolist()
        infos = [i for i in everything if not i.is_dir()]
        names = _check_names([(i.filename, member_path(i.filename) or "") for i in infos])
        for info, name in zip(infos, names, strict=True):
            if info.is_symlink() or info.file_redir:
                raise ArchiveError(_link(name))
            if info.needs_password():
                raise ArchiveError(ENCRYPTED if len(infos) == 1 else _encrypted_member(name))
            if info.volume > 0 or info.flags & rarfile.RAR_FILE_SPLIT_BEFORE:
                raise ArchiveError(MULTI_VOLUME)
            budget.admit(name, info.file_size, info.compress_size)
    program, args = tool
    for info, name in zip(infos, names, strict=True):
        fields = {"archive": str(path), "member": info.filename, "index": str(everything.index(info))}
        command = [program, *(a.format(**fields) for a in args)]
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              stdin=subprocess.DEVNULL) as proc:
            try:
                assert proc.stdout is not None
                body = _drain(proc.stdout, name, budget, info.compress_size)  # type: ignore[arg-type]
            finally:
                proc.kill()
        if info.CRC is not None and zlib.crc32(body) != info.CRC:
            raise ArchiveError(RAR_FAILED)
        stamp = info.mtime if isinstance(info.mtime, dt.datetime) else None
        if stamp is None and info.date_time:
            stamp = dt.datetime(*info.date_time)
        yield name, body, _stamp(stamp)
