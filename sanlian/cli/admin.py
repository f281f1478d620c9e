"""``db path/backup/restore/check`` and ``history``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sanlian.cli.context import state
from sanlian.cli.options import FormatOpt, OutputOpt, at_most_id, fmt_value
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


def undo(
    yes: Annotated[bool, typer.Option("--yes", help="不再询问，直接撤销。")] = False,
) -> None:
    """撤销最近一次修改（先显示要撤销的内容并询问，除非 --yes）。"""
    from sanlian.i18n.messages import render
    from sanlian.services import admin

    st = state()
    change_id, at, operator, summary = admin.pending_undo(st.location)
    if not yes:
        question = render("undo_confirm", at=str(at)[:16], operator=operator, summary=summary)
        if not typer.confirm(question, default=False):
            raise typer.Abort()
    admin.undo(st.location, operator=st.who)
    typer.echo(render("undo_done", summary=summary))


def history(
    limit: Annotated[
        int,
        typer.Option("--limit", "-n", min=1, callback=at_most_id, help="最多显示多少条，默认 50。"),
    ] = 50,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """变更日志：谁在什么时候做了什么（最新的在前）。"""
    from sanlian.services import admin

    with state().session() as session:
        rows = admin.history(session, limit=limit)
    cols = [
        Col("id", "序号"),
        Col("at", "时间"),
        Col("operator", "操作人"),
        Col("command", "命令"),
        Col("summary", "内容"),
    ]
    render_rows(rows, cols, fmt=fmt_value(fmt), output=output, reveal=True, title="变更日志")
