"""``research``: research reports (调研报告), at least one per cadre."""

import datetime as dt
from typing import Annotated, Any

import typer

from sanlian.cli.context import state
from sanlian.cli.options import DateOpt, FormatOpt, OutputOpt, RevealOpt, at_most_id, fmt_value
from sanlian.cli.output import Col, render_rows

app = typer.Typer(no_args_is_help=True)

# the seed's four subjects (kept in sync with sanlian.services.research.TOPIC, which is
# not imported here so that --help stays light)
TOPIC_HELP = (
    "调研方向（可自由填写）；实施意见列出的四类可写代号：development 影响经济社会发展的重大问题、"
    "hotspot 群众反映的热点难点问题、key_issue 本部门单位工作推进中的关键性问题、"
    "grassroots 基层工作遇到的新情况新问题。"
)


def _topic(value: Any) -> str:
    from sanlian.services.research import TOPIC

    return "" if value is None else TOPIC.get(value, str(value))


COLS = [
    Col("id", "编号"),
    Col("written_on", "日期"),
    Col("cadre", "撰写干部"),
    Col("section", "科室"),
    Col("title", "题目"),
    Col("topic", "调研方向", fmt=_topic),
]


@app.command("add")
def add(
    cadre: Annotated[
        str, typer.Option("--cadre", help="撰写的干部（编号、姓名、拼音或 姓名@科室）。")
    ],
    title: Annotated[str, typer.Option("--title", help="报告题目。")],
    date: DateOpt = None,
    topic: Annotated[str | None, typer.Option("--topic", help=TOPIC_HELP)] = None,
) -> None:
    """登记一篇调研报告。"""
    from sanlian.i18n.messages import render
    from sanlian.reports.common import namesake_labels
    from sanlian.services import research
    from sanlian.services.clock import now
    from sanlian.services.validate import mask_numbers_anywhere

    st = state()
    with st.session(write=True) as session:
        record = research.add(
            session,
            cadre=cadre,
            title=title,
            written_on=st.date(session, date, "报告日期"),
            topic=topic,
            now=now(),
            today=st.today,
        )
        # a namesake told apart (张伟（办公室）), here and in the history
        labels = namesake_labels(session, "cadre", [record["cadre_id"]])
        author = labels.get(record["cadre_id"], record["cadre"])
        st.journal(
            session,
            "research add",
            f"登记调研报告 {record['id']}：{author}《{record['title']}》",
        )
        from sanlian.services.campaign import outside_note

        written = dt.date.fromisoformat(str(record["written_on"]))
        outside = outside_note(session, written, "research", int(record["id"]))
    if outside:
        st.note(outside)
    typer.echo(
        render(
            "research_added",
            id=record["id"],
            cadre=author,
            title=mask_numbers_anywhere(record["title"]),  # as research list shows it
        )
    )


@app.command("remove")
def remove(
    research_id: Annotated[
        int,
        typer.Argument(
            callback=at_most_id, help="报告编号（见 research list）。", show_default=False
        ),
    ],
) -> None:
    """删除一篇调研报告记录。"""
    from sanlian.i18n.messages import render
    from sanlian.services import research
    from sanlian.services.validate import mask_numbers_anywhere

    st = state()
    with st.session(write=True) as session:
        record = research.remove(session, research_id=research_id)
        st.journal(session, "research remove", f"删除调研报告 {research_id}《{record['title']}》")
    typer.echo(
        render("research_removed", id=research_id, title=mask_numbers_anywhere(record["title"]))
    )


@app.command("list")
def list_(
    cadre: Annotated[str | None, typer.Option("--cadre", help="只列这名干部的。")] = None,
    section: Annotated[str | None, typer.Option("--section", help="只列这个科室干部的。")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="从这一天起。")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="到这一天止。")] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    reveal: RevealOpt = False,
) -> None:
    """列出调研报告，可按干部、科室筛选。"""
    from sanlian.services import research

    st = state()
    with st.session() as session:
        rows = research.listing(
            session,
            cadre=cadre,
            section=section,
            date_from=st.optional_date(session, date_from, "开始日期"),
            date_to=st.optional_date(session, date_to, "结束日期"),
        )
    render_rows(
        rows,
        COLS,
        fmt=fmt_value(fmt),
        output=output,
        reveal=reveal,
        title=f"调研报告（{len(rows)}）",
    )
