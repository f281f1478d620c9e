"""``-f`` and the output file's suffix must agree: ``-f json -o 名单.csv`` wrote JSON under a
.csv name (Excel then opened it as one column of braces). A contradiction is refused before
anything is read or written; a text format into .txt or .md, or ``-f`` naming the suffix's own
format, is written as before."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli, dump


@pytest.mark.parametrize(
    ("args", "name", "fmt", "fits"),
    [
        (("cadre", "list"), "干部.csv", "json", ".json"),
        (("cadre", "list"), "干部.xlsx", "csv", ".csv"),
        (("cadre", "show", "张伟"), "张伟.json", "markdown", ".md"),  # (two 张伟: said first)
        (("section", "list"), "科室.md", "json", ".json"),
        (("progress",), "进度.json", "plain", ".txt"),
        (("supervise",), "督促.xlsx", "json", ".json"),
        (("selfcheck",), "自查报告.docx", "json", ".json"),
        (("brief", "--from", "2026-06-01", "--to", "2026-06-30"), "简报.docx", "markdown", ".md"),
        (("history",), "日志.csv", "json", ".json"),
    ],
)
def test_a_format_the_suffix_contradicts_is_refused(
    base: Cli, tmp_path: Path, db_path: Path, args: tuple[str, ...], name: str, fmt: str, fits: str
) -> None:
    before = dump(db_path)
    out = tmp_path / name
    r = base(*args, "-f", fmt, "-o", out)
    assert r.code == 1, r
    suffix = Path(name).suffix
    assert r.err.strip() == (
        f"-f {fmt} 与输出文件“{name}”的后缀 {suffix} 不符：要写 {suffix} 文件请去掉 -f {fmt}，"
        f"要 {fmt} 格式请把文件名改为以 {fits} 结尾。"
    )
    assert not out.exists()
    assert list(tmp_path.glob(f"{out.stem}*")) == []  # no partial file either
    assert dump(db_path) == before


@pytest.mark.parametrize(
    ("args", "name", "fmt", "shape"),
    [
        (("cadre", "list"), "干部.txt", "markdown", "| 姓名"),
        (("cadre", "list"), "干部.md", "plain", "姓名"),
        (("cadre", "list"), "干部.json", "json", '[\n  {\n    "id": 1,'),
        (("cadre", "list"), "干部.csv", "csv", "\ufeff编号,姓名,"),
        (("progress",), "进度.txt", "table", "动员部署"),
    ],
)
def test_a_format_that_fits_the_suffix_is_written(
    base: Cli, tmp_path: Path, args: tuple[str, ...], name: str, fmt: str, shape: str
) -> None:
    out = tmp_path / name
    r = base(*args, "-f", fmt, "-o", out)
    assert r.code == 0, r
    text = out.read_text(encoding="utf-8")
    assert shape in text
    if fmt == "plain":
        assert "|" not in text
