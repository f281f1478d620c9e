"""The ``sanlian`` program's entry point (also ``python -m sanlian``).

Its first act is to make Ctrl-C say one Chinese sentence and leave with exit code 130: the
imports that follow (Typer, then the command's own modules) take some tens of milliseconds,
and a Ctrl-C during them would otherwise show a Python traceback. Nothing has been written
yet then, so the process simply ends. ``sanlian.cli.main.run`` replaces this handler with the
command's own (which unwinds the command) once it is imported. Keep this module light: only
the standard library's ``contextlib``, ``os``, ``sys`` and the C module ``_signal``, all
loaded already by Python's own start-up.
"""

import _signal  # the C module: ``signal`` would first build its enums (a few tenths of a ms)
import contextlib
import os
import sys

INTERRUPTED = "已中断，未完成的修改没有写入。"


def _interrupted_while_starting(signum: int, frame: object) -> None:
    """Ctrl-C before the command started: the sentence, exit 130 (nothing to unwind)."""
    with contextlib.suppress(OSError, AttributeError, LookupError):
        os.write(2, (INTERRUPTED + "\n").encode(sys.stderr.encoding or "utf-8", "replace"))
    os._exit(130)


_interrupted_while_starting._sanlian_starting = True  # type: ignore[attr-defined]


def _handle_ctrl_c() -> None:
    with contextlib.suppress(ValueError, OSError):  # not the main thread: Python's default
        _signal.signal(_signal.SIGINT, _interrupted_while_starting)


def run() -> None:
    """``sanlian``: Ctrl-C handled first, then the command line (``sanlian.cli.main.run``)."""
    _handle_ctrl_c()
    from sanlian.cli.main import run as run_command

    run_command()


if os.path.basename(sys.argv[0] if sys.argv else "").removesuffix(".exe") == "sanlian":
    # imported by the ``sanlian`` console script: handled already while the script's own
    # remaining lines run before it calls ``run`` (pip's script compiles a regular expression
    # for its ``sys.argv[0]``, some milliseconds on a cold start)
    _handle_ctrl_c()


if __name__ == "__main__":
    run()
