"""Issues are data: every check returns a list of them (SPEC §4)."""

# natural_key (file names with numbers compared as numbers) lives in pipeline.names; re-exported here.

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.names import natural_key

ERROR = "错误"
WARNING = "警告"


@dataclass(frozen=True)
class Issue:
    code: str  # stable, kebab-case
    severity: str  # 错误 / 警告
    file: str  # path relative to inbox/
    sheet: str
    cell: str  # A1 reference, empty when the problem concerns the whole file
    field: str
    value: str
    message: str  # Chinese
    fix: str  # Chinese
    branch: str = ""  # roster name when matched, else the name as written

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    message: str  # may use {field} {value} and rule-specific names
    fix: str
    brief: str = "“{field}”有误"  # the problem in a few words, when another issue names it as its cause

    def issue(self, file: str, sheet: str, cell: str, field: str, value: object = "", /, **kw: object) -> Issue:
        text = "" if value is None else str(value)
        names = {"field": field, "value": text, **kw}
        return Issue(self.code, self.severity, file, sheet, cell, field, text,
                     self.message.format(**names), self.fix.format(**names))


def _r(code: str, severity: str, message: str, fix: str, brief: str = "") -> Rule:
    return Rule(code, severity, message, fix, brief or "“{field}”有误")


RULES: dict[str, Rule] = {r.code: r for r in (
    _r("required-missing", ERROR, "必填项“{field}”未填写", "请填写“{field}”后重新报送", "缺{field}"),
    _r("field-missing", ERROR, "表中找不到“{field}”一栏", "请使用局党工委下发的模板，保留“{field}”一栏",
       "缺“{field}”一栏"),
    _r("table-missing", ERROR, "表中找不到“{field}”表格", "请按模板填写“{field}”表格（表头须包含：{columns}）",
       "缺{field}表"),
    _r("table-empty", ERROR, "“{field}”表格没有填写内容", "请至少填写一行“{field}”", "{field}表未填写"),
    _r("unparseable", ERROR, "{detail}", "请按提示改正“{field}”后重新报送"),
    _r("parse-warning", WARNING, "{detail}", "请核对“{field}”"),
    _r("not-in-options", ERROR, "“{field}”填写为“{value}”，不是可选项", "请从以下选项中选择：{options}"),
    _r("out-of-range", ERROR, "“{field}”的值“{value}”超出范围", "应在 {low} 至 {high} 之间"),
    _r("too-few-members", WARNING, "党员人数为 {value} 人，不足 3 名正式党员",
       "按规定正式党员 3 人以上方可成立支部，请核实"),
    _r("bad-phone", WARNING, "联系电话“{value}”格式不对", "请填写 11 位手机号或带区号的固定电话"),
    _r("brand-name-too-long", WARNING, "品牌名称“{value}”共 {length} 个字，超过 10 个字",
       "实施意见要求尽量用 10 个字以内的短语概括品牌名称，请精炼"),
    _r("too-brief", WARNING, "“{field}”内容过于简略", "请具体填写“{field}”，不少于 10 个字，不要只写“无”“略”“见附件”"),
    _r("assignee-not-person", WARNING, "承办人填写为“{value}”，责任未落实到具体承办人",
       "请把每项任务落实到具体承办人（填写姓名）"),
    _r("due-outside-campaign", WARNING, "完成时限“{value}”不在本年度活动期间内", "请把完成时限定在 {start} 至 {end} 之间"),
    _r("late-application", WARNING, "填报日期 {value} 晚于申报截止日 {deadline}，属逾期申报",
       "逾期申报仍予受理，但创建方案评分将扣分"),
    _r("early-application", WARNING, "填报日期 {value} 早于申报开始日 {start}", "请核对填报日期"),
    _r("period-not-configured", ERROR, "“{field}”为 {value}，不在本年度报送期间内", "本年度报送期间为 {periods}，请改正"),
    _r("period-outside-campaign", ERROR, "“{field}”为 {value}，不在本年度报送期间（{first} 至 {last}）内",
       "{value} 不在报送期间（{first} 至 {last}），本表无需报送；如{unit}填错，请改正后重报"),
    _r("date-outside-period", WARNING, "“{field}” {value} 不在 {period} 内", "请核对日期，或把该条记录报在对应期间的表中"),
    _r("unknown-task", ERROR, "任务序号 {value} 在本支部的任务分解表中不存在",
       "请对照已受理的任务分解表填写任务序号（现有序号：{known}）"),
    _r("unknown-task-no-application", WARNING, "{cause}，本表任务进度 {value} 暂无法核对",
       "{advice}，受理后再据此核对本表的任务序号"),
    _r("done-below-100", WARNING, "进展状态为“已完成”，但完成比例只有 {value}", "请核对：已完成的任务完成比例应为 100%"),
    _r("progress-falling", WARNING, "任务 {task} 的完成比例由上月的 {before} 降为 {value}",
       "完成比例一般不应下降，请核对"),
    _r("recognition-without-application", ERROR, "{cause}，不能申请认定",
       "{advice}，受理后再申请认定"),
    _r("brand-name-differs", WARNING, "品牌名称“{value}”与申报表中的“{expected}”不一致",
       "请与申报表保持一致；如确需更名，请书面说明"),
    _r("date-outside-window", WARNING, "“{field}” {value} 不在{window}（{start} 至 {end}）内", "请核对日期"),
    _r("branch-code-other-branch", ERROR, "支部编码 {code} 是“{expected}”的，但支部名称写的是另一个支部“{other}”",
       "本表可能是另一个支部的材料，或套用了其他支部的表格：请核实是哪个支部的材料，改正支部编码或支部名称后重新报送",
       "支部编码与支部名称不是同一个支部"),
    _r("branch-code-name-mismatch", WARNING, "支部编码 {code} 对应“{expected}”，但支部名称写的是“{value}”",
       "已按支部编码认定为“{expected}”，请核对支部名称"),
    _r("branch-fuzzy-match", WARNING, "支部名称“{value}”与名册不完全一致，已按“{expected}”处理（相似度 {score}）",
       "请按支部名册填写规范全称：{expected}"),
    _r("branch-unknown", ERROR, "支部名称“{value}”在支部名册中找不到", "请按支部名册填写规范全称；{hint}",
       "支部名称在名册中找不到"),
    _r("roster-duplicate", ERROR, "{field}“{value}”在名册中重复", "支部编码和支部名称在名册中都必须唯一"),
    _r("meta-mismatch", WARNING, "{detail}", "请核对"),
    # ---- the register of recognised brands (SPEC §12) ----
    _r("registered-brand-create", WARNING,
       "已有认定品牌，应申报品牌完善：本支部的“{registered}”已于 {year} 年通过认定（认定编号 {number}，有效期至 {until}）",
       "请改用品牌完善申报表（附件1）报送；如确需创建新品牌，请书面说明"),
    _r("registered-brand-differs", WARNING,
       "品牌名称“{value}”与品牌认定名册中本支部的有效认定品牌“{registered}”（认定编号 {number}）不一致",
       "请与已认定的品牌名称保持一致；如确需更名，请书面说明"),
    _r("register-branch-not-on-roster", WARNING, "品牌认定名册中的“{value}”（支部编码 {code}）不在支部名册中",
       "该条认定记录已保留并标为已撤销；如支部更名或调整了编码，请改正品牌认定名册"),
    _r("register-number-duplicate", WARNING, "认定编号 {value} 在品牌认定名册中重复", "同一编号只保留最先的一条，请核对名册"),
    _r("acceptance-ineligible", WARNING, "验收结论为“通过”，但该支部不符合表彰条件：{reasons}",
       "已按局党工委的验收结论记入品牌认定名册；如结论填写有误，请改正后重新放入收件箱"),
    _r("acceptance-not-recorded", WARNING, "验收结论为“通过”，但{reason}，未记入品牌认定名册", "请核对该支部的验收结论"),
    _r("file-unreadable", ERROR, "收到的文件《{name}》{detail}，{advice}", "{advice}", "文件无法打开"),
)}


def issue(code: str, file: str, sheet: str, cell: str, field: str, value: object = "", /, **kw: object) -> Issue:
    """Build an issue from the catalogue; the catalogue keeps codes, severities and wording in one place."""
    return RULES[code].issue(file, sheet, cell, field, value, **kw)


def brief(i: Issue) -> str:
    """The problem in a few words (缺联系电话), for an issue that names this one as its cause."""
    rule = RULES.get(i.code)
    template = rule.brief if rule else "“{field}”有误"
    if "{field}" in template and not i.field:
        return "内容有误"
    return template.format(field=i.field, value=i.value)


def position_key(cell: str) -> tuple[int, ...]:
    """Natural order of positions: by row, then column (A2 before B2 before A10); a Word position
    `表格2 第3行第2列` by table, row, column. A whole-file issue (no cell) comes first."""
    if m := _A1.fullmatch(cell.replace("$", "")):
        col = 0
        for ch in m[1].upper():
            col = col * 26 + ord(ch) - 64
        return (0, int(m[2]), col)
    numbers = tuple(int(n) for n in re.findall(r"\d+", cell))
    return (1, *numbers) if cell else ()


_A1 = re.compile(r"([A-Za-z]{1,3})(\d+)")
def issue_order(i: Issue) -> tuple[object, ...]:
    """错误 before 警告, then by file, sheet and position in the sheet (numbers in names as numbers)."""
    return (not i.is_error, natural_key(i.file), i.file, i.sheet, position_key(i.cell), i.field, i.code)
