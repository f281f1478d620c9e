"""Column types of the Core tables (``db.tables``) that SQLAlchemy does not have itself."""

import datetime as dt
from typing import Any

from sqlalchemy import DateTime, TypeDecorator


class UTCDateTime(TypeDecorator[dt.datetime]):
    """As ``sqlmodel.sql.sqltypes.UTCDateTime`` (the models' type) reads and writes a time:
    aware, in UTC (SQLite keeps no zone: its text is UTC). Not imported from there: that
    would load SQLModel and pydantic, which the tables are made to do without."""

    impl = DateTime
    cache_ok = True

    def __init__(self) -> None:
        super().__init__(timezone=True)

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        return None if value is None else value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)
