"""Defects found in the sixth QA pass of the one-shot commands (one test each)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Cli, dump, rows_of


def _journal_count(db_path: Path) -> int:
    return int(rows_of(db_path, "SELECT count(*) FROM journal")[0][0])


@pytest.fixture
def campaign(base: Cli) -> Cli:
    """``base`` with a link, a visit and a problem to edit."""
    steps = [
        ("link", "community", "--section", "办公室", "--community", "幸福社区", "--from", "3-1"),
        (
            "visit",
            "add",
            "--date",
            "2026-03-05",
            "--cadre",
            "1",
            "--cadre",
            "曾强",
            "--household",
            "王秀英",
            "--form",
            "home",
            "--cards",
            "2",
            "--diary",
            "家中老人行动不便",
        ),
        (
            "problem",
            "add",
            "--household",
            "王秀英",
            "--category",
            "medical",
            "--text",
            "老人就医难",
            "--owner",
            "曾强",
            "--date",
            "2026-03-05",
        ),
    ]
    for step in steps:
        result = base(*step)
        assert result.code == 0, result
    return base


SAME_VALUES = [
    ("section", "edit", "综合科", "--name", "综合科"),
    ("cadre", "edit", "1", "--phone", "138 1234 5678", "--section", "办公室", "--leader"),
    ("cadre", "edit", "曾强", "--party", "群众", "--note", ""),
    ("community", "edit", "幸福社区", "--town", "兰山街道", "--grid", "第一网格"),
    ("enterprise", "edit", "1", "--uscc", "91350100M000100Y43", "--industry", ""),
    ("household", "edit", "王秀英", "--community", "幸福社区", "--members", "3"),
    (
        "visit",
        "edit",
        "1",
        "--date",
        "2026/3/5",
        "--cadre",
        "曾强",
        "--cadre",
        "1",
        "--household",
        "王秀英",
        "--form",
        "入户走访",
        "--cards",
        "2",
        "--diary",
        "家中老人行动不便",
    ),
    ("problem", "edit", "1", "--owner", "曾强", "--category", "就医", "--no-conflict"),
    ("campaign", "set", "--time-limit", "30", "--pairs", "1", "--phase", "1", "--end", "3-31"),
]


@pytest.mark.parametrize("args", SAME_VALUES, ids=lambda a: " ".join(a[:2]))
def test_an_edit_that_changes_nothing_writes_nothing(
    campaign: Cli, db_path: Path, args: tuple[str, ...]
) -> None:
    before = dump(db_path)
    entries = _journal_count(db_path)
    result = campaign(*args)
    assert result.code == 0, result
    assert result.out.startswith("没有修改："), result.out
    assert "与原来相同，未写入变更日志" in result.out
    assert result.err == ""  # no "not linked" hint for a visit left as it was
    assert _journal_count(db_path) == entries
    assert dump(db_path) == before
    # undo still undoes the last real change (the problem's registration), not an empty entry
    shown = json.loads(campaign("history", "-f", "json").out)
    assert shown[0]["command"] == "problem add"


def test_an_edit_that_changes_one_value_is_journaled(campaign: Cli, db_path: Path) -> None:
    entries = _journal_count(db_path)
    result = campaign("cadre", "edit", "曾强", "--party", "群众", "--title", "科员")
    assert result.code == 0, result
    assert result.out.strip() == "已修改干部“曾强”（编号 4）。"
    assert _journal_count(db_path) == entries + 1
    detail = json.loads(campaign("history", "--detail", "-f", "json").out)[0]
    assert [(c["table"], c["before"]["title"], c["after"]["title"]) for c in detail["changes"]] == [
        ("cadre", None, "科员")
    ]


def test_a_visit_edit_keeps_the_cadres_that_stay(campaign: Cli, db_path: Path) -> None:
    """Replacing the cadres journals only the one who left, and undo puts him back."""
    result = campaign("visit", "edit", "1", "--cadre", "1")
    assert result.code == 0, result
    detail = json.loads(campaign("history", "--detail", "-f", "json").out)[0]
    assert [(c["table"], c["action"], c["before"]) for c in detail["changes"]] == [
        ("visit_cadre", "delete", {"visit_id": 1, "cadre_id": 4})
    ]
    assert rows_of(db_path, "SELECT cadre_id FROM visit_cadre WHERE visit_id = 1") == [(1,)]
    assert campaign("undo", "--yes").code == 0
    assert rows_of(
        db_path, "SELECT cadre_id FROM visit_cadre WHERE visit_id = 1 ORDER BY cadre_id"
    ) == [(1,), (4,)]
