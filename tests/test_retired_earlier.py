"""A record retired on a day (a cadre who left, a household that moved away) is still named by
what is recorded for an earlier day: a visit, a research report or an activity of October, or
a problem raised then about the household, entered at year end. From its retirement day on it
is refused, and the refusal says the day and what to write."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import Cli, Result, dump, rows_of


def _ok(cli: Cli, *args: str) -> str:
    result = cli(*args)
    assert result.code == 0, result
    return result.out + result.err


def test_records_of_the_days_before_the_retirement_name_it(base: Cli, db_path: Path) -> None:
    _ok(base, "link", "community", "--section", "综合科", "--community", "幸福社区",
        "--from", "3-1")  # fmt: skip
    _ok(base, "link", "household", "--cadre", "单丽", "--household", "王秀英", "--from", "3-1")
    _ok(base, "cadre", "remove", "单丽", "--force")  # today, 2026-06-15
    said = _ok(base, "visit", "add", "--date", "5-20", "--cadre", "单丽", "--household",
               "王秀英", "--form", "home")  # fmt: skip
    assert "已登记走访 1：2026-05-20 单丽" in said and "没有与" not in said  # linked then
    _ok(base, "research", "add", "--cadre", "单丽", "--title", "走访见闻", "--date", "5-1")
    _ok(base, "activity", "add", "education", "--date", "4-15", "--title", "专题教育",
        "--cadre", "单丽")  # fmt: skip
    _ok(base, "visit", "add", "--date", "5-21", "--cadre", "3", "--household", "王秀英",
        "--form", "phone")  # fmt: skip
    before = dump(db_path)
    for args in (
        ("visit", "add", "--date", "6-15", "--cadre", "单丽", "--household", "王秀英",
         "--form", "home"),
        ("research", "add", "--cadre", "#3", "--title", "又一篇", "--date", "6-15"),
        ("activity", "add", "education", "--date", "6-15", "--title", "专题教育二",
         "--cadre", "单丽"),
    ):  # fmt: skip
        result = base(*args)
        assert result.code == 1, result
        assert result.err.strip() == (
            "干部“{}”（编号 3）已于 2026-06-15 停用，不能用于 2026-06-15 的记录；"
            "停用之前的记录请写明当时的日期（2026-06-15 之前）。".format(
                "#3" if "#3" in args else "单丽"
            )
        ), result.err
    # a problem's owner: one on the roster the day it was raised
    result = base("problem", "add", "--household", "王秀英", "--category", "就学", "--text",
                  "上学路远", "--owner", "单丽", "--date", "6-15")  # fmt: skip
    assert result.code == 1 and result.err.strip() == (
        "干部“单丽”（编号 3）已于 2026-06-15 停用，不能担任 2026-06-15 提出的问题的责任人；"
        "请另选一名在册干部（见 sanlian cadre list），停用之前提出的问题请写明当时的提出日期"
        "（2026-06-15 之前）。"
    ), result
    assert dump(db_path) == before


def test_a_household_retired_later_is_named_by_a_problem_of_before(
    base: Cli, db_path: Path
) -> None:
    _ok(base, "visit", "add", "--date", "5-1", "--cadre", "曾强", "--household", "王秀英",
        "--form", "phone")  # fmt: skip
    assert "已停用" in _ok(base, "household", "remove", "王秀英", "--force")  # kept: visited
    _ok(base, "problem", "add", "--household", "王秀英", "--category", "就学", "--text",
        "上学路远", "--owner", "曾强", "--date", "5-20")  # fmt: skip
    result = base("problem", "add", "--household", "王秀英", "--category", "就学", "--text",
                  "又一件", "--owner", "曾强", "--date", "6-15")  # fmt: skip
    assert result.code == 1 and "已于 2026-06-15 停用" in result.err, result


def test_a_namesake_retired_since_makes_a_name_of_before_ambiguous(
    base: Cli, db_path: Path, tmp_path: Path
) -> None:
    """Two 张伟: the one of 办公室 retired today (2026-06-15). For a day before, plain 张伟
    named both (the refusal lists them, for the command and the import alike); from today on
    only the one in use; 张伟@综合科 always names that one."""
    from tests.test_import_registry import write_csv

    _ok(base, "link", "community", "--section", "综合科", "--community", "幸福社区",
        "--from", "3-1")  # fmt: skip
    _ok(base, "visit", "add", "--date", "4-1", "--cadre", "张伟@办公室", "--community",
        "幸福社区", "--form", "talk")  # fmt: skip
    assert "已停用" in _ok(base, "cadre", "remove", "张伟@办公室", "--force")  # kept: visited
    before = dump(db_path)
    said = (
        "干部“张伟”在 2026-05-20 对应多条记录（其中有此后停用的）：[1] 张伟（办公室）；"
        "[2] 张伟（综合科）。请改用编号，或写成 姓名@科室。"
    )
    result = base("visit", "add", "--date", "5-20", "--cadre", "张伟", "--community", "幸福社区",
                  "--form", "talk")  # fmt: skip
    assert result.code == 1 and result.err.strip() == said, result
    rows = [
        ["走访日期", "走访干部", "对象类型", "走访对象", "走访形式"],
        ["2026-05-20", "张伟", "社区", "幸福社区", "座谈交流"],
    ]
    result = base("visit", "import", write_csv(tmp_path / "v.csv", rows))
    assert result.code == 1 and said in result.err and "走访干部" in result.err, result
    assert dump(db_path) == before
    _ok(base, "visit", "add", "--date", "5-20", "--cadre", "张伟@综合科", "--community",
        "幸福社区", "--form", "talk")  # fmt: skip
    _ok(base, "visit", "add", "--date", "6-15", "--cadre", "张伟", "--community", "幸福社区",
        "--form", "phone")  # fmt: skip
    cadres = [v["cadre_ids"] for v in base("visit", "list", "-f", "json").json()]
    assert cadres == [[1], [2], [2]]


def test_a_visit_moved_to_a_later_day_keeps_cadres_in_use_then(base: Cli, db_path: Path) -> None:
    """A visit of 5-20 by 单丽, who left on 6-15: moved to 6-15 it would name her on a day
    she was gone, refused as ``visit add`` refuses it; moved to 6-1 it is in order."""
    _ok(base, "visit", "add", "--date", "5-20", "--cadre", "单丽", "--household", "王秀英",
        "--form", "home")  # fmt: skip
    _ok(base, "cadre", "remove", "单丽", "--force")
    before = dump(db_path)
    result = base("visit", "edit", "1", "--date", "6-15")
    assert result.code == 1 and "已于 2026-06-15 停用，不能用于 2026-06-15 的记录" in result.err
    assert dump(db_path) == before
    _ok(base, "visit", "edit", "1", "--date", "6-1")


# 单丽 paired with 王秀英 since 3-1, who raised a problem of 单丽's on 5-1
PAIRED_WITH_A_PROBLEM = [
    ("link", "community", "--section", "综合科", "--community", "幸福社区", "--from", "3-1"),
    ("link", "household", "--cadre", "单丽", "--household", "王秀英", "--from", "3-1"),
    (
        "problem",
        "add",
        "--household",
        "王秀英",
        "--category",
        "就医",
        "--text",
        "看病难",
        "--owner",
        "单丽",
        "--date",
        "5-1",
    ),
]


def test_a_cadre_leaves_after_the_work_on_the_problems_they_own(base: Cli, db_path: Path) -> None:
    """The steps of a problem a cadre owns are theirs: the first day off the roster comes after
    the last of them; from then on a step waits for the problem to be handed over, on that day
    as the retirement's note says (was: a leaving day before a step was taken, and steps were
    taken on a departed owner's problem)."""
    for args in [
        *PAIRED_WITH_A_PROBLEM,
        ("problem", "progress", "1", "--note", "联系医院", "--date", "5-20"),
    ]:  # fmt: skip
        assert base(*args).code == 0, args
    before = dump(db_path)
    early = base("cadre", "remove", "单丽", "--force", "--date", "5-10")
    assert early.code == 1 and "其在 2026-05-20 还有记录（由其负责的问题办理）" in early.err
    assert "请写 2026-05-21 或以后的日期" in early.err and dump(db_path) == before
    left = base("cadre", "remove", "单丽", "--force", "--date", "5-25")
    assert (
        left.code == 0 and "sanlian problem edit 1 --owner 新责任人 --date 2026-05-25" in left.err
    )
    before = dump(db_path)
    step = base("problem", "resolve", "1", "--how", "转诊", "--date", "6-1")
    assert step.code == 1 and step.err.strip() == (
        "问题 1 的责任人“单丽”（编号 3）2026-05-25 起已不在册，2026-06-01 的办理须由新的责任人来办；"
        "请先改派，如 sanlian problem edit 1 --owner 新责任人 --date 2026-05-25，再登记这一步。"
    ), step
    assert dump(db_path) == before
    # the note's command works as written; the new owner then takes the steps
    assert base("problem", "edit", "1", "--owner", "张伟@综合科", "--date", "2026-05-25").code == 0
    assert base("problem", "resolve", "1", "--how", "转诊", "--date", "6-1").code == 0
    assert base("db", "check").code == 0


def test_a_finished_problem_of_a_cadre_who_left_may_be_reopened_then_handed_over(
    base: Cli,
) -> None:
    """Reopening is the office's: refused until handed over, while handing over a finished
    problem corrects its owner (its resolution then counted for the new one)."""
    for args in [
        *PAIRED_WITH_A_PROBLEM,
        ("problem", "resolve", "1", "--how", "转诊", "--date", "5-5"),
        ("cadre", "remove", "单丽", "--force", "--date", "5-10"),
        ("problem", "reopen", "1", "--reason", "复发", "--date", "6-1"),
    ]:  # fmt: skip
        assert base(*args).code == 0, args
    step = base("problem", "progress", "1", "--note", "再联系", "--date", "6-2")
    assert step.code == 1 and "请先改派" in step.err
    assert base("problem", "edit", "1", "--owner", "张伟@综合科", "--date", "6-2").code == 0
    assert base("problem", "progress", "1", "--note", "再联系", "--date", "6-2").code == 0


def test_a_new_problem_is_owned_by_the_namesake_in_use_now(base: Cli) -> None:
    """张伟@综合科 left on 6-1: ``--owner 张伟`` for a problem raised on 3-1 is the 张伟 in use
    (was refused as ambiguous, a namesake then in use too)."""
    report = ("research", "add", "--cadre", "张伟@综合科", "--title", "调研", "--date", "3-1")
    assert base(*report).code == 0  # (a record of theirs: retired, not deleted)
    assert base("cadre", "remove", "张伟@综合科", "--force", "--date", "6-1").code == 0
    added = base("problem", "add", "--household", "王秀英", "--category", "就医", "--text",
                 "看病难", "--owner", "张伟", "--date", "3-1")  # fmt: skip
    assert added.code == 0, added
    assert base("problem", "show", "1", "-f", "json").json()["owner_id"] == 1
    # named by its number, the one who left: theirs (raised before), to be handed over
    theirs = base("problem", "add", "--household", "王秀英", "--category", "就医", "--text",
                  "看病难", "--owner", "#2", "--date", "3-1")  # fmt: skip
    assert theirs.code == 0 and "请改派，如 sanlian problem edit 2 --owner" in theirs.err, theirs
    assert base("problem", "show", "2", "-f", "json").json()["owner_id"] == 2


def test_a_problem_raised_before_its_owner_left_is_theirs_until_handed_over(
    base: Cli, db_path: Path, unchanged: Callable[[Callable[[], Result]], Result]
) -> None:
    """曾强 left on 6-12: a problem raised on 6-11 (or at his visit of 6-10), entered later, is
    his, as his visits and reports of those days are; as it is open, a note says to hand it
    over, and its steps from 6-12 wait for the handover. One raised on 6-12 is refused."""
    _ok(base, "visit", "add", "--date", "6-10", "--cadre", "曾强", "--household", "王秀英",
        "--form", "phone")  # fmt: skip
    _ok(base, "cadre", "remove", "曾强", "--force", "--date", "6-12")
    added = base("problem", "add", "--household", "王秀英", "--category", "就医", "--text",
                 "复诊", "--owner", "曾强", "--date", "6-11")  # fmt: skip
    assert added.code == 0, added
    assert "已登记问题 1" in added.out
    assert added.err.strip() == (
        "提示：问题 1 的责任人“曾强”（编号 4）自 2026-06-12 起不在册，问题仍未办结；"
        "此后的办理须由新的责任人来办，请改派，如 sanlian problem edit 1 --owner 新责任人"
        " --date 2026-06-12。"
    )
    by_visit = base("problem", "add", "--visit", "1", "--category", "就医", "--text", "复查",
                    "--owner", "曾强")  # fmt: skip
    assert by_visit.code == 0 and "problem edit 2 --owner 新责任人 --date 2026-06-12" in (
        by_visit.err
    ), by_visit
    assert rows_of(db_path, "SELECT id, owner_id, raised_on, status FROM problem") == [
        (1, 4, "2026-06-11", "pending"),
        (2, 4, "2026-06-10", "pending"),
    ]
    _ok(base, "problem", "progress", "1", "--note", "已联系医院", "--date", "6-11")
    refused = unchanged(
        lambda: base("problem", "progress", "1", "--note", "再联系", "--date", "6-12")
    )
    assert "请先改派，如 sanlian problem edit 1 --owner 新责任人 --date 2026-06-12" in refused.err
    _ok(base, "problem", "edit", "1", "--owner", "单丽", "--date", "6-12")
    _ok(base, "problem", "progress", "1", "--note", "再联系", "--date", "6-13")
    late = unchanged(
        lambda: base(
            "problem",
            "add",
            "--household",
            "王秀英",
            "--category",
            "就医",
            "--text",
            "又一件",
            "--owner",
            "曾强",
            "--date",
            "6-12",
        )  # fmt: skip
    )
    assert "已于 2026-06-12 停用，不能担任 2026-06-12 提出的问题的责任人" in late.err, late
    figures = base("selfcheck", "-f", "json").json()["figures"]
    assert (figures["problems_raised"], figures["problems_open"]) == (2, 2)
    assert base("db", "check").code == 0


def test_a_pair_of_a_cadre_who_left_is_back_filled_up_to_the_day_before(
    base: Cli, db_path: Path, tmp_path: Path
) -> None:
    """``link household`` of a cadre retired on 5-1 said only "已停用，不能再用于新记录",
    while his visits of April could be recorded: a pair from April is now recorded, ended on
    the day before he left (as ``cadre remove`` ends his links), and said so."""
    from tests.test_import_registry import write_csv

    _ok(base, "link", "community", "--section", "综合科", "--community", "幸福社区",
        "--from", "3-1")  # fmt: skip
    _ok(base, "household", "add", "孙秀珍", "--community", "幸福社区")
    _ok(base, "research", "add", "--cadre", "单丽", "--title", "走访见闻", "--date", "4-1")
    _ok(base, "cadre", "remove", "单丽", "--force", "--date", "5-1")
    said = _ok(base, "link", "household", "--cadre", "单丽", "--household", "孙秀珍",
               "--from", "4-15")  # fmt: skip
    assert said == (
        "已建立联系 2：单丽（综合科） — 孙秀珍（2026-04-15 至 2026-04-30：干部“单丽”已于 "
        "2026-05-01 停用，联系到前一天为止）。\n"
    )
    assert rows_of(db_path, "SELECT start_on, end_on FROM link WHERE id = 2") == [
        ("2026-04-15", "2026-04-30")
    ]
    before = dump(db_path)
    result = base("link", "household", "--cadre", "单丽", "--household", "王秀英", "--from", "5-1")
    assert result.code == 1 and result.err == (
        "干部“单丽”（编号 3）已于 2026-05-01 停用，不能用于 2026-05-01 的记录；"
        "停用之前的记录请写明当时的日期（2026-05-01 之前）。\n"
    )
    # an import's row: ended as the command ends it, or on its own end day before the leaving
    head = ["联系类型", "科室", "干部", "联系对象", "开始日期", "结束日期", "备注"]
    late = [head, ["结对帮扶", "", "单丽", "王秀英", "2026-04-20", "2026-05-20", ""]]
    result = base("link", "import", write_csv(tmp_path / "晚.csv", late))
    assert result.code == 1 and (
        "干部“单丽”（编号 3）已于 2026-05-01 停用，联系最晚到 2026-04-30 为止，不能到 "
        "2026-05-20；请把结束日期改为 2026-04-30 或以前。"
    ) in result.err.replace("\n", ""), result.err
    assert dump(db_path) == before
    rows = [head, ["结对帮扶", "", "单丽", "王秀英", "2026-04-20", "2026-04-25", ""]]
    rows.append(["结对帮扶", "", "单丽", "李梅", "2026-03-20", "", ""])
    _ok(base, "household", "add", "李梅", "--community", "幸福社区")
    _ok(base, "campaign", "set", "--pairs", "3")
    result = base("link", "import", write_csv(tmp_path / "补.csv", rows))
    assert result.code == 0, result.err
    assert rows_of(db_path, "SELECT start_on, end_on FROM link WHERE id > 2 ORDER BY id") == [
        ("2026-04-20", "2026-04-25"),
        ("2026-03-20", "2026-04-30"),
    ]


def test_a_pair_with_several_cadres_ends_only_the_one_who_left(base: Cli, db_path: Path) -> None:
    """多对一 with 单丽 (left on 5-1) and 张伟@综合科 (still here): only 单丽's pair ends on
    4-30; the other runs on (one end day for all ended both)."""
    _ok(base, "link", "community", "--section", "综合科", "--community", "幸福社区",
        "--from", "3-1")  # fmt: skip
    _ok(base, "research", "add", "--cadre", "单丽", "--title", "走访见闻", "--date", "4-1")
    _ok(base, "cadre", "remove", "单丽", "--force", "--date", "5-1")
    said = _ok(base, "link", "household", "--cadre", "张伟@综合科", "--cadre", "单丽",
               "--household", "王秀英", "--from", "4-15")  # fmt: skip
    assert said.splitlines() == [
        "已建立联系 2：张伟（综合科） — 王秀英（自 2026-04-15 起）。",
        "已建立联系 3：单丽（综合科） — 王秀英（2026-04-15 至 2026-04-30：干部“单丽”已于 "
        "2026-05-01 停用，联系到前一天为止）。",
    ]
    assert rows_of(db_path, "SELECT cadre_id, end_on FROM link WHERE id IN (2, 3)") == [
        (2, None),
        (3, "2026-04-30"),
    ]
