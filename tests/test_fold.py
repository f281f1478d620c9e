"""A listing folded to the terminal's width (``cli.fold``): hand-worked cases, then random
tables, whose lines must fit and keep every character."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from sanlian.cli.fold import MIN_WIDTH, NOWRAP_WIDTH, RIGID, column_widths, fold, folded_table
from sanlian.cli.output import text_width


def lines(text: str, width: int) -> list[str]:
    folded = fold(text, width)
    assert [size for _line, size in folded] == [text_width(line) for line, _size in folded]
    return [line for line, _size in folded]


def test_chinese_text_folds_by_characters() -> None:
    assert lines("政策信息方面有困难", 8) == ["政策信息", "方面有困", "难"]
    assert lines("政策信息方面有困难", 7) == ["政策信", "息方面", "有困难"]  # 7: three a line


def test_punctuation_never_begins_a_line() -> None:
    # 、 would begin the second line: the name before it goes down with it
    assert lines("于志泽、吴康、崔豪策", 6) == ["于志", "泽、吴", "康、崔", "豪策"]
    assert lines("张三（组长）", 6) == ["张三（", "组长）"]
    assert lines("第7次会议，（一）", 8) == ["第7次会", "议，（", "一）"]


def test_a_run_of_letters_or_digits_moves_whole_to_the_next_line() -> None:
    assert lines("电话13812345678", 12) == ["电话", "13812345678"]
    assert lines("于 2026-03-04 走访", 12) == ["于", "2026-03-04", "走访"]  # spaces at a break go
    assert lines("A" * 10, 4) == ["AAAA", "AAAA", "AA"]  # longer than a line: cut
    assert lines("会议（第7次）", 7) == ["会议（", "第7次）"]


def test_a_character_wider_than_the_column_has_a_line_of_its_own() -> None:
    assert lines("一二", 1) == ["一", "二"]
    assert lines("", 5) == [""]


def test_the_columns_share_the_room_rigid_and_small_ones_first() -> None:
    # everything fits: each column as wide as its widest value or header, two apart
    assert column_widths([2, 6], [4, 4], [True, False], 12) == ([4, 6], 2)
    # a date (rigid) and a name (small) stay whole; the long text takes the rest
    widths, gap = column_widths([10, 6, 40], [4, 4, 4], [True, False, False], 40)
    assert (widths, gap) == ([10, 6, 20], 2)
    # two long texts share in proportion to what they lack: about as many lines each
    widths, gap = column_widths([4, 24, 64], [4, 4, 4], [True, False, False], 40)
    assert gap == 2 and widths[0] == 4 and sum(widths) == 36
    assert (widths[1], widths[2]) == (4 + 6, 4 + 18)  # 24 to share, lacking 20 and 60
    # rigid columns whole only one space apart: the gap shrinks
    assert column_widths([10, 10, 8], [4, 4, 4], [True, True, False], 26) == ([10, 10, 4], 1)
    # a screen too narrow to keep the dates whole, even a space apart: no folding
    assert column_widths([10, 10, 10], [4, 4, 4], [True, True, True], 32) == ([10, 10, 10], 1)
    assert column_widths([10, 10, 10], [4, 4, 4], [True, True, True], 31) is None
    assert column_widths([10, 10, 10], [4, 4, 4], [False, False, False], 30) == ([9, 9, 8], 2)


def test_a_few_long_values_do_not_widen_their_column_first() -> None:
    # names are three characters but for one long enterprise name: the usual width is kept
    # whole, and the long text takes the rest before the long name grows past that
    usual = [4, 6, 30]
    assert column_widths([4, 20, 40], [4, 4, 4], [True, False, False], 40, usual) == (
        [4, 6, 26],
        2,
    )
    # more room: every column reaches its usual width, then shares what is left
    assert column_widths([4, 20, 40], [4, 4, 4], [True, False, False], 60, usual) == (
        [4, 6 + 10, 30 + 6],  # 16 to share, lacking 14 and 10
        2,
    )


def test_a_header_folds_over_a_narrow_column() -> None:
    out = folded_table(["共建对象类型", "名称"], [["企业", "某某有限公司" * 4]], 20)
    assert out is not None and out[:3] == ["共建  名称", "对象", "类型"]
    assert out[3] == "----  " + "-" * 14


TEXT = st.text(
    alphabet=st.sampled_from(list("政策信息方面有困难张三、，。（）") + list("ab19-: ")),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(text=TEXT, width=st.integers(min_value=2, max_value=30))
def test_folded_text_fits_and_keeps_every_character(text: str, width: int) -> None:
    folded = lines(text, width)
    assert all(text_width(line) <= width for line in folded)
    assert "".join(folded).replace(" ", "") == text.replace(" ", "")


@settings(max_examples=200, deadline=None)
@given(
    table=st.integers(min_value=1, max_value=6).flatmap(
        lambda n: st.lists(st.lists(TEXT, min_size=n, max_size=n), min_size=1, max_size=8)
    ),
    screen=st.integers(min_value=10, max_value=120),
)
def test_a_folded_table_fits_the_screen_and_loses_nothing(
    table: list[list[str]], screen: int
) -> None:
    count = len(table[0])
    headers = [f"列{i}" for i in range(count)]
    table = [[v.strip() for v in row] for row in table]
    out = folded_table(headers, table, screen)
    values = [max(text_width(row[i]) for row in table) for i in range(count)]
    widths = [max(v, min(text_width(h), MIN_WIDTH)) for v, h in zip(values, headers, strict=True)]
    rigid = [
        all(RIGID.fullmatch(row[i]) for row in table) and widths[i] <= NOWRAP_WIDTH
        for i in range(count)
    ]
    least = sum(w if r else min(w, MIN_WIDTH) for w, r in zip(widths, rigid, strict=True))
    if out is None:  # only where the dates and numbers cannot be kept whole
        assert least + count - 1 > screen
        return
    if least + count - 1 <= screen:
        assert all(text_width(line) <= screen for line in out)
    wanted = Counter("".join(headers + [v for row in table for v in row]).replace(" ", ""))
    drawn = Counter("".join(out).replace(" ", "").replace("-", ""))
    wanted["-"] = 0
    assert {ch: n for ch, n in wanted.items() if ch != "-" and drawn[ch] < n} == {}


def test_a_column_of_chinese_characters_is_not_given_a_column_it_cannot_use() -> None:
    # shared out, 类别 would be 5 columns and 问题 11: two characters a line and five, one
    # column of each left empty on every line; 问题 has both, six characters a line
    out = folded_table(
        ["类别", "问题", "日期"],
        [["法律服务", "法律服务方面有困难，希望协调解决", "2026-07-12"]],
        30,
    )
    assert out == [
        "类别  问题          日期",
        "----  ------------  ----------",
        "法律  法律服务方面  2026-07-12",
        "服务  有困难，希望",
        "      协调解决",
    ]
    # a column with anything but Chinese characters (a digit) keeps its odd width
    out = folded_table(["类别", "问题"], [["法律服务", "第7次会议有困难希望协调解决"]], 17)
    assert out is not None and out[1] == "----  -----------"
