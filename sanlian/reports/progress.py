"""Phase progress: where the campaign stands, each phase's checklist, and a table per section.

The checklist follows DOMAIN.md: phase 1 the implementation plan, the leading group with its
head (组长) and the mobilisation meeting; phase 2 the eight ones and the exchange of experience;
phase 3 the summary and the self-inspection report (done when recorded as an activity of the
kind ``selfcheck``; until then its record says whether the eight ones are all done, the
report's material).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sanlian.i18n.labels import ACTIVITY_KIND, EIGHT_ONES
from sanlian.reports.common import Period
from sanlian.reports.figures import Figures, LazyFigures
from sanlian.reports.ledgers import ActivityRecord, CadreRow

if TYPE_CHECKING:
    from sqlmodel import Session

PHASE_STATE = {"not_started": "未开始", "current": "进行中", "ended": "已结束"}


@dataclass(frozen=True)
class CheckItem:
    key: str
    label: str
    done: bool
    record: str  # the record behind it, or what is missing

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "done": self.done, "record": self.record}


def days_left_text(days: int) -> str:
    """``剩 N 天`` after the as-of day; on the last day itself, that it is the last (a phase
    in progress with "0 days left" reads as over; "today" would be wrong for a past as-of)."""
    return "最后一天" if days == 0 else f"剩 {days} 天"


@dataclass(frozen=True)
class PhaseProgress:
    key: str
    seq: int
    name: str
    start: dt.date
    end: dt.date
    state: str  # not_started / current / ended
    days_left: int  # days after the as-of day until the phase ends (0 on its last day)
    items: tuple[CheckItem, ...]

    @property
    def done(self) -> int:
        return sum(1 for i in self.items if i.done)

    @property
    def state_text(self) -> str:
        if self.state == "current":
            return f"进行中，{days_left_text(self.days_left)}"
        return PHASE_STATE[self.state]

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "seq": self.seq,
            "name": self.name,
            "start": self.start,
            "end": self.end,
            "state": self.state,
            "days_left": self.days_left,
            "done": self.done,
            "items": [i.as_dict() for i in self.items],
        }


@dataclass(frozen=True)
class SectionProgress:
    id: int | None  # None = the whole bureau (合计)
    name: str
    cadres: int
    households: int
    visits: int
    diaries: int
    research_done: int  # cadres of the section with a research report
    research_required: int  # = its cadres
    # one base for each ratio: of the problems (conflicts) raised in the period, those resolved
    # by the as-of day (a problem raised last year and resolved this year is in neither)
    problems_resolved: int
    problems_raised: int
    conflicts_resolved: int
    conflicts_raised: int
    eight_ones: int

    @classmethod
    def of(cls, sid: int | None, name: str, f: Figures) -> SectionProgress:
        return cls(
            id=sid,
            name=name,
            cadres=f.cadres_total,
            households=f.households_paired,
            visits=f.visits,
            diaries=f.diaries,
            research_done=f.cadres_with_research,
            research_required=f.cadres_total,
            problems_resolved=f.raised_resolved,
            problems_raised=f.problems_raised,
            conflicts_resolved=f.conflicts_raised_resolved,
            conflicts_raised=f.conflicts_raised,
            eight_ones=f.eight_ones_done,
        )

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Progress:
    year: int
    unit: str
    name: str
    as_of: dt.date
    campaign_start: dt.date
    campaign_end: dt.date
    phases: tuple[PhaseProgress, ...]
    sections: tuple[SectionProgress, ...]
    total: SectionProgress
    cadres: tuple[CadreRow, ...]  # filled for ``--by cadre``
    by_cadre: bool = False  # ``--by cadre`` asked (the cadres' table, even with no cadre)

    @property
    def current(self) -> tuple[PhaseProgress, ...]:
        return tuple(p for p in self.phases if p.state == "current")

    @property
    def headline(self) -> str:
        """One line: the phase the campaign is in and the days left."""
        head = f"{self.name} · 截至 {self.as_of.isoformat()}"
        if self.as_of < self.campaign_start:
            days = (self.campaign_start - self.as_of).days
            return f"{head} · 活动尚未开始（{days} 天后开始）"
        if self.as_of > self.campaign_end:
            return f"{head} · 活动已结束"
        now = "、".join(f"{p.name}（{days_left_text(p.days_left)}）" for p in self.current)
        left = days_left_text((self.campaign_end - self.as_of).days)
        return f"{head} · 当前：{now or '阶段间隙'} · 活动{left}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "unit": self.unit,
            "name": self.name,
            "as_of": self.as_of,
            "current_phases": [p.key for p in self.current],
            "days_left": max((self.campaign_end - self.as_of).days, 0),
            "phases": [p.as_dict() for p in self.phases],
            "sections": [s.as_dict() for s in self.sections],
            "total": self.total.as_dict(),
            "cadres": [c.as_dict() for c in self.cadres],
        }


# --- building it ----------------------------------------------------------------------------


def _activity_text(records: list[ActivityRecord], kind: str) -> tuple[bool, str]:
    mine = [r for r in records if r.kind == kind]
    if not mine:
        return False, f"尚无“{ACTIVITY_KIND[kind]}”记录"
    first = mine[0]
    title = f"《{first.title}》" if first.title else ACTIVITY_KIND[kind]
    text = f"{first.held_on.isoformat()} {title}"
    if first.partner:
        text += f"（{first.partner}）"
    if len(mine) > 1:
        text += f" 等 {len(mine)} 次"
    return True, text


def _report_item(records: list[ActivityRecord], f: Figures | LazyFigures) -> CheckItem:
    """写出自查报告: done when the report is on record (an activity of the kind ``selfcheck``,
    which the clerk adds once it is written), not when it could be written; until then, how
    far its material is. No command in the text: ``supervise`` quotes it, and the briefing
    after it, in documents."""
    written, text = _activity_text(records, "selfcheck")
    if not written:
        text = f"八个一完成 {f.eight_ones_done}/8，" + (
            f"尚无“{ACTIVITY_KIND['selfcheck']}”记录"
            if f.eight_ones_done == len(EIGHT_ONES)
            else "材料尚不齐备"
        )
    return CheckItem("selfcheck", "写出自查报告", written, text)


def checklists(
    session: Session,
    period: Period,
    figures: Figures | LazyFigures,
    *,
    records_of_done: bool = True,
) -> dict[str, tuple[CheckItem, ...]]:
    """Each phase's checklist (keyed by phase key), with the record behind each item.

    Without ``records_of_done`` an eight-one counted from the figures (interview, research,
    practical, conflict) that is done has an empty record: ``supervise`` names only what is
    not done, and with ``LazyFigures`` the counts behind a done item are then never run.
    """
    from sanlian.reports.ledgers import activity_records, leading_group_head

    records = activity_records(session, period)
    f = figures

    def act(key: str, label: str, kind: str) -> CheckItem:
        done, text = _activity_text(records, kind)
        return CheckItem(key, label, done, text)

    head = leading_group_head(session, period.as_of)
    organised, org_text = _activity_text(records, "organize")
    group_parts = [f"组长 {head[0]}（{head[1]}）" if head else "尚未指定领导小组组长"]
    group_parts.append(org_text)
    leading = CheckItem(
        "organize", "成立领导小组及办公室", organised and head is not None, "；".join(group_parts)
    )

    org_life = [r for r in records if r.kind == "org_life"]
    before = [r for r in org_life if r.held_on < period.july_first]
    if before:
        first = before[0]
        partner = f"与{first.partner}" if first.partner else ""
        org_text = f"{first.held_on.isoformat()} {partner}共同过组织生活（七一前 {len(before)} 次"
        org_text += f"，全年 {len(org_life)} 次）"
    elif org_life:
        org_text = f"有 {len(org_life)} 次，但均不在七一前"
    else:
        org_text = "尚无组织生活记录（应在七一前开展）"
    eight = f.eight_ones

    def counted(key: str, record: Callable[[], str]) -> CheckItem:
        done = eight[key]
        return CheckItem(
            key, EIGHT_ONES[key], done, record() if records_of_done or not done else ""
        )

    implement = (
        act("education", EIGHT_ONES["education"], "education"),
        CheckItem("org_life", EIGHT_ONES["org_life"], eight["org_life"], org_text),
        counted(
            "interview",
            lambda: (
                f"走访 {f.visits} 次、{f.visit_person_times} 人次，联系卡 {f.contact_cards} 张，"
                f"民情日记 {f.diaries} 篇"
            ),
        ),
        counted(
            "research",
            lambda: (
                f"{f.cadres_with_research}/{f.cadres_total} 名干部已撰写，"
                f"共 {f.research_reports} 篇"
            ),
        ),
        act("civility", EIGHT_ONES["civility"], "civility"),
        counted(
            "practical",
            lambda: (
                f"本年解决 {f.problems_resolved} 件；本年收集 {f.problems_raised} 件，"
                f"其中已解决 {f.raised_resolved} 件"
            ),
        ),
        counted(
            "conflict",
            lambda: (
                f"本年化解 {f.conflicts_resolved} 件；本年排查矛盾纠纷 {f.conflicts_raised} 件，"
                f"其中已化解 {f.conflicts_raised_resolved} 件"
            ),
        ),
        act("mechanism", EIGHT_ONES["mechanism"], "mechanism"),
        act("exchange", "组织交流参与活动的经验体会", "exchange"),
    )
    summarise = (act("summary", "全面总结", "summary"), _report_item(records, f))
    return {
        "mobilise": (
            act("plan", "制定实施方案", "plan"),
            leading,
            act("mobilize", "召开动员部署会议", "mobilize"),
        ),
        "implement": implement,
        "summarise": summarise,
    }


def progress(
    session: Session,
    *,
    today: dt.date,
    year: int | None = None,
    as_of: dt.date | None = None,
    by_cadre: bool = False,
) -> Progress:
    from sanlian.reports.common import load_campaign
    from sanlian.reports.figures import count_all
    from sanlian.reports.ledgers import cadre_rows

    view, as_of = load_campaign(session, today=today, year=year, as_of=as_of)
    c = view.campaign
    period = Period.of_year(c.year, as_of)
    figures, sections = count_all(session, period)
    lists = checklists(session, period, figures)
    phases = []
    for ph in view.phases:
        if as_of < ph.start_on:
            state = "not_started"
        elif as_of > ph.end_on:
            state = "ended"
        else:
            state = "current"
        phases.append(
            PhaseProgress(
                key=ph.key,
                seq=ph.seq,
                name=ph.name,
                start=ph.start_on,
                end=ph.end_on,
                state=state,
                days_left=max((ph.end_on - as_of).days, 0),
                items=lists.get(ph.key, ()),
            )
        )
    return Progress(
        year=c.year,
        unit=c.unit,
        name=c.name,
        as_of=as_of,
        campaign_start=view.start,
        campaign_end=view.end,
        phases=tuple(phases),
        sections=tuple(SectionProgress.of(s.id, s.name, s.figures) for s in sections),
        total=SectionProgress.of(None, "合计", figures),
        cadres=tuple(cadre_rows(session, period)) if by_cadre else (),
        by_cadre=by_cadre,
    )
