"""Record numbers (编号) are never given out twice: not after the record with the largest one is
removed or its adding undone, and not after a database of an earlier version is upgraded
(migration 10), where a number known only from the change journal stays used too."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from sanlian.db import engine as engine_mod
from sanlian.db import migrations
from tests.conftest import Cli, rows_of

VISIT = ("visit", "add", "--cadre", "单丽", "--form", "入户走访")


def _said(result: object, pattern: str) -> re.Match[str]:
    found = re.search(pattern, str(result))
    assert found is not None, result
    return found


def test_a_removed_visits_number_is_not_given_again(
    base: Cli, db_path: Path, tmp_path: Path
) -> None:
    """The defect: visit 1 exported, removed, a new visit added got number 1 again, and the old
    file imported again wrote the old visit over the new one."""
    added = base(*VISIT, "--date", "6-1", "--community", "幸福社区", "--diary", "旧日记")
    assert "已登记走访 1：" in added.out
    assert base("export", "visit", "-o", tmp_path / "v.xlsx").code == 0
    assert base("visit", "remove", "1").code == 0
    added = base(*VISIT, "--date", "6-9", "--household", "王秀英", "--diary", "新日记")
    assert "已登记走访 2：" in added.out, added
    result = base("visit", "import", tmp_path / "v.xlsx")
    assert result.code == 1
    entry, at = rows_of(db_path, "select id, at from journal where command = 'visit remove'")[0]
    assert f"（变更日志第 {entry} 条，" in result.err
    assert re.search(
        r"“台账编号”1 的走访记录已经删除（变更日志第 \d+ 条，\d{4}-\d\d-\d\d \d\d:\d\d），"
        "本行不能再修改它；要作为新记录重新登记，请清空这一行的台账编号再导入。",
        result.err,
    ), result
    assert rows_of(db_path, "select id, visited_on, diary from visit") == [
        (2, "2026-06-09", "新日记")
    ]
    # the history of visit 1 is the removed visit's alone; visit 2's its own
    history = base("history", "--record", "visit:1", "-f", "json").json()
    assert [e["command"] for e in history] == ["visit remove", "visit add"]
    history = base("history", "--record", "visit:2", "-f", "json").json()
    assert [e["summary"] for e in history] == ["登记走访 2：2026-06-09 单丽 → 联系户“王秀英”"]


def test_an_undone_adds_number_is_not_given_again(base: Cli, db_path: Path) -> None:
    """Undo of an add deletes the record; the next one added gets the next number, for every
    kind of record (visits, cadres, problems, their steps …)."""
    assert "已登记走访 1：" in base(*VISIT, "--date", "6-1", "--household", "王秀英").out
    assert base("undo", "--yes").code == 0
    assert "已登记走访 2：" in base(*VISIT, "--date", "6-2", "--household", "王秀英").out
    assert "编号 5。" in base("cadre", "add", "李娜", "--section", "综合科").out
    assert base("undo", "--yes").code == 0
    assert "编号 6。" in base("cadre", "add", "李娜", "--section", "综合科").out
    raise_one = ("problem", "add", "--household", "王秀英", "--category", "就学", "--text")
    first = base(*raise_one, "上学远", "--date", "6-3")
    assert _said(first, r"问题 (\d+)").group(1) == "1"
    assert base("problem", "progress", "1", "--note", "已联系学校", "--date", "6-4").code == 0
    assert rows_of(db_path, "select max(id) from problem_step") == [(2,)]
    assert base("undo", "--yes").code == 0  # the progress step …
    assert base("undo", "--yes").code == 0  # … and the problem taken back
    again = base(*raise_one, "校车少", "--date", "6-5")
    assert _said(again, r"问题 (\d+)").group(1) == "2"
    assert rows_of(db_path, "select id, problem_id, kind from problem_step") == [(3, 2, "raise")]
    assert base("section", "add", "信访科").code == 0
    assert base("undo", "--yes").code == 0
    assert "编号 4。" in base("section", "add", "信访科").out


def test_undo_of_a_remove_brings_back_the_old_number(base: Cli, db_path: Path) -> None:
    assert base(*VISIT, "--date", "6-1", "--household", "王秀英", "--diary", "日记").code == 0
    assert base(*VISIT, "--date", "6-2", "--community", "幸福社区").code == 0
    visits = "select id, visited_on, target_kind, diary from visit order by id"
    before = rows_of(db_path, visits)
    assert base("visit", "remove", "2").code == 0  # the largest number …
    assert base("undo", "--yes").code == 0  # … back as it was, with its number
    assert rows_of(db_path, visits) == before
    assert rows_of(db_path, "select visit_id, cadre_id from visit_cadre where visit_id = 2") == [
        (2, 3)
    ]
    assert "已登记走访 3：" in base(*VISIT, "--date", "6-3", "--household", "王秀英").out
    assert base("cadre", "remove", "曾强").code == 0  # cadre 4, the largest
    assert base("undo", "--yes").code == 0
    assert rows_of(db_path, "select id, name from cadre where id = 4") == [(4, "曾强")]
    assert "编号 5。" in base("cadre", "add", "李娜", "--section", "综合科").out


def _schema(path: Path) -> list[tuple[str, str, str, str]]:
    """The database's structure as ``sqlite_master`` holds it, in its order, spaces aside."""
    con = sqlite3.connect(path)
    try:
        rows = con.execute("select type, name, tbl_name, sql from sqlite_master order by rowid")
        return [(t, n, b, " ".join(str(s).split())) for t, n, b, s in rows]
    finally:
        con.close()


def _rows(path: Path) -> list[str]:
    """Every row of every table but the migrations' and the largest numbers used."""
    skip = ('INSERT INTO "schema_migrations', 'INSERT INTO "sqlite_sequence')
    con = sqlite3.connect(path)
    try:
        return [
            line
            for line in con.iterdump()
            if line.startswith("INSERT INTO") and not line.startswith(skip)
        ]
    finally:
        con.close()


@pytest.mark.sqlite_only(reason="a SQLite file of schema version 9, upgraded")
def test_a_database_of_version_9_upgraded_keeps_its_rows_and_gives_no_number_twice(
    cli: Cli, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Migration 10 remakes the numbered tables with AUTOINCREMENT: every row, number, index,
    trigger and reference kept (the structure is then a new database's), and the largest
    number each has used kept, even one only the change journal knows of (a visit removed,
    a cadre's adding undone, before the upgrade)."""
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:9])
        steps = [
            ("init", "--year", "2026"),
            ("section", "add", "综合科"),
            ("cadre", "add", "单丽", "--section", "综合科"),
            ("cadre", "add", "李娜", "--section", "综合科"),
            ("community", "add", "幸福社区"),
            ("household", "add", "王秀英", "--community", "幸福社区"),
            ("link", "community", "--section", "综合科", "--community", "幸福社区"),
            (*VISIT, "--date", "6-1", "--household", "王秀英"),
            ("visit", "add", "--cadre", "李娜", "--form", "座谈交流", "--date", "6-2")
            + ("--community", "幸福社区"),
            (*VISIT, "--date", "6-3", "--household", "王秀英", "--diary", "日记"),
            ("visit", "remove", "3"),  # visit 3: the journal alone knows it
            ("problem", "add", "--household", "王秀英", "--category", "就学", "--text", "上学远"),
            ("cadre", "add", "曾强", "--section", "综合科"),
            ("undo", "--yes"),  # cadre 3 taken back
        ]
        for step in steps:
            assert cli(*step).code == 0, step
        assert "AUTOINCREMENT" not in str(_schema(db_path))
        # as the previous version gave numbers: visit 3 again (and removed again)
        assert "已登记走访 3：" in cli(*VISIT, "--date", "6-4", "--household", "王秀英").out
        assert cli("undo", "--yes").code == 0
        rows = _rows(db_path)
    assert cli("visit", "list").code == 0  # opened: upgraded
    upgraded = _rows(db_path)
    # migration 12's day tallies, filled from the two visits left; the rest as it was
    tallies = [r for r in upgraded if r.startswith('INSERT INTO "visit_day')]
    assert tallies == [
        """INSERT INTO "visit_day" VALUES('2026-06-01',1,0,0,1,0,0,1);""",
        """INSERT INTO "visit_day" VALUES('2026-06-02',1,1,0,0,0,0,1);""",
        """INSERT INTO "visit_day_section" VALUES('2026-06-01',1,1,0,0,1,0,0,1);""",
        """INSERT INTO "visit_day_section" VALUES('2026-06-02',1,1,1,0,0,0,0,1);""",
    ]
    assert [r for r in upgraded if r not in tallies] == rows
    fresh = tmp_path / "fresh.db"
    engine_mod.open_database(str(fresh), create=True).dispose()
    assert _schema(db_path) == _schema(fresh)
    assert rows_of(db_path, "select name, seq from sqlite_sequence order by name") == [
        ("cadre", 3),
        ("community", 1),
        ("household", 1),
        ("link", 1),
        ("problem", 1),
        ("problem_step", 1),
        ("section", 1),
        ("visit", 3),
    ]
    assert rows_of(db_path, "pragma foreign_key_check") == []
    assert rows_of(db_path, "pragma foreign_keys") == [(0,)]  # (a plain connection's default)
    assert "已登记走访 4：" in cli(*VISIT, "--date", "6-5", "--household", "王秀英").out
    assert "编号 4。" in cli("cadre", "add", "曾强", "--section", "综合科").out
    # the triggers made again still keep the visits' sections
    assert rows_of(db_path, "select visit_id, section_id, cadres from visit_section") == [
        (1, 1, 1),
        (2, 1, 1),
        (4, 1, 1),
    ]
    check = cli("db", "check", "-f", "json")
    assert check.code == 0, check


def test_db_copy_goes_on_past_the_numbers_used(cli: Cli, tmp_path: Path, db_path: Path) -> None:
    """A copy (onto a server, or another file) gives no number the source had given: the
    largest record removed there before the copy keeps its number."""
    from tests.conftest import location

    source = tmp_path / "source.db"
    steps = [
        ("init", "--year", "2026"),
        ("section", "add", "综合科"),
        ("section", "add", "信访科"),
        ("section", "remove", "信访科"),  # section 2: the journal's alone
        ("cadre", "add", "单丽", "--section", "综合科"),
        ("cadre", "add", "李娜", "--section", "综合科"),
        ("cadre", "remove", "李娜"),  # cadre 2
    ]
    for step in steps:
        assert cli("--db", source, *step).code == 0, step
    target = location(db_path)
    assert cli("--db", source, "db", "copy", "--to", target).code == 0
    for db in (source, target):
        assert "编号 3。" in cli("--db", db, "section", "add", "财务科").out, db
        assert "编号 3。" in cli("--db", db, "cadre", "add", "曾强", "--section", "综合科").out


def test_an_import_numbers_its_records_past_a_removed_one(
    base: Cli, db_path: Path, tmp_path: Path
) -> None:
    """New records of an import go on past the largest number used, a removed record's, and
    are journaled (and undone) under those numbers."""
    from tests.test_journal import write_csv

    assert base("household", "add", "李四", "--community", "幸福社区").code == 0
    assert base("household", "remove", "李四").code == 0  # household 2
    rows = [["户主姓名", "社区"], ["赵六", "幸福社区"], ["孙七", "前河湾村"]]
    result = base("household", "import", write_csv(tmp_path / "h.csv", rows))
    assert result.code == 0 and "新增 2" in result.out, result
    assert rows_of(db_path, "select id, name from household order by id") == [
        (1, "王秀英"),
        (3, "赵六"),
        (4, "孙七"),
    ]
    assert rows_of(
        db_path,
        "select record_id, last_record_id from journal_change"
        " where journal_id = (select max(id) from journal) and table_name = 'household'",
    ) == [(3, 4)]
    assert base("undo", "--yes").code == 0
    assert rows_of(db_path, "select id from household") == [(1,)]
    assert "编号 5。" in base("household", "add", "李四", "--community", "幸福社区").out


def _version_9(cli: Cli, monkeypatch: pytest.MonkeyPatch, *steps: tuple[str, ...]) -> None:
    """``steps`` run by the program as version 9 left it (no AUTOINCREMENT, no counters)."""
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:9])
        for step in steps:
            assert cli(*step).code == 0, step


@pytest.mark.sqlite_only(reason="db restore copies the SQLite file; version 9 on SQLite")
@pytest.mark.parametrize("in_shell", [False, True])
def test_a_restore_between_versions_gives_no_number_twice(
    cli: Cli,
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    shell_run: Any,
    in_shell: bool,
) -> None:
    """A version-9 ledger backed up at 1 section, 2 more added, then restored by this
    version (in the shell too, where the database is kept open): on record, and the next
    section is 4 — the replaced ledger's numbers are not given again, though neither file
    kept counters (the backup is upgraded before anything reads it)."""
    folder = tmp_path / "备份#1"  # (a # in a folder's name cut the file's URI short)
    folder.mkdir()
    backup = folder / "早上.db"
    _version_9(cli, monkeypatch, ("init", "--year", "2026"), ("section", "add", "甲科"))
    shutil.copyfile(db_path, backup)
    _version_9(cli, monkeypatch, ("section", "add", "乙科"), ("section", "add", "丙科"))
    lines = ("campaign show", f"db restore '{backup}' --yes", "section add 丁科")
    if in_shell:
        result = shell_run(*lines)
        assert result.code == 0, result
        assert "已用" in result.out and "已添加科室“丁科”，编号 4" in result.out, result
    else:
        assert cli("db", "restore", backup, "--yes").code == 0
        assert "编号 4" in cli("section", "add", "丁科").out
    entries = cli("history", "-n", "2", "-f", "json").json()
    assert [e["command"] for e in entries] == ["section add", "db restore"]
