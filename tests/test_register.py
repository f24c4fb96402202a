"""The recognition register (SPEC §12) through the real CLI: the committee's 审核验收 decisions in, the
品牌认定名册 with its 挂牌名单 and 复评名单 out, carried from one campaign to the next."""

from __future__ import annotations

import datetime as dt
import shutil
import tomllib
from pathlib import Path

import factory as f
import openpyxl
import pytest
from click.testing import CliRunner
from docx import Document

from pipeline.cli import cli
from pipeline.config import ConfigError, build_campaign, load_campaign
from pipeline.demo_register import shifted_config
from pipeline.forms import ACCEPTANCE, REGISTER, form_kinds
from pipeline.parse.file import read_file
from pipeline.validate.branches import build_roster
from pipeline.validate.register import status_at

D = dt.date
A, B, C, X = "JN001", "JN002", "JN003", "JN009"
NAMES = {A: "江宁区东山小学党支部", B: "江宁区秣陵中学党支部", C: "江宁区汤山幼儿园党支部", X: "江宁区横溪小学党支部"}


# ---- reading the outbox back ----------------------------------------------------------------

def table(path: Path, sheet: str) -> list[dict[str, object]]:
    """A sheet's table from A1, up to the first empty header cell (the 说明 block sits beyond it)."""
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    names = values[0]
    width = next((i for i, n in enumerate(names) if n in (None, "")), len(names))
    body = [r[:width] for r in values[1:]]
    return [dict(zip(names[:width], r, strict=True)) for r in body if any(v not in (None, "") for v in r)]


def note(path: Path, sheet: str) -> str:
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    cells = "".join(str(v) for r in ws.iter_rows(values_only=True) for v in r if isinstance(v, str) and "。" in v)
    return cells + f.drawn_text(path, sheet)  # the 说明 of a score table is a text box below it


def issues(outbox: Path, file_part: str) -> list[dict[str, object]]:
    return [i for i in table(outbox / "问题清单.xlsx", "问题清单") if file_part in str(i["文件"])]


def manifest_row(outbox: Path, file: str) -> dict[str, object]:
    return next(r for r in f.manifest(outbox)["files"] if r["文件"] == file)


def fill(outbox: Path, target: Path, verdicts: dict[str, str], day: dt.datetime) -> Path:
    """The committee fills the outbox's 审核验收表 by hand and drops it into the inbox."""
    book = openpyxl.load_workbook(outbox / "审核验收表.xlsx")
    ws = book["审核验收"]
    header = {c.value: c.column for c in ws[1] if c.value}
    for row in range(2, ws.max_row + 1):
        verdict = verdicts.get(ws.cell(row, header["支部编码"]).value)
        if verdict:
            ws.cell(row, header["验收结论"]).value = verdict
            ws.cell(row, header["验收日期"]).value = day
            ws.cell(row, header["审核人"]).value = "王建国"
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return target


def run(inbox: Path, outbox: Path, *args: str, config: Path = f.CONFIG) -> str:
    result = CliRunner().invoke(cli, ["run", "--inbox", str(inbox), "--outbox", str(outbox), "--config", str(config),
                                      *args])
    assert result.exit_code == 0, result.output
    return result.output


# ---- a small campaign written with the project's own form writer ---------------------------

def small_inbox(inbox: Path, *, dissolved: dt.date | None = None) -> Path:
    """Three branches that all apply; A and B ask for recognition, C does not; nobody reports monthly, so
    nobody is eligible for the shortlist (SPEC §7)."""
    f.roster(inbox, [f.branch(A, NAMES[A]), f.branch(B, NAMES[B], 撤销日期=dissolved), f.branch(C, NAMES[C])])
    f.application(inbox, A, NAMES[A], 品牌名称="红烛先锋")
    f.application(inbox, B, NAMES[B], improve=True, 品牌名称="润心育人")
    f.application(inbox, C, NAMES[C], 品牌名称="阳光同行")
    f.recognition(inbox, A, NAMES[A], 品牌名称="红烛先锋")
    f.recognition(inbox, B, NAMES[B], 品牌名称="润心育人")
    return inbox


def decisions(inbox: Path, file: str, rows: list[tuple[str, str, dt.date]]) -> Path:
    return f.write(inbox / file, ACCEPTANCE, {}, {"审核验收": [
        {"支部编码": code, "支部名称": NAMES[code], "验收结论": verdict, "验收日期": day, "审核人": "王建国"}
        for code, verdict, day in rows]})


def register(inbox: Path, rows: list[tuple[str, str, str, int, dt.date, str]],
             file: str = "名册/品牌认定名册.xlsx") -> Path:
    return f.write(inbox / file, REGISTER, {}, {"品牌认定名册": [
        {"认定编号": no, "支部编码": code, "支部名称": NAMES.get(code, "江宁区青龙山学校党支部"), "品牌名称": brand,
         "认定年度": year, "有效期至": until, "状态": status} for no, code, brand, year, until, status in rows]})


def test_without_a_decision_the_register_is_carried_and_no_plaques(tmp_path):
    inbox = small_inbox(tmp_path / "inbox", dissolved=D(2014, 12, 1))
    register(inbox, [("2012-001", A, "红烛先锋", 2012, D(2014, 12, 31), "有效"),
                     ("2012-002", B, "润心育人", 2012, D(2014, 12, 31), "有效"),
                     ("2010-001", C, "阳光同行", 2010, D(2012, 12, 31), "有效"),
                     ("2012-003", X, "书香领航", 2012, D(2014, 12, 31), "有效"),
                     ("2012-004", C, "旧品牌", 2012, D(2014, 12, 31), "已撤销"),
                     ("2012-005", C, "阳光同行", 2012, D(2014, 12, 31), "有效")])
    # a later copy of the register revokes 2012-005: the revocation wins over the earlier copy
    register(inbox, [("2012-005", C, "阳光同行", 2012, D(2014, 12, 31), "已撤销")], file="名册/更新.xlsx")
    out = tmp_path / "outbox"
    printed = run(inbox, out, "--as-of", "2014-12-31")
    book = out / "品牌认定名册.xlsx"
    rows = {r["认定编号"]: r for r in table(book, "品牌认定名册")}
    assert {n: (r["状态"], r["备注"]) for n, r in rows.items()} == {
        "2010-001": ("到期", None),  # expired two years ago
        "2012-001": ("有效", None),  # 有效期至 = as_of is still valid
        "2012-002": ("已撤销", "支部已于 2014-12-01 撤销"),  # dissolved by as_of
        "2012-003": ("已撤销", "支部已不在支部名册中"),  # a branch gone from the roster stays on record
        "2012-004": ("已撤销", None),  # 已撤销 stays
        "2012-005": ("已撤销", None),
    }
    assert list(rows) == ["2010-001", "2012-001", "2012-002", "2012-003", "2012-004", "2012-005"]
    assert table(book, "挂牌名单") == [] and "尚未收到" in note(book, "挂牌名单")
    assert [r["认定编号"] for r in table(book, "复评名单")] == ["2012-001"]
    assert "尚未收到审核验收结论" in printed
    # the register's branch that left the roster is a 警告 on the committee's file, not a rejection
    assert manifest_row(out, "名册/品牌认定名册.xlsx")["状态"] == "受理"
    assert [i["级别"] for i in issues(out, "品牌认定名册")] == ["警告"]
    # cross-campaign rules on this year's applications (SPEC §12): A applies as 创建 with a brand still 有效
    found = issues(out, "申报/JN001")
    assert len(found) == 1 and str(found[0]["问题"]).startswith("已有认定品牌，应申报品牌完善：")
    assert found[0]["级别"] == "警告" and found[0]["单元格"]
    assert issues(out, "申报/JN003") == []  # its brand was revoked; expired and revoked brands do not count
    # the prefilled form lists every active branch that applied for recognition (C did not; B is dissolved)
    assert [r["支部编码"] for r in table(out / "审核验收表.xlsx", "审核验收")] == [A]


def test_decisions_supersede_by_date_and_passes_are_numbered_in_scorecard_order(tmp_path):
    inbox = small_inbox(tmp_path / "inbox")
    register(inbox, [("2012-001", B, "润心育人", 2012, D(2015, 12, 31), "有效")])
    # the later-dated decision wins whatever the file names say; 暂缓 then 通过, 通过 then 不通过
    decisions(inbox, "审核验收/z-初审.xlsx", [(A, "暂缓", D(2014, 12, 10)), (B, "通过", D(2014, 12, 10)),
                                              (C, "通过", D(2014, 12, 10))])
    decisions(inbox, "审核验收/a-复审.xlsx", [(A, "通过", D(2014, 12, 20)), (C, "不通过", D(2014, 12, 20))])
    decisions(inbox, "审核验收/m-未来.xlsx", [(B, "不通过", D(2015, 1, 5))])  # after as_of: not yet decided
    out = tmp_path / "outbox"
    printed = run(inbox, out, "--as-of", "2014-12-31")
    card = [r["支部编码"] for r in table(out / "积分卡.xlsx", "积分卡")]
    passed = [c for c in card if c in (A, B)]
    book = out / "品牌认定名册.xlsx"
    plaques = table(book, "挂牌名单")
    assert [(p["支部编码"], p["认定编号"]) for p in plaques] == [(c, f"2014-{n:03d}") for n, c in enumerate(passed, 1)]
    rows = table(book, "品牌认定名册")
    new = [r for r in rows if r["认定年度"] == 2014]
    assert {r["支部编码"]: r["有效期至"] for r in new} == {A: dt.datetime(2016, 12, 31), B: dt.datetime(2016, 12, 31)}
    assert {r["品牌名称"] for r in new} == {"红烛先锋", "润心育人"}
    # B was recognised before and again now: its earlier row stays beside the new one
    assert next((r["认定编号"], r["状态"]) for r in rows if r["支部编码"] == B) == ("2012-001", "有效")
    assert len(rows) == 3 and "本年度审核验收通过 2 个" in printed
    # 复评名单: only the earlier row expires before the end of next year's review window
    assert [r["认定编号"] for r in table(book, "复评名单")] == ["2012-001"]
    # every 通过 here goes against the shortlist's criteria: accepted with a 警告 naming each one missed
    warned = {str(i["文件"]): i for i in issues(out, "审核验收/") if i["字段"] == "验收结论"}
    assert set(warned) == {"审核验收/a-复审.xlsx", "审核验收/z-初审.xlsx"}
    message = str(warned["审核验收/a-复审.xlsx"]["问题"])
    assert "不符合表彰条件" in message and "季度汇报未报齐" in message and "月检查报送率" in message
    assert "低于 85 分" in message and warned["审核验收/a-复审.xlsx"]["单元格"] == "C4"
    assert manifest_row(out, "审核验收/a-复审.xlsx")["警告数"] == 1
    assert {manifest_row(out, p)["状态"] for p in ("审核验收/a-复审.xlsx", "审核验收/z-初审.xlsx")} == {"受理"}
    # 表彰决定（代拟稿） lists exactly the new register rows (SPEC §11, §12)
    decision = Document(str(out / "公文" / "表彰决定（代拟稿）.docx"))
    assert [[c.text for c in row.cells][1:] for row in decision.tables[0].rows][1:] == [
        [p["支部名称"], p["品牌名称"]] for p in plaques]
    # the next 审核验收表 shows the decisions received so far
    prefilled = {r["支部编码"]: r for r in table(out / "审核验收表.xlsx", "审核验收")}
    assert (prefilled[A]["验收结论"], prefilled[B]["验收结论"]) == ("通过", "通过")

    # Fed back into the same campaign, the register is carried and nothing is added twice.
    shutil.copy(book, inbox / "名册" / "本次名册.xlsx")
    again = tmp_path / "again"
    run(inbox, again, "--as-of", "2014-12-31")
    assert table(again / "品牌认定名册.xlsx", "品牌认定名册") == rows
    assert table(again / "品牌认定名册.xlsx", "挂牌名单") == plaques
    assert not [i for i in issues(again, "申报/") if "认定" in str(i["问题"])]  # this year's own rows never warn


def test_the_committee_form_round_trips_without_its_meta_sheet(tmp_path):
    inbox = small_inbox(tmp_path / "inbox")
    out = tmp_path / "outbox"
    run(inbox, out, "--as-of", "2014-12-31")
    form = out / "审核验收表.xlsx"
    book = openpyxl.load_workbook(form)
    assert book.sheetnames == ["审核验收", "_meta"] and book["_meta"].sheet_state == "hidden"
    ws = book["审核验收"]
    assert ws.freeze_panes == "C2" and ws.print_title_rows == "$1:$1" and ws.page_setup.paperSize == 9
    assert [dv.formula1 for dv in ws.data_validations.dataValidation] == ['"通过,不通过,暂缓"']
    header = [c.value for c in ws[1]]
    assert header[:12] == ["支部编码", "支部名称", "品牌名称", "总分", "等次", "排名", "是否入围", "未入围原因",
                           "验收结论", "验收日期", "审核人", "审核意见"]
    assert all(c.font.sz >= 9 for row in ws.iter_rows() for c in row if c.value is not None)
    # reasons mention 认定申请表 and the like: still read as the committee's decision when _meta is lost
    ws.cell(2, 9).value, ws.cell(2, 10).value, ws.cell(2, 11).value = "通过", dt.datetime(2014, 12, 18), "王建国"
    del book["_meta"]
    book.save(inbox / "审核验收表（已填）.xlsx")
    run(inbox, tmp_path / "filled", "--as-of", "2014-12-31")
    row = manifest_row(tmp_path / "filled", "审核验收表（已填）.xlsx")
    assert (row["类型"], row["状态"], row["错误数"]) == ("审核验收表", "受理", 0)
    assert [r["支部编码"] for r in table(tmp_path / "filled" / "品牌认定名册.xlsx", "挂牌名单")] == [A]


def test_templates_include_both_committee_forms(tmp_path):
    result = CliRunner().invoke(cli, ["templates", "--out", str(tmp_path / "t"), "--roster",
                                      str(f.roster(tmp_path / "in", [f.branch(A, NAMES[A])])),
                                      "--config", str(f.CONFIG)])
    assert result.exit_code == 0, result.output
    for kind in (ACCEPTANCE, REGISTER):
        blank = tmp_path / "t" / "空白模板" / f"{kind.title}.xlsx"
        check = CliRunner().invoke(cli, ["check", str(blank), "--roster", str(tmp_path / "in" / "支部名册.xlsx"),
                                         "--config", str(f.CONFIG)])
        assert kind.title in check.output, check.output


# ---- pure rules ------------------------------------------------------------------------------

def test_status_at_as_of(tmp_path):
    campaign = f.campaign()
    path = f.roster(tmp_path, [f.branch(A, NAMES[A]), f.branch(B, NAMES[B], 撤销日期=D(2014, 12, 31))])
    received = read_file("支部名册.xlsx", path.read_bytes(), form_kinds(campaign), campaign)
    roster, _ = build_roster(received.submission, campaign)
    day = campaign.as_of
    assert status_at("有效", day, A, roster, day) == ("有效", "")
    assert status_at("有效", day - dt.timedelta(days=1), A, roster, day) == ("到期", "")
    assert status_at("到期", day + dt.timedelta(days=400), A, roster, day) == ("有效", "")  # recomputed
    assert status_at("已撤销", day + dt.timedelta(days=400), A, roster, day) == ("已撤销", "")
    assert status_at("有效", day, B, roster, day) == ("已撤销", "支部已于 2014-12-31 撤销")
    assert status_at(None, day, "NOPE", roster, day) == ("已撤销", "支部已不在支部名册中")


def test_recognition_valid_years_is_a_validated_key():
    base = tomllib.loads(f.CONFIG.read_text(encoding="utf-8"))
    assert build_campaign(base, D(2014, 12, 31)).recognition_valid_years == 2
    assert build_campaign({**base, "recognition_valid_years": 3}, D(2014, 12, 31)).recognition_valid_years == 3
    for bad in (0, "2", True, 2.5):
        with pytest.raises(ConfigError) as err:
            build_campaign({**base, "recognition_valid_years": bad}, D(2014, 12, 31))
        assert any("recognition_valid_years" in p for p in err.value.problems)


def test_the_next_campaign_is_campaign_toml_moved_by_whole_years(tmp_path):
    text = shifted_config(f.CONFIG.read_text(encoding="utf-8"), 2)
    (tmp_path / "c.toml").write_text(text, encoding="utf-8")
    base, later = f.campaign(), load_campaign(tmp_path / "c.toml", today=D(2030, 1, 1))
    assert later.year == base.year + 2 and later.as_of == D(2016, 12, 31)
    assert later.months[0] == "2016-05" and later.quarters == ("2016Q2", "2016Q3", "2016Q4")
    assert (later.application.start, later.review.end) == (D(2016, 4, 1), D(2016, 12, 31))
    assert later.rubric == base.rubric and later.shortlist == base.shortlist and later.prefixes == base.prefixes
    assert later.recognition_valid_years == base.recognition_valid_years


# ---- two campaigns end to end -----------------------------------------------------------------

def demo(out: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["demo", "--branches", "12", "--out", str(out), "--config", str(f.CONFIG), *args])
    assert result.exit_code == 0, result.output
    return result.output


def roster_codes(inbox: Path) -> tuple[dict[str, str], set[str]]:
    """(支部编码 → 支部名称 of the demo's roster, the codes with a 撤销日期)."""
    ws = openpyxl.load_workbook(inbox / "支部名册.xlsx", read_only=True)["支部名册"]
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    top = next(i for i, r in enumerate(values) if r and str(r[0] or "").startswith("支部编码"))
    gone = [str(n or "").rstrip("*") for n in values[top]].index("撤销日期")
    body = [r for r in values[top + 1:] if r[0]]
    return {str(r[0]): str(r[1]) for r in body}, {str(r[0]) for r in body if r[gone]}


def decide_all(inbox: Path, day: dt.date) -> None:
    """The committee passes every branch on the roster (those that miss a criterion or left are warned)."""
    names, _ = roster_codes(inbox)
    f.write(inbox / "审核验收" / "审核验收表.xlsx", ACCEPTANCE, {}, {"审核验收": [
        {"支部编码": c, "支部名称": n, "验收结论": "通过", "验收日期": day, "审核人": "王建国"}
        for c, n in names.items()]})


def test_a_register_written_in_one_campaign_carries_into_the_next(tmp_path):
    # 2014: the committee's decision is in; the run writes the register
    in14 = tmp_path / "in2014"
    demo(in14)
    decide_all(in14, D(2014, 12, 22))
    out14 = tmp_path / "out2014"
    run(in14, out14)
    card14 = [str(r["支部编码"]) for r in table(out14 / "积分卡.xlsx", "积分卡")]
    reg14 = table(out14 / "品牌认定名册.xlsx", "品牌认定名册")
    assert [(r["认定编号"], r["支部编码"]) for r in reg14] == [(f"2014-{n:03d}", c) for n, c in enumerate(card14, 1)]
    assert {r["有效期至"] for r in reg14} == {dt.datetime(2016, 12, 31)}

    # 2016: the demo's inbox for that year, its config moved by two years, the 2014 register inside
    in16 = tmp_path / "in2016"
    printed = demo(in16, "--year", "2016", "--register", str(out14 / "品牌认定名册.xlsx"))
    config = in16 / "campaign.toml"
    assert "campaign.toml" in printed and load_campaign(config, today=D(2030, 1, 1)).year == 2016
    carried = list((in16 / "局党工委").glob("*.xlsx"))
    assert [p.read_bytes() for p in carried] == [(out14 / "品牌认定名册.xlsx").read_bytes()]
    _, dissolved = roster_codes(in16)
    decide_all(in16, D(2016, 12, 22))
    out16 = tmp_path / "out2016"
    run(in16, out16, config=config)
    book = out16 / "品牌认定名册.xlsx"
    rows = table(book, "品牌认定名册")
    old = [r for r in rows if r["认定年度"] == 2014]
    assert [r["认定编号"] for r in old] == [r["认定编号"] for r in reg14]
    expected = {r["认定编号"]: "已撤销" if r["支部编码"] in dissolved else "有效" for r in reg14}
    assert {r["认定编号"]: r["状态"] for r in old} == expected and "已撤销" in expected.values()
    assert all(("撤销" in str(r["备注"])) == (r["状态"] == "已撤销") for r in old)
    # 复评名单: the 2014 brands still 有效 lapse before the next round; the 2016 ones do not
    assert [r["认定编号"] for r in table(book, "复评名单")] == [n for n, s in expected.items() if s == "有效"]
    # this year's applications against the register: 创建 with a 有效 brand, and a renamed brand
    problems = [str(i["问题"]) for i in issues(out16, "申报/")]
    assert any(p.startswith("已有认定品牌，应申报品牌完善") for p in problems)
    assert any("与品牌认定名册中本支部的有效认定品牌" in p for p in problems)
    # new numbers from 001 in 积分卡 order, valid two more years; the 2014 rows kept beside them
    card = [str(r["支部编码"]) for r in table(out16 / "积分卡.xlsx", "积分卡")]
    brands = {str(r["支部编码"]): r["品牌名称"] for r in table(out16 / "积分卡.xlsx", "积分卡")}
    passed = [c for c in card if brands[c]]
    plaques = table(book, "挂牌名单")
    assert [(p["支部编码"], p["认定编号"]) for p in plaques] == [(c, f"2016-{n:03d}") for n, c in enumerate(passed, 1)]
    assert {r["有效期至"] for r in rows if r["认定年度"] == 2016} == {dt.datetime(2018, 12, 31)}
    # passes for branches dissolved by as_of are warned and left out of the register
    left = [i for i in issues(out16, "审核验收/") if "未记入品牌认定名册" in str(i["问题"])]
    assert len(left) == len(dissolved) and all("撤销" in str(i["问题"]) for i in left)
