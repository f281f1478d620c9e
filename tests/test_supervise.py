"""``supervise`` (调度督促): what lags and who must act, most urgent first, grouped by section."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, location
from tests.test_selfcheck import NOW, Ids, build_ledger, check_golden, rich_text


@pytest.fixture
def ledger(db_path: Path) -> Ids:
    return build_ledger(db_path)


def _json(cli: Cli, *args: Any) -> Any:
    result = cli("supervise", "-f", "json", *args)
    assert result.code == 0, result
    return result.json()


def _alerts(data: Any) -> list[dict[str, Any]]:
    return [a for g in data["groups"] for a in g["alerts"]]


def _kinds(data: Any, kind: str) -> list[tuple[str, Any]]:
    return [(a["actor"], a["ref"]) for a in _alerts(data) if a["kind"] == kind]


def test_mid_june(cli: Cli, ledger: Ids) -> None:
    data = _json(cli)  # 2026-06-15
    # groups: the office first (it holds the red card), then 办公室 (yellow), then 综合科
    assert [g["section"] for g in data["groups"]] == ["领导小组办公室", "办公室", "综合科"]
    # P5 (raised 06-01, closed only on 06-20) had no step for 14 days on 06-15: urged
    assert data["counts"] == {"red": 1, "yellow": 1, "urge": 1, "warn": 14}
    office, s1, s2 = data["groups"]
    # P6 has no owner: 57 days past its due date 04-19 (> red_days 15): red, the office acts
    red = office["alerts"][0]
    assert (red["kind"], red["ref"], red["days"], red["actor"]) == (
        "red_card",
        6,
        57,
        "待指定责任人",
    )
    assert red["text"] == "问题 6 超期 57 天（4月19日到期）：陈家“想参加培训”，87 天无进展"
    assert [a["kind"] for a in office["alerts"]] == [
        "red_card",
        "org_life_soon",  # June, no org-life yet: 16 days to 1 July
        "eight_one",  # research (3 of 6)
        "eight_one",  # mechanism
    ]
    assert office["alerts"][1]["days"] == 16
    # P4: 15 days past due is not more than red_days (15): a yellow card for its owner 李娜
    yellow = s1["alerts"][0]
    assert (yellow["kind"], yellow["actor"], yellow["days"]) == ("yellow_card", "李娜", 15)
    # P5 (due 07-01) and P7 (due 07-05) are open but not late
    assert {a["ref"] for a in _alerts(data) if a["kind"].endswith("_card")} == {4, 6}
    assert _kinds(data, "no_household") == [
        ("张伟", ledger.cadres["C1"]),
        ("孙闲", ledger.cadres["C6"]),
    ]
    # no visit in the last 30 days: least recently first (孙闲 never; 李娜 04-10; 张伟 05-05)
    assert [a["actor"] for a in s1["alerts"] if a["kind"] == "no_visit"] == ["孙闲", "李娜", "张伟"]
    assert [a["actor"] for a in s2["alerts"] if a["kind"] == "no_visit"] == ["王强", "刘退", "赵敏"]
    # H1 was visited (V1); H3 (王强) and H2 (刘退) were not, paired more than 30 days ago
    assert sorted(a["actor"] for a in s2["alerts"] if a["kind"] == "household_unvisited") == [
        "刘退",
        "王强",
    ]
    # E1 (临沂华强机械有限公司), linked by 张伟 since 03-10, is first visited on 07-20: on 06-15 he is pressed
    assert _kinds(data, "enterprise_unvisited") == [("张伟", E1)]
    assert [a["text"] for a in s1["alerts"] if a["kind"] == "enterprise_unvisited"] == [
        "联系企业临沂华强机械有限公司本年度尚未走访"
    ]
    # M1 (办公室's since 03-01) was visited on 05-05; the bureau links M2 only since 06-01
    assert not _kinds(data, "community_unvisited")
    # a leadership member with an enterprise (张伟–E1) is not pressed; research not yet near
    assert not _kinds(data, "leader_no_enterprise")
    assert not _kinds(data, "research_warn") and not _kinds(data, "research_due")


def test_red_once_more_than_red_days_past_due(cli: Cli, ledger: Ids) -> None:
    data = _json(cli, "--as-of", "2026-06-16")
    p4 = next(a for a in _alerts(data) if a["ref"] == 4 and a["kind"].endswith("_card"))
    assert (p4["kind"], p4["days"]) == ("red_card", 16)


def test_yellow_days_setting_and_stale(cli: Cli, ledger: Ids) -> None:
    assert cli("campaign", "set", "--yellow", "20", "--red", "30").code == 0
    data = _json(cli)
    # P4 is 15 days late, within the 20 days' grace: no card, but no step for 36 days
    assert not [a for a in _alerts(data) if a["ref"] == 4 and a["kind"].endswith("_card")]
    stale = next(a for a in _alerts(data) if a["kind"] == "stale")
    assert (stale["ref"], stale["days"], stale["level"], stale["actor"]) == (4, 36, "urge", "李娜")
    # … and the line says it is overdue, though within the grace
    assert stale["text"].startswith("问题 4 已 36 天无进展（已超期 15 天）：")


def test_an_extension_or_a_handover_is_no_progress(cli: Cli, ledger: Ids) -> None:
    def p4(*args: str) -> list[dict[str, Any]]:
        kinds = ("stale", "yellow_card", "red_card")
        return [a for a in _alerts(_json(cli, *args)) if a["ref"] == 4 and a["kind"] in kinds]

    assert cli("campaign", "set", "--yellow", "20", "--red", "30").code == 0
    # P4's last step is the progress of 05-10: an extension and a handover after it do not
    # make it move, so it is still 36 days quiet on 06-15 (and no longer late at all)
    extend = ("problem", "extend", "4", "--due", "2026-07-31", "--reason", "等待审批")
    assert cli(*extend, "--date", "2026-06-10").code == 0
    assert cli("problem", "edit", "4", "--owner", "张伟", "--date", "2026-06-12").code == 0
    [stale] = p4()
    assert (stale["kind"], stale["days"], stale["actor"]) == ("stale", 36, "张伟")
    assert stale["text"].startswith("问题 4 已 36 天无进展：")
    # on a day before the extension, the days it had then
    assert [(a["kind"], a["days"]) for a in p4("--as-of", "2026-06-09")] == [("stale", 30)]
    # a progress note is progress: the clock starts again
    assert cli("problem", "progress", "4", "--note", "已协调", "--date", "2026-06-14").code == 0
    assert not p4()


def test_org_life_pressed_after_first_of_july(cli: Cli, ledger: Ids) -> None:
    before = _json(cli, "--as-of", "2026-05-15")
    assert not _kinds(before, "org_life_soon") and not _kinds(before, "org_life_missed")
    assert any(
        "共同过一次组织生活" in a["text"] for a in _alerts(before) if a["kind"] == "eight_one"
    )
    # the org-life on 1 July (A5) is not before 1 July: from 1 July on it is pressed
    after = _json(cli, "--as-of", "2026-07-02")
    missed = [a for a in _alerts(after) if a["kind"] == "org_life_missed"]
    assert len(missed) == 1 and missed[0]["level"] == "urge"
    assert missed[0]["actor"] == "领导小组办公室"


def test_research_as_phase_three_nears(cli: Cli, ledger: Ids) -> None:
    # 30 days before 11-01: warn those without a report (王强 writes only on 10-10)
    near = _json(cli, "--as-of", "2026-10-05")
    assert sorted(a for a, _ in _kinds(near, "research_warn")) == ["孙闲", "王强", "赵敏"]
    inside = _json(cli, "--as-of", "2026-11-05")
    assert sorted(a for a, _ in _kinds(inside, "research_due")) == ["孙闲", "赵敏"]
    assert not _kinds(inside, "research_warn")
    # each cadre is named instead of the office's eight-ones line
    assert not [a for a in _alerts(inside) if a["kind"] == "eight_one" and "调研" in a["text"]]


def test_leader_without_enterprise(cli: Cli, ledger: Ids, db_path: Path) -> None:
    from sanlian.db import models as m
    from sanlian.db.engine import open_database

    db = open_database(location(db_path))
    with db.session() as s:
        s.add(
            m.Cadre(
                name="周副",
                section_id=ledger.sections["S2"],
                party="member",
                is_leader=True,
                role="deputy",
                created_at=NOW,
            )
        )
    db.dispose()
    data = _json(cli)
    assert [a for a, _ in _kinds(data, "leader_no_enterprise")] == ["周副"]
    group = next(g for g in data["groups"] if g["section"] == "综合科")
    assert group["alerts"][0]["kind"] == "leader_no_enterprise"  # the most urgent of its group


def test_ended_phase_items(cli: Cli, ledger: Ids, db_path: Path) -> None:
    from sqlalchemy import delete

    from sanlian.db import models as m
    from sanlian.db.engine import open_database

    db = open_database(location(db_path))
    with db.session() as s:
        s.execute(delete(m.Activity).where(m.Activity.kind == "mobilize"))  # type: ignore[arg-type]
    db.dispose()
    data = _json(cli)
    items = [a["text"] for a in _alerts(data) if a["kind"] == "phase_item"]
    assert items == ["动员部署阶段已结束，“召开动员部署会议”尚未完成（尚无“动员部署会议”记录）"]


def test_every_line_names_who_acts(cli: Cli, ledger: Ids) -> None:
    for day in ("2026-06-15", "2026-12-31"):
        assert all(a["actor"] for a in _alerts(_json(cli, "--as-of", day)))


def test_csv(cli: Cli, ledger: Ids) -> None:
    result = cli("supervise", "-f", "csv")
    lines = result.out.lstrip("\ufeff").splitlines()
    assert lines[0] == "科室,级别,责任人,事项"
    assert lines[1].startswith("领导小组办公室,红牌,待指定责任人,问题 6 超期 57 天")
    assert len(lines) == 18  # the header and 1 + 1 + 1 + 14 alerts


def test_xlsx_for_the_dispatch_meeting(cli: Cli, ledger: Ids, tmp_path: Path) -> None:
    """``-o 督促.xlsx``: the CSV's rows as an Excel sheet a clerk sorts and filters."""
    import openpyxl

    path = tmp_path / "督促.xlsx"
    result = cli("supervise", "-o", path)
    assert result.code == 0, result
    assert result.err == f"已写入 {path}。\n"
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None and sheet.title == "调度督促（截至2026-06-15）"  # the day judged
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    csv_rows = [
        line.split(",") for line in cli("supervise", "-f", "csv").out.lstrip("\ufeff").splitlines()
    ]
    assert rows == csv_rows and len(rows) == 18  # the header and 17 alerts, as in the CSV
    bad = cli("supervise", "-o", tmp_path / "督促.docx")
    assert bad.code == 1 and ".xlsx" in bad.err and not (tmp_path / "督促.docx").exists()


def test_nothing_to_press(cli: Cli) -> None:
    assert cli("init", "--year", "2026").code == 0
    out = cli("supervise", "--as-of", "2026-02-01").out
    assert "没有需要督促的事项。" in out


def test_golden_renderings(cli: Cli, ledger: Ids) -> None:
    from sanlian.cli.reports import supervise_rich
    from sanlian.db.engine import open_database
    from sanlian.reports.supervise import supervise

    for fmt, name in (("table", "supervise_plain.txt"), ("markdown", "supervise_markdown.md")):
        result = cli("supervise", "-f", fmt)
        assert result.code == 0, result
        check_golden(name, result.out)
    db = open_database(os.environ["SANLIAN_DB"])
    with db.session() as s:
        report = supervise(s, today=dt.date(2026, 6, 15))
    db.dispose()
    check_golden("supervise_rich.txt", rich_text(supervise_rich, report))


def test_the_json_alerts_are_each_alerts_dict(cli: Cli, ledger: Ids) -> None:
    """The alerts' JSON is written a column at a time (``Records`` of columns): each record
    is still the alert's own ``as_dict``, in the group's order, under every group."""
    from sanlian.db.engine import open_database
    from sanlian.reports.supervise import supervise

    db = open_database(os.environ["SANLIAN_DB"])
    with db.session() as s:
        report = supervise(s, today=dt.date(2026, 6, 15))
    db.dispose()
    written = _json(cli)["groups"]
    assert len(written) == len(report.groups) > 1
    assert sum(len(g.alerts) for g in report.groups) > 10
    for group, shown in zip(report.groups, written, strict=True):
        records = group.as_dict()["alerts"]
        assert records.as_list() == [a.as_dict() for a in group.alerts]
        assert shown["alerts"] == [a.as_dict() for a in group.alerts]


def test_levels_order_every_group(cli: Cli, ledger: Ids, db_path: Path) -> None:
    """Red, yellow, urged (督办), reminders (提醒): an urged item of a lower rank still comes
    before every reminder — the order the briefing cuts its list from."""
    from sqlalchemy import delete

    from sanlian.db import models as m
    from sanlian.db.engine import open_database

    db = open_database(location(db_path))
    with db.session() as s:
        s.execute(delete(m.Activity).where(m.Activity.kind == "mobilize"))  # type: ignore[arg-type]
    db.dispose()
    data = _json(cli)
    office = data["groups"][0]
    assert office["section"] == "领导小组办公室"
    assert [a["kind"] for a in office["alerts"]] == [
        "red_card",
        "phase_item",  # urged: phase 1 ended without its mobilisation meeting
        "org_life_soon",
        "eight_one",
        "eight_one",
    ]
    order = ["red", "yellow", "urge", "warn"]
    for g in data["groups"]:
        levels = [order.index(a["level"]) for a in g["alerts"]]
        assert levels == sorted(levels), g["section"]
    plain = cli("supervise", "-f", "plain").out
    assert plain.index("动员部署阶段已结束") < plain.index("距七一还有")


def test_rich_lines_break_between_characters_not_inside_numbers() -> None:
    import re

    from rich.cells import cell_len

    from sanlian.cli.reports import wrap_zh

    text = (
        "问题 56 超期 103 天（8月16日到期）：临沂华强机械有限公司“技术工人短缺，招工困难”，"
        "127 天无进展（最近一次 2026-08-24）；与金雀山社区共同过组织生活（七一前 9 次，全年 10 次）"
    )
    numbers = re.findall(r"[\d-]+", text)
    for width in range(12, 70):
        wrapped = wrap_zh(text, width)
        lines = wrapped.split("\n")
        assert all(cell_len(line) <= width for line in lines), width
        assert "".join(lines).replace(" ", "") == text.replace(" ", ""), width
        assert re.findall(r"[\d-]+", wrapped) == numbers, width  # no number split in two
        assert not any(line[:1] in "，。：）” " for line in lines), width
        assert wrapped == wrapped.strip(), width


@pytest.mark.parametrize(
    "day", ["2026-01-15", "2026-04-05", "2026-05-15", "2026-07-02", "2026-12-31", "2025-12-31"]
)
def test_lazy_figures_are_the_counted_ones(ledger: Ids, db_path: Path, day: str) -> None:
    """``supervise`` reads the bureau's figures through ``LazyFigures``: each figure, and each
    of the eight ones decided by a look-up, is what ``count`` gives (before any visit, any
    resolution, and after)."""
    from dataclasses import fields

    from sanlian.db.engine import open_database
    from sanlian.reports.common import Period
    from sanlian.reports.figures import Figures, LazyFigures, count

    as_of = dt.date.fromisoformat(day)
    period = Period.of_year(as_of.year, as_of)
    with open_database(location(db_path)).session() as s:
        counted = count(s, period)
        lazy = LazyFigures(s, period)
        assert lazy.eight_ones == counted.eight_ones  # first, before any count is read
        assert lazy.eight_ones_done == counted.eight_ones_done
        for f in fields(Figures):
            assert getattr(lazy, f.name) == getattr(counted, f.name), f.name
        assert LazyFigures(s, period).eight_ones == counted.eight_ones


def test_eight_ones_not_done_name_their_counts(cli: Cli, ledger: Ids) -> None:
    # 2026-04-05: phase 2 has begun, no visit yet (the first is on 04-10), no conflict settled:
    # each of these names its counts, read only because it is not done
    texts = [a["text"] for a in _alerts(_json(cli, "--as-of", "2026-04-05"))]
    eight = [t for t in texts if t.startswith("“八个一”")]
    assert (
        "“八个一”之“开展一次民情民意访谈”尚未完成：走访 0 次、0 人次，联系卡 0 张，民情日记 0 篇"
        in eight
    )
    assert (
        "“八个一”之“化解一些社会矛盾”尚未完成：本年化解 0 件；本年排查矛盾纠纷 0 件，其中已化解 0 件"
        in eight
    )
    assert "“八个一”之“撰写一份调研报告”尚未完成：1/6 名干部已撰写，共 1 篇" in eight
    assert not [t for t in eight if "解决一些实际问题" in t]  # P1 was resolved on 01-10


@pytest.mark.parametrize("one_by_one", [0, 200])
@pytest.mark.parametrize("cadence", [1, 10, 30, 61, 62, 120])
def test_quiet_cadres_are_those_cadre_rows_give(
    ledger: Ids, db_path: Path, monkeypatch: pytest.MonkeyPatch, one_by_one: int, cadence: int
) -> None:
    """The cadre checks read who went lately off the date index and the others' last visit
    one by one (or, past ``ONE_BY_ONE`` of them or over a long window, all in one pass): the
    same cadres and dates as ``cadre_rows``, on every day of the year."""
    from sanlian.db.engine import open_database
    from sanlian.reports import supervise as sv
    from sanlian.reports.common import Period
    from sanlian.reports.ledgers import cadre_rows

    monkeypatch.setattr(sv, "ONE_BY_ONE", one_by_one)
    with open_database(location(db_path)).session() as s:
        day = dt.date(2026, 1, 1)
        while day.year == 2026:
            period = Period.of_year(2026, day)
            # (cadre_rows lists those who left during the year too: on the roster are the rest)
            rows = [r for r in cadre_rows(s, period) if r.retired_on is None]
            facts = sv._cadre_facts(s, period)
            assert [(f.id, f.name, f.section_id, f.section, f.is_leader) for f in facts] == [
                (r.id, r.name, r.section_id, r.section, r.is_leader) for r in rows
            ]
            assert [(f.households, f.enterprises, f.research) for f in facts] == [
                (r.households > 0, r.enterprises > 0, r.research > 0) for r in rows
            ]
            expected = {
                r.id: r.last_visit_on
                for r in rows
                if r.last_visit_on is None or (day - r.last_visit_on).days >= cadence
            }
            assert sv._quiet_cadres(s, period, cadence, facts) == expected, day
            day += dt.timedelta(days=7)


def test_a_section_whose_cadres_cannot_pair_is_pressed(base: Cli) -> None:
    """A pair must be in a community linked with the cadre's section or the bureau: a section
    linking none, while the bureau links none either, is pressed as a section (its cadres are
    pressed one by one for not having paired, which they cannot do). ``base``: 办公室 (张伟,
    曾强) and 综合科 (张伟, 单丽), no link yet."""

    def sections(*args: str) -> list[tuple[str, str, str]]:
        data = _json(base, *args)
        return [
            (a["section"], a["actor"], a["level"])
            for a in _alerts(data)
            if a["kind"] == "section_no_community"
        ]

    assert sections("--as-of", "2026-02-20") == []  # before the campaign: nothing yet
    assert sections("--as-of", "2026-06-15") == [
        ("办公室", "办公室", "warn"),
        ("综合科", "综合科", "warn"),
    ]
    ok = base(
        "link", "community", "--section", "综合科", "--community", "幸福社区", "--from", "5-1"
    )
    assert ok.code == 0, ok
    assert sections("--as-of", "2026-04-30") == [
        ("办公室", "办公室", "warn"),
        ("综合科", "综合科", "warn"),
    ]
    assert sections("--as-of", "2026-06-15") == [("办公室", "办公室", "warn")]
    text = base("supervise", "--as-of", "2026-06-15").out
    assert "sanlian link community --section 办公室 --community 社区名" in text
    # the bureau's own link lets every section's cadres pair there
    ok = base("link", "community", "--bureau", "--community", "前河湾村", "--from", "6-1")
    assert ok.code == 0, ok
    assert sections("--as-of", "2026-06-15") == []
    assert sections("--as-of", "2026-05-31") == [("办公室", "办公室", "warn")]


def test_a_retired_owner_is_named_as_such(cli: Cli, ledger: Ids) -> None:
    """P4's owner 李娜 leaves (removed with --force on 06-15): the yellow card still names
    her, marked, so that the meeting hands the problem on; before her last day, as before."""
    assert cli("cadre", "remove", "李娜", "--force").code == 0, "retired 2026-06-15"
    yellow = _kinds(_json(cli), "yellow_card")
    assert yellow == [("李娜（已停用，待改派）", 4)]
    assert _kinds(_json(cli, "--as-of", "2026-06-14"), "yellow_card") == [("李娜", 4)]
    assert "李娜（已停用，待改派）" in cli("supervise", "-f", "plain").out
    assert cli("problem", "edit", "4", "--owner", "张伟").code == 0
    assert _kinds(_json(cli), "yellow_card") == [("张伟", 4)]


E1, M1, M2, H2 = 1, 1, 2, 2  # ``build_ledger``'s: 临沂华强机械, 幸福社区, 前河湾村, 李大爷


def test_linked_parties_unvisited_this_year(cli: Cli, ledger: Ids) -> None:
    """An enterprise or community linked for a visit cadence (30 days) of this year and not
    visited in it; hand-counted from ``build_ledger``'s links and visits."""
    data = _json(cli, "--as-of", "2026-07-15")
    # the bureau's own link with M2 (since 06-01): no visit to M2 at all; the office acts
    office = data["groups"][0]
    assert office["section"] == "领导小组办公室"
    assert [
        (a["actor"], a["ref"], a["text"])
        for a in office["alerts"]
        if a["kind"] == "community_unvisited"
    ] == [
        (
            "领导小组办公室",
            M2,
            "联系社区(村)前河湾村本年度还没有以社区(村)为对象的走访（入户走访联系户不计）",
        )
    ]
    assert _kinds(data, "enterprise_unvisited") == [("张伟", E1)]
    # after E1's visit on 07-20 only M2 is left; H3's pair ended on 07-31
    data = _json(cli, "--as-of", "2026-08-01")
    assert not _kinds(data, "enterprise_unvisited")
    assert _kinds(data, "community_unvisited") == [("领导小组办公室", M2)]
    assert _kinds(data, "household_unvisited") == [("刘退", H2)]
    # visits are recorded from the campaign's first day (03-01): 19 days in, nobody can have
    # gone 30 days without one, though 综合科's link with M2 runs on from 2025
    data = _json(cli, "--as-of", "2026-03-20")
    assert not [a for a in _alerts(data) if a["kind"].endswith("_unvisited")]
    # a cadence in (since 03-06): M1 (办公室's since 03-01, first visited 05-05) and M2
    # (综合科's from 2025): each pressed on the section that links it
    data = _json(cli, "--as-of", "2026-04-05")
    assert sorted(_kinds(data, "community_unvisited")) == [("办公室", M1), ("综合科", M2)]
    assert {
        g["section"]
        for g in data["groups"]
        for a in g["alerts"]
        if a["kind"] == "community_unvisited"
    } == {"办公室", "综合科"}
    assert not _kinds(data, "enterprise_unvisited")  # E1 linked only since 03-10


def test_a_pair_or_enterprise_link_ended_this_year_is_said_so(base: Cli) -> None:
    """A cadre whose pair ended (and a leader whose enterprise link ended) has none on the
    day, as one who never had one: the reminder says which it is."""
    steps = [
        ("link", "community", "--section", "综合科", "--community", "幸福社区", "--from", "3-1"),
        ("link", "household", "--cadre", "单丽", "--household", "王秀英", "--from", "3-1"),
        ("link", "enterprise", "--cadre", "张伟@办公室", "--enterprise", "1", "--from", "3-1"),
        ("link", "end", "2", "--date", "5-31"),
        ("link", "end", "3", "--date", "5-31"),
    ]
    for step in steps:
        assert base(*step).code == 0, step
    alerts = {
        (a["actor"], a["kind"]): a["text"]
        for g in base("supervise", "-f", "json").json()["groups"]
        for a in g["alerts"]
        if a["kind"] in ("no_household", "leader_no_enterprise")
    }
    assert alerts[("单丽", "no_household")] == "帮扶对子已在本年度内结束，目前没有结对户"
    assert alerts[("曾强", "no_household")] == "尚未与群众结成帮扶对子"
    assert alerts[("张伟（办公室）", "leader_no_enterprise")] == (
        "联系企业已在本年度内全部结束，目前没有联系企业（领导班子成员应联系 1—3 家）"
    )


def test_a_due_date_of_an_earlier_year_is_written_with_its_year(base: Cli) -> None:
    """A problem of 2025 still open in 2026: its due date says the year (2025年12月1日), the
    summing-up phase's start and a last visit of the as-of day's year do not."""
    assert base("init", "--year", "2025").code == 0
    add = ("problem", "add", "--household", "1", "--category", "就学", "--owner", "单丽")
    assert base(*add, "--text", "去年的问题", "--date", "2025-11-01").code == 0
    result = base("supervise", "--as-of", "2026-01-05", "-f", "json")
    assert result.code == 0, result
    texts = [a["text"] for g in result.json()["groups"] for a in g["alerts"]]
    late = next(t for t in texts if t.startswith("问题 1 超期"))
    assert "（2025年12月1日到期）" in late, late
    result = base("supervise", "--as-of", "2026-11-05", "-f", "json")
    texts = [a["text"] for g in result.json()["groups"] for a in g["alerts"]]
    assert "尚未撰写调研报告（总结阶段已于11月1日开始）" in texts, texts


def test_a_due_date_in_the_next_year_is_written_with_its_year(
    base: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Judged in January 2027 for the 2026 campaign: a due day of 2027 is not "1月14日" (read
    as this campaign's January), and a day of the campaign's year keeps no year."""
    monkeypatch.setenv("SANLIAN_TODAY", "2026-12-20")
    add = ("problem", "add", "--household", "1", "--category", "就学", "--owner", "单丽")
    assert base(*add, "--text", "跨年", "--date", "12-20", "--due", "2027-01-14").code == 0
    assert base(*add, "--text", "年内", "--date", "11-01", "--due", "11-30").code == 0
    monkeypatch.setenv("SANLIAN_TODAY", "2027-01-20")
    result = base("supervise", "--year", "2026", "--as-of", "2027-01-15", "-f", "json")
    assert result.code == 0, result
    texts = [a["text"] for g in result.json()["groups"] for a in g["alerts"]]
    assert any("超期 1 天（2027年1月14日到期）" in t for t in texts), texts
    assert any("（11月30日到期）" in t for t in texts), texts


def test_no_visit_this_year_counts_from_the_campaign_or_the_link(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cadre with no visit in the year has been quiet since the campaign's first day (03-01),
    or since his first link when that began later — not since 1 January (181 days on 07-01)."""
    monkeypatch.setenv("SANLIAN_TODAY", "2026-07-01")
    steps = [
        ("init", "--year", "2026"),
        ("section", "add", "甲科"),
        ("cadre", "add", "张伟", "--section", "甲科"),
        ("cadre", "add", "李强", "--section", "甲科"),
        ("cadre", "add", "周杰", "--section", "甲科"),
        ("community", "add", "幸福社区"),
        ("link", "community", "--section", "甲科", "--community", "幸福社区", "--from", "3-1"),
        ("household", "add", "王秀英", "--community", "幸福社区"),
        ("household", "add", "李大爷", "--community", "幸福社区"),
        ("link", "household", "--cadre", "张伟", "--household", "王秀英", "--from", "3-1"),
        ("link", "household", "--cadre", "李强", "--household", "李大爷", "--from", "5-1"),
    ]
    for step in steps:
        result = cli(*step)
        assert result.code == 0, (step, result)
    data = _json(cli, "--as-of", "2026-07-01")
    quiet = [(a["actor"], a["days"], a["text"]) for a in _alerts(data) if a["kind"] == "no_visit"]
    text = "本年度还没有走访记录（应每 30 天至少走访一次）"
    # longest quiet first: 张伟 (linked 03-01) and 周杰 (no link) since 03-01, 李强 since 05-01
    assert quiet == [("张伟", 122, text), ("周杰", 122, text), ("李强", 61, text)]
    # a link of an earlier year still active counts from the campaign's first day
    assert cli("init", "--year", "2025").code == 0
    bureau = ("link", "community", "--bureau", "--community", "幸福社区", "--from", "2025-06-01")
    assert cli(*bureau).code == 0
    earlier = ("link", "household", "--cadre", "周杰", "--household", "王秀英", "--from")
    result = cli(*earlier, "2025-06-01")
    assert result.code == 0, result
    data = _json(cli, "--as-of", "2026-07-01")
    assert [(a["actor"], a["days"]) for a in _alerts(data) if a["kind"] == "no_visit"] == [
        ("张伟", 122),
        ("周杰", 122),
        ("李强", 61),
    ]
    # paired within the cadence (06-20: 11 days): not pressed yet
    assert cli("cadre", "add", "赵敏", "--section", "甲科").code == 0
    assert cli("household", "add", "钱大妈", "--community", "幸福社区").code == 0
    late = ("link", "household", "--cadre", "赵敏", "--household", "钱大妈", "--from", "6-20")
    assert cli(*late).code == 0
    data = _json(cli, "--as-of", "2026-07-01")
    quiet = [a["actor"] for a in _alerts(data) if a["kind"] == "no_visit"]
    assert "赵敏" not in quiet and quiet == ["张伟", "周杰", "李强"]


def test_a_problem_with_no_owner_is_said_at_once(base: Cli) -> None:
    add = ("problem", "add", "--household", "王秀英", "--category", "就学", "--text", "上学远")
    assert base(*add, "--date", "6-10").code == 0
    data = _json(base)
    [alert] = [a for a in _alerts(data) if a["ref"] == 1 and a["kind"].startswith("problem")]
    assert (alert["kind"], alert["level"], alert["actor"]) == (
        "problem_no_owner",
        "urge",
        "领导小组办公室",
    )
    assert alert["text"] == (
        "问题 1 尚未指定责任人：王秀英“上学远”；请用 sanlian problem edit 1 --owner 干部 指定"
    )
    # once it has an owner, nothing to say (5 days: not quiet yet)
    assert base("problem", "edit", "1", "--owner", "单丽", "--date", "6-12").code == 0
    assert not [a for a in _alerts(_json(base)) if a["kind"] == "problem_no_owner"]


def test_a_day_outside_the_campaign_is_said(base: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """ "没有需要督促的事项" on a day before the campaign began read as "all done"."""
    before = base("supervise", "--as-of", "2026-02-01")
    assert before.code == 0 and "没有需要督促的事项" in before.out
    assert before.err == (
        "提示：2026-02-01 在本年度活动（2026-03-01 至 2026-12-31）开始之前，督促事项从活动开始后"
        "才有；要看活动期间某一天的，请用 --as-of 写那一天。\n"
    )
    # something listed (a problem of last year's campaign still open): no note against it
    assert base("init", "--year", "2025").code == 0
    add = ("problem", "add", "--household", "王秀英", "--category", "就学", "--text", "上学远")
    assert base(*add, "--date", "2025-11-10").code == 0
    monkeypatch.setenv("SANLIAN_TODAY", "2026-02-20")
    listed = base("supervise")
    assert "问题 1 超期 72 天" in listed.out and "开始之前" not in listed.err


def test_namesakes_are_told_apart_where_they_are_named(base: Cli, tmp_path: Path) -> None:
    """Two 张伟 (办公室, 综合科) were both "张伟" in the brief's and the report's lists: a
    namesake is named with the section, and with the number too in the same section."""
    alerts = [a for g in base("supervise", "-f", "json").json()["groups"] for a in g["alerts"]]
    no_pair = [a["actor"] for a in alerts if a["kind"] == "no_household"]
    assert "张伟（办公室）" in no_pair and "张伟（综合科）" in no_pair
    assert "单丽" in no_pair  # no namesake: the name alone
    assert base("cadre", "edit", "3", "--id-number", "371302198001010025").code == 0
    again = ("cadre", "add", "单丽", "--section", "综合科", "--id-number", "371302198502020045")
    assert base(*again).code == 0
    alerts = [a for g in base("supervise", "-f", "json").json()["groups"] for a in g["alerts"]]
    no_pair = [a["actor"] for a in alerts if a["kind"] == "no_household"]
    assert "单丽（综合科，编号 3）" in no_pair and "单丽（综合科，编号 5）" in no_pair
    brief = base("brief", "--from", "6-1", "--to", "6-14").out
    assert "【提醒】张伟（办公室）：尚未与群众结成帮扶对子" in brief


def test_an_alert_sent_from_the_other_process_keeps_its_problem() -> None:
    """At city scale ``supervise_beside`` sends the alerts from a forked process, pickled:
    the problem's parts were left out, and the report fell back to the terminal's line."""
    import pickle

    from sanlian.reports.supervise import Alert, AlertGroup, Supervision

    alert = Alert(
        "red_card", "red", 1, "综合科", "李娜", "问题 2 超期 45 天", 45, 2,
        problem=("王秀英“修路”", "5月1日", 45, 75, ""),
    )  # fmt: skip
    sent = Supervision(2026, "活动", dt.date(2026, 6, 15), (AlertGroup(1, "综合科", (alert,)),))
    assert pickle.loads(pickle.dumps(sent)).alerts == (alert,)


def test_a_problem_whose_owner_has_left_is_said_at_once(base: Cli, tmp_path: Path) -> None:
    add = ("problem", "add", "--household", "王秀英", "--category", "就学", "--text", "上学远")
    assert base(*add, "--owner", "曾强", "--date", "6-5").code == 0  # 10 days: not quiet yet
    assert base("cadre", "remove", "曾强", "--force", "--date", "6-12").code == 0
    alerts = [a for g in base("supervise", "-f", "json").json()["groups"] for a in g["alerts"]]
    [left] = [a for a in alerts if a["kind"] == "problem_no_owner"]
    assert left["actor"] == "领导小组办公室" and left["text"] == (
        "问题 1 的责任人曾强已停用，须改派：王秀英“上学远”；请用 sanlian problem edit 1 --owner 干部 改派"
    )
    # the printed brief and report say it as a report does: no number, no command
    assert base("brief", "--from", "6-1", "--to", "6-14", "-o", tmp_path / "b.docx").code == 0
    import docx

    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "b.docx")).paragraphs)
    assert "【督办】王秀英“上学远”的责任人曾强已停用，尚待改派" in text
    assert "sanlian" not in text
    assert base("selfcheck", "-o", tmp_path / "r.docx").code == 0
    report = "\n".join(p.text for p in docx.Document(str(tmp_path / "r.docx")).paragraphs)
    assert "王秀英“上学远”的责任人曾强已停用，尚待改派" in report


def test_a_household_left_without_a_pair_is_urged_until_paired_again(
    base: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """单丽 leaves on 7-1, and 王秀英 has no cadre paired with her from that day: urged (督办)
    on her section until another cadre is paired with her."""
    steps = [
        ("link", "community", "--section", "综合科", "--community", "幸福社区", "--from", "3-1"),
        ("link", "household", "--cadre", "单丽", "--household", "王秀英", "--from", "3-2"),
        ("visit", "add", "--date", "3-5", "--cadre", "单丽", "--household", "王秀英",
         "--form", "home"),
    ]  # fmt: skip
    for step in steps:
        assert base(*step).code == 0, step
    monkeypatch.setenv("SANLIAN_TODAY", "2026-07-20")
    assert base("cadre", "remove", "单丽", "--force", "--date", "7-1").code == 0

    def unpaired(as_of: str) -> list[tuple[str, str, str]]:
        found = base("supervise", "--as-of", as_of, "-f", "json").json()
        return [
            (g["section"], a["actor"], a["text"])
            for g in found["groups"]
            for a in g["alerts"]
            if a["kind"] == "household_unpaired"
        ]

    assert unpaired("6-30") == []
    said = (
        "综合科",
        "综合科",
        "联系户王秀英（幸福社区）自7月1日起没有结对干部，须另行安排干部结对",
    )
    assert unpaired("7-1") == unpaired("7-15") == [said]
    assert base("link", "household", "--cadre", "张伟@综合科", "--household", "王秀英",
                "--from", "7-10").code == 0  # fmt: skip
    assert unpaired("7-9") == [said] and unpaired("7-15") == []


def test_a_phases_unfinished_items_are_reminded_of_in_its_last_week(cli: Cli) -> None:
    """动员部署 ends on 3-31: on 3-30 its three items not done are reminded of (提醒), not a
    word on 3-20, and from 4-1 they are urged (督办) as left undone."""
    assert cli("init", "--year", "2026").code == 0
    assert cli("activity", "add", "plan", "--date", "3-2", "--title", "实施方案").code == 0

    def items(as_of: str) -> list[tuple[str, str, str]]:
        found = cli("supervise", "--as-of", as_of, "-f", "json").json()
        return [
            (a["kind"], a["level"], a["text"])
            for g in found["groups"]
            for a in g["alerts"]
            if a["kind"].startswith("phase_item")
        ]

    assert items("3-20") == []
    soon = items("3-25")
    assert [(k, lv) for k, lv, _t in soon] == [("phase_item_soon", "warn")] * 2
    assert soon[1][2] == (
        "动员部署阶段将于3月31日结束，“召开动员部署会议”尚未完成（尚无“动员部署会议”记录）"
    )
    assert [(k, lv) for k, lv, _t in items("3-31")] == [("phase_item_soon", "warn")] * 2
    assert [(k, lv) for k, lv, _t in items("4-1")] == [("phase_item", "urge")] * 2


def test_a_household_left_without_a_pair_by_a_section_gone_is_the_offices(
    base: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = [
        ("section", "add", "统计科"),
        ("cadre", "add", "何一", "--section", "统计科"),
        ("link", "community", "--section", "统计科", "--community", "幸福社区", "--from", "3-1"),
        ("link", "household", "--cadre", "何一", "--household", "王秀英", "--from", "3-2"),
        ("research", "add", "--cadre", "何一", "--title", "调研", "--date", "4-1"),
    ]
    for step in steps:
        assert base(*step).code == 0, step
    monkeypatch.setenv("SANLIAN_TODAY", "2026-08-20")
    assert base("cadre", "remove", "何一", "--force", "--date", "8-1").code == 0
    assert base("section", "remove", "统计科", "--force", "--date", "8-2").code == 0
    found = base("supervise", "--as-of", "8-10", "-f", "json").json()
    unpaired = [
        (g["section"], a["actor"])
        for g in found["groups"]
        for a in g["alerts"]
        if a["kind"] == "household_unpaired"
    ]
    assert unpaired == [("领导小组办公室", "领导小组办公室")]
