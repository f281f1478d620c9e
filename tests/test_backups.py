"""Backups: the rotating set beside the database, automatic copies before a migration and an
import, and a restore that checks the file before it replaces anything (issue 6, item 2)."""

from __future__ import annotations

import errno
import os
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from sanlian.db import migrations
from sanlian.services import backups
from tests.conftest import Cli, dump, other_programs_db

pytestmark = pytest.mark.sqlite_only(
    reason="about the SQLite file itself: copies, damage, permissions, locks"
)

FIXTURE_V1 = Path(__file__).parent / "fixtures" / "schema_v1.db"


def _set(db_path: Path) -> Path:
    return db_path.parent / "sanlian-backups"


def _sections_csv(path: Path, names: list[str]) -> Path:
    path.write_text("科室名称\n" + "".join(f"{n}\n" for n in names), encoding="utf-8")
    return path


def test_backup_without_a_file_goes_into_the_private_set(base: Cli, db_path: Path) -> None:
    result = base("db", "backup")
    assert result.code == 0, result
    folder = _set(db_path)
    files = list(folder.glob("sanlian-*-manual.db"))
    assert len(files) == 1
    assert str(files[0]) in result.out
    assert (os.stat(folder).st_mode & 0o777) == 0o700
    assert (os.stat(files[0]).st_mode & 0o777) == 0o600
    assert dump(files[0]) == dump(db_path)
    rows = base("db", "backups", "-f", "json").json()
    assert [(r["id"], r["reason"], r["reason_label"], r["path"]) for r in rows] == [
        (1, "manual", "手动备份", str(files[0]))
    ]


def test_backups_listing_when_there_are_none(base: Cli, db_path: Path) -> None:
    result = base("db", "backups")
    assert result.code == 0
    assert "还没有备份" in result.out and str(_set(db_path)) in result.out
    assert base("db", "backups", "-f", "json").json() == []


def test_an_import_is_preceded_by_a_copy_of_the_database(
    base: Cli, db_path: Path, tmp_path: Path
) -> None:
    before = dump(db_path)
    csv = _sections_csv(tmp_path / "科室.csv", ["法规科", "财务科"])
    assert base("section", "import", csv, "--dry-run").code == 0
    assert not _set(db_path).exists()  # a dry run writes nothing, not even a backup
    result = base("section", "import", csv)
    assert result.code == 0, result
    copies = list(_set(db_path).glob("sanlian-*-import.db"))
    assert len(copies) == 1
    assert "导入前已自动备份数据库" in result.err
    assert dump(copies[0]) == before  # the database as it was, without 法规科 and 财务科
    assert "法规科" in base("section", "list").out


def test_automatic_copies_rotate_but_manual_ones_stay(base: Cli, db_path: Path) -> None:
    assert base("db", "backup").code == 0
    made = [backups.take(str(db_path), "import") for _ in range(backups.KEEP + 3)]
    left = sorted(p.name for p in _set(db_path).glob("*.db"))
    assert len(left) == backups.KEEP + 1
    assert sum(name.endswith("-manual.db") for name in left) == 1
    kept = {p.name for p in made[-backups.KEEP :] if p is not None}
    assert kept <= set(left)  # the newest ten automatic copies are the ones kept
    assert not any(p is not None and p.exists() for p in made[:3])


def test_databases_in_one_folder_keep_their_own_sets(base: Cli, db_path: Path) -> None:
    # A practice copy beside the real database (names with dashes and digits, like a stamp)
    # imports often: its automatic copies never push the real one's out, nor are listed with it.
    practice = db_path.with_name("练习-2026-20261129-101500.db")
    shutil.copy(db_path, practice)
    other = db_path.with_name("sanlian.sqlite")  # not sanlian.db's either
    shutil.copy(db_path, other)
    mine = backups.take(str(db_path), "import")
    assert mine is not None and mine.name.startswith("sanlian-")
    for _ in range(backups.KEEP + 2):
        made = backups.take(str(practice), "import")
        assert made is not None and made.name.startswith("练习-2026-20261129-101500-")
        assert backups.take(str(other), "import") is not None
    assert mine.exists()
    assert [b.path for b in backups.listing(str(db_path))] == [mine]
    theirs = backups.listing(str(practice))
    assert len(theirs) == backups.KEEP
    assert {b.owner for b in theirs} == {"练习-2026-20261129-101500"}
    assert len(backups.listing(str(other))) == backups.KEEP
    rows = base("db", "backups", "-f", "json").json()
    assert [r["path"] for r in rows] == [str(mine)]
    # a copy into a folder of one's choosing is named after its database too
    result = base("--db", practice, "db", "backup", f"{db_path.parent / 'bk'}/")
    assert result.code == 0, result
    (made,) = (db_path.parent / "bk").glob("*.db")
    assert made.name.startswith("练习-2026-20261129-101500-")


def test_a_backup_into_a_file_as_if_a_folder(base: Cli, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    result = base("db", "backup", tmp_path / "a.txt" / "b.db")
    assert result.code == 1
    said = f"{tmp_path / 'a.txt'} 是一个文件，不是文件夹，备份不能存到它里面"
    assert said in result.err, result.err
    result = base("db", "backup", f"{tmp_path / 'a.txt'}/")
    assert result.code == 1 and said in result.err, result.err
    assert (tmp_path / "a.txt").read_text() == "x"


def test_a_server_database_is_backed_up_with_pg_dump(cli: Cli) -> None:
    url = "postgresql+psycopg://clerk:secret@db.example/sanlian"
    for args in (("db", "backup"), ("db", "backups"), ("db", "restore", "x.db", "--yes")):
        result = cli("--db", url, *args)
        assert result.code == 1, result
        assert "pg_dump" in result.err and "Traceback" not in result.err
        assert "secret" not in result.err


def test_a_full_disk_while_writing_a_backup(
    base: Cli, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backups, "_backup_api", full)
    result = base("db", "backup")
    assert result.code == 1
    assert "磁盘已满" in result.err and "Traceback" not in result.err
    assert list(_set(db_path).glob("*")) == []  # no partial file left behind


def test_a_full_disk_while_writing_an_export(base: Cli, tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    target = tmp_path / "干部.csv"
    target.symlink_to("/dev/full")
    result = base("export", "cadre", "-o", target, "--force")
    assert result.code == 1, result
    assert "磁盘已满" in result.err and "Traceback" not in result.err


# --- migrations --------------------------------------------------------------------------


def _fake_migration(op: object) -> None:
    op.add_column("cadre", sa.Column("nickname", sa.String()))  # type: ignore[attr-defined]


def test_a_pending_migration_is_preceded_by_a_backup(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The schema-1 fixture with one more migration pending (a fake one: on this branch there
    is no second real migration yet) is copied into the set before it is migrated."""
    db = tmp_path / "old.db"
    shutil.copyfile(FIXTURE_V1, db)
    before = dump(db)
    known = max(v for v, _n, _f in migrations.MIGRATIONS)
    monkeypatch.setattr(
        migrations, "MIGRATIONS", [*migrations.MIGRATIONS, (known + 1, "nickname", _fake_migration)]
    )
    result = cli("--db", db, "cadre", "list", "-f", "json")
    assert result.code == 0, result
    copies = list((tmp_path / "sanlian-backups").glob("old-*-migrate.db"))  # old.db's copy
    assert len(copies) == 1
    assert dump(copies[0]) == before
    con = sqlite3.connect(db)
    versions = [r[0] for r in con.execute("select version from schema_migrations order by 1")]
    columns = {r[1] for r in con.execute("pragma table_info(cadre)")}
    cadres = con.execute("select count(*) from cadre").fetchone()[0]
    con.close()
    assert versions[-1] == known + 1 and "nickname" in columns
    old = sqlite3.connect(copies[0])
    assert old.execute("select count(*) from cadre").fetchone()[0] == cadres == len(result.json())
    old.close()
    # opening again: nothing pending, no second copy
    assert cli("--db", db, "section", "list").code == 0
    assert len(list((tmp_path / "sanlian-backups").glob("*.db"))) == 1


def test_a_new_database_is_not_backed_up(cli: Cli, db_path: Path) -> None:
    assert cli("init", "--year", "2026").code == 0
    assert not _set(db_path).exists()


# --- restore -----------------------------------------------------------------------------


def _corrupt_copy(source: Path, target: Path) -> Path:
    """A copy whose middle pages (the cadre table's own pages among them) are overwritten."""
    shutil.copyfile(source, target)
    con = sqlite3.connect(target)
    page = con.execute("pragma page_size").fetchone()[0]
    pages = con.execute("pragma page_count").fetchone()[0]
    root = con.execute("select rootpage from sqlite_master where name = 'cadre'").fetchone()[0]
    con.close()
    assert root > 1 and pages > 4
    with target.open("r+b") as fh:
        for number in {root, pages // 2, pages // 2 + 1}:
            fh.seek((number - 1) * page + 8)
            fh.write(bytes((i * 37 + 11) % 256 for i in range(page - 16)))
    return target


def test_restore_refuses_a_corrupted_copy(
    base: Cli, db_path: Path, tmp_path: Path, unchanged
) -> None:  # type: ignore[no-untyped-def]
    bad = _corrupt_copy(db_path, tmp_path / "坏的备份.db")
    result = unchanged(lambda: base("db", "restore", bad, "--yes"))
    assert "已损坏" in result.err and "完整性检查未通过" in result.err
    assert len(result.err.strip().splitlines()) == 1
    # what SQLite found, in Chinese (its own lines name pages and cells, in English)
    assert re.search(
        r"完整性检查未通过：(SQLite 无法读取其中的数据页|数据页有 .+错误)）", result.err
    )
    assert not re.search(r"[A-Za-z]{3}", result.err.replace(str(bad), "")), result.err
    assert not _set(db_path).exists()  # nothing kept: nothing was replaced


def test_restore_refuses_a_sqlite_file_of_another_program(
    base: Cli, tmp_path: Path, unchanged
) -> None:  # type: ignore[no-untyped-def]
    other = other_programs_db(
        tmp_path / "通讯录.db", "contacts", ("name", "phone"), ("张三", "13800000000")
    )
    result = unchanged(lambda: base("db", "restore", other, "--yes"))
    assert "不是 sanlian 数据库" in result.err


def test_restore_refuses_a_newer_database(
    base: Cli, db_path: Path, tmp_path: Path, unchanged
) -> None:  # type: ignore[no-untyped-def]
    newer = tmp_path / "新版本.db"
    shutil.copyfile(db_path, newer)
    con = sqlite3.connect(newer)
    con.execute("insert into schema_migrations values (999, 'future', '2030-01-01')")
    con.commit()
    con.close()
    result = unchanged(lambda: base("db", "restore", newer, "--yes"))
    assert "更新版本" in result.err and "999" in result.err


def test_restore_refuses_broken_references(
    base: Cli, db_path: Path, tmp_path: Path, unchanged
) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "断了引用.db"
    shutil.copyfile(db_path, broken)
    con = sqlite3.connect(broken)  # foreign keys are off on a plain connection
    con.execute("update household set community_id = 99")
    con.commit()
    con.close()
    result = unchanged(lambda: base("db", "restore", broken, "--yes"))
    assert "引用检查未通过" in result.err


def test_restore_refuses_a_missing_file(base: Cli, tmp_path: Path, unchanged) -> None:  # type: ignore[no-untyped-def]
    result = unchanged(lambda: base("db", "restore", tmp_path / "无.db", "--yes"))
    assert "不存在" in result.err


def test_restore_checks_before_it_asks(base: Cli, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\0" * 4096)
    result = base("db", "restore", junk)  # no --yes, no stdin: refused before the question
    assert result.code == 1 and "确定吗" not in result.out and "不是 SQLite" in result.err


def _restored(path: Path, *, restore: bool = True) -> list[str]:
    """The restored database as the backup was, but the journal entry saying it was restored
    (the one line: ``history`` shows it, ``undo`` stops at it) and the numbers given out
    (past those of the ledger it replaced: ``backups.carry_numbers``); ``restore=False``: the
    backup itself, its numbers aside likewise."""
    lines = [line for line in dump(path) if not line.startswith('INSERT INTO "sqlite_sequence"')]
    if not restore:
        return lines
    entry = [x for x in lines if x.startswith('INSERT INTO "journal"') and "'restore'" in x]
    assert len(entry) == 1 and "'db restore'" in entry[0], entry
    return [line for line in lines if line not in entry]


def test_restore_of_a_good_backup_keeps_the_replaced_one(base: Cli, db_path: Path) -> None:
    assert base("db", "backup").code == 0
    copy = next(_set(db_path).glob("*-manual.db"))
    assert base("section", "add", "新科室").code == 0
    current = dump(db_path)
    result = base("db", "restore", copy, "--yes")
    assert result.code == 0, result
    kept = next(_set(db_path).glob("*-before-restore.db"))
    assert str(kept) in result.out
    assert dump(kept) == current
    assert _restored(db_path) == _restored(copy, restore=False)
    assert (os.stat(db_path).st_mode & 0o777) == 0o600


def test_no_write_lands_between_the_kept_copy_and_the_restore(
    base: Cli, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The restore holds the database's lock from before it copies the database to keep it
    until it has written the backup over it: another program's write waits (here: is refused
    at once), and is neither lost between the two nor missing from the kept copy. (It was
    taken without the lock: an import that committed meanwhile was in neither.)"""
    assert base("db", "backup").code == 0
    copy = next(_set(db_path).glob("*-manual.db"))
    assert base("section", "add", "新科室").code == 0
    taken = backups.take
    tried: list[str] = []

    def take_then_write(*args: object, **kwargs: object) -> Path | None:
        kept = taken(*args, **kwargs)  # type: ignore[arg-type]
        other = sqlite3.connect(db_path, timeout=0)
        try:
            other.execute(
                "INSERT INTO section (name, created_at) VALUES ('另一进程', '2026-06-15')"
            )
            other.commit()
            tried.append("written")
        except sqlite3.OperationalError as exc:
            tried.append(str(exc))
        finally:
            other.close()
        return kept

    monkeypatch.setattr(backups, "take", take_then_write)
    current = dump(db_path)
    result = base("db", "restore", copy, "--yes")
    assert result.code == 0, result
    assert tried == ["database is locked"]
    kept = next(_set(db_path).glob("*-before-restore.db"))
    assert dump(kept) == current and _restored(db_path) == _restored(copy, restore=False)


def test_restore_over_a_database_sqlite_cannot_read(base: Cli, db_path: Path) -> None:
    """The very case a restore is for: the file's first page wiped. It is replaced, and kept
    as it was, byte for byte, with the journal beside it moved along (never applied to the
    restored file)."""
    assert base("db", "backup").code == 0
    copy = next(_set(db_path).glob("*-manual.db"))
    with db_path.open("r+b") as fh:
        fh.write(bytes(100))
    wiped = db_path.read_bytes()
    assert base("section", "list").code == 1  # not a database any more
    Path(f"{db_path}-journal").write_bytes(b"journal of the wiped file")
    result = base("db", "restore", copy, "--yes")
    assert result.code == 0, result
    assert _restored(db_path) == _restored(copy, restore=False)
    assert (os.stat(db_path).st_mode & 0o777) == 0o600
    kept = next(_set(db_path).glob("*-before-restore.db"))
    assert str(kept) in result.out and kept.read_bytes() == wiped
    assert not Path(f"{db_path}-journal").exists()
    assert Path(f"{kept}-journal").read_bytes() == b"journal of the wiped file"
    assert base("section", "list").code == 0
    assert not list(db_path.parent.glob(".*restoring*"))


def test_restore_over_a_database_whose_header_is_whole_but_page_size_not(
    base: Cli, db_path: Path
) -> None:
    """Its first 16 bytes (the magic) whole, its page size damaged: SQLite cannot read it,
    and the restore puts the backup in its place, the damaged file kept (the lock taken
    before the copy had refused it as a failed backup)."""
    assert base("db", "backup").code == 0
    copy = next(_set(db_path).glob("*-manual.db"))
    damaged = bytearray(db_path.read_bytes())
    damaged[16:18] = b"\x00\x03"  # a page size of 3 bytes
    db_path.write_bytes(bytes(damaged))
    result = base("db", "restore", copy, "--yes")
    assert result.code == 0, result
    assert _restored(db_path) == _restored(copy, restore=False)
    kept = next(_set(db_path).glob("*-before-restore.db"))
    assert kept.read_bytes() == bytes(damaged)


def test_two_processes_opening_an_old_file_at_once_migrate_it_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    import time

    from sanlian.db import engine as engine_mod

    db = tmp_path / "old.db"
    shutil.copyfile(FIXTURE_V1, db)
    known = max(v for v, _n, _f in migrations.MIGRATIONS)

    def slow(op: object) -> None:
        time.sleep(0.3)  # both openers are in the migration at once
        _fake_migration(op)

    monkeypatch.setattr(
        migrations, "MIGRATIONS", [*migrations.MIGRATIONS, (known + 1, "nickname", slow)]
    )
    errors: list[BaseException] = []

    def opener() -> None:
        try:
            engine_mod.open_database(str(db)).dispose()
        except BaseException as exc:  # noqa: BLE001 - the test reports it
            errors.append(exc)

    threads = [threading.Thread(target=opener) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    con = sqlite3.connect(db)
    versions = [r[0] for r in con.execute("select version from schema_migrations")]
    con.close()
    assert versions.count(known + 1) == 1


def test_a_refused_or_idle_import_leaves_no_copy_and_pushes_none_out(
    base: Cli, db_path: Path, tmp_path: Path
) -> None:
    made = [backups.take(str(db_path), "import") for _ in range(backups.KEEP)]

    def newest_first() -> list[str]:
        return [b.path.name for b in backups.listing(str(db_path))]

    kept = newest_first()
    assert len(kept) == backups.KEEP and all(p is not None for p in made)
    bad = tmp_path / "坏.csv"
    bad.write_text("科室名称\n\n" + "x" * 200 + "\n", encoding="utf-8")
    refused = base("section", "import", bad)
    assert refused.code == 1, refused
    assert "自动备份" not in refused.err
    csv = _sections_csv(tmp_path / "科室.csv", ["法规科"])
    assert base("section", "import", csv).code == 0
    again = base("section", "import", csv)  # the same rows: nothing changes
    assert again.code == 0 and "自动备份" not in again.err, again
    after = newest_first()
    # one copy more (the import that wrote), the oldest one rotated out; none for the others
    assert len(after) == backups.KEEP
    assert after[1:] == kept[:-1] and after[0].endswith("-import.db")


def test_restore_says_a_damaged_schema_in_chinese(
    base: Cli, db_path: Path, tmp_path: Path, unchanged
) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "坏表结构.db"
    shutil.copy(db_path, bad)
    con = sqlite3.connect(bad)
    con.execute("pragma writable_schema = 1")
    con.execute("update sqlite_master set sql = 'create table cadre(' where name = 'section'")
    con.commit()
    con.close()
    result = unchanged(lambda: base("db", "restore", bad, "--yes"))
    assert "已损坏（完整性检查未通过：数据库的表结构已损坏）" in result.err, result.err
    assert not re.search(r"[A-Za-z]{3}", result.err.replace(str(bad), "")), result.err


def test_restore_refuses_the_database_under_another_name(  # type: ignore[no-untyped-def]
    base: Cli, db_path: Path, tmp_path: Path, unchanged
) -> None:
    # a hard link is the same file: copying it over itself waited on its own lock for ever
    twin = tmp_path / "twin.db"
    os.link(db_path, twin)
    result = unchanged(lambda: base("db", "restore", str(twin), "--yes"))
    assert "就是当前数据库本身" in result.err, result
    assert not list((db_path.parent / "sanlian-backups").glob("*before-restore*"))


def test_backup_to_a_blank_path_is_refused(base: Cli, tmp_path: Path, unchanged) -> None:  # type: ignore[no-untyped-def]
    result = unchanged(lambda: base("db", "backup", ""))
    assert "备份文件路径是空的" in result.err


def test_restore_says_what_each_holds_and_warns_of_another_year(  # type: ignore[no-untyped-def]
    base: Cli, tmp_path: Path, unchanged, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer._click import termui

    def no_answer(_prompt: str) -> str:
        raise EOFError

    other = tmp_path / "2025.db"
    assert base("--db", other, "init", "--year", "2025").code == 0
    monkeypatch.setattr(termui, "visible_prompt_func", no_answer)
    result = unchanged(lambda: base("db", "restore", other))
    asked = result.out + result.err
    assert "注意：备份中最近的是 2025 年的活动，当前数据库是 2026 年的。" in asked
    assert (
        f"将用备份 {other}（2025 年活动，干部 0 名、社区(村) 0 个、企业 0 家、联系户 0 户、"
        "走访 0 次、问题 0 件" in asked
    )
    assert (
        "（当前：2026 年活动，干部 4 名、社区(村) 2 个、企业 1 家、联系户 1 户、走访 0 次、"
        "问题 0 件" in asked
    )
    assert "次修改将不在恢复后的台账中" not in asked  # another ledger: not counted
    assert base("db", "backup").code == 0  # into sanlian-backups: listed with its year
    assert [b["years"] for b in base("db", "backups", "-f", "json").json()] == ["2026"]


def test_restore_onto_no_database_says_it_makes_one(  # type: ignore[no-untyped-def]
    base: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer._click import termui

    def no_answer(_prompt: str) -> str:
        raise EOFError

    assert base("db", "backup", tmp_path / "备份.db").code == 0
    monkeypatch.setattr(termui, "visible_prompt_func", no_answer)
    fresh = tmp_path / "新" / "台账.db"
    result = base("--db", fresh, "db", "restore", tmp_path / "备份.db")
    assert f"建立数据库 {fresh}（现在还没有这个文件），确定吗？" in result.out + result.err
    assert "无法读出概况" not in result.out + result.err and not fresh.exists()


# --- a damaged database never rotates the sound copies out (QA safe, item 1) -------------------


def _damage_an_index(db: Path) -> None:
    """An index's root page overwritten (the QA's repro: a clerk's disk dropping a page): its
    tables still read, so imports of other kinds go on working, but the file is damaged."""
    con = sqlite3.connect(db)
    page = con.execute("pragma page_size").fetchone()[0]
    root = con.execute(
        "select rootpage from sqlite_master where name = 'ix_link_cadre_id'"
    ).fetchone()[0]
    con.close()
    with db.open("r+b") as fh:
        fh.seek((root - 1) * page)
        fh.write(b"\xff" * page)


def test_an_import_into_a_damaged_database_is_refused_and_rotates_nothing(
    base: Cli, db_path: Path, tmp_path: Path
) -> None:
    sound = [backups.take(str(db_path), "import") for _ in range(backups.KEEP)]
    assert all(p is not None for p in sound)
    kept = sorted(p.name for p in _set(db_path).iterdir())
    _damage_an_index(db_path)
    damaged = db_path.read_bytes()
    csv = _sections_csv(tmp_path / "科室.csv", ["法规科"])
    for _ in range(3):
        result = base("section", "import", csv)
        assert result.code == 1, result
        assert result.err.strip() == (
            f"数据库 {db_path} 已损坏（完整性检查未通过），为免损坏的备份挤掉完好的备份，"
            "这次导入没有进行，未做任何修改；请运行 sanlian db check 查看，再用 sanlian db "
            f"restore 从 {_set(db_path)} 中损坏之前的备份恢复（sanlian db backups 列出它们）。"
        ), result
        assert "Traceback" not in result.err
    assert sorted(p.name for p in _set(db_path).iterdir()) == kept  # every sound copy still there
    assert db_path.read_bytes() == damaged  # nothing written
    assert all(not backups.damaged(p) for p in _set(db_path).iterdir())
    # the upgrade's copy: kept beside the set as damaged (never rotated, nothing pushed out),
    # and the upgrade goes on, with a warning: refused, the file could not be opened at all,
    # not even to check it, back it up or export what can still be read
    copy = backups.take(str(db_path), "migrate")
    assert copy is not None and copy.name.endswith("-damaged.db") and backups.damaged(copy)
    assert sorted(p.name for p in _set(db_path).iterdir()) == sorted([*kept, copy.name])


def test_a_manual_backup_of_a_damaged_database_says_it_is_damaged(
    base: Cli, db_path: Path, tmp_path: Path
) -> None:
    _damage_an_index(db_path)
    result = base("db", "backup")
    assert result.code == 1, result
    assert "已备份" not in result.out + result.err
    [copy] = _set(db_path).glob("sanlian-*-damaged.db")  # kept (for a rescue), named so
    assert f"复制出的 {copy} 同样是损坏的，不是可以恢复的备份" in result.err, result
    rows = base("db", "backups", "-f", "json").json()
    assert [r["reason_label"] for r in rows] == ["已损坏的数据库的副本（保留备查，不参与轮换）"]
    named = base("db", "backup", tmp_path / "副本.db")
    assert named.code == 1 and "已备份" not in named.out + named.err
    assert f"复制出的 {tmp_path / '副本.db'} 同样是损坏的" in named.err, named


def test_an_imports_copy_is_taken_under_its_write_lock(
    base: Cli, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another clerk's write arriving while the copy is taken lands either before the copy
    (and is in it) or after the import: the copy is the database just before the import."""
    import threading

    real_take = backups.take
    other: list[threading.Thread] = []

    def take_then_another_writes(*args, **kwargs):  # type: ignore[no-untyped-def]
        made = real_take(*args, **kwargs)

        def write() -> None:
            con = sqlite3.connect(db_path, timeout=30)
            with con:
                con.execute(
                    "insert into section (name, created_at) values ('别人的科室', '2026-06-15')"
                )
            con.close()

        other.append(threading.Thread(target=write))
        other[0].start()
        other[0].join(0.5)  # committed at once, unless this import holds the write lock
        return made

    monkeypatch.setattr(backups, "take", take_then_another_writes)
    csv = _sections_csv(tmp_path / "科室.csv", ["法规科", "财务科"])
    result = base("section", "import", csv)
    other[0].join()
    assert result.code == 0, result
    [copy] = _set(db_path).glob("sanlian-*-import.db")
    ids = dict(sqlite3.connect(db_path).execute("select name, id from section"))
    copied = {r[0] for r in sqlite3.connect(copy).execute("select name from section")}
    first_imported = min(ids["法规科"], ids["财务科"])
    before_import = {name for name, i in ids.items() if i < first_imported}
    assert copied == before_import, (copied, ids)
    assert ids["别人的科室"] > first_imported  # it waited for the import's lock


def test_restore_asks_with_what_it_throws_away(  # type: ignore[no-untyped-def]
    base: Cli, db_path: Path, tmp_path: Path, unchanged, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The question names households, communities and enterprises too, and how many changes
    made since the backup the restored ledger will not hold."""
    from typer._click import termui

    def no_answer(_prompt: str) -> str:
        raise EOFError

    assert base("db", "backup", tmp_path / "备份.db").code == 0
    assert base("household", "add", "李秀兰", "--community", "前河湾村").code == 0
    assert base("enterprise", "add", "临沂新材料有限公司").code == 0
    assert base("cadre", "list", "--reveal").code == 0  # looking changes nothing
    monkeypatch.setattr(termui, "visible_prompt_func", no_answer)
    result = unchanged(lambda: base("db", "restore", tmp_path / "备份.db"))
    asked = result.out + result.err
    assert "干部 4 名、社区(村) 2 个、企业 1 家、联系户 1 户、走访 0 次" in asked
    assert "（当前：2026 年活动，干部 4 名、社区(村) 2 个、企业 2 家、联系户 2 户" in asked
    assert "原库另存一份），当前数据库中备份之后的 2 次修改将不在恢复后的台账中" in asked, asked


def test_no_output_is_written_onto_the_database_itself(
    base: Cli, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ledger kept under a name a listing can be written to (``台账.xlsx``): ``-o`` onto it,
    by its own name, another spelling of it or a link to it, is refused, ``--force`` or not."""
    ledger = tmp_path / "台账.xlsx"
    shutil.copyfile(db_path, ledger)
    report = tmp_path / "台账.docx"
    shutil.copyfile(db_path, report)
    (tmp_path / "链接.xlsx").symlink_to(ledger)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SANLIAN_DB", str(ledger))
    before = ledger.read_bytes()
    attempts = [
        ("cadre", "list", "-o", ledger),
        ("cadre", "list", "-o", "./台账.xlsx"),
        ("cadre", "list", "-o", "链接.xlsx"),
        ("export", "cadre", "-o", "台账.xlsx", "--force"),
        ("template", "cadre", "-o", "台账.xlsx", "--force"),
        ("history", "-o", "台账.xlsx"),
        ("db", "backup", "台账.xlsx"),
        ("--db", report, "selfcheck", "-o", report, "--force"),
        ("--db", report, "brief", "--from", "6-1", "--to", "6-14", "-o", "台账.docx", "--force"),
    ]
    for args in attempts:
        result = base(*args)
        assert result.code == 1, (args, result)
        assert "就是当前使用的数据库文件，写进去台账就没有了，未做任何修改" in result.err, result
        assert "Traceback" not in result.err
    assert ledger.read_bytes() == before
    assert report.read_bytes() == before
    assert base("cadre", "list", "-o", "干部.xlsx").code == 0  # any other name: written


def test_an_older_file_that_cannot_be_upgraded_says_why(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reading command on an older file whose backup folder cannot be written: the sentence
    says the file must first be upgraded, which needs write access; an upgrade that can be
    done says so on stderr, naming its backup."""
    from sanlian.errors import DatabaseError

    db = tmp_path / "old.db"
    shutil.copyfile(FIXTURE_V1, db)
    before = db.read_bytes()
    known = max(v for v, _n, _f in migrations.MIGRATIONS)
    monkeypatch.setattr(
        migrations, "MIGRATIONS", [*migrations.MIGRATIONS, (known + 1, "nickname", _fake_migration)]
    )
    folder = tmp_path / "sanlian-backups"
    real = backups._private_folder

    def denied(place: Path) -> None:  # (tests run as root: a chmod would not refuse)
        raise DatabaseError("fs_denied", path=place)

    monkeypatch.setattr(backups, "_private_folder", denied)
    result = cli("--db", db, "cadre", "list")
    assert result.code == 1, result
    assert result.err.strip() == (
        f"数据库 {db} 是较早版本的 sanlian 建立的，要先升级到本版本的结构才能使用（只查看也一样），"
        f"升级需要写入权限，而 {folder} 不能写入，未做任何修改；请开放文件、所在文件夹及其中 "
        "sanlian-backups 文件夹的写入权限后再运行一次，或请管理员代为运行。"
    ), result
    assert db.read_bytes() == before
    monkeypatch.setattr(backups, "_private_folder", real)
    upgraded = cli("--db", db, "cadre", "list")
    assert upgraded.code == 0, upgraded
    [copy] = folder.glob("old-*-migrate.db")
    assert (
        f"数据库 {db} 是较早版本建立的，正在升级到本版本的结构；升级前已备份到 {copy}。"
        in upgraded.err.splitlines()
    ), upgraded
    assert "正在升级" not in cli("--db", db, "cadre", "list").err  # once


def test_a_restore_is_in_history_and_undo_stops_at_it(  # type: ignore[no-untyped-def]
    base: Cli, db_path: Path, unchanged
) -> None:
    """After a restore, ``history`` says so (the backup's name, where the replaced one went),
    and ``undo`` refuses rather than take back the backup's own last change as if nothing
    had happened."""
    assert base("db", "backup").code == 0
    copy = next(_set(db_path).glob("*-manual.db"))
    assert base("section", "add", "新科室").code == 0
    assert base("db", "restore", copy, "--yes").code == 0
    latest = base("history", "-n", "1", "-f", "json").json()[0]
    kept = next(_set(db_path).glob("*-before-restore.db"))
    assert (latest["command"], latest["kind_label"]) == ("db restore", "恢复备份")
    assert latest["summary"] == f"用备份 {copy.name} 恢复数据库；替换前的原数据库另存为 {kept.name}"
    result = unchanged(lambda: base("undo", "--yes"))
    assert result.code == 1
    assert result.err.startswith(f"最近一次操作是恢复备份（变更日志第 {latest['id']} 条")
    assert "sanlian db restore" in result.err


def test_a_restore_gives_no_number_the_replaced_ledger_gave_out(
    base: Cli, db_path: Path, tmp_path: Path
) -> None:
    """A section added after the backup (编号 3) and then lost by the restore: the restored
    ledger's next section is 4, not 3 again — an export of the replaced ledger re-imported
    would otherwise update the new section under the old one's number."""
    backup = tmp_path / "早上.db"
    assert base("db", "backup", backup).code == 0
    added = base("section", "add", "新科室")
    assert "编号 3" in added.out, added
    assert base("db", "restore", backup, "--yes").code == 0
    again = base("section", "add", "另一科室")
    assert "编号 4" in again.out, again
