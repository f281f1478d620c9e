"""db path/backup/restore/check and history."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import Cli, other_programs_db


@pytest.mark.sqlite_only(reason="db backup/restore copy the SQLite file")
def test_path_backup_restore(base: Cli, db_path: Path, tmp_path: Path) -> None:
    assert base("db", "path").out.strip() == str(db_path)
    target = tmp_path / "备份" / "b.db"
    assert base("db", "backup", target).code == 0
    assert (os.stat(target).st_mode & 0o777) == 0o600
    assert base("db", "backup", target).code == 1  # never overwrites
    base("section", "add", "新科室")
    assert "新科室" in base("section", "list").out
    assert base("db", "restore", target, "--yes").code == 0
    assert "新科室" not in base("section", "list").out
    kept = list((db_path.parent / "sanlian-backups").glob("sanlian-*-before-restore.db"))
    assert len(kept) == 1 and (os.stat(kept[0]).st_mode & 0o777) == 0o600
    # the kept copy is the replaced database, with the section that the restore took away
    con = sqlite3.connect(kept[0])
    assert con.execute("select count(*) from section where name = '新科室'").fetchone() == (1,)
    con.close()
    # a second restore keeps the first one's copy too
    assert base("db", "restore", target, "--yes").code == 0
    assert len(list((db_path.parent / "sanlian-backups").glob("*-before-restore.db"))) == 2


@pytest.mark.sqlite_only(reason="db backup copies the SQLite file")
def test_backup_into_a_folder(base: Cli, tmp_path: Path) -> None:
    for _ in range(2):  # twice in the same second: two files, none refused
        result = base("db", "backup", f"{tmp_path / 'bk'}/")
        assert result.code == 0, result
    assert len(list((tmp_path / "bk").glob("sanlian-*.db"))) == 2


def test_check_says_complete_in_chinese(base: Cli) -> None:
    rows = base("db", "check", "-f", "json").json()
    assert rows[0]["detail"] == "完好"


def test_a_file_that_is_not_a_database(cli: Cli, tmp_path: Path) -> None:
    bogus = tmp_path / "名单.csv"
    bogus.write_text("姓名,科室\n张三,办公室\n", encoding="utf-8")
    result = cli("--db", bogus, "section", "list")
    assert result.code == 1 and "不是 sanlian 数据库文件" in result.err
    assert bogus.read_text(encoding="utf-8").startswith("姓名")


def test_another_programs_sqlite_file_is_left_alone(cli: Cli, tmp_path: Path) -> None:
    other = other_programs_db(
        tmp_path / "考勤.db", "attendance", ("name", "day"), ("张三", "2026-11-02")
    )
    before = other.read_bytes()
    for command in (("cadre", "list"), ("history",), ("db", "check"), ("init", "--year", "2026")):
        result = cli("--db", other, *command)
        assert result.code == 1, result
        assert "是别的程序的 SQLite 数据库（其中有表 attendance）" in result.err
    assert other.read_bytes() == before
    assert not (tmp_path / "sanlian-backups").exists()


@pytest.mark.sqlite_only(reason="db restore takes a SQLite file")
def test_restore_refuses_a_file_that_is_not_a_backup(base: Cli, tmp_path: Path, unchanged) -> None:  # type: ignore[no-untyped-def]
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    result = unchanged(lambda: base("db", "restore", junk, "--yes"))
    assert "不是 SQLite 数据库文件" in result.err


def test_check_passes_on_a_sound_database(base: Cli) -> None:
    result = base("db", "check", "-f", "json")
    assert result.code == 0, result
    assert all(f["ok"] for f in result.json())


def test_history_lists_operator_and_summary(base: Cli) -> None:
    rows = base("history", "-f", "json", "-n", "2").json()
    assert rows[0]["operator"] == "测试员"
    assert rows[0]["summary"].startswith("添加联系户")
    assert len(rows) == 2


def test_undo_takes_back_the_last_change_then_the_one_before(base: Cli, db_path: Path) -> None:
    assert base("section", "add", "新科室").code == 0
    assert base("undo").code == 1  # asks first; no answer on stdin: cancelled, nothing undone
    assert "新科室" in base("section", "list").out
    result = base("undo", "--yes")
    assert result.code == 0 and "添加科室“新科室”" in result.out
    assert "删除科室“新科室”" in result.out  # what it does, said before doing it
    assert "新科室" not in base("section", "list").out
    assert base("history", "-f", "json", "-n", "1").json()[0]["command"] == "undo"
    again = base("undo", "--yes")  # walks further back: the household added last by `base`
    assert again.code == 0 and "添加联系户“王秀英”" in again.out
    assert "王秀英" not in base("household", "list").out
    assert list(db_path.parent.glob(db_path.name + ".undo*")) == []  # no whole-file copies


def test_a_refused_command_does_not_replace_what_undo_takes_back(base: Cli) -> None:
    base("section", "add", "新科室")
    assert base("section", "add", "新科室").code == 1  # refused: journals nothing
    assert base("undo", "--yes").code == 0
    assert "新科室" not in base("section", "list").out


def test_undo_with_no_input_at_all_is_cancelled(base: Cli, db_path: Path) -> None:
    """A question asked when stdin is closed entirely: cancelled, nothing undone."""
    import subprocess
    import sys

    base("section", "add", "新科室")
    code = "import sys; sys.stdin.close(); sys.stdin = None; from sanlian.cli.main import main; sys.exit(main(['undo']))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    assert result.returncode == 1 and "已取消" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "内部出错" not in result.stderr
    assert "新科室" in base("section", "list").out
