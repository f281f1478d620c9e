"""The streaming SpreadsheetML writer (``io/xlsx_stream``) and 自查报告.xlsx written with it,
read back by two independent readers: openpyxl and python-calamine (the Rust reader the
imports use). Every cell of the small campaign's workbook must read the same in both."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from tests.conftest import Cli, location
from tests.test_selfcheck import Ids, build_ledger

D = dt.date
TRICKY = "甲&乙 <丙> \"丁\" 'x'\n第二行\t制表\x07响铃\x1f  "  # \x07 and \x1f cannot be in XML


def _canon(value: Any) -> Any:
    """A value as both readers should agree on it: blanks as None, dates as dates, numbers as
    exact decimals (openpyxl gives 2, calamine 2.0)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value
    if isinstance(value, dt.date | str | bool):
        return value
    assert isinstance(value, int | float | Decimal), value
    return Decimal(str(value)).normalize()


def _openpyxl_rows(path: Path) -> dict[str, list[list[Any]]]:
    import openpyxl

    book = openpyxl.load_workbook(path)
    out = {}
    for ws in book.worksheets:
        rows = [[_canon(v) for v in row] for row in ws.iter_rows(values_only=True)]
        out[ws.title] = [_trim(r) for r in rows]
    return out


def _calamine_rows(path: Path) -> dict[str, list[list[Any]]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    return {
        name: [_trim([_canon(v) for v in row]) for row in book.get_sheet_by_name(name).to_python()]
        for name in book.sheet_names
    }


def _trim(row: list[Any]) -> list[Any]:
    while row and row[-1] is None:
        row.pop()
    return row


def _well_formed(path: Path) -> list[str]:
    """Every XML part parses; the part names."""
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        for name in z.namelist():
            ElementTree.fromstring(z.read(name))
        return z.namelist()


# --- the writer ---------------------------------------------------------------------------


def test_values_styles_and_layout(tmp_path: Path) -> None:
    import openpyxl

    from sanlian.io import xlsx_stream as xs

    path = tmp_path / "样表.xlsx"
    book = xs.Book(path)
    second = book.sheet("第二", [10, 20.5], frozen=0)
    second.append(["只有一行"])
    first = book.sheet("第一", [8, 12, 14, 16, 10, 30], frozen=2)
    first.append([xs.Styled("标题", xs.TITLE)])
    first.styled(["编号", "日期", "金额", "文字", "是否", "空隙"], xs.HEADER)
    first.append([1, D(2026, 3, 1), Decimal("12345.67"), TRICKY, True, None, "在F列"])
    first.append([None, None, None, "", False, 2.5, None, "H列"])
    first.append([10**12, dt.datetime(2026, 1, 2, 12, 0), Decimal("0.00"), "=1+1", 0, -3])
    first.append([xs.Styled("370102198001010005", xs.TEXT), xs.Styled("表头样", xs.FILLED)])
    first.append([])  # an empty row still takes its number
    first.append(["末行"])
    book.close(["第一", "第二"])
    assert sorted(_well_formed(path)) == sorted(
        [
            "[Content_Types].xml",
            "_rels/.rels",
            "docProps/core.xml",  # written by sanlian, and when (``written_at``)
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "xl/styles.xml",
            "xl/worksheets/sheet1.xml",
            "xl/worksheets/sheet2.xml",
        ]
    )

    clean = "甲&乙 <丙> \"丁\" 'x'\n第二行\t制表响铃  "  # control characters dropped, spaces kept
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["第一", "第二"]
    ws = wb["第一"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0][0] == "标题" and ws["A1"].font.b and ws["A1"].font.sz == 14
    assert rows[1] == ["编号", "日期", "金额", "文字", "是否", "空隙", None, None]
    assert all(c.font.b and c.alignment.horizontal == "center" for c in ws[2][:6])
    assert rows[2] == [1, dt.datetime(2026, 3, 1), 12345.67, clean, True, None, "在F列", None]
    assert rows[3] == [None, None, None, None, False, 2.5, None, "H列"]
    assert rows[4][:6] == [10**12, dt.datetime(2026, 1, 2, 12, 0), 0, "=1+1", 0, -3]
    assert ws["D5"].data_type == "s"  # text that starts with "=", not a formula
    assert rows[5][:2] == ["370102198001010005", "表头样"]
    assert ws.max_row == 8 and ws["A8"].value == "末行" and rows[6] == [None] * 8
    assert ws["B3"].number_format == "yyyy-mm-dd" and ws["B5"].number_format == "yyyy-mm-dd"
    assert ws["C3"].number_format == "#,##0.00" and ws["C5"].number_format == "#,##0.00"
    assert ws["A3"].number_format == "General" and not ws["A3"].font.b
    assert ws["A6"].number_format == "@"
    assert ws["B6"].font.b and ws["B6"].fill.fgColor.rgb == "FFDDEBF7"
    assert ws.freeze_panes == "A3"
    widths = {k: d.width for k, d in ws.column_dimensions.items()}
    assert widths == {"A": 8, "B": 12, "C": 14, "D": 16, "E": 10, "F": 30}
    assert wb["第二"].freeze_panes is None
    assert wb["第二"].column_dimensions["B"].width == 20.5

    from python_calamine import CalamineWorkbook

    cal = CalamineWorkbook.from_path(str(path))
    assert cal.sheet_names == ["第一", "第二"]
    crow = cal.get_sheet_by_name("第一").to_python()
    assert crow[2][:4] == [1, D(2026, 3, 1), 12345.67, clean]  # a date cell, numbers as numbers
    assert crow[3][5] == 2.5 and crow[3][7] == "H列"
    assert crow[4][1] == dt.datetime(2026, 1, 2, 12, 0)
    assert _calamine_rows(path) == _openpyxl_rows(path)


def test_column_letters() -> None:
    from sanlian.io.xlsx_stream import column_letter

    assert [column_letter(i) for i in (1, 2, 26, 27, 52, 53, 702, 703, 16384)] == [
        *("A", "B", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD")
    ]


def test_a_long_row_gets_its_letters(tmp_path: Path) -> None:
    import openpyxl

    from sanlian.io.xlsx_stream import Book

    path = tmp_path / "宽.xlsx"
    book = Book(path)
    book.sheet("宽", [10]).append(list(range(1, 31)))
    book.close()
    ws = openpyxl.load_workbook(path)["宽"]
    assert [c.value for c in ws[1]] == list(range(1, 31)) and ws["AD1"].value == 30


def test_order_must_name_every_sheet(tmp_path: Path) -> None:
    from sanlian.io.xlsx_stream import Book

    book = Book(tmp_path / "out" / "x.xlsx")
    book.sheet("甲")
    with pytest.raises(ValueError):
        book.sheet("甲")
    book.sheet("乙")
    with pytest.raises(ValueError):
        book.close(["甲"])
    book.abort()
    assert list((tmp_path / "out").iterdir()) == []


def test_written_beside_and_renamed_at_the_end(tmp_path: Path) -> None:
    """Until ``close`` the rows go to a hidden file beside; a file already there is kept
    until then, and kept when the writing is given up."""
    import openpyxl

    from sanlian.io.xlsx_stream import Book

    path = tmp_path / "out" / "表.xlsx"
    path.parent.mkdir()
    path.write_bytes(b"old")
    book = Book(path)
    book.sheet("甲", [10]).append([1, "一"])
    assert path.read_bytes() == b"old" and len(list(path.parent.iterdir())) == 2
    book.abort()
    assert list(path.parent.iterdir()) == [path] and path.read_bytes() == b"old"

    book = Book(path)
    book.sheet("乙", [10]).append([2, "二"])
    book.close()
    assert list(path.parent.iterdir()) == [path]
    assert [c.value for c in openpyxl.load_workbook(path)["乙"][1]] == [2, "二"]


# --- 自查报告.xlsx ------------------------------------------------------------------------


@pytest.fixture
def ledger(db_path: Path) -> Ids:
    """The small campaign, and one more visit whose diary and note need escaping."""
    from sqlmodel import select

    from sanlian.db import models as m
    from sanlian.db.engine import open_database

    ids = build_ledger(db_path)
    db = open_database(location(db_path))
    with db.session(write=True) as s:
        h = s.exec(select(m.Household).where(m.Household.name == "王秀英")).one()
        c = s.exec(select(m.Cadre).where(m.Cadre.name == "王强")).one()
        v = m.Visit(
            visited_on=D(2026, 9, 9),
            target_kind="household",
            household_id=h.id,
            form="home",
            cards=0,
            diary=TRICKY,
            note="<b>&amp;</b>",
            created_at=dt.datetime(2026, 9, 9, tzinfo=dt.UTC),
        )
        s.add(v)
        s.flush()
        s.add(m.VisitCadre(visit_id=v.id, cadre_id=c.id))
    db.dispose()
    return ids


def test_selfcheck_read_back_by_both_readers(cli: Cli, ledger: Ids, tmp_path: Path) -> None:
    path = tmp_path / "自查报告.xlsx"
    result = cli("selfcheck", "--as-of", "2026-12-31", "-o", path)
    assert result.code == 0, result
    _well_formed(path)
    by_openpyxl = _openpyxl_rows(path)
    by_calamine = _calamine_rows(path)
    assert list(by_openpyxl) == ["汇总", "按科室", "按干部", "问题台账", "走访台账"]
    assert by_calamine == by_openpyxl  # every cell of every sheet

    visits = by_openpyxl["走访台账"]
    assert visits[0] == [
        *(
            "编号",
            "日期",
            "对象类别",
            "对象",
            "形式",
            "走访干部",
            "人数",
            "联系卡",
            "民情日记",
            "备注",
        )
    ]
    assert [v[1] for v in visits[1:]] == [D(2026, 4, 10), D(2026, 5, 5), D(2026, 7, 20)] + [
        D(2026, 8, 15),
        D(2026, 9, 9),
    ]
    one = Decimal(1)
    diary = "王秀英家孩子上学有困难。"
    assert visits[1][2:] == ["联系户", "王秀英", "入户走访", "李娜、赵敏", 2 * one, 2 * one, diary]
    clean = TRICKY.replace("\x07", "").replace("\x1f", "")
    assert visits[5][2:] == [
        "联系户",
        "王秀英",
        "入户走访",
        "王强",
        one,
        0 * one,
        clean,
        "<b>&amp;</b>",
    ]

    problems = by_openpyxl["问题台账"]
    head = problems[0]
    p2 = dict(zip(head, next(r for r in problems if r[0] == ledger.problems["P2"]), strict=False))
    assert p2["提出日期"] == D(2026, 4, 12) and p2["解决日期"] == D(2026, 5, 20)
    assert p2["资金(元)"] == Decimal("12345.67") and p2["措施"] == "送资金、送技术"
    assert p2["矛盾纠纷"] == "否" and p2["状态"] == "已解决"
    p4 = dict(zip(head, next(r for r in problems if r[0] == ledger.problems["P4"]), strict=False))
    assert p4["矛盾纠纷"] == "是" and p4["超期天数"] == 214 and p4["办理期限"] == D(2026, 5, 31)

    summary = by_openpyxl["汇总"]
    assert summary[0] == ["企业局2026年“三联三解三促”活动自查统计"]
    assert summary[1] == ["统计期：2026年3月1日至2026年12月31日"]  # the campaign's first day
    assert summary[2] == ["项目", "键", "数值"]
    figures = cli("selfcheck", "-f", "json", "--as-of", "2026-12-31").json()["figures"]
    funds = next(r for r in summary if r[1:2] == ["funds_yuan"])
    assert funds[2] == Decimal(figures["funds_yuan"]) > 0
    assert next(r for r in summary if r[1:2] == ["visits"])[2] == figures["visits"] == 5
    # the keys are for programs: their column is there, hidden from the reader and the printer
    from openpyxl import load_workbook

    book = load_workbook(path)
    assert book["汇总"].column_dimensions["B"].hidden is True
    assert not book["汇总"].column_dimensions["A"].hidden
    assert not book["汇总"].column_dimensions["C"].hidden
    assert not any(d.hidden for d in book["按科室"].column_dimensions.values())


def continued_selfcheck(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, list[list[Any]]]:
    """``selfcheck -o 自查报告.xlsx`` at a limit of a header and two rows a sheet, as python-
    calamine reads it (and openpyxl the same), sheet by sheet."""
    from sanlian.io import report_xlsx

    monkeypatch.setattr(report_xlsx, "MAX_ROWS", 3)
    path = tmp_path / "自查报告.xlsx"
    result = cli("selfcheck", "--as-of", "2026-12-31", "-o", path)
    assert result.code == 0, result
    rows = _calamine_rows(path)
    assert rows == _openpyxl_rows(path)
    return rows


def test_ledger_continued_read_by_calamine(
    cli: Cli, ledger: Ids, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At a limit of a header and two rows a sheet, both readers see the same split."""
    rows = continued_selfcheck(cli, tmp_path, monkeypatch)
    assert list(rows) == [
        "汇总",
        "按科室",
        "按干部",
        "问题台账",
        "问题台账（续）",
        "问题台账（续2）",
        "问题台账（续3）",
        "走访台账",
        "走访台账（续）",
        "走访台账（续2）",
    ]
    problems = ["问题台账", "问题台账（续）", "问题台账（续2）", "问题台账（续3）"]
    assert [len(rows[n]) for n in problems] == [3, 3, 3, 2]  # 7 problems: 2 + 2 + 2 + 1
    assert all(rows[n][0] == rows["问题台账"][0] for n in problems)
    visits = ["走访台账", "走访台账（续）", "走访台账（续2）"]
    assert [len(rows[n]) for n in visits] == [3, 3, 2]  # 5 visits
    dates = [r[1] for n in visits for r in rows[n][1:]]
    assert dates == sorted(dates) and len(dates) == 5
    notes = [r[0] for r in rows["汇总"] if r and str(r[0]).startswith("注：")]
    assert notes[1] == (
        "注：走访台账共 5 行，超出 Excel 一张工作表的行数上限（3 行），"
        "其余接续写在走访台账（续）、走访台账（续2）（表头相同）。"
    )


def test_a_failed_report_leaves_no_file(
    cli: Cli, ledger: Ids, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sanlian.reports import ledgers

    def broken(*args: Any, **kwargs: Any) -> Any:
        yield from ()
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ledgers, "iter_visit_rows", broken)
    selfcheck_on_a_full_disk(cli, tmp_path)


def selfcheck_on_a_full_disk(cli: Cli, tmp_path: Path) -> None:
    """``selfcheck -o`` over last week's workbook, the disk filling up on the way: one Chinese
    sentence, no part of the new workbook left behind and the old one untouched."""
    path = tmp_path / "out" / "自查报告.xlsx"
    path.parent.mkdir()
    path.write_bytes(b"last week's")
    result = cli("selfcheck", "--as-of", "2026-12-31", "-o", path)
    assert result.code == 1 and "Traceback" not in result.err
    assert "磁盘已满" in result.err, result.err
    assert list(path.parent.iterdir()) == [path]  # no part of the new one left behind
    assert path.read_bytes() == b"last week's"  # and the old one untouched
