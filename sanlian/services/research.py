"""Research reports (调研报告): every cadre writes at least one (八个一 #4).

The topic is free text; the seed's four subjects may be named by key or label and are then
stored as their key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sanlian.errors import NotFoundError, RuleError

if TYPE_CHECKING:
    from sqlmodel import Session

# 重点围绕……进行调查研究 (the seed, 八个一 #4)
TOPIC: dict[str, str] = {
    "development": "影响经济社会发展的重大问题",
    "hotspot": "群众反映的热点难点问题",
    "key_issue": "本部门单位工作推进中的关键性问题",
    "grassroots": "基层工作遇到的新情况新问题",
}


def topic_value(value: str | None) -> str | None:
    """A seed topic's key when the value names one, else the free text as written."""
    from sanlian.services import validate

    text = validate.text(value, "调研方向（--topic）", limit=200)
    if text is None:
        return None
    for key, label in TOPIC.items():
        if text.lower() == key or text == label:
            return key
    return text


def add(
    session: Session,
    *,
    cadre: str | int,
    title: str | None,
    written_on: dt.date,
    topic: str | None = None,
    now: dt.datetime,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Record a report written by ``today``."""
    from sanlian.db.models import Research
    from sanlian.services import refs, validate
    from sanlian.services.visits import check_campaign_year, check_not_future

    check_not_future(written_on, "报告日期", today)
    check_campaign_year(session, written_on, "报告日期")
    author = refs.resolve(session, "cadre", cadre, on=written_on)
    clean_title = validate.line(title, "报告题目（--title）", required=True, limit=200)
    _not_twice(session, author, clean_title or "", written_on.year)
    report = Research(
        cadre_id=author.id,
        title=clean_title or "",
        written_on=written_on,
        topic=topic_value(topic),
        created_at=now,
    )
    session.add(report)
    session.flush()
    assert report.id is not None
    return listing(session, ids=[report.id])[0]


def _not_twice(session: Session, author: Any, title: str, year: int) -> None:
    """Refuse the same cadre's report of the same title again in the same year (``research
    import`` takes such a row for the report on file): the year-end count would count it
    twice. Another year's report of the same title is another report."""
    from sqlmodel import col, select

    from sanlian.db.models import Research

    same = session.exec(
        select(Research)
        .where(col(Research.cadre_id) == author.id, col(Research.title) == title)
        .where(col(Research.written_on).between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
        .order_by(col(Research.id))
    ).first()
    if same is not None:
        from sanlian.services.people import named

        raise RuleError(
            "research_twice",
            cadre=named(session, "cadre", [author])[0],  # a namesake told apart
            title=title,
            id=same.id,
            date=same.written_on.isoformat(),
        )


def remove(session: Session, *, research_id: int) -> dict[str, Any]:
    from sanlian.db.models import Research

    report = session.get(Research, research_id)
    if report is None:
        raise NotFoundError("research_not_found", id=research_id)
    record = listing(session, ids=[research_id])[0]
    session.delete(report)
    session.flush()
    return record


def listing(
    session: Session,
    *,
    cadre: str | int | None = None,
    section: str | int | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    ids: Sequence[int] | None = None,
) -> list[dict[str, Any]]:
    from sqlmodel import col, select

    from sanlian.db.models import Cadre, Research, Section
    from sanlian.services import refs
    from sanlian.services.visits import check_range

    check_range(date_from, date_to)
    stmt: Any = (
        select(Research, Cadre.name, Cadre.section_id, Section.name)
        .join(Cadre, col(Cadre.id) == col(Research.cadre_id))
        .join(Section, col(Section.id) == col(Cadre.section_id))
    )
    if cadre is not None:
        cadre_id = refs.resolve(session, "cadre", cadre, include_retired=True).id
        stmt = stmt.where(col(Research.cadre_id) == cadre_id)
    if section is not None:
        section_id = refs.resolve(session, "section", section, include_retired=True).id
        stmt = stmt.where(col(Cadre.section_id) == section_id)
    if date_from is not None:
        stmt = stmt.where(col(Research.written_on) >= date_from)
    if date_to is not None:
        stmt = stmt.where(col(Research.written_on) <= date_to)
    if ids is not None:
        stmt = stmt.where(col(Research.id).in_(list(ids)))
    stmt = stmt.order_by(col(Research.written_on), col(Research.id))
    return [
        {
            "id": report.id,
            "cadre_id": report.cadre_id,
            "cadre": cadre_name,
            "section_id": section_id,
            "section": section_name,
            "title": report.title,
            "written_on": report.written_on,
            "topic": report.topic,
        }
        for report, cadre_name, section_id, section_name in session.execute(stmt).all()
    ]
