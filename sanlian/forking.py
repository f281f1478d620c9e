"""A second process on the second core, for the long jobs that can split in two (a large
import's checks, a city's visit ledger): whether one should be forked, and what the forked
child does first. Linux only (``fork``); elsewhere everything runs in one process."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, BinaryIO, Generic, TypeVar

if TYPE_CHECKING:
    from pathlib import Path

    from sqlmodel import Session

T = TypeVar("T")


def cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def can_fork() -> bool:
    """``fork`` is there and a second core to run the child on."""
    return sys.platform.startswith("linux") and cores() >= 2


def running() -> int:
    """Processes running or ready to run at this instant, this one included (the fewest of
    three looks, a few milliseconds apart); 1 where the system does not say."""
    fewest = None
    for attempt in range(3):
        if attempt:
            time.sleep(0.002)
        try:
            with open("/proc/loadavg", encoding="ascii") as fh:
                count = int(fh.read().split()[3].split("/")[0])
        except (OSError, ValueError, IndexError):
            return 1
        fewest = count if fewest is None else min(fewest, count)
    return fewest or 1


def quiet_child() -> None:
    """The forked child: Ctrl-C is the parent's to handle, and nothing is printed."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):  # ended at once: it has nothing to unwind
        ending = getattr(signal, name)
        if signal.getsignal(ending) is not signal.SIG_IGN:  # (``nohup``: ignored it stays)
            signal.signal(ending, signal.SIG_DFL)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)


def fork_child(
    work: Callable[[BinaryIO], None], *, buffering: int = 0, pipe_bytes: int = 0
) -> tuple[int, BinaryIO]:
    """Fork a child that runs ``work`` on the writing end of a pipe (quiet, Ctrl-C ignored)
    and leaves by ``os._exit``, running no clean-up of what it inherited (the parent's
    database connection above all); returns its pid and the reading end. ``OSError`` when no
    process is to be had (a limit, memory): nothing is left open then."""
    read_end, write_end = os.pipe()
    if pipe_bytes:
        with contextlib.suppress(OSError):  # a larger pipe: fewer switches between the two
            import fcntl

            fcntl.fcntl(write_end, getattr(fcntl, "F_SETPIPE_SZ", 1031), pipe_bytes)
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        raise
    if pid == 0:  # the child
        code = 0
        try:
            os.close(read_end)
            quiet_child()
            with os.fdopen(write_end, "wb", buffering=buffering) as out:
                work(out)
        except BaseException:  # the parent gone (a broken pipe), or worse: it will tell
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    return pid, os.fdopen(read_end, "rb", buffering=1 << 16)


LOCK_WAIT = 2.0  # seconds a forked reader waits for its shared lock before giving up


class Beside(Generic[T]):
    """``work`` run now by a forked process on a connection of its own to ``location`` (a
    file ``engine.second_reader`` named: it reads the state this process reads), while this
    one goes on; ``result()`` waits for its answer (pickled back), or runs ``work`` on
    ``session`` here if the child could not give one (an error, killed; no lock within
    ``LOCK_WAIT``, which happens only if this process holds none: ``engine.second_reader``).
    ``close()`` stops and reaps the child; call it however the caller ends."""

    def __init__(self, session: Session, location: Path, work: Callable[[Session], T]) -> None:
        import pickle

        self._session = session
        self._work = work
        self.answered = False  # whether the child gave the result

        def child(out: BinaryIO) -> None:
            try:
                with reader_session(location) as other:
                    value = work(other)
            except Exception:  # noqa: BLE001  (the parent does the work itself)
                pickle.dump(("failed",), out)
            else:
                pickle.dump(("value", value), out)

        self._pid: int | None
        self._pid, self._in = fork_child(child)

    def result(self) -> T:
        import pickle

        try:
            frame: Any = pickle.load(self._in)
        except Exception:  # noqa: BLE001  (the child died: EOF, a cut frame)
            frame = ("failed",)
        finally:
            self.close()
        if frame[0] == "value":
            self.answered = True
            value: T = frame[1]
            return value
        return self._work(self._session)

    def close(self) -> None:
        if self._pid is not None:
            pid, self._pid = self._pid, None
            reap(pid, self._in)


def reap(pid: int, pipe: BinaryIO) -> None:
    """Stop the child ``pid`` (a no-op on one that has ended), reap it, close its pipe."""
    import signal

    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.waitpid(pid, 0)
    pipe.close()


@contextlib.contextmanager
def reader_session(location: Path) -> Iterator[Session]:
    """The forked child's session: a connection of its own to the SQLite file ``location``,
    in one read transaction (waiting at most ``LOCK_WAIT`` for a lock)."""
    from sqlmodel import Session

    from sanlian.db.engine import _sqlite_engine

    engine = _sqlite_engine(location, timeout=LOCK_WAIT)
    with Session(engine) as session, session.begin():
        yield session
