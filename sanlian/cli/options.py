"""Options shared by many commands, declared once."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer


class Fmt(StrEnum):
    table = "table"
    plain = "plain"
    markdown = "markdown"
    csv = "csv"
    json = "json"


def format_agrees(ctx: typer.Context, param: typer.CallbackParam, value: object) -> object:
    """``-f`` and ``-o`` checked together as soon as the command line gives both, before the
    command reads or writes anything (whichever of the two is parsed second sees the other):
    a format the file's suffix contradicts is refused (``output.check_format``)."""
    fmt = value if param.name == "fmt" else ctx.params.get("fmt")
    output = value if param.name == "output" else ctx.params.get("output")
    if fmt is not None and output is not None:
        from sanlian.cli.output import check_format

        check_format(str(getattr(fmt, "value", fmt)), Path(str(output)))
    return value


FormatOpt = Annotated[
    Fmt | None,
    typer.Option(
        "-f",
        "--format",
        help="输出格式：table 表格 / plain 纯文本 / markdown / csv / json。",
        callback=format_agrees,
    ),
]


def output_opt(suffixes: str) -> Any:
    """``-o``: the file to write, its format by its suffix, those of ``suffixes``."""
    return typer.Option(
        "-o",
        "--output",
        help=f"写入文件而不是屏幕；格式随后缀（{suffixes}）。",
        callback=format_agrees,
    )


OutputOpt = Annotated[Path | None, output_opt(".xlsx .csv .json .md .txt")]


def reveal_asked(ctx: typer.Context, value: bool) -> bool:
    """``--reveal`` given: the command's run is journaled (kind reveal) when it succeeds; a
    database that cannot take that entry (read-only, or locked by another program past the
    wait) refuses the command now, before any number is shown. (Not while a shell completes
    the line: nothing is shown then, and a Tab must not open the database.)"""
    if value and not ctx.resilient_parsing:
        from sanlian.cli.context import state

        st = state()
        st.reveal_asked = True
        st.check_reveal_journal()
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
        "--date", help="日期：2026-06-03、2026/6/3、20260603、6-3、6月3日、今天、昨天；默认今天。"
    ),
]
# ``edit`` changes the date only when one is given
NewDateOpt = Annotated[
    str | None,
    typer.Option(
        "--date",
        help="新的日期：2026-06-03、2026/6/3、20260603、6-3、6月3日、今天、昨天；不写则不改。",
    ),
]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="按哪一天的情况（默认今天），如 2026-06-30、6-30。")
]
PhoneOpt = Annotated[
    str | None, typer.Option("--phone", help="手机号码（13—19 开头的 11 位数字）。")
]
TelOpt = Annotated[
    str | None,
    typer.Option("--phone", help="联系电话：手机号码，或连区号的固定电话（如 0539-8123456）。"),
]
NoteOpt = Annotated[str | None, typer.Option("--note", help="备注。")]


def _at_most(limit: int) -> Callable[[int | None], int | None]:
    """A check for a number option: beyond ``limit`` it is a usage error that says so (exit 1).
    Not Typer's ``max=``, which would print the range in every help text."""

    def check(value: int | None) -> int | None:
        if value is not None and value > limit:
            raise typer.BadParameter(f"应不大于 {limit}")
        return value

    return check


# A record's number as typed: larger ones name nothing, and SQLite cannot even look them up.
at_most_id = _at_most(999_999_999)
# Days in a campaign rule (time limits, cadences): ten years is more than any rule needs, and
# dates reckoned with more days run past what ``datetime`` holds.
at_most_days = _at_most(3660)
at_most_pairs = _at_most(1000)  # households one cadre is paired with at a time


def fmt_value(fmt: Fmt | None) -> str | None:
    return fmt.value if fmt is not None else None
