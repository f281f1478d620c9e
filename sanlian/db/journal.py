"""The change journal: every row a journaled command writes, with its values before and after.

A write session gets a :class:`Recorder` (``install``). It captures, in the order they happen:

* ORM flushes (``before_flush``/``after_flush``): new, changed and deleted objects;
* Core ``insert``/``update``/``delete`` statements run through the session
  (``do_orm_execute``), reading the rows they touch before and after;
* rows removed by ``ON DELETE CASCADE`` (read before their parent goes);
* batches a bulk writer reports itself (``record_inserts``/``record_updates``) when it runs its
  statements with ``SKIP_CAPTURE`` — the import engine does, to stay cheap: its new records
  only by their ids (``record_inserted_ids``), one ``journal_change`` row per run of
  contiguous ids (``last_record_id``), without their values.

A savepoint rolled back (an import row refused) drops what was captured inside it. The
captured changes are written as ``journal_change`` rows when the command journals itself
(``write``). ``undo`` reverses them in reverse order; ``scrub`` erases personal values from
them. Derived rows (``search_key``) and the journal's own tables are not captured.

Only plain SQLAlchemy: the same works on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from sanlian.i18n.labels import CAMPAIGN_SETTINGS, TABLE_LABELS

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

SKIP_TABLES = frozenset({"journal", "journal_change", "search_key", "schema_migrations"})
SKIP_CAPTURE = {"sanlian_journaled": True}  # execution option: the writer records the rows itself
INFO_KEY = "sanlian_journal"
WRITE_CHUNK = 2000  # journal_change rows per executemany
REGISTRY_TABLES = ("section", "cadre", "community", "enterprise", "household")
# Personal fields erased by ``remove --purge`` (names stay: the records are named by them); a
# community's or an enterprise's are its contact person's.
PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {
    "cadre": ("phone", "id_number"),
    "household": ("phone", "id_number", "address"),
    "community": ("contact", "phone"),
    "enterprise": ("contact", "phone"),
}

FIELD_LABELS = {
    "id": "编号",
    "name": "名称",
    "year": "年度",
    "unit": "单位",
    "section_id": "科室",
    "cadre_id": "干部",
    "community_id": "社区(村)",
    "enterprise_id": "企业",
    "household_id": "联系户",
    "visit_id": "走访",
    "problem_id": "问题",
    "activity_id": "活动",
    "step_id": "办理步骤",
    "campaign_id": "活动年度",
    "owner_id": "责任人",
    "previous_owner_id": "原责任人",
    "gender": "性别",
    "title": "职务/标题",
    "party": "政治面貌",
    "is_leader": "领导班子成员",
    "role": "领导小组职务",
    "phone": "手机号码",
    "id_number": "身份证号码",
    "note": "备注",
    "retired_on": "停用日期",
    "created_at": "登记时间",
    "kind": "类别",
    "town": "乡镇/街道",
    "grid": "网格",
    "contact": "联系人",
    "uscc": "统一社会信用代码",
    "industry": "行业",
    "address": "地址",
    "members": "人口",
    "needs": "需求",
    "start_on": "开始日期",
    "end_on": "结束日期",
    "visited_on": "走访日期",
    "target_kind": "对象类别",
    "form": "走访形式",
    "cards": "联系卡",
    "diary": "民情日记",
    "category": "问题类别",
    "text": "问题内容",
    "raised_on": "提出日期",
    "due_on": "办理期限",
    "is_conflict": "矛盾纠纷",
    "status": "状态",
    "resolved_on": "解决日期",
    "closed_on": "办结日期",
    "last_step_on": "最近办理日期",
    "step_on": "日期",
    "amount_fen": "金额",
    "operator": "操作人",
    "measure": "措施",
    "held_on": "日期",
    "written_on": "撰写日期",
    "topic": "选题",
    "seq": "顺序",
    "key": "代码",
    "start": "开始",
    **CAMPAIGN_SETTINGS,  # the campaign's rules, named as ``campaign show`` names them
}


# --- values as JSON ------------------------------------------------------------------------


def encode(value: Any) -> Any:
    """A column value as JSON holds it; datetimes without zone, as SQLite stores them."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


_PLAIN = frozenset({str, int, float, bool, type(None)})  # what ``encode`` returns unchanged


def encode_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v if type(v) in _PLAIN else encode(v) for k, v in row.items()}


def decode(table: Table, key: str, value: Any) -> Any:
    """Back to the column's Python type, for writing (datetimes are stored as UTC)."""
    import sqlalchemy as sa

    if value is None or key not in table.c:
        return value
    column_type = table.c[key].type
    impl = getattr(column_type, "impl", column_type)
    if isinstance(impl, sa.DateTime) and isinstance(value, str):
        moment = dt.datetime.fromisoformat(value)
        if getattr(column_type, "timezone", False) or impl.timezone:
            moment = moment.replace(tzinfo=dt.UTC)
        return moment
    if isinstance(impl, sa.Date) and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if isinstance(impl, sa.Boolean):
        return bool(value)
    return value


def _table(name: str) -> Table:
    from sqlmodel import SQLModel

    import sanlian.db.models  # noqa: F401  (registers the tables)

    return SQLModel.metadata.tables[name]


@functools.cache
def _table_order() -> dict[str, int]:
    from sqlmodel import SQLModel

    import sanlian.db.models  # noqa: F401

    return {t.name: i for i, t in enumerate(SQLModel.metadata.sorted_tables)}


def _pk(table: Table) -> list[str]:
    return [c.name for c in table.primary_key.columns]


def _pk_where(table: Table, key: Mapping[str, Any]) -> Any:
    from sqlalchemy import and_

    return and_(*(table.c[k] == decode(table, k, key[k]) for k in _pk(table)))


def _record_id(table: Table, row: Mapping[str, Any]) -> int | None:
    keys = _pk(table)
    if keys == ["id"] and row.get("id") is not None:
        return int(row["id"])
    return None


# --- capture -------------------------------------------------------------------------------


@dataclass
class Change:
    table: str
    action: str  # insert | update | delete | unknown
    record_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    last: int | None = None  # a run: the records ``record_id`` to ``last``, no values


@dataclass
class Recorder:
    """What one write session changed, in order, not yet written to ``journal_change``."""

    changes: list[Change] = field(default_factory=list)
    marks: dict[int, int] = field(default_factory=dict)
    pending_deletes: list[Change] = field(default_factory=list)
    before_update: dict[tuple[str, tuple[Any, ...]], dict[str, Any]] = field(default_factory=dict)
    journal_id: int | None = None
    seq: int = 0
    paused: int = 0

    # explicit batch API --------------------------------------------------------------------

    def inserts(self, table: Table, rows: Iterable[Mapping[str, Any]]) -> None:
        """New rows, with their values."""
        name = table.name
        for row in rows:
            after = encode_row(row)
            self.changes.append(Change(name, "insert", _record_id(table, after), None, after))

    def inserted_ids(self, table: Table, ids: Iterable[int]) -> None:
        """New records of a table keyed by ``id``, by their ids only: one run for each stretch
        of contiguous ids (an import's new records take the next ids, one after the other)."""
        name = str(table.name)
        for first, last in id_runs(ids):
            self.changes.append(Change(name, "insert", first, None, None, last))

    def updates(
        self, table: Table, pairs: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]]
    ) -> None:
        keys = _pk(table)
        for old, new in pairs:
            before = encode_row(old)
            after = encode_row(new)
            changed = [k for k in after if k not in keys and before.get(k) != after[k]]
            if not changed:
                continue
            b = {k: before[k] for k in keys} | _named(before) | {k: before.get(k) for k in changed}
            a = {k: before[k] for k in keys} | _named(before) | {k: after[k] for k in changed}
            _keeps_numbers(table.name, b, a)
            self.changes.append(Change(table.name, "update", _record_id(table, b), b, a))

    def deletes(self, table: Table, rows: Iterable[Mapping[str, Any]]) -> None:
        for row in rows:
            before = encode_row(row)
            self.changes.append(
                Change(table.name, "delete", _record_id(table, before), before, None)
            )

    def unknown(self, table: Table) -> None:
        self.changes.append(Change(table.name, "unknown", None, None, None))

    # writing -------------------------------------------------------------------------------

    def write(self, session: Session, journal_id: int) -> int:
        """Store what was captured under ``journal_id``; return how many rows."""
        from sqlalchemy import insert

        from sanlian.db.models import JournalChange

        if not self.changes:
            return 0
        if self.journal_id != journal_id:
            self.journal_id, self.seq = journal_id, 0
        table: Any = JournalChange.__table__  # type: ignore[attr-defined]
        connection = session.connection()
        self.changes = _joined_runs(self.changes)
        count = len(self.changes)
        # In chunks: an import of 100,000 rows holds one change per row, and their JSON all at
        # once (with the driver's copy of it) would double the command's peak memory.
        if connection.dialect.paramstyle == "qmark":  # SQLite: the driver's own executemany
            self._write_plain(connection, journal_id)
            return count
        for start in range(0, count, WRITE_CHUNK):
            rows = []
            for change in self.changes[start : start + WRITE_CHUNK]:
                self.seq += 1
                rows.append(
                    {
                        "journal_id": journal_id,
                        "seq": self.seq,
                        "table_name": change.table,
                        "record_id": change.record_id,
                        "last_record_id": change.last,
                        "action": change.action,
                        "before": _dumps(change.before),
                        "after": _dumps(change.after),
                    }
                )
            connection.execute(insert(table), rows)
        self.changes.clear()
        return count

    def _write_plain(self, connection: Any, journal_id: int) -> None:
        """``write`` on SQLite, where SQLAlchemy's handling of each of an import's 100,000
        parameter sets cost more than SQLite's writing them."""
        sql = (
            "INSERT INTO journal_change (journal_id, seq, table_name, record_id, "
            "last_record_id, action, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        )
        for start in range(0, len(self.changes), WRITE_CHUNK):
            rows = []
            for change in self.changes[start : start + WRITE_CHUNK]:
                self.seq += 1
                rows.append(
                    (
                        journal_id,
                        self.seq,
                        change.table,
                        change.record_id,
                        change.last,
                        change.action,
                        _dumps(change.before),
                        _dumps(change.after),
                    )
                )
            connection.exec_driver_sql(sql, rows)
        self.changes.clear()


def id_runs(ids: Iterable[int]) -> list[tuple[int, int]]:
    """(first, last) of each stretch of contiguous ids, ascending."""
    runs: list[tuple[int, int]] = []
    for i in sorted(ids):
        if runs and i == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], i)
        elif not runs or i > runs[-1][1]:
            runs.append((i, i))
    return runs


def _joined_runs(changes: list[Change]) -> list[Change]:
    """Runs of one table and action that follow each other (an import's batches) as one."""
    out: list[Change] = []
    for change in changes:
        prev = out[-1] if out else None
        if (
            change.last is not None
            and prev is not None
            and prev.last is not None
            and (prev.table, prev.action) == (change.table, change.action)
            and prev.last + 1 == change.record_id
        ):
            out[-1] = Change(prev.table, prev.action, prev.record_id, None, None, change.last)
        else:
            out.append(change)
    return out


# ``json.dumps`` with these options, without building an encoder for every value
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _dumps(value: Mapping[str, Any] | None) -> str | None:
    return None if value is None else _ENCODE(value)


def _loads(value: str | None) -> dict[str, Any] | None:
    return None if value is None else dict(json.loads(value))


def recorder(session: Session) -> Recorder | None:
    found = session.info.get(INFO_KEY)
    return found if isinstance(found, Recorder) else None


def record_inserts(session: Session, table: Table, rows: Iterable[Mapping[str, Any]]) -> None:
    """A bulk writer's new rows (with their ids and values), written with ``SKIP_CAPTURE``."""
    rec = recorder(session)
    if rec is not None:
        rec.inserts(table, rows)


def record_inserted_ids(session: Session, table: Table, ids: Iterable[int]) -> None:
    """A bulk writer's new records (written with ``SKIP_CAPTURE``) by their ids alone: the
    journal keeps runs of contiguous ids, not the records' values."""
    rec = recorder(session)
    if rec is not None:
        rec.inserted_ids(table, ids)


def record_updates(
    session: Session, table: Table, pairs: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]]
) -> None:
    """A bulk writer's changed rows: (key and old values, key and new values) pairs."""
    rec = recorder(session)
    if rec is not None:
        rec.updates(table, pairs)


def _select_rows(session: Session, table: Table, where: Any) -> list[dict[str, Any]]:
    from sqlalchemy import select

    stmt = select(table).where(where) if where is not None else select(table)
    return [dict(r._mapping) for r in session.connection().execute(stmt)]


def _rows_by_keys(
    session: Session, table: Table, keys: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    from sqlalchemy import tuple_

    names = _pk(table)
    out: list[dict[str, Any]] = []
    values = [tuple(k[n] for n in names) for k in keys]
    for start in range(0, len(values), 400):
        chunk = values[start : start + 400]
        if len(names) == 1:
            where = table.c[names[0]].in_([v[0] for v in chunk])
        else:
            where = tuple_(*(table.c[n] for n in names)).in_(chunk)
        out.extend(_select_rows(session, table, where))
    return out


@functools.cache
def _cascade_children(table: Table) -> list[tuple[Table, str, str]]:
    """(child table, child column, parent column) for ``ON DELETE CASCADE`` references."""
    from sqlmodel import SQLModel

    found = []
    for child in SQLModel.metadata.sorted_tables:
        if child.info.get("derived"):
            continue  # written by database triggers (visit_section), never journaled
        for fk in child.foreign_keys:
            if fk.column.table is table and (fk.ondelete or "").upper() == "CASCADE":
                found.append((child, fk.parent.name, fk.column.name))
    return found


def _deletes_with_cascade(
    session: Session, table: Table, rows: list[dict[str, Any]], out: list[Change]
) -> None:
    """The rows to delete, preceded by the rows the database will delete with them."""
    if not rows:
        return
    for child, child_col, parent_col in _cascade_children(table):
        values = sorted({r[parent_col] for r in rows if r.get(parent_col) is not None})
        for start in range(0, len(values), 400):
            kids = _select_rows(session, child, child.c[child_col].in_(values[start : start + 400]))
            _deletes_with_cascade(session, child, kids, out)
    for row in rows:
        before = encode_row(row)
        out.append(Change(table.name, "delete", _record_id(table, before), before, None))


def _named(row: Mapping[str, Any]) -> dict[str, Any]:
    """The name of a changed record, kept with its key so that history and undo can say
    whose record it was (a rename overrides it with the old and new names)."""
    return {"name": row["name"]} if row.get("name") is not None else {}


def _key_of(table: Table, row: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(encode(row.get(k)) for k in _pk(table))


def _object_key(obj: Any) -> tuple[str, dict[str, Any]] | None:
    """An ORM object's table name and primary key, or None for a table not journaled."""
    from sqlalchemy import inspect

    mapper = inspect(obj).mapper
    table = mapper.local_table
    if table.name in SKIP_TABLES:
        return None
    return table.name, {
        c.name: getattr(obj, mapper.get_property_by_column(c).key) for c in table.primary_key
    }


def _keeps_numbers(table: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
    """Refuse an update of free text that would keep a number written in it only masked: the
    text was copied from a screen that masks it (``validate.number_masked_in``). Every write
    passes here: an edit, an import, a bulk update, and a rehearsed one (``guard``)."""
    from sanlian.errors import ValidationError

    lost = masked_paste(table, before, after)
    if lost is not None:
        key, value = lost
        raise ValidationError(
            "masked_pasted",
            record=describe_row(table, before),
            field=field_label(table, key),
            value=value,
            see=see_whole(table, before.get("id")),
        )


def masked_paste(
    table: str, before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[str, str] | None:
    """The free-text field of ``after`` that holds, only masked, a number written whole in
    ``before``, and that number masked; ``None`` when nothing would be lost."""
    from sanlian.services.validate import FREE_TEXT_FIELDS, number_masked_in

    for key, new in after.items():
        old = before.get(key)
        if key in FREE_TEXT_FIELDS and isinstance(new, str) and isinstance(old, str):
            lost = number_masked_in(old, new)
            if lost is not None:
                return key, lost
    return None


# How a clerk sees a record's free text whole: its show command, else its listing's.
_SEE_WHOLE = {
    "visit": "sanlian visit show {id} --reveal",
    "problem": "sanlian problem show {id} --reveal",
    "cadre": "sanlian cadre show {id} --reveal",
    "community": "sanlian community show {id} --reveal",
    "enterprise": "sanlian enterprise show {id} --reveal",
    "household": "sanlian household show {id} --reveal",
    "link": "sanlian link list --all --reveal",
    "activity": "sanlian activity list --reveal",
    "research": "sanlian research list --reveal",
}


def see_whole(table: str, record_id: Any) -> str:
    return _SEE_WHOLE.get(table, "--reveal").format(id=record_id)


def guard(session: Session) -> None:
    """Refuse, in this session, a change of an object's free text that would keep a number
    only masked (``_keeps_numbers``), whether or not the session is journaled: a rehearsed
    import (``--dry-run``) says what the import would."""
    from sqlalchemy import event

    event.listen(session, "before_flush", _guard_free_text)


def _guard_free_text(session: Session, _ctx: Any, _instances: Any) -> None:
    from sqlalchemy import inspect

    from sanlian.services.validate import FREE_TEXT_FIELDS

    for obj in list(session.dirty):
        state = inspect(obj)
        table = state.mapper.local_table
        for key in FREE_TEXT_FIELDS & set(state.attrs.keys()):
            history = state.attrs[key].history
            if history.added and history.deleted:
                named = {k: state.dict.get(k) for k in ("id", "name", "title") if k in state.dict}
                before = {**named, key: history.deleted[0]}
                _keeps_numbers(table.name, before, {key: history.added[0]})


def _on_before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    rec = recorder(session)
    if rec is None or rec.paused:
        return
    by_table: dict[str, list[dict[str, Any]]] = {}
    for obj in list(session.dirty):
        if not session.is_modified(obj):
            continue
        found = _object_key(obj)
        if found is not None:
            by_table.setdefault(found[0], []).append(found[1])
    for name, keys in by_table.items():
        table = _table(name)
        for row in _rows_by_keys(session, table, keys):
            rec.before_update[(name, _key_of(table, row))] = row
    deleted: dict[str, list[dict[str, Any]]] = {}
    for obj in list(session.deleted):
        found = _object_key(obj)
        if found is not None:
            deleted.setdefault(found[0], []).append(found[1])
    order = _table_order()
    for name in sorted(deleted, key=lambda n: -order.get(n, 0)):  # children first
        table = _table(name)
        rows = _rows_by_keys(session, table, deleted[name])
        _deletes_with_cascade(session, table, rows, rec.pending_deletes)


def _on_after_flush(session: Session, _ctx: Any) -> None:
    from sqlalchemy import inspect

    rec = recorder(session)
    if rec is None or rec.paused:
        rec_clear(rec)
        return
    order = _table_order()
    made: list[tuple[int, Change]] = []
    for obj in list(session.new):
        state = inspect(obj)
        table = state.mapper.local_table
        if table.name in SKIP_TABLES:
            continue
        row = {c.name: state.dict.get(state.mapper.get_property_by_column(c).key) for c in table.c}
        after = encode_row(row)
        made.append(
            (
                order.get(table.name, 0),
                Change(table.name, "insert", _record_id(table, after), None, after),
            )
        )
    for obj in list(session.dirty):
        state = inspect(obj)
        table = state.mapper.local_table
        if table.name in SKIP_TABLES:
            continue
        row = {c.name: state.dict.get(state.mapper.get_property_by_column(c).key) for c in table.c}
        old = rec.before_update.pop((table.name, _key_of(table, row)), None)
        if old is None:
            continue
        keys = _pk(table)
        before, after = encode_row(old), encode_row(row)
        changed = [
            k for k in after if k not in keys and before.get(k) != after[k] and k in state.dict
        ]
        if not changed:
            continue
        b = {k: before[k] for k in keys} | _named(before) | {k: before[k] for k in changed}
        a = {k: before[k] for k in keys} | _named(before) | {k: after[k] for k in changed}
        _keeps_numbers(table.name, b, a)
        made.append(
            (order.get(table.name, 0), Change(table.name, "update", _record_id(table, b), b, a))
        )
    made.sort(key=lambda pair: pair[0])  # parents before children: undone in reverse
    rec.changes.extend(change for _o, change in made)
    rec.changes.extend(rec.pending_deletes)
    rec_clear(rec)


def rec_clear(rec: Recorder | None) -> None:
    if rec is not None:
        rec.pending_deletes.clear()
        rec.before_update.clear()


def _on_execute(state: ORMExecuteState) -> Any:
    if not (state.is_insert or state.is_update or state.is_delete):
        return None
    session = state.session
    rec = recorder(session)
    if rec is None or rec.paused or state.execution_options.get("sanlian_journaled"):
        return None
    stmt: Any = state.statement
    table = _table(stmt.table.name) if stmt.table.name in _table_order() else None
    if table is None or table.name in SKIP_TABLES:
        return None
    if session.new or session.dirty or session.deleted:
        session.flush()
    params = state.parameters
    many: list[Any] = list(params) if isinstance(params, list) else ([params] if params else [])
    keys = _pk(table)
    if state.is_delete:
        rows = _select_rows(session, table, stmt.whereclause)
        _deletes_with_cascade(session, table, rows, rec.changes)
        return state.invoke_statement()
    if state.is_update:
        if stmt.whereclause is None and many and all(all(k in p for k in keys) for p in many):
            found = _rows_by_keys(session, table, many)
        else:
            found = _select_rows(session, table, stmt.whereclause)
        result = state.invoke_statement()
        after = {_key_of(table, r): r for r in _rows_by_keys(session, table, found)}
        rec.updates(table, [(old, after.get(_key_of(table, old), old)) for old in found])
        return result
    # insert
    if many and all(all(p.get(k) is not None for k in keys) for p in many):
        result = state.invoke_statement()
        rec.inserts(table, _rows_by_keys(session, table, many))
        return result
    result = state.invoke_statement()
    try:
        made = cast(Any, result).inserted_primary_key
    except Exception:  # executemany or returning: the ids are unknown
        made = None
    if made is not None and all(v is not None for v in made):
        rec.inserts(table, _rows_by_keys(session, table, [dict(zip(keys, made, strict=True))]))
    else:
        rec.unknown(table)
    return result


def _on_transaction_create(session: Session, transaction: SessionTransaction) -> None:
    rec = recorder(session)
    if rec is not None and transaction.nested:
        rec.marks[id(transaction)] = len(rec.changes)


def _on_soft_rollback(session: Session, previous: SessionTransaction) -> None:
    rec = recorder(session)
    if rec is not None and previous.nested and id(previous) in rec.marks:
        del rec.changes[rec.marks[id(previous)] :]
        rec_clear(rec)


def _on_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    rec = recorder(session)
    if rec is not None and transaction.nested:
        rec.marks.pop(id(transaction), None)


def install(session: Session) -> Recorder:
    """Capture every change this session makes, from now on."""
    from sqlalchemy import event

    rec = Recorder()
    session.info[INFO_KEY] = rec
    event.listen(session, "before_flush", _on_before_flush)
    event.listen(session, "after_flush", _on_after_flush)
    event.listen(session, "do_orm_execute", _on_execute)
    event.listen(session, "after_transaction_create", _on_transaction_create)
    event.listen(session, "after_soft_rollback", _on_soft_rollback)
    event.listen(session, "after_transaction_end", _on_transaction_end)
    return rec


def add_entry(
    session: Session,
    *,
    at: dt.datetime,
    operator: str,
    command: str,
    summary: str,
    kind: str = "change",
    undoes: int | None = None,
) -> int:
    """A journal entry, with what the session captured since the last one."""
    from sqlalchemy import insert

    from sanlian.db.models import Journal

    rec = recorder(session)
    if rec is not None and (session.new or session.dirty or session.deleted):
        session.flush()
    table: Any = Journal.__table__  # type: ignore[attr-defined]
    values = {
        "at": at,
        "operator": operator,
        "command": command,
        "summary": summary,
        "kind": kind,
        "undoes": undoes,
    }
    result = session.connection().execute(insert(table).values(**values))
    entry_id = int(cast(Any, result).inserted_primary_key[0])
    if rec is not None:
        rec.write(session, entry_id)
    return entry_id


def finish(session: Session, *, at: dt.datetime, operator: str, command: str) -> None:
    """Before commit: changes captured after the last entry join it (or an entry of their own)."""
    rec = recorder(session)
    if rec is None:
        return
    if session.new or session.dirty or session.deleted:
        session.flush()
    if not rec.changes:
        return
    if rec.journal_id is not None:
        rec.write(session, rec.journal_id)
    else:
        add_entry(session, at=at, operator=operator, command=command, summary=command)


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredChange:
    id: int
    journal_id: int
    seq: int
    table: str
    record_id: int | None
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    last_record_id: int | None = None  # a run: the records ``record_id`` to this one

    @property
    def is_run(self) -> bool:
        return self.last_record_id is not None

    @property
    def count(self) -> int:
        """How many records: a run's, else one."""
        if self.last_record_id is None or self.record_id is None:
            return 1
        return self.last_record_id - self.record_id + 1

    def covers(self, table_name: str, record_id: int) -> bool:
        if self.table != table_name or self.record_id is None:
            return False
        last = self.record_id if self.last_record_id is None else self.last_record_id
        return self.record_id <= record_id <= last


def changes_of(session: Session, journal_ids: Sequence[int]) -> dict[int, list[StoredChange]]:
    from sqlalchemy import select

    from sanlian.db.models import JournalChange

    table: Any = JournalChange.__table__  # type: ignore[attr-defined]
    out: dict[int, list[StoredChange]] = {}
    ids = list(journal_ids)
    for start in range(0, len(ids), 400):
        stmt = (
            select(table)
            .where(table.c.journal_id.in_(ids[start : start + 400]))
            .order_by(table.c.journal_id, table.c.seq)
        )
        for r in session.connection().execute(stmt):
            out.setdefault(r.journal_id, []).append(
                StoredChange(
                    r.id,
                    r.journal_id,
                    r.seq,
                    r.table_name,
                    r.record_id,
                    r.action,
                    _loads(r.before),
                    _loads(r.after),
                    r.last_record_id,
                )
            )
    return out


def entries_touching(
    session: Session, table_name: str, record_id: int, name: str | None = None
) -> list[int]:
    """The entries that changed the record: by its own rows or a run that holds it.

    SQLite gave the number of the record deleted last (an undone ``add``) to the next one
    added, before migration 10 (the journals of those years hold both): the entries begin at the last one that added a record of that number — or, for a
    deleted record looked up by its ``name``, the one that added it, and end before the next
    (an undo that restores a removed record brings back the same record: not a beginning)."""
    from sqlalchemy import and_, or_, select, union

    from sanlian.db.models import Journal, JournalChange

    table: Any = JournalChange.__table__  # type: ignore[attr-defined]
    entry: Any = Journal.__table__  # type: ignore[attr-defined]
    run = and_(table.c.last_record_id >= record_id, table.c.record_id <= record_id)
    mine = (table.c.table_name == table_name,)
    one = select(table.c.journal_id).where(*mine, table.c.record_id == record_id)
    runs = select(table.c.journal_id).where(*mine, run)  # (ix_journal_change_run)
    births = (
        session.connection()
        .execute(
            select(table.c.journal_id, table.c.after)
            .select_from(table.join(entry, entry.c.id == table.c.journal_id))
            .where(
                *mine,
                table.c.action == "insert",
                entry.c.kind != "undo",
                or_(table.c.record_id == record_id, run),
            )
            .order_by(table.c.journal_id)
        )
        .all()
    )
    first, last = 0, None
    if births:
        first = int(births[-1][0])
        if name is not None:
            for k, (journal_id, after) in enumerate(births):
                if (_loads(after) or {}).get("name") == name:
                    first = int(journal_id)
                    last = int(births[k + 1][0]) if k + 1 < len(births) else None
    found = {int(i) for i in session.connection().execute(union(one, runs)).scalars()}
    return sorted(i for i in found if i >= first and (last is None or i < last))


# A record's parts, journaled as rows of tables of their own: (table, the column naming the
# record it belongs to); ``history --record problem:3`` lists the entries that changed them
# (a resolution's money corrected, a visit's cadres changed) as changes of the record.
PARTS: dict[str, tuple[tuple[str, str], ...]] = {
    "problem": (("problem_step", "problem_id"),),
    "problem_step": (("step_measure", "step_id"),),
    "visit": (("visit_cadre", "visit_id"),),
    "activity": (("activity_cadre", "activity_id"),),
}


def parts_touched(
    session: Session, table_name: str, record_id: int
) -> tuple[list[int], Callable[[StoredChange], bool]]:
    """The entries that changed the record's parts (``PARTS``, and theirs), and a test of
    whether a change is of one of them. A part with an ``id`` of its own is known by the
    entry that added it (its row there names the record); one without, by its own rows."""
    from sqlalchemy import or_, select
    from sqlmodel import SQLModel

    from sanlian.db.models import JournalChange

    table: Any = JournalChange.__table__  # type: ignore[attr-defined]
    entries: set[int] = set()
    owned: dict[str, tuple[str, set[int]]] = {}  # part table → (its column, records it may name)

    def walk(parent: str, ids: set[int]) -> None:
        for part, column in PARTS.get(parent, ()):
            if not ids:
                continue
            owned[part] = (column, ids)
            heads = [f'{{"{column}":{i},%' for i in sorted(ids)]  # (the row's first column)
            named = [f'%,"{column}":{i},%' for i in sorted(ids)]  # (after its own id)
            if _pk(SQLModel.metadata.tables[part]) == ["id"]:  # by the entries that added it
                found = select(table.c.record_id).where(
                    table.c.table_name == part,
                    table.c.action == "insert",
                    or_(*(table.c.after.like(n) for n in named)),
                )
                mine = {int(i) for i in session.connection().execute(found).scalars() if i}
                owned[part] = ("id", mine)
                rows = select(table.c.journal_id).where(
                    table.c.table_name == part, table.c.record_id.in_(sorted(mine))
                )
                walk(part, mine)
            else:
                rows = select(table.c.journal_id).where(
                    table.c.table_name == part,
                    or_(
                        *(table.c.before.like(h) for h in heads),
                        *(table.c.after.like(h) for h in heads),
                    ),
                )
            entries.update(int(i) for i in session.connection().execute(rows).scalars())

    walk(table_name, {record_id})

    def of_part(change: StoredChange) -> bool:
        found = owned.get(change.table)
        if found is None:
            return False
        column, ids = found
        if column == "id":
            return change.record_id in ids
        return (change.before or change.after or {}).get(column) in ids

    return sorted(entries), of_part


def ids_named(session: Session, table_name: str, name: str) -> list[int]:
    """Ids of records of ``table_name`` the journal knows by ``name`` (deleted ones too)."""
    from sqlalchemy import or_, select

    from sanlian.db.models import JournalChange

    table: Any = JournalChange.__table__  # type: ignore[attr-defined]
    needle = "%" + str(_dumps({"name": name.strip()}))[1:-1] + "%"  # stored as "name":"张伟"
    stmt = (
        select(table.c.record_id)
        .where(
            table.c.table_name == table_name,
            table.c.record_id.is_not(None),
            or_(table.c.before.like(needle), table.c.after.like(needle)),
        )
        .distinct()
    )
    return sorted(int(i) for i in session.connection().execute(stmt).scalars())


# --- purge -----------------------------------------------------------------------------------


def scrub(
    session: Session,
    table_name: str,
    record_id: int,
    fields: Sequence[str],
    texts: Sequence[str] = (),
) -> int:
    """Erase ``fields`` of one record from every stored before/after value, and the numbers
    written in its free text ``texts`` (``validate.erase_numbers``); return the rows."""
    from sqlalchemy import select, update

    from sanlian.db.models import JournalChange
    from sanlian.services.validate import erase_numbers

    table: Any = JournalChange.__table__  # type: ignore[attr-defined]
    stmt = select(table.c.id, table.c.before, table.c.after).where(
        table.c.table_name == table_name, table.c.record_id == record_id
    )
    done = 0
    for row_id, before, after in session.connection().execute(stmt).all():
        values = {}
        for name, text in (("before", before), ("after", after)):
            data = _loads(text)
            if data is None or not any(f in data for f in (*fields, *texts)):
                continue
            for f in fields:
                if f in data:
                    data[f] = None
            for f in texts:
                if isinstance(data.get(f), str):
                    data[f] = erase_numbers(data[f])
            values[name] = _dumps(data)
        if values:
            session.connection().execute(update(table).where(table.c.id == row_id).values(**values))
            done += 1
    return done


# --- undo ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UndoPlan:
    entry: Mapping[str, Any]
    changes: list[StoredChange]


def undo_target(session: Session) -> Mapping[str, Any] | None:
    """The most recent change not yet undone (undo and reveal entries are not changes; a
    restore is one, which undo refuses: nothing before it is reached)."""
    from sqlalchemy import select

    from sanlian.db.models import Journal

    table: Any = Journal.__table__  # type: ignore[attr-defined]
    stmt = (
        select(table)
        .where(
            table.c.kind.in_(("change", "purge", "legacy", "restore")), table.c.undone_by.is_(None)
        )
        .order_by(table.c.id.desc())
        .limit(1)
    )
    row = session.connection().execute(stmt).first()
    return None if row is None else dict(row._mapping)


def describe_row(table_name: str, row: Mapping[str, Any] | None) -> str:
    label = TABLE_LABELS.get(table_name, table_name)
    if row is None:
        return label
    if row.get("name"):
        return f"{label}“{row['name']}”（编号 {row.get('id')}）"
    if row.get("id") is not None:
        return f"{label} {row['id']}"
    parts = [
        f"{field_label(table_name, k)} {shown(k, v, False, table_name, row)}"
        for k, v in row.items()
    ]
    return f"{label}（{'，'.join(parts)}）"


@functools.cache
def _enums() -> dict[tuple[str | None, str], Mapping[str, str]]:
    """The stored keys' Chinese labels, by (table, field); table None: any table."""
    from sanlian.i18n import labels as lb
    from sanlian.services.research import TOPIC

    return {
        (None, "gender"): lb.GENDER,
        (None, "party"): lb.PARTY,
        (None, "role"): lb.ROLE,
        (None, "target_kind"): lb.TARGET_KIND,
        (None, "form"): lb.VISIT_FORM,
        (None, "status"): lb.PROBLEM_STATUS,
        (None, "measure"): lb.MEASURE,
        ("community", "kind"): lb.COMMUNITY_KIND,
        ("link", "kind"): lb.LINK_KIND,
        ("activity", "kind"): lb.ACTIVITY_KIND,
        ("problem_step", "kind"): lb.PROBLEM_STEP,
        ("phase", "key"): lb.PHASE,
        ("research", "topic"): TOPIC,
    }


# a field whose label depends on its table: a contact's phone may be a fixed line
TABLE_FIELD_LABELS = {
    ("community", "phone"): "联系电话",
    ("enterprise", "phone"): "联系电话",
    ("cadre", "title"): "职务",
    ("research", "title"): "题目",
    ("activity", "title"): "名称",
    ("cadre", "name"): "姓名",
    ("household", "name"): "户主姓名",
}


def field_label(table: str | None, key: str) -> str:
    """The Chinese label of a journaled field of ``table``."""
    return TABLE_FIELD_LABELS.get((table or "", key)) or FIELD_LABELS.get(key, key)


def _label(table: str | None, key: str, text: str, row: Mapping[str, Any] | None) -> str:
    """A stored key as users read it (``resolved`` → 已解决); other values as they are."""
    from sanlian.i18n.labels import CATEGORIES

    if key == "amount_fen" and text.lstrip("-").isdigit():
        return f"{Decimal(int(text)).scaleb(-2):.2f} 元"
    enum: Mapping[str, str]
    if key == "category":  # its labels depend on the kind of target the problem is about
        kind = str((row or {}).get("target_kind"))
        # (an update holds the changed columns alone: any kind's label for the key then)
        enum = CATEGORIES.get(kind) or {
            k: v for t in reversed(CATEGORIES.values()) for k, v in t.items()
        }
    else:
        enum = _enums().get((table, key)) or _enums().get((None, key)) or {}
    return enum.get(text, text)


# a column that refers to a record of the registry → that record's kind
REF_KINDS = {
    "section_id": "section",
    "cadre_id": "cadre",
    "owner_id": "cadre",
    "previous_owner_id": "cadre",
    "community_id": "community",
    "enterprise_id": "enterprise",
    "household_id": "household",
}

Names = Callable[[str, int], str | None]


def ref_names(session: Session) -> Names:
    """The name of a registry record by (kind, id), read once each (``None``: not on file)."""
    from sanlian.db.models import REGISTRY_MODELS

    found: dict[tuple[str, int], str | None] = {}

    def name(kind: str, record_id: int) -> str | None:
        key = (kind, record_id)
        if key not in found:
            record: Any = session.get(REGISTRY_MODELS[kind], record_id)
            found[key] = None if record is None else str(record.name)
        return found[key]

    return name


def shown(
    key: str,
    value: Any,
    reveal: bool,
    table: str | None = None,
    row: Mapping[str, Any] | None = None,
    names: Names | None = None,
) -> str:
    """A stored value as a clerk reads it: masked numbers unless ``reveal`` (an ID or mobile
    number written in free text too), a stored key as its label (``table`` and the ``row``
    tell which list of labels), a reference as the name of the record (``names``)."""
    from sanlian.services.validate import mask_id, mask_numbers_anywhere, mask_phone

    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    text = str(value)
    if key.endswith("id_number"):
        return text if reveal else str(mask_id(text))
    if key.endswith("phone"):
        return text if reveal else str(mask_phone(text))
    kind = REF_KINDS.get(key)
    if kind is not None and names is not None and text.isdigit():
        name = names(kind, int(text))
        text = f"“{name}”（编号 {text}）" if name is not None else f"编号 {text}"
    else:
        text = _label(table, key, text, row)
    return text if reveal else mask_numbers_anywhere(text)


def masked(values: Mapping[str, Any] | None, reveal: bool) -> dict[str, Any] | None:
    """ID and phone numbers masked unless ``reveal``, and those written in free text."""
    from sanlian.services.validate import mask_numbers_anywhere

    if values is None:
        return None
    out = dict(values)
    if reveal:
        return out
    for k, v in values.items():
        if v is not None and k.endswith(("id_number", "phone")):
            out[k] = shown(k, v, False)
        elif isinstance(v, str):
            out[k] = mask_numbers_anywhere(v)
    return out


def field_lines(
    change: StoredChange, *, reveal: bool, back: bool = False, names: Names | None = None
) -> list[str]:
    """Field by field in Chinese: ``手机号码：138****0000 → 139****1111`` (``back``: the
    undo's direction, from the value now to the value before; ``names``: references shown
    by the names of their records)."""
    if change.is_run:  # ids only: nothing to show, nothing to reveal
        return []
    keys = _pk(_table(change.table)) if change.table in _table_order() else ["id"]
    before, after = change.before or {}, change.after or {}
    lines = []
    if change.action == "update":
        for k in after:
            if k in keys or before.get(k) == after[k]:
                continue
            old = shown(k, before.get(k), reveal, change.table, before, names)
            new = shown(k, after[k], reveal, change.table, after, names)
            if back:
                old, new = new, old
            lines.append(f"{field_label(change.table, k)}：{old} → {new}")
        return lines
    values = after if change.action == "insert" else before
    return [
        f"{field_label(change.table, k)}：{shown(k, v, reveal, change.table, values, names)}"
        for k, v in values.items()
    ]


def describe_run(change: StoredChange) -> str:
    """A run of records: ``联系户 1,000 条（编号 1–1000）``."""
    label = TABLE_LABELS.get(change.table, change.table)
    first, last = change.record_id, change.last_record_id
    ids = f"{first}" if first == last else f"{first}–{last}"
    return f"{label} {change.count:,} 条（编号 {ids}）"


def change_line(
    change: StoredChange, *, reveal: bool, verb: dict[str, str], names: Names | None = None
) -> str:
    if change.is_run:
        return f"{verb.get(change.action, change.action)}{describe_run(change)}"
    row = change.after if change.action == "insert" else change.before
    what = describe_row(change.table, row)  # a name or a title: masked as free text
    if not reveal:
        from sanlian.services.validate import mask_numbers_anywhere

        what = mask_numbers_anywhere(what)
    if change.action == "update":
        lines = field_lines(change, reveal=reveal, back=verb is UNDO_VERBS, names=names)
        return f"{verb['update']}{what}：" + ("；".join(lines) or "（个人信息已清除）")
    return f"{verb.get(change.action, change.action)}{what}"


HISTORY_VERBS = {"insert": "新增", "update": "修改", "delete": "删除", "unknown": "未记录的修改："}
UNDO_VERBS = {"insert": "删除", "update": "改回", "delete": "恢复", "unknown": ""}


def plan_undo(session: Session) -> UndoPlan:
    from sanlian.errors import RuleError

    entry = undo_target(session)
    if entry is None:
        raise RuleError("undo_nothing")
    if entry["kind"] == "legacy":
        raise RuleError("undo_legacy", id=entry["id"], summary=entry["summary"])
    if entry["kind"] == "restore":
        raise RuleError("undo_restore", id=entry["id"], summary=entry["summary"])
    changes = changes_of(session, [int(entry["id"])]).get(int(entry["id"]), [])
    if any(c.action == "unknown" or (c.is_run and c.action != "insert") for c in changes):
        raise RuleError("undo_unrecorded", id=entry["id"], summary=entry["summary"])
    return UndoPlan(entry, changes)


def preview(plan: UndoPlan, *, limit: int = 20, names: Names | None = None) -> list[str]:
    """What the undo will do, in Chinese, last change first."""
    lines = [
        change_line(c, reveal=False, verb=UNDO_VERBS, names=names) for c in reversed(plan.changes)
    ]
    if len(lines) > limit:
        more = len(lines) - limit
        lines = lines[:limit] + [f"……另有 {more} 项，共 {len(plan.changes)} 项。"]
    return lines


def _matches(table: Table, current: Mapping[str, Any], expected: Mapping[str, Any]) -> bool:
    return all(encode(current.get(k)) == v for k, v in expected.items() if k in table.c)


def apply_undo(session: Session, plan: UndoPlan, *, at: dt.datetime, operator: str) -> int:
    """Reverse the entry's changes, last first, in this transaction; journal it. Returns the
    new entry's id. Refuses when a record no longer holds the values the change left."""
    from sqlalchemy import update

    from sanlian.db.models import Journal
    from sanlian.errors import RuleError

    rec = recorder(session)
    if rec is not None:
        rec.paused += 1
    done: list[Change] = []
    touched: dict[str, set[int]] = {}
    conn = session.connection()
    todo = list(reversed(plan.changes))
    try:
        i = 0
        while i < len(todo):
            change = todo[i]
            table = _table(change.table)
            if change.is_run:  # an import's new records, by their ids
                _undo_ids(session, int(plan.entry["id"]), table, change, done)
                i += 1
                continue
            if change.action in ("insert", "delete"):  # a run of them at once (an import batch)
                j = i + 1
                while (
                    j < len(todo)
                    and j - i < 400
                    and (todo[j].table, todo[j].action) == (change.table, change.action)
                    and not todo[j].is_run
                ):
                    j += 1
                _undo_run(session, table, todo[i:j], done)
                for c in todo[i:j]:
                    if change.table in REGISTRY_TABLES and c.record_id is not None:
                        touched.setdefault(change.table, set()).add(c.record_id)
                i = j
                continue
            i += 1
            key = change.before or {}
            where = _pk_where(table, key)
            current = _select_rows(session, table, where)
            if len(current) != 1 or not _matches(table, current[0], change.after or {}):
                raise RuleError("undo_conflict", what=describe_row(change.table, key))
            values = {
                k: decode(table, k, v)
                for k, v in key.items()
                if k in table.c and k not in _pk(table)
            }
            conn.execute(update(table).where(where).values(**values))
            done.append(
                Change(change.table, "update", change.record_id, change.after, change.before)
            )
            renamed = key.get("name") != (change.after or {}).get("name")
            if change.table in REGISTRY_TABLES and change.record_id is not None and renamed:
                touched.setdefault(change.table, set()).add(change.record_id)
        _reindex(session, touched)
    finally:
        if rec is not None:
            rec.paused -= 1
    summary = f"撤销：{plan.entry['summary']}"
    if rec is not None:
        rec.changes.extend(done)
    entry_id = add_entry(
        session,
        at=at,
        operator=operator,
        command="undo",
        summary=summary,
        kind="undo",
        undoes=int(plan.entry["id"]),
    )
    entries: Any = Journal.__table__  # type: ignore[attr-defined]
    conn.execute(update(entries).where(entries.c.id == plan.entry["id"]).values(undone_by=entry_id))
    return entry_id


def _keys_where(table: Table, keys: Sequence[Mapping[str, Any]]) -> Any:
    from sqlalchemy import tuple_

    names = _pk(table)
    if len(names) == 1:
        return table.c[names[0]].in_([decode(table, names[0], k[names[0]]) for k in keys])
    return tuple_(*(table.c[n] for n in names)).in_(
        [tuple(decode(table, n, k[n]) for n in names) for k in keys]
    )


def _undo_run(
    session: Session, table: Table, run: Sequence[StoredChange], done: list[Change]
) -> None:
    """Undo changes of one table and one action together: delete what was inserted (if it
    still holds the values it was given), or put back what was deleted (if not there again)."""
    from sqlalchemy import delete, insert

    from sanlian.errors import RuleError

    inserted = run[0].action == "insert"
    keys = [(c.after if inserted else c.before) or {} for c in run]
    current = {_key_of(table, r): r for r in _rows_by_keys(session, table, keys)}
    for key in keys:
        now = current.get(_key_of(table, key))
        ok = (now is not None and _matches(table, now, key)) if inserted else now is None
        if not ok:
            raise RuleError("undo_conflict", what=describe_row(table.name, key))
    conn = session.connection()
    if inserted:
        conn.execute(delete(table).where(_keys_where(table, keys)))
        done.extend(Change(table.name, "delete", c.record_id, c.after, None) for c in run)
    else:
        rows = [{k: decode(table, k, v) for k, v in key.items() if k in table.c} for key in keys]
        conn.execute(insert(table), rows)
        done.extend(Change(table.name, "insert", c.record_id, None, c.before) for c in run)


def _undo_ids(
    session: Session, entry_id: int, table: Table, run: StoredChange, done: list[Change]
) -> None:
    """Delete the records of a run (and their search keys), refused (``undo_conflict``) when
    a later entry not undone changed any of them, when one is gone, or when anything refers
    to one of them now (a link, a visit, a problem added since)."""
    from sqlalchemy import and_, delete, func, or_, select

    from sanlian.db.models import Journal, JournalChange, SearchKey
    from sanlian.errors import RuleError
    from sanlian.services import refs

    first, last = int(cast(int, run.record_id)), int(cast(int, run.last_record_id))
    conn = session.connection()
    ids = table.c.id

    def refuse(record_id: int) -> None:
        row = conn.execute(select(table).where(ids == record_id)).first()
        found = dict(row._mapping) if row is not None else {"id": record_id}
        raise RuleError("undo_conflict", what=describe_row(table.name, found))

    changes: Any = JournalChange.__table__  # type: ignore[attr-defined]
    entries: Any = Journal.__table__  # type: ignore[attr-defined]
    # undo entries only put back what the entries they undid had changed
    later = (
        select(changes.c.record_id)
        .join(entries, entries.c.id == changes.c.journal_id)
        .where(
            changes.c.journal_id > entry_id,
            entries.c.undone_by.is_(None),
            entries.c.kind.in_(("change", "purge", "legacy")),
            changes.c.table_name == table.name,
            or_(
                changes.c.record_id.between(first, last),
                and_(changes.c.last_record_id >= first, changes.c.record_id <= last),
            ),
        )
        .limit(1)
    )
    touched = conn.execute(later).scalar()
    if touched is not None:
        refuse(max(first, int(touched)))
    present = conn.execute(
        select(func.count()).select_from(table).where(ids.between(first, last))
    ).scalar()
    if present != run.count:
        have = set(conn.execute(select(ids).where(ids.between(first, last))).scalars())
        refuse(next(i for i in range(first, last + 1) if i not in have))
    for child, column in _referring(table):
        used = conn.execute(
            select(child.c[column]).where(child.c[column].between(first, last)).limit(1)
        ).scalar()
        if used is not None:
            refuse(int(used))
    conn.execute(delete(table).where(ids.between(first, last)))
    keys: Any = SearchKey.__table__  # type: ignore[attr-defined]
    if table.name in REGISTRY_TABLES:
        of_run = keys.c.ref_id.between(first, last)
        conn.execute(delete(keys).where(refs.keys_where(keys, table.name, of_run)))
    done.append(Change(table.name, "delete", first, None, None, last))


@functools.cache
def _referring(table: Table) -> list[tuple[Table, str]]:
    """(table, column) of every reference to ``table``'s ``id`` (derived tables too)."""
    from sqlmodel import SQLModel

    return [
        (child, fk.parent.name)
        for child in SQLModel.metadata.sorted_tables
        for fk in child.foreign_keys
        if fk.column.table is table and child.name not in SKIP_TABLES
    ]


def _reindex(session: Session, touched: Mapping[str, set[int]]) -> None:
    """Search keys of the registry records an undo touched: rebuilt, or dropped if gone."""
    from sqlalchemy import delete, select

    from sanlian.db.models import SearchKey
    from sanlian.services import refs

    keys: Any = SearchKey.__table__  # type: ignore[attr-defined]
    conn = session.connection()
    for kind, ids in touched.items():
        table = _table(kind)
        wanted = sorted(ids)
        for start in range(0, len(wanted), 400):
            chunk = wanted[start : start + 400]
            present = {
                int(r.id): str(r.name)
                for r in conn.execute(select(table.c.id, table.c.name).where(table.c.id.in_(chunk)))
            }
            gone = [i for i in chunk if i not in present]
            if gone:
                conn.execute(
                    delete(keys).where(refs.keys_where(keys, kind, keys.c.ref_id.in_(gone)))
                )
            for ref_id, name in present.items():
                refs.set_keys(cast(Any, session), kind, ref_id, name)
