"""The problem and visit ledgers as ``reports/ledgers.py`` read them before they were rewritten
for speed (main at 33d6899, kept verbatim but for yielding plain tuples of the same fields):
the reference the new statements are compared with, row for row, in ``test_ledger_rows``.

The visit ledger there: the visits joined to their community, enterprise or household, walked
by date; each visit's cadres from a second query in the same order. The problem ledger: the
as-of view of the problem table (``common.tables(as_of)`` without a session: always the
``UNION ALL``), its measures by a query per batch of problems.
"""

# ruff: noqa
# mypy: ignore-errors

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from sanlian.reports.common import Period, Tables
from sanlian.reports.ledgers import _date, _state


def _target_name(t: Tables) -> Any:
    from sqlalchemy import func

    return func.coalesce(t.community.c.name, t.enterprise.c.name, t.household.c.name)


def _with_targets(t: Tables, src: Any, table: Any) -> Any:
    """``table`` outer-joined to the community, enterprise and household it names."""
    return (
        table.outerjoin(t.community, t.community.c.id == src.community_id)
        .outerjoin(t.enterprise, t.enterprise.c.id == src.enterprise_id)
        .outerjoin(t.household, t.household.c.id == src.household_id)
    )


def iter_problem_rows(
    session: Session,
    period: Period,
    *,
    only_resolved: bool = False,
    conflicts: bool | None = None,
    limit: int | None = None,
) -> Iterator[tuple[Any, ...]]:
    """The problem ledger: raised in the period, settled in it, or still open on the as-of day.

    With ``only_resolved``: problems resolved in the period, conflicts first, then the largest
    sums, then the latest (the examples a report quotes).
    """
    from sqlalchemy import and_, func, or_, select

    from sanlian.reports.common import between, problem_open, tables

    t = tables(period.as_of)
    pr, c, s, st = t.problem.c, t.cadre.c, t.section.c, t.problem_step.c
    p = period
    money = (
        select(
            st.problem_id.label("pid"),
            func.coalesce(func.sum(st.amount_fen), 0).label("fen"),
            func.max(st.id).label("last_step"),
        )
        .where(st.kind == "resolve", st.step_on <= p.as_of)
        .group_by(st.problem_id)
        .subquery()
    )
    last = t.problem_step.alias("last_resolve")
    source = (
        _with_targets(t, pr, t.problem)
        .outerjoin(t.cadre, c.id == pr.owner_id)
        .outerjoin(t.section, s.id == c.section_id)
        .outerjoin(money, money.c.pid == pr.id)
        .outerjoin(last, last.c.id == money.c.last_step)
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
        c.name.label("owner"),
        s.name.label("section"),
        pr.status,
        pr.due_on,
        pr.resolved_on,
        pr.closed_on,
        pr.last_step_on,
        last.c.note.label("how"),
        func.coalesce(money.c.fen, 0).label("fen"),
    ).select_from(source)
    if only_resolved:
        stmt = stmt.where(resolved).order_by(
            pr.is_conflict.desc(), func.coalesce(money.c.fen, 0).desc(), pr.resolved_on.desc()
        )
    else:
        stmt = stmt.where(
            pr.raised_on <= p.as_of,
            or_(
                between(pr.raised_on, p.start, p.end),
                resolved,
                and_(pr.status == "unresolvable", between(pr.closed_on, p.start, p.end)),
                problem_open(t, p.as_of),
            ),
        ).order_by(pr.raised_on, pr.id)
    if conflicts is not None:
        stmt = stmt.where(pr.is_conflict.is_(conflicts))
    if limit is not None:
        stmt = stmt.limit(limit)
    result = session.execute(stmt, execution_options={"yield_per": 2000})
    for rows in result.partitions():  # read as it is used, the measures a batch at a time
        yield from _problem_batch(session, t, rows, p.as_of)


def _problem_batch(
    session: Session, t: Tables, rows: Sequence[Any], as_of: dt.date
) -> list[tuple[Any, ...]]:
    measures = _measures(session, t, [row[0] for row in rows], as_of)
    out = []
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
    ) in rows:  # unpacked and built by position: 200,000 rows at city scale
        resolved, closed, due = _date(resolved_on), _date(closed_on), _date(due_on)
        assert due is not None
        state = _state(status, resolved, closed, as_of)
        if state in ("pending", "in_progress"):
            overdue = (as_of - due).days
        else:
            finished = resolved if state == "resolved" else closed
            overdue = (finished - due).days if finished is not None else 0
        out.append(
            (
                pid,
                _date(raised_on),  # type: ignore[arg-type]
                target_kind,
                target or "",
                category,
                text,
                bool(is_conflict),
                owner,
                section,
                status,
                state,
                due,
                max(overdue, 0),
                resolved,
                closed,
                _date(last_step_on),  # type: ignore[arg-type]
                how,
                int(fen or 0),
                tuple(measures.get(pid, ())),
            )
        )
    return out


def _measures(
    session: Session, t: Tables, problem_ids: list[int], as_of: dt.date
) -> dict[int, list[str]]:
    from sqlalchemy import select

    from sanlian.i18n.labels import MEASURE

    if not problem_ids:
        return {}
    st, m = t.problem_step.c, t.step_measure.c
    stmt = (
        select(st.problem_id, m.measure)
        .select_from(t.step_measure.join(t.problem_step, st.id == m.step_id))
        .where(st.kind == "resolve", st.step_on <= as_of, st.problem_id.in_(problem_ids))
        .distinct()
    )
    order = {k: i for i, k in enumerate(MEASURE)}
    out: dict[int, list[str]] = defaultdict(list)
    for pid, measure in session.execute(stmt):
        out[pid].append(measure)
    for values in out.values():
        values.sort(key=lambda k: order.get(k, len(order)))
    return out


# --- visits ---------------------------------------------------------------------------------


def iter_visit_rows(session: Session, period: Period) -> Iterator[tuple[Any, ...]]:
    """The visit ledger of the period, by date, read as it is used: the visits and their cadres
    come from two queries in the same order, walked side by side (a million visits at city
    scale are never all in memory)."""
    from sqlalchemy import select

    from sanlian.reports.common import between, tables

    t = tables(period.as_of)
    v, vc, c = t.visit.c, t.visit_cadre.c, t.cadre.c
    in_period = between(v.visited_on, period.start, period.end)
    stmt = (
        select(
            v.id,
            v.visited_on,
            v.target_kind,
            _target_name(t).label("target"),
            v.form,
            v.cards,
            v.diary,
            v.note,
        )
        .select_from(_with_targets(t, v, t.visit))
        .where(in_period)
        .order_by(v.visited_on, v.id)
    )
    who = (
        select(vc.visit_id, c.name)
        .select_from(
            t.visit_cadre.join(t.cadre, c.id == vc.cadre_id).join(t.visit, v.id == vc.visit_id)
        )
        .where(in_period)
        .order_by(v.visited_on, vc.visit_id, c.id)
    )
    stream = {"yield_per": 5000}
    pairs = iter(session.execute(who, execution_options=stream))
    cadre_of: Any
    name: Any
    cadre_of, name = next(pairs, (None, None))
    date = dt.date
    # rows unpacked and built by position: a million of them, each attribute look-up counts
    for vid, day, kind, target, form, cards, diary, note in session.execute(
        stmt, execution_options=stream
    ):
        names: list[str] = []
        while cadre_of == vid:
            names.append(name)
            cadre_of, name = next(pairs, (None, None))
        yield (
            vid,
            day if type(day) is date else _date(day),  # type: ignore[arg-type]
            kind,
            target or "",
            form,
            tuple(names),
            cards or 0,
            diary,
            note,
        )
