"""Many rows inserted at once, handed to the database driver as they are.

A first build saves 40,000 rows of its publication and 65,000 of its merged UIDs at N = 1,000
sources. Through ``table.insert()``, SQLAlchemy processes each value on its way to the driver
(a datetime through UTCDateTime, then SQLite's DATETIME formatting), which was a third of
saving the publication (issue 8). On SQLite and PostgreSQL, the databases we run on, the rows
go to one ``executemany`` of the driver, each value what SQLAlchemy's types would bind:
tests/test_store.py writes rows both ways and compares what is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from .tables import UTCDateTime


def insert_rows(connection: Any, table: sa.Table, columns: Sequence[str],
                rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` (values in the order of ``columns``) into ``table``, in one
    executemany; any database but SQLite and PostgreSQL through SQLAlchemy's types."""
    if not rows:
        return
    dialect = connection.dialect.name
    if dialect not in ("sqlite", "postgresql"):
        connection.execute(table.insert(), [dict(zip(columns, row)) for row in rows])
        return
    bind = _sqlite_text if dialect == "sqlite" else _utc
    dated = [i for i, name in enumerate(columns) if isinstance(table.c[name].type, UTCDateTime)]
    if dated:
        rows = [_bound(row, dated, bind) for row in rows]
    mark = "?" if dialect == "sqlite" else "%s"
    statement = (f"INSERT INTO {table.name} ({', '.join(columns)}) "
                 f"VALUES ({', '.join([mark] * len(columns))})")
    connection.exec_driver_sql(statement, rows)


def _bound(row: Sequence[Any], dated: Sequence[int], bind: Callable[[datetime], object]
           ) -> tuple[Any, ...]:
    values = list(row)
    for i in dated:
        if values[i] is not None:
            values[i] = bind(values[i])
    return tuple(values)


def _utc(value: datetime) -> datetime:
    """As UTCDateTime binds it on PostgreSQL: aware, in UTC (a naive value taken as UTC)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _sqlite_text(value: datetime) -> str:
    """As SQLite's DATETIME stores UTCDateTime's value: naive UTC text with microseconds
    (``2026-12-07 23:03:15.696499``), which SQLAlchemy reads back."""
    return _utc(value).replace(tzinfo=None).isoformat(" ", "microseconds")
