"""``KIND import``: rosters as offices send them, checked whole, written in one go or not at all."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest

from tests import conftest
from tests.conftest import Cli, dump

WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]


def idn(body: str) -> str:
    """A resident ID number with its GB 11643 check digit."""
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


MAN = idn("11010119800101001")  # 17th digit odd: male
WOMAN = idn("11010119800101002")
MAN2 = idn("11010119750505003")


def write_csv(
    path: Path, rows: list[list[Any]], *, encoding: str = "utf-8-sig", delimiter: str = ","
) -> Path:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[Any]], *, merge_title: bool = False) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    if merge_title:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[1]))
    book.save(path)
    return path


def rows_of(db: Path, sql: str) -> list[tuple[Any, ...]]:
    return conftest.rows_of(db, sql)  # the SQLite file, or on PostgreSQL the test's database


ROSTER = [
    ["XX局干部花名册"],
    ["序号", "姓名", "所在科室", "性别", "政治面貌", "手机", "身份证号", "职务"],
    ["1", "李 娜", "办公室", "女", "中共党员", "139 1234 5678", WOMAN, "科员"],
    ["2", "王强", "综合科", "", "群众", "", MAN, ""],
    ["3", "赵敏", "办公室", "女", "共青团员", "", "", "副科长"],
]


# --- the happy path ---------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_cadre_roster_csv_in_each_encoding(
    base: Cli, tmp_path: Path, db_path: Path, encoding: str
) -> None:
    path = write_csv(tmp_path / "干部花名册.csv", ROSTER, encoding=encoding)
    result = base("cadre", "import", path)
    assert result.code == 0, result
    assert "干部：新增 3，更新 0，未变 0。" in result.out
    assert "共读取 3 行，用时 " in result.err and "每秒" not in result.err  # (3 rows: no rate)
    got = rows_of(
        db_path,
        "select c.name, s.name, gender, party, phone, id_number, title from cadre c "
        "join section s on s.id = c.section_id where c.id > 4 order by c.id",
    )
    assert got == [
        ("李娜", "办公室", "female", "member", "13912345678", WOMAN, "科员"),
        ("王强", "综合科", "male", "masses", None, MAN, None),  # gender read from the ID number
        ("赵敏", "办公室", "female", "league", None, None, "副科长"),
    ]


def test_reimport_changes_nothing(base: Cli, tmp_path: Path, db_path: Path) -> None:
    path = write_csv(tmp_path / "干部花名册.csv", ROSTER)
    assert base("cadre", "import", path).code == 0
    before = dump(db_path)
    result = base("cadre", "import", path)
    assert result.code == 0, result
    assert "干部：新增 0，更新 0，未变 3。" in result.out
    assert dump(db_path) == before  # not even a journal line


def test_xlsx_roster_with_merged_title_and_excel_numbers(
    base: Cli, tmp_path: Path, db_path: Path
) -> None:
    rows = [
        ["XX局干部花名册"],
        ["姓名", "科室", "联系电话", "公民身份号码", "是否班子成员"],
        ["孙丽", "综合科", 13812345679.0, WOMAN, "否"],
        ["周强", "办公室", 13812345670, MAN, True],
    ]
    path = write_xlsx(tmp_path / "花名册.xlsx", rows, merge_title=True)
    result = base("cadre", "import", path)
    assert result.code == 0, result
    assert "新增 2" in result.out
    got = rows_of(db_path, "select name, phone, id_number, is_leader from cadre where id > 4")
    assert got == [("孙丽", "13812345679", WOMAN, 0), ("周强", "13812345670", MAN, 1)]


def test_the_header_repeated_inside_the_data_is_passed_over(
    base: Cli, tmp_path: Path, db_path: Path
) -> None:
    """Sections' rosters pasted one under another repeat the header (spaced, full-width or
    with a 序号 left blank): it was refused as a cadre named 姓名 of section 所在科室."""
    rows = [
        *ROSTER[1:3],
        ["序号", "姓 名", "所在科室", "性别", "政治面貌", "手机", "身份证号", "职务"],
        ROSTER[3],
        ["", "姓名", "所在科室", "", "", "", "", ""],
        ROSTER[4],
    ]
    result = base("cadre", "import", write_csv(tmp_path / "花名册.csv", rows))
    assert result.code == 0 and "新增 3" in result.out, result
    assert rows_of(db_path, "select name from cadre where id > 4 order by id") == [
        ("李娜",),
        ("王强",),
        ("赵敏",),
    ]


def test_a_cadre_added_beside_a_namesake_on_the_roster_is_said(
    base: Cli, tmp_path: Path, db_path: Path
) -> None:
    """A roster sent again with an ID number corrected, or a cadre moved to another section,
    registered a second person of the same name without a word (the dry run too)."""
    first = [["姓名", "科室", "身份证号码"], ["孙丽", "办公室", WOMAN], ["赵敏", "办公室", ""]]
    assert base("cadre", "import", write_csv(tmp_path / "一.csv", first)).code == 0
    corrected = idn("37130219900809002")
    again = [["姓名", "科室", "身份证号码"], ["孙丽", "办公室", corrected], ["赵敏", "综合科", ""]]
    path = write_csv(tmp_path / "二.csv", again)
    for args in (("--dry-run",), ()):
        result = base("cadre", "import", path, *args)
        assert result.code == 0 and "新增 2" in result.out, result
        assert (
            "第 2 行：“孙丽”作为新干部登记，在册已有同名的[5] 孙丽（办公室）；如是同一人（如改正了"
            "身份证号码，或调了科室），请删去这一行，改用 sanlian cadre edit 5 修改。" in result.err
        ), result.err
        assert "第 3 行：“赵敏”作为新干部登记，在册已有同名的[6] 赵敏（办公室）" in result.err


def test_full_width_digits_letters_and_spaces(base: Cli, tmp_path: Path, db_path: Path) -> None:
    wide_id = WOMAN.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    rows = [
        ["姓名", "科室", "手机号码", "身份证号码"],
        ["钱　芳", "综合科", "１３８１２３４５６７１", wide_id],
    ]
    path = write_csv(tmp_path / "x.csv", rows)
    assert base("cadre", "import", path).code == 0
    assert rows_of(db_path, "select name, phone, id_number from cadre where id > 4") == [
        ("钱芳", "13812345671", WOMAN)
    ]


def test_semicolon_and_tab_files(base: Cli, tmp_path: Path) -> None:
    for delimiter, name in ((";", "a.csv"), ("\t", "b.txt")):
        path = write_csv(tmp_path / name, ROSTER[1:], delimiter=delimiter)
        result = base("cadre", "import", path, "--dry-run")
        assert result.code == 0, result
        assert "新增 3" in result.out


def test_pinyin_search_keys_written(base: Cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", ROSTER[1:])
    assert base("cadre", "import", path).code == 0
    shown = base("cadre", "show", "zhaomin", "-f", "json")
    assert shown.code == 0, shown
    assert shown.json()["name"] == "赵敏"
    assert base("cadre", "show", "ln", "-f", "json").json()["name"] == "李娜"


def test_import_is_journalled(base: Cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "干部花名册.csv", ROSTER)
    assert base("cadre", "import", path).code == 0
    history = base("history", "-f", "json").json()
    assert any(
        h["command"] == "cadre import"
        and "干部花名册.csv" in h["summary"]
        and "新增 3" in h["summary"]
        for h in history
    ), history


# --- columns --------------------------------------------------------------------------------


def test_unknown_column_is_noted_not_dropped_silently(base: Cli, tmp_path: Path) -> None:
    rows = [["姓名", "科室", "籍贯", "民族"], ["吴昊", "办公室", "山东", "汉族"]]
    result = base("cadre", "import", write_csv(tmp_path / "x.csv", rows))
    assert result.code == 0, result
    assert "“籍贯”、“民族”" in result.err
    assert "--map" in result.err


def test_map_option(base: Cli, tmp_path: Path, db_path: Path) -> None:
    rows = [["人员", "工作单位", "岗位", "籍贯"], ["吴昊", "办公室", "科员", "山东"]]
    path = write_csv(tmp_path / "x.csv", rows)
    result = base(
        "cadre", "import", path, "--map", "人员=姓名", "--map", "工作单位=section",
        "--map", "岗位＝职务", "--map", "籍贯=忽略",
    )  # fmt: skip
    assert result.code == 0, result
    assert "籍贯" not in result.err
    assert rows_of(db_path, "select name, title from cadre where id > 4") == [("吴昊", "科员")]


def test_map_errors(base: Cli, tmp_path: Path, unchanged: Any) -> None:
    path = write_csv(tmp_path / "x.csv", ROSTER)
    result = unchanged(lambda: base("cadre", "import", path, "--map", "人员"))
    assert "列名=字段" in result.err
    result = unchanged(lambda: base("cadre", "import", path, "--map", "人员=籍贯"))
    assert "“籍贯”不认识" in result.err and "科室(section)" in result.err


def test_missing_required_column_stops_before_any_row(
    base: Cli, tmp_path: Path, unchanged: Any
) -> None:
    rows = [["姓名", "手机号码"], ["吴昊", "not a phone"]]
    result = unchanged(lambda: base("cadre", "import", write_csv(tmp_path / "x.csv", rows)))
    assert "缺少必填列“科室”" in result.err
    assert "部门" in result.err  # the variants it could have been called
    assert "not a phone" not in result.err  # no row was read


def test_header_not_found(base: Cli, tmp_path: Path, unchanged: Any) -> None:
    rows = [["a", "b"]] * 12
    result = unchanged(lambda: base("cadre", "import", write_csv(tmp_path / "x.csv", rows)))
    assert "找不到表头" in result.err and "姓名" in result.err


def test_two_columns_for_one_field(base: Cli, tmp_path: Path, unchanged: Any) -> None:
    rows = [["姓名", "部门", "处室"], ["吴昊", "办公室", "综合科"]]
    result = unchanged(lambda: base("cadre", "import", write_csv(tmp_path / "x.csv", rows)))
    assert "“部门”和“处室”两列都对应“科室”" in result.err
    # (two phone columns are both read: test_import_phones.py)
    # A field's own name wins over a variant; the other column is reported as unused.
    rows = [["户主姓名", "姓名", "社区"], ["吴昊", "吴某", "幸福社区"]]
    result = base("household", "import", write_csv(tmp_path / "y.csv", rows))
    assert result.code == 0, result
    assert "“姓名”" in result.err


def test_empty_file(base: Cli, tmp_path: Path, unchanged: Any) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"")
    result = unchanged(lambda: base("cadre", "import", path))
    assert "没有任何数据" in result.err


def test_a_header_alone_is_refused(base: Cli, tmp_path: Path, unchanged: Any) -> None:
    # A title row, the header on line 2, then blank rows and one with only an unknown column.
    rows = [["2026年干部花名册"], ["姓名", "科室", "备用"], ["", "", ""], ["", "", "x"]]
    for dry in ((), ("--dry-run",)):
        path = write_csv(tmp_path / "x.csv", rows)
        result = unchanged(lambda path=path, dry=dry: base("cadre", "import", path, *dry))
        assert "第 2 行是表头，其下没有要导入的数据" in result.err, result
        assert "未导入任何干部" in result.err and not result.out


def test_a_header_alone_names_the_sheet_with_the_data(
    base: Cli, tmp_path: Path, unchanged: Any
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "汇总"
    first.append(["姓名", "科室"])
    january = book.create_sheet("一月")
    january.append(["姓名", "科室"])
    january.append(["吴昊", "办公室"])
    path = tmp_path / "花名册.xlsx"
    book.save(path)
    result = unchanged(lambda: base("cadre", "import", path))
    assert "工作表“汇总”只有表头" in result.err, result
    assert (
        "工作表 “一月” 有同样的表头，请用 --sheet 指定数据所在的一张，如 --sheet 一月" in result.err
    )


def test_unsupported_suffix(base: Cli, tmp_path: Path, unchanged: Any) -> None:
    path = tmp_path / "x.docx"
    path.write_bytes(b"x")
    result = unchanged(lambda: base("cadre", "import", path))
    assert ".docx" in result.err


@pytest.mark.parametrize(
    ("name", "content"),
    [("花名册.xlsx", b"PK\x03\x04 broken"), ("花名册.xls", b"not an OLE file" * 40)],
)
def test_unreadable_workbook(
    base: Cli, tmp_path: Path, unchanged: Any, name: str, content: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = unchanged(lambda: base("cadre", "import", path))
    assert "不是可读取的 Excel 工作簿（可能已损坏，或只是改了后缀名的其他文件）" in result.err
    assert "另存为”Excel 工作簿（.xlsx）" in result.err
    for english in ("Zip", "EOCD", "Cfb", "OLE", "invalid", "error"):
        assert english not in result.err


def test_text_and_web_pages_named_xls(base: Cli, tmp_path: Path, db_path: Path) -> None:
    """Online systems "export to Excel" as tab-separated text or as a web page named .xls:
    the text is read as the table it is; the web page is refused with what to do."""
    tsv = tmp_path / "花名册.xls"
    tsv.write_bytes("姓名\t科室\r\n刘洋\t综合科\r\n".encode("gbk"))
    result = base("cadre", "import", tsv)
    assert result.code == 0, result
    assert rows_of(db_path, "select name from cadre where name = '刘洋'") == [("刘洋",)]
    page = tmp_path / "导出.xls"
    page.write_text("<html><body><table><tr><td>姓名</td></tr></table></body></html>")
    before = dump(db_path)
    result = base("cadre", "import", page)
    assert result.code == 1 and dump(db_path) == before
    assert result.err.strip() == (
        f"文件 {page} 的后缀是 .xls，其实是网页（HTML/XML）格式，常见于从网上系统“导出 Excel”；"
        "请在 Excel 或 WPS 中打开它，“另存为”Excel 工作簿（.xlsx），再重新导入。"
    )


# --- bad rows ---------------------------------------------------------------------------------

BAD = [
    ["XX局干部花名册"],
    ["姓名", "科室", "性别", "手机号码", "身份证号码"],
    ["好人", "办公室", "男", "13812345678", MAN2],
    ["", "财务科", "男", "12345", ""],
    ["错号", "办公室", "女", "", "3.70102E+17"],
    ["反了", "综合科", "男", "", WOMAN],
    ["遮住", "综合科", "", "138****5678", "110101********0017"],
]


def test_bad_rows_are_all_reported_and_nothing_written(
    base: Cli, tmp_path: Path, unchanged: Any
) -> None:
    path = write_csv(tmp_path / "花名册.csv", BAD)
    result = unchanged(lambda: base("cadre", "import", path))
    err = result.err
    assert "4 行不合格" in err and "未导入任何数据" in err and "--skip-bad" in err
    lines = err.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("行号"))
    table = "\n".join(lines[header:])
    for expected in (
        "4       姓名",  # row 4 as Excel shows it: the title and the header counted
        "“姓名”不能为空",
        "找不到科室“财务科”",
        "“手机号码”“12345”不是有效的手机号码",  # too few digits to be anybody's: as written
        "5       身份证号码  3.70102E+17",
        "科学计数法，后几位数字已经丢失",
        "“文本”格式",
        "第 17 位表示女性，与填写的性别“男”不符",
        "遮蔽过的号码（含 *）",
        "--reveal",
    ):
        assert expected in table, (expected, table)
    assert "好人" not in table


def test_dry_run_lists_and_writes_nothing(base: Cli, tmp_path: Path, db_path: Path) -> None:
    rows = [
        ["姓名", "科室", "性别", "职务"],
        ["张伟", "办公室", "男", "局长"],  # the leader of the base fixture: an update
        ["单丽", "综合科", "女", ""],  # unchanged (empty cells never erase)
        ["新人", "综合科", "", ""],  # added
    ]
    path = write_csv(tmp_path / "x.csv", rows)
    before = dump(db_path)
    result = base("cadre", "import", path, "--dry-run")
    assert result.code == 0, result
    assert dump(db_path) == before
    assert "试运行，未写入任何数据：干部：新增 1，更新 1，未变 1。" in result.out
    assert "2       更新    张伟    职务" in result.out
    assert "4       新增    新人" in result.out
    result = base("cadre", "import", path)
    assert "干部：新增 1，更新 1，未变 1。" in result.out


def test_dry_run_with_bad_rows_exits_1(base: Cli, tmp_path: Path, unchanged: Any) -> None:
    path = write_csv(tmp_path / "x.csv", BAD)
    result = unchanged(lambda: base("cadre", "import", path, "--dry-run"))
    assert "试运行" in result.out and "新增 1" in result.out and "不合格 4" in result.out


@pytest.mark.sqlite_only(reason="no database file yet; a server database always exists")
def test_dry_run_needs_a_database(cli: Cli, tmp_path: Path, db_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [["名称", "乡镇"], ["幸福社区", "兰山街道"]])
    result = cli("community", "import", path, "--dry-run")
    assert result.code == 1 and "sanlian init" in result.err
    assert not db_path.exists()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_skip_bad_writes_good_rows_and_saves_bad_ones(
    base: Cli, tmp_path: Path, db_path: Path, suffix: str
) -> None:
    path = tmp_path / f"干部花名册{suffix}"
    write_csv(path, BAD) if suffix == ".csv" else write_xlsx(path, BAD)
    result = base("cadre", "import", path, "--skip-bad")
    assert result.code == 0, result
    assert "干部：新增 1，更新 0，未变 0，不合格 4。" in result.out
    saved = tmp_path / f"干部花名册.错误{suffix}"
    assert f"已另存为 {saved}" in result.err
    assert rows_of(db_path, "select name from cadre where id > 4") == [("好人",)]
    from sanlian.io.readers import open_table

    table = open_table(saved)
    got = [cells for _n, cells in table]
    table.close()
    assert got[0] == ["姓名", "科室", "性别", "手机号码", "身份证号码", "原行号", "错误原因"]
    assert [row[5] for row in got[1:]] == ["4", "5", "6", "7"]
    assert got[1][1] == "财务科" and "找不到科室“财务科”" in got[1][6]
    assert "手机号码：" in got[1][6]  # each reason names its column
    assert got[4][3] == "138****5678"
    # The section corrects the saved file and sends it back: it imports as it is.
    fixed = [row[:5] + row[5:] for row in got]
    fixed[1][:4] = ["补名", "综合科", "男", "13812345678"]
    fixed[2][4] = MAN
    fixed[2][2] = "男"
    fixed[3][2] = "女"
    fixed[4][3:5] = ["", ""]
    back = write_csv(tmp_path / "改正.csv", fixed)
    again = base("cadre", "import", back)
    assert again.code == 0, again
    assert "新增 4" in again.out
    assert "原行号" not in again.err and "错误原因" not in again.err


def test_same_record_twice_in_a_file(base: Cli, tmp_path: Path, unchanged: Any) -> None:
    rows = [
        ["姓名", "科室", "身份证号码"],
        ["甲", "办公室", MAN],
        ["乙", "综合科", MAN],  # the same ID number
        ["丙", "综合科", ""],
        ["丙", "综合科", ""],  # the same name in the same section, no ID number to tell apart
        ["丁", "综合科", MAN2],
        ["丁", "综合科", WOMAN],  # two people of one name, told apart by their ID numbers
    ]
    result = unchanged(lambda: base("cadre", "import", write_csv(tmp_path / "x.csv", rows)))
    assert "与第 2 行是同一干部" in result.err
    assert "与第 4 行是同一干部" in result.err
    assert "2 行不合格" in result.err
    # the ID number tells them the same: the refusal points at its column (masked)
    assert "3       身份证号码  110101********0010  与第 2 行是同一干部" in result.err
    assert "5       姓名        丙" in result.err


def test_duplicates_across_batches(base: Cli, tmp_path: Path, monkeypatch: Any) -> None:
    from sanlian.services import importing

    monkeypatch.setattr(importing, "BATCH", 2)
    rows = [["名称", "乡镇(街道)"], ["甲村", "东镇"], ["乙村", "东镇"], ["丙村", ""], ["甲村", ""]]
    result = base("community", "import", write_csv(tmp_path / "x.csv", rows))
    assert result.code == 1
    assert "与第 2 行是同一社区(村)" in result.err


def test_ambiguous_match_is_refused(base: Cli, tmp_path: Path) -> None:
    assert base("cadre", "add", "孙悦", "--section", "办公室", "--id-number", MAN).code == 0
    assert base("cadre", "add", "孙悦", "--section", "办公室", "--id-number", MAN2).code == 0
    rows = [["姓名", "科室", "职务"], ["孙悦", "办公室", "科员"]]
    result = base("cadre", "import", write_csv(tmp_path / "x.csv", rows))
    assert result.code == 1
    assert "与多条已登记的干部都对得上" in result.err and "孙悦（办公室）" in result.err
    assert "请补填身份证号码以区分" in result.err and "乡镇" not in result.err


def test_gender_must_agree_with_the_id_number_on_file(base: Cli, tmp_path: Path) -> None:
    assert base("cadre", "add", "孙悦", "--section", "办公室", "--id-number", MAN).code == 0
    rows = [["姓名", "科室", "性别"], ["孙悦", "办公室", "女"]]
    result = base("cadre", "import", write_csv(tmp_path / "x.csv", rows))
    assert result.code == 1
    assert "与填写的性别“女”不符" in result.err


# --- matching rules ---------------------------------------------------------------------------


def test_cadre_matched_by_id_number_then_name_and_section(
    base: Cli, tmp_path: Path, db_path: Path
) -> None:
    rows = [["姓名", "科室", "身份证号码"], ["曾强", "办公室", MAN]]
    result = base("cadre", "import", write_csv(tmp_path / "a.csv", rows))
    assert "新增 0，更新 1" in result.out  # by name and section: the ID number filled in
    rows = [["姓名", "科室", "身份证号码"], ["曾强", "综合科", MAN]]
    result = base("cadre", "import", write_csv(tmp_path / "b.csv", rows))
    assert "新增 0，更新 1" in result.out  # by ID number: moved to another section
    assert rows_of(db_path, "select section_id from cadre where id = 4") == [(2,)]
    rows = [["姓名", "科室", "身份证号码"], ["曾强", "综合科", MAN2]]
    result = base("cadre", "import", write_csv(tmp_path / "c.csv", rows))
    assert "新增 1，更新 0" in result.out  # another 曾强, told apart by the ID number


def test_two_zhangwei_matched_by_section(base: Cli, tmp_path: Path, db_path: Path) -> None:
    rows = [["姓名", "科室", "职务"], ["张伟", "办公室", "局长"], ["张伟", "综合科", "科员"]]
    result = base("cadre", "import", write_csv(tmp_path / "x.csv", rows))
    assert "新增 0，更新 2，未变 0" in result.out
    assert rows_of(db_path, "select title from cadre where name = '张伟' order by id") == [
        ("局长",),
        ("科员",),
    ]


def test_household_matched_by_id_then_name_and_community(
    base: Cli, tmp_path: Path, db_path: Path
) -> None:
    rows = [
        ["户主", "社区(村)", "身份证号", "人口", "困难和需求"],
        ["王秀英", "幸福社区", WOMAN, "4", "就业，技能培训"],
        ["王秀英", "前河湾村", "", "2", ""],
    ]
    result = base("household", "import", write_csv(tmp_path / "x.csv", rows))
    assert result.code == 0, result
    assert "新增 1，更新 1，未变 0" in result.out
    got = rows_of(db_path, "select name, community_id, id_number, members, needs from household")
    assert got == [
        ("王秀英", 1, WOMAN, 4, "就业，技能培训"),
        ("王秀英", 2, None, 2, None),
    ]
    rows = [["户主", "社区(村)", "身份证号"], ["王秀英", "前河湾村", WOMAN]]
    result = base("household", "import", write_csv(tmp_path / "y.csv", rows))
    # Matched by ID number, but moving her next to the other 王秀英 (no ID number) would make
    # two records nobody can tell apart: refused by the same rule as ``household edit``.
    assert result.code == 1
    assert "前河湾村已有同名联系户“王秀英”（编号 2）" in result.err
    rows = [
        ["户主", "社区(村)", "身份证号"],
        ["王秀英", "幸福社区", WOMAN],
        ["王秀英", "前河湾村", ""],
    ]
    result = base("household", "import", write_csv(tmp_path / "z.csv", rows))
    assert "新增 0，更新 0，未变 2" in result.out


def test_an_id_number_under_another_persons_name_is_refused(
    base: Cli, tmp_path: Path, unchanged: Any
) -> None:
    """王秀英's ID number on a row of 牛七: pasted into the wrong row, most likely; taken as an
    edit it would rename her and write his details over hers. A typo in her name is fixed."""
    rows = [["户主", "社区(村)", "身份证号"], ["王秀英", "幸福社区", WOMAN]]
    assert base("household", "import", write_csv(tmp_path / "a.csv", rows)).code == 0
    rows = [["户主", "社区(村)", "身份证号", "人口"], ["牛七", "幸福社区", WOMAN, "5"]]
    result = unchanged(lambda: base("household", "import", write_csv(tmp_path / "b.csv", rows)))
    assert re.search(
        r"2 +身份证号 +\S+ +这个身份证号码已登记为联系户“王秀英”（编号 1）", result.err
    )
    assert "本行的姓名却是“牛七”，可能是号码抄错了行" in result.err
    assert "household edit 1 --name 牛七" in result.err
    # a name of another sound, one character away, is someone else too (王秀芳, not 王秀英)
    rows = [["户主", "社区(村)", "身份证号"], ["王秀芳", "幸福社区", WOMAN]]
    result = unchanged(lambda: base("household", "import", write_csv(tmp_path / "d.csv", rows)))
    assert "本行的姓名却是“王秀芳”，可能是号码抄错了行" in result.err
    # one of the same sound is a typo put right: renamed, and said so of a person
    rows = [["户主", "社区(村)", "身份证号"], ["王秀瑛", "幸福社区", WOMAN]]
    result = base("household", "import", write_csv(tmp_path / "c.csv", rows))
    assert result.code == 0 and "更新 1" in result.out, result
    assert (
        "导入后其姓名改为“王秀瑛”；如不是同一人（号码抄错了行），请用 sanlian undo 撤销本次导入"
    ) in result.err.replace("\n", "")


def test_enterprise_matched_by_credit_code_then_name(
    base: Cli, tmp_path: Path, db_path: Path
) -> None:
    rows = [
        ["企业名称", "统一社会信用代码", "所属行业"],
        ["临沂华强机械股份有限公司", "91350100M000100Y43", "机械"],  # renamed, same code
        ["新兴科技有限公司", "", "软件"],
    ]
    result = base("enterprise", "import", write_csv(tmp_path / "x.csv", rows))
    assert result.code == 0, result
    assert "新增 1，更新 1" in result.out
    assert (  # renamed by its code: said, in case the code was pasted into the wrong row
        "第 2 行：统一社会信用代码与企业“临沂华强机械有限公司”（编号 1）的相同，导入后它改名为"
        "“临沂华强机械股份有限公司”；如不是同一家（代码抄错了行），请用 sanlian undo 撤销本次导入"
    ) in result.err
    rows = [["企业名称", "行业"], ["新兴科技有限公司", "软件"]]
    result = base("enterprise", "import", write_csv(tmp_path / "y.csv", rows))
    assert "新增 0，更新 0，未变 1" in result.out
    assert base("enterprise", "show", "lyhqjxyxgs").code == 1  # the old name's keys are gone
    assert base("enterprise", "show", "lyhqjxgfyxgs").code == 0  # the new name's are there


def test_bad_credit_code(base: Cli, tmp_path: Path) -> None:
    rows = [["企业名称", "信用代码"], ["某公司", "91350100M000100Y44"]]
    result = base("enterprise", "import", write_csv(tmp_path / "x.csv", rows))
    assert result.code == 1
    assert "校验位不对" in result.err and "信用代码" in result.err


def test_community_matched_by_name_and_township(base: Cli, tmp_path: Path) -> None:
    rows = [
        ["社区名称", "所属街道", "网格", "类型"],
        ["幸福社区", "兰山街道", "第二网格", "社区"],  # update
        ["幸福社区", "枣园镇", "", "社区"],  # another of the same name elsewhere
        ["前河湾村", "", "", "村"],  # no township given: the only one of that name
    ]
    result = base("community", "import", write_csv(tmp_path / "x.csv", rows))
    assert result.code == 0, result
    assert "新增 1，更新 1，未变 1" in result.out
    rows = [["名称"], ["幸福社区"]]
    result = base("community", "import", write_csv(tmp_path / "y.csv", rows))
    assert result.code == 1
    assert "与多条已登记的社区(村)都对得上" in result.err
    assert "请补填乡镇(街道)以区分" in result.err and "身份证" not in result.err


def test_household_ambiguous_community_reference(base: Cli, tmp_path: Path) -> None:
    assert base("community", "add", "幸福社区", "--town", "枣园镇").code == 0
    rows = [["户主姓名", "所在社区(村)"], ["李四", "幸福社区"], ["李五", "#3"]]
    result = base("household", "import", write_csv(tmp_path / "x.csv", rows))
    assert result.code == 1
    assert "对应多条记录" in result.err and "1 行不合格" in result.err


def test_sections_import(base: Cli, tmp_path: Path) -> None:
    rows = [["序号", "科室名称"], ["1", "办公室"], ["2", "财务科"]]
    result = base("section", "import", write_csv(tmp_path / "x.csv", rows))
    assert result.code == 0, result
    assert "科室：新增 1，更新 0，未变 1" in result.out


@pytest.mark.sqlite_only(reason="a database file not made yet (a server's database is there)")
def test_first_import_into_a_new_database(cli: Cli, tmp_path: Path, db_path: Path) -> None:
    rows = [["名称", "乡镇(街道)", "类别"], ["幸福社区", "兰山街道", "社区"]]
    refused = cli("community", "import", write_csv(tmp_path / "x.csv", rows))
    assert refused.code == 1 and "请先运行 sanlian init" in refused.err  # no stray ledger
    assert not db_path.exists()
    assert cli("init", "--year", "2026").code == 0
    result = cli("community", "import", tmp_path / "x.csv")
    assert result.code == 0, result
    assert rows_of(db_path, "select name, town from community") == [("幸福社区", "兰山街道")]


def test_a_new_community_without_its_kind_is_a_village_when_named_so(
    base: Cli, tmp_path: Path, db_path: Path
) -> None:
    """As ``community add``: a name ending in 村 is a village where the kind is not given, in a
    file without the 类别 column or with the cell left blank; a given kind stands, and a
    record on file keeps its kind when the row leaves it blank."""
    base("community", "add", "南岭", "--kind", "village")
    rows = [
        ["名称", "乡镇(街道)", "类别"],
        ["东山村", "义堂镇", None],
        ["南湖", "义堂镇", "村"],
        ["北街社区", "义堂镇", None],
        ["中村", "义堂镇", "社区"],
        ["南岭", None, None],
    ]
    result = base("community", "import", write_csv(tmp_path / "x.csv", rows, encoding="gbk"))
    assert result.code == 0, result
    rows = [["名称", "乡镇(街道)"], ["西岭村", "义堂镇"], ["东关社区", "义堂镇"]]
    assert base("community", "import", write_csv(tmp_path / "y.csv", rows)).code == 0
    assert base("community", "add", "后村").code == 0
    kinds = dict(rows_of(db_path, "select name, kind from community where id > 2"))
    assert kinds == {
        "南岭": "village",
        "东山村": "village",
        "南湖": "village",
        "北街社区": "community",
        "中村": "community",
        "西岭村": "village",
        "东关社区": "community",
        "后村": "village",
    }


def test_refused_first_import_leaves_no_database(cli: Cli, tmp_path: Path, db_path: Path) -> None:
    rows = [["名称", "类别"], ["幸福社区", "镇"]]
    result = cli("community", "import", write_csv(tmp_path / "x.csv", rows))
    assert result.code == 1
    assert not db_path.exists()


def test_bulk_import_in_batches(base: Cli, tmp_path: Path, db_path: Path) -> None:
    rows: list[list[Any]] = [["户主姓名", "社区", "家庭人口"]]
    rows += [[f"户{i:04d}", "幸福社区" if i % 2 else "前河湾村", i % 7 + 1] for i in range(1500)]
    path = write_xlsx(tmp_path / "联系户.xlsx", rows)
    result = base("household", "import", path)
    assert result.code == 0, result
    assert "新增 1500" in result.out
    assert rows_of(db_path, "select count(*) from household") == [(1501,)]
    keys = rows_of(db_path, "select count(distinct ref_id) from search_key where kind='household'")
    assert keys == [(1501,)]
    assert "未变 1500" in base("household", "import", path).out


def test_dry_run_with_skip_bad_lists_without_failing(
    base: Cli, tmp_path: Path, db_path: Path
) -> None:
    before = dump(db_path)
    result = base("cadre", "import", write_csv(tmp_path / "x.csv", BAD), "--dry-run", "--skip-bad")
    assert result.code == 0, result
    assert "不合格的 4 行见上表" in result.err
    assert not (tmp_path / "x.错误.csv").exists()  # a dry run writes nothing, not even that
    assert dump(db_path) == before


def test_no_import_for_other_kinds(base: Cli) -> None:
    import datetime as dt

    from sanlian.errors import ImportFileError
    from sanlian.services import importing

    with pytest.raises(ImportFileError) as info:
        importing.importer_for(
            "activity", None, today=dt.date(2026, 6, 15), now=dt.datetime.now(dt.UTC)
        )  # type: ignore[arg-type]
    assert "不能导入“activity”" in info.value.message and "cadre" in info.value.message


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from sanlian.cli import importing as cli_importing

    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    assert cli_importing._progress() is None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    bar = cli_importing._progress()
    assert bar is not None and type(bar).__name__ == "Progress"


def test_progress_reported_while_importing(
    base: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sanlian.db.engine import open_database
    from sanlian.io.readers import open_table
    from sanlian.services import importing

    monkeypatch.setattr(importing, "BATCH", 400)  # a report after each batch

    rows: list[list[Any]] = [["户主姓名", "社区"]] + [[f"户{i}", "幸福社区"] for i in range(900)]
    path = write_csv(tmp_path / "x.csv", rows)
    seen: list[tuple[int, int, int]] = []
    db = open_database(conftest.location(tmp_path / "sanlian.db"))
    import datetime as dt

    with db.session() as session:
        importing.run_import(
            session,
            "household",
            open_table(path),
            today=dt.date(2026, 6, 15),
            now=dt.datetime.now(dt.UTC),
            progress=lambda done, total, n: seen.append((done, total, n)),
        )
    db.dispose()
    assert [n for _d, _t, n in seen] == [400, 800, 900]
    assert seen[-1][0] == seen[-1][1] == path.stat().st_size


def test_help_stays_light() -> None:
    from tests.test_startup import _imported_full

    heavy = {"sqlalchemy", "sqlmodel", "openpyxl", "python_calamine", "charset_normalizer"}
    heavy |= {"pypinyin", "rich.progress"}
    for args in (["cadre", "import", "--help"], ["export", "--help"], ["template", "--help"]):
        modules = _imported_full(args)
        assert not {m for m in modules if m.split(".")[0] in heavy or m in heavy}, args


# --- personal numbers on screen -----------------------------------------------------------------


def test_bad_rows_mask_id_and_phone_numbers_unless_revealed(
    base: Cli, tmp_path: Path, db_path: Path
) -> None:
    rows = [
        ["姓名", "科室", "性别", "手机号码", "身份证号码"],
        ["好人", "办公室", "男", "13812345678", MAN2],
        ["反了", "综合科", "男", "1381234567", WOMAN],  # a digit short; a woman's number
    ]
    path = write_csv(tmp_path / "花名册.csv", rows)
    for args in ((), ("--dry-run",)):
        result = base("cadre", "import", path, *args)
        assert result.code == 1
        assert WOMAN not in result.err and "1381234567" not in result.err
        assert "110101********0029" in result.err and "138***4567" in result.err
    assert "查看完整号码" not in base("history").out
    result = base("cadre", "import", path, "--reveal")
    assert result.code == 1
    assert "3       手机号码    1381234567" in result.err and WOMAN in result.err
    # refused, but who saw the numbers is journaled (the only entry a refusal writes)
    seen = base("history", "-f", "json").json()[0]
    assert seen["kind"] == "reveal" and "导入错误表中的号码 2 个" in seen["summary"], seen
    result = base("cadre", "import", path, "--skip-bad")
    assert result.code == 0, result
    assert WOMAN not in result.err + result.out
    saved = (tmp_path / "花名册.错误.csv").read_text(encoding="utf-8-sig")
    assert WOMAN in saved and "1381234567" in saved  # the section's own file: kept whole


# --- column names, hints ------------------------------------------------------------------------


def test_contact_and_phone_variants(base: Cli, tmp_path: Path, db_path: Path) -> None:
    rows = [
        ["名称", "乡镇(街道)", "社区联系人", "联系手机"],
        ["东岭村", "枣园镇", "刘一", "13800000011"],
    ]
    assert base("community", "import", write_csv(tmp_path / "a.csv", rows)).code == 0
    rows = [["名称", "乡镇", "村联系人", "移动电话"], ["西岭村", "枣园镇", "刘二", "13800000012"]]
    assert base("community", "import", write_csv(tmp_path / "b.csv", rows)).code == 0
    rows = [["企业名称", "企业联系人", "联系人电话"], ["新兴科技有限公司", "刘三", "13800000013"]]
    result = base("enterprise", "import", write_csv(tmp_path / "c.csv", rows))
    assert result.code == 0, result
    assert "不认识" not in result.err
    assert rows_of(db_path, "select contact, phone from community where id > 2") == [
        ("刘一", "13800000011"),
        ("刘二", "13800000012"),
    ]
    assert rows_of(db_path, "select contact, phone from enterprise where id = 2") == [
        ("刘三", "13800000013")
    ]


AREA = [idn(f"37139919800101{n:03d}") for n in range(1, 8)]  # a code in no table


def test_area_code_hint_only_for_new_or_changed_numbers(base: Cli, tmp_path: Path) -> None:
    rows = [["户主姓名", "所在社区(村)", "身份证号码"]]
    rows += [[f"户{i}", "幸福社区", number] for i, number in enumerate(AREA)]
    path = write_csv(tmp_path / "x.csv", rows)
    result = base("household", "import", path)
    assert result.code == 0, result
    assert result.err.count("地区码 371399") == 5
    assert "另有 2 条同类提示" in result.err
    result = base("household", "import", path)
    assert "未变 7" in result.out
    assert "地区码" not in result.err and "同类提示" not in result.err
    rows = [rows[0], ["王秀英", "幸福社区", idn("37139919750505009")]]  # an ID number filled in
    result = base("household", "import", write_csv(tmp_path / "y.csv", rows))
    assert "更新 1" in result.out and result.err.count("地区码 371399") == 1


# --- retired records referred to ----------------------------------------------------------------


def test_household_of_a_retired_community(base: Cli, tmp_path: Path, db_path: Path) -> None:
    assert base("household", "add", "李四", "--community", "前河湾村").code == 0
    assert base("community", "remove", "前河湾村", "--force").code == 0
    path = tmp_path / "h.csv"
    assert base("export", "household", "-o", path).code == 0
    assert "李四,前河湾村" in path.read_text(encoding="utf-8-sig")
    before = dump(db_path)
    result = base("household", "import", path)
    assert result.code == 0, result
    assert "未变 2" in result.out
    assert dump(db_path) == before
    rows = [["户主姓名", "所在社区(村)"], ["李五", "前河湾村"]]
    result = base("household", "import", write_csv(tmp_path / "x.csv", rows))
    assert result.code == 1
    assert "社区(村)“前河湾村”（编号 2）已停用，不能再用于新记录" in result.err
    rows = [["户主姓名", "所在社区(村)"], ["王秀英", "前河湾村"]]  # moved into it: refused too
    result = base("household", "import", write_csv(tmp_path / "y.csv", rows))
    assert result.code == 1 and "已停用" in result.err


@pytest.mark.sqlite_only(reason="compares the SQLite file byte for byte")
def test_dry_run_leaves_the_file_byte_for_byte(base, db_path, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "干部.csv"
    path.write_text("姓名,科室\n李明,办公室\n", encoding="gbk")
    before = db_path.read_bytes()
    result = base("cadre", "import", path, "--dry-run")
    assert result.code == 0, result
    assert db_path.read_bytes() == before


# --- a large import (the speed measures of issue 7) -----------------------------------------

LOOKUP_SQL = "select sql from sqlite_master where name = 'ix_search_key_lookup'"
HOUSEHOLDS = [
    ["户主姓名", "社区", "身份证号码", "手机号码", "家庭人口"],
    ["张建国", "幸福社区", idn("37130219600101001"), "13812345678", "3"],
    ["李秀兰", "前河湾村", idn("37130219650202002"), "13912345678", "2"],
    ["赵子龙", "幸福社区", "", "", "5"],
    ["欧阳娜", "前河湾村", idn("37130219700303004"), "", ""],
]


@pytest.mark.sqlite_only(reason="about SQLite's schema table")
def test_large_import_builds_the_lookup_index_once(
    base: Cli, tmp_path: Path, db_path: Path, monkeypatch: Any
) -> None:
    """Past ``KEY_INDEX_DEFER`` search keys (set low here) the lookup index waits for the end
    of the import: it is then the same index, and pinyin finds the new names."""
    from sanlian.services import importing

    monkeypatch.setattr(importing, "KEY_INDEX_DEFER", 1)
    monkeypatch.setattr(importing, "BATCH", 2)
    index = rows_of(db_path, LOOKUP_SQL)
    assert index == [('CREATE INDEX ix_search_key_lookup ON search_key (kind, "key")',)]
    result = base("household", "import", write_csv(tmp_path / "x.csv", HOUSEHOLDS))
    assert result.code == 0, result
    assert "新增 4" in result.out
    assert rows_of(db_path, LOOKUP_SQL) == index
    assert base("household", "show", "oyn", "-f", "json").json()["name"] == "欧阳娜"
    assert base("household", "show", "zhaozilong", "-f", "json").json()["name"] == "赵子龙"
    keys = rows_of(db_path, "select key from search_key where kind = 'household' and ref_id = 5")
    assert sorted(keys) == [("ouyangna",), ("oyn",)]  # 娜: na (nuo is no reading of names)


@pytest.mark.sqlite_only(reason="about SQLite's schema table")
def test_refused_large_import_keeps_the_lookup_index(
    base: Cli, tmp_path: Path, db_path: Path, monkeypatch: Any, unchanged: Any
) -> None:
    from sanlian.services import importing

    monkeypatch.setattr(importing, "KEY_INDEX_DEFER", 1)
    monkeypatch.setattr(importing, "BATCH", 2)
    bad = [*HOUSEHOLDS, ["钱多多", "幸福社区", "", "12345", ""]]
    result = unchanged(lambda: base("household", "import", write_csv(tmp_path / "x.csv", bad)))
    assert "手机号码" in result.err
    before = dump(db_path)  # the schema too, the index in its place
    rehearsed = base("household", "import", write_csv(tmp_path / "y.csv", HOUSEHOLDS), "--dry-run")
    assert rehearsed.code == 0, rehearsed
    assert dump(db_path) == before
    assert len(rows_of(db_path, LOOKUP_SQL)) == 1


def test_journal_of_new_households_is_a_run_of_ids(
    base: Cli, tmp_path: Path, db_path: Path
) -> None:
    """The journal keeps imported households as one run of their ids, without their values
    (no names, ID or phone numbers in clear)."""
    assert base("household", "import", write_csv(tmp_path / "x.csv", HOUSEHOLDS)).code == 0
    stored = rows_of(
        db_path,
        "select table_name, action, record_id, last_record_id, before, after from "
        "journal_change where journal_id = (select max(id) from journal) order by seq",
    )
    assert stored == [("household", "insert", 2, 5, None, None)]
    assert rows_of(db_path, "select min(id), max(id) from household where id > 1") == [(2, 5)]


@pytest.mark.sqlite_only(reason="SQLite's choice of new ids")
def test_new_ids_near_the_largest_id(base: Cli, tmp_path: Path, db_path: Path) -> None:
    """A record renumbered by another program far past the others: the new ones go on from
    its number (SQLite's AUTOINCREMENT: never a number below the largest ever used, where
    SQLite once picked them at random near the largest possible), each journaled under its
    own id."""
    import sqlite3

    top = 2**62
    con = sqlite3.connect(db_path)
    with con:
        con.execute("update household set id = ? where id = 1", (top,))
        con.execute("update search_key set ref_id = ? where kind = 'household'", (top,))
    con.close()
    result = base("household", "import", write_csv(tmp_path / "x.csv", HOUSEHOLDS))
    assert result.code == 0, result
    stored = rows_of(db_path, "select id, name from household")
    made = {name: i for i, name in stored if i != top}
    assert sorted(made) == sorted(r[0] for r in HOUSEHOLDS[1:])
    runs = rows_of(
        db_path,
        "select record_id, last_record_id from journal_change where journal_id = (select "
        "max(id) from journal) order by seq",
    )
    covered = [i for first, last in runs for i in range(first, last + 1)]
    assert sorted(covered) == sorted(made.values()) == [top + 1, top + 2, top + 3, top + 4]
    assert base("household", "show", "zzl", "-f", "json").json()["name"] == "赵子龙"
    undone = base("undo", "--yes")  # the runs name every new id: undo takes them all back
    assert undone.code == 0, undone
    assert rows_of(db_path, "select id from household") == [(top,)]


@pytest.mark.sqlite_only(reason="SQLite's limit on a statement's parameters")
def test_new_rows_fit_a_small_parameter_limit(base: Cli, db_path: Path, tmp_path: Path) -> None:
    """An older SQLite takes 999 parameters a statement (not 32,766): the multi-row inserts
    hold as many rows as the limit of the SQLite at hand allows (here lowered to 50)."""
    import sqlite3

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def lower(dbapi: Any, _record: Any) -> None:
        dbapi.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 50)

    rows = [["户主", "社区(村)", "人口"]] + [[f"户{n:02d}", "幸福社区", "3"] for n in range(30)]
    event.listen(Engine, "connect", lower)
    try:
        result = base("household", "import", write_csv(tmp_path / "x.csv", rows))
    finally:
        event.remove(Engine, "connect", lower)
    assert result.code == 0, result
    assert "新增 30，更新 0，未变 0" in result.out
    got = rows_of(db_path, "select name from household where name like '户%' order by id")
    assert got == [(f"户{n:02d}",) for n in range(30)]


def test_a_ctrl_c_before_the_import_leaves_no_progress_bar_running(
    base: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Ctrl-C during the backup taken first: the bar (in the shell, over the next prompts)
    must not be left drawing."""
    from sanlian.cli import importing as cli_importing

    class Bar:
        running = False

        def add_task(self, *_a: object, **_k: object) -> int:
            return 0

        def update(self, *_a: object, **_k: object) -> None: ...

        def start(self) -> None:
            Bar.running = True

        def stop(self) -> None:
            Bar.running = False

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    source = tmp_path / "户.csv"
    source.write_text("户主姓名,社区(村)\n李四,幸福社区\n", encoding="utf-8")
    monkeypatch.setattr(cli_importing, "_progress", Bar)
    monkeypatch.setattr(cli_importing, "_backup_first", interrupted)
    result = base("household", "import", source)
    assert result.code == 130 and not Bar.running


def test_numbers_in_the_wrong_column_are_refused_and_masked(
    base: Cli, tmp_path: Path, db_path: Path
) -> None:
    """A roster shifted by a cell puts an ID number under 户主姓名 and a phone number under
    社区: refused, and neither is shown in full on the screen (the .错误 file keeps them)."""
    rows = [["户主姓名", "所在社区(村)"], [MAN, "幸福社区"], ["李四", "13812345678"]]
    before = dump(db_path)
    result = base("household", "import", write_csv(tmp_path / "x.csv", rows))
    assert result.code == 1 and dump(db_path) == before
    assert MAN not in result.err and "13812345678" not in result.err
    assert f"{MAN[:6]}********{MAN[-4:]}" in result.err and "138****5678" in result.err
    hint = "表中的号码已遮蔽；要看文件里写的原值，请加 --reveal 再导入一次"
    assert hint in result.err  # how to see what was typed
    revealed = base("household", "import", tmp_path / "x.csv", "--reveal")
    assert MAN in revealed.err and hint not in revealed.err  # the table's values, as asked
    assert "*" not in revealed.err  # the reasons quote them in full too
    skipped = base("household", "import", tmp_path / "x.csv", "--skip-bad")
    assert skipped.code == 1 and hint not in skipped.err  # (no good row) the .错误 file has them
    assert "表中的号码已遮蔽；文件里写的原值在另存的错误文件中（文件名见下文）。" in skipped.err
    tried = base("household", "import", tmp_path / "x.csv", "--skip-bad", "--dry-run")
    assert hint in tried.err and "另存的错误文件" not in tried.err  # a dry run saves none
    looked_up = base("visit", "add", "--household", MAN, "--cadre", "单丽")
    assert looked_up.code == 1 and MAN not in looked_up.err


def test_revealed_reasons_quote_the_number_as_written(
    base: Cli, tmp_path: Path, db_path: Path
) -> None:
    """With --reveal the 原因 column quotes a bad number as the 值 column shows it (it quoted
    it masked: “138***4567” beside 1381234567); without, both are masked."""
    bad_id = MAN[:-1] + ("0" if MAN[-1] != "0" else "1")  # its check digit wrong
    rows = [["户主姓名", "所在社区(村)", "手机号码", "身份证号码"]]
    rows.append(["李四", "幸福社区", "138 1234 567", bad_id])
    source = write_csv(tmp_path / "x.csv", rows)
    result = base("household", "import", source, "--reveal")
    assert result.code == 1  # (nothing written but the journal's note of --reveal)
    assert "“联系电话”“138 1234 567”不是有效的电话号码" in result.err  # (a fixed line too)
    assert f"“身份证号码”“{bad_id}”的校验位不对" in result.err
    assert "*" not in result.err
    before = dump(db_path)
    masked = base("household", "import", source)
    assert masked.code == 1 and dump(db_path) == before
    assert "“联系电话”“138***4567”不是有效的电话号码" in masked.err
    assert f"“身份证号码”“{bad_id[:6]}********{bad_id[-4:]}”的校验位不对" in masked.err
    assert "1234 567" not in masked.err and bad_id not in masked.err


def test_data_under_no_header_is_pointed_at(base: Cli, tmp_path: Path, db_path: Path) -> None:
    """A phone number under a blank header cell, or past the header's last column, is not
    read: said, with where it is, instead of dropped without a word."""
    rows = [["姓名", "", "科室"], ["刘洋", "13812345678", "综合科"]]
    result = base("cadre", "import", write_csv(tmp_path / "a.csv", rows))
    assert result.code == 0, result
    assert "提示：表头中“姓名”之后的列没有列名，其下的数据未导入；" in result.err
    rows = [["姓名", "科室"], ["王五", "综合科", "男", "13812345678"]]
    result = base("cadre", "import", write_csv(tmp_path / "b.csv", rows))
    assert result.code == 0 and "表头中“科室”之后的列没有列名" in result.err
    rows = [["姓名", "科室"], ["赵六", "综合科"]]  # every value under a name: no hint
    result = base("cadre", "import", write_csv(tmp_path / "c.csv", rows))
    assert result.code == 0 and "没有列名" not in result.err
    rows = [["", "姓名", "科室"], ["1", "钱七", "综合科"]]  # a row's number under no header
    result = base("cadre", "import", write_csv(tmp_path / "d.csv", rows))
    assert result.code == 0 and "没有列名" not in result.err
    rows = [["", "户主姓名", "所在社区(村)"], ["独居", "孙八", "幸福社区"]]
    result = base("household", "import", write_csv(tmp_path / "e.csv", rows), "--dry-run")
    assert "提示：表头中第一列没有列名，其下的数据未导入；" in result.err


def test_a_file_with_no_good_row_is_refused_with_or_without_skip_bad(
    base: Cli, tmp_path: Path, db_path: Path
) -> None:
    """``--skip-bad`` imports the good rows; with none there is nothing it could do: exit 1,
    and no advice to add ``--skip-bad``. The bad rows are still saved to be sent back."""
    rows = [["户主姓名", "所在社区(村)"], ["李四", "没有这个社区"], ["王五", "也没有"]]
    path = write_csv(tmp_path / "户.csv", rows)
    before = dump(db_path)
    said = "文件中没有合格的行（不合格 2 行），未导入任何数据；请按错误原因改正后重新导入。"
    for extra in ((), ("--dry-run",), ("--skip-bad", "--dry-run"), ("--skip-bad",)):
        result = base("household", "import", path, *extra)
        assert result.code == 1, (extra, result)
        assert result.err.splitlines()[-1] == said, (extra, result.err)
        assert "--skip-bad" not in result.err, (extra, result.err)
    assert dump(db_path) == before
    assert "没有这个社区" in (tmp_path / "户.错误.csv").read_text(encoding="utf-8-sig")


def test_bad_rows_beside_rows_already_registered_get_no_skip_bad_advice(
    base: Cli, tmp_path: Path, db_path: Path
) -> None:
    """A file sent back with its good rows imported already and a bad row left: ``--skip-bad``
    would import nothing, so the refusal says the other rows are registered as they are (and
    that ``--skip-bad`` would save the bad rows to a file to send back)."""
    good = [
        ["户主姓名", "所在社区(村)", "家庭人口"],
        ["赵一", "幸福社区", "3"],
        ["钱二", "幸福社区", "2"],
    ]
    assert base("household", "import", write_csv(tmp_path / "好.csv", good)).code == 0
    path = write_csv(tmp_path / "户.csv", [*good, ["孙三", "没有这个社区", "2"]])
    before = dump(db_path)
    said = (
        "1 行不合格（见上表），未导入任何数据；其余 2 行与已登记的相同，无需导入。"
        "请改正不合格的行后重新导入（加 --skip-bad 可把不合格的行另存为错误行文件）。"
    )
    for extra in ((), ("--dry-run",)):
        result = base("household", "import", path, *extra)
        assert result.code == 1 and result.err.splitlines()[-1] == said, (extra, result)
        assert "只导入合格的行" not in result.err, (extra, result.err)
    rehearsed = base("household", "import", path, "--dry-run", "--skip-bad")
    assert rehearsed.code == 0 and "--dry-run 即只导入" not in rehearsed.err, rehearsed
    assert "其余 2 行与已登记的相同，无需导入；请改正不合格的行后再导入。" in rehearsed.err
    assert dump(db_path) == before
    # one row to add beside them: --skip-bad would do something, and is advised
    path = write_csv(tmp_path / "新.csv", [*good, ["周四", "幸福社区", "1"], ["孙三", "无", "2"]])
    result = base("household", "import", path)
    assert result.code == 1 and "或加 --skip-bad 只导入合格的行" in result.err, result


def test_skip_bad_when_the_bad_rows_cannot_be_written_or_rehearsed(
    base: Cli, tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [["户主姓名", "所在社区(村)"], ["李四", "幸福社区"], ["王五", "没有这个社区"]]
    path = write_csv(tmp_path / "户.csv", rows)
    rehearsed = base("household", "import", path, "--dry-run", "--skip-bad")
    assert rehearsed.code == 0, rehearsed
    assert (
        "去掉 --dry-run 即只导入合格的行" in rehearsed.err
        and "并加 --skip-bad" not in rehearsed.err
    )
    (tmp_path / "户.错误.csv").mkdir()  # where the bad rows would go: not a file
    from sanlian.services import importing

    monkeypatch.setattr(importing, "bad_file_path", lambda _path: tmp_path / "户.错误.csv")
    before = dump(db_path)
    result = base("household", "import", path, "--skip-bad")
    assert result.code == 1 and dump(db_path) == before
    assert result.err.strip().endswith(
        "未导入任何数据；请关闭该文件，或把导入文件复制到可写的文件夹（如桌面）后再导入。"
    )
    assert f"无法在导入文件旁写出错误行文件 {tmp_path / '户.错误.csv'}" in result.err


def test_a_two_row_header_with_cells_merged_down(base: Cli, tmp_path: Path, db_path: Path) -> None:
    """姓名, 科室 and an unknown 籍贯 merged over both header rows, 联系方式 across 手机号码 and
    身份证号码: the reader gives each row a merged cell's value, and the second header row
    is still one (籍贯 there is the header's own, not data)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "科室", "籍贯", "联系方式", None])
    sheet.append([None, None, None, "手机号码", "身份证号码"])
    sheet.append(["刘洋", "综合科", "临沂", "13812345678", MAN])
    sheet.append(["王芳", None, "济南", "13912345678", None])
    for cells in ("A1:A2", "B1:B2", "C1:C2", "D1:E1", "B3:B4"):
        sheet.merge_cells(cells)
    path = tmp_path / "花名册.xlsx"
    book.save(path)
    result = base("cadre", "import", path)
    assert result.code == 0, result
    assert rows_of(
        db_path,
        "select c.name, s.name, c.phone, c.id_number from cadre c"
        " join section s on s.id = c.section_id where c.name in ('刘洋', '王芳') order by c.id",
    ) == [("刘洋", "综合科", "13812345678", MAN), ("王芳", "综合科", "13912345678", None)]
    assert "籍贯" in result.err  # an unknown column, said as before


def test_words_in_a_number_column_are_shown_as_written(base: Cli, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "联系户.csv",
        [["户主姓名", "所在社区", "身份证号码", "手机号码"], ["壬一", "幸福社区", "无", "暂无"]],
    )
    result = base("household", "import", path, "--dry-run")
    assert result.code == 1
    assert "手机号码    暂无  “联系电话”写的是“暂无”，不是号码；没有号码请留空" in result.err
    assert "身份证号码  无    “身份证号码”写的是“无”" in result.err


def test_a_long_bad_value_is_cut_in_the_table(base: Cli, tmp_path: Path) -> None:
    """A 40,000-character note filled screens of the error table: the value is cut to its
    first 40 characters and its length; the reason says the limit."""
    path = write_csv(tmp_path / "科室.csv", [["科室名称", "备注"], ["财务科", "长" * 40_000]])
    result = base("section", "import", path)
    assert result.code == 1 and len(result.err) < 1_000
    assert "长" * 40 + "…（共 40000 个字符）" in result.err and "长" * 41 not in result.err
    assert "“备注”太长（40000 字），请压缩到 1000 字以内。" in result.err
    # a value the reason quotes is cut the same way
    rows = [["名称", "类别"], ["东岭村", "村" * 5_000]]
    result = base("community", "import", write_csv(tmp_path / "社区.csv", rows))
    assert result.code == 1 and len(result.err) < 1_000, len(result.err)
    assert "“类别”的值“" + "村" * 40 + "…（共 5000 个字符）”不认识" in result.err


def test_id_numbers_excel_cut_to_fifteen_digits_are_refused_with_their_column(
    base: Cli, tmp_path: Path, db_path: Path
) -> None:
    """A column of ID numbers Excel stored as numbers ends each in 000; one in eleven still
    has a right check digit (here rows 3 and 5 of 6). The file is refused, naming them, not
    imported with them stored wrong (with --skip-bad too); one valid number ending in 000
    among others is imported in its place with a note to check it."""
    import random

    draw = random.Random(7)
    rows = [["姓名", "科室", "身份证号码"]]
    while len(rows) < 7:
        body = f"3713211980{draw.randint(1, 12):02d}{draw.randint(1, 28):02d}"
        cut = idn(body + f"{draw.randint(0, 999):03d}")[:15] + "000"
        valid = idn(cut[:17]) == cut
        if valid != (len(rows) in (2, 4)):  # (lines 3 and 5: check digit right by chance)
            continue
        rows.append([f"截断{len(rows)}", "综合科", cut])
    source = write_csv(tmp_path / "cut.csv", rows)
    said = (
        "“身份证号码”一列有 6 个号码以 000 结尾：多半是 Excel 把号码当成数字存，只保留了前 15 位；"
        "其中第 3、5 行的号码校验位碰巧对上，也不是原号码。未导入任何数据：请在 Excel 中把这一列设为"
        "“文本”格式，重新录入完整号码后再导入（号码确实如此的，请用 sanlian cadre add 逐个登记）。\n"
    )
    before = dump(db_path)
    for extra in ((), ("--skip-bad",), ("--dry-run",)):
        result = base("cadre", "import", source, *extra)
        assert result.code == 1 and result.err.endswith(said), (extra, result)
        assert dump(db_path) == before and "新增" not in result.out

    odd = idn("11010119800101100")[:-1]  # a real number may end in 000 (1 in ~1,000)
    ending = next(
        idn(odd[:14] + f"{n:03d}")
        for n in range(0, 1000, 10)
        if idn(odd[:14] + f"{n:03d}").endswith("000")
    )
    # in its place among the rows: the earlier of two rows for one cadre is the one kept
    rows = [["姓名", "科室", "身份证号码"], ["寅虎", "综合科", ending], ["卯兔", "综合科", MAN]]
    rows.append(["寅虎", "综合科", ""])
    result = base("cadre", "import", write_csv(tmp_path / "one.csv", rows), "--skip-bad")
    assert result.code == 0, result
    assert re.search(r"^4 +姓名 +寅虎 +与第 2 行是同一", result.err, re.M), result.err
    masked = f"{ending[:6]}********{ending[-4:]}"
    assert (
        f"第 2 行：提示：身份证号码 {masked} 末三位是 000，校验位正确，已按有效号码接受"
        in result.err
    )
    listed = base("cadre", "list", "--reveal", "-f", "json").json()
    assert {(c["name"], c["id_number"]) for c in listed} >= {("寅虎", ending), ("卯兔", MAN)}


def test_numbers_in_columns_of_other_kinds_are_masked_in_the_error_table(
    base: Cli, tmp_path: Path
) -> None:
    """A phone or ID number written, however spaced, into a column that holds no number (the
    community, the household's size) is masked in the 值 and 原因 columns like any other;
    ``--reveal`` shows it as written."""
    rows = [
        ["户主姓名", "所在社区(村)", "家庭人口"],
        ["郑一", "幸福社区 电话138 1234 5678", "2"],
        ["郑二", "幸福社区", "身份证370102 19900101 1231"],
        ["郑三", "幸福社区", "１３８１２３４５６７７"],
    ]
    source = write_csv(tmp_path / "bad.csv", rows)
    result = base("household", "import", source)
    assert result.code == 1
    for whole in ("1234 5678", "19900101", "１２３４５６７７"):
        assert whole not in result.err, whole
    assert "找不到社区(村)“幸福社区 电话138****5678”" in result.err
    revealed = base("household", "import", source, "--reveal")
    assert "找不到社区(村)“幸福社区 电话138 1234 5678”" in revealed.err
    assert "身份证370102 19900101 1231" in revealed.err


@pytest.mark.parametrize("header", ["电话号码", "联系电话号码"])
def test_a_phone_column_by_its_everyday_names(base: Cli, tmp_path: Path, header: str) -> None:
    """电话号码 and 联系电话号码 are read as the phone column (they were unknown columns: the
    numbers were left out with only a hint)."""
    rows = [["姓名", "科室", header], ["巳蛇", "综合科", "13812430001"]]
    result = base("cadre", "import", write_csv(tmp_path / "a.csv", rows), "--reveal")
    assert result.code == 0 and "不认识" not in result.err, result
    cadres = base("cadre", "list", "--reveal", "-f", "json").json()
    assert {c["name"]: c["phone"] for c in cadres}["巳蛇"] == "13812430001"
    rows = [["户主姓名", "所在社区(村)", header], ["午马", "幸福社区", "13812430002"]]
    assert base("household", "import", write_csv(tmp_path / "b.csv", rows)).code == 0
    shown = base("household", "show", "午马", "--reveal", "-f", "json").json()
    assert shown["phone"] == "13812430002"


def test_a_map_of_a_column_the_file_does_not_have_is_refused(
    base: Cli, tmp_path: Path, db_path: Path
) -> None:
    """``--map 工作部门=科室`` for a file whose header has no 工作部门 (a typo): refused, with the
    header's columns; it was ignored without a word."""
    source = write_csv(tmp_path / "m.csv", [["姓名", "科室", "性别"], ["乙", "综合科", "男"]])
    before = dump(db_path)
    result = base("cadre", "import", source, "--map", "工作部门=科室")
    assert result.code == 1 and dump(db_path) == before
    assert result.err == (
        "--map 中的列“工作部门”在文件的表头中没有（表头：“姓名”、“科室”、“性别”）；"
        "请核对列名（照表头原样写），或去掉这个 --map。\n"
    )
    assert base("cadre", "import", source, "--map", "科室=科室").code == 0


def test_a_two_row_header_with_a_column_not_known(base: Cli, tmp_path: Path) -> None:
    """联系方式 over 手机 and 办公电话, the other header cells merged down over both rows: the
    second row is the header's (办公电话, not a cadre's field, an unknown column), not a row of
    data refused for 科室“科室” and 手机号码“手机”."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["综合科干部花名册"])
    sheet.merge_cells("A1:F1")
    sheet.append(["序号", "姓名", "科室", "性别", "联系方式", None])
    sheet.append([None, None, None, None, "手机", "办公电话"])
    for column in "ABCD":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.merge_cells("E2:F2")
    sheet.append([1, "午一", "综合科", "男", "13812380001", "0539-8123456"])
    book.save(tmp_path / "two.xlsx")
    result = base("cadre", "import", tmp_path / "two.xlsx")
    assert result.code == 0, result
    assert "干部：新增 1，更新 0，未变 0。" in result.out
    assert "以下列不认识（或与另一列重复），未导入：“办公电话”" in result.err
    cadre = base("cadre", "show", "午一", "--reveal", "-f", "json").json()
    assert cadre["phone"] == "13812380001"


def test_a_row_of_instructions_under_the_header_is_not_a_record(base: Cli, tmp_path: Path) -> None:
    """（必填） （11位） (男/女) under each column: said and left, not refused as a bad row
    (its （11位） shown masked as a bad phone number)."""
    rows = [
        ["姓名", "科室", "性别", "手机号码", "身份证号码"],
        ["（必填）", "（必填，须与科室名称一致）", "（男/女）", "（11位）", "（18位，文本格式）"],
        ["卯兔", "综合科", "男", "13812420001", None],
    ]
    result = base("cadre", "import", write_xlsx(tmp_path / "a.xlsx", rows))
    assert result.code == 0, result
    assert "提示：第 2 行是填写说明（各格都是括号中的文字），未导入。" in result.err
    assert "干部：新增 1，更新 0，未变 0。" in result.out
    # said so in its first cell, the others plain words
    rows[1] = ["（填写说明）", "须与科室名称一致", "男或女", "11位手机号", "18位身份证号"]
    rows[2][0] = "辰龙"
    result = base("cadre", "import", write_xlsx(tmp_path / "b.xlsx", rows))
    assert result.code == 0 and "第 2 行是填写说明" in result.err, result
    # a bad cell of a few digits among words is shown as written (it was all stars)
    rows = [["姓名", "科室", "手机号码"], ["巳蛇", "综合科", "11位手机号"]]
    result = base("cadre", "import", write_xlsx(tmp_path / "c.xlsx", rows))
    assert result.code == 1 and "“手机号码”“11位手机号”" in result.err, result


def test_a_workbook_under_the_other_suffix_is_read_by_what_it_is(base: Cli, tmp_path: Path) -> None:
    """An .xlsx renamed .xls is read (it was refused as a damaged workbook); a web page
    saved as .csv is said to be one (it was told no header was found)."""
    rows = [["姓名", "科室", "性别"], ["甲", "综合科", "男"]]
    renamed = tmp_path / "花名册.xls"
    write_xlsx(tmp_path / "花名册.xlsx", rows).rename(renamed)
    result = base("cadre", "import", renamed)
    assert result.code == 0 and "干部：新增 1" in result.out, result
    page = tmp_path / "导出.csv"
    page.write_text("<html><table><tr><td>姓名</td><td>科室</td></tr></table></html>")
    result = base("cadre", "import", page)
    assert result.code == 1
    assert result.err.startswith(f"文件 {page} 的后缀是 .csv，其实是网页（HTML/XML）格式")


def test_a_map_of_a_column_with_a_note_in_brackets(base: Cli, tmp_path: Path) -> None:
    """``--map 工作单位=科室`` maps the header ``工作单位（全称）`` (a note after the name is
    read as the name's): not refused as a column the file lacks."""
    rows = [["姓名", "工作单位（全称）"], ["王五", "综合科"]]
    result = base("cadre", "import", write_csv(tmp_path / "m.csv", rows), "--map", "工作单位=科室")
    assert result.code == 0, result
    assert base("cadre", "show", "王五", "-f", "json").json()["section"] == "综合科"


def test_real_numbers_ending_in_000_come_back_from_an_export_unchanged(
    base: Cli, tmp_path: Path
) -> None:
    """Three cadres whose real ID numbers end in 000, exported and imported again: each row
    leaves its number as it is, so the share of 000 is no reason to refuse the file."""
    bodies = (
        f"37010219700{m}{d:02d}{s}00"
        for m in range(1, 10)
        for d in range(1, 29)
        for s in range(1, 10)
    )
    numbers = [n for n in map(idn, bodies) if n.endswith("000")][:3]
    assert len(numbers) == 3
    for i, number in enumerate(numbers):
        assert (
            base("cadre", "add", f"零{i}", "--section", "综合科", "--id-number", number).code == 0
        )
    path = tmp_path / "干部.xlsx"
    assert base("export", "cadre", "--reveal", "-o", path).code == 0
    result = base("cadre", "import", path)
    assert result.code == 0 and "未变 7。" in result.out, result


def test_a_block_of_cut_numbers_in_a_long_file_is_refused(base: Cli, tmp_path: Path) -> None:
    """2,000 households, the first 60 of them with numbers Excel cut (3 % ending in 000, not
    the one in a thousand of real numbers): refused whole, though most rows are sound."""
    import random

    draw = random.Random(3)
    rows = [["户主姓名", "所在社区(村)", "身份证号码"]]
    for i in range(2000):
        body = f"3713211975{draw.randint(1, 12):02d}{draw.randint(1, 28):02d}{i % 1000:03d}"
        number = idn(body)
        rows.append([f"户{i}", "幸福社区", number[:15] + "000" if i < 60 else number])
    result = base("household", "import", write_csv(tmp_path / "户.csv", rows), "--skip-bad")
    assert result.code == 1
    assert "“身份证号码”一列有 " in result.err and "未导入任何数据" in result.err


def test_a_count_in_scientific_notation_is_told_as_a_count(base: Cli, tmp_path: Path) -> None:
    """家庭人口 1e3 was told that the digits of a long number were lost, as an ID number's."""
    rows = [["户主姓名", "所在社区(村)", "家庭人口"], ["李四", "幸福社区", "1e3"]]
    result = base("household", "import", write_csv(tmp_path / "户.csv", rows))
    assert result.code == 1
    assert "“家庭人口”“1e3”是科学计数法写的数，请写成整数（如 3）。" in result.err
    assert "号码" not in result.err


def test_a_second_skip_bad_import_keeps_the_first_bad_rows_file(base: Cli, tmp_path: Path) -> None:
    # the clerk is correcting 干部花名册.错误.csv when the original is imported again: the
    # new bad rows go to 干部花名册.错误（2）.csv, the corrections stay
    path = write_csv(tmp_path / "干部花名册.csv", BAD)
    assert base("cadre", "import", path, "--skip-bad").code == 0
    first = tmp_path / "干部花名册.错误.csv"
    first.write_text(first.read_text(encoding="utf-8-sig") + "改过\n", encoding="utf-8-sig")
    kept = first.read_bytes()
    again = base("cadre", "import", path, "--skip-bad")
    assert again.code == 0, again
    second = tmp_path / "干部花名册.错误（2）.csv"
    assert f"已另存为 {second}" in again.err
    assert first.read_bytes() == kept and second.exists()


def test_a_household_roster_headed_kunnan_xuqiu_is_read(
    base: Cli, tmp_path: Path, db_path: Path
) -> None:
    """困难需求 (as many rosters head it) is the needs column, not one dropped as unknown."""
    rows = [["户主姓名", "社区(村)", "困难需求"], ["孙秀珍", "幸福社区", "子女就学"]]
    result = base("household", "import", write_csv(tmp_path / "x.csv", rows))
    assert result.code == 0 and "以下列不认识" not in result.err, result
    assert rows_of(db_path, "select needs from household where name = '孙秀珍'") == [("子女就学",)]
