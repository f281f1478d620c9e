"""`sanlian shell` and the program's edges: the defects of the sixth QA pass (issue 7, item 1),
one test each."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Cli, Result

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
            # only Python's own start-up may have a traceback. Interrupted inside the import
            # machinery before any Python frame of its own (importing site or encodings), Python
            # strips the import frames and prints the bare name, "KeyboardInterrupt", alone: the
            # program's script has a frame, so that line cannot come from the program.
            if "Traceback" in err or err.strip() == "KeyboardInterrupt":
                # Python's site module, or the console script's first lines (its imports, up
                # to the few lines of sanlian/__main__.py before the handler): no frame in the
                # rest of the program's package, nor in Typer
                frames = re.findall(r'File "[^"]*[/\\]sanlian[/\\]([^"]+)"', err)
                ours = any(f not in ("__init__.py", "__main__.py") for f in frames)
                ours = ours or "typer" in err
                assert not ours, (delay, args, err)
                continue
            assert err.strip() in ("", INTERRUPTED), (delay, args, err)
            assert proc.returncode in (0, 130, -signal.SIGINT), (delay, args, err)


# --- 2. exit N leaves with status N; a file's status when a line failed ---------------------


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        (("section list -f csv", "exit 3", "bogus"), 3),
        (("quit 3",), 3),
        (("退出 ３",), 3),  # full-width digits, as an input method types them
        (("exit 255",), 255),
        (("bogus", "exit 0"), 0),  # an explicit exit 0 wins over a failed line
        (("exit 0", "bogus"), 0),
        (("bogus", "section list -f csv"), 1),  # a failed line: 1, the later lines still run
        (("bogus", "exit"), 1),  # exit alone: as at the end of the file
        (("section list -f csv", "exit"), 0),
    ],
)
def test_exit_with_a_status_in_a_file(
    base: Cli, shell_run: Callable[..., Result], lines: tuple[str, ...], code: int
) -> None:
    result = shell_run(*lines)
    assert result.code == code
    assert "Traceback" not in result.err


@pytest.mark.parametrize("word", ["abc", "256", "-1", "1.5", "1 2"])
def test_exit_with_a_bad_status_says_how_and_goes_on(
    base: Cli, shell_run: Callable[..., Result], word: str
) -> None:
    result = shell_run(f"exit {word}", "section list -f csv")
    assert result.err == (
        "第 1 行：exit 后面只能跟 0 到 255 的整数（退出码），如 exit 1；只输入 exit 就直接退出。\n"
    )
    assert result.out.splitlines()[1:] == ["1,办公室,", "2,综合科,"]  # the session went on
    assert result.code == 1  # that line failed


def test_exit_with_a_status_at_the_prompt(
    base: Cli, interactive: Callable[[str], int], capsys: pytest.CaptureFixture[str]
) -> None:
    assert interactive("exit x\rsection list -f csv\rexit 4\r") == 4
    out, err = capsys.readouterr()
    assert "1,办公室," in out
    assert "exit 后面只能跟 0 到 255 的整数" in err


def test_shell_help_tells_the_exit_status(cli: Cli) -> None:
    text = " ".join(cli("shell", "--help").out.split())
    assert "exit N" in text
    assert "有一行出错则退出码为 1" in text


# --- 3. sanlian shell | tee: the prompt after the output the reader shows -------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a pseudo-terminal, FIONREAD")
def test_prompt_waits_for_a_slow_reader_of_the_piped_output(base: Cli) -> None:
    """``tee`` reads the output a moment after it was written; the next prompt (drawn on the
    terminal directly) must not come before that, or it lands above the output."""
    import threading

    master, slave = os.openpty()
    env = dict(os.environ, TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "sanlian", "shell"],
        stdin=slave,
        stdout=subprocess.PIPE,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    events: list[tuple[str, bytes]] = []
    lock = threading.Lock()
    sent = threading.Event()

    def terminal() -> None:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                return
            if not chunk:
                return
            with lock:
                events.append(("terminal", chunk))

    def slow_tee() -> None:
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        while True:
            if sent.is_set():
                time.sleep(0.3)  # a reader that is slow to be scheduled
            elif not select.select([fd], [], [], 0.05)[0]:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                return
            with lock:
                events.append(("tee", chunk))

    threads = [threading.Thread(target=f, daemon=True) for f in (terminal, slow_tee)]
    for thread in threads:
        thread.start()
    prompt_starts = b"\x1b[?2004h"  # each prompt turns bracketed paste on
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with lock:
                prompted = any(prompt_starts in c for k, c in events if k == "terminal")
                if prompted and any("交互模式".encode() in c for k, c in events if k == "tee"):
                    break
            time.sleep(0.05)
        with lock:
            events.clear()
        os.write(master, b"section list -f csv\r")
        sent.set()
        while time.monotonic() < deadline:
            with lock:
                if any(prompt_starts in c for k, c in events if k == "terminal"):
                    break
            time.sleep(0.05)
        os.write(master, b"exit\r")
        proc.wait(timeout=60)
        threads[1].join(timeout=10)
    finally:
        proc.kill()
        os.close(master)
    with lock:
        order = [k for k, c in events if k == "tee" or prompt_starts in c]
        shown = b"".join(c for k, c in events if k == "tee").decode()
    assert "1,办公室," in shown
    assert order[:2] == ["tee", "terminal"]  # the output read before the next prompt


# --- 4. a name in Chinese quotation marks that finds nothing: say why ----------------------

QUOTES_HINT = '中文引号会被当作名称的一部分：请去掉引号，名称中有空格时改用英文引号 " "。'


@pytest.mark.parametrize("typed", ["“单丽”", "「单丽」", "‘单丽’", "“单丽"])
def test_a_name_in_chinese_quotes_that_finds_nothing_says_why(base: Cli, typed: str) -> None:
    result = base("cadre", "show", typed)
    assert result.code == 1
    assert result.err == (
        f"找不到干部“{typed}”，请用 sanlian cadre list 查看编号或姓名后重试。{QUOTES_HINT}\n"
    )


def test_an_option_value_in_chinese_quotes_and_inside_the_shell(
    base: Cli, shell_run: Callable[..., Result]
) -> None:
    result = base("cadre", "list", "--section", "“综合科”")
    assert result.code == 1
    assert result.err.endswith(QUOTES_HINT + "\n")
    assert result.err.startswith("找不到科室““综合科””")
    result = shell_run("cadre show “单丽”", "cadre show 单丽 -f json")
    assert result.err.splitlines() == [
        f"第 1 行：找不到干部““单丽””，请用 sanlian cadre list 查看编号或姓名后重试。{QUOTES_HINT}"
    ]
    assert result.json()["name"] == "单丽"


def test_a_name_without_chinese_quotes_that_finds_nothing_has_no_hint(base: Cli) -> None:
    result = base("cadre", "show", "王五")
    assert result.err == "找不到干部“王五”，请用 sanlian cadre list 查看编号或姓名后重试。\n"


# --- 5. the history: a phone number with its prefix in brackets ----------------------------


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        (
            "cadre add 李四 --section 综合科 --phone（139）12345678",
            "cadre add 李四 --section 综合科 --phone（139****5678",
        ),
        ("x --phone (139)1234-5678", "x --phone 139****5678"),
        ("x --note 电话（139）1234 5678", "x --note 电话（139****5678"),
        ("x --note '(+86)139 1234 5678'", "x --note '(+86139****5678'"),
    ],
)
def test_history_masks_a_phone_number_with_brackets(line: str, masked: str) -> None:
    from sanlian.cli.shell import mask_line

    assert mask_line(line) == masked


# --- 6. errors never echo a phone or ID number in full ------------------------------------


@pytest.mark.parametrize(
    ("args", "err"),
    [
        (
            ("cadre", "add", "李四", "--section", "办公室", "--phone（139）12345678"),
            "没有选项 --phone（139****5678。用 sanlian cadre add --help 查看用法。"
            "注意：“--phone（139****5678”中的全角标点“（”不会把词分开，"
            "命令里的词和选项之间请用半角空格隔开。",
        ),
        (
            ("cadre", "show", "13912345678"),
            "找不到干部“139****5678”，请用 sanlian cadre list 查看编号或姓名后重试。",
        ),
        (
            ("cadre", "show", "110101199003071237"),
            "找不到干部“110101********1237”，请用 sanlian cadre list 查看编号或姓名后重试。",
        ),
        (
            ("cadre", "list", "--section", "１３９ １２３４ ５６７８"),
            "找不到科室“139****5678”，请用 sanlian section list 查看编号或名称后重试。",
        ),
    ],
)
def test_errors_mask_a_number_typed_in_the_wrong_place(
    base: Cli, args: tuple[str, ...], err: str
) -> None:
    result = base(*args)
    assert result.code in (1, 2)
    assert result.err == err + "\n"


# --- 7. completion sees what another program added while the shell was open ----------------


@pytest.mark.sqlite_only(reason="on a server the names are read again every 2 seconds")
def test_completion_sees_a_record_another_program_added(base: Cli) -> None:
    from sanlian.cli.shell import Shell

    shell = Shell()
    assert shell.completer.candidates("cadre show 欧") == []
    assert base("cadre", "add", "欧阳修", "--section", "办公室").code == 0  # not by the shell
    assert shell.completer.candidates("cadre show 欧") == [("欧阳修", -1, "干部 [5]")]
    assert ("欧阳修", -2, "干部 [5]") in shell.completer.candidates("cadre show oy")


# --- 8. namesakes in the completion menu: where each one is ---------------------------------


def test_namesakes_are_told_apart_by_where_they_are(base: Cli) -> None:
    from sanlian.cli.shell import Shell

    assert base("household", "add", "王秀英", "--community", "前河湾村").code == 0
    assert base("community", "add", "幸福社区", "--town", "枣园镇").code == 0
    complete = Shell().completer.candidates
    assert complete("visit add --household wxy") == [
        ("1", -3, "王秀英（幸福社区）"),
        ("2", -3, "王秀英（前河湾村）"),
    ]
    assert complete("household add 李四 --community 幸") == [
        ("1", -1, "幸福社区（兰山街道）"),
        ("3", -1, "幸福社区（枣园镇）"),
    ]
    assert complete("cadre show 张") == [("1", -1, "张伟（办公室）"), ("2", -1, "张伟（综合科）")]


# --- 9. a terminal that does not answer where the cursor is: no English warning -------------


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal")
def test_no_english_warning_when_the_terminal_does_not_report_the_cursor(base: Cli) -> None:
    from tests.conftest import shell_in_pty, wait_for

    with shell_in_pty(answers_cursor=True) as (proc, master, seen):
        wait_for(seen, b"\x1b[6n")  # asked, never answered
        time.sleep(3)  # prompt_toolkit gives up after 2 seconds
        os.write(master, b"section list -f csv\r")
        time.sleep(0.5)
        os.write(master, b"exit\r")
        proc.wait(timeout=60)
    text = seen.decode(errors="replace")
    assert "1,办公室," in text  # the session worked
    assert "WARNING" not in text and "cursor position" not in text


# --- 10. help inside the shell: what the shell has, not what it has not ----------------------


def test_help_inside_the_shell(base: Cli, shell_run: Callable[..., Result]) -> None:
    result = shell_run("help", "shell")
    lines = result.out.splitlines()
    assert any(line.split()[:1] == ["cadre"] for line in lines)
    assert not any(line.split()[:1] == ["shell"] for line in lines)
    assert "--install-completion" not in result.out and "--show-completion" not in result.out
    assert lines[-2:] == [  # each line within 80 columns (the terminal broke exit in two)
        "交互模式中：help 命令 查看一条命令的用法（如 help cadre add），Tab 补全，",
        "上下键翻历史，Ctrl-R 搜索历史；exit 或 exit N（退出码）退出。",
    ]
    # typed anyway: the same sentence as before
    assert result.err == "第 2 行：已经在交互模式中，直接输入命令即可；要退出请输入 exit。\n"
    # and outside the shell, sanlian --help is unchanged
    assert "shell" in base("--help").out and "--install-completion" in base("--help").out


# --- 11. full-width punctuation glued to an option -----------------------------------------


@pytest.mark.parametrize(
    ("args", "first", "word", "mark"),
    [
        (
            ("cadre", "add", "李四，--section", "综合科"),
            "缺少必填的选项 --section。用 sanlian cadre add --help 查看用法。",
            "李四，--section",
            "，",
        ),
        (
            ("cadre", "add", "李四", "--section：综合科"),
            "没有选项 --section：综合科，是不是想写 --section？用 sanlian cadre add --help 查看用法。",
            "--section：综合科",
            "：",
        ),
    ],
)
def test_full_width_punctuation_glued_to_an_option_is_named(
    base: Cli, args: tuple[str, ...], first: str, word: str, mark: str
) -> None:
    result = base(*args)
    assert result.code == 1
    assert result.err == (
        f"{first}注意：“{word}”中的全角标点“{mark}”不会把词分开，"
        "命令里的词和选项之间请用半角空格隔开。\n"
    )


def test_full_width_punctuation_inside_a_value_is_no_concern(base: Cli) -> None:
    result = base("cadre", "add", "李四", "--section", "综合科", "--note", "借调（半年）", "多余")
    assert "全角标点" not in result.err


# --- 12. a number option's bounds in its help, in Chinese ----------------------------------


def test_number_bounds_in_help_are_chinese(cli: Cli) -> None:
    text = cli("campaign", "set", "--help").out
    assert "--time-limit <天数>" in text and "[不小于 1]" in text and "[不小于 0]" in text
    assert "x>=" not in text and "range>" not in text
    assert "[默认：50; 不小于 1]" in cli("history", "--help").out


# --- 13. the history search (Ctrl-R) in Chinese ---------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal")
def test_history_search_is_chinese(base: Cli, shell_run: Callable[..., Result]) -> None:
    from tests.conftest import history_file, shell_in_pty, wait_for

    history_file().parent.mkdir(parents=True, exist_ok=True)
    history_file().write_text("\n# 2026\n+section list -f csv\n", encoding="utf-8")
    with shell_in_pty() as (proc, master, seen):
        wait_for(seen, "三联台账>".encode())
        os.write(master, b"\x12sec")  # Ctrl-R, then what to look for
        time.sleep(1)
        os.write(master, b"\r")  # the line found, to run
        time.sleep(0.5)
        os.write(master, b"\r")
        time.sleep(1)
        os.write(master, b"\x03exit\r")
        proc.wait(timeout=60)
    text = seen.decode(errors="replace")
    assert "(搜索历史)`sec" in text
    assert "reverse-i-search" not in text
    assert "1,办公室," in text  # the line found was run (ran: Enter ends the search)


# --- 14. a Ctrl-C between two commands never ends the session -----------------------------


def test_ctrl_c_between_commands_keeps_the_session(
    base: Cli,
    interactive: Callable[[str], int],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sanlian.cli import shell

    calls: list[int] = []
    settle = shell._settle_output

    def interrupted_once() -> None:
        calls.append(1)
        if len(calls) == 2:  # as the prompt after the first command is about to be drawn
            raise KeyboardInterrupt
        settle()

    monkeypatch.setattr(shell, "_settle_output", interrupted_once)
    finished = shell.Shell.run_line

    def interrupted_after(self: shell.Shell, line: str) -> int | None:
        code = finished(self, line)
        if line == "section add 人事科":  # just after the command ended
            raise KeyboardInterrupt
        return code

    monkeypatch.setattr(shell.Shell, "run_line", interrupted_after)
    code = interactive("section list -f csv\rsection add 人事科\rsection list -f csv\rexit 5\r")
    out, err = capsys.readouterr()
    assert code == 5  # the session went on to its exit
    assert out.count("1,办公室,") == 2 and "3,人事科," in out
    assert err.count(INTERRUPTED) == 1


# --- 15. pipes and redirections typed inside the shell ------------------------------------


@pytest.mark.parametrize(
    ("line", "operator"),
    [
        ("cadre list | grep 张", "|"),
        ("section list > 科室.txt", ">"),
        ("section list>科室.txt", ">"),
        ("section list ; cadre list", ";"),
        ("section add 人事科 && section list", "&&"),
    ],
)
def test_pipes_and_redirections_are_refused_with_a_hint(
    base: Cli, shell_run: Callable[..., Result], line: str, operator: str
) -> None:
    result = shell_run(line, "section list -f csv")
    assert result.err == (
        f"第 1 行：交互模式里不能用“{operator}”（管道、重定向和分号只在系统的命令行里有效），"
        "这一行没有执行：要写入文件请加 -o 文件名（如 -o 干部.xlsx），一次输入一条命令。\n"
    )
    assert result.out.splitlines()[1:] == ["1,办公室,", "2,综合科,"]  # nothing added
    assert result.code == 1


def test_the_same_characters_inside_quotes_are_text(
    base: Cli, shell_run: Callable[..., Result]
) -> None:
    result = shell_run('section add "甲科|乙科" --note "人数>5; 待定"', "section list -f csv")
    assert result.err == ""
    assert result.out.splitlines()[-1] == "3,甲科|乙科,人数>5; 待定"


# --- 16. a command or option typed in full-width letters -----------------------------------


@pytest.mark.parametrize(
    ("args", "first", "hint"),
    [
        (
            ("ｃａｄｒｅ", "ｌｉｓｔ"),
            "没有命令 ｃａｄｒｅ。用 sanlian --help 查看用法。",
            "“ｃａｄｒｅ”是全角字符",
        ),
        (
            ("cadre", "list", "－－section", "综合科"),
            "多余的参数：－－section 综合科（含空格的值请加引号）。用 sanlian cadre list --help 查看用法。",
            "“－－section”是全角字符",
        ),
    ],
)
def test_full_width_letters_are_named(
    base: Cli, args: tuple[str, ...], first: str, hint: str
) -> None:
    result = base(*args)
    assert result.code == 1
    folded = hint.split("”")[0][1:]
    import unicodedata

    assert result.err == (
        f"{first}注意：{hint}，请把输入法切换到半角（英文标点）后输入，"
        f"写成 {unicodedata.normalize('NFKC', folded)}。\n"
    )


def test_full_width_digits_get_no_such_hint(base: Cli) -> None:
    assert "全角" not in base("cadre", "list", "１２３").err


# --- 17. several names in one value ---------------------------------------------------------


@pytest.mark.parametrize("typed", ["张伟，单丽", "张伟、单丽", "张伟,单丽"])
def test_several_names_in_one_value_say_how_to_write_them(base: Cli, typed: str) -> None:
    result = base("cadre", "show", typed)
    assert result.err == (
        f"找不到干部“{typed}”，请用 sanlian cadre list 查看编号或姓名后重试。"
        "一次只能写一个名称（“，”“、”不会把它分成几个）；能写多个的选项请重复写，"
        "如 --cadre 李娜 --cadre 王芳。\n"
    )
    assert "一次只能写一个名称" not in base("cadre", "show", "张伟，").err  # a stray comma


def test_an_unknown_option_is_offered_only_options_near_it(cli: Cli) -> None:
    """``--members`` is no cadre option and near none (Click offered ``--id-number``);
    ``--phon`` is near ``--phone``."""
    far = cli("cadre", "add", "李四", "--section", "办公室", "--members", "5")
    assert far.code == 1
    assert far.err.strip() == "没有选项 --members。用 sanlian cadre add --help 查看用法。"
    near = cli("cadre", "add", "李四", "--section", "办公室", "--phon", "5")
    assert "没有选项 --phon，是不是想写 --phone？" in near.err


# --- 15. Ctrl-C at a question stops the rest of a pasted block ------------------------------


def test_ctrl_c_at_a_question_stops_the_lines_pasted_after_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from typer._click import termui
    from typer.exceptions import Abort

    from sanlian.cli import zh
    from sanlian.cli.shell import Shell

    def ctrl_c(_prompt: str) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(termui, "visible_prompt_func", ctrl_c)
    ran: list[str] = []

    def run_line(self: Shell, line: str) -> int:
        ran.append(line)
        if line == "undo":  # asks, and is answered by Ctrl-C: cancelled
            with pytest.raises(Abort):
                zh.confirm("确定吗？", default=False)
            return 1
        return 0

    monkeypatch.setattr(Shell, "run_line", run_line)
    shell = Shell.__new__(Shell)
    assert shell._run_pasted("undo\ncadre add 粘贴后续 --section 办公室") is True
    assert ran == ["undo"]
    # answered "n" (no Ctrl-C): the next pasted line runs, as typed ones would
    monkeypatch.setattr(termui, "visible_prompt_func", lambda _prompt: "n")
    ran.clear()

    def run_line_n(self: Shell, line: str) -> int:
        ran.append(line)
        return 1 if line == "undo" and not zh.confirm("确定吗？", default=False) else 0

    monkeypatch.setattr(Shell, "run_line", run_line_n)
    assert shell._run_pasted("undo\nsection list") is True
    assert ran == ["undo", "section list"]


def test_a_full_width_yes_is_yes(monkeypatch: pytest.MonkeyPatch) -> None:
    from typer._click import termui

    from sanlian.cli import zh

    for typed, meant in (("ｙ", True), ("Ｙｅｓ", True), ("ｎ", False), ("是", True)):
        monkeypatch.setattr(termui, "visible_prompt_func", lambda _p, t=typed: t)
        assert zh.confirm("确定吗？", default=False) is meant, typed


def test_install_completion_is_said_in_chinese(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from typer import _completion_shared

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(_completion_shared, "_get_shell_name", lambda: "bash")
    done = cli("--install-completion")
    script = tmp_path / ".bash_completions" / "sanlian.sh"
    assert done.code == 0, done
    assert done.out.strip() == f"已为 bash 安装命令补全：{script}；重新打开终端窗口后生效。"
    assert script.is_file() and "completion installed" not in done.out + done.err
    rc = (tmp_path / ".bashrc").read_text()
    assert rc.count(f"source '{script}'") == 1, rc
    # a second run leaves ~/.bashrc as it was (Typer's installer adds a blank line each time)
    assert cli("--install-completion").code == 0
    assert (tmp_path / ".bashrc").read_text() == rc
    monkeypatch.setattr(_completion_shared, "_get_shell_name", lambda: "tcsh")
    refused = cli("--install-completion")
    assert refused.code == 1 and "不能为这个 shell（tcsh）安装命令补全" in refused.err
    assert "not supported" not in refused.out + refused.err
