"""`make bench`: the pipeline against the raw-read floor and a naive script, side by side in one run.

Run as `python -m pipeline.bench [--branches 250 1000 3000] [--repeat 3]`. For each inbox size it runs, interleaved
in every round: the raw-read floor (bench/floor.py: python-calamine, every sheet of every file, one process), the
naive baseline (bench/naive.py: pandas read_excel with openpyxl, one pandera call per file, one to_excel; only up to
`--naive-max` branches, it takes minutes), `pipeline run` cold (`--no-cache`, fresh outbox) with the default
`--jobs` and with `--jobs 1`, a run that fills a fresh cache, and the re-run after one new monthly file (warm cache).
Each is a child process: wall and CPU seconds (user + sys, its workers included) and peak RSS come from `os.wait4`.
Prints medians with min/max, ms per file and the ratios, and writes `bench.json`. Never asserts: no timed tests.
Inboxes are generated once (`pipeline demo`, deterministic) and kept under `.cache/bench/`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline.config import load_campaign
from pipeline.write.common import display_width

ROOT = Path.cwd()
BENCH = ROOT / ".cache" / "bench"
PIPELINE = [sys.executable, "-m", "pipeline"]
DATES: list[str] = []  # --as-of/--today: the end of the review window of campaign.toml (every file counts)


def child(args: list[str]) -> dict[str, float]:
    """Run one child process: wall seconds, CPU seconds (its reaped workers included), peak RSS in MB."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n{err[-2000:]}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024}


def inbox_for(branches: int) -> tuple[Path, Path, int]:
    """(inbox, the inbox with one new monthly file, number of files), generated once."""
    inbox, plus = BENCH / f"d{branches}", BENCH / f"d{branches}-plus"
    if not (inbox / ".done").exists():
        shutil.rmtree(inbox, ignore_errors=True)
        print(f"生成 {branches} 个支部的模拟收件箱（只需一次）……", flush=True)
        subprocess.run([*PIPELINE, "demo", "--branches", str(branches), "--seed", "7", "--out", str(inbox)],
                       check=True, stdout=subprocess.DEVNULL)
        (inbox / ".done").write_text("", encoding="utf-8")
        shutil.rmtree(plus, ignore_errors=True)
    if not (plus / ".done").exists():
        shutil.rmtree(plus, ignore_errors=True)
        shutil.copytree(inbox, plus, copy_function=os.link)
        monthly = sorted((plus / "月检查").rglob("*.xlsx"))[-1]
        shutil.copyfile(monthly, monthly.with_name("补报-" + monthly.name))  # a new file, read afresh
    files = sum(1 for p in inbox.rglob("*") if p.is_file() and not p.name.startswith("."))
    return inbox, plus, files


def timings(path: Path) -> dict[str, dict[str, float]]:
    return json.loads(path.read_text(encoding="utf-8"))["stages"]


def round_of(branches: int, naive: bool, tmp: Path) -> dict[str, dict[str, float]]:
    inbox, plus, _ = inbox_for(branches)
    got: dict[str, dict[str, float]] = {}
    got["floor"] = child([sys.executable, str(ROOT / "bench" / "floor.py"), str(inbox)])
    if naive:
        got["naive"] = child([sys.executable, str(ROOT / "bench" / "naive.py"), str(inbox), str(tmp / "naive.xlsx")])
    for name, extra in (("cold", []), ("cold_jobs1", ["--jobs", "1"])):
        out = tmp / name
        shutil.rmtree(out, ignore_errors=True)
        got[name] = child([*PIPELINE, "run", "--inbox", str(inbox), "--outbox", str(out), "--no-cache", *DATES,
                           "--timings", str(tmp / f"{name}.json"), *extra])
        got[name]["read_s"] = timings(tmp / f"{name}.json")["读取"]["wall_s"]
    cache = tmp / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    got["fill_cache"] = child([*PIPELINE, "run", "--inbox", str(inbox), "--outbox", str(tmp / "fill"),
                               "--cache", str(cache), *DATES])
    got["rerun"] = child([*PIPELINE, "run", "--inbox", str(plus), "--outbox", str(tmp / "rerun"),
                          "--cache", str(cache), *DATES, "--timings", str(tmp / "rerun.json")])
    got["rerun"]["read_s"] = timings(tmp / "rerun.json")["读取"]["wall_s"]
    return got


def summarise(runs: list[dict[str, float]]) -> dict[str, object]:
    out: dict[str, object] = {"runs": runs}
    for key in runs[0]:
        values = [r[key] for r in runs]
        out[key] = {"median": statistics.median(values), "min": min(values), "max": max(values)}
    return out


def med(summary: dict[str, object], name: str, key: str = "wall_s") -> float:
    return summary[name][key]["median"]  # type: ignore[index]


def report(branches: int, files: int, rounds: list[dict[str, dict[str, float]]]) -> dict[str, object]:
    names = list(rounds[0])
    summary = {name: summarise([r[name] for r in rounds]) for name in names}
    ratios = {
        "cold_over_floor": med(summary, "cold") / med(summary, "floor"),
        "cold_cpu_over_floor_cpu": med(summary, "cold", "cpu_s") / med(summary, "floor", "cpu_s"),
        "jobs1_over_cold": med(summary, "cold_jobs1") / med(summary, "cold"),
        "rerun_over_cold": med(summary, "rerun") / med(summary, "cold"),
        "rerun_read_over_cold_read": med(summary, "rerun", "read_s") / med(summary, "cold", "read_s"),
    }
    if "naive" in summary:
        ratios["naive_over_cold"] = med(summary, "naive") / med(summary, "cold")
    return {"branches": branches, "files": files, "ms_per_file_cold": med(summary, "cold") / files * 1000,
            "results": summary, "ratios": ratios}


LABELS = {"floor": "读取下限（calamine，单进程）", "naive": "朴素脚本（openpyxl + 逐个 pandera）",
          "cold": "pipeline run 冷启动（--no-cache）", "cold_jobs1": "  同上，--jobs 1",
          "fill_cache": "首次运行（写入缓存）", "rerun": "新增一个月报后重跑（缓存）"}


def print_table(result: dict[str, object]) -> None:
    print(f"\n{result['branches']} 个支部，{result['files']} 个文件（中位数 [最小—最大]，运行 "
          f"{len(result['results']['floor']['runs'])} 次）")  # type: ignore[index]
    head = f"{'':<40}{'耗时 s':>22}{'CPU s':>10}{'峰值内存 MB':>14}{'读取阶段 s':>12}"
    print(head)
    for name, s in result["results"].items():  # type: ignore[union-attr]
        wall = f"{s['wall_s']['median']:.2f} [{s['wall_s']['min']:.2f}—{s['wall_s']['max']:.2f}]"
        read = f"{s['read_s']['median']:.2f}" if "read_s" in s else ""
        label = LABELS[name]
        print(f"{label}{' ' * (40 - display_width(label))}{wall:>22}{s['cpu_s']['median']:>10.2f}"
              f"{s['rss_mb']['median']:>14.0f}{read:>12}")
    print(f"冷启动每个文件 {result['ms_per_file_cold']:.2f} 毫秒；比值：" +
          "，".join(f"{k} {v:.2f}" for k, v in result["ratios"].items()))  # type: ignore[union-attr]


def main() -> None:
    parser = argparse.ArgumentParser(description="pinpai benchmark (make bench)")
    parser.add_argument("--branches", type=int, nargs="+", default=[250, 1000, 3000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--naive-max", type=int, default=1000, help="run the naive script up to this size")
    parser.add_argument("--json", type=Path, default=Path("bench.json"))
    parser.add_argument("--date", default="", help="when the bench ran, for bench.json (the Makefile passes it)")
    args = parser.parse_args()
    end = load_campaign(ROOT / "campaign.toml", today=dt.date.max).as_of.isoformat()
    DATES.extend(["--as-of", end, "--today", end])
    BENCH.mkdir(parents=True, exist_ok=True)
    sizes = {b: inbox_for(b)[2] for b in args.branches}
    rounds: dict[int, list[dict[str, dict[str, float]]]] = {b: [] for b in args.branches}
    with tempfile.TemporaryDirectory(prefix="pinpai-bench-") as tmp:
        for r in range(args.repeat):  # interleaved: every size and every variant in each round
            for b in args.branches:
                print(f"第 {r + 1}/{args.repeat} 轮：{b} 个支部……", flush=True)
                work = Path(tmp) / str(b)
                work.mkdir(exist_ok=True)
                rounds[b].append(round_of(b, b <= args.naive_max, work))
    results = [report(b, sizes[b], rounds[b]) for b in args.branches]
    for result in results:
        print_table(result)
    if len(results) > 1:
        first, last = results[0], results[-1]
        print(f"\n线性：{last['branches']} 与 {first['branches']} 个支部每文件耗时之比 "
              f"{last['ms_per_file_cold'] / first['ms_per_file_cold']:.2f}")  # type: ignore[operator]
    machine = {"cpus": os.cpu_count(), "platform": sys.platform, "python": sys.version.split()[0]}
    args.json.write_text(json.dumps({"date": args.date, "machine": machine,
                                     "sizes": results}, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\n已写入 {args.json}")


if __name__ == "__main__":
    main()
