"""Defects found in the sixth QA pass of the one-shot commands (one test each)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Cli, Result, dump, rows_of


def _journal_count(db_path: Path) -> int:
    return int(rows_of(db_path, "SELECT count(*) FROM journal")[0][0])


@pytest.fixture
def campaign(base: Cli) -> Cli:
    """``base`` with a link, a visit and a problem to edit."""
    steps = [
        ("link", "community", "--section", "办公室", "--community", "幸福社区", "--from", "3-1"),
        (
            "visit",
            "add",
            "--date",
            "2026-03-05",
            "--cadre",
            "1",
            "--cadre",
            "曾强",
            "--household",
            "王秀英",
            "--form",
            "home",
            "--cards",
            "2",
            "--diary",
            "家中老人行动不便",
        ),
        (
            "problem",
            "add",
            "--household",
            "王秀英",
            "--category",
            "medical",
            "--text",
            "老人就医难",
            "--owner",
            "曾强",
            "--date",
            "2026-03-05",
        ),
    ]
    for step in steps:
        result = base(*step)
        assert result.code == 0, result
    return base


SAME_VALUES = [
    ("section", "edit", "综合科", "--name", "综合科"),
    ("cadre", "edit", "1", "--phone", "138 1234 5678", "--section", "办公室", "--leader"),
    ("cadre", "edit", "曾强", "--party", "群众", "--note", ""),
    ("community", "edit", "幸福社区", "--town", "兰山街道", "--grid", "第一网格"),
    ("enterprise", "edit", "1", "--uscc", "91350100M000100Y43", "--industry", ""),
    ("household", "edit", "王秀英", "--community", "幸福社区", "--members", "3"),
    (
        "visit",
        "edit",
        "1",
        "--date",
        "2026/3/5",
        "--cadre",
        "曾强",
        "--cadre",
        "1",
        "--household",
        "王秀英",
        "--form",
        "入户走访",
        "--cards",
        "2",
        "--diary",
        "家中老人行动不便",
    ),
    ("problem", "edit", "1", "--owner", "曾强", "--category", "就医", "--no-conflict"),
    ("campaign", "set", "--time-limit", "30", "--pairs", "1", "--phase", "1", "--end", "3-31"),
]


@pytest.mark.parametrize("args", SAME_VALUES, ids=lambda a: " ".join(a[:2]))
def test_an_edit_that_changes_nothing_writes_nothing(
    campaign: Cli, db_path: Path, args: tuple[str, ...]
) -> None:
    before = dump(db_path)
    entries = _journal_count(db_path)
    result = campaign(*args)
    assert result.code == 0, result
    assert result.out.startswith("没有修改："), result.out
    assert "与原来相同，未写入变更日志" in result.out
    assert result.err == ""  # no "not linked" hint for a visit left as it was
    assert _journal_count(db_path) == entries
    assert dump(db_path) == before
    # undo still undoes the last real change (the problem's registration), not an empty entry
    shown = json.loads(campaign("history", "-f", "json").out)
    assert shown[0]["command"] == "problem add"


def test_an_edit_that_changes_one_value_is_journaled(campaign: Cli, db_path: Path) -> None:
    entries = _journal_count(db_path)
    result = campaign("cadre", "edit", "曾强", "--party", "群众", "--title", "科员")
    assert result.code == 0, result
    assert result.out.strip() == "已修改干部“曾强”（编号 4）。"
    assert _journal_count(db_path) == entries + 1
    detail = json.loads(campaign("history", "--detail", "-f", "json").out)[0]
    assert [(c["table"], c["before"]["title"], c["after"]["title"]) for c in detail["changes"]] == [
        ("cadre", None, "科员")
    ]


def test_a_visit_edit_keeps_the_cadres_that_stay(campaign: Cli, db_path: Path) -> None:
    """Replacing the cadres journals only the one who left, and undo puts him back."""
    result = campaign("visit", "edit", "1", "--cadre", "1")
    assert result.code == 0, result
    detail = json.loads(campaign("history", "--detail", "-f", "json").out)[0]
    assert [(c["table"], c["action"], c["before"]) for c in detail["changes"]] == [
        ("visit_cadre", "delete", {"visit_id": 1, "cadre_id": 4})
    ]
    assert rows_of(db_path, "SELECT cadre_id FROM visit_cadre WHERE visit_id = 1") == [(1,)]
    assert campaign("undo", "--yes").code == 0
    assert rows_of(
        db_path, "SELECT cadre_id FROM visit_cadre WHERE visit_id = 1 ORDER BY cadre_id"
    ) == [(1,), (4,)]


# --- imports of files as Chinese Excel writes them -----------------------------------------

ROSTER_ROWS = [
    ["企业局党员干部花名册（2026年）", "", "", "", "", ""],
    ["序号", "姓 名", "科室\n（部门）", "性别", "政治面貌", "手机号码\n（11位）"],
    ["1", "赵敏", "办公室", "女", "中共党员", "138 1234 5678"],
    ["", "", "", "", "", ""],
    ["2", "钱进", "综合科", "男", "群众", "+86 139 1234 5678"],
    ["合 计", "2人", "", "", "", ""],
]


def _gbk_csv(path: Path, rows: list[list[str]]) -> Path:
    import csv

    with path.open("w", encoding="gbk", newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def test_a_roster_with_a_total_row_and_notes_in_its_headers_imports(
    base: Cli, db_path: Path, tmp_path: Path
) -> None:
    """The 合计 row under the table is no cadre; ``科室\\n（部门）`` and ``手机号码（11位）`` are
    the 科室 and 手机号码 columns (they were refused: no 科室 column, then 合计 a cadre)."""
    path = _gbk_csv(tmp_path / "花名册.csv", ROSTER_ROWS)
    result = base("cadre", "import", str(path))
    assert result.code == 0, result
    assert "新增 2，更新 0，未变 0" in result.out + result.err
    assert rows_of(
        db_path,
        "SELECT c.name, s.name, c.phone FROM cadre c JOIN section s ON s.id = c.section_id "
        "WHERE c.id > 4 ORDER BY c.id",
    ) == [("赵敏", "办公室", "13812345678"), ("钱进", "综合科", "13912345678")]


def test_a_total_row_is_skipped_in_an_xlsx_too(base: Cli, db_path: Path, tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["综合科结对户名单"])
    sheet.merge_cells("A1:D1")
    sheet.append(["户主姓名", "所在社区(村)", "家庭人口（人）", "需求"])
    sheet.append(["孙立", "幸福社区", 4, "就业"])
    sheet.append(["总计：1户", None, 4, None])
    book.save(tmp_path / "联系户.xlsx")
    result = base("household", "import", str(tmp_path / "联系户.xlsx"))
    assert result.code == 0, result
    assert rows_of(db_path, "SELECT name, members FROM household WHERE id > 1") == [("孙立", 4)]


def test_a_name_that_only_starts_like_a_total_is_a_row(base: Cli, tmp_path: Path) -> None:
    rows = [["姓名", "科室"], ["合计划", "办公室"]]
    result = base("cadre", "import", str(_gbk_csv(tmp_path / "x.csv", rows)), "--dry-run")
    assert result.code == 0, result
    assert "新增 1" in result.out + result.err


def test_an_xlsx_renamed_csv_is_read_as_the_workbook_it_is(
    base: Cli, db_path: Path, tmp_path: Path
) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["科室名称", "备注"])
    sheet.append(["财务科", "管钱"])
    book.save(tmp_path / "科室.csv")
    result = base("section", "import", str(tmp_path / "科室.csv"))
    assert result.code == 0, result
    assert rows_of(db_path, "SELECT name, note FROM section WHERE id = 3") == [("财务科", "管钱")]


def test_a_folder_given_as_the_file_is_called_a_folder(
    base: Cli, tmp_path: Path, unchanged: Callable[[Callable[[], Result]], Result]
) -> None:
    (tmp_path / "花名册.csv").mkdir()
    result = unchanged(lambda: base("cadre", "import", str(tmp_path / "花名册.csv")))
    assert "是一个文件夹，不是文件" in result.err
    assert "找不到" not in result.err


@pytest.mark.sqlite_only(reason="db restore is of a SQLite file")
def test_restore_from_a_folder_is_called_a_folder(
    base: Cli, tmp_path: Path, unchanged: Callable[[Callable[[], Result]], Result]
) -> None:
    (tmp_path / "备份").mkdir()
    result = unchanged(lambda: base("db", "restore", str(tmp_path / "备份"), "--yes"))
    assert "是一个文件夹，不是备份文件，未做任何修改" in result.err
    assert "不存在" not in result.err


@pytest.mark.parametrize("typed", ["3.70102E+17", "3.70102e+17", "３．７０１０２Ｅ＋１７"])
def test_an_id_number_in_scientific_notation_says_to_set_the_column_to_text(
    base: Cli, typed: str, unchanged: Callable[[Callable[[], Result]], Result]
) -> None:
    """Pasted from an Excel cell: was 'should be 18 digits, is 11' with the value half masked."""
    result = unchanged(
        lambda: base("cadre", "add", "周七", "--section", "办公室", "--id-number", typed)
    )
    assert result.err.strip() == (
        "“身份证号码”“3.70102E+17”是 Excel 的科学计数法，后几位数字已经丢失；"
        "请在 Excel 中把这一列设为“文本”格式，重新录入完整号码后再复制。"
    )


@pytest.mark.parametrize("typed", ["3月5号", "2026年3月5号", "2026年03月05号"])
def test_a_date_written_with_hao(base: Cli, db_path: Path, typed: str) -> None:
    """号 is how a day is often written (3月5号): it was refused as unreadable."""
    result = base("activity", "add", "plan", "--date", typed)
    assert result.code == 0, result
    assert rows_of(db_path, "SELECT held_on FROM activity") == [("2026-03-05",)]


def test_reopening_a_problem_past_its_due_date_says_it_is_overdue(campaign: Cli) -> None:
    """Reopened past its due date, a problem is at once overdue (a red card in supervise):
    the answer said only 当前状态：办理中."""
    assert campaign("problem", "resolve", "1", "--how", "送医", "--date", "3-10").code == 0
    result = campaign("problem", "reopen", "1", "--reason", "复发", "--date", "6-1")
    assert result.code == 0, result
    assert result.out.strip() == "问题 1 已重新办理，当前状态：办理中。"
    assert result.err.strip() == (
        "提示：问题 1 的办理期限 2026-04-04 已过，重新办理后即算超期（调度督促中亮牌）；"
        "如需新的期限，请运行 sanlian problem extend 1 --due 日期 --reason 原因。"
    )
    assert "问题 1 超期 72 天（4月4日到期）" in campaign("supervise", "-f", "plain").out


def test_reopening_a_problem_within_its_due_date_says_nothing_more(campaign: Cli) -> None:
    assert campaign("problem", "resolve", "1", "--how", "送医", "--date", "3-10").code == 0
    result = campaign("problem", "reopen", "1", "--reason", "复发", "--date", "3-20")
    assert result.code == 0, result
    assert result.err == ""


def test_a_template_asked_as_csv_says_only_xlsx(base: Cli, tmp_path: Path) -> None:
    """It said 导出文件应以 .xlsx 或 .csv 结尾，现在是“.csv”: a contradiction."""
    result = base("template", "cadre", "-o", str(tmp_path / "模板.csv"))
    assert result.code == 1
    assert result.err.strip() == (
        "导入模板只能写成 .xlsx 文件，现在的后缀是“.csv”，请把文件名改为以 .xlsx 结尾。"
    )
    assert not (tmp_path / "模板.csv").exists()


@pytest.mark.parametrize(
    "args",
    [
        ("export", "cadre", "-o"),
        ("template", "cadre", "-o"),
        ("selfcheck", "-o"),
        ("brief", "--from", "4-1", "--to", "4-30", "-o"),
    ],
    ids=lambda a: a[0],
)
def test_a_folder_given_as_the_output_is_called_a_folder(
    base: Cli, tmp_path: Path, args: tuple[str, ...]
) -> None:
    """export and template said the suffix was wrong (or that the file might be open in
    Excel), selfcheck and brief that they cannot write a file of that kind."""
    folder = tmp_path / ("报表.xlsx" if args[0] == "export" else "报表")
    folder.mkdir()
    result = base(*args, str(folder))
    assert result.code == 1, result
    assert result.err.strip().startswith(f"{folder} 是一个文件夹，请在后面写上文件名")
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("kind", ["export", "template"])
def test_export_and_template_into_a_missing_folder_are_refused(
    base: Cli, tmp_path: Path, kind: str
) -> None:
    """Like every other -o: a mistyped folder was created, and the file written into it."""
    result = base(kind, "cadre", "-o", str(tmp_path / "没有" / "干部.xlsx"))
    assert result.code == 1, result
    assert (
        result.err.strip() == f"输出文件夹 {tmp_path / '没有'} 不存在，请先建好文件夹或换一个路径。"
    )
    assert not (tmp_path / "没有").exists()


def test_a_link_limit_reached_within_the_file_names_the_file_rows(
    base: Cli, tmp_path: Path, unchanged: Callable[[Callable[[], Result]], Result]
) -> None:
    """The 4th enterprise of a leader whose other three are earlier rows of the same file was
    refused with link numbers those rows would have had (联系编号 1–3): nothing was written,
    so no listing showed them and ``link end 1`` ended nothing (or another link)."""
    rows = [
        ["联系类型", "干部", "联系对象", "开始日期"],
        *[["企业", "张伟@办公室", name, "2026-3-1"] for name in ("甲厂", "乙厂", "丙厂", "丁厂")],
    ]
    for name in ("甲厂", "乙厂", "丙厂", "丁厂"):
        assert base("enterprise", "add", name).code == 0
    path = _gbk_csv(tmp_path / "联系.csv", rows)
    result = unchanged(lambda: base("link", "import", str(path)))
    assert (
        "领导“张伟”已联系 3 家企业：甲厂（本文件第 2 行）、乙厂（本文件第 3 行）、丙厂（本文件第 4 行）；"
        "每名班子成员同时最多联系 3 家，请删去文件中多余的行" in result.out + result.err
    )
    assert "联系编号 1" not in result.out + result.err


def test_a_link_limit_reached_through_the_ledger_keeps_the_link_numbers(
    base: Cli, tmp_path: Path
) -> None:
    for name in ("甲厂", "乙厂", "丙厂", "丁厂"):
        assert base("enterprise", "add", name).code == 0
    for name in ("甲厂", "乙厂", "丙厂"):
        assert base("link", "enterprise", "--cadre", "1", "--enterprise", name).code == 0
    rows = [["联系类型", "干部", "联系对象", "开始日期"], ["企业", "1", "丁厂", "2026-3-1"]]
    result = base("link", "import", str(_gbk_csv(tmp_path / "联系.csv", rows)))
    assert result.code == 1
    assert "甲厂（联系编号 1）、乙厂（联系编号 2）、丙厂（联系编号 3）" in result.out + result.err
    assert "请先用“sanlian link end 联系编号”结束其中一个" in result.out + result.err


def test_a_workbook_with_the_data_on_another_sheet_names_its_sheets(
    base: Cli, tmp_path: Path, unchanged: Callable[[Callable[[], Result]], Result]
) -> None:
    """A cover sheet first (封面), the roster second: it said only that no header was found."""
    import openpyxl

    book = openpyxl.Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "封面"
    cover.append(["2026年党员干部花名册"])
    cover.append(["填报单位：企业局"])
    roster = book.create_sheet("花名册")
    roster.append(["姓名", "科室"])
    roster.append(["钱七", "办公室"])
    book.create_sheet("说明")
    book.save(tmp_path / "花名册.xlsx")
    result = unchanged(lambda: base("cadre", "import", str(tmp_path / "花名册.xlsx")))
    assert result.err.strip() == (
        "在工作表“封面”的前 10 行中找不到表头（应含有 姓名、科室、性别、职务 等列名）；"
        "工作簿中还有工作表 “花名册”、“说明”，请用 --sheet 指定数据所在的一张，如 --sheet 花名册。"
    )
    assert base("cadre", "import", str(tmp_path / "花名册.xlsx"), "--sheet", "花名册").code == 0


@pytest.mark.parametrize("typed", ["0086 139 1234 5678", "0086-13912345678"])
def test_a_mobile_number_after_0086_is_read(base: Cli, db_path: Path, typed: str) -> None:
    """0086, as the number is dialled from abroad, was refused while +86 was read."""
    result = base("cadre", "add", "周八", "--section", "办公室", "--phone", typed)
    assert result.code == 0, result
    assert rows_of(db_path, "SELECT phone FROM cadre WHERE name = '周八'") == [("13912345678",)]


@pytest.mark.parametrize(
    "args",
    [
        ("activity", "add", "mechanism", "--date", "2025-12-01"),
        ("research", "add", "--cadre", "1", "--title", "调研", "--date", "2025-12-01"),
    ],
    ids=lambda a: a[0],
)
def test_a_record_dated_in_a_year_without_campaign_is_refused(
    base: Cli, args: tuple[str, ...], db_path: Path
) -> None:
    """Stored with a note, it then showed in no year's selfcheck or progress, while a visit
    or a problem of that day is refused: now refused as they are, nothing written."""
    result = base(*args)
    assert result.code == 1, result
    assert result.err.strip() == (
        f"“{'活动日期' if args[0] == 'activity' else '报告日期'}”2025-12-01 不在任何活动年度的"
        "期间内（2026 年：2026-03-01 至 2026-12-31），请核对日期，或先用 sanlian init --year "
        "建立该年度。"
    )
    assert rows_of(db_path, f"SELECT count(*) FROM {args[0]}") == [(0,)]
    # in the year's campaign, before its phases: counted in the year, said to be outside them
    # (a visit that day is refused: most often a typo; a plan may be drafted in February)
    again = base(*args[:-1], "2026-02-01")
    assert again.code == 0 and again.err.strip() == (
        "提示：这条 2026-02-01 的记录在 2026 年活动期间（2026-03-01 至 2026-12-31）之外，"
        f"仍计入 2026 年的统计；如日期写错，请用 sanlian {args[0]} remove 1 删除后重新登记。"
    )
    if args[0] == "activity":
        assert base(*args[:-1], "2026-03-01").err == ""


def test_an_empty_xlsx_is_called_empty(
    base: Cli, tmp_path: Path, unchanged: Callable[[Callable[[], Result]], Result]
) -> None:
    """A 0-byte .xlsx (a download that failed) was called damaged or an old .xls."""
    (tmp_path / "花名册.xlsx").write_bytes(b"")
    result = unchanged(lambda: base("cadre", "import", str(tmp_path / "花名册.xlsx")))
    assert result.err.strip() == (
        f"文件 {tmp_path / '花名册.xlsx'} 中没有任何数据，请检查是否选对了文件或工作表（--sheet）。"
    )


def test_progress_by_cadre_with_no_cadre_is_still_the_cadres_table(cli: Cli) -> None:
    """With no cadre on the roster, ``progress --by cadre`` gave the sections' table (and its
    CSV the sections' columns), as if --by cadre had not been asked."""
    assert cli("init", "--year", "2026").code == 0
    assert cli("section", "add", "办公室").code == 0
    text = cli("progress", "--by", "cadre", "-f", "plain").out
    assert "各干部事项" in text and "各科室进度" not in text
    csv_out = cli("progress", "--by", "cadre", "-f", "csv").out
    assert csv_out.lstrip("\ufeff").splitlines() == [
        "科室,姓名,现结对,联系企业,走访,最近走访,调研报告,参加活动,问题已解决,负责问题,停用日期"
    ]
    assert "by_cadre" not in cli("progress", "--by", "cadre", "-f", "json").out


@pytest.mark.parametrize(
    ("cell", "day"),
    [
        ("2026/4/22 0:00", "2026-04-22"),  # a date-time cell of a Chinese Excel, saved as CSV
        ("2026/4/22 9:30", "2026-04-22"),
        ("2026-04-22 00:00:00", "2026-04-22"),
        ("46133", "2026-04-21"),  # a date cell in General format: Excel's day number
    ],
)
def test_a_date_excel_saved_with_its_time_imports(
    campaign: Cli, db_path: Path, tmp_path: Path, cell: str, day: str
) -> None:
    rows = [
        ["走访日期", "走访干部", "对象类型", "走访对象", "形式"],
        [cell, "1", "联系户", "王秀英", "入户"],
    ]
    result = campaign("visit", "import", str(_gbk_csv(tmp_path / "走访.csv", rows)))
    assert result.code == 0, result
    assert rows_of(db_path, "SELECT visited_on FROM visit WHERE id = 2") == [(day,)]


def test_a_two_row_header_under_a_group_name_is_one_header(
    base: Cli, db_path: Path, tmp_path: Path
) -> None:
    """``联系方式`` merged over ``手机号码`` and ``身份证号码``: the second header row was read
    as a cadre with no name (refused), and 联系方式 taken for the phone column."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["企业局干部花名册"])
    sheet.merge_cells("A1:D1")
    sheet.append(["姓名", "科室", "联系方式", None])
    sheet.append([None, None, "手机号码", "身份证号码"])
    for span in ("C2:D2", "A2:A3", "B2:B3"):
        sheet.merge_cells(span)
    sheet.append(["钱十", "办公室", "135 1234 5678", None])
    sheet.append(["孙十一", "综合科", None, None])
    book.save(tmp_path / "花名册.xlsx")
    result = base("cadre", "import", str(tmp_path / "花名册.xlsx"))
    assert result.code == 0, result
    assert rows_of(db_path, "SELECT name, phone FROM cadre WHERE id > 4 ORDER BY id") == [
        ("钱十", "13512345678"),
        ("孙十一", None),
    ]


def test_the_row_under_a_one_row_header_is_data(base: Cli, db_path: Path, tmp_path: Path) -> None:
    rows = [["姓名", "科室"], ["钱十", "办公室"]]
    result = base("cadre", "import", str(_gbk_csv(tmp_path / "x.csv", rows)))
    assert result.code == 0, result
    assert rows_of(db_path, "SELECT name FROM cadre WHERE id > 4") == [("钱十",)]


def test_counts_written_with_their_unit_are_read(base: Cli, db_path: Path, tmp_path: Path) -> None:
    """家庭人口 ``4人``, 联系卡 ``3张``: refused as not whole numbers."""
    rows = [
        ["户主姓名", "所在社区(村)", "家庭人口"],
        ["孙立", "幸福社区", "4人"],
        ["周红", "幸福社区", "５ 口"],
    ]
    result = base("household", "import", str(_gbk_csv(tmp_path / "户.csv", rows)))
    assert result.code == 0, result
    assert rows_of(db_path, "SELECT name, members FROM household WHERE id > 1 ORDER BY id") == [
        ("孙立", 4),
        ("周红", 5),
    ]
    assert base("link", "community", "--section", "办公室", "--community", "幸福社区").code == 0
    args = ("visit", "add", "--cadre", "1", "--household", "孙立", "--form", "card")
    assert base(*args, "--cards", "3张").code == 0
    assert rows_of(db_path, "SELECT cards FROM visit") == [(3,)]
    assert base(*args, "--cards", "张").code == 1


def test_a_pair_row_before_the_community_link_row_of_the_same_file_imports(
    base: Cli, db_path: Path, tmp_path: Path
) -> None:
    """The pair was refused (its community not linked with the cadre's section) because the
    row linking them came later in the file, and the sentence said to run link community."""
    rows = [
        ["联系类型", "科室", "干部", "联系对象", "开始日期"],
        ["联系户", "", "单丽", "王秀英", "2026-4-1"],
        ["社区", "综合科", "", "幸福社区", "2026-3-1"],
    ]
    result = base("link", "import", str(_gbk_csv(tmp_path / "联系.csv", rows)), "--dry-run")
    assert result.code == 0, result
    assert result.out.splitlines()[2:4] == [
        "2       新增    单丽 — 王秀英",
        "3       新增    综合科 — 幸福社区",
    ]
    assert base("link", "import", str(tmp_path / "联系.csv")).code == 0
    assert rows_of(
        db_path,
        "SELECT kind, section_id, cadre_id, community_id, household_id FROM link ORDER BY id",
    ) == [("community", 2, None, 1, None), ("household", None, 3, None, 1)]


def test_visit_cadres_parted_by_spaces_import(campaign: Cli, db_path: Path, tmp_path: Path) -> None:
    """``张伟 曾强`` in the 走访干部 cell: refused as one cadre named 张伟曾强. A name padded with
    a space (``单  丽``) is still one cadre."""
    rows = [
        ["走访日期", "走访干部", "对象类型", "走访对象", "形式"],
        ["2026-6-1", "张伟@办公室 曾强", "联系户", "王秀英", "入户"],
        ["2026-6-2", "单  丽", "联系户", "王秀英", "入户"],
    ]
    result = campaign("visit", "import", str(_gbk_csv(tmp_path / "走访.csv", rows)))
    assert result.code == 0, result
    assert rows_of(
        db_path, "SELECT visit_id, cadre_id FROM visit_cadre WHERE visit_id > 1 ORDER BY 1, 2"
    ) == [(2, 1), (2, 4), (3, 3)]


def test_a_roster_s_usual_words_for_gender_party_and_role_import(
    base: Cli, db_path: Path, tmp_path: Path
) -> None:
    """男性/女性, 党员/预备党员/团员, 组员: refused as unknown values."""
    rows = [
        ["姓名", "科室", "性别", "政治面貌", "领导小组职务"],
        ["甲", "办公室", "男性", "党员", "组员"],
        ["乙", "办公室", "女性", "预备党员", ""],
        ["丙", "综合科", "女", "团员", ""],
        ["丁", "综合科", "男", "共产党员", ""],
    ]
    result = base("cadre", "import", str(_gbk_csv(tmp_path / "花名册.csv", rows)))
    assert result.code == 0, result
    assert rows_of(db_path, "SELECT name, gender, party, role FROM cadre WHERE id > 4") == [
        ("甲", "male", "member", "member"),
        ("乙", "female", "probationary", None),
        ("丙", "female", "league", None),
        ("丁", "male", "member", None),
    ]
    assert base("cadre", "add", "戊", "--section", "办公室", "--party", "党员").code == 0
    assert rows_of(db_path, "SELECT party FROM cadre WHERE name = '戊'") == [("member",)]


def test_a_problem_s_usual_category_words_are_read(
    base: Cli, db_path: Path, tmp_path: Path
) -> None:
    """就业, 融资, 纠纷: refused as categories that 'do not apply to' their target's kind."""
    rows = [
        ["提出日期", "对象类型", "对象", "类别", "问题"],
        ["2026-6-1", "联系户", "王秀英", "就业", "找工作"],
        ["2026-6-1", "企业", "临沂华强机械有限公司", "融资", "贷款难"],
        ["2026-6-1", "社区", "幸福社区", "纠纷", "邻里纠纷"],
    ]
    result = base("problem", "import", str(_gbk_csv(tmp_path / "问题.csv", rows)))
    assert result.code == 0, result
    assert rows_of(db_path, "SELECT category FROM problem ORDER BY id") == [
        ("employment",),
        ("funds",),
        ("dispute",),
    ]
    listed = json.loads(base("problem", "list", "--category", "就业", "-f", "json").out)
    assert [p["id"] for p in listed] == [1]


def test_a_category_of_no_kind_is_called_unknown(
    base: Cli, unchanged: Callable[[Callable[[], Result]], Result]
) -> None:
    args = ("problem", "add", "--household", "王秀英", "--text", "x", "--category", "天气")
    result = unchanged(lambda: base(*args))
    assert result.err.startswith("“问题类别”的值“天气”不认识，请填写以下之一：技能培训(training)")
    other = unchanged(lambda: base(*args[:-1], "资金"))
    assert other.err.startswith("“问题类别”“资金”不适用于联系户的问题")


def test_a_community_s_kind_as_rosters_write_it(base: Cli, db_path: Path, tmp_path: Path) -> None:
    rows = [
        ["名称", "类别", "乡镇(街道)"],
        ["甲村", "行政村", "枣园镇"],
        ["乙社区", "居委会", "兰山街道"],
    ]
    result = base("community", "import", str(_gbk_csv(tmp_path / "社区.csv", rows)))
    assert result.code == 0, result
    assert rows_of(db_path, "SELECT name, kind FROM community WHERE id > 2 ORDER BY id") == [
        ("甲村", "village"),
        ("乙社区", "community"),
    ]


@pytest.mark.parametrize(
    ("typed", "fen"),
    [("1.2万", 1_200_000), ("1.2 万元", 1_200_000), ("3万", 3_000_000), ("1.234567万", 1_234_567)],
)
def test_money_in_wan_is_read_exactly(campaign: Cli, db_path: Path, typed: str, fen: int) -> None:
    """``1.2万``, as ledgers write money, was refused."""
    result = campaign(
        "problem", "resolve", "1", "--how", "送医", "--amount", typed, "--date", "3-10"
    )
    assert result.code == 0, result
    assert rows_of(db_path, "SELECT amount_fen FROM problem_step WHERE kind = 'resolve'") == [
        (fen,)
    ]


@pytest.mark.parametrize("typed", ["1.2345678万", "1,2万", "万", "-1万"])
def test_money_in_wan_that_is_no_amount_is_refused(
    campaign: Cli, typed: str, unchanged: Callable[[Callable[[], Result]], Result]
) -> None:
    result = unchanged(lambda: campaign("problem", "resolve", "1", "--how", "x", "--amount", typed))
    reason = "是负数" if typed.startswith("-") else "无法识别"
    assert reason in result.err and "资金" in result.err


def test_qita_written_either_way_is_other(base: Cli, db_path: Path) -> None:
    """其它 (as often written for 其他) was refused for forms, categories and party."""
    assert base("cadre", "add", "周九", "--section", "办公室", "--party", "其它").code == 0
    args = ("visit", "add", "--cadre", "周九", "--household", "王秀英", "--form", "其它")
    assert base(*args, "--date", "3-2").code == 0
    problem = ("problem", "add", "--household", "王秀英", "--category", "其它", "--text", "x")
    assert base(*problem).code == 0
    assert rows_of(db_path, "SELECT party FROM cadre WHERE name = '周九'") == [("other",)]
    assert rows_of(db_path, "SELECT form FROM visit") == [("other",)]
    assert rows_of(db_path, "SELECT category FROM problem") == [("other",)]


def test_a_bracketed_second_column_of_a_field_does_not_clash(
    base: Cli, db_path: Path, tmp_path: Path
) -> None:
    """手机号码 and 手机号码（备用）: the plain one is the field, the other is left out."""
    rows = [
        ["姓名", "科室", "手机号码", "手机号码（备用）"],
        ["钱十", "办公室", "13512345678", "13600001111"],
    ]
    result = base("cadre", "import", str(_gbk_csv(tmp_path / "花名册.csv", rows)))
    assert result.code == 0, result
    assert rows_of(db_path, "SELECT phone FROM cadre WHERE name = '钱十'") == [("13512345678",)]


@pytest.mark.parametrize("word", ["家访", "入户家访", "实地走访"])
def test_a_home_visit_written_as_clerks_say_it(base: Cli, word: str) -> None:
    added = base(
        "visit", "add", "--date", "6-1", "--cadre", "单丽", "--household", "王秀英",
        "--form", word,
    )  # fmt: skip
    assert added.code == 0, added
    assert base("visit", "show", "1", "-f", "json").json()["form"] == "home"


@pytest.mark.parametrize("word", ["动员会", "动员部署会"])
def test_a_mobilisation_meeting_written_short(base: Cli, word: str) -> None:
    added = base("activity", "add", word, "--date", "3-5", "--title", "全局动员会")
    assert added.code == 0, added
    assert base("activity", "list", "-f", "json").json()[0]["kind"] == "mobilize"
