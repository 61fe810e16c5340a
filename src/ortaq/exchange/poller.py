"""Feeds in: partner feed URLs a member registered, polled on a schedule.

Conditional GET (ETag / Last-Modified), a few quick retries on transient errors, then
exponential backoff between polls; per-feed health is kept on the feed's row. Every
fetch goes through the guarded outbound client (`ortaq.exchange.outbound`): public
addresses only, redirects checked hop by hop, the body and the time bounded. What is
fetched goes through the one chain and quarantine, like every other door.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from ortaq.chain import Chain
from ortaq.exchange.outbound import Guard, Limits, OutboundClient, OutboundError
from ortaq.exchange.settings import ExchangeSettings
from ortaq.ingest import ingest_bytes
from ortaq.model import Hints
from ortaq.registry import Registry
from ortaq.store import Store, feeds, outbox
from ortaq.store.feeds import delete_source as delete_source
from ortaq.store.feeds import list_sources as list_sources

RETRIES = 2  # quick retries inside one poll
MAX_BACKOFF = timedelta(hours=6)
TRANSIENT = {429, 500, 502, 503, 504}
# Failures worth a quick retry; a refused address or an oversized feed will not change.
TRANSIENT_ERRORS = {"timeout", "refused", "unreachable", "network", "protocol"}
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fetched:
    status: int
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    media_type: str | None = None


class Fetcher(Protocol):
    name: str

    def fetch(self, url: str, etag: str | None, last_modified: str | None) -> Fetched:
        """GET the feed; raise `OutboundError` on failure."""
        ...


class HttpFetcher:
    name = "http"

    def __init__(self, client: OutboundClient) -> None:
        self.client = client

    def fetch(self, url: str, etag: str | None, last_modified: str | None) -> Fetched:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        response = self.client.request("GET", url, headers=headers, follow_redirects=True)
        media_type = response.headers.get("content-type", "").split(";")[0].strip() or None
        return Fetched(
            response.status,
            response.body,
            response.headers.get("etag"),
            response.headers.get("last-modified"),
            media_type,
        )


def outbound_client(settings: ExchangeSettings) -> OutboundClient:
    """Each connect and read waits at most 10 s, the whole fetch `ORTAQ_POLL_TIMEOUT`."""
    step = min(10.0, settings.poll_timeout)
    limits = Limits(settings.poll_timeout, step, step, settings.poll_max_bytes)
    return OutboundClient(settings.outbound_guard(), limits, user_agent="Ortaq feed poller")


def default_fetchers(settings: ExchangeSettings) -> Registry[Fetcher]:
    return Registry("feed fetcher", [HttpFetcher(outbound_client(settings))])


# -- registration -------------------------------------------------------------------------


def add_source(
    store: Store, member: str, url: str, interval_seconds: int = 300, guard: Guard | None = None
) -> dict[str, Any]:
    """A feed to poll for `member`; `outbound.Refused` (a ValueError) for a refused URL."""
    (guard or Guard()).check(url)
    source_id = feeds.insert_source(store, member, url, max(30, interval_seconds))
    found = get_source(store, source_id)
    assert found is not None
    return found


def get_source(store: Store, source_id: int) -> dict[str, Any] | None:
    found = list_sources(store, source_id=source_id)
    return found[0] if found else None


# -- polling ---------------------------------------------------------------------------------


@dataclass
class PollReport:
    polled: int = 0
    unchanged: int = 0
    failed: int = 0
    stored: int = 0
    quarantined: int = 0
    claimed: int = 0  # feeds this run claimed (see ortaq.store.outbox)
    released: int = 0  # claimed but given back unpolled: the worker is stopping
    lost: int = 0  # the lease ran out and another worker holds the feed
    last_error: str | None = None  # the category of the last failed poll

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in vars(self).items() if isinstance(v, int)}


def poll_due(
    store: Store,
    chain: Chain,
    fetcher: Fetcher,
    *,
    sleep: Callable[[float], None] = time.sleep,
    retry_delay: float = 0.5,
    claiming: outbox.Claiming | None = None,
    limit: int = 100,
) -> PollReport:
    """Claim up to `limit` due feeds and poll them; one bad feed never stops the others.

    The longest-waiting come first, and a failing feed backs off, so a feed that keeps
    failing never holds the head of the queue. The claim (see `ortaq.store.outbox`) keeps
    every other worker off these feeds; when `claiming.stop` turns true, the poll under
    way finishes and the rest is released.
    """
    claiming = claiming or outbox.Claiming()
    claim = outbox.claim(store, outbox.FEEDS, claiming, limit)
    report = PollReport(claimed=len(claim.ids))
    try:
        for source in feeds.claimed_sources(store, claim):
            if claiming.stop():
                break
            if not claim.hold(source["id"]):
                report.lost += 1
                continue
            report.polled += 1
            try:
                _poll(store, chain, fetcher, source, report, sleep, retry_delay)
            except Exception:  # anything at all: recorded on the row, the loop goes on
                log.exception("feed source %s failed unexpectedly", source["id"])
                report.failed += 1
                report.last_error = "internal_error"
                _failed_safely(store, source, store.clock(), None, "internal_error")
    finally:  # stopping, or the store failed: what was not polled is due again at once
        report.released = claim.release_rest()
    return report


def _fetch_with_retries(
    fetcher: Fetcher, source: Any, sleep: Callable[[float], None], delay: float
) -> Fetched:
    for attempt in range(RETRIES + 1):
        try:
            fetched = fetcher.fetch(source["url"], source["etag"], source["last_modified"])
        except OutboundError as error:
            if attempt == RETRIES or error.category not in TRANSIENT_ERRORS:
                raise
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
    try:
        fetched = _fetch_with_retries(fetcher, source, sleep, delay)
    except OutboundError as error:
        _failed(store, source, now, None, error.category)
        report.failed += 1
        report.last_error = error.category
        return
    if fetched.status == 304:
        _healthy(store, source, now, 304, {})
        report.unchanged += 1
        return
    if not 200 <= fetched.status < 300:
        _failed(store, source, now, fetched.status, f"http_{fetched.status}")
        report.failed += 1
        report.last_error = f"http_{fetched.status}"
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
    _update(store, source, last_polled_at=now, last_ok_at=now, last_status=status,
            last_error=None, failures=0,
            next_poll_at=now + timedelta(seconds=source["interval_seconds"]), **values)  # fmt: skip


def backoff(interval_seconds: int, failures: int) -> timedelta:
    """The interval doubled per failure, up to 6 hours (the exponent capped: no overflow)."""
    delay: timedelta = timedelta(seconds=interval_seconds) * 2 ** min(failures, 16)
    return min(delay, MAX_BACKOFF)


def _failed(store: Store, source: Any, now: datetime, status: int | None, error: str) -> None:
    """Record a failed poll (a coarse category, never the server's details) and back off."""
    failures = source["failures"] + 1
    wait = backoff(source["interval_seconds"], failures)
    _update(store, source, last_polled_at=now, last_status=status, last_error=error,
            failures=failures, next_poll_at=now + wait)  # fmt: skip


def _failed_safely(
    store: Store, source: Any, now: datetime, status: int | None, error: str
) -> None:
    try:
        _failed(store, source, now, status, error)
    except Exception:  # the store itself failed: the next feed may still succeed
        log.exception("could not record the failure of feed source %s", source["id"])


def _update(store: Store, source: Any, **values: Any) -> None:
    """The poll's outcome, written only while this poll's claim still holds the feed."""
    if not outbox.finish(store, outbox.FEEDS, source["id"], source["lease_owner"], values):
        log.warning("feed source %s: the lease ran out before its outcome", source["id"])
