"""Measure reference lookup (by name and by pinyin) with 100,000 households.

    .venv/bin/python bench/lookup.py [--rows 100000]

Prints figures; asserts nothing. The search keys are written in bulk the way an import does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    from sqlalchemy import insert

    from sanlian.db.engine import open_database
    from sanlian.db.models import Community, Household, SearchKey
    from sanlian.services import pinyin, refs

    rng = random.Random(1)
    surnames = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗单曾"
    given = "伟强磊军勇杰涛明超刚平辉芳娜敏静丽艳娟霞"
    now = dt.datetime.now(dt.UTC)
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(str(Path(folder) / "bench.db"), create=True)
        started = time.perf_counter()
        with db.session() as session:
            session.execute(
                insert(Community), [{"name": "幸福社区", "kind": "community", "created_at": now}]
            )
            names = [
                rng.choice(surnames) + rng.choice(given) + rng.choice(given)
                for _ in range(args.rows)
            ]
            session.execute(
                insert(Household),
                [{"name": n, "community_id": 1, "created_at": now} for n in names],
            )
            cache: dict[str, set[str]] = {}
            keys = []
            for i, name in enumerate(names, start=1):
                if name not in cache:
                    cache[name] = pinyin.keys(name)
                keys.extend({"kind": "household", "ref_id": i, "key": k} for k in cache[name])
            session.execute(insert(SearchKey), keys)
        print(
            f"写入 {args.rows:,} 户及 {len(keys):,} 条拼音键：{time.perf_counter() - started:.2f} 秒"
        )

        probes = rng.sample(names, 200)
        for label, make in (
            ("按姓名", lambda n: n),
            ("按拼音首字母", lambda n: sorted(pinyin.keys(n))[-1]),
        ):
            refs_list = [make(n) for n in probes]
            started = time.perf_counter()
            found = 0
            with db.session() as session:
                for ref in refs_list:
                    try:
                        refs.resolve(session, "household", ref)
                        found += 1
                    except Exception:  # ambiguous names are expected among 100,000
                        pass
            per = (time.perf_counter() - started) / len(refs_list) * 1000
            print(f"{label}查找：每次 {per:.2f} 毫秒（{len(refs_list)} 次，唯一命中 {found} 次）")
        db.dispose()


if __name__ == "__main__":
    main()
