"""SPEC §13: the read cache and the worker count never change an output; a damaged cache is rebuilt."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import factory as f
import pytest

from pipeline.config import load_campaign
from pipeline.demo import generate_demo
from pipeline.forms import form_kinds
from pipeline.model import Received
from pipeline.read.cache import ReadCache
from pipeline.run import read_cache

DATES = ("--as-of", "2014-12-31", "--today", "2015-01-05")


@pytest.fixture(scope="module")
def box(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("speed-demo")
    campaign = load_campaign(f.CONFIG, today=dt.date(2014, 12, 31))
    generate_demo(out, 6, 11, campaign)
    return out


def _files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _hits(output: str) -> int:
    """The cache hits the summary reports; it says nothing when there were none."""
    found = re.search(r"其中 (\d+) 个文件与上次相同", output)
    return int(found.group(1)) if found else 0


def _entries(cache: Path) -> list[Path]:
    return sorted(p for p in (cache / "read").rglob("*") if p.is_file())


def test_outputs_identical_for_jobs_and_cache_cold_and_warm(box: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    code, _ = f.run_cli(box, tmp_path / "plain", "--jobs", "1", "--no-cache", *DATES)
    assert code == 0
    code, cold = f.run_cli(box, tmp_path / "cold", "--cache", str(cache), *DATES)  # default jobs
    assert code == 0 and "与上次相同" not in cold  # a first run says nothing about the cache
    files = len(_entries(cache))
    assert files > 20
    code, warm = f.run_cli(box, tmp_path / "warm", "--cache", str(cache), *DATES)
    assert code == 0 and _hits(warm) == files
    code, warm_one = f.run_cli(box, tmp_path / "warm1", "--jobs", "1", "--cache", str(cache), *DATES)
    assert code == 0 and _hits(warm_one) == files
    expected = _files(tmp_path / "plain")
    for name in ("cold", "warm", "warm1"):
        assert _files(tmp_path / name) == expected, name
    assert not (box / ".cache").exists() and ".cache" not in _files(box)  # the inbox is never written


def test_a_damaged_or_foreign_cache_is_rebuilt_never_trusted(box: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    assert f.run_cli(box, tmp_path / "first", "--cache", str(cache), "--jobs", "1", *DATES)[0] == 0
    entries = _entries(cache)
    a, b, c, d = entries[:4]
    b_bytes = b.read_bytes()
    a.write_bytes(b_bytes)  # another file's entry under this key: the header's key differs
    b.write_bytes(b_bytes[: len(b_bytes) // 2])  # truncated
    c.write_bytes(b"\x00garbage")
    header_end = d.read_bytes().index(b"\n", 20) + 1  # the right header over another file's pickled result
    d.write_bytes(d.read_bytes()[:header_end] + b_bytes[b_bytes.index(b"\n", 20) + 1:])
    code, out = f.run_cli(box, tmp_path / "second", "--cache", str(cache), "--jobs", "1", *DATES)
    assert code == 0 and _hits(out) == len(entries) - 4
    assert _files(tmp_path / "second") == _files(tmp_path / "first")
    code, out = f.run_cli(box, tmp_path / "third", "--cache", str(cache), *DATES)
    assert code == 0 and _hits(out) == len(entries)  # the damaged entries were rewritten
    assert _files(tmp_path / "third") == _files(tmp_path / "first")


def test_cache_key_follows_the_reading_config_not_the_cut_off(tmp_path: Path):
    base = load_campaign(f.CONFIG, today=dt.date(2014, 12, 31))
    later = load_campaign(f.CONFIG, today=dt.date(2014, 12, 31), as_of=dt.date(2014, 8, 20))
    key = read_cache(tmp_path, base, form_kinds(base)).key
    assert read_cache(tmp_path, later, form_kinds(later)).key == key  # as_of does not change reading
    other = ReadCache(tmp_path, "another configuration")
    mine = read_cache(tmp_path, base, form_kinds(base))
    mine.put("a.xlsx", "0" * 64, Received("a.xlsx", "0" * 64, 1.0, "忽略", "测试"))
    assert mine.get("a.xlsx", "0" * 64) == Received("a.xlsx", "0" * 64, 1.0, "忽略", "测试")
    assert other.get("a.xlsx", "0" * 64) is None and mine.get("b.xlsx", "0" * 64) is None


def _write(folder: Path, name: str, text: str) -> str:
    (folder / name).write_text(text, encoding="utf-8")
    return name


def test_outputs_written_side_by_side_are_the_ones_written_in_turn(tmp_path: Path):
    from pipeline.write.fanout import Output, write_all

    for jobs in (1, 2, 3):
        folder = tmp_path / str(jobs)
        folder.mkdir()
        outputs = [Output(lambda n=n, folder=folder: _write(folder, f"{n}.txt", f"第{n}份"), weight=n)
                   for n in range(5)]
        assert write_all(outputs, jobs) == [f"{n}.txt" for n in range(5)]  # values in the order given
        assert {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()} == {
            f"{n}.txt": f"第{n}份" for n in range(5)}


def test_a_failure_in_a_writing_process_is_raised_in_the_run(tmp_path: Path):
    import errno

    from pipeline.write.fanout import Output, write_all

    def full() -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "x.xlsx"))

    with pytest.raises(OSError) as raised:
        write_all([Output(lambda: 1, 5), Output(full, 1), Output(lambda: 3, 1)], 2)
    assert raised.value.errno == errno.ENOSPC and raised.value.filename == str(tmp_path / "x.xlsx")


def test_work_is_shared_by_weight():
    from pipeline.write.fanout import _shares

    assert _shares([8.6, 2.3, 5.1, 2.5, 1.1], 2) == [[0, 4], [1, 2, 3]]
    assert _shares([1.0], 4) == [[0]]


def test_read_workers_collect_their_own_garbage_while_the_parent_pauses():
    """The parent pauses its cyclic collector while results pour in; a worker forked then must not inherit
    the pause (a cycle left by each damaged file would pile up until the worker's memory limit)."""
    import gc

    from pipeline.read.pool import ReadPool, ReadTask
    from pipeline.run import collector_paused

    with collector_paused(), ReadPool(_collector_state, 2, 512, 30) as pool:
        got = pool.map([ReadTask(f"{n}.xlsx", b"", "", 0.0) for n in range(2)])
    assert gc.isenabled()
    assert [r.reason for r in got] == ["collector on", "collector on"]


def _collector_state(rel: str, _data: bytes, sha: str) -> Received:
    import gc

    return Received(rel, sha, 0.0, "忽略", "collector on" if gc.isenabled() else "collector off")
