"""A clerk's text in a CSV file is never a date or another number to Excel: an address 5-3, a
grid 01, an all-digit credit code or a full ID number in a list written with ``-o 文件.csv``
is written after a tab (``io.cells.guard_excel``), and the readers strip it, so that export →
Excel → import gives back the same records."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from sanlian.io.cells import guard_excel
from tests.conftest import Cli

# each read by Excel as a date or as another number (and saved so)
READ_AS_OTHER = [
    "5-3",
    "3/12",
    "2026/3/5",
    "2026-03-05",
    "3月5日",
    "2026年3月",
    "01",
    "007",
    "371302197208269419",
    "913713001630448004",
    "1E5",
    "3.50",
    "1,234",
    "(5)",
    "5-Mar",
    "Mar-5",
    "#N/A",  # an error value to Excel, which the import would refuse as one
    "#DIV/0!",
]
# and these as themselves (text, or the same number)
AS_THEY_ARE = ["王秀英", "1-2号楼", "幸福社区26号楼1单元", "12", "12.5", "15480844503", "Tom 5",
               "9137130018H6NCHAFF", "-5", "", "第一网格", "#N/A 查无此人", "＃N/A", "3#楼"]  # fmt: skip


@pytest.mark.parametrize("value", READ_AS_OTHER)
def test_a_text_excel_would_read_otherwise_is_written_after_a_tab(value: str) -> None:
    assert guard_excel(value) == "\t" + value


@pytest.mark.parametrize("value", AS_THEY_ARE)
def test_other_text_is_written_as_it_is(value: str) -> None:
    assert guard_excel(value) == value


def test_a_text_after_a_tab_already_gets_no_second_one() -> None:
    assert guard_excel("\t5-3") == "\t5-3"  # a bad row given back as the file had it
    assert guard_excel(" 5-3") == "\t 5-3"


def test_a_formula_keeps_its_apostrophe() -> None:
    assert guard_excel("=1+2") == "'=1+2"
    assert guard_excel("-5-3") == "'-5-3"


def _cells(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))


def _through_excel(path: Path) -> None:
    """``path`` opened in Excel (Chinese) and saved again as a GBK CSV with a title row above
    the table: a cell after a tab is text, kept as it is; others that look like a date are
    saved as 2026/5/3, a leading zero is lost, a long number is rounded."""

    def seen(value: str) -> str:
        if value.startswith("\t"):
            return value
        if m := re.fullmatch(r"(\d{1,2})[-/](\d{1,2})", value):
            return f"2026/{int(m[1])}/{int(m[2])}"
        if m := re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", value):
            return f"{int(m[1])}/{int(m[2])}/{int(m[3])}"
        if re.fullmatch(r"0\d+", value):
            return str(int(value))
        if re.fullmatch(r"\d{16,}", value):
            return f"{float(value):.5E}"
        return value

    rows = [[seen(v) for v in row] for row in _cells(path)]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["某某局台账"] + [""] * (len(rows[0]) - 1))
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode("gbk"))


@pytest.fixture
def looks_like_dates(base: Cli) -> Cli:
    steps = [
        ("community", "edit", "幸福社区", "--grid", "01"),
        ("household", "edit", "王秀英", "--address", "5-3", "--note", "#N/A"),
        (
            "household",
            "add",
            "李娜",
            "--community",
            "前河湾村",
            "--address",
            "3/12",
            "--note",
            "007",
        ),  # fmt: skip
    ]
    for step in steps:
        result = base(*step)
        assert result.code == 0, result
    return base


def test_an_export_through_excel_imports_unchanged(looks_like_dates: Cli, tmp_path: Path) -> None:
    cli = looks_like_dates
    for kind in ("community", "household"):
        out = tmp_path / f"{kind}.csv"
        assert cli("export", kind, "-o", out).code == 0
        _through_excel(out)
        result = cli(kind, "import", out)
        assert result.code == 0, result
        assert "新增 0，更新 0" in result.out, result
    households = cli("household", "list", "-f", "json").json()
    assert [(h["name"], h["address"], h["note"]) for h in households] == [
        ("王秀英", "5-3", "#N/A"),  # a text, not an error value to refuse
        ("李娜", "3/12", "007"),
    ]
    assert cli("community", "show", "幸福社区", "-f", "json").json()["grid"] == "01"


def test_a_listing_file_keeps_codes_and_id_numbers_whole(base: Cli, tmp_path: Path) -> None:
    assert base("enterprise", "add", "数字代码公司", "--uscc", "913713001630448004").code == 0
    out = tmp_path / "企业.csv"
    assert base("enterprise", "list", "-o", out).code == 0
    rows = _cells(out)
    assert rows[2][1:3] == ["数字代码公司", "\t913713001630448004"], rows
    assert rows[1][2] == "91350100M000100Y43"  # a letter in it: Excel keeps it as text
    assert base("household", "edit", "王秀英", "--id-number", "11010519491231002X").code == 0
    assert base("cadre", "edit", "曾强", "--id-number", "371302197208269419").code == 0
    cadres = tmp_path / "干部.csv"
    assert base("cadre", "list", "--reveal", "-o", cadres).code == 0
    assert [r[-2] for r in _cells(cadres)[1:3]] == ["13812345678", ""]  # 11 digits: whole
    assert "\t371302197208269419" in [r[-1] for r in _cells(cadres)]
    record = tmp_path / "曾强.csv"
    assert base("cadre", "show", "曾强", "--reveal", "-o", record).code == 0
    assert ["身份证号码", "\t371302197208269419"] in _cells(record)


def test_csv_on_standard_output_is_left_as_it_is(base: Cli) -> None:
    """``-f csv`` without a file is for programs: no tab before the code."""
    assert base("enterprise", "add", "数字代码公司", "--uscc", "913713001630448004").code == 0
    result = base("enterprise", "list", "-f", "csv")
    assert "数字代码公司,913713001630448004," in result.out, result


def test_a_bad_row_file_keeps_what_excel_would_change(base: Cli, tmp_path: Path) -> None:
    file = tmp_path / "户.csv"
    file.write_text("户主姓名,所在社区(村),地址\n李娜,不存在社区,5-3\n", "utf-8-sig")
    assert base("household", "import", file, "--skip-bad").code == 1  # its one row bad
    bad = _cells(tmp_path / "户.错误.csv")
    assert bad[1][:3] == ["李娜", "不存在社区", "\t5-3"], bad


# --- money in .xlsx -------------------------------------------------------------------------


def test_money_is_a_number_excel_sums(base: Cli, tmp_path: Path) -> None:
    """``export problem`` and ``problem list -o .xlsx`` wrote 资金(元) as text ("12,345.67"):
    Excel's SUM gave 0. Now a number formatted #,##0.00; the CSV export still says 1234.50."""
    from openpyxl import load_workbook

    steps = [
        ("problem", "add", "--household", "王秀英", "--category", "就业", "--text", "待业",
         "--date", "2026-05-01"),
        ("problem", "resolve", "1", "--how", "介绍工作", "--amount", "12345.5",
         "--date", "2026-05-10"),
        ("problem", "add", "--community", "幸福社区", "--category", "公共设施", "--text", "路灯",
         "--date", "2026-05-02"),
    ]  # fmt: skip
    for step in steps:
        result = base(*step)
        assert result.code == 0, result
    for args in (("export", "problem"), ("problem", "list")):
        out = tmp_path / f"{args[0]}.xlsx"
        assert base(*args, "-o", out).code == 0
        sheet = load_workbook(out).active
        assert sheet is not None
        header = [c.value for c in sheet[1]]
        column = header.index("资金(元)") + 1
        cells = [sheet.cell(row, column) for row in (2, 3)]
        assert [c.value for c in cells] == [12345.5, None], args
        assert cells[0].number_format == "#,##0.00", args
    exported = tmp_path / "问题.csv"
    assert base("export", "problem", "-o", exported).code == 0
    assert _cells(exported)[1][-1] == "12345.50"


def test_the_history_in_xlsx_keeps_the_time(base: Cli, tmp_path: Path) -> None:
    """``history -o .xlsx`` wrote 时间 as a date formatted yyyy-mm-dd: every change of a day
    showed the same 2026-06-15, its hour and minute hidden. Now as on the screen."""
    from openpyxl import load_workbook

    out = tmp_path / "日志.xlsx"
    assert base("history", "-o", out).code == 0
    sheet = load_workbook(out).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    shown = base("history", "-f", "json").json()
    times = [sheet.cell(row, header.index("时间") + 1).value for row in range(2, sheet.max_row + 1)]
    assert len(times) == len(shown) > 5
    assert all(isinstance(t, str) and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", t) for t in times)
