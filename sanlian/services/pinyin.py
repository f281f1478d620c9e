"""Pinyin readings of names, computed when a name is written and stored in ``search_key``.

A character is read as pypinyin reads it first, and a polyphonic character also in the other
readings names and places use (``NAME_READINGS``: 单 = shan/dan, 曾 = zeng/ceng), so a clerk
finds 单伟 by ``shanwei`` as well as ``danwei``. The other readings pypinyin knows are not
kept: they are for words, not names (方 as wang, 董 as zhong, 于 as xu), and kept they made
``wangzhiqiang``, a household not on file, find 方志强, and a visit be recorded against him.
Reads never import pypinyin.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
import unicodedata
from collections.abc import Sequence

MAX_READINGS = 64  # per name: full spellings (and as many initials) kept at the most

# Polyphonic characters as names (surnames first of all) and places are read: the usual reading
# of the name first. Any other character is read in pypinyin's first reading alone.
NAME_READINGS: dict[str, tuple[str, ...]] = {
    "单": ("shan", "dan"),
    "曾": ("zeng", "ceng"),
    "解": ("xie", "jie"),
    "仇": ("qiu", "chou"),
    "区": ("ou", "qu"),
    "查": ("zha", "cha"),
    "朴": ("piao", "pu"),
    "乐": ("le", "yue", "lao"),
    "尉": ("wei", "yu"),
    "蔚": ("wei", "yu"),
    "覃": ("qin", "tan"),
    "盖": ("gai", "ge"),
    "缪": ("miao", "mou"),
    "翟": ("zhai", "di"),
    "员": ("yuan", "yun"),
    "召": ("zhao", "shao"),
    "长": ("chang", "zhang"),
    "行": ("xing", "hang"),
    "重": ("zhong", "chong"),
    "朝": ("zhao", "chao"),
    "薄": ("bo", "bao"),
    "传": ("chuan", "zhuan"),
    "都": ("du", "dou"),
    "会": ("hui", "kuai"),
    "茜": ("qian", "xi"),
    "参": ("shen", "can"),
    "藏": ("zang", "cang"),
    "降": ("jiang", "xiang"),
    "调": ("tiao", "diao"),
    "秘": ("bi", "mi"),
    "种": ("chong", "zhong"),
    "柏": ("bai", "bo"),
    "繁": ("fan", "po"),
    "宿": ("su", "xiu"),
    "角": ("jiao", "jue"),
    "厦": ("xia", "sha"),
    "莞": ("guan", "wan"),
    "堡": ("bao", "pu", "bu"),
    "六": ("liu", "lu"),
    "番": ("fan", "pan"),
    "露": ("lu", "lou"),
    "给": ("gei", "ji"),
    "差": ("cha", "chai"),
    "折": ("zhe", "she"),
    "卜": ("bu", "bo"),
    "阚": ("kan", "han"),
    "晟": ("sheng", "cheng"),
    "隽": ("jun", "juan"),
    "佴": ("nai", "er"),
    "粘": ("nian", "zhan"),
    "祭": ("zhai", "ji"),
    "澹": ("tan", "dan"),
    "宓": ("mi", "fu"),
    "俟": ("qi", "si"),
    "万": ("wan", "mo"),
    "莘": ("shen", "xin"),
    "蚌": ("bang", "beng"),
    "枞": ("cong", "zong"),
    "阿": ("a", "e"),
}


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
    """The readings of one character with a pinyin, as ``_readings`` keeps them: those of
    ``NAME_READINGS``, or else pypinyin's first."""
    named = NAME_READINGS.get(char)
    if named is not None:
        return named
    from pypinyin import Style, pinyin

    (item,) = pinyin(char, style=Style.NORMAL, heteronym=False)
    return tuple(r for r in item[:1] if r)


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
    parts: list[Sequence[str]] = []
    for c in clean:  # letters and digits stand for themselves; a Han character is read
        found = _char_readings(c) if _HAN_CHAR.match(c) else (c,) if c.isalnum() else ()
        if found:
            parts.append(found)
    return parts


_HAN_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


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
