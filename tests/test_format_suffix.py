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


def test_the_check_comes_before_the_database_is_opened(cli: Cli, tmp_path: Path) -> None:
    """Whichever of ``-f`` and ``-o`` comes first on the line: refused while the command line
    is read, so even with no database at all the contradiction is what is said."""
    for args in (("-f", "json", "-o", "h.csv"), ("-o", "h.csv", "-f", "json")):
        r = cli(
            "--db",
            tmp_path / "无此库.db",
            "history",
            *(tmp_path / a if "." in a else a for a in args),
        )
        assert r.code == 1 and r.err.startswith("-f json 与输出文件“h.csv”"), r
    assert not (tmp_path / "无此库.db").exists()


def test_db_copy_is_refused_before_it_copies(base: Cli, tmp_path: Path) -> None:
    target = tmp_path / "副本.db"
    r = base("db", "copy", "--to", f"sqlite:///{target}", "-f", "json", "-o", tmp_path / "c.csv")
    assert r.code == 1 and "-f json" in r.err, r
    assert not target.exists()
    r = base("db", "copy", "--to", f"sqlite:///{target}", "-o", tmp_path / "c.docx")
    assert r.code == 1 and "“.docx”不支持" in r.err, r
    assert not target.exists()


@pytest.mark.parametrize(
    "args",
    [("cadre", "list", "-f", "json"), ("campaign", "show", "-f", "json"), ("campaign", "show")],
)
def test_a_document_suffix_where_none_is_written(
    base: Cli, tmp_path: Path, args: tuple[str, ...]
) -> None:
    """A listing or ``campaign show`` writes no .docx: said so (with the suffixes it takes),
    not "drop -f" (which would only lead to that refusal)."""
    out = tmp_path / "a.docx"
    r = base(*args, "-o", out)
    assert r.code == 1, r
    assert (
        r.err.strip() == "输出文件的后缀“.docx”不支持，请改用 .csv、.json、.md、.txt、.xlsx 之一。"
    )
    assert not out.exists()


@pytest.mark.sqlite_only(reason="backups are of a local SQLite file")
def test_no_backups_to_a_file_writes_the_file(base: Cli, tmp_path: Path) -> None:
    out = tmp_path / "备份.json"
    r = base("db", "backups", "-o", out)
    assert r.code == 0, r
    assert out.read_text(encoding="utf-8").strip() == "[]"
