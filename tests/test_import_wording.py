"""The sentences of an import, as a clerk reads them: a column named as a column, an encoding
as it is written, the command to run again with the path given, no rate of a handful of rows,
a fixed line's number said wrong in what way, a visit's number as #12, an error file's reasons
one sentence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import Cli, rows_of
from tests.test_import_ledgers import LINKS, PROBLEMS, ok
from tests.test_import_registry import write_csv


def test_a_future_end_date_in_a_link_file_is_named_as_its_column(
    base: Cli, tmp_path: Path, unchanged: Any
) -> None:
    rows = [LINKS[0], ["社区", "综合科", "", "幸福社区", "2026-03-01", "2026-12-31", ""]]
    path = write_csv(tmp_path / "联系.csv", rows)
    result = unchanged(lambda: base("link", "import", path))
    assert "“结束日期”2026-12-31 晚于今天（2026-06-15）" in result.err, result
    assert "--date" not in result.err


def test_an_encoding_is_named_as_written_and_another_suggested(
    base: Cli, tmp_path: Path, unchanged: Any
) -> None:
    path = write_csv(tmp_path / "户.csv", [["户主姓名", "所在社区(村)"], ["林冲", "幸福社区"]])
    path.write_bytes(path.read_text(encoding="utf-8-sig").encode("gbk"))
    result = unchanged(lambda: base("household", "import", path, "--encoding", "utf-8"))
    assert "无法按 utf-8 编码读出，请用 --encoding 指定正确编码（如 gb18030）" in result.err, result
    assert "utf-8-sig" not in result.err


def test_an_encoding_that_failed_is_not_suggested_again() -> None:
    from sanlian.io.readers import _undecoded

    said = _undecoded(Path("户.csv"), "gb18030", 3).message
    assert "无法按 gb18030 编码读出" in said and "（如 utf-8）" in said


def test_the_other_sheets_note_gives_the_path_as_given(base: Cli, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    for index, name in enumerate(["综合科", "人事 科"]):
        sheet = book.active if index == 0 else book.create_sheet(name)
        assert sheet is not None
        sheet.title = name
        sheet.append(["姓名", "科室"])
        sheet.append(["孙立" if index == 0 else "杨春", "综合科"])
    folder = tmp_path / "各科 报来"
    folder.mkdir()
    book.save(path := folder / "花名册.xlsx")
    result = base("cadre", "import", path, "--dry-run")
    assert result.code == 0, result
    assert f"如 sanlian cadre import '{path}' --sheet 人事 科。" in result.err, result


def test_a_small_file_gets_no_rate(base: Cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "户.csv", [["户主姓名", "所在社区(村)"], ["林冲", "幸福社区"]])
    result = base("household", "import", path)
    assert result.code == 0 and "共读取 1 行，用时 " in result.err, result
    assert "每秒" not in result.err


def test_a_missing_column_is_not_its_own_alternative(
    base: Cli, tmp_path: Path, unchanged: Any
) -> None:
    path = write_csv(tmp_path / "干部.csv", [["姓名", "职务"], ["孙立", "科员"]])
    result = unchanged(lambda: base("cadre", "import", path))
    assert "缺少必填列“科室”（也可写作：部门、所在科室" in result.err, result


def test_a_fixed_line_beginning_with_1_is_said_so(
    base: Cli, tmp_path: Path, unchanged: Any
) -> None:
    rows = [["企业名称", "联系电话"], ["临沂新华机械有限公司", "0539-1234567"]]
    path = write_csv(tmp_path / "企业.csv", rows)
    result = base("enterprise", "import", path, "--reveal")  # (a --reveal is journalled)
    assert (
        result.code == 1
        and (
            "“联系电话”“0539-1234567”不是有效的固定电话：区号后的本地号码不以 0 或 1 开头"
            "（如 0539-8123456）；请核对后重填。"
        )
        in result.err
    ), result
    result = unchanged(lambda: base("enterprise", "add", "某公司", "--phone", "0539-0234567"))
    assert "不以 0 或 1 开头" in result.err


def test_a_visit_number_written_with_a_hash(base: Cli, tmp_path: Path, db_path: Path) -> None:
    ok(base, "link", "import", write_csv(tmp_path / "联系.csv", LINKS))
    ok(base, "visit", "add", "--date", "4-1", "--cadre", "单丽", "--household", "王秀英",
       "--form", "入户走访")  # fmt: skip
    other = [*PROBLEMS[1][:5], "孩子上学远", *PROBLEMS[1][6:]]
    rows = [[*PROBLEMS[0], "来源走访"], [*PROBLEMS[1], "#1"], [*other, "＃ 1"]]
    result = ok(base, "problem", "import", write_csv(tmp_path / "问题.csv", rows))
    assert "新增 2" in result.out, result
    assert rows_of(db_path, "select visit_id from problem order by id") == [(1,), (1,)]


def test_the_error_file_gives_each_row_one_sentence(base: Cli, tmp_path: Path) -> None:
    rows = [["户主姓名", "所在社区(村)", "家庭人口"], ["林冲", "幸福社区", 3], ["", "", "多"]]
    path = write_csv(tmp_path / "户.csv", rows)
    result = base("household", "import", path, "--skip-bad")
    assert result.code == 0, result
    text = (tmp_path / "户.错误.csv").read_text(encoding="utf-8-sig")
    reason = text.splitlines()[1].rsplit(",", 1)[1].strip('"')
    assert reason.count("；") == 2 and reason.endswith("。") and "。；" not in reason, reason
