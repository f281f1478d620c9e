"""The database: file mode, pragmas, migrations that match the models and leave nothing half-done."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from sanlian.db import engine as engine_mod
from sanlian.db import migrations
from sanlian.errors import DatabaseError
from tests.conftest import Cli, execute_sql, on_pg


def test_file_created_with_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "x.db"
    db = engine_mod.open_database(str(path), create=True)
    db.dispose()
    assert path.exists()
    assert (os.stat(path).st_mode & 0o777) == 0o600


def test_missing_database_is_refused_on_read(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError) as info:
        engine_mod.open_database(str(tmp_path / "none.db"))
    assert "sanlian init" in info.value.message
    assert not (tmp_path / "none.db").exists()


def test_migrated_schema_equals_models(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import sanlian.db.models  # noqa: F401

    db = engine_mod.open_database(str(tmp_path / "x.db"), create=True)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    db.dispose()
    assert diff == []


def test_second_open_applies_nothing(tmp_path: Path) -> None:
    path = str(tmp_path / "x.db")
    engine_mod.open_database(path, create=True).dispose()
    db = engine_mod.open_database(path)
    assert engine_mod.migrate(db.engine) == []
    with db.engine.connect() as conn:
        rows = conn.execute(sa.text("select version, name from schema_migrations")).all()
    db.dispose()
    assert [tuple(r) for r in rows] == [(v, n) for v, n, _f in migrations.MIGRATIONS]


def test_failing_migration_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = str(tmp_path / "x.db")
    engine_mod.open_database(path, create=True).dispose()

    def broken(op: object) -> None:
        op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))  # type: ignore[attr-defined]
        op.add_column("cadre", sa.Column("nickname", sa.String()))  # type: ignore[attr-defined]
        raise RuntimeError("fails half-way")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, (99, "broken", broken)])
    with pytest.raises(RuntimeError):
        engine_mod.open_database(path)
    con = sqlite3.connect(path)
    tables = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
    cadre_columns = {r[1] for r in con.execute("pragma table_info(cadre)")}
    versions = [r[0] for r in con.execute("select version from schema_migrations")]
    con.close()
    assert "half_done" not in tables
    assert "nickname" not in cadre_columns
    assert 99 not in versions


def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = str(tmp_path / "x.db")
    engine_mod.open_database(path, create=True).dispose()
    con = sqlite3.connect(path)
    con.execute("insert into schema_migrations values (999, 'future', '2030-01-01')")
    con.commit()
    con.close()
    with pytest.raises(DatabaseError) as info:
        engine_mod.open_database(path)
    assert "升级" in info.value.message
    assert info.value.message.startswith(f"数据库 {path} 由更新版本")  # its path, not a URL


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    db = engine_mod.open_database(str(tmp_path / "x.db"), create=True)
    with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
        conn.execute(
            sa.text(
                "insert into cadre (name, section_id, is_leader, created_at) "
                "values ('某人', 42, 0, '2026-01-01')"
            )
        )
    db.dispose()


def test_default_location_uses_platformdirs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SANLIAN_DB")
    location = engine_mod.default_location()
    assert location.endswith(os.path.join("sanlian", "sanlian.db"))
    assert location.startswith(str(tmp_path))  # the test's own HOME, never the user's


def test_refused_first_write_leaves_no_file(cli, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("cadre", "add", "张伟", "--section", "办公室")
    assert result.code == 1
    assert not db_path.exists()


@pytest.mark.sqlite_only(reason="a database file and its folders")
def test_refused_first_write_leaves_no_folder(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As on a new computer: the data folder made for the database goes with it; a folder
    that was there, or that holds something else by then, stays."""
    monkeypatch.delenv("SANLIAN_DB")
    location = Path(engine_mod.default_location())
    there = next(folder for folder in location.parents if folder.exists())
    made = location.parents[list(location.parents).index(there) - 1]
    assert made != location.parent  # (more than one folder to make)
    result = cli("cadre", "add", "张伟", "--section", "办公室")
    assert result.code == 1 and "Traceback" not in result.err
    assert not made.exists() and there.exists()
    (tmp_path / "有").mkdir()
    result = cli(
        "--db", tmp_path / "有" / "新" / "台账.db", "cadre", "add", "张伟", "--section", "办公室"
    )
    assert result.code == 1
    assert sorted(p.name for p in (tmp_path / "有").iterdir()) == []
    assert cli("--db", tmp_path / "有" / "新" / "台账.db", "init", "--year", "2026").code == 0
    assert (tmp_path / "有" / "新" / "台账.db").exists()
    # a way through a folder that is not there yet: the folder it names may be one that is
    (tmp_path / "空").mkdir()
    through = tmp_path / "无" / ".." / "空" / "台账.db"
    result = cli("--db", through, "cadre", "add", "张伟", "--section", "办公室")
    assert result.code == 1 and (tmp_path / "空").is_dir() and not (tmp_path / "无").exists()


@pytest.mark.sqlite_only(reason="a database file and its folders")
def test_a_first_import_without_a_database_is_refused(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import on a new computer, before ``init``: refused like any write (a mistyped
    ``--db`` or ``SANLIAN_DB`` would else start a stray ledger), no file or folder made."""
    monkeypatch.delenv("SANLIAN_DB")
    location = Path(engine_mod.default_location())
    path = tmp_path / "户.csv"
    path.write_text("户主姓名,所在社区(村)\n李四,没有这个社区\n", encoding="utf-8-sig")
    result = cli("household", "import", path, "--skip-bad")
    assert result.code == 1, result
    assert result.err.splitlines()[-1].endswith("还不存在，请先运行 sanlian init 建立本年度活动。")
    assert not location.exists() and not location.parent.exists()
    assert not (tmp_path / "户.错误.csv").exists()


@pytest.mark.sqlite_only(
    reason="BEGIN IMMEDIATE is SQLite's; a server write takes an advisory lock"
)
def test_a_write_takes_the_write_lock_before_it_reads(tmp_path: Path) -> None:
    """A deferred transaction that reads and then writes fails at once with "database is
    locked" when another clerk wrote in between; a write therefore begins IMMEDIATE."""
    db = engine_mod.open_database(str(tmp_path / "x.db"), create=True)
    seen: list[str] = []
    sa.event.listen(
        db.engine, "before_cursor_execute", lambda *args: seen.append(args[2].split()[0:2])
    )
    with db.session(write=True) as session:
        session.execute(sa.text("select 1"))
    with db.session() as session:
        session.execute(sa.text("select 1"))
    db.dispose()
    begins = [" ".join(s) if s[1:] == ["IMMEDIATE"] else s[0] for s in seen if s[0] == "BEGIN"]
    assert begins == ["BEGIN IMMEDIATE", "BEGIN"]


@pytest.mark.sqlite_only(reason="the busy timeout of a SQLite file")
def test_a_writer_waits_for_another_then_fails_with_a_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "x.db"
    engine_mod.open_database(str(path), create=True).dispose()
    monkeypatch.setattr(engine_mod, "BUSY_TIMEOUT", 0.3)
    db = engine_mod.open_database(str(path))
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("begin immediate")  # another clerk's write in progress
    try:
        with pytest.raises(sa.exc.OperationalError) as info, db.session(write=True) as session:
            session.execute(sa.text("select 1"))
    finally:
        other.execute("rollback")
        other.close()
        db.dispose()
    assert engine_mod.database_error_key(info.value) == "db_locked"


def test_this_database_migrates_to_the_models(db_path: Path) -> None:
    """The test's own database, SQLite or (with SANLIAN_TEST_PG) PostgreSQL."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import sanlian.db.models  # noqa: F401
    from tests.conftest import location

    db = engine_mod.open_database(location(db_path), create=True)
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    db.dispose()
    # Timestamps are TIMESTAMP (without time zone) holding UTC, on PostgreSQL as on SQLite: the
    # models' aware datetimes match them because every server session runs in UTC (see below).
    diff = [
        d
        for d in diff
        if not (
            isinstance(d, list)
            and d[0][0] == "modify_type"
            and type(d[0][5]).__name__ == "TIMESTAMP"
            and type(d[0][6]).__name__ == "UTCDateTime"
        )
    ]
    assert diff == []


@pytest.mark.skipif(not on_pg(), reason="needs the PostgreSQL server of SANLIAN_TEST_PG")
def test_timestamps_stay_utc_whatever_the_server_time_zone(db_path: Path) -> None:
    import datetime as dt

    from sqlalchemy import create_engine

    from sanlian.db.models import Journal
    from tests.conftest import location, rows_of

    url = location(db_path)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        name = conn.exec_driver_sql("select current_database()").scalar()
        conn.exec_driver_sql(f"ALTER DATABASE \"{name}\" SET timezone TO 'Asia/Shanghai'")
    admin.dispose()
    at = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC)
    db = engine_mod.open_database(url)
    with db.session() as s:
        s.add(Journal(at=at, operator="测试员", command="test", summary="时区"))
    with db.session() as s:
        got = s.exec(sa.select(Journal.at).where(Journal.command == "test")).one()[0]  # type: ignore[call-overload]
    db.dispose()
    assert got == at
    assert rows_of(db_path, "select at from journal where command = 'test'") == [
        ("2026-01-01 08:00:00",)
    ]


def test_failing_migration_leaves_this_database_as_it_was(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DDL is transactional on both: a migration that fails half-way leaves no trace."""
    from tests.conftest import location

    where = location(db_path)
    engine_mod.open_database(where, create=True).dispose()

    def broken(op: object) -> None:
        op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))  # type: ignore[attr-defined]
        op.add_column("cadre", sa.Column("nickname", sa.String()))  # type: ignore[attr-defined]
        raise RuntimeError("fails half-way")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, (99, "broken", broken)])
    with pytest.raises(RuntimeError):
        engine_mod.open_database(where)
    monkeypatch.undo()
    db = engine_mod.open_database(where)
    inspector = sa.inspect(db.engine)
    tables = set(inspector.get_table_names())
    cadre_columns = {c["name"] for c in inspector.get_columns("cadre")}
    with db.engine.connect() as conn:
        versions = list(conn.execute(sa.text("select version from schema_migrations")).scalars())
    db.dispose()
    assert "half_done" not in tables and "nickname" not in cadre_columns
    assert sorted(versions) == [v for v, _n, _f in migrations.MIGRATIONS]


@pytest.mark.sqlite_only(reason="the schema before migration 7, made by dropping columns")
def test_handovers_made_before_are_found_in_the_journal(base: Cli, db_path: Path) -> None:
    """Migration 7 marks the handover steps made before it (``problem edit --owner`` of an
    open problem) from the change journal: the owner given and the one before. A handover
    undone, whose step's number a later step of another kind took, is not marked."""
    steps = [
        ("problem", "add", "--community", "幸福社区", "--category", "公共设施", "--text", "路灯")
        + ("--owner", "曾强", "--date", "2026-04-01"),
        ("problem", "add", "--community", "幸福社区", "--category", "公共设施", "--text", "下水道")
        + ("--date", "2026-04-01"),
        ("problem", "edit", "1", "--owner", "单丽", "--date", "2026-05-10"),
        ("problem", "edit", "2", "--owner", "张伟@办公室", "--date", "2026-05-11"),
        ("problem", "edit", "1", "--owner", "曾强", "--date", "2026-05-12"),
        ("undo", "--yes"),  # the last handover undone: its step deleted …
    ]
    for step in steps:
        assert base(*step).code == 0, step
    # … and its number taken by a progress step, as it was before migration 10 (a number freed
    # was given out again)
    execute_sql(db_path, "UPDATE sqlite_sequence SET seq = 4 WHERE name = 'problem_step'")
    step = ("problem", "progress", "1", "--note", "已联系施工队", "--date", "2026-05-12")
    assert base(*step).code == 0
    query = "SELECT id, problem_id, kind, owner_id, previous_owner_id FROM problem_step ORDER BY id"
    con = sqlite3.connect(db_path)
    marked = con.execute(query).fetchall()
    assert marked == [
        (1, 1, "raise", None, None),
        (2, 2, "raise", None, None),
        (3, 1, "progress", 3, 4),  # 曾强 (4) → 单丽 (3)
        (4, 2, "progress", 1, None),  # nobody → 张伟 (1)
        (5, 1, "progress", None, None),  # … and its number taken by a progress step
    ]
    con.execute("DROP INDEX ix_problem_step_owner")
    con.execute("DROP INDEX ix_problem_step_previous_owner")  # (migration 11's)
    con.execute("ALTER TABLE problem_step DROP COLUMN owner_id")
    con.execute("ALTER TABLE problem_step DROP COLUMN previous_owner_id")
    con.execute("DELETE FROM schema_migrations WHERE version IN (7, 11)")
    con.commit()
    con.close()
    assert base("problem", "list").code == 0  # opened: migration 7 runs
    con = sqlite3.connect(db_path)
    assert con.execute(query).fetchall() == marked
    con.close()


@pytest.mark.sqlite_only(reason="a database file")
def test_an_empty_file_is_no_ledger_until_init(cli, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    # ``: > 台账.db`` or a failed copy: a listing or an entry does not take it for an empty
    # ledger (and write one into it); ``init`` does make it one
    db_path.write_bytes(b"")
    for args in (("cadre", "list"), ("section", "add", "办公室")):
        result = cli(*args)
        assert result.code == 1 and "是个空文件（0 字节），还不是台账" in result.err, args
        assert db_path.stat().st_size == 0
    db_path.chmod(0o644)
    assert cli("init", "--year", "2026").code == 0
    assert (os.stat(db_path).st_mode & 0o777) == 0o600  # a ledger now: its owner's alone
    assert cli("section", "add", "办公室").code == 0


def test_a_write_to_a_mistyped_database_starts_no_ledger(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    typo = tmp_path / "typo" / "台账.db"
    result = cli("--db", typo, "section", "add", "办公室")
    assert result.code == 1 and result.err.strip().endswith(
        "请先运行 sanlian init 建立本年度活动。"
    )
    assert not typo.exists() and not typo.parent.exists()


def test_a_table_gone_under_a_running_shell_is_said_in_chinese() -> None:
    # the file emptied or replaced while ``sanlian shell`` keeps it open: the shell's next
    # command meets no table where one-shot commands find no sanlian database; both say so
    from sanlian.db.engine import database_error_key

    assert database_error_key(sqlite3.OperationalError("no such table: cadre")) == "db_not_database"
    assert database_error_key(sqlite3.OperationalError("no such column: x")) is None


@pytest.mark.sqlite_only(reason="a database file")
def test_a_sqlite_address_is_its_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # ``sqlite:////…/台账.db`` names a file: missing, it is refused as a path would be
    missing = tmp_path / "无" / "台账.db"
    result = cli("--db", f"sqlite:///{missing}", "section", "add", "办公室")
    assert result.code == 1 and "还不存在，请先运行 sanlian init" in result.err
    assert not missing.exists() and not missing.parent.exists()
    assert cli("--db", f"sqlite:///{missing}", "init", "--year", "2026").code == 0
    assert (os.stat(missing).st_mode & 0o777) == 0o600
    assert cli("--db", f"sqlite:///{missing}", "section", "add", "办公室").code == 0
    assert "办公室" in cli("--db", missing, "section", "list").out
