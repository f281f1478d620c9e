"""调度督促: what lags and who must act, most urgent first, grouped by section.

Rules (the campaign's settings in brackets):
- an open problem past its due date: a yellow card once more than [yellow_days] days past due,
  a red card once more than [red_days] days past due; the owner acts;
- an open problem with no step for [stale_days] days (not already carded): an extension of
  its due date or a handover to another cadre is not a step that counts;
- an open problem with no owner, or whose owner has left (not already carded or urged): the
  office names one;
- a leadership member with no active enterprise link, a cadre with no household paired or no
  visit in the last [visit_cadence_days] days (once phase 2 has begun); a household, an
  enterprise or a community linked for [visit_cadence_days] days of this year and not visited
  in it (by anyone): the cadres linked with it act (the section linking a community; the
  leading-group office for a community the bureau links itself);
- cadres without a research report within [research_warn_days] days of phase 3, or in it;
- no joint org-life before 1 July (warned in June, pressed from 1 July on);
- checklist items of ended phases, and eight ones not yet done; the leading-group office acts.

Most urgent first means by level — red cards, yellow cards, what is urged (督办), reminders
(提醒) — then by the kind's rank, then the longest overdue or quiet first; the briefing cuts
its list from the same order.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from sanlian.i18n.messages import MESSAGES, render
from sanlian.reports.common import OFFICE, Period, Records, cadre_label, md_date

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

    from sqlmodel import Session

    from sanlian.services.campaign import CampaignView

T = TypeVar("T")

LEVEL = {"red": "红牌", "yellow": "黄牌", "urge": "督办", "warn": "提醒"}
LEVEL_ORDER = tuple(LEVEL)

# kind → (rank, what it is about); a lower rank is more urgent
KINDS: dict[str, tuple[int, str]] = {
    "red_card": (10, "超期问题（红牌）"),
    "org_life_missed": (15, "七一前组织生活"),
    "yellow_card": (20, "超期问题（黄牌）"),
    "research_due": (25, "调研报告"),
    "stale": (30, "问题久无进展"),
    "problem_no_owner": (32, "问题未指定责任人"),
    "org_life_soon": (35, "七一前组织生活"),
    "leader_no_enterprise": (40, "班子成员联系企业"),
    "section_no_community": (43, "部门联系社区(村)"),
    "no_household": (45, "结对帮扶"),
    "no_visit": (50, "走访"),
    "enterprise_unvisited": (52, "联系企业走访"),
    "community_unvisited": (53, "联系社区(村)走访"),
    "household_unvisited": (55, "联系户走访"),
    "household_unpaired": (46, "联系户结对"),
    "research_warn": (60, "调研报告"),
    "phase_item": (65, "阶段任务"),
    "phase_item_soon": (66, "即将结束的阶段任务"),
    "eight_one": (70, "八个一"),
}
MAX_TEXT = 16  # characters of a problem's text quoted in a line
PHASE_SOON_DAYS = 7  # a phase's unfinished checklist items are reminded of in its last week


# slots: ~100,000 of them at city scale; not frozen: a frozen dataclass sets each field through
# ``object.__setattr__``, seven times as long to make (0.13 s of ``supervise`` at city scale)
@dataclass(slots=True)
class Alert:
    kind: str
    level: str  # red / yellow / urge / warn
    section_id: int | None  # None = the leading group's office
    section: str
    actor: str  # who must act
    text: str
    days: int = 0  # days overdue / without progress / left, as the kind says
    ref: int | None = None  # the problem's (cadre's, household's) number
    item: str | None = None  # a phase's checklist item (``phase_item``): its key
    # a problem's alert: (subject, due day as written, days late, days quiet, the owner who
    # has left or ""), from which a printed report writes its own sentence (not in the JSON:
    # ``text`` says the same)
    problem: tuple[str, str, int, int, str] | None = None

    @property
    def rank(self) -> int:
        return KINDS[self.kind][0]

    @property
    def level_text(self) -> str:
        return LEVEL[self.level]

    @property
    def line(self) -> str:
        """The line of the report: 【level】actor: text."""
        return f"【{self.level_text}】{self.actor}：{self.text}"

    def as_dict(self) -> dict[str, Any]:
        return dict(zip(ALERT_KEYS, self.values(), strict=True))

    def values(self) -> tuple[Any, ...]:
        """The values of ``as_dict``, in the order of ``ALERT_KEYS``."""
        return (self.kind, self.level, LEVEL[self.level], self.section_id, self.section,
                self.actor, self.text, self.days, self.ref)  # fmt: skip


ALERT_KEYS = ("kind", "level", "level_label", "section_id", "section", "actor", "text", "days",
              "ref")  # fmt: skip


@dataclass(frozen=True)
class AlertGroup:
    section_id: int | None
    section: str
    alerts: tuple[Alert, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "section_id": self.section_id,
            "section": self.section,
            "alerts": Records(ALERT_KEYS, columns=_columns(self.alerts)),
        }


def _columns(alerts: Sequence[Alert]) -> list[list[Any]]:
    """The alerts' values of ``ALERT_KEYS``, a column each (read by ``attrgetter`` through
    ``map``: no Python call per alert)."""
    from operator import attrgetter

    def column(name: str) -> list[Any]:
        return list(map(attrgetter(name), alerts))

    levels = column("level")
    labels = list(map(LEVEL.__getitem__, levels))
    return [column("kind"), levels, labels, column("section_id"), column("section"),
            column("actor"), column("text"), column("days"), column("ref")]  # fmt: skip


@dataclass(frozen=True)
class Supervision:
    year: int
    name: str
    as_of: dt.date
    groups: tuple[AlertGroup, ...]

    @cached_property  # asked by the report's paragraphs more than once (≈ 80,000 at city scale)
    def alerts(self) -> tuple[Alert, ...]:
        """Every alert, most urgent first."""
        return tuple(sorted((a for g in self.groups for a in g.alerts), key=_urgency))

    @cached_property  # asked once per level by the summary and the JSON
    def levels(self) -> Counter[str]:
        return Counter(a.level for g in self.groups for a in g.alerts)

    @property
    def summary(self) -> str:
        """``共 N 项：红牌 a 项、黄牌 b 项…`` (or that nothing lags)."""
        total = sum(len(g.alerts) for g in self.groups)
        if not total:
            return render("sv_nothing")
        parts = "、".join(
            f"{LEVEL[k]} {self.levels[k]} 项" for k in LEVEL_ORDER if self.levels.get(k)
        )
        return render("sv_summary", total=total, parts=parts)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as plain tuples (``supervise_beside`` sends one from a forked process): a
        city's ≈ 75,000 alerts load in 0.04 s and are rebuilt in 0.15 s, where pickle's own way
        with a slotted frozen dataclass took 0.5 s to load."""
        groups = [(g.section_id, g.section, [_fields(a) for a in g.alerts]) for g in self.groups]
        return (_supervision, (self.year, self.name, self.as_of, groups))

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "as_of": self.as_of,
            "counts": {k: self.levels.get(k, 0) for k in LEVEL_ORDER},
            "groups": [g.as_dict() for g in self.groups],
        }


def _supervision(
    year: int,
    name: str,
    as_of: dt.date,
    groups: list[tuple[int | None, str, list[tuple[Any, ...]]]],
) -> Supervision:
    """A ``Supervision`` from what its ``__reduce__`` gave."""
    return Supervision(
        year,
        name,
        as_of,
        tuple(
            AlertGroup(sid, section, tuple([Alert(*fields) for fields in alerts]))
            for sid, section, alerts in groups
        ),
    )


def _urgency(a: Alert) -> tuple[int, int, int, int]:
    """Red cards first, then yellow, then what is urged (督办), then reminders (提醒); within a
    level by the kind's rank, the longest overdue (or quiet) first, then by number."""
    return (LEVEL_ORDER.index(a.level), KINDS[a.kind][0], -a.days, a.ref or 0)


# --- the checks -----------------------------------------------------------------------------


def _problems(
    session: Session,
    view: CampaignView,
    as_of: dt.date,
    ids: tuple[int, int] | None = None,
    gone_by: dt.date | None = None,
) -> list[Alert]:
    """The open problems' alerts; ``ids``: only those numbered ``lo < id <= hi`` (a half);
    ``gone_by``: an owner who left by then is said to have left (``supervise``)."""
    from sqlalchemy import func, or_, select

    from sanlian.reports.common import TargetNames, aside, problem_open, tables
    from sanlian.reports.ledgers import _target_name, target_parts, with_targets
    from sanlian.services.validate import quoted_short as short  # (the text in one line, its
    # ID and mobile numbers masked: the list is printed for the dispatch meeting)

    t = tables(as_of, session)
    pr, c, s = t.problem.c, t.cadre.c, t.section.c
    step = t.problem_step.c
    # the last day the problem moved: an extension or a handover to another cadre is no
    # progress, so it does not restart "N 天无进展" (the raise is a step: never empty)
    moved_on = (
        select(func.max(step.step_on))
        .where(
            step.problem_id == pr.id,
            step.step_on <= as_of,
            step.kind != "extend",
            or_(step.kind != "progress", step.owner_id.is_(None)),
        )
        .scalar_subquery()
    )
    camp = view.campaign
    # each owner as named (a namesake told apart), with their section: read once per cadre,
    # not joined and worked out again for each of a city's ~75,000 open problems (0.3 s)
    owners: dict[Any, tuple[Any, ...]] = {
        oid: (owner, retired_on, sid, section)
        for oid, owner, retired_on, sid, section in session.execute(
            select(c.id, cadre_label(c, s), c.retired_on, s.id, s.name).select_from(
                t.cadre.outerjoin(t.section, s.id == c.section_id)
            )
        )
    }
    nobody = (None, None, None, None)
    stmt = (
        select(
            pr.id,
            pr.text,
            pr.due_on,
            func.coalesce(moved_on, pr.raised_on),
            pr.owner_id,
            pr.target_kind,
            _target_name(t).label("target"),
            *target_parts(t, pr),  # a namesake told apart (``TargetNames``): 王秀英（和平社区）
        )
        .select_from(with_targets(t, pr, t.problem))
        .where(problem_open(t, as_of))
        .where(*(() if ids is None else (pr.id > ids[0], pr.id <= ids[1])))
        .order_by(pr.id)
    )
    # ~75,000 open problems at city scale: the loop keeps to local names and plain tuples
    red_days, yellow_days, stale_days = camp.red_days, camp.yellow_days, camp.stale_days
    no_owner = render("sv_no_owner")
    overdue, overdue_quiet, stale, stale_late = (
        MESSAGES["sv_overdue"].format,
        MESSAGES["sv_overdue_quiet"].format,
        MESSAGES["sv_stale"].format,
        MESSAGES["sv_stale_late"].format,
    )
    out: list[Alert] = []
    append = out.append
    retired_words = MESSAGES["sv_owner_retired"]
    named = TargetNames(session)
    shared = named.shared
    left_by = max(as_of, gone_by or as_of)
    # handed over after the as-of day, by ``gone_by``: not to be handed over again
    handed: set[int] = set()
    if left_by > as_of:
        handed = {
            int(i)
            for (i,) in session.execute(
                select(step.problem_id).where(
                    step.kind == "progress",
                    step.owner_id.is_not(None),
                    step.step_on > as_of,
                    step.step_on <= left_by,
                )
            )
        }
    rows = session.execute(stmt)
    for pid, text, due_on, moved, owner_id, kind, target, n, t_, h in rows:
        owner, retired_on, sid, section = owners.get(owner_id, nobody)
        if target in shared:  # a namesake told apart (the others named by their names)
            target = named(kind, target, n, t_, h)
        left = retired_on is not None and (
            _as_date(retired_on) <= as_of or (_as_date(retired_on) <= left_by and pid not in handed)
        )
        gone = owner if left else ""
        if left:
            owner = aside(owner, retired_words)  # still named, so that someone takes it over
        due = _as_date(due_on)
        late = (as_of - due).days
        quiet = max((as_of - _as_date(moved)).days, 0)
        if late > red_days or late > yellow_days:
            subject = f"{target or ''}“{short(text, MAX_TEXT)}”"
            due_text = _day(due, camp.year)
            line = overdue(id=pid, days=late, due=due_text, subject=subject)
            if quiet >= stale_days:
                line += overdue_quiet(days=quiet)
            else:
                quiet = 0  # (not said)
            red = late > red_days
            append(
                Alert(
                    "red_card" if red else "yellow_card",
                    "red" if red else "yellow",
                    sid,
                    section or OFFICE,
                    owner or no_owner,
                    line,
                    days=late,
                    ref=pid,
                    problem=(subject, due_text, late, quiet, ""),
                )
            )
        elif quiet >= stale_days:  # (overdue, if at all, by no more than the yellow card's days)
            subject = f"{target or ''}“{short(text, MAX_TEXT)}”"
            if late > 0:
                line = stale_late(id=pid, days=quiet, late=late, subject=subject)
            else:
                line = stale(id=pid, days=quiet, subject=subject)
            append(
                Alert(
                    "stale",
                    "urge",
                    sid,
                    section or OFFICE,
                    owner or no_owner,
                    line,
                    quiet,
                    pid,
                    problem=(subject, _day(due, camp.year), max(late, 0), quiet, ""),
                )
            )
        elif owner is None or left:  # nobody to act on it: said at once, not when it is late
            subject = f"{target or ''}“{short(text, MAX_TEXT)}”"
            if left:
                line = render("sv_problem_owner_left", id=pid, subject=subject, name=gone)
            else:
                line = render("sv_problem_no_owner", id=pid, subject=subject)
            append(
                Alert(
                    "problem_no_owner",
                    "urge",
                    None,
                    OFFICE,
                    OFFICE,
                    line,
                    quiet,
                    pid,
                    problem=(subject, _day(due, camp.year), max(late, 0), quiet, gone),
                )
            )
    return out


@lru_cache(maxsize=1024)  # a day each of ~70,000 problems' alerts at city scale
def _day(day: dt.date, year: int) -> str:
    """A day in a sentence, as the due dates are written: ``11月1日`` (its year when not the
    campaign's: a due day in January of the next year is not this January's)."""
    from sanlian.reports.common import zh_date

    return md_date(day) if day.year == year else zh_date(day)


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


@dataclass(frozen=True, slots=True)
class _Cadre:
    """What the cadre checks read of a cadre on the roster (``ledgers.cadre_rows`` gives more)."""

    id: int
    name: str
    section_id: int
    section: str
    is_leader: bool
    households: bool  # a household paired on the as-of day
    enterprises: bool  # an enterprise linked on the as-of day
    research: bool  # a research report written in the period
    households_in_period: bool  # one paired on a day of the period, up to the as-of day
    enterprises_in_period: bool  # likewise an enterprise linked


# a cadre checked for visits one by one (≈ 1.7 ms each at city scale: the cadre's visits
# fetched by id); past this many, every cadre's visits are read in one pass instead (0.45 s)
ONE_BY_ONE = 200


def _cadre_facts(session: Session, period: Period, gone_by: dt.date | None = None) -> list[_Cadre]:
    """Every cadre on the roster on the as-of day (and still on ``gone_by``), by section then
    number: ``cadre_rows``'s rows reduced to whether each count is above 0, each asked as
    one look-up."""
    from sqlalchemy import and_, exists, or_, select

    from sanlian.reports.common import between, on_roster, tables

    p = period
    t = tables(p.as_of, session)
    c, s, link, r = t.cadre.c, t.section.c, t.link.c, t.research.c

    def linked(kind: str, column: Any, since: dt.date | None = None) -> Any:
        # ``cadre_rows``: count(distinct column) of the links active on the as-of day (with
        # ``since``: on a day from then to the as-of day)
        first = p.as_of if since is None else since
        return exists(
            select(link.id).where(
                link.cadre_id == c.id,
                link.kind == kind,
                and_(link.start_on <= p.as_of, or_(link.end_on.is_(None), link.end_on >= first)),
                column.is_not(None),
            )
        )

    wrote = exists(select(r.id).where(r.cadre_id == c.id, between(r.written_on, p.start, p.end)))
    stmt = (
        select(
            c.id,
            cadre_label(c, s),
            c.section_id,
            s.name,
            c.is_leader,
            linked("household", link.household_id),
            linked("enterprise", link.enterprise_id),
            wrote,
            linked("household", link.household_id, p.start),
            linked("enterprise", link.enterprise_id, p.start),
        )
        .select_from(t.cadre.join(t.section, s.id == c.section_id))
        .where(on_roster(t, p.as_of))
        .where(*(() if gone_by is None or gone_by <= p.as_of else (on_roster(t, gone_by),)))
        .order_by(c.section_id, c.id)
    )
    return [
        _Cadre(int(i), name, int(sid), section, *(bool(flag) for flag in flags))
        for i, name, sid, section, *flags in session.execute(stmt)
    ]


def _quiet_cadres(
    session: Session, period: Period, cadence: int, cadres: list[_Cadre]
) -> dict[int, dt.date | None]:
    """The cadres whose last visit of the period (``cadre_rows``'s ``last_visit_on``) is
    ``cadence`` days or more before the as-of day, or who have none: cadre → that visit's date.

    Who went on a visit in the last ``cadence`` days is read off the date index (≈ 100,000
    visits of a month at city scale, 0.1 s); only the others need their last visit, each
    looked up by cadre — or, when they are many (or the window is long enough that the
    date index would fetch most of the year), every cadre's in one pass as ``cadre_rows`` does.
    """
    from sqlalchemy import bindparam, func, literal_column, select

    from sanlian.reports.common import SCAN_DAYS, between, spanning, tables

    p = period
    t = tables(p.as_of, session)
    vc, v = t.visit_cadre.c, t.visit.c
    last_of_year: dict[int, dt.date | None] | None = None
    recent = max(p.start, p.as_of - dt.timedelta(days=cadence - 1))
    if (p.end - recent).days < SCAN_DAYS:
        went = (
            select(vc.cadre_id)
            .distinct()
            .select_from(t.visit.join(t.visit_cadre, vc.visit_id == v.id))
            .where(between(v.visited_on, recent, p.end))
        )
        seen = {int(cid) for (cid,) in session.execute(went)}
        left = [c.id for c in cadres if c.id not in seen]
        if recent == p.start:  # the window was the whole period: the others never went
            return dict.fromkeys(left)
        if len(left) <= ONE_BY_ONE:
            last_of_year = dict.fromkeys(left)
            if left:
                each = (
                    select(vc.cadre_id, func.max(v.visited_on))
                    .select_from(t.visit_cadre.join(t.visit, v.id == vc.visit_id))
                    .where(
                        vc.cadre_id.in_(bindparam("ids", expanding=True)),
                        between(v.visited_on, p.start, p.end),
                    )
                    .group_by(vc.cadre_id)
                )
                for cid, last in session.execute(each, {"ids": left}):
                    last_of_year[int(cid)] = _as_date(last)
    if last_of_year is None:
        # every cadre's visits in one pass (see ``cadre_rows``: ``+ 0`` keeps the pairs in
        # stored order)
        by_cadre = vc.cadre_id + literal_column("0")
        every = (
            select(by_cadre, func.max(v.visited_on))
            .select_from(t.visit_cadre.join(t.visit, v.id == vc.visit_id))
            .where(spanning(v.visited_on, p.start, p.end))
            .group_by(by_cadre)
        )
        last_of_year = dict.fromkeys(c.id for c in cadres)
        last_of_year.update((int(cid), _as_date(last)) for cid, last in session.execute(every))
    return {
        cid: last
        for cid, last in last_of_year.items()
        if last is None or (p.as_of - last).days >= cadence
    }


def _cadres(
    session: Session, view: CampaignView, period: Period, gone_by: dt.date | None = None
) -> list[Alert]:
    """The cadres' alerts (no pair, no visit, no research report…), of those on the roster
    on the as-of day and still on it on ``gone_by`` (``supervise``)."""
    camp = view.campaign
    as_of = period.as_of
    phases = {p.key: p for p in view.phases}
    implement = phases["implement"].start_on if "implement" in phases else view.start
    summarise = phases["summarise"].start_on if "summarise" in phases else view.end
    in_campaign = view.start <= as_of <= view.end
    started = in_campaign and as_of >= implement
    cadence = camp.visit_cadence_days
    cadence_due = in_campaign and (as_of - implement).days >= cadence
    research_from = summarise - dt.timedelta(days=camp.research_warn_days)
    if not (started or cadence_due or as_of >= research_from):
        return []
    rows = _cadre_facts(session, period, gone_by)
    quiet = _quiet_cadres(session, period, cadence, rows) if cadence_due else {}
    # no visit in the year: quiet since visits became due (the implementation phase began),
    # or since the cadre's first link of the year when later (not since 1 January); not yet
    # pressed within the cadence of that day (a cadre paired yesterday)
    since = _visits_due_from(session, view, period) if None in quiet.values() else {}
    out = _uncovered_sections(session, period, rows) if started else []
    for row in rows:
        where = (row.section_id, row.section)
        if started and row.is_leader and not row.enterprises:
            out.append(
                Alert(
                    "leader_no_enterprise",
                    "warn",
                    *where,
                    row.name,
                    render(
                        "sv_leader_enterprise_ended"
                        if row.enterprises_in_period
                        else "sv_leader_no_enterprise"
                    ),
                    ref=row.id,
                )
            )
        if started and not row.households:
            out.append(
                Alert(
                    "no_household",
                    "warn",
                    *where,
                    row.name,
                    render("sv_household_ended" if row.households_in_period else "sv_no_household"),
                    ref=row.id,
                )
            )
        if row.id in quiet:
            last_visit_on = quiet[row.id]
            if last_visit_on is None:
                text = render("sv_no_visit_year", days=cadence)
                days = (as_of - max(implement, since.get(row.id, implement))).days
            else:
                days = (as_of - last_visit_on).days
                last = _day(last_visit_on, period.year)
                text = render("sv_no_visit", quiet=days, days=cadence, last=last)
            if days >= cadence:
                out.append(Alert("no_visit", "warn", *where, row.name, text, days=days, ref=row.id))
        if as_of >= research_from and not row.research:
            if as_of >= summarise:
                alert = Alert(
                    "research_due",
                    "urge",
                    *where,
                    row.name,
                    render("sv_research_due", start=_day(summarise, period.year)),
                    ref=row.id,
                )
            else:
                left = (summarise - as_of).days
                alert = Alert(
                    "research_warn",
                    "warn",
                    *where,
                    row.name,
                    render("sv_research_warn", start=_day(summarise, period.year), days=left),
                    days=left,
                    ref=row.id,
                )
            out.append(alert)
    return out


def _visits_due_from(session: Session, view: CampaignView, period: Period) -> dict[int, dt.date]:
    """Cadre → the day visits became due, for a cadre whose first link (household or
    enterprise) active in the year up to the as-of day began after the campaign's first day
    (``view.start``): that link's first day. Others count from ``view.start``."""
    from sqlalchemy import func, or_, select

    from sanlian.reports.common import tables

    link = tables(period.as_of, session).link.c
    stmt = (
        select(link.cadre_id, func.min(link.start_on))
        .where(
            link.cadre_id.is_not(None),
            link.start_on <= period.as_of,
            or_(link.end_on.is_(None), link.end_on >= period.start),
        )
        .group_by(link.cadre_id)
    )
    out = {}
    for cid, first in session.execute(stmt):
        day = _as_date(first)
        if day > view.start:
            out[int(cid)] = day
    return out


def _uncovered_sections(session: Session, period: Period, rows: list[_Cadre]) -> list[Alert]:
    """Each section of cadres on the roster whose cadres can pair with no household: a pair
    must be in a community linked with the cadre's section or the bureau (``link household``),
    and on the as-of day neither the section nor the bureau links one (部门单位联系社区(村))."""
    from sqlalchemy import and_, or_, select

    from sanlian.reports.common import tables

    link = tables().link.c
    on_day = and_(
        link.start_on <= period.as_of, or_(link.end_on.is_(None), link.end_on >= period.as_of)
    )
    stmt = select(link.section_id).where(link.kind == "community", on_day).distinct()
    linking = {sid for (sid,) in session.execute(stmt)}
    if None in linking:  # the bureau's own link: any cadre may pair in that community
        return []
    sections = {row.section_id: row.section for row in rows if row.section_id not in linking}
    return [
        Alert(
            "section_no_community",
            "warn",
            sid,
            name,
            name,
            render("sv_section_no_community", section=name),
            ref=sid,
        )
        for sid, name in sections.items()
    ]


def _linked_since(view: CampaignView, period: Period) -> dt.date | None:
    """The latest day a link may have begun to be pressed for a visit on the as-of day: a
    visit cadence before it; ``None`` outside the campaign, or when the campaign itself is
    younger than a cadence (visits are recorded from its first day, 1 March by default:
    nobody can have gone a cadence without one "this year" before then)."""
    as_of = period.as_of
    if not view.start <= as_of <= view.end:
        return None
    since = as_of - dt.timedelta(days=view.campaign.visit_cadence_days)
    return since if since >= max(period.start, view.start) else None


def _households(session: Session, view: CampaignView, period: Period) -> list[Alert]:
    """Households paired for a visit cadence or longer and not visited in the year."""
    from sqlalchemy import and_, exists, or_, select

    from sanlian.reports.common import between, tables

    as_of = period.as_of
    paired_since = _linked_since(view, period)
    if paired_since is None:
        return []
    t = tables(period.as_of, session)
    h, link, c, s, v, com = (
        t.household.c,
        t.link.c,
        t.cadre.c,
        t.section.c,
        t.visit.c,
        t.community.c,
    )
    # a visit since the cadre's pairing (by anyone): a household visited before a cadre
    # newly paired with it is pressed from that pairing on
    visited = exists(
        select(v.id).where(
            v.household_id == h.id,
            between(v.visited_on, period.start, as_of),
            v.visited_on >= link.start_on,
        )
    )
    stmt = (
        select(
            h.id,
            cadre_label(c, s),
            s.id,
            s.name,
            h.name.label("name"),
            com.name.label("community"),
            link.start_on.label("since"),
        )
        .select_from(_pairs(t))
        .where(
            link.kind == "household",
            link.start_on <= paired_since,
            or_(link.end_on.is_(None), link.end_on >= as_of),
            or_(h.retired_on.is_(None), h.retired_on > as_of),
            and_(~visited),
        )
        .order_by(h.id, link.start_on, c.id)
    )

    def said(name: str, community: str, since: Any) -> str:
        day = _as_date(since)
        if day <= max(period.start, view.start):  # paired before the year's visits began
            return render("sv_household_unvisited", name=name, community=community)
        since = _day(day, period.year)
        return render("sv_household_unvisited_since", name=name, community=community, since=since)

    return _unvisited("household", session.execute(stmt), said)


def _pairs(t: Any) -> Any:
    """The household links with their households, communities, cadres and sections."""
    h, link, c, s, com = t.household.c, t.link.c, t.cadre.c, t.section.c, t.community.c
    return (
        t.link.join(t.household, h.id == link.household_id)
        .join(t.community, com.id == h.community_id)
        .join(t.cadre, c.id == link.cadre_id)
        .join(t.section, s.id == c.section_id)
    )


def _unpaired(session: Session, view: CampaignView, period: Period) -> list[Alert]:
    """Households paired this year whose pairs have all ended (a cadre who left, a link
    ended) and none since: the section of the cadre last paired with one finds another (the
    office, where that section is gone too)."""
    from sqlalchemy import and_, exists, or_, select

    from sanlian.reports.common import between, tables, unindexed

    as_of = period.as_of
    if not view.start <= as_of <= view.end:
        return []
    t = tables(as_of, session)
    h, link, s, com = t.household.c, t.link.c, t.section.c, t.community.c
    other = t.link.alias("other").c
    paired = exists(
        select(other.id).where(
            # (the kind through no index: each household's links are found by its own)
            unindexed(other.kind == "household", other.kind),
            other.household_id == h.id,
            other.start_on <= as_of,
            or_(other.end_on.is_(None), other.end_on >= as_of),
        )
    )
    stmt = (
        select(h.id, s.id, s.name, h.name, com.name, link.end_on, s.retired_on)
        .select_from(_pairs(t))
        .where(
            link.kind == "household",
            between(link.end_on, period.start, as_of),
            link.end_on < as_of,
            or_(h.retired_on.is_(None), h.retired_on > as_of),
            and_(~paired),
        )
        .order_by(h.id, link.end_on.desc(), link.id.desc())
    )
    out: list[Alert] = []
    seen: set[int] = set()
    for hid, sid, section, name, community, ended, closed in session.execute(stmt):
        if hid in seen:
            continue
        seen.add(hid)
        if closed is not None and _as_date(closed) <= as_of:  # a section gone: the office
            sid, section = None, OFFICE
        since = _day(_as_date(ended) + dt.timedelta(days=1), period.year)
        text = render("sv_household_unpaired", name=name, community=community, since=since)
        out.append(Alert("household_unpaired", "urge", sid, section, section, text, ref=hid))
    return out


def _parties(session: Session, view: CampaignView, period: Period) -> list[Alert]:
    """Enterprises and communities linked for a visit cadence or longer and not visited in the
    year: an enterprise's leadership members act, a community's linking sections (the office
    for the bureau's own link). A party linked twice is named once, in the first linker's
    group, with every linker as who acts."""
    from sqlalchemy import and_, exists, or_, select

    from sanlian.reports.common import between, community_label, enterprise_label, tables

    as_of = period.as_of
    linked_since = _linked_since(view, period)
    if linked_since is None:
        return []
    t = tables(as_of, session)
    link, c, s, v = t.link.c, t.cadre.c, t.section.c, t.visit.c
    active = and_(link.start_on <= linked_since, or_(link.end_on.is_(None), link.end_on >= as_of))
    out: list[Alert] = []
    for kind, party, named, column, actor_id, actor_name, section_id, section_name, joined in (
        (
            "enterprise",
            t.enterprise.c,
            enterprise_label(t.enterprise.c),  # a namesake told apart
            v.enterprise_id,
            c.id,
            cadre_label(c, s),
            s.id,
            s.name,
            t.link.join(t.enterprise, t.enterprise.c.id == link.enterprise_id)
            .join(t.cadre, c.id == link.cadre_id)
            .join(t.section, s.id == c.section_id),
        ),
        (
            "community",
            t.community.c,
            community_label(t.community.c),
            v.community_id,
            link.section_id,
            s.name,
            s.id,
            s.name,
            t.link.join(t.community, t.community.c.id == link.community_id).outerjoin(
                t.section, s.id == link.section_id
            ),
        ),
    ):
        visited = exists(
            select(v.id).where(column == party.id, between(v.visited_on, period.start, as_of))
        )
        stmt = (
            select(party.id, actor_name, section_id, section_name, named.label("name"))
            .select_from(joined)
            .where(
                link.kind == kind,
                active,
                or_(party.retired_on.is_(None), party.retired_on > as_of),
                ~visited,
            )
            .order_by(party.id, actor_id)
        )
        out.extend(_unvisited(kind, session.execute(stmt)))
    return out


def _unvisited(
    kind: str, rows: Iterable[Any], said: Callable[..., str] | None = None
) -> list[Alert]:
    """One ``{kind}_unvisited`` alert per party of ``rows`` — (party id, who acts, section id,
    section name, then the message's fields by name), ordered by party — in the group of its
    first row, every distinct actor named (``None``: the office). ``said``: the text from
    those fields, where not the message's own."""
    actors: dict[int, list[str]] = {}
    first: dict[int, Any] = {}
    for row in rows:
        pid, actor = row[0], row[1]
        actors.setdefault(pid, []).append(actor or OFFICE)
        first.setdefault(pid, row)
    out = []
    for pid, row in first.items():
        fields = dict(zip(row._fields[4:], row[4:], strict=True))
        text = said(**fields) if said is not None else render(f"sv_{kind}_unvisited", **fields)
        who = "、".join(dict.fromkeys(actors[pid]))
        out.append(Alert(f"{kind}_unvisited", "warn", row[2], row[3] or OFFICE, who, text, ref=pid))
    return out


def _office(session: Session, view: CampaignView, period: Period) -> list[Alert]:
    """Campaign-wide items: org-life before 1 July, ended phases' checklists, the eight ones."""
    from sanlian.i18n.labels import EIGHT_ONES
    from sanlian.reports.figures import LazyFigures
    from sanlian.reports.progress import checklists

    as_of = period.as_of
    figures = LazyFigures(session, period)  # counts only what an item not done shows
    lists = checklists(session, period, figures, records_of_done=False)
    phases = {p.key: p for p in view.phases}
    out: list[Alert] = []

    def office(kind: str, level: str, text: str, days: int = 0, item: str | None = None) -> Alert:
        return Alert(kind, level, None, OFFICE, OFFICE, text, days=days, item=item)

    covered = set()
    if figures.org_life_before_july == 0 and as_of.year == period.year:
        if as_of >= period.july_first:
            out.append(office("org_life_missed", "urge", render("sv_org_life_missed")))
            covered.add("org_life")
        elif as_of.month == 6:
            left = (period.july_first - as_of).days
            out.append(office("org_life_soon", "warn", render("sv_org_life_soon", days=left), left))
            covered.add("org_life")
    summarise = phases.get("summarise")
    if summarise is not None:
        research_from = summarise.start_on - dt.timedelta(days=view.campaign.research_warn_days)
        if as_of >= research_from:
            covered.add("research")  # each cadre without a report is named instead
    for key, phase in phases.items():
        left = (phase.end_on - as_of).days
        if as_of > phase.end_on:  # ended: what it left undone is urged
            kind, level, said = "phase_item", "urge", "sv_phase_item"
        elif phase.start_on <= as_of and left < PHASE_SOON_DAYS:  # its last week: a reminder
            kind, level, said = "phase_item_soon", "warn", "sv_phase_item_soon"
        else:
            continue
        end = _day(phase.end_on, period.year)
        for item in lists.get(key, ()):
            if item.done or item.key in EIGHT_ONES:
                continue
            text = render(said, phase=phase.name, item=item.label, record=item.record, end=end)
            out.append(office(kind, level, text, days=max(left, 0), item=item.key))
    implement = phases.get("implement")
    if implement is None or as_of < implement.start_on:
        return out  # the eight ones are pressed once phase 2 has begun
    late = as_of > implement.end_on
    for item in lists.get("implement", ()):
        if item.key not in EIGHT_ONES or item.done or item.key in covered:
            continue
        out.append(
            office(
                "eight_one",
                "urge" if late else "warn",
                render("sv_eight_one", item=item.label, record=item.record),
            )
        )
    return out


def supervise(
    session: Session,
    *,
    today: dt.date,
    as_of: dt.date | None = None,
    year: int | None = None,
    split: bool = False,
    gone_by: dt.date | None = None,
) -> Supervision:
    """What to urge on ``as_of``. ``split``: the problems numbered above ``FORKED_SHARE`` of
    the highest number worked out by a forked process on the other core meanwhile, when one
    is worth it (``_forked``), their alerts sent back as plain tuples; the other problems and
    the other checks here — not where a forked process already runs this
    (``supervise_beside``). At city scale the problems take 1.3 s, the other checks 0.35 s,
    and sending a problem's alert back costs a fifth of making it: the forked process takes
    the larger share of problems and nothing else, so that both end together.

    ``gone_by``: a later day (a briefing's, written after its period) by which a cadre who
    has left is said to have left: his open problems are to be handed over, and he is not
    pressed to pair, visit or write."""
    from sqlalchemy import func, select

    from sanlian.reports.common import load_campaign, tables

    view, as_of = load_campaign(session, today=today, year=year, as_of=as_of)
    period = Period.of_year(view.campaign.year, as_of)
    lower = upper = None
    if split:
        last = int(session.execute(select(func.max(tables().problem.c.id))).scalar() or 0)
        middle = int(last * (1 - FORKED_SHARE))
        lower, upper = (0, middle), (middle, last)

    def theirs(reader: Session) -> list[tuple[Any, ...]]:
        found = _problems(reader, view, as_of, upper, gone_by) if upper is not None else []
        return [_fields(a) for a in found]  # (pickled far faster than the slotted objects)

    with _forked(session, period, theirs, beside=split) as rest:
        mine = _problems(session, view, as_of, lower, gone_by)
        checks = (
            _cadres(session, view, period, gone_by)
            + _parties(session, view, period)
            + _households(session, view, period)
            + _unpaired(session, view, period)
            + _office(session, view, period)
        )
        alerts = mine + [Alert(*fields) for fields in rest()] + checks
    return Supervision(
        year=view.campaign.year,
        name=view.campaign.name,
        as_of=as_of,
        groups=group(alerts, _section_order(session, tables())),
    )


# of the problems, by number, the forked process's (``supervise``'s split): at city scale on a
# 2-core machine both processes then end together (bench/gains.md, stop 38: 0.57 left this one
# working 0.05–0.1 s after the forked one had ended)
FORKED_SHARE = 0.62


def _fields(a: Alert) -> tuple[Any, ...]:
    """An alert's fields in their order (``Alert(*fields)`` makes it again): what is sent
    between processes in its stead (``supervise``'s split, ``Supervision.__reduce__``)."""
    return (a.kind, a.level, a.section_id, a.section, a.actor, a.text, a.days, a.ref, a.item,
            a.problem)  # fmt: skip


BESIDE_MIN_VISITS = 100_000  # visits in the period before a forked process supervises
BESIDE_ENV = "SANLIAN_SUPERVISE_BESIDE_MIN_ROWS"  # test hook: that number (0: never)


@contextlib.contextmanager
def _forked(
    session: Session, period: Period, work: Callable[[Session], T], *, beside: bool = True
) -> Iterator[Callable[[], T]]:
    """``work`` done by a forked process on the other core (``forking.Beside``) while this
    one goes on, when ``beside`` and one is worth it (``common.forked_reader``: at least
    ``BESIDE_MIN_VISITS`` visits in ``period``); else here. Yields what gives the result: call
    it once."""
    import functools

    from sanlian.forking import Beside
    from sanlian.reports.common import forked_reader, targets_shared

    found = None
    location = forked_reader(session, period, BESIDE_ENV, BESIDE_MIN_VISITS) if beside else None
    if location is not None:
        # the names shared (``namesakes``, ≈ 0.1 s at city scale) read once, here, for both
        # processes: the child reads the same state, and starts from them
        known = targets_shared(session)

        def seeded(reader: Session) -> T:
            reader.info.update(known)
            return work(reader)

        with contextlib.suppress(OSError):  # no process to be had (a limit, memory): here
            found = Beside(session, location, seeded)
    try:
        yield found.result if found is not None else functools.partial(work, session)
    finally:
        if found is not None:
            found.close()


@contextlib.contextmanager
def supervise_beside(
    session: Session,
    period: Period,
    *,
    today: dt.date,
    as_of: dt.date | None = None,
    year: int | None = None,
    gone_by: dt.date | None = None,
) -> Iterator[Callable[[], Supervision]]:
    """``supervise`` for these arguments, worked out by a forked process on the other core
    while this one counts a report's figures, when one is worth it (``_forked``; at city
    scale ``supervise`` takes 1.5 s); else here. Yields what gives the result: call it once."""

    def work(other: Session) -> Supervision:
        return supervise(other, today=today, as_of=as_of, year=year, gone_by=gone_by)

    with _forked(session, period, work) as found:
        yield found


def _section_order(session: Session, t: Any) -> dict[int, int]:
    from sqlalchemy import select

    return {
        int(sid): i
        for i, (sid,) in enumerate(session.execute(select(t.section.c.id).order_by(t.section.c.id)))
    }


def group(alerts: list[Alert], order: dict[int, int]) -> tuple[AlertGroup, ...]:
    """Alerts grouped by section; groups ordered by their most urgent alert, then by section."""
    groups: dict[int | None, list[Alert]] = {}
    names: dict[int | None, str] = {}
    for a in alerts:
        groups.setdefault(a.section_id, []).append(a)
        names.setdefault(a.section_id, a.section)
    for items in groups.values():
        items.sort(key=_urgency)

    def key(sid: int | None) -> tuple[int, int, int]:
        first = groups[sid][0]
        return (
            LEVEL_ORDER.index(first.level),
            first.rank,
            -1 if sid is None else order.get(sid, 10**6),
        )

    return tuple(AlertGroup(sid, names[sid], tuple(groups[sid])) for sid in sorted(groups, key=key))
