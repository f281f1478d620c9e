"""What every report shares: the period counted, the tables, and the SQL conditions.

A report counts records dated inside a :class:`Period` (both ends inclusive) and judges states
(open, overdue, on the roster) on its ``as_of`` day. The self-inspection's period is 1 January
of the campaign year to the earlier of 31 December and the as-of date.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    from sqlalchemy import ColumnElement, Table
    from sqlmodel import Session

    from sanlian.services.campaign import CampaignView

OFFICE = "领导小组办公室"
BUREAU = "局机关"


@dataclass(frozen=True, slots=True)
class Records:
    """Records for JSON: the list of dicts with ``keys`` holding each of ``rows`` in turn,
    given as the rows, or as ``columns`` (one sequence of values per key, all as long), not
    made dicts only to be written (``supervise`` at city scale: 71,000 alerts;
    ``output.iter_json`` writes them as it writes the dicts, a column at a time)."""

    keys: tuple[str, ...]
    rows: Sequence[tuple[Any, ...]] = ()
    columns: Sequence[Sequence[Any]] | None = None

    def row_values(self) -> Sequence[tuple[Any, ...]]:
        """The rows, whichever way they were given."""
        return self.rows if self.columns is None else list(zip(*self.columns, strict=True))

    def column_values(self) -> Sequence[Sequence[Any]]:
        """The columns, one per key, whichever way they were given."""
        if self.columns is not None:
            return self.columns
        return list(zip(*self.rows, strict=True)) if self.rows else [() for _ in self.keys]

    def __len__(self) -> int:
        if self.columns is None:
            return len(self.rows)
        return len(self.columns[0]) if self.columns else 0

    def as_list(self) -> list[dict[str, Any]]:
        return [dict(zip(self.keys, row, strict=True)) for row in self.row_values()]


@dataclass(frozen=True)
class Period:
    """Records dated ``start``–``end`` (inclusive) are counted; states are judged on ``as_of``."""

    year: int
    start: dt.date
    end: dt.date
    as_of: dt.date

    @property
    def july_first(self) -> dt.date:
        return dt.date(self.year, 7, 1)

    @property
    def days(self) -> int:
        return max((self.end - self.start).days + 1, 0)

    @classmethod
    def of_year(cls, year: int, as_of: dt.date) -> Period:
        """The campaign year up to ``as_of``: records after the as-of date are not counted."""
        return cls(year, dt.date(year, 1, 1), min(dt.date(year, 12, 31), as_of), as_of)


@dataclass(frozen=True)
class Tables:
    campaign: Table
    phase: Table
    section: Table
    cadre: Table
    community: Table
    enterprise: Table
    household: Table
    link: Table
    visit: Table
    visit_cadre: Table
    problem: Any  # the problem table, or the same columns as they stood on an as-of day
    problem_step: Table
    step_measure: Table
    activity: Table
    activity_cadre: Table
    research: Table


def tables(as_of: dt.date | None = None, session: Session | None = None) -> Tables:
    """The Core tables of the models (typed columns for SQL expressions).

    With ``as_of``, ``problem`` is the problem table as it stood at the end of that day: the
    status, the resolved/closed dates, the due date and the last step's date are read from
    the timeline's steps dated up to then (a later reopen, extension or resolution does not
    reach back), so every report judges a past day by what was true on it. Given the
    ``session``, that is the stored table itself when no problem has a step after that day
    (a report about today): it stood then as it stands now.
    """
    from sanlian.db.tables import metadata

    md = metadata.tables
    found = {name: md[name] for name in Tables.__dataclass_fields__}
    if as_of is not None and (session is None or _stepped_after(session, as_of)):
        handovers = session is None or handed_over(session)
        found["problem"] = problem_as_of(md["problem"], md["problem_step"], as_of, handovers)
    return Tables(**found)


def _stepped_after(session: Session, as_of: dt.date) -> bool:
    """Whether a problem has a step dated after ``as_of`` (asked once per session and day:
    reports only read)."""
    problem = _table("problem").c
    return _any(session, ("sanlian.stepped_after", as_of), problem.last_step_on > as_of)


def _any(session: Session, key: Any, condition: Any) -> bool:
    """Whether a row meets ``condition``, asked once per session (kept under ``key`` in its
    ``info``: reports only read). ``EXISTS (SELECT 1 …)``, not ``SELECT *``: for the latter
    SQLite's planner reads the whole table rather than an index that holds the column (the
    problem steps' owners at city scale: 0.1–0.3 s instead of nothing)."""
    from sqlalchemy import literal_column, select

    if key not in session.info:
        found = select(literal_column("1")).where(condition).exists()
        session.info[key] = bool(session.execute(select(found)).scalar())
    return bool(session.info[key])


# the status a step leaves (a handover, a progress step with an owner, leaves it as it was)
STATUS_AFTER = {
    "raise": "pending",
    "progress": "in_progress",
    "reopen": "in_progress",
    "resolve": "resolved",
    "close": "unresolvable",
}


@functools.lru_cache(maxsize=16)
def problem_as_of(problem: Table, step: Table, as_of: dt.date, handovers: bool = True) -> Any:
    """``problem`` with its changing columns as they stood at the end of ``as_of``, its owner
    too (``owner_on``; the stored one where no problem was ever handed over: not ``handovers``).

    A problem whose latest step is dated on or before ``as_of`` stood then as it stands now:
    the services refuse a step dated before the latest one, so its stored columns are what
    its steps up to ``as_of`` give. Only the problems with a later step (none when the report
    is about today) have their columns computed from the steps dated up to then. The two
    parts are one ``UNION ALL``, so a report counts every problem once without looking up
    each problem's steps.

    Kept for the next report of the same day (SQLAlchemy's statements never change once
    built): a briefing asked for it a dozen times, ≈ 0.7 ms each, in the shell every time.
    """
    from sqlalchemy import case, func, not_, select, union_all

    from sanlian.services.problems import is_handover

    p, s = problem.c, step.c

    def latest(column: Any, kinds: tuple[str, ...], *more: Any) -> Any:
        return (
            select(column)
            .where(s.problem_id == p.id, s.kind.in_(kinds), s.step_on <= as_of, *more)
            .order_by(s.step_on.desc(), s.id.desc())
            .limit(1)
            .scalar_subquery()
        )

    status_kinds = tuple(STATUS_AFTER)
    moved = not_(is_handover(s))  # a handover leaves the status as it was
    last_kind = latest(s.kind, status_kinds, moved)
    last_on = latest(s.step_on, status_kinds, moved)
    status = case(STATUS_AFTER, value=last_kind, else_=p.status)
    changing = ("status", "resolved_on", "closed_on", "due_on", "last_step_on", "owner_id")
    kept = [c for c in p if c.name not in changing]
    last_step = (
        select(func.max(s.step_on))
        .where(s.problem_id == p.id, s.step_on <= as_of)
        .scalar_subquery()
    )
    current = select(*kept, *(p[name] for name in changing)).where(p.last_step_on <= as_of)
    past = select(
        *kept,
        status.label("status"),
        case((last_kind == "resolve", last_on), else_=None).label("resolved_on"),
        case((last_kind == "close", last_on), else_=None).label("closed_on"),
        func.coalesce(latest(s.due_on, ("raise", "extend")), p.due_on).label("due_on"),
        func.coalesce(last_step, p.raised_on).label("last_step_on"),
        (owner_on(p, step, as_of) if handovers else p.owner_id).label("owner_id"),
    ).where(p.last_step_on > as_of)
    return union_all(current, past).subquery("problem")


def handed_over(session: Session) -> bool:
    """Whether any problem was ever handed to another cadre (asked once per session)."""
    step = _table("problem_step").c
    return _any(session, "sanlian.handed_over", step.owner_id.is_not(None))


def cadre_label(cadre: Any, section: Any, among: Any = None) -> Any:
    """A cadre as a report names them (SQL): the name, with the section where another cadre
    has the same name (``张伟（办公室）``), and the number too where the namesake is in the
    same section (``张伟（综合科，编号 4）``) — lists without section groups (the brief, the
    self-inspection report) named two people 张伟、张伟. ``among``: the names that may be
    asked about (a query of them), where not every one (``namesake_labels``)."""
    from sqlalchemy import String, case, cast

    every = _table("cadre")
    return case(
        (
            cadre.name.in_(_shared(every, "section_id", among=among)),
            cadre.name + "（" + section.name + "，编号 " + cast(cadre.id, String) + "）",
        ),
        (cadre.name.in_(_shared(every, among=among)), cadre.name + "（" + section.name + "）"),
        else_=cadre.name,
    )


def _table(name: str) -> Any:
    from sanlian.db.tables import metadata

    return metadata.tables[name]


def _shared(table: Any, *within: str, among: Any = None) -> Any:
    """The names borne by more than one record of ``table`` (retired ones too, as a name on
    an older record is still read), or, with ``within``, by more than one record of the same
    ``within`` columns: one ``GROUP BY … HAVING`` that the database runs once per statement
    (an uncorrelated ``IN``), not per row. ``among``: of these names only (a query of them)."""
    from sqlalchemy import func, select

    every = _namesake_alias(table, within)
    keys = [every.c.name, *(every.c[c] for c in within)]
    stmt = select(every.c.name)
    if among is not None:  # a few records' names: their namesakes found by the name index
        stmt = stmt.where(every.c.name.in_(among))
    if within:  # of the names shared at all (by the name index): fewer rows to sort
        stmt = stmt.where(every.c.name.in_(_shared(table, among=among)))
    return stmt.group_by(*keys).having(func.count() > 1)


@functools.cache
def _namesake_alias(table: Any, within: tuple[str, ...]) -> Any:
    """The alias ``_shared`` reads ``table`` through, made once per table and grouping (an
    alias builds its columns anew each time: 24 of them took ≈ 5 ms of a ``visit add``). A
    grouping's query holds the plain one's inside it, so the two are distinct aliases (the
    same one in both would make SQLAlchemy correlate the inner query to the outer)."""
    return table.alias(f"{table.name}_namesake")


def household_label(household: Any, community: Any, among: Any = None) -> Any:
    """A household as a report names it (SQL; ``household``/``community``: the columns of the
    household and of its own community): the head's name, with the community where another
    household bears the same name (``王秀英（和平社区）``), and the number too where the
    namesake is in the same community (``王秀英（和平社区，编号 4）``) — as ``cadre_label``
    tells cadres apart; two problems of two 王秀英 read as one sentence written twice."""
    from sqlalchemy import String, case, cast

    table = _table("household")
    h = household
    return case(
        (
            h.name.in_(_shared(table, "community_id", among=among)),
            h.name + "（" + community.name + "，编号 " + cast(h.id, String) + "）",
        ),
        (h.name.in_(_shared(table, among=among)), h.name + "（" + community.name + "）"),
        else_=h.name,
    )


def community_label(community: Any, among: Any = None) -> Any:
    """A community as a report names it (SQL): the name, with the township where another
    community bears the same name (``幸福社区（城关镇）``), and the number where the township
    does not tell them apart (none written, or the same: ``幸福社区（编号 3）``)."""
    from sqlalchemy import String, and_, case, cast, func, or_

    table = _table("community")
    c = community
    shared = c.name.in_(_shared(table, among=among))
    return case(
        (
            and_(shared, or_(c.town.is_(None), c.name.in_(_shared(table, "town", among=among)))),
            c.name + "（" + func.coalesce(c.town + "，", "") + "编号 " + cast(c.id, String) + "）",
        ),
        (shared, c.name + "（" + c.town + "）"),
        else_=c.name,
    )


def enterprise_label(enterprise: Any, among: Any = None) -> Any:
    """An enterprise as a report names it (SQL): the name, with the number where another
    enterprise bears the same name (one registered anew beside a removed one:
    ``兴华机械厂（编号 5）``)."""
    from sqlalchemy import String, case, cast

    table = _table("enterprise")
    e = enterprise
    return case(
        (e.name.in_(_shared(table, among=among)), e.name + "（编号 " + cast(e.id, String) + "）"),
        else_=e.name,
    )


# rows of a listing labelled a part at a time by their own namesakes' labels (``namesake_labels``
# with ids), after which every namesake's label is read once (a city's: ≈ 0.17 s; a part's: a
# few ms): ``visits.iter_listing``, ``problem list`` to a file or pipe
LABELS_READ_WHOLE = 4_000


def namesake_labels(
    session: Session, kind: str, ids: Iterable[int] | None = None
) -> dict[int, str]:
    """``{id: label}`` of the cadres, households, communities or enterprises (``kind``; with
    ``ids``, of those numbers only) that have a namesake, labelled as the reports label them
    (``cadre_label``, ``household_label`` …; ``named_as`` for every one of them: the names
    shared read once a session, ``namesakes``); the others are named by their names alone."""
    from sqlalchemy import select

    table = _table(kind)
    c = table.c

    def labels(among: Any) -> dict[int, str]:
        if kind == "cadre":
            section = _table("section")
            label = cadre_label(c, section.c, among)
            source: Any = table.join(section, section.c.id == c.section_id)
        elif kind == "household":
            community = _table("community")
            label = household_label(c, community.c, among)
            source = table.join(community, community.c.id == c.community_id)
        else:
            named = community_label if kind == "community" else enterprise_label
            label, source = named(c, among), table
        stmt = (
            select(c.id, label)
            .select_from(source)
            .where(c.name.in_(_shared(table, among=among)), c.name.in_(among))
        )
        return {int(i): str(text) for i, text in session.execute(stmt)}

    if ids is None:  # every one: the names shared read once, the labels made here
        sakes = namesakes(session, kind)
        if not sakes.shared:
            return {}
        place, source = _place(kind)
        stmt = select(c.id, c.name, place).select_from(source)
        stmt = stmt.where(c.name.in_(_shared(table)))
        return {int(i): named_as(kind, sakes, n, int(i), p) for i, n, p in session.execute(stmt)}
    out: dict[int, str] = {}
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return out
    # a few records' labels, kept in the session until it writes: a message and the record
    # shown name the same cadres and target several times (a ``visit add``: 4 queries, ≈ 10 ms)
    key = ("sanlian.labels", kind, tuple(wanted))
    kept = session.info.get(key) if len(wanted) <= KEPT_LABELS else None
    # (a record a label reads changed and not flushed yet: read, as the query flushes it first)
    if kept is not None and not _pending(session, _LABEL_TABLES[kind]):
        return dict(kept)
    asked = table.alias(f"{kind}_asked")
    for start in range(0, len(wanted), 500):  # well under SQLite's limit on bound parameters
        part = wanted[start : start + 500]
        found = labels(select(asked.c.name).where(asked.c.id.in_(part)))
        out.update((i, found[i]) for i in part if i in found)
    if len(wanted) <= KEPT_LABELS:
        _forget_on_write(session)
        session.info[key] = dict(out)
    return out


KEPT_LABELS = 50  # records whose labels ``namesake_labels`` keeps for the session, at most
# the tables a kind's labels read (its places' names too)
_LABEL_TABLES = {
    "cadre": frozenset({"cadre", "section"}),
    "household": frozenset({"household", "community"}),
    "community": frozenset({"community"}),
    "enterprise": frozenset({"enterprise"}),
}


def _pending(session: Session, tables: frozenset[str]) -> bool:
    """Whether a record of ``tables`` is added, changed or deleted in ``session`` and not
    flushed yet (the changed ones only are looked at, not every record it holds)."""
    import itertools

    changed = itertools.chain(session.new, session.dirty, session.deleted)
    return any(getattr(r, "__tablename__", None) in tables for r in changed)


# where a namesake is: the column of its place that ``namesakes`` groups by
_WITHIN = {"cadre": "section_id", "household": "community_id", "community": "town"}


@dataclass(frozen=True)
class Namesakes:
    """The names borne by more than one record of a kind (``shared``), and of those the ones
    borne by more than one record in one place (``alike``: one section, community, township),
    which ``cadre_label``, ``household_label`` and ``community_label`` number too."""

    shared: frozenset[str]
    alike: frozenset[str]


def namesakes(session: Session, kind: str) -> Namesakes:
    """The ``Namesakes`` of ``kind`` (cadre, household, community or enterprise): one
    ``GROUP BY name`` over the names shared (≈ 0.1 s for a city's 100,000 households), read
    once a session and kept in its ``info`` — until the session writes (a flush forgets it):
    the reports ask for them again and again (a brief reads its problems four times).

    A name is ``alike`` where its records lie in fewer places than they are (an empty place
    counted as one, as ``GROUP BY`` groups them): two of them in one place."""
    from sqlalchemy import case, false, func, select

    key = ("sanlian.namesakes", kind)
    found = session.info.get(key)
    if found is None:
        _forget_on_write(session)
        table = _table(kind)
        c = table.c
        within = _WITHIN.get(kind)
        if within is None:
            stmt: Any = select(c.name, false()).group_by(c.name).having(func.count() > 1)
        else:
            place = c[within]
            places = func.count(place.distinct()) + func.max(case((place.is_(None), 1), else_=0))
            stmt = (
                select(c.name, places < func.count())
                .where(c.name.in_(_shared(table)))
                .group_by(c.name)
            )
        rows = session.execute(stmt).all()
        found = Namesakes(
            frozenset(str(n) for n, _ in rows), frozenset(str(n) for n, two in rows if two)
        )
        session.info[key] = found
    assert isinstance(found, Namesakes)
    return found


def targets_shared(session: Session) -> dict[Any, Namesakes]:
    """The ``namesakes`` of the kinds a problem or visit names (communities, enterprises,
    households), read now, as the session's ``info`` keeps them: for a forked reader of the
    same state to start with (``supervise._forked``)."""
    for kind in TARGET_KINDS:
        namesakes(session, kind)
    return {k: session.info[k] for k in [("sanlian.namesakes", kind) for kind in TARGET_KINDS]}


TARGET_KINDS = ("community", "enterprise", "household")


_KEPT = ("sanlian.namesakes", "sanlian.labels")  # what a session forgets when it writes


def _forget_on_write(session: Session) -> None:
    """Make ``session`` forget the namesakes and labels it kept once it writes: a flush, a
    statement that is not a query run through it (``update()``, ``delete()``, text), or a
    rollback (of a savepoint too: what was read after its flush is undone). Not seen: a
    statement run on ``session.connection()`` itself (the journal's undo, an import's rows),
    which no command follows with labels in the same session."""
    from sqlalchemy import event

    from sanlian.db.engine import Reader

    if isinstance(session, Reader):  # a report's: it never writes
        return
    if not event.contains(session, "after_flush", _forget_namesakes):
        event.listen(session, "after_flush", _forget_namesakes)
        event.listen(session, "after_soft_rollback", _forget_namesakes)
        event.listen(session, "do_orm_execute", _forget_after_statement)


def _forget_after_statement(state: Any) -> None:
    if not state.is_select:
        _forget_namesakes(state.session)


def _forget_namesakes(session: Session, *_: Any) -> None:
    for key in [k for k in session.info if isinstance(k, tuple) and k[0] in _KEPT]:
        del session.info[key]


def _place(kind: str) -> tuple[Any, Any]:
    """The column naming a record's place as its label says it (the section's name, the
    community's, the township), and the records joined to it."""
    table = _table(kind)
    c = table.c
    if kind == "cadre":
        section = _table("section")
        return section.c.name, table.join(section, section.c.id == c.section_id)
    if kind == "household":
        community = _table("community")
        return community.c.name, table.join(community, community.c.id == c.community_id)
    if kind == "community":
        return c.town, table
    from sqlalchemy import null

    return null(), table


def named_as(kind: str, sakes: Namesakes, name: str, number: int, place: str | None) -> str:
    """A record as the reports name it, in Python (the same words as ``cadre_label``,
    ``household_label``, ``community_label`` and ``enterprise_label`` make in SQL): ``name``
    where no other record bears it, else told apart by its ``place`` (the section's name, the
    community's, the township) and, where that does not, its ``number``."""
    if name not in sakes.shared:
        return name
    if kind == "enterprise":
        return f"{name}（编号 {number}）"
    if kind == "community":
        if place is None or name in sakes.alike:
            return f"{name}（{'' if place is None else place + '，'}编号 {number}）"
        return f"{name}（{place}）"
    if place is None:  # (no section, no community: SQL's label is empty, the name is said)
        return name
    if name in sakes.alike:
        return f"{name}（{place}，编号 {number}）"
    return f"{name}（{place}）"


def aside(name: str, words: str) -> str:
    """``name`` with ``words`` said beside it in parentheses (``张伟（已停用，待改派）``): a
    namesake's label keeps one pair, the words after its place (``张伟（企业科，已停用，待改派）``,
    not ``张伟（企业科）（已停用，待改派）``)."""
    if name.endswith("）") and "（" in name:
        return f"{name[:-1]}，{words}）"
    return f"{name}（{words}）"


class TargetNames:
    """The community, enterprise or household a problem names, as a report names it
    (``named_as``), made in Python from the plain name the query reads: only a name in
    ``shared`` (of any of the three kinds) needs ``__call__``. Built once a query: the names
    shared are the session's (``namesakes``), the communities' names read here (a few
    hundred) where households share names."""

    def __init__(self, session: Session) -> None:
        from sqlalchemy import select

        self.kinds = {k: namesakes(session, k) for k in TARGET_KINDS}
        self.shared: frozenset[str] = frozenset().union(*(s.shared for s in self.kinds.values()))
        households = self.kinds["household"]
        self._households, self._alike = households.shared, households.alike
        self._homes: dict[Any, str] = {}
        if households.shared:
            c = _table("community").c
            self._homes = {i: str(n) for i, n in session.execute(select(c.id, c.name))}

    def __call__(
        self, kind: str, name: str, number: int, town: str | None, home: int | None
    ) -> str:
        """``name`` of the record ``number`` of ``kind``; ``town``: a community's township,
        ``home``: a household's community (its number). (Called for tens of thousands of
        rows of a city's ledger: the households' case is written out.)"""
        if kind == "household":
            if name not in self._households:
                return name
            place = self._homes.get(home)
            if place is None:  # (as ``named_as``)
                return name
            if name in self._alike:
                return f"{name}（{place}，编号 {number}）"
            return f"{name}（{place}）"
        sakes = self.kinds.get(kind)
        return name if sakes is None else named_as(kind, sakes, name, number, town)


def standing(session: Session, step: Any, problem: Any, as_of: dt.date) -> Any:
    """Whether a resolve step (``step``: its columns; one on or before ``as_of``) counts at the
    end of ``as_of``: its problem is resolved then. A resolution reopened is withdrawn — its
    money and measures count again only once the problem is resolved again (then with the new
    resolution's), not while it is open or after it was closed as unresolvable. ``problem``:
    the stored problem's columns; the steps are looked up only for a problem with a step after
    the as-of day (and not at all when none has one)."""
    from sqlalchemy import and_, or_, select

    # (the status through no index: the steps are read first, each one's problem by its key)
    resolved = unindexed(problem.status == "resolved", problem.status)
    if not _stepped_after(session, as_of):  # the stored state is the state on the as-of day
        return resolved

    r = _table("problem_step").alias("settling").c
    last_settling = (
        select(r.kind)
        .where(
            r.problem_id == step.problem_id,
            r.kind.in_(("resolve", "reopen", "close")),
            r.step_on <= as_of,
        )
        .order_by(r.step_on.desc(), r.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return or_(
        and_(problem.last_step_on <= as_of, resolved),
        and_(problem.last_step_on > as_of, last_settling == "resolve"),
    )


def owner_on(problem: Any, step: Table, day: Any) -> Any:
    """The owner of each problem (``problem``: its columns) at the end of ``day`` (a date, or
    a date column): the one the first handover after that day took it from (0 for nobody,
    made ``NULL``), else its owner now. A handover is dated: the new owner has the problem
    from that day on. Its steps are looked up only for a problem with a step after the day
    (a handover is a step): most of a year's resolutions are their problem's last step."""
    from sqlalchemy import case, func, select

    h = step.alias("handover").c
    then = (
        select(func.coalesce(h.previous_owner_id, 0))
        .where(h.problem_id == problem.id, h.owner_id.is_not(None), h.step_on > day)
        .order_by(h.step_on, h.id)
        .limit(1)
        .scalar_subquery()
    )
    owner = func.nullif(func.coalesce(then, problem.owner_id), 0)
    return case((problem.last_step_on > day, owner), else_=problem.owner_id)


def default_as_of(today: dt.date, year: int) -> dt.date:
    """Today, but not later than the end of the campaign year asked for."""
    return min(today, dt.date(year, 12, 31))


def load_campaign(
    session: Session, *, today: dt.date, year: int | None, as_of: dt.date | None
) -> tuple[CampaignView, dt.date]:
    """The campaign a report is about, and its as-of date.

    Without ``--year`` the as-of date's year is taken when it has a campaign; without
    ``--as-of`` the date is today, kept inside the campaign year.
    """
    from sanlian.services import campaign

    if year is None and as_of is not None and as_of.year in campaign.years(session):
        year = as_of.year
    view = campaign.read(session, today=today, year=year)
    if as_of is None:
        as_of = default_as_of(today, view.campaign.year)
    return view, as_of


# --- SQL conditions -------------------------------------------------------------------------


def between(column: Any, start: dt.date, end: dt.date) -> ColumnElement[bool]:
    from sqlalchemy import and_

    return and_(column >= start, column <= end)


# A date range at least this long holds most of a year's rows: it is read by scanning the table.
SCAN_DAYS = 62


def spanning(column: Any, start: dt.date, end: dt.date) -> ColumnElement[bool]:
    """``column`` between ``start`` and ``end`` (inclusive), for a table read whole.

    Over a long range (a year's report) nearly every row qualifies, and walking the date
    index to fetch each row by its id costs far more than reading the table straight
    through (1,000,000 visits: 6.2 s against 0.4 s). Comparing the column through an
    expression keeps the planner off the index there; a short range (a week's briefing)
    still uses it.
    """
    from sqlalchemy import func

    if (end - start).days >= SCAN_DAYS:
        column = func.coalesce(column, column)
    return between(column, start, end)


def link_active_in(t: Tables, start: dt.date, end: dt.date) -> ColumnElement[bool]:
    """A link active on at least one day of ``start``–``end`` (``end_on`` is inclusive)."""
    from sqlalchemy import and_, or_

    link = t.link.c
    return and_(link.start_on <= end, or_(link.end_on.is_(None), link.end_on >= start))


def on_roster(t: Tables, as_of: dt.date) -> ColumnElement[bool]:
    """A cadre not retired on ``as_of`` (``retired_on`` is the first day off the roster)."""
    from sqlalchemy import or_

    c = t.cadre.c
    return or_(c.retired_on.is_(None), c.retired_on > as_of)


def problem_open(t: Tables, as_of: dt.date) -> ColumnElement[bool]:
    """Raised by ``as_of`` and neither resolved nor closed by then."""
    from sqlalchemy import and_, or_

    p = t.problem.c
    return and_(
        p.raised_on <= as_of,
        or_(
            p.status.in_(("pending", "in_progress")),
            and_(p.status == "resolved", p.resolved_on > as_of),
            and_(p.status == "unresolvable", p.closed_on > as_of),
        ),
    )


def unindexed(clause: Any, *columns: Any) -> Any:
    """``clause`` with each of ``columns`` compared as ``coalesce(column, column)``: the same
    values, through no index."""
    from sqlalchemy import func
    from sqlalchemy.sql.visitors import replacement_traverse

    swap: dict[int, Any] = {id(c): func.coalesce(c, c) for c in columns}

    def replace(element: Any, **_: Any) -> Any:
        return swap.get(id(element))

    return replacement_traverse(clause, {}, replace)


def has_diary(diary: Any) -> ColumnElement[bool]:
    from sqlalchemy import and_, func

    return and_(diary.is_not(None), func.trim(diary) != "")


def sections_in(session: Session, t: Tables, period: Period) -> list[tuple[int, str]]:
    """Sections that were not retired before the period began, in their listing order."""
    from sqlalchemy import or_, select

    s = t.section.c
    stmt = (
        select(s.id, s.name)
        .where(or_(s.retired_on.is_(None), s.retired_on >= period.start))
        .order_by(s.id)
    )
    return [(int(r[0]), str(r[1])) for r in session.execute(stmt)]


# --- values ---------------------------------------------------------------------------------


def yuan(fen: int | None) -> Decimal:
    """Integer fen as exact yuan with two decimals."""
    return (Decimal(fen or 0) / 100).quantize(Decimal("0.01"))


def yuan_text(fen: int | None) -> str:
    return f"{yuan(fen):.2f}"


def zh_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def md_date(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def visits_at_least(session: Session, period: Period, least: int) -> bool:
    """Whether ``period`` holds ``least`` visits or more (summed from the day tallies of
    ``visit_day``; asked once a session: ``selfcheck -o`` asks for its workbook and for its
    figures)."""
    from sqlalchemy import func, select

    key = ("sanlian.visits_at_least", period, least)
    if key not in session.info:
        days = _table("visit_day").c
        counted = select(func.coalesce(func.sum(days.visits), 0)).where(
            between(days.visited_on, period.start, period.end)
        )
        session.info[key] = int(session.execute(counted).scalar_one()) >= least
    return bool(session.info[key])


def forked_reader(session: Session, period: Period, env: str, least: int) -> Path | None:
    """The file a forked reader may read beside ``session`` (``engine.second_reader``) when
    one is worth it: ``fork`` and a second core, a process of one thread (a lock another
    thread held at the fork would leave the child waiting for ever), and ``least`` visits or
    more in ``period`` (the environment variable ``env``, a test hook, may say another number;
    0: never). Else ``None``."""
    import os
    import threading

    from sanlian.db.engine import second_reader
    from sanlian.forking import can_fork

    forced = os.environ.get(env)
    least = int(forced) if forced else least
    if least <= 0 or not can_fork() or threading.active_count() > 1:
        return None
    location = second_reader(session)
    if location is None or not visits_at_least(session, period, least):
        return None
    return location
