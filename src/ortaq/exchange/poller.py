"""Feeds in: partner feed URLs a member registered, polled on a schedule.

Conditional GET (ETag / Last-Modified), a few quick retries on transient errors, then
exponential backoff between polls; per-feed health is kept on the feed's row. What is
fetched goes through the one chain and quarantine, like every other door.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

import httpx
import sqlalchemy as sa

from ortaq.chain import Chain
from ortaq.ingest import ingest_bytes
from ortaq.model import Hints
from ortaq.registry import Registry
from ortaq.store import Store, schema

RETRIES = 2  # quick retries inside one poll
MAX_BACKOFF = timedelta(hours=6)
TRANSIENT = {429, 500, 502, 503, 504}


@dataclass(frozen=True)
class Fetched:
    status: int
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    media_type: str | None = None


class Fetcher(Protocol):
    name: str

    def fetch(self, url: str, etag: str | None, last_modified: str | None) -> Fetched: ...


class HttpFetcher:
    name = "http"

    def __init__(self, timeout: float = 20.0, max_bytes: int = 20 * 1024 * 1024) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes

    def fetch(self, url: str, etag: str | None, last_modified: str | None) -> Fetched:
        headers = {"User-Agent": "Ortaq feed poller"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        with (
            httpx.Client(timeout=self.timeout, follow_redirects=True) as client,
            client.stream("GET", url, headers=headers) as response,
        ):
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > self.max_bytes:
                    raise OSError(f"feed larger than {self.max_bytes} bytes")
            media_type = response.headers.get("content-type", "").split(";")[0] or None
            return Fetched(
                response.status_code,
                body,
                response.headers.get("etag"),
                response.headers.get("last-modified"),
                media_type,
            )


@dataclass
class MemoryFetcher:
    """The in-memory twin: answers from a dict of url -> list of responses, in turn."""

    name: str = "memory"
    responses: dict[str, list[Fetched]] = field(default_factory=dict)
    requests: list[tuple[str, str | None, str | None]] = field(default_factory=list)

    def fetch(self, url: str, etag: str | None, last_modified: str | None) -> Fetched:
        self.requests.append((url, etag, last_modified))
        queue = self.responses.get(url) or [Fetched(404)]
        return queue.pop(0) if len(queue) > 1 else queue[0]


def default_fetchers(timeout: float = 20.0) -> Registry[Fetcher]:
    return Registry("feed fetcher", [HttpFetcher(timeout), MemoryFetcher()])


# -- registration -------------------------------------------------------------------------


def add_source(store: Store, member: str, url: str, interval_seconds: int = 300) -> dict[str, Any]:
    if not url.startswith(("http://", "https://")):
        raise ValueError("feed URLs are http:// or https://")
    table = schema.feed_sources
    now = store.clock()
    with store.engine.begin() as conn:
        result = conn.execute(
            table.insert().values(
                member=member,
                url=url,
                interval_seconds=max(30, interval_seconds),
                active=True,
                next_poll_at=now,
                failures=0,
                items_stored=0,
                created_at=now,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
    found = get_source(store, int(key[0]))
    assert found is not None
    return found


def get_source(store: Store, source_id: int) -> dict[str, Any] | None:
    found = list_sources(store, source_id=source_id)
    return found[0] if found else None


def list_sources(
    store: Store, member: str | None = None, source_id: int | None = None
) -> list[dict[str, Any]]:
    table = schema.feed_sources
    query = sa.select(table).order_by(table.c.id)
    if member is not None:
        query = query.where(table.c.member == member)
    if source_id is not None:
        query = query.where(table.c.id == source_id)
    with store.engine.connect() as conn:
        return [
            {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()}
            for row in conn.execute(query).mappings()
        ]


def delete_source(store: Store, source_id: int) -> bool:
    table = schema.feed_sources
    with store.engine.begin() as conn:
        return conn.execute(table.delete().where(table.c.id == source_id)).rowcount == 1


# -- polling ---------------------------------------------------------------------------------


@dataclass
class PollReport:
    polled: int = 0
    unchanged: int = 0
    failed: int = 0
    stored: int = 0
    quarantined: int = 0


def poll_due(
    store: Store,
    chain: Chain,
    fetcher: Fetcher,
    *,
    sleep: Callable[[float], None] = time.sleep,
    retry_delay: float = 0.5,
) -> PollReport:
    """Poll every active feed that is due; one bad feed never stops the others."""
    table, now = schema.feed_sources, store.clock()
    query = sa.select(table).where(table.c.active, table.c.next_poll_at <= now)
    with store.engine.connect() as conn:
        due = list(conn.execute(query.order_by(table.c.id)).mappings())
    report = PollReport()
    for source in due:
        _poll(store, chain, fetcher, source, report, sleep, retry_delay)
    return report


def _fetch_with_retries(
    fetcher: Fetcher, source: Any, sleep: Callable[[float], None], delay: float
) -> Fetched:
    for attempt in range(RETRIES + 1):
        try:
            fetched = fetcher.fetch(source["url"], source["etag"], source["last_modified"])
        except (OSError, httpx.HTTPError) as error:
            if attempt == RETRIES:
                raise OSError(f"{type(error).__name__}: {error}") from error
        else:
            if fetched.status not in TRANSIENT or attempt == RETRIES:
                return fetched
        sleep(delay * 2**attempt)
    raise AssertionError("unreachable")


def _poll(
    store: Store,
    chain: Chain,
    fetcher: Fetcher,
    source: Any,
    report: PollReport,
    sleep: Callable[[float], None],
    delay: float,
) -> None:
    now = store.clock()
    report.polled += 1
    try:
        fetched = _fetch_with_retries(fetcher, source, sleep, delay)
    except OSError as error:
        _failed(store, source, now, None, str(error))
        report.failed += 1
        return
    if fetched.status == 304:
        _healthy(store, source, now, 304, {})
        report.unchanged += 1
        return
    if not 200 <= fetched.status < 300:
        _failed(store, source, now, fetched.status, f"HTTP {fetched.status}")
        report.failed += 1
        return
    hints = Hints(
        source_name=source["url"], provider=source["member"], media_type=fetched.media_type
    )
    outcomes = ingest_bytes(store, chain, fetched.body, hints)
    stored = sum(o.kind in ("new", "version", "status") for o in outcomes)
    report.stored += stored
    report.quarantined += sum(o.kind == "quarantined" for o in outcomes)
    validators = {"etag": fetched.etag, "last_modified": fetched.last_modified}
    _healthy(
        store,
        source,
        now,
        fetched.status,
        {**validators, "items_stored": source["items_stored"] + stored},
    )


def _healthy(store: Store, source: Any, now: datetime, status: int, values: dict[str, Any]) -> None:
    _update(store, source["id"], last_polled_at=now, last_ok_at=now, last_status=status,
            last_error=None, failures=0,
            next_poll_at=now + timedelta(seconds=source["interval_seconds"]), **values)  # fmt: skip


def _failed(store: Store, source: Any, now: datetime, status: int | None, error: str) -> None:
    failures = source["failures"] + 1
    wait = min(timedelta(seconds=source["interval_seconds"]) * 2**failures, MAX_BACKOFF)
    _update(store, source["id"], last_polled_at=now, last_status=status, last_error=error[:2000],
            failures=failures, next_poll_at=now + wait)  # fmt: skip


def _update(store: Store, source_id: int, **values: Any) -> None:
    table = schema.feed_sources
    with store.engine.begin() as conn:
        conn.execute(table.update().where(table.c.id == source_id).values(**values))
