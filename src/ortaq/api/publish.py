"""The newsroom's publishing form: publish, correct and kill from the browser.

The form becomes one ninjs document and goes through the door of `POST /api/v1/items`
(`ortaq.api.items`: the same ownership checks, chain, quarantine and audit); the
preview runs the same chain without storing anything. Correcting and killing need an
editor or admin of the member that owns the item (or the operator), as in the API.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ortaq.api.items import (
    StatusChange,
    ingest_raw,
    own_item,
    publishing_member,
    set_status,
)
from ortaq.api.security import get_store, is_operator, require_member_role
from ortaq.api.web import WebCaller, current_caller, form_caller, render
from ortaq.chain import Chain
from ortaq.model import Hints, IngestError, Item
from ortaq.store import StoredItem

router = APIRouter(include_in_schema=False)
SIGN_IN = "/login"
LANGUAGES = ("kk", "ar", "fr", "tr", "az", "ru", "en")  # the form's choices; "" detects

Line = Annotated[str, Form(max_length=300)]
Token = Annotated[str, Form(max_length=300)]
Body = Annotated[str, Form(min_length=1, max_length=200_000)]
Language = Annotated[str, Form(max_length=12, pattern=r"^[a-z]{0,3}$")]
# datetime-local as the browser sends it (read as UTC), or empty
Moment = Annotated[str, Form(max_length=25, pattern=r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?)?$")]
Member = Annotated[str, Form(max_length=100)]


def may_edit(caller: WebCaller, stored: StoredItem) -> bool:
    """Whether the correct and kill controls show: the API's own ownership rule."""
    try:
        require_member_role(caller.principal, stored.item.provider, "admin", "editor")
    except HTTPException:
        return False
    return True


def _embargo(value: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        raise HTTPException(422, f"embargo {value!r} is no date and time") from None


def draft_document(
    headline: str, body: str, language: str, embargo: str, copyright: str, terms: str
) -> bytes:
    """The form as one ninjs 1.x document: what the chain reads, in preview and send."""
    document: dict[str, Any] = {"headline": headline.strip(), "body_text": body.strip()}
    moment = _embargo(embargo)
    extra = {
        "language": language, "copyrightholder": copyright.strip(),
        "usageterms": terms.strip(), "embargoed": moment.isoformat() if moment else "",
    }  # fmt: skip
    document.update({key: value for key, value in extra.items() if value})
    return json.dumps(document, ensure_ascii=False).encode()


def _chain(request: Request) -> Chain:
    chain: Chain = request.app.state.chain
    return chain


@router.get("/publish", response_class=HTMLResponse)
def publish_form(
    request: Request, correct: Annotated[int | None, Query(ge=1, le=2**62)] = None
) -> Response:
    """The form: empty, or holding the item to correct (its owner's editors only)."""
    caller = current_caller(request)
    if caller is None:
        return RedirectResponse(SIGN_IN, status_code=303)
    store = get_store(request)
    original = own_item(store, caller.principal, correct) if correct else None
    operator = is_operator(caller.principal)
    if not operator and not original:
        require_member_role(caller.principal, caller.user.member, "admin", "editor")
    context = {
        "section": "/publish", "original": original, "languages": LANGUAGES,
        "members": store.list_members() if operator and not original else [],
    }  # fmt: skip
    return render(request, "publish.html", context, caller=caller)


@router.post("/publish/preview", response_class=HTMLResponse)
def preview(
    request: Request, csrf: Token, headline: Line, body: Body, language: Language = "",
    embargo: Moment = "", copyright: Line = "", terms: Line = "",
) -> Response:  # fmt: skip
    """How Ortaq reads the draft (the same chain as the API), stored nowhere (htmx)."""
    caller = form_caller(request, csrf, fragment=True)
    raw = draft_document(headline, body, language, embargo, copyright, terms)
    hints = Hints(source_name="preview", provider=caller.user.member, format="ninjs")
    context: dict[str, Any]
    try:
        item: Item = _chain(request).process(raw, hints)
    except IngestError as error:
        context = {"problem": str(error)}
    else:
        direction = item.derived["direction"].value if "direction" in item.derived else "auto"
        context = {"item": item, "direction": direction,
                   "events": item.stage_data.get("cooperation", [])}  # fmt: skip
    return render(request, "publish_preview.html", context, caller=caller)


@router.post("/publish")
def send(
    request: Request, csrf: Token, headline: Line, body: Body, language: Language = "",
    embargo: Moment = "", copyright: Line = "", terms: Line = "", member: Member = "",
    correct: Annotated[int | None, Form(ge=1, le=2**62)] = None,
) -> Response:  # fmt: skip
    """Send through the door of `POST /api/v1/items` (or its correction); on to the item."""
    caller = form_caller(request, csrf)
    store, principal = get_store(request), caller.principal
    raw = draft_document(headline, body, language, embargo, copyright, terms)
    if correct:
        original = own_item(store, principal, correct).item
        hints = Hints(provider=original.provider, uri=original.uri, format="ninjs")
    else:
        owner = publishing_member(store, principal, member or None)
        hints = Hints(provider=owner, format="ninjs")
    results = ingest_raw(_chain(request), store, principal, raw, hints)["results"]
    saved = next((r["id"] for r in results if "id" in r), None)
    if saved is None:  # a duplicate of an item already stored: say so on its page
        raise HTTPException(409, f"nothing new was stored: {results[0].get('reason', results)}")
    return RedirectResponse(f"/items/{saved}", status_code=303)


@router.post("/items/{item_id}/kill")
def kill(
    request: Request, item_id: int, csrf: Token,
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:  # fmt: skip
    """Kill an item (the API's kill): partners keep a notice and lose the text."""
    caller = form_caller(request, csrf)
    if not 1 <= item_id <= 2**62:
        raise HTTPException(404, f"no item {item_id}")
    set_status(
        get_store(request), caller.principal, item_id, "kill", StatusChange(note=note or None)
    )
    return RedirectResponse(f"/items/{item_id}", status_code=303)
