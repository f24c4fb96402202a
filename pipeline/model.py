"""The bottom layer: what every other layer talks about — a received file, a manifest row, the statuses.

Everything imports this module downwards; it imports nothing of the project's but the config's `StopRun`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.config import StopRun

if TYPE_CHECKING:  # typing only: the parse layer sits above this one
    from pipeline.parse.forms import Submission

# Manifest statuses (SPEC §8). The first four are decided by assessment, the last three by reading.
ACCEPTED, REJECTED, SUPERSEDED, DUPLICATE = "受理", "退回", "被替代", "重复"
UNREADABLE, UNKNOWN, IGNORED = "无法读取", "无法识别", "忽略"
EXPANDED = "已解压"  # an archive opened like a folder: its members have rows of their own
STATUSES = (ACCEPTED, REJECTED, SUPERSEDED, DUPLICATE, UNREADABLE, UNKNOWN, IGNORED, EXPANDED)

CODE, NAME = "支部编码", "支部名称"  # columns added to table rows matched per row


class RosterError(StopRun):
    """The roster is missing or unusable: its problems, for the committee to fix."""


@dataclass(frozen=True)
class Received:
    """One inbox file as read: a submission, or the status and reason it has none."""

    path: str
    sha256: str
    mtime: float
    status: str | None = None  # 忽略 / 无法读取 / 无法识别 / 重复, set when reading
    reason: str = ""
    submission: Submission | None = None
    duplicate_of: str | None = None


@dataclass(frozen=True)
class ManifestRow:
    文件: str
    SHA256: str
    类型: str
    支部编码: str
    支部名称: str
    期间: str
    状态: str
    错误数: int
    警告数: int
    说明: str
