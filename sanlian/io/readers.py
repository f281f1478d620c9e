"""Readers: a CSV or Excel file as numbered rows of cells, read lazily.

Row numbers are the ones Excel shows (1-based, title and header rows counted; for a CSV file the
record number, a cell with line breaks counting once). Blank rows are skipped and trailing blank
cells dropped. CSV encodings are detected (UTF-8 with or without BOM, UTF-16 with BOM, GB18030 —
a superset of the GBK that Chinese Excel writes — then charset-normalizer for the rest) unless
forced; the delimiter is sniffed among ``, ; tab |``.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sanlian.errors import ImportFileError
from sanlian.io.cells import (
    Cell,
    ExcelError,
    NoResult,
    excel_error,
    from_excel,
    number_text,
    unguard_row,
)

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
DELIMITERS = ",;\t|"
_CHUNK = 1 << 20

T = TypeVar("T")


@dataclass
class Table:
    """An opened file: iterate it for ``(row_number, cells)``; ``done``/``total`` for progress."""

    path: Path
    fmt: str  # "csv" or "xlsx"
    rows: Iterator[tuple[int, list[Cell]]]
    size: int | Callable[[], int]  # bytes (CSV) or rows (Excel), or how to learn it
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    other_sheets: tuple[str, ...] = ()  # the workbook's other sheets, when none was named
    visible_others: tuple[str, ...] = ()  # of those, the visible worksheets
    hidden: Callable[[], frozenset[int]] | None = field(default=None, repr=False)  # rows
    hidden_cols: Callable[[], frozenset[int]] | None = field(default=None, repr=False)
    merged: Callable[[], list[tuple[int, int, int]]] | None = field(default=None, repr=False)
    _position: Any = field(default=None, repr=False)
    _closer: Any = field(default=None, repr=False)

    def __iter__(self) -> Iterator[tuple[int, list[Cell]]]:
        return self.rows

    @property
    def total(self) -> int:
        """The unit of ``done`` in the whole file (an Excel sheet's rows once it is loaded)."""
        if callable(self.size):
            self.size = self.size()
        return self.size

    @property
    def hidden_rows(self) -> frozenset[int]:
        """The rows of an Excel sheet hidden (filtered out or hidden by hand), 1-based."""
        return self.hidden() if self.hidden is not None else frozenset()

    @property
    def hidden_columns(self) -> frozenset[int]:
        """The columns of an Excel sheet hidden, as indexes of a row's cells (from 0)."""
        return self.hidden_cols() if self.hidden_cols is not None else frozenset()

    def merged_across(self, width: int) -> frozenset[int]:
        """The rows (1-based) of an Excel sheet where one cell is merged across the table
        (``width`` columns, or at least three): a group's heading (一、办公室) is drawn so."""
        if self.merged is None:
            return frozenset()
        wide = min(width, 3)
        return frozenset(row for row, left, right in self.merged() if right - left + 1 >= wide)

    @property
    def done(self) -> int:
        return int(self._position()) if self._position is not None else 0

    def close(self) -> None:
        if self._closer is not None:
            self._closer()
            self._closer = None


def open_table(path: Path, *, sheet: str | None = None, encoding: str | None = None) -> Table:
    """Open ``path`` (.csv/.txt/.tsv or .xlsx/.xls/.xlsm/.xlsb/.ods) for reading.

    No library's own (English) error text reaches the clerk: a file that cannot be opened or
    parsed is refused with a Chinese sentence that says what to do.
    """
    if not path.exists():
        raise ImportFileError("import_file_missing", path=path)
    if path.is_dir():
        raise ImportFileError("import_file_is_dir", path=path)
    suffix = path.suffix.lower()
    try:
        if suffix in EXCEL_SUFFIXES and path.stat().st_size == 0:  # no workbook: nothing in it
            raise ImportFileError("import_empty", path=path)
        if path.name.startswith("~$") and path.stat().st_size <= 512 and not _is_workbook(path):
            # the owner file (165 bytes) Excel and WPS keep beside a workbook while it is open
            raise ImportFileError("import_lock_file", path=path)
        if suffix == ".xls" and not _is_workbook(path):
            text = _text_posing_as_xls(path)
            if text == "html":
                raise ImportFileError("import_xls_html", path=path)
            if text == "table":
                return _open_text(path, sheet, encoding)
        if suffix in EXCEL_SUFFIXES or (suffix in CSV_SUFFIXES and _is_workbook(path)):
            return _open_excel(path, sheet)
        if suffix in CSV_SUFFIXES:
            if _text_posing_as_xls(path) == "html":  # a web page saved as .csv: said so
                raise ImportFileError("import_text_html", path=path, suffix=path.suffix)
            return _open_text(path, sheet, encoding)
    except OSError:  # no permission, a file another program holds locked
        raise ImportFileError("import_read_failed", path=path) from None
    raise ImportFileError("import_suffix", suffix=path.suffix or "（无后缀）")


def _open_text(path: Path, sheet: str | None, encoding: str | None) -> Table:
    """A CSV (or text) file: one table, no sheet to choose (``--sheet`` refused, not ignored:
    the clerk may have meant another file, the workbook the CSV was saved from)."""
    if sheet is not None:
        raise ImportFileError("import_sheet_csv", path=path.name, sheet=sheet)
    return _open_csv(path, encoding)


# --- Excel ----------------------------------------------------------------------------------

# How a workbook's file begins: an .xlsx (a zip) or an old .xls (an OLE compound file).
WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def _workbook(pc: Any, path: Path) -> Any:
    """The workbook at ``path``, read as what it is: a new workbook (a zip) named .xls, or an
    old one named .xlsx (renamed by hand, or saved under the wrong name), is read by its
    content, not refused as damaged by the name's."""
    with path.open("rb") as f:
        head = f.read(8)
    suffix = path.suffix.lower()
    zipped, old = head.startswith(WORKBOOK_MAGIC[0]), head.startswith(WORKBOOK_MAGIC[1])
    if (zipped and suffix == ".xls") or (old and suffix in (".xlsx", ".xlsm", ".xlsb", ".ods")):
        with path.open("rb") as f:
            return pc.CalamineWorkbook.from_filelike(f)
    return pc.CalamineWorkbook.from_path(str(path))


def _encrypted_package(path: Path) -> bool:
    """Whether ``path`` is an .xlsx Excel saved with a password to open it: an OLE compound
    file holding the streams ``EncryptionInfo`` and ``EncryptedPackage`` (calamine takes it
    for a damaged old .xls, and "save it again" would keep the password)."""
    with path.open("rb") as f:
        if f.read(8) != WORKBOOK_MAGIC[1]:
            return False
        data = f.read(64 << 20)  # its directory may be anywhere; a roster is far smaller
    return all(name.encode("utf-16-le") in data for name in ("EncryptionInfo", "EncryptedPackage"))


def _is_workbook(path: Path) -> bool:
    """Whether a file named .csv is really an Excel workbook (renamed, or saved under the
    wrong name): it is then read as the workbook it is."""
    with path.open("rb") as f:
        head = f.read(8)
    return head.startswith(WORKBOOK_MAGIC)


def _text_posing_as_xls(path: Path) -> str:
    """What an ``.xls`` file that is no workbook holds: ``"html"`` (a web page or Excel 2003's
    XML, as many online systems "export to Excel"), ``"table"`` (text in tab- or comma-separated
    lines, ditto: read as the CSV it is), or ``""`` (anything else: refused as unreadable)."""
    with path.open("rb") as f:
        head = f.read(4096)
    if head.startswith(codecs.BOM_UTF16_LE):
        head, encoding = head[2:], "utf-16-le"
    else:
        head = head.removeprefix(codecs.BOM_UTF8)
        encoding = "utf-8" if _decodes_head(head, "utf-8") else "gb18030"
    text = head.decode(encoding, errors="replace").lstrip().lower()
    if text.startswith(("<!doctype", "<html", "<table", "<?xml", "<meta", "<head")):
        return "html"
    first = text.split("\n", 1)[0]
    if "\ufffd" not in text[:-4] and "\x00" not in text and ("\t" in first or "," in first):
        return "table"
    return ""


def _decodes_head(head: bytes, encoding: str) -> bool:
    try:
        head.decode(encoding)
    except UnicodeDecodeError as exc:
        return exc.start >= len(head) - 3  # a character cut at the end of the sample
    return True


def _open_excel(path: Path, sheet: str | None) -> Table:
    import python_calamine as pc

    try:
        book = _workbook(pc, path)
    except pc.PasswordError:
        raise ImportFileError("import_password", path=path) from None
    except OSError:
        raise
    except Exception:  # ZipError, XmlError, CalamineError: not a workbook (or an old .xls)
        if _encrypted_package(path):
            raise ImportFileError("import_password", path=path) from None
        raise ImportFileError("import_unreadable", path=path) from None
    names = list(book.sheet_names)
    if not names:
        raise ImportFileError("import_empty", path=path)
    if sheet is None:
        visible = [
            m.name
            for m in book.sheets_metadata
            if m.visible == pc.SheetVisibleEnum.Visible and m.typ == pc.SheetTypeEnum.WorkSheet
        ]
        name = visible[0] if visible else names[0]
        others = tuple(n for n in visible if n != name)
    elif sheet in names:
        name = sheet
        others = ()
    elif sheet.strip().isdecimal() and len(sheet.strip()) < 6 and 1 <= int(sheet) <= len(names):
        name = names[int(sheet) - 1]
        others = ()
    else:
        raise ImportFileError("import_sheet_missing", sheet=sheet, sheets="、".join(names))
    sheet_of = _loading(book, name, path)
    position = names.index(name)
    marks_of = _on_thread("sanlian-errors", lambda: _scan(path, position))
    counter = {"row": 0}

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        errors = marks_of()[0]
        data = sheet_of()
        below = _merged_below(data)
        tops = {top for cells in below.values() for _, top in cells}
        kept: dict[int, list[Cell]] = {}  # the rows merged cells take their values from
        first_column = data.start[1] if data.start else 0  # iter_rows' cells start there
        # iter_rows starts at the sheet's first row, blank or not, so the index is Excel's.
        for index, raw in enumerate(data.iter_rows(), start=1):
            counter["row"] = index
            # (a text cell, the usual one, and a number, as ``from_excel`` gives them, without its
            # type tests; a text reading #N/A is a text here: an error value is a cell of its own,
            # ``errors``)
            cells = [
                (v if v.strip() else None)
                if type(v) is str
                else number_text(v)
                if type(v) is float
                else from_excel(v)
                for v in raw
            ]
            if errors and index in errors:
                for column, value in errors[index].items():
                    at = column - first_column
                    if 0 <= at < len(cells) and cells[at] is None:
                        cells[at] = value if isinstance(value, ExcelError) else ExcelError(value)
            if below:
                _fill_merged(index - 1, cells, below, tops, kept)
            while cells and cells[-1] is None:
                cells.pop()
            if cells:
                yield index, cells

    def size() -> int:
        end = sheet_of().end  # the last cell, counted from 0 (None: an empty sheet)
        return int(end[0]) + 1 if end else 0

    def close() -> None:
        with contextlib.suppress(ImportFileError):
            sheet_of()  # the load ends before the workbook closes
        marks_of()  # (and no thread is left running: it never raises)
        book.close()

    return Table(
        path=path,
        fmt="xlsx",
        rows=rows(),
        size=size,
        sheet=name,
        other_sheets=tuple(n for n in names if n != name) if sheet is None else (),
        visible_others=others,
        hidden=lambda: marks_of()[1],
        hidden_cols=lambda: frozenset(c - (sheet_of().start or (0, 0))[1] for c in marks_of()[2]),
        merged=lambda: _merged_rows(sheet_of()),
        _position=lambda: counter["row"],
        _closer=close,
    )


_ERROR_MARKS = (b't="e"', b"t='e'")  # a cell of type error
_FORMULA_MARKS = (b"<f>", b"<f ", b":f>", b":f ")  # a cell's formula (x:f: a prefixed one)
_OVERLAP = 1 << 16  # bytes read again with the next chunk: a cell's XML cut at a chunk's end


def error_cells(path: Path, position: int) -> dict[int, dict[int, str]]:
    """The cells holding an Excel error value (``#N/A``, ``#REF!`` …) in the ``position``-th
    sheet of the .xlsx/.xlsm at ``path``: row (1-based) → column (0-based) → the error
    (``scan_sheet``)."""
    return scan_sheet(path, position)[0]


def scan_sheet(path: Path, position: int) -> tuple[dict[int, dict[int, str]], frozenset[int]]:
    """``_scan``'s error cells and hidden rows."""
    return _scan(path, position)[:2]


Marks = tuple[dict[int, dict[int, str]], frozenset[int], frozenset[int]]


def _scan(path: Path, position: int) -> Marks:
    """What python-calamine does not give of the ``position``-th sheet of the .xlsx/.xlsm at
    ``path``, read from the sheet's XML: the cells holding an Excel error value, which it
    reads as blank cells (``ExcelError``), and the rows hidden (by a filter or by hand; row
    numbers 1-based), whose cells it gives as any others', and the columns hidden (0-based,
    from column A). Usually none: the sheet is then scanned once for their marks, a chunk at
    a time (≈ 0.15 s for 100,000 rows, on a thread while the sheet loads). An old .xls gives
    its hidden rows and columns (``xls_hidden``); an .ods, a workbook laid out otherwise or a
    damaged one gives none."""
    import zipfile

    try:
        with path.open("rb") as f:
            if f.read(8) == WORKBOOK_MAGIC[1]:
                return ({}, *xls_hidden(path, position))
        with zipfile.ZipFile(path) as book:
            part = _sheet_part(book, position)
            if part is None:
                return {}, frozenset(), frozenset()
            found: dict[int, dict[int, str]] = {}
            hidden: set[int] = set()
            columns: set[int] = set()
            with book.open(part) as fh:
                tail = b""
                while chunk := fh.read(_CHUNK):
                    window = tail + chunk
                    if any(mark in window for mark in _ERROR_MARKS):
                        _errors_in(window, found)
                    if any(mark in window for mark in _FORMULA_MARKS):
                        _no_results_in(window, found)
                    if _HIDDEN_MARK in window:
                        _hidden_in(window, hidden, columns)
                    tail = window[-_OVERLAP:]
            return found, frozenset(hidden), frozenset(columns)
    except Exception:  # noqa: BLE001  (not a zip, a damaged entry: zlib.error, EOFError …):
        return {}, frozenset(), frozenset()  # calamine's reading stands, and refuses it


_HIDDEN_MARK = b"hidden="


def _hidden_in(window: bytes, hidden: set[int], columns: set[int] | None = None) -> None:
    import re

    rows = rb"<(?:\w+:)?row\b[^>]*?\bhidden=[\"'](?:1|true)[\"'][^>]*>"
    for row in re.finditer(rows, window):
        number = re.search(rb"\br=[\"']([0-9]+)[\"']", row[0])
        if number is not None:
            hidden.add(int(number[1]))
    if columns is None:
        return
    cols = rb"<(?:\w+:)?col\b[^>]*?\bhidden=[\"'](?:1|true)[\"'][^>]*>"
    for col in re.finditer(cols, window):
        low = re.search(rb"\bmin=[\"']([0-9]+)[\"']", col[0])
        high = re.search(rb"\bmax=[\"']([0-9]+)[\"']", col[0])
        if low is not None and high is not None:  # (1-based; a range may run to XFD)
            columns.update(range(int(low[1]) - 1, min(int(high[1]), 256)))


def xls_hidden(path: Path, position: int) -> tuple[frozenset[int], frozenset[int]]:
    """The rows (1-based) and columns (from 0) hidden in the ``position``-th sheet of the old
    (BIFF8) .xls at ``path``, which python-calamine does not give: from the ROW records
    (fDyZero) and COLINFO records (fHidden) of the sheet's part of the Workbook stream. None
    where the file cannot be read so (calamine's reading stands)."""
    import struct

    try:
        book = _ole_stream(path.read_bytes(), ("Workbook", "Book"))
    except (struct.error, IndexError, ValueError):
        return frozenset(), frozenset()
    if book is None:
        return frozenset(), frozenset()
    at, sheets = 0, []
    while at + 4 <= len(book):  # the globals: each sheet's BOUNDSHEET, where its part begins
        kind, size = struct.unpack_from("<HH", book, at)
        if kind == 0x0085 and size >= 4:
            sheets.append(struct.unpack_from("<I", book, at + 4)[0])
        elif kind == 0x000A:  # EOF
            break
        at += 4 + size
    if not 0 <= position < len(sheets):
        return frozenset(), frozenset()
    at = sheets[position]
    rows: set[int] = set()
    columns: set[int] = set()
    began = False
    while at + 4 <= len(book):
        kind, size = struct.unpack_from("<HH", book, at)
        if kind == 0x0809:  # BOF: the sheet's, then a chart's inside it (not read)
            if began:
                break
            began = True
        elif kind == 0x000A:
            break
        elif kind == 0x0208 and size >= 16:  # ROW
            number, options = struct.unpack_from("<H10xH", book, at + 4)
            if options & 0x20:
                rows.add(number + 1)
        elif kind == 0x007D and size >= 10:  # COLINFO
            first, last, options = struct.unpack_from("<HH4xH", book, at + 4)
            if options & 1:
                columns.update(range(first, min(last, 255) + 1))
        at += 4 + size
    return frozenset(rows), frozenset(columns)


def _ole_stream(data: bytes, names: Sequence[str]) -> bytes | None:
    """The first stream named one of ``names`` in the OLE compound file ``data`` (an old .xls),
    or ``None``: its sectors followed through the FAT (a small stream's through the mini FAT)."""
    import struct

    if not data.startswith(WORKBOOK_MAGIC[1]):
        return None
    shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
    size, mini = 1 << shift, 1 << mini_shift
    fat_sectors, first_dir = struct.unpack_from("<II", data, 0x2C)
    cutoff, first_mini_fat, _mini_sectors, first_difat = struct.unpack_from("<IIII", data, 0x38)
    end = 0xFFFFFFFA  # a chain's end (and the markers above it)

    def sector(n: int) -> bytes:
        return data[(n + 1) * size : (n + 2) * size]

    difat = list(struct.unpack_from("<109I", data, 0x4C))
    n = first_difat
    most = 109 + len(data) // 4  # (a damaged file's chain that loops ends)
    while n < end and len(difat) < min(fat_sectors + 109, most):
        block = sector(n)
        difat.extend(struct.unpack_from(f"<{size // 4 - 1}I", block))
        n = struct.unpack_from("<I", block, size - 4)[0]
    fat: list[int] = []
    for n in difat[:fat_sectors]:
        fat.extend(struct.unpack(f"<{size // 4}I", sector(n)))

    def chain(start: int, table: Sequence[int]) -> Iterator[int]:
        for _ in range(len(table) + 1):  # (a loop in a damaged file ends)
            if start >= end or start >= len(table):
                return
            yield start
            start = table[start]

    def read(start: int) -> bytes:
        return b"".join(sector(n) for n in chain(start, fat))

    directory = read(first_dir)
    root = 0
    for at in range(0, len(directory) - 127, 128):
        entry = directory[at : at + 128]
        length, kind = struct.unpack_from("<HB", entry, 0x40)
        start, length_of = struct.unpack_from("<II", entry, 0x74)
        if kind == 5:  # the root: the mini stream's sectors
            root = start
        name = entry[: max(length - 2, 0)].decode("utf-16-le", "replace")
        if kind != 2 or name not in names:
            continue
        if length_of >= cutoff:
            return read(start)[:length_of]
        mini_fat: list[int] = []
        for n in chain(first_mini_fat, fat):
            mini_fat.extend(struct.unpack(f"<{size // 4}I", sector(n)))
        stream = read(root)
        return b"".join(stream[n * mini : (n + 1) * mini] for n in chain(start, mini_fat))[
            :length_of
        ]
    return None


def _sheet_part(book: Any, position: int) -> str | None:
    """The zip entry of the ``position``-th sheet, from the workbook's relationships."""
    from xml.etree import ElementTree

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    sheets = ElementTree.fromstring(book.read("xl/workbook.xml")).iter(f"{main}sheet")
    ids = [s.get(rel) for s in sheets]
    if not 0 <= position < len(ids):
        return None
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    for r in rels:
        if r.get("Id") == ids[position]:
            target = str(r.get("Target") or "")
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    return None


def _errors_in(window: bytes, found: dict[int, dict[int, str]]) -> None:
    import html
    import re

    # (an element may carry a namespace prefix, x:c, as the Open XML SDK writes it)
    cells = rb"<(?:\w+:)?c\b([^>/]*\bt=[\"']e[\"'][^>/]*)>(.*?)</(?:\w+:)?c>"
    for cell in re.finditer(cells, window, re.S):
        ref = re.search(rb"\br=[\"']([A-Z]{1,3})([0-9]+)[\"']", cell[1])
        value = re.search(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>", cell[2])
        if ref is None or value is None:
            continue
        column = 0
        for letter in ref[1]:
            column = column * 26 + letter - 64
        text = html.unescape(value[1].decode("utf-8", "replace"))  # (an error is ASCII)
        found.setdefault(int(ref[2]), {})[column - 1] = text


# a formula's element (<f>…</f>, or a shared one's <f …/>) closing its cell, or followed by an
# empty value (openpyxl writes <v></v>): no cached value after it, where Excel writes one (an
# empty text result is a cell of type str, t="str")
_NO_RESULT = re.compile(
    rb"(?:</(?:\w+:)?f>|<(?:\w+:)?f\b[^>]*/>)\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v></(?:\w+:)?v>)?"
    rb"\s*</(?:\w+:)?c>"
)


def _no_results_in(window: bytes, found: dict[int, dict[int, str]]) -> None:
    import html

    for end in _NO_RESULT.finditer(window):
        start = max(window.rfind(b"<c ", 0, end.start()), window.rfind(b":c ", 0, end.start()))
        if start < 0:
            continue
        cell = window[start : end.end()]
        ref = re.search(rb"\br=[\"']([A-Z]{1,3})([0-9]+)[\"']", cell)
        if ref is None or re.search(rb"^[^>]*\bt=[\"']str[\"']", cell):
            continue
        formula = re.search(rb"<(?:\w+:)?f\b[^>]*>([^<]*)</", cell)
        text = html.unescape(formula[1].decode("utf-8", "replace")) if formula else ""
        column = 0
        for letter in ref[1]:
            column = column * 26 + letter - 64
        found.setdefault(int(ref[2]), {})[column - 1] = NoResult(f"={text}" if text else "=…")


def _merged_below(sheet: Any) -> dict[int, list[tuple[int, int]]]:
    """The cells under the top of a cell merged over several rows (科室 or 政治面貌 merged
    over the people of one section, as rosters are drawn): row → (its cell's index, the
    merged cell's top row), rows counted from 0 as ``iter_rows`` gives them. Excel keeps the
    value in the top cell alone, while the clerk sees it on every row: each row takes it.
    A cell merged across columns only (a title, a group of headers) is left as it is, and so
    are the other columns of a block: its value belongs to its first column."""
    ranges = getattr(sheet, "merged_cell_ranges", None) or ()
    first_column = sheet.start[1] if sheet.start else 0  # iter_rows' cells start there
    below: dict[int, list[tuple[int, int]]] = {}
    for (top, left), (bottom, _right) in ranges:
        if bottom > top and left >= first_column:
            for row in range(top + 1, bottom + 1):
                below.setdefault(row, []).append((left - first_column, top))
    return below


def _merged_rows(sheet: Any) -> list[tuple[int, int, int]]:
    """The cells merged across columns within one row: (row, 1-based; first and last column,
    counted from 0)."""
    ranges = getattr(sheet, "merged_cell_ranges", None) or ()
    return [(top + 1, left, right) for (top, left), (bottom, right) in ranges if bottom == top]


def _fill_merged(
    row: int,
    cells: list[Cell],
    below: Mapping[int, list[tuple[int, int]]],
    tops: set[int],
    kept: dict[int, list[Cell]],
) -> None:
    """Give the cells of ``row`` under a merged cell its value (see ``_merged_below``)."""
    if row in tops:
        kept[row] = list(cells)
    for index, top in below.get(row, ()):
        source = kept.get(top, ())
        value = source[index] if index < len(source) else None
        if value is None:
            continue
        if index >= len(cells):
            cells.extend([None] * (index + 1 - len(cells)))
        if cells[index] is None:
            cells[index] = value


def _loading(book: Any, name: str, path: Path) -> Callable[[], Any]:
    """The sheet ``name`` of ``book``, loaded on a thread of its own (python-calamine lets go
    of the interpreter while it reads the file, ≈ 0.5 s for 100,000 rows, so the command
    imports its database layer meanwhile); the function returned waits for it, or raises the
    refusal."""
    loaded = _on_thread("sanlian-sheet", lambda: book.get_sheet_by_name(name))

    def sheet() -> Any:
        try:
            return loaded()
        except Exception:
            raise ImportFileError("import_unreadable", path=path) from None

    return sheet


def _on_thread(name: str, work: Callable[[], T]) -> Callable[[], T]:
    """``work`` started now on a thread of its own; the function returned waits for its
    result, or raises what it raised. (Both threads here spend their time where the
    interpreter is let go, in python-calamine and in zlib, so they run beside this one.)"""
    import threading

    found: dict[str, Any] = {}

    def run() -> None:
        try:
            found["value"] = work()
        except BaseException as exc:  # noqa: BLE001  (raised where it is waited for)
            found["error"] = exc

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()

    def result() -> T:
        thread.join()
        if "error" in found:
            raise found["error"]
        value: T = found["value"]
        return value

    return result


def sheet_head(path: Path, name: str, limit: int = 15) -> list[tuple[int, list[Cell]]]:
    """The first ``limit`` non-blank rows of the sheet ``name`` (their text cells only: enough
    to find a header); nothing when the sheet cannot be read."""
    import python_calamine as pc

    head: list[tuple[int, list[Cell]]] = []
    try:
        with pc.CalamineWorkbook.from_path(str(path)) as book:
            for index, raw in enumerate(book.get_sheet_by_name(name).iter_rows(), start=1):
                cells: list[Cell] = [v if type(v) is str and v.strip() else None for v in raw]
                while cells and cells[-1] is None:
                    cells.pop()
                if cells:
                    head.append((index, cells))
                    if len(head) >= limit:
                        break
    except Exception:  # a damaged or odd sheet: no hint about it
        return []
    return head


def sheet_names(path: Path) -> list[str]:
    import python_calamine as pc

    try:
        with pc.CalamineWorkbook.from_path(str(path)) as book:
            return list(book.sheet_names)
    except pc.PasswordError:
        raise ImportFileError("import_password", path=path) from None
    except OSError:
        raise ImportFileError("import_read_failed", path=path) from None
    except Exception:
        raise ImportFileError("import_unreadable", path=path) from None


# --- CSV ------------------------------------------------------------------------------------


def _decodes(path: Path, encoding: str) -> int | None:
    """``None`` if the whole file decodes in ``encoding``, else the line where it fails."""
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = 1
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(_CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeError as exc:  # utf-16 without a BOM raises the base class
                return lines + chunk[: getattr(exc, "start", 0)].count(b"\n")
            if not chunk:
                return None
            lines += chunk.count(b"\n")


def detect_encoding(path: Path) -> str:
    """The file's encoding: BOMs first, then UTF-8, then GB18030, then charset-normalizer."""
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if _decodes(path, "utf-8") is None:
        return "utf-8"
    if _decodes(path, "gb18030") is None:
        return "gb18030"
    from charset_normalizer import from_bytes

    with path.open("rb") as fh:
        sample = fh.read(_CHUNK)
    best = from_bytes(sample).best()
    if best is None or best.encoding is None:
        raise ImportFileError("import_encoding_unknown_file", path=path)
    return str(best.encoding)


def _check_encoding(name: str) -> str:
    try:
        info = codecs.lookup(name.strip())
    except (LookupError, ValueError):  # ValueError: a NUL in the name
        raise ImportFileError("import_encoding_name", encoding=name) from None
    # base64, rot13, zlib … are codecs but no text encodings; "undefined" refuses every byte
    if not getattr(info, "_is_text_encoding", True) or info.name == "undefined":
        raise ImportFileError("import_encoding_name", encoding=name)
    # GBK and GB2312 files are read as GB18030, their superset: a character outside GBK that a
    # newer Excel wrote decodes instead of failing.
    if info.name in ("gbk", "gb2312", "cp936"):
        return "gb18030"
    if info.name == "utf-8":
        return "utf-8-sig"  # a BOM, if present, is not part of the first header
    return info.name


def sniff_delimiter(sample: str) -> str:
    """The delimiter among ``, ; tab |`` that splits the sample most consistently.

    Each candidate is scored by how many records share the most common width (above one
    column) — title rows and odd lines aside; ``csv.Sniffer``'s guess wins a tie. A record
    that keeps a stray ``"`` in a cell does not count: the delimiter missed the quoting there
    (a cell holding a line break and a ``;`` would otherwise make ``;`` win over ``,``).
    """
    if not sample.strip():
        return ","
    try:
        guess = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        guess = ""
    scores = {d: _score(sample, d) for d in DELIMITERS}
    # A delimiter under which the sample reads and writes back as it is (quoted only where a
    # cell needs it, as Excel writes) explains its quoting; prefer those that split it.
    exact = {d: scores[d] for d in DELIMITERS if _writes_back(sample, d)}
    if any(score != (0, 0) for score in exact.values()):
        scores = exact
    best = max(scores.values())
    if best == (0, 0):
        return ","
    if guess in scores and scores[guess] == best:
        return guess
    return next(d for d in DELIMITERS if scores.get(d) == best)


def _writes_back(sample: str, delim: str) -> bool:
    """Whether the records read with ``delim`` give the sample's text again when written with
    minimal quoting (the last record aside: the sample may end inside it)."""
    try:
        records = list(csv.reader(io.StringIO(sample), delimiter=delim))
    except csv.Error:
        return False
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delim, lineterminator="\n")
    writer.writerows(records[:-1])
    return sample.replace("\r\n", "\n").startswith(out.getvalue().replace("\r\n", "\n"))


def _score(sample: str, delim: str) -> tuple[int, int]:
    """(records of the most common width, that width) when the width is above one, else 0s."""
    from collections import Counter

    counts: Counter[int] = Counter()
    try:
        for record in csv.reader(io.StringIO(sample), delimiter=delim):
            if any(cell.strip() for cell in record) and not any('"' in c for c in record):
                counts[len(record)] += 1
    except csv.Error:
        return (0, 0)
    wide = {w: n for w, n in counts.items() if w > 1}
    if not wide:
        return (0, 0)
    width, n = max(wide.items(), key=lambda item: (item[1], item[0]))
    return (n, width)


def _open_csv(path: Path, encoding: str | None) -> Table:
    enc = _check_encoding(encoding) if encoding else detect_encoding(path)
    try:
        with path.open("r", encoding=enc, errors="strict", newline="") as fh:
            sample = fh.read(64 * 1024)
            if fh.read(1):  # a cut sample: drop its last, partial line
                sample = sample[: sample.rfind("\n") + 1] or sample
    except UnicodeError:  # UnicodeDecodeError, or utf-16's "stream does not start with BOM"
        raise _undecoded(path, enc, _decodes(path, enc) or 1) from None
    delimiter = sniff_delimiter(sample)
    raw = path.open("rb")
    text = io.TextIOWrapper(raw, encoding=enc, errors="strict", newline="")
    total = path.stat().st_size
    csv.field_size_limit(1 << 24)

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        lines: list[str] = []  # the file's lines of the record being read

        def kept() -> Iterator[str]:
            for line in text:
                lines.append(line)
                yield line

        reader = csv.reader(kept(), delimiter=delimiter)
        index = 0
        first = physical = 0  # the line the record starts on; the lines read to its end
        try:
            for index, record in enumerate(reader, start=1):  # noqa: B007
                first, physical = physical + 1, reader.line_num
                if physical > first and sum(line.count('"') for line in lines) % 2:
                    # a quote never closed (or closed by a quote of a later row): the rows
                    # after it read into one cell (a note), not imported so
                    raise ImportFileError(
                        "import_csv_unclosed", path=path, line=first, count=physical - first
                    )
                lines.clear()
                # blank → None; an apostrophe that kept a text from Excel's formulas, off
                record = unguard_row(record)
                # (an error value Excel wrote as its text: ``ExcelError``, refused as such)
                cells: list[Cell] = [
                    (v if "#" not in v else excel_error(v) or v) if v.strip() else None
                    for v in record
                ]
                if index == 1 and cells and isinstance(cells[0], str):
                    cells[0] = cells[0].lstrip("\ufeff") or None
                while cells and cells[-1] is None:
                    cells.pop()
                if cells:
                    yield index, cells
        except UnicodeError:
            raise _undecoded(path, enc, index + 1) from None
        except csv.Error as exc:
            raise ImportFileError(
                "import_csv_error", path=path, line=index + 1, reason=csv_reason(exc)
            ) from None
        finally:
            text.close()

    return Table(
        path=path,
        fmt="csv",
        rows=rows(),
        size=total,
        encoding=enc,
        delimiter=delimiter,
        _position=lambda: total if raw.closed else raw.tell(),
        _closer=text.close,
    )


def _undecoded(path: Path, encoding: str, line: int) -> ImportFileError:
    """The refusal of a file that does not decode in ``encoding``: named as the clerk writes
    it (``utf-8``, not the ``utf-8-sig`` it is read as), and the other encodings to try
    (not the one that failed)."""
    shown = {"utf-8-sig": "utf-8", "utf_8_sig": "utf-8"}.get(encoding, encoding)
    if shown in ("utf-8", "utf_8"):
        others = "gb18030"
    elif shown in ("gb18030", "gbk", "gb2312"):
        others = "utf-8"
    else:
        others = "gb18030 或 utf-8"
    return ImportFileError("import_encoding", path=path, encoding=shown, line=line, others=others)


def csv_reason(exc: Exception) -> str:
    """What ``csv`` refused, in Chinese (its own message is English)."""
    from sanlian.i18n.messages import render

    text = str(exc)
    if "field limit" in text:
        return render("import_csv_reason_large")
    if "NUL" in text:
        return render("import_csv_reason_nul")
    return render("import_csv_reason_other")
