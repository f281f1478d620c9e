"""Rows of households for the import benchmark; alone, it benchmarks ``sanlian household import``.

Used by ``bench/run.py`` (the one entry point) for its import figures. Run alone:

Generates N valid household rows (names, communities, mobile numbers and ID numbers whose GB 11643
check digit is computed), writes them as CSV (GBK, as Chinese Excel saves it) or .xlsx, and
imports them into a temporary database in a child process, twice: the first run adds every
row, the second finds every row unchanged. Peak memory is the child's maximum resident set.

    .venv/bin/python bench/households.py                 # 100,000 rows, CSV
    .venv/bin/python bench/households.py --rows 10000 --format xlsx

Timings depend on the machine: nothing here asserts them.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]
CHECK = "10X98765432"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红建华文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬富顺信子杰涛昌成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"
AREAS = ["371302", "371311", "371312", "371321", "371322", "371323", "371324", "371325"]
COMMUNITIES = [f"第{i}社区" for i in range(1, 41)] + [f"第{i}村" for i in range(1, 21)]


def check_digit(body: str) -> str:
    """GB 11643: the 18th character of a resident identity number."""
    return CHECK[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def id_number(rng: random.Random, serial: int) -> str:
    birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(365 * 65))
    body = f"{rng.choice(AREAS)}{birth:%Y%m%d}{serial % 1000:03d}"
    return body + check_digit(body)


def rows(count: int, seed: int = 11643) -> list[list[str]]:
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[list[str]] = []
    serial = 0
    while len(out) < count:
        serial += 1
        number = id_number(rng, serial)
        if number in seen:
            continue
        seen.add(number)
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        out.append(
            [
                name,
                rng.choice(COMMUNITIES),
                f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
                number,
                str(rng.randint(1, 8)),
                rng.choice(
                    ["技能培训", "就业再就业", "子女就学", "就医", "", "政策咨询，法律服务"]
                ),
                f"幸福路{rng.randint(1, 999)}号",
            ]
        )
    return out


HEADER = ["户主姓名", "所在社区(村)", "手机号码", "身份证号码", "家庭人口", "需求", "地址"]


def write_file(folder: Path, data: list[list[str]], fmt: str) -> Path:
    if fmt == "csv":
        path = folder / "联系户.csv"
        with path.open("w", encoding="gbk", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\r\n")
            writer.writerow(["XX社区联系户花名册"])
            writer.writerow(HEADER)
            writer.writerows(data)
        return path
    from openpyxl import Workbook

    path = folder / "联系户.xlsx"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("联系户")
    sheet.append(["XX社区联系户花名册"])
    sheet.append(HEADER)
    for row in data:
        sheet.append([row[0], row[1], int(row[2]), row[3], int(row[4]), row[5], row[6]])
    book.save(path)
    return path


# The child reports its own high-water mark (VmHWM): unlike ru_maxrss, it is not inherited from
# the parent that forked it.
CHILD = (
    "import sys\n"
    "from sanlian.cli.main import main\n"
    "code = main(sys.argv[1:])\n"
    "try:\n"
    "    peak = next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM'))\n"
    "except OSError:  # not Linux: the larger, inherited figure\n"
    "    import resource\n"
    "    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "sys.stderr.write(f'\\nPEAK_RSS_KB={peak}\\n')\n"
    "sys.exit(code)\n"
)


def sanlian(*args: str, env: dict[str, str]) -> tuple[float, int, str]:
    """Run one command in a child process: (seconds, its peak RSS in MiB, its output)."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, *args], env=env, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"sanlian {' '.join(args)} failed with exit {proc.returncode}")
    peak = next(
        int(line.split("=", 1)[1])
        for line in proc.stderr.splitlines()
        if line.startswith("PEAK_RSS_KB=")
    )
    return seconds, peak // 1024, proc.stdout + proc.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = dict(os.environ)
        env.update(
            SANLIAN_DB=str(folder / "bench.db"),
            SANLIAN_OPERATOR="bench",
            PYTHONPATH=str(ROOT),
        )
        env.pop("SANLIAN_TODAY", None)
        started = time.perf_counter()
        path = write_file(folder, rows(args.rows), args.format)
        print(
            f"generated {args.rows:,} rows → {path.name} in {time.perf_counter() - started:.1f} s"
        )
        sanlian("init", "--year", str(dt.date.today().year), env=env)
        communities = folder / "社区.csv"
        with communities.open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows(
                [["名称", "乡镇(街道)"], *[[c, "兰山街道"] for c in COMMUNITIES]]
            )
        sanlian("community", "import", str(communities), env=env)
        _s, base, _o = sanlian("--help", env=env)
        print(f"baseline (sanlian --help): peak RSS {base} MiB")
        for label in ("first import (all added)", "second import (all unchanged)"):
            seconds, peak, output = sanlian("household", "import", str(path), env=env)
            lines = output.splitlines()
            summary = next((line for line in lines if "新增" in line), "")
            speed = next((line for line in lines if "每秒" in line), "")
            print(
                f"{label}: {seconds:.1f} s whole process, {args.rows / seconds:,.0f} rows/s, "
                f"peak RSS {peak} MiB\n    {summary}\n    {speed}"
            )


if __name__ == "__main__":
    main()
