"""A content cache of parsed files: a re-run reads again only what changed.

An entry is keyed by the file's SHA-256, its path in the inbox (issues name the file), the reader's
version and a hash of the configuration reading depends on (`config_key`). It is one file under the
cache folder, written atomically (a temporary file, then `os.replace`), starting with a header that
repeats its key. Loading never trusts an entry: a wrong header or key, an unpickling error, another
type or another file's result all count as a miss, and the file is read again and the entry rewritten.
The cache never changes an output: a hit returns what reading the same bytes would return.

Objects the reader shares between all its results (the form kinds) are pickled by reference
(`shared`), so an entry stays small and a hit returns the run's own objects.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.model import Received
from pipeline.read.sharing import dumps, loads, shared_ids

FORMAT = b"pinpai-read-cache 1\n"
DEFAULT_DIR = Path(".cache")
_SUBDIR = "read"


def config_key(*parts: object) -> str:
    """A stable hash of the reading configuration (reprs of frozen dataclasses, tuples, dates)."""
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


@dataclass
class ReadCache:
    """Parsed files under `root/read/`, for one reading configuration (`key`)."""

    root: Path
    key: str
    shared: tuple[object, ...] = ()
    hits: int = 0
    misses: int = 0
    _ids: dict[int, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._ids = shared_ids(self.shared)

    def entry_key(self, rel: str, sha256: str) -> str:
        return hashlib.sha256(f"{self.key}\n{sha256}\n{rel}".encode()).hexdigest()

    def _path(self, key: str) -> str:
        # A string, not a Path: a re-run looks up every file of the inbox (three Path joins each cost more
        # than reading the entry).
        return os.path.join(self.root, _SUBDIR, key[:2], key)

    def get(self, rel: str, sha256: str) -> Received | None:
        """The cached result for this file, or None (a miss, or an entry not to be trusted)."""
        key = self.entry_key(rel, sha256)
        found = self._load(self._path(key), key, rel, sha256)
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def _load(self, path: str, key: str, rel: str, sha256: str) -> Received | None:
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError:
            return None
        header = FORMAT + key.encode("ascii") + b"\n"
        if not data.startswith(header):
            return None
        try:
            value = loads(data[len(header):], self.shared)
        except Exception:  # noqa: BLE001 - whatever a damaged entry raises, it is a miss
            return None
        if not isinstance(value, Received) or value.path != rel or value.sha256 != sha256:
            return None
        return value

    def put(self, rel: str, sha256: str, received: Received) -> None:
        """Store a result; a cache that cannot be written is no reason to stop the run."""
        key = self.entry_key(rel, sha256)
        path = self._path(key)
        try:
            payload = FORMAT + key.encode("ascii") + b"\n" + dumps(received, self._ids)
        except Exception:  # noqa: BLE001 - an unpicklable result is simply not cached
            return
        tmp = None
        try:
            folder = os.path.dirname(path)
            os.makedirs(folder, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(payload)
            os.replace(tmp, path)
            tmp = None
        except OSError:
            pass
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
