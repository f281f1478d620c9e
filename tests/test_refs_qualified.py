"""References by ``名称@限定`` and by ``名称（限定）`` (as an ambiguity lists the candidates), and
a qualifier that is itself ambiguous (two 幸福社区 in two townships)."""

from __future__ import annotations

import pytest

from tests.conftest import Cli


@pytest.fixture
def namesakes(cli: Cli) -> Cli:
    steps = [
        ("init", "--year", "2026"),
        ("section", "add", "综合科"),
        ("section", "add", "办公室"),
        ("cadre", "add", "张伟", "--section", "综合科"),
        ("cadre", "add", "张伟", "--section", "办公室"),
        ("community", "add", "幸福社区", "--town", "兰山街道"),
        ("community", "add", "幸福社区", "--town", "枣园镇"),
        ("community", "add", "东关社区（一）", "--town", "兰山街道"),
        ("community", "add", "东关社区", "--town", "枣园镇"),
        ("household", "add", "陈建国", "--community", "1"),
        ("household", "add", "李四", "--community", "2"),
    ]
    for step in steps:
        assert cli(*step).code == 0, step
    return cli


def _id(cli: Cli, kind: str, ref: str) -> int:
    result = cli(kind, "show", ref, "-f", "json")
    assert result.code == 0, result.err
    return int(result.json()["id"])


def test_a_candidate_as_listed_names_it(namesakes: Cli) -> None:
    refused = namesakes("community", "show", "幸福社区")
    assert refused.code == 1
    assert "[1] 幸福社区（兰山街道）；[2] 幸福社区（枣园镇）" in refused.err
    assert _id(namesakes, "community", "幸福社区（枣园镇）") == 2
    assert _id(namesakes, "community", "幸福社区(兰山街道)") == 1
    assert _id(namesakes, "cadre", "张伟（办公室）") == 2
    # a name with brackets of its own is still that name, blanks in it or not
    assert _id(namesakes, "community", "东关社区（一）") == 3
    assert _id(namesakes, "community", "东关社区 (一)") == 3
    assert _id(namesakes, "community", "东关社区") == 4
    # a bracket that is no qualifier: what was typed is not found (not the "qualifier")
    missing = namesakes("household", "show", "陈建国（独居）")
    assert missing.code == 1 and "找不到联系户“陈建国（独居）”" in missing.err


def test_an_ambiguous_qualifier_narrows_to_what_its_matches_hold(namesakes: Cli) -> None:
    assert _id(namesakes, "household", "陈建国@幸福社区") == 1
    assert _id(namesakes, "household", "李四@幸福社区") == 2
    missing = namesakes("household", "show", "王五@幸福社区")
    assert missing.code == 1 and "找不到联系户“王五@幸福社区”" in missing.err
    assert namesakes("household", "add", "陈建国", "--community", "2").code == 0
    both = namesakes("household", "show", "陈建国@幸福社区")
    # candidates in namesake communities are told apart by the township, and copying one works
    assert both.code == 1
    assert "[1] 陈建国（幸福社区@兰山街道）；[3] 陈建国（幸福社区@枣园镇）" in both.err
    assert _id(namesakes, "household", "陈建国（幸福社区@枣园镇）") == 3
    assert _id(namesakes, "household", "陈建国@幸福社区@兰山街道") == 1


def test_a_qualified_name_of_one_who_moved_says_where_they_are_now(base: Cli) -> None:
    """``张伟@办公室`` from an export of before 张伟 moved to 规划科: said where he is now, and
    how to write him (the refusal named no one)."""
    assert base("section", "add", "规划科").code == 0
    assert base("cadre", "edit", "1", "--section", "规划科").code == 0
    result = base("cadre", "show", "张伟@办公室")
    assert result.code == 1
    assert result.err.strip() == (
        "找不到干部“张伟@办公室”：编号 1 的干部张伟现在在规划科（此后调整过）；"
        "如说的就是编号 1，请改写为“张伟@规划科”或 1。"
    )
    assert base("cadre", "show", "张伟@规划科").code == 0
