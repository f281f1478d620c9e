"""The ``sanlian`` command: global options, the sub-commands, and the one exit point.

Every refusal becomes one Chinese sentence on stderr and exit code 1; usage errors exit 2; no
traceback is shown unless ``--debug``.
"""

from __future__ import annotations

import re
import sys
from typing import Annotated

import typer

from sanlian.cli import context
from sanlian.cli.zh import patch_help

patch_help()

app = typer.Typer(
    name="sanlian",
    help="“三联三解三促”活动台账：登记干部与联系对象，记录联系、走访、问题和“八个一”活动，"
    "生成调度督促和自查报告。",
    no_args_is_help=True,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from sanlian import __version__

        typer.echo(f"sanlian {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="数据库文件路径或 URL；默认 $SANLIAN_DB，否则用户数据目录下的 sanlian/sanlian.db。",
            show_default=False,
        ),
    ] = None,
    operator: Annotated[
        str | None,
        typer.Option(
            "--operator", help="操作人（记入变更日志）；默认 $SANLIAN_OPERATOR 或系统用户名。"
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="出错时显示技术细节。")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="显示版本号并退出。"),
    ] = False,
) -> None:
    context.reset(db=db, operator=operator, debug=debug)


def _register() -> None:
    from sanlian.cli import cadre, campaign, community, enterprise, household, section

    app.command("init", help="建立数据库和本年度活动（含三个阶段）。")(campaign.init)
    app.add_typer(campaign.app, name="campaign", help="查看和修改活动年度、阶段日期和规则。")
    app.add_typer(section.app, name="section", help="科室：添加、列出、修改、删除。")
    app.add_typer(cadre.app, name="cadre", help="党员干部：登记、列出、查看、修改、删除。")
    app.add_typer(
        community.app, name="community", help="联系社区(村)：登记、列出、查看、修改、删除。"
    )
    app.add_typer(
        enterprise.app, name="enterprise", help="联系企业：登记、列出、查看、修改、删除。"
    )
    app.add_typer(
        household.app, name="household", help="联系户（群众）：登记、列出、查看、修改、删除。"
    )
    _register_demo()
    _register_shell()
    from sanlian.cli import admin

    app.add_typer(admin.db_app, name="db", help="数据库文件：位置、备份、恢复、检查。")
    app.command("history", help="变更日志：谁在什么时候做了什么。")(admin.history)
    app.command("undo", help="撤销最近一次修改（先询问，--yes 不询问）。")(admin.undo)
    # issue 3 (links, visits, problems, activities, research): register below this line
    from sanlian.cli import activity, link, problem, research, visit

    app.add_typer(link.app, name="link", help="联系与结对：社区(村)、企业、联系户；历史保留。")
    app.add_typer(visit.app, name="visit", help="走访（民情民意访谈）：登记、列出、查看、修改。")
    app.add_typer(problem.app, name="problem", help="问题（诉求）：登记、办理、解决、延期。")
    app.add_typer(activity.app, name="activity", help="活动记录（“八个一”等）：登记、列出、删除。")
    app.add_typer(research.app, name="research", help="调研报告：登记、列出、删除。")
    # issue 4 (progress, supervise, selfcheck, brief): register below this line
    from sanlian.cli import reports

    app.command("progress", help="阶段进度：所处阶段、各阶段任务清单、各科室或各干部完成情况。")(
        reports.progress
    )
    app.command("supervise", help="调度督促：超期、滞后事项和责任人，最急的在前。")(
        reports.supervise
    )
    app.command("selfcheck", help="年终自查：全部统计数，可写成 自查报告.xlsx / .docx。")(
        reports.selfcheck
    )
    app.command("brief", help="简报：一段时间的工作情况、与上期比较和需要抓紧的工作。")(
        reports.brief
    )
    # issue 5 (import, export, template): register below this line
    from sanlian.cli import importing as importing_cli

    importing_cli.register(
        app,
        {
            "section": section.app,
            "cadre": cadre.app,
            "community": community.app,
            "enterprise": enterprise.app,
            "household": household.app,
            "link": link.app,
            "visit": visit.app,
            "problem": problem.app,
            "research": research.app,
        },
    )


def _register_demo() -> None:
    from sanlian.cli import demo

    app.command("demo", help="用 sample_data/ 中的示例单位建立演示数据库并显示概况。")(demo.demo)


def _register_shell() -> None:
    from sanlian.cli import shell

    app.command("shell", help="交互模式：逐行输入命令，启动只花一次时间；Tab 补全，exit 退出。")(
        shell.shell
    )


_register()


def build_command(only: str | None = None) -> typer.core.TyperGroup:
    """The Click command tree; with ``only``, just that sub-command under the root (a one-shot
    command builds what it runs, not the whole tree: about 0.02 s less)."""
    from sanlian.cli.zh import translate_params

    target = app
    if only is not None:
        import copy

        target = copy.copy(app)
        target.registered_groups = [g for g in app.registered_groups if g.name == only]
        target.registered_commands = [c for c in app.registered_commands if c.name == only]
    command = typer.main.get_command(target)
    translate_params(command)
    return command  # type: ignore[return-value]


_SURROGATE = re.compile("[\ud800-\udfff]")


def main(argv: list[str] | None = None, *, command: typer.core.TyperGroup | None = None) -> int:
    """Run one command line; return its exit code (``command``: one built before, kept by
    ``sanlian shell`` so that each of its lines does not build the command tree again)."""
    from typer import exceptions as te
    from typer._click import exceptions as ce

    from sanlian.errors import SanlianError

    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    undecoded = next((a for a in args if _SURROGATE.search(a)), None)
    if undecoded is not None:  # bytes the terminal sent that are not UTF-8
        from sanlian.i18n.messages import render

        shown = _SURROGATE.sub("?", undecoded)
        sys.stderr.write(render("argv_undecodable", value=shown) + "\n")
        return 2
    try:
        context.ARGV = args
        result = (command or build_command(_command_word(args))).main(
            args=args, prog_name="sanlian", standalone_mode=False
        )
        code = result if isinstance(result, int) else 0
        if code == 0:
            context.state().journal_reveal()  # every --reveal is journaled
        return code
    except SanlianError as exc:
        if debug:
            raise
        context.state().flush_notes()
        sys.stderr.write(exc.message + "\n")
        return exc.exit_code
    except te.Exit as exc:
        return int(getattr(exc, "exit_code", 0) or 0)
    except te.Abort:
        sys.stderr.write("已取消。\n")
        return 1
    except ce.NoArgsIsHelpError as exc:
        if exc.ctx is not None:
            sys.stdout.write(exc.ctx.get_help() + "\n")
        return 0
    except ce.UsageError as exc:
        from sanlian.cli.zh import usage_error

        sys.stderr.write(usage_error(exc) + "\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("已中断，未完成的修改没有写入。\n")
        return 130
    except BrokenPipeError:
        return 0
    except OverflowError:  # a number beyond what SQLite or a date holds: still the user's input
        if debug:
            raise
        from sanlian.i18n.messages import render

        sys.stderr.write(render("number_too_large") + "\n")
        return 1
    except Exception as exc:
        if isinstance(exc, RuntimeError) and "lost sys.stdin" in str(exc):
            sys.stderr.write("已取消。\n")  # a question asked with no input at all: cancelled
            return 1
        if debug:
            raise
        from sanlian.errors import DatabaseError
        from sanlian.i18n.messages import render

        known = _database_error(exc)
        text = (
            DatabaseError(known[0], **known[1]).message
            if known
            else render("internal_error", reason=type(exc).__name__)
        )
        sys.stderr.write(text + "\n")
        return 1


def command_noun(words: list[str]) -> str | None:
    """The command word of a line, after the global options (``--db X``, ``--operator Y``)."""
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word in ("--db", "--operator"):
            skip = True
        elif not word.startswith("-"):
            return word
    return None


def _command_word(args: list[str]) -> str | None:
    """The sub-command a line runs, if it names a known one (else None: build the whole tree)."""
    word = command_noun(args)
    names = {g.name for g in app.registered_groups} | {c.name for c in app.registered_commands}
    return word if word in names else None


def _database_error(exc: Exception) -> tuple[str, dict[str, object]] | None:
    """Known failures of the database or the file system as a catalogue key and its
    parameters, else None: a locked or read-only database, a full disk, a denied folder."""
    import errno
    import sqlite3

    from sanlian.db.engine import database_error_key

    if isinstance(exc, OSError):
        where = exc.filename or context.state().location
        if exc.errno == errno.ENOSPC:
            return "disk_full", {"path": where}
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return "fs_denied", {"path": where}
        return "fs_error", {"path": where, "reason": exc.strerror or type(exc).__name__}
    try:
        from sqlalchemy.exc import DBAPIError
    except ImportError:  # pragma: no cover
        return None
    if isinstance(exc, DBAPIError | sqlite3.Error):
        key = database_error_key(exc)
        if key:
            return key, {"path": context.state().location}
    text = str(exc).lower()
    if "lock timeout" in text or "deadlock detected" in text or "could not serialize" in text:
        return "db_locked", {}
    return None


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
