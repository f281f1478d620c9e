"""``activity``: the campaign's events — the "eight ones" that are events, and its own steps."""

import datetime as dt
from typing import Annotated, Any

import typer

from sanlian.cli.context import state
from sanlian.cli.options import (
    DateOpt,
    FormatOpt,
    NoteOpt,
    OutputOpt,
    RevealOpt,
    at_most_id,
    fmt_value,
)
from sanlian.cli.output import Col, choose_format, render_rows
from sanlian.i18n.labels import ACTIVITY_KIND, TARGET_KIND

app = typer.Typer(no_args_is_help=True)

KIND_HELP = "活动类型：" + "、".join(f"{lab}({key})" for key, lab in ACTIVITY_KIND.items()) + "。"
COLS = [
    Col("id", "编号"),
    Col("held_on", "日期"),
    Col("kind", "类型", ACTIVITY_KIND),
    Col("title", "名称"),
    Col("section", "组织科室"),
    Col("partner_kind", "共建对象类型", TARGET_KIND),
    Col("partner", "共建对象"),
    Col("cadres", "参加干部"),
    Col("note", "备注"),
]


def _what(record: dict[str, Any]) -> str:
    """The activity's kind and title, a number in the title masked (as ``activity list``)."""
    from sanlian.services.validate import mask_numbers_anywhere

    label = ACTIVITY_KIND[record["kind"]]
    return f"{label}“{mask_numbers_anywhere(record['title'])}”" if record["title"] else label


@app.command("add")
def add(
    kind: Annotated[str, typer.Argument(help=KIND_HELP, show_default=False)],
    date: DateOpt = None,
    title: Annotated[str | None, typer.Option("--title", help="活动名称或主题。")] = None,
    cadre: Annotated[
        list[str] | None,
        typer.Option("--cadre", help="参加的干部，可写多个 --cadre。", show_default=False),
    ] = None,
    partner: Annotated[
        str | None,
        typer.Option(
            "--partner",
            help="共建的社区、村或企业（名称、拼音；编号请写成 社区:3 或 企业:3）；组织生活必须写。",
        ),
    ] = None,
    section: Annotated[str | None, typer.Option("--section", help="组织活动的科室。")] = None,
    note: NoteOpt = None,
) -> None:
    """登记一次活动（专题教育、组织生活、文明行动、交流体会、长效机制……）。"""
    from sanlian.i18n.messages import render
    from sanlian.services import activities
    from sanlian.services.clock import now

    st = state()
    notes: list[str] = []
    with st.session(write=True) as session:
        record = activities.add(
            session,
            kind=kind,
            held_on=st.date(session, date, "活动日期"),
            title=title,
            cadres=cadre or [],
            partner=partner,
            section=section,
            note=note,
            now=now(),
            today=st.today,
            notes=notes,
        )
        st.journal(
            session,
            "activity add",
            f"登记活动 {record['id']}：{record['held_on']} {_what(record)}",
        )
        from sanlian.services.campaign import outside_note

        held = dt.date.fromisoformat(str(record["held_on"]))
        outside = outside_note(session, held, "activity", int(record["id"]))
        if outside:
            notes.append(outside)
    for text in notes:
        st.note(text)
    typer.echo(
        render("activity_added", id=record["id"], date=record["held_on"], kind=_what(record))
    )


@app.command("remove")
def remove(
    activity_id: Annotated[
        int,
        typer.Argument(
            callback=at_most_id, help="活动编号（见 activity list）。", show_default=False
        ),
    ],
) -> None:
    """删除一条活动记录。"""
    from sanlian.i18n.messages import render
    from sanlian.services import activities

    st = state()
    with st.session(write=True) as session:
        record = activities.remove(session, activity_id=activity_id)
        st.journal(
            session,
            "activity remove",
            f"删除活动 {activity_id}：{record['held_on']} {_what(record)}",
        )
    typer.echo(
        render("activity_removed", id=activity_id, date=record["held_on"], kind=_what(record))
    )


@app.command("list")
def list_(
    kind: Annotated[str | None, typer.Option("--kind", help="只列这一类型。")] = None,
    cadre: Annotated[str | None, typer.Option("--cadre", help="只列这名干部参加的。")] = None,
    section: Annotated[
        str | None, typer.Option("--section", help="只列这个科室组织或参加的。")
    ] = None,
    partner: Annotated[
        str | None, typer.Option("--partner", help="只列与这个社区、村或企业共建的。")
    ] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="从这一天起。")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="到这一天止。")] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    reveal: RevealOpt = False,
) -> None:
    """列出活动记录。"""
    from sanlian.services import activities

    st = state()
    # namesakes told apart (张伟（办公室）), but in JSON: its values are the plain names
    labelled = choose_format(fmt_value(fmt), output) != "json"
    with st.session() as session:
        rows = activities.listing(
            session,
            labelled=labelled,
            kind=kind,
            cadre=cadre,
            section=section,
            partner=partner,
            date_from=st.optional_date(session, date_from, "开始日期"),
            date_to=st.optional_date(session, date_to, "结束日期"),
        )
    render_rows(
        rows, COLS, fmt=fmt_value(fmt), output=output, reveal=reveal, title=f"活动（{len(rows)}）"
    )
