"""Defects found in the tenth QA pass: the campaign's rules kept through edits, a roster sent
as one sheet per section, the self-inspection report's wording (one test each)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Cli, Result, rows_of


def test_cadre_edit_no_leader_refused_while_linking_enterprises(
    base: Cli, unchanged: Callable[[Callable[[], Result]], Result], db_path: Path
) -> None:
    """领导班子联系企业: only a leadership member links an enterprise (``link enterprise``
    refuses anyone else, ``db check`` flags such a link), so taking the flag off a leader who
    still links one made a state the program itself calls wrong."""
    assert (
        base(
            "link",
            "enterprise",
            "--cadre",
            "1",
            "--enterprise",
            "临沂华强机械有限公司",
            "--from",
            "3-1",
        ).code
        == 0
    )
    refused = unchanged(lambda: base("cadre", "edit", "1", "--no-leader"))
    assert "临沂华强机械有限公司（联系编号 1）" in refused.err
    assert "sanlian link end 1" in refused.err
    assert base("db", "check").code == 0
    # once the link has ended, the flag comes off
    assert base("link", "end", "1", "--date", "6-1").code == 0
    assert base("cadre", "edit", "1", "--no-leader").code == 0
    assert rows_of(db_path, "SELECT is_leader FROM cadre WHERE id = 1") == [(0,)]
    assert base("db", "check").code == 0


def _pair_in_a_linked_community(base: Cli) -> None:
    """Link 1: 综合科 — 幸福社区 from 3-1; link 2: 单丽 (综合科) paired with 王秀英 from 3-2."""
    for step in (
        ("link", "community", "--section", "综合科", "--community", "幸福社区", "--from", "3-1"),
        ("link", "household", "--cadre", "单丽", "--household", "王秀英", "--from", "3-2"),
    ):
        result = base(*step)
        assert result.code == 0, (step, result)


def test_link_end_community_refused_while_its_pairs_run(
    base: Cli, unchanged: Callable[[Callable[[], Result]], Result], db_path: Path
) -> None:
    """A pair (结对) needs its household's community linked to the cadre's section or the
    bureau; ending that community link left the pair running uncovered, which ``db check``
    then reported as broken."""
    _pair_in_a_linked_community(base)
    refused = unchanged(lambda: base("link", "end", "1", "--date", "6-1"))
    assert "单丽—“王秀英”（联系编号 2）" in refused.err
    assert "sanlian link end 2 --date 2026-06-01" in refused.err
    assert base("db", "check").code == 0
    # the pair ends the same day: then the community link may end too
    assert base("link", "end", "2", "--date", "6-1").code == 0
    assert base("link", "end", "1", "--date", "6-1").code == 0
    assert rows_of(db_path, "SELECT id, end_on FROM link ORDER BY id") == [
        (1, "2026-06-01"),
        (2, "2026-06-01"),
    ]
    assert base("db", "check").code == 0


def test_link_end_community_allowed_when_another_link_covers_the_pairs(base: Cli) -> None:
    """The bureau's own link with the community (或局机关) still covers the pair."""
    _pair_in_a_linked_community(base)
    assert (
        base("link", "community", "--bureau", "--community", "幸福社区", "--from", "4-1").code == 0
    )
    assert base("link", "end", "1", "--date", "6-1").code == 0
    assert base("db", "check").code == 0


def test_import_names_the_other_sheets_of_the_same_kind(
    base: Cli, tmp_path: Path, db_path: Path
) -> None:
    """A roster sent as one sheet per section: without ``--sheet`` only the first visible sheet
    was imported and the others were dropped without a word."""
    import openpyxl

    header = ["姓名", "科室", "政治面貌"]
    book = openpyxl.Workbook()
    hidden = book.active
    assert hidden is not None
    hidden.title = "隐藏"
    hidden.append(header)
    hidden.sheet_state = "hidden"
    first = book.create_sheet("办公室")
    first.append(["企业局干部花名册"])
    first.append(header)
    first.append(["孙七", "办公室", "中共党员"])
    notes = book.create_sheet("填表说明")
    notes.append(["姓名必填；科室写全称。"])
    second = book.create_sheet("综合科")
    second.append(header)
    second.append(["周八", "综合科", "群众"])
    path = tmp_path / "花名册.xlsx"
    book.save(path)

    result = base("cadre", "import", path)
    assert result.code == 0, result
    assert "工作表“综合科”也有同样的表头，没有导入" in result.err
    assert f"sanlian cadre import {path} --sheet 综合科" in result.err  # the path as given
    assert "填表说明" not in result.err and "隐藏" not in result.err
    assert rows_of(db_path, "SELECT name FROM cadre WHERE name IN ('孙七', '周八')") == [("孙七",)]

    again = base("cadre", "import", path, "--sheet", "综合科")
    assert again.code == 0, again
    assert "同样的表头" not in again.err


@pytest.mark.parametrize("measure", [None, "送法律"])
def test_selfcheck_docx_names_only_the_measures_taken(
    base: Cli, tmp_path: Path, measure: str | None
) -> None:
    """（六）解决一些实际问题 said 采取送政策、送信息、送资金、送技术等方式 whatever was done:
    a year that sent only law (or nothing) read as if policy, funds and technology had been
    sent too."""
    import docx

    assert (
        base(
            "problem",
            "add",
            "--household",
            "王秀英",
            "--category",
            "法律服务",
            "--text",
            "继承纠纷咨询",
            "--owner",
            "单丽",
            "--date",
            "5-1",
        ).code
        == 0
    )
    resolve = ["problem", "resolve", "1", "--how", "联系律师解答", "--date", "5-3"]
    assert base(*resolve, *(["--measure", measure] if measure else [])).code == 0
    out = tmp_path / "自查报告.docx"
    assert base("selfcheck", "-o", out).code == 0
    item = next(p.text for p in docx.Document(str(out)).paragraphs if p.text.startswith("（六）"))
    assert "送技术" not in item and "送政策" not in item and "送资金" not in item
    lead = "（六）解决一些实际问题。"
    # (no money: no "落实资金0.00元")
    if measure:
        assert item.startswith(lead + "通过送法律1次，为联系对象解决实际问题1件。如：")
    else:
        assert item.startswith(lead + "为联系对象解决实际问题1件。如：")


def test_campaign_set_keeps_the_phases_in_order(
    cli: Cli, unchanged: Callable[[Callable[[], Result]], Result], db_path: Path
) -> None:
    """三个阶段 follow one another: 组织实施 set to January (before 动员部署 in March) or 总结
    set to end before 组织实施 were taken, and the campaign's span moved with them."""
    assert cli("init", "--year", "2026").code == 0
    refused = unchanged(
        lambda: cli("campaign", "set", "--phase", "组织实施", "--start", "1-1", "--end", "2-1")
    )
    assert "“组织实施阶段”（2026-01-01 至 2026-02-01）不能早于“动员部署阶段”" in refused.err
    unchanged(lambda: cli("campaign", "set", "--phase", "3", "--end", "11-15"))
    unchanged(lambda: cli("campaign", "set", "--phase", "1", "--start", "4-1", "--end", "4-30"))
    # overlapping edges, as the seed has them, and moving later phase first, are fine
    assert cli("campaign", "set", "--phase", "2", "--start", "4-1").code == 0
    assert cli("campaign", "set", "--phase", "1", "--start", "4-1", "--end", "4-30").code == 0
    assert cli("campaign", "set", "--phase", "3", "--start", "10-1", "--end", "12-20").code == 0
    assert rows_of(db_path, "SELECT seq, start_on, end_on FROM phase ORDER BY seq") == [
        (1, "2026-04-01", "2026-04-30"),
        (2, "2026-04-01", "2026-11-30"),
        (3, "2026-10-01", "2026-12-20"),
    ]


def test_cadre_import_no_leader_refused_while_linking_enterprises(
    base: Cli, unchanged: Callable[[Callable[[], Result]], Result], tmp_path: Path
) -> None:
    """The same rule when a roster marks a linked leader 领导班子成员=否."""
    assert (
        base("link", "enterprise", "--cadre", "1", "--enterprise", "临沂华强机械有限公司").code == 0
    )
    roster = tmp_path / "花名册.csv"
    roster.write_text("姓名,科室,领导班子成员\n张伟,办公室,否\n", encoding="utf-8")
    refused = unchanged(lambda: base("cadre", "import", roster))
    assert "领导班子成员" in refused.err and "临沂华强机械有限公司（联系编号 1）" in refused.err


def test_import_of_excels_lock_file_says_what_it_is(
    base: Cli, unchanged: Callable[[Callable[[], Result]], Result], tmp_path: Path
) -> None:
    """``~$花名册.xlsx`` (Tab completes it while the roster is open in Excel) was called a
    damaged or old workbook, to be opened in Excel and saved again: it is Excel's lock file."""
    lock = tmp_path / "~$花名册.xlsx"
    lock.write_bytes(b"\x04QA  " + b"\x00" * 48 + b"Q\x00A\x00" + b"\x00" * 105)
    refused = unchanged(lambda: base("cadre", "import", lock))
    assert "临时文件（文件名以 ~$ 开头），不含数据；请导入同一文件夹中的原工作簿" in refused.err


@pytest.fixture
def paired(base: Cli) -> Cli:
    """``base`` with 综合科 linked to 幸福社区 and 单丽 (综合科) paired with 王秀英 there."""
    steps = [
        ("link", "community", "--section", "综合科", "--community", "幸福社区", "--from", "3-1"),
        ("link", "household", "--cadre", "单丽", "--household", "王秀英", "--from", "3-2"),
    ]
    for step in steps:
        assert base(*step).code == 0
    return base


def test_cadre_moved_to_a_section_not_linked_with_the_pairs_community_refused(
    paired: Cli, unchanged: Callable[[Callable[[], Result]], Result], tmp_path: Path
) -> None:
    """Moving a paired cadre to a section that does not link the household's community made the
    pair one ``link household`` would refuse and ``db check`` flags."""
    refused = unchanged(lambda: paired("cadre", "edit", "单丽", "--section", "办公室"))
    assert "调到办公室后，其结对户“王秀英”（幸福社区，联系编号 2）" in refused.err
    assert "sanlian link community --section 办公室 --community 幸福社区" in refused.err
    roster = tmp_path / "花名册.csv"  # the same move from a roster carrying the ledger number
    roster.write_text("台账编号,姓名,科室\n3,单丽,办公室\n", encoding="utf-8")
    assert "调到办公室后" in unchanged(lambda: paired("cadre", "import", roster)).err
    # with the pair ended (today counts as its last day), the move goes through
    assert paired("link", "end", "2").code == 0
    assert paired("cadre", "edit", "单丽", "--section", "办公室").code == 0
    # and db check, that day, does not flag the pair it let run to its end today
    assert paired("db", "check").code == 0


@pytest.mark.sqlite_only(reason="edits the SQLite file itself")
def test_db_check_flags_a_pair_running_on_past_today_outside_the_sections_communities(
    paired: Cli, db_path: Path
) -> None:
    """The pair rule is still checked for a pair ending later (the move edited around the
    program, in the database itself)."""
    import sqlite3

    with sqlite3.connect(db_path) as con:
        con.execute("update cadre set section_id = (select id from section where name = '办公室')")
        con.execute("update link set end_on = '2026-06-16' where id = 2")  # today + 1
    check = paired("db", "check")
    assert (
        check.code == 1
        and "联系编号 2：单丽 结对“王秀英”，但“幸福社区”不由其科室或本局联系" in check.out
    )


def test_household_moved_to_a_community_its_cadres_do_not_link_refused(
    paired: Cli, unchanged: Callable[[Callable[[], Result]], Result]
) -> None:
    refused = unchanged(lambda: paired("household", "edit", "王秀英", "--community", "前河湾村"))
    assert "改到前河湾村后，与其结对的干部单丽（联系编号 2）" in refused.err
    # once 综合科 links 前河湾村 too, the household may move
    assert paired("link", "community", "--section", "综合科", "--community", "前河湾村").code == 0
    assert paired("household", "edit", "王秀英", "--community", "前河湾村").code == 0
    assert paired("db", "check").code == 0


def test_visit_typed_twice_gets_a_note(base: Cli, db_path: Path) -> None:
    """The very same visit typed again was taken in silence (the count went up by one; an import
    takes such a row for the record on file)."""
    visit = ["visit", "add", "--date", "5-6", "--cadre", "单丽", "--household", "王秀英"]
    first = base(*visit, "--form", "入户走访", "--cards", "1", "--diary", "孩子上学远")
    assert first.code == 0 and "已有记录" not in first.err
    other = base(
        "visit", "add", "--date", "5-6", "--cadre", "1", "--household", "王秀英", "--form", "home"
    )
    assert other.code == 0 and "已有记录" not in other.err  # another cadre: another visit
    talk = base(*visit, "--form", "座谈交流")
    assert talk.code == 0 and "已有记录" not in talk.err  # another form: another visit
    again = base(*visit, "--form", "home", "--cards", "1", "--diary", "孩子上学远")
    assert again.code == 0
    assert (
        "单丽走访联系户“王秀英”已有记录（走访编号 1），这一条（编号 4）与它各项都相同" in again.err
    )
    assert "sanlian visit remove 4" in again.err
    assert rows_of(db_path, "SELECT count(*) FROM visit") == [(4,)]


def _docx_paragraphs(path: Path) -> list[str]:
    import docx

    return [p.text for p in docx.Document(str(path)).paragraphs]


def test_selfcheck_docx_tells_the_phases_and_counts_so_far_before_the_years_end(
    base: Cli, tmp_path: Path
) -> None:
    """The report said nothing of the three phases or of the mobilisation (实施方案, 领导小组,
    动员部署会议, 全面总结) on record, and called the counts of a report made in June 全年."""
    for step in [
        ("activity", "add", "plan", "--date", "3-1", "--title", "实施方案"),
        ("activity", "add", "mobilize", "--date", "3-2", "--cadre", "1", "--cadre", "单丽"),
        ("activity", "add", "education", "--date", "3-20", "--cadre", "单丽"),
    ]:
        assert base(*step).code == 0
    out = tmp_path / "自查报告.docx"
    assert base("selfcheck", "--as-of", "6-15", "-o", out).code == 0
    text = _docx_paragraphs(out)
    phases = text[text.index("二、主要做法和成效") + 1]
    assert phases == (
        "活动按照实施意见分动员部署、组织实施、总结三个阶段推进，组织实施阶段以“八个一”活动为载体；"
        "动员部署阶段，3月1日制定实施方案，3月2日召开动员部署会议（2名干部参加），成立领导小组尚无记录。"
    )
    assert text[3] == "尚无走访记录。"  # (not "共开展走访0次")
    assert (
        "（一）开展一次群众观念专题教育。共开展群众观念专题教育1次：3月20日（1名干部参加）。"
        in text
    )
    assert not any("全年" in p for p in text)
    # at the year's end the same counts are the year's, and the summary is told
    assert base("activity", "add", "summary", "--date", "6-15").code == 0
    assert base("selfcheck", "--as-of", "2026-12-31", "-o", out, "--force").code == 0
    text = _docx_paragraphs(out)
    phases = text[text.index("二、主要做法和成效") + 1]
    assert phases.endswith("成立领导小组尚无记录；总结阶段，6月15日开展全面总结。")
    assert text[3] == "尚无走访记录。"


def test_import_skips_the_forms_footer(base: Cli, tmp_path: Path, db_path: Path) -> None:
    """A roster as offices fill in the form ends with 填表人：… 审核人：… 填报日期：… and a
    注：… line: the footer was read as a record and the whole file refused (科室 empty,
    政治面貌 "填报日期：2026年3月5日" unknown)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [
        ["企业局干部花名册"],
        ["姓名", "科室", "政治面貌"],
        ["孙七", "办公室", "中共党员"],
        ["周八", "综合科", "群众"],
        ["合计", "2人"],
        [],
        ["填表人：王五", "审核人： 赵六", "填报日期：2026年3月5日"],
        ["注：政治面貌填写中共党员、中共预备党员或群众。"],
    ]:
        sheet.append(row)
    path = tmp_path / "花名册.xlsx"
    book.save(path)
    result = base("cadre", "import", path)
    assert result.code == 0, result
    assert "新增 2，更新 0，未变 0" in result.out
    assert rows_of(db_path, "SELECT name FROM cadre WHERE id > 4 ORDER BY id") == [
        ("孙七",),
        ("周八",),
    ]
    # a row with a record's values beside such words is still a record, and checked as one
    csv = tmp_path / "花名册.csv"
    csv.write_text("姓名,科室,备注\n备注：待定,办公室,\n填表人：王五,,\n", encoding="utf-8")
    dry = base("cadre", "import", csv, "--dry-run")
    assert dry.code == 0, dry
    assert "新增    备注:待定" in dry.out and "新增 1，更新 0，未变 0" in dry.out
    assert rows_of(db_path, "SELECT count(*) FROM cadre") == [(6,)]


def test_import_refuses_a_month_dot_day_excel_may_have_cut(
    base: Cli, unchanged: Callable[[Callable[[], Result]], Result], tmp_path: Path, db_path: Path
) -> None:
    """3.10 typed in a cell Excel takes for a number is stored as 3.1, and was imported as
    3月1日 without a word (10.20 as 10月2日): the 10th, 20th and 30th of each month."""
    import openpyxl

    def workbook(*days: object) -> Path:
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(["走访日期", "走访干部", "对象类型", "走访对象", "形式"])
        for day in days:
            sheet.append([day, "单丽", "联系户", "王秀英", "入户走访"])
        path = tmp_path / "走访.xlsx"
        book.save(path)
        return path

    refused = unchanged(lambda: base("visit", "import", workbook(3.1, 5.3)))
    assert "“走访日期”“3.1”分不清是 3月1日 还是 3月10日" in refused.err
    assert "“走访日期”“5.3”分不清是 5月3日 还是 5月30日" in refused.err
    # unambiguous ones are taken: 3.6 (no 3.60), 2.3 (no 2月30日), 3.15, 3月10日
    result = base("visit", "import", workbook(3.6, 2.3, 3.15, "3月10日"))
    assert result.code == 1  # 2月3日 lies before the campaign: refused for that, not as ambiguous
    assert "分不清" not in result.err and "2026-02-03 不在 2026 年活动的期间内" in result.err
    assert base("visit", "import", workbook(3.6, 3.15, "3月10日")).code == 0
    assert rows_of(db_path, "SELECT visited_on FROM visit ORDER BY visited_on") == [
        ("2026-03-06",),
        ("2026-03-10",),
        ("2026-03-15",),
    ]


def test_link_end_names_at_most_ten_pairs(
    base: Cli, unchanged: Callable[[Callable[[], Result]], Result]
) -> None:
    """A section's link with a city village may cover hundreds of pairs: the refusal counts
    them all and names the first ten."""
    assert base("campaign", "set", "--pairs", "20").code == 0
    ok = [
        ("link", "community", "--section", "综合科", "--community", "幸福社区", "--from", "3-1"),
        *[("household", "add", f"住户{i:02d}", "--community", "幸福社区") for i in range(12)],
        *[
            ("link", "household", "--cadre", "单丽", "--household", f"住户{i:02d}", "--from", "3-2")
            for i in range(12)
        ],
    ]
    for step in ok:
        result = base(*step)
        assert result.code == 0, (step, result)
    refused = unchanged(lambda: base("link", "end", "1", "--date", "6-1"))
    assert "仍有 12 对结对" in refused.err
    assert "“住户09”" in refused.err and "“住户10”" not in refused.err
    assert "（联系编号 11）等；" in refused.err


@pytest.mark.parametrize("kind,name", [("community", "幸福社区"), ("section", "综合科")])
def test_retiring_the_unit_that_covers_a_pair_is_refused_as_ending_its_link_is(
    paired: Cli, unchanged: Callable[[Callable[[], Result]], Result], kind: str, name: str
) -> None:
    """``remove --force`` ends the community links of what it retires: the pair that link
    covers would run on against the rule ``link end`` keeps (``db check`` then flagged it)."""
    refused = unchanged(lambda: paired(kind, "remove", name, "--force"))
    label = "社区(村)" if kind == "community" else "科室"
    assert refused.err.startswith(
        f"停用{label}“{name}”会结束联系 1，此后仍有 1 对结对在幸福社区继续：单丽—“王秀英”"
        "（联系编号 2）；"
    ), refused.err
    # retired today (its first day off), its links end yesterday: the pair with them
    assert "sanlian link end 2 --date 2026-06-14" in refused.err
    assert paired("link", "end", "2", "--date", "2026-06-14").code == 0
    assert paired(kind, "remove", name, "--force").code == 0
    assert paired("db", "check").code == 0


def test_selfcheck_docx_says_a_partial_list_of_activities_is_partial(
    base: Cli, tmp_path: Path
) -> None:
    """Four education sessions, three listed: ``，如…等。`` (not ``：…。`` read as all of them);
    two org lives, both listed: ``：…。``."""
    for day in ("3-20", "4-20", "5-20", "6-1"):
        assert base("activity", "add", "education", "--date", day, "--cadre", "单丽").code == 0
    for day in ("4-2", "5-2"):
        step = ("activity", "add", "org_life", "--date", day, "--partner", "幸福社区")
        assert base(*step, "--cadre", "单丽").code == 0, base(*step, "--cadre", "单丽")
    out = tmp_path / "自查报告.docx"
    assert base("selfcheck", "--as-of", "6-15", "-o", out).code == 0
    text = _docx_paragraphs(out)
    assert any(
        p.endswith(
            "共开展群众观念专题教育4次，如3月20日（1名干部参加）；4月20日（1名干部参加）；"
            "5月20日（1名干部参加）等。"
        )
        for p in text
    ), text
    org = next(p for p in text if "企业共同过组织生活2次" in p)
    assert "共同过组织生活2次：4月2日与幸福社区" in org, org
    assert org.endswith("。其中七一前2次。") and "等。" not in org


def test_namesakes_are_told_apart_in_the_workbook_ledgers_and_examples(
    base: Cli, tmp_path: Path
) -> None:
    """The two 张伟 of the base ledger: the visit ledger's 走访干部 and the problem ledger's
    责任人 say which (张伟（办公室）), and so does the brief's example; 单丽, no namesake, is
    named alone."""
    import openpyxl

    steps = [
        ("link", "enterprise", "--cadre", "张伟@办公室", "--enterprise", "1", "--from", "3-1"),
        ("visit", "add", "--date", "4-1", "--cadre", "张伟@办公室", "--cadre", "单丽",
         "--enterprise", "1", "--form", "talk"),
        ("problem", "add", "--enterprise", "1", "--category", "资金", "--text", "贷款",
         "--owner", "张伟@综合科", "--date", "6-1"),
        ("problem", "resolve", "1", "--how", "对接银行", "--date", "6-5"),
    ]  # fmt: skip
    for step in steps:
        assert base(*step).code == 0, step
    book = tmp_path / "自查.xlsx"
    assert base("selfcheck", "-o", book).code == 0
    wb = openpyxl.load_workbook(book)
    cells = {str(c.value) for name in ("走访台账", "问题台账") for row in wb[name].iter_rows()
             for c in row}  # fmt: skip
    assert "张伟（办公室）、单丽" in cells, cells
    assert "张伟（综合科）" in cells, cells
    brief = base("brief", "--from", "6-1", "--to", "6-14").out
    assert "，张伟（综合科）跟进办理，6月5日解决" in brief, brief
