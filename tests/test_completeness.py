"""Who has not reported what (SPEC §5), on crafted inboxes of real files."""

import datetime as dt
import functools
from pathlib import Path

import factory as f
import pytest

from pipeline.assess import assess
from pipeline.consolidate.results import consolidate
from pipeline.forms import form_kinds
from pipeline.run import read_all

D = dt.date
A, B = ("JN001", "江宁区东山小学党支部"), ("JN002", "秣陵中学党支部")
NEW, GONE = ("JN003", "汤山幼儿园党支部"), ("JN004", "湖熟中学党支部")


@functools.cache
def results(box: Path, as_of: D):
    """One consolidation per (inbox, as_of), shared by the tests that read it (they only read)."""
    c = f.campaign(as_of)
    kinds = form_kinds(c)
    return consolidate(assess(read_all(box, c, kinds=kinds), kinds, c), c)


def cell(res, kind: str, code: str, period: str) -> str:
    m = res.matrices[kind]
    return m.loc[m["支部编码"] == code, period].iloc[0]


def rate_row(res, kind: str, period: str) -> dict:
    r = res.rates
    return r[(r["类型"] == kind) & (r["期间"] == period)].iloc[0].to_dict()


@pytest.fixture(scope="module")
def box(tmp_path_factory) -> Path:
    inbox = tmp_path_factory.mktemp("c") / "inbox"
    f.roster(inbox, [f.branch(*A, 上级组织="东山片区党总支", 联系人="周静", 联系电话="025-52101234"),
                     f.branch(*B), f.branch(*NEW, 成立日期=D(2014, 7, 1)),
                     f.branch(*GONE, 撤销日期=D(2014, 8, 15))])
    f.monthly(inbox, *A, "2014-05", filed=D(2014, 6, 5))           # on the due date: on time
    f.monthly(inbox, *A, "2014-06", filed=D(2014, 7, 8))           # rolled due 07-07: late
    f.monthly(inbox, *A, "2014-09", filed=D(2014, 10, 8))          # National Day roll: on time
    f.monthly(inbox, *B, "2014-05", filed=D(2014, 6, 4), 填报人="")  # rejected only
    f.monthly(inbox, *B, "2014-06", filed=D(2014, 7, 20), file="b6-first.xlsx")
    f.monthly(inbox, *B, "2014-06", filed=D(2014, 7, 2), file="b6-again.xlsx", 填报人="张敏")
    f.monthly(inbox, *B, "2014-11", filed=D(2014, 11, 20))         # filed before its due date
    f.monthly(inbox, *GONE, "2014-07", filed=D(2014, 8, 1))
    f.quarterly(inbox, *A, "2014Q2", filed=D(2014, 7, 10))
    return inbox


def test_matrix_statuses(box):
    res = results(box, D(2014, 12, 31))
    assert cell(res, "monthly", "JN001", "2014-05") == "按时"
    assert cell(res, "monthly", "JN001", "2014-06") == "逾期"
    assert cell(res, "monthly", "JN001", "2014-09") == "按时"
    assert cell(res, "monthly", "JN001", "2014-07") == "缺报"
    assert cell(res, "monthly", "JN002", "2014-05") == "退回"
    assert cell(res, "monthly", "JN002", "2014-06") == "逾期"  # the later filing date wins: 07-20
    assert cell(res, "quarterly", "JN001", "2014Q2") == "按时"
    assert cell(res, "quarterly", "JN001", "2014Q4") == "未到期"  # due 2015-01-12


def test_founded_mid_year_and_dissolved_branches(box):
    res = results(box, D(2014, 12, 31))
    assert cell(res, "monthly", "JN003", "2014-05") == "—"
    assert cell(res, "monthly", "JN003", "2014-06") == "缺报"  # founded 07-01, June due 07-07
    assert cell(res, "monthly", "JN004", "2014-07") == "按时"
    assert cell(res, "monthly", "JN004", "2014-08") == "—"    # dissolved before August ended
    assert "JN004" not in set(res.chase["支部编码"])            # not active any more
    assert "JN004" not in set(res.card["支部编码"])


@pytest.mark.parametrize(("as_of", "status"), [
    (D(2014, 7, 6), "未到期"), (D(2014, 7, 7), "缺报"), (D(2014, 7, 8), "缺报")])
def test_due_date_equal_to_as_of_is_due(box, as_of, status):
    assert cell(results(box, as_of), "monthly", "JN003", "2014-06") == status


def test_as_of_hides_later_files(box):
    res = results(box, D(2014, 7, 5))
    assert cell(res, "monthly", "JN001", "2014-06") == "未到期"   # filed 07-08, after as_of
    assert cell(res, "monthly", "JN002", "2014-06") == "按时"     # only the 07-02 filing exists then


def test_rates_per_period_and_never_above_one(box):
    res = results(box, D(2014, 12, 31))
    may = rate_row(res, "月检查", "2014-05")
    assert (may["应报"], may["实报"], may["按时"]) == (3, 1, 1)   # JN003 not yet founded
    assert may["报送率"] == pytest.approx(1 / 3)
    nov = rate_row(res, "月检查", "2014-11")
    assert (nov["应报"], nov["实报"], nov["按时"]) == (3, 1, 1)
    q4 = rate_row(res, "季度汇报", "2014Q4")
    assert q4["应报"] == 0 and q4["报送率"] is None and q4["按时率"] is None
    for row in res.rates.itertuples():
        assert row.报送率 is None or 0 <= row.报送率 <= 1


def test_early_report_counts_before_it_is_due(box):
    nov = rate_row(results(box, D(2014, 11, 25)), "月检查", "2014-11")
    assert (nov["应报"], nov["实报"]) == (1, 1)


def test_rates_by_parent_use_committee_for_empty(box):
    res = results(box, D(2014, 12, 31))
    assert set(res.by_parent["上级组织"]) == {"东山片区党总支", "局党工委"}


def test_chase_list_names_every_missing_and_returned_cell(box):
    res = results(box, D(2014, 12, 31))
    row = res.chase[res.chase["支部编码"] == "JN002"].iloc[0]
    assert row["缺报项"].startswith("2014-05 月检查（退回）、2014-07 月检查")
    assert "2014Q2 季度汇报" in row["缺报项"]
    assert "2014-06 月检查" not in row["缺报项"]
    a = res.chase[res.chase["支部编码"] == "JN001"].iloc[0]
    assert (a["联系人"], a["联系电话"]) == ("周静", "025-52101234")
    assert list(res.chase["上级组织"]) == sorted(res.chase["上级组织"])


def test_not_applied_lists_active_branches_without_application(box):
    res = results(box, D(2014, 12, 31))
    assert list(res.not_applied["支部编码"]) == ["JN001", "JN002", "JN003"]


def test_status_report_read_back_from_the_outbox(box, tmp_path):
    import pandas as pd

    out = tmp_path / "o"
    code, text = f.run_cli(box, out, "--as-of", "2014-12-31")
    assert code == 0, text
    assert "报送率" in text and "需催报支部 3 个" in text
    path = out / "报送情况.xlsx"
    matrix = pd.read_excel(path, sheet_name="月检查", engine="openpyxl", dtype=str).set_index("支部编码")
    assert matrix.at["JN001", "2014-06"] == "逾期" and matrix.at["JN002", "2014-05"] == "退回"
    assert matrix.at["JN004", "2014-08"] == "—" and matrix.at["JN003", "2014-05"] == "—"
    rates = pd.read_excel(path, sheet_name="报送率", engine="openpyxl", usecols="A:G")
    may = rates[(rates["类型"] == "月检查") & (rates["期间"] == "2014-05")].iloc[0]
    assert (may["应报"], may["实报"], may["按时"]) == (3, 1, 1) and may["报送率"] == pytest.approx(1 / 3)
    q4 = rates[(rates["类型"] == "季度汇报") & (rates["期间"] == "2014Q4")].iloc[0]
    assert pd.isna(q4["报送率"])
    chase = pd.read_excel(path, sheet_name="催报名单", engine="openpyxl", dtype=str)
    assert list(chase["支部编码"]) == ["JN001", "JN002", "JN003"]  # 东山片区党总支 sorts before 局党工委
    assert chase.set_index("支部编码").at["JN001", "联系电话"] == "025-52101234"
