"""The shipped sample inbox through the real CLI, every output read back as the clerk would."""

import json
from pathlib import Path

import factory as f
import openpyxl
import pytest


def rows(path: Path, sheet: str, header_first: str) -> list[dict[str, object]]:
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    top = next(i for i, r in enumerate(values) if r and r[0] == header_first)
    names = values[top]
    width = next((i for i, n in enumerate(names) if n in (None, "")), len(names))  # the table ends at a gap
    body = [r[:width] for r in values[top + 1:]]
    return [dict(zip(names[:width], r, strict=True)) for r in body if any(v not in (None, "") for v in r)]


def test_manifest_lists_every_sample_file_once(sample_outbox):
    manifest = json.loads((sample_outbox / "manifest.json").read_text(encoding="utf-8"))
    listed = [r["文件"] for r in manifest["files"]]
    on_disk = sorted(p.relative_to(f.SAMPLE).as_posix() for p in f.SAMPLE.rglob("*") if p.is_file())
    assert sorted(listed) == on_disk and len(set(listed)) == len(listed)
    assert len(rows(sample_outbox / "收件清单.xlsx", "收件清单", "文件")) == len(on_disk)


@pytest.mark.parametrize(("file_part", "field", "level"), [
    ("秣陵实验小学党支部-品牌完善申报表", "保障措施", "警告"),
    ("汤山中心幼儿园联合党支部）.xlsx", "品牌名称", "警告"),
    ("江宁中心小学党支部品牌完善申报表", "联系电话", "警告"),
    ("谷里中心小学党支部-品牌创建申报表", "承办人", "警告"),
    ("秣陵中学党总支第三季度汇报表", "支部名称", "警告"),
    ("淳化中心幼儿园11月检查表", "检查月份", "错误"),
    ("青龙山学校党支部6月份检查表", "支部名称", "错误"),
])
def test_deliberate_mistakes_are_reported_with_their_cells(sample_outbox, file_part, field, level):
    issues = rows(sample_outbox / "问题清单.xlsx", "问题清单", "文件")
    hits = [i for i in issues if file_part in i["文件"] and i["字段"] == field]
    assert hits, f"{file_part}/{field} missing"
    assert hits[0]["级别"] == level and hits[0]["单元格"] and hits[0]["修改建议"]


def test_rejected_files_get_notices(sample_outbox):
    notices = {p.name for p in (sample_outbox / "退回通知").iterdir()}
    assert "未识别-江宁区青龙山学校党支部.xlsx" in notices
    assert "江宁区淳化中心幼儿园联合党支部.xlsx" in notices


def test_rates_agree_with_a_count_of_the_matrix(sample_outbox):
    path = sample_outbox / "报送情况.xlsx"
    matrix = rows(path, "月检查", "支部编码")
    rates = {(r["类型"], r["期间"]): r for r in rows(path, "报送率", "类型") if r["类型"] in ("月检查", "季度汇报")}
    for month in f.campaign().months:
        cells = [r[month] for r in matrix]
        sent = sum(c in ("按时", "逾期") for c in cells)
        owed = sent + sum(c in ("缺报", "退回") for c in cells)  # every month is due by 2014-12-31
        row = rates[("月检查", month)]
        assert (row["应报"], row["实报"], row["按时"]) == (owed, sent, cells.count("按时"))
        assert row["报送率"] == pytest.approx(sent / owed)


def test_status_report_has_its_sheets_and_chart(sample_outbox):
    book = openpyxl.load_workbook(sample_outbox / "报送情况.xlsx")
    assert book.sheetnames == ["月检查", "季度汇报", "报送率", "催报名单", "未申报"]
    assert book["报送率"]._charts
    chase = rows(sample_outbox / "报送情况.xlsx", "催报名单", "支部编码")
    assert chase and all(r["缺报项"] and r["联系人"] for r in chase)


def test_scores_ranks_and_shortlist_are_consistent(sample_outbox):
    card = rows(sample_outbox / "积分卡.xlsx", "积分卡", "支部编码")
    items = [r.item for r in f.campaign().rubric]
    for r in card:
        assert sum(r[i] for i in items) == pytest.approx(r["总分"])
    totals = sorted((r["总分"] for r in card), reverse=True)
    for r in card:
        assert r["排名"] == 1 + sum(t > r["总分"] + 1e-9 for t in totals)
    listed = rows(sample_outbox / "表彰建议名单.xlsx", "建议名单", "排名")
    missed = rows(sample_outbox / "表彰建议名单.xlsx", "未入围说明", "支部编码")
    assert len(listed) + len(missed) == len(card)
    assert all(r["总分"] >= 85 for r in listed) and all(r["原因"] for r in missed)
    book = openpyxl.load_workbook(sample_outbox / "年度考核表.xlsx", read_only=True)
    assert book.sheetnames[0] == "汇总" and len(book.sheetnames) == len(card) + 1


def test_ledger_holds_only_accepted_rows(sample_outbox):
    book = openpyxl.load_workbook(sample_outbox / "汇总台账.xlsx", read_only=True)
    assert book.sheetnames == ["申报", "任务分解", "月检查", "活动记录", "任务进度", "季度汇报", "宣传报道", "认定申请",
                               "督查记录", "评审评分"]
    manifest = json.loads((sample_outbox / "manifest.json").read_text(encoding="utf-8"))
    accepted = {r["文件"] for r in manifest["files"] if r["状态"] == "受理"}
    monthly = rows(sample_outbox / "汇总台账.xlsx", "月检查", "支部编码")
    assert monthly and {r["来源文件"] for r in monthly} <= accepted
    for sheet in book.sheetnames:
        ledger = rows(sample_outbox / "汇总台账.xlsx", sheet, "支部编码")
        assert all(r["支部编码"] and r["支部名称"] and r["来源文件"] for r in ledger), sheet
