"""``enterprise``: enterprises that leadership members link with."""

from __future__ import annotations

from typing import Annotated

import typer

from sanlian.cli.options import NoteOpt, TelOpt
from sanlian.cli.output import Col
from sanlian.cli.registry_common import add_record, attach_common, edit_record

app = typer.Typer(no_args_is_help=True)
COLS = [
    Col("id", "编号"),
    Col("name", "企业名称"),
    Col("uscc", "统一社会信用代码"),
    Col("industry", "行业"),
    Col("address", "地址"),
    Col("contact", "联系人"),
    Col("phone", "联系电话"),
]
UsccOpt = Annotated[
    str | None, typer.Option("--uscc", help="统一社会信用代码（18 位，会核对校验位）。")
]
IndustryOpt = Annotated[str | None, typer.Option("--industry", help="所属行业。")]
AddressOpt = Annotated[str | None, typer.Option("--address", help="地址。")]
ContactOpt = Annotated[str | None, typer.Option("--contact", help="联系人姓名。")]


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="企业名称。", show_default=False)],
    uscc: UsccOpt = None,
    industry: IndustryOpt = None,
    address: AddressOpt = None,
    contact: ContactOpt = None,
    phone: TelOpt = None,
    note: NoteOpt = None,
) -> None:
    """登记一家企业。"""
    values = {
        "name": name,
        "uscc": uscc,
        "industry": industry,
        "address": address,
        "contact": contact,
        "phone": phone,
        "note": note,
    }
    add_record("enterprise", values)


@app.command("edit")
def edit(
    ref: Annotated[str, typer.Argument(help="企业：编号、名称或拼音。", show_default=False)],
    name: Annotated[str | None, typer.Option("--name", help="新名称。")] = None,
    uscc: UsccOpt = None,
    industry: IndustryOpt = None,
    address: AddressOpt = None,
    contact: ContactOpt = None,
    phone: TelOpt = None,
    note: NoteOpt = None,
) -> None:
    """修改企业信息。"""
    values = {
        "name": name,
        "uscc": uscc,
        "industry": industry,
        "address": address,
        "contact": contact,
        "phone": phone,
        "note": note,
    }
    edit_record("enterprise", ref, values)


attach_common(app, "enterprise", COLS)
