"""``visit_section``: the stored (visit, section) pairs, kept by database triggers.

Every write path (visit add/edit/remove, a cadre moved to another section, undo of each, plain
SQL) leaves the table equal to the aggregate it replaces. The reports read the visits by
section from the day tallies built on these pairs (``tests/test_visit_day.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import Cli, execute_sql, rows_of

# base: sections 1 办公室, 2 综合科; cadres 1 张伟@办公室, 2 张伟@综合科, 3 单丽@综合科, 4 曾强@办公室
STORED = "select visit_id, section_id, cadres from visit_section order by 1, 2"
AGGREGATE = (
    "select vc.visit_id, c.section_id, count(*) from visit_cadre vc"
    " join cadre c on c.id = vc.cadre_id group by vc.visit_id, c.section_id order by 1, 2"
)


def stored(db: Path) -> list[tuple[int, int, int]]:
    """The stored pairs, checked against the aggregate computed by a plain query."""
    rows = [(int(a), int(b), int(n)) for a, b, n in rows_of(db, STORED)]
    assert rows == [(int(a), int(b), int(n)) for a, b, n in rows_of(db, AGGREGATE)]
    return rows


def ok(cli: Cli, *args: Any) -> None:
    result = cli(*args)
    assert result.code == 0, result


def add_visit(cli: Cli, *cadres: str, date: str = "2026-06-01") -> None:
    people = [a for c in cadres for a in ("--cadre", c)]
    ok(cli, "visit", "add", "--date", date, *people, "--household", "王秀英", "--form", "home")


def test_add_a_visit_counts_each_section_once_with_its_cadres(base: Cli, db_path: Path) -> None:
    assert stored(db_path) == []
    add_visit(base, "张伟@办公室", "曾强", "单丽")
    assert stored(db_path) == [(1, 1, 2), (1, 2, 1)]
    add_visit(base, "张伟@综合科")
    assert stored(db_path) == [(1, 1, 2), (1, 2, 1), (2, 2, 1)]
    ok(base, "undo", "--yes")
    assert stored(db_path) == [(1, 1, 2), (1, 2, 1)]


def test_edit_the_cadres_of_a_visit_and_undo(base: Cli, db_path: Path) -> None:
    add_visit(base, "张伟@办公室", "曾强", "单丽")
    ok(base, "visit", "edit", "1", "--cadre", "张伟@办公室", "--cadre", "单丽")
    assert stored(db_path) == [(1, 1, 1), (1, 2, 1)]
    ok(base, "visit", "edit", "1", "--cadre", "单丽", "--cadre", "张伟@综合科")
    assert stored(db_path) == [(1, 2, 2)]  # 办公室's pair gone at 0
    ok(base, "undo", "--yes")
    assert stored(db_path) == [(1, 1, 1), (1, 2, 1)]
    ok(base, "undo", "--yes")
    assert stored(db_path) == [(1, 1, 2), (1, 2, 1)]


def test_remove_a_visit_and_undo(base: Cli, db_path: Path) -> None:
    add_visit(base, "张伟@办公室", "曾强", "单丽")
    add_visit(base, "单丽", date="2026-06-02")
    ok(base, "visit", "remove", "1")
    assert stored(db_path) == [(2, 2, 1)]
    ok(base, "undo", "--yes")
    assert stored(db_path) == [(1, 1, 2), (1, 2, 1), (2, 2, 1)]


def test_move_a_cadre_to_another_section_and_undo(base: Cli, db_path: Path) -> None:
    add_visit(base, "张伟@办公室", "曾强", "单丽")
    add_visit(base, "单丽", date="2026-06-02")
    add_visit(base, "曾强", date="2026-06-03")
    ok(base, "cadre", "edit", "单丽", "--section", "办公室")
    assert stored(db_path) == [(1, 1, 3), (2, 1, 1), (3, 1, 1)]
    ok(base, "cadre", "edit", "曾强", "--section", "综合科")
    assert stored(db_path) == [(1, 1, 2), (1, 2, 1), (2, 1, 1), (3, 2, 1)]
    ok(base, "undo", "--yes")
    assert stored(db_path) == [(1, 1, 3), (2, 1, 1), (3, 1, 1)]
    ok(base, "undo", "--yes")
    assert stored(db_path) == [(1, 1, 2), (1, 2, 1), (2, 2, 1), (3, 1, 1)]


def test_plain_sql_writes_keep_the_pairs(base: Cli, db_path: Path) -> None:
    add_visit(base, "张伟@办公室", "曾强", "单丽")
    add_visit(base, "单丽", date="2026-06-02")
    assert stored(db_path) == [(1, 1, 2), (1, 2, 1), (2, 2, 1)]
    execute_sql(db_path, "insert into visit_cadre (visit_id, cadre_id) values (1, 2)")
    assert stored(db_path) == [(1, 1, 2), (1, 2, 2), (2, 2, 1)]
    execute_sql(db_path, "update visit_cadre set visit_id = 2 where visit_id = 1 and cadre_id = 1")
    assert stored(db_path) == [(1, 1, 1), (1, 2, 2), (2, 1, 1), (2, 2, 1)]
    execute_sql(db_path, "delete from visit_cadre where cadre_id = 3")
    assert stored(db_path) == [(1, 1, 1), (1, 2, 1), (2, 1, 1)]
    execute_sql(db_path, "update cadre set section_id = 1 where id = 2")
    assert stored(db_path) == [(1, 1, 2), (2, 1, 1)]
    execute_sql(db_path, "update cadre set name = '张伟伟' where id = 2")  # no section change
    assert stored(db_path) == [(1, 1, 2), (2, 1, 1)]
    execute_sql(
        db_path, "delete from visit where id = 1", "delete from visit_cadre where visit_id = 1"
    )
    assert stored(db_path) == [(2, 1, 1)]


def test_db_check_finds_pairs_written_around_the_triggers(base: Cli, db_path: Path) -> None:
    add_visit(base, "张伟@办公室", "曾强", "单丽")
    add_visit(base, "单丽", date="2026-06-02")
    found = {f["check"]: f for f in base("db", "check", "-f", "json").json()}
    assert found["visit_sections"]["ok"] and found["visit_sections"]["label"] == (
        "按科室统计的走访与走访干部所在科室一致"
    )
    execute_sql(db_path, "update visit_section set cadres = 5 where visit_id = 2")
    result = base("db", "check", "-f", "json")
    found = {f["check"]: f for f in result.json()}
    assert found["visit_sections"]["records"] == [
        "走访编号 2：按科室统计的走访与走访干部所在科室不一致"
    ]
