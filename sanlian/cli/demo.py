"""``demo``: build a demonstration database from ``sample_data/`` and show where it stands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sanlian.cli import context


def default_demo_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("sanlian", appauthor=False)) / "demo.db"


def demo(
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="演示数据库的位置；默认用户数据目录下的 sanlian/demo.db（不碰正式数据库）。",
        ),
    ] = None,
) -> None:
    """用 sample_data/ 中的虚构单位建立一套演示数据库，并显示概况。"""
    from sanlian.db.engine import open_database
    from sanlian.errors import RuleError
    from sanlian.services import campaign
    from sanlian.services import demo as demo_service
    from sanlian.services.clock import now, today

    path = (db or default_demo_path()).expanduser()
    folder = demo_service.sample_dir()
    if path.exists():
        if db is not None:
            existing = open_database(str(path))
            with existing.session() as session:
                ours = demo_service.is_demo_database(session)
            existing.dispose()
            if not ours:
                raise RuleError("demo_not_ours", path=path)
        path.unlink()
    st = context.reset(db=str(path), operator="demo")
    day = today()
    with st.session(write=True) as session:
        campaign.create(session, year=day.year, unit=demo_service.DEMO_UNIT, now=now())
        counts = demo_service.load_registry(session, folder=folder, today=day, now=now())
        st.journal(session, "demo", "建立演示数据库")
    typer.echo(f"已建立演示数据库：{path}")
    typer.echo(
        "登记：科室 {section} 个，干部 {cadre} 名，社区(村) {community} 个，"
        "企业 {enterprise} 家，联系户 {household} 户。".format(**counts)
    )
    typer.echo(f"查看示例：sanlian --db {path} cadre list")
