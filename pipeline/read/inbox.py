"""Walk the inbox (read-only) and turn every file into a `Received`: nothing is skipped silently."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

from pipeline.model import DUPLICATE, EXPANDED, UNREADABLE, Received
from pipeline.read.archives import DEFAULT_LIMITS, ArchiveLimits, archive_format, expand, too_deep


def inbox_files(inbox: Path) -> list[Path]:
    """Every regular file under the inbox, in a stable order."""
    return sorted((p for p in inbox.rglob("*") if p.is_file()), key=lambda p: p.relative_to(inbox).as_posix())


def skip_reason(rel: str) -> str | None:
    name = rel.rsplit("/", 1)[-1]
    if name.startswith("~$"):
        return "Excel 打开文件时产生的临时锁定文件，不是报送材料"
    if any(part.startswith(".") for part in rel.split("/")):
        return "隐藏文件（系统自动生成），不是报送材料"
    return None


ReadOne = Callable[[str, bytes, str], Received]  # (relative path, bytes, sha256) → what the file is


def read_inbox(inbox: Path, read_one: ReadOne,
               progress: Callable[[Iterator[Path]], Iterator[Path]] = iter,
               limits: ArchiveLimits = DEFAULT_LIMITS) -> list[Received]:
    """Read every file once; byte-identical copies are read only at the path that sorts first.

    `read_one` turns bytes into a `Received` (the parse layer's job, handed down so this layer
    never imports the ones above it)."""
    seen: dict[str, str] = {}
    out: list[Received] = []
    for path in progress(iter(inbox_files(inbox))):
        rel = path.relative_to(inbox).as_posix()
        out += read_entry(rel, path.read_bytes(), path.stat().st_mtime, read_one, seen, limits)
    return out


def read_entry(rel: str, data: bytes, mtime: float, read_one: ReadOne,
               seen: dict[str, str], limits: ArchiveLimits = DEFAULT_LIMITS) -> list[Received]:
    """One file as read — or an archive opened like a folder: its own row, then every member.

    `seen` maps the SHA-256 of each file read to its path, so byte-identical files are 重复 across
    folders and archives alike.
    """
    return _walk(rel, data, mtime, read_one, seen, limits, 0)[0]


def _walk(rel: str, data: bytes, mtime: float, read_one: ReadOne,
          seen: dict[str, str], limits: ArchiveLimits, depth: int) -> tuple[list[Received], ArchiveLimits]:
    """(rows, the limits left for what follows): nested archives share one archive's budget."""
    sha = hashlib.sha256(data).hexdigest()
    if sha in seen and skip_reason(rel) is None:
        return [Received(rel, sha, mtime, DUPLICATE, duplicate_of=seen[sha])], limits
    if skip_reason(rel) is None and archive_format(data):
        if depth >= limits.depth:
            return [Received(rel, sha, mtime, UNREADABLE, too_deep(limits))], limits
        expansion = expand(rel, data, limits)
        if not expansion.ok:
            return [Received(rel, sha, mtime, UNREADABLE, expansion.problem)], limits
        seen.setdefault(sha, rel)
        note = f"压缩包，已解压，共 {len(expansion.members)} 个文件（逐个列在本清单中，文件名以本压缩包路径开头）"
        rows, left = [Received(rel, sha, mtime, EXPANDED, note)], limits.spent(expansion)
        for m in expansion.members:
            found, left = _walk(m.path, m.data, mtime if m.mtime is None else m.mtime, read_one, seen,
                                left, depth + 1)
            rows += found
        return rows, left
    received = read_one(rel, data, sha)
    if received.status is None:
        seen.setdefault(sha, rel)
    return [Received(rel, sha, mtime, received.status, received.reason, received.submission)], limits
