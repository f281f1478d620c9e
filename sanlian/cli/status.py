"""One line on the terminal saying how far a long write has come.

At city scale ``selfcheck -o 自查报告.xlsx`` writes a million visits (≈ 14 s) and ``visit list
-o 走访.xlsx`` as long: a clerk who sees nothing for that long thinks the program hung. The line
goes to stderr, only when stderr is a terminal (never into a pipe, a file or a test's
output), changes at most twice a second, and is cleared when the command ends, however it
ends; the command's own output is not touched.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

from sanlian.cli.output import text_width

T = TypeVar("T")

EVERY = 4096  # rows between two looks at the clock
PAUSE = 0.5  # seconds at the least between two changes of the line


class Status:
    """The line of one command writing ``target`` (a file's name; ``None``: standard output,
    piped or sent to a file by the shell)."""

    def __init__(self, target: str | None) -> None:
        self.head = f"正在写入 {target}：" if target else "正在输出："
        self.short = "正在写入：" if target else self.head  # the name left out: a narrow screen
        self.on = sys.stderr.isatty()
        self.shown = False
        self.last = 0.0

    def phase(self, text: str) -> None:
        """Say what is being done now (a step with no rows to count)."""
        if self.on:
            self._show(f"{self.head}{text}…")

    def watch(self, rows: Iterable[T], part: str = "") -> Iterable[T]:
        """``rows`` as they are, counted on the line as they go by."""
        if not self.on:
            return rows
        return self._counted(rows, f"{part} " if part else "")

    def _counted(self, rows: Iterable[T], part: str) -> Iterator[T]:
        for count, row in enumerate(rows, 1):
            if not count % EVERY and time.monotonic() - self.last >= PAUSE:
                self._show(f"{self.head}{part}已写 {count:,} 行…")
            yield row

    def _show(self, text: str) -> None:
        # on one line of the terminal: a longer one wraps, and \r\x1b[K then clears only its
        # last part (a long file name left 正在写入 … on the screen above the next line)
        room = _columns() - 1
        if text_width(text) > room:
            text = _cut(self.short + text.removeprefix(self.head), room)
        sys.stderr.write("\r\x1b[K" + text)
        sys.stderr.flush()
        self.shown = True
        self.last = time.monotonic()

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self.shown = False


def _columns() -> int:
    """The width of the terminal stderr shows on (80 when it cannot be told)."""
    try:
        return os.get_terminal_size(sys.stderr.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):  # no file number (a test's stream)
        return 80


def _cut(text: str, room: int) -> str:
    """``text`` cut to ``room`` terminal columns, ``…`` marking the cut."""
    if text_width(text) <= room:
        return text
    out, used = [], 0
    for ch in text:
        size = text_width(ch)
        if used + size > room - 1:
            break
        out.append(ch)
        used += size
    return "".join(out) + "…"


@contextlib.contextmanager
def status(target: str | None) -> Iterator[Status]:
    """A ``Status`` for the block, its line cleared when the block ends."""
    line = Status(target)
    try:
        yield line
    finally:
        line.clear()
