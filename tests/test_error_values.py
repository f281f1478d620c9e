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


def test_a_name_or_title_typed_with_a_line_break_is_one_line(base: Cli, tmp_path: Path) -> None:
    """A name (and a report's or activity's title) is one line: a line break pasted into it
    is a space, so the sentence that confirms it, a listing and the shell's completion show
    it on one line; a Chinese name loses the break altogether, as before."""
    added = base("enterprise", "add", "ABC\nTrading  Co")
    assert added.code == 0, added
    assert added.out == "已添加企业“ABC Trading Co”，编号 2。\n"
    assert base("cadre", "add", "王\n小明", "--section", "办公室").code == 0
    report = base(
        "research", "add", "--cadre", "王小明", "--title", "关于\n\n就业的调研", "--date", "6-10"
    )
    assert report.code == 0, report
    assert report.out.count("\n") == 1 and "《关于 就业的调研》" in report.out, report
    event = base("activity", "add", "education", "--date", "6-5", "--title", "第一课\n群众观念")
    assert event.code == 0, event
    assert [r["title"] for r in base("activity", "list", "-f", "json").json()] == [
        "第一课 群众观念"
    ]
    # an import finds the report by its title written either way: no second report
    file = tmp_path / "调研.csv"
    file.write_text('撰写干部,题目,日期\n王小明,"关于\n就业的调研",2026-06-10\n', "utf-8-sig")
    imported = base("research", "import", file)
    assert imported.code == 0, imported
    assert "新增 0，更新 0，未变 1" in imported.out, imported
    names = [r["name"] for r in base("enterprise", "list", "-f", "json").json()]
    assert "ABC Trading Co" in names


@pytest.mark.parametrize("pasted", ["李\u200b四", "\ufeff李四", "李四\u202e", "李\u2066四\u2069"])
def test_invisible_characters_pasted_into_a_name_are_dropped(base: Cli, pasted: str) -> None:
    """A name copied from a web page or a chat message may carry a zero-width space, a BOM or
    a direction mark: it looked like 李四 in every listing, yet 李四 and lisi never found it."""
    assert base("cadre", "add", pasted, "--section", "办公室").code == 0
    for ref in ("李四", "lisi"):
        shown = base("cadre", "show", ref, "-f", "json")
        assert shown.code == 0, shown
        assert shown.json()["name"] == "李四"


def test_notes_keep_an_emojis_joiner_but_lose_a_direction_override(base: Cli) -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    note = f"家里{family}三口\u202e人"
    assert base("household", "add", "赵六", "--community", "幸福社区", "--note", note).code == 0
    shown = base("household", "show", "赵六", "-f", "json").json()
    assert shown["note"] == f"家里{family}三口人"


def test_the_operator_is_kept_on_one_line(base: Cli) -> None:
    assert base("--operator", " 张\n三\x1b[31m ", "section", "add", "信息科").code == 0
    entry = base("history", "-f", "json").json()[0]
    assert entry["operator"] == "张 三[31m"
