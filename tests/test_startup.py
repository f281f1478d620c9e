"""`sanlian --help` stays fast: no database, spreadsheet or pinyin library on the start-up path."""

from __future__ import annotations

import os
import subprocess
import sys

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
    assert not modules & (unneeded | {"prompt_toolkit", "tabulate"}), modules & unneeded
