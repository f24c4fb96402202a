"""SPEC §13: the read cache and the worker count never change an output; a damaged cache is rebuilt."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
from pathlib import Path

import factory as f
import pytest

from pipeline.config import load_campaign
from pipeline.demo import generate_demo
from pipeline.forms import form_kinds
from pipeline.model import Received
from pipeline.read import cache as read_cache_module
from pipeline.read.cache import FORMAT, ReadCache, records, stats_key
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


def _pack(cache: Path) -> Path:
    packs = sorted((cache / "packs").glob("*.pack"))
    assert len(packs) == 1 and not list((cache / "packs").glob(".tmp-*")), packs  # one inbox, no leftovers
    return packs[0]


def _all_records(cache: Path) -> tuple[bytes, list[tuple[bytes, int, int, int]]]:
    """(the key of the remembered stats' record, every record of the pack)."""
    data = _pack(cache).read_bytes()
    key = data[len(FORMAT):data.index(b"\n", len(FORMAT))].decode()
    return stats_key(key), list(records(data, key))


def _records(cache: Path) -> list[tuple[bytes, int, int, int]]:
    """The pack's entries (not the record of remembered stats)."""
    stats, found = _all_records(cache)
    return [r for r in found if r[0] != stats]


def _remembered(cache: Path) -> bool:
    stats, found = _all_records(cache)
    return any(r[0] == stats for r in found)


@pytest.fixture(params=["stats", "hashes"])
def served_by(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Cache hits found by the stats the pack remembers, or by hashing every file again: a file counts as
    settled at once, or never (the demo inbox was written moments ago)."""
    monkeypatch.setattr(read_cache_module, "SETTLED", -(1 << 62) if request.param == "stats" else 1 << 62)
    return str(request.param)


def test_outputs_identical_for_jobs_and_cache_cold_and_warm(box: Path, tmp_path: Path, served_by: str):
    cache = tmp_path / "cache"
    code, _ = f.run_cli(box, tmp_path / "plain", "--jobs", "1", "--no-cache", *DATES)
    assert code == 0
    code, cold = f.run_cli(box, tmp_path / "cold", "--cache", str(cache), *DATES)  # default jobs
    assert code == 0 and "与上次相同" not in cold  # a first run says nothing about the cache
    files = len(_records(cache))
    assert files > 20 and _remembered(cache) == (served_by == "stats")
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
    found = _records(cache)
    data = _pack(cache).read_bytes()
    body = [data[start:end] for _, start, end, _ in found]
    (key0, _, _, _), (key1, _, _, _), (key2, _, _, crc2) = found[:3]
    pack = data[:found[0][1] - 40]  # the header
    pack += _record(key0, body[1])  # another file's result under this file's key, with the right CRC
    pack += _record(key1, b"\x00" * len(body[1]))  # garbage that does not unpickle
    pack += _record(key2, bytes([body[2][0] ^ 0xFF]) + body[2][1:], crc2)  # a flipped byte: fails its CRC
    for (key, _, _, _), one in zip(found[3:], body[3:], strict=True):
        pack += _record(key, one)
    _pack(cache).write_bytes(pack[:-1])  # the last record cut short
    code, out = f.run_cli(box, tmp_path / "second", "--cache", str(cache), "--jobs", "1", *DATES)
    assert code == 0 and _hits(out) == len(found) - 4
    assert _files(tmp_path / "second") == _files(tmp_path / "first")
    code, out = f.run_cli(box, tmp_path / "third", "--cache", str(cache), *DATES)
    assert code == 0 and _hits(out) == len(found)  # the damaged entries were rewritten
    assert _files(tmp_path / "third") == _files(tmp_path / "first")
    _pack(cache).write_bytes(b"\x00garbage")
    code, out = f.run_cli(box, tmp_path / "fourth", "--cache", str(cache), *DATES)
    assert code == 0 and _hits(out) == 0 and _files(tmp_path / "fourth") == _files(tmp_path / "first")
    assert len(_records(cache)) == len(found)


def test_a_file_changed_in_place_is_read_again_though_its_size_and_mtime_are_kept(
        box: Path, tmp_path: Path, served_by: str):
    inbox = tmp_path / "inbox"
    shutil.copytree(box, inbox)
    cache = tmp_path / "cache"
    assert f.run_cli(inbox, tmp_path / "first", "--cache", str(cache), *DATES)[0] == 0
    files = len(_records(cache))
    assert _remembered(cache) == (served_by == "stats")
    target = sorted(inbox.glob("月检查/**/*.xlsx"))[0]
    other = sorted(inbox.glob("月检查/**/*.xlsx"))[-1]
    st = target.stat()
    target.write_bytes(other.read_bytes()[:st.st_size].ljust(st.st_size, b"\0"))  # other bytes, same size
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))  # and the same modification time
    assert target.stat().st_size == st.st_size and target.stat().st_mtime_ns == st.st_mtime_ns
    code, out = f.run_cli(inbox, tmp_path / "second", "--cache", str(cache), *DATES)
    assert code == 0 and _hits(out) == files - 1, out
    assert f.run_cli(inbox, tmp_path / "plain", "--no-cache", *DATES)[0] == 0
    assert _files(tmp_path / "second") == _files(tmp_path / "plain")
    assert _files(tmp_path / "second") != _files(tmp_path / "first")


def test_files_changed_just_before_the_run_are_hashed_every_time(tmp_path: Path, box: Path):
    """A file changed within SETTLED of the run's start could change again in the same tick of the
    file system's clock and keep its stat: its SHA-256 is not remembered."""
    inbox = tmp_path / "inbox"
    shutil.copytree(box, inbox)  # written just now
    cache = tmp_path / "cache"
    assert f.run_cli(inbox, tmp_path / "first", "--cache", str(cache), *DATES)[0] == 0
    assert not _remembered(cache) and len(_records(cache)) > 20


def _record(key: bytes, body: bytes, crc: int | None = None) -> bytes:
    import struct
    import zlib

    return struct.pack("<32sII", key, len(body), zlib.crc32(body) if crc is None else crc) + body


def test_cache_key_follows_the_reading_config_not_the_cut_off(tmp_path: Path):
    base = load_campaign(f.CONFIG, today=dt.date(2014, 12, 31))
    later = load_campaign(f.CONFIG, today=dt.date(2014, 12, 31), as_of=dt.date(2014, 8, 20))
    key = read_cache(tmp_path, base, form_kinds(base)).key
    assert read_cache(tmp_path, later, form_kinds(later)).key == key  # as_of does not change reading
    mine = read_cache(tmp_path, base, form_kinds(base))
    assert mine.get("a.xlsx", "0" * 64) is None
    mine.put("a.xlsx", "0" * 64, Received("a.xlsx", "0" * 64, 1.0, "忽略", "测试"))
    mine.save()
    mine = read_cache(tmp_path, base, form_kinds(base))
    assert mine.get("a.xlsx", "0" * 64) == Received("a.xlsx", "0" * 64, 1.0, "忽略", "测试")
    assert mine.get("b.xlsx", "0" * 64) is None
    assert ReadCache(tmp_path, "0" * 64).get("a.xlsx", "0" * 64) is None  # another configuration


def test_the_pack_keeps_another_inbox_within_twice_this_one(tmp_path: Path):
    def received(n: int) -> Received:
        return Received(f"{n}.xlsx", f"{n:064}", 1.0, "忽略", "测试")

    def run(names: range) -> int:
        cache = ReadCache(tmp_path, "1" * 64)
        hits = sum(cache.get(f"{n}.xlsx", f"{n:064}") is not None for n in names)
        for n in names:
            if cache.get(f"{n}.xlsx", f"{n:064}") is None:
                cache.put(f"{n}.xlsx", f"{n:064}", received(n))
        cache.save()
        cache.close()
        return hits

    def kept() -> int:
        return len(list(records(ReadCache(tmp_path, "1" * 64).path.read_bytes(), "1" * 64)))

    assert run(range(0, 10)) == 0 and kept() == 10
    assert run(range(100, 105)) == 0 and kept() == 10  # another inbox: as many of the first one's kept beside it
    assert run(range(0, 10)) == 5 and kept() == 15
    assert run(range(100, 105)) == 5 and kept() == 15  # nothing read afresh: the pack is left as it is
    assert run(range(200, 202)) == 0 and kept() == 4


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
