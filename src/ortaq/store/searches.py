"""Saved searches: a member's named filters, each also a feed."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ortaq.store import schema
from ortaq.store.store import Store, StoredItem
from ortaq.viewer import Viewer

QUERY_KEYS = ("text", "language", "provider", "topic")


def save_search(store: Store, member: str, name: str, query: dict[str, str]) -> dict[str, Any]:
    table = schema.saved_searches
    clean = {k: v for k, v in query.items() if k in QUERY_KEYS and v}
    with store.engine.begin() as conn:
        conn.execute(table.delete().where(table.c.member == member, table.c.name == name))
        conn.execute(
            table.insert().values(member=member, name=name, query=clean, created_at=store.clock())
        )
    found = get_search(store, member, name)
    assert found is not None
    return found


def get_search(store: Store, member: str, name: str) -> dict[str, Any] | None:
    table = schema.saved_searches
    query = sa.select(table).where(table.c.member == member, table.c.name == name)
    with store.engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    return _json(row) if row else None


def list_searches(store: Store, member: str) -> list[dict[str, Any]]:
    table = schema.saved_searches
    query = sa.select(table).where(table.c.member == member).order_by(table.c.name)
    with store.engine.connect() as conn:
        return [_json(row) for row in conn.execute(query).mappings()]


def delete_search(store: Store, member: str, name: str) -> bool:
    table = schema.saved_searches
    with store.engine.begin() as conn:
        done = conn.execute(table.delete().where(table.c.member == member, table.c.name == name))
    return done.rowcount == 1


def run_search(
    store: Store, viewer: Viewer, query: dict[str, str], limit: int = 50
) -> list[StoredItem]:
    """The search's items, through the same policy as every other read."""
    return store.list_items(
        limit=limit,
        viewer=viewer,
        text=query.get("text") or None,
        language=query.get("language") or None,
        provider=query.get("provider") or None,
        topic=query.get("topic") or None,
    )


def _json(row: Any) -> dict[str, Any]:
    return {
        "name": row["name"],
        "member": row["member"],
        "query": dict(row["query"]),
        "created_at": row["created_at"].isoformat(),
    }
