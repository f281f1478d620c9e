"""A listing too wide for the terminal, folded to its width as a text table.

The same table as the unfolded text (``output.text_table_parts``'s ``simple`` style: columns two
spaces apart, a rule of hyphens under the header, values left-aligned), with long values broken
over several lines of their column. Dates, numbers, ID and phone numbers keep their width while
the screen allows (they are read whole), then short words, then everything folds; a run of
letters or digits moves whole to the next line where it fits there. Nothing is ever cut; on
a screen too narrow to keep the dates and numbers whole even one space apart, the table is left
unfolded for the terminal to break.

This was Rich's folding table: ≈ 0.35 ms a row (150 cadres at 80 columns, 55–80 ms inside the
shell) against a few hundredths of a millisecond here, so a listing of any length folds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sanlian.cli.output import WIDE_CHARS, text_width

GAP = 2  # spaces between two columns
NOWRAP_WIDTH = 14  # a rigid column this narrow is kept whole first
# Values read whole where the screen allows: dates, numbers, masked ID and phone numbers, money.
RIGID = re.compile(r"[0-9０-９\-.,:/*%X¥ ]*")
MIN_WIDTH = 4  # a folded column's narrowest: two Chinese characters
SMALL_WIDTH = 6  # a column of values this narrow (three Chinese characters) is kept whole early
# What a line breaks between: a run of ASCII letters, digits and punctuation (a date, a phone
# number, a word), a run of spaces, or any other single character.
_TOKENS = re.compile(r"[\x21-\x7e]+| +|.", re.S)
_ALL_WIDE = re.compile(f"[{WIDE_CHARS}]+").fullmatch
_NO_LINE_START = frozenset("、，。；：？！）】」』》”’…%")


def column_widths(
    widest: Sequence[int],
    heads: Sequence[int],
    rigid: Sequence[bool],
    screen: int,
    usual: Sequence[int] | None = None,
) -> tuple[list[int], int] | None:
    """Each column's width and the gap between columns, for a table ``screen`` terminal
    columns wide, given the width of each column's widest value, of its header, and of its
    usual value (nine in ten as wide or narrower; the widest when not given).

    As wide as the wider of the two, ``GAP`` apart, when everything fits. Else a column needs
    its widest value (its header folding, down to ``MIN_WIDTH``), and gets, beyond
    ``MIN_WIDTH``, what is left in turn: first the short rigid columns (dates, numbers, masked
    numbers: read whole), then the columns whose usual value is a few characters (a name, a
    section: a line saved in most rows), as wide as that, then every column but the rigid up to
    its usual value's width, then up to what it needs; where a turn's columns cannot all have what they want, they share what is
    left in proportion to what they lack, so that their values take about as many lines each.
    When even the rigid columns cannot be whole, the columns stand one space apart instead of
    two, if that is enough; ``None`` when it is not: a date or a phone number broken over two
    lines is worse than a line the terminal breaks (``folded_table`` does not fold then)."""
    natural = [max(w, h) for w, h in zip(widest, heads, strict=True)]
    if sum(natural) + GAP * (len(natural) - 1) <= screen:
        return natural, GAP
    need = [max(w, min(h, MIN_WIDTH)) for w, h in zip(widest, heads, strict=True)]
    usual = widest if usual is None else usual
    typical = [max(u, min(h, MIN_WIDTH)) for u, h in zip(usual, heads, strict=True)]
    first = [i for i, n in enumerate(need) if n <= NOWRAP_WIDTH and rigid[i]]
    small = [i for i, t in enumerate(typical) if t <= SMALL_WIDTH and i not in first]
    others = [i for i in range(len(need)) if i not in first]
    turns = [(first, need), (small, typical), (others, typical), (others, need)]
    for gap in (GAP, 1):
        room = screen - gap * (len(need) - 1)
        widths = _shared(need, turns, room)
        if sum(widths) <= room and all(widths[i] == need[i] for i in first):
            return widths, gap
    return None


def _shared(
    need: Sequence[int], turns: Sequence[tuple[Sequence[int], Sequence[int]]], room: int
) -> list[int]:
    """``column_widths``'s sharing of ``room`` among the columns, turn by turn: each turn's
    columns and the width each is to reach in it."""
    widths = [min(n, MIN_WIDTH) for n in need]
    spare = room - sum(widths)
    for turn, want in turns:
        if spare <= 0:
            break
        open_ = [i for i in turn if widths[i] < want[i]]
        while spare > 0 and open_:
            lack = {i: want[i] - widths[i] for i in open_}
            total = sum(lack.values())
            if total <= spare:
                for i in open_:
                    widths[i] = want[i]
                spare -= total
                break
            grant = {i: spare * lack[i] // total for i in open_}
            if not any(grant.values()):  # less than a column each: to those that lack most
                for i in sorted(open_, key=lambda i: -lack[i])[:spare]:
                    widths[i] += 1
                spare = 0
                break
            for i, more in grant.items():
                widths[i] += more
                spare -= more
            open_ = [i for i in open_ if widths[i] < want[i]]
    return widths


def _width(token: str) -> int:
    """The terminal columns of a token of ``_TOKENS`` (a character of no width as wcwidth
    counts it, a control character say, takes none)."""
    if token.isascii():
        return len(token)
    size = _CHAR_WIDTHS.get(token)
    if size is None:
        size = _CHAR_WIDTHS[token] = max(text_width(token), 0)
    return size


_CHAR_WIDTHS: dict[str, int] = {}


def fold(text: str, width: int) -> list[tuple[str, int]]:
    """``text`` in lines no wider than ``width`` terminal columns (a single character wider
    than that has a line of its own), each with its width; at least one line."""
    if _ALL_WIDE(text):  # Chinese text alone (the usual long value): width // 2 a line
        return _fold_wide(text, width)
    lines: list[tuple[str, int]] = []
    line: list[str] = []
    used = 0

    def close() -> None:
        done = "".join(line)
        kept = done.rstrip(" ")
        lines.append((kept, used - (len(done) - len(kept))))

    for token in _TOKENS.findall(text):
        size = _width(token)
        if used + size <= width:
            line.append(token)
            used += size
            continue
        if token[0] == " ":  # a break: the spaces go
            close()
            line, used = [], 0
            continue
        if token in _NO_LINE_START and len(line) > 1 and _width(line[-1]) + size <= width:
            # 、，。 and closing brackets never begin a line: the character before goes with them
            last = line.pop()
            used -= _width(last)
            close()
            line, used = [last, token], _width(last) + size
            continue
        if size <= width and used:  # the run whole on the next line
            close()
            line, used = [token], size
            continue
        for char in token:  # longer than a line: cut where the line ends
            size = _width(char)
            if used + size > width and used:
                close()
                line, used = [], 0
            line.append(char)
            used += size
    if line or not lines:
        close()
    return lines


def _fold_wide(text: str, width: int) -> list[tuple[str, int]]:
    """``fold`` of a text of wide characters only."""
    per_line = max(width // 2, 1)
    lines = []
    start, end = 0, len(text)
    while start < end:
        stop = min(start + per_line, end)
        if stop < end and text[stop] in _NO_LINE_START and stop - start > 1:
            stop -= 1  # the character before goes with it to the next line
        lines.append((text[start:stop], 2 * (stop - start)))
        start = stop
    return lines


def folded_table(
    headers: Sequence[str], table: Sequence[Sequence[str]], screen_width: int
) -> list[str] | None:
    """The lines of the text table of ``headers`` and ``table`` (one line of texts a row),
    folded to ``screen_width``; ``None`` on a screen too narrow to keep the dates and numbers
    whole (``column_widths``)."""
    heads = [text_width(h) for h in headers]
    widest = [0] * len(headers)
    rigid = [True] * len(headers)
    sizes = []
    for row in table:
        row_sizes = [text_width(value) for value in row]
        sizes.append(row_sizes)
        for i, size in enumerate(row_sizes):
            if size > widest[i]:
                widest[i] = size
            if rigid[i] and not RIGID.fullmatch(row[i]):
                rigid[i] = False
    usual = [_usual([row_sizes[i] for row_sizes in sizes]) for i in range(len(headers))]
    chosen = column_widths(widest, heads, rigid, screen_width, usual)
    if chosen is None:
        return None
    widths, spaces = chosen
    wide = [all(not v or _ALL_WIDE(v) for v in column) for column in zip(*table, strict=True)]
    widths = _evened(widths, widest, wide) if table else widths
    gap = " " * spaces
    out = _block([fold(h, w) for h, w in zip(headers, widths, strict=True)], widths, gap)
    out.append(gap.join("-" * w for w in widths))
    for row, row_sizes in zip(table, sizes, strict=True):
        if all(z <= w for z, w in zip(row_sizes, widths, strict=True)):  # one line, as most
            out.append(
                gap.join(
                    [v + " " * (w - z) for v, z, w in zip(row, row_sizes, widths, strict=True)]
                ).rstrip()
            )
            continue
        cells = [
            [(v, z)] if z <= w else fold(v, w)
            for v, z, w in zip(row, row_sizes, widths, strict=True)
        ]
        out.extend(_block(cells, widths, gap))
    return out


def _evened(widths: Sequence[int], widest: Sequence[int], wide: Sequence[bool]) -> list[int]:
    """``widths`` where a column of Chinese characters only (two terminal columns each) that
    folds at an odd width gives its last column, which no line of it can use, to a column
    that folds too, the one lacking most (two at a time to another such column); a problem
    list at 80 columns left 类别 5 columns and 问题 11, a column each unused."""
    widths = list(widths)
    spare = 0
    for i, w in enumerate(widths):
        if wide[i] and w % 2 and w < widest[i]:
            widths[i] -= 1
            spare += 1
    while spare:
        lacking = [
            i
            for i, w in enumerate(widths)
            if widest[i] - w >= (2 if wide[i] else 1) and (spare >= 2 or not wide[i])
        ]
        if not lacking:
            break
        i = max(lacking, key=lambda i: widest[i] - widths[i])
        more = 2 if wide[i] else 1
        widths[i] += more
        spare -= more
    return widths


def _usual(sizes: list[int]) -> int:
    """The width nine values in ten of a column do not pass."""
    if not sizes:
        return 0
    sizes.sort()
    return sizes[(len(sizes) - 1) * 9 // 10]


def _block(cells: list[list[tuple[str, int]]], widths: Sequence[int], gap: str) -> list[str]:
    """One row's lines: each cell's lines side by side, padded to their column."""
    height = max(len(c) for c in cells)
    lines = []
    for n in range(height):
        parts = []
        for lines_of, w in zip(cells, widths, strict=True):
            text, size = lines_of[n] if n < len(lines_of) else ("", 0)
            parts.append(text + " " * (w - size))
        lines.append(gap.join(parts).rstrip())
    return lines
