"""`sanlian shell` driven as a clerk drives it in a terminal (QA pass 11): one test a defect."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from tests.conftest import Cli


def _prompt_in_thread(shell: Any, pipe: Any) -> tuple[Any, dict[str, str], threading.Thread]:
    """The shell's prompt reading from ``pipe`` in a thread: (session, its result, thread)."""
    from prompt_toolkit.output import DummyOutput

    from sanlian.cli.shell import PROMPT

    session = shell.prompt_session(input=pipe, output=DummyOutput())
    result: dict[str, str] = {}
    thread = threading.Thread(target=lambda: result.setdefault("line", session.prompt(PROMPT)))
    thread.start()
    return session, result, thread


def _until(condition: Any, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_a_second_tab_keeps_the_only_name_offered(base: Cli) -> None:
    """``cadre show wan`` Tab put 万勇 in the line; a second Tab (as a terminal's shell is used)
    went round the menu back to ``wan``, and Enter said 找不到干部“wan”."""
    from prompt_toolkit.input import create_pipe_input

    from sanlian.cli.shell import Shell

    shell = Shell()
    with create_pipe_input() as pipe:
        session, result, thread = _prompt_in_thread(shell, pipe)
        pipe.send_text("cadre show sl\t")
        _until(lambda: session.default_buffer.text == "cadre show 单丽")
        assert session.default_buffer.text == "cadre show 单丽"
        pipe.send_text("\t\r")
        thread.join(timeout=60)
    assert result == {"line": "cadre show 单丽"}


def test_a_second_tab_still_goes_through_a_menu_of_several(base: Cli) -> None:
    from prompt_toolkit.input import create_pipe_input

    from sanlian.cli.shell import Shell

    shell = Shell()
    with create_pipe_input() as pipe:
        session, result, thread = _prompt_in_thread(shell, pipe)
        pipe.send_text("cadre \t")  # add, edit, list …
        _until(lambda: session.default_buffer.complete_state is not None)
        pipe.send_text("\t\t\r\r")  # the first, then the second; taken; run
        thread.join(timeout=60)
    assert result == {"line": "cadre edit"}


@pytest.mark.sqlite_only(reason="SQLite's write lock, held by another program")
def test_a_tab_while_another_program_holds_the_write_lock(base: Cli, db_path: Any) -> None:
    """A colleague's import held the lock: the names were read again at the Tab, which froze the
    prompt (keys not even shown) until the lock went, up to 30 s, then offered nothing. Now the
    names read before are offered at once, and read again at the next Tab."""
    import sqlite3

    from sanlian.cli.shell import Shell

    shell = Shell()
    with shell._session():
        assert shell.completer.candidates("cadre show sl") == [("单丽", -2, "干部 [3]")]
        other = sqlite3.connect(db_path, isolation_level=None)
        try:
            other.execute("UPDATE cadre SET name = '单丽丽' WHERE id = 3")  # the stamp changes
            other.execute("BEGIN EXCLUSIVE")
            try:
                assert shell.completer.candidates("cadre show sl") == [("单丽", -2, "干部 [3]")]
            finally:
                other.execute("COMMIT")
        finally:
            other.close()
        assert shell.completer.candidates("cadre show sl") == [("单丽丽", -2, "干部 [3]")]
        assert shell.run_line("cadre show 单丽丽") == 0  # the commands' connection waits again


def test_a_tab_waits_for_the_background_reading_a_while_only(
    base: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Tab pressed while the names are read in the background waits for them, but not
    without end: past ``NAMES_WAIT`` it offers the names read before."""
    from sanlian.cli import shell as shell_module
    from sanlian.cli.shell import Shell

    monkeypatch.setattr(shell_module, "NAMES_WAIT", 0.2)
    shell = Shell()
    with shell._session():
        assert shell.completer.candidates("cadre show sl") == [("单丽", -2, "干部 [3]")]
        assert shell.run_line("cadre add 李娜 --section 办公室") == 0
        found: list[Any] = []
        with shell.completer._lock:  # as the background reading holds it
            tab = threading.Thread(
                target=lambda: found.append(shell.completer.candidates("cadre show l"))
            )
            tab.start()
            tab.join(timeout=60)
        assert found == [[]]  # 李娜 not read yet; the prompt did not wait
        assert shell.completer.candidates("cadre show l") == [("李娜", -1, "干部 [5]")]


def test_enter_on_a_name_chosen_in_the_menu_takes_it_and_runs_nothing(base: Cli) -> None:
    """``visit add --cadre z`` Tab Tab, Enter to take the name chosen: the half-typed line ran
    (请写明走访对象). Enter now closes the menu; the next Enter runs the line."""
    from prompt_toolkit.input import create_pipe_input

    from sanlian.cli.shell import Shell

    shell = Shell()
    with create_pipe_input() as pipe:
        session, result, thread = _prompt_in_thread(shell, pipe)
        pipe.send_text("cadre \t")  # add, edit, list …
        _until(lambda: session.default_buffer.complete_state is not None)
        pipe.send_text("\t\t\r 单丽\r")  # edit chosen, Enter, then the name and Enter
        thread.join(timeout=60)
    assert result == {"line": "cadre edit 单丽"}


def test_enter_after_tab_completed_the_only_name_runs_the_line(base: Cli) -> None:
    """``cadre show sl`` Tab gives 单丽 (a menu of one): nothing was chosen from a list, so
    one Enter runs the line, as after a command completed by Tab (it took two)."""
    from prompt_toolkit.input import create_pipe_input

    from sanlian.cli.shell import Shell

    shell = Shell()
    with create_pipe_input() as pipe:
        session, result, thread = _prompt_in_thread(shell, pipe)
        pipe.send_text("cadre show sl\t")
        _until(lambda: session.default_buffer.text == "cadre show 单丽")
        pipe.send_text("\r")
        thread.join(timeout=60)
    assert result == {"line": "cadre show 单丽"}


def test_a_line_recalled_from_the_history_with_a_masked_number_says_to_type_it(
    base: Cli, capsys: pytest.CaptureFixture[str]
) -> None:
    """The history keeps numbers masked: a line recalled (Up) in a later session and run again
    was told about import columns and ``--reveal`` exports, not to type the number."""
    from sanlian.cli import shell as shell_module
    from sanlian.cli.shell import Shell

    history = shell_module.history_path()
    history.parent.mkdir(parents=True, exist_ok=True)
    history.write_text(
        "\n+cadre add 王小红 --section 办公室 --gender 女 --phone 139****5678\n"
        "\n+visit add --cadre 单丽 --community 幸福社区 --diary '群众手机 150****5678'\n",
        encoding="utf-8",
    )
    shell = Shell()
    shell_module._masked_history(history, shell.masks).load_history_strings()
    line = "cadre add 王小红 --section 办公室 --gender 女 --phone 139****5678"
    said = (
        "这一行有遮蔽过的号码“{}”（含 *），未运行：交互模式的历史记录只保存遮蔽后的号码，"
        "翻出的旧命令请把号码重新输入完整。\n"
    )
    assert shell.run_line(line) == 1
    assert capsys.readouterr().err == said.format("139****5678")  # one sentence
    # in a diary's text too: run, it would have stored the asterisks for good
    visit = "visit add --cadre 单丽 --community 幸福社区 --diary '群众手机 150****5678'"
    assert shell.run_line(visit) == 1
    assert capsys.readouterr().err == said.format("150****5678")
    assert "visit" not in base("visit", "list", "-f", "json").out
    # a number masked on purpose, typed afresh (not one of the history's): kept as typed
    link = ("link", "community", "--section", "综合科", "--community", "幸福社区", "--from", "3-1")
    assert base(*link).code == 0
    fresh = "visit add --cadre 单丽 --community 幸福社区 --form phone --diary '手机 151****0000'"
    assert shell.run_line(fresh) == 0
    assert Shell().run_line("cadre add 王小红 --section 财务科 --phone=13912345678") == 1
    assert "翻出的旧命令" not in capsys.readouterr().err  # another error: 找不到科室


@pytest.mark.sqlite_only(reason="a SQLite file in WAL mode, shared with one-shot commands")
def test_the_shell_and_one_shot_commands_lose_no_write_in_wal_mode(base: Cli, db_path: Any) -> None:
    """Looking whether the database changed (for the names of the completion) opened and closed
    the file, which drops every lock of the process on it, SQLite's included: in WAL mode a
    one-shot command ending then thought itself alone, checkpointed and deleted the WAL the
    shell still wrote to. Its own write and the shell's next ones were lost (a clerk's
    ``cadre add`` in another terminal said 编号 67, and cadre 67 was the shell's)."""
    import os
    import sqlite3
    import subprocess
    import sys

    with sqlite3.connect(db_path) as con:
        assert con.execute("PRAGMA journal_mode=WAL").fetchone() == ("wal",)
    con.close()

    from sanlian.cli.shell import Shell

    def one_shot(name: str) -> None:
        done = subprocess.run(
            [sys.executable, "-m", "sanlian", "cadre", "add", name, "--section", "办公室"],
            env=dict(os.environ),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr

    shell = Shell()
    with shell._session():
        assert shell.run_line("cadre add 甲一 --section 办公室") == 0
        assert shell.completer.candidates("cadre show 甲") == [("甲一", -1, "干部 [5]")]
        one_shot("乙二")
        assert shell.completer.candidates("cadre show 乙") == [("乙二", -1, "干部 [6]")]
        assert shell.run_line("cadre add 丙三 --section 办公室") == 0
        assert shell.completer.candidates("cadre show 丙") == [("丙三", -1, "干部 [7]")]
        one_shot("丁四")
        assert shell.run_line("cadre add 戊五 --section 办公室") == 0
    with sqlite3.connect(db_path) as con:
        names = [name for (name,) in con.execute("SELECT name FROM cadre WHERE id > 4 ORDER BY id")]
    con.close()
    assert names == ["甲一", "乙二", "丙三", "丁四", "戊五"]


def test_a_shell_with_its_input_closed_says_so(base: Cli) -> None:
    """Started with no standard input at all (``<&-``, as some scheduled tasks do): one
    sentence, not an internal error."""
    import os
    import shlex
    import subprocess
    import sys

    done = subprocess.run(
        ["bash", "-c", f"{shlex.quote(sys.executable)} -m sanlian shell <&-"],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("交互模式没有可读的输入（标准输入已关闭）；"), done.stderr
    assert done.stderr.count("\n") == 1 and "Error" not in done.stderr


def test_a_terminal_redraw_in_batch_mode_gets_no_line_prefix() -> None:
    """A progress bar's redraws (``\\r``, ``ESC[…``) were prefixed with "第 3 行：" each time,
    and the cursor move left the next message pushed right by the prefix's width."""
    import io

    from sanlian.cli.shell import _Prefixed

    def written(*writes: str) -> str:
        out = io.StringIO()
        stream = _Prefixed(out, "第 3 行：")
        for text in writes:
            stream.write(text)
        return out.getvalue()

    assert written(
        "\r\x1b[2K导入中… 50%", "\r\x1b[2K导入中… 100%\n", "\x1b[1A\x1b[2K", "共读取 2 行\n"
    ) == ("\r\x1b[2K导入中… 50%\r\x1b[2K导入中… 100%\n\x1b[1A\x1b[2K第 3 行：共读取 2 行\n")
    # text after a bare carriage return, or after a cursor move ending in one: a redraw too
    assert written("导入中… 10%\r", "导入中… 20%", "\x1b[2K\r", "导入中… 30%\n") == (
        "第 3 行：导入中… 10%\r导入中… 20%\x1b[2K\r导入中… 30%\n"
    )
