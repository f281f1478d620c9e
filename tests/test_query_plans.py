"""The report queries use the indexes made for them (``EXPLAIN QUERY PLAN``), and a year-long
count reads the visit table straight through instead of walking its date index.

Each test runs a report in-process, records every SQL statement it sends, and asks SQLite for
the plan of each. No timings: a plan is a fact of the schema and the query, whatever the machine.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.sqlite_only(reason="SQLite's EXPLAIN QUERY PLAN")


@pytest.fixture
def statements() -> Iterator[list[tuple[str, Any]]]:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, params: Any, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, params))

    event.listen(Engine, "before_cursor_execute", record)
    yield seen
    event.remove(Engine, "before_cursor_execute", record)


def plans(db_path: Path, seen: list[tuple[str, Any]]) -> list[list[str]]:
    """The plan of each recorded statement, one list of lines per statement."""
    con = sqlite3.connect(db_path)
    try:
        return [
            [row[-1] for row in con.execute(f"EXPLAIN QUERY PLAN {sql}", params or ())]
            for sql, params in seen
        ]
    finally:
        con.close()


@pytest.fixture
def year(base: Any) -> Any:
    """The base campaign with links, visits and problems in every state."""
    cli = base
    steps = [
        ("link", "community", "--section", "综合科", "--community", "幸福社区", "--from", "3-1"),
        ("link", "enterprise", "--cadre", "1", "--enterprise", "1", "--from", "3-1"),
        ("link", "household", "--cadre", "3", "--household", "王秀英", "--from", "3-2"),
        ("visit", "add", "--date", "3-5", "--cadre", "3", "--household", "王秀英", "--form", "home"),
        ("visit", "add", "--date", "4-5", "--cadre", "1", "--enterprise", "1", "--form", "talk"),
        ("problem", "add", "--household", "王秀英", "--category", "就学", "--text", "上学远",
         "--owner", "3", "--date", "3-5"),
        ("problem", "resolve", "1", "--how", "协调入学", "--measure", "送政策", "--date", "5-6"),
        ("problem", "add", "--enterprise", "1", "--category", "资金", "--text", "贷款",
         "--owner", "1", "--date", "4-5"),
    ]  # fmt: skip
    for step in steps:
        result = cli(*step)
        assert result.code == 0, result
    return cli


def test_cadre_links_are_looked_up_by_cadre_and_kind(
    year: Any, db_path: Path, statements: Any
) -> None:
    assert year("progress", "--by", "cadre", "-f", "json").code == 0
    lines = [line for plan in plans(db_path, statements) for line in plan]
    assert any("ix_link_cadre_kind" in line for line in lines), lines
    # the per-cadre link counts never walk every link of a kind
    assert not any("USING INDEX ix_link_kind " in line for line in lines), lines


def test_supervise_finds_unvisited_households_by_household_and_date(
    year: Any, db_path: Path, statements: Any
) -> None:
    assert year("supervise", "-f", "json").code == 0
    lines = [line for plan in plans(db_path, statements) for line in plan]
    assert any(
        "SEARCH v USING COVERING INDEX ix_visit_household_on" in line
        or "visit USING COVERING INDEX ix_visit_household_on" in line
        for line in lines
    ), lines


def test_year_long_counts_scan_visits_and_never_scan_steps_per_problem(
    year: Any, db_path: Path, statements: Any
) -> None:
    assert year("selfcheck", "-f", "json").code == 0
    all_plans = plans(db_path, statements)
    lines = [line for plan in all_plans for line in plan]
    # a year's visits are summed from the day tallies (about 365 rows, a section's too): no
    # visit is read, neither straight through nor one by one through the date index
    assert not any("INDEX ix_visit_visited_on" in line for line in lines), lines
    assert not any(line.startswith("SCAN visit ") or line == "SCAN visit" for line in lines)
    assert any("visit_day " in line for line in lines), lines
    assert any("visit_day_section" in line for line in lines), lines
    # a problem's steps are only ever searched by the problem (never a scan per problem)
    for plan in all_plans:
        for i, line in enumerate(plan):
            if line.startswith("CORRELATED"):
                assert not plan[i + 1].startswith("SCAN problem_step"), plan


def test_a_past_day_reads_each_problems_steps_through_the_date_ordered_index(
    year: Any, db_path: Path, statements: Any
) -> None:
    # on 4-20 problem 1 was still open: its state then comes from its steps
    assert year("selfcheck", "-f", "json", "--as-of", "2026-04-20").code == 0
    all_plans = plans(db_path, statements)
    lines = [line for plan in all_plans for line in plan]
    steps = [line for line in lines if "problem_step" in line and line.startswith("SEARCH")]
    # (besides the one question whether any problem was ever handed over: the owners' index)
    steps = [line for line in steps if "ix_problem_step_owner (owner_id>?)" not in line]
    assert steps, lines
    assert all("ix_problem_step_problem_on" in line for line in steps), steps
    # the latest step comes first in the index: no sorting of a problem's steps
    for plan in all_plans:
        for i, line in enumerate(plan[:-1]):
            if line.startswith("SEARCH problem_step"):
                assert plan[i + 1] != "USE TEMP B-TREE FOR ORDER BY", plan


def test_a_short_period_uses_the_date_index(year: Any, db_path: Path, statements: Any) -> None:
    assert year("brief", "--from", "4-1", "--to", "4-7", "-f", "json").code == 0
    lines = [line for plan in plans(db_path, statements) for line in plan]
    assert any("ix_visit_visited_on" in line for line in lines), lines


def test_a_report_about_today_reads_the_stored_problems(
    year: Any, db_path: Path, statements: Any
) -> None:
    # no problem has a step after today: its state is the stored one, never rebuilt from steps
    assert year("selfcheck", "-f", "json").code == 0
    lines = [line for plan in plans(db_path, statements) for line in plan]
    assert not any("ix_problem_step_problem_on" in line for line in lines), lines


def test_cadre_rows_read_visits_and_problems_in_stored_order(
    year: Any, db_path: Path, statements: Any
) -> None:
    # a cadre's visits and problems of the year in one pass each, the rows read in the order
    # they are stored: not walked through a cadre's index, fetching each row by its id
    assert year("progress", "--by", "cadre", "-f", "json").code == 0
    lines = [line for plan in plans(db_path, statements) for line in plan]
    assert "SCAN visit_cadre" in lines, lines
    assert not any(
        line.startswith("SCAN visit_cadre USING COVERING INDEX ix_visit_cadre") for line in lines
    ), lines
    assert not any(
        line.startswith("SCAN problem USING INDEX ix_problem_owner_id") for line in lines
    ), lines
    assert not any("USING INDEX ix_problem_raised_on" in line for line in lines), lines


def test_per_section_visit_counts_read_the_stored_day_tallies(
    year: Any, db_path: Path, statements: Any
) -> None:
    assert year("progress", "-f", "json").code == 0
    found = [
        (sql, plan)
        for (sql, _params), plan in zip(statements, plans(db_path, statements), strict=True)
        if "visit_day_section" in sql
    ]
    assert len(found) == 1, statements
    sql, plan = found[0]
    assert "JOIN" not in sql and any("visit_day_section" in line for line in plan), plan
    # no report groups the visit-cadre pairs by the cadres' sections, nor reads the pairs
    assert not any("GROUP BY visit_cadre.visit_id, cadre.section_id" in s for s, _ in statements)
    assert not any("visit_section" in s.replace("visit_day_section", "") for s, _ in statements)


def test_supervise_reads_only_recent_visits_and_each_quiet_cadres_own(
    year: Any, db_path: Path, statements: Any
) -> None:
    # who went on a visit within the cadence: off the date index; the last visit of the others:
    # through each one's pairs; the eight ones: a look-up for one visit. No year of visits read.
    assert year("supervise", "-f", "json").code == 0
    found = list(zip(statements, plans(db_path, statements), strict=True))
    recent = [plan for (sql, _), plan in found if "SELECT DISTINCT visit_cadre.cadre_id" in sql]
    assert len(recent) == 1 and any("ix_visit_visited_on" in line for line in recent[0]), found
    each = [plan for (sql, _), plan in found if "visit_cadre.cadre_id IN (" in sql]
    assert len(each) == 1 and any("ix_visit_cadre_cadre" in line for line in each[0]), found
    lines = [line for _, plan in found for line in plan]
    assert "SCAN visit" not in lines and "SCAN visit_cadre" not in lines, lines


def test_an_import_finds_existing_records_through_their_indexes(
    base: Any, db_path: Path, tmp_path: Path, statements: Any
) -> None:
    """A batch's names and ID numbers go as one JSON array each, looked up by the indexes."""
    path = tmp_path / "户.csv"
    path.write_text(
        "户主,社区(村),身份证号,人口\n王秀英,幸福社区,,4\n李明,前河湾村,,2\n",
        encoding="utf-8-sig",
    )
    assert base("household", "import", path).code == 0
    found = list(zip(statements, plans(db_path, statements), strict=True))
    lookups = [(sql, params, plan) for (sql, params), plan in found if "json_each" in sql]
    assert len(lookups) == 1, found
    sql, params, plan = lookups[0]
    assert sorted(json.loads(params[0])) == ["李明", "王秀英"]
    assert any("USING INDEX ix_household_name" in line for line in plan), plan
    assert "SCAN household" not in plan, plan


@pytest.mark.parametrize(
    "args",
    [
        ("problem", "show", "2"),
        ("problem", "list", "--owner", "1"),
        ("problem", "list", "--enterprise", "1"),
    ],
)
def test_problems_of_one_owner_or_target_sum_only_their_own_steps(
    year: Any, db_path: Path, statements: Any, args: tuple[str, ...]
) -> None:
    # ``problem show`` (and every step's reply) and a listing narrowed to a cadre, a section
    # or a target read the money of the listed problems' own steps, not every problem's
    # grouped (70 ms at city scale for each command)
    resolved = year(
        "problem", "resolve", "2", "--how", "贴息", "--amount", "1200.5", "--date", "5-8"
    )
    assert resolved.code == 0, resolved
    statements.clear()
    result = year(*args, "-f", "json")
    assert result.code == 0, result
    found = result.json()
    assert [p["amount"] for p in (found if isinstance(found, list) else [found])] == ["1200.50"]
    assert year("problem", "show", "1", "-f", "json").json()["amount"] is None
    money = [
        plan
        for (sql, _params), plan in zip(statements, plans(db_path, statements), strict=True)
        if "sum(problem_step.amount_fen)" in sql
    ]
    assert money, statements
    for plan in money:
        assert not any(line.startswith("SCAN problem_step") for line in plan), plan
        assert any("SEARCH problem_step" in line for line in plan), plan


@pytest.mark.parametrize(
    ("args", "want"),
    [
        # (hand-counted on ``year``, today 06-15: P1 单丽 of 综合科, raised 03-05, resolved 05-06;
        # P2 张伟 of 办公室, raised 04-05, due 05-05, open)
        (("--section", "综合科", "--overdue"), []),
        (("--section", "办公室", "--overdue"), [2]),
        (("--section", "综合科", "--status", "open", "--as-of", "2026-05-01"), [1]),
        (("--owner", "1", "--overdue"), [2]),
        (("--household", "王秀英", "--status", "resolved"), [1]),
    ],
)
def test_problems_narrowed_to_a_section_cadre_or_target_are_found_through_its_index(
    year: Any, db_path: Path, statements: Any, args: tuple[str, ...], want: list[int]
) -> None:
    # with no statistics SQLite took the status index for ``--overdue --section``: every
    # open problem of a city read (140 ms) to list one section's. The status and dates are
    # compared through no index when the listing is narrowed; the same rows come back.
    statements.clear()
    result = year("problem", "list", *args, "-f", "json")
    assert result.code == 0, result
    assert [p["id"] for p in result.json()] == want
    listing = [
        plan
        for (sql, _params), plan in zip(statements, plans(db_path, statements), strict=True)
        if "FROM problem" in sql or ") AS problem" in sql
    ]
    assert listing, statements
    for plan in listing:
        assert not any("ix_problem_status" in line for line in plan), plan
        if "--as-of" not in args:  # (a past day's problems are built whole, then filtered)
            assert not any(line.startswith("SCAN problem") for line in plan), plan


def test_supervise_looks_up_a_households_other_links_by_the_household(
    year: Any, db_path: Path, statements: Any
) -> None:
    """A household whose pairs all ended: its other links are found through its own index,
    never by walking every household link (``ix_link_kind``) per household — 6.5 s at city
    scale (100,000 pairs)."""
    assert year("supervise", "--as-of", "2026-12-31", "-f", "json").code == 0
    for plan in plans(db_path, statements):
        for i, line in enumerate(plan[:-1]):
            if line.startswith("CORRELATED") and "link" in plan[i + 1]:
                assert "ix_link_kind" not in plan[i + 1], plan


def test_a_cadres_handovers_are_counted_through_their_index(
    year: Any, db_path: Path, statements: Any
) -> None:
    # ``cadre show`` counts the problems handed on from the cadre (次问题移交), and a leaving
    # day is checked against the last of them: through the index of the handover steps, not
    # by reading every step of the ledger (41 ms of each ``cadre show`` at city scale)
    handed = year("problem", "edit", "2", "--owner", "曾强", "--date", "5-20")
    assert handed.code == 0, handed
    statements.clear()
    shown = year("cadre", "show", "1", "-f", "json")
    assert shown.code == 0, shown
    assert shown.json()["uses"]["problem_step"] == 1  # 张伟 of 办公室 handed problem 2 on
    retired = year("cadre", "remove", "1", "--force", "--date", "5-10")
    assert retired.code == 1 and "问题移交" in retired.err, retired  # (handed on on 5-20)
    found = {
        sql: plan
        for (sql, _params), plan in zip(statements, plans(db_path, statements), strict=True)
        if "previous_owner_id" in sql
    }
    # the count (``show``, and ``remove``'s list of what refers to it) and the last day
    assert {"count(*)" in sql.lower() for sql in found} == {True, False}, found
    assert any("max(step_on)" in sql for sql in found), found
    for plan in found.values():
        assert not any(line.startswith("SCAN problem_step") for line in plan), plan
        assert any("ix_problem_step_previous_owner" in line for line in plan), plan


def test_whether_any_problem_was_handed_over_is_read_off_the_owner_index(
    year: Any, db_path: Path, statements: Any
) -> None:
    # every report asks it once; ``EXISTS (SELECT * …)`` made SQLite read every step (0.1–0.3 s
    # at city scale), where the owners' index answers at once
    assert year("progress", "-f", "json").code == 0
    asked = [(sql, p) for sql, p in statements if "problem_step.owner_id IS NOT NULL" in sql]
    asked = [(sql, p) for sql, p in asked if sql.lstrip().upper().startswith("SELECT EXISTS")]
    assert asked, statements
    for plan in plans(db_path, asked):
        assert any("USING COVERING INDEX ix_problem_step_owner" in line for line in plan), plan
        assert not any(line.startswith("SCAN problem_step") for line in plan), plan
