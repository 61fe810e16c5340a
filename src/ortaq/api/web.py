"""The web newsroom: a login form, the item list, item and story pages, as the member
sees them.

Sessions are signed cookies (HttpOnly, SameSite=Lax); every form carries a CSRF token
that must match the CSRF cookie (double submit), compared in constant time.
"""

from __future__ import annotations

import hmac
import secrets
import time
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from ortaq.api.security import CSRF_COOKIE, SESSION_COOKIE, SESSION_SECONDS, Sessions, get_store
from ortaq.exchange import audit
from ortaq.exchange.accounts import Principal, check_password
from ortaq.store.stories import get_story, story_of

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parents[1] / "web" / "templates"))
router = APIRouter(include_in_schema=False)
Field = Annotated[str, Form(max_length=300)]


def _sessions(request: Request) -> Sessions:
    sessions: Sessions = request.app.state.sessions
    return sessions


def _caller(request: Request) -> Principal | None:
    cookie = request.cookies.get(SESSION_COOKIE)
    return _sessions(request).session_principal(get_store(request), cookie, time.time())


def _csrf(request: Request) -> str:
    return request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)


def _check_csrf(request: Request, submitted: str) -> None:
    expected = request.cookies.get(CSRF_COOKIE) or ""
    if not expected or not hmac.compare_digest(expected.encode(), submitted.encode()):
        raise HTTPException(403, "the form has expired; reload the page and try again")


def _page(
    request: Request, template: str, context: dict[str, object], status: int = 200
) -> HTMLResponse:
    token = _csrf(request)
    response = TEMPLATES.TemplateResponse(
        request, template, {**context, "csrf": token}, status_code=status
    )
    secure = request.app.state.settings.cookie_secure
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="lax", secure=secure)
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return _page(request, "login.html", {"error": None, "caller": None})


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, username: Field, password: Field, csrf: Field) -> Response:
    _check_csrf(request, csrf)
    store = get_store(request)
    user = check_password(store, username, password)
    if user is None:
        return _page(
            request, "login.html", {"error": "Wrong user name or password.", "caller": None}, 401
        )
    audit.record(store, user.username, "login", f"user:{user.username}", member=user.member)
    response = RedirectResponse("/", status_code=303)
    cookie = _sessions(request).cookie_for(user.id, time.time())
    secure = request.app.state.settings.cookie_secure
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="lax",
        secure=secure,
    )
    return response


@router.post("/logout")
def logout(request: Request, csrf: Field) -> Response:
    _check_csrf(request, csrf)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/", response_class=HTMLResponse)
def newsroom(request: Request, language: str | None = None) -> Response:
    caller = _caller(request)
    if caller is None:
        return RedirectResponse("/login", status_code=303)
    store = get_store(request)
    rows = store.list_items(limit=200, language=language, viewer=caller.viewer)
    audit.record(
        store, caller.actor, "read", "web:items", member=caller.user.member, count=len(rows)
    )
    context: dict[str, object] = {"rows": rows, "language": language, "caller": caller}
    return _page(request, "index.html", context)


@router.get("/items/{item_id}", response_class=HTMLResponse)
def item_page(request: Request, item_id: int) -> Response:
    caller = _caller(request)
    if caller is None:
        return RedirectResponse("/login", status_code=303)
    store = get_store(request)
    stored = store.get(item_id, viewer=caller.viewer) if 0 < item_id < 2**62 else None
    if stored is None:
        raise HTTPException(404, f"no item {item_id}")
    history = store.history(stored.item.uri, viewer=caller.viewer, provider=stored.item.provider)
    audit.record(store, caller.actor, "read", stored.item.uri, member=caller.user.member)
    story = story_of(store, stored.id) if stored.access == "full" else None
    context = {
        "stored": stored,
        "item": stored.item,
        "history": history,
        "caller": caller,
        "story": story,
    }
    return _page(request, "item.html", context)


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: str) -> Response:
    caller = _caller(request)
    if caller is None:
        return RedirectResponse("/login", status_code=303)
    store = get_store(request)
    view = get_story(store, story_id[:40], caller.viewer)
    if view is None:
        raise HTTPException(404, f"no story {story_id[:40]}")
    audit.record(store, caller.actor, "read", view.id, member=caller.user.member)
    context = {"story": view, "data": view.to_json(), "timeline": view.timeline()}
    return _page(request, "story.html", {**context, "caller": caller})
