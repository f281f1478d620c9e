"""Everything the self-inspection report (.docx) shows beyond the figures, gathered once: the
activities, a few research titles and resolved problems, and what ``supervise`` finds. (The
ledgers of every cadre, problem and visit are the workbook's, written as they are read: at city
scale, gathered here for a document that never showed them, they took 13 s and 800 MB.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sanlian.reports.figures import SelfCheck
from sanlian.reports.ledgers import ActivityRecord, ProblemRow
from sanlian.reports.supervise import Supervision

if TYPE_CHECKING:
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


def detail(session: Session, report: SelfCheck) -> SelfCheckDetail:
    from sanlian.reports.ledgers import activity_records, problem_rows, research_titles
    from sanlian.reports.supervise import supervise

    p = report.period
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
        supervision=supervise(session, today=p.as_of, as_of=p.as_of, year=report.year),
    )
