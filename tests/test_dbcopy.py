"""``db copy --to URL`` and the database server's refusals as one Chinese sentence each.

The copy goes from a SQLite file into the test's own database: on PostgreSQL
(``SANLIAN_TEST_PG``) an empty migrated database on the server, else a new SQLite file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import Cli, dump, execute_sql, location, on_pg, rows_of
from tests.test_selfcheck import build_ledger

# build_ledger's rows per table, counted from its docstring: 2 campaigns × 3 seed phases,
# 2 sections, 6 cadres, 2 + 2 + 3 parties, 9 links, 5 visits with 7 cadres who went,
# 7 problems, 11 activities (A6 left out) …
EXPECTED = {
    "campaign": 2,
    "phase": 6,
    "section": 2,
    "cadre": 6,
    "community": 2,
    "enterprise": 2,
    "household": 3,
    "link": 9,
    "visit": 5,
    "visit_cadre": 7,
    "problem": 7,
    "research": 6,
}


def _source(tmp_path: Path) -> Path:
    source = tmp_path / "source.db"
    build_ledger(source)
    return source


def test_copy_gives_the_same_figures(cli: Cli, tmp_path: Path, db_path: Path) -> None:
    source = _source(tmp_path)
    target = location(db_path)
    result = cli("--db", source, "db", "copy", "--to", target, "-f", "json")
    assert result.code == 0, result
    counts = {r["table"]: r["rows"] for r in result.json()}
    for table, n in EXPECTED.items():
        assert counts[table] == n, table
    for table, n in counts.items():  # every table, as many rows as the source holds
        assert rows_of(source, f"select count(*) from {table}") == [(n,)], table
        assert rows_of(db_path, f"select count(*) from {table}") == [(n,)], table
    # the (visit, section) pairs are not copied: the target's triggers made the same ones
    pairs = "select visit_id, section_id, cadres from visit_section order by 1, 2"
    assert rows_of(db_path, pairs) == rows_of(source, pairs)
    assert len(rows_of(source, pairs)) == 6  # visit 1 went with cadres of both sections
    # nor the day tallies: the target's triggers made the same ones
    for table in ("visit_day", "visit_day_section"):
        tallies = f"select * from {table} order by 1, 2"
        assert rows_of(db_path, tallies) == rows_of(source, tallies) != [], table
    assert "已把" in result.err and "行复制到" in result.err
    assert f"共 {sum(counts.values())} 行" in result.err

    for args in (
        ("selfcheck", "-f", "json"),
        ("selfcheck", "--year", "2025", "--as-of", "2025-12-31", "-f", "json"),
        ("supervise", "-f", "json"),
        ("progress", "--by", "cadre", "-f", "json"),
        ("problem", "list", "-f", "json"),
        ("link", "list", "-f", "json"),
    ):
        here, there = cli("--db", source, *args), cli("--db", target, *args)
        assert here.code == 0 and there.code == 0, (here, there)
        assert there.json() == here.json(), args
    figures = cli("--db", target, "selfcheck", "-f", "json").json()["figures"]
    assert figures["problems_raised"] == 6 and figures["funds_yuan"] == "12845.67"  # MID_YEAR

    # The ids go on from the copied ones (the server's sequences were set past them).
    for db in (source, target):
        added = cli("--db", db, "section", "add", "新设科")
        assert added.code == 0, added
    sections = cli("--db", target, "section", "list", "-f", "json").json()
    assert [s["id"] for s in sections] == [1, 2, 3]
    assert sections == cli("--db", source, "section", "list", "-f", "json").json()

    # the tallies' triggers run again on the target (for any program: ENABLE ALWAYS there)
    for statements in (
        ["update visit set cards = 7, visited_on = '2026-06-30' where id = 1"],
        ["delete from visit where id = 2", "delete from visit_cadre where visit_id = 2"],
    ):
        execute_sql(db_path, *statements)
        check = cli("--db", target, "db", "check", "-f", "json").json()
        assert {f["check"]: f["ok"] for f in check}["visit_days"], check


def test_copy_of_a_source_whose_tallies_drifted(cli: Cli, tmp_path: Path, db_path: Path) -> None:
    """Another program wrote around the source's triggers: its derived tables hold other
    numbers of rows than their records give. The copy counts them again from the copied
    records (right), says which were off and how to mend the source, and exits 0."""
    source = _source(tmp_path)
    execute_sql(
        source,
        "insert into visit_day (visited_on, visits, visits_community, visits_enterprise, "
        "visits_household, contact_cards, diaries, person_times) "
        "values ('2026-02-02', 3, 3, 0, 0, 0, 0, 3)",  # a day nobody visited
        "drop trigger visit_day_pair_delete",  # the pair's tallies left as they were
        "delete from visit_section where visit_id = 1",  # visit 1's two sections
    )
    target = location(db_path)
    result = cli("--db", source, "db", "copy", "--to", target)
    assert result.code == 0, result
    lines = [line for line in result.err.splitlines() if line.startswith("提示")]
    assert len(lines) == 2, result.err
    said = {line.split("“")[1].split("”")[0]: line for line in lines}
    assert set(said) == {"走访与科室对应表", "按日走访统计表"}, lines
    pairs, day = said["走访与科室对应表"], said["按日走访统计表"]
    assert "原库 4 行，按复制的记录应有 6 行" in pairs and "db check --repair" in pairs, pairs
    days = rows_of(source, "select count(*) from visit_day")[0][0]
    assert f"原库 {days} 行，按复制的记录应有 {days - 1} 行" in day, day
    assert "Traceback" not in result.err

    # the target's are what the source's give once repaired (the trigger made again there)
    repaired = cli("--db", source, "db", "check", "--repair", "-f", "json").json()
    ok = {f["check"]: f["ok"] for f in repaired}
    assert ok["visit_sections"] and ok["visit_days"], repaired  # (the ledger breaks a rule)
    trigger = "select count(*) from sqlite_master where name = 'visit_day_pair_delete'"
    assert rows_of(source, trigger) == [(1,)]
    for table in ("visit_section", "visit_day", "visit_day_section"):
        everything = f"select * from {table} order by 1, 2"
        assert rows_of(db_path, everything) == rows_of(source, everything) != [], table
    copied = cli("--db", target, "db", "check", "-f", "json").json()
    assert {f["check"]: f["ok"] for f in copied} == ok, copied


def test_copy_refuses_a_target_that_holds_data(cli: Cli, tmp_path: Path, db_path: Path) -> None:
    source = _source(tmp_path)
    target = location(db_path)
    assert cli("--db", source, "db", "copy", "--to", target).code == 0
    before = dump(db_path)
    again = cli("--db", source, "db", "copy", "--to", target)
    assert again.code == 1 and "已有数据" in again.err and "干部" in again.err, again
    assert "Traceback" not in again.err
    assert dump(db_path) == before


def test_copy_refuses_the_database_itself(cli: Cli, tmp_path: Path) -> None:
    source = _source(tmp_path)
    result = cli("--db", source, "db", "copy", "--to", source)
    assert result.code == 1 and "就是当前数据库" in result.err, result


def test_copy_to_nothing_is_refused(cli: Cli) -> None:
    assert cli("init", "--year", "2026").code == 0
    for blank in ("", " "):
        result = cli("db", "copy", "--to", blank)
        assert result.code == 1, result
        assert result.err.strip() == "“目标数据库（--to）”不能为空，请填写目标数据库（--to）。"


def test_a_target_that_is_not_a_ledger_is_said_of_to(cli: Cli, tmp_path: Path) -> None:
    # the refusal names --to, the option to mend (not --db/SANLIAN_DB, the ledger's own)
    source = _source(tmp_path)
    other = tmp_path / "other.db"
    other.write_bytes(b"hello, not a database\n" * 100)
    folder = tmp_path / "folder.db"
    folder.mkdir()
    for target, words in ((other, "不是 sanlian 数据库文件"), (folder, "是一个文件夹")):
        result = cli("--db", source, "db", "copy", "--to", target)
        assert result.code == 1 and result.err.startswith(f"复制的目标 {target} "), result
        assert words in result.err and "--to" in result.err and "--db" not in result.err
    assert other.read_bytes() == b"hello, not a database\n" * 100
    assert list(folder.iterdir()) == []


def test_failed_copy_leaves_the_target_empty(
    cli: Cli, tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sanlian.services import dbcopy

    source = _source(tmp_path)
    real = dbcopy._count
    calls = {"n": 0}

    def miscount(conn, table):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        n = real(conn, table)
        return n + 1 if table.name == "problem" and conn.dialect.name == "postgresql" else n

    if not on_pg():  # both sides are SQLite: miscount the target (the second count) instead

        def miscount(conn, table):  # type: ignore[no-untyped-def]
            calls["n"] += 1
            n = real(conn, table)
            return n + 1 if table.name == "problem" and calls["n"] % 2 == 0 else n

    monkeypatch.setattr(dbcopy, "_count", miscount)
    monkeypatch.setattr(dbcopy, "BATCH", 2)  # several batches already written when it fails
    result = cli("--db", source, "db", "copy", "--to", location(db_path))
    assert result.code == 1 and "行数不符" in result.err and "已全部撤回" in result.err, result
    if on_pg():  # the schema is there, not one row
        assert [line for line in dump(db_path) if not line.startswith("schema_migrations")] == []
    else:  # the new file is removed again
        assert not db_path.exists()


def test_server_url_password_never_shown(cli: Cli) -> None:
    url = "postgresql+psycopg://clerk:s3cret-pw@127.0.0.1:1/sanlian"
    shown = cli("--db", url, "db", "path")
    assert (
        shown.code == 0
        and shown.out.strip() == "postgresql+psycopg://clerk:***@127.0.0.1:1/sanlian"
    )
    down = cli("--db", url, "section", "list")
    assert down.code == 1, down
    assert "连不上数据库服务器" in down.err and "127.0.0.1:1" in down.err
    assert "s3cret" not in down.err + down.out and "Traceback" not in down.err
    copy = cli("--db", url, "db", "copy", "--to", "postgresql://a:other-pw@127.0.0.1:1/x")
    assert copy.code == 1 and "s3cret" not in copy.err and "other-pw" not in copy.err


def test_urls_that_are_not_a_database(cli: Cli) -> None:
    for url in ("postgresql+psycopg://u:pw@host:notaport/x", "mysql://u:pw@127.0.0.1/x"):
        result = cli("--db", url, "section", "list")
        assert result.code == 1 and "无法识别" in result.err, result
        assert ":pw@" not in result.err and "Traceback" not in result.err


def test_missing_driver_says_what_to_install(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now fails
    result = cli("--db", "postgresql+psycopg://u:pw@127.0.0.1:1/x", "section", "list")
    assert result.code == 1, result
    assert (
        result.err.strip() == "要使用 PostgreSQL 数据库，请先安装驱动：pip install 'sanlian[pg]'。"
    )


def test_server_refusals_are_one_sentence_each() -> None:
    from sanlian.db.engine import server_error

    url = "postgresql+psycopg://clerk:pw@db.example:5432/sanlian"
    said = {
        'FATAL:  password authentication failed for user "clerk"': "用户名或密码不对",
        'FATAL:  database "sanlian" does not exist': "没有",
        'FATAL:  role "clerk" does not exist': "用户名或密码不对",
        "connection failed: Connection refused": "连不上",
        "permission denied for schema public": "没有所需权限",
    }
    for reason, words in said.items():
        error = server_error(Exception(reason), url)
        assert error is not None and words in error.message, reason
        assert "pw" not in error.message.replace("postgresql", "")


@pytest.mark.skipif(not on_pg(), reason="needs the PostgreSQL server of SANLIAN_TEST_PG")
def test_missing_database_on_a_real_server(cli: Cli) -> None:
    from sqlalchemy.engine import make_url

    from tests.conftest import PG_SERVER

    url = make_url(PG_SERVER).set(database="sanlian_no_such_db", password="pw-secret")
    result = cli("--db", url.render_as_string(hide_password=False), "section", "list")
    assert result.code == 1 and "服务器上没有" in result.err, result
    assert "pw-secret" not in result.err


@pytest.mark.skipif(not on_pg(), reason="needs the PostgreSQL server of SANLIAN_TEST_PG")
def test_two_clerks_write_one_after_the_other(base: Cli, db_path: Path) -> None:
    """Clerk A is adding section 新科 and has not committed; clerk B adds the same name. B waits
    for A (no timing: we watch B's lock request in pg_locks), then sees A's row and is refused."""
    import threading

    from sqlalchemy import create_engine, text

    from sanlian.db.engine import lock_for_write, open_database

    url = location(db_path)
    clerk_a = open_database(url)
    watcher = create_engine(url)
    results: list[object] = []
    try:
        with clerk_a.session() as session:
            lock_for_write(session)
            session.execute(text("insert into section (name, created_at) values ('新科', now())"))
            session.flush()
            clerk_b = threading.Thread(
                target=lambda: results.append(base("section", "add", "新科"))
            )
            clerk_b.start()
            with watcher.connect() as conn:
                waiting = 0
                for _ in range(600):  # B's request shows up as an ungranted advisory lock
                    waiting = conn.execute(
                        text(
                            "select count(*) from pg_locks where locktype = 'advisory' and not granted"
                        )
                    ).scalar_one()
                    if waiting or not clerk_b.is_alive():
                        break
                    conn.execute(text("select pg_sleep(0.05)"))
            assert waiting == 1 and clerk_b.is_alive()
        clerk_b.join(60)
    finally:
        clerk_a.dispose()
        watcher.dispose()
    (result,) = results
    assert result.code == 1 and "已存在" in result.err, result  # type: ignore[attr-defined]
    sections = base("section", "list", "-f", "json").json()
    assert [s["name"] for s in sections].count("新科") == 1
