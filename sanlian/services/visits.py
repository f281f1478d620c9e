"""Visits (走访/民情访谈): who went, whom they saw, how, cards handed out and the diary.

A visit is dated inside a campaign year; it has one or more cadres and exactly one target.
A cadre who is not linked with the target is recorded all the same, with a note.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from sanlian.errors import NotFoundError, RuleError, ValidationError

if TYPE_CHECKING:
    from sqlmodel import Session

    from sanlian.db.models import Cadre, Visit
    from sanlian.services.lookups import Lookups

TARGET_COLUMN = {
    "community": "community_id",
    "enterprise": "enterprise_id",
    "household": "household_id",
}


# --- shared by visits, problems and activities -------------------------------------------


def campaign_spans(session: Session) -> list[tuple[int, dt.date, dt.date]]:
    """(year, first day, last day) of every campaign's phases, by year."""
    from sqlalchemy import func, select

    from sanlian.db.tables import campaign, phase

    c, p = campaign.c, phase.c  # Core tables: a report's ``Reader`` asks it too
    stmt = (
        select(c.year, func.min(p.start_on), func.max(p.end_on))
        .join(phase, p.campaign_id == c.id)
        .group_by(c.year)
        .order_by(c.year)
    )
    return [(int(y), s, e) for y, s, e in session.execute(stmt).all()]


def check_in_campaign(
    session: Session, day: dt.date, field: str, lookups: Lookups | None = None
) -> None:
    """Refuse a date outside every campaign's phases span."""
    spans = check_campaign_year(session, day, field, lookups)
    if any(start <= day <= end for _y, start, end in spans):
        return
    # the year is there: its phases begin later (or end earlier) than the day
    start, end = next((s, e) for y, s, e in spans if y == day.year)
    phase, edge = ("1", "--start") if day < start else ("3", "--end")
    raise ValidationError(
        "date_outside_campaign_year",
        field=field,
        value=day.isoformat(),
        year=day.year,
        start=start.isoformat(),
        end=end.isoformat(),
        phase=phase,
        edge=edge,
    )


def check_campaign_year(
    session: Session, day: dt.date, field: str, lookups: Lookups | None = None
) -> list[tuple[int, dt.date, dt.date]]:
    """Refuse a date in a year that has no campaign (no year's figures would count it);
    return every campaign's span. Activities and research reports take a date of the year
    outside its phases (a plan drafted in February): visits and problems do not
    (``check_in_campaign``)."""
    spans = lookups.spans() if lookups is not None else campaign_spans(session)
    if not spans:
        raise RuleError("no_campaign")
    if any(y == day.year for y, _s, _e in spans):
        return spans
    listing = "；".join(f"{y} 年：{s.isoformat()} 至 {e.isoformat()}" for y, s, e in spans)
    raise ValidationError(
        "date_outside_campaigns", field=field, value=day.isoformat(), spans=listing
    )


def check_not_future(day: dt.date, field: str, today: dt.date | None) -> None:
    """Refuse a record of something that has already happened dated after ``today``.

    ``today`` is None where a caller has no clock to judge by (then nothing is refused).
    """
    if today is not None and day > today:
        from sanlian.services.validate import written_without_year

        # Half a year ahead: written without its year, most likely last year's day (in January,
        # a December record of last year's campaign, once this year's is set up); written in
        # full, next year's, most likely this year's day with its year mistyped.
        if written_without_year(day):
            before = _a_year_before(day)
        else:
            before = _a_year_before(day) if day.year > today.year else day
        if (day - today).days > 180 and before <= today:
            raise ValidationError(
                "date_in_future_last_year",
                field=field,
                value=day.isoformat(),
                today=today.isoformat(),
                before=before.isoformat(),
                day=f"{before.month}月{before.day}日",
                when="今年" if before.year == today.year else "去年",
            )
        raise ValidationError(
            "date_in_future", field=field, value=day.isoformat(), today=today.isoformat()
        )


def _a_year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def check_range(date_from: dt.date | None, date_to: dt.date | None) -> None:
    """Refuse a listing's ``--from`` later than its ``--to`` (it could only list nothing)."""
    if date_from is not None and date_to is not None and date_from > date_to:
        raise ValidationError(
            "list_range_order", start=date_from.isoformat(), end=date_to.isoformat()
        )


def resolve_target(
    session: Session,
    *,
    community: str | int | None,
    enterprise: str | int | None,
    household: str | int | None,
    what: str,
    required: bool = True,
    lookups: Lookups | None = None,
    on: dt.date | None = None,
) -> tuple[str, Any] | None:
    """The one target named by the three options: (kind, record). ``on``: the day recorded
    (a record retired after it may be named: ``refs.resolve``)."""
    from sanlian.services.lookups import resolved

    given = [
        (kind, ref)
        for kind, ref in (
            ("community", community),
            ("enterprise", enterprise),
            ("household", household),
        )
        if ref is not None
    ]
    if len(given) > 1:
        raise ValidationError("target_many", what=what, count=len(given))
    if not given:
        if required:
            raise ValidationError("target_required", what=what)
        return None
    kind, ref = given[0]
    return kind, resolved(session, kind, ref, lookups, on)


def target_name(session: Session, kind: str, target_id: int) -> str:
    from sanlian.db.models import REGISTRY_MODELS

    record: Any = session.get(REGISTRY_MODELS[kind], target_id)
    return record.name if record is not None else str(target_id)


def target_label(kind: str, name: str) -> str:
    """``联系户“王秀英”`` as sentences name a target."""
    from sanlian.i18n.labels import TARGET_KIND

    return f"{TARGET_KIND[kind]}“{name}”"


# --- visits --------------------------------------------------------------------------------


def _cadres(
    session: Session,
    refs_: Sequence[str | int],
    lookups: Lookups | None = None,
    on: dt.date | None = None,
) -> list[Cadre]:
    from sanlian.services.lookups import resolved

    if not refs_:
        raise ValidationError("required", field="走访干部（--cadre）")
    chosen: list[Cadre] = []
    for ref in refs_:
        person = resolved(session, "cadre", ref, lookups, on)
        if all(c.id != person.id for c in chosen):
            chosen.append(person)
    return chosen


def _unlinked_notes(
    session: Session,
    *,
    cadres: Sequence[Cadre],
    kind: str,
    target: Any,
    day: dt.date,
    notes: list[str] | None,
    lookups: Lookups | None = None,
) -> None:
    from sanlian.i18n.messages import render
    from sanlian.services.links import cadre_linked
    from sanlian.services.people import named

    if notes is None:
        return
    # typed by a clerk: a namesake told apart (an import names its rows by their lines)
    name_of = (
        dict(zip((c.id for c in cadres), named(session, "cadre", cadres), strict=True))
        if lookups is None
        else {c.id: c.name for c in cadres}
    )
    what = named(session, kind, [target])[0] if lookups is None else target.name
    for person in cadres:
        if lookups is not None:
            linked = lookups.linked(person, kind, target.id, day)
        else:
            linked = cadre_linked(
                session, cadre=person, target_kind=kind, target_id=target.id, day=day
            )
        if not linked:
            notes.append(
                render(
                    "visit_unlinked",
                    cadre=name_of[person.id],
                    date=day.isoformat(),
                    target=target_label(kind, what),
                )
            )


def _clean(
    *,
    form: str | None,
    cards: int | str | None,
    diary: str | None,
    note: str | None,
    notes: list[str] | None = None,
) -> dict[str, Any]:
    """The values checked; a diary that only says there is none (无, 暂无, /, —: how a
    section fills an empty cell) is none, and ``notes`` says so (else it counts as one)."""
    from sanlian.i18n import labels
    from sanlian.services import validate

    out: dict[str, Any] = {}
    if form is not None:
        if not str(form).strip():
            raise ValidationError("required", field="走访形式（--form）")
        out["form"] = labels.parse(
            labels.VISIT_FORM, str(form), "走访形式", labels.VISIT_FORM_WORDS
        )
    if cards is not None:
        out["cards"] = validate.integer(cards, "联系卡张数", minimum=0) or 0
    if diary is not None:
        out["diary"] = validate.text(diary, "民情日记", limit=5000)
        if out["diary"] is not None and validate.says_none(out["diary"]):
            if notes is not None:
                from sanlian.i18n.messages import render

                notes.append(render("visit_diary_none", text=out["diary"]))
            out["diary"] = None
    if note is not None:
        out["note"] = validate.text(note, "备注", limit=1000)
    return out


def _set_cadres(
    session: Session, visit_id: int, cadres: Sequence[Cadre], *, new_visit: bool = False
) -> None:
    from sqlalchemy import delete, insert
    from sqlmodel import col, select

    from sanlian.db.models import VisitCadre

    if new_visit:  # none yet: added to the session, flushed with what comes next (the
        # journal records them from the flush, not by reading each insert back)
        for person in cadres:
            assert person.id is not None
            session.add(VisitCadre(visit_id=visit_id, cadre_id=person.id))
        return
    stmt = select(VisitCadre.cadre_id).where(col(VisitCadre.visit_id) == visit_id)
    had = set(session.exec(stmt).all())
    wanted = [c.id for c in cadres]
    gone = had - set(wanted)
    if gone:  # only the cadres no longer on it: the same cadres again change (and journal) nothing
        session.execute(
            delete(VisitCadre).where(
                col(VisitCadre.visit_id) == visit_id, col(VisitCadre.cadre_id).in_(gone)
            )
        )
    new = [{"visit_id": visit_id, "cadre_id": i} for i in dict.fromkeys(wanted) if i not in had]
    if new:
        session.execute(insert(VisitCadre), new)


def add(
    session: Session,
    *,
    visited_on: dt.date,
    cadres: Sequence[str | int],
    form: str | None,
    community: str | int | None = None,
    enterprise: str | int | None = None,
    household: str | int | None = None,
    cards: int | str | None = None,
    diary: str | None = None,
    note: str | None = None,
    now: dt.datetime,
    today: dt.date | None = None,
    notes: list[str] | None = None,
    lookups: Lookups | None = None,
    detail: bool = True,
) -> dict[str, Any]:
    """Record a visit; a cadre not linked with the target adds a note, not a refusal.

    A visit is a past event: one dated after ``today`` is refused. An import passes its
    ``lookups`` and asks for no ``detail``: the new visit's id alone, not ``show``'s record.
    """
    from sanlian.db.models import Visit

    check_not_future(visited_on, "走访日期", today)
    check_in_campaign(session, visited_on, "走访日期", lookups)
    people = _cadres(session, cadres, lookups, visited_on)
    found = resolve_target(
        session,
        community=community,
        enterprise=enterprise,
        household=household,
        what="走访对象",
        lookups=lookups,
        on=visited_on,
    )
    assert found is not None
    kind, target = found
    if form is None:
        raise ValidationError("required", field="走访形式（--form）")
    values = _clean(form=form, cards=cards, diary=diary, note=note, notes=notes)
    visit = Visit(
        visited_on=visited_on,
        target_kind=kind,
        **{TARGET_COLUMN[kind]: target.id},
        created_at=now,
        **values,
    )
    session.add(visit)
    session.flush()
    assert visit.id is not None
    _set_cadres(session, visit.id, people, new_visit=True)
    _unlinked_notes(
        session,
        cadres=people,
        kind=kind,
        target=target,
        day=visited_on,
        notes=notes,
        lookups=lookups,
    )
    if lookups is None:  # typed by a clerk (an import matches such a row to the record instead)
        _same_visit_note(session, visit=visit, cadres=people, target=target, notes=notes)
    return show(session, visit_id=visit.id) if detail else {"id": visit.id}


def _same_visit_note(
    session: Session, *, visit: Visit, cadres: Sequence[Cadre], target: Any, notes: list[str] | None
) -> None:
    """A note when the very same visit (day, cadres, target, form, cards, diary, note) is on file
    already: typed twice, most likely (an import takes such a row for that record)."""
    from sqlmodel import col, select

    from sanlian.db.models import Visit, VisitCadre
    from sanlian.i18n.messages import render, some_ids
    from sanlian.services.people import named

    if notes is None:
        return
    column = getattr(Visit, TARGET_COLUMN[visit.target_kind])
    earlier = (
        select(Visit.id).where(
            col(Visit.visited_on) == visit.visited_on,
            col(Visit.target_kind) == visit.target_kind,
            col(column) == target.id,
            col(Visit.id) != visit.id,
            col(Visit.form) == visit.form,
            col(Visit.cards) == visit.cards,
            col(Visit.diary).is_(None) if visit.diary is None else col(Visit.diary) == visit.diary,
            col(Visit.note).is_(None) if visit.note is None else col(Visit.note) == visit.note,
        )
    ).scalar_subquery()
    # their cadres in one query, not one per visit (a visit typed many times over)
    who: dict[int, set[int]] = {}
    pairs = select(VisitCadre.visit_id, VisitCadre.cadre_id).where(
        col(VisitCadre.visit_id).in_(earlier)
    )
    for visit_id, cadre_id in session.exec(pairs):
        who.setdefault(visit_id, set()).add(cadre_id)
    wanted = {c.id for c in cadres}
    same = [visit_id for visit_id, ids in who.items() if ids == wanted]
    if same:
        notes.append(
            render(
                "visit_same_day",
                date=visit.visited_on.isoformat(),
                cadres="、".join(named(session, "cadre", cadres)),
                target=target_label(
                    visit.target_kind, named(session, visit.target_kind, [target])[0]
                ),
                ids=some_ids(sorted(same)),
                id=visit.id,
            )
        )


def _get(session: Session, visit_id: int) -> Visit:
    from sanlian.db.models import Visit

    visit = session.get(Visit, visit_id)
    if visit is None:
        raise NotFoundError("visit_not_found", id=visit_id)
    return visit


def edit(
    session: Session,
    *,
    visit_id: int,
    visited_on: dt.date | None = None,
    cadres: Sequence[str | int] | None = None,
    community: str | int | None = None,
    enterprise: str | int | None = None,
    household: str | int | None = None,
    form: str | None = None,
    cards: int | str | None = None,
    diary: str | None = None,
    note: str | None = None,
    today: dt.date | None = None,
    notes: list[str] | None = None,
) -> dict[str, Any]:
    """Change what is given; the cadres and the target, when given, replace the old ones."""
    from sqlmodel import col, select

    from sanlian.db.models import Cadre, VisitCadre
    from sanlian.services import refs

    visit = _get(session, visit_id)
    values = _clean(form=form, cards=cards, diary=diary, note=note, notes=notes)
    day = visited_on if visited_on is not None else visit.visited_on
    found = resolve_target(
        session,
        community=community,
        enterprise=enterprise,
        household=household,
        what="走访对象",
        required=False,
        on=day,
    )
    if visited_on is None and not cadres and found is None and not values:
        raise ValidationError("nothing_to_edit")
    if visited_on is not None:
        check_not_future(visited_on, "走访日期", today)
        check_in_campaign(session, visited_on, "走访日期")
        values["visited_on"] = visited_on
    if found is not None:
        kind, target = found
        values["target_kind"] = kind
        for k, column in TARGET_COLUMN.items():
            values[column] = target.id if k == kind else None
    if visited_on is not None or found is not None:
        _check_problems_raised_on(session, visit, values)
    people: list[Cadre]
    if cadres:
        people = _cadres(session, cadres, on=day)
        _set_cadres(session, visit_id, people)
    else:
        people = list(
            session.exec(
                select(Cadre)
                .join(VisitCadre, col(VisitCadre.cadre_id) == col(Cadre.id))
                .where(col(VisitCadre.visit_id) == visit_id)
                .order_by(col(Cadre.id))
            ).all()
        )
        if visited_on is not None:  # the cadres kept: in use on the new day too
            for person in people:
                refs.check_in_use("cadre", person, visited_on)
    if visited_on is not None and found is None:  # the target kept: likewise
        from sanlian.db.models import REGISTRY_MODELS

        kept = visit.target_kind
        record = session.get(REGISTRY_MODELS[kept], getattr(visit, TARGET_COLUMN[kept]))
        if record is not None:
            refs.check_in_use(kept, record, visited_on)
    for key, value in values.items():
        setattr(visit, key, value)
    session.add(visit)
    session.flush()
    if visited_on is not None or cadres or found is not None:
        kind = visit.target_kind
        target_id = getattr(visit, TARGET_COLUMN[kind])
        from sanlian.db.models import REGISTRY_MODELS

        target = session.get(REGISTRY_MODELS[kind], target_id)
        _unlinked_notes(
            session, cadres=people, kind=kind, target=target, day=visit.visited_on, notes=notes
        )
    return show(session, visit_id=visit_id)


def _check_problems_raised_on(session: Session, visit: Any, values: dict[str, Any]) -> None:
    """Refuse a new date or target for ``visit`` that the problems raised on it (``problem add
    --visit``) would no longer agree with: each is about the visit's target, raised on or
    after its day."""
    from sqlmodel import col, select

    from sanlian.db.models import Problem

    raised = session.exec(
        select(Problem).where(col(Problem.visit_id) == visit.id).order_by(col(Problem.id))
    ).all()
    if not raised:
        return
    numbers = "、".join(str(p.id) for p in raised)
    if "target_kind" in values and any(
        getattr(p, column) != values[column] for column in TARGET_COLUMN.values() for p in raised
    ):
        raise RuleError("visit_problems_target", id=visit.id, problems=numbers)
    day = values.get("visited_on")
    first = min(p.raised_on for p in raised)
    if day is not None and day > first:
        raise RuleError(
            "visit_problems_before",
            id=visit.id,
            problems=numbers,
            date=day.isoformat(),
            raised=first.isoformat(),
        )


def remove(
    session: Session, *, visit_id: int, force: bool = False, labelled: bool = False
) -> dict[str, Any]:
    """Delete a visit; one that problems were raised on needs ``force`` (they keep no link).
    The visit removed is returned (``labelled``: as ``iter_listing``)."""
    from sqlalchemy import update
    from sqlmodel import col, select

    from sanlian.db.models import Problem

    record = show(session, visit_id=visit_id, labelled=labelled)
    problem_ids = list(
        session.exec(
            select(Problem.id).where(col(Problem.visit_id) == visit_id).order_by(col(Problem.id))
        ).all()
    )
    if problem_ids and not force:
        raise RuleError(
            "visit_referenced", id=visit_id, problems="、".join(str(i) for i in problem_ids)
        )
    if problem_ids:
        session.execute(
            update(Problem).where(col(Problem.visit_id) == visit_id).values(visit_id=None)
        )
    session.delete(_get(session, visit_id))
    session.flush()
    return record


def listing(
    session: Session,
    *,
    limit: int | None = None,
    labelled: bool = False,
    **filters: Any,
) -> list[dict[str, Any]]:
    """Visits as dicts of stored values, with the names of the target and the cadres, by date
    then number; the first ``limit`` of them when given. ``filters``: those of ``_filtered``;
    ``labelled``: as ``iter_listing``."""
    return list(iter_listing(session, limit=limit, labelled=labelled, **filters))


LISTING_PART = 2000  # visits read, and their cadres looked up, at a time by ``iter_listing``


def iter_listing(
    session: Session,
    *,
    limit: int | None = None,
    labelled: bool = False,
    **filters: Any,
) -> Iterator[dict[str, Any]]:
    """``listing``'s visits as they are read, ``LISTING_PART`` at a time (an export of a
    million visits held them all: 1.8 GB). Each visit's cadres come with it, their numbers
    joined in SQL (``aggregate_strings``; a query for every 500 visits took 4.6 s of a million
    visits' 21), their names from the roster read once.

    ``labelled``: the cadres and the target named as a clerk reads them, a namesake told apart
    (``张伟（办公室）``, ``王秀英（和平社区）``: ``reports.common.namesake_labels``, read once);
    else by their plain names (the JSON's values)."""
    from sqlalchemy import String, cast, func
    from sqlalchemy import select as columns_of
    from sqlmodel import col

    from sanlian.db.models import Community, Enterprise, Household, Visit, VisitCadre
    from sanlian.reports.common import LABELS_READ_WHOLE

    v = Visit.__table__.c  # type: ignore[attr-defined]
    who = (
        columns_of(func.aggregate_strings(cast(col(VisitCadre.cadre_id), String), ","))
        .where(col(VisitCadre.visit_id) == col(Visit.id))
        .scalar_subquery()
    )
    stmt: Any = (
        # the columns, not ``Visit`` objects: a million of those took 2 GB and half a minute
        columns_of(
            *own_columns(v),
            col(Community.name),
            col(Enterprise.name),
            col(Household.name),
            who,
        )
        .select_from(Visit)
        .outerjoin(Community, col(Community.id) == col(Visit.community_id))
        .outerjoin(Enterprise, col(Enterprise.id) == col(Visit.enterprise_id))
        .outerjoin(Household, col(Household.id) == col(Visit.household_id))
    )
    stmt = _filtered(session, stmt, **filters)
    stmt = stmt.order_by(col(Visit.visited_on), col(Visit.id))
    if limit is not None:
        stmt = stmt.limit(limit)
    result = session.execute(stmt, execution_options={"yield_per": LISTING_PART})
    names: dict[int, str] = {}
    targets: dict[str, dict[int, str]] = {}
    seen = 0
    whole = False  # every cadre's name (and namesake's label) read
    for found in result.partitions(LISTING_PART):
        # (not before the statement: it flushes what is pending) a part's own cadres' names
        # and namesakes' labels (the few of ``ids``, a visit shown, a screen's first rows, a
        # cadre's or a day's visits: a city's roster of 5,000 took 5 ms of each ``visit
        # show``), every one's once past ``LABELS_READ_WHOLE`` visits
        if not whole:
            seen += len(found)
            whole = seen > LABELS_READ_WHOLE
            names = _cadre_names(session, None if whole else _cadres_of(found))
            if labelled:
                names |= _labels(session, found, not whole, targets)
        yield from _visit_dicts(found, names, targets)


def _cadre_names(session: Session, ids: set[int] | None) -> dict[int, str]:
    """The names of the cadres numbered ``ids`` (``None``: of every one)."""
    from sqlalchemy import select as columns_of
    from sqlmodel import col

    from sanlian.db.models import Cadre

    stmt = columns_of(col(Cadre.id), col(Cadre.name))
    if ids is None:
        return {int(i): str(n) for i, n in session.execute(stmt)}
    names: dict[int, str] = {}
    wanted = sorted(ids)
    for start in range(0, len(wanted), 500):  # well under SQLite's limit on bound parameters
        part = stmt.where(col(Cadre.id).in_(wanted[start : start + 500]))
        names.update((int(i), str(n)) for i, n in session.execute(part))
    return names


def _labels(
    session: Session,
    found: Sequence[Any],
    few: bool,
    targets: dict[str, dict[int, str]],
) -> dict[int, str]:
    """How the namesakes among the cadres (returned) and the targets (into ``targets``: kind →
    id → label) of a listing are named: every namesake's label read once, or, where ``few``
    (the visits of ``found`` are a part of a listing, or all of it: a visit just written,
    shown; a screen's first rows; a cadre's visits), those of their own cadres and targets (a
    city's 30,000 households' labels took 0.35 s)."""
    from sanlian.reports.common import namesake_labels

    def of(kind: str, wanted: set[int]) -> dict[int, str]:
        return namesake_labels(session, kind, wanted if few else None)

    for at, kind in enumerate(("community", "enterprise", "household"), 3):
        targets[kind] = of(kind, {row[at] for row in found if row[at] is not None})
    return of("cadre", _cadres_of(found))


def _cadres_of(found: Sequence[Any]) -> set[int]:
    """The numbers of the cadres of the visits ``found`` (their last column, joined)."""
    return {int(i) for row in found if row[-1] for i in str(row[-1]).split(",")}


def _visit_dicts(
    found: Sequence[Any], names: dict[int, str], labels: dict[str, dict[int, str]] | None = None
) -> Iterator[dict[str, Any]]:
    """``labels``: kind → id → how a namesake is named (else its name)."""
    for (
        visit_id,
        visited_on,
        target_kind,
        community_id,
        enterprise_id,
        household_id,
        form_key,
        cards,
        diary,
        note,
        community_name,
        enterprise_name,
        household_name,
        joined,
    ) in found:
        target_id, target = {
            "community": (community_id, community_name),
            "enterprise": (enterprise_id, enterprise_name),
            "household": (household_id, household_name),
        }[target_kind]
        if labels:
            target = labels[target_kind].get(target_id, target)
        # by cadre number, whatever order SQL joined them in
        ids = sorted(int(i) for i in joined.split(",")) if joined else []
        lost = next((i for i in ids if i not in names), None)
        if lost is not None:  # a cadre deleted by another program: said, not an internal error
            raise RuleError("db_visit_cadre_missing", id=visit_id, cadre=lost)
        yield {
            "id": visit_id,
            "visited_on": visited_on,
            "cadre_ids": ids,
            "cadres": [names[i] for i in ids],
            "target_kind": target_kind,
            "target_id": target_id,
            "target": target,
            "community_id": community_id,
            "enterprise_id": enterprise_id,
            "household_id": household_id,
            "form": form_key,
            "cards": cards,
            "diary": diary,
            "note": note,
        }


def listing_count(session: Session, **filters: Any) -> int:
    """How many visits ``listing`` gives for ``filters`` (all of them, whatever its limit)."""
    from sqlalchemy import func, select

    from sanlian.db.models import Visit

    stmt = _filtered(session, select(func.count()).select_from(Visit), **filters)
    return int(session.execute(stmt).scalar_one())


def _filtered(
    session: Session,
    stmt: Any,
    *,
    cadre: str | int | None = None,
    section: str | int | None = None,
    community: str | int | None = None,
    enterprise: str | int | None = None,
    household: str | int | None = None,
    form: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    ids: Sequence[int] | None = None,
) -> Any:
    """``stmt`` (over the visit table) with the listing's filters: the visits of a cadre or
    of a section's cadres, of a target, of a form, in a date range, or with these numbers."""
    from sqlmodel import col, select

    from sanlian.db.models import Cadre, Visit, VisitCadre
    from sanlian.i18n import labels
    from sanlian.services import refs

    check_range(date_from, date_to)
    if cadre is not None:
        cadre_id = refs.resolve(session, "cadre", cadre, include_retired=True).id
        stmt = stmt.where(
            col(Visit.id).in_(
                select(VisitCadre.visit_id).where(col(VisitCadre.cadre_id) == cadre_id)
            )
        )
    if section is not None:
        section_id = refs.resolve(session, "section", section, include_retired=True).id
        stmt = stmt.where(
            col(Visit.id).in_(
                select(VisitCadre.visit_id)
                .join(Cadre, col(Cadre.id) == col(VisitCadre.cadre_id))
                .where(col(Cadre.section_id) == section_id)
            )
        )
    for kind, ref, column in (
        ("community", community, Visit.community_id),
        ("enterprise", enterprise, Visit.enterprise_id),
        ("household", household, Visit.household_id),
    ):
        if ref is not None:
            stmt = stmt.where(
                col(column) == refs.resolve(session, kind, ref, include_retired=True).id
            )
    if form is not None:
        stmt = stmt.where(
            col(Visit.form)
            == labels.parse(labels.VISIT_FORM, form, "走访形式", labels.VISIT_FORM_WORDS)
        )
    if date_from is not None:
        stmt = stmt.where(col(Visit.visited_on) >= date_from)
    if date_to is not None:
        stmt = stmt.where(col(Visit.visited_on) <= date_to)
    if ids is not None:
        stmt = stmt.where(col(Visit.id).in_(list(ids)))
    return stmt


def own_columns(c: Any) -> tuple[Any, ...]:
    """A visit's own columns (of ``c``, the visit table's or an alias's ``.c``) as the listing
    and the visit ledger read them, in this order: id, visited_on, target_kind, community_id,
    enterprise_id, household_id, form, cards, diary, note."""
    return (
        c.id,
        c.visited_on,
        c.target_kind,
        c.community_id,
        c.enterprise_id,
        c.household_id,
        c.form,
        c.cards,
        c.diary,
        c.note,
    )


def show(session: Session, *, visit_id: int, labelled: bool = False) -> dict[str, Any]:
    """One visit, with the numbers of the problems raised on it (``labelled``: as
    ``iter_listing``)."""
    from sqlmodel import col, select

    from sanlian.db.models import Problem

    found = listing(session, ids=[visit_id], labelled=labelled)
    if not found:
        raise NotFoundError("visit_not_found", id=visit_id)
    record = found[0]
    record["problem_ids"] = list(
        session.exec(
            select(Problem.id).where(col(Problem.visit_id) == visit_id).order_by(col(Problem.id))
        ).all()
    )
    return record
