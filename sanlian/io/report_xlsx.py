"""自查报告.xlsx: the figures (汇总), by section (按科室), by cadre (按干部), the problem ledger
(问题台账) and the visit ledger (走访台账). Headers bold, columns sized, numbers as numbers,
dates as dates (``yyyy-mm-dd``), money as ``#,##0.00``; written by ``io/xlsx_stream``.

The 按干部 sheet counts like the figures: households and enterprises linked on any day of the
year, and of the problems raised in the year with the cadre as owner, those resolved.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sanlian.i18n.labels import (
    CATEGORIES,
    MEASURE,
    PARTY,
    PROBLEM_STATUS,
    ROLE,
    TARGET_KIND,
    VISIT_FORM,
)
from sanlian.io.xlsx_stream import display_width
from sanlian.reports.common import yuan, zh_date

if TYPE_CHECKING:
    from sqlmodel import Session

    from sanlian.reports.common import Period
    from sanlian.reports.figures import Figures, SelfCheck
    from sanlian.reports.ledgers import CadreRow

MAX_WIDTH = 60


SAMPLE_ROWS = 1000  # rows a column's width is measured on
MAX_ROWS = 1_048_576  # Excel's rows per sheet, the header included


class _Book:
    """The workbook, streamed: each sheet's rows go into the file as they come
    (``io/xlsx_stream``), so a ledger of a million rows takes little memory and no cell
    objects. Sheets are shown in the order they were created."""

    def __init__(self, path: Path | None, out: Any = None) -> None:
        from sanlian.io.xlsx_stream import Book

        # closed or aborted by write_selfcheck; ``out``: the sheets go elsewhere (``Parts``)
        self.out = out if out is not None else Book(path, threaded=True)  # type: ignore[arg-type]
        self.order: list[str] = []  # titles as shown
        self.continued: list[tuple[str, list[str], int]] = []  # (ledger, its sheets, rows)

    def create(self, title: str) -> str:
        """Reserve the place of a sheet written later by ``table``."""
        self.order.append(title)
        return title

    def table(
        self,
        title: str,
        headers: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        top: Sequence[Sequence[Any]] = (),
        bottom: Sequence[Sequence[Any]] = (),
        ledger: bool = False,
        kinds: Sequence[str] = (),
        hidden: Collection[int] = (),
    ) -> None:
        """A header row (bold, frozen) and the rows; columns sized on the header and the first
        rows; dates as dates, sums of money (Decimal) as #,##0.00. ``top``: rows above the
        header, ``bottom``: rows below the table (neither sized on). A ``ledger`` longer than a
        sheet holds goes on in sheets named …（续）, …（续2）…, each with the header again.
        The rows hold final values (text, numbers, dates, Decimal, None); ``kinds``, the kind
        of value each column mostly holds, has a long table written by ``Sheet.writer``;
        ``hidden``: columns (from 0) kept in the file but not shown or printed."""
        from sanlian.io.xlsx_stream import HEADER

        it = iter(rows)
        sample = list(itertools.islice(it, SAMPLE_ROWS))
        widths = [
            min(max([display_width(h)] + [display_width(r[i]) for r in sample]) + 2, MAX_WIDTH)
            for i, h in enumerate(headers)
        ]
        sheets = [title]
        ws = self.out.sheet(title, widths, frozen=len(top) + 1, hidden=hidden)
        for extra in top:
            ws.append(extra)
        ws.styled(headers, HEADER)
        in_sheet = ws.rows
        total = 0
        append = ws.writer(kinds) if kinds else ws.append
        for row in itertools.chain(sample, it):
            if ledger and in_sheet >= MAX_ROWS:
                name = f"{title}（续{len(sheets) if len(sheets) > 1 else ''}）"
                ws = self.out.sheet(name, widths, frozen=1, hidden=hidden)
                sheets.append(name)
                ws.styled(headers, HEADER)
                append = ws.writer(kinds) if kinds else ws.append
                in_sheet = 1
            append(row)
            in_sheet += 1
            total += 1
        for extra in bottom:
            ws.append(extra)
        if len(sheets) > 1:
            self.continued.append((title, sheets, total))
            at = self.order.index(title) + 1
            self.order[at:at] = sheets[1:]

    def note(self) -> list[str]:
        """What the first sheet says of ledgers continued on further sheets."""
        return [
            f"注：{title}共 {total:,} 行，超出 Excel 一张工作表的行数上限（{MAX_ROWS:,} 行），"
            f"其余接续写在{'、'.join(sheets[1:])}（表头相同）。"
            for title, sheets, total in self.continued
        ]

    def adopt(self, made: Made) -> None:
        """The sheets of a ledger made by another process (``VisitsAhead``), in its order."""
        for title, source, crc, size in made.parts:
            self.out.deflated_sheet(title, Path(source), crc, size)
        self.order += [title for title, *_ in made.parts]
        self.continued += made.continued

    def save(self) -> None:
        self.out.close(self.order)

    def abort(self) -> None:
        self.out.abort()


def _text(value: Any) -> Any:
    """A bool as 是/否, a list as its items joined by 、; anything else as it is."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, tuple | list):
        return "、".join(str(v) for v in value)
    return value


def _figure_values(f: Figures) -> list[Any]:
    """Every figure of a scope in the order of the 按科室 columns (measures expanded)."""
    from sanlian.reports.figures import FIGURE_KEYS

    out: list[Any] = []
    for key in FIGURE_KEYS:
        if key == "measures":
            out += [f.measures[m] for m in MEASURE]
        elif key == "funds_yuan":
            out.append(f.funds_yuan)
        else:
            out.append(f.value(key))
    return out


def _figure_headers() -> list[str]:
    from sanlian.reports.figures import FIGURE_LABELS

    out: list[str] = []
    for key, label in FIGURE_LABELS.items():
        if key == "measures":
            out += list(MEASURE.values())
        else:
            out.append(label)
    return out


def write_selfcheck(
    path: Path,
    session: Session,
    report: SelfCheck,
    watch: Callable[[Iterable[Any], str], Iterable[Any]] | None = None,
    ahead: VisitsAhead | None = None,
) -> None:
    """The workbook of ``report``; the ledgers are read from ``session`` as they are written.
    ``watch``: what each ledger's rows go through on their way (with the ledger's name), to
    tell the clerk how far the writing has come. ``ahead``: the visit ledger being made by a
    second process (``visits_ahead``), taken when it is ready, else written here."""
    from sanlian.reports.ledgers import cadre_rows, iter_problem_rows, iter_visit_rows

    def as_is(rows: Iterable[Any], _ledger: str) -> Iterable[Any]:
        return rows

    see = watch or as_is
    p = report.period
    book = _Book(path)
    try:
        first = book.create("汇总")  # written last: it says which ledgers go on in a second sheet
        _by_section(book, report)
        _by_cadre(book, see(cadre_rows(session, p), "按干部"))
        _problems(book, see(iter_problem_rows(session, p, as_tuples=True), "问题台账"))
        made = ahead.result(p, see) if ahead is not None else None
        if made is not None:
            book.adopt(made)
        else:
            _visits(book, see(iter_visit_rows(session, p, as_tuples=True), "走访台账"))
        _summary(book, first, report)
        book.save()
    except BaseException:
        book.abort()  # no half-written workbook is left behind
        raise


def _summary(book: _Book, ws: str, report: SelfCheck) -> None:
    from sanlian.io.xlsx_stream import TITLE, Styled
    from sanlian.reports.figures import FIGURE_LABELS

    f = report.figures
    summary: list[list[Any]] = []
    for key, label in FIGURE_LABELS.items():
        if key == "measures":
            summary += [[m_label, f"measures.{m}", f.measures[m]] for m, m_label in MEASURE.items()]
        elif key == "funds_yuan":
            summary.append([label, key, f.funds_yuan])
        else:
            summary.append([label, key, f.value(key)])
    notes = [[n] for n in book.note()]
    title = Styled(report.title("自查统计"), TITLE)
    p = report.period
    period = f"统计期：{zh_date(report.shown_start)}至{zh_date(p.end)}"  # as a document dates
    if p.as_of > p.end:  # open and overdue problems are judged on a later day
        period += f"（截至{zh_date(p.as_of)}）"
    book.table(
        ws,
        ["项目", "键", "数值"],
        [[_text(v) for v in row] for row in summary],
        top=[[title], [period]],
        bottom=[[], *notes] if notes else (),
        hidden=(1,),  # the keys, for programs (as ``-f json`` has them): not for the reader
    )


def _by_section(book: _Book, report: SelfCheck) -> None:
    f = report.figures
    headers = ["编号", "科室", *_figure_headers()]
    rows = [[s.id, s.name, *_figure_values(s.figures)] for s in report.by_section]
    rows.append(["", "全局", *_figure_values(f)])
    from sanlian.i18n.messages import render

    bottom = (
        [[], [render("note_sections_overlap", total="全局")]] if report.sections_overlap() else []
    )
    book.table(
        book.create("按科室"), headers, [[_text(v) for v in row] for row in rows], bottom=bottom
    )


def _by_cadre(book: _Book, cadres: Iterable[CadreRow]) -> None:
    cadre_headers = [
        "编号",
        "姓名",
        "科室",
        "政治面貌",
        "班子成员",
        "领导小组",
        "结对户",
        "联系企业",
        "走访次数",
        "最近走访",
        "调研报告",
        "参加活动",
        "负责问题",
        "其中已解决",
        "停用日期",  # left during the year: their records are in its totals
    ]
    cadre_rows = (
        [
            c.id,
            c.name,
            c.section,
            PARTY.get(c.party or "", c.party or ""),
            "是" if c.is_leader else "否",
            ROLE.get(c.role or "", c.role or ""),
            c.households_in_period,
            c.enterprises_in_period,
            c.visits,
            c.last_visit_on,
            c.research,
            c.activities,
            c.problems_owned,
            c.problems_resolved,
            c.retired_on,
        ]
        for c in cadres
    )
    book.table(book.create("按干部"), cadre_headers, cadre_rows)


def _problems(book: _Book, problems: Iterable[tuple[Any, ...]]) -> None:
    """The problem ledger from the fields of :class:`ProblemRow` as tuples."""
    problem_headers = [
        "编号",
        "提出日期",
        "对象类别",
        "对象",
        "问题类别",
        "问题",
        "矛盾纠纷",
        "责任人",
        "科室",
        "状态",
        "办理期限",
        "超期天数",
        "解决日期",
        "无法解决日期",
        "最近办理",
        "办理结果",
        "资金(元)",
        "措施",
    ]
    measure = MEASURE.get
    nothing = yuan(0)
    problem_rows = (
        [
            pid,
            raised_on,
            TARGET_KIND.get(kind, kind),
            label or target,  # a namesake told apart: 王秀英（和平社区）
            CATEGORIES.get(kind, {}).get(category, category),
            text,
            "是" if is_conflict else "否",
            owner or "",
            section or "",
            PROBLEM_STATUS.get(state, state),
            due_on,
            overdue_days,
            resolved_on,
            closed_on,
            last_step_on,
            how or "",
            yuan(amount_fen) if amount_fen else nothing,
            "、".join([measure(m, m) for m in measures]),
        ]
        for (
            pid,
            raised_on,
            kind,
            target,
            category,
            text,
            is_conflict,
            owner,
            section,
            _status,
            state,
            due_on,
            overdue_days,
            resolved_on,
            closed_on,
            last_step_on,
            how,
            amount_fen,
            measures,
            label,
        ) in problems
    )
    kinds = ["int", "date", *["text"] * 8, "date", "int", *["date"] * 3, "text", "money", "text"]
    book.table(book.create("问题台账"), problem_headers, problem_rows, ledger=True, kinds=kinds)


def _visits(book: _Book, visits: Iterable[tuple[Any, ...]]) -> None:
    """The visit ledger from the fields of :class:`VisitRow` as tuples."""
    visit_headers = [
        "编号",
        "日期",
        "对象类别",
        "对象",
        "形式",
        "走访干部",
        "人数",
        "联系卡",
        "民情日记",
        "备注",
    ]
    visit_rows = (
        [
            vid,
            visited_on,
            TARGET_KIND.get(kind, kind),
            target,
            VISIT_FORM.get(form, form),
            "、".join(cadres),
            len(cadres),
            cards,
            diary or "",
            note or "",
        ]
        for vid, visited_on, kind, target, form, cadres, cards, diary, note in visits
    )
    kinds = ["int", "date", "text", "text", "text", "text", "int", "int", "text", "text"]
    book.table(book.create("走访台账"), visit_headers, visit_rows, ledger=True, kinds=kinds)


# --- the visit ledger made by a second process ------------------------------------------------

AHEAD_MIN_ROWS = 100_000  # visits in the year before the visit ledger is made by a second process
AHEAD_ENV = "SANLIAN_XLSX_AHEAD_MIN_ROWS"  # test hook: that number (0: never)
AHEAD_EVERY = 20_000  # rows between two reports of how far it has come


@dataclass(frozen=True)
class Made:
    """What the second process made: each sheet (title, file, CRC-32 and size of its XML),
    and the ledgers that went on in further sheets (as ``_Book.continued``)."""

    parts: list[tuple[str, str, int, int]]
    continued: list[tuple[str, list[str], int]]


class VisitsAhead:
    """The visit ledger (走访台账), made by a forked process on the second core while this one
    counts the figures and writes the other sheets: at city scale it is half the workbook's
    time (a million visits, ≈ 7 s of 14).

    Only on SQLite in its usual journal (not WAL): there the command's read transaction,
    open before the fork, keeps every writer out until the command ends, so the child, on a
    connection of its own, reads the very state the figures count. The child reads, writes
    its sheets deflated into a private folder beside the workbook and says how far it has
    come through a pipe; it prints nothing, ignores Ctrl-C and leaves by ``os._exit``. If it
    fails (the disk full, killed, anything), the ledger is written here as before; however
    the command ends, the child is stopped and the folder removed (by the child itself if
    this process was killed). (A writer waiting for the lock does not stop the child: its
    read counts as this process's, under the lock held here; see ``engine.second_reader``.)"""

    def __init__(self, path: Path, location: Path, period: Period) -> None:
        import pickle
        import tempfile

        from sanlian.forking import fork_child

        self.period = period
        self._folder = Path(tempfile.mkdtemp(prefix=".sanlian-", dir=path.parent))

        def make(out: Any) -> None:
            _make_visits(location, period, self._folder, out, pickle.dump)

        try:
            pid, self._in = fork_child(make)
        except OSError:
            self._remove()
            raise
        self._pid: int | None = pid

    def result(
        self, period: Period, see: Callable[[Iterable[Any], str], Iterable[Any]]
    ) -> Made | None:
        """The sheets made, once the child has made them (its rows counted through ``see``
        meanwhile); ``None`` if it could not, or made them for another period."""
        import pickle

        def progress() -> Iterator[None]:
            while True:
                try:
                    frame = pickle.load(self._in)
                except Exception:  # noqa: BLE001  (the child died: EOF, a cut frame)
                    return
                if frame[0] == "rows":
                    yield from itertools.repeat(None, frame[1])
                else:
                    found.append(frame)
                    return

        found: list[Any] = []
        for _row in see(progress(), "走访台账"):
            pass
        self.stop()
        if period != self.period or not found or found[0][0] != "made":
            return None
        return Made(parts=found[0][1], continued=found[0][2])

    def stop(self) -> None:
        """Stop the child (a no-op once it has ended) and reap it."""
        from sanlian.forking import reap

        if self._pid is not None:
            pid, self._pid = self._pid, None
            reap(pid, self._in)

    def close(self) -> None:
        self.stop()
        self._remove()

    def _remove(self) -> None:
        import shutil

        shutil.rmtree(self._folder, ignore_errors=True)


def _make_visits(
    location: Path, period: Period, folder: Path, out: Any, dump: Callable[..., None]
) -> None:
    """The child's work: the visit ledger's sheets into ``folder``, its progress and then
    ``("made", parts, continued)`` (or ``("failed",)``) into ``out``; ``folder`` removed if
    ``out`` is broken (the parent killed, by SIGTERM or SIGKILL, before it could)."""
    import shutil

    from sanlian.forking import reader_session
    from sanlian.io.xlsx_stream import Parts
    from sanlian.reports.ledgers import iter_visit_rows

    def counted(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
        count = 0
        for row in rows:
            yield row
            count += 1
            if count == AHEAD_EVERY:
                dump(("rows", count), out)
                count = 0
        if count:
            dump(("rows", count), out)

    try:
        with reader_session(location) as session:
            book = _Book(None, out=Parts(folder))
            _visits(book, counted(iter_visit_rows(session, period, as_tuples=True)))
            parts = book.out.close()
        dump(("made", parts, book.continued), out)
    except BrokenPipeError:
        # the parent is gone (killed: it removes nothing): no sheet of personal data is left
        shutil.rmtree(folder, ignore_errors=True)
        raise
    except Exception:  # noqa: BLE001  (the parent writes the ledger itself)
        dump(("failed",), out)


@contextlib.contextmanager
def visits_ahead(
    path: Path | None, session: Session, period: Period | None
) -> Iterator[VisitsAhead | None]:
    """A ``VisitsAhead`` for the workbook ``path`` when it is worth one
    (``common.forked_reader``: SQLite, not WAL, a second core, at least ``AHEAD_MIN_ROWS``
    visits in ``period``); else ``None``. Closed however the block ends. (Started even when
    the other core is busy, unlike an import's checks: the two processes do the work of one,
    no row handed over, so sharing one core costs nothing measurable.)"""
    from sanlian.reports.common import forked_reader

    location = None
    if path is not None and period is not None:
        location = forked_reader(session, period, AHEAD_ENV, AHEAD_MIN_ROWS)
    if path is None or period is None or location is None:
        yield None
        return
    try:
        ahead = VisitsAhead(path, location, period)
    except OSError:
        yield None
        return
    try:
        yield ahead
    finally:
        ahead.close()
