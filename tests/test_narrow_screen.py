"""On a screen too narrow for a listing, every column is still there (Rich, which folded the
listings before ``cli.fold``, cut the last columns off without a mark); on an ordinary one the
reports show every name."""

from __future__ import annotations

import pytest

from sanlian.cli import output
from tests.conftest import Cli


@pytest.fixture
def narrow(base: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", "40")
    return base


def test_a_wide_listing_on_a_narrow_screen_keeps_every_column(narrow: Cli) -> None:
    result = narrow("cadre", "list")
    assert result.code == 0, result
    for label in ("编号", "姓名", "科室", "政治面貌", "班子成员", "领导小组", "手机号码"):
        assert label in result.out, result.out
    assert "138****5678" in result.out


def test_problem_list_on_a_narrow_screen_shows_status_and_money(narrow: Cli) -> None:
    steps = [
        ("link", "community", "--section", "办公室", "--community", "幸福社区", "--from", "3-1"),
        ("problem", "add", "--community", "幸福社区", "--category", "其他", "--owner", "曾强",
         "--text", "路灯坏了", "--date", "6-3"),
        ("problem", "resolve", "1", "--how", "已修好", "--amount", "12.5", "--date", "6-5"),
    ]  # fmt: skip
    for step in steps:
        assert narrow(*step).code == 0, step
    result = narrow("problem", "list")
    assert "状态" in result.out and "已解决" in result.out and "12.50" in result.out, result.out


def test_a_listing_that_folds_into_the_screen_is_folded_to_it(narrow: Cli) -> None:
    shown = narrow("research", "add", "--cadre", "曾强", "--date", "6-1", "--title", "关于" * 30)
    assert shown.code == 0, shown
    listing = narrow("research", "list")
    assert "-----" in listing.out  # the text table's rule under the header
    widths = [output.text_width(line) for line in listing.out.splitlines()]
    assert max(widths) <= 40, listing.out
    assert "".join(listing.out.split()).count("关于") == 30  # every character of the title


@pytest.mark.parametrize(
    "args", [("progress",), ("progress", "--by", "cadre"), ("selfcheck",), ("supervise",)]
)
@pytest.mark.parametrize("width", ["80", "40"])
def test_a_report_on_an_ordinary_terminal_shows_every_name(
    base: Cli, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], width: str
) -> None:
    """At 80 columns Rich squeezed the name columns of progress's 各科室进度, progress --by
    cadre's 各干部事项 and selfcheck's 按科室 to nothing or to …: such a report is text."""
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", width)
    for step in [
        ("link", "community", "--section", "综合科", "--community", "幸福社区", "--from", "3-1"),
        ("link", "household", "--cadre", "单丽", "--household", "王秀英", "--from", "3-1"),
    ]:
        assert base(*step).code == 0, step
    result = base(*args)
    assert result.code == 0, result
    assert "…" not in result.out, result.out
    names = {"办公室", "综合科"} if args[-1] != "supervise" else {"综合科", "单丽"}
    if args[-1] == "cadre":
        names |= {"张伟", "单丽", "曾强"}
    for name in names:
        assert name in result.out, (name, result.out)


def _table_lines(text: str) -> list[str]:
    """The lines of the text tables in ``text``: from a header's line (the one above a rule
    of hyphens) to the blank line after."""
    lines = text.splitlines()
    out: list[str] = []
    for i, line in enumerate(lines):
        if line and set(line) <= {"-", " "} and i > 0:
            j = i - 1
            while j > 0 and lines[j - 1].strip() and not lines[j - 1].startswith(("第", "各")):
                j -= 1  # a header folded over several lines
            k = i + 1
            while k < len(lines) and lines[k].strip():
                k += 1
            out += lines[j:k]
    return out


@pytest.mark.parametrize(
    ("args", "width"),
    [(("progress",), 56), (("progress", "--by", "cadre"), 56), (("selfcheck",), 56),
     (("supervise",), 30)],
)  # fmt: skip
def test_a_report_written_as_text_on_a_terminal_is_folded_to_its_width(
    base: Cli, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], width: int
) -> None:
    """A report too wide for Rich's tables is the text report; on a terminal its tables were
    written as wide as they are (progress's 各科室进度 82 columns on an 80-column terminal),
    each line broken by the terminal, the columns no longer under their headers."""
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: True)
    monkeypatch.setenv("COLUMNS", str(width))
    steps = [
        ("link", "community", "--section", "综合科", "--community", "幸福社区", "--from", "3-1"),
        ("link", "household", "--cadre", "单丽", "--household", "王秀英", "--from", "3-1"),
        ("problem", "add", "--household", "王秀英", "--category", "其他", "--owner", "单丽",
         "--text", "路灯坏了很久，晚上出行不便，希望尽快修好" * 2, "--date", "3-3"),
    ]  # fmt: skip
    for step in steps:
        assert base(*step).code == 0, step
    result = base(*args)
    assert result.code == 0, result
    tables = _table_lines(result.out)
    assert tables, result.out  # the report is text here: Rich's tables do not fit
    assert max(output.text_width(line) for line in tables) <= width, result.out
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: False)
    piped = base(*args)  # into a file or a pipe: as wide as it is, every line whole
    assert max(output.text_width(line) for line in _table_lines(piped.out)) > width, piped.out
