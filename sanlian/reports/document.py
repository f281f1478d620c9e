"""Everything the self-inspection files (.xlsx, .docx) show beyond the figures, gathered once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sanlian.reports.figures import SelfCheck
from sanlian.reports.ledgers import ActivityRecord, CadreRow, ProblemRow, VisitRow
from sanlian.reports.supervise import Supervision

if TYPE_CHECKING:
    from sqlmodel import Session

EXAMPLES = 3


@dataclass(frozen=True)
class SelfCheckDetail:
    report: SelfCheck
    cadres: tuple[CadreRow, ...]
    problems: tuple[ProblemRow, ...]
    visits: tuple[VisitRow, ...]
    activities: tuple[ActivityRecord, ...]
    research: tuple[tuple[str, str], ...]  # (author, title) of a few reports
    practical_examples: tuple[ProblemRow, ...]  # resolved problems that are not conflicts
    conflict_examples: tuple[ProblemRow, ...]  # resolved conflicts
    supervision: Supervision


def detail(session: Session, report: SelfCheck) -> SelfCheckDetail:
    from sanlian.reports.ledgers import (
        activity_records,
        cadre_rows,
        problem_rows,
        research_titles,
        visit_rows,
    )
    from sanlian.reports.supervise import supervise

    p = report.period
    return SelfCheckDetail(
        report=report,
        cadres=tuple(cadre_rows(session, p)),
        problems=tuple(problem_rows(session, p)),
        visits=tuple(visit_rows(session, p)),
        activities=tuple(activity_records(session, p)),
        research=tuple(research_titles(session, p)),
        practical_examples=tuple(
            problem_rows(session, p, only_resolved=True, conflicts=False, limit=EXAMPLES)
        ),
        conflict_examples=tuple(
            problem_rows(session, p, only_resolved=True, conflicts=True, limit=EXAMPLES)
        ),
        supervision=supervise(session, today=p.as_of, as_of=p.as_of, year=report.year),
    )
