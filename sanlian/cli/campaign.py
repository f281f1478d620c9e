"""``init`` and ``campaign show/set``: the year's campaign, its phases and its rules."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from sanlian.cli.context import state
from sanlian.cli.options import FormatOpt, OutputOpt, at_most_days, at_most_pairs, fmt_value
from sanlian.cli.output import Col, render_rows

app = typer.Typer(no_args_is_help=True)

YearOpt = Annotated[int | None, typer.Option("--year", help="活动年度（默认今年，或最近的年度）。")]


def init(
    year: Annotated[int | None, typer.Option("--year", help="活动年度，默认今年。")] = None,
    unit: Annotated[str, typer.Option("--unit", help="单位名称。")] = "企业局",
) -> None:
    """建立数据库和本年度“三联三解三促”活动，三个阶段按实施意见设定。"""
    from sanlian.i18n.messages import render
    from sanlian.services import campaign
    from sanlian.services.clock import now

    st = state()
    with st.session(write=True, create=True) as session:
        view = campaign.create(
            session, year=st.today.year if year is None else year, unit=unit.strip(), now=now()
        )
        st.journal(session, "init", f"建立 {view.campaign.year} 年活动")
        data = campaign.as_dict(view, today=st.today)
        carried = campaign.carried_rules(session, view)
    from sanlian.db.engine import masked

    typer.echo(render("init_done", year=data["year"], unit=data["unit"], path=masked(st.location)))
    _phases_table(data, fmt=None)
    if carried is not None:
        st.note(render("init_rules_carried", before=carried[0], rules=carried[1]))


def _phases_table(data: dict[str, Any], fmt: str | None, output: Any = None) -> None:
    cols = [Col("seq", "序号"), Col("name", "阶段"), Col("start", "开始"), Col("end", "结束")]
    render_rows(data["phases"], cols, fmt=fmt, output=output, reveal=True, title=data["name"])


@app.command("show")
def show(year: YearOpt = None, fmt: FormatOpt = None, output: OutputOpt = None) -> None:
    """显示活动名称、单位、三个阶段的日期和各项规则。"""
    from sanlian.cli.output import check_output, choose_format, emit, to_json
    from sanlian.i18n.labels import PHASE
    from sanlian.services import campaign

    check_output(output)  # JSON goes out by ``emit``, which takes any suffix
    st = state()
    with st.session() as session:
        data = campaign.as_dict(campaign.get(session, today=st.today, year=year), today=st.today)
    if choose_format(fmt_value(fmt), output) == "json":
        emit(to_json(data), output)
        return
    current = "、".join(PHASE[k] for k in data["current_phases"]) or "不在任何阶段内"
    sheet = [
        {"k": "活动", "v": data["name"]},
        {"k": "单位", "v": data["unit"]},
        {"k": "起止", "v": f"{data['start']} 至 {data['end']}"},
        {"k": f"今天（{st.today}）所处阶段", "v": current},
        *({"k": p["name"], "v": f"{p['start']} 至 {p['end']}"} for p in data["phases"]),
        *({"k": label, "v": data["settings"][key]} for key, label in campaign.SETTINGS.items()),
    ]
    cols = [Col("k", "项目"), Col("v", "内容")]
    render_rows(sheet, cols, fmt=fmt_value(fmt), output=output, reveal=True, title=data["name"])


@app.command("set")
def set_(
    year: YearOpt = None,
    name: Annotated[
        str | None, typer.Option("--name", help="活动名称，自查报告和自查统计的标题用它。")
    ] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="单位名称。")] = None,
    phase: Annotated[
        str | None,
        typer.Option("--phase", help="要改日期的阶段：1/2/3 或 动员部署/组织实施/总结。"),
    ] = None,
    start: Annotated[str | None, typer.Option("--start", help="该阶段的开始日期。")] = None,
    end: Annotated[str | None, typer.Option("--end", help="该阶段的结束日期。")] = None,
    time_limit: Annotated[
        int | None,
        typer.Option(
            "--time-limit", min=1, callback=at_most_days, help="问题办理时限（天），默认 30。"
        ),
    ] = None,
    pairs: Annotated[
        int | None,
        typer.Option(
            "--pairs", min=1, callback=at_most_pairs, help="每名干部同时结对的户数上限，默认 1。"
        ),
    ] = None,
    yellow: Annotated[
        int | None,
        typer.Option(
            "--yellow",
            min=0,
            callback=at_most_days,
            help="超期超过几天亮黄牌，默认 0（一过期即黄牌）。",
        ),
    ] = None,
    red: Annotated[
        int | None,
        typer.Option("--red", min=0, callback=at_most_days, help="超期超过几天亮红牌，默认 15。"),
    ] = None,
    stale: Annotated[
        int | None,
        typer.Option(
            "--stale",
            min=1,
            callback=at_most_days,
            help="问题几天没有进展需督促（延期、更换责任人不算进展），默认 14。",
        ),
    ] = None,
    visit_cadence: Annotated[
        int | None,
        typer.Option(
            "--visit-cadence", min=1, callback=at_most_days, help="干部应在几天内有走访，默认 30。"
        ),
    ] = None,
    research_warn: Annotated[
        int | None,
        typer.Option(
            "--research-warn",
            min=0,
            callback=at_most_days,
            help="总结阶段开始前几天起督促调研报告，默认 30。",
        ),
    ] = None,
) -> None:
    """修改活动名称、单位、某一阶段的起止日期或规则（时限、黄红牌、走访频次）。"""
    from sanlian.errors import ValidationError
    from sanlian.i18n.messages import render
    from sanlian.services import campaign

    st = state()
    with st.session(write=True) as session:
        view = campaign.get(session, today=st.today, year=year)
        phase_dates = {}
        if phase is not None:
            key = campaign.phase_key(phase)
            if start is None and end is None:  # --phase says which; the dates say what
                now = next(p for p in view.phases if p.key == key)
                raise ValidationError(
                    "campaign_phase_dates",
                    phase=phase,
                    start=now.start_on.isoformat(),
                    end=now.end_on.isoformat(),
                )
            phase_dates[key] = (
                st.optional_date(session, start, "开始日期"),
                st.optional_date(session, end, "结束日期"),
            )
        elif start or end:
            raise ValidationError("required", field="阶段（--phase）")
        settings = {
            k: v
            for k, v in {
                "problem_days": time_limit,
                "household_pairs_per_cadre": pairs,
                "yellow_days": yellow,
                "red_days": red,
                "stale_days": stale,
                "visit_cadence_days": visit_cadence,
                "research_warn_days": research_warn,
            }.items()
            if v is not None
        }
        if name is None and unit is None and not (phase_dates or settings):
            raise ValidationError("nothing_to_edit")
        campaign.update(
            session,
            view=view,
            name=name,
            unit=unit,
            phase_dates=phase_dates,
            settings=settings,
            today=st.today,
        )
        changed = st.changed(session)
        if changed:
            st.journal(session, "campaign set", f"修改 {view.campaign.year} 年活动设置")
        gaps = campaign.phase_gaps(view) if phase_dates else []
        year_done = view.campaign.year
        kept_due = 0  # open problems whose due dates the new time limit leaves as they were
        if changed and "problem_days" in settings:
            from sqlalchemy import func, select

            from sanlian.reports.common import tables
            from sanlian.services.problems import OPEN

            problem = tables().problem.c
            kept_due = int(
                session.execute(
                    select(func.count()).where(
                        problem.status.in_(OPEN),
                        problem.raised_on.between(
                            dt.date(year_done, 1, 1), dt.date(year_done, 12, 31)
                        ),
                    )
                ).scalar()
                or 0
            )
    typer.echo(render("campaign_updated" if changed else "campaign_unchanged", year=year_done))
    for note in gaps:
        st.note(note)
    if kept_due:
        st.note(render("campaign_time_limit_kept", count=kept_due))
