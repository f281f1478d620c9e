"""``link``: the three kinds of link (联系/结对), with start and end dates and history kept."""

from typing import Annotated, Any

import typer

from sanlian.cli.context import state
from sanlian.cli.options import (
    AsOfOpt,
    DateOpt,
    FormatOpt,
    NoteOpt,
    OutputOpt,
    RevealOpt,
    at_most_id,
    fmt_value,
)
from sanlian.cli.output import Col, render_rows
from sanlian.i18n.labels import LINK_KIND

app = typer.Typer(no_args_is_help=True)
COLS = [
    Col("id", "编号"),
    Col("kind", "联系类型", LINK_KIND),
    Col("section", "科室"),
    Col("cadre", "干部"),
    Col("target", "联系对象"),
    Col("community", "社区(村)"),
    Col("start_on", "开始日期"),
    Col("end_on", "结束日期"),
    Col("active", "有效", kind="bool"),
    Col("note", "备注"),
]

FromOpt = Annotated[
    str | None,
    typer.Option("--from", help="联系开始日期（2026-06-03、6-3、6月3日、today 等），默认今天。"),
]
CommunityRef = Annotated[str, typer.Option("--community", help="社区或村（编号、名称或拼音）。")]


def _announce(rows: list[dict[str, Any]]) -> None:
    from sanlian.i18n.messages import render
    from sanlian.services.links import describe

    for record in rows:
        who, whom = describe(record)
        said = {"id": record["id"], "who": who, "whom": whom, "start": record["start_on"]}
        if record.get("retired_party"):  # a retired party's link back-filled: ended for it
            party, day = record["retired_party"], record["retired_on"]
            end = record["end_on"]
            typer.echo(render("link_added_until_retired", **said, end=end, party=party, day=day))
            continue
        typer.echo(render("link_added", **said))


def _journal(session: Any, command: str, rows: list[dict[str, Any]]) -> None:
    from sanlian.services.links import describe

    parts = []
    for record in rows:
        who, whom = describe(record)
        parts.append(f"{record['id']}：{who} — {whom}")
    state().journal(session, command, "建立联系 " + "；".join(parts))


@app.command("community")
def community(
    community: CommunityRef,
    section: Annotated[
        str | None, typer.Option("--section", help="联系该社区(村)的科室（编号、名称或拼音）。")
    ] = None,
    bureau: Annotated[
        bool, typer.Option("--bureau", help="由局机关（而不是某个科室）直接联系。")
    ] = False,
    start: FromOpt = None,
    note: NoteOpt = None,
) -> None:
    """部门单位联系社区(村)：一个科室（或局机关）联系一个社区或村。"""
    from sanlian.services import links
    from sanlian.services.clock import now

    st = state()
    with st.session(write=True) as session:
        record = links.link_community(
            session,
            community=community,
            section=section,
            bureau=bureau,
            start_on=st.date(session, start, "开始日期"),
            now=now(),
            today=st.today,
            note=note,
        )
        _journal(session, "link community", [record])
    _announce([record])


@app.command("enterprise")
def enterprise(
    cadre: Annotated[
        str, typer.Option("--cadre", help="领导班子成员（编号、姓名、拼音或 姓名@科室）。")
    ],
    enterprise: Annotated[str, typer.Option("--enterprise", help="企业（编号、名称或拼音）。")],
    start: FromOpt = None,
    note: NoteOpt = None,
) -> None:
    """领导班子联系企业：每名班子成员同时联系 1–3 家企业。"""
    from sanlian.services import links
    from sanlian.services.clock import now

    st = state()
    with st.session(write=True) as session:
        record = links.link_enterprise(
            session,
            cadre=cadre,
            enterprise=enterprise,
            start_on=st.date(session, start, "开始日期"),
            now=now(),
            today=st.today,
            note=note,
        )
        _journal(session, "link enterprise", [record])
    _announce([record])


@app.command("household")
def household(
    household: Annotated[str, typer.Option("--household", help="联系户（编号、户主姓名或拼音）。")],
    cadre: Annotated[
        list[str] | None,
        typer.Option("--cadre", help="结对干部；多对一时写多个 --cadre。", show_default=False),
    ] = None,
    start: FromOpt = None,
    note: NoteOpt = None,
) -> None:
    """党员干部联系群众：一名或几名干部与一户结成帮扶对子（一对一、多对一）。"""
    from sanlian.services import links
    from sanlian.services.clock import now

    st = state()
    with st.session(write=True) as session:
        rows = links.link_household(
            session,
            cadres=cadre or [],
            household=household,
            start_on=st.date(session, start, "开始日期"),
            now=now(),
            today=st.today,
            note=note,
        )
        _journal(session, "link household", rows)
    _announce(rows)


@app.command("end")
def end(
    link_id: Annotated[
        int,
        typer.Argument(callback=at_most_id, help="联系编号（见 link list）。", show_default=False),
    ],
    date: DateOpt = None,
) -> None:
    """结束一个联系（该日为最后一天）；记录保留为历史。"""
    from sanlian.i18n.messages import render
    from sanlian.services import links

    st = state()
    with st.session(write=True) as session:
        record = links.end(
            session,
            link_id=link_id,
            end_on=st.date(session, date, "结束日期"),
            today=st.today,
        )
        who, whom = links.describe(record)
        st.journal(session, "link end", f"结束联系 {link_id}：{who} — {whom}")
    typer.echo(render("link_ended", id=link_id, who=who, whom=whom, end=record["end_on"]))


@app.command("list")
def list_(
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind", help="联系类型：community 社区 / enterprise 企业 / household 结对。"
        ),
    ] = None,
    cadre: Annotated[str | None, typer.Option("--cadre", help="只列这名干部的联系。")] = None,
    section: Annotated[
        str | None, typer.Option("--section", help="只列这个科室（及其干部）的联系。")
    ] = None,
    community: Annotated[
        str | None, typer.Option("--community", help="只列这个社区(村)（及其联系户）的联系。")
    ] = None,
    enterprise: Annotated[str | None, typer.Option("--enterprise", help="只列这家企业。")] = None,
    household: Annotated[str | None, typer.Option("--household", help="只列这一户。")] = None,
    active: Annotated[
        bool,
        typer.Option(
            "--active/--all",
            help="只列截至 --as-of 仍有效的联系（默认），或连同历史全部列出。",
            show_default=False,  # (its help says which; Click would show the key “active”)
        ),
    ] = True,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    reveal: RevealOpt = False,
) -> None:
    """列出联系与结对，可按类型、干部、科室、对象筛选。"""
    from sanlian.cli.output import screen_rows
    from sanlian.services import links

    st = state()
    limit = screen_rows(fmt_value(fmt), output)  # a terminal: the first rows and the count
    with st.session() as session:
        filters: dict[str, Any] = {
            "as_of": st.as_of(session, as_of, key="as_of_after_today_links") or st.today,
            "kind": _kind(kind),
            "cadre": cadre,
            "section": section,
            "community": community,
            "enterprise": enterprise,
            "household": household,
            "active": active,
        }
        rows = links.listing(session, limit=limit, **filters)
        total = len(rows)
        if limit is not None and total >= limit:
            total = links.listing_count(session, **filters)
    render_rows(
        rows,
        COLS,
        fmt=fmt_value(fmt),
        output=output,
        reveal=reveal,
        title=f"联系（{total}）",
        total=total,
    )


_KIND_ALIASES = {
    "社区": "community",
    "村": "community",
    "社区(村)": "community",
    "企业": "enterprise",
    "结对": "household",
    "联系户": "household",
    "群众": "household",
}


def _kind(value: str | None) -> str | None:
    if value is None:
        return None
    return _KIND_ALIASES.get(value.strip(), value)
