"""List the inbox without trusting it, and load one file's bytes without blocking or following links out.

Symlinks are never followed out of the inbox, folder links are never expanded (so no loop through a
link), a folder seen twice (a bind mount) is listed once, FIFOs, sockets and devices are never opened,
and a file that vanishes or may not be read becomes a row with its reason — every entry exactly once.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pipeline.config import StopRun
from pipeline.model import IGNORED, UNREADABLE, Received

SPECIAL = "不是普通文件（命名管道、套接字或设备文件），未读取"
LINK_OUT = "快捷方式（符号链接）指向收件箱以外的位置，未读取；如需处理，请把文件本身复制到收件箱"
LINK_DIR = "指向文件夹的快捷方式（符号链接），未展开；请把文件夹本身放入收件箱"
LINK_BROKEN = "快捷方式（符号链接）指向的文件不存在，未读取"
LOOP = "文件夹循环（与收件箱中另一个文件夹是同一个），未重复读取"
VANISHED = "读取时文件已不存在（可能被移走或正在同步），请确认文件仍在收件箱中后重新运行"
NO_PERMISSION = "没有读取此文件的权限，请检查文件权限（或复制一份放入收件箱）后重新运行"
FOLDER_NO_PERMISSION = "没有打开此文件夹的权限，其中的文件未能读取，请检查权限后重新运行"
CHUNK = 1 << 20


@dataclass(frozen=True)
class Entry:
    """One thing found under the inbox: a file to read at `path`, or the status it gets unread."""

    rel: str  # relative to the inbox, with "/"; bytes that are not UTF-8 shown as \xNN
    path: Path
    status: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class Loaded:
    """A file's bytes as read once (or, for a file that cannot be read, why not)."""

    rel: str
    data: bytes | None
    sha256: str
    mtime: float
    status: str | None = None
    reason: str = ""
    served: Received | None = None  # what reading it gave before: the file has not changed since (`Known`)


class Known(Protocol):
    """What a file gave when last read, for a file unchanged since (read/cache.py: its SHA-256 remembered
    with its size, times and inode, as git's index does, so an unchanged file is not read and hashed again)."""

    def unchanged(self, rel: str, st: os.stat_result) -> Received | None: ...

    def hashed(self, rel: str, st: os.stat_result, sha256: str) -> None: ...


def walk_inbox(inbox: Path) -> list[Entry]:
    """Every entry under the inbox, sorted by relative path."""
    root = Path(os.path.realpath(inbox))
    out: list[Entry] = []
    seen_dirs: set[tuple[int, int]] = set()
    with_root = _dir_id(root)
    if with_root:
        seen_dirs.add(with_root)
    pending: list[tuple[Path, str]] = [(root, "")]
    while pending:
        folder, prefix = pending.pop()
        try:
            with os.scandir(folder) as it:
                items = sorted(it, key=lambda e: e.name)
        except FileNotFoundError:
            if not prefix:
                raise StopRun([f"找不到收件箱目录 {inbox}，请先建立该目录并放入支部名册和报送文件。"]) from None
            out.append(Entry(prefix.rstrip("/"), folder, UNREADABLE, VANISHED))
            continue
        except PermissionError:
            if not prefix:
                raise StopRun([f"没有读取收件箱 {inbox} 的权限，程序没有运行。请检查文件夹权限后重新运行。"]) from None
            out.append(Entry(prefix.rstrip("/"), folder, UNREADABLE, FOLDER_NO_PERMISSION))
            continue
        for item in items:
            rel = prefix + _shown(item.name)
            entry = _classify(item, rel, root, seen_dirs, pending)
            if entry is not None:
                out.append(entry)
    return sorted(out, key=lambda e: e.rel)


def _classify(item: os.DirEntry[str], rel: str, root: Path, seen_dirs: set[tuple[int, int]],
              pending: list[tuple[Path, str]]) -> Entry | None:
    path = Path(item.path)
    try:
        if item.is_symlink():
            return _link(path, rel, root)
        if item.is_dir(follow_symlinks=False):
            ident = _dir_id(path)
            if ident in seen_dirs:
                return Entry(rel, path, IGNORED, LOOP)
            if ident:
                seen_dirs.add(ident)
            pending.append((path, rel + "/"))
            return None
        if item.is_file(follow_symlinks=False):
            return Entry(rel, path)
    except FileNotFoundError:
        return Entry(rel, path, UNREADABLE, VANISHED)
    except PermissionError:
        return Entry(rel, path, UNREADABLE, NO_PERMISSION)
    return Entry(rel, path, IGNORED, SPECIAL)


def _link(path: Path, rel: str, root: Path) -> Entry:
    target = Path(os.path.realpath(path))
    if target != root and root not in target.parents:
        return Entry(rel, path, IGNORED, LINK_OUT)
    try:
        mode = target.stat().st_mode
    except OSError:
        return Entry(rel, path, IGNORED, LINK_BROKEN)
    if stat.S_ISDIR(mode):
        return Entry(rel, path, IGNORED, LINK_DIR)
    if not stat.S_ISREG(mode):
        return Entry(rel, path, IGNORED, SPECIAL)
    return Entry(rel, target)  # a link to a file inside the inbox: read the file it names


def _dir_id(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


_ESCAPED = re.compile("[\udc80-\udcff]")  # bytes the OS layer could not decode


def _shown(name: str) -> str:
    """A file name whose bytes are not UTF-8 (surrogate-escaped by the OS layer) as \\xNN, so it can be written."""
    if name.isascii() or not _ESCAPED.search(name):
        return name
    return "".join(f"\\x{ord(ch) - 0xDC00:02x}" if 0xDC80 <= ord(ch) <= 0xDCFF else ch for ch in name)


def load(entry: Entry, max_bytes: int, known: Known | None = None) -> Loaded:
    """The entry's bytes, opened without following a link or blocking on a pipe; never raises. With
    `known`, a regular file unchanged since it was last read is not opened: what it gave is `served`."""
    if entry.status:
        return Loaded(entry.rel, None, "", 0.0, entry.status, entry.reason)
    if known is not None:
        served = _served(entry, known)
        if served is not None:
            return served
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(entry.path, flags)
    except FileNotFoundError:
        return Loaded(entry.rel, None, "", 0.0, UNREADABLE, VANISHED)
    except PermissionError:
        return Loaded(entry.rel, None, "", 0.0, UNREADABLE, NO_PERMISSION)
    except OSError as exc:
        return Loaded(entry.rel, None, "", 0.0, *_os_problem(exc))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return Loaded(entry.rel, None, "", st.st_mtime, IGNORED, SPECIAL)
        item = _read_all(fd, entry.rel, st.st_mtime, max_bytes)
        if known is not None and item.data is not None and stat_key(os.fstat(fd)) == stat_key(st):
            known.hashed(entry.rel, st, item.sha256)  # (and not while it was being read)
        return item
    except OSError as exc:
        return Loaded(entry.rel, None, "", 0.0, *_os_problem(exc))
    finally:
        os.close(fd)


def stat_key(st: os.stat_result) -> tuple[int, int, int, int, int]:
    """What changes whenever a file's bytes do: size, modification and change times, inode and device."""
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev


def _served(entry: Entry, known: Known) -> Loaded | None:
    """A regular file (lstat: a link is never followed, nothing is opened) that `known` says is unchanged."""
    try:
        st = os.lstat(entry.path)
    except OSError:
        return None  # opening it tells what is wrong
    if not stat.S_ISREG(st.st_mode):
        return None
    served = known.unchanged(entry.rel, st)
    if served is None:
        return None
    return Loaded(entry.rel, None, served.sha256, st.st_mtime, served=served)


def _read_all(fd: int, rel: str, mtime: float, max_bytes: int) -> Loaded:
    """Read to the end, keeping at most `max_bytes` (a larger file is only hashed, chunk by chunk)."""
    sha = hashlib.sha256()
    kept: list[bytes] = []
    size = 0
    while chunk := os.read(fd, CHUNK):
        sha.update(chunk)
        size += len(chunk)
        if size <= max_bytes:
            kept.append(chunk)
        else:
            kept.clear()
    if size > max_bytes:
        reason = (f"文件过大（{size / (1 << 20):.1f} MB，上限 {max_bytes / (1 << 20):g} MB），"
                  "请删除多余内容后重新发送")
        return Loaded(rel, None, sha.hexdigest(), mtime, UNREADABLE, reason)
    return Loaded(rel, b"".join(kept), sha.hexdigest(), mtime)


def _os_problem(exc: OSError) -> tuple[str, str]:
    if isinstance(exc, IsADirectoryError):
        return IGNORED, "读取时已变成文件夹，未读取"
    if exc.errno == errno.ELOOP:
        return IGNORED, "读取时已被换成快捷方式（符号链接），未读取"
    if exc.errno == errno.EIO:
        return UNREADABLE, "磁盘读取错误，文件可能已损坏，请重新复制该文件后再运行"
    code = errno.errorcode.get(exc.errno or 0, type(exc).__name__)
    return UNREADABLE, f"读取文件时出错（错误代码 {code}），请检查文件后重新运行"
