"""The audit log: who read, exported or changed what, and when."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ortaq.store import schema
from ortaq.store.store import Store


def record(
    store: Store,
    actor: str,
    action: str,
    target: str,
    *,
    member: str | None = None,
    **detail: Any,
) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            schema.audit_log.insert().values(
                at=store.clock(),
                actor=actor[:200],
                member=member,
                action=action,
                target=target[:1000],
                detail=detail,
            )
        )


def entries(
    store: Store, *, member: str | None = None, limit: int = 100, after_id: int | None = None
) -> list[dict[str, Any]]:
    """Newest first, paged by id."""
    log = schema.audit_log
    query = sa.select(log).order_by(log.c.id.desc()).limit(limit)
    if member is not None:
        query = query.where(log.c.member == member)
    if after_id is not None:
        query = query.where(log.c.id < after_id)
    with store.engine.connect() as conn:
        return [{**row, "at": row["at"].isoformat()} for row in conn.execute(query).mappings()]
