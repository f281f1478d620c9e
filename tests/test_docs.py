"""docs/cli.md is generated from the app and kept current."""

from __future__ import annotations

from pathlib import Path

from sanlian.cli.docs import generate
from tests.conftest import Cli

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def test_cli_reference_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == generate(), (
        "docs/cli.md 已过期：请运行 python -m sanlian.cli.docs 重新生成。"
    )


def test_every_command_is_documented_in_chinese() -> None:
    text = generate()
    for command in (
        "init",
        "campaign",
        "section",
        "cadre",
        "community",
        "enterprise",
        "household",
        "demo",
    ):
        assert f"`sanlian {command}" in text
    assert "Show this message" not in text


def test_arguments_and_values_are_named_in_chinese() -> None:
    """Usage lines name an argument as a clerk knows it (问题编号, not ``{problem_id}``), and
    an option's value says what it is (``--date <日期>``), nowhere the bare ``<值>``."""
    import re

    text = generate()
    assert "$ sanlian problem show [选项] 问题编号\n" in text
    assert "$ sanlian db backup [选项] [备份文件]\n" in text
    assert "$ sanlian household import [选项] 文件\n" in text
    assert "* `问题编号 <整数>`: 问题编号（见 problem list）。" in text
    assert "* `--date <日期>`: " in text and "* `--cadre <干部>…`: " in text
    usages = re.findall(r"^\$ sanlian .*$", text, flags=re.M)
    assert len(usages) > 60
    for usage in usages:  # no Typer braces, no Python parameter names
        assert not re.search(r"[{}]|\b[a-z]+_[a-z_]+\b", usage), usage
    assert "<值>" not in text


def test_help_and_errors_name_arguments_in_chinese(base: Cli) -> None:
    result = base("problem", "show", "--help")
    assert result.code == 0
    assert result.out.startswith("用法：sanlian problem show [选项] 问题编号\n")
    assert "  问题编号 <整数>  问题编号（见 problem list）。" in result.out
    assert "  --as-of <日期>" in result.out
    result = base("export", "--help")
    assert "用法：sanlian export [选项] 类别\n" in result.out
    assert "\n  类别  导出什么：" in result.out  # a text argument: its name alone, no <值>
    assert base("export").err == "缺少必填的类别。用 sanlian export --help 查看用法。\n"
    assert base("db", "restore").err.startswith("缺少必填的备份文件。")
    result = base("problem", "show", "abc")
    assert result.code == 1
    assert result.err == "问题编号的值不对：应为整数。用 sanlian problem show --help 查看用法。\n"


def test_help_as_a_command_word(base: Cli) -> None:
    """``sanlian help`` and ``sanlian help problem add`` show that help (a clerk types it as
    a word; it was refused as an unknown command, ``shell`` suggested)."""
    assert base("help").out.startswith("用法：sanlian [选项] 命令 [参数]...")
    result = base("help", "problem", "add")
    assert result.code == 0 and result.out.startswith("用法：sanlian problem add [选项]")


def test_both_sides_of_a_switch_are_refused(base: Cli) -> None:
    """``link list --active --all`` listed as the last written said, without a word."""
    result = base("link", "list", "--active", "--all")
    assert result.code == 1 and result.err == (
        "选项 --active 和 --all 意思相反，只能写一个。用 sanlian link list --help 查看用法。\n"
    )
    result = base("problem", "list", "--conflict", "--conflict")  # the same side twice
    assert result.code == 0 and "意思相反" not in result.err
    assert base("link", "list", "--all", "--all").code == 0


def test_an_option_of_one_value_written_twice_is_refused(base: Cli, db_path: Path) -> None:
    """``research add --cadre 单丽 --cadre 曾强`` kept 曾强 alone without a word (Click keeps
    the last): refused, naming both; an option of many values (``visit add --cadre``) still
    takes each."""
    from tests.conftest import dump

    before = dump(db_path)
    args = ("research", "add", "--cadre", "单丽", "--cadre", "曾强", "--title", "联合调研")
    result = base(*args)
    assert result.code == 1 and dump(db_path) == before
    assert result.err == (
        "选项 --cadre 只能写一次，这里写了两次（“单丽”和“曾强”），请只留一个。"
        "用 sanlian research add --help 查看用法。\n"
    )
    result = base("problem", "list", "--owner", "单丽", "--owner", "13812345678")
    assert "“138****5678”" in result.err  # echoed masked, like any value
