"""References (REF): how a clerk names a record in a command.

Accepted: the number shown in listings; the exact name; full pinyin or initials (a polyphonic
character in each reading names use: ``pinyin.NAME_READINGS``); for cadres ``姓名@科室``. Two or more matches is an error that
lists the candidates with their numbers.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import TYPE_CHECKING, Any

from sanlian.errors import AmbiguousError, NotFoundError, ValidationError

if TYPE_CHECKING:
    from sqlmodel import Session

KIND_LABEL = {
    "section": "科室",
    "cadre": "干部",
    "community": "社区(村)",
    "enterprise": "企业",
    "household": "联系户",
}


def _model(kind: str) -> Any:
    from sanlian.db.models import REGISTRY_MODELS

    return REGISTRY_MODELS[kind]


def keys_where(keys: Any, kind: str, ids: Any) -> Any:
    """Where the search keys of the records of ``kind`` that ``ids`` (a condition on
    ``keys.c.ref_id``) names are: the kind compared through ``coalesce``, so that SQLite
    reads them through the ``ref_id`` index whatever its place among the table's indexes.
    Without statistics SQLite chooses between indexes that serve a query equally by that
    place; an import before 2026-11-28 could leave the lookup index (kind, key) ahead, and
    every key of the kind was then read to replace one record's."""
    from sqlalchemy import and_, func

    return and_(func.coalesce(keys.c.kind, keys.c.kind) == kind, ids)


def set_keys(session: Session, kind: str, ref_id: int, name: str) -> None:
    """Store the pinyin readings of ``name`` for record ``ref_id`` (replacing the old ones)."""
    from sqlalchemy import delete, insert

    from sanlian.db.models import SearchKey
    from sanlian.services.pinyin import keys

    table: Any = SearchKey.__table__  # type: ignore[attr-defined]
    session.execute(delete(table).where(keys_where(table, kind, table.c.ref_id == ref_id)))
    rows = [{"kind": kind, "ref_id": ref_id, "key": k} for k in sorted(keys(name))]
    if rows:
        session.execute(insert(SearchKey), rows)


def describe(session: Session, kind: str, record: Any) -> str:
    """How a candidate is shown in an ambiguity error: ``[12] 张伟（办公室）``."""
    extra = ""
    if kind == "cadre":
        from sanlian.db.models import Section

        section = session.get(Section, record.section_id)
        extra = f"（{section.name}）" if section else ""
    elif kind == "household":
        from sanlian.db.models import Community

        community = session.get(Community, record.community_id)
        if community is not None:
            # a community of a shared name with its township, as ``名称@乡镇`` names it
            shared = community.town and _shared_name(session, "community", community)
            extra = f"（{community.name}@{community.town}）" if shared else f"（{community.name}）"
    elif kind == "community" and record.town:
        extra = f"（{record.town}）"
    return f"[{record.id}] {record.name}{extra}"


# How a name is told apart from its namesakes: ``名称@限定``; ``名称(限定)`` as a candidate shows.
_SHOWN = re.compile(r"(.+?)\((.+)\)")
QUALIFIER = {
    "cadre": ("section", "section_id", "姓名@科室"),
    "household": ("community", "community_id", "户主姓名@社区(村)"),
    "community": (None, "town", "名称@乡镇(街道)"),
}
NAME_WORD = {"cadre": "姓名", "household": "户主姓名"}


def typed(session: Session, kind: str, record: Any) -> str:
    """How a command line in a message names ``record``: its name, or its number when another
    record in use has the same name (the name would be refused as ambiguous) or when the name
    holds what a shell reads otherwise (brackets, blanks, quotes)."""
    if not re.fullmatch(r"[\w·]+", str(record.name)) or _shared_name(session, kind, record):
        return str(record.id)
    return str(record.name)


def _shared_name(session: Session, kind: str, record: Any) -> bool:
    """Whether another record in use has ``record``'s name."""
    from sqlalchemy import func, select

    model = _model(kind)
    same = select(func.count()).where(
        model.name == record.name, model.retired_on.is_(None), model.id != record.id
    )
    return bool(session.execute(same).scalar())


def _named(session: Session, model: Any, names: set[str]) -> bool:
    from sqlalchemy import select

    found = session.execute(select(model.id).where(model.name.in_(names)).limit(1)).first()
    return found is not None


def _old_names(session: Session, kind: str) -> dict[str, set[int]]:
    """The names ``kind``'s records had before a rename (journaled: ``before`` and ``after``
    of an update name each), read once a session: an import's rows may ask many times."""
    cache = session.info.setdefault("sanlian_old_names", {})
    if kind not in cache:
        from sqlalchemy import select

        from sanlian.db.journal import _loads
        from sanlian.db.models import JournalChange

        table: Any = JournalChange.__table__  # type: ignore[attr-defined]
        stmt = select(table.c.record_id, table.c.before, table.c.after).where(
            table.c.table_name == kind,
            table.c.action == "update",
            table.c.record_id.is_not(None),
            table.c.after.like('%"name":%'),
        )
        names: dict[str, set[int]] = {}
        for record_id, before, after in session.execute(stmt):
            old, new = (_loads(before) or {}).get("name"), (_loads(after) or {}).get("name")
            if old and old != new:
                names.setdefault(str(old), set()).add(int(record_id))
        cache[kind] = names
    found: dict[str, set[int]] = cache[kind]
    return found


def _not_found(kind: str, raw: str) -> NotFoundError:
    return NotFoundError(
        "ref_not_found",
        kind=KIND_LABEL[kind],
        ref=raw,
        command=kind,
        name=NAME_WORD.get(kind, "名称"),
    )


def _retired(label: str, raw: str, record: Any, on: dt.date | None) -> ValidationError:
    """The refusal of a retired record, with the day it was retired (and, for a record dated
    ``on`` that day or later, that an earlier day's record may name it)."""
    day = record.retired_on.isoformat()
    if on is None:
        return ValidationError("ref_retired", kind=label, ref=raw, id=record.id)
    return ValidationError(
        "ref_retired_on", kind=label, ref=raw, id=record.id, day=day, on=on.isoformat()
    )


def in_use_on(record: Any, on: dt.date | None) -> bool:
    """Whether ``record`` was in use on ``on`` (not retired, or retired after that day)."""
    retired = record.retired_on
    return retired is None or (on is not None and on < retired)


def _matches(
    session: Session,
    kind: str,
    raw: str,
    *,
    include_retired: bool,
    on: dt.date | None = None,
    every: bool = False,
) -> list[Any]:
    """The records ``raw`` may name (more than one: it is ambiguous), or a Chinese refusal
    when it names none. ``on``: the day of the record being written, which may name a record
    retired after it (a visit of October by a cadre who left in November); a name then names
    every record in use that day, a namesake in use now and one retired since alike. ``名称@限定`` narrows by the section, community or township; so does
    ``名称（限定）``, as an ambiguity lists the candidates. A qualifier that is itself
    ambiguous narrows to what its every match holds (``陈建国@幸福社区`` with two 幸福社区,
    one of them with a household 陈建国)."""
    from sqlalchemy import select

    from sanlian.db.models import SearchKey

    model = _model(kind)
    label = KIND_LABEL[kind]
    from sanlian.services.validate import fold_name_dots

    typed = unicodedata.normalize("NFKC", raw).strip()
    text = fold_name_dots(typed)
    if not text:
        raise ValidationError("ref_empty", kind=label)
    number = text.lstrip("#")
    if number.isdecimal():  # not isdigit(): ² and ① pass that, and int() refuses them
        if len(number) > 9:  # no ledger holds a billion records; the database takes no more
            raise _not_found(kind, raw)
        record = session.get(model, int(number))
        if record is None:
            raise _not_found(kind, raw)
        if not include_retired and not in_use_on(record, on):
            raise _retired(label, raw, record, on)
        return [record]

    if kind in QUALIFIER:
        shown = _SHOWN.fullmatch(text)  # 幸福社区(兰山街道), as a candidate is listed
        if shown is not None and not _named(session, model, {text, re.sub(r"\s+", "", text)}):
            try:
                return _matches(
                    session,
                    kind,
                    f"{shown[1].strip()}@{shown[2].strip()}",
                    include_retired=include_retired,
                    on=on,
                )
            except NotFoundError:
                raise _not_found(kind, raw) from None
    qualifiers: list[Any] | None = None
    if kind in QUALIFIER and "@" in text:
        text, qualifier_ref = (part.strip() for part in text.split("@", 1))
        parent_kind = QUALIFIER[kind][0]
        if parent_kind is None:  # a township is plain text
            qualifiers = [unicodedata.normalize("NFKC", qualifier_ref)]
        else:
            parents = _matches(session, parent_kind, qualifier_ref, include_retired=True)
            qualifiers = [p.id for p in parents]

    def narrowed(stmt: Any) -> Any:
        if qualifiers is not None:
            stmt = stmt.where(getattr(model, QUALIFIER[kind][1]).in_(qualifiers))
        return stmt

    compact = re.sub(r"\s+", "", text)
    # (a name stored before dots were folded, 买买提•艾力, is found as typed too)
    forms = (
        {text, compact, typed, re.sub(r"\s+", "", typed)} if "@" not in typed else {text, compact}
    )
    stmt = narrowed(select(model).where(model.name.in_(forms)))
    found = list(session.execute(stmt).scalars())
    if not found and re.fullmatch(r"[A-Za-z]+", compact):
        keys: Any = SearchKey.__table__.c  # type: ignore[attr-defined]
        key_ids = select(keys.ref_id).where(keys.kind == kind, keys.key == compact.lower())
        stmt = narrowed(select(model).where(model.id.in_(key_ids)))
        found = list(session.execute(stmt).scalars())
    active = [r for r in found if r.retired_on is None]
    if every:  # (``retired_namesakes``)
        pass
    elif not include_retired:
        if on is not None:  # all in use that day: a namesake retired since is as likely
            usable = [r for r in found if in_use_on(r, on)]
            if found and not usable:
                raise _retired(label, raw, max(found, key=lambda r: r.retired_on), on)
            active = usable
        elif not active and found:
            raise _retired(label, raw, found[0], on)
        found = active
    elif active:
        found = active
    if not found:
        if qualifiers is None:
            why = _renamed(session, kind, raw, text)
        else:
            why = _moved(session, kind, raw, text, qualifiers)
        raise why or _not_found(kind, raw)
    return found


def _moved(
    session: Session, kind: str, raw: str, name: str, places: list[Any]
) -> NotFoundError | None:
    """``姓名@科室`` that matched nothing, where the one of that name who was there has moved
    since (an export of before the move imported back): the refusal says where they are now,
    and how to write them (journaled: an update whose ``before`` has one of ``places``)."""
    parent_kind, column, _form = QUALIFIER[kind]
    if parent_kind is None:
        return None
    from sqlalchemy import select

    from sanlian.db.journal import _loads
    from sanlian.db.models import JournalChange

    table: Any = JournalChange.__table__  # type: ignore[attr-defined]
    stmt = select(table.c.record_id, table.c.before).where(
        table.c.table_name == kind,
        table.c.action == "update",
        table.c.record_id.is_not(None),
        table.c.after.like(f'%"{column}":%'),
    )
    ids = {
        int(record_id)
        for record_id, before in session.execute(stmt)
        if (_loads(before) or {}).get(column) in places
    }
    model, parent = _model(kind), _model(parent_kind)
    now = [r for i in sorted(ids) if (r := session.get(model, i)) is not None]
    moved = [r for r in now if r.name == name and getattr(r, column) not in places]
    if len(moved) != 1:
        return None
    record = moved[0]
    where = session.get(parent, getattr(record, column))
    return NotFoundError(
        "ref_moved",
        kind=KIND_LABEL[kind],
        ref=raw,
        id=record.id,
        name=record.name,
        place=where.name if where is not None else "",
    )


def _renamed(session: Session, kind: str, raw: str, name: str) -> NotFoundError | None:
    """A name that matched nothing, but that a record had before it was renamed (an export
    of before the rename imported back): the refusal says so, and which record it is now."""
    model = _model(kind)
    ids = _old_names(session, kind).get(name, set())
    now = [r for i in sorted(ids) if (r := session.get(model, i)) is not None]
    renamed = [r for r in now if r.name != name and r.retired_on is None]
    if len(renamed) != 1:
        return None
    record = renamed[0]
    return NotFoundError(
        "ref_renamed", kind=KIND_LABEL[kind], ref=raw, id=record.id, name=record.name
    )


NEAR_SHOWN = 5  # records a name that matched nothing is said to be part of, at the most


def near(session: Session, kind: str, ref: str) -> list[Any]:
    """Records in use whose name holds ``ref`` (华强 of 临沂华强机械有限公司), or whose pinyin
    starts with it (``lyhq``, as Tab completes it): what a name that matched nothing may have
    meant, when there are a few; none when there are more (the clerk is to look it up). Asked
    once, when the refusal is shown (an import's rows are not: a scan a row)."""
    from sqlalchemy import select

    from sanlian.db.models import SearchKey

    model = _model(kind)
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", ref))
    if len(text) < 2 or "@" in text or text.lstrip("#").isdecimal():
        return []
    if re.fullmatch(r"[A-Za-z]+", text):
        keys: Any = SearchKey.__table__.c  # type: ignore[attr-defined]
        ids = select(keys.ref_id).where(keys.kind == kind, keys.key.startswith(text.lower()))
        stmt = select(model).where(model.id.in_(ids))
    else:
        stmt = select(model).where(model.name.contains(text, autoescape=True))
    stmt = stmt.where(model.retired_on.is_(None)).order_by(model.id)
    found = list(session.execute(stmt.limit(NEAR_SHOWN + 1)).scalars())
    return found if len(found) <= NEAR_SHOWN else []


def check_in_use(kind: str, record: Any, on: dt.date) -> None:
    """Refuse ``record`` for a record of ``on`` when it was retired on or before that day (a
    visit moved to a later day keeps its cadres: they must still be in use then)."""
    if not in_use_on(record, on):
        raise _retired(KIND_LABEL[kind], str(record.name), record, on)


def retired_namesakes(session: Session, kind: str, ref: str | int) -> list[Any]:
    """The retired records ``ref`` names beside the one in use ``resolve`` prefers (an import
    names records so; for a day before their retirement they are candidates too)."""
    try:
        found = _matches(session, kind, str(ref), include_retired=True, every=True)
    except NotFoundError:
        return []
    if all(r.retired_on is not None for r in found):
        return []
    return [r for r in found if r.retired_on is not None]


def ambiguous_on(
    session: Session, kind: str, ref: str, records: list[Any], on: dt.date, **extra: Any
) -> AmbiguousError:
    """The refusal of ``ref`` naming several ``records`` in use on ``on`` (``extra``: more
    parameters for whoever reads the refusal, as an import's column)."""
    candidates = "；".join(describe(session, kind, r) for r in sorted(records, key=lambda r: r.id))
    qualified = QUALIFIER[kind][2] if kind in QUALIFIER else "完整的名称"
    return AmbiguousError(
        "ref_ambiguous_on",
        kind=KIND_LABEL[kind],
        ref=ref,
        on=on.isoformat(),
        candidates=candidates,
        qualified=qualified,
        **extra,
    )


def resolve(
    session: Session,
    kind: str,
    ref: str | int,
    *,
    include_retired: bool = False,
    on: dt.date | None = None,
) -> Any:
    """The one record ``ref`` names, or a Chinese refusal. A retired record is refused unless
    ``include_retired``, or unless it was retired after ``on`` (the day of what is being
    recorded): a name is then ambiguous if a namesake in use now has it too."""
    raw = str(ref)
    found = _matches(session, kind, raw, include_retired=include_retired, on=on)
    label = KIND_LABEL[kind]
    if len(found) > 1 and on is not None and any(r.retired_on is not None for r in found):
        raise ambiguous_on(session, kind, raw, found, on)
    if len(found) > 1:
        found.sort(key=lambda r: r.id)
        candidates = "；".join(describe(session, kind, r) for r in found[:20])
        if len(found) > 20:
            candidates += f" 等 {len(found)} 条"
        if kind not in QUALIFIER:  # a section, an enterprise: its number or its whole name
            raise AmbiguousError("ref_ambiguous_name", kind=label, ref=raw, candidates=candidates)
        # qualified already, or all of one section (two 王磊 of 综合科): the number tells
        alike = "@" in raw or len({getattr(r, QUALIFIER[kind][1]) for r in found}) == 1
        raise AmbiguousError(
            "ref_ambiguous_qualified" if alike else "ref_ambiguous",
            kind=label,
            ref=raw,
            candidates=candidates,
            qualified=QUALIFIER[kind][2],
            id=found[0].id,
        )
    return found[0]
