"""Feeds out, per member and per saved search: Atom, ninjs 2.1, ninjs 3, NewsML-G2.

The items are the caller's own view (the store applies the policy); embargoed items
appear early only where an agreement says so, and then carry their embargo.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response
from pydantic import Field

from ortaq.api.fields import RequestBody
from ortaq.api.problems import documented
from ortaq.api.security import Caller, Writer, get_store, require_member_role
from ortaq.exchange import audit
from ortaq.exchange.accounts import Principal
from ortaq.exchange.outputs import FeedInfo, OutputFormat
from ortaq.exchange.searches import (
    delete_search,
    get_search,
    list_searches,
    run_search,
    save_search,
)
from ortaq.store import Store, StoredItem
from ortaq.verification import with_reviews

router = APIRouter(prefix="/api/v1", tags=["feeds"], responses=documented(401, 403, 422, 429))
StoreDep = Annotated[Store, Depends(get_store)]
FormatName = Literal["atom", "ninjs21", "ninjs3", "newsmlg2"]
Name = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._-]+$")]
FEED_CONTENT = {
    "application/atom+xml": {"schema": {"type": "string"}},
    "application/json": {"schema": {"type": "object"}},
    "application/vnd.iptc.g2.newsitem+xml": {"schema": {"type": "string"}},
}


class SearchIn(RequestBody):
    text: str | None = Field(default=None, max_length=500)
    language: str | None = Field(default=None, max_length=12)
    provider: str | None = Field(default=None, max_length=100)
    topic: str | None = Field(default=None, max_length=100)


def _member(caller: Principal) -> str:
    if not caller.user.member:
        raise HTTPException(403, "feeds and saved searches belong to a member")
    return caller.user.member


def _render(
    request: Request,
    store: Store,
    caller: Principal,
    fmt: str,
    feed_id: str,
    items: list[StoredItem],
) -> Response:
    output: OutputFormat = request.app.state.outputs.get(fmt)
    feed = FeedInfo(feed_id, f"Ortaq: {feed_id}", str(request.url), store.clock())
    audit.record(
        store,
        caller.actor,
        "export",
        feed_id,
        member=caller.user.member,
        format=fmt,
        count=len(items),
    )
    shown = with_reviews(store, items, caller.viewer)  # the desk's banner (ednote)
    return Response(output.render_feed(feed, shown), media_type=output.media_type)


@router.get("/feeds/{fmt}", responses={200: {"content": FEED_CONTENT}})
def member_feed(
    request: Request,
    store: StoreDep,
    caller: Caller,
    fmt: FormatName,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    language: Annotated[str | None, Query(max_length=12)] = None,
    topic: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """The newest items the caller's member may see, as a feed."""
    rows = store.list_items(limit=limit, language=language, topic=topic, viewer=caller.viewer)
    feed_id = f"urn:ortaq:feed:{caller.user.member or 'operator'}"
    return _render(request, store, caller, fmt, feed_id, rows)


@router.get("/searches")
def searches(store: StoreDep, caller: Caller) -> dict[str, Any]:
    return {"searches": list_searches(store, _member(caller))}


@router.put("/searches/{name}", responses=documented(400))
def put_search(store: StoreDep, caller: Writer, name: Name, query: SearchIn) -> dict[str, Any]:
    member = _member(caller)
    require_member_role(caller, member, "admin", "editor")
    return save_search(store, member, name, query.model_dump())


@router.delete("/searches/{name}", status_code=204, responses=documented(404))
def remove_search(store: StoreDep, caller: Writer, name: Name) -> Response:
    member = _member(caller)
    require_member_role(caller, member, "admin", "editor")
    if not delete_search(store, member, name):
        raise HTTPException(404, f"no saved search {name!r}")
    return Response(status_code=204)


@router.get(
    "/searches/{name}/feed/{fmt}", responses={200: {"content": FEED_CONTENT}, **documented(404)}
)
def search_feed(
    request: Request,
    store: StoreDep,
    caller: Caller,
    name: Name,
    fmt: FormatName,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Response:
    """A saved search as a feed."""
    member = _member(caller)
    found = get_search(store, member, name)
    if found is None:
        raise HTTPException(404, f"no saved search {name!r}")
    rows = run_search(store, caller.viewer, found["query"], limit)
    return _render(request, store, caller, fmt, f"urn:ortaq:feed:{member}:search:{name}", rows)
