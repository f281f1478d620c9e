"""``output.text_width`` gives exactly ``wcwidth.wcswidth``: character by character over every
character it counts itself, and for mixed text, control characters, combining marks and
emoji (which it leaves to wcwidth)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wcwidth import wcswidth

from sanlian.cli import output


def _chars(ranges: str) -> list[str]:
    spans = re.findall(r"(.)(?:-(.))?", ranges)
    return [chr(c) for a, b in spans for c in range(ord(a), ord(b or a) + 1)]


NARROW = _chars(output.NARROW_CHARS)
WIDE = _chars(output.WIDE_CHARS)


def test_every_character_counted_directly_agrees_with_wcwidth() -> None:
    assert len(NARROW) == 95 + 7 and len(WIDE) > 27_000
    assert [c for c in NARROW if output.text_width(c) != 1 or wcswidth(c) != 1] == []
    assert [c for c in WIDE if output.text_width(c) != 2 or wcswidth(c) != 2] == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "问题 31606 超期 275 天（3月31日到期）：卢谦“捐款捐物方面有困难”…",
        "张伟@综合科 · 第30社区",
        "tab\there",  # a control character: wcwidth says -1
        "e\u0301",  # a combining mark: no width of its own
        "à la carte ½",
        "庆祝🎉",
        "ｱｲｳ",  # half-width katakana: one column each
        "〪",  # a CJK combining mark inside the CJK punctuation block
    ],
)
def test_text_width_is_wcswidth(text: str) -> None:
    assert output.text_width(text) == wcswidth(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(NARROW[:40] + WIDE[:200] + ["\u00e9", "\t", "🎉"])))
def test_any_mix_is_wcswidth(text: str) -> None:
    assert output.text_width(text) == wcswidth(text)


def test_a_table_lines_up_chinese_columns() -> None:
    rows = [{"a": "张伟", "b": "综合科“一”"}, {"a": "Li Ming", "b": "x"}]
    cols = [output.Col("a", "姓名"), output.Col("b", "科室")]
    lines = output.tabulate_text(rows, cols, "plain").splitlines()
    assert lines == [
        "姓名     科室",
        "-------  ----------",
        "张伟     综合科“一”",
        "Li Ming  x",
    ]
