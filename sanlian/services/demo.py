"""The demo: a fictional bureau built from ``sample_data/`` into a database of its own."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sanlian.errors import RuleError
from sanlian.services import registry

if TYPE_CHECKING:
    from sqlmodel import Session

DEMO_UNIT = "临沂市企业局（示例）"
FILES = (
    ("section", "科室.csv"),
    ("cadre", "干部花名册.csv"),
    ("community", "社区村.csv"),
    ("enterprise", "企业.csv"),
    ("household", "联系户.csv"),
)


def standing_day(today: dt.date) -> dt.date:
    """The day the demo stands on: today from July on (a year well under way), else the last
    day of last year's campaign (a whole year to look at)."""
    if today.month >= 7:
        return today
    return dt.date(today.year - 1, 12, 31)


def sample_dir() -> Path:
    """``./sample_data`` if present, else the copy beside the package's source."""
    here = Path.cwd() / "sample_data"
    if (here / "科室.csv").exists():
        return here
    beside = Path(__file__).resolve().parents[2] / "sample_data"
    if (beside / "科室.csv").exists():
        return beside
    raise RuleError("demo_no_samples", path=here)


def is_demo_database(session: Session) -> bool:
    from sqlalchemy import func, select
    from sqlmodel import col

    from sanlian.db.models import Campaign

    units = session.execute(
        select(func.count()).where(col(Campaign.unit) == DEMO_UNIT)
    ).scalar_one()
    return bool(units)


def later_changes(session: Session) -> int:
    """How many changes the journal holds besides the demo's own (the clerk's practice, or a
    real ledger's work): looking at numbers with ``--reveal`` changes nothing and is not one."""
    from sqlalchemy import func, select
    from sqlmodel import col

    from sanlian.db.models import Journal

    return int(
        session.execute(
            select(func.count()).where(
                col(Journal.command) != "demo", col(Journal.kind) != "reveal"
            )
        ).scalar_one()
    )


def holds_nothing(session: Session) -> bool:
    """Whether the database holds no campaign and no record (a demo undone, or one whose
    building was interrupted): nothing of a clerk's is lost by building the demo there."""
    from sqlalchemy import select

    from sanlian.db.models import (
        REGISTRY_MODELS,
        Activity,
        Campaign,
        Link,
        Problem,
        Research,
        Visit,
    )

    models: list[Any] = [Campaign, *REGISTRY_MODELS.values(), Link, Visit, Problem, Activity]
    models.append(Research)
    return all(session.execute(select(m.id).limit(1)).first() is None for m in models)


def _rows(path: Path, kind: str) -> list[dict[str, Any]]:
    by_label = {f.label: f.key for f in registry.KINDS[kind].fields}
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [
            {by_label[k]: v for k, v in row.items() if k in by_label} for row in csv.DictReader(f)
        ]


def load_registry(
    session: Session, *, folder: Path, today: dt.date, now: dt.datetime
) -> dict[str, int]:
    """Add every record of the sample rosters through the registry's own rules."""
    counts = {}
    for kind, name in FILES:
        rows = _rows(folder / name, kind)
        for values in rows:
            registry.add(session, kind, values, today=today, now=now)
        counts[kind] = len(rows)
    return counts
