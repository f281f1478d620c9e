"""The limit: the figures of ``selfcheck``/``progress`` and the alert counts of ``supervise``,
in hand-written SQL.

Run as a whole process through the standard library's ``sqlite3`` only (no SQLAlchemy), the way
someone who knows the schema would write them: a few GROUP BY queries per figure group, run once
for the bureau and once per section.

    python bench/handsql.py selfcheck|workbook|progress|supervise|status DB AS_OF

prints JSON:

- ``selfcheck``: the figures, ``{"figures": {...}, "by_section": {...}}``, the bureau's and
  those of each section ``selfcheck`` lists (not retired before the year began),
  ``eight_ones_done`` derived from them by the rule of ``figures._eight_ones``;
- ``workbook``: the same figures, and every row of the workbook's three long sheets (按干部,
  问题台账, 走访台账: the cadres on the roster or who left during the year, with their counts,
  the problem ledger as of the day with each one's target, owner, resolution and measures, the visit ledger with each
  visit's target and cadres) read whole through the cursor; ``"rows"`` says how many of each.
  What ``selfcheck -o 自查报告.xlsx`` must read before it writes a cell;
- ``progress``: the same, each slot with ``raised_resolved`` and ``conflicts_raised_resolved``
  (of the problems and conflicts raised in the year, those resolved by the as-of day), and
  ``checklist``: each phase's items and whether each is done (run untimed by ``run.py``, to
  check ``progress -f json``);
- ``supervise``: the number of alerts of each kind ``supervise`` raises, every kind counted —
  the office's items (org life before 1 July, the unfinished checklist items of ended phases,
  the eight ones not done) decided on the bureau's figures computed here. Only the counts per
  kind, not the alerts' texts, sections or order;
- ``status`` (untimed by ``run.py``): how many problems have stored columns (status,
  resolved_on, closed_on, due_on, last_step_on) that disagree with their steps.

The shortcut it shares with the program: a problem with no step after the as-of day is taken as
its ``problem`` row stands (status, dates, due date); only problems with a later step are
rebuilt from ``problem_step`` up to the as-of day. The services keep those columns in step with
the timeline; ``status`` checks that they do on the database measured.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import sys
from typing import Any

MEASURES = ("policy", "information", "funds", "technology", "talent", "health", "culture", "law")

# The problems as they stood at the end of :a (the as-of day). The services refuse a step
# dated before a problem's latest step, so a problem whose latest step is on or before :a
# stood then as it stands now; only the others are rebuilt from their steps up to :a.
PROBLEM_AS_OF = """
WITH later AS (SELECT id FROM problem WHERE last_step_on > :a),
st AS (
  SELECT problem_id, kind, step_on,
         ROW_NUMBER() OVER (PARTITION BY problem_id ORDER BY step_on DESC, id DESC) AS rn
  FROM problem_step
  WHERE problem_id IN later AND step_on <= :a
    AND kind IN ('raise', 'progress', 'reopen', 'resolve', 'close')
    AND (kind <> 'progress' OR owner_id IS NULL)  -- a handover leaves the status
), du AS (
  SELECT problem_id, due_on,
         ROW_NUMBER() OVER (PARTITION BY problem_id ORDER BY step_on DESC, id DESC) AS rn
  FROM problem_step
  WHERE problem_id IN later AND step_on <= :a AND kind IN ('raise', 'extend')
), ls AS (
  SELECT problem_id, MAX(step_on) AS last_on FROM problem_step
  WHERE problem_id IN later AND step_on <= :a GROUP BY problem_id
), pa AS (
  SELECT id, owner_id, raised_on, is_conflict, text, community_id, enterprise_id,
         household_id, status, resolved_on, closed_on, due_on, last_step_on
  FROM problem WHERE last_step_on <= :a
  UNION ALL
  SELECT p.id, p.owner_id, p.raised_on, p.is_conflict, p.text,
         p.community_id, p.enterprise_id, p.household_id,
         CASE st.kind WHEN 'raise' THEN 'pending' WHEN 'progress' THEN 'in_progress'
              WHEN 'reopen' THEN 'in_progress' WHEN 'resolve' THEN 'resolved'
              WHEN 'close' THEN 'unresolvable' ELSE p.status END AS status,
         CASE WHEN st.kind = 'resolve' THEN st.step_on END AS resolved_on,
         CASE WHEN st.kind = 'close' THEN st.step_on END AS closed_on,
         COALESCE(du.due_on, p.due_on) AS due_on,
         COALESCE(ls.last_on, p.raised_on) AS last_step_on
  FROM problem p
  LEFT JOIN st ON st.problem_id = p.id AND st.rn = 1
  LEFT JOIN du ON du.problem_id = p.id AND du.rn = 1
  LEFT JOIN ls ON ls.problem_id = p.id
  WHERE p.last_step_on > :a
)
"""
OPEN = """(pa.raised_on <= :a AND (pa.status IN ('pending', 'in_progress')
  OR (pa.status = 'resolved' AND pa.resolved_on > :a)
  OR (pa.status = 'unresolvable' AND pa.closed_on > :a)))"""
ROSTER = "(c.retired_on IS NULL OR c.retired_on > :a)"
ACTIVE = "(l.start_on <= :e AND (l.end_on IS NULL OR l.end_on >= :s))"

# each query: its SQL with {g} the section column ('NULL' for the bureau's total)
QUERIES = {
    "cadres": f"""{PROBLEM_AS_OF}
SELECT {{g}}, COUNT(*) AS cadres_total,
  SUM(c.party IN ('member', 'probationary')) AS party_members,
  SUM(EXISTS (SELECT 1 FROM link l WHERE l.cadre_id = c.id AND {ACTIVE})
   OR EXISTS (SELECT 1 FROM visit_cadre vc JOIN visit v ON v.id = vc.visit_id
              WHERE vc.cadre_id = c.id AND v.visited_on BETWEEN :s AND :e)
   OR EXISTS (SELECT 1 FROM activity_cadre ac JOIN activity a ON a.id = ac.activity_id
              WHERE ac.cadre_id = c.id AND a.held_on BETWEEN :s AND :e)
   OR EXISTS (SELECT 1 FROM research r WHERE r.cadre_id = c.id
              AND r.written_on BETWEEN :s AND :e)
   OR c.id IN (SELECT owner_id FROM pa WHERE raised_on BETWEEN :s AND :e
               OR resolved_on BETWEEN :s AND :e)) AS cadres_participating,
  SUM(EXISTS (SELECT 1 FROM research r WHERE r.cadre_id = c.id
              AND r.written_on BETWEEN :s AND :e)) AS cadres_with_research
FROM cadre c WHERE {ROSTER} GROUP BY 1""",
    "links": f"""
SELECT {{g}},
  COUNT(DISTINCT CASE WHEN l.kind = 'community' THEN l.community_id END) AS communities_linked,
  COUNT(DISTINCT CASE WHEN l.kind = 'enterprise' THEN l.enterprise_id END) AS enterprises_linked,
  COUNT(DISTINCT CASE WHEN l.kind = 'household' THEN l.household_id END) AS households_paired
FROM link l LEFT JOIN cadre c ON c.id = l.cadre_id WHERE {ACTIVE} GROUP BY 1""",
    "visits": """
SELECT x.g, COUNT(*) AS visits, SUM(v.target_kind = 'community') AS visits_community,
  SUM(v.target_kind = 'enterprise') AS visits_enterprise,
  SUM(v.target_kind = 'household') AS visits_household, SUM(v.cards) AS contact_cards,
  SUM(v.diary IS NOT NULL AND TRIM(v.diary) != '') AS diaries, SUM(x.n) AS visit_person_times
FROM (SELECT vc.visit_id AS vid, {g} AS g, COUNT(*) AS n
      FROM visit_cadre vc JOIN cadre c ON c.id = vc.cadre_id GROUP BY 1, 2) x
JOIN visit v NOT INDEXED ON v.id = x.vid
WHERE v.visited_on BETWEEN :s AND :e GROUP BY 1""",
    "visits_total": """
SELECT NULL, COUNT(*) AS visits, SUM(target_kind = 'community') AS visits_community,
  SUM(target_kind = 'enterprise') AS visits_enterprise,
  SUM(target_kind = 'household') AS visits_household, SUM(cards) AS contact_cards,
  SUM(diary IS NOT NULL AND TRIM(diary) != '') AS diaries
FROM visit v NOT INDEXED WHERE v.visited_on BETWEEN :s AND :e""",
    "person_times_total": """
SELECT NULL, COUNT(*) AS visit_person_times
FROM visit_cadre vc JOIN visit v NOT INDEXED ON v.id = vc.visit_id
WHERE v.visited_on BETWEEN :s AND :e""",
    "problems": f"""{PROBLEM_AS_OF}
SELECT {{g}},
  SUM(pa.raised_on BETWEEN :s AND :e) AS problems_raised,
  SUM(pa.status = 'resolved' AND pa.resolved_on BETWEEN :s AND :e) AS problems_resolved,
  SUM(pa.status = 'unresolvable' AND pa.closed_on BETWEEN :s AND :e) AS problems_unresolvable,
  SUM(pa.raised_on <= :e AND {OPEN}) AS problems_open,
  SUM(pa.raised_on <= :e AND {OPEN} AND pa.due_on < :a) AS problems_overdue,
  SUM(pa.raised_on BETWEEN :s AND :e AND pa.is_conflict) AS conflicts_raised,
  SUM(pa.status = 'resolved' AND pa.resolved_on BETWEEN :s AND :e AND pa.is_conflict)
    AS conflicts_resolved
FROM pa LEFT JOIN cadre c ON c.id = pa.owner_id GROUP BY 1""",
    "research": """
SELECT {g}, COUNT(*) AS research_reports FROM research r JOIN cadre c ON c.id = r.cadre_id
WHERE r.written_on BETWEEN :s AND :e GROUP BY 1""",
    "activities": """
SELECT g, SUM(kind = 'education') AS education_sessions, SUM(kind = 'org_life') AS org_life_sessions,
  SUM(kind = 'org_life' AND held_on < :july) AS org_life_before_july,
  SUM(kind = 'civility') AS civility_actions, SUM(kind = 'exchange') AS exchanges,
  SUM(kind = 'mechanism') AS mechanisms
FROM (SELECT {g} AS g, a.id, a.kind, a.held_on FROM activity a
      JOIN (SELECT ac.activity_id AS aid, c.section_id AS sid FROM activity_cadre ac
            JOIN cadre c ON c.id = ac.cadre_id
            UNION SELECT id, section_id FROM activity WHERE section_id IS NOT NULL) x
        ON x.aid = a.id
      LEFT JOIN (SELECT NULL) ON 1 WHERE a.held_on BETWEEN :s AND :e
      GROUP BY 1, a.id) GROUP BY 1""",
    "activities_total": """
SELECT NULL, SUM(kind = 'education') AS education_sessions,
  SUM(kind = 'org_life') AS org_life_sessions,
  SUM(kind = 'org_life' AND held_on < :july) AS org_life_before_july,
  SUM(kind = 'civility') AS civility_actions, SUM(kind = 'exchange') AS exchanges,
  SUM(kind = 'mechanism') AS mechanisms
FROM activity WHERE held_on BETWEEN :s AND :e""",
    "activity_people": """
SELECT {g}, COUNT(*) AS activity_person_times
FROM activity_cadre ac JOIN activity a ON a.id = ac.activity_id JOIN cadre c ON c.id = ac.cadre_id
WHERE a.held_on BETWEEN :s AND :e GROUP BY 1""",
    "money": """
SELECT {g}, SUM(ps.amount_fen) AS funds_fen
FROM problem_step ps JOIN problem p ON p.id = ps.problem_id LEFT JOIN cadre c ON c.id = p.owner_id
WHERE ps.kind = 'resolve' AND ps.step_on BETWEEN :s AND :e AND p.status = 'resolved'
GROUP BY 1""",
    "measures": """
SELECT {g}, sm.measure, COUNT(DISTINCT ps.id)
FROM step_measure sm JOIN problem_step ps ON ps.id = sm.step_id JOIN problem p ON p.id = ps.problem_id
LEFT JOIN cadre c ON c.id = p.owner_id
WHERE ps.kind = 'resolve' AND ps.step_on BETWEEN :s AND :e AND p.status = 'resolved'
GROUP BY 1, 2""",
}


def _params(as_of: dt.date) -> dict[str, str]:
    year = as_of.year
    end = min(dt.date(year, 12, 31), as_of)
    return {
        "s": f"{year}-01-01",
        "e": end.isoformat(),
        "a": as_of.isoformat(),
        "july": f"{year}-07-01",
    }


def figures(conn: sqlite3.Connection, as_of: dt.date) -> dict[str, Any]:
    """The self-inspection figures, for the bureau and per section (by section id)."""
    params = _params(as_of)
    out: dict[Any, dict[str, Any]] = {}
    total_of = {
        "visits": ("visits_total", "person_times_total"),
        "activities": ("activities_total",),
    }
    for grouped in (False, True):
        names = [n for n in QUERIES if not n.endswith("_total")]
        if not grouped:
            names = [t for n in names for t in total_of.get(n, (n,))]
        for name in names:
            sql = QUERIES[name]
            g = ("x.sid" if name == "activities" else "c.section_id") if grouped else "NULL"
            if name == "links" and grouped:
                g = "COALESCE(l.section_id, c.section_id)"
            cur = conn.execute(sql.format(g=g), params)
            cols = [d[0] for d in cur.description]
            for row in cur:
                key = row[0] if grouped else "total"
                if grouped and key is None:
                    continue
                slot = out.setdefault(key, {})
                if name == "measures":
                    slot.setdefault("measures", dict.fromkeys(MEASURES, 0))[row[1]] = row[2]
                    continue
                slot.update({c: int(v or 0) for c, v in zip(cols[1:], row[1:], strict=True)})
    total = out.pop("total")
    # the sections ``selfcheck`` lists: those not retired before the period began, each with
    # every figure (0 where no row counted it)
    listed = conn.execute(
        "SELECT id FROM section WHERE retired_on IS NULL OR retired_on >= :s ORDER BY id", params
    )
    by_section = {sid: {k: 0 for k in total} | out.get(sid, {}) for (sid,) in listed}
    for slot in (total, *by_section.values()):
        fen = slot.pop("funds_fen", 0)
        slot["funds_yuan"] = f"{fen // 100}.{fen % 100:02d}"
        if not slot.get("measures"):
            slot["measures"] = dict.fromkeys(MEASURES, 0)
        slot["eight_ones_done"] = sum(eight_ones(slot).values())
    return {"figures": total, "by_section": {str(k): v for k, v in by_section.items()}}


# The eight ones (DOMAIN.md) and the figure that shows each done (``figures._eight_ones``).
EIGHT_ONES = (
    "education",
    "org_life",
    "interview",
    "research",
    "civility",
    "practical",
    "conflict",
    "mechanism",
)


def eight_ones(f: dict[str, Any]) -> dict[str, bool]:
    """Which of the eight ones figures ``f`` show done: #4 when every cadre on the roster wrote a
    research report, the others when their figure is above 0."""
    return {
        "education": f["education_sessions"] > 0,
        "org_life": f["org_life_before_july"] > 0,
        "interview": f["visits"] > 0,
        "research": f["cadres_total"] > 0 and f["cadres_with_research"] >= f["cadres_total"],
        "civility": f["civility_actions"] > 0,
        "practical": f["problems_resolved"] > 0,
        "conflict": f["conflicts_resolved"] > 0,
        "mechanism": f["mechanisms"] > 0,
    }


SUPERVISE = {
    "problems": f"""{PROBLEM_AS_OF}
SELECT pa.id, pa.due_on,
       -- the last day it moved: an extension or a handover is no progress
       COALESCE((SELECT MAX(mv.step_on) FROM problem_step mv
                 WHERE mv.problem_id = pa.id AND mv.step_on <= :a AND mv.kind <> 'extend'
                   AND (mv.kind <> 'progress' OR mv.owner_id IS NULL)), pa.raised_on),
       c.name, s.id, s.name, COALESCE(co.name, e.name, h.name), pa.text, c.retired_on
FROM pa LEFT JOIN cadre c ON c.id = pa.owner_id LEFT JOIN section s ON s.id = c.section_id
LEFT JOIN community co ON co.id = pa.community_id
LEFT JOIN enterprise e ON e.id = pa.enterprise_id
LEFT JOIN household h ON h.id = pa.household_id
WHERE {OPEN} ORDER BY pa.id""",
    "cadres": f"""
WITH hh AS (SELECT cadre_id, COUNT(DISTINCT household_id) AS n FROM link
            WHERE kind = 'household' AND start_on <= :a AND (end_on IS NULL OR end_on >= :a)
            GROUP BY cadre_id),
     en AS (SELECT cadre_id, COUNT(DISTINCT enterprise_id) AS n FROM link
            WHERE kind = 'enterprise' AND start_on <= :a AND (end_on IS NULL OR end_on >= :a)
            GROUP BY cadre_id),
     lv AS (SELECT vc.cadre_id, MAX(v.visited_on) AS last FROM visit_cadre vc
            JOIN visit v ON v.id = vc.visit_id WHERE v.visited_on BETWEEN :s AND :e
            GROUP BY vc.cadre_id),
     rs AS (SELECT cadre_id, COUNT(*) AS n FROM research WHERE written_on BETWEEN :s AND :e
            GROUP BY cadre_id)
SELECT c.id, c.is_leader, COALESCE(hh.n, 0), COALESCE(en.n, 0), lv.last, COALESCE(rs.n, 0)
FROM cadre c LEFT JOIN hh ON hh.cadre_id = c.id LEFT JOIN en ON en.cadre_id = c.id
LEFT JOIN lv ON lv.cadre_id = c.id LEFT JOIN rs ON rs.cadre_id = c.id
WHERE {ROSTER} ORDER BY c.section_id, c.id""",
    "households": """
SELECT COUNT(DISTINCT h.id) FROM link l JOIN household h ON h.id = l.household_id
JOIN cadre c ON c.id = l.cadre_id
WHERE l.kind = 'household' AND l.start_on <= :paired AND (l.end_on IS NULL OR l.end_on >= :a)
  AND (h.retired_on IS NULL OR h.retired_on > :a)
  AND NOT EXISTS (SELECT 1 FROM visit v WHERE v.household_id = h.id
                  AND v.visited_on BETWEEN :s AND :a AND v.visited_on >= l.start_on)""",
    # households paired this year with no pair on the as-of day (their links all ended)
    "unpaired": """
SELECT COUNT(DISTINCT h.id) FROM link l JOIN household h ON h.id = l.household_id
WHERE l.kind = 'household' AND l.end_on BETWEEN :s AND :a AND l.end_on < :a
  AND (h.retired_on IS NULL OR h.retired_on > :a)
  AND NOT EXISTS (SELECT 1 FROM link o WHERE +o.kind = 'household' AND o.household_id = h.id
                  AND o.start_on <= :a AND (o.end_on IS NULL OR o.end_on >= :a))""",
    # enterprises (communities) linked for a cadence and not visited this year, each once
    "parties": """
SELECT COUNT(DISTINCT CASE WHEN l.kind = 'enterprise' THEN l.enterprise_id END),
       COUNT(DISTINCT CASE WHEN l.kind = 'community' THEN l.community_id END)
FROM link l LEFT JOIN enterprise e ON e.id = l.enterprise_id
LEFT JOIN community co ON co.id = l.community_id
WHERE l.kind IN ('enterprise', 'community') AND l.start_on <= :paired
  AND (l.end_on IS NULL OR l.end_on >= :a)
  AND (l.kind <> 'enterprise' OR e.retired_on IS NULL OR e.retired_on > :a)
  AND (l.kind <> 'community' OR co.retired_on IS NULL OR co.retired_on > :a)
  AND NOT EXISTS (SELECT 1 FROM visit v WHERE v.visited_on BETWEEN :s AND :a
                  AND (v.enterprise_id = l.enterprise_id OR v.community_id = l.community_id))""",
    # sections of cadres on the roster linking no community on the day, when the bureau
    # links none either (their cadres can pair with nobody)
    "sections": f"""
SELECT COUNT(DISTINCT c.section_id) FROM cadre c JOIN section s ON s.id = c.section_id
WHERE {ROSTER}
  AND NOT EXISTS (SELECT 1 FROM link l WHERE l.kind = 'community' AND l.section_id IS NULL
                  AND l.start_on <= :a AND (l.end_on IS NULL OR l.end_on >= :a))
  AND NOT EXISTS (SELECT 1 FROM link l WHERE l.kind = 'community'
                  AND l.section_id = c.section_id
                  AND l.start_on <= :a AND (l.end_on IS NULL OR l.end_on >= :a))""",
}


# The rows of the workbook's three long sheets (``selfcheck -o 自查报告.xlsx``): 按干部, 问题台账,
# 走访台账, read whole through the cursor and not written anywhere. The visit ledger gives the
# numbers of its cadres and of the party visited, not their names: the names are not looked up
# at all (doing so, in SQL or in a dict, costs ≈ 30 % more on that ledger), so this limit is
# stricter on ``sanlian``, which must show them. 按干部 holds the cadres on the roster on the
# as-of day and those who left during the year (their records are in the year's totals).
LEDGER_CADRES = f"""{PROBLEM_AS_OF}
SELECT c.id, c.name, s.name, c.party, c.is_leader, c.role,
  (SELECT COUNT(DISTINCT l.household_id) FROM link l WHERE l.cadre_id = c.id
     AND l.kind = 'household' AND l.start_on <= :a AND (l.end_on IS NULL OR l.end_on >= :a)),
  (SELECT COUNT(DISTINCT l.enterprise_id) FROM link l WHERE l.cadre_id = c.id
     AND l.kind = 'enterprise' AND l.start_on <= :a AND (l.end_on IS NULL OR l.end_on >= :a)),
  (SELECT COUNT(DISTINCT l.household_id) FROM link l WHERE l.cadre_id = c.id
     AND l.kind = 'household' AND {ACTIVE}),
  (SELECT COUNT(DISTINCT l.enterprise_id) FROM link l WHERE l.cadre_id = c.id
     AND l.kind = 'enterprise' AND {ACTIVE}),
  COALESCE(vs.n, 0), vs.last,
  (SELECT COUNT(*) FROM research r WHERE r.cadre_id = c.id
     AND r.written_on BETWEEN :s AND :e),
  (SELECT COUNT(*) FROM activity_cadre ac JOIN activity a ON a.id = ac.activity_id
     WHERE ac.cadre_id = c.id AND a.held_on BETWEEN :s AND :e),
  COALESCE(ow.n, 0), COALESCE(ow.resolved, 0)
FROM cadre c JOIN section s ON s.id = c.section_id
LEFT JOIN (SELECT vc.cadre_id + 0 AS cid, COUNT(*) AS n, MAX(v.visited_on) AS last
           FROM visit_cadre vc JOIN visit v ON v.id = vc.visit_id
           WHERE +v.visited_on BETWEEN :s AND :e GROUP BY 1) vs ON vs.cid = c.id
LEFT JOIN (SELECT owner_id AS cid, COUNT(*) AS n,
                  SUM(status = 'resolved' AND resolved_on <= :a) AS resolved
           FROM pa WHERE raised_on BETWEEN :s AND :e GROUP BY 1) ow ON ow.cid = c.id
WHERE {ROSTER} OR c.retired_on > :s ORDER BY c.section_id, c.id"""
# {source}: ``pa`` after PROBLEM_AS_OF, or the problem table itself when no problem has a step
# after the as-of day (the shortcut described at the top)
LEDGER_PROBLEMS = """{prefix}{with_} rs AS (
  SELECT problem_id AS pid, SUM(amount_fen) AS fen, MAX(id) AS last FROM problem_step
  WHERE kind = 'resolve' AND step_on <= :a GROUP BY problem_id
), ms AS (
  SELECT ps.problem_id AS pid, group_concat(sm.measure) AS measures
  FROM step_measure sm JOIN problem_step ps ON ps.id = sm.step_id
  WHERE ps.kind = 'resolve' AND ps.step_on <= :a GROUP BY ps.problem_id
)
SELECT pa.id, pa.raised_on, p.target_kind, COALESCE(co.name, e.name, h.name), p.category,
  pa.text, pa.is_conflict, c.name, s.name, pa.status, pa.due_on, pa.resolved_on, pa.closed_on,
  pa.last_step_on, lr.note, COALESCE(rs.fen, 0), ms.measures
FROM {source} JOIN problem p ON p.id = pa.id
LEFT JOIN cadre c ON c.id = pa.owner_id LEFT JOIN section s ON s.id = c.section_id
LEFT JOIN community co ON co.id = pa.community_id
LEFT JOIN enterprise e ON e.id = pa.enterprise_id
LEFT JOIN household h ON h.id = pa.household_id
LEFT JOIN rs ON rs.pid = pa.id AND pa.status = 'resolved'
LEFT JOIN problem_step lr ON lr.id = rs.last
LEFT JOIN ms ON ms.pid = pa.id AND pa.status = 'resolved'
WHERE +pa.raised_on <= :e AND (pa.raised_on BETWEEN :s AND :e
  OR (pa.status = 'resolved' AND pa.resolved_on BETWEEN :s AND :e)
  OR (pa.status = 'unresolvable' AND pa.closed_on BETWEEN :s AND :e) OR {open_})
ORDER BY pa.raised_on, pa.id"""
LEDGER_VISITS = """
SELECT v.id, v.visited_on, v.target_kind, v.community_id, v.enterprise_id, v.household_id,
  v.form, (SELECT group_concat(vc.cadre_id) FROM visit_cadre vc WHERE vc.visit_id = v.id),
  v.cards, v.diary, v.note
FROM visit v NOT INDEXED
WHERE v.visited_on BETWEEN :s AND :e ORDER BY v.visited_on, v.id"""


def workbook(conn: sqlite3.Connection, as_of: dt.date) -> dict[str, Any]:
    """What ``selfcheck -o 自查报告.xlsx`` must read: the figures (``figures``) and every row of
    its three long sheets, fetched whole (``"rows"``: how many of each)."""
    out = figures(conn, as_of)
    params = _params(as_of)
    later = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM problem WHERE last_step_on > :a)", params
    ).fetchone()[0]
    problems = LEDGER_PROBLEMS.format(
        prefix=PROBLEM_AS_OF if later else "",
        with_="," if later else "WITH",
        source="pa" if later else "problem pa",
        open_=OPEN,
    )
    rows = {}
    for name, sql in (("cadres", LEDGER_CADRES), ("problems", problems), ("visits", LEDGER_VISITS)):
        count = 0
        for _row in conn.execute(sql, params):
            count += 1
        rows[name] = count
    out["rows"] = rows
    return out


def supervise(conn: sqlite3.Connection, as_of: dt.date) -> dict[str, int]:
    """How many alerts of each kind ``supervise`` raises on ``as_of``, every kind counted:
    the problems' cards, stale ones and those with no owner, the cadres', households', enterprises' and
    communities' alerts, and the office's
    items (org life before 1 July, the unfinished checklist items of ended phases, the eight
    ones not done), these decided on the bureau's figures as ``figures`` counts them."""
    params = _params(as_of)
    camp = conn.execute(
        "SELECT id, red_days, yellow_days, stale_days, visit_cadence_days, research_warn_days "
        "FROM campaign WHERE year = ?",
        (as_of.year,),
    ).fetchone()
    _cid, red_days, yellow_days, stale_days, cadence, research_warn = camp
    phases = {
        key: (dt.date.fromisoformat(a), dt.date.fromisoformat(b))
        for key, a, b in conn.execute(
            "SELECT key, start_on, end_on FROM phase WHERE campaign_id = ? ORDER BY seq", (camp[0],)
        )
    }
    start = min(a for a, _ in phases.values())
    end = max(b for _, b in phases.values())
    implement = phases["implement"][0] if "implement" in phases else start
    summarise = phases["summarise"][0] if "summarise" in phases else end
    counts: dict[str, int] = {}

    def add(kind: str) -> None:
        counts[kind] = counts.get(kind, 0) + 1

    for _id, due, last, owner, *_rest, retired in conn.execute(SUPERVISE["problems"], params):
        late = (as_of - dt.date.fromisoformat(due)).days
        quiet = max((as_of - dt.date.fromisoformat(last)).days, 0)
        if late > red_days or late > yellow_days:
            add("red_card" if late > red_days else "yellow_card")
        elif quiet >= stale_days:
            add("stale")
        elif owner is None or (retired is not None and retired <= params["a"]):
            add("problem_no_owner")  # nobody, or one who has left: the office names another
    in_campaign = start <= as_of <= end
    started = in_campaign and as_of >= implement
    cadence_due = in_campaign and (as_of - implement).days >= cadence
    research_from = summarise - dt.timedelta(days=research_warn)
    for _id, leader, households, enterprises, last, research in conn.execute(
        SUPERVISE["cadres"], params
    ):
        if started and leader and enterprises == 0:
            add("leader_no_enterprise")
        if started and households == 0:
            add("no_household")
        if cadence_due and (last is None or (as_of - dt.date.fromisoformat(last)).days >= cadence):
            add("no_visit")
        if as_of >= research_from and research == 0:
            add("research_due" if as_of >= summarise else "research_warn")
    if started:
        (n,) = conn.execute(SUPERVISE["sections"], params).fetchone()
        if n:
            counts["section_no_community"] = n
    if in_campaign:
        (n,) = conn.execute(SUPERVISE["unpaired"], params).fetchone()
        if n:
            counts["household_unpaired"] = n
    paired_on = as_of - dt.timedelta(days=cadence)
    if in_campaign and paired_on >= max(start, dt.date(as_of.year, 1, 1)):  # a cadence in it
        paired = {**params, "paired": paired_on.isoformat()}
        (n,) = conn.execute(SUPERVISE["households"], paired).fetchone()
        if n:
            counts["household_unvisited"] = n
        enterprises, communities = conn.execute(SUPERVISE["parties"], paired).fetchone()
        if enterprises:
            counts["enterprise_unvisited"] = enterprises
        if communities:
            counts["community_unvisited"] = communities
    # the office's items
    f = figures(conn, as_of)["figures"]
    done = eight_ones(f)
    covered = set()
    if f["org_life_before_july"] == 0:  # the campaign's year is the as-of day's
        if as_of >= dt.date(as_of.year, 7, 1):
            add("org_life_missed")
            covered.add("org_life")
        elif as_of.month == 6:
            add("org_life_soon")
            covered.add("org_life")
    if "summarise" in phases and as_of >= phases["summarise"][0] - dt.timedelta(days=research_warn):
        covered.add("research")  # each cadre without a report is named instead
    others = other_items(conn, params)
    for key, (a, b) in phases.items():
        # an ended phase's items undone are urged; in its last week (7 days) reminded of
        if as_of > b:
            kind: str | None = "phase_item"
        elif a <= as_of and (b - as_of).days < 7:
            kind = "phase_item_soon"
        else:
            kind = None
        if kind is not None:
            for _item in (i for i, ok in others.get(key, {}).items() if not ok):
                add(kind)
    if "implement" in phases and as_of >= phases["implement"][0]:
        for key in EIGHT_ONES:
            if not done[key] and key not in covered:
                add("eight_one")
    return counts


def other_items(conn: sqlite3.Connection, params: dict[str, str]) -> dict[str, dict[str, bool]]:
    """Each phase's checklist items other than the eight ones, and whether each is done (the
    self-inspection report when it is on record as a ``selfcheck`` activity)."""
    kinds = {
        k
        for (k,) in conn.execute(
            "SELECT DISTINCT kind FROM activity WHERE held_on BETWEEN :s AND :e", params
        )
    }
    head = conn.execute(
        "SELECT 1 FROM cadre c JOIN section s ON s.id = c.section_id "
        f"WHERE c.role = 'head' AND {ROSTER} LIMIT 1",
        params,
    ).fetchone()
    return {
        "mobilise": {
            "plan": "plan" in kinds,
            "organize": "organize" in kinds and head is not None,
            "mobilize": "mobilize" in kinds,
        },
        "implement": {"exchange": "exchange" in kinds},
        "summarise": {"summary": "summary" in kinds, "selfcheck": "selfcheck" in kinds},
    }


# ``progress``'s two ratios: of the problems (conflicts) raised in the period, those resolved
# by the as-of day
RAISED_RESOLVED = f"""{PROBLEM_AS_OF}
SELECT {{g}},
  SUM(pa.raised_on BETWEEN :s AND :e AND pa.status = 'resolved' AND pa.resolved_on <= :a)
    AS raised_resolved,
  SUM(pa.raised_on BETWEEN :s AND :e AND pa.status = 'resolved' AND pa.resolved_on <= :a
      AND pa.is_conflict) AS conflicts_raised_resolved
FROM pa LEFT JOIN cadre c ON c.id = pa.owner_id GROUP BY 1"""


def progress(conn: sqlite3.Connection, as_of: dt.date) -> dict[str, Any]:
    """What ``progress`` shows that SQL can count: the figures (as ``figures``) with the two
    ratios' numerators (``raised_resolved``, ``conflicts_raised_resolved``), and ``checklist``:
    each phase's items (the eight ones included) and whether each is done."""
    params = _params(as_of)
    out = figures(conn, as_of)
    for grouped in (False, True):
        sql = RAISED_RESOLVED.format(g="c.section_id" if grouped else "NULL")
        for sid, raised, conflicts in conn.execute(sql, params):
            if not grouped:
                slot = out["figures"]
            elif str(sid) in out["by_section"]:
                slot = out["by_section"][str(sid)]
            else:
                continue
            slot["raised_resolved"] = int(raised or 0)
            slot["conflicts_raised_resolved"] = int(conflicts or 0)
    for slot in (out["figures"], *out["by_section"].values()):
        slot.setdefault("raised_resolved", 0)
        slot.setdefault("conflicts_raised_resolved", 0)
    done = eight_ones(out["figures"])
    items = other_items(conn, params)
    out["checklist"] = {
        "mobilise": items["mobilise"],
        "implement": {**done, **items["implement"]},
        "summarise": items["summarise"],
    }
    return out


# UNTIMED check (``status``): every problem's stored state rebuilt from ``problem_step`` alone.
# The queries above trust ``problem.status``/``resolved_on``/``closed_on``/``due_on``/
# ``last_step_on`` for a problem with no step after the as-of day, as the program does (its
# services keep those columns in step with the timeline); this check says whether that holds.
STATUS_CHECK = """
WITH st AS (
  SELECT problem_id, kind, step_on,
         ROW_NUMBER() OVER (PARTITION BY problem_id ORDER BY step_on DESC, id DESC) AS rn
  FROM problem_step WHERE kind IN ('raise', 'progress', 'reopen', 'resolve', 'close')
    AND (kind <> 'progress' OR owner_id IS NULL)  -- a handover leaves the status
), du AS (
  SELECT problem_id, due_on,
         ROW_NUMBER() OVER (PARTITION BY problem_id ORDER BY step_on DESC, id DESC) AS rn
  FROM problem_step WHERE kind IN ('raise', 'extend')
), ls AS (SELECT problem_id, MAX(step_on) AS last_on FROM problem_step GROUP BY problem_id)
SELECT p.id,
  p.status IS NOT (CASE st.kind WHEN 'raise' THEN 'pending' WHEN 'progress' THEN 'in_progress'
       WHEN 'reopen' THEN 'in_progress' WHEN 'resolve' THEN 'resolved'
       WHEN 'close' THEN 'unresolvable' END) AS bad_status,
  p.resolved_on IS NOT (CASE WHEN st.kind = 'resolve' THEN st.step_on END) AS bad_resolved,
  p.closed_on IS NOT (CASE WHEN st.kind = 'close' THEN st.step_on END) AS bad_closed,
  p.due_on IS NOT du.due_on AS bad_due,
  p.last_step_on IS NOT ls.last_on AS bad_last
FROM problem p
LEFT JOIN st ON st.problem_id = p.id AND st.rn = 1
LEFT JOIN du ON du.problem_id = p.id AND du.rn = 1
LEFT JOIN ls ON ls.problem_id = p.id
"""


def status(conn: sqlite3.Connection) -> dict[str, Any]:
    """The problems whose stored columns disagree with their steps: ``{"problems": N,
    "wrong": M, "examples": ["#id column", ...]}`` (M must be 0)."""
    names = ("status", "resolved_on", "closed_on", "due_on", "last_step_on")
    total, wrong, examples = 0, 0, list[str]()
    for pid, *bad in conn.execute(STATUS_CHECK):
        total += 1
        if any(bad):
            wrong += 1
            if len(examples) < 5:
                examples.append(
                    f"#{pid} " + "/".join(n for n, b in zip(names, bad, strict=True) if b)
                )
    return {"problems": total, "wrong": wrong, "examples": examples}


def main() -> None:
    what, path, day = sys.argv[1:4]
    as_of = dt.date.fromisoformat(day)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    if what == "selfcheck":
        out: Any = figures(conn, as_of)
    elif what == "workbook":
        out = workbook(conn, as_of)
    elif what == "progress":
        out = progress(conn, as_of)
    elif what == "supervise":
        out = supervise(conn, as_of)
    elif what == "status":
        out = status(conn)
    else:
        sys.exit(
            f"handsql.py: unknown report {what!r} (selfcheck, workbook, progress, supervise, status)"
        )
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
