"""``progress``: the phase the campaign is in, each phase's checklist and the per-section table."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import pytest

from sanlian.cli.output import text_width
from tests.conftest import Cli, location
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
    assert phase3["selfcheck"]["record"] == "八个一完成 6/8，材料尚不齐备"


def test_the_report_is_written_when_it_is_on_record(cli: Cli, ledger: Ids) -> None:
    """写出自查报告 is done once the report is recorded (an activity of the kind selfcheck,
    here by its Chinese name), from its day on; all eight ones done only make it ready."""
    added = cli("activity", "add", "自查报告", "--date", "6-10", "--title", "活动自查报告")
    assert added.code == 0, added
    before = _items(_json(cli, "--as-of", "2026-06-09"), "summarise")["selfcheck"]
    assert before["done"] is False and before["record"].endswith("，材料尚不齐备")
    after = _items(_json(cli, "--as-of", "2026-06-10"), "summarise")["selfcheck"]
    assert after["done"] is True and after["record"] == "2026-06-10 《活动自查报告》"


def test_the_report_not_on_record_after_its_phase_is_pressed(cli: Cli, ledger: Ids) -> None:
    """Past the summary phase's end, 写出自查报告 not on record is urged (督办) by
    ``supervise``, its record quoted, no command in it (documents quote it); on record, not."""
    # the ledger's visits after the summary's new end first (the campaign must hold them)
    later = cli("visit", "list", "--from", "6-11", "-f", "json").json()
    assert later
    for visit in later:
        assert cli("visit", "remove", str(visit["id"]), "--force").code == 0
    earlier = ("campaign", "set", "--phase", "组织实施", "--start", "3-01", "--end", "5-31")
    assert cli(*earlier).code == 0
    phase = ("campaign", "set", "--phase", "总结", "--start", "6-01", "--end", "6-10")
    assert cli(*phase).code == 0
    urged = [
        a["text"]
        for g in cli("supervise", "--as-of", "2026-06-15", "-f", "json").json()["groups"]
        for a in g["alerts"]
        if a["kind"] == "phase_item"
    ]
    mine = [t for t in urged if "写出自查报告" in t]
    assert len(mine) == 1 and "sanlian" not in mine[0]
    assert mine[0].startswith("总结阶段已结束，“写出自查报告”尚未完成（八个一完成 ")
    assert cli("activity", "add", "自查", "--date", "6-12").code == 0  # by its short name
    again = cli("supervise", "--as-of", "2026-06-15", "-f", "json").json()["groups"]
    assert not [a for g in again for a in g["alerts"] if "写出自查报告" in a["text"]]


def test_all_eight_ones_make_the_report_ready_not_written() -> None:
    from types import SimpleNamespace

    from sanlian.reports.progress import _report_item

    item = _report_item([], SimpleNamespace(eight_ones_done=8))  # type: ignore[arg-type]
    assert item.done is False and item.label == "写出自查报告"
    assert item.record == "八个一完成 8/8，尚无“自查报告”记录"


def test_leading_group_needs_its_head(cli: Cli, ledger: Ids, db_path: Path) -> None:
    from sanlian.db import models as m
    from sanlian.db.engine import open_database

    db = open_database(location(db_path))
    with db.session() as s:
        head = s.get(m.Cadre, ledger.cadres["C1"])
        assert head is not None
        head.role = "deputy"
        s.add(head)
    db.dispose()
    item = _items(_json(cli), "mobilise")["organize"]
    assert item["done"] is False
    assert item["record"].startswith("尚未指定领导小组组长；")
    # phase 1 has ended: supervise presses it, in words and without command syntax
    alerts = cli("supervise", "-f", "json").json()
    lines = [a["text"] for g in alerts["groups"] for a in g["alerts"] if a["kind"] == "phase_item"]
    assert lines == [
        "动员部署阶段已结束，“成立领导小组及办公室”尚未完成"
        "（尚未指定领导小组组长；2026-03-03 《成立活动领导小组》）"
    ]
    for fmt in ("plain", "markdown", "csv", "json"):
        assert not re.search(r"--[a-z]", cli("supervise", "-f", fmt).out), fmt


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


def test_ratios_share_one_base(cli: Cli, ledger: Ids) -> None:
    """问题解决 a/b: of the problems raised in the year, those resolved by the as-of day."""
    year_end = _json(cli, "--as-of", "2026-12-31")
    rows = {s["name"]: s for s in year_end["sections"]}
    # 综合科 raised P3 P7 and resolved both; P1 (raised in 2025, resolved 2026-01-10) is in
    # neither count — it used to make 3/2
    s2 = rows["综合科"]
    assert (s2["problems_resolved"], s2["problems_raised"]) == (2, 2)
    assert (s2["conflicts_resolved"], s2["conflicts_raised"]) == (1, 1)  # P3
    total = year_end["total"]
    assert (total["problems_resolved"], total["problems_raised"]) == (3, 6)  # P2 P3 P7 of P2–P7
    assert (total["conflicts_resolved"], total["conflicts_raised"]) == (1, 2)  # P3 of P3 P4
    for row in (*year_end["sections"], total):
        assert row["problems_resolved"] <= row["problems_raised"], row["name"]
        assert row["conflicts_resolved"] <= row["conflicts_raised"], row["name"]
    # mid-June: P7 (王强, raised 06-05) is open; P1 resolved this year does not make it 1/1
    mid = _json(cli)
    s2 = next(s for s in mid["sections"] if s["name"] == "综合科")
    assert (s2["problems_resolved"], s2["problems_raised"]) == (1, 2)  # P3 of P3 P7
    wang = next(c for c in _json(cli, "--by", "cadre")["cadres"] if c["name"] == "王强")
    assert (wang["problems_resolved"], wang["problems_owned"]) == (0, 1)
    plain = cli("progress", "--by", "cadre", "-f", "plain").out
    assert next(line for line in plain.splitlines() if "王强" in line).endswith(" 0/1")
    # the checklist says both facts, each on its own base
    practical = _items(year_end, "implement")["practical"]["record"]
    assert practical == "本年解决 4 件；本年收集 6 件，其中已解决 3 件"
    conflict = _items(year_end, "implement")["conflict"]["record"]
    assert conflict == "本年化解 1 件；本年排查矛盾纠纷 2 件，其中已化解 1 件"
    # selfcheck's DESIGN figure is unchanged: resolved in the year, whenever raised
    figures = cli("selfcheck", "-f", "json", "--as-of", "2026-12-31").json()["by_section"]
    assert figures[1]["problems_resolved"] == 3  # P1 P3 P7


def test_csv_gives_excel_numbers_not_ratios(cli: Cli, ledger: Ids) -> None:
    """Excel reads 2/3 or 8/15 in a CSV as a date (2月3日): the CSV carries each ratio as two
    columns of whole numbers, a date as a date, and nothing where a figure does not apply."""
    import csv

    def table(*args: str) -> list[dict[str, str]]:
        result = cli("progress", "-f", "csv", "--as-of", "2026-12-31", *args)
        assert result.code == 0, result
        return list(csv.DictReader(result.out.lstrip("\ufeff").splitlines()))

    sections = {r["科室"]: r for r in table()}
    assert sections["办公室"] == {
        "科室": "办公室",
        "干部": "3",
        "本年结对户": "1",
        "走访": "3",
        "日记": "1",
        "调研报告已写": "2",
        "调研报告应写": "3",
        "问题已解决": "1",
        "问题收集": "3",
        "矛盾已化解": "0",
        "矛盾纠纷": "1",
        "八个一已完成(共8项)": "4",
    }
    assert (sections["合计"]["调研报告已写"], sections["合计"]["调研报告应写"]) == ("3", "5")
    cadres = {r["姓名"]: r for r in table("--by", "cadre")}
    zhang = cadres["张伟"]
    assert (zhang["联系企业"], zhang["最近走访"]) == ("1", "2026-07-20")
    assert (zhang["问题已解决"], zhang["负责问题"]) == ("1", "2")
    by_json = {c["name"]: c for c in _json(cli, "--by", "cadre", "--as-of", "2026-12-31")["cadres"]}
    for name, row in cadres.items():
        c = by_json[name]
        assert (row["问题已解决"], row["负责问题"]) == (
            str(c["problems_resolved"]),
            str(c["problems_owned"]),
        )
        assert row["最近走访"] == (c["last_visit_on"] or "")
    assert cadres["李娜"]["联系企业"] == ""  # not a leadership member: no figure, no "—"
    for row in (*sections.values(), *cadres.values()):
        for column, value in row.items():
            assert "/" not in value and "—" not in value, (column, value)


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
    assert csv_out.lstrip("\ufeff").splitlines()[0].startswith("科室,姓名,现结对,联系企业")


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


def test_rich_keeps_every_figure_whole_at_100_columns(ledger: Ids, db_path: Path) -> None:
    """A long section name wraps; headers, numbers and bars are never cut to "…"."""
    from rich.cells import cell_len

    from sanlian.cli.reports import progress_rich
    from sanlian.db import models as m
    from sanlian.db.engine import open_database
    from sanlian.reports.progress import progress

    db = open_database(location(db_path))
    with db.session() as s:
        section = s.get(m.Section, ledger.sections["S2"])
        assert section is not None
        section.name = "中小企业发展服务科"
        s.add(section)
    with db.session() as s:
        report = progress(s, today=dt.date(2026, 6, 15), as_of=dt.date(2026, 12, 31))
        cadres = progress(s, today=dt.date(2026, 6, 15), as_of=dt.date(2026, 12, 31), by_cadre=True)
    db.dispose()
    matrix = rich_text(progress_rich, cadres).split("各干部事项")[1]
    assert max(cell_len(line) for line in matrix.splitlines()) <= 100
    assert "…" not in matrix
    text = rich_text(progress_rich, report)
    assert max(cell_len(line) for line in text.splitlines()) <= 100
    table = text.split("各科室进度")[1]
    assert "…" not in table
    header = next(line for line in table.splitlines() if "科室" in line)
    labels = ("干部", "本年结对户", "走访", "日记", "调研报告", "问题解决", "矛盾化解")
    for label in (*labels, "八个一"):
        assert f" {label} " in header, label
    total = next(line for line in table.splitlines() if "合计" in line)
    assert all(f" {ratio} " in total for ratio in ("3/5", "3/6", "1/2", "6/8")), total
    # a phase's title is one line of its own, however narrow its table
    assert "第三阶段 总结阶段（11月1日—12月31日，进行中，最后一天） 完成 1/2\n" in text


def test_demo_hook_prints_progress(
    ledger: Ids, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sanlian.cli.context import reset
    from sanlian.cli.reports import print_progress
    from sanlian.db.engine import open_database

    db = open_database(location(db_path))
    with db.session() as s:
        print_progress(s)
    db.dispose()
    out = capsys.readouterr().out
    assert out.startswith("2026年“三联三解三促”活动 · 截至 2026-06-15")
    assert "各科室进度" in out
    print_progress(reset(db=location(db_path)), dt.date(2026, 12, 31))
    assert "截至 2026-12-31 · 当前：总结阶段（最后一天） · 活动最后一天" in capsys.readouterr().out


def test_refusals(cli: Cli, ledger: Ids, tmp_path: Path) -> None:
    bad = cli("progress", "--as-of", "2026-13-40")
    assert bad.code == 1 and "截至日期" in bad.err
    assert cli("progress", "--by", "team").code == 1
    out = cli("progress", "-o", tmp_path / "进度.xlsx")
    assert out.code == 1 and ".csv" in out.err


def test_no_campaign(cli: Cli, db_path: Path) -> None:
    from sanlian.db.engine import open_database

    open_database(location(db_path), create=True).dispose()
    result = cli("progress")
    assert result.code == 1
    assert "sanlian init" in result.err
    assert NOW.year == 2026


def test_more_cadres_than_a_screenful_are_a_text_table_folded_to_the_terminal(
    ledger: Ids, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rich draws a screenful of cadres; a longer table is the text table (0.4 ms a row in
    Rich: 150 cadres took 110 ms inside the shell), folded to the terminal's width."""
    from sanlian.cli import reports
    from sanlian.db.engine import open_database
    from sanlian.reports.progress import progress

    db = open_database(os.environ["SANLIAN_DB"])
    with db.session() as s:
        cadres = progress(s, today=dt.date(2026, 6, 15), by_cadre=True)
    db.dispose()
    monkeypatch.setattr(reports, "SCREENFUL", 5)  # the ledger has six cadres
    table = rich_text(reports.progress_rich, cadres).split("各干部事项\n")[1]
    golden = Path(__file__).parent / "golden" / "progress_cadre_plain.txt"
    assert table == golden.read_text(encoding="utf-8").split("各干部事项\n\n")[1]
    narrow = rich_text(reports.progress_rich, cadres, width=60).split("各干部事项\n")[1]
    lines = narrow.splitlines()
    assert max(text_width(line) for line in lines) <= 60
    assert [line.split()[:2] for line in lines if line.startswith("办公室")] == [
        ["办公室", "张伟"],
        ["办公室", "李娜"],
        ["办公室", "孙闲"],
    ]


def test_a_year_that_is_no_year_is_refused_as_such(cli: Cli) -> None:
    """--year 26 was told to run init --year 26 first, which init refuses."""
    assert cli("init", "--year", "2026").code == 0
    for command in ("progress", "selfcheck", "supervise"):
        result = cli(command, "--year", "26")
        assert result.code == 1 and result.err.strip() == (
            "“年度”“26”不对，请写 2000 至 2100 年之间的年份，如 2026。"
        ), (command, result)
    result = cli("progress", "--year", "2025")
    assert result.code == 1 and "sanlian init --year 2025" in result.err


def test_a_phase_moved_off_its_neighbour_says_the_days_no_phase_covers(cli: Cli) -> None:
    assert cli("init", "--year", "2026").code == 0
    result = cli("campaign", "set", "--phase", "2", "--start", "7-1")
    assert result.code == 0 and result.err.strip() == (
        "提示：2026-04-01 至 2026-06-30 不在任何阶段内（动员部署阶段到此前结束，组织实施阶段从此后"
        "开始）；这些天的记录照样计入全年统计，只是不属于哪个阶段。如不是有意留空，请一并调整相邻"
        "阶段的日期。"
    )
    result = cli("campaign", "set", "--phase", "1", "--end", "6-30")  # closed again
    assert result.code == 0 and result.err == ""


def test_a_cadre_who_left_in_the_year_keeps_a_row(cli: Cli, ledger: Ids) -> None:
    # 刘退 left on 09-30: his research report (04-01) and activity are in the year's figures,
    # so the per-cadre table lists him, 停用 in its 现结对 column, and says so under it
    report = cli("progress", "--by", "cadre", "--as-of", "12-31", "-f", "plain").out
    row = next(line for line in report.splitlines() if "刘退" in line)
    assert row.split()[2] == "停用", row
    assert "注：“现结对”写“停用”的干部已在年内停用（刘退 9月30日）" in report
    data = cli("progress", "--by", "cadre", "--as-of", "12-31", "-f", "json").json()
    left = {c["name"]: c["retired_on"] for c in data["cadres"]}
    assert left.pop("刘退") == "2026-09-30" and set(left.values()) == {None}
    csv_rows = cli("progress", "--by", "cadre", "--as-of", "12-31", "-f", "csv").out.splitlines()
    head = csv_rows[0].lstrip("\ufeff").split(",")
    his = dict(zip(head, next(r for r in csv_rows if "刘退" in r).split(","), strict=True))
    assert his["停用日期"] == "2026-09-30" and his["现结对"] == "0"
    # the day before he left he is on the roster: a row like any other, no note
    before = cli("progress", "--by", "cadre", "--as-of", "9-29", "-f", "plain").out
    assert next(line for line in before.splitlines() if "刘退" in line).split()[2] != "停用"
    assert "停用" not in before


def test_a_cadre_who_left_after_the_year_is_not_marked_as_left_in_it(cli: Cli, ledger: Ids) -> None:
    # 2025's report judged on 2026-10-01: 刘退 (left 2026-09-30) was there all of 2025
    data = cli("progress", "--year", "2025", "--as-of", "2026-10-01", "--by", "cadre", "-f", "json")
    assert data.code == 0
    assert all(c["retired_on"] is None for c in data.json()["cadres"])
    text = cli(
        "progress", "--year", "2025", "--as-of", "2026-10-01", "--by", "cadre", "-f", "plain"
    )
    assert "停用" not in text.out


def test_progress_sections_overlap_note(base: Cli) -> None:
    # one visit by cadres of both sections: 走访 1 + 1 against 合计 1, and the report says why
    overlap = "各科室之和可能大于合计"
    visit = ["visit", "add", "--date", "5-10", "--community", "幸福社区", "--form", "talk"]
    assert base(*visit, "--cadre", "张伟@办公室").code == 0
    assert overlap not in base("progress", "-f", "plain").out
    assert base(*visit, "--cadre", "张伟@办公室", "--cadre", "单丽").code == 0
    assert overlap in base("progress", "-f", "plain").out
    assert overlap in base("progress", "-f", "markdown").out
