"""退回通知/<支部名称>.xlsx: one notice per branch with issues, saying what to fix and resubmit."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.config import Campaign
from pipeline.consolidate.notices import Notice
from pipeline.write.common import Formats, finish_sheet, fit_row, new_workbook, safe_file_name, text_of, write_cell

COLUMNS = ("文件", "工作表", "单元格", "字段", "值", "问题", "级别", "修改建议")
WIDTHS = (36, 12, 8, 12, 22, 44, 6, 44)
FOLDER = "退回通知"


def notice_file_name(notice: Notice) -> str:
    return safe_file_name(notice.stem) + ".xlsx"


def write_notices(outbox: Path, notices: tuple[Notice, ...], campaign: Campaign) -> int:
    """Write one workbook per notice; return how many were written."""
    folder = outbox / FOLDER
    folder.mkdir(exist_ok=True)
    for notice in notices:
        _write_notice(folder / notice_file_name(notice), notice, campaign)
    return len(notices)


def _write_notice(path: Path, notice: Notice, campaign: Campaign) -> None:
    book = new_workbook(path, campaign.as_of)
    fmt = Formats(book)
    ws = book.add_worksheet("退回通知")
    ws.merge_range(0, 0, 0, len(COLUMNS) - 1, f"{notice.branch}：报送材料问题通知", fmt.title)
    lines = [f"统计截止 {campaign.as_of.isoformat()}。以下“错误”须改正，“警告”请核对。"]
    if notice.returned:
        lines.append("以下文件已退回，请改正后重新报送：" + "、".join(notice.returned))
    else:
        lines.append("所报文件均已受理，以下警告请核对，如有需要可修改后重新报送。")
    for n, line in enumerate(lines, start=1):
        ws.merge_range(n, 0, n, len(COLUMNS) - 1, line, fmt.subtitle)
    header = len(lines) + 1
    for c, col in enumerate(COLUMNS):
        ws.write_string(header, c, col, fmt.header)
    frame = pd.DataFrame([(i.file, i.sheet, i.cell, i.field, i.value, i.message, i.severity, i.fix)
                          for i in notice.issues], columns=list(COLUMNS))
    for r, values in enumerate(frame.itertuples(index=False), start=header + 1):
        for c, value in enumerate(values):
            write_cell(ws, r, c, value, fmt, "status" if COLUMNS[c] == "级别" else "")
        fit_row(ws, r, ((text_of(v), WIDTHS[c]) for c, v in enumerate(values)))
    sign = header + len(frame) + 2
    ws.merge_range(sign, 0, sign, len(COLUMNS) - 1, f"局党工委办公室（101 室）    {campaign.as_of:%Y年%m月%d日}",
                   fmt.subtitle)
    for c, width in enumerate(WIDTHS):
        ws.set_column(c, c, width)
    finish_sheet(ws, header, len(frame), len(COLUMNS))
    book.close()
