"""Word documents: the self-inspection report (自查报告) and the briefing (简报), python-docx.

The self-inspection report follows the form the implementation opinions ask for: a title,
一、基本情况 (the figures in sentences and a table), 二、主要做法和成效 (the three phases and
the mobilisation and summary on record, then one paragraph per eight-ones item with its figures and concrete resolved problems), 三、存在的问题 (what
``supervise`` finds) and 四、下一步打算 (left to the clerk, a marked placeholder). Every figure in
it is the JSON figure of ``selfcheck -f json``; the sentences are built here from those values.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sanlian.i18n.labels import EIGHT_ONES, MEASURE
from sanlian.io import XML_ILLEGAL
from sanlian.reports.common import OFFICE, md_date, zh_date


def _xml_safe(text: Any) -> str:
    """``text`` without what XML cannot hold (python-docx refuses it)."""
    return XML_ILLEGAL.sub("", str(text))


if TYPE_CHECKING:
    from docx.document import Document as DocumentObject
    from docx.text.paragraph import Paragraph

    from sanlian.reports.brief import Brief
    from sanlian.reports.document import SelfCheckDetail
    from sanlian.reports.figures import Figures
    from sanlian.reports.ledgers import ActivityRecord

PLACEHOLDER = "【请填写下一步打算】"
BODY_FONT = "仿宋"
TITLE_FONT = "宋体"
HEADING_FONT = "黑体"
ORDINALS = "一二三四五六七八九十"


def ordinal(n: int) -> str:
    """``n`` (from 1) in Chinese numerals as a report counts its points: 一 … 十, 十一 … 十九,
    二十, 二十一 … (supervise's kinds number 16)."""
    if n <= 10:
        return ORDINALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "十" if tens == 1 else ORDINALS[tens - 1] + "十"
    return head + (ORDINALS[ones - 1] if ones else "")


# --- the text -------------------------------------------------------------------------------


def _measures_text(f: Figures) -> str:
    parts = [f"{label}{f.measures[key]}次" for key, label in MEASURE.items() if f.measures[key]]
    return "、".join(parts)


def _span(detail: SelfCheckDetail) -> str:
    """ "全年" once the year is over; before that the counts are so far (截至 the date)."""
    r = detail.report
    return "全年" if r.as_of >= dt.date(r.year, 12, 31) else "共"


PHASE_STEPS = (  # (activity kind, what the report says was done, what it is) by the seed's phases
    (
        "动员部署阶段",
        (
            ("plan", "制定实施方案", "实施方案"),
            ("organize", "成立活动领导小组及其办公室", "成立领导小组"),
            ("mobilize", "召开动员部署会议", "动员部署会议"),
        ),
    ),
    ("总结阶段", (("summary", "开展全面总结", ""),)),
)


def phase_paragraph(detail: SelfCheckDetail) -> str:
    """The three phases (三、活动步骤及时间安排) and what of the first and last is on record."""
    acts = detail.activities
    parts = []
    for phase, steps in PHASE_STEPS:
        pieces = []
        missing = []
        for kind, done, noun in steps:
            first = next((a for a in acts if a.kind == kind), None)
            if first is None:
                if noun:  # (a summary not yet held is no gap before the year's end)
                    missing.append(noun)
                continue
            people = f"（{first.people}名干部参加）" if first.people else ""
            pieces.append(f"{md_date(first.held_on)}{done}{people}")
        if missing:
            pieces.append("、".join(missing) + "尚无记录")
        if pieces:
            parts.append(f"{phase}，" + "，".join(pieces))
    text = (
        "活动按照实施意见分动员部署、组织实施、总结三个阶段推进，组织实施阶段以“八个一”活动为载体"
    )
    return text + ("；" + "；".join(parts) if parts else "") + "。"


def basic_paragraphs(detail: SelfCheckDetail) -> list[str]:
    """一、基本情况: the figures in sentences — a part that is none is left out (no "无法解决0件"
    or "交流体会0次"), and a whole sentence says so where all of it is none."""
    r = detail.report
    f = r.figures
    measures = _measures_text(f)
    span = _span(detail)
    whom = [
        text
        for text, n in (
            (f"走访社区(村){f.visits_community}次", f.visits_community),
            (f"企业{f.visits_enterprise}次", f.visits_enterprise),
            (f"联系户{f.visits_household}次", f.visits_household),
        )
        if n
    ]
    visits = (
        f"{span}开展走访{f.visits}次、{f.visit_person_times}人次"
        + (f"（其中{'、'.join(whom)}）" if whom else "")
        + _nonzero(
            (f"发放联系卡{f.contact_cards}张", f.contact_cards),
            (f"记民情日记{f.diaries}篇", f.diaries),
        )
        + "。"
        if f.visits
        else "尚无走访记录。"
    )
    problems = (
        f"收集群众和企业反映的问题{f.problems_raised}件"
        + _nonzero(
            (f"已解决{f.problems_resolved}件", f.problems_resolved),
            (f"无法解决{f.problems_unresolvable}件", f.problems_unresolvable),
            (f"尚未办结{f.problems_open}件", f.problems_open),
        )
        + (f"（其中超期{f.problems_overdue}件）" if f.problems_open and f.problems_overdue else "")
        + _carried_over(f)
        if f.problems_raised or f.problems_resolved or f.problems_unresolvable or f.problems_open
        else "尚未收集到群众和企业反映的问题"
    )
    if f.conflicts_raised or f.conflicts_resolved:
        problems += f"；排查矛盾纠纷{f.conflicts_raised}件，已化解{f.conflicts_resolved}件"
    if f.funds_yuan:
        problems += f"。为群众和企业落实资金{f.funds_yuan:.2f}元" + (
            f"，{measures}" if measures else ""
        )
    elif measures:
        problems += f"。{measures}"
    research = (
        f"撰写调研报告{f.research_reports}篇"
        + (f"，{_research_writers(f)}" if f.cadres_total else "")
        if f.research_reports
        else "尚无干部撰写调研报告"
    )
    org_life = f"共同过组织生活{f.org_life_sessions}次" + (
        f"（其中七一前{f.org_life_before_july}次）"
        if f.org_life_before_july
        else "（七一前未开展）"
    )
    activities = _nonzero(
        (f"开展群众观念专题教育{f.education_sessions}次", f.education_sessions),
        (org_life, f.org_life_sessions),
        (f"文明行动进社区{f.civility_actions}次", f.civility_actions),
        (f"交流体会{f.exchanges}次", f.exchanges),
        (f"建立长效机制{f.mechanisms}项", f.mechanisms),
        (f"干部参加活动{f.activity_person_times}人次", f.activity_person_times),
    ).lstrip("，")
    eight = (
        f"“八个一”活动已完成{f.eight_ones_done}项"
        if f.eight_ones_done
        else "“八个一”活动尚无已完成的项目"
    )
    return [
        f"{r.year}年，{r.unit}按照“三联三解三促”活动实施意见的部署，组织机关党员干部走进社区(村)、"
        f"走进企业、走进群众。截至{zh_date(r.as_of)}，全局在册干部{f.cadres_total}名，其中党员"
        f"{f.party_members}名，参与活动干部{f.cadres_participating}名；各科室联系社区(村)"
        f"{f.communities_linked}个，领导班子成员联系企业{f.enterprises_linked}家，党员干部与"
        f"{f.households_paired}户群众结成帮扶对子。",
        visits,
        problems + "。",
        research + (f"；{activities}" if activities else "；各项活动尚未开展") + f"。{eight}。",
    ]


def _nonzero(*parts: tuple[str, int]) -> str:
    """The ``(text, n)`` of ``parts`` whose ``n`` is not none, each after a ``，``."""
    return "".join(f"，{text}" for text, n in parts if n)


def _research_writers(f: Any) -> str:
    """Which cadres on the roster wrote a report. ``research_reports`` counts every report of
    the year, a removed cadre's too, while ``cadres_with_research`` counts only cadres still on
    the roster: "2名干部撰写调研报告3篇" would have one of the two write two."""
    written, total = f.cadres_with_research, f.cadres_total
    if not written:
        return f"在册干部{total}名均尚未撰写"
    if written == total:
        return f"在册干部{total}名均已撰写"
    return f"在册干部{total}名中已有{written}名撰写"


def _carried_over(f: Any) -> str:
    """What the problems' sentence adds when the problems resolved, found unresolvable or
    still open include some raised before the year (``earlier_counted``): read as shares of
    the year's problems, 3 raised, 2 resolved and 2 open would not add up."""
    if not f.earlier_counted:
        return ""
    return "，已解决、无法解决和尚未办结的含以前年度提出的问题"


def _listed(records: Sequence[ActivityRecord], kind: str, count: int, limit: int = 3) -> str:
    """The activities of ``kind`` after their count: ``：`` and all of them, or ``，如`` the
    first ``limit`` and ``等`` where there are more (``其中七一前9次：6月19日…`` listed three of
    ten as if they were all)."""
    listed = _activities_text(records, kind, limit)
    if not listed:
        return "。"
    shown = min(limit, sum(1 for a in records if a.kind == kind))
    return f"，如{listed}等。" if count > shown else f"：{listed}。"


def _activities_text(records: Sequence[ActivityRecord], kind: str, limit: int = 3) -> str:
    mine = [a for a in records if a.kind == kind][:limit]
    parts = []
    for a in mine:
        what = f"《{a.title}》" if a.title else ""
        partner = f"与{a.partner}" if a.partner else ""
        people = f"（{a.people}名干部参加）" if a.people else ""
        parts.append(f"{md_date(a.held_on)}{partner}{what}{people}")
    return "；".join(parts)


def _interview_text(f: Figures) -> str:
    """（三）: the visits as they were recorded — whom they went to, and the cards and diaries
    only where there are some (no form of visit the ledger does not show, no "0 张")."""
    whom = [
        f"{label}{n}次"
        for label, n in (
            ("社区(村)", f.visits_community),
            ("企业", f.visits_enterprise),
            ("联系户", f.visits_household),
        )
        if n
    ]
    extra = ([f"发放联系卡{f.contact_cards}张"] if f.contact_cards else []) + (
        [f"记民情日记{f.diaries}篇"] if f.diaries else []
    )
    return (
        f"干部联系社区(村)、企业和群众走访{f.visits}次、{f.visit_person_times}人次"
        + (f"（其中{'、'.join(whom)}）" if len(whom) > 1 else "")
        + "，了解社情民意"
        + "".join(f"，{e}" for e in extra)
        + "。"
    )


def _names(detail: SelfCheckDetail, kinds: Sequence[str], limit: int = 10) -> str:
    names = [a.actor for a in detail.supervision.alerts if a.kind in kinds]
    text = "、".join(names[:limit])
    return text + ("等" if len(names) > limit else "")


def practice_paragraphs(detail: SelfCheckDetail) -> list[tuple[str, str]]:
    """二、主要做法和成效: (the item's heading, its paragraph) for each of the eight ones."""
    from sanlian.reports.brief import example_text

    r = detail.report
    f = r.figures
    done = f.eight_ones
    acts = detail.activities
    out: list[tuple[str, str]] = []

    def examples(rows: Sequence[Any]) -> str:
        if not rows:
            return ""
        circled = "①②③④⑤"
        # as the report writes numbers: no blank between them and Chinese (落实资金500.00元)
        return "如：" + "".join(
            f"{circled[i]}{_SPACED.sub('', example_text(p))}" for i, p in enumerate(rows)
        )

    def activity_item(key: str, count: int, noun: str, unit: str) -> str:
        if not count:
            return "该项尚未开展，须抓紧组织。"
        return f"{_span(detail)}{noun}{count}{unit}" + _listed(acts, key, count)

    texts = {
        "education": activity_item("education", f.education_sessions, "开展群众观念专题教育", "次"),
        "org_life": (
            # the sessions listed are any of the year's: the share before 1 July said after
            f"与联系社区(村)、企业共同过组织生活{f.org_life_sessions}次"
            + _listed(acts, "org_life", f.org_life_sessions)
            + (
                f"其中七一前{f.org_life_before_july}次。"
                if f.org_life_before_july
                else "七一前未开展。"
            )
            if f.org_life_sessions
            else "尚未与联系社区(村)、企业共同过组织生活。该项尚未开展，须抓紧组织。"
        ),
        "interview": (
            _interview_text(f) if f.visits else "尚无走访记录。该项尚未开展，须抓紧组织。"
        ),
        "research": (
            (
                f"干部共撰写调研报告{f.research_reports}篇"
                + (f"，{_research_writers(f)}" if f.cadres_total else "，目前无在册干部")
                if f.research_reports
                else f"尚无干部撰写调研报告（在册干部{f.cadres_total}名）"
            )
            + (
                "，如" + "、".join(f"{a}《{t}》" for a, t in detail.research) + "。"
                if detail.research
                else "。"
            )
            + (
                ""
                if done["research"] or not f.cadres_total  # no cadre on the roster: none owes one
                else (
                    f"尚未撰写的干部：{_names(detail, ('research_due', 'research_warn'))}。"
                    if _names(detail, ("research_due", "research_warn"))
                    else ""  # (who has not: the sentence before said how many have)
                )
            )
        ),
        "civility": activity_item("civility", f.civility_actions, "组织文明行动进社区", "次"),
        "practical": (
            # the measures named are the ones taken (送…), never a stock list of four
            (f"通过{_measures_text(f)}，" if _measures_text(f) else "")
            + f"为联系对象解决实际问题{f.problems_resolved}件"
            + (f"，落实资金{f.funds_yuan:.2f}元。" if f.funds_yuan else "。")
            + examples(detail.practical_examples)
            if f.problems_resolved
            else "尚无解决的问题。该项尚未完成，须抓紧办理。"
        ),
        "conflict": (
            (
                f"帮助联系社区(村)、企业排查矛盾纠纷{f.conflicts_raised}件，"
                + (f"化解{f.conflicts_resolved}件。" if f.conflicts_resolved else "尚未化解。")
                if f.conflicts_raised
                else f"化解以前年度排查的矛盾纠纷{f.conflicts_resolved}件。"
            )
            + examples(detail.conflict_examples)
            if f.conflicts_raised or f.conflicts_resolved
            else "尚未排查出矛盾纠纷。"
        ),
        "mechanism": activity_item("mechanism", f.mechanisms, "建立长效机制", "项"),
    }
    for i, (key, label) in enumerate(EIGHT_ONES.items()):
        out.append((f"（{ORDINALS[i]}）{label}。", texts[key]))
    return out


_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# a space the terminal's sentences put between Chinese and a number (``问题 36 超期 214 天``),
# which a printed Chinese report does without
_SPACED = re.compile(r"(?<=[^\x00-\x7f]) +(?=[^\x00-\x7f]|[0-9])|(?<=[0-9]) +(?=[^\x00-\x7f])")
# what a report says instead of the command ``supervise`` shows the clerk (no command, no
# instruction to the office: the report is read by those above it)
REPORT_TEXT = {
    "section_no_community": "和局机关都没有联系社区(村)，科室干部无法结对帮扶",
    "org_life_missed": "七一前未与联系社区(村)或企业共同过组织生活",
}
# a sentence that begins with a thing of whom it concerns (李娜的联系户王家…, 李娜的帮扶对子…):
# the rest say what the person (or section) has not done (李娜已30天没有走访)
OWNED = ("联系户", "联系企业", "联系社区", "帮扶对子")
# the office's own items, a handful (all of them listed): not households it took over
CHECKLIST_KINDS = {"phase_item", "phase_item_soon", "eight_one", "org_life_missed", "org_life_soon"}
SECTION_KINDS = {"section_no_community", "household_unpaired"}  # actor: a section, not a cadre
NAMES_LISTED = 10  # people named in one paragraph of 三、存在的问题 before "等 N 名"


def report_sentence(text: str, year: int) -> str:
    """A ``supervise`` sentence as a printed report writes it: its dates in Chinese (the
    month and day in the report's year) and no space between Chinese and a number."""

    def day(found: re.Match[str]) -> str:
        d = dt.date(int(found[1]), int(found[2]), int(found[3]))
        return md_date(d) if d.year == year else zh_date(d)

    return _SPACED.sub("", _ISO_DAY.sub(day, text))


def _problem_sentence(alert: Any) -> str:
    """A late or quiet problem as a report says it: whose it is, what, how late or quiet (no
    ledger number, no ``问题 5 …：…`` of the terminal's line)."""
    from sanlian.i18n.messages import render

    subject, due, late, quiet, left = alert.problem
    if alert.kind == "problem_no_owner":
        return f"{subject}的责任人{left}已停用，尚待改派" if left else f"{subject}尚未指定责任人"
    if alert.kind == "stale":
        said = f"{subject}已{quiet}天无进展" + (f"（已超期{late}天）" if late else "")
    else:
        said = f"{subject}超期{late}天（{due}到期）" + (f"，已{quiet}天无进展" if quiet else "")
    if alert.actor == render("sv_no_owner"):
        return f"{said}，尚未指定责任人"
    return f"{alert.actor}负责的{said}"


def problem_paragraphs(detail: SelfCheckDetail, per_kind: int = 5) -> list[str]:
    """三、存在的问题: what ``supervise`` finds, one paragraph per kind, most urgent first.

    Where every alert of a kind says the same of a different person (尚未撰写调研报告), the
    paragraph says it once, of the people named (up to ``NAMES_LISTED``, then 等 N 名); else
    the first ``per_kind`` alerts, each with whom it concerns (all of them where the office
    is to act: a handful of checklist items)."""
    from sanlian.reports.supervise import KINDS

    # not that the report itself is not yet written (it is being written)
    alerts = [a for a in detail.supervision.alerts if a.item != "selfcheck"]
    if not alerts:
        return ["经自查，暂未发现需要督促的问题。"]
    year = detail.report.year
    by_kind: dict[str, list[Any]] = {}
    for a in alerts:
        by_kind.setdefault(a.kind, []).append(a)
    out = []
    for i, (kind, items) in enumerate(by_kind.items()):
        texts = [REPORT_TEXT.get(kind, a.text) for a in items]
        head = ordinal(i + 1)
        people = [a.actor for a in items if a.actor != OFFICE]
        common = _said_by_all(texts, year) if len(people) == len(items) > 1 else None
        # the office's checklist items, a handful: all of them; problems: the most urgent
        shown = len(items) if all(a.kind in CHECKLIST_KINDS for a in items) else per_kind
        if common is not None:
            named = "、".join(people[:NAMES_LISTED])
            if len(people) > NAMES_LISTED:
                named += f"等{len(people)}{'个科室' if kind in SECTION_KINDS else '名干部'}"
            said = (
                f"{named}{'的' if common.startswith(OWNED) else ''}{common.removesuffix(ARRANGE)}"
            )
        else:  # only the sentences shown are written out (a city has ≈ 57,000 red cards)
            lines = [alert_sentence(a, year) for a in items[:shown]]
            said = "；".join(lines)
            if len(items) > shown:  # a sentence of its own, not read as part of the last one
                said += f"。此类共{len(items)}项，以上为最急的{shown}项"
        label = KINDS[kind][1]
        label = "“八个一”" if label == "八个一" else label
        out.append(f"{head}是{label}方面：{said}。")
    return out


def alert_sentence(alert: Any, year: int) -> str:
    """A ``supervise`` alert as a printed report says it: a problem's by ``_problem_sentence``;
    the office's own items as they are (an eight-ones item without the terminal's record of
    it, ``0/5名干部已撰写，共0篇``: the report's figures tell it); else who, then what (李娜已
    30天没有走访, 李娜的联系户王家…) — no ``李娜：…`` after a heading's colon."""
    if alert.problem is not None:
        return report_sentence(_problem_sentence(alert), year)
    text = REPORT_TEXT.get(alert.kind, alert.text).removesuffix(ARRANGE)
    if alert.actor == OFFICE:
        return report_sentence(text.split("：", 1)[0] if alert.kind == "eight_one" else text, year)
    joined = "的" if text.startswith(OWNED) else ""
    return f"{alert.actor}{joined}{report_sentence(text, year)}"


ARRANGE = (
    "，须另行安排干部结对"  # the office's instruction ending a household's alert (not printed)
)


def _said_by_all(texts: Sequence[str], year: int) -> str | None:
    """The one sentence all of ``texts`` say as a report writes them, or ``None`` when they
    say different things (each different text written out until two sentences differ)."""
    first = None
    for text in dict.fromkeys(texts):
        said = report_sentence(text, year)
        if first is None:
            first = said
        elif said != first:
            return None
    return first


# --- the document ---------------------------------------------------------------------------


def _font(run: Any, name: str, size: float, *, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = RGBColor(0, 0, 0)
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _new_document() -> DocumentObject:
    from docx import Document
    from docx.shared import Mm

    doc = Document()
    for section in doc.sections:
        # A4, as Chinese offices print (python-docx's blank document is US Letter), with the
        # margins of official documents (GB/T 9704)
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = Mm(37)
        section.bottom_margin = Mm(35)
        section.left_margin = Mm(28)
        section.right_margin = Mm(26)
    return doc


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _title(doc: DocumentObject, text: str, *, author: str, subject: str, day: dt.date) -> None:
    """The document's title: a paragraph in Word's Title style (so the navigation pane and an
    outline see it) and the file's own title property, with its author, subject and date."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = doc.add_heading(level=0)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(_xml_safe(text)), TITLE_FONT, 20, bold=True)
    # the default template's Title style draws a blue rule under it: not on an official paper
    style = p.style._element if p.style is not None else None
    for border in style.findall(f"{{{W}}}pPr/{{{W}}}pBdr") if style is not None else ():
        border.getparent().remove(border)
    props = doc.core_properties
    props.title = _xml_safe(text)
    props.subject = _xml_safe(subject)
    props.author = _xml_safe(author)
    props.last_modified_by = _xml_safe(author)
    props.comments = ""
    props.revision = 1
    props.created = props.modified = dt.datetime.combine(day, dt.time(8, 0))


def _heading(doc: DocumentObject, text: str) -> None:
    p = doc.add_heading(level=1)
    _font(p.add_run(_xml_safe(text)), HEADING_FONT, 16)


def _body(doc: DocumentObject, text: str, *, lead: str | None = None) -> Paragraph:
    from docx.shared import Pt

    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(32)
    p.paragraph_format.line_spacing = Pt(28)
    if lead:
        _font(p.add_run(_xml_safe(lead)), BODY_FONT, 16, bold=True)
    _font(p.add_run(_xml_safe(text)), BODY_FONT, 16)
    return p


def _table(doc: DocumentObject, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(_xml_safe(str(text))), BODY_FONT, 12, bold=True)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(_xml_safe(str(value))), BODY_FONT, 12)


def _signature(doc: DocumentObject, who: str, day: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc.add_paragraph()
    for text in (who, zh_date(day)):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _font(p.add_run(_xml_safe(text)), BODY_FONT, 16)


def selfcheck_title(detail: SelfCheckDetail) -> str:
    return detail.report.title("自查报告")


def write_selfcheck(path: Path, detail: SelfCheckDetail) -> None:
    from docx.enum.text import WD_COLOR_INDEX

    from sanlian.reports.figures import FIGURE_LABELS

    r = detail.report
    f = r.figures
    doc = _new_document()
    office = f"{r.unit}“三联三解三促”活动领导小组办公室"
    _title(doc, selfcheck_title(detail), author=office, subject="自查报告", day=r.as_of)

    _heading(doc, "一、基本情况")
    for text in basic_paragraphs(detail):
        _body(doc, text)
    rows: list[list[Any]] = []
    for key, label in FIGURE_LABELS.items():
        if key == "measures":
            rows += [[m_label, f.measures[m]] for m, m_label in MEASURE.items()]
        else:
            rows.append([label, f.value(key)])
    _table(doc, ["项目", "数值"], rows)
    if r.by_section:
        keys = [
            ("cadres_total", "在册干部"),
            ("households_paired", "结对户"),
            ("visits", "走访次数"),
            ("visit_person_times", "走访人次"),
            ("problems_raised", "收集问题"),
            ("problems_resolved", "已解决"),
            ("research_reports", "调研报告"),
            ("eight_ones_done", "八个一"),
        ]
        doc.add_paragraph()
        _table(
            doc,
            ["科室", *(label for _, label in keys)],
            [[s.name, *(s.figures.value(k) for k, _ in keys)] for s in r.by_section],
        )
        if r.sections_overlap(k for k, _ in keys):
            from sanlian.i18n.messages import render

            _body(doc, render("note_sections_overlap", total="全局"))

    _heading(doc, "二、主要做法和成效")
    _body(doc, phase_paragraph(detail))
    for lead, text in practice_paragraphs(detail):
        _body(doc, text, lead=lead)
    if f.exchanges:
        _body(doc, f"此外，组织干部交流参与活动的经验体会{f.exchanges}次。")

    _heading(doc, "三、存在的问题")
    for text in problem_paragraphs(detail):
        _body(doc, text)

    _heading(doc, "四、下一步打算")
    p = _body(doc, PLACEHOLDER)
    for run in p.runs:
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW

    _signature(doc, office, r.as_of)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))


def write_brief(path: Path, brief: Brief) -> None:
    b = brief
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = _new_document()
    office = f"{b.unit}“三联三解三促”活动领导小组办公室"
    _title(doc, b.title, author=office, subject=f"简报 第 {b.no} 期", day=b.issued_on)
    line = doc.add_paragraph()
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(
        line.add_run(_xml_safe(f"第 {b.no} 期    {office}    {zh_date(b.issued_on)}")),
        BODY_FONT,
        14,
    )
    _body(doc, b.periods_line(spaced=False))
    _heading(doc, "一、本期工作情况")
    _table(
        doc,
        ["项目", "本期", "上期", "增减", "年度累计"],
        [
            [row["label"], row["current"], row["previous"], row["change"], row["year_to_date"]]
            for row in b.rows()
        ],
    )
    if b.withdrawn_text:
        _body(doc, b.withdrawn_text)
    _heading(doc, "二、为民办实事")
    if b.highlights:
        for i, text in enumerate(b.highlight_texts(), 1):
            _body(doc, f"{i}. {text}")
    else:
        _body(doc, "本期没有办结的问题。")
    # ``supervise``'s sentences, as a printed report writes them
    _heading(doc, "三、需要抓紧的工作")
    year = b.period.end.year
    _body(doc, report_sentence(b.lag_summary, year))
    for a in b.lags:  # whose, what, how late: no ledger number, no command
        office = f"{OFFICE}：" if a.actor == OFFICE and a.problem is None else ""
        _body(doc, f"【{a.level_text}】{office}{alert_sentence(a, year)}")
    if b.omitted:
        _body(doc, report_sentence(b.omitted_sentence(command=False), year))
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
