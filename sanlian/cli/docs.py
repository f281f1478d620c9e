"""``docs/cli.md``, generated from the app itself with Typer's own Markdown generator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

HEADER = "<!-- 本文件由 `python -m sanlian.cli.docs` 生成，请勿手工修改。 -->\n\n"
ZH = {
    "**Usage**:": "**用法**：",
    "**Options**:": "**选项**：",
    "**Commands**:": "**命令**：",
    "**Arguments**:": "**参数**：",
    "[default: ": "[默认：",
    "[required]": "[必填]",
}


def generate() -> str:
    import typer
    from typer.cli import get_docs_for_click

    from sanlian.cli.main import app, build_command

    command = build_command()
    _whole_short_help(command)
    ctx = typer.Context(command)
    ctx.obj = {"TYPER_RICH_MARKUP_MODE": app.rich_markup_mode}
    text = get_docs_for_click(obj=command, ctx=ctx, name="sanlian", title="sanlian 命令参考")
    from sanlian.cli.zh import USAGE_WORDS

    for english, chinese in (*ZH.items(), *USAGE_WORDS):
        text = text.replace(english, chinese)
    return HEADER + text.strip() + "\n"


def _whole_short_help(command: Any) -> None:
    """Each command's line in its group's list as ``--help`` gives it (``zh._short_help``):
    whole, where Click's own would cut a long Chinese sentence to “...”."""
    from sanlian.cli.zh import _short_help

    for sub in getattr(command, "commands", {}).values():
        if not sub.short_help:
            sub.short_help = _short_help(sub)
        _whole_short_help(sub)


def main() -> None:
    target = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
    target.write_text(generate(), encoding="utf-8")
    print(f"已写入 {target}")


if __name__ == "__main__":
    main()
