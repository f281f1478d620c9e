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
        if row[0].value == row_id:
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
    assert base("cadre", "show", "单丽", "-f", "json").json()["title"] == "副科长"
    text = tmp_path / "干部.csv"
    assert base("export", "cadre", "-o", text).code == 0
    assert base("cadre", "edit", "单丽", "--title", "科长").code == 0
    result = base("cadre", "import", text)  # (a CSV file says nothing of when it was written)
    assert (
        result.code == 0 and base("cadre", "show", "单丽", "-f", "json").json()["title"] == "副科长"
    )


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
