"""The line that tells the clerk how far a long write has come (``cli.status``): on a terminal
only, cleared at the end, the output itself the same as without it."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pytest

from sanlian.cli import status
from tests.conftest import Cli


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every second row counted, the line changed at every look."""
    monkeypatch.setattr(status, "EVERY", 2)
    monkeypatch.setattr(status, "PAUSE", 0.0)


def test_rows_are_counted_on_the_line_and_it_is_cleared(
    monkeypatch: pytest.MonkeyPatch, quick: None
) -> None:
    err = Terminal()
    monkeypatch.setattr(sys, "stderr", err)
    with status.status("自查报告.xlsx") as line:
        line.phase("统计各项数字")
        assert list(line.watch(range(5), "走访台账")) == [0, 1, 2, 3, 4]
    assert err.getvalue() == (
        "\r\x1b[K正在写入 自查报告.xlsx：统计各项数字…"
        "\r\x1b[K正在写入 自查报告.xlsx：走访台账 已写 2 行…"
        "\r\x1b[K正在写入 自查报告.xlsx：走访台账 已写 4 行…"
        "\r\x1b[K"
    )
    err = Terminal()
    monkeypatch.setattr(sys, "stderr", err)
    with pytest.raises(KeyboardInterrupt), status.status(None) as line:
        for row in line.watch(range(5)):
            if row == 1:  # the second row, counted on the line
                raise KeyboardInterrupt  # cleared however the command ends
    assert err.getvalue() == "\r\x1b[K正在输出：已写 2 行…\r\x1b[K"


def test_nothing_is_written_when_stderr_is_not_a_terminal(
    monkeypatch: pytest.MonkeyPatch, quick: None
) -> None:
    err = io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    rows = [1, 2, 3, 4]
    with status.status("x.csv") as line:
        line.phase("统计")
        assert line.watch(rows, "台账") is rows  # not even wrapped
    assert err.getvalue() == ""


def rows_of(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


@pytest.mark.parametrize(
    "command",
    [
        ("visit", "list"),
        ("export", "visit"),  # a city's million visits (about 14 s) with nothing shown before
    ],
)
def test_rows_written_to_a_file_say_how_far_they_are(
    command: tuple[str, ...],
    base: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    quick: None,
) -> None:
    for day in ("2026-05-06", "2026-05-07", "2026-05-08"):
        args = ("visit", "add", "--cadre", "单丽", "--household", "王秀英", "--date", day)
        assert base(*args, "--form", "home").code == 0
    plain = base(*command, "-o", tmp_path / "a.csv")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    shown = base(*command, "-o", tmp_path / "b.csv")
    assert plain.code == shown.code == 0
    assert rows_of(tmp_path / "a.csv") == rows_of(tmp_path / "b.csv")
    assert "\r\x1b[K正在写入 b.csv：已写 2 行…" in shown.err
    assert shown.err.endswith("\r\x1b[K" + plain.err.replace("a.csv", "b.csv"))
    assert "\x1b" not in plain.err


def test_the_self_inspection_workbook_says_what_it_is_writing(
    base: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quick: None
) -> None:
    from python_calamine import CalamineWorkbook

    plain = base("selfcheck", "-o", tmp_path / "a.xlsx")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    shown = base("selfcheck", "-o", tmp_path / "b.xlsx")
    assert plain.code == shown.code == 0
    assert shown.err.startswith("\r\x1b[K正在写入 b.xlsx：统计各项数字…")
    assert "按干部 已写 2 行…" in shown.err  # the small campaign has four cadres
    assert shown.err.endswith("\r\x1b[K" + plain.err.replace("a.xlsx", "b.xlsx"))

    def sheets(path: Path) -> dict[str, list[list[object]]]:
        book = CalamineWorkbook.from_path(str(path))
        return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}

    assert sheets(tmp_path / "a.xlsx") == sheets(tmp_path / "b.xlsx")


def test_the_line_never_wraps_on_a_narrow_terminal(
    monkeypatch: pytest.MonkeyPatch, quick: None
) -> None:
    """A line wider than the terminal wraps, and the clearing then clears only its last part:
    a long file name left 正在写入 … on the screen. The name is left out, else the line cut."""
    err = Terminal()
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setattr(status, "_columns", lambda: 30)
    with status.status("二零二六年企业局活动年终自查报告.xlsx") as line:
        line.phase("统计各项数字")
        list(line.watch(range(2), "走访台账"))
        monkeypatch.setattr(status, "_columns", lambda: 16)
        line.phase("统计各项数字")
    assert err.getvalue() == (
        "\r\x1b[K正在写入：统计各项数字…"
        "\r\x1b[K正在写入：走访台账 已写 2 行…"
        "\r\x1b[K正在写入：统计…"
        "\r\x1b[K"
    )
