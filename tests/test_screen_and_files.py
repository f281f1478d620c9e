"""What a listing shows on a terminal (Rich for a screenful, text beyond, the first
``SCREEN_ROW_LIMIT`` rows of a long one with the count and how to see all), and files that hold
full ID or phone numbers readable by their owner alone."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sanlian.cli import output
from tests.conftest import Cli

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")

MAN = "370102198001011237"  # valid ID numbers (check digits right): a man and a woman
WOMAN = "370102198503152347"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def people(base: Cli) -> Cli:
    assert base("cadre", "edit", "单丽", "--id-number", WOMAN).code == 0
    return base


# --- files with full numbers ------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_an_export_with_full_numbers_is_the_owners_alone(
    people: Cli, tmp_path: Path, umask_022: None, suffix: str
) -> None:
    revealed, masked = tmp_path / f"干部{suffix}", tmp_path / f"干部-遮蔽{suffix}"
    assert people("export", "cadre", "-o", revealed, "--reveal").code == 0
    assert people("export", "cadre", "-o", masked).code == 0
    assert mode(revealed) == 0o600
    assert mode(masked) == 0o644  # no ID or phone number in it: as any file the clerk writes


def test_an_existing_file_written_over_with_full_numbers_becomes_private(
    people: Cli, tmp_path: Path, umask_022: None
) -> None:
    path = tmp_path / "干部.xlsx"
    path.write_bytes(b"old")
    path.chmod(0o644)
    assert people("export", "cadre", "-o", path, "--reveal").code == 0
    assert mode(path) == 0o600


@pytest.mark.parametrize("suffix", [".csv", ".json", ".xlsx", ".txt"])
def test_a_listing_with_full_numbers_is_the_owners_alone(
    people: Cli, tmp_path: Path, umask_022: None, suffix: str
) -> None:
    revealed, masked = tmp_path / f"全{suffix}", tmp_path / f"遮{suffix}"
    assert people("cadre", "list", "-o", revealed, "--reveal").code == 0
    assert people("cadre", "list", "-o", masked).code == 0
    assert mode(revealed) == 0o600
    assert mode(masked) == 0o644
    # one record shown with --reveal, to a file
    shown = tmp_path / f"单丽{suffix}"
    if suffix != ".xlsx":
        assert people("cadre", "show", "单丽", "-o", shown, "--reveal").code == 0
        assert mode(shown) == 0o600


def test_the_refused_rows_of_an_import_are_the_owners_alone(
    base: Cli, tmp_path: Path, umask_022: None
) -> None:
    source = tmp_path / "联系户.csv"
    source.write_text(
        f"户主姓名,社区(村),身份证号码\n李四,幸福社区,{MAN}\n王五,没有这个社区,{MAN[:-1]}2\n",
        encoding="utf-8",
    )
    result = base("household", "import", source, "--skip-bad")
    assert result.code == 0, result.err
    (bad,) = tmp_path.glob("*错误*")
    assert mode(bad) == 0o600


# --- the screen -------------------------------------------------------------------------------


def rows(n: int) -> list[dict[str, object]]:
    return [{"id": i, "name": f"名称{i}"} for i in range(1, n + 1)]


COLS = [output.Col("id", "编号"), output.Col("name", "名称")]


def on_screen(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], n: int, fmt: str = "table"
) -> tuple[str, list[int]]:
    drawn: list[int] = []
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: True)
    monkeypatch.setattr(output, "rich_table", lambda r, c, t: drawn.append(len(r)))
    output.render_rows(rows(n), COLS, fmt=fmt, output=None, reveal=False, title="清单")
    return capsys.readouterr().out, drawn


def test_a_screenful_is_drawn_by_rich(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out, drawn = on_screen(monkeypatch, capsys, output.RICH_ROW_LIMIT)
    assert drawn == [output.RICH_ROW_LIMIT] and out == ""


def test_more_than_a_screenful_is_text_with_its_count(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    n = output.RICH_ROW_LIMIT + 1
    out, drawn = on_screen(monkeypatch, capsys, n)
    lines = out.splitlines()
    assert drawn == []
    assert lines[0] == "清单" and lines[3].split() == ["1", "名称1"]
    assert len(lines) == 3 + n + 1 and lines[-1] == f"共 {n} 条。"


def test_a_long_listing_shows_its_first_rows_and_how_to_see_all(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(output, "SCREEN_ROW_LIMIT", 50)
    out, _ = on_screen(monkeypatch, capsys, 120)
    lines = out.splitlines()
    assert len(lines) == 3 + 50 + 1
    assert lines[-2].split() == ["50", "名称50"]
    assert lines[-1].startswith("共 120 条，这里只列出前 50 条；")
    assert "-o 文件名.xlsx" in lines[-1] and "-f plain" in lines[-1]
    # asked for text, or piped: every row
    out, _ = on_screen(monkeypatch, capsys, 120, fmt="plain")
    assert len(out.splitlines()) == 3 + 120
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: False)
    output.render_rows(rows(120), COLS, fmt="table", output=None, reveal=False, title="清单")
    piped = capsys.readouterr().out.splitlines()
    assert len(piped) == 3 + 120 + 1 and piped[-1] == "共 120 条。"


def test_a_long_supervision_is_text_on_a_terminal(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rich draws up to ``SUPERVISE_RICH_LIMIT`` alerts; more go out as the text report."""
    from sanlian.cli import reports

    assert cli("init", "--year", "2026").code == 0
    assert cli("section", "add", "办公室").code == 0
    for i in range(3):  # cadres who never paired nor visited: an alert each
        assert cli("cadre", "add", f"干部{i}", "--section", "办公室").code == 0
    drawn: list[int] = []
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: True)
    monkeypatch.setattr(reports, "supervise_rich", lambda s, c: drawn.append(1))
    as_rich = cli("supervise", "--as-of", "2026-07-01")
    assert as_rich.code == 0 and drawn == [1]
    monkeypatch.setattr(reports, "SUPERVISE_RICH_LIMIT", 1)
    as_text = cli("supervise", "--as-of", "2026-07-01")
    assert as_text.code == 0 and drawn == [1]
    assert "调度督促" in as_text.out and "干部0" in as_text.out
