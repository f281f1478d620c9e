"""The benchmark: sanlian at bureau and city scale, timed as whole processes beside its limits.

    python bench/run.py [--scale bureau|city] [--runs N] [--import-runs N] [--rows N]
                        [--timeout SECONDS] [--keep DIR] [--only GROUP,...]

Needs the project installed in the same environment (``pip install -e .`` or ``pip install .``:
the ``sanlian`` executable beside this Python) and ``pip install -r bench/requirements.txt``
(sqlite-utils; without it that limit is shown as n/a). Linux (``os.wait4``, ``ru_maxrss`` in
KiB); ``/usr/bin/time`` is not needed. Not part of the test suite.

Builds (or reuses from ``bench/.cache``) a synthetic year through the project's own code
(``bench/generate.py``) and opens it once with ``sanlian campaign show``, so that pending
migrations are applied to the cached file before anything is copied or timed. Then times
every figure as a whole process: the median wall time of ``--runs`` runs, and the largest peak
resident memory of the command (its ``ru_maxrss``, descendants it waited for included, read by
the small launcher ``bench/peak.py``, so that the bench's own memory is not counted). Beside
each figure stands its limit, the same work done by the fastest honest means (the interpreter,
a bare import, hand-written SQL through ``sqlite3``, a raw ``executemany``, ``sqlite-utils``),
and the issue's target. The import group also times, for reference and unjudged,
``bench/floor_import.py``: the least a validating import of the same GBK file can do (the
checks every row needs and the same pinyin search keys, in one process, with plain
``sqlite3``), to show where the ``sqlite-utils`` target lies against what validating costs.

Groups (``--only``, comma-separated; default all): ``start`` (the interpreter, the imports,
``--help``), ``lookup`` (one-shot commands and the same inside ``sanlian shell``; needs
``start``: judged against ``import sqlmodel``), ``import`` (household import and its limits),
``limits`` (the hand-written SQL, and an untimed check that the problems' stored status agrees
with their steps), ``reports`` (needs ``limits``). A group's dependencies are measured with it,
so a figure and its limit always come from the same run: every stored row carries the id of
the run that measured it, and a ratio is judged only when the figure and its limit share it (the
row's other bounds, and a disagreement with the hand-written SQL, are judged regardless).
An unknown group name is refused (exit 2, nothing measured or written).

Prints the table and writes ``bench/results-<scale>.json`` (a partial run replaces the rows it
measured and keeps the others, each with its run id); ``bench/RESULTS.md`` is rewritten from
every scale's JSON found (``python bench/report.py`` alone does that too).

A failing step (setup or timed) ends the run with one line naming the step and its exit code,
followed by the last lines of the command's error output (exit 1); the work folder
(``/tmp/sanlian-bench-*``, 500 MB at city scale) is removed on every exit unless ``--keep``.
Ctrl-C or SIGTERM ends the command being timed (its whole process group) and the run with one
line (中断，未写入结果; exit 130, or 143 for SIGTERM), the work folder removed, nothing written.
No environment variable changes what the bench does.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable
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
PEAK = str(HERE / "peak.py")
TIMEOUT = 600.0  # seconds; a figure that takes longer is reported as a timeout
SHELL_MAX = 0.05  # seconds a command takes inside ``sanlian shell`` on the bureau database

# the groups, in the order they run, and what each needs measured in the same run
GROUPS = ("start", "lookup", "import", "limits", "reports")
NEEDS = {"lookup": ("start",), "reports": ("limits",)}


class TimedOut(Exception):
    pass


class Terminated(BaseException):
    """SIGTERM: raised in the main thread, like KeyboardInterrupt, so that every ``finally``
    (the command's process group killed, the work folder removed) runs."""


def on_sigterm(signum: int, frame: Any) -> None:
    raise Terminated


class Failure(Exception):
    """A step that failed: its name, exit code and error output."""

    def __init__(self, step: str, code: int | None, stderr: str = "") -> None:
        super().__init__(step)
        self.step, self.code, self.stderr = step, code, stderr

    def text(self) -> str:
        code = "" if self.code is None else f"（退出码 {self.code}）"
        tail = [x for x in self.stderr.strip().splitlines() if x.strip()][-6:]
        return "\n".join([f"失败：{self.step}{code}", *(f"  {x}" for x in tail)])


def groups_of(text: str) -> list[str]:
    """The groups ``--only`` names, with their dependencies, in running order."""
    asked = [g.strip() for g in text.split(",") if g.strip()]  # checked by ``options``
    wanted = set(asked or GROUPS)
    for g in list(wanted):
        wanted.update(NEEDS.get(g, ()))
    return [g for g in GROUPS if g in wanted]


# --- running ----------------------------------------------------------------------------------


def once(
    cmd: list[str], env: dict[str, str], stdin: Path | None = None
) -> tuple[float, float, int, str, str]:
    """One run: (seconds, peak RSS in MiB, exit code, stdout, stderr).

    The command runs under ``bench/peak.py`` (which times it and reads its ``ru_maxrss``), in
    its own process group, so that a timeout ends the command and not only the timer."""
    with (
        tempfile.NamedTemporaryFile("r", suffix=".peak") as note,
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
    ):
        feed = stdin.open("rb") if stdin else subprocess.DEVNULL
        try:
            proc = subprocess.Popen(
                [PY, "-S", "-I", PEAK, note.name, *cmd],
                env=env,
                stdin=feed,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )
        except OSError as exc:
            raise Failure(" ".join(cmd), None, str(exc)) from exc
        finally:
            if stdin:
                feed.close()  # type: ignore[union-attr]
        expired = threading.Event()

        def stop() -> None:
            expired.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(TIMEOUT, stop)
        timer.start()
        try:
            _, status, _usage = os.wait4(proc.pid, 0)
        except BaseException:
            # Ctrl-C or SIGTERM (or anything else) while the command runs: it is in its own
            # session, so the terminal's SIGINT never reached it; end its whole group and reap it
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(proc.pid, 0)
            raise
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if expired.is_set():
            raise TimedOut
        out.seek(0)
        err.seek(0)
        stdout, stderr = (f.read().decode(errors="replace") for f in (out, err))
        fields = Path(note.name).read_text().split()
    if len(fields) != 3:  # the launcher itself failed
        raise Failure(" ".join(cmd), proc.returncode, stderr)
    seconds, kib, code = float(fields[0]), int(fields[1]), int(fields[2])
    return seconds, kib / 1024, code, stdout, stderr


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
            seconds, peak, code, out, err = once(cmd, env, stdin)
        except TimedOut:
            return {"timeout": True, "seconds": None, "peak_mib": None, "runs": 0, "out": ""}
        if code not in ok:
            raise Failure(" ".join(_short(c) for c in cmd), code, err)
        times.append(seconds)
        peaks.append(peak)
    return {"seconds": statistics.median(times), "peak_mib": max(peaks), "runs": runs, "out": out}


def step(name: str, cmd: list[str], env: dict[str, str] | None = None) -> str:
    """An untimed setup step: its output, or ``Failure`` naming it."""
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, errors="replace")
    except OSError as exc:
        raise Failure(name, None, str(exc)) from exc
    if done.returncode:
        raise Failure(name, done.returncode, done.stderr or done.stdout)
    return done.stdout


def _short(arg: str) -> str:
    """A path inside the work folder or the bench by its name only (for messages)."""
    return Path(arg).name if arg.startswith(("/tmp/", str(HERE), str(BIN))) else arg


def has_shell(env: dict[str, str]) -> bool | None:
    """Whether ``sanlian shell`` exists (None: its ``--help`` timed out)."""
    try:
        return once([SANLIAN, "shell", "--help"], env)[2] == 0
    except TimedOut:
        return None


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, n: int, right: bool = False) -> str:
    fill = " " * max(n - width(text), 0)
    return fill + text if right else text + fill


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
    step(
        "生成数据库（bench/generate.py）",
        [PY, str(HERE / "generate.py"), "--scale", scale, str(partial)],
    )
    seconds = time.perf_counter() - started
    partial.rename(target)
    target.with_suffix(".json").write_text(json.dumps({"generation_seconds": seconds}))
    return target, seconds


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", choices=("bureau", "city"), default="bureau")
    parser.add_argument("--runs", type=int, default=5, help="runs of each figure (≥ 1)")
    parser.add_argument("--import-runs", type=int, default=None, help="runs of the imports (≥ 1)")
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the import file (≥ 1)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the work files here")
    parser.add_argument("--timeout", type=float, default=TIMEOUT, help="seconds per run at most")
    parser.add_argument("--only", default="", help="comma-separated groups: " + ",".join(GROUPS))
    args = parser.parse_args()
    wrong = []
    for name in ("runs", "import_runs", "rows"):
        value = getattr(args, name)
        if value is not None and value < 1:
            wrong.append(f"--{name.replace('_', '-')} 须为不小于 1 的整数（收到 {value}）")
    if not args.timeout > 0:
        wrong.append(f"--timeout 须为正数秒（收到 {args.timeout:g}）")
    unknown = [g for g in args.only.split(",") if g.strip() and g.strip() not in GROUPS]
    if unknown:
        wrong.append(f"--only 不认识的组：{', '.join(unknown)}（可用：{', '.join(GROUPS)}）")
    if wrong:
        for text in wrong:
            print(f"run.py: {text}", file=sys.stderr)
        raise SystemExit(2)
    if not Path(SANLIAN).exists():
        print(
            f"run.py: 找不到 {SANLIAN}：请先在这个 Python 环境中安装本项目"
            "（pip install -e . 或 pip install .）",
            file=sys.stderr,
        )
        raise SystemExit(2)
    return args


def main() -> int:
    global TIMEOUT
    args = options()
    groups = groups_of(args.only)
    TIMEOUT = args.timeout
    signal.signal(signal.SIGTERM, on_sigterm)
    work = args.keep or Path(tempfile.mkdtemp(prefix="sanlian-bench-"))
    try:
        run(args, groups, work)
    except Failure as exc:
        print(exc.text(), file=sys.stderr)
        print("未写入结果。", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\n中断，未写入结果。", file=sys.stderr)
        return 130
    except Terminated:
        print("\n收到 SIGTERM，中断，未写入结果。", file=sys.stderr)
        return 128 + signal.SIGTERM
    finally:
        # a second Ctrl-C or SIGTERM must not stop the cleanup half-way
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


# the groups that time commands on the scale's database (``import`` builds its own)
ON_DATABASE = ("lookup", "limits", "reports")


def prepare_database(
    scale: str, env: dict[str, str], work: Path
) -> tuple[Path, Path, float | None]:
    """The cached database of ``scale`` (built first when missing), migrated, and a copy of it
    in the work folder: (cached file, copy, seconds its generation took)."""
    db, built = build_database(scale)
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
    # Open the cached file itself once, so that pending migrations (new indexes) are applied
    # there, before any copy or timing: ``campaign show`` opens (and migrates) the database,
    # ``db path`` would only print its name.
    saved = db.parent / "sanlian-backups"  # where the program backs a file up before migrating
    before = set(saved.glob("*")) if saved.exists() else set()
    step(
        "打开数据库以应用迁移（sanlian campaign show）",
        [SANLIAN, "campaign", "show"],
        dict(env, SANLIAN_DB=str(db)),
    )
    # the cache can be generated again: the program's backup of it (435 MB at city) is not kept
    if saved.exists():
        for made in set(saved.glob("*-migrate.db")) - before:
            made.unlink()
        with contextlib.suppress(OSError):
            saved.rmdir()  # only when empty
    copy = work / f"{scale}.db"
    shutil.copyfile(db, copy)
    return db, copy, generation


def run(args: argparse.Namespace, groups: list[str], work: Path) -> None:
    env = dict(os.environ)
    env.update(SANLIAN_TODAY=AS_OF, SANLIAN_OPERATOR="bench")
    env.pop("COLUMNS", None)
    # A clerk's installed program has its bytecode written once; without it every run would
    # compile the project's modules again (this sandbox sets PYTHONDONTWRITEBYTECODE=1).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    step("编译字节码（compileall）", [PY, "-m", "compileall", "-q", str(ROOT / "sanlian")], env)
    work.mkdir(parents=True, exist_ok=True)
    # only the groups that run commands on the scale's database have it built, migrated and
    # copied (at city scale a 435 MB copy, or minutes of generation without a cache)
    db = copy = None
    generation = None
    if any(g in groups for g in ON_DATABASE):
        db, copy, generation = prepare_database(args.scale, env, work)
        env["SANLIAN_DB"] = str(copy)
    else:
        # nothing may touch the user's own data folder: ``start`` runs no database command
        env["SANLIAN_DB"] = str(work / "unused.db")
    runs = args.runs
    results: list[dict[str, Any]] = []
    started_at = dt.datetime.now(dt.UTC)
    run_id = started_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    load_start = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"运行 {run_id}，测量：{', '.join(groups)}")

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
        rows: int | None = None,
        invalid: str = "",
        plus_missing: bool = False,
    ) -> None:
        timeout = None
        if fig is not None and fig.get("timeout"):
            note = f"超时：超过 {TIMEOUT:g} 秒未完成 {note}".strip()
            timeout = TIMEOUT
            fig = None
        row = {
            "key": key,
            "label": label,
            "run": run_id,
            "rows": rows,
            "seconds": fig["seconds"] if fig else None,
            "peak_mib": fig["peak_mib"] if fig else None,
            "runs": fig["runs"] if fig else 0,
            "timeout": timeout,
            "limit": limit,
            "target": target,
            "seconds_max": seconds_max,
            "mib_max": mib_max,
            "note": note,
            # the command's own work (its query, measured inside the shell), allowed on top
            "plus_seconds": max(plus["seconds"], 0.0)
            if plus and plus["seconds"] is not None
            else None,
            # the shell gave no query time: a ratio over the target cannot be judged
            "plus_missing": plus_missing,
            "invalid": invalid,  # why the figure cannot pass whatever its time (wrong output)
        }
        results.append(row)
        print(line(row, results), flush=True)

    print(
        f"\n{pad('项目', 40)}{pad('秒', 8, True)}{pad('MiB', 7, True)}  {pad('对照', 22)}"
        f"{pad('倍数', 7, True)}  结论"
    )
    shell = None
    if "start" in groups:
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
    if "lookup" in groups:
        shell = has_shell(env)
        lookup(work, env, runs, shell, args.scale == "bureau", record)
    if "import" in groups:
        imports(work, env, args.import_runs or runs, args.rows, record)
    if "limits" in groups:
        assert copy is not None
        reports(
            copy, work, env, runs, record, programs="reports" in groups, judged=args.scale == "city"
        )

    end_load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    this_run: dict[str, Any] = {
        "date": started_at.strftime("%Y-%m-%d %H:%M UTC"),
        "groups": groups,
        "load": f"{load_start} → {end_load}",
        "machine": machine(),
    }
    path = HERE / f"results-{args.scale}.json"
    previous = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
    # the database's size after its migrations (kept from the last run that opened it)
    this_run["database_mib"] = (
        round(db.stat().st_size / 2**20, 1) if db else (previous or {}).get("database_mib")
    )
    if generation is None:
        generation = (previous or {}).get("generation_seconds")
    figures = (
        {r["key"]: r for r in (previous or {}).get("figures", [])} if groups != list(GROUPS) else {}
    )
    figures.update({r["key"]: r for r in results})  # a partial run replaces what it measured
    known = dict((previous or {}).get("runs", {})) if groups != list(GROUPS) else {}
    known[run_id] = this_run
    used = {r.get("run") for r in figures.values()}
    out = {
        "scale": args.scale,
        "run": run_id,  # the last run; ``runs`` describes every run whose rows are kept
        **{k: v for k, v in this_run.items() if k != "groups"},
        "groups": groups,
        "generation_seconds": generation,
        "shell": shell if shell is not None else (previous or {}).get("shell"),
        "runs": {k: v for k, v in known.items() if k in used},
        "figures": list(figures.values()),
    }
    partial = path.with_suffix(".json.tmp")  # replaced at once: an interruption leaves no half
    partial.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(partial, path)
    import report

    report.write()
    print(f"\n写入 {path.relative_to(ROOT)} 和 bench/RESULTS.md")


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
    from report import judge, label_of

    ratio, verdict, why = judge(row, {r["key"]: r for r in results})
    secs = "—" if row["seconds"] is None else f"{row['seconds']:.3f}"
    mib = "—" if row["peak_mib"] is None else f"{row['peak_mib']:.0f}"
    ratio_text = "" if ratio is None else f"{ratio:.2f}×"
    note = "；".join(x for x in (row["note"], why) if x)
    return (
        f"{pad(label_of(row), 40)}{pad(secs, 8, True)}{pad(mib, 7, True)}  "
        f"{pad(row['limit'] or '', 22)}{pad(ratio_text, 7, True)}  {verdict} {note}"
    ).rstrip()


# --- one-shot commands and the shell ------------------------------------------------------------


def lookup(
    work: Path, env: dict[str, str], runs: int, shell: bool | None, bureau: bool, record: Any
) -> None:
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
        if shell is None:
            inside[key] = {"timeout": True}
            continue
        if not shell:
            inside[key] = None
            continue
        k = 11
        one, many = work / "one.txt", work / "many.txt"
        one.write_text(line_text + "\n", encoding="utf-8")
        many.write_text((line_text + "\n") * k, encoding="utf-8")
        a = timed([SANLIAN, "shell"], env, runs, stdin=one)
        b = timed([SANLIAN, "shell"], env, runs, stdin=many)
        if a.get("timeout") or b.get("timeout"):
            inside[key] = {"timeout": True}
            continue
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
        per = inside[key]
        record(
            key,
            label,
            timed([SANLIAN, *argv], env, runs),
            "import_sqlmodel",
            1.3,
            plus=None if per is None or per.get("timeout") else per,
            plus_missing=per is None or bool(per.get("timeout")),
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
            # the target (bureau): well under 0.05 s each; the ratio to the one-shot command
            # is shown for information
            record(
                f"shell_{key}",
                label,
                per,
                key,
                seconds_max=SHELL_MAX if bureau else None,
                note="(T11−T1)/10；倍数仅供参考"
                + ("" if bureau else "；< 0.05 s 的目标只在 bureau 判"),
            )


# --- imports ------------------------------------------------------------------------------------

SU_NOTE = (
    "sqlite-utils 读同一数据的 UTF-8 副本，表头在首行（它不能跳过 GBK 文件首行的标题；"
    "转码不计入其时间）"
)


FLOOR_NOTE = (
    "bench/floor_import.py：同一 GBK 文件，只做必需的检查和同样的拼音检索键，一个进程，"
    "无 SQLAlchemy、备份、日志（不能撤销）、与在册记录的比对和错误报告；倍数对 sqlite-utils，仅供参考"
)


def imports(work: Path, env: dict[str, str], runs: int, rows: int, record: Any) -> None:
    data = hh.rows(rows)
    csv_gbk = hh.write_file(work, data, "csv")
    xlsx = hh.write_file(work, data, "xlsx")
    plain = work / "households-utf8.csv"  # raw_insert and sqlite-utils: UTF-8, header first
    with plain.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(hh.HEADER)
        writer.writerows(data)
    del data
    empty = work / "empty.db"
    empty.unlink(missing_ok=True)
    e = dict(env, SANLIAN_DB=str(empty))
    step("建立空数据库（sanlian init）", [SANLIAN, "init", "--year", "2026"], e)
    communities = work / "communities.csv"
    with communities.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(
            [["名称", "乡镇(街道)"], *[[c, "兰山街道"] for c in hh.COMMUNITIES]]
        )
    step(
        "导入社区（sanlian community import）",
        [SANLIAN, "community", "import", str(communities)],
        e,
    )
    target = work / "import.db"
    e = dict(env, SANLIAN_DB=str(target))

    def fresh() -> None:
        shutil.copyfile(empty, target)

    raw = timed([PY, str(HERE / "raw_insert.py"), str(plain), str(target)], e, runs, before=fresh)
    record("raw_insert", "raw executemany", raw, rows=rows, note="同一数据的 UTF-8 副本")
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
        record("sqlite_utils", "sqlite-utils insert --csv", fig, rows=rows, note=SU_NOTE)
    else:
        record(
            "sqlite_utils",
            "sqlite-utils insert --csv",
            None,
            rows=rows,
            note="n/a (pip install -r bench/requirements.txt)",
        )
    floor = timed(
        [PY, str(HERE / "floor_import.py"), str(csv_gbk), str(target)], e, runs, before=fresh
    )
    record(
        "floor_import",
        "  参照：最简的校验导入",
        floor,
        "sqlite_utils",
        rows=rows,
        note=FLOOR_NOTE,
    )
    for key, path in (("import_csv", csv_gbk), ("import_xlsx", xlsx)):
        fig = timed([SANLIAN, "household", "import", str(path)], e, runs, before=fresh)
        label = f"household import {'GBK .csv' if key == 'import_csv' else '.xlsx'}"
        record(key, label, fig, "raw_insert", 5.0, mib_max=300.0, rows=rows)
        record(f"{key}_vs_su", "  同上，对 sqlite-utils", fig, "sqlite_utils", 1.0, rows=rows)


# --- reports ------------------------------------------------------------------------------------


def reports(
    db: Path,
    work: Path,
    env: dict[str, str],
    runs: int,
    record: Any,
    programs: bool = True,
    judged: bool = True,
) -> None:
    """The reports on the scale's database, and their limit: the hand-written SQL.

    Without ``programs`` only the hand-written SQL is timed (``--only limits``). The targets
    (2× the hand-written SQL, under 2 s) are the city database's (``judged``); at bureau scale
    the ratio is shown without a time verdict: there start-up (≈ 0.3 s) outweighs 0.1 s of SQL.
    ``selfcheck -o .xlsx`` is held to ``handsql.py workbook``: the same figures and every row of
    the workbook's long sheets (按干部, 问题台账, 走访台账) read through the cursor — what the
    workbook must read before it writes a cell; the other reports to the figures' SQL.
    Each report's output is compared with the hand-written SQL (``supervise``: the alerts of
    each kind; ``selfcheck -f json`` and the workbook's 汇总 and 按科室 sheets: every figure,
    and the rows of its long sheets counted;
    ``progress -f json``: its section rows and checklists against ``handsql.py progress``).
    At both scales a report whose output disagrees with the hand-written SQL, or a database
    whose stored problem status disagrees with the problems' steps (the shortcut both the
    program and the hand-written SQL take), makes the report rows FAIL with the reason."""
    hand = {
        kind: timed([PY, str(HERE / "handsql.py"), kind, str(db), AS_OF], env, runs)
        for kind in ("selfcheck", "supervise", "workbook")
    }
    # untimed: the stored status of every problem against its steps
    check = json.loads(
        step(
            "核对问题状态（handsql.py status）",
            [PY, str(HERE / "handsql.py"), "status", str(db), AS_OF],
            env,
        )
    )
    status_note = (
        f"状态核对：{check['problems']:,} 件问题按 problem_step 重算，"
        f"与 problem 表存储列 {check['wrong']} 处不一致"
    )
    bad_status = (
        f"{check['wrong']} 件问题的存储状态与其步骤不符（如 {', '.join(check['examples'][:3])}），"
        "手写 SQL 与程序所依的捷径不成立"
        if check["wrong"]
        else ""
    )
    record("sql_figures", "手写 SQL：自查统计（sqlite3）", hand["selfcheck"], note=status_note)
    record("sql_supervise", "手写 SQL：调度督促（sqlite3）", hand["supervise"], note=status_note)
    record(
        "sql_workbook",
        "手写 SQL：自查工作簿的数据（sqlite3）",
        hand["workbook"],
        note="自查统计，加上按干部、问题台账、走访台账的每一行（只读出，不写文件）；" + status_note,
    )
    if not programs:
        return
    aim: dict[str, Any] = {"target": 2.0, "seconds_max": 2.0} if judged else {}

    def hand_out(kind: str) -> Any:
        return json.loads(hand[kind]["out"]) if hand[kind].get("out") else None

    progress = timed([SANLIAN, "progress", "-f", "json"], env, runs)
    # untimed: what ``progress`` shows beyond the figures (its ratios' numerators, checklists)
    hand_progress = json.loads(
        step(
            "手写 SQL：阶段进度（handsql.py progress）",
            [PY, str(HERE / "handsql.py"), "progress", str(db), AS_OF],
            env,
        )
    )
    note, wrong = agreement(agree_progress, progress, hand_progress)
    record(
        "progress",
        "sanlian progress",
        progress,
        "sql_figures",
        note=note,
        invalid="；".join(x for x in (wrong, bad_status) if x),
        **aim,
    )
    sup = timed([SANLIAN, "supervise", "-f", "json"], env, runs)
    note, wrong = agreement(agree_supervise, sup, hand_out("supervise"))
    record(
        "supervise",
        "sanlian supervise",
        sup,
        "sql_supervise",
        note=note,
        invalid="；".join(x for x in (wrong, bad_status) if x),
        **aim,
    )
    sc = timed([SANLIAN, "selfcheck", "-f", "json"], env, runs)
    note, wrong = agreement(agree_figures, sc, hand_out("selfcheck"))
    record(
        "selfcheck_json",
        "sanlian selfcheck -f json",
        sc,
        "sql_figures",
        note=note,
        invalid="；".join(x for x in (wrong, bad_status) if x),
        **aim,
    )
    out = work / "自查.xlsx"
    xl = timed([SANLIAN, "selfcheck", "-o", str(out)], env, runs)
    # the workbook of the last run, read back: its 汇总 and 按科室 sheets
    note, wrong = file_agreement(agree_workbook, xl, out, hand_out("workbook"), "工作簿")
    record(
        "selfcheck_xlsx",
        "sanlian selfcheck -o .xlsx",
        xl,
        "sql_workbook",
        note=note,
        invalid="；".join(x for x in (wrong, bad_status) if x),
        **aim,
    )
    # the self-inspection report and a month's briefing: main jobs beyond the list,
    # timed for information (no target), the report's figures read back and compared
    doc = work / "自查报告.docx"
    dx = timed([SANLIAN, "selfcheck", "-o", str(doc), "--force"], env, runs)
    note, wrong = file_agreement(agree_document, dx, doc, hand_out("selfcheck"), "报告")
    record(
        "selfcheck_docx",
        "sanlian selfcheck -o .docx",
        dx,
        "sql_figures",
        note=f"{note}；另读调度督促和解决问题的事例；倍数仅供参考",
        invalid="；".join(x for x in (wrong, bad_status) if x),
    )
    br = timed([SANLIAN, "brief", "--from", "2026-12-01", "--to", "2026-12-31"], env, runs)
    record(
        "brief",
        "sanlian brief（一个月）",
        br,
        "sql_figures",
        note="本期、上期（11 月）和年度累计三组统计，加调度督促和事例；倍数仅供参考",
        invalid=bad_status,
    )


def file_agreement(
    agree: Any, fig: dict[str, Any], path: Path, hand: Any, what: str
) -> tuple[str, str]:
    """``agreement`` of the file ``path`` the last run wrote (a workbook, a report), read
    back; not checked when it timed out or wrote none."""
    if fig.get("timeout") or not path.exists():
        return f"未核对（未写出{what}）", ""
    return agreement(agree, {"out": str(path)}, hand)


def agreement(agree: Any, fig: dict[str, Any], hand: Any) -> tuple[str, str]:
    """(note, reason to fail) of comparing a program's JSON output with the hand-written SQL."""
    if not fig.get("out") or hand is None:
        return "未核对（无输出）", ""
    same, text = agree(fig["out"], hand)
    return text, "" if same else f"与手写 SQL {text}"


def _by_section(
    mine: dict[str, Any],
    theirs: dict[str, Any],
    side: str,
    differ: Callable[[str, Any, Any], list[str]],
) -> list[str]:
    """The disagreements of every section, both ways: a section on one ``side`` only is one,
    and ``differ(id, ours, the hand-written SQL's)`` tells those of a section on both."""
    wrong: list[str] = []
    for sid in sorted(set(mine) | set(theirs), key=lambda s: (len(s), s)):
        if sid not in mine:
            wrong.append(f"科室 {sid} {side}无")
        elif sid not in theirs:
            wrong.append(f"科室 {sid} 手写 SQL 无")
        else:
            wrong += differ(sid, mine[sid], theirs[sid])
    return wrong


def agree_figures(program: str, hand: dict[str, Any]) -> tuple[bool, str]:
    """Whether ``selfcheck -f json`` gives the hand-written SQL's figures: the bureau's and every
    section's, compared both ways over the union of keys (a figure or section on one side only
    is a disagreement)."""
    data = json.loads(program)
    wrong = _differ("", data["figures"], hand["figures"])
    mine = {str(row["id"]): row for row in data["by_section"]}
    theirs = hand["by_section"]
    wrong += _by_section(
        mine,
        theirs,
        "程序",
        lambda sid, row, hand_row: _differ(
            f"{sid}:", {k: v for k, v in row.items() if k not in ("id", "section")}, hand_row
        ),
    )
    if not wrong:
        return True, f"数字一致（合计及 {len(mine)} 个科室，双向比对）"
    more = f" 等 {len(wrong)} 处" if len(wrong) > 6 else ""
    return False, f"不一致：{', '.join(wrong[:6])}{more}"


def _flat(figures: dict[str, Any]) -> dict[str, Any]:
    """The hand-written figures as the workbook lists them: ``measures.<m>`` one each."""
    out = {k: v for k, v in figures.items() if k != "measures"}
    out.update({f"measures.{m}": n for m, n in figures.get("measures", {}).items()})
    return out


def _number(key: str, value: Any) -> Any:
    """A workbook cell as the hand-written SQL gives it: whole numbers as int, the money as
    the text ``yuan.fen``."""
    if key == "funds_yuan" and isinstance(value, int | float):
        return f"{value:.2f}"
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


LONG_SHEETS = {"cadres": "按干部", "problems": "问题台账", "visits": "走访台账"}


# phrases of 自查报告.docx's 一、基本情况 and the figure each must carry
DOCUMENT_PHRASES = (
    ("在册干部{}名", "cadres_total"),
    ("开展走访{}次", "visits"),
    ("次、{}人次", "visit_person_times"),
    ("发放联系卡{}张", "contact_cards"),
    ("反映的问题{}件", "problems_raised"),
    ("已解决{}件", "problems_resolved"),
    ("尚未办结{}件", "problems_open"),
    ("撰写调研报告{}篇", "research_reports"),
)


def agree_document(path: str, hand: dict[str, Any]) -> tuple[bool, str]:
    """Whether ``selfcheck -o .docx`` says the hand-written SQL's figures in its 一、基本情况
    (``DOCUMENT_PHRASES``: each phrase with the figure in it)."""
    import docx

    paragraphs = [p.text for p in docx.Document(path).paragraphs]
    try:
        start = paragraphs.index("一、基本情况")
        end = paragraphs.index("二、主要做法和成效")
    except ValueError:
        return False, "报告缺少“一、基本情况”一节"
    basic = "".join(paragraphs[start:end])
    figures = hand["figures"]
    wrong = [
        f"{key}（应为 {figures[key]}）"
        for phrase, key in DOCUMENT_PHRASES
        if phrase.format(figures[key]) not in basic
    ]
    if wrong:
        return False, f"报告的基本情况与手写 SQL 不一致：{', '.join(wrong)}"
    return True, f"报告的基本情况与手写 SQL 一致（{len(DOCUMENT_PHRASES)} 项）"


def agree_workbook(path: str, hand: dict[str, Any]) -> tuple[bool, str]:
    """Whether ``selfcheck -o .xlsx`` wrote the hand-written SQL's figures: the 汇总 sheet's
    (label, key, value) rows and the 按科室 sheet's row of each section (its columns named by
    the labels of 汇总), both ways over the union of keys and sections; and whether its long
    sheets (按干部, 问题台账, 走访台账 with its continuations) hold as many rows as
    ``handsql.py workbook`` read."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(path)
    names = book.sheet_names
    if "汇总" not in names or "按科室" not in names:
        return False, f"工作簿缺少工作表（有：{'、'.join(names)}）"
    summary: dict[str, Any] = {}
    key_of: dict[str, str] = {}  # label -> key
    for row in book.get_sheet_by_name("汇总").to_python():
        # a figure's row: (label, key, value); the title, the period, the header and the
        # notes have no key
        if (
            len(row) >= 3
            and isinstance(row[1], str)
            and re.fullmatch(r"[a-z_]+(\.[a-z_]+)?", row[1])
        ):
            summary[row[1]] = _number(row[1], row[2])
            key_of.setdefault(str(row[0]), row[1])
    wrong = _differ("", summary, _flat(hand["figures"]))
    table = book.get_sheet_by_name("按科室").to_python()
    head = [str(x) for x in table[0]] if table else []
    mine: dict[str, dict[str, Any]] = {}
    for row in table[1:]:
        if not row or not isinstance(row[0], int | float) or row[0] == "":
            continue  # a note below the table
        sid = str(int(row[0]))
        mine[sid] = {
            key_of.get(h, f"?{h}"): _number(key_of.get(h, ""), v)
            for h, v in zip(head, row, strict=False)
            if h not in ("编号", "科室")
        }
    theirs = hand["by_section"]
    wrong += _by_section(
        mine, theirs, "工作簿", lambda sid, row, hand_row: _differ(f"{sid}:", row, _flat(hand_row))
    )
    # the long sheets: as many rows as the hand-written SQL read (a ledger past Excel's row
    # limit goes on in 走访台账（续）…, each with its header again)
    counted = []
    for key, title in LONG_SHEETS.items():
        n = 0
        for name in names:
            if name == title or name.startswith(f"{title}（续"):
                sheet = book.get_sheet_by_name(name)
                n += sum(1 for row in sheet.iter_rows() if row and isinstance(row[0], int | float))
        want = hand.get("rows", {}).get(key)
        if n != want:
            wrong.append(f"{title} {n:,} 行，手写 SQL {want if want is None else f'{want:,}'} 行")
        counted.append(f"{title} {n:,} 行")
    if not wrong:
        return True, (
            f"工作簿数字一致（汇总 {len(summary)} 项及按科室 {len(mine)} 个科室，双向比对；"
            f"{'、'.join(counted)}，与手写 SQL 读出的行数相同）"
        )
    more = f" 等 {len(wrong)} 处" if len(wrong) > 6 else ""
    return False, f"工作簿不一致：{', '.join(wrong[:6])}{more}"


# ``progress -f json``'s section rows (and 合计) and the hand-written figure each one is
PROGRESS_FIELDS = {
    "cadres": "cadres_total",
    "households": "households_paired",
    "visits": "visits",
    "diaries": "diaries",
    "research_done": "cadres_with_research",
    "research_required": "cadres_total",
    "problems_resolved": "raised_resolved",
    "problems_raised": "problems_raised",
    "conflicts_resolved": "conflicts_raised_resolved",
    "conflicts_raised": "conflicts_raised",
    "eight_ones": "eight_ones_done",
}


def agree_progress(program: str, hand: dict[str, Any]) -> tuple[bool, str]:
    """Whether ``progress -f json`` shows the hand-written SQL's counts (``handsql.py
    progress``): the bureau's row and every section's (each of ``PROGRESS_FIELDS``), and
    whether each checklist item of each phase is done, both ways over the union of sections,
    phases and items. Not checked: the phases' dates, states and days left, and the texts of
    the records behind the items."""
    data = json.loads(program)

    def counts(row: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in row.items() if k not in ("id", "name")}

    def wanted(figs: dict[str, Any]) -> dict[str, Any]:
        return {k: figs[src] for k, src in PROGRESS_FIELDS.items()}

    wrong = _differ("合计:", counts(data["total"]), wanted(hand["figures"]))
    mine = {str(row["id"]): counts(row) for row in data["sections"]}
    theirs = hand["by_section"]
    wrong += _by_section(
        mine, theirs, "程序", lambda sid, row, hand_row: _differ(f"{sid}:", row, wanted(hand_row))
    )
    items = 0
    ours = {p["key"]: {i["key"]: i["done"] for i in p["items"]} for p in data["phases"]}
    checklist = hand["checklist"]
    for phase in sorted(set(ours) | set(checklist)):
        if phase not in ours:
            wrong.append(f"阶段 {phase} 程序无")
        elif phase not in checklist:
            wrong.append(f"阶段 {phase} 手写 SQL 无")
        else:
            items += len(set(ours[phase]) | set(checklist[phase]))
            wrong += _differ(f"{phase}.", ours[phase], checklist[phase])
    if not wrong:
        return True, (
            f"数字一致（合计及 {len(mine)} 个科室各 {len(PROGRESS_FIELDS)} 项、"
            f"清单 {items} 项是否完成，双向比对；未核对：阶段日期与天数、清单记录文字）"
        )
    more = f" 等 {len(wrong)} 处" if len(wrong) > 6 else ""
    return False, f"不一致：{', '.join(wrong[:6])}{more}"


def _differ(where: str, ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    out = []
    for k in sorted(set(ours) | set(theirs)):
        if k not in ours:
            out.append(f"{where}{k} 程序无")
        elif k not in theirs:
            out.append(f"{where}{k} 手写 SQL 无")
        elif ours[k] != theirs[k]:
            out.append(f"{where}{k} {ours[k]}≠{theirs[k]}")
    return out


def agree_supervise(program: str, hand: dict[str, int]) -> tuple[bool, str]:
    """Whether ``supervise -f json`` raises as many alerts of each kind as the hand-written SQL
    counts, over the union of kinds (a kind on one side only is a disagreement)."""
    data = json.loads(program)
    counts: dict[str, int] = {}
    for group in data["groups"]:
        for alert in group["alerts"]:
            counts[alert["kind"]] = counts.get(alert["kind"], 0) + 1
    kinds = sorted(set(counts) | set(hand))
    wrong = [
        f"{k} {counts.get(k, 0)}≠{hand.get(k, 0)}"
        for k in kinds
        if counts.get(k, 0) != hand.get(k, 0)
    ]
    if not wrong:
        return True, f"各类条数一致（{len(kinds)} 类，双向比对）"
    return False, f"各类条数不一致：{', '.join(wrong[:6])}"


if __name__ == "__main__":
    sys.exit(main())
