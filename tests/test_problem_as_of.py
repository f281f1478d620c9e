"""``problem list --as-of D`` shows the problems as they stood on D, as the reports count them.

The ledger (today 2026-06-15, default time limit 30 days):
1. raised 3-10 (due 4-09), resolved 4-10 with ¥100, reopened 5-10, resolved 6-01 with ¥50;
2. raised 4-01 (due 5-01), extended on 5-10 to 7-31, still pending;
3. raised 5-20, pending;
4. raised 3-15, closed 4-05.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, Result, execute_sql, rows_of


def ok(cli: Cli, *args: Any) -> Result:
    result = cli(*args)
    assert result.code == 0, result
    return result


def problems(cli: Cli, *args: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = ok(cli, "problem", "list", "-f", "json", *args).json()
    return rows


@pytest.fixture
def ledger(base: Cli) -> Cli:
    def add(target: str, ref: str, category: str, day: str) -> None:
        ok(
            base,
            "problem",
            "add",
            target,
            ref,
            "--category",
            category,
            "--text",
            "x",
            "--date",
            day,
        )

    add("--household", "王秀英", "就学", "3-10")
    ok(base, "problem", "resolve", "1", "--how", "a", "--amount", "100", "--date", "4-10")
    ok(base, "problem", "reopen", "1", "--reason", "反复", "--date", "5-10")
    ok(base, "problem", "resolve", "1", "--how", "b", "--amount", "50", "--date", "6-1")
    add("--enterprise", "1", "资金", "4-1")
    ok(base, "problem", "extend", "2", "--due", "7-31", "--reason", "等批复", "--date", "5-10")
    add("--community", "幸福社区", "公共设施", "5-20")
    add("--household", "王秀英", "就医", "3-15")
    ok(base, "problem", "close", "4", "--reason", "不属于政策范围", "--date", "4-5")
    return base


def _state(rows: list[dict[str, Any]]) -> dict[int, tuple[Any, ...]]:
    return {
        r["id"]: (r["status"], r["due_on"], r["resolved_on"], r["closed_on"], r["amount"])
        for r in rows
    }


def test_the_listing_shows_the_day_asked_for(ledger: Cli) -> None:
    assert _state(problems(ledger, "--as-of", "4-15")) == {
        1: ("resolved", "2026-04-09", "2026-04-10", None, "100.00"),
        2: ("pending", "2026-05-01", None, None, None),
        4: ("unresolvable", "2026-04-14", None, "2026-04-05", None),
    }
    assert _state(problems(ledger, "--as-of", "5-15")) == {
        1: ("in_progress", "2026-04-09", None, None, "100.00"),
        2: ("pending", "2026-07-31", None, None, None),
        4: ("unresolvable", "2026-04-14", None, "2026-04-05", None),
    }
    # without --as-of: as things stand now, every problem
    assert _state(problems(ledger)) == {
        1: ("resolved", "2026-04-09", "2026-06-01", None, "150.00"),
        2: ("pending", "2026-07-31", None, None, None),
        3: ("pending", "2026-06-19", None, None, None),
        4: ("unresolvable", "2026-04-14", None, "2026-04-05", None),
    }
    table = ok(ledger, "problem", "list", "--as-of", "4-15")
    assert "问题（3，截至 2026-04-15）" in table.out


def test_status_and_overdue_filters_judge_on_the_day(ledger: Cli) -> None:
    def ids(*args: str) -> list[int]:
        return [r["id"] for r in problems(ledger, *args)]

    assert ids("--status", "open", "--as-of", "4-15") == [2]
    assert ids("--status", "resolved", "--as-of", "4-15") == [1]
    assert ids("--status", "open", "--as-of", "5-15") == [1, 2]
    assert ids("--status", "in_progress", "--as-of", "5-15") == [1]
    assert ids("--status", "open") == [2, 3]
    # 2 was late on 5-05 (due 5-01, extended only on 5-10); 1 was late again once reopened
    rows = problems(ledger, "--overdue", "--as-of", "5-5")
    assert [(r["id"], r["overdue_days"], r["due_on"]) for r in rows] == [(2, 4, "2026-05-01")]
    rows = problems(ledger, "--overdue", "--as-of", "5-15")
    assert [(r["id"], r["overdue_days"]) for r in rows] == [(1, 36)]
    assert ids("--overdue", "--as-of", "3-1") == []


@pytest.mark.parametrize(
    "day", ["2026-03-12", "2026-04-15", "2026-05-05", "2026-05-15", "2026-06-15"]
)
def test_selfcheck_open_and_overdue_drill_down_to_the_listing(ledger: Cli, day: str) -> None:
    figures = ok(ledger, "selfcheck", "-f", "json", "--as-of", day).json()["figures"]
    opened = problems(ledger, "--status", "open", "--as-of", day)
    assert figures["problems_open"] == len(opened)
    late = problems(ledger, "--status", "open", "--overdue", "--as-of", day)
    assert figures["problems_overdue"] == len(late)


def test_show_gives_the_problem_as_it_stood_on_the_day(ledger: Cli) -> None:
    def shown(*args: str) -> dict[str, Any]:
        record: dict[str, Any] = ok(ledger, "problem", "show", "1", "-f", "json", *args).json()
        return record

    day = shown("--as-of", "5-15")
    assert (day["status"], day["resolved_on"], day["amount"]) == ("in_progress", None, "100.00")
    assert [s["kind"] for s in day["timeline"]] == ["raise", "resolve", "reopen"]
    assert [s["step_on"] for s in day["timeline"]] == ["2026-03-10", "2026-04-10", "2026-05-10"]
    now = shown()
    assert (now["status"], now["resolved_on"], now["amount"]) == (
        "resolved",
        "2026-06-01",
        "150.00",
    )
    assert [s["kind"] for s in now["timeline"]] == ["raise", "resolve", "reopen", "resolve"]
    table = ok(ledger, "problem", "show", "1", "--as-of", "4-1").out
    assert "办理中" not in table and "待办" in table and "2026-04-10" not in table


def test_show_before_the_problem_was_raised_says_so(ledger: Cli) -> None:
    result = ledger("problem", "show", "3", "--as-of", "5-1")
    assert result.code == 1
    assert result.err.strip() == (
        "问题 3 是在 2026-05-01 以后才提出的，那天还没有这个问题；"
        "请把 --as-of 改为提出日期或以后，或去掉它。"
    )


# --- a handover is no progress (QA: a pending problem handed over showed as 办理中) ---------


@pytest.fixture
def handed(base: Cli) -> Cli:
    """1. raised 5-01 (曾强), handed to 单丽 5-10, progress 5-20, handed to 张伟@综合科 6-01;
    2. raised 5-01 (曾强), handed to 单丽 6-01, nothing else."""
    for text in ("路灯", "下水道"):
        ok(base, "problem", "add", "--community", "幸福社区", "--category", "公共设施",
           "--text", text, "--owner", "曾强", "--date", "5-1")  # fmt: skip
    ok(base, "problem", "edit", "1", "--owner", "单丽", "--date", "5-10")
    ok(base, "problem", "progress", "1", "--note", "已联系施工队", "--date", "5-20")
    ok(base, "problem", "edit", "1", "--owner", "张伟@综合科", "--date", "6-1")
    ok(base, "problem", "edit", "2", "--owner", "单丽", "--date", "6-1")
    return base


def test_a_handover_leaves_the_status_as_it_was(handed: Cli) -> None:
    def status(*args: str) -> dict[int, str]:
        return {r["id"]: r["status"] for r in problems(handed, *args)}

    assert status() == {1: "in_progress", 2: "pending"}
    for day, expected in [
        ("5-9", {1: "pending", 2: "pending"}),
        ("5-10", {1: "pending", 2: "pending"}),  # handed over that day: still pending
        ("5-19", {1: "pending", 2: "pending"}),
        ("5-20", {1: "in_progress", 2: "pending"}),
        ("5-31", {1: "in_progress", 2: "pending"}),
        ("6-1", {1: "in_progress", 2: "pending"}),
        ("6-15", {1: "in_progress", 2: "pending"}),
    ]:
        assert status("--as-of", day) == expected, day
    ids = [r["id"] for r in problems(handed, "--status", "待办", "--as-of", "5-15")]
    assert ids == [1, 2]
    shown = ok(handed, "problem", "show", "1", "--as-of", "5-15", "-f", "json").json()
    assert (shown["status"], shown["owner_id"]) == ("pending", 3)  # 单丽's since 5-10
    said = ok(handed, "problem", "edit", "2", "--owner", "曾强", "--date", "6-2")
    assert "已修改问题 2" in said.out
    assert status() == {1: "in_progress", 2: "pending"}
    assert ok(handed, "db", "check").code == 0


def test_a_handover_made_before_migration_9_can_still_be_undone(handed: Cli, db_path: Path) -> None:
    """Made by the version before, the last handover (problem 2, 6-01) stored 待办 → 办理中 in
    its journal entry; migration 9 sets the problem back to 待办, and the entry must say so
    too, or undo found the status changed since and refused, blaming an edit nobody made."""
    import json

    [(change_id, before, after)] = rows_of(
        db_path,
        'SELECT id, "before", "after" FROM journal_change WHERE table_name = \'problem\''
        " AND record_id = 2 AND action = 'update'",
    )
    old, new = json.loads(before), json.loads(after)
    old["status"], new["status"] = "pending", "in_progress"  # as the version before wrote it

    def quoted(value: dict[str, object]) -> str:
        return "'" + json.dumps(value, ensure_ascii=False).replace("'", "''") + "'"

    execute_sql(
        db_path,
        f'UPDATE journal_change SET "before" = {quoted(old)}, "after" = {quoted(new)}'
        f" WHERE id = {int(change_id)}",
    )
    execute_sql(db_path, "UPDATE problem SET status = 'in_progress' WHERE id = 2")
    execute_sql(db_path, "DELETE FROM schema_migrations WHERE version = 9")
    assert ok(handed, "db", "check").code == 0  # opened: migration 9 runs
    undone = handed("undo", "--yes")
    assert undone.code == 0, undone
    assert rows_of(db_path, "SELECT owner_id, status FROM problem WHERE id = 2") == [(4, "pending")]


def test_pending_problems_handed_over_before_are_pending_again(handed: Cli, db_path: Path) -> None:
    """Migration 9: a handover stored a pending problem as in progress; opened, it is pending
    again, as its steps give; one that had progress stays in progress."""
    execute_sql(db_path, "UPDATE problem SET status = 'in_progress'")
    wrong = handed("db", "check")
    assert wrong.code == 1 and "问题编号 2：状态为“办理中”，但最后一步是" in wrong.out, wrong
    execute_sql(db_path, "DELETE FROM schema_migrations WHERE version = 9")
    assert ok(handed, "db", "check").code == 0  # opened: migration 9 runs
    assert rows_of(db_path, "SELECT id, status FROM problem ORDER BY id") == [
        (1, "in_progress"),
        (2, "pending"),
    ]


def test_a_handover_is_shown_as_one(handed: Cli) -> None:
    """Stored as a progress step with the new owner, a handover read as 办理 (progress) on a
    problem still 待办: the timeline calls it 改派, and the JSON says to whom."""
    shown = ok(handed, "problem", "show", "2", "-f", "plain").out
    assert "改派" in shown and "办理  " not in shown.split("办理过程", 1)[1]
    steps = ok(handed, "problem", "show", "2", "-f", "json").json()["timeline"]
    assert [(s["kind"], s["handed_to"]) for s in steps] == [("raise", None), ("progress", 3)]
