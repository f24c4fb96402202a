"""退回通知/<支部名称>.xlsx: one notice per branch with issues, written to the school as the office's
letter — heading, salutation, what to resubmit by when, the list of problems, whom to ask, the office
and the date of issue (the run date, not as_of)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from xlsxwriter.worksheet import Worksheet

from pipeline.config import Campaign
from pipeline.consolidate.notices import Notice
from pipeline.write.common import Formats, finish_sheet, fit_row, new_workbook, safe_file_name

COLUMNS = ("文件", "工作表", "单元格", "字段", "值", "问题", "级别", "修改建议")
# A letter on portrait A4: the table's columns fit the page width at 11 pt (text wraps within them).
WIDTHS = (12, 7, 6, 6.5, 9, 18, 4.5, 17)
FOLDER = "退回通知"
HEADING = "关于报送材料退回修改的通知"
BLANK = "＿" * 6  # a line for the clerk to write on when [notice] leaves contact or phone empty
TABLE_PT, LETTER_PT = 11, 12  # a little larger than the other workbooks': the letter is printed and read


def notice_file_name(notice: Notice) -> str:
    return safe_file_name(notice.stem) + ".xlsx"


def write_notices(outbox: Path, notices: tuple[Notice, ...], campaign: Campaign) -> int:
    """Write one workbook per notice; return how many were written."""
    folder = outbox / FOLDER
    folder.mkdir(exist_ok=True)
    for notice in notices:
        _write_notice(folder / notice_file_name(notice), notice, campaign)
    return len(notices)


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def letter_lines(notice: Notice, campaign: Campaign) -> tuple[str, str]:
    """The two paragraphs above the table: what was found, and what to resubmit by when."""
    found = (f"经核对，你单位报送的材料存在下列问题（统计截止 {chinese_date(campaign.as_of)}）。"
             "标为“错误”的须改正后重新报送；标为“警告”的请核对，确需修改的可一并修改。")
    deadline = chinese_date(campaign.resubmit_deadline)
    files, spare = notice.to_resubmit, notice.not_owed
    asks = []
    if files:
        named = "、".join(notice.told_apart(f, "无法打开" if f in notice.unopened else "已退回") for f in files)
        asks.append(f"请于 {deadline} 前将下列文件改正后重新报送：{named}。")
    if spare:
        named = "、".join(notice.told_apart(f) for f in spare)
        asks.append(f"{named}已退回：所填期间不在本年度报送期间内，无需报送；"
                    f"如期间填错，请于 {deadline} 前改正后重报。")
    if not asks:
        asks.append("你单位所报材料均已受理，无须重新报送；下列警告请核对，今后报送时注意改正。")
    return found, "".join(asks)


def contact_line(campaign: Campaign) -> str:
    settings = campaign.notice
    return f"如有疑问，请联系：{settings.contact or BLANK}，联系电话：{settings.phone or BLANK}。"


def _fit(ws: Worksheet, row: int, cells: list[tuple[str, float]], points: float) -> None:
    """Row height for wrapped text of `points` size (the shared estimate is made for 10 pt)."""
    fit_row(ws, row, [(text, width * 10 / points) for text, width in cells], line_height=points * 1.45)


def _paragraph(ws: Worksheet, row: int, text: str, fmt: object, width: float) -> None:
    """A paragraph across the sheet, indented two characters, its row tall enough for its lines."""
    indented = "\u3000\u3000" + text
    ws.merge_range(row, 0, row, len(COLUMNS) - 1, indented, fmt)
    _fit(ws, row, [(indented, width)], LETTER_PT)


def _write_notice(path: Path, notice: Notice, campaign: Campaign) -> None:
    book = new_workbook(path, campaign.as_of)
    fmt = Formats(book, size=LETTER_PT)
    header_fmt, text_fmt = fmt.get("header", font_size=TABLE_PT), fmt.get("text", font_size=TABLE_PT)
    ws = book.add_worksheet("退回通知")
    last, width = len(COLUMNS) - 1, float(sum(WIDTHS))
    ws.merge_range(0, 0, 0, last, HEADING, fmt.letter_heading)
    ws.set_row(0, 40)
    ws.merge_range(1, 0, 1, last, f"{notice.branch}：", fmt.plain)
    ws.set_row(1, 24)
    for n, line in enumerate(letter_lines(notice, campaign), start=2):
        _paragraph(ws, n, line, fmt.paragraph, width)
    header = 4
    for c, col in enumerate(COLUMNS):
        ws.write_string(header, c, col, header_fmt)
    _fit(ws, header, list(zip(COLUMNS, WIDTHS, strict=True)), TABLE_PT)
    for r, i in enumerate(notice.issues, start=header + 1):
        values = (notice.file_name(i.file), i.sheet, i.cell, i.field, i.value, i.message, i.severity, i.fix)
        for c, value in enumerate(values):  # all text from the submission: written as text, never a formula
            status = fmt.status(value, font_size=TABLE_PT, text_wrap=True) if c == 6 else None
            ws.write_string(r, c, value, status or text_fmt)
        _fit(ws, r, list(zip(values, WIDTHS, strict=True)), TABLE_PT)
    end = header + len(notice.issues)
    _paragraph(ws, end + 2, contact_line(campaign), fmt.paragraph, width)
    ws.merge_range(end + 4, 5, end + 4, last, campaign.notice.office, fmt.sign_off)
    ws.merge_range(end + 5, 5, end + 5, last, chinese_date(campaign.issue_date), fmt.sign_off)
    for c, w in enumerate(WIDTHS):
        ws.set_column(c, c, w)
    finish_sheet(ws, header, len(notice.issues), len(COLUMNS), landscape=False)
    ws.repeat_rows(header, header)  # only the table's header repeats on a second page, not the letter
    ws.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.7)
    ws.print_area(0, 0, end + 5, last)
    book.close()
