"""Where the generated databases are kept: one file per scale and generator version."""

from __future__ import annotations

import hashlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"


def version() -> str:
    """The generator's version: a digest of its source (a change rebuilds the databases)."""
    return hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()[:12]


def cached(scale: str) -> Path:
    return CACHE / f"{scale}-{version()}.db"
