"""Read files in parallel worker processes, each under a memory and a time limit.

Whatever a library still does with a hostile file (python-calamine aborts the whole process when an
allocation fails) happens in a worker: a worker that dies or overruns fails only the file it was
reading — that file becomes 无法读取 (“文件结构异常，无法安全读取”), the worker is replaced and the run
goes on. One task at a time per worker over a pipe (not concurrent.futures, whose pool breaks as a
whole when one worker dies). Results come back in the order the tasks were given, so the outputs are
the same for any number of workers. Reading is a pure function of (relative path, bytes, reading
configuration): the `reader` must be picklable (a module-level function or a partial of one).
"""

from __future__ import annotations

import contextlib
import ctypes
import faulthandler
import gc
import multiprocessing
import os
import pickle
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait
from typing import Any

from pipeline.model import UNREADABLE, Received
from pipeline.read.sharing import dumps, loads, shared_ids

UNSAFE = "文件结构异常，无法安全读取"
UNSAFE_MEMORY = f"{UNSAFE}（读取时所需内存超出上限），请支部用 Excel 打开后另存为新文件再发送"
FAULT_ENV = "PINPAI_TEST_READ_FAULT"  # "abort:<file name>,hang:<file name>": fault injection for the tests

Reader = Callable[[str, bytes, str], Received]


@dataclass(frozen=True)
class WorkerBug:
    """An exception the reader let through: a bug in the program, reported as such."""

    text: str


@dataclass(frozen=True)
class ReadTask:
    rel: str
    data: bytes
    sha256: str
    mtime: float


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def unsafe(rel: str, sha: str, reason: str = UNSAFE_MEMORY, mtime: float = 0.0) -> Received:
    return Received(rel, sha, mtime, UNREADABLE, reason)


def timed_out(rel: str, sha: str, seconds: float, mtime: float = 0.0) -> Received:
    return unsafe(rel, sha, f"{UNSAFE}（读取超过 {seconds:g} 秒），请支部用 Excel 打开后另存为新文件再发送", mtime)


class ReadPool:
    """`jobs` worker processes (lazily started); `jobs == 1` reads in this process."""

    def __init__(self, reader: Reader, jobs: int, memory_mb: int, timeout: float,
                 shared: tuple[object, ...] = ()) -> None:
        """`shared`: objects the results hold in common (the form kinds), sent back by reference (sharing.py)."""
        self.reader, self.jobs, self.memory_mb, self.timeout = reader, max(1, jobs), memory_mb, timeout
        self.shared = shared
        self._ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods()
                                                else None)
        self._workers: list[_Worker] = []

    def __enter__(self) -> ReadPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(graceful=exc[0] is None)

    def map(self, items: Iterable[ReadTask | Received]) -> list[Received]:
        """Every task read (a ready Received passes through), in the order given."""
        if self.jobs == 1:
            return [self._in_process(item) for item in items]
        results: dict[int, Received] = {}
        pending = iter(enumerate(items))
        exhausted = False
        count = 0
        while True:
            while not exhausted and self._has_room():
                nxt = next(pending, None)
                if nxt is None:
                    exhausted = True
                    break
                count += 1
                index, item = nxt
                if isinstance(item, Received):
                    results[index] = item
                else:
                    self._dispatch(index, item, results)
            busy = [w for w in self._workers if w.job is not None]
            if not busy:
                if exhausted:
                    break
                continue
            self._collect(busy, results)
        return [results[i] for i in range(count)]

    def close(self, graceful: bool = True) -> None:
        for w in self._workers:
            w.stop(graceful)
        self._workers = []

    # ---- internals ---------------------------------------------------------------------------
    def _in_process(self, item: ReadTask | Received) -> Received:
        if isinstance(item, Received):
            return item
        try:
            result = self.reader(item.rel, item.data, item.sha256)
        except MemoryError:
            result = unsafe(item.rel, item.sha256)
        return replace(result, mtime=item.mtime)

    def _has_room(self) -> bool:
        return any(w.job is None for w in self._workers) or len(self._workers) < self.jobs

    def _dispatch(self, index: int, task: ReadTask, results: dict[int, Received], retry: bool = True) -> None:
        worker = next((w for w in self._workers if w.job is None), None) or self._start()
        try:
            worker.send(index, task)
        except (BrokenPipeError, EOFError, OSError):
            self._replace(worker)  # it died before this file reached it: not this file's fault
            if retry:
                self._dispatch(index, task, results, retry=False)
            else:
                results[index] = unsafe(task.rel, task.sha256, mtime=task.mtime)

    def _collect(self, busy: list[_Worker], results: dict[int, Received]) -> None:
        now = time.monotonic()
        deadline = min(w.started for w in busy) + self.timeout
        handles: list[Any] = [w.conn for w in busy] + [w.process.sentinel for w in busy]
        ready = set(wait(handles, timeout=max(0.0, deadline - now)))
        now = time.monotonic()
        for w in busy:
            index, task = w.job  # type: ignore[misc]
            if w.conn in ready:
                try:
                    got_index, result = loads(w.conn.recv_bytes(), self.shared)
                except (EOFError, OSError, MemoryError, ValueError, pickle.UnpicklingError):
                    results[index] = unsafe(task.rel, task.sha256, mtime=task.mtime)
                    self._replace(w)
                    continue
                if isinstance(result, WorkerBug):
                    raise RuntimeError(f"读取 {task.rel} 时程序出错：{result.text}")
                results[got_index] = result  # its mtime set by the worker
                w.job = None
            elif w.process.sentinel in ready:
                results[index] = unsafe(task.rel, task.sha256, mtime=task.mtime)
                self._replace(w)
            elif now - w.started >= self.timeout:
                results[index] = timed_out(task.rel, task.sha256, self.timeout, task.mtime)
                self._replace(w)

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe(duplex=True)
        process = self._ctx.Process(target=_serve, args=(child, self.reader, self.memory_mb, os.getpid(), self.shared),
                                    daemon=True)
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self._workers.append(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        worker.stop(graceful=False)
        self._workers.remove(worker)


class _Worker:
    def __init__(self, process: Any, conn: Connection) -> None:
        self.process, self.conn = process, conn
        self.job: tuple[int, ReadTask] | None = None
        self.started = 0.0

    def send(self, index: int, task: ReadTask) -> None:
        self.job, self.started = (index, task), time.monotonic()
        self.conn.send((index, task.rel, task.data, task.sha256, task.mtime))

    def stop(self, graceful: bool) -> None:
        if graceful and self.process.is_alive():
            with contextlib.suppress(OSError):
                self.conn.send(None)
            self.process.join(timeout=2)
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


# ---- the worker process ----------------------------------------------------------------------

def _serve(conn: Connection, reader: Reader, memory_mb: int, parent: int, shared: tuple[object, ...] = ()) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    gc.enable()  # forked while the parent pauses its collector: a worker reading odd files needs its own
    _quiet()
    _die_with_parent(parent)
    _limit_memory(memory_mb)
    ids = shared_ids(shared)
    for job in _jobs(conn):
        index, rel, data, sha, mtime = job
        _fault(rel)
        try:
            result: Received | WorkerBug = replace(reader(rel, data, sha), mtime=mtime)
        except MemoryError:
            result = unsafe(rel, sha, mtime=mtime)
        except Exception as exc:  # noqa: BLE001 - a bug, not a file problem: the parent raises it
            result = WorkerBug(f"{type(exc).__name__}: {exc}")
        try:
            payload = dumps((index, result), ids)
        except (MemoryError, RecursionError, TypeError, AttributeError, ValueError, pickle.PicklingError):
            payload = dumps((index, unsafe(rel, sha, mtime=mtime)), ids)
        conn.send_bytes(payload)


def _jobs(conn: Connection) -> Iterator[tuple[int, str, bytes, str, float]]:
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        yield job


def _quiet() -> None:
    """A library aborting in a worker prints its own last words (a Rust panic, a fault dump): the
    clerk is told in the manifest instead. Bugs come back to the parent as `WorkerBug`."""
    faulthandler.disable()
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)


def _limit_memory(memory_mb: int) -> None:
    """Let the worker's address space grow by `memory_mb` beyond what it started with."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            current = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        current = 0
    limit = current + memory_mb * 1024 * 1024
    try:
        import resource  # POSIX only; elsewhere the timeout is the only bound
    except ImportError:
        return
    with contextlib.suppress(ValueError, OSError, AttributeError):
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _die_with_parent(parent: int) -> None:
    """A worker never outlives a parent killed with SIGKILL (Linux: PR_SET_PDEATHSIG)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(0)


def _fault(rel: str) -> None:
    for fault in os.environ.get(FAULT_ENV, "").split(","):
        kind, _, name = fault.partition(":")
        if name and rel.endswith(name):
            if kind == "abort":
                os.abort()
            if kind == "hang":
                time.sleep(3600)
