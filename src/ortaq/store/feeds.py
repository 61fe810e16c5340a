"""Feeds in, as stored: the SQL behind `ortaq.exchange.poller`.

A feed source is a row of the `feed_sources` outbox (`ortaq.store.outbox`): workers
claim due feeds with a lease, poll them, and finish each with its new state.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ortaq.store import outbox, schema
from ortaq.store.store import Store


def insert_source(store: Store, member: str, url: str, interval_seconds: int) -> int:
    """A new feed, due at once; its id."""
    table = schema.feed_sources
    now = store.clock()
    with store.engine.begin() as conn:
        result = conn.execute(
            table.insert().values(
                member=member,
                url=url,
                interval_seconds=interval_seconds,
                active=True,
                next_poll_at=now,
                failures=0,
                items_stored=0,
                created_at=now,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
    return int(key[0])


def list_sources(
    store: Store, member: str | None = None, source_id: int | None = None
) -> list[dict[str, Any]]:
    """Feeds by id (times as ISO text), without the worker's lease owner."""
    table = schema.feed_sources
    shown = [c for c in table.c if c.name != "lease_owner"]  # a worker's host: internal
    query = sa.select(*shown).order_by(table.c.id)
    if member is not None:
        query = query.where(table.c.member == member)
    if source_id is not None:
        query = query.where(table.c.id == source_id)
    with store.engine.connect() as conn:
        return [
            {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()}
            for row in conn.execute(query).mappings()
        ]


def delete_source(store: Store, source_id: int) -> bool:
    table = schema.feed_sources
    with store.engine.begin() as conn:
        return conn.execute(table.delete().where(table.c.id == source_id)).rowcount == 1


def claimed_sources(store: Store, claim: outbox.Claim) -> list[Any]:
    """The whole rows of the feeds a worker claimed, in the outbox's order."""
    return outbox.claimed_rows(store, claim, sa.select(schema.feed_sources))
