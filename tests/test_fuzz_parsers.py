"""Fuzzing the parsers: any text a clerk (or a file) can carry gives a clean value or a
:class:`SanlianError` with a Chinese sentence, never another exception; valid values round-trip.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric
from stdnum.cn import uscc as std_uscc

from sanlian.errors import ValidationError
from sanlian.i18n import labels
from sanlian.io import cells
from sanlian.services import validate
from tests.fuzz_common import examples, nasty_text, only_ours

TODAY = dt.date(2026, 6, 15)
FAST = settings(
    max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

_FULL_WIDTH = str.maketrans({chr(0x30 + i): chr(0xFF10 + i) for i in range(10)} | {"-": "－"})


def full_width(text: str) -> str:
    return text.translate(_FULL_WIDTH)


# --- dates ----------------------------------------------------------------------------------


@FAST
@given(value=nasty_text, year=st.one_of(st.none(), st.integers(1, 9999)))
def test_date_never_crashes(value: str, year: int | None) -> None:
    day = only_ours(lambda: validate.date(value, "日期", today=TODAY, year=year))
    assert day is None or isinstance(day, dt.date)


def _forms(day: dt.date, campaign_year: int) -> list[str]:
    y, m, d = day.year, day.month, day.day
    forms = [
        f"{y}-{m:02d}-{d:02d}",
        f"{y}-{m}-{d}",
        f"{y}/{m}/{d}",
        f"{y}.{m}.{d}",
        f"{y}{m:02d}{d:02d}",
        f"{y}年{m}月{d}日",
        f" {y} 年 {m} 月 {d} 日 ",
        f"{y}-{m:02d}-{d:02d} 00:00:00",
    ]
    if y == campaign_year:
        forms += [f"{m}-{d}", f"{m}/{d}", f"{m}月{d}日", f"{m:02d}-{d:02d}"]
    return forms + [full_width(f) for f in forms]


@FAST
@given(
    day=st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31)),
    same_year=st.booleans(),
)
def test_date_round_trips_in_every_form(day: dt.date, same_year: bool) -> None:
    campaign_year = day.year if same_year else 2026
    for form in _forms(day, campaign_year):
        assert validate.date(form, "日期", today=TODAY, year=campaign_year) == day, form


# --- money ----------------------------------------------------------------------------------


@FAST
@given(value=nasty_text)
def test_money_never_crashes(value: str) -> None:
    amount = only_ours(lambda: validate.money(value, "金额"))
    if amount is not None:
        assert isinstance(amount, Decimal)
        assert amount.is_finite()
        assert Decimal(0) <= amount < validate.MONEY_LIMIT
        assert amount == amount.quantize(Decimal("0.01"))  # at most two places
        assert validate.from_fen(validate.to_fen(amount)) == amount


@FAST
@given(
    amount=st.decimals(min_value=0, max_value=Decimal("9999999999.99"), places=2, allow_nan=False),
)
def test_money_round_trips_exactly(amount: Decimal) -> None:
    plain = f"{amount:f}"
    forms = [plain, f"{amount:,}", f"¥{amount:,}", f"{plain}元", f"￥{plain}", full_width(plain)]
    for form in forms:
        assert validate.money(form, "金额") == amount, form
    assert validate.from_fen(validate.to_fen(amount)) == amount


# --- integers -------------------------------------------------------------------------------


@FAST
@given(value=nasty_text, minimum=st.integers(0, 1))
def test_integer_never_crashes(value: str, minimum: int) -> None:
    number = only_ours(lambda: validate.integer(value, "家庭人口", minimum=minimum))
    assert number is None or (isinstance(number, int) and number >= minimum)


@FAST
@given(number=st.integers(min_value=0, max_value=10**6))
def test_integer_round_trips(number: int) -> None:
    assert validate.integer(str(number), "家庭人口") == number
    assert validate.integer(full_width(str(number)), "家庭人口") == number
    assert validate.integer(f" {number} ", "家庭人口") == number


# --- phone numbers, ID numbers, credit codes ------------------------------------------------


@FAST
@given(value=nasty_text)
def test_phone_never_crashes(value: str) -> None:
    number = only_ours(lambda: validate.phone(value))
    if number is not None:
        assert len(number) == 11 and number.isascii() and number.isdigit(), number
        assert number[1] in "3456789", number


@FAST
@given(
    second=st.sampled_from("3456789"), rest=st.text(alphabet="0123456789", min_size=9, max_size=9)
)
def test_phone_round_trips(second: str, rest: str) -> None:
    number = "1" + second + rest  # mobile numbers begin 13–19
    forms = [number, f"+86{number}", f"86 {number}", f"{number[:3]}-{number[3:7]}-{number[7:]}"]
    for form in forms + [full_width(number)]:
        assert validate.phone(form) == number, form


@FAST
@given(value=nasty_text, gender=st.sampled_from([None, "male", "female"]))
def test_id_number_never_crashes(value: str, gender: str | None) -> None:
    notes: list[str] = []
    number = only_ours(lambda: validate.id_number(value, gender=gender, today=TODAY, notes=notes))
    if number is not None:
        assert len(number) == 18 and number.isascii(), number


def _with_check(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")


@FAST
@given(
    area=st.sampled_from(["370102", "110101", "440305", "999999"]),
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY),
    serial=st.integers(0, 999),
)
def test_id_number_round_trips(area: str, birth: dt.date, serial: int) -> None:
    number = _with_check(f"{area}{birth:%Y%m%d}{serial:03d}")
    gender = "male" if serial % 2 == 1 else "female"
    notes: list[str] = []
    assert validate.id_number(number, gender=gender, today=TODAY, notes=notes) == number
    assert validate.id_number(f" {number.lower()} ", today=TODAY) == number
    assert validate.id_number(full_width(number), today=TODAY) == number


def test_id_number_with_digits_int_refuses() -> None:
    """Characters that ``str.isdigit`` accepts but ``int`` refuses (Kharosthi digits, New Tai Lue
    tham digit one) are refused with a sentence, not a ValueError."""
    for odd in ("𐩀", "᧚"):
        value = odd * 17 + "X"
        with pytest.raises(ValidationError):
            validate.id_number(value, today=TODAY)
        with pytest.raises(ValidationError):
            validate.id_number("37010219800101123" + odd, today=TODAY)


@FAST
@given(value=nasty_text)
def test_uscc_never_crashes(value: str) -> None:
    code = only_ours(lambda: validate.uscc(value))
    if code is not None:
        assert len(code) == 18 and code.isascii(), code


@FAST
@given(
    body=st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=8, max_size=8),
    serial=st.text(alphabet="0123456789", min_size=6, max_size=6),
)
def test_uscc_round_trips(body: str, serial: str) -> None:
    first17 = "91" + serial + body + "1"
    code = first17 + std_uscc.calc_check_digit(first17)
    assert validate.uscc(code) == code
    assert validate.uscc(f" {code.lower()} ") == code


# --- enumerated values, names, text ---------------------------------------------------------


@FAST
@given(value=nasty_text, enum=st.sampled_from([labels.VISIT_FORM, labels.MEASURE, labels.GENDER]))
def test_enum_never_crashes(value: str, enum: dict[str, str]) -> None:
    key = only_ours(lambda: labels.parse(enum, value, "类别"))
    assert key is None or key in enum


@FAST
@given(value=nasty_text)
def test_name_and_text_never_crash(value: str) -> None:
    name = only_ours(lambda: validate.name(value, "姓名"))
    assert name is None or (name.strip() and len(name) <= 100)
    only_ours(lambda: validate.text(value, "备注", limit=50))


# --- what a spreadsheet cell holds ----------------------------------------------------------


@FAST
@given(
    value=st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(),
        st.dates(),
        st.datetimes(),
        st.times(),
        st.timedeltas(),
    )
)
def test_excel_cells_never_crash(value: Any) -> None:
    cell = cells.from_excel(value)
    assert cell is None or isinstance(cell, str | dt.date)
    text = cells.display(cell)
    assert isinstance(text, str)
    serial = cells.excel_serial(text)
    if serial is not None:
        day = cells.serial_date(serial)
        assert day is None or isinstance(day, dt.date)
    cells.looks_scientific(text)
    cells.digits_text(text)


@FAST
@given(value=nasty_text)
def test_text_keeps_no_character_a_word_file_refuses(value: str) -> None:
    import re

    clean = only_ours(lambda: validate.text(value, "备注"))
    if clean is not None:
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]", clean), clean
