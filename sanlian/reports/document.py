"""Everything the self-inspection report (.docx) shows beyond the figures, gathered once: the
activities, a few research titles and resolved problems, and what ``supervise`` finds. (The
ledgers of every cadre, problem and visit are the workbook's, written as they are read: at city
scale, gathered here for a document that never showed them, they took 13 s and 800 MB.)"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sanlian.reports.figures import SelfCheck
from sanlian.reports.ledgers import ActivityRecord, ProblemRow
from sanlian.reports.supervise import Supervision

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable

    from sqlmodel import Session

EXAMPLES = 3


@dataclass(frozen=True)
class SelfCheckDetail:
    report: SelfCheck
    activities: tuple[ActivityRecord, ...]
    research: tuple[tuple[str, str], ...]  # (author, title) of a few reports
    practical_examples: tuple[ProblemRow, ...]  # resolved problems that are not conflicts
    conflict_examples: tuple[ProblemRow, ...]  # resolved conflicts
    supervision: Supervision


def detail(
    session: Session,
    report: SelfCheck,
    supervision: Callable[[], Supervision] | None = None,
) -> SelfCheckDetail:
    """What the report shows beyond ``report``'s figures. ``supervision`` gives what
    ``supervise`` finds (``supervise_beside``'s), asked for last; else it is worked out here."""
    from sanlian.reports.ledgers import activity_records, problem_rows, research_titles
    from sanlian.reports.supervise import supervise

    p = report.period
    if supervision is None:
        supervision = functools.partial(
            supervise, session, today=p.as_of, as_of=p.as_of, year=report.year
        )
    return SelfCheckDetail(
        report=report,
        activities=tuple(activity_records(session, p)),
        research=tuple(research_titles(session, p)),
        practical_examples=tuple(
            problem_rows(session, p, only_resolved=True, conflicts=False, limit=EXAMPLES)
        ),
        conflict_examples=tuple(
            problem_rows(session, p, only_resolved=True, conflicts=True, limit=EXAMPLES)
        ),
        supervision=supervision(),  # (the arguments are worked out in order: this one last)
    )


def selfcheck_detail(
    session: Session, *, today: dt.date, year: int | None, as_of: dt.date | None
) -> SelfCheckDetail:
    """``figures.selfcheck`` for these arguments and its ``detail``, with what ``supervise``
    finds worked out meanwhile on the other core at city scale (``supervise_beside``: the
    report took 4.4 s in one process, supervise 1.5 s of it)."""
    from sanlian.reports.figures import selfcheck, selfcheck_period
    from sanlian.reports.supervise import supervise_beside

    p = selfcheck_period(session, today=today, year=year, as_of=as_of)
    with supervise_beside(session, p, today=p.as_of, as_of=p.as_of, year=p.year) as found:
        return detail(session, selfcheck(session, today=today, year=year, as_of=as_of), found)
