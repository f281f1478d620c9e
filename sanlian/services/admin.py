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
    from sanlian.db.engine import is_url

    if is_url(location):
        raise RuleError("db_not_file", location=location)
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


def compact(location: str) -> None:
    """Rewrite a SQLite file without its free pages (``VACUUM``), so that erased values do not
    linger in them. A server database keeps no such pages for a reader of the file."""
    from sanlian.db.engine import is_url

    if is_url(location):
        return
    con = sqlite3.connect(Path(location).expanduser())
    try:
        con.execute("VACUUM")
    finally:
        con.close()


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
    from sanlian.db.engine import is_url

    if is_url(location):
        raise RuleError("db_not_file", location=location)
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


def history(
    session: Session,
    *,
    limit: int | None = None,
    record: tuple[str, int] | None = None,
    operator: str | None = None,
    since: dt.date | None = None,
    detail: bool = False,
    reveal: bool = False,
) -> list[dict[str, Any]]:
    """Journal entries, newest first; with ``record`` (table, id) only those that changed it.

    With ``detail`` (or ``record``) each entry carries its changes: ``changes`` (before/after
    values, ID and phone numbers masked unless ``reveal``) and ``detail`` (Chinese lines).
    """
    from sqlalchemy import select

    from sanlian.db import journal
    from sanlian.db.models import Journal

    table: Any = Journal.__table__  # type: ignore[attr-defined]
    stmt = select(table).order_by(table.c.id.desc())
    if record is not None:
        ids = journal.entries_touching(session, record[0], record[1])
        stmt = stmt.where(table.c.id.in_(ids))
    if operator:
        stmt = stmt.where(table.c.operator == operator)
    if since is not None:
        start = dt.datetime.combine(since, dt.time.min).astimezone(dt.UTC)  # local midnight
        stmt = stmt.where(table.c.at >= start)
    if limit:
        stmt = stmt.limit(limit)
    rows = [dict(r._mapping) for r in session.execute(stmt)]
    for row in rows:  # stored in UTC, read in the clerk's own time zone
        at = row["at"]
        if at.tzinfo is None:
            at = at.replace(tzinfo=dt.UTC)
        row["at"] = at.astimezone()
        row["kind_label"] = JOURNAL_KINDS.get(row["kind"], row["kind"])
        if row["undone_by"]:
            row["kind_label"] += f"（已由第 {row['undone_by']} 条撤销）"
    if detail or record is not None:
        found = journal.changes_of(session, [int(r["id"]) for r in rows])
        for row in rows:
            changes = found.get(int(row["id"]), [])
            if record is not None:
                changes = [c for c in changes if (c.table, c.record_id) == record] or changes
            row["changes"] = [
                {
                    "table": c.table,
                    "record_id": c.record_id,
                    "action": c.action,
                    "before": journal.masked(c.before, reveal),
                    "after": journal.masked(c.after, reveal),
                }
                for c in changes
            ]
            lines = [
                journal.change_line(c, reveal=reveal, verb=journal.HISTORY_VERBS)
                for c in changes[:50]
            ]
            if len(changes) > 50:
                lines.append(f"……共 {len(changes)} 项")
            row["detail"] = "\n".join(lines)
    return rows


JOURNAL_KINDS = {
    "change": "修改",
    "undo": "撤销",
    "reveal": "查看完整号码",
    "purge": "清除个人信息",
    "legacy": "修改（旧版记录）",
}


def undo_plan(session: Session) -> Any:
    """What ``undo`` would take back (refused clearly when nothing can be)."""
    from sanlian.db import journal

    return journal.plan_undo(session)


def undo(session: Session, plan: Any, *, operator: str) -> int:
    from sanlian.db import journal
    from sanlian.services.clock import now

    return journal.apply_undo(session, plan, at=now(), operator=operator)
