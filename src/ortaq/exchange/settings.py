"""Settings of the exchange doors, from the environment."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import timedelta

from ortaq.config import DEFAULT_MAX_INPUT_BYTES, DEFAULT_MAX_REQUEST_BYTES
from ortaq.exchange.outbound import Guard, IPNetwork, Resolver, parse_networks, system_resolver
from ortaq.exchange.sessions import Lifetime
from ortaq.exchange.signin import SignInLimits
from ortaq.exchange.throttle import Limits

TRUE = {"1", "true", "yes"}


@dataclass(frozen=True)
class ExchangeSettings:
    secret_key: str  # signs the sign-in form's CSRF token
    rate_limit: int  # requests per minute per token (or session)
    max_request_bytes: int
    webhook_timeout: float
    webhook_max_attempts: int
    poll_timeout: float
    cookie_secure: bool  # Secure cookies (and __Host- names); off only for plain-HTTP dev
    # Internal networks outbound requests may reach (tests, private deployments); none
    # by default, so webhooks and feeds in reach public addresses only.
    outbound_allow_networks: tuple[IPNetwork, ...] = ()
    poll_max_bytes: int = DEFAULT_MAX_INPUT_BYTES
    webhook_backoff: float = 30.0  # seconds before the first retry; doubles per attempt
    outbound_resolver: Resolver = system_resolver  # host names to addresses; tests replace it
    session_idle_seconds: int = 2 * 3600
    session_max_seconds: int = 12 * 3600
    login_max_failures: int = 5
    login_max_failures_per_address: int = 20
    login_window_seconds: int = 15 * 60
    login_lockout_seconds: int = 60
    login_max_lockout_seconds: int = 3600

    @classmethod
    def from_env(cls) -> ExchangeSettings:
        env = os.environ.get
        return cls(
            # Without a configured key, a sign-in form works only with the process that
            # served it (sessions themselves live in the database).
            secret_key=env("ORTAQ_SECRET_KEY") or secrets.token_urlsafe(32),
            rate_limit=int(env("ORTAQ_RATE_LIMIT", "600")),
            max_request_bytes=int(env("ORTAQ_MAX_REQUEST_BYTES", str(DEFAULT_MAX_REQUEST_BYTES))),
            webhook_timeout=float(env("ORTAQ_WEBHOOK_TIMEOUT", "10")),
            webhook_max_attempts=int(env("ORTAQ_WEBHOOK_MAX_ATTEMPTS", "8")),
            poll_timeout=float(env("ORTAQ_POLL_TIMEOUT", "20")),
            cookie_secure=env("ORTAQ_INSECURE_COOKIES", "").lower() not in TRUE,
            outbound_allow_networks=parse_networks(env("ORTAQ_OUTBOUND_ALLOW_NETWORKS", "")),
            poll_max_bytes=int(env("ORTAQ_POLL_MAX_BYTES", str(DEFAULT_MAX_INPUT_BYTES))),
            session_idle_seconds=_positive("ORTAQ_SESSION_IDLE_SECONDS", 2 * 3600),
            session_max_seconds=_positive("ORTAQ_SESSION_MAX_SECONDS", 12 * 3600),
            login_max_failures=_positive("ORTAQ_LOGIN_MAX_FAILURES", 5),
            login_max_failures_per_address=_positive("ORTAQ_LOGIN_MAX_FAILURES_PER_ADDRESS", 20),
            login_window_seconds=_positive("ORTAQ_LOGIN_WINDOW_SECONDS", 15 * 60),
            login_lockout_seconds=_positive("ORTAQ_LOGIN_LOCKOUT_SECONDS", 60),
            login_max_lockout_seconds=_positive("ORTAQ_LOGIN_MAX_LOCKOUT_SECONDS", 3600),
            webhook_backoff=float(env("ORTAQ_WEBHOOK_BACKOFF", "30")),
        )

    def outbound_guard(self) -> Guard:
        return Guard(allow=self.outbound_allow_networks, resolver=self.outbound_resolver)

    @property
    def session_lifetime(self) -> Lifetime:
        return Lifetime(
            idle=timedelta(seconds=self.session_idle_seconds),
            absolute=timedelta(seconds=self.session_max_seconds),
        )

    @property
    def sign_in_limits(self) -> SignInLimits:
        def limits(max_failures: int) -> Limits:
            return Limits(
                max_failures=max_failures,
                window=timedelta(seconds=self.login_window_seconds),
                lockout=timedelta(seconds=self.login_lockout_seconds),
                max_lockout=timedelta(seconds=self.login_max_lockout_seconds),
            )

        return SignInLimits(
            per_user=limits(self.login_max_failures),
            per_address=limits(self.login_max_failures_per_address),
        )


def _positive(name: str, default: int) -> int:
    """A whole number of at least 1 from the environment; a clear error otherwise."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, not {text!r}")
    return int(text)
