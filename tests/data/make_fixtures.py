"""Regenerate the reader's fixture files in tests/data/ (used by tests/test_reader.py).

Run by hand from the repository root, then commit what it writes:

    .venv/bin/python tests/data/make_fixtures.py

It needs LibreOffice (`soffice`) for the .xls/.ods copies; CI never runs it, the tests only read the
committed files. What it writes (every file small, a few rows each):

- template_<kind>.xlsx / .xls / .ods -- each kind written by the project's own template writer
  (pipeline.write.forms.write_form) with realistic values; .xls and .ods converted by LibreOffice,
  which keeps the hidden `_meta` sheet;
- nometa_<kind>.xlsx / .xls / .ods -- the same with `_meta` deleted (openpyxl), so the kind must be
  told from the title (monthly, inspection);
- drift_*.xlsx -- hand-made with openpyxl, no `_meta`, the way clerks really fill forms (SPEC §3):
  a_shifted (blank rows above, shifted right), b_labels (label spelling), c_merged (merged labels and
  values), d_tables_on_form (reordered columns, an extra column, tables under captions on the form
  sheet), e_values_* (text dates, months, quarters, percents, counts in every accepted style),
  f_inspection_merged (a branch name merged down two rows; also converted to .xls and .ods),
  g_sheet_names (Sheet1/Sheet2 instead of the template's sheet names);
- bad files for the manifest: bad_encrypted.xlsx (password 1234), bad_truncated.xlsx (60 % of a valid
  file), bad_empty.xlsx (0 bytes), ~$lock.xlsx (an Excel owner file), bad_readme.txt,
  bad_unrelated.xlsx (a canteen form), bad_blank.xlsx (no content), bad_notice.docx (a Word-like zip),
  xls_renamed.xlsx (an .xls saved under .xlsx: still readable, the format is told by content).

Everything but the .ods files (LibreOffice orders their styles differently each run) and the encrypted
file (random salt) is byte-identical from run to run: workbook and zip timestamps are fixed.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import openpyxl
from msoffcrypto.format.ooxml import OOXMLFile
from openpyxl.worksheet.worksheet import Worksheet

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from factory import CREATED, LONG, branch, campaign  # noqa: E402

from pipeline.forms import (  # noqa: E402
    APPLY_CREATE,
    APPLY_IMPROVE,
    INSPECTION,
    MONTHLY,
    QUARTERLY,
    RECOGNITION,
    ROSTER,
    FormKind,
    review_kind,
)
from pipeline.write.forms import write_form  # noqa: E402

D = dt.date
STAMP = (2014, 12, 1, 0, 0, 0)  # zip entry time of every openpyxl-made file
NAME, CODE = "江宁区实验小学党支部", "JN001"
NAME2, CODE2 = "江宁区东山中学党总支", "JN002"
NAME3, CODE3 = "江宁区秣陵幼儿园联合党支部", "JN003"
BRAND = "红烛先锋"
SUMMARY = "本月组织党员开展主题党日和示范课展示，党员带头上好每一节课，结对帮扶学困生十二名，群众反响良好。"


# ---- the template-layout forms -----------------------------------------------------------------

def template_forms() -> dict[str, tuple[FormKind, dict[str, object], dict[str, list[dict[str, object]]], str]]:
    """kind key -> (kind, values, tables, note): what each template fixture holds."""
    roster = [
        branch(CODE, NAME, 别名="实验小学支部;实小党支部"),
        branch(CODE2, NAME2, 支部类型="总支", 党员人数=46, 成立日期=D(2003, 3, 15), 联系电话="025-52101234",
               支部书记="周海燕", 联系人="孙立"),
        branch(CODE3, NAME3, 支部类型="联合支部", 党员人数=7, 成立日期=D(2014, 4, 10), 联系电话="13851234567",
               上级组织="江宁区教育局党工委", 支部书记="吴敏", 联系人="吴敏"),
    ]
    application = {"支部名称": NAME, "支部编码": CODE, "所在单位": "江宁区实验小学", "支部书记": "王建国",
                   "联系人": "李红", "联系电话": "13912345678", "党员人数": 23, "品牌名称": BRAND,
                   "品牌释义": LONG, "目标要求": LONG, "创建内容": LONG, "方式方法": LONG, "保障措施": LONG,
                   "工作步骤": LONG, "填报日期": D(2014, 4, 15)}
    tasks = [
        {"序号": 1, "任务内容": "制定品牌创建方案，召开支部大会讨论通过", "承办人": "王建国", "完成时限": "2014-05",
         "进度要求": "5月底前完成"},
        {"序号": 2, "任务内容": "每月开展一次红烛讲堂主题党日活动", "承办人": "李红", "完成时限": D(2014, 11, 30),
         "进度要求": "按月推进"},
        {"序号": 3, "任务内容": "组织党员示范课展示和结对帮扶", "承办人": "张敏", "完成时限": "2014-10",
         "进度要求": "每学期两次"},
    ]
    improve = {**application, "支部名称": NAME2, "支部编码": CODE2, "所在单位": "江宁区东山中学",
               "支部书记": "周海燕", "联系人": "孙立", "联系电话": "025-52101234", "党员人数": 46,
               "品牌名称": "东山先锋岗", "已有基础": LONG, "完善重点": LONG, "填报日期": D(2014, 4, 18)}
    monthly = {"支部名称": NAME, "支部编码": CODE, "检查月份": "2014-06", "填报人": "李红",
               "填报日期": D(2014, 7, 3), "本月小结": SUMMARY, "存在问题": "个别党员参与活动不够积极",
               "下月计划": "组织暑期党员志愿服务"}
    activities = [
        {"活动日期": D(2014, 6, 12), "活动名称": "主题党日：重温入党誓词", "参与人数": 18, "活动载体": "红烛讲堂",
         "活动地点": "学校会议室"},
        {"活动日期": D(2014, 6, 26), "活动名称": "党员示范课展示", "参与人数": 12, "活动载体": "示范课",
         "活动地点": "三楼录播教室"},
    ]
    progress = [
        {"任务序号": 1, "进展状态": "已完成", "完成比例": 1.0, "说明": "方案已通过"},
        {"任务序号": 2, "进展状态": "进行中", "完成比例": 0.6, "说明": ""},
    ]
    quarterly = {"支部名称": NAME, "支部编码": CODE, "季度": "2014Q2", "填报人": "李红", "填报日期": D(2014, 7, 8),
                 "工作进展": LONG, "取得成效": LONG, "群众满意度": 0.95, "存在问题": "宣传力度不够",
                 "下季度打算": "开设微信公众号专栏"}
    posts = [
        {"发布日期": D(2014, 5, 20), "渠道": "微信公众号", "标题": "实验小学开展红烛先锋主题党日",
         "发布媒体": "江宁教育"},
        {"发布日期": D(2014, 6, 18), "渠道": "网站", "标题": "党员示范课走进课堂", "发布媒体": "江宁区教育局网站"},
    ]
    recognition = {"支部名称": NAME, "支部编码": CODE, "品牌名称": BRAND, "申请日期": D(2014, 11, 18),
                   "创建成效": LONG, "示范作用": "在全区教育系统党建工作会上作交流发言",
                   "佐证材料": "活动照片、新闻报道"}
    inspections = [
        {"督查日期": D(2014, 6, 17), "支部名称": NAME, "督查方式": "定期", "督查人": "张伟、陈静",
         "发现问题": "活动台账不全", "整改要求": "一周内补齐台账", "整改情况": "已整改", "评分": 8.5},
        {"督查日期": D(2014, 9, 24), "支部名称": NAME2, "督查方式": "不定期", "督查人": "张伟", "评分": 9},
        {"督查日期": D(2014, 10, 15), "支部名称": NAME3, "督查方式": "定期", "督查人": "陈静",
         "发现问题": "活动记录过于简单", "整改要求": "完善活动记录", "整改情况": "整改中", "评分": 7},
    ]
    review = review_kind(campaign())
    scores = [
        {"支部名称": NAME, "支部编码": CODE, "创建载体": 8.5, "创建内容": 13, "创建措施": 9, "备注": ""},
        {"支部名称": NAME2, "支部编码": CODE2, "创建载体": 7, "创建内容": 12.5, "创建措施": 8, "备注": "材料较全"},
    ]
    return {
        "roster": (ROSTER, {}, {"支部名册": roster}, "请勿修改表头；每个支部填写一行"),
        "apply_create": (APPLY_CREATE, application, {"任务分解": tasks}, ""),
        "apply_improve": (APPLY_IMPROVE, improve, {"任务分解": tasks}, ""),
        "monthly": (MONTHLY, monthly, {"活动记录": activities, "任务进度": progress}, ""),
        "quarterly": (QUARTERLY, quarterly, {"宣传报道": posts}, ""),
        "recognition": (RECOGNITION, recognition, {}, ""),
        "inspection": (INSPECTION, {}, {"督查记录": inspections}, "督查后当日录入"),
        "review": (review, {"评审人": "王志强", "评审日期": D(2014, 12, 16)}, {"评审评分": scores}, ""),
    }


def template_bytes(key: str) -> bytes:
    kind, values, tables, note = template_forms()[key]
    out = io.BytesIO()
    write_form(out, kind, values, tables, created=CREATED, note=note)
    return out.getvalue()


# ---- deterministic openpyxl output -------------------------------------------------------------

def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed entry times and fixed document timestamps."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>2014-12-01T00:00:00Z", body)
            dst.writestr(zipfile.ZipInfo(info.filename, STAMP), body, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def save(wb: openpyxl.Workbook, path: Path) -> None:
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_fixed_zip(buf.getvalue()))


def put(ws: Worksheet, top: int, left: int, rows: list[list[object]]) -> None:
    """Write rows of values with their first cell at (top, left), 1-based; None leaves a cell empty."""
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                ws.cell(top + r, left + c, value)


def new_book(*names: str) -> tuple[openpyxl.Workbook, list[Worksheet]]:
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = names[0]
    return wb, [first, *(wb.create_sheet(n) for n in names[1:])]


# ---- drifted forms (hand-made, no _meta) -------------------------------------------------------

def drift_a_shifted(path: Path) -> None:
    """Monthly check: three blank rows above everything, every block two columns to the right."""
    wb, (form, acts, prog) = new_book("月检查表", "活动记录", "任务进度")
    put(form, 4, 3, [
        ["“一支部一品牌”月检查表"],
        ["支部名称", NAME], ["支部编码", CODE], ["检查月份", "2014-06"], ["填报人", "李红"],
        ["填报日期", D(2014, 7, 3)], ["本月小结", SUMMARY], ["存在问题", "无"], ["下月计划", "组织暑期志愿服务"],
    ])
    form.cell(9, 4).number_format = "yyyy-mm-dd"
    put(acts, 4, 3, [
        ["一、本月活动开展情况"],
        ["活动日期", "活动名称", "参与人数", "活动载体", "活动地点"],
        [D(2014, 6, 12), "主题党日：重温入党誓词", 18, "红烛讲堂", "学校会议室"],
        [D(2014, 6, 26), "党员示范课展示", 12, "示范课", "三楼录播教室"],
    ])
    put(prog, 4, 3, [
        ["二、任务推进情况"],
        ["任务序号", "进展状态", "完成比例", "说明"],
        [1, "已完成", 1, "方案已通过"],
        [2, "进行中", 0.6, None],
    ])
    save(wb, path)


def drift_b_labels(path: Path) -> None:
    """Create application: labels with colons, spaces, line breaks, */＊ markers and trailing notes."""
    wb, (form, tasks) = new_book("申报表", "任务分解表")
    put(form, 1, 1, [
        ["“一支部一品牌”品牌创建申报表（附件2）"],
        ["支部名称：", NAME], ["支部编码:", CODE], ["所在　单位", "江宁区实验小学"], ["＊支部书记", "王建国"],
        ["*联系人：", "李红"], ["联系电话（手机）", "13912345678"], ["党员人数(人)*", 23],
        ["品牌名称（10字以内）", BRAND], ["品牌\n释义＊", LONG], ["目标 要求", LONG], ["创建内容：", LONG],
        ["方式方法（可附页）", LONG], ["保障措施 ＊", LONG], ["＊工作步骤：", LONG], ["填报日期 ：", D(2014, 4, 15)],
    ])
    form.cell(16, 2).number_format = "yyyy-mm-dd"
    put(tasks, 1, 1, [
        ["任务分解表"],
        ["序 号", "任务内容*", "承办人＊", "完成时限\n（年月）", "进度要求："],
        [1, "制定品牌创建方案，召开支部大会讨论通过", "王建国", "2014-05", "5月底前完成"],
        [2, "每月开展一次红烛讲堂主题党日活动", "李红", "2014-11", "按月推进"],
    ])
    save(wb, path)


def drift_c_merged(path: Path) -> None:
    """Quarterly report: labels merged over two cells, values merged across six, a merged table column."""
    wb, (form, posts) = new_book("季度汇报表", "宣传报道")
    form.merge_cells("A1:H1")
    form["A1"] = "“一支部一品牌”季度汇报表"
    fields: list[tuple[str, object]] = [
        ("支部名称", NAME), ("支部编码", CODE), ("季度", "2014Q2"), ("填报人", "李红"),
        ("填报日期", D(2014, 7, 8)), ("工作进展", LONG), ("取得成效", LONG), ("群众满意度", 0.95),
        ("存在问题", "宣传力度不够"), ("下季度打算", "开设微信公众号专栏"),
    ]
    row = 2
    for label, value in fields:
        tall = label == "工作进展"  # one label and value merged down two rows as well
        last = row + 1 if tall else row
        form.merge_cells(f"A{row}:B{last}")
        form.merge_cells(f"C{row}:H{last}")
        form.cell(row, 1, label)
        form.cell(row, 3, value)
        if isinstance(value, D):
            form.cell(row, 3).number_format = "yyyy-mm-dd"
        if label == "群众满意度":
            form.cell(row, 3).number_format = "0%"
        row = last + 1
    posts.merge_cells("A1:E1")
    posts["A1"] = "宣传报道情况"
    put(posts, 2, 1, [["发布日期", "渠道", "标题", None, "发布媒体"]])
    posts.merge_cells("C2:D2")
    for r, (day, channel, title, media) in enumerate([
        (D(2014, 5, 20), "微信公众号", "实验小学开展红烛先锋主题党日", "江宁教育"),
        (D(2014, 6, 18), "网站", "党员示范课走进课堂", "江宁区教育局网站"),
    ], start=3):
        put(posts, r, 1, [[day, channel, title, None, media]])
        posts.cell(r, 1).number_format = "yyyy-mm-dd"
        posts.merge_cells(f"C{r}:D{r}")
    save(wb, path)


def drift_d_tables_on_form(path: Path) -> None:
    """Monthly check: both tables on the form sheet under captions, columns reordered, an extra column."""
    wb, (form,) = new_book("月检查表")
    put(form, 1, 1, [
        ["“一支部一品牌”月检查表"],
        ["支部名称", NAME], ["支部编码", CODE], ["检查月份", "2014-06"], ["填报人", "李红"],
        ["填报日期", D(2014, 7, 3)], ["本月小结", SUMMARY], ["存在问题", None], ["下月计划", "组织暑期志愿服务"],
        [],
        ["一、本月活动开展情况"],
        ["活动名称", "活动日期", "活动地点", "参与人数", "备注2", "活动载体"],
        ["主题党日：重温入党誓词", D(2014, 6, 12), "学校会议室", 18, "邀请退休党员参加", "红烛讲堂"],
        ["党员示范课展示", D(2014, 6, 26), "三楼录播教室", 12, None, "示范课"],
        [],
        ["二、任务推进情况"],
        ["说明", "完成比例", "进展状态", "任务序号"],
        ["方案已通过", 1, "已完成", 1],
        [None, 0.6, "进行中", 2],
    ])
    for ref in ("B6", "B13", "B14"):
        form[ref].number_format = "yyyy-mm-dd"
    save(wb, path)


def drift_e_values_monthly(path: Path) -> None:
    """Monthly check: text dates in every accepted style, 五月, 35人, 80% / 0.8 / a number."""
    wb, (form, acts, prog) = new_book("月检查表", "活动记录", "任务进度")
    put(form, 1, 1, [
        ["“一支部一品牌”月检查表"],
        ["支部名称", NAME], ["支部编码", CODE], ["检查月份", "五月"], ["填报人", "李红"],
        ["填报日期", "2014年6月3日"], ["本月小结", SUMMARY],
    ])
    put(acts, 1, 1, [
        ["活动记录"],
        ["活动日期", "活动名称", "参与人数", "活动载体", "活动地点"],
        ["2014年5月3日", "主题党日：重温入党誓词", "35人", "红烛讲堂", "学校会议室"],
        ["2014.5.13", "党员示范课展示", "12", "示范课", "三楼录播教室"],
        ["20140520", "结对帮扶学困生", 20, "结对帮扶", "各班教室"],
        ["２０１４-０５-２８", "师德师风专题学习", "２８人", "红烛讲堂", "学校会议室"],
    ])
    put(prog, 1, 1, [
        ["任务进度"],
        ["任务序号", "进展状态", "完成比例", "说明"],
        [1, "已完成", "100%", None],
        [2, "进行中", "80%", None],
        [3, "进行中", "0.8", None],
        ["4", "未开始", 0, None],
    ])
    save(wb, path)


def drift_e_values_month_ym(path: Path) -> None:
    """Monthly check: 检查月份 as 2014年5月, 填报日期 typed as the number 20140603."""
    wb, (form, acts) = new_book("月检查表", "活动记录")
    put(form, 1, 1, [
        ["“一支部一品牌”月检查表"],
        ["支部名称", NAME], ["支部编码", CODE], ["检查月份", "2014年5月"], ["填报人", "李红"],
        ["填报日期", 20140603], ["本月小结", SUMMARY],
    ])
    put(acts, 1, 1, [
        ["活动记录"],
        ["活动日期", "活动名称", "参与人数"],
        ["2014.5.3", "主题党日：重温入党誓词", "35人"],
    ])
    save(wb, path)


def drift_e_values_quarterly(path: Path) -> None:
    """Quarterly report: 二季度, full-width date, 80% as text, text dates in the table."""
    wb, (form, posts) = new_book("季度汇报表", "宣传报道")
    put(form, 1, 1, [
        ["“一支部一品牌”季度汇报表"],
        ["支部名称", NAME], ["支部编码", CODE], ["季度", "二季度"], ["填报人", "李红"],
        ["填报日期", "２０１４-０７-０８"], ["工作进展", LONG], ["取得成效", LONG], ["群众满意度", "80%"],
    ])
    put(posts, 1, 1, [
        ["宣传报道情况"],
        ["发布日期", "渠道", "标题", "发布媒体"],
        ["2014.5.3", "微信公众号", "实验小学开展红烛先锋主题党日", "江宁教育"],
        ["2014年6月10日", "报刊", "党员示范课走进课堂", "江宁报"],
        ["20140625", "宣传栏", "六月党员风采", None],
    ])
    save(wb, path)


def drift_f_inspection_merged(path: Path) -> None:
    """Inspection records: one branch visited twice, its name merged down two rows."""
    wb, (ws,) = new_book("督查记录")
    ws.merge_cells("A1:H1")
    ws["A1"] = "“一支部一品牌”督查记录表"
    put(ws, 2, 1, [
        ["督查日期", "支部名称", "督查方式", "督查人", "发现问题", "整改要求", "整改情况", "评分"],
        [D(2014, 6, 17), NAME, "定期", "张伟", "活动台账不全", "一周内补齐", "已整改", 8.5],
        [D(2014, 9, 24), None, "不定期", "陈静", None, None, None, 9],
        [D(2014, 10, 15), NAME3, "定期", "陈静", "活动记录过于简单", "完善活动记录", "整改中", 7],
    ])
    ws.merge_cells("B3:B4")
    for r in (3, 4, 5):
        ws.cell(r, 1).number_format = "yyyy-mm-dd"
    save(wb, path)


def drift_g_sheet_names(path: Path) -> None:
    """Improve application on Sheet1, its task table on Sheet2, an empty Sheet3."""
    wb, (form, tasks, _) = new_book("Sheet1", "Sheet2", "Sheet3")
    put(form, 1, 1, [
        ["“一支部一品牌”品牌完善申报表"],
        ["支部名称", NAME2], ["支部编码", CODE2], ["所在单位", "江宁区东山中学"], ["支部书记", "周海燕"],
        ["联系人", "孙立"], ["联系电话", "025-52101234"], ["党员人数", 46], ["品牌名称", "东山先锋岗"],
        ["品牌释义", LONG], ["目标要求", LONG], ["创建内容", LONG], ["方式方法", LONG], ["保障措施", LONG],
        ["工作步骤", LONG], ["已有基础", LONG], ["完善重点", LONG], ["填报日期", D(2014, 4, 18)],
    ])
    form.cell(18, 2).number_format = "yyyy-mm-dd"
    put(tasks, 1, 1, [
        ["序号", "任务内容", "承办人", "完成时限", "进度要求"],
        [1, "梳理先锋岗已有经验，形成工作手册", "周海燕", "2014-06", None],
        [2, "每月评选一名先锋岗示范党员", "孙立", "2014-11", "按月评选"],
    ])
    save(wb, path)


def drift_g_review(path: Path) -> None:
    """Review scores on Sheet1: the form block and the score table on one renamed sheet."""
    wb, (ws,) = new_book("Sheet1")
    put(ws, 1, 1, [
        ["“一支部一品牌”评审评分表"],
        ["评审人", "王志强"], ["评审日期", D(2014, 12, 16)],
        [],
        ["支部名称", "支部编码", "创建载体", "创建内容", "创建措施", "备注"],
        [NAME, CODE, 8.5, 13, 9, None],
        [NAME2, CODE2, 7, 12.5, 8, "材料较全"],
    ])
    ws["B3"].number_format = "yyyy-mm-dd"
    save(wb, path)


# ---- bad files ---------------------------------------------------------------------------------

def unrelated(path: Path) -> None:
    wb, (ws,) = new_book("Sheet1")
    put(ws, 1, 1, [
        ["学校食堂采购登记表"],
        ["日期", "品名", "数量", "单价", "供应商"],
        [D(2014, 6, 3), "大米", 200, 3.2, "江宁粮油公司"],
        [D(2014, 6, 3), "青菜", 50, 2.5, "秣陵蔬菜基地"],
    ])
    save(wb, path)


def blank(path: Path) -> None:
    wb, _ = new_book("Sheet1")
    save(wb, path)


def docx_like(path: Path) -> None:
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns='
        '"http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName='
        '"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns='
        '"http://schemas.openxmlformats.org/package/2006/relationships"/>',
        "word/document.xml": '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w='
        '"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
        "<w:t>关于开展“一支部一品牌”创建活动的通知</w:t></w:r></w:p></w:body></w:document>",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in parts.items():
            zf.writestr(zipfile.ZipInfo(name, STAMP), text.encode("utf-8"), zipfile.ZIP_DEFLATED)
    path.write_bytes(out.getvalue())


def lock_file(path: Path) -> None:
    """What Excel leaves beside an open workbook: the owner's name, 165 bytes."""
    owner = "lihong"
    data = bytes([len(owner)]) + owner.encode("ascii").ljust(53, b" ") + owner.encode("utf-16-le")
    path.write_bytes(data.ljust(165, b"\x20"))


def encrypted(plain: bytes, path: Path) -> None:
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt("1234", out)
    path.write_bytes(out.getvalue())


def without_meta(data: bytes, path: Path) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    del wb["_meta"]
    save(wb, path)


# ---- LibreOffice -------------------------------------------------------------------------------

def convert(files: list[Path], fmt: str) -> None:
    """soffice --headless --convert-to FMT, with a private profile so a running LibreOffice is no bother."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
             "--outdir", str(HERE), *map(str, files)],
            check=True, capture_output=True, timeout=600,
        )
    for f in files:
        if not f.with_suffix(f".{fmt}").is_file():
            raise SystemExit(f"LibreOffice did not write {f.with_suffix('.' + fmt).name}")


def main() -> None:
    if shutil.which("soffice") is None:
        raise SystemExit("make_fixtures.py needs LibreOffice (soffice) on PATH")
    to_convert: list[Path] = []
    for key in template_forms():
        path = HERE / f"template_{key}.xlsx"
        path.write_bytes(template_bytes(key))
        to_convert.append(path)
    for key in ("monthly", "inspection"):
        path = HERE / f"nometa_{key}.xlsx"
        without_meta(template_bytes(key), path)
        to_convert.append(path)
    for make in (drift_a_shifted, drift_b_labels, drift_c_merged, drift_d_tables_on_form, drift_e_values_monthly,
                 drift_e_values_month_ym, drift_e_values_quarterly, drift_f_inspection_merged, drift_g_sheet_names,
                 drift_g_review):
        make(HERE / f"{make.__name__}.xlsx")
    to_convert.append(HERE / "drift_f_inspection_merged.xlsx")
    for fmt in ("xls", "ods"):
        convert(to_convert, fmt)

    monthly = template_bytes("monthly")
    encrypted(monthly, HERE / "bad_encrypted.xlsx")
    (HERE / "bad_truncated.xlsx").write_bytes(monthly[: len(monthly) * 6 // 10])
    (HERE / "bad_empty.xlsx").write_bytes(b"")
    lock_file(HERE / "~$lock.xlsx")
    (HERE / "bad_readme.txt").write_text("各支部：月检查表请于次月5日前报送。\n", encoding="utf-8")
    unrelated(HERE / "bad_unrelated.xlsx")
    blank(HERE / "bad_blank.xlsx")
    docx_like(HERE / "bad_notice.docx")
    shutil.copyfile(HERE / "template_monthly.xls", HERE / "xls_renamed.xlsx")
    for path in sorted(HERE.iterdir()):
        if path.is_file() and path.name != Path(__file__).name:
            print(f"{path.stat().st_size:>8}  {path.name}")


if __name__ == "__main__":
    main()
