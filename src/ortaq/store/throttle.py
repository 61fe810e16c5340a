"""The failed sign-in counters as rows: the SQL behind `ortaq.exchange.throttle`.

One row per key, read and written in one transaction so every worker and process
shares it; the rule that decides what to write stays pure, in the exchange.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ortaq.store import schema
from ortaq.store.store import Store

Row = sa.RowMapping


@dataclass
class LockedCounters:
    """The keys' rows, locked until the transaction ends; changes go to the same one."""

    conn: sa.Connection
    rows: dict[str, Row]

    def write(self, key: str, values: Mapping[str, Any]) -> None:
        table = schema.sign_in_throttle
        self.conn.execute(table.update().where(table.c.key == key).values(**values))

    def delete(self, key: str) -> None:
        table = schema.sign_in_throttle
        self.conn.execute(table.delete().where(table.c.key == key))

    def forget_quiet(self, quiet_since: datetime, now: datetime) -> None:
        """Drop rows without a failure since `quiet_since` and not locked at `now`."""
        table = schema.sign_in_throttle
        forgotten = sa.or_(table.c.locked_until.is_(None), table.c.locked_until <= now)
        self.conn.execute(table.delete().where(table.c.updated_at < quiet_since, forgotten))


@contextmanager
def locked_counters(store: Store, keys: list[str], now: datetime) -> Iterator[LockedCounters]:
    """The keys' rows, created if missing and locked until the block ends.

    The insert comes first: on SQLite it takes the database's write lock before anything
    is read, on PostgreSQL the row lock (`FOR UPDATE`) serialises the same keys.
    """
    table = schema.sign_in_throttle
    with store.engine.begin() as conn:
        for key in keys:
            _insert_missing(conn, {"key": key, "failures": 0, "lockouts": 0, "updated_at": now})
        rows = conn.execute(
            sa.select(table).where(table.c.key.in_(keys)).order_by(table.c.key).with_for_update()
        ).mappings()
        yield LockedCounters(conn, {row["key"]: row for row in rows})


def counter_row(store: Store, key: str) -> Row | None:
    table = schema.sign_in_throttle
    with store.engine.connect() as conn:
        return conn.execute(sa.select(table).where(table.c.key == key)).mappings().first()


def _insert_missing(conn: sa.Connection, values: dict[str, Any]) -> None:
    table = schema.sign_in_throttle
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        conn.execute(pg_insert(table).values(**values).on_conflict_do_nothing())
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        conn.execute(sqlite_insert(table).values(**values).on_conflict_do_nothing())
