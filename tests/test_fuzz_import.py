"""Fuzzing the importers: arbitrary bytes as a CSV file, arbitrary cells in a well-formed CSV or
Excel file, truncated and corrupted workbooks. Every import exits 0 or 1 with a Chinese sentence,
never an internal error; a dry run never writes; a refused import writes nothing at all.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Cli, dump
from tests.fuzz_common import NASTY, check, examples, fresh_copies, nasty_text

IMPORT_RUNS = settings(
    max_examples=examples(15),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
KINDS = [
    "cadre", "household", "visit", "problem", "community", "enterprise", "link", "research", "section"
]  # fmt: skip


@pytest.fixture
def fresh(cli: Cli, tmp_path_factory: pytest.TempPathFactory) -> Callable[[], Path]:
    return fresh_copies(cli, tmp_path_factory)


@pytest.fixture
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-import-files", numbered=True)


def header(kind: str) -> list[str]:
    from sanlian.services.importing import fields_for

    return [f.label for f in fields_for(kind)]


def import_both_ways(cli: Cli, db: Path, kind: str, path: Path, *extra: str) -> None:
    """A dry run writes nothing whatever it says; the real import writes all or nothing."""
    before = dump(db)
    dry = check(cli, db, kind, "import", path, "--dry-run", *extra, codes=(0, 1))
    assert dump(db) == before, dry
    check(cli, db, kind, "import", path, *extra, codes=(0, 1))


# --- arbitrary bytes --------------------------------------------------------------------------

BOMS = [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE]
ENCODINGS = ["utf-8", "gb18030", "utf-16-le", "utf-16-be", "big5", "shift_jis", "latin-1"]
CHAOS = [
    b'"',
    b'""',
    b'"a""b',
    b"\r",
    b"\r\n",
    b"\n\n\n",
    b"\x00",
    b",,,,,,,,",
    b";\t|",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\x81\x30",  # the start of a four-byte GB18030 sequence
    b"\xe4\xb8",  # a UTF-8 character cut in two
    b"=cmd|' /C calc'!A0",
    b"x" * 70_000,  # past the delimiter sniffer's 64 KiB sample
    b'"' + b"y" * 5000,  # an unclosed quote running to the end of the file
]


@st.composite
def csv_bytes(draw: st.DrawFn, kind: str) -> bytes:
    """A file that starts like a roster (or not) and then goes wrong in every way."""
    bom = draw(st.sampled_from(BOMS))
    encoding = draw(st.sampled_from(ENCODINGS))
    parts: list[bytes] = []
    if draw(st.booleans()):
        parts.append((",".join(header(kind)) + "\r\n").encode(encoding, errors="replace"))
    for _ in range(draw(st.integers(0, 6))):
        choice = draw(st.integers(0, 3))
        if choice == 0:
            parts.append(draw(st.binary(max_size=200)))
        elif choice == 1:
            parts.append(draw(st.sampled_from(CHAOS)))
        else:
            cells = draw(st.lists(nasty_text, max_size=12))
            line = ",".join(cells) + draw(st.sampled_from(["\r\n", "\n", "\r", ""]))
            parts.append(line.encode(encoding, errors="replace"))
    return bom + b"".join(parts)


@IMPORT_RUNS
@given(data=st.data(), kind=st.sampled_from(KINDS), skip_bad=st.booleans())
def test_any_bytes_as_csv(
    cli: Cli, fresh: Any, files: Path, data: st.DataObject, kind: str, skip_bad: bool
) -> None:
    path = files / "花名册.csv"
    path.write_bytes(data.draw(csv_bytes(kind)))
    import_both_ways(cli, fresh(), kind, path, *(["--skip-bad"] if skip_bad else []))


@IMPORT_RUNS
@given(content=st.binary(max_size=300), encoding=st.sampled_from([*NASTY[:12], "gbk", "utf-16"]))
def test_any_bytes_with_a_forced_encoding(
    cli: Cli, fresh: Any, files: Path, content: bytes, encoding: str
) -> None:
    path = files / "x.csv"
    path.write_bytes(",".join(header("cadre")).encode() + b"\n" + content)
    import_both_ways(cli, fresh(), "cadre", path, "--encoding", encoding)


# --- arbitrary cells in a well-formed file ---------------------------------------------------

REALISTIC = {
    "cadre": ["李娜", "办公室", "女", "科员", "中共党员", "否", "成员", "13912345678", ""],
    "household": ["赵大妈", "幸福社区", "", "", "3", "就医", "幸福路 1 号", ""],
    "visit": ["2026-06-05", "单丽", "联系户", "王秀英", "入户走访", "1", "了解情况", ""],
    "problem": ["2026-06-05", "联系户", "王秀英", "就医", "看病难", "单丽", "", "否", ""],
    "community": ["东关社区", "社区", "兰山街道", "第二网格", "", "", ""],
    "enterprise": ["临沂某某有限公司", "", "制造", "", "", "", ""],
    "link": ["社区", "办公室", "", "前河湾村", "2026-03-01", "", ""],
    "research": ["单丽", "关于就业的调研", "2026-06-10", "就业"],
    "section": ["规划科", ""],
}


@st.composite
def ledger_rows(draw: st.DrawFn, kind: str) -> list[list[Any]]:
    """Rows that look right but for some cells, which may hold anything at all."""
    width = len(header(kind))
    rows = []
    for _ in range(draw(st.integers(1, 4))):
        row: list[Any] = list(REALISTIC[kind]) + [""] * (width - len(REALISTIC[kind]))
        for index in draw(st.lists(st.integers(0, width + 2), max_size=width)):
            value = draw(
                st.one_of(
                    nasty_text,
                    st.sampled_from(NASTY),
                    st.integers(-(10**20), 10**20),
                    st.floats(allow_nan=True),
                )
            )
            while index >= len(row):
                row.append("")
            row[index] = value
        rows.append(row)
    return rows


def _excel_safe(value: Any) -> Any:
    """openpyxl refuses control characters in a cell; Excel could not hold them either."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, float) and value != value:
        return "NaN"
    if isinstance(value, int) and abs(value) >= 2**53:
        return str(value)
    return value


@IMPORT_RUNS
@given(data=st.data(), kind=st.sampled_from(KINDS), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_any_cells_in_a_well_formed_file(
    cli: Cli, fresh: Any, files: Path, data: st.DataObject, kind: str, suffix: str
) -> None:
    rows = [header(kind), *data.draw(ledger_rows(kind))]
    path = files / f"台账{suffix}"
    if suffix == ".csv":
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows(rows)
        path.write_bytes(buf.getvalue().encode("utf-8-sig", errors="replace"))
    else:
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        for row in rows:
            sheet.append([_excel_safe(v) for v in row])
        book.save(path)
    import_both_ways(cli, fresh(), kind, path)


# --- damaged workbooks ------------------------------------------------------------------------


def _workbook_bytes(kind: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header(kind))
    sheet.append(REALISTIC[kind])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@IMPORT_RUNS
@given(
    kind=st.sampled_from(KINDS),
    cut=st.floats(0, 1),
    flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=4),
    suffix=st.sampled_from([".xlsx", ".xls", ".ods", ".xlsb"]),
)
def test_truncated_or_corrupted_workbook(
    cli: Cli,
    fresh: Any,
    files: Path,
    kind: str,
    cut: float,
    flips: list[tuple[float, int]],
    suffix: str,
) -> None:
    content = bytearray(_workbook_bytes(kind))
    for where, byte in flips:
        content[int(where * (len(content) - 1))] = byte
    content = content[: max(1, int(len(content) * cut))] if cut < 1 else content
    path = files / f"花名册{suffix}"
    path.write_bytes(bytes(content))
    import_both_ways(cli, fresh(), kind, path)


@IMPORT_RUNS
@given(
    members=st.lists(
        st.tuples(
            st.sampled_from(
                ["xl/workbook.xml", "[Content_Types].xml", "xl/worksheets/sheet1.xml", "a.txt"]
            ),
            st.binary(max_size=200),
        ),
        max_size=4,
        unique_by=lambda member: member[0],
    ),
    sheet=st.one_of(st.none(), st.sampled_from(["1", "2", "0", "Sheet", "𐩀", "9" * 30])),
)
def test_zip_that_is_no_workbook(
    cli: Cli, fresh: Any, files: Path, members: list[tuple[str, bytes]], sheet: str | None
) -> None:
    path = files / "花名册.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in members:
            archive.writestr(name, content)
    extra = ["--sheet", sheet] if sheet is not None else []
    import_both_ways(cli, fresh(), "cadre", path, *extra)


@IMPORT_RUNS
@given(
    kind=st.sampled_from(KINDS),
    mapping=st.lists(
        st.one_of(
            nasty_text,
            st.builds(lambda a, b: f"{a}={b}", nasty_text, nasty_text),
            st.sampled_from(["姓名=科室", "=", "==", "科室=忽略", "x=姓名", "姓名=姓名"]),
        ),
        max_size=3,
    ),
    sheet=st.one_of(st.none(), nasty_text, st.sampled_from(["1", "2", "Sheet", "说明"])),
)
def test_any_map_and_sheet_options(
    cli: Cli, fresh: Any, files: Path, kind: str, mapping: list[str], sheet: str | None
) -> None:
    path = files / "台账.xlsx"
    path.write_bytes(_workbook_bytes(kind))
    extra = [arg for item in mapping for arg in ("--map", item)]
    extra += ["--sheet", sheet] if sheet is not None else []
    import_both_ways(cli, fresh(), kind, path, *extra)


@pytest.mark.parametrize("kind", KINDS)
def test_the_rows_fuzzed_are_good_rows(cli: Cli, fresh: Any, files: Path, kind: str) -> None:
    """The fuzzed files start from rows that import, so the fuzz reaches the writing paths."""
    path = files / "台账.xlsx"
    path.write_bytes(_workbook_bytes(kind))
    db = fresh()
    before = dump(db)
    result = check(cli, db, kind, "import", path, codes=(0,))
    assert "新增 1" in result.out, result
    assert dump(db) != before
