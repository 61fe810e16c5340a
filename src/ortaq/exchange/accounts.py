"""Users (argon2-hashed passwords, roles) and API tokens (random, shown once, hashed).

Changing a user's password or disabling the user ends the user's web sessions
(`ortaq.exchange.sessions`).

A token reads `ortaq_<prefix>_<secret>`: the prefix finds the row, only the SHA-256 of
the secret is stored, and the comparison is constant-time. Tokens never reach a log:
the audit log and every message name the token by its prefix.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ortaq.exchange import sessions
from ortaq.exchange.policy import Viewer
from ortaq.store import Store, schema

Role = Literal["operator", "admin", "editor", "reader"]
ROLES: tuple[Role, ...] = ("operator", "admin", "editor", "reader")
Scope = Literal["read", "write"]
SCOPES: tuple[Scope, ...] = ("read", "write")
TOKEN_PREFIX = "ortaq"
LAST_USED_RESOLUTION = timedelta(minutes=1)  # fewer writes on hot tokens

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password")  # keeps unknown-user logins as slow as real ones


class AccountError(ValueError):
    """A user or token request that cannot be met; the message says why."""


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str
    member: str | None  # member slug; None for operators
    role: Role
    disabled: bool

    @property
    def viewer(self) -> Viewer:
        if self.role == "operator":
            return Viewer.as_operator(self.username)
        return Viewer(self.member, actor=self.username)

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Token:
    id: int
    user_id: int
    prefix: str
    name: str
    scope: Scope
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None

    def to_json(self) -> dict[str, Any]:
        return {
            k: v.isoformat() if isinstance(v, datetime) else v for k, v in self.__dict__.items()
        }


@dataclass(frozen=True)
class Principal:
    """An authenticated caller: a user, through a token (with a scope) or a session."""

    user: User
    scope: Scope
    token: Token | None = None

    @property
    def viewer(self) -> Viewer:
        return self.user.viewer

    @property
    def actor(self) -> str:
        return (
            self.user.username
            if self.token is None
            else f"{self.user.username}/{self.token.prefix}"
        )


# -- users -----------------------------------------------------------------------------


def create_user(
    store: Store,
    username: str,
    password: str,
    role: Role,
    *,
    member: str | None = None,
    display_name: str | None = None,
) -> User:
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    if (role == "operator") != (member is None):
        raise AccountError("operators belong to no member; every other user belongs to one")
    if len(password) < 8:
        raise AccountError("passwords have at least 8 characters")
    if not username or len(username) > 100:
        raise AccountError("usernames have 1 to 100 characters")
    users = schema.users
    with store.engine.begin() as conn:
        member_id = _member_id(conn, member) if member else None
        if conn.execute(sa.select(users.c.id).where(users.c.username == username)).first():
            raise AccountError(f"user {username!r} exists")
        result = conn.execute(
            users.insert().values(
                username=username,
                display_name=display_name or username,
                member_id=member_id,
                role=role,
                password_hash=_hasher.hash(password),
                disabled=False,
                created_at=store.clock(),
            )
        )
        key = result.inserted_primary_key
        assert key is not None
    found = get_user(store, int(key[0]))
    assert found is not None
    return found


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


def _user(row: Any) -> User:
    return User(
        row["id"], row["username"], row["display_name"], row["member"], row["role"], row["disabled"]
    )


def get_user(store: Store, key: int | str) -> User | None:
    users = schema.users
    where = users.c.id == key if isinstance(key, int) else users.c.username == key
    with store.engine.connect() as conn:
        row = conn.execute(_users_query().where(where)).mappings().first()
    return _user(row) if row else None


def list_users(store: Store, member: str | None = None) -> list[User]:
    query = _users_query().order_by(schema.users.c.username)
    if member is not None:
        query = query.where(schema.members.c.slug == member)
    with store.engine.connect() as conn:
        return [_user(row) for row in conn.execute(query).mappings()]


def set_password(store: Store, username: str, password: str) -> None:
    """A new password; every web session of the user ends with the old one."""
    if len(password) < 8:
        raise AccountError("passwords have at least 8 characters")
    users = schema.users
    new_hash = _hasher.hash(password)
    with store.engine.begin() as conn:
        user_id = conn.execute(sa.select(users.c.id).where(users.c.username == username)).scalar()
        if user_id is None:
            raise AccountError(f"no user {username!r}")
        conn.execute(users.update().where(users.c.id == user_id).values(password_hash=new_hash))
        sessions.end_all(conn, user_id, store.clock(), "password")


def set_disabled(store: Store, user_id: int, disabled: bool) -> None:
    """Disable (ending every web session of the user) or re-enable a user."""
    users = schema.users
    with store.engine.begin() as conn:
        conn.execute(users.update().where(users.c.id == user_id).values(disabled=disabled))
        if disabled:
            sessions.end_all(conn, user_id, store.clock(), "disabled")


def check_password(store: Store, username: str, password: str) -> User | None:
    """The user if the password is right and the user enabled; the same work either way."""
    users = schema.users
    with store.engine.connect() as conn:
        row = (
            conn.execute(
                _users_query()
                .add_columns(users.c.password_hash)
                .where(users.c.username == username)
            )
            .mappings()
            .first()
        )
    stored_hash = row["password_hash"] if row else _DUMMY_HASH
    try:
        _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or row["disabled"]:
        return None
    return _user(row)


# -- tokens ----------------------------------------------------------------------------


def create_token(
    store: Store,
    user_id: int,
    name: str,
    scope: Scope = "read",
    expires_at: datetime | None = None,
) -> tuple[Token, str]:
    """A new token and its secret text, which is shown this once and never stored."""
    if scope not in SCOPES:
        raise AccountError(f"scope must be one of {', '.join(SCOPES)}")
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    tokens = schema.api_tokens
    with store.engine.begin() as conn:
        result = conn.execute(
            tokens.insert().values(
                user_id=user_id,
                prefix=prefix,
                secret_hash=_digest(secret),
                name=name[:200],
                scope=scope,
                created_at=store.clock(),
                expires_at=expires_at,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
    token = get_token(store, int(key[0]))
    assert token is not None
    return token, f"{TOKEN_PREFIX}_{prefix}_{secret}"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _token(row: Any) -> Token:
    return Token(
        row["id"],
        row["user_id"],
        row["prefix"],
        row["name"],
        row["scope"],
        row["created_at"],
        row["expires_at"],
        row["revoked_at"],
        row["last_used_at"],
    )


def get_token(store: Store, token_id: int) -> Token | None:
    tokens = schema.api_tokens
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(tokens).where(tokens.c.id == token_id)).mappings().first()
    return _token(row) if row else None


def list_tokens(
    store: Store, *, user_id: int | None = None, member: str | None = None
) -> list[Token]:
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
        return [_token(row) for row in conn.execute(query).mappings()]


def revoke_token(store: Store, token_id: int) -> bool:
    tokens = schema.api_tokens
    with store.engine.begin() as conn:
        done = conn.execute(
            tokens.update()
            .where(tokens.c.id == token_id, tokens.c.revoked_at.is_(None))
            .values(revoked_at=store.clock())
        )
    return done.rowcount == 1


def authenticate(store: Store, presented: str) -> Principal | None:
    """The principal behind a presented token, or None (wrong, revoked, expired, disabled)."""
    parts = presented.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    prefix, secret = parts[1], parts[2]
    tokens = schema.api_tokens
    with store.engine.connect() as conn:
        row = conn.execute(sa.select(tokens).where(tokens.c.prefix == prefix)).mappings().first()
    expected = row["secret_hash"] if row else _digest("")
    if not hmac.compare_digest(expected, _digest(secret)) or row is None:
        return None
    token, now = _token(row), store.clock()
    if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        return None
    user = get_user(store, token.user_id)
    if user is None or user.disabled:
        return None
    _touch(store, token, now)
    return Principal(user, token.scope, token)


def _touch(store: Store, token: Token, now: datetime) -> None:
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    tokens = schema.api_tokens
    with store.engine.begin() as conn:
        conn.execute(tokens.update().where(tokens.c.id == token.id).values(last_used_at=now))
