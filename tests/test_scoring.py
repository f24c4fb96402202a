"""Rubric arithmetic, ranks and the shortlist on small inline ledgers (SPEC §6–§7)."""

import datetime as dt
import tomllib

import factory as f
import pandas as pd
import pytest

from pipeline.config import build_campaign
from pipeline.consolidate.ledger import SHEETS
from pipeline.consolidate.scoring import Inputs, score_branch, scorecard, shared_ranks
from pipeline.consolidate.shortlist import quota, shortlist

D = dt.date
C = f.campaign()


def ledger(**frames: list[dict]) -> dict[str, pd.DataFrame]:
    out = {name: pd.DataFrame(dtype=object) for name in SHEETS}
    out.update({name: pd.DataFrame(rows, dtype=object) for name, rows in frames.items()})
    return out


def rates(code: str, monthly=(7, 7, 7), quarterly=(3, 3, 3)) -> pd.DataFrame:
    rows = []
    for kind, (due, sent, on_time) in (("monthly", monthly), ("quarterly", quarterly)):
        rows.append({"支部编码": code, "类型": kind, "应报": due, "实报": sent, "按时": on_time,
                     "报送率": sent / due if due else None, "按时率": on_time / due if due else None})
    return pd.DataFrame(rows, dtype=object)


def app(code="JN001", late=False, warnings=0):
    return {"支部编码": code, "品牌名称": "红烛先锋", "申报类型": "创建", "逾期申报": late, "警告数": warnings}


def reviews(code, item, scores):
    return [{"支部编码": code, "评审人": f"专家{i}", item: s} for i, s in enumerate(scores)]


def test_application_penalties_and_floor():
    data = Inputs(ledger(申报=[app(late=True, warnings=3)]), rates("JN001"))
    s = score_branch("JN001", data, C)["创建方案"]
    assert s.value == 10 - 3 - 1 * 2  # the late warning is not counted twice
    assert "逾期" in s.basis
    data = Inputs(ledger(申报=[app(late=True, warnings=12)]), rates("JN001"))
    assert score_branch("JN001", data, C)["创建方案"].value == 0
    assert score_branch("JN001", Inputs(ledger(), rates("JN001")), C)["创建方案"].value == 0


def test_review_mean_trims_only_from_five_reviewers():
    five = Inputs(ledger(评审评分=reviews("JN001", "创建内容", [15, 10, 12, 11, 6])), rates("JN001"))
    s = score_branch("JN001", five, C)["创建内容"]
    assert s.value == pytest.approx((10 + 12 + 11) / 3)
    assert "去掉一个最高分" in s.basis
    four = Inputs(ledger(评审评分=reviews("JN001", "创建内容", [15, 10, 12, 11])), rates("JN001"))
    assert score_branch("JN001", four, C)["创建内容"].value == pytest.approx(12)
    assert score_branch("JN001", Inputs(ledger(), rates("JN001")), C)["创建内容"].value == 0


def test_review_missing_item_scores_are_skipped():
    rows = reviews("JN001", "创建载体", [8, None, 6])
    s = score_branch("JN001", Inputs(ledger(评审评分=rows), rates("JN001")), C)["创建载体"]
    assert s.value == 7 and "评审 2 人" in s.basis


def test_process_rates_and_blank_rates_count_as_one():
    data = Inputs(ledger(), rates("JN001", monthly=(7, 6, 5), quarterly=(2, 1, 1)))
    s = score_branch("JN001", data, C)["过程管理"]
    assert s.value == pytest.approx(10 * 6 / 7 + 5 * 5 / 7 + 10 * 0.5)
    assert s.basis == "月报 6/7，按时 5/7；季报 1/2"
    nothing_due = Inputs(ledger(), rates("JN001", monthly=(0, 0, 0), quarterly=(0, 0, 0)))
    assert score_branch("JN001", nothing_due, C)["过程管理"].value == 25


def test_task_completion_uses_latest_month_and_zero_for_unreported():
    tasks = [{"支部编码": "JN001", "序号": i} for i in (1, 2, 3, 4)]
    progress = [{"支部编码": "JN001", "检查月份": "2014-07", "任务序号": 1, "完成比例": 100.0},
                {"支部编码": "JN001", "检查月份": "2014-05", "任务序号": 2, "完成比例": 80.0},
                {"支部编码": "JN001", "检查月份": "2014-06", "任务序号": 2, "完成比例": 40.0},
                {"支部编码": "JN001", "检查月份": "2014-06", "任务序号": 3, "完成比例": 60.0}]
    data = Inputs(ledger(申报=[app()], 任务分解=tasks, 任务进度=progress), rates("JN001"))
    s = score_branch("JN001", data, C)["任务完成"]
    assert s.value == pytest.approx(10 * (1 + 0.4 + 0.6 + 0) / 4)
    no_app = Inputs(ledger(任务分解=tasks, 任务进度=progress), rates("JN001"))
    assert score_branch("JN001", no_app, C)["任务完成"].value == 0


def test_publicity_counts_distinct_posts_capped():
    post = {"支部编码": "JN001", "发布日期": D(2014, 6, 1), "渠道": "网站", "标题": "报道"}
    posts = [post, dict(post), {**post, "标题": "另一篇"}]
    assert score_branch("JN001", Inputs(ledger(宣传报道=posts), rates("JN001")), C)["宣传推广"].value == 4
    many = [{**post, "标题": f"第{i}篇"} for i in range(9)]
    assert score_branch("JN001", Inputs(ledger(宣传报道=many), rates("JN001")), C)["宣传推广"].value == 10


def test_inspection_mean_penalty_floor_and_none():
    recs = [{"支部编码": "JN001", "评分": 8, "整改情况": "未整改"},
            {"支部编码": "JN001", "评分": 6, "整改情况": "已整改"}]
    s = score_branch("JN001", Inputs(ledger(督查记录=recs), rates("JN001")), C)["督查评价"]
    assert s.value == 7 - 2 and "未整改 1 项" in s.basis
    bad = [{"支部编码": "JN001", "评分": 1, "整改情况": "未整改"}]
    assert score_branch("JN001", Inputs(ledger(督查记录=bad), rates("JN001")), C)["督查评价"].value == 0
    assert score_branch("JN001", Inputs(ledger(), rates("JN001")), C)["督查评价"].value == 10


def test_ranks_share_ties():
    assert list(shared_ranks(pd.Series([90.0, 85.0, 85.0, 70.0]))) == [1, 2, 2, 4]


@pytest.mark.parametrize(("active", "seats"), [(1, 1), (3, 1), (4, 1), (10, 3), (19, 5), (40, 12)])
def test_quota_rounds_down_at_least_one(active, seats):
    assert quota(active, 0.3) == seats


def perfect(code):
    return {"申报": [app(code)], "认定申请": [{"支部编码": code}]}


def card_for(totals: dict[str, float]) -> pd.DataFrame:
    rows = [{"支部编码": c, "支部名称": c, "品牌名称": "", "申报类型": "", "总分": t} for c, t in totals.items()]
    card = pd.DataFrame(rows)
    card["排名"] = shared_ranks(card["总分"])
    card["等次"] = "优秀"
    return card


def quarterly_matrix(codes, status="按时"):
    return pd.DataFrame([{"支部编码": c, "2014Q2": status, "2014Q3": status, "2014Q4": "未到期"} for c in codes])


def test_ties_at_the_cut_are_all_included():
    totals = {f"JN{i:03d}": t for i, t in enumerate([95, 92, 92, 90, 88, 86, 86, 86, 70, 60], start=1)}
    frames: dict[str, list] = {"申报": [], "认定申请": []}
    for code in totals:
        for k, v in perfect(code).items():
            frames[k] += v
    data = Inputs(ledger(**frames), pd.concat([rates(c) for c in totals], ignore_index=True))
    listed, missed = shortlist(card_for(totals), data, quarterly_matrix(totals), C)
    assert list(listed["支部编码"]) == ["JN001", "JN002", "JN003"]  # 3 seats, no tie at 92 crossing the cut
    totals["JN004"] = 92
    listed, missed = shortlist(card_for(totals), data, quarterly_matrix(totals), C)
    assert list(listed["支部编码"]) == ["JN001", "JN002", "JN003", "JN004"]
    assert "未进入前 3 名" in missed.set_index("支部编码").at["JN005", "原因"]


def test_every_ineligibility_reason_is_listed():
    data = Inputs(ledger(督查记录=[{"支部编码": "JN002", "评分": 8, "整改情况": "未整改"}], 申报=[app("JN002")]),
                  pd.concat([rates("JN001"), rates("JN002", monthly=(7, 5, 5))], ignore_index=True))
    matrix = pd.concat([quarterly_matrix(["JN001"]), quarterly_matrix(["JN002"], "缺报")], ignore_index=True)
    _, missed = shortlist(card_for({"JN001": 99.0, "JN002": 70.0}), data, matrix, C)
    reasons = missed.set_index("支部编码")["原因"]
    assert "没有已受理的品牌申报表" in reasons["JN001"] and "没有已受理的认定申请表" in reasons["JN001"]
    jn2 = reasons["JN002"]
    assert "季度汇报未报齐：2014Q2（缺报）、2014Q3（缺报）" in jn2
    assert "月检查报送率 71%" in jn2 and "未整改" in jn2 and "低于 85 分" in jn2


def test_weights_change_through_config_only():
    raw = tomllib.loads(f.CONFIG.read_text(encoding="utf-8"))
    raw["rubric"] = [dict(r) for r in raw["rubric"]]
    raw["rubric"][6].update(max=5, points_each=1)   # 宣传推广
    raw["rubric"][0]["max"] = 15                    # 创建方案
    c = build_campaign(raw, today=D(2014, 12, 31))
    post = {"支部编码": "JN001", "发布日期": D(2014, 6, 1), "渠道": "网站"}
    posts = [{**post, "标题": f"第{i}篇"} for i in range(8)]
    scores = score_branch("JN001", Inputs(ledger(申报=[app()], 宣传报道=posts), rates("JN001")), c)
    assert scores["宣传推广"].value == 5 and scores["创建方案"].value == 15


def test_scorecard_grades_and_order():
    data = Inputs(ledger(申报=[app("JN001")]), pd.concat([rates("JN001"), rates("JN002")], ignore_index=True))
    card, details = scorecard(["JN002", "JN001"], {"JN001": "甲", "JN002": "乙"}, data, C)
    assert list(card["支部编码"]) == ["JN001", "JN002"]
    assert list(card["排名"]) == [1, 2]
    assert card.at[0, "总分"] == pytest.approx(10 + 25 + 10)
    assert card.at[0, "等次"] == "不合格"
    assert len(details) == 2 * len(C.rubric) and details["依据"].str.len().min() > 0
