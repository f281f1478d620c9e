"""The visits' day tallies (``visit_day``, ``visit_day_section``: migration 12) while a
transaction writes many visits on PostgreSQL."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlmodel import Session

# changes to visits (or their cadres) an undo takes back before the tallies wait for its end
UNDO_MANY = 1_000


@contextlib.contextmanager
def paused(connection: Connection) -> Iterator[None]:
    """The tallies' triggers paused while the block writes, the tallies filled from the rows
    when it ends (``migrations.tallies_paused``, on either backend); an exception leaves them
    to the rollback that follows it."""
    from sanlian.db.migrations import tallies_paused

    pause, resume = tallies_paused(connection.dialect.name)
    for statement in pause:
        connection.exec_driver_sql(statement)
    yield
    for statement in resume:
        connection.exec_driver_sql(statement)


@contextlib.contextmanager
def deferred(session: Session, many: bool = True) -> Iterator[None]:
    """With ``many`` visit writes to come on PostgreSQL, the tallies' triggers paused for this
    transaction and the tallies filled once when the block ends (``migrations.tallies_paused``:
    each write would otherwise step over every earlier version of its day's row). Filled too
    when the block raises, where the transaction can still be used (a refusal the caller may
    answer and commit after); else its rollback ends the pause. On SQLite nothing: its
    triggers' cost does not grow with the writes before."""
    connection = session.connection()
    if not many or connection.dialect.name != "postgresql":
        yield
        return
    from sanlian.db.migrations import tallies_paused

    pause, resume = tallies_paused("postgresql")
    for statement in pause:
        connection.exec_driver_sql(statement)

    def fill() -> None:
        session.flush()  # the block's last writes, before the tallies are counted from the rows
        for statement in resume:
            session.connection().exec_driver_sql(statement)

    try:
        yield
    except BaseException:
        with contextlib.suppress(Exception):  # (a failed transaction: its rollback ends it)
            fill()
        raise
    fill()
