"""The streaming .xlsx writer of listings and exports: widths from the first rows, and a table
longer than a sheet goes on in …（续） sheets with the header again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sanlian.io import writers


def test_widths_from_header_and_first_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    monkeypatch.setattr(writers, "SAMPLE_ROWS", 2)
    path = tmp_path / "名单.xlsx"
    with writers.XlsxWriter(path, ["编号", "姓名", "备注"], title="名单") as w:
        w.write([1, "张伟", "一" * 20])  # 40 wide
        w.write([2, "李娜", None])
        w.write([3, "王强", "二" * 40])  # past the sample: not measured
    assert w.count == 3
    ws = openpyxl.load_workbook(path)["名单"]
    widths = [ws.column_dimensions[letter].width for letter in "ABC"]
    assert widths == [10, 10, 42]  # at least 10; header + 4; content + 2
    assert [c.value for c in ws["C"]] == ["备注", "一" * 20, None, "二" * 40]


def test_widths_capped(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "长.xlsx"
    with writers.XlsxWriter(path, ["说明"]) as w:
        w.write(["长" * 100])
    assert openpyxl.load_workbook(path).active.column_dimensions["A"].width == 60


def test_longer_than_a_sheet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    monkeypatch.setattr(writers, "MAX_ROWS", 3)  # a header and two rows a sheet
    monkeypatch.setattr(writers, "SAMPLE_ROWS", 2)
    path = tmp_path / "农户.xlsx"
    with writers.XlsxWriter(
        path, ["编号", "身份证号", "登记日期"], text_columns=[1], title="农户"
    ) as w:
        for i in range(1, 6):
            w.write([i, f"37010219800101{i:04d}", dt.date(2026, 3, i)])
    assert w.count == 5
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["农户", "农户（续）", "农户（续2）"]
    rows = {n: list(book[n].iter_rows(values_only=True)) for n in book.sheetnames}
    assert [len(r) for r in rows.values()] == [3, 3, 2]
    for name, sheet_rows in rows.items():
        ws = book[name]
        assert sheet_rows[0] == ("编号", "身份证号", "登记日期"), name
        assert all(c.font.bold for c in ws[1]) and ws.freeze_panes == "A2", name
        assert ws.column_dimensions["B"].width == 20, name  # 18 digits + 2, on every sheet
    body = [r for n in book.sheetnames for r in rows[n][1:]]
    assert [r[0] for r in body] == [1, 2, 3, 4, 5]
    assert body[4][1] == "370102198001010005"  # text, not a rounded number
    assert book["农户（续2）"]["B2"].number_format == "@"
    assert body[4][2] == dt.datetime(2026, 3, 5)
    assert book["农户（续2）"]["C2"].number_format == "yyyy-mm-dd"


def test_empty_table_still_has_its_header(tmp_path: Path) -> None:
    import openpyxl

    path = tmp_path / "空.xlsx"
    with writers.XlsxWriter(path, ["编号", "姓名"], title="空表"):
        pass
    ws = openpyxl.load_workbook(path)["空表"]
    assert [c.value for c in ws[1]] == ["编号", "姓名"] and ws.max_row == 1


def test_sheet_title_keeps_the_suffix() -> None:
    assert writers.sheet_title("名" * 40, "（续）") == "名" * 28 + "（续）"
    assert writers.sheet_title("a/b") == "a_b"


def test_values_read_back_by_calamine(tmp_path: Path) -> None:
    """The same cells through python-calamine: text that looks like a formula or a number stays
    text, dates are dates, booleans 是/否, characters XML cannot hold are dropped."""
    import openpyxl
    from python_calamine import CalamineWorkbook

    path = tmp_path / "导出.xlsx"
    with writers.XlsxWriter(
        path, ["编号", "手机号码", "备注", "日期", "党员"], text_columns=[1]
    ) as w:
        w.write([1, "13800138000", "=SUM(A1:A9)", dt.date(2026, 3, 1), True])
        w.write([2, None, "甲\x01乙 & <丙>", None, False])
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Sheet1").to_python()
    assert rows == [
        ["编号", "手机号码", "备注", "日期", "党员"],
        [1, "13800138000", "=SUM(A1:A9)", dt.date(2026, 3, 1), "是"],
        [2, "", "甲乙 & <丙>", "", "否"],
    ]
    ws = openpyxl.load_workbook(path)["Sheet1"]
    assert ws["C2"].data_type == "s" and ws["B2"].number_format == "@"
    assert ws["B3"].number_format == "@"  # an empty text cell keeps its format
    assert ws["A1"].font.bold and ws["A1"].fill.fgColor.rgb.endswith("DDEBF7")


def test_failed_export_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "out" / "名单.xlsx"
    path.parent.mkdir()
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError), writers.XlsxWriter(path, ["编号"]) as w:
        w.write([1])
        raise RuntimeError("stopped")
    assert path.read_bytes() == b"old" and sorted(p.name for p in path.parent.iterdir()) == [
        "名单.xlsx"
    ]
