"""Work done by a second process at city scale, giving what one process gives: the visit
ledger of ``selfcheck -o 自查报告.xlsx`` (``report_xlsx.VisitsAhead``: the same workbook,
whatever befalls the second process, nothing of it left behind) and the visits of the figures
(``figures.count_all`` through ``forking.Beside``: the same counts)."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli
from tests.test_selfcheck import YEAR_END, Ids, build_ledger

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
        # (but when it was written, to the second, which two runs need not share)
        return {i.filename: z.read(i) for i in z.infolist() if i.filename != "docProps/core.xml"}


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


# --- the figures' visits counted by a forked process (``figures.count_all``) -----------------


@pytest.fixture
def besides(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Each ``forking.Beside`` whose result was asked for, after it was given."""
    from sanlian import forking

    seen: list[Any] = []
    result = forking.Beside.result

    def spy(self: Any) -> Any:
        value = result(self)
        seen.append(self)
        return value

    monkeypatch.setattr(forking.Beside, "result", spy)
    return seen


@pytest.mark.parametrize("args", [("selfcheck",), ("progress",), ("progress", "--by", "cadre")])
def test_figures_counted_beside_are_the_same(
    args: tuple[str, ...],
    cli: Cli,
    ledger: Ids,
    monkeypatch: pytest.MonkeyPatch,
    besides: list[Any],
) -> None:
    from sanlian.reports import figures

    def json(fork: bool) -> Any:
        monkeypatch.setenv(figures.BESIDE_ENV, "1" if fork else "0")
        result = cli(*args, "-f", "json", "--as-of", "2026-12-31")
        assert result.code == 0, result
        return result.json()

    alone = json(fork=False)
    assert besides == []
    assert json(fork=True) == alone
    assert [b.answered for b in besides] == [True]  # the child's counts were taken
    if args == ("selfcheck",):
        assert alone["figures"]["visits"] == YEAR_END["visits"]  # hand-counted


def test_figures_beside_a_failed_child_are_counted_here(
    cli: Cli, ledger: Ids, monkeypatch: pytest.MonkeyPatch, besides: list[Any]
) -> None:
    from sanlian.reports import figures

    parent = os.getpid()
    visits = figures._visits  # by section: counted by the child

    def broken(*args: Any) -> Any:
        if os.getpid() != parent:
            raise RuntimeError("the child failed")
        return visits(*args)

    monkeypatch.setenv(figures.BESIDE_ENV, "0")
    alone = cli("selfcheck", "-f", "json", "--as-of", "2026-12-31").json()
    monkeypatch.setattr(figures, "_visits", broken)
    monkeypatch.setenv(figures.BESIDE_ENV, "1")
    result = cli("selfcheck", "-f", "json", "--as-of", "2026-12-31")
    assert result.code == 0, result
    assert result.json() == alone
    assert [b.answered for b in besides] == [False]  # counted here after all


def test_a_child_whose_parent_was_killed_leaves_no_sheet_behind(
    ledger: Ids, db_path: Path, tmp_path: Path
) -> None:
    """The parent killed (SIGTERM, SIGKILL: no clean-up of its own): the child, finding its
    pipe broken, removes the folder of the visit ledger (personal data) it was filling."""
    import datetime as dt
    import pickle

    from sanlian.io.report_xlsx import _make_visits
    from sanlian.reports.common import Period

    folder = tmp_path / ".sanlian-child"
    folder.mkdir()
    read_end, write_end = os.pipe()
    os.close(read_end)  # the parent gone
    with os.fdopen(write_end, "wb", buffering=0) as out, pytest.raises(BrokenPipeError):
        _make_visits(db_path, Period.of_year(2026, dt.date(2026, 12, 31)), folder, out, pickle.dump)
    assert not folder.exists()


def test_no_forked_reader_beside_a_writing_session(
    ledger: Ids, db_path: Path, monkeypatch: pytest.MonkeyPatch, besides: list[Any]
) -> None:
    """A session that writes sees its own changes, a second connection the file as committed:
    figures counted in one are counted here, whatever the threshold."""
    import datetime as dt

    from sqlalchemy import text

    from sanlian.db.engine import open_database
    from sanlian.reports import figures
    from sanlian.reports.common import Period

    period = Period.of_year(2026, dt.date(2026, 12, 31))
    db = open_database(str(db_path))
    try:
        with db.session(write=True, commit=False) as session:
            session.execute(text("DELETE FROM visit_cadre WHERE visit_id % 2 = 0"))
            session.execute(text("DELETE FROM visit WHERE id % 2 = 0"))
            monkeypatch.setenv(figures.BESIDE_ENV, "0")
            here, _sections = figures.count_all(session, period)
            monkeypatch.setenv(figures.BESIDE_ENV, "1")
            total, _sections = figures.count_all(session, period)
        with db.session() as session:
            again, _sections = figures.count_all(session, period)
    finally:
        db.dispose()
    assert 0 < here.visits < YEAR_END["visits"]  # the session's own state
    assert total == here
    assert again.visits == YEAR_END["visits"]  # rolled back; read beside
    assert [b.answered for b in besides] == [True]


@pytest.mark.parametrize("args", [("selfcheck", "-f", "json"), ("progress", "-f", "json")])
def test_no_process_to_be_had_counts_here(
    args: tuple[str, ...], cli: Cli, ledger: Ids, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``fork`` refused (a limit on processes, no memory): the figures are counted here."""
    import errno

    from sanlian.reports import figures

    monkeypatch.setenv(figures.BESIDE_ENV, "0")
    alone = cli(*args, "--as-of", "2026-12-31")
    assert alone.code == 0, alone

    def refused() -> int:
        raise OSError(errno.EAGAIN, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    monkeypatch.setenv(figures.BESIDE_ENV, "1")
    result = cli(*args, "--as-of", "2026-12-31")
    assert result.code == 0, result
    assert result.json() == alone.json()


def test_no_forked_reader_without_a_read_transaction(
    ledger: Ids, db_path: Path, monkeypatch: pytest.MonkeyPatch, besides: list[Any]
) -> None:
    """``--db sqlite:///…`` (a URL, served as it is: the driver begins no transaction for a
    read) holds no lock between two statements, so a writer may commit while a second
    process reads: the figures are counted here."""
    import datetime as dt

    from sanlian.db.engine import open_database
    from sanlian.reports import figures
    from sanlian.reports.common import Period

    monkeypatch.setenv(figures.BESIDE_ENV, "1")
    period = Period.of_year(2026, dt.date(2026, 12, 31))
    db = open_database(f"sqlite:///{db_path}?timeout=30")  # (an option: not taken as the file)
    try:
        with db.session() as session:
            total, _sections = figures.count_all(session, period)
    finally:
        db.dispose()
    assert total.visits == YEAR_END["visits"]
    assert besides == []


# --- what supervise finds, worked out by a forked process (``supervise.supervise_beside``) --


def _docx_text(path: Path) -> list[str]:
    import docx

    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return [p.text for p in document.paragraphs] + cells


@pytest.mark.parametrize("kind", ["selfcheck", "brief", "brief.docx"])
def test_supervision_beside_gives_the_same_report(
    kind: str,
    cli: Cli,
    ledger: Ids,
    monkeypatch: pytest.MonkeyPatch,
    besides: list[Any],
    tmp_path: Path,
) -> None:
    """The self-inspection report and the briefing, with what lags found by a forked process
    (the figures' visits counted here, so that the one child seen is supervise's), say what
    one process says."""
    from sanlian.reports import figures, supervise

    monkeypatch.setenv(figures.BESIDE_ENV, "0")

    def report(fork: bool) -> Any:
        monkeypatch.setenv(supervise.BESIDE_ENV, "1" if fork else "0")
        if kind == "brief":
            result = cli("brief", "--from", "2026-06-01", "--to", "2026-06-14", "-f", "json")
            assert result.code == 0, result
            return result.json()
        path = tmp_path / f"{kind}-{fork}.docx"
        if kind == "selfcheck":
            result = cli("selfcheck", "--as-of", "2026-12-31", "-o", path)
        else:
            result = cli("brief", "--from", "2026-06-01", "--to", "2026-06-14", "-o", path)
        assert result.code == 0, result
        return _docx_text(path)

    alone = report(fork=False)
    assert besides == []
    assert report(fork=True) == alone
    assert [b.answered for b in besides] == [True]  # the child's findings were taken
    said = "\n".join(alone) if kind != "brief" else str(alone["lags"])
    assert "超期" in said  # the ledger's overdue problem is among them (a check that can fail)


# None: the program's own share; 0.3: each process has a problem's card
@pytest.mark.parametrize("share", [None, 0.3])
@pytest.mark.parametrize("fmt", ["json", "plain"])
def test_supervise_with_the_other_checks_beside_says_the_same(
    fmt: str,
    share: float | None,
    cli: Cli,
    ledger: Ids,
    monkeypatch: pytest.MonkeyPatch,
    besides: list[Any],
) -> None:
    """``supervise`` itself: the problems of higher numbers worked out by a forked process
    (``split``) while this one goes through the others and the other checks — the same list,
    in the same order, as one process finds. The ledger's cards are problems 4 and 6 of 7: at
    the share of 0.3 the split falls between them."""
    from sanlian.reports import supervise

    if share is not None:
        monkeypatch.setattr(supervise, "FORKED_SHARE", share)

    args = ("supervise", "--as-of", "2026-12-31", "-f", fmt)
    monkeypatch.setenv(supervise.BESIDE_ENV, "0")
    alone = cli(*args)
    assert alone.code == 0, alone
    assert besides == []
    monkeypatch.setenv(supervise.BESIDE_ENV, "1")
    split = cli(*args)
    assert split.code == 0, split
    assert split.out == alone.out
    assert [b.answered for b in besides] == [True]
    if fmt == "json":  # both halves are in it: a problem's card and the cadres' and office's
        alerts = [a for g in alone.json()["groups"] for a in g["alerts"]]
        assert {"red_card", "org_life_missed", "research_due"} <= {a["kind"] for a in alerts}
        cards = sorted(a["ref"] for a in alerts if a["kind"] in ("red_card", "yellow_card"))
        assert cards == [4, 6]


@pytest.mark.parametrize(
    ("args", "check"),
    [
        (("brief", "--from", "2026-06-01", "--to", "2026-06-14", "-f", "json"), "_problems"),
        (("supervise", "--as-of", "2026-12-31", "-f", "json"), "_problems"),
    ],
)
def test_supervision_beside_a_failed_child_is_worked_out_here(
    args: tuple[str, ...],
    check: str,
    cli: Cli,
    ledger: Ids,
    monkeypatch: pytest.MonkeyPatch,
    besides: list[Any],
) -> None:
    """A forked child that fails (the briefing's whole supervision, or ``supervise``'s share
    of the problems): the work is done here, and the result is the same."""
    from sanlian.reports import figures, supervise

    monkeypatch.setenv(figures.BESIDE_ENV, "0")
    monkeypatch.setenv(supervise.BESIDE_ENV, "0")
    alone = cli(*args).json()
    parent = os.getpid()
    works = getattr(supervise, check)

    def broken(*args: Any) -> Any:
        if os.getpid() != parent:
            raise RuntimeError("the child failed")
        return works(*args)

    monkeypatch.setattr(supervise, check, broken)
    monkeypatch.setenv(supervise.BESIDE_ENV, "1")
    result = cli(*args)
    assert result.code == 0, result
    assert result.json() == alone
    assert [b.answered for b in besides] == [False]  # worked out here after all


def test_a_supervision_pickled_is_the_same(ledger: Ids, db_path: Path) -> None:
    """``Supervision.__reduce__`` (plain tuples, rebuilt on loading) loses nothing: every
    group, every alert with all its fields, the order most urgent first."""
    import datetime as dt
    import pickle

    from sanlian.db.engine import open_database
    from sanlian.reports.supervise import supervise

    db = open_database(str(db_path))
    try:
        with db.session() as session:
            found = supervise(session, today=dt.date(2026, 12, 31))
    finally:
        db.dispose()
    again = pickle.loads(pickle.dumps(found))
    assert again == found
    assert [a.__repr__() for a in again.alerts] == [a.__repr__() for a in found.alerts]
    assert again.summary == found.summary
    kinds = {a.kind for a in found.alerts}
    assert {"red_card", "org_life_missed", "research_due"} <= kinds  # problems, office, cadres
    assert any(a.section_id is None for a in found.alerts)
    assert any(a.section_id is not None for a in found.alerts)
