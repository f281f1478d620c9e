"""Files in and out: CSV and Excel readers (encoding and delimiter detected), and writers.

Readers (:mod:`sanlian.io.readers`) turn a file into numbered rows of cells as Excel shows them;
:mod:`sanlian.io.cells` normalises what Excel did to the values; :mod:`sanlian.io.writers`
writes .xlsx (through the streaming sheet writer :mod:`sanlian.io.xlsx_stream`) and .csv (UTF-8
with BOM); :mod:`sanlian.io.report_docx` writes Word reports. Nothing here knows the domain.
"""

import contextlib
import os
import re
from pathlib import Path

# Characters XML 1.0 cannot hold (Word and Excel files refuse them): control characters other
# than tab and line breaks, lone surrogates and U+FFFE/U+FFFF. Text is stripped of control
# characters on entry, but a database written by an older version may still hold them.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def new_part(path: Path, *, private: bool) -> Path:
    """The file ``path``'s content is written to before it takes its name (``put_in_place``):
    a new one beside it with a short name (a long target name leaves no room for more), never
    a file that was there. ``private`` (full ID or phone numbers in it): readable by its owner
    alone (0600) from the moment it exists, so that no reader ever holds it, or the target's
    old file, with the numbers in; where no file can be made in that folder but ``path`` itself
    can be written, ``path`` itself, emptied and made 0600 before anything is written to it.
    Errors name ``path``, not the temporary name."""
    import tempfile

    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=".sanlian-", suffix=".part")
    except PermissionError as exc:
        if not private or not path.is_file():
            raise _about(exc, path) from None
        try:
            fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
        except OSError as again:
            raise _about(again, path) from None
        try:
            _owner_only(fd, path)
        finally:
            os.close(fd)
        return path
    except OSError as exc:
        raise _about(exc, path) from None
    try:
        if not private:  # as any file made here: the user's umask decides
            _owner_only(fd, Path(name), 0o666 & ~_umask())
    except BaseException:  # a Ctrl-C or an ending signal right now: no part file left
        os.close(fd)
        Path(name).unlink(missing_ok=True)
        raise
    os.close(fd)
    return Path(name)


def put_in_place(part: Path, path: Path) -> None:
    """``part`` (``new_part``) takes ``path``'s name, nothing to do when it is ``path``; where
    it cannot (the target open in Excel on Windows), it is removed and the error, naming
    ``path``, raised."""
    if part == path:
        return
    try:
        part.replace(path)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise _about(exc, path) from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise


def restrict(path: Path) -> None:
    """A file being written made its owner's alone from now on: it turned out to hold a full
    number (a regular file only: an export to a device or a pipe is left as it is)."""
    import stat

    with contextlib.suppress(OSError):
        if stat.S_ISREG(path.stat().st_mode):
            os.chmod(path, 0o600)


def _owner_only(fd: int, path: Path, mode: int = 0o600) -> None:
    with contextlib.suppress(OSError, AttributeError):  # (no fchmod on Windows)
        os.fchmod(fd, mode)
        return
    with contextlib.suppress(OSError):
        os.chmod(path, mode)


def _umask() -> int:
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def _about(exc: OSError, path: Path) -> OSError:
    """``exc`` naming ``path``."""
    return type(exc)(exc.errno, exc.strerror, str(path))
