"""Batch import: rosters and ledgers from the CSV and Excel files offices really send.

One engine behind every ``KIND import``:

1. find the header row (title rows above it are skipped) and map its columns to fields by their
   Chinese names and common variants, or by ``--map 列名=字段``; an unknown column is reported,
   a missing required column stops the import before any row is read;
2. read the rows lazily, in batches: every value is checked by the same rules as the ``add``
   commands (:func:`sanlian.services.registry.clean_values`), every problem of every row is
   collected with its row number as Excel shows it, its column, value and reason;
3. match each good row to an existing record — first by its 台账编号 (the record's number, which
   every export writes in a column of that name), then cadre by ID number, else name and
   section; household by ID number, else name and community; enterprise by credit code, else
   name; community by name and township — and plan it as added, updated or unchanged;
4. write, in bulk, inside one savepoint of the command's one transaction: kept if every row is
   good (or ``skip_bad``), rolled back for a dry run or when a row is bad.

An empty cell leaves the stored value as it is: an import adds and corrects, it never erases.
A reference to a retired record (an export names it) is accepted where the row matches an
existing record that already refers to it; a new row, or a changed reference, is refused,
unless the row records a day before the record was retired (a visit of October by a cadre who
left in November).

The registry kinds are written in bulk (``insert`` with RETURNING, pinyin search keys likewise),
batch by batch, so that 100,000 rows stream in flat memory. A large file of a registry kind is
read and its values checked (step 2) by a forked process on the second core while this one
matches and writes (``_Forked``): the same rows in the same order, the same refusals and hints.
The ``import`` command starts it before the database is opened (``begin_early``).
Into an empty table, the rows of later batches are matched against what the earlier ones wrote
by ids kept in memory (``_existing_fresh``), and a large file is written without the table's
plain indexes, built again at the end. The ledgers (links, visits,
problems, research reports) go row by row through their services' own ``add``, each in a
savepoint, because their rules depend on what the earlier rows recorded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import itertools
import re
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sanlian.errors import ImportFileError, RuleError, SanlianError, ValidationError
from sanlian.i18n.messages import render
from sanlian.io.cells import (
    Cell,
    ExcelError,
    NoResult,
    digits_text,
    display,
    excel_serial,
    fold_width,
    looks_scientific,
    serial_date,
)

if TYPE_CHECKING:
    from sqlmodel import Session

    from sanlian.io.readers import Table
    from sanlian.services.lookups import Lookups

BATCH = 1000  # rows a batch: looked up, matched and written together (400 took ~0.25 s more
# for 100,000 rows, in the statements of each batch)
HEADER_SCAN = 10  # the header row is looked for among the first rows that are not blank
NOTE_LIMIT = 20  # notes kept word for word; the rest are counted
GC_THRESHOLD = 50_000  # allocations between young-generation collections during an import
KEY_INDEX_DEFER = 20_000  # search keys an import writes before it may defer their index
INDEX_REBUILD_MIN = 10_000  # rows a file holds before an empty table's indexes wait for the end
LOOKUP_INDEX = "ix_search_key_lookup"  # search_key (kind, key)
IMPORT_CACHE_KIB = 32_768  # SQLite page cache during an import (see ``_larger_cache``)
GROUP_LIMIT = 5  # notes of one kind (the area-code hint) listed before they are summarised

# Columns a file may carry that are no field: row serial numbers, our own numbers and reports.
# A section's roster has its own 序号/编号 columns, which mean nothing here; the record's number
# in the ledger travels in a column of a distinctive name, written by every export.
IGNORED_HEADERS = ("序号", "编号", "id", "原行号", "错误原因", "停用日期", "被引用")
RECORD_HEADER = "台账编号"
RECORD_KEY = "__record__"  # how the 台账编号 column is named where a field key is expected
SENSITIVE_TYPES = frozenset({"phone", "tel", "id_number"})  # masked unless --reveal
CODE_TYPES = SENSITIVE_TYPES | {"uscc"}  # written as text in a sheet (no 1.37E+17)
BAD_LINE_HEADER = "原行号"
BAD_REASON_HEADER = "错误原因"

NUMBER_TYPES = CODE_TYPES | {"int"}
PROSE_TYPES = {"text", "line", "word"}  # free text; "line": on one line (a title); "word":
# a few words that hold no number (a township, a grid, a trade)


# --- fields and their Chinese names ---------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One importable column."""

    key: str  # the values key the service reads
    label: str  # the header we write (export, template)
    type: str = "text"  # text line name enum bool int phone id_number uscc ref refs date …
    required: bool = False
    aliases: tuple[str, ...] = ()
    enum: Mapping[str, str] | None = None
    ref: str | None = None
    help: str = ""
    example: Any = None
    limit: int = 2000

    @property
    def column(self) -> str:
        return f"{self.key}_id" if self.type == "ref" else self.key

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, self.key, *self.aliases)


PHONE_ALIASES = (
    "手机号码",
    "手机",
    "手机号",
    "联系电话",
    "电话",
    "联系方式",
    "移动电话",
    "联系手机",
    "联系人电话",
    "联系人手机",
    "手机号码(联系人)",
    "电话号码",
    "联系电话号码",
    "移动电话号码",
    "联系人电话号码",
)

# Variants of the column names found in real rosters, beyond each field's own label.
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "section": {
        "name": ("科室", "科室名称", "名称", "部门", "部门名称", "处室", "单位"),
        "note": ("说明",),
    },
    "cadre": {
        "name": ("姓名", "名字", "干部姓名", "人员姓名", "党员姓名"),
        "section": ("科室", "部门", "所在科室", "所在部门", "科室名称", "处室", "工作部门"),
        "gender": ("性别",),
        "title": ("职务", "现任职务", "职位", "岗位"),
        "party": ("政治面貌", "党派", "政治身份"),
        "is_leader": (
            "领导班子成员",
            "班子成员",
            "是否领导班子成员",
            "是否班子成员",
            "是否领导班子",
        ),
        "role": ("领导小组职务", "领导小组", "小组职务", "领导小组分工"),
        "phone": PHONE_ALIASES,
        "id_number": ("身份证号码", "身份证号", "身份证", "公民身份号码", "身份号码", "证件号码"),
        "note": ("备注", "说明"),
    },
    "community": {
        "name": (
            "名称",
            "社区名称",
            "村名",
            "社区(村)",
            "社区(村)名称",
            "村(社区)",
            "社区",
            "村",
            "社区村",
        ),
        "kind": ("类别", "类型", "社区/村", "社区或村"),
        "town": (
            "乡镇(街道)",
            "乡镇",
            "街道",
            "所属乡镇",
            "所属街道",
            "乡镇街道",
            "所属乡镇(街道)",
        ),
        "grid": ("网格", "所属网格", "网格名称"),
        "contact": ("联系人", "负责人", "联系人姓名", "书记", "社区联系人", "村联系人"),
        "phone": PHONE_ALIASES,
        "note": ("备注", "说明"),
    },
    "enterprise": {
        "name": ("企业名称", "企业", "公司名称", "单位名称", "名称", "企业(单位)名称"),
        "uscc": ("统一社会信用代码", "信用代码", "社会信用代码", "统一代码", "统一信用代码"),
        "industry": ("行业", "所属行业", "行业类别", "行业分类"),
        "address": ("地址", "企业地址", "注册地址", "经营地址", "住所", "所在地"),
        "contact": ("联系人", "联系人姓名", "负责人", "企业联系人"),
        "phone": PHONE_ALIASES,
        "note": ("备注", "说明"),
    },
    "household": {
        "name": ("户主姓名", "户主", "姓名", "名字", "联系户", "群众姓名", "户名"),
        "community": (
            "所在社区(村)",
            "社区(村)",
            "社区",
            "村",
            "所在社区",
            "所在村",
            "村(社区)",
            "所属社区",
            "社区名称",
        ),
        "phone": PHONE_ALIASES,
        "id_number": ("身份证号码", "身份证号", "身份证", "公民身份号码", "身份号码", "证件号码"),
        "members": ("家庭人口", "人口", "家庭人数", "人口数", "家庭人口数", "人数"),
        "needs": (
            "需求",
            "困难需求",
            "困难和需求",
            "主要困难",
            "困难诉求",
            "诉求",
            "主要需求",
            "困难",
        ),
        "address": ("地址", "住址", "家庭住址", "家庭地址", "居住地址"),
        "note": ("备注", "说明"),
    },
}

HELP: dict[str, str] = {
    "name": "名称或姓名。",
    "phone": "13—19 开头的 11 位手机号码；请把该列设为“文本”格式。",
    "tel": "手机号码，或连区号的固定电话（如 0539-8123456）；请把该列设为“文本”格式。",
    "id_number": "18 位居民身份证号码，最后一位可为 X；会核对校验位、出生日期和性别。"
    "请把该列设为“文本”格式，否则 Excel 会把它变成 3.70102E+17 并丢掉后几位。",
    "uscc": "18 位统一社会信用代码（营业执照上），会核对校验位；请把该列设为“文本”格式。",
    "note": "备注，可换行。",
}

EXAMPLES: dict[str, dict[str, Any]] = {
    "section": {"name": "办公室", "note": "示例：导入时自动跳过本行"},
    "cadre": {
        "name": "张三",
        "section": "办公室",
        "gender": "男",
        "title": "科员",
        "party": "中共党员",
        "is_leader": "否",
        "phone": "13800000000",
        "id_number": "110105194912310011",  # (a man's: the 17th digit odd)
        "note": "示例：导入时自动跳过本行",
    },
    "community": {
        "name": "幸福社区",
        "kind": "社区",
        "town": "兰山街道",
        "grid": "第一网格",
        "contact": "李四",
        "phone": "13800000001",
        "note": "示例：导入时自动跳过本行",
    },
    "enterprise": {
        "name": "示例机械有限公司",
        "uscc": "91350100M000100Y43",
        "industry": "机械制造",
        "address": "工业大道 1 号",
        "contact": "王五",
        "phone": "13800000002",
        "note": "示例：导入时自动跳过本行",
    },
    "household": {
        "name": "赵六",
        "community": "幸福社区",
        "phone": "13800000003",
        "id_number": "11010519491231002X",
        "members": 3,
        "needs": "子女就学",
        "address": "幸福路 2 号",
        "note": "示例：导入时自动跳过本行",
    },
}


# the ID numbers of the templates' example rows, those of earlier versions too: a row still
# holding one is the example written over, not the person's number
EXAMPLE_IDS = frozenset(
    {"11010519491231002X", *(e["id_number"] for e in EXAMPLES.values() if "id_number" in e)}
)


def registry_fields(kind: str) -> tuple[Field, ...]:
    """The import fields of a registry kind, from ``registry.KINDS`` plus the variants above."""
    from sanlian.services.registry import KINDS

    spec = KINDS[kind]
    out = []
    for f in spec.fields:
        help_text = HELP.get(f.type) or HELP.get(f.key) or ""
        if f.type == "enum" and f.enum:
            help_text = "填写：" + "、".join(f.enum.values()) + "。"
            if kind == "community" and f.key == "kind":  # ``registry.community_kind``
                help_text += "新登记的不填时，名称以“村”结尾的算村，其余算社区。"
        elif f.type == "bool":
            help_text = "填写 是 或 否（空白为否）。"
        elif f.type == "ref":
            help_text = f"填写已登记的{_kind_label(f.ref or '')}名称（或编号）。"
        elif f.type == "int":
            help_text = "正整数。"
        elif not help_text:
            help_text = f"不超过 {f.limit} 字。"
        out.append(
            Field(
                key=f.key,
                label=f.label,
                type=f.type,
                required=f.required,
                aliases=ALIASES.get(kind, {}).get(f.key, ()),
                enum=f.enum,
                ref=f.ref,
                help=("必填。" if f.required else "") + help_text,
                example=EXAMPLES.get(kind, {}).get(f.key),
            )
        )
    return tuple(out)


def _kind_label(kind: str) -> str:
    from sanlian.services.refs import KIND_LABEL

    return KIND_LABEL.get(kind, kind)


def header_key(text: Any) -> str:
    """A header as compared: NFKC, no blanks, no ``*`` or （必填） markers, lower case."""
    clean = unicodedata.normalize("NFKC", str(text or "")).lower()
    clean = re.sub(r"\s+", "", clean)
    clean = re.sub(r"\((必填|选填|可选|必须)\)$", "", clean)
    return clean.strip("*:：")


# --- the file's columns ---------------------------------------------------------------------


@dataclass
class Columns:
    """Which cell of a row feeds which field."""

    header_line: int
    headers: list[str]
    fields: dict[int, Field]  # cell index → field
    unknown: list[str]
    record: int | None = None  # cell index of the 台账编号 column, if the file has one
    pending: list[tuple[int, list[Cell]]] = field(default_factory=list)  # read after it, a row
    nameless: list[str] = field(default_factory=list)  # see ``_nameless``
    across: frozenset[int] = frozenset()  # rows with a cell merged across the row (a heading)
    # a phone field's cell index → every column feeding it, in the order a number is taken
    # from them (``_twin_phones``): a roster with both 联系电话 and 手机号码
    twins: dict[int, tuple[int, ...]] = field(default_factory=dict)

    def header_of(self, key: str) -> str:
        if key == RECORD_KEY:
            return self.headers[self.record] if self.record is not None else RECORD_HEADER
        for index, f in self.fields.items():
            if f.key == key:
                return self.headers[index]
        return key


IGNORE_TARGETS = {"-", "忽略", "不导入", "ignore"}


def parse_mapping(items: Sequence[str], fields: Sequence[Field], kind_label: str) -> dict[str, str]:
    """``--map 列名=字段`` options as header key → field key (``""`` for ``列名=忽略``)."""
    out: dict[str, str] = {}
    for item in items:
        if "=" not in item and "＝" not in item:
            raise ImportFileError("import_map_invalid", value=item)
        column, _sep, target = item.replace("＝", "=").partition("=")
        if not column.strip() or not target.strip():
            raise ImportFileError("import_map_invalid", value=item)
        if target.strip().lower() in IGNORE_TARGETS:
            out[header_key(column)] = ""
            continue
        wanted = header_key(target)
        found = next((f for f in fields if wanted in {header_key(n) for n in f.names}), None)
        if found is None:
            choices = "、".join(f"{f.label}({f.key})" for f in fields)
            raise ImportFileError(
                "import_map_field", field=target, kind=kind_label, choices=choices
            )
        out[header_key(column)] = found.key
    return out


def _lookup(fields: Sequence[Field], mapping: Mapping[str, str]) -> dict[str, tuple[int, Field]]:
    """Header key → (priority, field): --map 0, a field's own label or key 1, a variant 2."""
    table: dict[str, tuple[int, Field]] = {}
    by_key = {f.key: f for f in fields}
    # A field's own label and key win over another field's variant (户主姓名 vs 姓名).
    for f in fields:
        for name in (f.label, f.key):
            table.setdefault(header_key(name), (1, f))
    for f in fields:
        for name in f.aliases:
            table.setdefault(header_key(name), (2, f))
    for column, key in mapping.items():
        if key:
            table[column] = (0, by_key[key])
    return table


def _known(key: str, table: Mapping[str, Any]) -> str:
    """A header key, or the field name it starts with when a note in brackets follows it
    (``手机号码（11位）``, ``科室\n（部门）``): names such as ``所在社区(村)`` match whole first."""
    if key in table:
        return key
    bare = re.sub(r"\([^()]*\)$", "", key)
    return bare if bare and bare in table else key


def _keys_of(cells: Sequence[Cell], table: Mapping[str, Any]) -> list[str]:
    return [_known(header_key(c), table) if isinstance(c, str) else "" for c in cells]


def _pairs(first: Sequence[Any], second: Sequence[Any]) -> list[tuple[Any, Any]]:
    width = max(len(first), len(second))
    return [
        (first[i] if i < len(first) else None, second[i] if i < len(second) else None)
        for i in range(width)
    ]


def _sub_header(
    row: tuple[int, list[Cell]] | None,
    table: Mapping[str, Any],
    skipped: set[str],
    above: Sequence[Cell] = (),
) -> list[Cell] | None:
    """The row under the header when it is a second header row (``联系方式`` over ``手机号码``
    and ``身份证号码``): its filled cells column names, at least half of them known ones (a
    name not known, 办公电话 under 联系方式, is then an unknown column), and no digit among
    them. ``None`` when it is data. A cell the same as the header's above it is the header's
    own, merged down over both rows (籍贯 beside 联系方式, given to each row by the reader):
    counted as blank here."""
    if row is None:
        return None
    cells = [
        None if i < len(above) and c is not None and c == above[i] else c
        for i, c in enumerate(row[1])
    ]
    keys = _keys_of(cells, table)
    filled = [k for c, k in zip(cells, keys, strict=True) if c is not None and str(c).strip()]
    known = sum(1 for k in filled if k in table or k in skipped)
    if not known or 2 * known < len(filled) or any(ch.isdigit() for k in filled for ch in k):
        return None
    return cells


def find_columns(
    rows: Iterator[tuple[int, list[Cell]]],
    fields: Sequence[Field],
    mapping: Mapping[str, str],
    *,
    path: Path,
    kind_label: str,
    ignored: Sequence[str] = (),
    mapped: bool = True,
) -> Columns:
    """Read rows until the header: the first of the first non-blank rows naming ≥2 fields
    (or all the required ones). ``mapped``: refuse a header without a column --map names."""
    table = _lookup(fields, mapping)
    required = {f.key for f in fields if f.required}
    skipped = {header_key(h) for h in (*IGNORED_HEADERS, *ignored)}
    skipped |= {column for column, key in mapping.items() if not key}
    seen = 0
    for line, cells in rows:
        seen += 1
        keys = [_known(header_key(c), table) if isinstance(c, str) else "" for c in cells]
        named = {table[k][1].key for k in keys if k in table and k not in skipped}
        if len(named) >= 2 or (named and required and required <= named):
            top = cells
            after = next(rows, None)
            below = _sub_header(after, table, skipped, cells)
            if after is not None and below is not None:  # a second header row under groups
                cells = [
                    b if b is not None and str(b).strip() else c for b, c in _pairs(below, cells)
                ]
                keys = [b if b else k for b, k in _pairs(_keys_of(below, table), keys)]
            for column in mapping:  # a --map of a name two columns have: which one?
                at = [
                    i
                    for i, c in enumerate(cells)
                    if isinstance(c, str) and column in (header_key(c), keys[i])
                ]
                if len(at) > 1:
                    raise _same_name(display(cells[at[0]]).strip(), at, "import_map_ambiguous")
            found = _columns(line, cells, keys, table, skipped, fields, kind_label)
            if mapped:
                _mapped_in(mapping, [*top, *cells], table, found.headers)
            if after is not None and below is None:
                found.pending.append(after)
                found.nameless = _nameless(found.headers, after[1])
            return found
        if seen >= HEADER_SCAN:
            break
    if seen == 0:
        raise ImportFileError("import_empty", path=path)
    examples = "、".join(f.label for f in fields[:4])
    raise ImportFileError("import_no_header", rows=HEADER_SCAN, examples=examples)


def _mapped_in(
    mapping: Mapping[str, str],
    cells: Sequence[Cell],
    table: Mapping[str, Any],
    headers: Sequence[str],
) -> None:
    """Refuse a --map of a column the header does not have (a typo in its name): its column
    would go unread without a word. A header cell names it as the header is read: whole, or
    with a note in brackets after it (``工作单位（全称）``); ``cells``: both rows of a header
    of two."""
    here = {header_key(c) for c in cells if c is not None}
    here |= {_known(key, table) for key in here}
    for column in mapping:
        if column not in here:
            shown = "、".join(f"“{h}”" for h in headers if h)
            raise ImportFileError("import_map_missing", column=column, headers=shown)


def _nameless(headers: Sequence[str], cells: Sequence[Cell]) -> list[str]:
    """Where the first row under the header holds a value in a column without a name (a blank
    header cell, or past the header's last one): the name of the column before each such
    column (``""`` for none). Their cells are not read; the clerk is told where they are."""
    out: list[str] = []
    for index, cell in enumerate(cells):
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            continue
        if index < len(headers) and headers[index]:
            continue
        if isinstance(cell, str) and cell.strip().isdigit() and len(cell.strip()) <= 4:
            continue  # a row's number in a column left without a header (序号): nothing lost
        left = next(
            (headers[i] for i in range(min(index, len(headers)) - 1, -1, -1) if headers[i]), ""
        )
        if left not in out:
            out.append(left)
    return out


def _columns(
    line: int,
    cells: list[Cell],
    keys: list[str],
    table: dict[str, tuple[int, Field]],
    ignored: set[str],
    fields: Sequence[Field],
    kind_label: str,
) -> Columns:
    headers = [display(c).strip() for c in cells]
    best: dict[str, tuple[int, int]] = {}  # field key → (priority, cell index)
    unknown: list[str] = []
    unused: list[int] = []
    phones: dict[str, list[int]] = {}  # a phone field's columns, when more than one
    record: int | None = None
    record_key = header_key(RECORD_HEADER)
    for index, key in enumerate(keys):
        if not key or key in ignored:
            continue
        if key == record_key and key not in table:
            if record is not None:
                raise ImportFileError(
                    "import_duplicate_column",
                    first=headers[record],
                    second=headers[index],
                    field=RECORD_HEADER,
                )
            record = index
            continue
        if key not in table:
            unknown.append(headers[index])
            continue
        rank, f = table[key]
        if isinstance(cells[index], str) and header_key(cells[index]) != key:
            rank += 10  # named with a note in brackets: a column named plainly comes first
        if f.key not in best:
            best[f.key] = (rank, index)
            continue
        other_rank, other = best[f.key]
        if f.type in PHONE_TYPES and header_key(headers[other]) != header_key(headers[index]):
            phones.setdefault(f.key, [other]).append(index)  # read both (``_twin_phones``)
            if rank < other_rank:
                best[f.key] = (rank, index)
            continue
        if header_key(headers[other]) == header_key(headers[index]):
            raise _same_name(headers[index], (other, index))
        if rank == other_rank:
            raise ImportFileError(
                "import_duplicate_column",
                first=headers[other],
                second=headers[index],
                field=f.label,
            )
        if rank < other_rank:
            best[f.key] = (rank, index)
            unused.append(other)
        else:
            unused.append(index)
    by_key = {f.key: f for f in fields}
    chosen = {index: by_key[key] for key, (_rank, index) in best.items()}
    for index in sorted(unused):
        unknown.append(headers[index])
    for f in fields:
        if f.required and f.key not in best:
            broken = next((i for i, c in enumerate(cells) if isinstance(c, ExcelError)), None)
            if broken is not None:  # a header cell a formula left as #REF!: likely the one
                from sanlian.io.xlsx_stream import column_letter

                raise ImportFileError(
                    "import_missing_column_error",
                    kind=kind_label,
                    column=f.label,
                    line=line,
                    letter=column_letter(broken + 1),
                    value=headers[broken],
                )
            raise ImportFileError(
                "import_missing_column",
                kind=kind_label,
                column=f.label,
                aliases="、".join(
                    a for a in dict.fromkeys(f.aliases) if header_key(a) != header_key(f.label)
                )
                or f.label,
            )
    return Columns(
        header_line=line,
        headers=headers,
        fields=dict(sorted(chosen.items())),
        unknown=unknown,
        record=record,
        twins=_twin_phones(phones, best, headers),
    )


def _same_name(name: str, indexes: Sequence[int], key: str = "import_same_columns") -> Any:
    """The refusal of two columns of one name (no --map can tell them apart)."""
    from sanlian.io.xlsx_stream import column_letter

    letters = "、".join(column_letter(i + 1) for i in indexes)
    return ImportFileError(key, column=name, letters=letters)


PHONE_TYPES = frozenset({"phone", "tel"})
MOBILE_WORDS = ("手机", "移动")  # a column named so holds a mobile number


def _twin_phones(
    phones: Mapping[str, list[int]], best: Mapping[str, tuple[int, int]], headers: list[str]
) -> dict[int, tuple[int, ...]]:
    """The columns of each phone field with more than one (联系电话 and 手机号码): keyed by
    the column chosen for it, in the order a row's number is taken (``_phone_cell``) —
    those named as a mobile's first, then the column chosen, then the others."""
    out: dict[int, tuple[int, ...]] = {}
    for key, indexes in phones.items():
        chosen = best[key][1]
        order = sorted(
            set(indexes),
            key=lambda i: (
                not any(w in headers[i] for w in MOBILE_WORDS),
                i != chosen,
                i,
            ),
        )
        out[chosen] = tuple(order)
    return out


def _phone_cell(cells: Sequence[Cell], order: tuple[int, ...]) -> tuple[int, Cell, bool]:
    """A row's number where a phone field has several columns (``Columns.twins``): the one
    filled; of two filled with different numbers, the mobile number (the field holds one),
    of two mobiles the one in a column named as a mobile's. (Its column, the cell, and whether
    another column held a different number, which is not imported.)"""
    width = len(cells)
    filled = [(i, cells[i]) for i in order if i < width and _filled(cells[i])]
    if not filled:
        return order[0], None, False
    numbers = {_digits(c) for _i, c in filled}
    pick = next((item for item in filled if _mobile_like(item[1])), filled[0])
    return pick[0], pick[1], len(numbers) > 1


def _filled(cell: Cell) -> bool:
    return cell is not None and not (type(cell) is str and not cell.strip())


def _digits(cell: Cell) -> str:
    text = fold_width(display(cell))
    digits = "".join(ch for ch in text if ch.isdigit())
    return digits[2:] if len(digits) == 13 and digits.startswith("86") else digits


def _mobile_like(cell: Cell) -> bool:
    digits = _digits(cell)
    return len(digits) == 11 and digits.startswith("1")


# --- cells to values ------------------------------------------------------------------------

_FORMULA_TEXT = re.compile(r'^="(.*)"$')


class CellProblem(Exception):
    """A cell refused before its field's rule is asked (a number Excel has already damaged)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def prepare(value: Cell, f: Field) -> Any:
    """A cell as the field's rule wants it: text (or a date), ``None`` when blank."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        if f.type == "int":  # 3 in a cell formatted as a date: 1900-01-03
            raise CellProblem(render("import_int_date", field=f.label, value=display(value)))
        return value if f.type == "date" else display(value)
    if isinstance(value, NoResult):
        raise CellProblem(render("import_formula_no_result", field=f.label, value=value))
    if isinstance(value, ExcelError):
        raise CellProblem(render("import_excel_error", field=f.label, value=value))
    text = value
    if f.type in PROSE_TYPES:
        return text if text.strip() else None
    text = fold_width(text).strip()
    if not text:
        return None
    if f.type in NUMBER_TYPES and not (text.isascii() and text.isdigit()):
        # (plain ASCII digits, the usual cell, are already what the steps below would give)
        match = _FORMULA_TEXT.match(text)
        if match:
            text = match.group(1)
        text = text.lstrip("'").strip()
        if looks_scientific(text):  # a number's digits lost, or a count written so
            key = "import_int_scientific" if f.type == "int" else "import_scientific"
            raise CellProblem(render(key, field=f.label, value=text))
        text = digits_text(text)
    return text


def record_number(value: Cell) -> int | None:
    """A 台账编号 cell: the record's number (``12``, ``#12``, ``12.0`` from an Excel number)."""
    if value is None:
        return None
    if isinstance(value, ExcelError):
        raise CellProblem(render("import_excel_error", field=RECORD_HEADER, value=value))
    text = display(value) if isinstance(value, dt.date) else value
    text = digits_text(fold_width(text).strip().lstrip("#＃").strip())
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 9 or int(text) < 1:
        raise CellProblem(render("import_record_invalid", value=display(value)))
    return int(text)


# --- results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    column: str
    value: str
    reason: str
    type: str = ""  # the field type of the column: ID and phone numbers are masked on screen

    def shown(self, reveal: bool = False) -> str:
        """The value as the screen shows it: an ID or phone number masked unless ``reveal``.

        (The saved ``.错误`` file keeps the full values: it goes back to the section that sent
        the file, to correct it.) A number Excel has already ruined (``3.70102E+17``) is shown
        as Excel shows it: it holds no full number, and it is what the clerk will look for; so
        are words written in its place (``暂无``).
        """
        from sanlian.services.validate import mask_id, mask_numbers_anywhere, mask_phone

        if reveal or not self.value:
            return self.value
        if self.type not in SENSITIVE_TYPES:  # a number in a column of another kind
            return mask_numbers_anywhere(self.value)
        if looks_scientific(self.value) or sum(ch.isdigit() for ch in self.value) < 7:
            return self.value  # ``暂无``, ``（11位）``: words, no number to hide
        masked = mask_id(self.value) if self.type == "id_number" else mask_phone(self.value)
        return masked or self.value

    def said(self, reveal: bool = False) -> str:
        """The reason, which quotes a number of the value masked (“138***4567”) as every
        message does; with ``reveal`` that quote is the value as written, as the 值 column
        shows it. Only a quote that is this value masked (the same length, its shown digits
        those of the value with separators and blanks dropped) is put back."""
        if not reveal:  # a number the reason quotes from a column of another kind too
            from sanlian.services.validate import mask_numbers_anywhere

            return mask_numbers_anywhere(self.reason)
        if "*" not in self.reason or not self.value:
            return self.reason
        written = _SEPARATORS.sub("", self.value).upper()

        def back(found: re.Match[str]) -> str:
            quoted = found[2]
            head, _stars, tail = quoted.partition("*")
            tail = tail.lstrip("*")
            if len(quoted) == len(written) and written.startswith(head) and written.endswith(tail):
                return found[1] + self.value + found[3]
            return found[0]

        return _MASKED_QUOTE.sub(back, self.reason)


# a masked number a reason quotes: “138***4567”, or （370102********1237） after words
class Notice(Problem):
    """Not a refusal: how a cell was read (a date in a text column), said among the notes."""


_MASKED_QUOTE = re.compile(r"([“（])([0-9X]*\*+[0-9X]*)([”）])")
_SEPARATORS = re.compile(r"[\s\-()（）]")


@dataclass
class BadRow:
    line: int
    cells: list[Cell]
    problems: list[Problem]


@dataclass(frozen=True)
class Planned:
    line: int
    action: str  # add update unchanged
    name: str
    changes: tuple[str, ...] = ()  # labels of the fields an update changes


@dataclass
class ImportResult:
    kind: str
    label: str
    path: Path
    fmt: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    header_line: int = 0
    rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_example: bool = False
    example_line: int = 0  # where the template's example was (``skipped_example``)
    bad: list[BadRow] = field(default_factory=list)
    planned: list[Planned] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    more_notes: int = 0
    more_similar: dict[str, int] = field(default_factory=dict)  # group → notes not listed
    _groups: dict[str, int] = field(default_factory=dict, repr=False)
    unknown_columns: list[str] = field(default_factory=list)
    nameless_after: list[str] = field(default_factory=list)  # ``Columns.nameless``
    other_data_sheets: list[str] = field(default_factory=list)  # not imported, headed like this
    bad_file: Path | None = None
    written_at: dt.datetime | None = None  # when sanlian wrote the file, if it says
    written: bool = False
    # said only once the import is written (a cadre moved: its per-section figures move too)
    written_notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def bad_count(self) -> int:
        return len(self.bad)

    def note(self, text: str, group: str = "") -> None:
        """Keep a note for the clerk; of one ``group`` (the same hint for many rows) only the
        first few are listed, the rest counted."""
        if group:
            seen = self._groups.get(group, 0)
            self._groups[group] = seen + 1
            if seen >= GROUP_LIMIT:
                self.more_similar[group] = self.more_similar.get(group, 0) + 1
                return
        if len(self.notes) < NOTE_LIMIT:
            self.notes.append(text)
        else:
            self.more_notes += 1

    def summary(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": str(self.path),
            "rows": self.rows,
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "bad": self.bad_count,
            "written": self.written,
            "bad_file": str(self.bad_file) if self.bad_file else None,
        }


# --- the importers --------------------------------------------------------------------------


@dataclass
class Row:
    line: int
    cells: list[Cell]
    values: dict[str, Any]
    data: dict[str, Any] = field(default_factory=dict)
    record_id: int | None = None  # the 台账编号 the row carries
    record_text: str = ""  # that cell as the file shows it
    notes: list[str] = field(default_factory=list)  # hints from checking its values
    keys: tuple[str, ...] | None = None  # its name's search keys, worked out ahead (``_front``)


def written_note(at: dt.datetime) -> str:
    """What an import's journal entry ends with when its workbook says when sanlian wrote it:
    another import of the same workbook (the clerk's working copy) knows its own by it."""
    aware = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
    return f"（文件由 sanlian 写于 {aware.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC）"


# a change journaled since a file was written: (entry, when, the values before, after, whether
# an import of a workbook of the same name and writing — this file, or a copy of it — made it)
Since = tuple[int, dt.datetime, dict[str, Any], dict[str, Any], bool]


def _local(moment: dt.datetime) -> str:
    """A time stored in UTC, as the clerk's clock shows it."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return f"{aware.astimezone():%Y-%m-%d %H:%M}"


class Importer:
    """What one kind of record needs from the engine. Subclasses fill in the rules."""

    kind: str
    label: str
    fields: tuple[Field, ...]

    ignored: tuple[str, ...] = ()  # headers of this kind's exports that are no field

    def __init__(
        self, session: Session, *, today: dt.date, now: dt.datetime, operator: str | None = None
    ) -> None:
        self.session = session
        self.today = today
        self.now = now
        self.operator = operator
        self.columns: Columns | None = None  # the file's columns, once its header is found
        self.expected_rows = 0  # rows the file holds, as far as known before reading it
        # when sanlian wrote the file (an exported workbook, UTC), if it did, and its name
        self.written_at: dt.datetime | None = None
        self.file_name = ""
        self._since: dict[str, dict[int, list[Since]]] = {}
        self._cadre_changes: dict[int, list[tuple[int, dt.datetime, Any, Any, bool]]] | None = None
        self._deletions: list[tuple[int, int, int, dt.datetime]] | None = None

    def record_missing(self, record_id: int) -> tuple[str, dict[str, Any]]:
        """The refusal of a row whose 台账编号 names no record of this kind: the record was
        removed (by ``remove``, the undo of its adding: the journal's latest deletion of it
        says when; its number is never given to another), else the number is none of this
        ledger's (a file of another one, a number copied)."""
        if self._deletions is None:  # this kind's deletions, read once: (first, last, entry, at)
            from sqlalchemy import select

            from sanlian.db.models import Journal, JournalChange

            change: Any = JournalChange.__table__  # type: ignore[attr-defined]
            entry: Any = Journal.__table__  # type: ignore[attr-defined]
            found = self.session.connection().execute(
                select(change.c.record_id, change.c.last_record_id, entry.c.id, entry.c.at)
                .select_from(change.join(entry, entry.c.id == change.c.journal_id))
                .where(
                    change.c.table_name == self.kind,
                    change.c.action == "delete",
                    change.c.record_id.is_not(None),
                )
                .order_by(entry.c.id.desc())
            )
            self._deletions = [
                (int(a), int(b if b is not None else a), i, t) for a, b, i, t in found
            ]
        for first, last, entry_id, at in self._deletions:
            if first <= record_id <= last:
                said = {"id": record_id, "kind": self.label, "entry": entry_id, "at": _local(at)}
                return "import_record_deleted", said
        return "import_record_missing", {"id": record_id, "kind": self.label}

    def newer_kept(
        self,
        table: str,
        record_id: int,
        changes: dict[str, Any],
        notes: list[str],
        label: Callable[[str], str],
        columns: Mapping[str, str] | None = None,
        record: Any = None,
        edit: str = "",
    ) -> dict[str, Any]:
        """``changes`` of a record named by its 台账编号, less those an old export would undo:
        a cell that still holds what the record had when sanlian wrote the file, while the
        ledger has changed it since (a colleague's ``edit``, an ``undo``), would put the old
        value back; it is left out, with a note. So is one a copy of the same export put back
        (sent to two sections, both handed back under its name: the first imported changed
        it). A cell changed in the file to a third value is refused: both were changed, unless
        the ledger has it as it was then (changed and changed back: ``record``'s value). (Only a workbook sanlian wrote says when it was
        written; ``columns``: a change's key → its column, where they differ; ``edit``: the
        command that changes it, where that is not ``edit``.)"""
        if self.written_at is None or not changes:
            return changes
        later = self._changed_since(table).get(record_id)
        if not later:
            return changes
        from sanlian.db import journal

        model = journal._table(table)
        kept = dict(changes)
        for key, value in changes.items():
            column = (columns or {}).get(key, key)
            touched = [
                (i, at, b, a, own)
                for i, at, b, a, own in later
                if column in a and a[column] != b.get(column)
            ]
            if not touched:
                continue
            said: dict[str, Any] = {"field": label(key), "written": _local(self.written_at)}
            # What the row may hold unchanged since: the value when the file was written, and
            # what an import of a workbook of this name and writing wrote (the clerk's working
            # copy, imported before: it holds that). Such a row would put an old value back:
            # left out, with a note naming the change that gave the ledger its value — another
            # import of that workbook (most likely a copy of one export, handed back by another
            # section under the same name) or a change made in the ledger.
            old = [journal.decode(model, column, touched[0][2].get(column))]
            old += [journal.decode(model, column, a.get(column)) for *_e, a, own in touched if own]
            how = edit or ("" if self.kind == "research" else f"{self.kind} edit 直接修改")
            if value in old:
                entry, at, _b, _a, own = touched[-1]
                del kept[key]
                said.update(entry=entry, at=_local(at))
                if own:  # (or the clerk's own revert in the working copy: said how to make it)
                    said["edit"] = f"；如确是有意改回，请用 sanlian {how}" if how else ""
                notes.append(render("import_copy_kept" if own else "import_newer_kept", **said))
                continue
            first = next(((i, at, b) for i, at, b, _a, own in touched if not own), None)
            if first is None:
                # changed only by imports of a workbook of this name and writing, and this row
                # changes it again: the clerk's working copy edited further — or another
                # section's copy that changed it otherwise. Written, and said, so a clash of two
                # copies is not settled by the order of their imports unseen.
                entry, at = touched[-1][:2]
                said.update(entry=entry, at=_local(at))
                notes.append(render("import_copy_changed", **said))
                continue
            entry, at, before = first
            said.update(entry=entry, at=_local(at))
            then = journal.decode(model, column, before.get(column))  # (≠ value: not old)
            if record is None or getattr(record, column, then) != then:
                said["edit"] = f"用 sanlian {how}，或" if how else ""
                raise ValidationError("import_changed_since", column=column, **said)
        return kept

    def _changed_since(self, table: str) -> dict[int, list[Since]]:
        """The updates of ``table``'s records journaled after the file was written: record →
        (entry, when, the values before, after), oldest first; read once."""
        if table not in self._since:
            found: dict[int, list[Since]] = {}
            updates = self._journaled_since(table, "update", own=True)
            for record_id, entry_id, at, before, later, own in updates:
                if record_id is not None:
                    found.setdefault(int(record_id), []).append((entry_id, at, before, later, own))
            self._since[table] = found
        return self._since[table]

    def _journaled_since(
        self, table: str, *actions: str, where: Any = None, own: bool = False
    ) -> list[tuple[int | None, int, dt.datetime, dict[str, Any], dict[str, Any], bool]]:
        """The changes of ``table`` (of those ``actions``) journaled after the file was
        written: (record, entry, when, before, after, whether an import of a workbook of this
        name and writing made it), oldest first. An undone change is left out with its undo;
        an undo of a change from before is in (the file holds what it undid); so are imports,
        but — unless ``own`` — those of a workbook of this name and writing (the clerk's working
        copy imported again: what it wrote is what the file holds)."""
        from sqlalchemy import and_, exists, or_, select

        from sanlian.db.journal import _loads
        from sanlian.db.models import Journal, JournalChange

        assert self.written_at is not None
        # (written to the second: a change in that second may be the export's own past, which
        # the file holds; one after it is surely later)
        after = self.written_at + dt.timedelta(seconds=1)
        change: Any = JournalChange.__table__  # type: ignore[attr-defined]
        entry: Any = Journal.__table__  # type: ignore[attr-defined]
        undone: Any = entry.alias("undone")
        stmt = (
            select(
                change.c.record_id,
                entry.c.id,
                entry.c.at,
                entry.c.command,
                entry.c.summary,
                change.c.before,
                change.c.after,
            )
            .select_from(change.join(entry, entry.c.id == change.c.journal_id))
            .where(
                change.c.table_name == table,
                change.c.action.in_(actions),
                entry.c.at >= after,
                or_(
                    and_(
                        entry.c.kind.in_(("change", "purge", "legacy")),
                        entry.c.undone_by.is_(None),
                    ),
                    and_(
                        entry.c.kind == "undo",
                        ~exists().where(undone.c.undone_by == entry.c.id, undone.c.at >= after),
                    ),
                ),
            )
            .order_by(entry.c.id, change.c.seq)
        )
        if where is not None:
            stmt = stmt.where(where(change))
        head, tail = f"从 {self.file_name} 导入", written_note(self.written_at)
        found = []
        for record_id, entry_id, at, command, summary, before, later in self.session.execute(stmt):
            mine = (
                str(command).endswith(" import")
                and str(summary).startswith(head)
                and str(summary).endswith(tail)
            )
            if own or not mine:
                found.append(
                    (record_id, int(entry_id), at, _loads(before) or {}, _loads(later) or {}, mine)
                )
        return found

    def cadres_kept(
        self, visit_id: int, now: list[int], given: list[int], notes: list[str]
    ) -> list[int]:
        """A visit's cadres as an export's row gives them (``given``), or those on file
        (``now``) where the ledger changed them since the file was written and the row still
        holds the cadres of then, or those an import of a workbook of this name and writing
        wrote (with a note: ``newer_kept``'s rules); refused where both changed them (unless
        the ledger has them as they were before the ledger's change)."""
        if self.written_at is None or sorted(now) == sorted(given):
            return given
        if self._cadre_changes is None:  # read once: visit → its cadres' changes, in order
            self._cadre_changes = {}
            for _r, entry, at, before, after, own in self._journaled_since(
                "visit_cadre", "insert", "delete", own=True
            ):
                row = before or after
                self._cadre_changes.setdefault(int(row["visit_id"]), []).append(
                    (entry, at, before, after, own)
                )
        rows = self._cadre_changes.get(int(visit_id))
        if not rows:
            return given
        # the cadres after each change (an entry: one command, maybe several rows), back to
        # when the file was written
        state = set(now)
        after_entry: dict[int, frozenset[int]] = {}
        entries: list[tuple[int, dt.datetime, bool]] = []  # newest first
        for entry, at, before, after, own in reversed(rows):
            if entry not in after_entry:
                after_entry[entry] = frozenset(state)
                entries.append((entry, at, own))
            if after:
                state.discard(int(after["cadre_id"]))
            if before:
                state.add(int(before["cadre_id"]))
        entries.reverse()
        then = frozenset(state)
        last, last_at, last_own = entries[-1]
        said = {
            "field": "走访干部",
            "written": _local(self.written_at),
            "entry": last,
            "at": _local(last_at),
        }
        wanted = frozenset(given)
        if wanted == then or any(wanted == after_entry[e] for e, _at, own in entries if own):
            if last_own:
                said["edit"] = f"；如确是有意改回，请用 sanlian {self.kind} edit 直接修改"
            notes.append(render("import_copy_kept" if last_own else "import_newer_kept", **said))
            return now
        index = next((i for i, (_e, _at, own) in enumerate(entries) if not own), None)
        if index is None:  # changed only by imports of this workbook: as ``newer_kept``
            notes.append(render("import_copy_changed", **said))
            return given
        # the cadres before the first change not made by such an import
        base = after_entry[entries[index - 1][0]] if index else then
        if base == frozenset(now):  # changed and changed back: the row's change is the clerk's
            return given
        edit = f"用 sanlian {self.kind} edit 直接修改，或"
        raise ValidationError("import_changed_since", edit=edit, column="cadres", **said)

    def header(self, key: str) -> str:
        """The file's own name of the column feeding ``key``."""
        if self.columns is None:
            return RECORD_HEADER if key == RECORD_KEY else key
        return self.columns.header_of(key)

    def problem(self, row: Row, key: str, reason: str) -> Problem:
        """A refusal about field ``key`` of ``row`` (``RECORD_KEY`` for the 台账编号)."""
        if not key:
            return Problem("", "", reason)
        if key == RECORD_KEY:
            return Problem(self.header(key), row.record_text, reason)
        f = next((f for f in self.fields if f.key == key), None)
        value = display(row.values.get(key))
        return Problem(self.header(key), value, reason, f.type if f else "")

    def clean(self, row: Row, notes: list[str]) -> dict[str, Any]:
        """The row's clean values (column → value), or the first refusal raised."""
        raise NotImplementedError

    def diagnose(self, row: Row) -> list[tuple[str, str]]:
        """Every problem of a row that ``clean`` refused: (field key, reason)."""
        raise NotImplementedError

    # Whether ``clean`` splits into ``clean_pure`` (the row's values alone: no database, so a
    # forked process may run it) and ``complete`` (the references, looked up here).
    pure = False

    def clean_pure(self, values: Mapping[str, Any], notes: list[str]) -> dict[str, Any]:
        """``clean`` without the references: raises what ``clean`` may raise."""
        raise NotImplementedError

    def complete(self, data: dict[str, Any], values: Mapping[str, Any]) -> dict[str, Any] | None:
        """``clean_pure``'s ``data`` with the references resolved: what ``clean`` returns, or
        ``None`` when a reference is refused (``clean`` then says why)."""
        raise NotImplementedError

    def process(self, rows: list[Row], result: ImportResult, keep_plan: bool) -> list[BadRow]:
        """Match and write a batch of clean rows; return those refused on the way."""
        raise NotImplementedError

    def finish(self) -> None:
        """After the last batch, before the savepoint is kept or dropped."""

    def example(self) -> dict[str, Any]:
        return {f.key: f.example for f in self.fields if f.example is not None}


# A row's note that its ID number's area code is unknown for its birth year, as ``_clean_new``
# keeps it (this prefix and the number; no sentence starts so) until ``_notes`` shows it.
AREA_NOTE = "\x00area:"
ZEROS_NOTE = "\x00zeros:"  # + the number: a valid ID number ending in 000 (``_Zeros``)


def _parse_enum(
    parse: Callable[..., str],
    enum: dict[str, str],
    label: str,
    words: Mapping[str, str] | None,
    raw: Any,
) -> str:
    return parse(enum, str(raw), label, words)


@functools.lru_cache(maxsize=8192)
def _pinyin_keys(name: str) -> tuple[str, ...]:
    from sanlian.services.pinyin import keys

    return tuple(sorted(keys(name)))


def insert_search_keys(
    session: Session,
    kind: str,
    pairs: Sequence[tuple[int, str]],
    *,
    replace: bool,
    known: Mapping[str, tuple[str, ...]] | None = None,
) -> int:
    """The pinyin search keys of freshly written names, in bulk: ``refs.set_keys`` for many
    (``replace`` drops the old keys of renamed records first; ``known``: names' keys worked
    out already). Returns how many keys."""
    from sqlalchemy import delete, insert

    from sanlian.db.models import SearchKey
    from sanlian.services import refs

    if not pairs:
        return 0
    if replace:
        ids = [ref_id for ref_id, _n in pairs]
        table: Any = SearchKey.__table__  # type: ignore[attr-defined]
        for start in range(0, len(ids), 500):
            chunk = table.c.ref_id.in_(ids[start : start + 500])
            session.execute(delete(table).where(refs.keys_where(table, kind, chunk)))
    keys_of: Callable[[str], tuple[str, ...]] = _pinyin_keys
    if known:

        def ahead(name: str) -> tuple[str, ...]:
            found = known.get(name)
            return found if found is not None else _pinyin_keys(name)

        keys_of = ahead

    connection = session.connection()
    if connection.dialect.paramstyle == "qmark":  # SQLite
        # Multi-row statements of ``KEYS_A_STATEMENT`` keys through the driver, the rest of a
        # batch by the driver's executemany: ~4 keys a name, and SQLAlchemy's processing of
        # each parameter set cost more than SQLite's writing them; so did executemany alone
        # (a step and a reset per key: 0.33 s against 0.13 s for 386,000 keys). One statement
        # text for every batch: the driver keeps each text it runs prepared (128 of them), and
        # a statement of thousands of rows held a megabyte. The kind is one of the registry's
        # ASCII words, written into the statement. The table takes no journal.
        assert kind.isascii() and kind.isalpha()
        flat = [v for ref_id, name in pairs for key in keys_of(name) for v in (ref_id, key)]
        count = len(flat) // 2
        one = f"('{kind}', ?, ?)"
        head = "INSERT INTO search_key (kind, ref_id, key) VALUES "
        full = head + ", ".join([one] * KEYS_A_STATEMENT)
        whole = count - count % KEYS_A_STATEMENT
        run = connection.exec_driver_sql
        for start in range(0, 2 * whole, 2 * KEYS_A_STATEMENT):
            run(full, tuple(flat[start : start + 2 * KEYS_A_STATEMENT]))
        if whole < count:
            rest = flat[2 * whole :]
            run(head + one, list(zip(rest[::2], rest[1::2], strict=True)))
        return count
    rows = [
        {"kind": kind, "ref_id": ref_id, "key": key}
        for ref_id, name in pairs
        for key in keys_of(name)
    ]
    if rows:
        # Core executemany: the same rows as ``insert(SearchKey)`` without the ORM's bookkeeping.
        session.execute(insert(SearchKey.__table__), rows)  # type: ignore[attr-defined]
    return len(rows)


def _a_typo(a: str, b: str) -> bool:
    """Whether a person's name ``b`` may be ``a`` mistyped: one character added or taken away,
    or one replaced — a Chinese character by one of the same sound (张玮 for 张伟, as a pinyin
    input method gives it; not 王芳 for 王刚, another person)."""
    if not _one_apart(a, b):
        return False
    if len(a) != len(b):
        return True
    x, y = next((p, q) for p, q in zip(a, b, strict=True) if p != q)
    from sanlian.services.pinyin import _HAN_CHAR, _char_readings

    if not (_HAN_CHAR.match(x) and _HAN_CHAR.match(y)):
        return True
    return bool(set(_char_readings(x)) & set(_char_readings(y)))


def _one_apart(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with one character changed, added or taken away."""
    if len(a) > len(b):
        a, b = b, a
    if len(b) - len(a) > 1:
        return False
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    skip = 1 if len(a) == len(b) else 0  # replaced: both move on; added: only the longer
    return a[i + skip :] == b[i + 1 :]


class RegistryImporter(Importer):
    """Sections, cadres, communities, enterprises and households: the ``registry`` rules."""

    STRONG = {"cadre": "id_number", "household": "id_number", "enterprise": "uscc"}
    SCOPE = {"cadre": "section_id", "household": "community_id"}
    # what tells two records of one name apart, named when a row matches several
    HINT = {
        "cadre": "id_number",
        "household": "id_number",
        "enterprise": "uscc",
        "community": "town",
    }
    # the field a ``registry._duplicate`` refusal is about
    DUPLICATE_FIELD = {
        "duplicate_id_number": "id_number",
        "duplicate_uscc": "uscc",
        "duplicate_id_number_retired": "id_number",
        "duplicate_uscc_retired": "uscc",
    }

    def __init__(
        self,
        session: Session,
        kind: str,
        *,
        today: dt.date,
        now: dt.datetime,
        operator: str | None = None,
    ) -> None:
        super().__init__(session, today=today, now=now, operator=operator)
        from sanlian.services.registry import KINDS

        self.kind = kind
        self.spec = KINDS[kind]
        self.label = self.spec.label
        self.fields = registry_fields(kind)
        self.strong = self.STRONG.get(kind)
        self.scope = self.SCOPE.get(kind)
        self._refs: dict[tuple[str, str], int | SanlianError] = {}
        self._retired: set[tuple[str, int]] = set()  # references resolved to retired records
        # Rows of the batch at hand, by the keys ``_duplicate`` compares; earlier batches are in
        # the database already, where ``_matched`` recognises what this file wrote or matched.
        self._seen_strong: dict[Any, int] = {}
        self._seen_name: dict[Any, tuple[int, int | None]] = {}
        self._matched: dict[int, int] = {}  # record id → the line that matched or made it
        # retired records of the batch's ID numbers (credit codes): a new row of one is the
        # same person registered again (``registry.retired_same_number``)
        self._retired_by_strong: dict[Any, Any] = {}
        self.zero_lines: list[int] = []  # rows writing an ID number ending in 000 (``_Zeros``)
        self._head_line: int | None = None  # the line that names the leading group's head
        self._unheaded: set[int] = set()  # heads on file this import makes something else
        # (key, label, required, the kind a reference names, column) of each field, for ``clean``
        self._inputs: list[tuple[str, str, bool, str | None, str]] = []
        for f in self.fields:
            assert f.type != "ref" or f.ref is not None
            ref = f.ref if f.type == "ref" else None
            self._inputs.append((f.key, f.label, f.required, ref, f.column))
        self._keys_before: int | None = None  # search keys before the import (SQLite)
        self._keys_added = 0  # how many this import has written
        self._lookup: _Deferred | None = None  # the lookup index, dropped until ``finish``
        self._id_spec = next((f for f in self.spec.fields if f.type == "id_number"), None)
        # ``_clean_new`` knows every rule of these fields
        self._compiled = all(
            f.type
            in ("name", "text", "enum", "bool", "int", "phone", "tel", "uscc", "id_number", "ref")
            for f in self.spec.fields
        )
        self.pure = self._compiled
        # (key, the kind it names, column) of each reference, for ``complete``
        self._ref_inputs = [(k, ref, c) for k, _l, _r, ref, c in self._inputs if ref is not None]
        # retired records by (name, place): ``_retired_namesake``
        self._retired_names: dict[tuple[str, Any], tuple[int, Any]] | None = None
        # A table empty before the import (``_existing_fresh``): the ids of the records this
        # import wrote, by name (those without an ID number or credit code apart) and by that
        # number; the plain indexes dropped meanwhile (their statements, for ``finish``).
        self._fresh: bool | None = None
        self._fresh_plain: dict[Any, Any] = {}  # no ID number: by name (``_add_id``)
        self._fresh_marked: dict[Any, Any] = {}  # with one: by name
        self._fresh_by_strong: dict[Any, Any] = {}
        self._dropped: _Deferred | None = None  # this table's indexes, while dropped

    # The model and its table, looked up when first needed: an importer made before the
    # database is opened (``begin_early``) checks rows without them, and without SQLAlchemy.

    @functools.cached_property
    def model(self) -> Any:
        from sanlian.db.models import REGISTRY_MODELS

        return REGISTRY_MODELS[self.kind]

    @functools.cached_property
    def table(self) -> Any:
        return self.model.__table__

    @functools.cached_property
    def _key_columns(self) -> list[str]:
        return [c for c in ("name", self.scope, self.strong, "town") if c and c in self.table.c]

    @functools.cached_property
    def _defaults(self) -> dict[str, Any]:
        defaults = {}
        for column in self.table.columns:
            if column.name == "id":
                continue
            default = column.default.arg if column.default is not None else None
            defaults[column.name] = None if callable(default) else default
        return defaults

    # -- checking ---------------------------------------------------------------------------

    def _ref(self, kind: str, raw: str) -> int:
        """A reference resolved once per distinct value (the answer, or the refusal, cached).

        A retired record resolves too, as exports name it: whether the row may use it is
        decided once the row is matched (:meth:`_retired_ref`).
        """
        key = (kind, raw)
        found = self._refs.get(key)
        if found is None:
            from sanlian.services import refs

            try:
                record = refs.resolve(self.session, kind, raw, include_retired=True)
                found = int(record.id)
                if record.retired_on is not None:
                    self._retired.add((kind, found))
            except SanlianError as exc:
                found = exc
            self._refs[key] = found
        if isinstance(found, SanlianError):
            raise found
        return found

    def _retired_ref(self, row: Row, record: Any) -> tuple[str, str] | None:
        """The first reference of ``row`` to a retired record that it may not use, as (field
        key, sentence): a row matched to a record that refers to it already keeps it; a new
        row, or a changed reference, may not."""
        if not self._retired:  # no reference of this file named a retired record
            return None
        from sanlian.services.refs import KIND_LABEL

        for f in self.fields:
            value = row.data.get(f.column) if f.type == "ref" and f.ref else None
            if value is None or (f.ref, value) not in self._retired:
                continue
            if record is not None and getattr(record, f.column) == value:
                continue
            label = KIND_LABEL.get(f.ref or "", "")
            return f.key, render("ref_retired", kind=label, ref=row.values.get(f.key), id=value)
        return None

    @functools.cached_property
    def _checks(self) -> list[tuple[str, str, Callable[[Any], Any], str, bool, bool]]:
        """``registry.clean_values``'s rule for each field it checks in a loop, looked up once:
        (key, column, rule, label, whether an empty value is ``False``, whether required).
        References and the ID
        number are not among them (see ``_clean_new``)."""
        from sanlian.i18n import labels
        from sanlian.services import validate
        from sanlian.services.registry import ENUM_WORDS, _bool

        checks: list[tuple[str, str, Callable[[Any], Any], str, bool, bool]] = []
        for f in self.spec.fields:
            label = f.label
            rule: Callable[[Any], Any]
            if f.type == "name":
                rule = functools.partial(validate.name, field=label)
            elif f.type in ("text", "word"):
                check = validate.word if f.type == "word" else validate.text
                rule = functools.partial(check, field=label, limit=f.limit)
            elif f.type == "enum":
                assert f.enum is not None
                words = ENUM_WORDS.get(f.key)
                rule = functools.partial(_parse_enum, labels.parse, dict(f.enum), label, words)
            elif f.type == "bool":
                rule = functools.partial(_bool, label=label)
            elif f.type == "int":
                rule = functools.partial(validate.integer, field=label, minimum=1)
            elif f.type in ("phone", "tel"):
                rule = functools.partial(validate.phone, field=label, landline=f.type == "tel")
            elif f.type == "uscc":
                rule = functools.partial(validate.uscc, field=label)
            else:  # the ID number (checked last, once the gender is known) and references
                continue
            checks.append((f.key, f.column, rule, label, f.type == "bool", f.required))
        return checks

    def _clean_new(self, values: Mapping[str, Any], notes: list[str]) -> dict[str, Any]:
        """``registry.clean_values`` for a row not yet matched (``current`` is ``None``), with
        its rules looked up once rather than for every row: the same checks, in the same
        order, with the same refusals."""
        out: dict[str, Any] = {}
        for key, column, rule, label, is_bool, required in self._checks:
            raw = values.get(key)
            if raw is None:
                continue
            if isinstance(raw, str) and not raw.strip():
                if required:
                    raise ValidationError("required", field=label)
                out[column] = False if is_bool else None
                continue
            out[column] = rule(raw)
        id_spec = self._id_spec
        if id_spec is not None:
            raw = values.get(id_spec.key)
            if raw not in (None, ""):
                from sanlian.services import validate

                gender = out.get("gender")
                number = validate.id_number(raw, id_spec.label, gender=gender, today=self.today)
                if number and not validate._area_known(number):
                    # the hint ``id_number`` would give, written out only if it is shown (of
                    # 100,000 rows, the first five are): ``_notes`` renders it
                    notes.append(AREA_NOTE + number)
                out["id_number"] = number
                if self.kind == "cadre" and number and not gender:
                    out["gender"] = validate.gender_of_id(number)
            elif raw == "":
                out["id_number"] = None
        return out

    def _given(
        self, given: Mapping[str, Any], resolve: Callable[[str, str], int] | None = None
    ) -> tuple[dict[str, Any], dict[str, int]]:
        """A row's plain values and (with ``resolve``) its references resolved to ids, field by
        field in order; a required field left empty is refused."""
        values: dict[str, Any] = {}
        resolved: dict[str, int] = {}
        for key, label, required, ref, column in self._inputs:
            value = given.get(key)
            if value is None:
                if required:
                    raise ValidationError("required", field=label)
                continue
            if ref is None:
                values[key] = value
            elif resolve is not None:
                resolved[column] = resolve(ref, str(value))
        return values, resolved

    def clean(self, row: Row, notes: list[str], current: Any = None) -> dict[str, Any]:
        values, resolved = self._given(row.values, self._ref)
        if current is None and self._compiled:
            data = self._clean_new(values, notes)
        else:
            from sanlian.services.registry import clean_values

            data = clean_values(
                self.session,
                self.kind,
                values,
                today=self.today,
                notes=notes,
                current=current,
                lookup_names=False,
            )
        data.update(resolved)
        return data

    def clean_pure(self, values: Mapping[str, Any], notes: list[str]) -> dict[str, Any]:
        """``clean`` of a new record without the references (they need the database)."""
        plain, _resolved = self._given(values)
        return self._clean_new(plain, notes)

    def complete(self, data: dict[str, Any], values: Mapping[str, Any]) -> dict[str, Any] | None:
        for key, ref, column in self._ref_inputs:
            value = values.get(key)
            if value is not None:
                try:
                    data[column] = self._ref(ref, str(value))
                except SanlianError:
                    return None
        return data

    def diagnose(self, row: Row) -> list[tuple[str, str]]:
        from sanlian.services.registry import clean_values

        problems: list[tuple[str, str]] = []
        gender_ok = True
        for f in self.fields:
            value = row.values.get(f.key)
            if value is None and not f.required:
                continue
            try:
                if value is None:
                    raise ValidationError("required", field=f.label)
                if f.type == "ref":
                    assert f.ref is not None
                    self._ref(f.ref, str(value))
                    continue
                single = {f.key: value}
                if f.type == "id_number" and gender_ok and row.values.get("gender") is not None:
                    single["gender"] = row.values["gender"]
                # (an import does not hold names to the lookup rule: a file exported with a
                # name stored before it must import back)
                clean_values(self.session, self.kind, single, today=self.today, lookup_names=False)
            except SanlianError as exc:
                if f.key == "gender":
                    gender_ok = False
                problems.append((f.key, exc.message))
        return problems

    # -- matching ---------------------------------------------------------------------------

    def _name_key(self, data: Mapping[str, Any]) -> Any:
        if self.scope:
            return (data["name"], data.get(self.scope))
        return data["name"]

    def _strong_key(self, data: Mapping[str, Any]) -> Any:
        if self.kind == "community":
            return (data["name"], data["town"]) if data.get("town") else None
        return data.get(self.strong) if self.strong else None

    def _same_in_file(self, data: Mapping[str, Any]) -> tuple[int, str] | None:
        """The earlier line of this file that names the same record, as ``_duplicate`` sees it,
        and the field that tells (the ID number or credit code, else the name)."""
        strong = self._strong_key(data)
        name_key = self._name_key(data)
        if strong is not None and strong in self._seen_strong:
            return self._seen_strong[strong], self.strong or "name"
        earlier = self._seen_name.get(name_key)
        if earlier is None:
            return None
        first_any, first_without = earlier
        if strong is None or self.kind in ("enterprise", "section"):
            return first_any, "name"
        return (first_without, "name") if first_without is not None else None

    def _remember(self, data: Mapping[str, Any], line: int) -> None:
        strong = self._strong_key(data)
        if strong is not None:
            self._seen_strong.setdefault(strong, line)
        name_key = self._name_key(data)
        first_any, first_without = self._seen_name.get(name_key, (line, None))
        if strong is None and first_without is None:
            first_without = line
        self._seen_name[name_key] = (first_any, first_without)

    def _same_party(self, record: Any, data: Mapping[str, Any]) -> bool:
        """Whether a row whose 台账编号 names ``record`` can be that record: its name the same,
        or another name where the ID number (credit code) on both says it is the same one, or
        where none does, a name at most one character away (a typo corrected: for a person,
        a character replaced by one of the same sound, as an input method mistypes it, and
        the gender the same). Else the row is another party's (an export of another
        database, a number copied to the wrong row), and taken as an edit it would write one
        party's details over another's."""
        name = data["name"]
        if name == record.name:
            return True
        strong = data.get(self.strong) if self.strong else None
        on_file = getattr(record, self.strong) if self.strong else None
        if strong and on_file:
            return bool(strong == on_file)
        if self.kind in ("cadre", "household"):
            gender, gender_on_file = data.get("gender"), getattr(record, "gender", None)
            if gender and gender_on_file and gender != gender_on_file:
                return False
            return _a_typo(name, record.name)
        return _one_apart(name, record.name)

    def _newer_than_file(self, record: Any) -> bool:
        """Whether ``record`` was registered after sanlian wrote the file (its row, naming it
        by its 台账编号, is then of another ledger's export or of the wrong row)."""
        if self.written_at is None:
            return False
        made = record.created_at
        made = made if made.tzinfo else made.replace(tzinfo=dt.UTC)
        # (written to the second: a record of that second may be in the file)
        return bool(made >= self.written_at + dt.timedelta(seconds=1))

    def _other_person(self, record: Any, data: Mapping[str, Any]) -> bool:
        """Whether a row found by its ID number names someone else: a person's name more than
        a typo away from the name on file (an ID number pasted into the wrong row, most
        likely). A company's credit code stays with it when it is renamed."""
        name = data["name"]
        return (
            self.kind in ("cadre", "household")
            and name != record.name
            and not _a_typo(name, record.name)
        )

    def _label_of(self, key: str) -> str:
        return next(f.label for f in self.fields if f.key == key)

    def _by_code(self, key: str, how: str, record: Any, name: str) -> str:
        """The sentence ``key`` of a row found by its ID number or credit code (``how``)
        while naming ``record`` otherwise: someone else's number, or the company renamed."""
        return render(
            key,
            field=self._label_of(how),
            kind=self.label,
            current=record.name,
            id=record.id,
            name=name,
            command=self.kind,
        )

    def _other_party(self, record: Any, data: Mapping[str, Any]) -> str:
        key = self.strong
        differs = ""
        if key and data.get(key) and getattr(record, key):
            differs = render("import_record_other_strong", field=self._label_of(key))
        return render(
            "import_record_other",
            id=record.id,
            kind=self.label,
            current=record.name,
            name=data["name"],
            differs=differs,
            command=self.kind,
        )

    def _candidates(
        self,
        data: Mapping[str, Any],
        by_strong: dict[Any, list[Any]],
        by_name: dict[Any, list[Any]],
    ) -> tuple[list[Any], str]:
        """The records a row may be, and the field that found them."""
        strong = data.get(self.strong) if self.strong else None
        if strong:
            found = by_strong.get(strong, [])
            if found:
                return found, self.strong or "name"
        named = by_name.get(data["name"], [])
        if self.scope:
            scoped = [r for r in named if getattr(r, self.scope) == data.get(self.scope)]
            if strong:  # two people of one name are told apart by their ID numbers
                scoped = [r for r in scoped if getattr(r, self.strong or "") is None]
            return scoped, "name"
        if self.kind == "community":
            town = data.get("town")
            exact = [r for r in named if r.town == town]
            if exact or town is None:
                return exact or named, "name"
            return [r for r in named if r.town is None], "name"
        return named, "name"

    def _existing(
        self, rows: list[Row]
    ) -> tuple[dict[Any, list[Any]], dict[Any, list[Any]], dict[int, Any]]:
        from sqlalchemy import and_, or_, select

        # The statement is the same for every batch (compiled once): on SQLite the values go
        # as one JSON array each (``json_each``), elsewhere as expanding parameters; SQLAlchemy
        # makes no expression of each value either way.
        names = {r.data["name"] for r in rows}
        strongs = {r.data[self.strong] for r in rows if self.strong and r.data.get(self.strong)}
        params: dict[str, Any] = {}
        conds: list[Any] = []
        among = _among_sqlite if _plain_sqlite(self.session) else _among
        if self.scope and self.strong:
            # A row with an ID number matches a namesake only if the namesake has none
            # (``_candidates``): its name alone need not fetch every namesake of a large table.
            loose = {r.data["name"] for r in rows if not r.data.get(self.strong)}
            if loose:
                conds.append(among(self.table.c.name, "loose", loose, params))
            if names - loose:
                weak = among(self.table.c.name, "weak", names - loose, params)
                conds.append(and_(weak, self.table.c[self.strong].is_(None)))
        else:
            conds.append(among(self.table.c.name, "names", names, params))
        if strongs:
            conds.append(among(self.table.c[self.strong], "strongs", strongs, params))
        stmt = select(self.table).where(self.table.c.retired_on.is_(None), or_(*conds))
        by_strong: dict[Any, list[Any]] = {}
        by_name: dict[Any, list[Any]] = {}
        for record in self.session.execute(stmt.order_by(self.table.c.id), params):
            self._file(record, by_name, by_strong)
        self._retired_by_strong.clear()
        if strongs:
            assert self.strong is not None
            retired: dict[str, Any] = {}
            gone = select(self.table).where(
                self.table.c.retired_on.is_not(None),
                among(self.table.c[self.strong], "strongs", strongs, retired),
            )
            for record in self.session.execute(gone.order_by(self.table.c.id.desc()), retired):
                self._retired_by_strong[getattr(record, self.strong)] = record
        by_id: dict[int, Any] = {}
        ids = sorted({r.record_id for r in rows if r.record_id is not None})
        for start in range(0, len(ids), 500):
            stmt = select(self.table).where(self.table.c.id.in_(ids[start : start + 500]))
            by_id.update((record.id, record) for record in self.session.execute(stmt))
        return by_strong, by_name, by_id

    def _existing_fresh(
        self, rows: list[Row]
    ) -> tuple[dict[Any, list[Any]], dict[Any, list[Any]], dict[int, Any]]:
        """``_existing`` in a table that was empty before the import: every record in it is
        one this import wrote, and ``_fresh_plain``, ``_fresh_marked`` and
        ``_fresh_by_strong`` say which of them a batch's rows name, so they are read by id alone
        (no index on the names or numbers is needed). The same answer: every namesake (``_candidates`` sets aside what
        a row may not be) and every record of an ID number, in the order of their ids."""
        from sqlalchemy import select

        ids: set[int] = set()
        plain, marked = self._fresh_plain, self._fresh_marked
        names = {r.data["name"] for r in rows}
        if self.scope and self.strong:  # as ``_existing``: see there
            loose = {r.data["name"] for r in rows if not r.data.get(self.strong)}
        else:
            loose = names
        for name in names:
            ids.update(_ids_of(plain, name))
            if name in loose:
                ids.update(_ids_of(marked, name))
        if self.strong:
            by_strong = self._fresh_by_strong
            for r in rows:
                strong = r.data.get(self.strong)
                if strong:
                    ids.update(_ids_of(by_strong, strong))
        wanted = {r.record_id for r in rows if r.record_id is not None}
        found_strong: dict[Any, list[Any]] = {}
        found_name: dict[Any, list[Any]] = {}
        found_id: dict[int, Any] = {}
        every = sorted(ids | wanted)
        for start in range(0, len(every), 500):
            chunk = every[start : start + 500]
            stmt = select(self.table).where(self.table.c.id.in_(chunk)).order_by(self.table.c.id)
            for record in self.session.execute(stmt):
                if record.id in wanted:
                    found_id[record.id] = record
                if record.id in ids and record.retired_on is None:
                    self._file(record, found_name, found_strong)
        return found_strong, found_name, found_id

    def _file(
        self, record: Any, by_name: dict[Any, list[Any]], by_strong: dict[Any, list[Any]]
    ) -> None:
        """``record`` under its name and, if it has one, its ID number (or credit code)."""
        by_name.setdefault(record.name, []).append(record)
        if self.strong and getattr(record, self.strong):
            by_strong.setdefault(getattr(record, self.strong), []).append(record)

    def _remember_fresh(
        self, made: list[tuple[int, str]], adds: list[tuple[Row, dict[str, Any]]]
    ) -> None:
        """The records just written, for ``_existing_fresh``."""
        plain, marked, by_strong = self._fresh_plain, self._fresh_marked, self._fresh_by_strong
        for (new_id, name), (_row, data) in zip(made, adds, strict=True):
            strong = data.get(self.strong) if self.strong else None
            if strong:
                _add_id(marked, name, new_id)
                _add_id(by_strong, strong, new_id)
            else:
                _add_id(plain, name, new_id)

    def _drop_indexes(self) -> None:
        """On SQLite, a large import into an empty table writes it without its plain indexes
        (on the names, ID numbers, the community), which ``finish`` builds again: building an
        index from the whole table once costs less than putting each new row into it
        (100,000 households: 0.25 s against 0.5 s), and ``_existing_fresh`` needs none of
        them. Inside the import's savepoint: a refused or rehearsed import, or one stopped
        midway, leaves the indexes as they were."""
        self._dropped = _Deferred(self.session.connection(), self.table.name)
        self._dropped.drop()

    def _describe(self, record: Any) -> str:
        from sanlian.services import refs

        return refs.describe(self.session, self.kind, record)

    def _hint(self) -> str:
        """What tells namesakes of this kind apart, for the ``import_ambiguous`` sentence."""
        key = self.HINT.get(self.kind)
        return next((f.label for f in self.fields if f.key == key), "名称")

    def _namesake_notes(self, adds: list[tuple[Row, dict[str, Any]]], result: ImportResult) -> None:
        """Each cadre added while one of the same name is on the roster (the import told them
        apart by their ID numbers, or by their sections): said, since a roster sent again
        with a number corrected, or a cadre moved, would register the same person twice.
        (Cadres only: namesakes among a city's households are many, and no mistake.)"""
        from sqlalchemy import select

        names = sorted({data["name"] for _row, data in adds})
        on_roster: dict[str, list[Any]] = {}
        for start in range(0, len(names), 500):
            stmt = (
                select(self.table)
                .where(
                    self.table.c.retired_on.is_(None),
                    self.table.c.name.in_(names[start : start + 500]),
                )
                .order_by(self.table.c.id)
            )
            for record in self.session.execute(stmt):
                on_roster.setdefault(record.name, []).append(record)
        for row, data in adds:
            others = on_roster.get(data["name"])
            if not others:
                continue
            text = render(
                "import_namesake_added",
                name=data["name"],
                others="、".join(self._describe(r) for r in others[:3]),
                id=others[0].id,
            )
            result.note(render("import_row_note", line=row.line, note=text), group="namesake")

    def _retired_namesake(self, row: Row, data: Mapping[str, Any], result: ImportResult) -> None:
        """A note on a new row of a person whose namesake in the same place (a cadre's
        section, a household's community) is retired: perhaps the same one come back, whom
        ``restore`` brings back with their history (``cadre add`` says the same)."""
        if self._fresh:  # (an empty table: no namesake on file; every row of a large file)
            return
        from sanlian.services.registry import PLACE_COLUMN

        place = PLACE_COLUMN.get(self.kind)
        if place is None:
            return
        if self._retired_names is None:  # read once: retired records are few
            model: Any = self.table
            query = (
                f'SELECT id, name, "{place}", retired_on FROM "{model.name}" '
                "WHERE retired_on IS NOT NULL ORDER BY id"
            )
            self._retired_names = {
                (name, where): (int(ref_id), day)
                for ref_id, name, where, day in self.session.connection().exec_driver_sql(query)
            }
        found = self._retired_names.get((data["name"], data.get(place)))
        if found is None:
            return
        from sanlian.reports.common import zh_date

        ref_id, day = found
        day = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
        text = render(
            "import_retired_namesake",
            place="科室" if self.kind == "cadre" else "社区(村)",
            kind=self.label,
            name=data["name"],
            id=ref_id,
            day=zh_date(day),
            command=self.kind,
        )
        result.note(render("import_row_note", line=row.line, note=text), group="retired_namesake")

    def _notes(self, row: Row, result: ImportResult) -> None:
        for text in row.notes:
            if text.startswith(ZEROS_NOTE):  # a number ending in 000 written: ``_Zeros``
                self.zero_lines.append(row.line)
            # past the first few, a hint is only counted: its sentence is not needed
            listed = result._groups.get("id_number", 0) < GROUP_LIMIT
            if listed and text.startswith(AREA_NOTE):
                from sanlian.services import validate

                text = validate.area_note(text[len(AREA_NOTE) :])
            elif listed and text.startswith(ZEROS_NOTE):
                from sanlian.services.validate import mask_id

                text = render("note_id_zeros", value=mask_id(text[len(ZEROS_NOTE) :]))
            shown = render("import_row_note", line=row.line, note=text) if listed else ""
            result.note(shown, group="id_number")

    # -- planning and writing ---------------------------------------------------------------

    def process(self, rows: list[Row], result: ImportResult, keep_plan: bool) -> list[BadRow]:
        from sqlalchemy import update

        from sanlian.db import journal
        from sanlian.db.journal import SKIP_CAPTURE
        from sanlian.services.registry import (
            PLACE_COLUMN,
            _duplicate,
            check_no_enterprises,
            check_pairs_covered,
            community_kind,
            moved_records_note,
            retired_number_error,
        )

        bad: list[BadRow] = []
        adds: list[tuple[Row, dict[str, Any]]] = []
        updates: list[dict[str, Any]] = []
        olds: list[dict[str, Any]] = []  # the same keys' values before, for the journal
        renamed: list[tuple[int, str]] = []
        self._seen_strong.clear()
        self._seen_name.clear()
        if self._fresh is None:  # whether the table held no record before the import
            run = self.session.connection().exec_driver_sql
            any_record = run(f'SELECT 1 FROM "{self.table.name}" LIMIT 1').first()
            # (SQLite: ``_insert_plain`` gives the new ids in the order of the rows)
            self._fresh = any_record is None and _plain_sqlite(self.session)
        if self._fresh:
            by_strong, by_name, by_id = self._existing_fresh(rows)
        else:
            by_strong, by_name, by_id = self._existing(rows)
        labels = {f.column: f.label for f in self.fields}
        labels["gender"] = labels.get("gender", "性别")

        def refuse(row: Row, key: str, reason: str) -> None:
            bad.append(BadRow(row.line, row.cells, [self.problem(row, key, reason)]))

        for row in rows:
            data = row.data
            if data.get("id_number") in EXAMPLE_IDS:
                # the template's example row overwritten but for its number: not the person's
                refuse(
                    row,
                    "id_number",
                    render("import_example_number", field=self._label_of("id_number")),
                )
                continue
            if row.record_id is not None:  # an export's own row: its number says which record
                record = by_id.get(row.record_id)
                if record is None:
                    key, params = self.record_missing(row.record_id)
                    refuse(row, RECORD_KEY, render(key, **params))
                    continue
                if record.retired_on is not None and not any(
                    getattr(record, k) != v for k, v in data.items()
                ):  # an older export's row left as it was: nothing to change, nothing to refuse
                    said = render(
                        "import_retired_unchanged", kind=self.label, name=record.name, id=record.id
                    )
                    result.note(render("import_row_note", line=row.line, note=said), "retired")
                    result.unchanged += 1
                    if keep_plan:
                        result.planned.append(Planned(row.line, "unchanged", record.name))
                    continue
                if record.retired_on is not None:
                    reason = render(
                        "import_record_retired",
                        id=record.id,
                        kind=self.label,
                        name=record.name,
                        command=self.kind,
                    )
                    refuse(row, RECORD_KEY, reason)
                    continue
                found, how = [record], RECORD_KEY
            else:
                found, how = self._candidates(data, by_strong, by_name)
            if len(found) > 1:
                candidates = "；".join(self._describe(r) for r in found[:10])
                reason = render(
                    "import_ambiguous", kind=self.label, candidates=candidates, hint=self._hint()
                )
                refuse(row, "name", reason)
                continue
            if not found:
                # A new record: the earlier rows of this batch are not in the database yet.
                retired = self._retired_ref(row, None)
                if retired is not None:
                    refuse(row, *retired)
                    continue
                gone = self._retired_by_strong.get(data.get(self.strong)) if self.strong else None
                if gone is not None:  # the same person, retired: ``restore`` brings them back
                    assert self.strong is not None
                    refuse(row, self.strong, retired_number_error(self.kind, gone).message)
                    continue
                earlier = self._same_in_file(data)
                if earlier is not None:
                    line, column = earlier
                    reason = render("import_duplicate_row", line=line, kind=self.label)
                    refuse(row, column, reason)
                    continue
                if data.get("role") == "head":  # (a cadre's: no other kind has a role)
                    second = self._second_head(data, None, row.line)
                    if second is not None:
                        refuse(row, "role", second)
                        continue
                self._remember(data, row.line)
                if self.kind == "community" and data.get("kind") is None:
                    data["kind"] = community_kind(data["name"])  # as ``community add`` does
                adds.append((row, data))
                self._notes(row, result)
                self._retired_namesake(row, data, result)
                continue
            record = found[0]
            # (the same name: the clerk's working copy, the number of a row it added typed in)
            if how == RECORD_KEY and data["name"] != record.name and self._newer_than_file(record):
                reason = render(
                    "import_record_newer",
                    id=record.id,
                    kind=self.label,
                    current=record.name,
                    name=data["name"],
                    written=_local(self.written_at),  # type: ignore[arg-type]
                )
                refuse(row, RECORD_KEY, reason)
                continue
            if how == RECORD_KEY and not self._same_party(record, data):
                refuse(row, RECORD_KEY, self._other_party(record, data))
                continue
            if how == self.strong and self._other_person(record, data):
                reason = self._by_code("import_number_other_name", how, record, data["name"])
                refuse(row, how, reason)
                continue
            if record.id in self._matched:
                line = self._matched[record.id]
                refuse(row, how, render("import_duplicate_row", line=line, kind=self.label))
                continue
            retired = self._retired_ref(row, record)
            if retired is not None:
                refuse(row, *retired)
                continue
            if self.kind == "cadre" and (
                row.values.get("gender") is None or row.values.get("id_number") is None
            ):
                try:  # a gender or ID number given alone must agree with the one on file
                    data = self.clean(row, [], current=record)
                except SanlianError as exc:
                    refuse(row, "id_number", exc.message)
                    continue
            changes = {k: v for k, v in data.items() if getattr(record, k) != v}
            if self.written_at is not None and changes and how == RECORD_KEY:
                # an export's row: what changed in the ledger since it was written is kept
                kept: list[str] = []
                try:
                    changes = self.newer_kept(
                        self.kind,
                        int(record.id),
                        changes,
                        kept,
                        lambda c: labels.get(c, c),
                        record=record,
                    )
                except SanlianError as exc:
                    changed = exc.params.get("column")
                    key = next((f.key for f in self.fields if f.column == changed), "")
                    refuse(row, key, exc.message)
                    continue
                for text in kept:
                    result.note(render("import_row_note", line=row.line, note=text), "newer")
            pasted = journal.masked_paste(
                self.kind, {k: getattr(record, k) for k in changes} | {"id": record.id}, changes
            )
            if pasted is not None:  # a listing's masked text: it would lose the number
                key, value = pasted
                reason = render(
                    "masked_pasted",
                    record=f"{self.label}“{record.name}”（编号 {record.id}）",
                    field=self._label_of(key),
                    value=value,
                    see=journal.see_whole(self.kind, record.id),
                )
                refuse(row, key, reason)
                continue
            if self.kind == "cadre" and changes.get("is_leader") is False:
                try:  # a leader who still links enterprises stays one (as ``cadre edit``)
                    check_no_enterprises(self.session, record, self.today)
                except SanlianError as exc:
                    refuse(row, "is_leader", exc.message)
                    continue
            moved = PLACE_COLUMN.get(self.kind)
            if moved is not None and moved in changes:
                try:  # its running pairs stay where its section (community) is linked
                    check_pairs_covered(self.session, self.kind, record, changes[moved], self.today)
                except SanlianError as exc:
                    refuse(row, "section" if self.kind == "cadre" else "community", exc.message)
                    continue
                if self.kind == "cadre":  # its records move with it (as ``cadre edit`` says)
                    for text in moved_records_note(self.session, record, changes[moved]):
                        said = render("import_row_note", line=row.line, note=text)
                        result.written_notes.append(said)
            keys_changed = set(changes) & {"name", "section_id", "community_id", "town"}
            keys_changed |= set(changes) & {"id_number", "uscc"}
            if keys_changed:
                merged = dict(record._mapping)
                merged.update(changes)
                try:
                    _duplicate(self.session, self.kind, merged, record.id)
                except SanlianError as exc:
                    refuse(row, self.DUPLICATE_FIELD.get(exc.key, "name"), exc.message)
                    continue
            if "role" in changes:
                second = self._second_head(changes, record.id, row.line)
                if second is not None:
                    refuse(row, "role", second)
                    continue
                if record.role == "head":
                    self._unheaded.add(record.id)
            self._matched[record.id] = row.line
            self._remember(data, row.line)
            if not changes:
                result.unchanged += 1
                if keep_plan:
                    result.planned.append(Planned(row.line, "unchanged", data["name"]))
                continue
            if "id_number" in changes:
                self._notes(row, result)
            if how == self.strong and "name" in changes:  # (an enterprise renamed: its code)
                key = "import_renamed_by_id" if how == "id_number" else "import_renamed_by_code"
                renamed_by = self._by_code(key, how, record, changes["name"])
                result.note(render("import_row_note", line=row.line, note=renamed_by))
            result.updated += 1
            updates.append({"id": record.id, **changes})
            olds.append({"id": record.id, **{k: getattr(record, k) for k in changes}})
            if "name" in changes:
                renamed.append((record.id, changes["name"]))
            if keep_plan:
                fields = tuple(labels.get(k, k) for k in changes)
                name = changes.get("name", record.name)
                result.planned.append(Planned(row.line, "update", name, fields))

        if updates:
            journal.record_updates(self.session, self.table, zip(olds, updates, strict=True))
            self.session.execute(update(self.model).execution_options(**SKIP_CAPTURE), updates)
            insert_search_keys(self.session, self.kind, renamed, replace=True)
        if adds and self.kind == "cadre":
            self._namesake_notes(adds, result)
        if adds:
            if self._fresh and self._dropped is None and self.expected_rows >= INDEX_REBUILD_MIN:
                self._drop_indexes()
            if _plain_sqlite(self.session):
                made = self._insert_plain(adds)
            else:
                made = self._insert_core(adds)
            if self._fresh:
                self._remember_fresh(made, adds)
            # the journal keeps the new records' ids (runs of them), not their values
            journal.record_inserted_ids(self.session, self.table, [i for i, _n in made])
            self._defer_lookup_index()
            ahead = {d["name"]: r.keys for r, d in adds if r.keys is not None}
            self._keys_added += insert_search_keys(
                self.session, self.kind, made, replace=False, known=ahead
            )
            result.added += len(adds)
            if keep_plan:
                result.planned.extend(Planned(r.line, "add", d["name"]) for r, d in adds)
        return bad

    def _second_head(self, data: Mapping[str, Any], record_id: int | None, line: int) -> str | None:
        """Why a row may not make its cadre the leading group's head (组长): an earlier line
        did, or another cadre on the roster is (unless an earlier line made that one
        something else). ``None``: it may, and this line is remembered as the head's."""
        from sanlian.services.registry import current_head

        if self.kind != "cadre" or data.get("role") != "head":
            return None
        if self._head_line is not None:
            return render("import_two_heads", line=self._head_line)
        other = current_head(self.session, self.kind, data, record_id)
        if other is not None and other[0] not in self._unheaded:
            return render("one_head", name=other[1], id=other[0])
        self._head_line = line
        return None

    def _defer_lookup_index(self) -> None:
        """On SQLite, once this import has written more search keys than the table held
        before it (and many), the lookup index is dropped until ``finish`` builds it again:
        building it from the whole table once costs less than putting each of a large
        import's keys into it (at 100,000 households, 0.2 s against 0.8 s). A small import
        into a large table never reaches that point. Inside the import's savepoint: a
        refused or rehearsed import, or one killed midway, leaves the index as it was."""
        if self._lookup is not None or not _plain_sqlite(self.session):
            return
        connection = self.session.connection()
        if self._keys_before is None:
            self._keys_before = int(
                connection.exec_driver_sql("SELECT count(*) FROM search_key").scalar() or 0
            )
        if self._keys_added < max(KEY_INDEX_DEFER, self._keys_before):
            return
        self._lookup = _Deferred(connection, "search_key")
        self._lookup.drop({LOOKUP_INDEX})

    def finish(self) -> None:
        for deferred in (self._dropped, self._lookup):
            if deferred is not None:
                deferred.restore()
        self._dropped = self._lookup = None

    def _key_at(self, names: list[str]) -> list[int]:
        return [names.index(k) for k in self._key_columns]

    def _holds(self, run: Any, record_id: int, values: Sequence[Any], names: list[str]) -> bool:
        """Whether record ``record_id`` holds the keys of ``values`` (a row just written)."""
        keys = ", ".join(f'"{k}"' for k in self._key_columns)
        sql = f'SELECT {keys} FROM "{self.table.name}" WHERE id = ?'
        found = run(sql, (record_id,)).first()
        return found is not None and tuple(found) == tuple(values[i] for i in self._key_at(names))

    def _read_back(
        self, run: Any, before: int, params: list[tuple[Any, ...]], names: list[str]
    ) -> list[int]:
        """The ids of the rows just written (in the order of ``params``), read back."""
        keys = ", ".join(f'"{k}"' for k in self._key_columns)
        sql = f'SELECT id, {keys} FROM "{self.table.name}" WHERE id > ? OR id <= ?'
        key_at = self._key_at(names)
        wanted = {tuple(values[i] for i in key_at) for values in params}
        found: dict[tuple[Any, ...], int] = {}
        for new_id, *key in run(sql, (before, 0)):
            if tuple(key) in wanted:
                found[tuple(key)] = int(new_id)
        if len(found) < len(wanted):  # ids chosen at random, past the largest: any of them
            sql = f'SELECT id, {keys} FROM "{self.table.name}" ORDER BY id DESC'
            for new_id, *key in run(sql):
                if tuple(key) in wanted and tuple(key) not in found:
                    found[tuple(key)] = int(new_id)
        return [found[tuple(values[i] for i in key_at)] for values in params]

    def _insert_core(self, adds: list[tuple[Row, dict[str, Any]]]) -> list[tuple[int, str]]:
        """New records through Core's executemany with RETURNING (PostgreSQL): their ids and
        names for the search keys (and the journal)."""
        from sqlalchemy import insert

        from sanlian.db.journal import SKIP_CAPTURE

        # The new ids come back unordered; the keys a batch holds once each tell them apart.
        full = [{**self._defaults, **data, "created_at": self.now} for _r, data in adds]
        keys = self._key_columns
        line_of = {
            tuple(f.get(k) for k in keys): r.line for (r, _d), f in zip(adds, full, strict=True)
        }
        stmt = insert(self.table).returning(self.table.c.id, *(self.table.c[k] for k in keys))
        made = []
        for new_id, *key in self.session.execute(stmt.execution_options(**SKIP_CAPTURE), full):
            made.append((int(new_id), str(key[0])))
            self._matched[int(new_id)] = line_of.get(tuple(key), 0)
        return made

    def _insert_plain(self, adds: list[tuple[Row, dict[str, Any]]]) -> list[tuple[int, str]]:
        """``_insert_core`` on SQLite through the driver's ``executemany``, values as lists
        (SQLAlchemy's handling of each parameter set cost more than SQLite's writing it); the
        new ids are the ones after the largest before, in order (see below), so nothing has
        to be read back. The values are those Core would bind: the columns' own bind
        processing is applied where a column has one (only ``created_at`` in practice)."""
        connection = self.session.connection()
        dialect = connection.dialect
        columns = [c for c in self.table.columns if c.name != "id"]
        names = [c.name for c in columns]
        created_at = names.index("created_at") if "created_at" in names else None
        processed = []  # (position, bind processor) of the other columns that have one
        for i, c in enumerate(columns):
            process = c.type._cached_bind_processor(dialect)
            if process is not None and i != created_at:
                processed.append((i, process))
        created: Any = self.now
        if created_at is not None:
            process = columns[created_at].type._cached_bind_processor(dialect)
            created = process(self.now) if process is not None else self.now
        defaults = self._defaults
        params: list[tuple[Any, ...]] = []
        for _row, data in adds:
            values = [data[n] if n in data else defaults[n] for n in names]
            for i, process in processed:
                values[i] = process(values[i])
            if created_at is not None:
                values[created_at] = created
            params.append(tuple(values))
        listed = ", ".join(f'"{n}"' for n in names)
        table = self.table.name
        head = f'INSERT INTO "{table}" ({listed}) VALUES '
        one = "(" + ", ".join("?" * len(names)) + ")"
        per = max(1, _sqlite_variables(connection) // len(names))  # rows a statement
        # Multi-row statements (as Core's executemany writes them), not the driver's
        # executemany: SQLite keeps a statement journal for them, so a full disk rolls back the
        # statement and not the whole transaction (which would take the savepoint with it).
        # Through SQLAlchemy's driver-level calls, which cost little: its errors are the ones
        # the command's boundary knows.
        run = connection.exec_driver_sql
        before = int(run(f'SELECT max(id) FROM "{table}"').scalar() or 0)
        # (AUTOINCREMENT: past the largest number ever used, a removed record's perhaps)
        used = run("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).scalar()
        before = max(before, int(used or 0))
        for start in range(0, len(params), per):
            chunk = params[start : start + per]
            flat = tuple(v for values in chunk for v in values)
            run(head + ", ".join([one] * len(chunk)), flat)
        last = int(run("SELECT last_insert_rowid()").scalar() or 0)
        ids: list[int] = list(range(before + 1, last + 1)) if last - before == len(params) else []
        # Each row took the next id, in order: SQLite gives a row written without one the
        # largest id ever used + 1 (AUTOINCREMENT), and this transaction holds the write
        # lock. Checked at both ends; else the ids are read back and matched by the keys a
        # batch holds once each.
        contiguous = len(ids) == len(params) and all(
            self._holds(run, ids[i], params[i], names) for i in {0, len(ids) - 1}
        )
        if not contiguous:
            ids = self._read_back(run, before, params, names)
        made = []
        for new_id, (row, data) in zip(ids, adds, strict=True):
            made.append((new_id, str(data["name"] if "name" in data else defaults["name"])))
            self._matched[new_id] = row.line
        return made


SQLITE_VARIABLES = 32766  # parameters a statement at the most (SQLite 3.32 on)


def _sqlite_variables(connection: Any) -> int:
    """The parameters a statement may hold on this SQLite: 32,766 since 3.32, 999 before."""
    import sqlite3

    driver = connection.connection.driver_connection
    return min(SQLITE_VARIABLES, int(driver.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)))


KEYS_A_STATEMENT = 256  # search keys a multi-row statement (the rest of a batch: executemany)


def _among(column: Any, key: str, values: set[Any], params: dict[str, Any]) -> Any:
    """``column IN (values)``, the values an expanding parameter ``key`` (set in ``params``)."""
    from sqlalchemy import bindparam

    params[key] = list(values)
    return column.in_(bindparam(key, expanding=True))


def _among_sqlite(column: Any, key: str, values: set[Any], params: dict[str, Any]) -> Any:
    """``_among`` on SQLite: the values one JSON array, read by ``json_each`` (text values:
    names, ID numbers, credit codes), so that a batch's hundreds of values are not each a
    parameter SQLAlchemy renders into the statement."""
    import json

    from sqlalchemy import bindparam, func, select

    params[key] = json.dumps(list(values), ensure_ascii=False)
    each = func.json_each(bindparam(key)).table_valued("value")
    return column.in_(select(each.c.value))


class _Deferred:
    """Plain indexes of a table (made by CREATE INDEX, not unique) dropped for a large write
    and built again afterwards in the order they were made: with no statistics (no ANALYZE)
    SQLite chooses between indexes that serve a query equally by that order, so an index
    built again out of its place changed plans. Rebuilt last, the search keys' lookup index
    took ``refs.set_keys``'s ``kind = ? AND ref_id = ?`` from the ``ref_id`` index (an
    undo of 3,000 renamed households 1.4 → 38.6 s); the households' three indexes rebuilt in
    reverse took ``name = ? AND community_id = ?`` through the community's (1.1 → 8.0 s). So
    ``restore`` also drops and builds again those made after the first index dropped."""

    def __init__(self, connection: Any, table: str) -> None:
        self._run = connection.exec_driver_sql
        unique = {
            r[1]: bool(r[2]) or r[3] != "c" for r in self._run(f'PRAGMA index_list("{table}")')
        }
        # (the order they were made in: their rows in the schema table)
        self._plain = [
            (name, str(sql))
            for name, sql in self._run(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                "AND sql IS NOT NULL ORDER BY rowid",
                (table,),
            )
            if not unique.get(name, True)
        ]
        self._dropped: set[str] = set()

    def drop(self, names: set[str] | None = None) -> None:
        """Drop the plain indexes named (every one when ``None``)."""
        for name, _sql in self._plain:
            if (names is None or name in names) and name not in self._dropped:
                self._run(f'DROP INDEX "{name}"')
                self._dropped.add(name)

    def restore(self) -> None:
        """Build the dropped indexes again, and those made after the first of them, in order."""
        first = next((i for i, (n, _s) in enumerate(self._plain) if n in self._dropped), None)
        if first is None:
            return
        for name, _sql in self._plain[first:]:
            if name not in self._dropped:
                self._run(f'DROP INDEX "{name}"')
        for _name, sql in self._plain[first:]:
            self._run(sql)
        self._dropped.clear()


def _add_id(index: dict[Any, Any], key: Any, new_id: int) -> None:
    """``index[key]`` gains ``new_id``: one id, or a list once there are more (most keys have
    one, and 100,000 lists of one took 10 MB more)."""
    held = index.get(key)
    if held is None:
        index[key] = new_id
    elif type(held) is int:
        index[key] = [held, new_id]
    else:
        held.append(new_id)


def _ids_of(index: dict[Any, Any], key: Any) -> Sequence[int]:
    """The ids ``_add_id`` put under ``key``."""
    held = index.get(key)
    return () if held is None else (held,) if type(held) is int else held


def _plain_sqlite(session: Session) -> bool:
    """Whether new records may go through the SQLite driver."""
    return bool(session.connection().dialect.name == "sqlite")


REGISTRY_KINDS = ("section", "cadre", "community", "enterprise", "household")
IMPORTERS: dict[str, Callable[..., Importer]] = {
    kind: functools.partial(RegistryImporter, kind=kind) for kind in REGISTRY_KINDS
}


def importer_for(
    kind: str,
    session: Session,
    *,
    today: dt.date,
    now: dt.datetime,
    operator: str | None = None,
) -> Importer:
    factory = IMPORTERS.get(kind)
    if factory is None:
        raise ImportFileError("import_kind_unsupported", kind=kind, kinds="、".join(IMPORTERS))
    return factory(session, today=today, now=now, operator=operator)


def fields_for(kind: str) -> tuple[Field, ...]:
    """The import fields of ``kind`` without a database (template, --map help)."""
    if kind in REGISTRY_KINDS:
        return registry_fields(kind)
    factory = FIELD_TABLES.get(kind)
    if factory is None:
        raise ImportFileError("import_kind_unsupported", kind=kind, kinds="、".join(IMPORTERS))
    return factory()


FIELD_TABLES: dict[str, Callable[[], tuple[Field, ...]]] = {}


# --- the engine -----------------------------------------------------------------------------


def bad_file_path(path: Path) -> Path:
    """Beside the input: ``干部花名册.错误.xlsx`` (any Excel format is written back as .xlsx);
    where that is there already (an earlier import's, which the clerk may be correcting), the
    next free ``干部花名册.错误（2）.xlsx``: never written over."""
    suffix = ".csv" if path.suffix.lower() in (".csv", ".txt", ".tsv") else ".xlsx"
    out = path.with_name(f"{path.stem}.错误{suffix}")
    n = 2
    while out.exists() or out.is_symlink():
        out = path.with_name(f"{path.stem}.错误（{n}）{suffix}")
        n += 1
    return out


def run_import(
    session: Session,
    kind: str,
    table: Table,
    *,
    today: dt.date,
    now: dt.datetime,
    mapping: Sequence[str] = (),
    dry_run: bool = False,
    skip_bad: bool = False,
    keep_plan: bool = False,
    progress: Callable[[int, int, int], None] | None = None,
    operator: str | None = None,
    early: Prepared | None = None,
) -> ImportResult:
    """Import ``table`` as records of ``kind``; see the module's docstring for the steps.
    ``early``: what ``begin_early`` made of the same file before the database was opened.

    The writes happen inside a savepoint that is released only when they are to be kept: not
    for ``dry_run``, and not when a row is bad unless ``skip_bad``. The caller's transaction
    holds them until the command ends.
    """
    from sanlian.db.tallies import deferred

    _larger_cache(session)
    with _fewer_collections(), deferred(session, kind == "visit"):
        return _run_import(
            session,
            kind,
            table,
            today=today,
            now=now,
            mapping=mapping,
            dry_run=dry_run,
            skip_bad=skip_bad,
            keep_plan=keep_plan,
            progress=progress,
            operator=operator,
            early=early,
        )


def _larger_cache(session: Session) -> None:
    """SQLite's page cache raised for the rest of the connection (the command): the import's
    rows, search keys and journal outgrow the default 2 MiB, and SQLite then writes pages out
    mid-transaction and reads them back (a second of system time at 100,000 rows). It is a
    ceiling, not an allocation."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    size = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    current_kib = -int(size) if size is not None and int(size) < 0 else 0
    if current_kib < IMPORT_CACHE_KIB:
        connection.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """The garbage collector, told that what exists before the import stays (``gc.freeze``)
    and asked to look less often: an import allocates millions of short-lived objects and
    keeps few, and the collections it triggered were a quarter of its time."""
    import gc

    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(thresholds[0], GC_THRESHOLD), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _run_import(
    session: Session,
    kind: str,
    table: Table,
    *,
    today: dt.date,
    now: dt.datetime,
    mapping: Sequence[str],
    dry_run: bool,
    skip_bad: bool,
    keep_plan: bool,
    progress: Callable[[int, int, int], None] | None,
    operator: str | None,
    early: Prepared | None = None,
) -> ImportResult:
    started = time.perf_counter()
    if early is None:
        importer = importer_for(kind, session, today=today, now=now, operator=operator)
        prepared = _prepare(importer, table, mapping)
    else:  # made before the database was opened; its rows are being checked already
        prepared = early
        importer = prepared.importer
        importer.session = session
    result, columns, rows = prepared.result, prepared.columns, prepared.rows
    example, mapped_keys, fields = prepared.example, prepared.mapped_keys, prepared.fields
    read = 0
    zeros = _Zeros.of(importer, columns)
    if table.fmt == "xlsx":  # an export of this ledger: what changed in it since is kept
        from sanlian.io.xlsx_stream import written_at

        importer.written_at = result.written_at = written_at(table.path)
        importer.file_name = table.path.name
    hidden = table.hidden_rows  # (an Excel sheet's rows filtered out or hidden by hand)
    hidden_lines: list[int] = []
    headings: list[int] = []  # a group's heading among the rows (一、办公室): skipped
    twins = columns.twins  # a phone field's columns, when several
    two_numbers: list[int] = []  # rows of two different numbers in them: one imported

    savepoint = session.begin_nested()
    try:
        batch: list[Row] = []
        if early is not None and early.front is not None:
            ahead = _stopping(early.front)
        else:
            ahead = _front_rows(rows, table, importer, columns, fields)
        with ahead as front:
            for line, cells, values, problems, record_text, record_id, pre in front:
                read += 1
                if progress is not None and read % BATCH == 0:
                    progress(front.done, table.total, read)
                if values is None:
                    if record_text == HEADING_ROW:
                        headings.append(line)
                    continue  # only unknown or ignored columns filled: nothing to import
                if read == 1 and record_id is None and _is_instructions(cells):
                    result.note(render("import_instructions_row", line=line))
                    continue  # 填写说明 under the header: （必填） （11位） …
                row = Row(line, cells, values, record_id=record_id, record_text=record_text)
                if (
                    example
                    and read == 1
                    and not problems
                    and record_id is None
                    and all(values.get(k) == example.get(k) for k in mapped_keys)
                ):
                    result.skipped_example = True
                    result.example_line = line
                    continue
                result.rows += 1
                if hidden and line in hidden:
                    hidden_lines.append(line)
                if twins:
                    for order in twins.values():
                        if _phone_cell(cells, order)[2]:
                            two_numbers.append(line)
                if zeros is not None:
                    zeros.count(values)
                if problems and type(problems[-1]) is Notice:  # how a cell was read: said
                    for notice in problems:
                        if type(notice) is Notice:
                            said = render("import_row_note", line=line, note=notice.reason)
                            result.note(said, group="date_cell")
                    problems = [p for p in problems if type(p) is not Notice]
                if problems:
                    # A damaged number hides the rest of the row's checks for its own column.
                    skip = {_key(columns, p) for p in problems}
                    extra = _diagnose(importer, row, columns, skip=skip)
                    result.bad.append(BadRow(line, cells, _in_order(columns, problems + extra)))
                    continue
                data = importer.complete(pre[0], values) if pre is not None else None
                if data is not None:  # checked ahead (``_front``): what ``clean`` gives
                    assert pre is not None
                    row.data = data
                    row.notes = pre[1]
                    row.keys = pre[2]
                else:
                    try:
                        # Hints about the values (an area code not in the table) wait for the
                        # row's fate: they concern a row that adds a record or changes its ID
                        # number only.
                        row.data = importer.clean(row, row.notes)
                    except SanlianError as exc:
                        found = _diagnose(importer, row, columns) or [Problem("", "", exc.message)]
                        result.bad.append(BadRow(line, cells, found))
                        continue
                if zeros is not None:
                    zeros.mark(row)
                batch.append(row)
                if len(batch) >= BATCH:
                    result.bad.extend(importer.process(batch, result, keep_plan))
                    batch = []
        if not result.rows:  # a header (or the template's example) and nothing under it
            if result.other_data_sheets and not result.skipped_example:  # the data is likely
                # on one of them: say which
                raise ImportFileError(
                    "import_header_only_sheets",
                    sheet=table.sheet,
                    others="、".join(f"“{n}”" for n in result.other_data_sheets),
                    first=result.other_data_sheets[0],
                    kind=importer.label,
                )
            raise ImportFileError(
                "import_example_only" if result.skipped_example else "import_header_only",
                path=table.path,
                line=result.example_line if result.skipped_example else result.header_line,
                kind=importer.label,
                where="文件或工作表（--sheet）" if table.sheet else "文件",
            )
        if batch:
            result.bad.extend(importer.process(batch, result, keep_plan))
        if zeros is not None:
            zeros.verdict(importer)
        if hidden_lines:
            shown = "、".join(str(n) for n in hidden_lines[:10])
            more = f"等 {len(hidden_lines)}" if len(hidden_lines) > 10 else ""
            # first, and never among the notes past the limit (a row's notes may be many)
            result.notes.insert(0, render("import_hidden_rows", lines=shown + more))
        hidden_columns = table.hidden_columns
        if hidden_columns:  # a hidden column that feeds a field: read all the same
            feeding = {*columns.fields, *(i for t in twins.values() for i in t)}
            if columns.record is not None:
                feeding.add(columns.record)
            named = [f"“{columns.headers[i]}”" for i in sorted(feeding & hidden_columns)]
            if named:
                result.notes.insert(0, render("import_hidden_columns", columns="、".join(named)))
        if two_numbers:
            shown = "、".join(str(n) for n in two_numbers[:10])
            more = f"等 {len(two_numbers)}" if len(two_numbers) > 10 else ""
            order = next(iter(twins.values()))
            names = "”和“".join(columns.headers[i] for i in sorted(order))
            result.notes.insert(
                0,
                render(
                    "import_two_numbers",
                    lines=shown + more,
                    columns=names,
                    first=columns.headers[order[0]],
                ),
            )
        if headings:
            shown = "、".join(str(n) for n in headings[:10])
            more = f"等 {len(headings)}" if len(headings) > 10 else ""
            result.notes.insert(0, render("import_heading_rows", lines=shown + more))
        if columns.record is not None and importer.written_at is None and result.updated:
            # an export's rows changing records, from a file that does not say when it was
            # written (a CSV, or a workbook saved anew by another program): what the ledger
            # changed since cannot be told from the file's old values
            result.note(render("import_unstamped", kind=kind))
        if (
            columns.record is None
            and importer.written_at is not None
            and result.added
            and "编号" in {header_key(h) for h in columns.headers}
        ):
            # a listing sanlian wrote (``list -o``), edited and imported: its 编号 is the
            # record's, but such a file is not an export, and rows renamed in it were new ones
            result.note(render("import_list_file", kind=kind))
        importer.finish()
        if progress is not None:
            progress(table.total, table.total, read)
        result.bad.sort(key=lambda b: b.line)
        keep = not dry_run and (not result.bad or skip_bad)
        if keep:
            savepoint.commit()
        else:
            savepoint.rollback()
        result.written = keep
    except BaseException:
        if savepoint.is_active:
            savepoint.rollback()
        raise
    finally:
        table.close()
    if result.bad and skip_bad and not dry_run:
        result.bad_file = write_bad_rows(table.path, columns, result.bad, importer.written_at)
    result.seconds = time.perf_counter() - started
    return result


class _Zeros:
    """ID numbers ending in 000 in a file's ID column. Excel keeps 15 digits of a number, so
    a column of ID numbers stored as numbers ends each in 000; one in eleven of them still
    has a right check digit. A valid number ending so, of a row that adds a record or changes
    its number, is imported with a note to check it (one real number in about a thousand ends
    so), in its place among the rows; where in the end too many of the column's numbers end
    in 000 (one in ``TRUNCATED_SHARE``, two at the least), the file is refused (``verdict``)
    and nothing is written. A row that leaves a record's number as it is (an exported file
    imported again) is never the reason."""

    TRUNCATED_SHARE = 50  # one number in this many ending in 000: the column was cut

    def __init__(self, key: str, header: str) -> None:
        self.key = key
        self.header = header
        self.numbers = 0
        self.ending = 0

    @classmethod
    def of(cls, importer: Importer, columns: Columns) -> _Zeros | None:
        spec = getattr(importer, "_id_spec", None)
        if spec is None or spec.key not in {f.key for f in columns.fields.values()}:
            return None
        return cls(spec.key, columns.header_of(spec.key))

    def count(self, values: Mapping[str, Any]) -> None:
        raw = values.get(self.key)
        if raw is None:
            return
        if type(raw) is str and len(raw) == 18:  # the usual cell: 100,000 rows, on the writer
            self.numbers += 1
            self.ending += raw.endswith("000")
            return
        digits = "".join(ch for ch in str(raw) if ch.isalnum())
        if len(digits) >= 15:
            self.numbers += 1
            self.ending += digits.endswith("000")

    @staticmethod
    def mark(row: Row) -> None:
        """A valid number ending in 000: its note (``RegistryImporter._notes`` says it, and
        counts the row, when the row adds a record or changes its number)."""
        number = row.data.get("id_number")
        if isinstance(number, str) and number.endswith("000"):
            row.notes.append(ZEROS_NOTE + number)

    def verdict(self, importer: Importer) -> None:
        """Refuse the file when its valid numbers ending in 000 are of a column cut short."""
        lines: list[int] = getattr(importer, "zero_lines", [])
        if lines and self.ending >= 2 and self.ending * self.TRUNCATED_SHARE > self.numbers:
            shown = "、".join(str(n) for n in lines[:5]) + ("等" if len(lines) > 5 else "")
            raise ImportFileError(
                "import_id_zeros_column",
                field=self.header,
                count=self.ending,
                lines=shown,
                kind=importer.kind,
            )


@dataclass
class Prepared:
    """An import's side that needs no database: its importer, the file's header and columns,
    the rows after the header and, once started (``begin_early``), where they are checked."""

    importer: Importer
    result: ImportResult
    columns: Columns
    rows: Iterator[tuple[int, list[Cell]]]
    example: dict[str, Any]
    mapped_keys: list[str]
    fields: list[tuple[int, Field, str, bool, bool]]
    front: _Inline | _Forked | None = None

    def stop(self) -> None:
        """The checking process stopped and reaped (a no-op when there is none)."""
        if self.front is not None:
            self.front.stop()


def _prepare(importer: Importer, table: Table, mapping: Sequence[str]) -> Prepared:
    """The header found and the columns mapped (``find_columns``); nothing written."""
    result = ImportResult(
        kind=importer.kind,
        label=importer.label,
        path=table.path,
        fmt=table.fmt,
        encoding=table.encoding,
        delimiter=table.delimiter,
        sheet=table.sheet,
    )
    rows = iter(table)
    maps = parse_mapping(mapping, importer.fields, importer.label)
    try:
        columns = find_columns(
            rows,
            importer.fields,
            maps,
            path=table.path,
            kind_label=importer.label,
            ignored=importer.ignored,
        )
    except ImportFileError as exc:
        if exc.key not in ("import_no_header", "import_empty") or not table.other_sheets:
            raise
        raise ImportFileError(  # the data is likely on another sheet: say which there are
            exc.key + "_sheets",
            **exc.params,
            sheet=table.sheet,
            others="、".join(f"“{n}”" for n in table.other_sheets),
            first=table.other_sheets[0],
        ) from None
    importer.columns = columns
    columns.across = table.merged_across(len(columns.headers))
    result.other_data_sheets = _other_data_sheets(table, importer, maps)
    if columns.pending:  # the row read after the header to see whether it was one
        rows = itertools.chain(columns.pending, rows)
    importer.expected_rows = _expected_rows(table)
    result.header_line = columns.header_line
    result.unknown_columns = columns.unknown
    result.nameless_after = columns.nameless
    example = {k: _example_text(v) for k, v in importer.example().items()}
    mapped_keys = [f.key for f in columns.fields.values()]
    if not set(example) <= set(mapped_keys):
        example = {}  # only a file with every column of the template can hold its example
    # (column, field, key, whether prose, whether a number) for ``prepare`` inline
    fields = [
        (index, f, f.key, f.type in PROSE_TYPES, f.type in NUMBER_TYPES)
        for index, f in columns.fields.items()
    ]

    return Prepared(importer, result, columns, rows, example, mapped_keys, fields)


def begin_early(
    kind: str,
    table: Table,
    *,
    today: dt.date,
    now: dt.datetime,
    mapping: Sequence[str] = (),
    operator: str | None = None,
) -> Prepared | None:
    """For a large registry file, before the database is opened: its header found and its
    rows checked from now on by a forked process (``_Forked``), so that the checks run while
    this process loads SQLAlchemy, opens the database and takes the backup (≈ 0.25 s).
    ``None`` where the checks stay in this process (``_parallel``): the file is then read
    only by ``run_import``. The caller passes the result to ``run_import(early=…)`` and
    calls its ``stop`` however the command ends. A file that has no header is refused here,
    before the database is opened."""
    factory = IMPORTERS.get(kind)
    if factory is None or kind not in REGISTRY_KINDS:
        return None
    importer = factory(None, today=today, now=now, operator=operator)
    if not _parallel(table, importer):
        return None
    prepared = _prepare(importer, table, mapping)
    _warm(importer)
    try:
        prepared.front = _Forked(
            _front(prepared.rows, importer, prepared.columns, prepared.fields, keys=True),
            table,
            importer,
        )
    except OSError:  # no process to be had: the rows are checked here, as they come
        prepared.front = _Inline(
            _front(prepared.rows, importer, prepared.columns, prepared.fields), table
        )
    return prepared


def _other_data_sheets(table: Table, importer: Any, maps: Mapping[str, str]) -> list[str]:
    """The workbook's other visible sheets (none named by ``--sheet``) that have a header of
    this kind: a roster sent as one sheet per section is imported one sheet at a time, and the
    clerk should hear that the others were left."""
    from sanlian.io.readers import sheet_head
    from sanlian.io.writers import TEMPLATE_NOTES_SHEET

    found = []
    for name in table.visible_others[:20]:
        if name == TEMPLATE_NOTES_SHEET:  # a template's notes list the columns' names
            continue
        head = sheet_head(table.path, name)
        if not head:
            continue
        try:
            find_columns(
                iter(head),
                importer.fields,
                maps,
                path=table.path,
                kind_label=importer.label,
                ignored=importer.ignored,
                mapped=False,  # a --map of this sheet's column: another sheet may not have it
            )
        except SanlianError:
            continue
        found.append(name)
    return found


# --- the per-row work that depends on the row alone ------------------------------------------

# (line, cells, values or None when nothing is to be imported, problems of the cells, the
# record number as shown, the record number, and ``clean_pure``'s (data, notes, the name's search
# keys or None) or None where the row is to be checked by ``clean``)
FrontRow = tuple[
    int,
    list[Cell],
    "dict[str, Any] | None",
    "list[Problem]",
    str,
    "int | None",
    "tuple[dict[str, Any], list[str], tuple[str, ...] | None] | None",
]

PARALLEL_MIN_ROWS = 5_000  # rows a file holds before a second process checks them
PARALLEL_ENV = "SANLIAN_IMPORT_PARALLEL_MIN_ROWS"  # test hook: that number, for small files
CSV_ROW_BYTES = 100  # a CSV row's size, to guess its rows from its bytes
FRAME = 500  # rows a message from the checking process to the writing one
PIPE_BYTES = 1 << 20  # the pipe's buffer (Linux allows up to 1 MiB by default)
CHILD_KEYS_EVERY = 5  # the checking process works out the search keys of one row in this many


_TOTAL_ROW = re.compile(r"(合计|总计|小计|共计)([:：(（].*)?")


def _is_instructions(cells: Sequence[Cell]) -> bool:
    """A row of notes on how to fill each column, as a form sent down has under its header:
    every filled cell in brackets (（必填）, （11位）, (男/女)), or the first one saying so
    (填写说明, （说明）): not a record."""
    texts = [c.strip() for c in cells if isinstance(c, str) and c.strip()]
    if len(texts) < 2 or any(c is not None and not isinstance(c, str) for c in cells):
        return False
    if texts[0].strip("（）()【】[]:：") in INSTRUCTION_HEADS:
        return True
    return all(t[0] in "（(" and t[-1] in "）)" for t in texts)


INSTRUCTION_HEADS = frozenset({"填写说明", "填表说明", "说明", "填写要求", "注", "备注说明"})


def _is_total_row(cells: Sequence[Cell]) -> bool:
    """A sum row such as ``合计 | 3人 | | …``: its first filled cell says 合计 (总计, 小计, 共计);
    or the form's footer under the table (``_is_footer_row``)."""
    for cell in cells:
        if cell is None or (type(cell) is str and not cell.strip()):
            continue
        if type(cell) is not str:
            return False
        if "计" in cell and _TOTAL_ROW.fullmatch(re.sub(r"\s+", "", cell)):
            return True
        # (a name has neither 计 nor a colon: no regular expression for it)
        return ("：" in cell or ":" in cell) and _is_footer_row(cells)
    return False


# "Nothing below": the line a form's filler writes under the last record (以下空白, （以下空白）,
# 以下无内容, 此页以下空白, 以下无正文, ——以下空白——, 此页无正文), punctuation and blanks aside.
_BLANK_MARKER = re.compile(
    r"(此页|本页|此表|本表|此处|本栏)?以下(均为|均|为)?"
    r"(空白处?|空|无内容|无正文|无数据|无记录|没有内容|无)|(此页|本页)无正文"
)
_NOT_WORD = re.compile(r"[\W_]+")


def _is_blank_marker(cells: Sequence[Cell]) -> bool:
    """Whether a filled cell of the row says that nothing follows (``以下空白``): the row is
    no record, whatever else is filled in it (a 序号, a 社区 merged down or filled ahead)."""
    for cell in cells:
        # (a character first: a regular expression on every cell would cost; 以 下 空 白
        # is written with blanks between too)
        if (
            type(cell) is str
            and ("以" in cell or "正" in cell)
            and _BLANK_MARKER.fullmatch(_NOT_WORD.sub("", cell))
        ):
            return True
    return False


def _no_lead(cells: Sequence[Cell], at: int | None) -> bool:
    """Whether a row's lead field (a name) is empty or the 以下空白 itself."""
    cell = cells[at] if at is not None and at < len(cells) else None
    return cell is None or (type(cell) is str and (not cell.strip() or _is_blank_marker([cell])))


def _only_ahead(cells: Sequence[Cell], ahead: frozenset[int]) -> bool:
    """Whether a row holds nothing but what the 以下空白 row held too (columns filled ahead)
    and numbers (a 序号): a row with an ID number or a phone is a record without its name,
    refused as such, not passed over."""
    for i, c in enumerate(cells):
        if c is None or i in ahead or (type(c) is str and not c.strip()):
            continue
        if type(c) in (int, float) or (
            type(c) is str and c.strip().isdigit() and len(c.strip()) <= 4
        ):
            continue
        return False
    return True


# A group's heading among the rows (一、办公室 · （二）综合科 · 幸福社区（3户） · 办公室(共5人)):
# the row's only filled cell.
_HEADING = re.compile(
    r"([一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）]).+"
    r"|.+[(（]共?\s*[0-9]+\s*[户人名家个][)）]"
)
HEADING_ROW = "\x00heading"  # a skipped row's tag (``_front``): a group's heading


def _is_heading(
    cells: Sequence[Cell], across: frozenset[int], line: int, required: frozenset[int]
) -> bool:
    """Whether a row whose only filled cell is ``cells``' text is a group's heading: numbered
    with a Chinese numeral (``一、办公室``), or counting its group (``幸福社区（3户）``), or
    a cell merged across the row (``across``: the rows that have one) — where the row could
    be no record (``required``: the columns of required fields; a community's name, its only
    required field, merged across or numbered, is a record)."""
    index, text = next((i, c) for i, c in enumerate(cells) if c is not None)
    if type(text) is not str or len(text) > 40 or not required - {index}:
        return False  # (a list of communities numbered 一、东关社区: each row a record)
    # (merged across from the first column: a cell merged over 需求 to 备注 alone is not one)
    return (line in across and cells[0] is not None) or bool(_HEADING.fullmatch(text.strip()))


def _repeats(cells: Sequence[Cell], headers: Sequence[str]) -> bool:
    """Whether a row is the header row again: each filled cell its column's header."""
    filled = 0
    for index, cell in enumerate(cells):
        if cell is None or (type(cell) is str and not cell.strip()):
            continue
        if type(cell) is not str or index >= len(headers):
            return False
        if header_key(cell) != header_key(headers[index]):
            return False
        filled += 1
    return filled >= 2


# The lines an office form ends with: who filled it in and checked it, when, a note.
_FOOTER_CELL = re.compile(
    r"(填表人|制表人|填报人|审核人|审核|审批人|统计人|经办人|负责人|单位负责人|分管领导|主要领导"
    r"|填表日期|填报日期|制表日期|统计日期|报送日期|联系电话|填报单位|填表单位|报送单位"
    r"|单位[(（]盖章[)）]|[(（]盖章[)）])[:：].*"
)
_NOTE_CELL = re.compile(r"(注|说明|填表说明|备注)\d*[:：].+")


def _is_footer_row(cells: Sequence[Cell]) -> bool:
    """``填表人：王五 | 审核人：赵六 | 填报日期：…`` (every filled cell such a line), or a lone
    ``注：……`` under the table: no record, skipped as a 合计 row is."""
    filled = [re.sub(r"\s+", "", c) for c in cells if type(c) is str and c.strip()]
    if len(filled) != sum(
        1 for c in cells if c is not None and not (type(c) is str and not c.strip())
    ):
        return False  # a number or a date among them: a record
    if len(filled) == 1 and _NOTE_CELL.fullmatch(filled[0]):
        return True
    return all(_FOOTER_CELL.fullmatch(c) for c in filled)


def _front(
    rows: Iterator[tuple[int, list[Cell]]],
    importer: Importer,
    columns: Columns,
    fields: list[tuple[int, Field, str, bool, bool]],
    *,
    keys: bool = False,
) -> Iterator[FrontRow]:
    """Each row's cells prepared and, where the importer can (``pure``), its values checked
    by ``clean_pure``: nothing here reads the database or depends on another row, so a
    forked process may do it. With ``keys`` (a forked process, started before the database
    was opened: it has the time), the pinyin search keys of every ``CHILD_KEYS_EVERY``-th
    checked row's name too, which the writing process would otherwise work out as it writes
    them (measured at 100,000 households: with every second row's here, the writing process
    waited for rows, and the whole import took ≈ 10 % longer than now; with none here, the
    checking process waited for the writing one)."""
    pure = importer.pure
    record = columns.record
    headers = columns.headers
    # the header again, inside the data (rosters pasted together section by section): every
    # filled cell its column's header (looked for where the first field's header's first and
    # last characters are in its cell: a name seldom holds both)
    first = min(columns.fields)
    first_header = header_key(headers[first])
    across = columns.across
    headings = len(columns.fields) > 2  # (a list of sections has a name in each row alone)
    # Below a 以下空白 row, a row without the first required field (a 序号 or a 社区 filled
    # ahead down the form) is no record either.
    lead = next((f.key for f in importer.fields if f.required), None)
    if lead not in {f.key for f in columns.fields.values()}:
        lead = None
    at_lead = next((i for i, f in columns.fields.items() if f.key == lead), None)
    required = frozenset(i for i, f in columns.fields.items() if f.required)
    # the columns filled in the 以下空白 row (a 社区 merged down, filled ahead): below it, a
    # row without its lead field filled there only (or with a 序号) is no record either
    ahead: frozenset[int] | None = None
    twins = columns.twins
    for line, cells in rows:
        if _is_total_row(cells):  # 合计 / 总计 (or 填表人：…) under the table, as sheets end
            yield line, cells, None, [], "", None, None
            continue
        # (a record's 备注 may say it; its lead field first: a name, the usual row, is no
        # marker, and the whole row is looked through only when it is not)
        if _no_lead(cells, at_lead) and _is_blank_marker(cells):
            ahead = frozenset(
                i for i, c in enumerate(cells) if c is not None and not _is_blank_marker([c])
            )
            yield line, cells, None, [], "", None, None
            continue
        if (
            headings
            and len(cells) - cells.count(None) == 1
            and _is_heading(cells, across, line, required)
        ):
            yield line, cells, None, [], HEADING_ROW, None, None
            continue
        cell = cells[first] if first < len(cells) else None
        if (
            type(cell) is str
            and first_header[:1] in cell
            and first_header[-1:] in cell
            and _repeats(cells, headers)
        ):
            yield line, cells, None, [], "", None, None
            continue
        values: dict[str, Any] = {}
        problems: list[Problem] = []
        notices: list[Problem] = []  # (``Notice``: how a cell was read, said)
        width = len(cells)
        for index, f, key, prose, number in fields:
            raw = cells[index] if index < width else None
            if twins and index in twins:  # 联系电话 and 手机号码 both: the one filled
                index, raw, _other = _phone_cell(cells, twins[index])
            if raw is None:
                values[key] = None
                continue
            if type(raw) is str:  # ``prepare`` for the usual text cell, inline
                if prose:
                    values[key] = raw if raw.strip() else None
                    continue
                text = (raw if raw.isascii() else fold_width(raw)).strip()
                if not text:
                    values[key] = None
                    continue
                if not number or (text.isascii() and text.isdigit()):
                    values[key] = text
                    continue
            try:
                values[key] = prepare(raw, f)
            except CellProblem as exc:
                values[key] = None
                problems.append(Problem(headers[index], display(raw), exc.message, f.type))
            else:
                if type(raw) is dt.date and f.type != "date":  # 3-2 that Excel made 3月2日
                    said = render("import_date_cell", field=headers[index], value=values[key])
                    notices.append(Notice(headers[index], values[key], said, f.type))
        if not problems and not any(v is not None for v in values.values()):
            yield line, cells, None, problems, "", None, None
            continue
        if (
            ahead is not None
            and lead is not None
            and values[lead] is None
            and _only_ahead(cells, ahead)
        ):
            yield line, cells, None, [], "", None, None
            continue
        record_text = ""
        record_id = None
        if record is not None and record < len(cells):
            raw = cells[record]
            record_text = display(raw)
            try:
                record_id = record_number(raw)
            except CellProblem as exc:
                problems.append(Problem(headers[record], record_text, exc.message))
        pre = None
        if pure and not problems:
            notes: list[str] = []
            try:
                data = importer.clean_pure(values, notes)
            except SanlianError:
                pass  # ``clean`` says it again, and ``diagnose`` finds every problem
            else:
                # some rows' keys: the two processes then end about together
                name = data.get("name") if keys and not line % CHILD_KEYS_EVERY else None
                pre = (data, notes, _pinyin_keys(name) if isinstance(name, str) else None)
        if notices:
            problems += notices
        yield line, cells, values, problems, record_text, record_id, pre


class _Inline:
    """``_front`` in this process."""

    def __init__(self, items: Iterator[FrontRow], table: Table) -> None:
        self._items = items
        self._table = table

    def __iter__(self) -> Iterator[FrontRow]:
        return self._items

    @property
    def done(self) -> int:
        return self._table.done

    def stop(self) -> None:
        pass


class _Forked:
    """``_front`` in a forked process on the other core, which sends its rows here through a
    pipe, ``FRAME`` at a time, in order; this process matches and writes them meanwhile.

    The child reads the file and checks values, nothing else: it never touches the database
    (it leaves by ``os._exit``, running no clean-up of what it inherited), prints nothing and
    ignores Ctrl-C (the parent stops it). If the parent dies, the child's next write fails
    and it ends; if the child dies, the parent refuses the import (nothing written)."""

    def __init__(self, items: Iterator[FrontRow], table: Table, importer: Importer) -> None:
        import pickle

        from sanlian.forking import fork_child

        self.done = table.done

        def feed(out: Any) -> None:
            import gc

            # the collector as ``_fewer_collections`` sets it for an import, whether the fork
            # came before the database was opened (``begin_early``: the program's start-up
            # runs with it off) or inside ``run_import``
            gc.set_threshold(max(gc.get_threshold()[0], GC_THRESHOLD), *gc.get_threshold()[1:])
            gc.freeze()
            gc.enable()
            _feed(out, items, table, pickle.dump)

        # (the caller checks alone on OSError: no process to be had)
        pid, self._in = fork_child(feed, buffering=1 << 16, pipe_bytes=PIPE_BYTES)
        self._pid = pid

    def __iter__(self) -> Iterator[FrontRow]:
        import pickle

        load = self._in
        while True:
            try:
                frame = pickle.load(load)
            except (EOFError, pickle.UnpicklingError):
                raise ImportFileError("import_worker_lost") from None
            what = frame[0]
            if what == "rows":
                self.done = frame[1]
                yield from frame[2]
            elif what == "end":
                self.done = frame[1]
                return
            elif what == "refused":
                _kind, cls, key, params = frame
                raise cls(key, **params)
            else:  # "failed": not a refusal, a fault of the program
                raise RuntimeError(frame[1])

    def stop(self) -> None:
        import os
        import signal

        with contextlib.suppress(OSError):
            os.kill(self._pid, signal.SIGKILL)  # when done already: a no-op on what it left
        with contextlib.suppress(OSError):
            os.waitpid(self._pid, 0)
        self._in.close()


def _feed(out: Any, items: Iterator[FrontRow], table: Table, dump: Callable[..., None]) -> None:
    """The child's work: ``_front``'s rows, pickled ``FRAME`` at a time, then how it ended
    (a refusal of the file, e.g. a line that does not decode, goes after the rows before it).

    The frames are written without waiting while the pipe is full (it holds a megabyte,
    ≈ 1,200 rows): what does not fit waits here and the rows are checked on, since a child
    started before the database was opened (``begin_early``) is well ahead of the parent's
    first read. (A writing thread instead ran ~40 % slower: it waited for the interpreter's
    lock at each megabyte.) A failed write (the parent gone) ends the child."""
    import traceback

    sink = _Sink(out.fileno())
    protocol = 5
    chunk: list[FrontRow] = []
    try:
        for item in items:
            chunk.append(item)
            if len(chunk) >= FRAME:
                sink.send(("rows", table.done, chunk), dump, protocol)
                chunk = []
        end: tuple[Any, ...] = ("end", table.done)
    except SanlianError as exc:
        end = ("refused", type(exc), exc.key, exc.params)
    except Exception:
        end = ("failed", traceback.format_exc())
    if chunk:
        sink.send(("rows", table.done, chunk), dump, protocol)
    sink.send(end, dump, protocol)
    sink.drain()


class _Sink:
    """Pickled frames into a pipe that is never waited on until ``drain``: its descriptor
    is made non-blocking and what it cannot take is kept, in order, for the next try."""

    def __init__(self, fd: int) -> None:
        import os

        self._fd = fd
        self._pending: list[memoryview] = []
        os.set_blocking(fd, False)

    def send(self, frame: Any, dump: Callable[..., None], protocol: int) -> None:
        import io

        buffer = io.BytesIO()
        dump(frame, buffer, protocol)
        self._pending.append(memoryview(buffer.getbuffer()))
        self._pump(wait=False)

    def drain(self) -> None:
        self._pump(wait=True)

    def _pump(self, *, wait: bool) -> None:
        import os
        import select

        pending = self._pending
        while pending:
            view = pending[0]
            try:
                written = os.write(self._fd, view)
            except BlockingIOError:
                if not wait:
                    return
                poller = select.poll()
                poller.register(self._fd, select.POLLOUT)
                poller.poll()
                continue
            if written < len(view):
                pending[0] = view[written:]
            else:
                pending.pop(0)


def _parallel(table: Table, importer: Importer) -> bool:
    """Whether a second process should check the rows: a large file, a second core, an
    importer whose checks need no database, and ``fork`` (Linux)."""
    import os

    from sanlian.forking import can_fork, cores

    if not importer.pure or not can_fork():
        return False
    forced = os.environ.get(PARALLEL_ENV)
    if _expected_rows(table) < int(forced or PARALLEL_MIN_ROWS):
        return False
    # Another program keeping the other cores busy: the two processes would share one core,
    # and handing the rows over costs more than it saves (measured: 4.1 s → 4.8 s).
    return bool(forced) or _running() < cores()


def _expected_rows(table: Table) -> int:
    """The rows a file holds, as far as known before reading it: an Excel sheet's (loaded),
    a text file's guessed from its size."""
    return table.total if table.fmt == "xlsx" else table.total // CSV_ROW_BYTES


def _running() -> int:
    from sanlian.forking import running

    return running()


def _warm(importer: Importer) -> None:
    """What the checks import on first use, imported before the fork (once, not in every
    child, and not while another thread might hold the import lock)."""
    from sanlian.services import validate

    validate._area_known("110101199001011234")
    if isinstance(importer, RegistryImporter):
        assert importer._checks is not None  # its rules, looked up (and imported) once


@contextlib.contextmanager
def _stopping(front: _Inline | _Forked) -> Iterator[_Inline | _Forked]:
    """A front started before (``begin_early``), stopped however the import ends."""
    try:
        yield front
    finally:
        front.stop()


@contextlib.contextmanager
def _front_rows(
    rows: Iterator[tuple[int, list[Cell]]],
    table: Table,
    importer: Importer,
    columns: Columns,
    fields: list[tuple[int, Field, str, bool, bool]],
) -> Iterator[_Inline | _Forked]:
    """``_front``'s rows, from a forked process when ``_parallel`` says so, else from this
    one; the child is stopped and reaped however the import ends."""
    if not _parallel(table, importer):
        yield _Inline(_front(rows, importer, columns, fields), table)
        return
    _warm(importer)
    try:
        forked = _Forked(_front(rows, importer, columns, fields, keys=True), table, importer)
    except OSError:
        yield _Inline(_front(rows, importer, columns, fields), table)
        return
    try:
        yield forked
    finally:
        forked.stop()


def _example_text(value: Any) -> Any:
    return None if value is None else fold_width(str(value)).strip()


def _in_order(columns: Columns, problems: list[Problem]) -> list[Problem]:
    """Problems in the order of the file's columns."""
    position = {header: i for i, header in reversed(list(enumerate(columns.headers)))}
    return sorted(problems, key=lambda p: position.get(p.column, len(position)))


def _key(columns: Columns, problem: Problem) -> str:
    for index, f in columns.fields.items():
        if columns.headers[index] == problem.column:
            return f.key
    return ""


def _diagnose(
    importer: Importer, row: Row, columns: Columns, skip: set[str] | None = None
) -> list[Problem]:
    problems = []
    for key, reason in importer.diagnose(row):
        if skip and key in skip:
            continue
        index = next((i for i, f in columns.fields.items() if f.key == key), None)
        header = columns.headers[index] if index is not None else key
        kind = columns.fields[index].type if index is not None else ""
        if index is not None and index in columns.twins:  # the column the number came from
            index = _phone_cell(row.cells, columns.twins[index])[0]
            header = columns.headers[index]
        raw = row.cells[index] if index is not None and index < len(row.cells) else None
        problems.append(Problem(header, display(raw), reason, kind))
    return problems


def write_bad_rows(
    path: Path, columns: Columns, bad: Sequence[BadRow], written: dt.datetime | None = None
) -> Path:
    """The refused rows as they came, plus 原行号 and 错误原因, beside the input file: its
    owner's alone (0600), as every cell is written as it came and any column may hold an ID or
    phone number, recognised or not (办公电话, 户主身份证号 in a visit ledger). ``written``:
    when sanlian wrote the input file, if it says (its rows are that file's)."""
    out = bad_file_path(path)
    try:
        return _write_bad_rows(out, columns, bad, written)
    except ImportFileError as exc:
        if exc.key != "export_write_failed":
            raise
        raise ImportFileError("import_bad_write_failed", path=out) from None


def _write_bad_rows(
    out: Path, columns: Columns, bad: Sequence[BadRow], written: dt.datetime | None = None
) -> Path:
    from sanlian.io.writers import open_writer

    width = max([len(columns.headers)] + [len(b.cells) for b in bad])
    headers = columns.headers + [""] * (width - len(columns.headers))
    text_columns = [i for i, f in columns.fields.items() if f.type in CODE_TYPES]
    text_columns += [i for twins in columns.twins.values() for i in twins]
    with open_writer(
        out,
        [*headers, BAD_LINE_HEADER, BAD_REASON_HEADER],
        text_columns=text_columns,
        title="错误",
        private=True,
        # its rows are the file's: when the file was written, if it says (an export's), so
        # that they are checked against the ledger's changes since, as the file's rows were
        written=written,
        stamp=written is not None,
    ) as writer:
        for row in bad:
            cells: list[Any] = list(row.cells) + [None] * (width - len(row.cells))
            reasons = "；".join(  # one sentence: 列：原因；列：原因。 (no 。；)
                (f"{p.column}：{p.reason}" if p.column else p.reason).rstrip("。")
                for p in row.problems
            )
            reasons += "。" if reasons else ""
            writer.write([*cells, row.line, reasons])
    return out


# --- ledgers: links, visits, problems and research reports ------------------------------------
#
# Their rules depend on what is already recorded (1–3 enterprises per leader, a household pair
# only where the section links the community, dates inside the campaign …), so each row goes
# through its service's own ``add`` — inside a savepoint of the one transaction, so that a
# refused row leaves nothing behind — after the columns have been checked one by one.

_LIST_SPLIT = re.compile(r"[、,，;；/／\n]+")
_TARGET_WORDS = {
    "社区": "community",
    "村": "community",
    "社区村": "community",
    "村社区": "community",
    "群众": "household",
    "户": "household",
    "农户": "household",
    "居民": "household",
    "结对户": "household",
    "公司": "enterprise",
    # the links as clerks name them in a 联系类型 column
    "联系社区": "community",
    "联系村": "community",
    "联系社区村": "community",
    "联系社区(村)": "community",
    "联系企业": "enterprise",
    "联系群众": "household",
    "联系户结对": "household",
    "结对": "household",
    "结对帮扶": "household",
    "帮扶": "household",
    "帮扶对子": "household",
}
BUREAU_WORDS = {"局机关", "局", "本局", "机关", "bureau"}


def target_kind(value: Any, field_label: str) -> str:
    """社区(村) / 企业 / 联系户 (or a link kind's label, or an ASCII key) → the target kind."""
    from sanlian.i18n.labels import LINK_KIND, TARGET_KIND

    text = fold_width(str(value)).strip()
    key = header_key(text)
    for enum in (TARGET_KIND, LINK_KIND):
        for k, label in enum.items():
            if key in (k, header_key(label)):
                return k
    if key in _TARGET_WORDS:
        return _TARGET_WORDS[key]
    raise ValidationError(
        "enum_invalid", field=field_label, value=value, choices="社区(村)、企业、联系户"
    )


_DOTTED_DAY = re.compile(r"(\d{1,2})\.([123])")  # a month and day as Excel keeps the number 3.10


def _may_have_lost_zero(month: int, day: int) -> bool:
    """Whether month.day (3.1) may be month.day0 (3.10) with its zero dropped: both are dates."""
    try:
        dt.date(2000, month, day)
        dt.date(2000, month, day * 10)
    except ValueError:
        return False
    return True


def excel_date(text: str, field_label: str) -> str | dt.date:
    """A date Excel stored as its day number (``46150``, ``46150.0``) as the date it stands for;
    any other text as it is. A number outside the plausible years is refused with the reason."""
    number = excel_serial(text)
    if number is None:
        dotted = _DOTTED_DAY.fullmatch(fold_width(text).strip()) if len(text) < 12 else None
        if dotted and _may_have_lost_zero(int(dotted[1]), int(dotted[2])):
            # 3.10 typed in a cell Excel takes for a number is kept as 3.1: 3月1日 or 3月10日?
            raise ValidationError(
                "import_date_dotted",
                field=field_label,
                value=text,
                month=int(dotted[1]),
                day=int(dotted[2]),
            )
        return text
    day = serial_date(number)
    if day is None:
        raise ValidationError("import_date_serial", field=field_label, value=text)
    return day


def split_list(value: Any) -> list[str]:
    return [part.strip() for part in _LIST_SPLIT.split(str(value)) if part.strip()]


class RefCache:
    """References resolved once per distinct value (the record's id, or the refusal).

    Retired records resolve too, since exports name them: a row that matches an existing record
    keeps its references; a row that adds a record, or changes a reference, is refused one to
    a retired record (:meth:`LedgerImporter.check_retired`).
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self._found: dict[tuple[str, str], int | SanlianError] = {}
        self.retired: dict[tuple[str, int], dt.date] = {}  # → the day it was retired
        # a record in use → the retired namesakes its name also names (``check_retired``)
        self.namesakes: dict[tuple[str, int], list[Any]] = {}
        self._names: dict[tuple[str, int], str] = {}
        self._raw: dict[tuple[str, int], str] = {}  # how the file named it (the first time)

    def get(self, kind: str, raw: Any) -> int:
        from sanlian.services import refs

        key = (kind, str(raw).strip())
        found = self._found.get(key)
        if found is None:
            try:
                record = refs.resolve(self.session, kind, key[1], include_retired=True)
                found = int(record.id)
                self._names[(kind, found)] = str(record.name)
                self._raw.setdefault((kind, found), key[1])
                if record.retired_on is not None:
                    self.retired[(kind, found)] = record.retired_on
                elif not key[1].lstrip("#").isdecimal():  # a name: namesakes retired since?
                    others = refs.retired_namesakes(self.session, kind, key[1])
                    if others:
                        self.namesakes[(kind, found)] = [record, *others]
            except SanlianError as exc:
                found = exc
            self._found[key] = found
        if isinstance(found, SanlianError):
            raise found
        return found

    def name(self, kind: str, record_id: int | None) -> str:
        """A record's name, for a dry run's listing."""
        from sanlian.db.models import REGISTRY_MODELS

        if record_id is None:
            return ""
        key = (kind, record_id)
        if key not in self._names:
            record: Any = self.session.get(REGISTRY_MODELS[kind], record_id)
            self._names[key] = str(record.name) if record is not None else f"#{record_id}"
        return self._names[key]

    def raw(self, kind: str, record_id: int) -> str:
        return self._raw.get((kind, record_id), f"#{record_id}")


class LedgerImporter(Importer):
    """Rows applied one by one through a service, each inside its own savepoint."""

    # error key → the field its refusal is about, when the sentence names no field
    ERROR_FIELDS: dict[str, str] = {}

    def __init__(
        self, session: Session, *, today: dt.date, now: dt.datetime, operator: str | None = None
    ) -> None:
        super().__init__(session, today=today, now=now, operator=operator)
        from sanlian.services.campaign import year_for_dates

        self.refs = RefCache(session)
        self.year = year_for_dates(session, today=today)
        self._matched: dict[tuple[str, int], int] = {}  # (table, id) → the line that used it
        self._claims: list[tuple[str, int]] = []  # what the row being applied claimed
        # notes about a record on file that a row's new record may duplicate, said only if no
        # row of the file is that record (``unsure``): (line, table, record id, key, params)
        self._unsure: list[tuple[int, str, int, str, dict[str, Any]]] = []
        self._by_key = {f.key: f for f in self.fields}

    # -- checking one field -----------------------------------------------------------------

    def parse(self, key: str, values: Mapping[str, Any]) -> Any:
        """The clean value of field ``key`` (``None`` when not given), or its refusal."""
        from sanlian.i18n import labels
        from sanlian.services import validate
        from sanlian.services.registry import _bool

        f = self._by_key[key]
        value = values.get(key)
        if value is None:
            if f.required:
                raise ValidationError("required", field=f.label)
            return None
        if f.type == "date":
            if isinstance(value, str):
                value = excel_date(value, f.label)
            return validate.date(value, f.label, today=self.today, year=self.year)
        if f.type == "int":
            return validate.integer(value, f.label, minimum=0)
        if f.type == "bool":
            return _bool(value, f.label)
        if f.type == "enum":
            assert f.enum is not None
            return labels.parse(dict(f.enum), str(value), f.label)
        if f.type == "target_kind":
            return target_kind(value, f.label)
        if f.type == "ref":
            assert f.ref is not None
            return self.refs.get(f.ref, value)
        if f.type == "refs":
            assert f.ref is not None
            found = [i for part in split_list(value) for i in self._refs_in(f.ref, part)]
            if not found:
                raise ValidationError("required", field=f.label)
            return list(dict.fromkeys(found))
        if f.type == "line":
            return validate.line(str(value), f.label, required=f.required, limit=f.limit)
        return validate.text(str(value), f.label, required=f.required, limit=f.limit)

    def _refs_in(self, kind: str, part: str) -> list[int]:
        """One name of a list cell; names parted by spaces only (``李娜 王强``), when the whole
        names no one and each piece names someone (``李 娜``, a padded name, is one name)."""
        try:
            return [self.refs.get(kind, part)]
        except SanlianError:
            pieces = part.split()
            if len(pieces) < 2:
                raise
            try:
                return [self.refs.get(kind, piece) for piece in pieces]
            except SanlianError:
                pass
            raise

    def clean(self, row: Row, notes: list[str]) -> dict[str, Any]:
        return {f.key: self.parse(f.key, row.values) for f in self.fields}

    def diagnose(self, row: Row) -> list[tuple[str, str]]:
        problems = []
        for f in self.fields:
            try:
                self.parse(f.key, row.values)
            except SanlianError as exc:
                problems.append((f.key, exc.message))
        return problems

    # -- applying ---------------------------------------------------------------------------

    def apply(self, row: Row, notes: list[str]) -> tuple[str, tuple[str, ...]]:
        """Add, update or leave one row: ``(action, labels of the fields changed)``."""
        raise NotImplementedError

    def describe_row(self, row: Row) -> str:
        raise NotImplementedError

    def claim(self, table: str, record_id: int, line: int) -> None:
        """Mark a record as this file's; a second row naming it is a duplicate."""
        earlier = self._matched.get((table, record_id))
        if earlier is not None:
            raise ValidationError("import_duplicate_row", line=earlier, kind=self.label)
        self._matched[(table, record_id)] = line
        self._claims.append((table, record_id))

    def free(self, table: str, ids: Sequence[int]) -> list[int]:
        return [i for i in ids if (table, i) not in self._matched]

    @functools.cached_property
    def lookups(self) -> Lookups:
        """What the rows look up and no row changes (campaigns, records by id, links), read
        once for the import."""
        from sanlian.services.lookups import Lookups

        return Lookups(self.session)

    # -- references to retired records, the record a 台账编号 names ------------------------

    def ref_kind(self, key: str, data: Mapping[str, Any]) -> str | None:
        """The kind of record field ``key`` refers to (``None``: no reference)."""
        f = self._by_key.get(key)
        if f is None:
            return None
        if f.ref:
            return f.ref
        if key == "target":
            return data.get("target_kind") or data.get("kind")
        if key == "section":
            return "section"
        return None

    def check_retired(
        self, row: Row, values: Mapping[str, Any] | None = None, on: dt.date | None = None
    ) -> None:
        """Refuse a reference to a retired record among ``values`` (field key → id or ids; by
        default every reference of the row): for rows that add a record or change a reference.
        ``on``: the day the row records, which may name a record retired after it (as
        ``refs.resolve`` takes it)."""
        from sanlian.services.refs import KIND_LABEL

        for key, value in (row.data if values is None else values).items():
            kind = self.ref_kind(key, row.data)
            if kind is None or value is None:
                continue
            for record_id in value if isinstance(value, list) else [value]:
                retired = self.refs.retired.get((kind, record_id))
                if retired is None and on is not None:
                    self._namesakes_on(kind, record_id, on, self._by_key[key].label)
                if retired is None or (on is not None and on < retired):
                    continue
                said = {
                    "kind": KIND_LABEL[kind],
                    "ref": self.refs.raw(kind, record_id),
                    "id": record_id,
                    "field": self._by_key[key].label,  # the column the error table names
                }
                if on is None:
                    raise ValidationError("ref_retired", **said)
                raise ValidationError(
                    "ref_retired_on", **said, day=retired.isoformat(), on=on.isoformat()
                )

    def _namesakes_on(self, kind: str, record_id: int, on: dt.date, label: str) -> None:
        """Refuse a name that on ``on`` named a namesake retired since as well as the record
        in use it was resolved to (``refs.resolve`` with its day says the same)."""
        from sanlian.services import refs

        records = self.refs.namesakes.get((kind, record_id))
        if records is None:
            return
        usable = [r for r in records if refs.in_use_on(r, on)]
        if len(usable) > 1:
            raw = self.refs.raw(kind, record_id)
            raise refs.ambiguous_on(self.session, kind, raw, usable, on, field=label)

    def by_record(self, row: Row, model: Any) -> Any:
        """The record the row's 台账编号 names (``None`` when it has none), or the refusal."""
        if row.record_id is None:
            return None
        record = self.session.get(model, row.record_id)
        if record is None:
            key, said = self.record_missing(row.record_id)
            raise ValidationError(key, **said)
        return record

    def fixed(self, record_id: int, current: str, fields: Sequence[str]) -> None:
        """Refuse a row whose 台账编号 names a record it differs from where no import may
        change it (who is linked, a problem's target …)."""
        if fields:
            raise ValidationError(
                "import_record_fixed",
                id=record_id,
                kind=self.label,
                current=current,
                fields="、".join(fields),
            )

    def field_of(self, exc: SanlianError) -> str:
        if exc.key in ("import_record_missing", "import_record_deleted", "import_record_fixed"):
            return RECORD_KEY
        named = str(exc.params.get("field", ""))
        for f in self.fields:
            if named and (named == f.label or named.startswith(f.label)):
                return f.key
        return self.ERROR_FIELDS.get(exc.key, "")

    def process(self, rows: list[Row], result: ImportResult, keep_plan: bool) -> list[BadRow]:
        bad: list[BadRow] = []
        for row in rows:
            notes: list[str] = []
            self._claims.clear()
            try:
                with self.session.begin_nested():
                    action, changed = self.apply(row, notes)
            except SanlianError as exc:
                # the row's writes are rolled back, and so are its claims: a record it made
                # is gone (and its id free to be made again), one it matched is unused
                for key in self._claims:
                    self._matched.pop(key, None)
                problem = self.problem(row, self.field_of(exc), exc.message)
                bad.append(BadRow(row.line, row.cells, [problem]))
                continue
            for text in row.notes if action != "unchanged" else ():
                result.note(render("import_row_note", line=row.line, note=text), group="clean")
            for text in notes:
                result.note(render("import_row_note", line=row.line, note=text))
            if action == "add":
                result.added += 1
            elif action == "update":
                result.updated += 1
            else:
                result.unchanged += 1
            if keep_plan:
                result.planned.append(Planned(row.line, action, self.describe_row(row), changed))
        for line, table, record_id, said, params in self._unsure:  # the batch's rows matched
            if self.free(table, [record_id]):
                result.note(render("import_row_note", line=line, note=render(said, **params)))
        self._unsure.clear()
        return bad

    def unsure(self, line: int, table: str, record_id: int, key: str, **params: Any) -> None:
        """A note (``key``) that the record a row added may duplicate ``record_id`` on file,
        said after the rows of its batch are matched, and only if none of them is that record
        (a later row of the same file may be it, unchanged)."""
        self._unsure.append((line, table, record_id, key, params))

    def labels_of(self, keys: Sequence[str]) -> tuple[str, ...]:
        return tuple(self.label_of(k) for k in keys)

    def label_of(self, key: str) -> str:
        return self._by_key[key].label if key in self._by_key else key


def _ledger_field(
    key: str,
    label: str,
    type_: str = "text",
    *,
    required: bool = False,
    aliases: tuple[str, ...] = (),
    enum: Mapping[str, str] | None = None,
    ref: str | None = None,
    help_text: str = "",
    example: Any = None,
    limit: int = 2000,
) -> Field:
    return Field(
        key=key,
        label=label,
        type=type_,
        required=required,
        aliases=aliases,
        enum=enum,
        ref=ref,
        help=("必填。" if required else "") + help_text,
        example=example,
        limit=limit,
    )


DATE_HELP = "日期，如 2026-06-03、2026/6/3、20260603 或 6月3日（本活动年度）。"
CADRE_HELP = "干部姓名（同名时写 姓名@科室，或编号）。"
TARGET_HELP = "写 社区(村)、企业 或 联系户。"


def link_fields() -> tuple[Field, ...]:
    from sanlian.i18n.labels import LINK_KIND

    return (
        _ledger_field(
            "kind",
            "联系类型",
            "target_kind",
            required=True,
            aliases=("类型", "联系方式", "类别"),
            help_text="写 社区(村)、企业 或 联系户（也可写 "
            + "、".join(LINK_KIND.values())
            + "）。",
            example="联系户",
        ),
        _ledger_field(
            "section",
            "科室",
            aliases=("联系科室", "部门", "联系单位", "单位"),
            help_text="联系社区(村)的科室；局机关直接联系写“局机关”或留空。其他类型不填。",
        ),
        _ledger_field(
            "cadres",
            "干部",
            "refs",
            ref="cadre",
            aliases=("联系干部", "结对干部", "帮扶干部", "领导", "联系领导", "姓名"),
            help_text="联系企业的领导班子成员，或结对的干部；多对一结对可写多名，用“、”隔开。"
            + CADRE_HELP,
            example="张三",
        ),
        _ledger_field(
            "target",
            "联系对象",
            required=True,
            aliases=("对象", "结对对象", "帮扶对象", "联系户", "企业", "企业名称", "社区(村)"),
            help_text="社区(村)、企业名称或联系户户主姓名（同名时写编号，如 #12）。",
            example="赵六",
        ),
        _ledger_field(
            "start_on",
            "开始日期",
            "date",
            required=True,
            aliases=("起始日期", "结对日期", "联系日期", "日期"),
            help_text=DATE_HELP,
            example="2026-03-15",
        ),
        _ledger_field(
            "end_on",
            "结束日期",
            "date",
            aliases=("终止日期", "截止日期"),
            help_text="联系结束的最后一天；仍有效则留空。" + DATE_HELP,
        ),
        _ledger_field(
            "note", "备注", aliases=("说明",), limit=1000, example="示例：导入时自动跳过本行"
        ),
    )


FILE_LIMITS = {
    "link_enterprise_limit": "import_link_enterprise_limit",
    "link_pairs_limit": "import_link_pairs_limit",
}
# overlaps with another link (``links._duplicate``): said of the row that made it (``_file``)
OVERLAPS = ("link_duplicate", "link_overlap_span", "link_overlap_ended", "link_overlap_ended_span")


class LinkImporter(LedgerImporter):
    kind = "link"
    label = "联系记录"
    ignored = ("有效", "联系对象所在社区(村)")
    ERROR_FIELDS = {
        "date_in_future": "start_on",
        "date_in_future_last_year": "start_on",
        "link_after_retired": "end_on",
        "link_section_or_bureau": "section",
        "link_not_leader": "cadres",
        "link_enterprise_limit": "cadres",
        "link_household_unlinked": "cadres",
        "link_household_cover_ends": "cadres",
        "link_pairs_limit": "cadres",
        "link_enterprise_limit_ended": "cadres",
        "link_pairs_limit_ended": "cadres",
        "import_link_enterprise_limit": "cadres",
        "import_link_pairs_limit": "cadres",
        "link_duplicate": "target",
        "link_overlap_ended": "start_on",
        "link_overlap_ended_span": "start_on",
        "link_overlap_span": "start_on",
        **{f"{key}_file": "start_on" for key in OVERLAPS},
        "link_already_ended": "end_on",
        "link_end_before_start": "end_on",
        "import_one_cadre": "cadres",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.fields = link_fields()
        self.made_on: dict[int, int] = {}  # link id → the file's line that made it
        super().__init__(*args, **kwargs)

    def process(self, rows: list[Row], result: ImportResult, keep_plan: bool) -> list[BadRow]:
        """The batch's community links first: a pair row needs its community linked with the
        cadre's section, and the row that links them may come later in the file."""
        first = [r for r in rows if r.data.get("kind") == "community"]
        if not first or len(first) == len(rows):
            return super().process(rows, result, keep_plan)
        planned = len(result.planned)
        rest = [r for r in rows if r.data.get("kind") != "community"]
        bad = super().process(first + rest, result, keep_plan)
        result.planned[planned:] = sorted(result.planned[planned:], key=lambda p: p.line)
        return sorted(bad, key=lambda b: b.line)

    def _said_of_file(self, exc: RuleError) -> RuleError:
        """A limit reached through links that earlier rows of this file made (not written
        yet), or an overlap with one: those links named by their row, not by a number no
        listing shows."""
        made = self.made_on.get(exc.params.get("id", -1))
        if exc.key in OVERLAPS and made is not None:  # overlapping a link an earlier row made
            return RuleError(exc.key + "_file", **exc.params, line=made)
        found = exc.params.get("links") or []
        if exc.key not in FILE_LIMITS or not any(i in self.made_on for i, _n in found):
            return exc

        def where(link_id: int) -> str:
            line = self.made_on.get(link_id)
            return f"本文件第 {line} 行" if line is not None else f"联系编号 {link_id}"

        if exc.key == "link_enterprise_limit":
            names = "、".join(f"{name}（{where(i)}）" for i, name in found)
            return RuleError(FILE_LIMITS[exc.key], **{**exc.params, "names": names})
        households = "、".join(f"“{name}”（{where(i)}）" for i, name in found)
        return RuleError(FILE_LIMITS[exc.key], **{**exc.params, "households": households})

    def parse(self, key: str, values: Mapping[str, Any]) -> Any:
        if key == "target":
            raw = values.get("target")
            try:
                kind = target_kind(values["kind"], "联系类型") if values.get("kind") else None
            except SanlianError:
                kind = None
            if raw is None:
                raise ValidationError("required", field="联系对象")
            return self.refs.get(kind, raw) if kind else None
        if key == "section":
            raw = values.get("section")
            if raw is None or header_key(raw) in BUREAU_WORDS:
                return None
            return self.refs.get("section", raw)
        return super().parse(key, values)

    def clean(self, row: Row, notes: list[str]) -> dict[str, Any]:
        data = super().clean(row, notes)
        if data["kind"] != "community" and not data["cadres"]:
            raise ValidationError("required", field="干部")
        if data["kind"] == "enterprise" and len(data["cadres"]) > 1:
            raise ValidationError("import_one_cadre", field="干部", count=len(data["cadres"]))
        return data

    def diagnose(self, row: Row) -> list[tuple[str, str]]:
        problems = super().diagnose(row)
        if not problems:
            try:
                self.clean(row, [])
            except SanlianError as exc:
                problems.append(("cadres", exc.message))
        return problems

    def describe_row(self, row: Row) -> str:
        data = row.data
        return f"{self._who(data['kind'], data['section'], data['cadres'])} — " + self.refs.name(
            data["kind"], data["target"]
        )

    def _who(self, kind: str, section: int | None, cadres: Sequence[int] | None) -> str:
        from sanlian.services.links import BUREAU

        if kind == "community":
            return BUREAU if section is None else self.refs.name("section", section)
        return "、".join(self.refs.name("cadre", i) for i in cadres or ())

    def _same_link(self, link: Any, data: Mapping[str, Any]) -> None:
        """Refuse a row whose 台账编号 names a link between other parties or from another day:
        only its end date and note can change."""
        from sanlian.services.visits import TARGET_COLUMN

        kind = data["kind"]
        fields = []
        if link.kind != kind:
            fields.append("联系类型")
        elif getattr(link, TARGET_COLUMN[kind]) != data["target"]:
            fields.append("联系对象")
        if link.kind == kind == "community" and link.section_id != data["section"]:
            fields.append("科室")
        elif link.kind == kind != "community" and [link.cadre_id] != data["cadres"]:
            fields.append("干部")
        if link.start_on != data["start_on"]:
            fields.append("开始日期")
        if fields:
            who = self._who(link.kind, link.section_id, [link.cadre_id])
            whom = self.refs.name(link.kind, getattr(link, TARGET_COLUMN[link.kind]))
            current = f"{who} — {whom}（自 {link.start_on.isoformat()} 起）"
            self.fixed(int(link.id), current, fields)

    def _existing(self, data: Mapping[str, Any], cadre_id: int | None) -> Any:
        from sqlmodel import col, select

        from sanlian.db.models import Link

        kind = data["kind"]
        stmt = select(Link).where(col(Link.kind) == kind, col(Link.start_on) == data["start_on"])
        column = {"community": Link.community_id, "enterprise": Link.enterprise_id}.get(
            kind, Link.household_id
        )
        stmt = stmt.where(col(column) == data["target"])
        if kind == "community":
            section = data["section"]
            stmt = stmt.where(
                col(Link.section_id).is_(None)
                if section is None
                else col(Link.section_id) == section
            )
        else:
            stmt = stmt.where(col(Link.cadre_id) == cadre_id)
        return self.session.exec(stmt.order_by(col(Link.id))).first()

    def _update(self, link: Any, data: Mapping[str, Any], line: int) -> list[str]:
        from sanlian.services import links, validate

        assert link.id is not None
        self.claim("link", link.id, line)
        changed = []
        if data["end_on"] is not None and data["end_on"] != link.end_on:
            links.end(
                self.session,
                link_id=link.id,
                end_on=data["end_on"],
                today=self.today,
                field=self.header("end_on"),
            )
            changed.append("end_on")
        note = validate.text(data["note"], "备注", limit=1000) if data["note"] else None
        if note is not None and note != link.note:
            link.note = note
            self.session.add(link)
            changed.append("note")
        return changed

    def apply(self, row: Row, notes: list[str]) -> tuple[str, tuple[str, ...]]:
        from sanlian.db.models import Link
        from sanlian.services import links

        data = row.data
        kind, changed, added = data["kind"], [], False
        made: list[dict[str, Any]] = []
        numbered = self.by_record(row, Link)
        if numbered is not None:
            self._same_link(numbered, data)
            changed = self._update(numbered, data, row.line)
            return ("update" if changed else "unchanged"), self.labels_of(changed)
        if kind == "community":
            link = self._existing(data, None)
            if link is not None:
                changed = self._update(link, data, row.line)
            else:
                self.check_retired(row, on=data["start_on"])  # (then ended: ``link_community``)
                made = [
                    links.link_community(
                        self.session,
                        community=str(data["target"]),
                        section=None if data["section"] is None else str(data["section"]),
                        bureau=data["section"] is None,
                        start_on=data["start_on"],
                        now=self.now,
                        today=self.today,
                        note=data["note"],
                        until=data["end_on"],
                    )
                ]
        else:
            missing = []
            for cadre_id in data["cadres"]:
                link = self._existing(data, cadre_id)
                if link is None:
                    missing.append(cadre_id)
                else:
                    changed += [c for c in self._update(link, data, row.line) if c not in changed]
            if missing:
                said = {"cadres": missing, "target": data["target"]}
                self.check_retired(row, said, on=data["start_on"])
            try:
                if missing and kind == "enterprise":
                    made = [
                        links.link_enterprise(
                            self.session,
                            cadre=str(missing[0]),
                            enterprise=str(data["target"]),
                            start_on=data["start_on"],
                            now=self.now,
                            today=self.today,
                            note=data["note"],
                            until=data["end_on"],
                        )
                    ]
                elif missing:
                    made = links.link_household(
                        self.session,
                        cadres=[str(i) for i in missing],
                        household=str(data["target"]),
                        start_on=data["start_on"],
                        now=self.now,
                        today=self.today,
                        note=data["note"],
                        until=data["end_on"],
                    )
            except RuleError as exc:
                raise self._said_of_file(exc) from None
        for record in made:
            added = True
            self.claim("link", int(record["id"]), row.line)
            self.made_on[int(record["id"])] = row.line
            if data["end_on"] is not None:
                links.end(
                    self.session,
                    link_id=int(record["id"]),
                    end_on=data["end_on"],
                    today=self.today,
                    field=self.header("end_on"),
                )
        if added:
            return "add", ()
        return ("update" if changed else "unchanged"), self.labels_of(changed)


def visit_fields() -> tuple[Field, ...]:
    from sanlian.i18n.labels import VISIT_FORM

    return (
        _ledger_field(
            "visited_on",
            "走访日期",
            "date",
            required=True,
            aliases=("日期", "走访时间", "时间", "访谈日期"),
            help_text=DATE_HELP,
            example="2026-04-10",
        ),
        _ledger_field(
            "cadres",
            "走访干部",
            "refs",
            required=True,
            ref="cadre",
            aliases=("干部", "走访人", "走访人员", "参加干部"),
            help_text="一名或多名，用“、”隔开。" + CADRE_HELP,
            example="张三、李四",
        ),
        _ledger_field(
            "target_kind",
            "对象类型",
            "target_kind",
            required=True,
            aliases=("类型", "走访对象类型"),
            help_text=TARGET_HELP,
            example="联系户",
        ),
        _ledger_field(
            "target",
            "走访对象",
            required=True,
            aliases=("对象", "被走访对象", "联系对象", "走访户"),
            help_text="社区(村)、企业名称或联系户户主姓名（同名时写编号，如 #12）。",
            example="赵六",
        ),
        _ledger_field(
            "form",
            "形式",
            "enum",
            required=True,
            enum=VISIT_FORM,
            aliases=("走访形式", "方式", "走访方式"),
            example="入户走访",
        ),
        _ledger_field(
            "cards",
            "联系卡",
            "int",
            aliases=("联系卡(张)", "联系卡张数", "发放联系卡", "发放联系卡(张)"),
            help_text="发放联系卡张数，不发放可留空。",
            example=1,
        ),
        _ledger_field(
            "diary",
            "民情日记",
            aliases=("日记", "民情日记内容", "走访情况", "访谈记录"),
            limit=5000,
            help_text="民情日记，可换行。",
            example="了解到子女上学有困难。",
        ),
        _ledger_field(
            "note", "备注", aliases=("说明",), limit=1000, example="示例：导入时自动跳过本行"
        ),
    )


def _target_kwargs(kind: str, target: int) -> dict[str, Any]:
    """``community=``, ``enterprise=`` or ``household=`` for a service's ``add``."""
    return {kind: str(target)}


def _target_ref(importer: LedgerImporter, values: Mapping[str, Any], field_label: str) -> Any:
    raw = values.get("target")
    try:
        kind = target_kind(values["target_kind"], "对象类型") if values.get("target_kind") else None
    except SanlianError:
        kind = None
    if raw is None:
        raise ValidationError("required", field=field_label)
    return importer.refs.get(kind, raw) if kind else None


# Words clerks write for the visit forms, beyond their labels and keys.


class VisitImporter(LedgerImporter):
    kind = "visit"
    label = "走访记录"
    ignored = ("由此提出的问题",)
    ERROR_FIELDS = {"visit_problems_target": "target", "visit_problems_before": "visited_on"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.fields = visit_fields()
        super().__init__(*args, **kwargs)

    def parse(self, key: str, values: Mapping[str, Any]) -> Any:
        if key == "target":
            return _target_ref(self, values, "走访对象")
        if key == "form" and values.get("form") is not None:
            from sanlian.i18n.labels import VISIT_FORM_WORDS

            word = VISIT_FORM_WORDS.get(header_key(values["form"]))
            if word is not None:
                return word
        return super().parse(key, values)

    def describe_row(self, row: Row) -> str:
        data = row.data
        target = self.refs.name(data["target_kind"], data["target"])
        return f"{data['visited_on'].isoformat()} {target}"

    def _cadre_ids(self, visit_id: int) -> list[int]:
        from sqlmodel import col, select

        from sanlian.db.models import VisitCadre

        stmt = select(VisitCadre.cadre_id).where(col(VisitCadre.visit_id) == visit_id)
        return [int(i) for i in self.session.exec(stmt.order_by(col(VisitCadre.cadre_id))).all()]

    def _edit_numbered(
        self, visit: Any, row: Row, clean: Mapping[str, Any], notes: list[str]
    ) -> tuple[str, tuple[str, ...]]:
        """A row whose 台账编号 names ``visit``: every column may change (``visit edit``)."""
        from sanlian.services import visits
        from sanlian.services.visits import TARGET_COLUMN

        data = row.data
        kind = data["target_kind"]
        assert visit.id is not None
        self.claim("visit", visit.id, row.line)
        changes: dict[str, Any] = {k: x for k, x in clean.items() if getattr(visit, k) != x}
        changed = list(changes)
        if visit.visited_on != data["visited_on"]:
            changes["visited_on"] = data["visited_on"]
            changed.insert(0, "visited_on")
        changes = self.newer_kept("visit", visit.id, changes, notes, self.label_of, record=visit)
        changed = [k for k in changed if k in changes]
        if visit.target_kind != kind or getattr(visit, TARGET_COLUMN[kind]) != data["target"]:
            self.check_retired(row, {"target": data["target"]}, on=data["visited_on"])
            changes[kind] = str(data["target"])
            changed.append("target")
        before = self._cadre_ids(visit.id)
        cadres = self.cadres_kept(visit.id, before, list(data["cadres"]), notes)
        if sorted(before) != sorted(cadres):
            added = [i for i in cadres if i not in before]
            self.check_retired(row, {"cadres": added}, on=data["visited_on"])
            changes["cadres"] = [str(i) for i in cadres]
            changed.append("cadres")
        if not changes:
            return "unchanged", ()
        visits.edit(self.session, visit_id=visit.id, notes=notes, **changes)
        return "update", self.labels_of(changed)

    def apply(self, row: Row, notes: list[str]) -> tuple[str, tuple[str, ...]]:
        from sqlmodel import col, select

        from sanlian.db.models import Visit, VisitCadre
        from sanlian.services import visits
        from sanlian.services.visits import TARGET_COLUMN

        data = row.data
        kind = data["target_kind"]
        clean = visits._clean(
            form=data["form"],
            cards=data["cards"],
            diary=data["diary"],
            note=data["note"],
            notes=row.notes,  # (said of a row that adds or changes a visit, among a few)
        )
        if "diary" in clean and clean["diary"] is None:  # 无, /: as a blank cell, never
            del clean["diary"]  # clearing a diary on file (nor asking an edit of nothing)
        numbered = self.by_record(row, Visit)
        if numbered is not None:
            return self._edit_numbered(numbered, row, clean, notes)
        column = getattr(Visit, TARGET_COLUMN[kind])
        same = list(
            self.session.exec(
                select(Visit)
                .where(col(Visit.visited_on) == data["visited_on"], col(column) == data["target"])
                .order_by(col(Visit.id))
            ).all()
        )
        wanted = set(data["cadres"])
        found = []
        other_form = None  # the same day, target and cadres, another form
        other_cadres = None  # the same day, target and form, some of the cadres
        for visit in same:
            who = set(
                self.session.exec(
                    select(VisitCadre.cadre_id).where(col(VisitCadre.visit_id) == visit.id)
                ).all()
            )
            if who != wanted:
                # a joint visit listed again by one of its cadres (each reports his own):
                # another visit, as the clerk is told, unless it is a visit of this file
                if (
                    other_cadres is None
                    and who & wanted
                    and ("form" not in clean or visit.form == clean["form"])
                    and self.free("visit", [int(visit.id or 0)])
                ):
                    other_cadres = (visit, who)
                continue
            if "form" in clean and visit.form != clean["form"]:
                # another visit that day (a home visit in the morning, a call in the
                # afternoon): added beside it, never written over it; one on file before this
                # import (not a row of this file) may be the one a row means to correct
                if other_form is None and self.free("visit", [int(visit.id or 0)]):
                    other_form = visit
                continue
            found.append(visit)
        if found:
            free = [v for v in found if v.id in self.free("visit", [int(v.id or 0) for v in found])]
            if not free:
                self.claim("visit", int(found[0].id or 0), row.line)  # raises: a duplicate row
            equal = [v for v in free if all(getattr(v, k) == x for k, x in clean.items())]
            visit = (equal or free)[0]
            if not equal and len(free) > 1:
                raise ValidationError("import_ambiguous_visit", count=len(free))
            self.claim("visit", int(visit.id or 0), row.line)
            changes = {k: x for k, x in clean.items() if getattr(visit, k) != x}
            if not changes:
                return "unchanged", ()
            visits.edit(self.session, visit_id=int(visit.id or 0), **changes)
            return "update", self.labels_of(list(changes))
        self.check_retired(row, on=data["visited_on"])
        if other_form is not None:  # a correction of the form would count the visit twice
            from sanlian.i18n.labels import VISIT_FORM

            notes.append(
                render(
                    "import_visit_other_form",
                    id=other_form.id,
                    old=VISIT_FORM.get(other_form.form, other_form.form),
                    new=VISIT_FORM.get(data["form"], data["form"]),
                )
            )
        record = visits.add(
            self.session,
            visited_on=data["visited_on"],
            cadres=[str(i) for i in data["cadres"]],
            form=data["form"],
            cards=data["cards"],
            diary=clean.get("diary"),  # (a diary that says "none": none, said once)
            note=data["note"],
            now=self.now,
            today=self.today,
            notes=notes,
            lookups=self.lookups,
            detail=False,
            **_target_kwargs(kind, data["target"]),
        )
        self.claim("visit", int(record["id"]), row.line)
        if other_cadres is not None:  # the same visit twice, its cadres listed differently?
            visit, who = other_cadres
            self.unsure(
                row.line,
                "visit",
                int(visit.id or 0),
                "import_visit_other_cadres",
                id=visit.id,
                old="、".join(self.refs.name("cadre", i) for i in sorted(who)),
                new="、".join(self.refs.name("cadre", i) for i in sorted(wanted)),
                added=record["id"],
            )
        return "add", ()


def problem_fields() -> tuple[Field, ...]:
    return (
        _ledger_field(
            "raised_on",
            "提出日期",
            "date",
            required=True,
            aliases=("日期", "反映日期", "收集日期", "登记日期", "提出时间"),
            help_text=DATE_HELP,
            example="2026-04-10",
        ),
        _ledger_field(
            "target_kind",
            "对象类型",
            "target_kind",
            required=True,
            aliases=("类型", "反映对象类型"),
            help_text=TARGET_HELP,
            example="联系户",
        ),
        _ledger_field(
            "target",
            "对象",
            required=True,
            aliases=("问题对象", "反映人", "诉求人", "反映对象", "联系对象", "提出对象"),
            help_text="社区(村)、企业名称或联系户户主姓名（同名时写编号，如 #12）。",
            example="赵六",
        ),
        _ledger_field(
            "category",
            "类别",
            required=True,
            aliases=("问题类别", "问题类型", "分类", "诉求类别"),
            help_text="企业：项目、资金、土地、技术、人才、法律、其他；联系户：技能培训、就业再就业、"
            "就学、就医、致富项目、政策信息、法律服务、捐款捐物、其他；社区(村)：发展规划、"
            "政策法规宣传、生产发展环境、公共设施、矛盾纠纷、其他。",
            example="就学",
        ),
        _ledger_field(
            "text",
            "问题",
            required=True,
            aliases=("问题内容", "内容", "诉求", "困难问题", "问题描述", "诉求内容", "具体问题"),
            help_text="问题或诉求的内容。",
            example="子女上学路远，希望协调校车。",
        ),
        _ledger_field(
            "owner",
            "责任人",
            "ref",
            ref="cadre",
            aliases=("承办人", "责任干部", "包保干部", "办理人"),
            help_text=CADRE_HELP,
            example="张三",
        ),
        _ledger_field(
            "due_on",
            "办理期限",
            "date",
            aliases=("期限", "完成时限", "办结时限"),
            help_text="留空则按活动规则（提出日期起若干天）。" + DATE_HELP,
        ),
        _ledger_field(
            "is_conflict",
            "矛盾纠纷",
            "bool",
            aliases=("是否矛盾纠纷", "社会矛盾"),
            help_text="属于社会矛盾纠纷的写“是”。",
            example="否",
        ),
        _ledger_field(
            "visit",
            "来源走访",
            "int",
            aliases=("走访编号", "来源走访编号"),
            help_text="在哪次走访中提出（走访编号），可留空。",
        ),
    )


def _status_key(text: str) -> str | None:
    """A 状态 cell's status key (the label or the key), ``None`` if it is neither."""
    from sanlian.i18n.labels import PROBLEM_STATUS, parse

    try:
        return parse(PROBLEM_STATUS, text, "状态")
    except SanlianError:
        return None


# an exported problem ledger's columns of where each stands: for reading, never imported
RESULT_COLUMNS = ("状态", "解决日期", "办结(无法解决)日期", "资金(元)")
# those a resolved problem's ``problem edit`` corrects (its latest resolution), and how
_RESULT_FIXES = {
    "资金(元)": "--amount 金额（这一列是历次解决的资金之和，--amount 改的是最近一次解决登记的金额）",
    "解决日期": "--resolved-on 日期（改正最近一次解决登记）",
}


class ProblemImporter(LedgerImporter):
    kind = "problem"
    label = "问题"
    ignored = (
        "状态",
        "科室",
        "超期天数",
        "资金(元)",
        "解决日期",
        "办结(无法解决)日期",
        "最近一步",
        "帮扶措施",
    )
    ERROR_FIELDS = {
        "problem_category": "category",
        "problem_visit_target": "visit",
        "problem_before_visit": "raised_on",
        "problem_due_before_raised": "due_on",
        "visit_not_found": "visit",
        "date_outside_campaigns": "raised_on",
        "date_outside_campaign_year": "raised_on",
        "import_problem_due": "due_on",
        "no_campaign": "raised_on",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.fields = problem_fields()
        super().__init__(*args, **kwargs)

    def parse(self, key: str, values: Mapping[str, Any]) -> Any:
        from sanlian.services.problems import category_key

        if key == "target":
            return _target_ref(self, values, "对象")
        if key == "category":
            raw = values.get("category")
            if raw is None:
                raise ValidationError("required", field="类别")
            try:
                kind = target_kind(values["target_kind"], "对象类型")
            except (SanlianError, KeyError):
                return None
            return category_key(kind, str(raw))
        if key == "visit":  # a visit's number as listings show it and help writes it: #12
            raw = values.get("visit")
            if isinstance(raw, str) and raw.lstrip()[:1] in ("#", "＃"):
                return super().parse(key, {"visit": raw.strip().lstrip("#＃").strip() or None})
        return super().parse(key, values)

    def describe_row(self, row: Row) -> str:
        data = row.data  # the whole text: the plan masks its numbers, then shortens it
        return f"{self.refs.name(data['target_kind'], data['target'])}：{data['text']}"

    def _results_left(
        self, row: Row, problem_id: int, problem: Any | None, notes: list[str]
    ) -> None:
        """An exported ledger's 状态, 解决日期, 办结(无法解决)日期 or 资金(元) changed by hand (a
        section writing 已解决 on the sheet it was sent) is not read: a problem's state, its
        dates and money move by its steps, each dated and described. Said on the row, so that
        nothing is lost without a word; likewise for a problem the row adds (``problem``
        ``None``: a ledger of another database, or typed by a section) said to be done."""
        from sanlian.i18n.labels import PROBLEM_STATUS

        for column, index in self._result_columns.items():
            cell = row.cells[index] if index < len(row.cells) else None
            text = display(cell).strip() if cell is not None else ""
            if not text:
                continue
            if column == "状态":
                status = "pending" if problem is None else problem.status
                current = PROBLEM_STATUS.get(status, status)
                if _status_key(text) != status:  # (已解决 or its key, resolved)
                    new = problem is None
                    key = "import_problem_status_new" if new else "import_problem_status_left"
                    notes.append(render(key, id=problem_id, status=text, current=current))
                continue
            if problem is None:
                notes.append(
                    render("import_problem_result_new", id=problem_id, column=column, value=text)
                )
                continue
            said = self._said_result(column, cell, text, problem)
            option = _RESULT_FIXES.get(column) if problem.status == "resolved" else None
            if said is not None and option is not None:
                notes.append(
                    render(
                        "import_problem_result_fix",
                        id=problem_id,
                        column=column,
                        value=text,
                        current=said or "空",
                        option=option,
                    )
                )
            elif said is not None:
                settled = problem.status in ("resolved", "unresolvable")
                notes.append(
                    render(
                        "import_problem_result_settled"
                        if settled
                        else "import_problem_result_left",
                        id=problem_id,
                        column=column,
                        value=text,
                        current=said or "空",
                        status=PROBLEM_STATUS.get(problem.status, problem.status),
                    )
                )

    def _said_result(self, column: str, cell: Any, text: str, problem: Any) -> str | None:
        """What the record holds for ``column`` (as the export writes it) when ``cell`` says
        otherwise, else ``None``."""
        from sanlian.services import validate

        if column == "资金(元)":
            amount = validate.from_fen(self._money_of.get(int(problem.id)))
            try:
                given = validate.money(text, column)
            except SanlianError:
                given = None
            if given is not None and given == (amount or 0):  # (0 where none is recorded)
                return None
            return "" if amount is None else f"{amount}"
        day = problem.resolved_on if column == "解决日期" else problem.closed_on
        given_day: dt.date | None
        try:
            written = cell if isinstance(cell, dt.date) else excel_date(text, column)
            given_day = validate.date(written, column, today=self.today, year=self.year)
        except SanlianError:
            given_day = None
        if day is not None and given_day == day:
            return None
        return "" if day is None else day.isoformat()

    @functools.cached_property
    def _money_of(self) -> dict[int, int | None]:
        """Each problem's money on its resolve steps (fen; ``None``: none recorded), read once
        for the file, as the export sums it (a ledger of 4,000 rows asked it row by row took
        0.6 s more)."""
        from sqlalchemy import func
        from sqlmodel import col, select

        from sanlian.db.models import ProblemStep

        rows = self.session.exec(
            select(ProblemStep.problem_id, func.sum(ProblemStep.amount_fen))
            .where(col(ProblemStep.kind) == "resolve")
            .group_by(col(ProblemStep.problem_id))
        ).all()
        return {int(pid): None if fen is None else int(fen) for pid, fen in rows}

    @functools.cached_property
    def _result_columns(self) -> dict[str, int]:
        """The cells of the file's 状态, 解决日期, 办结(无法解决)日期 and 资金(元) columns (an
        exported ledger's), those it has."""
        headers = self.columns.headers if self.columns is not None else []
        found: dict[str, int] = {}
        for column in RESULT_COLUMNS:
            wanted = header_key(column)
            index = next((i for i, h in enumerate(headers) if h and header_key(h) == wanted), None)
            if index is not None:
                found[column] = index
        return found

    def apply(self, row: Row, notes: list[str]) -> tuple[str, tuple[str, ...]]:
        from sqlmodel import col, select

        from sanlian.db.models import Problem
        from sanlian.services import problems
        from sanlian.services.visits import TARGET_COLUMN

        data = row.data
        kind = data["target_kind"]
        column = getattr(Problem, TARGET_COLUMN[kind])
        numbered = self.by_record(row, Problem)
        if numbered is not None:
            fields = []
            if (
                numbered.target_kind != kind
                or getattr(numbered, TARGET_COLUMN[numbered.target_kind]) != data["target"]
            ):
                fields.append("对象")
            if numbered.raised_on != data["raised_on"]:
                fields.append("提出日期")
            target = self.refs.name(
                numbered.target_kind, getattr(numbered, TARGET_COLUMN[numbered.target_kind])
            )
            current = f"{target}，{numbered.raised_on.isoformat()} 提出"
            self.fixed(int(numbered.id or 0), current, fields)
            same = [numbered]
        else:
            same = list(
                self.session.exec(
                    select(Problem)
                    .where(
                        col(column) == data["target"],
                        col(Problem.raised_on) == data["raised_on"],
                        col(Problem.text) == data["text"],
                    )
                    .order_by(col(Problem.id))
                ).all()
            )
        free = [p for p in same if p.id in self.free("problem", [int(p.id or 0) for p in same])]
        if same and not free:
            self.claim("problem", int(same[0].id or 0), row.line)  # raises: a duplicate row
        if free:
            problem = free[0]
            assert problem.id is not None
            self.claim("problem", problem.id, row.line)
            self._results_left(row, problem.id, problem, notes)
            due = {"due_on": data["due_on"]} if data["due_on"] not in (None, problem.due_on) else {}
            if due and row.record_id is not None:  # extended since the export was written?
                due = self.newer_kept(
                    "problem",
                    problem.id,
                    due,
                    notes,
                    self.label_of,
                    record=problem,
                    edit=f"problem extend {problem.id} --due 日期 --reason 原因 延期",
                )
            if due:  # as the results' columns: said, left (an extension takes its reason)
                notes.append(
                    render(
                        "import_problem_due",
                        id=problem.id,
                        current=problem.due_on.isoformat(),
                        due=data["due_on"].isoformat(),
                    )
                )
            changes = {
                k: data[k]
                for k, column_name in (
                    ("text", "text"),
                    ("category", "category"),
                    ("owner", "owner_id"),
                    ("is_conflict", "is_conflict"),
                )
                if data[k] is not None and getattr(problem, column_name) != data[k]
            }
            if row.record_id is not None:  # an export's row: the ledger's changes since kept
                changes = self.newer_kept(
                    "problem",
                    problem.id,
                    changes,
                    notes,
                    self.label_of,
                    {"owner": "owner_id"},
                    record=problem,
                )
            elif "owner" in changes and self._handed_away(problem, changes["owner"], notes):
                del changes["owner"]  # a section's sheet naming the owner before a handover
            if not changes:
                return "unchanged", ()
            if "owner" in changes:
                self.check_retired(row, {"owner": changes["owner"]})
            # ``problem edit``'s rules: a new owner of an open problem is a progress step.
            problems.edit(
                self.session,
                problem_id=problem.id,
                owner=str(changes["owner"]) if "owner" in changes else None,
                category=changes.get("category"),
                text=changes.get("text"),
                is_conflict=changes.get("is_conflict"),
                step_on=self.today,
                now=self.now,
                today=self.today,
                operator=self.operator,
                notes=notes,
            )
            return "update", self.labels_of(list(changes))
        same_day = self._same_day(column, data) if numbered is None else None
        # the problem's target as on the day it was raised; its owner is one in use
        self.check_retired(row, {k: v for k, v in data.items() if k != "owner"}, data["raised_on"])
        # an owner who left after the day it was raised: theirs then (a note says to hand it
        # over, as ``problem add`` does)
        self.check_retired(row, {"owner": data["owner"]}, data["raised_on"])
        record = problems.add(
            self.session,
            category=data["category"],
            text=data["text"],
            visit=data["visit"],
            owner=None if data["owner"] is None else str(data["owner"]),
            raised_on=data["raised_on"],
            due_on=data["due_on"],
            is_conflict=bool(data["is_conflict"]),
            now=self.now,
            today=self.today,
            operator=self.operator,
            lookups=self.lookups,
            detail=False,
            notes=notes,
            **_target_kwargs(kind, data["target"]),
        )
        self.claim("problem", int(record["id"]), row.line)
        self._results_left(row, int(record["id"]), None, notes)
        if same_day is not None:  # a section's sheet whose text was mended: a second problem?
            from sanlian.services.validate import quoted_short

            other, text = same_day
            self.unsure(
                row.line,
                "problem",
                other,
                "import_problem_same_day",
                id=other,
                text=quoted_short(text, 20),
                added=record["id"],
            )
        return "add", ()

    def _same_day(self, column: Any, data: Mapping[str, Any]) -> tuple[int, str] | None:
        """A problem on file (not of this file) raised by the same target on the same day
        with another text, and its text: the row may mend its text (a section corrects its
        sheet and sends it again), which adds a second problem, overdue as the first."""
        from sqlmodel import col, select

        from sanlian.db.models import Problem

        others = self.session.exec(
            select(col(Problem.id), col(Problem.text))
            .where(col(column) == data["target"], col(Problem.raised_on) == data["raised_on"])
            .order_by(col(Problem.id))
        ).all()
        free = set(self.free("problem", [int(i or 0) for i, _t in others]))
        return next(((int(i or 0), t) for i, t in others if i in free), None)

    def _handed_away(self, problem: Any, owner: int, notes: list[str]) -> bool:
        """Whether the ledger handed ``problem`` over from ``owner`` (``problem edit
        --owner``): a section's sheet sent again each month still names him, and importing
        it would hand the problem back without a word. Said, with how to hand it back."""
        from sqlmodel import col, select

        from sanlian.db.models import ProblemStep
        from sanlian.reports.common import md_date

        handed = self.session.exec(
            select(col(ProblemStep.step_on))
            .where(
                col(ProblemStep.problem_id) == problem.id,
                col(ProblemStep.owner_id).is_not(None),
                col(ProblemStep.previous_owner_id) == owner,
            )
            .order_by(col(ProblemStep.step_on).desc(), col(ProblemStep.id).desc())
        ).first()
        if handed is None or problem.owner_id is None:
            return False
        notes.append(
            render(
                "import_problem_handed",
                id=problem.id,
                date=md_date(handed),
                current=self.refs.name("cadre", problem.owner_id),
                owner=self.refs.name("cadre", owner),
                ref=self.refs.raw("cadre", owner),  # as the file wrote him
            )
        )
        return True


def research_fields() -> tuple[Field, ...]:
    from sanlian.services.research import TOPIC

    return (
        _ledger_field(
            "cadre",
            "撰写干部",
            "ref",
            required=True,
            ref="cadre",
            aliases=("干部", "姓名", "作者", "撰写人", "调研人"),
            help_text=CADRE_HELP,
            example="张三",
        ),
        _ledger_field(
            "title",
            "题目",
            "line",
            required=True,
            aliases=("报告题目", "调研报告题目", "标题", "报告名称", "调研报告"),
            limit=200,
            help_text="调研报告题目。",
            example="关于小微企业融资难的调研",
        ),
        _ledger_field(
            "written_on",
            "日期",
            "date",
            required=True,
            aliases=("报告日期", "调研日期", "撰写日期", "完成日期", "时间", "报送日期"),
            help_text=DATE_HELP,
            example="2026-09-30",
        ),
        _ledger_field(
            "topic",
            "调研方向",
            aliases=("方向", "主题", "调研主题", "类别"),
            limit=200,
            help_text="可写：" + "、".join(TOPIC.values()) + "；或自拟。",
            example=TOPIC["development"],
        ),
    )


class ResearchImporter(LedgerImporter):
    kind = "research"
    label = "调研报告"
    ignored = ("科室",)
    # (``research.add`` calls it 报告日期)
    ERROR_FIELDS = {
        "date_in_future": "written_on",
        "date_in_future_last_year": "written_on",
        "date_outside_campaigns": "written_on",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.fields = research_fields()
        super().__init__(*args, **kwargs)

    def parse(self, key: str, values: Mapping[str, Any]) -> Any:
        from sanlian.services.research import topic_value

        if key == "topic":
            raw = values.get("topic")
            return None if raw is None else topic_value(str(raw))
        return super().parse(key, values)

    def describe_row(self, row: Row) -> str:
        return f"{self.refs.name('cadre', row.data['cadre'])}《{row.data['title']}》"

    def apply(self, row: Row, notes: list[str]) -> tuple[str, tuple[str, ...]]:
        from sqlmodel import col, select

        from sanlian.db.models import Research
        from sanlian.services import research

        data = row.data
        numbered = self.by_record(row, Research)
        if numbered is not None:
            if numbered.cadre_id != data["cadre"]:
                current = f"{self.refs.name('cadre', numbered.cadre_id)}《{numbered.title}》"
                self.fixed(int(numbered.id or 0), current, ["撰写干部"])
            same = [numbered]
        else:
            same = list(
                self.session.exec(
                    select(Research)
                    .where(
                        col(Research.cadre_id) == data["cadre"],
                        col(Research.title) == data["title"],
                    )
                    .order_by(col(Research.id))
                ).all()
            )
        free = [r for r in same if r.id in self.free("research", [int(r.id or 0) for r in same])]
        if same and not free:
            self.claim("research", int(same[0].id or 0), row.line)  # raises: a duplicate row
        if free:
            report = free[0]
            self.claim("research", int(report.id or 0), row.line)
            changes = {
                k: data[k]
                for k in ("title", "written_on", "topic")
                if data[k] is not None and getattr(report, k) != data[k]
            }
            if row.record_id is not None:  # an export's row: the ledger's changes since kept
                changes = self.newer_kept(
                    "research", int(report.id or 0), changes, notes, self.label_of, record=report
                )
            if not changes:
                return "unchanged", ()
            if "written_on" in changes:  # as ``research.add`` takes the day
                from sanlian.services.visits import check_campaign_year, check_not_future

                check_not_future(changes["written_on"], "报告日期", self.today)
                check_campaign_year(self.session, changes["written_on"], "报告日期")
            for k, value in changes.items():
                setattr(report, k, value)
            self.session.add(report)
            self.session.flush()
            return "update", self.labels_of(list(changes))
        self.check_retired(row, on=data["written_on"])
        record = research.add(
            self.session,
            cadre=str(data["cadre"]),
            title=data["title"],
            written_on=data["written_on"],
            topic=data["topic"],
            now=self.now,
            today=self.today,
        )
        self.claim("research", int(record["id"]), row.line)
        return "add", ()


IMPORTERS.update(
    {
        "link": LinkImporter,
        "visit": VisitImporter,
        "problem": ProblemImporter,
        "research": ResearchImporter,
    }
)
FIELD_TABLES.update(
    {
        "link": link_fields,
        "visit": visit_fields,
        "problem": problem_fields,
        "research": research_fields,
    }
)
