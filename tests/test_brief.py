"""``brief`` (简报): a period's figures against the previous period (of equal length; the
months before, for whole calendar months)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, location
from tests.test_selfcheck import Ids, build_ledger, check_golden


@pytest.fixture
def ledger(db_path: Path) -> Ids:
    return build_ledger(db_path)


def _json(cli: Cli, *args: Any) -> Any:
    result = cli("brief", "-f", "json", *args)
    assert result.code == 0, result
    return result.json()


def test_period_and_previous_period(cli: Cli, ledger: Ids) -> None:
    data = _json(cli, "--from", "2026-05-01", "--to", "2026-05-31")
    # a month's briefing is compared with the month before (30 days), not with 31 days
    assert (data["previous_from"], data["previous_to"]) == ("2026-04-01", "2026-04-30")
    assert data["no"] == 3  # two months after 03-01, then this one
    assert data["current"] == {
        "visits": 1,  # V2 05-05
        "visit_person_times": 1,
        "contact_cards": 10,
        "diaries": 0,
        "problems_raised": 1,  # P4 05-01
        "problems_resolved": 1,  # P2 05-20
        "conflicts_resolved": 0,
        "research_reports": 1,  # R1 05-01
        "activities": 1,  # A7 civility 05-15
        "activity_person_times": 2,
        "funds_yuan": "12345.67",
    }
    assert data["previous"] == {
        "visits": 1,  # V1 04-10
        "visit_person_times": 2,
        "contact_cards": 2,
        "diaries": 1,
        "problems_raised": 2,  # P2 04-12, P3 04-20
        "problems_resolved": 0,
        "conflicts_resolved": 0,
        "research_reports": 1,  # R6 04-01
        "activities": 1,  # A4 education 04-08
        "activity_person_times": 3,
        "funds_yuan": "0.00",
    }
    assert data["year_to_date"]["funds_yuan"] == "12845.67"  # P1 500.00 + P2 12345.67
    assert [h["id"] for h in data["highlights"]] == [ledger.problems["P2"]]


def test_the_previous_period() -> None:
    """Whole calendar months: as many months just before, whatever their lengths (so that one
    monthly briefing's 上期 says what the last one said); any other period: as many days."""
    from sanlian.reports.brief import issue_number, previous_period, whole_months

    d = dt.date
    assert previous_period(d(2026, 10, 1), d(2026, 10, 31)) == (d(2026, 9, 1), d(2026, 9, 30))
    assert previous_period(d(2026, 3, 1), d(2026, 3, 31)) == (d(2026, 2, 1), d(2026, 2, 28))
    assert previous_period(d(2026, 1, 1), d(2026, 1, 31)) == (d(2025, 12, 1), d(2025, 12, 31))
    assert previous_period(d(2026, 4, 1), d(2026, 6, 30)) == (d(2026, 1, 1), d(2026, 3, 31))
    assert previous_period(d(2026, 6, 8), d(2026, 6, 14)) == (d(2026, 6, 1), d(2026, 6, 7))
    assert previous_period(d(2026, 5, 2), d(2026, 5, 31)) == (d(2026, 4, 2), d(2026, 5, 1))
    assert previous_period(d(2026, 5, 1), d(2026, 5, 30)) == (d(2026, 4, 1), d(2026, 4, 30))
    assert whole_months(d(2026, 5, 1), d(2026, 5, 30)) == 0  # not to the month's end
    assert whole_months(d(2026, 2, 1), d(2026, 2, 28)) == 1
    assert whole_months(d(2026, 4, 1), d(2026, 6, 30)) == 3
    # the default 期号 of monthly briefings runs on by one a month from the campaign's start
    nos = [issue_number(d(2026, 3, 1), d(2026, m, 1), 30, 1) for m in range(3, 13)]
    assert nos == list(range(1, 11))
    assert issue_number(d(2026, 3, 1), d(2026, 7, 1), 91, 3) == 2  # the second quarter


def test_markdown_is_the_default(cli: Cli, ledger: Ids) -> None:
    result = cli("brief", "--from", "2026-05-01", "--to", "2026-05-31", "--no", "5")
    assert result.code == 0, result
    text = result.out
    assert text.startswith("# 企业局2026年“三联三解三促”活动简报\n")
    assert "**第 5 期**" in text
    assert "| 落实资金（元） | 12345.67 | 0.00 | +12345.67 | 12845.67 |" in text
    assert "| 收集问题（件） | 1 | 2 | −1 | 4 |" in text  # P2 P3 P4 P6 by 05-31
    assert "| 走访次数 | 1 | 1 | 持平 | 2 |" in text
    assert "幸福社区反映“小区路灯损坏”" in text
    assert "## 三、需要抓紧的工作" in text
    assert "【红牌】待指定责任人：问题 6" in text  # as of the period's last day


@pytest.mark.parametrize("how", [("-f", "plain"), ("-f", "table"), ("-o", "简报.txt")])
def test_plain_text_has_no_markdown_marks(
    cli: Cli, ledger: Ids, tmp_path: Path, how: tuple[str, str]
) -> None:
    """-f plain/table (and a .txt file) printed the markdown, # and ** and | included."""
    args = ("brief", "--from", "2026-05-01", "--to", "2026-05-31", "--no", "5")
    if how[0] == "-o":
        assert cli(*args, "-o", tmp_path / how[1]).code == 0
        text = (tmp_path / how[1]).read_text(encoding="utf-8")
    else:
        result = cli(*args, *how)
        assert result.code == 0, result
        text = result.out
    lines = text.splitlines()
    assert lines[0] == "企业局2026年“三联三解三促”活动简报"
    assert "第 5 期 · 企业局“三联三解三促”活动领导小组办公室" in lines[2]
    assert not any(mark in text for mark in ("# ", "**", "|"))
    header = next(line for line in lines if line.startswith("项目"))
    money = next(line for line in lines if line.startswith("落实资金（元）"))
    assert header.split() == ["项目", "本期", "上期", "增减", "年度累计"]
    assert money.split() == ["落实资金（元）", "12345.67", "0.00", "+12345.67", "12845.67"]
    # the columns line up on screen: each figure starts where its heading does
    from sanlian.cli.output import text_width

    starts = [text_width(header[: header.index(h)]) for h in ("本期", "上期")]
    assert [text_width(money[: money.index(v)]) for v in ("12345.67", "0.00")] == starts
    assert "三、需要抓紧的工作" in lines and "幸福社区反映“小区路灯损坏”" in text


def test_golden_markdown(cli: Cli, ledger: Ids, tmp_path: Path) -> None:
    result = cli("brief", "--from", "2026-06-01", "--to", "2026-06-14")
    assert result.code == 0, result
    check_golden("brief.md", result.out)
    written = cli("brief", "--from", "2026-06-01", "--to", "2026-06-14", "-o", tmp_path / "简报.md")
    assert written.code == 0 and "已写入" in written.err
    assert (tmp_path / "简报.md").read_text(encoding="utf-8") == result.out


def test_docx(cli: Cli, ledger: Ids, tmp_path: Path) -> None:
    import docx

    path = tmp_path / "简报.docx"
    result = cli("brief", "--from", "6-1", "--to", "6月14日", "-o", path)
    assert result.code == 0, result
    data = _json(cli, "--from", "2026-06-01", "--to", "2026-06-14")
    doc = docx.Document(str(path))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "企业局2026年“三联三解三促”活动简报"
    assert texts[1].startswith(f"第 {data['no']} 期")
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["项目", "本期", "上期", "增减", "年度累计"]
    body = {r.cells[0].text: [c.text for c in r.cells[1:]] for r in table.rows[1:]}
    assert body["收集问题（件）"][:2] == [
        str(data["current"]["problems_raised"]),
        str(data["previous"]["problems_raised"]),
    ]
    # 本期 nothing; 上期 (05-18–05-31) P2; the year to 06-14 P1 and P2: yuan as the JSON writes it
    assert body["落实资金（元）"] == ["0.00", "12345.67", "−12345.67", "12845.67"]
    assert body["落实资金（元）"][3] == data["year_to_date"]["funds_yuan"]
    assert any("两户宅基地纠纷" in t for t in texts)


def test_refusals(cli: Cli, ledger: Ids, tmp_path: Path) -> None:
    bad = cli("brief", "--from", "2026-06-14", "--to", "2026-06-01")
    assert bad.code == 1 and "晚于" in bad.err
    assert cli("brief", "--from", "2026-06-01").code == 1  # --to is required
    assert cli("brief", "--from", "2026-06-01", "--to", "2026-06-14", "--no", "0").code == 1
    huge = cli("brief", "--from", "2026-06-01", "--to", "2026-06-14", "--no", "1" * 20)
    assert huge.code == 1 and "--no" in huge.err and not huge.out
    pdf = cli("brief", "--from", "2026-06-01", "--to", "2026-06-14", "-o", tmp_path / "a.pdf")
    assert pdf.code == 1 and ".docx" in pdf.err
    assert not (tmp_path / "a.pdf").exists()
    for period in (("2026-12-20", "2027-01-10"), ("2027-06-01", "2027-06-30")):
        outside = cli("brief", "--from", period[0], "--to", period[1])
        assert outside.code == 1, outside
        assert f"简报期间 {period[0]} 至 {period[1]} 的结束日期不在已有的活动年度内" in outside.err
        assert (
            "已有：2025、2026 年" in outside.err and "请用 --year" not in outside.err
        )  # brief has none
    ahead = cli("brief", "--from", "2026-07-01", "--to", "2026-07-31")  # today is 06-15
    assert ahead.code == 1
    assert ahead.err == (
        "简报的“开始日期”2026-07-01 晚于今天（2026-06-15），这段时间还没有到，写不出内容；"
        "请改为今天或以前的日期。\n"
    )
    # a week whose Thursday is today: written, its days to come counted as nothing yet
    assert cli("brief", "--from", "2026-06-15", "--to", "2026-06-21").code == 0


def test_a_period_of_one_day_is_that_day(cli: Cli, ledger: Ids, tmp_path: Path) -> None:
    import docx

    text = cli("brief", "--from", "2026-06-01", "--to", "2026-06-01").out
    assert "本期：2026年6月1日（1 天）；上期：2026年5月31日。" in text
    assert cli("brief", "--from", "6-1", "--to", "6-1", "-o", tmp_path / "b.docx").code == 0
    paragraphs = [p.text for p in docx.Document(str(tmp_path / "b.docx")).paragraphs]
    assert "本期：2026年6月1日（1天）；上期：2026年5月31日。" in paragraphs


def test_a_period_before_the_campaign_is_refused(cli: Cli, ledger: Ids) -> None:
    """The campaign starts 03-01: February's briefing has nothing to tell, and was numbered
    第 1 期 like March's; a period that only starts before 03-01 is the first."""
    feb = cli("brief", "--from", "2026-02-01", "--to", "2026-02-28")
    assert (feb.code, feb.out) == (1, "")
    assert feb.err == (
        "简报期间 2026-02-01 至 2026-02-28 在活动开始（2026-03-01）之前，没有可以报告的内容；"
        "请把 --to 写在 2026-03-01 或以后，如 --from 2026-03-01 --to 2026-03-31"
        "（活动各阶段的日期见 sanlian campaign show）。\n"
    )
    days = cli("brief", "--from", "2026-02-15", "--to", "2026-02-28")  # 14 days: as many
    assert days.code == 1 and "如 --from 2026-03-01 --to 2026-03-14" in days.err
    assert _json(cli, "--from", "2026-02-20", "--to", "2026-03-10")["no"] == 1
    assert _json(cli, "--from", "2026-03-01", "--to", "2026-03-31")["no"] == 1
    assert _json(cli, "--from", "2026-04-01", "--to", "2026-04-30")["no"] == 2


def _drop_mobilisation(db_path: Path) -> None:
    """Without its mobilisation meeting, phase 1 (ended 03-31) is pressed (督办) by the office."""
    from sqlalchemy import delete

    from sanlian.db import models as m
    from sanlian.db.engine import open_database

    db = open_database(location(db_path))
    with db.session() as s:
        s.execute(delete(m.Activity).where(m.Activity.kind == "mobilize"))  # type: ignore[arg-type]
    db.dispose()


def test_lags_most_urgent_first_and_the_cut_is_said(
    cli: Cli, ledger: Ids, db_path: Path, tmp_path: Path
) -> None:
    import docx

    _drop_mobilisation(db_path)
    period = ("--from", "2026-06-01", "--to", "2026-06-15")
    counts = cli("supervise", "--as-of", "2026-06-15", "-f", "json").json()["counts"]
    assert counts == {"red": 1, "yellow": 1, "urge": 2, "warn": 14}  # P5 stale; phase 1 item
    data = _json(cli, *period)
    # every red, yellow and urged line is listed before any reminder; 10 reminders are cut
    assert [a["level"] for a in data["lags"]] == ["red", "yellow", "urge", "urge"] + ["warn"] * 4
    assert [a["kind"] for a in data["lags"][2:4]] == ["stale", "phase_item"]
    assert data["lags_omitted"] == 10
    text = cli("brief", *period).out
    assert "共 18 项：红牌 1 项、黄牌 1 项、督办 2 项、提醒 14 项。" in text
    assert "- 【督办】领导小组办公室：动员部署阶段已结束，“召开动员部署会议”尚未完成" in text
    said = "另有 10 项（提醒 10 项）未列出，详见 sanlian supervise --as-of 2026-06-15。"
    assert text.rstrip("\n").endswith(said)
    path = tmp_path / "简报.docx"
    assert cli("brief", *period, "-o", path).code == 0
    texts = [p.text for p in docx.Document(str(path)).paragraphs]
    assert texts[-1] == "另有10项（提醒10项）未列出。"  # on paper: no command
    assert not any("sanlian" in t or "--" in t for t in texts)
    assert any(t.startswith("【督办】领导小组办公室：动员部署阶段已结束") for t in texts)
    # as a printed report writes them: no ISO date, no space between Chinese and a number
    lags = texts[texts.index("三、需要抓紧的工作") + 1 :]
    assert lags[0] == "共18项：红牌1项、黄牌1项、督办2项、提醒14项。"
    assert not any(re.search(r"\d{4}-\d{2}-\d{2}|[^\x00-\x7f] \d|\d [^\x00-\x7f]", t) for t in lags)


def test_nothing_cut_says_nothing(cli: Cli, ledger: Ids, monkeypatch: pytest.MonkeyPatch) -> None:
    # judged today, before the campaign's first day (03-01): no alert
    monkeypatch.setenv("SANLIAN_TODAY", "2026-02-25")
    period = ("--from", "2026-02-22", "--to", "2026-03-07")
    text = cli("brief", *period).out
    assert "没有需要督促的事项。" in text and "另有" not in text
    assert _json(cli, *period)["lags_omitted"] == 0


def test_activity_rows_count_the_same_activities(cli: Cli, ledger: Ids) -> None:
    data = _json(cli, "--from", "2026-05-01", "--to", "2026-05-31")
    # to 05-31: A1 plan, A2 organize, A3 mobilize, A4 education, A7 civility — every kind
    assert data["year_to_date"]["activities"] == 5
    assert data["year_to_date"]["activity_person_times"] == 10  # A3 5 + A4 3 + A7 2
    march = _json(cli, "--from", "2026-03-01", "--to", "2026-03-31")["current"]
    assert (march["activities"], march["activity_person_times"]) == (3, 5)  # A1 A2 A3; A3 5
    text = cli("brief", "--from", "2026-05-01", "--to", "2026-05-31").out
    assert "| 开展各类活动（次） | 1 | 1 | 持平 | 5 |" in text
    assert "| 干部参加各类活动（人次） | 2 | 3 | −1 | 10 |" in text


def test_csv_is_the_period_figures(cli: Cli, ledger: Ids, tmp_path: Path) -> None:
    import csv
    import io

    result = cli("brief", "--from", "2026-05-01", "--to", "2026-05-31", "-f", "csv")
    assert result.code == 0, result
    rows = list(csv.reader(io.StringIO(result.out.lstrip("\ufeff"))))
    assert rows[0] == ["项目", "键", "本期", "上期", "增减", "年度累计"]
    by_key = {r[1]: r for r in rows[1:]}
    assert by_key["funds_yuan"] == [
        "落实资金（元）",
        "funds_yuan",
        "12345.67",
        "0.00",
        "12345.67",
        "12845.67",
    ]
    assert by_key["problems_raised"][2:] == ["1", "2", "-1", "4"]
    assert by_key["activities"][2:] == ["1", "1", "0", "5"]
    path = tmp_path / "简报.csv"
    written = cli("brief", "--from", "2026-05-01", "--to", "2026-05-31", "-o", path)
    assert written.code == 0, written
    assert path.read_bytes() == ("\ufeff" + result.out).encode("utf-8")  # with BOM, for Excel


def test_docx_title_is_a_title(cli: Cli, ledger: Ids, tmp_path: Path) -> None:
    import docx

    path = tmp_path / "简报.docx"
    assert cli("brief", "--from", "6-1", "--to", "6-14", "-o", path).code == 0
    doc = docx.Document(str(path))
    first = doc.paragraphs[0]
    assert (first.text, first.style.name) == ("企业局2026年“三联三解三促”活动简报", "Title")
    props = doc.core_properties
    assert props.title == "企业局2026年“三联三解三促”活动简报"
    assert props.author == "企业局“三联三解三促”活动领导小组办公室"
    assert "python-docx" not in (props.comments or "")


def test_periods_counted_together_equal_each_counted_alone(cli: Cli, ledger: Ids) -> None:
    """``count_together`` (a briefing's period and its year to date share one problems query)
    gives for each period what ``count`` gives for it alone, on the same day or not."""
    import datetime as dt
    import os

    from sanlian.db.engine import open_database
    from sanlian.reports.common import Period
    from sanlian.reports.figures import count, count_together

    def day(text: str) -> dt.date:
        return dt.date.fromisoformat(text)

    periods = [
        Period(2026, day("2026-06-01"), day("2026-06-14"), day("2026-06-14")),
        Period.of_year(2026, day("2026-06-14")),
        Period(2026, day("2026-05-18"), day("2026-05-31"), day("2026-05-31")),
        Period.of_year(2026, day("2026-05-31")),
        Period(2026, day("2026-03-01"), day("2026-06-14"), day("2026-06-14")),
    ]
    db = open_database(os.environ["SANLIAN_DB"])
    try:
        with db.session() as session:
            together = count_together(session, periods)
            alone = [count(session, p) for p in periods]
    finally:
        db.dispose()
    assert together == alone
    # and the figures differ between the periods (the comparison is not of zeros)
    assert together[1].problems_raised > together[0].problems_raised
    assert together[1] != together[3] and together[0] != together[4]


def test_lags_of_a_period_still_running_are_judged_today(cli: Cli, ledger: Ids) -> None:
    """A week's briefing written before its last day: days overdue are counted to today
    (2026-06-15 in the tests), not to the period's end."""
    data = _json(cli, "--from", "2026-06-10", "--to", "2026-06-20")
    assert data["lags_as_of"] == "2026-06-15"
    red = data["lags"][0]
    assert (red["kind"], red["ref"], red["days"]) == ("red_card", 6, 57)  # as supervise says today
    text = cli("brief", "--from", "2026-06-10", "--to", "2026-06-20").out
    assert "截至今天（2026-06-15），共 17 项：" in text
    assert "详见 sanlian supervise --as-of 2026-06-15。" in text
    # a period that has ended is judged on its last day, and says nothing more
    data = _json(cli, "--from", "2026-06-01", "--to", "2026-06-14")
    assert data["lags_as_of"] == "2026-06-14"
    assert "截至今天" not in cli("brief", "--from", "2026-06-01", "--to", "2026-06-14").out


def test_a_report_edited_in_word_is_not_written_over(cli: Cli, ledger: Ids, tmp_path: Path) -> None:
    """The clerk fills in the .docx (its 【请填写…】 parts): a rerun does not wipe that out."""
    for command in (("selfcheck",), ("brief", "--from", "2026-06-01", "--to", "2026-06-14")):
        path = tmp_path / f"{command[0]}.docx"
        path.write_bytes(b"edited in Word")
        result = cli(*command, "-o", path)
        assert result.code == 1
        assert result.err.strip() == (
            f"文件 {path} 已存在（可能已在 Word 中修改过），未覆盖；请换一个文件名"
            f"（如 -o {tmp_path / (command[0] + '-2.docx')}），或加 --force 覆盖它。"
        )
        assert path.read_bytes() == b"edited in Word"
        assert cli(*command, "-o", path, "--force").code == 0
        assert path.read_bytes()[:2] == b"PK"  # a Word document now
    # the data files are written anew as before
    sheet = tmp_path / "自查.xlsx"
    assert cli("selfcheck", "-o", sheet).code == 0 and cli("selfcheck", "-o", sheet).code == 0


def test_a_problem_resolved_again_shows_the_periods_money(base: Cli, tmp_path: Path) -> None:
    """A problem resolved (3,000 yuan), reopened and resolved again (2,000 yuan): the period's
    table counts 2,000, and so does its line under 为民办实事, with the sum of both beside it;
    a period holding both resolutions shows the sum alone."""
    import docx

    steps = [
        ("problem", "add", "--household", "王秀英", "--category", "就学", "--text", "上学路远",
         "--owner", "单丽", "--date", "4-1"),
        ("problem", "resolve", "1", "--how", "协调校车", "--measure", "送政策", "--amount",
         "3000", "--date", "4-20"),
        ("problem", "reopen", "1", "--reason", "校车停运", "--date", "5-5"),
        ("problem", "resolve", "1", "--how", "改派校车", "--measure", "送政策", "--amount",
         "2000", "--date", "5-15"),
    ]  # fmt: skip
    for step in steps:
        assert base(*step).code == 0, step
    said = "5月15日解决：改派校车（送政策，落实资金 2000.00 元，累计 5000.00 元）。"
    may = base("brief", "--from", "5-1", "--to", "5-31")
    assert may.code == 0 and said in may.out, may.out
    assert re.search(r"\| 落实资金（元） \| 2000\.00 \|", may.out), may.out
    path = tmp_path / "简报.docx"
    assert base("brief", "--from", "5-1", "--to", "5-31", "-o", path).code == 0
    assert any(said in p.text for p in docx.Document(str(path)).paragraphs)
    (shown,) = base("brief", "--from", "5-1", "--to", "5-31", "-f", "json").json()["highlights"]
    assert (shown["amount_fen"], shown["period_amount_fen"]) == (500000, 200000)
    april = base("brief", "--from", "4-1", "--to", "4-30").out
    assert "4月20日解决：协调校车（送政策，落实资金 3000.00 元）。" in april
    both = base("brief", "--from", "4-1", "--to", "5-31").out
    assert "5月15日解决：改派校车（送政策，落实资金 5000.00 元）。" in both


def test_a_resolution_withdrawn_in_the_period_is_said_under_the_figures(
    base: Cli, tmp_path: Path
) -> None:
    """Resolved in April (3,000 yuan), reopened in May and still open at its end: May's year
    to date falls by that problem and its money, and the brief says why (else the leaders
    read April's brief as wrong); resolved again in June, June's brief says nothing."""
    import docx

    steps = [
        ("problem", "add", "--household", "王秀英", "--category", "就学", "--text", "上学路远",
         "--owner", "单丽", "--date", "4-1"),
        ("problem", "resolve", "1", "--how", "协调校车", "--amount", "3000", "--date", "4-20"),
        ("problem", "add", "--household", "王秀英", "--category", "就学", "--text", "午餐",
         "--owner", "单丽", "--date", "4-2"),
        ("problem", "resolve", "2", "--how", "协调食堂", "--date", "4-21"),
        ("problem", "reopen", "1", "--reason", "校车停运", "--date", "5-5"),
        ("problem", "reopen", "2", "--reason", "食堂停办", "--date", "5-6"),
    ]  # fmt: skip
    for step in steps:
        assert base(*step).code == 0, step
    note = (
        "注：本期有 2 件此前已解决的问题重新办理（问题 1、2），再次解决之前不计入已解决问题数"
        "和落实资金（共 3000.00 元），年度累计因此相应减少。"
    )
    may = base("brief", "--from", "5-1", "--to", "5-31")
    assert may.code == 0 and note in may.out, may.out
    assert note in base("brief", "--from", "5-1", "--to", "5-31", "-f", "plain").out
    path = tmp_path / "简报.docx"
    assert base("brief", "--from", "5-1", "--to", "5-31", "-o", path).code == 0
    assert any(p.text == note for p in docx.Document(str(path)).paragraphs)
    assert "注：" not in base("brief", "--from", "4-1", "--to", "4-30").out  # nothing reopened
    step = ("problem", "resolve", "1", "--how", "改派校车", "--date", "6-3")
    assert base(*step).code == 0
    june = base("brief", "--from", "6-1", "--to", "6-30").out
    assert "注：" not in june
    # May's brief written again: problem 1 was reopened in May and open at its end, still
    assert note in base("brief", "--from", "5-1", "--to", "5-31").out


def test_a_problem_resolved_again_shows_the_periods_measures(base: Cli) -> None:
    """Resolved first with 送政策 and 送资金, reopened, resolved again with 送政策 alone: the
    later period's line names 送政策 only (its JSON keeps both in ``measures``), a period
    holding both resolutions names both."""
    steps = [
        ("problem", "add", "--household", "王秀英", "--category", "就学", "--text", "上学路远",
         "--owner", "单丽", "--date", "4-1"),
        ("problem", "resolve", "1", "--how", "协调校车", "--measure", "送政策", "--measure",
         "送资金", "--amount", "3000", "--date", "4-20"),
        ("problem", "reopen", "1", "--reason", "校车停运", "--date", "5-5"),
        ("problem", "resolve", "1", "--how", "改派校车", "--measure", "送政策", "--date", "5-15"),
    ]  # fmt: skip
    for step in steps:
        assert base(*step).code == 0, step
    may = base("brief", "--from", "5-1", "--to", "5-31")
    assert may.code == 0
    assert "5月15日解决：改派校车（送政策，此前累计落实资金 3000.00 元）。" in may.out, may.out
    (shown,) = base("brief", "--from", "5-1", "--to", "5-31", "-f", "json").json()["highlights"]
    assert (shown["measures"], shown["period_measures"]) == (["policy", "funds"], ["policy"])
    both = base("brief", "--from", "4-1", "--to", "5-31").out
    assert "5月15日解决：改派校车（送政策、送资金，落实资金 3000.00 元）。" in both, both


def test_a_period_or_a_day_after_today_is_said(cli: Cli, ledger: Ids) -> None:
    """A report dated after today counted only what was on record today, without a word."""
    result = cli("brief", "--from", "2026-06-01", "--to", "2026-06-30")
    assert result.code == 0 and result.err.startswith(
        "提示：本期结束日期 2026-06-30 晚于今天（2026-06-15）：本期的数字只到今天"
    ), result
    for command in ("selfcheck", "progress", "supervise"):
        result = cli(command, "--as-of", "12-31", "-f", "json")
        assert result.code == 0 and result.err.startswith(
            "提示：截至日期 2026-12-31 晚于今天（2026-06-15）：统计的是今天已登记的记录"
        ), (command, result)
    result = cli("problem", "list", "--as-of", "12-31", "-f", "json")
    assert result.code == 0 and "截至日期 2026-12-31 晚于今天" in result.err
    assert "晚于今天" not in cli("selfcheck", "--as-of", "6-15", "-f", "json").err


def test_a_listing_as_of_a_day_after_today_is_said(cli: Cli, ledger: Ids) -> None:
    result = cli("link", "list", "--as-of", "12-31", "-f", "json")
    assert result.code == 0 and result.err.strip() == (
        "提示：截至日期 2026-12-31 晚于今天（2026-06-15）：列出的是今天已登记、到那天仍有效的联系。"
    )
    result = cli("problem", "show", "1", "--as-of", "12-31", "-f", "json")
    assert result.code == 0 and "截至日期 2026-12-31 晚于今天" in result.err


def test_a_cadre_gone_by_the_day_it_is_written_is_not_pressed(
    base: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A briefing of May written on 6-15, after 曾强 left on 6-10: his overdue problem is
    listed as one to hand over (已停用，待改派), and he is not pressed to visit or pair; the
    same briefing written before he left presses him as before. ``supervise --as-of 5-31``
    (what stood on that day) is unchanged."""
    steps = [
        ("problem", "add", "--household", "王秀英", "--category", "就学", "--text", "上学路远",
         "--owner", "曾强", "--date", "4-1"),
    ]  # fmt: skip
    for step in steps:
        assert base(*step).code == 0, step
    from sanlian.reports import brief

    monkeypatch.setattr(brief, "LAGS", 100)  # every alert among the lags

    def lags() -> list[tuple[str, str]]:
        result = base("brief", "--from", "5-1", "--to", "5-31", "-f", "json")
        assert result.code == 0, result
        data = result.json()
        assert data["lags_omitted"] == 0
        return [(a["kind"], a["actor"]) for a in data["lags"] if "曾强" in a["actor"]]

    before = lags()
    assert ("red_card", "曾强") in before and ("no_visit", "曾强") in before, before
    as_of = base("supervise", "--as-of", "5-31", "-f", "json").json()
    assert base("cadre", "remove", "曾强", "--force", "--date", "6-10").code == 0
    assert lags() == [("red_card", "曾强（已停用，待改派）")]
    assert base("supervise", "--as-of", "5-31", "-f", "json").json() == as_of
    # handed over since (6-12): not to be handed over again (曾强 had it on 5-31)
    assert base("problem", "edit", "1", "--owner", "单丽", "--date", "6-12").code == 0
    assert lags() == [("red_card", "曾强")]


def test_the_first_briefing_compares_with_no_period_before_the_campaign(
    base: Cli, tmp_path: Path
) -> None:
    """March's briefing (the campaign begins on 3-01): its 上期, February, is said to be
    before the campaign and not compared with (— in the table, blank in the CSV), instead of
    0 beside every +N; April's compares with March as ever."""
    assert base("visit", "add", "--date", "3-5", "--cadre", "单丽", "--household", "王秀英",
                "--form", "入户走访").code == 0  # fmt: skip
    march = base("brief", "--from", "3-1", "--to", "3-31", "-f", "plain")
    assert march.code == 0, march
    assert "上期：2026年2月1日至2026年2月28日（活动尚未开始，不作比较）。" in march.out
    (visits,) = [line for line in march.out.splitlines() if line.startswith("走访次数")]
    assert visits.split() == ["走访次数", "1", "—", "—", "1"]
    csv_rows = base("brief", "--from", "3-1", "--to", "3-31", "-f", "csv").out.splitlines()
    assert csv_rows[1].lstrip("\ufeff") == "走访次数,visits,1,,,1"
    april = base("brief", "--from", "4-1", "--to", "4-30", "-f", "plain").out
    assert "不作比较" not in april
    (visits,) = [line for line in april.splitlines() if line.startswith("走访次数")]
    assert visits.split() == ["走访次数", "0", "1", "−1", "1"]  # (a minus sign)
    json_march = base("brief", "--from", "3-1", "--to", "3-31", "-f", "json").json()
    assert json_march["previous"]["visits"] == 0  # (the JSON's figures as they are)
