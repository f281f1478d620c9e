"""``KIND import``, ``export`` and ``template``: rosters and ledgers in and out of files.

Heavy modules (SQLAlchemy, openpyxl, python-calamine, charset-normalizer, pypinyin, rich's
progress bar) are imported inside the commands, never here.
"""

import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from sanlian.cli.context import state
from sanlian.cli.options import RevealOpt, reveal_asked

KIND_LABELS = {
    "section": "科室",
    "cadre": "干部",
    "community": "社区(村)",
    "enterprise": "企业",
    "household": "联系户",
    "link": "联系记录",
    "visit": "走访记录",
    "problem": "问题",
    "research": "调研报告",
    "activity": "活动记录",
}
RECORD_HELP = "导出文件中的行按“台账编号”对应原记录，其余"
MATCH_HELP = {
    "section": "按科室名称对应已有记录",
    "cadre": "按身份证号码（没有则按姓名和科室）对应已有干部",
    "community": "按名称和乡镇(街道)对应已有社区(村)",
    "enterprise": "按统一社会信用代码（没有则按企业名称）对应已有企业",
    "household": "按身份证号码（没有则按户主姓名和社区）对应已有联系户",
    "link": "按联系类型、联系双方和开始日期对应已有联系，每行照常核对联系规则",
    "visit": "按走访日期、走访对象、走访干部和走访形式对应已有走访（形式不同算另一次走访）",
    "problem": "按对象、提出日期和问题内容对应已有问题",
    "research": "按撰写干部和题目对应已有调研报告",
}

SheetOpt = Annotated[str | None, typer.Option("--sheet", help="工作表名称或第几张（默认第一张）。")]
EncodingOpt = Annotated[
    str | None,
    typer.Option(
        "--encoding", help="CSV 文件的编码，如 gb18030、utf-8（默认自动识别 UTF-8、GBK/GB18030）。"
    ),
]
MapOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        help="列名=字段：指明不认识的列，如 --map 工作部门=科室；列名=忽略 则不导入该列。可写多次。",
    ),
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="只检查，列出将新增、更新和未变的行，不写入任何数据。")
]
SkipBadOpt = Annotated[
    bool,
    typer.Option(
        "--skip-bad",
        help="只导入合格的行；不合格的行连同“错误原因”另存为 原文件名.错误.xlsx（或 .csv）。",
    ),
]


ImportRevealOpt = Annotated[
    bool,
    typer.Option(
        "--reveal",
        help="在屏幕上的错误表中显示完整的身份证号码和手机号码（默认遮蔽；"
        "另存的“.错误”文件总是完整的）。",
        callback=reveal_asked,
    ),
]


def attach(app: typer.Typer, kind: str) -> None:
    """Give the noun ``app`` an ``import`` command for ``kind``."""
    label = KIND_LABELS[kind]
    match = MATCH_HELP.get(kind, "对应已有记录")
    help_text = (
        f"从 Excel（.xlsx）或 CSV 文件批量导入{label}：先检查全部行，全部合格才一次写入；"
        f"{RECORD_HELP}{match}，重复导入不会重复登记。"
    )

    @app.command("import", help=help_text, short_help=f"从 Excel 或 CSV 文件批量导入{label}。")
    def import_(
        file: Annotated[
            Path,
            typer.Argument(
                help="要导入的 .xlsx 或 .csv 文件。", metavar="文件", show_default=False
            ),
        ],
        sheet: SheetOpt = None,
        encoding: EncodingOpt = None,
        mapping: MapOpt = None,
        dry_run: DryRunOpt = False,
        skip_bad: SkipBadOpt = False,
        reveal: ImportRevealOpt = False,
    ) -> None:
        run_import(
            kind,
            file,
            sheet=sheet,
            encoding=encoding,
            mapping=mapping or [],
            dry_run=dry_run,
            skip_bad=skip_bad,
            reveal=reveal,
        )


def _progress() -> Any:
    """A progress bar on the terminal (stderr); ``None`` when stderr is piped."""
    if not sys.stderr.isatty():
        return None
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    from sanlian.cli.output import screen_console

    bar = Progress(
        TextColumn("导入中"),
        BarColumn(),
        TaskProgressColumn(),
        TextColumn("已读 {task.fields[rows]:,} 行"),
        TimeElapsedColumn(),
        console=screen_console(stderr=True),
        transient=True,
    )
    return bar


SPEED_ROWS = 1000  # rows read before the rate a second is said


def run_import(
    kind: str,
    file: Path,
    *,
    sheet: str | None,
    encoding: str | None,
    mapping: list[str],
    dry_run: bool,
    skip_bad: bool,
    reveal: bool = False,
) -> None:
    import time

    from sanlian.i18n.messages import render
    from sanlian.io.readers import open_table

    started = time.perf_counter()
    table = open_table(file, sheet=sheet, encoding=encoding)
    owner = file.with_name("~$" + file.name)  # Excel and WPS keep it while the book is open
    if table.fmt == "xlsx" and not file.name.startswith("~$") and owner.exists():
        state().note(render("import_open_in_excel", owner=owner.name))
    try:
        rows = _run(
            kind, file, table, mapping=mapping, dry_run=dry_run, skip_bad=skip_bad, reveal=reveal
        )
    finally:
        table.close()
    seconds = max(time.perf_counter() - started, 1e-6)
    if rows >= SPEED_ROWS:  # (a rate of a few rows says only how long starting up took)
        state().note(render("import_speed", rows=rows, seconds=seconds, rate=rows / seconds))
    else:
        state().note(render("import_time", rows=rows, seconds=seconds))


def _run(
    kind: str,
    file: Path,
    table: Any,
    *,
    mapping: list[str],
    dry_run: bool,
    skip_bad: bool,
    reveal: bool = False,
) -> int:
    """The import in one transaction, its report; the number of rows read."""
    from sanlian.errors import ImportFileError
    from sanlian.i18n.messages import render
    from sanlian.services import importing
    from sanlian.services.clock import now

    st = state()
    # An Excel sheet is being read on a thread: meanwhile, this one imports what opening the
    # database takes (≈ 0.3 s), before the progress bar waits for the sheet to count its rows.
    if table.fmt == "xlsx":
        _database_layer()
    bar = _progress()
    callback = None
    if bar is not None:
        task = bar.add_task("import", total=table.total or None, rows=0)

        def callback(done: int, total: int, rows: int) -> None:
            bar.update(task, completed=done, total=total or None, rows=rows)

    early = None
    copy = None
    try:
        if bar is not None:  # started where it is sure to be stopped (a Ctrl-C before
            bar.start()  # the try left it redrawing over the shell's prompt)
        # A large registry file's rows are checked from here on, in a forked process, while
        # this one opens the database and copies it for the backup.
        early = importing.begin_early(
            kind, table, today=st.today, now=now(), mapping=mapping, operator=st.who
        )
        with st.session(write=not dry_run, rehearse=dry_run) as session:
            # the copy once this import holds the write lock: the database just before it,
            # with every write another clerk committed until then
            copy = None if dry_run else _backup_first(st.location, session)
            _fault_hook(session)
            result = importing.run_import(
                session,
                kind,
                table,
                today=st.today,
                now=now(),
                mapping=mapping,
                dry_run=dry_run,
                skip_bad=skip_bad,
                keep_plan=dry_run,
                progress=callback,
                operator=st.who,
                early=early,
            )
            if bar is not None:
                bar.stop()
                bar = None
            _notes(result)
            if dry_run:
                _plan(result, reveal=reveal)
                typer.echo(render("import_dry_run") + _summary(result))
            # with no good row, --skip-bad too would import nothing; nor with the good rows
            # all as they are registered already (``same``)
            none_good = result.bad and not (result.added or result.updated or result.unchanged)
            same = 0 if result.added or result.updated else result.unchanged
            if result.bad:
                _bad_rows(result, reveal=reveal, saved=skip_bad and not dry_run)
                if not skip_bad:
                    key = "import_all_bad" if none_good else "import_bad_rows"
                    raise ImportFileError(
                        key + ("_same" if same else ""), count=len(result.bad), same=same
                    )
                if none_good:  # --skip-bad imports the good rows, and there are none: refused
                    # here, so that the transaction is rolled back (a database this command
                    # created goes again), the bad rows' file said first
                    _bad_file_saved(result)
                    if not dry_run:
                        typer.echo(_summary(result))
                    raise ImportFileError("import_all_bad", count=len(result.bad))
            if result.written and (result.added or result.updated):
                st.journal(
                    session,
                    f"{kind} import",
                    render(
                        "import_journal",
                        file=file.name,
                        kind=result.label,
                        added=result.added,
                        updated=result.updated,
                        unchanged=result.unchanged,
                        bad=_bad_part(result),
                    )
                    + (importing.written_note(result.written_at) if result.written_at else ""),
                )
    except BaseException:
        if copy is not None and st.committed:  # a Ctrl-C just after the import was written:
            _keep_backup(copy)  # it is, and so is the way back (said with the interrupt)
        elif copy is not None:  # nothing was written: the copy is of the database as it is
            copy.unlink(missing_ok=True)
        raise
    finally:
        if early is not None:
            early.stop()
        if bar is not None:
            bar.stop()
    if copy is not None:
        if result.added or result.updated:
            _keep_backup(copy)
        else:  # every row as it was already: nothing changed, nothing to go back to
            copy.unlink(missing_ok=True)
    if result.written and not dry_run:
        for text in result.written_notes:  # (never for a rehearsal or a refused file)
            st.note(text)
    if not _bad_file_saved(result) and result.bad and dry_run:
        listed = "import_bad_listed_skip" if skip_bad else "import_bad_listed"
        listed = "import_bad_listed_same" if same else listed
        st.note(render(listed, count=len(result.bad), same=same))
    if not dry_run:
        typer.echo(_summary(result))
        if not (result.added or result.updated):  # no entry: an undo now takes back another
            st.note(render("import_nothing_changed"))
    return int(result.rows)


def _bad_file_saved(result: Any) -> bool:
    """Where the bad rows were saved, said (``--skip-bad``); whether they were."""
    from sanlian.i18n.messages import render

    if result.bad_file is None:
        return False
    state().note(render("import_bad_saved", count=len(result.bad), path=result.bad_file))
    return True


def _database_layer() -> None:
    """SQLAlchemy and the tables, imported now rather than when the database is opened."""
    import sqlalchemy.dialects.sqlite  # noqa: F401
    import sqlmodel  # noqa: F401

    import sanlian.db.engine
    import sanlian.db.journal
    import sanlian.db.models  # noqa: F401


def _backup_first(location: str, session: Any) -> Path | None:
    """Before an import writes, a copy of the database for the rotating backup set, taken
    while ``session`` holds the write lock (``BEGIN IMMEDIATE``) and has written nothing yet:
    no other writer can commit meanwhile, and a second connection may still read (SQLite's
    backup refuses a source connection in a write transaction, so the copy is not read
    through the session's own). It joins the set (``_keep_backup``) once the import has been
    written; a refused or failed import removes it, so that refusals never push older copies
    out of the set."""
    from sanlian.db.engine import is_url
    from sanlian.services import backups

    if is_url(location):
        return None
    session.connection()  # (the transaction begun: the lock held)
    return backups.take(location, "import", rotate_now=False)


def _keep_backup(copy: Path) -> None:
    from sanlian.i18n.messages import render
    from sanlian.services import backups

    backups.rotate(copy)
    state().note(render("import_backup", path=copy))


FAULT_KILL_ENV = "SANLIAN_FAULT_KILL_AFTER_ROWS"


def _fault_hook(session: Any) -> None:
    """Test hook, not for users: with ``$SANLIAN_FAULT_KILL_AFTER_ROWS=N`` the process kills
    itself (SIGKILL, no clean-up of any kind) once the import has written N rows inside its
    transaction — to prove that a process dying in the middle of an import leaves the
    database as it was."""
    import os

    limit = os.environ.get(FAULT_KILL_ENV)
    if not limit:
        return
    import signal

    from sqlalchemy import event

    written = [0]
    threshold = int(limit)

    def after(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: Any) -> None:
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE")):
            written[0] += max(cursor.rowcount, 0) or (len(params) if many else 1)
            if written[0] >= threshold:
                os.kill(os.getpid(), signal.SIGKILL)

    event.listen(session.connection(), "after_cursor_execute", after)


def _summary(result: Any) -> str:
    from sanlian.i18n.messages import render

    return render(
        "import_summary",
        kind=result.label,
        added=result.added,
        updated=result.updated,
        unchanged=result.unchanged,
        bad=_bad_part(result),
    )


def _bad_part(result: Any) -> str:
    from sanlian.i18n.messages import render

    return render("import_summary_bad", bad=len(result.bad)) if result.bad else ""


def _notes(result: Any) -> None:
    from sanlian.i18n.messages import readable, render
    from sanlian.services.importing import fields_for

    st = state()
    if result.unknown_columns:
        choices = "、".join(f"{f.label}({f.key})" for f in fields_for(result.kind))
        st.note(
            render(
                "import_unknown_columns",  # a header as the file has it, on one line
                columns="、".join(f"“{readable(c)}”" for c in result.unknown_columns),
                choices=choices,
            )
        )
    if result.nameless_after:
        where = "、".join(
            f"“{readable(c)}”之后的列" if c else "第一列" for c in result.nameless_after
        )
        st.note(render("import_nameless_columns", where=where))
    if result.skipped_example:
        st.note(render("import_example_skipped", line=result.header_line + 1))
    if result.other_data_sheets:
        st.note(
            render(
                "import_other_sheets",
                sheet=result.sheet,
                others="、".join(f"“{readable(n)}”" for n in result.other_data_sheets),
                kind=result.kind,
                file=_shell_word(str(result.path)),
                first=readable(result.other_data_sheets[0]),
            )
        )
    for text in result.notes:
        st.note(text)
    for count in result.more_similar.values():
        st.note(render("import_more_similar", count=count))
    if result.more_notes:
        st.note(render("import_more_notes", count=result.more_notes))


def _shell_word(text: str) -> str:
    """A path as the clerk would type it again in a command (quoted where a shell needs it)."""
    import shlex

    return shlex.quote(text) if re.search(r"[\s'\"\\|&;<>()\[\]{}$`*?#~!]", text) else text


ACTIONS = {"add": "新增", "update": "更新", "unchanged": "未变"}


PLAN_SHOWN = 40  # characters of a row's description in a dry run's plan


def _plan(result: Any, *, reveal: bool = False) -> None:
    """What a dry run would do: each added or updated row (unchanged ones are counted). A
    row's description quotes free text (a problem's, a report's title): an ID or mobile number
    in it masked unless ``reveal``, and every character seen (``readable``)."""
    from sanlian.cli.output import Col, emit, tabulate_text
    from sanlian.i18n.messages import readable
    from sanlian.services.validate import mask_numbers_anywhere

    planned = [p for p in sorted(result.planned, key=lambda p: p.line) if p.action != "unchanged"]
    if not planned:
        return

    def described(text: str) -> str:  # masked first: a number cut short is not seen as one
        text = readable(text if reveal else mask_numbers_anywhere(text))
        return text if len(text) <= PLAN_SHOWN else text[: PLAN_SHOWN - 1] + "…"

    rows = [
        {
            "line": p.line,
            "action": ACTIONS[p.action],
            "name": described(p.name),
            "changes": "、".join(p.changes),
        }
        for p in planned
    ]
    cols = [Col("line", "行号"), Col("action", "操作"), Col("name", "名称"), Col("changes", "变更")]
    emit(tabulate_text(rows, cols, "plain"), None)
    if reveal:  # as for the bad rows: what --reveal showed is journaled
        revealed = sum(1 for p in planned if mask_numbers_anywhere(p.name) != p.name)
        if revealed:
            state().note_reveal(f"试导入清单中的号码 {revealed} 处")


VALUE_SHOWN = 40  # characters of a bad value in the table (a 40,000-character note filled screens)


_QUOTED_LONG = re.compile(f"“([^”]{{{VALUE_SHOWN + 1},}})”")  # a value the reason quotes


def _bad_rows(result: Any, *, reveal: bool = False, saved: bool = False) -> None:
    """Every bad row: 行号、列、值、原因 (to stderr); ID and phone numbers masked unless
    ``reveal`` (``saved``: the rows go to the .错误 file too, which keeps what was typed). A
    value is shown as the file has it, on one line and every character seen (``readable``):
    an escape sequence in a cell would otherwise colour or clear the screen."""
    from sanlian.cli.output import Col, tabulate_text
    from sanlian.i18n.messages import readable, render
    from sanlian.services.validate import clip

    rows = [
        {
            "line": b.line,
            "column": readable(p.column),
            "value": clip(readable(p.shown(reveal)), VALUE_SHOWN),
            "reason": _QUOTED_LONG.sub(
                lambda m: f"“{clip(m[1], VALUE_SHOWN)}”", readable(p.said(reveal))
            ),
        }
        for b in result.bad
        for p in b.problems
    ]
    cols = [Col("line", "行号"), Col("column", "列"), Col("value", "值"), Col("reason", "原因")]
    sys.stderr.write(tabulate_text(rows, cols, "plain") + "\n")
    # the values shown masked, or (with --reveal) shown other than they would be masked
    shown = sum(1 for b in result.bad for p in b.problems if p.shown(True) != p.shown(False))
    if shown and reveal:  # journaled even when the import is then refused (``main``)
        state().note_reveal(f"导入错误表中的号码 {shown} 个")
    elif shown:  # a mistyped number masked: where to see what was typed
        sys.stderr.write(render("import_bad_masked_saved" if saved else "import_bad_masked") + "\n")


# --- export and template --------------------------------------------------------------------


def export(
    kind: Annotated[
        str,
        typer.Argument(
            help="导出什么：section 科室、cadre 干部、community 社区(村)、enterprise 企业、"
            "household 联系户、link 联系记录、visit 走访、problem 问题、research 调研报告、"
            "activity 活动记录（英文或中文均可）。",
            metavar="类别",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="写入的文件，.xlsx 或 .csv（UTF-8 带 BOM）；不写则输出 CSV。"
        ),
    ] = None,
    reveal: RevealOpt = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="要写的文件已存在时覆盖它（默认不覆盖，以免冲掉在 Excel 中改过、还没导入的表）。",
        ),
    ] = False,
) -> None:
    """导出一张表的全部记录（活动记录以外的表改后可再导入）；身份证号码、手机号码默认不导出。"""
    from sanlian.cli.output import stdout_is_terminal
    from sanlian.i18n.messages import render
    from sanlian.io.writers import suffix_format
    from sanlian.services import exporting

    st = state()
    key = exporting.parse_kind(kind, exporting.export_kinds())
    if output is not None:
        from sanlian.cli.output import keep_existing

        _check_file(output, suffix_format(output) is not None, "export_suffix")
        keep_existing(output, "export_exists", force)
    from sanlian.services.clock import now

    started = now()  # (the workbook says it was written then: before the ledger is read)
    with st.session() as session:
        table = exporting.export_table(session, key, reveal=reveal, today=st.today)
        if output is None:
            count = _export_to_stdout(table, reveal=reveal)
        else:  # a long write (a city's million visits) says how far it is
            import dataclasses

            from sanlian.cli.status import status

            with status(output.name) as line:
                watched = dataclasses.replace(table, rows=iter(line.watch(table.rows)))
                count = exporting.write_export(watched, output, written=started)
                table.numbers_in_text = watched.numbers_in_text
    if table.hidden:
        st.note(render("export_hidden", columns="、".join(table.hidden)))
    if table.numbers_in_text and not reveal:
        if output is not None:
            st.note(render("export_text_numbers"))
        elif stdout_is_terminal():
            st.note(render("export_text_numbers_masked"))
        else:
            st.note(render("export_text_numbers_piped"))
    if output is not None:
        st.note(render("export_done", kind=table.label, count=count, path=output))


def _export_to_stdout(table: Any, *, reveal: bool) -> int:
    """``export`` without ``-o``: CSV on standard output. Free text goes as typed into a pipe
    or a file (``> 走访.csv``: it is imported again), but on the screen, where nothing is
    imported, an ID or mobile number written in it is masked unless ``reveal``; either way
    ``table.numbers_in_text`` says whether one was met."""
    import csv

    from sanlian.cli.output import stdout_is_terminal
    from sanlian.io.cells import guard_row
    from sanlian.io.writers import csv_text
    from sanlian.services.validate import holds_number, mask_numbers_anywhere

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(guard_row(table.headers))
    watch = not reveal
    screen = watch and stdout_is_terminal()
    count = 0
    for row in table.rows:
        cells = [csv_text(v) for v in row]
        if watch and any(len(v) >= 11 and holds_number(v) for v in cells):
            table.numbers_in_text = True
            if screen:
                cells = [mask_numbers_anywhere(v) for v in cells]
        writer.writerow(guard_row(cells))
        count += 1
    return count


def _check_file(path: Path, suffix_ok: bool, suffix_key: str) -> None:
    """Refuse, before anything is read, a folder, a suffix not written or a missing folder."""
    from sanlian.cli.output import not_the_database
    from sanlian.errors import ImportFileError, ValidationError

    if path.expanduser().is_dir():
        raise ValidationError("output_is_folder", path=path)
    not_the_database(path)
    if not suffix_ok:
        raise ImportFileError(suffix_key, suffix=path.suffix or "（无后缀）")
    if not path.expanduser().parent.exists():  # (a file in its place: the writer says so)
        raise ValidationError("output_folder", folder=path.expanduser().parent)


def template(
    kind: Annotated[
        str,
        typer.Argument(
            help="哪一类的导入模板：section、cadre、community、enterprise、household 等"
            "（英文或中文均可）。",
            metavar="类别",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="写入的 .xlsx 文件（默认 当前目录/类别导入模板.xlsx）。"
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="文件已存在时覆盖它（默认不覆盖，以免冲掉已填写的模板）。"),
    ] = False,
) -> None:
    """写一个空白的导入模板（.xlsx）：表头、一行示例和“说明”工作表。"""
    from sanlian.i18n.messages import render
    from sanlian.io.writers import suffix_format
    from sanlian.services import exporting

    st = state()
    kinds = exporting.template_kinds()
    key = exporting.parse_kind(kind, kinds, "template_kind_unsupported")
    label = kinds[key]
    path = output or Path(exporting.default_name(label, "导入模板.xlsx"))
    _check_file(path, suffix_format(path) == "xlsx", "template_suffix")
    from sanlian.cli.output import keep_existing

    keep_existing(path, "template_exists", force)
    exporting.write_template(key, path)
    st.note(render("template_done", kind=label, path=path))
