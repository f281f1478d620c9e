"""`sanlian demo`: a database of its own from sample_data/, never the user's."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sanlian.services.demo import standing_day
from tests.conftest import Cli


def test_demo_builds_its_own_database_and_shows_progress(
    cli: Cli, tmp_path: Path, db_path: Path
) -> None:
    result = cli("demo")
    assert result.code == 0, result
    demo_db = tmp_path / "home" / "data" / "sanlian" / "demo.db"
    assert demo_db.exists()
    assert not db_path.exists()  # the user's own database is not touched
    assert "干部 64 名" in result.out and "联系户 150 户" in result.out
    assert "各科室进度" in result.out  # progress printed at the end
    # tests run on 2026-06-15: the demo shows last year's whole campaign
    assert "2025 年活动，数据截至 2025-12-31" in result.out
    again = cli("demo")  # rebuilt, not added twice
    assert again.code == 0 and "干部 64 名" in again.out
    cadres = cli("--db", demo_db, "cadre", "list", "-f", "json").json()
    assert len(cadres) == 64
    figures = cli("--db", demo_db, "selfcheck", "--year", "2025", "-f", "json").json()["figures"]
    assert figures["visits"] > 200 and figures["problems_resolved"] > 0


@pytest.mark.sqlite_only(reason="demo --db takes a SQLite file")
def test_demo_refuses_to_overwrite_a_real_database(base: Cli, db_path: Path) -> None:
    before = db_path.read_bytes()
    result = base("demo", "--db", db_path)
    assert result.code == 1 and "不是演示数据库" in result.err
    assert db_path.read_bytes() == before


@pytest.mark.sqlite_only(reason="demo --db takes a SQLite file")
def test_a_demo_undone_or_cut_short_is_built_again(cli: Cli, tmp_path: Path) -> None:
    """A demo database emptied by ``undo``, or a file left empty by an interrupted ``demo``,
    holds nothing of the clerk's: ``demo --db`` builds there again, as at its default path."""
    path = tmp_path / "演示.db"
    assert cli("demo", "--db", path).code == 0
    assert cli("--db", path, "undo", "--yes").code == 0
    again = cli("demo", "--db", path)
    assert again.code == 0 and "干部 64 名" in again.out, again
    empty = tmp_path / "空.db"
    empty.write_bytes(b"")
    assert cli("demo", "--db", empty).code == 0
    assert len(cli("--db", empty, "cadre", "list", "-f", "json").json()) == 64


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 11, 27), dt.date(2026, 11, 27)),
        (dt.date(2026, 7, 1), dt.date(2026, 7, 1)),
        (dt.date(2026, 6, 30), dt.date(2025, 12, 31)),
        (dt.date(2026, 1, 5), dt.date(2025, 12, 31)),
    ],
)
def test_standing_day(today: dt.date, expected: dt.date) -> None:
    assert standing_day(today) == expected


@pytest.mark.sqlite_only(reason="reads the demo's SQLite file")
def test_a_demo_standing_late_in_the_year_holds_nothing_after_its_day(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On 2026-11-28 the demo's year is under way: the summary meeting (12-10) has not been
    held, and nothing else is dated after that day either."""
    import sqlite3

    monkeypatch.setenv("SANLIAN_TODAY", "2026-11-28")
    demo_db = tmp_path / "demo.db"
    result = cli("demo", "--db", demo_db)
    assert result.code == 0, result
    with sqlite3.connect(demo_db) as db:
        later = {
            table: db.execute(
                f"SELECT count(*) FROM {table} WHERE {column} > '2026-11-28'"
            ).fetchone()[0]
            for table, column in [
                ("activity", "held_on"),
                ("visit", "visited_on"),
                ("problem_step", "step_on"),
                ("research", "written_on"),
                ("link", "start_on"),
            ]
        }
        kinds = {k for (k,) in db.execute("SELECT kind FROM activity")}
    assert later == dict.fromkeys(later, 0)
    assert "mechanism" in kinds and "summary" not in kinds  # 11-15 held, 12-10 not yet


@pytest.mark.sqlite_only(reason="demo --db takes a SQLite file")
def test_a_demo_worked_in_since_is_not_built_over(cli: Cli, tmp_path: Path) -> None:
    """``demo --db`` over a demo the clerk has changed since (practice, or a ledger begun in
    it) is refused, saying how many changes; one untouched is rebuilt, the old file kept in
    sanlian-backups as a restore keeps what it replaces."""
    path = tmp_path / "演示.db"
    backups = tmp_path / "sanlian-backups"
    assert cli("demo", "--db", path).code == 0
    assert cli("--db", path, "cadre", "list", "--reveal").code == 0  # looking changes nothing
    first = path.read_bytes()
    rebuilt = cli("demo", "--db", path)
    assert rebuilt.code == 0, rebuilt
    [kept] = backups.glob("演示-*-before-demo.db")
    assert f"原来的数据库另存为 {kept}" in rebuilt.err
    assert len(kept.read_bytes()) == len(first)
    assert cli("--db", path, "cadre", "add", "李雷", "--section", "办公室").code == 0
    assert cli("--db", path, "section", "add", "新科室").code == 0
    before = path.read_bytes()
    refused = cli("demo", "--db", path)
    assert refused.code == 1, refused
    assert refused.err.strip() == (
        f"{path} 是演示数据库，但建立之后又有 2 次修改，为免丢失这些修改，未做任何修改；"
        "请用 --db 换一个文件名，或确实不要时自己先删除这个文件。"
    )
    assert path.read_bytes() == before
    assert [p.name for p in backups.iterdir()] == [kept.name]  # nothing more written
    names = [c["name"] for c in cli("--db", path, "cadre", "list", "-f", "json").json()]
    assert "李雷" in names
