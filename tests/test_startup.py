"""`sanlian --help` stays fast: no database, spreadsheet or pinyin library on the start-up path."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.conftest import Cli

HEAVY = ("sqlalchemy", "sqlmodel", "openpyxl", "pypinyin", "docx", "alembic", "python_calamine")


def _imported(args: list[str]) -> set[str]:
    env = dict(os.environ)
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "sanlian", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    modules = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            modules.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return modules


def test_help_imports_nothing_heavy() -> None:
    modules = _imported(["--help"])
    assert "typer" in modules  # the measurement itself works
    assert not modules & set(HEAVY), modules & set(HEAVY)


def test_subcommand_help_imports_nothing_heavy() -> None:
    for command in (
        ["cadre", "add", "--help"],
        ["household", "--help"],
        ["campaign", "set", "--help"],
    ):
        modules = _imported(command)
        assert not modules & set(HEAVY), (command, modules & set(HEAVY))


def test_completion_imports_nothing_heavy() -> None:
    env = dict(
        os.environ, _SANLIAN_COMPLETE="complete_bash", COMP_WORDS="sanlian ca", COMP_CWORD="1"
    )
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "sanlian"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    modules = {
        line.rsplit("|", 1)[1].strip().split(".")[0]
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert "cadre" in result.stdout.split()  # completion really answered
    assert "typer" in modules
    assert not modules & set(HEAVY), modules & set(HEAVY)


def test_shell_help_and_main_help_import_no_prompt_toolkit() -> None:
    for command in (["--help"], ["shell", "--help"]):
        modules = _imported(command)
        assert "typer" in modules
        assert not modules & {*HEAVY, "prompt_toolkit"}, (
            command,
            modules & {*HEAVY, "prompt_toolkit"},
        )


def test_a_read_command_imports_only_what_it_needs() -> None:
    """A listing pays for the database library, not for Rich help, pinyin, spreadsheets,
    documents, Alembic (no migration pending) or the shell's prompt."""
    assert "sqlmodel" in _imported(["init", "--year", "2026"])
    modules = _imported(["cadre", "list", "-f", "json"])
    assert "sqlmodel" in modules  # it did open the database
    unneeded = {"rich", "pypinyin", "openpyxl", "docx", "alembic", "python_calamine"}
    # getpass loads termios (4 ms) only to read $LOGNAME: the operator's name is read directly
    unneeded |= {"prompt_toolkit", "tabulate", "getpass", "termios"}
    assert not modules & unneeded, modules & unneeded
    if not os.environ.get("SANLIAN_TEST_PG"):  # on SQLite, no other database's dialect
        full = _imported_full(["cadre", "list", "-f", "json"])
        assert "sqlalchemy.dialects.sqlite" in full  # the measurement itself works
        assert not {m for m in full if m.startswith("sqlalchemy.dialects.postgresql")}


def test_a_table_pays_for_a_light_wcwidth() -> None:
    """tabulate measures Chinese with wcwidth; from 0.3 on wcwidth takes ~16 ms to import (0.2.x
    under 1 ms) for the same widths, so it is held below 0.3."""
    from importlib.metadata import version

    major, minor = (int(part) for part in version("wcwidth").split(".")[:2])
    assert (major, minor) < (0, 3)
    from wcwidth import wcswidth

    assert wcswidth("张伟（办公室）") == 14 and wcswidth("ＡＢ12") == 6


def test_operator_defaults_to_the_login_name(monkeypatch: pytest.MonkeyPatch) -> None:
    import pwd

    from sanlian.cli.context import login_name

    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.delenv(name, raising=False)
    assert login_name() == pwd.getpwuid(os.getuid()).pw_name
    monkeypatch.setenv("USER", "wangli")
    assert login_name() == "wangli"
    monkeypatch.setenv("LOGNAME", "zhangwei")
    assert login_name() == "zhangwei"


# --- help: plain, Chinese, measured in terminal columns (issue 7) ---------------------------

NOUNS = [
    "init",
    "demo",
    "shell",
    "history",
    "undo",
    "progress",
    "supervise",
    "selfcheck",
    "brief",
    "export",
    "template",
    "campaign",
    "section",
    "cadre",
    "community",
    "enterprise",
    "household",
    "db",
    "link",
    "visit",
    "problem",
    "activity",
    "research",
]


def _bare(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_main_help_is_plain_chinese_and_lists_every_command(cli: Cli) -> None:
    from sanlian.cli.zh import width

    result = cli("--help")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == "用法：sanlian [选项] 命令 [参数]..."
    assert not any(ch in result.out for ch in "╭│╰")  # no Rich panels
    options, commands = lines.index("选项："), lines.index("命令：")
    assert "  -h, --help            显示本帮助并退出。" in lines[options:commands]
    listed = [line.split()[0] for line in lines[commands + 1 :] if line[2] != " "]
    assert listed == NOUNS
    assert "  cadre       党员干部：登记、列出、查看、修改、删除。" in lines
    assert max(width(line) for line in lines) <= 78  # COLUMNS=200: Click's 80 at most, less 2


@pytest.mark.parametrize("columns", [80, 60])
def test_every_help_page_fits_the_terminal_and_cuts_nothing(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, columns: int
) -> None:
    """Every page of the tree, at 80 and at 60 columns: no line wider than the terminal (a CJK
    character takes two columns), and the help of each option and sub-command there whole."""
    from sanlian.cli.main import build_command
    from sanlian.cli.zh import width

    monkeypatch.setenv("COLUMNS", str(columns))
    pages: list[tuple[list[str], object]] = []

    def walk(command: object, path: list[str]) -> None:
        pages.append((path, command))
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*path, name])

    walk(build_command(), [])
    assert len(pages) > 80
    for path, command in pages:
        result = cli(*path, "--help")
        assert result.code == 0, (path, result.err)
        too_wide = [line for line in result.out.splitlines() if width(line) > columns - 2]
        assert not too_wide, (path, too_wide)
        texts = [p.help for p in getattr(command, "params", []) if getattr(p, "help", None)]
        texts += [
            (sub.short_help or sub.help or "").split("\n\n")[0]
            for sub in getattr(command, "commands", {}).values()
        ]
        texts.append(getattr(command, "help", None) or "")
        page = _bare(result.out)
        for text in texts:
            assert _bare(text) in page, (path, text)


def test_help_at_sixty_columns(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    lines = cli("cadre", "list", "--help").out.splitlines()
    assert lines[:3] == ["用法：sanlian cadre list [选项]", "", "  列出干部，可按科室筛选。"]
    at = lines.index("  -f, --format <table|plain|markdown|csv|json>")
    # the help column is as wide as the widest option name that fits (-o, --output <path>)
    assert lines[at - 1] == "  --leaders            只列领导班子成员。"
    assert lines[at + 1 : at + 3] == [
        " " * 23 + "输出格式：table 表格 / plain 纯文本",
        " " * 23 + "/ markdown / csv / json。",
    ]


def test_wrap_keeps_punctuation_and_cuts_only_overlong_words() -> None:
    from sanlian.cli.zh import width, wrap

    assert wrap("数据库文件路径或 URL；默认 $SANLIAN_DB，否则用户数据目录", 20) == [
        "数据库文件路径或",
        "URL；默认",
        "$SANLIAN_DB，否则用",
        "户数据目录",
    ]
    # a closing mark never starts a line, an opening one never ends one
    assert wrap("一二三四五六七八九，（十）", 18) == ["一二三四五六七八", "九，（十）"]
    assert wrap("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    # an example such as 干部:张伟, 张伟@综合科 or 原文件名.错误.xlsx is not split
    assert wrap("另存为 原文件名.错误.xlsx（或 .csv）。", 20) == [
        "另存为",
        "原文件名.错误.xlsx",
        "（或 .csv）。",
    ]
    assert wrap("格式随后缀（.csv .json .md）。", 12) == ["格式随后缀", "（.csv .json", ".md）。"]
    assert wrap("写 干部:张伟 或 张伟@综合科 都可以", 12) == [
        "写 干部:张伟",
        "或",
        "张伟@综合科",
        "都可以",
    ]
    assert width("张伟ab") == 6
    assert wrap("", 10) == [""]


def _imported_full(args: list[str]) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "sanlian", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return {
        line.rsplit("|", 1)[1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


def test_a_command_imports_its_own_module_only() -> None:
    """`sanlian --help` lists the sub-commands from the table in cli/main.py, importing none
    of their modules; a one-shot command imports its own."""
    nouns = {f"sanlian.cli.{n}" for n in (*NOUNS, "admin", "reports", "importing")}
    assert not _imported_full(["--help"]) & nouns
    modules = _imported_full(["cadre", "add", "--help"])
    assert "sanlian.cli.cadre" in modules
    assert not modules & (nouns - {"sanlian.cli.cadre", "sanlian.cli.importing"})


def test_text_and_absent_options_skip_typer_pydantic_adapters(cli: Cli, base: Cli) -> None:
    """Values that are text, or options not given, pass as they are (no pydantic type
    machinery imported); any other value still goes through Typer's coercion and its errors."""
    modules = _imported_full(["cadre", "list"])
    assert "sqlmodel" in modules  # it did run
    assert "pydantic.types" not in modules
    bad = cli(
        "problem",
        "add",
        "--household",
        "1",
        "--category",
        "medical",
        "--text",
        "x",
        "--visit",
        "abc",
    )
    assert (bad.code, bad.err) == (
        1,
        "--visit 的值不对：应为整数。用 sanlian problem add --help 查看用法。\n",
    )
    bad = cli("cadre", "list", "-f", "jsn")
    assert bad.code == 1 and "只能是 table、plain、markdown、csv、json 之一" in bad.err


def test_start_up_is_kept_out_of_the_garbage_collector(cli: Cli) -> None:
    """``run`` holds the collector off while the libraries load, the command turns it on
    again once the database is open, with what start-up built frozen; leaving the process
    does not walk the heap again. The output is the command's own."""
    assert cli("init", "--year", "2026").code == 0
    probe = (
        "import atexit, gc, sys\n"
        "seen = {}\n"
        "atexit.register(lambda: print('gc', seen['at_start'], gc.isenabled(),"
        " gc.get_freeze_count() > 10000))\n"
        "from sanlian.cli import context\n"
        "opened = context.started\n"
        "def spy():\n"
        "    seen.setdefault('at_start', gc.isenabled())\n"
        "    opened()\n"
        "context.started = spy\n"
        "sys.argv = ['sanlian', 'section', 'list', '-f', 'json']\n"
        "from sanlian.cli.main import run\n"
        "run()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.rstrip().endswith("gc False True True"), result.stdout
    assert result.stdout.startswith("[")  # the listing came out as usual


def test_started_leaves_an_enabled_collector_alone() -> None:
    """In-process callers (tests, the shell's later lines) keep their collector as it is."""
    import gc

    from sanlian.cli import context

    frozen = gc.get_freeze_count()
    assert gc.isenabled()
    context.started()
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_a_report_is_frozen_out_of_the_collector_in_a_one_shot_command_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``context.settled``: a one-shot command's report is frozen (it lives to the end); in
    the shell, which ``run`` starts as well, nothing is, else every command's leftovers would
    stay for the session."""
    import gc

    from sanlian.cli import context, shell

    monkeypatch.setattr(context, "_ONE_SHOT", True)
    frozen = gc.get_freeze_count()
    try:
        monkeypatch.setattr(shell, "_ACTIVE", True)
        context.settled()
        assert gc.get_freeze_count() == frozen
        monkeypatch.setattr(shell, "_ACTIVE", False)
        context.settled()
        assert gc.get_freeze_count() > frozen
    finally:
        gc.unfreeze()


def test_plain_values_pass_as_typers_adapter_would_give_them() -> None:
    """A choice typed as spelt or its default, a flag and a whole number skip Typer's pydantic
    adapter (``main._plain_text_params``), with the very value the adapter gives; any other
    goes through the adapter, refused as before."""
    from types import SimpleNamespace

    from typer import _coercion
    from typer import core as typer_core
    from typer.models import OptionInfo

    import sanlian.cli.main  # noqa: F401  (puts the short way in place)
    from sanlian.cli.options import Fmt
    from sanlian.cli.reports import By

    param = SimpleNamespace(multiple=False, nargs=1)
    cases: list[tuple[object, list[object]]] = [
        (Fmt, ["json", "csv", Fmt.table]),
        (By, [By.section, "cadre"]),
        (int, ["2026", "007", 7, 0, "9" * 18]),
        (bool, [True, False]),
        (str, ["张伟"]),
    ]
    for annotation, values in cases:
        descriptor = _coercion.resolve_type_descriptor(
            annotation=annotation, parameter_info=OptionInfo()
        )
        mine = typer_core.build_runtime_param(descriptor)
        theirs = _coercion.build_runtime_param(descriptor)
        for value in values:
            got, want = mine.coerce(value, param, None), theirs.coerce(value, param, None)
            assert (type(got), got) == (type(want), want), (annotation, value)
        assert not mine.built, annotation  # none of them needed the adapter
    descriptor = _coercion.resolve_type_descriptor(annotation=Fmt, parameter_info=OptionInfo())
    mine = typer_core.build_runtime_param(descriptor)
    with pytest.raises(Exception, match="JSON"):  # not a choice as spelt: the adapter refuses
        mine.coerce("JSON", param, None)
    assert mine.built
    descriptor = _coercion.resolve_type_descriptor(annotation=int, parameter_info=OptionInfo())
    mine = typer_core.build_runtime_param(descriptor)
    assert mine.coerce("0" * 5000, param, None) == 0  # too long for int(): the adapter reads it
    assert mine.built


def test_a_report_loads_no_orm_sqlmodel_pydantic_or_models(base: Cli) -> None:
    """The reports read through Core tables (``db.tables``) over a ``Reader``: a one-shot
    report loads neither SQLAlchemy's ORM nor SQLModel, pydantic or the models (issue 7:
    about half a second of start-up on a 2-core machine). Their output is the tests' of
    each report; here, what they load."""
    heavy = {"sqlmodel", "pydantic", "sqlalchemy.orm", "sanlian.db.models"}
    for args in (
        ["progress", "-f", "json"],
        ["progress", "--by", "cadre", "--year", "2026", "-f", "csv"],
        ["supervise", "-f", "json"],
        ["selfcheck", "-f", "json"],
        ["brief", "--from", "2026-06-01", "--to", "2026-06-30", "-f", "json"],
    ):
        full = _imported_full(args)
        assert "sanlian.db.tables" in full, args  # it did read the database
        assert not full & heavy, (args, sorted(full & heavy))
