"""Write ``bench/RESULTS.md`` from ``bench/results-<scale>.json`` (bureau and city side by side).

The section "What each change gained" is kept by hand in ``bench/gains.md`` and copied in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SCALES = ("bureau", "city")


def judge(row: dict[str, Any], by_key: dict[str, dict[str, Any]]) -> tuple[float | None, str]:
    """(ratio to the limit, verdict): PASS/FAIL against every target the figure has."""
    limit = by_key.get(row.get("limit") or "")
    ratio = None
    if row["seconds"] is not None and limit and limit.get("seconds"):
        # "1.3× import sqlmodel plus its query": the query's own time is taken off first
        ratio = (row["seconds"] - (row.get("plus_seconds") or 0.0)) / limit["seconds"]
    checks = []
    if row.get("target") is not None and ratio is not None:
        checks.append(ratio <= row["target"])
    if row.get("seconds_max") is not None and row["seconds"] is not None:
        checks.append(row["seconds"] < row["seconds_max"])
    if row.get("mib_max") is not None and row["peak_mib"] is not None:
        checks.append(row["peak_mib"] < row["mib_max"])
    if not checks:
        return ratio, ""
    return ratio, "PASS" if all(checks) else "FAIL"


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


def write() -> None:
    data = {}
    for scale in SCALES:
        path = HERE / f"results-{scale}.json"
        if path.exists():
            data[scale] = json.loads(path.read_text(encoding="utf-8"))
    lines = ["# sanlian benchmark results", ""]
    lines += [
        "Written by `python bench/run.py --scale bureau|city` (whole processes, median of the runs;",
        "peak = the child's maximum resident set from `/usr/bin/time`). Ratios are to the limit",
        "named in the row. A scale's rows may come from several partial runs (`--only start,lookup`,",
        "`import`, `reports`; the line below gives the last run's date and load), but a figure and",
        "its limit are always measured in the same run. The one-shot `cadre list`, `cadre show`",
        "and `visit add` are held to 1.3× `import sqlmodel` plus their query: the query's own time",
        "is what the same command takes inside `sanlian shell` (start-up paid once), and it is taken",
        "off before the ratio. The reports' targets (2× the hand-written SQL, under 2 s) are the",
        "city database's; at bureau scale their ratio is shown without a verdict (start-up, about",
        "0.3 s, outweighs 0.1 s of SQL there). Do not edit: rerun.",
        "",
    ]
    for scale, d in data.items():
        gen = d.get("generation_seconds")
        gen_text = f"{gen:.0f} s" if gen is not None else "?"
        lines.append(
            f"- **{scale}**: {d['date']}; {d['machine']}; database {d['database_mib']} MiB, "
            f"generated in {gen_text}; shell: {'yes' if d['shell'] else 'no'}; "
            f"load average (1/5/15 min) at start → end: {d.get('load', '?')}."
        )
    lines += [
        "",
        "Scales: bureau = 9 sections, 150 cadres, 30 communities, 60 enterprises, "
        "3,000 households, 20,000 visits, 4,000 problems; city = 50 sections, 5,000 cadres, "
        "500 communities, 2,000 enterprises, 100,000 households, 1,000,000 visits, "
        "200,000 problems (one year). Imports: 100,000 household rows at both scales.",
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
        label = ""
        target = ""
        note = ""
        for scale, d in data.items():
            r = rows[key].get(scale)
            if r is None:
                cells += ["", "", "", ""]
                continue
            label, target = r["label"], target_text(r)
            note = r["note"] or note
            by_key = {x["key"]: x for x in d["figures"]}
            ratio, verdict = judge(r, by_key)
            cells += [
                "n/a" if r["seconds"] is None else f"{r['seconds']:.3f}",
                "" if r["peak_mib"] is None else f"{r['peak_mib']:.0f}",
                "" if ratio is None else f"{ratio:.2f}×",
                verdict,
            ]
        grow = ""
        b, c = rows[key].get("bureau"), rows[key].get("city")
        if b and c and b["seconds"] and c["seconds"]:
            grow = f"{c['seconds'] / b['seconds']:.1f}×"
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
