"""Who is calling: bearer tokens for the API, signed session cookies for the web pages.

Also the per-caller rate limit and the request size limit. Token secrets are never
logged; the audit log names a token by its public prefix.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
import time
import unicodedata
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ortaq.api.problems import problem_response
from ortaq.exchange.accounts import Principal, Role, authenticate, get_user
from ortaq.exchange.settings import ExchangeSettings
from ortaq.store import Store

bearer = HTTPBearer(auto_error=False, description="An API token: `ortaq_<prefix>_<secret>`.")
SESSION_COOKIE = "ortaq_session"
CSRF_COOKIE = "ortaq_csrf"
SESSION_SECONDS = 12 * 3600


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_settings(request: Request) -> ExchangeSettings:
    settings: ExchangeSettings = request.app.state.settings
    return settings


class RateLimiter:
    """A token bucket per caller: `per_minute` requests, refilled continuously."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> float:
        """0 if the request may go ahead, else the seconds to wait."""
        if self.per_minute <= 0:
            return 0.0
        rate = self.per_minute / 60.0
        with self._lock:
            now = self.clock()
            tokens, last = self._buckets.get(key, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                return (1.0 - tokens) / rate
            self._buckets[key] = (tokens - 1.0, now)
            return 0.0


def principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The authenticated caller of an API route (401 otherwise), rate limited."""
    store = get_store(request)
    found = authenticate(store, credentials.credentials) if credentials else None
    if found is None:
        raise HTTPException(
            401, "a valid API token is required", headers={"WWW-Authenticate": "Bearer"}
        )
    assert found.token is not None
    wait = request.app.state.rate_limiter.allow(f"token:{found.token.prefix}")
    if wait:
        raise HTTPException(
            429, "rate limit exceeded", headers={"Retry-After": str(max(1, round(wait)))}
        )
    request.state.principal = found
    return found


Caller = Annotated[Principal, Depends(principal)]


def writer(caller: Caller) -> Principal:
    if caller.scope != "write":
        raise HTTPException(403, "this token may only read")
    return caller


Writer = Annotated[Principal, Depends(writer)]


def require_role(caller: Principal, *roles: Role) -> None:
    if caller.user.role not in roles:
        raise HTTPException(403, f"this needs the role {' or '.join(roles)}")


def is_operator(caller: Principal) -> bool:
    return caller.user.role == "operator"


def require_member_role(caller: Principal, member: str | None, *roles: Role) -> None:
    """Operators may act for any member; others only for their own, with a given role."""
    if is_operator(caller):
        return
    if member is None or caller.user.member != member or caller.user.role not in roles:
        raise HTTPException(403, "not allowed for this member")


# -- sessions for the web pages -----------------------------------------------------------


@dataclass(frozen=True)
class Sessions:
    secret: bytes

    def sign(self, value: str) -> str:
        mac = hmac.new(self.secret, value.encode(), hashlib.sha256).hexdigest()
        return f"{value}.{mac}"

    def verify(self, signed: str) -> str | None:
        value, _, mac = signed.rpartition(".")
        expected = hmac.new(self.secret, value.encode(), hashlib.sha256).hexdigest()
        return value if value and hmac.compare_digest(mac, expected) else None

    def cookie_for(self, user_id: int, now: float) -> str:
        return self.sign(f"{user_id}:{int(now) + SESSION_SECONDS}")

    def session_principal(self, store: Store, cookie: str | None, now: float) -> Principal | None:
        value = self.verify(cookie or "")
        if value is None:
            return None
        user_id, _, expires = value.partition(":")
        if not (user_id.isdigit() and expires.isdigit()) or int(expires) < now:
            return None
        user = get_user(store, int(user_id))
        if user is None or user.disabled:
            return None
        return Principal(user, "write")


# -- query parameters ---------------------------------------------------------------------


async def plain_query(request: Request) -> None:
    """No control characters in query parameters (422): a NUL in a search made it match
    everything, and none of them belongs in a filter, an id or a word."""
    for name, value in request.query_params.multi_items():
        bad = next((c for c in name + value if unicodedata.category(c) == "Cc"), None)
        if bad is not None:
            raise HTTPException(
                422, f"query parameter {name!r} holds the control character U+{ord(bad):04X}"
            )


# -- request size ---------------------------------------------------------------------------


class SizeLimit:
    """Refuse request bodies over `limit` bytes (413), declared or streamed.

    `own_limit` matches the POST paths that read their body through their own bounded
    reader (and quarantine what is too large, after authenticating the caller).
    """

    def __init__(self, app: ASGIApp, limit: int, own_limit: Sequence[re.Pattern[str]] = ()) -> None:
        self.app = app
        self.limit = limit
        self.own_limit = tuple(own_limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self._reads_own_body(scope):
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _too_large(self.limit)(scope, receive, send)
            return
        received = 0

        async def counting() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counting, send)
        except _TooLarge:
            await _too_large(self.limit)(scope, receive, send)

    def _reads_own_body(self, scope: Scope) -> bool:
        path = scope.get("path", "")
        return scope.get("method") == "POST" and any(p.fullmatch(path) for p in self.own_limit)


class _TooLarge(Exception):
    pass


def _too_large(limit: int) -> Any:
    return problem_response(413, f"request bodies are limited to {limit} bytes")


AsyncCall = Callable[..., Awaitable[Any]]
