"""A name (or number) that starts with ``-`` is read by Click as an option: the error says so
and how to write it, and the shell never completes a command line that breaks that way."""

from __future__ import annotations

import pytest

from tests.conftest import Cli


@pytest.fixture
def dashed(base: Cli) -> Cli:
    assert base("household", "add", "--community", "幸福社区", "--", "-王秀英").code == 0
    assert base("section", "add", "--", "-5").code == 0
    return base


@pytest.mark.parametrize(
    ("args", "word", "example"),
    [
        (("household", "show", "-王秀英"), "-王秀英", "sanlian household show -- -王秀英"),
        (("section", "show", "-5"), "-5", "sanlian section show -- -5"),
    ],
)
def test_a_value_that_starts_with_a_dash_is_explained(
    dashed: Cli, args: tuple[str, ...], word: str, example: str
) -> None:
    result = dashed(*args)
    assert result.code == 1, result
    assert result.err.startswith(f"“{word}”以 - 开头，被当成了选项"), result  # not “没有选项 -王”
    assert example in result.err, result
    written = dashed(*args[:2], "--", word)
    assert written.code == 0, written


def test_an_unknown_option_is_still_called_one(dashed: Cli) -> None:
    result = dashed("household", "list", "-x")
    assert result.code == 1
    assert result.err.startswith("没有选项 -x。"), result


def test_the_shell_completes_such_a_name_as_its_number(dashed: Cli) -> None:
    from sanlian.cli.shell import Shell

    shell = Shell()
    assert ("2", 0, "-王秀英（联系户 [2]）") in shell.completer.candidates("household show ")
    assert ("-5", 0, "科室 [3]") not in shell.completer.candidates("section show ")
    assert ("3", 0, "-5（科室 [3]）") in shell.completer.candidates("section show ")
    # as an option's value it is read as written: completed as it is
    assert ("-王秀英", 0, "联系户 [2]") in shell.completer.candidates("visit add --household ")


def test_the_input_methods_dash_and_a_missing_command_are_explained(base: Cli) -> None:
    """A Chinese input method types —— for --; ``sanlian --debug`` alone has no command. Both
    in Chinese (the second was Click's English "Missing command.")."""
    for dash in ("——", "—"):
        result = base("cadre", "list", f"{dash}section", "综合科")
        assert result.code == 1 and "Missing" not in result.err
        assert (
            f"注意：“{dash}section”开头的“{dash}”是中文输入法打出的破折号，不是选项的两个短横线；"
            "请把输入法切换到英文（半角）后输入，写成 --section。"
        ) in result.err
    for alone in (["--debug"], ["--operator", "王芳"]):
        result = base(*alone)
        assert result.code == 1 and result.err.startswith(
            "缺少命令：--db、--operator、--debug 等要与命令写在同一行，"
        ), result
