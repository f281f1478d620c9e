"""What the fuzz tests found, each pinned by a plain example: every one of these once ended in
“程序内部出错” (an exception other than ours) instead of a sentence that says what to fix.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from sanlian.errors import ImportFileError, NotFoundError, ValidationError
from sanlian.services import validate
from tests.conftest import Cli, execute_sql
from tests.test_import_registry import write_csv

TODAY = dt.date(2026, 6, 15)
KHAROSHTHI_ONE = "\U00010a40"  # str.isdigit() says yes, int() says no
HUGE = "99999999999999999999"  # past SQLite's 64-bit integers


def test_id_number_of_digits_int_cannot_read() -> None:
    with pytest.raises(ValidationError, match="前 17 位应全是数字"):
        validate.id_number(KHAROSHTHI_ONE * 17 + "X", today=TODAY)
    with pytest.raises(ValidationError, match="前 17 位应全是数字"):
        validate.id_number("37010219800101123" + KHAROSHTHI_ONE, today=TODAY)


def test_phone_of_other_scripts_digits_is_refused() -> None:
    with pytest.raises(ValidationError, match="不是有效的手机号码"):
        validate.phone("1" + "\u0663" * 10)  # Arabic-Indic ٣: \d took it, nobody can dial it


def test_integer_too_large_names_the_field_and_the_limit() -> None:
    with pytest.raises(ValidationError) as info:
        validate.integer(HUGE, "家庭人口", minimum=1)
    assert info.value.message == (
        f"“家庭人口”的数字“{HUGE}”太大，应不超过 1000000，请核对是否多写了数字。"
    )
    assert validate.integer("1000000", "家庭人口") == 1_000_000
    with pytest.raises(ValidationError, match="应为不小于 0 的整数"):
        validate.integer("9" * 5000, "联系卡张数")  # int() refuses more than 4300 digits


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("household", "add", "赵大妈", "--community", "幸福社区", "--members", HUGE),
            f"“家庭人口”的数字“{HUGE}”太大",
        ),
        (
            (
                "visit",
                "add",
                "--date",
                "6-3",
                "--cadre",
                "单丽",
                "--household",
                "王秀英",
                "--form",
                "入户走访",
                "--cards",
                HUGE,
            ),
            f"“联系卡张数”的数字“{HUGE}”太大",
        ),  # fmt: skip
        (("cadre", "show", HUGE), f"找不到干部“{HUGE}”"),
        (("cadre", "show", KHAROSHTHI_ONE), f"找不到干部“{KHAROSHTHI_ONE}”"),
        (("cadre", "add", "李明", "--section", KHAROSHTHI_ONE), "找不到科室"),
    ],
)
def test_huge_and_odd_numbers_refused_in_a_sentence(
    base: Cli, unchanged: Any, args: tuple[str, ...], message: str
) -> None:
    result = unchanged(lambda: base(*args))
    assert message in result.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("problem", "show", HUGE), "问题编号的值不对：应不大于 999999999。"),
        (("visit", "show", HUGE), "走访编号的值不对：应不大于 999999999。"),
        (("link", "end", HUGE), "联系编号的值不对：应不大于 999999999。"),
        (("history", "--limit", HUGE), "--limit/-n 的值不对：应不大于 999999999。"),
        (
            ("problem", "add", "--visit", HUGE, "--category", "就学", "--text", "x"),
            "--visit 的值不对：应不大于 999999999。",
        ),
        (("campaign", "set", "--time-limit", "99999"), "--time-limit 的值不对：应不大于 3660。"),
        (("campaign", "set", "--visit-cadence", "99999"), "应不大于 3660"),
    ],
)
def test_numbers_beyond_their_range_are_usage_errors(
    base: Cli, args: tuple[str, ...], message: str
) -> None:
    result = base(*args)
    assert result.code == 1, result
    assert message in result.err


def test_overflow_anywhere_is_a_sentence_not_an_internal_error(
    base: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The boundary's last guard: a number or date too large for SQLite or ``datetime``."""
    from sanlian.services import registry

    def overflow(*args: Any, **kwargs: Any) -> Any:
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    monkeypatch.setattr(registry, "clean_values", overflow)
    result = base("section", "add", "新科室")
    assert result.code == 1, result
    assert result.err == (
        "输入的数字太大，超出了能保存或推算的范围，没有做任何修改。请核对编号、天数、日期等数字后重试。\n"
    )


def test_reference_beyond_any_record_number_is_not_found(base: Cli) -> None:
    from sanlian.db.engine import open_database
    from sanlian.services import refs

    db = open_database(__import__("os").environ["SANLIAN_DB"])  # a file, or a server's URL
    with db.session() as session:
        for ref in (HUGE, "#" + HUGE, KHAROSHTHI_ONE, "1" * 5000):
            with pytest.raises(NotFoundError):
                refs.resolve(session, "cadre", ref)
    db.dispose()


@pytest.mark.parametrize("encoding", ["\x00", "base64", "rot13", "undefined", "zlib"])
def test_forced_encoding_that_is_no_text_encoding(
    base: Cli, unchanged: Any, tmp_path: Path, encoding: str
) -> None:
    path = write_csv(tmp_path / "x.csv", [["姓名", "科室"], ["李明", "办公室"]])
    result = unchanged(lambda: base("cadre", "import", path, "--encoding", encoding))
    shown = "［U+0000］" if encoding == "\x00" else encoding  # a NUL is named, not written
    assert result.err.startswith(f"不认识的编码“{shown}”")


def test_record_number_too_large(base: Cli, unchanged: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", [["台账编号", "姓名", "科室"], [HUGE, "李明", "办公室"]])
    result = unchanged(lambda: base("cadre", "import", path))
    assert f"“台账编号”“{HUGE}”不是记录编号" in result.err


def test_sheet_number_of_odd_digits(tmp_path: Path) -> None:
    from sanlian.io.readers import open_table
    from tests.test_import_registry import write_xlsx

    path = write_xlsx(tmp_path / "x.xlsx", [["姓名", "科室"], ["李明", "办公室"]])
    for sheet in (KHAROSHTHI_ONE, "9" * 5000, "²"):
        with pytest.raises(ImportFileError, match="没有工作表|工作表"):
            open_table(path, sheet=sheet)


def test_control_characters_dropped_from_text() -> None:
    assert validate.name("李\x01明", "姓名") == "李明"
    assert validate.text("第一行\x00\x1b\n\t第二行\x7f", "备注") == "第一行\n第二行"
    with pytest.raises(ValidationError, match="不能为空"):
        validate.name("\x07\x08", "姓名")


def test_name_with_control_character_does_not_break_the_word_report(
    base: Cli, tmp_path: Path
) -> None:
    """python-docx refuses a control character; one typed into a name once broke selfcheck."""
    result = base("cadre", "add", "李\x01明", "--section", "办公室")
    assert result.code == 0, result
    assert "已添加干部“李明”" in result.out
    result = base("selfcheck", "-o", tmp_path / "自查报告.docx")
    assert result.code == 0, result


def test_control_characters_stored_by_an_older_version_do_not_break_the_word_report(
    base: Cli, db_path: Path, tmp_path: Path
) -> None:
    """Text written before control characters were stripped on entry still reaches Word."""
    execute_sql(db_path, "UPDATE campaign SET unit = '企业\x01局\x1b'")
    result = base("selfcheck", "-o", tmp_path / "自查报告.docx")
    assert result.code == 0, result
    from docx import Document

    text = "\n".join(p.text for p in Document(str(tmp_path / "自查报告.docx")).paragraphs)
    assert "企业局" in text


def test_argument_not_in_utf8_is_refused_in_a_sentence(base: Cli, unchanged: Any) -> None:
    """Bytes a non-UTF-8 terminal sends reach Python as lone surrogates, which SQLite cannot
    store (UnicodeEncodeError) and stderr cannot print."""
    result = base("cadre", "add", "\udcff\udcfe", "--section", "办公室")
    assert result.code == 1, result
    assert result.err == (
        "命令行中的“??”含有无法识别的字符（问号处）：终端或脚本不是 UTF-8 编码。"
        "请把终端（或脚本文件）改为 UTF-8 后重新输入。\n"
    )
    assert base("cadre", "show", "张\udcff").code == 1


@pytest.mark.parametrize("content", [b"\xe5\xa7\x93\xe5\x90\x8d,\xe7\xa7\x91\xe5\xae\xa4\n", b"ab"])
def test_utf16_forced_on_a_file_without_bom(
    base: Cli, unchanged: Any, tmp_path: Path, content: bytes
) -> None:
    """Python's utf-16 decoder raises UnicodeError, not UnicodeDecodeError, without a BOM."""
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    result = unchanged(lambda: base("cadre", "import", path, "--encoding", "utf-16"))
    assert "无法按 utf-16 编码读出" in result.err


def test_a_name_that_normalisation_lengthens_is_still_held_to_its_limit() -> None:
    from sanlian.errors import ValidationError
    from sanlian.services import validate

    value = "0" * 68 + "¨" * 32  # 100 characters; after NFKC each ¨ becomes two
    assert len(value) == 100
    with pytest.raises(ValidationError):
        validate.name(value, "姓名")


def test_control_characters_stored_by_an_older_version_do_not_break_workbooks(
    base: Cli, db_path: Path, tmp_path: Path
) -> None:
    """Excel files refuse the same characters Word does (openpyxl IllegalCharacterError)."""
    execute_sql(db_path, "UPDATE cadre SET name = '李\x01明\x1b' WHERE id = 1")
    for args in (
        ("selfcheck", "-o", tmp_path / "自查报告.xlsx"),
        ("cadre", "list", "-o", tmp_path / "干部.xlsx"),
        ("export", "cadre", "-o", tmp_path / "导出.xlsx"),
    ):
        result = base(*args)
        assert result.code == 0, (args, result)
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "干部.xlsx").active
    assert sheet is not None
    assert "李明" in [c.value for row in sheet.iter_rows() for c in row]


@pytest.mark.parametrize(
    ("typed", "landline", "shown"),
    [("0539-812", True, "053****"), ("1391234", False, "139****"), ("13812345", False, "138*2345")],
)
def test_a_short_number_refused_shows_enough_to_see_the_typo(
    typed: str, landline: bool, shown: str
) -> None:
    """Seven digits showed as ``*******``: nothing to see the mistake by. Now the first three
    (longer ones as before: the first three and the last four)."""
    with pytest.raises(ValidationError) as info:
        validate.phone(typed, "联系电话", landline=landline)
    assert f"“{shown}”" in info.value.message, info.value.message
