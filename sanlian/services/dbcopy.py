"""``db copy --to URL``: move a whole ledger into another, empty database (SQLite → PostgreSQL).

The target is migrated to the current schema first; then, in ONE transaction on the target,
every table is copied in foreign-key order in batches, the id sequences are set past the copied
ids, and each table's row count is compared with the source's. Any failure rolls the target
back to empty: nothing is ever half-copied. The tables the database keeps itself (``derived``)
are counted again in the target from the copied records; a source whose own had drifted is
named, not refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sanlian.errors import DatabaseError
from sanlian.i18n.labels import TABLE_LABELS

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.engine import Connection

BATCH = 1000


SKIP = {"schema_migrations"}  # the target records its own migrations


@dataclass(frozen=True)
class Copied:
    table: str
    label: str
    rows: int


@dataclass(frozen=True)
class Recounted:
    """A derived table whose rows in the source disagree with its records (another program
    wrote around the triggers): the target has it counted again from the copied records."""

    table: str
    label: str
    source: int  # rows in the source
    rows: int  # rows counted again in the target


@dataclass(frozen=True)
class CopyOutcome:
    copied: list[Copied]
    recounted: list[Recounted]


def tables() -> list[Table]:
    """Every table of the schema, parents before children."""
    from sqlmodel import SQLModel

    import sanlian.db.models  # noqa: F401  (registers the tables)

    return [t for t in SQLModel.metadata.sorted_tables if t.name not in SKIP]


def derived() -> list[Table]:
    """The tables the target's triggers fill as the others are copied (``visit_section``; the
    visits' day tallies are filled once the rows are in)."""
    from sqlmodel import SQLModel

    import sanlian.db.models  # noqa: F401  (registers the tables)

    return [t for t in SQLModel.metadata.sorted_tables if t.info.get("derived")]


def _numbered(table: Table) -> bool:
    pk = list(table.primary_key.columns)
    return len(pk) == 1 and pk[0].name == "id"


def _sequence(conn: Connection, table: Table) -> str | None:
    """A PostgreSQL table's id sequence."""
    from sqlalchemy import text

    found = conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name})
    return found.scalar()


def numbered_tables() -> list[str]:
    """The tables whose numbers are never given twice (AUTOINCREMENT on SQLite)."""
    return [t.name for t in tables() if t.dialect_kwargs.get("sqlite_autoincrement")]


def numbers_used(conn: Connection) -> dict[str, int]:
    """The largest number each table has given out: its sequence's (a record removed since
    may have had it), or a larger one its change journal names (a database migrated from
    before SQLite kept it)."""
    from sqlalchemy import text

    used: dict[str, int] = {}
    if conn.dialect.name == "sqlite":
        used.update((str(n), int(v)) for n, v in conn.execute(text(_SQLITE_SEQUENCES)))
    for table in tables():
        if not _numbered(table):
            continue
        highest = [used.get(table.name, 0)]
        if conn.dialect.name == "postgresql":
            seq = _sequence(conn, table)
            if seq:
                last = conn.execute(
                    text(f"SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM {seq}")
                )
                highest.append(int(last.scalar() or 0))
        journaled = conn.execute(
            text(
                "SELECT max(record_id), max(last_record_id) FROM journal_change"
                " WHERE table_name = :t"
            ),
            {"t": table.name},
        ).one()
        highest.extend(int(n) for n in journaled if n is not None)
        if max(highest):
            used[table.name] = max(highest)
    return used


_SQLITE_SEQUENCES = "SELECT name, seq FROM sqlite_sequence"  # (made by migration 10)


def fix_sequences(conn: Connection, used: dict[str, int] | None = None) -> None:
    """After rows were inserted with their ids given: each table's next number past its
    largest id, and past ``used`` (``numbers_used`` of the source: a number given out there
    to a record removed since is not given again here). PostgreSQL: the id sequences;
    SQLite: ``sqlite_sequence`` of the tables with AUTOINCREMENT."""
    from sqlalchemy import text

    used = used or {}
    for table in tables():
        if not _numbered(table):
            continue
        name = table.name
        largest = conn.execute(text(f'SELECT MAX(id) FROM "{name}"')).scalar()
        highest = max(int(largest or 0), used.get(name, 0))
        if conn.dialect.name == "postgresql":
            seq = _sequence(conn, table)
            if seq:
                conn.execute(
                    text("SELECT setval(:seq, :n, :called)"),
                    {"seq": seq, "n": max(highest, 1), "called": highest > 0},
                )
        elif (
            conn.dialect.name == "sqlite"
            and table.dialect_kwargs.get("sqlite_autoincrement")
            and highest > int(largest or 0)  # (SQLite keeps its largest id itself)
        ):
            conn.execute(text("DELETE FROM sqlite_sequence WHERE name = :t"), {"t": name})
            conn.execute(
                text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :n)"),
                {"t": name, "n": highest},
            )


def _count(conn: Connection, table: Table) -> int:
    from sqlalchemy import func, select

    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _same_count(sconn: Connection, dconn: Connection, table: Table) -> int:
    """The target's rows of ``table``, refused unless the source has as many."""
    want, got = _count(sconn, table), _count(dconn, table)
    if want != got:
        raise DatabaseError(
            "copy_count_mismatch",
            table=TABLE_LABELS.get(table.name, table.name),
            source=want,
            target=got,
        )
    return got


def _holding(conn: Connection) -> list[str]:
    """The tables of the target that already hold rows."""
    from sqlalchemy import select

    return [t.name for t in tables() if conn.execute(select(t).limit(1)).first() is not None]


# a refusal of the target by open_database, said of --to (its own names --db/SANLIAN_DB)
_ABOUT_TARGET = {
    "db_not_database": "copy_to_not_database",
    "db_is_dir": "copy_to_is_dir",
    "db_pg_auth": "copy_to_pg_auth",
}


def copy_database(source: str, target: str, *, batch: int | None = None) -> CopyOutcome:
    """Copy every row of ``source`` into the empty database ``target``; return the counts.

    The derived tables (``derived``) are not copied but counted again in the target from the
    copied records; where the source's hold another number of rows, its own had drifted
    (``db check`` names it, ``--repair`` mends it): the copy is right, and says so
    (``CopyOutcome.recounted``)."""
    from sqlalchemy import insert, select

    from sanlian.db.engine import is_url, lock_for_write, masked, open_database, server_error

    if target.strip() == source.strip():
        raise DatabaseError("copy_same", url=masked(target))
    created: Path | None = None
    if not is_url(target):
        path = Path(target).expanduser()
        if not path.exists():
            created = path
    src = open_database(source)
    try:
        dst = open_database(target, create=True)
    except BaseException as exc:
        src.dispose()
        if created is not None:
            created.unlink(missing_ok=True)
        if isinstance(exc, DatabaseError):
            raise _of_target(exc) from exc
        raise
    batch = batch or BATCH
    done: list[Copied] = []
    recounted: list[Recounted] = []
    try:
        with (
            src.engine.connect() as sconn,
            sconn.begin(),
            dst.engine.connect() as dconn,
            dconn.begin(),
        ):
            if dconn.dialect.name == "postgresql":
                from sqlmodel import Session

                lock_for_write(Session(bind=dconn))
            holding = _holding(dconn)
            if holding:
                raise DatabaseError(
                    "copy_target_not_empty",
                    url=masked(target),
                    tables="、".join(TABLE_LABELS.get(n, n) for n in holding),
                )
            from sanlian.db.tallies import paused

            # the visits' day tallies are filled once at the end, not row by row
            with paused(dconn):
                for table in tables():
                    if table.info.get("derived"):
                        continue  # filled by the target's triggers; its count is compared below
                    keys = list(table.primary_key.columns) or list(table.columns)
                    result = sconn.execution_options(yield_per=batch).execute(
                        select(table).order_by(*keys)
                    )
                    for part in result.partitions(batch):
                        dconn.execute(insert(table), [dict(row._mapping) for row in part])
                    got = _same_count(sconn, dconn, table)
                    done.append(Copied(table.name, TABLE_LABELS.get(table.name, table.name), got))
            for table in derived():
                want, got = _count(sconn, table), _count(dconn, table)
                if want != got:
                    label = TABLE_LABELS.get(table.name, table.name)
                    recounted.append(Recounted(table.name, label, want, got))
            fix_sequences(dconn, numbers_used(sconn))
    except DatabaseError:
        _fail(created)
        raise
    except Exception as exc:
        _fail(created)
        from sqlalchemy.exc import DBAPIError

        if isinstance(exc, DBAPIError) and is_url(target):
            known = server_error(exc, target)
            if known is not None:
                raise _of_target(known) from exc
        if isinstance(exc, DBAPIError):
            raise DatabaseError(
                "copy_failed", url=masked(target), reason=type(getattr(exc, "orig", exc)).__name__
            ) from exc
        raise
    finally:
        src.dispose()
        dst.dispose()
    return CopyOutcome(done, recounted)


def _of_target(exc: DatabaseError) -> DatabaseError:
    """``exc``, said of --to where its sentence (one for the ledger itself) says to mend
    --db or SANLIAN_DB."""
    key = _ABOUT_TARGET.get(exc.key)
    return exc if key is None else DatabaseError(key, **exc.params)


def _fail(created: Path | None) -> None:
    if created is not None:
        created.unlink(missing_ok=True)


def summary(rows: list[Copied]) -> dict[str, Any]:
    return {"tables": len(rows), "rows": sum(r.rows for r in rows)}
