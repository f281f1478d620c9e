"""A roster with two columns for the one phone number (联系电话 and 手机号码, 手机 and 电话):
each row's number is taken from the column filled; of two different numbers, the mobile one,
and the rows where another number was left are named. Every kind alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, rows_of
from tests.test_import_registry import write_csv, write_xlsx

NOTE = (
    "提示：第 {lines} 行的“{columns}”两列填了不同的号码，台账只记一个号码，导入的是其中的"
    "手机号码（两个都是或都不是手机号码时导入“{first}”一列的），另一个没有导入；如需保留，请写在备注中。"
)


def test_a_household_with_both_columns_keeps_every_number(
    base: Cli, tmp_path: Path, db_path: Path
) -> None:
    rows = [
        ["户主姓名", "所在社区(村)", "联系电话", "手机号码"],
        ["曹操", "幸福社区", "0539-8123456", "13800001234"],  # two numbers: the mobile
        ["刘备", "幸福社区", None, "13800005678"],  # 联系电话 empty: 手机号码's
        ["孙权", "幸福社区", "0539-8123457", None],  # 手机号码 empty: 联系电话's
        ["张飞", "幸福社区", "13800001111", "13800001111"],  # the same number twice
        ["关羽", "幸福社区", "13800002222", "13900002222"],  # two mobiles: 手机号码's
    ]
    result = base("household", "import", write_xlsx(tmp_path / "户.xlsx", rows))
    assert result.code == 0 and "新增 5，" in result.out, result
    said = NOTE.format(lines="2、6", columns="联系电话”和“手机号码", first="手机号码")
    assert said in result.err, result
    assert "不认识" not in result.err  # neither column is left unread
    got = rows_of(db_path, "select name, phone from household where id > 1 order by id")
    assert got == [
        ("曹操", "13800001234"),
        ("刘备", "13800005678"),
        ("孙权", "0539-8123457"),
        ("张飞", "13800001111"),
        ("关羽", "13900002222"),
    ]


@pytest.mark.parametrize(
    ("kind", "header"),
    [
        ("cadre", ["姓名", "科室", "电话", "手机"]),
        ("community", ["名称", "乡镇(街道)", "联系电话", "手机号码"]),
        ("enterprise", ["企业名称", "地址", "联系电话", "手机"]),
    ],
)
def test_every_kind_reads_both_columns(
    base: Cli, tmp_path: Path, db_path: Path, kind: str, header: list[str]
) -> None:
    rows = [
        header,
        ["甲一", "办公室" if kind == "cadre" else "某地", None, "13800003333"],
        ["乙二", "办公室" if kind == "cadre" else "某地", "13800004444", "13900004444"],
    ]
    result = base(kind, "import", write_csv(tmp_path / "x.csv", rows))
    assert result.code == 0 and "新增 2，" in result.out, result
    said = NOTE.format(lines="3", columns="”和“".join(header[2:]), first=header[3])
    assert said in result.err, result
    got = rows_of(db_path, f"select name, phone from {kind} where name in ('甲一', '乙二')")
    assert sorted(got) == [("乙二", "13900004444"), ("甲一", "13800003333")]


def test_a_bad_number_is_refused_in_the_column_it_is_in(
    base: Cli, tmp_path: Path, unchanged: Any
) -> None:
    rows = [
        ["户主姓名", "所在社区(村)", "联系电话", "手机号码"],
        ["刘备", "幸福社区", None, "12345"],
    ]
    path = write_xlsx(tmp_path / "户.xlsx", rows)
    result = unchanged(lambda: base("household", "import", path))
    line = next(line for line in result.err.splitlines() if line.startswith("2 "))
    assert "手机号码" in line and "12345" in line and "不是有效的电话号码" in line, result


def test_two_columns_of_one_name_are_refused_and_so_is_a_map_of_the_name(
    base: Cli, tmp_path: Path, unchanged: Any
) -> None:
    """Two columns headed 手机号码 (an old number kept in a hidden one): no --map can tell
    them apart, so neither the advice nor --map 手机号码=忽略 (which ignored both, and imported
    no number at all) offers it."""
    rows = [
        ["户主姓名", "所在社区(村)", "手机号码", "手机号码"],
        ["关羽", "幸福社区", "13800001234", "13900001234"],
    ]
    path = write_xlsx(tmp_path / "户.xlsx", rows)
    result = unchanged(lambda: base("household", "import", path))
    assert result.err.strip() == (
        "表头中有两列都叫“手机号码”（C、D 列），分不清该用哪一列；请在 Excel 中删去不用的一列，"
        "或把它改成别的列名，然后重新导入。"
    ), result
    for mapped in ("手机号码=忽略", "手机号码=联系电话"):
        result = unchanged(lambda m=mapped: base("household", "import", path, "--map", m))
        assert result.err.strip() == (
            "--map 中的“手机号码”在表头中有两列（C、D 列），分不清指的是哪一列；请在 Excel 中"
            "删去不用的一列，或把它改成别的列名，然后重新导入。"
        ), result
