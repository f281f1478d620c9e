"""``community``: communities (社区) and villages (村)."""

from __future__ import annotations

from typing import Annotated

import typer

from sanlian.cli.options import NoteOpt, TelOpt
from sanlian.cli.output import Col
from sanlian.cli.registry_common import add_record, attach_common, edit_record
from sanlian.i18n.labels import COMMUNITY_KIND

app = typer.Typer(no_args_is_help=True)
COLS = [
    Col("id", "编号"),
    Col("name", "名称"),
    Col("kind", "类别", COMMUNITY_KIND),
    Col("town", "乡镇(街道)"),
    Col("grid", "网格"),
    Col("contact", "联系人"),
    Col("phone", "联系电话"),
    Col("note", "备注"),
]
KindOpt = Annotated[str | None, typer.Option("--kind", help="类别：社区 / 村。")]
TownOpt = Annotated[str | None, typer.Option("--town", help="所属乡镇或街道。")]
GridOpt = Annotated[str | None, typer.Option("--grid", help="创城网格。")]
ContactOpt = Annotated[str | None, typer.Option("--contact", help="联系人姓名。")]


@app.command("add")
def add(
    name: Annotated[
        str, typer.Argument(help="社区或村的名称。", metavar="名称", show_default=False)
    ],
    kind: KindOpt = None,
    town: TownOpt = None,
    grid: GridOpt = None,
    contact: ContactOpt = None,
    phone: TelOpt = None,
    note: NoteOpt = None,
) -> None:
    """登记一个社区或村（类别不写时，名称以“村”结尾的算村，其余算社区）。"""
    values = {
        "name": name,
        "kind": kind,
        "town": town,
        "grid": grid,
        "contact": contact,
        "phone": phone,
        "note": note,
    }
    add_record("community", values)


@app.command("edit")
def edit(
    ref: Annotated[str, typer.Argument(help="社区(村)：编号、名称或拼音。", show_default=False)],
    name: Annotated[str | None, typer.Option("--name", help="新名称。")] = None,
    kind: KindOpt = None,
    town: TownOpt = None,
    grid: GridOpt = None,
    contact: ContactOpt = None,
    phone: TelOpt = None,
    note: NoteOpt = None,
) -> None:
    """修改社区(村)信息。"""
    values = {
        "name": name,
        "kind": kind,
        "town": town,
        "grid": grid,
        "contact": contact,
        "phone": phone,
        "note": note,
    }
    edit_record("community", ref, values)


attach_common(app, "community", COLS)
