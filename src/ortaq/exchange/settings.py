"""Settings of the exchange doors, from the environment."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

from ortaq.config import DEFAULT_MAX_INPUT_BYTES
from ortaq.exchange.outbound import Guard, IPNetwork, Resolver, parse_networks, system_resolver


@dataclass(frozen=True)
class ExchangeSettings:
    secret_key: str  # signs session cookies and CSRF tokens
    rate_limit: int  # requests per minute per token (or session)
    max_request_bytes: int
    webhook_timeout: float
    webhook_max_attempts: int
    poll_timeout: float
    cookie_secure: bool
    # Internal networks outbound requests may reach (tests, private deployments); none
    # by default, so webhooks and feeds in reach public addresses only.
    outbound_allow_networks: tuple[IPNetwork, ...] = ()
    poll_max_bytes: int = DEFAULT_MAX_INPUT_BYTES
    webhook_backoff: float = 30.0  # seconds before the first retry; doubles per attempt
    outbound_resolver: Resolver = system_resolver  # host names to addresses; tests replace it

    @classmethod
    def from_env(cls) -> ExchangeSettings:
        env = os.environ.get
        return cls(
            # Without a configured key, sessions last as long as the process.
            secret_key=env("ORTAQ_SECRET_KEY") or secrets.token_urlsafe(32),
            rate_limit=int(env("ORTAQ_RATE_LIMIT", "600")),
            max_request_bytes=int(env("ORTAQ_MAX_REQUEST_BYTES", str(DEFAULT_MAX_INPUT_BYTES))),
            webhook_timeout=float(env("ORTAQ_WEBHOOK_TIMEOUT", "10")),
            webhook_max_attempts=int(env("ORTAQ_WEBHOOK_MAX_ATTEMPTS", "8")),
            poll_timeout=float(env("ORTAQ_POLL_TIMEOUT", "20")),
            cookie_secure=env("ORTAQ_COOKIE_SECURE", "").lower() in {"1", "true", "yes"},
            outbound_allow_networks=parse_networks(env("ORTAQ_OUTBOUND_ALLOW_NETWORKS", "")),
            poll_max_bytes=int(env("ORTAQ_POLL_MAX_BYTES", str(DEFAULT_MAX_INPUT_BYTES))),
            webhook_backoff=float(env("ORTAQ_WEBHOOK_BACKOFF", "30")),
        )

    def outbound_guard(self) -> Guard:
        return Guard(allow=self.outbound_allow_networks, resolver=self.outbound_resolver)
