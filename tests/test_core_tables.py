"""``sanlian/db/tables.py`` (the tables reports read, without the ORM) is the models' schema."""

from pathlib import Path

import pytest
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateTable
from sqlmodel import SQLModel

import sanlian.db.models  # noqa: F401  (registers the tables)
from sanlian.cli import gen_tables
from sanlian.db import tables


def test_tables_py_is_current() -> None:
    current = Path(gen_tables.TARGET).read_text(encoding="utf-8")
    assert current == gen_tables.render(), (
        "sanlian/db/tables.py 已过期：请运行 python -m sanlian.cli.gen_tables 重新生成。"
    )


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=lambda d: d.name)
def test_every_table_is_made_the_same(dialect: object) -> None:
    """The same CREATE TABLE on both backends: columns, types, keys, unique constraints."""
    models = SQLModel.metadata.tables
    assert sorted(models) == sorted(tables.metadata.tables)
    for name, table in models.items():
        mine = tables.metadata.tables[name]
        assert str(CreateTable(mine).compile(dialect=dialect)) == str(
            CreateTable(table).compile(dialect=dialect)
        ), name


def test_a_time_reads_as_the_models_read_it(tmp_path: Path) -> None:
    """``created_at`` comes back aware, in UTC, from either table."""
    import datetime as dt

    from sqlalchemy import create_engine, insert, select

    engine = create_engine(f"sqlite:///{tmp_path / 't.db'}")
    tables.schema_migrations.create(engine)
    at = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with engine.begin() as conn:
        conn.execute(insert(tables.schema_migrations).values(version=1, name="x", applied_at=at))
    model = SQLModel.metadata.tables["schema_migrations"]
    with engine.connect() as conn:
        mine = conn.execute(select(tables.schema_migrations.c.applied_at)).scalar_one()
        theirs = conn.execute(select(model.c.applied_at)).scalar_one()
    assert mine == theirs == at
    assert mine.tzinfo == dt.UTC and mine.hour == 1
    engine.dispose()
