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


def owner_only(path: Path) -> None:
    """``path`` readable and writable by its owner alone (0600), as the database and its
    backups are: for a file written with full ID or phone numbers (``--reveal``, an import's
    refused rows). Called as soon as the file is created, before anything is written to it.
    Where the system cannot (another owner, Windows), the file is left as it is."""
    with contextlib.suppress(OSError):
        os.chmod(path, 0o600)
