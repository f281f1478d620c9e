"""`sanlian shell`: what the ninth independent pass (a clerk's week, in a terminal) found."""

from __future__ import annotations

from tests.conftest import Cli


def complete(before: str) -> list[tuple[str, int, str]]:
    from sanlian.cli.shell import Shell

    return Shell().completer.candidates(before)


def test_history_record_completes_its_kinds_then_names(base: Cli) -> None:
    """``history --record 干部:`` + Tab offered nothing: the kinds, then the names of the kind
    (namesakes as their number, so that the word names one), as ``--cadre`` offers them."""
    assert complete("history --record 干") == [("干部:", -1, "干部")]
    assert complete("history --record c") == [
        ("cadre:", -1, "干部"),
        ("community:", -1, "社区(村)"),
    ]
    assert complete("history --record 干部:zw") == [
        ("干部:1", -5, "张伟（办公室）"),
        ("干部:2", -5, "张伟（综合科）"),
    ]
    assert complete("history --record cadre:单") == [("cadre:单丽", -7, "干部 [3]")]
    assert complete("history --record=household:wxy") == [
        ("--record=household:王秀英", -22, "联系户 [1]")
    ]
    assert complete("history --record visit:") == []  # a visit is named by its number
    result = base("history", "--record", "干部:1", "-f", "json")
    assert result.code == 0 and result.json()[0]["summary"].startswith("添加干部“张伟”")


def test_a_date_option_offers_today_and_yesterday(base: Cli) -> None:
    """``visit add --date`` + Tab offered nothing (SANLIAN_TODAY is 2026-06-15 in the tests)."""
    today, yesterday = ("2026-06-15", 0, "今天"), ("2026-06-14", 0, "昨天")
    assert complete("visit add --date ") == [today, yesterday]
    assert complete("problem list --as-of ") == [today, yesterday]
    assert complete("brief --from ") == [today, yesterday]
    assert complete("visit list --to ") == [today, yesterday]
    assert complete("visit add --date 2026-06-14") == [("2026-06-14", -10, "昨天")]
    assert complete("db copy --to ") == []  # a database, not a day
