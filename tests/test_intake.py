"""Word forms and archives (SPEC §10): committed fixtures (tests/data/make_intake_fixtures.py) and the
project's own Word templates, through the reader and the real CLI, read back from the outbox."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from functools import cache
from pathlib import Path

import docx
import factory as f
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from pipeline.cli import cli
from pipeline.forms import form_kinds
from pipeline.model import IGNORED, UNKNOWN, UNREADABLE, Received
from pipeline.parse.file import read_file
from pipeline.read import archives
from pipeline.read.archives import ArchiveLimits, member_path
from pipeline.read.inbox import plan
from pipeline.read.walk import Loaded

DATA = Path(__file__).parent / "data"
WORD = DATA / "intake"
CAMPAIGN = f.campaign()
KINDS = form_kinds(CAMPAIGN)
A1 = re.compile(r"^[A-Z]+\d+$")
WORD_CELL = re.compile(r"^表格\d+ 第\d+行第\d+列$")


@cache
def read(path: Path) -> Received:
    return read_file(path.name, path.read_bytes(), KINDS, CAMPAIGN)


def table(path: Path, sheet: str, drop: tuple[str, ...] = ("来源文件",)) -> list[tuple[str, ...]]:
    """A ledger-style sheet (header on row 1) as sorted rows of text, without the columns in `drop`."""
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()
    keep = [i for i, name in enumerate(rows[0]) if name not in drop]
    return sorted(tuple(str(r[i]) for i in keep) for r in rows[1:] if any(v != "" for v in r))


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def run(inbox: Path, outbox: Path) -> dict[str, dict[str, object]]:
    code, output = f.run_cli(inbox, outbox, "--as-of", "2014-12-31")
    assert code == 0, output
    return {r["文件"]: r for r in f.manifest(outbox)["files"]}  # type: ignore[union-attr]


def inbox_with(tmp: Path, files: dict[str, Path | bytes]) -> Path:
    inbox = tmp / "inbox"
    inbox.mkdir(parents=True)
    shutil.copyfile(DATA / "template_roster.xlsx", inbox / "支部名册.xlsx")
    for rel, source in files.items():
        (inbox / rel).parent.mkdir(parents=True, exist_ok=True)
        (inbox / rel).write_bytes(source if isinstance(source, bytes) else source.read_bytes())
    return inbox


# ---- Word forms read like their Excel twins ------------------------------------------------------

TWINS = {
    "word_apply_merged.docx": "template_apply_create.xlsx",  # a label merged down six rows, spans
    "word_monthly_inline.docx": "template_monthly.xlsx",  # 支部名称：… in paragraphs and cells, captions
    "word_improve_two_row_header.docx": "template_apply_improve.xlsx",  # task header over two rows
    "word_apply_extra_columns.docx": "template_apply_create.xlsx",  # reordered and extra task columns
    "word_quarterly.docx": "template_quarterly.xlsx",
    "word_recognition.docx": "template_recognition.xlsx",
    "word_template_filled.docx": "template_apply_create.xlsx",  # the project's own Word template
    "word_template_lo.docx": "template_apply_create.xlsx",  # that form re-saved by LibreOffice
}


@pytest.mark.parametrize("name", sorted(TWINS))
def test_word_form_reads_exactly_like_its_excel_twin(name):
    word, excel = read(WORD / name).submission, read(DATA / TWINS[name]).submission
    assert word is not None and excel is not None
    assert word.kind.key == excel.kind.key and word.issues == ()
    assert word.record == excel.record
    for label, table in excel.tables.items():
        known = [c for c in table.columns if not c.startswith("_")]
        assert {c: word.tables[label][c] for c in known} == {c: table[c] for c in known}, label
    assert all(WORD_CELL.match(ref) or ref.endswith("段") for _, ref in word.places.values())


def test_extra_task_columns_are_kept():
    tasks = read(WORD / "word_apply_extra_columns.docx").submission.tables["任务分解"]
    assert {"责任领导", "备注"} <= set(tasks.columns)
    assert list(tasks["责任领导"]) == ["王建国", "王建国", "周海燕"]


def test_merged_word_cells_are_read_once_with_their_extent():
    sub = read(WORD / "word_apply_merged.docx").submission
    # 支部名称 | value over three cells | 支部编码 | value: the code is the fourth cell Word shows
    assert sub.cell("支部编码")[1] == "表格1 第1行第4列" and sub.cell("支部名称")[1] == "表格1 第1行第2列"
    # sub-labels beside 创建方案 (merged down six rows): the value is the row's third cell
    assert sub.cell("工作步骤")[1] == "表格1 第10行第3列"


def _docx(rows: list[tuple[str, str]], title: str = "基层党组织“一支部一品牌”品牌创建申报表") -> bytes:
    document = docx.Document()
    document.add_paragraph(title)
    grid = document.add_table(rows=len(rows), cols=2)
    for (label, value), row in zip(rows, grid.rows, strict=True):
        row.cells[0].text, row.cells[1].text = label, value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def bad_recognition() -> tuple[bytes, int]:
    """The recognition fixture typed into a two-column Word table, 申请日期 written as 下周; its table row."""
    sub = read(WORD / "word_recognition.docx").submission
    rows = [(label, "下周" if label == "申请日期" else str(value or "")) for label, value in sub.record.items()]
    return _docx(rows, "“一支部一品牌”认定申请表"), 1 + list(sub.record).index("申请日期")


def test_format_is_told_by_content_not_by_name():
    form = (WORD / "word_recognition.docx").read_bytes()
    assert read_file("认定申请表.xlsx", form, KINDS, CAMPAIGN).submission.kind.key == "recognition"
    sheet = (DATA / "template_monthly.xlsx").read_bytes()
    assert read_file("月检查表.docx", sheet, KINDS, CAMPAIGN).submission.kind.key == "monthly"
    assert read_file("月检查表.doc", sheet, KINDS, CAMPAIGN).submission.kind.key == "monthly"


def test_archives_are_told_from_documents_by_content():
    """An Office or OpenDocument file is a zip too: whatever member it names first, it is no archive."""
    packages = [DATA / "template_monthly.xlsx", WORD / "word_recognition.docx", *sorted(DATA.rglob("*.ods"))[:1]]
    for path in packages:
        assert archives.archive_format(path.read_bytes()) is None, path.name
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:  # written by openpyxl's way: docProps first
        zf.writestr("docProps/app.xml", "<Properties/>")
        zf.writestr("[Content_Types].xml", "<Types/>")
    assert archives.archive_format(buffer.getvalue()) is None
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:  # a school's folder, zipped
        zf.writestr("东山中学/6月检查表.xlsx", (DATA / "template_monthly.xlsx").read_bytes())
    assert archives.archive_format(buffer.getvalue()) == "zip"
    assert archives.archive_format(b"PK\x03\x04" + b"\x00" * 10) == "zip"  # a damaged zip is still an archive


def test_word_template_kind_comes_from_its_document_property():
    """The hidden custom property decides, as `_meta` does: a form whose title was deleted still reads."""
    data = (WORD / "word_template_filled.docx").read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename == "word/document.xml":
                body = body.replace("品牌创建申报表".encode(), "申报".encode())
            dst.writestr(item, body)
    received = read_file("无标题.docx", out.getvalue(), KINDS, CAMPAIGN)
    assert received.submission is not None and received.submission.kind.key == "apply_create"


OTHER = {
    "word_template_lo.doc": (UNREADABLE, "请将 Word 97-2003 文档另存为 .docx 后重新发送"),
    "word_97.wps": (UNREADABLE, "另存为 .docx"),
    "wps_unknown.et": (UNREADABLE, "另存为 Excel 文件（.xlsx）"),
    "scan.pdf": (IGNORED, "PDF"),
    "photo.jpg": (IGNORED, "图片"),
}


@pytest.mark.parametrize("name", sorted(OTHER))
def test_other_formats_get_a_reason(name):
    status, words = OTHER[name]
    received = read(WORD / name)
    assert (received.status, received.submission) == (status, None)
    assert words in received.reason and (".docx" in received.reason or ".xlsx" in received.reason)


def test_wps_sheet_that_is_an_ole2_workbook_is_read_like_xls():
    assert read(WORD / "wps_sheet.et").submission.record == read(DATA / "template_monthly.xls").submission.record


def test_a_word_notice_is_read_but_no_form():
    assert read(DATA / "bad_notice.docx").status == UNKNOWN


@pytest.mark.parametrize(("edit", "words"), [
    (lambda xml: xml.replace(b"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="999999999"/>', 1), "列"),
    (lambda xml: xml.replace(b"<w:body>", b"<w:body>" + b"<w:sdt><w:sdtContent>" * 60, 1).replace(
        b"</w:body>", b"</w:sdtContent></w:sdt>" * 60 + b"</w:body>"), "嵌套"),
    (lambda xml: b'<!DOCTYPE d [<!ENTITY a "aaaa">]>' + xml.split(b"?>", 1)[1], "损坏"),
    (lambda xml: xml[: len(xml) // 2], "损坏"),
])
def test_hostile_word_documents_are_unreadable_not_fatal(edit, words):
    data = (WORD / "word_recognition.docx").read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            dst.writestr(item, edit(body) if item.filename == "word/document.xml" else body)
    received = read_file("x.docx", out.getvalue(), KINDS, CAMPAIGN)
    assert received.status == UNREADABLE and words in received.reason, received.reason


# ---- the Word templates, filled in by a program, read back with no issue -------------------------

def fill(path: Path, values: dict[str, str], tasks: list[list[str]]) -> None:
    """Type each value into the cell right of its label, and the tasks into the task table's empty rows."""
    document = docx.Document(str(path))
    form, grid = document.tables
    for row in form.rows:
        cells = list({id(c._tc): c for c in row.cells}.values())  # python-docx repeats a spanned cell
        for label, value in zip(cells[::2], cells[1::2], strict=False):
            key = label.text.rstrip("*")
            if key in values and not value.text:
                value.text = values[key]
    for row, task in zip(grid.rows[1:], tasks, strict=False):
        for cell, text in zip(row.cells, task, strict=True):
            cell.text = text
    document.save(str(path))


def test_filled_word_template_reads_back_with_zero_issues(tmp_path):
    box = tmp_path / "inbox"
    f.roster(box, [f.branch("JN001", "江宁区实验小学党支部")])  # one branch: one pre-filled set
    templates = tmp_path / "模板"
    result = CliRunner().invoke(cli, ["templates", "--out", str(templates), "--inbox", str(box),
                                      "--config", str(f.CONFIG)])
    assert result.exit_code == 0, result.output
    form = next((templates / "各支部").glob("JN001-*")) / "品牌创建申报表.docx"
    values = {label: f.LONG for label in ("品牌释义", "目标要求", "创建内容", "方式方法", "保障措施", "工作步骤")}
    values |= {"支部书记": "王建国", "联系人": "李红", "联系电话": "13912345678", "党员人数": "23",
               "品牌名称": "红烛先锋", "填报日期": "2014年4月15日"}
    fill(form, values, [["1", "制定品牌创建方案", "王建国", "2014年5月", "5月底前完成"],
                        ["2", "开展红烛讲堂主题党日", "李红", "2014-11", "按月推进"]])
    (box / "申报").mkdir()
    shutil.copyfile(form, box / "申报" / "实验小学申报表.docx")
    files = run(box, tmp_path / "out")
    row = files["申报/实验小学申报表.docx"]
    assert (row["状态"], row["类型"], row["支部编码"], row["错误数"], row["警告数"]) == (
        "受理", "品牌创建申报表", "JN001", 0, 0)
    tasks = table(tmp_path / "out" / "汇总台账.xlsx", "任务分解")
    assert len(tasks) == 2


def test_libreoffice_copies_and_a_rar_without_its_tool(tmp_path, monkeypatch):
    """Saved by LibreOffice as .docx the form still counts; saved as .doc it is 无法读取 with the 另存为 reason
    (the copies were made by LibreOffice with the fixtures: none is needed here). With no unrar, unar or
    bsdtar on the machine a .rar is 无法读取 with what to do instead."""
    monkeypatch.setattr(archives, "rar_tool", lambda: None)
    files = run(inbox_with(tmp_path, {"申报/lo.docx": WORD / "word_template_lo.docx",
                                      "申报/lo.doc": WORD / "word_template_lo.doc",
                                      "材料.rar": WORD / "archive.rar"}), tmp_path / "out")
    assert (files["申报/lo.docx"]["状态"], files["申报/lo.docx"]["警告数"]) == ("受理", 0)
    assert files["申报/lo.doc"]["状态"] == "无法读取"
    assert "请将 Word 97-2003 文档另存为 .docx 后重新发送" in files["申报/lo.doc"]["说明"]
    assert files["材料.rar"]["状态"] == "无法读取"
    assert "请解压后放入收件箱或改用 .zip" in files["材料.rar"]["说明"]


# ---- the same content counts the same, whatever the container ------------------------------------

def outputs(outbox: Path) -> dict[str, list[tuple[str, ...]]]:
    ledger = {s: table(outbox / "汇总台账.xlsx", s) for s in ("申报", "任务分解", "月检查", "活动记录", "任务进度")}
    return {**ledger, "积分卡": table(outbox / "积分卡.xlsx", "积分卡")}


def test_a_word_application_counts_exactly_like_the_excel_one(tmp_path):
    monthly = {"月检查/6月.xlsx": DATA / "template_monthly.xlsx"}
    excel = run(inbox_with(tmp_path / "x", {"申报/实验小学.xlsx": DATA / "template_apply_create.xlsx", **monthly}),
                tmp_path / "x" / "out")
    word = run(inbox_with(tmp_path / "w", {"申报/实验小学.docx": WORD / "word_apply_merged.docx", **monthly}),
               tmp_path / "w" / "out")
    assert excel["申报/实验小学.xlsx"]["状态"] == word["申报/实验小学.docx"]["状态"] == "受理"
    same = outputs(tmp_path / "x" / "out")
    assert same == outputs(tmp_path / "w" / "out")
    assert same["申报"] and same["任务分解"] and same["积分卡"]


def test_a_zipped_school_folder_counts_like_the_folder(tmp_path):
    folder = "秣陵幼儿园报送材料"
    with zipfile.ZipFile(WORD / "zip_gbk_folder.zip", metadata_encoding="cp936") as zf:
        loose = {n: zf.read(n) for n in zf.namelist() if n.startswith(folder)}
    plain = run(inbox_with(tmp_path / "f", dict(loose)), tmp_path / "f" / "out")
    zipped_inbox = inbox_with(tmp_path / "z", {"邮件附件/材料.zip": WORD / "zip_gbk_folder.zip"})
    before = tree(zipped_inbox)
    zipped = run(zipped_inbox, tmp_path / "z" / "out")
    assert outputs(tmp_path / "f" / "out") == outputs(tmp_path / "z" / "out")
    for name in loose:
        a, b = plain[name], zipped[f"邮件附件/材料.zip/{name}"]
        assert {k: v for k, v in a.items() if k != "文件"} == {k: v for k, v in b.items() if k != "文件"}
    assert zipped["邮件附件/材料.zip"]["状态"] == "已解压" and "共 4 个文件" in zipped["邮件附件/材料.zip"]["说明"]
    assert tree(zipped_inbox) == before  # the inbox is never modified
    run(zipped_inbox, tmp_path / "z" / "again")
    assert tree(tmp_path / "z" / "out") == tree(tmp_path / "z" / "again")  # byte-identical on a rerun


# ---- archives: every member once, hostile ones refused with their reason -------------------------

ARCHIVES = ["archive.7z", "archive.rar", "deep.zip", "encrypted.7z", "nested.zip", "rar_encrypted.rar",
            "zip_bomb.zip", "zip_bomb_lying.zip", "zip_encrypted.zip", "zip_escape.zip", "zip_gbk_folder.zip",
            "zip_symlink.zip", "zip_truncated.zip", "zip_utf8_noflag.zip"]
# A .rar is opened by an external tool (unrar, unar or bsdtar). Where the machine has none, both .rar files are
# 无法读取 with the tool's reason, and the rest of the expectations hold as they are.
RAR_TOOL = archives.rar_tool() is not None
NO_RAR = "请解压后放入收件箱或改用 .zip"
REFUSED = {
    "encrypted.7z": "密码", "rar_encrypted.rar": "密码" if RAR_TOOL else NO_RAR, "zip_encrypted.zip": "密码",
    "zip_bomb.zip": "压缩炸弹", "zip_bomb_lying.zip": "损坏", "zip_escape.zip": "../",
    "zip_symlink.zip": "链接", "zip_truncated.zip": "损坏",
    "deep.zip/第二层.zip/第三层.zip/第四层.zip": "嵌套超过 3 层",
}
RAR_MEMBERS = {"archive.rar": ["秣陵幼儿园/6月检查表.xlsx", "秣陵幼儿园/说明.txt"]} if RAR_TOOL else {}
MEMBERS = {
    "archive.7z": ["季度汇报/第二季度汇报表.xlsx", "说明.txt"],
    **RAR_MEMBERS,
    "deep.zip": ["第二层.zip", "第二层.zip/第三层.zip", "第二层.zip/第三层.zip/第四层.zip"],
    "nested.zip": ["内层/月报.7z", "内层/月报.7z/6月检查表.xlsx", "内层/认定材料.zip",
                   "内层/认定材料.zip/认定申请表.xlsx"],
    "zip_gbk_folder.zip": ["__MACOSX/秣陵幼儿园报送材料/._6月检查表.xlsx", "秣陵幼儿园报送材料/6月检查表.xlsx",
                           "秣陵幼儿园报送材料/品牌创建申报表.docx", "秣陵幼儿园报送材料/活动照片.jpg"],
    "zip_utf8_noflag.zip": ["东山中学/第二季度汇报表.xlsx"],
}


@pytest.fixture(scope="module")
def archive_run(tmp_path_factory) -> tuple[Path, dict[str, dict[str, object]]]:
    tmp = tmp_path_factory.mktemp("archives")
    files: dict[str, Path | bytes] = {f"收到的/{n}": WORD / n for n in ARCHIVES}
    files["月检查/6月检查表.xlsx"] = DATA / "template_monthly.xlsx"  # also inside three archives
    files["认定/实验小学.docx"] = bad_recognition()[0]
    inbox = inbox_with(tmp, files)
    return inbox, run(inbox, tmp / "out")


def test_every_member_is_listed_once_under_its_archive(archive_run):
    inbox, files = archive_run
    on_disk = [p.relative_to(inbox).as_posix() for p in inbox.rglob("*") if p.is_file()]
    inside = [f"收到的/{a}/{m}" for a, names in MEMBERS.items() for m in names]
    assert sorted(files) == sorted(on_disk + inside)
    assert all(files[f"收到的/{archive}"]["状态"] == "已解压" for archive in MEMBERS)
    if not RAR_TOOL:
        assert files["收到的/archive.rar"]["状态"] == "无法读取" and NO_RAR in files["收到的/archive.rar"]["说明"]


def test_issues_in_a_word_form_name_table_row_and_column(archive_run):
    issues = CalamineWorkbook.from_path(str(archive_run[0].parent / "out" / "问题清单.xlsx"))
    rows = issues.get_sheet_by_name("问题清单").to_python()
    found = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    date = next(i for i in found if i["文件"] == "认定/实验小学.docx" and i["字段"] == "申请日期")
    assert (date["级别"], date["值"], date["工作表"]) == ("错误", "下周", "正文")
    assert date["单元格"] == f"表格1 第{bad_recognition()[1]}行第2列"
    assert archive_run[1]["认定/实验小学.docx"]["状态"] == "退回"


def test_archive_rows_count_their_members(archive_run):
    files = archive_run[1]
    assert "共 4 个文件" in files["收到的/zip_gbk_folder.zip"]["说明"]
    assert "共 2 个文件" in files["收到的/nested.zip"]["说明"]
    assert "共 1 个文件" in files["收到的/nested.zip/内层/认定材料.zip"]["说明"]


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_hostile_and_broken_archives_are_unreadable_with_their_reason(archive_run, name):
    row = archive_run[1][f"收到的/{name}"]
    assert row["状态"] == "无法读取" and REFUSED[name] in row["说明"], row["说明"]
    assert not [p for p in archive_run[1] if p.startswith(f"收到的/{name}/")]  # nothing of it is read


def test_members_are_read_like_files(archive_run):
    files = archive_run[1]
    assert files["收到的/zip_gbk_folder.zip/秣陵幼儿园报送材料/品牌创建申报表.docx"]["状态"] == "受理"
    assert files["收到的/archive.7z/季度汇报/第二季度汇报表.xlsx"]["状态"] == "受理"
    assert files["收到的/zip_utf8_noflag.zip/东山中学/第二季度汇报表.xlsx"]["状态"] == "重复"  # the same bytes
    assert files["收到的/nested.zip/内层/认定材料.zip/认定申请表.xlsx"]["状态"] == "受理"
    assert files["收到的/zip_gbk_folder.zip/__MACOSX/秣陵幼儿园报送材料/._6月检查表.xlsx"]["状态"] == "忽略"
    assert files["收到的/zip_gbk_folder.zip/秣陵幼儿园报送材料/活动照片.jpg"]["状态"] == "忽略"


def test_duplicates_are_decided_across_archives_and_folders(archive_run):
    files = archive_run[1]
    copies = sorted(p for p, r in files.items() if p.endswith("6月检查表.xlsx") and "__MACOSX" not in p)
    assert len(copies) == 3 + RAR_TOOL  # loose, in the GBK zip, in the 7z inside nested.zip, in the .rar
    read_ones = [p for p in copies if files[p]["状态"] == "受理"]
    assert read_ones == [copies[0]]
    assert all(files[p]["状态"] == "重复" and copies[0] in files[p]["说明"] for p in copies[1:])


@pytest.mark.skipif(not RAR_TOOL, reason="本机没有 unrar、unar 或 bsdtar")
def test_nothing_is_left_in_the_temporary_folder(archive_run):
    assert archive_run[1]["收到的/archive.rar"]["状态"] == "已解压"  # the .rar went through a private folder
    assert not list(Path(tempfile.gettempdir()).glob("pinpai-rar-*"))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads the peak memory from /proc")
def test_zip_bomb_stops_within_a_second_and_little_memory():
    """In a fresh process: the time, and the peak resident memory (VmHWM: ru_maxrss survives exec)."""
    script = (
        "import re, sys, time; from pathlib import Path\n"
        "from pipeline.read.archives import expand\n"
        "def peak(): return int(re.search(r'VmHWM:\\s+(\\d+)', Path('/proc/self/status').read_text())[1]) / 1024\n"
        "data = Path(sys.argv[1]).read_bytes(); before = peak()\n"
        "start = time.perf_counter(); result = expand('bomb.zip', data)\n"
        "took = time.perf_counter() - start; after = peak()\n"
        "print(took, after - before, after, result.problem)\n"
    )
    for bomb in ("zip_bomb.zip", "zip_bomb_lying.zip"):
        out = subprocess.run([sys.executable, "-c", script, str(WORD / bomb)], capture_output=True, text=True,
                             check=True, cwd=f.ROOT).stdout.split(maxsplit=3)
        took, grew, peak, problem = float(out[0]), float(out[1]), float(out[2]), out[3]
        assert took < 1.0 and grew < 100 and peak < 100 and problem, (bomb, out)


# ---- unit: names and the streaming budget --------------------------------------------------------

@pytest.mark.parametrize(("raw", "clean"), [
    ("材料/5月.xlsx", "材料/5月.xlsx"), ("./材料//5月.xlsx", "材料/5月.xlsx"), ("材料\\5月.xlsx", "材料/5月.xlsx"),
    ("../5月.xlsx", None), ("材料/../../x", None), ("/etc/passwd", None), ("C:\\x.xlsx", None), ("\\\\srv\\x", None),
])
def test_member_paths_stay_inside_the_archive(raw, clean):
    assert member_path(raw) == clean


def test_limits_are_enforced_on_the_bytes_as_they_stream():
    budget = archives._Budget(ArchiveLimits(member_bytes=1000, ratio_floor=10_000), archive_size=10_000)
    with pytest.raises(archives.ArchiveError, match="上限"):
        archives._drain(io.BytesIO(b"x" * 5000), "a.xlsx", budget, compressed=5000)
    budget = archives._Budget(ArchiveLimits(ratio=10, ratio_floor=100), archive_size=10**9)
    with pytest.raises(archives.ArchiveError, match="压缩比"):
        archives._drain(io.BytesIO(bytes(300 * 1024)), "a.xlsx", budget, compressed=100)
    budget = archives._Budget(ArchiveLimits(total_bytes=3000), archive_size=10**9)
    archives._drain(io.BytesIO(b"x" * 2000), "a", budget, compressed=2000)
    with pytest.raises(archives.ArchiveError, match="解压后超过"):
        archives._drain(io.BytesIO(b"x" * 2000), "b", budget, compressed=2000)


def test_nested_archives_share_one_budget():
    """Two nested zips of 600 bytes each with 1,000 bytes left after the outer one: the second no longer fits."""
    inner = [zipfile.ZipInfo(n, (2014, 6, 1, 0, 0, 0)) for n in ("a.txt", "b.txt")]
    def zipped(members: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zf:
            for info, body in members:
                zf.writestr(info, body)
        return out.getvalue()
    one, two = zipped([(inner[0], b"1" * 600)]), zipped([(inner[1], b"2" * 600)])
    outer = zipped([("one.zip", one), ("two.zip", two)])
    limits = ArchiveLimits(total_bytes=1000 + len(one) + len(two))
    planned = {slot.rel: row for slot, row in plan([Loaded("o.zip", outer, "0" * 64, 0.0)], limits)}
    decided = {rel: row.status for rel, row in planned.items() if isinstance(row, Received)}
    assert decided == {"o.zip": "已解压", "o.zip/one.zip": "已解压", "o.zip/two.zip": "无法读取"}


def test_manifest_json_lists_the_expanded_status(archive_run):
    counts = json.loads((archive_run[0].parent / "out" / "manifest.json").read_text(encoding="utf-8"))["counts"]
    assert counts["已解压"] == 9 + RAR_TOOL and counts["无法读取"] == len(REFUSED) + (not RAR_TOOL)
