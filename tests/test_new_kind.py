"""A kind described only here, as data, goes through read → assess → ledger → manifest like any other.

This is the promise of pipeline/forms.py: a new kind touches its description, its schema module and its
fixtures, and no other module of the pipeline.
"""

from __future__ import annotations

import datetime as dt

import tests.factory as f
from pipeline.assess import assess
from pipeline.consolidate.results import consolidate
from pipeline.forms import MONTHS, F, FormKind, TableSpec, form_kinds
from pipeline.run import read_all

STUDY = FormKind(
    "study", "学习记录表", "学习记录表",
    (*(F("支部名称", required=True), F("支部编码", "code")), F("检查月份", "month", True),
     F("填报日期", "date", True), F("学习小结", required=True)),
    (TableSpec("学习记录", "学习记录", "一、学习情况", (
        F("学习日期", "date", True), F("学习内容", required=True), F("参加人数", "int", True),
    )),),
    "填报日期", "检查月份", periods=MONTHS, dated_rows=("学习记录", "学习日期"), ledger_sheet="学习",
    carried=("检查月份",),
)


def _study(inbox, code: str, name: str, month: str, filed: dt.date, day: dt.date, file: str):
    return f.write(inbox / file, STUDY, {"支部名称": name, "支部编码": code, "检查月份": month, "填报日期": filed,
                                         "学习小结": "集中学习党章党规，交流心得体会，效果良好。"},
                   {"学习记录": [{"学习日期": day, "学习内容": "学习党章", "参加人数": 12}]})


def test_a_kind_described_only_as_data_reads_assesses_and_reaches_the_ledger(tmp_path):
    inbox = tmp_path / "inbox"
    f.roster(inbox, [f.branch("JN001", "江宁区东山小学党支部"), f.branch("JN002", "江宁区秣陵中学党支部")])
    _study(inbox, "JN001", "江宁区东山小学党支部", "2014-06", dt.date(2014, 7, 2), dt.date(2014, 6, 12), "a.xlsx")
    _study(inbox, "JN001", "江宁区东山小学党支部", "2014-06", dt.date(2014, 7, 4), dt.date(2014, 6, 12), "b.xlsx")
    _study(inbox, "JN002", "江宁区秣陵中学党支部", "2014-06", dt.date(2014, 7, 3), dt.date(2014, 8, 1), "c.xlsx")
    campaign = f.campaign()
    kinds = (*form_kinds(campaign), STUDY)
    assessment = assess(read_all(inbox, campaign, kinds=kinds), kinds, campaign)
    results = consolidate(assessment, campaign)

    rows = {r.文件: r for r in assessment.manifest}
    assert (rows["a.xlsx"].类型, rows["a.xlsx"].状态) == ("学习记录表", "被替代")  # branch + period supersede
    assert (rows["b.xlsx"].状态, rows["b.xlsx"].期间, rows["b.xlsx"].支部编码) == ("受理", "2014-06", "JN001")
    assert rows["c.xlsx"].状态 == "受理" and rows["c.xlsx"].警告数 == 1  # a study day outside its month
    assert [i.code for i in assessment.issues if i.file == "c.xlsx"] == ["date-outside-period"]

    study = results.ledger["学习"]
    assert list(study["来源文件"]) == ["b.xlsx", "c.xlsx"]
    records = results.ledger["学习记录"]
    assert list(records.columns[:5]) == ["支部编码", "支部名称", "来源文件", "检查月份", "学习日期"]
    assert list(records["支部编码"]) == ["JN001", "JN002"]
