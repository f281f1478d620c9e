"""自查报告.xlsx: the figures (汇总), by section (按科室), by cadre (按干部), the problem ledger
(问题台账) and the visit ledger (走访台账). Headers bold, columns sized, numbers as numbers,
dates as dates.

The 按干部 sheet counts like the figures: households and enterprises linked on any day of the
year, and of the problems raised in the year with the cadre as owner, those resolved.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
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
    from openpyxl.worksheet.worksheet import Worksheet

    from sanlian.reports.document import SelfCheckDetail
    from sanlian.reports.figures import Figures

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


def _sheet(
    ws: Worksheet,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    money_cols: Sequence[int] = (),
) -> None:
    """Write a header row (bold, frozen) and the rows; size every column to its content."""
    from openpyxl.styles import Alignment, Font

    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for row in rows:
        ws.append([_cell(v) for v in row])
    for col_idx in range(1, len(headers) + 1):
        letter = ws.cell(row=1, column=col_idx).column_letter
        for (cell,) in ws.iter_rows(min_row=2, min_col=col_idx, max_col=col_idx):
            if isinstance(cell.value, dt.date):
                cell.number_format = DATE_FORMAT
            elif col_idx - 1 in money_cols:
                cell.number_format = MONEY_FORMAT
        widths = [display_width(headers[col_idx - 1])] + [
            display_width(r[col_idx - 1]) for r in rows
        ]
        ws.column_dimensions[letter].width = min(max(widths) + 2, MAX_WIDTH)
    ws.freeze_panes = "A2"


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


def write_selfcheck(path: Path, detail: SelfCheckDetail) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from sanlian.reports.figures import FIGURE_LABELS

    report = detail.report
    f = report.figures
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "汇总"
    summary: list[list[Any]] = []
    for key, label in FIGURE_LABELS.items():
        if key == "measures":
            summary += [[m_label, f"measures.{m}", f.measures[m]] for m, m_label in MEASURE.items()]
        elif key == "funds_yuan":
            summary.append([label, key, f.funds_yuan])
        else:
            summary.append([label, key, f.value(key)])
    _sheet(ws, ["项目", "键", "数值"], summary)
    funds_row = [r[1] for r in summary].index("funds_yuan") + 2
    ws.cell(row=funds_row, column=3).number_format = MONEY_FORMAT
    ws.insert_rows(1, 2)
    ws["A1"] = f"{report.unit}{report.year}年“三联三解三促”活动自查统计"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = f"统计期 {report.period.start.isoformat()} 至 {report.period.end.isoformat()}"
    ws.freeze_panes = "A4"

    headers = ["编号", "科室", *_figure_headers()]
    money_col = headers.index("资金(元)")
    rows = [[s.id, s.name, *_figure_values(s.figures)] for s in report.by_section]
    rows.append(["", "全局", *_figure_values(f)])
    _sheet(wb.create_sheet("按科室"), headers, rows, money_cols=[money_col])

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
    cadre_rows = [
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
        for c in detail.cadres
    ]
    _sheet(wb.create_sheet("按干部"), cadre_headers, cadre_rows)

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
    problem_rows = [
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
        for p in detail.problems
    ]
    _sheet(
        wb.create_sheet("问题台账"),
        problem_headers,
        problem_rows,
        money_cols=[problem_headers.index("资金(元)")],
    )

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
    visit_rows = [
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
        for v in detail.visits
    ]
    _sheet(wb.create_sheet("走访台账"), visit_headers, visit_rows)

    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
