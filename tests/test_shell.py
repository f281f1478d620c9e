"""`sanlian shell`: the same commands, output and errors in one long-lived session."""

from __future__ import annotations

import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sanlian.cli.output import text_width
from tests.conftest import Cli, Result, history_file, location

# --- the session goes on ------------------------------------------------------------------


def test_a_bad_command_then_a_good_one(base: Cli, shell_run: Callable[..., Result]) -> None:
    result = shell_run("bogus", "section list -f json")
    assert result.code == 1  # one line failed
    assert "没有命令 bogus" in result.err
    assert [s["name"] for s in result.json()] == ["办公室", "综合科"]


def test_every_line_good_exits_0(base: Cli, shell_run: Callable[..., Result]) -> None:
    result = shell_run("", "# a comment", "section list -f json", "sanlian cadre list -f json")
    assert result.code == 0, result
    sections, cadres = result.out.split("]\n[")  # two JSON lists, one after the other
    assert "办公室" in sections
    assert cadres.count('"name"') == 4


def test_refusal_usage_error_and_quote_error_keep_the_session(
    base: Cli, shell_run: Callable[..., Result]
) -> None:
    result = shell_run(
        "cadre show 李四",  # refused: nobody of that name
        "cadre add",  # usage error: the name is missing
        'cadre show "张伟',  # an open quote
        "section list -f csv",
    )
    assert result.code == 1
    err = result.err.splitlines()
    assert err[0] == "第 1 行：找不到干部“李四”，请用 sanlian cadre list 查看编号或姓名后重试。"
    assert err[1].startswith("第 2 行：") and "姓名" in err[1]
    assert err[-1] == "第 3 行：引号没有配对：请补上缺少的引号（或去掉多余的引号）后重新输入。"
    assert result.out.splitlines()[1:] == ["1,办公室,", "2,综合科,"]
    assert "Traceback" not in result.err


def test_an_unexpected_error_does_not_end_the_session(
    base: Cli, shell_run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sanlian.cli.cadre as cadre_cli

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(cadre_cli, "list_records", broken)
    result = shell_run("cadre list", "section list -f json")
    assert result.code == 1
    assert "程序内部出错（RuntimeError）" in result.err
    assert "Traceback" not in result.err
    assert len(result.json()) == 2


def test_system_exit_and_interrupt_inside_a_command_keep_the_session(
    base: Cli, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sanlian.cli import main as main_module
    from sanlian.cli.shell import Shell

    real = main_module.main
    raised = iter([SystemExit(3)])

    def flaky(argv: list[str], **kwargs: object) -> int:
        error = next(raised, None)
        if error is not None:
            raise error
        return real(argv, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(main_module, "main", flaky)
    code = Shell().batch(["section list", "section list -f json"])
    out, err = capsys.readouterr()
    assert code == 1 and "办公室" in out  # a command's SystemExit: the file goes on
    raised = iter([KeyboardInterrupt()])
    code = Shell().batch(["section list", "section list -f json"])
    out, err = capsys.readouterr()
    assert code == 130 and "已中断" in err and out == ""  # Ctrl-C: the file stops there


def test_exit_ends_the_session(base: Cli, shell_run: Callable[..., Result]) -> None:
    result = shell_run("section list -f json", "exit", "bogus")
    assert result.code == 0  # the line after exit never ran
    assert result.err == ""


def test_shell_inside_the_shell_is_refused(base: Cli, shell_run: Callable[..., Result]) -> None:
    result = shell_run("shell", "section list -f json")
    assert result.code == 1
    assert result.err.strip() == "第 1 行：已经在交互模式中，直接输入命令即可；要退出请输入 exit。"
    assert len(result.json()) == 2


@pytest.mark.parametrize("where", ["args", "after"])  # sanlian --db … shell, sanlian shell --db …
def test_db_and_operator_given_to_shell_apply_inside(
    cli: Cli, shell_run: Callable[..., Result], tmp_path: Path, where: str
) -> None:
    other = tmp_path / "other.db"
    given = {where: ("--db", str(other), "--operator", "李会计")}
    result = shell_run("init --year 2026", "section add 办公室", "history -f json", **given)
    assert result.code == 0, result
    assert other.exists()
    assert not (tmp_path / "sanlian.db").exists()  # $SANLIAN_DB was not touched
    assert "李会计" in result.out
    # a line may still name its own database
    result = shell_run(f"--db {tmp_path / 'third.db'} init --year 2026", args=("--db", str(other)))
    assert result.code == 0, result
    assert (tmp_path / "third.db").exists()


# --- the same output as one-shot commands -------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "section list",
        "cadre list -f json",
        "cadre show 单丽",
        "cadre show zw",  # refused: two namesakes
        "household list --reveal -f csv",
        "selfcheck -f json",
        "cadre show",  # usage error
        "cadre --help",
    ],
)
def test_output_is_that_of_the_one_shot_command(
    base: Cli, shell_run: Callable[..., Result], line: str
) -> None:
    import shlex

    one_shot = base(*shlex.split(line))
    inside = shell_run(line)
    # the same, but that an error names the line of the file it is about
    expected_err = "".join(f"第 1 行：{ln}" for ln in one_shot.err.splitlines(keepends=True))
    assert (inside.out, inside.err) == (one_shot.out, expected_err)
    assert inside.code == (0 if one_shot.code == 0 else 1)


def test_a_reveal_as_the_last_line_is_journaled_once(
    base: Cli, shell_run: Callable[..., Result]
) -> None:
    def reveals() -> list[str]:
        rows = base("history", "-f", "json").json()
        return [r["command"] for r in rows if "--reveal" in r["command"]]

    for lines in (("household list --reveal",), ("household list --reveal", "section list")):
        before = len(reveals())
        assert shell_run(*lines).code == 0
        assert len(reveals()) == before + 1, lines


# --- start-up paid once ---------------------------------------------------------------------


def test_the_database_is_opened_and_migrated_once(
    base: Cli, shell_run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sanlian.db import engine

    engines: list[object] = []
    migrations: list[object] = []
    real_engine, real_server, real_migrate = (
        engine._sqlite_engine,
        engine._server_engine,
        engine.migrate,
    )

    def counting_engine(path: Path) -> object:
        engines.append(path)
        return real_engine(path)

    def counting_server(location: str, **kwargs: bool) -> object:
        engines.append(location)  # a server URL: its pool is kept for the session
        return real_server(location, **kwargs)

    def counting_migrate(e: object, **kwargs: object) -> list[int]:
        migrations.append(e)
        return real_migrate(e, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "_sqlite_engine", counting_engine)
    monkeypatch.setattr(engine, "_server_engine", counting_server)
    monkeypatch.setattr(engine, "migrate", counting_migrate)
    result = shell_run(
        "cadre list",
        "cadre show 单丽",
        "visit add --date 2026-06-01 --cadre 单丽 --household 王秀英 --form home",
        "visit list -f json",
    )
    assert result.code == 0, result
    assert len(result.out.split("[", 1)[1]) > 0
    assert len(engines) == 1
    assert len(migrations) == 1
    # after the session nothing is kept: one-shot commands open and close as before
    assert engine._KEPT is None


@pytest.mark.sqlite_only(reason="removes the SQLite file")
def test_a_file_removed_under_the_session_is_not_made_anew(
    base: Cli, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    from sanlian.cli.shell import Shell

    shell = Shell()
    with shell._session():
        assert shell.run_line("section add 人事科") == 0
        db_path.unlink()  # someone removes (or moves) the file while the session keeps it open
        capsys.readouterr()
        # a write no longer starts a new, empty ledger there: refused, as a read is
        assert shell.run_line("section add 财务科") == 1
        assert "还不存在，请先运行 sanlian init" in capsys.readouterr().err
        assert not db_path.exists()
        assert base("init", "--year", "2026").code == 0  # made anew by init: opened afresh
        assert shell.run_line("section add 财务科") == 0
    con = sqlite3.connect(db_path)
    try:
        names = [row[0] for row in con.execute("SELECT name FROM section")]
    finally:
        con.close()
    assert names == ["财务科"]  # written to the new file, not to the removed one


# --- interactive ----------------------------------------------------------------------------


def test_interactive_bad_line_ctrl_c_and_good_line(
    base: Cli, interactive: Callable[[str], int], capsys: pytest.CaptureFixture[str]
) -> None:
    code = interactive("bogus\rsection li\x03section list -f json\rexit\r")
    out, err = capsys.readouterr()
    assert code == 0
    assert "exit、quit 或 Ctrl-D 退出" in out  # the welcome line
    welcome = out[: out.index("取消当前行。") + len("取消当前行。")].splitlines()
    # two lines, each within 80 columns (the terminal broke exit in two)
    assert [text_width(line) for line in welcome] == [78, 46], welcome
    assert "没有命令 bogus" in err
    assert '"综合科"' in out
    # the cancelled line was not run: only the good one's output
    assert out.count('"办公室"') == 1


def test_ctrl_d_leaves(base: Cli, interactive: Callable[[str], int]) -> None:
    assert interactive("section list\r\x04") == 0


def test_history_is_kept_masked_and_private(
    base: Cli, interactive: Callable[[str], int], capsys: pytest.CaptureFixture[str]
) -> None:
    interactive(
        "household edit 王秀英 --phone 13912345678 --id-number 37010219900307123X\r"
        "cadre show 张伟@办公室\r"
        "exit\r"
    )
    text = history_file().read_text(encoding="utf-8")
    assert "13912345678" not in text
    assert "37010219900307123X" not in text
    assert "--phone 139****5678 --id-number 370102********123X" in text
    assert "cadre show 张伟@办公室" in text
    assert stat.S_IMODE(history_file().stat().st_mode) == 0o600
    # the next session reads it back (masked)
    from sanlian.cli.shell import _masked_history, history_path

    loaded = list(_masked_history(history_path()).load_history_strings())
    assert loaded[0] == "exit"
    assert "cadre show 张伟@办公室" in loaded


def test_a_history_that_cannot_be_read_or_written_is_skipped(base: Cli) -> None:
    from sanlian.cli.shell import _masked_history

    history_file().mkdir(parents=True)  # a folder where the file should be
    history = _masked_history(history_file())
    history.store_string("section list")  # no error: the line is simply not kept
    assert list(history.load_history_strings()) == []


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        ("cadre add 李四 --phone 13812345678", "cadre add 李四 --phone 138****5678"),
        ("x --phone 138-1234-5678", "x --phone 138****5678"),
        ("x --phone +8613812345678", "x --phone +86138****5678"),
        ("x --id-number 370102199003071234", "x --id-number 370102********1234"),
        ("x --id-number 37010219900307123x", "x --id-number 370102********123x"),
        ("visit list --cadre 12", "visit list --cadre 12"),  # short numbers stay
        ("x 123456789012", "x 123456789012"),  # 12 digits: neither
        # lines pasted together: each masked on its own, none run into the next
        (
            "household add 丙 --phone 13755556666\nhousehold add 丁 --community 东王庄村\n",
            "household add 丙 --phone 137****6666\nhousehold add 丁 --community 东王庄村\n",
        ),
        (
            'x --id-number "370102199003071234\r\nvisit list --phone 13812345678',
            "x --id-number 370102********1234\r\nvisit list --phone 138****5678",
        ),
        # a backup's name (its digits no ID number as prose reads one) stays whole: recalled
        # from the history it names the file; a file named by an ID number is still masked
        (
            "db restore sanlian-backups/sanlian-2025-20261201-035649-manual.db",
            "db restore sanlian-backups/sanlian-2025-20261201-035649-manual.db",
        ),
        ("db restore l1-20261201-035248-import.db", "db restore l1-20261201-035248-import.db"),
        ("cadre import 370102198001011237.xlsx", "cadre import 370102********1237.xlsx"),
        ("cadre import 电话13812345678.csv", "cadre import 电话138****5678.csv"),
    ],
)
def test_mask_line(line: str, masked: str) -> None:
    from sanlian.cli.shell import mask_line

    assert mask_line(line) == masked


# --- completion -----------------------------------------------------------------------------


def complete(before: str) -> list[tuple[str, str]]:
    from sanlian.cli.shell import Shell

    return [(text, meta) for text, _start, meta in Shell().completer.candidates(before)]


def test_complete_commands_and_subcommands(base: Cli) -> None:
    assert complete("ca") == [
        ("campaign", "查看和修改活动年度、阶段日期和规则。"),
        ("cadre", "党员干部：登记、列出、查看、修改、删除。"),
    ]
    assert [t for t, _m in complete("cadre ")] == [
        "add",
        "edit",
        "list",
        "show",
        "remove",
        "restore",
        "import",
    ]
    ((text, meta),) = complete("visit ad")
    assert text == "add"
    assert meta.startswith("登记一次走访（民情民意访谈）：") and len(meta) == 40  # cut short


def test_complete_options_with_their_chinese_help(base: Cli) -> None:
    found = dict(complete("cadre list --"))
    assert found["--section"] == "只列这个科室。"
    assert (
        found["--reveal"] == "显示完整的身份证号码和手机号码（默认遮蔽；每次使用都记入变更日志）。"
    )
    assert "--help" in found
    assert [t for t, _m in complete("cadre list --l")] == ["--leaders"]


def test_complete_choices_and_enumerated_values(base: Cli) -> None:
    assert [t for t, _m in complete("cadre list -f ")] == [
        "table",
        "plain",
        "markdown",
        "csv",
        "json",
    ]
    assert complete("visit add --form h") == [("home", "入户走访")]
    assert complete("visit add --form 座") == [("talk", "座谈交流")]
    assert complete("cadre add 李四 --gender f") == [("female", "女")]
    # a problem's categories: its target's kind's, once the line names the target
    from sanlian.i18n.labels import CATEGORIES

    for kind, table in CATEGORIES.items():
        offered = complete(f"problem add --{kind} 1 --category ")
        assert offered == list(table.items()), kind
        assert complete(f"problem add --{kind}=1 --text x --category ") == offered
    every = {k for table in CATEGORIES.values() for k in table}
    assert {k for k, _m in complete("problem list --category ")} == every
    assert ("org_life", "共同过组织生活") in complete("activity add o")
    assert complete("campaign set --phase ") == [
        ("mobilise", "动员部署阶段"),
        ("implement", "组织实施阶段"),
        ("summarise", "总结阶段"),
    ]


def test_complete_names_by_pinyin_and_initials(base: Cli) -> None:
    # two cadres named 张伟: their numbers are offered, with the name and the section shown
    assert complete("cadre show zw") == [("1", "张伟（办公室）"), ("2", "张伟（综合科）")]
    assert complete("cadre show zhangw") == complete("cadre show zw")
    # 单 reads dan and shan; 曾 reads zeng and ceng
    assert complete("visit add --cadre sl") == [("单丽", "干部 [3]")]
    assert complete("visit add --cadre danl") == [("单丽", "干部 [3]")]
    assert complete("visit add --cadre cengq") == [("曾强", "干部 [4]")]
    assert complete("visit add --cadre 曾") == [("曾强", "干部 [4]")]
    assert complete("visit add --household wxy") == [("王秀英", "联系户 [1]")]
    assert complete("link community --community xf") == [("幸福社区", "社区(村) [1]")]
    assert complete("section show zh") == [("综合科", "科室 [2]")]
    assert complete("enterprise show ") == [("临沂华强机械有限公司", "企业 [1]")]
    assert complete("activity list --partner q") == [("前河湾村", "社区(村) [2]")]


def test_restore_completes_the_retired_records_and_only_them(base: Cli) -> None:
    """``KIND restore`` takes a retired record: those are offered, and no longer elsewhere."""
    research = ("research", "add", "--cadre", "单丽", "--title", "调研", "--date", "6-1")
    assert base(*research).code == 0  # a record of hers: she is retired, not deleted
    assert base("cadre", "remove", "单丽", "--force").code == 0
    assert complete("cadre restore ") == [("单丽", "干部 [3]")]
    assert complete("cadre restore sl") == [("单丽", "干部 [3]")]
    assert complete("cadre restore zw") == []  # both 张伟 are in use
    assert complete("visit add --cadre sl") == []
    assert ("单丽", "干部 [3]") not in complete("cadre show ")
    assert complete("household restore ") == []
    assert base("cadre", "restore", "单丽").code == 0
    assert complete("cadre restore ") == []
    assert complete("visit add --cadre sl") == [("单丽", "干部 [3]")]


def test_a_tab_offers_the_first_names_in_order_and_tells_namesakes_past_them(
    base: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sanlian.cli import shell

    monkeypatch.setattr(shell, "NAMES_SHOWN", 3)
    source = tmp_path / "联系户.csv"
    rows = ["王一,幸福社区", "汪二,幸福社区", "王三,幸福社区", "吴四,幸福社区", "王一,前河湾村"]
    source.write_text("户主姓名,社区(村)\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert base("household", "import", source).code == 0
    # the first three of the six that read w… (王秀英 was there), in the order of their
    # numbers; 王一 has a namesake past them, so its number is offered with its community
    # past them, a line that says there are more, which completes nothing
    more = ("", "只列出前 3 个，请多输入几个字或拼音")
    assert complete("visit add --household w") == [
        ("王秀英", "联系户 [1]"),
        ("2", "王一（幸福社区）"),
        ("汪二", "联系户 [3]"),
        more,
    ]
    assert complete("visit add --household wy") == [
        ("2", "王一（幸福社区）"),
        ("6", "王一（前河湾村）"),
    ]
    assert complete("visit add --household 王") == [
        ("王秀英", "联系户 [1]"),
        ("2", "王一（幸福社区）"),
        ("王三", "联系户 [4]"),
        more,
    ]
    # the line stays bare where the names are written after something (kind:, --option=)
    assert complete("history --record household:w")[-1] == more
    assert complete("visit add --household=w")[-1] == more
    assert complete("visit add --household=w")[0] == ("--household=王秀英", "联系户 [1]")
    # exactly as many as the menu holds (the six of w…): no such line; one more name: it
    monkeypatch.setattr(shell, "NAMES_SHOWN", 6)
    assert [t for t, _m in complete("visit add --household w")] == [
        "王秀英",
        "2",
        "汪二",
        "王三",
        "吴四",
        "6",
    ]
    monkeypatch.setattr(shell, "NAMES_SHOWN", 5)
    assert len(complete("visit add --household w")) == 6
    assert complete("visit add --household w")[-1] == ("", "只列出前 5 个，请多输入几个字或拼音")
    # through prompt_toolkit: a short line of the menu, the advice beside it; choosing it
    # leaves the line as typed
    from prompt_toolkit.buffer import Buffer
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    monkeypatch.setattr(shell, "NAMES_SHOWN", 3)
    menu = shell.Shell().completer.for_prompt()
    typed = "visit add --household w"
    found = list(menu.get_completions(Document(typed), CompleteEvent()))
    assert [c.text for c in found] == ["王秀英", "2", "汪二", ""]
    last = found[-1]
    assert (last.display_text, last.display_meta_text) == ("……", more[1])
    buffer = Buffer(document=Document(typed))
    buffer.apply_completion(last)
    assert buffer.text == typed
    buffer.apply_completion(found[0])
    assert buffer.text == "visit add --household 王秀英"


def test_the_menus_note_column_is_as_wide_as_the_advice() -> None:
    """prompt_toolkit measures the notes of the first 200 entries: the line that says there
    are more, after ``NAMES_SHOWN`` names, is among them, so its advice is not cut."""
    from prompt_toolkit.buffer import CompletionState
    from prompt_toolkit.completion import Completion
    from prompt_toolkit.document import Document
    from prompt_toolkit.layout.menus import CompletionsMenuControl
    from prompt_toolkit.utils import get_cwidth

    from sanlian.cli import shell
    from sanlian.i18n.messages import render

    advice = render("shell_more_names", shown=shell.NAMES_SHOWN)
    entries = [Completion(str(i), display_meta="联系户") for i in range(shell.NAMES_SHOWN)]
    entries.append(Completion("", display="……", display_meta=advice))
    state = CompletionState(Document("visit add --household w"), entries)
    width = CompletionsMenuControl()._get_menu_meta_width(500, state)
    assert width >= get_cwidth(advice) and shell.NAMES_SHOWN == 199


def test_never_complete_personal_numbers(base: Cli) -> None:
    assert complete("cadre edit 单丽 --phone ") == []
    assert complete("cadre edit 单丽 --phone 138") == []
    assert complete("household edit 王秀英 --id-number ") == []


def test_names_are_read_again_after_a_command_that_writes(base: Cli) -> None:
    from sanlian.cli.shell import Shell

    shell = Shell()
    with shell._session():
        assert shell.completer.candidates("cadre show li") == []
        assert shell.run_line("cadre add 李娜 --section 办公室") == 0
        assert shell.completer.candidates("cadre show li") == [("李娜", -2, "干部 [5]")]


def _counted_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each reading of the completion's names, counted."""
    from sanlian.cli import shell as shell_module

    reads: list[str] = []
    real = shell_module._read_names

    def counted(location: str) -> Any:
        reads.append(location)
        return real(location)

    monkeypatch.setattr(shell_module, "_read_names", counted)
    return reads


def test_a_command_that_only_reads_leaves_the_names_read(
    base: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading the names again is ≈ 0.3 s at city scale: only a change to the database (a
    file's stamp; a server's journal) makes the next Tab read them."""
    from sanlian.cli.shell import Shell

    reads = _counted_reads(monkeypatch)
    shell = Shell()
    with shell._session():
        assert shell.run_line("cadre list") == 0
        assert shell.completer.candidates("cadre show sl") == [("单丽", -2, "干部 [3]")]
        for line in ("progress", "cadre list", "cadre show 单丽", "visit list"):
            assert shell.run_line(line) == 0
            assert shell.completer.candidates("cadre show sl") == [("单丽", -2, "干部 [3]")]
        assert len(reads) == 1
        assert shell.run_line("cadre edit 单丽 --title 科员") == 0  # a change: read again
        assert shell.completer.candidates("cadre show sl") == [("单丽", -2, "干部 [3]")]
        assert len(reads) == 2


def test_a_servers_names_are_read_again_when_its_journal_moves_or_once_a_minute(
    base: Cli, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server's files cannot be looked at: its change journal's latest entry tells that a
    command (this shell's or a colleague's) wrote; past ``SERVER_NAMES_MAX_AGE`` the names are
    read again anyway (a record written there by another program)."""
    from sanlian.cli import shell as shell_module
    from sanlian.cli.shell import Shell

    url = location(db_path)
    if "://" not in url:
        url = f"sqlite:///{db_path}?timeout=30"  # a URL (with an option: not taken as the file), served as a server's is
    reads = _counted_reads(monkeypatch)
    shell = Shell(db=url)
    with shell._session():
        assert shell.run_line("cadre list") == 0
        for _ in range(3):
            assert shell.completer.candidates("cadre show sl") == [("单丽", -2, "干部 [3]")]
            assert shell.run_line("progress") == 0
        assert len(reads) == 1
        assert base("cadre", "add", "欧阳修", "--section", "办公室").code == 0  # a colleague's
        assert shell.completer.candidates("cadre show oy") == [("欧阳修", -2, "干部 [5]")]
        assert len(reads) == 2
        monkeypatch.setattr(shell_module, "SERVER_NAMES_MAX_AGE", 0.0)
        shell.completer.candidates("cadre show oy")
        assert len(reads) == 3
        shell.completer.preload()  # grown old: read again in the background, not at the Tab
        loading = shell.completer._loading
        assert loading is not None
        loading.join(timeout=30)
        assert len(reads) == 4


def test_names_are_read_in_the_background_once_a_command_opened_the_database(
    base: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sanlian.cli import shell as shell_module
    from sanlian.cli.shell import Shell

    reads: list[str] = []
    real = shell_module._read_names

    def counted(location: str) -> Any:
        reads.append(threading.current_thread().name)
        return real(location)

    monkeypatch.setattr(shell_module, "_read_names", counted)
    shell = Shell()
    with shell._session():
        shell.completer.preload()  # no command has opened the database yet: not here either
        assert shell.completer._loading is None
        assert shell.run_line("cadre list") == 0
        shell.completer.preload()
        loading = shell.completer._loading
        assert loading is not None
        loading.join(timeout=30)
        assert reads == ["sanlian-names"]
        shell.completer.preload()  # nothing changed: not read again
        assert shell.completer._loading is loading
        assert shell.completer.candidates("cadre show sl") == [("单丽", -2, "干部 [3]")]
        assert reads == ["sanlian-names"]  # the Tab found them read
        assert shell.run_line("cadre add 李娜 --section 办公室") == 0
        shell.completer.preload()
        assert shell.completer._loading is not loading
        shell.completer._loading.join(timeout=30)
        assert reads == ["sanlian-names", "sanlian-names"]
        assert shell.completer.candidates("cadre show lin") == [("李娜", -3, "干部 [5]")]
        assert len(reads) == 2


def test_the_modules_warmed_up_exist() -> None:
    """A name misspelt in ``WARM_MODULES`` would end the warm-up in silence."""
    import importlib

    from sanlian.cli.shell import WARM_MODULES

    assert "sanlian.reports.progress" in WARM_MODULES
    for name in WARM_MODULES:
        assert importlib.import_module(name).__name__ == name


def test_completion_through_prompt_toolkit(base: Cli) -> None:
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from sanlian.cli.shell import Shell

    completer = Shell().completer.for_prompt()
    found = list(completer.get_completions(Document("cadre show sl"), CompleteEvent()))
    assert [(c.text, c.start_position, c.display_meta_text) for c in found] == [
        ("单丽", -2, "干部 [3]")
    ]


def test_completion_without_a_database_offers_commands_only(cli: Cli) -> None:
    assert complete("cadre show zw") == []
    assert ("cadre", "党员干部：登记、列出、查看、修改、删除。") in complete("c")


def test_a_tilde_names_the_home_folder_as_in_a_shell(
    base: Cli, shell_run: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``-o ~/名单.csv`` typed in the shell wrote into a folder named ``~`` under the current
    one (the system's shell expands it for a one-shot command); quoted, ``~`` stays a ``~``."""
    home, here = tmp_path / "家", tmp_path / "此处"
    home.mkdir()
    here.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(here)
    result = shell_run("section list -o ~/科室.csv", "section list -o '~/引号.csv'")
    assert (home / "科室.csv").read_text(encoding="utf-8-sig").startswith("编号,")
    assert not (here / "~" / "科室.csv").exists()
    # quoted: no home folder meant, and no folder named ~ here to write into
    assert not (home / "引号.csv").exists()
    assert "第 2 行：无法读写 ~/引号.csv" in result.err


def test_kind_is_completed_from_its_commands_group(base: Cli) -> None:
    """``--kind`` is a community's kind, an activity's under ``activity``, a link's under
    ``link``."""
    assert complete("community add 新村 --kind ") == [("community", "社区"), ("village", "村")]
    assert complete("activity list --kind 自") == [("selfcheck", "自查报告")]
    assert complete("activity list --kind s") == [
        ("summary", "全面总结"),
        ("selfcheck", "自查报告"),
    ]
    assert [t for t, _m in complete("link list --kind ")] == [
        "community",
        "enterprise",
        "household",
    ]


def test_a_diary_pasted_in_quotes_keeps_its_line_break(
    base: Cli, interactive: Callable[[str], int], capsys: pytest.CaptureFixture[str]
) -> None:
    # a bracketed paste of a command whose quoted diary spans two lines, then a second command
    paste = (
        'visit add --date 5-1 --cadre 单丽 --community 幸福社区 --form talk --diary "今天入户走访。\n'
        '群众反映路灯坏了。"\nsection list -f csv'
    )
    code = interactive(f"\x1b[200~{paste}\x1b[201~\rexit\r")
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "引号" not in err and "已登记走访" in out + err, (out, err)
    assert "办公室" in out  # the line after it ran too
    shown = base("visit", "show", "1", "-f", "json").json()
    assert shown["diary"] == "今天入户走访。\n群众反映路灯坏了。"


def test_pasted_lines_join_only_an_open_quote() -> None:
    from sanlian.cli.shell import _pasted_lines

    assert _pasted_lines("section list\ncadre list") == ["section list", "cadre list"]
    assert _pasted_lines('a "x\ny" b\nc') == ['a "x\ny" b', "c"]
    assert _pasted_lines('a "never closed\nb') == ['a "never closed\nb']
    # a stray quote does not take in the commands pasted after it
    stray = 'visit add --diary "群众说"路灯坏了"\nsection list\ncadre list'
    assert _pasted_lines(stray) == [
        'visit add --diary "群众说"路灯坏了"',
        "section list",
        "cadre list",
    ]


def test_a_cadre_leaving_tomorrow_is_still_offered_today(base: Cli) -> None:
    """Retired with a record of today, 单丽 leaves tomorrow: today she may still be named,
    so Tab still offers her; once gone, not."""
    visit = ("visit", "add", "--cadre", "单丽", "--community", "幸福社区", "--form", "phone")
    assert base("link", "community", "--section", "综合科", "--community", "幸福社区").code == 0
    assert base(*visit).code == 0
    removed = base("cadre", "remove", "单丽", "--force")
    assert removed.code == 0 and "2026-06-16" in removed.out + removed.err
    assert complete("visit add --cadre sl") == [("单丽", "干部 [3]")]
    retired = base("cadre", "remove", "曾强", "--force", "--date", "2026-06-10")
    assert retired.code == 0, retired
    assert complete("visit add --cadre zq") == []


def test_a_table_of_bad_rows_is_printed_whole_under_its_lines_number(
    base: Cli, shell_run: Callable[..., Result], tmp_path: Path
) -> None:
    """An import's table of bad rows: the script's line number on a line of its own, then the
    table as the one-shot command prints it (its own 行号 column not beside another number)."""
    bad = tmp_path / "坏.csv"
    bad.write_text("姓名,科室\n甲,不存在的科\n乙,也不存在\n", encoding="utf-8")
    alone = base("cadre", "import", bad)
    result = shell_run("section list -f json", f"cadre import {bad}")
    assert result.code == 1
    assert "第 2 行：\n" + alone.err.split("\n", 1)[0] in result.err, result.err
    table = [
        line for line in alone.err.splitlines() if line.startswith(("行号", "------", "2 ", "3 "))
    ]
    for line in table:
        assert "\n" + line + "\n" in result.err  # unprefixed, as the one-shot command
