"""问题清单.xlsx: every issue of every file, in file and cell order (SPEC §8)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.config import Campaign
from pipeline.issues import Issue
from pipeline.write.common import STATUS, Formats, new_workbook
from pipeline.write.table import table_sheet

COLUMNS = ("文件", "支部名称", "工作表", "单元格", "字段", "值", "问题", "级别", "修改建议")
WIDTHS = dict(zip(COLUMNS, (40, 28, 12, 8, 12, 24, 48, 6, 48), strict=True))


def issues_frame(issues: tuple[Issue, ...] | list[Issue]) -> pd.DataFrame:
    rows = [(i.file, i.branch, i.sheet, i.cell, i.field, i.value, i.message, i.severity, i.fix) for i in issues]
    return pd.DataFrame(rows, columns=list(COLUMNS), dtype=object)


def write_issues(outbox: Path, issues: tuple[Issue, ...], campaign: Campaign) -> None:
    book = new_workbook(outbox / "问题清单.xlsx", campaign.as_of)
    fmt = Formats(book)
    errors = sum(i.is_error for i in issues)
    title = f"问题清单（错误 {errors} 处，警告 {len(issues) - errors} 处；错误须改正后重新报送）"
    table_sheet(book, fmt, "问题清单", issues_frame(issues), title=title, kinds={"级别": STATUS}, widths=WIDTHS,
                split_wide=True)
    book.close()
