"""Who is calling: bearer tokens for the API, session cookies for the web pages.

Also the per-caller rate limit, the request size limit, the cookies' flags, CSRF tokens
and the security headers of every response. Token secrets are never logged; the audit log
names a token by its public prefix (and uvicorn's access log drops query values:
`ortaq.api.access_log`).
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
from typing import Annotated, Any, Literal

from fastapi import Depends, HTTPException, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ortaq.api.problems import problem_response
from ortaq.exchange.accounts import Principal, Role, authenticate
from ortaq.exchange.settings import ExchangeSettings
from ortaq.store import Store

bearer = HTTPBearer(auto_error=False, description="An API token: `ortaq_<prefix>_<secret>`.")


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


# -- cookies and CSRF tokens of the web pages ---------------------------------------------


@dataclass(frozen=True)
class Cookies:
    """The web pages' cookies: HttpOnly always; Secure, with the `__Host-` prefix (no other
    host or plain-HTTP page can set them), unless `ORTAQ_INSECURE_COOKIES` is on."""

    secure: bool

    @property
    def session(self) -> str:
        return f"{self._prefix}ortaq_session"

    @property
    def login(self) -> str:
        """The sign-in form's nonce, which its CSRF token is bound to."""
        return f"{self._prefix}ortaq_login"

    @property
    def _prefix(self) -> str:
        return "__Host-" if self.secure else ""

    def set(
        self,
        response: Response,
        name: str,
        value: str,
        *,
        max_age: int | None = None,
        samesite: Literal["lax", "strict"] = "lax",
    ) -> None:
        response.set_cookie(
            name, value, max_age=max_age, path="/", secure=self.secure, httponly=True,
            samesite=samesite,
        )  # fmt: skip

    def clear(self, response: Response, name: str) -> None:
        response.delete_cookie(name, path="/", secure=self.secure, httponly=True, samesite="lax")


def session_csrf(session_secret: str) -> str:
    """The CSRF token of a session: an HMAC of the session's own secret, so a token from
    another session, or one an attacker made up, never matches."""
    return hmac.new(session_secret.encode(), b"ortaq csrf", hashlib.sha256).hexdigest()


def login_csrf(secret_key: str, nonce: str) -> str:
    """The sign-in form's token: bound to the nonce cookie by the server's key."""
    message = f"ortaq login {nonce}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def same_token(expected: str, submitted: str) -> bool:
    return bool(expected) and hmac.compare_digest(expected.encode(), submitted.encode())


# -- security headers ----------------------------------------------------------------------

# Pages load only their own stylesheet: no script at all, no inline style, no frames.
# Pages run only this server's scripts (htmx and the newsroom's own, from /assets and
# /static) and fetch only from it (htmx fragments, map data): nothing inline, no CDN.
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# JSON, feeds and exports: nothing to load, and never run as a document if opened.
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; sandbox"
DEFAULT_HEADERS = (
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),  # every answer is for one caller; a route may relax it
)


class SecurityHeaders:
    """Add the security headers to every response that does not set its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                html = headers.get("content-type", "").startswith("text/html")
                headers.setdefault("Content-Security-Policy", PAGE_POLICY if html else API_POLICY)
                for name, value in DEFAULT_HEADERS:
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)


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
