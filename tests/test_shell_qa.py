"""`sanlian shell`: the defects an independent QA pass found (issue 7, item 1), one test each."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Cli, Result, history_file

INTERRUPTED = "已中断，未完成的修改没有写入。"


def complete(before: str) -> list[tuple[str, int, str]]:
    from sanlian.cli.shell import Shell

    return Shell().completer.candidates(before)


# --- 1. the history never keeps an ID or phone number, whatever its form -------------------


def test_history_masks_full_width_spaced_and_dashed_numbers(
    base: Cli, interactive: Callable[[str], int], capsys: pytest.CaptureFixture[str]
) -> None:
    interactive(
        "cadre add 全角甲 --section 办公室 --gender 男 --phone １３９１２３４５６７８ "
        '--id-number "370102 19900307 1238"\r'
        "cadre show 全角甲\r"
        "cadre add 横线乙 --section 办公室 --id-number 370102-19900307-1239 多余\r"  # fails
        "cadre edit 全角甲 --phone=139-1234-5679\r"
        "note 370102　19900307　1230 and １３９ １２３４ ５６７０\r"
        "exit\r"
    )
    out, err = capsys.readouterr()
    assert "已添加干部“全角甲”" in out  # accepted, as the QA tester saw
    assert "139****5678" in out  # and shown masked
    text = history_file().read_text(encoding="utf-8")
    for digits in (
        "12345678",
        "1234 5678",
        "１２３４５６７８",
        "19900307",
        "1234-5679",
        "５６７０",
    ):
        assert digits not in text, digits
    lines = [ln[1:] for ln in text.splitlines() if ln.startswith("+")]
    assert lines == [
        "cadre add 全角甲 --section 办公室 --gender 男 --phone 139****5678 "
        "--id-number 370102********1238",
        "cadre show 全角甲",
        "cadre add 横线乙 --section 办公室 --id-number 370102********1239 多余",
        "cadre edit 全角甲 --phone=139****5679",
        "note 370102********1230 and 139****5670",
        "exit",
    ]


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("x --contact-phone 0539-1234567", "x --contact-phone 053****4567"),  # any *phone
        ("x --id-number 12345", "x --id-number *****"),  # whatever its format
        ("x --id-number=37010219900307123X", "x --id-number=370102********123X"),
        ("x --phone '138 1234 5678'", "x --phone 138****5678"),
        ("x 370102-1990-0307-1238", "x 370102********1238"),
        ("x ３７０１０２１９９００３０７１２３Ｘ", "x 370102********123X"),
        ("visit add --date 2026-06-01", "visit add --date 2026-06-01"),  # dates stay
        # a number typed in pieces after the option (an independent review's cases)
        ("x --phone 138 1234 5678", "x --phone 138****5678"),
        ("x --phone 1 3 8 1 2 3 4 5 6 7 8", "x --phone 138****5678"),
        ("x --phone　１３８ １２３４ ５６７８", "x --phone　138****5678"),
        ("x --phone 138\\ 1234\\ 5678", "x --phone 138****5678"),
        ("x --phone=138 1234 5678", "x --phone=138****5678"),
        ("x --id-number 110105 19491231 002X", "x --id-number 110105********002X"),
        # free text pasted from Word or typed with other separators, after letters
        ("x --needs 电话138\u00a01234\u00a05678", "x --needs 电话138****5678"),
        ("x --needs 138——1234——5678、138 - 1234 - 5678", "x --needs 138****5678、138****5678"),
        ("x --needs 138.1234.5678", "x --needs 138****5678"),
        ("x --needs sfz110105194912310021", "x --needs sfz110105********0021"),
        ("x --note 身份证号370102199003071238X号", "x --note 身份证号370102********1238X号"),
        # not numbers of people: left as typed
        ("visit add --date 2026-3-1 --cards 30", "visit add --date 2026-3-1 --cards 30"),
        ("x --from 20240101 --to 20241231", "x --from 20240101 --to 20241231"),
        ("problem resolve 12 --amount 12000.50", "problem resolve 12 --amount 12000.50"),
        # a database server's password
        ("--db postgresql://u:secret@h/db cadre list", "--db postgresql://u:***@h/db cadre list"),
        # any option's address: db copy --to (README's own example)
        (
            "db copy --to postgresql+psycopg://sanlian:Secret123@127.0.0.1:1/sanlian",
            "db copy --to postgresql+psycopg://sanlian:***@127.0.0.1:1/sanlian",
        ),
        ("db copy --to='postgresql://u:p%40ss@h/d'", "db copy --to='postgresql://u:***@h/d'"),
        # a blank or an @ in the password, a password in the query: none of it kept
        ("db copy --to 'postgresql://u:my pass@h/d'", "db copy --to 'postgresql://u:***@h/d'"),
        ("db copy --to postgresql://u:p@ss@h/d", "db copy --to postgresql://u:***@h/d"),
        (
            "db copy --to postgresql://h/d?user=u&password=hunter2&sslmode=require",
            "db copy --to postgresql://h/d?user=u&password=***&sslmode=require",
        ),
    ],
)
def test_mask_line_by_option_name_and_folded_digits(line: str, masked: str) -> None:
    from sanlian.cli.shell import mask_line

    assert mask_line(line) == masked


def test_journal_masks_the_same_way(base: Cli) -> None:
    """The journal's command line (``mask_command``) shares the rules."""
    from sanlian.cli.context import mask_command, mask_text

    assert mask_command(
        ["x", "--phone", "１３９１２３４５６７８", "--id-number", "370102 19900307 1238"]
    ) == ("x --phone 139****5678 --id-number 370102********1238")
    # the address of a database server keeps no password in the journal
    assert mask_command(["--db", "postgresql+psycopg://u:secret@h/db", "cadre", "list"]) == (
        "--db postgresql+psycopg://u:***@h/db cadre list"
    )
    assert mask_command(["db", "copy", "--to", "postgresql://u:secret@h/db"]) == (
        "db copy --to postgresql://u:***@h/db"
    )
    assert mask_command(["db", "copy", "--to", "postgresql://u:my pass@h/db"]) == (
        "db copy --to postgresql://u:***@h/db"
    )
    assert mask_text("连不上 postgresql://h/d?password=hunter2。") == (
        "连不上 postgresql://h/d?password=***。"
    )
    assert mask_command(["--db=postgresql://u:pw@h/db", "cadre", "list"]) == (
        "--db=postgresql://u:***@h/db cadre list"
    )
    assert mask_command(["--needs", "电话138\u00a01234\u00a05678"]) == "--needs 电话138****5678"


# --- 2. Ctrl-C: one Chinese sentence, in a one-shot command and in the shell ----------------

_INTERRUPT_MID_FETCH = """
import os, signal, sys
from sqlalchemy.engine import cursor
done = []
def wrap(name):
    original = getattr(cursor.CursorFetchStrategy, name)
    def fetch(self, *args, **kwargs):
        if not done:
            done.append(1)
            os.kill(os.getpid(), signal.SIGINT)
        return original(self, *args, **kwargs)
    setattr(cursor.CursorFetchStrategy, name, fetch)
for name in ("fetchall", "fetchmany", "fetchone"):
    wrap(name)
from sanlian.cli.main import run
sys.argv = ["sanlian", *sys.argv[1:]]
run()
"""


@pytest.mark.sqlite_only(reason="a subprocess on the test's SQLite file")
def test_ctrl_c_in_a_one_shot_command(base: Cli) -> None:
    base("visit", "add", "--date", "2026-06-01", "--cadre", "单丽", "--household", "王秀英")
    result = subprocess.run(
        [sys.executable, "-c", _INTERRUPT_MID_FETCH, "visit", "list"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 130
    assert result.stderr == INTERRUPTED + "\n"


def test_ctrl_c_turned_into_exit_130_by_typer(
    base: Cli, monkeypatch: pytest.MonkeyPatch, shell_run: Callable[..., Result]
) -> None:
    import sanlian.cli.cadre as cadre_cli

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cadre_cli, "list_records", interrupted)
    result = base("cadre", "list")
    assert (result.code, result.err) == (130, INTERRUPTED + "\n")
    # a file of commands stops at the interrupted line: the lines after it are not run
    result = shell_run("section list -f json", "cadre list", "section add 不该添加")
    assert (result.code, result.err) == (130, f"第 2 行：{INTERRUPTED}\n")
    assert len(result.json()) == 2 and "不该添加" not in base("section", "list").out


def test_ctrl_c_in_pasted_lines_returns_to_the_prompt(
    base: Cli,
    monkeypatch: pytest.MonkeyPatch,
    interactive: Callable[[str], int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    import sanlian.cli.cadre as cadre_cli

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cadre_cli, "list_records", interrupted)
    keys = "\x1b[200~cadre list\nsection add 不该添加\x1b[201~\rsection add 人事科\rexit\r"
    assert interactive(keys) == 0
    out, err = capsys.readouterr()
    assert err == INTERRUPTED + "\n"
    assert "不该添加" not in out and "已添加科室“人事科”" in out  # the session went on


def test_ctrl_c_at_a_question_cancels(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nothing had started: 已取消 (exit 1) on a line of its own, not 已中断."""
    from typer._click import termui

    from sanlian.cli.main import main

    def ctrl_c(_prompt: str) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(termui, "visible_prompt_func", ctrl_c)
    assert main(["init", "--year", "2026"]) == 0
    assert main(["section", "add", "办公室"]) == 0
    capsys.readouterr()
    assert main(["undo"]) == 1
    out, err = capsys.readouterr()
    assert err == "已取消。\n" and out.endswith("[y/N]:\n")  # a new line after the question


def test_main_leaves_the_callers_signal_handling_alone() -> None:
    """``main`` may be called by another program (the tests do): only ``run``, the program
    itself, installs its Ctrl-C handling."""
    import signal

    from sanlian.cli.main import main

    before = signal.getsignal(signal.SIGINT), sys.unraisablehook
    main(["--version"])
    assert (signal.getsignal(signal.SIGINT), sys.unraisablehook) == before


_INTERRUPT_IN_FINALIZER = """
import os, signal, time
from sanlian.cli.main import handle_interrupts
handle_interrupts()

class Finalized:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.5)  # the Ctrl-C lands in here, where Python can only ignore it

try:
    thing = Finalized()
    del thing
    for _ in range(50):
        time.sleep(0.01)
    print("went on")
except KeyboardInterrupt:
    print("interrupted")
"""


def test_a_ctrl_c_swallowed_by_a_finalizer_still_interrupts() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _INTERRUPT_IN_FINALIZER],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout == "interrupted\n"
    assert "Exception ignored" not in result.stderr


def test_a_ctrl_c_quiets_sqlalchemy_logging() -> None:
    import logging

    from sanlian.cli.main import _on_interrupt

    with pytest.raises(KeyboardInterrupt):
        _on_interrupt(2, None)
    logger = logging.getLogger("sqlalchemy")
    assert logger.propagate is False
    assert any(isinstance(h, logging.NullHandler) for h in logger.handlers)


# --- 3. questions: never answered by the next lines of a file; Chinese when asked -----------


def test_batch_refuses_a_question_and_runs_the_next_lines(
    base: Cli, shell_run: Callable[..., Result]
) -> None:
    result = shell_run("undo", "section list -f json", "section add 人事科")
    assert result.code == 1
    assert result.err == (
        "第 1 行：从文件或管道读取命令时不能回答确认问题，这一行没有执行；"
        "确定要做请在这一行加上 --yes。\n"
    )
    assert "已添加科室“人事科”" in result.out
    assert len(base("section", "list", "-f", "json").json()) == 3  # nothing undone


def test_an_invalid_answer_is_asked_again_in_chinese(
    base: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("maybe\nn\n"))
    result = base("undo")
    assert result.code == 1
    assert "请回答 y（是）或 n（否）。" in result.out + result.err
    assert "Error" not in result.out + result.err
    assert result.err.endswith("已取消。\n")


# --- 4. help X Y ----------------------------------------------------------------------------


def test_help_with_a_command(base: Cli, shell_run: Callable[..., Result]) -> None:
    result = shell_run("help cadre", "help cadre add")
    assert result.code == 0, result
    assert result.out == base("cadre", "--help").out + base("cadre", "add", "--help").out


# --- 5. completion after an opening quote ---------------------------------------------------


def test_completion_replaces_an_opening_quote(base: Cli) -> None:
    assert complete('cadre show "单') == [("单丽", -2, "干部 [3]")]
    assert complete("cadre show '单") == [("单丽", -2, "干部 [3]")]
    assert complete('cadre show "zw') == [
        ("1", -3, "张伟（办公室）"),
        ("2", -3, "张伟（综合科）"),
    ]
    added = base("enterprise", "add", "Linyi New Star")  # a blank kept between Latin words
    assert added.code == 0, added
    quoted = "'Linyi New Star'"
    assert complete('enterprise show "Linyi ') == [(quoted, -7, "企业 [2]")]
    assert complete("enterprise show 'Linyi N") == [(quoted, -8, "企业 [2]")]
    assert complete("enterprise show Linyi") == [  # 临沂 read as linyi too
        ("临沂华强机械有限公司", -5, "企业 [1]"),
        (quoted, -5, "企业 [2]"),
    ]


# --- 6. the extra-argument message ----------------------------------------------------------


def test_extra_argument_message(base: Cli, shell_run: Callable[..., Result]) -> None:
    expected = "多余的参数：extra（含空格的值请加引号）。用 sanlian cadre show --help 查看用法。\n"
    assert base("cadre", "show", "1", "extra").err == expected
    assert shell_run("cadre show 1 extra").err == "第 1 行：" + expected
    result = base("cadre", "show", "“张", "伟”")
    assert result.err == (
        '多余的参数：伟”（中文引号“ ”不能把几个词连成一个值，请改用英文引号 " "）。'
        "用 sanlian cadre show --help 查看用法。\n"
    )


# --- 7. pasting several lines ---------------------------------------------------------------


def test_pasted_lines_run_one_after_another(
    base: Cli, interactive: Callable[[str], int], capsys: pytest.CaptureFixture[str]
) -> None:
    code = interactive("\x1b[200~section add 人事科\nsection add 财务科\x1b[201~\rexit\r")
    out, err = capsys.readouterr()
    assert code == 0
    assert err == ""
    assert "已添加科室“人事科”" in out and "已添加科室“财务科”" in out


# --- 8. --debug: a user error stays a sentence ----------------------------------------------


def test_debug_keeps_user_errors_as_sentences(base: Cli, shell_run: Callable[..., Result]) -> None:
    expected = "找不到干部“不存在”，请用 sanlian cadre list 查看编号或姓名后重试。\n"
    result = base("--debug", "cadre", "show", "不存在")
    assert (result.code, result.err) == (1, expected)
    result = shell_run("--debug cadre show 不存在")
    assert result.err == f"第 1 行：{expected}"


def test_debug_still_shows_an_internal_error(
    base: Cli, shell_run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sanlian.cli.cadre as cadre_cli

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(cadre_cli, "list_records", broken)
    result = shell_run("--debug cadre list")
    assert "Traceback" in result.err and "RuntimeError: boom" in result.err


# --- 9. a BOM, a full-width space -----------------------------------------------------------


def test_bom_and_full_width_space(base: Cli, shell_run: Callable[..., Result]) -> None:
    result = shell_run("\ufeffsection list -f json", "cadre\u3000show 单丽")
    assert result.code == 0, result
    assert result.out.startswith("[")
    assert "单丽" in result.out
    one_shot = base("cadre\u3000show", "单丽")
    assert one_shot.err == (
        "没有命令 cadre［全角空格］show（命令和参数之间请用半角空格）。"
        "用 sanlian --help 查看用法。\n"
    )
    assert "\\u" not in one_shot.err


# --- 10. which line failed ------------------------------------------------------------------


def test_batch_errors_name_their_line(base: Cli, shell_run: Callable[..., Result]) -> None:
    result = shell_run("section list -f csv", "# comment", "bogus")
    assert result.err == "第 3 行：没有命令 bogus。用 sanlian --help 查看用法。\n"
    assert result.out.splitlines()[1:] == ["1,办公室,", "2,综合科,"]  # output unchanged


# --- 11. exit 0, '', a missing option value --------------------------------------------------


def test_exit_with_a_code_empty_command_and_option_hint(
    base: Cli, shell_run: Callable[..., Result]
) -> None:
    result = shell_run("''", "cadre list -o", "exit 0", "bogus")
    assert result.err.splitlines() == [
        "第 1 行：命令是空的（只有一对引号），请输入命令，help 查看全部命令。",
        "第 2 行：-o 后面要跟一个值。用 sanlian cadre list --help 查看用法。",
    ]
    assert base("cadre", "list", "-o").err == (
        "-o 后面要跟一个值。用 sanlian cadre list --help 查看用法。\n"
    )


# --- 12. shell --db/--operator; the history's mode ------------------------------------------


# (``sanlian shell --db … --operator …``: in tests/test_shell.py, with the options before)


def test_an_old_history_file_is_made_private_at_start(
    base: Cli, interactive: Callable[[str], int]
) -> None:
    path = history_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n# 2026\n+section list\n", encoding="utf-8")
    path.chmod(0o644)
    from sanlian.cli.shell import _masked_history, history_path

    _masked_history(history_path())
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# --- 13. completion: help, what the shell does not offer -----------------------------------


def test_completion_after_help_and_without_shell_only_things(base: Cli) -> None:
    assert [t for t, _s, _m in complete("help ca")] == ["campaign", "cadre"]
    assert "shell" not in [t for t, _s, _m in complete("")]
    assert "shell" not in [t for t, _s, _m in complete("help ")]
    options = [t for t, _s, _m in complete("--")]
    assert "--db" in options
    assert "--install-completion" not in options and "--show-completion" not in options


def test_completion_of_files_kinds_and_option_equals_value(
    base: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "导入").mkdir()
    (tmp_path / "干部 名单.xlsx").write_text("", encoding="utf-8")
    (tmp_path / "a.csv").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert complete("cadre import 干") == [("'干部 名单.xlsx'", -1, "")]
    assert complete('cadre import "干') == [("'干部 名单.xlsx'", -2, "")]
    assert complete("db restore 导") == [("导入/", -1, "文件夹")]
    assert [t for t, _s, _m in complete("cadre list -o a")] == ["a.csv"]
    assert [t for t, _s, _m in complete("--db a")] == ["a.csv"]
    assert ("household", -1, "联系户") in complete("template h")
    assert [t for t, _s, _m in complete("export ")][:2] == ["section", "cadre"]
    assert complete("progress --by=s") == [("--by=section", -6, "")]
    assert complete("cadre list --format=j") == [("--format=json", -10, "")]
    assert complete("help ex") == [
        ("export", -2, "导出一张表到 .xlsx 或 .csv；除活动记录外，导出的文件改后可再导入。")
    ]


# --- 14. the prompt stays on the terminal when the output is piped --------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal")
def test_prompt_on_the_terminal_when_stdout_is_piped(base: Cli) -> None:
    import time

    from tests.conftest import shell_in_pty, wait_for

    with shell_in_pty(piped=True) as (proc, master, seen):
        wait_for(seen, "三联台账>".encode())
        os.write(master, b"section list -f csv\r")
        time.sleep(0.5)
        os.write(master, b"exit\r")
        out, _err = proc.communicate(timeout=60)
    text = out.decode()
    assert "1,办公室," in text
    assert "三联台账>" not in text  # the prompt was drawn on the terminal
    assert "三联台账>".encode() in seen


_INTERRUPT_AS_THE_COMMAND_ENDS = """
import gc, os, signal, time
import sanlian.cli.main as m

class Finalized:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # swallowed here: sent again 10 ms later, when the command is done

def command(argv=None, **kwargs):
    thing = Finalized()
    del thing
    return 0

m.main = command
freeze = gc.freeze
gc.freeze = lambda: (time.sleep(0.2), freeze())[1]  # the end of the program takes a while
m.run()
"""


def test_a_ctrl_c_sent_again_as_the_command_ends_shows_no_traceback() -> None:
    """The Ctrl-C a finalizer swallowed is sent again a moment later; when the command has
    ended meanwhile it landed in ``run`` after ``main`` and showed Python's traceback
    (CI: ``sanlian shell`` interrupted 50 ms after start, its stdin empty)."""
    result = subprocess.run(
        [sys.executable, "-c", _INTERRUPT_AS_THE_COMMAND_ENDS],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 130), result
