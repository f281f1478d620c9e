"""``progress``, ``supervise``, ``selfcheck`` and ``brief``: the leading-group office's reports.

Each command makes one report (``sanlian.reports``) and renders it: Rich tables and progress
bars on a terminal; tabulate ``plain``/``markdown``, ``csv`` and ``json`` otherwise; the
self-inspection also as .xlsx and .docx, the briefing as .docx. ``print_progress`` is the hook
``sanlian demo`` ends with.
"""

import datetime as dt
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sanlian.cli.context import settled, state
from sanlian.cli.options import AsOfOpt, Fmt, FormatOpt, fmt_value, output_opt
from sanlian.cli.output import Col

if TYPE_CHECKING:
    from rich.console import Console
    from sqlmodel import Session

    from sanlian.cli.context import State
    from sanlian.reports.brief import Brief
    from sanlian.reports.figures import SelfCheck
    from sanlian.reports.progress import Progress
    from sanlian.reports.supervise import Supervision


class By(StrEnum):
    section = "section"
    cadre = "cadre"


YearOpt = Annotated[int | None, typer.Option("--year", help="活动年度（默认今年，或最近的年度）。")]
ByOpt = Annotated[
    By, typer.Option("--by", help="按科室（section）汇总，或按干部（cadre）列出各人事项。")
]


SelfcheckOutputOpt = Annotated[Path | None, output_opt(".xlsx .docx .csv .json .md .txt")]
ReportOutputOpt = Annotated[Path | None, output_opt(".csv .json .md .txt")]
SuperviseOutputOpt = Annotated[Path | None, output_opt(".xlsx .csv .json .md .txt")]
BriefOutputOpt = Annotated[Path | None, output_opt(".md .docx .txt .csv .json")]

DocxForceOpt = Annotated[
    bool,
    typer.Option(
        "--force", help="要写的 .docx 已存在时覆盖它（默认不覆盖，以免冲掉在 Word 中改过的报告）。"
    ),
]

DONE = {True: "已完成", False: "未完成"}


def _keep_edited(output: Path | None, suffix: str | None, force: bool) -> None:
    """Refuse to write a .docx report over an existing file unless ``force``: the clerk fills
    in and edits the report in Word (its 【请填写…】 parts), and a rerun would wipe that out."""
    if output is not None and suffix == ".docx":
        from sanlian.cli.output import keep_existing

        keep_existing(output, "report_docx_exists", force)


def _report_day(
    session: "Session", as_of: str | None, year: int | None
) -> tuple[dt.date | None, bool]:
    """A report's ``--as-of`` day (``State.as_of``), and whether the clerk was told that the
    year reported on by default has not begun (``init`` of the next year in December: in
    January its reports are of a year still to start, while the year-end report of the year
    before is what is wanted; it needs ``--year``)."""
    st = state()
    day = st.as_of(session, as_of, year=year)
    if as_of is not None or year is not None:
        return day, False
    from sanlian.services.campaign import year_for_dates
    from sanlian.services.visits import campaign_spans

    shown = year_for_dates(session, today=st.today)
    spans = campaign_spans(session)
    for held, start, _end in spans:
        earlier = [y for y, _s, _e in spans if y < held]
        if held == shown and st.today < start and earlier:
            from sanlian.i18n.messages import render

            said = render(
                "report_year_unbegun", year=held, start=start.isoformat(), previous=earlier[-1]
            )
            st.note(said)
            return day, True
    return day, False


def _check_suffix(
    output: Path | None, allowed: tuple[str, ...], command: str, fmt: Fmt | None = None
) -> str | None:
    """The output file's suffix, refused (before the report is made) when the command cannot
    write it or ``-f`` contradicts it."""
    if output is None:
        return None
    from sanlian.cli.output import check_format, check_output

    if output.expanduser().is_dir():  # said as a folder, not as a file of an unknown kind
        check_output(output, allowed)
    suffix = output.suffix.lower()
    if suffix not in allowed:
        from sanlian.errors import ValidationError

        raise ValidationError(
            "report_suffix",
            suffix=output.suffix or output.name,
            command=command,
            choices="、".join(allowed),
        )
    check_output(output, allowed)
    check_format(fmt_value(fmt), output, documents=True)
    return suffix


def _rich_wanted(fmt: str, output: Path | None) -> bool:
    from sanlian.cli.output import stdout_is_terminal

    return fmt == "table" and output is None and stdout_is_terminal()


def _console() -> "Console":
    from sanlian.cli.output import screen_console

    return screen_console()


def _style(fmt: str) -> str:
    return "markdown" if fmt == "markdown" else "plain"


def _screen_width(fmt: str, output: Path | None) -> int | None:
    """The terminal's width when the report goes to it as a table; else ``None``."""
    if not _rich_wanted(fmt, output):
        return None
    import shutil

    return shutil.get_terminal_size().columns


def _table(rows: Any, cols: Any, fmt: str, width: int | None) -> str:
    """A report's table as text; on a screen ``width`` columns wide (``width`` given), folded
    to it as the listings are (``cli.fold``), not left for the terminal to break each line."""
    from sanlian.cli.output import screen_table, tabulate_text

    if width is not None:
        return screen_table(rows, cols, width)
    return tabulate_text(rows, cols, _style(fmt))


def _heading(text: str, fmt: str, level: int = 2) -> str:
    """A heading; in markdown shown as written (a section's name in it is no markup)."""
    if fmt != "markdown":
        return text
    from sanlian.io.cells import markdown_line

    return f"{'#' * level} {markdown_line(text)}"


def _ratio(done: int, of: int) -> str:
    return f"{done}/{of}"


# Chinese line breaking for Rich cells: break between Chinese characters, never inside a run of
# digits or Latin letters (a number, a date), never before closing or after opening punctuation.
_NO_LINE_START = frozenset("，。、；：？！）】》”’…%")
_NO_LINE_END = frozenset("（【《“‘")


def wrap_zh(text: str, width: int) -> str:
    """``text`` with line breaks so that no line is wider than ``width`` terminal cells."""
    from rich.cells import cell_len, chop_cells

    out: list[str] = []
    for paragraph in text.split("\n"):
        tokens: list[str] = []
        for ch in paragraph:
            prev = tokens[-1][-1] if tokens else ""
            glued = bool(prev) and (
                (ch.isascii() and not ch.isspace() and prev.isascii() and not prev.isspace())
                or ch in _NO_LINE_START
                or prev in _NO_LINE_END
            )
            if glued:
                tokens[-1] += ch
            else:
                tokens.append(ch)
        line = ""
        for token in tokens:
            if line and cell_len(line + token.rstrip()) > width:
                out.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
            while cell_len(line.rstrip()) > width:  # a run wider than the cell: cut it
                head, *_ = chop_cells(line, width)
                out.append(head)
                line = line[len(head) :]
        out.append(line.rstrip())
    return "\n".join(out)


# a Rich table's frame: the outer edges and, per column, one rule and a space either side
def _frame(columns: int) -> int:
    return 1 + 3 * columns


def _print_if_it_fits(console: "Console", parts: list[Any]) -> bool:
    """Print ``parts`` (titles and Rich tables) when every table fits the screen's width as
    it is (its narrowest: numbers and dates whole, each word of a text whole); ``False``,
    with nothing printed, when one does not: Rich would cut it, names and sections became
    … on an 80-column terminal (``progress --by cadre``, ``selfcheck``'s 按科室). The caller
    writes the report as text then, wide as it is, nothing left out."""
    from rich.measure import Measurement
    from rich.table import Table

    unbounded = console.options.update(max_width=1 << 20)  # else the measure is cut to fit
    for part in parts:
        if (
            isinstance(part, Table)
            and Measurement.get(console, unbounded, part).minimum > console.width
        ):
            return False
    for part in parts:
        console.print(part)
    return True


# --- progress -------------------------------------------------------------------------------

SECTION_COLS = [
    Col("name", "科室"),
    Col("cadres", "干部", kind="int"),
    Col("households", "本年结对户", kind="int"),  # paired on a day of the year (households_paired)
    Col("visits", "走访", kind="int"),
    Col("diaries", "日记", kind="int"),
    Col("research", "调研报告", kind="int"),
    Col("problems", "问题解决", kind="int"),
    Col("conflicts", "矛盾化解", kind="int"),
    Col("eight", "八个一", kind="int"),
]
# (key of the section row, done field, of field) for the columns drawn as progress bars
BARS = {
    "research": ("research_done", "research_required"),
    "problems": ("problems_resolved", "problems_raised"),
    "conflicts": ("conflicts_resolved", "conflicts_raised"),
    "eight": ("eight_ones", None),
}
CADRE_COLS = [
    Col("section", "科室"),
    Col("name", "姓名"),
    Col("households", "现结对", kind="int"),  # paired on the as-of day: whom to press today
    Col("enterprises", "联系企业", kind="int"),
    Col("visits", "走访", kind="int"),
    Col("last_visit", "最近走访"),
    Col("research", "调研报告", kind="int"),
    Col("activities", "参加活动", kind="int"),
    Col("problems", "问题解决", kind="int"),
]
ITEM_COLS = [Col("label", "事项"), Col("state", "状态"), Col("record", "记录")]


def _section_rows(p: "Progress") -> list[dict[str, Any]]:
    rows = []
    for s in (*p.sections, p.total):
        rows.append(
            {
                "id": s.id,
                "name": s.name,
                "cadres": s.cadres,
                "households": s.households,
                "visits": s.visits,
                "diaries": s.diaries,
                "research": _ratio(s.research_done, s.research_required),
                "problems": _ratio(s.problems_resolved, s.problems_raised),
                "conflicts": _ratio(s.conflicts_resolved, s.conflicts_raised),
                "eight": _ratio(s.eight_ones, 8),
                "_row": s,
            }
        )
    return rows


def _cadre_rows(p: "Progress") -> list[dict[str, Any]]:
    from sanlian.reports.common import md_date

    return [
        {
            "id": c.id,
            "section": c.section,
            "name": c.name,
            # left during the year (their records are in its totals): said where it costs no
            # width, as the table is at its narrowest on an 80- or 100-column screen
            "households": "停用" if c.retired_on else c.households,
            "enterprises": c.enterprises if c.is_leader else "—",
            "visits": c.visits,
            "last_visit": md_date(c.last_visit_on) if c.last_visit_on else "—",
            "research": c.research,
            "activities": c.activities,
            "problems": _ratio(c.problems_resolved, c.problems_owned),
        }
        for c in p.cadres
    ]


def _progress_overlap(p: "Progress") -> list[str]:
    """Under the per-section table: why its sections add up to more than its 合计 (a visit
    or a pair of cadres of several sections counts in each), where they do."""
    from sanlian.i18n.messages import render

    keys = ("households", "visits", "diaries", "problems_raised", "conflicts_raised")
    over = any(sum(getattr(s, k) for s in p.sections) > getattr(p.total, k) for k in keys)
    return [render("note_sections_overlap", total="合计")] if over else []


def _left_note(p: "Progress") -> list[str]:
    """Under the per-cadre table: who of it left during the year (停用 in its 现结对 column),
    whose records are in the year's figures."""
    from sanlian.i18n.messages import render
    from sanlian.reports.common import md_date

    left = [f"{c.name} {md_date(c.retired_on)}" for c in p.cadres if c.retired_on]
    if not left:
        return []
    more = f"等 {len(left)} 名" if len(left) > 10 else ""
    return [render("note_cadres_left", who="、".join(left[:10]) + more)]


# The CSV is for Excel, which reads a ratio such as 11/17 or 8/15 as a date (11月17日) and
# sums no text: each ratio is two columns of whole numbers there, a date is a date, and a
# figure that does not apply is an empty cell, not "—".
SECTION_CSV_COLS = [
    *SECTION_COLS[:5],
    Col("research_done", "调研报告已写", kind="int"),
    Col("research_required", "调研报告应写", kind="int"),
    Col("problems_resolved", "问题已解决", kind="int"),
    Col("problems_raised", "问题收集", kind="int"),
    Col("conflicts_resolved", "矛盾已化解", kind="int"),
    Col("conflicts_raised", "矛盾纠纷", kind="int"),
    Col("eight_ones", "八个一已完成(共8项)", kind="int"),
]
CADRE_CSV_COLS = [
    *CADRE_COLS[:8],
    Col("problems_resolved", "问题已解决", kind="int"),
    Col("problems_owned", "负责问题", kind="int"),
    Col("retired_on", "停用日期"),
]


def _section_csv_rows(p: "Progress") -> list[dict[str, Any]]:
    fields = [c.key for c in SECTION_CSV_COLS[5:]]
    return [
        {**row, **{key: getattr(row["_row"], key) for key in fields}} for row in _section_rows(p)
    ]


def _cadre_csv_rows(p: "Progress") -> list[dict[str, Any]]:
    return [
        {
            **row,
            "enterprises": c.enterprises if c.is_leader else None,
            "last_visit": c.last_visit_on,
            "problems_resolved": c.problems_resolved,
            "problems_owned": c.problems_owned,
            "households": c.households,
            "retired_on": c.retired_on,
        }
        for row, c in zip(_cadre_rows(p), p.cadres, strict=True)
    ]


def _phase_title(ph: Any) -> str:
    from sanlian.reports.common import md_date

    return (
        f"第{'一二三'[ph.seq - 1] if 1 <= ph.seq <= 3 else ph.seq}阶段 {ph.name}"
        f"（{md_date(ph.start)}—{md_date(ph.end)}，{ph.state_text}）"
        f" 完成 {ph.done}/{len(ph.items)}"
    )


def _item_rows(ph: Any) -> list[dict[str, Any]]:
    return [{"label": i.label, "state": DONE[i.done], "record": i.record} for i in ph.items]


def progress_text(p: "Progress", fmt: str, width: int | None = None) -> str:
    """The progress report as plain text or markdown (tabulate); its tables folded to a
    screen ``width`` columns wide when given (``_table``)."""
    parts = [_heading(p.headline, fmt, 1)]
    for ph in p.phases:
        parts.append(_heading(_phase_title(ph), fmt, 2))
        parts.append(_table(_item_rows(ph), ITEM_COLS, fmt, width))
    if p.by_cadre:
        parts.append(_heading("各干部事项", fmt, 2))
        parts.append(_table(_cadre_rows(p), CADRE_COLS, fmt, width))
        parts.extend(_left_note(p))
    else:
        parts.append(_heading("各科室进度", fmt, 2))
        parts.append(_table(_section_rows(p), SECTION_COLS, fmt, width))
        parts.extend(_progress_overlap(p))
    return "\n\n".join(parts)


SCREENFUL = 40  # rows of a table Rich draws on a terminal; longer ones are text (``cli.fold``)
BAR_WIDTH = 4  # cells of a progress bar: nine columns of the section table fit 100 columns


def _bar_cell(done: int, of: int, console: "Console") -> Any:
    """``━━╺━ 3/8``; ``—`` when there is nothing to count (no problems raised, say). One
    ``Text`` of the bar's segments and the figures: a grid of the bar and the figures in every
    cell cost the section table two thirds of its drawing (Rich measures each nested table)."""
    from rich.progress_bar import ProgressBar
    from rich.text import Text

    if of <= 0:
        return "—"
    complete = done >= of
    bar = ProgressBar(
        total=of,
        completed=min(done, of),
        width=BAR_WIDTH,
        complete_style="green" if complete else "yellow",
        finished_style="green",
    )
    cell = Text(no_wrap=True)
    for segment in console.render(bar, console.options.update_width(BAR_WIDTH)):
        cell.append(segment.text, segment.style)
    # without colour Rich leaves the bar's rest undrawn: the figures stay in their column
    cell.append(" " * (BAR_WIDTH - cell.cell_len + 1) + f"{done}/{of}")
    return cell


def progress_rich(p: "Progress", console: "Console") -> bool:
    """The progress report as Rich tables with progress bars (a terminal 100 columns wide);
    ``False``, with nothing printed, where a table would not fit (``_print_if_it_fits``)."""
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    parts: list[Any] = [Text(p.headline, style="bold")]
    for ph in p.phases:
        # the title on its own line: as a table's title it would wrap at the table's width
        parts.append(Text(_phase_title(ph), style="bold"))
        table = Table(header_style="bold", expand=False)
        label_width = max([cell_len(i.label) for i in ph.items] + [4])
        record_width = max(console.width - _frame(3) - label_width - 8, 16)
        table.add_column("事项", no_wrap=True)
        table.add_column("状态", no_wrap=True)
        table.add_column("记录")
        for item in ph.items:
            state = Text("✔ 已完成", style="green") if item.done else Text("✘ 未完成", style="red")
            table.add_row(item.label, state, wrap_zh(item.record, record_width))
        parts.append(table)
    if p.by_cadre:
        parts.append(Text("各干部事项", style="bold"))
        rows = _cadre_rows(p)
        if len(rows) > SCREENFUL:  # more than a screen: the text table, folded to its width
            from sanlian.cli.output import screen_table  # (Rich: 0.4 ms a row)

            if not _print_if_it_fits(console, parts):
                return False
            console.file.write(screen_table(rows, CADRE_COLS, console.width) + "\n")
            for note in _left_note(p):
                console.file.write(note + "\n")
            return True
        cadre_table = Table(header_style="bold")
        for col in CADRE_COLS:
            # figures and dates are never cut; a long section name or name wraps instead
            cadre_table.add_column(
                col.label,
                justify="right" if col.kind == "int" else "left",
                no_wrap=col.key not in ("section", "name"),
            )
        for row in rows:
            cadre_table.add_row(*(str(row[c.key]) for c in CADRE_COLS))
        parts.append(cadre_table)
        parts.extend(Text(note) for note in _left_note(p))
        return _print_if_it_fits(console, parts)
    parts.append(Text("各科室进度", style="bold"))
    table = Table(header_style="bold")
    for col in SECTION_COLS:
        # numbers and bars are never cut; a long section name wraps instead
        table.add_column(
            col.label,
            justify="right" if col.kind == "int" and col.key not in BARS else "left",
            no_wrap=col.key != "name",
        )
    rows = _section_rows(p)
    for i, row in enumerate(rows):
        s = row["_row"]
        cells: list[Any] = [row["name"]]
        for col in SECTION_COLS[1:]:
            if col.key in BARS:
                done_field, of_field = BARS[col.key]
                of = getattr(s, of_field) if of_field else 8
                cells.append(_bar_cell(getattr(s, done_field), of, console))
            else:
                cells.append(str(row[col.key]))
        table.add_row(
            *cells, end_section=i == len(rows) - 2, style="bold" if s.id is None else None
        )
    parts.append(table)
    parts.extend(Text(note) for note in _progress_overlap(p))
    return _print_if_it_fits(console, parts)


def render_progress(p: "Progress", fmt: str, output: Path | None) -> None:
    from sanlian.cli.output import csv_text, emit, to_json

    if fmt == "json":
        emit(to_json(p.as_dict()), output)
    elif fmt == "csv":
        if p.by_cadre:
            emit(csv_text(_cadre_csv_rows(p), CADRE_CSV_COLS), output, bom=True)
        else:
            emit(csv_text(_section_csv_rows(p), SECTION_CSV_COLS), output, bom=True)
    elif not (
        _rich_wanted(fmt, output)
        and len(p.cadres or ()) <= PROGRESS_RICH_CADRES
        and progress_rich(p, _console())
    ):
        emit(progress_text(p, fmt, _screen_width(fmt, output)), output)


# ``progress --by cadre`` on a terminal up to this many cadres: the phases as Rich tables, the
# cadres as one too up to ``SCREENFUL``, past it as the folded text table (Rich took 4.7 s for a
# city's 5,000); more cadres: the whole text report, folded to the screen's width (``_table``)
PROGRESS_RICH_CADRES = 200


def print_progress(
    source: "Session | State", as_of: dt.date | None = None, *, year: int | None = None
) -> None:
    """Print the progress report (Rich on a terminal, plain text otherwise): ``sanlian demo``'s
    last step. ``source`` is an open session, or the CLI state (a session is opened on it)."""
    from sanlian.reports.progress import progress as build

    def show(session: "Session", today: dt.date) -> None:
        report = build(session, today=today, year=year, as_of=as_of)
        render_progress(report, "table", None)

    if hasattr(source, "session") and hasattr(source, "today"):
        with source.session() as session:
            show(session, source.today)
    else:
        from sanlian.services.clock import today

        show(source, today())


def progress(
    as_of: AsOfOpt = None,
    by: ByOpt = By.section,
    year: YearOpt = None,
    fmt: FormatOpt = None,
    output: ReportOutputOpt = None,
) -> None:
    """各阶段进度：当前所处阶段和剩余天数，各阶段任务清单及依据，各科室（或各干部）完成情况。"""
    from sanlian.cli.output import choose_format
    from sanlian.reports.progress import progress as build

    _check_suffix(output, (".csv", ".json", ".md", ".txt"), "progress", fmt)
    st = state()
    with st.session(reader=True) as session:
        day, _said = _report_day(session, as_of, year)
        report = build(session, today=st.today, year=year, as_of=day, by_cadre=by is By.cadre)
    render_progress(report, choose_format(fmt_value(fmt), output), output)


# --- supervise ------------------------------------------------------------------------------

ALERT_COLS = [Col("level", "级别"), Col("actor", "责任人"), Col("text", "事项")]
ALERT_CSV_COLS = [
    Col("section", "科室"),
    Col("level", "级别"),
    Col("actor", "责任人"),
    Col("text", "事项"),
]


def _alert_rows(alerts: Any) -> list[dict[str, Any]]:
    return [
        {"section": a.section, "level": a.level_text, "actor": a.actor, "text": a.text}
        for a in alerts
    ]


def supervise_text(
    s: "Supervision", fmt: str, width: int | None = None, limit: int | None = None
) -> str:
    """The supervision report as plain text or markdown; its tables folded to a screen
    ``width`` columns wide when given (``_table``); ``limit``: a section's most urgent alerts
    only, the rest counted (``_left_out``)."""
    parts = [_heading(f"调度督促 · {s.name} · 截至 {s.as_of.isoformat()}", fmt, 1), s.summary]
    for g in s.groups:
        parts.append(_heading(f"{g.section}（{len(g.alerts)} 项）", fmt, 2))
        table = _table(_alert_rows(g.alerts[:limit]), ALERT_COLS, fmt, width)
        more = _left_out(len(g.alerts), limit)
        parts.append(f"{table}\n{more}" if more else table)
    if note := _left_out_note(s, limit):
        parts.append(wrap_zh(note, width) if width is not None else note)
    return "\n\n".join(parts)


# On a terminal a section shows its most urgent alerts only (a bureau had 1,386 alerts, a city
# 65,000: pages of text nobody reads at the dispatch meeting); a file or ``-f plain`` has all.
SUPERVISE_SCREEN_LIMIT = 20


def _left_out(count: int, limit: int | None) -> str:
    """Under a section cut to ``limit`` alerts: how many it left out (else nothing)."""
    from sanlian.i18n.messages import render

    if limit is None or count <= limit:
        return ""
    return render("sv_screen_more", count=count - limit)


def _left_out_note(s: "Supervision", limit: int | None) -> str:
    """Under the report, where a section was cut: that the screen shows part, how to see all."""
    from sanlian.i18n.messages import render

    if limit is None or all(len(g.alerts) <= limit for g in s.groups):
        return ""
    total = sum(len(g.alerts) for g in s.groups)
    return render("sv_screen_note", limit=limit, total=total)


# alerts drawn with Rich on a terminal (≈ 0.4 ms each: 1,400 alerts at a bureau took 0.6 s, the
# 65,000 of a city would take half a minute); more are the text report, folded to the screen's
# width (``_table``)
SUPERVISE_RICH_LIMIT = 200
LEVEL_STYLE = {"red": "bold red", "yellow": "bold yellow", "urge": "magenta", "warn": "cyan"}


def supervise_rich(s: "Supervision", console: "Console", limit: int | None = None) -> bool:
    """``False``, with nothing printed, where a table would not fit (``_print_if_it_fits``);
    ``limit`` as for ``supervise_text``."""
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    parts: list[Any] = [Text(f"调度督促 · {s.name} · 截至 {s.as_of.isoformat()}", style="bold")]
    parts.append(Text(s.summary))
    for g in s.groups:
        parts.append(Text(f"{g.section}（{len(g.alerts)} 项）", style="bold"))
        table = Table(header_style="bold")
        # lines broken here, between Chinese characters and never inside a number or a date
        actor_width = min(max([cell_len(a.actor) for a in g.alerts] + [6]), 18)
        text_width = max(console.width - _frame(3) - 4 - actor_width, 16)
        table.add_column("级别", no_wrap=True)
        table.add_column("责任人")
        table.add_column("事项")
        for a in g.alerts[:limit]:
            table.add_row(
                Text(a.level_text, style=LEVEL_STYLE[a.level]),
                wrap_zh(a.actor, actor_width),
                wrap_zh(a.text, text_width),
            )
        parts.append(table)
        if more := _left_out(len(g.alerts), limit):
            parts.append(Text(more))
    if note := _left_out_note(s, limit):
        parts.append(Text(wrap_zh(note, console.width)))
    return _print_if_it_fits(console, parts)


def supervise(
    as_of: AsOfOpt = None,
    year: YearOpt = None,
    fmt: FormatOpt = None,
    output: SuperviseOutputOpt = None,
) -> None:
    """调度督促：超期问题黄牌红牌、久无进展的问题、未结对未走访的干部、联系满一个走访周期而本年度尚未走访的联系户、企业和社区(村)、未写调研报告、七一前组织生活和“八个一”，最急的在前，按科室分组，写明责任人。"""
    from sanlian.cli.output import choose_format, csv_text, emit, emit_json
    from sanlian.reports.supervise import supervise as build

    suffix = _check_suffix(output, (".xlsx", ".csv", ".json", ".md", ".txt"), "supervise", fmt)
    st = state()
    with st.session(reader=True) as session:
        day, unbegun = _report_day(session, as_of, year)
        report = build(session, today=st.today, as_of=day, year=year, split=True)
        settled()
        if not unbegun and not any(g.alerts for g in report.groups):  # (earlier years': listed)
            _say_outside(session, report.year, report.as_of)
    chosen = choose_format(fmt_value(fmt), output)
    if output is not None and suffix == ".xlsx":  # for the dispatch meeting: sorted, filtered
        from sanlian.cli.output import xlsx_rows
        from sanlian.i18n.messages import render

        alerts = (a for g in report.groups for a in g.alerts)
        # the sheet's tab says the day it was judged on: the rows alone do not
        title = f"调度督促（截至{report.as_of.isoformat()}）"
        xlsx_rows(_alert_rows(alerts), ALERT_CSV_COLS, output, title)
        sys.stderr.write(render("written_to", path=output) + "\n")
        return
    if chosen == "json":
        emit_json(report.as_dict(), output)
    elif chosen == "csv":
        rows = _alert_rows(a for g in report.groups for a in g.alerts)
        emit(csv_text(rows, ALERT_CSV_COLS), output, bom=True)
    elif not _rich_wanted(chosen, output):
        emit(supervise_text(report, chosen, _screen_width(chosen, output)), output)
    else:  # a terminal: each section's most urgent, drawn by Rich unless too many or too wide
        limit = SUPERVISE_SCREEN_LIMIT
        shown = sum(min(len(g.alerts), limit) for g in report.groups)
        if not (shown <= SUPERVISE_RICH_LIMIT and supervise_rich(report, _console(), limit)):
            emit(supervise_text(report, chosen, _screen_width(chosen, output), limit), output)


def _say_outside(session: "Session", year: int, day: dt.date) -> None:
    """A note when nothing is listed on a ``day`` before the campaign began or after it ended:
    "nothing to urge" then means the campaign had not begun (or had ended), not that all is
    done."""
    from sanlian.services.visits import campaign_spans

    for held, start, end in campaign_spans(session):
        if held == year and not start <= day <= end:
            from sanlian.i18n.messages import render

            key = "sv_before_campaign" if day < start else "sv_after_campaign"
            state().note(
                render(key, date=day.isoformat(), start=start.isoformat(), end=end.isoformat())
            )


# --- selfcheck ------------------------------------------------------------------------------

# the compact per-section table of the screen (the files carry every figure)
SECTION_FIGURE_COLS = [
    Col("section", "科室"),
    Col("cadres_total", "干部", kind="int"),
    Col("cadres_participating", "参与", kind="int"),
    Col("households_paired", "结对户", kind="int"),
    Col("visits", "走访", kind="int"),
    Col("visit_person_times", "人次", kind="int"),
    Col("diaries", "日记", kind="int"),
    Col("problems_raised", "问题", kind="int"),
    Col("problems_resolved", "解决", kind="int"),
    Col("research_reports", "调研", kind="int"),
    Col("eight_ones_done", "八个一完成项", kind="int"),
]


def _overlap(report: "SelfCheck") -> bool:
    """Whether a column of the 按科室 table on the screen adds up to more than the total."""
    return report.sections_overlap(c.key for c in SECTION_FIGURE_COLS)


def figure_rows(report: "SelfCheck") -> list[dict[str, Any]]:
    """(label, value) of every figure, measures one row each, as the screen shows them."""
    from sanlian.i18n.labels import MEASURE
    from sanlian.reports.figures import FIGURE_LABELS

    f = report.figures
    rows: list[dict[str, Any]] = []
    for key, label in FIGURE_LABELS.items():
        if key == "measures":
            for m, m_label in MEASURE.items():
                rows.append({"key": f"measures.{m}", "label": m_label, "value": f.measures[m]})
            continue
        value = f.value(key)
        if key == "eight_ones_done":
            value = f"{value}/8"
        rows.append({"key": key, "label": label, "value": value})
    return rows


def _selfcheck_title(report: "SelfCheck") -> str:
    p = report.period
    judged = f"（截至 {p.as_of.isoformat()}）" if p.as_of > p.end else ""  # open, overdue
    shown = f"{report.shown_start.isoformat()} 至 {p.end.isoformat()}"
    return f"{report.title('自查统计')} · {shown}{judged}"


def selfcheck_text(report: "SelfCheck", fmt: str, width: int | None = None) -> str:
    """The self-inspection figures as plain text or markdown; its tables folded to a screen
    ``width`` columns wide when given (``_table``)."""
    from sanlian.i18n.messages import render

    sheet = [Col("label", "项目"), Col("value", "数值", kind="int")]
    by_section = [s.as_dict() for s in report.by_section]
    return "\n\n".join(
        [
            _heading(_selfcheck_title(report), fmt, 1),
            _heading("自查统计", fmt, 2),
            _table(figure_rows(report), sheet, fmt, width),
            _heading("按科室", fmt, 2),
            _table(by_section, SECTION_FIGURE_COLS, fmt, width) if by_section else "（没有科室）",
            *([render("note_sections_overlap", total="全局")] if _overlap(report) else []),
        ]
    )


def selfcheck_csv(report: "SelfCheck") -> str:
    """One figure a row: 项目, 键, 全局, then one column per section (every figure)."""
    import csv
    import io

    from sanlian.i18n.labels import MEASURE
    from sanlian.io.cells import guard_row
    from sanlian.reports.figures import FIGURE_LABELS

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    scopes = [report.figures, *(s.figures for s in report.by_section)]
    # a section's name is never read as a formula by Excel (=…, +…, -…, @…)
    writer.writerow(guard_row(["项目", "键", "全局", *(s.name for s in report.by_section)]))
    for key, label in FIGURE_LABELS.items():
        if key == "measures":
            for m, m_label in MEASURE.items():
                writer.writerow([m_label, f"measures.{m}", *(f.measures[m] for f in scopes)])
            continue
        writer.writerow([label, key, *(f.value(key) for f in scopes)])
    return buf.getvalue()


def selfcheck_rich(report: "SelfCheck", console: "Console") -> bool:
    """``False``, with nothing printed, where a table would not fit (``_print_if_it_fits``)."""
    from rich.table import Table
    from rich.text import Text

    from sanlian.i18n.messages import render

    parts: list[Any] = [Text(_selfcheck_title(report), style="bold")]
    rows = figure_rows(report)
    half = (len(rows) + 1) // 2
    table = Table(title="自查统计", title_justify="left", header_style="bold")
    for _ in range(2):
        table.add_column("项目")
        table.add_column("数值", justify="right")
    for left, right in zip(rows[:half], rows[half:] + [None] * (2 * half - len(rows)), strict=True):
        cells = [left["label"], str(left["value"])]
        cells += [right["label"], str(right["value"])] if right else ["", ""]
        table.add_row(*cells)
    parts.append(table)
    by = Table(title="按科室", title_justify="left", header_style="bold")
    for col in SECTION_FIGURE_COLS:
        by.add_column(col.label, justify="right" if col.kind == "int" else "left")
    for s in report.by_section:
        data = s.as_dict()
        by.add_row(*(str(data[c.key]) for c in SECTION_FIGURE_COLS))
    parts.append(by)
    if _overlap(report):
        parts.append(Text(render("note_sections_overlap", total="全局")))
    return _print_if_it_fits(console, parts)


def selfcheck(
    year: YearOpt = None,
    as_of: AsOfOpt = None,
    fmt: FormatOpt = None,
    output: SelfcheckOutputOpt = None,
    force: DocxForceOpt = False,
) -> None:
    """年终自查：DESIGN 所列全部统计数，可输出表格、csv、json，或写成 自查报告.xlsx / 自查报告.docx。"""
    from sanlian.cli.output import choose_format, emit, to_json
    from sanlian.cli.status import status
    from sanlian.i18n.messages import render
    from sanlian.reports.figures import selfcheck as build

    suffix = _check_suffix(
        output, (".xlsx", ".docx", ".csv", ".json", ".md", ".txt"), "selfcheck", fmt
    )
    _keep_edited(output, suffix, force)
    st = state()
    workbook = output is not None and suffix == ".xlsx"
    with st.session(reader=True) as session, status(output.name if output else None) as line:
        day, _said = _report_day(session, as_of, year)
        if output is not None and workbook:
            from sanlian.io.report_xlsx import visits_ahead, write_selfcheck
            from sanlian.reports.figures import selfcheck_period

            period = selfcheck_period(session, today=st.today, year=year, as_of=day)
            # a city's visit ledger is made on the second core while the figures are counted
            with visits_ahead(output, session, period) as ahead:
                line.phase("统计各项数字")  # a city's workbook takes seconds: the clerk is told
                report = build(session, today=st.today, year=year, as_of=day)
                # the ledgers stream from the session, counted on the terminal as they go
                write_selfcheck(output, session, report, watch=line.watch, ahead=ahead)
        elif suffix == ".docx":
            from sanlian.reports.document import selfcheck_detail

            full = selfcheck_detail(session, today=st.today, year=year, as_of=day)
        else:
            report = build(session, today=st.today, year=year, as_of=day)
    if output is not None and suffix == ".xlsx":
        sys.stderr.write(render("written_to", path=output) + "\n")
        return
    if output is not None and suffix == ".docx":
        from sanlian.io.report_docx import write_selfcheck as write_docx

        write_docx(output, full)
        sys.stderr.write(render("written_to", path=output) + "\n")
        return
    chosen = choose_format(fmt_value(fmt), output)
    if chosen == "json":
        emit(to_json(report.as_json()), output)
    elif chosen == "csv":
        emit(selfcheck_csv(report), output, bom=True)
    elif not (_rich_wanted(chosen, output) and selfcheck_rich(report, _console())):
        emit(selfcheck_text(report, chosen, _screen_width(chosen, output)), output)


# --- brief ----------------------------------------------------------------------------------


def brief(
    start: Annotated[str, typer.Option("--from", help="本期开始日期。", show_default=False)],
    end: Annotated[str, typer.Option("--to", help="本期结束日期。", show_default=False)],
    no: Annotated[
        int | None,
        typer.Option("--no", min=1, max=999, help="期号（默认按活动开始以来同样长度的期数推算）。"),
    ] = None,
    fmt: FormatOpt = None,
    output: BriefOutputOpt = None,
    force: DocxForceOpt = False,
) -> None:
    """简报：一段时间的工作数字及与上一期（同样天数；整月的为之前同样月数）的比较、典型事例、需要抓紧的工作；默认 markdown 输出到屏幕，或写成 简报.docx / 简报.md。"""
    from sanlian.cli.output import emit, to_json
    from sanlian.i18n.messages import render
    from sanlian.reports.brief import brief as build
    from sanlian.reports.brief import to_markdown

    suffix = _check_suffix(output, (".md", ".docx", ".csv", ".json", ".txt"), "brief", fmt)
    _keep_edited(output, suffix, force)
    st = state()
    with st.session(reader=True) as session:
        first = st.date(session, start, "开始日期")
        last = st.date(session, end, "结束日期")
        report: Brief = build(session, today=st.today, start=first, end=last, no=no)
    if last > st.today:  # (said once the period is taken: one that starts later is refused)
        st.note(render("brief_after_today", end=last.isoformat(), today=st.today.isoformat()))
    if suffix == ".docx" and output is not None:
        from sanlian.io.report_docx import write_brief

        write_brief(output, report)
        sys.stderr.write(render("written_to", path=output) + "\n")
        return
    chosen = fmt_value(fmt) or {".json": "json", ".csv": "csv"}.get(suffix or "")
    if chosen == "json":
        emit(to_json(report.as_dict()), output)
    elif chosen == "csv":
        emit(brief_csv(report), output, bom=True)
    elif chosen in ("table", "plain") or suffix == ".txt":
        emit(brief_text(report), output)
    else:
        emit(to_markdown(report), output)


def brief_text(b: "Brief") -> str:
    """The briefing as plain text (``-f table``/``plain``, a .txt file): what the markdown
    says, without its marks, the figures in aligned columns."""
    from sanlian.cli.output import table_text
    from sanlian.reports.brief import after_figures
    from sanlian.reports.common import zh_date

    def line(text: str) -> str:
        return " ".join(str(text).splitlines())

    figures = [
        [line(r["label"]), str(r["current"]), str(r["previous"]), str(r["change"]),
         str(r["year_to_date"])]
        for r in b.rows()
    ]  # fmt: skip
    lines = [
        line(b.title),
        "",
        f"第 {b.no} 期 · {line(b.unit)}“三联三解三促”活动领导小组办公室 · {zh_date(b.issued_on)}",
        "",
        b.periods_line(),
        "",
        "一、本期工作情况",
        "",
        table_text(["项目", "本期", "上期", "增减", "年度累计"], figures, "plain"),
        *after_figures(b, str, line),
    ]
    return "\n".join(lines) + "\n"


def brief_csv(report: "Brief") -> str:
    """The period's figures, one a row: 项目, 键, 本期, 上期, 增减 (a signed number), 年度累计."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["项目", "键", "本期", "上期", "增减", "年度累计"])
    for row in report.rows():
        now, before = row["current"], row["previous"]
        change = now - before if report.compared else ""  # (no 上期: before the campaign)
        writer.writerow(
            [row["label"], row["key"], now, before if report.compared else "", change,
             row["year_to_date"]]
        )  # fmt: skip
    return buf.getvalue()
