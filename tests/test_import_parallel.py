"""A large registry import checks its rows in a forked process on the second core
(``services/importing.py`` ``_Forked``): the same result as one process, to the byte."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from sanlian.services import importing
from tests.conftest import Cli, dump, rows_of
from tests.test_import_registry import MAN, WOMAN, idn, write_csv, write_xlsx

ROOT = Path(__file__).resolve().parent.parent


def killed_import(path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``sanlian household import PATH`` as its own process with ``env`` (a fault hook that
    kills it with SIGKILL part way): its output once every holder of the pipes let go."""
    return subprocess.run(
        [sys.executable, "-m", "sanlian", "household", "import", str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


STAMP = re.compile(r"20\d\d-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?(\+00:00)?")


def households(count: int) -> list[list[Any]]:
    """A household roster of ``count`` rows (more than a frame and a batch), with every kind
    of trouble: bad ID numbers (checksum, birth date, length, masked), a community that does
    not exist, a name missing, the same person twice, an area code the table lacks (a hint),
    a phone number that is no phone number, members that are no number, blank rows."""
    rows: list[list[Any]] = [["户主", "社区(村)", "身份证号", "手机号码", "人口", "困难和需求"]]
    for i in range(count):
        community = "幸福社区" if i % 2 else "前河湾村"
        number = idn(f"{371312 + i % 7:06d}19{60 + i % 40:02d}0{1 + i % 9}1{i % 10}{i % 1000:03d}")
        row = [f"居民{i:04d}", community, number, f"139{i:08d}", str(1 + i % 6), "就业"]
        if i % 97 == 5:
            row[2] = number[:-1] + ("0" if number[-1] != "0" else "1")  # checksum
        elif i % 89 == 7:
            row[1] = "不存在村"
        elif i % 83 == 9:
            row[0] = ""
        elif i % 79 == 11:
            row[3] = "12345"
        elif i % 73 == 13:
            row[4] = "很多"
        elif i % 71 == 15:
            row[2] = "3713**********1234"
        elif i % 67 == 17:
            row = ["", "", "", "", "", ""]  # blank: skipped
        elif i % 61 == 19:
            row[2] = "37131219991340" + "0011"  # month 13
        elif i % 59 == 21:
            row[2] = row[2][:10]
        elif i % 53 == 23 and i > 100:
            row = rows[i - 100][:]  # the same person again
        elif i % 47 == 25:
            row[2] = ""
            row[0] = "单丽丽"  # namesakes without an ID number: the first one is new
        rows.append(row)
    rows.append(["王秀英", "幸福社区", WOMAN, "", "", "外地新增"])
    rows.append(["李强", "前河湾村", MAN, "", "3", ""])
    return rows


def _said(err: str, folder: Path) -> list[str]:
    """The messages, but the backup's name, the folder and the time taken."""
    time_taken = re.compile(r"用时 [0-9.]+ 秒(，每秒 [0-9,]+ 行)?")
    lines = err.replace(str(folder), "D").splitlines()
    return [time_taken.sub("", line) for line in lines if "自动备份" not in line]


def _masked(lines: list[str]) -> list[str]:
    return [STAMP.sub("TS", line) for line in lines]


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many imports ran the forked checker."""
    made: list[int] = []
    original = importing._Forked.__init__

    def counted(self: Any, *args: Any, **kwargs: Any) -> None:
        made.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(importing._Forked, "__init__", counted)
    return made


@pytest.mark.sqlite_only(reason="two copies of one SQLite file compared")
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("skip_bad", [True, False])
def test_forked_checks_give_what_one_process_gives(
    base: Cli,
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    forks: list[int],
    suffix: str,
    skip_bad: bool,
) -> None:
    rows = households(1400)
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    for folder in (one, two):
        path = folder / f"联系户{suffix}"
        write_csv(path, rows) if suffix == ".csv" else write_xlsx(path, rows)
    copy = tmp_path / "copy.db"
    shutil.copyfile(db_path, copy)
    extra = ["--skip-bad"] if skip_bad else []

    monkeypatch.setenv(importing.PARALLEL_ENV, "1000000000")  # one process
    alone = base("--db", str(copy), "household", "import", one / f"联系户{suffix}", *extra)
    assert forks == []
    monkeypatch.setenv(importing.PARALLEL_ENV, "1")  # the checks in a forked process
    forked = base("household", "import", two / f"联系户{suffix}", *extra)
    assert forks == [1]

    assert forked.code == alone.code == (0 if skip_bad else 1)
    assert forked.out == alone.out
    if skip_bad:
        assert "新增 1187，更新 1，未变 0，不合格 193" in forked.out
    assert _said(forked.err, two) == _said(alone.err, one)
    assert "第 6 行" in forked.err  # the first bad rows are listed
    if skip_bad:  # the hints about area codes, written out in the writing process
        assert forked.err.count("的地区码") == 5 and "同类提示" in forked.err
    assert _masked(dump(db_path)) == _masked(dump(copy))
    bad_one, bad_two = one / f"联系户.错误{suffix}", two / f"联系户.错误{suffix}"
    assert bad_one.exists() == bad_two.exists() == skip_bad
    if skip_bad and suffix == ".csv":
        assert bad_one.read_bytes() == bad_two.read_bytes()
    if skip_bad and suffix == ".xlsx":
        from sanlian.io.readers import open_table

        tables = [open_table(p) for p in (bad_one, bad_two)]
        assert [list(t) for t in tables[:1]] == [list(t) for t in tables[1:]]
        for t in tables:
            t.close()


def test_forked_checks_on_any_database(
    base: Cli, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int]
) -> None:
    monkeypatch.setenv(importing.PARALLEL_ENV, "1")
    before = rows_of(db_path, "select count(*) from search_key where kind = 'household'")
    rows = [["户主", "社区(村)", "身份证号"]] + [
        [f"户{i}", "幸福社区" if i % 2 else "前河湾村", ""] for i in range(1200)
    ]
    result = base("household", "import", write_csv(tmp_path / "x.csv", rows))
    assert result.code == 0, result
    assert "联系户：新增 1200，更新 0，未变 0。" in result.out
    assert forks == [1]
    keys = rows_of(
        db_path,
        "select h.name, k.key from search_key k join household h on h.id = k.ref_id"
        " where k.kind = 'household' and h.name in ('户599', '户1199') order by k.key",
    )
    assert keys == [
        ("户1199", "h1199"),
        ("户599", "h599"),
        ("户1199", "hu1199"),
        ("户599", "hu599"),
    ]
    count = "select count(*) from search_key where kind = 'household'"
    assert rows_of(db_path, count) == [(before[0][0] + 2400,)]  # two keys a name


def test_a_file_refused_half_way_is_refused_the_same(
    base: Cli, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int]
) -> None:
    """A line that does not decode, after 6,000 good ones (past the sample read when the file
    is opened): the child reads it and the parent says the same sentence, nothing written."""
    good = "户主,社区(村)\r\n" + "".join(f"户{i},幸福社区\r\n" for i in range(6000))
    path = tmp_path / "x.csv"
    path.write_bytes(good.encode("gb18030") + b"\xff\r\n")
    before = dump(db_path)
    monkeypatch.setenv(importing.PARALLEL_ENV, "1000000000")
    alone = base("household", "import", path, "--encoding", "gb18030")
    monkeypatch.setenv(importing.PARALLEL_ENV, "1")
    result = base("household", "import", path, "--encoding", "gb18030")
    assert result.code == alone.code == 1
    assert forks == [1]
    assert _said(result.err, tmp_path) == _said(alone.err, tmp_path)
    # (the reader tells the line near which decoding failed, as it did before)
    assert "第 5849 行附近的文字无法按 gb18030 编码读出" in result.err, result.err
    assert "Traceback" not in result.err
    assert dump(db_path) == before


def test_small_files_are_checked_in_one_process(
    base: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int]
) -> None:
    monkeypatch.delenv(importing.PARALLEL_ENV, raising=False)
    rows = [["户主", "社区(村)"]] + [[f"户{i}", "幸福社区"] for i in range(100)]
    assert base("household", "import", write_csv(tmp_path / "x.csv", rows)).code == 0
    assert forks == []


def test_a_lost_checker_refuses_the_import(
    base: Cli, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child killed half way: the parent says so in one sentence and writes nothing."""
    monkeypatch.setenv(importing.PARALLEL_ENV, "1")

    def dies(*args: Any, **kwargs: Any) -> None:
        raise SystemExit  # the child ends without a word, like a killed one

    monkeypatch.setattr(importing, "_feed", dies)
    rows = [["户主", "社区(村)"]] + [[f"户{i}", "幸福社区"] for i in range(1200)]
    before = dump(db_path)
    result = base("household", "import", write_csv(tmp_path / "x.csv", rows))
    assert result.code == 1
    assert "检查数据的子进程意外退出" in result.err
    assert dump(db_path) == before


@pytest.mark.sqlite_only(reason="about the SQLite file: a process killed mid-write")
def test_killed_while_the_checker_runs(base: Cli, db_path: Path, tmp_path: Path) -> None:
    """The parent killed (SIGKILL) in the middle of a forked import: nothing of it stays, and
    the child does not outlive it."""
    rows = [["户主", "社区(村)"]] + [[f"户{i}", "幸福社区"] for i in range(3000)]
    path = write_csv(tmp_path / "x.csv", rows)
    before = dump(db_path)
    env = {
        **os.environ,
        "SANLIAN_FAULT_KILL_AFTER_ROWS": "1000",
        importing.PARALLEL_ENV: "1",
    }
    started = time.monotonic()
    result = killed_import(path, env)
    # ``capture_output`` waits for every holder of the output pipes: the child let go of them
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert time.monotonic() - started < 60
    assert dump(db_path) == before
    con = sqlite3.connect(db_path)
    try:
        assert con.execute("select count(*) from household").fetchone() == (1,)
    finally:
        con.close()


def test_search_keys_in_several_statements(
    base: Cli, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The keys go in multi-row statements of ``KEYS_A_STATEMENT`` keys and the rest by
    executemany: with 4 a statement, the 10 keys take two statements and two more rows, and
    every key is written once."""
    monkeypatch.setattr(importing, "KEYS_A_STATEMENT", 4)
    rows = [["户主", "社区(村)"], ["单丽", "幸福社区"], ["曾伟", "前河湾村"], ["李四", "幸福社区"]]
    assert base("household", "import", write_csv(tmp_path / "x.csv", rows)).code == 0
    got = rows_of(
        db_path,
        "select h.name, k.key from search_key k join household h on h.id = k.ref_id"
        " where k.kind = 'household' and h.id > 1 order by h.id, k.key",
    )
    assert got == [
        ("单丽", "danli"),
        ("单丽", "dl"),
        ("单丽", "shanli"),
        ("单丽", "sl"),
        ("曾伟", "cengwei"),
        ("曾伟", "cw"),
        ("曾伟", "zengwei"),
        ("曾伟", "zw"),
        ("李四", "lisi"),
        ("李四", "ls"),
    ]


def test_no_process_to_fork(
    base: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int]
) -> None:
    """``fork`` refused (a process limit, no memory): the file is checked in one process."""
    monkeypatch.setenv(importing.PARALLEL_ENV, "1")

    def refused() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    rows = [["户主", "社区(村)"]] + [[f"户{i}", "幸福社区"] for i in range(500)]
    result = base("household", "import", write_csv(tmp_path / "x.csv", rows))
    assert result.code == 0, result
    assert "联系户：新增 500，更新 0，未变 0。" in result.out
    assert forks == [1]  # tried, and went on without


def test_running_processes_counted() -> None:
    assert importing._running() >= 1  # this one at least


def test_forked_only_while_a_core_is_free(monkeypatch: pytest.MonkeyPatch) -> None:
    """A large file is checked by a second process only when no other program keeps the
    other core busy (unless the test hook asks for it)."""
    import types

    if not sys.platform.startswith("linux") or len(os.sched_getaffinity(0)) < 2:
        pytest.skip("one core, or not Linux: never forked")
    cores = len(os.sched_getaffinity(0))
    monkeypatch.delenv(importing.PARALLEL_ENV, raising=False)
    large = types.SimpleNamespace(fmt="xlsx", total=importing.PARALLEL_MIN_ROWS)
    small = types.SimpleNamespace(fmt="csv", total=importing.PARALLEL_MIN_ROWS * 99)
    pure = types.SimpleNamespace(pure=True)
    busy = [cores]
    monkeypatch.setattr(importing, "_running", lambda: busy[0])
    assert not importing._parallel(large, pure)  # type: ignore[arg-type]
    busy[0] = cores - 1
    assert importing._parallel(large, pure)  # type: ignore[arg-type]
    assert not importing._parallel(small, pure)  # type: ignore[arg-type]
    assert not importing._parallel(large, types.SimpleNamespace(pure=False))  # type: ignore[arg-type]
    busy[0] = cores + 5
    monkeypatch.setenv(importing.PARALLEL_ENV, "1")
    assert importing._parallel(small, pure)  # type: ignore[arg-type]


def test_the_checks_start_before_the_database_is_opened(tmp_path: Path) -> None:
    """``begin_early`` finds the header and starts the checking process with no database
    and without SQLAlchemy loaded: it sends ``_front``'s rows, the pinyin keys of one name
    in ``CHILD_KEYS_EVERY`` too (those of the other rows are worked out by the writing
    process)."""
    rows = [["户主", "社区(村)"]] + [[f"户{i}", "幸福社区"] for i in range(1200)]
    path = write_csv(tmp_path / "x.csv", rows)
    script = f"""
import datetime as dt, os, sys
os.environ[{importing.PARALLEL_ENV!r}] = "1"
from sanlian.io.readers import open_table
from sanlian.services import importing
table = open_table(__import__("pathlib").Path({str(path)!r}))
early = importing.begin_early(
    "household", table, today=dt.date(2026, 6, 15), now=dt.datetime(2026, 6, 15, 9)
)
assert isinstance(early.front, importing._Forked), early
got = list(early.front)
early.stop()
keyed = [row[0] for row in got if row[6][2] is not None]
every = importing.CHILD_KEYS_EVERY
print(len(got), got[0][0], got[0][2]["name"], got[0][6][2], got[every - 2][6][2])
print(keyed == [line for line in range(2, 1202) if line % every == 0], len(keyed))
print("sqlalchemy" in sys.modules, "sqlmodel" in sys.modules)
"""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    K = importing.CHILD_KEYS_EVERY  # noqa: N806
    assert done.stdout.splitlines() == [
        f"1200 2 户0 None ('h{K - 2}', 'hu{K - 2}')",
        f"True {1200 // K}",
        "False False",
    ]


def test_an_early_checker_is_stopped_when_the_database_cannot_be_opened(
    base: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Started before the database is opened, the checking process is stopped and reaped
    when opening it fails (here a folder given as the database)."""
    from sanlian import forking

    monkeypatch.setenv(importing.PARALLEL_ENV, "1")
    pids: list[int] = []
    original = forking.fork_child

    def recorded(*args: Any, **kwargs: Any) -> Any:
        pid, pipe = original(*args, **kwargs)
        pids.append(pid)
        return pid, pipe

    monkeypatch.setattr(forking, "fork_child", recorded)
    rows = [["户主", "社区(村)"]] + [[f"户{i}", "幸福社区"] for i in range(1200)]
    folder = tmp_path / "a-folder.db"
    folder.mkdir()
    result = base("--db", folder, "household", "import", write_csv(tmp_path / "x.csv", rows))
    assert result.code == 1 and "Traceback" not in result.err, result
    assert len(pids) == 1
    with pytest.raises(ProcessLookupError):  # reaped: not even a zombie is left
        os.kill(pids[0], 0)


def test_the_sink_never_waits_on_a_full_pipe_until_drained() -> None:
    """``_Sink``: frames sent while nobody reads are kept (the sender goes on), and come out
    whole and in order once read; ``drain`` waits for the reader."""
    import pickle
    import threading

    read_end, write_end = os.pipe()
    try:
        sink = importing._Sink(write_end)
        frames = [("rows", i, ["户" * 1000] * 100) for i in range(40)]  # ≈ 12 MB, pipe 64 KiB

        def send_all() -> None:
            for frame in frames:
                sink.send(frame, pickle.dump, 5)

        sender = threading.Thread(target=send_all, daemon=True)
        sender.start()
        sender.join(timeout=30)
        sent_unread = not sender.is_alive()  # a blocking write would still be waiting
        got: list[Any] = []

        def reader() -> None:
            with os.fdopen(read_end, "rb", closefd=False) as pipe:
                got.extend(pickle.load(pipe) for _ in frames)

        thread = threading.Thread(target=reader, daemon=True)
        thread.start()
        sender.join(timeout=60)
        sink.drain()
        thread.join(timeout=60)
        assert sent_unread
        assert got == frames
    finally:
        os.close(read_end)
        os.close(write_end)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_database_layer_is_imported_while_a_sheet_loads(
    base: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    """An Excel sheet is read on a thread (python-calamine lets go of the interpreter): this
    one imports SQLAlchemy meanwhile, before the checking process is forked. A CSV file is
    read as it is checked, so the checking process is forked first and SQLAlchemy imported
    while it checks."""
    from sanlian.cli import importing as cli_importing

    order: list[str] = []
    layer, early = cli_importing._database_layer, importing.begin_early

    def imported() -> None:
        order.append("layer")
        layer()

    def begun(*args: Any, **kwargs: Any) -> Any:
        order.append("early")
        return early(*args, **kwargs)

    class Bar:  # the progress bar a terminal shows: it asks for the sheet's rows
        def add_task(self, *args: Any, total: Any = None, **kwargs: Any) -> int:
            order.append("bar")
            return 0

        def __getattr__(self, name: str) -> Any:
            return lambda *args, **kwargs: None

    monkeypatch.setattr(cli_importing, "_database_layer", imported)
    monkeypatch.setattr(cli_importing, "_progress", Bar)
    monkeypatch.setattr(importing, "begin_early", begun)
    rows = [["户主", "社区(村)"], ["户一", "幸福社区"]]
    path = tmp_path / f"x{suffix}"
    write_csv(path, rows) if suffix == ".csv" else write_xlsx(path, rows)
    assert base("household", "import", path).code == 0
    assert order == (["layer", "bar", "early"] if suffix == ".xlsx" else ["bar", "early"])
