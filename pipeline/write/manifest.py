"""收件清单.xlsx and manifest.json: every inbox file exactly once (SPEC §8)."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from pathlib import Path

import pandas as pd

from pipeline.config import Campaign
from pipeline.model import ManifestRow
from pipeline.write.common import CLIP, STATUS, Formats, new_workbook
from pipeline.write.table import table_sheet

STATUSES = ("受理", "退回", "被替代", "重复", "无法读取", "无法识别", "忽略", "已解压")


def manifest_frame(rows: tuple[ManifestRow, ...]) -> pd.DataFrame:
    fields = [f.name for f in dataclasses.fields(ManifestRow)]
    return pd.DataFrame([dataclasses.astuple(r) for r in rows], columns=fields, dtype=object)


def status_counts(rows: tuple[ManifestRow, ...]) -> dict[str, int]:
    """Every status, zeros included, in a fixed order."""
    counts = Counter(r.状态 for r in rows)
    return {s: counts[s] for s in STATUSES}


def write_manifest(outbox: Path, rows: tuple[ManifestRow, ...], campaign: Campaign) -> None:
    frame = manifest_frame(rows)
    shown = frame[[c for c in frame.columns if c != "SHA256"] + ["SHA256"]]  # the hash last: it is for checking
    book = new_workbook(outbox / "收件清单.xlsx", campaign.as_of)
    fmt = Formats(book)
    title = f"收件清单（统计截止 {campaign.as_of.isoformat()}，共 {len(rows)} 个文件）"
    table_sheet(book, fmt, "收件清单", shown, title=title, kinds={"状态": STATUS, "SHA256": CLIP},
                widths={"SHA256": 18},  # the hash is for checking, not reading: shown cut, kept whole
                max_width=72, split_wide=True)
    book.close()
    payload = {
        "as_of": campaign.as_of.isoformat(),
        "counts": status_counts(rows),
        "files": [dataclasses.asdict(r) for r in rows],
    }
    (outbox / "manifest.json").write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n",
                                          encoding="utf-8")
