"""The reader on committed fixture files (tests/data/, made by tests/data/make_fixtures.py).

Template forms in .xlsx/.xls/.ods, hand-filled forms that drifted from the template, and the bad files a
clerk's inbox really holds. Only committed files are read: no LibreOffice needed here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest
from factory import LONG, campaign

from pipeline.forms import form_kinds
from pipeline.model import IGNORED, UNKNOWN, UNREADABLE, Received
from pipeline.parse.file import read_file
from pipeline.read.blocks import detect_kind, read_form
from pipeline.read.workbook import open_workbook

DATA = Path(__file__).parent / "data"
CAMPAIGN = campaign()
KINDS = form_kinds(CAMPAIGN)
D = dt.date
NAME, CODE = "江宁区实验小学党支部", "JN001"
NAME2, CODE2 = "江宁区东山中学党总支", "JN002"
NAME3 = "江宁区秣陵幼儿园联合党支部"
BRAND = "红烛先锋"
SUMMARY = "本月组织党员开展主题党日和示范课展示，党员带头上好每一节课，结对帮扶学困生十二名，群众反响良好。"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@cache
def read(name: str) -> Received:
    return read_file(name, (DATA / name).read_bytes(), KINDS, CAMPAIGN)


@dataclass(frozen=True)
class Table:
    rows: int
    first_row: int | None  # Excel row of the first data row
    first: dict[str, object] = field(default_factory=dict)  # values of the first row
    columns: dict[str, list[object]] = field(default_factory=dict)  # whole columns


@dataclass(frozen=True)
class Form:
    kind: str
    record: dict[str, object]
    tables: dict[str, Table] = field(default_factory=dict)


# ---- what each readable fixture holds ---------------------------------------------------------

APPLICATION = {"支部名称": NAME, "支部编码": CODE, "所在单位": "江宁区实验小学", "支部书记": "王建国", "联系人": "李红",
               "联系电话": "13912345678", "党员人数": 23, "品牌名称": BRAND, "品牌释义": LONG, "目标要求": LONG,
               "创建内容": LONG, "方式方法": LONG, "保障措施": LONG, "工作步骤": LONG, "填报日期": D(2014, 4, 15)}
IMPROVE = {**APPLICATION, "支部名称": NAME2, "支部编码": CODE2, "所在单位": "江宁区东山中学", "支部书记": "周海燕",
           "联系人": "孙立", "联系电话": "025-52101234", "党员人数": 46, "品牌名称": "东山先锋岗",
           "已有基础": LONG, "完善重点": LONG, "填报日期": D(2014, 4, 18)}
TASKS = Table(3, 3, {"序号": 1, "任务内容": "制定品牌创建方案，召开支部大会讨论通过", "承办人": "王建国",
                     "完成时限": "2014-05"},
              {"序号": [1, 2, 3], "完成时限": ["2014-05", D(2014, 11, 30), "2014-10"]})
MONTHLY = {"支部名称": NAME, "支部编码": CODE, "检查月份": "2014-06", "填报人": "李红", "填报日期": D(2014, 7, 3),
           "本月小结": SUMMARY}
ACTIVITIES = {"活动日期": D(2014, 6, 12), "活动名称": "主题党日：重温入党誓词", "参与人数": 18, "活动载体": "红烛讲堂",
              "活动地点": "学校会议室"}
PROGRESS = {"任务序号": 1, "进展状态": "已完成", "完成比例": 100.0, "说明": "方案已通过"}


def monthly_tables(first_row: int) -> dict[str, Table]:
    return {"活动记录": Table(2, first_row, ACTIVITIES, {"参与人数": [18, 12]}),
            "任务进度": Table(2, first_row, PROGRESS, {"完成比例": [100.0, 60.0]})}


QUARTERLY = {"支部名称": NAME, "支部编码": CODE, "季度": "2014Q2", "填报人": "李红", "填报日期": D(2014, 7, 8),
             "工作进展": LONG, "取得成效": LONG, "群众满意度": 95.0, "存在问题": "宣传力度不够",
             "下季度打算": "开设微信公众号专栏"}
POSTS = Table(2, 3, {"发布日期": D(2014, 5, 20), "渠道": "微信公众号", "标题": "实验小学开展红烛先锋主题党日",
                     "发布媒体": "江宁教育"})
INSPECTIONS = Table(3, 4, {"督查日期": D(2014, 6, 17), "支部名称": NAME, "督查方式": "定期", "督查人": "张伟、陈静",
                           "整改情况": "已整改", "评分": 8.5},
                    {"支部名称": [NAME, NAME2, NAME3], "评分": [8.5, 9.0, 7.0]})
REVIEW = {"评审人": "王志强", "评审日期": D(2014, 12, 16)}
SCORES = Table(2, 6, {"支部名称": NAME, "支部编码": CODE, "创建载体": 8.5, "创建内容": 13.0, "创建措施": 9.0},
               {"创建内容": [13.0, 12.5], "备注": [None, "材料较全"]})

TEMPLATES = {
    "roster": Form("roster", {}, {"支部名册": Table(
        3, 4, {"支部编码": CODE, "支部名称": NAME, "支部类型": "支部", "联系电话": "13912345678", "党员人数": 12,
               "成立日期": D(2008, 9, 1), "撤销日期": None, "别名": "实验小学支部;实小党支部"},
        {"支部类型": ["支部", "总支", "联合支部"], "联系电话": ["13912345678", "025-52101234", "13851234567"],
         "成立日期": [D(2008, 9, 1), D(2003, 3, 15), D(2014, 4, 10)]})}),
    "apply_create": Form("apply_create", APPLICATION, {"任务分解": TASKS}),
    "apply_improve": Form("apply_improve", IMPROVE, {"任务分解": TASKS}),
    "monthly": Form("monthly", {**MONTHLY, "存在问题": "个别党员参与活动不够积极", "下月计划": "组织暑期党员志愿服务"},
                    monthly_tables(3)),
    "quarterly": Form("quarterly", QUARTERLY, {"宣传报道": POSTS}),
    "recognition": Form("recognition", {"支部名称": NAME, "支部编码": CODE, "品牌名称": BRAND,
                                        "申请日期": D(2014, 11, 18), "创建成效": LONG,
                                        "佐证材料": "活动照片、新闻报道"}),
    "inspection": Form("inspection", {}, {"督查记录": INSPECTIONS}),
    "review": Form("review", REVIEW, {"评审评分": SCORES}),
}

DRIFTED = {
    "drift_a_shifted.xlsx": Form("monthly", {**MONTHLY, "存在问题": "无"}, monthly_tables(6)),
    "drift_b_labels.xlsx": Form("apply_create", APPLICATION, {"任务分解": Table(
        2, 3, {"序号": 1, "承办人": "王建国", "完成时限": "2014-05", "进度要求": "5月底前完成"})}),
    "drift_c_merged.xlsx": Form("quarterly", QUARTERLY, {"宣传报道": Table(
        2, 3, POSTS.first, {"标题": ["实验小学开展红烛先锋主题党日", "党员示范课走进课堂"]})}),
    "drift_d_tables_on_form.xlsx": Form("monthly", {**MONTHLY, "存在问题": None}, {
        "活动记录": Table(2, 13, {**ACTIVITIES, "备注2": "邀请退休党员参加"}, {"备注2": ["邀请退休党员参加", None]}),
        "任务进度": Table(2, 18, PROGRESS, {"任务序号": [1, 2], "进展状态": ["已完成", "进行中"]}),
    }),
    "drift_e_values_monthly.xlsx": Form("monthly", {**MONTHLY, "检查月份": "2014-05", "填报日期": D(2014, 6, 3)}, {
        "活动记录": Table(4, 3, {"活动名称": "主题党日：重温入党誓词"}, {
            "活动日期": [D(2014, 5, 3), D(2014, 5, 13), D(2014, 5, 20), D(2014, 5, 28)],
            "参与人数": [35, 12, 20, 28]}),
        "任务进度": Table(4, 3, {}, {"任务序号": [1, 2, 3, 4], "完成比例": [100.0, 80.0, 80.0, 0.0]}),
    }),
    "drift_e_values_month_ym.xlsx": Form("monthly", {**MONTHLY, "检查月份": "2014-05", "填报日期": D(2014, 6, 3)}, {
        "活动记录": Table(1, 3, {"活动日期": D(2014, 5, 3), "参与人数": 35}),
        "任务进度": Table(0, None),
    }),
    "drift_e_values_quarterly.xlsx": Form(
        "quarterly", {"支部名称": NAME, "季度": "2014Q2", "填报日期": D(2014, 7, 8), "群众满意度": 80.0},
        {"宣传报道": Table(3, 3, {"渠道": "微信公众号"},
                          {"发布日期": [D(2014, 5, 3), D(2014, 6, 10), D(2014, 6, 25)]})}),
    "drift_f_inspection_merged.xlsx": Form("inspection", {}, {"督查记录": Table(
        3, 3, {"督查日期": D(2014, 6, 17), "支部名称": NAME, "评分": 8.5},
        {"支部名称": [NAME, NAME, NAME3], "督查方式": ["定期", "不定期", "定期"], "评分": [8.5, 9.0, 7.0]})}),
    "drift_g_sheet_names.xlsx": Form("apply_improve", IMPROVE, {"任务分解": Table(
        2, 2, {"序号": 1, "任务内容": "梳理先锋岗已有经验，形成工作手册", "承办人": "周海燕", "完成时限": "2014-06"},
        {"完成时限": ["2014-06", "2014-11"]})}),
    "drift_g_review.xlsx": Form("review", REVIEW, {"评审评分": SCORES}),
}

# Each .xls/.ods copy must give exactly what the .xlsx it was converted from gives.
COPIES = {
    **{f"template_{k}.{ext}": f"template_{k}.xlsx" for k in TEMPLATES for ext in ("xls", "ods")},
    **{f"nometa_{k}.{ext}": f"nometa_{k}.xlsx" for k in ("monthly", "inspection") for ext in ("xls", "ods")},
    "drift_f_inspection_merged.xls": "drift_f_inspection_merged.xlsx",
    "drift_f_inspection_merged.ods": "drift_f_inspection_merged.xlsx",
    "xls_renamed.xlsx": "template_monthly.xls",
}

READABLE: dict[str, Form] = {
    **{f"template_{k}.{ext}": form for k, form in TEMPLATES.items() for ext in ("xlsx", "xls", "ods")},
    **{f"nometa_{k}.{ext}": TEMPLATES[k] for k in ("monthly", "inspection") for ext in ("xlsx", "xls", "ods")},
    **DRIFTED,
    "drift_f_inspection_merged.xls": DRIFTED["drift_f_inspection_merged.xlsx"],
    "drift_f_inspection_merged.ods": DRIFTED["drift_f_inspection_merged.xlsx"],
    "xls_renamed.xlsx": TEMPLATES["monthly"],
}

# Reader bugs these fixtures expose get a strict xfail here until fixed (none open).
KNOWN_BUGS: dict[tuple[str, str], pytest.MarkDecorator] = {}


def cases(test: str, names: list[str]) -> list[object]:
    return [pytest.param(n, id=n, marks=[KNOWN_BUGS[(test, n)]] if (test, n) in KNOWN_BUGS else []) for n in names]


def frame_values(received: Received, table: str) -> dict[int, dict[str, object]]:
    assert received.submission is not None
    return received.submission.tables[table].frame().to_dict("index")


# ---- readable files ---------------------------------------------------------------------------

def test_every_fixture_is_listed():
    listed = set(READABLE) | set(BAD) | {"make_fixtures.py", "make_intake_fixtures.py"}  # intake/: test_intake.py
    assert {p.name for p in DATA.iterdir() if p.is_file()} == listed


@pytest.mark.parametrize("name", cases("kind", sorted(READABLE)))
def test_kind_detected_without_issues(name):
    received = read(name)
    assert received.status is None, received.reason
    sub = received.submission
    assert sub is not None
    assert sub.kind.key == READABLE[name].kind
    assert [(i.cell, i.field, i.message) for i in sub.issues] == []


@pytest.mark.parametrize("name", cases("record", sorted(READABLE)))
def test_record_values(name):
    sub = read(name).submission
    assert sub is not None
    expected = READABLE[name].record
    assert {label: sub.record.get(label) for label in expected} == expected


@pytest.mark.parametrize("name", cases("tables", sorted(READABLE)))
def test_table_values_and_rows(name):
    sub = read(name).submission
    assert sub is not None
    for table, want in READABLE[name].tables.items():
        frame = sub.tables[table].frame()
        assert len(frame) == want.rows, table
        if want.first_row is None:
            continue
        assert frame.index[0] == want.first_row, table
        first = frame.iloc[0]
        assert {label: first[label] for label in want.first} == want.first, table
        for label, values in want.columns.items():
            assert frame[label].tolist() == values, (table, label)
        # the cell each value came from sits on that Excel row
        table_ = sub.tables[table]
        label = next(c for c in table_.refs if first[c] not in ("", None))
        sheet, ref = table_.where(want.first_row, label)
        assert sheet == table_.sheet and int(re.sub(r"^[A-Z]+", "", ref)) == want.first_row


@pytest.mark.parametrize("name", cases("columns", sorted(READABLE)))
def test_table_columns_are_unique(name):
    sub = read(name).submission
    assert sub is not None
    for table, frame in sub.tables.items():
        assert len(set(frame.columns)) == len(frame.columns), (table, list(frame.columns))


@pytest.mark.parametrize("name", cases("copies", sorted(COPIES)))
def test_copies_read_like_the_original(name):
    copy, original = read(name), read(COPIES[name])
    assert copy.submission is not None and original.submission is not None
    assert copy.submission.kind.key == original.submission.kind.key
    assert copy.submission.record == original.submission.record
    for table in original.submission.tables:
        assert frame_values(copy, table) == frame_values(original, table), table


@pytest.mark.parametrize("name", cases("rows", ["drift_f_inspection_merged.xlsx", "drift_f_inspection_merged.xls",
                                                "drift_f_inspection_merged.ods"]))
def test_name_merged_down_rows_reaches_both_rows(name):
    rows = frame_values(read(name), "督查记录")
    assert rows[3]["支部名称"] == rows[4]["支部名称"] == NAME
    assert (rows[3]["督查人"], rows[4]["督查人"]) == ("张伟", "陈静")


def test_extra_column_is_kept():
    sub = read("drift_d_tables_on_form.xlsx").submission
    assert sub is not None
    frame = sub.tables["活动记录"].frame()
    assert "备注2" in frame.columns
    assert sub.tables["活动记录"].where(13, "备注2") == (sub.tables["活动记录"].sheet, "E13")
    assert list(sub.tables["任务进度"].columns)[:4] == ["任务序号", "进展状态", "完成比例", "说明"]


def test_cells_are_named_where_the_form_drifted():
    sub = read("drift_a_shifted.xlsx").submission
    assert sub is not None
    assert sub.cell("支部名称") == ("月检查表", "D5")
    assert sub.cell("填报日期") == ("月检查表", "D9")
    assert sub.tables["活动记录"].where(6, "参与人数") == ("活动记录", "E6")


def test_tables_found_on_any_sheet():
    sub = read("drift_g_sheet_names.xlsx").submission
    assert sub is not None
    assert sub.tables["任务分解"].sheet == "Sheet2"
    sub = read("drift_d_tables_on_form.xlsx").submission
    assert sub is not None
    assert {t.sheet for t in sub.tables.values()} == {"月检查表"}


@pytest.mark.parametrize("name", sorted(n for n in READABLE if n.startswith("template_")))
def test_templates_keep_the_hidden_meta_sheet(name):
    opened = open_workbook(name, (DATA / name).read_bytes())
    meta = [s for s in opened.sheets if s.name == "_meta"]
    assert len(meta) == 1 and not meta[0].visible


@pytest.mark.parametrize("name", sorted(n for n in READABLE if n.startswith(("nometa_", "drift_"))))
def test_kind_from_the_title_alone(name):
    opened = open_workbook(name, (DATA / name).read_bytes())
    assert opened.status is None
    assert "_meta" not in {s.name for s in opened.sheets}
    kind = detect_kind(opened.sheets, KINDS)
    assert kind is not None and kind.key == READABLE[name].kind
    assert read_form(opened.sheets, kind).kind is kind


def test_format_told_by_content():
    assert open_workbook("xls_renamed.xlsx", (DATA / "xls_renamed.xlsx").read_bytes()).fmt == "xls"
    assert open_workbook("template_monthly.ods", (DATA / "template_monthly.ods").read_bytes()).fmt == "ods"


# ---- bad files --------------------------------------------------------------------------------

BAD = {
    "bad_encrypted.xlsx": (UNREADABLE, "密码"),
    "bad_truncated.xlsx": (UNREADABLE, "损坏"),
    "bad_empty.xlsx": (UNREADABLE, "0 字节"),
    "~$lock.xlsx": (IGNORED, "锁定文件"),
    "bad_readme.txt": (IGNORED, "不是电子表格"),
    "bad_notice.docx": (UNKNOWN, "表名"),  # a Word notice is read (SPEC §10), but it is no form
    "bad_unrelated.xlsx": (UNKNOWN, "模板"),
    "bad_blank.xlsx": (UNKNOWN, "空白"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_file_status_and_reason(name):
    status, words = BAD[name]
    received = read(name)
    assert received.submission is None
    assert received.status == status
    assert words in received.reason
    assert CHINESE.search(received.reason)


def test_encrypted_whatever_its_name():
    data = (DATA / "bad_encrypted.xlsx").read_bytes()
    for name in ("月检查表.xls", "附件", "报送.ods"):
        opened = open_workbook(name, data)
        assert (opened.status, "密码" in opened.reason) == (UNREADABLE, True), name


# ---- layouts built inline ----------------------------------------------------------------------

def _xlsx(build) -> bytes:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    build(book.active)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_two_row_header_with_a_group_caption_keeps_the_scores():
    def build(ws):
        ws["A1"] = "评审评分表"
        ws["A2"], ws["B2"] = "评审人", "周强"
        ws["A3"], ws["B3"] = "评审日期", "2014-12-10"
        ws["A5"], ws["B5"], ws["C5"], ws["F5"] = "支部名称", "支部编码", "评分项目", "备注"
        ws["C6"], ws["D6"], ws["E6"] = "创建载体", "创建内容", "创建措施"
        for rng in ("A5:A6", "B5:B6", "C5:E5", "F5:F6"):
            ws.merge_cells(rng)
        ws.append(["秣陵中学党支部", "JN002", 8, 12.5, 9, ""])

    received = read_file("r.xlsx", _xlsx(build), KINDS, CAMPAIGN)
    frame = received.submission.tables["评审评分"].frame()
    assert list(frame.index) == [7]
    assert frame.loc[7, ["支部名称", "创建载体", "创建内容", "创建措施"]].tolist() == ["秣陵中学党支部", 8, 12.5, 9]
    assert "评分项目" not in frame.columns
    assert received.submission.issues == ()


def test_numbered_caption_right_under_a_table_ends_it():
    def build(ws):
        ws.append(["月检查表"])
        ws.append(["支部名称", "秣陵中学党支部"])
        ws.append(["检查月份", "2014-06"])
        ws.append(["填报人", "李红"])
        ws.append(["填报日期", "2014-07-01"])
        ws.append(["本月小结", "本月组织党员开展主题党日和志愿服务活动，成效明显。"])
        ws.append(["一、本月活动开展情况"])
        ws.append(["活动日期", "活动名称", "参与人数"])
        ws.append(["2014-06-10", "主题党日", 12])
        ws.append(["二、任务推进情况"])
        ws.append(["任务序号", "进展状态", "完成比例"])
        ws.append([1, "进行中", "50%"])

    received = read_file("m.xlsx", _xlsx(build), KINDS, CAMPAIGN)
    sub = received.submission
    assert len(sub.tables["活动记录"]) == 1 and len(sub.tables["任务进度"]) == 1
    assert sub.issues == ()


@pytest.mark.parametrize(("title", "key"), [
    ("基层党组织“一支部一品牌”品牌创建申报表", "apply_create"),
    ("“一支部一品牌”创建申报表", "apply_create"),
    ("《一支部一品牌》品牌完善申报表", "apply_improve"),
    ("江宁区东山小学党支部第二季汇报表", "quarterly"),
    ("2014年6月 月 检 查 表", "monthly"),
    ("党建品牌认定申请", "recognition"),
])
def test_title_variants_name_their_kind(title, key):
    from pipeline.read.blocks import detect_kind

    def build(ws):
        ws.append([None])
        ws.append([title])

    opened = open_workbook("t.xlsx", _xlsx(build))
    kind = detect_kind(opened.sheets, KINDS)
    assert kind is not None and kind.key == key


def test_label_and_value_in_one_cell_and_label_aliases():
    def build(ws):
        ws.append(["“一支部一品牌”认定申请表"])
        ws.append(["党支部名称：江宁区东山小学党支部"])
        ws.append(["品牌名称", "红烛先锋"])
        ws.append(["申请日期：2014年11月20日"])
        ws.append(["创建成效", "目标要求：本支部围绕立德树人开展党员示范课和志愿服务，成效明显。"])
        ws.append(["示范作用", "带动全校教师参与课堂教学改革，家长满意度提升。"])

    sub = read_file("r.xlsx", _xlsx(build), KINDS, CAMPAIGN).submission
    assert sub.kind.key == "recognition"
    assert sub.value("支部名称") == "江宁区东山小学党支部" and sub.cell("支部名称")[1] == "A2"
    assert sub.value("申请日期") == dt.date(2014, 11, 20)
    assert sub.value("创建成效").startswith("目标要求：")
    assert sub.issues == ()


def test_roster_without_title_is_known_by_its_sheet_name_or_header():
    def by_sheet(ws):
        ws.title = "支部名册"
        ws.append(["支部编码", "支部名称", "支部类型", "所在单位"])
        ws.append(["JN001", "江宁区东山小学党支部", "支部", "东山小学"])

    def by_header(ws):
        ws.title = "Sheet1"
        ws.append(["序号", "督查日期", "支部名称", "督查方式", "督查人", "整改情况", "评分"])
        ws.append([1, "2014-10-09", "江宁区东山小学党支部", "定期", "赵平", "已整改", 9])

    roster = read_file("r.xlsx", _xlsx(by_sheet), KINDS, CAMPAIGN).submission
    assert roster.kind.key == "roster" and len(roster.tables["支部名册"]) == 1
    inspection = read_file("i.xlsx", _xlsx(by_header), KINDS, CAMPAIGN).submission
    assert inspection.kind.key == "inspection" and inspection.issues == ()


def test_untitled_application_is_told_create_or_improve_by_its_labels():
    def build(label):
        def _build(ws):
            ws.title = "申报表"
            ws.append(["支部名称", "江宁区东山小学党支部"])
            ws.append([label, "本支部已形成红烛先锋品牌雏形，需进一步完善。"])
        return _build

    assert read_file("a.xlsx", _xlsx(build("已有基础")), KINDS, CAMPAIGN).submission.kind.key == "apply_improve"
    assert read_file("b.xlsx", _xlsx(build("品牌释义")), KINDS, CAMPAIGN).submission.kind.key == "apply_create"


def test_table_pasted_on_the_form_sheet_beats_the_empty_template_sheet(tmp_path):
    import factory as f
    import openpyxl

    path = f.monthly(tmp_path, "JN001", "江宁区东山小学党支部", "2014-06")
    book = openpyxl.load_workbook(path)
    book["活动记录"].delete_rows(3, 10)  # the template's own table sheet left empty
    form = book["月检查表"]
    start = form.max_row + 2
    for offset, row in enumerate([["活动日期", "活动名称", "参与人数"], ["2014-06-12", "主题党日", 15],
                                  ["2014-06-20", "志愿服务", 9]]):
        for c, value in enumerate(row, start=1):
            form.cell(start + offset, c, value)
    book.save(path)
    sub = read_file("m.xlsx", path.read_bytes(), KINDS, CAMPAIGN).submission
    frame = sub.tables["活动记录"].frame()
    assert frame["活动名称"].tolist() == ["主题党日", "志愿服务"] and list(frame.index) == [start + 1, start + 2]
