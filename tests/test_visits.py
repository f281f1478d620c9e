"""Visits: dated inside a campaign, one or more cadres, exactly one target, diaries kept whole."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, Result, execute_sql, location

Unchanged = Callable[[Callable[[], Result]], Result]

DIARY = "入户看望王秀英一家，老人腿脚不便，孙子上学路远，希望协调校车。\n约定两周后回访。"


def ok(cli: Cli, *args: Any) -> Result:
    result = cli(*args)
    assert result.code == 0, result
    return result


def visits(cli: Cli, *args: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = ok(cli, "visit", "list", "-f", "json", *args).json()
    return rows


@pytest.fixture
def paired(base: Cli) -> Cli:
    """综合科 linked with 幸福社区; 单丽 paired with 王秀英; 张伟@办公室 linked with the enterprise."""
    ok(base, "link", "community", "--section", "综合科", "--community", "幸福社区", "--from", "3-1")
    ok(base, "link", "household", "--cadre", "单丽", "--household", "王秀英", "--from", "3-2")
    ok(base, "link", "enterprise", "--cadre", "1", "--enterprise", "1", "--from", "3-2")
    return base


def test_visit_with_diary_recorded_without_warning(paired: Cli) -> None:
    result = ok(
        paired,
        "visit",
        "add",
        "--date",
        "2026-04-03",
        "--cadre",
        "单丽",
        "--household",
        "王秀英",
        "--form",
        "入户走访",
        "--cards",
        "1",
        "--diary",
        DIARY,
    )
    assert "已登记走访 1" in result.out and "联系户“王秀英”" in result.out
    assert result.err == ""
    record = ok(paired, "visit", "show", "1", "-f", "json").json()
    assert record["diary"] == DIARY  # whole, line break included
    assert record["form"] == "home" and record["cards"] == 1
    assert record["target_kind"] == "household" and record["household_id"] == 1
    assert record["cadre_ids"] == [3] and record["visited_on"] == "2026-04-03"


def test_visit_by_unlinked_cadre_is_recorded_with_a_warning(paired: Cli) -> None:
    result = ok(
        paired,
        "visit",
        "add",
        "--date",
        "5-6",
        "--cadre",
        "曾强",
        "--household",
        "1",
        "--form",
        "home",
    )
    assert "曾强" in result.err and "没有与联系户“王秀英”建立联系" in result.err
    assert len(visits(paired)) == 1


def test_community_visit_linked_through_section_or_bureau(paired: Cli) -> None:
    ok(paired, "link", "community", "--bureau", "--community", "前河湾村", "--from", "3-1")
    result = ok(
        paired,
        "visit",
        "add",
        "--date",
        "4-1",
        "--cadre",
        "张伟@综合科",
        "--cadre",
        "曾强",
        "--community",
        "幸福社区",
        "--form",
        "talk",
    )
    # 张伟@综合科 is of the linked section; 曾强 (办公室) is not
    assert "曾强" in result.err and "张伟" not in result.err
    result = ok(
        paired,
        "visit",
        "add",
        "--date",
        "4-2",
        "--cadre",
        "曾强",
        "--community",
        "前河湾村",
        "--form",
        "card",
        "--cards",
        "20",
    )
    assert result.err == ""
    assert visits(paired)[0]["cadre_ids"] == [2, 4]


def test_enterprise_visit_by_its_leader(paired: Cli) -> None:
    result = ok(
        paired,
        "visit",
        "add",
        "--date",
        "4-9",
        "--cadre",
        "1",
        "--enterprise",
        "1",
        "--form",
        "座谈交流",
    )
    assert result.err == ""


def test_visit_dated_outside_every_campaign_refused(paired: Cli, unchanged: Unchanged) -> None:
    for day in ("2026-02-28", "2025-06-01"):
        result = unchanged(
            partial(
                paired,
                "visit",
                "add",
                "--date",
                day,
                "--cadre",
                "单丽",
                "--household",
                "1",
                "--form",
                "home",
            )
        )
        assert "不在任何活动年度的期间内" in result.err or "不在 2026 年活动的期间内" in result.err
        assert "2026-03-01 至 2026-12-31" in result.err


def test_a_visit_in_another_campaign_year_is_allowed(paired: Cli) -> None:
    ok(paired, "init", "--year", "2025")
    ok(
        paired,
        "visit",
        "add",
        "--date",
        "2025-06-01",
        "--cadre",
        "单丽",
        "--household",
        "1",
        "--form",
        "home",
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--cadre", "单丽", "--form", "home"), "请写明走访对象"),
        (
            ("--cadre", "单丽", "--household", "1", "--community", "1", "--form", "home"),
            "只能写一个",
        ),
        (("--household", "1", "--form", "home"), "--cadre"),
        (("--cadre", "单丽", "--household", "1"), "走访形式"),
        (("--cadre", "单丽", "--household", "1", "--form", "开会"), "入户走访(home)"),
        (("--cadre", "单丽", "--household", "1", "--form", "home", "--cards", "-1"), "联系卡张数"),
        (("--cadre", "无名氏", "--household", "1", "--form", "home"), "无名氏"),
        (("--cadre", "张伟", "--household", "1", "--form", "home"), "对应多条记录"),
        (("--cadre", "单丽", "--household", "没有这户", "--form", "home"), "没有这户"),
        (("--cadre", "单丽", "--household", "1", "--form", "home", "--date", "13-1"), "走访日期"),
    ],
)
def test_visit_add_refusals(
    paired: Cli, unchanged: Unchanged, args: tuple[str, ...], expected: str
) -> None:
    dated = () if "--date" in args else ("--date", "4-1")  # (an option is written once)
    result = unchanged(lambda: paired("visit", "add", *dated, *args))
    assert expected in result.err


def _several(cli: Cli) -> None:
    ok(
        cli,
        "visit",
        "add",
        "--date",
        "3-20",
        "--cadre",
        "单丽",
        "--household",
        "1",
        "--form",
        "home",
        "--diary",
        DIARY,
    )
    ok(cli, "visit", "add", "--date", "4-20", "--cadre", "1", "--enterprise", "1", "--form", "talk")
    ok(
        cli,
        "visit",
        "add",
        "--date",
        "5-20",
        "--cadre",
        "单丽",
        "--cadre",
        "张伟@综合科",
        "--community",
        "幸福社区",
        "--form",
        "card",
        "--cards",
        "30",
        "--diary",
        "发放联系卡三十张。",
    )


def test_list_filters_and_json(paired: Cli) -> None:
    _several(paired)
    rows = visits(paired)
    assert [r["id"] for r in rows] == [1, 2, 3]
    assert rows[2]["cadres"] == ["张伟", "单丽"] and rows[2]["cards"] == 30
    assert rows[0]["diary"] == DIARY
    assert [r["id"] for r in visits(paired, "--cadre", "单丽")] == [1, 3]
    assert [r["id"] for r in visits(paired, "--section", "办公室")] == [2]
    assert [r["id"] for r in visits(paired, "--section", "综合科")] == [1, 3]
    assert [r["id"] for r in visits(paired, "--household", "王秀英")] == [1]
    assert [r["id"] for r in visits(paired, "--enterprise", "1")] == [2]
    assert [r["id"] for r in visits(paired, "--community", "幸福社区")] == [3]
    assert [r["id"] for r in visits(paired, "--form", "发放联系卡")] == [3]
    assert [r["id"] for r in visits(paired, "--from", "4-1", "--to", "2026-05-01")] == [2]
    table = ok(paired, "visit", "list")
    assert "入户走访" in table.out and "…" in table.out  # the long diary is cut on screen
    csv = ok(paired, "visit", "list", "-f", "csv")
    assert "约定两周后回访" in csv.out  # files keep it whole


def test_edit_visit(paired: Cli, unchanged: Unchanged) -> None:
    _several(paired)
    ok(paired, "visit", "edit", "2", "--form", "phone", "--note", "电话回访")
    record = ok(paired, "visit", "show", "2", "-f", "json").json()
    assert record["form"] == "phone" and record["note"] == "电话回访"
    # a new target and new cadres replace the old; the unlinked cadre is warned about
    result = ok(paired, "visit", "edit", "2", "--household", "1", "--cadre", "曾强")
    assert "曾强" in result.err
    record = ok(paired, "visit", "show", "2", "-f", "json").json()
    assert record["target_kind"] == "household" and record["enterprise_id"] is None
    assert record["cadre_ids"] == [4]
    ok(paired, "visit", "edit", "1", "--diary", "")
    assert ok(paired, "visit", "show", "1", "-f", "json").json()["diary"] is None
    result = unchanged(lambda: paired("visit", "edit", "2"))
    assert "没有给出要修改的内容" in result.err
    result = unchanged(lambda: paired("visit", "edit", "2", "--date", "2026-01-05"))
    assert "不在 2026 年活动的期间内" in result.err and "--phase 1 --start 2026-01-05" in result.err
    result = unchanged(
        lambda: paired("visit", "edit", "2", "--community", "1", "--enterprise", "1")
    )
    assert "只能写一个" in result.err
    result = unchanged(lambda: paired("visit", "edit", "9", "--form", "home"))
    assert "没有编号为 9 的走访记录" in result.err


def test_remove_visit(paired: Cli, unchanged: Unchanged) -> None:
    _several(paired)
    ok(
        paired,
        "problem",
        "add",
        "--visit",
        "1",
        "--category",
        "就学",
        "--text",
        "上学路远",
        "--date",
        "3-21",
    )
    result = unchanged(lambda: paired("visit", "remove", "1"))
    assert "问题 1" in result.err and "--force" in result.err
    result = ok(paired, "visit", "remove", "2")
    assert "已删除走访 2" in result.out
    ok(paired, "visit", "remove", "1", "--force")
    assert [r["id"] for r in visits(paired)] == [3]
    problem = ok(paired, "problem", "show", "1", "-f", "json").json()
    assert problem["visit_id"] is None and problem["household_id"] == 1
    result = unchanged(lambda: paired("visit", "remove", "2"))
    assert "没有编号为 2" in result.err


def test_show_lists_problems_raised_on_the_visit(paired: Cli) -> None:
    _several(paired)
    ok(
        paired,
        "problem",
        "add",
        "--visit",
        "3",
        "--category",
        "公共设施",
        "--text",
        "路灯坏了",
        "--date",
        "5-20",
    )
    assert ok(paired, "visit", "show", "3", "-f", "json").json()["problem_ids"] == [1]
    table = ok(paired, "visit", "show", "3")
    assert "民情日记" in table.out and "发放联系卡三十张。" in table.out


def test_a_visit_dated_after_today_is_refused(paired: Cli, unchanged: Unchanged) -> None:
    """A visit is a past event: today (2026-06-15) is the latest date it may have."""
    add = ("visit", "add", "--cadre", "单丽", "--household", "1", "--form", "home")
    for day in ("2026-06-16", "2026-12-01", "2027-01-01"):
        result = unchanged(partial(paired, *add, "--date", day))
        assert f"“走访日期”{day} 晚于今天（2026-06-15）" in result.err
        assert "请改为 2026-06-15 或以前的日期" in result.err
    ok(paired, *add, "--date", "today")
    result = unchanged(lambda: paired("visit", "edit", "1", "--date", "7-1"))
    assert "“走访日期”2026-07-01 晚于今天" in result.err


def test_reversed_date_range_refused(paired: Cli) -> None:
    _several(paired)
    result = paired("visit", "list", "--from", "7-1", "--to", "6-1")
    assert result.code == 1 and result.out == ""
    assert "“开始日期”（--from）2026-07-01 晚于“结束日期”（--to）2026-06-01" in result.err
    assert [r["id"] for r in visits(paired, "--from", "4-20", "--to", "4-20")] == [2]


def test_the_forms_clerks_write_are_understood(cli: Cli) -> None:
    from sanlian.i18n.labels import VISIT_FORM, VISIT_FORM_WORDS, parse

    assert parse(VISIT_FORM, "座谈", "走访形式", VISIT_FORM_WORDS) == "talk"
    assert parse(VISIT_FORM, "上门", "走访形式", VISIT_FORM_WORDS) == "home"
    assert parse(VISIT_FORM, "入户走访", "走访形式", VISIT_FORM_WORDS) == "home"


def test_a_terminal_shows_the_first_visits_and_counts_them_all(
    paired: Cli, monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    """On a terminal only the first ``SCREEN_ROW_LIMIT`` visits are read (a city's million
    took 28 s and 2.6 GB), counted in SQL for the title and the note; a file gets them all."""
    from sanlian.cli import output

    _several(paired)
    ok(
        paired,
        "visit",
        "add",
        "--date",
        "5-21",
        "--cadre",
        "1",
        "--enterprise",
        "1",
        "--form",
        "talk",
    )
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: True)
    monkeypatch.setattr(output, "COUNT_ROWS", 1)
    monkeypatch.setattr(output, "SCREEN_ROW_LIMIT", 2)
    lines = ok(paired, "visit", "list").out.splitlines()
    assert lines[0] == "走访（4）"
    assert [line.split()[0] for line in lines[3:5]] == ["1", "2"] and len(lines) == 6
    assert lines[5].startswith("共 4 条，这里只列出前 2 条；")
    lines = ok(paired, "visit", "list", "--cadre", "单丽").out.splitlines()
    assert lines[0] == "走访（2）" and lines[-1] == "共 2 条。" and len(lines) == 6
    # what is filtered and how many: the same in SQL as the listing
    assert [r["id"] for r in visits(paired, "--enterprise", "1")] == [2, 4]
    from sanlian.db.engine import open_database
    from sanlian.services import visits as service

    db = open_database(location(db_path))
    try:
        with db.session() as session:
            assert service.listing_count(session) == 4
            may = dt.date(2026, 5, 1)
            assert service.listing_count(session, cadre="单丽", date_from=may) == 1
            assert [r["id"] for r in service.listing(session, limit=3)] == [1, 2, 3]
    finally:
        db.dispose()


def test_the_history_names_who_visited(paired: Cli) -> None:
    """The history (and undo's question) said 登记走访 1：2026-04-03 → 联系户“王秀英”: who went
    was missing, where the screen had said 2026-04-03 单丽、曾强 → 联系户“王秀英”."""
    ok(paired, "visit", "add", "--date", "2026-04-03", "--cadre", "单丽", "--cadre", "曾强",
       "--household", "王秀英", "--form", "入户走访")  # fmt: skip
    entry = ok(paired, "history", "--limit", "1", "-f", "json").json()[0]
    assert entry["summary"] == "登记走访 1：2026-04-03 单丽、曾强 → 联系户“王秀英”"


@pytest.mark.parametrize("written", ["无", "暂无。", "／", "—", " 没有 ", "N/A"])
def test_a_diary_that_says_there_is_none_is_none(paired: Cli, written: str) -> None:
    """A diary cell filled with 无, / or — (how a section fills an empty cell) is no diary:
    not counted among the diaries, and said; a diary that merely begins so is one."""
    add = ("visit", "add", "--date", "4-3", "--cadre", "单丽", "--household", "王秀英", "--form",
           "入户走访")  # fmt: skip
    result = ok(paired, *add, "--diary", written)
    assert f"民情日记写的是“{written.strip()}”，按没有日记处理" in result.err, result
    assert ok(paired, "visit", "show", "1", "-f", "json").json()["diary"] is None
    ok(paired, *add, "--diary", "无业，生活困难")  # a diary that begins with 无
    ok(paired, "visit", "edit", "2", "--diary", written)  # mended to nothing: cleared
    ok(paired, *add, "--diary", "无业，生活困难")
    figures = ok(paired, "selfcheck", "-f", "json").json()["figures"]
    assert (figures["visits"], figures["diaries"]) == (3, 1)  # hand count: visit 3 alone


def test_an_imported_diary_that_says_there_is_none_is_none(paired: Cli, tmp_path: Path) -> None:
    path = tmp_path / "走访.csv"
    path.write_text(
        "走访日期,走访干部,对象类型,走访对象,形式,民情日记\n"
        "2026-06-01,单丽,联系户,王秀英,入户走访,无\n"
        "2026-06-02,单丽,联系户,王秀英,入户走访,/\n"
        "2026-06-03,单丽,联系户,王秀英,入户走访,孩子上学路远\n",
        encoding="utf-8",
    )
    result = ok(paired, "visit", "import", path)
    assert result.err.count("按没有日记处理") == 2, result.err  # once a row
    assert "第 2 行：民情日记写的是“无”" in result.err
    assert ok(paired, "selfcheck", "-f", "json").json()["figures"]["diaries"] == 1
    again = ok(paired, "visit", "import", path)  # the same file: nothing changes, nothing said
    assert "按没有日记处理" not in again.err and "新增 0，更新 0，未变 3" in again.out + again.err


def test_show_writes_a_diarys_paragraphs_a_line_each(paired: Cli) -> None:
    """``visit show`` (含完整的民情日记): the diary's paragraphs on their own lines under 内容,
    as written, on the screen and in plain text; JSON keeps the line breaks."""
    from sanlian.cli.output import text_width

    ok(paired, "visit", "add", "--date", "4-3", "--cadre", "单丽", "--household", "王秀英",
       "--form", "入户走访", "--diary", DIARY)  # fmt: skip
    for fmt in ("table", "plain"):
        lines = ok(paired, "visit", "show", "1", "-f", fmt).out.splitlines()
        (at,) = [i for i, line in enumerate(lines) if line.startswith("民情日记")]
        assert lines[at].split(maxsplit=1)[1] == DIARY.splitlines()[0], lines
        assert lines[at + 1].strip() == DIARY.splitlines()[1], lines
        under = text_width(lines[at][: lines[at].index("入")])  # the 内容 column's
        assert text_width(lines[at + 1][: lines[at + 1].index("约")]) == under, lines
    assert ok(paired, "visit", "show", "1", "-f", "json").json()["diary"] == DIARY


def test_an_imported_diary_saying_none_leaves_the_diary_on_file(
    paired: Cli, tmp_path: Path, db_path: Path
) -> None:
    """A section's sheet with 无 in the diary cell of a visit on file: as a blank cell, the
    diary on file is kept (never cleared, the row never refused as an edit of nothing); a
    visit stored with 无 by an older version is unchanged by the same sheet."""
    ok(paired, "visit", "add", "--date", "6-1", "--cadre", "单丽", "--household", "王秀英",
       "--form", "入户走访", "--diary", "旧日记")  # fmt: skip
    path = tmp_path / "走访.csv"
    path.write_text(
        "走访日期,走访干部,对象类型,走访对象,形式,联系卡,民情日记\n"
        "2026-06-01,单丽,联系户,王秀英,入户走访,,（无）\n",
        encoding="utf-8",
    )
    result = ok(paired, "visit", "import", path)
    assert "新增 0，更新 0，未变 1" in result.out + result.err, result
    assert ok(paired, "visit", "show", "1", "-f", "json").json()["diary"] == "旧日记"
    path.write_text(path.read_text(encoding="utf-8").replace(",,（无）", ",2,（无）"), "utf-8")
    result = ok(paired, "visit", "import", path)  # another change beside it: only that one
    assert "更新 1" in result.out + result.err and "民情日记" not in result.out, result
    record = ok(paired, "visit", "show", "1", "-f", "json").json()
    assert (record["cards"], record["diary"]) == (2, "旧日记")
    execute_sql(db_path, "UPDATE visit SET diary = '无' WHERE id = 1")  # as stored before
    result = ok(paired, "visit", "import", path)
    assert "新增 0，更新 0，未变 1" in result.out + result.err, result


def test_a_visit_whose_cadre_another_program_deleted_is_said(base: Cli, db_path: Path) -> None:
    # the names of a listing's cadres are looked up for its rows (a city's roster of 5,000 is
    # read only past a few thousand visits): a cadre gone from under a visit is said, as before
    for cadre in ("单丽", "曾强"):
        added = base(
            "visit", "add", "--cadre", cadre, "--household", "1", "--form", "home", "--date", "6-1"
        )
        assert added.code == 0, added
    execute_sql(db_path, "DELETE FROM cadre WHERE name = '曾强'")
    for args in (("visit", "show", "2"), ("visit", "list", "-f", "plain")):
        said = base(*args)
        assert said.code == 1, said
        assert "走访 2 的走访干部（干部编号" in said.err and "已不存在" in said.err, said
    shown = base("visit", "show", "1", "-f", "json")
    assert shown.code == 0 and shown.json()["cadres"] == ["单丽"], shown
