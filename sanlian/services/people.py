"""Who took part: the cadres of visits and activities, read in one query per 500 records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlmodel import Session

CHUNK = 500  # ids per IN (…): well under SQLite's limit on bound parameters


def cadres_of(
    session: Session, link: Any, owner: str, ids: Sequence[int]
) -> dict[int, list[tuple[int, str]]]:
    """``{record id: [(cadre id, name), …]}`` through the link table ``link`` (VisitCadre,
    ActivityCadre), whose column ``owner`` holds the record's id; cadres in number order."""
    from sqlmodel import col, select

    from sanlian.db.models import Cadre

    owner_column = col(getattr(link, owner))
    people: dict[int, list[tuple[int, str]]] = {}
    for start in range(0, len(ids), CHUNK):
        part = list(ids[start : start + CHUNK])
        rows = session.execute(
            select(owner_column, col(Cadre.id), col(Cadre.name))
            .join(Cadre, col(Cadre.id) == col(link.cadre_id))
            .where(owner_column.in_(part))
            .order_by(owner_column, col(Cadre.id))
        ).all()
        for record_id, cadre_id, name in rows:
            people.setdefault(record_id, []).append((cadre_id, name))
    return people


def named(session: Session, kind: str, records: Sequence[Any]) -> list[str]:
    """How a message names each of ``records`` (cadres, households, communities or enterprises
    of ``kind``): by name, a namesake told apart as the reports do (``张伟（办公室）``,
    ``王秀英（和平社区）``: ``reports.common.namesake_labels``)."""
    from sanlian.reports.common import namesake_labels

    labels = namesake_labels(session, kind, [r.id for r in records])
    return [labels.get(r.id, r.name) for r in records]
