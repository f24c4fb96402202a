"""What each form kind looks like (SPEC §3), as data.

One description per kind drives the reader, the blank templates and the demo writer alike:
title keywords, the form sheet and its labels, and the tables with their columns.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

from pipeline.config import Campaign

NARRATIVE = (
    "品牌释义", "目标要求", "创建内容", "方式方法", "保障措施", "工作步骤", "已有基础", "完善重点",
    "本月小结", "工作进展", "取得成效", "创建成效",
)


@dataclass(frozen=True)
class FieldSpec:
    label: str
    type: str = "text"  # text, code, int, number, date, month, quarter, percent, phone, enum, due
    required: bool = False
    options: tuple[str, ...] = ()
    maximum: float | None = None  # for scores


@dataclass(frozen=True)
class TableSpec:
    name: str  # ledger sheet name
    sheet: str  # sheet name in the template
    caption: str  # caption above the table when it sits on the form sheet
    columns: tuple[FieldSpec, ...]
    min_rows: int = 0
    # A pre-filled row whose every one of these columns is empty has not been filled in yet (a committee
    # decision still to be taken): it is skipped, not reported.
    unfilled_when_empty: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(c.label for c in self.columns)

    @property
    def required_labels(self) -> tuple[str, ...]:
        return tuple(c.label for c in self.columns if c.required)


BRANCH, COMMITTEE = "branch", "committee"  # who fills a kind
BY_BRANCH_PERIOD, BY_SIGNER, NEVER = "branch+period", "signer", "never"  # how resubmissions supersede
BY_ROW = "row"  # files never displace each other; per branch, the row with the latest `row_date` wins
MONTHS, QUARTERS = "months", "quarters"  # which configured periods a kind reports on


@dataclass(frozen=True)
class FormKind:
    """A kind of form: what it looks like, and every way its behaviour differs from another kind's."""

    key: str  # stable id: roster, apply_create, ...
    title: str  # the kind's title as listed in the manifest
    sheet: str | None  # the form sheet; None for table-only kinds
    fields: tuple[FieldSpec, ...]
    tables: tuple[TableSpec, ...]
    date_field: str | None  # the date that decides resubmissions and "received by as_of"
    period_field: str | None = None
    filled_by: str = BRANCH
    master: bool = False  # the committee's master data (the roster): one file, the basis of all matching
    group: str = ""  # kinds that supersede each other share a group (创建 and 完善 applications); "" = key
    supersedes: str = BY_BRANCH_PERIOD
    signer: str | None = None  # the field naming who signed, for BY_SIGNER (评审人)
    branch_per_row: bool = False  # committee tables name a branch on every row
    periods: str | None = None  # MONTHS / QUARTERS for periodic reports
    report_type: str | None = None  # the periodic report's name in 报送情况 (月检查, 季度汇报)
    dated_rows: tuple[str, str] | None = None  # (table, date label): rows should fall inside the period
    row_date: str | None = None  # a per-row date after as_of means the row had not happened yet
    ledger_sheet: str | None = None  # the 汇总台账 sheet of the form block
    carried: tuple[str, ...] = ()  # form values copied onto each table row in the ledger
    application_type: str | None = None  # 创建 / 完善: an application, with its task breakdown
    rules: tuple[str, ...] = ()  # cross-file rules (validate.rules.LINKED_RULES) run against the application
    series_rules: tuple[str, ...] = ()  # rules over a branch's accepted reports (validate.rules.SERIES_RULES)
    per_branch_template: bool = False  # `pipeline templates` writes one pre-filled copy per branch
    prefill_fields: tuple[str, ...] = ()  # fields that copy copies from the branch's accepted application
    prefill_tasks: str | None = None  # the table that copy lists the accepted application's tasks in
    schema: str = ""  # the module under schemas/ with the kind's own checks
    aliases: tuple[str, ...] = ()  # other title words branches write (季汇报表)
    in_ledger: bool = True  # its tables are sheets of 汇总台账 (the committee's decisions and register are kept apart)
    # The committee's standing register from earlier campaigns: a row whose branch has left the roster is
    # kept (警告, not 错误), and this year's applications are checked against its 有效 brands.
    standing: bool = False
    attachment: str = ""  # the notice's 附件 number, printed above the Word form's title
    word_template: bool = False  # `pipeline templates` also writes it as a Word form (the notice's 附件)

    @property
    def keywords(self) -> tuple[str, ...]:
        """Title words that identify the kind: its title, and what branches also write (季汇报表)."""
        return (self.title, *self.aliases)

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(f.label for f in self.fields)

    def field(self, label: str) -> FieldSpec:
        return next(f for f in self.fields if f.label == label)

    @property
    def is_application(self) -> bool:
        return self.application_type is not None

    @property
    def supersede_group(self) -> str:
        return self.group or self.key

    @property
    def own_sheets(self) -> frozenset[str]:
        """The sheet names of the kind's template, which identify it when a file has no title."""
        return frozenset({self.sheet} if self.sheet else ()) | {t.sheet for t in self.tables}


def F(label: str, type_: str = "text", required: bool = False, **kw: object) -> FieldSpec:  # noqa: N802
    """A field, short enough that each kind's table below reads like the paper form."""
    return FieldSpec(label, type_, required, **kw)  # type: ignore[arg-type]


BRANCH_FIELDS = (F("支部名称", required=True), F("支部编码", "code"))

ROSTER = FormKind(
    "roster", "支部名册", None, (),
    (TableSpec("支部名册", "支部名册", "", (
        F("支部编码", "code", True), F("支部名称", required=True),
        F("支部类型", "enum", True, options=("支部", "联合支部", "总支")),
        F("所在单位", required=True), F("上级组织"), F("支部书记"), F("联系人"), F("联系电话", "phone"),
        F("党员人数", "int"), F("成立日期", "date"), F("撤销日期", "date"), F("别名"),
    ), min_rows=1),),
    None, filled_by=COMMITTEE, master=True, supersedes=NEVER, schema="roster",
)

TASKS = TableSpec("任务分解", "任务分解表", "任务分解表", (
    F("序号", "int", True), F("任务内容", required=True), F("承办人", required=True),
    F("完成时限", "due", True), F("进度要求"),
), min_rows=1)

_APPLICATION_COMMON = (
    *BRANCH_FIELDS, F("所在单位"), F("支部书记", required=True), F("联系人", required=True),
    F("联系电话", "phone", True), F("党员人数", "int", True), F("品牌名称", required=True),
    F("品牌释义", required=True), F("目标要求", required=True), F("创建内容", required=True),
    F("方式方法", required=True), F("保障措施", required=True), F("工作步骤", required=True),
)

_APPLICATION: dict[str, Any] = {"group": "application", "ledger_sheet": "申报", "per_branch_template": True,
                                "word_template": True, "schema": "application"}

APPLY_CREATE = FormKind(
    "apply_create", "品牌创建申报表", "申报表",
    (*_APPLICATION_COMMON, F("填报日期", "date", True)),
    (TASKS,), "填报日期", **_APPLICATION, application_type="创建", attachment="附件2",
)

APPLY_IMPROVE = FormKind(
    "apply_improve", "品牌完善申报表", "申报表",
    (*_APPLICATION_COMMON, F("已有基础", required=True), F("完善重点", required=True),
     F("填报日期", "date", True)),
    (TASKS,), "填报日期", **_APPLICATION, application_type="完善", attachment="附件1",
)

MONTHLY = FormKind(
    "monthly", "月检查表", "月检查表",
    (*BRANCH_FIELDS, F("检查月份", "month", True), F("填报人", required=True),
     F("填报日期", "date", True), F("本月小结", required=True), F("存在问题"), F("下月计划")),
    (
        TableSpec("活动记录", "活动记录", "一、本月活动开展情况", (
            F("活动日期", "date", True), F("活动名称", required=True), F("参与人数", "int", True),
            F("活动载体"), F("活动地点"),
        )),
        TableSpec("任务进度", "任务进度", "二、任务推进情况", (
            F("任务序号", "int", True),
            F("进展状态", "enum", True, options=("未开始", "进行中", "已完成", "已延期")),
            F("完成比例", "percent", True), F("说明"),
        )),
    ),
    "填报日期", "检查月份", periods=MONTHS, report_type="月检查", dated_rows=("活动记录", "活动日期"),
    ledger_sheet="月检查", carried=("检查月份",), rules=("progress",), series_rules=("falling_progress",),
    per_branch_template=True, prefill_tasks="任务进度", schema="monthly",
    aliases=("月度检查表", "月检查情况表"),
)

QUARTERLY = FormKind(
    "quarterly", "季度汇报表", "季度汇报表",
    (*BRANCH_FIELDS, F("季度", "quarter", True), F("填报人", required=True),
     F("填报日期", "date", True), F("工作进展", required=True), F("取得成效", required=True),
     F("群众满意度", "percent"), F("存在问题"), F("下季度打算")),
    (TableSpec("宣传报道", "宣传报道", "宣传报道情况", (
        F("发布日期", "date", True),
        F("渠道", "enum", True, options=("网站", "报刊", "宣传栏", "微信公众号", "其他")),
        F("标题", required=True), F("发布媒体"),
    )),),
    "填报日期", "季度", periods=QUARTERS, report_type="季度汇报", dated_rows=("宣传报道", "发布日期"),
    ledger_sheet="季度汇报", carried=("季度",), per_branch_template=True, schema="quarterly",
    aliases=("季汇报表", "季度汇报"),
)

RECOGNITION = FormKind(
    "recognition", "认定申请表", "认定申请表",
    (*BRANCH_FIELDS, F("品牌名称", required=True), F("申请日期", "date", True),
     F("创建成效", required=True), F("示范作用"), F("佐证材料")),
    (), "申请日期", ledger_sheet="认定申请", rules=("recognition",), per_branch_template=True,
    prefill_fields=("品牌名称",), word_template=True, schema="recognition",
    aliases=("认定申请",),
)

INSPECTION = FormKind(
    "inspection", "督查记录表", None, (),
    (TableSpec("督查记录", "督查记录", "", (
        F("督查日期", "date", True), F("支部名称", required=True),
        F("督查方式", "enum", True, options=("定期", "不定期")), F("督查人", required=True),
        F("发现问题"), F("整改要求"), F("整改情况", "enum", options=("已整改", "整改中", "未整改")),
        F("评分", "number", True, maximum=10),
    ), min_rows=1),),
    None, filled_by=COMMITTEE, supersedes=NEVER, branch_per_row=True, row_date="督查日期", schema="inspection",
    aliases=("督查记录", "督查情况记录表"),
)


# The committee's decision after 审核验收 (SPEC §12): one row per branch, several files supersede by 验收日期.
ACCEPTANCE = FormKind(
    "acceptance", "审核验收表", None, (),
    (TableSpec("审核验收", "审核验收", "", (
        F("支部编码", "code", True), F("支部名称", required=True),
        F("验收结论", "enum", True, options=("通过", "不通过", "暂缓")), F("验收日期", "date", True),
        F("审核人", required=True), F("审核意见"),
    ), min_rows=1, unfilled_when_empty=("验收结论", "验收日期", "审核人", "审核意见")),),
    None, filled_by=COMMITTEE, supersedes=BY_ROW, branch_per_row=True, row_date="验收日期", in_ledger=False,
    schema="acceptance",
)

# The register of recognised brands (两年一次认定), carried from campaign to campaign (SPEC §12).
# 到期 is what the pipeline itself writes for an expired row, so its own register reads back.
REGISTER = FormKind(
    "register", "品牌认定名册", None, (),
    (TableSpec("品牌认定名册", "品牌认定名册", "", (
        F("认定编号", required=True), F("支部编码", "code", True), F("支部名称"), F("品牌名称", required=True),
        F("认定年度", "int", True), F("有效期至", "date", True),
        F("状态", "enum", options=("有效", "到期", "已撤销")), F("备注"),
    )),),
    None, filled_by=COMMITTEE, supersedes=NEVER, branch_per_row=True, in_ledger=False, standing=True,
    schema="register",
)


def review_kind(campaign: Campaign) -> FormKind:
    """The review sheet has one score column per rubric item whose source is `review`."""
    scores = tuple(F(r.item, "number", False, maximum=r.max) for r in campaign.review_items)
    return FormKind(
        "review", "评审评分表", "评分",
        (F("评审人", required=True), F("评审日期", "date", True)),
        (TableSpec("评审评分", "评分", "", (F("支部名称", required=True), F("支部编码", "code"),
                                         *scores, F("备注")), min_rows=1),),
        "评审日期", filled_by=COMMITTEE, supersedes=BY_SIGNER, signer="评审人", branch_per_row=True,
        carried=("评审人", "评审日期"), schema="review", aliases=("评审打分表", "评审评分"),
    )


# Every kind whose description does not depend on the campaign, in the order titles are tried.
FIXED_KINDS = (ROSTER, APPLY_CREATE, APPLY_IMPROVE, MONTHLY, QUARTERLY, RECOGNITION, INSPECTION, ACCEPTANCE,
               REGISTER)
PERIODIC_KINDS = tuple(k for k in FIXED_KINDS if k.periods)


def form_kinds(campaign: Campaign) -> tuple[FormKind, ...]:
    """Every kind, in the order titles are tried (longer, more specific titles first)."""
    return (*FIXED_KINDS, review_kind(campaign))


# ---- label normalisation (SPEC §3) -----------------------------------------------------------

_NOTE = re.compile(r"[（(][^（）()]*[)）]$")


@cache
def normalise_label(text: str) -> str:
    """NFKC, no whitespace, no colons or required-markers, no trailing parenthesised note."""
    s = unicodedata.normalize("NFKC", text)
    s = re.sub(r"[\s:：*＊]", "", s)
    return _NOTE.sub("", s)


# What branches write instead of the template's label; matched after normalisation.
LABEL_ALIASES = {
    "填表日期": "填报日期", "报送日期": "填报日期", "联系方式": "联系电话", "电话": "联系电话",
    "党支部名称": "支部名称", "支部全称": "支部名称", "党组织名称": "支部名称", "党员数": "党员人数",
    "品牌项目名称": "品牌名称", "检查月度": "检查月份", "月份": "检查月份", "汇报季度": "季度",
}


@cache
def canonical_label(text: str) -> str:
    """The template label a cell's text stands for (normalised, aliases resolved)."""
    label = normalise_label(text)
    return LABEL_ALIASES.get(label, label)
