"""``visit``: visits (走访/民情访谈) to linked communities, enterprises and households."""

from pathlib import Path
from typing import Annotated, Any

import typer

from sanlian.cli.context import state
from sanlian.cli.options import (
    DateOpt,
    Fmt,
    FormatOpt,
    NewDateOpt,
    NoteOpt,
    OutputOpt,
    RevealOpt,
    at_most_id,
    fmt_value,
)
from sanlian.cli.output import Col, choose_format, render_record, render_rows
from sanlian.i18n.labels import TARGET_KIND, VISIT_FORM

app = typer.Typer(no_args_is_help=True)

IdArg = Annotated[
    int, typer.Argument(callback=at_most_id, help="走访编号（见 visit list）。", show_default=False)
]
CadresOpt = Annotated[
    list[str] | None,
    typer.Option("--cadre", help="走访干部；几人同去时写多个 --cadre。", show_default=False),
]
CommunityOpt = Annotated[
    str | None, typer.Option("--community", help="走访的社区或村（编号、名称或拼音）。")
]
EnterpriseOpt = Annotated[str | None, typer.Option("--enterprise", help="走访的企业。")]
HouseholdOpt = Annotated[str | None, typer.Option("--household", help="走访的联系户。")]
FormOpt = Annotated[
    str | None,
    typer.Option(
        "--form",
        help="走访形式：入户走访(home) / 座谈交流(talk) / 发放联系卡(card) / 电话联系(phone) / 其他(other)。",
    ),
]
CardsOpt = Annotated[str | None, typer.Option("--cards", help="发放联系卡张数。")]
DiaryOpt = Annotated[str | None, typer.Option("--diary", help="民情日记：了解到的情况和群众诉求。")]

COLS = [
    Col("id", "编号"),
    Col("visited_on", "日期"),
    Col("cadres", "走访干部"),
    Col("target_kind", "对象类型", TARGET_KIND),
    Col("target", "走访对象"),
    Col("form", "形式", VISIT_FORM),
    Col("cards", "联系卡"),
    Col("diary", "民情日记"),
    Col("note", "备注"),
]
SHOW_COLS = [*COLS, Col("problem_ids", "由此提出的问题")]
DIARY_WIDTH = 30


def _short(text: Any) -> str:
    if not text:
        return ""
    text = str(text).replace("\n", " ")
    return text if len(text) <= DIARY_WIDTH else text[: DIARY_WIDTH - 1] + "…"


def _target_text(record: dict[str, Any]) -> str:
    return f"{TARGET_KIND[record['target_kind']]}“{record['target']}”"


@app.command("add")
def add(
    date: DateOpt = None,
    cadre: CadresOpt = None,
    community: CommunityOpt = None,
    enterprise: EnterpriseOpt = None,
    household: HouseholdOpt = None,
    form: FormOpt = None,
    cards: CardsOpt = None,
    diary: DiaryOpt = None,
    note: NoteOpt = None,
) -> None:
    """登记一次走访（民情民意访谈）：谁、哪天、走访了谁、以什么形式、发卡几张、民情日记。"""
    from sanlian.i18n.messages import render
    from sanlian.services import visits
    from sanlian.services.clock import now

    st = state()
    notes: list[str] = []
    with st.session(write=True) as session:
        record = visits.add(
            session,
            visited_on=st.date(session, date, "走访日期"),
            cadres=cadre or [],
            community=community,
            enterprise=enterprise,
            household=household,
            form=form,
            cards=cards,
            diary=diary,
            note=note,
            now=now(),
            today=st.today,
            notes=notes,
        )
        # the cadres and the target as a clerk reads them: a namesake told apart (张伟（办公室）)
        record = visits.show(session, visit_id=record["id"], labelled=True)
        st.journal(
            session,
            "visit add",
            f"登记走访 {record['id']}：{record['visited_on']} {'、'.join(record['cadres'])}"
            f" → {_target_text(record)}",
        )
    for text in notes:
        st.note(text)
    typer.echo(
        render(
            "visit_added",
            id=record["id"],
            date=record["visited_on"],
            cadres="、".join(record["cadres"]),
            target=_target_text(record),
        )
    )


@app.command("edit")
def edit(
    visit_id: IdArg,
    date: NewDateOpt = None,
    cadre: CadresOpt = None,
    community: CommunityOpt = None,
    enterprise: EnterpriseOpt = None,
    household: HouseholdOpt = None,
    form: FormOpt = None,
    cards: CardsOpt = None,
    diary: DiaryOpt = None,
    note: NoteOpt = None,
) -> None:
    """修改一次走访（只改给出的项；--cadre 和走访对象给出时整体替换；写空字符串可清空日记、备注）。"""
    from sanlian.i18n.messages import render
    from sanlian.services import visits

    st = state()
    notes: list[str] = []
    with st.session(write=True) as session:
        visits.edit(
            session,
            visit_id=visit_id,
            visited_on=st.optional_date(session, date, "走访日期"),
            cadres=cadre or None,
            community=community,
            enterprise=enterprise,
            household=household,
            form=form,
            cards=cards,
            diary=diary,
            note=note,
            today=st.today,
            notes=notes,
        )
        changed = st.changed(session)
        if changed:
            st.journal(session, "visit edit", f"修改走访 {visit_id}")
    if not changed:
        typer.echo(render("edit_unchanged", what=f"走访 {visit_id} "))
        return
    for text in notes:
        st.note(text)
    typer.echo(render("visit_edited", id=visit_id))


@app.command("remove")
def remove(
    visit_id: IdArg,
    force: Annotated[
        bool, typer.Option("--force", help="已有问题由此提出时仍删除（问题保留，不再关联走访）。")
    ] = False,
) -> None:
    """删除一次走访记录。"""
    from sanlian.i18n.messages import render
    from sanlian.services import visits

    st = state()
    with st.session(write=True) as session:
        record = visits.remove(session, visit_id=visit_id, force=force, labelled=True)
        st.journal(
            session,
            "visit remove",
            f"删除走访 {visit_id}：{record['visited_on']} → {_target_text(record)}",
        )
    typer.echo(
        render("visit_removed", id=visit_id, date=record["visited_on"], target=_target_text(record))
    )


@app.command("list")
def list_(
    cadre: Annotated[str | None, typer.Option("--cadre", help="只列这名干部参加的走访。")] = None,
    section: Annotated[
        str | None, typer.Option("--section", help="只列这个科室的干部参加的走访。")
    ] = None,
    community: CommunityOpt = None,
    enterprise: EnterpriseOpt = None,
    household: HouseholdOpt = None,
    form: FormOpt = None,
    date_from: Annotated[str | None, typer.Option("--from", help="从这一天起。")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="到这一天止。")] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    reveal: RevealOpt = False,
) -> None:
    """列出走访记录，可按干部、科室、对象、形式和日期范围筛选。"""
    from sanlian.cli.output import screen_rows, stdout_later, stream_rows
    from sanlian.services import visits

    st = state()
    limit = screen_rows(fmt_value(fmt), output)  # a terminal: the first rows and the count
    # to stdout: written out once the session has ended (no read lock held on a slow pipe)
    with stdout_later() as later, st.session() as session:
        filters: dict[str, Any] = {
            "cadre": cadre,
            "section": section,
            "community": community,
            "enterprise": enterprise,
            "household": household,
            "form": form,
            "date_from": st.optional_date(session, date_from, "开始日期"),
            "date_to": st.optional_date(session, date_to, "结束日期"),
        }
        # namesakes told apart (张伟（办公室）), but in JSON: its values are the plain names
        labelled = choose_format(fmt_value(fmt), output) != "json"
        # every visit, to a file or a pipe: written as they are read (a million at city)
        if limit is None and stream_rows(
            visits.iter_listing(session, labelled=labelled, **filters),
            _cols(fmt, output),
            fmt=fmt_value(fmt),
            output=output,
            title=lambda n: f"走访（{n}）",
            count=lambda: visits.listing_count(session, **filters),
            out=later.stream if output is None else None,
            reveal=reveal,
        ):
            return
        rows = visits.listing(session, limit=limit, labelled=labelled, **filters)
        total = len(rows)
        if limit is not None and total >= limit:
            total = visits.listing_count(session, **filters)
    render_rows(
        rows,
        _cols(fmt, output),
        fmt=fmt_value(fmt),
        output=output,
        reveal=reveal,
        title=f"走访（{total}）",
        total=total,
    )


def _cols(fmt: Fmt | None, output: Path | None) -> list[Col]:
    """On screen the diary is cut short; files keep it whole."""
    chosen = choose_format(fmt_value(fmt), output)
    if chosen in ("table", "plain") and output is None:
        return [Col("diary", c.label, fmt=_short) if c.key == "diary" else c for c in COLS]
    return COLS


@app.command("show")
def show(
    visit_id: IdArg, fmt: FormatOpt = None, output: OutputOpt = None, reveal: RevealOpt = False
) -> None:
    """显示一次走访的全部内容（含完整的民情日记）。"""
    from sanlian.services import visits

    st = state()
    labelled = choose_format(fmt_value(fmt), output) != "json"  # as ``visit list``
    with st.session() as session:
        record = visits.show(session, visit_id=visit_id, labelled=labelled)
    render_record(
        record,
        SHOW_COLS,
        fmt=fmt_value(fmt),
        output=output,
        reveal=reveal,
        title=f"走访 {visit_id}",
    )
