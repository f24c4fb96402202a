"""汇总台账.xlsx: one sheet per ledger frame, accepted submissions only."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.config import Campaign
from pipeline.write.common import Formats, new_workbook
from pipeline.write.table import table_sheet


def write_ledger(outbox: Path, frames: dict[str, pd.DataFrame], campaign: Campaign) -> None:
    book = new_workbook(outbox / "汇总台账.xlsx", campaign.as_of)
    fmt = Formats(book)
    for name, frame in frames.items():
        shown = frame if len(frame.columns) else pd.DataFrame(columns=["支部编码", "支部名称", "来源文件"])
        table_sheet(book, fmt, name, shown, title=f"汇总台账·{name}（已受理，共 {len(frame)} 条）", split_wide=True)
    book.close()
