"""Writers: .xlsx through the streaming sheet writer (:mod:`sanlian.io.xlsx_stream`, so that
large tables stream; the import template alone through openpyxl) and .csv in UTF-8 with BOM, which Excel opens without garbling the Chinese.

Columns named in ``text_columns`` hold numbers that are text (ID numbers, phones, credit codes):
in .xlsx they are text cells formatted ``@`` so that Excel neither rounds them nor shows them in
scientific notation; in .csv a long all-digit value is written after a tab, the usual way to keep
Excel from turning an 18-digit ID number into 3.70102E+17 (readers strip it again), and so is
any text Excel would read as a date or another number (``5-3``, ``01``: ``io.cells.guard_excel``).
A text that Excel would read as a formula (``=…``, ``+…``, ``-…``, ``@…``) is written after an
apostrophe in every CSV (``io.cells.guard_row``; readers take it off again).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sanlian.errors import ImportFileError
from sanlian.io import XML_ILLEGAL, new_part, put_in_place
from sanlian.io.cells import ExcelError, guard_excel, guard_row

_LONG_DIGITS = re.compile(r"^\d{12,}$")
HEADER_FILL = "DDEBF7"


TEMPLATE_NOTES_SHEET = "说明"  # an import template's sheet of notes on its columns


def suffix_format(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    if suffix in (".csv", ".txt"):
        return "csv"
    return None


class TableWriter:
    """Rows out to one file; ``close()`` finishes it. Use as a context manager."""

    def __init__(self, path: Path, headers: Sequence[str], *, text_columns: Iterable[int] = ()):
        self.path = path
        self.headers = list(headers)
        self.text_columns = set(text_columns)
        self.count = 0

    def write(self, row: Sequence[Any]) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def close(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def abort(self) -> None:
        """Give up: leave no half-written file behind."""
        self.close()

    def restrict(self) -> None:
        """From now on the file is its owner's alone (it holds a full number)."""
        from sanlian.io import restrict

        restrict(self._writing())

    def _writing(self) -> Path:
        """The file being written (a temporary one that takes ``path``'s name at the end)."""
        return self.path

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        if exc_type is not None:
            self.abort()
        else:
            self.close()


class CsvWriter(TableWriter):
    def __init__(
        self,
        path: Path,
        headers: Sequence[str],
        *,
        text_columns: Iterable[int] = (),
        private: bool = False,
    ):
        super().__init__(path, headers, text_columns=text_columns)
        # private: written under a temporary name created 0600, which then takes the name
        self._part: Path | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if private:
                self._part = new_part(path, private=True)
            self._fh = (self._part or path).open("w", encoding="utf-8-sig", newline="")
        except OSError:
            if self._part is not None and self._part != path:
                self._part.unlink(missing_ok=True)
            raise ImportFileError("export_write_failed", path=path) from None
        self._writer = csv.writer(self._fh, lineterminator="\r\n")
        self._writer.writerow(guard_row(self.headers))

    def write(self, row: Sequence[Any]) -> None:
        out = []
        for index, value in enumerate(row):
            text = csv_text(value)
            if type(value) is ExcelError:  # a bad row's error value, as Excel wrote it: the
                text = str(value)  # import refuses it again until the cell is put right
            elif isinstance(value, str):  # never a formula, a date or a number to Excel
                text = guard_excel(text)
            elif index in self.text_columns and _LONG_DIGITS.match(text):
                text = "\t" + text
            out.append(text)
        self._writer.writerow(out)
        self.count += 1

    def _writing(self) -> Path:
        return self._part or self.path

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.close()
            if self._part is not None:
                try:
                    put_in_place(self._part, self.path)
                except OSError:
                    raise ImportFileError("export_write_failed", path=self.path) from None

    def abort(self) -> None:
        if not self._fh.closed:
            self._fh.close()
            (self._part or self.path).unlink(missing_ok=True)


def csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


SAMPLE_ROWS = 1000  # rows the column widths are measured on
MAX_ROWS = 1_048_576  # Excel's rows per sheet, the header included


class XlsxWriter(TableWriter):
    """A workbook streamed to disk as rows come (``io/xlsx_stream``: no cell objects, so a
    million rows take seconds, not minutes). Columns are sized on the header and the first
    rows (held back until then); past Excel's row limit the table goes on in a sheet named
    …（续）, …（续2）…, with the header again. Headers bold on a light blue ground, the
    header row frozen, dates as dates, ``text_columns`` as text formatted ``@``."""

    def __init__(
        self,
        path: Path,
        headers: Sequence[str],
        *,
        text_columns: Iterable[int] = (),
        title: str = "Sheet1",
        widths: Sequence[int] | None = None,
        private: bool = False,
        written: dt.datetime | None = None,
        stamp: bool = True,
    ):
        super().__init__(path, headers, text_columns=text_columns)
        from sanlian.io.xlsx_stream import Book

        try:
            self._book: Book | None = Book(path, private=private, written=written, stamp=stamp)
        except OSError:
            raise ImportFileError("export_write_failed", path=path) from None
        self._title = title
        self._part = self._book.part
        self._widths = list(widths) if widths else None
        self._sample: list[list[Any]] | None = []
        self._sheets: list[str] = []
        self._sheet: Any = None
        self._in_sheet = 0
        self._new_sheet()

    def _writing(self) -> Path:
        return self._part

    def _new_sheet(self) -> None:
        n = len(self._sheets)
        suffix = "" if n == 0 else "（续）" if n == 1 else f"（续{n}）"
        self._sheets.append(sheet_title(self._title, suffix))
        self._in_sheet = 0
        if self._sample is None:  # the widths are known: a continuation sheet
            self._header()

    def _header(self) -> None:
        from sanlian.io.xlsx_stream import FILLED

        assert self._book is not None
        widths = self._widths or self._measured()
        self._widths = widths
        self._sheet = self._book.sheet(self._sheets[-1], widths, frozen=1)
        self._sheet.styled(self.headers, FILLED)
        self._in_sheet = 1

    def _measured(self) -> list[int]:
        from sanlian.io.xlsx_stream import display_width

        out = []
        for index, header in enumerate(self.headers):
            content = max(
                (display_width(r[index]) for r in self._sample or () if index < len(r)), default=0
            )
            out.append(max(10, min(60, max(display_width(header) + 4, content + 2))))
        return out

    def _flush(self) -> None:
        """The widths from the header and the rows held back; then those rows."""
        if self._sample is None:
            return
        self._header()
        held, self._sample = self._sample, None
        for row in held:
            self._append(row)

    def write(self, row: Sequence[Any]) -> None:
        values = [xlsx_value(v) for v in row]
        self.count += 1
        if self._sample is not None:
            self._sample.append(values)
            if len(self._sample) >= SAMPLE_ROWS:
                self._flush()
            return
        self._append(values)

    def _append(self, values: list[Any]) -> None:
        from sanlian.io.xlsx_stream import TEXT, Styled

        if self._in_sheet >= MAX_ROWS:
            self._new_sheet()
        for index in self.text_columns:
            if index < len(values):
                value = values[index]
                # (an error value stays one: ``_cell`` writes it as an error cell, in the
                # column's text format, so that the number typed over it stays whole)
                if value is not None and type(value) is not ExcelError:
                    value = str(value)
                values[index] = Styled(value, TEXT)
        self._sheet.append(values)  # text is never read as a formula, "=…" included
        self._in_sheet += 1

    @property
    def sheets(self) -> list[str]:
        """The titles of the sheets written so far."""
        return list(self._sheets)

    def close(self) -> None:
        if self._book is not None:
            try:
                self._flush()
                book, self._book = self._book, None
                book.close()
            except OSError:
                self.abort()
                raise ImportFileError("export_write_failed", path=self.path) from None

    def abort(self) -> None:
        if self._book is not None:
            book, self._book = self._book, None
            book.abort()


def xlsx_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    if type(value) is ExcelError:  # a bad row's error value: an error cell again
        return value
    if isinstance(value, str):
        return XML_ILLEGAL.sub("", value)
    return value


def sheet_title(title: str, suffix: str = "") -> str:
    """A legal sheet name: at most 31 characters, none of ``[]:*?/\\``; ``suffix`` is kept."""
    clean = re.sub(r"[\[\]:*?/\\]", "_", title).strip() or "Sheet1"
    return clean[: 31 - len(suffix)] + suffix


def open_writer(
    path: Path,
    headers: Sequence[str],
    *,
    text_columns: Iterable[int] = (),
    title: str = "Sheet1",
    fmt: str | None = None,
    private: bool = False,
    written: dt.datetime | None = None,
    stamp: bool = True,
) -> TableWriter:
    """A writer for ``path``: .xlsx or .csv, by ``fmt`` or else the suffix; ``private``: the
    file readable by its owner alone (it holds full ID or phone numbers); ``written`` and
    ``stamp``: what an .xlsx says of when sanlian wrote it (``xlsx_stream.Book``)."""
    fmt = fmt or suffix_format(path)
    if fmt == "xlsx":
        return XlsxWriter(
            path,
            headers,
            text_columns=text_columns,
            title=title,
            private=private,
            written=written,
            stamp=stamp,
        )
    if fmt == "csv":
        return CsvWriter(path, headers, text_columns=text_columns, private=private)
    raise ImportFileError("export_suffix", suffix=path.suffix or "（无后缀）")


# --- the import template ----------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateColumn:
    header: str
    required: bool
    example: Any
    help: str
    choices: Sequence[str] = field(default_factory=tuple)
    aliases: Sequence[str] = field(default_factory=tuple)
    text: bool = False  # numbers kept as text (ID numbers, phones, codes)


def write_template(path: Path, title: str, columns: Sequence[TemplateColumn], notes: str) -> None:
    """A blank workbook: headers, one example row, drop-down lists, and a 说明 sheet."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from sanlian.io.xlsx_stream import display_width

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_title(title)
    bold = Font(bold=True)
    required_font = Font(bold=True, color="C00000")
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    example_font = Font(italic=True, color="808080")
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        head = sheet.cell(row=1, column=index, value=column.header)
        head.font = required_font if column.required else bold
        head.fill = fill
        head.comment = Comment(column.help, "sanlian")
        example = sheet.cell(row=2, column=index, value=xlsx_value(column.example))
        example.font = example_font
        sheet.column_dimensions[letter].width = max(10, min(40, display_width(column.header) + 6))
        if column.text:
            example.number_format = "@"
            sheet.column_dimensions[letter].width = 22
            for row in range(3, 1002):
                sheet.cell(row=row, column=index).number_format = "@"
        if column.choices:
            formula = '"' + ",".join(column.choices) + '"'
            if len(formula) <= 255:
                check = DataValidation(type="list", formula1=formula, allow_blank=True)
                check.error = "请从下拉列表中选择。"
                check.errorTitle = column.header
                check.add(f"{letter}2:{letter}1001")
                sheet.add_data_validation(check)
    sheet.freeze_panes = "A2"

    guide = book.create_sheet(TEMPLATE_NOTES_SHEET)
    guide.append(["列名", "是否必填", "说明", "可选值", "也可写作"])
    for cell in guide[1]:
        cell.font, cell.fill = bold, fill
    for column in columns:
        guide.append(
            [
                column.header,
                "必填" if column.required else "选填",
                column.help.removeprefix("必填。"),  # the column before says so
                "、".join(column.choices),
                "、".join(column.aliases),
            ]
        )
    guide.append([])
    for line in notes.splitlines():
        guide.append([line])
    wrap = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDE", (18, 10, 60, 30, 40), strict=True):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=2, max_row=len(columns) + 1):
        for cell in row:
            cell.alignment = wrap
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        book.save(path)
    except OSError:
        raise ImportFileError("export_write_failed", path=path) from None
