"""The registry as a clerk types it: add, list, show, edit, remove; references; refusals."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from stdnum.cn import ric

from tests.conftest import Cli, dump


def make_id(area: str, birth: str, seq: int) -> str:
    body = f"{area}{birth}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


MALE_ID = make_id("371302", "19800101", 123)


def test_init_creates_the_seed_phases(cli: Cli) -> None:
    result = cli("init", "--year", "2026")
    assert result.code == 0, result
    data = cli("campaign", "show", "-f", "json").json()
    assert [(p["key"], p["start"], p["end"]) for p in data["phases"]] == [
        ("mobilise", "2026-03-01", "2026-03-31"),
        ("implement", "2026-03-01", "2026-11-30"),
        ("summarise", "2026-11-01", "2026-12-31"),
    ]
    assert data["settings"]["problem_days"] == 30
    assert data["current_phases"] == ["implement"]  # tests run on 2026-06-15


def test_init_twice_is_refused(cli: Cli, unchanged) -> None:  # type: ignore[no-untyped-def]
    assert cli("init", "--year", "2026").code == 0
    result = unchanged(lambda: cli("init", "--year", "2026"))
    assert "已经建立" in result.err


def test_init_year_zero_is_refused_not_taken_as_this_year(cli: Cli, unchanged) -> None:  # type: ignore[no-untyped-def]
    result = unchanged(lambda: cli("init", "--year", "0"))
    assert result.code == 1
    assert "“年度”“0”不对" in result.err


def test_init_year_out_of_range_names_the_range(cli: Cli, unchanged) -> None:  # type: ignore[no-untyped-def]
    result = unchanged(lambda: cli("init", "--year", "1999"))
    assert result.err.strip() == "“年度”“1999”不对，请写 2000 至 2100 年之间的年份，如 2026。"


def test_blank_unit_or_campaign_name_is_refused(cli: Cli, unchanged) -> None:  # type: ignore[no-untyped-def]
    result = unchanged(lambda: cli("init", "--year", "2026", "--unit", "  "))
    assert result.code == 1 and "“单位”不能为空" in result.err
    assert cli("init", "--year", "2026", "--unit", " 市企业局 ").code == 0
    assert cli("campaign", "show", "-f", "json").json()["unit"] == "市企业局"
    for option, field in (("--unit", "单位"), ("--name", "活动名称")):
        result = unchanged(lambda option=option: cli("campaign", "set", option, ""))
        assert result.code == 1 and f"“{field}”不能为空" in result.err, result
    assert cli("campaign", "set", "--unit", " 企业局").code == 0
    assert cli("campaign", "show", "-f", "json").json()["unit"] == "企业局"


def test_phase_named_as_progress_names_it(cli: Cli) -> None:
    assert cli("init", "--year", "2026").code == 0
    assert cli("campaign", "set", "--phase", "第三阶段", "--start", "2026-10-15").code == 0
    phases = cli("campaign", "show", "-f", "json").json()["phases"]
    assert [(p["key"], p["start"]) for p in phases][2] == ("summarise", "2026-10-15")


def test_numbers_typed_full_width_are_numbers(cli: Cli) -> None:
    """１, ２０２７: typed with the Chinese input method on."""
    assert cli("init", "--year", "２０２７").code == 0
    assert cli("campaign", "show", "--year", "2027", "-f", "json").json()["year"] == 2027
    assert cli("campaign", "set", "--year", "2027", "--time-limit", "３０").code == 0
    assert cli("section", "add", "办公室").code == 0
    assert cli("section", "show", "１", "-f", "json").json()["name"] == "办公室"
    result = cli("visit", "show", "１x")
    assert result.code == 1 and result.err.startswith("走访编号的值不对：应为整数。")


def test_red_card_before_yellow_card_is_refused(cli: Cli, unchanged) -> None:  # type: ignore[no-untyped-def]
    cli("init", "--year", "2026")
    result = unchanged(lambda: cli("campaign", "set", "--yellow", "5", "--red", "3"))
    assert result.code == 1
    assert "“超期多少天亮红牌”（3）不能少于“超期多少天亮黄牌”（5）" in result.err
    # Each alone is checked against the other's stored value (yellow 0, red 15).
    assert unchanged(lambda: cli("campaign", "set", "--yellow", "16")).code == 1
    assert cli("campaign", "set", "--yellow", "15").code == 0
    settings = cli("campaign", "show", "-f", "json").json()["settings"]
    assert (settings["yellow_days"], settings["red_days"]) == (15, 15)


def test_campaign_set_moves_a_phase_and_a_rule(cli: Cli, unchanged) -> None:  # type: ignore[no-untyped-def]
    cli("init", "--year", "2026")
    assert (
        cli("campaign", "set", "--phase", "总结", "--start", "11-15", "--time-limit", "20").code
        == 0
    )
    data = cli("campaign", "show", "-f", "json").json()
    assert data["phases"][2]["start"] == "2026-11-15"
    assert data["settings"]["problem_days"] == 20
    result = unchanged(lambda: cli("campaign", "set", "--phase", "2", "--start", "12-01"))
    assert "晚于" in result.err
    result = unchanged(lambda: cli("campaign", "set", "--phase", "2", "--end", "2027-01-05"))
    assert "2026" in result.err
    result = unchanged(lambda: cli("campaign", "set", "--phase", "4", "--end", "11-01"))
    assert "阶段" in result.err
    result = unchanged(lambda: cli("campaign", "set", "--phase", "3"))  # which, but not when
    assert result.err == (
        "给了阶段“3”（--phase），却没有给它的日期；请写上 --start 开始日期 和（或）--end 结束日期，"
        "如 sanlian campaign set --phase 3 --start 2026-11-15 --end 2026-12-31"
        "（现为 2026-11-15 至 2026-12-31）。\n"
    )
    result = unchanged(lambda: cli("campaign", "set", "--phase", "1", "--name", "新名"))
    assert "却没有给它的日期" in result.err  # the whole command refused, the name too
    result = unchanged(lambda: cli("campaign", "set", "--phase", "9"))  # no such phase first
    assert "阶段" in result.err and "却没有给它的日期" not in result.err


def test_cadre_found_by_pinyin_initials_and_name_at_section(base: Cli) -> None:
    # Two 张伟 exist (办公室 and 综合科): every bare reference is ambiguous …
    for ref in ("张伟", "zhangwei", "zw"):
        result = base("cadre", "show", ref)
        assert result.code == 1
        assert "[1] 张伟（办公室）" in result.err and "[2] 张伟（综合科）" in result.err
    # … and 姓名@科室 or the number tells them apart.
    assert base("cadre", "show", "张伟@办公室", "-f", "json").json()["id"] == 1
    assert base("cadre", "show", "zw@zhk", "-f", "json").json()["id"] == 2
    assert base("cadre", "show", "2", "-f", "json").json()["section"] == "综合科"


def test_polyphonic_surnames_are_found_by_every_reading(base: Cli) -> None:
    for ref in ("danli", "shanli", "dl", "sl"):
        assert base("cadre", "show", ref, "-f", "json").json()["name"] == "单丽", ref
    for ref in ("zengqiang", "zq", "cengqiang"):
        assert base("cadre", "show", ref, "-f", "json").json()["name"] == "曾强", ref


def test_readings_no_name_has_find_nobody(base: Cli, db_path: Path) -> None:
    """方 is also wang in pypinyin (方良), 于 also xu, 董 also zhong: kept as keys, they made
    ``wangzhiqiang`` (a household not on file) find 方志强, and a visit went to him."""
    for name in ("方志强", "于杰", "董桂英"):
        assert base("household", "add", name, "--community", "幸福社区").code == 0
    assert base("household", "show", "fangzhiqiang", "-f", "json").json()["name"] == "方志强"
    for ref in ("wangzhiqiang", "xujie", "weijie", "zhongguiying", "pangzhiqiang"):
        result = base("visit", "add", "--cadre", "单丽", "--household", ref)
        assert result.code == 1 and f"找不到联系户“{ref}”" in result.err, ref
    assert base("visit", "list", "-f", "json").json() == []


@pytest.mark.sqlite_only(reason="writes the old keys into the SQLite file directly")
def test_the_keys_written_before_are_worked_out_again(base: Cli, db_path: Path) -> None:
    """Migration 6 replaces the keys of every reading pypinyin knows with the name readings."""
    import sqlite3

    from sanlian.services.pinyin import keys

    assert base("household", "add", "方志强", "--community", "幸福社区").code == 0
    con = sqlite3.connect(db_path)
    with con:
        (hid,) = con.execute("select id from household where name = '方志强'").fetchone()
        con.execute(
            "insert into search_key (kind, ref_id, key) values ('household', ?, 'wangzhiqiang')",
            (hid,),
        )
        con.execute("delete from schema_migrations where version = 6")
    con.close()
    assert base("household", "show", "wangzhiqiang").code == 1  # migrated first, then looked up
    con = sqlite3.connect(db_path)
    try:
        stored: dict[tuple[str, int], set[str]] = {}
        for kind, ref_id, key in con.execute("select kind, ref_id, key from search_key"):
            stored.setdefault((kind, ref_id), set()).add(key)
        for kind in ("section", "cadre", "community", "enterprise", "household"):
            for ref_id, name in con.execute(f"select id, name from {kind}"):
                assert stored.pop((kind, ref_id), set()) == keys(name), name
        assert stored == {}
    finally:
        con.close()


def test_unknown_reference_says_where_to_look(base: Cli) -> None:
    result = base("cadre", "show", "李白")
    assert result.code == 1
    assert "找不到干部“李白”" in result.err and "sanlian cadre list" in result.err


def test_cadre_list_json_parses_and_masks(base: Cli) -> None:
    rows = base("cadre", "list", "-f", "json").json()
    assert [r["name"] for r in rows] == ["张伟", "张伟", "单丽", "曾强"]
    assert rows[0]["phone"] == "138****5678"
    assert rows[0]["role"] == "head" and rows[0]["is_leader"] is True
    revealed = base("cadre", "list", "-f", "json", "--reveal").json()
    assert revealed[0]["phone"] == "13812345678"


def test_id_numbers_masked_everywhere_unless_revealed(base: Cli) -> None:
    assert base("cadre", "edit", "曾强", "--id-number", MALE_ID).code == 0
    for fmt in ("plain", "markdown", "csv", "json"):
        out = base("cadre", "list", "-f", fmt).out
        assert MALE_ID not in out, fmt
        assert "371302********" in out, fmt
    assert MALE_ID in base("cadre", "show", "曾强", "--reveal").out


def test_gender_taken_from_the_id_number(base: Cli) -> None:
    assert base("cadre", "add", "李明", "--section", "办公室", "--id-number", MALE_ID).code == 0
    assert base("cadre", "show", "李明", "-f", "json").json()["gender"] == "male"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (
            ("cadre", "add", "李明", "--section", "办公室", "--id-number", "110105194912310021"),
            "身份证号码",
        ),
        (
            (
                "cadre",
                "add",
                "李明",
                "--section",
                "办公室",
                "--gender",
                "女",
                "--id-number",
                MALE_ID,
            ),
            "身份证号码",
        ),
        (("cadre", "add", "李明", "--section", "办公室", "--phone", "1381234567"), "手机号码"),
        (("cadre", "add", "李明", "--section", "办公室", "--gender", "男女"), "性别"),
        (("cadre", "add", "李明", "--section", "办公室", "--party", "党员吧"), "政治面貌"),
        (("cadre", "add", "李明", "--section", "办公室", "--role", "主任"), "领导小组职务"),
        (("cadre", "add", "李明", "--section", "不存在科"), "科室"),
        (("cadre", "add", " ", "--section", "办公室"), "姓名"),
        (("enterprise", "add", "某公司", "--uscc", "91350100M000100Y44"), "统一社会信用代码"),
        (("community", "add", "某社区", "--kind", "镇"), "类别"),
        (("household", "add", "李四", "--community", "幸福社区", "--members", "0"), "家庭人口"),
        (
            ("household", "add", "李四", "--community", "幸福社区", "--id-number", "12345"),
            "身份证号码",
        ),
        (("household", "add", "李四", "--community", "没有的社区"), "社区"),
    ],
)
def test_each_bad_field_is_refused_with_nothing_written(base: Cli, unchanged, args, field) -> None:  # type: ignore[no-untyped-def]
    result = unchanged(lambda: base(*args))
    assert field in result.err
    assert len(result.err.strip().splitlines()) == 1  # one sentence


def test_duplicates_are_refused(base: Cli, unchanged) -> None:  # type: ignore[no-untyped-def]
    assert "已存在" in unchanged(lambda: base("section", "add", "办公室")).err
    assert "已存在" in unchanged(lambda: base("cadre", "add", "曾强", "--section", "办公室")).err
    assert (
        "相同"
        in unchanged(
            lambda: base("enterprise", "add", "另一家", "--uscc", "91350100M000100Y43")
        ).err
    )
    base("household", "edit", "王秀英", "--id-number", MALE_ID)
    assert (
        "同一人"
        in unchanged(
            lambda: base(
                "household", "add", "王大", "--community", "前河湾村", "--id-number", MALE_ID
            )
        ).err
    )


def test_edit_changes_only_what_is_given(base: Cli) -> None:
    assert base("cadre", "edit", "曾强", "--role", "办公室", "--title", "科员").code == 0
    row = base("cadre", "show", "曾强", "-f", "json").json()
    assert (row["role"], row["title"], row["section"], row["party"]) == (
        "office",
        "科员",
        "办公室",
        "masses",
    )
    assert base("cadre", "edit", "曾强", "--role", "").code == 0
    assert base("cadre", "show", "曾强", "-f", "json").json()["role"] is None
    assert "没有给出" in base("cadre", "edit", "曾强").err


def test_role_shown_in_cadre_list(base: Cli) -> None:
    base("cadre", "edit", "单丽", "--role", "副组长")
    out = base("cadre", "list", "-f", "plain").out
    assert "组长" in out and "副组长" in out


def test_remove_refuses_while_referenced_and_force_retires(base: Cli, unchanged) -> None:  # type: ignore[no-untyped-def]
    result = unchanged(lambda: base("community", "remove", "幸福社区"))
    assert "1 户联系户" in result.err and "--force" in result.err
    assert base("community", "remove", "幸福社区", "--force").code == 0
    assert "幸福社区" not in base("community", "list").out
    assert "幸福社区" in base("community", "list", "--all").out
    shown = base("community", "show", "幸福社区", "-f", "json").json()
    assert shown["retired_on"] == "2026-06-15" and shown["uses"] == {"household": 1}
    # its record may still be corrected, said to be retired
    result = base("community", "edit", "幸福社区", "--grid", "第五网格")
    assert result.code == 0 and result.err.strip() == (
        "提示：社区(村)“幸福社区”（编号 1）已于 2026-06-15 停用，这次只改了登记的信息；"
        "2026-06-15 以后的进度和统计都不算它。"
    )
    # a retired record cannot be used for new records
    refused = unchanged(lambda: base("household", "add", "赵六", "--community", "幸福社区"))
    assert "已停用" in refused.err


def test_remove_on_a_past_day(base: Cli, unchanged, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A cadre who left in May, recorded in June: off the roster and unlinked from that day,
    so the figures of the days between count them no more; refused if anything of theirs is
    dated later."""
    from tests.test_journal import data_dump

    for args in [
        ("link", "community", "--section", "综合科", "--community", "幸福社区", "--from", "3-1"),
        ("link", "household", "--cadre", "单丽", "--household", "王秀英", "--from", "3-1"),
        ("visit", "add", "--date", "5-20", "--cadre", "单丽", "--household", "王秀英", "--form", "入户走访"),
        ("problem", "add", "--household", "王秀英", "--owner", "单丽", "--text", "看病难",
         "--category", "就医", "--date", "5-18"),
    ]:  # fmt: skip
        assert base(*args).code == 0, args
    before = data_dump(db_path)
    result = unchanged(lambda: base("cadre", "remove", "单丽", "--force", "--date", "5-10"))
    assert result.err.strip() == (
        "停用日期 2026-05-10 是干部“单丽”（编号 3）不再在册的第一天，但其在 2026-05-20 还有记录"
        "（走访）；请写 2026-05-21 或以后的日期，或先改正那条记录。"
    )
    # the day of the last visit is still a day on the roster: not the leaving day
    result = unchanged(lambda: base("cadre", "remove", "单丽", "--force", "--date", "5-20"))
    assert "请写 2026-05-21 或以后的日期" in result.err
    result = unchanged(lambda: base("cadre", "remove", "单丽", "--force", "--date", "6-16"))
    assert "“停用日期（--date）”2026-06-16 晚于今天" in result.err
    result = unchanged(lambda: base("household", "remove", "王秀英", "--force", "--date", "5-19"))
    assert (
        "联系户“王秀英”（编号 1）不再在册的第一天，但其在 2026-05-20 还有记录（走访）" in result.err
    )

    def cadres(day: str) -> int:
        figures = base("selfcheck", "--as-of", day, "-f", "json").json()["figures"]
        return int(figures["cadres_total"])

    assert (cadres("5-30"), cadres("6-10")) == (4, 4)
    result = base("cadre", "remove", "单丽", "--force", "--date", "5-31")
    assert result.code == 0 and "已停用干部“单丽”（编号 3）" in result.out
    assert "sanlian problem edit 1 --owner 新责任人 --date 2026-05-31" in result.err
    assert base("cadre", "show", "单丽", "-f", "json").json()["retired_on"] == "2026-05-31"
    links = base("link", "list", "--all", "-f", "json").json()
    assert [(r["kind"], r["end_on"]) for r in links] == [
        ("community", None),
        ("household", "2026-05-30"),  # the day before the first day off the roster
    ]
    # on 05-31 neither the cadre nor the pair is counted; on 05-30 both are
    active = base("link", "list", "--as-of", "5-31", "-f", "json").json()
    assert [r["kind"] for r in active] == ["community"]
    assert [r["kind"] for r in base("link", "list", "--as-of", "5-30", "-f", "json").json()] == [
        "community",
        "household",
    ]
    assert (cadres("5-30"), cadres("6-10")) == (4, 3)  # hand count: 4 on the roster, 单丽 left
    assert base("undo", "--yes").code == 0
    assert data_dump(db_path) == before
    # nothing refers to it: with a day it left (even without --force) it is kept, retired then
    result = base("community", "remove", "前河湾村", "--date", "5-1")
    assert result.code == 0 and "已停用社区(村)“前河湾村”" in result.out, result
    shown = base("community", "list", "--all", "-f", "json").json()
    assert [r["retired_on"] for r in shown if r["name"] == "前河湾村"] == ["2026-05-01"]
    again = base("community", "remove", "前河湾村", "--date", "5-2")  # retired already
    assert again.code == 1 and again.err.strip() == (
        "社区(村)“前河湾村”（编号 2）已于 2026-05-01 停用，没有被任何记录引用；"
        "要删除它请不写 --date，要清除其个人信息请加 --purge。"
    ), again
    # without a day: deleted, as before
    assert base("community", "restore", "前河湾村").code == 0
    result = base("community", "remove", "前河湾村")
    assert result.code == 0 and "已删除社区(村)“前河湾村”" in result.out, result
    assert "前河湾村" not in base("community", "list", "--all").out


def test_retiring_today_one_who_worked_today_takes_effect_tomorrow(base: Cli, unchanged) -> None:  # type: ignore[no-untyped-def]
    """Today is not the first day off the roster of a cadre (household) with a record of
    today: retired without --date, it is on the roster for today and off from tomorrow (its
    links end today), as with a --date of today; an earlier one is refused naming that record."""
    for args in [
        ("link", "community", "--section", "综合科", "--community", "幸福社区", "--from", "3-1"),
        ("link", "household", "--cadre", "单丽", "--household", "王秀英", "--from", "3-1"),
        ("visit", "add", "--date", "6-15", "--cadre", "单丽", "--household", "王秀英", "--form", "入户走访"),
    ]:  # fmt: skip
        assert base(*args).code == 0, args
    result = unchanged(lambda: base("cadre", "remove", "单丽", "--force", "--date", "6-1"))
    assert "其今天（2026-06-15）还有记录（走访）" in result.err and "请不写 --date" in result.err
    result = base("cadre", "remove", "单丽", "--force")
    assert result.code == 0 and "已停用干部“单丽”（编号 3）" in result.out, result
    assert result.err.strip().splitlines() == [
        "干部“单丽”（编号 3）今天（2026-06-15）还有记录（走访），停用日期记为明天（2026-06-16）："
        "今天的记录和统计仍算其在册，其联系到今天为止；从现在起不能再给其新的联系或问题。",
        # the household she was paired with has nobody now: to be paired again (from today)
        "“单丽”停用后，1 户联系户没有结对干部了：“王秀英”；请另选干部结对，"
        "如 sanlian link household --cadre 干部 --household 1 --from 2026-06-15。",
    ]
    assert base("cadre", "show", "单丽", "-f", "json").json()["retired_on"] == "2026-06-16"
    links = base("link", "list", "--all", "-f", "json").json()
    assert [(r["kind"], r["end_on"]) for r in links] == [
        ("community", None),
        ("household", "2026-06-15"),
    ]
    figures = base("selfcheck", "--as-of", "6-15", "-f", "json").json()["figures"]
    assert figures["cadres_total"] == 4  # hand count: 单丽 still on the roster today
    # today's work may still be written; tomorrow's is refused
    again = base("visit", "add", "--date", "6-15", "--cadre", "单丽", "--household", "王秀英",
                 "--form", "座谈")  # fmt: skip
    assert again.code == 0, again
    assert base("db", "check").code == 0


def test_remove_unreferenced_deletes(base: Cli) -> None:
    assert base("community", "remove", "前河湾村").code == 0
    assert "前河湾村" not in base("community", "list", "--all").out
    assert base("community", "show", "qhwc").code == 1


def test_household_list_by_community(base: Cli) -> None:
    base("household", "add", "李四", "--community", "前河湾村")
    rows = base("household", "list", "--community", "前河湾村", "-f", "json").json()
    assert [r["name"] for r in rows] == ["李四"]
    assert rows[0]["community"] == "前河湾村"


def test_every_listing_format(base: Cli, tmp_path: Path) -> None:
    from wcwidth import wcswidth

    plain = base("cadre", "list", "-f", "plain").out.splitlines()
    header = next(line for line in plain if line.startswith("编号"))
    rule = plain[plain.index(header) + 1]
    # Chinese columns are aligned by display width: the dashes under 科室 start where the
    # header's 科室 starts, counted in screen columns.
    assert wcswidth(header[: header.index("科室")]) == rule.index("-", rule.index(" ", 10))
    md = base("cadre", "list", "-f", "markdown").out
    assert md.splitlines()[2].startswith("|") and "| 姓名" in md
    csv_out = base("cadre", "list", "-f", "csv").out
    assert list(csv.reader(io.StringIO(csv_out)))[0][:2] == ["编号", "姓名"]
    target = tmp_path / "干部.csv"
    assert base("cadre", "list", "-o", target).code == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it
    json_target = tmp_path / "干部.json"
    base("cadre", "list", "-o", json_target)
    assert len(json.loads(json_target.read_text(encoding="utf-8"))) == 4


def test_markdown_columns_line_up_by_display_width(base: Cli) -> None:
    from wcwidth import wcswidth

    md = base("section", "list", "-f", "markdown").out.strip().splitlines()
    table = [line for line in md if line.startswith("|")]
    assert len({wcswidth(line) for line in table}) == 1


def test_journal_keeps_the_operator(base: Cli, db_path: Path) -> None:
    from tests.conftest import rows_of

    rows = rows_of(db_path, "select operator, command from journal order by id")
    assert rows[0] == ("测试员", "init")
    assert ("测试员", "cadre add") in rows


def test_usage_errors_are_chinese_with_exit_2(cli: Cli) -> None:
    result = cli("cadre", "add", "张三", "--sectoin", "x")
    assert result.code == 1 and "没有选项" in result.err
    result = cli("cadre", "add", "张三")
    assert result.code == 1 and "--section" in result.err and "缺少" in result.err
    result = cli("cadre", "list", "-f", "xml")
    assert result.code == 1 and "-f" in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    ("args", "switch", "help_of"),
    [
        (("problem", "add", "--conflict=yes"), "--conflict", "sanlian problem add"),
        (("cadre", "list", "--reveal=1"), "--reveal", "sanlian cadre list"),
        (("--debug=1", "cadre", "list"), "--debug", "sanlian"),  # the program's own switch
    ],
)
def test_a_switch_given_a_value_is_told_in_chinese(
    cli: Cli, args: tuple[str, ...], switch: str, help_of: str
) -> None:
    result = cli(*args)
    assert result.code == 1
    assert result.err == (
        f"{switch} 是开关，不带值：要它就只写 {switch}（不写 =…），不要就不写。"
        f"用 {help_of} --help 查看用法。\n"
    )


def test_a_paired_switch_given_a_value_names_its_other_side(base: Cli) -> None:
    """``problem edit --conflict=no``: leaving it out would keep the mark, so the sentence
    names ``--no-conflict``."""
    for typed, other in (("--conflict=no", "--no-conflict"), ("--no-conflict=1", "--conflict")):
        result = base("problem", "edit", "1", typed)
        assert result.code == 1
        switch = typed.split("=")[0]
        assert result.err.startswith(
            f"{switch} 是开关，不带值：要它就写 {switch}，不要就写 {other}。"
        )


@pytest.mark.sqlite_only(reason="no database file yet; a server database always exists")
def test_reading_before_init_says_to_init(cli: Cli, db_path: Path) -> None:
    result = cli("cadre", "list")
    assert result.code == 1 and "sanlian init" in result.err
    assert not db_path.exists()


def test_impossible_date_in_a_command_is_refused(cli: Cli, unchanged) -> None:  # type: ignore[no-untyped-def]
    cli("init", "--year", "2022")
    result = unchanged(
        lambda: cli("campaign", "set", "--year", "2022", "--phase", "1", "--start", "2022-02-30")
    )
    assert "开始日期" in result.err and "2022 年 2 月没有 30 日" in result.err


def test_listing_to_excel_keeps_numbers_and_masks(base: Cli, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "干部.xlsx"
    assert base("cadre", "list", "-o", target).code == 0
    sheet = load_workbook(target).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0][:3] == ["编号", "姓名", "科室"]
    assert rows[1][0] == 1 and rows[1][1] == "张伟"  # numbers stay numbers
    assert "138****5678" in rows[1]


def test_listing_refuses_a_file_it_cannot_write(base: Cli, tmp_path: Path) -> None:
    result = base("cadre", "list", "-o", tmp_path / "干部.pdf")
    assert result.code == 1 and "后缀" in result.err and ".xlsx" in result.err
    result = base("cadre", "list", "-o", tmp_path / "没有的文件夹" / "干部.csv")
    assert result.code == 1 and "不存在" in result.err
    assert not (tmp_path / "没有的文件夹").exists()


def test_bad_values_of_options_are_explained_in_chinese(base: Cli) -> None:
    result = base("cadre", "list", "-f", "xml")
    assert result.code == 1 and "只能是 table、plain、markdown、csv、json 之一" in result.err
    result = base("campaign", "set", "--time-limit", "0")
    assert result.code == 1 and "应不小于 1" in result.err
    result = base("cadre", "show", "")
    assert result.code == 1


def test_retiring_a_cadre_with_open_problems_says_so(base: Cli) -> None:
    base(
        "problem",
        "add",
        "--community",
        "幸福社区",
        "--category",
        "公共设施",
        "--text",
        "路灯",
        "--owner",
        "曾强",
        "--date",
        "2026-06-01",
    )
    result = base("cadre", "remove", "曾强", "--force")
    assert result.code == 0, result
    assert "1 个未办结的问题（编号 1）" in result.err and "problem edit 1 --owner" in result.err


def test_namesakes_told_apart_by_qualifier(base: Cli, unchanged) -> None:  # type: ignore[no-untyped-def]
    # a second 幸福社区 without a township would be indistinguishable: refused
    assert "已存在" in unchanged(lambda: base("community", "add", "幸福社区")).err
    assert base("community", "add", "幸福社区", "--town", "柳青街道").code == 0
    result = base("community", "show", "幸福社区")
    assert result.code == 1 and "名称@乡镇(街道)" in result.err
    assert base("community", "show", "幸福社区@柳青街道", "-f", "json").json()["id"] == 3
    assert base("household", "add", "王秀英", "--community", "幸福社区@柳青街道").code == 0
    result = base("household", "show", "王秀英")
    assert result.code == 1 and "户主姓名@社区(村)" in result.err
    assert base("household", "show", "王秀英@3", "-f", "json").json()["community_id"] == 3


def test_markdown_cells_keep_bars_and_line_breaks_inside(base: Cli) -> None:
    base("household", "edit", "王秀英", "--needs", "就业|就学\n第二行")
    md = base("household", "list", "-f", "markdown").out
    row = next(line for line in md.splitlines() if "王秀英" in line)
    assert "就业\\|就学<br>第二行" in row
    header = next(line for line in md.splitlines() if line.startswith("| 编号"))
    assert row.count(" | ") == header.count(" | ")  # the escaped bar is not a new column


def test_retiring_a_section_with_cadres_says_so(base: Cli) -> None:
    result = base("section", "remove", "综合科", "--force")
    assert result.code == 0 and "2 名在册干部" in result.err


def test_missing_argument_is_named(cli: Cli) -> None:
    result = cli("cadre", "add")
    assert result.code == 1 and "缺少必填的姓名" in result.err


def test_refusals_mask_the_numbers_they_quote(base: Cli) -> None:
    result = base("cadre", "add", "甲", "--section", "办公室", "--id-number", "371302198001011238")
    assert result.code == 1 and "371302198001011238" not in result.err
    assert "371302********1238" in result.err


def test_show_gives_the_note_the_listing_leaves_out(base: Cli) -> None:
    assert base("cadre", "edit", "曾强", "--note", "借调市里").code == 0
    assert base("household", "edit", "王秀英", "--note", "独居老人").code == 0
    cadre = base("cadre", "show", "曾强", "-f", "plain").out
    assert "备注        借调市里" in cadre
    assert "独居老人" in base("household", "show", "王秀英", "-f", "plain").out
    assert base("community", "show", "幸福社区", "-f", "plain").out.count("备注") == 1


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        (("--operator", "李四"), "--operator 要写在命令前面，如 sanlian --operator … cadre list。"),
        (("--db=x.db",), "--db 要写在命令前面，如 sanlian --db … cadre list。"),
        (("--debug",), "--debug 要写在命令前面，如 sanlian --debug cadre list。"),
    ],
)
def test_a_program_option_after_the_command_is_told_where_it_goes(
    base: Cli, typed: tuple[str, ...], said: str
) -> None:
    result = base("cadre", "list", *typed)
    assert result.code == 1 and result.err.startswith(said), result.err
    assert "李四" not in result.err


def test_campaign_set_refuses_phases_that_leave_records_outside(base: Cli, db_path: Path) -> None:
    """Visits and problems must fall inside their year's campaign (as they are written): a
    change of the phases that would leave some outside is refused, saying how wide the
    campaign must stay; within that it is made."""
    from tests.conftest import dump

    steps = [
        ("visit", "add", "--date", "5-20", "--cadre", "单丽", "--household", "王秀英",
         "--form", "phone"),
        ("visit", "add", "--date", "3-2", "--cadre", "单丽", "--household", "王秀英",
         "--form", "phone"),
        ("campaign", "set", "--phase", "2", "--start", "3-10"),  # the span still starts 3-1
    ]  # fmt: skip
    for step in steps:
        assert base(*step).code == 0
    before = dump(db_path)
    result = base("campaign", "set", "--phase", "1", "--start", "3-5")
    assert result.code == 1
    assert result.err.strip() == (
        "改后活动期间为 2026-03-05 至 2026-12-31，已登记的 1 次走访（2026-03-02）将落在期间之外，"
        "未修改；请把期间放宽到至少 2026-03-02 至 2026-12-31，走访的日期也可先用 visit edit 改正。"
    ), result.err
    assert dump(db_path) == before
    problem = ("problem", "add", "--household", "王秀英", "--category", "就学", "--text", "远",
               "--owner", "单丽", "--date", "3-3")  # fmt: skip
    assert base(*problem).code == 0
    result = base("campaign", "set", "--phase", "1", "--start", "3-5")
    assert result.code == 1
    assert "已登记的 1 次走访、1 件问题（2026-03-02 至 2026-03-03）将落在期间之外" in result.err
    assert base("campaign", "set", "--phase", "1", "--start", "3-2").code == 0
    assert "2026-03-02 至 2026-12-31" in base("campaign", "show").out


def test_the_leading_group_has_one_head(base: Cli, db_path: Path, tmp_path: Path) -> None:
    """张伟@办公室 is 组长 (the ``base`` roster): a second head is refused on add, edit and
    import, saying who the head is and how to change; a file that makes the head a deputy
    may name another head after that line, not two."""
    from tests.conftest import dump
    from tests.test_import_registry import write_csv

    said = (
        "领导小组组长已是“张伟”（编号 1），组长只有一名；如要更换，请先把原组长改为其他职务"
        "（如 sanlian cadre edit 1 --role 副组长），或不给这位干部组长职务。"
    )
    before = dump(db_path)
    for args in (
        ("cadre", "add", "李建国", "--section", "办公室", "--role", "组长"),
        ("cadre", "edit", "单丽", "--role", "head"),
    ):
        result = base(*args)
        assert result.code == 1 and result.err.strip() == said, result
    two = [["姓名", "科室", "领导小组职务"], ["赵六", "办公室", "组长"]]
    result = base("cadre", "import", write_csv(tmp_path / "a.csv", two))
    assert result.code == 1 and said in result.err, result
    assert dump(db_path) == before
    assert base("cadre", "edit", "张伟@办公室", "--role", "组长").code == 0  # the same head
    rows = [
        ["姓名", "科室", "领导小组职务"],
        ["张伟", "办公室", "副组长"],
        ["赵六", "办公室", "组长"],
        ["钱七", "办公室", "组长"],
    ]
    result = base("cadre", "import", write_csv(tmp_path / "b.csv", rows))
    assert result.code == 1 and "第 3 行已是领导小组组长，组长只有一名" in result.err, result
    assert base("cadre", "import", write_csv(tmp_path / "c.csv", rows[:3])).code == 0
    heads = [c["name"] for c in base("cadre", "list", "-f", "json").json() if c["role"] == "head"]
    assert heads == ["赵六"]


def test_moving_a_cadre_to_a_namesakes_section_says_so(base: Cli) -> None:
    """张伟@办公室 (编号 1) moved to 综合科, where 张伟 (编号 2) is: the refusal says where the
    namesake is and how two namesakes of one section are told apart; with both ID numbers
    on file the move is made."""
    result = base("cadre", "edit", "张伟@办公室", "--section", "综合科")
    assert result.code == 1
    assert result.err.strip() == (
        "综合科已有同名干部“张伟”（编号 2），未修改；同一处的同名者须都登记身份证号码才能区分，"
        "请先给两人登记身份证号码（sanlian cadre edit 2 --id-number 号码，编号 1 同样），再作调整。"
    )
    renamed = base("cadre", "edit", "单丽", "--name", "张伟", "--section", "综合科")
    assert "已存在（编号 2），请换一个名称" in renamed.err  # a rename: the name is the clash
    assert base("cadre", "edit", "1", "--id-number", "370102198001011237").code == 0
    result = base("cadre", "edit", "张伟@办公室", "--section", "综合科")  # only 2 lacks one now
    assert (
        result.code == 1
        and ("请先给编号 2 登记身份证号码（sanlian cadre edit 2 --id-number 号码），再作调整。")
        in result.err
    )
    assert base("cadre", "edit", "2", "--id-number", "11010519491231002X").code == 0
    assert base("cadre", "edit", "1", "--section", "综合科").code == 0


def test_an_ambiguous_section_asks_for_its_number_or_whole_name(base: Cli) -> None:
    assert base("section", "add", "ZHK").code == 0
    result = base("section", "show", "zhk")  # 综合科's initials, and ZHK itself
    assert result.code == 1
    assert result.err.strip() == (
        "科室“zhk”对应多条记录：[2] 综合科；[3] ZHK。请改用编号，或写出完整的名称。"
    ), result.err


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ("household", "add", "李明 13612345678", "--community", "幸福社区"),
            "“户主姓名”“李明 136****5678”",
        ),
        (("section", "add", "第370102198001011237号科"), "“科室名称”“第370102********1237号科”"),
        (("cadre", "edit", "单丽", "--name", "单丽 138-1234-5678"), "“姓名”“单丽 138****5678”"),
        (("community", "edit", "幸福社区", "--grid", "网格13812345678"), "“网格”“网格138****5678”"),
        (
            ("enterprise", "add", "华强", "--industry", "机械 13812345678"),
            "“行业”“机械 138****5678”",
        ),
    ],
)
def test_a_name_with_a_phone_or_id_number_in_it_is_refused(
    base: Cli, db_path: Path, args: tuple[str, ...], said: str
) -> None:
    """A number written into a name would be shown in full as the name in every list, file
    and report: refused (the message masks it); a name of digits alone was refused already."""
    before = dump(db_path)
    result = base(*args)
    assert result.code == 1 and dump(db_path) == before
    assert result.err.startswith(said + "里写着手机号码或身份证号码：这一栏不写号码")
    assert base("enterprise", "add", "临沂市2024年第1号企业").code == 0  # a year, a number: kept


def test_a_second_household_head_of_one_name_is_told_how(base: Cli) -> None:
    """Two 王秀英 in one community: the refusal said to choose another name (a person's name
    is not the clerk's to change); it says the two are told apart by their ID numbers."""
    other = make_id("371302", "19800101", 124)
    result = base("household", "add", "王秀英", "--community", "幸福社区", "--id-number", other)
    assert result.code == 1 and result.err.strip() == (
        "联系户“王秀英”已存在（编号 1）。如是同名的另一个人，两人都要登记身份证号码才分得开："
        "请先给原记录补上（sanlian household edit 1 --id-number 号码）；"
        "如就是同一人，请编辑原记录。"
    )
    result = base("household", "add", "王秀英", "--community", "幸福社区")  # neither has one
    assert (
        "请先给原记录补上（sanlian household edit 1 --id-number 号码），这一位也写上 --id-number；"
        in result.err
    )
    assert base("household", "edit", "1", "--id-number", MALE_ID).code == 0
    result = base("household", "add", "王秀英", "--community", "幸福社区")  # only this one lacks
    assert (
        result.code == 1
        and ("两人都要登记身份证号码才分得开：原记录已登记身份证号码，请给这一位写上 --id-number；")
        in result.err
    )
    result = base("household", "add", "王秀英", "--community", "幸福社区", "--id-number", other)
    assert result.code == 0 and "编号 2" in result.out


def test_a_section_that_organised_an_activity_is_retired_not_deleted(base: Cli) -> None:
    """Its only reference an activity it organised: the delete failed on the database's
    reference (a program error), and show said nothing referred to it."""
    assert base("section", "add", "规划科").code == 0
    added = base("activity", "add", "专题教育", "--date", "6-2", "--title", "学习", "--cadre", "单丽",
                 "--section", "规划科")  # fmt: skip
    assert added.code == 0, added
    assert base("section", "show", "规划科", "-f", "json").json()["uses"] == {"activity": 1}
    refused = base("section", "remove", "规划科")
    assert refused.code == 1 and "仍被引用：1 次活动" in refused.err
    early = base("section", "remove", "规划科", "--force", "--date", "6-1")
    assert early.code == 1 and "在 2026-06-02 还有记录（组织活动）" in early.err
    result = base("section", "remove", "规划科", "--force", "--date", "6-3")
    assert result.code == 0 and "已停用科室“规划科”" in result.out


def test_a_name_a_record_had_before_its_rename_says_so(base: Cli) -> None:
    """An export of before a rename imported back named 曾强, renamed 曾小强 since: "not found"
    alone left the clerk looking for him."""
    assert base("cadre", "edit", "曾强", "--name", "曾小强").code == 0
    result = base("cadre", "show", "曾强")
    assert result.code == 1 and result.err.strip() == (
        "找不到干部“曾强”：编号 4 的干部已改名为“曾小强”；如说的就是编号 4，请改写为“曾小强”或 4。"
    )
    assert "改名" not in base("cadre", "show", "钱多多").err


def test_retiring_a_household_with_open_problems_says_so(base: Cli) -> None:
    """A cadre's open problems were named when the cadre was retired; a household's were not,
    and stayed open with nobody told."""
    added = base("problem", "add", "--household", "王秀英", "--category", "就学", "--text", "上学远",
                 "--owner", "单丽", "--date", "6-1")  # fmt: skip
    assert added.code == 0, added
    result = base("household", "remove", "王秀英", "--force")
    assert result.code == 0 and result.err.strip() == (
        "提示：联系户“王秀英”还有 1 个未办结的问题（编号 1），停用后它们仍未办结；请登记解决，"
        "或登记无法解决，如 sanlian problem close 1 --reason 原因。"
    )


def test_moving_a_cadre_with_records_says_the_section_figures_move_too(base: Cli) -> None:
    # the per-section figures count a cadre's records under the section they are in now, in
    # reports of earlier days too: a move says so when there is anything to move
    moved = base("cadre", "edit", "单丽", "--section", "办公室")
    assert moved.code == 0 and "按科室" not in moved.err
    visit = ("visit", "add", "--date", "5-1", "--cadre", "单丽", "--community", "幸福社区")
    assert base(*visit, "--form", "talk").code == 0
    assert base("research", "add", "--cadre", "单丽", "--title", "调研", "--date", "5-2").code == 0
    back = base("cadre", "edit", "单丽", "--section", "综合科")
    assert back.code == 0
    assert (
        "单丽已有的记录（走访 1 次、调研报告 1 篇）在按科室的统计中随人改计入综合科（有办公室其他干部"
        in back.err
    )
    assert "sanlian undo" in back.err
    assert "按科室" not in base("cadre", "edit", "单丽", "--title", "科员").err  # not a move


def test_moving_a_cadre_says_their_pairs_move_too_also_by_import(base: Cli, tmp_path: Path) -> None:
    # a pair counts under its cadre's section: a cadre with only a pair is told too, and a
    # roster imported with a changed section says it on the row that moves the cadre
    assert base("link", "community", "--section", "办公室", "--community", "幸福社区").code == 0
    assert base("link", "community", "--section", "综合科", "--community", "幸福社区").code == 0
    assert base("link", "household", "--cadre", "曾强", "--household", "王秀英").code == 0
    moved = base("cadre", "edit", "曾强", "--section", "综合科")
    assert moved.code == 0 and "曾强已有的记录（结对户 1 户）" in moved.err
    roster = tmp_path / "干部.csv"
    roster.write_text("台账编号,姓名,科室\n4,曾强,办公室\n", encoding="utf-8")  # 曾强 is 4
    imported = base("cadre", "import", str(roster))
    assert imported.code == 0, imported
    said = imported.out + imported.err
    assert "第 2 行：提示：曾强已有的记录（结对户 1 户）在按科室的统计中随人改计入办公室" in said
    # a rehearsal, or a file refused, moves nobody: nothing said of it
    roster.write_text("台账编号,姓名,科室\n4,曾强,综合科\n5,,办公室\n", encoding="utf-8")
    for args in (("--dry-run",), ()):
        tried = base("cadre", "import", str(roster), *args)
        assert "随人改计入" not in tried.out + tried.err, (args, tried)


def test_a_minority_name_is_one_name_whatever_dot_it_is_written_with(base: Cli, unchanged) -> None:  # type: ignore[no-untyped-def]
    # the middle dot, the bullet, the Japanese dot, full stops (full-width too): one name,
    # found by any of them, and never registered a second time through another
    assert base("cadre", "add", "买买提•艾力", "--section", "综合科").code == 0
    for typed in ("买买提·艾力", "买买提・艾力", "买买提．艾力", "买买提 . 艾力", "买买提‧艾力"):
        shown = base("cadre", "show", typed, "-f", "json")
        assert shown.code == 0 and shown.json()["name"] == "买买提·艾力", (typed, shown)
    result = unchanged(lambda: base("cadre", "add", "买买提・艾力", "--section", "综合科"))
    assert "已存在" in result.err
    # a dot elsewhere is left as written
    assert base("community", "add", "A.B社区").code == 0
    assert base("community", "show", "A.B社区", "-f", "json").json()["name"] == "A.B社区"


def test_a_mobile_number_begins_13_to_19(base: Cli, unchanged) -> None:  # type: ignore[no-untyped-def]
    for fake in ("12345678901", "10000000000", "11111111111"):
        result = unchanged(lambda f=fake: base("cadre", "edit", "单丽", "--phone", f))
        assert "不是有效的手机号码：应为 13—19 开头的 11 位数字" in result.err, result
    assert base("cadre", "edit", "单丽", "--phone", "19912345678").code == 0


def test_namesakes_of_one_section_are_told_apart_by_their_number(base: Cli) -> None:
    """Two 王磊 of 综合科: 姓名@科室 cannot tell them apart, and the refusal said to write it."""
    for number in ("370102198808080559", "37010219890909057X"):
        assert base("cadre", "add", "王磊", "--section", "综合科", "--id-number", number).code == 0
    for typed in ("王磊", "王磊@综合科"):
        result = base("cadre", "show", typed)
        assert result.code == 1 and result.err.strip() == (
            f"干部“{typed}”对应多条记录：[5] 王磊（综合科）；[6] 王磊（综合科）；"
            "写成 姓名@科室 也分不开，请改用编号，如 #5。"
        ), result
    assert base("cadre", "show", "#6").code == 0
    # of two sections, the section still tells
    assert "请改用编号，或写成 姓名@科室" in base("cadre", "show", "张伟").err


def test_a_household_may_be_reached_by_its_fixed_line(base: Cli, unchanged) -> None:  # type: ignore[no-untyped-def]
    """A village household often has a home phone alone: refused as no mobile number, while a
    community's or an enterprise's fixed line was taken."""
    assert (
        base(
            "household", "add", "陈大海", "--community", "前河湾村", "--phone", "0539 8888888"
        ).code
        == 0
    )
    shown = base("household", "show", "陈大海", "-f", "json", "--reveal").json()
    assert shown["phone"] == "0539-8888888"
    assert "053*****8888" in base("household", "list").out  # masked, as a mobile number is
    result = unchanged(lambda: base("household", "edit", "陈大海", "--phone", "8888888"))
    assert "不是有效的电话号码" in result.err and "0539-8123456" in result.err


def test_a_link_set_to_end_after_today_neither_blocks_a_retirement_nor_runs_past_it(
    base: Cli, db_path: Path, tmp_path: Path
) -> None:
    """An end date set ahead (as a link import took it, before such dates were refused): the
    cadre could not be retired at all (its end named as a later record, and a later --date
    refused as after today); now the retirement brings the end forward."""
    from tests.conftest import execute_sql

    for args in [
        ("link", "community", "--section", "综合科", "--community", "幸福社区", "--from", "3-1"),
        ("link", "household", "--cadre", "单丽", "--household", "王秀英", "--from", "3-1"),
    ]:  # fmt: skip
        assert base(*args).code == 0, args
    execute_sql(db_path, "UPDATE link SET end_on = '2027-06-30' WHERE id = 2")
    result = base("cadre", "remove", "单丽", "--force")
    assert result.code == 0, result
    assert [(r["id"], r["end_on"]) for r in base("link", "list", "--all", "-f", "json").json()] == [
        (1, None),
        (2, "2026-06-14"),
    ]
    # an import no longer takes an end after today
    rows = "联系类型,科室,干部,联系对象,开始日期,结束日期\n联系户,,张伟@综合科,王秀英,2026-03-01,2027-06-30\n"
    (tmp_path / "联系.csv").write_text(rows, encoding="utf-8")
    refused = base("link", "import", tmp_path / "联系.csv")
    assert refused.code == 1 and "晚于今天" in refused.err, refused


def test_names_stored_with_another_dot_are_written_with_the_middle_dot(
    base: Cli, db_path: Path
) -> None:
    """Migration 8: a name stored before dots were folded (买买提•艾力) is written with ·, so
    that it is found typed either way and not registered a second time."""
    from tests.conftest import execute_sql, rows_of

    assert base("cadre", "add", "买买提·艾力", "--section", "综合科").code == 0
    execute_sql(
        db_path,
        "UPDATE cadre SET name = '买买提•艾力' WHERE id = 5",
        "UPDATE community SET name = '阿依・社区' WHERE id = 1",
        "DELETE FROM schema_migrations WHERE version = 8",
    )
    assert base("cadre", "show", "买买提•艾力", "-f", "json").json()["id"] == 5  # (migrates)
    assert rows_of(db_path, "SELECT name FROM cadre WHERE id = 5") == [("买买提·艾力",)]
    assert rows_of(db_path, "SELECT name FROM community WHERE id = 1") == [("阿依·社区",)]
    assert "已存在" in base("cadre", "add", "买买提•艾力", "--section", "综合科").err


def test_purging_a_retired_household_nothing_refers_to_with_a_day(base: Cli) -> None:
    """``remove --purge --date`` of a household retired before that nothing refers to: its
    personal data is erased (the record kept, retired as it was), as without --date it is
    erased with the record."""
    assert base("household", "add", "测试户", "--community", "幸福社区", "--phone",
                "13800138000").code == 0  # fmt: skip
    assert base("household", "remove", "测试户", "--date", "5-1").code == 0
    result = base("household", "remove", "测试户", "--purge", "--yes", "--date", "6-1")
    assert result.code == 0, result
    (kept,) = [
        r
        for r in base("household", "list", "--all", "-f", "json", "--reveal").json()
        if r["name"] == "测试户"
    ]
    assert kept["phone"] is None and kept["retired_on"] == "2026-05-01", kept
