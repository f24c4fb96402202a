"""The rubric registry: each rule kind is declared once (function, parameters with types and defaults,
source); campaign.toml is validated from that declaration, and every declared rule and parameter works."""

import datetime as dt
import tomllib

import factory as f
import pandas as pd
import pytest

from pipeline.config import ConfigError, build_campaign
from pipeline.consolidate.ledger import SHEETS
from pipeline.forms import review_kind
from pipeline.rubric import REVIEW, RULE_KINDS, Inputs, RubricItem

D = dt.date
CODE = "JN001"


def raw() -> dict:
    cfg = tomllib.loads(f.CONFIG.read_text(encoding="utf-8"))
    cfg["rubric"] = [dict(r) for r in cfg["rubric"]]
    return cfg


def inputs(rich: bool) -> Inputs:
    """A branch with something for every rule to read (or nothing at all)."""
    frames = {name: pd.DataFrame(dtype=object) for name in SHEETS}
    rates = pd.DataFrame([{"支部编码": CODE, "类型": "monthly", "应报": 7, "实报": 6, "按时": 5, "报送率": 6 / 7,
                           "按时率": 5 / 7},
                          {"支部编码": CODE, "类型": "quarterly", "应报": 2, "实报": 1, "按时": 1, "报送率": 0.5,
                           "按时率": 0.5}], dtype=object)
    if not rich:
        return Inputs(frames, rates.iloc[0:0])
    rows = {
        "申报": [{"支部编码": CODE, "品牌名称": "红烛", "申报类型": "创建", "逾期申报": True, "警告数": 3}],
        "评审评分": [{"支部编码": CODE, "评审人": f"专家{i}", "项目": s} for i, s in enumerate([9, 4, 6, 7, 5])],
        "任务分解": [{"支部编码": CODE, "序号": i} for i in (1, 2)],
        "任务进度": [{"支部编码": CODE, "检查月份": "2014-06", "任务序号": 1, "完成比例": 50.0}],
        "宣传报道": [{"支部编码": CODE, "发布日期": D(2014, 6, i), "渠道": "网站", "标题": f"第{i}篇"}
                     for i in (1, 2, 3)],
        "督查记录": [{"支部编码": CODE, "评分": 8, "整改情况": "未整改"},
                     {"支部编码": CODE, "评分": 6, "整改情况": "已整改"}],
    }
    frames.update({name: pd.DataFrame(r, dtype=object) for name, r in rows.items()})
    return Inputs(frames, rates)


def scores(rule: str, params: dict) -> list[tuple[float, str]]:
    item = RubricItem("项目", 100.0, rule, params)
    return [(s.value, s.basis) for s in (item.score(CODE, inputs(True)), item.score(CODE, inputs(False)))]


@pytest.mark.parametrize("rule", list(RULE_KINDS))
def test_every_declared_rule_runs_with_its_defaults(rule):
    for value, basis in scores(rule, RULE_KINDS[rule].defaults):
        assert 0 <= value <= 100 and basis


@pytest.mark.parametrize(("rule", "param"), [(k.name, p.name) for k in RULE_KINDS.values() for p in k.params])
def test_every_declared_parameter_changes_a_score(rule, param):
    kind = RULE_KINDS[rule]
    default = kind.defaults[param]
    changed = {**kind.defaults, param: (not default) if isinstance(default, bool) else default + 1}
    assert scores(rule, changed) != scores(rule, kind.defaults)


def test_config_fills_declared_defaults_and_keeps_given_values():
    cfg = raw()
    for row in cfg["rubric"]:
        for key in set(row) - {"item", "rule", "max"}:
            del row[key]
    cfg["rubric"][0]["late_penalty"] = 4
    c = build_campaign(cfg, today=D(2014, 12, 31))
    for item in c.rubric:
        expected = {**item.kind.defaults, **({"late_penalty": 4.0} if item.item == "创建方案" else {})}
        assert item.params == expected
        assert all(isinstance(v, type(expected[k])) for k, v in item.params.items())


@pytest.mark.parametrize(("rule", "param"), [(k.name, p.name) for k in RULE_KINDS.values() for p in k.params])
def test_a_parameter_of_the_wrong_type_names_its_key(rule, param):
    cfg = raw()
    cfg["rubric"][0].update(rule=rule, **{param: "三"})
    for key in set(cfg["rubric"][0]) - {"item", "rule", "max", param}:
        del cfg["rubric"][0][key]
    with pytest.raises(ConfigError) as err:
        build_campaign(cfg, today=D(2014, 12, 31))
    assert any(f"rubric.创建方案.{param}" in p and "类型不对" in p for p in err.value.problems)


def test_undeclared_parameter_and_unknown_rule_are_refused():
    cfg = raw()
    cfg["rubric"][5]["points_each"] = 2          # 任务完成 (task_completion) takes no parameters
    cfg["rubric"][6]["rule"] = "bonus"           # 宣传推广
    with pytest.raises(ConfigError) as err:
        build_campaign(cfg, today=D(2014, 12, 31))
    problems = "\n".join(err.value.problems)
    assert "rubric.任务完成.points_each" in problems and "该规则没有参数" in problems
    assert "rubric.宣传推广.rule" in problems and "、".join(RULE_KINDS) in problems


def test_an_item_scored_by_reviewers_gets_a_review_column():
    cfg = raw()
    cfg["rubric"][6] = {"item": "宣传推广", "max": 10, "rule": "review_mean"}
    c = build_campaign(cfg, today=D(2014, 12, 31))
    expected = [r.item for r in c.rubric if RULE_KINDS[r.rule].source == REVIEW]
    assert "宣传推广" in expected
    score_columns = [col.label for col in review_kind(c).tables[0].columns if col.maximum is not None]
    assert score_columns == expected
