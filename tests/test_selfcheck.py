"""The self-inspection figures, counted by hand on a small ledger built row by row.

The ledger (``build_ledger``) is inserted as ORM rows, following the models' docstrings, so
that these tests do not depend on the services that record links, visits and problems. It
sits on the edges the definitions care about; each expected number below says how it is made.

The ledger (campaigns 2025 and 2026, seed phases; SANLIAN_TODAY = 2026-06-15):

sections  S1 办公室, S2 综合科
cadres    C1 张伟 S1 党员, leadership member, 组长   C2 李娜 S1 预备党员
          C3 王强 S2 群众                           C4 赵敏 S2 党员
          C5 刘退 S2 党员, retired 2026-09-30        C6 孙闲 S1 党员, takes part in nothing
parties   M1 幸福社区, M2 前河湾村; E1 华强机械, E2 蒙山食品; H1 王秀英 (M1), H2 李大爷 (M1),
          H3 陈家 (M2)
links     L1 S1–M1 2026-03-01–          L2 S2–M2 2025-03-01–2026-05-31 (ended mid-year)
          L3 bureau–M2 2026-06-01–      L4 C1–E1 2026-03-10–
          L5 C1–E2 2025-04-01–2025-12-31   L6 C2–H1 2026-03-15–   L7 C4–H1 2026-03-15– (多对一)
          L8 C3–H3 2026-03-20–2026-07-31   L9 C5–H2 2026-04-01–2026-09-30
visits    V1 2026-04-10 H1 by C2+C4 (two sections), 2 cards, diary
          V2 2026-05-05 M1 by C1, 10 cards      V3 2026-07-20 E1 by C1, diary of blanks only
          V4 2026-08-15 H3 by C3+C4 (one section), 1 card, diary   V5 2025-11-20 H3 by C3
problems  P1 2025-12-20 H3 owner C3, resolved 2026-01-10, 500.00 元, 送信息 送政策
          P2 2026-04-12 M1 owner C1, resolved 2026-05-20, 12345.67 元, 送资金 送技术
          P3 2026-04-20 M2 owner C4, conflict, resolved 2026-06-10, 送法律
          P4 2026-05-01 H1 owner C2, conflict, in progress (step 05-10), due 2026-05-31
          P5 2026-06-01 E1 owner C1, closed (无法解决) 2026-06-20, due 2026-07-01
          P6 2026-03-20 H3 no owner, pending, due 2026-04-19
          P7 2026-06-05 M2 owner C3, resolved 2026-07-05, 100.00 元, 送政策, due 2026-07-05
research  R1 C1 2026-05-01, R2 C1 2026-09-01, R3 C2 2026-06-01, R4 C3 2026-10-10,
          R5 C4 2025-11-01, R6 C5 2026-04-01
activity  A1 plan 03-02 (organised by S1)  A2 organize 03-03  A3 mobilize 03-05 C1–C5
          A4 education 04-08 C1 C2 C3      A5 org_life 2026-07-01 with M1, C1 C4 (not before July)
          A7 civility 05-15 M1 C2 C4       A8 exchange 09-10 C1 C3
          A9 mechanism 10-15 (organised by S2)  A10 summary 12-01  A11 education 2025-04-01 C2
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, location

D = dt.date
NOW = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC)


@dataclass
class Ids:
    sections: dict[str, int]
    cadres: dict[str, int]
    problems: dict[str, int]


def build_ledger(db_path: Path) -> Ids:
    """The ledger of the module docstring, inserted as ORM rows."""
    from sanlian.db import models as m
    from sanlian.db.engine import open_database
    from sanlian.services import campaign

    db = open_database(location(db_path), create=True)
    with db.session() as s:
        campaign.create(s, year=2025, unit="企业局", now=NOW)
        campaign.create(s, year=2026, unit="企业局", now=NOW)

        def add(obj: Any) -> Any:
            s.add(obj)
            s.flush()
            return obj

        s1 = add(m.Section(name="办公室", created_at=NOW))
        s2 = add(m.Section(name="综合科", created_at=NOW))

        def cadre(name: str, sec: Any, party: str, **kw: Any) -> Any:
            return add(m.Cadre(name=name, section_id=sec.id, party=party, created_at=NOW, **kw))

        c1 = cadre("张伟", s1, "member", is_leader=True, role="head")
        c2 = cadre("李娜", s1, "probationary")
        c3 = cadre("王强", s2, "masses")
        c4 = cadre("赵敏", s2, "member")
        c5 = cadre("刘退", s2, "member", retired_on=D(2026, 9, 30))
        c6 = cadre("孙闲", s1, "member")

        m1 = add(m.Community(name="幸福社区", created_at=NOW))
        m2 = add(m.Community(name="前河湾村", kind="village", created_at=NOW))
        e1 = add(m.Enterprise(name="临沂华强机械有限公司", created_at=NOW))
        e2 = add(m.Enterprise(name="蒙山食品有限公司", created_at=NOW))
        h1 = add(m.Household(name="王秀英", community_id=m1.id, created_at=NOW))
        h2 = add(m.Household(name="李大爷", community_id=m1.id, created_at=NOW))
        h3 = add(m.Household(name="陈家", community_id=m2.id, created_at=NOW))

        def link(kind: str, start: dt.date, end: dt.date | None = None, **kw: Any) -> None:
            add(m.Link(kind=kind, start_on=start, end_on=end, created_at=NOW, **kw))

        link("community", D(2026, 3, 1), section_id=s1.id, community_id=m1.id)
        link("community", D(2025, 3, 1), D(2026, 5, 31), section_id=s2.id, community_id=m2.id)
        link("community", D(2026, 6, 1), section_id=None, community_id=m2.id)
        link("enterprise", D(2026, 3, 10), cadre_id=c1.id, enterprise_id=e1.id)
        link("enterprise", D(2025, 4, 1), D(2025, 12, 31), cadre_id=c1.id, enterprise_id=e2.id)
        link("household", D(2026, 3, 15), cadre_id=c2.id, household_id=h1.id)
        link("household", D(2026, 3, 15), cadre_id=c4.id, household_id=h1.id)
        link("household", D(2026, 3, 20), D(2026, 7, 31), cadre_id=c3.id, household_id=h3.id)
        link("household", D(2026, 4, 1), D(2026, 9, 30), cadre_id=c5.id, household_id=h2.id)

        def visit(day: dt.date, target: Any, cadres: list[Any], **kw: Any) -> Any:
            kind = type(target).__name__.lower()
            v = add(
                m.Visit(
                    visited_on=day,
                    target_kind=kind,
                    created_at=NOW,
                    **{f"{kind}_id": target.id},
                    **{"form": "home", **kw},
                )
            )
            for c in cadres:
                add(m.VisitCadre(visit_id=v.id, cadre_id=c.id))
            return v

        visit(D(2026, 4, 10), h1, [c2, c4], cards=2, diary="王秀英家孩子上学有困难。")
        visit(D(2026, 5, 5), m1, [c1], form="talk", cards=10)
        visit(D(2026, 7, 20), e1, [c1], form="talk", diary="   ")
        visit(D(2026, 8, 15), h3, [c3, c4], cards=1, diary="陈家想学养殖技术。")
        visit(D(2025, 11, 20), h3, [c3])

        problems: dict[str, int] = {}

        def problem(
            key: str,
            raised: dt.date,
            target: Any,
            category: str,
            owner: Any,
            due: dt.date,
            steps: list[tuple[str, dt.date, int | None, list[str]]],
            *,
            conflict: bool = False,
            text: str,
        ) -> None:
            kind = type(target).__name__.lower()
            status, resolved, closed = "pending", None, None
            last = raised
            for step_kind, day, _fen, _measures in steps:
                last = day
                if step_kind == "progress":
                    status = "in_progress"
                elif step_kind == "resolve":
                    status, resolved = "resolved", day
                elif step_kind == "close":
                    status, closed = "unresolvable", day
            p = add(
                m.Problem(
                    target_kind=kind,
                    category=category,
                    text=text,
                    owner_id=owner.id if owner else None,
                    raised_on=raised,
                    due_on=due,
                    is_conflict=conflict,
                    status=status,
                    resolved_on=resolved,
                    closed_on=closed,
                    last_step_on=last,
                    created_at=NOW,
                    **{f"{kind}_id": target.id},
                )
            )
            problems[key] = p.id
            add(m.ProblemStep(problem_id=p.id, kind="raise", step_on=raised, created_at=NOW))
            for step_kind, day, fen, measures in steps:
                note = {"resolve": "协调办理完毕", "close": "超出职责范围", "progress": "已联系"}
                step = add(
                    m.ProblemStep(
                        problem_id=p.id,
                        kind=step_kind,
                        step_on=day,
                        amount_fen=fen,
                        note=note[step_kind],
                        created_at=NOW,
                    )
                )
                for measure in measures:
                    add(m.StepMeasure(step_id=step.id, measure=measure))

        problem(
            "P1",
            D(2025, 12, 20),
            h3,
            "employment",
            c3,
            D(2026, 1, 19),
            [("resolve", D(2026, 1, 10), 50000, ["information", "policy"])],
            text="陈家儿子想找工作",
        )
        problem(
            "P2",
            D(2026, 4, 12),
            m1,
            "facilities",
            c1,
            D(2026, 5, 12),
            [("resolve", D(2026, 5, 20), 1234567, ["funds", "technology"])],
            text="小区路灯损坏",
        )
        problem(
            "P3",
            D(2026, 4, 20),
            m2,
            "dispute",
            c4,
            D(2026, 5, 20),
            [("resolve", D(2026, 6, 10), None, ["law"])],
            conflict=True,
            text="两户宅基地纠纷",
        )
        problem(
            "P4",
            D(2026, 5, 1),
            h1,
            "legal",
            c2,
            D(2026, 5, 31),
            [("progress", D(2026, 5, 10), None, [])],
            conflict=True,
            text="邻里漏水纠纷需要法律咨询",
        )
        problem(
            "P5",
            D(2026, 6, 1),
            e1,
            "funds",
            c1,
            D(2026, 7, 1),
            [("close", D(2026, 6, 20), None, [])],
            text="企业申请贴息贷款",
        )
        problem("P6", D(2026, 3, 20), h3, "training", None, D(2026, 4, 19), [], text="想参加培训")
        problem(
            "P7",
            D(2026, 6, 5),
            m2,
            "planning",
            c3,
            D(2026, 7, 5),
            [("resolve", D(2026, 7, 5), 10000, ["policy"])],
            text="村里需要发展规划",
        )

        for c, day, title in (
            (c1, D(2026, 5, 1), "关于中小企业融资难的调研"),
            (c1, D(2026, 9, 1), "关于企业用工的调研"),
            (c2, D(2026, 6, 1), "社区养老服务调研"),
            (c3, D(2026, 10, 10), "农村电商调研"),
            (c4, D(2025, 11, 1), "去年的调研"),
            (c5, D(2026, 4, 1), "退休前的调研"),
        ):
            add(m.Research(cadre_id=c.id, title=title, written_on=day, created_at=NOW))

        def activity(kind: str, day: dt.date, cadres: list[Any], **kw: Any) -> None:
            a = add(m.Activity(kind=kind, held_on=day, created_at=NOW, **kw))
            for c in cadres:
                add(m.ActivityCadre(activity_id=a.id, cadre_id=c.id))

        activity("plan", D(2026, 3, 2), [], title="三联三解三促实施方案", section_id=s1.id)
        activity("organize", D(2026, 3, 3), [], title="成立活动领导小组")
        activity("mobilize", D(2026, 3, 5), [c1, c2, c3, c4, c5], title="动员部署大会")
        activity("education", D(2026, 4, 8), [c1, c2, c3], title="群众观念专题学习")
        activity("org_life", D(2026, 7, 1), [c1, c4], title="喜迎十八大", community_id=m1.id)
        activity("civility", D(2026, 5, 15), [c2, c4], title="文明礼仪进社区", community_id=m1.id)
        activity("exchange", D(2026, 9, 10), [c1, c3], title="交流体会座谈会")
        activity("mechanism", D(2026, 10, 15), [], title="联系服务群众制度", section_id=s2.id)
        activity("summary", D(2026, 12, 1), [], title="活动总结")
        activity("education", D(2025, 4, 1), [c2], title="去年的专题教育")
        ids = Ids(
            sections={"S1": s1.id, "S2": s2.id},
            cadres={f"C{i}": c.id for i, c in enumerate((c1, c2, c3, c4, c5, c6), 1)},
            problems=problems,
        )
    db.dispose()
    return ids


@pytest.fixture
def ledger(db_path: Path) -> Ids:
    return build_ledger(db_path)


GOLDEN = Path(__file__).parent / "golden"


def check_golden(name: str, text: str) -> None:
    """Compare ``text`` with ``tests/golden/<name>``; ``SANLIAN_UPDATE_GOLDEN=1`` rewrites it."""
    path = GOLDEN / name
    if os.environ.get("SANLIAN_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"{path} is missing: run the tests with SANLIAN_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


def rich_text(draw: Any, report: Any, width: int = 100) -> str:
    """What a Rich renderer draws on a terminal 100 columns wide, without colour codes."""
    import io

    from rich.console import Console

    buf = io.StringIO()
    draw(report, Console(file=buf, width=width, color_system=None, force_terminal=False))
    return buf.getvalue()


MEASURES_ZERO = dict.fromkeys(
    ("policy", "information", "funds", "technology", "talent", "health", "culture", "law"), 0
)

# --- the year-end figures (as of 2026-12-31) ------------------------------------------------

YEAR_END = {
    "cadres_total": 5,  # C1 C2 C3 C4 C6; C5 retired on 09-30, before the as-of day
    "party_members": 4,  # C1 C2(预备) C4 C6; C3 is 群众
    "cadres_participating": 4,  # C1–C4; C6 has no link, visit, activity, report or problem
    "communities_linked": 2,  # M1 (L1), M2 (L2 ended 05-31 and L3 bureau: once)
    "enterprises_linked": 1,  # E1 (L4); L5 to E2 ended in 2025
    "households_paired": 3,  # H1 (L6 and L7: once), H3 (L8 ended 07-31), H2 (L9)
    "visits": 4,  # V1–V4; V5 is 2025
    "visits_community": 1,  # V2
    "visits_enterprise": 1,  # V3
    "visits_household": 2,  # V1 V4
    "visit_person_times": 6,  # V1 2 + V2 1 + V3 1 + V4 2
    "contact_cards": 13,  # 2 + 10 + 0 + 1
    "diaries": 2,  # V1 V4; V3's diary is blanks
    "problems_raised": 6,  # P2–P7; P1 was raised in 2025
    "problems_resolved": 4,  # P1 (2026-01-10) P2 P3 P7
    "problems_unresolvable": 1,  # P5
    "problems_open": 2,  # P4 P6
    "problems_overdue": 2,  # P4 (due 05-31) P6 (due 04-19)
    "conflicts_raised": 2,  # P3 P4
    "conflicts_resolved": 1,  # P3
    "research_reports": 5,  # R1 R2 R3 R4 R6 (R6 by the retired C5 is still a 2026 report)
    "cadres_with_research": 3,  # C1 C2 C3 of cadres_total; C4's R5 is 2025, C6 wrote none
    "education_sessions": 1,  # A4; A11 is 2025
    "org_life_sessions": 1,  # A5
    "org_life_before_july": 0,  # A5 is on 1 July, not before
    "civility_actions": 1,  # A7
    "exchanges": 1,  # A8
    "mechanisms": 1,  # A9
    "activity_person_times": 14,  # A3 5 + A4 3 + A5 2 + A7 2 + A8 2
    "funds_yuan": "12945.67",  # P1 500.00 + P2 12345.67 + P3 0 + P7 100.00
    "measures": {
        **MEASURES_ZERO,
        "policy": 2,  # P1 P7
        "information": 1,  # P1
        "funds": 1,  # P2
        "technology": 1,  # P2
        "law": 1,  # P3
    },
    # education, interview, civility, practical, conflict, mechanism; not org_life (1 July),
    # not research (C4 and C6 have none)
    "eight_ones_done": 6,
}

S1_YEAR_END = {  # 办公室: C1 C2 C6
    "cadres_total": 3,
    "party_members": 3,
    "cadres_participating": 2,  # C1 C2
    "communities_linked": 1,  # L1
    "enterprises_linked": 1,  # L4 (C1)
    "households_paired": 1,  # L6 (C2–H1)
    "visits": 3,  # V1 (C2) V2 V3 (C1)
    "visits_community": 1,
    "visits_enterprise": 1,
    "visits_household": 1,
    "visit_person_times": 3,  # C2 on V1, C1 on V2 and V3
    "contact_cards": 12,  # 2 + 10 + 0
    "diaries": 1,  # V1
    "problems_raised": 3,  # P2 P4 P5 (owners C1 C2 C1)
    "problems_resolved": 1,  # P2
    "problems_unresolvable": 1,  # P5
    "problems_open": 1,  # P4
    "problems_overdue": 1,  # P4
    "conflicts_raised": 1,  # P4
    "conflicts_resolved": 0,
    "research_reports": 3,  # R1 R2 R3
    "cadres_with_research": 2,  # C1 C2
    "education_sessions": 1,  # A4 (C1 C2 took part)
    "org_life_sessions": 1,  # A5 (C1)
    "org_life_before_july": 0,
    "civility_actions": 1,  # A7 (C2)
    "exchanges": 1,  # A8 (C1)
    "mechanisms": 0,  # A9 is S2's
    "activity_person_times": 7,  # A3 2 + A4 2 + A5 1 + A7 1 + A8 1
    "funds_yuan": "12345.67",  # P2
    "measures": {**MEASURES_ZERO, "funds": 1, "technology": 1},
    "eight_ones_done": 4,  # education interview civility practical
}

S2_YEAR_END = {  # 综合科: C3 C4 (C5 retired)
    "cadres_total": 2,
    "party_members": 1,  # C4
    "cadres_participating": 2,
    "communities_linked": 1,  # L2 (ended 05-31, active in the year)
    "enterprises_linked": 0,
    "households_paired": 3,  # H1 (C4) H3 (C3) H2 (C5, retired but linked in the year)
    "visits": 2,  # V1 (C4) and V4 (C3 and C4: once)
    "visits_community": 0,
    "visits_enterprise": 0,
    "visits_household": 2,
    "visit_person_times": 3,  # C4 on V1, C3 and C4 on V4
    "contact_cards": 3,  # 2 + 1
    "diaries": 2,
    "problems_raised": 2,  # P3 P7
    "problems_resolved": 3,  # P1 P3 P7
    "problems_unresolvable": 0,
    "problems_open": 0,
    "problems_overdue": 0,
    "conflicts_raised": 1,  # P3
    "conflicts_resolved": 1,  # P3
    "research_reports": 2,  # R4 R6
    "cadres_with_research": 1,  # C3
    "education_sessions": 1,
    "org_life_sessions": 1,  # A5 (C4)
    "org_life_before_july": 0,
    "civility_actions": 1,  # A7 (C4)
    "exchanges": 1,  # A8 (C3)
    "mechanisms": 1,  # A9, organised by S2
    "activity_person_times": 7,  # A3 3 + A4 1 + A5 1 + A7 1 + A8 1
    "funds_yuan": "600.00",  # P1 500.00 + P7 100.00
    "measures": {**MEASURES_ZERO, "policy": 2, "information": 1, "law": 1},
    "eight_ones_done": 6,  # all but org_life and research (C4)
}

# --- as of the tests' today, 2026-06-15 -----------------------------------------------------

MID_YEAR = {
    "cadres_total": 6,  # C5 retires only on 09-30
    "party_members": 5,  # C1 C2 C4 C5 C6
    "cadres_participating": 5,  # C1–C5 (links); C6 nothing
    "communities_linked": 2,  # M1 M2
    "enterprises_linked": 1,  # E1
    "households_paired": 3,  # H1 H3 H2
    "visits": 2,  # V1 V2; V3 V4 are after the as-of day
    "visits_community": 1,
    "visits_enterprise": 0,
    "visits_household": 1,
    "visit_person_times": 3,  # 2 + 1
    "contact_cards": 12,
    "diaries": 1,
    "problems_raised": 6,  # P2–P7 (P7 on 06-05)
    "problems_resolved": 3,  # P1 P2 P3; P7 resolves on 07-05
    "problems_unresolvable": 0,  # P5 closes on 06-20
    "problems_open": 4,  # P4 P5 P6 P7
    "problems_overdue": 2,  # P4 P6
    "conflicts_raised": 2,
    "conflicts_resolved": 1,
    "research_reports": 3,  # R1 R3 R6
    "cadres_with_research": 3,  # C1 C2 C5
    "education_sessions": 1,
    "org_life_sessions": 0,
    "org_life_before_july": 0,
    "civility_actions": 1,
    "exchanges": 0,
    "mechanisms": 0,
    "activity_person_times": 10,  # A3 5 + A4 3 + A7 2
    "funds_yuan": "12845.67",  # P1 500.00 + P2 12345.67
    "measures": {
        **MEASURES_ZERO,
        "policy": 1,
        "information": 1,
        "funds": 1,
        "technology": 1,
        "law": 1,
    },
    "eight_ones_done": 5,  # education interview civility practical conflict
}

YEAR_2025 = {  # --year 2025: as of 2025-12-31
    "cadres_total": 6,
    "party_members": 5,
    "cadres_participating": 4,  # C1 (L5), C2 (A11), C3 (V5, P1), C4 (R5)
    "communities_linked": 1,  # L2
    "enterprises_linked": 1,  # L5
    "households_paired": 0,
    "visits": 1,  # V5
    "visits_community": 0,
    "visits_enterprise": 0,
    "visits_household": 1,
    "visit_person_times": 1,
    "contact_cards": 0,
    "diaries": 0,
    "problems_raised": 1,  # P1
    "problems_resolved": 0,  # P1 is resolved only in 2026
    "problems_unresolvable": 0,
    "problems_open": 1,  # P1, open on 2025-12-31
    "problems_overdue": 0,  # P1 is due 2026-01-19
    "conflicts_raised": 0,
    "conflicts_resolved": 0,
    "research_reports": 1,  # R5
    "cadres_with_research": 1,  # C4
    "education_sessions": 1,  # A11
    "org_life_sessions": 0,
    "org_life_before_july": 0,
    "civility_actions": 0,
    "exchanges": 0,
    "mechanisms": 0,
    "activity_person_times": 1,  # A11 (C2)
    "funds_yuan": "0.00",
    "measures": MEASURES_ZERO,
    "eight_ones_done": 2,  # education interview
}


def _json(cli: Cli, *args: Any) -> Any:
    result = cli("selfcheck", "-f", "json", *args)
    assert result.code == 0, result
    return result.json()


def test_year_end_figures_counted_by_hand(cli: Cli, ledger: Ids) -> None:
    data = _json(cli, "--year", "2026", "--as-of", "2026-12-31")
    assert set(data) == {"year", "as_of", "figures", "by_section"}
    assert (data["year"], data["as_of"]) == (2026, "2026-12-31")
    assert data["figures"] == YEAR_END
    assert list(data["figures"]) == list(YEAR_END)  # exactly the DESIGN keys, in its order
    sections = {s["section"]: s for s in data["by_section"]}
    assert set(sections) == {"办公室", "综合科"}
    for name, expected in (("办公室", S1_YEAR_END), ("综合科", S2_YEAR_END)):
        row = dict(sections[name])
        assert row.pop("id") == ledger.sections["S1" if name == "办公室" else "S2"]
        assert row.pop("section") == name
        assert row == expected, name


def test_as_of_today_excludes_later_records(cli: Cli, ledger: Ids) -> None:
    assert _json(cli)["figures"] == MID_YEAR  # default: --year 2026 (today's), as of today


def test_previous_year_counts_only_its_records(cli: Cli, ledger: Ids) -> None:
    data = _json(cli, "--year", "2025")
    assert data["year"] == 2025
    assert data["figures"] == YEAR_2025


def test_as_of_alone_picks_its_year(cli: Cli, ledger: Ids) -> None:
    assert _json(cli, "--as-of", "2025-12-31")["figures"] == YEAR_2025


def test_a_past_year_judged_later_holds_only_its_own_problems(cli: Cli, ledger: Ids) -> None:
    # 2025's report as of 2026-06-15: P1 (2025's) was resolved on 2026-01-10; P2–P7, open or
    # not on that day, were raised in 2026 and are 2026's
    data = _json(cli, "--year", "2025", "--as-of", "2026-06-15")
    assert data["figures"] == {**YEAR_2025, "problems_open": 0}
    assert all(s["problems_open"] == 0 for s in data["by_section"])
    title = "企业局2025年“三联三解三促”活动自查统计 · 2025-03-01 至 2025-12-31（截至 2026-06-15）"
    text = cli("selfcheck", "--year", "2025", "--as-of", "2026-06-15", "-f", "markdown").out
    assert text.startswith(f"# {title}\n"), text[:200]


def test_a_short_as_of_is_in_the_year_asked_for(cli: Cli, ledger: Ids) -> None:
    # 6-3 is the campaign's year: with --year 2025, 2025-06-03 (not today's year)
    for command in ("selfcheck", "progress", "supervise"):
        short = cli(command, "--year", "2025", "--as-of", "6-3", "-f", "json")
        full = cli(command, "--year", "2025", "--as-of", "2025-06-03", "-f", "json")
        assert short.code == 0 and short.out == full.out, command


def test_funds_are_exact_decimal_strings(cli: Cli, ledger: Ids) -> None:
    funds = _json(cli, "--as-of", "2026-12-31")["figures"]["funds_yuan"]
    assert isinstance(funds, str)
    assert Decimal(funds) == Decimal("500.00") + Decimal("12345.67") + Decimal("100.00")


def test_empty_campaign_counts_zero(cli: Cli) -> None:
    assert cli("init", "--year", "2026").code == 0
    data = _json(cli)
    assert data["by_section"] == []
    figures = data["figures"]
    assert figures["cadres_total"] == 0
    assert figures["funds_yuan"] == "0.00"
    assert figures["measures"] == MEASURES_ZERO
    assert figures["eight_ones_done"] == 0  # #4 needs cadres_total > 0


def test_research_done_when_every_cadre_wrote(cli: Cli, ledger: Ids, db_path: Path) -> None:
    from sanlian.db import models as m
    from sanlian.db.engine import open_database

    db = open_database(location(db_path))
    with db.session() as s:
        for key in ("C4", "C6"):
            s.add(
                m.Research(
                    cadre_id=ledger.cadres[key],
                    title="补写的调研报告",
                    written_on=D(2026, 11, 20),
                    created_at=NOW,
                )
            )
    db.dispose()
    figures = _json(cli, "--as-of", "2026-12-31")["figures"]
    assert figures["cadres_with_research"] == 5
    assert figures["research_reports"] == 7
    assert figures["eight_ones_done"] == 7


def test_csv_has_every_figure_per_scope(cli: Cli, ledger: Ids) -> None:
    import csv
    import io

    result = cli("selfcheck", "-f", "csv", "--as-of", "2026-12-31")
    assert result.code == 0, result
    rows = list(csv.reader(io.StringIO(result.out.lstrip("\ufeff"))))
    assert rows[0] == ["项目", "键", "全局", "办公室", "综合科"]
    by_key = {r[1]: r[2:] for r in rows[1:]}
    assert by_key["visit_person_times"] == ["6", "3", "3"]
    assert by_key["funds_yuan"] == ["12945.67", "12345.67", "600.00"]
    assert by_key["measures.policy"] == ["2", "0", "2"]
    assert by_key["eight_ones_done"] == ["6", "4", "6"]


def test_unknown_output_suffix_is_refused(cli: Cli, ledger: Ids, tmp_path: Path) -> None:
    result = cli("selfcheck", "-o", tmp_path / "自查报告.pdf")
    assert result.code == 1
    assert ".xlsx" in result.err and ".docx" in result.err
    assert not (tmp_path / "自查报告.pdf").exists()


def test_missing_year_is_refused(cli: Cli, ledger: Ids) -> None:
    result = cli("selfcheck", "--year", "2024")
    assert result.code == 1
    assert "2024" in result.err and "Traceback" not in result.err


def test_counts_do_not_grow_with_the_rows(ledger: Ids, db_path: Path) -> None:
    """The figures are SQL aggregates: as many queries for 4 visits as for 504."""
    from sqlalchemy import event, insert

    from sanlian.db import models as m
    from sanlian.db.engine import open_database
    from sanlian.reports.figures import selfcheck

    def run() -> tuple[int, int]:
        db = open_database(location(db_path))
        statements: list[str] = []

        @event.listens_for(db.engine, "before_cursor_execute")
        def _seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            statements.append(statement)

        with db.session() as s:
            report = selfcheck(s, today=D(2026, 6, 15), year=2026, as_of=D(2026, 12, 31))
        db.dispose()
        return report.figures.visits, len(statements)

    visits, queries = run()
    assert visits == 4
    db = open_database(location(db_path))
    with db.session() as s:
        rows = [
            {
                "visited_on": D(2026, 9, 1),
                "target_kind": "community",
                "community_id": 1,
                "form": "talk",
                "cards": 1,
                "created_at": NOW,
            }
            for _ in range(500)
        ]
        s.execute(insert(m.Visit), rows)
    db.dispose()
    assert run() == (504, queries)


def test_golden_selfcheck_renderings(cli: Cli, ledger: Ids) -> None:
    from sanlian.cli.reports import selfcheck_rich
    from sanlian.db.engine import open_database
    from sanlian.reports.figures import selfcheck

    for fmt, name in (("table", "selfcheck_plain.txt"), ("markdown", "selfcheck_markdown.md")):
        result = cli("selfcheck", "--as-of", "2026-12-31", "-f", fmt)
        assert result.code == 0, result
        check_golden(name, result.out)
    db = open_database(os.environ["SANLIAN_DB"])
    with db.session() as s:
        report = selfcheck(s, today=D(2026, 6, 15), year=2026, as_of=D(2026, 12, 31))
    db.dispose()
    check_golden("selfcheck_rich.txt", rich_text(selfcheck_rich, report))


def test_report_titles_carry_the_campaign_name(cli: Cli, ledger: Ids, tmp_path: Path) -> None:
    # ``campaign set --name`` renames this year's campaign; its reports' titles follow, with
    # the year put in front of a name that has none; another year's campaign keeps its name
    assert cli("campaign", "set", "--name", "“三联三解三促”专项行动").code == 0
    text = cli("selfcheck", "-f", "markdown").out
    assert text.startswith("# 企业局2026年“三联三解三促”专项行动自查统计 · 2026-03-01 至 "), text[
        :80
    ]
    other = cli("selfcheck", "--year", "2025", "-f", "markdown").out
    assert other.startswith("# 企业局2025年“三联三解三促”活动自查统计 · "), other[:80]

    import docx
    import openpyxl

    assert cli("selfcheck", "-o", str(tmp_path / "r.docx")).code == 0
    title = docx.Document(str(tmp_path / "r.docx")).paragraphs[0].text
    assert title == "企业局2026年“三联三解三促”专项行动自查报告"
    assert cli("selfcheck", "-o", str(tmp_path / "r.xlsx")).code == 0
    book = openpyxl.load_workbook(tmp_path / "r.xlsx", read_only=True)
    assert next(book["汇总"].values)[0] == "企业局2026年“三联三解三促”专项行动自查统计"
    book.close()
    # a name that holds the unit somewhere does not get it again in front
    assert cli("campaign", "set", "--name", "2026年企业局“三联三解三促”活动").code == 0
    text = cli("selfcheck", "-f", "markdown").out
    assert text.startswith("# 2026年企业局“三联三解三促”活动自查统计 · "), text[:80]
    assert cli("campaign", "set", "--name", "“三联三解三促”专项行动").code == 0
    # a brief's title as the self-inspection's: the year in front of a name that has none
    brief = cli("brief", "--from", "2026-05-01", "--to", "2026-05-31", "-f", "markdown").out
    assert brief.startswith("# 企业局2026年“三联三解三促”专项行动简报\n"), brief[:80]


def test_sections_overlap_note_only_when_sections_add_up_to_more(base: Cli, tmp_path: Path) -> None:
    # 张伟@办公室 and 单丽 (综合科) go together: the visit counts once in each section, so
    # the sections' visits add up to 2 against 1 in total, and the report says why
    overlap = "各科室之和可能大于全局"
    visit = ["visit", "add", "--date", "5-10", "--community", "幸福社区", "--form", "talk"]
    assert base(*visit, "--cadre", "张伟@办公室").code == 0
    alone = base("selfcheck", "-f", "plain")
    assert alone.code == 0 and overlap not in alone.out
    assert base(*visit, "--cadre", "张伟@办公室", "--cadre", "单丽").code == 0
    data = base("selfcheck", "-f", "json").json()
    assert data["figures"]["visits"] == 2
    assert sum(s["visits"] for s in data["by_section"]) == 3
    for fmt in ("plain", "markdown"):
        assert overlap in base("selfcheck", "-f", fmt).out, fmt

    import openpyxl

    assert base("selfcheck", "-o", str(tmp_path / "r.xlsx")).code == 0
    book = openpyxl.load_workbook(tmp_path / "r.xlsx", read_only=True)
    rows = [r for r in book["按科室"].values if any(v is not None for v in r)]
    assert rows[-1][0] is not None and overlap in rows[-1][0]
    book.close()


def test_overlap_note_only_for_the_columns_a_table_shows(base: Cli, tmp_path: Path) -> None:
    # an activity of both sections' cadres counts in each, but the screen's 按科室 table shows
    # no activity column: no note there; the workbook's sheet shows every figure: a note
    overlap = "各科室之和可能大于全局"
    add = ("activity", "add", "education", "--date", "5-10", "--cadre", "张伟@办公室")
    assert base(*add, "--cadre", "单丽").code == 0
    assert overlap not in base("selfcheck", "-f", "plain").out

    import docx
    import openpyxl

    assert base("selfcheck", "-o", str(tmp_path / "r.docx")).code == 0
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "r.docx")).paragraphs)
    assert overlap not in text
    assert base("selfcheck", "-o", str(tmp_path / "r.xlsx")).code == 0
    book = openpyxl.load_workbook(tmp_path / "r.xlsx", read_only=True)
    assert any(r and r[0] and overlap in str(r[0]) for r in book["按科室"].values)
    book.close()
    # a visit of both: the docx's table (走访次数) adds up to more, and says so under it
    visit = ("visit", "add", "--date", "5-11", "--community", "幸福社区", "--form", "talk")
    assert base(*visit, "--cadre", "张伟@办公室", "--cadre", "单丽").code == 0
    assert base("selfcheck", "-o", str(tmp_path / "s.docx")).code == 0
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "s.docx")).paragraphs)
    assert overlap in text


def test_title_does_not_repeat_the_unit(cli: Cli, ledger: Ids) -> None:
    assert cli("campaign", "set", "--name", "企业局2026年“三联三解三促”活动").code == 0
    text = cli("selfcheck", "-f", "markdown").out
    assert text.startswith("# 企业局2026年“三联三解三促”活动自查统计 · "), text[:60]


def test_the_header_counts_from_the_campaigns_first_day(base: Cli) -> None:
    """The period in the header begins on the campaign's first day (its first phase's, as
    ``campaign show`` gives it), not on 1 January: nothing can be dated before it. An as-of
    day before it keeps 1 January (the period would run backwards)."""

    def head(*args: str) -> str:
        result = base("selfcheck", *args, "-f", "plain")
        assert result.code == 0, result
        return result.out.splitlines()[0].split(" · ")[1]

    assert head() == "2026-03-01 至 2026-06-15"
    assert head("--as-of", "3-01") == "2026-03-01 至 2026-03-01"
    assert head("--as-of", "2-10") == "2026-01-01 至 2026-02-10"
    assert base("campaign", "set", "--phase", "2", "--start", "3-10").code == 0
    assert base("campaign", "set", "--phase", "1", "--start", "3-10").code == 0
    assert head() == "2026-03-10 至 2026-06-15"
    # a link may begin earlier (link --from 1-15); one that ended before the campaign is
    # counted all the same: the header keeps 1 January
    linked = base("selfcheck", "-f", "json").json()["figures"]["communities_linked"]
    assert base("link", "community", "--section", "综合科", "--community", "前河湾村",
                "--from", "1-15").code == 0  # fmt: skip
    (new,) = [r for r in base("link", "list", "-f", "json").json() if r["start_on"] == "2026-01-15"]
    assert base("link", "end", str(new["id"]), "--date", "2-10").code == 0
    assert base("selfcheck", "-f", "json").json()["figures"]["communities_linked"] == linked + 1
    assert head() == "2026-01-01 至 2026-06-15"
