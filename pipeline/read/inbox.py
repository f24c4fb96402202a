"""Walk the inbox (read-only) and turn every file into a `Received`: nothing is skipped silently."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from pipeline.limits import Limits
from pipeline.model import DUPLICATE, Received
from pipeline.read.pool import ReadPool, ReadTask
from pipeline.read.walk import Loaded, load, walk_inbox


def inbox_files(inbox: Path) -> list[Path]:
    """Every regular file under the inbox that may be read, in a stable order (read/walk.py)."""
    return [e.path for e in walk_inbox(inbox) if e.status is None]


def skip_reason(rel: str) -> str | None:
    name = rel.rsplit("/", 1)[-1]
    if name.startswith("~$"):
        return "Excel 打开文件时产生的临时锁定文件，不是报送材料"
    if any(part.startswith(".") for part in rel.split("/")):
        return "隐藏文件（系统自动生成），不是报送材料"
    return None


ReadOne = Callable[[str, bytes, str], Received]  # (relative path, bytes, sha256) → what the file is


def read_inbox(inbox: Path, read_one: ReadOne,
               progress: Callable[[Iterator[Path]], Iterator[Path]] = iter, jobs: int = 1,
               limits: Limits | None = None) -> list[Received]:
    """Read every file once, in `jobs` worker processes (read/pool.py); byte-identical copies are
    read only at the path that sorts first. The result does not depend on `jobs`.

    `read_one` turns bytes into a `Received` (the parse layer's job, handed down so this layer
    never imports the ones above it); it must pickle."""
    limits = limits or Limits()
    entries = walk_inbox(inbox)
    loaded: list[Loaded] = []

    def tasks() -> Iterator[ReadTask | Received]:
        for entry, _ in zip(entries, progress(iter([e.path for e in entries])), strict=True):
            item = load(entry, limits.max_file_bytes)
            loaded.append(item)
            if item.data is None:
                yield Received(item.rel, item.sha256, item.mtime, item.status, item.reason)
            else:
                yield ReadTask(item.rel, item.data, item.sha256, item.mtime)

    with ReadPool(read_one, jobs, limits.worker_memory_mb, limits.worker_timeout_seconds) as pool:
        results = pool.map(tasks())
    seen: dict[str, str] = {}
    out: list[Received] = []
    for item, received in zip(loaded, results, strict=True):
        if item.data is not None and item.sha256 in seen and skip_reason(item.rel) is None:
            out.append(Received(item.rel, item.sha256, item.mtime, DUPLICATE, duplicate_of=seen[item.sha256]))
            continue
        if received.status is None:
            seen.setdefault(item.sha256, item.rel)
        out.append(received)
    return out
