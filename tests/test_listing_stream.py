"""``visit list`` to a file or a pipe writes the visits as they are read (``output.stream_rows``):
the same bytes as the listing built whole, without every visit in memory."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path
from typing import Any

import pytest

from sanlian.cli import output
from sanlian.services import visits as visits_service
from tests.conftest import Cli, execute_sql, rows_of

DIARIES = [
    None,
    "",
    "入户看望，老人腿脚不便。\n约定两周后回访。",
    'He said "no", then, well; yes',
    "=1+1 看似公式",
    "带表情 😀 和全角，：“”（）",
    "  前后有空格  ",
    "tab\there",
]


@pytest.fixture
def many(base: Cli, db_path: Path) -> Cli:
    """4,321 visits (more than two of ``iter_listing``'s parts and of the CSV's blocks) to the
    three kinds of target, by one to three cadres, with every sort of diary and note."""
    for args in (
        ("link", "community", "--section", "综合科", "--community", "幸福社区", "--from", "3-1"),
        ("link", "household", "--cadre", "单丽", "--household", "王秀英", "--from", "3-2"),
        ("link", "enterprise", "--cadre", "1", "--enterprise", "1", "--from", "3-2"),
    ):
        assert base(*args).code == 0
    cadres = [r[0] for r in rows_of(db_path, "SELECT id FROM cadre ORDER BY id")]
    targets = {
        kind: rows_of(db_path, f"SELECT min(id) FROM {kind}")[0][0]
        for kind in ("community", "enterprise", "household")
    }
    rng = random.Random(7)
    forms = ["home", "talk", "card", "phone", "other"]
    visits, pairs = [], []
    for n in range(1, 4322):
        kind = rng.choice(sorted(targets))
        day = f"2026-{rng.randint(3, 12):02d}-{rng.randint(1, 28):02d}"
        ids = [_sql(targets[kind] if kind == k else None) for k in sorted(targets)]
        values = [str(n), _sql(day), _sql(kind), *ids, _sql(rng.choice(forms))]
        values += [str(rng.randint(0, 3)), _sql(rng.choice(DIARIES))]
        values += [_sql(rng.choice([None, "备注", "note, with comma"])), "'2026-06-01 00:00:00'"]
        visits.append(f"({', '.join(values)})")
        pairs += [f"({n}, {c})" for c in rng.sample(cadres, rng.randint(1, 3))]
    execute_sql(
        db_path,
        "INSERT INTO visit (id, visited_on, target_kind, community_id, enterprise_id, "
        "household_id, form, cards, diary, note, created_at) VALUES " + ", ".join(visits),
        "INSERT INTO visit_cadre (visit_id, cadre_id) VALUES " + ", ".join(pairs),
    )
    return base


def _sql(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _members(path: Path) -> dict[str, bytes]:
    """The workbook's parts, but when it was written (to the second: two runs may differ)."""
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist() if name != "docProps/core.xml"}


@pytest.mark.parametrize(
    "args",
    [
        (),  # a table, not on a terminal: every row and the count under it
        ("-f", "plain"),
        ("-f", "markdown"),
        ("-f", "plain", "--form", "talk"),
        ("--to", "2026-01-05"),  # none: （没有记录）
        ("-f", "markdown", "--to", "2026-01-05"),  # the header alone
        ("-f", "json"),
        ("-f", "csv"),
        ("-f", "json", "--form", "phone"),
        ("-f", "csv", "--cadre", "单丽", "--from", "2026-06-01"),
        ("-f", "json", "--from", "2026-12-30", "--to", "2026-12-30", "--form", "home"),
        ("-f", "json", "--to", "2026-01-05"),  # none
        ("-f", "csv", "--to", "2026-01-05"),  # the header alone
    ],
)
def test_streamed_output_is_the_listing_built_whole(
    many: Cli, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    streamed = many("visit", "list", *args)
    assert streamed.code == 0, streamed
    with monkeypatch.context() as m:
        m.setattr(output, "stream_rows", lambda *a, **k: False)  # the old way: every row first
        whole = many("visit", "list", *args)
    assert whole.code == 0, whole
    assert streamed.out == whole.out and streamed.err == whole.err
    if args[1:2] == ("json",) and "--to" not in args:
        assert streamed.out.count('"id":') > 100  # the comparison saw real rows


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json", ".txt", ".md"])
def test_streamed_file_is_the_listing_built_whole(
    many: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, suffix: str
) -> None:
    streamed, whole = tmp_path / f"流{suffix}", tmp_path / f"整{suffix}"
    result = many("visit", "list", "-o", streamed)
    assert result.code == 0, result
    assert f"已写入 {streamed}" in result.err
    with monkeypatch.context() as m:
        m.setattr(output, "stream_rows", lambda *a, **k: False)
        assert many("visit", "list", "-o", whole).code == 0
    if suffix == ".xlsx":
        assert _members(streamed) == _members(whole)
        from python_calamine import CalamineWorkbook

        rows = CalamineWorkbook.from_path(str(streamed)).get_sheet_by_index(0).to_python()
        assert len(rows) == 4322  # the header and every visit
    else:
        assert streamed.read_bytes() == whole.read_bytes()
    if suffix == ".csv":
        text = streamed.read_bytes().decode("utf-8-sig")
        assert text.count("\r\n") >= 4322


def test_every_visit_to_a_file_is_never_a_list(many: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not on a screen, ``visit list`` in a row-by-row format never builds the whole list."""

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the whole listing was built")

    monkeypatch.setattr(visits_service, "listing", refused)
    result = many("visit", "list", "-f", "csv")
    assert result.code == 0, result
    rows = list(__import__("csv").reader(io.StringIO(result.out)))
    assert len(rows) == 4322 and rows[0][0] == "编号"
    for args in (("-f", "plain"), ("-f", "markdown"), ("-f", "json")):
        result = many("visit", "list", *args)
        assert result.code == 0, result
        assert result.out.count("\n") > 4321


def test_a_column_of_line_breaks_alone_is_not_empty(
    base: Cli, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plain table leaves out a column whose every cell is empty, judged as ``drop_empty``
    does: a note of line breaks alone (written by another program) is not empty, its cell
    shows blank."""
    assert base("link", "community", "--section", "综合科", "--community", "幸福社区").code == 0
    for _ in range(2):
        added = base(
            "visit", "add", "--date", "3-5", "--cadre", "张伟@综合科",
            "--community", "幸福社区", "--form", "talk",
        )  # fmt: skip
        assert added.code == 0, added
    execute_sql(db_path, "UPDATE visit SET note = '\n'", "UPDATE visit SET diary = '\r\n'")
    assert rows_of(db_path, "SELECT note FROM visit") == [("\n",), ("\n",)]
    streamed = base("visit", "list", "-f", "plain")
    with monkeypatch.context() as m:
        m.setattr(output, "stream_rows", lambda *a, **k: False)
        whole = base("visit", "list", "-f", "plain")
    assert streamed.out == whole.out
    assert "备注" in streamed.out.splitlines()[1]  # the column is there, blank


@pytest.fixture
def problems(many: Cli, db_path: Path) -> Cli:
    """2,345 problems of every status (some overdue, some resolved with money, an owner off
    the roster), raised by the visits of ``many``."""
    cadres = [r[0] for r in rows_of(db_path, "SELECT id FROM cadre ORDER BY id")]
    targets = {
        kind: rows_of(db_path, f"SELECT min(id) FROM {kind}")[0][0]
        for kind in ("community", "enterprise", "household")
    }
    categories = {
        "community": ["planning", "facilities", "dispute"],
        "enterprise": ["funds", "land", "talent"],
        "household": ["medical", "income", "policy"],
    }
    rng = random.Random(11)
    problems, steps = [], []
    for n in range(1, 2346):
        kind = rng.choice(sorted(targets))
        raised = f"2026-{rng.randint(3, 11):02d}-{rng.randint(1, 28):02d}"
        due = f"2026-{rng.randint(6, 12):02d}-{rng.randint(1, 28):02d}"
        due = max(due, raised)
        status = rng.choice(["pending", "in_progress", "resolved", "unresolvable"])
        resolved = due if status == "resolved" else None
        closed = due if status == "unresolvable" else None
        last = resolved or closed or raised
        ids = [_sql(targets[kind] if kind == k else None) for k in sorted(targets)]
        values = [str(n), _sql(kind), *ids, "NULL", _sql(rng.choice(categories[kind]))]
        values += [_sql(rng.choice(DIARIES[2:])), _sql(rng.choice([*cadres, None]))]
        values += [_sql(raised), _sql(due), rng.choice(["TRUE", "FALSE"]), _sql(status)]
        values += [_sql(resolved), _sql(closed), _sql(last), "'2026-06-01 00:00:00'"]
        problems.append(f"({', '.join(values)})")
        steps.append(f"({2 * n}, {n}, 'raise', {_sql(raised)}, NULL, {_sql(due)}, NULL)")
        if resolved:
            fen = rng.choice(["NULL", "0", "123450", "99"])
            steps.append(f"({2 * n + 1}, {n}, 'resolve', {_sql(resolved)}, '办好了', NULL, {fen})")
        elif closed:
            steps.append(f"({2 * n + 1}, {n}, 'close', {_sql(closed)}, '无法办理', NULL, NULL)")
    execute_sql(
        db_path,
        "INSERT INTO problem (id, target_kind, community_id, enterprise_id, household_id, "
        "visit_id, category, text, owner_id, raised_on, due_on, is_conflict, status, "
        "resolved_on, closed_on, last_step_on, created_at) VALUES " + ", ".join(problems),
        "INSERT INTO problem_step (id, problem_id, kind, step_on, note, due_on, amount_fen, "
        "created_at) VALUES " + ", ".join(s[:-1] + ", '2026-06-01 00:00:00')" for s in steps),
        f"UPDATE cadre SET retired_on = '2026-05-01' WHERE id = {cadres[-1]}",
    )
    return many


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("-f", "plain"),
        ("-f", "markdown"),
        ("-f", "json"),
        ("-f", "csv"),
        ("-f", "plain", "--status", "open"),
        ("-f", "json", "--overdue", "--as-of", "2026-10-01"),
        ("-f", "csv", "--category", "medical"),
    ],
)
def test_streamed_problems_are_the_listing_built_whole(
    problems: Cli, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    streamed = problems("problem", "list", *args)
    assert streamed.code == 0, streamed
    with monkeypatch.context() as m:
        m.setattr(output, "stream_rows", lambda *a, **k: False)
        whole = problems("problem", "list", *args)
    assert whole.code == 0, whole
    assert streamed.out == whole.out and streamed.err == whole.err
    assert streamed.out.count("\n") > 100


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".json", ".txt"])
def test_streamed_problem_file_is_the_listing_built_whole(
    problems: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, suffix: str
) -> None:
    streamed, whole = tmp_path / f"流{suffix}", tmp_path / f"整{suffix}"
    assert problems("problem", "list", "-o", streamed).code == 0
    with monkeypatch.context() as m:
        m.setattr(output, "stream_rows", lambda *a, **k: False)
        assert problems("problem", "list", "-o", whole).code == 0
    if suffix == ".xlsx":
        assert _members(streamed) == _members(whole)
    else:
        assert streamed.read_bytes() == whole.read_bytes()


def test_every_problem_to_a_file_is_never_a_list(
    problems: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from sanlian.services import problems as problems_service

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the whole listing was built")

    monkeypatch.setattr(problems_service, "listing", refused)
    for args in (("-f", "plain"), ("-f", "json"), ("-o", tmp_path / "问题.xlsx")):
        result = problems("problem", "list", *args)
        assert result.code == 0, result
    shown = problems("problem", "list", "-f", "plain").out.splitlines()
    assert len(shown) == 2345 + 3  # the title, the header, the rule and every problem
    assert "（已停用）" in "\n".join(shown)  # the owner off the roster, labelled


@pytest.mark.parametrize("suffix", [".csv", ".json", ".txt", ".xlsx"])
def test_a_listing_stopped_half_way_leaves_the_file_that_was_there(
    many: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, suffix: str
) -> None:
    """A full disk (or Ctrl-C) half-way through a streamed listing: the file of that name is
    the one that was there, and no temporary file is left beside it."""
    target = tmp_path / "out" / f"走访{suffix}"
    target.parent.mkdir()
    target.write_bytes(b"the clerk's earlier file")
    real = visits_service.iter_listing

    def half(*args: Any, **kwargs: Any) -> Any:
        for n, row in enumerate(real(*args, **kwargs)):
            if n == 3000:
                raise OSError(28, "No space left on device")
            yield row

    monkeypatch.setattr(visits_service, "iter_listing", half)
    result = many("visit", "list", "-o", target)
    assert result.code == 1, result
    assert "磁盘已满" in result.err and "Traceback" not in result.err
    assert target.read_bytes() == b"the clerk's earlier file"
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]


@pytest.mark.sqlite_only(reason="SQLite's read lock, in a subprocess on the test's file")
def test_a_listing_in_a_slow_pipe_holds_no_lock(many: Cli, db_path: Path) -> None:
    """``visit list | less``: while the reader has not taken the listing, a clerk can still
    record (before, the listing's read transaction stayed open on the blocked pipe and every
    writer got "database is locked" after 30 s)."""
    import sqlite3
    import subprocess
    import sys

    listing = subprocess.Popen(
        [sys.executable, "-m", "sanlian", "visit", "list", "-f", "csv"],
        stdout=subprocess.PIPE,
    )
    assert listing.stdout is not None
    try:
        # the listing has begun to write; more than a pipe holds: it now waits for its reader
        first = listing.stdout.read(100)
        con = sqlite3.connect(db_path, timeout=5)
        try:
            with con:
                con.execute("UPDATE visit SET note = 'written meanwhile' WHERE id = 1")
        finally:
            con.close()
        rest = listing.stdout.read()
        assert listing.wait(timeout=60) == 0
    finally:
        listing.kill()
    assert (first + rest).decode("utf-8").count("\r\n") == 4322


@pytest.mark.sqlite_only(reason="a subprocess on the test's SQLite file")
@pytest.mark.parametrize("args", [("visit", "list", "-f", "csv"), ("problem", "list")])
def test_a_reader_that_stops_ends_the_listing_quietly(many: Cli, args: tuple[str, ...]) -> None:
    """``visit list | head``: the reader stops taking the listing; it ends with exit 0 and
    nothing on stderr, as a finished listing."""
    import subprocess
    import sys

    listing = subprocess.Popen(
        [sys.executable, "-m", "sanlian", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert listing.stdout is not None and listing.stderr is not None
    first = listing.stdout.read(100)
    listing.stdout.close()
    err = listing.stderr.read()
    assert listing.wait(timeout=60) == 0, err.decode()
    assert first and err == b""


def test_problems_as_a_sheet_are_labelled(problems: Cli, tmp_path: Path) -> None:
    """``problem list -o 问题.xlsx``: the rows carry the labels (category, owner) a sheet shows,
    not JSON's stored keys; ``-f json`` with it is a contradiction, refused (nothing written)."""
    from python_calamine import CalamineWorkbook

    refused = problems("problem", "list", "-f", "json", "-o", tmp_path / "a.xlsx")
    assert refused.code == 1 and "-f json" in refused.err, refused
    assert not (tmp_path / "a.xlsx").exists()
    assert problems("problem", "list", "-o", tmp_path / "b.xlsx").code == 0
    read = CalamineWorkbook.from_path(str(tmp_path / "b.xlsx")).get_sheet_by_index(0).to_python()
    head = read[0]
    categories = {row[head.index("类别")] for row in read[1:]}
    assert "" not in categories and "就医" in categories


def test_a_file_rewritten_keeps_its_link_and_its_permissions(many: Cli, tmp_path: Path) -> None:
    """``-o`` onto a symbolic link writes the file it names (the link stays a link); a file
    that was there keeps its permissions."""
    import os
    import stat

    real = tmp_path / "real.csv"
    real.write_text("old")
    os.chmod(real, 0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert many("visit", "list", "-o", link).code == 0
    assert link.is_symlink() and real.read_text(encoding="utf-8-sig").startswith("编号,")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".csv")) == [
        "link.csv",
        "real.csv",
    ]


def test_a_file_in_a_folder_that_takes_no_new_file_is_written_in_place(
    many: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No file can be made in the folder but the file itself can be written: written in place,
    as before temporary files."""
    import tempfile

    target = tmp_path / "走访.csv"
    target.write_text("old")

    def refused(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    result = many("visit", "list", "-o", target)
    assert result.code == 0, result
    assert target.read_bytes().decode("utf-8-sig").count("\r\n") == 4322
