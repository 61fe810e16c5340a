"""Users and API tokens as rows: the SQL behind `ortaq.exchange.accounts`.

The exchange hashes passwords and secrets and decides who may do what; this module only
reads and writes the `users` and `api_tokens` tables (rows as mappings, the user's member
by slug). Ending a user's sessions happens in the same transaction as the change that
ends them (`ortaq.store.sessions.end_all`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ortaq.store import schema, sessions
from ortaq.store.store import Store

Row = sa.RowMapping


class AccountError(ValueError):
    """A user or token request that cannot be met; the message says why."""


# -- users -----------------------------------------------------------------------------


def insert_user(
    store: Store,
    *,
    username: str,
    display_name: str,
    member: str | None,
    role: str,
    password_hash: str,
) -> int:
    users = schema.users
    with store.engine.begin() as conn:
        member_id = _member_id(conn, member) if member else None
        if conn.execute(sa.select(users.c.id).where(users.c.username == username)).first():
            raise AccountError(f"user {username!r} exists")
        result = conn.execute(
            users.insert().values(
                username=username,
                display_name=display_name,
                member_id=member_id,
                role=role,
                password_hash=password_hash,
                disabled=False,
                created_at=store.clock(),
            )
        )
        key = result.inserted_primary_key
        assert key is not None
    return int(key[0])


def _member_id(conn: sa.Connection, slug: str) -> int:
    members = schema.members
    found = conn.execute(sa.select(members.c.id).where(members.c.slug == slug)).scalar()
    if found is None:
        raise AccountError(f"no member {slug!r}")
    return int(found)


def _users_query() -> sa.Select[Any]:
    users, members = schema.users, schema.members
    return sa.select(users, members.c.slug.label("member")).select_from(
        users.outerjoin(members, members.c.id == users.c.member_id)
    )


def user_row(store: Store, key: int | str) -> Row | None:
    """A user by id or username, with `member` (the slug) and `password_hash`."""
    users = schema.users
    where = users.c.id == key if isinstance(key, int) else users.c.username == key
    with store.engine.connect() as conn:
        return conn.execute(_users_query().where(where)).mappings().first()


def user_rows(store: Store, member: str | None = None) -> list[Row]:
    query = _users_query().order_by(schema.users.c.username)
    if member is not None:
        query = query.where(schema.members.c.slug == member)
    with store.engine.connect() as conn:
        return list(conn.execute(query).mappings())


def set_password_hash(store: Store, username: str, password_hash: str) -> None:
    """A new password hash; every web session of the user ends with the old one."""
    users = schema.users
    with store.engine.begin() as conn:
        user_id = conn.execute(sa.select(users.c.id).where(users.c.username == username)).scalar()
        if user_id is None:
            raise AccountError(f"no user {username!r}")
        conn.execute(
            users.update().where(users.c.id == user_id).values(password_hash=password_hash)
        )
        sessions.end_all(conn, user_id, store.clock(), "password")


def set_disabled(store: Store, user_id: int, disabled: bool) -> None:
    """Disable (ending every web session of the user) or re-enable a user."""
    users = schema.users
    with store.engine.begin() as conn:
        conn.execute(users.update().where(users.c.id == user_id).values(disabled=disabled))
        if disabled:
            sessions.end_all(conn, user_id, store.clock(), "disabled")


# -- tokens ----------------------------------------------------------------------------


def insert_token(
    store: Store,
    *,
    user_id: int,
    prefix: str,
    secret_hash: str,
    name: str,
    scope: str,
    expires_at: datetime | None,
) -> int:
    tokens = schema.api_tokens
    with store.engine.begin() as conn:
        result = conn.execute(
            tokens.insert().values(
                user_id=user_id,
                prefix=prefix,
                secret_hash=secret_hash,
                name=name,
                scope=scope,
                created_at=store.clock(),
                expires_at=expires_at,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
    return int(key[0])


def token_row(
    store: Store, *, token_id: int | None = None, prefix: str | None = None
) -> Row | None:
    """A token by id or by prefix (with its `secret_hash`)."""
    tokens = schema.api_tokens
    where = tokens.c.id == token_id if token_id is not None else tokens.c.prefix == prefix
    with store.engine.connect() as conn:
        return conn.execute(sa.select(tokens).where(where)).mappings().first()


def token_rows(store: Store, *, user_id: int | None = None, member: str | None = None) -> list[Row]:
    tokens, users, members = schema.api_tokens, schema.users, schema.members
    query = sa.select(tokens).order_by(tokens.c.id)
    if user_id is not None:
        query = query.where(tokens.c.user_id == user_id)
    if member is not None:
        in_member = (
            sa.select(users.c.id)
            .join(members, members.c.id == users.c.member_id)
            .where(members.c.slug == member)
        )
        query = query.where(tokens.c.user_id.in_(in_member))
    with store.engine.connect() as conn:
        return list(conn.execute(query).mappings())


def revoke_token(store: Store, token_id: int) -> bool:
    tokens = schema.api_tokens
    with store.engine.begin() as conn:
        done = conn.execute(
            tokens.update()
            .where(tokens.c.id == token_id, tokens.c.revoked_at.is_(None))
            .values(revoked_at=store.clock())
        )
    return done.rowcount == 1


def touch_token(store: Store, token_id: int, now: datetime) -> None:
    tokens = schema.api_tokens
    with store.engine.begin() as conn:
        conn.execute(tokens.update().where(tokens.c.id == token_id).values(last_used_at=now))
