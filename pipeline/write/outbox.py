"""The outbox is the program's and only that: claimed with a marker, locked, replaced file by file.

Design (README, "The outbox swap"): the folder `outbox/` itself is never renamed or removed. A run
writes everything into a staging folder beside it (inside it when it is a mount point), then writes a
journal naming every file to move in and every old output to drop, and only then renames the files
in one by one (`os.replace`, atomic per file) and removes the dropped ones. A run killed at any
moment leaves `outbox/` in place with every file whole (old or new); the next run finds the journal
and finishes the swap before doing anything else, and removes stale staging folders.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import filelock
from xlsxwriter.exceptions import FileCreateError

from pipeline.config import StopRun

MARKER = ".pinpai-outbox"
NOTE = "此文件夹由“一支部一品牌”报送材料处理程序生成和管理，每次运行会替换其中的输出文件；请不要在此存放其他文件。"
LEGACY_SUFFIXES = (".xlsx", ".json", ".docx")
LEGACY_FOLDERS = ("退回通知", "公文")
PAUSE_ENV, KILL_ENV = "PINPAI_TEST_PAUSE_AT", "PINPAI_TEST_KILL_AT"  # fault injection for the swap tests


class OutboxError(StopRun):
    """The outbox cannot be used or written (exit 2): what is wrong and what to do, in Chinese."""


class OutboxBusyError(OutboxError):
    """Another run holds the outbox's lock."""


@dataclass(frozen=True)
class Layout:
    """Where a run keeps its staging folder, journal and lock for one outbox."""

    outbox: Path
    base: Path  # the outbox's parent, or the outbox itself when it cannot be worked beside
    prefix: str  # name prefix of the control files in `base`

    @property
    def journal(self) -> Path:
        return self.base / f"{self.prefix}pinpai-journal.json"

    @property
    def lock(self) -> Path:
        return self.base / f"{self.prefix}pinpai-lock"

    @property
    def staging_prefix(self) -> str:
        return f"{self.prefix}pinpai-new-"

    @property
    def in_place(self) -> bool:
        return self.base == self.outbox


# ---- refusing what is not ours ---------------------------------------------------------------

def check_outbox(inbox: Path, outbox: Path, whole: bool = True) -> None:
    """Refuse an outbox that is the inbox, lies inside it or contains it, or (when the whole outbox is to be
    written, not only its 公文/) is someone's folder."""
    inbox_real, outbox_real = Path(os.path.realpath(inbox)), Path(os.path.realpath(outbox))
    if _same(inbox_real, outbox_real):
        raise OutboxError([f"输出目录 {outbox} 就是收件箱 {inbox}：写入输出会覆盖收件箱里的报送材料，程序没有运行。",
                           "请另选一个输出目录，例如 --outbox outbox。"])
    if any(_same(a, inbox_real) for a in outbox_real.parents):
        raise OutboxError([f"输出目录 {outbox} 位于收件箱 {inbox} 之内：下次运行会把输出当作报送材料读取，"
                           "程序没有运行。",
                           "请把输出目录放在收件箱以外，例如 --outbox outbox。"])
    if any(_same(a, outbox_real) for a in inbox_real.parents):
        raise OutboxError([f"收件箱 {inbox} 位于输出目录 {outbox} 之内：替换输出会删除收件箱，程序没有运行。",
                           "请另选一个不包含收件箱的输出目录，例如 --outbox outbox。"])
    if outbox_real.exists() and not outbox_real.is_dir():
        raise OutboxError([f"输出目录 {outbox} 是一个文件，不是文件夹。请另选输出目录。"])
    foreign = foreign_entries(outbox_real) if whole else []
    if foreign:
        shown = "、".join(foreign[:3]) + (f" 等 {len(foreign)} 项" if len(foreign) > 3 else "")
        raise OutboxError([f"输出目录 {outbox} 不是本程序以前生成的输出目录，里面已有其他文件（{shown}）。",
                           "为免误删这些文件，程序没有运行。请指定一个新的或空的输出目录，例如 --outbox outbox。"])


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a == b


def foreign_entries(outbox: Path) -> list[str]:
    """Names in an existing, non-empty folder that make it someone else's ([] when it is ours)."""
    try:
        names = sorted(os.listdir(outbox))
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise _disk_error(exc, outbox, "打开输出目录") from None
    names = [n for n in names if not n.startswith(".pinpai-") and not _junk(n)]
    if not names or (outbox / MARKER).is_file():
        return []
    if _looks_like_earlier_outbox(outbox, names):
        return []
    return names


def _junk(name: str) -> bool:
    """What file browsers leave in any folder they show (not the clerk's files)."""
    return name in (".DS_Store", "Thumbs.db", "desktop.ini") or name.startswith("._")


def _looks_like_earlier_outbox(outbox: Path, names: list[str]) -> bool:
    """An outbox written before the marker existed: our manifest.json and only our kinds of entries."""
    try:
        manifest = json.loads((outbox / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(manifest, dict) or not {"as_of", "counts", "files"} <= set(manifest):
        return False
    def ours(name: str) -> bool:
        path = outbox / name
        return (path.is_dir() and name in LEGACY_FOLDERS) or (path.is_file() and name.endswith(LEGACY_SUFFIXES))

    return all(ours(n) for n in names)


def owned_files(outbox: Path) -> list[str]:
    """The files the previous run wrote (from the marker; an unmarked earlier outbox: all of them)."""
    try:
        listed = json.loads((outbox / MARKER).read_text(encoding="utf-8")).get("files", [])
        return [str(p) for p in listed if _inside(str(p))]
    except FileNotFoundError:
        pass
    except (OSError, ValueError, AttributeError):
        return []
    if not outbox.is_dir():
        return []
    found = (p.relative_to(outbox).as_posix() for p in outbox.rglob("*") if p.is_file())
    return sorted(rel for rel in found if not any(part.startswith(".") for part in rel.split("/")))


def _inside(rel: str) -> bool:
    parts = rel.split("/")
    return bool(rel) and not rel.startswith("/") and ".." not in parts and "" not in parts


# ---- the run's claim: lock, recovery, staging, swap ------------------------------------------

@contextlib.contextmanager
def atomic_outbox(outbox: Path, inbox: Path | None = None, wait: float = 10) -> Iterator[Path]:
    """Yield a staging folder; when the block ends normally, swap its files into `outbox`.

    Under one lock per outbox: another run waits up to `wait` seconds, then stops with exit 2.
    """
    with claimed(outbox, inbox, wait) as layout:
        staging = _new_staging(layout)
        try:
            yield staging
            _write_marker(staging)
            _sync_tree(staging)
            _step("staged")
        except (OSError, FileCreateError) as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise _disk_error(_os_error(exc), outbox, "写入输出文件") from None
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        with _signals_held():
            try:
                commit(layout, staging, owned_files(layout.outbox))
            except OSError as exc:
                raise _disk_error(exc, outbox, "替换输出文件") from None


@contextlib.contextmanager
def claimed(outbox: Path, inbox: Path | None = None, wait: float = 10, whole: bool = True) -> Iterator[Layout]:
    """The outbox checked, created if needed, locked, and any swap a killed run left finished."""
    if inbox is not None:
        check_outbox(inbox, outbox, whole)
    layout = _prepare(outbox)
    with _locked(layout, wait):
        if inbox is not None:
            check_outbox(inbox, outbox, whole)  # again, now that no other run can be changing it
        recover(layout)
        yield layout


def _prepare(outbox: Path) -> Layout:
    """Create the outbox if needed and decide where its staging folder can live."""
    outbox = Path(os.path.abspath(outbox))
    try:
        outbox.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _disk_error(exc, outbox, "建立输出目录") from None
    beside = Layout(outbox, outbox.parent, f".{outbox.name}.")
    if os.path.ismount(outbox) or _device(outbox) != _device(outbox.parent) or not _writable(outbox.parent):
        return Layout(outbox, outbox, ".")  # a mount point: work inside it, file by file
    return beside


def _device(path: Path) -> int:
    try:
        return path.stat().st_dev
    except OSError:
        return -1


def _writable(folder: Path) -> bool:
    probe = folder / f".pinpai-probe-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        probe.mkdir()
        probe.rmdir()
    except OSError:
        return False
    return True


@contextlib.contextmanager
def _locked(layout: Layout, wait: float) -> Iterator[None]:
    lock = filelock.FileLock(str(layout.lock), timeout=max(wait, 0))
    try:
        lock.acquire()
    except filelock.Timeout:
        raise OutboxBusyError([f"另一个处理程序正在写入 outbox/，请稍后再试（输出目录 {layout.outbox}，"
                               f"已等待 {wait:g} 秒）。"]) from None
    except OSError as exc:
        raise _disk_error(exc, layout.lock, "建立锁文件") from None
    try:
        yield
    finally:
        lock.release()


def _new_staging(layout: Layout) -> Path:
    staging = layout.base / f"{layout.staging_prefix}{os.getpid()}-{secrets.token_hex(4)}"
    try:
        staging.mkdir()
    except OSError as exc:
        raise _disk_error(exc, layout.base, "建立临时目录") from None
    return staging


def _write_marker(staging: Path) -> None:
    files = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file())
    text = json.dumps({"说明": NOTE, "files": files}, ensure_ascii=False, indent=1) + "\n"
    (staging / MARKER).write_text(text, encoding="utf-8")


def _sync_tree(folder: Path) -> None:
    """Contents on disk before the journal says they are there (a power cut, not only a kill)."""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            fd = os.open(path, os.O_RDWR)  # Windows flushes only a handle open for writing
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def commit(layout: Layout, staging: Path, previous: list[str]) -> None:
    """Journal first, then rename every new file in and drop the old outputs not written again."""
    new = sorted((p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()),
                 key=lambda rel: (rel == MARKER, rel))  # the marker last: it names the new set
    remove = sorted(set(previous) - set(new) - {MARKER})
    journal = {"staging": staging.name, "new": new, "remove": remove}
    tmp = layout.journal.with_name(layout.journal.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(journal, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, layout.journal)
    _fsync_dir(layout.base)
    _step("journal")
    _finish(layout, journal)


def recover(layout: Layout) -> None:
    """Finish a swap a killed run left half done; remove staging folders nobody will use."""
    try:
        journal = json.loads(layout.journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        journal = None
    except (OSError, ValueError):
        journal = None
        layout.journal.unlink(missing_ok=True)
    if isinstance(journal, dict):
        _finish(layout, journal)
    _remove_stale(layout)


def _finish(layout: Layout, journal: dict[str, object]) -> None:
    staging = layout.base / str(journal.get("staging", ""))
    new = [str(p) for p in journal.get("new", []) if _inside(str(p))]  # type: ignore[attr-defined]
    remove = [str(p) for p in journal.get("remove", []) if _inside(str(p))]  # type: ignore[attr-defined]
    if staging.name.startswith(layout.staging_prefix) and staging.is_dir():
        for i, rel in enumerate(new, start=1):
            src = staging / rel
            if src.is_file():
                dst = layout.outbox / rel
                dst.parent.mkdir(parents=True, exist_ok=True)
                os.replace(src, dst)
                _step(f"rename-{i}")
    for i, rel in enumerate(remove, start=1):
        with contextlib.suppress(FileNotFoundError, IsADirectoryError, NotADirectoryError):
            (layout.outbox / rel).unlink()
        _step(f"remove-{i}")
    for folder in sorted({(layout.outbox / rel).parent for rel in remove}, key=lambda p: -len(p.parts)):
        if folder != layout.outbox:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when it became empty
    _fsync_dir(layout.outbox)
    layout.journal.unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)
    _step("done")


def _remove_stale(layout: Layout) -> None:
    """Staging folders of killed runs, ours or the earlier design's (`.outbox.new-*`, `.outbox.old-*`)."""
    name = layout.outbox.name
    stale_prefixes = [layout.staging_prefix]
    places = [layout.base]
    if not layout.in_place:
        stale_prefixes += [f".{name}.new-", f".{name}.old-"]
        places.append(layout.outbox)  # a run that once found the outbox mounted
    for place in places:
        with contextlib.suppress(OSError):
            for entry in os.scandir(place):
                if entry.is_dir(follow_symlinks=False) and any(
                        entry.name.startswith(p) for p in [*stale_prefixes, ".pinpai-new-"]):
                    shutil.rmtree(entry.path, ignore_errors=True)
    with contextlib.suppress(OSError):
        layout.journal.with_name(layout.journal.name + ".tmp").unlink(missing_ok=True)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT/SIGTERM wait until the swap is done (it takes milliseconds), then act."""
    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _step(name: str) -> None:
    """Fault injection for the tests: pause (to be killed from outside) or die at a named step."""
    if os.environ.get(KILL_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
    if os.environ.get(PAUSE_ENV) == name:
        print(f"PINPAI-PAUSED {name}", file=sys.stderr, flush=True)
        time.sleep(3600)


# ---- disk errors in the clerk's words --------------------------------------------------------

def _os_error(exc: BaseException) -> OSError:
    """The OSError behind a writer's own exception (XlsxWriter wraps it in FileCreateError)."""
    while not isinstance(exc, OSError):
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc.__context__
        if inner is None:
            return OSError(str(exc))
        exc = inner
    return exc


def _disk_error(exc: OSError, path: Path, doing: str) -> OutboxError:
    where = exc.filename or path
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        what = "磁盘空间不足"
        todo = "请清理磁盘空间或另选输出目录后重新运行"
    elif code == errno.EROFS:
        what = "磁盘是只读的"
        todo = "请改用可写入的磁盘或文件夹（--outbox）后重新运行"
    elif code in (errno.EACCES, errno.EPERM):
        what = "没有写入权限"
        todo = "请检查文件夹权限，或另选输出目录（--outbox）后重新运行"
    elif code in (errno.ENOENT, errno.ENOTDIR):
        what = "路径不存在或不是文件夹"
        todo = "请检查输出目录的路径"
    else:
        what = exc.strerror or type(exc).__name__
        todo = "请检查磁盘和输出目录后重新运行"
    return OutboxError([f"{doing}时出错：{where}：{what}。上一次的输出保持不变。{todo}。"])
