"""Every value a clerk types: dates, ID numbers, credit codes, phones, money."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from sanlian.errors import ValidationError
from sanlian.services import validate

TODAY = dt.date(2026, 6, 15)


@pytest.mark.parametrize(
    "text",
    [
        "2022-06-03",
        "2022/6/3",
        "20220603",
        "6-3",
        "6月3日",
        "2022年6月3日",
        "２０２２－０６－０３",
        "2022.6.3",
        # with the time a spreadsheet or a web system's export writes after it
        "2022/6/3 0:00",
        "2022-06-03 00:00:00.000",
        "2022-06-03T00:00:00",
        "2022-06-03T08:30:00+08:00",
        "2022-06-02T16:00:00.000Z",  # an instant in UTC: 06-03 00:00 in Beijing
        "2022-06-02T23:59:59-05:00",
    ],
)
def test_date_forms(text: str) -> None:
    assert validate.date(text, "日期", today=TODAY, year=2022) == dt.date(2022, 6, 3)


def test_relative_dates() -> None:
    assert validate.date("today", "日期", today=TODAY) == TODAY
    assert validate.date("今天", "日期", today=TODAY) == TODAY
    assert validate.date("yesterday", "日期", today=TODAY) == dt.date(2026, 6, 14)
    assert validate.date("昨天", "日期", today=TODAY) == dt.date(2026, 6, 14)


def test_short_date_takes_the_campaign_year_else_this_year() -> None:
    assert validate.date("6-3", "日期", today=TODAY) == dt.date(2026, 6, 3)


@pytest.mark.parametrize("text", ["2022-02-30", "2022-13-01", "2-30", "20220230"])
def test_impossible_dates_are_refused_naming_the_field(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate.date(text, "走访日期", today=TODAY, year=2022)
    assert "走访日期" in info.value.message
    assert "不存在" in info.value.message


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "2022-06",
        "6/3/2022x",
        "明天见",
        "2022-06-03T",
        "2022-06-03 25:00",
        "2022-06-03T08:00+99:00",
    ],
)
def test_unreadable_dates_say_which_forms_work(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate.date(text, "日期", today=TODAY)
    assert "2026-06-03" in info.value.message


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_every_form_of_a_real_date_reads_back(day: dt.date) -> None:
    forms = [
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        day.strftime("%Y%m%d"),
        f"{day.year}年{day.month}月{day.day}日",
    ]
    for form in forms:
        assert validate.date(form, "日期", today=TODAY) == day
    assert validate.date(f"{day.month}-{day.day}", "日期", today=TODAY, year=day.year) == day


def make_id(area: str, birth: str, seq: int) -> str:
    body = f"{area}{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def test_valid_id_number() -> None:
    number = make_id("371302", "19800101", 123)  # 3 is odd: male
    assert validate.id_number(number, gender="male", today=TODAY) == number


def test_id_number_lowercase_x_and_spaces_normalised() -> None:
    assert validate.id_number("11010519491231002x") == "11010519491231002X"
    assert validate.id_number(" 110105 19491231 002X ") == "11010519491231002X"
    # written in its parts (area, birth date, the rest) with dashes, as some forms print it
    assert validate.id_number("110105-19491231-002x") == "11010519491231002X"
    with pytest.raises(ValidationError, match="应为 18 位"):
        validate.id_number("1101-0519491231-002X")  # dashes anywhere else: not a way it is written


@pytest.mark.parametrize(
    ("value", "part"),
    [
        ("11010519491231002", "18 位"),
        ("1101051949123100XX", "前 17 位"),
        ("110105194912310021", "校验位"),
        (make_id("110105", "19490230", 1), "出生日期"),
        (make_id("110105", "20300101", 1), "出生日期"),
    ],
)
def test_bad_id_numbers_are_refused(value: str, part: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate.id_number(value, today=TODAY)
    assert part in info.value.message
    assert "身份证号码" in info.value.message


def test_gender_is_cross_checked() -> None:
    female = make_id("371302", "19800101", 124)
    with pytest.raises(ValidationError) as info:
        validate.id_number(female, gender="male", today=TODAY)
    assert "女性" in info.value.message and "男" in info.value.message


def test_area_code_made_after_the_birth_year_is_accepted_without_a_note() -> None:
    # 371311 (罗庄区) was created in 1995: a card of someone born in 1960 carries a later code,
    # which python-stdnum refuses (its issue #442). The number is real and common (a card keeps
    # the code of where it was given out): accepted, and no hint (370102 历下区, from 1983, drew
    # one for most adults of the README's own example).
    for number in (make_id("371311", "19600101", 11), make_id("370102", "19700101", 11)):
        assert not ric.is_valid(number)
        notes: list[str] = []
        assert validate.id_number(number, today=TODAY, notes=notes) == number
        assert notes == []


def test_masked_numbers_cannot_be_written() -> None:
    with pytest.raises(ValidationError) as info:
        validate.id_number("371302********1234")
    assert "遮蔽" in info.value.message
    with pytest.raises(ValidationError):
        validate.phone("138****5678")


def test_credit_codes() -> None:
    assert validate.uscc("91350100M000100Y43") == "91350100M000100Y43"
    assert validate.uscc("91350100m000100y43") == "91350100M000100Y43"
    for bad, reason in [
        ("91350100M000100Y4", "18 位"),
        ("91350100M000100Y44", "校验位"),
        ("9135010IM000100Y43", "字符"),
    ]:
        with pytest.raises(ValidationError) as info:
            validate.uscc(bad)
        assert reason in info.value.message and "统一社会信用代码" in info.value.message


@pytest.mark.parametrize(
    "value", ["13812345678", "+86 138 1234 5678", "138-1234-5678", "１３８１２３４５６７８"]
)
def test_phones(value: str) -> None:
    assert validate.phone(value) == "13812345678"


@pytest.mark.parametrize("value", ["1381234567", "23812345678", "138123456789", "0539-1234567"])
def test_bad_phones(value: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate.phone(value)
    assert "11 位" in info.value.message


def test_money_is_exact() -> None:
    assert validate.money("¥12,345.67", "金额") == Decimal("12345.67")
    assert validate.money("500元", "金额") == Decimal("500.00")
    assert validate.to_fen(Decimal("12345.67")) == 1234567
    assert validate.from_fen(1234567) == Decimal("12345.67")
    assert validate.money("12,345,678.9", "金额") == Decimal("12345678.90")
    assert validate.money("１２３.５", "金额") == Decimal("123.50")
    for bad in ["12.345", "一百", "NaN", "1e5", "12,34.5", "1,2345.00", "Infinity"]:
        with pytest.raises(ValidationError) as info:
            validate.money(bad, "金额")
        assert "无法识别" in info.value.message, bad
    with pytest.raises(ValidationError) as info:
        validate.money("-5", "金额")
    assert "是负数" in info.value.message
    with pytest.raises(ValidationError) as info:
        validate.money("99999999999999999999", "金额")
    assert "100 亿" in info.value.message


def test_masks() -> None:
    assert validate.mask_id("370102199001011234") == "370102********1234"
    assert validate.mask_phone("13812345678") == "138****5678"


@pytest.mark.parametrize("area", ["371399", "110199"])
def test_area_code_missing_from_stdnum_table_is_accepted_with_a_note(area: str) -> None:
    # python-stdnum raises KeyError (not a ValidationError) for some codes: still accepted
    number = make_id(area, "19800101", 123)
    notes: list[str] = []
    assert validate.id_number(number, today=TODAY, notes=notes) == number
    assert len(notes) == 1


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("370102198001011237", "370102********1237"),
        ("370102 19800101 1237", "370102********1237"),
        ("13812345678", "138****5678"),
        ("138-1234-5678", "138****5678"),
    ],
)
def test_a_number_is_no_name(value: str, shown: str) -> None:
    """An ID or phone number in a name's column (a row shifted by a cell) is refused, the
    number masked in the sentence; names with digits among other characters are names."""
    with pytest.raises(ValidationError) as info:
        validate.name(value, "户主姓名")
    assert info.value.message == (
        f"“户主姓名”写的是一串数字（{shown}），不像名称，可能是别的列（身份证号码、电话号码、"
        "日期等）填到了这一列：请核对各列是否对齐。"
    )
    for kept in ("第3网格", "2026年新村", "A座101", "张伟2"):
        assert validate.name(kept, "名称") == kept


@pytest.mark.parametrize("value", ["刘?", "刘？", "李\ufffd", "王 ?明"])
def test_a_name_with_a_lost_character_is_refused(value: str) -> None:
    """A rare character Excel could not keep in a GBK CSV becomes ?, bytes read in the wrong
    encoding become �: such a name would go into the ledger corrupted."""
    with pytest.raises(ValidationError) as info:
        validate.name(value, "姓名")
    assert info.value.message.startswith("“姓名”“") and "是丢失了的字" in info.value.message


def test_a_gbk_csv_that_lost_a_rare_character_is_refused(
    base: Any, tmp_path: Path, unchanged: Any
) -> None:
    source = tmp_path / "花名册.csv"
    source.write_bytes("姓名,科室\n刘?,综合科\n".encode("gbk"))
    result = unchanged(lambda: base("cadre", "import", source))
    assert result.code == 1 and "“姓名”“刘?”中有“?”或“�”" in result.err
    result = unchanged(lambda: base("cadre", "add", "王?", "--section", "综合科"))
    assert result.code == 1 and "是丢失了的字" in result.err


@pytest.mark.parametrize(
    ("value", "qualified", "refused"),
    [
        ("110", False, True),
        ("１２", False, True),
        ("#3", False, True),
        ("#1车间", False, False),
        ("A@B", False, False),  # a section or enterprise: @ means nothing to its lookup
        ("李@四", True, True),
        ("12", True, False),  # a community: found as 12@东镇
    ],
)
def test_a_name_a_lookup_would_misread_is_refused(
    value: str, qualified: bool, refused: bool
) -> None:
    """A section's or enterprise's name of digits (or # and digits) is looked up as a number
    (``section remove 123``: number 123); ``@`` parts a cadre's, household's or community's
    name from what tells it apart, and finds such a one of digits (12@东镇)."""
    if not refused:
        validate.lookup_name(value, "科室名称", qualified=qualified)
        return
    with pytest.raises(ValidationError) as info:
        validate.lookup_name(value, "科室名称", qualified=qualified)
    assert info.value.key in ("name_is_digits", "name_lookup_sign")
    assert info.value.message.startswith(f"“科室名称”“{value}”")
    with pytest.raises(ValidationError) as info:  # a date: refused, and shown as it is
        validate.name("2026-06-03", "户主姓名")
    assert "（2026-06-03）" in info.value.message


def test_numbers_inside_text_are_masked() -> None:
    text = "找不到联系户“370102198001011237”，电话13812345678，编号 12，代码 91371300MA3C0A1B2L"
    assert validate.mask_numbers_in(text) == (
        "找不到联系户“370102********1237”，电话138****5678，编号 12，代码 91371300MA3C0A1B2L"
    )
    # not inside longer runs of digits, and not what is not a mobile or ID number: an
    # all-digit credit code (no birth date in it), 18 digits with a wrong check digit
    for kept in (
        "1234567890123456789012",
        "12345678901",
        "23812345678",
        "913701001630123456",
        "370102198001011238",
        "统一社会信用代码“913701001630123456”不对",
    ):
        assert validate.mask_numbers_in(kept) == kept
    number = "11010119800101007X"
    assert validate.mask_numbers_in(number.lower()) == "110101********007x"
    # written in its parts with dashes, as ``id_number`` reads it
    assert validate.mask_numbers_in("户主 370102-19800101-1237 号") == "户主 370102********1237 号"
    assert validate.mask_numbers_in("2026-06-0310-2026-06-03") == "2026-06-0310-2026-06-03"


@pytest.mark.parametrize("words", ["无", "暂无", "不详", "—", "待补充"])
def test_words_in_a_numbers_place_are_said_as_written(words: str) -> None:
    """A roster's ``暂无`` is refused as itself with the advice to leave the cell empty (it was
    masked like a number, ``**``, and the clerk could not find it)."""
    for check, field in ((validate.phone, "手机号码"), (validate.id_number, "身份证号码")):
        with pytest.raises(ValidationError) as refused:
            check(words)
        assert str(refused.value.message) == (
            f"“{field}”写的是“{words}”，不是号码；没有号码请留空，有号码请照实填写。"
        )


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("0539-8123456", "0539-8123456"),
        ("(0539)8123456", "0539-8123456"),
        ("（0539）8123456", "0539-8123456"),
        ("0539 812 3456", "0539-8123456"),
        ("05398123456", "0539-8123456"),  # 05xx: a four-digit area code
        ("010-65123456", "010-65123456"),
        ("010 6512 3456", "010-65123456"),
        ("02087654321", "020-87654321"),  # 020–029: three digits
        ("+86 139 1234 5678", "13912345678"),
    ],
)
def test_a_contacts_phone_may_be_a_fixed_line(typed: str, kept: str) -> None:
    assert validate.phone(typed, "联系电话", landline=True) == kept


@pytest.mark.parametrize(
    "typed", ["8123456", "0539-812345", "13912345678/0539-8123456", "011-81234567"]
)
def test_a_fixed_line_needs_its_area_code_and_a_local_number(typed: str) -> None:
    with pytest.raises(ValidationError, match="固定电话连区号写，如 0539-8123456"):
        validate.phone(typed, "联系电话", landline=True)


def test_a_fixed_lines_local_number_beginning_0_or_1_is_said_so() -> None:
    with pytest.raises(ValidationError, match="区号后的本地号码不以 0 或 1 开头"):
        validate.phone("0539-0123456", "联系电话", landline=True)


def test_a_persons_mobile_is_no_fixed_line() -> None:
    with pytest.raises(ValidationError, match="不是有效的手机号码"):
        validate.phone("0539-8123456")


def test_an_id_number_excel_cut_to_15_digits_is_said_so() -> None:
    """Saved from a number cell, 371302196607088014 arrives as 371302196607088000: the check
    digit is wrong, and the three zeros say why (not "copied wrong")."""
    with pytest.raises(ValidationError) as refused:
        validate.id_number("371302196607088000")
    assert refused.value.message == (
        "“身份证号码”“371302********8000”的校验位不对，末三位又是 000：多半是 Excel 把号码"
        "当成数字存，只保留了前 15 位；请在 Excel 中把这一列设为“文本”格式，重新录入完整号码。"
    )


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("3", 3),
        ("3人", 3),
        ("4 张", 4),
        ("１２", 12),
        (" 5 ", 5),
        ("1_000", None),
        ("٣", None),
        ("+5", 5),
    ],
)
def test_a_count_is_written_in_digits(text: str, number: int | None) -> None:
    """A count with its unit (3人) or in full-width digits is read; Python's own number forms
    (1_000) and other scripts' digits are not counts a clerk types."""
    if number is None:
        with pytest.raises(ValidationError, match="应为不小于 0 的整数"):
            validate.integer(text, "张数")
    else:
        assert validate.integer(text, "张数") == number
