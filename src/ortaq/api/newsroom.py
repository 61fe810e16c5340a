"""The newsroom's pages: the wire of stories, items, stories, search and entities.

Every read goes through the store's repositories with the signed-in user as the viewer:
the same access policy as the API; no page decides on its own what a member may see.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

import pycountry
from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from ortaq.api.cooperation import aggregated_page
from ortaq.api.desk import may_review
from ortaq.api.publish import may_edit
from ortaq.api.security import get_store
from ortaq.api.web import WebCaller, current_caller, form_caller, render, translate
from ortaq.cooperation.taxonomy import STATUSES, TYPES
from ortaq.exchange import audit
from ortaq.exchange.searches import list_searches, save_search
from ortaq.store.cooperation import (
    Arc,
    EventQuery,
    Link,
    arc_events,
    map_view,
)
from ortaq.store.store import StoredItem
from ortaq.store.stories import (
    StoryFilter,
    get_story,
    list_stories,
    parse_story_id,
    story_of,
)
from ortaq.verification import banner
from ortaq.web.i18n import N_
from ortaq.web.marking import item_lines, search_marks, version_changes

router = APIRouter(include_in_schema=False)
SIGN_IN = "/login"
PAGE = 30  # stories or results per page


def poll_seconds() -> int:
    """How often an open wire asks for new stories (`ORTAQ_WIRE_POLL_SECONDS`)."""
    return max(1, int(os.environ.get("ORTAQ_WIRE_POLL_SECONDS", "20")))


Text = Annotated[str | None, Query(max_length=200)]
Code = Annotated[str | None, Query(max_length=12, pattern=r"^[A-Za-z-]*$")]
Slug = Annotated[str | None, Query(max_length=100)]
Cursor = Annotated[int | None, Query(ge=1, le=2**31 - 1)]
# A date filter as the form sends it: empty when the field is left blank.
Day = Annotated[str | None, Query(max_length=10, pattern=r"^(\d{4}-\d{2}-\d{2})?$")]


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(422, f"{value!r} is no calendar date") from None


def _day_start(day: date | None) -> datetime | None:
    return datetime.combine(day, time(0), tzinfo=UTC) if day else None


def _record(request: Request, caller: WebCaller, target: str, **details: Any) -> None:
    audit.record(
        get_store(request), caller.user.username, "read", target,
        member=caller.user.member, **details,
    )  # fmt: skip


# -- the wire -------------------------------------------------------------------------------


EventKind = Annotated[str | None, Query(max_length=40, pattern=r"^[a-z_]*$")]


def _wire_filter(
    language: str | None, member: str | None, country: str | None, since: str | None,
    until: str | None, type: str | None = None, status: str | None = None,
) -> StoryFilter:  # fmt: skip
    """The wire's filters; `until` includes its whole day; `type` and `status` are a
    cooperation event's (`ortaq.cooperation.taxonomy`)."""
    last = _day(until)
    end = _day_start(last + timedelta(days=1)) if last else None
    return StoryFilter(
        language=language or None, member=member or None, country=country or None,
        since=_day_start(_day(since)), until=end, event_type=type or None,
        event_status=status or None,
    )  # fmt: skip


@router.get("/", response_class=HTMLResponse)
def wire(
    request: Request,
    language: Code = None,
    member: Slug = None,
    country: Code = None,
    since: Day = None,
    until: Day = None,
    type: EventKind = None,
    status: EventKind = None,
    before: Cursor = None,
    q: Text = None,
) -> Response:
    """The latest stories the member may read, filtered, paged by story id."""
    caller = current_caller(request)
    if caller is None:
        return RedirectResponse(SIGN_IN, status_code=303)
    if q:  # the search box once lived here: old links land on the search page
        return RedirectResponse(f"/search?{request.url.query}", status_code=303)
    store = get_store(request)
    only = _wire_filter(language, member, country, since, until, type, status)
    views = list_stories(
        store, caller.principal.viewer, limit=PAGE, before=before, only=only, summaries=True
    )
    _record(request, caller, "web:wire", count=len(views))
    older = parse_story_id(views[-1].id) if len(views) == PAGE else None
    newest = parse_story_id(views[0].id) if views else 0
    filters = {"language": language, "member": member, "country": country,
               "since": since, "until": until, "type": type, "status": status}  # fmt: skip
    context = {
        "stories": views, "section": "/", "filters": filters, "older": older,
        "newest": newest if before is None else None, "members": store.list_members(),
        "poll_seconds": poll_seconds(), "types": TYPES, "statuses": STATUSES,
        "query_string": "&".join(f"{k}={v}" for k, v in filters.items() if v),
    }  # fmt: skip
    return render(request, "wire.html", context, caller=caller)


@router.get("/wire/fresh", response_class=HTMLResponse)
def wire_fresh(
    request: Request,
    after: Annotated[int, Query(ge=0, le=2**31 - 1)],
    language: Code = None,
    member: Slug = None,
    country: Code = None,
    since: Day = None,
    until: Day = None,
    type: EventKind = None,
    status: EventKind = None,
) -> Response:
    """Rows of the stories newer than `after` (htmx polls this to grow the wire)."""
    caller = current_caller(request)
    if caller is None:
        raise HTTPException(401, "sign in again")
    only = _wire_filter(language, member, country, since, until, type, status)
    views = list_stories(
        get_store(request), caller.principal.viewer, limit=PAGE, after=after, only=only,
        summaries=True,
    )  # fmt: skip
    newest = max([after, *(parse_story_id(v.id) or 0 for v in views)])
    context = {"stories": views, "newest": newest, "poll_seconds": poll_seconds(), "filters": {
        "language": language, "member": member, "country": country,
        "since": since, "until": until, "type": type, "status": status}}  # fmt: skip
    return render(request, "wire_rows.html", context, caller=caller)


# -- items and stories ----------------------------------------------------------------------


@router.get("/items/{item_id}", response_class=HTMLResponse)
def item_page(request: Request, item_id: int) -> Response:
    caller = current_caller(request)
    if caller is None:
        return RedirectResponse(SIGN_IN, status_code=303)
    store, viewer = get_store(request), caller.principal.viewer
    stored = store.get(item_id, viewer=viewer) if 0 < item_id < 2**62 else None
    if stored is None:
        raise HTTPException(404, f"no item {item_id}")
    history = store.history(stored.item.uri, viewer=viewer, provider=stored.item.provider)
    _record(request, caller, stored.item.uri)
    story = story_of(store, stored.id) if stored.access == "full" else None
    earlier = [v for v in history if v.item.version < stored.item.version]
    changes = (
        version_changes(earlier[-1].item.body_text, stored.item.body_text) if earlier else None
    )
    context = {
        "stored": stored, "item": stored.item, "history": history, "story": story,
        "lines": item_lines(stored.item), "events": stored.item.stage_data.get("cooperation", []),
        "changes": changes, "previous": earlier[-1] if earlier else None,
        "now": store.clock(), "can_edit": stored.access == "full" and may_edit(caller, stored),
        "reviews": banner(store, stored.id, viewer) if stored.access == "full" else [],
        "may_review": stored.access == "full" and may_review(caller.principal),
    }  # fmt: skip
    return render(request, "item.html", context, caller=caller)


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: str) -> Response:
    caller = current_caller(request)
    if caller is None:
        return RedirectResponse(SIGN_IN, status_code=303)
    view = get_story(get_store(request), story_id[:40], caller.principal.viewer)
    if view is None:
        raise HTTPException(404, f"no story {story_id[:40]}")
    _record(request, caller, view.id)
    corrections = []
    for stored in view.versions:  # each correction against the version before it
        before = [
            v for v in view.versions
            if v.item.uri == stored.item.uri and v.item.provider == stored.item.provider
            and v.item.version < stored.item.version
        ]  # fmt: skip
        if before:
            old = before[-1]
            changes = version_changes(old.item.body_text, stored.item.body_text)
            corrections.append((old, stored, changes))
    context = {
        "story": view, "data": view.to_json(), "timeline": view.timeline(),
        "corrections": corrections,
    }  # fmt: skip
    return render(request, "story.html", context, caller=caller)


# -- search ---------------------------------------------------------------------------------


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    q: Text = None,
    language: Code = None,
    member: Slug = None,
    country: Code = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    saved: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """Ranked matches under the caller's policy (the store search of the API and CLI),
    the matched words marked in every script, facets, and saving as a feed."""
    caller = current_caller(request)
    if caller is None:
        return RedirectResponse(SIGN_IN, status_code=303)
    store = get_store(request)
    query = (q or "").strip()
    context: dict[str, Any] = {"section": "/search", "q": query, "language": language,
                               "member": member, "country": country, "saved": saved}  # fmt: skip
    if query:
        results = store.search(
            query, viewer=caller.principal.viewer, language=language or None,
            member=member or None, country=country or None, limit=PAGE, cursor=cursor,
        )  # fmt: skip
        _record(request, caller, "web:search", query=query, count=len(results.hits))
        context.update(
            results=results,
            marked=[
                (hit, search_marks(hit.stored.item.headline or "", query, hit.stored.item.language))
                for hit in results.hits
            ],
        )
    if caller.user.member:
        context["searches"] = list_searches(store, caller.user.member)
    return render(request, "search.html", context, caller=caller)


SaveField = Annotated[str, Form(max_length=200)]


@router.post("/search/save")
def save_as_feed(
    request: Request,
    name: Annotated[str, Form(min_length=1, max_length=100, pattern=r"^[\w .-]+$")],
    q: SaveField,
    csrf: SaveField,
    language: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    """Save the search as the member's feed (`ortaq.exchange.searches`, as the API does)."""
    caller = form_caller(request, csrf)
    if not caller.user.member:
        raise HTTPException(403, translate(request, N_("Only a member's users save searches.")))
    save_search(get_store(request), caller.user.member, name, {"text": q, "language": language})
    return RedirectResponse(f"/search?q={q}&saved={name}", status_code=303)


# -- entities -------------------------------------------------------------------------------


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
def entity_page(
    request: Request, entity_id: str, name: Annotated[str, Query(min_length=1, max_length=200)]
) -> Response:
    """A person, organisation, place or country: its names in every script, the items
    that mention it over time and its cooperation partners, from the items the member
    may read (the store search for its name, kept to items that mention this entity)."""
    caller = current_caller(request)
    if caller is None:
        return RedirectResponse(SIGN_IN, status_code=303)
    store, viewer = get_store(request), caller.principal.viewer
    results = store.search(name, viewer=viewer, limit=100, order="newest")
    # Search hits are summaries; the mentions and events are in the whole items.
    found = store.fetch_ids([hit.stored.id for hit in results.hits], viewer)
    items: list[StoredItem] = []
    names: set[str] = set()
    partners: dict[str, tuple[str, list[tuple[int, str]]]] = {}
    for stored in found:
        mentions = [m for m in stored.item.mentions or () if m.entity_id == entity_id]
        if not mentions or stored.access != "full":
            continue
        items.append(stored)
        names.update(m.text for m in mentions)
        names.update(m.canonical for m in mentions if m.canonical)
        for event in stored.item.stage_data.get("cooperation", []):
            parties = event.get("parties", [])
            if entity_id not in {party.get("id") for party in parties}:
                continue
            for party in parties:
                if party.get("id") != entity_id:
                    entry = partners.setdefault(party.get("id"), (party.get("name"), []))
                    entry[1].append((stored.id, event.get("type")))
    if not items:
        raise HTTPException(404, f"no item you may read mentions {entity_id[:80]}")
    _record(request, caller, f"web:entity:{entity_id[:80]}", count=len(items))
    context = {"entity_id": entity_id, "name": name, "names": sorted(names), "items": items,
               "partners": partners}  # fmt: skip
    return render(request, "entity.html", context, caller=caller)


EVENTS_PER_PAGE = 100  # the map's events table


# -- the cooperation map --------------------------------------------------------------------


def _country_number(code: str | None) -> str | None:
    """ISO 3166 numeric code: world-atlas names its shapes by it."""
    found = pycountry.countries.get(alpha_2=code.upper()) if code else None
    return str(found.numeric) if found else None


def _arcs(arcs: list[Arc]) -> list[dict[str, Any]]:
    """What the map script draws: one arc per pair of countries with its counts; its
    events (and their evidence) are read when the arc is opened (`/map/arc`)."""
    drawn = []
    for arc in arcs:
        shapes = [_country_number(end) for end in arc.ends]
        if None in shapes:
            continue  # not a country world-atlas draws
        drawn.append({"ends": list(arc.ends), "shapes": shapes, "count": arc.count,
                      "types": arc.types, "statuses": arc.statuses})  # fmt: skip
    return drawn


def _network(links: list[Link]) -> dict[str, Any]:
    """The organisations' network (Cytoscape's elements): the busiest pairs with an
    organisation (or group) on one end, and the parties they join."""
    nodes: dict[str, dict[str, Any]] = {}
    edges = []
    for link in links:
        for node in link.nodes:
            nodes.setdefault(node["id"], node)
        first, second = link.ends
        edges.append({"id": f"{first}--{second}", "source": first, "target": second,
                      "count": link.count})  # fmt: skip
    return {"nodes": list(nodes.values()), "edges": edges}


def _query(
    type: str | None, status: str | None, since: str | None, until: str | None
) -> EventQuery:
    return EventQuery(None, type or None, status or None, since or None, until or None)


@router.get("/map", response_class=HTMLResponse)
def map_page(
    request: Request,
    type: EventKind = None,
    status: EventKind = None,
    since: Day = None,
    until: Day = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """The cooperation events between countries on a world map, the organisations'
    network and a table of the same events, newest first: grouped in the store under the
    one policy (only what the member may read in full counts), each linked to its evidence."""
    caller = current_caller(request)
    if caller is None:
        return RedirectResponse(SIGN_IN, status_code=303)
    store = get_store(request)
    reading = store.reading(caller.principal.viewer)
    query = _query(type, status, since, until)
    offset = (page - 1) * EVENTS_PER_PAGE
    found = map_view(store, reading, query, per_page=EVENTS_PER_PAGE + 1, offset=offset)
    shown, ids = aggregated_page(store, reading, found.page[:EVENTS_PER_PAGE])
    total = found.total
    _record(request, caller, "web:map", count=total)
    filters = {"type": type, "status": status, "since": since, "until": until}
    context = {
        "section": "/map", "events": shown, "ids": ids, "total": total,
        "filters": filters, "page": page, "more": len(found.page) > EVENTS_PER_PAGE,
        "arc_url": "/map/arc?" + urlencode({k: v for k, v in filters.items() if v}),
        "types": TYPES, "statuses": STATUSES,
        "drawing": {"arcs": _arcs(found.arcs), "network": _network(found.links)},
    }  # fmt: skip
    return render(request, "map.html", context, caller=caller)


Country = Annotated[str, Query(min_length=2, max_length=8, pattern=r"^[A-Za-z]{2,8}$")]


@router.get("/map/arc")
def map_arc(
    request: Request,
    a: Country,
    b: Country,
    type: EventKind = None,
    status: EventKind = None,
    since: Day = None,
    until: Day = None,
) -> Response:
    """The newest events between two countries with the versions that report them: what
    an arc's popup lists when opened (JSON for the map script)."""
    caller = current_caller(request)
    if caller is None:
        return JSONResponse({"detail": "sign in"}, status_code=401)
    store = get_store(request)
    query = _query(type, status, since, until)
    found = arc_events(store, store.reading(caller.principal.viewer), (a, b), query)
    events = [{"type": e.type, "status": e.status, "when": e.when, "evidence": e.evidence}
              for e in found]  # fmt: skip
    return JSONResponse({"ends": sorted((a, b)), "events": events})
