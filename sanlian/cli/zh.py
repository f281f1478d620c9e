"""Chinese for the parts of Typer's help and usage errors that it writes in English.

Typer keeps these strings in module constants and in its vendored copy of Click; they are set
here once, before any help is drawn. If a future Typer moves them, help simply stays English
in those few places: nothing here may fail.
"""

from __future__ import annotations

import sys
from typing import Any

HELP_OPTION = "显示本帮助并退出。"
COMPLETION_HELP = {
    "Install completion for the current shell.": "为当前 shell 安装命令补全。",
    "Show completion for the current shell, to copy it or customize the installation.": "显示当前 shell 的补全脚本，便于复制或自定义安装。",
    "Install completion for the specified shell.": "为指定的 shell 安装命令补全。",
    "Show completion for the specified shell, to copy it or customize the installation.": "显示指定 shell 的补全脚本。",
}


def _patch_rich() -> None:
    """Chinese titles in Typer's Rich help; Rich is imported only when help is drawn."""
    from typer import rich_utils

    rich_utils.ARGUMENTS_PANEL_TITLE = "参数"
    rich_utils.OPTIONS_PANEL_TITLE = "选项"
    rich_utils.COMMANDS_PANEL_TITLE = "命令"
    rich_utils.ERRORS_PANEL_TITLE = "错误"
    rich_utils.ABORTED_TEXT = "已取消。"
    rich_utils.DEFAULT_STRING = "[默认：{}]"
    rich_utils.REQUIRED_LONG_STRING = "[必填]"
    rich_utils.ENVVAR_STRING = "[环境变量：{}]"
    rich_utils.RICH_HELP = "用 [blue]'{command_path} {help_option}'[/] 查看帮助。"


def patch_help() -> None:
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

        # Typer imports rich_utils (and Rich, ~0.05 s) only to draw help: patch it then.
        for cls in (typer_core.TyperCommand, typer_core.TyperGroup):
            draw = cls.format_help

            def format_help(self: Any, ctx: Any, formatter: Any, _draw: Any = draw) -> Any:
                _patch_rich()
                return _draw(self, ctx, formatter)

            cls.format_help = format_help  # type: ignore[method-assign]
        if "typer.rich_utils" in sys.modules:
            _patch_rich()
    except Exception:  # pragma: no cover - a Typer without these internals
        return


def translate_params(command: Any) -> None:
    """Chinese help for the completion options Typer adds to the root command."""
    for param in getattr(command, "params", []):
        help_text = getattr(param, "help", None)
        if help_text in COMPLETION_HELP:
            param.help = COMPLETION_HELP[help_text]


def argument_name(param: Any) -> str:
    """An argument as users know it: the first words of its help (“姓名。” → 姓名)."""
    import re

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


def usage_error(exc: Any) -> str:
    """A Chinese sentence for a Click usage error (exit code 2)."""
    from typer._click import exceptions as ce

    ctx = getattr(exc, "ctx", None)
    path = ctx.command_path if ctx is not None else "sanlian"
    hint = f"用 {path} --help 查看用法。"
    if isinstance(exc, ce.NoSuchOption):
        near = ""
        if exc.possibilities:
            near = f"，是不是想写 {'、'.join(sorted(exc.possibilities))}"
        return f"没有选项 {exc.option_name}{near}。{hint}"
    if isinstance(exc, ce.MissingParameter):
        param = exc.param
        readable = str(getattr(param, "human_readable_name", "")) if param is not None else ""
        name = "/".join(param.opts) if param is not None and param.opts else readable
        if param is not None and getattr(param, "param_type_name", "") == "argument":
            return f"缺少必填的{argument_name(param) or readable}。{hint}"
        return f"缺少必填的选项 {name}。{hint}"
    if isinstance(exc, ce.BadParameter):
        param = exc.param
        hint_text = str(exc.param_hint or "")
        bad = "/".join(param.opts) if param is not None and param.opts else hint_text
        if param is not None and getattr(param, "param_type_name", "") == "argument":
            readable = str(getattr(param, "human_readable_name", bad))
            bad = "编号" if readable.lower().endswith("id") else readable.upper()
        return f"{bad} 的值不对：{bad_value_reason(str(exc.message))}。{hint}"
    message = str(exc.message)
    if message.startswith("No such command"):
        name = message.split("'")[1] if "'" in message else message
        return f"没有命令 {name}。{hint}"
    if message.startswith("Got unexpected extra argument"):
        extra = message[message.find("(") + 1 : message.rfind(")")]
        return f"多余的参数：{extra}（含空格的值请加引号）。{hint}"
    if message.startswith("Option") and "requires" in message:
        return f"{message.split()[1]} 后面要跟一个值。{hint}"
    return f"{message}。{hint}"
