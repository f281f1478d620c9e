"""Write ``bench/RESULTS.md`` from ``bench/results-<scale>.json`` (bureau and city side by side).

The section "What each change gained" is kept by hand in ``bench/gains.md`` and copied in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SCALES = ("bureau", "city")


def judge(row: dict[str, Any], by_key: dict[str, dict[str, Any]]) -> tuple[float | None, str, str]:
    """(ratio to the limit, verdict, why no verdict or why FAIL).

    The ratio is given only when the figure and its limit were measured in the same run (the
    same ``run`` id); otherwise the ratio target is not judged (the reason is given) while the
    row's other bounds (``seconds_max``, ``mib_max``, ``invalid``) still are. The verdict is
    ``PASS`` when every target the row has is met, ``FAIL`` when one is not, ``n/a`` when one
    cannot be judged (its figure or its limit is missing) and none failed, ``""`` when the
    row has no target. A figure that timed out fails a time bound it had to meet
    (``seconds_max`` at or under the timeout), and a ratio target when even the timeout is
    more than the target times the limit; otherwise it is n/a. A row marked ``invalid`` (the
    program's output disagrees with the limit's) fails whatever its time."""
    name = row.get("limit")
    limit = by_key.get(name or "")
    why: list[str] = []
    elsewhere = ""  # why the limit cannot be used: it comes from another run
    if name and limit is not None and (row.get("run") is None or limit.get("run") != row["run"]):
        if row.get("run") is None or limit.get("run") is None:
            elsewhere = f"对照 {name} 与本项无同一运行编号（旧结果），不判倍数"
        else:
            elsewhere = f"对照 {name} 取自另一次运行（{limit.get('run')}），不判倍数"
        limit = None
    base = limit.get("seconds") if limit else None
    ratio = None
    if row["seconds"] is not None and base:
        # "1.3× import sqlmodel plus its query": the query's own time is taken off first
        ratio = (row["seconds"] - (row.get("plus_seconds") or 0.0)) / base
    checks: list[bool | None] = []
    if row.get("target") is not None:
        if ratio is not None and ratio > row["target"] and row.get("plus_missing"):
            checks.append(None)  # its query's time, allowed on top, is unknown
            why.append("查询耗时未知（shell 未测），超出目标时不作判断")
        elif ratio is not None:
            checks.append(ratio <= row["target"])
        elif row.get("timeout") and base and row["timeout"] / base > row["target"]:
            checks.append(False)
            why.append(f"超时，已超过 {row['target']:g}× 对照")
        else:
            checks.append(None)
            if elsewhere:
                why.append(elsewhere)
            elif not name or limit is None:
                why.append(f"对照 {name} 未测")
            elif not base:
                why.append(f"对照 {name} 无数值")
            elif row.get("timeout"):
                why.append(f"超时（{row['timeout']:g} s）尚不足以判断倍数")
            else:
                why.append("本项无数值")
    if row.get("seconds_max") is not None:
        if row["seconds"] is not None:
            checks.append(row["seconds"] < row["seconds_max"])
        elif row.get("timeout") and row["timeout"] >= row["seconds_max"]:
            checks.append(False)
            why.append(f"超时，已超过 {row['seconds_max']:g} s")
        else:
            checks.append(None)
            why.append(
                f"超时（{row['timeout']:g} s）早于 {row['seconds_max']:g} s 的时限，不足以判断"
                if row.get("timeout")
                else "本项无时间"
            )
    if row.get("mib_max") is not None:
        checks.append(None if row["peak_mib"] is None else row["peak_mib"] < row["mib_max"])
        if row["peak_mib"] is None:
            why.append("本项无内存峰值")
    if row.get("invalid"):
        checks.append(False)
        why.append(row["invalid"])
    if elsewhere and elsewhere not in why:
        why.insert(0, elsewhere)  # the ratio shown for information is missing: say why
    if not checks:
        return ratio, "", elsewhere
    if False in checks:
        verdict = "FAIL"
    elif None in checks:
        verdict = "n/a"
    else:
        verdict = "PASS"
    return ratio, verdict, "；".join(dict.fromkeys(why))


def label_of(row: dict[str, Any], rows: str | None = None) -> str:
    """The row's label, with the rows of its file when it has them."""
    if rows is None and row.get("rows"):
        rows = f"{row['rows']:,} 行"
    return f"{row['label']}（{rows}）" if rows else row["label"]


def target_text(row: dict[str, Any]) -> str:
    parts = []
    if row.get("target") is not None:
        parts.append(f"≤ {row['target']:g}× {row['limit']}")
        if row.get("plus_seconds") is not None:
            parts[-1] += f" + 查询 {row['plus_seconds'] * 1000:.0f} ms"
    if row.get("seconds_max") is not None:
        parts.append(f"< {row['seconds_max']:g} s")
    if row.get("mib_max") is not None:
        parts.append(f"< {row['mib_max']:g} MiB")
    return ", ".join(parts)


def _rows_of(d: dict[str, Any]) -> str:
    found = sorted({r["rows"] for r in d["figures"] if r.get("rows")})
    return " / ".join(f"{n:,}" for n in found) if found else "—"


def write() -> None:
    data = {}
    for scale in SCALES:
        path = HERE / f"results-{scale}.json"
        if path.exists():
            data[scale] = json.loads(path.read_text(encoding="utf-8"))
    lines = ["# sanlian benchmark results", ""]
    lines += [
        "Written by `python bench/run.py --scale bureau|city` (whole processes, median of the runs;",
        "peak = the command's maximum resident set, descendants it waited for included, read by",
        "`bench/peak.py` through `os.wait4`). Ratios are to the limit named in the row. A scale's",
        "rows may come from several partial runs (`--only start,lookup,import,limits,reports`; a",
        "group's dependencies are measured with it): every row carries the id of the run that",
        "measured it, and a ratio is given and judged only when a figure and its limit come from",
        "the same run (else the note says why, and the row's other bounds are still judged). A",
        "verdict is n/a when a figure or its limit is missing and nothing failed, FAIL when a target",
        "is missed, a time bound is exceeded by a timeout, or the program's output disagrees with",
        "the hand-written SQL. The one-shot `cadre list`,",
        "`cadre show` and `visit add` are held to 1.3× `import sqlmodel` plus their query: the",
        "query's own time is what the same command takes inside `sanlian shell` (start-up paid",
        "once), and it is taken off before the ratio; inside the shell each must take under",
        "0.05 s on the bureau database (its ratio to the one-shot command is for information).",
        "The reports' time targets (2× the hand-written SQL, under 2 s) are the city database's;",
        "at bureau scale their ratio is shown without a time verdict (start-up, `import",
        "sqlmodel` and more, outweighs the SQL there), but a disagreement with the",
        "hand-written SQL fails them at both scales. Do not edit: rerun.",
        "",
    ]
    for scale, d in data.items():
        gen = d.get("generation_seconds")
        gen_text = f"{gen:.0f} s" if gen is not None else "?"
        runs = d.get("runs", {})
        last = d.get("run")
        groups = ", ".join(d.get("groups", [])) or "?"
        lines.append(
            f"- **{scale}**: last run {d['date']} measured {groups}; {d['machine']}; "
            f"database {d['database_mib']} MiB{' (migrated)' if 'runs' in d else ''}, "
            f"generated in {gen_text}; "
            f"shell: {'yes' if d.get('shell') else 'no' if d.get('shell') is False else '?'}; "
            f"load average (1/5/15 min) at start → end: {d.get('load', '?')}."
        )
        for run_id, info in runs.items():
            if run_id != last:
                lines.append(
                    f"  - rows kept from the run of {info['date']}: {', '.join(info['groups'])} "
                    f"(load {info.get('load', '?')})."
                )
        if any(r.get("run") is None for r in d["figures"]):
            lines.append("  - some rows carry no run id (written before run ids): rerun them.")
    lines += [
        "",
        "Scales: bureau = 9 sections, 150 cadres, 30 communities, 60 enterprises, "
        "3,000 households, 20,000 visits, 4,000 problems; city = 50 sections, 5,000 cadres, "
        "500 communities, 2,000 enterprises, 100,000 households, 1,000,000 visits, "
        "200,000 problems (one year). Household rows of the import file: "
        + "; ".join(f"{scale} {_rows_of(d)}" for scale, d in data.items())
        + ".",
        "",
    ]
    keys: list[str] = []
    rows: dict[str, dict[str, dict[str, Any]]] = {}
    for scale, d in data.items():
        for r in d["figures"]:
            if r["key"] not in keys:
                keys.append(r["key"])
            rows.setdefault(r["key"], {})[scale] = r
    head = (
        "| figure | "
        + " | ".join(f"{s} s | {s} MiB | {s} ratio | {s} verdict" for s in data)
        + " | city ÷ bureau | target | note |"
    )
    lines += [head, "|" + "---|" * (head.count("|") - 1)]
    for key in keys:
        cells = []
        target = ""
        notes: list[tuple[str, str]] = []  # (note, scale)
        mine = rows[key]
        counts = {s: r.get("rows") for s, r in mine.items()}
        same_rows = len(set(counts.values())) <= 1
        if same_rows:
            label = label_of(next(iter(mine.values())))
        else:
            text = "；".join(f"{s} {n:,} 行" if n else f"{s} ?" for s, n in counts.items())
            label = label_of(next(iter(mine.values())), text)
        for scale, d in data.items():
            r = mine.get(scale)
            if r is None:
                cells += ["", "", "", ""]
                continue
            target = target_text(r) or target
            by_key = {x["key"]: x for x in d["figures"]}
            ratio, verdict, why = judge(r, by_key)
            said = [x for x in (r["note"], why) if x]
            if r.get("run") != d.get("run") and r.get("run"):
                said.append(f"取自 {r['run']} 的运行")
            if said:
                notes.append(("；".join(said), scale))
            cells += [
                "n/a" if r["seconds"] is None else f"{r['seconds']:.3f}",
                "" if r["peak_mib"] is None else f"{r['peak_mib']:.0f}",
                "" if ratio is None else f"{ratio:.2f}×",
                verdict,
            ]
        grow = ""
        b, c = mine.get("bureau"), mine.get("city")
        if b and c and b["seconds"] and c["seconds"]:
            if b.get("rows") != c.get("rows"):
                grow = "—"
                notes.append(("行数不同，city ÷ bureau 不相除", ""))
            else:
                grow = f"{c['seconds'] / b['seconds']:.1f}×"
        texts = [t for t, _ in notes]
        if len(set(texts)) == 1 and len(notes) == len(data):
            note = texts[0]  # the same at every scale
        else:
            note = "；".join(f"{s}: {t}" if s else t for t, s in notes)
        note = note.replace("|", "\\|")
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {grow} | {target} | {note} |")
    lines += [
        "",
        "The city holds 50× the visits and problems of the bureau and 33× the cadres; a report whose",
        "city ÷ bureau is well under that grows no faster than the data.",
        "",
    ]
    gains = HERE / "gains.md"
    if gains.exists():
        lines += [gains.read_text(encoding="utf-8").rstrip(), ""]
    (HERE / "RESULTS.md").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    write()
