"""Walk the inbox (read-only) and turn every file into a `Received`: nothing is skipped silently."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from pathlib import Path

from pipeline.assess import DUPLICATE, Received
from pipeline.config import Campaign
from pipeline.forms import FormKind
from pipeline.parse.forms import parse_form
from pipeline.read.archives import DEFAULT_LIMITS, EXPANDED, ArchiveLimits, archive_format, expand, too_deep
from pipeline.read.blocks import detect_kind, read_form
from pipeline.read.formats import open_file
from pipeline.read.workbook import IGNORED, UNKNOWN, UNREADABLE


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


def read_file(rel: str, data: bytes, kinds: tuple[FormKind, ...], campaign: Campaign,
              sha: str = "") -> Received:
    """One file's bytes → a submission, or the status telling why there is none. Pure."""
    sha = sha or hashlib.sha256(data).hexdigest()
    reason = skip_reason(rel)
    if reason:
        return Received(rel, sha, 0.0, IGNORED, reason)
    opened = open_file(rel, data)
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
    except Exception as exc:  # noqa: BLE001 - the last line of defence for a single file
        reason = f"文件内容异常，程序无法读取（{type(exc).__name__}），请支部用 Excel 重新保存后发送"
        return Received(rel, sha, 0.0, UNREADABLE, reason)


def read_inbox(inbox: Path, kinds: tuple[FormKind, ...], campaign: Campaign,
               progress: Callable[[Iterator[Path]], Iterator[Path]] = iter,
               limits: ArchiveLimits = DEFAULT_LIMITS) -> list[Received]:
    """Read every file once; byte-identical copies are read only at the path that sorts first."""
    seen: dict[str, str] = {}
    out: list[Received] = []
    for path in progress(iter(inbox_files(inbox))):
        rel = path.relative_to(inbox).as_posix()
        out += read_entry(rel, path.read_bytes(), path.stat().st_mtime, kinds, campaign, seen, limits)
    return out


def read_entry(rel: str, data: bytes, mtime: float, kinds: tuple[FormKind, ...], campaign: Campaign,
               seen: dict[str, str], limits: ArchiveLimits = DEFAULT_LIMITS) -> list[Received]:
    """One file as read — or an archive opened like a folder: its own row, then every member.

    `seen` maps the SHA-256 of each file read to its path, so byte-identical files are 重复 across
    folders and archives alike.
    """
    return _walk(rel, data, mtime, kinds, campaign, seen, limits, 0)[0]


def _walk(rel: str, data: bytes, mtime: float, kinds: tuple[FormKind, ...], campaign: Campaign,
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
            found, left = _walk(m.path, m.data, mtime if m.mtime is None else m.mtime, kinds, campaign, seen,
                                left, depth + 1)
            rows += found
        return rows, left
    received = read_guarded(rel, data, kinds, campaign, sha)
    if received.status is None:
        seen.setdefault(sha, rel)
    return [Received(rel, sha, mtime, received.status, received.reason, received.submission)], limits
