"""Web sign-in sessions, kept server-side so that they can be ended.

The browser holds a random secret; the database holds its SHA-256 (like API tokens, the
secret is long and random, so a slow hash buys nothing). A session is valid until it is
ended (logout, password change, user disabled), `idle` passes without a request, or it
reaches its absolute expiry, whichever comes first.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa

from ortaq.store import schema
from ortaq.store.store import Store

EndReason = Literal["logout", "password", "disabled"]
LAST_SEEN_RESOLUTION = timedelta(minutes=1)  # fewer writes: idle expiry is this precise
KEEP_ENDED = timedelta(days=30)  # expired rows are deleted after this long


@dataclass(frozen=True)
class Lifetime:
    idle: timedelta
    absolute: timedelta


@dataclass(frozen=True)
class Session:
    id: int
    user_id: int
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    ended_at: datetime | None
    end_reason: str | None
    client_address: str | None
    user_agent: str | None


def start(
    store: Store,
    user_id: int,
    lifetime: Lifetime,
    *,
    client_address: str | None = None,
    user_agent: str | None = None,
) -> tuple[Session, str]:
    """A new session and its secret, which only the browser keeps."""
    secret, now = secrets.token_urlsafe(32), store.clock()
    table = schema.sessions
    with store.engine.begin() as conn:
        conn.execute(table.delete().where(table.c.expires_at < now - KEEP_ENDED))
        result = conn.execute(
            table.insert().values(
                secret_hash=_digest(secret),
                user_id=user_id,
                created_at=now,
                last_seen_at=now,
                expires_at=now + lifetime.absolute,
                client_address=(client_address or "")[:64] or None,
                user_agent=(user_agent or "")[:300] or None,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
    found = get(store, int(key[0]))
    assert found is not None
    return found, secret


def resolve(store: Store, secret: str, lifetime: Lifetime) -> Session | None:
    """The live session behind a secret (and its last request noted), or None."""
    if not secret:
        return None
    table, now = schema.sessions, store.clock()
    query = sa.select(table).where(
        table.c.secret_hash == _digest(secret),
        table.c.ended_at.is_(None),
        table.c.expires_at > now,
        table.c.last_seen_at > now - lifetime.idle,
    )
    with store.engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    if row is None:
        return None
    session = _session(row)
    if now - session.last_seen_at >= LAST_SEEN_RESOLUTION:
        with store.engine.begin() as conn:
            conn.execute(table.update().where(table.c.id == session.id).values(last_seen_at=now))
    return session


def get(store: Store, session_id: int) -> Session | None:
    table = schema.sessions
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(table).where(table.c.id == session_id)).mappings().first()
    return _session(row) if row else None


def end(store: Store, session_id: int, reason: EndReason) -> bool:
    table = schema.sessions
    with store.engine.begin() as conn:
        done = conn.execute(
            table.update()
            .where(table.c.id == session_id, table.c.ended_at.is_(None))
            .values(ended_at=store.clock(), end_reason=reason)
        )
    return done.rowcount == 1


def end_all(conn: sa.Connection, user_id: int, now: datetime, reason: EndReason) -> int:
    """End every open session of a user, inside the caller's transaction; how many."""
    table = schema.sessions
    done = conn.execute(
        table.update()
        .where(table.c.user_id == user_id, table.c.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
    )
    return done.rowcount


def open_sessions(store: Store, user_id: int) -> list[Session]:
    """Sessions not ended by anyone (some may have expired)."""
    table = schema.sessions
    query = sa.select(table).where(table.c.user_id == user_id, table.c.ended_at.is_(None))
    with store.engine.connect() as conn:
        return [_session(row) for row in conn.execute(query.order_by(table.c.id)).mappings()]


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _session(row: Any) -> Session:
    return Session(
        row["id"],
        row["user_id"],
        row["created_at"],
        row["last_seen_at"],
        row["expires_at"],
        row["ended_at"],
        row["end_reason"],
        row["client_address"],
        row["user_agent"],
    )
