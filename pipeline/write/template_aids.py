"""What a template people fill in adds to a plain form: help that meets the branch in Excel or WPS.

- dropdowns of the configured periods for the period field (检查月份, 季度), date and whole-number
  checks with a Chinese input message, 0–100 for percents, 0–max for scores;
- a 填表说明 line under the title (what `*` means, how to write dates);
- labels locked by sheet protection without a password; value cells and table bodies stay open.

The form writer (`write/forms.py`) calls these while laying out a workbook; the demo inbox and the
test factory write plain forms without them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from xlsxwriter.worksheet import Worksheet

from pipeline.config import Campaign
from pipeline.forms import FieldSpec, FormKind
from pipeline.parse.values import date_range

TEXT_TYPES = ("code", "phone")  # kept as typed: a leading 0 or a long number must not become a number
PROTECTION = {  # what a branch may still do on a protected sheet
    "select_locked_cells": True, "select_unlocked_cells": True, "format_columns": True, "format_rows": True,
    "insert_rows": True, "delete_rows": True,
}


@dataclass(frozen=True)
class TemplateAids:
    instructions: str  # the 填表说明 line under the title
    choices: dict[str, tuple[str, ...]]  # field label → what its dropdown offers (the configured periods)
    example_date: dt.date
    dates: tuple[dt.date, dt.date]  # what the reader takes as an Excel date

    def is_text(self, spec: FieldSpec) -> bool:
        """Cells formatted as text, so Excel does not turn `2014-05` or `025…` into something else."""
        return spec.type in TEXT_TYPES or spec.label in self.choices

    def validation(self, spec: FieldSpec) -> dict[str, Any] | None:
        """The data validation of one field or column, with its Chinese messages; None for free text."""
        if spec.label in self.choices:
            return _choice(spec.label, self.choices[spec.label])
        if spec.type == "date":
            shown = _date_examples(self.example_date)
            return {
                "validate": "date", "criteria": "between", "minimum": self.dates[0], "maximum": self.dates[1],
                "error_type": "warning", **_messages(
                    spec.label, f"请填写日期，如 {shown}",
                    f"{spec.label}应为日期，如 {shown}。如确认无误，请点“是”。"),
            }
        if spec.type == "int":
            return {"validate": "integer", "criteria": ">=", "value": 1, **_messages(
                spec.label, "请填写整数，如 12", f"{spec.label}应为不小于 1 的整数，不要带单位或文字。")}
        if spec.type == "percent":
            return {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100, **_messages(
                spec.label, "请填写 0 到 100 之间的数，80 表示 80%（也可写成 80%）",
                f"{spec.label}应为 0 到 100 之间的数，80 表示 80%。")}
        if spec.type == "number" and spec.maximum is not None:
            top = f"{spec.maximum:g}"
            return {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": spec.maximum,
                    **_messages(spec.label, f"请填写 0 到 {top} 之间的分数，可带小数",
                                f"{spec.label}应为 0 到 {top} 之间的分数。")}
        return None


def template_aids(kind: FormKind, campaign: Campaign) -> TemplateAids:
    choices = {kind.period_field: campaign.periods_of(kind.periods)} if kind.period_field else {}
    return TemplateAids(instructions(kind, campaign), {k: v for k, v in choices.items() if v},
                        campaign.application.start, date_range())


def instructions(kind: FormKind, campaign: Campaign) -> str:
    """One line for the top of the form: what `*` means, how to write dates, what is locked."""
    month = campaign.months[0] if campaign.months else ""
    parts = ["标 * 的栏目必须填写", f"日期写成 {_date_examples(campaign.application.start)}"]
    if month:
        parts[-1] += f"，月份写成 {month}"
    labels = {c.label for t in kind.tables for c in t.columns} | set(kind.labels)
    if "别名" in labels:
        parts.append("别名（支部的其他叫法）之间用“、”或“;”分隔")
    parts.append("灰底的栏目名已锁定，请在白色格内填写（工作表保护无密码，需调整格式时可在“审阅”中撤销保护）")
    return "填表说明：" + "；".join(parts) + "。"


def protect(ws: Worksheet) -> None:
    """Labels locked, no password: a slip cannot overwrite a label, and anyone may lift it on purpose."""
    ws.protect("", PROTECTION)


def _date_examples(day: dt.date) -> str:
    return f"{day.isoformat()} 或 {day.year}年{day.month}月{day.day}日"


def _choice(label: str, items: tuple[str, ...]) -> dict[str, Any]:
    return {"validate": "list", "source": list(items), **_messages(
        label, f"请从下拉列表中选择（{items[0]} 至 {items[-1]}）",
        f"{label}应为本次活动的报送期间：{'、'.join(items)}。请从下拉列表中选择。")}


def _messages(label: str, hint: str, error: str) -> dict[str, str]:
    """Excel's limits: titles 32 characters, messages 255."""
    return {"input_title": f"{label}"[:32], "input_message": hint[:255],
            "error_title": "输入有误", "error_message": error[:255]}
