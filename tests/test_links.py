"""Links: section–community, leader–enterprise (1–3), cadre–household (一对一/多对一), with history.

The ``base`` fixture: sections 办公室 (1) and 综合科 (2); cadres 张伟@办公室 (1, leader, 组长),
张伟@综合科 (2), 单丽 (3, 综合科), 曾强 (4, 办公室); communities 幸福社区 (1) and 前河湾村 (2);
one enterprise (1); one household 王秀英 (1) in 幸福社区.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, Result

Unchanged = Callable[[Callable[[], Result]], Result]


def ok(cli: Cli, *args: Any) -> Result:
    result = cli(*args)
    assert result.code == 0, result
    return result


def links(cli: Cli, *args: Any) -> list[dict[str, Any]]:
    result = ok(cli, "link", "list", "-f", "json", *args)
    rows: list[dict[str, Any]] = result.json()
    return rows


@pytest.fixture
def linked(base: Cli) -> Cli:
    """综合科 linked with 幸福社区 since 3-1."""
    ok(base, "link", "community", "--section", "综合科", "--community", "幸福社区", "--from", "3-1")
    return base


# --- community links -----------------------------------------------------------------------


def test_a_link_starting_after_today_is_refused(linked: Cli, unchanged: Unchanged) -> None:
    """A mistyped year (2027 for 2026) made a link nobody could see or correct."""
    for args in (
        ("community", "--section", "办公室", "--community", "前河湾村", "--from", "2027-03-01"),
        ("household", "--cadre", "单丽", "--household", "王秀英", "--from", "2027-03-01"),
        ("enterprise", "--cadre", "1", "--enterprise", "1", "--from", "2027-03-01"),
    ):
        result = unchanged(lambda args=args: linked("link", *args))
        assert "“联系开始日期”2027-03-01 晚于今天" in result.err, result


def test_a_full_date_in_next_year_is_not_called_last_year(
    linked: Cli, unchanged: Unchanged, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On 2 March 2026, 2027-01-01 was said to be "去年1月1日 (2026-01-01)": 2026 is this
    year. A date written in full names its year: next year's may be this year's mistyped;
    this year's is only later than today. ``12-1`` in January may still be last December."""
    monkeypatch.setenv("SANLIAN_TODAY", "2026-03-02")
    add = ("link", "community", "--section", "办公室", "--community", "前河湾村", "--from")
    result = unchanged(lambda: linked(*add, "2027-01-01"))
    assert result.err == (
        "“联系开始日期”2027-01-01 晚于今天（2026-03-02）：只能登记已经发生的事；"
        "如指的是今年1月1日，请写成 2026-01-01，否则请改为 2026-03-02 或以前的日期。\n"
    )
    monkeypatch.setenv("SANLIAN_TODAY", "2026-01-05")
    result = unchanged(lambda: linked(*add, "2026-12-01"))
    assert result.err == (
        "“联系开始日期”2026-12-01 晚于今天（2026-01-05）：只能登记已经发生的事，"
        "请改为 2026-01-05 或以前的日期。\n"
    )
    result = unchanged(lambda: linked(*add, "12-1"))
    assert "如指的是去年12月1日，请写成 2025-12-01" in result.err
    result = unchanged(lambda: linked("visit", "add", "--date", "2026/12/1", "--cadre", "1",
                                      "--household", "王秀英"))  # fmt: skip
    assert "晚于今天" in result.err and "去年" not in result.err


def test_community_link_by_section_and_by_bureau(base: Cli) -> None:
    result = ok(base, "link", "community", "--section", "综合科", "--community", "幸福社区")
    assert "综合科 — 幸福社区" in result.out
    assert "2026-06-15" in result.out
    ok(base, "link", "community", "--bureau", "--community", "前河湾村", "--from", "2026-03-01")
    rows = links(base, "--kind", "community")
    assert [(r["section_id"], r["section"], r["community_id"]) for r in rows] == [
        (2, "综合科", 1),
        (None, "局机关", 2),
    ]
    assert rows[1]["start_on"] == "2026-03-01"
    assert rows[1]["end_on"] is None and rows[1]["active"] is True


def test_community_link_needs_section_or_bureau(base: Cli, unchanged: Unchanged) -> None:
    result = unchanged(lambda: base("link", "community", "--community", "幸福社区"))
    assert "--section" in result.err and "--bureau" in result.err
    result = unchanged(
        lambda: base(
            "link", "community", "--section", "综合科", "--bureau", "--community", "幸福社区"
        )
    )
    assert "二者选一" in result.err


def test_duplicate_active_community_link_refused(linked: Cli, unchanged: Unchanged) -> None:
    result = unchanged(
        lambda: linked("link", "community", "--section", "2", "--community", "幸福社区")
    )
    assert "联系编号 1" in result.err and "sanlian link end 1" in result.err


def test_unknown_community_refused(base: Cli, unchanged: Unchanged) -> None:
    result = unchanged(
        lambda: base("link", "community", "--section", "综合科", "--community", "没有社区")
    )
    assert "没有社区" in result.err


# --- enterprise links ----------------------------------------------------------------------


def test_only_a_leader_may_link_an_enterprise(base: Cli, unchanged: Unchanged) -> None:
    result = unchanged(lambda: base("link", "enterprise", "--cadre", "曾强", "--enterprise", "1"))
    assert "不是领导班子成员" in result.err and "sanlian cadre edit 4 --leader" in result.err
    ok(base, "link", "enterprise", "--cadre", "张伟@办公室", "--enterprise", "1")
    rows = links(base, "--kind", "enterprise")
    assert [(r["cadre_id"], r["enterprise_id"], r["section"]) for r in rows] == [(1, 1, "办公室")]


def test_a_fourth_enterprise_is_refused_naming_the_three(base: Cli, unchanged: Unchanged) -> None:
    for name in ("沂蒙宏达食品有限公司", "兰山纺织有限公司", "金雀山建材有限公司"):
        ok(base, "enterprise", "add", name)
    for number in (1, 2, 3):
        ok(base, "link", "enterprise", "--cadre", "1", "--enterprise", number, "--from", "3-10")
    result = unchanged(
        lambda: base("link", "enterprise", "--cadre", "1", "--enterprise", "金雀山建材有限公司")
    )
    for name in ("临沂华强机械有限公司", "沂蒙宏达食品有限公司", "兰山纺织有限公司"):
        assert name in result.err
    assert "最多联系 3 家" in result.err
    # once one link has ended, the fourth is allowed from the next day
    ok(base, "link", "end", "2", "--date", "5-31")
    ok(base, "link", "enterprise", "--cadre", "1", "--enterprise", "4", "--from", "6-1")
    assert len(links(base, "--cadre", "1", "--as-of", "6-1")) == 3
    assert len(links(base, "--cadre", "1", "--all")) == 4


def test_the_limit_counts_links_running_together_not_one_after_another(
    base: Cli, unchanged: Unchanged
) -> None:
    # 甲 3-1..3-31, 乙 4-1..4-30, 丙 from 5-1: never more than one at a time, so a fourth from
    # 3-15 runs beside at most one of them (was refused: all three overlap its open future)
    for name in ("沂蒙宏达食品有限公司", "兰山纺织有限公司", "金雀山建材有限公司"):
        ok(base, "enterprise", "add", name)
    ok(base, "link", "enterprise", "--cadre", "1", "--enterprise", "1", "--from", "3-1")
    ok(base, "link", "end", "1", "--date", "3-31")
    ok(base, "link", "enterprise", "--cadre", "1", "--enterprise", "2", "--from", "4-1")
    ok(base, "link", "end", "2", "--date", "4-30")
    ok(base, "link", "enterprise", "--cadre", "1", "--enterprise", "3", "--from", "5-1")
    ok(base, "link", "enterprise", "--cadre", "1", "--enterprise", "4", "--from", "3-15")
    assert len(links(base, "--cadre", "1", "--as-of", "5-1")) == 2
    # one household at a time: a pair from 3-15 beside two earlier, successive ones is refused
    # on the day it runs beside one of them, naming only that one
    ok(base, "link", "community", "--section", "办公室", "--community", "幸福社区", "--from", "3-1")
    ok(base, "household", "add", "赵大", "--community", "幸福社区")
    ok(base, "household", "add", "钱二", "--community", "幸福社区")
    ok(base, "link", "household", "--cadre", "曾强", "--household", "王秀英", "--from", "3-1")
    ok(base, "link", "end", "6", "--date", "3-10")
    ok(base, "link", "household", "--cadre", "曾强", "--household", "赵大", "--from", "3-11")
    ok(base, "link", "end", "7", "--date", "3-20")
    result = unchanged(
        lambda: base("link", "household", "--cadre", "曾强", "--household", "钱二", "--from", "3-5")
    )
    assert "王秀英" in result.err and "赵大" not in result.err, result
    # the day said is when they ran together; the day offered, the first one free for good
    assert "在 2026-03-05 时仍与“王秀英”" in result.err
    assert "请把开始日期改为 2026-03-21 或以后" in result.err
    ok(base, "link", "household", "--cadre", "曾强", "--household", "钱二", "--from", "3-21")
    # one in force later on: no day is free, ending it is the way (it was named by a day and a
    # start offered that was refused in turn)
    ok(base, "link", "end", "8", "--date", "4-30")
    ok(base, "link", "household", "--cadre", "曾强", "--household", "赵大", "--from", "5-1")
    ok(base, "household", "add", "孙三", "--community", "幸福社区")
    result = unchanged(
        lambda: base(
            "link", "household", "--cadre", "曾强", "--household", "孙三", "--from", "3-25"
        )
    )
    assert "已与“赵大”（联系编号 9）结对" in result.err and "sanlian link end 9" in result.err
    assert ok(base, "db", "check").code == 0


def test_duplicate_enterprise_link_refused(base: Cli, unchanged: Unchanged) -> None:
    ok(base, "link", "enterprise", "--cadre", "1", "--enterprise", "1")
    result = unchanged(lambda: base("link", "enterprise", "--cadre", "1", "--enterprise", "1"))
    assert "已有有效的联系" in result.err


# --- household links -----------------------------------------------------------------------


def test_a_pair_dated_before_its_community_link_names_the_day(
    linked: Cli, unchanged: Unchanged
) -> None:
    """The section's link with the community exists from 3-1: a pair from 2-1 is told the day
    to start from, not to create the link it already has (which would be refused)."""
    result = unchanged(
        lambda: linked(
            "link", "household", "--cadre", "单丽", "--household", "王秀英", "--from", "2-1"
        )
    )
    assert result.err.strip() == (
        "联系户“王秀英”所在的幸福社区与综合科或局机关的联系自 2026-03-01 起，2026-02-01 时还没有"
        "建立，不能从这天结对；请把结对开始日期改为 2026-03-01 或以后。"
    ), result.err
    ok(linked, "link", "household", "--cadre", "单丽", "--household", "王秀英", "--from", "3-1")


def test_household_in_unlinked_community_refused(base: Cli, unchanged: Unchanged) -> None:
    result = unchanged(
        lambda: base("link", "household", "--cadre", "单丽", "--household", "王秀英")
    )
    assert "sanlian link community --section 综合科 --community 幸福社区" in result.err
    assert "单丽" in result.err and "王秀英" in result.err
    # a namesake in another township: the command it advises names the community by number
    ok(base, "community", "add", "幸福社区", "--town", "枣园镇")
    result = unchanged(
        lambda: base("link", "household", "--cadre", "单丽", "--household", "王秀英")
    )
    assert "所在的幸福社区在" in result.err
    assert "sanlian link community --section 综合科 --community 1 --from 2026-06-15。" in result.err
    ok(base, "link", "community", "--section", "综合科", "--community", "1")
    ok(base, "link", "household", "--cadre", "单丽", "--household", "王秀英")


def test_household_link_allowed_through_section_or_bureau(linked: Cli, base: Cli) -> None:
    ok(linked, "link", "household", "--cadre", "单丽", "--household", "王秀英")
    # 曾强 (办公室) may pair with a household of a community the bureau links
    ok(base, "household", "add", "李桂兰", "--community", "前河湾村")
    ok(base, "link", "community", "--bureau", "--community", "前河湾村", "--from", "3-1")
    ok(base, "link", "household", "--cadre", "曾强", "--household", "李桂兰")
    rows = links(base, "--kind", "household")
    assert [(r["cadre"], r["target"], r["community"]) for r in rows] == [
        ("单丽", "王秀英", "幸福社区"),
        ("曾强", "李桂兰", "前河湾村"),
    ]


def test_community_link_must_be_active_on_the_start_date(linked: Cli, unchanged: Unchanged) -> None:
    ok(linked, "link", "end", "1", "--date", "5-31")
    result = unchanged(
        lambda: linked("link", "household", "--cadre", "单丽", "--household", "1", "--from", "6-1")
    )
    assert "2026-06-01" in result.err
    # covered on its first day but not after the community link's end: a pair has no end of
    # its own, so it would run on uncovered (``db check`` would find it)
    result = unchanged(
        lambda: linked("link", "household", "--cadre", "单丽", "--household", "1", "--from", "5-1")
    )
    assert result.err.strip() == (
        "联系户“王秀英”所在的幸福社区与综合科或局机关的联系到 2026-05-31 为止，从 2026-05-01 "
        "起的结对自 2026-06-01 起没有联系覆盖；请先运行 sanlian link community --section 综合科 "
        "--community 幸福社区 --from 2026-06-01 续上联系，再结对。"
    )
    # renewed (here by the bureau, from a later day): the gap between still refuses; closed, fine
    ok(linked, "link", "community", "--bureau", "--community", "幸福社区", "--from", "6-5")
    result = unchanged(
        lambda: linked("link", "household", "--cadre", "单丽", "--household", "1", "--from", "5-1")
    )
    assert "自 2026-06-01 起没有联系覆盖" in result.err
    ok(
        linked,
        "link",
        "community",
        "--section",
        "综合科",
        "--community",
        "幸福社区",
        "--from",
        "6-1",
    )
    ok(linked, "link", "household", "--cadre", "单丽", "--household", "1", "--from", "5-1")
    assert ok(linked, "db", "check").code == 0


def test_many_to_one_pair_accepted(linked: Cli) -> None:
    result = ok(
        linked, "link", "household", "--cadre", "单丽", "--cadre", "张伟@综合科", "--household", "1"
    )
    assert result.out.count("已建立联系") == 2
    rows = links(linked, "--household", "王秀英")
    assert [(r["cadre_id"], r["household_id"]) for r in rows] == [(3, 1), (2, 1)]


def test_many_to_one_refused_whole_when_one_cadre_cannot(linked: Cli, unchanged: Unchanged) -> None:
    # 曾强 is of 办公室, whose section has no link with 幸福社区: nothing is written at all
    result = unchanged(
        lambda: linked(
            "link", "household", "--cadre", "单丽", "--cadre", "曾强", "--household", "1"
        )
    )
    assert "--section 办公室 --community 幸福社区" in result.err


def test_one_household_at_a_time_unless_the_campaign_allows(
    linked: Cli, unchanged: Unchanged
) -> None:
    ok(linked, "household", "add", "赵大山", "--community", "幸福社区")
    ok(linked, "link", "household", "--cadre", "单丽", "--household", "王秀英", "--from", "4-1")
    result = unchanged(
        lambda: linked("link", "household", "--cadre", "单丽", "--household", "赵大山")
    )
    assert "只能结对 1 户" in result.err and "王秀英" in result.err
    assert "sanlian link end 2" in result.err
    assert "已与“王秀英”（联系编号 2）结对" in result.err  # no stray spaces
    ok(linked, "campaign", "set", "--pairs", "2")
    ok(linked, "link", "household", "--cadre", "单丽", "--household", "赵大山")
    assert len(links(linked, "--cadre", "单丽")) == 2
    # the limit may not go back below what runs together (``db check`` would then fail)
    result = unchanged(lambda: linked("campaign", "set", "--pairs", "1"))
    assert result.err.strip() == (
        "已有 1 名干部同时结对超过 1 户：单丽（编号 3，2 户），上限没有改；请先用 sanlian link "
        "end 联系编号 结束多出的结对（见 sanlian link list --kind household），或把 --pairs "
        "设为至少 2。"
    )
    ok(linked, "link", "end", "3", "--date", "6-15")
    result = unchanged(lambda: linked("campaign", "set", "--pairs", "1"))
    assert "单丽（编号 3，2 户）" in result.err  # on 6-15 both still ran
    # a pair recorded by mistake, undone: the limit may go back
    ok(linked, "undo", "--yes")
    ok(linked, "undo", "--yes")
    ok(linked, "campaign", "set", "--pairs", "1")


def test_pairs_that_ran_together_before_today_leave_the_limit_free(
    linked: Cli, unchanged: Unchanged
) -> None:
    # (``db check`` judges the pairs of today; those of past days had the limit of their day)
    ok(linked, "household", "add", "赵大山", "--community", "幸福社区")
    ok(linked, "campaign", "set", "--pairs", "2")
    for household in ("王秀英", "赵大山"):
        ok(
            linked,
            "link",
            "household",
            "--cadre",
            "单丽",
            "--household",
            household,
            "--from",
            "4-1",
        )
    ok(linked, "link", "end", "2", "--date", "5-31")
    ok(linked, "link", "end", "3", "--date", "5-31")
    ok(linked, "campaign", "set", "--pairs", "1")
    assert ok(linked, "db", "check").code == 0


def test_a_limit_reached_through_an_ended_pair_says_when_a_new_one_may_start(
    linked: Cli, unchanged: Unchanged
) -> None:
    """单丽's pair with 王秀英 ended on 5-31: a pair with 赵大山 from 5-15 is past the limit
    of one while it ran — the refusal gives its end and the first day a new pair may start,
    not `link end` of a link that has ended."""
    ok(linked, "household", "add", "赵大山", "--community", "幸福社区")
    ok(linked, "link", "household", "--cadre", "单丽", "--household", "王秀英", "--from", "4-1")
    ok(linked, "link", "end", "2", "--date", "2026-05-31")
    pair = ("link", "household", "--cadre", "单丽", "--household", "赵大山")
    result = unchanged(lambda: linked(*pair, "--from", "5-15"))
    assert result.err == (
        "干部“单丽”在 2026-05-15 时仍与“王秀英”（联系编号 2，至 2026-05-31）结对，按活动规则"
        "每名干部同时只能结对 1 户；这些结对已定好结束日期，请把开始日期改为 2026-06-01 或以后，"
        "或用“sanlian campaign set --pairs”放宽上限。\n"
    )
    assert "link end" not in result.err
    ok(linked, *pair, "--from", "6-1")


def test_duplicate_household_pair_refused(linked: Cli, unchanged: Unchanged) -> None:
    ok(linked, "campaign", "set", "--pairs", "3")
    ok(linked, "link", "household", "--cadre", "单丽", "--household", "王秀英")
    result = unchanged(
        lambda: linked("link", "household", "--cadre", "单丽", "--household", "王秀英")
    )
    assert "不能重复建立" in result.err


def test_household_link_needs_a_cadre(linked: Cli, unchanged: Unchanged) -> None:
    result = unchanged(lambda: linked("link", "household", "--household", "王秀英"))
    assert "--cadre" in result.err


# --- ending and history --------------------------------------------------------------------


def test_end_keeps_history(linked: Cli) -> None:
    ok(linked, "link", "household", "--cadre", "单丽", "--household", "王秀英", "--from", "3-5")
    result = ok(linked, "link", "end", "2", "--date", "2026-05-31")
    assert "至 2026-05-31" in result.out
    assert [r["id"] for r in links(linked)] == [1]  # today: only the community link
    assert [r["id"] for r in links(linked, "--as-of", "5-31")] == [1, 2]
    every = links(linked, "--all")
    assert every[1]["end_on"] == "2026-05-31" and every[1]["active"] is False
    # after the end, a new pair with the same household may start
    ok(linked, "link", "household", "--cadre", "单丽", "--household", "王秀英", "--from", "6-1")


def test_a_start_within_an_ended_link_says_when_it_may_start(
    linked: Cli, unchanged: Unchanged
) -> None:
    """A pair ended on 5-31: a new one from 5-15 overlaps it, and it cannot be ended again —
    the refusal says to start after it, not to end it. Once another pair is in force (from
    6-1), that one is to be ended first, whatever else the start overlaps."""
    pair = ("link", "household", "--cadre", "单丽", "--household", "王秀英")
    ok(linked, *pair, "--from", "3-5")
    ok(linked, "link", "end", "2", "--date", "2026-05-31")
    result = unchanged(lambda: linked(*pair, "--from", "5-15"))
    assert result.err == (
        "干部“单丽”与联系户“王秀英”的联系（联系编号 2，2026-03-05 至 2026-05-31）与自 "
        "2026-05-15 起的新联系时间重叠；请把开始日期改为 2026-06-01 或以后。\n"
    )
    ok(linked, *pair, "--from", "6-1")
    for start in ("5-15", "6-2"):
        result = unchanged(lambda start=start: linked(*pair, "--from", start))
        assert "联系编号 3" in result.err and "sanlian link end 3" in result.err


def test_ending_a_community_link_needs_cover_for_every_day_left_of_its_pairs(
    linked: Cli, unchanged: Unchanged
) -> None:
    # the bureau's link covers the pair only to 5-20: the section's may not end on 5-10
    ok(linked, "link", "community", "--bureau", "--community", "幸福社区", "--from", "3-1")
    ok(linked, "link", "end", "2", "--date", "5-20")
    ok(linked, "link", "household", "--cadre", "单丽", "--household", "1", "--from", "4-1")
    result = unchanged(lambda: linked("link", "end", "1", "--date", "5-10"))
    assert "仍有 1 对结对在幸福社区继续：单丽—“王秀英”（联系编号 3）" in result.err, result
    # with the bureau's link renewed from 5-21 the pair is covered every day: it may end
    ok(linked, "link", "community", "--bureau", "--community", "幸福社区", "--from", "5-21")
    ok(linked, "link", "end", "1", "--date", "5-10")
    assert ok(linked, "db", "check").code == 0


def test_end_refusals(linked: Cli, unchanged: Unchanged) -> None:
    result = unchanged(lambda: linked("link", "end", "1", "--date", "2026-02-28"))
    assert "早于该联系的开始日期 2026-03-01" in result.err
    result = unchanged(lambda: linked("link", "end", "99"))
    assert "99" in result.err
    ok(linked, "link", "end", "1", "--date", "6-1")
    result = unchanged(lambda: linked("link", "end", "1"))
    assert result.err.strip() == (
        "联系 1 已于 2026-06-01 结束，不能再次结束；如结束日期写错了：若这是最近一次修改，"
        "可用 sanlian undo 撤销后重新结束，否则请从 2026-06-02 起重新建立这项联系。"
    )


def test_list_filters_and_formats(linked: Cli) -> None:
    ok(linked, "link", "community", "--bureau", "--community", "前河湾村")
    ok(linked, "link", "enterprise", "--cadre", "1", "--enterprise", "1")
    ok(linked, "link", "household", "--cadre", "单丽", "--cadre", "2", "--household", "1")
    assert len(links(linked)) == 5
    assert [r["id"] for r in links(linked, "--kind", "企业")] == [3]
    assert [r["id"] for r in links(linked, "--kind", "household")] == [4, 5]
    assert [r["id"] for r in links(linked, "--section", "综合科")] == [1, 4, 5]
    assert [r["id"] for r in links(linked, "--section", "办公室")] == [3]
    assert [r["id"] for r in links(linked, "--community", "幸福社区")] == [1, 4, 5]
    assert [r["id"] for r in links(linked, "--enterprise", "1")] == [3]
    assert [r["id"] for r in links(linked, "--cadre", "单丽")] == [4]
    assert links(linked, "--as-of", "2026-03-02") == links(linked, "--as-of", "3-2")
    assert [r["id"] for r in links(linked, "--as-of", "3-2")] == [1]
    table = ok(linked, "link", "list")
    assert "部门单位联系社区(村)" in table.out and "局机关" in table.out
    csv = ok(linked, "link", "list", "-f", "csv")
    assert csv.out.startswith("\ufeff") or "编号" in csv.out.splitlines()[0]
    bad = linked("link", "list", "--kind", "朋友")
    assert bad.code == 1 and "联系类型" in bad.err


def test_links_are_journalled(linked: Cli) -> None:
    result = ok(linked, "history", "-f", "json")
    assert any(e["command"] == "link community" for e in result.json())


def test_issue_3_messages_have_no_stray_spaces_around_quotes_and_brackets() -> None:
    """Chinese text meets quotes and brackets directly: “已与 “王秀英”（…） 结对” was wrong."""
    import re
    from pathlib import Path

    import sanlian.i18n.messages as catalogue

    source = Path(catalogue.__file__).read_text(encoding="utf-8")
    block = source[source.index("# --- issue 3 ---") : source.index("# --- issue 4 ---")]
    keys = re.findall(r'^    "(\w+)": ', block, flags=re.MULTILINE)
    assert len(keys) > 40
    stray = re.compile(r" [“”（）《》：；，。、]|[“”（）《》：；，。、] ")
    # a placeholder between spaces whose value may begin or end with a quote or bracket
    quoted_values = {"{households}", "{names}", "{target}", "{visit_target}", "{partner}"}
    for key in keys:
        template = catalogue.MESSAGES[key]
        assert not stray.search(template), (key, template)
        for value in quoted_values:
            assert f" {value} " not in template, (key, template)


def test_a_move_needs_cover_for_every_day_left_of_the_pairs(
    linked: Cli, unchanged: Unchanged, db_path: Path
) -> None:
    """单丽 moves from 综合科 to 办公室, whose link with 幸福社区 is set to end on 8-31 (an end
    set ahead, as an old import took it): the pair would run on uncovered from 9-1, so the
    move is refused (it was judged on tomorrow alone); with the link open, allowed."""
    from tests.conftest import execute_sql

    ok(linked, "link", "household", "--cadre", "单丽", "--household", "王秀英", "--from", "4-1")
    office = ("link", "community", "--section", "办公室", "--community", "幸福社区")
    ok(linked, *office, "--from", "4-1")
    execute_sql(db_path, "UPDATE link SET end_on = '2026-08-31' WHERE id = 3")
    result = unchanged(lambda: linked("cadre", "edit", "单丽", "--section", "办公室"))
    assert "王秀英" in result.err, result
    execute_sql(db_path, "UPDATE link SET end_on = NULL WHERE id = 3")
    ok(linked, "cadre", "edit", "单丽", "--section", "办公室")


def test_a_limit_past_a_link_of_a_year_recorded_late_is_refused_without_a_fault() -> None:
    """A link imported with its end (``until``) beside an ended one running past that end: no
    day of it is free and none of them is in force; it is refused, not a fault."""
    import datetime as dt

    from sanlian.services.links import _limit_reached

    rows = [(1, "甲", dt.date(2026, 2, 1), dt.date(2026, 4, 30))]
    refused = _limit_reached(
        "link_pairs_limit",
        rows,
        lambda name, said: f"“{name}”（{said}）",
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 31),
        1,
        name="单丽",
        limit=1,
    )
    assert refused is not None and "“甲”（联系编号 1，至 2026-04-30）" in refused.message


def test_a_new_year_takes_the_rules_of_the_year_before_and_says_so(cli: Cli) -> None:
    """Pairs run on into the new year: with the default rules again (1 pair a cadre) the
    year would break its own limit from its first day (``db check``)."""
    assert cli("init", "--year", "2026").code == 0
    assert cli("campaign", "set", "--pairs", "2", "--time-limit", "20", "--red", "10").code == 0
    result = cli("init", "--year", "2027")
    assert result.code == 0, result
    assert (
        "活动规则沿用 2026 年的：每名干部同时结对户数上限 2，问题办理时限(天) 20" in result.err
    ), result.err
    shown = cli("campaign", "show", "--year", "2027", "-f", "json").json()
    assert shown["settings"]["household_pairs_per_cadre"] == 2
    assert shown["settings"]["problem_days"] == 20 and shown["settings"]["red_days"] == 10
    first = cli("campaign", "show", "--year", "2026", "-f", "json").json()["settings"]
    assert first == shown["settings"]


def test_a_new_time_limit_says_the_open_problems_keep_their_due_dates(base: Cli) -> None:
    add = ("problem", "add", "--household", "王秀英", "--category", "就学", "--text", "路远",
           "--owner", "单丽", "--date", "6-1")  # fmt: skip
    assert base(*add).code == 0
    result = base("campaign", "set", "--time-limit", "20")
    assert result.code == 0 and (
        "提示：新的办理时限只用于此后登记的问题；已登记的 1 个未办结问题仍按原办理期限"
        in result.err
    ), result
    assert base("problem", "show", "1", "-f", "json").json()["due_on"] == "2026-07-01"
    assert "办理时限" not in base("campaign", "set", "--red", "10").err  # another rule: nothing
