"""`make bench`: time the pipeline on generated inboxes; medians, and ratios measured side by side.

Run as `python -m pipeline.bench [--branches 40 200] [--repeat 5]`. Prints a small table; never asserts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pipeline.assess import assess
from pipeline.config import Campaign, load_campaign
from pipeline.consolidate.results import consolidate
from pipeline.demo import generate_demo
from pipeline.forms import form_kinds
from pipeline.parse.forms import Submission
from pipeline.run import read_all, run
from pipeline.validate.schema import validate_kind
from pipeline.write.common import display_width


def median_seconds(func: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def per_file_validation(subs: list[Submission], campaign: Campaign) -> None:
    """The design we rejected: one pandera call per file."""
    for kind in form_kinds(campaign):
        for sub in subs:
            if sub.kind is kind:
                validate_kind(kind, [sub])


def batched_validation(subs: list[Submission], campaign: Campaign) -> None:
    for kind in form_kinds(campaign):
        validate_kind(kind, [s for s in subs if s.kind is kind])


def bench(branches: int, repeat: int, campaign: Campaign) -> list[tuple[str, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        inbox, outbox = Path(tmp) / "inbox", Path(tmp) / "outbox"
        generate_demo(inbox, branches, campaign.year, campaign)
        files = sum(1 for p in inbox.rglob("*") if p.is_file())
        kinds = form_kinds(campaign)
        received = read_all(inbox, campaign, kinds=kinds)
        assessment = assess(received, kinds, campaign)
        subs = [r.submission for r in received if r.submission and r.status is None]
        rows = [
            (f"{branches} 个支部，{files} 个文件：完整运行 run()",
             median_seconds(lambda: run(inbox, outbox, campaign), repeat)),
            ("  读取全部文件 read_all", median_seconds(lambda: read_all(inbox, campaign, kinds=kinds), repeat)),
            ("  校验与判定 assess", median_seconds(lambda: assess(received, kinds, campaign), repeat)),
            ("  汇总计算 consolidate", median_seconds(lambda: consolidate(assessment, campaign), repeat)),
            ("  pandera 按类型整批校验", median_seconds(lambda: batched_validation(subs, campaign), repeat)),
            ("  pandera 逐个文件校验（对照）", median_seconds(lambda: per_file_validation(subs, campaign), repeat)),
        ]
        rows.append(("  每个文件平均（完整运行，毫秒）", rows[0][1] / files * 1000))
        return rows


def main() -> None:
    parser = argparse.ArgumentParser(description="pinpai benchmark")
    parser.add_argument("--branches", type=int, nargs="+", default=[40, 200])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    # Measured as of the end of the review window: every file of the campaign counts.
    campaign = load_campaign(Path("campaign.toml"), today=dt.date.max)
    for branches in args.branches:
        rows = bench(branches, args.repeat, campaign)
        for label, seconds in rows:
            unit = "" if "毫秒" in label else " s"
            print(f"{label}{' ' * (44 - display_width(label))}{seconds:10.3f}{unit}")
        batched, per_file = rows[4][1], rows[5][1]
        label = "  逐个校验 / 整批校验 耗时比"
        print(f"{label}{' ' * (44 - display_width(label))}{per_file / batched:10.1f} ×")
        print()


if __name__ == "__main__":
    main()
