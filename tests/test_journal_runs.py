"""An import's new records in the journal: runs of contiguous ids, not one row each.

Base campaign: household 1 (王秀英, 幸福社区) exists; an import of 1,000 households into
前河湾村 gives them the ids 2 to 1001.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sanlian.db import journal, migrations
from tests.conftest import Cli, execute_sql, on_pg
from tests.test_journal import data_dump, query, write_csv

LATEST = migrations.MIGRATIONS[-1][0]  # the schema's version now

PHONE = "13987654321"


@pytest.fixture(autouse=True)
def _batches_of_400(monkeypatch: pytest.MonkeyPatch) -> None:
    """The runs and ids below are hand-counted for batches of 400 rows."""
    from sanlian.services import importing

    monkeypatch.setattr(importing, "BATCH", 400)


def households(tmp_path: Path, count: int, *, update: bool = False) -> Path:
    rows = [["户主姓名", "所在社区(村)", "手机号码"]]
    rows += [[f"李{i}", "前河湾村", f"1380000{i:04d}"] for i in range(count)]
    if update:
        rows += [["王秀英", "幸福社区", PHONE]]  # the household already there: a change
    return write_csv(tmp_path / "户.csv", rows)


def import_entry(db_path: Path) -> int:
    (entry,) = query(db_path, "select max(id) from journal where command = 'household import'")[0]
    return int(entry)


def entry_rows(db_path: Path, entry: int) -> list[tuple[Any, ...]]:
    return query(
        db_path,
        "select table_name, action, record_id, last_record_id, before is null, after is null"
        " from journal_change where journal_id = ? order by seq",
        entry,
    )


def test_id_runs() -> None:
    assert journal.id_runs([5, 3, 4, 9, 10, 12, 4]) == [(3, 5), (9, 10), (12, 12)]
    assert journal.id_runs([]) == []


def test_a_thousand_new_households_are_one_run(base: Cli, db_path: Path, tmp_path: Path) -> None:
    result = base("household", "import", households(tmp_path, 1000, update=True))
    assert result.code == 0, result
    entry = import_entry(db_path)
    # the import writes batches of 800 rows: the first 800 new ones (ids 2 to 801), then the
    # second batch's update row by row (before/after) and its 200 new ones (802 to 1001)
    assert entry_rows(db_path, entry) == [
        ("household", "insert", 2, 801, 1, 1),
        ("household", "update", 1, None, 0, 0),
        ("household", "insert", 802, 1001, 1, 1),
    ]
    assert query(db_path, "select min(id), max(id), count(*) from household where id > 1") == [
        (2, 1001, 1000)
    ]
    # no imported phone number is left in the journal in clear
    assert not query(db_path, "select 1 from journal_change where after like '%13800000%'")


def test_undo_of_a_run_returns_the_database(base: Cli, db_path: Path, tmp_path: Path) -> None:
    before = data_dump(db_path)
    assert base("household", "import", households(tmp_path, 1000, update=True)).code == 0
    assert base("household", "show", "李999", "-f", "json").json()["id"] == 1001
    shown = base("undo")  # no answer: cancelled, but says what it would do
    lines = shown.out.splitlines()
    assert lines[:4] == [
        "将要：",
        "  删除联系户 200 条（编号 802–1001）",
        "  改回联系户 1：手机号码：139****4321 → （空）",
        "  删除联系户 800 条（编号 2–801）",
    ]
    undone = base("undo", "--yes")
    assert undone.code == 0, undone
    assert data_dump(db_path) == before  # search keys too
    assert base("household", "show", "li999").code == 1
    (undo_entry,) = query(db_path, "select max(id) from journal where kind = 'undo'")[0]
    assert entry_rows(db_path, undo_entry) == [
        ("household", "delete", 802, 1001, 1, 1),
        ("household", "update", 1, None, 0, 0),
        ("household", "delete", 2, 801, 1, 1),
    ]
    detail = base("history", "--detail", "-n", "1", "-f", "json").json()[0]["detail"]
    assert detail.splitlines() == [
        "删除联系户 200 条（编号 802–1001）",
        "修改联系户 1：手机号码：139****4321 → （空）",
        "删除联系户 800 条（编号 2–801）",
    ]


def test_edited_after_then_undone_in_order(base: Cli, db_path: Path, tmp_path: Path) -> None:
    """An imported record edited and linked after: undo takes back the link, then the edit,
    then the import (each the latest change in its turn)."""
    before = data_dump(db_path)
    assert base("household", "import", households(tmp_path, 30)).code == 0
    assert base("household", "edit", "李5", "--needs", "就业").code == 0
    assert base("link", "community", "--section", "综合科", "--community", "前河湾村").code == 0
    assert base("link", "household", "--cadre", "单丽", "--household", "李5").code == 0
    for _ in range(4):
        result = base("undo", "--yes")
        assert result.code == 0, result
    assert data_dump(db_path) == before


def test_undo_refused_when_an_imported_household_is_linked_since(
    base: Cli, db_path: Path, tmp_path: Path, unchanged: Any
) -> None:
    assert base("household", "import", households(tmp_path, 30)).code == 0
    (li5,) = query(db_path, "select id from household where name = '李5'")[0]
    execute_sql(  # written by another program: not in the journal
        db_path,
        "insert into link (kind, cadre_id, household_id, start_on, created_at)"
        f" values ('household', 3, {li5}, '2026-06-01', '2026-06-01 08:00:00')",
    )
    result = unchanged(lambda: base("undo", "--yes"))
    assert f"联系户“李5”（编号 {li5}）在这次修改之后又被改动过" in result.err


def test_undo_refused_when_an_imported_household_is_gone(
    base: Cli, db_path: Path, tmp_path: Path, unchanged: Any
) -> None:
    assert base("household", "import", households(tmp_path, 30)).code == 0
    execute_sql(db_path, "delete from search_key where kind = 'household' and ref_id = 9")
    execute_sql(db_path, "delete from household where id = 9")
    result = unchanged(lambda: base("undo", "--yes"))
    assert "联系户 9在这次修改之后又被改动过（或已不存在）" in result.err


def test_undo_refused_when_a_later_entry_changed_one(
    base: Cli, db_path: Path, tmp_path: Path, unchanged: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A later entry not undone that changed one of the run's records: refused. (Undo takes
    the latest change first, so only a journal that says otherwise gets here.)"""
    assert base("household", "import", households(tmp_path, 30)).code == 0
    entry = import_entry(db_path)
    assert base("household", "edit", "李5", "--needs", "就业").code == 0

    def import_first(session: Any) -> Any:
        from sqlalchemy import select

        from sanlian.db.models import Journal

        table: Any = Journal.__table__
        row = session.connection().execute(select(table).where(table.c.id == entry)).first()
        return dict(row._mapping)

    monkeypatch.setattr(journal, "undo_target", import_first)
    result = unchanged(lambda: base("undo", "--yes"))
    assert "联系户“李5”（编号 7）在这次修改之后又被改动过" in result.err


def test_history_of_an_imported_household(base: Cli, db_path: Path, tmp_path: Path) -> None:
    assert base("household", "import", households(tmp_path, 1000)).code == 0
    entry = import_entry(db_path)
    for ref in ("household:李500", "household:502", "联系户:#502"):
        rows = base("history", "--record", ref, "-f", "json").json()
        assert [r["id"] for r in rows] == [entry], ref
        assert rows[0]["changes"] == [
            {
                "table": "household",
                "record_id": 2,
                "action": "insert",
                "before": None,
                "after": None,
                "last_record_id": 1001,
                "count": 1000,
            }
        ]
        assert rows[0]["detail"] == "新增联系户 1,000 条（编号 2–1001）"
    other = base("history", "--record", "household:1", "-f", "json").json()
    assert other and entry not in [r["id"] for r in other]
    shown = base("history", "--detail", "--reveal", "-f", "json").json()
    (found,) = [r for r in shown if r["id"] == entry]
    assert found["detail"] == "新增联系户 1,000 条（编号 2–1001）"  # nothing to reveal


def test_purge_of_an_imported_household(base: Cli, db_path: Path, tmp_path: Path) -> None:
    assert base("household", "import", households(tmp_path, 30)).code == 0
    result = base("household", "remove", "李5", "--purge", "--yes")
    assert result.code == 0, result
    assert not query(db_path, "select 1 from household where phone = '13800000005'")
    assert not query(
        db_path,
        "select 1 from journal_change where before like '%13800000005%'"
        " or after like '%13800000005%'",
    )


def _per_row(session: Any, table: Any, ids: Any) -> None:
    """How an import journaled its new records before migration 5: each with its values."""
    rows = journal._rows_by_keys(session, table, [{"id": i} for i in ids])
    journal.record_inserts(session, table, rows)


# migration 12 undone: its tables and the triggers that write them
def _day_tallies_gone() -> list[str]:
    return (
        [
            f"DROP FUNCTION {f} CASCADE"
            for f in ("visit_day_visit", "visit_day_delete", "visit_day_truncate")
            + ("visit_day_cadre", "visit_day_pair")
        ]
        if on_pg()
        else [
            f"DROP TRIGGER visit_day_{t}"
            for t in ("insert", "update", "delete", "cadre_insert", "cadre_delete", "cadre_update")
            + ("pair_insert", "pair_delete", "pair_update")
        ]
    ) + ["DROP TABLE visit_day", "DROP TABLE visit_day_section"]


def test_a_per_row_import_entry_of_a_v4_database_still_undoes(
    base: Cli, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = data_dump(db_path)
    with monkeypatch.context() as patch:
        patch.setattr(journal, "record_inserted_ids", _per_row)
        assert base("household", "import", households(tmp_path, 30, update=True)).code == 0
    entry = import_entry(db_path)
    assert len(entry_rows(db_path, entry)) == 31
    # back to schema 4: the database as the previous version left it
    execute_sql(
        db_path,
        "DROP INDEX ix_journal_change_run",
        "ALTER TABLE journal_change DROP COLUMN last_record_id",
        "DROP INDEX ix_problem_step_owner",  # (migration 7's)
        "DROP INDEX ix_problem_step_previous_owner",  # (migration 11's)
        "ALTER TABLE problem_step DROP COLUMN owner_id",
        "ALTER TABLE problem_step DROP COLUMN previous_owner_id",
        *_day_tallies_gone(),  # (migration 12's)
        "DELETE FROM schema_migrations WHERE version >= 5",
    )
    assert query(db_path, "select max(version) from schema_migrations") == [(4,)]
    shown = base("undo")  # opening it migrates it to 5 (and on); the entry is shown row by row
    assert query(db_path, "select max(version) from schema_migrations") == [(LATEST,)]
    assert "删除联系户“李29”（编号 31）" in shown.out and "共 31 项" in shown.out
    rows = entry_rows(db_path, entry)
    assert len(rows) == 31 and all(r[3] is None for r in rows)  # last_record_id empty
    undone = base("undo", "--yes")
    assert undone.code == 0, undone
    # (in another order: the indexes dropped above were made again after the tables migration
    # 10 had remade)
    assert sorted(data_dump(db_path)) == sorted(before)


def test_migration_5_adds_the_column_and_index(base: Cli, db_path: Path) -> None:
    execute_sql(
        db_path,
        "DROP INDEX ix_journal_change_run",
        "ALTER TABLE journal_change DROP COLUMN last_record_id",
        "DELETE FROM schema_migrations WHERE version = 5",
    )
    entries = query(db_path, "select count(*) from journal_change")[0][0]
    assert base("history", "-n", "1").code == 0  # any open migrates
    assert query(
        db_path, "select version from schema_migrations where version >= 5 order by version"
    ) == [(v,) for v, _name, _step in migrations.MIGRATIONS if v >= 5]
    assert query(db_path, "select count(*) from journal_change where last_record_id is null") == [
        (entries,)
    ]
    if on_pg():
        found = query(
            db_path,
            "select indexname from pg_indexes where indexname = 'ix_journal_change_run'",
        )
    else:
        found = query(
            db_path, "select name from sqlite_master where name = 'ix_journal_change_run'"
        )
    assert found == [("ix_journal_change_run",)]
