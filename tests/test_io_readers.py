"""Readers: CSV in the encodings Chinese offices send, sniffed delimiters, Excel cells as shown."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sanlian.errors import ImportFileError
from sanlian.io import cells, readers
from tests.conftest import Cli

ROWS = [
    ["干部花名册（2026年）"],
    ["序号", "姓名", "科室", "备注"],
    ["1", "张伟", "办公室", "说“你好”，再见"],
    ["2", "单丽", "综合科", "第一行\n第二行"],
]


def write_csv(
    path: Path, rows: list[list[Any]], *, encoding: str = "utf-8", delimiter: str = ","
) -> Path:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[Any]], *, title: str = "Sheet1", start: int = 1) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for r, row in enumerate(rows, start=start):
        for c, value in enumerate(row, start=1):
            sheet.cell(row=r, column=c, value=value)
    book.save(path)
    return path


def read(path: Path, **kwargs: Any) -> list[tuple[int, list[Any]]]:
    table = readers.open_table(path, **kwargs)
    try:
        return list(table)
    finally:
        table.close()


# --- CSV encodings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gbk", "gb18030"),
        ("gb18030", "gb18030"),
        ("utf-16", "utf-16"),
    ],
)
def test_csv_encoding_detected(tmp_path: Path, encoding: str, detected: str) -> None:
    path = write_csv(tmp_path / "花名册.csv", ROWS, encoding=encoding)
    table = readers.open_table(path)
    assert table.encoding == detected
    rows = list(table)
    assert rows[0] == (1, ["干部花名册（2026年）"])
    assert rows[1][1] == ["序号", "姓名", "科室", "备注"]
    assert rows[2][1][3] == "说“你好”，再见"
    assert rows[3] == (4, ["2", "单丽", "综合科", "第一行\n第二行"])


def test_gb18030_character_outside_gbk(tmp_path: Path) -> None:
    # 𠮷 (U+20BB7) exists only in GB18030: a file saved by a newer Excel still reads.
    path = write_csv(tmp_path / "x.csv", [["姓名", "科室"], ["吉𠮷", "办公室"]], encoding="gb18030")
    assert read(path)[1][1][0] == "吉𠮷"


def test_gbk_detected_when_first_megabyte_is_ascii(tmp_path: Path) -> None:
    rows: list[list[Any]] = [["name", "section"]] + [["a" * 50, "b"]] * 30000 + [["张伟", "办公室"]]
    path = write_csv(tmp_path / "x.csv", rows, encoding="gbk")
    table = readers.open_table(path)
    assert table.encoding == "gb18030"
    assert list(table)[-1][1] == ["张伟", "办公室"]


def test_forced_encoding(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", ROWS, encoding="gbk")
    assert read(path, encoding="GBK")[1][1][1] == "姓名"
    assert readers.open_table(path, encoding="gbk").encoding == "gb18030"


def test_forced_wrong_encoding_names_the_line(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", ROWS, encoding="gbk")
    with pytest.raises(ImportFileError) as info:
        read(path, encoding="utf-8")
    assert info.value.key == "import_encoding"
    assert "--encoding" in info.value.message
    assert "第 1 行" in info.value.message


def test_unknown_encoding_name(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", ROWS)
    with pytest.raises(ImportFileError) as info:
        readers.open_table(path, encoding="klingon")
    assert "klingon" in info.value.message
    assert "gb18030" in info.value.message


# --- delimiters, blank rows, trailing blanks ------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_sniffed(tmp_path: Path, delimiter: str) -> None:
    rows = [["姓名", "科室", "手机号码"], ["张伟", "办公室", "13812345678"], ["李娜", "综合科", ""]]
    path = write_csv(tmp_path / "x.csv", rows, delimiter=delimiter)
    table = readers.open_table(path)
    assert table.delimiter == delimiter
    assert [r for _n, r in table] == [rows[0], rows[1], ["李娜", "综合科"]]


def test_one_column_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [["科室名称"], ["办公室"], ["综合科"]])
    assert [r for _n, r in read(path)] == [["科室名称"], ["办公室"], ["综合科"]]


def test_blank_rows_skipped_and_numbered_as_excel(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("姓名,科室,,\r\n,,,\r\n张伟,办公室,, \r\n\r\n李娜,综合科\r\n", encoding="utf-8")
    assert read(path) == [(1, ["姓名", "科室"]), (3, ["张伟", "办公室"]), (5, ["李娜", "综合科"])]


def test_unsupported_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError) as info:
        readers.open_table(tmp_path / "没有.csv")
    assert info.value.key == "import_file_missing"
    (tmp_path / "x.doc").write_text("x")
    with pytest.raises(ImportFileError) as info:
        readers.open_table(tmp_path / "x.doc")
    assert ".doc" in info.value.message and ".xlsx" in info.value.message


def test_an_empty_xlsx_is_called_empty(tmp_path: Path) -> None:
    path = tmp_path / "空.xlsx"
    path.write_bytes(b"")
    with pytest.raises(ImportFileError) as info:
        readers.open_table(path)
    assert info.value.key == "import_empty"


def test_broken_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(ImportFileError) as info:
        readers.open_table(path)
    assert info.value.key == "import_unreadable"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("坏.xlsx", b"PK\x03\x04 not really a workbook"),  # invalid Zip archive: … EOCD
        ("旧.xls", b"<html><table><tr><td>x</td></tr></table></html>" * 8),  # Cfb error: …
    ],
)
def test_unreadable_workbooks_in_one_chinese_sentence(
    tmp_path: Path, name: str, content: bytes
) -> None:
    import re

    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as info:
        readers.open_table(path)
    message = info.value.message
    assert "另存为" in message and ".xlsx" in message
    assert "不是可读取的 Excel 工作簿" in message or "其实是网页" in message
    # No library's English: only the file's name, the suffix and the product names are Latin.
    words = set(re.findall(r"[A-Za-z]{3,}", message.replace(str(path), "")))
    assert words <= {"Excel", "xlsx", "xls", "WPS", "HTML", "XML"}, words
    with pytest.raises(ImportFileError):
        readers.sheet_names(path)


def test_a_workbook_with_a_password_to_open_it_is_said_so(tmp_path: Path) -> None:
    """Excel saves an .xlsx with a password to open as an OLE file holding its encrypted
    package: it was called damaged, "save it again" (which keeps the password)."""
    magic = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    names = (
        "EncryptionInfo".encode("utf-16-le") + b"\0" * 50 + "EncryptedPackage".encode("utf-16-le")
    )
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(magic + b"\0" * 1000 + names + b"\0" * 1000)
    with pytest.raises(ImportFileError) as info:
        readers.open_table(path)
    assert (
        info.value.message == f"工作簿 {path} 设有打开密码，请在 Excel 中取消密码后另存，再导入。"
    )
    # an OLE file without them stays "unreadable"
    path.write_bytes(magic + b"\0" * 2000)
    with pytest.raises(ImportFileError) as info:
        readers.open_table(path)
    assert "不是可读取的 Excel 工作簿" in info.value.message


def test_csv_errors_in_chinese() -> None:
    assert readers.csv_reason(csv.Error("field larger than field limit (131072)")) == (
        "有一个单元格超过 1600 万字"
    )
    assert readers.csv_reason(csv.Error("line contains NUL")) == "含有空字符，可能不是文本文件"
    assert readers.csv_reason(csv.Error("',' expected after '\"'")) == "引号或分隔符不成对"


def test_unreadable_csv_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_csv(tmp_path / "x.csv", ROWS)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(ImportFileError) as info:
        readers.open_table(path)
    assert info.value.key == "import_read_failed"
    assert "Permission" not in info.value.message


# --- Excel ----------------------------------------------------------------------------------


def test_xlsx_cells_as_the_clerk_meant_them(tmp_path: Path) -> None:
    rows = [
        ["XX局干部花名册"],
        [],
        ["姓名", "手机", "身份证号", "日期", "班子", "人口", "时间"],
        [
            "张伟",
            13812345678.0,
            3.70102e17,
            dt.datetime(2026, 3, 1),
            True,
            3,
            dt.datetime(2026, 3, 1, 9, 30),
        ],
        [],
        ["　李娜 ", 1.5, "370102198001011237", dt.date(2026, 6, 3), False, 0.1 + 0.2],
    ]
    path = write_xlsx(tmp_path / "花名册.xlsx", rows, start=2)
    got = read(path)
    assert [n for n, _r in got] == [2, 4, 5, 7]  # Excel's row numbers, blank rows skipped
    assert got[2][1] == ["张伟", "13812345678", "3.70102E+17", dt.date(2026, 3, 1), "是", "3"] + [
        "2026-03-01 09:30"
    ]
    assert got[3][1] == ["　李娜 ", "1.5", "370102198001011237", dt.date(2026, 6, 3), "否", "0.3"]


def test_xlsx_cells_merged_over_rows_give_each_row_their_value(tmp_path: Path) -> None:
    """科室 and 政治面貌 merged over one section's people: Excel keeps the value in the top
    cell, the clerk sees it on every row. A title merged across columns stays one cell, and
    a block's value stays in its first column."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["B1"] = "2026年干部花名册"
    sheet.merge_cells("B1:F1")
    sheet.append([None, "姓名", "科室", "政治面貌", "备注", "其他"])
    sheet.append([None, "刘洋", "综合科", "中共党员", "借调", None])
    sheet.append([None, "王芳"])
    sheet.append([None, "李强", None, "群众"])
    sheet.append([None, "赵敏", "办公室"])
    sheet.merge_cells("C3:C5")  # 科室 over three people
    sheet.merge_cells("D3:D4")  # 政治面貌 over two
    sheet.merge_cells("E3:F4")  # a block: its value belongs to 备注 alone
    path = tmp_path / "花名册.xlsx"
    book.save(path)
    assert read(path) == [
        (1, ["2026年干部花名册"]),
        (2, ["姓名", "科室", "政治面貌", "备注", "其他"]),
        (3, ["刘洋", "综合科", "中共党员", "借调"]),
        (4, ["王芳", "综合科", "中共党员", "借调"]),
        (5, ["李强", "综合科", "群众"]),
        (6, ["赵敏", "办公室"]),
    ]


def test_xlsx_sheet_by_name_or_number(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "封面"
    first.append(["说明"])
    second = book.create_sheet("花名册")
    second.append(["姓名", "科室"])
    second.append(["张伟", "办公室"])
    path = tmp_path / "x.xlsx"
    book.save(path)
    assert read(path)[0][1] == ["说明"]  # the first sheet by default
    assert read(path, sheet="花名册")[1][1] == ["张伟", "办公室"]
    assert read(path, sheet="2")[1][1] == ["张伟", "办公室"]
    with pytest.raises(ImportFileError) as info:
        readers.open_table(path, sheet="干部")
    assert "封面、花名册" in info.value.message
    assert "--sheet" in info.value.message


def test_xlsx_default_is_first_visible_sheet(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    hidden = book.active
    assert hidden is not None
    hidden.title = "隐藏"
    hidden.sheet_state = "hidden"
    hidden.append(["x"])
    shown = book.create_sheet("花名册")
    shown.append(["姓名"])
    path = tmp_path / "x.xlsx"
    book.save(path)
    assert readers.open_table(path).sheet == "花名册"


# --- cells ----------------------------------------------------------------------------------


def test_fold_width_keeps_punctuation() -> None:
    assert cells.fold_width("１３８１２３４５６７８") == "13812345678"
    assert cells.fold_width("ＡＢｃ　张伟，好。") == "ABc 张伟，好。"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (13812345678.0, "13812345678"),
        (3.70102e17, "3.70102E+17"),
        (370102198001011237.0, "3.70102E+17"),
        (2.5, "2.5"),
        (0.1 + 0.2, "0.3"),
        (-4.0, "-4"),
        (True, "是"),
        (7, "7"),
        ("", None),
        ("  ", None),
        (None, None),
    ],
)
def test_from_excel(value: Any, text: Any) -> None:
    assert cells.from_excel(value) == text


def _number_text_before(value: float) -> str:
    """``cells.number_text`` as it was before its whole numbers were taken first."""
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if abs(value) >= cells.EXACT_LIMIT:
        return f"{value:.6G}"
    if value.is_integer():
        return str(int(value))
    return f"{value:.15G}"


@pytest.mark.parametrize(
    "value",
    [
        float("nan"),
        float("inf"),
        float("-inf"),
        1e15,
        -1e15,
        999999999999999.0,
        -999999999999999.0,
        1e15 - 0.5,
        0.0,
        -0.0,
        5e-324,
        13812345678.0,
    ],
)
def test_number_text_reads_every_number_as_before(value: float) -> None:
    assert cells.number_text(value) == _number_text_before(value)


@given(st.floats())
def test_number_text_reads_any_float_as_before(value: float) -> None:
    assert cells.number_text(value) == _number_text_before(value)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("46150", dt.date(2026, 5, 8)),
        ("46150.0", dt.date(2026, 5, 8)),
        ("46150.75", dt.date(2026, 5, 8)),  # a date with a time of day
        ("４６１５０", dt.date(2026, 5, 8)),
        ("20000", dt.date(1954, 10, 3)),
        ("80000", dt.date(2119, 1, 11)),
    ],
)
def test_excel_serial_dates(text: str, day: dt.date) -> None:
    number = cells.excel_serial(text)
    assert number is not None
    assert cells.serial_date(number) == day


@pytest.mark.parametrize("text", ["20260603", "6.3", "12.5", "0603", "2026-06-03", "abc", ""])
def test_not_excel_serial_dates(text: str) -> None:
    assert cells.excel_serial(text) is None


def test_serial_numbers_out_of_range() -> None:
    assert cells.serial_date(19999) is None
    assert cells.serial_date(80001) is None
    assert cells.excel_serial("2026") == 2026.0 and cells.serial_date(2026) is None


def test_scientific_and_integral_text() -> None:
    assert cells.looks_scientific("3.70102E+17")
    assert cells.looks_scientific("1.38123e10")
    assert not cells.looks_scientific("370102198001011237")
    assert cells.digits_text("13812345678.0") == "13812345678"
    assert cells.digits_text("12.50") == "12.50"


# --- a property: whatever sanlian's CSV writers write, the reader gives back ------------------

TEXT = st.text(
    alphabet=st.sampled_from(list("张伟李娜幸福社区办公室，。“”、abcXYZ019 ,;|\"'\n\t-=+@")),
    min_size=1,
    max_size=12,
).filter(lambda s: s.strip() and s == s.strip())


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(TEXT, min_size=3, max_size=3), min_size=1, max_size=8),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
)
def test_csv_round_trip(
    tmp_path: Path, rows: list[list[str]], encoding: str, delimiter: str
) -> None:
    header = ["姓名", "科室", "备注"]
    # as sanlian's CSV writers write them: an apostrophe before ``-x``, ``'-x`` … (not a formula
    # to Excel), which the reader takes off again
    written = [header, *(cells.guard_row(r) for r in rows)]
    path = write_csv(tmp_path / "p.csv", written, encoding=encoding, delimiter=delimiter)
    got = read(path)
    assert [r for _n, r in got] == [header, *rows]
    assert [n for n, _r in got] == list(range(1, len(rows) + 2))


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ImportFileError) as info:
        readers.open_table(path)
    assert info.value.key == "import_encoding_unknown_file"
    assert "--encoding" in info.value.message


def test_a_cell_with_a_line_break_and_semicolons_keeps_the_comma(tmp_path: Path) -> None:
    """Found by Hypothesis: read without its quoting, ``;`` split more lines than ``,``."""
    rows = [["0", ";\n0", ";"], ["0", ";\n0", ";"]]
    header = ["姓名", "科室", "备注"]
    path = write_csv(tmp_path / "p.csv", [header, *rows], encoding="utf-8", delimiter=",")
    assert [r for _n, r in read(path)] == [header, *rows]


def test_a_cell_that_is_a_quote_keeps_the_comma(tmp_path: Path) -> None:
    """Found by Hypothesis: records whose cell holds a ``"`` did not count for ``,`` (as if the
    quoting had been missed), so no delimiter split the file; ``,`` writes it back exactly."""
    rows = [["0", '"', "0\n0;\n0"], ["0", '"', "0\n0;\n0"]]
    header = ["姓名", "科室", "备注"]
    for delimiter in (",", ";", "\t"):
        path = write_csv(tmp_path / "p.csv", [header, *rows], encoding="utf-8", delimiter=delimiter)
        assert [r for _n, r in read(path)] == [header, *rows], delimiter


def test_a_sheet_loads_beside_the_command_and_a_failure_is_one_sentence(tmp_path: Path) -> None:
    """The sheet is read on a thread of its own; whoever needs it waits for it, and a sheet
    that cannot be read is refused with the usual sentence when it is first needed."""
    import threading

    started = threading.Event()

    class Book:
        def get_sheet_by_name(self, name: str) -> Any:
            started.set()
            raise ValueError(f"broken sheet {name}")

    sheet = readers._loading(Book(), "花名册", tmp_path / "x.xlsx")
    assert started.wait(5)
    with pytest.raises(ImportFileError) as caught:
        sheet()
    assert caught.value.key == "import_unreadable"
    with pytest.raises(ImportFileError):
        sheet()  # asked again: the same refusal, no hang


def test_an_excel_table_knows_its_rows_once_loaded(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    assert ws is not None
    for n in range(5):
        ws.append([f"户{n}", "幸福社区"])
    path = tmp_path / "x.xlsx"
    book.save(path)
    table = readers.open_table(path)
    assert table.total == 5
    assert [index for index, _cells in table] == [1, 2, 3, 4, 5]
    table.close()
    table.close()


def test_a_quote_left_open_is_refused_not_read_as_one_long_cell(
    base: Cli, tmp_path: Path, unchanged: Any
) -> None:
    """A stray quote typed in Notepad took every row after it into one cell (a note), and
    the import said it had added one record."""
    path = tmp_path / "干部.csv"
    path.write_text(
        '姓名,科室,性别,备注\n李四,办公室,男,"借调\n王六,办公室,男,\n赵七,综合科,女,\n',
        encoding="utf-8",
    )
    result = unchanged(lambda: base("cadre", "import", path))
    assert result.err.strip() == (
        f'文件 {path} 第 2 行有一个引号（"）没有配对，它后面的 2 行都被读进了同一格，未导入任何'
        "数据；请用记事本打开文件，删掉这个引号或补上另一半，然后重新导入。"
    )
    # closed by a quote of a later row: the rows between read into the cell, refused too
    path.write_text(
        '姓名,科室,性别,备注\n李四,办公室,男,"借调\n王六,办公室,男,\n赵七,综合科,女,"好"\n'
    )
    result = base("cadre", "import", path)
    assert result.code == 1 and '第 2 行有一个引号（"）没有配对，它后面的 2 行' in result.err, (
        result
    )
    # a quote closed before the end, or left open on the last line alone, takes no row:
    # read as before (a space after the closing quote, a quote within a cell)
    path.write_text('姓名,科室,性别,备注\n李四,办公室,男,"科员" \n王六,办公室,男,"借调"到局\n')
    result = base("cadre", "import", path, "--dry-run")
    assert result.code == 0 and "新增 2" in result.out, result
    path.write_text('姓名,科室,性别,备注\n李四,办公室,男,"借调\n')
    assert base("cadre", "import", path, "--dry-run").code == 0
    # a quote closed on a later line is a cell of several lines, as Excel writes one
    path.write_text('姓名,科室,性别,备注\n李四,办公室,男,"借调\n到局"\n王六,办公室,男,\n')
    result = base("cadre", "import", path)
    assert result.code == 0 and "新增 2" in result.out, result
    assert base("cadre", "show", "李四", "-f", "json").json()["note"] == "借调\n到局"
