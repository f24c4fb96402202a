"""The `[documents]` section of campaign.toml (SPEC §11): who issues the drafts, their 发文字号,
主送, signature, the 通报's next-step requirements, the 公示期 and the template folder.

Parsed here so that config.py only calls `parse_documents`; problems go through the caller's
`add(key, message)` so every config problem is reported the same way (exit 2).
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ISSUER = "中共南京市江宁区委教育局工作委员会"
NUMBER_PATTERN = "江宁教工委字〔{year}〕{n}号"
NUMBER_FIELDS = {"year", "n"}
DOCUMENT_NUMBERS = ("通报", "公示", "决定")  # the keys of [documents.numbers]
NEXT_STEPS = (
    "抓紧补报缺报材料。被通报缺报、退回的支部要对照催报名单，在接到本通报后5个工作日内补齐报送；"
    "被退回的材料要按照退回通知逐项修改后重新报送。",
    "严格执行报送时限。各支部要按照实施意见确定的月检查、季汇报时间节点按时报送，逢节假日顺延，"
    "确保材料真实、完整、及时，杜绝迟报、漏报。",
    "抓好督查问题整改。对督查中发现的问题，相关支部要逐项制定整改措施，明确责任人和完成时限，"
    "整改完成后及时向局党工委办公室报告。",
    "扎实推进品牌创建。各支部要对照创建方案和任务分解表，把责任落实到具体承办人，"
    "充分利用网站、报刊、宣传栏等平台加大宣传推广力度，为年底品牌认定做好准备。",
)
KEYS: dict[str, type] = {
    "issuer": str, "issuer_short": str, "mark": str, "number": str, "recipients": str, "signature": str, "basis": str,
    "honour": str, "publicity_days": int, "contact": str, "phone": str, "printed_by": str,
    "issue_date": dt.date, "template_dir": str, "next_steps": list, "numbers": dict,
}


@dataclass(frozen=True)
class Documents:
    """Everything the office's drafts take from the campaign file; defaults are the bureau's own."""

    issuer: str = ISSUER                        # 发文机关
    issuer_short: str = "局党工委"               # how the prose names the office
    mark: str = f"{ISSUER}文件"                 # 发文机关标志 (the red header)
    number: str = NUMBER_PATTERN                # 发文字号 pattern: {year}, {n}
    numbers: dict[str, str] = field(default_factory=dict)  # 通报/公示/决定 → n ("" for the clerk)
    recipients: str = "各基层党组织"             # 主送机关
    signature: str = ISSUER                     # 发文机关署名
    basis: str = "《关于推进“一支部一品牌”创建活动实施意见》"  # the notice the drafts cite
    honour: str = "“一支部一品牌”优秀党建品牌"  # the title the decision confers
    publicity_days: int = 5                     # 公示期, working days from the date of issue
    contact: str = "局党工委办公室（101室）"
    phone: str = ""
    printed_by: str = f"{ISSUER}办公室"          # 印发机关 in the 版记
    issue_date: dt.date | None = None           # 成文日期; None: the run's as_of
    next_steps: tuple[str, ...] = NEXT_STEPS    # 通报 四、下一步要求, one item each
    template_dir: Path | None = None            # the clerk's template folder; None: the shipped ones

    def document_number(self, document: str, year: int) -> str:
        """发文字号 with the clerk's n, or a blank for the clerk to fill in by hand."""
        n = self.numbers.get(document, "") or "\u3000\u3000"
        return self.number.format(year=year, n=n)


def parse_documents(table: Any, add: Callable[[str, str], None]) -> Documents:
    """Validate `[documents]`; every problem goes to `add(key, message)`."""
    if not isinstance(table, dict):
        add("documents", "应为一节参数（[documents]）")
        return Documents()
    values: dict[str, Any] = {}
    for key in sorted(table):
        name = f"documents.{key}"
        value = table[key]
        kind = KEYS.get(key)
        if kind is None:
            add(name, "不是可识别的参数，请删除或检查拼写")
        elif kind is int and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            add(name, f"取值“{value}”应为正整数")
        elif kind is dt.date and (not isinstance(value, dt.date) or isinstance(value, dt.datetime)):
            add(name, "应为日期（年-月-日），不加引号")
        elif not isinstance(value, kind):
            add(name, f"取值“{value}”类型不对")
        else:
            values[key] = value
    issuer = str(values.get("issuer", ISSUER)).strip() or ISSUER
    defaults = {"mark": f"{issuer}文件", "signature": issuer, "printed_by": f"{issuer}办公室"}
    keys = ("issuer_short", "mark", "number", "recipients", "signature", "basis", "honour", "contact", "phone",
            "printed_by")
    texts = {k: str(values[k]).strip() if k in values else defaults.get(k, getattr(Documents, k)) for k in keys}
    _check_number(texts["number"], add)
    folder = str(values.get("template_dir", "")).strip()
    return Documents(
        issuer=issuer, **texts,
        numbers=_numbers(values.get("numbers", {}), add),
        publicity_days=int(values.get("publicity_days", 5)),
        issue_date=values.get("issue_date"),
        next_steps=_steps(values.get("next_steps"), add),
        template_dir=Path(folder) if folder else None,
    )


def locate_templates(documents: Documents, base: Path) -> tuple[Documents, list[str]]:
    """A relative template folder is relative to the campaign file; it must exist."""
    if documents.template_dir is None:
        return documents, []
    folder = documents.template_dir if documents.template_dir.is_absolute() else base / documents.template_dir
    if not folder.is_dir():
        return documents, [f"参数 documents.template_dir：找不到公文模板文件夹 {folder}，请检查路径或留空使用自带模板"]
    return replace(documents, template_dir=folder), []


def _check_number(pattern: str, add: Callable[[str, str], None]) -> None:
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
    except ValueError:
        add("documents.number", f"发文字号格式“{pattern}”有误，大括号须成对，例如 {NUMBER_PATTERN}")
        return
    if not fields <= NUMBER_FIELDS or "n" not in fields:
        add("documents.number", f"发文字号格式只能使用 {{year}} 和 {{n}}，且须含 {{n}}，例如 {NUMBER_PATTERN}")


def _numbers(table: dict[str, Any], add: Callable[[str, str], None]) -> dict[str, str]:
    out = {}
    for key in sorted(table):
        value = table[key]
        if key not in DOCUMENT_NUMBERS:
            add(f"documents.numbers.{key}", f"不是可识别的公文（可用：{'、'.join(DOCUMENT_NUMBERS)}）")
        elif isinstance(value, bool) or not isinstance(value, int | str):
            add(f"documents.numbers.{key}", f"取值“{value}”应为文号序号，例如 16，或留空")
        else:
            out[key] = str(value).strip()
    return out


def _steps(value: list[Any] | None, add: Callable[[str, str], None]) -> tuple[str, ...]:
    if value is None:
        return NEXT_STEPS
    steps = tuple(str(v).strip() for v in value if isinstance(v, str) and v.strip())
    if len(steps) != len(value) or not steps:
        add("documents.next_steps", "应为一组文字，每条一项要求，例如 [\"抓紧补报缺报材料。……\"]")
    return steps
