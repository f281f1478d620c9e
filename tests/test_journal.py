"""The change journal: every change recorded row by row, undo, reveal entries, purge."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from sanlian.db import migrations
from sanlian.db.journal import FIELD_LABELS
from tests.conftest import Cli, dump, execute_sql, on_pg, rows_of

FIXTURE = Path(__file__).parent / "fixtures" / "schema_v1.db"
ID_NUMBER = "110101199003071233"  # check digit computed by GB 11643
PHONE = "13987654321"


def _literal(value: Any) -> str:
    return str(value) if isinstance(value, int) else "'" + str(value).replace("'", "''") + "'"


def query(path: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    """One query on the test's database (SQLite file or PostgreSQL); ``?`` takes ``args``."""
    for arg in args:
        sql = sql.replace("?", _literal(arg), 1)
    return rows_of(path, sql)


def data_dump(path: Path) -> list[str]:
    """Every row of every table but the journal's own; search keys without their ids; not the
    largest numbers used (``sqlite_sequence``: an undone add's number is not given again)."""
    keys = sorted(query(path, "select kind, ref_id, key from search_key"))  # ids aside
    if on_pg():
        skip_pg = ("journal:", "journal_change:", "schema_migrations:", "search_key:")
        return [line for line in dump(path) if not line.startswith(skip_pg)] + [str(keys)]
    con = sqlite3.connect(path)
    try:
        skip = (
            'INSERT INTO "journal',
            'INSERT INTO "schema_migrations',
            'INSERT INTO "search_key',
            'INSERT INTO "sqlite_sequence',
        )
        return [line for line in con.iterdump() if not line.startswith(skip)] + [str(keys)]
    finally:
        con.close()


def stored_bytes(path: Path) -> bytes:
    """What the database holds: the SQLite file's raw bytes after VACUUM (free pages too), or
    on PostgreSQL every row of every table."""
    if on_pg():
        return "\n".join(dump(path)).encode()
    con = sqlite3.connect(path)
    con.execute("VACUUM")
    con.close()
    return path.read_bytes()


def last_changes(path: Path) -> list[tuple[str, str]]:
    (entry,) = query(path, "select max(id) from journal where kind = 'change'")[0]
    return query(
        path,
        "select table_name, action from journal_change where journal_id = ? order by seq",
        entry,
    )


@pytest.fixture
def linked(base: Cli) -> Cli:
    for step in (
        ("link", "community", "--section", "综合科", "--community", "幸福社区"),
        ("link", "household", "--cadre", "单丽", "--household", "王秀英"),
    ):
        result = base(*step)
        assert result.code == 0, result
    return base


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_edit_is_recorded_field_by_field(base: Cli, db_path: Path) -> None:
    assert base("cadre", "edit", "曾强", "--phone", PHONE).code == 0
    assert last_changes(db_path) == [("cadre", "update")]
    before, after = query(
        db_path, "select before, after from journal_change order by id desc limit 1"
    )[0]
    assert '"phone":null' in before and f'"phone":"{PHONE}"' in after
    shown = base("history", "--record", "cadre:曾强")
    assert shown.code == 0, shown
    assert "手机号码：（空） → 139****4321" in shown.out
    assert PHONE not in shown.out
    assert "添加干部“曾强”" in shown.out  # its whole story, not other records'
    assert "单丽" not in shown.out
    revealed = base("history", "--record", "干部:曾强", "--reveal", "-f", "json").json()
    assert revealed[0]["changes"][0]["after"]["phone"] == PHONE


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ([("section", "add", "新科室")], [("section", "insert")]),
        ([("cadre", "edit", "单丽", "--title", "科员")], [("cadre", "update")]),
        ([("section", "remove", "办公室", "--force")], [("section", "update")]),
        ([("enterprise", "remove", "临沂华强机械有限公司")], [("enterprise", "delete")]),
        (
            [("household", "remove", "王秀英", "--force")],
            [("household", "update"), ("link", "update")],
        ),
        (
            [("link", "community", "--section", "办公室", "--community", "前河湾村")],
            [("link", "insert")],
        ),
        (
            [("visit", "add", "--cadre", "单丽", "--household", "王秀英", "--form", "home")],
            [("visit", "insert"), ("visit_cadre", "insert")],
        ),
        (
            [
                (
                    "problem",
                    "add",
                    "--household",
                    "王秀英",
                    "--category",
                    "medical",
                    "--text",
                    "看病难",
                ),
                ("problem", "resolve", "1", "--how", "联系医院", "--measure", "health"),
            ],
            [("problem", "update"), ("problem_step", "insert"), ("step_measure", "insert")],
        ),
        (
            [("activity", "add", "education", "--date", "2026-05-04", "--cadre", "单丽")],
            [("activity", "insert"), ("activity_cadre", "insert")],
        ),
    ],
)
def test_each_change_is_recorded_and_undone_exactly(
    linked: Cli, db_path: Path, steps: list[tuple[str, ...]], expected: list[tuple[str, str]]
) -> None:
    for step in steps[:-1]:
        assert linked(*step).code == 0
    before = data_dump(db_path)
    result = linked(*steps[-1])
    assert result.code == 0, result
    assert sorted(last_changes(db_path)) == sorted(expected)
    undone = linked("undo", "--yes")
    assert undone.code == 0, undone
    assert data_dump(db_path) == before


def test_removing_a_visit_records_the_cadres_removed_with_it(linked: Cli, db_path: Path) -> None:
    linked("visit", "add", "--cadre", "单丽", "--household", "王秀英", "--form", "home")
    before = data_dump(db_path)
    assert linked("visit", "remove", "1").code == 0
    assert last_changes(db_path) == [("visit_cadre", "delete"), ("visit", "delete")]
    assert linked("undo", "--yes").code == 0
    assert data_dump(db_path) == before


def test_an_import_batch_is_one_entry_and_undone_whole(
    base: Cli, db_path: Path, tmp_path: Path
) -> None:
    rows = [["户主姓名", "所在社区(村)", "手机号码"]]
    rows += [[f"李{i}", "前河湾村", f"1380000{i:04d}"] for i in range(30)]
    rows += [["王秀英", "幸福社区", PHONE]]  # an update of the household already there
    before = data_dump(db_path)
    entries = query(db_path, "select count(*) from journal")[0][0]
    result = base("household", "import", write_csv(tmp_path / "户.csv", rows))
    assert result.code == 0, result
    assert query(db_path, "select count(*) from journal")[0][0] == entries + 1
    changes = last_changes(db_path)
    # the update row by row; the 30 new records as one run of ids, without their values
    assert changes == [("household", "update"), ("household", "insert")]
    (first,) = query(db_path, "select min(id) from household where name like '李%'")[0]
    run = query(
        db_path,
        "select record_id, last_record_id, before, after from journal_change"
        " where action = 'insert' order by id desc limit 1",
    )
    assert run == [(first, first + 29, None, None)]
    shown = base("undo")  # no answer: cancelled, but says what it would do
    assert f"删除联系户 30 条（编号 {first}–{first + 29}）" in shown.out
    assert "改回联系户 1：手机号码：139****4321 → （空）" in shown.out
    assert base("undo", "--yes").code == 0
    assert data_dump(db_path) == before
    assert base("household", "show", "lisi").code == 1  # search keys dropped with the rows


def test_refused_import_rows_leave_no_journal_rows(
    linked: Cli, db_path: Path, tmp_path: Path
) -> None:
    rows = [["日期", "干部", "对象类型", "对象", "形式"]]
    rows += [["2026-06-01", "单丽", "联系户", "王秀英", "入户走访"]]
    rows += [["2026-06-02", "单丽", "联系户", "没有这户", "入户走访"]]
    result = linked("visit", "import", write_csv(tmp_path / "走访.csv", rows), "--skip-bad")
    assert result.code == 0, result
    assert sorted(last_changes(db_path)) == [("visit", "insert"), ("visit_cadre", "insert")]


def test_undo_twice_walks_back_and_is_journaled(base: Cli, db_path: Path) -> None:
    before = data_dump(db_path)
    base("section", "add", "甲科")
    base("section", "edit", "甲科", "--name", "乙科")
    assert base("undo", "--yes").code == 0
    assert base("undo", "--yes").code == 0
    assert data_dump(db_path) == before
    rows = query(
        db_path, "select id, kind, undoes, undone_by from journal order by id desc limit 4"
    )
    (u2, k2, does2, _), (u1, k1, does1, _), (e2, _, _, by2), (e1, _, _, by1) = rows
    assert (k1, k2) == ("undo", "undo")
    assert (does1, does2) == (e2, e1) and (by1, by2) == (u2, u1)
    assert base("section", "show", "yike").code == 1


def test_undo_refuses_when_the_record_was_changed_since(
    base: Cli, db_path: Path, unchanged: Any
) -> None:
    base("section", "add", "甲科")
    execute_sql(db_path, "update section set note = '外部修改' where name = '甲科'")
    result = unchanged(lambda: base("undo", "--yes"))
    assert "科室“甲科”" in result.err and "又被改动过" in result.err


def test_reveal_is_journaled_with_numbers_masked(base: Cli, db_path: Path) -> None:
    result = base("cadre", "list", "--reveal")
    assert "13812345678" in result.out
    kind, command, summary = query(
        db_path, "select kind, command, summary from journal order by id desc limit 1"
    )[0]
    assert kind == "reveal" and command == "cadre list --reveal"
    assert "干部" in summary or "条" in summary
    base("cadre", "list", "--phone", "13812345678", "--reveal")  # refused or not: never stored
    assert not query(db_path, "select 1 from journal where command like '%13812345678%'")
    assert base("undo", "--yes").out.count("撤销") >= 1  # reveals are not changes: undo skips them
    assert query(db_path, "select kind from journal where id = (select max(id) from journal)") == [
        ("undo",)
    ]


@pytest.mark.sqlite_only(reason="a server database always exists")
def test_reveal_on_a_missing_database_does_not_crash(cli: Cli, db_path: Path) -> None:
    result = cli("cadre", "list", "--reveal")
    assert "Traceback" not in result.err
    assert not db_path.exists()


def test_purge_asks_first(
    base: Cli, db_path: Path, unchanged: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # it cannot be undone: the record is named and the clerk asked; no answer cancels it
    from typer._click import termui

    def no_answer(_prompt: str) -> str:
        raise EOFError  # Ctrl-D, or nothing on the standard input

    assert base("cadre", "add", "赵敏", "--section", "办公室", "--phone", PHONE).code == 0
    monkeypatch.setattr(termui, "visible_prompt_func", no_answer)
    result = unchanged(lambda: base("cadre", "remove", "赵敏", "--purge"))
    assert "将永久清除干部“赵敏”（编号 5）的手机号码、身份证号码" in result.out + result.err
    assert "已取消" in result.err
    monkeypatch.setattr(termui, "visible_prompt_func", lambda _prompt: "y")
    assert base("cadre", "remove", "赵敏", "--purge").code == 0
    assert PHONE.encode() not in stored_bytes(db_path)


def test_purge_leaves_no_trace_of_the_numbers(base: Cli, db_path: Path) -> None:
    assert base("cadre", "add", "赵敏", "--section", "办公室", "--id-number", ID_NUMBER).code == 0
    assert base("cadre", "edit", "赵敏", "--phone", PHONE).code == 0
    assert base("link", "community", "--section", "办公室", "--community", "幸福社区").code == 0
    assert base("cadre", "list", "--reveal").code == 0
    result = base("cadre", "remove", "赵敏", "--purge", "--yes")
    assert result.code == 0, result
    assert "此前的备份文件中仍保留原值" in result.out
    raw = stored_bytes(db_path)
    assert ID_NUMBER.encode() not in raw and PHONE.encode() not in raw
    # nor its masked form (the last four digits shown), e.g. in a journal summary or command
    assert ("*" * 8 + ID_NUMBER[-4:]).encode() not in raw
    kind, summary = query(db_path, "select kind, summary from journal order by id desc limit 1")[0]
    assert kind == "purge" and "赵敏" in summary and "删除" in summary  # referenced by nothing
    story = base("history", "--record", "cadre:赵敏", "-f", "json")  # deleted: found by the journal
    assert [r["kind"] for r in story.json()] == ["purge", "change", "change"]
    assert base("undo", "--yes").code == 0  # the record comes back, its numbers do not
    assert query(db_path, "select phone, id_number from cadre where name = '赵敏'") == [
        (None, None)
    ]


def test_purge_takes_the_numbers_out_of_the_persons_free_text(base: Cli, db_path: Path) -> None:
    """A number written in the household's needs or note goes too, from the record and from
    the journal's stored values; the rest of the text stays."""
    other = "13911112222"
    assert base("visit", "add", "--date", "4-3", "--cadre", "单丽", "--household", "王秀英",
                "--form", "home").code == 0  # fmt: skip  # referenced: retired, not deleted
    assert base("household", "edit", "王秀英", "--needs", f"女儿电话{PHONE}，要就医").code == 0
    assert (
        base("household", "edit", "王秀英", "--note", f"身份证{ID_NUMBER}，电话{other}").code == 0
    )
    result = base("household", "remove", "王秀英", "--purge", "--force", "--yes")
    assert result.code == 0, result
    assert "以及需求、备注中写下的号码" in result.out
    raw = stored_bytes(db_path)
    for number in (PHONE, ID_NUMBER, other):
        assert number.encode() not in raw
    assert query(db_path, "select needs, note from household where name = '王秀英'") == [
        ("女儿电话（号码已清除），要就医", "身份证（号码已清除），电话（号码已清除）")
    ]


def test_purge_is_refused_for_a_section(base: Cli, unchanged: Any) -> None:
    result = unchanged(lambda: base("section", "remove", "办公室", "--purge"))
    assert "不能用 --purge" in result.err


def test_household_purge_erases_phone_and_address(base: Cli, db_path: Path) -> None:
    base(
        "household",
        "add",
        "钱七",
        "--community",
        "幸福社区",
        "--phone",
        PHONE,
        "--address",
        "幸福路1号",
    )
    assert base("household", "remove", "钱七", "--purge", "--yes").code == 0
    raw = stored_bytes(db_path)
    assert PHONE.encode() not in raw and "幸福路1号".encode() not in raw


@pytest.mark.parametrize("kind", ["community", "enterprise"])
def test_purge_erases_a_contact_persons_phone(base: Cli, db_path: Path, kind: str) -> None:
    """A community's or an enterprise's contact person: their phone number, cleared by an edit
    and so kept only in the journal, is erased from it too."""
    assert base(kind, "add", "和平", "--contact", "刘主任", "--phone", PHONE).code == 0
    assert base(kind, "edit", "和平", "--phone", "").code == 0
    result = base(kind, "remove", "和平", "--purge", "--yes")
    assert result.code == 0, result
    assert "的个人信息（联系人、联系电话，以及" in result.out
    raw = stored_bytes(db_path)
    assert PHONE.encode() not in raw and "刘主任".encode() not in raw


def test_history_filters(base: Cli, db_path: Path) -> None:
    base("--operator", "李会计", "section", "add", "甲科")
    rows = base("history", "--operator", "李会计", "-f", "json").json()
    assert [r["summary"] for r in rows] == ["添加科室“甲科”（编号 3）"]
    assert base("history", "--since", "2099-01-01", "-f", "json").json() == []
    everything = base("history", "-n", "100", "-f", "json").json()
    assert len(everything) == 12
    visits = base("history", "--record", "visit:1", "-f", "json").json()
    assert visits == []
    bad = base("history", "--record", "飞机:1")
    assert bad.code == 1 and "cadre:张伟" in bad.err
    bare = base("history", "--record", "cadre:")  # as Tab completes the kind: the name missing
    assert bare.code == 1 and bare.err.strip() == (
        "--record “cadre:”后面缺少名称或编号，请写成如 cadre:张伟 或 cadre:12。"
    )
    for alone in ("cadre", "干部"):  # the colon forgotten: the kind is known, the name missing
        result = base("history", "--record", alone)
        assert result.code == 1 and result.err.strip() == (
            f"--record “{alone}:”后面缺少名称或编号，请写成如 {alone}:张伟 或 {alone}:12。"
        ), result


@pytest.mark.sqlite_only(reason="the fixture is a SQLite file of schema version 1")
def test_schema_v1_database_migrates_and_keeps_its_history(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    shutil.copy(FIXTURE, path)
    counts = {
        t: query(path, f"select count(*) from {t}")[0][0]
        for t in ("cadre", "visit", "problem", "journal", "link", "household")
    }
    monkeypatch.setenv("SANLIAN_DB", str(path))
    rows = cli("history", "-f", "json").json()
    assert len(rows) == counts["journal"] == 3
    assert all(r["kind"] == "legacy" for r in rows)
    for table, count in counts.items():
        assert query(path, f"select count(*) from {table}")[0][0] == count
    assert query(path, "select max(version) from schema_migrations") == [
        (migrations.MIGRATIONS[-1][0],)
    ]
    pairs = (
        "select vc.visit_id, c.section_id, count(*) from visit_cadre vc"
        " join cadre c on c.id = vc.cadre_id group by 1, 2 order by 1, 2"
    )
    stored = query(path, "select visit_id, section_id, cadres from visit_section order by 1, 2")
    assert stored == query(path, pairs) and stored  # filled by migration 4
    before = data_dump(path)
    result = cli("undo", "--yes")
    assert result.code == 1 and "无法撤销" in result.err and "Traceback" not in result.err
    assert data_dump(path) == before
    # a change made after the upgrade is undone as usual
    assert cli("section", "add", "新科室").code == 0
    assert cli("undo", "--yes").code == 0
    assert data_dump(path) == before


def test_command_lines_are_journaled_with_numbers_masked() -> None:
    from sanlian.cli.context import mask_command

    line = mask_command(
        ["cadre", "list", "--reveal", "--phone", "13812345678", f"--id-number={ID_NUMBER}", "x"]
    )
    assert line == ("cadre list --reveal --phone 138****5678 --id-number=110101********1233 x")
    assert mask_command(["history", "--record", f"干部:{ID_NUMBER}"]).endswith("110101********1233")


def test_history_names_the_record_and_undo_says_what_returns(base: Cli) -> None:
    base("cadre", "edit", "单丽", "--title", "科员")
    lines = base("history", "--detail", "-n", "1").out
    assert "修改干部“单丽”（编号 3）：职务：（空） → 科员" in lines
    preview = base("undo").out  # no answer: cancelled
    assert "改回干部“单丽”（编号 3）：职务：科员 → （空）" in preview


def test_history_and_undo_show_stored_keys_as_their_labels(base: Cli) -> None:
    """A status, measure, category or gender is stored as its key (``resolved``, ``policy``)
    and read by the clerk as its label; money as yuan, not fen."""
    steps = [
        ("cadre", "edit", "单丽", "--gender", "男", "--party", "群众"),
        ("problem", "add", "--household", "王秀英", "--category", "就医", "--text", "看病难"),
        (
            "problem",
            "resolve",
            "1",
            "--how",
            "联系医院",
            "--measure",
            "送政策",
            "--amount",
            "500.5",
        ),
    ]
    for step in steps:
        assert base(*step).code == 0
    detail = base("history", "--detail").out
    assert "性别：女 → 男" in detail and "政治面貌：中共预备党员 → 群众" in detail
    assert "状态：待办 → 已解决" in detail
    assert "新增解决措施（办理步骤 2，措施 送政策）" in detail
    step = base("history", "--record", "problem:1").out
    assert "状态：待办 → 已解决" in step
    preview = base("undo").out  # no answer: cancelled
    assert "改回问题 1：状态：已解决 → 待办" in preview
    assert "删除解决措施（办理步骤 2，措施 送政策）" in preview
    for key in ("resolved", "pending", "policy", "female", "masses", "medical"):
        assert key not in detail + step + preview
    assert base("undo", "--yes").code == 0
    assert "修改问题 1：状态：已解决 → 待办" in base("history", "--detail", "-n", "1").out
    # an edit holds the changed columns alone (no target kind): the category's label all the same
    assert base("problem", "edit", "1", "--category", "技能培训").code == 0
    assert "问题类别：就医 → 技能培训" in base("history", "--detail", "-n", "1").out


def test_campaign_rules_are_named_in_chinese(base: Cli) -> None:
    from sanlian.db.models import Campaign

    assert base("campaign", "set", "--pairs", "2", "--visit-cadence", "20").code == 0
    detail = base("history", "--detail", "-n", "1").out
    assert "每名干部同时结对户数上限：1 → 2" in detail and "干部多少天内应有走访：30 → 20" in detail
    preview = base("undo").out
    assert "每名干部同时结对户数上限：2 → 1" in preview
    rules = [c.name for c in Campaign.__table__.columns if c.name.endswith(("_days", "_cadre"))]  # type: ignore[attr-defined]
    assert len(rules) == 7 and all(name in FIELD_LABELS for name in rules)
    assert not any(name in detail + preview for name in rules)


def test_history_with_reveal_is_itself_journaled(base: Cli, db_path: Path) -> None:
    base("cadre", "edit", "曾强", "--phone", PHONE)
    shown = base("history", "--record", "cadre:曾强", "--reveal")
    assert PHONE in shown.out
    kind, summary = query(db_path, "select kind, summary from journal order by id desc limit 1")[0]
    assert kind == "reveal" and "变更日志" in summary and PHONE not in summary


@pytest.mark.sqlite_only(reason="SQLite gave the number again; a server's sequence does not")
def test_a_number_given_again_after_an_undo_has_its_own_history(base: Cli, db_path: Path) -> None:
    """SQLite gave an undone record's number to the next one added, before migration 10 (its
    journal holds both): the history of the new record starts at its own adding; the deleted
    one, named, shows its own; a record removed and brought back by undo keeps the whole of
    its history."""

    def summaries(ref: str) -> list[str]:
        result = base("history", "--record", ref, "-f", "json")
        assert result.code == 0, result
        return [e["summary"] for e in result.json()][::-1]

    assert base("community", "add", "东关社区").code == 0  # 编号 3 (base has two)
    assert base("undo", "--yes").code == 0
    execute_sql(db_path, "UPDATE sqlite_sequence SET seq = 2 WHERE name = 'community'")
    assert base("community", "add", "西关社区").code == 0  # 编号 3 again, as it was then
    assert summaries("community:西关社区") == ["添加社区(村)“西关社区”（编号 3）"]
    assert summaries("community:东关社区") == [
        "添加社区(村)“东关社区”（编号 3）",
        "撤销：添加社区(村)“东关社区”（编号 3）",
    ]
    assert base("community", "edit", "西关社区", "--town", "兰山街道").code == 0
    assert base("community", "remove", "西关社区").code == 0
    assert base("undo", "--yes").code == 0
    assert summaries("community:3") == [
        "添加社区(村)“西关社区”（编号 3）",
        "修改社区(村)“西关社区”（编号 3）",
        "删除社区(村)“西关社区”（编号 3）",
        "撤销：删除社区(村)“西关社区”（编号 3）",
    ]


def test_history_and_undo_name_the_records_a_change_refers_to(base: Cli) -> None:
    """A section, community or owner changed is shown by its name (and number), not by its
    number alone; a person's name is 姓名 or 户主姓名, not 名称."""
    assert base("cadre", "edit", "单丽", "--section", "办公室").code == 0
    preview = base("undo").out  # no answer: cancelled
    assert "改回干部“单丽”（编号 3）：科室：“办公室”（编号 1） → “综合科”（编号 2）" in preview
    assert base("undo", "--yes").code == 0
    assert base("household", "edit", "王秀英", "--name", "王秀兰").code == 0
    assert base("household", "edit", "王秀兰", "--community", "前河湾村").code == 0
    lines = base("history", "--detail", "-n", "2", "-f", "json").json()
    assert [e["detail"] for e in lines] == [
        "修改联系户“王秀兰”（编号 1）：社区(村)：“幸福社区”（编号 1） → “前河湾村”（编号 2）",
        "修改联系户“王秀英”（编号 1）：户主姓名：王秀英 → 王秀兰",
    ]


def test_a_records_history_holds_the_changes_of_its_parts(linked: Cli) -> None:
    """A problem's steps and their measures, a visit's cadres: journaled as rows of their own
    tables, listed by ``history --record`` as changes of the problem or the visit."""

    def entries(ref: str) -> list[str]:
        rows = linked("history", "--record", ref, "-f", "json").json()
        return [r["command"] for r in rows]

    add = ("problem", "add", "--household", "王秀英", "--category", "就学", "--text", "上学远")
    assert linked(*add, "--owner", "单丽", "--date", "6-1").code == 0
    assert linked(*add, "--owner", "曾强", "--date", "6-1").code == 0  # problem 2: not 1's
    for number in ("1", "2"):
        resolve = ("problem", "resolve", number, "--how", "协调", "--measure", "送政策")
        assert linked(*resolve, "--amount", "300", "--date", "6-10").code == 0
    assert linked("problem", "edit", "1", "--amount", "30").code == 0
    assert linked("problem", "edit", "1", "--measure", "送信息").code == 0
    assert linked("problem", "edit", "2", "--how", "协调学校").code == 0
    assert entries("problem:1") == [
        "problem edit",
        "problem edit",
        "problem resolve",
        "problem add",
    ]
    rows = linked("history", "--record", "problem:1", "-f", "json").json()
    money, measures = rows[1]["changes"], rows[0]["changes"]
    assert [(c["table"], c["before"], c["after"]) for c in money] == [
        ("problem_step", {"id": 3, "amount_fen": 30000}, {"id": 3, "amount_fen": 3000})
    ]
    assert sorted(
        (c["table"], c["action"], (c["before"] or c["after"])["measure"]) for c in measures
    ) == [
        ("step_measure", "delete", "policy"),
        ("step_measure", "insert", "information"),
    ]
    assert entries("problem:2") == ["problem edit", "problem resolve", "problem add"]
    assert linked("visit", "add", "--date", "6-3", "--cadre", "单丽", "--household", "王秀英",
                  "--form", "入户走访").code == 0  # fmt: skip
    assert linked("visit", "edit", "1", "--cadre", "单丽", "--cadre", "曾强").code == 0
    assert entries("visit:1") == ["visit edit", "visit add"]


@pytest.mark.sqlite_only(reason="a copy of the database file (PostgreSQL's backups are pg_dump's)")
def test_an_undo_of_many_records_keeps_a_copy_first(
    base: Cli, tmp_path: Path, db_path: Path
) -> None:
    """An undo cannot be undone: one that takes back a whole import (run by mistake after an
    import that changed nothing, thinking it would take that back) leaves a copy to restore."""
    rows = [["户主姓名", "所在社区(村)"]] + [
        [f"张{'伟明' * (i % 3)}{chr(0x4E00 + i)}", "幸福社区"] for i in range(120)
    ]
    path = write_csv(tmp_path / "户.csv", [[c for c in r] for r in rows])
    assert base("household", "import", path).code == 0
    again = base("household", "import", path)
    assert again.code == 0 and "新增 0，更新 0，未变 120" in again.out
    assert (
        "本次导入没有改动任何记录，不记入变更日志，也无需撤销（此时运行 sanlian undo 撤销的是"
        "此前的一次修改）。"
    ) in again.err
    before = stored_bytes(db_path)
    result = base("undo", "--yes")
    assert result.code == 0 and "已撤销：从 户.csv 导入联系户" in result.out
    copy = next((tmp_path / "sanlian-backups").glob("*-undo.db"))
    assert (
        f"撤销前已自动备份数据库到 {copy}；撤销错了可以用 sanlian db restore 恢复。" in result.err
    )
    assert "撤销前" in base("db", "backups").out
    with sqlite3.connect(copy) as con:  # the ledger as it was before the undo
        assert con.execute("select count(*) from household").fetchone()[0] == 121
    assert stored_bytes(db_path) != before
    # a small undo keeps none
    assert base("section", "add", "规划科").code == 0
    assert "备份" not in base("undo", "--yes").err
    assert len(list((tmp_path / "sanlian-backups").glob("*-undo.db"))) == 1


def test_history_says_when_earlier_entries_are_left_out(base: Cli) -> None:
    """The listing stopped at 50 entries without a word: a clerk took it for the whole log."""
    entries = len(base("history", "-n", "1000", "-f", "json").json())
    result = base("history", "-n", str(entries), "-f", "json")
    assert len(result.json()) == entries and "更早的还有" not in result.err
    result = base("history", "-n", str(entries - 1), "-f", "json")
    assert len(result.json()) == entries - 1
    assert result.err.strip() == (
        f"只列出了最近的 {entries - 1} 条，更早的还有；要看更多，请加 -n 条数"
        f"（如 -n {(entries - 1) * 4}），或用 --since 日期、--record、--operator 缩小范围。"
    )


def test_undo_of_another_operators_change_says_whose_it_is(base: Cli) -> None:
    assert base("--operator", "李四", "section", "add", "甲科").code == 0
    undone = base("--operator", "张三", "undo", "--yes")
    assert undone.code == 0, undone
    assert "注意：这是李四的修改（当前操作人是张三）。" in undone.out.splitlines()
    assert "甲科" not in base("section", "list").out
    assert base("--operator", "张三", "section", "add", "乙科").code == 0
    own = base("--operator", "张三", "undo", "--yes")
    assert own.code == 0 and "注意" not in own.out + own.err, own
