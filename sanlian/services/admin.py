"""The database as a file: where it is, a safe copy, a restore, an integrity check; the journal."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sanlian.errors import DatabaseError, RuleError
from sanlian.i18n.messages import render, sqlite_reason

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


def _free_name(folder: Path, pattern: str) -> Path:
    """``pattern`` with the local time filled in, numbered on when that name is taken."""
    from sanlian.services.clock import now

    base = folder / pattern.replace("{time}", f"{now().astimezone():%Y%m%d-%H%M%S}")
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        stem, dot, ext = base.name.rpartition(".") if base.suffix == ".db" else (base.name, "", "")
        candidate = base.with_name(f"{stem}-{n}{dot}{ext}")
    return candidate


def backup(location: str, target: Path | None = None, *, folder: bool = False) -> Path:
    """Copy the database to ``target``, or into it (named by time) when it is a folder; with
    no ``target``, into the backup set beside the database (see ``services.backups``)."""
    from sanlian.services import backups

    source = backups.sqlite_path(location)
    if source.is_dir():
        raise DatabaseError("db_is_dir", path=source)
    if not source.exists():
        raise DatabaseError("db_missing", path=source)
    if target is None:
        made = backups.take(location, "manual")
        if made is None:
            raise DatabaseError("db_missing", path=source)
        if backups.damaged(made):  # kept (what it holds may yet be rescued), named for what it is
            marked = made.with_name(made.name.removesuffix("-manual.db") + "-damaged.db")
            made = marked if _renamed(made, marked) else made
            raise DatabaseError(
                "backup_of_damaged", path=source, copy=made, folder=backups.folder_of(location)
            )
        return made
    for place in (target, *target.parents) if folder else target.parents:
        if place.exists() and not place.is_dir():  # a file where a folder must be
            raise RuleError("backup_not_folder", path=place)
    if folder or target.is_dir():
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise backups._os_error(exc, target) from exc
        target = _free_name(target, backups.owner(source) + "-{time}.db")
    if backups._same_file(target, source) or target.resolve() == source.resolve():
        raise RuleError("output_is_database", path=target)
    if target.exists():
        raise RuleError("backup_exists", path=target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise backups._os_error(exc, target.parent) from exc
    backups.copy(source, target)
    if backups.damaged(target):
        raise DatabaseError(
            "backup_of_damaged", path=source, copy=target, folder=backups.folder_of(location)
        )
    return target


def _renamed(old: Path, new: Path) -> bool:
    import os

    try:
        os.rename(old, new)
    except OSError:
        return False
    return True


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


def restore(location: str, source: Path) -> Path | None:
    """Replace the database by a checked backup; the replaced one is kept in the backup set
    (``sanlian-backups/…-before-restore.db``), whose path is returned."""
    from sanlian.services import backups

    return backups.restore(location, source)


CHECKS: dict[str, str] = {
    "integrity": "数据库文件完整性",
    "foreign_keys": "记录之间的引用",
    "enterprise_limit": "每名领导联系企业不超过 3 家",
    "enterprise_leaders": "联系企业的都是领导班子成员",
    "household_unlinked": "结对户所在社区(村)由干部所在科室或本局联系",
    "pairs_limit": "每名干部结对户数不超过活动规定",
    "one_head": "领导小组只有一名组长",
    "same_number": "同一身份证号码（信用代码）只登记一次",
    "lost_characters": "名称中没有丢失的字（? 或 �）",
    "retired_links": "在联的干部和联系对象都未停用",
    "visit_dates": "走访日期在活动期间且不晚于今天",
    "visit_cadres": "每次走访都有走访干部",
    "triggers": "维护走访统计的数据库触发器齐全并已启用",
    "visit_sections": "按科室统计的走访与走访干部所在科室一致",
    "visit_days": "按日统计的走访与走访记录一致",
    "problem_status": "问题的状态和解决、办结、最后办理日期与办理记录一致",
    "problem_dates": "问题的办理期限不早于提出日期，办理记录不晚于今天",
    "link_dates": "联系的结束日期不早于开始日期",
    "date_forms": "日期都写作 YYYY-MM-DD（别的程序可能写成别的样子）",
}


def _rows(session: Session, sql: str, **params: Any) -> list[Any]:
    from sqlalchemy import text

    return list(session.execute(text(sql), params).all())


def _finding(key: str, records: list[str], *, limit: int = 20) -> dict[str, Any]:
    shown = "；".join(records[:limit])
    if len(records) > limit:
        shown += f"；……共 {len(records)} 条"
    return {
        "check": key,
        "label": CHECKS[key],
        "ok": not records,
        "count": len(records),
        "detail": "完好" if key == "integrity" and not records else shown,
        "records": records,
    }


_ACTIVE = "l.start_on <= :today and (l.end_on is null or l.end_on >= :today)"
# the status a step leaves (extensions and handovers, progress steps with an owner, leave it)
_STATUS_AFTER = {
    "raise": "pending",
    "progress": "in_progress",
    "reopen": "in_progress",
    "resolve": "resolved",
    "close": "unresolvable",
}


def check(session: Session, *, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Integrity of the file, foreign keys, and the campaign's rules over what is stored.

    Each finding names the records that break its rule (with their numbers); the CLI refuses
    such data, so they come from other programs, old versions or hand edits of the file.
    A damaged file is reported as such: a rule whose records cannot be read says so and the
    others are still checked.
    """
    from sqlalchemy.exc import DBAPIError

    if today is None:
        from sanlian.services.clock import today as clock_today

        today = clock_today()
    findings: list[dict[str, Any]] = []
    rules: list[tuple[str, Any]] = [
        ("integrity", _integrity),  # on a server: every table readable
        ("foreign_keys", _foreign_keys),  # on a server: references looked up table by table
        ("enterprise_limit", _enterprise_limit),
        ("enterprise_leaders", _enterprise_leaders),
        ("household_unlinked", _household_unlinked),
        ("pairs_limit", _pairs_limit),
        ("one_head", _one_head),
        ("same_number", _same_number),
        ("lost_characters", _lost_characters),
        ("retired_links", _retired_links),
        ("visit_dates", _visit_dates),
        ("visit_cadres", _visit_cadres),
        ("triggers", _triggers),
        ("visit_sections", _visit_sections),
        ("visit_days", _visit_days),
        ("problem_status", _problem_status),
        ("problem_dates", _problem_dates),
        ("link_dates", _link_dates),
        ("date_forms", _date_forms),
    ]
    for key, rule in rules:
        try:
            with session.begin_nested():
                records = rule(session, today)
        except DBAPIError as exc:
            reason = sqlite_reason(exc.orig)
            if key == "integrity":
                findings.append(_finding(key, [render("check_damaged", reason=reason)]))
                continue
            finding = _finding(key, [])
            finding.update(ok=False, detail=render("check_unreadable", reason=reason))
            findings.append(finding)
            continue
        except ValueError as exc:  # a value another program stored in a form not read here
            finding = _finding(key, [])
            finding.update(ok=False, detail=render("check_unreadable", reason=str(exc)))
            findings.append(finding)
            continue
        findings.append(_finding(key, records))
    return findings


def _on_server(session: Session) -> bool:
    bind = session.get_bind()
    return bind.dialect.name != "sqlite"


def _integrity(session: Session, _today: dt.date) -> list[str]:
    from sqlalchemy import text

    if _on_server(session):  # a server keeps its own files whole: every table must be readable
        return _server_unreadable(session)

    result = [str(r) for r in session.execute(text("pragma integrity_check")).scalars()]
    if result == ["ok"]:
        return []
    problems = [ln for r in result for ln in r.splitlines() if ln and not ln.startswith("***")]
    # SQLite stops at 100 problems; their text (pages and cells) tells a clerk nothing
    count = f" {len(problems)} " if len(problems) < 100 else "至少 100 "
    return [render("check_integrity", count=count)]


def _foreign_keys(session: Session, _today: dt.date) -> list[str]:
    if _on_server(session):
        return _server_orphans(session)
    from sqlalchemy import text

    found = []
    for table, row, parent, *_rest in _rows(session, "pragma foreign_key_check"):
        owner = _JOINS.get(table)
        if owner is not None and row is not None:  # the rowid of a pair: its record's number
            row = session.execute(
                text(f'SELECT "{owner[0]}" FROM "{table}" WHERE rowid = :r'), {"r": row}
            ).scalar()
        found.append(_orphan(table, row, parent))
    return list(dict.fromkeys(found))  # (a visit's pairs with one cadre gone: said once)


# the tables of pairs (a visit's cadres…): a broken pair is named by the record it belongs
# to (column, what a clerk calls that record), not by the pair's own internal row number
_JOINS = {
    "activity_cadre": ("activity_id", "活动", "activity"),
    "visit_cadre": ("visit_id", "走访", "visit"),
    "visit_section": ("visit_id", "走访", "visit"),
    "step_measure": ("step_id", "问题办理记录", "problem_step"),
}


def _orphan(table: str, row: object, parent: str) -> str:
    """A row of ``table`` (its number, or for a pair the number of its record) whose
    reference to ``parent`` finds none."""
    from sanlian.i18n.labels import TABLE_LABELS

    owner = _JOINS.get(table)
    if owner is not None and parent == owner[2]:  # the record it belongs to is the one gone
        return render(
            "check_orphan_pair",
            table=TABLE_LABELS.get(table, table),
            owner=owner[1],
            row=row,
            parent=TABLE_LABELS.get(parent, parent),
        )
    if owner is not None:
        return render(
            "check_orphan_of",
            owner=owner[1],
            row=row,
            table=TABLE_LABELS.get(table, table),
            parent=TABLE_LABELS.get(parent, parent),
        )
    return render(
        "check_orphan",
        table=TABLE_LABELS.get(table, table),
        row=row,
        parent=TABLE_LABELS.get(parent, parent),
    )


def _server_unreadable(session: Session) -> list[str]:
    from sqlalchemy import func, select
    from sqlalchemy.exc import DBAPIError
    from sqlmodel import SQLModel

    import sanlian.db.models  # noqa: F401  (registers the tables)

    unreadable = []
    for table in SQLModel.metadata.sorted_tables:
        try:
            with session.begin_nested():
                session.execute(select(func.count()).select_from(table)).scalar_one()
        except DBAPIError:
            unreadable.append(table.name)
    return [f"无法读取：{'、'.join(unreadable)}"] if unreadable else []


def _server_orphans(session: Session) -> list[str]:
    """Rows whose reference finds nothing, table by table (what ``foreign_key_check`` does)."""
    from sqlalchemy import and_, select
    from sqlmodel import SQLModel

    import sanlian.db.models  # noqa: F401  (registers the tables)

    broken: list[str] = []
    for table in SQLModel.metadata.sorted_tables:
        for fk in table.foreign_key_constraints:
            parent = fk.referred_table
            pairs = [(e.parent, e.column) for e in fk.elements]
            keys = list(table.primary_key.columns)
            orphan = (
                select(*keys)
                .select_from(table.outerjoin(parent, and_(*(c == p for c, p in pairs))))
                .where(*(c.is_not(None) for c, _p in pairs), pairs[0][1].is_(None))
                .order_by(*keys)
            )
            owner = _JOINS.get(table.name)
            names = [k.name for k in keys]
            for row in session.execute(orphan):
                if owner is not None and owner[0] in names:
                    where = row[names.index(owner[0])]
                else:
                    where = row[0] if len(keys) == 1 else "、".join(map(str, row))
                broken.append(_orphan(table.name, where, parent.name))
    return list(dict.fromkeys(broken))


def _enterprise_limit(session: Session, today: dt.date) -> list[str]:
    over = _rows(
        session,
        "select c.id, c.name, count(*) from link l join cadre c on c.id = l.cadre_id "
        f"where l.kind = 'enterprise' and {_ACTIVE} group by c.id, c.name "
        "having count(*) > 3 order by c.id",
        today=today,
    )
    return [f"{n}（干部编号 {i}）联系 {k} 家企业" for i, n, k in over]


def _enterprise_leaders(session: Session, today: dt.date) -> list[str]:
    rows = _rows(
        session,
        "select l.id, c.name, e.name from link l join cadre c on c.id = l.cadre_id "
        "join enterprise e on e.id = l.enterprise_id "
        f"where l.kind = 'enterprise' and {_ACTIVE} and not c.is_leader order by l.id",
        today=today,
    )
    return [f"联系编号 {i}：{c} 不是领导班子成员，却联系“{e}”" for i, c, e in rows]


def _household_unlinked(session: Session, today: dt.date) -> list[str]:
    # A pair ending today is left as it stood: a cadre (household) whose pairs end today may
    # move today (``registry.check_pairs_covered``), its section (community) is then its new one.
    rows = _rows(
        session,
        "select l.id, c.name, h.name, m.name from link l join cadre c on c.id = l.cadre_id "
        "join household h on h.id = l.household_id join community m on m.id = h.community_id "
        f"where l.kind = 'household' and {_ACTIVE} and (l.end_on is null or l.end_on > :today) "
        "and not exists ("
        "select 1 from link u where u.kind = 'community' and u.community_id = h.community_id "
        "and u.start_on <= :today and (u.end_on is null or u.end_on >= :today) "
        "and (u.section_id is null or u.section_id = c.section_id)) order by l.id",
        today=today,
    )
    return [f"联系编号 {i}：{c} 结对“{h}”，但“{m}”不由其科室或本局联系" for i, c, h, m in rows]


def _pairs_limit(session: Session, today: dt.date) -> list[str]:
    limit_row = _rows(
        session,
        "select household_pairs_per_cadre from campaign order by (year = :year) desc, year desc",
        year=today.year,
    )
    if not limit_row:
        return []
    limit = int(limit_row[0][0])
    many = _rows(
        session,
        "select c.id, c.name, count(*) from link l join cadre c on c.id = l.cadre_id "
        f"where l.kind = 'household' and {_ACTIVE} group by c.id, c.name "
        "having count(*) > :limit order by c.id",
        today=today,
        limit=limit,
    )
    return [f"{n}（干部编号 {i}）结对 {k} 户，超过上限 {limit} 户" for i, n, k in many]


def _retired_links(session: Session, today: dt.date) -> list[str]:
    # A link ended on the day its cadre or target was retired (what `remove --force` does) is
    # in order; one that runs on past that day is not.
    def past(alias: str) -> str:
        return f"({alias}.retired_on <= :today and (l.end_on is null or l.end_on > {alias}.retired_on))"

    rows = _rows(
        session,
        "select l.id, coalesce(c.name, s.name), coalesce(m.name, e.name, h.name), "
        f"case when {past('c')} or {past('s')} then 1 else 0 end "
        "from link l left join cadre c on c.id = l.cadre_id "
        "left join section s on s.id = l.section_id "
        "left join community m on m.id = l.community_id "
        "left join enterprise e on e.id = l.enterprise_id "
        "left join household h on h.id = l.household_id "
        f"where {_ACTIVE} and ({past('c')} or {past('s')} or {past('m')} or {past('e')} "
        f"or {past('h')}) "
        "order by l.id",
        today=today,
    )
    return [
        f"联系编号 {i}：“{a if who else b}”已停用，联系仍在进行（{a or '本局'} — {b}）"
        for i, a, b, who in rows
    ]


def _one_head(session: Session, _today: dt.date) -> list[str]:
    rows = _rows(
        session,
        "select id, name from cadre where role = 'head' and retired_on is null order by id",
    )
    if len(rows) < 2:
        return []
    return [f"干部编号 {i}：“{name}”是组长" for i, name in rows]


def _same_number(session: Session, _today: dt.date) -> list[str]:
    """Cadres (households) of one ID number, enterprises of one credit code, in use or
    retired: one person registered twice (older versions took a retired one's number again).
    The number itself is not shown."""
    found = []
    for table, column, label, what in (
        ("cadre", "id_number", "干部", "身份证号码"),
        ("household", "id_number", "联系户", "身份证号码"),
        ("enterprise", "uscc", "企业", "统一社会信用代码"),
    ):
        rows = _rows(
            session,
            f"select {column}, id, name, retired_on from {table} where {column} in (select "
            f"{column} from {table} where {column} is not null group by {column} "
            f"having count(*) > 1) order by {column}, id",
        )
        groups: dict[str, list[tuple[int, str, Any]]] = {}
        for number, record_id, name, retired in rows:
            groups.setdefault(number, []).append((record_id, name, retired))
        for same in sorted(groups.values()):
            ids = "、".join(f"{i}（{r} 停用）" if r else str(i) for i, _n, r in same)
            names = "、".join(dict.fromkeys(n for _i, n, _r in same))
            found.append(f"{label}编号 {ids}：{what}相同（{names}）")
    return found


def _lost_characters(session: Session, _today: dt.date) -> list[str]:
    """Names holding ? or � (a rare character lost in a GBK CSV, bytes read in the wrong
    encoding), as older versions took them: each to be put right by its ``edit``."""
    found = []
    for table, label, field in (
        ("section", "科室", "名称"),
        ("cadre", "干部", "姓名"),
        ("community", "社区(村)", "名称"),
        ("enterprise", "企业", "名称"),
        ("household", "联系户", "户主姓名"),
    ):
        rows = _rows(
            session,
            f"select id, name from {table} where name like :mark or name like :lost order by id",
            mark="%?%",
            lost="%\ufffd%",
        )
        found += [
            f"{label}编号 {i}：{field}“{name}”中有丢失的字，请用 sanlian {table} edit {i} "
            "--name 改正"
            for i, name in rows
        ]
    return found


def _visit_dates(session: Session, today: dt.date) -> list[str]:
    rows = _rows(
        session,
        "select v.id, v.visited_on, case when v.visited_on > :today then 1 else 0 end "
        "from visit v where v.visited_on > :today or not exists ("
        "select 1 from phase p group by p.campaign_id "
        "having min(p.start_on) <= v.visited_on and max(p.end_on) >= v.visited_on) "
        "order by v.id",
        today=today,
    )
    return [
        f"走访编号 {i}：日期 {d} " + ("晚于今天" if late else "不在任何年度活动期间")
        for i, d, late in rows
        if _readable(d)  # (one written in another form: said by ``_date_forms``)
    ]


def _visit_cadres(session: Session, _today: dt.date) -> list[str]:
    rows = _rows(
        session,
        "select v.id, v.visited_on from visit v where not exists "
        "(select 1 from visit_cadre vc where vc.visit_id = v.id) order by v.id",
    )
    return [f"走访编号 {i}（{d}）没有走访干部" for i, d in rows]


def _visit_sections(session: Session, _today: dt.date) -> list[str]:
    """The visits whose stored (visit, section) pairs (kept by triggers) differ from what
    their cadres' current sections give."""
    stored = "select visit_id, section_id, cadres from visit_section"
    pairs = (
        "select vc.visit_id, c.section_id, count(*) from visit_cadre vc "
        "join cadre c on c.id = vc.cadre_id group by vc.visit_id, c.section_id"
    )
    rows = _rows(
        session,
        f"select distinct d.visit_id from (select * from ({stored} except {pairs}) a "
        f"union all select * from ({pairs} except {stored}) b) d order by d.visit_id",
    )
    return [f"走访编号 {i}：按科室统计的走访与走访干部所在科室不一致" for (i,) in rows]


def _visit_days(session: Session, _today: dt.date) -> list[str]:
    """The days whose stored visit figures (``visit_day``, ``visit_day_section``: kept by
    triggers, read by every report) differ from what the visits give."""
    from sanlian.db.migrations import TALLY_COLUMNS, VISIT_DAY_FILLED, VISIT_DAY_SECTION_FILLED

    tally = ", ".join(TALLY_COLUMNS)
    differ: list[str] = []
    for table, keys, filled in (
        ("visit_day", "visited_on", VISIT_DAY_FILLED),
        ("visit_day_section", "visited_on, section_id", VISIT_DAY_SECTION_FILLED),
    ):
        stored = f"select {keys}, {tally} from {table}"
        differ.append(
            f"select visited_on from (select * from ({stored} except {filled}) a "
            f"union all select * from ({filled} except {stored}) b) d{len(differ)}"
        )
    rows = _rows(
        session, f"select distinct d.visited_on from ({' union '.join(differ)}) d order by 1"
    )
    return [f"{day}：按日统计的走访与走访记录不一致" for (day,) in rows]


def _triggers(session: Session, _today: dt.date) -> list[str]:
    """The triggers that keep ``visit_section`` and the day tallies, each on its table (and on
    PostgreSQL enabled always, as the migrations left them): without one the reports' visit
    figures drift from the visits with the next write, which the two checks after this one
    only see once it has happened."""
    from sanlian.db.migrations import kept_by_triggers

    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        found = {
            (table, name): state
            for table, name, state in _rows(
                session,
                "select c.relname, t.tgname, t.tgenabled from pg_trigger t"
                " join pg_class c on c.oid = t.tgrelid"
                " join pg_namespace n on n.oid = c.relnamespace"
                " where not t.tgisinternal and n.nspname = current_schema()",
            )
        }
    else:
        found = {
            (table, name): "A"
            for name, table in _rows(
                session, "select name, tbl_name from sqlite_master where type = 'trigger'"
            )
        }
    wrong = []
    for table, name in kept_by_triggers(dialect):
        state = found.get((table, name))
        if state is None:
            wrong.append(render("check_trigger_missing", name=name, table=table))
        elif state == "D":
            wrong.append(render("check_trigger_disabled", name=name, table=table))
        elif state != "A":  # enabled for ordinary sessions only: a replica's writes skip it
            wrong.append(render("check_trigger_not_always", name=name, table=table))
    return wrong


# the checks of what the database's triggers keep, which ``recount_visits`` builds again
RECOUNTED = ("triggers", "visit_sections", "visit_days")


def recount_visits(session: Session) -> None:
    """``visit_section`` and the day tallies built again from the visits and their cadres,
    their triggers made again first (``db check --repair``): what the triggers would have
    written had every write gone through them (another program's ``INSERT OR REPLACE`` on
    SQLite fires no delete trigger; a data-only restore writes them twice). The tallies'
    triggers are paused meanwhile and the tallies filled once at the end
    (``migrations.tallies_paused``)."""
    from sanlian.db.migrations import triggers_made_again
    from sanlian.db.tallies import paused

    connection = session.connection()
    for statement in triggers_made_again(connection.dialect.name):
        connection.exec_driver_sql(statement)
    with paused(connection):
        connection.exec_driver_sql("DELETE FROM visit_section")
        connection.exec_driver_sql(
            "INSERT INTO visit_section (visit_id, section_id, cadres)"
            " SELECT vc.visit_id, c.section_id, count(*) FROM visit_cadre vc"
            " JOIN visit v ON v.id = vc.visit_id JOIN cadre c ON c.id = vc.cadre_id"
            " WHERE c.section_id IS NOT NULL GROUP BY vc.visit_id, c.section_id"
        )


def _problem_status(session: Session, _today: dt.date) -> list[str]:
    """The stored state of each problem (status, resolved_on, closed_on, last_step_on: what
    the reports read) against its steps; for each problem the first thing wrong, the most
    basic first (steps dated before it was raised make its "last step" meaningless). Its
    steps' figures in one grouped pass; only the kind of the latest step is looked up."""
    from sanlian.i18n.labels import PROBLEM_STATUS

    rows = _rows(
        session,
        "select p.id, p.status, p.raised_on, p.resolved_on, p.closed_on, p.last_step_on, "
        "(select s.kind from problem_step s where s.problem_id = p.id "
        "and s.kind <> 'extend' and (s.kind <> 'progress' or s.owner_id is null) "
        "order by s.step_on desc, s.id desc limit 1), "
        "g.first, g.latest, g.raises, g.res, g.clo "
        "from problem p left join (select problem_id, min(step_on) as first, "
        "max(step_on) as latest, sum(case when kind = 'raise' then 1 else 0 end) as raises, "
        "max(case when kind = 'resolve' then step_on end) as res, "
        "max(case when kind = 'close' then step_on end) as clo "
        "from problem_step group by problem_id) g on g.problem_id = p.id order by p.id",
    )
    wrong = []
    for pid, status, *dates in rows:
        try:
            found = _problem_wrong(status, *dates, labels=PROBLEM_STATUS)
        except ValueError as exc:  # a date written by another program in another form
            found = f"有日期的写法无法识别（{exc.args[0]}），请改为 YYYY-MM-DD"
        if found:
            wrong.append(f"问题编号 {pid}：{found}")
    return wrong


def _problem_wrong(
    status: str,
    raised: Any,
    resolved: Any,
    closed: Any,
    last_on: Any,
    last: Any,
    first: Any,
    latest: Any,
    raises: Any,
    res: Any,
    clo: Any,
    *,
    labels: Mapping[str, str],
) -> str | None:
    raised, resolved, closed, last_on = map(_day, (raised, resolved, closed, last_on))
    first, latest, res, clo = map(_day, (first, latest, res, clo))
    said = labels.get(status, status)
    expected = _STATUS_AFTER.get(str(last)) if last is not None else None
    if not raises:
        return "没有“提出”记录"
    if first is not None and raised is not None and first < raised:
        return f"有办理记录的日期（{first}）早于提出日期 {raised}，先后颠倒，请核对各步日期"
    if raises > 1:
        return f"有 {raises} 条“提出”记录"
    if status != expected:
        if expected is None:
            return f"状态为“{said}”，但没有可据以判断的办理记录"
        last_label = _step_label(str(last))
        return f"状态为“{said}”，但最后一步是“{last_label}”，应为“{labels[expected]}”"
    if status == "resolved" and resolved != res:
        return f"解决日期记为 {resolved or '（空）'}，但最后一次“解决”记录是 {res}"
    if status != "resolved" and resolved is not None:
        return f"状态为“{said}”，却记有解决日期 {resolved}"
    if status == "unresolvable" and closed != clo:
        return f"办结日期记为 {closed or '（空）'}，但“无法解决”记录是 {clo}"
    if status != "unresolvable" and closed is not None:
        return f"状态为“{said}”，却记有办结日期 {closed}"
    if last_on != latest:
        return f"最后办理日期记为 {last_on}，但办理记录最晚是 {latest}"
    return None


def _day(value: Any) -> dt.date | None:
    """A date as the driver gives it (ISO text on SQLite, a date on a server); ValueError
    with the value as stored where it is no date."""
    if value is None or isinstance(value, dt.date):
        return value
    text = str(value)
    try:  # (strictly YYYY-MM-DD: Python also reads 20260729, which SQL compares as text)
        if len(text) != 10 or text[4] != "-" or text[7] != "-":
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(text) from None


def _problem_dates(session: Session, today: dt.date) -> list[str]:
    rows = _rows(
        session,
        "select p.id, p.raised_on, p.due_on from problem p where p.due_on < p.raised_on "
        "order by p.id",
    )
    found = [f"问题编号 {i}：办理期限 {d} 早于提出日期 {r}" for i, r, d in rows if _readable(r, d)]
    later = _rows(
        session,
        "select s.problem_id, max(s.step_on) from problem_step s where s.step_on > :today "
        "group by s.problem_id order by s.problem_id",
        today=today,
    )
    found += [f"问题编号 {i}：办理记录日期 {d} 晚于今天" for i, d in later if _readable(d)]
    return found


def _readable(*values: Any) -> bool:
    """Whether stored dates are read as dates (else ``_date_forms`` names them, and a
    comparison of their text would say something untrue)."""
    try:
        for value in values:
            _day(value)
    except ValueError:
        return False
    return True


def _date_forms(session: Session, _today: dt.date) -> list[str]:
    """Every date column of every table, on SQLite (which keeps what another program wrote:
    ``2026-5-3``, ``2026/05/03``, ``2026-02-30``): the values that are not a real day written
    as YYYY-MM-DD, which the program cannot read (a listing failed, a report left the record
    out). A server's columns are dates."""
    import sqlalchemy as sa
    from sqlmodel import SQLModel

    import sanlian.db.models  # noqa: F401  (registers the tables)
    from sanlian.db.journal import field_label
    from sanlian.i18n.labels import TABLE_LABELS

    if _on_server(session):
        return []
    found = []
    for table in SQLModel.metadata.sorted_tables:
        if table.info.get("derived"):
            continue  # the visits' days, copied by triggers: the visit is named
        key = next(iter(table.primary_key.columns)).name
        for column in table.columns:
            if not isinstance(column.type, sa.Date) or isinstance(column.type, sa.DateTime):
                continue
            rows = _rows(
                session,
                f'SELECT "{key}", "{column.name}" FROM "{table.name}" WHERE "{column.name}" '
                f'IS NOT NULL AND date("{column.name}") IS NOT "{column.name}" ORDER BY 1',
            )
            label = TABLE_LABELS.get(table.name, table.name)
            field = field_label(table.name, column.name)
            found += [f"{label}（编号 {i}）的{field}“{v}”写法无法识别" for i, v in rows]
    return found


def _link_dates(session: Session, _today: dt.date) -> list[str]:
    rows = _rows(
        session,
        "select l.id, l.start_on, l.end_on from link l where l.end_on < l.start_on order by l.id",
    )
    return [f"联系编号 {i}：结束日期 {e} 早于开始日期 {s}" for i, s, e in rows if _readable(s, e)]


def _step_label(kind: str) -> str:
    from sanlian.i18n.labels import PROBLEM_STEP

    return PROBLEM_STEP.get(kind, kind)


def history(
    session: Session,
    *,
    limit: int | None = None,
    record: tuple[str, int] | None = None,
    record_name: str | None = None,
    operator: str | None = None,
    since: dt.date | None = None,
    detail: bool = False,
    reveal: bool = False,
) -> list[dict[str, Any]]:
    """Journal entries, newest first; with ``record`` (table, id) only those that changed it
    (``record_name``: a deleted record's, as ``journal.entries_touching`` takes it).

    With ``detail`` (or ``record``) each entry carries its changes: ``changes`` (before/after
    values, ID and phone numbers masked unless ``reveal``) and ``detail`` (Chinese lines).
    """
    from sqlalchemy import select

    from sanlian.db import journal
    from sanlian.db.models import Journal

    table: Any = Journal.__table__  # type: ignore[attr-defined]
    stmt = select(table).order_by(table.c.id.desc())
    of_part = None
    if record is not None:
        ids = journal.entries_touching(session, record[0], record[1], record_name)
        parts, of_part = journal.parts_touched(session, record[0], record[1])
        stmt = stmt.where(table.c.id.in_(sorted({*ids, *parts})))
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
        if not reveal:  # a title or a name as typed, which may hold a number
            from sanlian.services.validate import mask_numbers_anywhere

            row["summary"] = mask_numbers_anywhere(row["summary"])
        if row["undone_by"]:
            row["kind_label"] += f"（已由第 {row['undone_by']} 条撤销）"
    if detail or record is not None:
        found = journal.changes_of(session, [int(r["id"]) for r in rows])
        for row in rows:
            changes = found.get(int(row["id"]), [])
            if record is not None:
                assert of_part is not None
                changes = [c for c in changes if c.covers(*record) or of_part(c)] or changes
            row["changes"] = [
                {
                    "table": c.table,
                    "record_id": c.record_id,
                    "action": c.action,
                    "before": journal.masked(c.before, reveal),
                    "after": journal.masked(c.after, reveal),
                    # a run (an import's new records): ``record_id`` to this, no values
                    **({"last_record_id": c.last_record_id, "count": c.count} if c.is_run else {}),
                }
                for c in changes
            ]
            names = journal.ref_names(session)
            lines = [
                journal.change_line(c, reveal=reveal, verb=journal.HISTORY_VERBS, names=names)
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
    "restore": "恢复备份",
}


def undo_plan(session: Session) -> Any:
    """What ``undo`` would take back (refused clearly when nothing can be)."""
    from sanlian.db import journal

    return journal.plan_undo(session)


def undo(session: Session, plan: Any, *, operator: str) -> int:
    from sanlian.db import journal
    from sanlian.db.tallies import UNDO_MANY, deferred
    from sanlian.services.clock import now

    visits = sum(c.count for c in plan.changes if c.table in ("visit", "visit_cadre"))
    with deferred(session, visits >= UNDO_MANY):  # (a visit import's, say)
        return journal.apply_undo(session, plan, at=now(), operator=operator)
