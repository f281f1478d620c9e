"""``services.lookups.Lookups``: what an import of visits or problems reads once gives the
services' own answers — ``links.cadre_linked`` for every cadre, target and day around the
links' ends, ``refs.resolve`` and ``visits.campaign_spans``.

The ``base`` fixture: sections 办公室 (1) and 综合科 (2); cadres 张伟@办公室 (1, leader),
张伟@综合科 (2), 单丽 (3, 综合科), 曾强 (4, 办公室); communities 幸福社区 (1) and 前河湾村 (2);
one enterprise (1); one household 王秀英 (1) in 幸福社区.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from sanlian.errors import SanlianError
from tests.conftest import Cli, location


def ok(cli: Cli, *args: Any) -> None:
    result = cli(*args)
    assert result.code == 0, result


@pytest.fixture
def links(base: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """Links that start and end on different days, of every kind (recorded in November)."""
    monkeypatch.setenv("SANLIAN_TODAY", "2026-11-30")
    ok(base, "household", "add", "李强", "--community", "前河湾村", "--members", "2")  # 2
    ok(base, "link", "community", "--section", "综合科", "--community", "幸福社区", "--from", "3-5")
    ok(base, "link", "community", "--bureau", "--community", "前河湾村", "--from", "4-1")
    ok(
        base,
        "link",
        "community",
        "--section",
        "办公室",
        "--community",
        "幸福社区",
        "--from",
        "3-15",
    )
    ok(base, "link", "enterprise", "--cadre", "张伟@办公室", "--enterprise", "1", "--from", "3-10")
    ok(base, "link", "end", "4", "--date", "5-31")
    ok(base, "link", "household", "--household", "1", "--cadre", "曾强", "--from", "3-20")
    ok(base, "link", "household", "--household", "2", "--cadre", "单丽", "--from", "5-1")
    ok(base, "link", "household", "--household", "2", "--cadre", "张伟@综合科", "--from", "5-1")
    ok(base, "link", "end", "7", "--date", "8-31")  # 张伟@综合科 with 李强
    ok(base, "link", "household", "--household", "2", "--cadre", "张伟@综合科", "--from", "10-1")
    # 综合科 takes 前河湾村 over from the bureau, so that its cadres' pairs with 李强 there stay
    # covered when the bureau's link ends (link end refuses to leave them uncovered)
    ok(base, "link", "community", "--section", "综合科", "--community", "前河湾村", "--from", "7-1")
    ok(base, "link", "end", "2", "--date", "6-30")  # the bureau's link with 前河湾村
    return base


DAYS = [
    dt.date(2026, 3, 1),
    dt.date(2026, 3, 4),
    dt.date(2026, 3, 5),
    dt.date(2026, 3, 10),
    dt.date(2026, 3, 14),
    dt.date(2026, 3, 15),
    dt.date(2026, 3, 19),
    dt.date(2026, 3, 20),
    dt.date(2026, 4, 1),
    dt.date(2026, 5, 1),
    dt.date(2026, 5, 31),
    dt.date(2026, 6, 1),
    dt.date(2026, 6, 30),
    dt.date(2026, 7, 1),
    dt.date(2026, 8, 31),
    dt.date(2026, 9, 1),
    dt.date(2026, 10, 1),
    dt.date(2026, 12, 31),
]
TARGETS = [
    ("community", 1),
    ("community", 2),
    ("enterprise", 1),
    ("household", 1),
    ("household", 2),
]


def test_linked_answers_as_cadre_linked(links: Cli, db_path: Path) -> None:
    from sanlian.db.engine import open_database
    from sanlian.db.models import Cadre
    from sanlian.services.links import cadre_linked
    from sanlian.services.lookups import Lookups

    db = open_database(location(db_path))
    with db.session() as session:
        lookups = Lookups(session)
        answers = {True: 0, False: 0}
        for cadre_id in (1, 2, 3, 4):
            cadre = session.get(Cadre, cadre_id)
            assert cadre is not None
            for kind, target in TARGETS:
                for day in DAYS:
                    want = cadre_linked(
                        session, cadre=cadre, target_kind=kind, target_id=target, day=day
                    )
                    got = lookups.linked(cadre, kind, target, day)
                    assert got == want, (cadre_id, kind, target, day)
                    answers[want] += 1
    db.dispose()
    # both answers are met, each many times (a rule always true or false would fail above)
    assert answers[True] >= 40 and answers[False] >= 100, answers


def test_linked_by_hand(links: Cli, db_path: Path) -> None:
    """A few answers counted by hand from the fixture's links."""
    from sanlian.db.engine import open_database
    from sanlian.db.models import Cadre
    from sanlian.services.lookups import Lookups

    db = open_database(location(db_path))
    with db.session() as session:
        lookups = Lookups(session)

        def linked(cadre_id: int, kind: str, target: int, day: dt.date) -> bool:
            cadre = session.get(Cadre, cadre_id)
            assert cadre is not None
            return lookups.linked(cadre, kind, target, day)

        # 单丽 (综合科): 幸福社区 through her section from 3-5, not on 3-4
        assert linked(3, "community", 1, dt.date(2026, 3, 5))
        assert not linked(3, "community", 1, dt.date(2026, 3, 4))
        # 曾强 (办公室): 幸福社区 through his section from 3-15
        assert not linked(4, "community", 1, dt.date(2026, 3, 14))
        assert linked(4, "community", 1, dt.date(2026, 3, 15))
        # 前河湾村: the bureau's link 4-1 … 6-30 counts for every cadre; then her section's (7-1)
        assert linked(4, "community", 2, dt.date(2026, 6, 30))
        assert not linked(4, "community", 2, dt.date(2026, 7, 1))
        assert linked(3, "community", 2, dt.date(2026, 7, 1))
        assert not linked(3, "household", 1, dt.date(2026, 7, 1))  # not her household
        # 张伟@综合科 and 李强: 5-1 … 8-31, then again from 10-1
        assert linked(2, "household", 2, dt.date(2026, 8, 31))
        assert not linked(2, "household", 2, dt.date(2026, 9, 1))
        assert linked(2, "household", 2, dt.date(2026, 10, 1))
        # the enterprise 3-10 … 5-31, the leader's own
        assert linked(1, "enterprise", 1, dt.date(2026, 5, 31))
        assert not linked(1, "enterprise", 1, dt.date(2026, 6, 1))
        assert not linked(4, "enterprise", 1, dt.date(2026, 4, 1))
    db.dispose()


def test_resolve_and_spans_as_the_services(links: Cli, db_path: Path) -> None:
    from sanlian.db.engine import open_database
    from sanlian.services import refs
    from sanlian.services.lookups import Lookups
    from sanlian.services.visits import campaign_spans

    db = open_database(location(db_path))
    with db.session() as session:
        lookups = Lookups(session)
        assert lookups.spans() == campaign_spans(session) != []
        for kind, ref in [("cadre", "3"), ("cadre", "单丽"), ("household", 2), ("community", "1")]:
            first = lookups.resolve(kind, ref)
            assert first is refs.resolve(session, kind, ref)
            assert lookups.resolve(kind, ref) is first  # kept
        with pytest.raises(SanlianError) as refused:
            lookups.resolve("cadre", "张伟")  # two of that name: refused as the service does
        assert "张伟" in refused.value.message
        with pytest.raises(SanlianError):
            lookups.resolve("household", "99")
    db.dispose()


def test_a_name_that_matches_nothing_is_told_what_holds_it(base: Cli) -> None:
    """华强 for 临沂华强机械有限公司, or ``lyhq`` (what Tab completes) for its pinyin: refused
    as before, naming the record meant when a few hold it; nothing more for a name no record
    holds."""
    result = base("enterprise", "show", "华强")
    assert result.code == 1 and result.err == (
        "找不到企业“华强”，请用 sanlian enterprise list 查看编号或名称后重试。"
        "名称中含有“华强”的有“临沂华强机械有限公司”（编号 1），是不是指它？"
        "如是，请写全称（或全拼）或编号。\n"
    )
    result = base("visit", "add", "--cadre", "单丽", "--enterprise", "lyhq", "--form", "talk")
    assert result.code == 1 and "拼音以“lyhq”开头的有“临沂华强机械有限公司”（编号 1）" in result.err
    result = base("cadre", "show", "不在册")
    assert result.err == "找不到干部“不在册”，请用 sanlian cadre list 查看编号或姓名后重试。\n"
