"""The import's limit: the same household rows read from CSV and written by a raw ``executemany``.

    python bench/raw_insert.py FILE.csv DB

No validation, no search keys, no journal: the floor of what an import of this file can cost.
"""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
import sys


def main() -> None:
    source, target = sys.argv[1:3]
    conn = sqlite3.connect(target)
    community = dict(conn.execute("SELECT name, id FROM community"))
    now = dt.datetime.now(dt.UTC).isoformat(" ")
    with open(source, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        rows = [
            (r[0], community[r[1]], r[2], r[3], int(r[4]), r[5] or None, r[6], now) for r in reader
        ]
    with conn:
        conn.executemany(
            "INSERT INTO household (name, community_id, phone, id_number, members, needs, "
            "address, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    conn.close()


if __name__ == "__main__":
    main()
