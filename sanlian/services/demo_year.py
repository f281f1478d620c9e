"""A full fictional campaign year, written through the services so that every rule holds.

Given a loaded registry (sections, cadres of whom some are leaders, communities, enterprises,
households), :func:`populate_year` links the sections with communities, the leaders with
enterprises and the cadres with households; records several hundred visits with diaries;
raises problems in every category and takes them to every state; holds the activities of
every kind; and has most cadres write a research report. The same seed gives the same year.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlmodel import Session

    from sanlian.db.models import Cadre, Community, Enterprise, Household, Section

# --- texts ---------------------------------------------------------------------------------

DIARY_HOUSEHOLD = (
    "入户看望{name}一家，{needs}。家里{members}口人，老人身体尚可，对社区工作总体满意。",
    "与{name}拉家常，了解到{needs}，已记下诉求，答应尽快协调回复。",
    "再次走访{name}，{needs}的事有了进展，群众说“干部常来，心里踏实”。",
    "给{name}送去联系卡，讲解惠民政策；对方提出{needs}，约定下次带相关科室同去。",
    "电话回访{name}，询问近况；{needs}，情绪稳定，感谢帮扶干部。",
)
DIARY_ENTERPRISE = (
    "到{name}座谈，企业反映订单增长但流动资金紧张，希望对接银行贷款。",
    "走访{name}生产车间，了解技改项目进度，企业提出用地指标和审批时限问题。",
    "与{name}负责人交流，企业招工难、技术工人缺口约三十人。",
    "在{name}召开座谈会，宣讲减税降费政策，企业对政策落实情况总体满意。",
    "回访{name}，上次反映的问题已协调相关部门，企业表示感谢。",
)
DIARY_COMMUNITY = (
    "到{name}召开居民座谈会，群众反映楼道照明、道路破损等问题。",
    "在{name}发放联系卡，宣传政策法规，听取网格员对创城工作的意见。",
    "与{name}两委班子交流发展规划，村里希望引进农产品加工项目。",
    "参与{name}邻里纠纷调解，双方达成和解，约定一月后回访。",
    "走访{name}，了解公共设施建设和环境整治进展，记录群众诉求。",
)

PROBLEM_TEXT: dict[str, dict[str, str]] = {
    "enterprise": {
        "project": "技改项目立项审批进度慢，希望协调加快",
        "funds": "流动资金紧张，希望对接银行贷款",
        "land": "扩建厂房缺少用地指标",
        "technology": "生产线自动化改造缺技术支持",
        "talent": "技术工人短缺，招工困难",
        "legal": "与供应商合同纠纷，需要法律咨询",
        "other": "厂区周边道路破损影响运输",
    },
    "household": {
        "training": "下岗后想学一门手艺，希望参加技能培训",
        "employment": "家中劳动力想找一份稳定工作",
        "schooling": "子女上学路远，需要协调就近入学",
        "medical": "老人慢性病就医报销不清楚",
        "income": "想发展大棚蔬菜，缺资金和技术",
        "policy": "希望了解创业贷款政策",
        "legal": "宅基地边界纠纷，需要法律援助",
        "donation": "房屋漏雨，生活困难，需要救助",
        "other": "家中老人需要日常照看",
    },
    "community": {
        "planning": "社区(村)缺少发展建设规划",
        "publicity": "居民对新出台的政策法规了解不多，希望开展宣传",
        "environment": "村内道路泥泞，生产环境差",
        "facilities": "小区路灯损坏多，健身器材老化",
        "dispute": "两户邻里因排水问题发生纠纷",
        "other": "社区活动场所不足",
    },
}
MEASURES: dict[str, tuple[str, ...]] = {
    "project": ("policy", "information"),
    "funds": ("funds", "information"),
    "land": ("policy",),
    "technology": ("technology", "talent"),
    "talent": ("talent",),
    "legal": ("law",),
    "training": ("technology",),
    "employment": ("information",),
    "schooling": ("policy",),
    "medical": ("health", "policy"),
    "income": ("technology", "funds"),
    "policy": ("policy",),
    "donation": ("funds",),
    "planning": ("policy",),
    "publicity": ("policy", "law"),
    "environment": ("funds",),
    "facilities": ("funds", "culture"),
    "dispute": ("law",),
    "other": ("culture",),
}
HOW = (
    "协调相关部门现场办理，问题已解决",
    "帮助联系对接，对方已落实",
    "送政策上门，逐条讲解，群众满意",
    "多方筹措，按期解决",
)
RESEARCH_TITLES = (
    "关于{section}联系企业发展情况的调研报告",
    "中小企业融资难问题的调查与思考",
    "关于{community}群众就业情况的调研",
    "对基层网格化管理的几点思考",
    "关于优化营商环境的调研报告",
    "企业用工难问题调研",
    "关于联系户增收途径的调查",
    "{section}服务基层工作调研",
)
RESEARCH_TOPICS = ("development", "hotspot", "key_issue", "grassroots", "营商环境")


def populate_year(
    session: Session,
    *,
    year: int,
    today: dt.date,
    now: dt.datetime,
    seed: int = 2026,
) -> dict[str, int]:
    """Create a whole campaign year of links, visits, problems, activities and reports."""
    from sqlmodel import col, select

    from sanlian.db.models import Cadre, Campaign, Community, Enterprise, Household, Section
    from sanlian.services import campaign

    if session.exec(select(Campaign).where(Campaign.year == year)).first() is None:
        campaign.create(session, year=year, unit="企业局", now=now)
    view = campaign.get(session, today=today, year=year)
    year_data = _Year(
        session=session,
        rng=random.Random(seed),
        now=now,
        today=today,
        start=view.start,
        end=min(view.end, today),  # nothing dated after the day the demo stands on
        problem_days=view.campaign.problem_days,
        sections=list(
            session.exec(
                select(Section).where(col(Section.retired_on).is_(None)).order_by(col(Section.id))
            )
        ),
        cadres=list(
            session.exec(
                select(Cadre).where(col(Cadre.retired_on).is_(None)).order_by(col(Cadre.id))
            )
        ),
        communities=list(
            session.exec(
                select(Community)
                .where(col(Community.retired_on).is_(None))
                .order_by(col(Community.id))
            )
        ),
        enterprises=list(
            session.exec(
                select(Enterprise)
                .where(col(Enterprise.retired_on).is_(None))
                .order_by(col(Enterprise.id))
            )
        ),
        households=list(
            session.exec(
                select(Household)
                .where(col(Household.retired_on).is_(None))
                .order_by(col(Household.id))
            )
        ),
    )
    year_data.run()
    return counts(session, year=year)


def counts(session: Session, *, year: int) -> dict[str, int]:
    """What the year holds, counted by SQL."""
    from sqlalchemy import func, select
    from sqlmodel import col

    from sanlian.db.models import Activity, Link, Problem, ProblemStep, Research, Visit

    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)

    def count(stmt: Any) -> int:
        return int(session.execute(stmt).scalar_one())

    out = {}
    for kind in ("community", "enterprise", "household"):
        out[f"links_{kind}"] = count(
            select(func.count())
            .select_from(Link)
            .where(col(Link.kind) == kind, col(Link.start_on) <= last)
        )
    out["links_ended"] = count(
        select(func.count()).select_from(Link).where(col(Link.end_on).between(first, last))
    )
    out["visits"] = count(
        select(func.count()).select_from(Visit).where(col(Visit.visited_on).between(first, last))
    )
    out["problems"] = count(
        select(func.count()).select_from(Problem).where(col(Problem.raised_on).between(first, last))
    )
    out["problem_steps"] = count(
        select(func.count())
        .select_from(ProblemStep)
        .where(col(ProblemStep.step_on).between(first, last))
    )
    out["activities"] = count(
        select(func.count()).select_from(Activity).where(col(Activity.held_on).between(first, last))
    )
    out["research"] = count(
        select(func.count())
        .select_from(Research)
        .where(col(Research.written_on).between(first, last))
    )
    return out


def _id(record: Any) -> int:
    assert record.id is not None
    return int(record.id)


class _Year:
    """The generator's state: the registry, the links made so far, the dates of the year."""

    def __init__(
        self,
        *,
        session: Session,
        rng: random.Random,
        now: dt.datetime,
        today: dt.date,
        start: dt.date,
        end: dt.date,
        problem_days: int,
        sections: list[Section],
        cadres: list[Cadre],
        communities: list[Community],
        enterprises: list[Enterprise],
        households: list[Household],
    ) -> None:
        self.session = session
        self.rng = rng
        self.now = now
        self.today = today
        self.start = start
        self.end = end
        self.problem_days = problem_days
        self.sections = sections
        self.cadres = cadres
        self.communities = communities
        self.enterprises = enterprises
        self.households = households
        self.section_communities: dict[int | None, list[Community]] = {}
        self.leader_enterprises: dict[int, list[Enterprise]] = {}
        # one entry per pair: (cadres, household, first day, last day)
        self.pairs: list[tuple[list[Cadre], Household, dt.date, dt.date]] = []
        self.visits_of: dict[tuple[str, int], list[tuple[int, dt.date]]] = {}

    # --- dates ---------------------------------------------------------------------------

    def day(self, offset: int) -> dt.date:
        return min(self.start + dt.timedelta(days=offset), self.end)

    def between(self, first: dt.date, last: dt.date) -> dt.date:
        if last <= first:
            return first
        return first + dt.timedelta(days=self.rng.randint(0, (last - first).days))

    def run(self) -> None:
        self.community_links()
        self.enterprise_links()
        self.household_links()
        self.visits()
        self.problems()
        self.activities()
        self.research()

    # --- links ---------------------------------------------------------------------------

    def community_links(self) -> None:
        from sanlian.services import links

        communities = self.communities
        if not communities or not self.sections:
            return
        # The bureau itself takes the last community; the sections share the rest round the
        # table, every other section taking a second one.
        bureau_community = communities[-1]
        links.link_community(
            self.session,
            community=_id(bureau_community),
            bureau=True,
            start_on=self.day(0),
            now=self.now,
        )
        self.section_communities[None] = [bureau_community]
        rest = communities[:-1] or communities
        for i, section in enumerate(self.sections):
            chosen = [rest[i % len(rest)]]
            if i % 2 == 0 and len(rest) > 1:
                second = rest[(i + len(rest) // 2) % len(rest)]
                if second.id != chosen[0].id:
                    chosen.append(second)
            for community in chosen:
                links.link_community(
                    self.session,
                    community=_id(community),
                    section=_id(section),
                    start_on=self.day(self.rng.randint(0, 2)),
                    now=self.now,
                )
            self.section_communities[section.id] = chosen

    def enterprise_links(self) -> None:
        from sanlian.services import links

        leaders = [c for c in self.cadres if c.is_leader]
        pool = list(self.enterprises)
        self.rng.shuffle(pool)
        # the last leader is deliberately left with no enterprise (调度督促 shows it)
        for leader in leaders[:-1]:
            chosen = [pool.pop() for _ in range(min(self.rng.randint(1, 3), len(pool)))]
            for enterprise in chosen:
                links.link_enterprise(
                    self.session,
                    cadre=_id(leader),
                    enterprise=_id(enterprise),
                    start_on=self.day(self.rng.randint(3, 20)),
                    now=self.now,
                )
            assert leader.id is not None
            self.leader_enterprises[leader.id] = chosen

    def _eligible(self, cadre: Cadre, used: set[int]) -> list[Household]:
        allowed = {c.id for c in self.section_communities.get(cadre.section_id, [])}
        allowed |= {c.id for c in self.section_communities.get(None, [])}
        return [h for h in self.households if h.community_id in allowed and h.id not in used]

    def household_links(self) -> None:
        from sanlian.services import links

        used: set[int] = set()
        by_section: dict[int, list[Cadre]] = {}
        for cadre in self.cadres:
            by_section.setdefault(cadre.section_id, []).append(cadre)
        ended_once = False
        for section in self.sections:
            assert section.id is not None
            members = list(by_section.get(section.id, []))
            # one cadre in each section is left unpaired for a while (督促 has something)
            if len(members) > 3:
                members = members[:-1]
            while members:
                group = [members.pop(0)]
                if members and self.rng.random() < 0.2:
                    group.append(members.pop(0))  # 多对一
                options = self._eligible(group[0], used)
                if not options:
                    continue
                household = self.rng.choice(options)
                assert household.id is not None
                used.add(household.id)
                first = self.day(self.rng.randint(5, 40))
                rows = links.link_household(
                    self.session,
                    cadres=[c.id for c in group if c.id is not None],
                    household=household.id,
                    start_on=first,
                    now=self.now,
                )
                last = self.end
                if not ended_once and len(group) == 1:
                    # a pair ended mid-year; the cadre then pairs with another household
                    ended_once = True
                    last = dt.date(self.start.year, 7, 15)
                    links.end(self.session, link_id=rows[0]["id"], end_on=last)
                    self.pairs.append((group, household, first, last))
                    options = self._eligible(group[0], used)
                    if options:
                        second = self.rng.choice(options)
                        assert second.id is not None
                        used.add(second.id)
                        again = last + dt.timedelta(days=1)
                        links.link_household(
                            self.session,
                            cadres=[group[0].id or 0],
                            household=second.id,
                            start_on=again,
                            now=self.now,
                        )
                        self.pairs.append((group, second, again, self.end))
                    continue
                self.pairs.append((group, household, first, last))

    # --- visits --------------------------------------------------------------------------

    def _visit(
        self,
        *,
        cadres: list[Cadre],
        kind: str,
        target_id: int,
        day: dt.date,
        form: str,
        diary: str | None,
    ) -> None:
        from sanlian.services import visits

        cards = self.rng.randint(5, 30) if form == "card" else (1 if form == "home" else 0)
        record = visits.add(
            self.session,
            visited_on=day,
            cadres=[c.id for c in cadres if c.id is not None],
            form=form,
            cards=cards,
            diary=diary,
            now=self.now,
            community=target_id if kind == "community" else None,
            enterprise=target_id if kind == "enterprise" else None,
            household=target_id if kind == "household" else None,
        )
        self.visits_of.setdefault((kind, target_id), []).append((record["id"], day))

    def visits(self) -> None:
        rng = self.rng
        last_visit = min(self.end, dt.date(self.start.year, 11, 30))
        for group, household, first, last in self.pairs:
            assert household.id is not None
            for _ in range(rng.randint(3, 6)):
                day = self.between(first, min(last, last_visit))
                form = rng.choice(("home", "home", "home", "phone", "card"))
                diary = None
                if rng.random() < 0.85:
                    diary = rng.choice(DIARY_HOUSEHOLD).format(
                        name=household.name,
                        needs=household.needs or "生活基本稳定",
                        members=household.members or 3,
                    )
                self._visit(
                    cadres=group,
                    kind="household",
                    target_id=household.id,
                    day=day,
                    form=form,
                    diary=diary,
                )
        leaders = {c.id: c for c in self.cadres}
        for leader_id, enterprises in self.leader_enterprises.items():
            for enterprise in enterprises:
                assert enterprise.id is not None
                for _ in range(rng.randint(3, 5)):
                    self._visit(
                        cadres=[leaders[leader_id]],
                        kind="enterprise",
                        target_id=enterprise.id,
                        day=self.between(self.day(25), last_visit),
                        form=rng.choice(("talk", "talk", "other", "phone")),
                        diary=rng.choice(DIARY_ENTERPRISE).format(name=enterprise.name),
                    )
        for section in self.sections:
            members = [c for c in self.cadres if c.section_id == section.id]
            if not members:
                continue
            for community in self.section_communities.get(section.id, []):
                assert community.id is not None
                for _ in range(rng.randint(2, 4)):
                    group = rng.sample(members, k=min(len(members), rng.randint(1, 3)))
                    self._visit(
                        cadres=group,
                        kind="community",
                        target_id=community.id,
                        day=self.between(self.day(5), last_visit),
                        form=rng.choice(("talk", "card", "card")),
                        diary=rng.choice(DIARY_COMMUNITY).format(name=community.name),
                    )
        # a few visits by cadres to places they are not linked with (recorded with a note)
        for cadre in rng.sample(self.cadres, k=min(3, len(self.cadres))):
            if not self.enterprises:
                break
            stray = rng.choice(self.enterprises)
            self._visit(
                cadres=[cadre],
                kind="enterprise",
                target_id=_id(stray),
                day=self.between(self.day(30), last_visit),
                form="talk",
                diary=f"随同调研走访{stray.name}，了解企业生产情况。",
            )

    # --- problems ------------------------------------------------------------------------

    def _targets(self, kind: str) -> list[tuple[int, list[Cadre]]]:
        """Linked targets of ``kind`` with the cadres who may own their problems."""
        by_id = {c.id: c for c in self.cadres}
        if kind == "household":
            return [(h.id or 0, g) for g, h, _f, _l in self.pairs]
        if kind == "enterprise":
            return [
                (e.id or 0, [by_id[leader]])
                for leader, enterprises in self.leader_enterprises.items()
                for e in enterprises
            ]
        out: list[tuple[int, list[Cadre]]] = []
        for section_id, communities in self.section_communities.items():
            members = [c for c in self.cadres if c.section_id == section_id] or self.cadres[:1]
            out.extend((c.id or 0, members) for c in communities)
        return out

    def problems(self) -> None:
        from sanlian.i18n.labels import CATEGORIES

        rng = self.rng
        plans: list[tuple[str, str]] = []
        for kind, enum in CATEGORIES.items():
            for category in enum:
                plans.extend([(kind, category)] * rng.randint(2, 4))
        rng.shuffle(plans)
        outcomes = ("pending", "in_progress", "resolved", "resolved", "resolved", "unresolvable")
        # the states every year must show, whatever the dice say, come first
        special = [
            "reopened",
            "overdue_pending",
            "overdue_progress",
            "overdue_progress",
            "extended",
            "pending",
            "unresolvable",
        ]
        conflict_resolved = False
        for i, (kind, category) in enumerate(plans):
            targets = self._targets(kind)
            if not targets:
                continue
            target_id, owners = rng.choice(targets)
            outcome = special[i] if i < len(special) else rng.choice(outcomes)
            conflict = category == "dispute" or (category == "legal" and rng.random() < 0.5)
            if conflict and not conflict_resolved and i >= len(special):
                outcome = "resolved"  # at least one conflict is resolved (八个一 #7)
            conflict_resolved = conflict_resolved or (conflict and outcome == "resolved")
            self._problem(
                kind=kind,
                category=category,
                target_id=target_id,
                owner=rng.choice(owners),
                outcome=outcome,
                conflict=conflict,
            )

    def _problem(
        self,
        *,
        kind: str,
        category: str,
        target_id: int,
        owner: Cadre,
        outcome: str,
        conflict: bool,
    ) -> None:
        from sanlian.services import problems

        rng = self.rng
        overdue = outcome.startswith("overdue")
        latest = self.end - dt.timedelta(days=60)
        if overdue:
            # open, and its due date before today
            latest = min(latest, self.today - dt.timedelta(days=self.problem_days + 5))
            if latest < self.day(5):
                outcome, overdue, latest = "pending", False, self.end - dt.timedelta(days=60)
        earliest = self.day(5)
        seen = [
            (v, d) for v, d in self.visits_of.get((kind, target_id), []) if earliest <= d <= latest
        ]
        visit_id = None
        if seen and rng.random() < 0.7:
            visit_id, raised = rng.choice(seen)
        else:
            raised = self.between(earliest, latest)
        record = problems.add(
            self.session,
            category=category,
            text=PROBLEM_TEXT[kind][category],
            visit=visit_id,
            owner=owner.id,
            raised_on=raised,
            is_conflict=conflict,
            now=self.now,
            operator="demo",
            community=target_id if kind == "community" and not visit_id else None,
            enterprise=target_id if kind == "enterprise" and not visit_id else None,
            household=target_id if kind == "household" and not visit_id else None,
        )
        pid = record["id"]
        step = raised
        steps: dict[str, Any] = {"problem_id": pid, "now": self.now, "operator": "demo"}

        def later(low: int, high: int) -> dt.date:
            nonlocal step
            step = min(step + dt.timedelta(days=rng.randint(low, high)), self.end)
            return step

        if outcome in ("pending", "overdue_pending"):
            return
        if overdue:
            problems.progress(
                self.session, note="已与有关部门对接，正在办理", step_on=later(1, 5), **steps
            )
            return
        problems.progress(
            self.session, note="已登门了解情况，协调有关部门办理", step_on=later(1, 7), **steps
        )
        if outcome == "extended":
            problems.extend(
                self.session,
                due_on=record["due_on"] + dt.timedelta(days=30),
                reason="需等待上级审批",
                step_on=later(1, 5),
                **steps,
            )
            return
        if outcome == "in_progress":
            return
        if outcome == "unresolvable":
            problems.close(
                self.session,
                reason="超出政策范围，已向群众解释说明",
                step_on=later(3, 20),
                **steps,
            )
            return
        measures = MEASURES.get(category, ("policy",))
        amount = None
        if "funds" in measures:
            amount = Decimal(rng.randint(50_000, 3_000_000)) / 100
        problems.resolve(
            self.session,
            how=rng.choice(HOW),
            measures=list(measures),
            amount=amount,
            step_on=later(3, 25),
            **steps,
        )
        if outcome == "reopened":
            problems.reopen(
                self.session, reason="群众反映问题出现反复", step_on=later(5, 10), **steps
            )
            problems.resolve(
                self.session,
                how="再次协调，彻底解决",
                measures=["policy", "funds"],
                amount=Decimal("12345.67"),
                step_on=later(3, 10),
                **steps,
            )

    # --- activities and research ---------------------------------------------------------

    def activities(self) -> None:
        from sanlian.services import activities

        rng = self.rng
        year = self.start.year
        leaders = [c.id for c in self.cadres if c.is_leader]
        everyone = [c.id for c in self.cadres]

        def add(kind: str, day: dt.date, title: str, **more: Any) -> None:
            if day > self.today:  # not yet held on the day the demo stands on
                return
            activities.add(
                self.session,
                kind=kind,
                held_on=day,
                title=title,
                now=self.now,
                today=self.today,
                **more,
            )

        add("plan", self.day(1), "制定“三联三解三促”活动实施方案", cadres=leaders[:3])
        add("organize", self.day(2), "成立活动领导小组及办公室", cadres=leaders)
        add("mobilize", self.day(7), "全局动员部署大会", cadres=everyone)
        add("education", dt.date(year, 4, 18), "群众观念专题教育", cadres=everyone)
        for section in self.sections:
            partners = self.section_communities.get(section.id, [])
            members = [c.id for c in self.cadres if c.section_id == section.id]
            if not partners or not members:
                continue
            add(
                "org_life",
                dt.date(year, 6, rng.randint(18, 29)),
                "喜迎十八大、岗位当先锋",
                cadres=members,
                section=section.id,
                partner=f"社区:{partners[0].id}",
            )
        if self.sections and self.section_communities.get(self.sections[-1].id):
            section = self.sections[-1]
            partner = self.section_communities[section.id][0]
            add(
                "org_life",
                dt.date(year, 7, 12),
                "补过组织生活",
                cadres=[c.id for c in self.cadres if c.section_id == section.id][:3],
                section=section.id,
                partner=f"社区:{partner.id}",
            )
        for i, (section_id, communities) in enumerate(self.section_communities.items()):
            if i >= 3:
                break
            members = [c.id for c in self.cadres if c.section_id == section_id][:4]
            add(
                "civility",
                dt.date(year, 5 + 4 * (i % 2), 10 + i),
                "文明行动进社区志愿服务",
                cadres=members or leaders[:2],
                partner=f"社区:{communities[0].id}",
            )
        add("exchange", dt.date(year, 10, 20), "党员干部交流参与活动体会", cadres=everyone[::2])
        add("mechanism", dt.date(year, 11, 15), "建立联系服务群众长效机制", cadres=leaders)
        add("summary", dt.date(year, 12, 10), "活动全面总结", cadres=leaders)
        add("selfcheck", dt.date(year, 12, 20), "全年活动自查报告")

    def research(self) -> None:
        from sanlian.services import research

        rng = self.rng
        names = {s.id: s.name for s in self.sections}
        community = self.communities[0].name if self.communities else "联系社区"
        for cadre in self.cadres:
            if rng.random() < 0.12:
                continue  # most, but not all, cadres write one
            title = rng.choice(RESEARCH_TITLES).format(
                section=names.get(cadre.section_id, "本科室"), community=community
            )
            research.add(
                self.session,
                cadre=cadre.id or 0,
                title=title,
                written_on=self.between(dt.date(self.start.year, 6, 1), self.day(260)),
                topic=rng.choice(RESEARCH_TOPICS),
                now=self.now,
            )
