"""``section``: the bureau's sections (科室)."""

from __future__ import annotations

from typing import Annotated

import typer

from sanlian.cli.options import NoteOpt
from sanlian.cli.output import Col
from sanlian.cli.registry_common import add_record, attach_common, edit_record

app = typer.Typer(no_args_is_help=True)
COLS = [Col("id", "编号"), Col("name", "科室"), Col("note", "备注")]


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="科室名称，如 办公室、综合科。", show_default=False)],
    note: NoteOpt = None,
) -> None:
    """添加一个科室。"""
    add_record("section", {"name": name, "note": note})


@app.command("edit")
def edit(
    ref: Annotated[str, typer.Argument(help="科室：编号、名称或拼音。", show_default=False)],
    name: Annotated[str | None, typer.Option("--name", help="新名称。")] = None,
    note: NoteOpt = None,
) -> None:
    """修改科室名称或备注。"""
    edit_record("section", ref, {"name": name, "note": note})


attach_common(app, "section", COLS)
