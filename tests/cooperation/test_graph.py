"""The cooperation graph: dedup across the items of a story, exports well-formed."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from typing import Any

from ortaq.cooperation.graph import (
    GRAPHML_NS,
    Reported,
    build_graph,
    events_csv,
    filter_events,
    to_graphml,
)


def _party(pid: str, side: str, country: str | None = None) -> dict[str, Any]:
    kind = "country" if pid.startswith("country:") else "organisation"
    country = country or (pid.split(":")[1] if kind == "country" else None)
    return {"id": pid, "name": pid.split(":")[1], "kind": kind, "country": country, "side": side}


def _event(
    event_type: str, a: str, b: str, year: str = "", realised: bool = True, when: str | None = None
) -> dict[str, Any]:
    pa, pb = _party(a, "a"), _party(b, "b")
    groups = sorted({pa["country"] or a, pb["country"] or b})
    return {
        "key": f"{event_type}|{','.join(groups)}|{'r' if realised else 'u'}|{year}",
        "type": event_type,
        "status": "done" if realised else "planned",
        "cameo": {"code": "057"},
        "plover": "AGREE",
        "parties": [pa, pb],
        "when": {"value": when} if when else None,
        "evidence": {"start": 0, "end": 10, "text": 'evidence, with "quotes"'},
        "confidence": 0.8,
    }


def test_same_event_in_two_items_of_one_story_counts_once() -> None:
    signed = _event("agreement_signed", "country:KZ", "country:TR")
    graph = build_graph(
        [
            Reported(signed, "urn:a", "story-1", "2024-04-05"),
            Reported(signed, "urn:b", "story-1", "2024-04-06"),
            Reported(signed, "urn:c", "story-2", "2024-09-01"),  # another story: another signing
        ]
    )
    drawn = graph.to_json()
    assert len(graph.events) == 2
    (edge,) = drawn["edges"]
    assert (edge["source"], edge["target"]) == ("country:KZ", "country:TR")
    assert edge["count"] == 2 and edge["types"] == {"agreement_signed": 2}
    assert edge["first"] == "2024-04-05" and edge["last"] == "2024-09-01"
    assert edge["sources"] == 3
    first = graph.timeline("country:TR", "country:KZ")[0]
    assert first["sources"] == ["urn:a", "urn:b"]
    assert {n["id"] for n in drawn["nodes"]} == {"country:KZ", "country:TR"}
    json.dumps(drawn)  # a page can take it as is


def test_dated_and_undated_reports_merge_but_different_years_do_not() -> None:
    week_2024 = _event("training", "org:al-jazeera-media-institute", "country:KZ", "2024")
    undated = _event("training", "org:al-jazeera-media-institute", "country:KZ")
    week_2026 = _event("training", "org:al-jazeera-media-institute", "country:KZ", "2026")
    graph = build_graph(
        [
            Reported(week_2024, "urn:a", "s"),
            Reported(undated, "urn:b", "s"),
            Reported(week_2026, "urn:c", "s"),
        ]
    )
    assert sorted(len(e.sources) for e in graph.events) == [1, 2]


def test_filters() -> None:
    graph = build_graph(
        [
            Reported(_event("meeting", "country:KZ", "country:TR", when="2024-01-10"), "urn:a"),
            Reported(_event("training", "org:anadolu", "country:KZ", when="2025-03-01"), "urn:b"),
        ]
    )
    assert len(filter_events(graph.events, party="KZ")) == 2
    assert len(filter_events(graph.events, party="org:anadolu")) == 1
    assert len(filter_events(graph.events, event_type="meeting")) == 1
    assert len(filter_events(graph.events, since="2025-01-01")) == 1
    assert len(filter_events(graph.events, until="2024")) == 1
    assert filter_events(graph.events, status="planned") == []


def test_csv_is_well_formed() -> None:
    graph = build_graph([Reported(_event("meeting", "country:KZ", "country:TR"), "urn:a")])
    rows = list(csv.DictReader(io.StringIO(events_csv(graph.events))))
    assert len(rows) == 1
    assert rows[0]["party_a"] == "country:KZ" and rows[0]["party_b"] == "country:TR"
    assert rows[0]["evidence"] == 'evidence, with "quotes"'


def test_graphml_parses_back() -> None:
    graph = build_graph(
        [
            Reported(_event("meeting", "country:KZ", "country:TR"), "urn:a", "s1"),
            Reported(_event("agreement_signed", "country:KZ", "country:TR"), "urn:a", "s1"),
            Reported(_event("training", "org:anadolu", "country:KZ"), "urn:b", "s2"),
        ]
    )
    root = ET.fromstring(to_graphml(graph))
    ns = {"g": GRAPHML_NS}
    nodes = root.findall("g:graph/g:node", ns)
    edges = root.findall("g:graph/g:edge", ns)
    assert {n.get("id") for n in nodes} == {"country:KZ", "country:TR", "org:anadolu"}
    assert len(edges) == 3
    ids = {n.get("id") for n in nodes}
    assert all(e.get("source") in ids and e.get("target") in ids for e in edges)
    keys = {k.get("id") for k in root.findall("g:key", ns)}
    assert all(d.get("key") in keys for d in root.iter(f"{{{GRAPHML_NS}}}data"))
