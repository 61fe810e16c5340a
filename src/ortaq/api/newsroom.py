"""The newsroom's pages: the wire of stories, items, stories, search and entities.

Every read goes through the store's repositories with the signed-in user as the viewer:
the same access policy as the API; no page decides on its own what a member may see.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ortaq.api.security import get_store
from ortaq.api.web import current_caller, render
from ortaq.exchange import audit
from ortaq.store.stories import get_story, list_stories, story_of

router = APIRouter(include_in_schema=False)
SIGN_IN = "/login"


@router.get("/", response_class=HTMLResponse)
def wire(request: Request) -> Response:
    """The latest stories the member may read."""
    caller = current_caller(request)
    if caller is None:
        return RedirectResponse(SIGN_IN, status_code=303)
    store = get_store(request)
    views = list_stories(store, caller.principal.viewer, limit=50)
    audit.record(store, caller.user.username, "read", "web:wire", member=caller.user.member,
                 count=len(views))  # fmt: skip
    return render(request, "wire.html", {"stories": views, "section": "/"}, caller=caller)


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
    audit.record(store, caller.user.username, "read", stored.item.uri, member=caller.user.member)
    story = story_of(store, stored.id) if stored.access == "full" else None
    context = {"stored": stored, "item": stored.item, "history": history, "story": story}
    return render(request, "item.html", context, caller=caller)


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: str) -> Response:
    caller = current_caller(request)
    if caller is None:
        return RedirectResponse(SIGN_IN, status_code=303)
    store = get_store(request)
    view = get_story(store, story_id[:40], caller.principal.viewer)
    if view is None:
        raise HTTPException(404, f"no story {story_id[:40]}")
    audit.record(store, caller.user.username, "read", view.id, member=caller.user.member)
    context = {"story": view, "data": view.to_json(), "timeline": view.timeline()}
    return render(request, "story.html", context, caller=caller)
