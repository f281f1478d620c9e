"""Defects found in the tenth QA pass: the campaign's rules kept through edits, a roster sent
as one sheet per section, the self-inspection report's wording (one test each)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import Cli, Result, rows_of


def test_cadre_edit_no_leader_refused_while_linking_enterprises(
    base: Cli, unchanged: Callable[[Callable[[], Result]], Result], db_path: Path
) -> None:
    """领导班子联系企业: only a leadership member links an enterprise (``link enterprise``
    refuses anyone else, ``db check`` flags such a link), so taking the flag off a leader who
    still links one made a state the program itself calls wrong."""
    assert (
        base(
            "link",
            "enterprise",
            "--cadre",
            "1",
            "--enterprise",
            "临沂华强机械有限公司",
            "--from",
            "3-1",
        ).code
        == 0
    )
    refused = unchanged(lambda: base("cadre", "edit", "1", "--no-leader"))
    assert "临沂华强机械有限公司（联系编号 1）" in refused.err
    assert "sanlian link end 1" in refused.err
    assert base("db", "check").code == 0
    # once the link has ended, the flag comes off
    assert base("link", "end", "1", "--date", "6-1").code == 0
    assert base("cadre", "edit", "1", "--no-leader").code == 0
    assert rows_of(db_path, "SELECT is_leader FROM cadre WHERE id = 1") == [(0,)]
    assert base("db", "check").code == 0
