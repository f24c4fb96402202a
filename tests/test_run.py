"""End to end: real files through the real CLI, read back from the outbox."""

import datetime as dt
import hashlib
import io
import shutil
from pathlib import Path

import factory as f
import msoffcrypto.format.ooxml
import pytest
from python_calamine import CalamineWorkbook

A, B = ("JN001", "江宁区东山小学党支部"), ("JN002", "秣陵中学党支部")


def sheet_rows(path: Path, sheet: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def table(path: Path, sheet: str, header: str) -> list[dict[str, object]]:
    """Rows of a sheet under the row whose first cell is `header`."""
    rows = sheet_rows(path, sheet)
    top = next(i for i, r in enumerate(rows) if r and r[0] == header)
    names = rows[top]
    return [dict(zip(names, r, strict=True)) for r in rows[top + 1:] if any(v != "" for v in r)]


def tree_hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def encrypted_copy(src: Path, dst: Path) -> None:
    out = io.BytesIO()
    with src.open("rb") as fh:
        msoffcrypto.format.ooxml.OOXMLFile(fh).encrypt("1234", out)
    dst.write_bytes(out.getvalue())


def mixed_inbox(box: Path) -> Path:
    """Good forms beside every kind of file a clerk's inbox really holds."""
    f.roster(box, [f.branch(*A), f.branch(*B)])
    f.application(box, *A)
    f.monthly(box, *A, "2014-05")
    f.monthly(box, *B, "2014-12", file="月检查/错月份.xlsx")
    good = f.quarterly(box, *A, "2014Q2")
    encrypted_copy(good, box / "加密.xlsx")
    (box / "截断.xlsx").write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    (box / "空文件.xlsx").write_bytes(b"")
    (box / "~$月检查.xlsx").write_bytes(b"\x00lock")
    (box / "说明.txt").write_text("请查收", encoding="utf-8")
    (box / ".DS_Store").write_bytes(b"\x00\x01")
    f.write(box / "食堂.xlsx", f.ROSTER, {}, {"支部名册": [f.branch(*A)]})
    _retitle(box / "食堂.xlsx")
    (box / "备份").mkdir()
    shutil.copy(good, box / "备份" / "季报副本.xlsx")
    return box


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """A fresh mixed inbox, for tests that change it or its outbox."""
    return mixed_inbox(tmp_path / "inbox")


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """The mixed inbox run once through the CLI: (inbox, outbox, the inbox's hashes before the run).
    Tests that only read the outbox share it."""
    box = mixed_inbox(tmp_path_factory.mktemp("run") / "inbox")
    before = tree_hashes(box)
    code, out = f.run_cli(box, box.parent / "outbox")
    assert code == 0, out
    return box, box.parent / "outbox", before


def _retitle(path: Path) -> None:
    """A spreadsheet of no known kind: unrelated title, no _meta sheet."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    del book["_meta"]
    ws = book.worksheets[0]
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None and cell.coordinate not in ws.merged_cells:
                cell.value = None
    ws["A1"] = "学校食堂采购登记表"
    ws.title = "Sheet1"
    book.save(path)


def test_every_file_is_listed_once_with_its_status(ran):
    inbox, outbox, _ = ran
    m = f.manifest(outbox)
    files = {r["文件"]: r for r in m["files"]}
    assert sorted(files) == sorted(p.relative_to(inbox).as_posix() for p in inbox.rglob("*") if p.is_file())
    assert files["加密.xlsx"]["状态"] == "无法读取" and "密码" in files["加密.xlsx"]["说明"]
    assert files["截断.xlsx"]["状态"] == "无法读取"
    assert files["空文件.xlsx"]["状态"] == "无法读取"
    assert files["~$月检查.xlsx"]["状态"] == "忽略"
    assert files["说明.txt"]["状态"] == "忽略"
    assert files[".DS_Store"]["状态"] == "忽略"
    assert files["食堂.xlsx"]["状态"] == "无法识别"
    assert files["支部名册.xlsx"]["状态"] == "受理"
    assert files["月检查/错月份.xlsx"]["状态"] == "退回"
    assert files["月检查/错月份.xlsx"]["错误数"] == 1
    assert files["季度汇报/2014Q2/JN001.xlsx"]["状态"] == "重复"  # 备份/ sorts first: that copy is read
    assert files["备份/季报副本.xlsx"]["状态"] == "受理"
    assert files["季度汇报/2014Q2/JN001.xlsx"]["类型"] == "季度汇报表"
    assert files["季度汇报/2014Q2/JN001.xlsx"]["期间"] == "2014Q2"
    assert m["as_of"] == "2014-12-31"
    assert sum(m["counts"].values()) == len(files)
    rows = table(outbox / "收件清单.xlsx", "收件清单", "文件")
    assert len(rows) == len(files)
    assert [r["文件"] for r in rows] == sorted(files)


def test_two_runs_are_byte_identical_and_inbox_untouched(ran, tmp_path: Path):
    inbox, outbox, before = ran
    assert f.run_cli(inbox, tmp_path / "two")[0] == 0
    assert tree_hashes(inbox) == before
    assert tree_hashes(outbox) == tree_hashes(tmp_path / "two")


def test_rerun_replaces_outbox_contents(inbox: Path, tmp_path: Path):
    out = tmp_path / "outbox"
    assert f.run_cli(inbox, out)[0] == 0
    notice = out / "退回通知" / "秣陵中学党支部.xlsx"
    assert notice.exists()
    (inbox / "月检查" / "错月份.xlsx").unlink()  # the only file sent back: its notice is no longer due
    (out / "工作笔记.docx").write_bytes(b"the clerk's own file")
    assert f.run_cli(inbox, out)[0] == 0
    assert not notice.exists()  # an output of the previous run that this run does not write
    assert (out / "工作笔记.docx").read_bytes() == b"the clerk's own file"  # never ours to delete
    assert (out / "收件清单.xlsx").exists()


def test_missing_roster_exits_2_and_keeps_previous_outbox(inbox: Path, tmp_path: Path):
    out = tmp_path / "outbox"
    assert f.run_cli(inbox, out)[0] == 0
    before = tree_hashes(out)
    (inbox / "支部名册.xlsx").unlink()
    code, text = f.run_cli(inbox, out)
    assert code == 2
    assert "支部名册" in text
    assert tree_hashes(out) == before


def test_bad_config_exits_2_naming_the_key(inbox: Path, tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text(f.CONFIG.read_text(encoding="utf-8").replace("due_day = 5", "due_day = 5\ncolour = 1"),
                   encoding="utf-8")
    from click.testing import CliRunner

    from pipeline.cli import cli

    result = CliRunner().invoke(cli, ["run", "--inbox", str(inbox), "--outbox", str(tmp_path / "o"),
                                      "--config", str(bad)])
    assert result.exit_code == 2
    assert "monthly.colour" in result.output


def test_as_of_option_is_used(inbox: Path, tmp_path: Path):
    assert f.run_cli(inbox, tmp_path / "o", "--as-of", "2014-06-30")[0] == 0
    assert f.manifest(tmp_path / "o")["as_of"] == "2014-06-30"


def test_submission_dated_after_as_of_is_listed_but_not_counted(tmp_path: Path):
    box = tmp_path / "inbox"
    f.roster(box, [f.branch(*A)])
    f.monthly(box, *A, "2014-05", filed=dt.date(2014, 6, 3))
    code, _ = f.run_cli(box, tmp_path / "o", "--as-of", "2014-06-01")
    assert code == 0
    row = next(r for r in f.manifest(tmp_path / "o")["files"] if r["类型"] == "月检查表")
    assert row["状态"] == "受理" and "晚于统计截止日" in row["说明"]
    assert table(tmp_path / "o" / "汇总台账.xlsx", "月检查", "支部编码") == []


def test_tables_read_with_header_on_the_first_row(ran):
    import pandas as pd

    inbox, out, _ = ran
    manifest = pd.read_excel(out / "收件清单.xlsx", sheet_name="收件清单", engine="openpyxl", dtype=str)
    assert list(manifest.columns) == ["文件", "类型", "支部编码", "支部名称", "期间", "状态", "错误数", "警告数",
                                      "说明", "SHA256"]  # the hash last: it prints clipped at the right (issue 11)
    assert len(manifest) == sum(1 for p in inbox.rglob("*") if p.is_file())
    issues = pd.read_excel(out / "问题清单.xlsx", sheet_name="问题清单", engine="openpyxl")
    assert list(issues.columns) == ["文件", "支部名称", "工作表", "单元格", "字段", "值", "问题", "级别", "修改建议"]
    ledger = pd.read_excel(out / "汇总台账.xlsx", sheet_name="月检查", engine="openpyxl")
    assert list(ledger.columns[:3]) == ["支部编码", "支部名称", "来源文件"]


def test_formula_text_in_a_submission_stays_text(tmp_path: Path):
    import openpyxl

    box = tmp_path / "inbox"
    f.roster(box, [f.branch(*A)])
    f.application(box, *A, 品牌名称='=HYPERLINK("http://x","红烛")')
    assert f.run_cli(box, tmp_path / "o")[0] == 0
    ws = openpyxl.load_workbook(tmp_path / "o" / "汇总台账.xlsx")["申报"]
    header = [c.value for c in ws[1]]
    cell = ws.cell(row=2, column=header.index("品牌名称") + 1)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_notice_names_cannot_escape_their_folder(tmp_path: Path):
    box = tmp_path / "inbox"
    f.roster(box, [f.branch(*A)])
    f.monthly(box, "", "../../江宁区某某/学校:党支部", "2014-06", file="m.xlsx")
    f.monthly(box, *A, "2014-12", file="a.xlsx")
    out = tmp_path / "o"
    assert f.run_cli(box, out)[0] == 0
    notices = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.xlsx") if "退回通知" in p.as_posix())
    assert notices == ["退回通知/未识别-.._.._江宁区某某_学校_党支部.xlsx", f"退回通知/{A[1]}.xlsx"]
    rows = table(out / "退回通知" / f"{A[1]}.xlsx", "退回通知", "文件")
    assert rows[0]["文件"] == "a.xlsx" and rows[0]["级别"] == "错误" and rows[0]["单元格"]


def test_committee_files_get_no_branch_notice(tmp_path: Path):
    box = tmp_path / "inbox"
    f.roster(box, [f.branch(*A)])
    f.inspections(box, [{"督查日期": dt.date(2014, 10, 9), "支部名称": "江宁区东山小学党之部", "督查方式": "定期",
                         "督查人": "赵平", "整改情况": "已整改", "评分": 9}])
    out = tmp_path / "o"
    assert f.run_cli(box, out)[0] == 0
    assert not (out / "退回通知").exists() or not any((out / "退回通知").iterdir())
    issues = table(out / "问题清单.xlsx", "问题清单", "文件")
    assert [i["字段"] for i in issues] == ["支部名称"] and issues[0]["支部名称"] == A[1]


def test_roster_with_duplicate_codes_stops_with_the_cells(tmp_path: Path):
    box = tmp_path / "inbox"
    f.roster(box, [f.branch(*A), f.branch("JN001", "秣陵中学党支部"), f.branch("JN003", " 江宁区东山小学 党支部")])
    code, text = f.run_cli(box, tmp_path / "o")
    assert code == 2
    assert "支部编码" in text and "JN001" in text and "重复" in text
    assert "支部名称" in text and "!B" in text  # each problem names its cell
    assert not (tmp_path / "o").exists()
