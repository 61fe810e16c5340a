"""The newsroom's verification desk: the queue, the review form, a review's history and
the timeline of where its claim travelled, and the member's alerts.

Thin views over the same functions as the API (`ortaq.api.reviews`: one door for
writing, audited; `ortaq.verification` and `ortaq.store.reviews` for reading, under the
one policy): a page never decides on its own what a member may see or write.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ortaq.api.reviews import WRITERS, ClaimIn, change_review, publish_review, withdraw_as
from ortaq.api.security import get_store, is_operator
from ortaq.api.web import WebCaller, current_caller, form_caller, render, translate
from ortaq.exchange.accounts import Principal
from ortaq.store import reviews as rows
from ortaq.store.reviews import RATINGS, Review
from ortaq.verification import Draft, claim_timeline, desk_queue
from ortaq.web.i18n import N_

router = APIRouter(include_in_schema=False)
SIGN_IN = "/login"
ItemId = Annotated[int, Query(ge=1, le=2**31 - 1)]
Short = Annotated[str, Form(max_length=300)]
Optional = Annotated[str, Form(max_length=2000)]
Explanation = Annotated[str, Form(min_length=1, max_length=5000)]
Offset = Annotated[str, Form(max_length=12, pattern=r"^\d*$")]


def may_review(principal: Principal) -> bool:
    """Whether the pages offer the review form (the API's rule decides on writing)."""
    return is_operator(principal) or (
        principal.user.member is not None and principal.user.role in WRITERS
    )


def _evidence(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _draft(rating: str, explanation: str, language: str, evidence: str, note: str) -> Draft:
    if rating not in RATINGS:
        raise HTTPException(422, f"rating {rating[:40]!r}: must be one of {', '.join(RATINGS)}")
    return Draft(rating, explanation, language or None, _evidence(evidence), note or None)


def _offset(value: str) -> int | None:
    return int(value) if value else None


# -- the queue ------------------------------------------------------------------------------


@router.get("/desk", response_class=HTMLResponse)
def desk(request: Request) -> Response:
    """The queue (items repeating a reviewed claim, corrections that changed a figure or
    a name) and the latest reviews the member may see."""
    caller = current_caller(request)
    if caller is None:
        return RedirectResponse(SIGN_IN, status_code=303)
    store, viewer = get_store(request), caller.principal.viewer
    queue = desk_queue(store, viewer)
    reviews = rows.list_reviews(store, viewer, limit=50)
    member = caller.user.member
    unread = len(rows.notifications(store, member, unread=True, limit=100)) if member else 0
    context = {"section": "/desk", "queue": queue, "reviews": reviews, "unread": unread,
               "may_review": may_review(caller.principal)}  # fmt: skip
    return render(request, "desk.html", context, caller=caller)


# -- the review form ------------------------------------------------------------------------


EMPTY_FORM = {"rating": "", "explanation": "", "language": "", "evidence": "", "quote": "",
              "start": "", "end": "", "member": ""}  # fmt: skip


def _form_page(
    request: Request, caller: WebCaller, item: int, values: dict[str, str], error: str | None
) -> HTMLResponse:
    """The review form on a version the member reads in full; after a refusal, the form
    again with the reason and what the editor wrote."""
    if not may_review(caller.principal):
        raise HTTPException(403, translate(request, N_("Only a member's editors write reviews.")))
    store = get_store(request)
    stored = store.get(item, caller.principal.viewer)
    if stored is None or stored.access != "full":
        raise HTTPException(404, f"no item {item}")
    members = store.list_members() if is_operator(caller.principal) else []
    context = {"section": "/desk", "stored": stored, "item": stored.item, "ratings": RATINGS,
               "members": members, "values": values, "error": error}  # fmt: skip
    return render(request, "review_form.html", context, caller=caller,
                  status=422 if error else 200)  # fmt: skip


@router.get("/desk/review", response_class=HTMLResponse)
def review_form(request: Request, item: ItemId) -> Response:
    """The form: select a span of the version's text (or review the whole version)."""
    caller = current_caller(request)
    if caller is None:
        return RedirectResponse(SIGN_IN, status_code=303)
    return _form_page(request, caller, item, EMPTY_FORM, None)


@router.post("/desk/reviews")
def create(
    request: Request,
    item: Annotated[int, Form(ge=1, le=2**31 - 1)],
    rating: Short,
    explanation: Explanation,
    csrf: Short,
    quote: Optional = "",
    start: Offset = "",
    end: Offset = "",
    language: Annotated[str, Form(max_length=12)] = "",
    evidence: Optional = "",
    member: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Publish the review through the API's door (the same checks, alerts and audit); a
    refused review shows the form again with the reason."""
    caller = form_caller(request, csrf)
    # Not validated as the API's body: the offsets are checked against the text itself
    # (`verification.claim_span`), which names what is wrong with them.
    claim = ClaimIn.model_construct(text=quote or None, start=_offset(start), end=_offset(end))
    try:
        draft = _draft(rating, explanation, language, evidence, "")
        review = publish_review(get_store(request), caller.principal, item, draft, claim,
                                member or None)  # fmt: skip
    except HTTPException as refused:
        if refused.status_code != 422:
            raise
        values = {"rating": rating, "explanation": explanation, "language": language,
                  "evidence": evidence, "quote": quote, "start": start, "end": end,
                  "member": member}  # fmt: skip
        return _form_page(request, caller, item, values, str(refused.detail))
    return RedirectResponse(f"/desk/reviews/{review.id}", status_code=303)


# -- one review: history, timeline, revising and withdrawing --------------------------------


@router.get("/desk/reviews/{review_id}", response_class=HTMLResponse)
def review_page(request: Request, review_id: int) -> Response:
    caller = current_caller(request)
    if caller is None:
        return RedirectResponse(SIGN_IN, status_code=303)
    store, viewer = get_store(request), caller.principal.viewer
    review = rows.get_review(store, review_id, viewer) if 0 < review_id < 2**31 else None
    if review is None:
        raise HTTPException(404, f"no review {review_id}")
    principal = caller.principal
    writable = review.status == "published" and (
        is_operator(principal)
        or (principal.user.member == review.member and principal.user.role in WRITERS)
    )
    context: dict[str, Any] = {
        "section": "/desk", "review": review,
        "timeline": [{**e, "at": datetime.fromisoformat(e["time"])}
                     for e in claim_timeline(store, review, viewer)],
        "writable": writable, "ratings": RATINGS, "values": _values(review),
    }  # fmt: skip
    return render(request, "review.html", context, caller=caller)


def _values(review: Review) -> dict[str, str]:
    """The revise form starts from the current revision."""
    current = review.current
    return {
        "rating": current.rating,
        "explanation": current.explanation,
        "language": current.language or "",
        "evidence": "\n".join(current.evidence),
    }


@router.post("/desk/reviews/{review_id}/revise")
def revise(
    request: Request,
    review_id: int,
    rating: Short,
    explanation: Explanation,
    csrf: Short,
    language: Annotated[str, Form(max_length=12)] = "",
    evidence: Optional = "",
    note: Optional = "",
) -> Response:
    caller = form_caller(request, csrf)
    draft = _draft(rating, explanation, language, evidence, note)
    change_review(get_store(request), caller.principal, review_id, draft, withdraw=False)
    return RedirectResponse(f"/desk/reviews/{review_id}", status_code=303)


@router.post("/desk/reviews/{review_id}/withdraw")
def withdraw(request: Request, review_id: int, csrf: Short, note: Optional = "") -> Response:
    caller = form_caller(request, csrf)
    withdraw_as(get_store(request), caller.principal, review_id, note or None)
    return RedirectResponse(f"/desk/reviews/{review_id}", status_code=303)


# -- the member's alerts ----------------------------------------------------------------------


@router.get("/notifications", response_class=HTMLResponse)
def notifications(request: Request) -> Response:
    """The member's alerts, newest first, each with its review as the member may see it."""
    caller = current_caller(request)
    if caller is None:
        return RedirectResponse(SIGN_IN, status_code=303)
    member = caller.user.member
    if not member:
        raise HTTPException(403, translate(request, N_("Alerts are a member's.")))
    store, viewer = get_store(request), caller.principal.viewer
    alerts = [
        ({**alert, "at": datetime.fromisoformat(alert["created_at"])},
         rows.get_review(store, alert["review_id"], viewer))
        for alert in rows.notifications(store, member, limit=100)
    ]  # fmt: skip
    context = {"section": "/notifications", "alerts": alerts}
    return render(request, "notifications.html", context, caller=caller)


@router.post("/notifications/read")
def mark_read(
    request: Request, csrf: Short, alert: Annotated[int | None, Form()] = None
) -> Response:
    """Mark one alert read, or all of them."""
    caller = form_caller(request, csrf)
    if not caller.user.member:
        raise HTTPException(403, translate(request, N_("Alerts are a member's.")))
    store = get_store(request)
    rows.mark_read(store, caller.user.member, None if alert is None else [alert], store.clock())
    return RedirectResponse("/notifications", status_code=303)
