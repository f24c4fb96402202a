"""The shipped sample inbox through the real CLI, every output read back as the clerk would."""

import datetime as dt
import io
import json
import shutil
import zipfile
from pathlib import Path

import factory as f
import openpyxl
import pytest

SAMPLE = f.SAMPLE


@pytest.fixture
def outbox(sample_outbox: Path) -> Path:
    """The sample's outbox at 2014-12-31, run once per test session (conftest.py); tests only read it."""
    return sample_outbox


def rows(path: Path, sheet: str, header_first: str) -> list[dict[str, object]]:
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    top = next(i for i, r in enumerate(values) if r and r[0] == header_first)
    names = values[top]
    width = next((i for i, n in enumerate(names) if n in (None, "")), len(names))  # the table ends at a gap
    body = [r[:width] for r in values[top + 1:]]
    return [dict(zip(names[:width], r, strict=True)) for r in body if any(v not in (None, "") for v in r)]


def members(rel: str, data: bytes) -> list[str]:
    """An archive's members as `<archive>/<member>`, nested archives too (names GBK unless flagged UTF-8)."""
    if not data.startswith(b"PK\x03\x04") or rel.endswith((".xlsx", ".docx")):
        return []
    out = []
    with zipfile.ZipFile(io.BytesIO(data), metadata_encoding="cp936") as zf:
        for info in zf.infolist():
            name = f"{rel}/{info.filename}"
            out += [name, *members(name, zf.read(info))]
    return out


def test_manifest_lists_every_sample_file_and_archive_member_once(outbox):
    manifest = json.loads((outbox / "manifest.json").read_text(encoding="utf-8"))
    listed = [r["文件"] for r in manifest["files"]]
    on_disk = [p.relative_to(SAMPLE).as_posix() for p in SAMPLE.rglob("*") if p.is_file()]
    inside = [m for rel in on_disk for m in members(rel, (SAMPLE / rel).read_bytes())]
    assert len(inside) >= 10  # the sample ships a zipped school folder and a nested archive
    assert sorted(listed) == sorted(on_disk + inside) and len(set(listed)) == len(listed)
    assert len(rows(outbox / "收件清单.xlsx", "收件清单", "文件")) == len(listed)
    status = {r["文件"]: r for r in manifest["files"]}
    archives = [p for p in on_disk if p.endswith(".zip")]
    assert archives and all(status[a]["状态"] == "已解压" for a in archives)
    nested = [m for m in inside if m.endswith(".zip")]
    assert nested and all(status[n]["状态"] == "已解压" for n in nested)
    assert all(status[m]["状态"] == "受理" for m in inside if m.endswith(".xlsx"))


def test_word_applications_in_the_sample_are_accepted(outbox):
    manifest = json.loads((outbox / "manifest.json").read_text(encoding="utf-8"))
    word = [r for r in manifest["files"] if r["文件"].endswith(".docx")]
    assert len(word) == 3
    applications = ("品牌创建申报表", "品牌完善申报表")
    assert all(r["状态"] == "受理" and r["类型"] in applications and r["支部编码"] for r in word)
    ledger = rows(outbox / "汇总台账.xlsx", "申报", "支部编码")
    assert {r["来源文件"] for r in ledger} >= {r["文件"] for r in word}


@pytest.mark.parametrize(("file_part", "field", "level"), [
    ("秣陵实验小学党支部-品牌完善申报表", "保障措施", "警告"),
    ("汤山中心幼儿园联合党支部）.xlsx", "品牌名称", "警告"),
    ("江宁中心小学党支部品牌完善申报表", "联系电话", "警告"),
    ("谷里中心小学党支部-品牌创建申报表", "承办人", "警告"),
    ("秣陵中学党总支第三季度汇报表", "支部名称", "警告"),
    ("淳化中心幼儿园11月检查表", "检查月份", "错误"),
    ("青龙山学校党支部6月份检查表", "支部名称", "错误"),
])
def test_deliberate_mistakes_are_reported_with_their_cells(outbox, file_part, field, level):
    issues = rows(outbox / "问题清单.xlsx", "问题清单", "文件")
    hits = [i for i in issues if file_part in i["文件"] and i["字段"] == field]
    assert hits, f"{file_part}/{field} missing"
    assert hits[0]["级别"] == level and hits[0]["单元格"] and hits[0]["修改建议"]


def test_rejected_files_get_notices(outbox):
    notices = {p.name for p in (outbox / "退回通知").iterdir()}
    assert "未识别-江宁区青龙山学校党支部.xlsx" in notices
    assert "江宁区淳化中心幼儿园联合党支部.xlsx" in notices


def test_rates_agree_with_a_count_of_the_matrix(outbox):
    path = outbox / "报送情况.xlsx"
    matrix = rows(path, "月检查", "支部编码")
    rates = {(r["类型"], r["期间"]): r for r in rows(path, "报送率", "类型") if r["类型"] in ("月检查", "季度汇报")}
    for month in f.campaign().months:
        cells = [r[month] for r in matrix]
        sent = sum(c in ("按时", "逾期") for c in cells)
        owed = sent + sum(c in ("缺报", "退回") for c in cells)  # every month is due by 2014-12-31
        row = rates[("月检查", month)]
        assert (row["应报"], row["实报"], row["按时"]) == (owed, sent, cells.count("按时"))
        assert row["报送率"] == pytest.approx(sent / owed)


def test_status_report_has_its_sheets_and_chart(outbox):
    book = openpyxl.load_workbook(outbox / "报送情况.xlsx")
    assert book.sheetnames == ["月检查", "季度汇报", "报送率", "催报名单", "未申报"]
    assert book["报送率"]._charts
    chase = rows(outbox / "报送情况.xlsx", "催报名单", "支部编码")
    assert chase and all(r["缺报项"] and r["联系人"] for r in chase)


def test_scores_ranks_and_shortlist_are_consistent(outbox):
    card = rows(outbox / "积分卡.xlsx", "积分卡", "支部编码")
    items = [r.item for r in f.campaign().rubric]
    for r in card:
        assert sum(r[i] for i in items) == pytest.approx(r["总分"])
    totals = sorted((r["总分"] for r in card), reverse=True)
    for r in card:
        assert r["排名"] == 1 + sum(t > r["总分"] + 1e-9 for t in totals)
    listed = rows(outbox / "表彰建议名单.xlsx", "建议名单", "序号")
    missed = rows(outbox / "表彰建议名单.xlsx", "未入围说明", "支部编码")
    assert len(listed) + len(missed) == len(card)
    assert all(r["总分"] >= 85 for r in listed) and all(r["原因"] for r in missed)
    book = openpyxl.load_workbook(outbox / "年度考核表.xlsx", read_only=True)
    assert book.sheetnames[0] == "汇总" and len(book.sheetnames) == len(card) + 1


def test_ledger_holds_only_accepted_rows(outbox):
    book = openpyxl.load_workbook(outbox / "汇总台账.xlsx", read_only=True)
    assert book.sheetnames == ["申报", "任务分解", "月检查", "活动记录", "任务进度", "季度汇报", "宣传报道", "认定申请",
                               "督查记录", "评审评分"]
    manifest = json.loads((outbox / "manifest.json").read_text(encoding="utf-8"))
    accepted = {r["文件"] for r in manifest["files"] if r["状态"] == "受理"}
    monthly = rows(outbox / "汇总台账.xlsx", "月检查", "支部编码")
    assert monthly and {r["来源文件"] for r in monthly} <= accepted
    for sheet in book.sheetnames:
        ledger = rows(outbox / "汇总台账.xlsx", sheet, "支部编码")
        assert all(r["支部编码"] and r["支部名称"] and r["来源文件"] for r in ledger), sheet


def test_committee_decision_round_trip_gives_the_register(outbox, tmp_path):
    """积分卡 → 审核验收表 (filled by hand) → 品牌认定名册 / 挂牌名单 (SPEC §12) on the sample."""
    card = [r["支部编码"] for r in rows(outbox / "积分卡.xlsx", "积分卡", "支部编码")]
    applied = {r["支部编码"] for r in rows(outbox / "汇总台账.xlsx", "认定申请", "支部编码")}
    listed = [r["支部编码"] for r in rows(outbox / "表彰建议名单.xlsx", "建议名单", "序号")]
    form = rows(outbox / "审核验收表.xlsx", "审核验收", "支部编码")
    assert [r["支部编码"] for r in form] == [c for c in card if c in applied]
    assert [r["支部编码"] for r in form if r["是否入围"] == "是"] == [c for c in card if c in listed]
    assert all(r["验收结论"] is None and r["审核人"] is None for r in form)
    assert rows(outbox / "品牌认定名册.xlsx", "挂牌名单", "支部名称") == []

    # the committee passes the shortlist and one branch that misses a criterion, turns one down, leaves the rest
    odd = next(r for r in form if r["未入围原因"] and not str(r["未入围原因"]).startswith("符合"))
    no = next(r for r in form if r["是否入围"] == "否" and r is not odd)
    passed = {*listed, odd["支部编码"]}
    book = openpyxl.load_workbook(outbox / "审核验收表.xlsx")
    ws = book["审核验收"]
    header = {c.value: c.column for c in ws[1] if c.value}
    for row in range(2, ws.max_row + 1):
        code = ws.cell(row, 1).value
        if code in passed or code == no["支部编码"]:
            ws.cell(row, header["验收结论"]).value = "通过" if code in passed else "不通过"
            ws.cell(row, header["验收日期"]).value = dt.datetime(2014, 12, 22)
            ws.cell(row, header["审核人"]).value = "局党工委审核验收小组"
    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLE, inbox)
    (inbox / "局党工委").mkdir(exist_ok=True)
    book.save(inbox / "局党工委" / "审核验收表（已审）.xlsx")
    out = tmp_path / "outbox"
    code, text = f.run_cli(inbox, out, "--as-of", "2014-12-31")
    assert code == 0, text

    register = rows(out / "品牌认定名册.xlsx", "品牌认定名册", "认定编号")
    order = [c for c in card if c in passed]
    assert [(r["认定编号"], r["支部编码"], r["认定年度"]) for r in register] == [
        (f"2014-{n:03d}", c, 2014) for n, c in enumerate(order, 1)]
    assert {(r["有效期至"], r["状态"]) for r in register} == {(dt.datetime(2016, 12, 31), "有效")}
    brands = {r["支部编码"]: r["品牌名称"] for r in rows(out / "积分卡.xlsx", "积分卡", "支部编码")}
    assert all(r["品牌名称"] == brands[r["支部编码"]] for r in register)
    plaques = rows(out / "品牌认定名册.xlsx", "挂牌名单", "支部名称")
    assert [(p["支部名称"], p["品牌名称"], p["认定编号"]) for p in plaques] == [
        (r["支部名称"], r["品牌名称"], r["认定编号"]) for r in register]
    assert rows(out / "品牌认定名册.xlsx", "复评名单", "认定编号") == []  # valid beyond next year's review
    filed = next(r for r in f.manifest(out)["files"] if r["文件"] == "局党工委/审核验收表（已审）.xlsx")
    assert (filed["类型"], filed["状态"], filed["错误数"], filed["警告数"]) == ("审核验收表", "受理", 0, 1)
    warning = next(i for i in rows(out / "问题清单.xlsx", "问题清单", "文件") if i["文件"] == filed["文件"])
    assert warning["级别"] == "警告" and warning["字段"] == "验收结论"
    assert all(reason in warning["问题"] for reason in str(odd["未入围原因"]).split("；"))
