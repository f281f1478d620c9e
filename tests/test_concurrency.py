"""Two clerks at once on one SQLite file: no write lost, no "database is locked" (issue 6,
item 3). Each process runs 1,000 ``visit add`` commands through the CLI's own entry point."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from sanlian.i18n.messages import MESSAGES
from tests.conftest import Cli

pytestmark = pytest.mark.sqlite_only(
    reason="two processes on one SQLite file; PostgreSQL has its own two-clerk test"
)

PER_PROCESS = 1000

CLERK = textwrap.dedent(
    """
    import functools, io, os, sys, time
    from contextlib import redirect_stdout
    from pathlib import Path

    import sanlian.cli.main as entry

    # the Typer command tree is built once, not once a command (test speed only)
    entry.build_command = functools.lru_cache(maxsize=None)(entry.build_command)
    who, count, go = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    while not go.exists():
        time.sleep(0.01)
    failed = 0
    for n in range(count):
        with redirect_stdout(io.StringIO()):
            code = entry.main(
                ["--operator", who, "visit", "add", "--date", "2026-06-01", "--cadre", "1",
                 "--community", "1", "--form", "talk", "--note", f"{who}-{n}"]
            )
        failed += code != 0
    print(f"{who} failed {failed}")
    """
)


def test_two_processes_writing_at_once_lose_nothing(
    base: Cli, db_path: Path, tmp_path: Path
) -> None:
    link = ("link", "community", "--section", "办公室", "--community", "幸福社区", "--from", "3-1")
    assert base(*link).code == 0
    go = tmp_path / "go"
    clerks = [
        subprocess.Popen(
            [sys.executable, "-c", CLERK, who, str(PER_PROCESS), str(go)],
            env=dict(os.environ),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in ("甲", "乙")
    ]
    time.sleep(0.5)  # both have started and imported; they begin together
    go.touch()
    outputs = [c.communicate(timeout=1800) for c in clerks]
    for clerk, (out, err) in zip(clerks, outputs, strict=True):
        assert clerk.returncode == 0, err
        # not one "database is locked", not one traceback; on a loaded machine a wait may
        # pass the second after which the clerk is told the other writer is being waited for
        waiting = MESSAGES["db_waiting_lock"].split("（")[0]
        assert [ln for ln in err.splitlines() if not ln.startswith(waiting)] == [], err
        assert out.strip().endswith("failed 0"), out
    con = sqlite3.connect(db_path)
    notes = [r[0] for r in con.execute("select note from visit")]
    people = con.execute("select count(*) from visit_cadre").fetchone()[0]
    con.close()
    assert len(notes) == 2 * PER_PROCESS and people == 2 * PER_PROCESS
    assert set(notes) == {f"{who}-{n}" for who in ("甲", "乙") for n in range(PER_PROCESS)}
