"""What the clerk typed is shown as typed on a terminal: Rich reads ``[...]`` as its markup
and ``:name:`` as an emoji unless told not to, and a section called ``[/]科`` stopped
``progress`` with an internal error."""

from __future__ import annotations

import pytest

from sanlian.cli import output
from tests.conftest import Cli

ODD_NAMES = ["[/]科", "[red]信息科", "[bold]法规科[/bold]", "服务科:phone:"]


@pytest.fixture
def odd(base: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    for name in ODD_NAMES:
        assert base("section", "add", name).code == 0
    assert base("cadre", "add", "方[b]圆", "--section", "[/]科").code == 0
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", "120")
    return base


@pytest.mark.parametrize(
    "args",
    [
        ("progress",),
        ("progress", "--by", "cadre"),
        ("selfcheck",),
        ("supervise",),
    ],
)
def test_names_that_look_like_rich_markup_are_shown_as_written(
    odd: Cli, args: tuple[str, ...]
) -> None:
    result = odd(*args)
    assert result.code == 0, result.err
    assert "程序内部出错" not in result.err
    shown = [n for n in ODD_NAMES if n in result.out]
    if args[-1] in ("cadre", "supervise"):  # the sections of cadres only, or of what to urge
        assert "[/]科" in result.out and "方[b]圆" in result.out  # no link, no visit yet
    else:
        assert shown == ODD_NAMES
    assert "📞" not in result.out


def test_a_folded_listing_shows_brackets_as_written(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "30")
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: True)
    cols = [output.Col("name", "名称"), output.Col("note", "备注")]
    rows = [{"name": "[/]科", "note": "[red]红色[/red] :phone: 1 2 3 " * 3}]
    output.render_rows(rows, cols, fmt="table", output=None, reveal=False, title="清单")
    out = capsys.readouterr().out
    assert max(output.text_width(line) for line in out.splitlines()) <= 30  # folded
    text = "".join(out.split())  # the lines joined again
    assert "[/]科" in text
    assert "[red]红色[/red]:phone:123" in text
