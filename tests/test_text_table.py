"""``output.text_table`` writes what tabulate writes (``simple`` and ``github``, every value as
text, numbers not parsed): tabulate itself is the oracle, on hand-picked edge cases and on
random tables of the characters clerks' records hold; where a value holds a character that
tabulate treats apart (a control character, an escape sequence, a line break), ``text_table``
declines and ``tabulate_text`` asks tabulate."""

from __future__ import annotations

import re

import pytest
import tabulate as tabulate_module
from hypothesis import given, settings
from hypothesis import strategies as st
from tabulate import tabulate

from sanlian.cli import output


def oracle(headers: list[str], table: list[list[str]], tablefmt: str) -> str:
    if getattr(tabulate_module, "wcwidth", None) is not None:
        setattr(tabulate_module, "wcwidth", output._Widths)  # noqa: B010  (as tabulate_text does)
    return str(tabulate(table, headers=headers, tablefmt=tablefmt, disable_numparse=True))


CASES = [
    (["姓名", "科室"], [["张伟", "综合科“一”"], ["Li Ming", "x"]]),
    (["编号", "姓名", "备注"], []),  # no rows: the header and its rule
    (["a"], [[""], [""]]),  # an empty column: as wide as its header + 2
    (["级别", "责任人", "事项"], [["红牌", "曹勇宁", ""], ["", "", ""]]),  # empty last cells
    (["x", "y"], [["  前后有空格  ", " lead"], ["\u3000全角空格\u3000", "trail "]]),
    (["x"], [["True"], ["False"]]),  # tabulate's bool column: still text, left-aligned
    (["金额", "日期"], [["1,234.50", "2026-03-01"], ["-3", "1e5"], ["nan", "inf"]]),
    (["  头  ", "全角（）"], [["ａｂｃ１２３", "·—‘’“”…"]]),  # headers are not stripped
    (["很长很长的表头", "h"], [["短", "a much longer ascii value than the header"]]),
]


@pytest.mark.parametrize("tablefmt", ["simple", "github"])
@pytest.mark.parametrize(("headers", "table"), CASES)
def test_edge_cases_as_tabulate(headers: list[str], table: list[list[str]], tablefmt: str) -> None:
    mine = output.text_table(headers, table, tablefmt)
    assert mine is not None
    assert mine == oracle(headers, table, tablefmt)


def test_a_known_table_exactly() -> None:
    """Written out by hand (so that the test holds even if tabulate changed under both)."""
    text = output.text_table(["级别", "责任人"], [["红牌", "曹勇宁"], ["提醒", ""]], "simple")
    assert text == "级别    责任人\n------  --------\n红牌    曹勇宁\n提醒"
    text = output.text_table(["名称", "n"], [["幸福社区", "3"]], "github")
    assert text == "| 名称     | n   |\n|----------|-----|\n| 幸福社区 | 3   |"


@pytest.mark.parametrize(
    "odd",
    [
        "a\tb",
        "\x1b[31m红\x1b[0m",
        "第一行\n第二行",
        "回车\r",
        "\x01",
        "不间断\u00a0空格",
        "零宽\u200b",
        "🎉",
    ],
)
def test_odd_characters_go_to_tabulate(odd: str) -> None:
    assert output.text_table(["h"], [["ok"], [odd]], "simple") is None
    assert output.text_table([odd], [["ok"]], "github") is None
    # ... and tabulate_text still gives tabulate's answer for them
    cols = [output.Col("a", "内容")]
    plain = " ".join(odd.splitlines())
    assert output.tabulate_text([{"a": odd}], cols, "plain") == oracle(
        ["内容"], [[plain]], "simple"
    )


def test_tabulate_text_uses_the_fast_writer_for_ordinary_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    called: list[int] = []
    real = output.text_table

    def spy(headers: list[str], table: list[list[str]], tablefmt: str) -> str | None:
        result = real(headers, table, tablefmt)
        called.append(result is not None)
        return result

    monkeypatch.setattr(output, "text_table", spy)
    cols = [output.Col("a", "姓名"), output.Col("b", "党员", kind="bool")]
    rows = [{"a": "张伟", "b": True}, {"a": "单丽\n（借调）", "b": False}]
    text = output.tabulate_text(rows, cols, "plain")
    assert called == [True]
    # the second name is 13 columns wide (a space, six wide characters): the column's width
    assert text.splitlines()[2:] == ["张伟" + " " * 9 + "  是", "单丽 （借调）  否"]


# every range ``text_width`` counts itself: its ends and a middle character each
_WIDE_RANGES = [(0x3000, 0x3029), (0x3030, 0x303E), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
                (0xFF01, 0xFF60), (0xFFE0, 0xFFE6)]  # fmt: skip
ORDINARY = (
    [chr(c) for c in range(0x20, 0x7F)]
    + list("·—‘’“”…")
    + list("张伟单丽曾强幸福社区兰山街道综合科问题走访，。：；（）《》、？！")
    + [chr(c) for lo, hi in _WIDE_RANGES for c in (lo, (lo + hi) // 2, hi)]
)
WORDS = ["True", "False", "", " ", "1", "-3.5", "1e5", "nan", "1,234"]


@settings(max_examples=400, deadline=None)
@given(
    ncols=st.integers(min_value=1, max_value=5),
    data=st.data(),
    tablefmt=st.sampled_from(["simple", "github"]),
)
def test_random_tables_as_tabulate(ncols: int, data: st.DataObject, tablefmt: str) -> None:
    text = st.one_of(
        st.text(alphabet=st.sampled_from(ORDINARY), max_size=12), st.sampled_from(WORDS)
    )
    headers = data.draw(st.lists(text, min_size=ncols, max_size=ncols))
    table = data.draw(st.lists(st.lists(text, min_size=ncols, max_size=ncols), max_size=6))
    mine = output.text_table(headers, table, tablefmt)
    assert mine is not None
    assert mine == oracle(headers, table, tablefmt)


@pytest.mark.parametrize("tablefmt", ["simple", "github"])
def test_rows_padded_block_by_block(monkeypatch: pytest.MonkeyPatch, tablefmt: str) -> None:
    """Long tables are padded ``TABLE_BLOCK`` rows at a time: the widths are the whole
    table's, whichever block holds the widest value."""
    monkeypatch.setattr(output, "TABLE_BLOCK", 2)
    headers = ["编号", "姓名", "备注"]
    table = [
        [str(i), "张" * (i % 4), "x" * (7 - i) + ("（注）" if i == 5 else "")] for i in range(7)
    ]
    assert output.text_table(headers, table, tablefmt) == oracle(headers, table, tablefmt)


def test_typed_values_as_tabulate_showed_them() -> None:
    """``tabulate_text`` (each column's ``_cell_of``, ``_one_line``, ``text_table``) against the
    way it was done before: ``cell`` of every value, its lines joined, then tabulate."""
    import datetime as dt
    from decimal import Decimal

    cols = [
        output.Col("n", "编号"),
        output.Col("name", "名称"),
        output.Col("ok", "是否", kind="bool"),
        output.Col("fen", "金额", kind="money"),
        output.Col("day", "日期"),
        output.Col("at", "时间"),
        output.Col("state", "状态", {"open": "未办结", "done": "已解决"}),
        output.Col("who", "干部"),
        output.Col("f", "格式", fmt=lambda v: f"<{v}>"),
    ]
    rows = [
        {"n": 1, "name": "张伟", "ok": True, "fen": Decimal("1234.5"), "day": dt.date(2026, 3, 1),
         "at": dt.datetime(2026, 3, 1, 8, 5), "state": "open", "who": ["单丽", "曾强"], "f": 1},
        {"n": None, "name": "多行\n文本\r\n末尾\n", "ok": False, "fen": None, "day": None,
         "at": None, "state": "unknown", "who": [], "f": None},
        {"n": 0, "name": "  前后空格  ", "ok": None, "fen": Decimal("0"), "state": None},
    ]  # fmt: skip
    for fmt, tablefmt in (("plain", "simple"), ("markdown", "github")):
        if fmt == "markdown":
            # markdown's markup characters (| included) after a backslash: shown as written
            old = [
                [
                    re.sub(r"([\\`*_\[\]<>&~|])", r"\\\1", output.cell(c, r.get(c.key))).replace(
                        "\n", "<br>"
                    )
                    for c in cols
                ]
                for r in rows
            ]
        else:
            old = [
                [" ".join(output.cell(c, r.get(c.key)).splitlines()) for c in cols] for r in rows
            ]
        expected = oracle([c.label for c in cols], old, tablefmt)
        assert output.tabulate_text(rows, cols, fmt) == expected
