"""Parsing and checking of every value a user types or a file carries.

Each function returns the clean value or raises :class:`ValidationError` whose sentence names
the field and says how to fix it. Nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal

from sanlian.errors import AsTyped, ValidationError


def normalize(value: str) -> str:
    """Full-width digits, letters and spaces to their ASCII forms; outer blanks removed."""
    return unicodedata.normalize("NFKC", value).strip()


# Control characters (pasted from other programs, read from files) that no Word or Excel file
# may hold: they are invisible, so they are dropped rather than refused. Tab and newline stay.
# So are the invisible characters that text copied from web pages and chat messages carries:
# the zero-width space, the word joiner, the BOM, the soft hyphen, and the marks that turn the
# direction of what follows (a name 李\u200b四 looks like 李四 in every listing, yet 李四 and lisi
# never found it; \u202e turns the rest of a terminal line around). The zero-width joiner of
# emoji sequences stays.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff"
    r"\u00ad\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
_BLANKS = re.compile(r"[\u3000 \t]+")
_HAN_NAME = re.compile(r"[\u3400-\u9fff·\s]+")
_SPACE = re.compile(r"\s+")
# What ``text`` would change besides the outer blanks: control characters, line breaks (every
# one ``splitlines`` knows), tabs and full-width spaces, runs of spaces. A value without any
# is only stripped.
_UNTIDY = re.compile(
    r"[\x00-\x1f\x7f\x85\u2028\u2029\u3000\ufffe\uffff"
    r"\u00ad\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|  "
)
# A name of CJK ideographs only (basic block and extension A): NFKC leaves it as it is and no
# blank is in it, so ``name`` returns it unchanged (when it is not too long).
_PLAIN_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")


def text(value: str | None, field: str, *, required: bool = False, limit: int = 2000) -> str | None:
    """A free-text field: normalised, ``None`` when empty (refused when ``required``)."""
    if type(value) is str and not _UNTIDY.search(value):  # the usual cell: only to strip
        clean = value.strip()
        if not clean:
            if required:
                raise ValidationError("required", field=field)
            return None
        if len(clean) > limit:
            raise ValidationError("text_too_long", field=field, length=len(clean), limit=limit)
        return clean
    if value is not None:
        value = _CONTROL.sub("", str(value))
    if value is None or not str(value).strip():
        if required:
            raise ValidationError("required", field=field)
        return None
    # NFKC would also fold full-width punctuation (，→,), which clerks want kept in prose, so
    # only blanks are normalised here: runs of spaces (full-width too) within each line.
    rows = str(value).strip().splitlines()
    if len(rows) == 1:  # the usual cell: one line
        clean = _BLANKS.sub(" ", rows[0]).strip()
    else:
        clean = "\n".join(_BLANKS.sub(" ", row).strip() for row in rows)
    if len(clean) > limit:
        raise ValidationError("text_too_long", field=field, length=len(clean), limit=limit)
    return clean


def word(value: str | None, field: str, *, limit: int = 200) -> str | None:
    """A few words shown as written wherever the record is (a township, a grid, a trade):
    ``text``, refused when a phone or ID number is written in it (it would be shown whole)."""
    clean = text(value, field, limit=limit)
    if clean is not None and holds_number(clean):
        raise ValidationError("name_holds_number", field=field, value=mask_numbers_anywhere(clean))
    return clean


# the dots written between the parts of a minority name (买买提·艾力): the middle dot of GB
# 18030 (U+00B7), and what input methods and fonts give for it (•, ・ of Japanese, ‧, ∙, ⋅,
# a full stop); NFKC has folded the full-width ones (．･) into these already
_NAME_DOT = re.compile(r"(?<=[\u3400-\u9fff])\s*[.·•・‧∙⋅]\s*(?=[\u3400-\u9fff])")


def fold_name_dots(text: str) -> str:
    """``text`` with each dot between Han characters written as the middle dot ``·``, so that
    a name typed with another dot is the same name (found, not registered twice)."""
    return _NAME_DOT.sub("·", text) if not text.isascii() else text


def name(value: str | None, field: str) -> str:
    """A person's or place's name: required, inner blanks removed for Chinese names."""
    if type(value) is str and len(value) <= 100 and _PLAIN_HAN.fullmatch(value):
        return value  # what the steps below give for it
    clean = text(value, field, required=True, limit=100)
    assert clean is not None
    # NFKC can lengthen a name (¨ becomes a space and a combining mark): check it again after
    clean = text(unicodedata.normalize("NFKC", clean), field, required=True, limit=100)
    assert clean is not None
    clean = fold_name_dots(clean)
    if _HAN_NAME.fullmatch(clean):
        clean = _SPACE.sub("", clean)
    elif "\n" in clean:  # a name is one line (a message quotes it, a shell completes it)
        clean = _one_line(clean)
    if "?" in clean or "\ufffd" in clean:
        # what a character became that could not be kept: a rare one saved by Excel in a GBK
        # CSV (?), or bytes read in the wrong encoding (�)
        raise ValidationError("name_lost_characters", field=field, value=clean)
    if _NUMBER_LIKE.fullmatch(clean):
        # an ID or phone number in the name's column (a row shifted by one cell): stored, it
        # would be shown unmasked as the record's name in every list and file; a date there
        # is no name either. The message masks what is an ID or mobile number.
        digits = re.sub(r"[\s\-]", "", clean).upper()
        if len(digits) == 18 and _looks_like_id(digits):
            clean = str(mask_id(digits))
        elif len(digits) == 11 and digits.startswith("1"):
            clean = str(mask_phone(digits))
        raise ValidationError("name_is_number", field=field, value=clean)
    if holds_number(clean):  # 李明 13612345678: shown in every list as the name, unmasked
        raise ValidationError("name_holds_number", field=field, value=mask_numbers_anywhere(clean))
    return clean


def lookup_name(clean: str, field: str, *, qualified: bool) -> None:
    """Refuse a new name that a lookup would read otherwise (``services.refs.resolve``).
    Where a name may be ``qualified`` (a cadre, household or community), ``@`` parts it from
    its section, community or township (张伟@办公室), and a name of digits is still found so
    (12@东镇); elsewhere (a section, an enterprise) digits alone, or after ``#``, can only be
    read as a record's number (``section remove 123`` looks up number 123)."""
    if qualified:
        if "@" in clean:
            raise ValidationError("name_lookup_sign", field=field, value=clean)
    elif unicodedata.normalize("NFKC", clean).lstrip("#").isdecimal():
        raise ValidationError("name_is_digits", field=field, value=clean)


# A name of digits alone, seven or more (an ID number may end in X): a number, not a name.
_NUMBER_LIKE = re.compile(r"[\d\s\-]{6,}[\dXx]")


def line(value: str | None, field: str, *, required: bool = False, limit: int = 2000) -> str | None:
    """A one-line free-text field (a title): ``text``, its line breaks read as spaces."""
    clean = text(value, field, required=required, limit=limit)
    return _one_line(clean) if clean is not None and "\n" in clean else clean


def _one_line(clean: str) -> str:
    """``text``'s lines (each stripped already) joined by one space, blank lines left out."""
    return " ".join(part for part in clean.split("\n") if part)


_COUNT_UNIT = re.compile(r"(?<=\d)\s*[人口张户篇次名个件]$")
INTEGER_LIMIT = 1_000_000  # people in a household, cards handed out: far below this


_WHOLE = re.compile(r"[-+]?[0-9]+")


def integer(
    value: str | int | None, field: str, *, minimum: int = 0, maximum: int = INTEGER_LIMIT
) -> int | None:
    if type(value) is str and len(value) < 20 and value.isascii() and value.isdigit():
        number = int(value)
        if number < minimum:
            raise ValidationError("integer_invalid", field=field, value=value, minimum=minimum)
        if number > maximum:
            raise ValidationError(
                "integer_too_large", field=field, value=clip(value), maximum=maximum
            )
        return number
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        if isinstance(value, int):
            number = value
        else:  # a count written with its unit, as clerks do: 4人, 2张, 3 户
            text = _COUNT_UNIT.sub("", normalize(str(value)))
            if not _WHOLE.fullmatch(text):  # (``int`` reads 1_000 and ٣ too)
                raise ValueError(text)
            number = int(text)
    except ValueError:  # not a number, or one of more than 4300 digits
        raise ValidationError(
            "integer_invalid", field=field, value=clip(value), minimum=minimum
        ) from None
    if number < minimum:
        raise ValidationError("integer_invalid", field=field, value=value, minimum=minimum)
    if number > maximum:  # beyond what the database column holds, or any household has
        raise ValidationError("integer_too_large", field=field, value=clip(value), maximum=maximum)
    return number


def clip(value: object, limit: int = 40) -> str:
    """A value quoted back in a sentence or a table, shortened when it is very long: its first
    ``limit`` characters and how long it is."""
    text = str(value)
    return text if len(text) <= limit else f"{text[:limit]}…（共 {len(text)} 个字符）"


# --- dates ----------------------------------------------------------------------------------

_FULL = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SHORT = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$")
# a time after the date: Excel's (2026/4/22 0:00), a web system's export (2026-06-21T00:00:00,
# 2026-06-25 00:00:00.000, with a zone: …Z, …+08:00)
_TIME_OF_DAY = re.compile(
    r"(?:\s+|(?<=\d)[Tt])([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?([Zz]|[+-]\d{2}:?\d{2})?$"
)
# a time with its zone after a date: a web system's export of an instant (JavaScript's
# toISOString gives UTC: 2026-06-20T16:00:00.000Z is 06-21 in Beijing)
_ZONED = re.compile(r"\d[t ]\d{1,2}:\d{2}(:\d{2}(\.\d{1,6})?)?(z|[+-]\d{2}:?\d{2})$")
_CHINA = dt.timezone(dt.timedelta(hours=8))
_TODAY = {"today", "今天", "今日"}
_YESTERDAY = {"yesterday", "昨天", "昨日"}
# The days last read from a date written without its year (``6-3``, ``6月3日``): a record's day
# after today so written may mean last year's (``visits.check_not_future`` says so); one
# written in full names its year. Kept by the day: the form is not stored with the date.
_YEARLESS: set[dt.date] = set()


def written_without_year(day: dt.date) -> bool:
    """Whether ``day`` was last read from a date written without its year."""
    return day in _YEARLESS


def date(
    value: str | dt.date | None,
    field: str,
    *,
    today: dt.date,
    year: int | None = None,
) -> dt.date:
    """A date in any form the clerks write; ``6-3`` and ``6月3日`` take ``year`` (the campaign's)."""
    if isinstance(value, dt.date):  # a spreadsheet's date cell: with its year
        day = value.date() if isinstance(value, dt.datetime) else value
        _YEARLESS.discard(day)
        return day
    if value is None or not str(value).strip():
        raise ValidationError("required", field=field)
    raw = str(value)
    clean = normalize(raw).lower()
    if clean in _TODAY:
        return today
    if clean in _YESTERDAY:
        return today - dt.timedelta(days=1)
    if _ZONED.search(clean):  # an instant (2026-06-20T16:00:00.000Z): its day in China
        try:
            instant = dt.datetime.fromisoformat(clean.upper())
        except ValueError:
            raise ValidationError("date_invalid", field=field, value=raw) from None
        day = instant.astimezone(_CHINA).date()
        _YEARLESS.discard(day)
        return day
    clean = _TIME_OF_DAY.sub("", clean)  # a date Excel wrote with a time: 2026/4/22 0:00
    match = _FULL.match(clean) or _COMPACT.match(clean)
    yearless = match is None
    if match:
        y, m, d = (int(g) for g in match.groups())
    else:
        match = _SHORT.match(clean)
        if not match:
            raise ValidationError("date_invalid", field=field, value=raw)
        y = year if year is not None else today.year
        m, d = (int(g) for g in match.groups())
    try:
        day = dt.date(y, m, d)
    except ValueError as exc:
        reason = "月份应为 1–12" if not 1 <= m <= 12 else f"{y} 年 {m} 月没有 {d} 日"
        raise ValidationError("date_impossible", field=field, value=raw, reason=reason) from exc
    if yearless:
        _YEARLESS.add(day)
    else:
        _YEARLESS.discard(day)
    return day


# --- money ----------------------------------------------------------------------------------


MONEY_LIMIT = Decimal("10000000000")  # 100 亿元: more than any one resolution records


def money(value: str | Decimal | None, field: str) -> Decimal | None:
    """Yuan as an exact Decimal with at most two places (never a float).

    Accepted: ``12345.67``, ``12,345.67`` (thousands separators in their places), ``¥12,345.67``,
    ``500元``, ``1.2万`` and ``1,234.5万`` (元), ``.5`` and ``5.``, full-width digits. Refused:
    signs (``-0`` too: said to be negative), exponents, misplaced separators, more than two
    decimals (six before 万), amounts of 100 亿 or more. A refused value is quoted as typed
    (``AsTyped``: a figure, not a phone number).
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    raw = str(value)
    clean = normalize(raw).replace("，", ",").replace("¥", "").replace("￥", "")
    clean = clean.removesuffix("元").strip()
    sign = re.match(r"[-－−‐–]\s*", clean)
    if sign is not None:  # a refund or a typo: not what was spent
        key = "money_invalid" if _yuan(clean[sign.end() :]) is None else "money_negative"
        raise ValidationError(key, field=field, value=AsTyped(raw))
    amount = _yuan(clean)
    if amount is None:
        raise ValidationError("money_invalid", field=field, value=AsTyped(raw))
    if amount >= MONEY_LIMIT:
        raise ValidationError("money_too_large", field=field, value=AsTyped(raw))
    return amount.quantize(Decimal("0.01"))


# a number as money is written: digits, or thousands separated by commas in their places, then
# maybe a point and decimals (``5.``, ``.5``: either part may be left out, not both)
_MONEY = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d*))?")


def _yuan(text: str) -> Decimal | None:
    """``text`` (no sign, no ¥ or 元) as yuan, ``万`` after it for ten thousand yuan, or
    ``None``: no amount, or one with more than two decimal places (six before 万)."""
    wan = text.endswith("万")  # 1.2万 (元): ten thousand yuan, as ledgers often write money
    if wan:
        text = text.removesuffix("万").strip()
    found = _MONEY.fullmatch(text)
    if found is None:
        return None
    whole, places = found.group(1), found.group(2)
    if whole is None and not places:  # nothing, or a point alone
        return None
    if places is not None and len(places) > (6 if wan else 2):
        return None
    amount = Decimal(f"{(whole or '0').replace(',', '')}.{places or '0'}")
    if wan:
        amount *= 10000
        if amount != amount.quantize(Decimal("0.01")):
            return None
    return amount


def to_fen(amount: Decimal | None) -> int | None:
    return None if amount is None else int(amount * 100)


def from_fen(fen: int | None) -> Decimal | None:
    return None if fen is None else (Decimal(fen) / 100).quantize(Decimal("0.01"))


# --- numbers of people and enterprises ------------------------------------------------------


def _is_masked(value: str) -> bool:
    return "*" in value


_PHONE_SEPARATORS = re.compile(r"[\s\-()（）]")
_PHONE_PREFIX = re.compile(r"^(\+?86|0086)(?=1[0-9]{10}$)")
_PHONE = re.compile(r"1[3-9][0-9]{9}")  # 13–19: no mobile number begins 10, 11 or 12
_WHITESPACE = re.compile(r"\s")
_ID_FORMAT = re.compile(r"[0-9]{17}[0-9X]")


def _bad(clean: str, mask: Callable[[str], str | None]) -> str | None:
    """A bad number as a message quotes it: masked, unless it holds too few digits to be
    anybody's number (``11位手机号``: words, shown as written, or nothing would be seen); one
    of seven characters keeps its first three (``053****``: all stars showed no typo)."""
    if sum(ch.isdigit() for ch in clean) < 7:
        return clean
    return clean[:3] + "*" * (len(clean) - 3) if len(clean) <= 7 else mask(clean)


def _no_words(clean: str, raw: str, field: str) -> None:
    """Refuse words in a number's place (``无``, ``暂无``, ``不详``, ``—``): said as written,
    with the advice to leave the cell empty (masked, they showed as ``**``)."""
    if not any(ch.isdigit() for ch in clean):
        raise ValidationError("number_is_words", field=field, value=raw.strip())


# a fixed line with its area code, separators dropped: 010 and 020–029 have three digits, every
# other area code four (0539); the local number seven or eight (0539-8123456, 010-65123456)
_LANDLINE = re.compile(r"(010|02[0-9]|0[3-9][0-9]{2})([2-9][0-9]{6,7})")
_LANDLINE_LOCAL_01 = re.compile(r"(010|02[0-9]|0[3-9][0-9]{2})[01][0-9]{6,7}")


def phone(value: str | None, field: str = "手机号码", *, landline: bool = False) -> str | None:
    """A mainland mobile number: 11 digits starting with 1 (+86 and separators dropped).
    ``landline``: a fixed line with its area code is one too, kept as ``0539-8123456`` (a
    village committee or a company is often reached only so)."""
    if type(value) is str and len(value) == 11 and _PHONE.fullmatch(value):
        return value  # the usual cell: what the steps below give for it
    if value is None or not str(value).strip():
        return None
    raw = str(value)
    clean = _PHONE_SEPARATORS.sub("", normalize(raw))
    if _is_masked(clean):
        raise ValidationError("id_masked", field=field, value=raw)
    _no_words(clean, raw, field)
    # [0-9], not \d: other scripts' digits (١٣٨…) are no phone number to dial
    clean = _PHONE_PREFIX.sub("", clean)
    if _PHONE.fullmatch(clean):
        return clean
    if not landline:
        raise ValidationError("phone_invalid", field=field, value=_bad(clean, mask_phone) or raw)
    fixed = _LANDLINE.fullmatch(clean)
    if fixed is None:
        # an area code and a local number of the right length that begins 0 or 1: said so
        key = "tel_local_start" if _LANDLINE_LOCAL_01.fullmatch(clean) else "tel_invalid"
        raise ValidationError(key, field=field, value=_bad(clean, mask_phone) or raw)
    return f"{fixed[1]}-{fixed[2]}"


_SCIENTIFIC = re.compile(r"[+-]?\d+(?:\.\d+)?E[+-]?\d+")  # upper case: ``clean`` is


def id_number(
    value: str | None,
    field: str = "身份证号码",
    *,
    gender: str | None = None,
    today: dt.date | None = None,
    notes: list[str] | None = None,
) -> str | None:
    """A resident identity number (GB 11643), checked with python-stdnum's ``cn.ric``.

    The check digit and birth date must hold, and the gender (17th digit) must agree with
    ``gender`` when given. An area code that python-stdnum does not know for the birth year is
    accepted with a note: real cards carry retired and later-created codes (stdnum issue #442).
    """
    if value is None or not str(value).strip():
        return None
    raw = str(value)
    if len(raw) == 18 and _ID_FORMAT.fullmatch(raw):
        clean = raw  # the usual cell: NFKC, blanks and case leave it as it is
    else:
        clean = _WHITESPACE.sub("", normalize(raw)).upper()
        if re.fullmatch(r"\d{6}-\d{8}-\d{3}[\dX]", clean):  # written in its parts: area-birth-rest
            clean = clean.replace("-", "")
    if _is_masked(clean):
        raise ValidationError("id_masked", field=field, value=raw)
    _no_words(clean, raw, field)
    if len(clean) != 18:
        if _SCIENTIFIC.fullmatch(clean):  # copied from an Excel cell showing 3.70102E+17
            raise ValidationError("id_scientific", field=field, value=clean)
        raise ValidationError(
            "id_length", field=field, value=_bad(clean, mask_id), length=len(clean)
        )
    # ASCII digits only: str.isdigit() also takes ² and other scripts' digits, which int() refuses
    if not _ID_FORMAT.fullmatch(clean):
        raise ValidationError("id_format", field=field, value=_bad(clean, mask_id))
    expected = _check_digit(clean)
    if clean[17] != expected:
        if clean.endswith("000"):  # Excel keeps 15 digits of a number: the last three became 0
            raise ValidationError("id_excel_zeros", field=field, value=mask_id(clean))
        raise ValidationError("id_checksum", field=field, value=mask_id(clean), expected=expected)
    birth_text = f"{clean[6:10]}-{clean[10:12]}-{clean[12:14]}"
    try:  # what ``ric.get_birth_date`` does, without compacting the number a second time
        birth = dt.date(int(clean[6:10]), int(clean[10:12]), int(clean[12:14]))
    except ValueError:
        raise ValidationError(
            "id_birth", field=field, value=mask_id(clean), birth=birth_text
        ) from None
    if birth.year < 1900 or (today is not None and birth > today):
        raise ValidationError("id_birth", field=field, value=mask_id(clean), birth=birth_text)
    if gender is not None:
        id_gender = "male" if int(clean[16]) % 2 == 1 else "female"
        if id_gender != gender:
            from sanlian.i18n.labels import GENDER

            raise ValidationError(
                "id_gender",
                field=field,
                value=mask_id(clean),
                id_gender=GENDER[id_gender],
                gender=GENDER.get(gender, gender),
            )
    if notes is not None and not _area_known(clean):
        notes.append(area_note(clean))
    return clean


def area_note(number: str) -> str:
    """The hint ``id_number`` gives for a valid ``number`` whose area code python-stdnum's
    table of divisions does not hold."""
    from sanlian.i18n.messages import render

    return render("note_area_code", value=mask_id(number), area=number[:6])


def _check_digit(number: str) -> str:
    """GB 11643's check digit of an 18-character number (python-stdnum's
    ``cn.ric.calc_check_digit``, without importing it for every number)."""
    checksum = (1 - 2 * int(number[:-1], 13)) % 11
    return "X" if checksum == 10 else str(checksum)


# Whether python-stdnum's table of administrative divisions holds an area code at all, in any
# period. An ID number keeps the code of the place where it was first given out, which is often
# a division made after its holder was born (370102 历下区, from 1983, on the cards of people
# born before): judged against the birth year, as ``ric.get_birth_place`` does, most adults'
# valid numbers were hinted at. A code the table never held is worth a second look. Its lookup
# reads and splits its table entry every time, so each code is asked once.
_AREA_KNOWN: dict[str, bool] = {}
_AREA_KNOWN_LIMIT = 200_000  # codes remembered at the most (there are a few thousand)


def _area_known(number: str) -> bool:
    """Whether python-stdnum's table holds the area code of ``number``, in any period."""
    code = number[:6]
    known = _AREA_KNOWN.get(code)
    if known is None:
        from stdnum import numdb

        parts = numdb.get("cn/loc").info(code)
        known = any("county" in props for _part, props in parts)
        if len(_AREA_KNOWN) >= _AREA_KNOWN_LIMIT:
            _AREA_KNOWN.clear()
        _AREA_KNOWN[code] = known
    return known


def gender_of_id(number: str) -> str:
    return "male" if int(number[16]) % 2 == 1 else "female"


def uscc(value: str | None, field: str = "统一社会信用代码") -> str | None:
    """A unified social credit code (GB 32100), checked with python-stdnum's ``cn.uscc``."""
    if value is None or not str(value).strip():
        return None
    from stdnum.cn import uscc as std_uscc
    from stdnum.exceptions import InvalidChecksum, InvalidLength
    from stdnum.exceptions import ValidationError as StdnumError

    from sanlian.i18n.messages import render

    raw = str(value)
    try:
        return str(std_uscc.validate(normalize(raw)))
    except InvalidLength:
        reason = render("uscc_reason_length")
    except InvalidChecksum:
        reason = render("uscc_reason_checksum")
    except StdnumError:
        reason = render("uscc_reason_format")
    raise ValidationError("uscc_invalid", field=field, value=raw, reason=reason)


# --- masking --------------------------------------------------------------------------------


def mask_id(value: str | None) -> str | None:
    """``370102********1234``: the area code and the last four stay."""
    if not value:
        return value
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


# An ID number or a mobile number inside other text (a value in the wrong column, a name
# typed as a number): not inside a longer run of digits.
_ID_IN_TEXT = re.compile(r"(?<![0-9])([0-9]{6})[0-9]{8}([0-9]{3}[0-9Xx])(?![0-9A-Za-z])")
_DASHED_ID_IN_TEXT = re.compile(r"(?<![0-9])[0-9]{6}-[0-9]{8}-[0-9]{3}[0-9Xx](?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<![0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})(?![0-9])")
_SIX_DIGITS = re.compile(r"[0-9]{6}")


def mask_numbers_in(text: str) -> str:
    """``text`` with every ID or mobile number in it masked as ``mask_id``/``mask_phone`` do.
    An ID number is one whose birth date is a day and whose check digit is right: an
    all-digit credit code or another long number is left as written."""
    if len(text) < 11 or not _SIX_DIGITS.search(text):  # what every pattern below begins with
        return text
    text = _ID_IN_TEXT.sub(_masked_id, text)
    if "-" in text:  # written in its parts, as ``id_number`` reads it: 371302-19950606-2116
        text = _DASHED_ID_IN_TEXT.sub(_masked_id, text)
    return _MOBILE_IN_TEXT.sub(lambda m: f"{m[1]}****{m[2]}", text)


# ID-number-like (18 characters, or the old 15 digits) and mobile-like (11 digits, maybe after
# +86) runs in free text, after ``fold_digits``; a space or a dash may stand between digits.
# between two digits: spaces, dots, dashes, escapes, brackets, a line break (a number split
# over two lines of a diary)
_SEP = r"[ .\\\-()\r\n]{0,3}"
_LOOSE_ID = re.compile(
    rf"(?<![0-9*])(?:[0-9](?:{_SEP}[0-9]){{16}}{_SEP}[0-9Xx]|[0-9](?:{_SEP}[0-9]){{14}})"
    r"(?![0-9])"
)
_LOOSE_PHONE = re.compile(rf"(?<![0-9+*])(?:\+?86{_SEP})?1(?:{_SEP}[0-9]){{10}}(?![0-9])")
# As a number is written in prose: its first three digits together (138 1234 5678, (139)1234-5678),
# not eleven digits any separators apart (the 1 of 第1期 and a date after it).
_WRITTEN_PHONE = re.compile(
    rf"(?<![0-9+*])(?:\+?86{_SEP})?(?:\(|（)?1[3-9][0-9](?:{_SEP}[0-9]){{8}}(?![0-9])"
)
_LOOSE_SEPARATORS = re.compile(r"[ .\\\-()\r\n]")
_ANY_DIGIT = re.compile(r"[0-9\uff10-\uff19]")
# Full-width digits, letters X and dots, every kind of space (a no-break space from Word, a
# zero-width one) and dash (as an input method or a pasted text has them) as ASCII.
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
_SPACES += "\u200b\u2028\u2029\u202f\u205f\u3000\ufeff\t"
_FOLD = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        **dict.fromkeys(_SPACES, " "),
        **dict.fromkeys("－‐‑‒–—―−﹘﹣", "-"),
        "Ｘ": "X",
        "ｘ": "x",
        "．": ".",
        "（": "(",
        "）": ")",
    }
)


def fold_digits(text: str) -> str:
    """``text`` with full-width digits, X, spaces and dashes made ASCII (same length)."""
    return text.translate(_FOLD)


def masked_number(kind: str, digits: str) -> str:
    """``digits`` (an ID number for ``kind`` "id", else a mobile, maybe after +86) masked."""
    if kind == "id":
        return str(mask_id(digits) or "")
    for prefix in ("+86", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            return prefix + str(mask_phone(digits[len(prefix) :]))
    return str(mask_phone(digits) or "")


# Fields a clerk writes in his own words (a diary, a note, a problem, a household's needs or
# address, a title, a contact): an ID or mobile number written in one is shown masked unless
# --reveal (``mask_numbers_anywhere``), and a text holding such a number only masked is not
# written over it (``number_masked_in``).
FREE_TEXT_FIELDS = frozenset(
    {"diary", "note", "text", "needs", "address", "title", "topic", "contact"}
)


def number_masked_in(old: str, new: str) -> str | None:
    """A number written in ``old`` that ``new`` holds only masked, as the screen shows it (a
    diary copied from ``visit show``, mended and pasted back; a listing written to a file,
    edited and imported): the masked number, else ``None``. Writing ``new`` would lose the
    number. A number kept whole in ``new`` (however written) is not lost, masked beside it
    or not."""
    if "*" not in new:
        return None
    kept = {digits for _s, _e, digits, _m in _number_spans(new, loose=False)}
    for _s, _e, digits, masked in _number_spans(old, loose=False):
        if digits not in kept and masked in new:
            return masked
    return None


def holds_number(text: str) -> bool:
    """Whether an ID or mobile number is written in ``text`` (``mask_numbers_anywhere`` would
    mask something)."""
    return bool(_number_spans(text, loose=False))


def erase_numbers(text: str) -> str:
    """``text`` with every ID or mobile number in it (as ``mask_numbers_anywhere`` finds
    them) taken out: what ``--purge`` leaves of a person's note."""
    out, at = [], 0
    for start, end, _digits, _masked in _number_spans(text, loose=False):
        out += [text[at:start], "（号码已清除）"]
        at = end
    return "".join(out) + text[at:] if out else text


# what a clerk or a section writes in a cell to say there is nothing (无, 暂无, /, —), after
# blanks and a closing full stop are taken off and full-width forms folded (``says_none``)
NOTHING_WRITTEN = frozenset(
    {"无", "暂无", "没有", "无内容", "空", "略", "/", "\\", "-", "--", "—", "——", "、", "n/a", "na",
     "none", "null", "nil"}
)  # fmt: skip


def says_none(text: str) -> bool:
    """Whether free text only says that there is none (a diary cell filled with 无, （无）,
    n / a, / or …)."""
    import unicodedata

    folded = "".join(unicodedata.normalize("NFKC", text).lower().split())
    while len(folded) > 1 and folded[0] + folded[-1] in ("()", "[]", "【】"):
        folded = folded[1:-1]  # （无） (full-width brackets are folded to these)
    folded = folded.rstrip("。.")
    return folded in NOTHING_WRITTEN or not folded.strip("…-—、/\\~")


def quoted_short(text: str, most: int) -> str:
    """Free text as a line quotes it: its blanks and line breaks one space, its ID and mobile
    numbers masked, at most ``most`` characters (cut with …)."""
    line = mask_numbers_anywhere(" ".join(text.split()))
    return line if len(line) <= most else line[: most - 1] + "…"


def mask_numbers_anywhere(text: str, *, loose: bool = False) -> str:
    """Free text with every ID-number-like and mobile-like run masked, however it is written:
    full-width digits, spaces, dashes or dots inside the run, +86 before it; the rest stays as
    typed. Looser than ``mask_numbers_in`` (an ID number's check digit unchecked): for what
    is shown or published, not for reading a value. An ID number is taken where its birth
    date is a date (``_born``) and a mobile number where its first three digits stand
    together, so that dates, credit codes and landlines in prose are left as written;
    ``loose`` (a command line, the shell's history: nothing to lose by masking too much) takes
    any eighteen characters and eleven digits from a 1, whatever stands between them."""
    spans = _number_spans(text, loose=loose)
    if not spans:
        return text
    out, at = [], 0
    for start, end, _digits, masked in spans:
        out += [text[at:start], masked]
        at = end
    return "".join(out) + text[at:]


def _number_spans(text: str, *, loose: bool) -> list[tuple[int, int, str, str]]:
    """The ID and mobile numbers in ``text`` (``mask_numbers_anywhere``): where each stands,
    its digits and how it is shown masked, in order."""
    if _ANY_DIGIT.search(text) is None or len(_ANY_DIGIT.findall(text)) < 11:
        return []  # no run could be long enough (most prose has no digit: searched first)
    folded = fold_digits(text)
    spans: list[tuple[int, int, str, str]] = []
    phone = _LOOSE_PHONE if loose else _WRITTEN_PHONE
    # a file's name (sanlian's backups: sanlian-2025-20261201-035649-manual.db) is looked at
    # as prose is, even where ``loose``: else shown as a file that does not exist
    files = [m.span() for m in _FILE_NAME.finditer(folded)] if loose else []
    for kind, pattern in (("id", _LOOSE_ID), ("phone", phone)):
        for found in pattern.finditer(folded):
            start, end = found.span()
            if any(s < end and start < e for s, e, _d, _m in spans):
                continue
            written = found.group(0)
            digits = _LOOSE_SEPARATORS.sub("", written)
            strict = not loose or any(s <= start and end <= e for s, e in files)
            if kind == "id" and strict and not _born(digits, written):
                continue
            if kind == "phone" and strict and not _WRITTEN_PHONE.fullmatch(written):
                continue
            spans.append((start, end, digits.upper(), masked_number(kind, digits)))
    return sorted(spans)


# a file's name as a message or a command line writes it: up to its suffix, no blank inside
_FILE_NAME = re.compile(
    r"[^\s“”\"'‘’（）()，,：:；;。]+\.(?:db|sqlite3?|xlsx|xls|csv|docx|json|md|txt)(?![A-Za-z0-9])",
    re.IGNORECASE,
)


def _born(digits: str, written: str) -> bool:
    """Whether an ID-number-like run in free text has a birth date where an ID number has it
    (its check digit unchecked: a mistyped number is masked too). Not a credit code of
    digits, nor dates or a landline and its extension written with dashes (the old 15-digit
    number is taken only when written without separators: ``2024.1.15-2024.12.20`` is
    fifteen digits)."""
    if len(digits) == 15:
        if written != digits:
            return False
        year, month, day = 1900 + int(digits[6:8]), digits[8:10], digits[10:12]
    else:
        year, month, day = int(digits[6:10]), digits[10:12], digits[12:14]
        if not 1900 <= year <= 2099:
            return False
    try:
        dt.date(year, int(month), int(day))
    except ValueError:
        return False
    return True


def _masked_id(found: re.Match[str]) -> str:
    number = found[0].replace("-", "")
    return str(mask_id(number)) if _looks_like_id(number.upper()) else found[0]


def _looks_like_id(number: str) -> bool:
    """An 18-character number with a birth date that is a day and a right check digit."""
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return 1900 <= birth.year <= 2100 and number[17] == _check_digit(number)


def mask_phone(value: str | None) -> str | None:
    """``138****5678``."""
    if not value:
        return value
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
