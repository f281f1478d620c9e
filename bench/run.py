"""The benchmark: sanlian at bureau and city scale, timed as whole processes beside its limits.

    python bench/run.py [--scale bureau|city] [--runs N] [--keep DIR]

Builds (or reuses from ``bench/.cache``) a synthetic year through the project's own code
(``bench/generate.py``), then times every figure as a whole process: the median wall time of
``--runs`` runs, and the peak resident memory of the child (``/usr/bin/time``'s maximum RSS,
so that the bench's own memory is not counted). Beside each figure stands its limit, the same
work done by the fastest honest means (the interpreter, a bare import, hand-written SQL through
``sqlite3``, a raw ``executemany``, ``sqlite-utils``), and the issue's target for the ratio.
Prints the table and writes ``bench/results-<scale>.json``; ``bench/RESULTS.md`` is rewritten
from every scale's JSON found (``python bench/report.py`` alone does that too).

Not part of the test suite; needs ``pip install -r bench/requirements.txt``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import cache  # noqa: E402
import households as hh  # noqa: E402

AS_OF = "2026-12-31"
PY = sys.executable
BIN = Path(PY).parent
SANLIAN = str(BIN / "sanlian")
TIME = "/usr/bin/time"
TIMEOUT = 600.0  # seconds; a figure that takes longer is reported as a timeout


class TimedOut(Exception):
    pass


# --- running ----------------------------------------------------------------------------------


def once(
    cmd: list[str], env: dict[str, str], stdin: Path | None = None
) -> tuple[float, float, int, str]:
    """One run: (seconds, peak RSS in MiB, exit code, stdout)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as note:
        wrapped = [TIME, "-f", "%M", "-o", note.name, *cmd] if Path(TIME).exists() else cmd
        feed = stdin.open("rb") if stdin else subprocess.DEVNULL
        try:
            started = time.perf_counter()
            # its own process group, so that a timeout ends the command and not only the timer
            with subprocess.Popen(
                wrapped,
                env=env,
                stdin=feed,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            ) as proc:
                try:
                    stdout, stderr = proc.communicate(timeout=TIMEOUT)
                except subprocess.TimeoutExpired as exc:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.communicate()
                    raise TimedOut from exc
            seconds = time.perf_counter() - started
        finally:
            if stdin:
                feed.close()  # type: ignore[union-attr]
        text = Path(note.name).read_text().strip().splitlines()
        peak = int(text[-1]) / 1024 if text and text[-1].isdigit() else float("nan")
    if proc.returncode and os.environ.get("BENCH_DEBUG"):
        sys.stderr.write(stderr.decode(errors="replace")[-2000:])
    return seconds, peak, proc.returncode, stdout.decode(errors="replace")


def timed(
    cmd: list[str],
    env: dict[str, str],
    runs: int,
    *,
    stdin: Path | None = None,
    before: Any = None,
    ok: tuple[int, ...] = (0,),
) -> dict[str, Any]:
    """Median seconds and the largest peak RSS over ``runs`` runs (``before`` runs before each)."""
    times, peaks, out = [], [], ""
    for _ in range(runs):
        if before:
            before()
        try:
            seconds, peak, code, out = once(cmd, env, stdin)
        except TimedOut:
            return {"timeout": True, "seconds": None, "peak_mib": None, "runs": 0, "out": ""}
        if code not in ok:
            raise SystemExit(f"failed ({code}): {' '.join(cmd)}")
        times.append(seconds)
        peaks.append(peak)
    return {"seconds": statistics.median(times), "peak_mib": max(peaks), "runs": runs, "out": out}


def has_shell(env: dict[str, str]) -> bool:
    return once([SANLIAN, "shell", "--help"], env)[2] == 0


# --- the figures --------------------------------------------------------------------------------


def build_database(scale: str) -> tuple[Path, float | None]:
    """The cached database of ``scale``, built first when missing (with the time it took)."""
    target = cache.cached(scale)
    if target.exists():
        return target, None
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".tmp")
    partial.unlink(missing_ok=True)
    print(f"生成 {scale} 规模数据库（首次，之后复用）…", flush=True)
    started = time.perf_counter()
    subprocess.run([PY, str(HERE / "generate.py"), "--scale", scale, str(partial)], check=True)
    seconds = time.perf_counter() - started
    partial.rename(target)
    target.with_suffix(".json").write_text(json.dumps({"generation_seconds": seconds}))
    return target, seconds


def main() -> None:
    global TIMEOUT
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("bureau", "city"), default="bureau")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--import-runs", type=int, default=None, help="runs of the imports")
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the import file")
    parser.add_argument("--keep", type=Path, default=None, help="keep the work files here")
    parser.add_argument("--timeout", type=float, default=TIMEOUT, help="seconds per run at most")
    parser.add_argument(
        "--only", default="", help="comma-separated groups: start,lookup,import,reports,limits"
    )
    args = parser.parse_args()
    only = set(filter(None, args.only.split(",")))
    TIMEOUT = args.timeout

    db, built = build_database(args.scale)
    meta = db.with_suffix(".json")
    generation = (
        built
        if built is not None
        else json.loads(meta.read_text())["generation_seconds"]
        if meta.exists()
        else None
    )
    if generation is not None:
        print(f"生成数据库用时 {generation:.1f} 秒{'（缓存）' if built is None else ''}：{db.name}")

    work = args.keep or Path(tempfile.mkdtemp(prefix="sanlian-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    copy = work / f"{args.scale}.db"
    shutil.copyfile(db, copy)
    env = dict(os.environ)
    env.update(SANLIAN_DB=str(copy), SANLIAN_TODAY=AS_OF, SANLIAN_OPERATOR="bench")
    env.pop("COLUMNS", None)
    # A clerk's installed program has its bytecode written once; without it every run would
    # compile the project's modules again (this sandbox sets PYTHONDONTWRITEBYTECODE=1).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(Path(__file__).parents[1] / "sanlian")],
        env=env,
        check=True,
    )
    # open once so that pending migrations (new indexes) are applied before timing
    subprocess.run([SANLIAN, "db", "path"], env=env, check=True, capture_output=True)
    runs = args.runs
    results: list[dict[str, Any]] = []
    load_start = " ".join(f"{x:.1f}" for x in os.getloadavg())

    def record(
        key: str,
        label: str,
        fig: dict[str, Any] | None,
        limit: str | None = None,
        target: float | None = None,
        seconds_max: float | None = None,
        mib_max: float | None = None,
        note: str = "",
        plus: dict[str, Any] | None = None,
    ) -> None:
        if fig is not None and fig.get("timeout"):
            note = f"超时：超过 {TIMEOUT:.0f} 秒未完成 {note}".strip()
            fig = None
        row = {
            "key": key,
            "label": label,
            "seconds": fig["seconds"] if fig else None,
            "peak_mib": fig["peak_mib"] if fig else None,
            "runs": fig["runs"] if fig else 0,
            "limit": limit,
            "target": target,
            "seconds_max": seconds_max,
            "mib_max": mib_max,
            "note": note,
            # the command's own work (its query, measured inside the shell), allowed on top
            "plus_seconds": max(plus["seconds"], 0.0) if plus else None,
        }
        results.append(row)
        print(line(row, results), flush=True)

    print(f"\n{'项目':<34}{'秒':>8}{'MiB':>7}  {'对照':<22}{'倍数':>7}  目标")
    if not only or "start" in only:
        record("py_pass", "python -c pass", timed([PY, "-c", "pass"], env, runs))
        record(
            "import_typer", 'python -c "import typer"', timed([PY, "-c", "import typer"], env, runs)
        )
        record(
            "import_sqlmodel",
            'python -c "import sqlmodel"',
            timed([PY, "-c", "import sqlmodel"], env, runs),
        )
        record("help", "sanlian --help", timed([SANLIAN, "--help"], env, runs), "import_typer", 1.5)
    shell = has_shell(env)
    if not only or "lookup" in only:
        visit = [
            "visit",
            "add",
            "--date",
            "2026-06-03",
            "--cadre",
            "zw",
            "--community",
            "1",
            "--form",
            "talk",
            "--diary",
            "座谈了解社区情况",
        ]
        # Inside the shell first: a command's own work there (its query and output, start-up
        # paid once) is the "plus its query" of the one-shot target.
        inside: dict[str, dict[str, Any] | None] = {}
        for key, line_text in (
            ("cadre_list", "cadre list"),
            ("cadre_show", "cadre show zw"),
            ("visit_add", " ".join(visit)),
        ):
            if not shell:
                inside[key] = None
                continue
            k = 11
            one, many = work / "one.txt", work / "many.txt"
            one.write_text(line_text + "\n", encoding="utf-8")
            many.write_text((line_text + "\n") * k, encoding="utf-8")
            a = timed([SANLIAN, "shell"], env, runs, stdin=one)
            b = timed([SANLIAN, "shell"], env, runs, stdin=many)
            inside[key] = {
                "seconds": (b["seconds"] - a["seconds"]) / (k - 1),
                "peak_mib": b["peak_mib"],
                "runs": runs,
            }
        for key, label, argv in (
            ("cadre_list", "sanlian cadre list", ["cadre", "list"]),
            ("cadre_show", "sanlian cadre show zw", ["cadre", "show", "zw"]),
            ("visit_add", "sanlian visit add", visit),
        ):
            record(
                key,
                label,
                timed([SANLIAN, *argv], env, runs),
                "import_sqlmodel",
                1.3,
                plus=inside[key],
            )
        for key, label in (
            ("cadre_list", "shell: cadre list"),
            ("cadre_show", "shell: cadre show zw"),
            ("visit_add", "shell: visit add"),
        ):
            per = inside[key]
            if per is None:
                record(f"shell_{key}", label, None, note="n/a (no shell)")
            else:
                record(f"shell_{key}", label, per, key, note="(T11−T1)/10")
    if not only or "import" in only:
        imports(work, env, args.import_runs or runs, args.rows, record)
    if not only or "reports" in only or "limits" in only:
        reports(
            copy,
            work,
            env,
            runs,
            record,
            limits_only="reports" not in only and bool(only),
            judged=args.scale == "city",
        )

    out = {
        "scale": args.scale,
        "load": f"{load_start} → {' '.join(f'{x:.1f}' for x in os.getloadavg())}",
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "generation_seconds": generation,
        "database_mib": round(db.stat().st_size / 2**20, 1),
        "shell": shell,
        "figures": results,
    }
    path = HERE / f"results-{args.scale}.json"
    previous = json.loads(path.read_text()) if path.exists() and only else None
    if previous:  # a partial run updates its figures only
        keep = {r["key"]: r for r in previous["figures"]}
        keep.update({r["key"]: r for r in results})
        out["figures"] = list(keep.values())
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    import report

    report.write()
    print(f"\n写入 {path.relative_to(ROOT)} 和 bench/RESULTS.md")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for text in Path("/proc/cpuinfo").read_text().splitlines():
            if text.startswith("model name"):
                cpu = text.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}, {platform.system()} {platform.release()}"


def line(row: dict[str, Any], results: list[dict[str, Any]]) -> str:
    from report import judge

    ratio, verdict = judge(row, {r["key"]: r for r in results})
    secs = "—" if row["seconds"] is None else f"{row['seconds']:.3f}"
    mib = "—" if row["peak_mib"] is None else f"{row['peak_mib']:.0f}"
    ratio_text = "" if ratio is None else f"{ratio:.2f}×"
    return f"{row['label']:<34}{secs:>8}{mib:>7}  {(row['limit'] or ''):<22}{ratio_text:>7}  {verdict} {row['note']}"


# --- imports ------------------------------------------------------------------------------------


def imports(work: Path, env: dict[str, str], runs: int, rows: int, record: Any) -> None:
    data = hh.rows(rows)
    csv_gbk = hh.write_file(work, data, "csv")
    xlsx = hh.write_file(work, data, "xlsx")
    plain = work / "households-utf8.csv"  # sqlite-utils: UTF-8, header in the first row
    with plain.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(hh.HEADER)
        writer.writerows(data)
    empty = work / "empty.db"
    empty.unlink(missing_ok=True)
    e = dict(env, SANLIAN_DB=str(empty))
    subprocess.run([SANLIAN, "init", "--year", "2026"], env=e, check=True, capture_output=True)
    communities = work / "communities.csv"
    with communities.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(
            [["名称", "乡镇(街道)"], *[[c, "兰山街道"] for c in hh.COMMUNITIES]]
        )
    subprocess.run(
        [SANLIAN, "community", "import", str(communities)], env=e, check=True, capture_output=True
    )
    target = work / "import.db"
    e = dict(env, SANLIAN_DB=str(target))

    def fresh() -> None:
        shutil.copyfile(empty, target)

    raw = timed([PY, str(HERE / "raw_insert.py"), str(plain), str(target)], e, runs, before=fresh)
    record("raw_insert", f"raw executemany {rows:,} 行", raw)
    su = shutil.which("sqlite-utils", path=str(BIN)) or shutil.which("sqlite-utils")
    if su:

        def scratch() -> None:
            (work / "su.db").unlink(missing_ok=True)

        fig = timed(
            [
                su,
                "insert",
                str(work / "su.db"),
                "household",
                str(plain),
                "--csv",
                "--no-detect-types",
            ],
            e,
            runs,
            before=scratch,
        )
        record(
            "sqlite_utils",
            f"sqlite-utils insert --csv {rows:,} 行",
            fig,
            note="UTF-8 副本，表头在首行",
        )
    else:
        record(
            "sqlite_utils",
            "sqlite-utils insert --csv",
            None,
            note="n/a (pip install -r bench/requirements.txt)",
        )
    for key, path in (("import_csv", csv_gbk), ("import_xlsx", xlsx)):
        fig = timed([SANLIAN, "household", "import", str(path)], e, runs, before=fresh)
        label = f"household import {rows:,} 行 {'GBK .csv' if key == 'import_csv' else '.xlsx'}"
        record(key, label, fig, "raw_insert", 5.0, mib_max=300.0)
        record(f"{key}_vs_su", "  同上，对 sqlite-utils", fig, "sqlite_utils", 1.0)


# --- reports ------------------------------------------------------------------------------------


def reports(
    db: Path,
    work: Path,
    env: dict[str, str],
    runs: int,
    record: Any,
    limits_only: bool = False,
    judged: bool = True,
) -> None:
    """The reports on the scale's database, and their limit: the hand-written SQL.

    ``limits_only`` times the hand-written SQL alone (``--only limits``). The targets (2× the
    hand-written SQL, under 2 s) are the city database's (``judged``); at bureau scale the
    ratio is shown without a verdict: there start-up (≈ 0.3 s) outweighs 0.1 s of SQL."""
    hand = {
        kind: timed([PY, str(HERE / "handsql.py"), kind, str(db), AS_OF], env, runs)
        for kind in ("selfcheck", "supervise")
    }
    record("sql_figures", "手写 SQL：自查统计（sqlite3）", hand["selfcheck"])
    record("sql_supervise", "手写 SQL：调度督促（sqlite3）", hand["supervise"])
    if limits_only:
        return
    aim: dict[str, Any] = {"target": 2.0, "seconds_max": 2.0} if judged else {}
    progress = timed([SANLIAN, "progress", "-f", "json"], env, runs)
    record("progress", "sanlian progress", progress, "sql_figures", **aim)
    sup = timed([SANLIAN, "supervise", "-f", "json"], env, runs)
    agree = agree_supervise(sup["out"], json.loads(hand["supervise"]["out"])) if sup["out"] else ""
    record("supervise", "sanlian supervise", sup, "sql_supervise", note=agree, **aim)
    sc = timed([SANLIAN, "selfcheck", "-f", "json"], env, runs)
    agree = agree_figures(sc["out"], json.loads(hand["selfcheck"]["out"])) if sc["out"] else ""
    record(
        "selfcheck_json",
        "sanlian selfcheck -f json",
        sc,
        "sql_figures",
        note=agree,
        **aim,
    )
    out = work / "自查.xlsx"
    xl = timed([SANLIAN, "selfcheck", "-o", str(out)], env, runs)
    record("selfcheck_xlsx", "sanlian selfcheck -o .xlsx", xl, "sql_figures", **aim)


def agree_figures(program: str, hand: dict[str, Any]) -> str:
    data = json.loads(program)
    wrong = [k for k, v in hand["figures"].items() if data["figures"].get(k) != v]
    for row in data["by_section"]:
        mine = hand["by_section"].get(str(row["id"]), {})
        wrong += [f"{row['id']}:{k}" for k, v in mine.items() if row.get(k) != v]
    return "数字一致" if not wrong else f"不一致：{', '.join(wrong[:6])}"


def agree_supervise(program: str, hand: dict[str, int]) -> str:
    data = json.loads(program)
    counts: dict[str, int] = {}
    for group in data["groups"]:
        for alert in group["alerts"]:
            counts[alert["kind"]] = counts.get(alert["kind"], 0) + 1
    wrong = [f"{k} {counts.get(k)}≠{v}" for k, v in hand.items() if counts.get(k) != v]
    return "各类条数一致" if not wrong else f"不一致：{', '.join(wrong[:4])}"


if __name__ == "__main__":
    main()
