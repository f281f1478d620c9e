"""An error sentence that quotes what the clerk typed (or a file carried) stays one sentence
on one line: a line break, a carriage return or an escape sequence in the value is named, not
written (``sanlian.i18n.messages.readable``)."""

from __future__ import annotations

import pytest

from tests.conftest import Cli


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (("cadre", "show", "张\n伟"), "“张［换行］伟”"),
        (("cadre", "show", "张\r\n伟"), "“张［换行］伟”"),
        (("cadre", "show", "张\r伟"), "“张［回车］伟”"),
        (("cadre", "show", "张\x1b[31m伟"), "“张［U+001B］[31m伟”"),
        (("cadre", "show", "张\u2028伟"), "“张［U+2028］伟”"),
        (("cadre", "add", "赵六", "--section", "办公室", "--gender", "男\n女"), "“男［换行］女”"),
        (("visit", "list", "--from", "六月\n三日"), "“六月［换行］三日”"),
    ],
)
def test_an_error_sentence_quotes_a_value_on_its_one_line(
    base: Cli, args: tuple[str, ...], shown: str
) -> None:
    result = base(*args)
    assert result.code == 1, result
    assert result.err.count("\n") == 1 and result.err.endswith("。\n"), result
    assert shown in result.err, result
    assert "\x1b" not in result.err and "\r" not in result.err
