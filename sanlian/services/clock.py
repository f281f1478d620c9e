"""The one place that reads the clock, so that services can take ``today`` as an argument."""

from __future__ import annotations

import datetime as dt
import os


def today() -> dt.date:
    """Today, or ``$SANLIAN_TODAY`` (ISO date) where a test or a demo fixes it."""
    fixed = os.environ.get("SANLIAN_TODAY")
    return dt.date.fromisoformat(fixed) if fixed else dt.date.today()


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
