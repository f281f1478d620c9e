"""Which SQL statements a command spends its time in: every statement timed, slowest first.

    SANLIAN_DB=... python bench/profile_sql.py selfcheck -f json

Runs the command in this process with a timer on each cursor execution, then prints the
slowest statements with their time and ``EXPLAIN QUERY PLAN``. A statement that streams its
rows (no sort before the first row) does most of its work while they are fetched, after the
timer stops: each statement shown is therefore run again through ``sqlite3`` (with the
connection pragmas of ``sanlian.db.engine``) and timed until its last row ("all rows").
"""

from __future__ import annotations

import sys
import time
from typing import Any


def main() -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    timings: list[tuple[float, str, Any]] = []

    @event.listens_for(Engine, "before_cursor_execute")
    def before(
        conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        conn.info.setdefault("started", []).append(time.perf_counter())

    @event.listens_for(Engine, "after_cursor_execute")
    def after(
        conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        took = time.perf_counter() - conn.info["started"].pop()
        timings.append((took, statement, params))

    from sanlian.cli.main import main as run

    started = time.perf_counter()
    code = run(sys.argv[1:])
    total = time.perf_counter() - started
    timings.sort(key=lambda t: -t[0])
    sql = sum(t[0] for t in timings)
    print(
        f"\n# {total:.2f} s in the command, {sql:.2f} s in {len(timings)} statements",
        file=sys.stderr,
    )
    show = int(__import__("os").environ.get("TOP", "8"))
    import sqlite3

    from sanlian.db.engine import CONNECT_PRAGMAS

    db = sqlite3.connect(__import__("os").environ["SANLIAN_DB"])
    for pragma in CONNECT_PRAGMAS:
        db.execute(pragma)
    for took, statement, params in timings[:show]:
        full = ""
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            again, cpu = time.perf_counter(), time.process_time()
            rows = len(db.execute(statement, params).fetchall())
            wall, cpu = time.perf_counter() - again, time.process_time() - cpu
            full = f" (all rows: {wall:.3f} s, CPU {cpu:.3f} s, {rows} rows)"
        print(f"\n## {took:.3f} s{full}\n{statement[:1500]}", file=sys.stderr)
        try:
            plan = db.execute("EXPLAIN QUERY PLAN " + statement, params).fetchall()
            for row in plan:
                print(f"   {row[-1]}", file=sys.stderr)
        except Exception as exc:  # noqa: BLE001
            print(f"   (no plan: {exc})", file=sys.stderr)
    sys.exit(code)


if __name__ == "__main__":
    main()
