"""Links (联系/结对): section–community, leader–enterprise and cadre–household, with history.

A link is active on day D when ``start_on <= D`` and (``end_on`` is None or ``end_on >= D``).
A new link runs from its start date with no end, so it clashes with every link of the same
pair (or counts against a limit) that has not ended before that start date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from sanlian.errors import NotFoundError, RuleError, ValidationError

if TYPE_CHECKING:
    from sqlmodel import Session

    from sanlian.db.models import Cadre, Link

BUREAU = "局机关"
ENTERPRISE_LIMIT = 3  # 确定1—3家企业作为领导班子联系点


def active_on(day: dt.date) -> Any:
    """SQL condition: the link is active on ``day``."""
    from sqlalchemy import and_, or_
    from sqlmodel import col

    from sanlian.db.models import Link

    return and_(col(Link.start_on) <= day, or_(col(Link.end_on).is_(None), col(Link.end_on) >= day))


def open_from(day: dt.date) -> Any:
    """SQL condition: the link has not ended before ``day`` (it overlaps [day, ∞))."""
    from sqlalchemy import or_
    from sqlmodel import col

    from sanlian.db.models import Link

    return or_(col(Link.end_on).is_(None), col(Link.end_on) >= day)


def first_uncovered(
    spans: Iterable[tuple[dt.date, dt.date | None]], start: dt.date, end: dt.date | None
) -> dt.date | None:
    """The first day from ``start`` to ``end`` (None: for ever) that none of ``spans`` (each a
    link's first and last day, None: open) covers; None when they cover every day."""
    day = start
    for first, last in sorted(spans, key=lambda span: span[0]):
        if first > day:
            break  # no later span starts early enough to cover ``day``
        if last is None:
            return None
        if last >= day:
            day = last + dt.timedelta(days=1)
            if end is not None and day > end:
                return None
    return day


def busiest(
    found: Sequence[tuple[Any, str, dt.date, dt.date | None]],
    start: dt.date,
    until: dt.date | None,
) -> tuple[dt.date, list[tuple[Any, str, dt.date | None]]]:
    """Of the links ``found`` (id, name, first day, last day or None) that overlap a new one
    from ``start`` (to ``until``), the day most of them run together and those, as (id, name,
    last day): what a limit of links "at a time" counts (links that follow one another are
    not counted together)."""
    days = {start} | {s for _i, _n, s, _e in found if s > start and (until is None or s <= until)}
    most: list[tuple[Any, str, dt.date | None]] = []
    busy = start
    for day in sorted(days):
        on = [(i, n, e) for i, n, s, e in found if s <= day and (e is None or e >= day)]
        if len(on) > len(most):
            most, busy = on, day
    return busy, most


def free_from(
    found: Sequence[tuple[Any, str, dt.date, dt.date | None]],
    start: dt.date,
    until: dt.date | None,
    limit: int,
) -> dt.date | None:
    """The first day from ``start`` a new link (to ``until``) may begin with fewer than
    ``limit`` of ``found`` beside it on every one of its days; None when a link in force
    stands in the way for ever."""
    ends = sorted({e + dt.timedelta(days=1) for _i, _n, _s, e in found if e is not None})
    for day in [start, *(d for d in ends if d > start)]:
        if until is not None and day > until:
            return None
        if len(busiest(found, day, until)[1]) < limit:
            return day
    return None


def _section_name(session: Session, section_id: int | None) -> str:
    from sanlian.db.models import Section

    if section_id is None:
        return BUREAU
    section = session.get(Section, section_id)
    return section.name if section else str(section_id)


def _insert(session: Session, now: dt.datetime, note: str | None, **values: Any) -> Link:
    from sanlian.db.models import Link

    link = Link(**values, note=note, created_at=now)
    session.add(link)
    session.flush()
    return link


def _overlapping(start_on: dt.date, until: dt.date | None) -> Any:
    """SQL condition: the link overlaps a new one from ``start_on`` (to ``until``, its last
    day, for one recorded after it ended: an imported year's history; else open-ended)."""
    from sqlalchemy import and_
    from sqlmodel import col

    from sanlian.db.models import Link

    if until is None:
        return open_from(start_on)
    return and_(open_from(start_on), col(Link.start_on) <= until)


def _duplicate(
    session: Session,
    start_on: dt.date,
    left: str,
    right: str,
    *conds: Any,
    until: dt.date | None = None,
) -> None:
    from sqlmodel import col, select

    from sanlian.db.models import Link

    stmt = select(Link).where(*conds, _overlapping(start_on, until)).order_by(col(Link.id))
    overlapping = list(session.exec(stmt).all())
    # one in force is to be ended first; one that has ended cannot be ended again: the new
    # one must start after it
    current = [o for o in overlapping if o.end_on is None]
    if not overlapping:
        return
    said = {
        "left": left,
        "right": right,
        "new_start": start_on.isoformat(),
        "until": until.isoformat() if until else "",
    }
    if current:  # (a link of the past recorded late: its own dates to put right, not this)
        other = current[0]
        key = "link_duplicate" if until is None else "link_overlap_span"
        raise RuleError(key, **said, id=other.id, start=other.start_on.isoformat())
    last = max(overlapping, key=lambda o: (o.end_on, o.id))
    assert last.end_on is not None
    raise RuleError(
        "link_overlap_ended" if until is None else "link_overlap_ended_span",
        **said,
        id=last.id,
        start=last.start_on.isoformat(),
        end=last.end_on.isoformat(),
        after=(last.end_on + dt.timedelta(days=1)).isoformat(),
    )


def _limit_reached(
    key: str,
    rows: Sequence[tuple[Any, str, dt.date, dt.date | None]],
    named: Callable[[str, str], str],
    start_on: dt.date,
    until: dt.date | None,
    allowed: int,
    **params: Any,
) -> RuleError | None:
    """The refusal of a link from ``start_on`` (to ``until``) past ``allowed`` links at a
    time (``key``: enterprises a leader links, households a cadre pairs with), ``rows`` the
    (id, name, first, last day) of the links overlapping it; None when within it. Each link
    named is ``named(name, "联系编号 N[，至 …]")``. Where the new one may begin later (the
    links then have ended), that day is said (``key_ended``), with the day most ran together;
    else ending one of those in force is the way (``key``)."""
    day, most = busiest(rows, start_on, until)
    if len(most) < allowed:
        return None
    after = free_from(rows, start_on, until, allowed)
    in_force: list[tuple[Any, str, dt.date | None]] = [
        (i, n, e) for i, n, _s, e in rows if e is None
    ]
    if after is None and in_force:  # those in force then (a link begun later included)
        most = in_force
    listing = "、".join(
        named(str(name), f"联系编号 {i}" + (f"，至 {end.isoformat()}" if end else ""))
        for i, name, end in most
    )
    links = [(i, name) for i, name, _end in most]
    field = "names" if key == "link_enterprise_limit" else "households"
    if after is None:
        return RuleError(
            key, **params, **{field: listing}, ids=most[0][0], links=links, count=len(most)
        )
    return RuleError(
        f"{key}_ended",
        **params,
        **{field: listing},
        start=day.isoformat(),
        after=after.isoformat(),
        links=links,
        count=len(most),
    )


def _check_limit(
    session: Session,
    key: str,
    kind: str,
    cadre: Cadre,
    start_on: dt.date,
    until: dt.date | None,
    allowed: int,
    named: Callable[[str, str], str],
) -> None:
    """Refuse a new link of ``cadre`` with an enterprise or household (``kind``) from
    ``start_on`` (to ``until``) past ``allowed`` of them at a time (``_limit_reached``)."""
    from sqlmodel import col, select

    from sanlian.db.models import Enterprise, Household, Link

    model: Any = Enterprise if kind == "enterprise" else Household
    rows = session.exec(
        select(col(Link.id), col(model.name), col(Link.start_on), col(Link.end_on))
        .join(model, col(model.id) == getattr(Link, f"{kind}_id"))
        .where(col(Link.kind) == kind, col(Link.cadre_id) == cadre.id)
        .where(_overlapping(start_on, until))
        .order_by(col(Link.id))
    ).all()
    refused = _limit_reached(
        key, rows, named, start_on, until, allowed, name=cadre.name, limit=allowed
    )
    if refused is not None:
        raise refused


def _check_start(start_on: dt.date, today: dt.date | None) -> None:
    """A link is recorded once it has begun: a start after today (a mistyped year, most
    often) is refused, as a visit's date is."""
    from sanlian.services.visits import check_not_future

    check_not_future(start_on, "联系开始日期", today)


def _clean_note(note: str | None) -> str | None:
    from sanlian.services import validate

    return validate.text(note, "备注", limit=1000)


def link_community(
    session: Session,
    *,
    community: str | int,
    section: str | int | None = None,
    bureau: bool = False,
    start_on: dt.date,
    now: dt.datetime,
    today: dt.date | None = None,
    note: str | None = None,
    until: dt.date | None = None,
) -> dict[str, Any]:
    """部门单位联系社区(村): a section (or the bureau, ``bureau=True``) with a community.
    ``until``: as for ``link_enterprise``."""
    _check_start(start_on, today)
    from sqlmodel import col

    from sanlian.db.models import Link

    if (section is None) == (not bureau):
        raise ValidationError("link_section_or_bureau")
    unit = None if bureau else _ref(session, "section", str(section), start_on)
    section_id = None if unit is None else unit.id
    target = _ref(session, "community", community, start_on)
    until, ends, who = _until_retired([unit, target], until)
    left = _section_name(session, section_id)
    section_cond = (
        col(Link.section_id).is_(None) if section_id is None else col(Link.section_id) == section_id
    )
    _duplicate(
        session,
        start_on,
        left,
        target.name,
        col(Link.kind) == "community",
        col(Link.community_id) == target.id,
        section_cond,
        until=until,
    )
    link = _insert(
        session,
        now,
        _clean_note(note),
        kind="community",
        section_id=section_id,
        community_id=target.id,
        start_on=start_on,
        end_on=ends,
    )
    made = row(session, link.id, as_of=start_on)
    _ended_at_retirement([made], ends, who)
    return made


def link_enterprise(
    session: Session,
    *,
    cadre: str | int,
    enterprise: str | int,
    start_on: dt.date,
    now: dt.datetime,
    today: dt.date | None = None,
    note: str | None = None,
    until: dt.date | None = None,
) -> dict[str, Any]:
    """领导班子联系企业: a leadership member with an enterprise, at most three at a time.
    ``until``: the last day of a link recorded after it ended (an import's; the caller ends
    it): only the links of its days count against it."""
    _check_start(start_on, today)
    from sqlmodel import col

    from sanlian.db.models import Link

    leader = _cadre(session, cadre, start_on)
    if not leader.is_leader:
        raise RuleError("link_not_leader", name=leader.name, id=leader.id)
    target = _ref(session, "enterprise", enterprise, start_on)
    until, ends, who = _until_retired([leader, target], until)
    _duplicate(
        session,
        start_on,
        f"领导“{leader.name}”",
        f"企业“{target.name}”",
        col(Link.kind) == "enterprise",
        col(Link.cadre_id) == leader.id,
        col(Link.enterprise_id) == target.id,
        until=until,
    )
    _check_limit(
        session,
        "link_enterprise_limit",
        "enterprise",
        leader,
        start_on,
        until,
        ENTERPRISE_LIMIT,
        lambda name, said: f"{name}（{said}）",
    )
    link = _insert(
        session,
        now,
        _clean_note(note),
        kind="enterprise",
        cadre_id=leader.id,
        enterprise_id=target.id,
        start_on=start_on,
        end_on=ends,
    )
    made = row(session, link.id, as_of=start_on)
    _ended_at_retirement([made], ends, who)
    return made


def link_household(
    session: Session,
    *,
    cadres: Sequence[str | int],
    household: str | int,
    start_on: dt.date,
    now: dt.datetime,
    today: dt.date | None = None,
    note: str | None = None,
    until: dt.date | None = None,
) -> list[dict[str, Any]]:
    """结对帮扶: one or several cadres (一对一/多对一) with one household; one row per cadre.
    ``until``: as for ``link_enterprise``."""
    _check_start(start_on, today)
    from sqlalchemy import func
    from sqlmodel import col, select

    from sanlian.db.models import Community, Link
    from sanlian.services import campaign, refs

    if not cadres:
        raise ValidationError("required", field="结对干部（--cadre）")
    target = _ref(session, "household", household, start_on)
    community = session.get(Community, target.community_id)
    community_name = community.name if community else str(target.community_id)
    limit = campaign.get(session, today=start_on).campaign.household_pairs_per_cadre
    chosen: list[Cadre] = []
    for ref in cadres:
        person = _cadre(session, ref, start_on)
        if any(c.id == person.id for c in chosen):
            continue
        chosen.append(person)
    # each cadre's pair runs at most to the day before that cadre (or the household) left:
    # one cadre retired since does not end the others' (多对一)
    spans = {p.id: _until_retired([target, p], until) for p in chosen}
    clean_note = _clean_note(note)
    for person in chosen:
        until = spans[person.id][0]
        _duplicate(
            session,
            start_on,
            f"干部“{person.name}”",
            f"联系户“{target.name}”",
            col(Link.kind) == "household",
            col(Link.cadre_id) == person.id,
            col(Link.household_id) == target.id,
            until=until,
        )
        # the community's links with the cadre's section or the bureau
        covering = (
            col(Link.kind) == "community",
            col(Link.community_id) == target.community_id,
            (col(Link.section_id) == person.section_id) | col(Link.section_id).is_(None),
        )
        cover = session.exec(select(col(Link.start_on), col(Link.end_on)).where(*covering)).all()
        gap = first_uncovered(cover, start_on, until)
        if gap is not None:
            section = _section_name(session, person.section_id)
            said = {
                "household": target.name,
                "community": community_name,
                "community_ref": refs.typed(session, "community", community)
                if community
                else str(target.community_id),
                "section": section,
                "date": start_on.isoformat(),
            }
        if gap is not None and gap > start_on:  # covered at first, not for the pair's days
            raise RuleError(
                "link_household_cover_ends",
                **said,
                end=(gap - dt.timedelta(days=1)).isoformat(),
                gap=gap.isoformat(),
            )
        if gap is not None:
            since = session.exec(  # the link there is, from a later day: say which day
                select(func.min(Link.start_on)).where(*covering, col(Link.start_on) > start_on)
            ).first()
            if since is not None:
                raise RuleError("link_household_too_early", **said, since=since.isoformat())
            raise RuleError("link_household_unlinked", **said, cadre=person.name)
        _check_limit(
            session,
            "link_pairs_limit",
            "household",
            person,
            start_on,
            until,
            limit,
            lambda name, said: f"“{name}”（{said}）",
        )
    ids: list[int] = []
    for person in chosen:
        link = _insert(
            session,
            now,
            clean_note,
            kind="household",
            cadre_id=person.id,
            household_id=target.id,
            start_on=start_on,
            end_on=spans[person.id][1],
        )
        assert link.id is not None
        ids.append(link.id)
    made = listing(session, ids=ids, active=False, as_of=start_on)
    for record in made:
        _, ends, who = spans[record["cadre_id"]]
        _ended_at_retirement([record], ends, who)
    return made


def end(
    session: Session,
    *,
    link_id: int,
    end_on: dt.date,
    today: dt.date | None = None,
    field: str = "结束日期（--date）",
) -> dict[str, Any]:
    """End a link on ``end_on`` (its last day); the row stays as history. A day after
    ``today`` is refused, as a start is: an ended link cannot be ended again, so a mistyped
    year could not be mended but by ``undo``. ``field``: how a refusal names the day (an
    import's column)."""
    from sanlian.db.models import Link
    from sanlian.services.visits import check_not_future

    check_not_future(end_on, field, today)

    link = session.get(Link, link_id)
    if link is None:
        raise NotFoundError("link_not_found", id=link_id)
    if link.end_on is not None:
        after = link.end_on + dt.timedelta(days=1)
        raise RuleError(
            "link_already_ended", id=link_id, end=link.end_on.isoformat(), next=after.isoformat()
        )
    if end_on < link.start_on:
        raise ValidationError(
            "link_end_before_start", end=end_on.isoformat(), start=link.start_on.isoformat()
        )
    if link.kind == "community":
        check_no_pairs_left(session, link, end_on)
    link.end_on = end_on
    session.add(link)
    session.flush()
    return row(session, link_id, as_of=end_on)


PAIRS_NAMED = 10  # pairs a refusal names (a section's link in a city village may cover hundreds)


def check_no_pairs_left(session: Session, link: Link, end_on: dt.date) -> None:
    """A community link may end only when no pair (结对) of a cadre it covers, with a household of
    that community, runs on past ``end_on`` without other community links covering each of its
    days from then on: a household's community must be linked to its cadre's section or the
    bureau (``link household``)."""
    from sqlalchemy import select as sql_select  # (sqlmodel's takes at most 4 columns)
    from sqlmodel import col, select

    from sanlian.db.models import Cadre, Household
    from sanlian.db.models import Link as LinkModel

    after = end_on + dt.timedelta(days=1)
    others = session.exec(
        select(col(LinkModel.start_on), col(LinkModel.end_on), col(LinkModel.section_id)).where(
            col(LinkModel.kind) == "community",
            col(LinkModel.id) != link.id,
            col(LinkModel.community_id) == link.community_id,
            open_from(after),
        )
    ).all()
    stmt = (
        sql_select(
            col(LinkModel.id),
            col(Cadre.name),
            col(Household.name),
            col(LinkModel.start_on),
            col(LinkModel.end_on),
            col(Cadre.section_id),
        )
        .join(Cadre, col(Cadre.id) == col(LinkModel.cadre_id))
        .join(Household, col(Household.id) == col(LinkModel.household_id))
        .where(
            col(LinkModel.kind) == "household",
            col(Household.community_id) == link.community_id,
            open_from(after),
        )
        .order_by(col(LinkModel.id))
    )
    if link.section_id is not None:
        stmt = stmt.where(col(Cadre.section_id) == link.section_id)
    # each pair needs the other links from the day after the end, or its own first day if
    # later (a pair of the next year, covered by that year's link: the year before's link,
    # recorded late, may end), to its last
    pairs = [
        (i, c, h)
        for i, c, h, first, last, section in session.execute(stmt).all()
        if first_uncovered(
            [(s, e) for s, e, unit in others if unit is None or unit == section],
            max(first, after),
            last,
        )
        is not None
    ]
    if pairs:
        from sanlian.db.models import Community

        place = session.get(Community, link.community_id)
        raise RuleError(
            "link_end_pairs_left",
            community=place.name if place is not None else "此社区(村)",
            id=link.id,
            end=end_on.isoformat(),
            count=len(pairs),
            pairs="、".join(f"{c}—“{h}”（联系编号 {i}）" for i, c, h in pairs[:PAIRS_NAMED])
            + ("等" if len(pairs) > PAIRS_NAMED else ""),
            first=pairs[0][0],
        )


def _ref(session: Session, kind: str, ref: str | int, on: dt.date) -> Any:
    """The record ``ref`` names, in use on ``on`` (the link's first day): one retired since
    may be linked for the days before (``_until_retired``)."""
    from sanlian.services import refs

    return refs.resolve(session, kind, ref, on=on)


def _cadre(session: Session, ref: str | int, on: dt.date) -> Cadre:
    record: Cadre = _ref(session, "cadre", ref, on)
    return record


def _until_retired(
    records: Sequence[Any], until: dt.date | None
) -> tuple[dt.date | None, dt.date | None, str]:
    """A link of a record retired since its first day (a transferred cadre's pair recorded
    afterwards) runs at most to the day before the first retirement, as ``remove`` ends the
    links it had. Returns (the link's last day for the checks, the day to end it on when
    ``until`` did not say, the record retired first as a sentence says it); a given last day
    on or after the retirement is refused."""
    from sanlian.services.refs import KIND_LABEL

    gone = [r for r in records if r is not None and r.retired_on is not None]
    if not gone:
        return until, None, ""
    first = min(gone, key=lambda r: r.retired_on)
    last = first.retired_on - dt.timedelta(days=1)
    who = f"{KIND_LABEL[type(first).__name__.lower()]}“{first.name}”"
    if until is not None and until > last:
        raise RuleError(
            "link_after_retired",
            who=who,
            id=first.id,
            day=first.retired_on.isoformat(),
            end=until.isoformat(),
            last=last.isoformat(),
        )
    return (until, None, who) if until is not None else (last, last, who)


def _ended_at_retirement(rows: list[dict[str, Any]], ends: dt.date | None, who: str) -> None:
    """Rows of links ended for a retirement (``_until_retired``) say so (``link_added``)."""
    if ends is None:
        return
    for record in rows:
        record["retired_party"] = who
        record["retired_on"] = (ends + dt.timedelta(days=1)).isoformat()


def cadre_linked(
    session: Session, *, cadre: Cadre, target_kind: str, target_id: int, day: dt.date
) -> bool:
    """Whether ``cadre`` is linked with the target on ``day``.

    A household or an enterprise: the cadre's own link. A community: a community link of the
    cadre's section or of the bureau, or a household link of the cadre in that community.
    """
    from sqlmodel import col, select

    from sanlian.db.models import Household, Link

    stmt: Any
    if target_kind in ("household", "enterprise"):
        column = col(Link.household_id) if target_kind == "household" else col(Link.enterprise_id)
        stmt = select(Link.id).where(
            col(Link.kind) == target_kind,
            col(Link.cadre_id) == cadre.id,
            column == target_id,
            active_on(day),
        )
        return session.exec(stmt.limit(1)).first() is not None
    stmt = select(Link.id).where(
        col(Link.kind) == "community",
        col(Link.community_id) == target_id,
        (col(Link.section_id) == cadre.section_id) | col(Link.section_id).is_(None),
        active_on(day),
    )
    if session.exec(stmt.limit(1)).first() is not None:
        return True
    stmt = (
        select(Link.id)
        .join(Household, col(Household.id) == col(Link.household_id))
        .where(
            col(Link.kind) == "household",
            col(Link.cadre_id) == cadre.id,
            col(Household.community_id) == target_id,
            active_on(day),
        )
    )
    return session.exec(stmt.limit(1)).first() is not None


def listing(
    session: Session,
    *,
    as_of: dt.date,
    limit: int | None = None,
    **filters: Any,
) -> list[dict[str, Any]]:
    """Links as dicts, by number; the first ``limit`` of them when given. ``filters``: those of
    ``_listing_stmt`` (kind, cadre, section, target, ``active`` on ``as_of``, ids)."""
    return list(iter_listing(session, as_of=as_of, limit=limit, **filters))


def iter_listing(
    session: Session,
    *,
    as_of: dt.date,
    limit: int | None = None,
    **filters: Any,
) -> Iterator[dict[str, Any]]:
    """``listing``'s links as they are read: their columns, not ``Link`` objects (at city,
    110,000 links: 4.6 s and 345 MB for ``export link`` as objects)."""
    from sqlmodel import col

    from sanlian.db.models import Link

    stmt = _listing_stmt(session, as_of=as_of, **filters).order_by(col(Link.id))
    if limit is not None:
        stmt = stmt.limit(limit)
    result = session.execute(stmt, execution_options={"yield_per": 2000})
    for r in result.mappings():
        kind = r["kind"]
        if kind == "community":
            section_id, section_name = r["section_id"], r["link_section"] or BUREAU
            target_id, target = r["community_id"], r["community_name"]
        else:
            section_id, section_name = r["cadre_section_id"], r["cadre_section"]
            if kind == "enterprise":
                target_id, target = r["enterprise_id"], r["enterprise_name"]
            else:
                target_id, target = r["household_id"], r["household_name"]
        start_on, end_on = r["start_on"], r["end_on"]
        is_active = start_on <= as_of and (end_on is None or end_on >= as_of)
        yield {
            "id": r["id"],
            "kind": kind,
            "section_id": section_id,
            "section": section_name,
            "cadre_id": r["cadre_id"],
            "cadre": r["cadre_name"],
            "target_id": target_id,
            "target": target,
            "community_id": r["community_id"]
            if kind == "community"
            else r["household_community_id"],
            "community": r["community_name"] if kind == "community" else r["household_community"],
            "enterprise_id": r["enterprise_id"],
            "household_id": r["household_id"],
            "start_on": start_on,
            "end_on": end_on,
            "active": is_active,
            "note": r["note"],
        }


def listing_count(session: Session, *, as_of: dt.date, **filters: Any) -> int:
    """How many links ``listing`` gives for ``filters`` (all of them, whatever its limit)."""
    from sqlalchemy import func, select

    inner = _listing_stmt(session, as_of=as_of, **filters).subquery()
    return int(session.execute(select(func.count()).select_from(inner)).scalar_one())


def _listing_stmt(
    session: Session,
    *,
    as_of: dt.date,
    kind: str | None = None,
    cadre: str | int | None = None,
    section: str | int | None = None,
    community: str | int | None = None,
    enterprise: str | int | None = None,
    household: str | int | None = None,
    active: bool = True,
    ids: Sequence[int] | None = None,
) -> Any:
    """The statement of ``listing``, filtered; ``active`` keeps the links active on ``as_of``
    (else all, history too)."""
    from sqlalchemy import and_, or_, select
    from sqlalchemy.orm import aliased
    from sqlmodel import col

    from sanlian.db.models import Cadre, Community, Enterprise, Household, Link, Section
    from sanlian.i18n import labels
    from sanlian.services import refs

    LinkSection = aliased(Section)
    CadreSection = aliased(Section)
    HouseholdCommunity = aliased(Community)
    link: Any = Link.__table__  # type: ignore[attr-defined]
    columns: list[Any] = [
        *link.c,
        col(LinkSection.name).label("link_section"),
        col(Cadre.name).label("cadre_name"),
        col(Cadre.section_id).label("cadre_section_id"),
        col(CadreSection.name).label("cadre_section"),
        col(Community.name).label("community_name"),
        col(Enterprise.name).label("enterprise_name"),
        col(Household.name).label("household_name"),
        col(HouseholdCommunity.id).label("household_community_id"),
        col(HouseholdCommunity.name).label("household_community"),
    ]
    stmt: Any = select(*columns)
    stmt = (
        stmt.outerjoin(LinkSection, LinkSection.id == Link.section_id)
        .outerjoin(Cadre, col(Cadre.id) == col(Link.cadre_id))
        .outerjoin(CadreSection, CadreSection.id == Cadre.section_id)
        .outerjoin(Community, col(Community.id) == col(Link.community_id))
        .outerjoin(Enterprise, col(Enterprise.id) == col(Link.enterprise_id))
        .outerjoin(Household, col(Household.id) == col(Link.household_id))
        .outerjoin(HouseholdCommunity, HouseholdCommunity.id == Household.community_id)
    )
    if kind is not None:
        stmt = stmt.where(col(Link.kind) == labels.parse(labels.LINK_KIND, kind, "联系类型"))
    if cadre is not None:
        stmt = stmt.where(
            col(Link.cadre_id) == refs.resolve(session, "cadre", cadre, include_retired=True).id
        )
    if section is not None:
        section_id = refs.resolve(session, "section", section, include_retired=True).id
        stmt = stmt.where(
            or_(
                and_(col(Link.kind) == "community", col(Link.section_id) == section_id),
                and_(col(Link.kind) != "community", col(Cadre.section_id) == section_id),
            )
        )
    if community is not None:
        community_id = refs.resolve(session, "community", community, include_retired=True).id
        stmt = stmt.where(
            or_(col(Link.community_id) == community_id, Household.community_id == community_id)
        )
    if enterprise is not None:
        enterprise_id = refs.resolve(session, "enterprise", enterprise, include_retired=True).id
        stmt = stmt.where(col(Link.enterprise_id) == enterprise_id)
    if household is not None:
        household_id = refs.resolve(session, "household", household, include_retired=True).id
        stmt = stmt.where(col(Link.household_id) == household_id)
    if active:
        stmt = stmt.where(active_on(as_of))
    if ids is not None:
        stmt = stmt.where(col(Link.id).in_(list(ids)))
    return stmt


def row(session: Session, link_id: int | None, *, as_of: dt.date) -> dict[str, Any]:
    assert link_id is not None
    return listing(session, ids=[link_id], active=False, as_of=as_of)[0]


def describe(record: dict[str, Any]) -> tuple[str, str]:
    """(who, with whom) of a link row, as sentences name them."""
    if record["kind"] == "community":
        return record["section"], record["target"]
    return f"{record['cadre']}（{record['section']}）", record["target"]
