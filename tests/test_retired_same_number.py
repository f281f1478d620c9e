"""A retired (transferred) cadre's ID number given again: recognised, not a second record of the
same person; ``restore`` brings the record back; ``db check`` names two records of one number."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, Result, execute_sql, rows_of
from tests.test_import_registry import MAN, WOMAN, write_csv

Unchanged = Callable[[Callable[[], Result]], Result]

GONE = (
    "身份证号码与已停用的干部“周杰”相同：此人已登记为编号 5，2026年3月8日停用；如是同一人回来，"
    "请用 sanlian cadre restore 5 恢复（原有记录随之保留），不要再登记一次。"
)


def ok(cli: Cli, *args: Any) -> Result:
    result = cli(*args)
    assert result.code == 0, result
    return result


@pytest.fixture
def gone(base: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """周杰 (编号 5, 综合科) paired with 王秀英 from 3-2, transferred on 3-8 (retired: his pair
    is history)."""
    monkeypatch.setenv("SANLIAN_TODAY", "2026-03-10")
    ok(base, "link", "community", "--section", "综合科", "--community", "幸福社区", "--from", "3-1")
    ok(base, "cadre", "add", "周杰", "--section", "综合科", "--gender", "男", "--id-number", MAN)
    ok(base, "link", "household", "--cadre", "周杰", "--household", "王秀英", "--from", "3-2")
    ok(base, "cadre", "remove", "周杰", "--force", "--date", "3-8")
    return base


def test_cadre_add_of_a_retired_cadres_id_number_says_who_and_how_to_bring_back(
    gone: Cli, unchanged: Unchanged
) -> None:
    """It was added silently as 编号 6: two records of one person, and ``db check`` passed."""
    add = ("cadre", "add", "周杰", "--section", "综合科", "--gender", "男", "--id-number", MAN)
    result = unchanged(lambda: gone(*add))
    assert result.code == 1 and result.err == GONE + "\n"
    # another section, another name: the number is the person's
    result = unchanged(
        lambda: gone("cadre", "add", "周洁", "--section", "办公室", "--id-number", MAN)
    )
    assert result.code == 1 and "此人已登记为编号 5" in result.err
    # a cadre on the roster given that number by an edit: the same
    result = unchanged(lambda: gone("cadre", "edit", "曾强", "--id-number", MAN))
    assert result.code == 1 and "此人已登记为编号 5" in result.err


def test_restore_brings_a_retired_cadre_back(
    gone: Cli, db_path: Path, unchanged: Unchanged
) -> None:
    result = ok(gone, "cadre", "restore", "周杰")
    assert result.out == (
        "已恢复干部“周杰”（编号 5），可以再用于新记录；停用时结束的联系没有恢复，"
        "需要时请用 sanlian link 重新建立。恢复后它视为一直在册：查看停用期间某一天的统计和督促"
        "（--as-of）也按在册计算。\n"
    )
    assert rows_of(db_path, "SELECT retired_on FROM cadre WHERE id = 5") == [(None,)]
    # his pair stays history: ended the day before he left
    assert rows_of(db_path, "SELECT end_on FROM link WHERE cadre_id = 5") == [("2026-03-07",)]
    ok(gone, "link", "household", "--cadre", "周杰", "--household", "王秀英", "--from", "3-10")
    result = unchanged(lambda: gone("cadre", "restore", "5"))
    assert result.err == "干部“周杰”（编号 5）没有停用，不需要恢复。\n"
    # a retired cadre whose section was retired too: moved first
    ok(gone, "section", "add", "三科")
    ok(gone, "cadre", "add", "赵六", "--section", "三科")
    ok(gone, "research", "add", "--cadre", "赵六", "--title", "调研", "--date", "3-9")
    ok(gone, "cadre", "remove", "赵六", "--force", "--date", "3-10")
    ok(gone, "section", "remove", "三科", "--force", "--date", "3-10")
    result = unchanged(lambda: gone("cadre", "restore", "赵六"))
    assert result.err == (
        "干部“赵六”（编号 6）所在的科室“三科”已停用；请先用 sanlian section restore 3 恢复该科室，"
        "或用 sanlian cadre edit 6 --section 改到在用的科室，再恢复。\n"
    )
    # either way named works: the section brought back first ...
    ok(gone, "section", "restore", "3")
    ok(gone, "cadre", "restore", "赵六")
    assert rows_of(db_path, "SELECT retired_on FROM cadre WHERE id = 6") == [(None,)]
    ok(gone, "undo", "--yes")
    ok(gone, "undo", "--yes")
    # ... or the cadre moved to a section in use
    ok(gone, "cadre", "edit", "赵六", "--section", "综合科")
    ok(gone, "cadre", "restore", "赵六")
    ok(gone, "undo", "--yes")  # the restore undone: retired again
    assert rows_of(db_path, "SELECT retired_on FROM cadre WHERE id = 6") == [("2026-03-10",)]


def test_a_household_and_an_enterprise_of_a_retired_ones_number(
    base: Cli, unchanged: Unchanged
) -> None:
    ok(base, "household", "add", "孙秀珍", "--community", "前河湾村", "--id-number", WOMAN)
    visit = ("visit", "add", "--date", "6-1", "--cadre", "单丽", "--form", "入户走访")
    ok(base, *visit, "--household", "孙秀珍")
    ok(base, "household", "remove", "孙秀珍", "--force", "--date", "6-10")
    add = ("household", "add", "孙秀珍", "--community", "幸福社区", "--id-number", WOMAN)
    result = unchanged(lambda: base(*add))
    assert result.err == (
        "身份证号码与已停用的联系户“孙秀珍”相同：此人已登记为编号 2，2026年6月10日停用；"
        "如是同一人回来，请用 sanlian household restore 2 恢复（原有记录随之保留），"
        "不要再登记一次。\n"
    )
    ok(base, *visit, "--enterprise", "1")
    ok(base, "enterprise", "remove", "1", "--force", "--date", "6-10")
    result = unchanged(
        lambda: base("enterprise", "add", "华强机械", "--uscc", "91350100M000100Y43")
    )
    assert result.err == (
        "统一社会信用代码与已停用的企业“临沂华强机械有限公司”相同：该企业已登记为编号 1，"
        "2026年6月10日停用；如是同一家企业，请用 sanlian enterprise restore 1 恢复"
        "（原有记录随之保留），不要再登记一次。\n"
    )


@pytest.mark.parametrize("dry", [True, False], ids=["dry-run", "import"])
def test_a_roster_row_of_a_retired_cadres_number_is_an_error_row(
    gone: Cli, db_path: Path, tmp_path: Path, dry: bool, unchanged: Unchanged
) -> None:
    """A roster sent again with the transferred cadre on it added him a second time."""
    rows = [
        ["姓名", "科室", "性别", "身份证号码"],
        ["周杰", "综合科", "男", MAN],
        ["李娜", "综合科", "女", ""],
    ]
    path = write_csv(tmp_path / "花名册.csv", rows)
    result = unchanged(lambda: gone("cadre", "import", path, *(["--dry-run"] if dry else [])))
    assert result.code == 1
    lines = [ln for ln in result.err.splitlines() if ln.startswith("2 ")]
    assert len(lines) == 1 and lines[0].split(None, 3)[1] == "身份证号码", result.err
    assert lines[0].endswith(GONE), result.err
    if not dry:  # the good rows alone, when asked
        ok(gone, "cadre", "import", path, "--skip-bad")
        assert rows_of(db_path, "SELECT name, retired_on FROM cadre WHERE id > 4") == [
            ("周杰", "2026-03-08"),
            ("李娜", None),
        ]


def test_db_check_names_two_records_of_one_number(gone: Cli, db_path: Path) -> None:
    """Older versions let a retired cadre's number be registered again."""
    execute_sql(
        db_path,
        "INSERT INTO cadre (name, section_id, gender, id_number, is_leader, party, role, "
        f"created_at) VALUES ('周杰', 2, 'male', '{MAN}', FALSE, 'member', 'member', "
        "'2026-03-09 08:00:00')",
    )
    result = gone("db", "check", "-f", "json")
    assert result.code == 1
    found = {f["check"]: f for f in result.json()}["same_number"]
    assert found["label"] == "同一身份证号码（信用代码）只登记一次"
    assert found["records"] == ["干部编号 5（2026-03-08 停用）、6：身份证号码相同（周杰）"]
    # that older record in use stays editable: the number it keeps is not given anew
    edited = gone("cadre", "edit", "6", "--phone", "13812345678")
    assert edited.code == 0, edited


def test_a_retired_cadres_name_added_again_in_the_section_gets_a_note(gone: Cli) -> None:
    """No ID number to go by: a note (namesakes exist), naming the retired record and how to
    bring it back instead."""
    added = ok(gone, "cadre", "add", "周杰", "--section", "综合科")
    assert added.out.strip() == "已添加干部“周杰”，编号 6。"
    assert added.err.strip() == (
        "提示：同一科室有已停用的同名干部“周杰”（编号 5，2026年3月8日停用）；如是同一人调回，"
        "请用 sanlian cadre restore 5 恢复原记录（连同其历史），并用 sanlian cadre remove 6 "
        "删除刚登记的这条。"
    )
    # another section: no note
    assert ok(gone, "cadre", "add", "周杰", "--section", "办公室").err == ""
    # a household moved away and back: 搬回, not a cadre's 调回
    ok(gone, "visit", "add", "--date", "3-9", "--cadre", "单丽", "--household", "王秀英",
       "--form", "入户走访")  # fmt: skip
    ok(gone, "household", "remove", "王秀英", "--force", "--date", "3-10")
    added = ok(gone, "household", "add", "王秀英", "--community", "幸福社区")
    assert "已停用的同名联系户“王秀英”（编号 1，2026年3月10日停用）；如是同一人搬回，" in added.err


def test_a_roster_row_of_a_retired_cadres_number_says_restore(
    gone: Cli, tmp_path: Path, unchanged: Unchanged
) -> None:
    """An exported roster's row whose 台账编号 is a cadre retired since: the refusal names
    ``restore`` (the way back for one who came back), not "register anew"."""
    sheet = tmp_path / "干部.csv"
    ok(gone, "export", "cadre", "-o", sheet)
    lines = sheet.read_text(encoding="utf-8-sig").splitlines()
    first = lines[1].split(",")
    first[0], first[1] = "5", "周杰"
    sheet.write_text("\n".join([lines[0], ",".join(first)]) + "\n", encoding="utf-8-sig")
    result = unchanged(lambda: gone("cadre", "import", sheet))
    assert result.code == 1
    assert (
        "“台账编号”5 的干部“周杰”已停用，不能再导入修改；如是同一人（同一单位）又回来了，"
        "请先用 sanlian cadre restore 5 恢复它再导入，否则请删去这一行。"
    ) in result.out.replace("\n", "") + result.err.replace("\n", ""), result


def test_an_older_export_with_an_unchanged_row_of_one_retired_since_is_imported(
    base: Cli, tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The roster exported in March, 周杰 transferred since, the file's other rows edited: his
    row, left as it was, is skipped with a note, not a refusal of the whole file."""
    monkeypatch.setenv("SANLIAN_TODAY", "2026-03-10")
    ok(base, "cadre", "add", "周杰", "--section", "综合科", "--gender", "男", "--id-number", MAN)
    ok(base, "research", "add", "--cadre", "周杰", "--title", "调研", "--date", "3-9")
    sheet = tmp_path / "干部.xlsx"
    ok(base, "export", "cadre", "-o", sheet)
    ok(base, "cadre", "remove", "周杰", "--force", "--date", "3-10")
    from openpyxl import load_workbook

    book = load_workbook(sheet)
    rows = list(book.active.iter_rows())
    headers = [c.value for c in rows[0]]
    for row in rows[1:]:
        if row[headers.index("姓名")].value == "单丽":
            row[headers.index("职务")].value = "科长"
    book.save(sheet)
    result = ok(base, "cadre", "import", sheet)
    assert "更新 1" in result.out, result
    assert "干部“周杰”（编号 5）已停用，这一行与台账中的相同，已跳过。" in result.err
    assert rows_of(db_path, "SELECT title FROM cadre WHERE name = '单丽'") == [("科长",)]
    assert rows_of(db_path, "SELECT retired_on FROM cadre WHERE id = 5") == [("2026-03-10",)]


def test_a_roster_row_of_a_retired_namesake_in_the_same_section_gets_the_note(
    gone: Cli, tmp_path: Path, db_path: Path
) -> None:
    """``cadre add`` notes a retired namesake of the same section; an import now does too,
    on the dry run and the real one (a section's roster still listing one transferred back)."""
    roster = write_csv(tmp_path / "花名册.csv", [["姓名", "科室"], ["周杰", "综合科"]])
    note = (
        "第 2 行：提示：同一科室有已停用的同名干部“周杰”（编号 5，2026年3月8日停用）；"
        "如是同一人回来，应恢复原记录（连同其历史）而不是作为新记录导入："
        "请用 sanlian cadre restore 5 恢复后再导入这份文件（已经导入的，先用 sanlian undo "
        "撤销这次导入）。"
    )
    assert note in ok(gone, "cadre", "import", roster, "--dry-run").err.replace("\n", "")
    assert note in ok(gone, "cadre", "import", roster).err.replace("\n", "")
    # the way it says: undone, restored, imported again — the one record updated
    ok(gone, "undo", "--yes")
    ok(gone, "cadre", "restore", "5")
    result = ok(gone, "cadre", "import", roster)
    assert "新增 0" in result.out and "提示：同一科室" not in result.err
    assert rows_of(db_path, "SELECT count(*) FROM cadre WHERE name = '周杰'") == [(1,)]
    # another section's 周杰: no note
    other = write_csv(tmp_path / "办公室.csv", [["姓名", "科室"], ["周杰", "办公室"]])
    assert "提示：同一科室" not in ok(gone, "cadre", "import", other).err
