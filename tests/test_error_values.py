"""An error sentence that quotes what the clerk typed (or a file carried) stays one sentence
on one line: a line break, a carriage return or an escape sequence in the value is named, not
written (``sanlian.i18n.messages.readable``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Cli


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (("cadre", "show", "张\n伟"), "“张［换行］伟”"),
        (("cadre", "show", "张\r\n伟"), "“张［换行］伟”"),
        (("cadre", "show", "张\r伟"), "“张［回车］伟”"),
        (("cadre", "show", "张\x1b[31m伟"), "“张［U+001B］[31m伟”"),
        (("cadre", "show", "张\u2028伟"), "“张［U+2028］伟”"),
        (("cadre", "add", "赵六", "--section", "办公室", "--gender", "男\n女"), "“男［换行］女”"),
        (("visit", "list", "--from", "六月\n三日"), "“六月［换行］三日”"),
    ],
)
def test_an_error_sentence_quotes_a_value_on_its_one_line(
    base: Cli, args: tuple[str, ...], shown: str
) -> None:
    result = base(*args)
    assert result.code == 1, result
    assert result.err.count("\n") == 1 and result.err.endswith("。\n"), result
    assert shown in result.err, result
    assert "\x1b" not in result.err and "\r" not in result.err


def test_an_import_shows_a_files_odd_cells_on_one_line_and_seen(base: Cli, tmp_path: Path) -> None:
    """The bad-rows table and the note on unknown columns quote cells as the file has them:
    an escape sequence in a cell (which would colour or clear the screen) and a carriage
    return (which would write over the line) are named."""
    file = tmp_path / "干部.csv"
    file.write_text(
        '姓名,科室,性别,"备注\x1b[2J栏"\n张三,办公室,"男\x1b[31m红",\n李四,办公室,"a\rb",\n',
        "utf-8-sig",
    )
    result = base("cadre", "import", file, "--dry-run")
    assert result.code == 1, result
    assert "\x1b" not in result.err and "\r" not in result.err, result
    assert "“备注［U+001B］[2J栏”" in result.err
    lines = result.err.splitlines()
    assert any(line.startswith("2 ") and "男［U+001B］[31m红" in line for line in lines), result
    assert any(line.startswith("3 ") and "a［回车］b" in line for line in lines), result
