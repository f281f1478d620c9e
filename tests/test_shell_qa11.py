"""`sanlian shell` driven as a clerk drives it in a terminal (QA pass 11): one test a defect."""

from __future__ import annotations

import threading
import time
from typing import Any

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
        pipe.send_text("\t\t\r")  # the first, then the second
        thread.join(timeout=60)
    assert result == {"line": "cadre edit"}
