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
    assert result.code == 0 and "隐藏" not in result.err, result


def test_a_hidden_title_row_or_blank_row_is_not_named(base: Cli, tmp_path: Path) -> None:
    path = _book(tmp_path / "户.xlsx", hide=(1, 9))  # the title, and a blank row under the data
    result = base("household", "import", path)
    assert result.code == 0 and "隐藏" not in result.err, result


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
