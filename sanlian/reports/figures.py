"""The self-inspection figures (DESIGN.md, "Self-inspection figures"), counted by SQL aggregates.

Every figure is one aggregate query over the period, run once for the whole bureau and once
grouped by section. A section's figures: its own cadres (cadres, research, owned problems,
money and measures of its cadres' resolutions), its links (a community link's own section, a
cadre's link by the cadre's section), and the visits and activities its cadres went to (each
counted once per section however many of its cadres went; an activity also counts for the
section that organised it).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sanlian.i18n.labels import EIGHT_ONES, MEASURE, PARTY_MEMBERS
from sanlian.reports.common import Period, Tables, yuan, yuan_text

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement, FromClause
    from sqlmodel import Session

    from sanlian.db.models import Campaign

# The DESIGN keys, in the order of its table, with the labels users read.
FIGURE_LABELS: dict[str, str] = {
    "cadres_total": "在册干部",
    "party_members": "党员",
    "cadres_participating": "参与干部",
    "communities_linked": "联系社区(村)",
    "enterprises_linked": "联系企业",
    "households_paired": "结对户",
    "visits": "走访次数",
    "visits_community": "走访社区(村)",
    "visits_enterprise": "走访企业",
    "visits_household": "走访联系户",
    "visit_person_times": "走访人次",
    "contact_cards": "联系卡",
    "diaries": "民情日记",
    "problems_raised": "收集问题",
    "problems_resolved": "已解决",
    "problems_unresolvable": "无法解决",
    "problems_open": "未办结",
    "problems_overdue": "超期",
    "conflicts_raised": "矛盾纠纷",
    "conflicts_resolved": "已化解",
    "research_reports": "调研报告",
    "cadres_with_research": "撰写干部",
    "education_sessions": "专题教育",
    "org_life_sessions": "组织生活",
    "org_life_before_july": "七一前组织生活",
    "civility_actions": "文明行动",
    "exchanges": "交流体会",
    "mechanisms": "长效机制",
    "activity_person_times": "参加活动人次",
    "funds_yuan": "资金(元)",
    "measures": "送…",
    "eight_ones_done": "八个一完成项",
}
FIGURE_KEYS = tuple(FIGURE_LABELS)
# Figures that are plain integers (all but money, measures and the derived eight-ones count).
COUNT_KEYS = tuple(k for k in FIGURE_KEYS if k not in ("funds_yuan", "measures", "eight_ones_done"))


@dataclass(frozen=True)
class Figures:
    cadres_total: int = 0
    party_members: int = 0
    cadres_participating: int = 0
    communities_linked: int = 0
    enterprises_linked: int = 0
    households_paired: int = 0
    visits: int = 0
    visits_community: int = 0
    visits_enterprise: int = 0
    visits_household: int = 0
    visit_person_times: int = 0
    contact_cards: int = 0
    diaries: int = 0
    problems_raised: int = 0
    problems_resolved: int = 0
    problems_unresolvable: int = 0
    problems_open: int = 0
    problems_overdue: int = 0
    conflicts_raised: int = 0
    conflicts_resolved: int = 0
    research_reports: int = 0
    cadres_with_research: int = 0
    education_sessions: int = 0
    org_life_sessions: int = 0
    org_life_before_july: int = 0
    civility_actions: int = 0
    exchanges: int = 0
    mechanisms: int = 0
    activity_person_times: int = 0
    funds_fen: int = 0
    # Beyond the DESIGN keys (never in the JSON of ``selfcheck``): the period's activity records
    # of every kind, and of the problems (conflicts) raised in the period those resolved by the
    # as-of day — the numerator that goes with problems_raised (conflicts_raised) in a ratio.
    activities: int = 0
    raised_resolved: int = 0
    conflicts_raised_resolved: int = 0
    # of the problems resolved, found unresolvable or open, those raised before the period
    # (which the report says, lest they be read as shares of problems_raised)
    earlier_counted: int = 0
    measures: Mapping[str, int] = field(default_factory=lambda: dict.fromkeys(MEASURE, 0))

    @property
    def funds_yuan(self) -> Decimal:
        return yuan(self.funds_fen)

    @property
    def eight_ones(self) -> dict[str, bool]:
        """Which of the eight ones are done (DESIGN: #1 #5 #8 an activity record, …)."""
        return _eight_ones(self, lambda key: getattr(self, key) > 0)

    @property
    def eight_ones_done(self) -> int:
        return sum(self.eight_ones.values())

    def value(self, key: str) -> Any:
        """A figure as the JSON carries it (money as a string in yuan, measures as a dict)."""
        if key == "funds_yuan":
            return yuan_text(self.funds_fen)
        if key == "measures":
            return {k: int(self.measures.get(k, 0)) for k in MEASURE}
        return getattr(self, key)

    def as_dict(self) -> dict[str, Any]:
        """Exactly the DESIGN keys, in their order."""
        return {key: self.value(key) for key in FIGURE_KEYS}


def _eight_ones(f: Any, some: Callable[[str], bool]) -> dict[str, bool]:
    """The eight ones of figures ``f``; ``some(key)``: whether figure ``key`` is above 0."""
    return {
        "education": some("education_sessions"),
        "org_life": some("org_life_before_july"),
        "interview": some("visits"),
        "research": f.cadres_total > 0 and f.cadres_with_research >= f.cadres_total,
        "civility": some("civility_actions"),
        "practical": some("problems_resolved"),
        "conflict": some("conflicts_resolved"),
        "mechanism": some("mechanisms"),
    }


assert set(EIGHT_ONES) == set(Figures().eight_ones)
_INT_FIELDS = tuple(f.name for f in fields(Figures) if f.name != "measures")


@dataclass(frozen=True)
class SectionFigures:
    id: int
    name: str
    figures: Figures

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "section": self.name, **self.figures.as_dict()}


# --- the aggregate queries ------------------------------------------------------------------

TOTAL = "total"
Key = Any  # TOTAL, or a section id (None for the bureau itself)
Counts = dict[Key, dict[str, int]]


def _run(
    session: Session,
    columns: Mapping[str, Any],
    source: FromClause,
    where: Iterable[ColumnElement[bool]],
    group: Any | None,
) -> Counts:
    """One aggregate query; with ``group`` one row per group value."""
    from sqlalchemy import select

    stmt = select(*(expr.label(key) for key, expr in columns.items())).select_from(source)
    stmt = stmt.where(*where)
    if group is not None:
        stmt = stmt.add_columns(group.label("_group")).group_by(group)
    out: Counts = {}
    for row in session.execute(stmt).mappings():
        key = row["_group"] if group is not None else TOTAL
        out[key] = {k: int(row[k] or 0) for k in columns}
    return out


def _cadres(session: Session, t: Tables, p: Period, grouped: bool) -> Counts:
    from sqlalchemy import exists, func, or_, select

    from sanlian.reports.common import between, link_active_in, on_roster

    c, link, vc, v = t.cadre.c, t.link.c, t.visit_cadre.c, t.visit.c
    ac, a, r, pr = t.activity_cadre.c, t.activity.c, t.research.c, t.problem.c
    wrote = exists(select(r.id).where(r.cadre_id == c.id, between(r.written_on, p.start, p.end)))
    took_part = or_(
        exists(select(link.id).where(link.cadre_id == c.id, link_active_in(t, p.start, p.end))),
        exists(
            select(vc.visit_id)
            .join(t.visit, v.id == vc.visit_id)
            .where(vc.cadre_id == c.id, between(v.visited_on, p.start, p.end))
        ),
        exists(
            select(ac.activity_id)
            .join(t.activity, a.id == ac.activity_id)
            .where(ac.cadre_id == c.id, between(a.held_on, p.start, p.end))
        ),
        wrote,
        exists(
            select(pr.id).where(
                pr.owner_id == c.id,
                or_(
                    between(pr.raised_on, p.start, p.end),
                    between(pr.resolved_on, p.start, p.end),
                ),
            )
        ),
    )
    columns = {
        "cadres_total": func.count(),
        "party_members": func.count().filter(c.party.in_(PARTY_MEMBERS)),
        "cadres_participating": func.count().filter(took_part),
        "cadres_with_research": func.count().filter(wrote),
    }
    return _run(
        session, columns, t.cadre, [on_roster(t, p.as_of)], c.section_id if grouped else None
    )


def _links(session: Session, t: Tables, p: Period, grouped: bool) -> Counts:
    from sqlalchemy import func

    from sanlian.reports.common import link_active_in

    link, c = t.link.c, t.cadre.c
    columns = {
        "communities_linked": func.count(link.community_id.distinct()).filter(
            link.kind == "community"
        ),
        "enterprises_linked": func.count(link.enterprise_id.distinct()).filter(
            link.kind == "enterprise"
        ),
        "households_paired": func.count(link.household_id.distinct()).filter(
            link.kind == "household"
        ),
    }
    source = t.link.outerjoin(t.cadre, c.id == link.cadre_id)
    group = func.coalesce(link.section_id, c.section_id) if grouped else None
    return _run(session, columns, source, [link_active_in(t, p.start, p.end)], group)


# each visit figure and the column of the day tallies it sums
_VISIT_KEYS = {
    "visits": "visits",
    "visits_community": "visits_community",
    "visits_enterprise": "visits_enterprise",
    "visits_household": "visits_household",
    "contact_cards": "contact_cards",
    "diaries": "diaries",
    "visit_person_times": "person_times",
}


def _visits(session: Session, t: Tables, p: Period, grouped: bool) -> Counts:
    """The period's visit figures, summed from the stored day tallies (kept by triggers on
    every write path): ``visit_day`` counts each visit once; ``visit_day_section`` counts a
    visit once for each section whose cadres went, with those cadres as its person-times."""
    from sqlalchemy import func

    from sanlian.db.tables import visit_day, visit_day_section
    from sanlian.reports.common import between

    days = visit_day_section if grouped else visit_day
    columns = {key: func.sum(days.c[name]) for key, name in _VISIT_KEYS.items()}
    where = [between(days.c.visited_on, p.start, p.end)]
    return _run(session, columns, days, where, days.c.section_id if grouped else None)


def _visit_totals(session: Session, t: Tables, p: Period) -> Counts:
    """The period's visits, each counted once (without person-times)."""
    counts = _visits(session, t, p, False)
    for figures in counts.values():
        del figures["visit_person_times"]
    return counts


def _problem_columns(t: Tables, p: Period) -> dict[str, Any]:
    from sqlalchemy import and_, func, or_

    from sanlian.reports.common import between, problem_open

    pr = t.problem.c
    raised = between(pr.raised_on, p.start, p.end)
    resolved = _resolved_in(t, p)
    resolved_by_then = and_(pr.status == "resolved", pr.resolved_on <= p.as_of)
    # open on the as-of day among the year's problems (and earlier years'): one raised after
    # the year's end, when the as-of day is later, is the next year's
    is_open = and_(pr.raised_on <= p.end, problem_open(t, p.as_of))
    unresolvable = and_(pr.status == "unresolvable", between(pr.closed_on, p.start, p.end))
    return {
        "problems_raised": func.count().filter(raised),
        "problems_resolved": func.count().filter(resolved),
        "problems_unresolvable": func.count().filter(unresolvable),
        "problems_open": func.count().filter(is_open),
        "earlier_counted": func.count().filter(
            pr.raised_on < p.start, or_(resolved, unresolvable, is_open)
        ),
        "problems_overdue": func.count().filter(is_open, pr.due_on < p.as_of),
        "conflicts_raised": func.count().filter(raised, pr.is_conflict.is_(True)),
        "conflicts_resolved": func.count().filter(resolved, pr.is_conflict.is_(True)),
        "raised_resolved": func.count().filter(raised, resolved_by_then),
        "conflicts_raised_resolved": func.count().filter(
            raised, resolved_by_then, pr.is_conflict.is_(True)
        ),
    }


def _problems(session: Session, t: Tables, p: Period, grouped: bool) -> Counts:
    c = t.cadre.c
    source = t.problem.outerjoin(t.cadre, c.id == t.problem.c.owner_id)
    return _run(session, _problem_columns(t, p), source, [], c.section_id if grouped else None)


def _problems_together(session: Session, t: Tables, periods: Sequence[Period]) -> list[Counts]:
    """``_problems`` (the bureau's total) of periods judged on the same day, in one query:
    the problems as they stood that day are built once (a briefing's period and its year to
    date: 0.35 s each at city scale)."""
    columns = {
        f"{key}@{i}": expr
        for i, p in enumerate(periods)
        for key, expr in _problem_columns(t, p).items()
    }
    counts = _run(session, columns, t.problem, [], None).get(TOTAL, {})
    out: list[Counts] = []
    for i in range(len(periods)):
        mine = {key.rsplit("@", 1)[0]: n for key, n in counts.items() if key.endswith(f"@{i}")}
        out.append({TOTAL: mine} if counts else {})
    return out


def _resolved_in(t: Tables, p: Period) -> ColumnElement[bool]:
    """A problem resolved in the period (as it stood on the as-of day)."""
    from sqlalchemy import and_

    from sanlian.reports.common import between

    pr = t.problem.c
    return and_(pr.status == "resolved", between(pr.resolved_on, p.start, p.end))


def _research(session: Session, t: Tables, p: Period, grouped: bool) -> Counts:
    from sqlalchemy import func

    from sanlian.reports.common import between

    r, c = t.research.c, t.cadre.c
    return _run(
        session,
        {"research_reports": func.count()},
        t.research.join(t.cadre, c.id == r.cadre_id),
        [between(r.written_on, p.start, p.end)],
        c.section_id if grouped else None,
    )


def _activity_columns(src: Any, p: Period) -> dict[str, Any]:
    from sqlalchemy import func

    return {
        "activities": func.count(),
        "education_sessions": func.count().filter(src.kind == "education"),
        "org_life_sessions": func.count().filter(src.kind == "org_life"),
        "org_life_before_july": func.count().filter(
            src.kind == "org_life", src.held_on < p.july_first
        ),
        "civility_actions": func.count().filter(src.kind == "civility"),
        "exchanges": func.count().filter(src.kind == "exchange"),
        "mechanisms": func.count().filter(src.kind == "mechanism"),
    }


def _activities(session: Session, t: Tables, p: Period, grouped: bool) -> Counts:
    from sqlalchemy import func, select, union

    from sanlian.reports.common import between

    a, ac, c = t.activity.c, t.activity_cadre.c, t.cadre.c
    in_period = between(a.held_on, p.start, p.end)
    if not grouped:
        counts = _run(session, _activity_columns(a, p), t.activity, [in_period], None)
        people = _run(
            session,
            {"activity_person_times": func.count()},
            t.activity_cadre.join(t.activity, a.id == ac.activity_id),
            [in_period],
            None,
        )
        return _merge(counts, people)
    # (activity, section) once each: the sections of the cadres who took part, and the organiser
    attributed = union(
        select(ac.activity_id.label("aid"), c.section_id.label("sid")).select_from(
            t.activity_cadre.join(t.cadre, c.id == ac.cadre_id)
        ),
        select(a.id.label("aid"), a.section_id.label("sid")).where(a.section_id.is_not(None)),
    ).subquery()
    counts = _run(
        session,
        _activity_columns(a, p),
        attributed.join(t.activity, a.id == attributed.c.aid),
        [in_period],
        attributed.c.sid,
    )
    people = _run(
        session,
        {"activity_person_times": func.count()},
        t.activity_cadre.join(t.activity, a.id == ac.activity_id).join(
            t.cadre, c.id == ac.cadre_id
        ),
        [in_period],
        c.section_id,
    )
    return _merge(counts, people)


def _money(session: Session, t: Tables, p: Period, grouped: bool) -> Counts:
    """Money of the resolve steps dated in the period, and how many carried each measure: of
    problems resolved on the as-of day (``common.standing``: a resolution reopened and not
    resolved again is withdrawn)."""
    from sqlalchemy import func, select

    from sanlian.db.tables import problem
    from sanlian.reports.common import between, handed_over, owner_on, standing

    # the owner is all a step needs of its problem: the one who had it on the step's day
    # (the stored table's owner where no problem was ever handed over), not the problem as it
    # stood on the as-of day, built per row
    s, m, pr, c = t.problem_step.c, t.step_measure.c, problem.c, t.cadre.c
    where = [
        s.kind == "resolve",
        between(s.step_on, p.start, p.end),
        standing(session, s, pr, p.as_of),
    ]
    owner = owner_on(pr, t.problem_step, s.step_on) if handed_over(session) else pr.owner_id

    def owned(steps: Any) -> Any:
        return steps.join(problem, pr.id == s.problem_id).outerjoin(t.cadre, c.id == owner)

    out = _run(
        session,
        {"funds_fen": func.coalesce(func.sum(s.amount_fen), 0)},
        owned(t.problem_step),
        where,
        c.section_id if grouped else None,
    )
    group_cols: list[Any] = [m.measure] + ([c.section_id] if grouped else [])
    stmt = (
        select(*group_cols, func.count(s.id.distinct()))
        .select_from(owned(t.step_measure.join(t.problem_step, s.id == m.step_id)))
        .where(*where)
        .group_by(*group_cols)
    )
    for row in session.execute(stmt):
        key = row[1] if grouped else TOTAL
        out.setdefault(key, {})[f"measure:{row[0]}"] = int(row[-1])
    return out


def _merge(*parts: Counts) -> Counts:
    out: Counts = {}
    for part in parts:
        for key, values in part.items():
            out.setdefault(key, {}).update(values)
    return out


_GROUPS: tuple[Callable[[Session, Tables, Period, bool], Counts], ...] = (
    _cadres,
    _links,
    _visits,
    _problems,
    _research,
    _activities,
    _money,
)


def _figures(values: Mapping[str, int]) -> Figures:
    ints = {k: int(values.get(k, 0)) for k in _INT_FIELDS}
    measures = {k: int(values.get(f"measure:{k}", 0)) for k in MEASURE}
    return Figures(**ints, measures=measures)


def count(session: Session, period: Period) -> Figures:
    """The figures of the whole bureau for ``period``."""
    return count_together(session, [period])[0]


def count_together(session: Session, periods: Sequence[Period]) -> list[Figures]:
    """``count`` of each period; the problems of those judged on the same day in one query."""
    from sanlian.reports.common import tables

    counted: list[list[Counts]] = [[] for _ in periods]
    by_day: dict[dt.date, list[int]] = {}
    for i, period in enumerate(periods):
        by_day.setdefault(period.as_of, []).append(i)
    for day, indexes in by_day.items():
        t = tables(day, session)
        together = _problems_together(session, t, [periods[i] for i in indexes])
        for i, problems in zip(indexes, together, strict=True):
            counted[i].append(problems)
            counted[i].extend(
                group(session, t, periods[i], False) for group in _GROUPS if group is not _problems
            )
    return [_figures(_merge(*parts).get(TOTAL, {})) for parts in counted]


# The figures each group of queries gives (``count`` runs them all).
_GROUP_KEYS: dict[Callable[[Session, Tables, Period, bool], Counts], tuple[str, ...]] = {
    _cadres: ("cadres_total", "party_members", "cadres_participating", "cadres_with_research"),
    _links: ("communities_linked", "enterprises_linked", "households_paired"),
    _visits: tuple(_VISIT_KEYS),
    _problems: (
        "problems_raised",
        "problems_resolved",
        "problems_unresolvable",
        "problems_open",
        "problems_overdue",
        "conflicts_raised",
        "conflicts_resolved",
        "raised_resolved",
        "conflicts_raised_resolved",
        "earlier_counted",
    ),
    _research: ("research_reports",),
    _activities: (
        "activities",
        "education_sessions",
        "org_life_sessions",
        "org_life_before_july",
        "civility_actions",
        "exchanges",
        "mechanisms",
        "activity_person_times",
    ),
    _money: ("funds_fen", "measures"),
}
_GROUP_OF = {key: group for group, keys in _GROUP_KEYS.items() for key in keys}
assert set(_GROUP_OF) == {f.name for f in fields(Figures)}
assert tuple(_GROUP_KEYS) == _GROUPS


class LazyFigures:
    """The bureau's figures for ``period``, the same as ``count`` gives, each group of queries
    run when one of its figures is first read; whether a figure the eight ones rest on is above
    0 is asked as whether one such record exists (an index look-up, not a count of the year).

    For ``supervise``, which reads the eight ones and, of the items not done, a few figures:
    at city scale ``count`` spent 0.65 s on visits, problems, money and links it never shows.
    """

    def __init__(self, session: Session, period: Period) -> None:
        from sanlian.reports.common import tables

        self._session = session
        self._period = period
        self._t = tables(period.as_of, session)
        self._values: dict[str, Any] = {}

    def __getattr__(self, key: str) -> Any:
        group = _GROUP_OF.get(key)
        if group is None or key.startswith("_"):
            raise AttributeError(key)
        if key not in self._values:
            found = _figures(group(self._session, self._t, self._period, False).get(TOTAL, {}))
            self._values.update({k: getattr(found, k) for k in _GROUP_KEYS[group]})
        return self._values[key]

    def _some(self, key: str) -> bool:
        """Whether figure ``key`` is above 0, by a look-up where it is one of the three below."""
        from sqlalchemy import exists, select

        from sanlian.reports.common import between

        if key in self._values or key not in ("visits", "problems_resolved", "conflicts_resolved"):
            return bool(getattr(self, key) > 0)
        t, p = self._t, self._period
        if key == "visits":
            from sanlian.db.tables import visit_day

            source = visit_day  # what ``_visits`` sums
            where = between(source.c.visited_on, p.start, p.end)
        else:
            source = t.problem
            where = _resolved_in(t, p)  # the conditions of ``_problems``
            if key == "conflicts_resolved":
                where = where & t.problem.c.is_conflict.is_(True)
        found = select(exists(select(1).select_from(source).where(where)))
        return bool(self._session.execute(found).scalar())

    @cached_property
    def eight_ones(self) -> dict[str, bool]:
        return _eight_ones(self, self._some)

    @property
    def eight_ones_done(self) -> int:
        return sum(self.eight_ones.values())


# Groups whose rows each belong to exactly one section (a cadre's, the owner's, the resolving
# step's problem owner's, or none): their per-section rows, the sectionless one included, add
# up to the bureau's total. Links, visits and activities may count for several sections.
_ADDITIVE = (_cadres, _problems, _research, _money)


def _summed(counts: Counts) -> Counts:
    total: dict[str, int] = {}
    for values in counts.values():
        for key, n in values.items():
            total[key] = total.get(key, 0) + n
    return {TOTAL: total}


BESIDE_MIN_VISITS = 100_000  # visits in the period before a forked process counts them
BESIDE_ENV = "SANLIAN_FIGURES_BESIDE_MIN_ROWS"  # test hook: that number (0: never)


def count_all(session: Session, period: Period) -> tuple[Figures, list[SectionFigures]]:
    """``count`` and the figures of each section together, each table read as few times as it can be.

    The additive groups are queried per section only and summed for the total; so are the
    visits' person-times (each (visit, section) pair carries its cadres, every cadre has one
    section). Only what a section can share with another (linked units, visits, activities)
    is counted again for the bureau as a whole.
    """
    from sanlian.forking import Beside
    from sanlian.reports.common import forked_reader, sections_in, tables

    t = tables(period.as_of, session)

    def beside(other: Session) -> tuple[Counts, Counts, Counts, Counts]:
        """The links, the money and the visits by section: what a forked process counts at
        city scale while this one counts the rest (the problems, the longest query, and the
        cadres, research and activities), so that both end at about the same time."""
        links = _links(other, t, period, True), _links(other, t, period, False)
        return _money(other, t, period, True), _visits(other, t, period, True), *links

    location = forked_reader(session, period, BESIDE_ENV, BESIDE_MIN_VISITS)
    forked = None
    if location is not None:
        with contextlib.suppress(OSError):  # no process to be had (a limit, memory): here
            forked = Beside(session, location, beside)
    total: list[Counts] = []
    by_section: list[Counts] = []
    try:
        for group in _GROUPS:
            if group in (_visits, _links, _money):
                continue
            grouped = group(session, t, period, True)
            by_section.append(grouped)
            additive = group in _ADDITIVE
            total.append(_summed(grouped) if additive else group(session, t, period, False))
        total.append(_visit_totals(session, t, period))
        money, visits, links, links_total = forked.result() if forked else beside(session)
    finally:
        if forked is not None:
            forked.close()
    people = {k: {"visit_person_times": v["visit_person_times"]} for k, v in visits.items()}
    by_section += [money, visits, links]
    total += [_summed(money), _summed(people), links_total]
    merged = _merge(*by_section)
    sections = [
        SectionFigures(sid, name, _figures(merged.get(sid, {})))
        for sid, name in sections_in(session, t, period)
    ]
    return _figures(_merge(*total).get(TOTAL, {})), sections


# --- the self-inspection --------------------------------------------------------------------


def campaign_title(unit: str, name: str, what: str, *, year: int | None = None) -> str:
    """``unit`` + the campaign's name as ``campaign set --name`` gave it (default
    ``“三联三解三促”活动``) + ``what``; with ``year`` in front of the name where it has none.
    The unit is not said twice when the name holds it (``2026年临沂市企业局“三联三解三促”活动``)."""
    name = name.strip() or "“三联三解三促”活动"
    if year is not None and str(year) not in name:
        name = f"{year}年{name}"
    unit = "" if unit and unit.strip() in name else unit
    return f"{unit}{name}{what}"


@dataclass(frozen=True)
class SelfCheck:
    year: int
    unit: str
    name: str
    period: Period
    figures: Figures
    by_section: tuple[SectionFigures, ...]
    begins: dt.date | None = None  # the campaign's first day (its first phase's)

    @property
    def as_of(self) -> dt.date:
        return self.period.as_of

    @property
    def shown_start(self) -> dt.date:
        """The first day the figures cover, as the header says it: the campaign's first day
        (3-01), not 1 January, once it has come — nothing counted is dated earlier
        (``_counted_from``)."""
        begins, period = self.begins, self.period
        if begins is not None and period.start < begins <= period.end:
            return begins
        return period.start

    def sections_overlap(self, keys: Iterable[str] = COUNT_KEYS) -> bool:
        """Whether one of the figures ``keys`` (those a table shows) of the sections adds up to
        more than the total: a visit, an activity or a linked unit that cadres of several
        sections took part in counts once in each (the report then says so under its 按科室
        table)."""
        return any(
            sum(getattr(s.figures, key) for s in self.by_section) > getattr(self.figures, key)
            for key in keys
            if key in COUNT_KEYS
        )

    def title(self, what: str) -> str:
        """``企业局2026年“三联三解三促”活动`` + ``what`` (自查报告, 自查统计): the unit and the
        campaign's name as ``campaign set --name`` gave it, with the year in front where the
        name has none."""
        return campaign_title(self.unit, self.name, what, year=self.year)

    def as_json(self) -> dict[str, Any]:
        """``{"year", "figures", "by_section"}``, the contract of ``selfcheck -f json``, and
        ``as_of``: the day the figures were counted to (a file kept is dated by it)."""
        return {
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "figures": self.figures.as_dict(),
            "by_section": [s.as_dict() for s in self.by_section],
        }


def selfcheck(
    session: Session, *, today: dt.date, year: int | None, as_of: dt.date | None
) -> SelfCheck:
    """The year's self-inspection figures, in total and per section."""
    c, period = _selfcheck_year(session, today=today, year=year, as_of=as_of)
    figures, by_section = count_all(session, period)
    return SelfCheck(
        year=c.year,
        unit=c.unit,
        name=c.name,
        period=period,
        figures=figures,
        by_section=tuple(by_section),
        begins=_counted_from(session, c.year, period),
    )


def _counted_from(session: Session, year: int, period: Period) -> dt.date | None:
    """The campaign's first day, as the first day the figures cover (``SelfCheck.begins``):
    visits, problems, activities and reports cannot be dated earlier; a link can (``link
    --from 1-15``), and one that ended before that day, counted all the same, keeps the
    header's 1 January (``None``)."""
    from sqlalchemy import exists, select

    from sanlian.reports.common import tables
    from sanlian.services.visits import campaign_spans

    begins = next((s for y, s, _e in campaign_spans(session) if y == year), None)
    if begins is None or begins <= period.start:
        return begins
    link = tables().link.c
    ended_before = exists(select(link.id).where(link.end_on >= period.start, link.end_on < begins))
    return None if session.execute(select(ended_before)).scalar() else begins


def selfcheck_period(
    session: Session, *, today: dt.date, year: int | None, as_of: dt.date | None
) -> Period:
    """The period ``selfcheck`` counts, for the same arguments (known before its figures)."""
    return _selfcheck_year(session, today=today, year=year, as_of=as_of)[1]


def _selfcheck_year(
    session: Session, *, today: dt.date, year: int | None, as_of: dt.date | None
) -> tuple[Campaign, Period]:
    """The campaign ``selfcheck`` is about and the period it counts.

    A self-inspection as of a day before its year began has nothing of the year to count (its
    period would run backwards, and links and open problems of the year before would show as
    the year's): refused, whether the day was given or is today before a year set up ahead.
    """
    from sanlian.errors import RuleError
    from sanlian.reports.common import load_campaign

    view, day = load_campaign(session, today=today, year=year, as_of=as_of)
    c = view.campaign
    if day < dt.date(c.year, 1, 1):
        if as_of is None:
            raise RuleError("selfcheck_year_ahead", year=c.year, today=today.isoformat())
        raise RuleError("selfcheck_before_year", year=c.year, as_of=day.isoformat())
    return c, Period.of_year(c.year, day)
