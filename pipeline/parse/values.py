"""Cell parsers: turn what python-calamine returns for one cell into a typed value.

Every parser is pure and total. A cell that cannot be read becomes `Parsed(None, error=...)` rather
than an exception, so the caller can report it with its file and cell and carry on with the rest.
Messages are Chinese and say what to write instead; the caller prefixes the file/cell.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Parsed:
    value: object | None  # None when the cell is empty or could not be parsed
    error: str | None = None  # Chinese: why it cannot be read + what to write instead
    warning: str | None = None  # Chinese warning (value still accepted)


# Excel's 1900 date system: serial 0 is 1899-12-30 (the phantom 1900-02-29 only shifts serials below 61).
# Only serials from 1927 to 2119 are read as dates, so a bare year (2014) or a count typed into a date
# column is reported instead of silently becoming a day in 1905.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 10_000, 80_000

_INT_HINT = "请填写整数，如 35"
_NUMBER_HINT = "请填写数字，如 8.5"
_PERCENT_HINT = "请填写为 80% 这样的百分比"
_PHONE_WARNING = "联系电话“{}”格式不对，请填写 11 位手机号或带区号的固定电话"



# What to write instead: the examples use the campaign's own year when the parser knows it.
def _date_hint(year: int | None) -> str:
    return f"请填写为 {year}-05-03 这样的日期" if year else "请按“年-月-日”填写完整的日期（四位年份）"


def _month_hint(year: int) -> str:
    return f"请填写为 {year}-05 这样的年月"


def _quarter_hint(year: int) -> str:
    return f"请填写为 {year}Q2 或 {year}年第二季度 这样的季度"


def _due_hint(year: int) -> str:
    return f"请填写为 {year}-05 这样的年月或 {year}-05-20 这样的日期"


def _hinted(p: Parsed | None, hint: str) -> Parsed | None:
    """An error found deep inside a reader (a day that does not exist) gets the caller's hint."""
    return Parsed(None, f"{p.error}，{hint}") if p is not None and p.error else p


_CN = "一二三四五六七八九十"
_CN_DIGITS = {c: i for i, c in enumerate(_CN[:-1], start=1)}

# re.ASCII: input is NFKC-normalised first, so every digit we accept is ASCII; without the flag \d would
# also take e.g. Arabic-Indic digits that int() happily converts.
_A = re.ASCII
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"  # text cells sometimes carry "00:00:00"
_YMD = re.compile(
    rf"(\d{{4}})\s*(?:[-/.]|年)\s*(\d{{1,2}})\s*(?:[-/.]|月)\s*(\d{{1,2}})\s*[日号]?{_TIME}", _A
)
_YYYYMMDD = re.compile(r"(\d{4})(\d{2})(\d{2})", _A)
_MD = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]", _A)  # year-less; only where a year is known
_YM = re.compile(r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:月份?)?", _A)
_YYYYMM = re.compile(r"(\d{4})(\d{2})", _A)
_M = re.compile(rf"(?:(\d{{4}})\s*年\s*)?(\d{{1,2}}|[{_CN}]{{1,3}})\s*月份?", _A)
_YM_FLOAT = re.compile(r"(\d{4})\.(\d{1,2})", _A)  # repr() of a float typed as 2014.6
_DUE_BEFORE = re.compile(r"\s*(?:之前|以前|前)$")  # "5月20日前": by that day
_Q = re.compile(r"(?:(\d{4})\s*[-/.年]?\s*)?Q\s*(\d{1,2})", _A)  # matched on upper-cased text
_Q_CN = re.compile(rf"(?:(\d{{4}})\s*[-/.年]?\s*)?第?\s*(\d{{1,2}}|[{_CN}]{{1,3}})\s*季度?", _A)
# Digits are bounded so int() never meets Python's 4300-digit limit; units are an allow-list so that
# magnitude words ("35万") or approximations ("30余人") are errors rather than silently 35 / 30.
_NUM = re.compile(
    r"([+-]?(?:\d{1,3}(?:,\d{3})+|\d{1,15})(?:\.\d{0,15})?|[+-]?\.\d{1,15})"
    r"\s*(?:人次|小时|[人名位个次项篇条份件场期天分户家元])?",
    _A,
)
_PERCENT = re.compile(r"([+-]?(?:\d{1,15}(?:\.\d{0,15})?|\.\d{1,15}))\s*(%)?", _A)
_SPACES = re.compile(r"\s+")
_MOBILE_NOISE = re.compile(r"[-()]")
_MOBILE = re.compile(r"(?:\+?86|0086)?(1[3-9]\d{9})", _A)
# Area codes are 010, 02x or 0 + three digits, so "02552101234" splits one way only.
_LANDLINE = re.compile(
    r"(?:\(?(0(?:10|2\d|[3-9]\d{2}))\)?-?)?([2-9]\d{2,3})-?(\d{4})(?:(?:-|转|分机|EXT\.?|X|#)(\d{1,6}))?", _A
)


# ---- shared helpers -------------------------------------------------------------------------------


def is_blank(raw: object) -> bool:
    """None, '' or whitespace only (str.strip also removes the full-width space U+3000)."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _render(raw: object) -> str:
    """The cell as the user sees it in Excel: 35.0 -> '35', a date -> '2014-05-03'."""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float):
        return str(int(raw)) if raw.is_integer() else str(raw)
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(sep=" ")
    if isinstance(raw, (dt.date, dt.time)):
        return raw.isoformat()
    return "" if raw is None else str(raw)


def _shown(raw: object) -> str:
    """The cell quoted inside a message, cut short so one bad cell cannot flood the report."""
    text = _render(raw)
    return text if len(text) <= 40 else text[:40] + "…"


def _norm(text: str) -> str:
    """NFKC folds full-width digits/letters/punctuation (２０１４－５, ％, （）) to ASCII."""
    return unicodedata.normalize("NFKC", text).replace("\u2212", "-").strip()


def _cell_float(raw: object) -> float | None:
    """The finite number in a numeric cell; bool is a checkbox, not a number."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return None
    try:
        x = float(raw)
    except OverflowError:  # a Python int beyond float range
        return None
    return x if math.isfinite(x) else None


def _small_int(text: str) -> int | None:
    """'5', '五', '十', '十一', '二十' -> int; None for malformed numerals such as '十十'."""
    if text.isascii() and text.isdigit():
        return int(text)
    if "十" not in text:
        return _CN_DIGITS.get(text)
    tens, _, ones = text.partition("十")
    t = _CN_DIGITS.get(tens) if tens else 1
    o = _CN_DIGITS.get(ones) if ones else 0
    return None if t is None or o is None else t * 10 + o


def _date(y: int, m: int, d: int, shown: str) -> Parsed:
    try:
        return Parsed(dt.date(y, m, d))
    except ValueError:
        return Parsed(None, f"日期“{shown}”不存在")


def _month(y: int, m: int, shown: str) -> Parsed:
    if 1 <= m <= 12:
        return Parsed(f"{y:04d}-{m:02d}")
    return Parsed(None, f"月份“{shown}”不对，月份应在 1 到 12 之间")


# ---- date / month readers: each returns None when the input is not of its shape ---------------------


def _date_from_text(s: str, shown: str, year: int | None = None) -> Parsed | None:
    if m := _YMD.fullmatch(s) or _YYYYMMDD.fullmatch(s):
        return _date(int(m[1]), int(m[2]), int(m[3]), shown)
    if year is not None and (m := _MD.fullmatch(s)):
        return _date(year, int(m[1]), int(m[2]), shown)
    return None


def date_range() -> tuple[dt.date, dt.date]:
    """The first and last day an Excel date cell may hold and still be read as a date (templates validate it)."""
    return _EXCEL_EPOCH + dt.timedelta(days=_SERIAL_MIN), _EXCEL_EPOCH + dt.timedelta(days=_SERIAL_MAX)


def _date_from_number(x: float, shown: str) -> Parsed | None:
    """20140503 typed as a number, or an Excel serial (a fraction is a time of day and is dropped)."""
    if x.is_integer() and 10_000_000 <= x <= 99_999_999:
        n = int(x)
        return _date(n // 10_000, n // 100 % 100, n % 100, shown)
    if _SERIAL_MIN <= x <= _SERIAL_MAX:
        return Parsed(_EXCEL_EPOCH + dt.timedelta(days=int(x)))
    return None


def _month_from_text(s: str, year: int, shown: str) -> Parsed | None:
    if m := _YM.fullmatch(s) or _YYYYMM.fullmatch(s):
        return _month(int(m[1]), int(m[2]), shown)
    if m := _M.fullmatch(s):
        return _month(int(m[1]) if m[1] else year, _small_int(m[2]) or 0, shown)
    if s.isascii() and s.isdigit() and len(s) <= 2:  # a bare "5" in a month column
        return _month(year, int(s), shown)
    return None


def _month_from_float(x: float, months: tuple[str, ...], shown: str) -> Parsed | None:
    """2014.6 typed into a General cell. repr() gives back what was typed, except that Excel keeps
    2014.10 as 2014.1 -- so 2014.1 means October when the campaign has October but not January."""
    m = _YM_FLOAT.fullmatch(repr(x))
    if not m:
        return None
    y = int(m[1])
    if m[2] == "1" and f"{y}-01" not in months and f"{y}-10" in months:
        warning = f"“{shown}”按 {y}年10月理解（Excel 会把 {y}.10 存成 {y}.1），请核对"
        return Parsed(f"{y}-10", warning=warning)
    return _month(y, int(m[2]), shown)


def _number_period(x: float, year: int, months: tuple[str, ...], shown: str) -> Parsed | None:
    """A numeric month/deadline cell: 5 (a month), 2014.6, 201405, 20140503 or an Excel serial."""
    if x.is_integer() and 1 <= x <= 12:
        return _month(year, int(x), shown)
    if 1000 <= x < 10000 and not x.is_integer():
        return _month_from_float(x, months, shown)
    if x.is_integer() and 100_000 <= x <= 999_999:
        return _month(int(x) // 100, int(x) % 100, shown)
    return _date_from_number(x, shown)


def _cell_period(raw: object, year: int, months: tuple[str, ...], shown: str) -> Parsed | None:
    """A month ("YYYY-MM") or a datetime.date from a non-text cell."""
    if isinstance(raw, dt.datetime):
        return Parsed(raw.date())
    if isinstance(raw, dt.date):
        return Parsed(raw)
    x = _cell_float(raw)
    return None if x is None else _number_period(x, year, months, shown)


# ---- public parsers ---------------------------------------------------------------------------------


def parse_text(raw: object) -> Parsed:
    return Parsed(None) if is_blank(raw) else Parsed(_render(raw))


def parse_code(raw: object) -> Parsed:
    """Branch codes: 'ＪＮ００１ ' -> 'JN001', 1001.0 -> '1001'."""
    if is_blank(raw):
        return Parsed(None)
    return Parsed(unicodedata.normalize("NFKC", _render(raw)).strip() or None)


def _number(raw: object) -> float | None:
    """A number from a numeric cell or from text such as '８.５分' or '1,234人'."""
    if not isinstance(raw, str):
        return _cell_float(raw)
    m = _NUM.fullmatch(_norm(raw))
    return float(m[1].replace(",", "")) if m else None


def parse_int(raw: object) -> Parsed:
    if is_blank(raw):
        return Parsed(None)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return Parsed(raw)  # exact, even beyond float precision
    x = _number(raw)
    if x is None:
        return Parsed(None, f"无法识别的整数“{_shown(raw)}”，{_INT_HINT}")
    if not x.is_integer():
        return Parsed(None, f"“{_shown(raw)}”不是整数，{_INT_HINT}")
    return Parsed(int(x))


def parse_number(raw: object) -> Parsed:
    if is_blank(raw):
        return Parsed(None)
    x = _number(raw)
    return Parsed(None, f"无法识别的数字“{_shown(raw)}”，{_NUMBER_HINT}") if x is None else Parsed(x)


def parse_date(raw: object, year: int | None = None) -> Parsed:
    """-> datetime.date; `year` (the campaign's) only shapes the example in the message."""
    if is_blank(raw):
        return Parsed(None)
    shown = _shown(raw)
    if isinstance(raw, dt.datetime):
        return Parsed(raw.date())
    if isinstance(raw, dt.date):
        return Parsed(raw)
    if isinstance(raw, str):
        p = _date_from_text(_norm(raw), shown)
    else:
        x = _cell_float(raw)
        p = None if x is None else _date_from_number(x, shown)
    return _hinted(p, _date_hint(year)) or Parsed(None, f"无法识别的日期“{shown}”，{_date_hint(year)}")


def parse_month(raw: object, year: int, months: tuple[str, ...]) -> Parsed:
    """-> 'YYYY-MM'. `months` (the campaign's 'YYYY-MM' list) only disambiguates a float 2014.1."""
    if is_blank(raw):
        return Parsed(None)
    shown = _shown(raw)
    if isinstance(raw, str):
        s = _norm(raw)
        p = _month_from_text(s, year, shown) or _date_from_text(s, shown)
    else:
        p = _cell_period(raw, year, months, shown)
    if p is None:
        return Parsed(None, f"无法识别的月份“{shown}”，{_month_hint(year)}")
    p = _hinted(p, _month_hint(year)) or p
    if isinstance(p.value, dt.date):  # a full date stands for its month
        return Parsed(f"{p.value.year:04d}-{p.value.month:02d}")
    return p


def parse_quarter(raw: object, year: int) -> Parsed:
    """-> 'YYYYQn'; a quarter without a year is in `year`, a date stands for its quarter."""
    if is_blank(raw):
        return Parsed(None)
    shown = _shown(raw)
    error = Parsed(None, f"无法识别的季度“{shown}”，{_quarter_hint(year)}")
    if isinstance(raw, dt.date):
        return Parsed(f"{raw.year}Q{(raw.month - 1) // 3 + 1}")
    if isinstance(raw, str):
        s = _norm(raw).upper()
        m = _Q.fullmatch(s) or _Q_CN.fullmatch(s)
        if not m:
            return error
        y, q = int(m[1]) if m[1] else year, _small_int(m[2]) or 0
    else:
        x = _cell_float(raw)
        if x is None or not x.is_integer():
            return error
        y, q = year, int(x)
    if not 1 <= q <= 4:
        return Parsed(None, f"季度“{shown}”不对，季度应为 1 到 4，{_quarter_hint(year)}")
    return Parsed(f"{y}Q{q}")


def parse_percent(raw: object) -> Parsed:
    """-> percentage on the 0..100 scale. A number 0..1 is a fraction (a %-formatted Excel cell stores
    0.8 for 80%); above 1 it is already a percentage; text with '%' is always a percentage."""
    if is_blank(raw):
        return Parsed(None)
    error = Parsed(None, f"无法识别的百分比“{_shown(raw)}”，{_PERCENT_HINT}")
    if isinstance(raw, str):
        m = _PERCENT.fullmatch(_norm(raw))
        if not m:
            return error
        x, is_percent = float(m[1]), m[2] is not None
    else:
        x, is_percent = _cell_float(raw), False
        if x is None:
            return error
    if x < 0:
        return Parsed(None, f"百分比“{_shown(raw)}”不能为负数，{_PERCENT_HINT}")
    x = abs(x)  # "-0" is zero, not -0.0
    # round() hides binary noise: 0.07 * 100 == 7.000000000000001
    return Parsed(x if is_percent or x > 1 else round(x * 100, 9))


def parse_phone(raw: object) -> Parsed:
    """-> '13912345678' or '025-52101234[-801]'. An odd number is kept as text with a warning."""
    if is_blank(raw):
        return Parsed(None)
    text = _render(raw)  # 13912345678.0 -> '13912345678'
    s = _SPACES.sub("", _norm(text)).upper()
    if m := _MOBILE.fullmatch(_MOBILE_NOISE.sub("", s)):
        return Parsed(m[1])
    if m := _LANDLINE.fullmatch(s):
        area, ext = f"{m[1]}-" if m[1] else "", f"-{m[4]}" if m[4] else ""
        return Parsed(f"{area}{m[2]}{m[3]}{ext}")
    return Parsed(text, warning=_PHONE_WARNING.format(_shown(raw)))


def parse_due(raw: object, year: int, months: tuple[str, ...]) -> Parsed:
    """A deadline: a month -> 'YYYY-MM', a day -> datetime.date. Also takes the year-less '5月20日'
    and the common '…前' (by that day) / '5月底' (end of May) wordings."""
    if is_blank(raw):
        return Parsed(None)
    shown = _shown(raw)
    if isinstance(raw, str):
        s = _norm(raw)
        # '前' is stripped only for a day: "5月前" (before May) would otherwise turn into May itself.
        p = _date_from_text(_DUE_BEFORE.sub("", s), shown, year) or _month_from_text(
            s.removesuffix("底"), year, shown
        )
    else:
        p = _cell_period(raw, year, months, shown)
    return _hinted(p, _due_hint(year)) or Parsed(None, f"无法识别的截止时间“{shown}”，{_due_hint(year)}")
