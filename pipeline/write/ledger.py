"""汇总台账.xlsx: one sheet per ledger frame, accepted submissions only.

Cells keep the type the form's field has (pipeline.forms): 完成比例 and 群众满意度 are percentages (the
ledger's 0–100 stored as a fraction, shown with %), 完成时限 a month as written (2014-05) or a date;
numbers are right-aligned. Narrative columns (品牌释义 …) wrap at a fixed width so a sheet prints one
page wide.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from pipeline.config import Campaign
from pipeline.forms import FIXED_KINDS, NARRATIVE
from pipeline.write.common import DUE, PERCENT, Formats, missing, new_workbook
from pipeline.write.table import table_sheet

NARRATIVE_WIDTH = 30.0  # a wrapped narrative column: about 15 Chinese characters a line
KIND_OF_TYPE = {"percent": PERCENT, "due": DUE}


@cache
def field_types() -> dict[str, str]:
    """Every form label → its field type (labels mean the same on every form)."""
    out: dict[str, str] = {}
    for kind in FIXED_KINDS:
        for spec in (*kind.fields, *(c for t in kind.tables for c in t.columns)):
            out.setdefault(spec.label, spec.type)
    return out


def shown_frame(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """(the frame as written, each column's cell kind): percentages 0–100 become fractions."""
    types = field_types()
    kinds = {str(c): KIND_OF_TYPE[types[str(c)]] for c in frame.columns if types.get(str(c)) in KIND_OF_TYPE}
    shown = frame.copy()
    for col, kind in kinds.items():
        if kind == PERCENT:
            shown[col] = [v if missing(v) or not isinstance(v, int | float) else float(v) / 100 for v in shown[col]]
    return shown, kinds


def write_ledger(outbox: Path, frames: dict[str, pd.DataFrame], campaign: Campaign) -> None:
    book = new_workbook(outbox / "汇总台账.xlsx", campaign.as_of)
    fmt = Formats(book)
    for name, frame in frames.items():
        base = frame if len(frame.columns) else pd.DataFrame(columns=["支部编码", "支部名称", "来源文件"])
        shown, kinds = shown_frame(base)
        widths = {str(c): NARRATIVE_WIDTH for c in shown.columns if str(c) in NARRATIVE}
        table_sheet(book, fmt, name, shown, title=f"汇总台账·{name}（已受理，共 {len(frame)} 条）", kinds=kinds,
                    widths=widths)
    book.close()
