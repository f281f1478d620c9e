"""``cadre``: Party cadres (党员干部), leadership members and leading-group roles."""

from __future__ import annotations

from typing import Annotated

import typer

from sanlian.cli.options import AllOpt, FormatOpt, NoteOpt, OutputOpt, PhoneOpt, RevealOpt
from sanlian.cli.output import Col
from sanlian.cli.registry_common import add_record, attach_common, edit_record, list_records
from sanlian.i18n.labels import GENDER, PARTY, ROLE

app = typer.Typer(no_args_is_help=True)
COLS = [
    Col("id", "编号"),
    Col("name", "姓名"),
    Col("section", "科室"),
    Col("gender", "性别", GENDER),
    Col("title", "职务"),
    Col("party", "政治面貌", PARTY),
    Col("is_leader", "班子成员", kind="bool"),
    Col("role", "领导小组", ROLE),
    Col("phone", "手机号码"),
    Col("id_number", "身份证号码"),
]

GenderOpt = Annotated[str | None, typer.Option("--gender", help="性别：男 / 女。")]
TitleOpt = Annotated[str | None, typer.Option("--title", help="职务，如 科长。")]
PartyOpt = Annotated[
    str | None,
    typer.Option(
        "--party", help="政治面貌：中共党员 / 中共预备党员 / 共青团员 / 民主党派 / 群众。"
    ),
]
_ROLES = "领导小组职务：组长 / 副组长 / 成员 / 办公室"
RoleOpt = Annotated[str | None, typer.Option("--role", help=f"{_ROLES}。")]
RoleEditOpt = Annotated[str | None, typer.Option("--role", help=f"{_ROLES}；写空字符串则取消。")]
IdOpt = Annotated[
    str | None, typer.Option("--id-number", help="居民身份证号码（18 位，会核对校验位和性别）。")
]


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="姓名。", show_default=False)],
    section: Annotated[str, typer.Option("--section", help="所在科室（编号、名称或拼音）。")],
    gender: GenderOpt = None,
    title: TitleOpt = None,
    party: PartyOpt = None,
    leader: Annotated[bool, typer.Option("--leader", help="领导班子成员（可联系企业）。")] = False,
    role: RoleOpt = None,
    phone: PhoneOpt = None,
    id_number: IdOpt = None,
    note: NoteOpt = None,
) -> None:
    """登记一名干部。"""
    add_record(
        "cadre",
        {
            "name": name,
            "section": section,
            "gender": gender,
            "title": title,
            "party": party,
            "is_leader": leader,
            "role": role,
            "phone": phone,
            "id_number": id_number,
            "note": note,
        },
    )


@app.command("edit")
def edit(
    ref: Annotated[
        str, typer.Argument(help="干部：编号、姓名、拼音或 姓名@科室。", show_default=False)
    ],
    name: Annotated[str | None, typer.Option("--name", help="新姓名。")] = None,
    section: Annotated[str | None, typer.Option("--section", help="调到哪个科室。")] = None,
    gender: GenderOpt = None,
    title: TitleOpt = None,
    party: PartyOpt = None,
    leader: Annotated[
        bool | None,
        typer.Option("--leader/--no-leader", help="是否领导班子成员。", show_default=False),
    ] = None,
    role: RoleEditOpt = None,
    phone: PhoneOpt = None,
    id_number: IdOpt = None,
    note: NoteOpt = None,
) -> None:
    """修改干部信息（只改给出的项；写空字符串可清空该项）。"""
    edit_record(
        "cadre",
        ref,
        {
            "name": name,
            "section": section,
            "gender": gender,
            "title": title,
            "party": party,
            "is_leader": leader,
            "role": role,
            "phone": phone,
            "id_number": id_number,
            "note": note,
        },
    )


@app.command("list")
def list_(
    section: Annotated[str | None, typer.Option("--section", help="只列这个科室。")] = None,
    leaders: Annotated[bool, typer.Option("--leaders", help="只列领导班子成员。")] = False,
    fmt: FormatOpt = None,
    output: OutputOpt = None,
    reveal: RevealOpt = False,
    all_: AllOpt = False,
) -> None:
    """列出干部，可按科室筛选。"""
    list_records(
        "cadre",
        COLS,
        fmt=fmt,
        output=output,
        reveal=reveal,
        include_retired=all_,
        section=section,
        leaders_only=leaders,
    )


attach_common(app, "cadre", COLS, list_filters=lambda: {})
