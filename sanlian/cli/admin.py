"""``db path/backup/restore/check/copy`` and ``history``."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from sanlian.cli.context import state
from sanlian.cli.options import FormatOpt, OutputOpt, RevealOpt, at_most_id, fmt_value
from sanlian.cli.output import Col, render_rows
from sanlian.i18n.labels import KIND_WORDS

db_app = typer.Typer(no_args_is_help=True)


@db_app.command("path")
def path() -> None:
    """显示当前使用的数据库位置。"""
    from sanlian.db.engine import masked

    typer.echo(masked(state().location))


@db_app.command("backup")
def backup(
    target: Annotated[
        str | None,
        typer.Argument(
            help="备份文件路径，或一个文件夹（以 / 结尾，自动按时间命名）；"
            "不写则存入数据库旁的 sanlian-backups 文件夹。",
            metavar="备份文件",
            show_default=False,
        ),
    ] = None,
) -> None:
    """把数据库安全地复制一份（其他程序正在写入时也一致）。

    不写文件名时存入数据库所在文件夹下的 sanlian-backups（仅本人可读写），用 sanlian db backups
    查看。升级数据库结构前和每次导入前也会自动备份到那里，每个数据库的自动备份只保留最新的 10 份。
    数据库服务器（PostgreSQL）请用 pg_dump 备份。
    """
    from sanlian.i18n.messages import render
    from sanlian.services import admin

    if target is None:
        done = admin.backup(state().location)
    elif not target.strip():  # ``db backup ""``: a path left out by mistake, not "here"
        from sanlian.errors import ValidationError

        raise ValidationError("backup_path_blank")
    else:
        folder = target.endswith(("/", "\\"))
        done = admin.backup(state().location, Path(target).expanduser(), folder=folder)
    typer.echo(render("backup_done", path=done))


@db_app.command("backups")
def backups_list(fmt: FormatOpt = None, output: OutputOpt = None) -> None:
    """列出数据库旁 sanlian-backups 文件夹中这个数据库的备份（最新的在前）。"""
    from sanlian.i18n.messages import render
    from sanlian.services import backups

    location = state().location
    found = backups.listing(location)
    rows = [
        {
            "id": n,
            "taken_at": b.taken_at.strftime("%Y-%m-%d %H:%M:%S"),
            "reason": b.reason,
            "reason_label": backups.REASONS.get(b.reason, b.reason),
            "years": _years(backups.campaign_years(b.path)),
            "size": b.size,
            "path": str(b.path),
        }
        for n, b in enumerate(found, 1)
    ]
    if not rows and output is None and fmt_value(fmt) in (None, "table", "plain", "markdown"):
        typer.echo(render("backups_none", folder=backups.folder_of(location)))
        return
    cols = [
        Col("id", "序号"),
        Col("taken_at", "时间"),
        Col("reason_label", "原因"),
        Col("years", "活动年度"),
        Col("size", "字节数"),
        Col("path", "文件"),
    ]
    render_rows(rows, cols, fmt=fmt_value(fmt), output=output, reveal=True, title="数据库备份")


def _years(years: list[int] | None) -> str:
    if years is None:
        return "（无法读取）"  # an empty or damaged copy: not one to restore
    return "、".join(str(y) for y in years) or "（无）"


@db_app.command("restore")
def restore(
    source: Annotated[Path, typer.Argument(help="要恢复的备份文件。", metavar="备份文件")],
    yes: Annotated[bool, typer.Option("--yes", help="不再询问，直接恢复。")] = False,
) -> None:
    """用备份替换当前数据库。

    先检查备份文件：是 SQLite 文件、完整性检查和引用检查都通过、是 sanlian 数据库且结构版本
    不比本程序新；不合格则不做任何修改。替换前，原数据库另存到 sanlian-backups 文件夹。
    恢复记入变更日志；恢复不能用 undo 撤销（undo 也不会越过它），要回到恢复前，请恢复那份另存的原数据库。
    """
    from sanlian.db.engine import masked
    from sanlian.i18n.messages import render
    from sanlian.services import admin, backups

    st = state()
    source = source.expanduser()
    backups.sqlite_path(st.location)  # a server URL: say so before asking
    backups.verify(source)
    if not yes:
        current = backups.sqlite_path(st.location)
        theirs, backup = backups.holdings(source)
        ours, now_holds = backups.holdings(current) if current.is_file() else (None, "")
        question = render(
            "restore_confirm" if current.is_file() else "restore_confirm_new",
            path=masked(st.location),
            source=source,
            backup=backup or "无法读出概况",
            current=now_holds or "无法读出概况",
        )
        lost = backups.changes_since(current, source) if current.is_file() else None
        if lost:  # the clerk's work since the backup, gone from the ledger (kept aside)
            question = question.removesuffix("确定吗？") + render("restore_loses", count=lost)
        if theirs and ours and max(theirs) != max(ours):  # another year's ledger, likely
            question = render("restore_other_year", theirs=max(theirs), ours=max(ours)) + question
        if not typer.confirm(question, default=False):
            raise typer.Abort()
    kept = admin.restore(st.location, source)
    # the file is another now: opened anew (``sanlian shell`` keeps databases open), so that
    # a backup of an older version is upgraded before anything below reads it
    from sanlian.db import engine

    if engine.is_kept(st.location):
        engine.close_kept()
        engine.keep_open()
    # on record in the restored ledger: history shows it, and undo stops at it (it does not
    # reach back into the backup's own changes as if the restore had not been)
    summary = render("restore_entry", source=source.name, kept=kept.name if kept else "无")
    with st.session(write=True) as session:
        if kept is not None:  # numbers it gave out are not given again
            backups.carry_numbers(session, kept)
        st.journal(session, "db restore", summary, kind="restore")
    if kept is None:
        typer.echo(render("restore_done_new", path=st.location, source=source))
    else:
        typer.echo(render("restore_done", path=st.location, source=source, kept=kept))


@db_app.command("check")
def check(
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    repair: Annotated[
        bool,
        typer.Option(
            "--repair",
            help="检查前先重建维护走访统计的数据库触发器，并按走访记录重新统计“走访与科室对应表”"
            "和按日走访统计表（这两张表由触发器自动维护，其他程序改写数据库后可能不一致）。",
        ),
    ] = False,
) -> None:
    """检查数据库文件完整性、记录引用和活动规则，逐项报告违反规则的记录。

    检查项：文件完整性；引用；领导联系企业不超过 3 家；联系企业的都是领导班子成员；结对户
    所在社区(村)由干部科室或本局联系；干部结对户数不超过规定；领导小组只有一名组长；同一身份
    证号码（信用代码）只登记一次；名称中没有丢失的字；停用的干部或对象没有在联的联系；走访日期
    在活动期间且不晚于今天；走访都有干部；维护走访统计的数据库触发器齐全并已启用；按科室统计
    的走访与走访干部所在科室一致；按日统计的走访与走访记录一致；问题的状态和解决、办结、最后
    办理日期与办理记录一致；办理期限不早于提出日期，办理记录不晚于今天；联系的结束日期不早于
    开始日期；日期都写作 YYYY-MM-DD。全部通过时退出码为 0，发现问题时为 1。
    """
    from sanlian.i18n.messages import render
    from sanlian.services import admin

    st = state()
    if repair:
        with st.session(write=True) as session:
            admin.recount_visits(session)
        sys.stderr.write(render("check_recounted") + "\n")
    with st.session(rehearse=True) as session:  # read only: rolled back, even on a damaged file
        findings = admin.check(session, today=st.today)
    cols = [
        Col("label", "检查项"),
        Col("ok", "通过", kind="bool"),
        Col("count", "问题数"),
        Col("detail", "说明"),
    ]
    render_rows(findings, cols, fmt=fmt_value(fmt), output=output, reveal=True)
    if any(not f["ok"] for f in findings if f["check"] in admin.RECOUNTED):
        sys.stderr.write(render("check_recount_hint") + "\n")
    if not all(f["ok"] for f in findings):
        raise typer.Exit(1)


RECORD_KINDS = {
    **{k: k for k in ("section", "cadre", "community", "enterprise", "household")},
    **{k: k for k in ("link", "visit", "problem", "activity", "research")},
    **KIND_WORDS,
}
REGISTRY = ("section", "cadre", "community", "enterprise", "household")


def _record(session: object, value: str) -> tuple[str, int, str | None]:
    """``cadre:张伟`` / ``干部:张伟`` / ``visit:12`` → (table, id, the name of a deleted
    record the journal knows it by, else ``None``)."""
    from sanlian.errors import NotFoundError, ValidationError
    from sanlian.services import refs

    kinds = "cadre 干部、section 科室、community 社区、enterprise 企业、household 联系户、link 联系、visit 走访、problem 问题、activity 活动、research 调研报告"
    word, sep, ref = value.replace("：", ":").partition(":")
    table = RECORD_KINDS.get(word.strip().lower())
    if table is not None and not ref.strip():  # cadre: with nothing after it, or cadre alone
        raise ValidationError("history_record_ref_missing", value=f"{word.strip()}:")
    if table is None:
        raise ValidationError("history_record_kind", value=word, kinds=kinds)
    ref = ref.strip()
    if table in REGISTRY:
        if ref.lstrip("#").isdigit():
            return table, int(ref.lstrip("#")), None
        try:
            record = refs.resolve(session, table, ref, include_retired=True)  # type: ignore[arg-type]
        except NotFoundError:  # deleted since: its name is still in the journal
            from sanlian.db import journal

            ids = journal.ids_named(session, table, ref)  # type: ignore[arg-type]
            if len(ids) != 1:
                raise
            return table, ids[0], ref
        return table, int(record.id), None
    if not ref.lstrip("#").isdigit():
        raise ValidationError("history_record_kind", value=value, kinds=kinds)
    return table, int(ref.lstrip("#")), None


@db_app.command("copy")
def copy(
    to: Annotated[
        str,
        typer.Option(
            "--to",
            help="目标数据库：一个新建的空数据库，如 postgresql+psycopg://用户:密码@服务器/数据库名。",
        ),
    ],
    fmt: FormatOpt = None,
    output: OutputOpt = None,
) -> None:
    """把当前数据库的全部记录复制到另一个空数据库（如从 SQLite 文件搬到 PostgreSQL）。"""
    from sanlian.cli.output import check_output
    from sanlian.db.engine import masked
    from sanlian.i18n.messages import render
    from sanlian.services import dbcopy

    check_output(output)  # before the copy: it cannot be run twice into the same database
    if not to.strip():
        from sanlian.errors import ValidationError

        raise ValidationError("required", field="目标数据库（--to）")
    outcome = dbcopy.copy_database(state().location, to)
    rows = [{"table": c.table, "label": c.label, "rows": c.rows} for c in outcome.copied]
    cols = [Col("label", "表"), Col("table", "表名"), Col("rows", "行数")]
    render_rows(rows, cols, fmt=fmt_value(fmt), output=output, reveal=True, title="复制的行数")
    total = dbcopy.summary(outcome.copied)
    sys.stderr.write(render("copy_done", url=masked(to), **total) + "\n")
    for r in outcome.recounted:
        said = render("copy_recounted", table=r.label, source=r.source, rows=r.rows)
        sys.stderr.write(said + "\n")


def undo(
    yes: Annotated[bool, typer.Option("--yes", help="不再询问，直接撤销。")] = False,
) -> None:
    """撤销最近一次修改：先列出要改回、删除和恢复的记录并询问（除非 --yes）；撤销本身记入变更日志，再次撤销则继续往前。"""
    from sanlian.db import journal
    from sanlian.errors import RuleError
    from sanlian.i18n.messages import render
    from sanlian.services import admin
    from sanlian.services.validate import mask_numbers_anywhere

    st = state()
    with st.session() as session:  # ask first, outside the writing transaction
        plan = admin.undo_plan(session)
        lines = journal.preview(plan, names=journal.ref_names(session))
    entry = dict(plan.entry)
    entry["summary"] = mask_numbers_anywhere(entry["summary"])  # as history shows it
    typer.echo(
        "将要：\n" + "\n".join(f"  {line}" for line in lines) if lines else "（没有逐项内容）"
    )
    if entry["operator"] != st.who:  # a colleague's change: said before it is taken back
        typer.echo(render("undo_other_operator", operator=entry["operator"], who=st.who))
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
    copy = _before_undo(st.location, plan)
    try:
        with st.session(write=True) as session:
            again = admin.undo_plan(session)
            if again.entry["id"] != entry["id"]:  # someone changed something meanwhile
                raise RuleError("undo_moved", id=again.entry["id"], summary=again.entry["summary"])
            admin.undo(session, again, operator=st.who)
            st.journaled = True
    except BaseException:
        if copy is not None:  # nothing was undone: the copy is of the database as it still is
            copy.unlink(missing_ok=True)
        raise
    typer.echo(render("undo_done", summary=entry["summary"]))
    if copy is not None:
        from sanlian.services import backups

        backups.rotate(copy)
        st.note(render("undo_backup", path=copy))


UNDO_BACKUP_AT = 100  # records an undo takes back from which a copy is kept first


def _before_undo(location: str, plan: Any) -> Path | None:
    """A copy of the database before an undo of many records (a whole import, the demo): an
    undo cannot itself be undone, and one run by mistake (after an import that changed
    nothing, thinking it would take that back) would otherwise be for good."""
    from sanlian.db.engine import is_url
    from sanlian.services import backups

    if is_url(location) or sum(c.count for c in plan.changes) < UNDO_BACKUP_AT:
        return None
    return backups.take(location, "undo", rotate_now=False)


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
        str | None,
        typer.Option("--since", help="只看这一天及以后的，如 2026-06-03、6-3、6月3日、昨天。"),
    ] = None,
    detail: Annotated[bool, typer.Option("--detail", help="逐项列出每次修改前后的值。")] = False,
    limit: Annotated[
        int,
        typer.Option("--limit", "-n", min=1, callback=at_most_id, help="最多显示多少条，默认 50。"),
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
            limit=limit + 1,  # (one more: whether there are earlier ones to say)
            record=target[:2] if target else None,
            record_name=target[2] if target else None,
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
    earlier = len(rows) > limit
    render_rows(
        rows[:limit], cols, fmt=fmt_value(fmt), output=output, reveal=True, title="变更日志"
    )
    if earlier:
        from sanlian.i18n.messages import render

        st.note(render("history_more", limit=limit, more=limit * 4))
