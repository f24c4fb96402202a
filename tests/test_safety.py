"""Issue 8: hostile files and faults, each as a real file or a real fault, through the real CLI.

Heavy files are built here from a few KB of code: a deflate block repeated after a full flush
decompresses to the same bytes every time, so a few MB on disk stand for gigabytes unpacked.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import factory as f
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.forms import form_kinds
from pipeline.parse.file import read_file
from pipeline.read import walk
from pipeline.read.pool import ReadPool, ReadTask
from pipeline.write import outbox as ob

A = ("JN001", "江宁区东山小学党支部")
B = ("JN002", "秣陵中学党支部")
CAMPAIGN = f.campaign()
KINDS = form_kinds(CAMPAIGN)
PIPELINE = [sys.executable, "-c", "from pipeline.cli import main; main()"]
ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False


# ---- building hostile workbooks ----------------------------------------------------------------

def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def _repeated(head: bytes, unit: bytes, times: int, tail: bytes) -> tuple[bytes, int]:
    """Raw deflate of head + unit × times + tail, built in O(len(unit)) time."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(unit) + c.flush(zlib.Z_FULL_FLUSH)  # no history after a full flush: it repeats
    end = c.compress(tail) + c.flush()
    return first + block * times + end, len(head) + len(unit) * times + len(tail)


def _zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> Path:
    """A zip from (name, raw deflate data, declared size, crc) written by hand (sizes may lie)."""
    local, central, offset = [], [], 0
    for name, comp, size, crc in members:
        n = name.encode()
        head = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0x800, 8, 0, 0, crc, len(comp), size, len(n), 0) + n
        central.append(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0x800, 8, 0, 0, crc, len(comp),
                                   size, len(n), 0, 0, 0, 0, 0, offset) + n)
        local += [head, comp]
        offset += len(head) + len(comp)
    cd = b"".join(central)
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members), len(cd), offset, 0)
    path.write_bytes(b"".join(local) + cd + end)
    return path


def hostile(base: Path, target: Path, member: str, unit: bytes, times: int, *, declared: int | None = None,
            before: bytes = b"</sheetData>") -> Path:
    """`base` with `unit` × `times` inserted in `member` just before `before`."""
    with zipfile.ZipFile(base) as zf:
        parts = []
        for info in zf.infolist():
            data = zf.read(info.filename)
            if info.filename == member:
                at = data.index(before)
                comp, size = _repeated(data[:at], unit, times, data[at:])
                crc = 0  # a member past the size limits is refused unread; a smaller one needs its real CRC
                if size < 200 << 20:
                    crc = zlib.crc32(data[:at])
                    for _ in range(times):
                        crc = zlib.crc32(unit, crc)
                    crc = zlib.crc32(data[at:], crc)
                parts.append((info.filename, comp, size if declared is None else declared, crc))
            else:
                parts.append((info.filename, _deflate(data), len(data), zlib.crc32(data)))
    return _zip(target, parts)


def far_corner(base: Path, target: Path) -> Path:
    """A real form plus one stray cell at XFD1048576: 2 KB-ish, a 549 GB range for a dense reader."""
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr">'
                                                     b"<is><t>x</t></is></c></row></sheetData>")
            zout.writestr(info.filename, data)
    return target


@pytest.fixture
def box(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    f.roster(inbox, [f.branch(*A), f.branch(*B)])
    f.application(inbox, *A)
    f.monthly(inbox, *A, "2014-05")
    return inbox


def manifest_rows(outbox: Path) -> dict[str, dict[str, object]]:
    return {r["文件"]: r for r in f.manifest(outbox)["files"]}


def tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


# ---- bounded reading ---------------------------------------------------------------------------

def test_far_corner_cell_is_read_by_its_cells(box: Path):
    good = box / "月检查" / "2014-05" / "JN001.xlsx"
    far = far_corner(good, box / "远角.xlsx")
    assert far.stat().st_size < 12_000
    received = read_file("远角.xlsx", far.read_bytes(), KINDS, CAMPAIGN)
    assert received.status is None and received.submission is not None
    assert received.submission.value("本月小结") == read_file("g.xlsx", good.read_bytes(), KINDS,
                                                               CAMPAIGN).submission.value("本月小结")


def test_hostile_files_are_refused_fast_and_small(box: Path, tmp_path: Path):
    """Refused in < 5 s and < 300 MB RSS (measured on the real CLI in a child process)."""
    good = box / "月检查" / "2014-05" / "JN001.xlsx"
    row = b'<row><c t="inlineStr"><is><t>' + b"x" * 30000 + b"</t></is></c></row>"
    files = {
        "sheet_bomb.xlsx": hostile(good, tmp_path / "sheet_bomb.xlsx", "xl/worksheets/sheet1.xml",
                                   row * 30, 4000),  # 3.6 GB of sheet XML
        "sheet_bomb_lying.xlsx": hostile(good, tmp_path / "sheet_bomb_lying.xlsx", "xl/worksheets/sheet1.xml",
                                         row * 30, 4000, declared=3000),  # declares 3 KB
        "sst_bomb.xlsx": hostile(good, tmp_path / "sst_bomb.xlsx", "xl/sharedStrings.xml",
                                 (b"<si><t>" + b"y" * 30000 + b"</t></si>") * 30, 4000, before=b"</sst>"),
        "million.xlsx": hostile(good, tmp_path / "million.xlsx", "xl/worksheets/sheet2.xml",
                                ('<row><c t="n"><v>41769</v></c><c t="inlineStr"><is><t>主题党日</t></is></c>'
                                 '<c t="n"><v>10</v></c></row>').encode() * 1000, 1000),  # 1,000,000 活动记录 rows
        "rows_over_limit.xlsx": hostile(good, tmp_path / "rows_over_limit.xlsx", "xl/worksheets/sheet2.xml",
                                        b"".join(b"<row><c><v>%d</v></c></row>" % i
                                                 for i in range(120_000)), 1),  # 120,000 rows
        "far.xlsx": far_corner(good, tmp_path / "far.xlsx"),
    }
    assert all(p.stat().st_size < 8_000_000 for p in files.values())
    probe = ("import sys, time; sys.path.insert(0, sys.argv[1]); import factory as f; from pathlib import Path; "
             "from pipeline.check import read_path; c = f.campaign(); "
             "timed = lambda p: (time.process_time(), read_path(p, Path(p), c), time.process_time()); "
             "got = [(p, timed(p)) for p in sys.argv[2:]]; "
             "print(*(f'{p}  {b - a:.2f}  {r.status}  {r.reason}' for p, (a, r, b) in got), sep=chr(10)); "
             # the probe's own peak (VmHWM: ru_maxrss would keep the forking test worker's) and its workers'
             "import re, resource; own = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1]); "
             "print(max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", probe, str(Path(__file__).parent), *map(str, files.values())],
                          capture_output=True, text=True, timeout=120)
    # measured inside the probe: RUSAGE_CHILDREN here would also count whatever else this worker ran (LibreOffice)
    rss_kb = int(done.stderr.strip().splitlines()[-1])
    text = done.stdout
    cpu = [float(line.split("  ")[1]) for line in text.splitlines()]  # CPU seconds: a busy machine does not count
    assert len(cpu) == len(files) and max(cpu) < 5 and rss_kb < 300 * 1024, (cpu, rss_kb, done.stderr)
    lines = {name: next(line for line in text.splitlines() if name in line) for name in files}
    for name in ("sheet_bomb.xlsx", "sst_bomb.xlsx", "million.xlsx"):
        assert "无法读取" in lines[name] and "文件过大（解压后" in lines[name], lines[name]
    assert "无法读取" in lines["sheet_bomb_lying.xlsx"]
    assert "有内容的行超过 100000 行" in lines["rows_over_limit.xlsx"]
    assert "无法读取" not in lines["far.xlsx"]


def test_container_checks_name_the_limit():
    def book(members: dict[str, bytes]) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("xl/workbook.xml", b'<workbook xmlns:r="r"><sheets><sheet name="S" r:id="rId1"/></sheets>'
                                           b"</workbook>")
            zf.writestr("xl/_rels/workbook.xml.rels", b'<Relationships><Relationship Id="rId1" '
                                                      b'Target="worksheets/sheet1.xml"/></Relationships>')
            for name, data in members.items():
                zf.writestr(name, data)
        return out.getvalue()

    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as zf:
        zf.writestr("xl/workbook.xml", b"<workbook/>")
        for i in range(1001):
            zf.writestr(f"x/{i}", b"")
    entity = b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "aaaa">]><sst count="1"><si><t>&a;</t></si></sst>'
    deep = b"<worksheet>" + b"<a>" * 150 + b"</a>" * 150 + b"</worksheet>"
    sst_count = b'<sst count="2000000000" uniqueCount="2000000000"><si><t>x</t></si></sst>'
    cases = {
        many.getvalue(): "上限 1000 个",
        book({"xl/sharedStrings.xml": entity}): "XML 实体",
        book({"xl/sharedStrings.xml": sst_count}): "共享字符串声明 2000000000 条",
        book({"xl/worksheets/sheet1.xml": deep}): "XML 嵌套超过 100 层",
        book({"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row><c><v>" + b"".join(
            hashlib.sha256(b"%d" % i).hexdigest().encode() for i in range(18000))  # 1.1 MB in one cell
              + b"</v></c></row></sheetData></worksheet>"}): "超过 1024 KB",
    }
    for data, words in cases.items():
        received = read_file("x.xlsx", data, KINDS, CAMPAIGN)
        assert received.status == "无法读取", received
        assert words in received.reason, received.reason
    assert "文件过大（25.0 MB" in read_file("big.xlsx", b"PK\x03\x04" + b"\0" * (25 << 20), KINDS, CAMPAIGN).reason


def test_the_guard_inflates_members_as_zipfile_reads_them():
    """The guard's fast inflation (guard._inflated) must agree with zipfile: same bytes, and a damaged
    member is as broken as zipfile finds it."""
    from pipeline.limits import Limits
    from pipeline.read import guard
    from pipeline.read.container import zip_of

    sheet = (b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
             b'<row r="1048576"><x:c r="XFD1048576"><v>1</v></x:c></row></sheetData></worksheet>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("xl/workbook.xml", b'<workbook xmlns:r="r"><sheets><sheet name="S" r:id="rId1"/></sheets>'
                                       b"</workbook>", zipfile.ZIP_STORED)
        zf.writestr("xl/_rels/workbook.xml.rels", b'<Relationships><Relationship Id="rId1" '
                                                  b'Target="worksheets/sheet1.xml"/></Relationships>',
                    zipfile.ZIP_DEFLATED)
        zf.writestr("xl/worksheets/sheet1.xml", sheet, zipfile.ZIP_DEFLATED)
    good = out.getvalue()
    zf = zip_of(good)
    for name in zf.namelist():  # stored and deflated alike
        assert guard._read_member(zf, name, [1 << 20]) == zf.read(name)
    # A far cell behind a namespace prefix is still seen: the sheet is read by its cells.
    assert guard.inspect(good, "xlsx", Limits()).sparse == frozenset({"S"})

    at = good.rindex(b"PK\x01\x02") + 16  # the sheet's directory entry (the last), its CRC-32
    bad_crc = good[:at] + bytes([good[at] ^ 0xFF]) + good[at + 1:]
    first = good.index(b"xl/workbook.xml")  # in the first local header: the name disagrees with the directory
    bad_name = good[:first] + b"xl/workbook.xmL" + good[first + len(b"xl/workbook.xml"):]
    for damaged, member in ((bad_crc, "xl/worksheets/sheet1.xml"), (bad_name, "xl/workbook.xml")):
        with pytest.raises(zipfile.BadZipFile):
            zipfile.ZipFile(io.BytesIO(damaged)).read(member)
        assert guard.inspect(damaged, "xlsx", Limits()).reason == guard.BROKEN


def test_ods_repeat_counts_are_bounded():
    content = ('<?xml version="1.0"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
               '<table:table table:name="S"><table:table-row table:number-rows-repeated="1000000">'
               '<table:table-cell office:value-type="string" table:number-columns-repeated="16384">'
               "<text:p>x</text:p></table:table-cell></table:table-row></table:table>"
               "</office:spreadsheet></office:body></office:document-content>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
    received = read_file("bomb.ods", out.getvalue(), KINDS, CAMPAIGN)
    assert received.status == "无法读取" and "1000000 行" in received.reason
    fixture = Path(__file__).parent / "data" / "template_monthly.ods"
    assert read_file("ok.ods", fixture.read_bytes(), KINDS, CAMPAIGN).status is None


def test_limits_are_configurable_and_validated(box: Path, tmp_path: Path):
    config = tmp_path / "c.toml"
    text = f.CONFIG.read_text(encoding="utf-8")
    config.write_text(text.replace("max_rows = 100000", "max_rows = 0\nmax_colour = 3"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", "--inbox", str(box), "--outbox", str(tmp_path / "o"),
                                      "--config", str(config)])
    assert result.exit_code == 2
    assert "limits.max_rows" in result.output and "limits.max_colour" in result.output


# ---- the worker pool ---------------------------------------------------------------------------

def _allocate(rel: str, _data: bytes, sha: str):  # a reader that needs far more memory than it may have
    from pipeline.model import Received

    if rel == "big":
        bytearray(600 * 1024 * 1024)
    return Received(rel, sha, 0.0, None, "read")


def test_a_worker_out_of_memory_fails_only_its_own_file():
    tasks = [ReadTask(name, b"", name, 1.0) for name in ("a", "big", "c")]
    with ReadPool(_allocate, jobs=2, memory_mb=200, timeout=30) as pool:
        got = pool.map(tasks)
    assert [r.path for r in got] == ["a", "big", "c"]
    assert [r.status for r in got] == [None, "无法读取", None]
    assert "文件结构异常，无法安全读取" in got[1].reason and got[1].mtime == 1.0


def test_dead_and_hung_workers_fail_only_their_files(box: Path, tmp_path: Path, monkeypatch):
    shutil.copy(box / "月检查" / "2014-05" / "JN001.xlsx", box / "崩溃.xlsx")
    f.quarterly(box, *A, "2014Q2", file="卡住.xlsx")
    config = tmp_path / "c.toml"
    config.write_text(f.CONFIG.read_text(encoding="utf-8").replace("worker_timeout_seconds = 120",
                                                                    "worker_timeout_seconds = 1"), encoding="utf-8")
    monkeypatch.setenv("PINPAI_TEST_READ_FAULT", "abort:崩溃.xlsx,hang:卡住.xlsx")
    result = CliRunner().invoke(cli, ["run", "--inbox", str(box), "--outbox", str(tmp_path / "o"),
                                      "--config", str(config), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    rows = manifest_rows(tmp_path / "o")
    assert rows["崩溃.xlsx"]["状态"] == "无法读取" and "文件结构异常，无法安全读取" in rows["崩溃.xlsx"]["说明"]
    assert rows["卡住.xlsx"]["状态"] == "无法读取" and "读取超过 1 秒" in rows["卡住.xlsx"]["说明"]
    assert rows["月检查/2014-05/JN001.xlsx"]["状态"] == "受理" and rows["申报/JN001.xlsx"]["状态"] == "受理"


def test_outputs_do_not_depend_on_jobs(box: Path, tmp_path: Path):
    f.quarterly(box, *A, "2014Q2")
    f.monthly(box, *B, "2014-06")
    assert f.run_cli(box, tmp_path / "one", "--jobs", "1")[0] == 0
    assert f.run_cli(box, tmp_path / "three", "--jobs", "3")[0] == 0
    assert tree(tmp_path / "one") == tree(tmp_path / "three")


# ---- the outbox ----------------------------------------------------------------------------------

@pytest.mark.parametrize("where", ["same", "inside", "contains"])
def test_outbox_may_not_be_or_hold_or_sit_in_the_inbox(box: Path, where: str):
    inbox, outbox = {"same": (box, box), "inside": (box, box / "outbox"),
                     "contains": (box, box.parent)}[where]
    before = tree(box)
    code, out = f.run_cli(inbox, outbox)
    assert code == 2 and "收件箱" in out and "程序没有运行" in out, out
    assert tree(box) == before and not (box / "outbox").exists()


def test_foreign_folder_is_refused_and_left_alone(box: Path, tmp_path: Path):
    out = tmp_path / "材料"
    (out / "2013年材料").mkdir(parents=True)
    (out / "2013年材料" / "总结.docx").write_bytes(b"2013")
    (out / "工作笔记.docx").write_bytes(b"notes")
    before = tree(out)
    code, text = f.run_cli(box, out)
    assert code == 2 and "不是本程序以前生成的输出目录" in text and "工作笔记.docx" in text
    assert tree(out) == before and sorted(os.listdir(tmp_path)) == ["inbox", "材料"]


def test_an_outbox_from_before_the_marker_is_taken_over(box: Path, tmp_path: Path):
    out = tmp_path / "outbox"
    assert f.run_cli(box, out)[0] == 0
    (out / ob.MARKER).unlink()  # as the earlier version left it
    assert f.run_cli(box, out)[0] == 0
    assert (out / ob.MARKER).is_file()


def _kill_during_commit(layout: ob.Layout, staging: Path, step: str) -> None:
    """Commit in a forked child that SIGKILLs itself at `step` (a real kill -9 at that instant)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns
        try:
            os.environ[ob.KILL_ENV] = step
            ob.commit(layout, staging, ob.owned_files(layout.outbox))
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, step


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_kill_at_every_step_of_the_swap_leaves_a_whole_outbox(box: Path, tmp_path: Path):
    old_run, new_run = tmp_path / "old", tmp_path / "new"
    f.monthly(box, *B, "2014-12", file="月检查/错月份.xlsx")  # a notice in the old set only
    assert f.run_cli(box, old_run, "--as-of", "2014-10-31")[0] == 0
    (box / "月检查" / "错月份.xlsx").unlink()
    assert f.run_cli(box, new_run)[0] == 0
    old, new = tree(old_run), tree(new_run)
    new_names = [p for p in new if p != ob.MARKER]
    removed = set(old) - set(new)
    assert removed and old.keys() & new.keys()
    steps = ["journal", *(f"rename-{i}" for i in range(1, len(new) + 1)),
             *(f"remove-{i}" for i in range(1, len(removed) + 1)), "done"]
    for step in steps:
        case = tmp_path / "case"
        shutil.rmtree(case, ignore_errors=True)
        shutil.copytree(old_run, case / "outbox")
        layout = ob.Layout(case / "outbox", case, ".outbox.")
        staging = case / f"{layout.staging_prefix}test"
        shutil.copytree(new_run, staging)
        _kill_during_commit(layout, staging, step)
        now = tree(case / "outbox")
        for name, digest in now.items():
            assert digest in (old.get(name), new.get(name)), (step, name)  # every file whole: old or new
        assert set(new_names) & set(old) <= set(now), step  # nothing of both sets ever missing
        ob.recover(layout)  # what the next run does first
        assert tree(case / "outbox") == new, step
        assert sorted(os.listdir(case)) == ["outbox"], step  # journal and staging gone


def test_kill_9_mid_swap_then_next_run_completes_and_a_second_run_waits(box: Path, tmp_path: Path):
    out = tmp_path / "outbox"
    assert f.run_cli(box, out, "--as-of", "2014-10-31")[0] == 0
    env = {**os.environ, ob.PAUSE_ENV: "rename-2"}
    args = [*PIPELINE, "run", "--inbox", str(box), "--outbox", str(out), "--config", str(f.CONFIG), "--jobs", "1"]
    first = subprocess.Popen(args, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        assert "PINPAI-PAUSED rename-2" in first.stderr.readline()
        busy = CliRunner().invoke(cli, ["run", "--inbox", str(box), "--outbox", str(out), "--config",
                                        str(f.CONFIG), "--wait", "0"])
        assert busy.exit_code == 2 and "另一个处理程序正在写入 outbox/，请稍后再试" in busy.output
    finally:
        first.kill()
        first.wait()
    assert (out / "manifest.json").is_file() and any(p.name.endswith("pinpai-journal.json")
                                                     for p in tmp_path.iterdir())
    assert f.run_cli(box, out)[0] == 0
    assert f.manifest(out)["as_of"] == "2014-12-31"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".outbox.pinpai-lock", "inbox", "outbox"]


def test_sigterm_cleans_up_and_exits_143(box: Path, tmp_path: Path):
    out = tmp_path / "outbox"
    assert f.run_cli(box, out)[0] == 0
    before = tree(out)
    env = {**os.environ, ob.PAUSE_ENV: "staged"}
    args = [*PIPELINE, "run", "--inbox", str(box), "--outbox", str(out), "--config", str(f.CONFIG),
            "--as-of", "2014-10-31"]
    proc = subprocess.Popen(args, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert "PINPAI-PAUSED staged" in proc.stderr.readline()
    assert any(p.name.startswith(".outbox.pinpai-new-") for p in tmp_path.iterdir())
    proc.send_signal(signal.SIGTERM)
    rest = proc.stderr.read()
    assert proc.wait(timeout=20) == 143
    assert "已中断" in rest and "Traceback" not in rest
    assert tree(out) == before
    assert not any("pinpai-new" in p.name for p in tmp_path.iterdir())


def test_stale_staging_of_killed_runs_is_removed(box: Path, tmp_path: Path):
    out = tmp_path / "outbox"
    for stale in (".outbox.new-abc", ".outbox.old-123", ".outbox.pinpai-new-9-x"):
        (tmp_path / stale / "退回通知").mkdir(parents=True)
    assert f.run_cli(box, out)[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [".outbox.pinpai-lock", "inbox", "outbox"]


needs_root = pytest.mark.skipif(not ROOT or not sys.platform.startswith("linux"), reason="mounts need root")


def _mount(target: Path, *options: str) -> bool:
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(options or ("size=8m",)), "tmpfs", str(target)],
                          capture_output=True)
    return done.returncode == 0


def _umount(target: Path) -> None:
    subprocess.run(["umount", "-l", str(target)], capture_output=True)


@needs_root
def test_mount_point_outbox_is_written_in_place_and_read_only_disk_is_explained(box: Path, tmp_path: Path):
    out = tmp_path / "outbox"
    if not _mount(out):
        pytest.skip("cannot mount here")
    try:
        assert os.path.ismount(out)
        assert f.run_cli(box, out, "--as-of", "2014-10-31")[0] == 0
        assert f.run_cli(box, out)[0] == 0
        assert f.manifest(out)["as_of"] == "2014-12-31"
        assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [".pinpai-lock", ob.MARKER]
        before = tree(out)
        subprocess.run(["mount", "-o", "remount,ro", str(out)], check=True)
        code, text = f.run_cli(box, out, "--as-of", "2014-11-30")
        assert code == 2 and "只读" in text and "程序内部错误" not in text, text
        assert tree(out) == before
    finally:
        _umount(out)


@needs_root
def test_full_disk_is_explained_and_leaves_nothing_behind(box: Path, tmp_path: Path):
    disk = tmp_path / "disk"
    if not _mount(disk, "size=48k"):
        pytest.skip("cannot mount here")
    try:
        code, text = f.run_cli(box, disk / "outbox")
        assert code == 2 and "磁盘空间不足" in text and "程序内部错误" not in text, text
        assert sorted(p.name for p in disk.iterdir()) == [".outbox.pinpai-lock", "outbox"]
        assert list((disk / "outbox").iterdir()) == []
    finally:
        _umount(disk)


def test_outbox_that_cannot_be_created_is_explained(box: Path, tmp_path: Path):
    (tmp_path / "文件").write_bytes(b"x")
    code, text = f.run_cli(box, tmp_path / "文件" / "outbox")
    assert code == 2 and "输出目录" in text and "不是文件夹" in text and "程序内部错误" not in text, text


# ---- the inbox: links, special files, faults -----------------------------------------------------

def test_links_special_files_and_loops_each_get_one_row(box: Path, tmp_path: Path):
    secret = tmp_path / "外部.xlsx"
    shutil.copy(box / "申报" / "JN001.xlsx", secret)
    (box / "外部链接.xlsx").symlink_to(secret)
    (box / "内部链接.xlsx").symlink_to(box / "申报" / "JN001.xlsx")
    (box / "断链.xlsx").symlink_to(box / "没有.xlsx")
    (box / "子目录").mkdir()
    (box / "子目录" / "回到上级").symlink_to(box, target_is_directory=True)
    os.mkfifo(box / "管道.xlsx")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(box / "套接字"))
    try:
        code, out = f.run_cli(box, tmp_path / "outbox")
    finally:
        sock.close()
    assert code == 0, out
    rows = manifest_rows(tmp_path / "outbox")
    expected = {"外部链接.xlsx": "收件箱以外", "断链.xlsx": "不存在", "子目录/回到上级": "文件夹的快捷方式",
                "管道.xlsx": "不是普通文件", "套接字": "不是普通文件"}
    for name, words in expected.items():
        assert rows[name]["状态"] == "忽略" and words in rows[name]["说明"], rows[name]
    assert rows["内部链接.xlsx"]["状态"] in ("受理", "重复")
    on_disk = {p.relative_to(box).as_posix() for p in box.rglob("*") if not p.is_dir() or p.is_symlink()}
    assert sorted(rows) == sorted(on_disk)  # every entry exactly once
    assert secret.read_bytes()  # untouched


@needs_root
def test_a_folder_mounted_inside_itself_is_listed_once(box: Path):
    loop = box / "镜像"
    loop.mkdir()
    if subprocess.run(["mount", "--bind", str(box), str(loop)], capture_output=True).returncode:
        pytest.skip("cannot bind-mount here")
    try:
        entries = walk.walk_inbox(box)
    finally:
        _umount(loop)
    rows = {e.rel: e for e in entries}
    assert rows["镜像"].status == "忽略" and "文件夹循环" in rows["镜像"].reason
    assert not any(r.startswith("镜像/") for r in rows)


def test_a_file_vanishing_while_the_run_reads_becomes_unreadable(box: Path, tmp_path: Path):
    from pipeline.run import run

    victim = box / "月检查" / "2014-05" / "JN001.xlsx"

    def sync_client(paths):  # deletes a file between the listing and its reading
        for path in paths:
            if path == victim:
                victim.unlink()
            yield path

    result = run(box, tmp_path / "outbox", CAMPAIGN, sync_client, jobs=1)
    row = next(m for m in result.assessment.manifest if m.文件 == "月检查/2014-05/JN001.xlsx")
    assert row.状态 == "无法读取" and "已不存在" in row.说明


def test_a_file_that_may_not_be_read_becomes_unreadable(box: Path, monkeypatch):
    target = box / "申报" / "JN001.xlsx"
    entry = next(e for e in walk.walk_inbox(box) if e.path == target)
    if not ROOT:
        target.chmod(0)
        assert walk.load(entry, 1 << 20).reason == walk.NO_PERMISSION
        target.chmod(0o644)
    real_open = os.open

    def denied(path, *args, **kw):  # root reads anything: the kernel's answer to a plain user, simulated
        if Path(path) == target:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kw)

    monkeypatch.setattr(walk.os, "open", denied)
    loaded = walk.load(entry, 1 << 20)
    assert loaded.status == "无法读取" and loaded.reason == walk.NO_PERMISSION


def test_check_skips_a_fifo_and_escapes_control_characters(box: Path, tmp_path: Path):
    fifo = tmp_path / "管道.xlsx"
    os.mkfifo(fifo)
    shown = tmp_path / "\x1b[31m红色\u202e.xlsx"
    shutil.copy(box / "月检查" / "2014-05" / "JN001.xlsx", shown)
    done = subprocess.run([*PIPELINE, "check", str(fifo), str(shown), "--roster", str(box / "支部名册.xlsx"),
                           "--config", str(f.CONFIG)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "\u202e" not in done.stdout
    assert "\\x1b[31m红色\\u202e.xlsx" in done.stdout
    assert "忽略" in next(line for line in done.stdout.splitlines() if "管道.xlsx" in line)


def test_notice_names_stay_inside_their_folder(box: Path, tmp_path: Path):
    f.monthly(box, "", "../../\x1b[2J坏\u202e名字", "2014-05", file="坏.xlsx")
    assert f.run_cli(box, tmp_path / "outbox")[0] == 0
    names = [p.name for p in (tmp_path / "outbox" / "退回通知").iterdir()]
    assert any("坏" in n for n in names)
    assert all("\x1b" not in n and "\u202e" not in n and "/" not in n for n in names)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".outbox.pinpai-lock", "inbox", "outbox"]


def test_escape_text_shows_what_is_on_disk():
    from pipeline.display import escape_text

    assert escape_text("普通文件.xlsx") == "普通文件.xlsx"
    assert escape_text("a\x1b[0m\u202eb\x85\n") == "a\\x1b[0m\\u202eb\\x85\\x0a"


def test_interrupt_message_and_code_for_ctrl_c(box: Path, tmp_path: Path, monkeypatch):
    import pipeline.run as run_module

    def interrupted(*_a, **_k):
        raise KeyboardInterrupt

    monkeypatch.setattr(run_module, "read_inbox", interrupted)
    result = CliRunner().invoke(cli, ["run", "--inbox", str(box), "--outbox", str(tmp_path / "o"),
                                      "--config", str(f.CONFIG)])
    assert result.exit_code == 130 and "已中断" in result.output
