"""The verification desk through the API, on SQLite and PostgreSQL: reviews and their
history, access (fails closed), who may write, evidence, the banner, notifications,
signed review webhooks, propagation, claim search and items flagged on arrival."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ortaq.api import create_app
from ortaq.exchange import webhooks
from ortaq.exchange.accounts import create_token, create_user
from ortaq.exchange.settings import ExchangeSettings
from ortaq.store import Store
from ortaq.store import reviews as rows
from ortaq.store.audit import entries
from ortaq.store.webhooks import insert_webhook
from ortaq.viewer import MissingViewer
from tests.verification.support import CLAIM_EN, CLAIM_RU, item, share

USERS = {
    "ed-a": ("editor", "ma"),
    "ed-b": ("editor", "mb"),
    "rd-b": ("reader", "mb"),
    "ed-c": ("editor", "mc"),
}


@dataclass
class Desk:
    store: Store
    client: TestClient
    tokens: dict[str, str]
    original: int  # ma's item carrying the claim (mb receives ma's items)

    def call(self, user: str, method: str, path: str, **kw: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.tokens[user]}"}
        return self.client.request(method, path, headers=headers, **kw)

    def review(self, user: str = "ed-b", **body: Any) -> Any:
        payload = {"item_id": self.original, "rating": "false", "explanation": "No shipment.",
                   "claim": {"text": CLAIM_EN}, **body}  # fmt: skip
        return self.call(user, "POST", "/api/v1/reviews", json=payload)


@pytest.fixture
def desk(store: Store) -> Iterator[Desk]:
    for slug in ("ma", "mb", "mc"):
        store.upsert_member(slug, slug.upper())
    share(store, "a-to-b", ("ma",), ("mb",))
    tokens = {}
    for name, (role, member) in USERS.items():
        user = create_user(store, name, "correct horse battery", role, member=member)  # type: ignore[arg-type]
        tokens[name] = create_token(store, user.id, name, "write")[1]
    original = store.save(item("urn:a:1", "ma", "en", "Port news today. " + CLAIM_EN)).item_id
    config = replace(ExchangeSettings.from_env(), rate_limit=0)
    with TestClient(create_app(store, config)) as client:
        yield Desk(store, client, tokens, original)


def test_a_review_keeps_its_history_and_every_action_is_audited(desk: Desk) -> None:
    created = desk.review()
    assert created.status_code == 201, created.text
    review = created.json()
    assert (review["member"], review["rating"], review["revision"]) == ("mb", "false", 1)
    start, end = review["claim"]["start"], review["claim"]["end"]
    stored = desk.store.get(desk.original, "ma")
    assert stored is not None and stored.item.text[start:end] == CLAIM_EN
    path = f"/api/v1/reviews/{review['id']}"
    revised = desk.call("ed-b", "POST", f"{path}/revise",
                        json={"rating": "misleading", "explanation": "Fewer tonnes."})  # fmt: skip
    assert revised.status_code == 200 and revised.json()["rating"] == "misleading"
    withdrawn = desk.call("ed-b", "POST", f"{path}/withdraw", json={"note": "wrong item"})
    assert withdrawn.json()["status"] == "withdrawn"
    again = desk.call(
        "ed-b", "POST", f"{path}/revise", json={"rating": "false", "explanation": "x"}
    )
    assert again.status_code == 409
    history = desk.call("ed-b", "GET", path).json()["history"]
    assert [(h["action"], h["rating"]) for h in history] == [
        ("published", "false"), ("updated", "misleading"), ("withdrawn", "misleading"),
    ]  # fmt: skip
    assert history[2]["note"] == "wrong item"
    actions = [e["action"] for e in entries(desk.store, member="mb") if "review" in e["target"]]
    assert actions == ["withdraw", "revise", "review"]


def test_two_members_reviews_of_one_claim_both_stand(desk: Desk) -> None:
    first = desk.review("ed-b").json()
    second = desk.review("ed-a", rating="accurate", explanation="Port confirms.").json()
    listed = desk.call("ed-b", "GET", "/api/v1/reviews", params={"item_id": desk.original})
    shown = {(r["member"], r["rating"]) for r in listed.json()["reviews"]}
    assert shown == {("mb", "false"), ("ma", "accurate")}
    assert first["id"] != second["id"]
    banner = desk.call("ed-b", "GET", f"/api/v1/items/{desk.original}").json()["reviews"]
    assert {(b["member"], b["rating"]) for b in banner} == shown
    feed = desk.call("ed-b", "GET", "/api/v1/feeds/ninjs3").json()
    [entry] = [i for i in feed["items"] if i["uri"] == "urn:a:1"]
    assert "Verification: mb rates a claim in this item false" in entry["edNote"]
    assert "Verification: ma rates a claim in this item accurate" in entry["edNote"]


def test_access_fails_closed(desk: Desk) -> None:
    review = desk.review().json()
    path = f"/api/v1/reviews/{review['id']}"
    # mc receives nothing from ma: the review does not exist for it
    assert desk.call("ed-c", "GET", path).status_code == 404
    assert desk.call("ed-c", "GET", "/api/v1/reviews").json()["reviews"] == []
    assert desk.call("ed-c", "GET", f"{path}/claimreview").status_code == 404
    assert desk.call("ed-c", "GET", "/api/v1/notifications").json()["notifications"] == []
    with pytest.raises(MissingViewer):
        rows.get_review(desk.store, review["id"], None)  # type: ignore[arg-type]
    # mc may not review an item it cannot read; a reader may not review at all
    assert desk.review("ed-c").status_code == 404
    assert desk.review("rd-b").status_code == 403
    # only the reviewing member changes its review
    attempt = desk.call(
        "ed-a", "POST", f"{path}/revise", json={"rating": "accurate", "explanation": "x"}
    )
    assert attempt.status_code == 403
    assert desk.call("ed-b", "GET", path).json()["revision"] == 1


@pytest.mark.parametrize(
    "link", ["ftp://example.org/x", "javascript:alert(1)", "urn:nowhere:1", "http://"]
)
def test_bad_evidence_is_refused_naming_it(desk: Desk, link: str) -> None:
    refused = desk.review(evidence=[link])
    assert refused.status_code == 422
    assert link in refused.text


def test_evidence_may_be_an_item_or_an_https_url(desk: Desk) -> None:
    desk.store.save(item("urn:a:2", "ma", "en", "The port authority denied any shipment."))
    created = desk.review(evidence=["urn:a:2", "https://port.example.org/statement"])
    assert created.status_code == 201, created.text
    assert created.json()["evidence"] == ["urn:a:2", "https://port.example.org/statement"]


class Recorder:
    name = "recorder"

    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes, dict[str, str]]] = []

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        self.sent.append((url, body, headers))
        return 200


def test_alerts_reach_notifications_and_signed_webhooks_once(desk: Desk) -> None:
    hook = insert_webhook(desk.store, "ma", "https://ma.example.org/hook", "ma-secret")
    silent = insert_webhook(desk.store, "mc", "https://mc.example.org/hook", "mc-secret")
    review = desk.review().json()
    for user in ("ed-a", "ed-b"):
        listed = desk.call(user, "GET", "/api/v1/notifications").json()["notifications"]
        assert [(n["review_id"], n["event"]) for n in listed] == [
            (review["id"], "review.published")
        ]
    desk.call("ed-b", "POST", f"/api/v1/reviews/{review['id']}/withdraw", json={})
    recorder = Recorder()
    report = webhooks.deliver_due(desk.store, recorder)
    assert report.delivered == 2
    events = []
    for url, body, headers in recorder.sent:
        assert url == "https://ma.example.org/hook"  # mc never carried the claim
        assert webhooks.verify("ma-secret", body, headers[webhooks.SIGNATURE_HEADER])
        sent = json.loads(body)
        assert sent["review"]["id"] == review["id"] and sent["review"]["member"] == "mb"
        events.append(sent["event"])
    assert sorted(events) == ["review.published", "review.withdrawn"]
    assert webhooks.list_deliveries(desk.store, silent) == []
    assert {d["status"] for d in webhooks.list_deliveries(desk.store, hook)} == {"delivered"}
    marked = desk.call("ed-a", "POST", "/api/v1/notifications/read", json={})
    assert marked.json()["marked"] == 2
    unread = desk.call("ed-a", "GET", "/api/v1/notifications", params={"unread": True})
    assert unread.json()["notifications"] == []


def test_propagation_claim_search_and_arrivals(desk: Desk) -> None:
    store = desk.store
    copy = store.save(item("urn:b:1", "mb", "en", "From our partner: " + CLAIM_EN)).item_id
    version = store.save(item("urn:a:1", "ma", "en", "Port news today. " + CLAIM_EN, "Update."))
    review = desk.review(item_id=version.item_id).json()  # partners read current versions
    assert desk.review().status_code == 404  # ...and not the first one any more
    found = desk.call("ed-b", "GET", "/api/v1/claims/search", params={"q": CLAIM_EN}).json()
    assert {r["id"] for r in found["results"]} >= {copy, version.item_id}
    assert all(CLAIM_EN.rstrip(".") in r["passage"] for r in found["results"])
    travelled = desk.call("ed-a", "GET", f"/api/v1/items/{desk.original}/propagation").json()
    assert [v["id"] for v in travelled["versions"]] == [version.item_id]
    assert travelled["item"]["received_by"] == []  # partners see current versions only
    carriers = {c["id"]: c for c in travelled["carriers"]}
    assert set(carriers) == {desk.original, version.item_id}  # ma does not receive mb's copy
    assert carriers[version.item_id]["received_by"] == ["mb"]
    seen_by_b = desk.call("ed-b", "GET", f"/api/v1/items/{version.item_id}/propagation").json()
    assert {c["id"] for c in seen_by_b["carriers"]} == {version.item_id, copy}
    assert {c["id"]: c["provider"] for c in seen_by_b["carriers"]}[copy] == "mb"
    # mc cannot read ma's item: no propagation for it
    assert desk.call("ed-c", "GET", f"/api/v1/items/{desk.original}/propagation").status_code == 404
    # a later item that repeats the claim is flagged on arrival (the ingest door)
    posted = desk.call(
        "ed-c", "POST", "/api/v1/items", content=("Grain\n\n" + CLAIM_EN).encode(),
        params={"format": "plaintext"},
    )  # fmt: skip
    assert posted.status_code == 201, posted.text
    arrived = posted.json()["results"][0]["id"]
    assert arrived in {c.item_id for c in rows.carriers(store, review["id"])}
    banner = desk.call("ed-c", "GET", f"/api/v1/items/{arrived}").json()["reviews"]
    assert [b["review"] for b in banner] == [review["id"]]
    # mc now carries the claim: told once, and may read the review
    told = desk.call("ed-c", "GET", "/api/v1/notifications").json()["notifications"]
    assert [n["review_id"] for n in told] == [review["id"]]
    assert desk.call("ed-c", "GET", f"/api/v1/reviews/{review['id']}").status_code == 200


def test_a_translation_is_a_carrier_and_its_readers_are_told(desk: Desk) -> None:
    share(desk.store, "c-to-a", ("mc",), ("ma",))
    translated = desk.store.save(item("urn:c:1", "mc", "ru", "Новости порта. " + CLAIM_RU))
    review = desk.review("ed-a", explanation="The port denies it.").json()
    carriers = {c.item_id: c.how for c in rows.carriers(desk.store, review["id"])}
    assert carriers.get(translated.item_id) in {"story", "match"}
    told = desk.call("ed-c", "GET", "/api/v1/notifications").json()["notifications"]
    assert [n["review_id"] for n in told] == [review["id"]]


def test_the_desk_queue_shows_flags_and_changed_figures(desk: Desk) -> None:
    review = desk.review().json()
    desk.store.save(
        item("urn:a:1", "ma", "en", "Port news today. " + CLAIM_EN.replace("4,200", "4,500"))
    )
    arrival = desk.call("ed-b", "POST", "/api/v1/items", content=("Grain\n\n" + CLAIM_EN).encode(),
                        params={"format": "plaintext"})  # fmt: skip
    arrived = arrival.json()["results"][0]["id"]
    queue = desk.call("ed-b", "GET", "/api/v1/reviews/queue").json()
    assert [(f["id"], f["review"]) for f in queue["flagged"]] == [(arrived, review["id"])]
    [changed] = queue["changed"]
    assert (changed["uri"], changed["added"], changed["removed"]) == ("urn:a:1", ["4500"], 1)
    # mc reads neither: its queue is empty
    assert desk.call("ed-c", "GET", "/api/v1/reviews/queue").json() == {
        "flagged": [],
        "changed": [],
    }
