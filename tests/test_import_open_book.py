"""A workbook open in Excel or WPS (its owner file ``~$名称.xlsx`` beside it): the import reads
what was last saved, and says that changes not saved yet are not in it."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Cli
from tests.test_import_registry import write_csv, write_xlsx

SAID = (
    "提示：工作簿旁有 Excel（或 WPS）的临时文件 ~$户.xlsx，这个工作簿可能正在 Excel 或 WPS 中"
    "打开；导入读的是上次保存的内容，还没保存的修改不会导入，如有请先保存再重新导入。"
)
ROWS = [["户主姓名", "所在社区(村)"], ["林冲", "幸福社区"]]


def test_an_open_workbook_is_said(base: Cli, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "户.xlsx", ROWS)
    result = base("household", "import", path, "--dry-run")
    assert result.code == 0 and "临时文件" not in result.err, result
    (tmp_path / "~$户.xlsx").write_bytes(b"\x0cAdministrator" + b" " * 151)  # 165 bytes
    result = base("household", "import", path)
    assert result.code == 0 and "新增 1" in result.out and SAID in result.err, result


def test_a_csv_beside_such_a_file_is_not(base: Cli, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "户.csv", ROWS)
    (tmp_path / "~$户.csv").write_bytes(b"x" * 165)
    result = base("household", "import", path)
    assert result.code == 0 and "临时文件" not in result.err, result
