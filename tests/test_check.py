"""``db check``: the file, its references and the campaign's rules, each finding naming its
records. The CLI refuses such data, so the tests write it with plain SQL (issue 6, item 2)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, execute_sql

NOW = "2026-06-01 08:00:00"


def _sql(db_path: Path, *statements: str) -> None:
    execute_sql(db_path, *statements)  # references unchecked: as another program might write


def _link(kind: str, *, cadre: int, start: str = "2026-04-01", **ids: int) -> str:
    cols = ", ".join(ids)
    vals = ", ".join(str(v) for v in ids.values())
    return (
        f"insert into link (kind, cadre_id, {cols}, start_on, created_at) "
        f"values ('{kind}', {cadre}, {vals}, '{start}', '{NOW}')"
    )


def _by_check(result: Any) -> dict[str, dict[str, Any]]:
    return {f["check"]: f for f in result.json()}


def test_a_clean_database_passes_every_check(base: Cli) -> None:
    result = base("db", "check", "-f", "json")
    assert result.code == 0, result
    found = _by_check(result)
    assert set(found) == {
        "integrity",
        "foreign_keys",
        "enterprise_limit",
        "enterprise_leaders",
        "household_unlinked",
        "pairs_limit",
        "one_head",
        "same_number",
        "lost_characters",
        "retired_links",
        "visit_dates",
        "visit_cadres",
        "triggers",
        "visit_sections",
        "visit_days",
        "problem_status",
        "problem_dates",
        "link_dates",
        "date_forms",
    }
    assert all(f["ok"] and f["count"] == 0 and f["records"] == [] for f in found.values())
    table = base("db", "check")
    assert table.code == 0 and "结对户所在社区(村)由干部所在科室或本局联系" in table.out


def test_links_that_break_the_campaign_rules(base: Cli, db_path: Path) -> None:
    # base: cadres 1 张伟 (办公室, leader), 2 张伟 (综合科), 3 单丽, 4 曾强; enterprise 1;
    # household 1 王秀英 of community 1 幸福社区, which no unit links.
    _sql(
        db_path,
        *(
            f"insert into enterprise (name, created_at) values ('企业{n}', '{NOW}')"
            for n in (2, 3, 4)
        ),
        *(_link("enterprise", cadre=1, enterprise_id=e) for e in (1, 2, 3, 4)),
        _link("enterprise", cadre=3, enterprise_id=2),
        _link("enterprise", cadre=3, enterprise_id=3),  # ended below: it does not count
        "update link set end_on = '2026-05-01' where id = 6",
        f"insert into household (name, community_id, created_at) values ('李四', 1, '{NOW}')",
        _link("household", cadre=2, household_id=1),
        _link("household", cadre=2, household_id=2),
        "update cadre set retired_on = '2026-05-20' where id = 4",
        _link("household", cadre=4, household_id=2),
    )
    result = base("db", "check", "-f", "json")
    assert result.code == 1, result
    found = _by_check(result)
    assert found["enterprise_limit"]["records"] == ["张伟（干部编号 1）联系 4 家企业"]
    assert found["enterprise_leaders"]["records"] == [
        "联系编号 5：单丽 不是领导班子成员，却联系“企业2”"
    ]
    assert found["household_unlinked"]["records"] == [
        "联系编号 7：张伟 结对“王秀英”，但“幸福社区”不由其科室或本局联系",
        "联系编号 8：张伟 结对“李四”，但“幸福社区”不由其科室或本局联系",
        "联系编号 9：曾强 结对“李四”，但“幸福社区”不由其科室或本局联系",
    ]
    assert found["pairs_limit"]["records"] == ["张伟（干部编号 2）结对 2 户，超过上限 1 户"]
    assert found["retired_links"]["records"] == [
        "联系编号 9：“曾强”已停用，联系仍在进行（曾强 — 李四）"
    ]
    for key in ("integrity", "foreign_keys", "visit_dates", "problem_status"):
        assert found[key]["ok"], found[key]
    # the table says the same in Chinese, one line a check
    table = base("db", "check")
    assert table.code == 1
    assert "张伟（干部编号 1）联系 4 家企业" in table.out


def test_the_bureau_links_a_community_for_every_section(base: Cli, db_path: Path) -> None:
    _sql(
        db_path,
        "insert into link (kind, section_id, community_id, start_on, created_at) "
        f"values ('community', null, 1, '2026-03-01', '{NOW}')",
        _link("household", cadre=3, household_id=1),
    )
    assert base("db", "check", "-f", "json").code == 0


def test_visits_and_problems_that_break_the_rules(base: Cli, db_path: Path) -> None:
    visit = (
        "insert into visit (visited_on, target_kind, community_id, form, cards, created_at) "
        "values ('{d}', 'community', 1, 'talk', 0, '" + NOW + "')"
    )
    problem = (
        "insert into problem (target_kind, community_id, category, text, raised_on, due_on, "
        "is_conflict, status, last_step_on, created_at) values ('community', 1, 'other', "
        "'路灯不亮', '{r}', '{d}', false, '{s}', '{r}', '" + NOW + "')"
    )
    step = (
        "insert into problem_step (problem_id, kind, step_on, created_at) "
        "values ({p}, '{k}', '{d}', '" + NOW + "')"
    )
    _sql(
        db_path,
        visit.format(d="2026-05-10"),  # 1: sound
        "insert into visit_cadre values (1, 3)",
        visit.format(d="2026-06-20"),  # 2: after today (2026-06-15)
        "insert into visit_cadre values (2, 3)",
        visit.format(d="2025-05-10"),  # 3: in no campaign
        "insert into visit_cadre values (3, 3)",
        visit.format(d="2026-05-11"),  # 4: nobody went
        problem.format(r="2026-05-01", d="2026-05-31", s="resolved"),  # 1: only raised
        step.format(p=1, k="raise", d="2026-05-01"),
        problem.format(r="2026-05-01", d="2026-05-31", s="in_progress"),  # 2: sound
        step.format(p=2, k="raise", d="2026-05-01"),
        step.format(p=2, k="progress", d="2026-05-03"),
        step.format(p=2, k="extend", d="2026-05-04"),
        problem.format(r="2026-05-01", d="2026-04-01", s="pending"),  # 3: due before raised
        step.format(p=3, k="raise", d="2026-05-01"),
        problem.format(r="2026-05-01", d="2026-05-31", s="pending"),  # 4: no steps at all
        "update problem set last_step_on = '2026-05-04' where id = 2",  # (2's latest step)
        problem.format(r="2026-05-01", d="2026-05-31", s="pending"),  # 5: a step before raised
        step.format(p=5, k="raise", d="2026-05-01"),
        step.format(p=5, k="progress", d="2026-04-20"),
        problem.format(r="2026-05-01", d="2026-05-31", s="pending"),  # 6: pending, resolved_on
        step.format(p=6, k="raise", d="2026-05-01"),
        "update problem set resolved_on = '2026-05-09' where id = 6",
        problem.format(r="2026-05-01", d="2026-05-31", s="in_progress"),  # 7: a later step
        step.format(p=7, k="raise", d="2026-05-01"),
        step.format(p=7, k="progress", d="2026-07-01"),
        "update problem set last_step_on = '2026-07-01' where id = 7",
        problem.format(r="2026-05-01", d="2026-05-31", s="in_progress"),  # 8: last_step_on
        step.format(p=8, k="raise", d="2026-05-01"),
        step.format(p=8, k="progress", d="2026-05-05"),
        _link("household", cadre=3, household_id=1),
        "update link set start_on = '2026-05-01', end_on = '2026-04-30' where id = 1",
    )
    result = base("db", "check", "-f", "json")
    assert result.code == 1, result
    found = _by_check(result)
    assert found["visit_dates"]["records"] == [
        "走访编号 2：日期 2026-06-20 晚于今天",
        "走访编号 3：日期 2025-05-10 不在任何年度活动期间",
    ]
    assert found["visit_cadres"]["records"] == ["走访编号 4（2026-05-11）没有走访干部"]
    assert found["problem_status"]["records"] == [
        "问题编号 1：状态为“已解决”，但最后一步是“提出”，应为“待办”",
        "问题编号 4：没有“提出”记录",
        "问题编号 5：有办理记录的日期（2026-04-20）早于提出日期 2026-05-01，先后颠倒，请核对各步日期",
        "问题编号 6：状态为“待办”，却记有解决日期 2026-05-09",
        "问题编号 8：最后办理日期记为 2026-05-01，但办理记录最晚是 2026-05-05",
    ]
    assert found["problem_dates"]["records"] == [
        "问题编号 3：办理期限 2026-04-01 早于提出日期 2026-05-01",
        "问题编号 7：办理记录日期 2026-07-01 晚于今天",
    ]
    assert found["link_dates"]["records"] == [
        "联系编号 1：结束日期 2026-04-30 早于开始日期 2026-05-01"
    ]


def test_a_broken_reference_is_reported(base: Cli, db_path: Path) -> None:
    _sql(db_path, "update household set community_id = 42 where id = 1")
    result = base("db", "check", "-f", "json")
    assert result.code == 1
    found = _by_check(result)
    assert found["foreign_keys"]["records"] == ["联系户（编号 1）引用的社区(村)不存在"]
    assert found["integrity"]["ok"] and found["integrity"]["detail"] == "完好"


def test_the_demo_year_passes_every_check(cli: Cli, db_path: Path) -> None:
    result = cli("demo", "--db", db_path)
    assert result.code == 0, result
    check = cli("--db", db_path, "db", "check", "-f", "json")
    assert check.code == 0, [f for f in check.json() if not f["ok"]]


@pytest.mark.sqlite_only(reason="damages the SQLite file's pages")
def test_a_damaged_database_is_reported_not_a_traceback(base: Cli, db_path: Path) -> None:
    from tests.test_backups import _corrupt_copy

    damaged = _corrupt_copy(db_path, db_path.with_name("damaged.db"))
    result = base("--db", damaged, "db", "check", "-f", "json")
    assert result.code == 1, result
    found = _by_check(result)
    assert not found["integrity"]["ok"]
    assert found["integrity"]["detail"].startswith("文件已损坏")
    assert "Traceback" not in result.err
    # in the clerk's words: no SQLite message in English, in any finding
    assert not any(re.search("[a-z]{4,}", str(f["records"]) + f["detail"]) for f in result.json())
    listing = base("--db", damaged, "cadre", "list")
    assert listing.code == 1 and "已损坏" in listing.err and "db restore" in listing.err


def test_names_with_lost_characters_are_named(base: Cli, db_path: Path) -> None:
    """Older versions took 刘? (a rare character lost in a GBK CSV) and 李� as names."""
    _sql(
        db_path,
        "update cadre set name = '刘?' where id = 3",
        "update household set name = '李\ufffd' where id = 1",
    )
    result = base("db", "check", "-f", "json")
    assert result.code == 1
    assert _by_check(result)["lost_characters"]["records"] == [
        "干部编号 3：姓名“刘?”中有丢失的字，请用 sanlian cadre edit 3 --name 改正",
        "联系户编号 1：户主姓名“李\ufffd”中有丢失的字，请用 sanlian household edit 1 --name 改正",
    ]
    assert base("cadre", "edit", "3", "--name", "刘珺").code == 0  # the way it says


def test_two_heads_of_the_leading_group_are_reported(base: Cli, db_path: Path) -> None:
    """Refused as they are written (``test_registry``): two come from older versions."""
    _sql(db_path, "update cadre set role = 'head' where id = 4")
    result = base("db", "check", "-f", "json")
    assert result.code == 1
    found = _by_check(result)["one_head"]
    assert found["records"] == ["干部编号 1：“张伟”是组长", "干部编号 4：“曾强”是组长"]
    assert found["label"] == "领导小组只有一名组长"


def test_a_broken_pair_is_named_by_its_record(base: Cli, db_path: Path) -> None:
    # a visit's cadre removed behind the program's back: the visit is named (编号 of the
    # visit), not the pair's internal row number
    for n in (1, 2, 3):
        visit = ("visit", "add", "--date", f"5-{n}", "--community", "幸福社区", "--form", "talk")
        assert base(*visit, "--cadre", "单丽" if n < 3 else "曾强").code == 0
    _sql(db_path, "delete from cadre where name = '曾强'")
    found = _by_check(base("db", "check", "-f", "json"))
    assert found["foreign_keys"]["records"] == ["走访（编号 3）的走访干部引用的干部不存在"]
    # the visit itself gone: the pair is named by the number it holds, the visit not said
    # to exist
    _sql(db_path, "delete from visit_cadre where visit_id = 3", "delete from visit where id = 2")
    found = _by_check(base("db", "check", "-f", "json"))
    assert "走访干部（走访编号 2）引用的走访不存在" in found["foreign_keys"]["records"]


@pytest.mark.sqlite_only(reason="SQLite keeps a date as the text another program wrote")
def test_a_date_stored_in_another_form_is_named_and_the_rest_still_checked(
    base: Cli, db_path: Path
) -> None:
    assert base("problem", "add", "--community", "幸福社区", "--category", "其他",
                "--text", "路灯", "--date", "5-1").code == 0  # fmt: skip
    _sql(db_path, "update problem set last_step_on = '2026-5-3' where id = 1")
    result = base("db", "check", "-f", "json")
    assert result.code == 1, result
    found = _by_check(result)
    assert found["problem_status"]["records"] == [
        "问题编号 1：有日期的写法无法识别（2026-5-3），请改为 YYYY-MM-DD"
    ]
    assert found["visit_dates"]["ok"] and found["link_dates"]["ok"]  # the others ran


@pytest.mark.sqlite_only(reason="SQLite keeps a date as the text another program wrote")
def test_dates_in_another_form_are_named_wherever_they_are(base: Cli, db_path: Path) -> None:
    visit = ("visit", "add", "--community", "幸福社区", "--form", "talk", "--cadre", "单丽")
    assert base(*visit, "--date", "5-1").code == 0
    assert base(*visit, "--date", "5-2").code == 0
    _sql(
        db_path,
        "update visit set visited_on = '2026-5-3' where id = 1",
        "update visit set visited_on = '20260503' where id = 2",
        "update cadre set retired_on = '2026/06/01' where id = 4",
    )
    found = _by_check(base("db", "check", "-f", "json"))
    assert found["date_forms"]["records"] == [
        "干部（编号 4）的停用日期“2026/06/01”写法无法识别",
        "走访（编号 1）的走访日期“2026-5-3”写法无法识别",
        "走访（编号 2）的走访日期“20260503”写法无法识别",
    ]
    assert found["visit_dates"]["ok"]  # (not said to be "after today" as text compares)
    listed = base("visit", "list")  # what a listing meeting one says
    assert listed.code == 1 and "sanlian db check" in listed.err and "Traceback" not in listed.err


def test_a_visit_whose_cadre_was_deleted_elsewhere_is_said_not_an_internal_error(
    base: Cli, db_path: Path, tmp_path: Path
) -> None:
    assert base("visit", "add", "--date", "6-1", "--cadre", "单丽", "--household", "王秀英",
                "--form", "入户走访").code == 0  # fmt: skip
    _sql(db_path, "delete from cadre where id = 3")
    export = ("export", "visit", "-o", tmp_path / "走访.csv")
    for args in (("visit", "list"), ("visit", "show", "1"), export):
        result = base(*args)
        assert result.code == 1 and "内部" not in result.err, (args, result)
        assert result.err.startswith("数据库里走访 1 的走访干部（干部编号 3）已不存在"), result.err
