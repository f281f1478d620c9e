"""自查报告.xlsx: the figures (汇总), by section (按科室), by cadre (按干部), the problem ledger
(问题台账) and the visit ledger (走访台账). Headers bold, columns sized, numbers as numbers,
dates as dates.

The 按干部 sheet counts like the figures: households and enterprises linked on any day of the
year, and of the problems raised in the year with the cadre as owner, those resolved.
"""

from __future__ import annotations

import datetime as dt
import itertools
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
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
from sanlian.reports.common import yuan

if TYPE_CHECKING:
    from sqlmodel import Session

    from sanlian.reports.figures import Figures, SelfCheck
    from sanlian.reports.ledgers import CadreRow, ProblemRow, VisitRow

DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "#,##0.00"
MAX_WIDTH = 60


def display_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, Decimal | float):
        return len(f"{value:,.2f}")
    text = str(value)
    return max(
        (
            sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
            for line in text.splitlines()
        ),
        default=0,
    )


SAMPLE_ROWS = 1000  # rows a column's width is measured on
MAX_ROWS = 1_048_576  # Excel's rows per sheet, the header included


class _Book:
    """A write-only workbook: every sheet streams its rows to disk as they come, so a ledger
    of a million rows takes little memory. Sheets are created in the order they are shown."""

    def __init__(self) -> None:
        from openpyxl import Workbook
        from openpyxl.styles import Alignment, Font

        self.wb = Workbook(write_only=True)
        self.bold = Font(bold=True)
        self.center = Alignment(horizontal="center", vertical="center")
        self.continued: list[tuple[str, list[str], int]] = []  # (ledger, its sheets, rows)

    def create(self, title: str) -> Any:
        return self.wb.create_sheet(title)

    def cell(self, ws: Any, value: Any, number_format: str | None = None, **style: Any) -> Any:
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(ws, value=value)
        if number_format is not None:
            cell.number_format = number_format
        for name, v in style.items():
            setattr(cell, name, v)
        return cell

    def header(
        self, ws: Any, headers: Sequence[str], widths: Sequence[int], top: Sequence[Any] = ()
    ) -> None:
        from openpyxl.utils import get_column_letter

        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = f"A{len(top) + 2}"
        for row in top:
            ws.append(row)
        ws.append([self.cell(ws, h, font=self.bold, alignment=self.center) for h in headers])

    def table(
        self,
        ws: Any,
        headers: Sequence[str],
        rows: Iterable[Sequence[Any]],
        *,
        top: Sequence[Any] = (),
        bottom: Sequence[Any] = (),
        ledger: bool = False,
    ) -> None:
        """A header row (bold, frozen) and the rows; columns sized on the header and the first
        rows; dates as dates, sums of money (Decimal) as #,##0.00. ``top``: rows above the
        header, ``bottom``: rows below the table (neither sized on). A ``ledger`` longer than a
        sheet holds goes on in sheets named …（续）, …（续2）…, each with the header again."""

        it = iter(rows)
        sample = [[_cell(v) for v in row] for _, row in zip(range(SAMPLE_ROWS), it, strict=False)]
        widths = [
            min(max([display_width(h)] + [display_width(r[i]) for r in sample]) + 2, MAX_WIDTH)
            for i, h in enumerate(headers)
        ]
        first = ws

        def line(values: list[Any]) -> list[Any]:
            out: list[Any] = []
            for v in values:
                if isinstance(v, dt.date):
                    out.append(self.cell(first, v, DATE_FORMAT))
                elif isinstance(v, Decimal):
                    out.append(self.cell(first, v, MONEY_FORMAT))
                else:
                    out.append(v)
            return out

        title = ws.title
        sheets = [title]
        self.header(ws, headers, widths, top)
        in_sheet = 1 + len(top)
        total = 0
        for row in itertools.chain(sample, ([_cell(v) for v in r] for r in it)):
            if ledger and in_sheet >= MAX_ROWS:
                ws = self.create(f"{title}（续{len(sheets) if len(sheets) > 1 else ''}）")
                sheets.append(ws.title)
                self.header(ws, headers, widths)
                in_sheet = 1
            ws.append(line(row))
            in_sheet += 1
            total += 1
        for extra in bottom:
            ws.append(extra)
        if len(sheets) > 1:
            self.continued.append((title, sheets, total))

    def note(self) -> list[str]:
        """What the first sheet says of ledgers continued on further sheets."""
        return [
            f"注：{title}共 {total:,} 行，超出 Excel 一张工作表的行数上限（{MAX_ROWS:,} 行），"
            f"其余接续写在{'、'.join(sheets[1:])}（表头相同）。"
            for title, sheets, total in self.continued
        ]

    def save(self, path: Path) -> None:
        sheets = list(self.wb._sheets)
        for title, names, _total in self.continued:  # right after the sheet they continue
            extra = [ws for ws in sheets if ws.title in names[1:]]
            sheets = [ws for ws in sheets if ws.title not in names[1:]]
            at = next(i for i, ws in enumerate(sheets) if ws.title == title) + 1
            sheets[at:at] = extra
        self.wb._sheets = sheets
        path.parent.mkdir(parents=True, exist_ok=True)
        self.wb.save(path)


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value
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


def write_selfcheck(path: Path, session: Session, report: SelfCheck) -> None:
    """The workbook of ``report``; the ledgers are read from ``session`` as they are written."""
    from sanlian.reports.ledgers import cadre_rows, iter_problem_rows, iter_visit_rows

    p = report.period
    book = _Book()
    first = book.create("汇总")  # written last: it says which ledgers go on in a second sheet
    _by_section(book, report)
    _by_cadre(book, cadre_rows(session, p))
    _problems(book, iter_problem_rows(session, p))
    _visits(book, iter_visit_rows(session, p))
    _summary(book, first, report)
    book.save(path)


def _summary(book: _Book, ws: Any, report: SelfCheck) -> None:
    from openpyxl.styles import Font

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
    title = book.cell(
        ws, f"{report.unit}{report.year}年“三联三解三促”活动自查统计", font=Font(bold=True, size=14)
    )
    period = f"统计期 {report.period.start.isoformat()} 至 {report.period.end.isoformat()}"
    book.table(
        ws,
        ["项目", "键", "数值"],
        summary,
        top=[[title], [period]],
        bottom=[[], *notes] if notes else (),
    )


def _by_section(book: _Book, report: SelfCheck) -> None:
    f = report.figures
    headers = ["编号", "科室", *_figure_headers()]
    rows = [[s.id, s.name, *_figure_values(s.figures)] for s in report.by_section]
    rows.append(["", "全局", *_figure_values(f)])
    book.table(book.create("按科室"), headers, rows)


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
    ]
    cadre_rows = (
        [
            c.id,
            c.name,
            c.section,
            PARTY.get(c.party or "", c.party or ""),
            c.is_leader,
            ROLE.get(c.role or "", c.role or ""),
            c.households_in_period,
            c.enterprises_in_period,
            c.visits,
            c.last_visit_on,
            c.research,
            c.activities,
            c.problems_owned,
            c.problems_resolved,
        ]
        for c in cadres
    )
    book.table(book.create("按干部"), cadre_headers, cadre_rows)


def _problems(book: _Book, problems: Iterable[ProblemRow]) -> None:
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
    problem_rows = (
        [
            p.id,
            p.raised_on,
            TARGET_KIND.get(p.target_kind, p.target_kind),
            p.target,
            CATEGORIES.get(p.target_kind, {}).get(p.category, p.category),
            p.text,
            p.is_conflict,
            p.owner or "",
            p.section or "",
            PROBLEM_STATUS.get(p.state, p.state),
            p.due_on,
            p.overdue_days,
            p.resolved_on,
            p.closed_on,
            p.last_step_on,
            p.how or "",
            yuan(p.amount_fen),
            [MEASURE.get(m, m) for m in p.measures],
        ]
        for p in problems
    )
    book.table(book.create("问题台账"), problem_headers, problem_rows, ledger=True)


def _visits(book: _Book, visits: Iterator[VisitRow]) -> None:
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
            v.id,
            v.visited_on,
            TARGET_KIND.get(v.target_kind, v.target_kind),
            v.target,
            VISIT_FORM.get(v.form, v.form),
            list(v.cadres),
            len(v.cadres),
            v.cards,
            v.diary or "",
            v.note or "",
        ]
        for v in visits
    )
    book.table(book.create("走访台账"), visit_headers, visit_rows, ledger=True)
