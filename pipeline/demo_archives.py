"""What the demo inbox sends besides loose Excel files: archives as branches really make them (SPEC §10).

A school zips its own folder on a Windows PC in China: member names in GBK without the UTF-8 flag.
Another sends one archive holding a second archive and a photo. The forms inside are the demo's own
files, moved in (so every form is still counted once); time stamps come from each file's modification
time, so the archives are byte-identical for the same seed.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from pathlib import Path

# A tiny JPEG header and padding: enough for the reader to know it is a photo.
PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


class _GbkName(zipfile.ZipInfo):
    """A member named the way Windows' built-in zip (and WinRAR's zip) names it on a Chinese PC."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 - zipfile's own hook
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def zip_bytes(members: list[tuple[str, bytes, float]], gbk: bool = False) -> bytes:
    """(name, bytes, mtime) → a deflated zip; with `gbk`, names in GBK and no UTF-8 flag."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data, mtime in members:
            stamp = dt.datetime.fromtimestamp(mtime, dt.UTC).timetuple()[:6]
            info = _GbkName(name, stamp) if gbk else zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return out.getvalue()


def _take(root: Path, rels: list[str], folder: str) -> list[tuple[str, bytes, float]]:
    """Read the files and remove them from the inbox: they now travel inside an archive."""
    members = []
    for rel in rels:
        path = root / rel
        members.append((f"{folder}/{path.name}", path.read_bytes(), path.stat().st_mtime))
        path.unlink()
        if not any(path.parent.iterdir()):
            path.parent.rmdir()
    return members


def _place(root: Path, rel: str, data: bytes, mtime: float) -> str:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (mtime, mtime))
    return rel


def pack_school_folder(root: Path, rels: list[str], school: str) -> str:
    """The school's reports zipped as its own folder `<school>报送材料/`, GBK names; returns the archive."""
    folder = f"{school}报送材料"
    members = _take(root, rels, folder)
    return _place(root, f"邮件附件/{folder}.zip", zip_bytes(members, gbk=True), max(m[2] for m in members))


def pack_nested(root: Path, rels: list[str], school: str) -> str:
    """An archive holding the school's zipped reports and an activity photo; returns the outer archive."""
    members = _take(root, rels, f"{school}季度汇报")
    when = max(m[2] for m in members)
    inner = zip_bytes(members)
    outer = zip_bytes([(f"{school}季度汇报.zip", inner, when), (f"{school}活动照片.jpg", PHOTO, when)])
    return _place(root, f"邮件附件/{school}材料（打包）.zip", outer, when)
