"""Backups of a SQLite database: consistent copies, the rotating set, and checking a file.

The set lives in the folder ``sanlian-backups`` beside the database file (mode 0700, each file
0600), one file per copy named ``<owner>-<YYYYmmdd-HHMMSS>-<reason>.db``, where the owner is the
database's file name without ``.db`` (``sanlian`` for ``sanlian.db``): databases kept in one
folder (one a year, a practice copy) share the folder but not their sets, each listed and
rotated on its own.

- ``migrate``: taken automatically before a pending schema migration of a database that
  already holds data;
- ``import``: taken automatically before every import that is not a ``--dry-run``;
- ``manual``: ``sanlian db backup`` without a file name;
- ``before-restore``: the database that ``sanlian db restore`` replaced;
- ``before-demo``: the database that ``sanlian demo`` replaced (an earlier demo, or a file
  holding nothing), rotated with the automatic copies;
- ``damaged``: a ``sanlian db backup`` of a database that failed its check (kept, for whoever
  rescues what it holds, but named so that nobody takes it for a sound copy).

Every automatic copy is checked (``PRAGMA quick_check`` on the copy, ≈ 35 ms for 10 MB, some
3–4 s a GB, the file read once more from the cache it was just written through): a copy of a
damaged database is deleted again and the operation refused, so that a damaged file that goes
on being imported into never rotates the last sound copies out of the set.

Only the automatic copies (``migrate``, ``import``, ``undo``, ``before-demo``) rotate: the newest ``KEEP`` of a database's
own stay, older ones are deleted. Copies the clerk asked for and those kept by a restore stay until the
clerk deletes them.

Every copy goes through SQLite's online backup API, so it is consistent even while another
process writes to the database.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import glob
import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sanlian.errors import DatabaseError, RuleError
from sanlian.i18n.messages import os_reason, sqlite_reason

if TYPE_CHECKING:
    from sqlmodel import Session

FOLDER = "sanlian-backups"
KEEP = 10
AUTOMATIC = ("migrate", "import", "undo", "before-demo")
CHECKED = ("migrate", "import", "undo")  # refused on a damaged database (a demo is rebuilt)
REASONS = {
    "migrate": "升级数据库结构前",
    "import": "导入前",
    "undo": "撤销前",
    "manual": "手动备份",
    "before-restore": "恢复前的原数据库",
    "before-demo": "重建演示前的原数据库",
    "damaged": "已损坏的数据库的副本（保留备查，不参与轮换）",
}
# what each automatic copy comes before, for the sentence refusing it on a damaged database
BEFORE = {"migrate": "升级数据库结构", "import": "导入", "undo": "撤销"}
SQLITE_HEADER = b"SQLite format 3\x00"
# owner-YYYYmmdd-HHMMSS[-n][-reason] (the owner may itself hold dashes and digits)
_COPY_NAME = re.compile(
    r"(?P<owner>.+)-(?P<day>\d{8})-(?P<time>\d{6})(?:-(?P<seq>\d+))?(?:-(?P<reason>[a-z]+(?:-[a-z]+)*))?"
)


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: dt.datetime
    reason: str
    size: int
    seq: int = 1
    owner: str = "sanlian"


def owner(database: Path) -> str:
    """What names a database's copies: its file name, without ``.db`` (``sanlian.db`` →
    ``sanlian``; ``台账.sqlite`` stays whole, so that it is not ``台账.db``'s too)."""
    name = database.name
    return name[: -len(".db")] if name.endswith(".db") and len(name) > len(".db") else name


def sqlite_path(location: str) -> Path:
    """The database file of ``location``; a server URL is refused (pg_dump is its tool)."""
    from sanlian.db.engine import is_url

    if is_url(location):
        raise RuleError("db_backup_server", location=_safe_url(location))
    return Path(location).expanduser()


def _safe_url(location: str) -> str:
    """A URL without its password."""
    try:
        from sqlalchemy.engine import make_url

        return make_url(location).render_as_string(hide_password=True)
    except Exception:
        return location.split("@")[-1]


def folder_of(location: str) -> Path:
    return sqlite_path(location).parent / FOLDER


def _private_folder(folder: Path) -> None:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)
    except OSError as exc:
        raise _os_error(exc, folder) from exc


def _os_error(exc: OSError, path: Path) -> DatabaseError:
    if exc.errno == errno.ENOSPC:
        return DatabaseError("backup_disk_full", path=path)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return DatabaseError("fs_denied", path=path)
    return DatabaseError("backup_failed", path=path, reason=os_reason(exc))


def copy(source: Path, target: Path, connection: sqlite3.Connection | None = None) -> None:
    """A consistent copy of ``source`` into a new file ``target`` (0600), by SQLite's backup
    API (read through ``connection`` when given: one holding the database's lock). A failed
    copy leaves no partial file behind."""
    from sanlian.db.engine import BUSY_TIMEOUT

    try:
        fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except FileExistsError as exc:
        raise RuleError("backup_exists", path=target) from exc
    except OSError as exc:
        raise _os_error(exc, target) from exc
    try:
        _backup_api(source, target, BUSY_TIMEOUT, connection=connection)
        os.chmod(target, 0o600)
    except BaseException as exc:
        target.unlink(missing_ok=True)
        Path(f"{target}-journal").unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _os_error(exc, target) from exc
        if isinstance(exc, sqlite3.Error):
            text = str(exc).lower()
            if "full" in text:
                raise DatabaseError("backup_disk_full", path=target) from exc
            if "locked" in text or "busy" in text:
                raise DatabaseError("db_locked") from exc
            if "not a database" in text or "malformed" in text:
                raise DatabaseError("db_not_database", path=source) from exc
            raise DatabaseError("backup_failed", path=target, reason=str(exc)) from exc
        raise


def _backup_api(
    source: Path,
    target: Path | sqlite3.Connection,
    timeout: float,
    *,
    read_only: bool = False,
    connection: sqlite3.Connection | None = None,
) -> None:
    """``read_only`` for a file that is only read (a restore's source): opening it must not
    change it. The live database is opened normally, so that a journal left by a killed
    process is rolled back first. ``connection``: read the source through it (it holds the
    lock); ``target`` may be a connection too (written through it)."""
    if connection is not None:
        src = connection
    elif read_only:
        src = sqlite3.connect(_read_only_uri(Path(source)), uri=True, timeout=timeout)
    else:
        src = sqlite3.connect(source, timeout=timeout)
    try:
        dst = (
            target
            if isinstance(target, sqlite3.Connection)
            else sqlite3.connect(target, timeout=timeout)
        )
        try:
            reading = src is not connection and not src.in_transaction
            if reading:  # the source's shared lock first, waited for in slices (a Ctrl-C
                _read_first(src)  # ends it; the backup itself would retry without end)
            try:
                src.backup(dst)
            finally:
                if reading and src.in_transaction:
                    src.execute("COMMIT")
        finally:
            if dst is not target:
                dst.close()
    finally:
        if src is not connection:
            src.close()


def _read_first(src: sqlite3.Connection) -> None:
    """A read transaction on ``src`` holding its shared lock, waited for up to
    ``BUSY_TIMEOUT`` while another program holds the file exclusively (then "locked")."""
    from sanlian.db.engine import waited_for

    src.isolation_level = None  # (transactions as written here)
    src.execute("BEGIN")
    waited_for(_runner(src), "SELECT 1 FROM sqlite_master LIMIT 1", sqlite3.OperationalError)


def _runner(con: sqlite3.Connection) -> Callable[[str], object]:
    """``engine.waited_for``'s way to run a statement on a plain ``sqlite3`` connection."""

    def run(sql: str) -> object:
        row = con.execute(sql).fetchone()
        return row[0] if row else None

    return run


@contextlib.contextmanager
def _held(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection to ``path`` holding its exclusive lock until the block ends (waiting for a
    writer to finish first): nobody writes between a restore's copy of the database and the
    restore, so a write committed meanwhile is in the copy, not lost."""
    from sanlian.db.engine import BUSY_TIMEOUT

    try:
        held = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
    except sqlite3.Error as exc:
        raise DatabaseError("backup_failed", path=path, reason=str(exc)) from exc
    try:
        from sanlian.db.engine import waited_for

        try:  # the lock taken by a write transaction, and kept after it (exclusive mode),
            held.execute("PRAGMA locking_mode=EXCLUSIVE")  # waited for in slices
            waited_for(_runner(held), "BEGIN EXCLUSIVE", sqlite3.OperationalError)
            held.execute("COMMIT")
        except sqlite3.Error as exc:
            raise _refusal(exc, path) from exc
        yield held
    finally:
        held.close()


def _name(folder: Path, who: str, reason: str) -> Path:
    from sanlian.services.clock import now

    stamp = f"{now().astimezone():%Y%m%d-%H%M%S}"
    # Within one second the copies are numbered on (-2, -3 …), past the highest number there,
    # so that a name is never reused once rotation has deleted it.
    pattern = f"{glob.escape(who)}-{stamp}-*.db"
    taken = [b.seq for p in folder.glob(pattern) if (b := _parse(p)) is not None and b.owner == who]
    if not taken:
        return folder / f"{who}-{stamp}-{reason}.db"
    return folder / f"{who}-{stamp}-{max(taken) + 1}-{reason}.db"


def take(
    location: str,
    reason: str,
    *,
    rotate_now: bool = True,
    connection: sqlite3.Connection | None = None,
) -> Path | None:
    """Copy the database into the backup set, then rotate (``rotate_now=False``: the caller
    rotates once it knows the copy is worth keeping); None when there is nothing to copy (no
    file yet, or an empty one). ``connection``: read through it (it holds the lock)."""
    source = sqlite_path(location)
    if not source.is_file() or source.stat().st_size == 0:
        return None
    folder = source.parent / FOLDER
    _private_folder(folder)
    who = owner(source)
    for _attempt in range(50):  # two processes may pick the same free name in one second
        target = _name(folder, who, reason)
        try:
            copy(source, target, connection)
            break
        except RuleError as exc:
            if exc.key != "backup_exists":
                raise
    else:
        raise RuleError("backup_exists", path=target)
    if reason in CHECKED and damaged(target):  # it must not push the sound copies out
        if reason == "migrate":
            # kept beside the set, never rotated (what it holds may yet be rescued), and the
            # upgrade goes on, all or nothing as ever: refused, the file could not be opened
            # at all (not even for ``db check``, ``db backup`` or an export to rescue it)
            marked = target.with_name(target.name.removesuffix("-migrate.db") + "-damaged.db")
            target.replace(marked)
            import sys

            from sanlian.i18n.messages import render

            sys.stderr.write(render("backup_damaged_upgrade", path=source, copy=marked) + "\n")
            return marked
        target.unlink(missing_ok=True)
        raise DatabaseError("backup_damaged", path=source, what=BEFORE[reason], folder=folder)
    if reason in AUTOMATIC and rotate_now:
        rotate(target)
    return target


def damaged(path: Path) -> bool:
    """Whether the SQLite file ``path`` fails ``PRAGMA quick_check`` (its pages and their
    cells are read, not compared with each other as ``integrity_check`` does: a damaged page
    is found, an index whose entries disagree with their table is not)."""
    try:
        with _read_only(path) as con:
            return [r[0] for r in con.execute("pragma quick_check(1)")] != ["ok"]
    except sqlite3.DatabaseError:
        return True


def _parse(path: Path) -> Backup | None:
    if path.suffix != ".db":
        return None
    m = _COPY_NAME.fullmatch(path.stem)  # sanlian-20260615-101500[-n]-reason
    if m is None:
        return None
    try:
        taken = dt.datetime.strptime(m["day"] + m["time"], "%Y%m%d%H%M%S")
        size = path.stat().st_size
    except (ValueError, OSError):
        return None
    return Backup(
        path=path,
        taken_at=taken,
        reason=m["reason"] or "manual",
        size=size,
        seq=int(m["seq"] or 1),
        owner=m["owner"],
    )


def _set(folder: Path, who: str) -> list[Backup]:
    """The copies in ``folder`` of the database named ``who``."""
    found = (_parse(p) for p in folder.glob(f"{glob.escape(who)}-*.db"))
    return [b for b in found if b is not None and b.owner == who]


def listing(location: str) -> list[Backup]:
    """The database's set, newest first."""
    folder = folder_of(location)
    if not folder.is_dir():
        return []
    found = _set(folder, owner(sqlite_path(location)))
    return sorted(found, key=lambda b: (b.taken_at, b.seq), reverse=True)


def rotate(copy: Path, keep: int | None = None) -> list[Path]:
    """Delete the automatic copies of the database that ``copy`` (just taken) is of, beyond
    the newest ``keep``; return what was deleted."""
    keep = KEEP if keep is None else keep
    taken = _parse(copy)
    if taken is None:
        return []
    auto = sorted(
        (b for b in _set(copy.parent, taken.owner) if b.reason in AUTOMATIC),
        key=lambda b: (b.taken_at, b.seq),
        reverse=True,
    )
    gone = []
    for old in auto[keep:]:
        old.path.unlink(missing_ok=True)
        gone.append(old.path)
    return gone


# --- checking a file before it replaces the database ----------------------------------------


def holdings(path: Path) -> tuple[list[int] | None, str]:
    """What a sanlian database file holds, for the clerk to recognise it before a restore:
    its campaigns' years (``campaign_years``) and a sentence of them, its cadres, visits and
    problems and when it was last changed (read only; ``(None, "")`` where the file cannot be
    read so)."""
    with contextlib.suppress(OSError):
        if path.stat().st_size == 0:
            return None, "空文件（0 字节）"
    try:
        with _read_only(path) as con:
            years = _years_of(con)
            counts = {
                table: con.execute(f"select count(*) from {table}").fetchone()[0]
                for table, _said in HELD
            }
            last = con.execute("select max(at) from journal").fetchone()[0]
    except sqlite3.Error:
        return None, ""
    when = f"，最后修改于 {_local_time(last)}" if last else ""
    held = f"{'、'.join(map(str, years))} 年活动" if years else "还没有活动年度"
    listed = "、".join(said.format(counts[table]) for table, said in HELD)
    return years, f"{held}，{listed}{when}"


# what ``holdings`` counts, as a restore's question says it
HELD = (
    ("cadre", "干部 {} 名"),
    ("community", "社区(村) {} 个"),
    ("enterprise", "企业 {} 家"),
    ("household", "联系户 {} 户"),
    ("visit", "走访 {} 次"),
    ("problem", "问题 {} 件"),
)


def changes_since(current: Path, backup: Path) -> int | None:
    """How many changes the journal of ``current`` holds that ``backup``'s does not: those
    after the backup's last entry (when the backup is an earlier state of the same ledger,
    what a restore throws away; ``None`` where either cannot be read, or the backup's last
    entry is not in ``current`` as it is there, so that they are not one ledger)."""
    try:
        with _read_only(backup) as con:
            last = con.execute(
                "select id, at, summary from journal order by id desc limit 1"
            ).fetchone()
        with _read_only(current) as con:
            if last is not None:
                same = con.execute(
                    "select 1 from journal where id = ? and at = ? and summary = ?", last
                ).fetchone()
                if same is None:
                    return None
            return int(
                con.execute(
                    "select count(*) from journal where id > ? and kind <> 'reveal'",
                    (last[0] if last else 0,),
                ).fetchone()[0]
            )
    except sqlite3.Error:
        return None


def _local_time(stored: object) -> str:
    """A journal time as stored (UTC) in the computer's own time, as ``history`` shows it."""
    try:
        at = dt.datetime.fromisoformat(str(stored))
    except ValueError:
        return str(stored)[:16]
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return f"{at.astimezone():%Y-%m-%d %H:%M}"


def campaign_years(path: Path) -> list[int] | None:
    """The years of the campaigns a sanlian database file holds (read only; None where it
    cannot be read so: empty, damaged, not sanlian's)."""
    try:
        with _read_only(path) as con:
            return _years_of(con)
    except sqlite3.Error:
        return None


def _years_of(con: sqlite3.Connection) -> list[int]:
    return [int(r[0]) for r in con.execute("select year from campaign order by year")]


@contextlib.contextmanager
def _read_only(path: Path) -> Iterator[sqlite3.Connection]:
    con = sqlite3.connect(_read_only_uri(path), uri=True)
    try:
        yield con
    finally:
        con.close()


def verify(path: Path) -> int:
    """Refuse ``path`` unless it is a sound sanlian database this program can open; return its
    schema version. Each refusal is one sentence saying which test failed."""
    from sanlian.db.migrations import MIGRATIONS

    if path.is_dir():
        raise RuleError("restore_is_dir", path=path)
    if not path.is_file():
        raise RuleError("restore_missing", path=path)
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise _os_error(exc, path) from exc
    if header != SQLITE_HEADER:
        raise RuleError("restore_not_sqlite", path=path)
    try:
        con = sqlite3.connect(_read_only_uri(path), uri=True)
        try:
            problems = [r[0] for r in con.execute("pragma integrity_check(5)")]
            if problems != ["ok"]:
                raise RuleError("restore_corrupt", path=path, detail=_brief(problems))
            if con.execute("pragma foreign_key_check").fetchone() is not None:
                raise RuleError("restore_foreign_keys", path=path)
            tables = {
                r[0] for r in con.execute("select name from sqlite_master where type='table'")
            }
            if not {"schema_migrations", "campaign", "cadre"} <= tables:
                raise RuleError("restore_not_sanlian", path=path)
            version = con.execute("select max(version) from schema_migrations").fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise RuleError("restore_corrupt", path=path, detail=_said(str(exc))) from exc
    known = max(v for v, _n, _f in MIGRATIONS)
    if version is None:
        raise RuleError("restore_not_sanlian", path=path)
    if int(version) > known:
        raise RuleError("restore_newer", path=path, found=version, known=known)
    return int(version)


def _brief(problems: list[str]) -> str:
    """What ``pragma integrity_check(5)`` found, in a few Chinese words (its own lines name
    pages and cells, which tell a clerk nothing; the sentence around says what to do)."""
    lines = [ln.strip() for p in problems for ln in str(p).splitlines()]
    found = [ln for ln in lines if ln and not ln.startswith("***")]
    if len(found) == 1:
        return _said(found[0])
    return f"数据页有 {len(found)} 处错误" if len(found) < 5 else "数据页有 5 处以上错误"


def _said(text: str) -> str:
    """What SQLite said of a damaged file, in Chinese (its own words are English)."""
    said = sqlite_reason(text)
    if said != text:
        return said
    if text.lower().startswith("malformed database schema"):
        return "数据库的表结构已损坏"
    return "SQLite 无法读取其中的数据"


def _has_header(path: Path) -> bool:
    """Whether ``path`` begins as a SQLite file does."""
    try:
        with path.open("rb") as fh:
            return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError as exc:
        raise _os_error(exc, path) from exc


def _keep_unreadable(target: Path) -> Path:
    """Keep a database file SQLite cannot read, byte for byte, in the set (with any journal
    or WAL file beside it, moved along so that none is applied to the restored file)."""
    import shutil

    folder = target.parent / FOLDER
    _private_folder(folder)
    kept = _name(folder, owner(target), "before-restore")
    try:
        with (
            target.open("rb") as src,
            open(os.open(kept, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600), "wb") as dst,
        ):
            shutil.copyfileobj(src, dst)
        for extra in ("-journal", "-wal", "-shm"):
            side = Path(f"{target}{extra}")
            if side.exists():
                os.replace(side, Path(f"{kept}{extra}"))
    except OSError as exc:
        raise _os_error(exc, kept) from exc
    return kept


def _swap_in(source: Path, target: Path) -> None:
    """Put a copy of ``source`` in place of ``target`` by renaming a finished copy over it."""
    from sanlian.db.engine import BUSY_TIMEOUT

    part = target.with_name(f".{target.name}.restoring-{os.getpid()}")
    try:
        os.close(os.open(part, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        _backup_api(source, part, BUSY_TIMEOUT, read_only=True)
        os.replace(part, target)
    except OSError as exc:
        raise _os_error(exc, target) from exc
    except sqlite3.Error as exc:
        raise DatabaseError("backup_failed", path=target, reason=sqlite_reason(exc)) from exc
    finally:
        part.unlink(missing_ok=True)
        Path(f"{part}-journal").unlink(missing_ok=True)


def _same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` are one file under two names (a hard link: copying it over
    itself would wait on its own lock for ever)."""
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them missing
        return False


def restore(location: str, source: Path) -> Path | None:
    """Replace the database by ``source`` after :func:`verify`; the replaced database goes into
    the backup set first (returned), so a restore can itself be undone."""
    verify(source)
    target = sqlite_path(location)
    if target.is_dir():
        raise DatabaseError("db_is_dir", path=target)
    if source.resolve() == target.resolve() or _same_file(source, target):
        raise RuleError("restore_same", path=source)
    if target.exists():
        try:
            if target.stat().st_size and not _has_header(target):
                raise DatabaseError("db_not_database", path=target)  # opened, it would be lost
            with _held(target) as held:  # no write lands between the copy and the restore
                kept = take(location, "before-restore", connection=held)
                try:
                    _write_over(source, held, target)
                except BaseException:  # refused (read-only, full…): nothing was replaced,
                    if kept is not None:  # so there is nothing to keep ("未做任何修改")
                        kept.unlink(missing_ok=True)
                    raise
            return kept
        except DatabaseError as exc:
            if exc.key != "db_not_database":
                raise
            # the very case a restore is for: the file cannot be read as a database at all
            kept = _keep_unreadable(target)
            _swap_in(source, target)
            return kept
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o600))
    except OSError as exc:
        raise _os_error(exc, target) from exc
    _write_over(source, target, target)
    return None


def carry_numbers(session: Session, kept: Path) -> None:
    """After a restore: the numbers the replaced ledger (``kept``) gave out are not given again
    by the restored one — an export of the replaced ledger re-imported would otherwise update
    other records under the same 台账编号. Each table's next number goes past the larger of
    the two ledgers' (``dbcopy.numbers_used`` for the restored one; ``_numbers_in`` for the
    replaced file, of whatever version)."""
    from sanlian.services.dbcopy import fix_sequences, numbers_used

    conn = session.connection()
    if conn.dialect.name != "sqlite":
        return
    theirs = _numbers_in(kept)
    ours = numbers_used(conn)
    fix_sequences(conn, {k: max(theirs.get(k, 0), ours.get(k, 0)) for k in theirs.keys() | ours})


def _numbers_in(path: Path) -> dict[str, int]:
    """The largest number each numbered table of the database file ``path`` gave out, as far
    as it can tell: its largest id, its ``sqlite_sequence`` (migration 10 on) and the ids its
    journal names (``last_record_id`` where it has one); nothing where it cannot be read."""
    from sanlian.services.dbcopy import numbered_tables

    found: dict[str, int] = {}
    try:
        con = sqlite3.connect(_read_only_uri(path), uri=True)
    except sqlite3.Error:
        return found
    try:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "sqlite_sequence" in names:
            found.update(
                (str(n), int(v)) for n, v in con.execute("SELECT name, seq FROM sqlite_sequence")
            )
        columns = (
            {r[1] for r in con.execute("PRAGMA table_info(journal_change)")}
            if "journal_change" in names
            else set()
        )
        for table in numbered_tables():
            highest = [found.get(table, 0)]
            if table in names:
                highest.append(con.execute(f'SELECT max(id) FROM "{table}"').fetchone()[0] or 0)
            for column in ("record_id", "last_record_id"):
                if column in columns:
                    row = con.execute(
                        f"SELECT max({column}) FROM journal_change WHERE table_name = ?", (table,)
                    ).fetchone()
                    highest.append(row[0] or 0)
            if max(highest):
                found[table] = int(max(highest))
    except sqlite3.Error:
        pass
    finally:
        con.close()
    return found


def _read_only_uri(path: Path) -> str:
    """A SQLite URI opening ``path`` read-only, its name quoted (``#``, ``?`` and ``%`` in a
    folder's name cut a bare ``file:`` URI short)."""
    return path.resolve().as_uri() + "?mode=ro"


def _refusal(exc: sqlite3.Error, path: Path) -> DatabaseError:
    """What SQLite's error writing the database ``path`` (a restore) says to the clerk."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return DatabaseError("db_locked")
    if "not a database" in text or "malformed" in text:  # its header whole, its pages not:
        return DatabaseError("db_not_database", path=path)  # set aside, the backup put in
    if "full" in text:
        return DatabaseError("db_full", path=path)
    if "readonly" in text:
        return DatabaseError("db_readonly", path=path)
    return DatabaseError("backup_failed", path=path, reason=str(exc))


def _write_over(source: Path, into: Path | sqlite3.Connection, target: Path) -> None:
    """The restore proper: ``source`` written over the database ``target`` (through ``into``,
    a connection holding its lock, or the file)."""
    from sanlian.db.engine import BUSY_TIMEOUT

    try:
        # Written through SQLite (not a file copy), so that a reader of the old database sees
        # either the old or the new one, and its journal files stay right.
        _backup_api(source, into, BUSY_TIMEOUT, read_only=True)
    except sqlite3.Error as exc:
        raise _refusal(exc, target) from exc
    except OSError as exc:
        raise _os_error(exc, target) from exc
