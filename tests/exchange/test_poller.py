"""Feeds in against a real HTTP server on 127.0.0.1: conditional GET, retries, health."""

from __future__ import annotations

from ortaq.chain import default_chain
from ortaq.exchange import poller
from ortaq.store import Store
from tests.exchange.helpers import Clock, add_members
from tests.exchange.outbound_support import local_settings
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
    [item] = store.list_items(provider="ma")
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
