"""Rows of an Excel sheet hidden (filtered out, or hidden by hand) are read like any other,
and the import says which they were: a clerk who filtered a roster to one section sees on
screen only that section's rows, and may not expect the others to be imported."""

from __future__ import annotations

from pathlib import Path

import pytest

from sanlian.io import readers
from tests.conftest import Cli

HEADER = ["户主姓名", "所在社区(村)", "家庭人口"]
NAMES = ["李四", "赵六", "孙七", "周八", "吴九"]


def _book(path: Path, hide: tuple[int, ...]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["联系户花名册"])  # the title row above the header, as sections send them
    sheet.append(HEADER)
    for name in NAMES:
        sheet.append([name, "幸福社区", 3])
    for row in hide:
        sheet.row_dimensions[row].hidden = True
    sheet.column_dimensions["C"].hidden = True  # a hidden column is not a hidden row
    book.save(path)
    return path


@pytest.mark.parametrize("forked", [False, True])
def test_hidden_rows_are_imported_and_named(
    base: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: bool
) -> None:
    from sanlian.services import importing

    monkeypatch.setenv(importing.PARALLEL_ENV, "1" if forked else "1000000000")
    path = _book(tmp_path / "户.xlsx", hide=(4, 6))
    said = (
        "提示：第 4、6 行在 Excel 中是隐藏的（筛选掉或隐藏了），导入时同样读入；如不该导入，"
        "请在 Excel 中删除这些行后重新导入（已导入的可先用 sanlian undo 撤销）。"
    )
    result = base("household", "import", path, "--dry-run")
    assert result.code == 0 and said in result.err, result
    result = base("household", "import", path)
    assert result.code == 0 and "新增 5" in result.out and said in result.err, result
    rows = base("household", "list", "-f", "json").json()
    assert {r["name"] for r in rows} >= set(NAMES)


def test_a_sheet_with_none_hidden_says_nothing(base: Cli, tmp_path: Path) -> None:
    result = base("household", "import", _book(tmp_path / "户.xlsx", hide=()))
    assert result.code == 0 and "行在 Excel 中是隐藏的" not in result.err, result


def test_a_hidden_title_row_or_blank_row_is_not_named(base: Cli, tmp_path: Path) -> None:
    path = _book(tmp_path / "户.xlsx", hide=(1, 9))  # the title, and a blank row under the data
    result = base("household", "import", path)
    assert result.code == 0 and "行在 Excel 中是隐藏的" not in result.err, result


def test_hidden_rows_found_across_chunks_and_as_excel_writes_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _book(tmp_path / "户.xlsx", hide=(3, 7))
    monkeypatch.setattr(readers, "_CHUNK", 37)  # a row's tag cut across chunks
    assert readers.scan_sheet(path, 0) == ({}, frozenset({3, 7}))
    found: set[int] = set()
    readers._hidden_in(
        b'<row r="12" spans="1:5" hidden="1" ht="0" customHeight="1"><c r="A12"/></row>'
        b'<x:row hidden="true" r="13"></x:row><row r="14" hidden="0"></row>'
        b'<col min="2" max="2" hidden="1"/>',
        found,
    )
    assert found == {12, 13}


FIXTURES = Path(__file__).parent / "fixtures"
ROW_3 = "提示：第 3 行在 Excel 中是隐藏的（筛选掉或隐藏了），导入时同样读入"
PHONE_HIDDEN = (
    "提示：“手机号码”列在 Excel 中是隐藏的，导入时同样读入；如不该导入，请加 --map 列名=忽略 "
    "不导入它，或在 Excel 中删除该列后重新导入。"
)


def test_an_old_xls_names_its_hidden_rows_and_columns(base: Cli, tmp_path: Path) -> None:
    """An .xls (written by xlwt: row 3 hidden, columns D 手机号码 and E 旧地址 hidden; E is
    no field, and is said as an unknown column only)."""
    path = FIXTURES / "hidden_row_and_columns.xls"
    assert readers.xls_hidden(path, 0) == (frozenset({3}), frozenset({3, 4}))
    assert readers.xls_hidden(path, 1) == (frozenset(), frozenset())  # no such sheet
    result = base("household", "import", path)
    assert result.code == 0 and "新增 3" in result.out, result
    assert ROW_3 in result.err and PHONE_HIDDEN in result.err, result
    assert "“旧地址”列在 Excel 中是隐藏的" not in result.err
    result = base("household", "import", path, "--map", "手机号码=忽略", "--dry-run")
    assert result.code == 0 and "列在 Excel 中是隐藏的" not in result.err, result


def test_a_hidden_column_of_an_xlsx_that_is_imported_is_named(
    base: Cli, tmp_path: Path, db_path: Path
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["户主姓名", "所在社区(村)", "手机号码", "旧手机号码"])
    sheet.append(["张飞", "幸福社区", "13800001234", "13900001234"])
    sheet.column_dimensions["C"].hidden = True
    sheet.column_dimensions["D"].hidden = True  # an unknown column: not read, no such note
    book.save(path := tmp_path / "户.xlsx")
    result = base("household", "import", path)
    assert result.code == 0 and PHONE_HIDDEN in result.err, result
    assert "“旧手机号码”列在 Excel 中是隐藏的" not in result.err


def test_a_file_that_is_no_ole_file_has_no_hidden_rows(tmp_path: Path) -> None:
    path = tmp_path / "坏.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 600)
    assert readers.xls_hidden(path, 0) == (frozenset(), frozenset())
