"""The verification desk over HTTP: reviews, where an item travelled, claim search,
ClaimReview interchange and the member's notifications.

Reviews are read through the item policy (`ortaq.store.reviews`): a caller sees a review
on an item it may read in full, or its own member's. A member's editors and admins write
its reviews (the operator may act for any member); every write is in the audit log.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from pydantic import Field

from ortaq.api.fields import RequestBody
from ortaq.api.items import ItemId
from ortaq.api.problems import documented
from ortaq.api.security import Caller, Writer, get_store, is_operator, require_member_role
from ortaq.claims import claimreview
from ortaq.exchange import audit
from ortaq.exchange.accounts import Principal, Role
from ortaq.store import Store
from ortaq.store import reviews as rows
from ortaq.store.reviews import RATINGS, Review
from ortaq.verification import (
    Draft,
    ReviewError,
    claim_search,
    claimreview_doc,
    desk_queue,
    export_feed,
    import_claimreviews,
    propagation,
    publish,
    revise,
)

router = APIRouter(
    prefix="/api/v1", tags=["verification"], responses=documented(401, 403, 422, 429)
)
StoreDep = Annotated[Store, Depends(get_store)]
ReviewId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Cursor = Annotated[
    int | None, Query(ge=1, le=2**31 - 1, description="`next_cursor` of the previous page")
]
Limit = Annotated[int, Query(ge=1, le=200)]
WRITERS: tuple[Role, ...] = ("editor", "admin")


class ClaimIn(RequestBody):
    text: str | None = Field(default=None, max_length=2000, description="the quoted span")
    start: int | None = Field(default=None, ge=0, description="offset in the item's text")
    end: int | None = Field(default=None, ge=1)


class DraftIn(RequestBody):
    rating: Literal["false", "misleading", "missing_context", "unproven", "accurate"]
    explanation: str = Field(min_length=1, max_length=5000)
    language: str | None = Field(default=None, max_length=12)
    evidence: list[str] = Field(default_factory=list, max_length=20)
    note: str | None = Field(default=None, max_length=2000)


class ReviewIn(DraftIn):
    item_id: int = Field(ge=1, le=2**31 - 1)
    claim: ClaimIn | None = None
    member: str | None = Field(default=None, max_length=100, description="operators only")


class WithdrawIn(RequestBody):
    note: str | None = Field(default=None, max_length=2000)


class ReadIn(RequestBody):
    ids: list[int] | None = Field(default=None, max_length=1000, description="all if absent")


def _draft(body: DraftIn) -> Draft:
    return Draft(body.rating, body.explanation, body.language, tuple(body.evidence), body.note)


def reviewing_member(store: Store, caller: Principal, member: str | None) -> str:
    """The member a review is written for: the caller's own, or the one an operator
    names; the caller must be that member's editor or admin."""
    chosen = member if is_operator(caller) else caller.user.member
    if not chosen or store.get_member(chosen) is None:
        raise HTTPException(422, "name an existing member")
    require_member_role(caller, chosen, *WRITERS)
    return chosen


def publish_review(
    store: Store,
    caller: Principal,
    item_id: int,
    draft: Draft,
    claim: ClaimIn,
    member: str | None = None,
) -> Review:
    """Publish a review as the caller's member (operators name one), audited: the one
    door of the API and the newsroom's desk."""
    chosen = reviewing_member(store, caller, member)
    try:
        review = publish(
            store, caller.viewer, chosen, item_id, draft,
            quote=claim.text, start=claim.start, end=claim.end,
        )  # fmt: skip
    except LookupError:
        raise HTTPException(404, f"no item {item_id}") from None
    except ReviewError as error:
        raise HTTPException(422, str(error)) from None
    audit.record(store, caller.actor, "review", review.uri, member=chosen, item=item_id,
                 rating=draft.rating)  # fmt: skip
    return review


@router.post("/reviews", status_code=201, responses=documented(400, 404))
def create_review(store: StoreDep, caller: Writer, body: ReviewIn) -> dict[str, Any]:
    """Publish a review of a claim (a quoted span, or the whole version) in an item
    version the member may read. Every member that may read an item carrying the claim
    is told (notification and `review.published` webhook)."""
    claim = body.claim or ClaimIn()
    return publish_review(store, caller, body.item_id, _draft(body), claim, body.member).to_json()


@router.get("/reviews")
def list_reviews(
    store: StoreDep,
    caller: Caller,
    item_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    member: Annotated[str | None, Query(max_length=100)] = None,
    status: Annotated[Literal["published", "withdrawn"] | None, Query()] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """Reviews the caller may see, newest first; `item_id`: those on that version."""
    found = rows.list_reviews(
        store, caller.viewer, item_id=item_id, member=member, status=status, limit=limit,
        before=cursor,
    )  # fmt: skip
    return {
        "reviews": [r.to_json(history=False) for r in found],
        "next_cursor": found[-1].id if len(found) == limit else None,
    }


@router.get("/reviews/claimreview")
def claimreview_feed(store: StoreDep, caller: Caller, request: Request) -> dict[str, Any]:
    """Every review in force the caller may see, as a schema.org ClaimReview feed."""
    audit.record(store, caller.actor, "export", "reviews:claimreview", member=caller.user.member)
    return export_feed(store, caller.viewer, str(request.base_url))


@router.get("/reviews/queue")
def queue(store: StoreDep, caller: Caller, limit: Limit = 50) -> dict[str, Any]:
    """The desk's queue: items that repeat a reviewed claim (flagged on arrival or found
    by matching), and corrections that changed a figure or a name (what the current
    version added, and how many of the earlier version's are gone)."""
    return desk_queue(store, caller.viewer, limit)


@router.post("/reviews/import", responses=documented(400))
async def import_reviews(
    store: StoreDep,
    caller: Writer,
    request: Request,
    member: Annotated[str | None, Query(max_length=100, description="operators only")] = None,
) -> dict[str, Any]:
    """Import ClaimReview JSON-LD (one, a list, an @graph or a DataFeed): each claim is
    published as the member's review on the item an appearance names, else on its best
    match in the archive; claims found nowhere are reported."""
    chosen = reviewing_member(store, caller, member)
    try:
        docs = claimreview.parse(await request.body(), "request body")
    except claimreview.ClaimReviewError as error:
        raise HTTPException(400, str(error)) from None
    try:
        results = import_claimreviews(store, caller.viewer, chosen, docs)
    except ReviewError as error:
        raise HTTPException(422, str(error)) from None
    audit.record(store, caller.actor, "import", "reviews:claimreview", member=chosen,
                 claims=len(docs))  # fmt: skip
    return {"results": [r.to_json() for r in results]}


@router.get("/reviews/{review_id}", responses=documented(404))
def get_review(store: StoreDep, caller: Caller, review_id: ReviewId) -> dict[str, Any]:
    """One review with its history (revisions and withdrawal)."""
    review = rows.get_review(store, review_id, caller.viewer)
    if review is None:
        raise HTTPException(404, f"no review {review_id}")
    return review.to_json()


@router.get("/reviews/{review_id}/claimreview", responses=documented(404))
def get_claimreview(
    store: StoreDep, caller: Caller, review_id: ReviewId, request: Request
) -> dict[str, Any]:
    """One review as schema.org ClaimReview JSON-LD."""
    review = rows.get_review(store, review_id, caller.viewer)
    if review is None:
        raise HTTPException(404, f"no review {review_id}")
    doc = claimreview_doc(store, review, caller.viewer, str(request.base_url))
    return claimreview.to_jsonld(doc)


def change_review(
    store: Store, caller: Principal, review_id: int, draft: Draft, withdraw: bool
) -> Review:
    """Revise or withdraw a member's review, audited (the API's and the desk's door)."""
    review = rows.get_review(store, review_id, caller.viewer)
    if review is None:
        raise HTTPException(404, f"no review {review_id}")
    require_member_role(caller, review.member, *WRITERS)
    try:
        changed = revise(store, caller.viewer, review_id, draft, withdraw=withdraw)
    except ReviewError as error:
        raise HTTPException(409 if "withdrawn" in str(error) else 422, str(error)) from None
    action = "withdraw" if withdraw else "revise"
    audit.record(store, caller.actor, action, changed.uri, member=review.member,
                 revision=changed.revision)  # fmt: skip
    return changed


@router.post("/reviews/{review_id}/revise", responses=documented(400, 404, 409))
def revise_review(
    store: StoreDep, caller: Writer, review_id: ReviewId, body: DraftIn
) -> dict[str, Any]:
    """A new revision of the member's review (the earlier ones stay in its history);
    everyone who carried the claim is told (`review.updated`)."""
    return change_review(store, caller, review_id, _draft(body), withdraw=False).to_json()


@router.post("/reviews/{review_id}/withdraw", responses=documented(400, 404, 409))
def withdraw_review(
    store: StoreDep, caller: Writer, review_id: ReviewId, body: WithdrawIn
) -> dict[str, Any]:
    """Withdraw the member's review (kept on record; `review.withdrawn` is sent)."""
    return withdraw_as(store, caller, review_id, body.note).to_json()


def withdraw_as(store: Store, caller: Principal, review_id: int, note: str | None) -> Review:
    return change_review(store, caller, review_id, Draft(RATINGS[0], "-", note=note), withdraw=True)


@router.get("/items/{item_id}/propagation", responses=documented(404))
def item_propagation(store: StoreDep, caller: Caller, item_id: ItemId) -> dict[str, Any]:
    """Where the item travelled: its versions, copies, story versions in other
    languages, and the versions carrying a claim reviewed on it, each with publisher,
    time and the members that may read it (only what the caller may read is listed)."""
    found = propagation(store, item_id, caller.viewer)
    if found is None:
        raise HTTPException(404, f"no item {item_id}")
    return found


@router.get("/claims/search")
def search_claims(
    store: StoreDep,
    caller: Caller,
    q: Annotated[str, Query(min_length=1, max_length=2000, description="the claim")],
    language: Annotated[str | None, Query(max_length=12)] = None,
    limit: Limit = 20,
) -> dict[str, Any]:
    """Items the caller may read that repeat the claim, in any language, best first,
    with the matching passage's offsets and how it matched (within | across)."""
    found = claim_search(store, caller.viewer, q, language, limit=limit)
    return {
        "results": [
            {
                "id": stored.id,
                "uri": stored.item.uri,
                "provider": stored.item.provider,
                "language": stored.item.language,
                "headline": stored.item.headline,
                "score": round(match.score, 4),
                "how": match.how,
                "passage": stored.item.text[match.start : match.end],
                "start": match.start,
                "end": match.end,
            }
            for stored, match in found
        ]
    }


@router.get("/notifications")
def notifications(
    store: StoreDep,
    caller: Caller,
    unread: bool = False,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    """The caller's member's review alerts, newest first."""
    if not caller.user.member:
        raise HTTPException(403, "notifications are a member's")
    found = rows.notifications(store, caller.user.member, unread=unread, limit=limit, before=cursor)
    return {
        "notifications": found,
        "next_cursor": found[-1]["id"] if len(found) == limit else None,
    }


@router.post("/notifications/read", responses=documented(400))
def mark_read(store: StoreDep, caller: Writer, body: ReadIn) -> dict[str, Any]:
    """Mark the member's alerts read (these ids, or all)."""
    if not caller.user.member:
        raise HTTPException(403, "notifications are a member's")
    changed = rows.mark_read(store, caller.user.member, body.ids, store.clock())
    return {"marked": changed}
