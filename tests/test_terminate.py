"""SIGTERM and SIGHUP (the terminal window closed, the machine shutting down, ``kill``) unwind
the running command as Ctrl-C does: its transaction rolled back, a workbook being written
removed (no ``.part`` file left beside it), one Chinese sentence, exit 128 + the signal. A
``sanlian shell`` ends with them too (a command that finished before stays written)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from sanlian.cli.main import TERMINATED
from tests.conftest import Cli, dump

pytestmark = [
    pytest.mark.sqlite_only(reason="a subprocess on the test's database file"),
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals"),
]

ROOT = Path(__file__).resolve().parent.parent


def _started(args: list[str], **kwargs: Any) -> subprocess.Popen[Any]:
    """``sanlian ARGS`` started as its own process on the test's database, its stderr piped."""
    return subprocess.Popen(
        [sys.executable, "-m", "sanlian", *args],
        cwd=ROOT,
        env=dict(os.environ),
        stderr=subprocess.PIPE,
        **kwargs,
    )


def _run(patch: str, args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """``sanlian ARGS`` as the program runs (its own signal handlers), with ``patch`` applied
    first: Python source that makes the process signal itself at a chosen point."""
    # SIGHUP as a terminal leaves it: a suite started under ``nohup`` passes its ignored SIGHUP
    # on, which the program rightly keeps ignoring
    driver = textwrap.dedent(patch) + textwrap.dedent(
        f"""
        import signal, sys
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
        sys.argv = ["sanlian", *{args!r}]
        from sanlian.__main__ import run
        run()
        """
    )
    return subprocess.run(
        [sys.executable, "-c", driver],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_workbook_being_written_is_removed(base: Cli, tmp_path: Path, signum: int) -> None:
    out = tmp_path / "报告" / "自查报告.xlsx"
    out.parent.mkdir()
    patch = f"""
        import os
        from sanlian.io import xlsx_stream
        closing = xlsx_stream.Sheet.close
        sent = []
        def close(self):
            if not sent:  # the first sheet written, the rest to come
                sent.append(os.kill(os.getpid(), {int(signum)}))
            closing(self)
        xlsx_stream.Sheet.close = close
    """
    r = _run(patch, ["selfcheck", "-o", str(out)])
    assert r.returncode == 128 + signum, r.stderr
    assert r.stderr.strip() == TERMINATED
    assert list(out.parent.iterdir()) == []  # neither the workbook nor its part file


def test_an_import_ended_half_way_writes_nothing(base: Cli, db_path: Path, tmp_path: Path) -> None:
    csv = tmp_path / "科室.csv"
    csv.write_text("科室名称\n" + "".join(f"第{n:04d}科\n" for n in range(2500)), "utf-8")
    before = dump(db_path)
    patch = """
        import os, signal
        from sanlian.services import importing
        process = importing.RegistryImporter.process
        calls = []
        def process_then_end(self, *args, **kwargs):
            calls.append(1)
            if len(calls) == 2:  # the first batch written, in the import's transaction
                os.kill(os.getpid(), signal.SIGTERM)
            return process(self, *args, **kwargs)
        importing.RegistryImporter.process = process_then_end
    """
    r = _run(patch, ["section", "import", str(csv)])
    assert r.returncode == 128 + signal.SIGTERM, r.stderr
    assert r.stderr.strip().splitlines()[-1] == TERMINATED
    assert "Traceback" not in r.stderr
    assert dump(db_path) == before
    backups = db_path.parent / "sanlian-backups"
    assert not backups.exists() or not any(backups.glob("*import*"))  # its backup gone too
    assert base("section", "import", csv).code == 0  # and it can be run again, whole


def test_the_shell_ends_and_keeps_what_it_finished(base: Cli, db_path: Path) -> None:
    patch = """
        import os, signal
        from sanlian.reports import progress
        build = progress.progress
        def progress_then_end(*args, **kwargs):
            os.kill(os.getpid(), signal.SIGTERM)
            return build(*args, **kwargs)
        progress.progress = progress_then_end
    """
    lines = "section add 第一科\nprogress\nsection add 第二科\n"
    r = _run(patch, ["shell"], input=lines)
    assert r.returncode == 128 + signal.SIGTERM, r.stderr
    assert r.stderr.strip().splitlines()[-1] == TERMINATED
    names = [s["name"] for s in base("section", "list", "-f", "json").json()]
    assert "第一科" in names
    assert "第二科" not in names  # the lines after the signal are not run


def test_the_signals_are_the_programs_only_while_a_command_runs() -> None:
    """After the command, an ending signal ends the process at once (nothing to unwind), and
    a caller's own handler is never replaced."""
    from sanlian.cli import main as main_module

    mine = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    hup = signal.signal(signal.SIGHUP, signal.SIG_DFL)
    hook = sys.unraisablehook
    try:
        main_module.handle_interrupts()
        assert signal.getsignal(signal.SIGTERM) is main_module._on_terminate
        main_module._ignore_interrupts()
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL

        def own(signum: int, frame: Any) -> None:
            pass

        signal.signal(signal.SIGTERM, own)
        main_module.handle_interrupts()
        assert signal.getsignal(signal.SIGTERM) is own
    finally:
        signal.signal(signal.SIGTERM, mine)
        signal.signal(signal.SIGHUP, hup)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        sys.unraisablehook = hook


@pytest.mark.skipif(sys.platform != "linux", reason="forked children (Linux)")
def test_a_forked_child_ends_at_once_unless_nohup_said_otherwise() -> None:
    """A checking or ledger-making child has nothing to unwind: an ending signal ends it
    at once; but a signal the program was started to ignore (``nohup``) stays ignored."""
    from sanlian.cli import main as main_module
    from sanlian.forking import fork_child

    def handlers(out: Any) -> None:
        out.write(
            repr([signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)]).encode()
        )

    saved = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)
    try:
        signal.signal(signal.SIGTERM, main_module._on_terminate)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        pid, pipe = fork_child(handlers)
        said = pipe.read().decode()
        pipe.close()
        os.waitpid(pid, 0)
    finally:
        signal.signal(signal.SIGTERM, saved[0])
        signal.signal(signal.SIGHUP, saved[1])
    assert said == repr([signal.SIG_DFL, signal.SIG_IGN])


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_wait_for_another_writer_ends_at_once(base: Cli, db_path: Path, signum: int) -> None:
    """Another clerk holds the write lock: after a second the command says it is waiting; a
    Ctrl-C or a closed terminal then ends it at once (SQLite waited 30 s in one piece before,
    and the signal took effect only when the wait returned). Nothing is written."""
    import sqlite3
    import time

    before = dump(db_path)
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("begin immediate")  # another clerk's write in progress
    try:
        process = _started(["section", "add", "等锁科"], stdout=subprocess.DEVNULL, text=True)
        assert process.stderr is not None
        waiting = process.stderr.readline()  # the note, once the wait passed a second
        assert waiting.startswith(
            "数据库正由另一处写入，等待对方完成（最多 30 秒，按 Ctrl-C 可取消）"
        )
        sent = time.monotonic()
        process.send_signal(signum)
        rest = process.stderr.read()
        code = process.wait(timeout=30)
        assert time.monotonic() - sent < 5  # not when the other writer lets go
        assert code == 128 + signum and "Traceback" not in rest
    finally:
        other.execute("rollback")
        other.close()
    assert dump(db_path) == before


def test_a_revealed_listing_cut_short_by_its_reader_is_journaled(base: Cli, tmp_path: Path) -> None:
    """``sanlian export household --reveal | head -1``: the reader leaves after a line while
    the listing still writes; the command ends quietly (exit 0) and who asked to see the full
    numbers is journaled all the same (nothing was: Click left with exit 1 past our handler,
    and the journal's write then waited on the listing's still open read)."""
    rows = ["户主姓名,所在社区(村),手机号码"]
    rows += [f"户{i},幸福社区,1381234{i:04d}" for i in range(3000)]
    source = tmp_path / "户.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert base("household", "import", source).code == 0
    process = _started(["export", "household", "--reveal"], stdout=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().decode("utf-8-sig").startswith("台账编号,")
    process.stdout.close()  # the reader gone: the listing's next writes find no pipe
    rest = process.stderr.read().decode()
    assert process.wait(timeout=60) == 0 and "Traceback" not in rest
    journal = base("history", "-f", "json").json()
    assert journal[0]["kind"] == "reveal" and journal[0]["command"].startswith("export household")


def _interrupt_at_commit(monkeypatch: pytest.MonkeyPatch, signum: int = signal.SIGINT) -> None:
    """A Ctrl-C (or ``signum``) pressed while the command's write is committed (the
    outermost transaction of a session that journals: not a read's, not an import's
    savepoint): SQLite has written it, the signal arrives as the driver returns."""
    import signal

    from sqlalchemy.orm import SessionTransaction

    from sanlian.db import journal

    real = SessionTransaction.commit

    def commit(self: SessionTransaction, *args: Any, **kwargs: Any) -> Any:
        writing = self.parent is None and journal.recorder(self.session) is not None
        done = real(self, *args, **kwargs)
        if writing:
            signal.raise_signal(signum)
        return done

    monkeypatch.setattr(SessionTransaction, "commit", commit)


def _ctrl_c_at_commit(base: Cli, monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    """``sanlian ARGS`` with a Ctrl-C pressed as its write is committed."""
    with monkeypatch.context() as patched:
        _interrupt_at_commit(patched)
        return base(*args)


def test_ctrl_c_during_a_commit_says_the_change_was_written(
    base: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = _ctrl_c_at_commit(base, monkeypatch, "section", "add", "督查科")
    assert result.code == 130
    assert "已中断，但这条命令的修改在按下 Ctrl-C 之前已经写入" in result.err, result
    assert "督查科" in base("section", "list").out  # it was: the sentence is true
    assert "没有写入" not in result.err


def test_ctrl_c_during_the_commit_of_an_import_keeps_its_backup(
    base: Cli, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = tmp_path / "户.csv"
    rows.write_text("户主姓名,所在社区(村)\n李四,幸福社区\n王五,幸福社区\n", encoding="utf-8")
    result = _ctrl_c_at_commit(base, monkeypatch, "household", "import", str(rows))
    assert result.code == 130 and "之前已经写入" in result.err, result
    listed = base("household", "list").out
    assert "李四" in listed and "王五" in listed
    assert list((db_path.parent / "sanlian-backups").glob("*-import.db"))  # the way back kept


@pytest.mark.parametrize(
    "args",
    [
        ["cadre", "list"],  # a read
        ["db", "backup", "{tmp}/备份.db"],  # the copy's read of the source
        ["household", "import", "{tmp}/户.csv"],  # the backup taken first
        ["db", "restore", "{tmp}/旧.db", "--yes"],  # the lock a restore holds
    ],
)
def test_ctrl_c_ends_a_wait_for_a_locked_database(
    base: Cli, db_path: Path, tmp_path: Path, args: list[str]
) -> None:
    # another program holds the file exclusively (a colleague committing a large import):
    # the command waits for it in slices, says so, and a Ctrl-C ends the wait at once, not
    # when the lock goes (a backup's copy retried without end); nothing is left behind
    import sqlite3
    import time

    (tmp_path / "户.csv").write_text("户主姓名,所在社区(村)\n李四,幸福社区\n", encoding="utf-8")
    assert base("db", "backup", tmp_path / "旧.db").code == 0
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        proc = _started([a.format(tmp=tmp_path) for a in args], stdout=subprocess.PIPE)
        time.sleep(2.5)  # started, and waiting (told after a second)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
        took = time.monotonic() - sent
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert proc.returncode == 130, err
    assert took < 20, took  # not the 30 s wait inside SQLite (a generous margin: no timing)
    text = err.decode()
    assert "按 Ctrl-C 可取消" in text and text.strip().endswith("已中断，未完成的修改没有写入。")
    assert not (tmp_path / "备份.db").exists()
    assert not list((db_path.parent / "sanlian-backups").glob("*"))


def test_an_ending_signal_during_the_commit_of_an_import_says_it_was_written(
    base: Cli,
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # the terminal closed (SIGHUP) as the import was committed: it is written, said so, and
    # its backup kept (as for a Ctrl-C then)
    from sanlian.cli import context
    from sanlian.cli import main as main_module

    rows = tmp_path / "户.csv"
    rows.write_text("户主姓名,所在社区(村)\n李四,幸福社区\n", encoding="utf-8")
    previous = signal.signal(signal.SIGHUP, main_module._on_terminate)  # as ``run`` sets it
    try:
        with monkeypatch.context() as patched:
            _interrupt_at_commit(patched, signal.SIGHUP)
            with pytest.raises(main_module.Terminated):
                base("household", "import", str(rows))
        committed = context.state().committed  # what the ending sentence is chosen by
        capsys.readouterr()
        assert main_module._terminated_said(main_module.Terminated(signal.SIGHUP)) == 129
        said = capsys.readouterr().err
    finally:
        signal.signal(signal.SIGHUP, previous)
    assert committed is True
    assert said.startswith("已终止（收到结束信号），但这条命令的修改在此之前已经写入")
    assert "李四" in base("household", "list").out
    assert list((db_path.parent / "sanlian-backups").glob("*-import.db"))


def test_ctrl_c_at_the_commit_of_a_reveal_entry_is_no_change_and_is_written_once(
    base: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a listing with --reveal writes one journal entry (who saw the numbers): a Ctrl-C as
    # it is committed says nothing was changed, and the entry is not written twice
    result = _ctrl_c_at_commit(base, monkeypatch, "cadre", "list", "--reveal")
    assert result.code == 130
    assert "已经写入" not in result.err and "未完成的修改没有写入" in result.err
    entries = base("history", "-f", "json").json()
    assert [e["kind"] for e in entries].count("reveal") == 1
