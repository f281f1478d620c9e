"""简报: a period's figures, the change since the previous period (of equal length; of as many
calendar months for a period of whole months), notable resolved problems and what lags;
rendered as markdown here (``sanlian.io.report_docx`` for Word).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sanlian.i18n.labels import CATEGORIES, MEASURE
from sanlian.i18n.messages import render
from sanlian.reports.common import Period, md_date, yuan_text, zh_date
from sanlian.reports.figures import Figures, campaign_title
from sanlian.reports.ledgers import ProblemRow
from sanlian.reports.supervise import Alert

if TYPE_CHECKING:
    from sqlmodel import Session

# (label, how the figure is read from Figures) — the rows of the briefing's table
BRIEF_ROWS: tuple[tuple[str, str], ...] = (
    ("走访次数", "visits"),
    ("走访人次", "visit_person_times"),
    ("发放联系卡（张）", "contact_cards"),
    ("民情日记（篇）", "diaries"),
    ("收集问题（件）", "problems_raised"),
    ("解决问题（件）", "problems_resolved"),
    ("化解矛盾纠纷（件）", "conflicts_resolved"),
    ("调研报告（篇）", "research_reports"),
    ("开展各类活动（次）", "activities"),
    ("干部参加各类活动（人次）", "activity_person_times"),
    ("落实资金（元）", "funds_yuan"),
)
HIGHLIGHTS = 5
LAGS = 8  # lines of "需要抓紧的工作"; the rest are counted and left to ``supervise``


def brief_value(f: Figures, key: str) -> Any:
    """A row's figure. Both activity rows count every activity recorded in the period, of any
    kind (plan, mobilisation … summary as well as the eight ones), so they share one base."""
    if key == "funds_yuan":
        return f.funds_yuan
    return getattr(f, key)


def change_text(now: Any, before: Any) -> str:
    diff = now - before
    if diff == 0:
        return "持平"
    sign = "+" if diff > 0 else "−"
    magnitude = abs(diff)
    return f"{sign}{magnitude:.2f}" if not isinstance(diff, int) else f"{sign}{magnitude}"


@dataclass(frozen=True)
class Brief:
    no: int
    unit: str
    name: str
    issued_on: dt.date
    period: Period
    previous: Period
    current: Figures
    before: Figures
    year_to_date: Figures
    highlights: tuple[ProblemRow, ...]
    lags: tuple[Alert, ...]  # the most urgent, at most LAGS of them
    lag_summary: str
    omitted: tuple[Alert, ...] = ()  # the alerts cut from the list, most urgent first
    lags_as_of: dt.date | None = None  # the day the lags are judged on (default: the period's end)
    # the money of each highlight's resolutions in the period (its row has every one's)
    highlight_fen: tuple[int, ...] = ()
    # likewise the measures (送…) those resolutions took
    highlight_measures: tuple[tuple[str, ...], ...] = ()
    year: int | None = None  # the campaign's: its title says it, as the self-inspection's does
    # problems resolved before and reopened in the period, open at its end: their resolutions
    # leave the year to date (``common.standing``) — (problem numbers, their money in fen)
    withdrawn: tuple[tuple[int, ...], int] = ((), 0)
    campaign_start: dt.date | None = None  # the campaign's first day

    @property
    def compared(self) -> bool:
        """Whether the previous period is compared with: not when it ended before the
        campaign began (March's briefing: nothing could be dated in February; its 上期 would
        be 0 and every change +N)."""
        return self.campaign_start is None or self.previous.end >= self.campaign_start

    @property
    def withdrawn_text(self) -> str:
        """Why the year to date may have fallen: ``""`` when no resolution was withdrawn."""
        ids, fen = self.withdrawn
        if not ids:
            return ""
        from sanlian.i18n.messages import render

        shown = "、".join(str(i) for i in ids[:5]) + ("等" if len(ids) > 5 else "")
        money = render("brief_withdrawn_money", yuan=yuan_text(fen)) if fen else ""
        return render("brief_withdrawn", count=len(ids), ids=shown, money=money)

    def _period_fen(self) -> tuple[int, ...]:
        """``highlight_fen``, or (a brief made without it) each highlight's whole sum."""
        return self.highlight_fen or tuple(h.amount_fen for h in self.highlights)

    def _period_measures(self) -> tuple[tuple[str, ...], ...]:
        """``highlight_measures``, or (a brief made without them) each highlight's all."""
        return self.highlight_measures or tuple(h.measures for h in self.highlights)

    def highlight_texts(self) -> list[str]:
        """Each highlight as a sentence (``example_text``), its money and measures the
        period's."""
        return [
            example_text(h, f, m)
            for h, f, m in zip(
                self.highlights, self._period_fen(), self._period_measures(), strict=True
            )
        ]

    @property
    def omitted_text(self) -> str:
        """``另有 N 项（…）未列出，详见 …`` when the list was cut, else ``""``."""
        return self.omitted_sentence()

    def omitted_sentence(self, *, command: bool = True) -> str:
        """``omitted_text``; without ``command`` (the .docx, read on paper by the leaders, says
        no command), ``另有 N 项（…）未列出。``."""
        if not self.omitted:
            return ""
        from sanlian.i18n.messages import render
        from sanlian.reports.supervise import LEVEL, LEVEL_ORDER

        counts = {k: sum(1 for a in self.omitted if a.level == k) for k in LEVEL_ORDER}
        parts = "、".join(f"{LEVEL[k]} {n} 项" for k, n in counts.items() if n)
        return render(
            "brief_lags_omitted" if command else "brief_lags_omitted_doc",
            count=len(self.omitted),
            parts=parts,
            as_of=(self.lags_as_of or self.period.as_of).isoformat(),
        )

    @property
    def title(self) -> str:
        return campaign_title(self.unit, self.name, "简报", year=self.year)

    def periods_line(self, *, spaced: bool = True) -> str:
        """``本期：…（N 天）；上期：….``: a period of one day is that day (not "6月1日至6月1日");
        ``spaced``: a blank between a number and Chinese, as the screen writes them."""
        from sanlian.reports.common import zh_date

        def span(p: Period) -> str:
            return zh_date(p.start) if p.start == p.end else f"{zh_date(p.start)}至{zh_date(p.end)}"

        gap = " " if spaced else ""
        before = "" if self.compared else "（活动尚未开始，不作比较）"
        return (
            f"本期：{span(self.period)}（{self.period.days}{gap}天）；"
            f"上期：{span(self.previous)}{before}。"
        )

    def rows(self) -> list[dict[str, Any]]:
        out = []
        for label, key in BRIEF_ROWS:
            now = brief_value(self.current, key)
            before = brief_value(self.before, key)
            ytd = brief_value(self.year_to_date, key)
            out.append(
                {
                    "key": key,
                    "label": label,
                    "current": now,
                    "previous": before if self.compared else "—",
                    "change": change_text(now, before) if self.compared else "—",
                    "year_to_date": ytd,
                }
            )
        return out

    def as_dict(self) -> dict[str, Any]:
        def fig(f: Figures) -> dict[str, Any]:
            return {
                key: (yuan_text(f.funds_fen) if key == "funds_yuan" else brief_value(f, key))
                for _, key in BRIEF_ROWS
            }

        return {
            "no": self.no,
            "title": self.title,
            "issued_on": self.issued_on,
            "from": self.period.start,
            "to": self.period.end,
            "previous_from": self.previous.start,
            "previous_to": self.previous.end,
            "current": fig(self.current),
            "previous": fig(self.before),
            "year_to_date": fig(self.year_to_date),
            # each with the money (and measures) of its resolutions in the period beside the
            # sum of all (and all taken)
            "highlights": [
                h.as_dict() | {"period_amount_fen": f, "period_measures": m}
                for h, f, m in zip(
                    self.highlights, self._period_fen(), self._period_measures(), strict=True
                )
            ],
            "lags": [a.as_dict() for a in self.lags],
            "lags_omitted": len(self.omitted),
            "lags_as_of": self.lags_as_of or self.period.as_of,
        }


def issue_number(campaign_start: dt.date, start: dt.date, days: int, months: int = 0) -> int:
    """The default 期号: the periods of this length (``months`` calendar months, or ``days``)
    since the campaign's start (rounded), plus this one."""
    if days <= 0 or start <= campaign_start:
        return 1
    if months:
        since = (start.year - campaign_start.year) * 12 + start.month - campaign_start.month
        return int(since / months + 0.5) + 1
    return int((start - campaign_start).days / days + 0.5) + 1


def whole_months(start: dt.date, end: dt.date) -> int:
    """How many calendar months ``start``–``end`` spans when it is whole months (the 1st to a
    month's last day: a monthly or quarterly briefing), else 0."""
    if start.day != 1 or (end + dt.timedelta(days=1)).day != 1 or end < start:
        return 0
    return (end.year - start.year) * 12 + end.month - start.month + 1


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period a briefing compares with: the calendar months just before for a period of
    whole months (October's with September, whatever their lengths: the 上期 column then says
    what the last briefing said), else as many days just before."""
    last = start - dt.timedelta(days=1)
    months = whole_months(start, end)
    if months:
        index = start.year * 12 + start.month - 1 - months
        return dt.date(index // 12, index % 12 + 1, 1), last
    return last - dt.timedelta(days=(end - start).days), last


def brief(
    session: Session,
    *,
    today: dt.date,
    start: dt.date,
    end: dt.date,
    no: int | None = None,
) -> Brief:
    from sanlian.errors import ValidationError
    from sanlian.reports.common import load_campaign
    from sanlian.reports.figures import count, count_together
    from sanlian.reports.ledgers import problem_rows
    from sanlian.reports.supervise import supervise_beside

    if start > end:
        raise ValidationError("report_period_order", start=start, end=end)
    if no is not None and no < 1:
        raise ValidationError("report_brief_no", value=no)
    from sanlian.services.campaign import years

    held = years(session)
    if held and end.year not in held:  # (no campaign at all: load_campaign says so)
        raise ValidationError(
            "report_brief_year",
            start=start,
            end=end,
            years="、".join(str(y) for y in held),
            year=end.year,
        )
    if start > today:  # a month still to come: its figures all 0, its change all negative
        raise ValidationError("report_brief_future", start=start, today=today)
    view, _ = load_campaign(session, today=today, year=end.year, as_of=end)
    if end < view.start:  # all before the first phase: nothing to tell, yet numbered 第 1 期
        first = view.start
        months = whole_months(start, end)
        if months:  # February's: March's; else as many days from the first day
            index = first.year * 12 + first.month - 1 + months
            to = dt.date(index // 12, index % 12 + 1, 1) - dt.timedelta(days=1)
        else:
            to = first + (end - start)
        raise ValidationError(
            "report_brief_before_campaign", start=start, end=end, first=first, to=to
        )
    year = view.campaign.year
    period = Period(year, start, end, end)
    length = period.days
    first, last = previous_period(start, end)
    previous = Period(year, first, last, last)
    # what lags is judged on the period's last day, or today when that is still to come (a
    # week's briefing written on its Thursday): days overdue are never counted ahead
    judged = min(end, today)
    so_far = Period.of_year(year, end)
    # at city scale what lags is worked out on the other core while the figures are counted
    # (someone who has left by the day it is written is not pressed, his problems to be
    # handed over: a briefing looks ahead)
    with supervise_beside(
        session, so_far, today=today, as_of=judged, year=year, gone_by=today
    ) as found:
        # the period and the year to date are judged on the same day: their problems once
        current, year_to_date = count_together(session, [period, so_far])
        before = count(session, previous)
        highlights = tuple(problem_rows(session, period, only_resolved=True, limit=HIGHLIGHTS))
        period_fen, period_measures = _resolved_in(session, period, [h.id for h in highlights])
        withdrawn = _withdrawn(session, period)
        supervision = found()
    alerts = supervision.alerts  # red, yellow, urged, reminders: the cut keeps the most urgent
    summary = supervision.summary
    if judged < end:
        summary = render("brief_lags_as_of", date=judged.isoformat()) + summary
    return Brief(
        no=no
        if no is not None
        else issue_number(view.start, start, length, whole_months(start, end)),
        unit=view.campaign.unit,
        name=view.campaign.name,
        year=view.campaign.year,
        issued_on=today,
        period=period,
        previous=previous,
        current=current,
        before=before,
        year_to_date=year_to_date,
        highlights=highlights,
        highlight_fen=period_fen,
        highlight_measures=period_measures,
        lags=alerts[:LAGS],
        lag_summary=summary,
        omitted=alerts[LAGS:],
        lags_as_of=judged,
        withdrawn=withdrawn,
        campaign_start=view.start,
    )


def _withdrawn(session: Session, period: Period) -> tuple[tuple[int, ...], int]:
    """The problems reopened in ``period`` after a resolution, and not resolved again by its
    end (its resolutions do not count then: ``common.standing``), and the money those
    resolutions had recorded."""
    from sqlalchemy import func, select

    from sanlian.reports.common import standing, tables

    t = tables()
    step, problem = t.problem_step.c, t.problem.c
    reopened = select(step.problem_id).where(
        step.kind == "reopen", step.step_on.between(period.start, period.end)
    )
    rows = session.execute(
        select(step.problem_id, func.sum(step.amount_fen))
        .select_from(t.problem_step.join(t.problem, problem.id == step.problem_id))
        .where(
            step.problem_id.in_(reopened.scalar_subquery()),
            step.kind == "resolve",
            step.step_on <= period.end,
            ~standing(session, step, problem, period.end),
        )
        .group_by(step.problem_id)
        .order_by(step.problem_id)
    ).all()
    return tuple(int(pid) for pid, _fen in rows), sum(int(fen or 0) for _pid, fen in rows)


def _resolved_in(
    session: Session, period: Period, ids: list[int]
) -> tuple[tuple[int, ...], tuple[tuple[str, ...], ...]]:
    """The money, and the measures, of the resolutions of each problem in ``ids`` made in
    ``period`` (a problem reopened and resolved again has money and measures of an earlier
    period too), of problems resolved on its as-of day (``common.standing``), in one query."""
    from sqlalchemy import select

    from sanlian.reports.common import standing, tables
    from sanlian.reports.ledgers import measures_in_order

    if not ids:
        return (), ()
    t = tables()
    steps, measures, problems = t.problem_step, t.step_measure, t.problem
    step, taken = steps.c, measures.c
    rows = session.execute(
        select(step.id, step.problem_id, step.amount_fen, taken.measure)
        .select_from(
            steps.join(problems, problems.c.id == step.problem_id).outerjoin(
                measures, taken.step_id == step.id
            )
        )
        .where(
            step.problem_id.in_(ids),
            step.kind == "resolve",
            step.step_on.between(period.start, period.end),
            standing(session, step, problems.c, period.as_of),
        )
    ).all()
    fen: dict[int, int] = {}
    taken_by: dict[int, set[str]] = {}
    counted: set[int] = set()  # a step's money once, however many measures it took
    for step_id, pid, amount, measure in rows:
        if step_id not in counted:
            counted.add(step_id)
            fen[pid] = fen.get(pid, 0) + (amount or 0)
        if measure is not None:
            taken_by.setdefault(pid, set()).add(str(measure))
    return (
        tuple(fen.get(i, 0) for i in ids),
        tuple(measures_in_order(taken_by.get(i, ())) for i in ids),
    )


def example_text(
    p: ProblemRow, period_fen: int | None = None, period_measures: tuple[str, ...] | None = None
) -> str:
    """One resolved problem as a sentence of a report. ``period_fen``: the money of its
    resolutions in the report's period, where that may be less than all of them
    (``p.amount_fen``: a problem reopened and resolved again); ``period_measures`` likewise
    the measures those took (``p.measures``: all)."""
    category = CATEGORIES.get(p.target_kind, {}).get(p.category, p.category)
    owner = p.owner or "联系干部"  # a namesake told apart by the ledger (张伟（办公室）)
    when = md_date(p.resolved_on) if p.resolved_on else ""
    text = f"{p.named}反映“{p.text}”（{category}），{owner}跟进办理，{when}解决"
    if p.how:
        text += f"：{p.how}"
    extras = []
    measures = p.measures if period_measures is None else period_measures
    if measures:
        extras.append("、".join(MEASURE.get(m, m) for m in measures))
    total = p.amount_fen
    if period_fen is None or period_fen == total:
        if total:
            extras.append(f"落实资金 {yuan_text(total)} 元")
    elif period_fen:
        extras.append(f"落实资金 {yuan_text(period_fen)} 元，累计 {yuan_text(total)} 元")
    else:
        extras.append(f"此前累计落实资金 {yuan_text(total)} 元")
    if extras:
        text += "（" + "，".join(extras) + "）"
    return text + "。"


def _md_cell(value: Any) -> str:
    from sanlian.io.cells import markdown_line

    if isinstance(value, float):
        return f"{value:.2f}"
    return markdown_line(str(value))


def to_markdown(b: Brief) -> str:
    """The briefing as markdown (what ``brief`` prints by default)."""
    from sanlian.io.cells import markdown_line

    lines = [
        f"# {markdown_line(b.title)}",
        "",
        f"**第 {b.no} 期** · {markdown_line(b.unit)}“三联三解三促”活动领导小组办公室 · "
        f"{zh_date(b.issued_on)}",
        "",
        b.periods_line(),
        "",
        "## 一、本期工作情况",
        "",
        "| 项目 | 本期 | 上期 | 增减 | 年度累计 |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in b.rows():
        cells = [row["label"], row["current"], row["previous"], row["change"], row["year_to_date"]]
        lines.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    # the clerk's text as written, on the item's one line (a line of it starting with # or -
    # would be a heading or another item)
    lines += after_figures(b, lambda h: f"## {h}", markdown_line)
    return "\n".join(lines) + "\n"


def after_figures(b: Brief, heading: Callable[[str], str], text: Callable[[str], str]) -> list[str]:
    """The briefing's lines after its figures (its examples and what is lagging), each
    heading as ``heading`` writes it, each of the clerk's texts as ``text``."""
    lines = ["", text(b.withdrawn_text)] if b.withdrawn_text else []
    lines += ["", heading("二、为民办实事"), ""]
    if b.highlights:
        lines += [f"{i}. {text(t)}" for i, t in enumerate(b.highlight_texts(), 1)]
    else:
        lines.append("本期没有办结的问题。")
    lines += ["", heading("三、需要抓紧的工作"), "", b.lag_summary]
    if b.lags:
        lines.append("")
        lines += [f"- {text(a.line)}" for a in b.lags]
    if b.omitted:
        lines += ["", b.omitted_text]
    return lines
