"""Shared helpers for exchange tests: a settable clock, a wiped store, demo-free members."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from ortaq.store import Store, schema

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Clock:
    """A clock tests move by hand."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


KEEP = frozenset({"members", "users", "api_tokens"})


def wipe(store: Store, keep: frozenset[str] = KEEP) -> None:
    """Empty every table but the accounts (faster than a new database per example)."""
    with store.engine.begin() as conn:
        for table in reversed(schema.metadata.sorted_tables):
            if table.name not in keep:
                conn.execute(sa.delete(table))


def add_members(store: Store, slugs: tuple[str, ...]) -> None:
    for slug in slugs:
        store.upsert_member(slug, slug.upper(), languages=["en"])
