"""``problem``: problems raised (问题/诉求) and their life, every step dated and kept."""

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sanlian.cli.context import state
from sanlian.cli.options import (
    AsOfOpt,
    DateOpt,
    Fmt,
    FormatOpt,
    OutputOpt,
    RevealOpt,
    at_most_id,
    fmt_value,
    output_opt,
)
from sanlian.cli.output import Col, choose_format, render_record, render_rows
from sanlian.i18n.labels import (
    CATEGORIES,
    MEASURE,
    PROBLEM_STATUS,
    PROBLEM_STEP,
    TARGET_KIND,
)

if TYPE_CHECKING:
    from sqlmodel import Session

app = typer.Typer(no_args_is_help=True)

IdArg = Annotated[
    int,
    typer.Argument(callback=at_most_id, help="问题编号（见 problem list）。", show_default=False),
]
CommunityOpt = Annotated[
    str | None, typer.Option("--community", help="提出问题的社区或村（编号、名称或拼音）。")
]
EnterpriseOpt = Annotated[str | None, typer.Option("--enterprise", help="提出问题的企业。")]
HouseholdOpt = Annotated[str | None, typer.Option("--household", help="提出问题的联系户。")]


def _categories_help() -> str:
    parts = [
        f"{TARGET_KIND[kind]}：" + "/".join(f"{lab}({key})" for key, lab in enum.items())
        for kind, enum in CATEGORIES.items()
    ]
    return "问题类别，按对象而定。" + "；".join(parts) + "。"


def _money(value: Any) -> str:
    return "" if value is None else f"{value:,.2f}"


def _list_text(enum: dict[str, str]) -> Callable[[Any], str]:
    def text(values: Any) -> str:
        return "、".join(enum.get(v, v) for v in values or [])

    return text


COLS = [
    Col("id", "编号"),
    Col("target_kind", "对象类型", TARGET_KIND, screen=False),
    Col("target", "对象"),
    Col("category_label", "类别"),
    Col("text", "问题"),
    Col("owner_label", "责任人"),
    Col("section", "科室", screen=False),
    Col("raised_on", "提出日期"),
    Col("due_on", "办理期限"),
    Col("status", "状态", PROBLEM_STATUS),
    Col("is_conflict", "矛盾", kind="bool"),
    Col("overdue_days", "超期(天)"),
    Col("amount", "资金(元)", kind="money", fmt=_money),
]
SHOW_COLS = [
    *COLS[:8],
    Col("due_on", "办理期限"),
    Col("status", "状态", PROBLEM_STATUS),
    Col("is_conflict", "矛盾纠纷", kind="bool"),
    Col("visit_id", "来源走访"),
    Col("resolved_on", "解决日期"),
    Col("closed_on", "办结(无法解决)日期"),
    Col("last_step_on", "最近一步"),
    Col("overdue_days", "超期天数"),
    Col("measures", "帮扶措施", fmt=_list_text(MEASURE)),
    Col("amount", "资金合计(元，历次解决之和)", kind="money", fmt=_money),
]
# a handover is stored as a progress step with the new owner: shown as what it is
STEP_LABELS = {**PROBLEM_STEP, "handover": "改派"}
STEP_COLS = [
    Col("step_on", "日期"),
    Col("kind", "环节", STEP_LABELS),
    Col("note", "内容"),
    Col("due_on", "期限"),
    Col("measures", "措施", fmt=_list_text(MEASURE)),
    Col("amount", "资金(元)", kind="money", fmt=_money),
    Col("operator", "操作人"),
]


def _labelled(
    rows: list[dict[str, Any]], targets: dict[str, dict[int, str]] | None = None
) -> list[dict[str, Any]]:
    """Rows for people to read (``_label``), which are returned."""
    for r in rows:
        _label(r, targets)
    return rows


def _iter_labelled(
    rows: Iterable[dict[str, Any]], targets: dict[str, dict[int, str]] | None = None
) -> Iterator[dict[str, Any]]:
    """``_labelled``, a row at a time as ``rows`` are read."""
    for r in rows:
        _label(r, targets)
        yield r


def _label(r: dict[str, Any], targets: dict[str, dict[int, str]] | None = None) -> None:
    """The category shown by the label of its target's kind, and an owner off the roster
    marked as such: added to the row itself (copies of 200,000 rows took 300 MB); the target,
    a namesake, told apart as ``targets`` (``_target_labels``) name it (not in JSON)."""
    r["category_label"] = CATEGORIES[r["target_kind"]].get(r["category"], r["category"])
    owner = r.get("owner")
    r["owner_label"] = f"{owner}（已停用）" if owner and r.get("owner_retired") else owner
    if targets:
        r["target"] = targets[r["target_kind"]].get(r["target_id"], r["target"])


LABEL_PART = 2_000  # rows streamed to a file or pipe labelled at a time (``_iter_streamed``)


def _iter_streamed(session: "Session", rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """``_iter_labelled`` for rows streamed to a file or pipe, read ``LABEL_PART`` at a time:
    the targets of a part told apart by their own labels (a section's or an owner's problems:
    a city's 30,000 households' labels took 0.17 s), every namesake's label read once after
    ``common.LABELS_READ_WHOLE`` rows (a listing of them all)."""
    import itertools

    from sanlian.reports.common import LABELS_READ_WHOLE

    rows = iter(rows)
    every: dict[str, dict[int, str]] | None = None
    seen = 0
    while part := list(itertools.islice(rows, LABEL_PART)):
        seen += len(part)
        if every is None and seen > LABELS_READ_WHOLE:
            every = _target_labels(session, None)
        yield from _iter_labelled(part, every or _target_labels(session, part))


def _target_labels(
    session: "Session", rows: Sequence[dict[str, Any]] | None
) -> dict[str, dict[int, str]]:
    """How the namesakes among the targets of ``rows`` (``None``: of every problem) are named,
    kind → id → label: ``王秀英（和平社区）``, as ``visit list`` names them."""
    from sanlian.reports.common import namesake_labels

    kinds = ("community", "enterprise", "household")
    if rows is None:  # every namesake's label, read once
        return {kind: namesake_labels(session, kind) for kind in kinds}
    return {
        kind: namesake_labels(
            session, kind, {r["target_id"] for r in rows if r["target_kind"] == kind}
        )
        for kind in kinds
    }


def _target_said(session: "Session", record: dict[str, Any]) -> str:
    """``联系户“王秀英（和平社区）”``: a problem's target as a confirmation and the history
    say it, a namesake told apart (``_target_labels``)."""
    kind = record["target_kind"]
    name = _target_labels(session, [record])[kind].get(record["target_id"], record["target"])
    return f"{TARGET_KIND[kind]}“{name}”"


def _stepped(record: dict[str, Any], action: str) -> None:
    from sanlian.i18n.messages import render

    typer.echo(
        render(
            "problem_stepped",
            id=record["id"],
            action=action,
            status=PROBLEM_STATUS[record["status"]],
        )
    )


@app.command("add")
def add(
    community: CommunityOpt = None,
    enterprise: EnterpriseOpt = None,
    household: HouseholdOpt = None,
    visit: Annotated[
        int | None,
        typer.Option(
            "--visit",
            callback=at_most_id,
            help="由哪次走访提出（走访编号）；不写对象时取该走访的对象，不写 --date 时取走访的日期。",
        ),
    ] = None,
    category: Annotated[str | None, typer.Option("--category", help=_categories_help())] = None,
    text: Annotated[str | None, typer.Option("--text", help="问题或诉求的内容。")] = None,
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner", help="责任干部：提出那天在册的干部（此后已停用的，登记后请改派）。"
        ),
    ] = None,
    date: DateOpt = None,
    due: Annotated[
        str | None, typer.Option("--due", help="办理期限；默认提出日期加活动规定的办理时限。")
    ] = None,
    conflict: Annotated[
        bool, typer.Option("--conflict", help="属于矛盾纠纷（化解社会矛盾）。")
    ] = False,
) -> None:
    """登记联系对象提出的一个问题（诉求、困难）。"""
    from sanlian.i18n.messages import render
    from sanlian.services import problems
    from sanlian.services.clock import now

    st = state()
    notes: list[str] = []
    with st.session(write=True) as session:
        raised_on = st.date(session, date, "提出日期")
        if date is None and visit is not None:  # raised on the visit, unless said otherwise
            raised_on = problems.visit_day(session, visit) or raised_on
        record = problems.add(
            session,
            community=community,
            enterprise=enterprise,
            household=household,
            visit=visit,
            category=category,
            text=text,
            owner=owner,
            raised_on=raised_on,
            due_on=st.optional_date(session, due, "办理期限"),
            is_conflict=conflict,
            now=now(),
            today=st.today,
            operator=st.who,
            notes=notes,
        )
        target = _target_said(session, record)
        st.journal(session, "problem add", f"登记问题 {record['id']}：{target}")
    for line in notes:
        st.note(line)
    category_label = CATEGORIES[record["target_kind"]][record["category"]]
    typer.echo(
        render(
            "problem_added",
            id=record["id"],
            target=target,
            category=category_label,
            raised=record["raised_on"],
            due=record["due_on"],
        )
    )


NoteReq = Annotated[str | None, typer.Option("--note", help="办理情况。")]
ReasonOpt = Annotated[str | None, typer.Option("--reason", help="原因（必填）。")]


def _step(
    step: str,
    problem_id: int,
    date: str | None,
    date_label: str,
    journal: str,
    action: str | Callable[[dict[str, Any]], str],
    **values: Any,
) -> None:
    """One step of a problem's timeline: the service call, the journal line, the answer.

    ``values`` go to ``problems.<step>``; ``values["dates"]``, if given, maps more of its
    arguments to (the text typed, the field's label) and is read as dates first.
    """
    from sanlian.services import problems
    from sanlian.services.clock import now

    st = state()
    notes: list[str] = []
    with st.session(write=True) as session:
        dates = {k: st.date(session, v, label) for k, (v, label) in values.pop("dates", {}).items()}
        step_on = st.date(session, date, date_label)
        record = getattr(problems, step)(
            session,
            problem_id=problem_id,
            step_on=step_on,
            now=now(),
            today=st.today,
            operator=st.who,
            **values,
            **dates,
            **({"notes": notes} if step in ("resolve", "extend") else {}),
        )
        said = action(record) if callable(action) else action
        st.journal(session, f"problem {step}", journal.format(id=problem_id, action=said))
    if step == "reopen":
        notes += _reopen_notes(record, problem_id, step_on)
    for text in notes:
        st.note(text)
    _stepped(record, said)


def _reopen_notes(record: dict[str, Any], problem_id: int, step_on: dt.date) -> list[str]:
    """What a clerk should know on reopening: the money and measures of the withdrawn
    resolution leave the statistics until it is resolved again; and a due date gone by."""
    from decimal import Decimal

    from sanlian.i18n.labels import MEASURE
    from sanlian.i18n.messages import render

    notes = []
    amount, measures = Decimal(record.get("amount") or 0), record.get("measures") or []
    if amount or measures:
        said = [f"资金 {amount:,.2f} 元"] if amount else []
        said += (
            ["措施（" + "、".join(MEASURE.get(m, m) for m in measures) + "）"] if measures else []
        )
        again = "；再次解决时原先的资金仍一并累计" if amount else ""
        notes.append(
            render("problem_reopened_money", id=problem_id, what="和".join(said), again=again)
        )
    if record["due_on"] is not None and str(record["due_on"]) < str(step_on):
        notes.append(render("problem_reopened_overdue", id=problem_id, due=record["due_on"]))
    return notes


@app.command("remove")
def remove(
    problem_id: IdArg,
    force: Annotated[
        bool,
        typer.Option("--force", help="已有办理记录（进展、解决、延期等）时仍删除，连同这些记录。"),
    ] = False,
) -> None:
    """删除登记错了的问题（重复登记、对象或日期写错），连同它的办理记录；可用 undo 撤销。"""
    from sanlian.i18n.messages import render
    from sanlian.services import problems
    from sanlian.services.validate import mask_numbers_anywhere

    st = state()
    with st.session(write=True) as session:
        record = problems.remove(session, problem_id=problem_id, today=st.today, force=force)
        target = _target_said(session, record)
        st.journal(session, "problem remove", f"删除问题 {problem_id}：{target}")
    steps = f"（连同 {record['steps']} 条办理记录）" if record["steps"] else ""
    text = mask_numbers_anywhere(str(record["text"]))
    typer.echo(render("problem_removed", id=problem_id, target=target, text=text, steps=steps))


@app.command("progress")
def progress(problem_id: IdArg, note: NoteReq = None, date: DateOpt = None) -> None:
    """登记办理进展：待办或办理中 → 办理中。"""
    _step("progress", problem_id, date, "办理日期", "问题 {id} {action}", "登记办理进展", note=note)


@app.command("resolve")
def resolve(
    problem_id: IdArg,
    how: Annotated[str | None, typer.Option("--how", help="怎样解决的（必填）。")] = None,
    measure: Annotated[
        list[str] | None,
        typer.Option(
            "--measure",
            help="帮扶措施，可写多个：" + "/".join(f"{v}({k})" for k, v in MEASURE.items()) + "。",
            show_default=False,
        ),
    ] = None,
    amount: Annotated[
        str | None,
        typer.Option(
            "--amount",
            help="涉及资金（元，最多两位小数），如 12345.67、1.5万；没有资金不写（写 0 同样记为无）。",
        ),
    ] = None,
    date: DateOpt = None,
) -> None:
    """登记问题已解决：日期、解决情况、帮扶措施（送政策、送资金……）和资金。"""
    _step(
        "resolve",
        problem_id,
        date,
        "解决日期",
        "问题 {id} {action}",
        "登记解决",
        how=how,
        measures=measure or [],
        amount=amount,
    )


@app.command("close")
def close(problem_id: IdArg, reason: ReasonOpt = None, date: DateOpt = None) -> None:
    """登记问题无法解决（须写明原因）。"""
    _step(
        "close", problem_id, date, "办结日期", "问题 {id} {action}", "登记为无法解决", reason=reason
    )


@app.command("reopen")
def reopen(problem_id: IdArg, reason: ReasonOpt = None, date: DateOpt = None) -> None:
    """重新办理已解决或无法解决的问题（回到办理中，须写明原因）。"""
    _step(
        "reopen", problem_id, date, "重新办理日期", "问题 {id} {action}", "重新办理", reason=reason
    )


@app.command("extend")
def extend(
    problem_id: IdArg,
    due: Annotated[str | None, typer.Option("--due", help="新的办理期限（必填）。")] = None,
    reason: ReasonOpt = None,
    date: DateOpt = None,
) -> None:
    """延长办理期限（须写明原因）。"""
    from sanlian.errors import ValidationError

    if due is None:
        raise ValidationError("required", field="新的办理期限（--due）")
    _step(
        "extend",
        problem_id,
        date,
        "延期日期",
        "问题 {id} {action}",
        lambda record: f"延期至 {record['due_on']}",
        reason=reason,
        dates={"due_on": (due, "办理期限")},
    )


@app.command("edit")
def edit(
    problem_id: IdArg,
    owner: Annotated[
        str | None,
        typer.Option(
            "--owner",
            help="改由这名在册干部负责；未办结的问题记入办理过程（日期见 --date），状态不变。",
        ),
    ] = None,
    category: Annotated[str | None, typer.Option("--category", help=_categories_help())] = None,
    text: Annotated[str | None, typer.Option("--text", help="改正问题或诉求的内容。")] = None,
    conflict: Annotated[
        bool | None,
        typer.Option(
            "--conflict/--no-conflict",
            help="标记为矛盾纠纷，或取消标记（类别为矛盾纠纷的问题须同时改类别）。",
            show_default=False,
        ),
    ] = None,
    date: Annotated[str | None, typer.Option("--date", help="更换责任人的日期，默认今天。")] = None,
    how: Annotated[
        str | None, typer.Option("--how", help="改正已解决问题的解决情况（最近一次解决登记）。")
    ] = None,
    measure: Annotated[
        list[str] | None,
        typer.Option(
            "--measure",
            help="改正最近一次解决登记的帮扶措施，可写多个，取代原有的；写 无 则清除。",
            show_default=False,
        ),
    ] = None,
    amount: Annotated[
        str | None,
        typer.Option(
            "--amount", help="改正最近一次解决登记的资金（元）；写 0 则清除，记为无资金。"
        ),
    ] = None,
    resolved_on: Annotated[
        str | None,
        typer.Option("--resolved-on", help="改正最近一次解决登记的解决日期。"),
    ] = None,
) -> None:
    """修改问题：更换责任人（如原责任人已停用），改正类别、内容、矛盾纠纷标记，或改正已解决问题的解决情况、措施、资金和日期。"""
    from sanlian.i18n.messages import render
    from sanlian.services import problems
    from sanlian.services.clock import now

    st = state()
    notes: list[str] = []
    with st.session(write=True) as session:
        fix = problems.Resolution(
            how=how,
            amount=amount,
            measures=measure or None,
            day=st.optional_date(session, resolved_on, "解决日期（--resolved-on）"),
        )
        record, changed = problems.edit(
            session,
            problem_id=problem_id,
            owner=owner,
            category=category,
            text=text,
            is_conflict=conflict,
            resolution=fix,
            step_on=st.date(session, date, "更换日期"),
            now=now(),
            today=st.today,
            operator=st.who,
            notes=notes,
        )
        summary = "、".join(changed)
        wrote = st.changed(session)
        if wrote:
            st.journal(session, "problem edit", f"修改问题 {problem_id}：{summary}")
    if date is not None and owner is None:  # the day of a handover, with none made
        notes.append(render("problem_edit_date_unused"))
    for line in notes:
        st.note(line)
    if not wrote:
        typer.echo(render("edit_unchanged", what=f"问题 {record['id']} "))
        return
    typer.echo(render("problem_edited", id=record["id"], changes=summary))


@app.command("list")
def list_(
    status: Annotated[
        str | None,
        typer.Option(
            "--status",
            help="状态：待办(pending) / 办理中(in_progress) / 已解决(resolved) / 无法解决(unresolvable) / 未办结(open)。",
        ),
    ] = None,
    overdue: Annotated[
        bool,
        typer.Option("--overdue", help="只列超期的（在 --as-of 这天未办结且已过办理期限）。"),
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="列出截至这一天的情况：只列当天以前提出的问题，状态、期限和资金按当天的办理过程；默认今天的现状。",
        ),
    ] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="只列这名责任干部的。")] = None,
    owner_retired: Annotated[
        bool,
        typer.Option(
            "--owner-retired",
            help="只列责任人已停用、尚未办结的（待改派，可用 problem edit --owner 改派）；"
            "加 --status 列这一状态的（如已解决的）。",
        ),
    ] = False,
    section: Annotated[
        str | None, typer.Option("--section", help="只列责任干部在这个科室的。")
    ] = None,
    category: Annotated[str | None, typer.Option("--category", help="只列这一类别。")] = None,
    community: CommunityOpt = None,
    enterprise: EnterpriseOpt = None,
    household: HouseholdOpt = None,
    conflict: Annotated[bool, typer.Option("--conflict", help="只列矛盾纠纷。")] = False,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    reveal: RevealOpt = False,
) -> None:
    """列出问题，可按状态、超期、责任人、科室、类别、对象筛选。"""
    from sanlian.cli.output import screen_rows, stdout_later, stream_rows
    from sanlian.errors import ValidationError
    from sanlian.services import problems

    targets = [
        name
        for name, value in (
            ("--community", community),
            ("--enterprise", enterprise),
            ("--household", household),
        )
        if value is not None
    ]
    if len(targets) > 1:  # a problem has one target: it could list nothing
        raise ValidationError("list_one_target", options="、".join(targets))
    if (
        overdue
        and status is not None
        and not set(problems.status_keys(status)) & set(problems.OPEN)
    ):
        raise ValidationError("list_overdue_finished", status=status)
    implicit = owner_retired and status is None
    if implicit:  # what is to be handed over: not what is done
        status = "open"
    st = state()
    limit = screen_rows(fmt_value(fmt), output)  # a terminal: the first rows and the count
    # to stdout: written out once the session has ended (no read lock held on a slow pipe)
    with stdout_later() as later, st.session() as session:
        day = st.as_of(session, as_of) or st.today
        filters: dict[str, Any] = {
            "as_of": day,
            "on_day": as_of is not None,
            "status": status,
            "overdue": overdue,
            "owner": owner,
            "owner_retired": owner_retired,
            "section": section,
            "category": category,
            "community": community,
            "enterprise": enterprise,
            "household": household,
            "conflict": True if conflict else None,
        }
        done = 0  # finished problems of retired owners left out by ``implicit``: said
        if implicit:
            done = problems.listing_count(session, **(filters | {"status": None}))
            done -= problems.listing_count(session, **filters)
        if done:
            from sanlian.i18n.messages import render

            st.note(render("problem_owner_retired_done", count=done))
        if limit is None:  # every problem, to a file or a pipe: written as they are read
            read = problems.iter_listing(session, **filters)
            if stream_rows(
                read if _is_json(fmt, output) else _iter_streamed(session, read),
                COLS,
                fmt=fmt_value(fmt),
                output=output,
                title=lambda n: f"问题（{n}，截至 {day.isoformat()}）",
                count=lambda: problems.listing_count(session, **filters),
                out=later.stream if output is None else None,
                reveal=reveal,
            ):
                return
        rows = problems.listing(session, limit=limit, **filters)
        total = len(rows)
        if limit is not None and total >= limit:
            total = problems.listing_count(session, **filters)
        if not _is_json(fmt, output):
            rows = _labelled(rows, _target_labels(session, rows))
    render_rows(
        rows,
        COLS,
        fmt=fmt_value(fmt),
        output=output,
        reveal=reveal,
        title=f"问题（{total}，截至 {day.isoformat()}）",
        total=total,
    )


def _is_json(fmt: Fmt | None, output: Path | None) -> bool:
    """Whether the rows are written as JSON (stored keys, no labels): an .xlsx file is a sheet
    whatever ``-f`` says (``render_rows``)."""
    if output is not None and output.suffix.lower() == ".xlsx":
        return False
    return choose_format(fmt_value(fmt), output) == "json"


@app.command("show")
def show(
    problem_id: IdArg,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    output: Annotated[Path | None, output_opt(".csv .json .md .txt")] = None,
    reveal: RevealOpt = False,
) -> None:
    """显示一个问题及其完整的办理过程（时间线）。"""
    from sanlian.cli.output import (
        check_output,
        emit,
        mask_record,
        revealing,
        tabulate_text,
        to_json,
    )
    from sanlian.services import problems

    # the problem and its steps are two tables: text, markdown and JSON hold both, a CSV the
    # steps; one Excel sheet would lose one of them
    check_output(output, allowed=(".txt", ".md", ".json", ".csv"))
    st = state()
    with st.session() as session:
        record = problems.show(
            session,
            problem_id=problem_id,
            as_of=st.as_of(session, as_of) or st.today,
            on_day=as_of is not None,
        )
        targets = None if _is_json(fmt, output) else _target_labels(session, [record])
    # masked here once, the problem and its steps alike (each is drawn as shown)
    with revealing([record], f"问题 {problem_id}", output, reveal) as private:
        record = mask_record(record, reveal)
        # below: masked, or noted, above
        if _is_json(fmt, output):
            emit(to_json(record), output, private=private)
            return
        chosen = choose_format(fmt_value(fmt), output)
        labelled = _labelled([record], targets)[0]
        steps = [
            {**s, "kind": "handover"} if s.get("handed_to") is not None else s
            for s in record["timeline"]
        ]
        if chosen == "csv":
            render_rows(
                steps, STEP_COLS, fmt="csv", output=output, reveal=True, note=False, private=private
            )
            return
        if chosen == "table" and output is None:
            render_record(labelled, SHOW_COLS, fmt="table", output=None, reveal=True, note=False)
            render_rows(
                steps,
                STEP_COLS,
                fmt="table",
                output=None,
                reveal=True,
                note=False,
                title="办理过程",
            )
            return
        style = "markdown" if chosen == "markdown" else "plain"
        sheet = [{"k": c.label, "v": _cell(c, labelled)} for c in SHOW_COLS]
        head = tabulate_text(sheet, [Col("k", "项目"), Col("v", "内容")], style)
        timeline = tabulate_text(steps, STEP_COLS, style)
        title = f"## 问题 {problem_id}\n\n" if style == "markdown" else f"问题 {problem_id}\n"
        middle = "\n\n### 办理过程\n\n" if style == "markdown" else "\n\n办理过程\n"
        emit(title + head + middle + timeline, output, private=private)


def _cell(col: Col, record: dict[str, Any]) -> str:
    from sanlian.cli.output import cell

    return cell(col, record.get(col.key))
