"""A content cache of parsed files: a re-run reads again only what changed.

An entry is keyed by the file's SHA-256, its path in the inbox (issues name the file), the reader's
version and a hash of the configuration reading depends on (`config_key`). The entries of one reading
configuration live in one pack file, `packs/<configuration key>.pack`: a header that repeats the
key, then one record per file — the entry's key, the length and CRC-32 of its pickled result, the
result. One file, read once, because a re-run of a city's inbox looks up every one of its files:
eleven thousand small files cost more to open than their results cost to unpickle.

Loading never trusts an entry: a wrong header, a record cut short or failing its CRC, an unpickling
error, another type or another file's result all count as a miss, and the file is read again. After
the reading, a run that read files afresh writes the pack anew (`save`: a temporary file, then
`os.replace`) with them, the entries it used, and as many of the others (another inbox's, files that
have left this one) as it used and read: the pack stays within twice the inbox it serves. The cache never
changes an output: a hit returns what reading the same bytes would return; a cache that cannot be
read or written only costs the time of reading the files.

Objects the reader shares between all its results (the form kinds) are pickled by reference
(`shared`), so an entry stays small and a hit returns the run's own objects.

The pack also remembers each file's SHA-256 with its size, modification and change times, inode and
device (`unchanged`, `hashed`), as git's index does: a file whose stat is the same is served without
being read and hashed again, which is most of what a hit costs otherwise. The entry is still the one
keyed by that SHA-256. Only on POSIX (elsewhere the change time is the creation time), and only for a
file last changed at least `SETTLED` before the run began: a file changed again within the same tick of
the file system's clock could keep its stat, so a file that recent is always hashed. The run's start is
taken from the file system (the time of a file created in the cache folder), whose clock stamps the
files' times; it decides only whether a file is hashed again, never an output.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import struct
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from pipeline.model import Received
from pipeline.read.sharing import dumps, loads, shared_ids
from pipeline.read.walk import stat_key

FORMAT = b"pinpai-read-pack 2\n"
DEFAULT_DIR = Path(".cache")
_SUBDIR = "packs"
_RECORD = struct.Struct("<32sII")  # the entry's key (a SHA-256 digest), the result's length and CRC-32
SETTLED = 2_000_000_000  # ns: a file changed this shortly before the run began is always hashed
Stat = tuple[int, int, int, int, int, str]  # stat_key(…) and the SHA-256 of the bytes it had


def config_key(*parts: object) -> str:
    """A stable hash of the reading configuration (reprs of frozen dataclasses, tuples, dates)."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def stats_key(key: str) -> bytes:
    """The key of the record of remembered stats in the pack of configuration `key` (no entry's key:
    those hash a SHA-256 and a path too)."""
    return hashlib.sha256(f"{key}\nstats".encode()).digest()


def _header(key: str) -> bytes:
    return FORMAT + key.encode("ascii") + b"\n"


def records(data: bytes | memoryview, key: str) -> Iterator[tuple[bytes, int, int, int]]:
    """(entry key, start, end, CRC-32) of each whole record of a pack for configuration `key`; nothing
    when the header is not this configuration's. A record cut short ends the pack."""
    header = _header(key)
    if bytes(data[:len(header)]) != header:
        return
    at, size = len(header), len(data)
    while at + _RECORD.size <= size:
        entry, length, crc = _RECORD.unpack_from(data, at)
        start = at + _RECORD.size
        if start + length > size:
            return
        yield entry, start, start + length, crc
        at = start + length


@dataclass
class ReadCache:
    """Parsed files for one reading configuration (`key`), in one pack under `root`."""

    root: Path
    key: str
    shared: tuple[object, ...] = ()
    hits: int = 0
    misses: int = 0
    _ids: dict[int, int] = field(default_factory=dict, repr=False)
    _pack: bytes | None = field(default=None, repr=False)  # the pack as it was read (None: not yet)
    _index: dict[bytes, tuple[int, int, int]] = field(default_factory=dict, repr=False)
    _used: set[bytes] = field(default_factory=set, repr=False)  # keys of the entries served
    _fresh: BinaryIO | None = field(default=None, repr=False)  # records put this run, in a temporary file
    _fresh_name: str = field(default="", repr=False)
    _fresh_keys: set[bytes] = field(default_factory=set, repr=False)
    _known: dict[str, Stat] = field(default_factory=dict, repr=False)  # the stats the pack remembers
    _stats: dict[str, Stat] = field(default_factory=dict, repr=False)  # this run's, for the next
    _began: int | None = field(default=None, repr=False)  # the file system's time as the run began (ns)

    def __post_init__(self) -> None:
        self._ids = shared_ids(self.shared)

    @property
    def _stats_key(self) -> bytes:
        return stats_key(self.key)

    @property
    def path(self) -> Path:
        return Path(self.root) / _SUBDIR / f"{self.key[:32]}.pack"

    def entry_key(self, rel: str, sha256: str) -> bytes:
        return hashlib.sha256(f"{self.key}\n{sha256}\n{rel}".encode()).digest()

    def get(self, rel: str, sha256: str) -> Received | None:
        """The cached result for this file, or None (a miss, or an entry not to be trusted)."""
        found = self._load(rel, sha256)
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def _load(self, rel: str, sha256: str) -> Received | None:
        if self._pack is None:
            self._read_pack()
        assert self._pack is not None
        key = self.entry_key(rel, sha256)
        span = self._index.get(key)
        if span is None:
            return None
        start, end, crc = span
        blob = memoryview(self._pack)[start:end]
        if zlib.crc32(blob) != crc:
            return None
        try:
            value = loads(blob, self.shared)
        except Exception:  # noqa: BLE001 - whatever a damaged entry raises, it is a miss
            return None
        if not isinstance(value, Received) or value.path != rel or value.sha256 != sha256:
            return None
        self._used.add(key)
        return value

    def _read_pack(self) -> None:
        try:
            with open(self.path, "rb") as fh:
                self._pack = fh.read()
        except OSError:
            self._pack = b""
        self._index, self._known = {}, {}
        remembered = self._stats_key
        for entry, start, end, crc in records(self._pack, self.key):
            if entry == remembered:
                self._known = _stats(memoryview(self._pack)[start:end], crc)
            else:
                self._index.setdefault(entry, (start, end, crc))

    def unchanged(self, rel: str, st: os.stat_result) -> Received | None:
        """The hit for a file whose stat is the one remembered with its SHA-256 (read/walk.py's `Known`)."""
        if self._pack is None:
            self._read_pack()
        known = self._known.get(rel)
        if (not isinstance(known, tuple) or len(known) != 6 or known[:5] != stat_key(st)
                or not isinstance(known[5], str) or not self._settled(st)):
            return None
        found = self._load(rel, known[5])
        if found is not None:
            self.hits += 1
            self._stats[rel] = known
        return found

    def hashed(self, rel: str, st: os.stat_result, sha256: str) -> None:
        """Remember a file's SHA-256 with its stat, for the next run."""
        if self._settled(st):
            self._stats[rel] = (*stat_key(st), sha256)

    def _settled(self, st: os.stat_result) -> bool:
        if os.name != "posix":
            return False
        if self._began is None:
            self._began = _file_system_now(self.path.parent)
        return max(st.st_mtime_ns, st.st_ctime_ns) < self._began - SETTLED

    def put(self, rel: str, sha256: str, received: Received) -> None:
        """Add a result to the pack `save` writes; a cache that cannot be written is no reason to stop the run."""
        try:
            blob = dumps(received, self._ids)
        except Exception:  # noqa: BLE001 - an unpicklable result is simply not cached
            return
        try:
            if self._fresh is None:
                self._fresh = self._temporary()
            key = self.entry_key(rel, sha256)
            self._fresh.write(_RECORD.pack(key, len(blob), zlib.crc32(blob)) + blob)
            self._fresh_keys.add(key)
        except OSError:
            self._drop_fresh()

    def save(self) -> None:
        """Write the pack anew when files were read afresh or their stats changed: the files read afresh, the
        entries served, as many others, and this run's stats."""
        if self._fresh is None and self._stats == self._known:
            return  # nothing to add: the pack stays as it is
        used = [key for key in self._index if key in self._used]
        others = [key for key in self._index if key not in self._used and key not in self._fresh_keys]
        try:
            out, self._fresh = self._fresh or self._temporary(), None
            with out:
                view = memoryview(self._pack or b"")
                for key in [*used, *others[:len(used) + len(self._fresh_keys)]]:
                    start, end, _ = self._index[key]
                    out.write(view[start - _RECORD.size:end])  # the record with its header
                if self._stats:
                    blob = pickle.dumps(self._stats, protocol=pickle.HIGHEST_PROTOCOL)
                    out.write(_RECORD.pack(self._stats_key, len(blob), zlib.crc32(blob)) + blob)
            os.replace(self._fresh_name, self.path)
            self._fresh_name = ""
        except OSError:
            pass  # the pack stays as it was: the next run reads those files again
        finally:
            self._drop_fresh()  # the temporary file, unless it became the pack

    def _temporary(self) -> BinaryIO:
        """A temporary file beside the pack, its header written."""
        folder = self.path.parent
        os.makedirs(folder, exist_ok=True)
        fd, self._fresh_name = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        fh = os.fdopen(fd, "wb")
        fh.write(_header(self.key))
        return fh

    def close(self) -> None:
        """Drop what `put` wrote and `save` did not (a run stopped while saving), and the pack as read."""
        self._drop_fresh()
        self._pack, self._index, self._used = None, {}, set()
        self._known, self._stats, self._began = {}, {}, None

    def _drop_fresh(self) -> None:
        if self._fresh is not None:
            with contextlib.suppress(OSError):
                self._fresh.close()
            self._fresh = None
        self._fresh_keys = set()
        if self._fresh_name:
            with contextlib.suppress(OSError):
                os.unlink(self._fresh_name)
            self._fresh_name = ""


def _stats(blob: memoryview, crc: int) -> dict[str, Stat]:
    """The remembered stats of a pack; none when damaged (every file is then read and hashed)."""
    if zlib.crc32(blob) != crc:
        return {}
    try:
        value = pickle.loads(blob)
    except Exception:  # noqa: BLE001 - whatever a damaged record raises, nothing is remembered
        return {}
    return value if isinstance(value, dict) else {}  # (each entry is checked as it is used)


def _file_system_now(folder: Path) -> int:
    """The file system's time now (ns): the modification time of a file created for the purpose. 0 (so
    no file counts as settled) when the cache folder cannot be written."""
    try:
        os.makedirs(folder, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=folder, prefix=".now-")
    except OSError:
        return 0
    try:
        return os.fstat(fd).st_mtime_ns
    except OSError:
        return 0
    finally:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(name)
