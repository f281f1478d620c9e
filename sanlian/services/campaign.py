"""The year's campaign: its phases (seed: 3/1–3/31, 3/1–11/30, 11/1–12/31) and its rules."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sanlian.errors import RuleError, ValidationError
from sanlian.i18n.labels import CAMPAIGN_SETTINGS, PHASE

if TYPE_CHECKING:
    from sqlmodel import Session

    from sanlian.db.models import Campaign, Phase

# (key, seq, start month/day, end month/day) as the seed fixes them
SEED_PHASES = (
    ("mobilise", 1, (3, 1), (3, 31)),
    ("implement", 2, (3, 1), (11, 30)),
    ("summarise", 3, (11, 1), (12, 31)),
)

SETTINGS = CAMPAIGN_SETTINGS
SETTING_ALIASES = {
    "pairs": "household_pairs_per_cadre",
    "time_limit": "problem_days",
    "yellow": "yellow_days",
    "red": "red_days",
    "stale": "stale_days",
    "visit_cadence": "visit_cadence_days",
    "research_warn": "research_warn_days",
}


@dataclass(frozen=True)
class CampaignView:
    campaign: Campaign
    phases: list[Phase]

    @property
    def start(self) -> dt.date:
        return min(p.start_on for p in self.phases)

    @property
    def end(self) -> dt.date:
        return max(p.end_on for p in self.phases)


def _required(text: str, field: str) -> str:
    """``text`` without the spaces around it, refused when nothing is left."""
    if not text.strip():
        raise ValidationError("required", field=field)
    return text.strip()


def create(session: Session, *, year: int, unit: str, now: dt.datetime) -> CampaignView:
    from sqlmodel import select

    from sanlian.db.models import Campaign, Phase

    if not 2000 <= year <= 2100:
        raise ValidationError("year_invalid", value=year)
    _required(unit, "单位")
    if session.exec(select(Campaign).where(Campaign.year == year)).first():
        raise RuleError("campaign_exists", year=year)
    # the rules of the year before (the nearest earlier one): the bureau's, set by its office,
    # and its pairs run on into the new year (``carried_rules`` says which)
    earlier = session.exec(
        select(Campaign).where(Campaign.year < year).order_by(Campaign.year.desc())  # type: ignore[attr-defined]
    ).first()
    rules = {k: getattr(earlier, k) for k in SETTINGS} if earlier is not None else {}
    campaign = Campaign(
        year=year, unit=unit.strip(), name=f"{year}年“三联三解三促”活动", created_at=now, **rules
    )
    session.add(campaign)
    session.flush()
    assert campaign.id is not None
    phases = [
        Phase(
            campaign_id=campaign.id,
            key=key,
            seq=seq,
            name=PHASE[key],
            start_on=dt.date(year, *start),
            end_on=dt.date(year, *end),
        )
        for key, seq, start, end in SEED_PHASES
    ]
    session.add_all(phases)
    session.flush()
    return CampaignView(campaign, phases)


def carried_rules(session: Session, view: CampaignView) -> tuple[int, str] | None:
    """(the year, its rules as a sentence) whose rules a year just made took over
    (``create``), where there was an earlier year; else ``None``."""
    from sqlmodel import select

    from sanlian.db.models import Campaign

    year = view.campaign.year
    earlier = session.exec(
        select(Campaign).where(Campaign.year < year).order_by(Campaign.year.desc())  # type: ignore[attr-defined]
    ).first()
    if earlier is None:
        return None
    return earlier.year, "，".join(
        f"{label} {getattr(earlier, k)}" for k, label in SETTINGS.items()
    )


def years(session: Session) -> list[int]:
    """The years that have a campaign, in order (a Core statement: a report's ``Reader``
    asks it too, and a session flushes what it holds first)."""
    from sqlalchemy import select

    from sanlian.db.tables import campaign

    return [int(y) for (y,) in session.execute(select(campaign.c.year).order_by(campaign.c.year))]


def outside_note(session: Session, day: dt.date, noun: str, record_id: int) -> str | None:
    """A note for a record dated in its campaign's year but outside the year's phases (a
    typo, most often: a visit that day is refused), where the year's figures still count it
    (a plan drafted in February is written so). A year without a campaign is refused when
    the record is written (``visits.check_campaign_year``)."""
    from sanlian.i18n.messages import render
    from sanlian.services.visits import campaign_spans

    for year, start, end in campaign_spans(session):
        if year == day.year and not start <= day <= end:
            return render(
                "note_outside_phases",
                year=year,
                date=day.isoformat(),
                start=start.isoformat(),
                end=end.isoformat(),
                noun=noun,
                id=record_id,
            )
    return None


def get(session: Session, *, today: dt.date, year: int | None = None) -> CampaignView:
    """The campaign of ``year``; by default this year's, else the latest."""
    from sqlmodel import col, select

    from sanlian.db.models import Campaign, Phase

    year = _year_asked(session, today, year)
    campaign = session.exec(select(Campaign).where(Campaign.year == year)).one()
    phases = list(
        session.exec(select(Phase).where(Phase.campaign_id == campaign.id).order_by(col(Phase.seq)))
    )
    return CampaignView(campaign, phases)


def read(session: Session, *, today: dt.date, year: int | None = None) -> CampaignView:
    """``get`` for a report, through Core statements (no models loaded: a ``Reader`` reads
    it too): the campaign and its phases as rows, which carry the models' attributes. Read
    only: a change is made on what ``get`` returns."""
    from sqlalchemy import select

    from sanlian.db.tables import campaign, phase

    year = _year_asked(session, today, year)
    found: Any = session.execute(select(campaign).where(campaign.c.year == year)).one()
    phases: Any = session.execute(
        select(phase).where(phase.c.campaign_id == found.id).order_by(phase.c.seq)
    ).all()
    return CampaignView(found, list(phases))


def _year_asked(session: Session, today: dt.date, year: int | None) -> int:
    """The campaign year ``get`` finds for ``year``: by default this year's, else the
    latest; a year without a campaign refused."""
    known = years(session)
    if not known:
        raise RuleError("no_campaign")
    if year is None:
        year = today.year if today.year in known else known[-1]
    elif year not in known:
        if not 2000 <= year <= 2100:  # (26 for 2026): not a year init would take either
            raise ValidationError("year_invalid", value=year)
        raise RuleError("campaign_year_missing", year=year, years="、".join(str(y) for y in known))
    return year


def year_for_dates(session: Session, *, today: dt.date) -> int:
    """The year that short dates (``6-3``) belong to: the current campaign's, else this year."""
    known = years(session)
    if not known:
        return today.year
    return today.year if today.year in known else known[-1]


_PHASE_REFS = {
    "1": "mobilise",
    "2": "implement",
    "3": "summarise",
    "动员部署": "mobilise",
    "组织实施": "implement",
    "总结": "summarise",
    "第一阶段": "mobilise",  # as ``progress`` names them
    "第二阶段": "implement",
    "第三阶段": "summarise",
    "一": "mobilise",
    "二": "implement",
    "三": "summarise",
}


def phase_key(value: str) -> str:
    text = value.strip()
    if text in PHASE:
        return text
    for key, label in PHASE.items():
        if text == label:
            return key
    if text in _PHASE_REFS:
        return _PHASE_REFS[text]
    raise ValidationError("phase_unknown", value=value)


def update(
    session: Session,
    *,
    view: CampaignView,
    name: str | None = None,
    unit: str | None = None,
    phase_dates: dict[str, tuple[dt.date | None, dt.date | None]] | None = None,
    settings: dict[str, int] | None = None,
    today: dt.date | None = None,
) -> CampaignView:
    """Change the campaign's name, unit, phase dates or settings (``today``: the day a lower
    limit of pairs is judged from; by default the year's first)."""
    campaign = view.campaign
    if name is not None:
        campaign.name = _required(name, "活动名称")
    if unit is not None:
        campaign.unit = _required(unit, "单位")
    for key, (start, end) in (phase_dates or {}).items():
        phase = next(p for p in view.phases if p.key == key)
        new_start = start or phase.start_on
        new_end = end or phase.end_on
        label = PHASE[key]
        if new_start.year != campaign.year or new_end.year != campaign.year:
            raise ValidationError("phase_outside_year", field=label, year=campaign.year)
        if new_start > new_end:
            raise ValidationError("phase_order", field=label, start=new_start, end=new_end)
        phase.start_on, phase.end_on = new_start, new_end
        session.add(phase)
    if phase_dates:
        _check_phase_sequence(view)
        _check_records_inside(session, view)
    for setting, value in (settings or {}).items():
        if setting == "household_pairs_per_cadre" and value < campaign.household_pairs_per_cadre:
            first = today or dt.date(campaign.year, 1, 1)
            _check_pairs_within(session, campaign.year, value, first)
        setattr(campaign, setting, value)
    if campaign.red_days < campaign.yellow_days:
        raise ValidationError("cards_order", yellow=campaign.yellow_days, red=campaign.red_days)
    session.add(campaign)
    session.flush()
    return view


def _check_pairs_within(session: Session, year: int, limit: int, today: dt.date) -> None:
    """Refuse a lower limit of households a cadre pairs with at a time (``--pairs``) while a
    cadre's pairs run more together on a day from today (or the campaign's first day, for a
    year ahead) to the year's end: ``db check`` would find them over it, and ``link end``
    mends it. Counted on each day a pair of theirs begins in that span, and its first day.
    (Pairs of past days stay as they were: the limit then was another.)"""
    from sqlalchemy import text

    rows = session.execute(
        text(
            "select c.name, c.id, max(n) from (select d.cadre_id, d.day, count(*) as n from ("
            "select distinct cadre_id, case when start_on < :first then :first else start_on end"
            " as day from link where kind = 'household' and start_on <= :last"
            " and (end_on is null or end_on >= :first)) d"
            " join link l on l.cadre_id = d.cadre_id and l.kind = 'household'"
            " and l.start_on <= d.day and (l.end_on is null or l.end_on >= d.day)"
            " group by d.cadre_id, d.day) t join cadre c on c.id = t.cadre_id"
            " where n > :limit group by c.id, c.name order by max(n) desc, c.id"
        ),
        {"first": max(today, dt.date(year, 1, 1)), "last": dt.date(year, 12, 31), "limit": limit},
    ).all()
    if not rows:
        return
    shown = "、".join(f"{name}（编号 {i}，{n} 户）" for name, i, n in rows[:5])
    raise RuleError(
        "campaign_pairs_below",
        count=len(rows),
        limit=limit,
        names=shown + ("等" if len(rows) > 5 else ""),
        most=max(int(n) for _name, _i, n in rows),
    )


def _check_records_inside(session: Session, view: CampaignView) -> None:
    """Refuse phases that would leave visits or problems of the campaign's year outside its
    span (``visits.check_in_campaign`` refuses such dates when they are written)."""
    from sqlalchemy import func, literal, select, union_all
    from sqlmodel import col

    from sanlian.db.models import Problem, Visit

    first, last = dt.date(view.campaign.year, 1, 1), dt.date(view.campaign.year, 12, 31)
    parts: list[Any] = []
    for column, is_visit in ((col(Visit.visited_on), 1), (col(Problem.raised_on), 0)):
        outside = (column < view.start) | (column > view.end)
        parts.append(
            select(column.label("day"), literal(is_visit).label("is_visit")).where(
                column.between(first, last), outside
            )
        )
    both = union_all(*parts).subquery()
    count, earliest, latest, visits = session.execute(
        select(func.count(), func.min(both.c.day), func.max(both.c.day), func.sum(both.c.is_visit))
    ).one()
    if not count:
        return
    problems = int(count) - int(visits or 0)
    records = "、".join(
        part for n, part in ((visits, f"{visits} 次走访"), (problems, f"{problems} 件问题")) if n
    )
    raise ValidationError(
        "campaign_leaves_records",
        start=view.start.isoformat(),
        end=view.end.isoformat(),
        records=records,
        days=earliest.isoformat()
        if earliest == latest
        else f"{earliest.isoformat()} 至 {latest.isoformat()}",
        wide_start=min(earliest, view.start).isoformat(),
        wide_end=max(latest, view.end).isoformat(),
    )


def _check_phase_sequence(view: CampaignView) -> None:
    """The three phases follow one another (第一阶段…第二阶段…第三阶段): they may overlap at
    their edges (the seed's March and November) but neither starts nor ends before the one
    ahead of it."""
    phases = sorted(view.phases, key=lambda p: p.seq)
    for before, after in itertools.pairwise(phases):
        if after.start_on < before.start_on or after.end_on < before.end_on:
            raise ValidationError(
                "phase_sequence",
                before=PHASE[before.key],
                before_start=before.start_on,
                before_end=before.end_on,
                after=PHASE[after.key],
                after_start=after.start_on,
                after_end=after.end_on,
            )


def phase_gaps(view: CampaignView) -> list[str]:
    """The days no phase covers between two phases, one note each (a phase moved later
    without the one before it moved too)."""
    from sanlian.i18n.messages import render

    notes = []
    phases = sorted(view.phases, key=lambda p: p.seq)
    for before, after in itertools.pairwise(phases):
        if after.start_on > before.end_on + dt.timedelta(days=1):
            notes.append(
                render(
                    "phase_gap",
                    start=(before.end_on + dt.timedelta(days=1)).isoformat(),
                    end=(after.start_on - dt.timedelta(days=1)).isoformat(),
                    before=PHASE[before.key],
                    after=PHASE[after.key],
                )
            )
    return notes


def setting_key(name: str) -> str:
    text = name.strip().replace("-", "_")
    if text in SETTINGS:
        return text
    if text in SETTING_ALIASES:
        return SETTING_ALIASES[text]
    for key, label in SETTINGS.items():
        if text == label:
            return key
    choices = "、".join(f"{k}（{v}）" for k, v in SETTINGS.items())
    raise ValidationError("setting_unknown", name=name, choices=choices)


def as_dict(view: CampaignView, *, today: dt.date) -> dict[str, Any]:
    c = view.campaign
    current = [p.key for p in view.phases if p.start_on <= today <= p.end_on]
    return {
        "year": c.year,
        "unit": c.unit,
        "name": c.name,
        "start": view.start.isoformat(),
        "end": view.end.isoformat(),
        "current_phases": current,
        "phases": [
            {
                "key": p.key,
                "seq": p.seq,
                "name": p.name,
                "start": p.start_on.isoformat(),
                "end": p.end_on.isoformat(),
            }
            for p in view.phases
        ],
        "settings": {k: getattr(c, k) for k in SETTINGS},
    }
