"""``db path/backup/restore/check`` and ``history``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from sanlian.cli.context import state
from sanlian.cli.options import FormatOpt, OutputOpt, RevealOpt, fmt_value
from sanlian.cli.output import Col, render_rows

db_app = typer.Typer(no_args_is_help=True)

CHECKS = {
    "integrity": "数据库文件完整性",
    "foreign_keys": "记录之间的引用",
    "enterprise_limit": "每名领导联系企业不超过 3 家",
    "enterprise_leaders": "联系企业的都是领导班子成员",
}


@db_app.command("path")
def path() -> None:
    """显示当前使用的数据库位置。"""
    typer.echo(state().location)


@db_app.command("backup")
def backup(
    target: Annotated[
        str, typer.Argument(help="备份文件路径，或一个文件夹（以 / 结尾，自动按时间命名）。")
    ],
) -> None:
    """把数据库安全地复制一份（其他程序正在写入时也一致）。"""
    from sanlian.i18n.messages import render
    from sanlian.services import admin

    folder = target.endswith(("/", "\\"))
    done = admin.backup(state().location, Path(target).expanduser(), folder=folder)
    typer.echo(render("backup_done", path=done))


@db_app.command("restore")
def restore(
    source: Annotated[Path, typer.Argument(help="要恢复的备份文件。")],
    yes: Annotated[bool, typer.Option("--yes", help="不再询问，直接恢复。")] = False,
) -> None:
    """用备份替换当前数据库；原数据库另存为“原文件名.before-restore-时间”。"""
    from sanlian.i18n.messages import render
    from sanlian.services import admin

    st = state()
    if not yes and not typer.confirm(render("restore_confirm", path=st.location), default=False):
        raise typer.Abort()
    kept = admin.restore(st.location, source.expanduser())
    typer.echo(render("restore_done", path=st.location, source=source, kept=kept or "（无）"))


@db_app.command("check")
def check(fmt: FormatOpt = None, output: OutputOpt = None) -> None:
    """检查数据库文件完整性、记录引用和活动规则。"""
    from sanlian.services import admin

    with state().session() as session:
        findings = admin.check(session)
    for f in findings:
        f["label"] = CHECKS[f["check"]]
    cols = [Col("label", "检查项"), Col("ok", "通过", kind="bool"), Col("detail", "说明")]
    render_rows(findings, cols, fmt=fmt_value(fmt), output=output, reveal=True)
    if not all(f["ok"] for f in findings):
        raise typer.Exit(1)


RECORD_KINDS = {
    "section": "section",
    "科室": "section",
    "cadre": "cadre",
    "干部": "cadre",
    "community": "community",
    "社区": "community",
    "村": "community",
    "enterprise": "enterprise",
    "企业": "enterprise",
    "household": "household",
    "联系户": "household",
    "群众": "household",
    "link": "link",
    "联系": "link",
    "visit": "visit",
    "走访": "visit",
    "problem": "problem",
    "问题": "problem",
    "activity": "activity",
    "活动": "activity",
    "research": "research",
    "调研报告": "research",
    "调研": "research",
}
REGISTRY = ("section", "cadre", "community", "enterprise", "household")


def _record(session: object, value: str) -> tuple[str, int]:
    """``cadre:张伟`` / ``干部:张伟`` / ``visit:12`` → (table, id)."""
    from sanlian.errors import NotFoundError, ValidationError
    from sanlian.services import refs

    kinds = "cadre 干部、section 科室、community 社区、enterprise 企业、household 联系户、link 联系、visit 走访、problem 问题、activity 活动、research 调研报告"
    word, sep, ref = value.replace("：", ":").partition(":")
    table = RECORD_KINDS.get(word.strip().lower())
    if not sep or table is None or not ref.strip():
        raise ValidationError("history_record_kind", value=word, kinds=kinds)
    ref = ref.strip()
    if table in REGISTRY:
        if ref.lstrip("#").isdigit():
            return table, int(ref.lstrip("#"))
        try:
            record = refs.resolve(session, table, ref, include_retired=True)  # type: ignore[arg-type]
        except NotFoundError:  # deleted since: its name is still in the journal
            from sanlian.db import journal

            ids = journal.ids_named(session, table, ref)  # type: ignore[arg-type]
            if len(ids) != 1:
                raise
            return table, ids[0]
        return table, int(record.id)
    if not ref.lstrip("#").isdigit():
        raise ValidationError("history_record_kind", value=value, kinds=kinds)
    return table, int(ref.lstrip("#"))


def undo(
    yes: Annotated[bool, typer.Option("--yes", help="不再询问，直接撤销。")] = False,
) -> None:
    """撤销最近一次修改：先列出要改回、删除和恢复的记录并询问（除非 --yes）；撤销本身记入变更日志，再次撤销则继续往前。"""
    from sanlian.db import journal
    from sanlian.errors import RuleError
    from sanlian.i18n.messages import render
    from sanlian.services import admin

    st = state()
    with st.session() as session:  # ask first, outside the writing transaction
        plan = admin.undo_plan(session)
    entry = plan.entry
    lines = journal.preview(plan)
    typer.echo(
        "将要：\n" + "\n".join(f"  {line}" for line in lines) if lines else "（没有逐项内容）"
    )
    if not yes:
        at = entry["at"] if entry["at"].tzinfo else entry["at"].replace(tzinfo=dt.UTC)
        question = render(
            "undo_confirm",
            id=entry["id"],
            at=f"{at.astimezone():%Y-%m-%d %H:%M}",
            operator=entry["operator"],
            summary=entry["summary"],
        )
        if not typer.confirm(question, default=False):
            raise typer.Abort()
    with st.session(write=True) as session:
        again = admin.undo_plan(session)
        if again.entry["id"] != entry["id"]:  # someone changed something meanwhile
            raise RuleError("undo_moved", id=again.entry["id"], summary=again.entry["summary"])
        admin.undo(session, again, operator=st.who)
        st.journaled = True
    typer.echo(render("undo_done", summary=entry["summary"]))


def history(
    record: Annotated[
        str | None,
        typer.Option(
            "--record",
            help="只看某条记录的变更：类别:名称或编号，如 cadre:张伟、干部:张伟、visit:12；逐项列出修改前后的值。",
        ),
    ] = None,
    operator: Annotated[str | None, typer.Option("--operator", help="只看某位操作人的。")] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="只看这一天及以后的（日期写法同 --date）。")
    ] = None,
    detail: Annotated[bool, typer.Option("--detail", help="逐项列出每次修改前后的值。")] = False,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, help="最多显示多少条，默认 50。")
    ] = 50,
    reveal: RevealOpt = False,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """变更日志：谁在什么时候做了什么（最新的在前）；--record 或 --detail 逐项列出修改前后的值。"""
    from sanlian.services import admin

    st = state()
    with st.session() as session:
        target = _record(session, record) if record else None
        day = st.date(session, since, "--since") if since else None
        rows = admin.history(
            session,
            limit=limit,
            record=target,
            operator=operator,
            since=day,
            detail=detail,
            reveal=reveal,
        )
    cols = [
        Col("id", "序号"),
        Col("at", "时间"),
        Col("operator", "操作人"),
        Col("kind_label", "类别"),
        Col("command", "命令"),
        Col("summary", "内容"),
    ]
    if detail or record:
        cols.append(Col("detail", "修改前后"))
    render_rows(rows, cols, fmt=fmt_value(fmt), output=output, reveal=True, title="变更日志")
