"""Shared pieces of the outbound tests: the table of internal URLs, a test resolver, the
in-memory webhook transport, and settings that let a test reach its own local servers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa

from ortaq.exchange.outbound import Guard, parse_networks
from ortaq.exchange.settings import ExchangeSettings
from ortaq.store import Store, schema

# Names a test resolver knows; every other name does not resolve (no DNS in tests).
NAMES: dict[str, list[str]] = {
    "localhost": ["127.0.0.1", "::1"],
    "feeds.partner.example": ["127.0.0.1"],  # looks public, resolves to loopback
    "mixed.partner.example": ["93.184.215.14", "10.1.2.3"],  # one public, one private
    "public.partner.example": ["93.184.215.14"],
}


def resolve_test_names(host: str, port: int) -> Sequence[str]:
    return NAMES.get(host.lower().removesuffix("."), [])


# Every kind of internal URL the tester tried, and a few more. `{port}` is a live local
# server's port where the address is this machine, so a request that got through would
# be seen; the others are never contacted (the test guard stops them first).
INTERNAL_URLS: list[tuple[str, str]] = [
    ("loopback", "http://127.0.0.1:{port}/x"),
    ("localhost", "http://localhost:{port}/x"),
    ("ipv6 loopback", "http://[::1]:{port}/x"),
    ("decimal", "http://2130706433:{port}/x"),
    ("hex", "http://0x7f000001:{port}/x"),
    ("octal", "http://0177.0.0.1:{port}/x"),
    ("short", "http://127.1:{port}/x"),
    ("hex dotted", "http://0x7f.1:{port}/x"),
    ("trailing dot", "http://127.0.0.1.:{port}/x"),
    ("unspecified", "http://0.0.0.0:{port}/x"),
    ("cloud metadata", "http://169.254.169.254/latest/meta-data/"),
    ("metadata name", "http://metadata.google.internal/computeMetadata/v1/"),
    ("10/8", "http://10.0.0.1/x"),
    ("172.16/12", "http://172.16.0.1/x"),
    ("192.168/16", "http://192.168.1.1/x"),
    ("ipv4-mapped", "http://[::ffff:127.0.0.1]:{port}/x"),
    ("unique local", "http://[fd00::1]/x"),
    ("shared 100.64/10", "http://100.64.0.1/x"),
    ("nat64", "http://[64:ff9b::7f00:1]:{port}/x"),
    ("name to loopback", "http://feeds.partner.example:{port}/x"),
    ("one address private", "http://mixed.partner.example/x"),
]
REFUSALS = {"blocked_address", "invalid_url"}


def strict_guard() -> Guard:
    """The production guard (nothing internal allowed) with the test resolver."""
    return Guard(resolver=resolve_test_names)


def local_settings(networks: str = "127.0.0.1/32") -> ExchangeSettings:
    """The explicit allow setting, for tests that must reach their own local servers."""
    return replace(
        ExchangeSettings.from_env(),
        rate_limit=0,
        outbound_allow_networks=parse_networks(networks),
        outbound_resolver=resolve_test_names,
        webhook_timeout=5,
        poll_timeout=5,
    )


def legacy_row(store: Store, table: sa.Table, **values: Any) -> int:
    """A row as registered before the guard existed (any URL at all)."""
    now = store.clock()
    defaults: dict[str, Any] = {"member": "ma", "active": True, "created_at": now}
    if table is schema.webhooks:
        defaults |= {"secret": "s", "last_event_id": 0}
    else:
        defaults |= {"interval_seconds": 60, "next_poll_at": now, "failures": 0}
        defaults |= {"items_stored": 0}
    with store.engine.begin() as conn:
        key = conn.execute(table.insert().values(**(defaults | values))).inserted_primary_key
    assert key is not None
    return int(key[0])


@dataclass
class MemoryTransport:
    """The in-memory webhook twin: records what would be sent, answers `statuses` in turn."""

    name: str = "memory"
    statuses: list[int] = field(default_factory=list)
    sent: list[tuple[str, bytes, dict[str, str]]] = field(default_factory=list)

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        self.sent.append((url, body, headers))
        return self.statuses.pop(0) if self.statuses else 200
