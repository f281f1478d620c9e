"""Pinyin readings of names, computed when a name is written and stored in ``search_key``.

Every reading of a polyphonic character counts (单 = dan/shan/chan, 曾 = zeng/ceng), so a
clerk finds 单伟 by ``shanwei`` as well as ``danwei``. Reads never import pypinyin.
"""

from __future__ import annotations

import itertools
import os
import re
import unicodedata
from typing import Any

MAX_READINGS = 64  # per name: full spellings (and as many initials) kept at the most
_PER_CHAR = 3  # readings per character considered


def _readings(name: str) -> list[list[str]]:
    os.environ.setdefault("PYPINYIN_NO_PHRASES", "true")
    from pypinyin import Style, pinyin

    clean = unicodedata.normalize("NFKC", name).lower()
    clean = re.sub(r"[\s·•\-_()（）]", "", clean)
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
    result: set[str] = set()
    for combo in itertools.islice(itertools.product(*parts), MAX_READINGS):
        result.add("".join(combo))
        result.add("".join(r[0] for r in combo))
    return result


def looks_like_pinyin(ref: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z]+", ref))
