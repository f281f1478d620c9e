"""``progress``: the phase the campaign is in, each phase's checklist and the per-section table."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli
from tests.test_selfcheck import NOW, Ids, build_ledger, check_golden, rich_text


@pytest.fixture
def ledger(db_path: Path) -> Ids:
    return build_ledger(db_path)


def _json(cli: Cli, *args: Any) -> Any:
    result = cli("progress", "-f", "json", *args)
    assert result.code == 0, result
    return result.json()


def _items(data: Any, phase: str) -> dict[str, Any]:
    ph = next(p for p in data["phases"] if p["key"] == phase)
    return {i["key"]: i for i in ph["items"]}


def test_phase_and_days_left(cli: Cli, ledger: Ids) -> None:
    data = _json(cli)  # today, 2026-06-15
    assert data["as_of"] == "2026-06-15"
    assert data["current_phases"] == ["implement"]
    assert data["days_left"] == 199  # to 2026-12-31
    states = {p["key"]: (p["state"], p["days_left"]) for p in data["phases"]}
    assert states == {
        "mobilise": ("ended", 0),
        "implement": ("current", 168),  # to 2026-11-30
        "summarise": ("not_started", 199),
    }
    plain = cli("progress").out
    assert "当前：组织实施阶段（剩 168 天） · 活动剩 199 天" in plain.splitlines()[0]


def test_overlapping_phases_and_before_start(cli: Cli, ledger: Ids) -> None:
    assert _json(cli, "--as-of", "2026-03-15")["current_phases"] == ["mobilise", "implement"]
    assert _json(cli, "--as-of", "2026-11-15")["current_phases"] == ["implement", "summarise"]
    out = cli("progress", "--as-of", "2026-02-01").out
    assert "活动尚未开始（28 天后开始）" in out


def test_checklists_name_their_records(cli: Cli, ledger: Ids) -> None:
    data = _json(cli)
    phase1 = _items(data, "mobilise")
    assert [k for k, i in phase1.items() if i["done"]] == ["plan", "organize", "mobilize"]
    assert phase1["plan"]["record"] == "2026-03-02 《三联三解三促实施方案》"
    assert phase1["organize"]["record"].startswith("组长 张伟（办公室）")
    phase2 = _items(data, "implement")
    assert {k: i["done"] for k, i in phase2.items()} == {
        "education": True,
        "org_life": False,  # none before 1 July
        "interview": True,
        "research": False,  # 3 of 6 cadres
        "civility": True,
        "practical": True,
        "conflict": True,
        "mechanism": False,  # A9 is on 10-15
        "exchange": False,  # A8 is on 09-10
    }
    assert phase2["research"]["record"] == "3/6 名干部已撰写，共 3 篇"
    assert phase2["interview"]["record"] == "走访 2 次、3 人次，联系卡 12 张，民情日记 1 篇"
    year_end = _json(cli, "--as-of", "2026-12-31")
    phase2 = _items(year_end, "implement")
    assert phase2["org_life"]["done"] is False  # A5 on 1 July does not count
    assert phase2["org_life"]["record"] == "有 1 次，但均不在七一前"
    assert phase2["exchange"]["done"] and phase2["mechanism"]["done"]
    phase3 = _items(year_end, "summarise")
    assert phase3["summary"]["done"] is True
    assert phase3["selfcheck"]["done"] is False
    assert phase3["selfcheck"]["record"].startswith("八个一完成 6/8")


def test_leading_group_needs_its_head(cli: Cli, ledger: Ids, db_path: Path) -> None:
    from sanlian.db import models as m
    from sanlian.db.engine import open_database

    db = open_database(str(db_path))
    with db.session() as s:
        head = s.get(m.Cadre, ledger.cadres["C1"])
        assert head is not None
        head.role = "deputy"
        s.add(head)
    db.dispose()
    item = _items(_json(cli), "mobilise")["organize"]
    assert item["done"] is False
    assert item["record"].startswith("尚未指定组长")


def test_section_table_matches_selfcheck(cli: Cli, ledger: Ids) -> None:
    data = _json(cli, "--as-of", "2026-12-31")
    rows = {s["name"]: s for s in data["sections"]}
    assert rows["办公室"] == {
        "id": ledger.sections["S1"],
        "name": "办公室",
        "cadres": 3,
        "households": 1,
        "visits": 3,
        "diaries": 1,
        "research_done": 2,
        "research_required": 3,
        "problems_resolved": 1,
        "problems_raised": 3,
        "conflicts_resolved": 0,
        "conflicts_raised": 1,
        "eight_ones": 4,
    }
    assert data["total"]["name"] == "合计"
    assert (data["total"]["research_done"], data["total"]["research_required"]) == (3, 5)
    figures = cli("selfcheck", "-f", "json", "--as-of", "2026-12-31").json()["figures"]
    assert data["total"]["visits"] == figures["visits"]
    assert data["total"]["eight_ones"] == figures["eight_ones_done"]


def test_by_cadre_matrix(cli: Cli, ledger: Ids) -> None:
    data = _json(cli, "--by", "cadre")
    cadres = {c["name"]: c for c in data["cadres"]}
    assert list(cadres) == ["张伟", "李娜", "孙闲", "王强", "赵敏", "刘退"]  # by section
    zhang = cadres["张伟"]
    assert (zhang["households"], zhang["enterprises"], zhang["visits"]) == (0, 1, 1)
    assert zhang["last_visit_on"] == "2026-05-05"
    assert (zhang["research"], zhang["activities"]) == (1, 2)  # R1; A3 A4
    assert (zhang["problems_owned"], zhang["problems_resolved"]) == (2, 1)  # P2 P5; P2
    assert cadres["李娜"]["households"] == 1
    assert cadres["孙闲"] == {**cadres["孙闲"], "visits": 0, "research": 0, "activities": 0}
    csv_out = cli("progress", "--by", "cadre", "-f", "csv").out
    assert csv_out.lstrip("\ufeff").splitlines()[0].startswith("科室,姓名,结对户,联系企业")


def test_golden_renderings(cli: Cli, ledger: Ids) -> None:
    from sanlian.cli.reports import progress_rich
    from sanlian.db.engine import open_database
    from sanlian.reports.progress import progress

    for args, name in (
        (("-f", "table"), "progress_plain.txt"),
        (("-f", "markdown"), "progress_markdown.md"),
        (("--by", "cadre", "-f", "plain"), "progress_cadre_plain.txt"),
    ):
        result = cli("progress", *args)
        assert result.code == 0, result
        check_golden(name, result.out)
    db = open_database(os.environ["SANLIAN_DB"])
    with db.session() as s:
        sections = progress(s, today=dt.date(2026, 6, 15))
        cadres = progress(s, today=dt.date(2026, 6, 15), by_cadre=True)
    db.dispose()
    check_golden("progress_rich.txt", rich_text(progress_rich, sections))
    check_golden("progress_cadre_rich.txt", rich_text(progress_rich, cadres))


def test_rich_fits_a_terminal_100_columns_wide(ledger: Ids) -> None:
    from rich.cells import cell_len

    golden = Path(__file__).parent / "golden"
    for path in sorted(golden.glob("*_rich.txt")):
        text = path.read_text(encoding="utf-8")
        assert max(cell_len(line) for line in text.splitlines()) <= 100, path.name
    bars = (golden / "progress_rich.txt").read_text(encoding="utf-8").split("各科室进度")[1]
    assert "━" in bars  # the per-section table draws progress bars


def test_demo_hook_prints_progress(
    ledger: Ids, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sanlian.cli.context import reset
    from sanlian.cli.reports import print_progress
    from sanlian.db.engine import open_database

    db = open_database(str(db_path))
    with db.session() as s:
        print_progress(s)
    db.dispose()
    out = capsys.readouterr().out
    assert out.startswith("2026年“三联三解三促”活动 · 截至 2026-06-15")
    assert "各科室进度" in out
    print_progress(reset(db=str(db_path)), dt.date(2026, 12, 31))
    assert "截至 2026-12-31 · 当前：总结阶段（剩 0 天） · 活动剩 0 天" in capsys.readouterr().out


def test_refusals(cli: Cli, ledger: Ids, tmp_path: Path) -> None:
    bad = cli("progress", "--as-of", "2026-13-40")
    assert bad.code == 1 and "截至日期" in bad.err
    assert cli("progress", "--by", "team").code == 2
    out = cli("progress", "-o", tmp_path / "进度.xlsx")
    assert out.code == 1 and ".csv" in out.err


def test_no_campaign(cli: Cli, db_path: Path) -> None:
    from sanlian.db.engine import open_database

    open_database(str(db_path), create=True).dispose()
    result = cli("progress")
    assert result.code == 1
    assert "sanlian init" in result.err
    assert NOW.year == 2026
