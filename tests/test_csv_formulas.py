"""A clerk's text in a CSV is never a formula to Excel: every CSV writer puts an apostrophe
before a text starting with = + - or @ (``io.cells.guard_row``) and the CSV reader takes it off,
so that export → Excel → import gives back the same values; numbers are left as they are."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from sanlian.io.cells import guard_formula, guard_row, unguard_row
from tests.conftest import Cli

# Excel reads each of these, unguarded, as a formula (or as #NAME?, which it then saves)
FORMULAS = ["=1+2", "+86 138 1234 5678", "-王秀英", "@SUM(A1)", '=HYPERLINK("http://x","点我")']
# and these it reads as they are
PLAIN = ["王秀英", "'张", "张'", "-", "+", "-5", "-12.50", "+3", "-1,234.50", "[/]科", "1-2", ""]


@pytest.mark.parametrize("value", FORMULAS)
def test_a_formula_is_written_after_an_apostrophe(value: str) -> None:
    assert guard_formula(value) == "'" + value
    assert unguard_row([guard_formula(value)]) == [value]


@pytest.mark.parametrize("value", PLAIN)
def test_text_and_numbers_are_written_as_they_are(value: str) -> None:
    assert guard_formula(value) == value
    assert unguard_row([value]) == [value]


@pytest.mark.parametrize("value", ["'=x", "''-王", "'@"])
def test_a_text_that_starts_with_an_apostrophe_and_a_formula_comes_back_too(value: str) -> None:
    written = guard_formula(value)
    assert written == "'" + value
    assert unguard_row([written]) == [value]


def test_a_row_is_guarded_cell_by_cell() -> None:
    row = ["1", "=A1", "王", "-5", "@x"]
    assert guard_row(row) == ["1", "'=A1", "王", "-5", "'@x"]
    plain = ["1", "王", "5-"]
    assert guard_row(plain) is plain  # nothing to do: the row itself


@pytest.fixture
def odd(base: Cli) -> Cli:
    steps = [
        ("section", "add", "=1+2科"),
        ("community", "add", "+幸福家园", "--town", "@街道"),
        ("household", "add", "--community", "+幸福家园", "--address", "=A1", "--", "-王秀英"),
        ("cadre", "add", "李四", "--section", "=1+2科", "--title", "-科员"),
    ]
    for step in steps:
        result = base(*step)
        assert result.code == 0, result
    return base


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def _flat(text: str) -> set[str]:
    return {c for row in _cells(text) for c in row}


def test_every_csv_writer_guards_the_clerks_text(odd: Cli, tmp_path: Path) -> None:
    listing = odd("household", "list", "-f", "csv")  # cli/output.py csv_text
    assert {"'-王秀英", "'+幸福家园", "'=A1"} <= _flat(listing.out), listing
    assert "-王秀英" not in _flat(listing.out)
    exported = odd("export", "household")  # export to stdout
    assert {"'-王秀英", "'+幸福家园", "'=A1"} <= _flat(exported.out), exported
    out = tmp_path / "户.csv"
    assert odd("export", "household", "-o", out).code == 0  # io/writers.py CsvWriter
    assert {"'-王秀英", "'+幸福家园", "'=A1"} <= _flat(out.read_text("utf-8-sig"))
    cadres = tmp_path / "干部.csv"
    assert odd("cadre", "list", "-o", cadres).code == 0
    assert {"'=1+2科", "'-科员"} <= _flat(cadres.read_text("utf-8-sig"))
    selfcheck = odd("selfcheck", "-f", "csv")  # a section's name in the header
    assert "'=1+2科" in _cells(selfcheck.out)[0]


def test_the_streaming_listing_guards_too(odd: Cli, tmp_path: Path) -> None:
    assert odd("visit", "add", "--cadre", "李四", "--household", "-王秀英", "--form", "入户走访",
               "--date", "6-3", "--note", "=1+2").code == 0  # fmt: skip
    result = odd("visit", "list", "-f", "csv")
    assert {"'-王秀英", "'=1+2"} <= _flat(result.out), result
    out = tmp_path / "走访.csv"
    assert odd("visit", "list", "-o", out).code == 0
    assert {"'-王秀英", "'=1+2"} <= _flat(out.read_text("utf-8-sig"))


def _through_excel(path: Path, apostrophe_shown: bool) -> None:
    """``path`` opened in Excel and saved again as CSV, as far as cells go: a cell starting with
    = + - or @ that is no number is a formula, saved as what it gives (here #NAME?); a leading
    apostrophe is kept as written, or taken as Excel's mark for text and not saved."""
    import re

    def seen(value: str) -> str:
        if len(value) > 1 and value[0] in "=+-@" and not re.fullmatch(r"[+-][\d,.]+", value):
            return "#NAME?"
        if value.startswith("'") and not apostrophe_shown:
            return value[1:]
        return value

    rows = [[seen(v) for v in row] for row in _cells(path.read_text("utf-8-sig"))]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_text(buf.getvalue(), "utf-8-sig")


@pytest.mark.parametrize("apostrophe_shown", [True, False])
def test_an_exported_csv_opened_and_saved_in_excel_imports_unchanged(
    odd: Cli, tmp_path: Path, apostrophe_shown: bool
) -> None:
    """Whether Excel shows the apostrophe (and saves it) or takes it as its mark for text (and
    saves the value without it), the import finds every record unchanged."""
    for kind in ("section", "cadre", "community", "household"):
        out = tmp_path / f"{kind}.csv"
        assert odd("export", kind, "-o", out).code == 0
        _through_excel(out, apostrophe_shown)
        result = odd(kind, "import", out)
        assert result.code == 0, result
        assert "新增 0，更新 0" in result.out, result
    households = odd("household", "list", "-f", "json").json()
    assert [(h["name"], h["address"]) for h in households] == [("王秀英", None), ("-王秀英", "=A1")]


def test_a_bad_row_file_guards_what_it_gives_back(base: Cli, tmp_path: Path) -> None:
    """A CSV as sanlian writes it (the apostrophe before =…) reads as the value; the row
    refused is written back guarded again, to be corrected in Excel and imported."""
    file = tmp_path / "干部.csv"
    file.write_text("姓名,科室,职务\n'=1+2,不存在科,\n赵六,办公室,'-科员\n", "utf-8-sig")
    result = base("cadre", "import", file, "--skip-bad")
    assert result.code == 0, result
    bad = tmp_path / "干部.错误.csv"
    assert _cells(bad.read_text("utf-8-sig"))[1][:2] == ["'=1+2", "不存在科"]
    shown = base("cadre", "show", "赵六", "-f", "json").json()
    assert shown["title"] == "-科员"
