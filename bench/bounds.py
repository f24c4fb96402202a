"""Lower bounds for a cold run (issue 10): the parts of it that no pass over our own Python code removes.

Usage: python bench/bounds.py [--branches 1000] [--repeat 3]   (the inbox comes from `make bench`'s cache)

Each round runs, interleaved and each in a child process of its own, on the same inbox:
- floor: bench/floor.py (python-calamine, every sheet of every file, one process), as in `make bench`;
- startup: importing the CLI and everything a run imports;
- guard: issue 8's container checks (read/guard.inspect) on every spreadsheet file, one process;
- open: every file opened as a run opens it (read/formats.open_file: guard, calamine, grids), one process;
- ledger: XlsxWriter writing only the 汇总台账's values (no formats, widths, titles), after the results are
  computed (not timed); with rustpy-xlsxwriter installed by hand (`pip install rustpy-xlsxwriter`, not a
  dependency), also that compiled writer writing the same values (`ledger_compiled`);
- cold: `pipeline run --no-cache` with its stage timings.
The guard and the ledger are kept by SPEC (safety, and the ledger is one workbook, so one process writes it);
`bound` adds them with perfect scaling of the guard over the cores. Prints medians and min/max; never asserts.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from floor import SPREADSHEETS  # the files the floor reads (this script's folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
LABELS = {"floor": "读取下限（calamine，单进程）", "startup": "启动（导入）", "guard": "容器检查（单进程）",
          "open": "打开全部文件（检查、calamine、表格，单进程）", "ledger": "汇总台账数值（XlsxWriter）",
          "ledger_compiled": "汇总台账数值（rustpy-xlsxwriter）", "cold": "冷运行 pipeline run",
          "cold_read": "其中 读取", "cold_validate": "其中 校验", "cold_consolidate": "其中 汇总",
          "cold_write": "其中 写出", "bound": "下界：启动 + 检查 / 核数 + 汇总台账数值",
          "bound_with_stages": "下界 + 本次校验与汇总"}


def _spreadsheets(inbox: Path) -> list[Path]:
    return [p for p in sorted(inbox.rglob("*")) if p.is_file() and p.suffix.lower() in SPREADSHEETS]


def guard(inbox: Path) -> None:
    from pipeline.limits import Limits
    from pipeline.read.guard import inspect
    from pipeline.read.workbook import sniff_format

    limits = Limits()
    refused = 0
    for path in _spreadsheets(inbox):
        data = path.read_bytes()
        refused += bool(inspect(data, sniff_format(data), limits).reason)
    print(refused)


def open_all(inbox: Path) -> None:
    from pipeline.limits import Limits
    from pipeline.read.formats import open_file

    limits = Limits()
    print(sum(len(open_file(p.name, p.read_bytes(), limits).sheets) for p in sorted(inbox.rglob("*"))
              if p.is_file() and not p.name.startswith(".")))


def ledger(inbox: Path, as_of: str, out: Path) -> None:
    """Seconds XlsxWriter takes for the 汇总台账's values alone (into `out`.json); computing them is not timed."""
    import xlsxwriter

    from pipeline.config import load_campaign
    from pipeline.run import compute
    from pipeline.write.ledger import shown_frame

    day = dt.date.fromisoformat(as_of)
    campaign = load_campaign(ROOT / "campaign.toml", today=day, as_of=day)
    frames = compute(inbox, campaign, jobs=os.cpu_count() or 1).results.ledger
    start = time.perf_counter()
    book = xlsxwriter.Workbook(str(out), {"strings_to_formulas": False, "strings_to_urls": False})
    values = 0
    for name, frame in frames.items():
        shown, _ = shown_frame(frame)
        ws = book.add_worksheet(name[:31])
        ws.write_row(0, 0, [str(c) for c in shown.columns])
        for r, row in enumerate(shown.itertuples(index=False), start=1):
            for c, v in enumerate(row):  # XlsxWriter's cheapest call per type; a missing value is no cell
                if isinstance(v, str):
                    ws.write_string(r, c, v)
                elif isinstance(v, bool):
                    ws.write_boolean(r, c, v)
                elif isinstance(v, int | float) and v == v:
                    ws.write_number(r, c, v)
                elif v is not None and v == v:
                    ws.write_string(r, c, str(v))
                else:
                    continue
                values += 1
    book.close()
    got = {"seconds": time.perf_counter() - start, "values": values}
    with contextlib.suppress(ImportError):  # a compiled writer, when installed by hand (not a dependency)
        import rustpy_xlsxwriter

        start = time.perf_counter()
        sheets = []
        for name, frame in frames.items():
            shown, _ = shown_frame(frame)
            columns = [str(c) for c in shown.columns]
            records = [{c: None if v is None or v != v else v for c, v in zip(columns, row, strict=True)}
                       for row in shown.itertuples(index=False)]
            sheets.append((name[:31], records))
        rustpy_xlsxwriter.write_worksheets(sheets, str(out.with_name("ledger-compiled.xlsx")))
        got["compiled_seconds"] = time.perf_counter() - start
    out.with_suffix(".json").write_text(json.dumps(got), encoding="utf-8")


def _round(inbox: Path, as_of: str, tmp: Path) -> dict[str, float]:
    from pipeline.bench import child, timings

    py = sys.executable
    me = str(Path(__file__).resolve())
    got = {"floor": child([py, str(ROOT / "bench" / "floor.py"), str(inbox)])["wall_s"],
           "startup": child([py, "-c", "import pipeline.cli, pipeline.run"])["wall_s"],
           "guard": child([py, me, "guard", str(inbox)])["wall_s"],
           "open": child([py, me, "open", str(inbox)])["wall_s"]}
    child([py, me, "ledger", str(inbox), as_of, str(tmp / "ledger.xlsx")])
    written = json.loads((tmp / "ledger.json").read_text(encoding="utf-8"))
    got["ledger"] = written["seconds"]
    if "compiled_seconds" in written:
        got["ledger_compiled"] = written["compiled_seconds"]
    outbox = tmp / "cold"
    shutil.rmtree(outbox, ignore_errors=True)
    got["cold"] = child([py, "-m", "pipeline", "run", "--inbox", str(inbox), "--outbox", str(outbox), "--no-cache",
                         "--as-of", as_of, "--today", as_of, "--timings", str(tmp / "t.json")])["wall_s"]
    stages = timings(tmp / "t.json")
    for stage, key in (("读取", "cold_read"), ("校验", "cold_validate"), ("汇总", "cold_consolidate"),
                       ("写出", "cold_write")):
        got[key] = stages[stage]["wall_s"]
    cores = os.cpu_count() or 1
    got["bound"] = got["startup"] + got["guard"] / cores + got["ledger"]
    got["bound_with_stages"] = got["bound"] + got["cold_validate"] + got["cold_consolidate"]
    return got


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in ("guard", "open", "ledger"):
        inbox = Path(sys.argv[2])
        if sys.argv[1] == "guard":
            guard(inbox)
        elif sys.argv[1] == "open":
            open_all(inbox)
        else:
            ledger(inbox, sys.argv[3], Path(sys.argv[4]))
        return
    # Imported here, not at the top: the measured children (guard, open) import only what they time.
    from pipeline.bench import inbox_for
    from pipeline.config import load_campaign

    parser = argparse.ArgumentParser(description="lower bounds for a cold run (issue 10)")
    parser.add_argument("--branches", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    as_of = load_campaign(ROOT / "campaign.toml", today=dt.date.max).as_of.isoformat()
    inbox, _, files = inbox_for(args.branches)
    rounds = []
    with tempfile.TemporaryDirectory(prefix="pinpai-bounds-") as tmp:
        for r in range(args.repeat):
            print(f"第 {r + 1}/{args.repeat} 轮……", flush=True)
            rounds.append(_round(inbox, as_of, Path(tmp)))
    print(f"\n{args.branches} 个支部，{files} 个文件；{os.cpu_count()} 核；{args.repeat} 轮的中位数（最小–最大）")
    floor = statistics.median(r["floor"] for r in rounds)
    for key in rounds[0]:
        values = [r[key] for r in rounds]
        med = statistics.median(values)
        spread = f"{min(values):.2f}–{max(values):.2f}"
        print(f"  {LABELS.get(key, key)}：{med:.2f} 秒（{spread}），{med / floor:.2f}× 读取下限")


if __name__ == "__main__":
    main()
