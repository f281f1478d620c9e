"""What a listing shows on a terminal (Rich for a screenful, text beyond, the first
``SCREEN_ROW_LIMIT`` rows of a long one with the count and how to see all), and files that hold
full ID or phone numbers readable by their owner alone."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sanlian.cli import output
from tests.conftest import Cli

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")

MAN = "370102198001011237"  # valid ID numbers (check digits right): a man and a woman
WOMAN = "370102198503152347"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def people(base: Cli) -> Cli:
    assert base("cadre", "edit", "单丽", "--id-number", WOMAN).code == 0
    return base


# --- files with full numbers ------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_an_export_with_full_numbers_is_the_owners_alone(
    people: Cli, tmp_path: Path, umask_022: None, suffix: str
) -> None:
    revealed, masked = tmp_path / f"干部{suffix}", tmp_path / f"干部-遮蔽{suffix}"
    assert people("export", "cadre", "-o", revealed, "--reveal").code == 0
    assert people("export", "cadre", "-o", masked).code == 0
    assert mode(revealed) == 0o600
    assert mode(masked) == 0o644  # no ID or phone number in it: as any file the clerk writes


@pytest.mark.parametrize(
    "args",
    [
        ("export", "cadre", "-o", "{path}.xlsx", "--reveal", "--force"),
        ("export", "cadre", "-o", "{path}.csv", "--reveal", "--force"),
        ("cadre", "list", "-o", "{path}.csv", "--reveal"),
        ("cadre", "list", "-o", "{path}.xlsx", "--reveal"),
    ],
)
def test_a_file_written_over_with_full_numbers_is_a_new_private_file(
    people: Cli, tmp_path: Path, umask_022: None, args: tuple[str, ...]
) -> None:
    """Written under a temporary name created 0600, which then takes the name: a reader who
    held the old (0644) file open never sees the numbers, and nothing is left beside it."""
    folder = tmp_path / "out"
    folder.mkdir()
    argv = [a.format(path=folder / "干部") for a in args]
    path = Path(next(a for a in argv if a.startswith(str(folder))))
    path.write_bytes(b"old")
    path.chmod(0o644)
    with path.open("rb") as held:
        assert people(*argv).code == 0
        assert held.read() == b"old"
    assert mode(path) == 0o600
    assert sorted(p.name for p in folder.iterdir()) == [path.name]


@pytest.mark.parametrize("suffix", [".csv", ".json", ".xlsx", ".txt"])
def test_a_listing_with_full_numbers_is_the_owners_alone(
    people: Cli, tmp_path: Path, umask_022: None, suffix: str
) -> None:
    revealed, masked = tmp_path / f"全{suffix}", tmp_path / f"遮{suffix}"
    assert people("cadre", "list", "-o", revealed, "--reveal").code == 0
    assert people("cadre", "list", "-o", masked).code == 0
    assert mode(revealed) == 0o600
    assert mode(masked) == 0o644
    # one record shown with --reveal, to a file
    shown = tmp_path / f"单丽{suffix}"
    if suffix != ".xlsx":
        assert people("cadre", "show", "单丽", "-o", shown, "--reveal").code == 0
        assert mode(shown) == 0o600


def test_the_refused_rows_of_an_import_are_the_owners_alone(
    base: Cli, tmp_path: Path, umask_022: None
) -> None:
    source = tmp_path / "联系户.csv"
    source.write_text(
        f"户主姓名,社区(村),身份证号码\n李四,幸福社区,{MAN}\n王五,没有这个社区,{MAN[:-1]}2\n",
        encoding="utf-8",
    )
    result = base("household", "import", source, "--skip-bad")
    assert result.code == 0, result.err
    (bad,) = tmp_path.glob("*错误*")
    assert mode(bad) == 0o600
    # numbers in columns the import does not read are written as they came: private too
    other = tmp_path / "干部.csv"
    other.write_text(
        f"姓名,科室,公民身份证,办公电话\n刘洋,无此科,{MAN},13812345678\n", encoding="utf-8"
    )
    result = base("cadre", "import", other, "--skip-bad")
    assert result.code == 1 and "文件中没有合格的行" in result.err, result.err  # its one row bad
    (bad,) = tmp_path.glob("干部*错误*")
    assert "13812345678" in bad.read_text(encoding="utf-8-sig") and mode(bad) == 0o600


# --- the screen -------------------------------------------------------------------------------


def rows(n: int) -> list[dict[str, object]]:
    return [{"id": i, "name": f"名称{i}"} for i in range(1, n + 1)]


COLS = [output.Col("id", "编号"), output.Col("name", "名称")]


def on_screen(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], n: int, fmt: str = "table"
) -> str:
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: True)
    output.render_rows(rows(n), COLS, fmt=fmt, output=None, reveal=False, title="清单")
    return capsys.readouterr().out


def test_a_listing_that_fits_the_screen_is_text(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    assert on_screen(monkeypatch, capsys, 3).splitlines() == [
        "清单",
        "编号    名称",
        "------  ------",
        "1       名称1",
        "2       名称2",
        "3       名称3",
    ]


def test_one_too_wide_for_the_screen_is_folded_to_its_width(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "9")  # 编号 4, 名称1 5: 9 and the gap of 2 are too wide
    assert on_screen(monkeypatch, capsys, 2).splitlines() == [
        "清单",
        "编号 名称",  # the columns a space apart, so that the numbers stay whole
        "---- ----",
        "1    名称",
        "     1",
        "2    名称",
        "     2",
    ]
    # however long the listing, with its count past ``COUNT_ROWS``
    n = output.COUNT_ROWS + 1
    lines = on_screen(monkeypatch, capsys, n).splitlines()
    assert lines[0] == "清单" and lines[3:5] == ["1    名称", "     1"]
    assert lines[-3:] == ["201  名称", "     201", f"共 {n} 条。"]
    assert max(output.text_width(line) for line in lines[1:-1]) <= 9


def test_columns_kept_for_files_are_left_off_the_screen(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cols = [*COLS, output.Col("note", "备注", screen=False)]
    data = [{"id": 1, "name": "甲", "note": "只在文件里"}]
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: True)
    output.render_rows(data, cols, fmt="table", output=None, reveal=False, title="清单")
    assert "备注" not in capsys.readouterr().out
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: False)
    output.render_rows(data, cols, fmt="table", output=None, reveal=False, title="清单")
    assert "只在文件里" in capsys.readouterr().out


def test_a_long_listing_shows_its_first_rows_and_how_to_see_all(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(output, "SCREEN_ROW_LIMIT", 50)
    lines = on_screen(monkeypatch, capsys, 120).splitlines()
    assert len(lines) == 3 + 50 + 1
    assert lines[-2].split() == ["50", "名称50"]
    assert lines[-1].startswith("共 120 条，这里只列出前 50 条；")
    assert "-o 文件名.xlsx" in lines[-1] and "-f plain" in lines[-1]
    # asked for text, or piped: every row (and the count past ``COUNT_ROWS``, as before)
    assert len(on_screen(monkeypatch, capsys, 120, fmt="plain").splitlines()) == 3 + 120
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: False)
    output.render_rows(rows(120), COLS, fmt="table", output=None, reveal=False, title="清单")
    piped = capsys.readouterr().out.splitlines()
    assert len(piped) == 3 + 120 and piped[-1].split() == ["120", "名称120"]
    n = output.COUNT_ROWS + 1
    output.render_rows(rows(n), COLS, fmt="table", output=None, reveal=False, title="清单")
    assert capsys.readouterr().out.splitlines()[-1] == f"共 {n} 条。"


def test_a_long_supervision_is_text_on_a_terminal(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rich draws up to ``SUPERVISE_RICH_LIMIT`` alerts shown; more go out as the text
    report."""
    from sanlian.cli import reports

    assert cli("init", "--year", "2026").code == 0
    assert cli("section", "add", "办公室").code == 0
    for i in range(3):  # cadres who never paired nor visited: an alert each
        assert cli("cadre", "add", f"干部{i}", "--section", "办公室").code == 0
    drawn: list[int] = []
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: True)
    monkeypatch.setattr(reports, "supervise_rich", lambda s, c, n: drawn.append(1) or True)
    as_rich = cli("supervise", "--as-of", "2026-07-01")
    assert as_rich.code == 0 and drawn == [1]
    monkeypatch.setattr(reports, "SUPERVISE_RICH_LIMIT", 1)
    as_text = cli("supervise", "--as-of", "2026-07-01")
    assert as_text.code == 0 and drawn == [1]
    assert "调度督促" in as_text.out and "干部0" in as_text.out


@pytest.mark.parametrize("rich", [True, False], ids=["rich", "text"])
def test_supervision_on_a_terminal_shows_each_sections_most_urgent(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, rich: bool
) -> None:
    """On a terminal a section lists its ``SUPERVISE_SCREEN_LIMIT`` most urgent alerts, then
    how many it left out, and the report ends with how to see all; a pipe and ``-f plain``
    list every alert, without the notes."""
    from sanlian.cli import reports

    assert cli("init", "--year", "2026").code == 0
    for section, count in (("甲科", 3), ("乙科", 1)):
        assert cli("section", "add", section).code == 0
        for i in range(count):  # cadres who never paired nor visited: two alerts each
            assert cli("cadre", "add", f"{section}干部{i}", "--section", section).code == 0
    monkeypatch.setattr(reports, "SUPERVISE_SCREEN_LIMIT", 3)
    if not rich:
        monkeypatch.setattr(reports, "SUPERVISE_RICH_LIMIT", 1)

    def parts(text: str) -> list[str]:
        starts = [text.index(f"{name}（") for name in ("领导小组办公室", "甲科", "乙科")]
        return [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]

    every = cli("supervise", "--as-of", "2026-07-01").out  # not a terminal: all of it
    office, first, second = parts(every)
    assert "领导小组办公室（11 项）" in office and office.count("督办") == 4
    assert "甲科（7 项）" in first and "甲科干部2" in first and "乙科（3 项）" in second
    assert "未列出" not in every and "屏幕上" not in every
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: True)
    screen = cli("supervise", "--as-of", "2026-07-01").out
    assert ("┃" in screen) is rich  # Rich's frame, or the text table
    office, first, second = parts(screen)
    # the office's 3 most urgent of 11 (its 4 督办 come before its 7 提醒), counted whole
    assert "领导小组办公室（11 项）" in office and "……另有 8 项未列出。" in office
    assert office.count("督办") == 3 and "提醒" not in office
    # 甲科: the section's own alert, then its cadres' pairing in cadre order; no visits
    assert "甲科（7 项）" in first and "……另有 4 项未列出。" in first
    assert "甲科干部1" in first and "甲科干部2" not in first
    assert "未列出" not in second and second.count("乙科干部0") == 2
    note = "".join(screen.split())  # without spaces and line breaks: Rich may break it
    assert note.endswith(
        "屏幕上每个科室和领导小组办公室只列出最急的3项；要看全部21项，"
        "请加-o调度督促.xlsx写入文件（可筛选、排序），或加-fplain全部列出。"
    )
    plain = cli("supervise", "--as-of", "2026-07-01", "-f", "plain").out
    assert plain == every


def test_registry_and_link_lists_on_a_terminal_read_the_rows_shown(
    base: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first ``SCREEN_ROW_LIMIT`` records, counted all in SQL for the title and the note."""
    for args in (
        ("link", "community", "--section", "综合科", "--community", "幸福社区", "--from", "3-1"),
        ("link", "community", "--section", "办公室", "--community", "前河湾村", "--from", "3-1"),
        ("link", "household", "--cadre", "单丽", "--household", "王秀英", "--from", "3-2"),
    ):
        assert base(*args).code == 0
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: True)
    monkeypatch.setattr(output, "SCREEN_ROW_LIMIT", 2)
    for args, title, total in (
        (("cadre", "list"), "干部（4）", 4),
        (("link", "list"), "联系（3）", 3),
    ):
        lines = base(*args).out.splitlines()
        assert lines[0] == title
        assert len(lines) == 3 + 2 + 1
        assert lines[-1].startswith(f"共 {total} 条，这里只列出前 2 条；")
    lines = base("cadre", "list", "--section", "综合科").out.splitlines()
    assert lines[0] == "干部（2）" and len(lines) == 3 + 2  # all shown: no note
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: False)
    assert len(base("cadre", "list").out.splitlines()) == 3 + 4


def test_progress_by_cadre_past_the_limit_is_text_on_a_terminal(
    base: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rich draws the cadres' progress up to ``PROGRESS_RICH_CADRES`` (a city's 5,000 took
    4.7 s); more go out as the text report."""
    from sanlian.cli import reports

    drawn: list[int] = []
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: True)
    monkeypatch.setattr(reports, "progress_rich", lambda p, c: drawn.append(len(p.cadres)) or True)
    assert base("progress", "--by", "cadre").code == 0 and drawn == [4]
    monkeypatch.setattr(reports, "PROGRESS_RICH_CADRES", 3)
    as_text = base("progress", "--by", "cadre")
    assert as_text.code == 0 and drawn == [4]
    assert "单丽" in as_text.out and "曾强" in as_text.out
    assert base("progress").code == 0 and len(drawn) == 2  # by section: Rich as before


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".txt"])
def test_a_file_that_cannot_take_its_name_leaves_no_numbers_behind(
    people: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    """The target open in Excel on Windows: the temporary file (full numbers in it) is
    removed, and the sentence names the target, not the temporary file."""
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / f"干部{suffix}"
    real = Path.replace

    def locked(self: Path, other: object) -> Path:
        if Path(str(other)) == target:
            raise PermissionError(13, "Permission denied", str(other))
        return real(self, other)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "replace", locked)
    args = ("export", "cadre") if suffix != ".txt" else ("cadre", "list")
    result = people(*args, "-o", target, "--reveal")
    assert result.code == 1
    assert str(target) in result.err and ".part" not in result.err
    assert list(folder.iterdir()) == []


def test_a_folder_where_no_file_can_be_made_but_the_target_can_be_written(
    people: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, umask_022: None
) -> None:
    """The target is then written in place, made 0600 before anything is written to it."""
    import tempfile

    def refused(*_args: object, **_kwargs: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied", str(tmp_path / ".sanlian-x.part"))

    target = tmp_path / "干部.csv"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o666)
    monkeypatch.setattr(tempfile, "mkstemp", refused)
    assert people("export", "cadre", "-o", target, "--reveal", "--force").code == 0
    assert mode(target) == 0o600 and "单丽" in target.read_text(encoding="utf-8-sig")
    # no target there yet: the sentence names the file asked for
    result = people("cadre", "list", "-o", tmp_path / "新.csv", "--reveal")
    assert result.code == 1 and "新.csv" in result.err and ".part" not in result.err


def test_a_long_file_name_works_with_full_numbers_as_without(people: Cli, tmp_path: Path) -> None:
    name = "走" * 80 + ".csv"  # 244 bytes of a file system's 255
    for extra in ((), ("--reveal", "--force")):
        assert people("export", "cadre", "-o", tmp_path / name, *extra).code == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".csv") == [name]


def test_a_table_folded_on_a_narrow_screen_loses_no_character(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """On a screen too narrow for the table, long values fold and none is cut (Rich, which
    folded before, cut the last digits of a phone number without a mark: a QA pass, cadre list
    at 80 columns); the phone numbers stay whole while the screen allows."""
    from collections import Counter

    cols = [  # cadre list's columns on a screen
        output.Col("id", "编号"),
        output.Col("name", "姓名"),
        output.Col("section", "科室"),
        output.Col("gender", "性别"),
        output.Col("party", "政治面貌"),
        output.Col("leader", "班子成员"),
        output.Col("role", "领导小组"),
        output.Col("phone", "手机号码"),
    ]
    rows = [
        {"id": i, "name": "夏旭哲", "section": "综合科", "gender": "女", "party": "中共预备党员",
         "leader": "否", "role": "副组长", "phone": f"139****{2310 + i}"}
        for i in range(1, 20)
    ]  # fmt: skip
    monkeypatch.setattr(output, "stdout_is_terminal", lambda: True)
    for width in (100, 80, 70, 60, 50, 40):
        monkeypatch.setenv("COLUMNS", str(width))
        output.render_rows(rows, cols, fmt="table", output=None, reveal=False)
        text = capsys.readouterr().out
        drawn = Counter(text)
        wanted = Counter("".join(output.cell(c, r.get(c.key)) for r in rows for c in cols))
        missing = {ch: n - drawn[ch] for ch, n in wanted.items() if drawn[ch] < n}
        assert missing == {}, (width, missing)
        if width >= 50:  # 40: eight columns of 4 and their gaps leave no room for 11 digits,
            # and the lines go out as they are, for the terminal to break
            assert all(output.text_width(line) <= width for line in text.splitlines())
        phones = [w for line in text.splitlines() for w in line.split() if w.startswith("139")]
        assert phones == [r["phone"] for r in rows], width
