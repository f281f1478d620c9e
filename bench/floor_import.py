"""A reference, not a limit: the least a *validating* import of the bench file can cost.

    python bench/floor_import.py FILE.csv DB

Reads the same GBK .csv as ``sanlian household import`` (title row, then the header), checks
every row the way the import must at the least (a name of Han characters, the community on
file, an 11-digit mobile number, the ID number's GB 11643 check digit and birth date, the
household size a whole number from 1, an ID number not twice in the file), works out the same
pinyin search keys (``sanlian.services.pinyin``), and writes the households and their keys in
one transaction with the tables' indexes dropped and built again after (their definitions read
from the schema). Nothing else: one process, plain ``sqlite3``, no SQLAlchemy, no backup, no
journal (so no undo), no matching against records on file or by name within the file, no
report of bad rows, no hints. ``sanlian``'s import does all of those; this script shows how
far below ``sqlite-utils insert --csv`` (which checks nothing) any validating import can get
on this machine. The bench file holds only good rows: a row refused here ends the script
(exit 1) rather than make it look faster.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import re
import sqlite3
import sys
from operator import mul

from sanlian.services.pinyin import keys

_NAME = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff·]{2,20}")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_ID = re.compile(r"\d{17}[\dX]")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def _id_ok(number: str) -> bool:
    if not _ID.fullmatch(number):
        return False
    total = sum(map(mul, map(int, number[:17]), _WEIGHTS))
    if _CHECK[total % 11] != number[17]:
        return False
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return True


def main() -> None:
    source, target = sys.argv[1:3]
    gc.disable()  # millions of short-lived objects, none of them in a cycle
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA cache_size = -32000")
    community = dict(conn.execute("SELECT name, id FROM community WHERE retired_on IS NULL"))
    first = (conn.execute("SELECT max(id) FROM household").fetchone()[0] or 0) + 1
    now = dt.datetime.now(dt.UTC).isoformat(" ")
    households: list[tuple[object, ...]] = []
    search: list[tuple[str, int, str]] = []
    numbers: set[str] = set()
    bad = 0
    with open(source, encoding="gb18030", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)  # the title row
        next(reader)  # the header
        for row in reader:
            name, place, phone, number, members, needs, address = (c.strip() for c in row)
            community_id = community.get(place)
            if (
                not _NAME.fullmatch(name)
                or community_id is None
                or (phone and not _MOBILE.fullmatch(phone))
                or (number and (not _id_ok(number) or number in numbers))
                or (members and not (members.isdigit() and int(members) >= 1))
            ):
                bad += 1
                continue
            if number:
                numbers.add(number)
            ref = first + len(households)
            households.append(
                (
                    ref,
                    name,
                    community_id,
                    phone or None,
                    number or None,
                    int(members) if members else None,
                    needs or None,
                    address or None,
                    now,
                )
            )
            search.extend(("household", ref, k) for k in keys(name))
    if bad:
        sys.exit(f"floor_import.py: {bad} 行不合格（基准文件应全部合格）")
    conn.execute("BEGIN IMMEDIATE")
    indexes = [
        (name, sql)
        for name, sql in conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name IN ('household', 'search_key') AND sql IS NOT NULL"
        )
    ]
    for name, _sql in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    conn.executemany(
        "INSERT INTO household (id, name, community_id, phone, id_number, members, needs, "
        "address, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        households,
    )
    conn.executemany('INSERT INTO search_key (kind, ref_id, "key") VALUES (?, ?, ?)', search)
    for _name, sql in indexes:
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.close()
    print(f"{len(households)} 户，{len(search)} 个检索键，{bad} 行不合格", file=sys.stderr)


if __name__ == "__main__":
    main()
