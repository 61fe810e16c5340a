"""Webhooks: on publish, correct, withhold or kill, POST the item's ninjs to each member
that may see it, signed with HMAC-SHA256; retry with exponential backoff; keep a log;
replay dead deliveries.

Webhooks read item_events through their own cursor (an outbox), so events from every
door reach them. What is sent is decided at send time by the one policy (`Store.get`
with the member as viewer): a delivery queued before a kill sends the kill notice, never
the old text, and an embargoed item waits for its embargo unless an agreement says not to.

Every POST goes through the guarded outbound client (`ortaq.exchange.outbound`): public
addresses only, checked again at each delivery. A failed delivery stores a coarse
category (`refused`, `timeout`, `http_503`, ...), never the receiver's details.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from ortaq.exchange.outbound import Guard, Limits, OutboundClient, OutboundError
from ortaq.exchange.outputs import Ninjs
from ortaq.exchange.settings import ExchangeSettings
from ortaq.registry import Registry
from ortaq.store import Store, StoredItem, outbox
from ortaq.store import reviews as review_rows
from ortaq.store import webhooks as hook_rows
from ortaq.store.webhooks import delete_webhook as delete_webhook
from ortaq.store.webhooks import get_delivery as get_delivery
from ortaq.store.webhooks import list_deliveries as list_deliveries
from ortaq.store.webhooks import list_webhooks as list_webhooks
from ortaq.store.webhooks import replay as replay
from ortaq.verification import with_reviews
from ortaq.viewer import Viewer

SIGNATURE_HEADER = "X-Ortaq-Signature"
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=2)
NINJS = Ninjs("ninjs3", "3.0")
REVIEW_EVENT = "review."  # review.published | review.updated | review.withdrawn
log = logging.getLogger(__name__)


class Transport(Protocol):
    name: str

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        """POST and return the status code; raise `OutboundError` on failure."""
        ...


class HttpTransport:
    """POSTs through the guarded client; a receiver's redirect is an answer, not followed."""

    name = "http"

    def __init__(self, client: OutboundClient) -> None:
        self.client = client

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        response = self.client.request("POST", url, headers=headers, content=body, read_body=False)
        return response.status


def outbound_client(settings: ExchangeSettings) -> OutboundClient:
    timeout = settings.webhook_timeout
    limits = Limits(total=timeout, connect=timeout, read=timeout, max_redirects=0)
    return OutboundClient(settings.outbound_guard(), limits, user_agent="Ortaq webhooks")


def default_transports(settings: ExchangeSettings) -> Registry[Transport]:
    return Registry("webhook transport", [HttpTransport(outbound_client(settings))])


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str) -> bool:
    """What a receiver does: recompute and compare in constant time."""
    return hmac.compare_digest(sign(secret, body), signature)


# -- registration -------------------------------------------------------------------------


def add_webhook(
    store: Store, member: str, url: str, guard: Guard | None = None
) -> tuple[dict[str, Any], str]:
    """A webhook for `member`; it sees events from now on. Returns the signing secret.

    `outbound.Refused` (a ValueError) when the guard refuses the URL; every delivery is
    checked again, since what a name resolves to can change.
    """
    (guard or Guard()).check(url)
    secret = secrets.token_urlsafe(32)
    found = get_webhook(store, hook_rows.insert_webhook(store, member, url, secret))
    assert found is not None
    return found, secret


def get_webhook(store: Store, webhook_id: int) -> dict[str, Any] | None:
    found = list_webhooks(store, webhook_id=webhook_id)
    return found[0] if found else None


# -- fan-out and delivery -------------------------------------------------------------------


def fan_out(store: Store) -> int:
    """Queue a delivery per webhook for every item event after its cursor."""
    now = store.clock()
    return sum(
        hook_rows.fan_out_one(store, hook_id, cursor, now)
        for hook_id, cursor in hook_rows.active_cursors(store)
    )


@dataclass
class DeliveryReport:
    delivered: int = 0
    failed: int = 0
    dead: int = 0
    skipped: int = 0
    deferred: int = 0
    claimed: int = 0  # rows this run claimed (see ortaq.store.outbox)
    released: int = 0  # claimed but given back unsent: the worker is stopping
    lost: int = 0  # the lease ran out and another worker holds the row
    last_error: str | None = None  # the category of the last failed attempt

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in vars(self).items() if isinstance(v, int)}


@dataclass(frozen=True)
class _Run:
    """One round of deliveries: where to send, how to retry, what happened."""

    store: Store
    transport: Transport
    claim: outbox.Claim
    max_attempts: int
    retry_base: timedelta
    report: DeliveryReport


def deliver_due(
    store: Store,
    transport: Transport,
    *,
    max_attempts: int = 8,
    limit: int = 200,
    claiming: outbox.Claiming | None = None,
    retry_base: timedelta = BASE_DELAY,
) -> DeliveryReport:
    """Claim up to `limit` due deliveries and send them; one failure never stops the others.

    The longest-waiting come first, and a failed delivery waits out its backoff, so a
    delivery that keeps failing never holds the head of the queue. The claim (see
    `ortaq.store.outbox`) keeps every other worker off these rows; when `claiming.stop`
    turns true, the attempt under way finishes and the rest is released.
    """
    claiming = claiming or outbox.Claiming()
    claim = outbox.claim(store, outbox.DELIVERIES, claiming, limit)
    report = DeliveryReport(claimed=len(claim.ids))
    run = _Run(store, transport, claim, max_attempts, retry_base, report)
    try:
        for delivery in hook_rows.claimed_deliveries(store, claim):
            if claiming.stop():
                break
            if not claim.hold(delivery["id"]):
                run.report.lost += 1
                continue
            try:
                _deliver(run, delivery)
            except Exception:  # anything at all: recorded on the row, the loop goes on
                log.exception("webhook delivery %s failed unexpectedly", delivery["id"])
                _failed_safely(run, delivery, None, "internal_error")
    finally:  # stopping, or the store failed: what was not sent is due again at once
        run.report.released = claim.release_rest()
    return run.report


def _deliver(run: _Run, delivery: Any) -> None:
    now = run.store.clock()
    viewer = Viewer(delivery["member"], actor=f"webhook:{delivery['webhook_id']}")
    if delivery["event"].startswith(REVIEW_EVENT):
        # A review alert: the review as the member may see it now (the same policy).
        review = review_rows.get_review_by_uri(run.store, delivery["uri"], viewer, now)
        if review is None:
            _update(run, delivery, status="skipped", last_error="not_visible")
            run.report.skipped += 1
            return
        _send(run, delivery, review_payload(delivery, review.to_json(history=False)))
        return
    stored = run.store.get_by_uri(
        delivery["uri"], viewer=viewer, now=now, provider=delivery["provider"]
    )
    if stored is None:
        _not_visible(run, delivery, now)
        return
    [stored] = with_reviews(run.store, [stored], viewer)  # the desk's banner rides along
    if _send(run, delivery, payload(delivery, stored)) and stored.access == "embargo":
        # the text follows when the embargo lifts
        hook_rows.queue_delivery(
            run.store, delivery["webhook_id"], "embargo-lifted", delivery["provider"],
            delivery["uri"], stored.item.embargoed or now,
        )  # fmt: skip


def _send(run: _Run, delivery: Any, body: bytes) -> bool:
    """POST a signed payload and record the outcome; whether it was delivered."""
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(delivery["secret"], body),
        "X-Ortaq-Event": delivery["event"],
        "X-Ortaq-Delivery": str(delivery["id"]),
    }
    try:
        status = run.transport.post(delivery["url"], body, headers)
    except OutboundError as failure:
        _failed(run, delivery, None, failure.category)
        return False
    if not 200 <= status < 300:
        _failed(run, delivery, status, f"http_{status}")
        return False
    now = run.store.clock()
    _update(run, delivery, status="delivered", attempts=delivery["attempts"] + 1,
            last_status_code=status, last_error=None, delivered_at=now,
            last_attempt_at=now)  # fmt: skip
    run.report.delivered += 1
    return True


def _failed(run: _Run, delivery: Any, status: int | None, error: str) -> None:
    """Record a failed attempt (a coarse category, never the receiver's details)."""
    now = run.store.clock()
    attempts = delivery["attempts"] + 1
    dead = attempts >= run.max_attempts
    _update(run, delivery, status="dead" if dead else "pending", attempts=attempts,
            last_status_code=status, last_error=error, last_attempt_at=now,
            next_attempt_at=now + backoff(attempts, run.retry_base))  # fmt: skip
    run.report.dead += dead
    run.report.failed += not dead
    run.report.last_error = error


def _failed_safely(run: _Run, delivery: Any, status: int | None, error: str) -> None:
    try:
        _failed(run, delivery, status, error)
    except Exception:  # the store itself failed: the next delivery may still succeed
        log.exception("could not record the failure of webhook delivery %s", delivery["id"])
        run.report.failed += 1
        run.report.last_error = error


def _not_visible(run: _Run, delivery: Any, now: datetime) -> None:
    """An embargoed item waits for its embargo; anything else the member may not see."""
    # The deliverer, not the member, looks: only for the embargo time, never the text.
    deliverer = Viewer.as_operator(f"webhook:{delivery['webhook_id']}")
    item = run.store.get_by_uri(delivery["uri"], deliverer, now, provider=delivery["provider"])
    embargo = item.item.embargoed if item else None
    if embargo is not None and embargo > now:
        _update(run, delivery, status="pending", next_attempt_at=embargo)
        run.report.deferred += 1
    else:
        _update(run, delivery, status="skipped", last_error="not_visible")
        run.report.skipped += 1


def backoff(attempts: int, base: timedelta = BASE_DELAY) -> timedelta:
    """30 s, 1 min, 2 min, ... up to 2 hours (the exponent capped: no overflow)."""
    delay: timedelta = base * (2 ** min(max(0, attempts - 1), 16))
    return min(delay, MAX_DELAY)


def payload(delivery: Any, stored: StoredItem) -> bytes:
    body = {
        "event": delivery["event"],
        "delivery": delivery["id"],
        "access": stored.access,
        "rights": stored.rights.to_json() if stored.rights else None,
        "item": NINJS.document(stored),
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")


def review_payload(delivery: Any, review: dict[str, Any]) -> bytes:
    """A review event (`review.published`, `review.updated`, `review.withdrawn`)."""
    body = {"event": delivery["event"], "delivery": delivery["id"], "review": review}
    return json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")


def _update(run: _Run, delivery: Any, **values: Any) -> None:
    """The delivery's outcome, written only while this run's claim still holds it."""
    if not run.claim.finish(delivery["id"], values):
        log.warning("webhook delivery %s: the lease ran out before its outcome", delivery["id"])
