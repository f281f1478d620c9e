"""The ``sanlian`` command: global options, the sub-commands, and the one exit point.

Every refusal becomes one Chinese sentence on stderr and exit code 1, usage errors too; no
traceback is shown unless ``--debug``.
"""

from __future__ import annotations

import contextlib
import copy
import os
import re
import sys
from typing import Annotated, Any

import typer

from sanlian.cli import context
from sanlian.cli.zh import patch_help

patch_help()


def _plain_text_params() -> None:
    """Typer coerces each parameter through a pydantic ``TypeAdapter`` it builds on first use,
    even for an option not given, importing pydantic (0.1–0.2 s on a 2-core machine). A
    parameter not given (None), text (Click hands it over as ``str``), a list of texts, a
    choice typed as spelt (``-f json``) or a plain whole number (``--year 2026``) needs none:
    those values pass as the adapter would give them, and any other still goes through
    Typer's adapter (so its refusals read as before)."""
    try:
        from dataclasses import dataclass
        from enum import StrEnum

        from typer import _coercion
        from typer import core as typer_core

        build = typer_core.build_runtime_param
        if getattr(build, "_sanlian", False):
            return

        @dataclass(frozen=True)
        class Lazy(_coercion.RuntimeParam):
            descriptor: Any = None
            built: list[Any] | None = None

            def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
                if value is None:
                    return () if param.multiple or param.nargs == -1 else None
                if self.annotation is str and type(value) is str:
                    return value
                texts = isinstance(value, list | tuple) and all(type(v) is str for v in value)
                if self.annotation == list[str] and texts:
                    return list(value)
                found = self._plain(value)
                if found is not None:
                    return found
                assert self.built is not None
                if not self.built:
                    self.built.append(build(self.descriptor))
                return self.built[0].coerce(value, param=param, ctx=ctx)

            def _plain(self, value: Any) -> Any:
                """A choice typed exactly as it is spelt (a case-sensitive ``StrEnum``) or its
                default, a flag (Click gives a ``bool``), or a whole number (Click's ``int``,
                or ASCII digits) where no bounds are set: what the adapter would give.
                ``None``: anything else, left to the adapter (and its message)."""
                kind, info, given = self.annotation, self.parameter_info, type(value)
                if kind is bool and given is bool:
                    return value
                if kind is int and info.min is None and info.max is None:
                    if given is int:
                        return value
                    # (Python refuses to read 4,300 digits or more: the adapter, not)
                    if given is str and value.isascii() and value.isdigit() and len(value) < 19:
                        return int(value)
                    return None
                if isinstance(kind, type) and issubclass(kind, StrEnum):
                    if given is kind:  # a default (``By.section``)
                        return value
                    if given is str and info.case_sensitive:
                        return kind._value2member_map_.get(value)
                return None

            def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:  # pragma: no cover
                return self.coerce(value, param, ctx)

        def build_runtime_param(descriptor: Any) -> Any:
            if descriptor.file_annotation is not None or descriptor.parameter_info.parser:
                return build(descriptor)
            return Lazy(
                annotation=descriptor.annotation,
                parameter_info=descriptor.parameter_info,
                descriptor=descriptor,
                built=[],
            )

        build_runtime_param._sanlian = True  # type: ignore[attr-defined]
        typer_core.build_runtime_param = build_runtime_param
    except Exception:  # pragma: no cover - a Typer without these internals coerces as before
        return


_plain_text_params()

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


# The sub-commands, in the order help lists them: (name, module under sanlian.cli, attribute,
# help). A command line imports and builds only the one it runs; `--help` lists them all from
# this table without importing any of them.
COMMANDS: list[tuple[str, str, str, str]] = [
    ("init", "campaign", "init", "建立数据库和本年度活动（含三个阶段）。"),
    ("demo", "demo", "demo", "用 sample_data/ 中的示例单位建立演示数据库并显示概况。"),
    (
        "shell",
        "shell",
        "shell",
        "交互模式：逐行输入命令，启动只花一次时间；Tab 补全，exit 退出。\n\n"
        "exit N 以退出码 N（0 到 255）退出。从文件或管道读命令时（sanlian shell < 命令.txt）"
        "逐行执行，某行出错也接着执行后面的行；退出码：遇到 exit N 为 N，"
        "否则有一行出错则退出码为 1，全部成功为 0。",
    ),
    ("history", "admin", "history", "变更日志：谁在什么时候做了什么。"),
    ("undo", "admin", "undo", "撤销最近一次修改（先询问，--yes 不询问）。"),
    # issue 4 (progress, supervise, selfcheck, brief)
    (
        "progress",
        "reports",
        "progress",
        "阶段进度：所处阶段、各阶段任务清单、各科室或各干部完成情况。",
    ),
    ("supervise", "reports", "supervise", "调度督促：超期、滞后事项和责任人，最急的在前。"),
    ("selfcheck", "reports", "selfcheck", "年终自查：全部统计数，可写成 自查报告.xlsx / .docx。"),
    ("brief", "reports", "brief", "简报：一段时间的工作情况、与上期比较和需要抓紧的工作。"),
    # issue 5 (import, export, template)
    (
        "export",
        "importing",
        "export",
        "导出一张表到 .xlsx 或 .csv；除活动记录外，导出的文件改后可再导入。",
    ),
    ("template", "importing", "template", "写一个空白的导入模板（.xlsx），含示例和填写说明。"),
]
GROUPS: list[tuple[str, str, str, str]] = [
    ("campaign", "campaign", "app", "查看和修改活动年度、阶段日期和规则。"),
    ("section", "section", "app", "科室：添加、列出、修改、删除。"),
    ("cadre", "cadre", "app", "党员干部：登记、列出、查看、修改、删除。"),
    ("community", "community", "app", "联系社区(村)：登记、列出、查看、修改、删除。"),
    ("enterprise", "enterprise", "app", "联系企业：登记、列出、查看、修改、删除。"),
    ("household", "household", "app", "联系户（群众）：登记、列出、查看、修改、删除。"),
    ("db", "admin", "db_app", "数据库文件：位置、备份、恢复、检查。"),
    # issue 3 (links, visits, problems, activities, research)
    ("link", "link", "app", "联系与结对：社区(村)、企业、联系户；历史保留。"),
    ("visit", "visit", "app", "走访（民情民意访谈）：登记、列出、查看、修改。"),
    ("problem", "problem", "app", "问题（诉求）：登记、办理、解决、延期。"),
    ("activity", "activity", "app", "活动记录（“八个一”等）：登记、列出、删除。"),
    ("research", "research", "app", "调研报告：登记、列出、删除。"),
]
# The nouns that have `NOUN import` (sanlian.cli.importing attaches it once per process).
IMPORTABLE = (
    "section",
    "cadre",
    "community",
    "enterprise",
    "household",
    "link",
    "visit",
    "problem",
    "research",
)
_ATTACHED: set[str] = set()


def _load(module: str, attribute: str) -> Any:
    """``sanlian.cli.MODULE.ATTRIBUTE``: a command's function or a noun's Typer app."""
    # __import__, not importlib.import_module: `python -X importtime` (the start-up tests)
    # sees only the former
    return getattr(__import__(f"sanlian.cli.{module}", fromlist=[attribute]), attribute)


def _group(name: str, module: str, attribute: str) -> typer.Typer:
    sub: typer.Typer = _load(module, attribute)
    if name in IMPORTABLE and name not in _ATTACHED:
        from sanlian.cli import importing

        importing.attach(sub, name)
        _ATTACHED.add(name)
    return sub


def build_command(only: str | None = None, verb: str | None = None) -> typer.core.TyperGroup:
    """The Click command tree; with ``only``, just that sub-command under the root, and with
    ``verb`` just that command of the ``only`` group (a one-shot command imports and builds
    what it runs, not the whole tree)."""
    from sanlian.cli.zh import translate_params

    target = copy.copy(app)
    target.registered_commands = []
    target.registered_groups = []
    for name, module, attribute, help_text in COMMANDS:
        if only in (None, name):
            target.command(name, help=help_text)(_load(module, attribute))
    for name, module, attribute, help_text in GROUPS:
        if only in (None, name):
            sub = _group(name, module, attribute)
            kept = [c for c in sub.registered_commands if verb is not None and c.name == verb]
            if kept and not sub.registered_groups:
                sub = copy.copy(sub)
                sub.registered_commands = kept
            target.add_typer(sub, name=name, help=help_text)
    command = typer.main.get_command(target)
    translate_params(command)
    return command  # type: ignore[return-value]


def build_root() -> typer.core.TyperGroup:
    """The root alone, each sub-command standing in by its name and help: enough for
    ``sanlian --help``, ``--version`` and an unknown command's error, without importing the
    sub-commands' modules or building their options."""
    from typer.core import TyperGroup

    command = build_command("")
    for name, _module, _attribute, help_text in COMMANDS + GROUPS:
        command.add_command(TyperGroup(name=name, help=help_text), name)
    return command


_SURROGATE = re.compile("[\ud800-\udfff]")
# a number typed with the Chinese input method on (１, ２０２７): read as the number it is
_FULL_WIDTH_NUMBER = re.compile("[\uff10-\uff19]+")
_ASCII_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
INTERRUPTED = "已中断，未完成的修改没有写入。"
_told = False  # whether the interrupt was said already (by a shell's line, inside this main)


def _interrupted_said() -> int:
    """Say the interrupt once: a shell reading a file stops at the interrupted line, which
    said it, and its own ``main`` must not say it again. Exit code 130."""
    global _told
    if not _told:
        sys.stderr.write(context.interrupted_text() + "\n")
        _told = True
    return 130


def _quiet_sqlalchemy() -> None:
    """SQLAlchemy logs (in English, through logging's last-resort handler on stderr) the
    cursors it could not close while a Ctrl-C unwinds the command: never shown to a clerk."""
    import logging

    logger = logging.getLogger("sqlalchemy")
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
    logger.propagate = False


_IN_HOOK = False  # inside ``_unraisable``: an interrupt now would be swallowed again
TERMINATED = "已终止（收到结束信号），未完成的修改没有写入。"


class Terminated(BaseException):
    """SIGTERM or SIGHUP (the terminal window closed, the machine shutting down, ``kill``):
    the command unwinds as for Ctrl-C — its transaction rolled back, a file being written
    removed, a checking process stopped — and the program leaves with 128 + the signal's
    number. Not an ``Exception``: nothing on the way may take it for a command's error (the
    shell's loop lets it through and ends)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _on_terminate(signum: int, frame: Any) -> None:
    if _IN_HOOK:
        _interrupt_later(signum)
        return
    _quiet_sqlalchemy()
    raise Terminated(signum)


def _terminated_said(exc: Terminated) -> int:
    import contextlib

    said = TERMINATED
    if context.state().committed:  # the ending signal came as the change was committed
        from sanlian.i18n.messages import render

        said = render("terminated_written")
    with contextlib.suppress(OSError, ValueError):  # the terminal may be gone (SIGHUP)
        sys.stderr.write(said + "\n")
        sys.stderr.flush()
    return 128 + exc.signum


def _on_interrupt(signum: int, frame: Any) -> None:
    if _IN_HOOK:
        _interrupt_later()
        return
    _quiet_sqlalchemy()
    raise KeyboardInterrupt


def _interrupt_later(signum: int = 2) -> None:
    """The Ctrl-C (or the ending signal ``signum``) again, a moment later, from another thread
    (so that it lands in the main thread's own code, not in the finalizer or hook running
    now)."""
    import _thread
    import signal
    import threading
    import time

    def send() -> None:
        time.sleep(0.01)
        _thread.interrupt_main(signal.Signals(signum))

    threading.Thread(target=send, name="sanlian-interrupt", daemon=True).start()


def _unraisable(unraisable: Any) -> None:
    """A Ctrl-C that arrived while Python ran a finalizer (a ``__del__``, a weakref callback)
    is swallowed there (``Exception ignored in …``) and the command would go on: it is sent
    again, to land in the command itself."""
    global _IN_HOOK
    kind = unraisable.exc_type
    if isinstance(kind, type) and issubclass(kind, KeyboardInterrupt | Terminated):
        _IN_HOOK = True
        try:
            value = unraisable.exc_value
            _interrupt_later(value.signum if isinstance(value, Terminated) else 2)
        finally:
            _IN_HOOK = False
        return
    sys.__unraisablehook__(unraisable)


def handle_interrupts() -> None:
    """Ctrl-C ends the running command with one Chinese sentence, never English logging or an
    ignored exception (main thread only; elsewhere Python's defaults stay)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return
    try:
        current = signal.getsignal(signal.SIGINT)
        # Python's own, or the one ``sanlian.__main__.run`` installed first (start-up only)
        if current is signal.default_int_handler or getattr(current, "_sanlian_starting", False):
            signal.signal(signal.SIGINT, _on_interrupt)
        for ending in _ending():  # where nobody (a test runner, a caller) chose otherwise
            if signal.getsignal(ending) is signal.SIG_DFL:
                signal.signal(ending, _on_terminate)
    except (ValueError, OSError):  # pragma: no cover
        return
    if sys.unraisablehook is sys.__unraisablehook__:  # (a test runner may have its own)
        sys.unraisablehook = _unraisable


def _ending() -> tuple[int, ...]:
    """The signals that end the program (SIGHUP is not on Windows)."""
    import signal

    return tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))


def _interrupted(exc: BaseException) -> bool:
    """Typer and Click turn a Ctrl-C into ``Exit(130)`` or ``Abort``: was it one?"""
    return isinstance(exc.__cause__ or exc.__context__, KeyboardInterrupt)


def main(argv: list[str] | None = None, *, command: typer.core.TyperGroup | None = None) -> int:
    """Run one command line; return its exit code (``command``: one built before, kept by
    ``sanlian shell`` so that each of its lines does not build the command tree again)."""
    from typer import exceptions as te
    from typer._click import exceptions as ce

    context.state().committed = False  # (a shell's last command may have; this one not yet)

    from sanlian.errors import SanlianError

    global _told
    _told = False
    args = [
        a.translate(_ASCII_DIGITS) if _FULL_WIDTH_NUMBER.fullmatch(a) else a
        for a in (sys.argv[1:] if argv is None else argv)
    ]
    if args[:1] in (["help"], ["帮助"]):  # ``sanlian help problem add``: its help, as asked
        args = [*args[1:], "--help"]
    debug = "--debug" in args
    undecoded = next((a for a in args if _SURROGATE.search(a)), None)
    if undecoded is not None:  # bytes the terminal sent that are not UTF-8
        from sanlian.i18n.messages import render

        shown = _SURROGATE.sub("?", undecoded)
        sys.stderr.write(render("argv_undecodable", value=shown) + "\n")
        return 1
    try:
        context.ARGV = args
        if command is None:
            word = _command_word(args)
            completing = "_SANLIAN_COMPLETE" in os.environ
            if word is None and not completing:
                command = build_root()
            else:
                command = build_command(word, None if completing else _verb(args))
        result = command.main(args=args, prog_name="sanlian", standalone_mode=False)
        code = result if isinstance(result, int) else 0
        if code == 130:  # Typer's answer to a Ctrl-C (KeyboardInterrupt → Exit(130))
            _journal_cut_short()
            return _interrupted_said()
        if code == 0:
            context.state().journal_reveal()  # every --reveal is journaled
        return code
    except SanlianError as exc:  # the user's error: its sentence (numbers masked), even --debug
        context.state().flush_notes()
        _journal_what_was_shown()
        hint = _quotes_hint(exc) or _near_hint(exc)
        sys.stderr.write(exc.shown(context.mask_text, hint) + "\n")
        return exc.exit_code
    except te.Exit as exc:
        if _interrupted(exc):
            _journal_cut_short(exc)
            return _interrupted_said()
        return int(getattr(exc, "exit_code", 0) or 0)
    except te.Abort as exc:
        if _interrupted(exc):
            _journal_cut_short(exc)
            return _interrupted_said()
        sys.stderr.write("已取消。\n")
        return 1
    except ce.NoArgsIsHelpError as exc:
        if exc.ctx is not None:
            sys.stdout.write(exc.ctx.get_help() + "\n")
        return 0
    except ce.UsageError as exc:
        from sanlian.cli.zh import usage_error

        # a number typed in the wrong place is echoed: never a phone or ID number in full
        text = usage_error(exc) + _punctuation_hint(args)
        sys.stderr.write(context.mask_text(text) + "\n")
        return 1  # every refusal is 1 (click's own usage errors are 2)
    except KeyboardInterrupt as exc:
        _journal_cut_short(exc)
        return _interrupted_said()
    except BrokenPipeError as exc:  # ``| head``: what was read of it was shown
        _journal_cut_short(exc)
        return 0
    except SystemExit as exc:
        if isinstance(exc.__context__, BrokenPipeError):  # Click's own answer to ``| head``
            _journal_cut_short(exc)
            return 0
        raise
    except OverflowError as exc:  # a number beyond SQLite's or a date's: still the user's input
        if debug:
            return _debug_said(exc)
        from sanlian.i18n.messages import render

        sys.stderr.write(render("number_too_large") + "\n")
        return 1
    except Exception as exc:
        if isinstance(exc, RuntimeError) and "lost sys.stdin" in str(exc):
            sys.stderr.write("已取消。\n")  # a question asked with no input at all: cancelled
            return 1
        if debug:
            return _debug_said(exc)
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


def _debug_said(exc: BaseException) -> int:
    """``--debug``: the traceback, for whoever looks into the fault, with every ID and phone
    number in it masked (a failed statement's parameters hold the record's); exit 1."""
    import traceback

    sys.stderr.write(context.mask_text("".join(traceback.format_exception(exc))))
    return 1


def _journal_what_was_shown() -> None:
    """A refused command that had already shown full numbers (``--reveal`` on an import's
    error table): who saw them is journaled all the same — the only entry a refusal writes.
    A failure to write it does not hide the refusal's own sentence."""
    st = context.state()
    if st.revealed:
        with contextlib.suppress(Exception):
            st.journal_reveal()


def _journal_cut_short(exc: BaseException | None = None) -> None:
    """A ``--reveal`` command cut short by Ctrl-C or a closed pipe (``| head``) may have shown
    full numbers already: who asked to see them is journaled all the same (best effort). The
    frames ``exc`` unwound are cleared first: a listing's cursor still open in one of them
    holds the database's read lock, and the journal's write would wait on it."""
    import traceback

    st = context.state()
    if not st.reveal_asked or not st.reveal_checked:  # cut short before anything was shown
        return
    while exc is not None:
        if exc.__traceback__ is not None:
            traceback.clear_frames(exc.__traceback__)
        exc = exc.__context__
    with contextlib.suppress(Exception):
        st.journal_reveal()


# Full-width punctuation that an input method types right before or after an option's name
_GLUED = re.compile(r"([，：；、（）＝])--|^--[A-Za-z][A-Za-z-]*([，：；、（）＝])")


def _punctuation_hint(args: list[str]) -> str:
    """For a usage error on a line where full-width punctuation stuck an option to the word
    before or after it (``李四，--section``): that it does not separate words; where a command
    or an option was typed in full-width letters (``ｃａｄｒｅ``): to type it half-width."""
    from sanlian.i18n.messages import render

    for word in args:
        found = _GLUED.search(word)
        if found:
            mark = found.group(1) or found.group(2)
            return render("usage_fullwidth_punctuation", word=word, mark=mark)
    for word in args:  # ——section: the dash a Chinese input method types for --
        if word.startswith(("—", "―", "–")) and word.lstrip("—―–").isascii():
            option = word.lstrip("—―–")
            if option[:1].isalpha():
                dash = word[: len(word) - len(option)]
                return render("usage_input_dash", word=word, dash=dash, folded=f"--{option}")
    for word in args:  # ｃａｄｒｅ, －－section: typed with the input method in full-width mode
        if any("\uff01" <= ch <= "\uff5e" for ch in word):
            import unicodedata

            folded = unicodedata.normalize("NFKC", word)
            if folded.isascii() and (folded.startswith("-") or folded.isalpha()):
                return render("usage_fullwidth_letters", word=word, folded=folded)
    return ""


def _quotes_hint(exc: Any) -> str:
    """For a name that matched nothing and was typed in Chinese quotation marks (“单丽”, which
    a shell keeps as part of the value): that they are why, and what to type instead; for
    several names in one value (李娜，王芳): to write one name a time."""
    from sanlian.cli.zh import CHINESE_QUOTES
    from sanlian.i18n.messages import render

    ref = str(exc.params.get("ref", "")).strip() if exc.key == "ref_not_found" else ""
    if ref and (ref[0] in CHINESE_QUOTES or ref[-1] in CHINESE_QUOTES):
        return render("ref_chinese_quotes")
    if any(mark in ref.strip("，、,;；") for mark in "，、,;；"):  # 李娜，王芳: several names
        return render("ref_several")
    return ""


def _near_hint(exc: Any) -> str:
    """For a name that matched nothing: the few records whose name holds it, or whose pinyin
    starts with it (``refs.near``); nothing when there are none or too many, or when the
    database cannot be read."""
    from sanlian.i18n.messages import render
    from sanlian.services import refs

    kind = exc.params.get("command") if exc.key == "ref_not_found" else None
    if kind not in refs.KIND_LABEL:
        return ""
    ref = str(exc.params.get("ref", ""))
    try:
        with context.state().session() as session:
            found = refs.near(session, kind, ref)
            listed = "、".join(f"“{r.name}”（编号 {r.id}）" for r in found)
    except Exception:  # noqa: BLE001  (a hint: the refusal stands without it)
        return ""
    if not listed:
        return ""
    shown = ref.strip()
    how = f"拼音以“{shown}”开头的" if shown.isascii() else f"名称中含有“{shown}”的"
    return render("ref_near", how=how, like=listed)


def command_noun(words: list[str]) -> str | None:
    """The command word of a line, after the global options (``--db X``, ``--operator Y``)."""
    at = _noun_at(words)
    return None if at is None else words[at]


def _noun_at(words: list[str]) -> int | None:
    skip = False
    for at, word in enumerate(words):
        if skip:
            skip = False
        elif word in ("--db", "--operator"):
            skip = True
        elif not word.startswith("-"):
            return at
    return None


def _verb(args: list[str]) -> str | None:
    """The word right after the command word (``show`` in ``cadre show zw``), if any."""
    at = _noun_at(args)
    if at is None or at + 1 >= len(args) or args[at + 1].startswith("-"):
        return None
    return args[at + 1]


def _command_word(args: list[str]) -> str | None:
    """The sub-command a line runs, if it names a known one (else None)."""
    word = command_noun(args)
    return word if any(word == entry[0] for entry in COMMANDS + GROUPS) else None


def _database_error(exc: Exception) -> tuple[str, dict[str, object]] | None:
    """Known failures of the database or the file system as a catalogue key and its
    parameters, else None: a locked or read-only database, a full disk, a denied folder."""
    import errno
    import sqlite3

    from sanlian.db.engine import database_error_key, refusal_of
    from sanlian.i18n.messages import os_reason

    if isinstance(exc, OSError):
        where = exc.filename or context.state().location
        if exc.errno == errno.ENOSPC:
            return "disk_full", {"path": where}
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return "fs_denied", {"path": where}
        return "fs_error", {"path": where, "reason": os_reason(exc)}
    try:
        from sqlalchemy.exc import DBAPIError
    except ImportError:  # pragma: no cover
        return None
    if isinstance(exc, DBAPIError | sqlite3.Error):
        key = database_error_key(exc)
        if key:
            return refusal_of(key, context.state().location)
    text = str(exc).lower()
    if "lock timeout" in text or "deadlock detected" in text or "could not serialize" in text:
        return "db_locked", {}
    if isinstance(exc, ValueError | TypeError) and "isoformat" in text:
        # a date another program stored in another form (2026-5-3, a number), read back by
        # SQLAlchemy: ``db check`` names the record
        return "db_bad_date", {}
    return None


# What Windows in Chinese gives a redirected stream (``sanlian cadre list > 干部.txt``): GBK,
# which has no 䶮 or 𠮷 — names that the roster does hold.
_GBK = frozenset({"gbk", "cp936", "ms936", "gb2312", "euccn", "936"})


def _whole_unicode_streams() -> None:
    """Standard input, output and error able to carry every character: a GBK stream becomes
    GB18030 (the same bytes for every GBK character, and the rest of Unicode besides, so a
    file redirected on a Chinese Windows still opens as before in Excel and Notepad); any
    other stream that is not Unicode writes what it cannot hold as ``\\u…`` escapes, not an
    internal error halfway through a listing."""
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        encoding = encoding.replace("_", "")
        try:
            if encoding in _GBK:
                stream.reconfigure(encoding="gb18030")  # type: ignore[union-attr]
            elif (
                encoding and not encoding.startswith(("utf", "gb18030")) and stream is not sys.stdin
            ):
                stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):  # not a text file, or already read from
            continue


def run() -> None:
    """The ``sanlian`` program. Python's cyclic garbage collector is held off while start-up
    imports the libraries and builds the command (those objects are never garbage, and the
    passes over them cost a one-shot command about a fifth of its time); the command turns
    it back on once the database is open (``context.started``). At the end everything is
    frozen, so that leaving does not walk the whole heap once more."""
    import gc

    gc.disable()
    handle_interrupts()  # the program's own process only: not for whoever calls ``main``
    _whole_unicode_streams()
    try:
        try:
            code = main()
        except KeyboardInterrupt:  # before ``main`` reached its own error boundary
            code = _interrupted_said()
        except Terminated as exc:  # unwound: nothing half-written is left
            code = _terminated_said(exc)
        finally:
            _ignore_interrupts()  # the command is over: a Ctrl-C now must not show a traceback
    except KeyboardInterrupt:
        # one that landed as the command ended, before it was ignored: a Ctrl-C swallowed by
        # a finalizer is sent again 10 ms later (``_unraisable``), by then ``main`` may be done
        code = _interrupted_said()
    except Terminated as exc:
        code = _terminated_said(exc)
    gc.freeze()
    sys.exit(code)


def _ignore_interrupts() -> None:
    """The command is over: Ctrl-C ignored, and an ending signal ends the process at once
    (there is nothing left to unwind)."""
    import signal

    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for ending in _ending():
            if signal.getsignal(ending) is _on_terminate:
                signal.signal(ending, signal.SIG_DFL)
    except (ValueError, OSError):  # pragma: no cover - not the main thread
        return


if __name__ == "__main__":
    from sanlian.__main__ import run as entry

    entry()
