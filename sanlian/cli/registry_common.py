"""What the five registry nouns share: add, edit, list, show and remove around one service."""

from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer

from sanlian.cli.context import state
from sanlian.cli.options import AllOpt, ForceOpt, FormatOpt, OutputOpt, RevealOpt, fmt_value
from sanlian.cli.output import Col, render_record, render_rows

RETIRED = Col("retired_on", "停用日期")
REF_HELP = {
    "cadre": "干部：编号、姓名、拼音全拼或首字母，重名时写 姓名@科室。",
    "community": "社区(村)：编号、名称或拼音，重名时写 名称@乡镇(街道)。",
    "household": "联系户：编号、户主姓名或拼音，重名时写 户主姓名@社区(村)。",
}


def add_record(kind: str, values: dict[str, Any]) -> int:
    from sanlian.i18n.messages import render
    from sanlian.services import registry
    from sanlian.services.clock import now

    st = state()
    notes: list[str] = []
    with st.session(write=True) as session:
        record = registry.add(session, kind, values, today=st.today, now=now(), notes=notes)
        label = registry.KINDS[kind].label
        st.journal(session, f"{kind} add", f"添加{label}“{record.name}”（编号 {record.id}）")
        record_id, name = record.id, record.name
    for note in notes:
        st.note(note)
    typer.echo(render("added", kind=label, name=name, id=record_id))
    return int(record_id)


def edit_record(kind: str, ref: str, values: dict[str, Any]) -> None:
    from sanlian.i18n.messages import render
    from sanlian.services import registry

    st = state()
    notes: list[str] = []
    with st.session(write=True) as session:
        record = registry.edit(session, kind, ref, values, today=st.today, notes=notes)
        label = registry.KINDS[kind].label
        changed = st.changed(session)
        if changed:
            st.journal(session, f"{kind} edit", f"修改{label}“{record.name}”（编号 {record.id}）")
        record_id, name = record.id, record.name
    for note in notes:
        st.note(note)
    if not changed:
        what = f"{label}“{name}”（编号 {record_id}）"
        typer.echo(render("edit_unchanged", what=what))
        return
    typer.echo(render("edited", kind=label, name=name, id=record_id))


def attach_common(
    app: typer.Typer,
    kind: str,
    cols: Sequence[Col],
    *,
    list_filters: Callable[..., dict[str, Any]] | None = None,
) -> None:
    """Register ``list``, ``show`` and ``remove`` for ``kind`` on ``app``."""
    from sanlian.services.refs import KIND_LABEL

    label = KIND_LABEL[kind]

    if list_filters is None:

        @app.command("list", help=f"列出{label}。")
        def list_(
            fmt: FormatOpt = None,
            output: OutputOpt = None,
            reveal: RevealOpt = False,
            all_: AllOpt = False,
        ) -> None:
            list_records(kind, cols, fmt=fmt, output=output, reveal=reveal, include_retired=all_)

    @app.command("show", help=f"显示一个{label}的全部信息及其被引用情况。")
    def show(
        ref: Annotated[
            str,
            typer.Argument(
                help=REF_HELP.get(kind, f"{label}：编号、名称或拼音。"), show_default=False
            ),
        ],
        fmt: FormatOpt = None,
        output: OutputOpt = None,
        reveal: RevealOpt = False,
    ) -> None:
        from sanlian.cli.output import check_output
        from sanlian.services import registry

        check_output(output)  # before the look-up: a file that cannot be written is said first
        st = state()
        with st.session() as session:
            record = registry.show(session, kind, ref)
        what = {tab: w for tab, _c, w in registry.KINDS[kind].uses}
        uses = "、".join(f"{n} {what[tab]}" for tab, n in record["uses"].items()) or "无"
        record["uses_text"] = uses
        # the whole record: a note the listing leaves out (a cadre's, a household's) too
        extra = [] if any(c.key == "note" for c in cols) else [Col("note", "备注")]
        all_cols = [*cols, *extra, RETIRED, Col("uses_text", "被引用")]
        if fmt_value(fmt) == "json" or (output is not None and output.suffix == ".json"):
            record.pop("uses_text")
        render_record(record, all_cols, fmt=fmt_value(fmt), output=output, reveal=reveal)

    def _ask_before_purge(kind: str, ref: str) -> None:
        """``--purge`` cannot be undone (the numbers go from the journal too): the record it
        names is said, and the clerk asked, first (``--yes`` skips the question)."""
        from sanlian.db import journal
        from sanlian.i18n.messages import render
        from sanlian.services import refs

        st = state()
        with st.session() as session:
            record = refs.resolve(session, kind, ref, include_retired=True)
            name, record_id = record.name, record.id
        fields = "、".join(journal.field_label(kind, f) for f in journal.PERSONAL_FIELDS[kind])
        question = render("purge_confirm", kind=label, name=name, id=record_id, fields=fields)
        if not typer.confirm(question, default=False):
            raise typer.Abort()

    @app.command(
        "remove",
        help=f"删除{label}；仍被引用时拒绝并说明被谁引用，加 --force 则停用（保留历史）；"
        "写了 --date 则在那天停用。",
    )
    def remove(
        ref: Annotated[
            str,
            typer.Argument(
                help=REF_HELP.get(kind, f"{label}：编号、名称或拼音。"), show_default=False
            ),
        ],
        force: ForceOpt = False,
        purge: Annotated[
            bool,
            typer.Option(
                "--purge",
                help="同时清除个人信息（干部、联系户的身份证号码、手机号码等，社区(村)、企业的"
                "联系人及其电话），连同变更日志中的原值，并像 --force 一样停用；"
                "此前的备份文件中仍保留原值。",
            ),
        ] = False,
        date: Annotated[
            str | None,
            typer.Option(
                "--date",
                help="停用日期（不再在册的第一天），默认今天（今天还有其记录的，自明天起）；"
                "可写以前的日期（如调离、搬走的那天），其联系到前一天为止。写了停用日期的，"
                "没有被引用也停用（保留），不删除。",
            ),
        ] = None,
        yes: Annotated[
            bool, typer.Option("--yes", help="与 --purge 同用：不再询问，直接清除。")
        ] = False,
    ) -> None:
        from sanlian.db import journal
        from sanlian.i18n.messages import render
        from sanlian.services import registry

        st = state()
        notes: list[str] = []
        if purge and not yes and kind in journal.PERSONAL_FIELDS:
            _ask_before_purge(kind, ref)
        with st.session(write=True) as session:
            day = st.optional_date(session, date, "停用日期（--date）")
            record, retired = registry.remove(
                session,
                kind,
                ref,
                force=force,
                today=st.today,
                notes=notes,
                purge=purge,
                day=day,
            )
            verb = "停用" if retired else "删除"
            name, record_id = record.name, record.id
            summary = f"{verb}{label}“{name}”（编号 {record_id}）"
            if purge:
                fields = journal.PERSONAL_FIELDS[kind]
                st.journal(
                    session, f"{kind} remove --purge", "清除个人信息并" + summary, kind="purge"
                )
                journal.scrub(session, kind, int(record_id), fields, registry.free_text_of(kind))
            else:
                st.journal(session, f"{kind} remove", summary)
        if purge:
            shown = "、".join(journal.field_label(kind, f) for f in journal.PERSONAL_FIELDS[kind])
            texts = [
                journal.field_label(kind, f)
                for f in registry.free_text_of(kind)
                if f not in journal.PERSONAL_FIELDS[kind]
            ]
            if texts:
                shown += f"，以及{'、'.join(texts)}中写下的号码"
            typer.echo(render("purged", kind=label, name=name, id=record_id, fields=shown))
            from sanlian.services.admin import compact

            compact(st.location)
        key = "retired" if retired else "removed"
        typer.echo(render(key, kind=label, name=name, id=record_id))
        for note in notes:
            st.note(note)

    attach_restore(app, kind)


def attach_restore(app: typer.Typer, kind: str) -> None:
    """``restore``: a retired record back in use (a cadre transferred back)."""
    from sanlian.services.refs import KIND_LABEL

    label = KIND_LABEL[kind]

    @app.command(
        "restore",
        help=f"恢复已停用的{label}"
        + ("（如调回的干部）" if kind == "cadre" else "")
        + "，可以再用于新记录；原有记录保留，"
        "停用时结束的联系不自动恢复。",
    )
    def restore(
        ref: Annotated[
            str,
            typer.Argument(
                help=REF_HELP.get(kind, f"{label}：编号、名称或拼音。"), show_default=False
            ),
        ],
    ) -> None:
        from sanlian.i18n.messages import render
        from sanlian.services import registry

        st = state()
        with st.session(write=True) as session:
            record = registry.restore(session, kind, ref)
            name, record_id = record.name, record.id
            st.journal(session, f"{kind} restore", f"恢复{label}“{name}”（编号 {record_id}）")
        typer.echo(render("restored", kind=label, name=name, id=record_id))


def list_records(
    kind: str,
    cols: Sequence[Col],
    *,
    fmt: Any,
    output: Any,
    reveal: bool,
    include_retired: bool,
    **filters: Any,
) -> None:
    from sanlian.cli.output import screen_rows
    from sanlian.services import registry
    from sanlian.services.refs import KIND_LABEL

    st = state()
    limit = screen_rows(fmt_value(fmt), output)  # a terminal: the first rows and the count
    filters["include_retired"] = include_retired
    with st.session() as session:
        rows = registry.listing(session, kind, limit=limit, **filters)
        total = len(rows)
        if limit is not None and total >= limit:
            total = registry.listing_count(session, kind, **filters)
    shown = [*cols, RETIRED] if include_retired else list(cols)
    render_rows(
        rows,
        shown,
        fmt=fmt_value(fmt),
        output=output,
        reveal=reveal,
        title=f"{KIND_LABEL[kind]}（{total}）",
        total=total,
    )
