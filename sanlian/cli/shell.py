"""`sanlian shell`: an interactive session over the very same commands.

Each line is split as a shell would (shlex) and run through ``sanlian.cli.main.main``, so output,
errors and exit codes are those of a one-shot command; the Python start-up, the imports and the
opening (and migration check) of the database are paid once. A bad line never ends the session.

History is kept across sessions in the user data folder (file mode 0600) with ID and mobile
numbers masked; Tab completes commands, options, enumerated values and record names (by name,
full pinyin or initials, read from the ``search_key`` table).

When standard input is not a terminal (``sanlian shell < commands.txt``) the lines are run in
order without prompt or welcome, going on after a failed line; the exit code is N after
``exit N``, else 1 if any line failed, else 0.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
import threading
import time
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

if TYPE_CHECKING:
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

PROMPT = "三联台账> "
EXIT_WORDS = {"exit", "quit", "退出"}
HELP_WORDS = {"help", "?", "？", "帮助"}
HISTORY_FILE = "shell_history"
# Commands after which the database file may have been replaced or rebuilt: it is reopened (and
# its migrations checked) before the next command.
REOPEN_AFTER = {"db", "undo", "demo", "init"}

_ACTIVE = False  # a shell is running in this process


def shell(
    db: Annotated[
        str | None,
        typer.Option("--db", help="数据库文件路径或 URL（同 sanlian --db）。", show_default=False),
    ] = None,
    operator: Annotated[
        str | None,
        typer.Option("--operator", help="操作人（同 sanlian --operator）。", show_default=False),
    ] = None,
) -> None:
    """交互式会话：逐行输入命令，启动只花一次时间；exit、quit 或 Ctrl-D 退出。"""
    from sanlian.cli import context
    from sanlian.errors import ValidationError

    if _ACTIVE:
        raise ValidationError("shell_nested")
    if sys.stdin is None:  # started with its input closed (``<&-``, some scheduled tasks)
        raise ValidationError("shell_no_input")
    state = context.state()
    session = Shell(db=db or state.db, operator=operator or state.operator, debug=state.debug)
    code = session.interactive() if sys.stdin.isatty() else session.batch(sys.stdin)
    raise typer.Exit(code)


# --- masking the history --------------------------------------------------------------------

# An option holding personal numbers and its value (quoted, unquoted, or after ``=``).
_SECRET_VALUE = re.compile(
    r"(?<![\w-])(--[A-Za-z-]*?(?:phone|id-number))(=|[ \t\u3000]+)"
    r"(\"[^\"]*(?:\"|$)|'[^']*(?:'|$)|[^ \t\u3000]*)"
)
# a database server's address, whose password is not kept either
_DB_VALUE = re.compile(r"(?<![\w-])(--db(?:=|[ \t\u3000]+))(\S+://\S+)")


def mask_line(line: str) -> str:
    """The line as kept in the history: the value of every ``--phone``/``--id-number`` (any
    option so named) masked whatever its format, and ID-number-like and mobile-like runs
    elsewhere masked too (full-width digits, spaces and dashes inside them included). Lines
    pasted together are one entry: each is masked on its own, so that no value runs on into
    the next line."""
    if "\n" not in line and "\r" not in line:
        return _mask_one(line)
    out = []
    for piece in line.splitlines(keepends=True):
        text = piece.rstrip("\r\n")
        out.append(_mask_one(text) + piece[len(text) :])
    return "".join(out)


def _mask_one(line: str) -> str:
    from sanlian.cli.context import mask_secret, mask_text, secret_kind

    def hide(found: re.Match[str]) -> str:
        option, between, value = found.groups()
        if not value:
            return found.group(0)
        bare = value.strip("\"'“”‘’")
        return option + between + mask_secret(secret_kind(option) or "id", bare)

    # the free text first: a number typed in pieces after --phone (138 1234 5678) is one run
    # there, where the option's value is only its first piece (masking twice is harmless)
    line = _SECRET_VALUE.sub(hide, mask_text(line))
    if "://" in line:
        from sanlian.db.engine import masked

        line = _DB_VALUE.sub(lambda found: found.group(1) + masked(found.group(2)), line)
    return line


# a number as the history keeps it (``139****5678``, ``371302********0012``), anywhere in a
# line: in a ``--phone`` or in a diary's text alike
_MASKED = re.compile(r"[0-9０-９]+[*＊]{4,}[0-9０-９]+[Xx]?")


def history_path() -> Path:
    """``<user data dir>/sanlian/shell_history``, beside the default database."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("sanlian", appauthor=False)) / HISTORY_FILE


def _masked_history(path: Path, masks: set[str] | None = None) -> Any:
    """The history file; ``masks`` gains every masked number of the lines read from it."""
    from prompt_toolkit.history import FileHistory

    class MaskedHistory(FileHistory):
        """Lines are kept as typed for this session, and written masked to the file."""

        def load_history_strings(self) -> Iterable[str]:
            try:
                lines = list(super().load_history_strings())
            except OSError:  # unreadable: the session starts without history
                return []
            if masks is not None:
                masks.update(found.group() for line in lines for found in _MASKED.finditer(line))
            return lines

        def store_string(self, string: str) -> None:
            target = Path(str(self.filename))
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                if not target.exists():
                    os.close(os.open(target, os.O_CREAT | os.O_WRONLY, 0o600))
                os.chmod(target, 0o600)
                super().store_string(mask_line(string))
            except OSError:  # a history that cannot be written never stops the session
                return

    if path.is_file():  # kept private even if an older version left it readable by others
        with suppress(OSError):
            os.chmod(path, 0o600)
    return MaskedHistory(str(path))


def split_words(text: str) -> list[str]:
    """``text`` split as a shell would, a full-width space (typed by an input method) also
    separating words; a quoting error raises ValueError. As a shell does, a word that starts
    with ``~`` unquoted names a home folder (``-o ~/自查报告.xlsx``; written into a folder
    named ``~`` under the current one before); quoted, it stays as written."""
    lexer = shlex.shlex(text, posix=True)
    lexer.whitespace += "\u3000"
    lexer.whitespace_split = True
    lexer.commenters = ""
    words = list(lexer)
    if "~" in text:
        bare = set(_BARE_TILDE.findall(text))  # as typed: no quote or backslash in them
        words = [os.path.expanduser(w) if w in bare else w for w in words]
    return words


def _pasted_lines(text: str) -> list[str]:
    """The commands of a pasted block, a line each, except that a quote left open goes on
    over the line breaks until it is closed: a diary pasted in quotes keeps its lines, as a
    terminal's shell keeps them (``--diary "今天入户走访。⏎群众反映路灯坏了。"``). A line
    that starts with a command (``visit add …``) is never taken into the one before: a stray
    quote there leaves that line alone refused, not the commands pasted after it."""
    from sanlian.cli.main import COMMANDS, GROUPS

    commands = {name for name, *_rest in (*COMMANDS, *GROUPS)} | {"sanlian"}
    lines: list[str] = []
    held: str | None = None
    for line in text.split("\n"):
        first = line.split(maxsplit=1)[0].lower() if line.strip() else ""
        if held is not None and first in commands:
            lines.append(held)  # its quote never closed: refused for it, alone
            held = None
        held = line if held is None else f"{held}\n{line}"
        try:
            split_words(held)
        except ValueError as exc:
            if "closing quotation" in str(exc):
                continue
        lines.append(held)
        held = None
    if held is not None:
        lines.append(held)
    return lines


# a word starting with ~ and holding no quote, backslash or space
_BARE_TILDE = re.compile(r"(?:^|(?<=[\s\u3000]))(~[^\s\u3000'\"\\]*)")


# What the system's shell reads as pipes, redirections and command separators
SHELL_OPERATORS = {"|", "||", ">", ">>", "<", "<<", ";", "&", "&&", ";;", ">&", "<&", "|&"}


def _shell_operator(text: str) -> str | None:
    """The first pipe, redirection or ``;`` written outside quotes in ``text``, if any: they
    work in the system's shell, not here (``cadre list > 干部.txt``)."""
    if not any(ch in text for ch in "|&;<>"):
        return None
    lexer = shlex.shlex(text.lstrip("\ufeff"), posix=True, punctuation_chars="|&;<>")
    lexer.whitespace += "\u3000"
    lexer.commenters = ""
    try:
        return next((token for token in lexer if token in SHELL_OPERATORS), None)
    except ValueError:
        return None


def _exit_status(words: list[str]) -> int | None | Literal[False]:
    """The status ``exit N`` asks for: None for a bare ``exit``, False if not one integer
    from 0 to 255 (full-width digits are read as digits)."""
    if not words:
        return None
    text = unicodedata.normalize("NFKC", words[0])
    if len(words) > 1 or not (text.isascii() and text.isdigit()) or int(text) > 255:
        return False
    return int(text)


class _Prefixed:
    """A text stream that starts each line with ``prefix`` (the errors of a line in a file);
    not a terminal's redraw (a progress bar's ``\r``, a cursor move ``ESC[…``): prefixed, it
    was printed over and over, and pushed the next line to the right."""

    def __init__(self, stream: Any, prefix: str) -> None:
        self._stream = stream
        self._prefix = prefix
        self._at_start = True
        self._redraw = False

    def write(self, text: str) -> int:
        lines = text.splitlines(keepends=True)
        if len(lines) > 2 and self._at_start and not self._redraw and text.endswith("\n"):
            # a table or a list written whole (an import's bad rows): the line's number on a
            # line of its own, the table as the command prints it (its own 行号 beside a
            # prefix of every line read as one number, and its columns no longer lined up)
            self._stream.write(self._prefix + "\n" + text)
            return len(text)
        pieces = []
        for piece in lines:
            # the cursor sent back over the line (``\r`` alone, ``ESC[…``): a redraw follows
            redraw = self._redraw or piece.startswith(("\r", "\x1b"))
            if self._at_start and not redraw:
                pieces.append(self._prefix)
            pieces.append(piece)
            self._at_start = redraw or piece.endswith(("\n", "\r"))
            self._redraw = piece.endswith("\r")  # (not "\r\n", kept whole by splitlines)
        self._stream.write("".join(pieces))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


# --- running lines --------------------------------------------------------------------------


class Shell:
    """Runs command lines one after another in this process."""

    def __init__(
        self, *, db: str | None = None, operator: str | None = None, debug: bool = False
    ) -> None:
        self.db = db
        self.operator = operator
        self.debug = debug
        self.completer = ShellCompleter(self)
        self.command: Any = None
        self.exit_status: int | None = None  # what ``exit N`` asked for
        self.masks: set[str] = set()  # the masked numbers of the history file's lines

    @property
    def location(self) -> str:
        from sanlian.db.engine import default_location, file_location

        return file_location(self.db or default_location())

    def root(self) -> Any:
        """The command tree, built once; what makes no sense inside the shell (``shell``,
        installing the completion of the system's shell) is left out of its help."""
        if self.command is None:
            from sanlian.cli import main as main_module

            command = main_module.build_command()
            for name, sub in command.commands.items():
                sub.hidden = sub.hidden or name in NOT_INSIDE
            for param in command.params:
                if set(getattr(param, "opts", ())) & NOT_INSIDE:
                    param.hidden = True  # type: ignore[attr-defined]  # (an Option's)
            self.command = command
        return self.command

    def argv(self, line: str) -> list[str] | None:
        """The words of ``line`` (None for a blank line or a comment); a quoting error raises."""
        text = line.lstrip("\ufeff").strip()  # a BOM: a file saved by Notepad as UTF-8
        if not text or text.startswith("#"):
            return None
        words = split_words(text)
        if words and words[0] == "sanlian":  # typed out of habit
            words = words[1:]
        return words or None

    def full_argv(self, words: list[str]) -> list[str]:
        """The global options given to ``shell`` apply unless the line gives its own."""
        head: list[str] = []
        if self.db and "--db" not in words:
            head += ["--db", self.db]
        if self.operator and "--operator" not in words:
            head += ["--operator", self.operator]
        if self.debug and "--debug" not in words:
            head.append("--debug")
        return head + words

    def run_line(self, line: str) -> int | None:
        """Run one line; its exit code (0 for a blank line), or None when it asks to leave."""
        from sanlian.i18n.messages import render

        try:
            words = self.argv(line)
        except ValueError:
            sys.stderr.write(render("shell_quote") + "\n")
            return 2
        if words is None:
            return 0
        if words[0].lower() in EXIT_WORDS:  # ``exit``, or ``exit N``: leave with status N
            status = _exit_status(words[1:])
            if status is False:
                sys.stderr.write(render("shell_exit_status") + "\n")
                return 2
            self.exit_status = status
            return None
        if not words[0].strip():
            sys.stderr.write(render("shell_empty_command") + "\n")
            return 2
        operator = _shell_operator(line)
        if operator:
            sys.stderr.write(render("shell_operator", operator=operator) + "\n")
            return 2
        # a masked number of a line recalled from the history (Up): run, the asterisks would be
        # stored for good (a number masked on purpose in a text, typed afresh, is kept as typed)
        recalled = next(
            (m.group() for m in _MASKED.finditer(line) if m.group() in self.masks), None
        )
        if recalled:
            sys.stderr.write(render("shell_masked_number", value=recalled) + "\n")
            return 1
        if words[0].lower() in HELP_WORDS:  # ``help cadre add`` = ``cadre add --help``
            words = [*words[1:], "--help"]
        try:
            code = self._run(words)
            if words == ["--help"] and code == 0:  # and what only the shell has
                sys.stdout.write(render("shell_help") + "\n")
            return code
        finally:
            self.completer.stale()
            sys.stdout.flush()
            sys.stderr.flush()

    def _run(self, words: list[str]) -> int:
        from sanlian.cli import context
        from sanlian.cli import main as main_module
        from sanlian.i18n.messages import render

        try:
            code = main_module.main(self.full_argv(words), command=self.root())
        except KeyboardInterrupt:
            sys.stderr.write(context.interrupted_text() + "\n")
            return 130
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except main_module.Terminated:  # SIGTERM, SIGHUP: the session ends too
            raise
        except BaseException as exc:  # the session goes on, whatever a command did
            if self.debug or "--debug" in words:
                import traceback

                traceback.print_exc()
            else:
                sys.stderr.write(render("internal_error", reason=type(exc).__name__) + "\n")
            code = 1
        from sanlian.cli import context
        from sanlian.cli.main import command_noun

        # its --reveal is journaled by the command itself, not once more at the shell's end
        context.state().reveal_asked = False

        if command_noun(words) in REOPEN_AFTER:
            from sanlian.db import engine

            engine.close_kept()
            engine.keep_open()
        return code

    @contextmanager
    def _session(self) -> Iterator[None]:
        global _ACTIVE
        from sanlian.db import engine

        _ACTIVE = True
        engine.keep_open()
        try:
            yield
        finally:
            engine.close_kept()
            _ACTIVE = False

    def batch(self, lines: Iterable[str]) -> int:
        """Run every line in order, going on after a failed one; the status is N after
        ``exit N``, else 1 if any line failed, else 0 (130: Ctrl-C, the later lines not run).
        Nobody is there to answer a question: a command that would ask one is refused
        (``--yes`` runs it); each error says which line of the file it is about (``第 3 行：``)."""
        from sanlian.cli import zh

        failed = False
        stderr = sys.stderr
        refused, zh.QUESTIONS_REFUSED = zh.QUESTIONS_REFUSED, True
        try:
            with self._session():
                for number, line in enumerate(lines, 1):
                    sys.stderr = _Prefixed(stderr, f"第 {number} 行：")
                    try:
                        code = self.run_line(line)
                    finally:
                        sys.stderr = stderr
                    if code is None:
                        break
                    if code == 130:  # Ctrl-C: the file's later lines are not run either
                        return 130
                    failed = failed or code != 0
        finally:
            zh.QUESTIONS_REFUSED = refused
        if self.exit_status is not None:
            return self.exit_status
        return 1 if failed else 0

    def interactive(self, *, input: Any = None, output: Any = None) -> int:
        """Prompt for lines until exit, quit or Ctrl-D; Ctrl-C cancels the line being typed.
        The status is N after ``exit N``, else 0."""
        from prompt_toolkit.output import create_output

        from sanlian.i18n.messages import render

        _chinese_search()
        if output is None:  # ``sanlian shell | tee 记录.txt``: the prompt is drawn on the
            output = create_output(always_prefer_tty=True)  # terminal, not into the pipe

        prompt = self.prompt_session(input=input, output=output)
        print(render("shell_welcome"), flush=True)
        _warm_up()
        with self._session():
            while True:
                self.completer.preload()  # while the clerk reads and types
                try:
                    _settle_output()
                    line = prompt.prompt(PROMPT)
                except KeyboardInterrupt:
                    continue
                except EOFError:
                    break
                try:
                    if not self._run_pasted(line):
                        break
                except KeyboardInterrupt:  # between two commands: the session goes on
                    sys.stderr.write(render("shell_interrupted") + "\n")
        return self.exit_status or 0

    def prompt_session(self, *, input: Any = None, output: Any = None) -> Any:
        """The prompt of ``interactive``: the history, the completion, Tab's keys."""
        from prompt_toolkit import PromptSession
        from prompt_toolkit.auto_suggest import AutoSuggestFromHistory

        prompt: PromptSession[str] = PromptSession(
            history=_masked_history(history_path(), self.masks),
            completer=self.completer.for_prompt(),
            complete_while_typing=False,
            auto_suggest=AutoSuggestFromHistory(),
            key_bindings=_key_bindings(),
            input=input,
            output=output,
        )
        # a terminal that does not say where its cursor is (a slow remote one, some editors'
        # terminals) gets on without it: no English warning about it in the session
        prompt.app.renderer.cpr_not_supported_callback = None
        return prompt

    def _run_pasted(self, text: str) -> bool:
        """Each line of ``text`` (several when pasted at once) in turn, until one is
        interrupted (Ctrl-C: back to the prompt); False to leave."""
        from sanlian.cli.zh import interrupted_at_question

        interrupted_at_question()  # (a question of an earlier line: not this paste's)
        for line in _pasted_lines(text):
            code = self.run_line(line)
            if code is None:
                return False
            if code == 130 or interrupted_at_question():  # Ctrl-C, at a question too
                break
        return True


def _key_bindings() -> Any:
    """Tab pressed again when the only completion offered is already in the line keeps it
    (the menu closes), as a terminal's shell does: prompt_toolkit's Tab goes round the menu,
    back to what was typed (``cadre show wan`` Tab Tab, then Enter: 找不到干部“wan”).
    Enter on a completion chosen in the menu takes it and closes the menu, as in pgcli and
    litecli: the line runs at the next Enter (it ran at once, half typed: ``visit add
    --cadre z`` Tab Tab Tab Enter, 请写明走访对象) — unless that completion was the only one
    (``cadre show sl`` Tab gives 单丽 and a menu of one): nothing was chosen from a list, so
    Enter runs the line, as after a command completed by Tab."""
    from prompt_toolkit.application.current import get_app
    from prompt_toolkit.filters import Condition, completion_is_selected
    from prompt_toolkit.key_binding import KeyBindings

    bindings = KeyBindings()

    @Condition
    def only_one_chosen() -> bool:
        state = get_app().current_buffer.complete_state
        return state is not None and len(state.completions) == 1 and state.complete_index == 0

    @bindings.add("tab", filter=only_one_chosen)
    @bindings.add("enter", filter=completion_is_selected & ~only_one_chosen)
    def _keep(event: Any) -> None:
        event.current_buffer.complete_state = None

    @bindings.add("enter", filter=only_one_chosen)
    def _run(event: Any) -> None:
        event.current_buffer.complete_state = None
        event.current_buffer.validate_and_handle()

    return bindings


# What prompt_toolkit writes before a history search (Ctrl-R, Ctrl-S), in Chinese.
SEARCH_WORDS = {"reverse-i-search": "搜索历史", "i-search": "向后搜索历史"}


def _chinese_search() -> None:
    """The history search says ``(搜索历史)`…'`` instead of ``(reverse-i-search)`…'``."""
    import prompt_toolkit.shortcuts.prompt  # noqa: F401  (the module, not its function)
    from prompt_toolkit.layout import processors

    prompt_module: Any = sys.modules["prompt_toolkit.shortcuts.prompt"]

    english = processors.ReverseSearchProcessor
    if prompt_module.ReverseSearchProcessor is not english:
        return  # done already

    class ChineseSearch(english):  # type: ignore[misc, valid-type]
        def apply_transformation(self, ti: Any) -> Any:
            done = super().apply_transformation(ti)
            shift = 0
            fragments = []
            for fragment in done.fragments:
                style, text = fragment[0], fragment[1]
                if style == "class:prompt.search" and text in SEARCH_WORDS:
                    shift = len(SEARCH_WORDS[text]) - len(text)
                    fragment = (style, SEARCH_WORDS[text], *fragment[2:])
                fragments.append(fragment)
            if not shift:
                return done
            to_display, to_source = done.source_to_display, done.display_to_source
            return processors.Transformation(
                fragments,
                source_to_display=lambda i: to_display(i) + shift,
                display_to_source=lambda i: to_source(i - shift),
            )

    prompt_module.ReverseSearchProcessor = ChineseSearch


def _settle_output(patience: float = 1.0) -> None:
    """Before the prompt is drawn: the last command's output flushed and, when it goes into a
    pipe (``sanlian shell | tee 记录.txt``, the prompt being drawn on the terminal), taken by
    the reader (up to ``patience`` seconds), so that ``tee`` shows it above the new prompt,
    not below it."""
    for stream in (sys.stdout, sys.stderr):
        with suppress(Exception):
            stream.flush()
    try:
        import fcntl
        import stat
        import termios

        fd = sys.stdout.fileno()
        if not stat.S_ISFIFO(os.fstat(fd).st_mode):
            return
    except (AttributeError, ImportError, OSError, ValueError):  # no such pipe (or Windows)
        return
    import struct

    deadline = time.monotonic() + patience
    while True:
        try:  # the bytes still in the pipe (Linux answers this for the writing end too)
            waiting = struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0" * 4))[0]
        except OSError:
            return
        if not waiting or time.monotonic() > deadline:
            break
        time.sleep(0.002)
    time.sleep(0.005)  # and the reader's own write to the terminal, just after its read


# What the commands a clerk types first import (beside the database code): the reports and
# Rich's tables. Imported ahead, the session's first ``progress`` at bureau took 110 ms instead
# of 140 (the rest of its first time: opening the database, SQLAlchemy compiling statements).
WARM_MODULES = (
    "rich.console",
    "rich.table",
    "rich.progress_bar",
    "sanlian.reports.progress",
    "sanlian.reports.supervise",
    "sanlian.reports.brief",
    "sanlian.cli.fold",
    "sanlian.cli.status",
    "sanlian.services.problems",
    "sanlian.services.visits",
)


def _warm_up() -> None:
    """While the clerk types the first line, import the database code and what the first
    commands need in the background."""
    import importlib

    def work() -> None:
        try:
            import sqlalchemy.dialects.sqlite  # noqa: F401
            from sqlalchemy.orm import configure_mappers

            import sanlian.db.models  # noqa: F401

            configure_mappers()
            for name in WARM_MODULES:
                importlib.import_module(name)
        except Exception:  # the first command will meet (and report) whatever failed here
            return

    threading.Thread(target=work, name="sanlian-warm-up", daemon=True).start()


# --- completion -----------------------------------------------------------------------------

# Options (and the ``ref`` argument of each registry's commands) that name a record.
REF_OPTIONS = {
    "--cadre": ("cadre",),
    "--owner": ("cadre",),
    "--section": ("section",),
    "--community": ("community",),
    "--enterprise": ("enterprise",),
    "--household": ("household",),
    "--partner": ("community", "enterprise"),
}
REF_KINDS = ("section", "cadre", "community", "enterprise", "household")
# What ``history --record``'s kinds are, beside them in the menu.
KIND_LABELS_ALL = {
    "section": "科室",
    "cadre": "干部",
    "community": "社区(村)",
    "enterprise": "企业",
    "household": "联系户",
    "link": "联系记录（编号）",
    "visit": "走访（编号）",
    "problem": "问题（编号）",
    "activity": "活动（编号）",
    "research": "调研报告（编号）",
}
# Names a Tab offers at the most (the first, in the order of their ids). With the line that
# says there are more, the menu holds 200 entries: prompt_toolkit sizes the column of notes
# beside the names on the first 200 alone, and cut that line's advice at 201.
NAMES_SHOWN = 199
# Where a record is, as its namesakes' completions show it: (kind, column, the kind it names).
_PLACES: tuple[tuple[str, str, str | None], ...] = (
    ("cadre", "section_id", "section"),
    ("household", "community_id", "community"),
    ("community", "town", None),
)
# Options whose value is a date (and ``--from``/``--to`` where their help says a day): a Tab
# offers today and yesterday, the days a clerk records most.
DATE_OPTIONS = {"--date", "--as-of", "--due", "--since", "--start", "--end"}
# Not offered inside the shell: commands and options that make no sense there.
NOT_INSIDE = {"shell", "--install-completion", "--show-completion"}
# Values never offered: personal data.
PRIVATE_OPTIONS = {"--phone", "--id-number", "--uscc"}


def _enum_options() -> dict[str, dict[str, str]]:
    from sanlian.i18n import labels

    categories: dict[str, str] = {}
    for table in labels.CATEGORIES.values():
        categories.update(table)
    return {
        "--gender": dict(labels.GENDER),
        "--party": dict(labels.PARTY),
        "--role": dict(labels.ROLE),
        "--kind": dict(labels.COMMUNITY_KIND),
        "--form": dict(labels.VISIT_FORM),
        "--category": categories,
        "--measure": dict(labels.MEASURE),
        "--status": dict(labels.PROBLEM_STATUS),
        "--phase": dict(labels.PHASE),
    }


def _kinds_in(group: str | None) -> dict[str, str] | None:
    """``--kind`` of a command group where it is not a community's kind (else ``None``)."""
    from sanlian.i18n import labels

    table = {"activity": labels.ACTIVITY_KIND, "link": labels.LINK_KIND}.get(group or "")
    return dict(table) if table is not None else None


def _first_sentence(text: str | None) -> str:
    """The help's first sentence, as the meta of a completion."""
    lines = (text or "").strip().splitlines()
    sentence = re.split(r"(?<=。)", lines[0], maxsplit=1)[0] if lines else ""
    return sentence if len(sentence) <= 40 else sentence[:39] + "…"


def _quoted(word: str) -> str:
    """``word`` as typed on a command line: quoted only if it has spaces or shell characters."""
    return shlex.quote(word) if re.search(r"[\s'\"\\|&;<>()$`*?#~]", word) else word


def _is_path(param: Any) -> bool:
    """A parameter naming a file (typed ``Path``, or the database's ``--db``)."""
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    return annotation is Path or "--db" in getattr(param, "opts", ())


def _file_names(current: str, start: int) -> list[tuple[str, int, str]]:
    """The files and folders whose path starts with ``current`` (a folder ends with ``/``)."""
    folder, _sep, prefix = current.rpartition("/")
    where = Path(folder + "/" if _sep else ".").expanduser()
    try:
        entries = sorted(os.scandir(where), key=lambda e: e.name)
    except OSError:
        return []
    found = []
    for entry in entries:
        if not entry.name.startswith(prefix) or (entry.name.startswith(".") and not prefix):
            continue
        is_folder = entry.is_dir()
        path = (folder + "/" if _sep else "") + entry.name + ("/" if is_folder else "")
        found.append((_quoted(path), start, "文件夹" if is_folder else ""))
    return found[:200]


def _word_start(before: str) -> tuple[int, str | None]:
    """Where the word being typed starts in ``before`` (its opening quote included), and the
    quote still open at the end, if any."""
    start, quote = 0, None
    escaped = False
    for at, ch in enumerate(before):
        if escaped:
            escaped = False
        elif quote is not None:
            if ch == quote:
                quote = None
        elif ch == "\\":
            escaped = True
        elif ch in "\"'":
            quote = ch
        elif ch.isspace():
            start = at + 1
    return start, quote


def _dates(current: str, start: int) -> list[tuple[str, int, str]]:
    """Today and yesterday, as ``YYYY-MM-DD``, those that start with what is typed."""
    import datetime as dt

    from sanlian.services.clock import today

    day = today()
    offered = ((day, "今天"), (day - dt.timedelta(days=1), "昨天"))
    return [
        (d.isoformat(), start, label) for d, label in offered if d.isoformat().startswith(current)
    ]


def _choices(param: Any) -> list[str]:
    """The values a Click/Typer parameter is limited to (an Enum's values), if any."""
    descriptor = getattr(param, "type_descriptor", None)
    choices = (
        getattr(descriptor, "choices", None) if getattr(descriptor, "is_choice", False) else None
    )
    if choices is None:
        choices = getattr(getattr(param, "type", None), "choices", None)
    return [str(getattr(c, "value", c)) for c in choices or ()]


class ShellCompleter:
    """prompt_toolkit completer over the Click command tree and the registry's names."""

    def __init__(self, shell: Shell) -> None:
        self.shell = shell
        self._names: dict[str, tuple[list[tuple[str, int, str, str]], dict[str, int]]] | None = None
        self._stamp: tuple[object, ...] | None = None  # the database as the names were read
        self._enums: dict[str, dict[str, str]] | None = None
        self._words: list[str] = []  # the words of the line being completed, before the last
        self._lock = threading.Lock()  # one reading of the names at a time
        self._loading: threading.Thread | None = None  # ``preload``'s
        self._read_at = 0.0  # when the names were read (``time.monotonic``)

    def for_prompt(self) -> Any:
        """This completer as prompt_toolkit wants it (imported only when a prompt is shown)."""
        from prompt_toolkit.completion import Completer, Completion

        candidates = self.candidates

        class Adapter(Completer):
            def get_completions(self, document: Document, complete_event: CompleteEvent) -> Any:
                for text, start, meta in candidates(document.text_before_cursor):
                    if text:
                        yield Completion(text, start_position=start, display_meta=meta)
                    else:  # a line of the menu that tells, inserting nothing when chosen
                        yield Completion("", start_position=0, display="……", display_meta=meta)

        return Adapter()

    def stale(self) -> None:
        """A command ran: it may have changed the names. The database's stamp tells whether it
        did (``_database_stamp``): a read-only command leaves the names read."""

    # the logic, testable without prompt_toolkit
    def candidates(self, before: str) -> list[tuple[str, int, str]]:
        """(text, start position relative to the cursor, meta) for what is typed so far.

        The word being typed is replaced whole, an opening quote included: a name is put back
        quoted (closed) only if it needs it, a namesake's number bare."""
        word_at, quote = _word_start(before)
        words: list[str] | None = None
        for closing in ("", quote or ""):
            try:
                words = split_words(before + closing)
                break
            except ValueError:
                continue
        if words is None:
            words = before.split()
        typing_word = word_at < len(before) and bool(words)
        current = words.pop() if typing_word else ""
        if words and words[0] == "sanlian":
            words = words[1:]
        after_help = bool(words) and words[0].lower() in HELP_WORDS
        if after_help:  # ``help cadre …``: the commands
            words = words[1:]
        try:
            found = self._candidates(words, current, -(len(before) - word_at))
        except Exception:  # completion must never break the prompt
            return []
        return [c for c in found if c[0] not in ("help", "exit")] if after_help else found

    def _command(self) -> Any:
        return self.shell.root()

    def _candidates(self, words: list[str], current: str, start: int) -> list[tuple[str, int, str]]:
        self._words = words  # the line's words before the one typed
        command = self._command()
        # walk the global options and the sub-commands typed so far
        position = 0  # positional arguments seen for the current command
        expecting: Any = None  # the option whose value comes next
        for word in words:
            if expecting is not None:
                expecting = None
                continue
            if word.startswith("-"):
                option = self._option(command, word)
                takes_value = option is not None and not option.is_flag and option.nargs == 1
                if takes_value and "=" not in word:
                    expecting = option
                continue
            sub = self._sub(command, word)
            if sub is not None:
                command = sub
                position = 0
            else:
                position += 1
        if expecting is not None:
            return self._values(command, expecting, current, start)
        if current.startswith("--") and "=" in current:  # --format=j: the value after =
            name, _eq, value = current.partition("=")
            option = self._option(command, name)
            if option is None or option.is_flag:
                return []
            return [
                (f"{name}={text}", start, meta) if text else (text, 0, meta)  # the "more" line
                for text, _start, meta in self._values(command, option, value, start)
            ]
        if current.startswith("-"):
            return [
                (name, start, _first_sentence(getattr(param, "help", "")))
                for param in command.params
                if getattr(param, "param_type_name", "") == "option" and not param.hidden
                for name in (*param.opts, *param.secondary_opts)
                if name.startswith(current) and name.startswith("--") and name not in NOT_INSIDE
            ] + (
                [("--help", start, "显示本帮助并退出。")]
                if "--help".startswith(current) and current.startswith("--")
                else []
            )
        if hasattr(command, "list_commands"):
            found = []
            for name in command.list_commands(None):
                sub = command.commands.get(name)
                if sub is None or sub.hidden or not name.startswith(current) or name in NOT_INSIDE:
                    continue
                found.append((name, start, _first_sentence(sub.get_short_help_str(200))))
            if command is self._command():
                found += [
                    (word, start, meta)
                    for word, meta in (("help", "显示全部命令。"), ("exit", "退出交互模式。"))
                    if word.startswith(current)
                ]
            return found
        arguments = [p for p in command.params if getattr(p, "param_type_name", "") == "argument"]
        if position < len(arguments):
            return self._argument_values(command, arguments[position], current, start)
        return []

    @staticmethod
    def _option(command: Any, word: str) -> Any:
        name = word.split("=", 1)[0]
        for param in command.params:
            if getattr(param, "param_type_name", "") == "option" and name in param.opts:
                return param
        return None

    @staticmethod
    def _sub(command: Any, word: str) -> Any:
        commands = getattr(command, "commands", None)
        return commands.get(word) if commands else None

    def _values(
        self, command: Any, option: Any, current: str, start: int
    ) -> list[tuple[str, int, str]]:
        names = [n for n in option.opts if n.startswith("--")]
        name = names[0] if names else ""
        if name in PRIVATE_OPTIONS:
            return []
        if _is_path(option):
            return _file_names(current, start)
        choices = _choices(option)
        if choices:
            return [(str(c), start, "") for c in choices if str(c).startswith(current)]
        if name in REF_OPTIONS:
            return self._names_for(REF_OPTIONS[name], current, start)
        if name == "--record":
            return self._record_values(current, start)
        said = option.help or ""
        if name in DATE_OPTIONS or (name in ("--from", "--to") and ("日" in said or "天" in said)):
            return _dates(current, start)
        if self._enums is None:
            self._enums = _enum_options()
        table = self._enums.get(name)
        if name == "--kind":  # a community's kind; an activity's or a link's in their groups
            table = _kinds_in(self._group_of(command)) or table
        if name == "--category":  # a problem's: those of its target's kind, once it is named
            table = self._categories_of_target() or table
        if table:
            return self._enum_values(table, current, start)
        return []

    def _categories_of_target(self) -> dict[str, str] | None:
        """The problem categories of the kind of target the line names (``--household 3``),
        else ``None``."""
        from sanlian.i18n.labels import CATEGORIES

        for word in self._words:
            kind = word.split("=", 1)[0].removeprefix("--")
            if word.startswith("--") and kind in CATEGORIES:
                return dict(CATEGORIES[kind])
        return None

    def _argument_values(
        self, command: Any, argument: Any, current: str, start: int
    ) -> list[tuple[str, int, str]]:
        choices = _choices(argument)
        if choices:
            return [(str(c), start, "") for c in choices if str(c).startswith(current)]
        if _is_path(argument):
            return _file_names(current, start)
        if argument.name == "kind" and command.name in ("export", "template"):
            from sanlian.services import exporting

            kinds = (
                exporting.export_kinds() if command.name == "export" else exporting.template_kinds()
            )
            return self._enum_values(kinds, current, start)
        if argument.name == "ref":
            group = self._group_of(command)
            if group in REF_KINDS:
                # ``restore`` brings back a retired record: those are the names it takes
                kind = RETIRED + group if command.name == "restore" else group
                return self._names_for((kind,), current, start, positional=True)
        if argument.name == "kind" and self._group_of(command) == "activity":
            from sanlian.i18n.labels import ACTIVITY_KIND

            return self._enum_values(dict(ACTIVITY_KIND), current, start)
        return []

    def _record_values(self, current: str, start: int) -> list[tuple[str, int, str]]:
        """``history --record``: its kinds (``cadre:``, ``干部:``), then after the colon the
        names of that kind, as ``--cadre`` completes them (``干部:zw`` → ``干部:张文``)."""
        from sanlian.cli.admin import RECORD_KINDS
        from sanlian.services.refs import KIND_LABEL

        word, colon, ref = current.replace("：", ":").partition(":")
        if not colon:
            return [
                (f"{kind}:", start, KIND_LABELS_ALL.get(table, table))
                for kind, table in RECORD_KINDS.items()
                if kind.startswith(current.lower())
            ]
        table = RECORD_KINDS.get(word.strip().lower())
        if table not in REF_KINDS or table not in KIND_LABEL:
            return []
        return [
            (f"{word}:{text}", start, meta) if text else (text, 0, meta)  # the "more" line
            for text, _start, meta in self._names_for((table,), ref, start)
        ]

    def _group_of(self, command: Any) -> str | None:
        root = self._command()
        for name, sub in root.commands.items():
            if command in getattr(sub, "commands", {}).values():
                return str(name)
        return None

    @staticmethod
    def _enum_values(table: dict[str, str], current: str, start: int) -> list[tuple[str, int, str]]:
        return [
            (key, start, label)
            for key, label in table.items()
            if key.startswith(current.lower()) or label.startswith(current)
        ]

    def _names_for(
        self, kinds: tuple[str, ...], current: str, start: int, *, positional: bool = False
    ) -> list[tuple[str, int, str]]:
        """The first ``NAMES_SHOWN`` records of ``kinds`` whose name starts with ``current``,
        or one of whose pinyin keys does (an ASCII ``current``), in the order of their ids;
        where there are more, last a line that says so, which completes nothing (no text).
        ``positional``: the names complete an argument, where a word starting with ``-``
        would be read as an option (``household show -王秀英``): such a name is completed
        as its number, the name shown beside it."""
        from sanlian.i18n.messages import render
        from sanlian.services.refs import KIND_LABEL

        names = self._load_names()
        prefix = current.lower()
        # the keys are held joined, each after a mark: one search in C a record (city: 100,000
        # households, a keystroke 80 ms when each key was tried in turn)
        marker = KEY_MARK + prefix if prefix and prefix.isascii() else None
        found: list[tuple[str, int, str]] = []
        for kind in kinds:
            records, counts = names.get(kind, ([], {}))
            for name, ref_id, keys, place in records:
                if not (name.startswith(current) or (marker is not None and marker in keys)):
                    continue
                if len(found) >= NAMES_SHOWN:  # one more than the menu holds: say so
                    found.append(("", 0, render("shell_more_names", shown=NAMES_SHOWN)))
                    return found
                label = f"{KIND_LABEL[kind.removeprefix(RETIRED)]} [{ref_id}]"
                if counts[name] > 1:  # namesakes: the number names one, the place tells which
                    found.append((str(ref_id), start, f"{name}（{place or label}）"))
                elif positional and name.startswith("-"):
                    found.append((str(ref_id), start, f"{name}（{label}）"))
                else:
                    found.append((_quoted(name), start, label))
        return found

    def _database_stamp(self, *, settle: bool = True) -> tuple[object, ...]:
        """What tells that the database changed, by this shell or another program: the file's
        identity, its (and its journals') size and time; for a server, the latest entry of
        the change journal (every command that writes adds one, an import or an undo too:
        ``_server_stamp``).

        The file is never opened here, only looked at (``os.stat``): closing a file of the
        database drops every lock this process holds on it (POSIX locks belong to the
        process), SQLite's own included. In WAL mode that lost other programs' writes: a
        one-shot command, ending, found itself alone, checkpointed and deleted the WAL this
        shell still wrote to. A time is exact only to the kernel's tick: a file changed just
        now is looked at again a tick later, so that a change made after the look gets a
        later time (the "racy" entries of git's index); ``settle=False``: not (a stamp equal
        to one taken settled still says that nothing changed)."""
        location = self.shell.location
        from sanlian.db.engine import is_url

        if is_url(location):
            return (location, *_server_stamp(location))
        path = str(Path(location).expanduser())
        for _attempt in range(2):
            stamp: list[object] = [location]
            newest = 0
            for suffix in ("", "-wal", "-journal"):
                try:
                    info = os.stat(path + suffix)
                except OSError:
                    stamp.append(None)
                else:
                    stamp.append((info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns))
                    newest = max(newest, info.st_mtime_ns)
            settled = time.time_ns() - newest
            if not settle or settled >= STAMP_SETTLED_NS:
                break
            time.sleep((STAMP_SETTLED_NS - max(settled, 0)) / 1e9)
        return tuple(stamp)

    def _load_names(
        self, wait: float | None = None
    ) -> dict[str, tuple[list[tuple[str, int, str, str]], dict[str, int]]]:
        """Per kind, the active records (name, id, pinyin keys each after a ``KEY_MARK``,
        place) and how many records bear each name (the retired ones apart, under
        ``RETIRED`` + the kind, for ``restore``); read again when the database changed,
        by this shell or another program (a server's also once a minute). One
        caller reads them at a time: a Tab pressed while ``preload`` reads waits for it, up
        to ``wait`` seconds (``NAMES_WAIT``; -1: as long as it takes), then offers the names read before.
        Another program writing (its write lock held) keeps the names read before too, and
        they are read again at the next Tab: the prompt never hangs on the lock."""
        if not self._lock.acquire(timeout=NAMES_WAIT if wait is None else wait):
            return self._names or {}
        try:
            stamp = self._database_stamp()
            if self._current(stamp):
                assert self._names is not None
                return self._names
            try:
                names = _read_names(self.shell.location)
            except Exception as exc:
                from sanlian.db.engine import database_error_key

                if database_error_key(exc) != "db_locked":
                    raise
                return self._names or {}  # the stamp kept: read again next time
            self._names, self._stamp, self._read_at = names, stamp, time.monotonic()
            return names
        finally:
            self._lock.release()

    def _current(self, stamp: tuple[object, ...]) -> bool:
        """Whether the names read hold for the database as ``stamp`` finds it (a server's,
        besides, were read less than ``SERVER_NAMES_MAX_AGE`` ago)."""
        from sanlian.db.engine import is_url

        if self._names is None or stamp != self._stamp:
            return False
        young = time.monotonic() - self._read_at < SERVER_NAMES_MAX_AGE
        return young or not is_url(self.shell.location)

    def preload(self) -> None:
        """Read the names in the background if they are stale (a command changed the
        database), while the clerk reads the output and types: the first Tab then finds them
        (city: 100,000 households, ≈ 0.3 s to read). Only through the database a command of
        this shell opened and keeps open: opening it here, beside that command, could
        migrate it twice."""
        from sanlian.db.engine import is_kept

        if self._loading is not None and self._loading.is_alive():
            return
        if not is_kept(self.shell.location):
            return
        if self._current(self._database_stamp(settle=False)):
            return  # (the prompt is not kept waiting for a file changed just now)

        def work() -> None:
            with suppress(Exception):  # a Tab reads them again (and says nothing)
                self._load_names(wait=-1)

        self._loading = threading.Thread(target=work, name="sanlian-names", daemon=True)
        self._loading.start()


# A server's names are read again after this many seconds even if its journal says nothing
# changed (a record written there by another program than sanlian): at city scale a read is
# ≈ 1 s, paid at most once a minute instead of at every Tab two seconds apart.
SERVER_NAMES_MAX_AGE = 60.0


def _server_stamp(location: str) -> tuple[object, ...]:
    """The latest change journal entry of a server's database (one index look-up), through
    the connection this shell keeps open for it; before a command opened it, or when the
    look-up fails, the time in 2-second steps (the names are then read again that often)."""
    from sanlian.db.engine import is_kept

    if is_kept(location):
        try:
            from sqlalchemy import func, select

            from sanlian.db.engine import open_database
            from sanlian.db.models import Journal

            journal: Any = Journal.__table__  # type: ignore[attr-defined]
            with open_database(location).engine.connect() as conn:
                return ("journal", conn.execute(select(func.max(journal.c.id))).scalar())
        except Exception:  # a dropped connection: the commands will say so
            pass
    return ("clock", int(time.monotonic() // 2))


RETIRED = "retired:"  # before a kind: its retired records, which ``KIND restore`` completes
KEY_MARK = "\x01"  # before each pinyin key of a record, joined: never in a name or a key
# How long a Tab waits for the names being read in the background (seconds), and how long
# their reading waits for another program's write lock (milliseconds): a Tab never freezes the
# prompt for the 30 seconds a command waits (a colleague's import being written).
NAMES_WAIT = 3.0
# A file changed less than this ago (ns) is looked at again: beyond a kernel tick (1–10 ms)
STAMP_SETTLED_NS = 25_000_000
NAMES_BUSY_MS = 500


def _read_names(
    location: str,
) -> dict[str, tuple[list[tuple[str, int, str, str]], dict[str, int]]]:
    """``ShellCompleter._load_names``'s reading: each kind's active records in the order of
    their ids (and apart, its retired ones), with their keys joined by the database (one query a kind, the keys found
    through their ``ref_id`` index: at city 0.26 s, where grouping 430,000 keys in Python
    took 0.85 s) and their place (a cadre's section, a household's community, a
    community's township: what tells namesakes apart)."""
    from sanlian.db.engine import is_url, open_database, waiting_at_most

    names: dict[str, tuple[list[tuple[str, int, str, str]], dict[str, int]]] = {}
    if not is_url(location) and not Path(location).expanduser().exists():
        return names
    # the locks waited for no longer than ``NAMES_BUSY_MS`` (the shared lock a reading takes
    # at its start, a first opening's): another program writing, the names read before serve
    with waiting_at_most(NAMES_BUSY_MS / 1000):
        db = open_database(location)
        try:
            with db.engine.connect() as conn:
                _read_kinds(conn, names)
        finally:
            db.dispose()
    return names


def _read_kinds(
    conn: Any, names: dict[str, tuple[list[tuple[str, int, str, str]], dict[str, int]]]
) -> None:
    from sqlalchemy import func, literal, or_, select

    from sanlian.db.models import REGISTRY_MODELS, SearchKey
    from sanlian.services.clock import today as clock_today

    today = clock_today()
    places = {kind: (column, parent) for kind, column, parent in _PLACES}
    keys: Any = SearchKey.__table__  # type: ignore[attr-defined]
    for kind in REF_KINDS:
        table: Any = REGISTRY_MODELS[kind].__table__  # type: ignore[attr-defined]
        joined = (
            select(func.aggregate_strings(literal(KEY_MARK) + keys.c.key, ""))
            .where(keys.c.ref_id == table.c.id, keys.c.kind == kind)
            .scalar_subquery()
        )
        column, parent = places.get(kind, (None, None))
        source = table
        if column is None:
            place: Any = literal("")
        elif parent is None:
            place = table.c[column]
        else:
            other: Any = REGISTRY_MODELS[parent].__table__  # type: ignore[attr-defined]
            source = table.outerjoin(other, other.c.id == table.c[column])
            place = other.c.name
        # on the roster today: one leaving tomorrow (retired with a record of today) still is
        active = or_(table.c.retired_on.is_(None), table.c.retired_on > today)
        query = (
            select(table.c.name, table.c.id, joined, place, active)
            .select_from(source)
            .order_by(table.c.id)
        )
        groups: dict[str, list[tuple[str, int, str, str]]] = {kind: [], RETIRED + kind: []}
        for name, ref_id, found, where, in_use in conn.execute(query):
            groups[kind if in_use else RETIRED + kind].append(
                (name, ref_id, found or "", str(where or ""))
            )
        for key, records in groups.items():
            counts: dict[str, int] = {}
            for name, *_rest in records:
                counts[name] = counts.get(name, 0) + 1
            names[key] = (records, counts)


__all__ = ["Shell", "ShellCompleter", "history_path", "mask_line", "shell"]
