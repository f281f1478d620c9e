"""Typed errors. Every error a user can cause carries one Chinese sentence.

The CLI boundary (``sanlian.cli.main``) turns a :class:`SanlianError` into that sentence on
stderr and exit code 1; nothing else is shown unless ``--debug`` is given.
"""

from __future__ import annotations

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
        from sanlian.i18n.messages import render

        return render(self.key, **self.params)


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
