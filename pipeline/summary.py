"""The short Chinese summary printed at the end of a run."""

from __future__ import annotations

from pathlib import Path

from pipeline.run import RunResult


def summary_lines(result: RunResult, outbox: Path) -> list[str]:
    counts = "，".join(f"{status} {n}" for status, n in result.counts.items() if n)
    total = sum(result.counts.values())
    issues = result.assessment.issues
    errors = sum(i.is_error for i in issues)
    lines = [
        f"统计截止：{result.as_of}",
        f"共收到 {total} 个文件：{counts}",
        f"发现问题 {len(issues)} 处（错误 {errors}，警告 {len(issues) - errors}），退回通知 {result.notices} 份",
    ]
    lines += result.extra_lines
    if result.cache_hits:  # a first run (or --no-cache) has nothing to say here
        lines.append(f"其中 {result.cache_hits} 个文件与上次相同，直接使用了上次的读取结果（缓存）")
    lines.append(f"结果已写入 {outbox}/")
    return lines
