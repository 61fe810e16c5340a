"""Feeds in against a real HTTP server on 127.0.0.1: conditional GET, retries, health."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from ortaq.chain import default_chain
from ortaq.exchange import poller
from ortaq.exchange.settings import ExchangeSettings
from ortaq.store import Store, schema
from ortaq.viewer import OPERATOR
from tests.exchange.helpers import Clock, add_members
from tests.exchange.outbound_support import legacy_row, local_settings
from tests.exchange.servers import Recorded, serve

LOCAL = local_settings()  # the explicit allow setting: these feeds are served on 127.0.0.1

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Partner</title><link>http://example.org/</link>
<description>d</description>
<item><title>Wheat harvest reaches 680,000 tonnes</title><link>http://example.org/1</link>
<guid>urn:partner:1</guid><pubDate>Tue, 23 Jun 2026 09:00:00 GMT</pubDate>
<description>The harvest in the southern provinces reached 680,000 tonnes this year.</description>
</item></channel></rss>"""


def test_conditional_get_retries_and_health(store: Store) -> None:
    clock = Clock()
    store.clock = clock
    add_members(store, ("ma",))
    chain, [fetcher] = default_chain(), poller.default_fetchers(LOCAL)
    calls = {"n": 0}

    def respond(request: Recorded) -> tuple[int, dict[str, str], bytes]:
        calls["n"] += 1
        if calls["n"] == 1:
            return 503, {}, b"busy"  # a transient error: retried within the poll
        if request.headers.get("If-None-Match") == '"v1"':
            return 304, {}, b""
        return 200, {"ETag": '"v1"', "Content-Type": "application/rss+xml"}, RSS

    with serve() as server:
        server.respond = respond
        url, guard = server.url + "/feed.xml", LOCAL.outbound_guard()
        source = poller.add_source(store, "ma", url, interval_seconds=60, guard=guard)
        report = poller.poll_due(store, chain, fetcher, sleep=lambda s: None)
        assert (report.polled, report.stored, report.failed) == (1, 1, 0)
        assert poller.poll_due(store, chain, fetcher).polled == 0  # not due yet
        clock.advance(seconds=60)
        assert poller.poll_due(store, chain, fetcher).unchanged == 1
        assert server.requests[-1].headers["If-None-Match"] == '"v1"'
        health = poller.get_source(store, source["id"])
        assert health is not None
        assert (health["last_status"], health["failures"], health["items_stored"]) == (304, 0, 1)
        server.respond = lambda r: (500, {}, b"down")
        clock.advance(seconds=60)
        assert poller.poll_due(store, chain, fetcher, sleep=lambda s: None).failed == 1
        health = poller.get_source(store, source["id"])
        assert health is not None and health["failures"] == 1 and health["last_error"] == "http_500"
    [item] = store.list_items(provider="ma", viewer=OPERATOR)
    assert item.item.headline == "Wheat harvest reaches 680,000 tonnes"


def test_unreachable_feed_backs_off(store: Store) -> None:
    clock = Clock()
    store.clock = clock
    add_members(store, ("ma",))
    url = "http://127.0.0.1:9/feed"  # the discard port: nothing listens
    source = poller.add_source(store, "ma", url, interval_seconds=60, guard=LOCAL.outbound_guard())
    [fetcher] = poller.default_fetchers(LOCAL)
    for failures in (1, 2):
        assert poller.poll_due(store, default_chain(), fetcher, sleep=lambda s: None).failed == 1
        health = poller.get_source(store, source["id"])
        assert health is not None and health["failures"] == failures
        # A coarse category: nothing about which port is closed.
        assert health["last_error"] == "refused"
        clock.advance(seconds=60 * 2**failures)


SECRET_FEED = RSS.replace(b"Wheat harvest reaches", b"db_password=hunter2")


class Exploding:
    """A fetcher that fails unexpectedly (a bug, not a network error) for one URL."""

    name = "exploding"

    def __init__(self, inner: poller.Fetcher) -> None:
        self.inner = inner

    def fetch(self, url: str, etag: str | None, last_modified: str | None) -> poller.Fetched:
        if url.endswith("/boom"):
            raise RuntimeError("a bug deep inside, with internal detail: 10.0.0.5:5432")
        return self.inner.fetch(url, etag, last_modified)


def test_one_bad_feed_never_stops_the_others(store: Store) -> None:
    clock = Clock()
    store.clock = clock
    add_members(store, ("ma",))
    [http] = poller.default_fetchers(LOCAL)  # 127.0.0.1 only: 127.0.0.2 stays internal
    with serve() as partner, serve("127.0.0.2") as internal:
        internal.respond = lambda r: (200, {"Content-Type": "application/rss+xml"}, SECRET_FEED)
        partner.respond = lambda r: (
            (302, {"Location": internal.url + "/secret"}, b"")
            if r.path == "/moved"
            else (200, {"Content-Type": "application/rss+xml"}, RSS)
        )
        expected = {  # url -> what its row records
            partner.url + "/feed\r\nX-Injected: 1": "invalid_url",
            partner.url + "/boom": "internal_error",
            internal.url + "/secret": "blocked_address",
            partner.url + "/moved": "blocked_address",
            "http://169.254.169.254/latest/meta-data/": "blocked_address",
            "http://[::1]:5432/": "blocked_address",
            partner.url + "/feed.xml": None,
        }
        ids = {legacy_row(store, schema.feed_sources, url=url): url for url in expected}
        report = poller.poll_due(store, default_chain(), Exploding(http), sleep=lambda s: None)
        assert (report.polled, report.failed, report.stored) == (7, 6, 1)
        assert internal.requests == []  # neither directly nor through the redirect
        ports = {partner.url.rsplit(":", 1)[1], internal.url.rsplit(":", 1)[1], "5432"}
        for source_id, url in ids.items():
            row = poller.get_source(store, source_id)
            assert row is not None and row["last_error"] == expected[url], url
            if expected[url]:
                assert row["failures"] == 1 and row["next_poll_at"] > clock.now.isoformat()
                assert not any(port in row["last_error"] for port in ports)
        [item] = store.list_items(provider="ma", viewer=OPERATOR)
        assert item.item.headline == "Wheat harvest reaches 680,000 tonnes"
        # Not due again until their backoff ends: the healthy feed's turn comes first.
        assert poller.poll_due(store, default_chain(), Exploding(http)).polled == 0
        clock.advance(seconds=60)
        assert poller.poll_due(store, default_chain(), Exploding(http)).polled == 1
        clock.advance(seconds=60)
        assert (
            poller.poll_due(store, default_chain(), Exploding(http), sleep=lambda s: None).failed
            == 6
        )


def test_backoff_is_capped_and_never_overflows() -> None:
    waits = [poller.backoff(60, failures) for failures in range(200)]
    assert waits == sorted(waits) and waits[1] == timedelta(minutes=2)
    assert waits[-1] == poller.MAX_BACKOFF


def test_a_feed_over_the_size_setting_fails_as_too_large(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    store.clock = clock
    add_members(store, ("ma",))
    monkeypatch.setenv("ORTAQ_POLL_MAX_BYTES", str(len(RSS) - 1))
    settings = replace(LOCAL, poll_max_bytes=ExchangeSettings.from_env().poll_max_bytes)
    [fetcher] = poller.default_fetchers(settings)
    with serve() as server:
        server.respond = lambda r: (200, {"Content-Type": "application/rss+xml"}, RSS)
        url, guard = server.url + "/feed.xml", LOCAL.outbound_guard()
        source = poller.add_source(store, "ma", url, interval_seconds=60, guard=guard)
        assert poller.poll_due(store, default_chain(), fetcher).failed == 1
        health = poller.get_source(store, source["id"])
        assert health is not None and health["last_error"] == "too_large"
        assert len(server.requests) == 1  # not retried: a feed that size will not shrink
        clock.advance(seconds=120)
        [roomy] = poller.default_fetchers(replace(LOCAL, poll_max_bytes=len(RSS)))
        assert poller.poll_due(store, default_chain(), roomy).stored == 1
