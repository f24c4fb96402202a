"""Walk the inbox (read-only) and turn every file into a `Received`: nothing is skipped silently."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

from pipeline.model import DUPLICATE, Received


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
               progress: Callable[[Iterator[Path]], Iterator[Path]] = iter) -> list[Received]:
    """Read every file once; byte-identical copies are read only at the path that sorts first.

    `read_one` turns bytes into a `Received` (the parse layer's job, handed down so this layer
    never imports the ones above it)."""
    seen: dict[str, str] = {}
    out: list[Received] = []
    for path in progress(iter(inbox_files(inbox))):
        rel = path.relative_to(inbox).as_posix()
        data = path.read_bytes()
        mtime = path.stat().st_mtime
        sha = hashlib.sha256(data).hexdigest()
        if sha in seen and skip_reason(rel) is None:
            out.append(Received(rel, sha, mtime, DUPLICATE, duplicate_of=seen[sha]))
            continue
        received = read_one(rel, data, sha)
        if received.status is None:
            seen.setdefault(sha, rel)
        out.append(Received(rel, sha, mtime, received.status, received.reason, received.submission))
    return out
