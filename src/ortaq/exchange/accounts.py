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

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ortaq.store import Store
from ortaq.store import accounts as rows
from ortaq.store.accounts import AccountError as AccountError
from ortaq.store.accounts import revoke_token as revoke_token
from ortaq.store.accounts import set_disabled as set_disabled
from ortaq.viewer import Viewer

Role = Literal["operator", "admin", "editor", "reader"]
ROLES: tuple[Role, ...] = ("operator", "admin", "editor", "reader")
Scope = Literal["read", "write"]
SCOPES: tuple[Scope, ...] = ("read", "write")
TOKEN_PREFIX = "ortaq"
LAST_USED_RESOLUTION = timedelta(minutes=1)  # fewer writes on hot tokens

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("not a password")  # keeps unknown-user logins as slow as real ones


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
    user_id = rows.insert_user(
        store,
        username=username,
        display_name=display_name or username,
        member=member,
        role=role,
        password_hash=_hasher.hash(password),
    )
    found = get_user(store, user_id)
    assert found is not None
    return found


def _user(row: Any) -> User:
    return User(
        row["id"], row["username"], row["display_name"], row["member"], row["role"], row["disabled"]
    )


def get_user(store: Store, key: int | str) -> User | None:
    row = rows.user_row(store, key)
    return _user(row) if row else None


def list_users(store: Store, member: str | None = None) -> list[User]:
    return [_user(row) for row in rows.user_rows(store, member)]


def set_password(store: Store, username: str, password: str) -> None:
    """A new password; every web session of the user ends with the old one."""
    if len(password) < 8:
        raise AccountError("passwords have at least 8 characters")
    rows.set_password_hash(store, username, _hasher.hash(password))


def check_password(store: Store, username: str, password: str) -> User | None:
    """The user if the password is right and the user enabled; the same work either way."""
    row = rows.user_row(store, username)
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
    token_id = rows.insert_token(
        store,
        user_id=user_id,
        prefix=prefix,
        secret_hash=_digest(secret),
        name=name[:200],
        scope=scope,
        expires_at=expires_at,
    )
    token = get_token(store, token_id)
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
    row = rows.token_row(store, token_id=token_id)
    return _token(row) if row else None


def list_tokens(
    store: Store, *, user_id: int | None = None, member: str | None = None
) -> list[Token]:
    return [_token(row) for row in rows.token_rows(store, user_id=user_id, member=member)]


def authenticate(store: Store, presented: str) -> Principal | None:
    """The principal behind a presented token, or None (wrong, revoked, expired, disabled)."""
    parts = presented.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    prefix, secret = parts[1], parts[2]
    row = rows.token_row(store, prefix=prefix)
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
    rows.touch_token(store, token.id, now)
