"""The cooperation API: events and graph of what the caller may read, with exports."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from ortaq.api import create_app
from ortaq.chain import default_chain
from ortaq.exchange.accounts import create_token, create_user
from ortaq.ingest import ingest_bytes
from ortaq.model import Hints
from ortaq.store import Store
from ortaq.store.cooperation import EventQuery, event_page, newest_events
from ortaq.viewer import OPERATOR

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"


def client_as(store: Store, username: str, role: str, member: str | None) -> TestClient:
    user = create_user(store, username, "a long password", role, member=member)  # type: ignore[arg-type]
    _, token = create_token(store, user.id, "tests", "read")
    client = TestClient(create_app(store))
    client.headers["Authorization"] = f"Bearer {token}"
    return client


@pytest.fixture
def loaded(store: Store) -> Store:
    store.upsert_member("aa", "Anadolu (sample)", country="TR")
    store.upsert_member("kz", "Kazakh sample sender", country="KZ")
    for path in sorted(SAMPLES.glob("*.txt")):
        provider = "aa" if path.name.startswith(("000", "001")) else "kz"
        ingest_bytes(
            store,
            default_chain(),
            path.read_bytes(),
            Hints(source_name=path.name, provider=provider),
        )
    return store


def test_operator_sees_every_event_and_the_graph(loaded: Store) -> None:
    client = client_as(loaded, "op", "operator", None)
    events = client.get("/api/v1/cooperation/events").json()
    assert events["count"] >= 20
    types = {e["type"] for e in events["events"]}
    assert {"meeting", "agreement_signed", "content_exchange", "bureau_opening"} <= types
    graph = client.get("/api/v1/cooperation/graph").json()
    node_ids = {n["id"] for n in graph["nodes"]}
    assert "country:KZ" in node_ids and "org:azertac" in node_ids
    assert all(e["source"] in node_ids and e["target"] in node_ids for e in graph["edges"])
    full = client.get("/api/v1/cooperation/graph", params={"timelines": "true"}).json()
    assert full["timelines"] and all(full["timelines"].values())


@pytest.mark.parametrize("who", [("op", "operator", None), ("kz-reader", "reader", "kz")])
def test_the_grouped_graph_equals_the_graph_of_every_event(
    loaded: Store, who: tuple[str, str, str | None]
) -> None:
    """The graph grouped in SQL (the default) is the graph aggregated from every
    readable event (`timelines=true`), without the timelines."""
    client = client_as(loaded, *who)
    grouped = client.get("/api/v1/cooperation/graph").json()
    full = client.get("/api/v1/cooperation/graph", params={"timelines": "true"}).json()
    assert grouped["edges"] and grouped["events"] == full["events"]
    assert grouped["edges"] == full["edges"]
    # a party named in several languages is labelled with one of its names, maybe another
    unlabelled = [
        [{k: v for k, v in n.items() if k != "label"} for n in g["nodes"]] for g in (grouped, full)
    ]
    assert unlabelled[0] == unlabelled[1]
    assert all(node["label"] for node in grouped["nodes"])


def test_events_come_a_page_at_a_time(loaded: Store) -> None:
    client = client_as(loaded, "op", "operator", None)
    every = client.get("/api/v1/cooperation/events", params={"total": "true"}).json()
    assert every["next_cursor"] is None and every["total"] == every["count"] >= 20
    keys, cursor = [], None
    while True:
        asked = {"limit": 7, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/cooperation/events", params=asked)
        assert page.status_code == 200 and page.json()["total"] is None
        keys += [(e["story_id"], e["key"]) for e in page.json()["events"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert sorted(keys) == sorted((e["story_id"], e["key"]) for e in every["events"])


def test_filters_and_exports(loaded: Store) -> None:
    client = client_as(loaded, "op", "operator", None)
    signed = client.get("/api/v1/cooperation/events", params={"type": "agreement_signed"}).json()
    assert signed["count"] >= 1 and {e["type"] for e in signed["events"]} == {"agreement_signed"}
    kuwait = client.get("/api/v1/cooperation/events", params={"party": "KW"}).json()
    assert kuwait["count"] >= 1
    assert all(
        any(p.get("country") == "KW" or p["id"] == "KW" for p in e["parties"])
        for e in kuwait["events"]
    )
    csv = client.get("/api/v1/cooperation/events", params={"format": "csv"})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("key,story_id,type,status")
    graphml = client.get("/api/v1/cooperation/graph", params={"format": "graphml"})
    root = ET.fromstring(graphml.text)
    assert root.tag.endswith("graphml") and len(list(root.iter())) > 10
    bad = client.get("/api/v1/cooperation/events", params={"since": "last week"})
    assert bad.status_code == 422


def test_a_member_sees_only_events_of_items_it_may_read(loaded: Store) -> None:
    # No agreement exists: the Kazakh sender sees the events of its own items only.
    client = client_as(loaded, "kz-reader", "reader", "kz")
    sources = {
        s for e in client.get("/api/v1/cooperation/events").json()["events"] for s in e["sources"]
    }
    assert sources and all(s.startswith("urn:ortaq:kz:") for s in sources)


def test_the_same_event_in_two_items_of_one_story_counts_once(store: Store) -> None:
    store.upsert_member("aa", "Sample sender", country="TR")
    raw = (SAMPLES / "002_c7634d9488b26884.txt").read_bytes()
    for name in ("first.txt", "republished.txt"):  # one report sent twice, under two names
        ingest_bytes(store, default_chain(), raw, Hints(source_name=name, provider="aa"))
    client = client_as(store, "op", "operator", None)
    events = client.get("/api/v1/cooperation/events", params={"type": "meeting"}).json()
    [meeting] = events["events"]
    assert sorted(meeting["sources"]) == [
        "urn:ortaq:aa:file:first.txt",
        "urn:ortaq:aa:file:republished.txt",
    ]


@pytest.mark.parametrize("who", [OPERATOR, "kz", "aa"])
@pytest.mark.parametrize("limit", [1, 3, 50])
def test_the_newest_first_walk_pages_the_grouped_events(
    loaded: Store, who: Any, limit: int
) -> None:
    """`newest_events` (the API's pages: a walk that stops at the page) lists the events
    the grouping over every readable event lists, each whole, newest report first."""
    for query in (EventQuery(), EventQuery(type="agreement_signed"), EventQuery(party="KZ")):
        total, grouped = event_page(loaded, who, query, 10_000)
        walked, before = [], None
        while True:
            page, before = newest_events(loaded, who, query, limit, before)
            walked += page
            if before is None:
                break
            assert len(page) >= limit
        assert len(walked) == total
        assert sorted(walked) == sorted(grouped)
        newest = [event[0][0] for event in walked]
        assert newest == sorted(newest, reverse=True)
