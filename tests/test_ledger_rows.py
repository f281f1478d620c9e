"""The ledgers of 自查报告.xlsx as they are read for speed (``reports/ledgers.py``: the visits
with their cadres by ``group_concat`` and their targets' names looked up in Python, read
through the driver; the problems with their measures concatenated by SQL) compared row for
row with the statements they replaced (``tests/ledgers_before.py``), and the workbook compared
cell by cell, through openpyxl and python-calamine, with the rows of ``visit_rows`` /
``problem_rows`` labelled by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests import ledgers_before
from tests.conftest import Cli, location
from tests.test_selfcheck import Ids, build_ledger
from tests.test_xlsx_stream import (
    _calamine_rows,
    _openpyxl_rows,
    _well_formed,
    continued_selfcheck,
    selfcheck_on_a_full_disk,
)

D = dt.date
NOW = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC)
# as-of days: before any visit of the year (the short range walks the date index), while
# later steps change the problems (the as-of UNION), and the year's end (the table as it is)
AS_OF = [D(2026, 2, 20), D(2026, 3, 10), D(2026, 5, 15), D(2026, 6, 15), D(2026, 12, 31)]


@pytest.fixture
def rich(db_path: Path) -> Ids:
    """The small campaign, and rows that try the new statements' edges: a visit whose cadres
    were added against their numbers' order, one without cadres, one in February (a range
    shorter than ``SCAN_DAYS``), two on the same day (ordered by number), and a problem
    resolved twice (reopened between) whose measures repeat."""
    from sqlmodel import select

    from sanlian.db import models as m
    from sanlian.db.engine import open_database

    ids = build_ledger(db_path)
    db = open_database(location(db_path))
    with db.session(write=True) as s:
        cadres = {c.name: c for c in s.exec(select(m.Cadre))}
        h1 = s.exec(select(m.Household).where(m.Household.name == "王秀英")).one()
        e2 = s.exec(select(m.Enterprise).where(m.Enterprise.name == "蒙山食品有限公司")).one()
        m2 = s.exec(select(m.Community).where(m.Community.name == "前河湾村")).one()

        def visit(day: dt.date, kind: str, target: int, names: list[str], **kw: Any) -> int:
            v = m.Visit(
                visited_on=day,
                target_kind=kind,
                created_at=NOW,
                **{f"{kind}_id": target},
                **{"form": "phone", "cards": 0, **kw},
            )
            s.add(v)
            s.flush()
            for name in names:  # in the order given, not by number
                s.add(m.VisitCadre(visit_id=v.id, cadre_id=cadres[name].id))
            s.flush()
            assert v.id is not None
            return v.id

        visit(D(2026, 2, 3), "enterprise", e2.id, ["赵敏", "张伟", "李娜"], note="三人同去")
        visit(D(2026, 2, 3), "community", m2.id, ["王强"], diary="a&b <c>")
        visit(D(2026, 6, 1), "household", h1.id, [], form="other")
        visit(D(2026, 6, 1), "enterprise", e2.id, ["孙闲", "刘退"])

        p = m.Problem(
            target_kind="enterprise",
            enterprise_id=e2.id,
            category="funds",
            text="贷款两次办理",
            owner_id=cadres["李娜"].id,
            raised_on=D(2026, 3, 1),
            due_on=D(2026, 3, 31),
            is_conflict=False,
            status="resolved",
            resolved_on=D(2026, 6, 1),
            last_step_on=D(2026, 6, 1),
            created_at=NOW,
        )
        s.add(p)
        s.flush()
        for kind, day, fen, note, measures in (
            ("raise", D(2026, 3, 1), None, None, []),
            ("resolve", D(2026, 4, 1), 1000, "第一次", ["policy", "funds"]),
            ("reopen", D(2026, 5, 1), None, "又来了", []),
            ("resolve", D(2026, 6, 1), 250, "第二次", ["funds", "law", "policy"]),
        ):
            step = m.ProblemStep(
                problem_id=p.id, kind=kind, step_on=day, amount_fen=fen, note=note, created_at=NOW
            )
            s.add(step)
            s.flush()
            for measure in measures:
                s.add(m.StepMeasure(step_id=step.id, measure=measure))
        assert p.id is not None
        ids.problems["P8"] = p.id
    db.dispose()
    return ids


def _open(db_path: Path) -> Any:
    from sanlian.db.engine import open_database

    return open_database(location(db_path))


@pytest.mark.parametrize("as_of", AS_OF)
def test_visit_rows_as_before(rich: Ids, db_path: Path, as_of: dt.date) -> None:
    from sanlian.reports import ledgers
    from sanlian.reports.common import Period

    period = Period.of_year(2026, as_of)
    db = _open(db_path)
    with db.session() as s:
        before = list(ledgers_before.iter_visit_rows(s, period))
        rows = ledgers.visit_rows(s, period)
        tuples = list(ledgers.iter_visit_rows(s, period, as_tuples=True))
    db.dispose()
    assert [tuple(r.as_dict().values()) for r in rows] == before == tuples
    assert before  # every as-of day has visits to compare
    by_id = {r.id: r for r in rows}
    if as_of >= D(2026, 2, 3):
        three = next(r for r in rows if r.note == "三人同去")
        assert three.cadres == ("张伟", "李娜", "赵敏")  # by cadre number
        assert three.target == "蒙山食品有限公司" and three.visited_on == D(2026, 2, 3)
        same_day = [r.id for r in rows if r.visited_on == D(2026, 2, 3)]
        assert same_day == sorted(same_day) and len(same_day) == 2
    if as_of >= D(2026, 6, 1):
        alone = next(r for r in rows if r.form == "other")
        assert alone.cadres == () and alone.target == "王秀英" and alone.cards == 0
        assert next(r for r in rows if r.cadres == ("刘退", "孙闲")).visited_on == D(2026, 6, 1)
    assert all(type(r.visited_on) is dt.date for r in by_id.values())


@pytest.mark.parametrize("as_of", AS_OF)
def test_problem_rows_as_before(rich: Ids, db_path: Path, as_of: dt.date) -> None:
    from sanlian.reports import ledgers
    from sanlian.reports.common import Period

    period = Period.of_year(2026, as_of)
    db = _open(db_path)
    with db.session() as s:
        # a problem not resolved on the as-of day has no resolution to tell of: one reopened
        # and not resolved again says no how, money or measures (``common.standing``)
        before = [
            r if r[10] == "resolved" else (*r[:-3], None, 0, ())
            for r in ledgers_before.iter_problem_rows(s, period)
        ]
        rows = ledgers.problem_rows(s, period)
        tuples = list(ledgers.iter_problem_rows(s, period, as_tuples=True))
        examples = [
            ledgers.problem_rows(s, period, only_resolved=True, conflicts=c, limit=3)
            for c in (None, False, True)
        ]
        examples_before = [
            list(
                ledgers_before.iter_problem_rows(
                    s, period, only_resolved=True, conflicts=c, limit=3
                )
            )
            for c in (None, False, True)
        ]
    db.dispose()
    # the last field of a tuple, ``target_label``, is not in ``as_dict``: here (no namesakes)
    # the target's name
    assert [t[-1] for t in tuples] == [t[3] for t in tuples]
    assert [tuple(r.as_dict().values()) for r in rows] == before == [t[:-1] for t in tuples]
    assert before
    assert [[tuple(r.as_dict().values()) for r in e] for e in examples] == examples_before
    p8 = next((r for r in rows if r.id == rich.problems["P8"]), None)
    if as_of >= D(2026, 6, 1):
        assert p8 is not None and p8.state == "resolved"
        assert p8.measures == ("policy", "funds", "law")  # once each, in MEASURE's order
        assert p8.amount_fen == 1250 and p8.how == "第二次"
    elif as_of >= D(2026, 5, 1):
        assert p8 is not None and p8.state == "in_progress"  # reopened on 05-01
        assert p8.measures == () and p8.how is None and p8.amount_fen == 0  # withdrawn
        assert p8.overdue_days == (as_of - D(2026, 3, 31)).days


def test_problem_rows_read_in_batches(
    rich: Ids, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sanlian.reports import ledgers
    from sanlian.reports.common import Period

    period = Period.of_year(2026, D(2026, 12, 31))
    db = _open(db_path)
    with db.session() as s:
        whole = ledgers.problem_rows(s, period)
        monkeypatch.setattr(ledgers, "BATCH", 2)
        assert ledgers.problem_rows(s, period) == whole and len(whole) == 8
    db.dispose()


def _expected_sheets(db_path: Path, as_of: dt.date) -> dict[str, list[list[Any]]]:
    """The two ledgers' sheets as the dataclass rows give them, labelled here."""
    from sanlian.i18n.labels import (
        CATEGORIES,
        MEASURE,
        PROBLEM_STATUS,
        TARGET_KIND,
        VISIT_FORM,
    )
    from sanlian.reports import ledgers
    from sanlian.reports.common import Period

    def cell(value: Any) -> Any:  # as ``_canon`` of test_xlsx_stream reads a cell back
        if value is None or value == "":
            return None
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            return Decimal(str(value)).normalize()
        return value

    def trim(row: list[Any]) -> list[Any]:
        while row and row[-1] is None:
            row.pop()
        return row

    period = Period.of_year(2026, as_of)
    db = _open(db_path)
    with db.session() as s:
        visits = ledgers.visit_rows(s, period)
        problems = ledgers.problem_rows(s, period)
    db.dispose()
    visit_sheet = [
        [
            v.id,
            v.visited_on,
            TARGET_KIND[v.target_kind],
            v.target,
            VISIT_FORM[v.form],
            "、".join(v.cadres),
            len(v.cadres),
            v.cards,
            v.diary,
            v.note,
        ]
        for v in visits
    ]
    problem_sheet = [
        [
            p.id,
            p.raised_on,
            TARGET_KIND[p.target_kind],
            p.target,
            CATEGORIES[p.target_kind].get(p.category, p.category),
            p.text,
            "是" if p.is_conflict else "否",
            p.owner,
            p.section,
            PROBLEM_STATUS[p.state],
            p.due_on,
            p.overdue_days,
            p.resolved_on,
            p.closed_on,
            p.last_step_on,
            p.how,
            Decimal(p.amount_fen) / 100,
            "、".join(MEASURE[m] for m in p.measures),
        ]
        for p in problems
    ]
    return {
        "问题台账": [trim([cell(v) for v in row]) for row in problem_sheet],
        "走访台账": [trim([cell(v) for v in row]) for row in visit_sheet],
    }


def _clean(value: Any) -> Any:
    """Text as the sheet holds it: the control characters XML cannot carry dropped."""
    from sanlian.io import XML_ILLEGAL

    return XML_ILLEGAL.sub("", value) if isinstance(value, str) else value


@pytest.mark.parametrize("as_of", [D(2026, 5, 15), D(2026, 12, 31)])
def test_workbook_ledgers_cell_by_cell(
    cli: Cli, rich: Ids, db_path: Path, tmp_path: Path, as_of: dt.date
) -> None:
    path = tmp_path / "自查报告.xlsx"
    result = cli("selfcheck", "--as-of", as_of.isoformat(), "-o", path)
    assert result.code == 0, result
    _well_formed(path)
    by_calamine = _calamine_rows(path)
    assert by_calamine == _openpyxl_rows(path)
    expected = _expected_sheets(db_path, as_of)
    for title, rows in expected.items():
        body = by_calamine[title][1:]
        assert body == [[_clean(v) for v in row] for row in rows], title
        assert len(body) == len(rows) > 3
    visits = by_calamine["走访台账"]
    three = next(r for r in visits if r[-1:] == ["三人同去"])
    assert three[1] == D(2026, 2, 3) and three[5:7] == ["张伟、李娜、赵敏", Decimal(3)]
    assert all(type(r[1]) is dt.date for r in visits[1:])  # date cells, read as dates


def test_workbook_ledgers_continued(
    cli: Cli, rich: Ids, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At a header and two rows a sheet, the continuation sheets hold the same rows in the
    same order, each under the header."""
    rows = continued_selfcheck(cli, tmp_path, monkeypatch)
    expected = _expected_sheets(db_path, D(2026, 12, 31))
    for title, want in expected.items():
        sheets = [n for n in rows if n == title or n.startswith(f"{title}（续")]
        assert len(sheets) == (len(want) + 1) // 2 > 2
        assert all(rows[n][0] == rows[title][0] for n in sheets)
        got = [r for n in sheets for r in rows[n][1:]]
        assert got == [[_clean(v) for v in row] for row in want], title


# --- the sheet writer ---------------------------------------------------------------------


def _sheet_xml(path: Path) -> list[bytes]:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return [z.read(n) for n in sorted(z.namelist()) if n.startswith("xl/worksheets/")]


def test_writer_writes_what_append_writes(tmp_path: Path) -> None:
    """``Sheet.writer`` gives the same XML as ``append`` for values of every kind, in every
    column, rows of other lengths among them, in and out of chunk boundaries."""
    import random

    from sanlian.io import xlsx_stream as xs

    values = [
        *("甲&乙 <丙>\n\t\x07", "", None, "  两头空格  ", "普通文字", "=1+1", "x" * 300),
        *(0, -3, 10**20, True, False, 2.5, Decimal("1.20"), Decimal("-0.05")),
        *(dt.datetime(2026, 1, 2, 3, 4), D(2026, 1, 1), D(1900, 3, 1)),
        xs.Styled("文本样式", xs.TEXT),
        xs.Styled(D(2026, 2, 2), xs.FILLED),
    ]
    kinds = ["int", "date", "text", "money", "text", "int", "date"]
    typical = [7, D(2026, 3, 1), "联系户", Decimal("12.50"), "备注", 3, D(2026, 4, 1)]
    rng = random.Random(7)
    rows: list[list[Any]] = []
    for _ in range(3 * xs.CHUNK + 17):
        row = [rng.choice([*values, typical[i], typical[i]]) for i in range(len(kinds))]
        if rng.random() < 0.03:
            row = row[: rng.randrange(len(row))] or row + ["多一列"]
        rows.append(row)
    written = []
    for use_writer in (False, True):
        path = tmp_path / f"w{use_writer}.xlsx"
        book = xs.Book(path)
        ws = book.sheet("表", [10] * len(kinds), frozen=1)
        ws.styled(["甲", "乙"], xs.HEADER)
        write = ws.writer(kinds) if use_writer else ws.append
        for row in rows:
            write(row)
        ws.append(["末行"])
        book.close()
        written.append(_sheet_xml(path))
    assert written[0] == written[1]
    assert b'<row r="3019"><c r="A3019" t="inlineStr">' in written[1][0]  # 1 + 3,017 + 1
    assert _calamine_rows(tmp_path / "wTrue.xlsx") == _openpyxl_rows(tmp_path / "wTrue.xlsx")


def test_writer_refuses_an_unknown_kind(tmp_path: Path) -> None:
    from sanlian.io import xlsx_stream as xs

    book = xs.Book(tmp_path / "x.xlsx")
    with pytest.raises(ValueError):
        book.sheet("表").writer(["int", "bool"])
    book.abort()


def test_threaded_and_plain_sheets_are_the_same(tmp_path: Path) -> None:
    import sys

    from sanlian.io import xlsx_stream as xs

    interval = sys.getswitchinterval()
    rows = [[i, D(2026, 1, 1) + dt.timedelta(days=i % 300), f"第{i}行"] for i in range(50_000)]
    written = []
    for threaded in (False, True):
        path = tmp_path / f"t{threaded}.xlsx"
        book = xs.Book(path, threaded=threaded)
        write = book.sheet("甲", [8, 12, 10]).writer(["int", "date", "text"])
        for row in rows:
            write(row)
        book.sheet("乙", [8]).append(["二"])
        book.close()
        written.append(_sheet_xml(path))
    assert written[0] == written[1] and len(written[0]) == 2
    assert sys.getswitchinterval() == interval  # given back when the sheet closed


def test_a_failure_in_the_compressing_thread(
    cli: Cli, rich: Ids, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk met by the thread that compresses a sheet ends the report as one met by
    the command itself: the message, no file left behind, the last one kept, the thread
    gone and the GIL's switch interval as it was."""
    import sys
    import threading
    import zipfile

    real = zipfile._ZipWriteFile.write  # type: ignore[attr-defined]
    calls = {"n": 0}

    def write(self: Any, data: Any) -> int:
        if threading.current_thread().name == "xlsx-deflate":
            calls["n"] += 1
            raise OSError(28, "No space left on device")
        return int(real(self, data))

    monkeypatch.setattr(zipfile._ZipWriteFile, "write", write)  # type: ignore[attr-defined]
    interval = sys.getswitchinterval()
    selfcheck_on_a_full_disk(cli, tmp_path)
    assert calls["n"] >= 1
    assert not [t for t in threading.enumerate() if t.name == "xlsx-deflate"]
    assert sys.getswitchinterval() == interval
