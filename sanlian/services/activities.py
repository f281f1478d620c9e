"""Activities (活动记录): the events among the "eight ones" and the campaign's own steps.

Kinds are the keys of ``labels.ACTIVITY_KIND``. An organisational life (org_life) is held with
a linked community, village or enterprise before 1 July (七一前夕): one without a partner is
refused (the "eight ones" item is a joint one); one held on or after 1 July, or with a partner
not linked to the participants' sections, the participants or the bureau is recorded all the
same, with a note.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sanlian.errors import AmbiguousError, NotFoundError, RuleError, ValidationError

if TYPE_CHECKING:
    from sqlmodel import Session

    from sanlian.db.models import Cadre

PARTNER_PREFIXES = {
    "社区": "community",
    "村": "community",
    "社区(村)": "community",
    "community": "community",
    "c": "community",
    "企业": "enterprise",
    "enterprise": "enterprise",
    "e": "enterprise",
}


KIND_ALIASES = {
    "实施方案": "plan",
    "组织机构": "organize",
    "领导小组": "organize",
    "动员部署": "mobilize",
    "动员大会": "mobilize",
    "动员会": "mobilize",
    "动员部署会": "mobilize",
    "专题教育": "education",
    "组织生活": "org_life",
    "文明行动": "civility",
    "交流": "exchange",
    "长效机制": "mechanism",
    "总结": "summary",
    "自查": "selfcheck",
    "写出自查报告": "selfcheck",
}


def kind_key(value: str) -> str:
    """An activity kind: key (``org_life`` or ``org-life``), label or short name (组织生活)."""
    from sanlian.i18n import labels

    text = value.strip()
    text = KIND_ALIASES.get(text, text)
    if text.lower().replace("-", "_") in labels.ACTIVITY_KIND:
        text = text.lower().replace("-", "_")
    return labels.parse(labels.ACTIVITY_KIND, text, "活动类型")


def _same_activity_note(session: Session, activity: Any, notes: list[str]) -> None:
    """A note when an activity of the same kind, day, title and partner is on file already."""
    from sqlmodel import col, select

    from sanlian.db.models import Activity
    from sanlian.i18n.messages import render, some_ids

    def same(column: Any, value: Any) -> Any:
        return col(column).is_(None) if value is None else col(column) == value

    found = session.exec(
        select(Activity.id)
        .where(
            col(Activity.kind) == activity.kind,
            col(Activity.held_on) == activity.held_on,
            same(Activity.title, activity.title),
            same(Activity.community_id, activity.community_id),
            same(Activity.enterprise_id, activity.enterprise_id),
            col(Activity.id) != activity.id,
        )
        .order_by(col(Activity.id))
    ).all()
    if found:
        notes.append(
            render(
                "activity_same",
                date=activity.held_on.isoformat(),
                ids=some_ids(found),
                id=activity.id,
            )
        )


def resolve_partner(session: Session, value: str, on: dt.date | None = None) -> tuple[str, Any]:
    """A community or an enterprise: ``社区:3``/``企业:3`` say which; a bare name tries both.
    ``on``: the activity's day (a record retired after it may be named: ``refs.resolve``)."""
    import unicodedata

    from sanlian.errors import SanlianError
    from sanlian.services import refs

    text = unicodedata.normalize("NFKC", str(value)).strip()
    if ":" in text:
        prefix, rest = (part.strip() for part in text.split(":", 1))
        kind = PARTNER_PREFIXES.get(prefix.lower()) or PARTNER_PREFIXES.get(prefix)
        if kind is not None:
            return kind, refs.resolve(session, kind, rest, on=on)
    found: list[tuple[str, Any]] = []
    errors: list[SanlianError] = []
    for kind in ("community", "enterprise"):
        try:
            found.append((kind, refs.resolve(session, kind, text, on=on)))
        except NotFoundError:
            continue
        except SanlianError as exc:  # ambiguous or retired: say so for that kind
            errors.append(exc)
    if len(found) == 1 and not errors:
        return found[0]
    if len(found) > 1:
        raise AmbiguousError(
            "activity_partner_ambiguous",
            ref=value,
            community=f"[{found[0][1].id}] {found[0][1].name}",
            enterprise=f"[{found[1][1].id}] {found[1][1].name}",
        )
    if errors:
        raise errors[0]
    raise NotFoundError("activity_partner_not_found", ref=value)


def _partner_linked(
    session: Session,
    *,
    kind: str,
    partner_id: int,
    cadres: Sequence[Cadre],
    section_id: int | None,
    day: dt.date,
) -> bool:
    """Linked with the participants' sections, the participants, or the bureau, on ``day``."""
    from sqlalchemy import or_
    from sqlmodel import col, select

    from sanlian.db.models import Cadre, Link
    from sanlian.services.links import active_on

    sections = {c.section_id for c in cadres}
    if section_id is not None:
        sections.add(section_id)
    cadre_ids = {c.id for c in cadres}
    stmt: Any
    if kind == "community":
        stmt = select(Link.id).where(
            col(Link.kind) == "community",
            col(Link.community_id) == partner_id,
            active_on(day),
        )
        if sections:
            stmt = stmt.where(
                or_(col(Link.section_id).is_(None), col(Link.section_id).in_(sections))
            )
        return session.exec(stmt.limit(1)).first() is not None
    stmt = (
        select(Link.id)
        .join(Cadre, col(Cadre.id) == col(Link.cadre_id))
        .where(
            col(Link.kind) == "enterprise",
            col(Link.enterprise_id) == partner_id,
            active_on(day),
        )
    )
    if sections or cadre_ids:
        stmt = stmt.where(or_(col(Cadre.section_id).in_(sections), col(Cadre.id).in_(cadre_ids)))
    return session.exec(stmt.limit(1)).first() is not None


# a phase's checklist item recorded as an activity, and its phase: done whatever its date
# (progress ticks it), so a date outside the phase is pointed out
PHASE_OF_KIND = {
    "plan": "mobilise",
    "organize": "mobilise",
    "mobilize": "mobilise",
    "summary": "summarise",
    "selfcheck": "summarise",
}


def _phase_note(session: Session, key: str, held_on: dt.date, notes: list[str]) -> None:
    """A note when an activity of a phase's checklist is dated outside that phase (a
    自查报告 recorded in June, a plan dated before the campaign's first phase)."""
    from sanlian.errors import SanlianError
    from sanlian.i18n.labels import ACTIVITY_KIND
    from sanlian.i18n.messages import render
    from sanlian.services import campaign

    try:
        view = campaign.get(session, today=held_on, year=held_on.year)
    except SanlianError:  # no campaign that year: the date is refused or said elsewhere
        return
    phase = next((p for p in view.phases if p.key == PHASE_OF_KIND[key]), None)
    if phase is None or phase.start_on <= held_on <= phase.end_on:
        return
    notes.append(
        render(
            "activity_outside_phase",
            kind=ACTIVITY_KIND[key],
            date=held_on.isoformat(),
            phase=phase.name,
            start=phase.start_on.isoformat(),
            end=phase.end_on.isoformat(),
        )
    )


def add(
    session: Session,
    *,
    kind: str,
    held_on: dt.date,
    title: str | None = None,
    cadres: Sequence[str | int] = (),
    partner: str | None = None,
    section: str | int | None = None,
    note: str | None = None,
    now: dt.datetime,
    today: dt.date | None = None,
    notes: list[str] | None = None,
) -> dict[str, Any]:
    """Record an activity held by ``today``; an org-life needs its partner, and its late date
    or unlinked partner adds a note."""
    from sqlalchemy import insert

    from sanlian.db.models import Activity, ActivityCadre
    from sanlian.i18n.messages import render
    from sanlian.services import refs, validate
    from sanlian.services.people import named
    from sanlian.services.visits import check_campaign_year, check_not_future, target_label

    key = kind_key(kind)
    check_not_future(held_on, "活动日期", today)
    check_campaign_year(session, held_on, "活动日期")
    people: list[Cadre] = []
    for ref in cadres:
        person = refs.resolve(session, "cadre", ref, on=held_on)
        if all(p.id != person.id for p in people):
            people.append(person)
    section_id = (
        refs.resolve(session, "section", section, on=held_on).id if section is not None else None
    )
    found = (
        resolve_partner(session, partner, held_on)
        if partner is not None and partner.strip()
        else None
    )
    if key == "org_life" and found is None:  # 共同过: held with the linked party
        raise ValidationError("activity_org_life_no_partner")
    if key == "civility" and found is not None and found[0] == "enterprise":
        raise RuleError("activity_civility_enterprise", name=found[1].name)  # 进社区
    activity = Activity(
        kind=key,
        held_on=held_on,
        title=validate.line(title, "活动名称（--title）", limit=200),
        section_id=section_id,
        note=validate.text(note, "备注", limit=1000),
        created_at=now,
    )
    if found is not None:
        setattr(activity, f"{found[0]}_id", found[1].id)
    session.add(activity)
    session.flush()
    if people:
        session.execute(
            insert(ActivityCadre), [{"activity_id": activity.id, "cadre_id": p.id} for p in people]
        )
    if notes is not None:
        _same_activity_note(session, activity, notes)
    if notes is not None and key in PHASE_OF_KIND:
        _phase_note(session, key, held_on, notes)
    if key == "org_life" and notes is not None:
        if held_on >= dt.date(held_on.year, 7, 1):
            notes.append(
                render("activity_org_life_late", date=held_on.isoformat(), year=held_on.year)
            )
        if found is not None and not _partner_linked(
            session,
            kind=found[0],
            partner_id=found[1].id,
            cadres=people,
            section_id=section_id,
            day=held_on,
        ):
            notes.append(
                render(
                    "activity_partner_unlinked",
                    partner=target_label(found[0], named(session, found[0], [found[1]])[0]),
                    date=held_on.isoformat(),
                )
            )
    assert activity.id is not None
    return listing(session, ids=[activity.id])[0]


def remove(session: Session, *, activity_id: int) -> dict[str, Any]:
    from sanlian.db.models import Activity

    activity = session.get(Activity, activity_id)
    if activity is None:
        raise NotFoundError("activity_not_found", id=activity_id)
    record = listing(session, ids=[activity_id])[0]
    session.delete(activity)
    session.flush()
    return record


def listing(
    session: Session,
    *,
    kind: str | None = None,
    cadre: str | int | None = None,
    section: str | int | None = None,
    partner: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    ids: Sequence[int] | None = None,
    labelled: bool = False,
) -> list[dict[str, Any]]:
    """Activities as dicts of stored values, with the partner's and participants' names.

    ``section`` keeps those organised by the section or with a participant from it.
    ``labelled``: the participants and the partner named as a clerk reads them, a namesake
    told apart (``张伟（办公室）``: ``reports.common.namesake_labels``); else by their plain
    names (the JSON's values).
    """
    from sqlalchemy import or_
    from sqlmodel import col, select

    from sanlian.db.models import Activity, ActivityCadre, Cadre, Community, Enterprise, Section
    from sanlian.services import refs
    from sanlian.services.visits import check_range

    check_range(date_from, date_to)
    stmt: Any = (
        select(Activity, Community.name, Enterprise.name, Section.name)
        .outerjoin(Community, col(Community.id) == col(Activity.community_id))
        .outerjoin(Enterprise, col(Enterprise.id) == col(Activity.enterprise_id))
        .outerjoin(Section, col(Section.id) == col(Activity.section_id))
    )
    if kind is not None:
        stmt = stmt.where(col(Activity.kind) == kind_key(kind))
    if cadre is not None:
        cadre_id = refs.resolve(session, "cadre", cadre, include_retired=True).id
        stmt = stmt.where(
            col(Activity.id).in_(
                select(ActivityCadre.activity_id).where(col(ActivityCadre.cadre_id) == cadre_id)
            )
        )
    if section is not None:
        section_id = refs.resolve(session, "section", section, include_retired=True).id
        stmt = stmt.where(
            or_(
                col(Activity.section_id) == section_id,
                col(Activity.id).in_(
                    select(ActivityCadre.activity_id)
                    .join(Cadre, col(Cadre.id) == col(ActivityCadre.cadre_id))
                    .where(col(Cadre.section_id) == section_id)
                ),
            )
        )
    if partner is not None:
        wanted, record = resolve_partner(session, partner)
        column = Activity.community_id if wanted == "community" else Activity.enterprise_id
        stmt = stmt.where(col(column) == record.id)
    if date_from is not None:
        stmt = stmt.where(col(Activity.held_on) >= date_from)
    if date_to is not None:
        stmt = stmt.where(col(Activity.held_on) <= date_to)
    if ids is not None:
        stmt = stmt.where(col(Activity.id).in_(list(ids)))
    stmt = stmt.order_by(col(Activity.held_on), col(Activity.id))
    found = session.execute(stmt).all()
    from sanlian.services.people import cadres_of

    people = cadres_of(session, ActivityCadre, "activity_id", [a.id for a, *_ in found])
    labels: dict[str, dict[int, str]] = {"cadre": {}, "community": {}, "enterprise": {}}
    if labelled:
        from sanlian.reports.common import namesake_labels

        for kind_of in labels:  # every namesake's, read once
            labels[kind_of] = namesake_labels(session, kind_of)
    rows = []
    for activity, community_name, enterprise_name, section_name in found:
        who = people.get(activity.id, [])
        partner_kind: str | None
        partner_name: str | None
        if activity.community_id is not None:
            partner_kind = "community"
            partner_name = labels["community"].get(activity.community_id, community_name)
        elif activity.enterprise_id is not None:
            partner_kind = "enterprise"
            partner_name = labels["enterprise"].get(activity.enterprise_id, enterprise_name)
        else:
            partner_kind, partner_name = None, None
        rows.append(
            {
                "id": activity.id,
                "kind": activity.kind,
                "held_on": activity.held_on,
                "title": activity.title,
                "section_id": activity.section_id,
                "section": section_name,
                "partner_kind": partner_kind,
                "partner": partner_name,
                "community_id": activity.community_id,
                "enterprise_id": activity.enterprise_id,
                "cadre_ids": [i for i, _n in who],
                "cadres": [labels["cadre"].get(i, n) for i, n in who],
                "before_july": activity.held_on < dt.date(activity.held_on.year, 7, 1)
                if activity.kind == "org_life"
                else None,
                "note": activity.note,
            }
        )
    return rows
