"""What every command shares: the database location, the operator, today, and a transaction."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlmodel import Session


def started() -> None:
    """Start-up is over: the libraries, the command and the table classes are loaded and live
    to the end. When ``run`` held the garbage collector off for start-up, they are moved out of
    its reach (``gc.freeze``) and collection resumes for the command's own work."""
    import gc

    global _ONE_SHOT
    if not gc.isenabled():
        _ONE_SHOT = True
        gc.freeze()
        gc.enable()


_ONE_SHOT = False  # ``run``'s process: one command, then the end (not the shell, not a test)


def settled() -> None:
    """A one-shot command's result is built and lives to the end (``supervise`` at city
    scale: 71,000 alerts): moved out of the garbage collector's reach, as start-up's objects
    are, so that its passes while the result is written do not walk it again (0.1 s of
    ``supervise -f json``). Not in the shell (started by ``run`` too), where a command's
    result is let go: what it froze would never be collected."""
    shell = sys.modules.get("sanlian.cli.shell")
    if _ONE_SHOT and not (shell is not None and shell._ACTIVE):
        import gc

        gc.freeze()


def _one_line(name: str) -> str:
    """``name`` with its runs of blanks and line breaks as one space and its control and
    invisible characters left out (an operator typed as ``--operator "张\\n三"``)."""
    if name.isprintable():
        return name.strip()
    return " ".join("".join(ch for ch in name if ch.isprintable() or ch.isspace()).split())


@dataclass
class State:
    db: str | None = None
    operator: str | None = None
    debug: bool = False
    notes: list[str] = field(default_factory=list)
    journaled: bool = False
    reveal_asked: bool = False
    revealed: list[str] = field(default_factory=list)
    argv: list[str] | None = None
    committed: bool = False  # a change of this command is in the database (a Ctrl-C now says so)
    changed_anything: bool = False  # a journal entry of a change (not a reveal's) was written
    reveal_checked: bool = False  # the --reveal entry can be written (``check_reveal_journal``)
    reveal_journaled: bool = False  # … and was (never twice)
    _year: int | None = None

    @property
    def location(self) -> str:
        from sanlian.db.engine import default_location, file_location

        return file_location(self.db or default_location())

    @property
    def who(self) -> str:
        """The operator, as the journal keeps it: on one line, no invisible character."""
        if self.operator and _one_line(self.operator):
            return _one_line(self.operator)
        env = _one_line(os.environ.get("SANLIAN_OPERATOR") or "")
        if env:
            return env
        return login_name()

    @property
    def today(self) -> dt.date:
        from sanlian.services.clock import today

        return today()

    @contextmanager
    def session(
        self,
        *,
        write: bool = False,
        rehearse: bool = False,
        create: bool = False,
        reader: bool = False,
    ) -> Iterator[Session]:
        """One transaction on the database; a rehearsal (``--dry-run``) is rolled back,
        leaving the file byte for byte as it was. A missing file is made (0600) only with
        ``create`` (``init``, ``demo``): any other command is refused, as a read is, so that a
        mistyped ``--db`` or ``SANLIAN_DB`` does not start a stray ledger of its own.

        If this command created the file and then failed, the file is removed again, and the
        folders made for it, so that a refusal leaves nothing behind.

        A report, which reads through Core statements only, asks for a ``reader``
        (``Database.reading``): the ORM, SQLModel and the models are then not loaded.
        """
        from sanlian.db import journal
        from sanlian.db.engine import is_url, lock_for_write, open_database, snapshot_for_read
        from sanlian.services.clock import now

        location = self.location
        local = not is_url(location)
        created = write and local and not Path(location).expanduser().exists()
        if created and not create:
            from sanlian.errors import DatabaseError

            raise DatabaseError("db_missing", path=Path(location).expanduser())
        folders = _missing_folders(Path(location).expanduser()) if created else []
        db = open_database(location, create=create)
        started()
        if write and local:  # the whole-file undo copy of earlier versions is no longer used
            Path(location).expanduser().with_name(Path(location).name + ".undo").unlink(
                missing_ok=True
            )
        self.journaled = False
        held: _Held | None = None
        changes = False
        try:
            opened = (
                db.reading()
                if reader and not (write or rehearse)
                else db.session(commit=not rehearse, write=write)
            )
            with opened as session:
                if write:
                    lock_for_write(session)
                    journal.install(session)
                else:
                    snapshot_for_read(session)
                if write or rehearse:
                    journal.guard(session)
                yield session
                if write:
                    pending = self.changed(session)
                    journal.finish(session, at=now(), operator=self.who, command=self.command_line)
                    if not rehearse:
                        changes = pending or self.changed_anything
                        held = _hold_interrupts()  # the commit is not cut in two
            if held is not None and changes:
                self.committed = True
        except BaseException:
            if held is not None:
                _release_interrupts(held)
                held = None

            db.dispose()
            if created:
                Path(location).expanduser().unlink(missing_ok=True)
                for folder in folders:  # the innermost first; one that holds something stays
                    with suppress(OSError):
                        folder.rmdir()
            raise
        db.dispose()
        if held is not None and _release_interrupts(held):
            raise KeyboardInterrupt  # pressed during the commit: said now, as written

    @property
    def command_line(self) -> str:
        """The command as typed, ID and phone numbers masked (for the journal)."""
        args = self.argv if self.argv is not None else ARGV
        return mask_command(sys.argv[1:] if args is None else args)

    def journal(self, session: Session, command: str, summary: str, *, kind: str = "change") -> int:
        """A journal entry holding every row this command changed so far (captured by
        ``sanlian.db.journal``); name records by name and number, never by ID/phone."""
        from sanlian.db import journal
        from sanlian.services.clock import now

        entry = journal.add_entry(
            session, at=now(), operator=self.who, command=command, summary=summary, kind=kind
        )
        if kind != "reveal":
            self.changed_anything = True
        self.journaled = True
        return entry

    def changed(self, session: Session) -> bool:
        """Whether this write session changed any row so far (an edit whose every value equals
        the stored one changes nothing: it writes no journal entry and says so)."""
        from sanlian.db import journal

        rec = journal.recorder(session)
        if rec is None:
            return True
        if session.new or session.dirty or session.deleted:
            session.flush()
        return bool(rec.changes)

    def note_reveal(self, what: str) -> None:
        """Something shown with full ID/phone numbers (``--reveal``), for the journal."""
        if self.reveal_asked and what not in self.revealed:
            self.revealed.append(what)

    def check_reveal_journal(self) -> None:
        """Whether the journal entry of a ``--reveal`` can be written: that entry written in a
        transaction rolled back (it takes the write lock, and needs what the entry will: a
        writable file on SQLite, the right to insert on a server). Where it cannot for want of
        writing (read-only, locked, denied, full), refused with the reason, so that nothing is
        shown unrecorded; any other trouble with the database is said as itself."""
        from sqlalchemy.exc import DBAPIError

        from sanlian.db import journal
        from sanlian.db.engine import database_error_key, is_url, masked, refusal_of
        from sanlian.errors import DatabaseError, RuleError
        from sanlian.i18n.messages import render
        from sanlian.services.clock import now

        location = self.location
        if not is_url(location) and not Path(location).expanduser().exists():
            return  # the command itself says the database is missing
        try:
            with self.session(write=True, rehearse=True) as session:
                connection = session.connection()
                if connection.dialect.name == "sqlite":
                    journal.add_entry(
                        session, at=now(), operator=self.who, command="", summary="", kind="reveal"
                    )
                    session.flush()
                else:  # (an insert rolled back would still use up a number of the journal)
                    allowed = connection.exec_driver_sql(
                        "SELECT has_table_privilege('journal', 'INSERT')"
                        " AND current_setting('transaction_read_only') = 'off'"
                    ).scalar()
                    if not allowed:
                        raise RuleError("reveal_not_journaled", reason=render("reveal_no_right"))
        except DatabaseError as exc:
            if exc.key not in _WRITE_REFUSALS:
                raise
            raise RuleError("reveal_not_journaled", reason=exc.message) from None
        except DBAPIError as exc:  # the probe's write refused (a read-only file, a server's
            key = database_error_key(exc)  # missing right) or some other trouble
            if key not in _WRITE_REFUSALS and "permission denied" not in str(exc).lower():
                raise
            refused, params = refusal_of(key or "fs_denied", location)
            if is_url(location):  # (a server's address without its password)
                params = {"path": masked(location)}
            reason = DatabaseError(refused, **params).message
            raise RuleError("reveal_not_journaled", reason=reason) from None
        self.reveal_checked = True

    def journal_reveal(self) -> None:
        """After a command run with ``--reveal``: a journal entry (kind reveal) saying who saw
        what. Nothing to record when the database does not exist (nothing could be shown)."""
        from sanlian.db.engine import is_url

        if not self.reveal_asked:
            return
        location = self.location
        if not is_url(location) and not Path(location).expanduser().exists():
            return
        if self.reveal_journaled:
            return  # (a Ctrl-C at its commit: written once)
        line = self.command_line
        shown = "；".join(self.revealed) if self.revealed else line
        with self.session(write=True) as session:
            self.journal(session, line, f"显示完整身份证号码/手机号码：{shown}", kind="reveal")
            self.reveal_journaled = True

    def campaign_year(self, session: Session) -> int:
        if self._year is None:
            from sanlian.services.campaign import year_for_dates

            self._year = year_for_dates(session, today=self.today)
        return self._year

    def date(
        self, session: Session, value: str | None, field_label: str, *, year: int | None = None
    ) -> dt.date:
        """A date typed by the clerk; empty means today; ``6-3`` takes the campaign's year
        (``year``, the one a report's ``--year`` names, else the current campaign's)."""
        from sanlian.services import validate

        if value is None:
            return self.today
        if year is None:
            year = self.campaign_year(session)
        return validate.date(value, field_label, today=self.today, year=year)

    def optional_date(
        self, session: Session, value: str | None, field_label: str, *, year: int | None = None
    ) -> dt.date | None:
        return None if value is None else self.date(session, value, field_label, year=year)

    def as_of(
        self, session: Session, value: str | None, *, year: int | None = None, key: str = ""
    ) -> dt.date | None:
        """A report's ``--as-of`` day; one after today is said to count what is on record
        today only, while its due dates are judged on that day (a report dated the year's
        end, written before it); ``key``: the note's own message, where no due date is."""
        day = self.optional_date(session, value, "截至日期", year=year)
        if day is not None and day > self.today:
            from sanlian.i18n.messages import render

            said = render(
                key or "as_of_after_today", day=day.isoformat(), today=self.today.isoformat()
            )
            self.note(said)
        return day

    def note(self, text: str) -> None:
        sys.stderr.write(text + "\n")

    def flush_notes(self) -> None:
        for text in self.notes:
            self.note(text)
        self.notes.clear()


ARGV: list[str] | None = None  # the command line being run (set by ``cli.main.main``)
# an address (scheme://…), quoted (its password may hold a blank) or not
_URL = re.compile(r"""(['"])([A-Za-z][\w+.-]*://.*?)\1|[A-Za-z][\w+.-]*://\S+""")
_QUERY_PASSWORD = re.compile(r"(?i)([?&]password=)[^&\s'\"\u3000-\u303f\uff00-\uffef]*")
_ARG_URL = re.compile(r"(--[\w-]+=)?([A-Za-z][\w+.-]*://.*)", re.DOTALL)  # one argument, whole


def _hide_password(url: str) -> str:
    """``url`` with the password of its user (``user:password@``, the password may hold an
    ``@``) and a ``password=`` of its query written ``***``."""
    scheme, _sep, rest = url.partition("://")
    if "@" in rest:
        userinfo, _at, host = rest.rpartition("@")
        user, colon, _password = userinfo.partition(":")
        rest = f"{user}{colon}{'***' if colon else ''}@{host}"
    return _QUERY_PASSWORD.sub(r"\1***", f"{scheme}://{rest}")


def _hide_passwords(text: str) -> str:
    def hide(found: re.Match[str]) -> str:
        if found.group(1):  # quoted
            return found.group(1) + _hide_password(found.group(2)) + found.group(1)
        return _hide_password(found.group(0))

    return _URL.sub(hide, text)


_SECRET_OPTION = re.compile(r"--[A-Za-z-]*?(phone|id-number)")


def fold_digits(text: str) -> str:
    """``text`` with full-width digits, X, spaces and dashes made ASCII (same length)."""
    from sanlian.services.validate import fold_digits as fold

    return fold(text)


def secret_kind(option: str) -> str | None:
    """``"id"`` or ``"phone"`` for an option holding personal numbers (``--phone``,
    ``--id-number``, any ``--…-phone``), else None."""
    found = _SECRET_OPTION.fullmatch(option)
    if found is None:
        return None
    return "phone" if found.group(1) == "phone" else "id"


def mask_secret(kind: str, value: str) -> str:
    """The value of a personal-number option masked, whatever its format."""
    compact = re.sub(r"[\s\-().\\]", "", fold_digits(value))
    return _masked(kind, compact) or value


def _masked(kind: str, digits: str) -> str:
    from sanlian.services.validate import masked_number

    return masked_number(kind, digits)


def mask_text(text: str) -> str:
    """Free text with every ID-number-like and mobile-like run masked (full-width digits,
    spaces and dashes inside the run included: ``validate.mask_numbers_anywhere``), and the
    password of every address written as ``scheme://user:password@host`` (``db copy --to
    URL``); the rest stays as typed."""
    if "://" in text:
        text = _hide_passwords(text)
    from sanlian.services.validate import mask_numbers_anywhere

    return mask_numbers_anywhere(text, loose=True)


def mask_command(args: list[str]) -> str:
    """``sanlian …`` as typed, with every ID and phone number masked, and the password of a
    database server's address (``--db``) too."""
    out: list[str] = []
    secret: str | None = None
    for arg in args:
        text = str(arg)
        if secret == "db" or text.startswith("--db="):
            from sanlian.db.engine import masked

            option = "--db=" if secret != "db" else ""
            text = option + masked(text[len(option) :])
            secret = None
        elif secret is not None:
            text = mask_secret(secret, text)
        else:
            option, equals, value = text.partition("=")
            kind = secret_kind(option) if equals else None
            if kind is not None:
                text = f"{option}={mask_secret(kind, value)}"
        whole = _ARG_URL.fullmatch(text)
        if whole is not None:  # an address as one argument: its password may hold a blank
            text = (whole.group(1) or "") + _hide_password(whole.group(2))
        text = mask_text(text)
        secret = "db" if text == "--db" else secret_kind(text)
        out.append(text if " " not in text else repr(text))
    return " ".join(out)


STATE = State()

# what keeps the probe of ``check_reveal_journal`` from writing: said as "cannot be journaled"
_WRITE_REFUSALS = frozenset({"db_readonly", "db_locked", "fs_denied", "disk_full", "db_full"})


def _held_signals() -> list[int]:
    import signal

    return [getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)]


@dataclass
class _Held:
    """The signals noted while a commit runs, and the handlers they replaced."""

    caught: list[int] = field(default_factory=list)
    handlers: dict[int, Any] = field(default_factory=dict)


def _hold_interrupts() -> _Held:
    """From here to ``_release_interrupts``, a Ctrl-C (or an ending signal: the terminal
    closed) is noted rather than acted on: one surfacing inside the driver's commit, after
    SQLite had written it, made the command say that nothing was written (and an import drop
    its backup). Only in the main thread (where signals are handled); elsewhere nothing is
    held."""
    import signal
    import threading

    held = _Held()
    if threading.current_thread() is threading.main_thread():
        with suppress(ValueError, OSError):
            for signum in _held_signals():
                held.handlers[signum] = signal.signal(
                    signum, lambda n, _frame: held.caught.append(n)
                )
    return held


def _release_interrupts(held: _Held) -> bool:
    """The handlers before ``_hold_interrupts`` back; whether a Ctrl-C came meanwhile (an
    ending signal that came is sent again, to its own handler, now)."""
    import signal

    for signum, old in held.handlers.items():
        with suppress(ValueError, OSError, TypeError):
            restored = old if old is not None else signal.SIG_DFL
            if signum == signal.SIGINT and old is None:
                restored = signal.default_int_handler
            signal.signal(signum, restored)
    held.handlers.clear()
    ending = [n for n in held.caught if n != signal.SIGINT]
    if ending:
        signal.raise_signal(ending[0])  # (its handler raises: the command ends as it says)
    return bool(held.caught)


def interrupted_text() -> str:
    """What a Ctrl-C says: nothing written, or (the command's write committed before it came)
    that what it wrote is in the database, and how to see and undo it."""
    from sanlian.i18n.messages import render

    return render("interrupted_written" if STATE.committed else "shell_interrupted")


def reset(**kwargs: Any) -> State:
    global STATE
    STATE = State(**kwargs)
    return STATE


def state() -> State:
    return STATE


def login_name() -> str:
    """The login name, as ``getpass.getuser`` finds it, without importing ``getpass`` (which
    loads ``termios``, 4 ms of every command's start-up): the usual variables, then the
    password database."""
    for name in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        user = os.environ.get(name)
        if user:
            return user
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError, AttributeError, OSError):  # Windows, or no entry for the uid
        return "unknown"


def _missing_folders(path: Path) -> list[Path]:
    """The folders above ``path`` that do not exist yet (the innermost first): what creating
    the file there makes, and a failed command takes away again. A folder written with ``..``
    in its way (``新/../旧``) is never one of them: it may be one that exists."""
    missing = []
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        if ".." not in folder.parts:
            missing.append(folder)
        folder = folder.parent
    return missing
