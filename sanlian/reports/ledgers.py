"""Row-level report data: each cadre's own items, the problem and visit ledgers, and examples.

A report is handed on and published: an ID or mobile number written into a problem's text, a
resolution's note or a visit's diary is masked in its rows (``mask_numbers_anywhere``).

Counts are SQL aggregates (correlated sub-queries per cadre, sums per problem); rows are loaded
only to be listed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, overload

from sanlian.reports.common import Period, Tables

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass(frozen=True)
class CadreRow:
    """One cadre's own items: what the matrix of ``progress --by cadre`` shows."""

    id: int
    name: str
    section_id: int
    section: str
    party: str | None
    is_leader: bool
    role: str | None
    households: int  # households paired with the cadre on the as-of day
    enterprises: int  # enterprises linked on the as-of day (leadership members)
    households_in_period: int  # households paired on at least one day of the period
    enterprises_in_period: int  # enterprises linked on at least one day of the period
    visits: int
    last_visit_on: dt.date | None
    research: int
    activities: int
    problems_owned: int  # raised in the period with this cadre as owner
    problems_resolved: int  # of those, resolved by the as-of day
    retired_on: dt.date | None = None  # left during the period, by the as-of day (else None)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def cadre_rows(session: Session, period: Period) -> list[CadreRow]:
    """Every cadre on the roster on the as-of day, and every one who left since the period
    began (their visits, reports and problems are in the period's totals, so a per-cadre table
    without them would not add up; ``retired_on`` for those who left during the period by the
    as-of day), by section then number."""
    from sqlalchemy import and_, func, literal_column, or_, select

    from sanlian.reports.common import between, link_active_in, on_roster, spanning, tables

    t = tables(period.as_of, session)
    c, s, link = t.cadre.c, t.section.c, t.link.c
    vc, v, ac, a, r, pr = (
        t.visit_cadre.c,
        t.visit.c,
        t.activity_cadre.c,
        t.activity.c,
        t.research.c,
        t.problem.c,
    )
    p = period
    active_now = and_(link.start_on <= p.as_of, or_(link.end_on.is_(None), link.end_on >= p.as_of))
    active_in_period = link_active_in(t, p.start, p.end)

    def linked(kind: str, column: Any, active: Any = active_now) -> Any:
        return (
            select(func.count(column.distinct()))
            .where(link.cadre_id == c.id, link.kind == kind, active)
            .scalar_subquery()
        )

    # every cadre's visits of the period in one grouped pass (not two lookups per cadre): the
    # pairs in their stored order, each visit fetched by its id (nearly in order); ``+ 0`` keeps
    # the planner from walking the pairs in cadre order to spare the sort, which fetches the
    # million visits in random order (1.2 s against 0.4 s at city scale)
    by_cadre = vc.cadre_id + literal_column("0")  # the same text in SELECT and GROUP BY
    visited = (
        select(
            by_cadre.label("cadre_id"),
            func.count().label("visits"),
            func.max(v.visited_on).label("last_visit_on"),
        )
        .select_from(t.visit_cadre.join(t.visit, v.id == vc.visit_id))
        .where(spanning(v.visited_on, p.start, p.end))
        .group_by(by_cadre)
    )
    # merged here: joined as a subquery on its computed key, SQLite scans every group per cadre
    visits = {int(row[0]): (int(row[1]), row[2]) for row in session.execute(visited)}
    # every cadre's problems raised in the period, one grouped pass (not two per cadre), again
    # reading the problems in stored order (through the owner index: one by one, 0.5 s)
    owner = pr.owner_id + literal_column("0")
    owned = (
        select(
            owner.label("cadre_id"),
            func.count().label("problems_owned"),
            func.count()
            .filter(pr.status == "resolved", pr.resolved_on <= p.as_of)
            .label("problems_resolved"),
        )
        .where(spanning(pr.raised_on, p.start, p.end))
        .group_by(owner)
    )
    owns = {
        int(row[0]): (int(row[1]), int(row[2]))
        for row in session.execute(owned)
        if row[0] is not None  # the problems without an owner
    }
    stmt = (
        select(
            c.id,
            c.name,
            c.section_id,
            s.name.label("section"),
            c.party,
            c.is_leader,
            c.role,
            c.retired_on,
            linked("household", link.household_id).label("households"),
            linked("enterprise", link.enterprise_id).label("enterprises"),
            linked("household", link.household_id, active_in_period).label("households_period"),
            linked("enterprise", link.enterprise_id, active_in_period).label("enterprises_period"),
            select(func.count())
            .where(r.cadre_id == c.id, between(r.written_on, p.start, p.end))
            .scalar_subquery()
            .label("research"),
            select(func.count())
            .select_from(t.activity_cadre.join(t.activity, a.id == ac.activity_id))
            .where(ac.cadre_id == c.id, between(a.held_on, p.start, p.end))
            .scalar_subquery()
            .label("activities"),
        )
        .select_from(t.cadre.join(t.section, s.id == c.section_id))
        .where(or_(on_roster(t, p.as_of), c.retired_on > p.start))
        .order_by(c.section_id, c.id)
    )
    return [
        CadreRow(
            id=row.id,
            name=row.name,
            section_id=row.section_id,
            section=row.section,
            party=row.party,
            is_leader=bool(row.is_leader),
            role=row.role,
            households=int(row.households or 0),
            enterprises=int(row.enterprises or 0),
            households_in_period=int(row.households_period or 0),
            enterprises_in_period=int(row.enterprises_period or 0),
            visits=visits.get(row.id, (0, None))[0],
            last_visit_on=_date(visits.get(row.id, (0, None))[1]),
            research=int(row.research or 0),
            activities=int(row.activities or 0),
            problems_owned=owns.get(row.id, (0, 0))[0],
            problems_resolved=owns.get(row.id, (0, 0))[1],
            # (one who left after the period, judged on a later day, was there all of it)
            retired_on=_date(row.retired_on)
            if _left(row.retired_on, min(p.as_of, p.end))
            else None,
        )
        for row in session.execute(stmt)
    ]


def _left(retired_on: Any, as_of: dt.date) -> bool:
    """Whether a cadre retired on ``retired_on`` (the first day off the roster) had left by
    ``as_of``."""
    day = _date(retired_on)
    return day is not None and day <= as_of


class _Days(dict[Any, "dt.date | None"]):
    """The driver's dates (ISO text on SQLite) as dates, each day converted once."""

    def __init__(self) -> None:
        super().__init__({None: None})

    def __missing__(self, key: Any) -> dt.date | None:
        value = self[key] = _date(key)
        return value


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


# --- problems -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProblemRow:
    id: int
    raised_on: dt.date
    target_kind: str
    target: str
    category: str
    text: str
    is_conflict: bool
    owner: str | None
    section: str | None
    status: str  # the stored status
    state: str  # the status as it stood on the as-of day
    due_on: dt.date
    overdue_days: int  # days past due: an open problem's on the as-of day, a finished one's on
    # the day it was finished; 0 if none
    resolved_on: dt.date | None
    closed_on: dt.date | None
    last_step_on: dt.date
    how: str | None  # the note of the latest resolve step
    amount_fen: int
    measures: tuple[str, ...]
    # ``target`` as a report's sentence names it: a namesake told apart (王秀英（和平社区）);
    # not in ``as_dict`` (the JSON's ``target`` is the plain name)
    target_label: str = ""

    @property
    def named(self) -> str:
        return self.target_label or self.target

    def as_dict(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        del out["target_label"]
        return out


def _target_name(t: Tables) -> Any:
    from sqlalchemy import func

    return func.coalesce(t.community.c.name, t.enterprise.c.name, t.household.c.name)


def target_parts(t: Tables, src: Any) -> tuple[Any, Any, Any]:
    """What ``TargetNames`` tells a namesake among the targets apart by, beside the name
    (``_target_name``): the number of the record a row of ``src`` names, a community's
    township, a household's community (its number): the tables joined by ``with_targets``."""
    from sqlalchemy import func

    number = func.coalesce(src.community_id, src.enterprise_id, src.household_id)
    return number, t.community.c.town, t.household.c.community_id


def with_targets(t: Tables, src: Any, table: Any) -> Any:
    """``table`` outer-joined to the community, enterprise and household it names."""
    return (
        table.outerjoin(t.community, t.community.c.id == src.community_id)
        .outerjoin(t.enterprise, t.enterprise.c.id == src.enterprise_id)
        .outerjoin(t.household, t.household.c.id == src.household_id)
    )


def _state(status: str, resolved_on: Any, closed_on: Any, as_of: dt.date) -> str:
    resolved, closed = _date(resolved_on), _date(closed_on)
    if status == "resolved" and resolved is not None and resolved > as_of:
        return "in_progress"
    if status == "unresolvable" and closed is not None and closed > as_of:
        return "in_progress"
    return status


def measures_in_order(keys: Iterable[str]) -> tuple[str, ...]:
    """Measures (送…) once each, in the order of ``MEASURE`` (others after, by name)."""
    from sanlian.i18n.labels import MEASURE

    order = {k: i for i, k in enumerate(MEASURE)}
    return tuple(sorted(set(keys), key=lambda k: (order.get(k, len(order)), k)))


def problem_rows(
    session: Session,
    period: Period,
    *,
    only_resolved: bool = False,
    conflicts: bool | None = None,
    limit: int | None = None,
) -> list[ProblemRow]:
    """``iter_problem_rows`` as a list."""
    return list(
        iter_problem_rows(
            session, period, only_resolved=only_resolved, conflicts=conflicts, limit=limit
        )
    )


@overload
def iter_problem_rows(
    session: Session,
    period: Period,
    *,
    only_resolved: bool = False,
    conflicts: bool | None = None,
    limit: int | None = None,
    as_tuples: Literal[False] = False,
) -> Iterator[ProblemRow]: ...


@overload
def iter_problem_rows(
    session: Session,
    period: Period,
    *,
    only_resolved: bool = False,
    conflicts: bool | None = None,
    limit: int | None = None,
    as_tuples: Literal[True],
) -> Iterator[tuple[Any, ...]]: ...


def iter_problem_rows(
    session: Session,
    period: Period,
    *,
    only_resolved: bool = False,
    conflicts: bool | None = None,
    limit: int | None = None,
    as_tuples: bool = False,
) -> Iterator[Any]:
    """The problem ledger: raised in the period, settled in it, or still open on the as-of day,
    by date raised then number, read as it is used. With ``as_tuples``: each row as a plain
    tuple of the :class:`ProblemRow` fields in their order.

    With ``only_resolved``: problems resolved in the period, conflicts first, then the largest
    sums, then the latest (the examples a report quotes).

    The measures of each problem's resolve steps come with its row (concatenated by SQL,
    ordered here); the ledger reads the problem table itself when no problem has a step after
    the as-of day (see ``common.tables``).
    """
    from sqlalchemy import and_, func, or_, select

    from sanlian.db.tables import problem as stored
    from sanlian.reports.common import (
        SCAN_DAYS,
        TargetNames,
        between,
        cadre_label,
        problem_open,
        standing,
        tables,
        unindexed,
    )
    from sanlian.services.validate import mask_numbers_anywhere as masked

    # the examples keep the plan their ties were ordered by
    t = tables(period.as_of) if only_resolved else tables(period.as_of, session)
    pr, c, s, st, m = t.problem.c, t.cadre.c, t.section.c, t.problem_step.c, t.step_measure.c
    p = period
    # the resolutions of problems resolved on the as-of day (one reopened and not resolved
    # again is withdrawn: its money, measures and how are not said)
    resolve_steps = (
        st.kind == "resolve",
        st.step_on <= p.as_of,
        standing(session, st, stored.c, p.as_of),
    )
    with_problem = t.problem_step.join(stored, stored.c.id == st.problem_id)
    money = (
        select(
            st.problem_id.label("pid"),
            func.coalesce(func.sum(st.amount_fen), 0).label("fen"),
            func.max(st.id).label("last_step"),
        )
        .select_from(with_problem)
        .where(*resolve_steps)
        .group_by(st.problem_id)
        .subquery()
    )
    measures = (
        select(
            st.problem_id.label("pid"),
            func.aggregate_strings(m.measure, ",").label("measures"),
        )
        .select_from(t.step_measure.join(with_problem, st.id == m.step_id))
        .where(*resolve_steps)
        .group_by(st.problem_id)
        .subquery()
    )
    last = t.problem_step.alias("last_resolve")
    source = (
        with_targets(t, pr, t.problem)
        .outerjoin(t.cadre, c.id == pr.owner_id)
        .outerjoin(t.section, s.id == c.section_id)
        .outerjoin(money, money.c.pid == pr.id)
        .outerjoin(last, last.c.id == money.c.last_step)
        .outerjoin(measures, measures.c.pid == pr.id)
    )
    resolved = and_(pr.status == "resolved", between(pr.resolved_on, p.start, p.end))
    stmt = select(
        pr.id,
        pr.raised_on,
        pr.target_kind,
        _target_name(t).label("target"),
        pr.category,
        pr.text,
        pr.is_conflict,
        cadre_label(c, s).label("owner"),  # namesakes told apart
        s.name.label("section"),
        pr.status,
        pr.due_on,
        pr.resolved_on,
        pr.closed_on,
        pr.last_step_on,
        last.c.note.label("how"),
        func.coalesce(money.c.fen, 0).label("fen"),
        measures.c.measures,
        *target_parts(t, pr),  # a namesake told apart (``TargetNames``): 王秀英（和平社区）
    ).select_from(source)
    if only_resolved:
        stmt = stmt.where(resolved).order_by(
            pr.is_conflict.desc(), func.coalesce(money.c.fen, 0).desc(), pr.resolved_on.desc()
        )
    else:
        ledger = and_(
            pr.raised_on <= p.end,  # not the next year's, when the as-of day is in it
            or_(
                between(pr.raised_on, p.start, p.end),
                resolved,
                and_(pr.status == "unresolvable", between(pr.closed_on, p.start, p.end)),
                problem_open(t, p.as_of),
            ),
        )
        by: Any = pr.raised_on
        if (p.end - p.start).days >= SCAN_DAYS:
            # a year's ledger holds most problems: read the table straight through and sort
            # (through the date and status indexes SQLite fetched them one by one, 0.4 s more
            # at city scale); the columns compared through an expression, as in ``spanning``
            ledger, by = unindexed(ledger, pr.raised_on, pr.status), func.coalesce(by, by)
        stmt = stmt.where(ledger).order_by(by, pr.id)
    if conflicts is not None:
        stmt = stmt.where(pr.is_conflict.is_(conflicts))
    if limit is not None:
        stmt = stmt.limit(limit)
    as_of = p.as_of

    def in_order(keys: str) -> tuple[str, ...]:
        return measures_in_order(keys.split(","))

    sets: dict[str, tuple[str, ...]] = {}  # each concatenation met, in order
    days = _Days()
    named = TargetNames(session)
    shared = named.shared
    for rows in _raw_partitions(session, stmt, BATCH):
        for (
            pid,
            raised_on,
            target_kind,
            target,
            category,
            text,
            is_conflict,
            owner,
            section,
            status,
            due_on,
            resolved_on,
            closed_on,
            last_step_on,
            how,
            fen,
            keys,
            number,
            town,
            home,
        ) in rows:  # unpacked and built by position: 200,000 rows at city scale
            resolved_day, closed, due = days[resolved_on], days[closed_on], days[due_on]
            assert due is not None
            state = _state(status, resolved_day, closed, as_of)
            if state in ("pending", "in_progress"):
                overdue = (as_of - due).days
            else:  # finished by the as-of day: the days it was late on the day it was finished
                finished = resolved_day if state == "resolved" else closed
                overdue = (finished - due).days if finished is not None else 0
            if keys is None:
                kept: tuple[str, ...] = ()
            else:
                kept = sets.get(keys) or sets.setdefault(keys, in_order(keys))
            row: tuple[Any, ...] = (
                pid,
                days[raised_on],
                target_kind,
                target or "",
                category,
                masked(text) if text else text,
                bool(is_conflict),
                owner,
                section,
                status,
                state,
                due,
                max(overdue, 0),
                resolved_day,
                closed,
                days[last_step_on],
                masked(how) if how else how,
                int(fen or 0),
                kept,
                named(target_kind, target, number, town, home)
                if target in shared
                else target or "",
            )
            yield row if as_tuples else ProblemRow(*row)


BATCH = 2000


# --- visits ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitRow:
    id: int
    visited_on: dt.date
    target_kind: str
    target: str
    form: str
    cadres: tuple[str, ...]
    cards: int
    diary: str | None
    note: str | None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def visit_rows(session: Session, period: Period) -> list[VisitRow]:
    """The visit ledger of the period, by date."""
    return list(iter_visit_rows(session, period))


@overload
def iter_visit_rows(
    session: Session, period: Period, *, as_tuples: Literal[False] = False
) -> Iterator[VisitRow]: ...


@overload
def iter_visit_rows(
    session: Session, period: Period, *, as_tuples: Literal[True]
) -> Iterator[tuple[Any, ...]]: ...


def iter_visit_rows(session: Session, period: Period, *, as_tuples: bool = False) -> Iterator[Any]:
    """The visit ledger of the period, by date then number, read as it is used (a million
    visits at city scale are never all in memory). With ``as_tuples``: each row as a plain
    tuple of the :class:`VisitRow` fields in their order (what a sheet of a million rows
    wants: no object per row).

    One statement: each visit with its cadres' numbers (``group_concat`` of the pair table's
    covering index, in the visits' stored order); the names of the cadres and of the visited
    community, enterprise or household are looked up in Python (small tables read whole:
    joined in SQL, each visit fetched its target's row at random). Over a year the table is
    read straight through and sorted by date (walking the date index fetches the visits at
    random, 1,000,000 visits: 2.3 s against 1.7 s), over a short range through the index.
    """
    from sqlalchemy import String, cast, func, select

    from sanlian.reports.common import (
        SCAN_DAYS,
        cadre_label,
        namesake_labels,
        spanning,
        tables,
    )
    from sanlian.services.validate import mask_numbers_anywhere as masked
    from sanlian.services.visits import own_columns

    t = tables(period.as_of)
    v, vc, c = t.visit.c, t.visit_cadre.c, t.cadre.c
    who = (
        select(func.aggregate_strings(cast(vc.cadre_id, String), ","))
        .where(vc.visit_id == v.id)
        .scalar_subquery()
    )
    day_key: Any = v.visited_on
    if (period.end - period.start).days >= SCAN_DAYS:
        day_key = func.coalesce(v.visited_on, v.visited_on)  # sorted, not walked in the index
    stmt = (
        select(*own_columns(v), who)
        .where(spanning(v.visited_on, period.start, period.end))
        .order_by(day_key, v.id)
    )
    # namesakes told apart (张伟（办公室）): the ledger names the cadres, not their sections
    labels = select(c.id, cadre_label(c, t.section.c)).select_from(
        t.cadre.join(t.section, t.section.c.id == c.section_id)
    )
    cadres = {str(i): n for i, n in session.execute(labels)}
    communities, enterprises, households = (
        {i: n for i, n in session.execute(select(table.c.id, table.c.name))}
        | namesake_labels(session, table.name)  # namesakes told apart: 王秀英（和平社区）
        for table in (t.community, t.enterprise, t.household)
    )
    one = {k: (n,) for k, n in cadres.items()}  # a visit by one cadre, its names ready made
    days = _Days()
    for rows in _raw_partitions(session, stmt):
        # unpacked and built by position: a million rows, each look-up counts
        for vid, day, kind, cid, eid, hid, form, cards, diary, note, ids in rows:
            target = None
            if cid is not None:
                target = communities.get(cid)
            if target is None and eid is not None:
                target = enterprises.get(eid)
            if target is None and hid is not None:
                target = households.get(hid)
            if ids is None:
                names: tuple[str, ...] = ()
            elif "," in ids:
                names = tuple(
                    cadres[i] for i in sorted(ids.split(","), key=int) if i in cadres
                )  # by cadre number, whatever order SQL concatenated them in
            else:
                names = one.get(ids, ())
            row: tuple[Any, ...] = (
                vid,
                days[day],
                kind,
                target or "",
                form,
                names,
                cards or 0,
                masked(diary) if diary else diary,
                masked(note) if note else note,
            )
            yield row if as_tuples else VisitRow(*row)


def _raw_partitions(session: Session, stmt: Any, size: int = 5000) -> Iterator[Sequence[Any]]:
    """The rows of a long ledger's ``stmt`` as the driver gives them, ``size`` at a time (on
    PostgreSQL from a server-side cursor): no result processing (dates may come as ISO text),
    which for a million rows costs more than SQLite's reading them. The statement is rendered
    with its values inline (dates and fixed words: nothing a user typed)."""
    conn = session.connection()
    sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    if conn.dialect.name != "sqlite":
        result = conn.exec_driver_sql(sql, execution_options={"yield_per": size})
        yield from result.partitions(size)
        return
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(size):
            yield rows
    finally:
        import sqlite3

        # the generator may be closed only after the command's database was (a Ctrl-C or an
        # ending signal unwinding it): its cursor went with it, and nothing is left to close
        with contextlib.suppress(sqlite3.ProgrammingError):
            cursor.close()


# --- activity and research records ----------------------------------------------------------


@dataclass(frozen=True)
class ActivityRecord:
    id: int
    kind: str
    held_on: dt.date
    title: str | None
    partner: str | None
    people: int


def activity_records(
    session: Session, period: Period, kinds: tuple[str, ...] | None = None
) -> list[ActivityRecord]:
    """The activities of the period (optionally of some kinds), by date; an ID or mobile
    number in a title masked (reports are read by others)."""
    from sqlalchemy import func, select

    from sanlian.reports.common import between, community_label, enterprise_label, tables
    from sanlian.services.validate import mask_numbers_anywhere as masked

    t = tables(period.as_of)
    a, ac = t.activity.c, t.activity_cadre.c
    people = select(func.count()).where(ac.activity_id == a.id).scalar_subquery().label("people")
    stmt = (
        select(
            a.id,
            a.kind,
            a.held_on,
            a.title,
            # a namesake told apart (幸福社区（城关镇）)
            func.coalesce(community_label(t.community.c), enterprise_label(t.enterprise.c)).label(
                "partner"
            ),
            people,
        )
        .select_from(
            t.activity.outerjoin(t.community, t.community.c.id == a.community_id).outerjoin(
                t.enterprise, t.enterprise.c.id == a.enterprise_id
            )
        )
        .where(between(a.held_on, period.start, period.end))
        .order_by(a.held_on, a.id)
    )
    if kinds is not None:
        stmt = stmt.where(a.kind.in_(kinds))
    return [
        ActivityRecord(
            id=row.id,
            kind=row.kind,
            held_on=_date(row.held_on),  # type: ignore[arg-type]
            title=masked(row.title) if row.title else row.title,  # (a contact's number in it)
            partner=row.partner,
            people=int(row.people or 0),
        )
        for row in session.execute(stmt)
    ]


def research_titles(session: Session, period: Period, limit: int = 3) -> list[tuple[str, str]]:
    """(author, title) of the period's first research reports by cadres still on the roster on
    the as-of day (a report cites no one who has retired); numbers in a title masked."""
    from sqlalchemy import select

    from sanlian.reports.common import between, cadre_label, on_roster, tables
    from sanlian.services.validate import mask_numbers_anywhere as masked

    t = tables(period.as_of)
    r, c, s = t.research.c, t.cadre.c, t.section.c
    stmt = (
        select(cadre_label(c, s), r.title)
        .select_from(
            t.research.join(t.cadre, c.id == r.cadre_id).join(t.section, s.id == c.section_id)
        )
        .where(between(r.written_on, period.start, period.end), on_roster(t, period.as_of))
        .order_by(r.written_on, r.id)
        .limit(limit)
    )
    return [(str(a), masked(str(b))) for a, b in session.execute(stmt)]


def leading_group_head(session: Session, as_of: dt.date) -> tuple[str, str] | None:
    """(name, section) of the leading group's head (组长) on the roster, if one is named."""
    from sqlalchemy import select

    from sanlian.reports.common import on_roster, tables

    t = tables(as_of)
    c, s = t.cadre.c, t.section.c
    stmt = (
        select(c.name, s.name)
        .select_from(t.cadre.join(t.section, s.id == c.section_id))
        .where(c.role == "head", on_roster(t, as_of))
        .order_by(c.id)
        .limit(1)
    )
    row = session.execute(stmt).first()
    return (str(row[0]), str(row[1])) if row else None
