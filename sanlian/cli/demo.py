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
    from sanlian.cli.reports import print_progress
    from sanlian.db.engine import open_database
    from sanlian.errors import RuleError
    from sanlian.i18n.messages import render
    from sanlian.services import backups, campaign
    from sanlian.services import demo as demo_service
    from sanlian.services.clock import now, today
    from sanlian.services.demo_year import populate_year

    path = (db or default_demo_path()).expanduser()
    folder = demo_service.sample_dir()
    kept = None
    if path.exists():
        if db is not None and path.stat().st_size:  # (an empty file holds no ledger)
            existing = open_database(str(path))
            with existing.session() as session:
                empty = demo_service.holds_nothing(session)
                ours = empty or demo_service.is_demo_database(session)
                later = 0 if empty or not ours else demo_service.later_changes(session)
            existing.dispose()
            if not ours:
                raise RuleError("demo_not_ours", path=path)
            if later:  # a demo the clerk has worked in since: that work is not thrown away
                raise RuleError("demo_worked_in", path=path, count=later)
        kept = backups.take(str(path), "before-demo")  # as a restore keeps what it replaces
        path.unlink()
    st = context.reset(db=str(path), operator="demo")
    as_of = demo_service.standing_day(today())
    with st.session(write=True, create=True) as session:
        campaign.create(session, year=as_of.year, unit=demo_service.DEMO_UNIT, now=now())
        counts = demo_service.load_registry(session, folder=folder, today=as_of, now=now())
        year = populate_year(session, year=as_of.year, today=as_of, now=now())
        st.journal(session, "demo", "建立演示数据库")
    typer.echo(f"已建立演示数据库：{path}（{as_of.year} 年活动，数据截至 {as_of}）")
    if kept is not None:
        st.note(render("demo_kept", path=kept))
    typer.echo(
        "登记：科室 {section} 个，干部 {cadre} 名，社区(村) {community} 个，"
        "企业 {enterprise} 家，联系户 {household} 户。".format(**counts)
    )
    typer.echo(
        "记录：联系社区(村) {links_community} 条、联系企业 {links_enterprise} 条、结对 {links_household} 对，"
        "走访 {visits} 次，问题 {problems} 个，活动 {activities} 次，调研报告 {research} 篇。".format(
            **year
        )
    )
    typer.echo("")
    print_progress(st, as_of, year=as_of.year)
    typer.echo("")
    typer.echo(f"接着可以试：sanlian --db {path} supervise --as-of {as_of}")
    typer.echo(f"          sanlian --db {path} selfcheck --as-of {as_of} -o 自查报告.docx")
