"""The office's drafts (SPEC §11) as plain data: numbered Chinese prose and the rows of their tables.

Every figure is read from the same `Results` the workbooks are written from, so the 通报 says exactly
what 报送情况.xlsx shows, and the 公示 and the decision list exactly 表彰建议名单.xlsx. Layout (fonts,
red header, page numbers) is not decided here: `pipeline.write.documents` pours these texts into
the .docx templates.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from pipeline.config import Campaign
from pipeline.consolidate.completeness import (
    LATE,
    MISSING,
    NOT_EXPECTED,
    ON_TIME,
    REPORT_TYPES,
    RETURNED,
    periods_of,
)
from pipeline.consolidate.results import Results
from pipeline.consolidate.shortlist import criteria as shortlist_criteria
from pipeline.forms import PERIODIC_KINDS, QUARTERS
from pipeline.validate.branches import DEFAULT_PARENT

NOTICE, PUBLICITY, DECISION = "督查情况通报.docx", "表彰建议名单公示.docx", "表彰决定（代拟稿）.docx"
FILES = (NOTICE, PUBLICITY, DECISION)
NAMES_PER_GROUP = 30  # past this many branches under one 上级组织 the prose says “等 N 个” (the 附件 lists all)
CHANNELS = ("网站", "报刊", "宣传栏", "微信公众号", "其他")
NO_PROBLEM = {"", "无", "没有", "/", "-", "—"}
DIGITS = "零一二三四五六七八九"

QUARTERLY = frozenset(k.key for k in PERIODIC_KINDS if k.periods == QUARTERS)


@dataclass(frozen=True)
class Block:
    """One paragraph: an 一、 heading on its own (heading=True), or body text with an optional
    run-in （一） heading (`lead`, set in 楷体) before it."""

    text: str
    lead: str = ""
    heading: bool = False


@dataclass(frozen=True)
class Row:
    """A table row; the templates pick the fields their columns show."""

    no: str
    name: str = ""
    parent: str = ""
    brand: str = ""
    total: str = ""
    grade: str = ""
    owed: str = ""
    contact: str = ""
    phone: str = ""
    kind: str = ""
    expected: str = ""
    sent: str = ""
    on_time: str = ""
    rate: str = ""
    on_time_rate: str = ""


@dataclass(frozen=True)
class Table:
    """A table the template lays out: an attachment (label 附件1, title) or a table in the text."""

    label: str
    title: str
    rows: tuple[Row, ...]

    @property
    def heading(self) -> tuple[str, ...]:
        """The title as it is set over the attachment, in balanced lines."""
        return title_lines(self.title)


@dataclass(frozen=True)
class Draft:
    file: str
    key: str  # 通报 / 公示 / 决定: which n of [documents.numbers] it takes
    subject: str  # the title on one line (document properties)
    mark: str
    number: str
    title: tuple[str, ...]  # the title's lines
    recipients: str  # 主送, with its colon; "" for none
    body: tuple[Block, ...]
    signature: str
    date: str
    printed_by: str
    printed_on: str
    closing: tuple[Block, ...] = ()  # after a table set in the text (the 公示's list)
    attachment_note: tuple[str, ...] = ()  # 附件说明 lines
    tables: dict[str, Table | None] = field(default_factory=dict)


# ---- small wording helpers -----------------------------------------------------------------------

def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (up to 99)."""
    tens, ones = divmod(n, 10)
    if n < 10:
        return DIGITS[n]
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


def title_lines(title: str, width: float = 18) -> tuple[str, ...]:
    """A long title in two balanced lines (2号 type sets about 20 characters a line), never breaking
    inside quotation marks; half-width characters count half."""
    def size(part: str) -> float:
        return sum(0.5 if ord(ch) < 0x2E80 and ch not in "“”" else 1.0 for ch in part)

    if size(title) <= width:
        return (title,) if title else ()
    depth, candidates = 0, []
    for i, ch in enumerate(title):
        depth += (ch == "“") - (ch == "”")
        if depth == 0 and 0 < i + 1 < len(title):
            candidates.append(i + 1)
    if not candidates:
        return (title,)
    cut = min(candidates, key=lambda i: (max(size(title[:i]), size(title[i:])), i))
    return title[:cut], title[cut:]


def share(value: float) -> str:
    """A configured share as people write it: 0.3 → 30%, 0.825 → 82.5%."""
    return f"{Decimal(repr(value * 100)).normalize():f}%"


def cn_date(day: dt.date) -> str:
    """GB/T 9704 writes dates in Arabic numerals without leading zeros."""
    return f"{day.year}年{day.month}月{day.day}日"


def cn_span(first: dt.date, last: dt.date) -> str:
    """Y年12月1日至12月31日 (Y the year); the year is repeated only when it changes."""
    end = cn_date(last) if last.year != first.year else f"{last.month}月{last.day}日"
    return f"{cn_date(first)}至{end}"


def percent(rate: object) -> str:
    """A rate as the workbooks show it (0.0%, rounded half up like Excel); blank rates as —."""
    if rate is None or (isinstance(rate, float) and math.isnan(rate)):
        return "—"
    value = (Decimal(repr(float(rate))) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}%"


def score(total: object) -> str:
    value = Decimal(repr(float(total))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)  # type: ignore[arg-type]
    return f"{value}"


def names(items: Iterable[str]) -> str:
    return "、".join(items)


def period_label(period: str, campaign: Campaign) -> str:
    """<year>-06 → 6月, <year>Q3 → 第三季度; the year is said only when it is not the campaign's."""
    year = int(period[:4])
    prefix = "" if year == campaign.year else f"{year}年"
    if "Q" in period:
        return f"{prefix}第{cn_number(int(period[-1]))}季度"
    return f"{prefix}{int(period[5:7])}月"


def owed_label(kind: str, periods: Sequence[str], campaign: Campaign) -> str:
    """(monthly, [<year>-05, <year>-10]) → 5月、10月月检查; quarterly → 第二季度汇报."""
    labels = names(period_label(p, campaign) for p in periods)
    # 第二季度 reads on as 第二季度汇报; a month needs the report's full name (5月月检查).
    return f"{labels}汇报" if kind in QUARTERLY else f"{labels}{REPORT_TYPES[kind]}"


def parent_label(parent: str) -> str:
    return f"{parent}直属的" if parent == DEFAULT_PARENT else f"{parent}所属的"


def text(value: object) -> str:
    """A cell as one line of text: '' for missing, whitespace collapsed (a name never breaks a line)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def numbered(items: Sequence[str]) -> tuple[Block, ...]:
    """一是…二是…, one paragraph each."""
    return tuple(Block(f"{cn_number(i)}是{item}") for i, item in enumerate(items, start=1))


def grouped(entries: Sequence[tuple[str, str, str]]) -> str:
    """(上级组织, 支部编码, shown text) → 局党工委直属的A、B；东山片区学校党总支所属的C — by 上级组织, then code."""
    by_parent: dict[str, list[tuple[str, str]]] = {}
    for parent, code, shown in entries:
        by_parent.setdefault(parent or DEFAULT_PARENT, []).append((code, shown))
    parts = []
    for parent in sorted(by_parent):
        shown = [s for _, s in sorted(by_parent[parent])]
        listed = names(shown[:NAMES_PER_GROUP])
        if len(shown) > NAMES_PER_GROUP:
            listed += f"等{len(shown)}个支部"
        parts.append(parent_label(parent) + listed)
    return "；".join(parts)


# ---- reading Results -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    kind: str
    period: str
    code: str
    name: str
    parent: str
    status: str


def cells(results: Results, campaign: Campaign) -> list[Cell]:
    """Every expected branch × period cell of the 月检查 and 季度汇报 matrices."""
    out = []
    for kind, matrix in results.matrices.items():
        periods = periods_of(kind, campaign)
        for record in matrix.to_dict("records"):
            for period in periods:
                status = text(record.get(period))
                if status and status != NOT_EXPECTED:
                    out.append(Cell(kind, period, text(record["支部编码"]), text(record["支部名称"]),
                                    text(record["上级组织"]) or DEFAULT_PARENT, status))
    return out


def total_row(results: Results, kind: str) -> dict[str, Any]:
    rows = results.rates[(results.rates["类型"] == REPORT_TYPES[kind]) & (results.rates["期间"] == "合计")]
    if rows.empty:
        return {"应报": 0, "实报": 0, "按时": 0, "报送率": None, "按时率": None}
    return rows.iloc[0].to_dict()


def period_rows(results: Results, kind: str) -> list[dict[str, Any]]:
    rates = results.rates
    rows = rates[(rates["类型"] == REPORT_TYPES[kind]) & (rates["期间"] != "合计")]
    return rows.to_dict("records")


def due_periods(kind: str, campaign: Campaign) -> list[str]:
    periods = periods_of(kind, campaign)
    return [p for p in periods if campaign.period_due(p) <= campaign.as_of]


def issued_on(campaign: Campaign) -> dt.date:
    return campaign.documents.issue_date or campaign.as_of


def _frame(results: Results, sheet: str) -> pd.DataFrame:
    return results.ledger.get(sheet, pd.DataFrame())


# ---- 督查情况通报 ----------------------------------------------------------------------------------

def compose_notice(results: Results, campaign: Campaign) -> Draft:
    """关于“一支部一品牌”创建活动督查情况的通报: 一、基本情况 二、主要成效 三、存在问题 四、下一步要求."""
    docs = campaign.documents
    as_of = cn_date(campaign.as_of)
    inspected = not _frame(results, "督查记录").empty
    how = "，并采取定期和不定期方式开展了督查" if inspected else ""
    intro = (f"为及时掌握“一支部一品牌”创建活动进展情况，按照{docs.basis}“加强督促，分类指导”的要求，"
             f"{docs.issuer_short}对各基层党组织的材料报送情况进行了统计{how}。"
             f"现将截至{as_of}的督查情况通报如下。")
    any_due = any(due_periods(k, campaign) for k in REPORT_TYPES)
    found = {"chase": _chase_table(results), "parents": _parent_table(results) if any_due else None}
    present = [k for k, t in found.items() if t is not None]
    tables: dict[str, Table | None] = dict.fromkeys(found)
    note: list[str] = []
    for i, key in enumerate(present, start=1):
        table = found[key]
        assert table is not None
        several = len(present) > 1
        tables[key] = Table(f"附件{i}" if several else "附件", table.title, table.rows)
        note.append(("附件：" if i == 1 else "\u3000\u3000\u3000") + (f"{i}." if several else "") + table.title)
    refs = {k: t.label for k, t in tables.items() if t is not None}
    body = (
        Block(intro),
        Block("一、基本情况", heading=True),
        *_basic_facts(results, campaign, refs),
        Block("二、主要成效", heading=True),
        *_achievements(results, campaign),
        Block("三、存在问题", heading=True),
        *_problems(results, campaign, refs),
        Block("四、下一步要求", heading=True),
        *_requirements(docs.next_steps),
    )
    return _draft(NOTICE, "通报", ("关于“一支部一品牌”创建活动", "督查情况的通报"), campaign, body,
                  attachment_note=tuple(note), tables=tables)


def _basic_facts(results: Results, campaign: Campaign, refs: dict[str, str]) -> list[Block]:
    docs = campaign.documents
    roster = len(results.matrices.get("monthly", pd.DataFrame()))
    active = len(results.card)
    kinds = results.card["申报类型"].map(text).tolist() if "申报类型" in results.card else []
    applied = sum(bool(k) for k in kinds)
    others = roster - active
    join = f"，其余{others}个已撤销或尚未成立" if others else ""
    sentence = f"全系统在册基层党组织{roster}个，截至{cn_date(campaign.as_of)}正常运行{active}个{join}。"
    if applied:
        sentence += f"已申报品牌{applied}个，其中创建{kinds.count('创建')}个、完善{kinds.count('完善')}个"
    else:
        sentence += "尚无已受理的品牌申报"
    late, waiting = _not_applied(results, campaign)
    if late:
        sentence += f"；尚有{len(late)}个支部未按期申报"
    if waiting:
        sentence += f"；{len(waiting)}个支部尚未到申报截止日"
    sentence += "。"
    out = [Block(sentence, lead="（一）参与情况。")]
    out.append(Block(_reporting_sentence(results, campaign, refs), lead="（二）报送情况。"))
    out.append(Block(_inspection_sentence(results, docs.issuer_short), lead="（三）督查情况。"))
    return out


def _reporting_sentence(results: Results, campaign: Campaign, refs: dict[str, str]) -> str:
    as_of = cn_date(campaign.as_of)
    parts = []
    for kind, name in REPORT_TYPES.items():
        due = due_periods(kind, campaign)
        rows = period_rows(results, kind)
        early = [r for r in rows if r["期间"] not in due]
        early_sent = sum(int(r["实报"]) for r in early)
        if not due:
            first = (periods_of(kind, campaign))[:1]
            when = f"，首期（{period_label(first[0], campaign)}）截止日为{cn_date(campaign.period_due(first[0]))}" \
                if first else ""
            sentence = f"{name}尚未到报送截止日{when}"
            if early_sent:
                sentence += f"，已提前报送{early_sent}份"
            parts.append(sentence)
            continue
        total = total_row(results, kind)
        sent, on_time = int(total["实报"]), int(total["按时"])
        sentence = (f"{name}已到期{len(due)}期（{_span(due, campaign)}），应报{int(total['应报'])}份，"
                    f"实报{sent}份（其中按时{on_time}份、逾期{sent - on_time}份），"
                    f"报送率{percent(total['报送率'])}，按时率{percent(total['按时率'])}")
        if early:
            sentence += f"，{_span([r['期间'] for r in early], campaign)}的尚未到期"
            if early_sent:
                sentence += f"（已提前报送的{early_sent}份计入应报和实报）"
        parts.append(sentence)
    text_ = f"截至{as_of}，" + "；".join(parts) + "。"
    if not any(due_periods(k, campaign) for k in REPORT_TYPES):
        return text_ + "暂不统计报送率和按时率。"
    extremes = _parent_extremes(results, campaign)
    if extremes:
        text_ += extremes
    if "parents" in refs:
        text_ += f"各上级组织报送情况见{refs['parents']}。"
    return text_


def _span(periods: Sequence[str], campaign: Campaign) -> str:
    """Consecutive periods as 5月至11月, otherwise listed."""
    labels = [period_label(p, campaign) for p in periods]
    if len(labels) <= 2:
        return names(labels)
    kind_periods = campaign.quarters if "Q" in periods[0] else campaign.months
    first, last = kind_periods.index(periods[0]), kind_periods.index(periods[-1])
    if list(kind_periods[first:last + 1]) == list(periods):
        return f"{labels[0]}至{labels[-1]}"
    return names(labels)


def _parent_extremes(results: Results, campaign: Campaign) -> str:
    by_parent = results.by_parent
    if by_parent.empty or by_parent["上级组织"].nunique() < 2:
        return ""
    parts = []
    for kind, name in REPORT_TYPES.items():
        if not due_periods(kind, campaign):
            continue
        rows = [r for r in by_parent.to_dict("records") if r["类型"] == name and r["报送率"] is not None]
        if len(rows) < 2:
            continue
        shown = {text(r["上级组织"]): percent(r["报送率"]) for r in rows}
        label = {p: f"{p}直属支部" if p == DEFAULT_PARENT else p for p in shown}
        high = max(float(r["报送率"]) for r in rows)
        low = min(float(r["报送率"]) for r in rows)
        if high == low:
            parts.append(f"各上级组织{name}报送率均为{percent(high)}")
            continue
        top = [label[p] for p in sorted(shown) if float(_rate_of(rows, p)) == high]
        bottom = [label[p] for p in sorted(shown) if float(_rate_of(rows, p)) == low]
        parts.append(f"{name}报送率最高的是{_few(top, '上级组织')}（{percent(high)}），"
                     f"最低的是{_few(bottom, '上级组织')}（{percent(low)}）")
    return "从各上级组织看，" + "；".join(parts) + "。" if parts else ""


def _few(items: Sequence[str], noun: str, limit: int = 2) -> str:
    """A、B, or A、B等5个上级组织 when there are more."""
    if len(items) <= limit:
        return names(items)
    return f"{names(items[:limit])}等{len(items)}个{noun}"


def _rate_of(rows: list[dict[str, Any]], parent: str) -> float:
    return next(float(r["报送率"]) for r in rows if text(r["上级组织"]) == parent)


def _inspections(results: Results) -> pd.DataFrame:
    return _frame(results, "督查记录")


def _has_problem(value: object) -> bool:
    return text(value) not in NO_PROBLEM


def _inspection_sentence(results: Results, office: str) -> str:
    records = _inspections(results)
    if records.empty:
        return f"截至目前，{office}尚无督查记录。"
    ways = records["督查方式"].map(text)
    marks = [float(x) for x in records["评分"] if text(x)]
    mean = f"，平均得分{score(sum(marks) / len(marks))}分" if marks else ""
    kinds = "、".join(f"{w}{int((ways == w).sum())}次" for w in ("定期", "不定期") if (ways == w).any())
    sentence = (f"{office}共开展督查{len(records)}次（{kinds}），覆盖{records['支部编码'].nunique()}个支部"
                f"{mean}。")
    found = records[records["发现问题"].map(_has_problem)]
    if found.empty:
        return sentence + "督查未发现需要整改的问题。"
    states = found["整改情况"].map(text)
    counts = [f"{s}{int((states == s).sum())}个" for s in ("已整改", "整改中", "未整改") if (states == s).any()]
    blank = int((states == "").sum())
    if blank:
        counts.append(f"未填写整改情况{blank}个")
    return sentence + f"督查发现问题{len(found)}个，其中" + "、".join(counts) + "。"


def _branch_cells(results: Results, campaign: Campaign) -> dict[str, list[Cell]]:
    out: dict[str, list[Cell]] = {}
    for c in cells(results, campaign):
        out.setdefault(c.code, []).append(c)
    return out


def _achievements(results: Results, campaign: Campaign) -> list[Block]:
    items = []
    active = set(results.card["支部编码"].map(text)) if "支部编码" in results.card else set()
    punctual = []
    for code, owned in _branch_cells(results, campaign).items():
        counted = [c for c in owned if c.status in (ON_TIME, LATE, MISSING, RETURNED)
                   and (c.status in (ON_TIME, LATE) or campaign.period_due(c.period) <= campaign.as_of)]
        if code in active and counted and all(c.status == ON_TIME for c in counted):
            punctual.append((owned[0].parent, code, owned[0].name))
    if punctual:
        items.append(f"按时报送意识较强。{len(punctual)}个支部已到期的月检查、季度汇报全部按时报送：{grouped(punctual)}。")
    posts = _posts(results)
    if posts:
        channels = pd.Series([p[2] for p in posts])
        known = [f"{c}{int((channels == c).sum())}篇" for c in CHANNELS if (channels == c).any()]
        other = int((~channels.isin(CHANNELS)).sum())
        if other:
            known.append(f"其他渠道{other}篇")
        per_branch = pd.Series([p[0] for p in posts]).value_counts()
        top_n = int(per_branch.max())
        top = sorted(per_branch[per_branch == top_n].index)
        shown = [results_name(results, c) for c in top]
        lead = f"{_few(shown, '支部', 3)}（各{top_n}篇）" if len(top) > 1 else f"{shown[0]}（{top_n}篇）"
        items.append(f"宣传推广有声有色。各支部在季度汇报中报送宣传报道{len(posts)}篇，其中" + "、".join(known)
                     + f"；报道最多的是{lead}。")
    records = _inspections(results)
    if not records.empty:
        found = records[records["发现问题"].map(_has_problem)]
        fixed = int((found["整改情况"].map(text) == "已整改").sum())
        if fixed:
            items.append(f"督查整改扎实有效。督查发现的{len(found)}个问题中，已整改{fixed}个。")
    if not items:
        return [Block("创建活动正处于起步阶段，各支部正按照创建方案推进，具体成效将在后续督查中通报。")]
    return list(numbered(items))


def results_name(results: Results, code: str) -> str:
    matrix = results.matrices.get("monthly", pd.DataFrame())
    hit = matrix[matrix["支部编码"] == code] if not matrix.empty else matrix
    return text(hit.iloc[0]["支部名称"]) if not hit.empty else code


def _posts(results: Results) -> list[tuple[str, str, str, str]]:
    """Distinct (支部编码, 发布日期, 渠道, 标题) — what 宣传推广 scores."""
    frame = _frame(results, "宣传报道")
    if frame.empty:
        return []
    seen = dict.fromkeys((text(r["支部编码"]), text(r["发布日期"]), text(r["渠道"]), text(r["标题"]))
                         for r in frame.to_dict("records"))
    return list(seen)


def _not_applied(results: Results, campaign: Campaign) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(past their application deadline, not yet due)."""
    rows = results.not_applied.to_dict("records")
    due = [not isinstance(r.get("申报截止日"), dt.date) or r["申报截止日"] <= campaign.as_of for r in rows]
    return [r for r, d in zip(rows, due, strict=True) if d], [r for r, d in zip(rows, due, strict=True) if not d]


def _status_sentence(results: Results, campaign: Campaign, status: str, verb: str) -> tuple[str, int]:
    """(月检查缺报3份、季度汇报缺报1份，涉及2个支部：…, number of cells)."""
    found = [c for c in cells(results, campaign) if c.status == status]
    if not found:
        return "", 0
    counts = [f"{REPORT_TYPES[k]}{verb}{sum(c.kind == k for c in found)}份" for k in REPORT_TYPES
              if any(c.kind == k for c in found)]
    per_branch: dict[str, list[Cell]] = {}
    for c in found:
        per_branch.setdefault(c.code, []).append(c)
    entries = []
    for code, owned in per_branch.items():
        parts = [owed_label(k, [c.period for c in owned if c.kind == k], campaign) for k in REPORT_TYPES
                 if any(c.kind == k for c in owned)]
        entries.append((owned[0].parent, code, f"{owned[0].name}（{'，'.join(parts)}）"))
    return "、".join(counts) + f"，涉及{len(per_branch)}个支部：{grouped(entries)}", len(found)


def _problems(results: Results, campaign: Campaign, refs: dict[str, str]) -> list[Block]:
    items = []
    missing, _ = _status_sentence(results, campaign, MISSING, "缺报")
    if missing:
        chase = f"（详见{refs['chase']}催报名单）" if "chase" in refs else ""
        items.append(f"部分支部缺报。截至{cn_date(campaign.as_of)}，{missing}{chase}。")
    late, _ = _status_sentence(results, campaign, LATE, "逾期")
    if late:
        items.append(f"部分支部逾期报送。{late}。")
    returned, _ = _status_sentence(results, campaign, RETURNED, "退回")
    if returned:
        items.append(f"部分材料不符合要求被退回。{returned}。被退回的材料须按照退回通知修改后重新报送。")
    overdue, _ = _not_applied(results, campaign)
    if overdue:
        entries = [(text(r["上级组织"]), text(r["支部编码"]),
                    text(r["支部名称"]) + ("（申报表已退回，待重新报送）" if "退回" in text(r.get("情况")) else ""))
                   for r in overdue]
        items.append(f"个别支部尚未申报品牌。已过申报截止日仍未受理申报表的支部{len(overdue)}个：{grouped(entries)}。")
    records = _inspections(results)
    if not records.empty:
        open_items = records[records["整改情况"].map(text) == "未整改"]
        if not open_items.empty:
            parents = _parents(results)
            entries = [(parents.get(code, DEFAULT_PARENT), code,
                        f"{text(group.iloc[0]['支部名称'])}（{len(group)}项）")
                       for code, group in open_items.groupby("支部编码", sort=True)]
            items.append(f"部分督查问题整改不到位。督查发现的问题仍有{len(open_items)}项未整改，涉及"
                         f"{len(entries)}个支部：{grouped(entries)}。")
    if items:
        return list(numbered(items))
    if not any(due_periods(k, campaign) for k in REPORT_TYPES):
        return [Block(f"截至{cn_date(campaign.as_of)}，尚无到期的报送任务，暂未发现缺报、逾期情况。")]
    return [Block(f"截至{cn_date(campaign.as_of)}，各支部均按时报送，未发现缺报、逾期和退回情况。")]


def _parents(results: Results) -> dict[str, str]:
    matrix = results.matrices.get("monthly", pd.DataFrame())
    if matrix.empty:
        return {}
    return {text(c): text(p) or DEFAULT_PARENT for c, p in zip(matrix["支部编码"], matrix["上级组织"], strict=True)}


def _requirements(steps: Sequence[str]) -> list[Block]:
    """Each configured requirement as （一）first sentence。rest — the lead set in 楷体."""
    out = []
    for i, step in enumerate(steps, start=1):
        head, sep, rest = step.partition("。")
        if sep and rest and len(head) <= 20:
            out.append(Block(rest, lead=f"（{cn_number(i)}）{head}。"))
        else:
            out.append(Block(step, lead=f"（{cn_number(i)}）"))
    return out


def _chase_table(results: Results) -> Table | None:
    chase = results.chase
    if chase.empty:
        return None
    ordered = chase.assign(_p=chase["上级组织"].map(text), _c=chase["支部编码"].map(text)).sort_values(
        ["_p", "_c"], kind="stable")
    rows = tuple(Row(no=str(i), parent=text(r["上级组织"]) or DEFAULT_PARENT, name=text(r["支部名称"]),
                     owed=text(r["缺报项"]), contact=text(r["联系人"]), phone=text(r["联系电话"]))
                 for i, r in enumerate(ordered.to_dict("records"), start=1))
    return Table("", "催报名单", rows)


def _parent_table(results: Results) -> Table | None:
    if results.by_parent.empty:
        return None
    rows = tuple(Row(no=str(i), parent=text(r["上级组织"]), kind=text(r["类型"]), expected=text(r["应报"]),
                     sent=text(r["实报"]), on_time=text(r["按时"]), rate=percent(r["报送率"]),
                     on_time_rate=percent(r["按时率"]))
                 for i, r in enumerate(results.by_parent.to_dict("records"), start=1))
    return Table("", "各上级组织报送情况统计表", rows)


# ---- 表彰建议名单公示 -------------------------------------------------------------------------------

def criteria(campaign: Campaign) -> list[str]:
    """The shortlist rules of campaign.toml, in words (as the workbook says them, without spaces)."""
    return shortlist_criteria(campaign, gap="", percent=share, total="考核总分")


def publicity_period(campaign: Campaign) -> tuple[dt.date, dt.date]:
    """From the date of issue (rolled to a working day), `publicity_days` working days in all."""
    start = campaign.roll(issued_on(campaign))
    end = start
    for _ in range(campaign.documents.publicity_days - 1):
        end = campaign.roll(end + dt.timedelta(days=1))
    return start, end


def _listed_rows(listed: pd.DataFrame) -> tuple[Row, ...]:
    return tuple(Row(no=str(i), name=text(r["支部名称"]), brand=text(r["品牌名称"]), total=score(r["总分"]),
                     grade=text(r["等次"]))
                 for i, r in enumerate(listed.to_dict("records"), start=1))


def compose_publicity(results: Results, campaign: Campaign) -> Draft:
    """The 公示 of the shortlist: purpose, the rule, the list, the 公示期 and whom to tell."""
    docs = campaign.documents
    listed = results.listed
    active, quota_share, seats = results.quota.active, results.quota.share, results.quota.seats
    start, end = publicity_period(campaign)
    year = campaign.year
    rule = (f"表彰名额为正常运行支部数的{share(quota_share)}，向下取整、至少1个。"
            f"本次正常运行支部{active}个，名额{seats}个；符合条件的支部按考核总分从高到低确定，同分并列的一并列入。")
    if listed.empty:
        when = (f"年终考核尚未进行（审核验收安排在{cn_span(campaign.review.start, campaign.review.end)}）"
                if campaign.as_of < campaign.review.start else "尚无支部同时符合评选条件")
        intro = (f"根据{docs.basis}要求，{docs.issuer_short}将按照评选条件和名额，提出{year}年度“一支部一品牌”"
                 f"创建活动表彰建议名单并予以公示。截至{cn_date(campaign.as_of)}，{when}，暂无建议名单。")
        body = (Block(intro), Block("一、评选条件", heading=True), Block("参加评选的支部须同时具备以下条件："
                                                                       + "；".join(criteria(campaign)) + "。"),
                Block("二、名额", heading=True), Block(rule))
        return _draft(PUBLICITY, "公示", ("关于“一支部一品牌”创建活动", "表彰建议名单的公示"), campaign, body,
                      recipients=False, tables={"listed": None})
    tie = "（含同分并列）" if len(listed) > seats else ""
    intro = (f"根据{docs.basis}要求，经支部申报、过程督查、评审评分和年终考核，{docs.issuer_short}按照评选条件和名额，"
             f"研究提出了{year}年度“一支部一品牌”创建活动表彰建议名单。为广泛听取意见、接受监督，现将建议名单予以公示。")
    phone = f"，联系电话：{docs.phone}" if docs.phone else ""
    body = (
        Block(intro),
        Block("一、评选条件和名额", heading=True),
        Block("参加评选的支部须同时具备以下条件：" + "；".join(criteria(campaign)) + "。" + rule),
        Block("二、建议名单", heading=True),
        Block(f"经考核，建议表彰{len(listed)}个支部{tie}，按考核总分排序如下："),
    )
    closing = (
        Block("三、公示时间", heading=True),
        Block(f"公示时间为{cn_span(start, end)}（{docs.publicity_days}个工作日）。"),
        Block("四、反映方式", heading=True),
        Block(f"公示期间，如对公示对象有异议，请以书面、电话或当面等方式向{docs.contact}反映{phone}。"
              "反映情况要实事求是、客观公正，以单位名义反映的须加盖公章，以个人名义反映的须署真实姓名并提供联系方式。"),
    )
    return _draft(PUBLICITY, "公示", ("关于“一支部一品牌”创建活动", "表彰建议名单的公示"), campaign, body,
                  closing=closing, recipients=False, tables={"listed": Table("", "", _listed_rows(listed))})


# ---- 表彰决定（代拟稿） -----------------------------------------------------------------------------

def compose_decision(results: Results, campaign: Campaign, passed: pd.DataFrame | None = None) -> Draft:
    """The award decision. `passed` (支部名称, 品牌名称, in order) is the committee's 审核验收 result — the
    new rows of the recognition register (SPEC §12); without it the decision lists the shortlist."""
    docs = campaign.documents
    year = campaign.year
    chosen = results.listed if passed is None else passed
    rows = tuple(Row(no=str(i), name=text(r.get("支部名称")), brand=text(r.get("品牌名称")))
                 for i, r in enumerate(chosen.to_dict("records"), start=1))
    steps = "支部申报、过程督查、年终考核和审核验收" if passed is not None else "支部申报、过程督查、年终考核和公示"
    background = (f"{year}年，{docs.issuer_short}在全系统基层党组织中开展了“一支部一品牌”创建活动。各支部（总支）按照"
                  "“已有的品牌要深化，未建的品牌要培树”的要求，精心设计创建载体，扎实推进创建工作，培育了一批有特色、"
                  "叫得响、亮得出、有影响的党建品牌。")
    listing = f"{year}年度{docs.honour}名单"
    if rows:
        first = f"{rows[0].name}“{rows[0].brand}”" if rows[0].brand else rows[0].name
        whom = f"对{first}等{len(rows)}个党建品牌" if len(rows) > 1 else f"对{first}党建品牌"
        decision = (f"为树立典型、推广经验，根据{docs.basis}，经{steps}，{docs.issuer_short}研究决定，"
                    f"{whom}予以命名表彰，授予{docs.honour}称号并挂牌。")
    else:
        decision = (f"为树立典型、推广经验，根据{docs.basis}，{docs.issuer_short}将对通过审核验收的党建品牌"
                    f"予以命名表彰，授予{docs.honour}称号并挂牌。截至{cn_date(campaign.as_of)}，审核验收尚未完成，"
                    "表彰名单待定。")
    hope = ("希望受到表彰的基层党组织珍惜荣誉、再接再厉，不断丰富品牌内涵，充分发挥示范引领和辐射带动作用。"
            "各基层党组织要以受表彰的党建品牌为榜样，坚持“围绕教育抓党建，抓好党建促教育”，深入挖掘、广泛宣传，"
            "推动教育系统党建工作再上新台阶。")
    table = Table("附件", listing, rows) if rows else None
    return _draft(DECISION, "决定", (f"关于命名表彰{year}年度", f"{docs.honour}的决定", "（代拟稿）"), campaign,
                  (Block(background), Block(decision), Block(hope)),
                  attachment_note=(f"附件：{listing}",) if rows else (), tables={"honoured": table})


# ---- shared ----------------------------------------------------------------------------------------

def _draft(file: str, key: str, title: tuple[str, ...], campaign: Campaign, body: tuple[Block, ...], *,
           closing: tuple[Block, ...] = (), attachment_note: tuple[str, ...] = (), recipients: bool = True,
           tables: dict[str, Table | None] | None = None) -> Draft:
    docs = campaign.documents
    issued = cn_date(issued_on(campaign))
    return Draft(
        file=file, key=key, subject="".join(t for t in title if not t.startswith("（")),
        mark=docs.mark, number=docs.document_number(key, campaign.year), title=title,
        recipients=f"{docs.recipients}：" if recipients and docs.recipients else "",
        body=body, closing=closing, attachment_note=attachment_note, signature=docs.signature, date=issued,
        printed_by=docs.printed_by, printed_on=f"{issued}印发", tables=tables or {},
    )


def compose_documents(results: Results, campaign: Campaign, passed: pd.DataFrame | None = None) -> tuple[Draft, ...]:
    """The three drafts of 公文/, in order."""
    return (compose_notice(results, campaign), compose_publicity(results, campaign),
            compose_decision(results, campaign, passed))
