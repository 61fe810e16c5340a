"""The cooperation map: events and graph of the items the caller may read in full.

Events come from the cooperation stage (stored with each item); they are gathered from
the items the caller may read in full (the store applies the access policy), each with
its stored story, so the policy decides which events exist for the caller and reports
within one story merge. Notices (embargoed, killed, withheld items) carry no text, so
no events.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import PlainTextResponse, Response

from ortaq.api.problems import documented
from ortaq.api.security import Caller, get_store
from ortaq.cooperation.graph import (
    Aggregated,
    Graph,
    Reported,
    build_graph,
    events_csv,
    filter_events,
    graph_of,
    to_graphml,
)
from ortaq.store import Store
from ortaq.store.store import ViewerLike
from ortaq.store.stories import reporting_with_stories

router = APIRouter(
    prefix="/api/v1/cooperation", tags=["cooperation"], responses=documented(401, 403, 422, 429)
)
StoreDep = Annotated[Store, Depends(get_store)]
Party = Annotated[
    str | None, Query(max_length=200, description="entity id (org:azertac) or country code")
]
EventType = Annotated[str | None, Query(max_length=40, description="e.g. agreement_signed")]
Status = Annotated[str | None, Query(max_length=20, description="e.g. planned")]
Since = Annotated[str | None, Query(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="ISO date")]
Until = Annotated[str | None, Query(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$", description="ISO date")]
CSV, GRAPHML = "text/csv", "application/graphml+xml"
TEXT = {"schema": {"type": "string"}}  # the other `format`s, besides JSON


def visible_reports(store: Store, viewer: ViewerLike) -> tuple[list[Reported], dict[str, int]]:
    """Every event of every item the viewer may read in full, in arrival order (the first
    report comes first), and each reporting item's uri -> its stored id (the evidence's
    page)."""
    reported, ids = [], {}
    for stored, story in sorted(reporting_with_stories(store, viewer), key=lambda r: r[0].id):
        item = stored.item
        when = item.versioncreated.date().isoformat() if item.versioncreated else None
        for event in item.stage_data.get("cooperation", []):
            reported.append(Reported(event, item.uri, story or f"item-{stored.id}", when))
            ids[item.uri] = stored.id
    return reported, ids


def visible_graph(store: Store, caller: Caller) -> Graph:
    """Every event of every item the caller may read in full, aggregated: an event that
    several items of one story report counts once, with all of them as sources."""
    return build_graph(visible_reports(store, caller.viewer)[0])


def _filtered(
    graph: Graph,
    party: str | None,
    kind: str | None,
    status: str | None,
    since: str | None,
    until: str | None,
) -> list[Aggregated]:
    return filter_events(graph.events, party, kind, status, since, until)


@router.get("/events", response_model=None, responses={200: {"content": {CSV: TEXT}}})
def events(
    store: StoreDep,
    caller: Caller,
    party: Party = None,
    type: EventType = None,
    status: Status = None,
    since: Since = None,
    until: Until = None,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
) -> dict[str, Any] | Response:
    """Cooperation events (each real event once, with all its sources), filtered."""
    found = _filtered(visible_graph(store, caller), party, type, status, since, until)
    if format == "csv":
        return PlainTextResponse(events_csv(found), media_type=CSV)
    return {"events": [e.to_json() for e in found], "count": len(found)}


@router.get("/graph", response_model=None, responses={200: {"content": {GRAPHML: TEXT}}})
def graph(
    store: StoreDep,
    caller: Caller,
    party: Party = None,
    type: EventType = None,
    status: Status = None,
    since: Since = None,
    until: Until = None,
    format: Annotated[Literal["json", "graphml"], Query()] = "json",
) -> dict[str, Any] | Response:
    """Nodes (countries, organisations) and edges (events over time) a page can draw,
    with the per-pair timelines; or GraphML."""
    chosen = graph_of(_filtered(visible_graph(store, caller), party, type, status, since, until))
    if format == "graphml":
        return Response(to_graphml(chosen), media_type=GRAPHML)
    return {**chosen.to_json(), "timelines": chosen.timelines()}
