"""A cell Excel keeps as a date in a column that is no date: a 门牌 3-2 that Excel turned into
3月2日 is read as the date it now is, and said; a 家庭人口 of 3 in a cell formatted as a date
(shown 1900-01-03) is refused saying so."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Cli, rows_of
from tests.test_import_blank_rows import _book

HEADER = ["户主姓名", "所在社区(村)", "地址", "家庭人口"]


@pytest.mark.parametrize("forked", [False, True])
def test_a_date_in_a_text_column_is_read_and_said(
    base: Cli, tmp_path: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch, forked: bool
) -> None:
    from sanlian.services import importing

    monkeypatch.setenv(importing.PARALLEL_ENV, "1" if forked else "1000000000")
    rows = [
        HEADER,
        ["阮小二", "幸福社区", dt.date(2026, 3, 2), 3],
        ["阮小五", "幸福社区", "3号楼", 2],
    ]
    result = base("household", "import", _book(tmp_path / "户.xlsx", rows))
    assert result.code == 0 and "新增 2" in result.out, result
    assert (
        "第 2 行：“地址”一格在 Excel 中是日期，读作 2026-03-02；如原本写的不是日期（如门牌 3-2 "
        "被 Excel 改成了 3月2日），请把这一列设为“文本”格式，重新录入后再导入。"
    ) in result.err, result
    assert "第 3 行：" not in result.err
    got = rows_of(db_path, "select name, address from household where id > 1 order by id")
    assert got == [("阮小二", "2026-03-02"), ("阮小五", "3号楼")]


def test_a_number_in_a_cell_formatted_as_a_date_is_refused_so(
    base: Cli, tmp_path: Path, unchanged: Any
) -> None:
    rows = [HEADER, ["阮小五", "幸福社区", "3号楼", 3]]
    path = _book(tmp_path / "户.xlsx", rows, date_cells=("D2",))
    result = unchanged(lambda: base("household", "import", path))
    assert (
        "“家庭人口”一格在 Excel 中设成了日期格式（显示为 1900-01-03），读不出应有的数字；"
        "请把这一格设为“常规”或“数值”格式，核对数字后重新导入。"
    ) in result.err, result
