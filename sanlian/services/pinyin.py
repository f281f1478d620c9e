"""Pinyin readings of names, computed when a name is written and stored in ``search_key``.

Every reading of a polyphonic character counts (单 = dan/shan/chan, 曾 = zeng/ceng), so a
clerk finds 单伟 by ``shanwei`` as well as ``danwei``. Reads never import pypinyin.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

MAX_READINGS = 64  # per name: full spellings (and as many initials) kept at the most
_PER_CHAR = 3  # readings per character considered


_DROPPED = re.compile(r"[\s·•\-_()（）]")
# A name of CJK ideographs only: NFKC, lower-casing and ``_DROPPED`` leave it as it is.
_PLAIN_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_HAN: dict[str, tuple[str, ...]] = {}  # ``_char_readings`` of the characters met, by character


@functools.cache
def _per_char() -> dict[int, str] | None:
    """pypinyin's table of single characters when, as here, its phrases are not loaded: then
    each character of a run of Han characters is read alone, so a name's readings are those of
    its characters in turn. ``None`` when phrases are loaded (a user's PYPINYIN_NO_PHRASES="")."""
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "true")
    from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

    return None if PHRASES_DICT else PINYIN_DICT


@functools.lru_cache(maxsize=65536)
def _char_readings(char: str) -> tuple[str, ...]:
    """The readings of one character with a pinyin, as ``_readings`` keeps them."""
    from pypinyin import Style, pinyin

    (item,) = pinyin(char, style=Style.NORMAL, heteronym=True)
    return tuple([r for r in dict.fromkeys(item) if r][:_PER_CHAR])


def _readings(name: str) -> Sequence[Sequence[str]]:
    table = _per_char()
    if table is not None and _PLAIN_HAN.fullmatch(name):  # the usual name, read as below
        han: list[tuple[str, ...]] = []
        for c in name:
            found = _HAN.get(c)
            if found is None:
                if ord(c) not in table:
                    break  # read the whole name as below
                found = _HAN[c] = _char_readings(c)
            if found:
                han.append(found)
        else:
            return han
    clean = unicodedata.normalize("NFKC", name).lower()
    clean = _DROPPED.sub("", clean)
    table = _per_char()
    if table is not None and clean and all(ord(c) in table for c in clean):
        # Han characters only (the table holds no letter or digit): read one by one, cached.
        return [list(found) for c in clean if (found := _char_readings(c))]
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "true")
    from pypinyin import Style, pinyin

    parts: list[list[str]] = []

    def keep(chars: str) -> Any:  # letters and digits stand for themselves
        return list(chars)

    for item in pinyin(clean, style=Style.NORMAL, heteronym=True, errors=keep):
        readings = [r for r in dict.fromkeys(item) if r][:_PER_CHAR]
        if readings:
            parts.append(readings)
    return parts


def keys(name: str) -> set[str]:
    """Full pinyin spellings and initials of ``name`` under every combination of readings."""
    parts = _readings(name)
    if not parts:
        return set()
    if all(len(p) == 1 for p in parts):  # one reading a character: one spelling
        return {"".join([p[0] for p in parts]), "".join([p[0][0] for p in parts])}
    result: set[str] = set()
    for combo in itertools.islice(itertools.product(*parts), MAX_READINGS):
        result.add("".join(combo))
        result.add("".join(r[0] for r in combo))
    return result


def looks_like_pinyin(ref: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z]+", ref))
