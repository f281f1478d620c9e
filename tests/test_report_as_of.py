"""Reports judge a past day by what was true on it: later steps of a timeline do not reach back."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli


def figures(cli: Cli, as_of: str) -> dict[str, object]:
    result = cli("selfcheck", "--year", "2026", "--as-of", as_of, "-f", "json")
    assert result.code == 0, result
    return result.json()["figures"]  # type: ignore[no-any-return]


def test_resolved_reopened_resolved_again(base: Cli) -> None:
    cli = base
    steps = [
        (
            "problem",
            "add",
            "--community",
            "幸福社区",
            "--category",
            "公共设施",
            "--text",
            "路灯坏了",
            "--owner",
            "曾强",
            "--date",
            "2026-04-01",
            "--due",
            "2026-04-30",
        ),
        (
            "problem",
            "resolve",
            "1",
            "--how",
            "已修好",
            "--measure",
            "送资金",
            "--amount",
            "100",
            "--date",
            "2026-04-10",
        ),
        ("problem", "reopen", "1", "--reason", "又坏了", "--date", "2026-05-01"),
        (
            "problem",
            "extend",
            "1",
            "--due",
            "2026-06-30",
            "--reason",
            "等配件",
            "--date",
            "2026-05-02",
        ),
        (
            "problem",
            "resolve",
            "1",
            "--how",
            "换了新灯",
            "--measure",
            "送资金",
            "--amount",
            "200",
            "--date",
            "2026-06-10",
        ),
    ]
    for step in steps:
        assert cli(*step).code == 0, cli(*step)
    # 04-05: open, not yet due
    f = figures(cli, "2026-04-05")
    assert (f["problems_open"], f["problems_resolved"], f["problems_overdue"]) == (1, 0, 0)
    # 04-20: resolved on 04-10 (the reopen of 05-01 has not happened yet)
    f = figures(cli, "2026-04-20")
    assert (f["problems_open"], f["problems_resolved"], f["funds_yuan"]) == (0, 1, "100.00")
    # 05-01: reopened, and past its due date of 04-30 (the extension comes a day later)
    f = figures(cli, "2026-05-01")
    assert (f["problems_open"], f["problems_resolved"], f["problems_overdue"]) == (1, 0, 1)
    # the reopened resolution is withdrawn: no money or measure while the problem is open
    assert (f["funds_yuan"], f["measures"]["funds"]) == ("0.00", 0)  # type: ignore[index]
    # 05-20: still open, but the due date is now 06-30
    f = figures(cli, "2026-05-20")
    assert (f["problems_open"], f["problems_overdue"]) == (1, 0)
    assert f["funds_yuan"] == "0.00"
    # 06-15 (today in tests): resolved again; both resolutions' money counts
    f = figures(cli, "2026-06-15")
    assert (f["problems_open"], f["problems_resolved"], f["funds_yuan"]) == (0, 1, "300.00")
    assert f["measures"]["funds"] == 2  # type: ignore[index]


def test_a_resolution_withdrawn_counts_no_money(base: Cli, tmp_path: Path) -> None:
    """Resolved with 1,000,000 yuan, then reopened (the loan never came) or closed as
    unresolvable: the self-inspection, its problem ledger and the briefing count neither the
    money nor the measure — no report says 解决实际问题0件，落实资金1000000.00元."""
    import openpyxl

    cli = base
    steps = [
        ("problem", "add", "--enterprise", "1", "--category", "资金", "--text", "流动资金紧张",
         "--owner", "张伟@办公室", "--date", "4-10"),
        ("problem", "resolve", "1", "--how", "协调银行贷款", "--measure", "送资金",
         "--amount", "100万", "--date", "5-20"),
        ("problem", "add", "--household", "王秀英", "--category", "就学", "--text", "上学远",
         "--owner", "单丽", "--date", "4-10"),
        ("problem", "resolve", "2", "--how", "协调校车", "--measure", "送政策",
         "--amount", "20000", "--date", "5-10"),
        ("problem", "reopen", "2", "--reason", "校车停运", "--date", "5-20"),
        ("problem", "close", "2", "--reason", "无法协调", "--date", "5-25"),
        ("problem", "reopen", "1", "--reason", "贷款未到位", "--date", "6-1"),
    ]  # fmt: skip
    for step in steps:
        assert cli(*step).code == 0, step
    # on 5-31 problem 1 stood resolved (its reopen came on 6-1); problem 2 was closed on 5-25
    f = figures(cli, "2026-05-31")
    assert (f["problems_resolved"], f["funds_yuan"]) == (1, "1000000.00")
    assert (f["measures"]["funds"], f["measures"]["policy"]) == (1, 0)  # type: ignore[index]
    f = figures(cli, "2026-06-15")
    assert (f["problems_resolved"], f["funds_yuan"]) == (0, "0.00")
    assert (f["measures"]["funds"], f["measures"]["policy"]) == (0, 0)  # type: ignore[index]
    may = cli("brief", "--from", "5-1", "--to", "5-31", "-f", "json").json()
    assert may["current"]["funds_yuan"] == "1000000.00"  # judged on 5-31, as the period ends
    june = cli("brief", "--from", "6-1", "--to", "6-14", "-f", "json").json()
    assert june["current"]["funds_yuan"] == "0.00"
    book = tmp_path / "自查.xlsx"
    assert cli("selfcheck", "-o", book).code == 0
    sheet = openpyxl.load_workbook(book)["问题台账"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(r for r in rows if "办理结果" in r)
    how, money = header.index("办理结果"), next(i for i, v in enumerate(header) if "资金" in v)
    ledger = {r[0]: r for r in rows[rows.index(header) + 1 :] if isinstance(r[0], int)}
    assert (ledger[1][how], ledger[1][money]) in ((None, None), ("", ""), (None, 0))
    assert (ledger[2][how], ledger[2][money]) in ((None, None), ("", ""), (None, 0))


def test_supervise_on_a_past_day(base: Cli) -> None:
    cli = base
    cli(
        "problem",
        "add",
        "--enterprise",
        "临沂华强机械有限公司",
        "--category",
        "资金",
        "--text",
        "贷款",
        "--owner",
        "张伟@办公室",
        "--date",
        "2026-04-01",
        "--due",
        "2026-04-10",
    )
    cli("problem", "resolve", "1", "--how", "已对接银行", "--date", "2026-05-20")
    alerts = cli("supervise", "--as-of", "2026-05-01", "-f", "json").json()
    cards = [a for g in alerts["groups"] for a in g["alerts"] if a["kind"].endswith("_card")]
    assert [(c["kind"], c["ref"], c["days"]) for c in cards] == [("red_card", 1, 21)]
    later = cli("supervise", "--as-of", "2026-06-01", "-f", "json").json()
    assert not [a for g in later["groups"] for a in g["alerts"] if a["kind"].endswith("_card")]


def test_progress_ratio_on_a_past_day(base: Cli) -> None:
    """问题解决 a/b counts what was resolved on the as-of day, of the problems raised in the year."""
    cli = base
    steps = [
        (
            "problem",
            "add",
            "--enterprise",
            "临沂华强机械有限公司",
            "--category",
            "资金",
            "--text",
            "贷款",
            "--owner",
            "张伟@办公室",
            "--date",
            "2026-04-01",
            "--due",
            "2026-06-30",
        ),
        ("problem", "resolve", "1", "--how", "已对接银行", "--date", "2026-04-10"),
        ("problem", "reopen", "1", "--reason", "银行未放款", "--date", "2026-05-01"),
    ]
    for step in steps:
        assert cli(*step).code == 0, cli(*step)

    def ratio(as_of: str) -> tuple[int, int]:
        total = cli("progress", "--as-of", as_of, "-f", "json").json()["total"]
        return total["problems_resolved"], total["problems_raised"]

    def cadre(as_of: str) -> tuple[int, int]:
        data = cli("progress", "--by", "cadre", "--as-of", as_of, "-f", "json").json()
        row = next(c for c in data["cadres"] if c["name"] == "张伟" and c["section"] == "办公室")
        return row["problems_resolved"], row["problems_owned"]

    assert ratio("2026-04-05") == cadre("2026-04-05") == (0, 1)
    assert ratio("2026-04-20") == cadre("2026-04-20") == (1, 1)
    assert ratio("2026-05-05") == cadre("2026-05-05") == (0, 1)  # reopened on 05-01


def test_selfcheck_before_its_year_began_is_refused(
    base: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A day before 1 January has nothing of the year to count: its period would run backwards
    and last year's links and open problems would show as the year's. Refused, nothing written."""
    cli = base
    docx = tmp_path / "自查报告.docx"
    early = cli("selfcheck", "--year", "2026", "--as-of", "2025-12-31", "-o", str(docx))
    assert early.code == 1 and early.out == "" and not docx.exists()
    assert early.err.strip() == (
        "“截至日期”2025-12-31 早于 2026 年度的开始，自查没有可统计的内容："
        "请用 --as-of 指定 2026-01-01 以后的日期，或用 --year 选另一年度。"
    )
    assert figures(cli, "2026-01-01")["visits"] == 0  # the year's first day is counted
    assert cli("init", "--year", "2027").code == 0
    ahead = cli("selfcheck", "--year", "2027", "-f", "json")
    assert ahead.code == 1 and ahead.out == ""
    assert ahead.err.strip() == (
        "2027 年度还没有开始（今天是 2026-06-15），自查没有可统计的内容："
        "请到 2027 年再运行，或用 --year 选另一年度。"
    )
    # progress and supervise show a year not yet begun as such, not refused
    monkeypatch.setenv("SANLIAN_TODAY", "2026-12-20")
    assert "活动尚未开始" in cli("progress", "--year", "2027", "-f", "plain").out


def _by_section(cli: Cli, as_of: str) -> dict[str, dict[str, object]]:
    result = cli("selfcheck", "--year", "2026", "--as-of", as_of, "-f", "json")
    assert result.code == 0, result
    return {row["section"]: row for row in result.json()["by_section"]}


def _owners(cli: Cli, who: str, as_of: str) -> list[int]:
    result = cli("problem", "list", "--owner", who, "--as-of", as_of, "-f", "json")
    assert result.code == 0, result
    return [row["id"] for row in result.json()]


HANDOVERS = [
    # 1: 曾强 (办公室) from 4-01, 单丽 (综合科) from 5-10, 张伟 (办公室) from 6-01; solved 6-05
    ("problem", "add", "--community", "幸福社区", "--category", "公共设施", "--text", "路灯坏了")
    + ("--owner", "曾强", "--date", "2026-04-01"),
    ("problem", "edit", "1", "--owner", "单丽", "--date", "2026-05-10"),
    ("problem", "edit", "1", "--owner", "张伟@办公室", "--date", "2026-06-01"),
    ("problem", "resolve", "1", "--how", "已修好", "--measure", "送资金")
    + ("--amount", "100", "--date", "2026-06-05"),
    # 2: 单丽 (综合科) solved it 4-10 with 50 元; reopened, 曾强 (办公室) from 5-02 solved it
    # again 5-20 with 30 元: each resolution's money is its own day's owner's section's
    ("problem", "add", "--community", "幸福社区", "--category", "公共设施", "--text", "下水道堵")
    + ("--owner", "单丽", "--date", "2026-04-01"),
    ("problem", "resolve", "2", "--how", "疏通", "--measure", "送资金")
    + ("--amount", "50", "--date", "2026-04-10"),
    ("problem", "reopen", "2", "--reason", "又堵了", "--date", "2026-05-01"),
    ("problem", "edit", "2", "--owner", "曾强", "--date", "2026-05-02"),
    ("problem", "resolve", "2", "--how", "换管", "--measure", "送资金")
    + ("--amount", "30", "--date", "2026-05-20"),
]


def test_a_past_day_counts_a_problem_to_whoever_had_it_then(base: Cli) -> None:
    """A problem handed to another cadre (``problem edit --owner``) is counted, on an earlier
    day, to the cadre and section that had it that day: by section in ``selfcheck``, by cadre
    in ``progress`` and the workbook, in ``problem list --owner`` and in whom ``supervise``
    presses (hand-counted below). It was counted to its owner of today on every day."""
    cli = base
    for step in HANDOVERS:
        assert cli(*step).code == 0, step
    # 4-30: problem 1 is 曾强's (办公室); problem 2 was solved by 单丽 (综合科) on 4-10
    day = _by_section(cli, "2026-04-30")
    assert (day["办公室"]["problems_raised"], day["综合科"]["problems_raised"]) == (1, 1)
    assert (day["办公室"]["problems_open"], day["综合科"]["problems_resolved"]) == (1, 1)
    assert (day["办公室"]["funds_yuan"], day["综合科"]["funds_yuan"]) == ("0.00", "50.00")
    assert _owners(cli, "曾强", "2026-04-30") == [1]
    assert _owners(cli, "单丽", "2026-04-30") == [2]
    # 5-31: 1 is 单丽's (综合科, overdue: the red card is hers); 2 is 曾强's, solved
    day = _by_section(cli, "2026-05-31")
    assert (day["办公室"]["problems_raised"], day["综合科"]["problems_raised"]) == (1, 1)
    assert (day["综合科"]["problems_open"], day["办公室"]["problems_resolved"]) == (1, 1)
    assert _owners(cli, "单丽", "2026-05-31") == [1]
    assert _owners(cli, "曾强", "2026-05-31") == [2]
    pressed = cli("supervise", "--as-of", "2026-05-31", "-f", "json").json()
    red = [
        (a["actor"], a["section"], a["days"])
        for group in pressed["groups"]
        for a in group["alerts"]
        if a["kind"] == "red_card" and a["ref"] == 1
    ]
    assert red == [("单丽", "综合科", 30)]  # due 5-01 (30 days from 4-01)
    by_cadre = cli("progress", "--by", "cadre", "--as-of", "2026-05-31", "-f", "json").json()
    owned = {(r["name"], r["section"]): r["problems_owned"] for r in by_cadre["cadres"]}
    assert owned == {
        ("张伟", "办公室"): 0,
        ("曾强", "办公室"): 1,
        ("张伟", "综合科"): 0,
        ("单丽", "综合科"): 1,
    }
    # today (6-15): both with 办公室; the money by each resolution's day: 50 综合科, 130 办公室
    day = _by_section(cli, "2026-06-15")
    assert (day["办公室"]["problems_raised"], day["综合科"]["problems_raised"]) == (2, 0)
    assert (day["办公室"]["funds_yuan"], day["综合科"]["funds_yuan"]) == ("130.00", "50.00")
    assert _owners(cli, "张伟@办公室", "2026-06-15") == [1]
    assert _owners(cli, "单丽", "2026-06-15") == []
    # who had them is history: 单丽 is kept (retired with --force), not deleted
    result = cli("cadre", "remove", "单丽")
    assert result.code == 1 and "仍被引用：2 次问题移交。" in result.err


def test_in_january_a_report_of_the_year_not_begun_says_how_to_get_last_years(
    base: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``init --year 2027`` in December: in January the reports without ``--year`` are of
    2027, which begins on 3-01; each says so and how to get 2026's (the year-end report)."""
    monkeypatch.setenv("SANLIAN_TODAY", "2026-12-20")
    assert base("init", "--year", "2027").code == 0
    monkeypatch.setenv("SANLIAN_TODAY", "2027-01-10")
    hint = (
        "提示：2027 年的活动 2027-03-01 才开始，以下是 2027 年的情况；"
        "2026 年的报表（如年终自查）请加 --year 2026。"
    )
    for args in (("selfcheck",), ("supervise",), ("progress",), ("selfcheck", "-f", "json")):
        result = base(*args)
        assert result.code == 0, result
        assert result.err.strip() == hint, (args, result)
    assert base("selfcheck", "-f", "json").json()["year"] == 2027  # (told, not changed)
    # asked for a year or a day: nothing to say
    for args in (("selfcheck", "--year", "2026"), ("supervise", "--as-of", "2027-01-05")):
        result = base(*args)
        assert result.code == 0 and hint not in result.err, (args, result)
    monkeypatch.setenv("SANLIAN_TODAY", "2027-03-01")  # begun
    assert hint not in base("supervise").err


def test_a_first_year_not_begun_has_no_year_before_to_point_to(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SANLIAN_TODAY", "2027-01-10")
    assert cli("init", "--year", "2027").code == 0
    result = cli("selfcheck")
    assert result.code == 0 and "--year" not in result.err, result
