"""The database as a file: where it is, a safe copy, a restore, an integrity check; the journal."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sanlian.errors import DatabaseError, RuleError

if TYPE_CHECKING:
    from sqlmodel import Session


def _sqlite_path(location: str) -> Path:
    from sanlian.db.engine import is_url, masked

    if is_url(location):
        raise RuleError("db_not_file", location=masked(location))
    path = Path(location).expanduser()
    if not path.exists():
        raise DatabaseError("db_missing", path=path)
    return path


def _copy(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy even while another process writes."""
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def _free_name(folder: Path, pattern: str) -> Path:
    """``pattern`` with the local time filled in, numbered on when that name is taken."""
    from sanlian.services.clock import now

    base = folder / pattern.format(time=f"{now().astimezone():%Y%m%d-%H%M%S}")
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        stem, dot, ext = base.name.rpartition(".") if base.suffix == ".db" else (base.name, "", "")
        candidate = base.with_name(f"{stem}-{n}{dot}{ext}")
    return candidate


def backup(location: str, target: Path, *, folder: bool = False) -> Path:
    """Copy the database to ``target``, or into it (named by time) when it is a folder."""
    source = _sqlite_path(location)
    if folder or target.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        target = _free_name(target, "sanlian-{time}.db")
    if target.exists():
        raise RuleError("backup_exists", path=target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)
    _copy(source, target)
    return target


# --- undo: one step back -------------------------------------------------------------------


def undo_path(location: str) -> Path:
    path = Path(location).expanduser()
    return path.with_name(path.name + ".undo")


def take_snapshot(location: str) -> Path:
    """A consistent copy (0600) of the database before a change, beside it."""
    path = Path(location).expanduser()
    temp = path.with_name(f"{path.name}.undo-{os.getpid()}.tmp")
    temp.unlink(missing_ok=True)
    os.close(os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    _copy(path, temp)
    return temp


def keep_snapshot(location: str, snapshot: Path, *, changed: bool) -> None:
    """After a change that was written: the copy becomes the one `undo` restores."""
    if changed:
        os.replace(snapshot, undo_path(location))
    else:
        snapshot.unlink(missing_ok=True)


def _last_change(path: Path) -> tuple[int, str, str, str] | None:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = con.execute(
            "select id, at, operator, summary from journal order by id desc limit 1"
        ).fetchone()
    finally:
        con.close()
    return None if row is None else (int(row[0]), str(row[1]), str(row[2]), str(row[3]))


def pending_undo(location: str) -> tuple[int, str, str, str]:
    """The change that `undo` would take back: (journal id, time, operator, summary)."""
    from sanlian.db.engine import is_url, masked

    if is_url(location):
        raise RuleError("db_not_file", location=masked(location))
    snapshot = undo_path(location)
    current = _last_change(_sqlite_path(location))
    if not snapshot.exists() or current is None:
        raise RuleError("undo_nothing")
    before = _last_change(snapshot)
    if before is not None and before[0] != current[0] - 1:
        raise RuleError("undo_stale")
    return current


def undo(location: str, *, operator: str) -> tuple[int, str, str, str]:
    """Put the database back as it was before its last change; the journal says so."""
    change = pending_undo(location)
    path = _sqlite_path(location)
    snapshot = undo_path(location)
    _copy(snapshot, path)
    snapshot.unlink()
    from sanlian.services.clock import now

    con = sqlite3.connect(path)
    try:
        with con:
            con.execute(
                "insert into journal (at, operator, command, summary) values (?, ?, ?, ?)",
                (now().isoformat(sep=" "), operator, "undo", f"撤销：{change[3]}"),
            )
    finally:
        con.close()
    return change


def _is_sanlian(path: Path) -> bool:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {
                r[0] for r in con.execute("select name from sqlite_master where type='table'")
            }
            ok = con.execute("pragma integrity_check").fetchone()[0] == "ok"
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return False
    return ok and {"schema_migrations", "campaign", "cadre"} <= tables


def restore(location: str, source: Path) -> Path | None:
    """Replace the database by a backup, keeping the current one beside it as
    ``<name>.before-restore-<time>`` (never overwritten by a later restore)."""
    if not source.exists() or not _is_sanlian(source):
        raise RuleError("restore_not_backup", path=source)
    from sanlian.db.engine import is_url, masked

    if is_url(location):
        raise RuleError("db_not_file", location=masked(location))
    target = Path(location).expanduser()
    keep = None
    if target.exists():
        keep = _free_name(target.parent, target.name + ".before-restore-{time}")
        os.close(os.open(keep, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        _copy(target, keep)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o600))
    _copy(source, target)
    undo_path(location).unlink(missing_ok=True)  # the old one-step-back no longer applies
    return keep


def check(session: Session) -> list[dict[str, Any]]:
    """Integrity of the file, foreign keys, and the campaign's rules over what is stored."""
    from sqlalchemy import text

    findings: list[dict[str, Any]] = []
    bind = session.get_bind()
    if bind.dialect.name == "sqlite":
        result = session.execute(text("pragma integrity_check")).scalars().all()
        ok = result == ["ok"]
        detail = "完好" if ok else "；".join(result)
        findings.append({"check": "integrity", "ok": ok, "detail": detail})
        broken = session.execute(text("pragma foreign_key_check")).all()
        findings.append(
            {
                "check": "foreign_keys",
                "ok": not broken,
                "detail": "；".join(
                    f"{r[0]} 第 {r[1]} 行引用了不存在的 {r[2]}" for r in broken[:20]
                ),
            }
        )
    else:  # a server: every table readable, and every reference found, checked by hand
        findings.extend(_server_checks(session))
    over = session.execute(
        text(
            "select c.name, count(*) from link l join cadre c on c.id = l.cadre_id "
            "where l.kind = 'enterprise' and l.end_on is null group by c.id having count(*) > 3"
        )
    ).all()
    findings.append(
        {
            "check": "enterprise_limit",
            "ok": not over,
            "detail": "；".join(f"{name} 联系 {n} 家企业" for name, n in over),
        }
    )
    not_leader = (
        session.execute(
            text(
                "select distinct c.name from link l join cadre c on c.id = l.cadre_id "
                "where l.kind = 'enterprise' and l.end_on is null and not c.is_leader"
            )
        )
        .scalars()
        .all()
    )
    findings.append(
        {"check": "enterprise_leaders", "ok": not not_leader, "detail": "、".join(not_leader)}
    )
    return findings


def _server_checks(session: Session) -> list[dict[str, Any]]:
    from sqlalchemy import and_, func, select
    from sqlalchemy.exc import DBAPIError
    from sqlmodel import SQLModel

    import sanlian.db.models  # noqa: F401  (registers the tables)

    unreadable = []
    broken = []
    for table in SQLModel.metadata.sorted_tables:
        try:
            with session.begin_nested():
                session.execute(select(func.count()).select_from(table)).scalar_one()
        except DBAPIError:
            unreadable.append(table.name)
            continue
        for fk in table.foreign_key_constraints:
            parent = fk.referred_table
            pairs = [(e.parent, e.column) for e in fk.elements]
            orphan = (
                select(func.count())
                .select_from(table.outerjoin(parent, and_(*(c == p for c, p in pairs))))
                .where(*(c.is_not(None) for c, _p in pairs), pairs[0][1].is_(None))
            )
            n = session.execute(orphan).scalar_one()
            if n:
                broken.append(f"{table.name} 有 {n} 行引用了不存在的 {parent.name}")
    return [
        {
            "check": "integrity",
            "ok": not unreadable,
            "detail": "完好" if not unreadable else "无法读取：" + "、".join(unreadable),
        },
        {"check": "foreign_keys", "ok": not broken, "detail": "；".join(broken[:20])},
    ]


def history(session: Session, *, limit: int | None = None) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from sanlian.db.models import Journal

    table: Any = Journal.__table__  # type: ignore[attr-defined]
    stmt = select(table).order_by(table.c.id.desc())
    if limit:
        stmt = stmt.limit(limit)
    rows = [dict(r._mapping) for r in session.execute(stmt)]
    for row in rows:  # stored in UTC, read in the clerk's own time zone
        at = row["at"]
        if at.tzinfo is None:
            at = at.replace(tzinfo=dt.UTC)
        row["at"] = at.astimezone()
    return rows
