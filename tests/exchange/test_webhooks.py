"""Webhooks against a real receiver on 127.0.0.1: signed ninjs on publish, correct and
kill for members that may see the item; retries with backoff; dead deliveries replayed."""

from __future__ import annotations

import json

from ortaq.exchange import webhooks
from ortaq.exchange.agreements import Agreement, save_agreement
from ortaq.exchange.outbound import CATEGORIES
from ortaq.model import Item
from ortaq.store import Store, schema
from tests.exchange.helpers import Clock, add_members
from tests.exchange.outbound_support import MemoryTransport, legacy_row, local_settings
from tests.exchange.servers import serve

LOCAL = local_settings()  # the explicit allow setting: these receivers run on 127.0.0.1


def _setup(store: Store, embargo: str = "after") -> Clock:
    clock = Clock()
    store.clock = clock
    add_members(store, ("ma", "mb", "mc"))
    save_agreement(
        store,
        Agreement.between("ab", "A and B", ["ma", "mb"], status="active", embargo=embargo),  # type: ignore[arg-type]
    )
    return clock


def _item(body: str, **fields: object) -> Item:
    item = Item(uri="urn:t:1", headline="H", body=[body], language="kk", provider="ma")
    for key, value in fields.items():
        setattr(item, key, value)
    return item


def test_publish_correct_kill_reach_the_partner_signed(store: Store) -> None:
    clock = _setup(store)
    [transport] = webhooks.default_transports(LOCAL)
    with serve() as receiver:
        guard = LOCAL.outbound_guard()
        hook_b, secret_b = webhooks.add_webhook(store, "mb", receiver.url + "/b", guard)
        webhooks.add_webhook(store, "mc", receiver.url + "/c", guard)  # no agreement: nothing
        store.save(_item("first text"))
        store.save(_item("corrected text"))
        store.kill("urn:t:1", provider="ma")
        assert webhooks.fan_out(store) == 6
        report = webhooks.deliver_due(store, transport)
        assert (report.delivered, report.skipped) == (3, 3)
        assert all(r.path == "/b" for r in receiver.requests)
        for request in receiver.requests:
            assert webhooks.verify(secret_b, request.body, request.headers["X-Ortaq-Signature"])
        bodies = [json.loads(r.body) for r in receiver.requests]
        # Sent at send time through the policy: after the kill, no text goes out at all.
        assert [b["event"] for b in bodies] == ["publish", "correct", "kill"]
        assert all(
            b["item"]["pubStatus"] == "canceled" and "bodies" not in b["item"] for b in bodies
        )
        assert hook_b["member"] == "mb" and clock.now


def test_retries_with_backoff_then_dead_then_replay(store: Store) -> None:
    clock = _setup(store)
    [transport] = webhooks.default_transports(LOCAL)
    with serve() as receiver:
        receiver.respond = lambda r: (503, {}, b"busy")
        hook, _ = webhooks.add_webhook(store, "mb", receiver.url, LOCAL.outbound_guard())
        store.save(_item("text"))
        webhooks.fan_out(store)
        for attempt in range(1, 4):
            report = webhooks.deliver_due(store, transport, max_attempts=3)
            assert report.failed + report.dead == 1
            assert webhooks.deliver_due(store, transport, max_attempts=3).failed == 0  # not due yet
            clock.advance(seconds=webhooks.backoff(attempt).total_seconds())
        [dead] = webhooks.list_deliveries(store, hook["id"], "dead")
        assert dead["attempts"] == 3 and dead["last_status_code"] == 503
        assert dead["last_error"] == "http_503"
        receiver.respond = lambda r: (200, {}, b"ok")
        assert webhooks.replay(store, dead["id"])
        assert webhooks.deliver_due(store, transport).delivered == 1
        assert len(receiver.requests) == 4


def test_embargoed_item_waits_for_its_embargo(store: Store) -> None:
    clock = _setup(store)
    transport = MemoryTransport()
    webhooks.add_webhook(store, "mb", "http://93.184.215.14/unused")  # never contacted
    store.save(_item("under embargo", embargoed=clock.now.replace(hour=12)))
    webhooks.fan_out(store)
    assert webhooks.deliver_due(store, transport).deferred == 1
    assert transport.sent == []
    clock.advance(hours=3)
    assert webhooks.deliver_due(store, transport).delivered == 1
    body = json.loads(transport.sent[0][1])
    assert body["item"]["bodies"][0]["value"] == "under embargo"


def test_flagged_embargo_sends_a_notice_then_the_text(store: Store) -> None:
    clock = _setup(store, embargo="flagged")
    transport = MemoryTransport()
    webhooks.add_webhook(store, "mb", "http://93.184.215.14/unused")  # never contacted
    store.save(_item("secret until noon", embargoed=clock.now.replace(hour=12)))
    webhooks.fan_out(store)
    assert webhooks.deliver_due(store, transport).delivered == 1
    notice = json.loads(transport.sent[0][1])
    assert notice["access"] == "embargo" and "secret" not in transport.sent[0][1].decode()
    clock.advance(hours=3)
    assert webhooks.deliver_due(store, transport).delivered == 1
    assert json.loads(transport.sent[1][1])["event"] == "embargo-lifted"
    assert "secret until noon" in transport.sent[1][1].decode()


class Exploding:
    """A transport that fails unexpectedly (a bug, not a network error) for one URL."""

    name = "exploding"

    def __init__(self, inner: webhooks.Transport) -> None:
        self.inner = inner

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        if url.endswith("/boom"):
            raise RuntimeError("a bug deep inside, with internal detail: 10.0.0.5:5432")
        return self.inner.post(url, body, headers)


def test_one_bad_delivery_never_stops_the_others(store: Store) -> None:
    clock = _setup(store)
    [http] = webhooks.default_transports(LOCAL)  # 127.0.0.1 only: 127.0.0.2 stays internal
    transport = Exploding(http)
    with serve() as receiver, serve("127.0.0.2") as internal:
        receiver.respond = lambda r: (
            (302, {"Location": internal.url}, b"") if r.path == "/moved" else (200, {}, b"ok")
        )
        expected = {  # url -> what its deliveries record
            receiver.url + "/hook\r\nX-Injected: 1": "invalid_url",
            receiver.url + "/boom": "internal_error",
            internal.url + "/hook": "blocked_address",
            "http://metadata.google.internal/hook": "blocked_address",
            receiver.url + "/moved": "http_302",  # webhooks never follow redirects
            receiver.url + "/good": None,
        }
        hooks = {legacy_row(store, schema.webhooks, member="mb", url=url): url for url in expected}
        store.save(_item("first"))
        assert webhooks.fan_out(store) == len(expected)
        report = webhooks.deliver_due(store, transport)
        assert (report.delivered, report.failed) == (1, 5)
        assert internal.requests == [] and {r.path for r in receiver.requests} == {
            "/moved",
            "/good",
        }
        ports = {receiver.url.rsplit(":", 1)[1], internal.url.rsplit(":", 1)[1]}
        for hook_id, url in hooks.items():
            [delivery] = webhooks.list_deliveries(store, hook_id)
            assert delivery["last_error"] == expected[url], url
            error = delivery["last_error"] or ""
            assert error in {*CATEGORIES, "http_302", ""}, url
            assert not any(port in error for port in ports) and "metadata" not in error
            assert not any(host in error for host in ("127.0.0", "10.0.0.5"))

        # The failed ones wait out their backoff; new deliveries, one per call, all get
        # their turn: a failing delivery never holds the head of the queue.
        store.save(_item("second"))
        webhooks.fan_out(store)
        for _ in expected:
            webhooks.deliver_due(store, transport, limit=1)
        assert sum(r.path == "/good" for r in receiver.requests) == 2
        clock.advance(seconds=webhooks.backoff(1).total_seconds())
        assert webhooks.deliver_due(store, transport).failed == 5 + 5


def test_backoff_is_capped_and_never_overflows() -> None:
    waits = [webhooks.backoff(attempts) for attempts in range(1, 200)]
    assert waits == sorted(waits) and waits[0] == webhooks.BASE_DELAY
    assert waits[-1] == webhooks.MAX_DELAY
