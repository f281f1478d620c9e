"""`sanlian shell` and the program's edges: the defects of the sixth QA pass (issue 7, item 1),
one test each."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import Cli

INTERRUPTED = "已中断，未完成的修改没有写入。"

# --- 1. Ctrl-C while the program starts: one sentence, exit 130, never a traceback ----------

# Runs the installed ``sanlian`` entry point (as its console script does) and sends itself a
# Ctrl-C at the moment the module ``TRIP`` starts to be imported.
_TRIPPED = r"""
import os, signal, sys
from importlib.metadata import entry_points

TRIP = sys.argv[1]


class Trip:
    def find_spec(self, name, path=None, target=None):
        if name == TRIP:
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.SIGINT)
        return None


(entry,) = entry_points(group="console_scripts", name="sanlian")
sys.argv = ["sanlian", *sys.argv[2:]]
sys.meta_path.insert(0, Trip())
sys.exit(entry.load()())
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize(
    ("trip", "args"),
    [
        ("typer", ["--help"]),  # the first heavy import of every command
        ("sanlian.cli.context", ["section", "add", "人事科"]),
        ("sanlian.cli.zh", ["shell"]),
        ("sanlian.cli.shell", ["shell"]),  # the shell's own start-up
        ("sqlalchemy", ["section", "add", "人事科"]),  # inside the command: its own handler
    ],
)
def test_ctrl_c_while_starting_says_one_sentence(trip: str, args: list[str], base: Cli) -> None:
    result = subprocess.run(
        [sys.executable, "-c", _TRIPPED, trip, *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert "KeyboardInterrupt" not in result.stderr, result.stderr
    assert result.stderr.strip() == INTERRUPTED
    assert result.returncode == 130
    assert base("section", "list", "-f", "csv").out.splitlines()[1:] == ["1,办公室,", "2,综合科,"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_soon_after_start_never_shows_the_programs_traceback(base: Cli) -> None:
    """A real Ctrl-C a few milliseconds after start. Before the program's first line runs,
    Python itself is still starting (its site module): what it says then is Python's, and the
    program cannot change it; anything later must be the sentence or a normal end."""
    script = Path(sys.executable).parent / "sanlian"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "sanlian"]
    for delay in (0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1, 0.15):
        for args in (["--help"], ["shell"]):
            proc = subprocess.Popen(
                [*command, *args],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            time.sleep(delay)
            proc.send_signal(signal.SIGINT)
            _out, err = proc.communicate(timeout=120)
            if "Traceback" in err:  # only Python's own start-up may have one
                # Python's site module, or the console script finding sanlian.__main__
                pythons = "<frozen site>" in err or (
                    "from sanlian.__main__ import run" in err
                    and "sanlian/cli" not in err
                    and "typer" not in err
                )
                assert pythons, (delay, args, err)
                continue
            assert err.strip() in ("", INTERRUPTED), (delay, args, err)
            assert proc.returncode in (0, 130, -signal.SIGINT), (delay, args, err)
