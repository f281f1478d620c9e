"""An export imported back after the ledger changed does not undo the change: a cell that still
holds what the record had when sanlian wrote the workbook is left alone where the ledger was
changed since (a colleague's ``edit``), and a cell changed both in the file and in the ledger is
refused. The workbook says when it was written (its core properties, which Excel keeps)."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sanlian.io.xlsx_stream import written_at
from tests.conftest import Cli, dump
from tests.test_import_ledgers import LINKS, VISITS, write_csv


@contextlib.contextmanager
def _an_hour_later(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """What is done inside, an hour after the export (a colleague's edit that afternoon)."""
    from sanlian.services import clock

    real = clock.now
    with monkeypatch.context() as patch:
        patch.setattr(clock, "now", lambda: real() + dt.timedelta(hours=1))
        yield


def _set_cell(path: Path, row_id: int, header: str, value: Any) -> None:
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if str(row[0].value) == str(row_id):
            row[headers.index(header)].value = value
    book.save(path)


def _phone(cli: Cli, ref: str) -> Any:
    return cli("cadre", "show", ref, "--reveal", "-f", "json").json()["phone"]


def test_an_old_export_does_not_put_back_what_a_colleague_changed(
    base: Cli, tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert base("cadre", "edit", "单丽", "--phone", "13900000000", "--title", "办事员").code == 0
    path = tmp_path / "干部.xlsx"
    assert base("export", "cadre", "-o", path, "--reveal").code == 0
    assert written_at(path) is not None  # sanlian's own workbook says when it was written
    with _an_hour_later(monkeypatch):
        assert base("cadre", "edit", "单丽", "--phone", "13900001111", "--title", "科员").code == 0
    _set_cell(path, 4, "职务", "副科长")  # the clerk's own change in the file, to 曾强
    result = base("cadre", "import", path)
    assert result.code == 0 and "新增 0，更新 1，未变 3" in result.out, result.err
    for field in ("职务", "手机号码"):
        assert re.search(
            rf"第 4 行：“{field}”在这份文件写出（[-0-9 :]+）之后已在台账中改过（变更日志第 \d+ 条，"
            r"[-0-9 :]+），本行还是写出时的旧值，没有用它改回。",
            result.err,
        ), result.err
    shown = base("cadre", "show", "单丽", "-f", "json").json()
    assert shown["title"] == "科员" and _phone(base, "单丽") == "13900001111"
    assert base("cadre", "show", "曾强", "-f", "json").json()["title"] == "副科长"
    # changed in the file to a third value as well: which is right is the clerk's to say
    _set_cell(path, 3, "手机号码", "13700002222")  # (单丽's)
    before = dump(db_path)
    result = base("cadre", "import", path)
    assert result.code == 1 and dump(db_path) == before
    assert (
        "本行又改成了另一个值，不知以哪个为准；请核对后用 sanlian cadre edit 直接修改，或重新导出"
        in result.err
    )
    assert _phone(base, "单丽") == "13900001111"


def test_a_fresh_export_and_a_csv_file_change_as_before(base: Cli, tmp_path: Path) -> None:
    """Changed before the export (the file holds the change), or a file that does not say
    when it was written: the file's values are imported."""
    assert base("cadre", "edit", "单丽", "--title", "科员").code == 0
    path = tmp_path / "干部.xlsx"
    assert base("export", "cadre", "-o", path).code == 0
    _set_cell(path, 3, "职务", "副科长")
    result = base("cadre", "import", path)
    assert result.code == 0 and "更新 1" in result.out and "台账中改过" not in result.err
    assert "没有记下导出的时间" not in result.err
    assert base("cadre", "show", "单丽", "-f", "json").json()["title"] == "副科长"
    text = tmp_path / "干部.csv"
    assert base("export", "cadre", "-o", text).code == 0
    assert base("cadre", "edit", "单丽", "--title", "科长").code == 0
    result = base("cadre", "import", text)  # (a CSV file says nothing of when it was written)
    assert (
        result.code == 0 and base("cadre", "show", "单丽", "-f", "json").json()["title"] == "副科长"
    )
    # said so: the old value was written back, and how to be safe next time
    assert (
        "提示：这份文件没有记下导出的时间（CSV 文件，或不是 sanlian 导出的 .xlsx），"
        "无法判断导出后台账中是否有人改过这些记录，文件中的旧值已照样写入；"
        "以后请用 sanlian export cadre -o 文件.xlsx 导出"
    ) in result.err.replace("\n", "")
    result = base("cadre", "import", text)  # nothing changed by it: nothing to say
    assert "未变" in result.out and "没有记下导出的时间" not in result.err


@pytest.fixture
def visited(base: Cli, tmp_path: Path) -> Cli:
    assert base("link", "import", write_csv(tmp_path / "联系.csv", LINKS)).code == 0
    assert base("visit", "import", write_csv(tmp_path / "a.csv", VISITS)).code == 0
    return base


def test_a_visit_diary_written_since_is_kept(
    visited: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    linked = visited
    path = tmp_path / "走访.xlsx"
    assert linked("export", "visit", "-o", path).code == 0
    with _an_hour_later(monkeypatch):
        assert linked("visit", "edit", "1", "--diary", "补记：已办好慢病卡").code == 0
    result = linked("visit", "import", path)
    assert result.code == 0 and "未变 3" in result.out, result
    assert "第 2 行：“民情日记”在这份文件写出" in result.err
    assert linked("visit", "show", "1", "-f", "json").json()["diary"] == "补记：已办好慢病卡"


def _at(monkeypatch: pytest.MonkeyPatch, moment: dt.datetime) -> None:
    """The clock stands at ``moment`` (UTC) from now on."""
    from sanlian.services import clock

    monkeypatch.setattr(clock, "now", lambda: moment)


T0 = dt.datetime(2030, 1, 1, 2, 0, 0, 500_000, tzinfo=dt.UTC)  # (after the fixtures were made)


def _exported(cli: Cli, monkeypatch: pytest.MonkeyPatch, kind: str, path: Path) -> None:
    """``kind`` exported to ``path`` at T0; the clock an hour on (a colleague's time)."""
    _at(monkeypatch, T0)
    assert cli("export", kind, "-o", path).code == 0
    _at(monkeypatch, T0 + dt.timedelta(hours=1))


def _title(cli: Cli, ref: str) -> Any:
    return cli("cadre", "show", ref, "-f", "json").json()["title"]


def test_the_second_an_export_was_written_in_counts_as_before_it(
    base: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workbook says the second it was written: a change in that second may be in it, so
    only one from the next second on counts as later."""
    assert base("cadre", "edit", "单丽", "--title", "办事员").code == 0
    path = tmp_path / "干部.xlsx"
    _at(monkeypatch, T0)
    assert base("export", "cadre", "-o", path).code == 0
    assert written_at(path) == T0.replace(microsecond=0)
    _at(monkeypatch, T0 + dt.timedelta(milliseconds=400))  # (still 02:00:00)
    assert base("cadre", "edit", "曾强", "--title", "科员").code == 0
    _at(monkeypatch, T0 + dt.timedelta(milliseconds=500))  # 02:00:01
    assert base("cadre", "edit", "单丽", "--title", "科员").code == 0
    _at(monkeypatch, T0 + dt.timedelta(hours=1))
    result = base("cadre", "import", path)
    assert result.code == 0 and "第 4 行：“职务”在这份文件写出" in result.err
    assert "第 5 行" not in result.err  # 曾强's change in the export's own second: the file's
    assert _title(base, "单丽") == "科员"


def test_an_undo_since_the_export_is_kept_too(
    base: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _at(monkeypatch, T0)
    assert base("cadre", "edit", "单丽", "--title", "错的").code == 0
    path = tmp_path / "干部.xlsx"
    assert base("export", "cadre", "-o", path).code == 0
    _at(monkeypatch, T0 + dt.timedelta(hours=1))
    assert base("undo", "--yes").code == 0  # 单丽's title wrong: taken back after the export
    _set_cell(path, 4, "职务", "副科长")  # (曾强's, so that the file changes something)
    result = base("cadre", "import", path)
    assert result.code == 0 and "第 4 行：“职务”在这份文件写出" in result.err, result
    assert _title(base, "单丽") is None and _title(base, "曾强") == "副科长"


def test_the_clerks_own_working_copy_imported_again(
    base: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An export edited and imported one day, edited again and imported the next: its own
    import is no colleague's change; nor is a change of another field a change of the name."""
    path = tmp_path / "干部.xlsx"
    _exported(base, monkeypatch, "cadre", path)
    _set_cell(path, 3, "职务", "副科长")
    assert base("cadre", "import", path).code == 0
    _at(monkeypatch, T0 + dt.timedelta(hours=2))
    assert base("cadre", "edit", "单丽", "--note", "借调").code == 0  # a colleague's, another field
    _at(monkeypatch, T0 + dt.timedelta(days=1))
    _set_cell(path, 3, "职务", "科长")
    _set_cell(path, 3, "姓名", "单莉")  # a typo in her name put right
    result = base("cadre", "import", path)
    assert result.code == 0 and "更新 1" in result.out and "台账中改过" not in result.err, result
    shown = base("cadre", "show", "3", "-f", "json").json()
    assert (shown["name"], shown["title"], shown["note"]) == ("单莉", "科长", "借调")


def test_the_bad_rows_file_is_checked_as_its_export_was(
    base: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The refused rows saved with --skip-bad carry when their export was written: imported
    after they are put right, a colleague's change since is no more undone than before."""
    assert base("cadre", "edit", "单丽", "--title", "办事员").code == 0
    path = tmp_path / "干部.xlsx"
    _exported(base, monkeypatch, "cadre", path)
    assert base("cadre", "edit", "单丽", "--title", "科员", "--note", "借调").code == 0
    _set_cell(path, 3, "备注", "在岗")  # changed in both: refused, and saved
    result = base("cadre", "import", path, "--skip-bad")
    assert result.code == 0 and "不合格 1" in result.out, result
    bad = tmp_path / "干部.错误.xlsx"
    assert written_at(bad) == T0.replace(microsecond=0)
    _set_cell(bad, 3, "备注", "借调")  # put right: as the ledger has it
    result = base("cadre", "import", bad)
    assert result.code == 0 and "“职务”在这份文件写出" in result.err, result.err
    assert _title(base, "单丽") == "科员"


def test_a_row_without_its_number_is_not_an_exports_row(
    base: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An old export reused as a new roster (台账编号 cleared): its values are typed anew."""
    from openpyxl import load_workbook

    assert base("cadre", "edit", "单丽", "--title", "办事员").code == 0
    path = tmp_path / "干部.xlsx"
    _exported(base, monkeypatch, "cadre", path)
    assert base("cadre", "edit", "单丽", "--title", "科员").code == 0
    book = load_workbook(path)
    for row in book.active.iter_rows(min_row=2):
        row[0].value = None
    book.save(path)
    _set_cell_by_name(path, "单丽", "职务", "副科长")
    result = base("cadre", "import", path)
    assert result.code == 0 and "台账中改过" not in result.err, result
    assert _title(base, "单丽") == "副科长"


def _set_cell_by_name(path: Path, name: str, header: str, value: Any) -> None:
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[headers.index("姓名")].value == name:
            row[headers.index(header)].value = value
    book.save(path)


def test_a_visits_cadres_changed_since_are_kept(
    visited: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "走访.xlsx"
    _at(monkeypatch, T0)
    assert visited("export", "visit", "-o", path).code == 0
    before = visited("visit", "show", "1", "-f", "json").json()["cadres"]
    _at(monkeypatch, T0 + dt.timedelta(hours=1))
    assert visited("visit", "edit", "1", "--cadre", "张伟@综合科", "--cadre", "单丽").code == 0
    after = visited("visit", "show", "1", "-f", "json").json()["cadres"]
    assert after != before
    result = visited("visit", "import", path)
    assert result.code == 0 and "第 2 行：“走访干部”在这份文件写出" in result.err, result.err
    assert visited("visit", "show", "1", "-f", "json").json()["cadres"] == after


def test_a_due_date_extended_since_the_export_is_kept(
    base: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole file was refused, pointing to a problem extend the ledger then refused."""
    add = ("problem", "add", "--household", "王秀英", "--category", "就学", "--text", "上学远")
    assert base(*add, "--owner", "单丽", "--date", "5-1").code == 0
    path = tmp_path / "问题.xlsx"
    _exported(base, monkeypatch, "problem", path)
    assert base("problem", "extend", "1", "--due", "7-31", "--reason", "等待审批").code == 0
    result = base("problem", "import", path)
    assert result.code == 0 and "第 2 行：“办理期限”在这份文件写出" in result.err, result.err
    assert base("problem", "show", "1", "-f", "json").json()["due_on"] == "2026-07-31"


def test_a_colleagues_file_of_the_same_name_is_not_ones_own(
    base: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two clerks export 干部.xlsx into their own folders: the other's import is a change
    since, not one's own earlier import (they are told apart by when each was written)."""
    mine, theirs = tmp_path / "a" / "干部.xlsx", tmp_path / "b" / "干部.xlsx"
    mine.parent.mkdir()
    theirs.parent.mkdir()
    assert base("cadre", "edit", "单丽", "--title", "办事员").code == 0
    _at(monkeypatch, T0)
    assert base("export", "cadre", "-o", mine).code == 0
    _at(monkeypatch, T0 + dt.timedelta(minutes=5))
    assert base("export", "cadre", "-o", theirs).code == 0
    _at(monkeypatch, T0 + dt.timedelta(hours=1))
    _set_cell(theirs, 3, "职务", "科员")
    assert base("cadre", "import", theirs).code == 0
    _at(monkeypatch, T0 + dt.timedelta(hours=2))
    _set_cell(mine, 4, "职务", "副科长")
    result = base("cadre", "import", mine)
    assert result.code == 0 and "第 4 行：“职务”在这份文件写出" in result.err, result.err
    assert _title(base, "单丽") == "科员" and _title(base, "曾强") == "副科长"


def _two_copies(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, kind: str, path: Path
) -> tuple[Path, Path]:
    """``kind`` exported to ``path`` at T0 and copied into folders a/ and b/ under its name
    (one export sent to two sections, handed back as it was named)."""
    import shutil

    _exported(cli, monkeypatch, kind, path)
    copies = (path.parent / "a" / path.name, path.parent / "b" / path.name)
    for copy in copies:
        copy.parent.mkdir()
        shutil.copyfile(path, copy)
    return copies


def test_two_copies_of_one_export_handed_back_under_its_name_keep_each_others_changes(
    base: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One export sent to two sections, each copy edited and handed back as 干部.xlsx: the
    second imported does not put back what the first changed (it holds the value of then)."""
    assert base("cadre", "edit", "单丽", "--title", "科员").code == 0
    assert base("cadre", "edit", "曾强", "--title", "科员").code == 0
    first, second = _two_copies(base, monkeypatch, "cadre", tmp_path / "干部.xlsx")
    _set_cell(first, 3, "职务", "副科长")  # 单丽, by the first section
    _set_cell(second, 4, "职务", "科长")  # 曾强, by the second
    assert base("cadre", "import", first).code == 0
    _at(monkeypatch, T0 + dt.timedelta(hours=2))
    result = base("cadre", "import", second)
    assert result.code == 0 and "新增 0，更新 1" in result.out, result
    said = result.err.replace("\n", "")
    assert "第 4 行：“职务”在这份文件写出" in said  # 单丽 is data row 3, line 4
    assert "已由同名、同时写出的文件的一次导入改过" in said and "没有用它改回" in said
    assert "如确是有意改回，请用 sanlian cadre edit 直接修改" in said  # (or it was the clerk's)
    assert _title(base, "单丽") == "副科长" and _title(base, "曾强") == "科长"
    # the first copy imported again: it holds what its import wrote (单丽), and 曾强 as he
    # was, which the second's import changed since — kept, and said
    result = base("cadre", "import", first)
    assert result.code == 0 and "未变 4" in result.out, result
    assert "第 5 行：“职务”在这份文件写出" in result.err and "没有用它改回" in result.err
    assert _title(base, "单丽") == "副科长" and _title(base, "曾强") == "科长"
    # the two copies changing one cell otherwise: the later is written, and the clash said
    _set_cell(first, 4, "职务", "主任")
    result = base("cadre", "import", first)
    assert result.code == 0 and "更新 1" in result.out, result
    assert "本行又改成了另一个值，已按本行写入；如这是另一个科室交回的副本" in result.err
    assert _title(base, "曾强") == "主任"


def test_the_clerks_own_change_put_back_in_the_working_copy_is_said_how_to_make(
    base: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The working copy changed, imported, its cell set back and imported again: that looks
    like a copy of the export holding the value of then — kept, the note saying how to make
    the change if it was meant (a copy's clash is the likelier; the edit is one command)."""
    assert base("cadre", "edit", "单丽", "--title", "科员").code == 0
    path = tmp_path / "干部.xlsx"
    _exported(base, monkeypatch, "cadre", path)
    _set_cell(path, 3, "职务", "副科长")
    assert base("cadre", "import", path).code == 0
    _set_cell(path, 3, "职务", "科员")
    result = base("cadre", "import", path)
    assert result.code == 0 and "如确是有意改回，请用 sanlian cadre edit 直接修改" in result.err
    assert _title(base, "单丽") == "副科长"


def test_two_copies_of_a_visit_export_keep_each_others_cadres(
    visited: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The visits' cadres as the copies' fields are: the second copy, holding visit 1's
    cadres of then, does not put back what the first changed."""
    first, second = _two_copies(visited, monkeypatch, "visit", tmp_path / "走访.xlsx")
    _set_cell(first, 1, "走访干部", "张伟@综合科、单丽")
    _set_cell(second, 2, "备注", "座谈")
    result = visited("visit", "import", first)
    assert result.code == 0 and "更新 1" in result.out, result
    after = visited("visit", "show", "1", "-f", "json").json()["cadres"]
    _at(monkeypatch, T0 + dt.timedelta(hours=2))
    result = visited("visit", "import", second)
    assert result.code == 0 and "更新 1" in result.out, result
    assert "“走访干部”在这份文件写出" in result.err and "没有用它改回" in result.err
    assert visited("visit", "show", "1", "-f", "json").json()["cadres"] == after


def test_a_row_naming_a_record_registered_after_the_file_was_written_is_refused(
    base: Cli, tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another ledger's export (last year's, kept in the same folder): its 台账编号 5 names a
    cadre registered here after it was written, and a name a character away (王芳 for 王刚)
    is no typo of it. Before, 王芳's record was rewritten as 王刚's."""
    path = tmp_path / "干部.xlsx"
    _exported(base, monkeypatch, "cadre", path)
    assert base("cadre", "add", "王芳", "--section", "综合科", "--gender", "女").code == 0
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    values = {"台账编号": 5, "姓名": "王刚", "科室": "办公室"}
    sheet.append([values.get(h) for h in headers])
    book.save(path)
    before = dump(db_path)
    result = base("cadre", "import", path)
    assert result.code == 1, result
    assert (
        "“台账编号”5 是干部“王芳”，它在这份文件写出（" in result.err
        and "之后才登记，本行“王刚”不会是它" in result.err
    ), result.err
    assert dump(db_path) == before
    # the same name: the clerk's working copy, a row it added given its new number
    book = load_workbook(path)
    sheet = book.active
    sheet.cell(sheet.max_row, headers.index("姓名") + 1, "王芳")
    sheet.cell(sheet.max_row, headers.index("职务") + 1, "科员")
    book.save(path)
    result = base("cadre", "import", path)
    assert result.code == 0 and "更新 1" in result.out, result


def test_a_name_a_different_sound_away_is_another_person(
    base: Cli, tmp_path: Path, db_path: Path, unchanged: Any
) -> None:
    """A typo is a character of the same sound (单莉 for 单丽); 曾刚 for 曾强 is someone else,
    and so is a row of the other gender."""
    from tests.test_import_ledgers import write_csv as csv_file

    assert base("cadre", "edit", "曾强", "--gender", "男").code == 0
    rows = [["台账编号", "姓名", "科室"], ["4", "曾刚", "办公室"]]
    result = unchanged(lambda: base("cadre", "import", csv_file(tmp_path / "a.csv", rows)))
    assert "“台账编号”4 是干部“曾强”，本行却是“曾刚”，不像同一条记录" in result.err
    rows = [["台账编号", "姓名", "科室", "性别"], ["4", "曾墙", "办公室", "女"]]
    result = unchanged(lambda: base("cadre", "import", csv_file(tmp_path / "b.csv", rows)))
    assert "本行却是“曾墙”" in result.err
    rows = [["台账编号", "姓名", "科室", "性别"], ["4", "曾墙", "办公室", "男"]]
    result = base("cadre", "import", csv_file(tmp_path / "c.csv", rows))
    assert result.code == 0 and "更新 1" in result.out, result
    assert base("cadre", "show", "4", "-f", "json").json()["name"] == "曾墙"


def test_a_field_changed_and_changed_back_since_is_the_files_to_change(
    base: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "干部.xlsx"
    _exported(base, monkeypatch, "cadre", path)
    assert base("cadre", "edit", "单丽", "--note", "临时").code == 0
    assert base("cadre", "edit", "单丽", "--note", "").code == 0
    _set_cell(path, 3, "备注", "借调")
    result = base("cadre", "import", path)
    assert result.code == 0 and "更新 1" in result.out, result.err
    assert base("cadre", "show", "单丽", "-f", "json").json()["note"] == "借调"
