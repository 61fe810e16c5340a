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
    aggregate,
    build_graph,
    events_csv,
    filter_events,
    graph_of,
    to_graphml,
)
from ortaq.store import Store
from ortaq.store.cooperation import (
    EventQuery,
    count_events,
    events_of,
    newest_events,
    pair_graph,
)
from ortaq.store.policy import Reading
from ortaq.store.store import ViewerLike
from ortaq.store.stories import readable_with_stories, reporting_with_stories

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
    page). Reads every reporting item whole: for the full exports (timelines, GraphML)."""
    reported, ids = [], {}
    for stored, story in sorted(reporting_with_stories(store, viewer), key=lambda r: r[0].id):
        item = stored.item
        when = item.versioncreated.date().isoformat() if item.versioncreated else None
        for event in item.stage_data.get("cooperation", []):
            reported.append(Reported(event, item.uri, story or f"item-{stored.id}", when))
            ids[item.uri] = stored.id
    return reported, ids


def aggregated_page(
    store: Store, viewer: ViewerLike | Reading, groups: list[list[tuple[int, int]]]
) -> tuple[list[Aggregated], dict[str, int]]:
    """A page of events from the store (`newest_events`, or the map's `map_view`),
    newest first: only the versions that report them are read whole (evidence
    sentences, parties' names), and aggregated as the graph does; with each reporting
    version's uri -> its stored id."""
    versions = readable_with_stories(store, viewer, [i for group in groups for i, _ in group])
    by_id = {stored.id: (stored, story) for stored, story in versions}
    reported: list[Reported] = []
    ids: dict[str, int] = {}
    rank_of: dict[str, int] = {}
    for rank, group in enumerate(groups):
        for item_id, n in sorted(group):
            if item_id not in by_id:
                continue  # changed since the page was grouped
            stored, story = by_id[item_id]
            reporting = events_of(stored.item.stage_data)
            if n >= len(reporting):
                continue
            item = stored.item
            when = item.versioncreated.date().isoformat() if item.versioncreated else None
            event = dict(reporting[n])
            reported.append(Reported(event, item.uri, story or f"item-{item_id}", when))
            ids[item.uri] = item_id
            rank_of.setdefault(item.uri, rank)
    events = sorted(aggregate(reported), key=lambda e: min(rank_of[s] for s in e.sources))
    return events, ids


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
    limit: Annotated[int, Query(ge=1, le=5000, description="events per page")] = 100,
    cursor: Annotated[
        int | None, Query(ge=1, le=2**62, description="`next_cursor` of the previous page")
    ] = None,
    total: Annotated[bool, Query(description="also count every match (reads them all)")] = False,
) -> dict[str, Any] | Response:
    """Cooperation events (each real event once, with all its sources), filtered, newest
    report first, a page at a time (`next_cursor` continues): the readable versions are
    walked newest first and the walk stops at the page. `total=true` also counts every
    matching event, which reads them all."""
    reading = store.reading(caller.viewer)
    query = EventQuery(party, type, status, since, until)
    groups, following = newest_events(store, reading, query, limit, cursor)
    found, _ = aggregated_page(store, reading, groups)
    if format == "csv":
        return PlainTextResponse(events_csv(found), media_type=CSV)
    counted = count_events(store, reading, query) if total else None
    return {"events": [e.to_json() for e in found], "count": len(found),
            "next_cursor": following, "total": counted}  # fmt: skip


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
    limit: Annotated[int, Query(ge=1, le=5000, description="the busiest pairs")] = 500,
    timelines: Annotated[bool, Query(description="every pair's events (reads them all)")] = False,
) -> dict[str, Any] | Response:
    """Nodes (countries, organisations) and edges (the busiest pairs, with their events
    counted by type and status, first and last date), grouped in the store; with
    `timelines=true` each pair's events too, or GraphML: both read every event."""
    if format == "graphml" or timelines:
        chosen = graph_of(
            _filtered(visible_graph(store, caller), party, type, status, since, until)
        )
        if format == "graphml":
            return Response(to_graphml(chosen), media_type=GRAPHML)
        return {**chosen.to_json(), "timelines": chosen.timelines()}
    query = EventQuery(party, type, status, since, until)
    return pair_graph(store, store.reading(caller.viewer), query, limit)
