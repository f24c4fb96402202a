"""How much of a submission the reader is willing to look at, and how long a run waits (campaign.toml `[limits]`).

A file beyond these bounds is 无法读取 with the reason; nothing a branch sends can make the run allocate
without bound (issue 8).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_file_mb: int = 20  # one file as stored in the inbox
    max_unpacked_mb: int = 100  # one .xlsx/.ods once unpacked (all its members together)
    max_members: int = 1000  # members of one .xlsx/.ods container
    max_ratio: int = 100  # compression ratio of any member larger than 1 MB unpacked
    max_rows: int = 100_000  # rows holding values, per sheet
    max_columns: int = 200  # columns holding values, per sheet
    max_cell_kb: int = 1024  # text of one cell
    worker_memory_mb: int = 2048  # address space a reading worker may add to what it started with
    worker_timeout_seconds: int = 120  # one file's reading time in a worker
    lock_wait_seconds: int = 10  # how long a run waits for another run writing the same outbox

    @property
    def max_file_bytes(self) -> int:
        return self.max_file_mb * MB

    @property
    def max_unpacked_bytes(self) -> int:
        return self.max_unpacked_mb * MB

    @property
    def max_cell_bytes(self) -> int:
        return self.max_cell_kb * 1024

    @property
    def max_cells(self) -> int:
        return self.max_rows * self.max_columns


LIMIT_KEYS = tuple(f.name for f in fields(Limits))


def parse_limits(table: Any) -> tuple[Limits, list[tuple[str, str]]]:
    """`[limits]` → Limits, plus (key, Chinese problem) pairs for every bad entry."""
    problems: list[tuple[str, str]] = []
    if not isinstance(table, dict):
        return Limits(), [("limits", "应为一个参数表，例如 [limits] max_file_mb = 20")]
    values: dict[str, int] = {}
    for key in sorted(table):
        value = table[key]
        if key not in LIMIT_KEYS:
            problems.append((f"limits.{key}", "不是可识别的参数，请删除或检查拼写"))
        elif not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            problems.append((f"limits.{key}", f"取值“{value}”应为正整数"))
        else:
            values[key] = value
    return Limits(**values), problems
