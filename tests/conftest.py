"""Every test gets a fresh temporary database and data folder; none touches the user's own.

With ``SANLIAN_TEST_PG`` set to a PostgreSQL server URL (``postgresql+psycopg://postgres@127.0.0.1:55432/postgres``)
every test gets its own fresh database on that server instead of a SQLite file: a migrated
template database is made once per session and copied (``CREATE DATABASE … TEMPLATE …``) per
test. Tests about the SQLite file itself carry ``@pytest.mark.sqlite_only`` and are skipped there.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import itertools
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

TODAY = "2026-06-15"

PG_SERVER = os.environ.get("SANLIAN_TEST_PG", "").strip()
_PG: dict[str, Any] = {}  # the current test's database: {"path": Path, "url": str}
_COUNTER = itertools.count(1)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only(reason): about the SQLite file itself; skipped on PostgreSQL"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not PG_SERVER:
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker is not None:
            why = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "")
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {why}"))


def _pg_url(database: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(PG_SERVER).set(database=database).render_as_string(hide_password=False)


def _pg_admin() -> Any:
    from sqlalchemy import create_engine

    return create_engine(PG_SERVER, isolation_level="AUTOCOMMIT", poolclass=_null_pool())


def _null_pool() -> Any:
    from sqlalchemy.pool import NullPool

    return NullPool


@pytest.fixture(scope="session")
def _pg_template() -> Iterator[str | None]:
    """Once per session: a database migrated to the current schema, copied for each test.

    Its default collation sorts Chinese by pinyin (ICU ``zh``) where the server has ICU, so a
    listing that relied on the server's collation rather than code points would show up."""
    if not PG_SERVER:
        yield None
        return
    from sanlian.db.engine import open_database

    name = f"sanlian_tpl_{os.getpid()}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        try:
            conn.exec_driver_sql(
                f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
                "LOCALE_PROVIDER icu ICU_LOCALE 'zh' LOCALE 'C.UTF-8'"
            )
        except Exception:
            conn.exec_driver_sql(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
    open_database(_pg_url(name)).dispose()
    try:
        yield name
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(autouse=True)
def _pg_database(
    _pg_template: str | None, tmp_path: Path, _isolated: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """On PostgreSQL: this test's own fresh database, dropped afterwards."""
    if _pg_template is None:
        yield
        return
    name = f"sanlian_t_{os.getpid()}_{next(_COUNTER)}"
    admin = _pg_admin()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{_pg_template}"')
    url = _pg_url(name)
    monkeypatch.setenv("SANLIAN_DB", url)
    _PG.update(path=tmp_path / "sanlian.db", url=url)
    try:
        yield
    finally:
        _PG.clear()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def on_pg() -> bool:
    return bool(PG_SERVER)


def _pg_target(path: Path) -> str | None:
    """The PostgreSQL URL standing in for this test's ``db_path``, if any."""
    if _PG and Path(path) == _PG["path"]:
        return str(_PG["url"])
    return None


def location(path: Path) -> str:
    """What to open for this test's ``db_path``: the file, or on PostgreSQL its database URL."""
    return _pg_target(path) or str(path)


def _plain(value: Any) -> Any:
    """A value as SQLite would hand it back: dates as ISO text, booleans as 0/1."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def rows_of(db: Path, sql: str) -> list[tuple[Any, ...]]:
    """The rows of one query on the test's database (a SQLite file or its PostgreSQL stand-in),
    with values as SQLite gives them, so that a test reads the same on both."""
    url = _pg_target(db)
    if url is None:
        con = sqlite3.connect(db)
        try:
            return list(con.execute(sql))
        finally:
            con.close()
    from sqlalchemy import create_engine, text

    engine = create_engine(url, poolclass=_null_pool())
    try:
        with engine.connect() as conn:
            return [tuple(_plain(v) for v in row) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


def execute_sql(db: Path, *statements: str) -> None:
    """Write with plain SQL as another program might, references unchecked: on SQLite foreign
    keys are off by default; on PostgreSQL the session skips the reference triggers."""
    url = _pg_target(db)
    if url is None:
        con = sqlite3.connect(db)
        with con:
            for statement in statements:
                con.execute(statement)
        con.close()
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(url, poolclass=_null_pool())
    try:
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


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


def other_programs_db(
    path: Path, table: str, columns: tuple[str, str], row: tuple[str, str]
) -> Path:
    """A SQLite file of another program: one table of two text columns, one row."""
    con = sqlite3.connect(path)
    con.execute(f"create table {table} ({columns[0]} text, {columns[1]} text)")
    con.execute(f"insert into {table} values (?, ?)", row)
    con.commit()
    con.close()
    return path


def dump(path: Path) -> list[str]:
    """Every row of every table (but the journal's own bookkeeping is included too).

    On PostgreSQL every table is read through SQLAlchemy, tables by name and rows by key."""
    url = _pg_target(path)
    if url is not None:
        return _dump_url(url)
    if not path.exists():
        return []
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def _dump_url(url: str) -> list[str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url, poolclass=_null_pool())
    try:
        lines: list[str] = []
        with engine.connect() as conn:
            widths = conn.execute(
                text(
                    "SELECT table_name, count(*) FROM information_schema.columns "
                    "WHERE table_schema = 'public' GROUP BY table_name "
                    'ORDER BY table_name COLLATE "C"'
                )
            ).all()
            for name, width in widths:
                order = ", ".join(str(i) for i in range(1, int(width) + 1))
                for row in conn.execute(text(f'SELECT * FROM "{name}" ORDER BY {order}')):
                    lines.append(f"{name}: {tuple(_plain(v) for v in row)!r}")
        return lines
    finally:
        engine.dispose()


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


# --- `sanlian shell` (tests/test_shell.py, tests/test_shell_qa.py) ---------------------------


@pytest.fixture
def shell_run(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """``sanlian [ARGS…] shell [AFTER…]`` with the given lines on a standard input that is no
    terminal."""

    def run(*lines: str, args: tuple[str, ...] = (), after: tuple[str, ...] = ()) -> Result:
        monkeypatch.setattr("sys.stdin", io.StringIO("".join(line + "\n" for line in lines)))
        return cli(*args, "shell", *after)

    return run


@pytest.fixture
def interactive(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], int]]:
    """Type ``keys`` at the prompt (prompt_toolkit's pipe input, no terminal drawn)."""
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from sanlian.cli.shell import Shell

    with create_pipe_input() as pipe:

        def run(keys: str) -> int:
            pipe.send_text(keys)
            return Shell().interactive(input=pipe, output=DummyOutput())

        yield run


def history_file() -> Path:
    """The shell's history file, in the test's data folder."""
    return Path(os.environ["XDG_DATA_HOME"]) / "sanlian" / "shell_history"


@contextlib.contextmanager
def shell_in_pty(
    *, piped: bool = False, answers_cursor: bool = False
) -> Iterator[tuple[subprocess.Popen[bytes], int, bytearray]]:
    """``sanlian shell`` on a pseudo-terminal: (the process, the terminal's master end, what
    the terminal has shown so far, filled by a thread). ``piped``: its standard output is a
    pipe (``proc.stdout``), not the terminal. ``answers_cursor``: prompt_toolkit may ask the
    terminal where the cursor is (it never gets an answer). The process is killed after."""
    import threading

    master, slave = os.openpty()
    env = dict(os.environ, TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1")
    if answers_cursor:
        env.pop("PROMPT_TOOLKIT_NO_CPR")
    proc = subprocess.Popen(
        [sys.executable, "-m", "sanlian", "shell"],
        stdin=slave,
        stdout=subprocess.PIPE if piped else slave,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    seen = bytearray()

    def drain() -> None:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                return
            if not chunk:
                return
            seen.extend(chunk)

    threading.Thread(target=drain, daemon=True).start()
    try:
        yield proc, master, seen
    finally:
        proc.kill()
        os.close(master)


def wait_for(seen: bytearray, text: bytes, seconds: float = 60) -> None:
    """Until the terminal has shown ``text`` (at most ``seconds``)."""
    import time

    deadline = time.monotonic() + seconds
    while text not in seen and time.monotonic() < deadline:
        time.sleep(0.05)
