"""A registry import into an empty table (``services/importing.py`` ``_existing_fresh``): the
rows of later batches are matched against the records of earlier ones by their ids, held in
memory, and on SQLite a large one writes the table without its plain indexes, built again at
the end. The same answers as the import into a table that holds records already."""

from __future__ import annotations

import os
import re
import shutil
import signal
from pathlib import Path
from typing import Any

import pytest

from sanlian.services import importing
from tests.conftest import Cli, dump, execute_sql, on_pg, rows_of
from tests.test_import_parallel import _masked, _said, households, killed_import
from tests.test_import_registry import MAN, MAN2, WOMAN, idn, write_csv

ORDER = "select name from pragma_index_list('{table}')"
PLANS = [
    "select id from household where name = '户3' and community_id = 1",  # ``_duplicate``
    "delete from search_key where kind = 'household' and ref_id = 5",  # ``refs.set_keys``
]
INDEXES = (
    "select name, sql from sqlite_master where type = 'index' and tbl_name = 'household' "
    "order by name"
)


@pytest.fixture
def bare(base: Cli, db_path: Path) -> Cli:
    """``base`` without its one household: the household table is empty (on SQLite as one
    never written, its numbers from 1 again)."""
    execute_sql(db_path, "delete from search_key where kind = 'household'", "delete from household")
    if not on_pg():
        execute_sql(db_path, "delete from sqlite_sequence where name = 'household'")
    assert rows_of(db_path, "select count(*) from household") == [(0,)]
    return base


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many batches were matched by ``_existing_fresh``."""
    calls: list[int] = []
    original = importing.RegistryImporter._existing_fresh

    def counted(self: Any, rows: Any) -> Any:
        calls.append(len(rows))
        return original(self, rows)

    monkeypatch.setattr(importing.RegistryImporter, "_existing_fresh", counted)
    return calls


def _not_fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """The import as into a table that holds records: ``_existing`` asks the database."""

    def ask(self: Any, rows: Any) -> Any:
        return self._existing(rows)

    monkeypatch.setattr(importing.RegistryImporter, "_existing_fresh", ask)
    monkeypatch.setattr(importing, "INDEX_REBUILD_MIN", 10**9)


def _both_ways(
    cli: Cli,
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    rows: list[list[Any]],
    *extra: str,
) -> tuple[Any, Any, list[int]]:
    """``rows`` imported as ``kind`` into a copy of the database the way a filled table is
    (``_not_fresh``), then into the database itself the way an empty one is (its indexes
    dropped whatever the file's size): the two results, the files beside them in
    ``tmp_path / "one"`` and ``"two"``, and the batches ``_existing_fresh`` matched."""
    one, two = tmp_path / "one", tmp_path / "two"
    for folder in (one, two):
        folder.mkdir()
        write_csv(folder / "名单.csv", rows)
    copy = tmp_path / "copy.db"
    shutil.copyfile(db_path, copy)
    with monkeypatch.context() as m:
        _not_fresh(m)
        asked = cli("--db", str(copy), kind, "import", one / "名单.csv", *extra)
    calls: list[int] = []
    original = importing.RegistryImporter._existing_fresh

    def counted(self: Any, batch: Any) -> Any:
        calls.append(len(batch))
        return original(self, batch)

    with monkeypatch.context() as m:
        m.setattr(importing.RegistryImporter, "_existing_fresh", counted)
        m.setattr(importing, "INDEX_REBUILD_MIN", 1)
        held = cli(kind, "import", two / "名单.csv", *extra)
    assert held.out == asked.out
    assert _said(held.err, two) == _said(asked.err, one)
    # the indexes, dropped and built again, are listed later in the schema: rows compared
    assert sorted(_masked(dump(db_path))) == sorted(_masked(dump(copy)))
    bad_one, bad_two = one / "名单.错误.csv", two / "名单.错误.csv"
    assert bad_one.exists() == bad_two.exists()
    if bad_one.exists():
        assert bad_one.read_bytes() == bad_two.read_bytes()
    return asked, held, calls


@pytest.mark.sqlite_only(reason="two copies of one SQLite file compared")
@pytest.mark.parametrize("skip_bad", [True, False])
def test_an_empty_table_is_matched_as_a_filled_one(
    bare: Cli, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, skip_bad: bool
) -> None:
    """A roster with every kind of trouble (the same person again a hundred rows on, namesakes
    without an ID number, rows naming a record by its number) in batches of 50: the output,
    the messages, the database and the file of bad rows are those of the import that asks
    the database for every batch."""
    rows = [[*r, ""] for r in households(700)]
    rows[0][-1] = "台账编号"
    rows[400] = [*rows[3][:-1], "3"]  # line 4 wrote record 3: this row names it again
    rows[450][-1] = "99999"  # no such record
    monkeypatch.setattr(importing, "BATCH", 50)
    monkeypatch.setenv(importing.PARALLEL_ENV, "1000000000")
    extra = ["--skip-bad"] if skip_bad else []
    indexes = rows_of(db_path, INDEXES)
    assert len(indexes) == 3
    asked, held, calls = _both_ways(bare, db_path, tmp_path, monkeypatch, "household", rows, *extra)
    assert len(calls) >= 10  # every batch was matched from memory
    assert held.code == asked.code == (0 if skip_bad else 1)
    if skip_bad:
        assert "新增 594，更新 0，未变 0，不合格 97" in held.out
    assert re.search(r"401 +台账编号 +3 +与第 4 行是同一联系户", held.err), held.err
    assert re.search(r"451 +台账编号 +99999 +“台账编号”99999 在台账中找不到", held.err)
    assert rows_of(db_path, INDEXES) == indexes


def test_duplicates_across_batches_of_an_empty_table(
    bare: Cli, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh: list[int]
) -> None:
    """Batches of two rows: each row is matched against what the earlier batches wrote."""
    monkeypatch.setattr(importing, "BATCH", 2)
    rows = [
        ["户主", "社区(村)", "身份证号"],
        ["张三", "幸福社区", MAN],  # line 2: new
        ["李四", "幸福社区", ""],  # line 3: new
        ["王五", "前河湾村", WOMAN],  # line 4: new
        ["张三", "幸福社区", MAN],  # line 5: the same ID number as line 2
        ["李四", "幸福社区", ""],  # line 6: the same name in the same community as line 3
        ["李四", "前河湾村", ""],  # line 7: another community: new
        ["张三", "幸福社区", MAN2],  # line 8: a namesake with another ID number: new
        ["张三", "前河湾村", MAN],  # line 9: line 2's ID number in another community
        ["王五", "前河湾村", ""],  # line 10: no ID number: line 4 by its name and community
    ]
    result = bare("household", "import", write_csv(tmp_path / "x.csv", rows), "--skip-bad")
    assert result.code == 0, result
    assert "新增 5，更新 0，未变 0，不合格 4" in result.out
    said = [
        re.sub(" +", " ", line)
        for line in result.err.splitlines()
        if re.match(r"\d+ ", line) and "同一联系户" in line
    ]
    assert said == [
        "5 身份证号 110101********0010 与第 2 行是同一联系户，一个文件中只能出现一次；"
        "请合并这两行或删去一行。",
        "6 户主 李四 与第 3 行是同一联系户，一个文件中只能出现一次；请合并这两行或删去一行。",
        "9 身份证号 110101********0010 与第 2 行是同一联系户，一个文件中只能出现一次；"
        "请合并这两行或删去一行。",
        "10 户主 王五 与第 4 行是同一联系户，一个文件中只能出现一次；请合并这两行或删去一行。",
    ]
    if fresh:  # SQLite
        assert len(fresh) == 5
    stored = rows_of(
        db_path,
        "select h.name, c.name, h.id_number is not null from household h "
        "join community c on c.id = h.community_id order by h.id",
    )
    assert stored == [
        ("张三", "幸福社区", 1),
        ("李四", "幸福社区", 0),
        ("王五", "前河湾村", 1),
        ("李四", "前河湾村", 0),
        ("张三", "幸福社区", 1),
    ]
    # a second import finds them in the table (no longer empty): every row is unchanged
    again = bare("household", "import", write_csv(tmp_path / "y.csv", [rows[0], *rows[1:4]]))
    assert again.code == 0, again
    assert "新增 0，更新 0，未变 3" in again.out


@pytest.mark.sqlite_only(reason="about SQLite's schema table")
def test_indexes_of_an_empty_table_built_again(
    bare: Cli, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, unchanged: Any
) -> None:
    """A large import into the empty table writes it without its indexes and builds them at
    the end: the same indexes, which the look-ups use; a refused or rehearsed import leaves
    them as they were."""
    monkeypatch.setattr(importing, "INDEX_REBUILD_MIN", 1)
    monkeypatch.setattr(importing, "BATCH", 2)
    indexes = rows_of(db_path, INDEXES)
    rows = [["户主", "社区(村)", "身份证号"]] + [[f"户{i}", "幸福社区", ""] for i in range(7)]
    bad = [*rows, ["钱多多", "幸福社区", "12345"]]
    result = unchanged(lambda: bare("household", "import", write_csv(tmp_path / "b.csv", bad)))
    assert "身份证" in result.err
    before = dump(db_path)
    rehearsed = bare("household", "import", write_csv(tmp_path / "r.csv", rows), "--dry-run")
    assert rehearsed.code == 0, rehearsed
    assert dump(db_path) == before
    assert rows_of(db_path, INDEXES) == indexes

    order = rows_of(db_path, ORDER.format(table="household"))
    plans = [rows_of(db_path, f"explain query plan {q}") for q in PLANS]
    assert "ix_household_name" in str(plans[0]), plans  # (SQLite's choice, by the order)

    result = bare("household", "import", write_csv(tmp_path / "x.csv", rows))
    assert result.code == 0, result
    assert "新增 7" in result.out
    assert rows_of(db_path, INDEXES) == indexes
    # built again in the order they were made: SQLite, without statistics, chooses among
    # indexes that serve a query equally by that order
    assert rows_of(db_path, ORDER.format(table="household")) == order
    assert [rows_of(db_path, f"explain query plan {q}") for q in PLANS] == plans
    plan = rows_of(db_path, "explain query plan select id from household where name = '户3'")
    assert "ix_household_name" in str(plan), plan
    assert bare("household", "show", "户3", "-f", "json").json()["name"] == "户3"


@pytest.mark.sqlite_only(reason="SQLite's own rollback of a killed writer")
def test_killed_while_the_indexes_are_dropped(bare: Cli, db_path: Path, tmp_path: Path) -> None:
    """The import killed (SIGKILL) half-way through a large file into the empty table, its
    indexes dropped: SQLite's rollback journal puts back the table and its indexes."""
    filler = "家中老人行动不便，需要定期上门看望并协助就医" * 2
    rows = [["户主", "社区(村)", "困难和需求"]] + [
        [f"户{i}", "幸福社区", filler] for i in range(12_000)
    ]
    path = write_csv(tmp_path / "x.csv", rows)
    assert path.stat().st_size // importing.CSV_ROW_BYTES >= importing.INDEX_REBUILD_MIN
    before = dump(db_path)
    env = {**os.environ, "SANLIAN_FAULT_KILL_AFTER_ROWS": "5000"}
    result = killed_import(path, env)
    assert result.returncode == -signal.SIGKILL, result.stderr
    assert dump(db_path) == before
    assert len(rows_of(db_path, INDEXES)) == 3
    again = bare("household", "import", path)  # and the same file goes in whole afterwards
    assert again.code == 0, again
    assert "新增 12000" in again.out
    assert rows_of(db_path, "select count(*) from household") == [(12_000,)]
    assert len(rows_of(db_path, INDEXES)) == 3


def _roster(kind: str, count: int, seed: int) -> list[list[str]]:
    """``count`` rows of ``kind`` drawn from small pools, so that later rows meet earlier ones
    every way there is: the same number again, the same name in the same or another section
    (town), namesakes with and without a number, a number under another name, a record
    number, a gender the ID number denies."""
    import random

    from stdnum.cn import uscc

    pick = random.Random(seed).choice
    names = ["李明", "王芳", "张伟", "单丽", "曾强", "欧阳娜"]
    numbers = [MAN, WOMAN, MAN2, idn("37130219650202002"), ""]
    codes = [(b := f"91371300MA{n:07d}") + uscc.calc_check_digit(b) for n in range(3)]
    if kind == "cadre":
        rows = [["姓名", "科室", "性别", "身份证号码", "台账编号"]]
        for _ in range(count):
            rows.append(
                [
                    pick(names),
                    pick(["办公室", "综合科"]),
                    pick(["男", "女", ""]),
                    pick(numbers),
                    pick([""] * 12 + ["1", "3"]),
                ]
            )
    elif kind == "enterprise":
        rows = [["企业名称", "统一社会信用代码", "行业"]]
        firms = [f"临沂{n}机械有限公司" for n in names]
        for _ in range(count):
            rows.append([pick(firms), pick([*codes, ""]), pick(["制造", ""])])
    else:  # community
        rows = [["名称", "乡镇(街道)", "网格"]]
        places = [f"{n}社区" for n in ("幸福", "和平", "东关", "西岭", "南坊")]
        for _ in range(count):
            rows.append([pick(places), pick(["兰山街道", "枣园镇", ""]), pick(["一", ""])])
    return rows


EMPTIED = {
    "cadre": ("delete from search_key where kind = 'cadre'", "delete from cadre"),
    "enterprise": ("delete from search_key where kind = 'enterprise'", "delete from enterprise"),
    "community": (
        "delete from search_key where kind in ('household', 'community')",
        "delete from household",
        "delete from community",
    ),
}


@pytest.mark.sqlite_only(reason="two copies of one SQLite file compared")
@pytest.mark.parametrize("kind", ["cadre", "enterprise", "community"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_registry_kind_matched_as_in_a_filled_table(
    base: Cli,
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    seed: int,
) -> None:
    """Cadres (namesakes told apart by section and ID number, the gender checked against
    the number on file), enterprises (by credit code) and communities (by town), imported in
    batches of three into their empty table: what the import that asks the database gives."""
    execute_sql(db_path, *EMPTIED[kind])
    rows = _roster(kind, 60, seed)
    monkeypatch.setattr(importing, "BATCH", 3)
    asked, held, calls = _both_ways(base, db_path, tmp_path, monkeypatch, kind, rows, "--skip-bad")
    assert len(calls) >= 5
    assert held.code == asked.code == 0, held
    added, refused = (int(n) for n in re.findall(r"新增 (\d+)，.*不合格 (\d+)", held.out)[0])
    assert added >= 5 and refused >= 20, held.out  # the pools meet often enough


@pytest.mark.sqlite_only(reason="about SQLite's schema table")
def test_search_key_indexes_keep_their_order(
    bare: Cli, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search keys' lookup index, dropped for a large import and built again, is put back
    in its place among the table's indexes: a record's keys are still replaced through the
    ``ref_id`` index, not by reading every key of its kind."""
    monkeypatch.setattr(importing, "KEY_INDEX_DEFER", 1)
    monkeypatch.setattr(importing, "BATCH", 2)
    order = rows_of(db_path, ORDER.format(table="search_key"))
    plan = rows_of(db_path, f"explain query plan {PLANS[1]}")
    assert "ix_search_key_ref_id" in str(plan), plan
    rows = [["户主", "社区(村)"], ["欧阳娜", "幸福社区"]]
    rows += [[f"户{i}", "幸福社区"] for i in range(100)]
    before = rows_of(db_path, "select count(*) from search_key")[0][0]
    assert before < 2 * 100  # more keys than the table held: the lookup index waits
    result = bare("household", "import", write_csv(tmp_path / "x.csv", rows))
    assert result.code == 0, result
    assert rows_of(db_path, ORDER.format(table="search_key")) == order
    assert rows_of(db_path, f"explain query plan {PLANS[1]}") == plan
    shown = bare("household", "show", "oyn", "-f", "json")
    assert shown.code == 0, shown
    assert shown.json()["name"] == "欧阳娜"


@pytest.mark.sqlite_only(reason="SQLite's choice of index")
def test_keys_replaced_through_the_ref_id_index_whatever_the_order(
    base: Cli, db_path: Path
) -> None:
    """A database an earlier version imported into holds the lookup index after the ``ref_id``
    index (built again last): SQLite then reads ``kind = ? AND ref_id = ?`` through the
    lookup index, every key of the kind. The statements that replace or delete a record's
    keys (``refs.keys_where``) go through the ``ref_id`` index all the same."""
    from sqlalchemy import delete
    from sqlalchemy.dialects import sqlite

    from sanlian.db.models import SearchKey
    from sanlian.services import refs

    lookup = rows_of(db_path, "select sql from sqlite_master where name = 'ix_search_key_lookup'")
    execute_sql(db_path, "drop index ix_search_key_lookup", lookup[0][0])
    plain = "explain query plan delete from search_key where kind = 'household' and ref_id = 5"
    assert "ix_search_key_lookup" in str(rows_of(db_path, plain))  # the trap

    keys: Any = SearchKey.__table__  # type: ignore[attr-defined]
    for ids in (keys.c.ref_id == 5, keys.c.ref_id.in_([5, 6]), keys.c.ref_id.between(5, 9)):
        stmt = delete(keys).where(refs.keys_where(keys, "household", ids))
        sql = str(stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
        plan = str(rows_of(db_path, f"explain query plan {sql}"))
        assert "ix_search_key_ref_id" in plan, (sql, plan)
    # and a record's keys are still replaced right
    assert base("household", "edit", "王秀英", "--name", "单秀英").code == 0
    keys_now = rows_of(
        db_path, "select key from search_key where kind = 'household' and ref_id = 1 order by key"
    )
    assert ("shanxiuying",) in keys_now and ("wangxiuying",) not in keys_now
