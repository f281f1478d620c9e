"""Problems (问题/诉求) from raised to solved, each step a dated row of ``problem_step``.

pending (待办) → in_progress (办理中) → resolved (已解决); or unresolvable (无法解决) by close,
a reason required; reopen returns a resolved or closed problem to in_progress; extend moves
the due date of an open one. No step may be dated before the raise or before the latest step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sanlian.errors import NotFoundError, RuleError, ValidationError

if TYPE_CHECKING:
    from sqlmodel import Session

    from sanlian.db.models import Problem

OPEN = ("pending", "in_progress")
# step kind → (statuses it may follow, what the sentence calls it)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "progress": (OPEN, "登记办理进展"),
    "resolve": (OPEN, "办结为“已解决”"),
    "close": (OPEN, "登记为“无法解决”"),
    "reopen": (("resolved", "unresolvable"), "重新办理"),
    "extend": (OPEN, "延期"),
}
STATUS_ALIASES = {"open": OPEN, "未办结": OPEN}


def category_key(kind: str, value: str) -> str:
    """A category valid for problems of a ``kind`` target (key or Chinese label)."""
    from sanlian.i18n import labels

    enum = labels.CATEGORIES[kind]
    try:
        return labels.parse(enum, value, "问题类别")
    except ValidationError:
        choices = "、".join(f"{lab}({key})" for key, lab in enum.items())
        raise ValidationError(
            "problem_category", value=value, kind=labels.TARGET_KIND[kind], choices=choices
        ) from None


def _due_default(session: Session, raised_on: dt.date) -> dt.date:
    from sanlian.services import campaign

    days = campaign.get(session, today=raised_on).campaign.problem_days
    return raised_on + dt.timedelta(days=days)


def _step(
    session: Session,
    problem: Problem,
    kind: str,
    step_on: dt.date,
    *,
    now: dt.datetime,
    operator: str | None,
    note: str | None = None,
    due_on: dt.date | None = None,
    amount_fen: int | None = None,
    measures: Sequence[str] = (),
) -> None:
    from sqlalchemy import insert

    from sanlian.db.models import ProblemStep, StepMeasure

    assert problem.id is not None
    step = ProblemStep(
        problem_id=problem.id,
        kind=kind,
        step_on=step_on,
        note=note,
        due_on=due_on,
        amount_fen=amount_fen,
        operator=operator,
        created_at=now,
    )
    session.add(step)
    session.flush()
    if measures:
        session.execute(insert(StepMeasure), [{"step_id": step.id, "measure": m} for m in measures])
    problem.last_step_on = step_on


def add(
    session: Session,
    *,
    category: str | None,
    text: str | None,
    community: str | int | None = None,
    enterprise: str | int | None = None,
    household: str | int | None = None,
    visit: int | None = None,
    owner: str | int | None = None,
    raised_on: dt.date,
    due_on: dt.date | None = None,
    is_conflict: bool = False,
    now: dt.datetime,
    operator: str | None = None,
) -> dict[str, Any]:
    """Raise a problem against one target (or the target of ``visit``)."""
    from sanlian.db.models import REGISTRY_MODELS, Problem, Visit
    from sanlian.services import refs, validate
    from sanlian.services.visits import TARGET_COLUMN, resolve_target, target_label

    found = resolve_target(
        session,
        community=community,
        enterprise=enterprise,
        household=household,
        what="问题对象",
        required=visit is None,
    )
    if visit is not None:
        seen = session.get(Visit, visit)
        if seen is None:
            raise NotFoundError("visit_not_found", id=visit)
        seen_id = getattr(seen, TARGET_COLUMN[seen.target_kind])
        seen_target: Any = session.get(REGISTRY_MODELS[seen.target_kind], seen_id)
        if found is None:
            found = (seen.target_kind, seen_target)
        elif found[0] != seen.target_kind or found[1].id != seen_id:
            raise ValidationError(
                "problem_visit_target",
                visit=visit,
                visit_target=target_label(seen.target_kind, seen_target.name),
                target=target_label(found[0], found[1].name),
            )
        if raised_on < seen.visited_on:
            raise ValidationError(
                "problem_before_visit",
                date=raised_on.isoformat(),
                visit=visit,
                visit_date=seen.visited_on.isoformat(),
            )
    assert found is not None
    kind, target = found
    if category is None or not str(category).strip():
        raise ValidationError("required", field="问题类别（--category）")
    key = category_key(kind, str(category))
    clean_text = validate.text(text, "问题内容（--text）", required=True, limit=2000)
    owner_id = refs.resolve(session, "cadre", owner).id if owner is not None else None
    if due_on is None:
        due_on = _due_default(session, raised_on)
    elif due_on < raised_on:
        raise ValidationError(
            "problem_due_before_raised", due=due_on.isoformat(), raised=raised_on.isoformat()
        )
    problem = Problem(
        target_kind=kind,
        **{TARGET_COLUMN[kind]: target.id},
        visit_id=visit,
        category=key,
        text=clean_text or "",
        owner_id=owner_id,
        raised_on=raised_on,
        due_on=due_on,
        is_conflict=is_conflict,
        status="pending",
        last_step_on=raised_on,
        created_at=now,
    )
    session.add(problem)
    session.flush()
    _step(
        session,
        problem,
        "raise",
        raised_on,
        now=now,
        operator=operator,
        note=clean_text,
        due_on=due_on,
    )
    session.add(problem)
    session.flush()
    assert problem.id is not None
    return show(session, problem_id=problem.id, as_of=raised_on)


def _get(session: Session, problem_id: int) -> Problem:
    from sanlian.db.models import Problem

    problem = session.get(Problem, problem_id)
    if problem is None:
        raise NotFoundError("problem_not_found", id=problem_id)
    return problem


def _check(problem: Problem, kind: str, step_on: dt.date, field: str) -> None:
    """Refuse an illegal transition or a step dated before the raise or the latest step."""
    from sanlian.i18n.labels import PROBLEM_STATUS
    from sanlian.i18n.messages import render

    allowed, action = TRANSITIONS[kind]
    if problem.status not in allowed:
        if problem.status in OPEN:
            hint = render("problem_hint_open", id=problem.id)
        else:
            hint = render("problem_hint_reopen", id=problem.id)
        raise RuleError(
            "problem_transition",
            id=problem.id,
            status=PROBLEM_STATUS[problem.status],
            action=action,
            hint=hint,
        )
    if step_on < problem.raised_on:
        raise ValidationError(
            "problem_step_before_raise",
            field=field,
            date=step_on.isoformat(),
            id=problem.id,
            raised=problem.raised_on.isoformat(),
        )
    if step_on < problem.last_step_on:
        raise ValidationError(
            "problem_step_before_last",
            field=field,
            date=step_on.isoformat(),
            id=problem.id,
            last=problem.last_step_on.isoformat(),
        )


def _done(session: Session, problem: Problem, step_on: dt.date) -> dict[str, Any]:
    session.add(problem)
    session.flush()
    assert problem.id is not None
    return show(session, problem_id=problem.id, as_of=step_on)


def progress(
    session: Session,
    *,
    problem_id: int,
    note: str | None,
    step_on: dt.date,
    now: dt.datetime,
    operator: str | None = None,
) -> dict[str, Any]:
    """A progress note: pending or in progress → in progress."""
    from sanlian.services import validate

    problem = _get(session, problem_id)
    _check(problem, "progress", step_on, "办理日期")
    text = validate.text(note, "办理情况（--note）", required=True)
    _step(session, problem, "progress", step_on, now=now, operator=operator, note=text)
    problem.status = "in_progress"
    return _done(session, problem, step_on)


def resolve(
    session: Session,
    *,
    problem_id: int,
    how: str | None,
    step_on: dt.date,
    measures: Sequence[str] = (),
    amount: str | Decimal | None = None,
    now: dt.datetime,
    operator: str | None = None,
) -> dict[str, Any]:
    """Resolved: what was done, the measures (送…) and the money in yuan (kept as fen)."""
    from sanlian.i18n import labels
    from sanlian.services import validate

    problem = _get(session, problem_id)
    _check(problem, "resolve", step_on, "解决日期")
    text = validate.text(how, "解决情况（--how）", required=True)
    keys: list[str] = []
    for value in measures:
        key = labels.parse(labels.MEASURE, value, "帮扶措施（--measure）")
        if key not in keys:
            keys.append(key)
    money = validate.money(amount, "资金（--amount）")
    _step(
        session,
        problem,
        "resolve",
        step_on,
        now=now,
        operator=operator,
        note=text,
        amount_fen=validate.to_fen(money),
        measures=keys,
    )
    problem.status = "resolved"
    problem.resolved_on = step_on
    problem.closed_on = None
    return _done(session, problem, step_on)


def close(
    session: Session,
    *,
    problem_id: int,
    reason: str | None,
    step_on: dt.date,
    now: dt.datetime,
    operator: str | None = None,
) -> dict[str, Any]:
    """Cannot be solved (无法解决): the reason is required."""
    from sanlian.services import validate

    problem = _get(session, problem_id)
    _check(problem, "close", step_on, "办结日期")
    text = validate.text(reason, "无法解决的原因（--reason）", required=True)
    _step(session, problem, "close", step_on, now=now, operator=operator, note=text)
    problem.status = "unresolvable"
    problem.closed_on = step_on
    problem.resolved_on = None
    return _done(session, problem, step_on)


def reopen(
    session: Session,
    *,
    problem_id: int,
    reason: str | None,
    step_on: dt.date,
    now: dt.datetime,
    operator: str | None = None,
) -> dict[str, Any]:
    """A resolved or closed problem back to in progress."""
    from sanlian.services import validate

    problem = _get(session, problem_id)
    _check(problem, "reopen", step_on, "重新办理日期")
    text = validate.text(reason, "重新办理的原因（--reason）", required=True)
    _step(session, problem, "reopen", step_on, now=now, operator=operator, note=text)
    problem.status = "in_progress"
    problem.resolved_on = None
    problem.closed_on = None
    return _done(session, problem, step_on)


def extend(
    session: Session,
    *,
    problem_id: int,
    due_on: dt.date,
    reason: str | None,
    step_on: dt.date,
    now: dt.datetime,
    operator: str | None = None,
) -> dict[str, Any]:
    """Move the due date of an open problem later; the status stays."""
    from sanlian.services import validate

    problem = _get(session, problem_id)
    _check(problem, "extend", step_on, "延期日期")
    text = validate.text(reason, "延期原因（--reason）", required=True)
    if due_on <= problem.due_on:
        raise ValidationError(
            "problem_extend_not_later", due=due_on.isoformat(), current=problem.due_on.isoformat()
        )
    _step(session, problem, "extend", step_on, now=now, operator=operator, note=text, due_on=due_on)
    problem.due_on = due_on
    return _done(session, problem, step_on)


def _status_keys(value: str) -> tuple[str, ...]:
    from sanlian.i18n import labels

    text = value.strip()
    if text.lower() in STATUS_ALIASES or text in STATUS_ALIASES:
        return STATUS_ALIASES.get(text.lower(), STATUS_ALIASES.get(text, OPEN))
    try:
        return (labels.parse(labels.PROBLEM_STATUS, text, "问题状态"),)
    except ValidationError:
        choices = "、".join(f"{lab}({key})" for key, lab in labels.PROBLEM_STATUS.items())
        raise ValidationError(
            "enum_invalid", field="问题状态", value=value, choices=f"{choices}、未办结(open)"
        ) from None


def _category_pairs(value: str) -> list[tuple[str, str]]:
    """(target kind, category key) pairs a category names: a key counts for every kind that
    has it (``legal``); a label only for the kinds that use that label (法律服务: households)."""
    from sanlian.i18n import labels

    text = value.strip()
    pairs = [
        (kind, key)
        for kind, enum in labels.CATEGORIES.items()
        for key, lab in enum.items()
        if text.lower() == key or text == lab
    ]
    if not pairs:
        merged: dict[str, str] = {}
        for enum in labels.CATEGORIES.values():
            for key, lab in enum.items():
                merged.setdefault(key, lab)
        choices = "、".join(f"{lab}({key})" for key, lab in merged.items())
        raise ValidationError("enum_invalid", field="问题类别", value=value, choices=choices)
    return pairs


def open_on(day: dt.date) -> Any:
    """SQL condition: the problem was raised by ``day`` and not yet resolved or closed then."""
    from sqlalchemy import and_, func, or_
    from sqlmodel import col

    from sanlian.db.models import Problem

    finished = func.coalesce(col(Problem.resolved_on), col(Problem.closed_on))
    return and_(
        col(Problem.raised_on) <= day,
        or_(col(Problem.status).in_(OPEN), finished > day),
    )


def overdue_on(day: dt.date) -> Any:
    """SQL condition: open on ``day`` and its due date before ``day``."""
    from sqlalchemy import and_
    from sqlmodel import col

    from sanlian.db.models import Problem

    return and_(open_on(day), col(Problem.due_on) < day)


def listing(
    session: Session,
    *,
    as_of: dt.date,
    status: str | None = None,
    overdue: bool = False,
    owner: str | int | None = None,
    section: str | int | None = None,
    category: str | None = None,
    community: str | int | None = None,
    enterprise: str | int | None = None,
    household: str | int | None = None,
    conflict: bool | None = None,
    ids: Sequence[int] | None = None,
) -> list[dict[str, Any]]:
    """Problems as dicts of stored values, with names, the money resolved and overdue days."""
    from sqlalchemy import and_, func, or_, select
    from sqlmodel import col

    from sanlian.db.models import (
        Cadre,
        Community,
        Enterprise,
        Household,
        Problem,
        ProblemStep,
        Section,
    )
    from sanlian.services import refs, validate

    money = (
        select(
            col(ProblemStep.problem_id).label("problem_id"),
            func.sum(col(ProblemStep.amount_fen)).label("fen"),
        )
        .where(col(ProblemStep.kind) == "resolve")
        .group_by(col(ProblemStep.problem_id))
        .subquery()
    )
    columns: list[Any] = [
        Problem,
        Community.name,
        Enterprise.name,
        Household.name,
        Cadre.name,
        Cadre.section_id,
        Section.name,
        money.c.fen,
    ]
    stmt: Any = select(*columns)
    stmt = (
        stmt.outerjoin(Community, col(Community.id) == col(Problem.community_id))
        .outerjoin(Enterprise, col(Enterprise.id) == col(Problem.enterprise_id))
        .outerjoin(Household, col(Household.id) == col(Problem.household_id))
        .outerjoin(Cadre, col(Cadre.id) == col(Problem.owner_id))
        .outerjoin(Section, col(Section.id) == col(Cadre.section_id))
        .outerjoin(money, money.c.problem_id == col(Problem.id))
    )
    if status is not None:
        stmt = stmt.where(col(Problem.status).in_(_status_keys(status)))
    if overdue:
        stmt = stmt.where(overdue_on(as_of))
    if owner is not None:
        owner_id = refs.resolve(session, "cadre", owner, include_retired=True).id
        stmt = stmt.where(col(Problem.owner_id) == owner_id)
    if section is not None:
        section_id = refs.resolve(session, "section", section, include_retired=True).id
        stmt = stmt.where(col(Cadre.section_id) == section_id)
    if category is not None:
        stmt = stmt.where(
            or_(
                *(
                    and_(col(Problem.target_kind) == kind, col(Problem.category) == key)
                    for kind, key in _category_pairs(category)
                )
            )
        )
    for kind, ref, column in (
        ("community", community, Problem.community_id),
        ("enterprise", enterprise, Problem.enterprise_id),
        ("household", household, Problem.household_id),
    ):
        if ref is not None:
            stmt = stmt.where(
                col(column) == refs.resolve(session, kind, ref, include_retired=True).id
            )
    if conflict is not None:
        stmt = stmt.where(col(Problem.is_conflict).is_(conflict))
    if ids is not None:
        stmt = stmt.where(col(Problem.id).in_(list(ids)))
    stmt = stmt.order_by(col(Problem.id))
    rows = []
    for (
        problem,
        community_name,
        enterprise_name,
        household_name,
        owner_name,
        owner_section_id,
        owner_section,
        fen,
    ) in session.execute(stmt).all():
        kind = problem.target_kind
        target_id = {
            "community": problem.community_id,
            "enterprise": problem.enterprise_id,
            "household": problem.household_id,
        }[kind]
        target = {
            "community": community_name,
            "enterprise": enterprise_name,
            "household": household_name,
        }[kind]
        finished = problem.resolved_on or problem.closed_on
        is_open = problem.raised_on <= as_of and (
            problem.status in OPEN or (finished is not None and finished > as_of)
        )
        late = (as_of - problem.due_on).days if is_open and problem.due_on < as_of else None
        rows.append(
            {
                "id": problem.id,
                "target_kind": kind,
                "target_id": target_id,
                "target": target,
                "community_id": problem.community_id,
                "enterprise_id": problem.enterprise_id,
                "household_id": problem.household_id,
                "visit_id": problem.visit_id,
                "category": problem.category,
                "text": problem.text,
                "owner_id": problem.owner_id,
                "owner": owner_name,
                "section_id": owner_section_id,
                "section": owner_section,
                "raised_on": problem.raised_on,
                "due_on": problem.due_on,
                "is_conflict": problem.is_conflict,
                "status": problem.status,
                "resolved_on": problem.resolved_on,
                "closed_on": problem.closed_on,
                "last_step_on": problem.last_step_on,
                "overdue_days": late,
                "amount": validate.from_fen(fen),
            }
        )
    return rows


def timeline(session: Session, *, problem_id: int) -> list[dict[str, Any]]:
    """Every step of the problem, in the order it happened."""
    from sqlmodel import col, select

    from sanlian.db.models import ProblemStep, StepMeasure
    from sanlian.i18n.labels import MEASURE
    from sanlian.services import validate

    steps = session.exec(
        select(ProblemStep)
        .where(col(ProblemStep.problem_id) == problem_id)
        .order_by(col(ProblemStep.step_on), col(ProblemStep.id))
    ).all()
    measures: dict[int, list[str]] = {}
    order = list(MEASURE)
    step_ids = [s.id for s in steps]
    for step_id, measure in session.exec(
        select(StepMeasure.step_id, StepMeasure.measure).where(
            col(StepMeasure.step_id).in_(step_ids)
        )
    ).all():
        measures.setdefault(step_id, []).append(measure)
    return [
        {
            "id": s.id,
            "kind": s.kind,
            "step_on": s.step_on,
            "note": s.note,
            "due_on": s.due_on,
            "amount": validate.from_fen(s.amount_fen),
            "measures": sorted(
                measures.get(s.id or 0, []), key=lambda m: order.index(m) if m in order else 99
            ),
            "operator": s.operator,
        }
        for s in steps
    ]


def show(session: Session, *, problem_id: int, as_of: dt.date) -> dict[str, Any]:
    """The problem with its whole timeline and the measures of its resolutions."""
    found = listing(session, ids=[problem_id], as_of=as_of)
    if not found:
        raise NotFoundError("problem_not_found", id=problem_id)
    record = found[0]
    steps = timeline(session, problem_id=problem_id)
    seen: list[str] = []
    for step in steps:
        for m in step["measures"]:
            if m not in seen:
                seen.append(m)
    record["measures"] = seen
    record["timeline"] = steps
    return record
