"""The cooperation graph: countries and organisations, linked by events over time.

Pure aggregation. The caller (API, store, CLI) hands in the events it may show, each as
a `Reported` (the event JSON of the cooperation stage, the item uri, the story id from
the stories stage, the item's publication time) -- access policy is applied by the
caller, by passing only events of items the viewer may see.

One event reported by several items of one story counts once, with all its sources: the
identity is (story, event key), where the key is type + sides (at country level) +
realised class + year (cooperation.extract.Event.key). Items without a story are their
own story.

Exports: `to_json` (a shape a page can draw directly), `timeline` (one pair over time),
`events_csv` and `to_graphml` (stdlib xml.etree, readable by Gephi, yEd, networkx).
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Reported:
    event: dict[str, Any]  # Event.to_json()
    item_uri: str
    story_id: str | None = None
    time: str | None = None  # ISO date or datetime of the item


@dataclass
class Aggregated:
    """One real-world event with every item that reported it."""

    key: str
    story_id: str
    type: str
    status: str
    parties: list[dict[str, Any]]
    when: str | None  # the event's own date if known, else the first report's date
    sources: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    confidence: float = 0.0
    cameo: str | None = None
    plover: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "story_id": self.story_id,
            "type": self.type,
            "status": self.status,
            "cameo": self.cameo,
            "plover": self.plover,
            "parties": self.parties,
            "when": self.when,
            "sources": self.sources,
            "evidence": self.evidence,
            "confidence": self.confidence,
        }


def _node_id(party: dict[str, Any]) -> str:
    return str(party["id"])


def _compatible(agg: Aggregated, year: str) -> bool:
    known = agg.key.rsplit("|", 1)[-1] if agg.key.count("|") >= 3 else ""
    return not year or not known or year == known


def aggregate(reported: Iterable[Reported]) -> list[Aggregated]:
    """Events deduplicated across the items of a story, in order of time. Within a story,
    reports of one type between the same sides (same realised class) are one event unless
    both carry different years (a 2024 training week and the 2026 one)."""
    groups: dict[tuple[str, str], list[Aggregated]] = {}
    for r in reported:
        event = r.event
        story = r.story_id or r.item_uri
        key = str(event.get("key") or event.get("id"))
        base, _, year = key.rpartition("|") if key.count("|") >= 3 else (key, "", "")
        when = (event.get("when") or {}).get("value") or (r.time[:10] if r.time else None)
        candidates = groups.setdefault((story, base), [])
        agg = next((a for a in candidates if _compatible(a, year)), None)
        if agg is None:
            agg = Aggregated(
                key=key,
                story_id=story,
                type=event["type"],
                status=event["status"],
                parties=[dict(p) for p in event.get("parties", [])],
                when=when,
                cameo=(event.get("cameo") or {}).get("code"),
                plover=event.get("plover"),
            )
            candidates.append(agg)
        else:
            if year and not agg.key.endswith("|" + year):
                agg.key = f"{base}|{year}"
            known = {p["id"] for p in agg.parties}
            agg.parties += [dict(p) for p in event.get("parties", []) if p["id"] not in known]
            if when and (agg.when is None or when < agg.when):
                agg.when = when
        if r.item_uri not in agg.sources:
            agg.sources.append(r.item_uri)
            agg.evidence.append({"item": r.item_uri, **(event.get("evidence") or {})})
        agg.confidence = max(agg.confidence, float(event.get("confidence") or 0.0))
    events = [a for group in groups.values() for a in group]
    return sorted(events, key=lambda a: (a.when or "", a.type, a.key))


def pairs_of(parties: Sequence[dict[str, Any]]) -> list[tuple[str, str]]:
    """Edges of one event: every pair of parties on different sides, sorted ids."""
    out = set()
    for i, a in enumerate(parties):
        for b in parties[i + 1 :]:
            if a.get("side") != b.get("side") and _node_id(a) != _node_id(b):
                out.add(tuple(sorted((_node_id(a), _node_id(b)))))
    return sorted(out)  # type: ignore[arg-type]


@dataclass
class Graph:
    nodes: dict[str, dict[str, Any]]
    edges: dict[tuple[str, str], list[Aggregated]]
    events: list[Aggregated]

    def to_json(self) -> dict[str, Any]:
        """{nodes: [{id, label, kind, country, events}], edges: [{source, target, count,
        types, statuses, first, last}]}: ready for a force-directed or chord drawing."""
        degree: Counter[str] = Counter()
        edges = []
        for (a, b), events in sorted(self.edges.items()):
            degree[a] += len(events)
            degree[b] += len(events)
            whens = sorted(e.when for e in events if e.when)
            edges.append(
                {
                    "id": f"{a}--{b}",
                    "source": a,
                    "target": b,
                    "count": len(events),
                    "types": dict(Counter(e.type for e in events)),
                    "statuses": dict(Counter(e.status for e in events)),
                    "first": whens[0] if whens else None,
                    "last": whens[-1] if whens else None,
                    "sources": len({s for e in events for s in e.sources}),
                }
            )
        nodes = [
            {**node, "events": degree[node_id]} for node_id, node in sorted(self.nodes.items())
        ]
        return {"nodes": nodes, "edges": edges, "events": len(self.events)}

    def timeline(self, a: str, b: str) -> list[dict[str, Any]]:
        """The events between two nodes, oldest first."""
        events = self.edges.get(tuple(sorted((a, b))), [])  # type: ignore[arg-type]
        return [e.to_json() for e in sorted(events, key=lambda e: (e.when or "", e.type))]

    def timelines(self) -> dict[str, list[dict[str, Any]]]:
        return {f"{a}--{b}": self.timeline(a, b) for a, b in sorted(self.edges)}


def build_graph(reported: Iterable[Reported]) -> Graph:
    return graph_of(aggregate(reported))


def graph_of(events: list[Aggregated]) -> Graph:
    """Nodes and edges of already aggregated events (e.g. after filtering)."""
    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[tuple[str, str], list[Aggregated]] = {}
    for event in events:
        for p in event.parties:
            nodes.setdefault(
                _node_id(p),
                {
                    "id": _node_id(p),
                    "label": p.get("name") or _node_id(p),
                    "kind": p.get("kind"),
                    "country": p.get("country"),
                },
            )
        for pair in pairs_of(event.parties):
            edges.setdefault(pair, []).append(event)
    return Graph(nodes, edges, events)


def filter_events(
    events: Iterable[Aggregated],
    party: str | None = None,
    event_type: str | None = None,
    status: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> list[Aggregated]:
    """The API's filters: party id (or country code), type, status, period (ISO dates)."""
    out = []
    for e in events:
        if party and not any(p["id"] == party or p.get("country") == party for p in e.parties):
            continue
        if event_type and e.type != event_type:
            continue
        if status and e.status != status:
            continue
        if since and (e.when or "") < since:
            continue
        if until and (e.when or "9999")[: len(until)] > until:
            continue
        out.append(e)
    return out


CSV_FIELDS = (
    "key",
    "story_id",
    "type",
    "status",
    "cameo",
    "plover",
    "when",
    "party_a",
    "party_b",
    "parties",
    "sources",
    "confidence",
    "evidence",
)


def events_csv(events: Iterable[Aggregated]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for e in events:
        sides: dict[str, list[str]] = {}
        for p in e.parties:
            sides.setdefault(p.get("side") or "a", []).append(_node_id(p))
        ordered = [";".join(v) for _, v in sorted(sides.items())]
        writer.writerow(
            {
                "key": e.key,
                "story_id": e.story_id,
                "type": e.type,
                "status": e.status,
                "cameo": e.cameo or "",
                "plover": e.plover or "",
                "when": e.when or "",
                "party_a": ordered[0] if ordered else "",
                "party_b": ordered[1] if len(ordered) > 1 else "",
                "parties": ";".join(_node_id(p) for p in e.parties),
                "sources": " ".join(e.sources),
                "confidence": e.confidence,
                "evidence": (e.evidence[0].get("text") or "") if e.evidence else "",
            }
        )
    return buffer.getvalue()


GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"


def to_graphml(graph: Graph) -> str:
    """GraphML: one node per party, one edge per aggregated event (a multigraph), with
    type, status, CAMEO, PLOVER, date and source count as edge data."""
    ET.register_namespace("", GRAPHML_NS)
    root = ET.Element(f"{{{GRAPHML_NS}}}graphml")
    keys = [
        ("label", "node", "string"),
        ("kind", "node", "string"),
        ("country", "node", "string"),
        ("type", "edge", "string"),
        ("status", "edge", "string"),
        ("cameo", "edge", "string"),
        ("plover", "edge", "string"),
        ("when", "edge", "string"),
        ("sources", "edge", "int"),
        ("story", "edge", "string"),
    ]
    for name, domain, kind in keys:
        ET.SubElement(
            root,
            f"{{{GRAPHML_NS}}}key",
            {
                "id": f"{domain[0]}_{name}",
                "for": domain,
                "attr.name": name,
                "attr.type": kind,
            },
        )
    g = ET.SubElement(
        root, f"{{{GRAPHML_NS}}}graph", {"id": "cooperation", "edgedefault": "undirected"}
    )

    def data(parent: ET.Element, key: str, value: Any) -> None:
        if value is not None:
            ET.SubElement(parent, f"{{{GRAPHML_NS}}}data", {"key": key}).text = str(value)

    for node_id, node in sorted(graph.nodes.items()):
        n = ET.SubElement(g, f"{{{GRAPHML_NS}}}node", {"id": node_id})
        data(n, "n_label", node.get("label"))
        data(n, "n_kind", node.get("kind"))
        data(n, "n_country", node.get("country"))
    index = 0
    for (a, b), events in sorted(graph.edges.items()):
        for e in events:
            edge = ET.SubElement(
                g, f"{{{GRAPHML_NS}}}edge", {"id": f"e{index}", "source": a, "target": b}
            )
            index += 1
            data(edge, "e_type", e.type)
            data(edge, "e_status", e.status)
            data(edge, "e_cameo", e.cameo)
            data(edge, "e_plover", e.plover)
            data(edge, "e_when", e.when)
            data(edge, "e_sources", len(e.sources))
            data(edge, "e_story", e.story_id)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)
