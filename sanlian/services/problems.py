"""Problems (问题/诉求) from raised to solved, each step a dated row of ``problem_step``.

pending (待办) → in_progress (办理中) → resolved (已解决); or unresolvable (无法解决) by close,
a reason required; reopen returns a resolved or closed problem to in_progress; extend moves
the due date of an open one. No step may be dated before the raise or before the latest step,
nor after today (a step records what has happened). An owner changed by ``edit`` on an open
problem is a ``progress`` step too (a handover: its ``owner_id`` set), so the timeline says
who was responsible when; a handover is no progress: the status stays as it was (a pending
problem handed over is still pending), wherever the status is rebuilt from the steps
(``is_handover``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sanlian.errors import NotFoundError, RuleError, ValidationError

if TYPE_CHECKING:
    from sqlmodel import Session

    from sanlian.db.models import Problem
    from sanlian.services.lookups import Lookups

OPEN = ("pending", "in_progress")


def is_handover(step: Any) -> Any:
    """Whether a step (``problem_step``'s columns) is a handover: a ``progress`` step with the
    cadre the problem was given to. A handover is no progress: it leaves the status as it was
    (as an extension does), so the status of a day is that of the latest other step."""
    from sqlalchemy import and_

    return and_(step.kind == "progress", step.owner_id.is_not(None))


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
        return labels.parse(enum, value, "问题类别", CATEGORY_WORDS.get(kind))
    except ValidationError:
        choices = "、".join(f"{lab}({key})" for key, lab in enum.items())
        text = value.strip()
        elsewhere = any(
            text.lower() in other or text in other.values() or text in CATEGORY_WORDS.get(k, {})
            for k, other in labels.CATEGORIES.items()
        )
        if not elsewhere:  # no kind's category at all: unknown, not "for another kind"
            raise ValidationError(
                "enum_invalid", field="问题类别", value=value, choices=choices
            ) from None
        raise ValidationError(
            "problem_category", value=value, kind=labels.TARGET_KIND[kind], choices=choices
        ) from None


# How ledgers often write a problem's category, besides its label and key, by target kind.
CATEGORY_WORDS: dict[str, dict[str, str]] = {
    "household": {
        "培训": "training",
        "技能": "training",
        "就业": "employment",
        "再就业": "employment",
        "上学": "schooling",
        "看病": "medical",
        "医疗": "medical",
        "致富": "income",
        "政策": "policy",
        "法律": "legal",
        "法律援助": "legal",
        "捐款": "donation",
        "捐物": "donation",
    },
    "enterprise": {
        "融资": "funds",
        "贷款": "funds",
        "用地": "land",
        "科技": "technology",
        "用工": "talent",
        "招工": "talent",
    },
    "community": {
        "规划": "planning",
        "宣传": "publicity",
        "政策宣传": "publicity",
        "环境": "environment",
        "设施": "facilities",
        "基础设施": "facilities",
        "纠纷": "dispute",
        "矛盾": "dispute",
    },
}


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
    handed_to: int | None = None,
) -> None:
    """A step of ``problem``'s timeline; ``handed_to``: a handover to that cadre (from the
    problem's owner until then)."""
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
        owner_id=handed_to,
        previous_owner_id=problem.owner_id if handed_to is not None else None,
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
    today: dt.date | None = None,
    operator: str | None = None,
    lookups: Lookups | None = None,
    detail: bool = True,
    notes: list[str] | None = None,
) -> dict[str, Any]:
    """Raise a problem against one target (or the target of ``visit``); not after ``today``.
    ``notes``: a note is added when the same problem (target, day, category, text) is on file
    already, typed twice most likely.

    An import passes its ``lookups`` and asks for no ``detail``: the new problem's id alone,
    not ``show``'s record."""
    from sanlian.db.models import REGISTRY_MODELS, Problem, Visit
    from sanlian.services import validate
    from sanlian.services.visits import (
        TARGET_COLUMN,
        check_in_campaign,
        check_not_future,
        resolve_target,
        target_label,
    )

    check_not_future(raised_on, "提出日期", today)
    check_in_campaign(session, raised_on, "提出日期", lookups)  # as a visit's date
    found = resolve_target(
        session,
        community=community,
        enterprise=enterprise,
        household=household,
        what="问题对象",
        required=visit is None,
        lookups=lookups,
        on=raised_on,
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
            from sanlian.services.people import named

            # the two, namesakes most likely (王秀英 of two communities), told apart
            (seen_name,) = named(session, seen.target_kind, [seen_target])
            (found_name,) = named(session, found[0], [found[1]])
            raise ValidationError(
                "problem_visit_target",
                visit=visit,
                visit_target=target_label(seen.target_kind, seen_name),
                target=target_label(found[0], found_name),
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
    is_conflict = is_conflict or key in CONFLICT_CATEGORIES  # a dispute is a social conflict
    clean_text = validate.text(text, "问题内容（--text）", required=True, limit=2000)
    owner_id = None
    owner_left: Any = None  # the owner, if they have left since (the problem back-filled)
    if owner is not None:
        person = _owner_of_raise(session, owner, raised_on, lookups)
        owner_id = person.id
        if person.retired_on is not None:
            owner_left = person
    due_given = due_on is not None  # (a default past the year is no mistake to undo)
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
    if notes is not None:
        _same_problem_note(session, problem, target, notes)
        if owner_left is not None:
            notes.append(_handover_note(problem, owner_left, today))
        if due_given:
            _due_after_year_note(problem, notes)
        if lookups is None and today is not None and due_on < today:  # typed, late
            from sanlian.i18n.messages import render

            notes.append(
                render(
                    "problem_added_overdue",
                    id=problem.id,
                    due=due_on.isoformat(),
                    raised=raised_on.isoformat(),
                    days=(today - due_on).days,
                )
            )
    if not detail:
        return {"id": problem.id}
    return show(session, problem_id=problem.id, as_of=raised_on)


def _owner_of_raise(
    session: Session, owner: str | int, raised_on: dt.date, lookups: Lookups | None
) -> Any:
    """The cadre ``owner`` names as a new problem's owner: one in use now (a namesake who has
    left is passed by), else one who was on the roster the day it was raised and has left
    since (a problem of before, back-filled: its later steps wait for a handover, as
    ``_check_owner_on_roster`` has it). One off the roster that day is refused, saying so."""
    from sanlian.services.lookups import resolved

    try:  # one in use now: who answers for it from now on
        return resolved(session, "cadre", owner, lookups)
    except ValidationError as exc:
        if exc.key not in ("ref_retired", "ref_retired_on"):
            raise
    try:  # one who has left since the day it was raised
        return resolved(session, "cadre", owner, lookups, on=raised_on)
    except ValidationError as exc:  # one who had left by then: said so, and what to do
        if exc.key not in ("ref_retired", "ref_retired_on"):
            raise
        raise RuleError(
            "problem_owner_retired_on",
            name=str(exc.params.get("ref", owner)),
            id=exc.params["id"],
            day=exc.params.get("day", ""),
            on=raised_on.isoformat(),
        ) from None


def _due_after_year_note(problem: Problem, notes: list[str] | None) -> None:
    """A note when ``problem``'s due date is after the end of the campaign year it was raised
    in: the year's self-inspection counts it open at most, never overdue."""
    from sanlian.i18n.messages import render

    end = dt.date(problem.raised_on.year, 12, 31)
    if notes is not None and problem.due_on > end:
        notes.append(
            render(
                "problem_due_after_year",
                id=problem.id,
                due=problem.due_on.isoformat(),
                year=end.year,
                end=end.isoformat(),
            )
        )


def _handover_note(problem: Problem, owner: Any, today: dt.date | None) -> str:
    """A note that ``problem``, raised before its ``owner`` left and open, is to be handed
    over: the steps from the day they left are a new owner's (``problem edit --owner``)."""
    from sanlian.i18n.messages import render

    left: dt.date = owner.retired_on
    on = "" if today is not None and left > today else f" --date {left.isoformat()}"
    return render(
        "problem_owner_leaves",
        id=problem.id,
        name=owner.name,
        owner=owner.id,
        left=left.isoformat(),
        on=on,
    )


def _same_problem_note(session: Session, problem: Problem, target: Any, notes: list[str]) -> None:
    """A note when a problem of the same target, day, category and text is on file already."""
    from sqlmodel import col, select

    from sanlian.db.models import Problem
    from sanlian.i18n.messages import render, some_ids
    from sanlian.services.people import named
    from sanlian.services.visits import TARGET_COLUMN, target_label

    column = getattr(Problem, TARGET_COLUMN[problem.target_kind])
    same = session.exec(
        select(Problem.id)
        .where(
            col(Problem.target_kind) == problem.target_kind,
            col(column) == target.id,
            col(Problem.raised_on) == problem.raised_on,
            col(Problem.category) == problem.category,
            col(Problem.text) == problem.text,
            col(Problem.id) != problem.id,
        )
        .order_by(col(Problem.id))
    ).all()
    if same:
        notes.append(
            render(
                "problem_same",
                date=problem.raised_on.isoformat(),
                # the other problem is of this very target: a namesake told apart
                target=target_label(
                    problem.target_kind, named(session, problem.target_kind, [target])[0]
                ),
                ids=some_ids(same),
                id=problem.id,
            )
        )


def remove(
    session: Session, *, problem_id: int, today: dt.date, force: bool = False
) -> dict[str, Any]:
    """Delete a problem recorded by mistake (twice, or on the wrong target or day) with its
    timeline; one handled since it was raised needs ``force`` (its handling goes with it).
    Each row is deleted one by one, so that the journal holds them and ``undo`` brings them
    back. Returns the problem as it was, with ``steps``: how many steps went with it."""
    from sqlmodel import col, select

    from sanlian.db.models import ProblemStep, StepMeasure

    problem = _get(session, problem_id)
    record = show(session, problem_id=problem_id, as_of=today)
    steps = list(
        session.exec(
            select(ProblemStep)
            .where(col(ProblemStep.problem_id) == problem_id)
            .order_by(col(ProblemStep.id).desc())
        ).all()
    )
    handled = [s for s in steps if s.kind != "raise"]
    if handled and not force:
        raise RuleError("problem_remove_handled", id=problem_id, count=len(handled))
    ids = [s.id for s in steps]
    for measure in session.exec(select(StepMeasure).where(col(StepMeasure.step_id).in_(ids))):
        session.delete(measure)
    session.flush()
    for step in steps:
        session.delete(step)
    session.flush()
    session.delete(problem)
    session.flush()
    return record | {"steps": len(handled)}


def _get(session: Session, problem_id: int) -> Problem:
    from sanlian.db.models import Problem

    problem = session.get(Problem, problem_id)
    if problem is None:
        raise NotFoundError("problem_not_found", id=problem_id)
    return problem


def _check(
    problem: Problem,
    kind: str,
    step_on: dt.date,
    field: str,
    today: dt.date | None,
    *,
    handover: bool = False,
) -> None:
    """Refuse an illegal transition, or a step dated before the raise or the latest step or
    after ``today``, or (but a ``handover``) on or after the day its owner left."""
    from sanlian.i18n.labels import PROBLEM_STATUS
    from sanlian.i18n.messages import render
    from sanlian.services.visits import check_not_future

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
    check_not_future(step_on, field, today)
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
    if not handover:
        _check_owner_on_roster(problem, step_on)


def _check_owner_on_roster(problem: Problem, step_on: dt.date) -> None:
    """Refuse a step dated on or after the day the problem's owner left the roster: the work
    is a new owner's, who is named first (``problem edit --owner --date``)."""
    from sqlalchemy.orm import object_session

    from sanlian.db.models import Cadre

    session = object_session(problem)
    owner = session.get(Cadre, problem.owner_id) if session and problem.owner_id else None
    if owner is None or owner.retired_on is None or step_on < owner.retired_on:
        return
    raise RuleError(
        "problem_owner_left",
        id=problem.id,
        name=owner.name,
        owner=owner.id,
        left=owner.retired_on.isoformat(),
        date=step_on.isoformat(),
        handover=max(owner.retired_on, problem.last_step_on).isoformat(),
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
    today: dt.date | None = None,
    operator: str | None = None,
) -> dict[str, Any]:
    """A progress note: pending or in progress → in progress."""
    from sanlian.services import validate

    problem = _get(session, problem_id)
    _check(problem, "progress", step_on, "办理日期", today)
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
    today: dt.date | None = None,
    operator: str | None = None,
    notes: list[str] | None = None,
) -> dict[str, Any]:
    """Resolved: what was done, the measures (送…) and the money in yuan (kept as fen; 0 is no
    money, none kept, as ``edit --amount 0`` clears it).

    The money of every resolution counts (a problem reopened and resolved again may well
    have needed more); when money was recorded on an earlier resolution and is given again,
    a note asks the clerk not to enter the same money twice.
    """
    from sqlalchemy import func, select
    from sqlmodel import col

    from sanlian.db.models import ProblemStep
    from sanlian.i18n import labels
    from sanlian.i18n.messages import render
    from sanlian.services import validate

    problem = _get(session, problem_id)
    _check(problem, "resolve", step_on, "解决日期", today)
    text = validate.text(how, "解决情况（--how）", required=True)
    keys: list[str] = []
    for value in measures:
        key = labels.parse(labels.MEASURE, value, "帮扶措施（--measure）")
        if key not in keys:
            keys.append(key)
    money = validate.money(amount, "资金（--amount）") or None  # 0: no money, as in ``edit``
    if money is not None and notes is not None:
        earlier = session.execute(
            select(func.sum(col(ProblemStep.amount_fen))).where(
                col(ProblemStep.problem_id) == problem_id, col(ProblemStep.kind) == "resolve"
            )
        ).scalar()
        if earlier:
            notes.append(
                render(
                    "problem_money_again",
                    id=problem_id,
                    amount=f"{validate.from_fen(earlier):,.2f}",
                )
            )
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


# step kind → (its date's field, its reason's field, the status it leaves)
_SETTLING = {
    "close": ("办结日期", "无法解决的原因（--reason）", "unresolvable"),
    "reopen": ("重新办理日期", "重新办理的原因（--reason）", "in_progress"),
}


def _with_reason(
    session: Session,
    kind: str,
    *,
    problem_id: int,
    reason: str | None,
    step_on: dt.date,
    now: dt.datetime,
    today: dt.date | None,
    operator: str | None,
) -> dict[str, Any]:
    """A step that needs a reason and settles the status: close (无法解决) or reopen."""
    from sanlian.services import validate

    date_field, reason_field, status = _SETTLING[kind]
    problem = _get(session, problem_id)
    # a reopened problem of an owner who has left is open again, to be handed over (an edit
    # of the owner of a finished one corrects it): the reopening is the office's, not theirs
    _check(problem, kind, step_on, date_field, today, handover=kind == "reopen")
    text = validate.text(reason, reason_field, required=True)
    _step(session, problem, kind, step_on, now=now, operator=operator, note=text)
    problem.status = status
    problem.resolved_on = None
    problem.closed_on = step_on if status == "unresolvable" else None
    return _done(session, problem, step_on)


def close(
    session: Session,
    *,
    problem_id: int,
    reason: str | None,
    step_on: dt.date,
    now: dt.datetime,
    today: dt.date | None = None,
    operator: str | None = None,
) -> dict[str, Any]:
    """Cannot be solved (无法解决): the reason is required."""
    return _with_reason(
        session,
        "close",
        problem_id=problem_id,
        reason=reason,
        step_on=step_on,
        now=now,
        today=today,
        operator=operator,
    )


def reopen(
    session: Session,
    *,
    problem_id: int,
    reason: str | None,
    step_on: dt.date,
    now: dt.datetime,
    today: dt.date | None = None,
    operator: str | None = None,
) -> dict[str, Any]:
    """A resolved or closed problem back to in progress."""
    return _with_reason(
        session,
        "reopen",
        problem_id=problem_id,
        reason=reason,
        step_on=step_on,
        now=now,
        today=today,
        operator=operator,
    )


def extend(
    session: Session,
    *,
    problem_id: int,
    due_on: dt.date,
    reason: str | None,
    step_on: dt.date,
    now: dt.datetime,
    today: dt.date | None = None,
    operator: str | None = None,
    notes: list[str] | None = None,
) -> dict[str, Any]:
    """Move the due date of an open problem later; the status stays. ``notes``: a note when
    the new date is after the end of the campaign year (``_due_after_year_note``)."""
    from sanlian.services import validate

    problem = _get(session, problem_id)
    _check(problem, "extend", step_on, "延期日期", today)
    text = validate.text(reason, "延期原因（--reason）", required=True)
    if due_on <= problem.due_on:
        raise ValidationError(
            "problem_extend_not_later", due=due_on.isoformat(), current=problem.due_on.isoformat()
        )
    if due_on < step_on:  # overdue still, its days counted afresh: a red card would turn yellow
        raise ValidationError("problem_extend_past", due=due_on.isoformat(), on=step_on.isoformat())
    _step(session, problem, "extend", step_on, now=now, operator=operator, note=text, due_on=due_on)
    problem.due_on = due_on
    _due_after_year_note(problem, notes)
    return _done(session, problem, step_on)


def edit(
    session: Session,
    *,
    problem_id: int,
    owner: str | int | None = None,
    category: str | None = None,
    text: str | None = None,
    is_conflict: bool | None = None,
    resolution: Resolution | None = None,
    step_on: dt.date,
    now: dt.datetime,
    today: dt.date | None = None,
    operator: str | None = None,
    notes: list[str] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """Change the owner, category, text or conflict flag, or correct the latest resolution;
    returns the record and what changed.

    A new owner must be on the roster. On an open problem the change is a handover, a
    ``progress`` step dated ``step_on`` with the new owner, that leaves the status as it was
    (a pending problem stays pending: nobody has worked on it yet); on a finished one no step is written, since a step after its resolution would reopen it in
    the timeline, and a note says so. Text, category and the conflict flag are corrections
    of the record and leave the timeline alone; so is ``resolution`` (see ``_correct``).
    """
    from sanlian.db.models import Cadre, Section
    from sanlian.i18n.labels import PROBLEM_STATUS
    from sanlian.i18n.messages import render
    from sanlian.services import refs, validate

    problem = _get(session, problem_id)
    given = (owner, category, text, is_conflict)
    if all(v is None for v in given) and (resolution is None or not resolution.given):
        raise ValidationError("nothing_to_edit")
    changed: list[str] = []
    if resolution is not None and resolution.given:
        changed += _correct(session, problem, resolution, today)
    if category is not None:
        if not str(category).strip():
            raise ValidationError("required", field="问题类别（--category）")
        key = category_key(problem.target_kind, str(category))
        if key != problem.category:
            problem.category = key
            changed.append("问题类别")
            if key in CONFLICT_CATEGORIES and is_conflict is None:
                is_conflict = True  # a dispute is a social conflict (八个一 #7)
    if text is not None:
        clean = validate.text(text, "问题内容（--text）", required=True, limit=2000) or ""
        if clean != problem.text:
            problem.text = clean
            changed.append("问题内容")
    if is_conflict is False and problem.category in CONFLICT_CATEGORIES:
        from sanlian.i18n.labels import CATEGORIES

        raise RuleError(
            "problem_conflict_category",
            id=problem.id,
            category=CATEGORIES[problem.target_kind][problem.category],
        )
    if is_conflict is not None and is_conflict != problem.is_conflict:
        problem.is_conflict = is_conflict
        changed.append("矛盾纠纷标记")
    if owner is not None:
        person: Cadre = refs.resolve(session, "cadre", owner, include_retired=True)
        if person.retired_on is not None:
            raise RuleError("problem_owner_retired", name=person.name, id=person.id)
        if person.id != problem.owner_id:

            def who(cadre: Cadre) -> str:
                section = session.get(Section, cadre.section_id)
                return f"{cadre.name}（{section.name}）" if section else cadre.name

            old = session.get(Cadre, problem.owner_id) if problem.owner_id else None
            note = (
                render("problem_owner_changed", old=who(old), new=who(person))
                if old is not None
                else render("problem_owner_set", new=who(person))
            )
            if problem.status in OPEN:
                _check(problem, "progress", step_on, "更换日期", today, handover=True)
                _step(
                    session,
                    problem,
                    "progress",
                    step_on,
                    now=now,
                    operator=operator,
                    note=note,
                    handed_to=person.id,
                )  # (no progress: the status stays)
            elif notes is not None:
                notes.append(
                    render(
                        "problem_owner_finished",
                        id=problem.id,
                        status=PROBLEM_STATUS[problem.status],
                    )
                )
            problem.owner_id = person.id
            changed.append(note)
    session.add(problem)
    session.flush()
    return show(session, problem_id=problem_id, as_of=step_on), changed


@dataclass(frozen=True)
class Resolution:
    """Corrections of a resolved problem's latest resolution (``problem edit``); ``None``: not
    given. ``measures`` empty: none (the clerk wrote 无)."""

    how: str | None = None
    amount: str | None = None
    measures: Sequence[str] | None = None
    day: dt.date | None = None

    @property
    def given(self) -> bool:
        return any(v is not None for v in (self.how, self.amount, self.measures, self.day))


def _correct(
    session: Session, problem: Problem, fix: Resolution, today: dt.date | None
) -> list[str]:
    """Correct the resolve step that made ``problem`` resolved (what was done, the measures,
    the money, the day): a correction of the record, as a wrong figure typed at the time is,
    not a new step. Only a resolved problem has one to correct; the day stays after the step
    before it and not after today. Returns what changed, for the message."""
    from sqlalchemy import delete, insert, select
    from sqlmodel import col

    from sanlian.db.models import ProblemStep, StepMeasure
    from sanlian.i18n import labels
    from sanlian.i18n.labels import PROBLEM_STATUS
    from sanlian.services import validate
    from sanlian.services.visits import check_not_future

    if problem.status != "resolved":
        from sanlian.i18n.messages import render

        after = "unresolvable" if problem.status == "unresolvable" else "open"
        raise RuleError(
            "problem_resolution_none",
            id=problem.id,
            status=PROBLEM_STATUS[problem.status],
            hint=render(f"problem_resolve_{after}", id=problem.id),
        )
    steps = session.scalars(
        select(ProblemStep)
        .where(col(ProblemStep.problem_id) == problem.id)
        .order_by(col(ProblemStep.step_on).desc(), col(ProblemStep.id).desc())
        .limit(2)
    ).all()
    step = steps[0]
    if step.kind != "resolve":  # (a resolved problem's latest step resolved it)
        raise RuleError("problem_resolution_none", id=problem.id, status="已解决", hint="")
    changed: list[str] = []
    if fix.how is not None:
        how = validate.text(fix.how, "解决情况（--how）", required=True)
        if how != step.note:
            step.note = how
            changed.append("解决情况")
    if fix.amount is not None:
        money = validate.money(fix.amount, "资金（--amount）")
        fen = validate.to_fen(money) or None  # 0 or empty: no money
        if fen != (step.amount_fen or None):

            def yuan(value: int | None) -> str:
                amount = validate.from_fen(value)
                return f"{amount:,.2f} 元" if amount else "无"

            changed.append(f"资金（{yuan(step.amount_fen)} → {yuan(fen)}）")
            step.amount_fen = fen
    if fix.measures is not None:
        keys: list[str] = []
        for value in fix.measures:
            key = labels.parse(labels.MEASURE, value, "帮扶措施（--measure）", {"无": "", "": ""})
            if key and key not in keys:
                keys.append(key)
        if (
            keys
            and len(keys) < len(fix.measures)
            and any(not v.strip() or v.strip() == "无" for v in fix.measures)
        ):
            raise ValidationError("measure_none_and_some")
        held = set(
            session.scalars(
                select(col(StepMeasure.measure)).where(col(StepMeasure.step_id) == step.id)
            ).all()
        )
        if set(keys) != held:
            was = "、".join(v for k, v in labels.MEASURE.items() if k in held) or "无"
            gone = held - set(keys)
            if gone:
                session.execute(
                    delete(StepMeasure).where(
                        col(StepMeasure.step_id) == step.id, col(StepMeasure.measure).in_(gone)
                    )
                )
            new = [{"step_id": step.id, "measure": k} for k in keys if k not in held]
            if new:
                session.execute(insert(StepMeasure), new)
            words = "、".join(v for k, v in labels.MEASURE.items() if k in keys) or "无"
            changed.append(f"帮扶措施（{was} → {words}）")
    if fix.day is not None and fix.day != step.step_on:
        field = "解决日期（--resolved-on）"
        check_not_future(fix.day, field, today)
        before = steps[1] if len(steps) > 1 else None  # (the raise at least)
        if before is not None and fix.day < before.step_on:
            raise ValidationError(
                "problem_resolution_before",
                field=field,
                date=fix.day.isoformat(),
                id=problem.id,
                step=labels.PROBLEM_STEP.get(before.kind, before.kind),
                last=before.step_on.isoformat(),
            )
        changed.append(f"解决日期（{step.step_on.isoformat()} → {fix.day.isoformat()}）")
        step.step_on = fix.day
        problem.resolved_on = fix.day
        problem.last_step_on = fix.day
    session.add(step)
    return changed


# categories whose problems are social conflicts (矛盾纠纷) whatever the flag given: resolved,
# each counts for 八个一 #7 (化解一些社会矛盾)
CONFLICT_CATEGORIES = frozenset({"dispute"})


def visit_day(session: Session, visit_id: int) -> dt.date | None:
    """The day of visit ``visit_id`` (``None``: no such visit; ``add`` says so)."""
    from sanlian.db.models import Visit

    seen = session.get(Visit, visit_id)
    return seen.visited_on if seen is not None else None


def status_keys(value: str) -> tuple[str, ...]:
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
        if text.lower() == key or text == lab or CATEGORY_WORDS.get(kind, {}).get(text) == key
    ]
    if not pairs:
        merged: dict[str, str] = {}
        for enum in labels.CATEGORIES.values():
            for key, lab in enum.items():
                merged.setdefault(key, lab)
        choices = "、".join(f"{lab}({key})" for key, lab in merged.items())
        raise ValidationError("enum_invalid", field="问题类别", value=value, choices=choices)
    return pairs


def listing(
    session: Session,
    *,
    as_of: dt.date,
    limit: int | None = None,
    **filters: Any,
) -> list[dict[str, Any]]:
    """Problems as dicts of stored values, with names, the money resolved and overdue days, by
    number; the first ``limit`` of them when given. ``filters``: those of ``_listing_stmt``
    (``on_day``, ``status``, ``overdue``, the owner, section, category, target …), where the
    rules of ``as_of`` and ``on_day`` are told."""
    return list(iter_listing(session, as_of=as_of, limit=limit, **filters))


def iter_listing(
    session: Session,
    *,
    as_of: dt.date,
    limit: int | None = None,
    **filters: Any,
) -> Iterator[dict[str, Any]]:
    """``listing``'s problems as they are read (a server-side cursor on PostgreSQL)."""
    from sanlian.services import validate

    stmt = _listing_stmt(session, as_of=as_of, **filters)
    stmt = stmt.order_by(stmt.selected_columns["id"])
    if limit is not None:
        stmt = stmt.limit(limit)
    result = session.execute(stmt, execution_options={"yield_per": 2000})
    for r in result.mappings():
        kind = r["target_kind"]
        target_id = r[TARGET_ID[kind]]
        target = r[f"{kind}_name"]
        finished = r["resolved_on"] or r["closed_on"]
        is_open = r["raised_on"] <= as_of and (
            r["status"] in OPEN or (finished is not None and finished > as_of)
        )
        # days past due: on the as-of day while open, else on the day it was finished
        until = as_of if is_open else finished if r["raised_on"] <= as_of else None
        late = (until - r["due_on"]).days if until is not None and r["due_on"] < until else None
        retired_on = r["owner_retired_on"]
        yield (
            {
                "id": r["id"],
                "target_kind": kind,
                "target_id": target_id,
                "target": target,
                "community_id": r["community_id"],
                "enterprise_id": r["enterprise_id"],
                "household_id": r["household_id"],
                "visit_id": r["visit_id"],
                "category": r["category"],
                "text": r["text"],
                "owner_id": r["owner_id"],
                "owner": r["owner_name"],
                "owner_retired": retired_on is not None and retired_on <= as_of,
                "section_id": r["owner_section_id"],
                "section": r["owner_section"],
                "raised_on": r["raised_on"],
                "due_on": r["due_on"],
                "is_conflict": bool(r["is_conflict"]),
                "status": r["status"],
                "resolved_on": r["resolved_on"],
                "closed_on": r["closed_on"],
                "last_step_on": r["last_step_on"],
                "overdue_days": late,
                "amount": validate.from_fen(r["fen"]),
            }
        )


def listing_count(session: Session, *, as_of: dt.date, **filters: Any) -> int:
    """How many problems ``listing`` gives for ``filters`` (all of them, whatever its limit)."""
    from sqlalchemy import func, select

    inner = _listing_stmt(session, as_of=as_of, **filters).subquery()
    return int(session.execute(select(func.count()).select_from(inner)).scalar_one())


def _listing_stmt(
    session: Session,
    *,
    as_of: dt.date,
    on_day: bool = False,
    status: str | None = None,
    overdue: bool = False,
    owner: str | int | None = None,
    owner_retired: bool = False,
    section: str | int | None = None,
    category: str | None = None,
    community: str | int | None = None,
    enterprise: str | int | None = None,
    household: str | int | None = None,
    conflict: bool | None = None,
    ids: Sequence[int] | None = None,
) -> Any:
    """The statement of ``listing``: the problems with the columns it reads, filtered.

    Overdue days are counted on ``as_of``. With ``on_day`` the whole listing is of that day:
    only problems raised by then, each with its status, dates and due date as its timeline
    stood at the end of the day (``reports.common.problem_as_of``), the money of resolutions
    dated up to then, and the status and overdue filters judged on it. Without, the problems
    are as they stand now. ``owner_retired`` keeps problems whose owner was off the roster on
    ``as_of``; every row says whether its owner was (``owner_retired``).
    """
    from sqlalchemy import and_, func, or_, select

    from sanlian.reports.common import problem_open, tables, unindexed
    from sanlian.services import refs

    t = tables(as_of if on_day else None)
    pr, st, cd, sc = t.problem.c, t.problem_step.c, t.cadre.c, t.section.c
    co, en, ho = t.community.c, t.enterprise.c, t.household.c
    resolved_money = [st.kind == "resolve"]
    if on_day:
        resolved_money.append(st.step_on <= as_of)
    # The money of resolutions: for a listing narrowed to a cadre, a section, a target or
    # given problems, each row's own steps summed through the step index; for the others,
    # every step grouped once (at city, 200,000 problems: grouping 70 ms, whoever is listed).
    narrow = ids is not None or any(
        ref is not None for ref in (owner, section, community, enterprise, household)
    )
    fen: Any
    if narrow:
        fen = (
            select(func.sum(st.amount_fen))
            .where(st.problem_id == pr.id, *resolved_money)
            .scalar_subquery()
            .label("fen")
        )
    else:
        money = (
            select(st.problem_id.label("problem_id"), func.sum(st.amount_fen).label("fen"))
            .where(*resolved_money)
            .group_by(st.problem_id)
            .subquery()
        )
        fen = money.c.fen
    stmt: Any = (
        select(
            *pr,
            co.name.label("community_name"),
            en.name.label("enterprise_name"),
            ho.name.label("household_name"),
            cd.name.label("owner_name"),
            cd.section_id.label("owner_section_id"),
            cd.retired_on.label("owner_retired_on"),
            sc.name.label("owner_section"),
            fen,
        )
        .select_from(t.problem)
        .outerjoin(t.community, co.id == pr.community_id)
        .outerjoin(t.enterprise, en.id == pr.enterprise_id)
        .outerjoin(t.household, ho.id == pr.household_id)
        .outerjoin(t.cadre, cd.id == pr.owner_id)
        .outerjoin(t.section, sc.id == cd.section_id)
    )
    if not narrow:
        stmt = stmt.outerjoin(money, money.c.problem_id == pr.id)
    # Narrowed to a cadre, a section or a target, the rows are found through that one's index:
    # the status, raise and due dates are compared through none (no statistics: the planner
    # took the status index, every open problem of a city, 140 ms for a section's 1,300)
    plain: Callable[..., Any] = unindexed if narrow else (lambda clause, *_columns: clause)
    if on_day:
        stmt = stmt.where(plain(pr.raised_on <= as_of, pr.raised_on))
    if status is not None:
        stmt = stmt.where(plain(pr.status.in_(status_keys(status)), pr.status))
    if overdue:
        stmt = stmt.where(
            plain(problem_open(t, as_of), pr.status, pr.raised_on),
            plain(pr.due_on < as_of, pr.due_on),
        )
    if owner is not None:
        owner_id = refs.resolve(session, "cadre", owner, include_retired=True).id
        stmt = stmt.where(pr.owner_id == owner_id)
    if owner_retired:
        stmt = stmt.where(cd.retired_on.is_not(None), cd.retired_on <= as_of)
    if section is not None:
        section_id = refs.resolve(session, "section", section, include_retired=True).id
        members = select(cd.id).where(cd.section_id == section_id)  # by ``owner_id``'s index
        stmt = stmt.where(pr.owner_id.in_(members.scalar_subquery()))
    if category is not None:
        stmt = stmt.where(
            or_(
                *(
                    and_(pr.target_kind == kind, pr.category == key)
                    for kind, key in _category_pairs(category)
                )
            )
        )
    for kind, ref, column in (
        ("community", community, pr.community_id),
        ("enterprise", enterprise, pr.enterprise_id),
        ("household", household, pr.household_id),
    ):
        if ref is not None:
            stmt = stmt.where(column == refs.resolve(session, kind, ref, include_retired=True).id)
    if conflict is not None:
        stmt = stmt.where(pr.is_conflict.is_(conflict))
    if ids is not None:
        stmt = stmt.where(pr.id.in_(list(ids)))
    return stmt


TARGET_ID = {
    "community": "community_id",
    "enterprise": "enterprise_id",
    "household": "household_id",
}


def timeline(
    session: Session, *, problem_id: int, until: dt.date | None = None
) -> list[dict[str, Any]]:
    """Every step of the problem (``until``: those dated on or before that day), in the order
    it happened."""
    from sqlmodel import col, select

    from sanlian.db.models import ProblemStep, StepMeasure
    from sanlian.i18n.labels import MEASURE
    from sanlian.services import validate

    where = [col(ProblemStep.problem_id) == problem_id]
    if until is not None:
        where.append(col(ProblemStep.step_on) <= until)
    steps = session.exec(
        select(ProblemStep).where(*where).order_by(col(ProblemStep.step_on), col(ProblemStep.id))
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
            "handed_to": s.owner_id,  # a handover: the cadre it was given to (else None)
        }
        for s in steps
    ]


def show(
    session: Session, *, problem_id: int, as_of: dt.date, on_day: bool = False
) -> dict[str, Any]:
    """The problem with its whole timeline and the measures of its resolutions. With
    ``on_day`` it is shown as it stood at the end of ``as_of``: its status and dates then, and
    the steps taken by that day."""
    found = listing(session, ids=[problem_id], as_of=as_of, on_day=on_day)
    if not found:
        if on_day and listing(session, ids=[problem_id], as_of=as_of):
            raise NotFoundError("problem_not_yet_raised", id=problem_id, day=as_of)
        raise NotFoundError("problem_not_found", id=problem_id)
    record = found[0]
    steps = timeline(session, problem_id=problem_id, until=as_of if on_day else None)
    seen: list[str] = []
    for step in steps:
        for m in step["measures"]:
            if m not in seen:
                seen.append(m)
    record["measures"] = seen
    record["timeline"] = steps
    return record
