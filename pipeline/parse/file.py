"""One file's bytes → a `Received`: a parsed submission, or the status telling why there is none.

Pure (a function of the path, the bytes and the reading config), so it can run in any process.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Campaign
from pipeline.forms import FormKind
from pipeline.model import IGNORED, UNKNOWN, UNREADABLE, Received
from pipeline.parse.forms import parse_form
from pipeline.read.blocks import detect_kind, read_form
from pipeline.read.cache import config_key
from pipeline.read.formats import open_file
from pipeline.read.inbox import skip_reason
from pipeline.read.pool import unsafe

READER_VERSION = 1  # bump when reading changes in a way the code fingerprint below would miss
_READING_CODE = ("read", "parse", "forms.py", "model.py", "config.py", "limits.py", "issues.py", "names.py")


@functools.cache
def code_fingerprint() -> str:
    """A hash of the code reading runs (read/, parse/ and what they import): a new version of the program
    never serves a result an older one cached."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for name in _READING_CODE:
        for path in sorted((root / name).rglob("*.py")) if (root / name).is_dir() else [root / name]:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def read_file(rel: str, data: bytes, kinds: tuple[FormKind, ...], campaign: Campaign,
              sha: str = "") -> Received:
    """One file's bytes → a submission, or the status telling why there is none. Pure."""
    sha = sha or hashlib.sha256(data).hexdigest()
    reason = skip_reason(rel)
    if reason:
        return Received(rel, sha, 0.0, IGNORED, reason)
    opened = open_file(rel, data, campaign.limits)
    if opened.status:
        return Received(rel, sha, 0.0, opened.status, opened.reason)
    kind = detect_kind(opened.sheets, kinds)
    if kind is None:
        return Received(rel, sha, 0.0, UNKNOWN,
                        "表格标题中没有可识别的表名（如“月检查表”“季度汇报表”），请支部使用局党工委下发的模板重新填报")
    return Received(rel, sha, 0.0, submission=parse_form(read_form(opened.sheets, kind), rel, campaign))


def read_guarded(rel: str, data: bytes, kinds: tuple[FormKind, ...], campaign: Campaign, sha: str = "") -> Received:
    """One odd file must never stop the run: anything unforeseen makes it 无法读取, named."""
    try:
        return read_file(rel, data, kinds, campaign, sha)
    except MemoryError:
        return unsafe(rel, sha or hashlib.sha256(data).hexdigest())
    except Exception as exc:  # noqa: BLE001 - the last line of defence for a single file
        reason = f"文件内容异常，程序无法读取（{type(exc).__name__}），请支部用 Excel 重新保存后发送"
        return Received(rel, sha or hashlib.sha256(data).hexdigest(), 0.0, UNREADABLE, reason)


@dataclass(frozen=True)
class FileReader:
    """`read_guarded` bound to the reading config: what the inbox walk calls per file (picklable)."""

    kinds: tuple[FormKind, ...]
    campaign: Campaign

    def __call__(self, rel: str, data: bytes, sha: str = "") -> Received:
        return read_guarded(rel, data, self.kinds, self.campaign, sha)

    def cache_key(self) -> str:
        """What a cached result depends on besides the file: the code, the kinds and the campaign fields
        reading uses (the year and months for dates and periods, the limits)."""
        c = self.campaign
        return config_key(READER_VERSION, code_fingerprint(), self.kinds, c.year, c.months, c.limits)
