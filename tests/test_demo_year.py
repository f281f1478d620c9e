"""The demo year: a whole campaign year made through the services, every rule holding."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from sanlian.i18n.labels import ACTIVITY_KIND, CATEGORIES, PROBLEM_STATUS
from tests.conftest import Cli, location, on_pg

TODAY = dt.date(2026, 6, 15)


def build(path: Path, *, year: int = 2026, seed: int = 2026) -> dict[str, int]:
    """A registry from sample_data/, then the year; returns the counts."""
    from sanlian.db.engine import open_database
    from sanlian.services import campaign, demo, demo_year
    from sanlian.services.clock import now

    db = open_database(str(path), create=True)
    try:
        with db.session() as session:
            campaign.create(session, year=year, unit="企业局", now=now())
            demo.load_registry(session, folder=demo.sample_dir(), today=TODAY, now=now())
        with db.session() as session:
            return demo_year.populate_year(session, year=year, today=TODAY, now=now(), seed=seed)
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def year_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("demo_year") / "year.db"
    return path, build(path)


def query(path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(path)
    try:
        return list(con.execute(sql, params))
    finally:
        con.close()


def one(path: Path, sql: str, *params: Any) -> Any:
    return query(path, sql, *params)[0][0]


def test_counted(year_db: tuple[Path, dict[str, int]]) -> None:
    path, counts = year_db
    assert counts["visits"] >= 300
    assert counts["visits"] == one(path, "select count(*) from visit")
    assert counts["problems"] == one(path, "select count(*) from problem")
    assert counts["links_household"] == one(
        path, "select count(*) from link where kind = 'household'"
    )
    # the year stands on 06-15: the activities held by then (the whole year's: ``test_a_past_year``)
    assert counts["activities"] == one(path, "select count(*) from activity") >= 6
    assert one(path, "select max(held_on) from activity") <= TODAY.isoformat()
    assert counts["research"] > 0 and counts["links_ended"] >= 1


def test_links_hold_every_rule(year_db: tuple[Path, dict[str, int]]) -> None:
    path = year_db[0]
    unlinked_sections = query(
        path,
        "select id from section where id not in"
        " (select section_id from link where kind = 'community' and section_id is not null)",
    )
    assert unlinked_sections == []
    assert one(path, "select count(*) from link where kind = 'community' and section_id is null")
    per_leader = dict(
        query(
            path,
            "select c.id, count(l.id) from cadre c left join link l"
            " on l.cadre_id = c.id and l.kind = 'enterprise' where c.is_leader group by c.id",
        )
    )
    assert len(per_leader) >= 5
    assert 0 in per_leader.values()  # one leader deliberately left with none
    assert all(n <= 3 for n in per_leader.values())
    assert sum(1 for n in per_leader.values() if n >= 1) == len(per_leader) - 1
    # 多对一: households with two cadres at once
    many = query(
        path,
        "select household_id from link where kind = 'household' and end_on is null"
        " group by household_id having count(*) > 1",
    )
    assert many
    # one cadre, one household at a time (the campaign's default)
    assert (
        query(
            path,
            "select cadre_id from link where kind = 'household' and end_on is null"
            " group by cadre_id having count(*) > 1",
        )
        == []
    )
    # a pair ended mid-year, and its cadre paired again after it
    ended = query(
        path, "select cadre_id, end_on from link where kind = 'household' and end_on is not null"
    )
    assert len(ended) == 1
    cadre_id, end_on = ended[0]
    assert one(
        path,
        "select count(*) from link where kind = 'household' and cadre_id = ? and start_on > ?",
        cadre_id,
        end_on,
    )
    # every pair's household lies in a community linked to the cadre's section or the bureau
    bad = query(
        path,
        "select l.id from link l join cadre c on c.id = l.cadre_id"
        " join household h on h.id = l.household_id where l.kind = 'household' and not exists"
        " (select 1 from link k where k.kind = 'community' and k.community_id = h.community_id"
        "  and (k.section_id = c.section_id or k.section_id is null) and k.start_on <= l.start_on)",
    )
    assert bad == []


def test_visits_have_diaries(year_db: tuple[Path, dict[str, int]]) -> None:
    path = year_db[0]
    kinds = dict(query(path, "select target_kind, count(*) from visit group by target_kind"))
    assert set(kinds) == {"community", "enterprise", "household"}
    diaries = [r[0] for r in query(path, "select diary from visit where diary is not null")]
    assert len(diaries) >= 200
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in d) for d in diaries)
    assert one(path, "select count(*) from visit where visited_on < '2026-03-01'") == 0
    assert (
        one(path, "select max(n) from (select count(*) n from visit_cadre group by visit_id)") > 1
    )
    assert one(path, "select sum(cards) from visit") > 0


def test_problems_in_every_category_and_state(year_db: tuple[Path, dict[str, int]]) -> None:
    path = year_db[0]
    found = set(query(path, "select target_kind, category from problem"))
    expected = {(kind, key) for kind, enum in CATEGORIES.items() for key in enum}
    assert found == expected
    assert {r[0] for r in query(path, "select distinct status from problem")} == set(PROBLEM_STATUS)
    assert one(
        path,
        "select count(*) from problem where status in ('pending', 'in_progress') and due_on < ?",
        TODAY.isoformat(),
    )
    assert one(path, "select count(*) from problem where is_conflict")
    assert one(
        path,
        "select count(*) from problem where is_conflict and status = 'resolved'",
    )
    assert one(path, "select count(*) from problem_step where amount_fen > 0")
    assert one(path, "select count(distinct measure) from step_measure") >= 5
    assert one(path, "select count(*) from problem_step where kind = 'extend'")
    assert one(path, "select count(*) from problem where visit_id is not null")
    reopened = query(
        path,
        "select p.id from problem p where p.status = 'resolved' and exists"
        " (select 1 from problem_step s where s.problem_id = p.id and s.kind = 'reopen')"
        " and (select count(*) from problem_step s where s.problem_id = p.id"
        "      and s.kind = 'resolve') = 2",
    )
    assert reopened
    # every timeline is in order and starts with its raise
    disorder = query(
        path,
        "select s.id from problem_step s join problem p on p.id = s.problem_id"
        " where s.step_on < p.raised_on or s.step_on > p.last_step_on",
    )
    assert disorder == []


def test_activities_and_research(year_db: tuple[Path, dict[str, int]]) -> None:
    path = year_db[0]
    held = {r[0] for r in query(path, "select distinct kind from activity")}
    # by 06-15: planned, organised, mobilised, educated, civility actions in May; not yet the
    # org-lives (late June), the exchange (10-20), the mechanism (11-15) or the summary (12-10)
    assert held == {"plan", "organize", "mobilize", "education", "civility"}
    assert one(path, "select count(*) from activity where held_on > ?", TODAY.isoformat()) == 0
    assert one(path, "select count(*) from activity_cadre") > 60
    cadres = one(path, "select count(*) from cadre")
    writers = one(path, "select count(distinct cadre_id) from research")
    assert cadres * 0.7 <= writers < cadres


def test_listings_of_the_year_through_the_cli(
    year_db: tuple[Path, dict[str, int]], db_path: Path, cli: Cli
) -> None:
    if on_pg():  # the year's ledger moved onto the server as a bureau would move it
        moved = cli("--db", year_db[0], "db", "copy", "--to", location(db_path))
        assert moved.code == 0, moved
    else:
        shutil.copy(year_db[0], db_path)
    for args in (
        ("link", "list", "--all"),
        ("visit", "list"),
        ("problem", "list"),
        ("activity", "list"),
        ("research", "list"),
    ):
        result = cli(*args, "-f", "json")
        assert result.code == 0, result
        assert result.json(), args
    overdue = cli("problem", "list", "--overdue", "--as-of", "2026-06-15", "-f", "json").json()
    assert overdue and all(r["overdue_days"] > 0 for r in overdue)
    assert all(r["status"] in ("pending", "in_progress") for r in overdue)
    reopened = cli("problem", "list", "--status", "resolved", "-f", "json").json()
    shown = [cli("problem", "show", r["id"], "-f", "json").json() for r in reopened]
    assert any("reopen" in [s["kind"] for s in p["timeline"]] for p in shown)


def test_deterministic(year_db: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    again = tmp_path / "again.db"
    counts = build(again)
    assert counts == year_db[1]
    sql = (
        "select visited_on, target_kind, community_id, enterprise_id, household_id, form, cards,"
        " diary from visit order by id"
    )
    assert query(again, sql) == query(year_db[0], sql)
    sql = "select problem_id, kind, step_on, note, due_on, amount_fen from problem_step order by id"
    assert query(again, sql) == query(year_db[0], sql)
    other = tmp_path / "other.db"
    build(other, seed=7)
    assert query(other, sql) != query(year_db[0], sql)


def test_a_past_year(tmp_path: Path) -> None:
    path = tmp_path / "past.db"
    counts = build(path, year=2025, seed=11)
    assert counts["visits"] >= 300
    # a whole year: every kind of activity, an org-life before 七一 and one made up after it
    kinds = {r[0] for r in query(path, "select distinct kind from activity")}
    assert kinds == set(ACTIVITY_KIND)
    assert one(
        path, "select count(*) from activity where kind = 'org_life' and held_on < ?", "2025-07-01"
    )
    assert one(
        path, "select count(*) from activity where kind = 'org_life' and held_on >= ?", "2025-07-01"
    )
    assert one(path, "select min(visited_on) from visit") >= "2025-03-01"
    assert one(path, "select max(step_on) from problem_step") <= "2025-12-31"
    assert one(
        path,
        "select count(*) from problem where status in ('pending', 'in_progress') and due_on < ?",
        TODAY.isoformat(),
    )
