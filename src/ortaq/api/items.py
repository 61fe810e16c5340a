"""Items: list (with filters), get, search, publish, correct, withhold, kill.

Every read goes through the store with the caller as viewer, so the access policy is
applied in SQL; publishing goes through the same chain and quarantine as the CLI.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from typing import Annotated, Any, Literal
from weakref import WeakKeyDictionary

import anyio
from fastapi import APIRouter, Body, Depends, HTTPException, Path, Query, Request
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from ortaq.api.fields import DateTime, RequestBody
from ortaq.api.problems import documented
from ortaq.api.security import Caller, Writer, get_store, is_operator, require_member_role
from ortaq.api.serialize import item_detail, item_summary
from ortaq.chain import Chain
from ortaq.exchange import audit
from ortaq.exchange.accounts import Principal
from ortaq.ingest import Outcome, TooLarge, ingest_bytes, quarantine, read_bounded_async
from ortaq.model import Hints
from ortaq.store import Store, StoredItem
from ortaq.verification import banner

router = APIRouter(prefix="/api/v1", tags=["items"], responses=documented(401, 403, 422, 429))
StoreDep = Annotated[Store, Depends(get_store)]
Language = Annotated[str | None, Query(max_length=12, description="ISO 639-1 code")]
Cursor = Annotated[
    int | None, Query(ge=1, le=2**62, description="`next_cursor` of the previous page")
]
Limit = Annotated[int, Query(ge=1, le=500)]
MAX_ITEM_ID = 2**62  # ids fit a signed 64-bit integer on every backend


def item_id_param(item_id: Annotated[int, Path(description="an item's id")]) -> int:
    """Any integer is an id; one that no item can have is simply not found (404)."""
    if not 1 <= item_id <= MAX_ITEM_ID:
        raise HTTPException(404, f"no item {item_id}")
    return item_id


ItemId = Annotated[int, Depends(item_id_param)]
# Routes that read their own body through a bounded reader and quarantine what is too
# large: the request size middleware leaves them alone (security.SizeLimit).
BOUNDED_UPLOADS = (re.compile(r"/api/v1/items(?:/[^/]+/correct)?"),)
# One publish at a time per process: the chain is CPU-bound under the GIL, so more in
# parallel would not go faster but would slow every read the server answers meanwhile.
PUBLISH_CONCURRENCY = 1
_publish_limiters: WeakKeyDictionary[asyncio.AbstractEventLoop, anyio.CapacityLimiter] = (
    WeakKeyDictionary()
)
RAW_BODY = {
    "requestBody": {
        "required": True,
        "description": "The item in any input format Ortaq reads (text, ninjs, NewsML-G2...).",
        "content": {
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
            "text/plain": {"schema": {"type": "string"}},
        },
    }
}


class StatusChange(RequestBody):
    note: str | None = Field(default=None, max_length=2000)


def _page(rows: list[StoredItem], limit: int) -> dict[str, Any]:
    next_cursor = rows[-1].id if len(rows) == limit else None
    return {"items": [item_summary(r) for r in rows], "next_cursor": next_cursor}


def _audit_read(store: Store, caller: Principal, target: str, **detail: Any) -> None:
    audit.record(store, caller.actor, "read", target, member=caller.user.member, **detail)


@router.get("/items")
def list_items(
    store: StoreDep,
    caller: Caller,
    limit: Limit = 50,
    cursor: Cursor = None,
    language: Language = None,
    provider: Annotated[str | None, Query(max_length=100)] = None,
    topic: Annotated[str | None, Query(max_length=100, description="e.g. medtop:20000045")] = None,
    pubstatus: Annotated[str | None, Query(pattern="^(usable|withheld|canceled)$")] = None,
    since: Annotated[DateTime | None, Query(description="versioncreated at or after")] = None,
) -> dict[str, Any]:
    """Current items the caller may see, newest first, paged by cursor (summaries)."""
    rows = store.list_summaries(
        limit=limit,
        after_id=cursor,
        language=language,
        provider=provider,
        topic=topic,
        pubstatus=pubstatus,
        since=since,
        viewer=caller.viewer,
    )
    _audit_read(store, caller, "items", count=len(rows))
    return _page(rows, limit)


@router.get("/search", responses=documented(422))
def search(
    store: StoreDep,
    caller: Caller,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=500,
            description='words, all must match in any form or script; "quoted words" in order',
        ),
    ],
    limit: Limit = 20,
    cursor: Annotated[
        str | None, Query(max_length=200, description="`next_cursor` of the previous page")
    ] = None,
    language: Language = None,
    member: Annotated[str | None, Query(max_length=100, description="publishing member")] = None,
    country: Annotated[
        str | None, Query(max_length=2, description="ISO 3166 code of a country named")
    ] = None,
    order: Annotated[Literal["relevance", "newest"], Query()] = "relevance",
) -> dict[str, Any]:
    """Items matching every word that the caller may read in full, best first, with
    facet counts (language, member, country) over every match; paged by cursor."""
    try:
        results = store.search(
            q, viewer=caller.viewer, language=language, member=member, country=country,
            order=order, limit=limit, cursor=cursor,
        )  # fmt: skip
    except ValueError as error:
        raise HTTPException(422, str(error)) from None
    _audit_read(store, caller, "search", query=q, count=len(results.hits))
    return {
        "items": [{**item_summary(hit.stored), "score": hit.score} for hit in results.hits],
        "total": results.total,
        "complete": results.complete,
        "facets": results.facets,
        "next_cursor": results.next_cursor,
    }


@router.get("/items/{item_id}", responses=documented(404))
def get_item(store: StoreDep, caller: Caller, item_id: ItemId) -> dict[str, Any]:
    stored = store.get(item_id, viewer=caller.viewer)
    if stored is None:
        raise HTTPException(404, f"no item {item_id}")
    _audit_read(store, caller, stored.item.uri, version=stored.item.version)
    # the desk's banner: reviews of a claim this version carries (ortaq.verification)
    reviews = banner(store, stored.id, caller.viewer) if stored.access == "full" else []
    return {**item_detail(stored), "reviews": reviews}


@router.get("/items/{item_id}/versions", responses=documented(404))
def item_versions(store: StoreDep, caller: Caller, item_id: ItemId) -> dict[str, Any]:
    """Every version the caller may see (a partner: the current one only)."""
    stored = store.get(item_id, viewer=caller.viewer)
    if stored is None:
        raise HTTPException(404, f"no item {item_id}")
    item = stored.item
    versions = store.history(item.uri, viewer=caller.viewer, provider=item.provider)
    return {"versions": [item_summary(v) for v in versions]}


@router.post("/items", status_code=201, openapi_extra=RAW_BODY, responses=documented(413))
async def publish(
    request: Request,
    store: StoreDep,
    caller: Writer,
    provider: Annotated[str | None, Query(max_length=100, description="operators only")] = None,
    uri: Annotated[str | None, Query(max_length=1000, description="the sender's own id")] = None,
    format: Annotated[str | None, Query(max_length=40, description="force an input format")] = None,
) -> dict[str, Any]:
    """Publish items: the body goes through the chain; bad input is quarantined (422)."""
    member = publishing_member(store, caller, provider)
    return await _ingest_body(
        request, store, caller, Hints(provider=member, uri=uri, format=format)
    )


@router.post(
    "/items/{item_id}/correct",
    status_code=201,
    openapi_extra=RAW_BODY,
    responses=documented(404, 413),
)
async def correct(
    request: Request, store: StoreDep, caller: Writer, item_id: ItemId
) -> dict[str, Any]:
    """A new version of an item (same uri); it reaches every partner through every door."""
    stored = await run_in_threadpool(own_item, store, caller, item_id)
    hints = Hints(provider=stored.item.provider, uri=stored.item.uri)
    return await _ingest_body(request, store, caller, hints)


@router.post("/items/{item_id}/kill", responses=documented(400, 404))
def kill(
    store: StoreDep,
    caller: Writer,
    item_id: ItemId,
    change: Annotated[StatusChange | None, Body()] = None,
) -> dict[str, Any]:
    """Cancel an item: partners keep a notice (pubstatus canceled) and lose the text."""
    return set_status(store, caller, item_id, "kill", change)


@router.post("/items/{item_id}/withhold", responses=documented(400, 404))
def withhold(
    store: StoreDep,
    caller: Writer,
    item_id: ItemId,
    change: Annotated[StatusChange | None, Body()] = None,
) -> dict[str, Any]:
    return set_status(store, caller, item_id, "withhold", change)


def publishing_member(store: Store, caller: Principal, provider: str | None) -> str:
    """Who owns what this request publishes: the caller's member, or for an operator the
    member named explicitly, which must exist."""
    if is_operator(caller):
        if not provider:
            raise HTTPException(422, "operators name the publishing member with ?provider=")
        if store.get_member(provider) is None:
            raise HTTPException(422, f"no member {provider!r}")
        return provider
    if provider and provider != caller.user.member:
        raise HTTPException(403, "members publish as themselves")
    require_member_role(caller, caller.user.member, "admin", "editor")
    assert caller.user.member is not None
    return caller.user.member


def own_item(store: Store, caller: Principal, item_id: ItemId) -> StoredItem:
    stored = store.get(item_id, viewer=caller.viewer)
    if stored is None:
        raise HTTPException(404, f"no item {item_id}")
    require_member_role(caller, stored.item.provider, "admin", "editor")
    return stored


def set_status(
    store: Store, caller: Principal, item_id: ItemId, action: str, change: StatusChange | None
) -> dict[str, Any]:
    stored = own_item(store, caller, item_id)
    item, note = stored.item, change.note if change else None
    (store.kill if action == "kill" else store.withhold)(item.uri, note, provider=item.provider)
    audit.record(store, caller.actor, action, item.uri, member=item.provider, note=note)
    found = store.get_by_uri(item.uri, viewer=caller.viewer, provider=item.provider)
    assert found is not None
    return item_summary(found)


async def _ingest_body(
    request: Request, store: Store, caller: Principal, hints: Hints
) -> dict[str, Any]:
    """Read the body, bounded, then run the chain and the writes off the event loop."""
    chain: Chain = request.app.state.chain
    limiter = _publish_limiter()
    try:
        raw = await _bounded_body(request, chain.max_input_bytes)
    except TooLarge as error:
        refused = await anyio.to_thread.run_sync(_refuse, store, caller, error, hints)
        raise refused from None
    return await anyio.to_thread.run_sync(
        ingest_raw, chain, store, caller, raw, hints, limiter=limiter
    )


def _publish_limiter() -> anyio.CapacityLimiter:
    loop = asyncio.get_running_loop()
    limiter = _publish_limiters.get(loop)
    if limiter is None:
        limiter = _publish_limiters[loop] = anyio.CapacityLimiter(PUBLISH_CONCURRENCY)
    return limiter


async def _bounded_body(request: Request, limit: int) -> bytes:
    """At most `limit` bytes: a larger declared length is refused before reading at all."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise TooLarge(limit, int(declared), None, whole=True)
    return await read_bounded_async(request.stream(), limit)


def _refuse(store: Store, caller: Principal, error: TooLarge, hints: Hints) -> HTTPException:
    """Quarantine a too-large upload (its size and hash, no bytes); the 413 to answer."""
    name = f"api:{error.sha256[:16]}" if error.sha256 else "api:unread"
    outcome = quarantine(store, error.rejected(name), hints.provider)
    results = [_outcome(outcome)]
    audit.record(store, caller.actor, "publish", name, member=hints.provider, results=results)
    return HTTPException(413, f"quarantined (record {outcome.quarantine_id}): {outcome.reason}")


def ingest_raw(
    chain: Chain, store: Store, caller: Principal, raw: bytes, hints: Hints
) -> dict[str, Any]:
    name = f"api:{hashlib.sha256(raw).hexdigest()[:16]}"
    hints = Hints(**{**hints.__dict__, "source_name": name})
    outcomes = ingest_bytes(store, chain, raw, hints)
    results = [_outcome(o) for o in outcomes]
    audit.record(store, caller.actor, "publish", name, member=hints.provider, results=results)
    bad = [o for o in outcomes if o.kind == "quarantined"]
    if bad:
        raise HTTPException(422, f"quarantined (record {bad[0].quarantine_id}): {bad[0].reason}")
    return {"results": results}


def _outcome(outcome: Outcome) -> dict[str, Any]:
    data: dict[str, Any] = {"outcome": outcome.kind}
    if outcome.saved:
        data.update(id=outcome.saved.item_id, uri=outcome.saved.uri, version=outcome.saved.version)
        if outcome.saved.story:
            data["story"] = outcome.saved.story
    if outcome.reason:
        data["reason"] = outcome.reason
    if outcome.quarantine_id is not None:
        data["quarantine_id"] = outcome.quarantine_id
    return data
