"""What every command shares: the database location, the operator, today, and a transaction."""

from __future__ import annotations

import datetime as dt
import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass
class State:
    db: str | None = None
    operator: str | None = None
    debug: bool = False
    notes: list[str] = field(default_factory=list)
    journaled: bool = False
    _year: int | None = None

    @property
    def location(self) -> str:
        from sanlian.db.engine import default_location

        return self.db or default_location()

    @property
    def who(self) -> str:
        if self.operator:
            return self.operator
        env = os.environ.get("SANLIAN_OPERATOR")
        if env:
            return env
        try:
            return getpass.getuser()
        except Exception:  # no user name on this system
            return "unknown"

    @property
    def today(self) -> dt.date:
        from sanlian.services.clock import today

        return today()

    @contextmanager
    def session(self, *, write: bool = False, rehearse: bool = False) -> Iterator[Session]:
        """One transaction on the database; a write creates the file (0600) if it is missing;
        a rehearsal (``--dry-run``) is rolled back, leaving the file byte for byte as it was.

        If this command created the file and then failed, the file is removed again, so that a
        refusal leaves nothing behind.
        """
        from sanlian.db.engine import is_url, lock_for_write, open_database, snapshot_for_read
        from sanlian.services import admin

        location = self.location
        local = not is_url(location)
        created = write and local and not Path(location).expanduser().exists()
        db = open_database(location, create=write)
        # Before a change, a copy of the database as it was: `sanlian undo` restores it.
        snapshot = admin.take_snapshot(location) if write and local and not created else None
        self.journaled = False
        try:
            with db.session(commit=not rehearse) as session:
                if write:
                    lock_for_write(session)
                else:
                    snapshot_for_read(session)
                yield session
        except BaseException:
            db.dispose()
            if snapshot is not None:
                snapshot.unlink(missing_ok=True)
            if created:
                Path(location).expanduser().unlink(missing_ok=True)
            raise
        db.dispose()
        if snapshot is not None:
            admin.keep_snapshot(location, snapshot, changed=self.journaled)

    def journal(self, session: Session, command: str, summary: str) -> None:
        from sanlian.db.models import Journal
        from sanlian.services.clock import now

        session.add(Journal(at=now(), operator=self.who, command=command, summary=summary))
        self.journaled = True

    def campaign_year(self, session: Session) -> int:
        if self._year is None:
            from sanlian.services.campaign import year_for_dates

            self._year = year_for_dates(session, today=self.today)
        return self._year

    def date(self, session: Session, value: str | None, field_label: str) -> dt.date:
        """A date typed by the clerk; empty means today; ``6-3`` takes the campaign's year."""
        from sanlian.services import validate

        if value is None:
            return self.today
        return validate.date(value, field_label, today=self.today, year=self.campaign_year(session))

    def optional_date(
        self, session: Session, value: str | None, field_label: str
    ) -> dt.date | None:
        return None if value is None else self.date(session, value, field_label)

    def note(self, text: str) -> None:
        sys.stderr.write(text + "\n")

    def flush_notes(self) -> None:
        for text in self.notes:
            self.note(text)
        self.notes.clear()


STATE = State()


def reset(**kwargs: Any) -> State:
    global STATE
    STATE = State(**kwargs)
    return STATE


def state() -> State:
    return STATE
