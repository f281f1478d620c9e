"""``visit_day`` and ``visit_day_section``: the visits' figures by day, kept by database triggers.

After every write path (visit add/edit/remove, a cadre moved to another section, undo of each,
plain SQL in either order, a delete that cascades) the stored rows equal what the visits give
(the fill of migration 12, which ``db check`` compares too), and the report figures read from
them equal the old count over every visit.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from sanlian.db.migrations import VISIT_DAY_FILLED, VISIT_DAY_SECTION_FILLED
from tests.conftest import Cli, execute_sql, location, on_pg, rows_of

# base: sections 1 办公室, 2 综合科; cadres 1 张伟@办公室, 2 张伟@综合科, 3 单丽@综合科, 4 曾强@办公室
COLUMNS = "visits, visits_community, visits_enterprise, visits_household, contact_cards, diaries"
DAYS = f"select visited_on, {COLUMNS}, person_times from visit_day order by 1"
PAIRS = "select visit_id, section_id, cadres from visit_section order by 1, 2"
DAY_SECTIONS = (
    f"select visited_on, section_id, {COLUMNS}, person_times from visit_day_section order by 1, 2"
)


def _ints(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [(str(r[0]), *(int(x) for x in r[1:])) for r in rows]


def days(db: Path) -> list[tuple[Any, ...]]:
    """The stored day totals, checked (with the sections' rows) against the visits."""
    stored = _ints(rows_of(db, DAYS))
    assert stored == sorted(_ints(rows_of(db, VISIT_DAY_FILLED)))
    assert _ints(rows_of(db, DAY_SECTIONS)) == sorted(_ints(rows_of(db, VISIT_DAY_SECTION_FILLED)))
    return stored


def sections(db: Path) -> list[tuple[Any, ...]]:
    days(db)
    return _ints(rows_of(db, DAY_SECTIONS))


def ok(cli: Cli, *args: Any) -> None:
    result = cli(*args)
    assert result.code == 0, result


def add_visit(cli: Cli, *cadres: str, date: str = "2026-06-01", **more: str) -> None:
    people = [a for c in cadres for a in ("--cadre", c)]
    extra = [a for k, v in more.items() for a in (f"--{k}", v)]
    target = [] if "community" in more else ["--household", "王秀英"]
    ok(cli, "visit", "add", "--date", date, *people, *target, "--form", "home", *extra)


def test_add_edit_remove_and_undo_keep_the_days(base: Cli, db_path: Path) -> None:
    assert days(db_path) == []
    add_visit(base, "张伟@办公室", "曾强", "单丽", cards="2", diary="路灯坏了")
    #                     visits com ent hh cards diaries person-times
    assert days(db_path) == [("2026-06-01", 1, 0, 0, 1, 2, 1, 3)]
    assert sections(db_path) == [
        ("2026-06-01", 1, 1, 0, 0, 1, 2, 1, 2),
        ("2026-06-01", 2, 1, 0, 0, 1, 2, 1, 1),
    ]
    add_visit(base, "单丽", date="2026-06-01", community="幸福社区", diary="  ")
    assert days(db_path) == [("2026-06-01", 2, 1, 0, 1, 2, 1, 4)]  # a blank diary is none
    ok(base, "visit", "edit", "1", "--date", "2026-06-03", "--cadre", "张伟@综合科")
    assert days(db_path) == [
        ("2026-06-01", 1, 1, 0, 0, 0, 0, 1),
        ("2026-06-03", 1, 0, 0, 1, 2, 1, 1),
    ]
    assert sections(db_path) == [
        ("2026-06-01", 2, 1, 1, 0, 0, 0, 0, 1),
        ("2026-06-03", 2, 1, 0, 0, 1, 2, 1, 1),
    ]
    ok(base, "visit", "edit", "2", "--cards", "5", "--diary", "")
    assert days(db_path)[0] == ("2026-06-01", 1, 1, 0, 0, 5, 0, 1)
    ok(base, "visit", "remove", "2")
    assert days(db_path) == [("2026-06-03", 1, 0, 0, 1, 2, 1, 1)]  # the day without visits goes
    for _ in range(3):
        ok(base, "undo", "--yes")
    assert days(db_path) == [("2026-06-01", 2, 1, 0, 1, 2, 1, 4)]
    ok(base, "cadre", "edit", "单丽", "--section", "办公室")
    assert sections(db_path) == [("2026-06-01", 1, 2, 1, 0, 1, 2, 1, 4)]
    ok(base, "undo", "--yes")
    assert sections(db_path)[0] == ("2026-06-01", 1, 1, 0, 0, 1, 2, 1, 2)


def test_plain_sql_writes_keep_the_days(base: Cli, db_path: Path) -> None:
    add_visit(base, "张伟@办公室", "曾强", "单丽")
    add_visit(base, "单丽", date="2026-06-02")
    execute_sql(db_path, "insert into visit_cadre (visit_id, cadre_id) values (1, 2)")
    assert days(db_path)[0] == ("2026-06-01", 1, 0, 0, 1, 0, 0, 4)
    execute_sql(db_path, "update visit_cadre set visit_id = 2 where visit_id = 1 and cadre_id = 1")
    assert days(db_path) == [
        ("2026-06-01", 1, 0, 0, 1, 0, 0, 3),
        ("2026-06-02", 1, 0, 0, 1, 0, 0, 2),
    ]
    execute_sql(db_path, "update visit set visited_on = '2026-06-02', cards = 1 where id = 1")
    assert days(db_path) == [("2026-06-02", 2, 0, 0, 2, 1, 0, 5)]
    execute_sql(db_path, "update visit set id = 99 where id = 2")  # its cadres left behind
    assert days(db_path) == [("2026-06-02", 2, 0, 0, 2, 1, 0, 3)]
    execute_sql(db_path, "update visit_cadre set visit_id = 99 where visit_id = 2")
    assert days(db_path) == [("2026-06-02", 2, 0, 0, 2, 1, 0, 5)]
    execute_sql(db_path, "update cadre set section_id = 1 where id = 2")
    execute_sql(db_path, "update cadre set name = '张伟伟' where id = 2")  # no section change
    sections(db_path)
    # the visit first, its cadres after (references unchecked), and the other way round
    execute_sql(
        db_path, "delete from visit where id = 1", "delete from visit_cadre where visit_id = 1"
    )
    assert days(db_path) == [("2026-06-02", 1, 0, 0, 1, 0, 0, 2)]
    execute_sql(
        db_path, "delete from visit_cadre where visit_id = 99", "delete from visit where id = 99"
    )
    assert days(db_path) == [] and sections(db_path) == []


@pytest.mark.skipif(on_pg(), reason="SQLite's own cascade; PostgreSQL's runs in visit remove")
def test_a_delete_that_cascades_to_the_cadres_keeps_the_days(base: Cli, db_path: Path) -> None:
    add_visit(base, "张伟@办公室", "曾强", "单丽")
    add_visit(base, "单丽")
    con = sqlite3.connect(db_path)
    with con:
        con.execute("pragma foreign_keys = on")
        con.execute("delete from visit where id = 1")
    con.close()
    assert rows_of(db_path, "select count(*) from visit_cadre") == [(1,)]
    assert days(db_path) == [("2026-06-01", 1, 0, 0, 1, 0, 0, 1)]
    assert sections(db_path) == [("2026-06-01", 2, 1, 0, 0, 1, 0, 0, 1)]


def visit_columns(src: Any) -> dict[str, Any]:
    """The visit figures as aggregates over the rows of ``visit`` (what they were before)."""
    from sqlalchemy import func

    from sanlian.reports.common import has_diary

    return {
        "visits": func.count(),
        "visits_community": func.count().filter(src.target_kind == "community"),
        "visits_enterprise": func.count().filter(src.target_kind == "enterprise"),
        "visits_household": func.count().filter(src.target_kind == "household"),
        "contact_cards": func.coalesce(func.sum(src.cards), 0),
        "diaries": func.count().filter(has_diary(src.diary)),
    }


@pytest.mark.skipif(not on_pg(), reason="a statement that writes a visit and its cadres")
def test_a_visit_and_its_cadres_written_in_one_statement_count_once(
    base: Cli, db_path: Path
) -> None:
    # PostgreSQL runs the row triggers of both tables as the statement ends: the visit's
    # trigger finds its cadres already there, and each cadre's trigger counts itself
    execute_sql(
        db_path,
        "with v as (insert into visit (visited_on, target_kind, household_id, form, cards,"
        " created_at) values ('2026-06-01', 'household', 1, 'home', 0, now()) returning id)"
        " insert into visit_cadre (visit_id, cadre_id) select id, c from v, (values (1), (3)) x(c)",
    )
    assert days(db_path) == [("2026-06-01", 1, 0, 0, 1, 0, 0, 2)]
    assert sections(db_path) == [
        ("2026-06-01", 1, 1, 0, 0, 1, 0, 0, 1),
        ("2026-06-01", 2, 1, 0, 0, 1, 0, 0, 1),
    ]
    execute_sql(db_path, "truncate visit cascade")
    assert days(db_path) == [] and sections(db_path) == []


def _old_visits(session: Any, t: Any, p: Any, grouped: bool) -> dict[Any, dict[str, int]]:
    """The visit figures counted from the rows themselves: every visit of the period, by
    section every (visit, section of its cadres) with how many of them went."""
    from sqlalchemy import func, select

    from sanlian.reports.common import spanning
    from sanlian.reports.figures import _merge, _run

    v, vc, c = t.visit.c, t.visit_cadre.c, t.cadre.c
    where = [spanning(v.visited_on, p.start, p.end)]
    if grouped:
        pairs = (
            select(vc.visit_id.label("vid"), c.section_id.label("sid"), func.count().label("n"))
            .select_from(t.visit_cadre.join(t.cadre, c.id == vc.cadre_id))
            .group_by(vc.visit_id, c.section_id)
            .subquery()
        )
        columns = {**visit_columns(v), "visit_person_times": func.sum(pairs.c.n)}
        source = pairs.join(t.visit, v.id == pairs.c.vid)
        return _run(session, columns, source, where, pairs.c.sid)
    people = {"visit_person_times": func.count()}
    return _merge(
        _run(session, visit_columns(v), t.visit, where, None),
        _run(session, people, t.visit_cadre.join(t.visit, v.id == vc.visit_id), where, None),
    )


def test_the_figures_equal_the_count_over_every_visit(base: Cli, db_path: Path) -> None:
    add_visit(base, "张伟@办公室", "曾强", "单丽", cards="2", diary="路灯坏了")
    add_visit(base, "单丽", "张伟@综合科", date="2026-03-02")
    add_visit(base, "曾强", date="2026-05-20", community="幸福社区", diary="路面积水")
    add_visit(base, "曾强", date="2026-06-12")
    ok(base, "cadre", "edit", "单丽", "--section", "办公室")
    from sanlian.db.engine import open_database
    from sanlian.reports.common import Period, tables
    from sanlian.reports.figures import _visits

    db = open_database(location(db_path))
    try:
        with db.session() as session:
            t = tables()
            for period in (
                Period.of_year(2026, dt.date(2026, 12, 31)),
                Period.of_year(2026, dt.date(2026, 6, 15)),
                Period(2026, dt.date(2026, 3, 2), dt.date(2026, 5, 20), dt.date(2026, 6, 15)),
                Period(2026, dt.date(2026, 4, 1), dt.date(2026, 4, 30), dt.date(2026, 6, 15)),
            ):
                for grouped in (False, True):
                    assert _visits(session, t, period, grouped) == _old_visits(
                        session, t, period, grouped
                    ), (period, grouped)
            year = _visits(session, t, Period.of_year(2026, dt.date(2026, 12, 31)), True)
    finally:
        db.dispose()
    assert {k: (f["visits"], f["visit_person_times"], f["diaries"]) for k, f in year.items()} == {
        1: (4, 6, 2),
        2: (1, 1, 0),
    }


def test_db_check_finds_days_written_around_the_triggers(base: Cli, db_path: Path) -> None:
    add_visit(base, "张伟@办公室", "曾强", "单丽")
    found = {f["check"]: f for f in base("db", "check", "-f", "json").json()}
    assert found["visit_days"]["ok"] and found["visit_days"]["label"] == (
        "按日统计的走访与走访记录一致"
    )
    execute_sql(db_path, "update visit_day_section set person_times = 7 where section_id = 2")
    found = {f["check"]: f for f in base("db", "check", "-f", "json").json()}
    assert found["visit_days"]["records"] == ["2026-06-01：按日统计的走访与走访记录不一致"]
    assert base("db", "check").code == 1


def test_a_visit_import_and_its_undo_keep_the_days(
    base: Cli, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sanlian.db import tallies

    add_visit(base, "曾强", date="2026-04-01")
    rows = [
        "走访日期,走访干部,对象类型,走访对象,走访形式,发放联系卡,民情日记",
        "2026-04-01,单丽,联系户,王秀英,入户走访,1,老人卧床",
        "2026-04-02,张伟@办公室、曾强,社区,幸福社区,座谈交流,,",
    ]
    path = tmp_path / "走访.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    ok(base, "visit", "import", path)  # (on PostgreSQL: the tallies filled once at the end)
    assert days(db_path) == [
        ("2026-04-01", 2, 0, 0, 2, 1, 1, 2),
        ("2026-04-02", 1, 1, 0, 0, 0, 0, 2),
    ]
    monkeypatch.setattr(tallies, "UNDO_MANY", 1)  # an undo of many visits: the same
    ok(base, "undo", "--yes")
    assert days(db_path) == [("2026-04-01", 1, 0, 0, 1, 0, 0, 1)]


@pytest.mark.skipif(not on_pg(), reason="the pause is PostgreSQL's (SQLite's cost stays flat)")
def test_the_tallies_wait_for_the_end_of_a_transaction_that_writes_many(
    base: Cli, db_path: Path
) -> None:
    from sqlalchemy import text

    from sanlian.db.engine import open_database
    from sanlian.db.tallies import deferred

    add_visit(base, "曾强", date="2026-04-01")
    insert = (
        "insert into visit (visited_on, target_kind, household_id, form, cards, created_at)"
        " values ('2026-04-01', 'household', 1, 'home', 2, now()) returning id"
    )
    db = open_database(location(db_path))
    try:
        with db.session() as session:
            with deferred(session):
                new = session.execute(text(insert)).scalar_one()
                session.execute(text(f"insert into visit_cadre values ({new}, 3)"))
                waiting = session.execute(text("select visits from visit_day")).all()
            filled = session.execute(text("select visits, contact_cards from visit_day")).all()
    finally:
        db.dispose()
    assert waiting == [(1,)] and filled == [(2, 2)]
    assert days(db_path) == [("2026-04-01", 2, 0, 0, 2, 2, 0, 2)]
    execute_sql(db_path, "delete from visit where id = 1")  # another session: not paused
    assert days(db_path) == [("2026-04-01", 1, 0, 0, 1, 2, 0, 1)]


def test_db_check_repair_counts_the_visits_again(base: Cli, db_path: Path) -> None:
    add_visit(base, "张伟@办公室", "曾强", "单丽", cards="2", diary="路灯坏了")
    add_visit(base, "单丽", date="2026-06-02")
    good = (days(db_path), sections(db_path), rows_of(db_path, PAIRS))
    # written around the triggers, as another program's data-only restore or REPLACE might
    execute_sql(
        db_path,
        "update visit_day set visits = 9",
        "delete from visit_day_section where section_id = 1",
        "update visit_section set cadres = 5 where visit_id = 2",
    )
    result = base("db", "check")
    assert result.code == 1
    assert "sanlian db check --repair 重建触发器并重新统计" in result.err
    result = base("db", "check", "--repair")
    assert result.code == 0, result
    assert "已重建维护走访统计的数据库触发器" in result.err and "--repair" not in result.err
    assert (days(db_path), sections(db_path), rows_of(db_path, PAIRS)) == good
    # the triggers keep them again afterwards
    ok(base, "visit", "remove", "1")
    assert days(db_path) == [("2026-06-02", 1, 0, 0, 1, 0, 0, 1)]
    assert base("db", "check").code == 0


def test_db_check_finds_a_trigger_dropped_or_disabled_and_repair_makes_it_again(
    base: Cli, db_path: Path
) -> None:
    """Another program dropped or disabled the triggers that keep the tallies: `db check` names
    each (before any figure has drifted), `--repair` makes them all again and counts anew,
    and the next write is kept again."""
    add_visit(base, "张伟@办公室", "曾强")
    found = {f["check"]: f for f in base("db", "check", "-f", "json").json()}
    assert found["triggers"]["ok"], found["triggers"]
    assert found["triggers"]["label"] == "维护走访统计的数据库触发器齐全并已启用"
    if on_pg():
        execute_sql(
            db_path,
            "drop trigger visit_day_visit on visit",
            "alter table visit_cadre disable trigger visit_section_pairs",
            "alter table cadre enable trigger visit_section_move",  # ordinary sessions only
        )
        expected = [
            "visit_cadre 表的触发器 visit_section_pairs 已停用",
            "cadre 表的触发器 visit_section_move 未设为始终启用（ENABLE ALWAYS），"
            "以复制模式写入的程序会绕过它",
            "visit 表缺少触发器 visit_day_visit（可能被其他程序删除）",
        ]
    else:
        execute_sql(db_path, "drop trigger visit_section_insert", "drop trigger visit_day_insert")
        expected = [
            "visit_cadre 表缺少触发器 visit_section_insert（可能被其他程序删除）",
            "visit 表缺少触发器 visit_day_insert（可能被其他程序删除）",
        ]
    result = base("db", "check", "-f", "json")
    assert result.code == 1, result
    found = {f["check"]: f for f in result.json()}
    assert found["triggers"]["records"] == expected, found["triggers"]
    assert found["visit_days"]["ok"] and found["visit_sections"]["ok"]  # nothing drifted yet
    assert "--repair 重建触发器并重新统计" in result.err, result.err

    add_visit(base, "单丽", date="2026-06-02")  # written without them: the figures drift
    found = {f["check"]: f for f in base("db", "check", "-f", "json").json()}
    assert not found["visit_days"]["ok"] and not found["visit_sections"]["ok"], found

    repaired = base("db", "check", "--repair")
    assert repaired.code == 0, repaired
    assert "已重建维护走访统计的数据库触发器" in repaired.err
    assert days(db_path) == [
        ("2026-06-01", 1, 0, 0, 1, 0, 0, 2),
        ("2026-06-02", 1, 0, 0, 1, 0, 0, 1),
    ]
    assert rows_of(db_path, PAIRS) == [(1, 1, 2), (2, 2, 1)]
    add_visit(base, "曾强", date="2026-06-03")  # kept by the triggers made again
    ok(base, "visit", "remove", "1")
    assert days(db_path)[1:] == [("2026-06-03", 1, 0, 0, 1, 0, 0, 1)]
    assert rows_of(db_path, PAIRS) == [(2, 2, 1), (3, 1, 1)]
    assert base("db", "check").code == 0
