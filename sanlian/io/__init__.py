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


def create_private(path: Path) -> None:
    """``path`` made anew, empty, readable and writable by its owner alone (0600) from the
    moment it exists, as the database and its backups are: the file a writer then opens
    (truncating it keeps the mode) to write full ID or phone numbers (``--reveal``, an
    import's refused rows). Meant for a temporary name that then replaces the target
    (``os.replace``), so that no reader ever holds the target's old, looser file."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def part_of(path: Path) -> Path:
    """The temporary name beside ``path`` a file is written under before it takes its name."""
    return path.with_name(f".{path.name}.{os.getpid()}.part")
