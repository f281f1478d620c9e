"""What a clerk typed reads as typed in every markdown output (-f markdown, -o .md, brief):
markdown's markup characters in a value are escaped, a line break never ends an item."""

from __future__ import annotations

import html
import re

import pytest

from tests.conftest import Cli

ODD = [
    "<b>工业</b>科",
    "&amp;科",
    "*重点*科",
    "[点我](http://x)科",
    "`代码`科",
    "~~删~~科",
    "a\\b科",
]


def rendered(text: str) -> str:
    """The markdown as a reader shows it (markdown-it, Rich's own parser): the text of its
    HTML, tags dropped and entities decoded."""
    from markdown_it import MarkdownIt

    page = MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.fixture
def odd(base: Cli) -> Cli:
    for name in ODD:
        assert base("section", "add", name).code == 0, name
    assert base("cadre", "add", "李四", "--section", ODD[0]).code == 0
    return base


def test_a_listing_in_markdown_shows_every_name_as_typed(odd: Cli) -> None:
    shown = rendered(odd("section", "list", "-f", "markdown").out)
    for name in ODD:
        assert name in shown, (name, shown)


@pytest.mark.parametrize("args", [("supervise",), ("progress", "--by", "cadre"), ("selfcheck",)])
def test_a_report_in_markdown_shows_a_sections_name_as_typed(
    odd: Cli, args: tuple[str, ...]
) -> None:
    result = odd(*args, "-f", "markdown")
    assert result.code == 0, result
    assert "<b>工业</b>科" in rendered(result.out), result.out


def test_a_brief_keeps_the_clerks_text_on_its_item(odd: Cli) -> None:
    steps = [
        ("link", "community", "--section", ODD[0], "--community", "幸福社区", "--from", "3-1"),
        ("problem", "add", "--community", "幸福社区", "--category", "其他", "--owner", "李四",
         "--text", "路灯*坏了*", "--date", "6-3"),
        ("problem", "resolve", "1", "--how", "已修好\n# 不是标题\n- 不是条目", "--date", "6-5"),
    ]  # fmt: skip
    for step in steps:
        assert odd(*step).code == 0, step
    text = odd("brief", "--from", "6-1", "--to", "6-14").out
    item = next(line for line in text.splitlines() if line.startswith("1. "))
    assert "已修好 # 不是标题 - 不是条目" in item, text
    assert "\n# 不是标题" not in text
    shown = rendered(text)
    # (the owner is named alone: no namesake — a section's name as typed is checked above)
    assert "路灯*坏了*" in shown and "，李四跟进办理，" in item, item


def test_a_masked_number_keeps_its_stars_as_they_are(base: Cli) -> None:
    """138****5678 is no markup: left as it is, readable in the file as text."""
    out = base("cadre", "list", "-f", "markdown").out
    assert "| 138****5678 " in out, out
    assert "138****5678" in rendered(out)
