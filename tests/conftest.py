"""Every test gets a fresh temporary database and data folder; none touches the user's own."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

TODAY = "2026-06-15"


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    def __str__(self) -> str:  # shown by pytest when an assertion fails
        return f"exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


Cli = Callable[..., Result]


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may reach the real data folder: HOME and XDG folders point into tmp_path."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("SANLIAN_DB", str(tmp_path / "sanlian.db"))
    monkeypatch.setenv("SANLIAN_TODAY", TODAY)
    monkeypatch.setenv("SANLIAN_OPERATOR", "测试员")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("PYPINYIN_NO_PHRASES", raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "sanlian.db"


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run ``sanlian ARGS…`` in this process; return its exit code, stdout and stderr."""
    from sanlian.cli.main import main

    def run(*args: Any) -> Result:
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run


def dump(path: Path) -> list[str]:
    """Every row of every table (but the journal's own bookkeeping is included too)."""
    if not path.exists():
        return []
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


@pytest.fixture
def unchanged(db_path: Path) -> Callable[[Callable[[], Result]], Result]:
    """Run a refused command and check that it wrote nothing."""

    def check(action: Callable[[], Result]) -> Result:
        before = dump(db_path)
        result = action()
        assert result.code == 1, result
        assert result.err.strip(), result
        assert "Traceback" not in result.err
        assert dump(db_path) == before
        return result

    return check


@pytest.fixture
def base(cli: Cli) -> Cli:
    """A campaign of 2026 with two sections, four cadres, two communities, an enterprise, a household."""
    steps = [
        ("init", "--year", "2026"),
        ("section", "add", "办公室"),
        ("section", "add", "综合科"),
        (
            "cadre",
            "add",
            "张伟",
            "--section",
            "办公室",
            "--gender",
            "男",
            "--party",
            "中共党员",
            "--leader",
            "--role",
            "组长",
            "--phone",
            "13812345678",
        ),
        ("cadre", "add", "张伟", "--section", "综合科", "--party", "中共党员"),
        (
            "cadre",
            "add",
            "单丽",
            "--section",
            "综合科",
            "--gender",
            "女",
            "--party",
            "中共预备党员",
        ),
        ("cadre", "add", "曾强", "--section", "办公室", "--party", "群众"),
        ("community", "add", "幸福社区", "--town", "兰山街道", "--grid", "第一网格"),
        ("community", "add", "前河湾村", "--kind", "村", "--town", "枣园镇"),
        ("enterprise", "add", "临沂华强机械有限公司", "--uscc", "91350100M000100Y43"),
        ("household", "add", "王秀英", "--community", "幸福社区", "--members", "3"),
    ]
    for step in steps:
        result = cli(*step)
        assert result.code == 0, result
    return cli
