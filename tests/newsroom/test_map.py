"""The cooperation map page without a browser: its events, arcs and network come from
the items the member may read in full (the cooperation API's reads, one policy), its
filters narrow them, and every event links to its evidence."""

from __future__ import annotations

import json
import re
from html import unescape

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ortaq.store import Store
from ortaq.web.assets import node_modules
from tests.newsroom.conftest import browser_client

EVIDENCE = re.compile(r'href="/items/(\d+)#cooperation"')
ROW = re.compile(r"<tr><td class=\"meta\">([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td>")
DRAWING = re.compile(r'<script type="application/json" id="map-data">(.*?)</script>', re.S)


def table_rows(client: TestClient, query: str = "") -> list[tuple[str, str, str]]:
    page = client.get("/map" + query)
    assert page.status_code == 200, page.text
    return [tuple(unescape(cell) for cell in row) for row in ROW.findall(page.text)]  # type: ignore[misc]


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
    everything = set(EVIDENCE.findall(operator.get("/map").text))
    theirs = set(EVIDENCE.findall(khaleej.get("/map").text))
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
    linked = set(EVIDENCE.findall(operator.get("/map").text))
    for arc in arcs:
        ends, numbers = arc["ends"], arc["shapes"]
        assert isinstance(ends, list) and isinstance(numbers, list)
        assert len(set(ends)) == 2 and set(numbers) <= known
        for event in arc["events"]:  # type: ignore[attr-defined]
            assert {str(i) for i in event["evidence"]} <= linked


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
