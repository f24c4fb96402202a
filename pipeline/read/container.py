"""A file's zip directory, parsed once: sniffing the format, telling .docx from .xlsx and the guard
all look inside the same container, and on a city's inbox parsing the central directory four times
per file cost more than calamine's own read (issue 10)."""

from __future__ import annotations

import io
import zipfile

_last: tuple[bytes, zipfile.ZipFile | None, BaseException | None] | None = None


def zip_of(data: bytes) -> zipfile.ZipFile:
    """The open zip of these very bytes (the last file's is kept); raises what `ZipFile` raises.
    The caller must not close it."""
    global _last
    if _last is None or _last[0] is not data:
        try:
            _last = (data, zipfile.ZipFile(io.BytesIO(data)), None)
        except Exception as exc:  # noqa: BLE001 - remembered and raised again to every caller
            _last = (data, None, exc)
    if _last[2] is not None:  # (not bound to a local: the frame would hold its own exception, a cycle)
        raise _last[2].with_traceback(None)
    assert _last[1] is not None
    return _last[1]

