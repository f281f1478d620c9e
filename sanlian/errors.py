"""Typed errors. Every error a user can cause carries one Chinese sentence.

The CLI boundary (``sanlian.cli.main``) turns a :class:`SanlianError` into that sentence on
stderr and exit code 1; nothing else is shown unless ``--debug`` is given.
"""

from __future__ import annotations

import os
from typing import Any


class SanlianError(Exception):
    """A refusal: bad input or a broken rule. ``key`` names a sentence in the catalogue."""

    exit_code = 1

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The sentence, each value quoted in it on one line (``readable``): a name or date
        typed with a line break, or read so from a file, does not break the sentence in two.
        An ID or mobile number inside a value is masked (one typed or read in the wrong field:
        ``找不到联系户“370102********1237”``)."""
        from sanlian.i18n.messages import readable, render
        from sanlian.services.validate import mask_numbers_in

        params = {
            k: readable(mask_numbers_in(v) if isinstance(v, str) else os.fspath(v))
            if isinstance(v, str | os.PathLike)
            else v
            for k, v in self.params.items()
        }
        return render(self.key, **params)


class ValidationError(SanlianError):
    """A value given for a field is not acceptable."""


class NotFoundError(SanlianError):
    """A reference matched nothing."""


class AmbiguousError(SanlianError):
    """A reference matched two or more records."""


class RuleError(SanlianError):
    """A campaign rule refuses the change."""


class DatabaseError(SanlianError):
    """The database is missing, locked or unreadable."""


class ImportFileError(SanlianError):
    """An import file cannot be read or has bad rows."""
