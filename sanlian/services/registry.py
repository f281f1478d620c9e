"""The registry: sections, cadres, communities, enterprises and households.

One table of field specifications drives add, edit, list, show, remove and (later) import, so
that a value is checked by the same rule wherever it comes from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sanlian.errors import RuleError, ValidationError
from sanlian.i18n import labels
from sanlian.services import refs, validate

if TYPE_CHECKING:
    from sqlmodel import Session


# How rosters often write an enumerated value, besides its label and key.
ENUM_WORDS: dict[str, dict[str, str]] = {
    "gender": {"男性": "male", "女性": "female"},
    "party": {
        "党员": "member",
        "共产党员": "member",
        "中国共产党党员": "member",
        "预备党员": "probationary",
        "中共预备": "probationary",
        "团员": "league",
        "共青团": "league",
        "中国共产主义青年团团员": "league",
    },
    "role": {"组员": "member", "领导小组成员": "member", "领导小组办公室": "office"},
    "kind": {  # a community's
        "居委会": "community",
        "社区居委会": "community",
        "居民委员会": "community",
        "行政村": "village",
        "村委会": "village",
        "村民委员会": "village",
    },
}


@dataclass(frozen=True)
class FieldSpec:
    key: str  # attribute and JSON key
    label: str  # the Chinese column header
    # text name enum bool int phone tel id_number uscc ref (tel: or landline); word: a text
    # that holds no phone or ID number (shown as written everywhere: a township, a trade)
    type: str = "text"
    enum: Mapping[str, str] | None = None
    ref: str | None = None  # kind referred to, for type "ref"
    required: bool = False
    limit: int = 200

    @property
    def column(self) -> str:
        return f"{self.key}_id" if self.type == "ref" else self.key


@dataclass(frozen=True)
class KindSpec:
    kind: str
    label: str
    fields: tuple[FieldSpec, ...]
    uses: tuple[tuple[str, str, str], ...] = field(default=())  # (table, column, label)

    def spec(self, key: str) -> FieldSpec:
        return next(f for f in self.fields if f.key == key)


NOTE = FieldSpec("note", "备注", limit=1000)
PHONE = FieldSpec("phone", "手机号码", "phone")
TEL = FieldSpec("phone", "联系电话", "tel")  # a contact's: a mobile or a fixed line

KINDS: dict[str, KindSpec] = {
    "section": KindSpec(
        "section",
        "科室",
        (FieldSpec("name", "科室名称", "name", required=True), NOTE),
        uses=(
            ("cadre", "section_id", "名干部"),
            ("link", "section_id", "条联系记录"),
            ("activity", "section_id", "次活动"),  # (the section that organised it)
        ),
    ),
    "cadre": KindSpec(
        "cadre",
        "干部",
        (
            FieldSpec("name", "姓名", "name", required=True),
            FieldSpec("section", "科室", "ref", ref="section", required=True),
            FieldSpec("gender", "性别", "enum", labels.GENDER),
            FieldSpec("title", "职务"),
            FieldSpec("party", "政治面貌", "enum", labels.PARTY),
            FieldSpec("is_leader", "领导班子成员", "bool"),
            FieldSpec("role", "领导小组职务", "enum", labels.ROLE),
            PHONE,
            FieldSpec("id_number", "身份证号码", "id_number"),
            NOTE,
        ),
        uses=(
            ("link", "cadre_id", "条联系记录"),
            ("visit_cadre", "cadre_id", "次走访"),
            ("problem", "owner_id", "个问题"),
            ("problem_step", "previous_owner_id", "次问题移交"),  # handed on: the past's
            ("activity_cadre", "cadre_id", "次活动"),
            ("research", "cadre_id", "篇调研报告"),
        ),
    ),
    "community": KindSpec(
        "community",
        "社区(村)",
        (
            FieldSpec("name", "名称", "name", required=True),
            FieldSpec("kind", "类别", "enum", labels.COMMUNITY_KIND),
            FieldSpec("town", "乡镇(街道)", "word"),
            FieldSpec("grid", "网格", "word"),
            FieldSpec("contact", "联系人"),
            TEL,
            NOTE,
        ),
        uses=(
            ("household", "community_id", "户联系户"),
            ("link", "community_id", "条联系记录"),
            ("visit", "community_id", "次走访"),
            ("problem", "community_id", "个问题"),
            ("activity", "community_id", "次活动"),
        ),
    ),
    "enterprise": KindSpec(
        "enterprise",
        "企业",
        (
            FieldSpec("name", "企业名称", "name", required=True),
            FieldSpec("uscc", "统一社会信用代码", "uscc"),
            FieldSpec("industry", "行业", "word"),
            FieldSpec("address", "地址"),
            FieldSpec("contact", "联系人"),
            TEL,
            NOTE,
        ),
        uses=(
            ("link", "enterprise_id", "条联系记录"),
            ("visit", "enterprise_id", "次走访"),
            ("problem", "enterprise_id", "个问题"),
            ("activity", "enterprise_id", "次活动"),
        ),
    ),
    "household": KindSpec(
        "household",
        "联系户",
        (
            FieldSpec("name", "户主姓名", "name", required=True),
            FieldSpec("community", "所在社区(村)", "ref", ref="community", required=True),
            TEL,  # a village household is often reached by its fixed line alone
            FieldSpec("id_number", "身份证号码", "id_number"),
            FieldSpec("members", "家庭人口", "int"),
            FieldSpec("needs", "需求", limit=1000),
            FieldSpec("address", "地址"),
            NOTE,
        ),
        uses=(
            ("link", "household_id", "条联系记录"),
            ("visit", "household_id", "次走访"),
            ("problem", "household_id", "个问题"),
        ),
    ),
}

_TRUE = {"1", "true", "yes", "y", "是", "√", "✓", "对"}
_FALSE = {"0", "false", "no", "n", "否", "", "×", "不是"}


def _bool(value: Any, label: str) -> bool:
    if isinstance(value, bool):
        return value
    text = validate.normalize(str(value)).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValidationError("enum_invalid", field=label, value=value, choices="是、否")


def clean_values(
    session: Session,
    kind: str,
    values: Mapping[str, Any],
    *,
    today: dt.date,
    notes: list[str] | None = None,
    current: Any = None,
    lookup_names: bool = True,
) -> dict[str, Any]:
    """Check each given value by its field's rule; return column → clean value.

    ``lookup_names``: a new name, or a rename of ``current``, is refused where a lookup would
    read it otherwise (``validate.lookup_name``); a name stored before that rule is kept.

    A value of ``None`` means "not given"; an empty string clears an optional field.
    """
    spec = KINDS[kind]
    out: dict[str, Any] = {}
    for f in spec.fields:
        if f.key not in values or values[f.key] is None:
            continue
        raw = values[f.key]
        empty = isinstance(raw, str) and not raw.strip()
        if empty and f.required:
            raise ValidationError("required", field=f.label)
        if empty:
            out[f.column] = False if f.type == "bool" else None
            continue
        if f.type == "name":
            out[f.column] = validate.name(raw, f.label)
            if lookup_names and (current is None or out[f.column] != current.name):
                validate.lookup_name(out[f.column], f.label, qualified=kind in refs.QUALIFIER)
        elif f.type in ("text", "word"):
            check = validate.word if f.type == "word" else validate.text
            out[f.column] = check(raw, f.label, limit=f.limit)
        elif f.type == "enum":
            assert f.enum is not None
            out[f.column] = labels.parse(dict(f.enum), str(raw), f.label, ENUM_WORDS.get(f.key))
        elif f.type == "bool":
            out[f.column] = _bool(raw, f.label)
        elif f.type == "int":
            out[f.column] = validate.integer(raw, f.label, minimum=1)
        elif f.type in ("phone", "tel"):
            out[f.column] = validate.phone(raw, f.label, landline=f.type == "tel")
        elif f.type == "uscc":
            out[f.column] = validate.uscc(raw, f.label)
        elif f.type == "id_number":
            pass  # below, once the gender is known
        elif f.type == "ref":
            assert f.ref is not None
            out[f.column] = refs.resolve(session, f.ref, raw).id
    id_spec = next((f for f in spec.fields if f.type == "id_number"), None)
    if id_spec is not None and values.get(id_spec.key) not in (None, ""):
        gender = out.get("gender", getattr(current, "gender", None) if current else None)
        number = validate.id_number(
            values[id_spec.key], id_spec.label, gender=gender, today=today, notes=notes
        )
        out["id_number"] = number
        if kind == "cadre" and number and not gender:
            out["gender"] = validate.gender_of_id(number)
    elif id_spec is not None and values.get(id_spec.key) == "":
        out["id_number"] = None
    elif kind == "cadre" and current is not None and "gender" in out and current.id_number:
        validate.id_number(
            current.id_number,
            id_spec.label if id_spec else "身份证号码",
            gender=out["gender"],
            today=today,
        )
    return out


def _duplicate(session: Session, kind: str, data: Mapping[str, Any], self_id: int | None) -> None:
    """Refuse a second record of the same thing."""
    from sqlalchemy import or_, select

    from sanlian.db.models import REGISTRY_MODELS
    from sanlian.i18n.messages import render

    model: Any = REGISTRY_MODELS[kind]
    label = KINDS[kind].label

    def clash(*conds: Any) -> Any:
        stmt = select(model).where(model.retired_on.is_(None), *conds)
        if self_id is not None:
            stmt = stmt.where(model.id != self_id)
        return session.execute(stmt.limit(1)).scalars().first()

    if data.get("id_number"):
        other = clash(model.id_number == data["id_number"])
        if other is not None:
            raise RuleError("duplicate_id_number", kind=label, name=other.name, id=other.id)
    if kind == "enterprise" and data.get("uscc"):
        other = clash(model.uscc == data["uscc"])
        if other is not None:
            raise RuleError("duplicate_uscc", name=other.name, id=other.id)
    # a number given anew (not one kept by an edit or a restore: an older ledger may hold a
    # record in use beside a retired one of its number, and must stay editable)
    current = session.get(model, self_id) if self_id is not None else None
    if current is None or any(
        data.get(k) != getattr(current, k, None) for k in ("id_number", "uscc") if k in data
    ):
        retired_same_number(session, kind, data, self_id)
    name_conds: list[Any] = [model.name == data["name"]]
    if kind == "cadre":
        name_conds.append(model.section_id == data["section_id"])
    elif kind == "community" and data.get("town"):
        # Two places of one name are told apart by their townships; one without a township
        # clashes with every namesake.
        name_conds.append(or_(model.town.is_(None), model.town == data["town"]))
    elif kind == "household":
        name_conds.append(model.community_id == data["community_id"])
    # Two people of one name in one place are told apart by their ID numbers.
    if kind in ("cadre", "household") and data.get("id_number"):
        name_conds.append(model.id_number.is_(None))
    other = clash(*name_conds)
    if other is None:
        return
    place = PLACE_COLUMN.get(kind)
    if self_id is not None and place is not None:
        current = session.get(model, self_id)
        if current is not None and current.name == data["name"]:  # moved, not renamed
            where: Any = session.get(
                REGISTRY_MODELS["section" if kind == "cadre" else "community"], data[place]
            )
            # the one (or two) of them without an ID number
            lacking = [other.id] if not other.id_number else []
            if not data.get("id_number"):
                lacking.append(self_id)
            if len(lacking) == 1:
                how = render("namesake_moved_one", lacking=lacking[0], command=kind)
            else:
                how = render("namesake_moved_both", id=other.id, self_id=self_id, command=kind)
            raise RuleError(
                "duplicate_name_moved",
                kind=label,
                name=data["name"],
                id=other.id,
                place=where.name if where is not None else "",
                how=how,
            )
    if self_id is None and kind in PLACE_COLUMN:  # a second person of that name, there
        if other.id_number:  # (then this one has none: else they would not clash)
            how = render("namesake_fill_this")
        else:
            key = "namesake_fill_other" if data.get("id_number") else "namesake_fill_both"
            how = render(key, id=other.id, command=kind)
        raise RuleError("duplicate_namesake", kind=label, name=data["name"], id=other.id, how=how)
    raise RuleError("duplicate_name", kind=label, name=data["name"], id=other.id)


def retired_same_number(
    session: Session, kind: str, data: Mapping[str, Any], self_id: int | None
) -> None:
    """Refuse the ID number (an enterprise's credit code) of a retired record on a record in
    use: the same person (enterprise) registered again, whom ``restore`` brings back with
    their history. A retired record edited is not refused (two retired records of one number,
    as older versions let be, are both named by ``db check``)."""
    from sqlalchemy import select

    from sanlian.db.models import REGISTRY_MODELS

    column = "uscc" if kind == "enterprise" else "id_number"
    if not data.get(column) or data.get("retired_on") is not None:
        return
    model: Any = REGISTRY_MODELS[kind]
    stmt = select(model).where(
        model.retired_on.is_not(None), model.__table__.c[column] == data[column]
    )
    if self_id is not None:
        stmt = stmt.where(model.id != self_id)
    other = session.execute(stmt.order_by(model.id).limit(1)).scalars().first()
    if other is not None:
        raise retired_number_error(kind, other)


def retired_number_error(kind: str, other: Any) -> RuleError:
    """The refusal of a retired record's ID number (credit code) given again: who it is, since
    when retired, and how to bring them back (``cadre add`` and ``cadre import`` say the same)."""
    day = other.retired_on
    return RuleError(
        "duplicate_uscc_retired" if kind == "enterprise" else "duplicate_id_number_retired",
        kind=KINDS[kind].label,
        name=other.name,
        id=other.id,
        day=f"{day.year}年{day.month}月{day.day}日",
        command=kind,
    )


def restore(session: Session, kind: str, ref: str) -> Any:
    """Bring a retired record back into use (a cadre transferred back, a household moved
    back): usable for new records again, counted on the roster. Its links, ended when it was
    retired, stay ended (the caller says to link it again)."""
    from sanlian.db.models import REGISTRY_MODELS

    record = refs.resolve(session, kind, ref, include_retired=True)
    label = KINDS[kind].label
    if record.retired_on is None:
        raise RuleError("restore_not_retired", kind=label, name=record.name, id=record.id)
    place = PLACE_COLUMN.get(kind)
    if place is not None:  # a cadre's section, a household's community: in use
        where_kind = "section" if kind == "cadre" else "community"
        where: Any = session.get(REGISTRY_MODELS[where_kind], getattr(record, place))
        if where is not None and where.retired_on is not None:
            raise RuleError(
                "restore_place_retired",
                kind=label,
                name=record.name,
                id=record.id,
                place_kind=KINDS[where_kind].label,
                place=where.name,
                place_command=where_kind,
                place_id=where.id,
                command=kind,
                option="--section" if kind == "cadre" else "--community",
            )
    merged = {c.name: getattr(record, c.name) for c in record.__table__.columns}
    merged["retired_on"] = None
    _duplicate(session, kind, merged, record.id)
    check_one_head(session, kind, merged, record.id)
    record.retired_on = None
    session.add(record)
    session.flush()
    return record


# the column that says where a record is: namesakes are told apart by it, and a move changes it
PLACE_COLUMN = {"cadre": "section_id", "household": "community_id"}


def check_one_head(
    session: Session, kind: str, data: Mapping[str, Any], self_id: int | None
) -> None:
    """The leading group has one head (组长): refuse a second one on the roster."""
    other = current_head(session, kind, data, self_id)
    if other is not None:
        raise RuleError("one_head", name=other[1], id=other[0])


def current_head(
    session: Session, kind: str, data: Mapping[str, Any], self_id: int | None
) -> tuple[int, str] | None:
    """(id, name) of the head on the roster other than ``self_id``, where ``data`` makes a
    cadre head; else ``None``."""
    from sqlalchemy import select

    from sanlian.db.models import Cadre

    if kind != "cadre" or data.get("role") != "head":
        return None
    cadre: Any = Cadre
    stmt = select(cadre.id, cadre.name).where(cadre.role == "head", cadre.retired_on.is_(None))
    if self_id is not None:
        stmt = stmt.where(cadre.id != self_id)
    row = session.execute(stmt.order_by(cadre.id).limit(1)).first()
    return (int(row[0]), str(row[1])) if row is not None else None


def community_kind(name: str) -> str:
    """A community's kind where none is given: a name that ends in 村 is a village."""
    return "village" if name.strip().endswith("村") else "community"


def add(
    session: Session,
    kind: str,
    values: Mapping[str, Any],
    *,
    today: dt.date,
    now: dt.datetime,
    notes: list[str] | None = None,
) -> Any:
    from sanlian.db.models import REGISTRY_MODELS

    data = clean_values(session, kind, values, today=today, notes=notes)
    if kind == "community" and data.get("kind") is None and isinstance(data.get("name"), str):
        data["kind"] = community_kind(data["name"])
    for f in KINDS[kind].fields:
        if f.required and data.get(f.column) is None:
            raise ValidationError("required", field=f.label)
    _duplicate(session, kind, data, None)
    check_one_head(session, kind, data, None)
    record: Any = REGISTRY_MODELS[kind](**data, created_at=now)
    session.add(record)
    session.flush()
    refs.set_keys(session, kind, record.id, record.name)
    if notes is not None:
        _retired_namesake_note(session, kind, record, notes)
    return record


def _retired_namesake_note(session: Session, kind: str, record: Any, notes: list[str]) -> None:
    """A note when a retired record of the same name stands in the same place (a cadre of
    the section, a household of the community): perhaps the same person come back, whom
    ``restore`` brings back with their history — not a refusal (namesakes exist)."""
    from sqlalchemy import select

    from sanlian.i18n.messages import render
    from sanlian.reports.common import zh_date

    place = PLACE_COLUMN.get(kind)
    if place is None:
        return
    model = type(record)
    found = (
        session.execute(
            select(model)
            .where(
                model.retired_on.is_not(None),
                model.name == record.name,
                getattr(model, place) == getattr(record, place),
                model.id != record.id,
            )
            .order_by(model.id.desc())
            .limit(1)
        )
        .scalars()
        .first()
    )
    if found is not None:
        notes.append(
            render(
                "retired_namesake",
                place="科室" if kind == "cadre" else "社区(村)",
                back="调回" if kind == "cadre" else "搬回",
                kind=KINDS[kind].label,
                name=found.name,
                id=found.id,
                day=zh_date(found.retired_on),
                new=record.id,
                command=kind,
            )
        )


def edit(
    session: Session,
    kind: str,
    ref: str,
    values: Mapping[str, Any],
    *,
    today: dt.date,
    notes: list[str] | None = None,
) -> Any:
    record = refs.resolve(session, kind, ref, include_retired=True)
    data = clean_values(session, kind, values, today=today, notes=notes, current=record)
    if not data:
        raise ValidationError("nothing_to_edit")
    if record.retired_on is not None and notes is not None:
        from sanlian.i18n.messages import render

        label = KINDS[kind].label
        day = record.retired_on.isoformat()
        notes.append(render("edit_retired", kind=label, name=record.name, id=record.id, day=day))
    merged = {c.name: getattr(record, c.name) for c in record.__table__.columns}
    renamed = "name" in data and data["name"] != merged["name"]
    merged.update(data)
    _duplicate(session, kind, merged, record.id)
    if "role" in data:
        check_one_head(session, kind, merged, record.id)
    if kind == "cadre" and record.is_leader and data.get("is_leader") is False:
        check_no_enterprises(session, record, today)
    moved = PLACE_COLUMN.get(kind)
    if moved is not None and moved in data and data[moved] != getattr(record, moved):
        check_pairs_covered(session, kind, record, data[moved], today)
        if kind == "cadre" and notes is not None:
            notes.extend(moved_records_note(session, record, data[moved]))
    for column, value in data.items():
        setattr(record, column, value)
    session.add(record)
    session.flush()
    if renamed:  # the same name again leaves its search keys as they are
        refs.set_keys(session, kind, record.id, record.name)
    return record


def moved_records_note(session: Session, cadre: Any, section_id: int) -> list[str]:
    """A cadre moved to another section takes their records with them: the per-section
    figures count a pair, an enterprise link, a visit, a problem, an activity or a report under
    its cadre's section as it is now, also in reports of days before the move. Said, with what
    moves, when there is any (``cadre edit`` and ``cadre import``)."""
    from sqlalchemy import text

    from sanlian.i18n.messages import render

    counts = session.execute(
        text(
            "SELECT (SELECT count(DISTINCT household_id) FROM link WHERE cadre_id = :id"
            "  AND kind = 'household' AND section_id IS NULL),"
            " (SELECT count(DISTINCT enterprise_id) FROM link WHERE cadre_id = :id"
            "  AND kind = 'enterprise' AND section_id IS NULL),"
            " (SELECT count(*) FROM visit_cadre WHERE cadre_id = :id),"
            " (SELECT count(*) FROM problem WHERE owner_id = :id),"
            " (SELECT count(*) FROM activity_cadre WHERE cadre_id = :id),"
            " (SELECT count(*) FROM research WHERE cadre_id = :id),"
            " (SELECT name FROM section WHERE id = :old), (SELECT name FROM section WHERE id = :new)"
        ),
        {"id": cadre.id, "old": cadre.section_id, "new": section_id},
    ).one()
    kinds = (
        ("结对户", "户"),
        ("联系企业", "家"),
        ("走访", "次"),
        ("负责问题", "件"),
        ("参加活动", "次"),
        ("调研报告", "篇"),
    )
    parts = [f"{what} {n} {unit}" for n, (what, unit) in zip(counts[:6], kinds, strict=True) if n]
    if not parts:
        return []
    return [
        render(
            "note_cadre_moved", name=cadre.name, what="、".join(parts), old=counts[6], new=counts[7]
        )
    ]


def check_no_enterprises(session: Session, cadre: Any, today: dt.date) -> None:
    """A leadership member who still links enterprises stays one: 领导班子联系企业 (link
    enterprise refuses anyone else, and ``db check`` flags such a link)."""
    from sqlmodel import col, select

    from sanlian.db.models import Enterprise, Link
    from sanlian.services.links import open_from

    current = session.exec(
        select(Link.id, Enterprise.name)
        .join(Enterprise, col(Enterprise.id) == col(Link.enterprise_id))
        .where(col(Link.kind) == "enterprise", col(Link.cadre_id) == cadre.id, open_from(today))
        .order_by(col(Link.id))
    ).all()
    if current:
        raise RuleError(
            "cadre_unleader_linked",
            name=cadre.name,
            id=cadre.id,
            count=len(current),
            names="、".join(f"{name}（联系编号 {link_id}）" for link_id, name in current),
            first=current[0][0],
        )


def check_pairs_covered(
    session: Session, kind: str, record: Any, moved_to: int | None, today: dt.date
) -> None:
    """A cadre moving to another section (a household to another community) keeps each of its
    running pairs (结对) only where the household's community is linked to the cadre's section
    or the bureau, as ``link household`` requires and ``db check`` checks."""
    from sqlalchemy import literal
    from sqlalchemy import select as sql_select
    from sqlmodel import col, select

    from sanlian.db.models import Cadre, Community, Household, Link
    from sanlian.services.links import first_uncovered, open_from

    after = today + dt.timedelta(days=1)  # a pair ended today may stay as it was
    section: Any = literal(moved_to) if kind == "cadre" else col(Cadre.section_id)
    community: Any = literal(moved_to) if kind == "household" else col(Household.community_id)
    mine = col(Link.cadre_id) if kind == "cadre" else col(Link.household_id)
    running = session.execute(  # (sqlalchemy's select: sqlmodel's takes at most 4 columns)
        sql_select(
            col(Link.id),
            col(Cadre.name),
            col(Household.name),
            col(Community.name),
            col(Link.start_on),
            col(Link.end_on),
            section,
            community,
        )
        .join(Cadre, col(Cadre.id) == col(Link.cadre_id))
        .join(Household, col(Household.id) == col(Link.household_id))
        .join(Community, col(Community.id) == community)
        .where(col(Link.kind) == "household", mine == record.id, open_from(after))
        .order_by(col(Link.id))
    ).all()
    units = session.exec(  # the community links from tomorrow on, of the communities needed
        select(
            col(Link.start_on), col(Link.end_on), col(Link.section_id), col(Link.community_id)
        ).where(
            col(Link.kind) == "community",
            col(Link.community_id).in_({r[7] for r in running}),
            open_from(after),
        )
    ).all()
    # each running pair, covered from tomorrow (or its first day) to its last day by links of
    # its household's community with the cadre's section or the bureau, once moved
    pairs = [
        (i, c, h, m)
        for i, c, h, m, first, last, unit_section, unit_community in running
        if first_uncovered(
            [
                (s, e)
                for s, e, sec, com in units
                if com == unit_community and (sec is None or sec == unit_section)
            ],
            max(first, after),
            last,
        )
        is not None
    ]
    if not pairs:
        return
    if kind == "cadre":
        target = _section_label(session, moved_to)
        listing = "、".join(f"“{h}”（{m}，联系编号 {i}）" for i, _c, h, m in pairs)
        raise RuleError(
            "cadre_move_pairs",
            name=record.name,
            id=record.id,
            section=target,
            pairs=listing,
            first=pairs[0][0],
            community=pairs[0][3],
            community_ref=_first_community_ref(session, pairs[0][0]),
        )
    target = pairs[0][3]
    listing = "、".join(f"{c}（联系编号 {i}）" for i, c, _h, _m in pairs)
    raise RuleError(
        "household_move_pairs",
        name=record.name,
        id=record.id,
        community=target,
        pairs=listing,
        first=pairs[0][0],
    )


def _first_community_ref(session: Session, link_id: int | None) -> str:
    """How ``link community --community`` names the community of a pair's household."""
    from sanlian.db.models import Community, Household, Link

    link = session.get(Link, link_id)
    household = session.get(Household, link.household_id) if link is not None else None
    community = session.get(Community, household.community_id) if household is not None else None
    return refs.typed(session, "community", community) if community is not None else ""


def _section_label(session: Session, section_id: int | None) -> str:
    from sanlian.db.models import Section

    section = session.get(Section, section_id) if section_id is not None else None
    return section.name if section is not None else str(section_id)


def uses(session: Session, kind: str, record_id: int) -> list[tuple[str, int, str]]:
    """What still refers to the record: (table, count, what) triples."""
    from sqlalchemy import column, func, select, table

    found = []
    for tab, col, what in KINDS[kind].uses:
        stmt = select(func.count()).select_from(table(tab)).where(column(col) == record_id)
        count = session.execute(stmt).scalar_one()
        if count:
            found.append((tab, count, what))
    return found


def free_text_of(kind: str) -> list[str]:
    """The free-text fields of a registry kind's records (``validate.FREE_TEXT_FIELDS``)."""
    from sanlian.db.models import REGISTRY_MODELS

    table: Any = REGISTRY_MODELS[kind].__table__  # type: ignore[attr-defined]
    return sorted(validate.FREE_TEXT_FIELDS & set(table.c.keys()))


# each kind's dated records: the SQL of the latest day the record took part in one (``:id``
# the record's), and what the refusal of an earlier leaving day calls it
_DATED_USES: dict[str, tuple[tuple[str, str], ...]] = {
    "section": (
        ("SELECT max(start_on) FROM link WHERE section_id = :id", "联系开始"),
        ("SELECT max(end_on) FROM link WHERE section_id = :id AND end_on <= :today", "联系结束"),
        ("SELECT max(held_on) FROM activity WHERE section_id = :id", "组织活动"),
    ),
    "cadre": (
        ("SELECT max(start_on) FROM link WHERE cadre_id = :id", "联系开始"),
        ("SELECT max(end_on) FROM link WHERE cadre_id = :id AND end_on <= :today", "联系结束"),
        (
            "SELECT max(v.visited_on) FROM visit v JOIN visit_cadre c ON c.visit_id = v.id"
            " WHERE c.cadre_id = :id",
            "走访",
        ),
        ("SELECT max(raised_on) FROM problem WHERE owner_id = :id", "由其负责的问题提出"),
        ("SELECT max(step_on) FROM problem_step WHERE owner_id = :id", "问题移交给其"),
        (  # the steps of a problem it owns (one handed over since is the new owner's)
            "SELECT max(s.step_on) FROM problem_step s JOIN problem p ON p.id = s.problem_id"
            " WHERE p.owner_id = :id",
            "由其负责的问题办理",
        ),
        ("SELECT max(step_on) FROM problem_step WHERE previous_owner_id = :id", "其问题移交他人"),
        (
            "SELECT max(a.held_on) FROM activity a JOIN activity_cadre c ON c.activity_id = a.id"
            " WHERE c.cadre_id = :id",
            "参加活动",
        ),
        ("SELECT max(written_on) FROM research WHERE cadre_id = :id", "调研报告"),
    ),
    **{
        kind: (
            (f"SELECT max(start_on) FROM link WHERE {kind}_id = :id", "联系开始"),
            (
                f"SELECT max(end_on) FROM link WHERE {kind}_id = :id AND end_on <= :today",
                "联系结束",
            ),
            (f"SELECT max(visited_on) FROM visit WHERE {kind}_id = :id", "走访"),
            (f"SELECT max(raised_on) FROM problem WHERE {kind}_id = :id", "问题提出"),
            (
                "SELECT max(s.step_on) FROM problem_step s JOIN problem p ON p.id = s.problem_id"
                f" WHERE p.{kind}_id = :id",
                "问题办理",
            ),
            *(
                ((f"SELECT max(held_on) FROM activity WHERE {kind}_id = :id", "活动"),)
                if kind != "household"
                else ()
            ),
        )
        for kind in ("community", "enterprise", "household")
    },
}


# what may be dated on the leaving day itself: the day its problems were handed to others
_ON_THE_LEAVING_DAY = frozenset({"其问题移交他人"})


def _leaving_day(
    session: Session, kind: str, record: Any, day: dt.date, today: dt.date
) -> tuple[dt.date, str | None]:
    """The first day the record is off the roster for a retirement on ``day`` (``remove
    --force [--date]``), and a note when it is not ``day``. Nothing of the record may be dated
    on or after that day (a visit, a link that starts or runs on…), but the handing over of
    its problems, which is done that day. A retirement today of a record used today takes
    effect tomorrow (it is on the roster for today's work: the note says so); any other day
    with a use on or after it is refused."""
    from sqlalchemy import text

    latest: tuple[dt.date, str, dt.date] | None = None  # (day of the use, its name, first free)
    for sql, what in _DATED_USES[kind]:
        # (an end set after today, as an old import took it, is no use of a day to come: the
        # retirement brings it forward)
        value = session.execute(text(sql), {"id": record.id, "today": today}).scalar()
        if value is None:
            continue
        found = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
        free = found if what in _ON_THE_LEAVING_DAY else found + dt.timedelta(days=1)
        if free > day and (latest is None or free > latest[2]):
            latest = (found, what, free)
    if latest is None:
        return day, None
    found, what, free = latest
    tomorrow = today + dt.timedelta(days=1)
    params = {"kind": KINDS[kind].label, "name": record.name, "id": record.id, "what": what}
    if day == today and free == tomorrow:
        from sanlian.i18n.messages import render

        return free, render(
            "retire_from_tomorrow", today=today.isoformat(), first=free.isoformat(), **params
        )
    raise RuleError(
        # a day before a use of today: retiring today (no --date) leaves it on for today
        "retire_before_use_today" if free == tomorrow else "retire_before_use",
        **params,
        day=day.isoformat(),
        last=found.isoformat(),
        first=free.isoformat(),
    )


def remove(
    session: Session,
    kind: str,
    ref: str,
    *,
    force: bool,
    today: dt.date,
    notes: list[str] | None = None,
    purge: bool = False,
    day: dt.date | None = None,
) -> tuple[Any, bool]:
    """Delete the record, or with ``force`` retire it (history kept). Returns (record, retired).
    A record given a ``day`` is retired on it, referred to or not (the clerk says when it
    left: it is kept, not deleted).

    ``purge`` first erases the personal fields (``journal.PERSONAL_FIELDS``: a cadre's, a household's,
    a community's or an enterprise's contact person's)
    and implies ``force``; the caller erases them from the journal too (``journal.scrub``).

    A retirement takes effect on ``day`` (default ``today``): off the roster from then, its
    links ending then; a past day is refused if anything of the record is dated after it.
    Retiring a cadre who still owns open problems adds a note naming them, so that they are
    handed to someone else.
    """
    from sqlalchemy import delete, update
    from sqlmodel import col, select

    from sanlian.db.models import Link, SearchKey

    record = refs.resolve(session, kind, ref, include_retired=True)
    spec = KINDS[kind]
    found = uses(session, kind, record.id)
    if purge:  # erase the person's personal fields first; the record is then retired or deleted
        from sanlian.db.journal import PERSONAL_FIELDS

        if kind not in PERSONAL_FIELDS:
            raise RuleError("purge_kind", kind=spec.label)
        for name in PERSONAL_FIELDS[kind]:
            setattr(record, name, None)
        for name in free_text_of(kind):  # a number written in its note, its needs
            value = getattr(record, name)
            if isinstance(value, str):
                setattr(record, name, validate.erase_numbers(value))
        session.add(record)
        session.flush()
        if (found or day is not None) and record.retired_on is not None:
            return record, True  # retired before (kept so): nothing more to do
    if not found and day is None:  # (a day given: "left on that day", kept as such)
        keys: Any = SearchKey.__table__  # type: ignore[attr-defined]
        session.execute(delete(keys).where(refs.keys_where(keys, kind, keys.c.ref_id == record.id)))
        session.delete(record)
        session.flush()
        return record, False
    if found and not force and not purge:
        listing = "、".join(f"{n} {what}" for _t, n, what in found)
        raise RuleError(
            "remove_referenced", kind=spec.label, name=record.name, id=record.id, uses=listing
        )
    if record.retired_on is not None:
        raise RuleError(
            "already_retired" if found else "already_retired_unused",
            kind=spec.label,
            name=record.name,
            id=record.id,
            day=record.retired_on.isoformat(),
        )
    leaving = today if day is None else day
    if leaving != today:
        from sanlian.services.visits import check_not_future

        check_not_future(leaving, "停用日期（--date）", today)
    leaving, shifted = _leaving_day(session, kind, record, leaving, today)
    if shifted is not None and notes is not None:
        notes.append(shifted)
    record.retired_on = leaving  # the first day off the roster: its links end the day before
    session.add(record)
    last_day = leaving - dt.timedelta(days=1)
    link_col = {
        "section": Link.section_id,
        "cadre": Link.cadre_id,
        "community": Link.community_id,
        "enterprise": Link.enterprise_id,
        "household": Link.household_id,
    }[kind]
    from sanlian.services.links import open_from

    ending = session.exec(  # a section's or a community's links with communities
        select(Link).where(link_col == record.id, col(Link.kind) == "community", open_from(leaving))
    ).all()
    from sqlalchemy import case

    paired = (  # the households a cadre's running pairs are with
        session.exec(
            select(Link.household_id).where(
                link_col == record.id, col(Link.kind) == "household", open_from(leaving)
            )
        ).all()
        if kind == "cadre"
        else []
    )
    start = col(Link.start_on)
    session.execute(  # the links running, or set to end after the last day, end on it
        update(Link)
        .where(link_col == record.id, open_from(leaving))
        .values(end_on=case((start > last_day, start), else_=last_day))  # (one begun that day)
    )
    session.flush()
    _no_pairs_left(session, spec.label, record.name, ending, last_day)
    if kind in ("cadre", "community", "enterprise", "household") and notes is not None:
        on = None if leaving >= today else leaving  # (tomorrow: handed over today)
        notes.extend(_open_problems_note(session, record, on, kind))
        notes.extend(_unpaired_note(session, record, [h for h in paired if h], leaving, today))
    if kind == "section" and notes is not None:
        notes.extend(_section_cadres_note(session, record))
    return record, True


def _unpaired_note(
    session: Session, cadre: Any, households: Sequence[int], leaving: dt.date, today: dt.date
) -> list[str]:
    """The households a departing cadre was paired with that no other cadre's pair carries on
    from ``leaving``: to be paired with someone else (结对帮扶 is one-to-one or many-to-one)."""
    if not households:
        return []
    from sqlmodel import col, select

    from sanlian.db.models import Household, Link
    from sanlian.i18n.messages import render
    from sanlian.services.links import open_from

    still = set(
        session.exec(
            select(Link.household_id).where(
                col(Link.kind) == "household",
                col(Link.household_id).in_(households),
                open_from(leaving),
            )
        ).all()
    )
    left = [h for h in dict.fromkeys(households) if h not in still]
    if not left:
        return []
    names = session.exec(
        select(Household.id, Household.name).where(col(Household.id).in_(left))
    ).all()
    shown = sorted(names)
    return [
        render(
            "note_households_unpaired",
            name=cadre.name,
            count=len(shown),
            households="、".join(f"“{n}”" for _i, n in shown[:10])
            + ("等" if len(shown) > 10 else ""),
            first=shown[0][0],
            date=min(leaving, today).isoformat(),  # (no pair may start after today)
        )
    ]


def _no_pairs_left(
    session: Session, label: str, name: str, ended: Sequence[Any], today: dt.date
) -> None:
    """The community links a retirement ended (``ended``) leave no pair (结对) running on
    uncovered, as ``link end`` would not (``links.check_no_pairs_left``, which reads their
    ids and the units they join, not their end): else refused, and the caller's transaction
    rolled back."""
    from sanlian.services.links import check_no_pairs_left

    for link in ended:
        try:
            check_no_pairs_left(session, link, today)
        except RuleError as exc:
            raise RuleError("remove_pairs_left", kind=label, name=name, **exc.params) from None


def _section_cadres_note(session: Session, section: Any) -> list[str]:
    from sqlalchemy import func, select

    from sanlian.db.models import Cadre
    from sanlian.i18n.messages import render

    table: Any = Cadre.__table__  # type: ignore[attr-defined]
    count = session.execute(
        select(func.count()).where(table.c.section_id == section.id, table.c.retired_on.is_(None))
    ).scalar_one()
    if not count:
        return []
    return [render("note_section_cadres", name=section.name, count=count)]


def _open_problems_note(
    session: Session, record: Any, leaving: dt.date | None, kind: str = "cadre"
) -> list[str]:
    """The open problems a retired cadre owns (to be handed to someone else), or a retired
    community's, enterprise's or household's own (to be finished or closed)."""
    from sqlalchemy import select

    from sanlian.db.models import Problem
    from sanlian.i18n.messages import render

    table: Any = Problem.__table__  # type: ignore[attr-defined]
    column = table.c.owner_id if kind == "cadre" else table.c[f"{kind}_id"]
    ids = list(
        session.execute(
            select(table.c.id)
            .where(column == record.id, table.c.status.in_(("pending", "in_progress")))
            .order_by(table.c.id)
        ).scalars()
    )
    if not ids:
        return []
    return [
        render(
            "note_open_problems" if kind == "cadre" else "note_open_problems_of",
            name=record.name,
            kind=KINDS[kind].label,
            count=len(ids),
            ids="、".join(str(i) for i in ids),
            first=ids[0],
            on="" if leaving is None else f" --date {leaving.isoformat()}",
        )
    ]


def listing(
    session: Session, kind: str, *, limit: int | None = None, **filters: Any
) -> list[dict[str, Any]]:
    """Records as dicts of stored values (plus the names of what they refer to), by number;
    the first ``limit`` of them when given. ``filters``: those of ``_listing_stmt``."""
    stmt = _listing_stmt(session, kind, **filters)
    stmt = stmt.order_by(stmt.selected_columns["id"])
    if limit is not None:
        stmt = stmt.limit(limit)
    return [dict(row._mapping) for row in session.execute(stmt)]


def listing_count(session: Session, kind: str, **filters: Any) -> int:
    """How many records ``listing`` gives for ``filters`` (all of them, whatever its limit)."""
    from sqlalchemy import func, select

    inner = _listing_stmt(session, kind, **filters).subquery()
    return int(session.execute(select(func.count()).select_from(inner)).scalar_one())


def _listing_stmt(
    session: Session,
    kind: str,
    *,
    include_retired: bool = False,
    section: str | None = None,
    community: str | None = None,
    leaders_only: bool = False,
    record_id: int | None = None,
) -> Any:
    """The statement of ``listing``: the records of ``kind`` (active ones unless
    ``include_retired``), of a section or community, leaders only, or one by number."""
    from sqlalchemy import select
    from sqlmodel import col

    from sanlian.db.models import REGISTRY_MODELS, Community, Section

    model: Any = REGISTRY_MODELS[kind]
    columns = [c for c in model.__table__.columns if c.name not in ("created_at",)]
    stmt: Any
    if kind == "cadre":
        stmt = select(*columns, col(Section.name).label("section")).join(
            Section, Section.id == model.section_id
        )
        if section:
            stmt = stmt.where(
                model.section_id
                == refs.resolve(session, "section", section, include_retired=True).id
            )
        if leaders_only:
            stmt = stmt.where(model.is_leader.is_(True))
    elif kind == "household":
        stmt = select(*columns, col(Community.name).label("community")).join(
            Community, Community.id == model.community_id
        )
        if community:
            stmt = stmt.where(
                model.community_id
                == refs.resolve(session, "community", community, include_retired=True).id
            )
    else:
        stmt = select(*columns)
    if not include_retired:
        stmt = stmt.where(model.retired_on.is_(None))
    if record_id is not None:
        stmt = stmt.where(model.id == record_id)
    return stmt


def show(session: Session, kind: str, ref: str) -> dict[str, Any]:
    record = refs.resolve(session, kind, ref, include_retired=True)
    row = listing(session, kind, include_retired=True, record_id=record.id)[0]
    row["uses"] = {tab: n for tab, n, _w in uses(session, kind, record.id)}
    return row
