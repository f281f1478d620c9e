"""A synthetic campaign year at bureau or city scale, written through the project's own code.

The schema comes from ``sanlian.db.engine.open_database`` (so every migration runs), the
campaign and its phases from ``sanlian.services.campaign.create``, the pinyin search keys from
``sanlian.services.pinyin.keys``, and every row is written through the models' tables with
SQLAlchemy Core ``insert(Model)`` in large batches inside one transaction (the way the importer
writes), never one row at a time. The same scale gives the same database (seeded).

    .venv/bin/python bench/generate.py --scale bureau OUT.db
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

YEAR = 2026
SCALES: dict[str, dict[str, int]] = {
    "bureau": {
        "sections": 9,
        "cadres": 150,
        "communities": 30,
        "enterprises": 60,
        "households": 3_000,
        "visits": 20_000,
        "problems": 4_000,
    },
    "city": {
        "sections": 50,
        "cadres": 5_000,
        "communities": 500,
        "enterprises": 2_000,
        "households": 100_000,
        "visits": 1_000_000,
        "problems": 200_000,
    },
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红建文辉力永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆民友裕河哲江浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"
SECTION_WORDS = "综合 规划 财务 人事 产业 技术 法规 安全 统计 信息 招商 运行 服务 监督 宣传 外经 科技 质量 能源 园区"
TOWNS = [
    "兰山街道",
    "罗庄街道",
    "河东街道",
    "柳青街道",
    "银雀山街道",
    "金雀山街道",
    "白沙埠镇",
    "枣园镇",
]
DIARY = (
    "入户看望{name}一家，了解生活情况，记下诉求，答应尽快协调回复。",
    "与{name}拉家常，家中老人身体尚可，对社区工作总体满意。",
    "到{name}座谈，企业反映订单增长但流动资金紧张，希望对接银行贷款。",
    "在{name}发放联系卡，宣传政策法规，听取群众对创城工作的意见。",
)
CATEGORIES = {
    "household": (
        "training",
        "employment",
        "schooling",
        "medical",
        "income",
        "policy",
        "legal",
        "donation",
        "other",
    ),
    "enterprise": ("project", "funds", "land", "technology", "talent", "legal", "other"),
    "community": ("planning", "publicity", "environment", "facilities", "dispute", "other"),
}
MEASURES = ("policy", "information", "funds", "technology", "talent", "health", "culture", "law")
ACTIVITY_KINDS = (
    "plan",
    "organize",
    "mobilize",
    "education",
    "org_life",
    "civility",
    "exchange",
    "mechanism",
    "summary",
)
BATCH = 50_000
# The campaign's own limit on the households one cadre is paired with at a time (``campaign set
# --pairs``): 20 households a cadre on average at both scales, at most 40 (a cadre drawn at the
# limit is drawn again), so the pairs below keep the campaign's rules and ``db check`` passes on
# the generated database.
PAIRS_PER_CADRE = 40


def chunks(rows: list[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def build(path: Path, scale: str, seed: int = 7) -> dict[str, float]:
    """Create ``path`` (must not exist) and fill it; return seconds per stage."""
    from sqlalchemy import insert

    from sanlian.db.engine import open_database
    from sanlian.db.models import (
        Activity,
        ActivityCadre,
        Cadre,
        Community,
        Enterprise,
        Household,
        Link,
        Problem,
        ProblemStep,
        Research,
        SearchKey,
        Section,
        StepMeasure,
        Visit,
        VisitCadre,
    )
    from sanlian.i18n.labels import ACTIVITY_KIND
    from sanlian.i18n.labels import CATEGORIES as CATEGORY_LABELS
    from sanlian.services import campaign, pinyin

    n = SCALES[scale]
    rng = random.Random(seed)
    now = dt.datetime(YEAR, 1, 1, 8, tzinfo=dt.UTC)
    stages: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        t = time.perf_counter()
        stages[name] = t - clock
        clock = t
        print(f"  {name}: {stages[name]:.1f} s", flush=True)

    db = open_database(str(path), create=True)
    with db.session() as session:
        view = campaign.create(session, year=YEAR, unit="企业局", now=now)
        view.campaign.household_pairs_per_cadre = PAIRS_PER_CADRE
        start, end = view.start, dt.date(YEAR, 12, 31)
        span = (end - start).days

        def day_after(first: dt.date, last: dt.date = end) -> dt.date:
            return first + dt.timedelta(days=rng.randint(0, max((last - first).days, 0)))

        def execute(model: Any, rows: list[dict[str, Any]]) -> None:
            for part in chunks(rows):
                session.execute(insert(model), part)

        key_cache: dict[str, set[str]] = {}

        def keys_of(name: str) -> set[str]:
            if name not in key_cache:
                key_cache[name] = pinyin.keys(name)
            return key_cache[name]

        search: list[dict[str, Any]] = []

        def person(avoid_zw: bool = False) -> str:
            while True:
                name = rng.choice(SURNAMES) + "".join(
                    rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2)))
                )
                if not avoid_zw or "zw" not in keys_of(name):
                    return name

        # --- registry ----------------------------------------------------------------------
        words = SECTION_WORDS.split()
        sections = []
        for i in range(n["sections"]):
            base = words[i % len(words)]
            sections.append(
                {
                    "id": i + 1,
                    "name": f"{base}科" if i < len(words) else f"{base}{i // len(words) + 1}科",
                    "created_at": now,
                }
            )
        execute(Section, sections)
        for s in sections:
            search.extend(
                {"kind": "section", "ref_id": s["id"], "key": k} for k in keys_of(s["name"])
            )

        leaders = max(5, n["cadres"] // 100)
        cadres = []
        for i in range(n["cadres"]):
            # one 张伟 (found by ``zw``); no other cadre's initials are zw
            name = "张伟" if i == 0 else person(avoid_zw=True)
            cadres.append(
                {
                    "id": i + 1,
                    "name": name,
                    "section_id": i % n["sections"] + 1,
                    "gender": rng.choice(("male", "female")),
                    "party": rng.choice(("member",) * 8 + ("probationary", "masses")),
                    "is_leader": i < leaders,
                    "role": "head" if i == 0 else ("deputy" if i < leaders else None),
                    "phone": f"139{rng.randrange(10**8):08d}",
                    "created_at": now,
                }
            )
        execute(Cadre, cadres)
        for c in cadres:
            search.extend(
                {"kind": "cadre", "ref_id": c["id"], "key": k} for k in keys_of(c["name"])
            )

        communities = [
            {
                "id": i + 1,
                "name": f"第{i + 1}{'村' if i % 4 == 3 else '社区'}",
                "kind": "village" if i % 4 == 3 else "community",
                "town": TOWNS[i % len(TOWNS)],
                "grid": f"第{i % 9 + 1}网格",
                "created_at": now,
            }
            for i in range(n["communities"])
        ]
        execute(Community, communities)
        enterprises = [
            {
                "id": i + 1,
                "name": f"临沂第{i + 1}机械有限公司",
                "industry": rng.choice(("制造业", "商贸", "物流", "食品加工")),
                "created_at": now,
            }
            for i in range(n["enterprises"])
        ]
        execute(Enterprise, enterprises)
        households = []
        for i in range(n["households"]):
            households.append(
                {
                    "id": i + 1,
                    "name": person(),
                    "community_id": rng.randint(1, n["communities"]),
                    "phone": f"13{rng.randrange(10**9):09d}",
                    "members": rng.randint(1, 6),
                    "needs": rng.choice(("技能培训", "就业再就业", "子女就学", "就医", None)),
                    "created_at": now,
                }
            )
        execute(Household, households)
        for h in households:
            search.extend(
                {"kind": "household", "ref_id": h["id"], "key": k} for k in keys_of(h["name"])
            )
        execute(SearchKey, search)
        lap("registry")

        # --- links --------------------------------------------------------------------------
        links: list[dict[str, Any]] = []

        def link(kind: str, first: dt.date, **ids: Any) -> None:
            links.append(
                {"kind": kind, "start_on": first, "end_on": None, "created_at": now, **ids}
            )

        section_of_community = {}
        for c in communities:
            sid = (c["id"] - 1) % n["sections"] + 1
            section_of_community[c["id"]] = sid
            link(
                "community",
                day_after(start, start + dt.timedelta(days=5)),
                section_id=sid,
                community_id=c["id"],
            )
        enterprise_pool = list(range(1, n["enterprises"] + 1))
        rng.shuffle(enterprise_pool)
        leader_enterprises: dict[int, list[int]] = {}
        for cid in range(1, leaders):  # the last leader has none (督促 shows it)
            chosen = [enterprise_pool.pop() for _ in range(rng.randint(1, 3))]
            leader_enterprises[cid] = chosen
            for e in chosen:
                link(
                    "enterprise",
                    day_after(start, start + dt.timedelta(days=20)),
                    cadre_id=cid,
                    enterprise_id=e,
                )
        members: dict[int, list[int]] = {}
        for c in cadres:
            members.setdefault(c["section_id"], []).append(c["id"])
        pair_of: dict[int, list[int]] = {}
        paired: dict[int, int] = {}

        def free(cid: int) -> bool:
            return paired.get(cid, 0) < PAIRS_PER_CADRE

        for h in households:
            group = members[section_of_community[h["community_id"]]]
            # a cadre already paired with as many as the campaign allows is drawn again (only
            # when the draw reaches the limit: below it, the same draws as without the check)
            one = rng.choice(group)
            while not free(one):
                one = rng.choice(group)
            who = [one]
            if rng.random() < 0.1:
                other = rng.choice(group)
                if other != who[0] and free(other):
                    who.append(other)  # 多对一
            pair_of[h["id"]] = who
            first = day_after(start, start + dt.timedelta(days=40))
            for cid in who:
                paired[cid] = paired.get(cid, 0) + 1
                link("household", first, cadre_id=cid, household_id=h["id"])
        if max(paired.values(), default=0) > PAIRS_PER_CADRE:
            raise SystemExit(
                f"a cadre pairs {max(paired.values())} households: raise PAIRS_PER_CADRE"
            )
        # a few pairs ended mid-year, so history is there
        for row in links[-max(3, len(links) // 200) :]:
            row["end_on"] = dt.date(YEAR, 7, 15)
        execute(Link, links)
        lap("links")

        # --- visits -------------------------------------------------------------------------
        household_ids = list(pair_of)
        enterprise_links = [(cid, e) for cid, es in leader_enterprises.items() for e in es]
        visits: list[dict[str, Any]] = []
        visit_cadres: list[dict[str, int]] = []
        visits_of: dict[tuple[str, int], list[tuple[int, dt.date]]] = {}
        for vid in range(1, n["visits"] + 1):
            roll = rng.random()
            row: dict[str, Any] = {
                "id": vid,
                "community_id": None,
                "enterprise_id": None,
                "household_id": None,
                "created_at": now,
            }
            if roll < 0.8:
                hid = rng.choice(household_ids)
                who = pair_of[hid]
                row.update(
                    target_kind="household",
                    household_id=hid,
                    form=rng.choice(("home", "home", "home", "phone", "card")),
                )
                target = ("household", hid)
            elif roll < 0.9 and enterprise_links:
                cid, eid = rng.choice(enterprise_links)
                who = [cid]
                row.update(
                    target_kind="enterprise",
                    enterprise_id=eid,
                    form=rng.choice(("talk", "talk", "other", "phone")),
                )
                target = ("enterprise", eid)
            else:
                com = rng.randint(1, n["communities"])
                group = members[section_of_community[com]]
                who = rng.sample(group, k=min(len(group), rng.randint(1, 3)))
                row.update(
                    target_kind="community",
                    community_id=com,
                    form=rng.choice(("talk", "card", "card")),
                )
                target = ("community", com)
            day = start + dt.timedelta(days=rng.randint(0, span))
            row["visited_on"] = day
            row["cards"] = (
                rng.randint(5, 30) if row["form"] == "card" else int(row["form"] == "home")
            )
            row["diary"] = rng.choice(DIARY).format(name=target[1]) if rng.random() < 0.85 else None
            row["note"] = None
            visits.append(row)
            visit_cadres.extend({"visit_id": vid, "cadre_id": c} for c in who)
            visits_of.setdefault(target, []).append((vid, day))
        execute(Visit, visits)
        execute(VisitCadre, visit_cadres)
        del visits, visit_cadres
        lap("visits")

        # --- problems -----------------------------------------------------------------------
        problem_days = view.campaign.problem_days
        problems: list[dict[str, Any]] = []
        steps: list[dict[str, Any]] = []
        step_measures: list[dict[str, Any]] = []
        targets = list(visits_of)
        step_id = 0

        def step(pid: int, kind: str, on: dt.date, **more: Any) -> int:
            nonlocal step_id
            step_id += 1
            steps.append(
                {
                    "id": step_id,
                    "problem_id": pid,
                    "kind": kind,
                    "step_on": on,
                    "note": more.pop("note", "已协调办理"),
                    "due_on": more.pop("due_on", None),
                    "amount_fen": more.pop("amount_fen", None),
                    "operator": "bench",
                    "created_at": now,
                }
            )
            return step_id

        for pid in range(1, n["problems"] + 1):
            kind, tid = rng.choice(targets)
            seen = visits_of[(kind, tid)]
            vid, raised = rng.choice(seen)
            if rng.random() < 0.3:
                vid, raised = None, day_after(start)
            category = rng.choice(CATEGORIES[kind])
            due = raised + dt.timedelta(days=problem_days)
            conflict = category == "dispute" or (category == "legal" and rng.random() < 0.5)
            owner = None
            if kind == "household":
                owner = rng.choice(pair_of[tid])
            elif kind == "enterprise":
                owner = next(c for c, e in enterprise_links if e == tid)
            else:
                owner = rng.choice(members[section_of_community[tid]])
            row = {
                "id": pid,
                "target_kind": kind,
                "community_id": tid if kind == "community" else None,
                "enterprise_id": tid if kind == "enterprise" else None,
                "household_id": tid if kind == "household" else None,
                "visit_id": vid,
                "category": category,
                "text": f"{CATEGORY_LABELS[kind][category]}方面有困难，希望协调解决",
                "owner_id": owner,
                "raised_on": raised,
                "due_on": due,
                "is_conflict": conflict,
                "status": "pending",
                "resolved_on": None,
                "closed_on": None,
                "last_step_on": raised,
                "created_at": now,
            }
            step(pid, "raise", raised, due_on=due, note=row["text"])
            outcome = rng.choice(
                (
                    "pending",
                    "in_progress",
                    "resolved",
                    "resolved",
                    "resolved",
                    "resolved",
                    "unresolvable",
                    "extended",
                )
            )
            on = raised
            if outcome != "pending":
                on = min(on + dt.timedelta(days=rng.randint(1, 7)), end)
                step(pid, "progress", on)
                row["status"] = "in_progress"
            if outcome == "extended":
                on = min(on + dt.timedelta(days=rng.randint(1, 5)), end)
                row["due_on"] = due + dt.timedelta(days=30)
                step(pid, "extend", on, due_on=row["due_on"], note="需等待上级审批")
            elif outcome == "resolved":
                on = min(on + dt.timedelta(days=rng.randint(3, 25)), end)
                amount = rng.randint(50_000, 3_000_000) if rng.random() < 0.3 else None
                sid = step(
                    pid, "resolve", on, amount_fen=amount, note="协调相关部门办理，问题已解决"
                )
                for m in rng.sample(MEASURES, k=rng.randint(1, 2)):
                    step_measures.append({"step_id": sid, "measure": m})
                row.update(status="resolved", resolved_on=on)
            elif outcome == "unresolvable":
                on = min(on + dt.timedelta(days=rng.randint(3, 20)), end)
                step(pid, "close", on, note="超出政策范围，已解释说明")
                row.update(status="unresolvable", closed_on=on)
            row["last_step_on"] = on
            problems.append(row)
        execute(Problem, problems)
        execute(ProblemStep, steps)
        execute(StepMeasure, step_measures)
        del problems, step_measures
        steps.clear()
        lap("problems")

        # --- activities and research ---------------------------------------------------------
        activities: list[dict[str, Any]] = []
        activity_cadres: list[dict[str, int]] = []
        aid = 0
        for sid in range(1, n["sections"] + 1):
            for kind in ACTIVITY_KINDS:
                aid += 1
                held = (
                    day_after(start, dt.date(YEAR, 6, 28))
                    if kind == "org_life"
                    else day_after(start)
                )
                com = next((c for c, s in section_of_community.items() if s == sid), None)
                activities.append(
                    {
                        "id": aid,
                        "kind": kind,
                        "held_on": held,
                        "title": f"{ACTIVITY_KIND[kind]}（第{sid}次）",
                        "community_id": com if kind in ("org_life", "civility") else None,
                        "enterprise_id": None,
                        "section_id": sid,
                        "created_at": now,
                    }
                )
                activity_cadres.extend({"activity_id": aid, "cadre_id": c} for c in members[sid])
        execute(Activity, activities)
        execute(ActivityCadre, activity_cadres)
        research = [
            {
                "cadre_id": c["id"],
                "title": "关于联系户增收途径的调查",
                "written_on": day_after(dt.date(YEAR, 6, 1)),
                "topic": "grassroots",
                "created_at": now,
            }
            for c in cadres
            if rng.random() < 0.9
        ]
        execute(Research, research)
        lap("activities and research")
    db.dispose()
    return stages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=tuple(SCALES), default="bureau")
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    if args.out.exists():
        sys.exit(f"{args.out} exists")
    started = time.perf_counter()
    build(args.out, args.scale)
    print(f"generated {args.scale} in {time.perf_counter() - started:.1f} s", flush=True)


if __name__ == "__main__":
    main()
