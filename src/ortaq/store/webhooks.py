"""Webhooks and their deliveries, as stored: the SQL behind `ortaq.exchange.webhooks`.

Deliveries are rows of an outbox (`ortaq.store.outbox`): fanned out from item events
after each webhook's cursor, claimed by workers with a lease, finished with an outcome.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ortaq.store import outbox, schema
from ortaq.store.store import Store


def insert_webhook(store: Store, member: str, url: str, secret: str) -> int:
    """A new webhook that sees item events from now on; its id."""
    hooks, events = schema.webhooks, schema.item_events
    with store.engine.begin() as conn:
        last = conn.execute(sa.select(sa.func.coalesce(sa.func.max(events.c.id), 0))).scalar()
        result = conn.execute(
            hooks.insert().values(
                member=member,
                url=url,
                secret=secret,
                active=True,
                last_event_id=int(last or 0),
                created_at=store.clock(),
            )
        )
        key = result.inserted_primary_key
        assert key is not None
    return int(key[0])


def list_webhooks(
    store: Store, member: str | None = None, webhook_id: int | None = None
) -> list[dict[str, Any]]:
    hooks = schema.webhooks
    query = sa.select(hooks).order_by(hooks.c.id)
    if member is not None:
        query = query.where(hooks.c.member == member)
    if webhook_id is not None:
        query = query.where(hooks.c.id == webhook_id)
    with store.engine.connect() as conn:
        return [_hook_json(row) for row in conn.execute(query).mappings()]


def _hook_json(row: Any) -> dict[str, Any]:
    keys = ("id", "member", "url", "active", "last_event_id")
    return {**{k: row[k] for k in keys}, "created_at": row["created_at"].isoformat()}


def delete_webhook(store: Store, webhook_id: int) -> bool:
    hooks, deliveries = schema.webhooks, schema.webhook_deliveries
    with store.engine.begin() as conn:
        conn.execute(deliveries.delete().where(deliveries.c.webhook_id == webhook_id))
        return conn.execute(hooks.delete().where(hooks.c.id == webhook_id)).rowcount == 1


def active_cursors(store: Store) -> list[tuple[int, int]]:
    """(webhook id, last event id queued) of every active webhook."""
    hooks = schema.webhooks
    query = sa.select(hooks.c.id, hooks.c.last_event_id).where(hooks.c.active)
    with store.engine.connect() as conn:
        return [(int(i), int(c)) for i, c in conn.execute(query.order_by(hooks.c.id))]


def fan_out_one(store: Store, hook_id: int, cursor: int, now: datetime) -> int:
    """Queue a delivery for each item event after `cursor`; how many were queued."""
    hooks, events, deliveries = schema.webhooks, schema.item_events, schema.webhook_deliveries
    query = sa.select(events).where(events.c.id > cursor).order_by(events.c.id).limit(10_000)
    with store.engine.connect() as conn:
        new = list(conn.execute(query).mappings())
    if not new:
        return 0
    rows = [_delivery_row(hook_id, e["kind"], e["provider"], e["uri"], now) for e in new]
    with store.engine.begin() as conn:
        # The cursor moves first, and only from where this run read it: another worker
        # fanning out at the same time finds it moved and queues nothing a second time.
        moved = conn.execute(
            hooks.update()
            .where(hooks.c.id == hook_id, hooks.c.last_event_id == cursor)
            .values(last_event_id=new[-1]["id"])
        )
        if moved.rowcount != 1:
            return 0
        conn.execute(deliveries.insert(), rows)
    return len(rows)


def _delivery_row(
    webhook_id: int, event: str, provider: str | None, uri: str, at: datetime
) -> dict[str, Any]:
    return {
        "webhook_id": webhook_id,
        "event": event,
        "provider": provider,
        "uri": uri,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": at,
        "created_at": at,
    }


def claimed_deliveries(store: Store, claim: outbox.Claim) -> list[Any]:
    """The claimed deliveries, each with its webhook's member, url and secret."""
    deliveries, hooks = schema.webhook_deliveries, schema.webhooks
    query = sa.select(deliveries, hooks.c.member, hooks.c.url, hooks.c.secret).join(
        hooks, hooks.c.id == deliveries.c.webhook_id
    )
    return outbox.claimed_rows(store, claim, query)


def queue_delivery(
    store: Store, webhook_id: int, event: str, provider: str | None, uri: str, at: datetime
) -> None:
    row = _delivery_row(webhook_id, event, provider, uri, at)
    with store.engine.begin() as conn:
        conn.execute(schema.webhook_deliveries.insert().values(**row))


def list_deliveries(
    store: Store, webhook_id: int, status: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    table = schema.webhook_deliveries
    shown = [c for c in table.c if c.name != "lease_owner"]  # a worker's host: internal
    query = sa.select(*shown).where(table.c.webhook_id == webhook_id)
    if status:
        query = query.where(table.c.status == status)
    with store.engine.connect() as conn:
        rows = conn.execute(query.order_by(table.c.id.desc()).limit(limit)).mappings()
        return [
            {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()}
            for row in rows
        ]


def get_delivery(store: Store, delivery_id: int) -> dict[str, Any] | None:
    table = schema.webhook_deliveries
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(table).where(table.c.id == delivery_id)).mappings().first()
    return dict(row) if row else None


def replay(store: Store, delivery_id: int) -> bool:
    """Send a dead (or any finished) delivery again, from a fresh attempt count. A
    delivery a worker is sending right now is left alone (it would go out twice)."""
    table = schema.webhook_deliveries
    with store.engine.begin() as conn:
        done = conn.execute(
            table.update()
            .where(table.c.id == delivery_id, table.c.status != "sending")
            .values(status="pending", attempts=0, next_attempt_at=store.clock(), last_error=None)
        )
    return done.rowcount == 1
