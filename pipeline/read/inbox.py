"""Walk the inbox (read-only) and turn every file into a `Received`: nothing is skipped silently.

Archives are opened like folders here, in this process and within their limits (read/archives.py);
every file to read — loose or an archive member — then goes to the worker pool (read/pool.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.limits import Limits
from pipeline.model import DUPLICATE, EXPANDED, UNREADABLE, Received
from pipeline.read.archives import DEFAULT_LIMITS, ArchiveLimits, archive_format, expand, too_deep
from pipeline.read.cache import ReadCache
from pipeline.read.pool import UNSAFE, ReadPool, ReadTask
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


@dataclass(frozen=True)
class Slot:
    """One manifest row to come: a file the pool reads (`read`), or a row decided without reading."""

    rel: str
    sha256: str
    mtime: float
    read: bool


Planned = tuple[Slot, ReadTask | Received]


def read_inbox(inbox: Path, read_one: ReadOne,
               progress: Callable[[Iterator[Path]], Iterator[Path]] = iter, jobs: int = 1,
               limits: Limits | None = None, archive_limits: ArchiveLimits = DEFAULT_LIMITS,
               cache: ReadCache | None = None, shared: tuple[object, ...] = ()) -> list[Received]:
    """Read every file once, in `jobs` worker processes (read/pool.py); byte-identical copies are
    read only at the path that sorts first, across folders and archives alike. The result does not
    depend on `jobs`.

    `read_one` turns bytes into a `Received` (the parse layer's job, handed down so this layer
    never imports the ones above it); it must pickle. With a `cache` (read/cache.py), a file read before
    with the same bytes, path and reading configuration is taken from it instead of the pool. `shared`:
    objects every result may hold (the form kinds), passed back from the workers by reference."""
    limits = limits or Limits()
    entries = walk_inbox(inbox)
    slots: list[Slot] = []
    fresh: list[int] = []  # indices of the tasks the pool reads (not served by the cache)

    def loaded() -> Iterator[Loaded]:
        for entry, _ in zip(entries, progress(iter([e.path for e in entries])), strict=True):
            yield load(entry, limits.max_file_bytes, cache)

    def tasks() -> Iterator[ReadTask | Received]:
        for slot, task in plan(loaded(), archive_limits, known):
            slots.append(slot)
            if isinstance(task, ReadTask) and cache is not None:
                hit = hits.pop((task.rel, task.sha256), None)  # looked up by `known` as it was planned
                if hit is not None:
                    yield stamped(hit, task.mtime)
                    continue
                if skip_reason(task.rel) is None:  # skipped files cost nothing to read: not cached
                    fresh.append(len(slots) - 1)
            yield task

    hits: dict[tuple[str, str], Received] = {}

    def known(rel: str, sha: str) -> bool:
        """A file the cache has read before is no archive (archives are never cached): no need to look."""
        if cache is None:
            return False
        hit = cache.get(rel, sha)
        if hit is not None:
            hits[(rel, sha)] = hit
        return hit is not None

    with ReadPool(read_one, jobs, limits.worker_memory_mb, limits.worker_timeout_seconds, shared) as pool:
        results = pool.map(tasks())
    if cache is not None:
        try:
            for i in fresh:
                if not (results[i].status == UNREADABLE and results[i].reason.startswith(UNSAFE)):
                    cache.put(slots[i].rel, slots[i].sha256, results[i])  # a crash or timeout may be the machine's
            cache.save()
        finally:
            cache.close()
    return without_duplicates(slots, results)


def plan(items: Iterable[Loaded], limits: ArchiveLimits = DEFAULT_LIMITS,
         known: Callable[[str, str], bool] | None = None) -> Iterator[Planned]:
    """What each loaded file becomes: a task for the pool, or a row decided here — a file that could not
    be loaded, an archive (its own row, then each member in turn), an archive identical to an earlier one.
    `known(rel, sha256)` tells a file already read as a document (no archive): it is not opened again."""
    archives: dict[str, str] = {}  # sha256 → the first path of an archive opened
    for item in items:
        if item.served is not None:  # unchanged since it was read (a cache hit without reading it again)
            yield Slot(item.rel, item.sha256, item.mtime, True), stamped(item.served, item.mtime)
        elif item.data is None:
            yield (Slot(item.rel, item.sha256, item.mtime, False),
                   Received(item.rel, item.sha256, item.mtime, item.status, item.reason))
        else:
            yield from _entry(item.rel, item.data, item.sha256, item.mtime, limits, 0, archives, known)[0]


def _entry(rel: str, data: bytes, sha: str, mtime: float, budget: ArchiveLimits, depth: int,
           archives: dict[str, str], known: Callable[[str, str], bool] | None = None,
           ) -> tuple[list[Planned], ArchiveLimits]:
    """(rows, the budget left for what follows): nested archives share one archive's budget."""
    if skip_reason(rel) is not None or (known is not None and known(rel, sha)) or not archive_format(data):
        return [(Slot(rel, sha, mtime, True), ReadTask(rel, data, sha, mtime))], budget
    here = Slot(rel, sha, mtime, False)
    if sha in archives:
        return [(here, Received(rel, sha, mtime, DUPLICATE, duplicate_of=archives[sha]))], budget
    if depth >= budget.depth:
        return [(here, Received(rel, sha, mtime, UNREADABLE, too_deep(budget)))], budget
    expansion = expand(rel, data, budget)
    if not expansion.ok:
        return [(here, Received(rel, sha, mtime, UNREADABLE, expansion.problem))], budget
    archives.setdefault(sha, rel)
    note = f"压缩包，已解压，共 {len(expansion.members)} 个文件（逐个列在本清单中，文件名以本压缩包路径开头）"
    rows: list[Planned] = [(here, Received(rel, sha, mtime, EXPANDED, note))]
    left = budget.spent(expansion)
    for m in expansion.members:
        found, left = _entry(m.path, m.data, hashlib.sha256(m.data).hexdigest(),
                             mtime if m.mtime is None else m.mtime, left, depth + 1, archives, known)
        rows += found
    return rows, left


def stamped(received: Received, mtime: float) -> Received:
    """A cached result with the file's modification time as it is now (rebuilt only when it differs)."""
    return received if received.mtime == mtime else replace(received, mtime=mtime)


def without_duplicates(slots: list[Slot], results: list[Received]) -> list[Received]:
    """A file byte-identical to one read earlier (in inbox order) is 重复 of it."""
    seen: dict[str, str] = {}
    out: list[Received] = []
    for slot, received in zip(slots, results, strict=True):
        if slot.read and slot.sha256 in seen and skip_reason(slot.rel) is None:
            out.append(Received(slot.rel, slot.sha256, slot.mtime, DUPLICATE, duplicate_of=seen[slot.sha256]))
            continue
        if slot.read and received.status is None:
            seen.setdefault(slot.sha256, slot.rel)
        out.append(received)
    return out
