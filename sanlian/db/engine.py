"""Opening the database: location, file mode, pragmas, transactions and migrations.

A plain path is SQLite; a URL (``postgresql+psycopg://…``) is served as it is. All SQL goes
through SQLAlchemy so that either works.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sanlian.errors import DatabaseError
from sanlian.i18n.messages import os_reason

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

ENV_DB = "SANLIAN_DB"

# How long a command waits for another clerk's write to finish before it gives up (seconds).
BUSY_TIMEOUT = 30.0
# Run on every new SQLite connection; a test may append one (``PRAGMA max_page_count``) to
# make the disk "full".
CONNECT_PRAGMAS = ["PRAGMA foreign_keys=ON"]


def default_location() -> str:
    """``$SANLIAN_DB``, else ``<user data dir>/sanlian/sanlian.db``."""
    env = os.environ.get(ENV_DB)
    if env:
        return env
    from platformdirs import user_data_dir

    return str(Path(user_data_dir("sanlian", appauthor=False)) / "sanlian.db")


def is_url(location: str) -> bool:
    return "://" in location


def file_location(location: str) -> str:
    """A ``sqlite:///…`` address as the file it names (``sqlite:////srv/台账.db`` →
    ``/srv/台账.db``), so that it is treated as that file is: refused when missing, backed up,
    restored. Any other location as it is (a server's URL, ``:memory:``, query options)."""
    for scheme in ("sqlite:///", "sqlite+pysqlite:///"):
        if location.startswith(scheme) and "?" not in location:
            path = location[len(scheme) :]
            if path and path != ":memory:":
                return path
    return location


@dataclass
class Database:
    location: str
    engine: Engine
    kept: bool = False  # held open by `sanlian shell` across commands: dispose keeps it

    @contextmanager
    def session(self, *, commit: bool = True, write: bool = False) -> Iterator[Session]:
        """One transaction: committed if the block ends normally (and ``commit``), rolled back
        otherwise — a rehearsal (``commit=False``) leaves the file exactly as it was.

        A ``write`` transaction on SQLite begins with ``BEGIN IMMEDIATE``: it takes the write
        lock first (waiting up to ``BUSY_TIMEOUT`` for another writer), so that it can never
        fail half-way with "database is locked" when it turns from reading to writing."""
        from sqlmodel import Session

        with Session(self.engine, expire_on_commit=False) as session:
            transaction = session.begin()
            if write:
                session.connection(execution_options={WRITE_OPTION: True})
            try:
                yield session
            except BaseException:
                transaction.rollback()
                raise
            if commit:
                transaction.commit()
            else:
                transaction.rollback()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """One reading transaction over a Core connection, as a ``Reader``: what a report
        uses of a session, without loading the ORM, SQLModel or the models (issue 7: about
        half a second of a one-shot report's start-up). Typed as the ``Session`` it stands in
        for; it holds no records (a report reads rows through Core statements)."""
        with self.engine.connect() as connection, connection.begin():
            yield cast("Session", Reader(connection))

    def dispose(self) -> None:
        if not self.kept:
            self.engine.dispose()


class Reader:
    """The part of a ``Session`` the reports use, over one Core ``Connection``
    (``Database.reading``): statements, the transaction's connection and bind, and ``info``
    for what a report keeps for the length of its transaction. It never holds records, so
    nothing is pending (``new``, ``dirty``, ``deleted`` are empty)."""

    new: tuple[()] = ()
    dirty: tuple[()] = ()
    deleted: tuple[()] = ()

    def __init__(self, connection: Any) -> None:
        self._connection = connection
        self.info: dict[Any, Any] = {}

    def execute(self, statement: Any, params: Any = None) -> Any:
        return self._connection.execute(statement, params)

    def scalar(self, statement: Any, params: Any = None) -> Any:
        return self._connection.scalar(statement, params)

    def connection(self, **_options: Any) -> Any:
        return self._connection

    def get_bind(self) -> Any:
        return self._connection


def _create_sqlite_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)


WRITE_OPTION = "sanlian_write"


def _sqlite_engine(path: Path, timeout: float = BUSY_TIMEOUT) -> Engine:
    from sqlalchemy import create_engine, event

    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": timeout})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide where transactions begin, so that DDL in a
        # migration is transactional too (the pysqlite recipe of SQLAlchemy's documentation).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in CONNECT_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A deferred transaction that reads and then writes fails at once with "database is
        # locked" when another writer came in between, whatever the busy timeout; a writing
        # one therefore takes the write lock first.
        if connection.get_execution_options().get(WRITE_OPTION, False):
            _begin_immediate(connection)
        else:
            connection.exec_driver_sql("BEGIN")
            _read_lock(connection)

    return engine


LOCK_SLICE_MS = 200  # how long SQLite waits for the write lock before Python runs again
LOCK_NOTE_AFTER = 1.0  # seconds of waiting before the clerk is told (another's write is ms)


def _begin_immediate(connection: Any) -> None:
    """``BEGIN IMMEDIATE``, waiting up to ``BUSY_TIMEOUT`` for another writer to finish. SQLite
    waits in slices of ``LOCK_SLICE_MS``: between them Python runs, so a Ctrl-C or a closed
    terminal ends the wait at once (one wait of 30 s inside SQLite held them until it returned),
    and the clerk who has waited a second is told once what the command is waiting for."""
    _in_slices(connection, "BEGIN IMMEDIATE")


def _read_lock(connection: Any) -> None:
    """A reading transaction's shared lock, taken at its start the way ``_begin_immediate``
    takes the write lock: while another program holds the file exclusively (a writer
    committing, or spilling a large import's pages), the wait is in slices that a Ctrl-C
    ends, not one of 30 s inside SQLite. Once held, no writer commits under it."""
    _in_slices(connection, "SELECT 1 FROM sqlite_master LIMIT 1")


def _in_slices(connection: Any, statement: str) -> None:
    """``statement``, retried while the database is locked, in slices of ``LOCK_SLICE_MS``, up
    to the connection's own busy timeout in all (``BUSY_TIMEOUT``, or the shorter one of a
    connection that must not wait, such as the shell's reading of names for completion)."""
    from sqlalchemy.exc import OperationalError

    def run(sql: str) -> Any:
        result = connection.exec_driver_sql(sql)
        return result.scalar() if result.returns_rows else None

    waited_for(run, statement, OperationalError)


_LIMIT = threading.local()  # ``waiting_at_most``: this thread's own limit on lock waits


@contextmanager
def waiting_at_most(seconds: float) -> Iterator[None]:
    """Within the block, this thread waits for a lock at most ``seconds`` (the shell's
    reading of names for a Tab: the prompt must not freeze for a command's 30 s)."""
    before = getattr(_LIMIT, "seconds", None)
    _LIMIT.seconds = seconds
    try:
        yield
    finally:
        _LIMIT.seconds = before


def waited_for(run: Callable[[str], Any], statement: str, locked: type[Exception]) -> None:
    """``statement`` run by ``run`` (on a SQLAlchemy connection or a plain ``sqlite3`` one,
    whose errors are ``locked``'s kind), retried while the database is locked, in slices of
    ``LOCK_SLICE_MS``: between them Python runs, so a Ctrl-C or a closed terminal ends the
    wait at once; the clerk who has waited a second is told once what for."""
    import threading
    import time

    configured = int(run("PRAGMA busy_timeout") or 0)
    waits = min(configured, int(BUSY_TIMEOUT * 1000))
    limit = getattr(_LIMIT, "seconds", None)
    if limit is not None:
        waits = min(waits, int(limit * 1000))
    began = time.monotonic()
    deadline = began + waits / 1000
    run(f"PRAGMA busy_timeout = {min(LOCK_SLICE_MS, waits)}")
    # (a reading in the background, such as the shell's names for completion, says nothing:
    # it would be written into the line being typed)
    told = threading.current_thread() is not threading.main_thread()
    try:
        while True:
            tried = time.monotonic()
            try:
                run(statement)
                return
            except locked as exc:
                if database_error_key(exc) != "db_locked" or time.monotonic() >= deadline:
                    raise
            if time.monotonic() - tried < LOCK_SLICE_MS / 2000:  # SQLite did not wait: a pause
                time.sleep(LOCK_SLICE_MS / 1000)
            if not told and time.monotonic() - began >= LOCK_NOTE_AFTER:
                told = True
                _say_waiting()
    finally:  # the rest of the transaction (its commit, for readers to finish) waits as before
        run(f"PRAGMA busy_timeout = {configured}")


def _say_waiting() -> None:
    import sys

    from sanlian.i18n.messages import render

    with suppress(OSError, ValueError):  # no stderr to tell: wait all the same
        sys.stderr.write(render("db_waiting_lock", seconds=int(BUSY_TIMEOUT)) + "\n")
        sys.stderr.flush()


def masked(location: str) -> str:
    """A location fit to show: a URL's password replaced by ``***``."""
    if not is_url(location):
        return location
    try:
        from sqlalchemy.engine import make_url

        return make_url(location).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy can read: show only its scheme
        return location.split("://", 1)[0] + "://…"


def _server_engine(location: str, *, pre_ping: bool = False) -> Engine:
    """An engine for a database server URL; ``postgresql://`` means the psycopg driver.
    ``pre_ping``: test a pooled connection before use (the shell keeps them for hours, over
    which a server may restart)."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    shown = masked(location)
    try:
        url = make_url(location)
        url.port  # noqa: B018  (a port that is not a number fails here)
    except (ArgumentError, ValueError) as exc:
        raise DatabaseError("db_bad_url", url=shown) from exc
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() == "postgresql":
        try:
            import psycopg  # noqa: F401
        except ImportError as exc:
            raise DatabaseError("db_pg_driver_missing") from exc
    connect_args: dict[str, Any] = {}
    if url.get_backend_name() == "postgresql" and "options" not in url.query:
        # The schema's timestamps are TIMESTAMP WITHOUT TIME ZONE holding UTC, as on SQLite:
        # the session's time zone must be UTC whatever the server's own setting is.
        connect_args["options"] = "-c timezone=UTC"
    try:
        return create_engine(url, connect_args=connect_args, pool_pre_ping=pre_ping)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise DatabaseError("db_bad_url", url=shown) from exc


def server_error(exc: BaseException, location: str) -> DatabaseError | None:
    """A database server's refusal to connect as one Chinese sentence (the password masked)."""
    reason = str(getattr(exc, "orig", None) or exc)
    low = reason.lower()
    shown = masked(location)
    if "password authentication failed" in low or "no password supplied" in low:
        return DatabaseError("db_pg_auth", url=shown)
    if "does not exist" in low and "database" in low:
        return DatabaseError("db_pg_no_database", url=shown)
    if "role" in low and "does not exist" in low:
        return DatabaseError("db_pg_auth", url=shown)
    if "permission denied" in low:
        return DatabaseError("db_pg_denied", url=shown)
    if (
        "connection refused" in low
        or "could not connect" in low
        or "connection failed" in low
        or "timeout expired" in low
        or "could not translate host name" in low
        or "name or service not known" in low
        or "server closed the connection" in low
    ):
        return DatabaseError("db_pg_unreachable", url=shown)
    if "lock timeout" in low or "deadlock detected" in low:
        return DatabaseError("db_locked")
    return None


def lock_for_write(session: Session) -> None:
    """On a server, one writer at a time (as SQLite has it): the transaction waits for the
    others' to end, so two clerks' checks and writes never interleave."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from sqlalchemy import text

    session.execute(text("SET LOCAL lock_timeout = '30s'"))
    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})


WRITE_LOCK_KEY = 0x53414E4C  # "SANL"


def snapshot_for_read(session: Session) -> None:
    """On a server, a reading command sees one snapshot throughout (as on SQLite), so that a
    report's figures all stand on the same moment even while another clerk writes."""
    if session.get_bind().dialect.name != "postgresql":
        return
    from sqlalchemy import text

    session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))


def second_reader(session: Session) -> Path | None:
    """The SQLite file a second connection (another process's) reads at the very state
    ``session`` reads, or ``None``. In SQLite's rollback journal a reading transaction that
    has read holds a shared lock until it ends, and no writer commits meanwhile; in WAL mode a
    later connection sees later commits, a server's another snapshot, memory another
    database; a writing session (``WRITE_OPTION``) sees its own changes, which another
    connection does not. Asked once a session (it reads the journal mode).

    (The second process's connection takes no lock of its own: SQLite's bookkeeping of the
    locks this process holds on the file is copied by ``fork``, so the child's read counts as
    one more of this process's, under the shared lock held here. Hence this process must keep
    its transaction open until the child has read.)"""
    key = "sanlian.second_reader"
    if key not in session.info:
        connection = session.connection()
        found = None
        writing = connection.get_execution_options().get(WRITE_OPTION, False)
        # an open transaction (``BEGIN``, as ``_sqlite_engine`` has it): a ``sqlite://`` URL
        # served as it is reads each statement in a transaction of its own, holding no lock
        reading = getattr(connection.connection.dbapi_connection, "in_transaction", False)
        if connection.dialect.name == "sqlite" and reading and not writing:
            path = connection.engine.url.database or ""
            mode = str(connection.exec_driver_sql("PRAGMA journal_mode").scalar()).lower()
            if path and path != ":memory:" and mode != "wal":
                found = Path(path)
        session.info[key] = found
    result: Path | None = session.info[key]
    return result


def open_database(location: str | None = None, *, create: bool = False) -> Database:
    """Open (and with ``create``, make) the database and migrate it forward."""
    location = file_location(location or default_location())
    if is_url(location):
        kept = _kept_database(location, None)
        if kept is not None:
            return kept
        engine = _server_engine(location, pre_ping=_KEPT is not None)
    else:
        path = Path(location).expanduser()
        if path.is_dir():
            raise DatabaseError("db_is_dir", path=path)
        if path.is_file() and path.stat().st_size == 0:
            # an empty file (``: > 台账.db``, a failed copy) is no ledger yet: not made one
            # by a listing or an entry, which would take it for an empty database
            if not create:
                raise DatabaseError("db_empty", path=path)
            with suppress(OSError):  # made one (``init``): its owner's alone, as a new file
                os.chmod(path, 0o600)
        if not path.exists():
            if not create:
                raise DatabaseError("db_missing", path=path)
            try:
                _create_sqlite_file(path)
            except OSError as exc:
                import errno

                if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                    raise DatabaseError("fs_denied", path=exc.filename or path) from exc
                if exc.errno == errno.ENOSPC:
                    raise DatabaseError("disk_full", path=path) from exc
                raise DatabaseError("db_open_failed", path=path, reason=os_reason(exc)) from exc
        kept = _kept_database(location, path)
        if kept is not None:
            return kept
        engine = _sqlite_engine(path)
    db = Database(location=location, engine=engine)
    try:
        migrate(engine, location=None if is_url(location) else location)
    except DatabaseError:
        engine.dispose()
        raise
    except Exception as exc:
        engine.dispose()
        from sqlalchemy.exc import DBAPIError

        if isinstance(exc, DBAPIError) and is_url(location):
            refusal = server_error(exc, location)
            if refusal is not None:
                raise refusal from exc
            raise DatabaseError(
                "db_open_failed", path=masked(location), reason=type(exc.orig).__name__
            ) from exc
        if isinstance(exc, DBAPIError):
            reason = str(exc.orig)
            if "not a database" in reason or "malformed" in reason:
                raise DatabaseError("db_not_database", path=location) from exc
            key = database_error_key(exc)
            if key:
                raise DatabaseError(key, path=location) from exc
            raise DatabaseError("db_open_failed", path=location, reason=reason) from exc
        raise
    _keep(db)
    return db


def database_error_key(exc: BaseException) -> str | None:
    """A known failure of SQLite (locked, full disk, read-only file …) as a catalogue key."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    if "locked" in text or "database is busy" in text:
        return "db_locked"
    if "disk is full" in text or "database or disk is full" in text:
        return "db_full"
    if "readonly" in text or "read-only" in text:
        return "db_readonly"
    if "unable to open database file" in text:
        return "db_cannot_open"
    if "disk i/o error" in text:
        return "db_io_error"
    if "malformed" in text or "not a database" in text:
        return "db_corrupt"
    if "no such table" in text:  # the file replaced under a running shell (emptied, another
        return "db_not_database"  # program's): sanlian's own tables are always there
    return None


def refusal_of(key: str, location: str) -> tuple[str, dict[str, object]]:
    """A database failure's catalogue key and parameters, told more exactly where the file is
    writable but its folder is not (SQLite makes its journal beside the file): that folder."""
    if key in ("db_cannot_open", "db_readonly") and os.path.isfile(location):
        folder = os.path.dirname(os.path.abspath(location))
        if os.access(location, os.W_OK) and not os.access(folder, os.W_OK):
            return "fs_denied", {"path": folder}
    return key, {"path": location}


def migrate(engine: Engine, *, location: str | None = None) -> list[int]:
    """Apply the pending migrations in order, each in its own transaction; return their numbers.

    With ``location`` (a SQLite file) a database that already holds data is first copied into
    the rotating backup set (``sanlian-backups/`` beside it), so an upgrade can be undone.
    Each migration takes the write lock and looks again whether another process applied it
    meanwhile, so two commands opening an old file at once migrate it once.
    """
    from sqlalchemy import insert, select

    from sanlian.db.migrations import MIGRATIONS, WITHOUT_FOREIGN_KEYS
    from sanlian.db.tables import schema_migrations as table  # (no models: issue 7)

    write = engine.execution_options(**{WRITE_OPTION: True})
    with engine.connect() as conn:
        exists = engine.dialect.has_table(conn, table.name)
        others = [] if exists or location is None else engine.dialect.get_table_names(conn)
    if others:  # a SQLite file of another program: sanlian's tables are not written into it
        named = "、".join(sorted(others)[:3]) + (f" 等 {len(others)} 张" if len(others) > 3 else "")
        raise DatabaseError("db_foreign", path=location, tables=named)
    if not exists:
        with write.begin() as conn:
            table.create(conn, checkfirst=True)
    with engine.begin() as conn:
        applied = set(conn.execute(select(table.c.version)).scalars())
    known = max(v for v, _n, _f in MIGRATIONS)
    if applied and max(applied) > known:
        where = location or engine.url.render_as_string(hide_password=True)
        raise DatabaseError("db_newer", path=where, found=max(applied), known=known)
    pending = [m for m in MIGRATIONS if m[0] not in applied]
    if not pending:
        return []
    if applied and location is not None:
        import sys

        from sanlian.i18n.messages import render
        from sanlian.services import backups

        try:
            kept = backups.take(location, "migrate")
        except DatabaseError as exc:
            raise _upgrade_refused(exc, location) from exc
        if kept is not None:  # (a read-only command too may upgrade the file: said, once)
            sys.stderr.write(render("db_upgrading", path=location, backup=kept) + "\n")
    from alembic.migration import MigrationContext
    from alembic.operations import Operations
    from sqlalchemy.exc import DBAPIError

    done = []
    for version, name, upgrade in pending:
        try:
            with _migrating(write, version in WITHOUT_FOREIGN_KEYS) as conn:
                if conn.execute(select(table.c.version).where(table.c.version == version)).first():
                    continue  # another process applied it while this one waited
                upgrade(Operations(MigrationContext.configure(conn)))
                conn.execute(
                    insert(table).values(
                        version=version, name=name, applied_at=dt.datetime.now(dt.UTC)
                    )
                )
        except DBAPIError as exc:
            key = database_error_key(exc)
            if location is not None and key in UPGRADE_DENIED:
                refusal, params = refusal_of(key, location)
                raise _upgrade_refused(DatabaseError(refusal, **params), location) from exc
            raise
        done.append(version)
    return done


@contextmanager
def _migrating(write: Engine, foreign_keys_off: bool) -> Iterator[Any]:
    """A migration's writing transaction; with ``foreign_keys_off`` (one that remakes tables),
    on SQLite the foreign keys are off for it and on again after: the pragma must be set
    outside the transaction, on the connection itself (any statement through SQLAlchemy
    would begin one)."""
    with write.connect() as conn:
        driver = conn.connection.dbapi_connection if write.dialect.name == "sqlite" else None
        if not foreign_keys_off or driver is None:
            with conn.begin():
                yield conn
            return
        driver.execute("PRAGMA foreign_keys = OFF")
        try:
            with conn.begin():
                yield conn
        finally:
            driver.execute("PRAGMA foreign_keys = ON")


UPGRADE_DENIED = ("fs_denied", "db_readonly", "db_cannot_open")


def _upgrade_refused(exc: DatabaseError, location: str) -> DatabaseError:
    """A refusal met while upgrading the file's structure (its backup, or the upgrade itself)
    said as what it is: even a reading command must first upgrade an older file, which needs
    write access (to the file, its folder, and the folder of backups beside it)."""
    if exc.key not in UPGRADE_DENIED:
        return exc
    where = exc.params.get("path", location)
    return DatabaseError("db_upgrade_denied", path=location, where=where)


# --- kept open across the commands of `sanlian shell` ---------------------------------------
# The shell turns this on: each database is opened and migrated once, then reused: a SQLite
# file as long as it is the same file (a file removed and made anew is opened afresh), a server
# URL with its pool of connections for the whole session.
_KEPT: dict[str, tuple[tuple[int, int] | None, Database]] | None = None


def keep_open() -> None:
    """From now on, keep every database opened in this process open for the next command."""
    global _KEPT
    if _KEPT is None:
        _KEPT = {}


def close_kept() -> None:
    """Close the databases kept open and stop keeping them."""
    global _KEPT
    kept, _KEPT = _KEPT, None
    for _identity, db in (kept or {}).values():
        db.engine.dispose()


def _identity(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return (stat.st_dev, stat.st_ino)


def is_kept(location: str) -> bool:
    """Whether a database is kept open for ``location`` (it was opened, and migrated, by a
    command of this ``sanlian shell``)."""
    return _KEPT is not None and location in _KEPT


def _kept_database(location: str, path: Path | None) -> Database | None:
    """The database kept open for ``location`` (``path``: its file; None for a server)."""
    if _KEPT is None or location not in _KEPT:
        return None
    identity, db = _KEPT[location]
    if path is None or identity == _identity(path):
        return db
    del _KEPT[location]
    db.engine.dispose()
    return None


def _keep(db: Database) -> None:
    if _KEPT is None:
        return
    db.kept = True
    server = is_url(db.location)
    _KEPT[db.location] = (None if server else _identity(Path(db.location).expanduser()), db)
