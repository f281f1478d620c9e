"""A small streaming .xlsx writer for long tables: each row becomes a line of SpreadsheetML
and goes straight into the zip file, so a sheet of a million rows takes neither memory nor
per-cell objects. openpyxl's write-only mode builds a cell object and an lxml element for every
value (≈ 5 µs a cell; xlsxwriter ≈ 3 µs); this writes ≈ 0.4 µs a cell.

What it writes and nothing more: numbers as numbers, dates as date cells (``yyyy-mm-dd``),
``Decimal`` as money (``#,##0.00``), text as inline strings, a fixed set of cell styles
(:data:`DATE`, :data:`MONEY`, :data:`TEXT`, :data:`HEADER`, :data:`TITLE`, :data:`FILLED`),
column widths, and a frozen row band. Sheets are written one after another (a zip file takes
one entry at a time) and shown in the order given to :meth:`Book.close`.
"""

from __future__ import annotations

import datetime as dt
import sys
import unicodedata
import zipfile
from collections.abc import Callable, Collection, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, NamedTuple

from sanlian.io import XML_ILLEGAL
from sanlian.io.cells import EXCEL_EPOCH, ExcelError

# cell styles: indexes into the cellXfs of STYLES below
PLAIN, DATE, MONEY, TEXT, HEADER, TITLE, FILLED = range(7)
DATE_FORMAT = "yyyy-mm-dd"
COMPRESSLEVEL = 1  # deflate level: 1 is ≈ 2× faster than 6 on sheet XML, the file ≈ 1.4× larger
CHUNK = 1000  # rows joined before each write
SWITCH = 0.0005  # seconds between GIL switches while a sheet is compressed in a thread

_EPOCH = EXCEL_EPOCH.toordinal()  # Excel's day 0 (1900 system, past 1900-03-01)

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_FONT = '<sz val="11"/><name val="Calibri"/><family val="2"/><scheme val="minor"/>'

STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}">'
    f'<numFmts count="1"><numFmt numFmtId="164" formatCode="{DATE_FORMAT}"/></numFmts>'
    f'<fonts count="3"><font>{_FONT}</font><font><b/>{_FONT}</font>'
    '<font><b/><sz val="14"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>'
    "</fonts>"
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/>'
    "</patternFill></fill></fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="7">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'  # PLAIN
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" '
    'applyAlignment="1"><alignment horizontal="center" vertical="center"/></xf>'  # HEADER
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'  # TITLE
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" '
    'applyFill="1"/>'  # FILLED: a bold header on a light blue ground
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


class Styled(NamedTuple):
    """A value written with a style of its own (one of the constants above)."""

    value: Any
    style: int


def display_width(value: Any) -> int:
    """Columns a value takes in a spreadsheet cell (CJK characters two; dates and money as
    they are shown): what column widths are measured by."""
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, Decimal | float):
        return len(f"{value:,.2f}")
    text = str(value)
    return max(
        (
            sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
            for line in text.splitlines()
        ),
        default=0,
    )


def column_letter(index: int) -> str:
    """A, B, … Z, AA, … for 1, 2, …"""
    out = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def _text(value: str) -> str:
    if not value.isprintable():  # tabs, line breaks, and the control characters XML refuses
        value = XML_ILLEGAL.sub("", value)
    if "&" in value or "<" in value or ">" in value:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value


def _cell(ref: str, value: Any, style: int = PLAIN) -> str:
    """One cell of any kind (the slow path: styled cells, and kinds rows seldom hold)."""
    s = f' s="{style}"' if style else ""
    if isinstance(value, Styled):
        return _cell(ref, value.value, value.style)
    if value is None or value == "":
        return f'<c r="{ref}"{s}/>' if style else ""
    if type(value) is ExcelError:  # #N/A as Excel keeps it: an error cell, not a text
        return f'<c r="{ref}"{s} t="e"><v>{_text(value)}</v></c>'
    if isinstance(value, str):
        return (
            f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'
        )
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, dt.datetime):
        day = value.toordinal() - _EPOCH
        seconds = value.hour * 3600 + value.minute * 60 + value.second
        return f'<c r="{ref}" s="{style or DATE}"><v>{day + seconds / 86400}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="{style or DATE}"><v>{value.toordinal() - _EPOCH}</v></c>'
    if isinstance(value, Decimal):
        return f'<c r="{ref}" s="{style or MONEY}"><v>{value}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    return _cell(ref, str(value), style)


class Sheet:
    """One sheet being written; rows are numbered from 1 as they come."""

    def __init__(
        self,
        fh: IO[bytes] | _Behind,
        title: str,
        widths: Sequence[float],
        frozen: int,
        hidden: Collection[int] = (),
    ) -> None:
        self.title = title
        self.rows = 0
        self._fh = fh
        self._buffer: list[str] = []
        self._letters = [column_letter(i) for i in range(1, max(len(widths), 1) + 1)]
        view = '<sheetView workbookViewId="0">'
        if frozen:
            view += (
                f'<pane ySplit="{frozen}" topLeftCell="A{frozen + 1}" activePane="bottomLeft" '
                'state="frozen"/><selection pane="bottomLeft"/>'
            )
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"'
            + (' hidden="1"/>' if i - 1 in hidden else "/>")
            for i, w in enumerate(widths, start=1)
        )
        fh.write(
            (
                f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
                f"<sheetViews>{view}</sheetView></sheetViews>"
                '<sheetFormatPr defaultRowHeight="15"/>'
                + (f"<cols>{cols}</cols>" if cols else "")
                + "<sheetData>"
            ).encode()
        )

    def _letter(self, index: int) -> str:
        while index >= len(self._letters):
            self._letters.append(column_letter(len(self._letters) + 1))
        return self._letters[index]

    def styled(self, values: Iterable[Any], style: int) -> None:
        """A row with every cell in ``style`` (a header, a title)."""
        self.rows += 1
        n = self.rows
        cells = "".join(_cell(f"{self._letter(i)}{n}", v, style) for i, v in enumerate(values))
        self._buffer.append(f'<row r="{n}">{cells}</row>')

    def append(self, values: Sequence[Any]) -> None:
        """A row: text, whole numbers and floats as they are, dates and ``Decimal`` styled,
        ``None`` and "" left empty, a :class:`Styled` value in its own style."""
        self.rows += 1
        n = self.rows
        if len(values) > len(self._letters):
            self._letter(len(values) - 1)
        parts = [f'<row r="{n}">']
        add = parts.append
        for letter, v in zip(self._letters, values, strict=False):
            t = type(v)
            if t is str:
                if v:
                    if not v.isprintable() or "&" in v or "<" in v or ">" in v:
                        v = _text(v)
                    add(
                        f'<c r="{letter}{n}" t="inlineStr"><is><t xml:space="preserve">{v}'
                        "</t></is></c>"
                    )
            elif t is int:
                add(f'<c r="{letter}{n}"><v>{v}</v></c>')
            elif t is dt.date:
                add(f'<c r="{letter}{n}" s="{DATE}"><v>{v.toordinal() - _EPOCH}</v></c>')
            elif v is not None:
                add(_cell(f"{letter}{n}", v))
        add("</row>")
        self._buffer.append("".join(parts))
        if len(self._buffer) >= CHUNK:
            self._flush()

    def writer(self, kinds: Sequence[str]) -> Callable[[Sequence[Any]], None]:
        """``append`` for a long table whose columns hold values of the given ``kinds``, one
        a column: "int" (whole numbers), "date", "money" (``Decimal``) or "text" (``None``
        and "" blank in each).
        The same XML as ``append`` for every row (a value of another kind, or a row of
        another length, takes its way), made by a function compiled for the columns: no
        loop over the cells and no choice of kind in it, and one test a row for text that
        must be escaped. Rows written by ``append`` and by the writer can alternate."""
        return _compile_writer(self, tuple(kinds))

    def _flush(self) -> None:
        if self._buffer:
            self._fh.write("".join(self._buffer).encode())
            self._buffer.clear()  # the same list: a writer from ``writer`` appends to it

    def close(self) -> None:
        try:
            self._flush()
            self._fh.write(b"</sheetData></worksheet>")
        finally:
            self._fh.close()  # also after a failure: a second thread's writing ends there


_WRITERS: dict[tuple[str, ...], Callable[..., Callable[[Sequence[Any]], None]]] = {}


def _compile_writer(sheet: Sheet, kinds: tuple[str, ...]) -> Callable[[Sequence[Any]], None]:
    """The writer of ``Sheet.writer``: Python source made for ``kinds`` (compiled once per
    set of kinds), bound to ``sheet``. Each branch writes what ``append`` writes for that
    kind of value; anything else goes to ``_cell``, as in ``append``."""
    make = _WRITERS.get(kinds)
    if make is None:
        names = [f"v{i}" for i in range(len(kinds))]
        texts = [v for v, k in zip(names, kinds, strict=True) if k == "text"]
        code = [
            "def make(sheet, buffer, flush, general):",
            "    def write(values):",
            f"        if len(values) != {len(kinds)}:",
            "            return general(values)",
            "        sheet.rows = n = sheet.rows + 1",
            "        n = str(n)",  # formatted once, not once a cell
        ]
        if names:
            code.append(f"        {', '.join(names)}, = values")
        if texts:  # one test of the row's texts together; escaped one by one only if needed
            probe = "".join(f"{{{v}}}" for v in texts)
            code += [
                f"        probe = f'{probe}'",
                "        dirty = (not probe.isprintable() or '&' in probe or '<' in probe"
                " or '>' in probe)",
            ]
        code.append("        out = f'<row r=\"{n}\">'")
        for i, (v, kind) in enumerate(zip(names, kinds, strict=True)):
            ref = f"{column_letter(i + 1)}{{n}}"
            if kind == "int":
                code.append(
                    f"        if type({v}) is int: out += f'<c r=\"{ref}\"><v>{{{v}}}</v></c>'"
                )
            elif kind == "date":
                code.append(
                    f'        if type({v}) is date: out += f\'<c r="{ref}" s="{DATE}">'
                    f"<v>{{{v}.toordinal() - EPOCH}}</v></c>'"
                )
            elif kind == "money":
                code.append(
                    f'        if type({v}) is Decimal: out += f\'<c r="{ref}" s="{MONEY}">'
                    f"<v>{{{v}}}</v></c>'"
                )
            elif kind == "text":
                code += [
                    f"        if type({v}) is str:",
                    f"            if {v}:",
                    f"                if dirty: {v} = text({v})",
                    f'                out += f\'<c r="{ref}" t="inlineStr"><is>'
                    f'<t xml:space="preserve">{{{v}}}</t></is></c>\'',
                ]
            else:
                raise ValueError(f"unknown kind {kind!r}")
            code.append(f"        elif {v} is not None: out += cell(f'{ref}', {v})")
        code += [
            "        buffer.append(out + '</row>')",
            f"        if len(buffer) >= {CHUNK}:",
            "            flush()",
            "    return write",
        ]
        scope: dict[str, Any] = {
            **{"date": dt.date, "Decimal": Decimal, "EPOCH": _EPOCH},
            **{"text": _text, "cell": _cell},
        }
        exec("\n".join(code), scope)  # noqa: S102  (source made above from fixed parts)
        made: Callable[..., Callable[[Sequence[Any]], None]] = scope["make"]
        make = _WRITERS[kinds] = made
    return make(sheet, sheet._buffer, sheet._flush, sheet.append)


class _Behind:
    """A sheet's zip entry written from a second thread: deflate, the CRC and the file write
    release the GIL, so the compression of a long sheet (≈ 1.3 s for a million ledger rows at
    level 1) runs on another core while the next rows are made. At most ``DEPTH`` chunks wait.
    A failure there (a full disk) is raised here at the next write or at ``close``, which waits
    for every chunk; after one, later chunks are dropped (the workbook is given up)."""

    DEPTH = 2
    PIECE = 1 << 21

    def __init__(self, fh: IO[bytes]) -> None:
        import queue
        import threading

        self._fh = fh
        self._pending: list[bytes] = []
        self._size = 0
        self._queue: queue.Queue[bytes | None] = queue.Queue(self.DEPTH)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="xlsx-deflate", daemon=True)
        # deflate gives the GIL back for each block of output it fills, and takes it back only
        # when this thread lets go of it: at the default 5 ms a switch, the thread waited
        # longer than it compressed; restored at ``close``
        self._thread.start()
        self._interval = sys.getswitchinterval()
        sys.setswitchinterval(min(self._interval, SWITCH))

    def _run(self) -> None:
        while (data := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._fh.write(data)
                except BaseException as exc:  # noqa: BLE001  (raised in the writing thread)
                    self._error = exc

    def write(self, data: bytes) -> None:
        if self._error is not None:
            raise self._error
        self._pending.append(data)
        self._size += len(data)
        if self._size >= self.PIECE:
            self._queue.put(b"".join(self._pending))
            self._pending.clear()
            self._size = 0

    def close(self) -> None:
        if self._pending:
            self._queue.put(b"".join(self._pending))
            self._pending.clear()
        self._queue.put(None)
        self._thread.join()
        sys.setswitchinterval(self._interval)
        try:
            if self._error is not None:
                raise self._error
        finally:
            self._fh.close()


class Deflating:
    """A file of raw deflate (what a zip entry holds) of the bytes written, with their CRC-32
    and size: a sheet made in another process, for :meth:`Book.deflated_sheet` to take as it is."""

    def __init__(self, fh: IO[bytes], compresslevel: int = COMPRESSLEVEL) -> None:
        import zlib

        self._fh = fh
        # as zipfile deflates an entry: the same level, a raw stream (no zlib header)
        self._deflate = zlib.compressobj(compresslevel, zlib.DEFLATED, -15)
        self._crc32 = zlib.crc32
        self.crc = 0
        self.size = 0

    def write(self, data: bytes) -> None:
        self.crc = self._crc32(data, self.crc)
        self.size += len(data)
        self._fh.write(self._deflate.compress(data))

    def close(self) -> None:
        if self._fh.closed:
            return
        try:
            self._fh.write(self._deflate.flush())
        finally:
            self._fh.close()


class _AsIs:
    """A zip entry's "compressor" for data deflated already (``Book.deflated_sheet``)."""

    @staticmethod
    def compress(data: bytes) -> bytes:
        return data

    @staticmethod
    def flush() -> bytes:
        return b""


class Parts:
    """Sheets written as :class:`Book` writes them, each deflated into a file of ``folder``
    (compressed in a second thread, as a threaded book's) for a book in another process to
    take (``Book.deflated_sheet``); ``close`` says what was made."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._made: list[tuple[str, Path, Deflating]] = []
        self._open: Sheet | None = None

    def sheet(
        self,
        title: str,
        widths: Sequence[float] = (),
        *,
        frozen: int = 0,
        hidden: Collection[int] = (),
    ) -> Sheet:
        self._end_sheet()
        path = self._folder / f"sheet{len(self._made) + 1}.part"
        out = Deflating(path.open("wb"))
        self._made.append((title, path, out))
        self._open = Sheet(_Behind(out), title, widths, frozen, hidden)  # type: ignore[arg-type]
        return self._open

    def _end_sheet(self) -> None:
        if self._open is not None:
            sheet, self._open = self._open, None
            sheet.close()

    def close(self) -> list[tuple[str, str, int, int]]:
        """Each sheet made: its title, file, and the CRC-32 and size of its XML."""
        self._end_sheet()
        return [(title, str(path), out.crc, out.size) for title, path, out in self._made]


class Book:
    """A workbook written as it goes, into a temporary file beside ``path`` that takes its name
    when ``close()`` has written the workbook parts (a file already there is kept until then,
    and kept if the writing fails). ``sheet()`` opens the next sheet, closing the one before;
    ``abort()`` removes the temporary file. ``threaded``: each sheet compressed in a second
    thread (for long sheets; the book must then be closed or aborted in every case).
    ``private``: the file readable by its owner alone (``io.new_part``)."""

    def __init__(
        self,
        path: Path,
        *,
        compresslevel: int = COMPRESSLEVEL,
        threaded: bool = False,
        private: bool = False,
        written: dt.datetime | None = None,
        stamp: bool = True,
    ) -> None:

        self.path = path
        # said to be sanlian's, written then (default: when it is closed), unless not ``stamp``
        self._written, self._stamp = written, stamp
        self._threaded = threaded  # see _Behind
        path.parent.mkdir(parents=True, exist_ok=True)
        from sanlian.io import new_part

        self._part = new_part(path, private=private)  # (the name it takes keeps its mode)
        self.part = self._part  # the file being written
        try:
            self._zip: zipfile.ZipFile | None = zipfile.ZipFile(
                self._part, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel
            )
        except BaseException:
            self._part.unlink(missing_ok=True)
            raise
        self._titles: list[str] = []
        self._open: Sheet | None = None

    @property
    def titles(self) -> list[str]:
        """The sheets written so far, in the order they were written."""
        return list(self._titles)

    def sheet(
        self,
        title: str,
        widths: Sequence[float] = (),
        *,
        frozen: int = 0,
        hidden: Collection[int] = (),
    ) -> Sheet:
        """A new sheet named ``title`` with column ``widths``; the first ``frozen`` rows stay
        in view when scrolling; the columns ``hidden`` (from 0) are hidden."""
        fh = self._entry(title)
        out = _Behind(fh) if self._threaded else fh
        self._open = Sheet(out, title, widths, frozen, hidden)
        return self._open

    def _entry(self, title: str) -> IO[bytes]:
        """The zip entry of the next sheet, ``title``, open for writing (the one before closed)."""
        assert self._zip is not None, "closed"
        if title in self._titles:
            raise ValueError(f"duplicate sheet title {title!r}")
        self._end_sheet()
        self._titles.append(title)
        name = f"xl/worksheets/sheet{len(self._titles)}.xml"
        return self._zip.open(name, "w", force_zip64=True)

    def _end_sheet(self) -> None:
        if self._open is not None:
            self._open.close()
            self._open = None

    def deflated_sheet(self, title: str, source: Path, crc: int, size: int) -> None:
        """A sheet made elsewhere (``Parts``): ``source`` holds its XML deflated as a zip entry
        holds it, ``crc`` and ``size`` those of the XML; copied into the file as it is. (With a
        zipfile that has not the entry writer's fields relied on here, inflated and deflated
        again.)"""
        import shutil
        import zlib

        with self._entry(title) as fh, source.open("rb") as data:
            if all(hasattr(fh, k) for k in ("_compressor", "_crc", "_file_size")):
                fh._compressor = _AsIs()  # type: ignore[attr-defined]
                shutil.copyfileobj(data, fh, 1 << 20)
                fh._crc, fh._file_size = crc, size  # type: ignore[attr-defined]
            else:
                inflate = zlib.decompressobj(-15)
                while chunk := data.read(1 << 20):
                    fh.write(inflate.decompress(chunk))
                fh.write(inflate.flush())

    def close(self, order: Sequence[str] | None = None) -> None:
        """Finish the file; the sheets are shown in ``order`` (titles), else as written."""
        if self._zip is None:
            return
        titles = list(order) if order is not None else self._titles
        if sorted(titles) != sorted(self._titles):
            raise ValueError("the order must name every sheet once")
        try:
            self._end_sheet()
            self._finish(self._zip, titles)
        except BaseException:
            self.abort()
            raise
        self._zip = None
        from sanlian.io import put_in_place

        put_in_place(self._part, self.path)

    def _finish(self, z: zipfile.ZipFile, titles: list[str]) -> None:
        number = {t: i for i, t in enumerate(self._titles, start=1)}
        sheets = "".join(
            f'<sheet name="{_attr(t)}" sheetId="{number[t]}" r:id="rId{number[t]}"/>'
            for t in titles
        )
        z.writestr(
            "xl/workbook.xml",
            f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
            f'<bookViews><workbookView activeTab="0"/></bookViews><sheets>{sheets}</sheets>'
            "</workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in number.values()
        )
        style_id = len(number) + 1
        rels += f'<Relationship Id="rId{style_id}" Type="{_REL}/styles" Target="styles.xml"/>'
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{_HEAD}<Relationships xmlns="{_PKG_REL}">{rels}</Relationships>',
        )
        z.writestr("xl/styles.xml", STYLES)
        z.writestr("docProps/core.xml", core_properties(self._written, stamp=self._stamp))
        z.writestr(
            "_rels/.rels",
            f'{_HEAD}<Relationships xmlns="{_PKG_REL}"><Relationship Id="rId1" '
            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            f'<Relationship Id="rId2" Type="{_PKG_REL}/metadata/core-properties" '
            'Target="docProps/core.xml"/></Relationships>',
        )
        ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{ct}.worksheet+xml"/>'
            for i in number.values()
        )
        z.writestr(
            "[Content_Types].xml",
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/>'
            '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            f"{overrides}</Types>",
        )
        z.close()

    def abort(self) -> None:
        """Give up: close what is open and leave no half-written file behind."""
        import contextlib

        try:
            if self._zip is not None:
                z, self._zip = self._zip, None
                try:
                    with contextlib.suppress(Exception):
                        if self._open is not None:
                            self._open.close()
                finally:
                    with contextlib.suppress(Exception):  # also when the sheet's close failed
                        z.close()
        finally:  # also when a second Ctrl-C or ending signal lands in the above
            self._part.unlink(missing_ok=True)


CREATOR = "sanlian"  # the workbook's author (Excel keeps it, and its creation time, on saving)
_CORE = (
    'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
)


def core_properties(written: dt.datetime | None = None, *, stamp: bool = True) -> str:
    """The workbook's properties: written by sanlian at ``written`` (default now; UTC, to the
    second). An export imported back is checked against what changed in the ledger since
    (``written_at``); a workbook not ``stamp``-ed says no author (an import's bad rows of a
    file that did not say when it was written)."""
    from sanlian.services.clock import now

    at = (written or now()).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    author = f"<dc:creator>{CREATOR}</dc:creator>" if stamp else ""
    return (
        f"{_HEAD}<cp:coreProperties {_CORE}>{author}"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{at}</dcterms:created></cp:coreProperties>'
    )


def written_at(path: Path) -> dt.datetime | None:
    """When sanlian wrote the workbook at ``path`` (in UTC), kept by Excel, WPS and
    openpyxl when the clerk saves it; ``None`` for a workbook sanlian did not write (or a
    damaged one)."""
    from xml.etree import ElementTree

    dc, terms = "{http://purl.org/dc/elements/1.1/}", "{http://purl.org/dc/terms/}"
    try:
        with zipfile.ZipFile(path) as book:
            core = ElementTree.fromstring(book.read("docProps/core.xml"))
        creator = core.findtext(f"{dc}creator")
        created = core.findtext(f"{terms}created")
        if creator != CREATOR or not created:
            return None
        at = dt.datetime.fromisoformat(created.strip().replace("Z", "+00:00"))
    except Exception:  # noqa: BLE001  (no such part, not a zip, not XML, not a time)
        return None
    return at.astimezone(dt.UTC) if at.tzinfo else at.replace(tzinfo=dt.UTC)


def _attr(value: str) -> str:
    return _text(value).replace('"', "&quot;")
