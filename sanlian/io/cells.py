"""What a cell holds, as the clerk meant it.

Excel changes what clerks type: a phone number becomes the float 13812345678.0, an ID number
becomes 3.70102E+17 (its last digits gone), a date becomes a date cell, full-width digits typed
with a Chinese input method stay full-width. These helpers undo what can be undone and make
visible what cannot.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

Cell = str | dt.date | None  # text, a date (or datetime) cell, or nothing


class ExcelError(str):
    """A cell that holds one of Excel's error values (``#N/A``, ``#REF!``, ``#VALUE!``,
    ``#DIV/0!`` …: a formula that failed, a VLOOKUP that found nothing). python-calamine reads
    it as an empty cell (dimastbk/python-calamine#105); ``readers`` finds it in the sheet's
    XML, and the import refuses it rather than take the row without what the formula should
    have given."""

    __slots__ = ()


class NoResult(ExcelError):
    """A cell holding a formula saved without its result (a workbook written by a program
    other than Excel or WPS, never opened and saved there): python-calamine reads it as an
    empty cell; the import refuses it rather than take the row without what the formula
    would give. Its text is the formula (``=A2&B2``); a file of bad rows writes it as text."""

    __slots__ = ()


# What Excel (and WPS) show for a failed formula, and write into a CSV file as the cell's text.
EXCEL_ERRORS = frozenset(
    {
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#EXTERNAL!",
        "#PYTHON!",
    }
)


def excel_error(text: str) -> ExcelError | None:
    """``text`` as the error value it spells, all of it (``#N/A``, `` #REF! ``), as a CSV file
    saved by Excel holds one (a workbook keeps it as a cell of its own type: ``readers``); else
    ``None``: ``#N/A 查无此人`` is text, and so is ``\t#N/A``, as ``guard_excel`` writes a text
    Excel would read as an error. Worth calling for a text that holds ``#``."""
    bare = text.strip(" ")
    return ExcelError(bare) if bare in EXCEL_ERRORS else None


# Full-width digits and letters (U+FF10… U+FF5A) and the ideographic space, folded to ASCII.
# Full-width punctuation is kept: clerks want their ，and 。 in prose.
_WIDTH = {0x3000: " "}
_WIDTH.update({0xFF10 + i: chr(0x30 + i) for i in range(10)})
_WIDTH.update({0xFF21 + i: chr(0x41 + i) for i in range(26)})
_WIDTH.update({0xFF41 + i: chr(0x61 + i) for i in range(26)})
_FOLD = str.maketrans(_WIDTH)

SCIENTIFIC = re.compile(r"^[+-]?\d+(?:\.\d+)?[eE][+-]?\d+$")
_INTEGRAL = re.compile(r"^([+-]?\d+)\.0+$")
# Excel holds 15 significant digits: from 10**15 on, an integer stored as a number may have lost
# some (an 18-digit ID number always has).
EXACT_LIMIT = 10**15


def fold_width(text: str) -> str:
    """Full-width digits, letters and spaces to ASCII; everything else as it is."""
    return text.translate(_FOLD)


def from_excel(value: Any) -> Cell:
    """A value python-calamine read, as text (or a date); ``None`` for an empty cell.

    Integral floats lose their ``.0`` (13812345678.0 → ``13812345678``); a number too large
    for Excel to hold exactly is shown the way Excel shows it (``3.70102E+17``), so that the
    importer can refuse it in a number column with the reason.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.timedelta):
        return str(value)
    text = str(value)
    return text if text.strip() else None


def number_text(value: float) -> str:
    # a whole number Excel holds exactly first: the usual one (a phone number, a count; a
    # sheet of 100,000 households has 200,000 of them)
    if value.is_integer() and -EXACT_LIMIT < value < EXACT_LIMIT:
        return str(int(value))
    if value != value or value in _INFINITIES:
        return str(value)
    if abs(value) >= EXACT_LIMIT:
        return f"{value:.6G}"  # as Excel's General format shows it: 3.70102E+17
    return f"{value:.15G}"


_INFINITIES = (float("inf"), float("-inf"))


# A date Excel stores as its day number (a date column formatted as 常规 or 数值): 46150, or
# 46150.0 from a cell formatted as a number. Eight digits are a compact date (20260603); a
# leading zero (0603) or one or two digits before a dot (6.3) a month and day: none of them is
# read as a day number.
_SERIAL = re.compile(r"^[1-9]\d{2,6}(?:\.\d+)?$")
EXCEL_EPOCH = dt.date(1899, 12, 30)  # day 0 of Excel's 1900 system, its 1900-02-29 bug included
SERIAL_MIN, SERIAL_MAX = 20000, 80000  # 1954-10-03 … 2119-01-11


def excel_serial(text: str) -> float | None:
    """The number ``text`` holds when it looks like an Excel day number, else ``None``."""
    clean = fold_width(text).strip()
    return float(clean) if _SERIAL.match(clean) else None


def serial_date(number: float) -> dt.date | None:
    """The date an Excel day number stands for (its time of day dropped), or ``None`` when the
    number is outside the years a campaign record could be dated in."""
    if not SERIAL_MIN <= number <= SERIAL_MAX:
        return None
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


def digits_text(text: str) -> str:
    """A number column read as text: ``13812345678.0`` → ``13812345678`` (CSV saved by Excel)."""
    match = _INTEGRAL.match(text)
    return match.group(1) if match else text


def looks_scientific(text: str) -> bool:
    return bool(SCIENTIFIC.match(text.strip()))


def display(value: Any) -> str:
    """A cell as it is shown back to the clerk in a report."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# --- formulas in CSV --------------------------------------------------------------------------
#
# Excel (and WPS, LibreOffice) reads a CSV cell that starts with = + - or @ as a formula: a
# household named -王秀英 or a note "+86 138…" shows #NAME?, which is what Excel then saves,
# and "=HYPERLINK(…)" typed by anyone becomes a link in the clerk's sheet. Every CSV sanlian
# writes puts an apostrophe before such a text (Excel's own mark for "this is text"), and every
# CSV it reads takes one off again, so that export → Excel → import gives the value back, the
# apostrophe shown by Excel or not. A text that starts with apostrophes and then one of those
# characters gets one more, so that it too comes back as it was. Numbers (-12.50, +5) are
# numbers to Excel as well and are left as they are, as is a lone - or +.
_FORMULA = re.compile(r"'*[=+\-@]")
_SIGNED_NUMBER = re.compile(r"[+-]\d[\d,]*(?:\.\d+)?")
_GUARDED = re.compile(r"'+[=+\-@]")
# whether any cell of a row (joined by \x1f) needs a look: one search a row, not a call a cell
_ROW_FORMULA = re.compile(r"(?:^|\x1f)['=+\-@]")
_ROW_GUARDED = re.compile(r"(?:^|\x1f)'+[=+\-@]")


def guard_formula(text: str) -> str:
    """``text`` as written to a CSV cell: an apostrophe before a text Excel would read as a
    formula (``=1+2`` → ``'=1+2``; ``'=x`` → ``''=x``); anything else as it is."""
    if len(text) > 1 and _FORMULA.match(text) and not _SIGNED_NUMBER.fullmatch(text):
        return "'" + text
    return text


# --- text that Excel would read as something else ----------------------------------------------
#
# Excel (and WPS) opening a CSV reads 5-3, 3/12, 2026/3/5 and 3月5日 as dates, 01 as 1, 1E5 as
# 100000, 3.50 as 3.5, 1,234 as 1234, (5) as -5 and a long number in scientific notation with
# its last digits lost; saved again, the file holds the date or number, and a household's
# address 5-3 comes back from export → Excel → import as 2026/5/3. Such a text is written
# after a tab, the usual way to keep Excel from reading it (readers strip it again).
_EXCEL_READS = re.compile(
    r"\s*(?:"
    r"\d{1,4}\s*[-/]\s*\d{1,2}(?:\s*[-/]\s*\d{1,4})?"  # dates: 5-3, 3/12, 2026/3/5, 3/5/2026
    r"|(?:\d{2,4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日|\d{2,4}\s*年\s*\d{1,2}\s*月"  # 3月5日
    r"|(?i:\d{1,2}[-/ ]_M|_M[-/ ]\d{1,4})"  # 5-Mar, Mar-5
    r"|0\d+(?:\.\d*)?"  # a leading zero: 01, 007
    r"|\d{12,}"  # more digits than Excel shows: an ID number, a bank account
    r"|[+-]?\d*\.?\d+[eE][+-]?\d+"  # 1E5, 3.7E+17
    r"|[+-]?\d+\.\d*0"  # 3.50, 2.0
    r"|[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?"  # 1,234
    r"|\(\s*\d+(?:\.\d+)?\s*\)"  # (5): -5 to Excel
    r")\s*".replace("_M", "(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*")
)

# the first characters of those texts: any other text is left without trying the pattern
_MAY_READ = frozenset("0123456789+-.( \u3000JFMASONDjfmasond")  # not \t: after one already


def guard_excel(text: str) -> str:
    """``text`` as written to a CSV cell for Excel: ``guard_formula``, or after a tab when
    Excel would read it as a date or a number other than itself (``5-3`` → ``\\t5-3``)."""
    guarded = guard_formula(text)
    if guarded is text and reads_otherwise(text):
        return "\t" + text
    return guarded


def reads_otherwise(text: str) -> bool:
    """Whether Excel reads ``text`` in a CSV as a date or a number other than itself, or as
    an error value (``#N/A``, which the import would refuse as one: ``excel_error``)."""
    if text[:1] in _MAY_READ and _EXCEL_READS.fullmatch(text) is not None:
        return True
    return "#" in text and excel_error(text) is not None


def guard_row(row: list[str]) -> list[str]:
    """``guard_formula`` of each cell (the row itself when none needs it, the usual case)."""
    if _ROW_FORMULA.search("\x1f".join(row)) is None:
        return row
    return [guard_formula(v) for v in row]


def unguard_row(row: list[str]) -> list[str]:
    """The cells of a CSV row as they were before ``guard_row``: one apostrophe off a cell that
    starts with apostrophes and then = + - or @ (the row itself when there is none)."""
    if _ROW_GUARDED.search("\x1f".join(row)) is None:
        return row
    return [v[1:] if _GUARDED.match(v) else v for v in row]


# --- text in markdown -------------------------------------------------------------------------

# The characters markdown (GitHub's, as the -f markdown tables are) reads as markup: a value
# <b>工业</b> lost its tags, &amp; became &, *重点* and `x` lost their marks, [点我](http://x)
# became a link; a backslash before each keeps the text as typed (CommonMark's own escape).
# The stars of a masked number (138****5678, 370102********1234) are left as they are: one
# run between digits shows as written, and the file stays readable as text.
_MARKDOWN = re.compile(r"(?<=\d)\*+(?=[\dXx])|([\\`*_\[\]<>&~|])")


def _escaped(found: re.Match[str]) -> str:
    mark = found.group(1)
    return found.group(0) if mark is None else "\\" + mark


def markdown_text(text: str) -> str:
    """``text`` as markdown that shows it as written (the line breaks are left to the caller:
    ``<br>`` in a table's cell, a space in a heading or a list item)."""
    return _MARKDOWN.sub(_escaped, text) if _MARKDOWN.search(text) else text


def markdown_line(text: str) -> str:
    """``markdown_text`` of ``text`` on one line (its lines joined by spaces): a heading's or
    a list item's, where a line break would end it (and a next line # … begin a heading)."""
    return markdown_text(" ".join(text.splitlines()) if "\n" in text or "\r" in text else text)
