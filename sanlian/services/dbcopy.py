"""``db copy --to URL``: move a whole ledger into another, empty database (SQLite → PostgreSQL).

The target is migrated to the current schema first; then, in ONE transaction on the target,
every table is copied in foreign-key order in batches, the id sequences are set past the copied
ids, and each table's row count is compared with the source's. Any failure rolls the target
back to empty: nothing is ever half-copied.
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


def tables() -> list[Table]:
    """Every table of the schema, parents before children."""
    from sqlmodel import SQLModel

    import sanlian.db.models  # noqa: F401  (registers the tables)

    return [t for t in SQLModel.metadata.sorted_tables if t.name not in SKIP]


def derived() -> list[Table]:
    """The tables the target's triggers fill as the others are copied (``visit_section``)."""
    from sqlmodel import SQLModel

    import sanlian.db.models  # noqa: F401  (registers the tables)

    return [t for t in SQLModel.metadata.sorted_tables if t.info.get("derived")]


def fix_sequences(conn: Connection, names: list[str] | None = None) -> None:
    """On PostgreSQL, set each table's id sequence past its largest id (after rows were
    inserted with their ids given), so the next record gets the next number."""
    if conn.dialect.name != "postgresql":
        return
    from sqlalchemy import text

    for table in tables():
        if names is not None and table.name not in names:
            continue
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or pk[0].name != "id":
            continue
        seq = conn.execute(
            text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}
        ).scalar()
        if not seq:
            continue
        conn.execute(
            text(
                f'SELECT setval(:seq, COALESCE((SELECT MAX(id) FROM "{table.name}"), 1), '
                f'(SELECT MAX(id) FROM "{table.name}") IS NOT NULL)'
            ),
            {"seq": seq},
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


def copy_database(source: str, target: str, *, batch: int | None = None) -> list[Copied]:
    """Copy every row of ``source`` into the empty database ``target``; return the counts."""
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
                _same_count(sconn, dconn, table)
            fix_sequences(dconn)
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
    return done


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
