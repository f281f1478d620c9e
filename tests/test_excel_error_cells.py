"""A cell holding one of Excel's error values (a VLOOKUP that found nothing: ``#N/A``; a
deleted reference: ``#REF!``) is not a blank cell: python-calamine reads it as one, so the import
looks for it in the sheet's XML and refuses the row, naming the error, instead of taking the row
without what the formula should have given. (And ``--sheet`` given for a CSV file.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sanlian.io import readers
from tests.conftest import Cli, dump

HEADER = ["户主姓名", "所在社区(村)", "手机号码", "家庭人口", "需求", "备用列"]


def _book(path: Path, sheets: dict[str, list[list[Any]]], errors: dict[str, list[str]]) -> Path:
    """A workbook whose cells named in ``errors`` (per sheet) hold their text as an error
    value (``t="e"`` in the XML, as Excel saves a failed formula)."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        for ref in errors.get(title, []):
            sheet[ref].data_type = "e"
    book.save(path)
    return path


def test_an_error_value_refuses_its_row_and_says_which(
    base: Cli, tmp_path: Path, db_path: Path
) -> None:
    rows = [
        HEADER,
        ["#REF!", "幸福社区", "#N/A", 3, "#VALUE!"],
        ["赵一", "幸福社区", None, "#DIV/0!"],
        ["钱二", "幸福社区", None, 2, None, "#N/A"],  # in a column the import does not read
    ]
    path = _book(tmp_path / "户.xlsx", {"户": rows}, {"户": ["A2", "C2", "E2", "D3", "F4"]})
    before = dump(db_path)
    result = base("household", "import", path)
    assert result.code == 1
    said = {
        (line.split()[0], line.split()[1], line.split()[2])
        for line in result.err.splitlines()
        if "Excel 的错误值" in line
    }
    assert said == {
        ("2", "户主姓名", "#REF!"),
        ("2", "手机号码", "#N/A"),
        ("2", "需求", "#VALUE!"),
        ("3", "家庭人口", "#DIV/0!"),
    }
    assert (
        "“家庭人口”一格是 Excel 的错误值 #DIV/0!（公式出错或查找不到），读不到应有的内容；"
        "请在 Excel 中改正公式或直接填写这一格，然后重新导入。" in result.err
    )
    assert "不能为空" not in result.err  # #REF! in the name is not a blank name
    assert dump(db_path) == before
    # --skip-bad: the row whose unread column holds the error is imported
    result = base("household", "import", path, "--skip-bad")
    assert result.code == 0 and "新增 1，更新 0，未变 0，不合格 2" in result.out, result
    assert "钱二" in base("household", "list", "-f", "csv").out
    # the bad rows' file holds the errors as text cells: imported as it is, refused again
    again = base("household", "import", tmp_path / "户.错误.xlsx")
    assert again.code == 1 and ("2", "户主姓名", "#REF!") in _said(again.err), again


def test_the_forked_reading_finds_them_too(
    base: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sanlian.services import importing

    rows = [HEADER, ["赵一", "幸福社区", None, "#DIV/0!"], ["钱二", "幸福社区"]]
    path = _book(tmp_path / "户.xlsx", {"户": rows}, {"户": ["D2"]})
    monkeypatch.setenv(importing.PARALLEL_ENV, "1")  # the checks in a forked process
    result = base("household", "import", path)
    assert result.code == 1 and "错误值 #DIV/0!" in result.err, result


def test_the_sheet_named_is_the_one_looked_in(base: Cli, tmp_path: Path) -> None:
    first = [HEADER, ["赵一", "幸福社区", None, 2]]
    second = [HEADER, ["钱二", "幸福社区", None, "#N/A"]]
    path = _book(tmp_path / "户.xlsx", {"一科": first, "二科": second}, {"二科": ["D2"]})
    assert base("household", "import", path, "--sheet", "一科").code == 0
    result = base("household", "import", path, "--sheet", "二科")
    assert result.code == 1 and "错误值 #N/A" in result.err, result


def test_a_long_sheet_is_scanned_across_its_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [HEADER] + [[f"户{i}", "幸福社区", None, 2] for i in range(300)]
    path = _book(tmp_path / "户.xlsx", {"户": rows}, {"户": ["D150", "B301"]})
    monkeypatch.setattr(readers, "_CHUNK", 97)  # a cell's XML cut across chunks
    assert readers.error_cells(path, 0) == {150: {3: "2"}, 301: {1: "幸福社区"}}
    assert readers.error_cells(path, 1) == {}  # no such sheet


def test_error_cells_as_excel_and_wps_write_them() -> None:
    found: dict[int, dict[int, str]] = {}
    readers._errors_in(
        b'<c r="B7" s="2" t="e"><f>VLOOKUP(A7,Sheet2!A:B,2,0)</f><v>#N/A</v></c>'
        b'<c t="e" r="AA10"><v>#REF!</v></c>'
        b'<c r="C1" t="e"/><c r="D1"><v>5</v></c>'  # no value: nothing to say
        b'<c r="E1" t="s"><v>3</v></c>',  # a shared string, not an error
        found,
    )
    assert found == {7: {1: "#N/A"}, 10: {26: "#REF!"}}
    # the Open XML SDK's prefixed elements, attributes in single quotes
    readers._errors_in(b"<x:c r='C3' t='e'><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c>", found)
    assert found[3] == {2: "#DIV/0!"}


def test_an_error_in_the_record_number_is_named_so(base: Cli, tmp_path: Path) -> None:
    rows = [["台账编号", *HEADER], ["", "赵一", "幸福社区", None, 2]]
    path = _book(tmp_path / "户.xlsx", {"户": rows}, {"户": ["A2"]})
    (sheet := __import__("openpyxl").load_workbook(path))["户"]["A2"] = "#N/A"
    sheet["户"]["A2"].data_type = "e"
    sheet.save(path)
    result = base("household", "import", path)
    assert result.code == 1 and "“台账编号”一格是 Excel 的错误值 #N/A" in result.err, result


def test_a_file_that_is_no_zip_has_none(tmp_path: Path) -> None:
    path = tmp_path / "旧.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)
    assert readers.error_cells(path, 0) == {}


def _said(err: str) -> set[tuple[str, str, str]]:
    """(line, column, error) of each row the error table refuses for an error value."""
    return {
        (line.split()[0], line.split()[1], line.split()[2])
        for line in err.splitlines()
        if "Excel 的错误值" in line
    }


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_an_error_value_saved_into_a_csv_file_is_refused_too(
    base: Cli, tmp_path: Path, db_path: Path, encoding: str
) -> None:
    """Excel saves a failed formula into a CSV file as the error's text: the row is refused as
    from the workbook, rather than a household named "#N/A" or a blank 家庭人口. Text that
    only mentions an error is text."""
    from tests.test_import_registry import write_csv

    rows = [
        HEADER,
        ["#N/A", "幸福社区", None, 3],
        ["赵一", "幸福社区", "#N/A", " #DIV/0! "],
        ["钱二", "幸福社区", None, 2, "公式显示#N/A，已核实", "#NAME?"],  # an unread column
    ]
    path = write_csv(tmp_path / "户.csv", rows, encoding=encoding)
    before = dump(db_path)
    result = base("household", "import", path)
    assert result.code == 1, result
    assert _said(result.err) == {
        ("2", "户主姓名", "#N/A"),
        ("3", "手机号码", "#N/A"),
        ("3", "家庭人口", "#DIV/0!"),
    }
    assert "Traceback" not in result.err
    assert dump(db_path) == before
    result = base("household", "import", path, "--skip-bad")
    assert result.code == 0 and "新增 1，更新 0，未变 0，不合格 2" in result.out, result
    # the bad rows given back with the error as Excel wrote it (not after a tab, as a text)
    bad = (tmp_path / "户.错误.csv").read_text(encoding="utf-8-sig")
    assert ",#N/A," in bad and ",#DIV/0!" in bad and "\t#" not in bad, bad
    assert base("household", "import", tmp_path / "户.错误.csv").code == 1  # refused again
    listed = base("household", "list", "-f", "csv").out
    assert "钱二" in listed and "#N/A" not in listed.replace("公式显示#N/A，已核实", "")


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_a_text_that_reads_like_an_error_value_comes_back_from_an_export(
    base: Cli, tmp_path: Path, suffix: str
) -> None:
    """A text typed as ``#N/A`` is a text: the program's own export of it (an .xlsx text
    cell; in a CSV file after a tab) imports back unchanged, not refused as a failed formula."""
    assert base("household", "add", "#N/A", "--community", "幸福社区").code == 0
    assert base("household", "edit", "#N/A", "--needs", "#VALUE!").code == 0
    out = tmp_path / f"户{suffix}"
    assert base("export", "household", "-o", out).code == 0
    result = base("household", "import", out)
    assert result.code == 0 and "新增 0，更新 0" in result.out, result
    assert "Excel 的错误值" not in result.err


def test_a_bad_rows_workbook_holds_the_error_cells_as_error_cells(
    base: Cli, tmp_path: Path
) -> None:
    rows = [HEADER, ["赵一", "幸福社区", None, "#DIV/0!"], ["钱二", "幸福社区", None, 2]]
    path = _book(tmp_path / "户.xlsx", {"户": rows}, {"户": ["D2"]})
    assert base("household", "import", path, "--skip-bad").code == 0
    bad = tmp_path / "户.错误.xlsx"
    assert readers.error_cells(bad, 0) == {2: {3: "#DIV/0!"}}  # as Excel would keep it
    again = base("household", "import", bad)
    assert again.code == 1 and _said(again.err) == {("2", "家庭人口", "#DIV/0!")}, again


def test_an_error_cell_in_a_number_column_keeps_its_text_format(base: Cli, tmp_path: Path) -> None:
    """The clerk types the ID number over the #N/A in Excel: the column's text format keeps
    its 18 digits whole (in the General format Excel would round it)."""
    from openpyxl import load_workbook

    head = ["户主姓名", "所在社区(村)", "身份证号码", "手机号码"]
    rows = [head, ["赵一", "幸福社区", "#N/A", "#REF!"], ["钱二", "幸福社区"]]
    path = _book(tmp_path / "户.xlsx", {"户": rows}, {"户": ["C2", "D2"]})
    assert base("household", "import", path, "--skip-bad").code == 0
    sheet = load_workbook(tmp_path / "户.错误.xlsx").active
    assert sheet is not None
    for ref in ("C2", "D2"):
        assert sheet[ref].data_type == "e" and sheet[ref].number_format == "@", ref


def test_which_texts_are_excel_error_values() -> None:
    from sanlian.io.cells import ExcelError, excel_error

    for text in ("#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!"):
        found = excel_error(f" {text} ")
        assert isinstance(found, ExcelError) and found == text
    for text in ("#N/A 查无此人", "# N/A", "#n/a", "#1", "＃N/A", "N/A", "#", "", "\t#N/A"):
        assert excel_error(text) is None, text


def _damaged(path: Path, rows: int) -> Path:
    """A workbook of ``rows`` households whose sheet's compressed data is damaged at its
    start (zlib: "invalid block type"), as a file cut short or mangled in transit is."""
    import struct
    import zipfile

    book = [HEADER] + [[f"户{i}", "幸福社区", None, 2] for i in range(rows)]
    _book(path, {"户": book}, {})
    with zipfile.ZipFile(path) as zipped:
        entry = zipped.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(path.read_bytes())
    name, extra = struct.unpack("<HH", data[entry.header_offset + 26 : entry.header_offset + 30])
    data[entry.header_offset + 30 + name + extra] = 0xFF
    path.write_bytes(bytes(data))
    return path


def test_a_damaged_sheet_has_no_error_cells_to_say(tmp_path: Path) -> None:
    """The scan is a side look: what it cannot read, python-calamine refuses (below)."""
    assert readers.error_cells(_damaged(tmp_path / "坏.xlsx", 20), 0) == {}


@pytest.mark.parametrize("rows", [20, 6000])  # small; large enough for a forked checker
def test_a_damaged_sheet_is_refused_in_one_sentence(
    base: Cli, tmp_path: Path, db_path: Path, rows: int
) -> None:
    path = _damaged(tmp_path / "坏.xlsx", rows)
    before = dump(db_path)
    result = base("household", "import", path)
    assert result.code == 1, result
    assert result.err.startswith(f"文件 {path} 不是可读取的 Excel 工作簿"), result.err
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1
    assert dump(db_path) == before


def test_the_sheet_loads_and_is_scanned_beside_the_caller() -> None:
    """``_on_thread``: the work's value, or what it raised, where it is waited for."""
    assert readers._on_thread("t", lambda: 42)() == 42

    def fails() -> int:
        raise ValueError("坏")

    waiting = readers._on_thread("t", fails)
    with pytest.raises(ValueError, match="坏"):
        waiting()


def test_a_sheet_named_for_a_csv_file_is_refused(base: Cli, tmp_path: Path) -> None:
    """A CSV file has one table: ``--sheet`` is refused, not ignored (the clerk may have meant
    the workbook the CSV was saved from)."""
    path = tmp_path / "户.csv"
    path.write_text("户主姓名,所在社区(村)\n赵一,幸福社区\n", encoding="utf-8-sig")
    result = base("household", "import", path, "--sheet", "二科")
    assert result.code == 1
    assert result.err.strip() == (
        "“户.csv”是文本（CSV）文件，只有一张表，没有工作表“二科”；导入它请去掉 --sheet，"
        "要导入工作簿中的这张表请写工作簿（.xlsx）的文件名。"
    )
    assert base("household", "import", path).code == 0


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_an_error_value_in_the_header_is_named_where_a_column_is_missing(
    base: Cli, tmp_path: Path, db_path: Path, suffix: str
) -> None:
    """A header cell a broken formula left as #REF!: the refusal of the missing column says
    where the error is, rather than only that the column is missing."""
    from tests.test_import_registry import write_csv

    rows: list[list[Any]] = [
        ["联系户名册"],
        ["户主姓名", "#REF!", "手机号码"],
        ["赵一", "幸福社区", None],
    ]
    if suffix == ".xlsx":
        path = _book(tmp_path / "户.xlsx", {"户": rows}, {"户": ["B2"]})
    else:
        path = write_csv(tmp_path / "户.csv", rows, encoding="gbk")
    before = dump(db_path)
    result = base("household", "import", path)
    assert result.code == 1, result
    assert result.err.strip() == (
        "文件缺少必填列“所在社区(村)”，而表头（第 2 行）B 列是 Excel 的错误值 #REF!（公式出错），"
        "不是列名；若这一列就是“所在社区(村)”，请在 Excel 中把这一格改写成“所在社区(村)”，"
        "然后重新导入；未导入任何联系户。"
    ), result.err
    assert dump(db_path) == before
    # with the column named, the same file imports
    rows[1][1] = "所在社区(村)"
    fixed = (
        _book(tmp_path / "好.xlsx", {"户": rows}, {})
        if suffix == ".xlsx"
        else write_csv(tmp_path / "好.csv", rows, encoding="gbk")
    )
    assert base("household", "import", fixed).code == 0


def test_a_formula_saved_without_its_result_refuses_its_row(
    base: Cli, tmp_path: Path, db_path: Path
) -> None:
    """A workbook written by a program (openpyxl here), never opened in Excel, holds formulas
    without results: python-calamine read them as blank cells, so a row was taken with its
    家庭人口 and 需求 empty, and one whose name is a formula was called nameless."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (HEADER, ["赵一", "幸福社区", None, "=1+2", "=A2&B2"], ["=B2", "幸福社区"]):
        sheet.append(row)
    sheet.append(["钱二", "幸福社区", None, 2, None, "=ROW()"])  # a column not read: no matter
    path = tmp_path / "户.xlsx"
    book.save(path)
    before = dump(db_path)
    result = base("household", "import", path)
    assert result.code == 1 and dump(db_path) == before
    assert (
        "“家庭人口”一格是公式 =1+2，文件中没有保存它的计算结果（这个文件不是 Excel 或 WPS 保存的），"
        "读不到应有的内容；请在 Excel 或 WPS 中打开这个文件、保存后重新导入。" in result.err
    ), result
    assert "“需求”一格是公式 =A2&B2" in result.err and "“户主姓名”一格是公式 =B2" in result.err
    assert "不能为空" not in result.err
    assert base("household", "import", path, "--skip-bad").code == 0
    assert "钱二" in base("household", "list", "-f", "csv").out


def test_formulas_with_results_or_an_empty_text_result_are_read() -> None:
    found: dict[int, dict[int, str]] = {}
    readers._no_results_in(
        b'<c r="A2"><f>1+2</f><v>3</v></c>'  # Excel's: the result kept
        b'<c r="B2" t="str"><f>A1&amp;""</f><v></v></c>'  # an empty text result
        b'<c r="C2"><f>1+2</f><v></v></c>'  # openpyxl's: none
        b'<c r="D2"><f t="shared" si="0"/></c>'  # a shared formula's cell, none
        b"<x:c r='E9'><x:f>A9</x:f></x:c>",
        found,
    )
    assert found == {2: {2: "=1+2", 3: "=…"}, 9: {4: "=A9"}}
