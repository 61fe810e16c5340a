"""The cooperation map page without a browser: its events, arcs and network come from
the items the member may read in full (the cooperation API's reads, one policy), its
filters narrow them, and every event links to its evidence."""

from __future__ import annotations

import json
import re
from collections import Counter
from html import unescape

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ortaq.api.cooperation import visible_reports
from ortaq.cooperation.graph import build_graph, pairs_of
from ortaq.store import Store
from ortaq.store.cooperation import (
    EventQuery,
    count_events,
    country_arcs,
    event_page,
    newest_events,
)
from ortaq.viewer import OPERATOR
from ortaq.web.assets import node_modules
from tests.newsroom.conftest import browser_client

EVIDENCE = re.compile(r'href="/items/(\d+)#cooperation"')
ROW = re.compile(r"<tr><td class=\"meta\">([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>")
DRAWING = re.compile(r'<script type="application/json" id="map-data">(.*?)</script>', re.S)
NEXT = re.compile(r'<a rel="next" href="([^"]*)"')


def every_page(client: TestClient, query: str = "") -> str:
    """The map's pages of events, following "Older events" to the last."""
    pages, url = [], "/map" + query
    while url:
        page = client.get(url)
        assert page.status_code == 200, page.text
        pages.append(page.text)
        found = NEXT.search(page.text)
        url = unescape(found.group(1)).split("#")[0] if found else ""
        assert len(pages) < 50
    return "\n".join(pages)


def table_rows(client: TestClient, query: str = "") -> list[tuple[str, str, str]]:
    text = every_page(client, query)
    return [tuple(unescape(cell) for cell in row) for row in ROW.findall(text)]  # type: ignore[misc]


def drawing(client: TestClient, query: str = "") -> dict[str, list[dict[str, object]]]:
    found = DRAWING.search(client.get("/map" + query).text)
    assert found is not None
    data: dict[str, list[dict[str, object]]] = json.loads(found.group(1))
    return data


def test_signed_out_goes_to_sign_in(demo_store: Store) -> None:
    client = browser_client(demo_store, None)
    assert client.get("/map", follow_redirects=False).headers["location"] == "/login"


def test_evidence_links_only_to_items_the_member_reads_in_full(
    demo_store: Store, operator: TestClient, khaleej: TestClient
) -> None:
    everything = set(EVIDENCE.findall(every_page(operator)))
    theirs = set(EVIDENCE.findall(every_page(khaleej)))
    assert theirs and theirs < everything, "the demo agreements hide some items from Khaleej"
    for item_id in theirs:
        stored = demo_store.get(int(item_id), viewer="khaleej-wire")
        assert stored is not None and stored.access == "full"
        assert stored.item.stage_data.get("cooperation"), "evidence without an event"
        assert khaleej.get(f"/items/{item_id}").status_code == 200


def test_a_type_filter_splits_the_events(operator: TestClient) -> None:
    every = table_rows(operator)
    kinds = sorted({row[1] for row in every})
    assert len(kinds) >= 2
    total = 0
    for kind in kinds:
        rows = table_rows(operator, f"?type={kind.replace(' ', '_')}")
        assert rows and {row[1] for row in rows} == {kind}
        total += len(rows)
    assert total == len(every)


def test_a_status_and_period_filter_keep_matching_events(operator: TestClient) -> None:
    rows = table_rows(operator, "?status=done&since=2020-01-01&until=2026-12-31")
    assert rows
    for when, _, status in rows:
        assert status == "done"
        assert "2020" <= when[:4] <= "2026"
    assert len(rows) < len(table_rows(operator))


def test_arcs_join_world_atlas_shapes_and_link_the_table_evidence(operator: TestClient) -> None:
    shapes = json.loads((node_modules() / "world-atlas" / "countries-110m.json").read_text())
    known = {str(g.get("id")) for g in shapes["objects"]["countries"]["geometries"]}
    data = drawing(operator)
    arcs = data["arcs"]
    assert arcs
    linked = set(EVIDENCE.findall(every_page(operator)))
    for arc in arcs:
        ends, numbers = arc["ends"], arc["shapes"]
        assert isinstance(ends, list) and isinstance(numbers, list)
        assert len(set(ends)) == 2 and set(numbers) <= known
        opened = operator.get("/map/arc", params={"a": ends[0], "b": ends[1]})
        assert opened.status_code == 200, opened.text
        events = opened.json()["events"]
        assert 1 <= len(events) <= int(arc["count"])  # type: ignore[call-overload]
        for event in events:
            assert event["evidence"] and {str(i) for i in event["evidence"]} <= linked


def test_the_arcs_count_what_the_graph_aggregates(demo_store: Store) -> None:
    """The SQL grouping of the map equals the cooperation graph's own aggregation of the
    same readable items (`build_graph`): the same pairs of countries, the same counts."""
    for viewer in ("khaleej-wire", "dala-press", OPERATOR):
        reported, _ = visible_reports(demo_store, viewer)
        expected: Counter[tuple[str, str]] = Counter()
        for event in build_graph(reported).events:
            countries = {p["id"]: p.get("country") for p in reversed(event.parties)}
            ends = {
                tuple(sorted((countries[a], countries[b])))
                for a, b in pairs_of(event.parties)
                if countries[a] and countries[b] and countries[a] != countries[b]
            }
            expected.update(ends)
        found = {arc.ends: arc.count for arc in country_arcs(demo_store, viewer, EventQuery())}
        assert found == dict(expected), viewer
        assert count_events(demo_store, viewer, EventQuery()) == len(build_graph(reported).events)


def test_an_arc_lists_only_what_the_member_reads(
    demo_store: Store, khaleej: TestClient, operator: TestClient
) -> None:
    for arc in drawing(operator)["arcs"]:
        ends = arc["ends"]
        answer = khaleej.get("/map/arc", params={"a": ends[0], "b": ends[1]})  # type: ignore[index]
        assert answer.status_code == 200
        for event in answer.json()["events"]:
            for item_id in event["evidence"]:
                stored = demo_store.get(int(item_id), viewer="khaleej-wire")
                assert stored is not None and stored.access == "full"
    signed_out = browser_client(demo_store, None)
    assert signed_out.get("/map/arc", params={"a": "KZ", "b": "TR"}).status_code == 401


def test_the_network_holds_organisations_only_with_their_partners(operator: TestClient) -> None:
    network = drawing(operator)["network"]
    kinds = {str(node["id"]): node["kind"] for node in network["nodes"]}  # type: ignore[index]
    for edge in network["edges"]:  # type: ignore[attr-defined]
        ends = (edge["source"], edge["target"])
        assert all(end in kinds for end in ends)
        assert {kinds[end] for end in ends} != {"country"}  # country pairs are the map's
    assert any(kind == "organisation" for kind in kinds.values())


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.text(max_size=50),
    day=st.text(alphabet="0123456789-x", max_size=12),
)
def test_any_filter_is_a_page_or_a_clear_422(operator: TestClient, kind: str, day: str) -> None:
    answer = operator.get("/map", params={"type": kind, "since": day})
    assert answer.status_code in (200, 422), answer.text
    if answer.status_code == 422:
        assert "<html" in answer.text  # an error page, not a trace


def test_the_newest_first_walk_pages_the_demo_events(demo_store: Store) -> None:
    """On the demo corpus (stories across members and languages, corrections): the API's
    newest-first pages hold the events the map groups, each whole, newest first."""
    for viewer in ("khaleej-wire", "dala-press", OPERATOR):
        total, grouped = event_page(demo_store, viewer, EventQuery(), 10_000)
        walked: list[list[tuple[int, int]]] = []
        before = None
        while True:
            page, before = newest_events(demo_store, viewer, EventQuery(), 7, before, batch=5)
            walked += page
            if before is None:
                break
        assert len(walked) == total > 20
        assert sorted(walked) == sorted(grouped)
