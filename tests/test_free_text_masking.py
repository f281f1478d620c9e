"""An ID or mobile number a clerk wrote in free text (a diary, a problem and its steps, a note,
a household's needs or address, a title) is masked on the screen and in every listing file, as
the number fields are, unless ``--reveal`` — whose use is journaled, and whose file is its
owner's alone. The record keeps what was typed."""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from pathlib import Path

import pytest
from stdnum.cn import ric

from tests.conftest import Cli, dump

PHONE = "15811112222"
BODY = "37130219800101123"
ID = BODY + ric.calc_check_digit(BODY + "0")
MASKED_PHONE = "158****2222"
MASKED_ID = "371302********" + ID[-4:]


def _ok(cli: Cli, *args: str | Path) -> str:
    result = cli(*args)
    assert result.code == 0, result
    return result.out


def _masked(text: str) -> None:
    assert PHONE not in text and ID not in text, text
    assert MASKED_PHONE in text or MASKED_ID in text, text


def _whole(text: str) -> None:
    assert PHONE in text or ID in text, text


def _reveals(cli: Cli) -> list[str]:
    """The journal's entries of kind reveal, newest first."""
    entries = json.loads(_ok(cli, "history", "-f", "json"))
    return [e["summary"] for e in entries if e["kind"] == "reveal"]


@pytest.fixture
def ledger(base: Cli) -> Cli:
    _ok(base, "visit", "add", "--date", "4-3", "--cadre", "单丽", "--household", "1",
        "--form", "home", "--diary", f"户主电话{PHONE}", "--note", f"身份证{ID}")  # fmt: skip
    _ok(base, "problem", "add", "--visit", "1", "--category", "就学", "--owner", "单丽",
        "--text", f"孙子上学路远，联系电话{PHONE}", "--date", "4-3")  # fmt: skip
    _ok(base, "problem", "resolve", "1", "--how", f"已核对身份证{ID}", "--date", "4-20")
    _ok(base, "household", "edit", "1", "--needs", f"女儿电话{PHONE}")
    _ok(base, "link", "community", "--section", "综合科", "--community", "幸福社区",
        "--from", "4-1")  # fmt: skip
    _ok(base, "link", "household", "--household", "1", "--cadre", "单丽", "--from", "4-1",
        "--note", f"户主电话{PHONE}")  # fmt: skip
    _ok(base, "activity", "add", "education", "--date", "4-5", "--title", "专题教育",
        "--note", f"联系人电话{PHONE}")  # fmt: skip
    _ok(base, "research", "add", "--cadre", "单丽", "--title", f"走访{PHONE}一户的调研",
        "--date", "4-6")  # fmt: skip
    return base


LISTINGS = [
    ("visit", "list"),
    ("visit", "show", "1"),
    ("problem", "list"),
    ("problem", "show", "1"),
    ("household", "list"),
    ("household", "show", "1"),
    ("link", "list"),
    ("activity", "list"),
    ("research", "list"),
]


@pytest.mark.parametrize("command", LISTINGS, ids=" ".join)
@pytest.mark.parametrize("fmt", ["table", "plain", "markdown", "csv", "json"])
def test_a_number_in_free_text_is_masked_in_every_format(
    ledger: Cli, command: tuple[str, ...], fmt: str
) -> None:
    _masked(_ok(ledger, *command, "-f", fmt))


@pytest.mark.parametrize("command", LISTINGS, ids=" ".join)
def test_reveal_shows_what_was_typed_and_is_journaled(
    ledger: Cli, command: tuple[str, ...]
) -> None:
    _whole(_ok(ledger, *command, "--reveal", "-f", "json"))
    assert len(_reveals(ledger)) == 1


def test_the_problem_and_each_of_its_steps_are_masked(ledger: Cli) -> None:
    record = json.loads(_ok(ledger, "problem", "show", "1", "-f", "json"))
    assert record["text"] == f"孙子上学路远，联系电话{MASKED_PHONE}"
    notes = [step["note"] for step in record["timeline"]]
    assert f"已核对身份证{MASKED_ID}" in notes
    shown = json.loads(_ok(ledger, "problem", "show", "1", "-f", "json", "--reveal"))
    assert f"已核对身份证{ID}" in [step["note"] for step in shown["timeline"]]
    # noted once, though the problem and its steps are two tables on the screen
    _ok(ledger, "problem", "show", "1", "--reveal")
    assert _reveals(ledger)[0] == "显示完整身份证号码/手机号码：问题 1 1 条"


def test_a_listing_without_a_number_in_it_journals_no_reveal(base: Cli) -> None:
    _ok(base, "visit", "add", "--date", "4-3", "--cadre", "单丽", "--household", "1",
        "--form", "home", "--diary", "了解到孙子上学路远")  # fmt: skip
    _ok(base, "visit", "list", "--reveal", "-f", "csv")
    assert _reveals(base) == ["显示完整身份证号码/手机号码：visit list --reveal -f csv"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json", ".txt"])
def test_every_visit_written_to_a_file_is_masked(ledger: Cli, tmp_path: Path, suffix: str) -> None:
    """A long listing to a file is written as it is read (``stream_rows``): masked row by row."""
    path = tmp_path / f"走访{suffix}"
    _ok(ledger, "visit", "list", "-o", path)
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(path, read_only=True).worksheets[0]
        text = "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row)
    else:
        text = path.read_text(encoding="utf-8-sig")
    _masked(text)
    assert f"户主电话{MASKED_PHONE}" in text and f"身份证{MASKED_ID}" in text


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
@pytest.mark.parametrize("command", [("visit", "list"), ("problem", "list")], ids=" ".join)
def test_a_file_with_full_numbers_in_free_text_is_the_owners_alone(
    ledger: Cli, tmp_path: Path, command: tuple[str, ...]
) -> None:
    masked, whole = tmp_path / "遮.csv", tmp_path / "全.csv"
    old = os.umask(0o022)
    try:
        _ok(ledger, *command, "-o", masked)
        _ok(ledger, *command, "-o", whole, "--reveal")
    finally:
        os.umask(old)
    assert stat.S_IMODE(whole.stat().st_mode) == 0o600
    assert stat.S_IMODE(masked.stat().st_mode) == 0o644
    _whole(whole.read_text(encoding="utf-8-sig"))
    _masked(masked.read_text(encoding="utf-8-sig"))
    assert _reveals(ledger)[0].endswith(f"条，写入 {whole}")


def test_the_default_table_masks_them_too(ledger: Cli) -> None:
    _masked(_ok(ledger, "visit", "list"))
    assert f"户主电话{MASKED_PHONE}" in _ok(ledger, "visit", "show", "1")


# --- what is not a personal number -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "第3期 2024.1.15-2024.12.20 专题",  # fifteen digits with dots and a dash: dates
        "座机0539-8123456-8012",  # a landline and its extension
        "统一社会信用代码113713000042183212",  # eighteen digits, no birth date in them
        "文号临政发〔2026〕12号，2026年3月1日至2026年12月31日",
    ],
)
def test_dates_codes_and_landlines_in_prose_are_left_as_written(text: str) -> None:
    from sanlian.services.validate import mask_numbers_anywhere

    assert mask_numbers_anywhere(text) == text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (f"身份证{ID}", f"身份证{MASKED_ID}"),
        ("身份证 370102 1990 0101 1234", "身份证 370102********1234"),  # check digit wrong
        ("旧证370102900101123", "旧证370102*****1123"),  # the old fifteen digits
        ("电话(139)1234-5678", "电话139****5678"),
        ("+86 138 1234 5678", "+86138****5678"),
        # split over two lines of a diary (it was shown whole)
        (
            "户主身份证370102199001\n011231，电话138\n1234 5678",
            "户主身份证370102********1231，电话138****5678",
        ),
        ("电话138\r\n12345678", "电话138****5678"),
    ],
)
def test_numbers_in_prose_are_masked_however_written(text: str, shown: str) -> None:
    from sanlian.services.validate import mask_numbers_anywhere

    assert mask_numbers_anywhere(text) == shown


def test_a_topic_and_a_contact_are_free_text_too(base: Cli) -> None:
    _ok(base, "research", "add", "--cadre", "单丽", "--title", "调研", "--topic",
        f"回访{PHONE}", "--date", "4-6")  # fmt: skip
    _ok(base, "community", "edit", "幸福社区", "--contact", f"王主任{PHONE}")
    _masked(_ok(base, "research", "list", "-f", "csv"))
    _masked(_ok(base, "community", "list", "-f", "csv"))
    _masked(_ok(base, "community", "show", "幸福社区"))


# --- what is shown masked is not written back over the number ---------------------------------


@pytest.mark.parametrize(
    ("command", "field"),
    [
        (("visit", "edit", "1", "--diary"), "民情日记"),
        (("problem", "edit", "1", "--text"), "问题内容"),
        (("household", "edit", "1", "--needs"), "需求"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else v,
)
def test_a_masked_number_pasted_back_is_refused(
    ledger: Cli, db_path: Path, command: tuple[str, ...], field: str
) -> None:
    from tests.conftest import dump

    before = dump(db_path)
    result = ledger(*command, f"改过的内容，电话{MASKED_PHONE}")
    assert result.code == 1, result
    assert f"：“{field}”中写的“{MASKED_PHONE}”是遮蔽显示的号码" in result.err, result.err
    assert f"请用 sanlian {command[0]} show 1 --reveal 查看原文后照原文修改" in result.err
    assert dump(db_path) == before
    # the number itself, or none: as the clerk wants
    _ok(ledger, *command, f"改过的内容，电话{PHONE}")
    _ok(ledger, *command, "改过的内容，号码已删去")


def test_a_masked_number_in_a_new_record_is_kept_as_typed(base: Cli) -> None:
    """Nothing is lost when a new diary quotes a number as a report showed it."""
    _ok(base, "visit", "add", "--date", "4-3", "--cadre", "单丽", "--household", "1",
        "--form", "home", "--diary", f"回访{MASKED_PHONE}")  # fmt: skip
    assert MASKED_PHONE in _ok(base, "visit", "show", "1", "--reveal")


def test_an_imported_listing_with_the_text_shown_masked_is_refused(
    ledger: Cli, db_path: Path, tmp_path: Path
) -> None:
    """A listing written to a file, its number columns deleted (as the import advises) and
    imported again: the needs, masked in it, would have lost the number."""
    import csv

    from tests.conftest import dump

    listing = tmp_path / "户.csv"
    _ok(ledger, "household", "list", "-o", listing)
    with listing.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    keep = [i for i, h in enumerate(rows[0]) if h not in ("手机号码", "身份证号码")]
    edited = tmp_path / "户2.csv"
    with edited.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([[r[i] for i in keep if i < len(r)] for r in rows])
    before = dump(db_path)
    for extra in ((), ("--dry-run",)):  # a rehearsal says what the import would
        result = ledger("household", "import", edited, *extra)
        assert result.code == 1 and f"“需求”中写的“{MASKED_PHONE}”" in result.err, result
        assert re.search(r"\n2 +需求 +女儿电话158\*{4}2222 ", result.err), result.err
    assert dump(db_path) == before
    # --skip-bad: the other rows go in, this one is saved to be mended
    with edited.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerow(["", "新户", "幸福社区", "", "", ""])
    result = ledger("household", "import", edited, "--skip-bad")
    assert result.code == 0 and "新增 1，更新 0，未变 0，不合格 1" in result.out, result
    assert f"女儿电话{PHONE}" in _ok(ledger, "household", "show", "1", "--reveal")


def test_a_rehearsed_ledger_import_refuses_it_too(ledger: Cli, tmp_path: Path) -> None:
    import csv

    path = tmp_path / "走访.csv"
    _ok(ledger, "export", "visit", "-o", path)
    text = path.read_text(encoding="utf-8-sig").replace(PHONE, MASKED_PHONE)
    path.write_text(text, encoding="utf-8-sig")
    for extra in ((), ("--dry-run",)):
        result = ledger("visit", "import", path, *extra)
        assert result.code == 1, result
        assert f"走访 1：“民情日记”中写的“{MASKED_PHONE}”" in result.err, result.err
    assert csv  # (the file is the export's own)


@pytest.mark.parametrize(
    ("old", "new", "lost"),
    [
        (f"电话{PHONE}", f"电话{MASKED_PHONE}", MASKED_PHONE),
        (f"电话{PHONE}", f"电话{PHONE}（屏幕上显示为{MASKED_PHONE}）", None),  # kept whole
        (
            f"电话{PHONE}（登记为{MASKED_PHONE}）",
            f"电话{MASKED_PHONE}（登记为{MASKED_PHONE}）",
            MASKED_PHONE,
        ),  # fmt: skip
        (f"电话{PHONE}", f"电话 158 1111 2222，即{MASKED_PHONE}", None),  # written otherwise
        ("没有号码", f"回访{MASKED_PHONE}", None),  # never whole here: nothing to lose
        (f"身份证{ID}", f"身份证{MASKED_ID}", MASKED_ID),
    ],
)
def test_what_a_masked_paste_would_lose(old: str, new: str, lost: str | None) -> None:
    from sanlian.services.validate import number_masked_in

    assert number_masked_in(old, new) == lost


# --- the journal ------------------------------------------------------------------------------


def test_history_and_undo_mask_numbers_in_free_text(ledger: Cli) -> None:
    _ok(ledger, "visit", "edit", "1", "--diary", f"新电话{PHONE}")
    _ok(ledger, "activity", "add", "education", "--date", "4-7", "--title", f"联系{PHONE}")
    for args in (("history",), ("history", "--detail"), ("history", "--detail", "-f", "json"),
                 ("history", "--record", "visit:1")):  # fmt: skip
        _masked(_ok(ledger, *args))
    _whole(_ok(ledger, "history", "--detail", "--reveal"))
    asked = ledger("undo")  # no answer: cancelled, but says what it would do
    assert "联系" in asked.out
    _masked(asked.out + asked.err)


# --- export -------------------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_export_with_a_number_in_its_free_text_is_the_owners_alone(
    ledger: Cli, tmp_path: Path, suffix: str
) -> None:
    """Free text is exported as typed (it is imported again), so a file where it holds a
    number is private, as one with the number columns is, and the clerk is told why."""
    old = os.umask(0o022)
    try:
        with_number, without = tmp_path / f"户{suffix}", tmp_path / f"科室{suffix}"
        said = ledger("export", "household", "-o", with_number)
        _ok(ledger, "export", "section", "-o", without)
    finally:
        os.umask(old)
    assert said.code == 0
    assert "中写下的身份证号码、手机号码照原样导出" in said.err and "仅本人可读" in said.err
    assert stat.S_IMODE(with_number.stat().st_mode) == 0o600
    assert stat.S_IMODE(without.stat().st_mode) == 0o644


@pytest.mark.parametrize("kind", ["household", "visit", "problem", "link", "activity"])
def test_an_export_on_the_screen_masks_the_numbers_in_free_text(
    ledger: Cli, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """Without ``-o`` on a terminal, where nothing is imported again, a number written in free
    text is masked and the clerk told where it goes in full; into a pipe or ``> file`` it goes
    as typed (to be imported again), and the clerk is told so; ``--reveal`` shows it."""
    from sanlian.cli import output

    monkeypatch.setattr(output, "stdout_is_terminal", lambda: True)
    shown = ledger("export", kind)
    assert shown.code == 0, shown
    _masked(shown.out)
    assert "在屏幕上已遮蔽" in shown.err and "照原样输出" not in shown.err
    _whole(_ok(ledger, "export", kind, "--reveal"))
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: False)
    piped = ledger("export", kind)
    _whole(piped.out)
    assert "照原样输出" in piped.err and "在屏幕上已遮蔽" not in piped.err
    assert "照原样" not in ledger("export", "section").err


def test_holds_number_is_whether_masking_would_change_the_text() -> None:
    from sanlian.services.validate import holds_number, mask_numbers_anywhere

    for text in (
        "户主手机 139 1234 5678，请回电",
        "身份证 371302197208269419",
        "2024.1.15-2024.12.20 共走访 3 次",
        "座机 0539-8123456-8012",
        "统一社会信用代码 913713001630448004",
        "",
    ):
        assert holds_number(text) == (mask_numbers_anywhere(text) != text), text
    assert holds_number("联系 13912345678") and not holds_number("联系 0539-8123456")


@pytest.mark.parametrize(
    "command",
    [("household", "list"), ("household", "show", "1"), ("problem", "show", "1")],
    ids=" ".join,
)
def test_a_file_that_could_not_be_written_showed_nothing_and_journals_nothing(
    ledger: Cli, tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch,
    command: tuple[str, ...],
) -> None:  # fmt: skip
    """``-o 文件 --reveal`` refused at the writing (the file open in Excel, a folder not
    writable): it wrote a 查看完整号码 entry all the same, saying the file was written."""
    from sanlian.cli import output
    from sanlian.errors import SanlianError

    def fail(*_args: object, **_kw: object) -> None:
        raise SanlianError("export_write_failed", path=str(tmp_path / "全.json"))

    written = output.emit
    monkeypatch.setattr(output, "emit", fail)
    before = dump(db_path)
    result = ledger(*command, "-o", tmp_path / "全.json", "--reveal")
    assert result.code == 1 and "无法写入文件" in result.err, result
    assert dump(db_path) == before
    monkeypatch.setattr(output, "emit", written)
    _ok(ledger, *command, "-o", tmp_path / "全.json", "--reveal")
    assert _reveals(ledger)[0].endswith(f"，写入 {tmp_path / '全.json'}")
