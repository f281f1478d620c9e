"""Faults: a process killed in the middle of an import, a read-only file, a full disk, a
locked database, a folder given as the database (issue 6, item 4).

Each must leave the database as it was and say one Chinese sentence, never a traceback.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sanlian.db import engine as engine_mod
from tests.conftest import Cli, dump

pytestmark = pytest.mark.sqlite_only(
    reason="about the SQLite file itself: copies, damage, permissions, locks"
)

ROOT = Path(__file__).resolve().parent.parent


def _sections_csv(path: Path, count: int) -> Path:
    lines = ["科室名称"] + [f"第{n:04d}科" for n in range(1, count + 1)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _sanlian(*args: Any, env: dict[str, str] | None = None, **kwargs: Any) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "sanlian", *map(str, args)],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )


def test_an_import_killed_half_way_leaves_the_database_as_it_was(
    base: Cli, db_path: Path, tmp_path: Path
) -> None:
    csv = _sections_csv(tmp_path / "科室.csv", 1000)
    before = dump(db_path)
    # 500 rows: the first batch of 400 is written, the second is being written
    result = _sanlian("section", "import", csv, env={"SANLIAN_FAULT_KILL_AFTER_ROWS": "500"})
    assert result.returncode == -signal.SIGKILL, result.stderr
    # the kill came while the transaction was writing: SQLite's rollback journal is there
    journal = db_path.with_name(db_path.name + "-journal")
    assert journal.exists() and journal.stat().st_size > 0
    assert dump(db_path) == before  # nothing of the import
    listing = base("section", "list", "-f", "json")
    assert [s["name"] for s in listing.json()] == ["办公室", "综合科"]
    # and the same import, run whole, then writes all of it
    again = _sanlian("section", "import", csv)
    assert again.returncode == 0, again.stderr
    assert len(base("section", "list", "-f", "json").json()) == 1002


def _without_root_powers() -> None:
    """Drop the capabilities that let root write any file (a child of a root test run)."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _as_clerk() -> dict[str, Any]:
    return {"preexec_fn": _without_root_powers} if os.geteuid() == 0 else {}


def _on_a_read_only_database(
    db_path: Path, cwd: Path, args: tuple[str, ...]
) -> subprocess.CompletedProcess[str]:
    """``sanlian ARGS`` run by a clerk (not root) while the database file is read-only."""
    os.chmod(db_path, 0o400)
    try:
        return _run_as_clerk(cwd, args)
    finally:
        os.chmod(db_path, 0o600)


def _run_as_clerk(cwd: Path, args: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    """``sanlian ARGS`` run by a clerk: without root's power to write any file."""
    return subprocess.run(
        [sys.executable, "-m", "sanlian", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
        **_as_clerk(),
    )


@pytest.mark.skipif(sys.platform != "linux", reason="file modes and capabilities of Linux")
@pytest.mark.parametrize(
    "args",
    [
        ("cadre", "list", "--reveal"),
        ("cadre", "show", "张伟@办公室", "--reveal"),
        ("export", "cadre", "--reveal", "-o", "干部.csv"),
    ],
)
def test_reveal_on_a_read_only_database_shows_nothing(
    base: Cli, db_path: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    # who saw the full numbers cannot be journaled: nothing is shown, no file written
    before = dump(db_path)
    result = _on_a_read_only_database(db_path, tmp_path, args)
    assert result.returncode == 1, result.stderr
    assert "13812345678" not in result.stdout + result.stderr
    assert not (tmp_path / "干部.csv").exists()
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("加 --reveal 显示完整号码要记入变更日志，现在记不进去，所以没有显示")
    assert "只读" in last, result.stderr
    assert dump(db_path) == before
    assert base("cadre", "list", "--reveal").out.count("13812345678") == 1  # writable: shown


@pytest.mark.skipif(sys.platform != "linux", reason="file modes and capabilities of Linux")
@pytest.mark.parametrize(
    "args",
    [
        ("section", "add", "新科室"),
        ("section", "import", "科室.csv"),
        ("db", "restore", "备份.db", "--yes"),
    ],
)
def test_a_read_only_database_says_so(
    base: Cli, db_path: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    _sections_csv(tmp_path / "科室.csv", 3)
    assert base("db", "backup", tmp_path / "备份.db").code == 0
    before = dump(db_path)
    result = _on_a_read_only_database(db_path, tmp_path, args)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert "只读" in last or "没有权限" in last, result.stderr
    assert "未做任何修改" in last
    assert dump(db_path) == before
    # nor a copy "before the restore" left behind (a refused restore replaced nothing)
    assert not list((db_path.parent / "sanlian-backups").glob("*before-restore*"))


def test_a_full_disk_leaves_the_database_as_it_was(
    base: Cli, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real SQLITE_FULL: the database may not grow by a single page."""
    csv = _sections_csv(tmp_path / "科室.csv", 2000)
    con = sqlite3.connect(db_path)
    pages = con.execute("pragma page_count").fetchone()[0]
    con.close()
    monkeypatch.setattr(
        engine_mod,
        "CONNECT_PRAGMAS",
        [*engine_mod.CONNECT_PRAGMAS, f"PRAGMA max_page_count={pages}"],
    )
    before = dump(db_path)
    result = base("section", "import", csv)
    assert result.code == 1, result
    assert "Traceback" not in result.err
    assert result.err.strip().splitlines()[-1].startswith("磁盘已满")
    assert dump(db_path) == before


def test_a_locked_database_says_so_after_waiting(
    base: Cli, db_path: Path, monkeypatch: pytest.MonkeyPatch, unchanged: Callable[..., Any]
) -> None:
    monkeypatch.setattr(engine_mod, "BUSY_TIMEOUT", 0.2)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("begin exclusive")
    try:
        for args in (("section", "add", "新科室"), ("section", "list")):
            result = base(*args)
            assert result.code == 1, result
            assert "数据库正被其他程序占用" in result.err and "Traceback" not in result.err
    finally:
        holder.execute("rollback")
        holder.close()
    assert "新科室" not in base("section", "list").out


def test_a_folder_given_as_the_database(cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "数据"
    folder.mkdir()
    for args in (("section", "list"), ("init", "--year", "2026"), ("db", "backup")):
        result = cli("--db", folder, *args)
        assert result.code == 1, result
        assert "是一个文件夹" in result.err and "Traceback" not in result.err
    assert list(folder.iterdir()) == []


def test_a_database_whose_folder_is_missing(cli: Cli, tmp_path: Path) -> None:
    missing = tmp_path / "没有的文件夹" / "sanlian.db"
    result = cli("--db", missing, "section", "list")
    assert result.code == 1 and "还不存在" in result.err
    assert not missing.parent.exists()  # a read creates nothing
    # the first write makes the folder and the file (0600)
    assert cli("--db", missing, "init", "--year", "2026").code == 0
    assert (os.stat(missing).st_mode & 0o777) == 0o600


def test_a_database_under_a_file_instead_of_a_folder(cli: Cli, tmp_path: Path) -> None:
    blocker = tmp_path / "名单.txt"
    blocker.write_text("不是文件夹", encoding="utf-8")
    result = cli("--db", blocker / "sanlian.db", "init", "--year", "2026")
    assert result.code == 1, result
    assert "无法打开数据库" in result.err and "Traceback" not in result.err
    assert blocker.read_text(encoding="utf-8") == "不是文件夹"


@pytest.mark.sqlite_only(reason="a trigger written into the SQLite file makes the fault")
def test_debug_shows_the_fault_with_its_numbers_masked(base: Cli, db_path: Path) -> None:
    """``--debug`` on a fault of the database (here a trigger's): the traceback for whoever
    looks into it, and the failed statement's parameters in it with the household's phone and
    ID number masked (they were printed in full, and such output is pasted to others)."""
    con = sqlite3.connect(db_path)
    con.execute(
        "CREATE TRIGGER fault BEFORE INSERT ON household BEGIN SELECT RAISE(ABORT, 'I/O'); END"
    )
    con.commit()
    con.close()
    number = "370102196006061234"
    args = ("household", "add", "吴九", "--community", "幸福社区", "--phone", "13812349999")
    result = base("--debug", *args, "--id-number", number)
    assert result.code == 1, result
    assert "Traceback" in result.err and "[parameters: (" in result.err
    assert "13812349999" not in result.err and number not in result.err
    assert "138****9999" in result.err and "370102********1234" in result.err


@pytest.mark.skipif(sys.platform != "linux", reason="file modes and capabilities of Linux")
def test_a_database_in_a_read_only_folder_names_the_folder(cli: Cli, tmp_path: Path) -> None:
    # the file is there and writable; its journal cannot be made beside it: the folder is
    # named (it said the file or folder might not exist)
    folder = tmp_path / "只读"
    folder.mkdir()
    db = folder / "台账.db"
    assert cli("--db", db, "init", "--year", "2026").code == 0
    before = dump(db)
    os.chmod(folder, 0o555)
    try:
        result = _run_as_clerk(tmp_path, ("--db", str(db), "section", "add", "新科室"))
        shown = _run_as_clerk(tmp_path, ("--db", str(db), "section", "list", "--reveal"))
    finally:
        os.chmod(folder, 0o755)
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(f"没有权限写入 {folder}，未做任何修改")
    assert shown.returncode == 1, shown.stderr
    assert shown.stderr.strip().endswith(f"所以没有显示：没有权限写入 {folder}，未做任何修改；"
                                         "请检查文件和文件夹的权限，或换一个位置。")  # fmt: skip
    assert dump(db) == before
