"""``household``: households (联系户), by the head's name."""

from __future__ import annotations

from typing import Annotated

import typer

from sanlian.cli.options import AllOpt, FormatOpt, NoteOpt, OutputOpt, RevealOpt, TelOpt
from sanlian.cli.output import Col
from sanlian.cli.registry_common import add_record, attach_common, edit_record, list_records

app = typer.Typer(no_args_is_help=True)
COLS = [
    Col("id", "编号"),
    Col("name", "户主"),
    Col("community", "社区(村)"),
    Col("phone", "联系电话"),
    Col("id_number", "身份证号码"),
    Col("members", "人口"),
    Col("needs", "需求"),
    Col("address", "地址"),
]
IdOpt = Annotated[str | None, typer.Option("--id-number", help="户主身份证号码（18 位）。")]
MembersOpt = Annotated[str | None, typer.Option("--members", help="家庭人口数。")]
NeedsOpt = Annotated[str | None, typer.Option("--needs", help="主要困难和需求。")]
AddressOpt = Annotated[str | None, typer.Option("--address", help="住址。")]


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="户主姓名。", show_default=False)],
    community: Annotated[
        str, typer.Option("--community", help="所在社区或村（编号、名称或拼音）。")
    ],
    phone: TelOpt = None,
    id_number: IdOpt = None,
    members: MembersOpt = None,
    needs: NeedsOpt = None,
    address: AddressOpt = None,
    note: NoteOpt = None,
) -> None:
    """登记一户联系群众。"""
    values = {
        "name": name,
        "community": community,
        "phone": phone,
        "id_number": id_number,
        "members": members,
        "needs": needs,
        "address": address,
        "note": note,
    }
    add_record("household", values)


@app.command("edit")
def edit(
    ref: Annotated[str, typer.Argument(help="联系户：编号、户主姓名或拼音。", show_default=False)],
    name: Annotated[str | None, typer.Option("--name", help="新户主姓名。")] = None,
    community: Annotated[str | None, typer.Option("--community", help="所在社区或村。")] = None,
    phone: TelOpt = None,
    id_number: IdOpt = None,
    members: MembersOpt = None,
    needs: NeedsOpt = None,
    address: AddressOpt = None,
    note: NoteOpt = None,
) -> None:
    """修改联系户信息。"""
    values = {
        "name": name,
        "community": community,
        "phone": phone,
        "id_number": id_number,
        "members": members,
        "needs": needs,
        "address": address,
        "note": note,
    }
    edit_record("household", ref, values)


@app.command("list")
def list_(
    community: Annotated[str | None, typer.Option("--community", help="只列这个社区(村)。")] = None,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    reveal: RevealOpt = False,
    all_: AllOpt = False,
) -> None:
    """列出联系户，可按社区(村)筛选。"""
    list_records(
        "household",
        COLS,
        fmt=fmt,
        output=output,
        reveal=reveal,
        include_retired=all_,
        community=community,
    )


attach_common(app, "household", COLS, list_filters=lambda: {})
