"""README.md's tour of the commands works as written, in order, on a fresh database."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.conftest import Cli, on_pg

README = Path(__file__).resolve().parent.parent / "README.md"


def tour() -> list[tuple[list[str], int]]:
    """Each command of the tour with the exit code it should have: a comment that says the
    command is refused (拒绝) expects 1, every other command 0."""
    text = README.read_text(encoding="utf-8")
    block = text.split("## 命令一览", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    block = block.replace("\\\n", " ")
    commands = []
    for line in block.splitlines():
        command, _, comment = line.partition(" #")
        command = command.strip()
        if command.startswith("sanlian "):
            commands.append((shlex.split(command)[1:], 1 if "拒绝" in comment else 0))
    return commands


def test_the_tour_is_long_enough() -> None:
    assert len(tour()) > 30


def test_every_command_of_the_tour_works(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for args, code in tour():
        if on_pg() and args[:2] in (["db", "backup"], ["db", "backups"]):  # pg_dump's work
            code = 1
        result = cli(*args)
        assert result.code == code, (args, result)
        assert "Traceback" not in result.err
    assert (tmp_path / "自查报告.docx").exists() and (tmp_path / "简报.docx").exists()
