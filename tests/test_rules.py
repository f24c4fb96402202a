"""Every SPEC §4 rule fires on a crafted real file, at the cell that holds the value."""

import datetime as dt
import os
from pathlib import Path

import factory as f
import pytest
from python_calamine import CalamineWorkbook

from pipeline.assess import assess
from pipeline.config import load_campaign
from pipeline.forms import form_kinds
from pipeline.run import read_all

A, B, C = ("JN001", "江宁区东山小学党支部"), ("JN002", "秣陵中学党支部"), ("JN003", "汤山幼儿园党支部")
D = dt.date


def value_at(path: Path, sheet: str, cell: str) -> object:
    col = "".join(ch for ch in cell if ch.isalpha())
    row = int(cell[len(col):])
    c = 0
    for ch in col:
        c = c * 26 + ord(ch) - 64
    data = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    return data[row - 1][c - 1]


END = D(2014, 12, 31)


def run(box: Path, as_of: D = END):
    c = f.campaign(as_of)
    kinds = form_kinds(c)
    return assess(read_all(box, c, kinds=kinds), kinds, c)


def found(assessment, file: str, code: str):
    hits = [i for i in assessment.issues if i.file == file and i.code == code]
    assert hits, f"{code} not raised on {file}: {[(i.code, i.message) for i in assessment.issues if i.file == file]}"
    return hits[0]


def status(assessment, file: str) -> str:
    return next(r.状态 for r in assessment.manifest if r.文件 == file)


@pytest.fixture
def box(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    f.roster(inbox, [f.branch(*A, 别名="东山小学支部"), f.branch(*B), f.branch(*C, 成立日期=D(2014, 7, 1))])
    return inbox


def check(box: Path, path: Path, code: str, severity: str, field: str, value: object = None, **kw):
    a = run(box, **kw)
    rel = path.relative_to(box).as_posix()
    issue = found(a, rel, code)
    assert issue.severity == severity
    assert issue.field == field
    if value is not None:
        assert value_at(path, issue.sheet, issue.cell) == value
    return a, rel, issue


# ---- branch matching -------------------------------------------------------------------------

def test_code_wins_and_a_misspelt_own_name_warns(box):
    p = f.application(box, "JN001", "江宁区东山小党支部")
    a, rel, _ = check(box, p, "branch-code-name-mismatch", "警告", "支部名称", "江宁区东山小党支部")
    assert next(r for r in a.manifest if r.文件 == rel).支部编码 == "JN001"
    assert status(a, rel) == "受理"


@pytest.mark.parametrize("written", ["秣陵中学党支部", "中共秣陵中学党支部"])
def test_code_with_another_branchs_exact_name_is_an_error(box, written):
    p = f.application(box, "JN001", written)
    a, rel, issue = check(box, p, "branch-code-other-branch", "错误", "支部名称", written)
    assert "江宁区东山小学党支部" in issue.message and "秣陵中学党支部" in issue.message
    assert "哪个支部" in issue.fix
    assert status(a, rel) == "退回"


def test_code_with_another_branchs_alias_is_an_error(box):
    p = f.application(box, "JN002", "东山小学支部")  # JN001's 别名
    check(box, p, "branch-code-other-branch", "错误", "支部名称", "东山小学支部")


@pytest.mark.parametrize("written", ["东山小学支部", "中共南京市江宁区东山小学党支部", " 江宁区东山小学 党支部 ",
                                     "东山小学党支部"])
def test_alias_prefix_and_spacing_match_silently(box, written):
    f.application(box, "", written, file="a.xlsx")
    a = run(box)
    assert [i.code for i in a.issues if i.file == "a.xlsx"] == []
    assert next(r for r in a.manifest if r.文件 == "a.xlsx").支部编码 == "JN001"


def test_close_name_is_a_fuzzy_warning_naming_the_roster_entry(box):
    p = f.application(box, "", "江宁区东山小学党之部", file="a.xlsx")
    _, _, issue = check(box, p, "branch-fuzzy-match", "警告", "支部名称", "江宁区东山小学党之部")
    assert "江宁区东山小学党支部" in issue.message


def test_unknown_name_is_an_error_listing_only_near_names(box):
    p = f.application(box, "", "江宁区东山实验中学党支部", file="a.xlsx")  # 75, 62 and 47 similar
    a, rel, issue = check(box, p, "branch-unknown", "错误", "支部名称", "江宁区东山实验中学党支部")
    assert issue.fix.endswith("最接近的名册名称：江宁区东山小学党支部、秣陵中学党支部")
    assert "汤山幼儿园党支部" not in issue.fix  # below 60: no help
    assert status(a, rel) == "退回"


def test_unknown_name_nothing_like_the_roster_asks_to_register_it(box):
    p = f.application(box, "", "江宁区不存在职业学校党支部", file="a.xlsx")
    _, _, issue = check(box, p, "branch-unknown", "错误", "支部名称", "江宁区不存在职业学校党支部")
    assert "最接近" not in issue.fix
    assert issue.fix.endswith("如为新成立或更名的支部，请先在支部名册中登记")


# ---- application ------------------------------------------------------------------------------

def test_long_brand_name_warns(box):
    p = f.application(box, *A, 品牌名称="党建引领立德树人润泽童心工程")
    check(box, p, "brand-name-too-long", "警告", "品牌名称", "党建引领立德树人润泽童心工程")


def test_empty_brand_name_is_an_error(box):
    p = f.application(box, *A, 品牌名称="")
    a, rel, issue = check(box, p, "required-missing", "错误", "品牌名称")
    assert issue.cell and status(a, rel) == "退回"


@pytest.mark.parametrize("text", ["略", "见附件", "/", "太短了"])
def test_placeholder_narrative_warns(box, text):
    p = f.application(box, *A, 保障措施=text)
    check(box, p, "too-brief", "警告", "保障措施", text)


def test_assignee_not_a_person_warns_at_the_task_cell(box):
    p = f.application(box, *A)
    _rewrite_cell(p, "任务分解表", "张敏", "全体党员")
    check(box, p, "assignee-not-person", "警告", "承办人", "全体党员")


def test_task_deadline_outside_campaign_warns(box):
    p = f.application(box, *A)
    _rewrite_cell(p, "任务分解表", "2014-10", "2015-03")
    check(box, p, "due-outside-campaign", "警告", "完成时限", "2015-03")


def test_late_and_early_application(box):
    late = f.application(box, *A, filed=D(2014, 4, 22))
    early = f.application(box, *B, filed=D(2014, 3, 20))
    a, _, issue = check(box, late, "late-application", "警告", "填报日期")
    assert "2014-04-21" in issue.message
    found(a, early.relative_to(box).as_posix(), "early-application")


def test_on_the_rolled_deadline_is_not_late(box):
    f.application(box, *A, filed=D(2014, 4, 21))
    assert not [i for i in run(box).issues if i.code == "late-application"]


def test_branch_founded_mid_year_has_thirty_days(box):
    f.application(box, *C, filed=D(2014, 7, 30))
    assert not [i for i in run(box).issues if i.code == "late-application"]


def test_few_members_warns_and_zero_is_an_error(box):
    few = f.application(box, *A, 党员人数=2)
    none = f.application(box, *B, 党员人数=0)
    a, _, _ = check(box, few, "too-few-members", "警告", "党员人数", 2)
    assert found(a, none.relative_to(box).as_posix(), "out-of-range").severity == "错误"


def test_bad_phone_warns(box):
    p = f.application(box, *A, 联系电话="1391234")
    check(box, p, "bad-phone", "警告", "联系电话", "1391234")


def test_unparseable_date_is_an_error_naming_the_cell(box):
    p = f.application(box, *A, 填报日期="四月中旬")
    a, rel, issue = check(box, p, "unparseable", "错误", "填报日期", "四月中旬")
    assert "四月中旬" in issue.message and status(a, rel) == "退回"


# ---- monthly and quarterly --------------------------------------------------------------------

@pytest.mark.parametrize(("month", "filed"), [("2014-12", D(2014, 12, 28)), ("2014-04", D(2014, 4, 28))])
def test_month_outside_campaign_needs_no_report(box, month, filed):
    p = f.monthly(box, *A, month, filed=filed)
    a, rel, issue = check(box, p, "period-outside-campaign", "错误", "检查月份", month)
    assert issue.fix == f"{month} 不在报送期间（2014-05 至 2014-11），本表无需报送；如月份填错，请改正后重报"
    assert status(a, rel) == "退回"


def test_quarter_outside_campaign_needs_no_report(box):
    p = f.quarterly(box, *A, "2014Q1")
    _, _, issue = check(box, p, "period-outside-campaign", "错误", "季度", "2014Q1")
    assert issue.fix == "2014Q1 不在报送期间（2014Q2 至 2014Q4），本表无需报送；如季度填错，请改正后重报"


def test_gap_inside_the_campaign_is_still_asked_to_be_corrected(box, tmp_path):
    cfg = tmp_path / "gap.toml"
    cfg.write_text(f.CONFIG.read_text(encoding="utf-8").replace('["2014Q2", "2014Q3", "2014Q4"]',
                                                                '["2014Q2", "2014Q4"]'), encoding="utf-8")
    c = load_campaign(cfg, today=END, as_of=END)
    p = f.quarterly(box, *A, "2014Q3")
    kinds = form_kinds(c)
    a = assess(read_all(box, c, kinds=kinds), kinds, c)
    issue = found(a, p.relative_to(box).as_posix(), "period-not-configured")
    assert issue.fix == "本年度报送期间为 2014Q2、2014Q4，请改正"


def test_activity_outside_its_month_warns(box):
    p = f.monthly(box, *A, "2014-06")
    _rewrite_cell(p, "活动记录", None, None, date=(D(2014, 6, 10), D(2014, 7, 2)))
    check(box, p, "date-outside-period", "警告", "活动日期")


def test_post_outside_its_quarter_warns(box):
    p = f.quarterly(box, *A, "2014Q3")
    _rewrite_cell(p, "宣传报道", None, None, date=(D(2014, 9, 1), D(2014, 12, 1)))
    check(box, p, "date-outside-period", "警告", "发布日期")


def test_unknown_task_is_an_error_with_accepted_application(box):
    f.application(box, *A, tasks=3)
    p = f.monthly(box, *A, "2014-06", progress=[(1, "进行中", 30), (7, "进行中", 10)])
    a, rel, _ = check(box, p, "unknown-task", "错误", "任务序号", 7)
    assert status(a, rel) == "退回"


def test_task_without_application_is_a_warning(box):
    p = f.monthly(box, *A, "2014-06", progress=[(1, "进行中", 30)])
    a, rel, _ = check(box, p, "unknown-task-no-application", "警告", "任务序号", 1)
    assert status(a, rel) == "受理"


def test_done_below_100_and_falling_progress_warn(box):
    f.application(box, *A, tasks=2)
    f.monthly(box, *A, "2014-06", progress=[(1, "进行中", 60)])
    p = f.monthly(box, *A, "2014-07", progress=[(1, "进行中", 40), (2, "已完成", 90)])
    a, rel, issue = check(box, p, "progress-falling", "警告", "完成比例")
    assert "60%" in issue.message
    assert found(a, rel, "done-below-100").severity == "警告"


# ---- recognition --------------------------------------------------------------------------------

def test_recognition_without_application_is_an_error(box):
    p = f.recognition(box, *A)
    a, rel, _ = check(box, p, "recognition-without-application", "错误", "支部名称")
    assert status(a, rel) == "退回"


def test_recognition_brand_differs_and_date_outside_window_warn(box):
    f.application(box, *A)
    p = f.recognition(box, *A, 品牌名称="红烛引航", filed=D(2014, 10, 20))
    a, rel, _ = check(box, p, "brand-name-differs", "警告", "品牌名称", "红烛引航")
    assert found(a, rel, "date-outside-window").field == "申请日期"


# ---- committee files ----------------------------------------------------------------------------

def test_review_score_above_max_is_an_error(box):
    p = f.review(box, "专家甲", [{"支部名称": A[1], "支部编码": A[0], "创建载体": 12, "创建内容": 10, "创建措施": 8}])
    _, _, issue = check(box, p, "out-of-range", "错误", "创建载体", 12)
    assert "10" in issue.fix


def test_inspection_score_and_option_checked(box):
    p = f.inspections(box, [{"督查日期": D(2014, 10, 9), "支部名称": A[1], "督查方式": "突击", "督查人": "赵平",
                             "整改情况": "已整改", "评分": 11}])
    a, rel, _ = check(box, p, "not-in-options", "错误", "督查方式", "突击")
    assert found(a, rel, "out-of-range").field == "评分"


# ---- resubmissions and duplicates --------------------------------------------------------------

def test_latest_filing_date_wins_and_rejected_never_displaces(box):
    f.monthly(box, *A, "2014-06", filed=D(2014, 7, 1), file="m1.xlsx")
    f.monthly(box, *A, "2014-06", filed=D(2014, 7, 3), file="m2.xlsx")
    f.monthly(box, *A, "2014-06", filed=D(2014, 7, 9), file="m3.xlsx", 填报人="")
    a = run(box)
    assert status(a, "m1.xlsx") == "被替代" and status(a, "m2.xlsx") == "受理" and status(a, "m3.xlsx") == "退回"


def test_same_date_falls_back_to_modification_time(box):
    one = f.monthly(box, *A, "2014-06", filed=D(2014, 7, 1), file="z.xlsx")
    two = f.monthly(box, *A, "2014-06", filed=D(2014, 7, 1), file="a.xlsx", 填报人="张敏")
    os.utime(one, (1_000_000, 1_000_000))
    os.utime(two, (2_000_000, 2_000_000))
    a = run(box)
    assert status(a, "a.xlsx") == "受理" and status(a, "z.xlsx") == "被替代"


def test_byte_identical_file_is_a_duplicate(box):
    p = f.monthly(box, *A, "2014-06", file="b.xlsx")
    (box / "a").mkdir()
    (box / "a" / "copy.xlsx").write_bytes(p.read_bytes())
    a = run(box)
    assert status(a, "a/copy.xlsx") == "受理" and status(a, "b.xlsx") == "重复"


# ---- helpers -------------------------------------------------------------------------------------

def _rewrite_cell(path: Path, sheet: str, old: object, new: object, date: tuple[D, D] | None = None) -> None:
    """Edit one value of a written form in place, as a branch clerk would."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    ws = book[sheet]
    for row in ws.iter_rows():
        for cell in row:
            value = cell.value.date() if isinstance(cell.value, dt.datetime) else cell.value
            if date and value == date[0]:
                cell.value = date[1]
                book.save(path)
                return
            if not date and value == old:
                cell.value = new
                book.save(path)
                return
    raise AssertionError(f"{old or date} not found in {sheet}")


def test_application_without_tasks_is_an_error(box):
    p = f.application(box, *A, tasks=0)
    a = run(box)
    rel = p.relative_to(box).as_posix()
    issue = found(a, rel, "table-empty")
    assert issue.severity == "错误" and issue.sheet == "任务分解表" and issue.cell
    assert status(a, rel) == "退回"


def test_blank_template_is_rejected_with_every_required_field(box):
    from pipeline.forms import MONTHLY

    f.write(box / "空白.xlsx", MONTHLY)
    a = run(box)
    missing = {i.field for i in a.issues if i.file == "空白.xlsx" and i.code == "required-missing"}
    assert {"支部名称", "检查月份", "填报人", "填报日期", "本月小结"} <= missing
    assert status(a, "空白.xlsx") == "退回"


def test_plain_option_variants_are_accepted(box):
    f.roster(box, [f.branch(*A, 支部类型="党支部"), f.branch(*B, 支部类型="党总支"),
                   f.branch(*C, 支部类型=" 联合党支部")])
    p = f.inspections(box, [{"督查日期": D(2014, 10, 9), "支部名称": A[1], "督查方式": "不定期督查", "督查人": "赵平",
                             "整改情况": "整改完成", "评分": 9}])
    a = run(box)
    assert [i for i in a.issues if i.file in ("支部名册.xlsx", p.relative_to(box).as_posix())] == []
