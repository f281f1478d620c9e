"""Reports are handed on and published: an ID or mobile number that a clerk wrote into a
visit's diary, a problem's text or a resolution's note is masked in every report (the brief,
the dispatch list, the self-inspection workbook and document); the record keeps what was typed."""

from __future__ import annotations

import json
from pathlib import Path

from stdnum.cn import ric

from tests.conftest import Cli

PHONE = "15811112222"
BODY = "37130219800101123"
ID = BODY + ric.calc_check_digit(BODY + "0")
MASKED_PHONE = "158****2222"
MASKED_ID = "371302********" + ID[-4:]


def _ok(cli: Cli, *args: str) -> str:
    result = cli(*args)
    assert result.code == 0, result
    return result.out


def _ledger(base: Cli) -> Cli:
    """A visit whose diary holds both numbers; a problem raised on it with the phone in its
    text, resolved with both in its note; another, still open (overdue at 6-15), with the ID."""
    diary = f"户主电话{PHONE}，身份证{ID}；另留 138 1234 5678、139-1234-5678、１３７１２３４５６７８、+8613612345678"
    _ok(base, "visit", "add", "--date", "4-3", "--cadre", "单丽", "--household", "1",
        "--form", "home", "--diary", diary)  # fmt: skip
    _ok(base, "problem", "add", "--visit", "1", "--category", "就学", "--owner", "单丽",
        "--text", f"孙子上学路远，联系电话{PHONE}", "--date", "4-3")  # fmt: skip
    _ok(base, "problem", "add", "--household", "1", "--category", "就学", "--owner", "单丽",
        "--text", f"户口迁移，身份证{ID}", "--date", "4-3")  # fmt: skip
    _ok(base, "problem", "resolve", "1", "--how", f"已联系{PHONE}本人，核对身份证{ID}",
        "--date", "4-20")  # fmt: skip
    return base


def _is_masked(text: str) -> None:
    assert PHONE not in text and ID not in text
    assert MASKED_PHONE in text
    for written in ("1234 5678", "1234-5678", "２３４５６７８", "3612345678"):
        assert written not in text  # spaced, dashed, full-width, after +86


def test_the_workbooks_visit_ledger_masks_numbers_however_written(
    base: Cli, tmp_path: Path
) -> None:
    cli = _ledger(base)
    from openpyxl import load_workbook

    _ok(cli, "selfcheck", "-o", str(tmp_path / "自查.xlsx"))
    sheet = load_workbook(tmp_path / "自查.xlsx", read_only=True)["走访台账"]
    diary = next(
        v for row in sheet.iter_rows(values_only=True) for v in row if v and "户主电话" in str(v)
    )
    assert diary == (
        f"户主电话{MASKED_PHONE}，身份证{MASKED_ID}；另留 138****5678、139****5678、137****5678、"
        "+86136****5678"
    )


def test_the_brief_masks_numbers_in_what_it_quotes(base: Cli, tmp_path: Path) -> None:
    cli = _ledger(base)
    text = _ok(cli, "brief", "--from", "4-1", "--to", "4-30", "-f", "json")
    _is_masked(text)
    assert MASKED_ID in text  # the resolution's note
    _is_masked(_ok(cli, "brief", "--from", "4-1", "--to", "4-30"))
    from docx import Document

    _ok(cli, "brief", "--from", "4-1", "--to", "4-30", "-o", str(tmp_path / "简报.docx"))
    words = "\n".join(p.text for p in Document(str(tmp_path / "简报.docx")).paragraphs)
    _is_masked(words)


def test_the_dispatch_list_masks_numbers_in_a_problem(base: Cli) -> None:
    cli = _ledger(base)
    alerts = json.loads(_ok(cli, "supervise", "-f", "json"))
    text = json.dumps(alerts, ensure_ascii=False)
    # the text is cut to 16 characters after it is masked: no part of the birth date shows
    assert "王秀英“户口迁移，身份证371302*…”" in text and ID[6:12] not in text
    assert ID[6:12] not in _ok(cli, "supervise")


def test_the_selfcheck_workbook_and_document_mask_numbers(base: Cli, tmp_path: Path) -> None:
    cli = _ledger(base)
    from openpyxl import load_workbook

    _ok(cli, "selfcheck", "-o", str(tmp_path / "自查.xlsx"))
    book = load_workbook(tmp_path / "自查.xlsx", read_only=True)
    cells = "\n".join(
        str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
        for v in row if v is not None
    )  # fmt: skip
    _is_masked(cells)
    assert MASKED_ID in cells  # the diary, the open problem, the resolution
    from docx import Document

    _ok(cli, "selfcheck", "-o", str(tmp_path / "自查报告.docx"))
    words = "\n".join(p.text for p in Document(str(tmp_path / "自查报告.docx")).paragraphs)
    assert "孙子上学路远" in words
    _is_masked(words)


def test_the_records_keep_what_was_typed(base: Cli) -> None:
    cli = _ledger(base)
    record = json.loads(_ok(cli, "problem", "show", "1", "-f", "json", "--reveal"))
    assert PHONE in json.dumps(record, ensure_ascii=False)


def test_titles_of_activities_and_reports_are_masked_in_reports(base: Cli, tmp_path: Path) -> None:
    """A contact's number written into an activity's or a research report's title: masked in
    the progress table and its JSON and in the self-inspection document, as in the lists."""
    _ok(base, "activity", "add", "civility", "--date", "5-22", "--cadre", "单丽",
        "--partner", "幸福社区", "--title", f"志愿服务（联系人电话{PHONE}）")  # fmt: skip
    _ok(base, "research", "add", "--cadre", "单丽", "--title", f"走访{ID}户调研", "--date", "5-1")
    for shown in (_ok(base, "progress"), _ok(base, "progress", "-f", "json")):
        assert "志愿服务（联系人电话" in shown  # the title is there …
        assert PHONE not in shown and MASKED_PHONE in shown  # … its number masked
    from docx import Document

    _ok(base, "selfcheck", "-o", str(tmp_path / "自查报告.docx"))
    words = "\n".join(p.text for p in Document(str(tmp_path / "自查报告.docx")).paragraphs)
    assert f"《志愿服务（联系人电话{MASKED_PHONE}）》" in words
    assert f"《走访{MASKED_ID}户调研》" in words
    assert PHONE not in words and ID not in words
    listed = _ok(base, "research", "list", "--reveal")
    assert ID in listed  # the record keeps what was typed


def test_a_dry_runs_plan_masks_numbers_in_a_problems_text(base: Cli, tmp_path: Path) -> None:
    sheet = tmp_path / "问题.csv"
    sheet.write_text(
        "对象类型,对象,问题,类别,提出日期,责任人\n"
        f"联系户,王秀英,路灯坏了，联系人{PHONE},其他,2026-05-01,单丽\n"
        # the number across the plan's cut: masked before the text is shortened
        f"联系户,王秀英,小区路灯坏了请联系人电话是{PHONE}再说一遍{'很长' * 20},其他,2026-05-02,单丽\n",
        encoding="utf-8-sig",
    )
    shown = _ok(base, "problem", "import", str(sheet), "--dry-run")
    assert "路灯坏了，联系人" in shown and PHONE not in shown and MASKED_PHONE in shown
    assert PHONE[:7] not in shown  # the middle digits neither, where the text is cut
    assert shown.count(MASKED_PHONE) == 2 and "再说一遍很长" in shown and "…" in shown
    revealed = _ok(base, "problem", "import", str(sheet), "--dry-run", "--reveal")
    assert PHONE in revealed


def test_adding_and_removing_an_activity_or_report_masks_its_title(base: Cli) -> None:
    """The confirmation of ``activity add`` / ``research add`` (and of their removal) quotes
    the title as the lists show it: a number in it masked."""
    said = _ok(
        base, "activity", "add", "summary", "--date", "6-1", "--title", f"总结 联系人{PHONE}"
    )
    assert PHONE not in said and MASKED_PHONE in said
    said = _ok(
        base, "research", "add", "--cadre", "单丽", "--title", f"走访{ID}户", "--date", "5-1"
    )
    assert ID not in said and MASKED_ID in said
    assert ID not in _ok(base, "research", "remove", "1") + _ok(base, "activity", "remove", "1")
