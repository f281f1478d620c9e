"""What the fuzz tests share: text that has broken parsers somewhere, and a check that a call
either gives a value or refuses with one of our errors."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st

from sanlian.errors import SanlianError
from tests.conftest import Cli, Result, dump

# Values that broke parsers somewhere once: numbers too large or not numbers at all, other
# scripts' digits, Chinese numerals, control characters, forms that almost match.
NASTY = [
    "",
    " ",
    "\u3000",
    "\x00",
    "\t\n",
    "1e309",
    "-1e309",
    "1E+17",
    "3.70102E+17",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "∞",
    "-0",
    "+1",
    "0x1F",
    "1_000",
    "9" * 30,
    "9" * 5000,
    "0." + "0" * 40 + "1",
    "一二三",
    "六月三日",
    "二〇二二年六月三日",
    "〇",
    "零",
    "１２３",
    "٣",  # Arabic-Indic three
    "१२३",  # Devanagari
    "²³",
    "①②",
    "𝟙𝟚",
    "Ⅻ",
    "𐩀𐩁",  # Kharosthi digits: isdigit() yet not decimal
    "᧚",  # New Tai Lue tham digit one: isdigit(), int() refuses it
    "2022-06-03",
    "2022/6/3",
    "20220603",
    "6-3",
    "6月3日",
    "0-0",
    "13-45",
    "2-30",
    "0000-01-01",
    "9999-12-31",
    "10000-01-01",
    "2022-6-3 00:00",
    "2022-6-3 12:00",
    "today",
    "今天",
    "昨日",
    "12,345.67",
    "1,2,3",
    ",",
    ".",
    "¥",
    "元",
    "¥.5元",
    "12345.678",
    "99999999999.99",
    "13812345678",
    "+8613812345678",
    "138****5678",
    "370102198001011237",
    "37010219800101123X",
    "91350100M000100Y43",
    "@",
    "@@",
    "张伟@",
    "@办公室",
    "#",
    "#1",
    "'; DROP TABLE cadre; --",
    "%",
    "_",
    "\ud7ff",
    "\U0010ffff",
    "\u202e",
    "\ufeff1",
]

nasty_text = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7F)),
    st.text(alphabet="0123456789-/.年月日 ,¥元eE+*#@１２３４５６７８９０－／．"),
    st.sampled_from(NASTY),
    st.builds(lambda a, b: a + b, st.sampled_from(NASTY), st.text(max_size=5)),
    st.builds(lambda a, b: a + b, st.text(max_size=5), st.sampled_from(NASTY)),
)


def only_ours(call: Callable[[], Any]) -> Any:
    """The value ``call`` returns, or ``None`` if it refused with one of our errors (its sentence
    is rendered when the error is made, so a missing placeholder would show here too)."""
    try:
        return call()
    except SanlianError as exc:
        assert exc.message.strip()
        return None


def examples(count: int) -> int:
    """``count`` examples, times ``$SANLIAN_FUZZ_SCALE`` (default 1): the suite stays quick, and
    a longer hunt is one variable away (``SANLIAN_FUZZ_SCALE=20 pytest tests/test_fuzz_*.py``)."""
    return max(1, round(count * float(os.environ.get("SANLIAN_FUZZ_SCALE", "1"))))


# --- a populated database, copied fresh for every example --------------------------------

SETUP = [
    ("init", "--year", "2026"),
    ("section", "add", "办公室"),
    ("section", "add", "综合科"),
    ("cadre", "add", "张伟", "--section", "办公室", "--leader", "--gender", "男"),
    ("cadre", "add", "张伟", "--section", "综合科"),
    ("cadre", "add", "单丽", "--section", "综合科", "--gender", "女"),
    ("community", "add", "幸福社区", "--town", "兰山街道"),
    ("community", "add", "前河湾村", "--kind", "村", "--town", "枣园镇"),
    ("enterprise", "add", "临沂华强机械有限公司", "--uscc", "91350100M000100Y43"),
    ("household", "add", "王秀英", "--community", "幸福社区", "--members", "3"),
    ("link", "community", "--section", "综合科", "--community", "幸福社区", "--from", "3-1"),
    ("link", "household", "--cadre", "单丽", "--household", "王秀英", "--from", "3-1"),
    ("link", "enterprise", "--cadre", "张伟@办公室", "--enterprise", "1", "--from", "3-1"),
    (
        "visit",
        "add",
        "--date",
        "6-3",
        "--cadre",
        "单丽",
        "--household",
        "王秀英",
        "--form",
        "入户走访",
    ),
    ("problem", "add", "--household", "王秀英", "--category", "就学", "--text", "上学路远"),
    (
        "problem",
        "add",
        "--enterprise",
        "1",
        "--category",
        "资金",
        "--text",
        "贷款难",
        "--date",
        "6-1",
    ),
]

_built: dict[str, Path] = {}
_counter = itertools.count()


def fresh_copies(cli: Cli, tmp_path_factory: pytest.TempPathFactory) -> Callable[[], Path]:
    """``fresh()`` → the path of a new copy of the populated database (built once a session:
    a Hypothesis example costs a file copy, not sixteen commands)."""
    if "template" not in _built:
        folder = tmp_path_factory.mktemp("fuzz-cli-template")
        template = folder / "template.db"
        for step in SETUP:
            result = cli("--db", template, *step)
            assert result.code == 0, (step, result)
        _built["template"] = template
    folder = tmp_path_factory.mktemp("fuzz-cli", numbered=True)

    def copy() -> Path:
        for old in folder.iterdir():  # the last example's file, and its automatic backups
            if old.is_dir():
                shutil.rmtree(old)
            else:
                old.unlink()
        path = folder / f"ex{next(_counter)}.db"
        shutil.copyfile(_built["template"], path)
        return path

    return copy


def check(cli: Cli, db: Path, *args: Any, codes: tuple[int, ...] = (0, 1, 2)) -> Result:
    """Run ``args`` on ``db``: a clean exit, no traceback, nothing written when refused."""
    before = dump(db)
    result = cli("--db", db, *args)
    assert result.code in codes, result
    assert "Traceback" not in result.err, result
    assert "程序内部出错" not in result.err, result
    if result.code != 0:
        assert result.err.strip(), result
        assert dump(db) == before, result
    return result
