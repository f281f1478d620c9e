"""Typed errors. Every error a user can cause carries one Chinese sentence.

The CLI boundary (``sanlian.cli.main``) turns a :class:`SanlianError` into that sentence on
stderr and exit code 1; nothing else is shown unless ``--debug`` is given.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any


class AsTyped(str):
    """A value quoted in a sentence as the clerk typed it: a figure (an amount of money), no
    person's number, however many digits it has. The screen's looser masking (eleven digits
    from a 1 are taken for a mobile number: ``cli.context.mask_text``) passes it by; an ID or
    mobile number written in it is still masked (``mask_numbers_anywhere``: a mobile number's
    first three digits 13–19, an ID number's birth date a day)."""


class SanlianError(Exception):
    """A refusal: bad input or a broken rule. ``key`` names a sentence in the catalogue."""

    exit_code = 1

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message)

    def shown(self, mask: Callable[[str], str], tail: str = "") -> str:
        """The sentence and ``tail`` as the screen shows them: ``mask`` applied to all but the
        values given as ``AsTyped`` (those as ``message`` has them)."""
        typed = [k for k, v in self.params.items() if isinstance(v, AsTyped)]
        if not typed:
            return mask(self.message + tail)
        marks = {k: chr(0xE000 + i) for i, k in enumerate(typed)}  # (private use: no digit)
        text = mask(self._render(marks) + tail)
        for key, mark in marks.items():
            text = text.replace(mark, self._value(self.params[key]))
        return text

    @property
    def message(self) -> str:
        """The sentence, each value quoted in it on one line (``readable``): a name or date
        typed with a line break, or read so from a file, does not break the sentence in two.
        An ID or mobile number inside a value is masked (one typed or read in the wrong field:
        ``找不到联系户“370102********1237”``)."""
        return self._render({})

    def _render(self, instead: dict[str, str]) -> str:
        from sanlian.i18n.messages import render

        params = {k: instead[k] if k in instead else self._value(v) for k, v in self.params.items()}
        return render(self.key, **params)

    @staticmethod
    def _value(value: Any) -> Any:
        """A value as the sentence quotes it: text on one line, an ID or mobile number masked
        (in a value ``AsTyped`` one however written: ``138 1234 5678``, as the screen would)."""
        if not isinstance(value, str | os.PathLike):
            return value
        from sanlian.i18n.messages import readable
        from sanlian.services.validate import mask_numbers_anywhere, mask_numbers_in

        if isinstance(value, AsTyped):
            return readable(mask_numbers_anywhere(value))
        return readable(mask_numbers_in(value) if isinstance(value, str) else os.fspath(value))


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
