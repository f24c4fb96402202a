"""Walk the inbox (read-only) and turn every file into a `Received`: nothing is skipped silently."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

from pipeline.assess import DUPLICATE, Received
from pipeline.config import Campaign
from pipeline.forms import FormKind
from pipeline.parse.forms import parse_form
from pipeline.read.blocks import detect_kind, read_form
from pipeline.read.pool import ReadPool, ReadTask, unsafe
from pipeline.read.walk import Loaded, load, walk_inbox
from pipeline.read.workbook import IGNORED, UNKNOWN, UNREADABLE, open_workbook


def inbox_files(inbox: Path) -> list[Path]:
    """Every regular file under the inbox that may be read, in a stable order."""
    return [e.path for e in walk_inbox(inbox) if e.status is None]


def skip_reason(rel: str) -> str | None:
    name = rel.rsplit("/", 1)[-1]
    if name.startswith("~$"):
        return "Excel 打开文件时产生的临时锁定文件，不是报送材料"
    if any(part.startswith(".") for part in rel.split("/")):
        return "隐藏文件（系统自动生成），不是报送材料"
    return None


def read_file(rel: str, data: bytes, kinds: tuple[FormKind, ...], campaign: Campaign,
              sha: str = "") -> Received:
    """One file's bytes → a submission, or the status telling why there is none. Pure."""
    sha = sha or hashlib.sha256(data).hexdigest()
    reason = skip_reason(rel)
    if reason:
        return Received(rel, sha, 0.0, IGNORED, reason)
    opened = open_workbook(rel, data, campaign.limits)
    if opened.status:
        return Received(rel, sha, 0.0, opened.status, opened.reason)
    kind = detect_kind(opened.sheets, kinds)
    if kind is None:
        return Received(rel, sha, 0.0, UNKNOWN,
                        "表格标题中没有可识别的表名（如“月检查表”“季度汇报表”），请支部使用局党工委下发的模板重新填报")
    return Received(rel, sha, 0.0, submission=parse_form(read_form(opened.sheets, kind), rel, campaign))


def read_guarded(rel: str, data: bytes, kinds: tuple[FormKind, ...], campaign: Campaign, sha: str) -> Received:
    """One odd file must never stop the run: anything unforeseen makes it 无法读取, named."""
    try:
        return read_file(rel, data, kinds, campaign, sha)
    except MemoryError:
        return unsafe(rel, sha)
    except Exception as exc:  # noqa: BLE001 - the last line of defence for a single file
        reason = f"文件内容异常，程序无法读取（{type(exc).__name__}），请支部用 Excel 重新保存后发送"
        return Received(rel, sha, 0.0, UNREADABLE, reason)


def read_task(kinds: tuple[FormKind, ...], campaign: Campaign, rel: str, data: bytes, sha: str) -> Received:
    """The pool's reader: a pure function of (reading configuration, relative path, bytes)."""
    return read_guarded(rel, data, kinds, campaign, sha)


def read_inbox(inbox: Path, kinds: tuple[FormKind, ...], campaign: Campaign,
               progress: Callable[[Iterator[Path]], Iterator[Path]] = iter, jobs: int = 1) -> list[Received]:
    """Read every file once (in `jobs` worker processes); byte-identical copies are read only at the
    path that sorts first. The result does not depend on `jobs`."""
    entries = walk_inbox(inbox)
    limits = campaign.limits
    reader = functools.partial(read_task, kinds, campaign)
    loaded: list[Loaded] = []

    def tasks() -> Iterator[ReadTask | Received]:
        for entry, _ in zip(entries, progress(iter([e.path for e in entries])), strict=True):
            item = load(entry, limits.max_file_bytes)
            loaded.append(item)
            if item.data is None:
                yield Received(item.rel, item.sha256, item.mtime, item.status, item.reason)
            else:
                yield ReadTask(item.rel, item.data, item.sha256, item.mtime)

    with ReadPool(reader, jobs, limits.worker_memory_mb, limits.worker_timeout_seconds) as pool:
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
