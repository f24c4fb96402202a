"""The campaign: one typed, validated object loaded once from `campaign.toml` (SPEC §2).

It also answers every "when is this due" question, so no other module does date arithmetic on
deadlines or reads the clock.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
import tomllib
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import chinese_calendar

from pipeline.config_documents import Documents, locate_templates, parse_documents
from pipeline.limits import Limits, parse_limits
from pipeline.rubric import REVIEW, RULE_KINDS, Param, RubricItem

SHORTLIST_KEYS: dict[str, type] = {
    "quota_share": float,
    "min_total": float,
    "min_monthly_rate": float,
    "require_application": bool,
    "require_recognition": bool,
    "require_all_quarterly": bool,
    "forbid_unrectified": bool,
}

TOP_KEYS = {
    "year", "as_of", "deadline_rolls_to_workday", "windows", "monthly", "quarterly",
    "matching", "grades", "rubric", "shortlist", "documents", "notice", "recognition_valid_years", "limits",
}


class StopRun(Exception):  # noqa: N818 - it names what happens
    """Input the run cannot go on with (exit 2); `problems` are Chinese lines for the clerk."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class ConfigError(StopRun):
    """A campaign file the run cannot use; each problem names its key."""


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Shortlist:
    quota_share: float = 0.3
    min_total: float = 85.0
    min_monthly_rate: float = 0.8
    require_application: bool = True
    require_recognition: bool = True
    require_all_quarterly: bool = True
    forbid_unrectified: bool = True


NOTICE_KEYS: dict[str, type] = {"office": str, "resubmit_working_days": int, "contact": str, "phone": str}


@dataclass(frozen=True)
class NoticeSettings:
    """[notice]: who signs the 退回通知, whom schools call, and how long they have to resubmit."""

    office: str = "局党工委办公室（101 室）"
    resubmit_working_days: int = 5
    contact: str = ""  # blank: the notice leaves a line for the clerk to write on
    phone: str = ""


@dataclass(frozen=True)
class Campaign:
    year: int
    as_of: dt.date
    rolls_to_workday: bool
    application: Window
    recognition: Window
    review: Window
    months: tuple[str, ...]
    month_due_day: int
    quarters: tuple[str, ...]
    quarter_due_day: int
    prefixes: tuple[str, ...]
    fuzzy_accept: int
    fuzzy_margin: int
    grades: tuple[tuple[str, float], ...]
    rubric: tuple[RubricItem, ...]
    shortlist: Shortlist
    recognition_valid_years: int = 2  # a brand recognised in year Y stays 有效 until 31 December of Y + this
    documents: Documents = field(default_factory=Documents)
    notice: NoticeSettings = NoticeSettings()
    today: dt.date | None = None  # the run date, passed in by the CLI: notices are dated by it, not by as_of
    limits: Limits = field(default_factory=Limits)

    # ---- deadlines -------------------------------------------------------------------------
    def roll(self, day: dt.date) -> dt.date:
        """A deadline on a weekend or statutory holiday moves to the next working day."""
        return next_workday(day) if self.rolls_to_workday else day

    def month_due(self, month: str) -> dt.date:
        year, mon = (int(p) for p in month.split("-"))
        nxt = dt.date(year + mon // 12, mon % 12 + 1, 1)
        return self.roll(nxt.replace(day=min(self.month_due_day, _days_in(nxt))))

    def quarter_due(self, quarter: str) -> dt.date:
        year, q = int(quarter[:4]), int(quarter[-1])
        nxt = dt.date(year + q // 4, (q % 4) * 3 + 1, 1)
        return self.roll(nxt.replace(day=min(self.quarter_due_day, _days_in(nxt))))

    def period_due(self, period: str) -> dt.date:
        return self.quarter_due(period) if "Q" in period else self.month_due(period)

    @property
    def application_deadline(self) -> dt.date:
        return self.roll(self.application.end)

    @property
    def recognition_deadline(self) -> dt.date:
        return self.roll(self.recognition.end)

    def application_deadline_for(self, founded: dt.date | None) -> dt.date:
        """A branch founded after the window opened has 30 days from its founding instead."""
        if founded is not None and founded > self.application.start:
            return max(self.application_deadline, self.roll(founded + dt.timedelta(days=30)))
        return self.application_deadline

    @property
    def issue_date(self) -> dt.date:
        """The date a notice is issued: the run date (as_of when none was given)."""
        return self.today or self.as_of

    @property
    def resubmit_deadline(self) -> dt.date:
        """Resubmission is due within [notice] resubmit_working_days working days of the issue date."""
        return add_workdays(self.issue_date, self.notice.resubmit_working_days)

    # ---- periods ---------------------------------------------------------------------------
    def periods_of(self, which: str | None) -> tuple[str, ...]:
        """The configured periods a periodic kind reports on ("months" or "quarters")."""
        return getattr(self, which) if which in ("months", "quarters") else ()

    @staticmethod
    def period_bounds(period: str) -> tuple[dt.date, dt.date]:
        year = int(period[:4])
        if "Q" in period:
            q = int(period[-1])
            first, last = (q - 1) * 3 + 1, q * 3
        else:
            first = last = int(period[5:7])
        return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])

    @property
    def campaign_start(self) -> dt.date:
        return self.application.start

    @property
    def campaign_end(self) -> dt.date:
        return self.review.end

    @property
    def review_items(self) -> tuple[RubricItem, ...]:
        return tuple(r for r in self.rubric if r.source == REVIEW)

    def grade(self, total: float) -> str:
        for name, floor in self.grades:
            if total >= floor - 1e-9:
                return name
        return "不合格"


def _days_in(day: dt.date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


@functools.cache
def next_workday(day: dt.date) -> dt.date:
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


def add_workdays(day: dt.date, count: int) -> dt.date:
    """The `count`-th working day after `day` (holiday calendar, make-up workdays included)."""
    for _ in range(count):
        day = next_workday(day + dt.timedelta(days=1))
    return day


def is_workday(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        # Outside the years the holiday calendar covers: weekends only.
        return day.weekday() < 5


def calendar_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


# ---- loading ---------------------------------------------------------------------------------

def load_campaign(path: Path, today: dt.date, as_of: dt.date | None = None) -> Campaign:
    """Read and validate the campaign file; raise ConfigError with every problem found."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # Notepad may save a BOM
    except FileNotFoundError:
        raise ConfigError([f"找不到活动参数文件 {path}，请确认路径。"]) from None
    except UnicodeDecodeError:
        raise ConfigError([f"活动参数文件 {path} 不是 UTF-8 编码，请用记事本打开后“另存为”，编码选 UTF-8。"]) from None
    except OSError as exc:
        raise ConfigError([f"无法读取活动参数文件 {path}（{exc.strerror or exc}），请检查文件和权限。"]) from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(toml_problem(path, text, str(exc))) from None
    campaign = build_campaign(raw, today, as_of)
    documents, problems = locate_templates(campaign.documents, path.parent)
    if problems:
        raise ConfigError(problems)
    return replace(campaign, documents=documents)


# tomllib's messages, most specific first → what to put right, in the clerk's words.
TOML_MESSAGES = (
    ("Expected '=' after a key", "参数名后面缺少“=”（请用英文等号）"),
    ("Expected newline or end of document", "一行只能写一个参数，取值后面多了内容（说明文字请以 # 开头）"),
    ("Expected ']]'", "“[[”缺少配对的“]]”"),
    ("Expected ']'", "表名缺少右方括号“]”"),
    ("Invalid initial character for a key", "参数名写法不对（中文名称要加英文双引号，如 \"优秀\" = 90）"),
    ("Invalid statement", "这一行不是“参数名 = 取值”的写法"),
    ("Invalid date or datetime", "日期不存在或写法不对，应写成“年-月-日”：四位年份，月、日各两位"),
    ("Invalid value", "取值写法不对：文字加英文双引号（不要用中文引号“”），日期写成“年-月-日”，开关写 true 或 false"),
    ("Unclosed array", "方括号 [ ] 没有配对，列表没有结束"),
    ("Unclosed inline table", "花括号 { } 没有配对，或其中的项目之间缺少英文逗号"),
    ("Unterminated string", "文字缺少结尾的英文双引号"),
    ("Illegal character", "文字中有不允许的字符（如换行），请删除"),
    ("Unescaped", "文字中的反斜杠“\\”要写成两个“\\\\”"),
    ("Duplicate inline table key", "花括号中同一个参数写了两次"),
    ("Cannot declare", "同一个表写了两次"),
    ("Cannot overwrite a value", "同一个参数写了两次"),
    ("Cannot", "同一个参数或表重复定义"),
)
_TOML_AT = re.compile(r"\(at line (\d+), column (\d+)\)$")


def toml_problem(path: Path, text: str, message: str) -> list[str]:
    """A TOML syntax error as the clerk can act on it: where (line and column), what, and the line."""
    what = next((zh for en, zh in TOML_MESSAGES if message.startswith(en)), "写法不符合格式要求")
    at = _TOML_AT.search(message)
    if at is None:
        return [f"活动参数文件 {path} 末尾格式有误：{what}。"]
    line, column = int(at[1]), int(at[2])
    shown = text.splitlines()[line - 1].strip() if line <= len(text.splitlines()) else ""
    return [f"活动参数文件 {path} 第 {line} 行第 {column} 列格式有误：{what}。", f"  第 {line} 行：{shown}"]


def build_campaign(raw: dict[str, Any], today: dt.date, as_of: dt.date | None = None) -> Campaign:
    p = _Problems()
    for key in sorted(set(raw) - TOP_KEYS):
        p.add(key, "不是可识别的参数，请删除或检查拼写")
    year = p.get(raw, "year", int)
    y = str(year) if isinstance(year, int) else "××××"  # examples in messages use the campaign's own year
    p.unknown(raw.get("windows", {}), "windows", {"application", "recognition", "review"})
    windows = {name: _window(p, raw.get("windows", {}), name, y) for name in
               ("application", "recognition", "review")}
    if not isinstance(raw.get("deadline_rolls_to_workday", True), bool):
        p.add("deadline_rolls_to_workday", "应为 true 或 false")
    monthly, quarterly = raw.get("monthly", {}), raw.get("quarterly", {})
    p.unknown(monthly, "monthly", {"first", "last", "due_day"})
    p.unknown(quarterly, "quarterly", {"quarters", "due_day"})
    months = _months(p, monthly, y)
    quarters = tuple(str(q) for q in quarterly.get("quarters", []))
    for q in quarters:
        if not (len(q) == 6 and q[:4].isdigit() and q[4] == "Q" and q[5] in "1234"):
            p.add("quarterly.quarters", f"“{q}”不是季度，应写成 {y}Q2 这样的格式")
    if not quarters:
        p.add("quarterly.quarters", "至少要有一个季度")
    matching = raw.get("matching", {})
    p.unknown(matching, "matching", {"prefixes", "fuzzy_accept", "fuzzy_margin"})
    rubric = _rubric(p, raw.get("rubric", []))
    shortlist = _shortlist(p, raw.get("shortlist", {}))
    notice = _notice(p, raw.get("notice", {}))
    grades = _grades(p, raw.get("grades", {"优秀": 90, "良好": 80, "合格": 60}))
    valid_years = raw.get("recognition_valid_years", 2)
    if isinstance(valid_years, bool) or not isinstance(valid_years, int) or not 1 <= valid_years <= 10:
        p.add("recognition_valid_years", f"取值“{valid_years}”不对，应为 1 到 10 之间的整数（年）")
    documents = parse_documents(raw.get("documents", {}), p.add)
    limits, limit_problems = parse_limits(raw.get("limits", {}))
    for key, message in limit_problems:
        p.add(key, message)
    cfg_as_of = raw.get("as_of")
    if cfg_as_of is not None and not isinstance(cfg_as_of, dt.date):
        p.add("as_of", f"应为日期，例如 {y}-12-31")
    if p.problems:
        raise ConfigError(p.problems)
    review_end = windows["review"].end
    chosen = as_of or cfg_as_of or min(today, review_end)
    if isinstance(chosen, dt.datetime):
        chosen = chosen.date()
    if not calendar_covers(int(year)):
        warnings.warn(f"节假日日历不包含 {year} 年，截止日仅按周末顺延。", stacklevel=2)
    return Campaign(
        year=int(year),
        as_of=chosen,
        rolls_to_workday=bool(raw.get("deadline_rolls_to_workday", True)),
        application=windows["application"],
        recognition=windows["recognition"],
        review=windows["review"],
        months=months,
        month_due_day=int(monthly.get("due_day", 5)),
        quarters=quarters,
        quarter_due_day=int(quarterly.get("due_day", 10)),
        prefixes=tuple(sorted((str(x) for x in matching.get("prefixes", [])), key=len, reverse=True)),
        fuzzy_accept=int(matching.get("fuzzy_accept", 85)),
        fuzzy_margin=int(matching.get("fuzzy_margin", 5)),
        grades=grades,
        rubric=rubric,
        shortlist=shortlist,
        recognition_valid_years=int(valid_years),
        documents=documents,
        notice=notice,
        today=today,
        limits=limits,
    )


class _Problems:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, key: str, message: str) -> None:
        self.problems.append(f"参数 {key}：{message}")

    def get(self, table: dict[str, Any], key: str, kind: type, prefix: str = "") -> Any:
        value = table.get(key)
        name = f"{prefix}{key}"
        if value is None:
            self.add(name, "缺少此项")
        elif kind is float and isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        elif not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            self.add(name, f"取值“{value}”类型不对")
        else:
            return value
        return None

    def unknown(self, table: dict[str, Any], prefix: str, known: set[str]) -> None:
        for key in sorted(set(table) - known):
            self.add(f"{prefix}.{key}", "不是可识别的参数，请删除或检查拼写")


def _window(p: _Problems, windows: dict[str, Any], name: str, y: str) -> Window:
    value = windows.get(name, {})
    start, end = value.get("start"), value.get("end")
    if not isinstance(start, dt.date) or not isinstance(end, dt.date):
        p.add(f"windows.{name}", f"应写起止日期，例如 {{ start = {y}-04-01, end = {y}-04-20 }}")
        return Window(dt.date.min, dt.date.min)
    if end < start:
        p.add(f"windows.{name}", f"结束日期 {end} 早于开始日期 {start}")
    return Window(start, end)


def _months(p: _Problems, monthly: dict[str, Any], y: str) -> tuple[str, ...]:
    try:
        first = dt.date.fromisoformat(f"{monthly['first']}-01")
        last = dt.date.fromisoformat(f"{monthly['last']}-01")
    except (KeyError, ValueError, TypeError):
        p.add("monthly.first/last", f"应写成 \"{y}-05\" 这样的月份")
        return ()
    if last < first:
        p.add("monthly.last", f"末月 {monthly['last']} 早于首月 {monthly['first']}")
        return ()
    out, cur = [], first
    while cur <= last:
        out.append(f"{cur.year}-{cur.month:02d}")
        cur = dt.date(cur.year + cur.month // 12, cur.month % 12 + 1, 1)
    return tuple(out)


def _rubric(p: _Problems, rows: list[dict[str, Any]]) -> tuple[RubricItem, ...]:
    items: list[RubricItem] = []
    skipped = False  # a row already reported: its points are unknown, so the sum is not checked
    for i, row in enumerate(rows, start=1):
        key = f"rubric[{i}]"
        name, rule, maximum = row.get("item"), row.get("rule"), row.get("max")
        if not isinstance(name, str) or not name:
            p.add(f"{key}.item", "缺少评分项目名称")
            skipped = True
            continue
        key = f"rubric.{name}"
        kind = RULE_KINDS.get(rule) if isinstance(rule, str) else None
        if kind is None:
            p.add(f"{key}.rule", f"“{rule}”不是可用的计分规则（可用：{'、'.join(RULE_KINDS)}）")
            skipped = True
            continue
        if not isinstance(maximum, int | float) or maximum <= 0:
            p.add(f"{key}.max", "满分应为正数")
            skipped = True
            continue
        declared = {q.name: q for q in kind.params}
        params = kind.defaults
        for pk in sorted(set(row) - {"item", "rule", "max"}):
            if pk not in declared:
                p.add(f"{key}.{pk}", f"规则 {rule} 没有这个参数（{_param_names(kind.params)}）")
            else:
                params[pk] = p.get(row, pk, declared[pk].type, prefix=f"{key}.")
        items.append(RubricItem(name, float(maximum), rule, params))
    names = [r.item for r in items]
    for dup in sorted({n for n in names if names.count(n) > 1}):
        p.add(f"rubric.{dup}", "评分项目重复")
    total = sum(r.max for r in items)
    if items and not skipped and abs(total - 100) > 1e-9:
        p.add("rubric", f"各项满分合计为 {total:g}，应为 100")
    if not rows:
        p.add("rubric", "缺少评分细则")
    return tuple(items)


def _param_names(params: tuple[Param, ...]) -> str:
    return "可用：" + "、".join(q.name for q in params) if params else "该规则没有参数"


def _shortlist(p: _Problems, table: dict[str, Any]) -> Shortlist:
    p.unknown(table, "shortlist", set(SHORTLIST_KEYS))
    values = {k: p.get(table, k, t, prefix="shortlist.") for k, t in SHORTLIST_KEYS.items() if k in table}
    values = {k: v for k, v in values.items() if v is not None}
    share = values.get("quota_share", 0.3)
    if not 0 < share <= 1:
        p.add("shortlist.quota_share", "名额比例应在 0 到 1 之间")
    return Shortlist(**values)


def _notice(p: _Problems, table: dict[str, Any]) -> NoticeSettings:
    p.unknown(table, "notice", set(NOTICE_KEYS))
    values = {k: p.get(table, k, t, prefix="notice.") for k, t in NOTICE_KEYS.items() if k in table}
    values = {k: v.strip() if isinstance(v, str) else v for k, v in values.items() if v is not None}
    if "office" in values and not values["office"]:
        p.add("notice.office", "发文单位不能为空")
    if not 1 <= values.get("resubmit_working_days", 5) <= 60:
        p.add("notice.resubmit_working_days", "重新报送期限应为 1 至 60 个工作日")
    return NoticeSettings(**values)


def _grades(p: _Problems, table: dict[str, Any]) -> tuple[tuple[str, float], ...]:
    out = []
    for name, floor in table.items():
        if not isinstance(floor, int | float) or isinstance(floor, bool):
            p.add(f"grades.{name}", "等次下限应为数字")
            continue
        out.append((str(name), float(floor)))
    return tuple(sorted(out, key=lambda g: -g[1]))
