"""Export any table to .xlsx or .csv, and write blank import templates.

An export is written in the columns the importer reads, so that an export imported back
changes nothing. Its first column, 台账编号, is each record's number: imported back, a row is
matched to its record by it first, so that a row whose name, section or ID number was edited
updates that record instead of adding another (the columns that would tell it apart, ID and
phone numbers, are personal data: unless ``reveal`` they are left out altogether — never
written masked, since a masked number could not be imported back).

A reference to a record is written as a name that :func:`sanlian.services.refs.resolve` reads
back as that record, retired records included: the name; else ``姓名@科室`` (cadres),
``户主姓名@社区`` (households), ``名称@乡镇`` (communities) where that tells namesakes apart;
else ``#编号``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sanlian.errors import ImportFileError
from sanlian.services.importing import (
    CODE_TYPES,
    RECORD_HEADER,
    SENSITIVE_TYPES,
    Field,
    fields_for,
)

if TYPE_CHECKING:
    from sqlmodel import Session

REGISTRY = ("section", "cadre", "community", "enterprise", "household")

KIND_LABELS: dict[str, str] = {
    "section": "科室",
    "cadre": "干部",
    "community": "社区(村)",
    "enterprise": "企业",
    "household": "联系户",
}


@dataclass
class ExportTable:
    kind: str
    label: str
    headers: list[str]
    rows: Iterator[list[Any]]
    text_columns: set[int]
    hidden: tuple[str, ...]  # the labels of the sensitive columns left out
    private: bool = False  # sensitive columns written in full: the file is its owner's alone
    numbers_in_text: bool = False  # (after ``write_export``) a number written in free text

    @property
    def sheet_title(self) -> str:
        return self.label


def export_kinds() -> dict[str, str]:
    return dict(KIND_LABELS, **{k: v for k, (v, _f) in EXTRA_EXPORTS.items()})


def parse_kind(value: str, kinds: dict[str, str], key: str = "export_kind_unknown") -> str:
    """A kind typed as its ASCII key or Chinese label."""
    from sanlian.i18n.labels import KIND_WORDS

    text = value.strip()
    for kind, label in kinds.items():
        if text.lower() == kind or text == label or text == label.replace("(村)", ""):
            return kind
    if KIND_WORDS.get(text) in kinds:  # what the clerks call it: 走访, 活动, 村
        return KIND_WORDS[text]
    choices = "、".join(f"{k}（{v}）" for k, v in kinds.items())
    raise ImportFileError(key, kind=value, kinds=choices)


# How a record is told apart from its namesakes (``名称@限定``): the column holding the
# qualifier, and the kind of record it refers to (``None``: plain text, a township).
QUALIFIERS: dict[str, tuple[str, str | None]] = {
    "cadre": ("section_id", "section"),
    "household": ("community_id", "community"),
    "community": ("town", None),
}


def _stable(text: str) -> bool:
    """Whether ``text`` is read back as itself in a part of a reference: no ``@``, unchanged by
    the normalisation ``refs.resolve`` applies."""
    import unicodedata

    clean = unicodedata.normalize("NFKC", text).strip()
    return bool(clean) and clean == text and "@" not in text


def _plain(text: str) -> bool:
    """Whether ``text`` alone is read back as a name: stable, and not a number."""
    return _stable(text) and not text.lstrip("#").isdigit()


def _names_it(group: list[tuple[int, bool]], record_id: int) -> bool:
    """Whether a reference matching the records ``group`` ((id, active) pairs) resolves to
    ``record_id``: ``refs.resolve`` prefers the active ones, retired records included."""
    active = [rid for rid, is_active in group if is_active]
    pool = active or [rid for rid, _a in group]
    return pool == [record_id]


def ref_names(session: Session, kind: str) -> dict[int, str]:
    """Record id → how an export names it, so that ``refs.resolve(..., include_retired=True)``
    (and, for an active record, without it) reads back that very record: its name; else
    ``名称@限定`` where the qualifier tells namesakes apart; else ``#id``."""
    import re

    from sqlalchemy import select

    from sanlian.db.models import REGISTRY_MODELS

    model: Any = REGISTRY_MODELS[kind]
    column, parent = QUALIFIERS.get(kind, (None, None))
    columns = [model.id, model.name, model.retired_on.is_(None)]
    if column:
        columns.append(getattr(model, column))
    stmt = select(*columns).order_by(model.id)
    rows = [
        (int(r[0]), str(r[1]), bool(r[2]), r[3] if column else None) for r in session.execute(stmt)
    ]
    parents = ref_names(session, parent) if parent else {}
    by_name: dict[str, list[tuple[int, bool]]] = {}
    by_pair: dict[tuple[str, Any], list[tuple[int, bool]]] = {}
    for rid, name, active, qual in rows:
        compact = re.sub(r"\s+", "", name)  # ``refs.resolve`` matches the compact form too
        by_name.setdefault(compact, []).append((rid, active))
        by_pair.setdefault((compact, qual), []).append((rid, active))
    out: dict[int, str] = {}
    for rid, name, _active, qual in rows:
        compact = re.sub(r"\s+", "", name)
        if _plain(name) and _names_it(by_name[compact], rid):
            out[rid] = name
            continue
        text = parents.get(int(qual)) if parent and qual is not None else qual
        if (
            column
            and isinstance(text, str)
            and _stable(name)
            and (parent is not None or _stable(text))
            and _names_it(by_pair[(compact, qual)], rid)
        ):
            out[rid] = f"{name}@{text}"
            continue
        out[rid] = f"#{rid}"
    return out


def export_value(f: Field, value: Any, refs: dict[int, str] | None = None) -> Any:
    """A stored value as the importer reads it back."""
    if value is None:
        return None
    if f.type == "enum" and f.enum:
        return f.enum.get(value, value)
    if f.type == "bool":
        return "是" if value else "否"
    if f.type == "ref":
        return (refs or {}).get(value, f"#{value}")
    return value


def registry_table(session: Session, kind: str, *, reveal: bool) -> ExportTable:
    """Active records of a registry kind, one per row, in the importer's columns."""
    from sqlalchemy import select

    from sanlian.db.models import REGISTRY_MODELS

    fields = [f for f in fields_for(kind) if reveal or f.type not in SENSITIVE_TYPES]
    hidden = tuple(f.label for f in fields_for(kind) if f not in fields)
    model: Any = REGISTRY_MODELS[kind]
    table = model.__table__
    refs = {f.key: ref_names(session, f.ref) for f in fields if f.type == "ref" and f.ref}
    columns = [table.c[f.column] for f in fields]
    stmt = select(table.c.id, *columns).where(table.c.retired_on.is_(None)).order_by(table.c.id)

    def rows() -> Iterator[list[Any]]:
        for record_id, *values in session.execute(stmt):
            yield [record_id] + [
                export_value(f, value, refs.get(f.key))
                for f, value in zip(fields, values, strict=True)
            ]

    return ExportTable(
        kind=kind,
        label=KIND_LABELS[kind],
        headers=[RECORD_HEADER] + [f.label for f in fields],
        rows=rows(),
        text_columns={i + 1 for i, f in enumerate(fields) if f.type in CODE_TYPES},
        hidden=hidden,
        private=any(f.type in SENSITIVE_TYPES for f in fields),
    )


# --- the ledgers --------------------------------------------------------------------------


def _ledger_table(
    kind: str, label: str, headers: Sequence[str], rows: Iterator[list[Any]]
) -> ExportTable:
    """A ledger's table: the record's number (台账编号) first, then ``headers``."""
    return ExportTable(
        kind=kind,
        label=label,
        headers=[RECORD_HEADER, *headers],
        rows=rows,
        text_columns=set(),
        hidden=(),
    )


class _Names:
    """How an export names the records a ledger row refers to."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._cache: dict[str, dict[int, str]] = {}

    def __call__(self, kind: str, record_id: int | None) -> str | None:
        if record_id is None:
            return None
        if kind not in self._cache:
            self._cache[kind] = ref_names(self.session, kind)
        return self._cache[kind].get(record_id, f"#{record_id}")


def link_table(session: Session, *, reveal: bool, today: dt.date) -> ExportTable:
    """Every link, history included: one row per link (a many-to-one pair is several rows)."""
    from sanlian.i18n.labels import TARGET_KIND
    from sanlian.services import links
    from sanlian.services.importing import link_fields

    names = _Names(session)

    def rows() -> Iterator[list[Any]]:
        for r in links.iter_listing(session, as_of=today, active=False):
            kind = r["kind"]
            if kind == "community":
                who = [names("section", r["section_id"]) or links.BUREAU, None]
            else:
                who = [None, names("cadre", r["cadre_id"])]
            target_id = {
                "community": r["community_id"],
                "enterprise": r["enterprise_id"],
                "household": r["household_id"],
            }[kind]
            yield [
                r["id"],
                TARGET_KIND[kind],
                *who,
                names(kind, target_id),
                r["start_on"],
                r["end_on"],
                r["note"],
            ]

    return _ledger_table("link", "联系记录", [f.label for f in link_fields()], rows())


def visit_table(session: Session, *, reveal: bool, today: dt.date) -> ExportTable:
    from sanlian.i18n.labels import TARGET_KIND, VISIT_FORM
    from sanlian.services import visits
    from sanlian.services.importing import visit_fields

    names = _Names(session)

    def rows() -> Iterator[list[Any]]:
        for r in visits.iter_listing(session):  # as read: a million visits never all held
            yield [
                r["id"],
                r["visited_on"],
                "、".join(str(names("cadre", i)) for i in r["cadre_ids"]),
                TARGET_KIND[r["target_kind"]],
                names(r["target_kind"], r["target_id"]),
                VISIT_FORM.get(r["form"], r["form"]),
                r["cards"],
                r["diary"],
                r["note"],
            ]

    return _ledger_table("visit", "走访记录", [f.label for f in visit_fields()], rows())


def problem_table(session: Session, *, reveal: bool, today: dt.date) -> ExportTable:
    """Problems as raised (the importer's columns), then where each stands (for reading only)."""
    from sanlian.i18n.labels import CATEGORIES, PROBLEM_STATUS, TARGET_KIND
    from sanlian.services import problems
    from sanlian.services.importing import problem_fields

    names = _Names(session)
    extra = ["状态", "解决日期", "办结(无法解决)日期", "资金(元)"]

    def rows() -> Iterator[list[Any]]:
        for r in problems.iter_listing(session, as_of=today):  # as read, not all held
            kind = r["target_kind"]
            amount = r.get("amount")
            yield [
                r["id"],
                r["raised_on"],
                TARGET_KIND[kind],
                names(kind, r["target_id"]),
                CATEGORIES[kind].get(r["category"], r["category"]),
                r["text"],
                names("cadre", r["owner_id"]),
                r["due_on"],
                "是" if r["is_conflict"] else "否",
                r["visit_id"],
                PROBLEM_STATUS.get(r["status"], r["status"]),
                r["resolved_on"],
                r["closed_on"],
                amount,  # Decimal: a number in .xlsx, 1234.50 in .csv
            ]

    headers = [f.label for f in problem_fields()] + extra
    return _ledger_table("problem", "问题", headers, rows())


def research_table(session: Session, *, reveal: bool, today: dt.date) -> ExportTable:
    from sanlian.services import research
    from sanlian.services.importing import research_fields

    names = _Names(session)

    def rows() -> Iterator[list[Any]]:
        for r in research.listing(session):
            topic = research.TOPIC.get(r["topic"], r["topic"]) if r["topic"] else None
            yield [
                r["id"],
                names("cadre", r["cadre_id"]),
                r["title"],
                r["written_on"],
                topic,
                r["section"],
            ]

    headers = [f.label for f in research_fields()] + ["科室"]
    return _ledger_table("research", "调研报告", headers, rows())


def activity_table(session: Session, *, reveal: bool, today: dt.date) -> ExportTable:
    """Activities (export only: they are recorded one by one with ``activity add``)."""
    from sanlian.i18n.labels import ACTIVITY_KIND
    from sanlian.services import activities

    names = _Names(session)

    def rows() -> Iterator[list[Any]]:
        for r in activities.listing(session):
            partner = None
            if r["partner_kind"] is not None:
                partner = names(r["partner_kind"], r[f"{r['partner_kind']}_id"])
            yield [
                r["id"],
                r["held_on"],
                ACTIVITY_KIND.get(r["kind"], r["kind"]),
                r["title"],
                r["section"],
                partner,
                "、".join(str(names("cadre", i)) for i in r["cadre_ids"]),
                r.get("note"),
            ]

    headers = ["日期", "活动类别", "主题", "组织科室", "共建对象", "参加干部", "备注"]
    return _ledger_table("activity", "活动记录", headers, rows())


# kind → (Chinese label, function(session, reveal=..., today=...) → ExportTable)
EXTRA_EXPORTS: dict[str, tuple[str, Callable[..., ExportTable]]] = {
    "link": ("联系记录", link_table),
    "visit": ("走访记录", visit_table),
    "problem": ("问题", problem_table),
    "research": ("调研报告", research_table),
    "activity": ("活动记录", activity_table),
}


def export_table(session: Session, kind: str, *, reveal: bool, today: dt.date) -> ExportTable:
    if kind in REGISTRY:
        return registry_table(session, kind, reveal=reveal)
    return EXTRA_EXPORTS[kind][1](session, reveal=reveal, today=today)


def write_export(
    table: ExportTable, path: Path, *, fmt: str | None = None, written: dt.datetime | None = None
) -> int:
    """Write ``table`` to ``path`` (.xlsx or .csv, UTF-8 with BOM); return the number of rows.

    Free text is written as typed, to be edited and imported again: one that holds an ID or
    mobile number (``numbers_in_text``) makes the file its owner's alone from then on, as the
    number columns written in full make it from the start."""
    from sanlian.io.writers import open_writer
    from sanlian.services.validate import holds_number

    watch = not table.private
    with open_writer(
        path,
        table.headers,
        text_columns=table.text_columns,
        title=table.sheet_title,
        fmt=fmt,
        private=table.private,
        written=written,  # (before the ledger was read: a change since is after it)
    ) as writer:
        for row in table.rows:
            writer.write(row)
            if watch and any(type(v) is str and len(v) >= 11 and holds_number(v) for v in row):
                watch = False
                table.numbers_in_text = True
                writer.restrict()
        return writer.count


def default_name(label: str, suffix: str) -> str:
    return f"{label.replace('(', '').replace(')', '')}{suffix}"


# --- templates ------------------------------------------------------------------------------

MATCH_RULES = {
    "section": "按科室名称",
    "cadre": "按身份证号码，没有则按姓名和科室",
    "community": "按名称和乡镇(街道)",
    "enterprise": "按统一社会信用代码，没有则按企业名称",
    "household": "按身份证号码，没有则按户主姓名和所在社区(村)",
    "link": "按联系类型、联系双方和开始日期",
    "visit": "按走访日期、走访对象、走访干部和走访形式",
    "problem": "按对象、提出日期和问题内容",
    "research": "按撰写干部和题目",
}


def template_columns(kind: str) -> list[Any]:
    from sanlian.io.writers import TemplateColumn

    out = []
    for f in fields_for(kind):
        choices: Sequence[str] = ()
        if f.type == "enum" and f.enum:
            choices = list(f.enum.values())
        elif f.type == "bool":
            choices = ["是", "否"]
        out.append(
            TemplateColumn(
                header=f.label,
                required=f.required,
                example=f.example,
                help=f.help,
                choices=choices,
                aliases=[a for a in f.aliases if a != f.label],
                text=f.type in CODE_TYPES,
            )
        )
    return out


def template_notes(kind: str, label: str) -> str:
    rule = MATCH_RULES.get(kind, "按各列内容")
    return "\n".join(
        [
            "填写说明",
            "1. 第 1 行是表头，红色列名为必填；列名也可用“也可写作”中的写法，列的先后顺序不限。",
            "2. 第 2 行是示例，导入时自动跳过，可直接覆盖或删除。",
            "3. 表头上方可以有标题行（如“XX局干部花名册”），导入时会自动找到表头。",
            "4. 身份证号码、手机号码、信用代码列已设为“文本”格式；从别处粘贴时请用“选择性粘贴—数值”，"
            "以免 Excel 把 18 位号码变成 3.70102E+17。",
            "5. 空白单元格不会清除已登记的内容；重复导入同一文件不会重复登记"
            f"（{label}{rule}对应已有记录）。",
            f"6. 导入前可先试运行：sanlian {kind} import 文件.xlsx --dry-run ；"
            "有不合格的行时，加 --skip-bad 可只导入合格的行，不合格的行另存为“文件名.错误.xlsx”。",
            f"7. 用 sanlian export 导出的文件第一列是“{RECORD_HEADER}”（记录的编号，由导出生成）："
            "改过的行按它对应原记录，改名、调科室也不会重复登记；新增的行请留空，不要自己填写。"
            "本模板没有这一列，也无需添加。",
        ]
    )


def write_template(kind: str, path: Path) -> None:
    from sanlian.io.writers import write_template as write

    label = template_kinds()[kind]
    write(path, label, template_columns(kind), template_notes(kind, label))


def template_kinds() -> dict[str, str]:
    from sanlian.services.importing import IMPORTERS

    labels = export_kinds()
    return {k: labels.get(k, k) for k in IMPORTERS}
