"""``selfcheck -o 自查报告.xlsx`` with the visit ledger made by a second process
(``report_xlsx.VisitsAhead``): the same workbook as one process writes, whatever befalls the
second one, and nothing of it left behind."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli
from tests.test_selfcheck import Ids, build_ledger

pytestmark = pytest.mark.sqlite_only("a forked reader of the SQLite file; a server is read alone")


@pytest.fixture
def ledger(db_path: Path) -> Ids:
    return build_ledger(db_path)


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """What each ``VisitsAhead.result`` gave (``None``: the ledger written by this process)."""
    from sanlian.io import report_xlsx

    seen: list[Any] = []
    result = report_xlsx.VisitsAhead.result

    def spy(self: Any, *args: Any) -> Any:
        made = result(self, *args)
        seen.append(made)
        return made

    monkeypatch.setattr(report_xlsx.VisitsAhead, "result", spy)
    return seen


def _workbook(
    cli: Cli, path: Path, monkeypatch: pytest.MonkeyPatch, ahead: bool
) -> dict[str, bytes]:
    from sanlian.io import report_xlsx

    monkeypatch.setenv(report_xlsx.AHEAD_ENV, "1" if ahead else "0")
    result = cli("selfcheck", "--as-of", "2026-12-31", "-o", path)
    assert result.code == 0, result
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None  # every entry's CRC-32 and size agree with its data
        return {info.filename: z.read(info) for info in z.infolist()}


def _left(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".sanlian-"))


def test_the_same_workbook_as_one_process_writes(
    cli: Cli, ledger: Ids, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taken: list[Any]
) -> None:
    alone = _workbook(cli, tmp_path / "一个进程.xlsx", monkeypatch, ahead=False)
    assert taken == []  # never forked
    two = _workbook(cli, tmp_path / "两个进程.xlsx", monkeypatch, ahead=True)
    assert len(taken) == 1 and taken[0] is not None  # the child's sheets were taken
    assert [title for title, *_ in taken[0].parts] == ["走访台账"]
    assert two == alone
    assert b"<v>" in two["xl/worksheets/sheet4.xml"]  # the visits, not an empty sheet
    assert _left(tmp_path) == []  # the child's folder is gone


def test_a_ledger_longer_than_a_sheet_goes_on_the_same_way(
    cli: Cli, ledger: Ids, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taken: list[Any]
) -> None:
    from sanlian.io import report_xlsx

    monkeypatch.setattr(report_xlsx, "MAX_ROWS", 3)  # a header and two rows: 4 visits, 2 sheets
    alone = _workbook(cli, tmp_path / "一个进程.xlsx", monkeypatch, ahead=False)
    two = _workbook(cli, tmp_path / "两个进程.xlsx", monkeypatch, ahead=True)
    assert [title for title, *_ in taken[0].parts] == ["走访台账", "走访台账（续）"]
    assert taken[0].continued == [("走访台账", ["走访台账", "走访台账（续）"], 4)]
    assert two == alone
    assert "走访台账（续）".encode() in two["xl/workbook.xml"]


@pytest.mark.parametrize("how", ["raises", "dies"])
def test_a_failed_second_process_leaves_the_ledger_to_this_one(
    how: str,
    cli: Cli,
    ledger: Ids,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    taken: list[Any],
) -> None:
    """The child fails (an error it reports) or dies (killed, the disk full, …): the ledger is
    written by this process, the workbook the same."""
    from sanlian.io import xlsx_stream

    alone = _workbook(cli, tmp_path / "一个进程.xlsx", monkeypatch, ahead=False)

    def broken(self: Any, *args: Any, **kwargs: Any) -> Any:  # only the child makes Parts
        if how == "dies":
            os._exit(3)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(xlsx_stream.Parts, "sheet", broken)
    two = _workbook(cli, tmp_path / "两个进程.xlsx", monkeypatch, ahead=True)
    assert taken == [None]
    assert two == alone
    assert _left(tmp_path) == []


def test_a_command_that_fails_stops_the_second_process(
    cli: Cli, ledger: Ids, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The figures fail after the fork: no workbook, no child left running, no folder."""
    from sanlian.io import report_xlsx
    from sanlian.reports import figures

    stopped: list[int | None] = []
    close = report_xlsx.VisitsAhead.close

    def watched(self: Any) -> None:
        stopped.append(self._pid)
        close(self)
        assert self._pid is None

    def failing(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("the figures failed")

    monkeypatch.setattr(report_xlsx.VisitsAhead, "close", watched)
    monkeypatch.setattr(figures, "selfcheck", failing)
    monkeypatch.setenv(report_xlsx.AHEAD_ENV, "1")
    path = tmp_path / "自查报告.xlsx"
    result = cli("selfcheck", "--as-of", "2026-12-31", "-o", path)
    assert result.code != 0
    assert len(stopped) == 1 and stopped[0] is not None  # a child was forked, then stopped
    with pytest.raises(ChildProcessError):
        os.waitpid(stopped[0], os.WNOHANG)  # reaped: no such child any more
    assert not path.exists()
    assert _left(tmp_path) == []


def test_only_when_it_is_worth_it(
    cli: Cli, ledger: Ids, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, taken: list[Any]
) -> None:
    """Fewer visits than the threshold, another thread running (it might hold a lock the child
    would wait for), or a database in WAL mode (a second connection could see a later state
    than the figures): one process."""
    import sqlite3

    from sanlian.io import report_xlsx

    monkeypatch.setenv(report_xlsx.AHEAD_ENV, "5")  # the year holds 4 visits
    assert cli("selfcheck", "--as-of", "2026-12-31", "-o", tmp_path / "a.xlsx").code == 0
    assert taken == []
    monkeypatch.setenv(report_xlsx.AHEAD_ENV, "4")
    assert cli("selfcheck", "--as-of", "2026-12-31", "-o", tmp_path / "b.xlsx").code == 0
    assert len(taken) == 1 and taken[0] is not None
    import threading

    started = threading.Event()
    other = threading.Thread(target=started.wait, daemon=True)  # another thread alive: no fork
    other.start()
    try:
        assert cli("selfcheck", "--as-of", "2026-12-31", "-o", tmp_path / "t.xlsx").code == 0
    finally:
        started.set()
        other.join()
    assert len(taken) == 1
    db = os.environ["SANLIAN_DB"]
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA journal_mode=WAL").fetchone() == ("wal",)
    assert cli("selfcheck", "--as-of", "2026-12-31", "-o", tmp_path / "c.xlsx").code == 0
    assert len(taken) == 1
