"""Chinese for the parts of Typer's help and usage errors that it writes in English.

Typer keeps these strings in module constants and in its vendored copy of Click; they are set
here once, before any help is drawn. If a future Typer moves them, help simply stays English
in those few places: nothing here may fail.
"""

from __future__ import annotations

from typing import Any

HELP_OPTION = "显示本帮助并退出。"
# the value an option takes, as the help shows it in place of Typer's Python type name
PLACEHOLDERS = {
    "<str>": "<值>",
    "<int>": "<整数>",
    "<float>": "<数>",
    "<path>": "<文件>",
    "<list[str]>": "<值>…",
    "<list[int]>": "<整数>…",
    "<list[path]>": "<文件>…",
}
# What an option's value is, where Typer would say only ``<值>`` (a text): by the option's
# parameter name, which means the same in every command that has it.
VALUE_NAMES = {
    **dict.fromkeys(
        ("as_of", "date", "date_from", "date_to", "due", "since", "start", "end", "resolved_on"),
        "日期",
    ),
    "section": "科室",
    **dict.fromkeys(("cadre", "owner"), "干部"),
    "community": "社区",
    "enterprise": "企业",
    "household": "联系户",
    "phone": "电话",
    "id_number": "身份证号",
    "amount": "金额",
    "sheet": "工作表",
    "encoding": "编码",
    "mapping": "列名=字段",
    "db": "文件",
    "name": "名称",
    "unit": "单位",
    "town": "乡镇",
    "grid": "网格",
    "industry": "行业",
    "uscc": "信用代码",
    "members": "人数",
    "gender": "性别",
    "party": "政治面貌",
    "role": "职务",
    "kind": "类型",
    "category": "类别",
    "status": "状态",
    "form": "形式",
    "cards": "张数",
    "measure": "措施",
    "partner": "共建单位",
    "phase": "阶段",
    "record": "记录",
    "to": "数据库",
    **dict.fromkeys(("contact", "operator"), "姓名"),
    **dict.fromkeys(
        ("note", "diary", "reason", "how", "needs", "address", "text", "title", "topic"), "文字"
    ),
}
# ditto, where it would say ``<整数>``
NUMBER_NAMES = {
    "visit": "走访编号",
    "no": "期号",
    "year": "年份",
    "limit": "条数",
    "pairs": "户数",
    **dict.fromkeys(
        ("time_limit", "stale", "yellow", "red", "visit_cadence", "research_warn"), "天数"
    ),
}
COMPLETION_HELP = {
    "Install completion for the current shell.": "为当前 shell 安装命令补全。",
    "Show completion for the current shell, to copy it or customize the installation.": "显示当前 shell 的补全脚本，便于复制或自定义安装。",
    "Install completion for the specified shell.": "为指定的 shell 安装命令补全。",
    "Show completion for the specified shell, to copy it or customize the installation.": "显示指定 shell 的补全脚本。",
}


# Click's help headings and Typer's notes after an option's help.
HEADINGS = {"Options": "选项", "Commands": "命令", "Arguments": "参数"}
NOTES = {
    "default: {default}": "默认：{default}",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
}
# A line never starts with closing punctuation, nor ends with opening punctuation.
CLOSING = frozenset("，。、；：！？）」』”’》〉】〕…,.;:!?)]}%")
OPENING = frozenset("（「『“‘《〈【〔([{")
CONNECTORS = frozenset(":=@.")  # ``cadre:张伟``, ``部门=科室``, ``张伟@综合科``, ``原文件名.错误``


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: CJK characters take two."""
    from unicodedata import combining, east_asian_width

    return sum(
        0 if combining(ch) else 2 if east_asian_width(ch) in ("W", "F") else 1 for ch in text
    )


def _is_chinese(token: str) -> bool:
    """One CJK character, not punctuation."""
    return len(token) == 1 and width(token) == 2 and token not in CLOSING | OPENING


def _tokens(text: str) -> list[str]:
    """Words, single CJK characters and single spaces: a line may break between any two
    (punctuation kept with its neighbour)."""
    from unicodedata import east_asian_width

    tokens: list[str] = []
    word = ""
    for ch in text:
        if ch.isspace() or east_asian_width(ch) in ("W", "F"):
            if word:
                tokens.append(word)
                word = ""
            tokens.append(" " if ch.isspace() else ch)
        else:
            word += ch
    if word:
        tokens.append(word)
    merged: list[str] = []
    glue = False  # the previous token is opening punctuation: keep the next one with it
    linked = False  # after ``cadre:`` or ``=``: the CJK word that follows stays with it
    for token in tokens:
        chinese = _is_chinese(token)
        if token == " ":
            if merged and merged[-1] != " ":
                merged.append(token)
            glue = linked = False
        elif (
            merged
            and merged[-1] != " "
            and (glue or token[0] in CLOSING or token[0] in CONNECTORS or linked and chinese)
        ):
            after_chinese = _is_chinese(merged[-1][-1])
            merged[-1] += token
            if token[0] in CONNECTORS and after_chinese:  # and the CJK word before: 张伟@综合科
                while len(merged) > 1 and _is_chinese(merged[-2]):
                    tail = merged.pop()
                    merged[-1] += tail
            glue = token[-1] in OPENING
            linked = linked and chinese or token[-1] in CONNECTORS
        else:
            merged.append(token)
            glue = token[-1] in OPENING
            linked = not chinese and token[-1] in CONNECTORS
    return merged


def wrap(text: str, limit: int, first: int | None = None) -> list[str]:
    """``text`` (one paragraph) in lines of at most ``limit`` columns (the first line
    ``first``); a word longer than a line is cut."""
    lines: list[str] = []
    line, used, room = "", 0, limit if first is None else first
    for token in _tokens(text):
        if token == " ":
            if line:
                line, used = line + " ", used + 1
            continue
        size = width(token)
        if used + size > room and line.strip():
            lines.append(line.rstrip())
            line, used, room = "", 0, limit
        while size > room:  # longer than a whole line
            cut, taken = "", 0
            for ch in token:
                if taken + width(ch) > room - used:
                    break
                cut, taken = cut + ch, taken + width(ch)
            if not cut:
                break
            lines.append(line + cut)
            token, size = token[len(cut) :], size - taken
            line, used, room = "", 0, limit
        line, used = line + token, used + size
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _paragraphs(text: str) -> list[tuple[bool, str]]:
    """Click's paragraphs: blank-line separated, a ``\\b`` line keeps the block as written;
    the lines of a paragraph are joined (without a space between two CJK characters)."""
    found: list[tuple[bool, str]] = []
    for block in text.expandtabs().split("\n\n"):
        lines = [ln.strip() for ln in block.splitlines() if ln.strip()]
        if not lines:
            continue
        if lines[0] == "\b":
            found.append((True, "\n".join(ln.rstrip() for ln in block.splitlines()[1:])))
            continue
        joined = lines[0]
        for ln in lines[1:]:
            wide = width(joined[-1]) == 2 and width(ln[0]) == 2
            joined += ln if wide else " " + ln
        found.append((False, joined))
    return found


# Click's placeholders in a usage line (a required argument stays Typer's ``{name}``, as its
# 参数 section names it).
USAGE_WORDS = (("[OPTIONS]", "[选项]"), ("COMMAND [ARGS]...", "命令 [参数]..."))


def _formatter_class() -> Any:
    """Click's plain help formatter, in Chinese and measured in terminal columns."""
    from typer._click.formatting import HelpFormatter

    class ZhHelpFormatter(HelpFormatter):
        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            for english, chinese in USAGE_WORDS:
                args = args.replace(english, chinese)
            head = f"{' ' * self.current_indent}{prefix or '用法：'}{prog} "
            room = self.width - width(head)
            if room >= 20:
                lines = wrap(args, self.width - width(head), first=room)
                pad = " " * width(head)
                self.write(head + ("\n" + pad).join(lines) + "\n")
            else:
                pad = " " * (self.current_indent + 4)
                lines = wrap(args, self.width - len(pad))
                self.write(head.rstrip() + "\n" + "".join(pad + ln + "\n" for ln in lines))

        def write_heading(self, heading: str) -> None:
            self.write(f"{' ' * self.current_indent}{HEADINGS.get(heading, heading)}：\n")

        def write_text(self, text: str) -> None:
            indent = " " * self.current_indent
            out = []
            for raw, paragraph in _paragraphs(text):
                lines = (
                    paragraph.splitlines()
                    if raw
                    else wrap(paragraph, max(self.width - self.current_indent, 10))
                )
                out.append("\n".join(indent + ln for ln in lines))
            self.write("\n\n".join(out) + "\n")

        def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
            rows = list(rows)
            # as wide as the widest name that fits in col_max (Click: col_max as soon as one
            # name is longer, which pushes every help text far right for one long option)
            fitting = [width(r[0]) for r in rows if width(r[0]) <= col_max]
            first_col = (max(fitting) if fitting else col_max) + col_spacing
            indent = " " * self.current_indent
            room = max(self.width - self.current_indent - first_col, 10)
            for first, second in rows:
                self.write(indent + first)
                if not second:
                    self.write("\n")
                    continue
                if width(first) <= first_col - col_spacing:
                    self.write(" " * (first_col - width(first)))
                else:
                    self.write("\n" + " " * (first_col + self.current_indent))
                lines = [ln for _raw, p in _paragraphs(second) for ln in wrap(p, room)] or [""]
                pad = " " * (first_col + self.current_indent)
                self.write(lines[0] + "\n" + "".join(pad + ln + "\n" for ln in lines[1:]))

    return ZhHelpFormatter


def _short_help(command: Any) -> str:
    """A command's line in its group's help: its short help, else its help's first paragraph
    (whole: the help formatter wraps it; Click's own shortening counts characters, not
    columns, and would cut a Chinese sentence to “...”)."""
    import inspect

    text = command.short_help or command.help or ""
    paragraphs = _paragraphs(inspect.cleandoc(text).partition("\f")[0])
    return paragraphs[0][1] if paragraphs else ""


def _format_commands(self: Any, ctx: Any, formatter: Any) -> None:
    rows = []
    for name in self.list_commands(ctx):
        command = self.get_command(ctx, name)
        if command is not None and not command.hidden:
            rows.append((name, _short_help(command)))
    if rows:
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def patch_help() -> None:
    """Plain help in Chinese, in place of Typer's Rich panels (Rich, Markdown and their
    drawing cost about 0.1 s, three times Typer itself): Click's layout with Chinese headings,
    wrapped by terminal columns. Nothing here may fail: a Typer without these internals keeps
    its own help."""
    try:
        from typer import core as typer_core
        from typer._click import core as click_core

        original = click_core.Command.get_help_option
        if getattr(original, "_sanlian", False):
            return

        def get_help_option(self: Any, ctx: Any) -> Any:
            option = original(self, ctx)
            if option is not None:
                option.help = HELP_OPTION
            return option

        get_help_option._sanlian = True  # type: ignore[attr-defined]
        click_core.Command.get_help_option = get_help_option  # type: ignore[method-assign]
        click_core.Context.formatter_class = _formatter_class()

        def format_help(self: Any, ctx: Any, formatter: Any) -> None:
            click_core.Command.format_help(self, ctx, formatter)

        typer_core.TyperCommand.format_help = format_help  # type: ignore[method-assign]
        typer_core.TyperGroup.format_help = format_help  # type: ignore[method-assign]
        typer_core.TyperGroup.format_commands = _format_commands  # type: ignore[method-assign]
        english = typer_core._

        def translated(message: str) -> str:
            return NOTES.get(message) or english(message)

        typer_core._ = translated
        typer_core.describe_number_range = describe_range  # type: ignore[assignment]
        shown = typer_core._TyperParameter.display_type

        def display_type(self: Any, ctx: Any) -> Any:
            text = shown(self, ctx)  # ``<int range>``: the range is said after the help
            if not isinstance(text, str):
                return text
            text = text.replace(" range>", ">")
            text = PLACEHOLDERS.get(text, text)  # <str> → <值>: no Python type names
            if self.param_type_name == "argument":
                if text.startswith("<值>") or text.startswith(f"<{self.metavar}>"):
                    return ""  # its name says what it is (``干部``, ``文件``)
                return text
            for placeholder, names in (("<值>", VALUE_NAMES), ("<整数>", NUMBER_NAMES)):
                named = names.get(self.name)
                if named is not None and text.startswith(placeholder):
                    return f"<{named}>" + text[len(placeholder) :]  # (… given many times)
            return text

        typer_core._TyperParameter.display_type = display_type  # type: ignore[method-assign]
        _refuse_repeated_options()

        def usage_name(self: Any) -> str:
            """An argument in the usage line by its Chinese name: ``问题编号``, optional in
            brackets (Typer: ``{problem_id}``)."""
            name = str(self.display_name_raw)
            if not self.required:
                name = f"[{name}]"
            return name + ("…" if self.nargs != 1 else "")

        typer_core.TyperArgument._usage_display_name = usage_name  # type: ignore[method-assign]
        import typer

        typer.confirm = confirm
        _completion_install_in_chinese()
    except Exception:  # pragma: no cover - a Typer without these internals
        return


def _completion_install_in_chinese() -> None:
    """``--install-completion`` said in Chinese where it is installed (Typer: "bash completion
    installed in …", "Completion will take effect once you restart the terminal", "Shell … is
    not supported."): its option takes this callback instead of Typer's."""
    from typer import completion

    for placeholder in (
        completion._install_completion_placeholder_function,
        completion._install_completion_no_auto_placeholder_function,
    ):
        for info in placeholder.__defaults__ or ():
            if getattr(info, "callback", None) is completion.install_callback:
                info.callback = _install_completion


def _install_completion(ctx: Any, _param: Any, value: Any) -> Any:
    import os

    from typer import _completion_shared
    from typer._click import termui
    from typer.exceptions import Exit

    from sanlian.i18n.messages import render

    if not value or ctx.resilient_parsing:
        return value
    shell = value if isinstance(value, str) else None
    if shell is None and not os.getenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION"):
        shell = _completion_shared._get_shell_name()
    if shell not in ("bash", "zsh", "fish", "powershell", "pwsh"):
        termui.echo(render("completion_unsupported", shell=shell or "（未识别）"), err=True)
        raise Exit(1)
    from pathlib import Path

    rc = Path.home() / ".bashrc"
    before = rc.read_text() if shell == "bash" and rc.is_file() else None
    shell, path = _completion_shared.install(shell=shell)
    if before is not None and rc.read_text() == before + "\n":
        rc.write_text(before)  # Typer adds a blank line to ~/.bashrc on every run
    termui.echo(render("completion_installed", shell=shell, path=path))
    raise Exit(0)


QUESTIONS_REFUSED = False  # set by ``sanlian shell`` reading a file: nobody to answer


ANSWERED_BY_INTERRUPT: list[
    bool
] = []  # a question answered by Ctrl-C (``interrupted_at_question``)


def interrupted_at_question() -> bool:
    """Whether a question of the last command was answered by Ctrl-C (and forget it)."""
    answered = bool(ANSWERED_BY_INTERRUPT)
    ANSWERED_BY_INTERRUPT.clear()
    return answered


def confirm(
    text: str,
    default: bool | None = False,
    abort: bool = False,
    prompt_suffix: str = ": ",
    show_default: bool = True,
    err: bool = False,
) -> bool:
    """``typer.confirm`` in Chinese (an answer other than y/n is asked again in Chinese; 是 and
    否 are understood); with no one to answer (a shell reading a file) the command is refused
    before anything is asked, so that the next lines are not taken as answers."""
    import unicodedata

    from typer._click import termui
    from typer.exceptions import Abort

    from sanlian.errors import ValidationError
    from sanlian.i18n.messages import render

    if QUESTIONS_REFUSED:
        raise ValidationError("shell_needs_yes")
    choices = "y/n" if default is None else ("Y/n" if default else "y/N")
    prompt = termui._build_prompt(text, prompt_suffix, show_default, choices)
    while True:
        try:
            termui.echo(prompt[:-1], nl=False, err=err)
            answer_typed = termui.visible_prompt_func(prompt[-1:])
            value = unicodedata.normalize("NFKC", answer_typed).lower().strip()  # ｙ, Ｙｅｓ
        except KeyboardInterrupt:
            value = None  # answered by Ctrl-C: nothing started, it is cancelled, and a shell
            ANSWERED_BY_INTERRUPT.append(True)  # runs no more of the lines pasted with it
        except EOFError:
            value = None  # answered by Ctrl-D: likewise cancelled
        if value is None:
            termui.echo("", err=err)  # the cursor was after the question
            raise Abort()
        if value in ("y", "yes", "是"):
            answer = True
        elif value in ("n", "no", "否"):
            answer = False
        elif default is not None and value == "":
            answer = default
        else:
            termui.echo(render("confirm_invalid"), err=err)
            continue
        break
    if abort and not answer:
        raise Abort()
    return answer


def describe_range(low: float | None, high: float | None) -> str | None:
    """The bounds of a number option in its help (Typer writes ``x>=1``)."""
    if low is None and high is None:
        return None
    if low is None:
        return f"不大于 {high}"
    if high is None:
        return f"不小于 {low}"
    return f"{low} 到 {high}"


def translate_params(command: Any) -> None:
    """Chinese help for the completion options Typer adds to the root command, and every
    argument of the tree named in Chinese (``argument_name``) for the help and usage lines."""
    for param in getattr(command, "params", []):
        help_text = getattr(param, "help", None)
        if help_text in COMPLETION_HELP:
            param.help = COMPLETION_HELP[help_text]
        if param.param_type_name == "argument" and param.metavar is None:
            param.metavar = argument_name(param) or None
    for sub in (getattr(command, "commands", None) or {}).values():
        translate_params(sub)


def argument_name(param: Any) -> str:
    """An argument as users know it: its metavar where it has one, else the first words of
    its help (“姓名。” → 姓名)."""
    import re

    if getattr(param, "metavar", None):
        return str(param.metavar)
    help_text = str(getattr(param, "help", "") or "")
    return re.split(r"[：:，,。（(]", help_text, maxsplit=1)[0].strip()


def bad_value_reason(message: str) -> str:
    """Typer's English reason for a bad value, in Chinese."""
    import re

    if "valid integer" in message:
        return "应为整数"
    if "valid number" in message or "valid float" in message:
        return "应为数字"
    found = re.search(r"greater than or equal to (-?\d+)", message)
    if found:
        return f"应不小于 {found.group(1)}"
    found = re.search(r"less than or equal to (-?\d+)", message)
    if found:
        return f"应不大于 {found.group(1)}"
    found = re.search(r"is not one of (.+?)\.?$", message)
    if found:
        choices = "、".join(re.findall(r"'([^']*)'", found.group(1)))
        return f"只能是 {choices} 之一"
    if "does not exist" in message:
        return "文件不存在"
    return message


def _command_path(exc: Any) -> str:
    """``sanlian cadre list``: the command a usage error is about (Click leaves out the
    context of an option missing its value: the command is then read from the line)."""
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        return str(ctx.command_path)
    words = _line_words()
    if words is None:
        return "sanlian"
    noun, verb = words
    return " ".join(["sanlian", noun, *([verb] if verb else [])])


def _line_words() -> tuple[str, str | None] | None:
    """The command word of the line being run and its verb (a group's), read from the line
    (for an error Click gives without its context); ``None`` before any command word."""
    from sanlian.cli import context, main

    args = list(context.ARGV or [])
    noun = main._command_word(args)
    if noun is None:
        return None
    return noun, main._verb(args) if any(noun == entry[0] for entry in main.GROUPS) else None


def readable(text: str) -> str:
    """``text`` for a message: a character that does not show (a full-width space, a tab, a
    control character, a line break) is named instead of written as a Python escape."""
    from sanlian.i18n.messages import readable as named

    return named(text)


def _dash_value(option: str) -> str | None:
    """The word of the command line that Click took for the unknown option ``option`` when it
    is no option's spelling but a value that starts with ``-`` (a name ``-王秀英``, of which
    Click names ``-王``, or a number ``-5``); else None."""
    import re

    from sanlian.cli import context

    for word in context.ARGV or []:
        if (
            word.startswith(option)
            and not word.startswith("--")
            and (not word.isascii() or re.fullmatch(r"-\d+(\.\d+)?", word))
        ):
            return word
    return None


def _unrepr(text: str) -> str:
    """A name Click quoted with ``{name!r}``, back as typed."""
    import ast

    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    return value if isinstance(value, str) else text


CHINESE_QUOTES = "“”‘’「」『』"


def _near_commands(exc: Any, name: str) -> str:
    """The commands of the group a mistyped one was looked for in that it looks like (cadr →
    cadre, lsit → list), as Click offers for options; ``""`` when none is near."""
    import difflib

    ctx = getattr(exc, "ctx", None)
    listing = getattr(getattr(ctx, "command", None), "list_commands", None)
    if ctx is None or listing is None:
        return ""
    try:
        names = [n for n in listing(ctx) if n != "help"]
    except Exception:  # a group that cannot list them: no suggestion rather than a failure
        return ""
    return "、".join(difflib.get_close_matches(name.lower(), names, n=2, cutoff=0.6))


def _close_options(typed: str, offered: Any) -> list[str]:
    """Click's near options (``difflib``'s default cutoff, with the dashes counted) that are
    near without the dashes too: ``--members`` is not offered ``--id-number``, ``--phon``
    is offered ``--phone``."""
    import difflib

    bare = typed.lstrip("-")
    return sorted(
        p for p in offered if difflib.SequenceMatcher(None, bare, p.lstrip("-")).ratio() >= 0.7
    )


# the program's switches (written before the command), not a command's
PROGRAM_SWITCHES = ("--debug", "--version")


def _command_of_line() -> Any:
    """The command the line runs (Click's parser error carries no context), or ``None``."""
    from sanlian.cli import main

    words = _line_words()
    if words is None:
        return None
    noun, verb = words
    try:
        found: Any = main.build_command(noun, verb).commands.get(noun)
        if verb is not None and found is not None:
            found = found.commands.get(verb)
    except Exception:  # noqa: BLE001  (a sentence without the other name rather than none)
        return None
    return found


def _other_side(exc: Any, option: str) -> str:
    """The other name of a paired switch (``--conflict`` → ``--no-conflict`` and back) of the
    command the error is about, or ``""``."""
    ctx = getattr(exc, "ctx", None)
    command = getattr(ctx, "command", None) if ctx is not None else _command_of_line()
    for param in getattr(command, "params", None) or ():
        on, off = list(getattr(param, "opts", ())), list(getattr(param, "secondary_opts", ()))
        if off and option in on:
            return str(off[0])
        if off and option in off:
            return str(on[0])
    return ""


def _refuse_repeated_options() -> None:
    """An option that takes one value, written twice (``research add --cadre 单丽 --cadre
    汪杰``): refused (``RepeatedOption``), where Click keeps the last value and the first is
    dropped without a word. Options that take several (``multiple``) append as before."""
    import os

    from typer._click import exceptions as ce
    from typer._click import parser as click_parser

    store = click_parser._Option.process
    if getattr(store, "_sanlian", False):
        return

    class RepeatedOption(ce.BadOptionUsage):
        def __init__(self, name: str, first: Any, second: Any, other: str = "") -> None:
            super().__init__(name, f"{name} given twice")
            self.values = (first, second)
            self.other = other  # the other side of a paired switch given with it

    completing = "_SANLIAN_COMPLETE" in os.environ  # a shell's Tab: the line is half-typed

    def process(self: Any, value: Any, state: Any) -> None:
        if self.dest in state.opts and not completing:
            name = max(self._long_opts or self._short_opts, key=len)
            if self.action == "store":
                raise RepeatedOption(name, state.opts[self.dest], value)
            if self.action == "store_const" and state.opts[self.dest] != self.const:
                # --active --all: both sides of a switch, the one written last silently won
                switch = self.obj
                mine = set(self._long_opts) | set(self._short_opts)
                sides = [o for o in (*switch.opts, *switch.secondary_opts) if o not in mine]
                other = max(sides, key=len) if sides else name
                raise RepeatedOption(name, state.opts[self.dest], self.const, other)
        store(self, value, state)

    process._sanlian = True  # type: ignore[attr-defined]
    click_parser._Option.process = process  # type: ignore[method-assign]
    global REPEATED
    REPEATED = RepeatedOption


REPEATED: Any = None  # the exception of an option written twice (``_refuse_repeated_options``)


def usage_error(exc: Any) -> str:
    """A Chinese sentence for a Click usage error (exit code 1, as every refusal)."""
    import re

    from typer._click import exceptions as ce

    path = _command_path(exc)
    hint = f"用 {path} --help 查看用法。"
    if REPEATED is not None and isinstance(exc, REPEATED) and exc.other:
        return f"选项 {exc.other} 和 {exc.option_name} 意思相反，只能写一个。{hint}"
    if REPEATED is not None and isinstance(exc, REPEATED):
        first, second = (readable(str(v)) for v in exc.values)
        return (
            f"选项 {exc.option_name} 只能写一次，这里写了两次（“{first}”和“{second}”），"
            f"请只留一个。{hint}"
        )
    if isinstance(exc, ce.NoSuchOption):
        word = _dash_value(str(exc.option_name))
        if word is not None:  # household show -王秀英: a name that starts with -
            return (
                f"“{readable(word)}”以 - 开头，被当成了选项；它若是名称或数值，"
                f"请在它前面单写一个 --（如 {path} -- {word}），或改写编号。{hint}"
            )
        option = str(exc.option_name)
        where = option.split("=", 1)[0]
        if where in ("--db", "--operator", "--debug"):  # the program's, not a command's
            value = " …" if where != "--debug" else ""
            return (
                f"{where} 要写在命令前面，如 sanlian {where}{value} "
                f"{path.removeprefix('sanlian ')}。{hint}"
            )
        close = _close_options(where, exc.possibilities or ())
        if close:
            near = "、".join(close)
            return f"没有选项 {readable(option)}，是不是想写 {near}？{hint}"
        return f"没有选项 {readable(option)}。{hint}"
    if isinstance(exc, ce.MissingParameter):
        param = exc.param
        readable_name = str(getattr(param, "human_readable_name", "")) if param is not None else ""
        name = "/".join(param.opts) if param is not None and param.opts else readable_name
        if param is not None and getattr(param, "param_type_name", "") == "argument":
            return f"缺少必填的{argument_name(param) or readable_name}。{hint}"
        return f"缺少必填的选项 {name}。{hint}"
    if isinstance(exc, ce.BadParameter):
        param = exc.param
        hint_text = str(exc.param_hint or "")
        bad = "/".join(param.opts) if param is not None and param.opts else hint_text
        if param is not None and getattr(param, "param_type_name", "") == "argument":
            bad = argument_name(param) or "参数"  # 问题编号的值不对
        gap = " " if bad.startswith("-") else ""  # --visit 的值; 编号的值
        return f"{bad}{gap}的值不对：{bad_value_reason(str(exc.message))}。{hint}"
    message = str(exc.message)
    found = re.match(r"No such command ('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")", message)
    if found:
        name = _unrepr(found.group(1))
        spaced = "（命令和参数之间请用半角空格）" if "\u3000" in name else ""
        near = _near_commands(exc, name) if not spaced else ""
        if near:
            return f"没有命令 {readable(name)}，是不是想写 {near}？{hint}"
        return f"没有命令 {readable(name)}{spaced}。{hint}"
    found = re.fullmatch(r"Got unexpected extra arguments?(?:\(s\))? \((.*)\)", message, re.DOTALL)
    if found:
        extra = found.group(1)
        quotes = (
            '中文引号“ ”不能把几个词连成一个值，请改用英文引号 " "'
            if any(q in extra for q in CHINESE_QUOTES)
            else "含空格的值请加引号"
        )
        return f"多余的参数：{readable(extra)}（{quotes}）。{hint}"
    found = re.fullmatch(
        r"Option ('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\") does not take a value\.", message
    )
    if found:  # --conflict=yes: a switch is given by its name alone
        option = readable(_unrepr(found.group(1)))
        if option in PROGRAM_SWITCHES:
            hint = "用 sanlian --help 查看用法。"
        other = _other_side(exc, option)
        if other:  # --conflict / --no-conflict: leaving it out keeps what is recorded
            return f"{option} 是开关，不带值：要它就写 {option}，不要就写 {other}。{hint}"
        return f"{option} 是开关，不带值：要它就只写 {option}（不写 =…），不要就不写。{hint}"
    if message.startswith("Option") and "requires" in message:
        return f"{message.split()[1].strip(chr(39) + chr(34))} 后面要跟一个值。{hint}"
    if message.startswith("Missing command"):  # sanlian --debug, with no command after it
        return (
            "缺少命令：--db、--operator、--debug 等要与命令写在同一行，"
            f"如 sanlian --operator 王芳 cadre list。{hint}"
        )
    return f"{message}。{hint}"
