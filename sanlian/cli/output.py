"""Rendering records and reports in every format: table, plain, markdown, csv, json.

``table`` is Rich on a terminal (tabulate when piped or long); ``plain`` and ``markdown`` are
tabulate with wide-character alignment; ``csv`` is UTF-8 with BOM so that Excel opens it; JSON
keeps English keys and stored values. ID and phone numbers are masked unless ``reveal``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import itertools
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from sanlian.reports.common import Records
from sanlian.services.validate import FREE_TEXT_FIELDS

if TYPE_CHECKING:
    from rich.console import Console

FORMATS = ("table", "plain", "markdown", "csv", "json")
SUFFIX_FORMAT = {
    ".csv": "csv",
    ".json": "json",
    ".md": "markdown",
    ".txt": "plain",
    ".xlsx": "xlsx",
}
# The characters of ordinary Chinese text whose terminal width ``wcwidth`` gives as 1 (printable
# ASCII and the punctuation · — ‘ ’ “ ” …) or 2 (CJK ideographs, CJK and full-width punctuation):
# ``text_width`` counts these without a Python call per character (tests/test_output_width.py
# checks every one of them against wcwidth).
NARROW_CHARS = "\x20-\x7e\u00b7\u2014\u2018\u2019\u201c\u201d\u2026"
WIDE_CHARS = "\u3000-\u3029\u3030-\u303e\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff60\uffe0-\uffe6"
_ORDINARY_TEXT = re.compile(f"[{NARROW_CHARS}{WIDE_CHARS}]*")
_NARROW_RUNS = re.compile(f"[{NARROW_CHARS}]+")
# On a terminal a listing is the text table, folded to the screen's width when it is wider
# (``cli.fold``); past ``SCREEN_ROW_LIMIT`` rows only the first are shown, with the count and how
# to see them all (a file, or ``-f plain``), and past ``COUNT_ROWS`` rows it ends with the count.
COUNT_ROWS = 200
SCREEN_ROW_LIMIT = 1000


@dataclass(frozen=True)
class Col:
    key: str
    label: str
    enum: Mapping[str, str] | None = None
    kind: str = "text"  # text bool money date id phone
    fmt: Callable[[Any], str] | None = None
    screen: bool = True  # False: left out of a table on a terminal (kept in files and json)


def is_sensitive(key: str) -> str | None:
    if key.endswith("id_number"):
        return "id"
    if key.endswith("phone"):
        return "phone"
    return None


def holds_numbers(key: str) -> bool:
    """Whether the values under ``key`` are masked unless ``reveal``: a number field, or free
    text in which a number may be written."""
    return key in FREE_TEXT_FIELDS or is_sensitive(key) is not None


@functools.cache
def _masker(key: str) -> Callable[[Any], Any] | None:
    """How a text under ``key`` is masked (an ID number, a phone number, numbers in free
    text), or ``None``: decided once a key, not for every value of every row (5,000 cadres'
    13 fields each took 0.25 s at city scale)."""
    from sanlian.services.validate import mask_id, mask_numbers_anywhere, mask_phone

    kind = is_sensitive(key)
    if kind == "id":
        return mask_id
    if kind == "phone":
        return mask_phone
    if key in FREE_TEXT_FIELDS:
        return mask_numbers_anywhere
    return None


def mask_value(key: str, value: Any) -> Any:
    masker = _masker(key)
    if masker is not None and isinstance(value, str):
        return masker(value)
    return value


# values with nothing inside to mask: passed as they are, without ``mask_record``'s type tests
_SCALARS = frozenset({str, int, float, bool, type(None), dt.date, dt.datetime, Decimal})


def mask_record(record: Any, reveal: bool) -> Any:
    """Mask every ID and phone number in a record (recursively)."""
    if reveal:
        return record
    if isinstance(record, Mapping):
        return {
            k: mask_value(k, v if type(v) in _SCALARS else mask_record(v, reveal))
            for k, v in record.items()
        }
    if isinstance(record, list):
        return [mask_record(v, reveal) for v in record]
    return record


def masked_rows(rows: Sequence[Mapping[str, Any]], reveal: bool) -> list[Mapping[str, Any]]:
    """``mask_record`` of each row, where it would change something: a row with no ID or
    phone number key, no free text and no record inside is passed as it is (a copy of each
    of a million visits took 600 MB). The rows are not changed."""
    if reveal:
        return list(rows)
    plain_keys: dict[tuple[str, ...], bool] = {}
    out: list[Mapping[str, Any]] = []
    for r in rows:
        keys = tuple(r)
        plain = plain_keys.get(keys)
        if plain is None:
            plain = plain_keys[keys] = not any(holds_numbers(k) for k in keys)
        if plain and not any(
            isinstance(v, Mapping | list) and _holds_record(v) for v in r.values()
        ):
            out.append(r)
        else:
            out.append(mask_record(dict(r), reveal))
    return out


def _holds_record(value: Any) -> bool:
    """Whether ``value`` (a mapping or list) has a mapping in it, at any depth."""
    if isinstance(value, Mapping):
        return True
    return any(isinstance(v, Mapping | list) and _holds_record(v) for v in value)


# the C encoder of a JSON string (``ensure_ascii=False``), as ``json`` itself uses it
_encode_str: Callable[[str], str] = json.encoder.encode_basestring


def json_default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, set | tuple):
        return list(value)
    if isinstance(value, Records):
        return value.as_list()
    raise TypeError(type(value).__name__)


def to_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=json_default)


def _json_scalar(value: Any) -> str | None:
    """``value`` as ``json.dumps`` writes it when it is a string, number, boolean or null."""
    if isinstance(value, str):
        return _encode_str(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        return float.__repr__(value)
    return None


def _json_key(key: Any) -> str:
    if isinstance(key, str):
        return _encode_str(key)
    if isinstance(key, bool | int | float) or key is None:
        return _encode_str(_json_scalar(key) or "")
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


# ``json.dumps``'s text of a value of exactly these types (a subclass, a float or anything else
# goes through ``_json_scalar`` or the nested path)
_PLAIN_TEXT: dict[type, Callable[[Any], str]] = {
    str: _encode_str,
    int: int.__repr__,
    bool: lambda value: "true" if value else "false",
    type(None): lambda value: "null",
}


def _record_writer(first: Any, level: int) -> Callable[[Any], str | None] | None:
    """For a list whose first item is a dict: a function giving an item as ``iter_json(item,
    level)`` writes it when it is a dict with the same keys in the same order and plain values
    (str, int, bool, None), through one text template (``_row_writer``), and None for any
    other item. None when the first item is no such dict."""
    if type(first) is not dict or not first:
        return None
    keys = tuple(first)
    row = _row_writer(keys, level)

    def write(item: Any) -> str | None:
        if type(item) is not dict or tuple(item) != keys:
            return None
        return row(item.values())

    return write


def _record_parts(keys: tuple[str, ...], level: int) -> list[str]:
    """The text ``iter_json`` writes for a record of ``keys`` at ``level`` around its values'
    JSON texts: before each value, then after the last."""
    inner = "\n" + "  " * (level + 1)
    before = [("{" if i == 0 else ",") + inner + _json_key(k) + ": " for i, k in enumerate(keys)]
    return [*before, "\n" + "  " * level + "}"]


@functools.cache
def _records_writer(
    keys: tuple[str, ...], level: int
) -> Callable[[Iterable[tuple[str, ...]]], list[str]]:
    """A function giving, for rows of the JSON texts of a record's values (of ``keys``, in
    their order), each record as ``iter_json`` writes it at ``level``. It is one f-string in
    a list comprehension, made here for these keys (as ``dataclasses`` makes its methods):
    the text around the values is bound as constants, so that only generated names are in
    the code; twice as fast as ``%`` with a template (71,000 alerts: 0.08 s, not 0.16 s)."""
    parts = _record_parts(keys, level)
    names = ", ".join(f"_v{i}" for i in range(len(keys)))
    text = "".join(f"{{_p{i}}}{{_v{i}}}" for i in range(len(keys))) + f"{{_p{len(keys)}}}"
    code = f"lambda rows: [f'{text}' for ({names},) in rows]"
    constants = {f"_p{i}": part for i, part in enumerate(parts)}
    made: Callable[[Iterable[tuple[str, ...]]], list[str]] = eval(code, constants)
    return made


def _row_writer(keys: tuple[str, ...], level: int) -> Callable[[Iterable[Any]], str | None]:
    """A function giving the record of ``keys`` holding these values (in their order) as
    ``iter_json`` writes it, through one text template, when they are plain (str, int, bool,
    None); else None."""
    template = "%s".join(p.replace("%", "%%") for p in _record_parts(keys, level))
    text = _PLAIN_TEXT

    def write(values: Iterable[Any]) -> str | None:
        if not keys:  # ``{}``, written as such
            return None
        try:
            return template % tuple([text[type(v)](v) for v in values])
        except KeyError:  # a value of another type
            return None

    return write


def _column_texts(values: Sequence[Any]) -> Iterable[str] | None:
    """The JSON texts of a column's values when all are plain (str, int, bool, None); else
    None. A column of strings only, or of integers only, is encoded by ``map`` over the C
    encoder, with no Python call per value."""
    kinds = set(map(type, values))
    if kinds <= {str}:
        return map(_encode_str, values)
    if kinds <= {int}:
        return map(int.__repr__, values)
    if not kinds <= _PLAIN_TEXT.keys():
        return None
    text = _PLAIN_TEXT
    return [text[type(v)](v) for v in values]


def _iter_records(data: Records, level: int) -> Iterator[str]:
    """``iter_json(data.as_list(), level)``, without making the dicts: when every column's
    values are plain, all the records in one piece, encoded a column at a time and made by
    one generated f-string (``_records_writer``; ``supervise`` at city scale: 71,000 alerts in
    about 0.3 s, where a value at a time took 0.5 s); else a record at a time, a record of
    values that are not plain written as its dict is."""
    if not len(data):
        yield "[]"
        return
    inner = "\n" + "  " * (level + 1)
    closing = "\n" + "  " * level + "]"
    texts = [_column_texts(column) for column in data.column_values()]
    if data.keys and None not in texts:
        records = _records_writer(data.keys, level + 1)(zip(*texts, strict=True))
        yield "[" + inner + ("," + inner).join(records) + closing
        return
    write = _row_writer(data.keys, level + 1)
    yield "["
    for i, values in enumerate(data.row_values()):
        yield inner if i == 0 else "," + inner
        text = write(values)
        if text is not None:
            yield text
        else:
            yield from iter_json(dict(zip(data.keys, values, strict=True)), level + 1)
    yield closing


def iter_json(data: Any, level: int = 0) -> Iterator[str]:
    """The pieces of ``to_json(data)``, exactly, in larger pieces than ``json``'s own encoder
    (which with an indent runs in Python, one piece per key and value): a mapping or list
    whose values are all plain is written in one piece, and a list of records (dicts with the
    same keys and plain values) one piece per record through one template (``supervise`` at
    city scale: 71,000 alerts, 0.24 s of encoding where the standard encoder took 1.5 s)."""
    text = _json_scalar(data)
    if text is not None:
        yield text
        return
    if type(data) is Records:
        yield from _iter_records(data, level)
        return
    if isinstance(data, Mapping):
        if not data:
            yield "{}"
            return
        inner = "\n" + "  " * (level + 1)
        keys = [_json_key(k) for k in data]
        values = [_json_scalar(v) for v in data.values()]
        if None not in values:
            parts = [f"{k}: {v}" for k, v in zip(keys, values, strict=True)]
            yield "{" + inner + ("," + inner).join(parts) + "\n" + "  " * level + "}"
            return
        yield "{"
        for i, (key, value, text) in enumerate(zip(keys, data.values(), values, strict=True)):
            yield (inner if i == 0 else "," + inner) + key + ": "
            if text is not None:
                yield text
            else:
                yield from iter_json(value, level + 1)
        yield "\n" + "  " * level + "}"
        return
    if isinstance(data, list | tuple):
        if not data:
            yield "[]"
            return
        inner = "\n" + "  " * (level + 1)
        record = _record_writer(data[0], level + 1)
        plain = None if record is not None else [_json_scalar(v) for v in data]
        if plain is not None and None not in plain:
            yield "[" + inner + ("," + inner).join(plain) + "\n" + "  " * level + "]"  # type: ignore[arg-type]
            return
        yield "["
        for i, value in enumerate(data):
            text = plain[i] if plain is not None else record(value) if record else None
            if text is not None:
                yield (inner if i == 0 else "," + inner) + text
            else:
                yield inner if i == 0 else "," + inner
                yield from iter_json(value, level + 1)
        yield "\n" + "  " * level + "]"
        return
    yield from iter_json(json_default(data), level)


def iter_json_items(items: Iterable[Any]) -> Iterator[str]:
    """The pieces of ``to_json(list(items))``, exactly, reading ``items`` as it goes (a listing
    of a million visits is never a list in memory)."""
    it = iter(items)
    first = next(it, _NO_ITEM)
    if first is _NO_ITEM:
        yield "[]"
        return
    record = _record_writer(first, 1)
    yield "["
    sep = "\n  "
    for value in itertools.chain((first,), it):
        text = record(value) if record is not None else _json_scalar(value)
        if text is not None:
            yield sep + text
        else:
            yield sep
            yield from iter_json(value, 1)
        sep = ",\n  "
    yield "\n]"


_NO_ITEM = object()


@contextlib.contextmanager
def file_in_place(
    output: Path, encoding: str = "utf-8", *, private: bool = False
) -> Iterator[TextIO]:
    """``output`` opened to write text, written under a temporary name beside it that takes its
    name once all is written: a listing stopped half-way (Ctrl-C, a full disk) leaves the file
    that was there, not half of a new one. A symbolic link keeps pointing at the file it names
    (which is the one replaced), and a file that was there keeps its permissions unless
    ``private`` (full ID or phone numbers: the owner's alone, ``io.new_part``). Where no file
    can be made in that folder but the file itself can be written, it is written in place, as
    before there were temporary files."""
    import os

    from sanlian.io import new_part, put_in_place

    not_the_database(output)  # (said before by every command that writes a file: the last guard)
    target = output.resolve() if output.is_symlink() else output
    try:
        part = new_part(target, private=private)
    except PermissionError:
        if private or not (target.is_file() and os.access(target, os.W_OK)):
            raise
        part = target
    if part != target and not private and target.is_file():
        with contextlib.suppress(OSError):
            os.chmod(part, target.stat().st_mode & 0o7777)
    try:
        with part.open("w", encoding=encoding, newline="") as fh:
            yield fh
    except BaseException:
        if part != target:
            part.unlink(missing_ok=True)
        raise
    put_in_place(part, target)


def emit_json(data: Any, output: Path | None) -> None:
    """``emit(to_json(data), output)``, written as it is encoded: a large report (``supervise``
    at city scale, 22 MB of JSON) is never one string, nor a list of its pieces, in memory."""
    emit_pieces(iter_json(data), output)


def cell(col: Col, value: Any) -> str:
    """A stored value as a person reads it."""
    if col.fmt is not None:
        return col.fmt(value)
    if value is None:
        return ""
    if col.enum is not None:
        return str(col.enum.get(value, value))
    if col.kind == "bool" or isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def text_width(text: str) -> int:
    """``wcwidth.wcswidth(text)``, the columns ``text`` takes in a terminal: for text of the
    characters above, its length plus one for each wide character; else wcwidth's own answer
    (which goes character by character in Python: 2 s for a 71,000-line city report)."""
    if _ORDINARY_TEXT.fullmatch(text):
        return len(text) + len(_NARROW_RUNS.sub("", text))
    from wcwidth import wcswidth

    return int(wcswidth(text))


class _Widths:
    """What tabulate asks of the ``wcwidth`` module: ``text_width`` in its place."""

    wcswidth = staticmethod(text_width)

    @staticmethod
    def wcwidth(char: str) -> int:
        return text_width(char)


def screen_rows(fmt: str | None, output: Path | None) -> int | None:
    """The rows a listing need read when it goes to a terminal as a table (``render_rows``
    shows ``SCREEN_ROW_LIMIT`` of them there): one more, to know whether there are more;
    ``None`` (every row) for a file, a pipe or another format."""
    if choose_format(fmt, output) == "table" and output is None and stdout_is_terminal():
        return SCREEN_ROW_LIMIT + 1
    return None


# the suffix that names each format of ``-f`` (what to rename the file to)
FORMAT_SUFFIX = {
    "table": ".txt",
    "plain": ".txt",
    "markdown": ".md",
    "csv": ".csv",
    "json": ".json",
}
TEXT_FORMATS = ("table", "plain", "markdown")  # each may go into a .txt or an .md file


def check_format(fmt: str | None, output: Path | None, *, documents: bool = False) -> None:
    """Refuse a format that the output file's suffix contradicts (``-f json -o 名单.csv``):
    the file would hold one thing under the name of another. A text format (table, plain,
    markdown) goes into a .txt or an .md file alike; ``documents``: the command writes .docx
    too (a report), so ``-f`` contradicts that suffix as well. Any other suffix is
    ``check_output``'s to refuse."""
    if not fmt or output is None:
        return
    suffix = output.suffix.lower()
    named = SUFFIX_FORMAT.get(suffix) or ("docx" if documents and suffix == ".docx" else None)
    if named is None or named == fmt or (named in TEXT_FORMATS and fmt in TEXT_FORMATS):
        return
    from sanlian.errors import ValidationError

    raise ValidationError(
        "output_format_suffix",
        fmt=fmt,
        name=output.name,
        suffix=output.suffix,
        fits=FORMAT_SUFFIX.get(fmt, f".{fmt}"),
    )


def choose_format(fmt: str | None, output: Path | None, default: str = "table") -> str:
    check_format(fmt, output)
    if fmt:
        return fmt
    if output is not None:
        return SUFFIX_FORMAT.get(output.suffix.lower(), "plain")
    return default


def tabulate_text(rows: Sequence[Mapping[str, Any]], cols: Sequence[Col], fmt: str) -> str:
    """The rows as tabulate's ``simple`` table (``plain``) or ``github`` table (``markdown``),
    every value as text. ``text_table`` writes it when every value is ordinary text (the usual
    case, and a hundred times faster at 200,000 rows); tabulate itself otherwise."""
    return table_text([c.label for c in cols], table_cells(rows, cols, fmt), fmt)


def table_cells(
    rows: Iterable[Mapping[str, Any]], cols: Sequence[Col], fmt: str
) -> list[list[str]]:
    """The cells of ``tabulate_text``'s table, one list of texts a row (``rows`` read once)."""
    shown = [(c.key, _cell_of(c)) for c in cols]
    if fmt == "markdown":  # a bar or a line break would end the cell, <b> … would be markup
        from sanlian.io.cells import markdown_text

        return [
            [markdown_text(text(r.get(k))).replace("\n", "<br>") for k, text in shown] for r in rows
        ]
    return [[_one_line(text(r.get(k))) for k, text in shown] for r in rows]


def table_text(headers: Sequence[str], table: Sequence[Sequence[str]], fmt: str) -> str:
    """``tabulate_text`` of the cells ``table_cells`` gave."""
    tablefmt = "github" if fmt == "markdown" else "simple"
    text = text_table(headers, table, tablefmt)
    if text is not None:
        return text
    import tabulate as tabulate_module
    from tabulate import tabulate

    if getattr(tabulate_module, "wcwidth", None) is not None:  # the same widths, faster
        setattr(tabulate_module, "wcwidth", _Widths)  # noqa: B010 (an untyped module global)
    return tabulate(table, headers=headers, tablefmt=tablefmt, disable_numparse=True)


def _cell_of(col: Col) -> Callable[[Any], str]:
    """``cell`` for the values of ``col``, quicker for a text column's text (as it is)."""
    if col.fmt is not None or col.enum is not None or col.kind == "bool":
        return functools.partial(cell, col)

    def text(value: Any) -> str:
        return value if type(value) is str else cell(col, value)

    return text


def _one_line(text: str) -> str:
    """``text``'s lines joined by spaces (printable ASCII has no line break to join)."""
    if text.isascii() and text.isprintable():
        return text
    return " ".join(text.splitlines())


TABULATE_MIN_PADDING = 2  # tabulate's ``MIN_PADDING``: a column is its header's width + 2
TABLE_BLOCK = 10_000  # rows padded at a time by ``text_table``


def text_table(headers: Sequence[str], table: Sequence[Sequence[str]], tablefmt: str) -> str | None:
    """``text_table_parts`` joined: the whole table as one text, or ``None``."""
    parts = text_table_parts(headers, table, tablefmt)
    return None if parts is None else "\n".join(parts)


def text_table_parts(
    headers: Sequence[str], table: Sequence[Sequence[str]], tablefmt: str
) -> Iterator[str] | None:
    """What ``tabulate(table, headers, tablefmt, disable_numparse=True)`` gives for
    ``simple`` or ``github``, written directly; ``None`` when a header or value holds a
    character outside ``_ORDINARY_TEXT`` (a control character, an escape sequence, a line
    break, a character whose width wcwidth alone knows), for which tabulate is asked.

    The rules followed, tabulate's (``tests/test_text_table.py`` compares the two on random
    tables): values are stripped, headers are not; a column is as wide as its widest value,
    and at least its header's width plus 2; every value is left-aligned and padded with
    spaces to the column's width (in terminal columns, wide characters counting 2); ``simple``
    separates columns by two spaces and strips each line's end, its rule under the header is
    of hyphens; ``github`` pads each cell by one space and puts bars around and between."""
    if not headers or tablefmt not in ("simple", "github"):
        return None
    ordinary = _ORDINARY_TEXT.fullmatch
    narrow = _NARROW_RUNS.sub
    widths = []
    for h in headers:
        if not (h.isprintable() if h.isascii() else ordinary(h)):
            return None
        widths.append(len(h) + len(narrow("", h)) + TABULATE_MIN_PADDING)
    count = len(headers)
    if any(len(values) != count for values in table):
        return None
    # column by column, each checked and measured in one go where it is ASCII (most are)
    columns: list[tuple[list[str], list[int]]] = []
    for i, column in enumerate(zip(*table, strict=True) if table else [()] * count):
        joined = " ".join(column)
        if joined.isascii():
            if not joined.isprintable():
                return None
            values = [v.strip() for v in column]
            sizes = list(map(len, values))
        else:
            if not ordinary(joined):  # the same as each value's being so (" " is ordinary)
                return None
            values = [v.strip() for v in column]
            sizes = [len(v) if v.isascii() else len(v) + len(narrow("", v)) for v in values]
        widths[i] = max(widths[i], max(sizes, default=0))
        columns.append((values, sizes))
    heads = [
        h + " " * (w - len(h) - len(narrow("", h))) for h, w in zip(headers, widths, strict=True)
    ]
    if tablefmt == "simple":
        lines = ["  ".join(heads).rstrip(), "  ".join("-" * w for w in widths)]
        start, join, end = "", "  ", ""
    else:  # github
        lines = ["| " + " | ".join(heads) + " |"]
        lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        start, join, end = "| ", " | ", " |"

    def parts() -> Iterator[str]:
        """The header's lines, then the rows' lines a block at a time, each a text of lines
        (joined by line breaks, they are the table)."""
        yield "\n".join(lines)
        for first in range(0, len(table), TABLE_BLOCK):  # padded a block at a time (memory)
            last = first + TABLE_BLOCK
            padded = [
                [
                    v + " " * (w - n)
                    for v, n in zip(values[first:last], sizes[first:last], strict=True)
                ]
                for (values, sizes), w in zip(columns, widths, strict=True)
            ]
            yield "\n".join(
                [(start + join.join(cells) + end).rstrip() for cells in zip(*padded, strict=True)]
            )

    return parts()


def csv_text(
    rows: Sequence[Mapping[str, Any]], cols: Sequence[Col], *, for_excel: bool = False
) -> str:
    """``for_excel`` (a .csv file): a text Excel would read as a date or another number is
    written after a tab (``io.cells.guard_excel``), as ``export`` writes it."""
    import csv
    import io

    from sanlian.io.cells import guard_row

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(guard_row([c.label for c in cols]))
    row = csv_row(cols, for_excel)
    for r in rows:  # =…, +…, -…, @… never read as a formula by Excel
        writer.writerow(row(r))
    return buf.getvalue()


def csv_cells(r: Mapping[str, Any], cols: Sequence[Col], for_excel: bool) -> list[str]:
    """A row's CSV cells: never a formula to Excel; ``for_excel``: a text as it is written
    (an ID number, a credit code, an address 5-3) is never a date or a number to it either."""
    return csv_row(cols, for_excel)(r)


def csv_row(cols: Sequence[Col], for_excel: bool) -> Callable[[Mapping[str, Any]], list[str]]:
    """``csv_cells`` for rows of ``cols``, the columns looked at once (a million rows)."""
    from sanlian.io.cells import guard_row, reads_otherwise

    shown = [(c.key, functools.partial(cell, c)) for c in cols]
    # the columns whose text is the stored text itself: those a clerk's text may fill
    as_written = [(i, c.key) for i, c in enumerate(cols) if c.fmt is None and c.enum is None]

    def row(r: Mapping[str, Any]) -> list[str]:
        out = guard_row([text(r.get(k)) for k, text in shown])  # never a formula
        if for_excel:
            for i, k in as_written:
                value = r.get(k)
                if type(value) is str and out[i] == value and reads_otherwise(value):
                    out[i] = "\t" + value  # never a date or another number to Excel
        return out

    return row


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def screen_console(*, stderr: bool = False) -> Console:
    """Rich's console for the screen. What it prints is the clerk's records, shown as written:
    never read as Rich markup (a section named ``[/]科`` stopped ``progress``, ``[red]办公室``
    lost its first word), emoji codes (``:phone:``) or Python values to colour; and
    measuring and drawing plain text is quicker."""
    from rich.console import Console

    return Console(stderr=stderr, markup=False, emoji=False, highlight=False)


def screen_table(
    rows: Sequence[Mapping[str, Any]], cols: Sequence[Col], width: int | None = None
) -> str:
    """``tabulate_text``'s plain table for a screen ``width`` columns wide (the terminal's
    when ``None``): folded to that width when wider, if the screen can keep its dates and
    numbers whole."""
    import shutil

    if width is None:
        width = shutil.get_terminal_size().columns
    headers = [c.label for c in cols]
    cells = table_cells(rows, cols, "plain")
    text = table_text(headers, cells, "plain")
    if all(text_width(line) <= width for line in text.splitlines()):
        return text
    from sanlian.cli.fold import folded_table

    folded = folded_table(headers, cells, width)
    # too narrow to keep dates and numbers whole: the lines as they are, for the terminal to
    # break, every column and character there
    return text if folded is None else "\n".join(folded)


def drop_empty(rows: Sequence[Mapping[str, Any]], cols: Sequence[Col]) -> list[Col]:
    """On a screen, columns that are empty in every row only take room."""
    if not rows:
        return list(cols)
    return [c for c in cols if any(cell(c, r.get(c.key)) for r in rows)]


def not_the_database(path: Path) -> None:
    """Refuse to write a file onto the database itself (a ledger kept as ``台账.xlsx`` and a
    listing written to that name: ``--force`` or not, the ledger would be gone)."""
    from sanlian.cli.context import state
    from sanlian.db.engine import is_url

    location = state().location
    if is_url(location):
        return
    if same_file(path, Path(location)):
        from sanlian.errors import ValidationError

        raise ValidationError("output_is_database", path=path)


def same_file(a: Path, b: Path) -> bool:
    """Whether ``a`` and ``b`` name one file (by their resolved paths, or as one file under
    two names: a hard link)."""
    import os

    first, second = a.expanduser(), b.expanduser()
    try:
        if first.resolve() == second.resolve():
            return True
        return os.path.samefile(first, second)
    except (OSError, RuntimeError):  # one of them missing, a loop of links
        return False


def keep_existing(path: Path, key: str, force: bool, **params: Any) -> None:
    """Refuse (``key``) to write over a file already at ``path`` unless ``force``: one the
    clerk may have filled in or edited since (a template, an export, a report); ``other``,
    the name to suggest instead, is the file's own with -2 after its stem (a hyphen: typed
    as it is, and not read as part of a number the name ends in, as 自查1215-2.docx)."""
    not_the_database(path)
    target = path.expanduser()
    if force or not (target.exists() or target.is_symlink()):
        return
    from sanlian.errors import ValidationError

    number = 2  # the first free name: 科室-2.xlsx, 科室-3.xlsx …
    while (other := path.with_name(f"{path.stem}-{number}{path.suffix}")).expanduser().exists():
        number += 1
    raise ValidationError(key, path=path, other=other, **params)


def check_output(output: Path | None, allowed: Sequence[str] = tuple(SUFFIX_FORMAT)) -> None:
    """Refuse, before anything is done, a file that cannot be written as asked."""
    if output is None:
        return
    from sanlian.errors import ValidationError

    if output.expanduser().is_dir():
        raise ValidationError("output_is_folder", path=output)
    not_the_database(output)
    suffix = output.suffix.lower()
    if suffix not in allowed:
        raise ValidationError(
            "output_suffix", suffix=suffix or "（无后缀）", allowed="、".join(allowed)
        )
    folder = output.expanduser().parent
    if not folder.is_dir():
        raise ValidationError("output_folder", folder=folder)


def xlsx_rows(
    rows: Iterable[Mapping[str, Any]],
    cols: Sequence[Col],
    output: Path,
    title: str | None,
    *,
    private: bool = False,
) -> None:
    """A listing as an Excel sheet: numbers and dates as themselves, codes as text."""
    from sanlian.io.writers import XlsxWriter

    text = [i for i, c in enumerate(cols) if is_sensitive(c.key) or c.key in ("uscc",)]
    with XlsxWriter(
        output,
        [c.label for c in cols],
        text_columns=text,
        title=title or "Sheet1",
        private=private,
    ) as w:
        for r in rows:
            line: list[Any] = []
            for c in cols:
                value = r.get(c.key)
                if (
                    c.enum is None
                    and c.fmt is None
                    and isinstance(value, int | dt.date)
                    and not isinstance(value, bool | dt.datetime)  # a time: as on the screen
                ):
                    line.append(value)
                elif isinstance(value, Decimal) and c.fmt is None:
                    line.append(float(value))
                elif isinstance(value, Decimal) and c.kind == "money":
                    line.append(value)  # a number Excel sums, shown #,##0.00
                else:
                    line.append(cell(c, value))
            w.write(line)


def write_text(output: Path, content: str, *, bom: bool = False, private: bool = False) -> None:
    """``content`` into ``output`` (``file_in_place``); ``private``: readable by its owner alone,
    from before the first character is written (it holds full ID or phone numbers)."""
    check_output(output, allowed=(output.suffix.lower(),))
    with file_in_place(output, "utf-8-sig" if bom else "utf-8", private=private) as fh:
        fh.write(content)


def emit(content: str, output: Path | None, *, bom: bool = False, private: bool = False) -> None:
    if output is None:
        sys.stdout.write(content if content.endswith("\n") else content + "\n")
        return
    text = content if content.endswith("\n") else content + "\n"
    write_text(output, text, bom=bom, private=private)
    from sanlian.i18n.messages import render

    sys.stderr.write(render("written_to", path=output) + "\n")


def _has_sensitive(record: Any) -> bool:
    """Whether ``record`` shows a number that is masked unless ``reveal``."""
    if isinstance(record, Mapping):
        return any(
            (is_sensitive(str(k)) and v) or _shows_number(str(k), v) or _has_sensitive(v)
            for k, v in record.items()
        )
    if isinstance(record, list):
        return any(_has_sensitive(v) for v in record)
    return False


def _shows_number(key: str, value: Any) -> bool:
    """Free text with an ID or mobile number written in it."""
    from sanlian.services.validate import holds_number

    return key in FREE_TEXT_FIELDS and isinstance(value, str) and holds_number(value)


def note_reveal(rows: Sequence[Mapping[str, Any]], title: str | None, output: Path | None) -> bool:
    """Under ``--reveal``: what was shown with full numbers, for the journal entry; whether
    any was (a file then written is its owner's alone)."""
    from sanlian.cli.context import state

    st = state()
    if not st.reveal_asked or not any(_has_sensitive(r) for r in rows):
        return False
    what = f"{title or '记录'} {len(rows)} 条"
    st.note_reveal(what + (f"，写入 {output}" if output is not None else ""))
    return True


@contextlib.contextmanager
def revealing(
    rows: Sequence[Mapping[str, Any]], title: str | None, output: Path | None, noting: bool
) -> Iterator[bool]:
    """Around the writing of ``rows`` under ``--reveal`` (``noting``): whether a number is
    shown whole (the file is then its owner's alone). What was shown is noted for the journal
    before a screen's (shown, were it cut short), a file's once it is written: a file that
    could not be written showed nobody anything."""
    if noting and output is None:
        yield note_reveal(rows, title, None)
        return
    yield noting and any(_has_sensitive(r) for r in rows)
    if noting:
        note_reveal(rows, title, output)


def render_rows(
    rows: Sequence[Mapping[str, Any]],
    cols: Sequence[Col],
    *,
    fmt: str | None,
    output: Path | None,
    reveal: bool,
    title: str | None = None,
    empty: str = "（没有记录）",
    private: bool = False,
    total: int | None = None,
    note: bool = True,
) -> None:
    """A listing in the chosen format, to stdout or ``output``. ``private``: a file written is
    its owner's alone (so it is anyway when ``--reveal`` shows an ID or phone number in it).
    ``total``: how many rows the listing holds when ``rows`` are its first (``screen_rows``).
    ``note``: a number shown whole under ``--reveal`` is noted for the journal (``False``:
    the caller has noted it)."""
    check_output(output)
    with revealing(rows, title, output, reveal and note) as shown:
        _render_rows(
            rows,
            cols,
            fmt=fmt,
            output=output,
            reveal=reveal,
            title=title,
            empty=empty,
            private=private or shown,
            count=len(rows) if total is None else total,
        )


def _render_rows(
    rows: Sequence[Mapping[str, Any]],
    cols: Sequence[Col],
    *,
    fmt: str | None,
    output: Path | None,
    reveal: bool,
    title: str | None,
    empty: str,
    private: bool,
    count: int,
) -> None:
    fmt = choose_format(fmt, output)
    rows = masked_rows(rows, reveal)
    if fmt == "xlsx" or (output is not None and output.suffix.lower() == ".xlsx"):
        assert output is not None
        xlsx_rows(rows, cols, output, title, private=private)
        from sanlian.i18n.messages import render

        sys.stderr.write(render("written_to", path=output) + "\n")
        return
    if fmt == "json":
        emit(to_json(rows), output, private=private)
        return
    if fmt == "csv":
        emit(csv_text(rows, cols, for_excel=output is not None), output, bom=True, private=private)
        return
    if not (fmt == "table" and output is None and stdout_is_terminal()):
        _text_of_stream(rows, cols, fmt, output, title, empty=empty, private=private)
        return
    # on a screen
    cols = [c for c in drop_empty(rows, cols) if c.screen]
    if not rows:
        emit(empty, output)
        return
    shown = rows[:SCREEN_ROW_LIMIT]
    text = screen_table(shown, cols)
    if title:
        text = f"{title}\n{text}"
    if len(shown) < count:
        text += (
            f"\n共 {count} 条，这里只列出前 {len(shown)} 条；要看全部，"
            "请加 -o 文件名.xlsx（或 .csv）写入文件，或加 -f plain 全部列出。"
        )
    elif count > COUNT_ROWS:
        text += f"\n共 {count} 条。"
    emit(text, output, private=private)


class StdoutLater:
    """What a listing writes to stdout while it reads the database, kept in a temporary file
    and written out once the database session has ended (``stdout_later``): a reader slow to
    take it (``| less``, ``| more``) holds no read lock on the database against the clerks
    who record visits meanwhile. Nothing is written out when the listing fails half-way."""

    def __init__(self) -> None:
        self._file: TextIO | None = None

    @property
    def stream(self) -> TextIO:
        if self._file is None:
            import tempfile

            self._file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115 (closed by close())
        return self._file

    def write_out(self) -> None:
        """The text kept, to stdout; a reader that stops taking it (``| head``) ends the listing
        quietly, as a finished one (exit 0)."""
        if self._file is None:
            return
        self._file.seek(0)
        try:
            while chunk := self._file.read(1 << 20):
                sys.stdout.write(chunk)
            sys.stdout.flush()
        except BrokenPipeError:
            _stdout_to_devnull()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


def _stdout_to_devnull() -> None:
    """After a broken pipe: what is left in stdout's buffer goes nowhere (no second error at
    exit), as the Python documentation advises for SIGPIPE."""
    import os

    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


@contextlib.contextmanager
def stdout_later() -> Iterator[StdoutLater]:
    """A ``StdoutLater`` for a ``with`` block that opens the session inside it: written out
    after the session has ended, dropped if the block fails."""
    later = StdoutLater()
    try:
        yield later
        later.write_out()
    finally:
        later.close()


def stream_rows(
    rows: Iterable[Mapping[str, Any]],
    cols: Sequence[Col],
    *,
    fmt: str | None,
    output: Path | None,
    title: str | Callable[[int], str] | None = None,
    count: Callable[[], int] | None = None,
    out: TextIO | None = None,
    reveal: bool = False,
) -> bool:
    """``render_rows`` of a long listing (every row, not on a screen) in a format written row
    by row — ``-o 文件.xlsx``, ``.csv``, ``-f json|csv`` — reading ``rows`` as it goes: the
    same bytes, without a million rows in memory (``visit list -o 走访.xlsx`` at city scale
    held 1.2 GB). Only for columns that hold no ID or phone number field; a number written in
    free text is masked row by row unless ``reveal`` (which is then noted for the journal,
    and a file written is its owner's alone). ``title``: the listing's title, or what makes
    it of the number of rows, which a sheet is told by ``count`` before its rows are read (a
    text table counts them). ``out``: where what goes to stdout is written while the rows are
    read (``StdoutLater``). ``False``, with nothing read or written, when a table is to be
    drawn on a screen: ``render_rows`` then."""
    if any(is_sensitive(c.key) for c in cols):
        return False
    check_output(output)
    chosen = choose_format(fmt, output)
    if chosen == "table" and output is None and stdout_is_terminal():
        return False
    from sanlian.cli.context import state
    from sanlian.cli.status import status

    watch = _FreeText(reveal=reveal)
    private = reveal and state().reveal_asked
    with status(output.name if output is not None else None) as line:
        said = _streamed(
            line.watch(watch.rows(rows)),
            cols,
            chosen,
            output,
            title,
            count,
            out,
            private=private,
        )
    if said is None:
        return False
    if private and watch.shown:
        what = title(watch.count) if callable(title) else (title or "记录")
        state().note_reveal(
            f"{what} {watch.count} 条" + (f"，写入 {output}" if output is not None else "")
        )
    if said and output is not None:  # after the line that counted the rows is cleared
        from sanlian.i18n.messages import render

        sys.stderr.write(render("written_to", path=output) + "\n")
    return True


class _FreeText:
    """``stream_rows``'s free text as it goes by: masked, or under ``reveal`` watched for a
    number shown whole (``shown``); ``count``: the rows read. The free-text keys are those of
    the rows (JSON writes every key, not only the listing's columns)."""

    def __init__(self, *, reveal: bool) -> None:
        self.reveal = reveal
        self.shown = False
        self.count = 0

    def rows(self, rows: Iterable[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
        keys: list[str] | None = None
        for r in rows:
            if keys is None:  # the listing's rows all have the keys of the first
                keys = [k for k in r if k in FREE_TEXT_FIELDS]
            self.count += 1
            if self.reveal:
                if not self.shown and any(_shows_number(k, r.get(k)) for k in keys):
                    self.shown = True
                yield r
                continue
            masked = {}
            for k in keys:
                value = r.get(k)
                if isinstance(value, str) and (shown := mask_value(k, value)) != value:
                    masked[k] = shown
            yield {**r, **masked} if masked else r


def _streamed(
    rows: Iterable[Mapping[str, Any]],
    cols: Sequence[Col],
    chosen: str,
    output: Path | None,
    title: str | Callable[[int], str] | None,
    count: Callable[[], int] | None,
    out: TextIO | None,
    *,
    private: bool = False,
) -> bool | None:
    """``stream_rows``'s writing, in the ``chosen`` format: whether to say where the rows were
    written; ``None`` when it cannot write them so."""
    if chosen == "xlsx" or (output is not None and output.suffix.lower() == ".xlsx"):
        assert output is not None
        if callable(title):
            assert count is not None
            title = title(count())
        xlsx_rows(rows, cols, output, title, private=private)
        return True
    if chosen == "json":
        emit_pieces(iter_json_items(rows), output, out=out, private=private)
        return False
    if chosen == "csv":
        _stream_csv(rows, cols, output, out, private=private)
        return True
    if chosen in ("table", "plain", "markdown"):
        _text_of_stream(rows, cols, chosen, output, title, out=out, private=private)
        return False
    return None


def _text_of_stream(
    rows: Iterable[Mapping[str, Any]],
    cols: Sequence[Col],
    fmt: str,
    output: Path | None,
    title: str | Callable[[int], str] | None,
    *,
    empty: str = "（没有记录）",
    private: bool = False,
    out: TextIO | None = None,
) -> None:
    """``render_rows``'s text table of every row (not on a screen), made from the rows' cells
    alone: each row becomes its texts as it is read, never a record kept beside them (a
    million visits: the records were two thirds of 2.4 GB)."""
    style = "markdown" if fmt == "markdown" else "plain"
    if output is None and fmt in ("table", "plain"):
        # ``drop_empty``: a column whose every cell is empty is left out (judged on the cell
        # before its lines are joined, as ``drop_empty`` does)
        shown = [(c.key, _cell_of(c)) for c in cols]
        blank = list(range(len(cols)))  # the columns with no cell filled so far
        table = []
        for r in rows:
            raw = [text(r.get(k)) for k, text in shown]
            if blank:
                blank = [i for i in blank if not raw[i]]
            table.append([_one_line(v) for v in raw])
        if table and blank:
            keep = [i for i in range(len(cols)) if i not in blank]
            cols = [cols[i] for i in keep]
            for n, row in enumerate(table):
                table[n] = [row[i] for i in keep]
    else:
        table = table_cells(rows, cols, style)
    if not table and fmt != "markdown":
        emit_pieces([empty], output, private=private, out=out)
        return
    count = len(table)
    if callable(title):
        title = title(count)
    headers = [c.label for c in cols]
    parts = text_table_parts(headers, table, "github" if style == "markdown" else "simple")
    if parts is None:  # tabulate's case: the whole text at once
        parts = iter([table_text(headers, table, style)])
    pieces: list[str] = []
    if title and fmt == "markdown":
        from sanlian.io.cells import markdown_line

        pieces.append(f"## {markdown_line(title)}\n\n")
    elif title:
        pieces.append(f"{title}\n")
    note = f"\n共 {count} 条。" if fmt == "table" and output is None and count > COUNT_ROWS else ""
    emit_pieces(itertools.chain(pieces, _joined(parts), [note]), output, private=private, out=out)


def _joined(parts: Iterator[str]) -> Iterator[str]:
    """``"\\n".join(parts)`` in pieces."""
    for i, part in enumerate(parts):
        yield "\n" + part if i else part


def emit_pieces(
    pieces: Iterable[str],
    output: Path | None,
    *,
    private: bool = False,
    out: TextIO | None = None,
) -> None:
    """``emit("".join(pieces), output, private=private)``, written about a megabyte at a time
    (never the text whole); ``out``: where it goes instead of stdout when there is no
    ``output``."""
    if output is not None:
        check_output(output, allowed=(output.suffix.lower(),))

    def write_to(fh: Any) -> None:
        batch: list[str] = []
        size = 0
        last = ""
        for piece in pieces:
            if piece:
                batch.append(piece)
                size += len(piece)
                last = piece
                if size >= 1 << 20:
                    fh.write("".join(batch))
                    batch.clear()
                    size = 0
        if not last.endswith("\n"):
            batch.append("\n")
        fh.write("".join(batch))

    if output is None:
        write_to(out or sys.stdout)
        return
    with file_in_place(output, private=private) as fh:
        write_to(fh)
    from sanlian.i18n.messages import render

    sys.stderr.write(render("written_to", path=output) + "\n")


def _stream_csv(
    rows: Iterable[Mapping[str, Any]],
    cols: Sequence[Col],
    output: Path | None,
    out: TextIO | None = None,
    *,
    private: bool = False,
) -> None:
    """``emit(csv_text(rows, cols), output, bom=True)``, a block of rows at a time."""
    import csv
    import io

    from sanlian.io.cells import guard_row

    def write_to(fh: Any) -> None:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(guard_row([c.label for c in cols]))
        row = csv_row(cols, output is not None)  # a .csv file: for Excel (``csv_text``)
        for i, r in enumerate(rows, 1):
            writer.writerow(row(r))
            if not i % 2000:
                fh.write(buf.getvalue())
                buf.seek(0)
                buf.truncate()
        fh.write(buf.getvalue())

    if output is None:
        write_to(out or sys.stdout)
        return
    with file_in_place(output, "utf-8-sig", private=private) as fh:
        write_to(fh)


def render_record(
    record: Mapping[str, Any],
    cols: Sequence[Col],
    *,
    fmt: str | None,
    output: Path | None,
    reveal: bool,
    title: str | None = None,
    note: bool = True,
) -> None:
    """One record as a two-column sheet (项目/内容), or one JSON object (``note`` as for
    ``render_rows``)."""
    check_output(output)
    fmt = choose_format(fmt, output)
    name = title or str(record.get("name") or record.get("id") or "")
    with revealing([record], name, output, reveal and note) as private:
        record = mask_record(dict(record), reveal)
        if fmt == "json":
            emit(to_json(record), output, private=private)
            return
        pairs = [{"k": c.label, "v": cell(c, record.get(c.key))} for c in cols]
        if fmt in ("table", "plain"):  # a text of paragraphs (a diary): a line each, as written
            pairs = [
                {"k": p["k"] if i == 0 else "", "v": line}
                for p in pairs
                for i, line in enumerate(p["v"].splitlines() or [""])
            ]
        sheet = [Col("k", "项目"), Col("v", "内容")]
        render_rows(pairs, sheet, fmt=fmt, output=output, reveal=True, title=title, private=private)
