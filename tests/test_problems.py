"""Problems from raised to solved: every step dated and kept, illegal transitions refused."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, Result, rows_of

Unchanged = Callable[[Callable[[], Result]], Result]


def ok(cli: Cli, *args: Any) -> Result:
    result = cli(*args)
    assert result.code == 0, result
    return result


def problems(cli: Cli, *args: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = ok(cli, "problem", "list", "-f", "json", *args).json()
    return rows


def show(cli: Cli, number: int) -> dict[str, Any]:
    record: dict[str, Any] = ok(cli, "problem", "show", number, "-f", "json").json()
    return record


@pytest.fixture
def raised(base: Cli) -> Cli:
    """Problem 1: 王秀英's schooling, raised 4-1 (due 5-1), owned by 单丽."""
    ok(
        base,
        "problem",
        "add",
        "--household",
        "王秀英",
        "--category",
        "就学",
        "--text",
        "孙子上学路远，希望协调校车",
        "--owner",
        "单丽",
        "--date",
        "2026-04-01",
    )
    return base


def test_the_whole_life_of_a_problem(raised: Cli) -> None:
    record = show(raised, 1)
    assert record["status"] == "pending" and record["due_on"] == "2026-05-01"
    assert record["category"] == "schooling" and record["target_kind"] == "household"
    result = ok(raised, "problem", "progress", "1", "--note", "已联系教育局", "--date", "4-5")
    assert "办理中" in result.out
    result = ok(
        raised,
        "problem",
        "resolve",
        "1",
        "--how",
        "协调开通校车",
        "--measure",
        "送政策",
        "--measure",
        "funds",
        "--amount",
        "12,345.67",
        "--date",
        "4-20",
    )
    assert "已解决" in result.out
    record = show(raised, 1)
    assert record["status"] == "resolved" and record["resolved_on"] == "2026-04-20"
    assert record["amount"] == "12345.67" and record["measures"] == ["policy", "funds"]
    ok(raised, "problem", "reopen", "1", "--reason", "校车停运，问题反复", "--date", "5-10")
    record = show(raised, 1)
    assert record["status"] == "in_progress" and record["resolved_on"] is None
    ok(
        raised,
        "problem",
        "resolve",
        "1",
        "--how",
        "改由社区接送",
        "--measure",
        "送信息",
        "--date",
        "5-20",
    )
    record = show(raised, 1)
    assert record["status"] == "resolved" and record["resolved_on"] == "2026-05-20"
    assert record["last_step_on"] == "2026-05-20"
    timeline = record["timeline"]
    assert [(s["kind"], s["step_on"]) for s in timeline] == [
        ("raise", "2026-04-01"),
        ("progress", "2026-04-05"),
        ("resolve", "2026-04-20"),
        ("reopen", "2026-05-10"),
        ("resolve", "2026-05-20"),
    ]
    assert timeline[0]["due_on"] == "2026-05-01"
    assert timeline[2]["amount"] == "12345.67"
    assert timeline[2]["measures"] == ["policy", "funds"]
    assert timeline[2]["note"] == "协调开通校车"
    assert timeline[3]["note"] == "校车停运，问题反复"
    assert timeline[4]["amount"] is None and timeline[4]["measures"] == ["information"]
    assert all(s["operator"] == "测试员" for s in timeline)
    # the whole timeline on screen too
    table = ok(raised, "problem", "show", "1", "-f", "plain")
    for text in ("办理过程", "提出", "重新办理", "送政策、送资金", "12,345.67", "改由社区接送"):
        assert text in table.out
    markdown = ok(raised, "problem", "show", "1", "-f", "markdown")
    assert "### 办理过程" in markdown.out


def test_money_is_exact(raised: Cli) -> None:
    ok(raised, "problem", "resolve", "1", "--how", "捐款", "--measure", "funds", "--amount", "0.10")
    ok(raised, "problem", "reopen", "1", "--reason", "又有困难")
    ok(raised, "problem", "resolve", "1", "--how", "再捐", "--amount", "¥0.20")
    assert show(raised, 1)["amount"] == "0.30"


@pytest.mark.parametrize("amount", ["12.345", "-5", "十元", "1e3x"])
def test_bad_amount_refused(raised: Cli, unchanged: Unchanged, amount: str) -> None:
    result = unchanged(lambda: raised("problem", "resolve", "1", "--how", "x", "--amount", amount))
    assert "资金" in result.err


@pytest.mark.parametrize("amount", ["-100", "－1.2万", "-1,000.50元"])
def test_negative_amount_said_to_be_negative(
    raised: Cli, unchanged: Unchanged, amount: str
) -> None:
    result = unchanged(lambda: raised("problem", "resolve", "1", "--how", "x", "--amount", amount))
    assert f"“资金（--amount）”的金额“{amount}”是负数" in result.err
    assert "请写 0 或正数" in result.err


@pytest.mark.parametrize(
    ("typed", "quoted"),
    [
        ("10000000000", "10000000000"),  # eleven digits from a 1, but no mobile number
        ("20,000,000,000", "20,000,000,000"),
        ("13812345678", "138****5678"),  # a mobile number typed here by mistake: masked
        ("138 1234 5678", "138****5678"),
    ],
)
def test_an_amount_is_quoted_as_typed_unless_it_is_a_phone_number(
    raised: Cli, unchanged: Unchanged, typed: str, quoted: str
) -> None:
    """QA: 10000000000 was quoted as “100****0000”, as a phone number is masked."""
    result = unchanged(lambda: raised("problem", "resolve", "1", "--how", "x", "--amount", typed))
    assert f"“资金（--amount）”的金额“{quoted}”" in result.err, result
    assert len(result.err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("typed", "fen"),
    [
        ("1,234.5万", 1_234_500_000),  # refused, while 1,234.50 and 1.5万 were taken
        (".5", 50),
        ("5.", 500),
        ("1,234.50", 123_450),
        ("1.5万", 1_500_000),
        (".5万", 500_000),
    ],
)
def test_amounts_written_either_way_are_read_alike(
    raised: Cli, db_path: Path, typed: str, fen: int
) -> None:
    ok(raised, "problem", "resolve", "1", "--how", "x", "--amount", typed)
    assert rows_of(db_path, "SELECT amount_fen FROM problem_step WHERE kind = 'resolve'") == [
        (fen,)
    ]


def test_zero_is_no_money_on_resolving_as_on_correcting(raised: Cli, db_path: Path) -> None:
    """``resolve --amount 0`` stored 0.00 while ``edit --amount 0`` cleared it to 无: both are
    no money now, as not writing --amount is."""
    query = "SELECT amount_fen FROM problem_step WHERE kind = 'resolve' ORDER BY id"
    ok(raised, "problem", "resolve", "1", "--how", "x", "--amount", "0", "--date", "4-10")
    assert rows_of(db_path, query) == [(None,)]
    assert show(raised, 1)["amount"] is None
    ok(raised, "problem", "edit", "1", "--amount", "12.5")
    assert rows_of(db_path, query) == [(1250,)]
    ok(raised, "problem", "reopen", "1", "--reason", "反复", "--date", "4-11")
    again = ok(raised, "problem", "resolve", "1", "--how", "y", "--amount", "0万", "--date", "4-12")
    assert again.err == ""  # no money given: no "money recorded before" note
    assert rows_of(db_path, query) == [(1250,), (None,)]
    ok(raised, "problem", "reopen", "1", "--reason", "又反复", "--date", "4-13")
    ok(raised, "problem", "resolve", "1", "--how", "z", "--amount", "3", "--date", "4-14")
    ok(raised, "problem", "edit", "1", "--amount", "0.00")
    assert rows_of(db_path, query) == [(1250,), (None,), (None,)]
    assert ok(raised, "selfcheck", "-f", "json").json()["figures"]["funds_yuan"] == "12.50"


def test_minus_zero_is_said_to_be_negative(raised: Cli, unchanged: Unchanged) -> None:
    result = unchanged(lambda: raised("problem", "resolve", "1", "--how", "x", "--amount", "-0"))
    assert result.err.strip() == (
        "“资金（--amount）”的金额“-0”是负数；资金指解决问题投入的钱，请写 0 或正数（如 12345.67）。"
    )


def test_illegal_transitions_refused(raised: Cli, unchanged: Unchanged) -> None:
    result = unchanged(lambda: raised("problem", "reopen", "1", "--reason", "无"))
    assert "现在是“待办”，不能重新办理" in result.err
    ok(raised, "problem", "resolve", "1", "--how", "已协调", "--date", "4-10")
    result = unchanged(lambda: raised("problem", "resolve", "1", "--how", "再解决一次"))
    assert "现在是“已解决”" in result.err and "sanlian problem reopen 1" in result.err
    result = unchanged(
        lambda: raised("problem", "extend", "1", "--due", "2026-08-01", "--reason", "等")
    )
    assert "不能延期" in result.err
    ok(raised, "problem", "reopen", "1", "--reason", "反复", "--date", "4-12")
    ok(raised, "problem", "close", "1", "--reason", "超出政策范围", "--date", "4-15")
    assert show(raised, 1)["status"] == "unresolvable"
    assert show(raised, 1)["closed_on"] == "2026-04-15"
    result = unchanged(lambda: raised("problem", "progress", "1", "--note", "继续"))
    assert "现在是“无法解决”，不能登记办理进展" in result.err
    result = unchanged(lambda: raised("problem", "close", "1", "--reason", "再关一次"))
    assert "不能登记为“无法解决”" in result.err
    # a closed problem may be reopened
    ok(raised, "problem", "reopen", "1", "--reason", "政策有了变化", "--date", "6-1")
    assert show(raised, 1)["closed_on"] is None


def test_steps_may_not_go_back_in_time(raised: Cli, unchanged: Unchanged) -> None:
    result = unchanged(
        lambda: raised("problem", "progress", "1", "--note", "早了", "--date", "2026-03-31")
    )
    assert "早于问题 1 的提出日期 2026-04-01" in result.err
    ok(raised, "problem", "progress", "1", "--note", "跟进", "--date", "4-10")
    result = unchanged(lambda: raised("problem", "resolve", "1", "--how", "好了", "--date", "4-9"))
    assert "上一步的日期 2026-04-10" in result.err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("progress", "1"), "办理情况"),
        (("resolve", "1"), "解决情况"),
        (("close", "1"), "无法解决的原因"),
        (("extend", "1", "--due", "2026-06-30"), "延期原因"),
        (("extend", "1", "--reason", "等批复"), "新的办理期限"),
        (
            ("extend", "1", "--due", "2026-04-20", "--reason", "等批复"),
            "应晚于现在的期限 2026-05-01",
        ),
        (("resolve", "1", "--how", "x", "--measure", "送温暖"), "送政策(policy)"),
        (("progress", "7", "--note", "x"), "没有编号为 7 的问题"),
        # a new due day already past on the day of the extension (today, 6-15): still overdue
        (
            ("extend", "1", "--due", "6-10", "--reason", "等批复"),
            "新的办理期限 2026-06-10 早于延期的日期 2026-06-15，延期后仍是超期",
        ),
        (
            ("extend", "1", "--due", "5-20", "--reason", "等批复", "--date", "5-21"),
            "早于延期的日期 2026-05-21",
        ),
    ],
)
def test_step_refusals(
    raised: Cli, unchanged: Unchanged, args: tuple[str, ...], expected: str
) -> None:
    result = unchanged(lambda: raised("problem", *args))
    assert expected in result.err


def test_extend_moves_the_due_date(raised: Cli) -> None:
    ok(
        raised,
        "problem",
        "extend",
        "1",
        "--due",
        "6-30",
        "--reason",
        "等上级批复",
        "--date",
        "4-28",
    )
    record = show(raised, 1)
    assert record["due_on"] == "2026-06-30" and record["status"] == "pending"
    assert record["timeline"][-1] == {
        "id": 2,
        "kind": "extend",
        "step_on": "2026-04-28",
        "note": "等上级批复",
        "due_on": "2026-06-30",
        "amount": None,
        "measures": [],
        "operator": "测试员",
        "handed_to": None,
    }


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--category", "就学", "--text", "x"), "请写明问题对象"),
        (
            ("--household", "1", "--enterprise", "1", "--category", "其他", "--text", "x"),
            "只能写一个",
        ),
        (("--household", "1", "--category", "土地", "--text", "x"), "不适用于联系户的问题"),
        (("--enterprise", "1", "--category", "就学", "--text", "x"), "项目(project)"),
        (("--community", "1", "--category", "project", "--text", "x"), "矛盾纠纷(dispute)"),
        (("--household", "1", "--text", "x"), "问题类别"),
        (("--household", "1", "--category", "就学"), "问题内容"),
        (("--household", "1", "--category", "就学", "--text", "  "), "问题内容"),
        (
            ("--household", "1", "--category", "就学", "--text", "x", "--owner", "张伟"),
            "对应多条记录",
        ),
        (
            (
                "--household",
                "1",
                "--category",
                "就学",
                "--text",
                "x",
                "--date",
                "5-1",
                "--due",
                "4-30",
            ),
            "早于提出日期 2026-05-01",
        ),
        (("--visit", "5", "--category", "就学", "--text", "x"), "没有编号为 5 的走访记录"),
    ],
)
def test_add_refusals(
    base: Cli, unchanged: Unchanged, args: tuple[str, ...], expected: str
) -> None:
    result = unchanged(lambda: base("problem", "add", *args))
    assert expected in result.err


def test_problem_from_a_visit(base: Cli, unchanged: Unchanged) -> None:
    ok(
        base,
        "visit",
        "add",
        "--date",
        "4-3",
        "--cadre",
        "单丽",
        "--household",
        "1",
        "--form",
        "home",
    )
    result = ok(
        base,
        "problem",
        "add",
        "--visit",
        "1",
        "--category",
        "medical",
        "--text",
        "看病难",
        "--date",
        "4-3",
    )
    assert "联系户“王秀英”" in result.out and "就医" in result.out
    record = show(base, 1)
    assert record["visit_id"] == 1 and record["household_id"] == 1
    ok(
        base,
        "problem",
        "add",
        "--visit",
        "1",
        "--household",
        "王秀英",
        "--category",
        "其他",
        "--text",
        "y",
        "--date",
        "4-4",
    )
    result = unchanged(
        lambda: base(
            "problem",
            "add",
            "--visit",
            "1",
            "--community",
            "1",
            "--category",
            "其他",
            "--text",
            "z",
        )
    )
    assert "走访 1 的对象是联系户“王秀英”" in result.err
    result = unchanged(
        lambda: base(
            "problem", "add", "--visit", "1", "--category", "其他", "--text", "z", "--date", "4-2"
        )
    )
    assert "早于所依据的走访 1 的日期 2026-04-03" in result.err
    # the visit's date and target stay what the problems raised on it say
    result = unchanged(lambda: base("visit", "edit", "1", "--community", "1"))
    assert (
        "走访 1 中提出了问题 1、2，它们的对象是这次走访的对象，不能把走访对象改成别的" in result.err
    )
    result = unchanged(lambda: base("visit", "edit", "1", "--date", "4-4"))
    assert result.err.strip() == (
        "走访 1 中提出的问题 1、2 最早在 2026-04-03 提出，走访日期不能改到其后的 2026-04-04；"
        "请改为 2026-04-03 或以前的日期。"
    )
    ok(base, "visit", "edit", "1", "--date", "4-2", "--household", "王秀英", "--cards", "3")
    assert show(base, 1)["visit_id"] == 1


def test_default_due_follows_the_campaign_time_limit(base: Cli) -> None:
    ok(base, "campaign", "set", "--time-limit", "10")
    ok(
        base,
        "problem",
        "add",
        "--enterprise",
        "1",
        "--category",
        "资金",
        "--text",
        "贷款难",
        "--conflict",
    )
    record = show(base, 1)
    assert record["raised_on"] == "2026-06-15" and record["due_on"] == "2026-06-25"
    assert record["is_conflict"] is True and record["category"] == "funds"


def _several(cli: Cli) -> None:
    """1 pending since 3-10 (overdue), 2 resolved, 3 conflict in progress, 4 closed, 5 recent."""
    ok(
        cli,
        "problem",
        "add",
        "--household",
        "1",
        "--category",
        "就医",
        "--text",
        "a",
        "--owner",
        "单丽",
        "--date",
        "3-10",
    )
    ok(
        cli,
        "problem",
        "add",
        "--enterprise",
        "1",
        "--category",
        "法律",
        "--text",
        "b",
        "--owner",
        "1",
        "--date",
        "3-15",
    )
    ok(cli, "problem", "resolve", "2", "--how", "送法律", "--measure", "law", "--date", "3-20")
    ok(
        cli,
        "problem",
        "add",
        "--community",
        "幸福社区",
        "--category",
        "矛盾纠纷",
        "--text",
        "c",
        "--owner",
        "单丽",
        "--date",
        "4-1",
        "--conflict",
    )
    ok(cli, "problem", "progress", "3", "--note", "调解中", "--date", "4-2")
    ok(
        cli,
        "problem",
        "add",
        "--household",
        "1",
        "--category",
        "法律服务",
        "--text",
        "d",
        "--owner",
        "曾强",
        "--date",
        "4-1",
    )
    ok(cli, "problem", "close", "4", "--reason", "不属于政策范围", "--date", "4-20")
    ok(
        cli,
        "problem",
        "add",
        "--community",
        "前河湾村",
        "--category",
        "公共设施",
        "--text",
        "e",
        "--date",
        "6-10",
    )


def test_overdue_listing(base: Cli) -> None:
    _several(base)
    rows = problems(base, "--overdue", "--as-of", "2026-06-15")
    assert [(r["id"], r["overdue_days"]) for r in rows] == [(1, 67), (3, 45)]
    assert [r["id"] for r in problems(base, "--overdue", "--as-of", "4-15")] == [1]
    # problem 2 was open and late on 4-20 only if not yet resolved then: it was resolved 3-20
    assert [r["id"] for r in problems(base, "--overdue", "--as-of", "5-5")] == [1, 3]
    assert problems(base, "--overdue", "--as-of", "3-1") == []
    table = ok(base, "problem", "list", "--overdue", "--as-of", "2026-06-15")
    assert "超期(天)" in table.out and "67" in table.out


def test_list_filters(base: Cli) -> None:
    _several(base)
    every = problems(base)
    assert [r["id"] for r in every] == [1, 2, 3, 4, 5]
    assert every[1]["status"] == "resolved" and every[1]["owner"] == "张伟"
    assert [r["id"] for r in problems(base, "--status", "待办")] == [1, 5]
    assert [r["id"] for r in problems(base, "--status", "in_progress")] == [3]
    assert [r["id"] for r in problems(base, "--status", "未办结")] == [1, 3, 5]
    assert [r["id"] for r in problems(base, "--status", "无法解决")] == [4]
    assert [r["id"] for r in problems(base, "--owner", "单丽")] == [1, 3]
    assert [r["id"] for r in problems(base, "--section", "办公室")] == [2, 4]
    assert [r["id"] for r in problems(base, "--category", "legal")] == [2, 4]
    assert [r["id"] for r in problems(base, "--category", "法律服务")] == [4]
    assert [r["id"] for r in problems(base, "--household", "王秀英")] == [1, 4]
    assert [r["id"] for r in problems(base, "--community", "前河湾村")] == [5]
    assert [r["id"] for r in problems(base, "--enterprise", "1")] == [2]
    assert [r["id"] for r in problems(base, "--conflict")] == [3]
    table = ok(base, "problem", "list", "--status", "open")
    assert "公共设施" in table.out and "矛盾纠纷" in table.out
    csv = ok(base, "problem", "list", "-f", "csv")
    assert "法律服务" in csv.out
    bad = base("problem", "list", "--status", "搁置")
    assert bad.code == 1 and "未办结(open)" in bad.err
    bad = base("problem", "list", "--category", "天气")
    assert bad.code == 1 and "问题类别" in bad.err


def test_problem_writes_are_journalled(raised: Cli) -> None:
    ok(raised, "problem", "resolve", "1", "--how", "好了")
    entries = ok(raised, "history", "-f", "json").json()
    assert {"problem add", "problem resolve"} <= {e["command"] for e in entries}


# --- money over several resolutions (issue: ¥12,345.67 twice gave ¥24,691.34 unannounced) ----


def test_money_given_again_after_a_reopen_is_noted_and_shown_as_a_total(raised: Cli) -> None:
    first = ok(raised, "problem", "resolve", "1", "--how", "资助", "--amount", "12345.67")
    assert first.err == ""
    ok(raised, "problem", "reopen", "1", "--reason", "反复")
    again = ok(raised, "problem", "resolve", "1", "--how", "再资助", "--amount", "12345.67")
    assert "已解决" in again.out  # a note, not a refusal
    assert again.err.strip() == (
        "提示：问题 1 此前解决时已记金额 12,345.67 元，本次金额将另行累计；"
        "如是同一笔钱，请不要重复填写。"
    )
    assert show(raised, 1)["amount"] == "24691.34"  # DESIGN: every resolution's money counts
    table = ok(raised, "problem", "show", "1", "-f", "plain")
    assert "资金合计(元，历次解决之和)" in table.out and "24,691.34" in table.out
    # no money given the third time: nothing to warn about
    ok(raised, "problem", "reopen", "1", "--reason", "又反复")
    assert ok(raised, "problem", "resolve", "1", "--how", "回访").err == ""


def test_reopening_says_the_withdrawn_money_and_measures_leave_the_statistics(
    raised: Cli,
) -> None:
    ok(raised, "problem", "resolve", "1", "--how", "资助", "--measure", "送资金", "--amount", "5万")
    reopened = ok(raised, "problem", "reopen", "1", "--reason", "未到位")
    assert reopened.err.splitlines()[0] == (
        "提示：问题 1 此前解决时记下的资金 50,000.00 元和措施（送资金），在再次登记解决之前"
        "不计入统计（自查、简报、进度）；再次解决时原先的资金仍一并累计。"
    )
    # a resolution with neither money nor measures: nothing to say
    ok(raised, "problem", "add", "--household", "王秀英", "--category", "就学", "--text", "远",
       "--owner", "单丽")  # fmt: skip
    ok(raised, "problem", "resolve", "2", "--how", "协调")
    assert "此前解决时记下" not in ok(raised, "problem", "reopen", "2", "--reason", "又远").err
    # a measure without money: nothing said of money
    ok(raised, "problem", "resolve", "2", "--how", "协调", "--measure", "送信息")
    note = ok(raised, "problem", "reopen", "2", "--reason", "还远").err.splitlines()[0]
    assert note == (
        "提示：问题 2 此前解决时记下的措施（送信息），在再次登记解决之前不计入统计（自查、简报、进度）。"
    )


# --- edit: reassign a retired cadre's problems -------------------------------------------------


def test_problem_edit_owner_after_the_owner_is_retired(raised: Cli, unchanged: Unchanged) -> None:
    # one of hers already resolved: nothing to hand over, so not listed unless asked for
    ok(raised, "problem", "add", "--household", "王秀英", "--category", "就学", "--text", "远",
       "--owner", "单丽", "--date", "4-2")  # fmt: skip
    ok(raised, "problem", "resolve", "2", "--how", "协调", "--date", "4-3")
    ok(raised, "cadre", "remove", "单丽", "--force")
    rows = problems(raised, "--owner-retired")
    assert [(r["id"], r["owner"], r["owner_retired"]) for r in rows] == [(1, "单丽", True)]
    rows = problems(raised, "--owner-retired", "--status", "已解决")
    assert [(r["id"], r["owner_retired"]) for r in rows] == [(2, True)]
    said = ok(raised, "problem", "list", "--owner-retired").err
    assert "提示：只列未办结的（待改派的）；责任人已停用、已办结的另有 1 件未列出" in said
    assert "另有" not in ok(raised, "problem", "list", "--owner-retired", "--status", "未办结").err
    assert "单丽（已停用）" in ok(raised, "problem", "list").out
    result = unchanged(lambda: raised("problem", "edit", "1", "--owner", "单丽"))
    assert "已停用" in result.err and "在册干部" in result.err
    result = ok(raised, "problem", "edit", "1", "--owner", "曾强", "--date", "6-1")
    assert "已修改问题 1" in result.out and "曾强" in result.out
    record = show(raised, 1)
    assert record["owner"] == "曾强" and record["owner_retired"] is False
    assert record["status"] == "pending" and record["last_step_on"] == "2026-06-01"
    step = record["timeline"][-1]
    assert (step["kind"], step["step_on"]) == ("progress", "2026-06-01")
    assert step["note"] == "责任人由“单丽（综合科）”改为“曾强（办公室）”"
    assert problems(raised, "--owner-retired") == []
    entries = ok(raised, "history", "-f", "json").json()
    assert "problem edit" in {e["command"] for e in entries}


def test_problem_edit_corrections_and_refusals(raised: Cli, unchanged: Unchanged) -> None:
    ok(raised, "problem", "edit", "1", "--category", "就医", "--text", "看病难", "--conflict")
    record = show(raised, 1)
    assert (record["category"], record["text"], record["is_conflict"]) == (
        "medical",
        "看病难",
        True,
    )
    assert len(record["timeline"]) == 1 and record["status"] == "pending"  # no step for these
    ok(raised, "problem", "edit", "1", "--no-conflict")
    assert show(raised, 1)["is_conflict"] is False
    for args, expected in [
        ((), "没有给出要修改的内容"),
        (("--category", "土地"), "不适用于联系户的问题"),
        (("--text", " "), "问题内容"),
        (("--owner", "无名氏"), "无名氏"),
        (("--owner", "曾强", "--date", "3-31"), "早于问题 1 的提出日期"),
        (("--owner", "曾强", "--date", "6-16"), "晚于今天"),
    ]:
        result = unchanged(partial(raised, "problem", "edit", "1", *args))
        assert expected in result.err, (args, result)
    result = unchanged(lambda: raised("problem", "edit", "9", "--text", "x"))
    assert "没有编号为 9 的问题" in result.err
    # a finished problem changes owner without a step that would reopen it in the timeline
    ok(raised, "problem", "resolve", "1", "--how", "已办", "--date", "5-1")
    result = ok(raised, "problem", "edit", "1", "--owner", "曾强")
    assert result.err.strip() == (
        "提示：问题 1 已是“已解决”，这次更换责任人视为更正登记：不写入办理过程（不用 --date），"
        "以前各天的统计也都算在新责任人名下；若是重新交办，请先 sanlian problem reopen 1，"
        "再更换责任人。"
    )
    record = show(raised, 1)
    assert record["owner"] == "曾强" and record["status"] == "resolved"
    assert record["timeline"][-1]["kind"] == "resolve"
    # a --date with no handover is said to be unused (it was ignored without a word)
    result = ok(raised, "problem", "edit", "1", "--text", "校车", "--date", "6-1")
    assert (
        "提示：--date 是更换责任人（--owner）的日期，这次没有更换责任人，没有用到；改正解决日期请用 --resolved-on。"
        in result.err
    )


def test_problem_edit_corrects_the_latest_resolution(
    raised: Cli, unchanged: Unchanged, db_path: Any
) -> None:
    """A wrong sum, day, text or measure typed when a problem was resolved is corrected in
    place (not by reopening it, which would count a relapse): only the latest resolution,
    only of a resolved problem, its day after the step before it; and undone whole."""
    from tests.test_journal import data_dump

    def figures() -> dict[str, Any]:
        result: dict[str, Any] = ok(raised, "selfcheck", "-f", "json").json()["figures"]
        return result

    ok(raised, "problem", "resolve", "1", "--how", "开通校车", "--amount", "300", "--date", "4-10")
    ok(raised, "problem", "reopen", "1", "--reason", "校车停运", "--date", "4-20")
    for args in [
        ("--how", "x"),
        ("--amount", "5"),
        ("--measure", "送政策"),
        ("--resolved-on", "5-1"),
    ]:
        result = unchanged(partial(raised, "problem", "edit", "1", *args))
        assert result.err.startswith("问题 1 现在是“办理中”，没有解决登记可改正"), result
        assert result.err.strip().endswith("问题解决时请用 sanlian problem resolve 1 登记。")
    ok(raised, "problem", "progress", "1", "--note", "联系公交公司", "--date", "5-3")
    ok(raised, "problem", "resolve", "1", "--how", "恢复校车", "--measure", "送政策",
       "--amount", "50,000", "--date", "6-10")  # fmt: skip
    assert figures()["funds_yuan"] == "50300.00"  # 300 + 50,000
    assert show(raised, 1)["overdue_days"] == 40  # due 5-1, resolved 6-10
    before = data_dump(db_path)
    result = ok(
        raised, "problem", "edit", "1", "--amount", "5000", "--resolved-on", "5-3",
        "--measure", "送资金", "--measure", "送信息", "--how", "恢复了校车",
    )  # fmt: skip
    assert result.out.strip() == (
        "已修改问题 1：解决情况、资金（50,000.00 元 → 5,000.00 元）、帮扶措施（送政策 → 送信息、送资金）、"
        "解决日期（2026-06-10 → 2026-05-03）。"
    )
    record = show(raised, 1)
    assert (record["status"], record["resolved_on"], record["amount"]) == (
        "resolved",
        "2026-05-03",
        "5300.00",
    )
    assert record["overdue_days"] == 2  # due 5-1, resolved 5-3
    latest = record["timeline"][-1]
    assert (latest["kind"], latest["step_on"], latest["note"]) == (
        "resolve",
        "2026-05-03",
        "恢复了校车",
    )
    assert latest["measures"] == ["information", "funds"]
    assert len(record["timeline"]) == 5  # raise, resolve, reopen, progress, resolve: no new step
    assert record["timeline"][1]["amount"] == "300.00"  # the earlier resolution untouched
    assert figures()["funds_yuan"] == "5300.00"
    assert figures()["measures"]["funds"] == 1 and figures()["measures"]["policy"] == 0
    # the day stays after the step before the resolution, and not after today
    for day, said in [
        ("5-2", "“解决日期（--resolved-on）”2026-05-02 早于问题 1 上一步（办理）的日期 2026-05-03"),
        ("6-16", "“解决日期（--resolved-on）”2026-06-16 晚于今天"),
        ("5月32日", "解决日期（--resolved-on）"),
    ]:
        result = unchanged(partial(raised, "problem", "edit", "1", "--resolved-on", day))
        assert said in result.err, result
    result = unchanged(partial(raised, "problem", "edit", "1", "--amount", "-5"))
    assert "资金（--amount）" in result.err
    result = unchanged(partial(raised, "problem", "edit", "1", "--how", " "))
    assert "解决情况（--how）" in result.err
    # 无 / 0 clear the measures and the money; the same values again change nothing
    result = unchanged(
        partial(raised, "problem", "edit", "1", "--measure", "无", "--measure", "送政策")
    )
    assert result.err.startswith("“帮扶措施（--measure）”写了“无”又写了具体措施"), result
    ok(raised, "problem", "edit", "1", "--measure", "无", "--amount", "0")
    record = show(raised, 1)
    assert record["timeline"][-1]["measures"] == [] and record["amount"] == "300.00"
    assert "没有修改" in ok(raised, "problem", "edit", "1", "--amount", "0").out
    ok(raised, "undo", "--yes")
    ok(raised, "undo", "--yes")
    assert data_dump(db_path) == before


# --- dates after today ---------------------------------------------------------------------


def test_problem_dates_after_today_refused(raised: Cli, unchanged: Unchanged) -> None:
    add = ("problem", "add", "--household", "1", "--category", "就学", "--text", "x")
    result = unchanged(lambda: raised(*add, "--date", "6-16"))
    assert "“提出日期”2026-06-16 晚于今天（2026-06-15）" in result.err
    result = unchanged(lambda: raised(*add, "--date", "2019-06-01"))  # was 2,700 days overdue
    assert "“提出日期”2019-06-01 不在任何活动年度的期间内（2026 年：2026-03-01 至" in result.err
    result = unchanged(lambda: raised(*add, "--date", "2026-02-28"))  # before the first phase
    assert result.err.strip() == (
        "“提出日期”2026-02-28 不在 2026 年活动的期间内（2026-03-01 至 2026-12-31），请核对日期；"
        "如活动实际上在这一天已经开展，请用 sanlian campaign set --year 2026 --phase 1 --start "
        "2026-02-28 调整阶段日期。"
    )
    for args, field in [
        (("progress", "1", "--note", "x"), "办理日期"),
        (("resolve", "1", "--how", "x"), "解决日期"),
        (("close", "1", "--reason", "x"), "办结日期"),
        (("extend", "1", "--due", "8-1", "--reason", "x"), "延期日期"),
    ]:
        result = unchanged(partial(raised, "problem", *args, "--date", "2026-07-01"))
        assert f"“{field}”2026-07-01 晚于今天" in result.err, result
    # a due date is a plan: it may be later
    ok(raised, "problem", "extend", "1", "--due", "8-1", "--reason", "等批复")
    ok(raised, "problem", "resolve", "1", "--how", "好了", "--date", "today")
    result = unchanged(
        lambda: raised("problem", "reopen", "1", "--reason", "x", "--date", "2026-12-01")
    )
    assert "“重新办理日期”2026-12-01 晚于今天" in result.err


def test_a_terminal_shows_the_first_problems_and_counts_them_all(
    raised: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal only the first problems are read, and all of them counted (in SQL)."""
    from sanlian.cli import output

    for text in ("路灯不亮", "缺少健身器材"):
        add = ("problem", "add", "--household", "王秀英", "--category", "其他", "--text", text)
        ok(raised, *add, "--owner", "单丽", "--date", "2026-04-02")
    ok(raised, "problem", "resolve", "2", "--how", "已修好", "--date", "2026-04-03")
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: True)
    monkeypatch.setattr(output, "COUNT_ROWS", 0)
    monkeypatch.setattr(output, "SCREEN_ROW_LIMIT", 1)
    lines = ok(raised, "problem", "list").out.splitlines()
    assert lines[0] == "问题（3，截至 2026-06-15）"
    assert lines[3].split()[0] == "1" and len(lines) == 5
    assert lines[4].startswith("共 3 条，这里只列出前 1 条；")
    lines = ok(raised, "problem", "list", "--status", "open").out.splitlines()
    assert lines[0] == "问题（2，截至 2026-06-15）" and lines[-1].startswith("共 2 条，")
    as_of = ok(raised, "problem", "list", "--as-of", "2026-04-01").out.splitlines()
    assert as_of[0] == "问题（1，截至 2026-04-01）" and as_of[-1] == "共 1 条。" and len(as_of) == 5
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: False)
    assert len(ok(raised, "problem", "list").out.splitlines()) == 3 + 3 + 1  # piped: every row


def test_show_to_an_excel_file_is_refused_before_anything(raised: Cli, tmp_path: Any) -> None:
    """It used to write the text sheet into a file named .xlsx (which Excel cannot open)."""
    path = tmp_path / "问题.xlsx"
    result = raised("problem", "show", "1", "-o", path)
    assert result.code == 1 and not path.exists()
    assert "“.xlsx”不支持" in result.err and ".md" in result.err
    assert raised("problem", "show", "1", "-o", tmp_path / "问题.md").code == 0


def test_a_dispute_is_a_social_conflict_and_a_visits_problem_dates_from_it(
    base: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A problem of the category 矛盾纠纷 is a social conflict (its resolution counts for
    八个一 #7) without --conflict, as when edited into that category; one raised from a visit
    without --date is dated on the visit (it was dated today, its due date from today)."""
    monkeypatch.setenv("SANLIAN_TODAY", "2026-07-05")
    add = ("problem", "add", "--community", "幸福社区", "--owner", "单丽", "--text", "噪音")
    result = ok(base, *add, "--category", "矛盾纠纷", "--date", "7-1")
    assert "2026-07-01 提出，办理期限 2026-07-31。" in result.out
    assert show(base, 1)["is_conflict"] is True
    ok(base, *add, "--category", "公共设施", "--date", "7-1")
    assert show(base, 2)["is_conflict"] is False
    ok(base, "problem", "edit", "2", "--category", "矛盾纠纷")
    assert show(base, 2)["is_conflict"] is True
    ok(base, "problem", "resolve", "1", "--how", "调解", "--date", "7-3")
    figures = ok(base, "selfcheck", "-f", "json").json()["figures"]
    assert figures["conflicts_resolved"] == 1
    visit = ("visit", "add", "--date", "3-10", "--cadre", "单丽", "--community", "幸福社区")
    ok(base, *visit, "--form", "talk")
    result = ok(base, "problem", "add", "--visit", "1", "--category", "其他", "--text", "x")
    assert "2026-03-10 提出，办理期限 2026-04-09。" in result.out


def test_a_listing_that_could_list_nothing_is_refused(raised: Cli, unchanged: Unchanged) -> None:
    result = unchanged(
        partial(raised, "problem", "list", "--household", "王秀英", "--enterprise", "1")
    )
    assert result.err.strip() == (
        "一个问题只有一个对象，--enterprise、--household 只能写一个，这样查不到任何问题；请只留一个。"
    )
    for status in ("resolved", "已解决", "无法解决"):
        result = unchanged(partial(raised, "problem", "list", "--overdue", "--status", status))
        assert result.err.startswith("--overdue 只列未办结的超期问题"), result
    assert problems(raised, "--overdue", "--status", "open", "--as-of", "6-1")[0]["id"] == 1


def test_an_unresolvable_problems_resolution_is_reopened_first(
    raised: Cli, unchanged: Unchanged
) -> None:
    ok(raised, "problem", "close", "1", "--reason", "超出职责", "--date", "5-1")
    result = unchanged(partial(raised, "problem", "edit", "1", "--amount", "100"))
    assert result.err.strip() == (
        "问题 1 现在是“无法解决”，没有解决登记可改正：--how、--measure、--amount、--resolved-on "
        "只改正已解决问题最近一次的解决登记。如问题后来解决了，请先 sanlian problem reopen 1 "
        "--reason 原因，再用 sanlian problem resolve 1 登记。"
    )


# --- due dates after the campaign year (QA: accepted silently) -----------------------------


def test_a_due_date_after_the_campaign_year_is_noted(raised: Cli, db_path: Path) -> None:
    """Taken, with a note: such a problem is never overdue in this year's self-inspection."""
    note = (
        "提示：问题 {} 的办理期限 {} 在 2026 年活动结束（2026-12-31）之后，2026 年的自查统计中"
        "它即使仍未办结也不算超期；如期限写错了，可用 sanlian undo 撤销后重新登记。"
    )
    extended = ok(raised, "problem", "extend", "1", "--due", "2027-03-01", "--reason", "等批复")
    assert "已延期至 2027-03-01" in extended.out
    assert extended.err.strip() == note.format(1, "2027-03-01")
    added = ok(raised, "problem", "add", "--enterprise", "1", "--category", "资金", "--text",
               "贷款", "--due", "2027-06-01", "--date", "6-1")  # fmt: skip
    assert added.err.strip() == note.format(2, "2027-06-01")
    assert rows_of(db_path, "SELECT id, due_on FROM problem ORDER BY id") == [
        (1, "2027-03-01"),
        (2, "2027-06-01"),
    ]
    figures = ok(raised, "selfcheck", "-f", "json", "--as-of", "2026-12-31").json()["figures"]
    assert (figures["problems_open"], figures["problems_overdue"]) == (2, 0)
    # up to the year's last day: nothing to note
    assert ok(raised, "problem", "add", "--enterprise", "1", "--category", "资金", "--text",
              "担保", "--due", "12-31", "--date", "6-1").err == ""  # fmt: skip


def test_a_default_due_date_past_the_year_is_no_mistake_to_undo(
    raised: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Raised on 12-10 with no --due, its time limit runs into next January: the clerk wrote
    no due date, so there is nothing to "undo if mistyped"."""
    monkeypatch.setenv("SANLIAN_TODAY", "2026-12-15")
    added = ok(raised, "problem", "add", "--enterprise", "1", "--category", "资金", "--text",
               "年底的问题", "--date", "12-10")  # fmt: skip
    assert "办理期限" not in added.err


# --- 矛盾纠纷 and the conflict flag (QA: --no-conflict left 矛盾纠纷 with 矛盾=否) -----------


def test_a_dispute_keeps_its_conflict_flag(base: Cli, db_path: Path, unchanged: Unchanged) -> None:
    """A problem of 矛盾纠纷 is a conflict, as ``problem add`` makes it: ``--no-conflict`` is
    refused unless the category is corrected with it."""
    ok(base, "problem", "add", "--community", "幸福社区", "--category", "矛盾纠纷", "--text",
       "邻里纠纷", "--date", "4-1")  # fmt: skip
    ok(base, "problem", "add", "--community", "幸福社区", "--category", "公共设施", "--text",
       "路灯", "--date", "4-1")  # fmt: skip
    said = (
        "类别为“矛盾纠纷”的问题总算作矛盾纠纷，不能取消问题 {0} 的矛盾纠纷标记；如果不属于矛盾纠纷，"
        "请同时改正类别，如 sanlian problem edit {0} --category 其他 --no-conflict。"
    )
    refused = unchanged(lambda: base("problem", "edit", "1", "--no-conflict"))
    assert refused.err.strip() == said.format(1)
    refused = unchanged(
        lambda: base("problem", "edit", "2", "--category", "矛盾纠纷", "--no-conflict")
    )
    assert refused.err.strip() == said.format(2)
    ok(base, "problem", "edit", "1", "--category", "其他", "--no-conflict")
    query = "SELECT id, category, is_conflict FROM problem ORDER BY id"
    assert rows_of(db_path, query) == [(1, "other", 0), (2, "facilities", 0)]
    figures = ok(base, "selfcheck", "-f", "json").json()["figures"]
    assert figures["conflicts_raised"] == 0


# --- remove: a problem recorded by mistake ----------------------------------------------------


def test_a_problem_recorded_by_mistake_is_removed_and_undo_brings_it_back(
    raised: Cli, db_path: Path, unchanged: Unchanged
) -> None:
    from tests.conftest import dump

    ok(raised, "problem", "add", "--household", "王秀英", "--category", "就学",
       "--text", "重复登记 13812345678", "--owner", "单丽", "--date", "4-2")  # fmt: skip
    before = dump(db_path)
    removed = ok(raised, "problem", "remove", "2")
    assert removed.out.strip() == "已删除问题 2：联系户“王秀英”“重复登记 138****5678”。"
    assert [r["id"] for r in ok(raised, "problem", "list", "-f", "json").json()] == [1]
    assert ok(raised, "history", "-n", "1", "-f", "json").json()[0]["command"] == "problem remove"
    ok(raised, "undo", "--yes")
    # (the journal aside: SQLite's dump writes INSERT INTO "journal…, a server's journal…)
    journal = ('INSERT INTO "journal', "journal")
    restored = [line for line in dump(db_path) if not line.startswith(journal)]
    assert restored == [line for line in before if not line.startswith(journal)]
    # one handled since: refused without --force, naming what would go with it
    ok(raised, "problem", "resolve", "1", "--how", "协调", "--measure", "送政策", "--amount", "500")
    result = unchanged(lambda: raised("problem", "remove", "1"))
    assert result.code == 1 and result.err.startswith("问题 1 已有 1 条办理记录")
    forced = ok(raised, "problem", "remove", "1", "--force")
    assert "（连同 1 条办理记录）" in forced.out
    figures = ok(raised, "selfcheck", "-f", "json").json()["figures"]
    assert (figures["problems_raised"], figures["funds_yuan"]) == (1, "0.00")
    ok(raised, "undo", "--yes")
    shown = ok(raised, "problem", "show", "1", "-f", "json").json()
    assert shown["status"] == "resolved" and shown["amount"] == "500.00"
    assert shown["measures"] == ["policy"] and len(shown["timeline"]) == 2
    assert unchanged(lambda: raised("problem", "remove", "99")).code == 1


def test_an_extension_dated_when_it_was_made_may_end_before_today(raised: Cli) -> None:
    """An extension of 5-02 to 6-10, entered on 6-15 with its own day: accepted (the problem
    was not overdue on the day it was extended); one to today is not overdue either."""
    ok(raised, "problem", "extend", "1", "--due", "6-10", "--reason", "等批复", "--date", "5-02")
    ok(raised, "problem", "extend", "1", "--due", "6-15", "--reason", "再等")
    assert show(raised, 1)["due_on"] == "2026-06-15"


def test_a_problem_typed_in_late_says_it_is_overdue_at_once(base: Cli) -> None:
    """A problem of 4-1 typed in on 6-15 (due 5-1 by the time limit): overdue 45 days the
    moment it is registered — said, with how to give it the deadline agreed then; one still
    within its time limit says nothing; an import (back-filling a sheet) is not told."""
    add = ("problem", "add", "--household", "王秀英", "--category", "就学", "--owner", "单丽")
    result = ok(base, *add, "--text", "上学路远", "--date", "4-1")
    assert result.err.strip() == (
        "提示：问题 1 从提出日期 2026-04-01 起算，办理期限 2026-05-01 已过，登记后即算超期 45 天"
        "（调度督促中亮牌）；如当时另定了期限，请运行 sanlian problem extend 1 --due 日期 "
        "--reason 原因 --date 2026-04-01。"
    )
    ok(base, "problem", "extend", "1", "--due", "7-1", "--reason", "当时约定", "--date", "4-1")
    assert show(base, 1)["due_on"] == "2026-07-01"
    assert "已过" not in ok(base, *add, "--text", "午餐", "--date", "6-1").err
