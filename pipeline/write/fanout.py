"""Write independent outputs side by side in forked processes.

Every workbook and document of a run is a pure function of the computed results, written to its own
file: split across the machine's cores they take the time of the largest share instead of the sum
(on a 1,000-branch inbox the 汇总台账 alone is a third of the writing). The children are forks, so they
see the results without copying them; each writes its own files and sends back only its return values.
A failure in a child (a full disk, a bug) is raised in the parent as it was raised there. Where fork is
not available, or with one job, everything runs here in turn; the files are the same either way.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any


@dataclass(frozen=True)
class Output:
    """One output to write: `write()` lays it out; `weight` is its rough cost, for sharing the work."""

    write: Callable[[], Any]
    weight: float = 1.0


def write_all(outputs: Sequence[Output], jobs: int) -> list[Any]:
    """Every output written; their return values in the order given."""
    if jobs <= 1 or len(outputs) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return [o.write() for o in outputs]
    shares = _shares([o.weight for o in outputs], jobs)
    ctx = multiprocessing.get_context("fork")
    children = []
    try:
        for share in shares[1:]:
            parent_end, child_end = ctx.Pipe(duplex=False)
            process = ctx.Process(target=_child, args=(child_end, outputs, share), daemon=True)
            process.start()
            child_end.close()
            children.append((process, parent_end))
        got = {i: outputs[i].write() for i in shares[0]}  # the parent's own share meanwhile
        for process, conn in children:
            got.update(_received(process, conn))
    finally:
        for process, conn in children:  # an interrupted or failed parent leaves no writer behind
            if process.is_alive():
                process.kill()
            process.join()
            conn.close()
    return [got[i] for i in range(len(outputs))]


def _shares(weights: Sequence[float], jobs: int) -> list[list[int]]:
    """Indices split into `jobs` shares of about equal weight (largest first onto the lightest share)."""
    shares: list[list[int]] = [[] for _ in range(min(jobs, len(weights)))]
    loads = [0.0] * len(shares)
    for i in sorted(range(len(weights)), key=lambda i: (-weights[i], i)):
        lightest = loads.index(min(loads))
        shares[lightest].append(i)
        loads[lightest] += weights[i]
    return [sorted(s) for s in shares]


def _child(conn: Connection, outputs: Sequence[Output], share: list[int]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and cleans up
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        payload = pickle.dumps((True, {i: outputs[i].write() for i in share}))
    except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
        try:
            payload = pickle.dumps((False, exc))
        except Exception:  # noqa: BLE001 - an exception that does not pickle goes back as its text
            payload = pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
    with contextlib.suppress(OSError):
        conn.send_bytes(payload)
    conn.close()
    os._exit(0)  # no atexit handlers, no flushing of the parent's inherited buffers


def _received(process: Any, conn: Connection) -> dict[int, Any]:
    try:
        ok, value = pickle.loads(conn.recv_bytes())
    except (EOFError, OSError):
        process.join()
        raise RuntimeError(f"写出结果的子进程意外退出（退出码 {process.exitcode}）") from None
    if not ok:
        raise value
    return value
