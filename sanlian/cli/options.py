"""Options shared by many commands, declared once."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class Fmt(StrEnum):
    table = "table"
    plain = "plain"
    markdown = "markdown"
    csv = "csv"
    json = "json"


FormatOpt = Annotated[
    Fmt | None,
    typer.Option(
        "-f", "--format", help="输出格式：table 表格 / plain 纯文本 / markdown / csv / json。"
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("-o", "--output", help="写入文件而不是屏幕；格式随后缀（.csv .json .md）。"),
]


def reveal_asked(value: bool) -> bool:
    """``--reveal`` given: the command's run is journaled (kind reveal) when it succeeds."""
    if value:
        from sanlian.cli.context import state

        state().reveal_asked = True
    return value


RevealOpt = Annotated[
    bool,
    typer.Option(
        "--reveal",
        help="显示完整的身份证号码和手机号码（默认遮蔽；每次使用都记入变更日志）。",
        callback=reveal_asked,
    ),
]
AllOpt = Annotated[bool, typer.Option("--all", help="连同已停用的记录一起列出。")]
ForceOpt = Annotated[
    bool, typer.Option("--force", help="仍被引用时改为停用（保留历史），而不是拒绝。")
]
DateOpt = Annotated[
    str | None,
    typer.Option(
        "--date", help="日期：2022-06-03、2022/6/3、20220603、6-3、6月3日、today、昨天；默认今天。"
    ),
]
AsOfOpt = Annotated[str | None, typer.Option("--as-of", help="截至哪一天统计（默认今天）。")]
PhoneOpt = Annotated[str | None, typer.Option("--phone", help="手机号码（1 开头的 11 位数字）。")]
NoteOpt = Annotated[str | None, typer.Option("--note", help="备注。")]


def fmt_value(fmt: Fmt | None) -> str | None:
    return fmt.value if fmt is not None else None
