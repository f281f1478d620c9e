"""What the rows of one import look up over and over and never change: the campaigns' spans,
the records the rows name, the links of their cadres.

A visit import checked every row's date against every campaign (a query), resolved its cadres
and target again by id, and asked for each cadre whether it was linked with the target on the
day (one to two queries each): most of its time. A ``Lookups`` answers the same questions
from what it has read once for the import, the first time each is asked. The answers are the
services' own: ``visits.campaign_spans``, ``refs.resolve``, and ``links.cadre_linked``'s rule,
held as each cadre's links (``tests/test_lookups.py`` compares it with ``cadre_linked``).

Only for a run of writes that adds visits or problems: they change no campaign, record or link.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlmodel import Session

    from sanlian.db.models import Cadre

# (first day, last day or None) of a link
Span = tuple[dt.date, "dt.date | None"]


def active(spans: list[Span], day: dt.date) -> bool:
    """Whether one of the links is active on ``day`` (``links.active_on``'s rule)."""
    return any(start <= day and (end is None or end >= day) for start, end in spans)


def resolved(
    session: Session,
    kind: str,
    ref: str | int,
    lookups: Lookups | None,
    on: dt.date | None = None,
) -> Any:
    """``refs.resolve``'s record, through an import's ``lookups`` when it has them."""
    if lookups is not None:
        return lookups.resolve(kind, ref, on)
    from sanlian.services import refs

    return refs.resolve(session, kind, ref, on=on)


class Lookups:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._spans: list[tuple[int, dt.date, dt.date]] | None = None
        self._records: dict[tuple[str, str], Any] = {}
        # a cadre's own links: (kind, enterprise or household id) → spans, and ("in",
        # community id) → the spans of its household links in that community
        self._own: dict[int, dict[tuple[str, int], list[Span]]] = {}
        # a community's community links: (section id or None for the bureau, first, last day)
        self._communities: dict[int, list[tuple[int | None, dt.date, dt.date | None]]] = {}

    def spans(self) -> list[tuple[int, dt.date, dt.date]]:
        if self._spans is None:
            from sanlian.services.visits import campaign_spans

            self._spans = campaign_spans(self.session)
        return self._spans

    def resolve(self, kind: str, ref: str | int, on: dt.date | None = None) -> Any:
        """``refs.resolve``'s record (a refusal is not kept: it is asked again). What names a
        record in use is kept; one retired after ``on`` is asked for each day."""
        from sanlian.errors import ValidationError
        from sanlian.services import refs

        key = (kind, str(ref))
        found = self._records.get(key)
        if found is None:
            try:
                found = refs.resolve(self.session, kind, ref)
            except ValidationError as exc:
                if on is None or exc.key != "ref_retired":
                    raise
                return refs.resolve(self.session, kind, ref, on=on)
            self._records[key] = found
        return found

    def linked(self, cadre: Cadre, target_kind: str, target_id: int, day: dt.date) -> bool:
        """``links.cadre_linked``: whether ``cadre`` is linked with the target on ``day``."""
        assert cadre.id is not None
        own = self._own.get(cadre.id)
        if own is None:
            own = self._own[cadre.id] = self._own_links(cadre.id)
        if target_kind in ("household", "enterprise"):
            return active(own.get((target_kind, target_id), []), day)
        community = self._communities.get(target_id)
        if community is None:
            community = self._communities[target_id] = self._community_links(target_id)
        section = cadre.section_id
        spans = [(s, e) for sid, s, e in community if sid is None or sid == section]
        return active(spans, day) or active(own.get(("in", target_id), []), day)

    def _own_links(self, cadre_id: int) -> dict[tuple[str, int], list[Span]]:
        from sqlalchemy import select

        from sanlian.db.models import Household, Link

        link: Any = Link.__table__  # type: ignore[attr-defined]
        household: Any = Household.__table__  # type: ignore[attr-defined]
        k, h = link.c, household.c
        stmt = (
            select(k.kind, k.enterprise_id, k.household_id, h.community_id, k.start_on, k.end_on)
            .select_from(link.outerjoin(household, h.id == k.household_id))
            .where(k.cadre_id == cadre_id, k.kind.in_(("household", "enterprise")))
        )
        out: dict[tuple[str, int], list[Span]] = {}
        for kind, enterprise_id, household_id, community_id, start, end in self.session.execute(
            stmt
        ):
            span = (start, end)
            if kind == "enterprise":
                out.setdefault(("enterprise", enterprise_id), []).append(span)
            else:
                out.setdefault(("household", household_id), []).append(span)
                if community_id is not None:
                    out.setdefault(("in", community_id), []).append(span)
        return out

    def _community_links(
        self, community_id: int
    ) -> list[tuple[int | None, dt.date, dt.date | None]]:
        from sqlalchemy import select

        from sanlian.db.models import Link

        k: Any = Link.__table__.c  # type: ignore[attr-defined]
        stmt = select(k.section_id, k.start_on, k.end_on).where(
            k.kind == "community", k.community_id == community_id
        )
        return [(sid, start, end) for sid, start, end in self.session.execute(stmt)]
