"""Ctrl-C and SIGTERM as exceptions, so staging is cleaned up and the clerk is told what happened."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from types import FrameType

STOPPED = "已中断（{why}）：本次没有生成新的结果，输出目录保持上一次的内容；临时文件已清理。"


class Interrupted(BaseException):
    def __init__(self, code: int, why: str) -> None:
        super().__init__(why)
        self.code = code
        self.message = STOPPED.format(why=why)


@contextlib.contextmanager
def interrupts_as_exceptions() -> Iterator[None]:
    """Inside the block SIGTERM and SIGINT raise `Interrupted` (exit 143 and 130)."""

    def on_term(_signum: int, _frame: FrameType | None) -> None:
        raise Interrupted(143, "收到终止信号")

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        yield
    except KeyboardInterrupt:
        raise Interrupted(130, "按下了 Ctrl-C") from None
    finally:
        signal.signal(signal.SIGTERM, previous)
