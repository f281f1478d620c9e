"""Rows of a roster that are no record: a 以下空白 line (and the rows left blank below it but
for a 序号 or a 社区 filled ahead), and a group's heading (一、办公室, 幸福社区（3户）)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, rows_of
from tests.test_import_registry import write_csv


def _book(
    path: Path,
    rows: list[list[Any]],
    merged: tuple[str, ...] = (),
    *,
    date_cells: tuple[str, ...] = (),
) -> Path:
    """An .xlsx of ``rows``: ``merged`` ranges merged, ``date_cells`` formatted as dates."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for cells in merged:
        sheet.merge_cells(cells)
    for ref in date_cells:
        sheet[ref].number_format = "yyyy-mm-dd"
    book.save(path)
    return path


def _households(db: Path) -> list[str]:
    return [name for (name,) in rows_of(db, "select name from household order by id")]


@pytest.mark.parametrize(
    "marker",
    ["以下空白", "（以下空白）", "以下无内容", "此页以下空白", "以下无正文", "——以 下 空 白——"],
)
@pytest.mark.parametrize("forked", [False, True])
def test_a_blank_marker_with_a_number_and_a_community_is_no_household(
    base: Cli,
    tmp_path: Path,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    marker: str,
    forked: bool,
) -> None:
    from sanlian.services import importing

    monkeypatch.setenv(importing.PARALLEL_ENV, "1" if forked else "1000000000")
    rows: list[list[Any]] = [
        ["序号", "户主姓名", "所在社区(村)", "家庭人口"],
        [1, "林冲", "幸福社区", 3],
        [2, "鲁智深", "幸福社区", 1],
        [3, marker, "幸福社区", None],
        *([i, None, "幸福社区", None] for i in range(4, 11)),  # the form's rows, filled ahead
    ]
    result = base("household", "import", _book(tmp_path / "户.xlsx", rows))
    assert result.code == 0 and "新增 2，" in result.out, result
    assert _households(db_path) == ["王秀英", "林冲", "鲁智深"]


def test_a_blank_marker_in_the_number_column_and_a_csv(
    base: Cli, tmp_path: Path, db_path: Path
) -> None:
    rows = [
        ["序号", "户主姓名", "所在社区(村)"],
        ["1", "林冲", "幸福社区"],
        ["以下空白", "", "幸福社区"],
        ["", "", "幸福社区"],
    ]
    result = base("household", "import", write_csv(tmp_path / "户.csv", rows, encoding="gbk"))
    assert result.code == 0 and "新增 1，" in result.out, result
    assert _households(db_path) == ["王秀英", "林冲"]


def test_a_named_row_below_the_marker_is_still_checked(
    base: Cli, tmp_path: Path, db_path: Path, unchanged: Any
) -> None:
    """Below the marker only a row without a name is passed over: one with a name is a
    household the clerk wrote, refused if it lacks its community (never dropped unseen)."""
    rows = [
        ["户主姓名", "所在社区(村)"],
        ["林冲", "幸福社区"],
        ["以下空白"],
        ["武松", None],
    ]
    path = _book(tmp_path / "户.xlsx", rows)
    result = unchanged(lambda: base("household", "import", path))
    assert "4 " in result.err and "“所在社区(村)”不能为空" in result.err, result


def test_a_name_holding_the_words_is_a_name(base: Cli, tmp_path: Path, db_path: Path) -> None:
    rows = [["户主姓名", "所在社区(村)", "需求"], ["林冲", "幸福社区", "以下空白处请填写需求"]]
    result = base("household", "import", _book(tmp_path / "户.xlsx", rows))
    assert result.code == 0 and "新增 1，" in result.out, result


def test_group_headings_are_skipped_and_named(base: Cli, tmp_path: Path, db_path: Path) -> None:
    rows: list[list[Any]] = [
        ["企业局党员干部花名册"],
        ["姓名", "科室", "性别", "职务"],
        ["一、办公室"],
        ["林峰", "办公室", "男", "科员"],
        ["小计", "1人"],
        ["（二）综合科"],
        ["何静", "综合科", "女", "科员"],
        ["综合科"],  # merged across the row: a heading, however it is worded
        ["孙立", "综合科", "男", "科员"],
    ]
    path = _book(tmp_path / "干部.xlsx", rows, merged=("A1:D1", "A3:D3", "A8:D8"))
    said = "提示：第 3、6、8 行是分组标题（如“一、办公室”“幸福社区（3户）”），不是记录，未导入。"
    result = base("cadre", "import", path, "--dry-run")
    assert result.code == 0 and said in result.err, result
    result = base("cadre", "import", path)
    assert result.code == 0 and "新增 3，" in result.out and said in result.err, result
    names = {n for (n,) in rows_of(db_path, "select name from cadre")}
    assert {"林峰", "何静", "孙立"} <= names and not names & {"一、办公室", "综合科"}


def test_a_household_count_heading(base: Cli, tmp_path: Path, db_path: Path) -> None:
    rows = [["户主姓名", "所在社区(村)", "家庭人口"], ["幸福社区（3户）"], ["林冲", "幸福社区", 3]]
    result = base("household", "import", write_csv(tmp_path / "户.csv", rows))
    assert result.code == 0 and "新增 1，" in result.out, result
    assert "第 2 行是分组标题" in result.err
    assert _households(db_path) == ["王秀英", "林冲"]


def test_a_cell_merged_across_the_last_columns_is_no_heading(
    base: Cli, tmp_path: Path, unchanged: Any
) -> None:
    """A second need written under a household, merged across 需求 to 备注: not a heading
    (one is merged from the first column), a row refused for its empty name."""
    rows: list[list[Any]] = [
        ["户主姓名", "所在社区(村)", "家庭人口", "需求", "地址", "备注"],
        ["曹植", "幸福社区", 2, "想学技术", "x", None],
        [None, None, None, "孩子上学"],
    ]
    path = _book(tmp_path / "户.xlsx", rows, merged=("D3:F3",))
    result = unchanged(lambda: base("household", "import", path))
    assert "“户主姓名”不能为空" in result.err and "分组标题" not in result.err, result


def test_a_lone_name_is_no_heading(base: Cli, tmp_path: Path, unchanged: Any) -> None:
    """A row with only a name (its community left out) is a household to be refused, not a
    heading passed over: only a numbered or counted heading, or one merged across, is."""
    rows = [["户主姓名", "所在社区(村)", "家庭人口"], ["林冲", "幸福社区", 3], ["武松"]]
    path = _book(tmp_path / "户.xlsx", rows)
    result = unchanged(lambda: base("household", "import", path))
    assert "“所在社区(村)”不能为空" in result.err and "分组标题" not in result.err


def test_a_record_whose_note_says_nothing_follows_is_a_record(
    base: Cli, tmp_path: Path, db_path: Path
) -> None:
    """The last household's 备注 says 以下空白 (a filler's habit): it is a household, not the
    marker line (it was dropped without a word)."""
    rows = [
        ["序号", "户主姓名", "所在社区(村)", "家庭人口", "备注"],
        ["1", "林冲", "幸福社区", "3", ""],
        ["2", "鲁智深", "幸福社区", "1", "以下空白"],
    ]
    result = base("household", "import", write_csv(tmp_path / "户.csv", rows, encoding="gbk"))
    assert result.code == 0 and "新增 2，" in result.out, result
    assert _households(db_path) == ["王秀英", "林冲", "鲁智深"]


def test_a_row_below_the_marker_with_more_than_was_filled_ahead_is_refused(
    base: Cli, tmp_path: Path, unchanged: Any
) -> None:
    """Below 以下空白, a row without its name but with a number and a phone of its own is a
    household whose name was left out: refused, not passed over."""
    rows = [
        ["序号", "户主姓名", "所在社区(村)", "手机号码"],
        ["1", "林冲", "幸福社区", ""],
        ["", "以下空白", "幸福社区", ""],
        ["2", "", "幸福社区", "13812345678"],
    ]
    path = write_csv(tmp_path / "户.csv", rows, encoding="gbk")
    result = unchanged(lambda: base("household", "import", path))
    assert result.code == 1 and "户主姓名" in result.out + result.err, result


def test_a_community_named_in_a_cell_merged_across_is_a_community(
    base: Cli, tmp_path: Path, db_path: Path
) -> None:
    """A community list whose row holds only the name, merged across the row: the name is the
    only thing a community needs, so the row is a record, not a group's heading."""
    rows: list[list[Any]] = [
        ["名称", "乡镇(街道)", "联系人", "联系电话"],
        ["河东社区", None, None, None],
        ["河西社区", "兰山街道", "李四", None],
    ]
    result = base("community", "import", _book(tmp_path / "社区.xlsx", rows, ("A2:D2",)))
    assert result.code == 0, result
    names = [n for (n,) in rows_of(db_path, "select name from community order by id")]
    assert "河东社区" in names and "河西社区" in names


def test_a_numbered_list_of_communities_is_a_list_of_communities(
    base: Cli, tmp_path: Path, db_path: Path
) -> None:
    """一、东关社区 looks like a group's heading, but a community needs nothing but its name:
    each row is a community (two were dropped as headings, the third kept)."""
    rows = [
        ["名称", "类别", "乡镇(街道)", "网格"],
        ["一、东关社区"],
        ["二、西关社区"],
        ["三、南关村", "村"],
    ]
    result = base("community", "import", write_csv(tmp_path / "社区.csv", rows, encoding="gbk"))
    assert result.code == 0 and "分组标题" not in result.out + result.err, result
    names = [n for (n,) in rows_of(db_path, "select name from community order by id")]
    assert names[-3:] == ["一、东关社区", "二、西关社区", "三、南关村"]
