"""Activities (the "eight ones" that are events), research reports and leading-group roles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sanlian.i18n.labels import ACTIVITY_KIND
from tests.conftest import Cli, Result

Unchanged = Callable[[Callable[[], Result]], Result]


def ok(cli: Cli, *args: Any) -> Result:
    result = cli(*args)
    assert result.code == 0, result
    return result


def activities(cli: Cli, *args: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = ok(cli, "activity", "list", "-f", "json", *args).json()
    return rows


@pytest.fixture
def linked(base: Cli) -> Cli:
    """综合科 linked with 幸福社区; 张伟@办公室 (leader) linked with the enterprise."""
    ok(base, "link", "community", "--section", "综合科", "--community", "幸福社区", "--from", "3-1")
    ok(base, "link", "enterprise", "--cadre", "1", "--enterprise", "1", "--from", "3-1")
    return base


# --- activities ----------------------------------------------------------------------------


def test_every_kind_by_key_or_label(base: Cli) -> None:
    for i, (key, label) in enumerate(ACTIVITY_KIND.items()):
        kind = key.replace("_", "-") if i % 2 else label
        partner = ("--partner", "幸福社区") if key == "org_life" else ()  # (required there)
        add = ("activity", "add", kind, "--date", "2026-03-20", "--cadre", "单丽", *partner)
        result = ok(base, *add)
        assert f"已登记活动 {i + 1}" in result.out
    rows = activities(base)
    assert [r["kind"] for r in rows] == list(ACTIVITY_KIND)


def test_unknown_kind_refused(base: Cli, unchanged: Unchanged) -> None:
    result = unchanged(lambda: base("activity", "add", "聚餐", "--date", "4-1"))
    assert "活动类型" in result.err and "共同过组织生活(org_life)" in result.err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("education", "--cadre", "无名氏"), "无名氏"),
        (("education", "--section", "没有科"), "没有科"),
        (("civility", "--partner", "没有的地方"), "找不到社区(村)或企业“没有的地方”"),
        (("civility", "--partner", "社区:9"), "9"),
        # 文明行动进社区: into a community, not an enterprise
        (("civility", "--partner", "企业:1"), "应是社区(村)，“临沂华强机械有限公司”是企业"),
        (("education", "--date", "2-30"), "活动日期"),
        (("education", "--title", "长" * 201), "活动名称"),
    ],
)
def test_activity_refusals(
    base: Cli, unchanged: Unchanged, args: tuple[str, ...], expected: str
) -> None:
    result = unchanged(lambda: base("activity", "add", *args))
    assert expected in result.err


def test_partner_number_must_say_which_kind(base: Cli, unchanged: Unchanged) -> None:
    result = unchanged(lambda: base("activity", "add", "civility", "--partner", "1"))
    assert "社区:1" in result.err and "企业:1" in result.err
    ok(base, "activity", "add", "civility", "--partner", "社区:1", "--date", "5-1")
    ok(base, "activity", "add", "org-life", "--partner", "企业:1", "--date", "5-2")
    ok(base, "activity", "add", "civility", "--partner", "前河湾村", "--date", "5-3")
    rows = activities(base)
    assert [(r["partner_kind"], r["partner"]) for r in rows] == [
        ("community", "幸福社区"),
        ("enterprise", "临沂华强机械有限公司"),
        ("community", "前河湾村"),
    ]


def test_org_life_with_a_linked_partner_before_july(
    linked: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SANLIAN_TODAY", "2026-06-30")
    result = ok(
        linked,
        "activity",
        "add",
        "组织生活",
        "--date",
        "6-28",
        "--title",
        "喜迎十八大、岗位当先锋",
        "--cadre",
        "单丽",
        "--cadre",
        "张伟@综合科",
        "--partner",
        "幸福社区",
    )
    assert result.err == ""
    # the enterprise is linked with a participant, the leader
    result = ok(
        linked,
        "activity",
        "add",
        "org_life",
        "--date",
        "6-20",
        "--cadre",
        "1",
        "--partner",
        "企业:1",
    )
    assert result.err == ""
    # a section named as organiser counts too
    result = ok(
        linked,
        "activity",
        "add",
        "org_life",
        "--date",
        "6-21",
        "--section",
        "综合科",
        "--partner",
        "幸福社区",
    )
    assert result.err == ""
    rows = activities(linked, "--kind", "org_life")
    assert [r["before_july"] for r in rows] == [True, True, True]
    assert rows[2]["cadres"] == ["张伟", "单丽"]  # by number


def test_org_life_on_or_after_july_first_is_recorded_with_a_warning(
    linked: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SANLIAN_TODAY", "2026-07-15")
    result = ok(
        linked,
        "activity",
        "add",
        "org_life",
        "--date",
        "7-1",
        "--cadre",
        "单丽",
        "--partner",
        "幸福社区",
    )
    assert "7 月 1 日" in result.err and "七一前夕" in result.err
    assert activities(linked)[0]["before_july"] is False


def test_org_life_with_an_unlinked_partner_warns(linked: Cli) -> None:
    # 曾强's section (办公室) has no link with 幸福社区, nor does the bureau
    result = ok(
        linked,
        "activity",
        "add",
        "org_life",
        "--date",
        "6-1",
        "--cadre",
        "曾强",
        "--partner",
        "幸福社区",
    )
    assert "社区(村)“幸福社区”" in result.err and "没有与参加干部" in result.err
    # 单丽 (综合科) has no link with the enterprise
    result = ok(
        linked,
        "activity",
        "add",
        "org_life",
        "--date",
        "6-1",
        "--cadre",
        "单丽",
        "--partner",
        "企业:1",
    )
    assert "企业“临沂华强机械有限公司”" in result.err
    # a bureau link covers every participant
    ok(linked, "link", "community", "--bureau", "--community", "前河湾村", "--from", "3-1")
    result = ok(
        linked,
        "activity",
        "add",
        "org_life",
        "--date",
        "6-2",
        "--cadre",
        "曾强",
        "--partner",
        "前河湾村",
    )
    assert result.err == ""
    assert len(activities(linked)) == 3


def test_org_life_without_a_partner_is_refused(linked: Cli, unchanged: Unchanged) -> None:
    """共同过一次组织生活 is held with the linked community, village or enterprise: one with
    no partner was stored with a note and ticked the "eight ones" item."""
    for more in ((), ("--cadre", "曾强"), ("--partner", " ")):
        add = ("activity", "add", "组织生活", "--date", "6-3", *more)
        result = unchanged(lambda add=add: linked(*add))  # type: ignore[misc]
        assert result.code == 1
        assert result.err == (
            "组织生活是与联系的社区(村)或企业共同过的，请用 --partner 写明对方（如 --partner "
            "幸福社区；社区和企业同名时写 社区:名称 或 企业:名称）。\n"
        )


def test_activity_list_filters_and_remove(
    linked: Cli, unchanged: Unchanged, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SANLIAN_TODAY", "2026-12-01")
    ok(
        linked,
        "activity",
        "add",
        "education",
        "--date",
        "4-1",
        "--cadre",
        "单丽",
        "--cadre",
        "曾强",
    )
    ok(
        linked,
        "activity",
        "add",
        "civility",
        "--date",
        "5-1",
        "--partner",
        "幸福社区",
        "--section",
        "办公室",
    )
    ok(linked, "activity", "add", "mechanism", "--date", "11-1", "--title", "联系群众长效机制")
    assert [r["id"] for r in activities(linked, "--kind", "专题教育")] == [1]
    assert [r["id"] for r in activities(linked, "--kind", "群众观念专题教育")] == [1]
    assert [r["id"] for r in activities(linked, "--cadre", "曾强")] == [1]
    assert [r["id"] for r in activities(linked, "--section", "办公室")] == [1, 2]
    assert [r["id"] for r in activities(linked, "--section", "综合科")] == [1]
    assert [r["id"] for r in activities(linked, "--partner", "幸福社区")] == [2]
    assert [r["id"] for r in activities(linked, "--from", "4-15", "--to", "11-1")] == [2, 3]
    table = ok(linked, "activity", "list")
    assert "建立长效机制" in table.out and "联系群众长效机制" in table.out
    result = ok(linked, "activity", "remove", "2")
    assert "已删除活动 2" in result.out
    assert [r["id"] for r in activities(linked)] == [1, 3]
    result = unchanged(lambda: linked("activity", "remove", "2"))
    assert "没有编号为 2 的活动记录" in result.err


# --- research reports ----------------------------------------------------------------------


def research(cli: Cli, *args: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = ok(cli, "research", "list", "-f", "json", *args).json()
    return rows


def test_research_reports(base: Cli, unchanged: Unchanged) -> None:
    result = ok(
        base,
        "research",
        "add",
        "--cadre",
        "单丽",
        "--title",
        "关于中小企业融资难的调研",
        "--date",
        "5-1",
        "--topic",
        "群众反映的热点难点问题",
    )
    assert "已登记调研报告 1" in result.out
    ok(base, "research", "add", "--cadre", "曾强", "--title", "营商环境调研", "--topic", "营商环境")
    ok(base, "research", "add", "--cadre", "1", "--title", "企业用工调研", "--topic", "key_issue")
    rows = research(base)
    assert [(r["cadre_id"], r["topic"]) for r in rows] == [
        (3, "hotspot"),
        (4, "营商环境"),
        (1, "key_issue"),
    ]
    assert rows[1]["written_on"] == "2026-06-15"
    assert [r["id"] for r in research(base, "--section", "办公室")] == [2, 3]
    assert [r["id"] for r in research(base, "--cadre", "单丽")] == [1]
    table = ok(base, "research", "list")
    assert "本部门单位工作推进中的关键性问题" in table.out
    ok(base, "research", "remove", "2")
    assert [r["id"] for r in research(base)] == [1, 3]
    result = unchanged(lambda: base("research", "remove", "2"))
    assert "没有编号为 2 的调研报告" in result.err
    result = unchanged(lambda: base("research", "add", "--cadre", "单丽", "--title", " "))
    assert "报告题目" in result.err
    result = unchanged(lambda: base("research", "add", "--cadre", "张伟", "--title", "x"))
    assert "对应多条记录" in result.err
    # the same cadre's report of the same title: counted once (as its import takes it)
    again = ("research", "add", "--cadre", "单丽", "--title", "关于中小企业融资难的调研")
    result = unchanged(lambda: base(*again, "--date", "6-1"))
    assert result.code == 1 and result.err.strip() == (
        "干部“单丽”已有题为《关于中小企业融资难的调研》的调研报告（编号 1，2026-05-01），"
        "同一篇不必再登记；如是另一篇，请写明不同的题目；如原记录的日期有误，"
        "请先用 sanlian research remove 1 删除再登记。"
    )
    ok(base, "research", "add", "--cadre", "曾强", "--title", "关于中小企业融资难的调研")
    # the same title another year is another report
    ok(base, "init", "--year", "2025")
    ok(base, "research", "add", *again[2:], "--date", "2025-06-01")


# --- leading-group roles (issue 3, item 5) ---------------------------------------------------


def test_leading_group_roles_in_cadre_edit_and_list(base: Cli, unchanged: Unchanged) -> None:
    ok(base, "cadre", "edit", "曾强", "--role", "副组长", "--leader")
    ok(base, "cadre", "edit", "单丽", "--role", "office")
    rows = {r["id"]: r for r in ok(base, "cadre", "list", "-f", "json").json()}
    assert rows[1]["role"] == "head" and rows[4]["role"] == "deputy" and rows[3]["role"] == "office"
    assert rows[4]["is_leader"] is True
    table = ok(base, "cadre", "list")
    for label in ("组长", "副组长", "办公室"):
        assert label in table.out
    ok(base, "cadre", "edit", "曾强", "--role", "")
    assert ok(base, "cadre", "show", "曾强", "-f", "json").json()["role"] is None
    result = unchanged(lambda: base("cadre", "edit", "单丽", "--role", "秘书长"))
    assert "领导小组职务" in result.err
    # the new deputy, now a leader, may take an enterprise
    ok(base, "link", "enterprise", "--cadre", "曾强", "--enterprise", "1")


# --- dates after today, reversed ranges ------------------------------------------------------


def test_activity_and_research_dated_after_today_refused(base: Cli, unchanged: Unchanged) -> None:
    result = unchanged(lambda: base("activity", "add", "education", "--date", "6-16"))
    assert "“活动日期”2026-06-16 晚于今天（2026-06-15）" in result.err
    result = unchanged(
        lambda: base("research", "add", "--cadre", "单丽", "--title", "x", "--date", "2026-09-01")
    )
    assert "“报告日期”2026-09-01 晚于今天（2026-06-15）" in result.err
    ok(base, "activity", "add", "education", "--date", "今天")
    ok(base, "research", "add", "--cadre", "单丽", "--title", "x")


@pytest.mark.parametrize("noun", ["activity", "research"])
def test_reversed_date_range_refused(base: Cli, noun: str) -> None:
    result = base(noun, "list", "--from", "7-1", "--to", "6-1")
    assert result.code == 1 and result.out == ""
    assert "“开始日期”（--from）2026-07-01 晚于“结束日期”（--to）2026-06-01" in result.err
    assert ok(base, noun, "list", "--from", "6-1", "--to", "6-1", "-f", "json").json() == []


def test_the_same_problem_or_activity_typed_twice_is_pointed_out(base: Cli) -> None:
    """As ``visit add``: a second record equal to one on file is kept (two may be true) with a
    note that says how to take it back; one that differs in anything gets no note."""
    problem = ("problem", "add", "--household", "王秀英", "--category", "就学", "--text",
               "上学路远", "--owner", "单丽", "--date", "6-3")  # fmt: skip
    activity = ("activity", "add", "education", "--date", "4-15", "--title", "专题教育",
                "--cadre", "单丽")  # fmt: skip
    first = base(*problem)
    assert first.code == 0 and "提示" not in first.err
    again = base(*problem)
    assert again.code == 0
    assert again.err.strip() == (
        "提示：2026-06-03 联系户“王秀英”提出的同一类别、同样内容的问题已有记录（问题编号 1），"
        "这一件（编号 2）与之相同；如是重复录入，请马上用 sanlian undo 撤销这次登记。"
    )
    other = base(*problem[:-1], "6-4")
    assert other.code == 0 and "提示" not in other.err
    assert "提示" not in base(*activity).err
    twice = base(*activity)
    assert twice.code == 0
    assert twice.err.strip() == (
        "提示：2026-04-15 同一类型、同一名称的活动已有记录（活动编号 1），这一条（编号 2）"
        "与之相同；如是重复录入，请用 sanlian activity remove 2 删除。"
    )
    assert "提示" not in base(*activity[:-3], "专题教育二").err
    titles = [a["title"] for a in base("activity", "list", "-f", "json").json()]
    assert titles == ["专题教育", "专题教育", "专题教育二"]


def test_a_phase_item_dated_outside_its_phase_is_pointed_out(base: Cli) -> None:
    """A 自查报告 recorded in June (the summing-up phase is 11-1 to 12-31) still counts for
    the checklist, and the clerk is told to check the date; one dated in its phase is not."""
    result = ok(base, "activity", "add", "自查报告", "--date", "6-10")
    assert (
        "提示：“自查报告”属于总结阶段（2026-11-01 至 2026-12-31），2026-06-10 不在该阶段内，"
        "请核对日期（阶段进度照样计入这条记录）；已照常登记。"
    ) in result.err
    result = ok(base, "activity", "add", "动员部署会议", "--date", "3-5")
    assert "不在该阶段内" not in result.err
    result = ok(base, "activity", "add", "制定实施方案", "--date", "5-1")
    assert "“制定实施方案”属于动员部署阶段" in result.err
    result = ok(base, "activity", "add", "群众观念专题教育", "--date", "5-1")
    assert "不在该阶段内" not in result.err  # the eight ones are not tied to a phase's days
    result = ok(base, "activity", "add", "成立组织机构", "--date", "4-20")
    assert "“成立组织机构”属于动员部署阶段" in result.err and "算作已完成" not in result.err


def test_in_january_a_december_day_without_its_year_is_said_to_need_it(
    base: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With next year's campaign set up, ``12-20`` typed on 5 January means next December:
    the refusal says to write last year's date in full."""
    assert base("init", "--year", "2027").code == 0
    monkeypatch.setenv("SANLIAN_TODAY", "2027-01-05")
    result = base("activity", "add", "summary", "--date", "12-20")
    assert result.code == 1
    assert result.err == (
        "“活动日期”2027-12-20 晚于今天（2027-01-05）：只能登记已经发生的事；如指的是去年12月20日，"
        "请写成 2026-12-20，否则请改为 2027-01-05 或以前的日期。\n"
    )
    assert base("activity", "add", "summary", "--date", "2026-12-20").code == 0
    soon = base("activity", "add", "summary", "--date", "2027-01-09")  # a few days: a slip
    assert soon.code == 1 and "去年" not in soon.err


def test_an_activity_without_title_recorded_twice_is_pointed_out(
    base: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """QA: ``activity add 动员会 --date 3-3`` twice, no title: the second is kept with the
    note visits and problems give (not refused: two meetings may be held on one day)."""
    monkeypatch.setenv("SANLIAN_TODAY", "2026-04-02")
    assert ok(base, "activity", "add", "动员会", "--date", "3-3").err == ""
    again = ok(base, "activity", "add", "动员会", "--date", "3-3")
    assert again.err == (
        "提示：2026-03-03 同一类型、同一名称的活动已有记录（活动编号 1），这一条（编号 2）"
        "与之相同；如是重复录入，请用 sanlian activity remove 2 删除。\n"
    )
    assert ok(base, "activity", "add", "动员会", "--date", "3-3", "--title", "二").err == ""
