"""The web newsroom: sign-in, the item list, item and story pages as the member sees
them, and changing one's password.

A session is a row in the database (`ortaq.exchange.sessions`); the cookie carries its
random secret. Signing out, changing the password or being disabled ends it. Every form
carries a CSRF token: on the sign-in form an HMAC (server key) of a nonce cookie, on the
signed-in pages an HMAC of the session's own secret, so a token from another session or
one an attacker chose is refused. Sign-ins go through the failed-attempt limit.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from ortaq.api.security import (
    Cookies,
    get_settings,
    get_store,
    login_csrf,
    same_token,
    session_csrf,
)
from ortaq.exchange import audit, sessions
from ortaq.exchange.accounts import AccountError, Principal, User, get_user, set_password
from ortaq.exchange.signin import Client, Verdict, check_credentials, sign_in
from ortaq.store.stories import get_story, story_of

WEB = Path(__file__).parents[1] / "web"
TEMPLATES = Jinja2Templates(directory=str(WEB / "templates"))
STYLESHEET = (WEB / "static" / "ortaq.css").read_bytes()
router = APIRouter(include_in_schema=False)
Field = Annotated[str, Form(max_length=300)]
EXPIRED_FORM = "the form has expired; reload the page and try again"


@dataclass(frozen=True)
class WebCaller:
    """A signed-in user of the pages: the session and the CSRF token bound to it."""

    principal: Principal
    session: sessions.Session
    csrf: str

    @property
    def user(self) -> User:
        return self.principal.user


def _cookies(request: Request) -> Cookies:
    return Cookies(get_settings(request).cookie_secure)


def _client(request: Request) -> Client:
    address = request.client.host if request.client else None
    return Client(address, request.headers.get("user-agent"))


def _caller(request: Request) -> WebCaller | None:
    secret = request.cookies.get(_cookies(request).session, "")
    store, settings = get_store(request), get_settings(request)
    session = sessions.resolve(store, secret, settings.session_lifetime)
    if session is None:
        return None
    user = get_user(store, session.user_id)
    if user is None or user.disabled:
        return None
    return WebCaller(Principal(user, "write"), session, session_csrf(secret))


def _check_csrf(expected: str, submitted: str) -> None:
    if not same_token(expected, submitted):
        raise HTTPException(403, EXPIRED_FORM)


def _page(
    request: Request,
    template: str,
    context: dict[str, object],
    *,
    caller: WebCaller | None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """A page; signed in, its forms carry the session's CSRF token."""
    csrf = caller.csrf if caller else ""
    return TEMPLATES.TemplateResponse(
        request,
        template,
        {**context, "caller": caller.principal if caller else None, "csrf": csrf},
        status_code=status,
        headers=headers,
    )


def _start_session(request: Request, user: User, response: Response) -> None:
    settings = get_settings(request)
    client = _client(request)
    _, secret = sessions.start(
        get_store(request), user.id, settings.session_lifetime,
        client_address=client.address, user_agent=client.user_agent,
    )  # fmt: skip
    cookies = _cookies(request)
    cookies.set(response, cookies.session, secret, max_age=settings.session_max_seconds)


def _minutes(verdict: Verdict) -> int:
    return max(1, -(-verdict.seconds // 60))


# -- signing in and out ---------------------------------------------------------------------


def _login_page(
    request: Request, error: str | None, status: int = 200, headers: dict[str, str] | None = None
) -> HTMLResponse:
    """The sign-in form, its token bound to this browser's nonce cookie."""
    cookies, settings = _cookies(request), get_settings(request)
    nonce = request.cookies.get(cookies.login) or secrets.token_urlsafe(24)
    response = TEMPLATES.TemplateResponse(
        request,
        "login.html",
        {"error": error, "caller": None, "csrf": login_csrf(settings.secret_key, nonce)},
        status_code=status,
        headers=headers,
    )
    cookies.set(response, cookies.login, nonce, samesite="strict")
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return _login_page(request, None)


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, username: Field, password: Field, csrf: Field) -> Response:
    cookies, settings = _cookies(request), get_settings(request)
    nonce = request.cookies.get(cookies.login, "")
    _check_csrf(login_csrf(settings.secret_key, nonce) if nonce else "", csrf)
    store = get_store(request)
    verdict = sign_in(store, username, password, _client(request), settings.sign_in_limits)
    if verdict.user is None:
        return _refusal(request, verdict, "Wrong user name or password.")
    replaced = _caller(request)  # one browser, one session: a new sign-in ends the old one
    if replaced is not None:
        sessions.end(store, replaced.session.id, "logout")
    response = RedirectResponse("/", status_code=303)
    _start_session(request, verdict.user, response)
    cookies.clear(response, cookies.login)
    return response


def _refusal(request: Request, verdict: Verdict, wrong: str) -> HTMLResponse:
    if verdict.seconds:
        message = f"Too many failed sign-ins. Try again in {_minutes(verdict)} minute(s)."
        headers = {"Retry-After": str(verdict.seconds)}
        return _login_page(request, message, 429, headers)
    return _login_page(request, wrong, 401)


@router.post("/logout")
def logout(request: Request, csrf: Field) -> Response:
    caller = _caller(request)
    if caller is not None:
        _check_csrf(caller.csrf, csrf)
        store = get_store(request)
        sessions.end(store, caller.session.id, "logout")
        audit.record(
            store, caller.user.username, "logout", f"user:{caller.user.username}",
            member=caller.user.member,
        )  # fmt: skip
    response = RedirectResponse("/login", status_code=303)
    cookies = _cookies(request)
    cookies.clear(response, cookies.session)
    return response


# -- the newsroom ---------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def newsroom(request: Request, language: str | None = None, q: str | None = None) -> Response:
    """The latest items, or with `q` the best matches of a search (same store search
    as the API and the CLI, under the caller's policy)."""
    caller = _caller(request)
    if caller is None:
        return RedirectResponse("/login", status_code=303)
    store = get_store(request)
    query = (q or "").strip()[:500]
    language = language or None
    context: dict[str, object] = {"language": language, "q": query}
    if query:
        results = store.search(query, viewer=caller.principal.viewer, language=language, limit=100)
        rows = [hit.stored for hit in results.hits]
        context.update(total=results.total, facets=results.facets)
        audit.record(store, caller.user.username, "read", "web:search", member=caller.user.member,
                     query=query, count=len(rows))  # fmt: skip
    else:
        rows = store.list_summaries(limit=200, language=language, viewer=caller.principal.viewer)
        audit.record(
            store,
            caller.user.username,
            "read",
            "web:items",
            member=caller.user.member,
            count=len(rows),
        )
    context["rows"] = rows
    return _page(request, "index.html", context, caller=caller)


@router.get("/items/{item_id}", response_class=HTMLResponse)
def item_page(request: Request, item_id: int) -> Response:
    caller = _caller(request)
    if caller is None:
        return RedirectResponse("/login", status_code=303)
    store, viewer = get_store(request), caller.principal.viewer
    stored = store.get(item_id, viewer=viewer) if 0 < item_id < 2**62 else None
    if stored is None:
        raise HTTPException(404, f"no item {item_id}")
    history = store.history(stored.item.uri, viewer=viewer, provider=stored.item.provider)
    audit.record(store, caller.user.username, "read", stored.item.uri, member=caller.user.member)
    story = story_of(store, stored.id) if stored.access == "full" else None
    context = {"stored": stored, "item": stored.item, "history": history, "story": story}
    return _page(request, "item.html", context, caller=caller)


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: str) -> Response:
    caller = _caller(request)
    if caller is None:
        return RedirectResponse("/login", status_code=303)
    store = get_store(request)
    view = get_story(store, story_id[:40], caller.principal.viewer)
    if view is None:
        raise HTTPException(404, f"no story {story_id[:40]}")
    audit.record(store, caller.user.username, "read", view.id, member=caller.user.member)
    context = {"story": view, "data": view.to_json(), "timeline": view.timeline()}
    return _page(request, "story.html", context, caller=caller)


# -- changing one's password ----------------------------------------------------------------


@router.get("/account/password", response_class=HTMLResponse)
def password_form(request: Request, changed: bool = False) -> Response:
    caller = _caller(request)
    if caller is None:
        return RedirectResponse("/login", status_code=303)
    return _page(request, "password.html", {"error": None, "done": changed}, caller=caller)


@router.post("/account/password", response_class=HTMLResponse)
def change_password(
    request: Request, current: Field, new: Field, repeat: Field, csrf: Field
) -> Response:
    """A new password ends every session of the user, this one too; this browser then
    gets a fresh one."""
    caller = _caller(request)
    if caller is None:
        return RedirectResponse("/login", status_code=303)
    _check_csrf(caller.csrf, csrf)

    def again(error: str, status: int, headers: dict[str, str] | None = None) -> HTMLResponse:
        context = {"error": error, "done": False}
        return _page(
            request, "password.html", context, caller=caller, status=status, headers=headers
        )

    if new != repeat:
        return again("The two new passwords differ.", 422)
    store, settings = get_store(request), get_settings(request)
    verdict = check_credentials(
        store, caller.user.username, current, _client(request), settings.sign_in_limits,
        purpose="password-change",
    )  # fmt: skip
    if verdict.user is None:
        if verdict.seconds:
            minutes = f"Too many wrong passwords. Try again in {_minutes(verdict)} minute(s)."
            return again(minutes, 429, {"Retry-After": str(verdict.seconds)})
        return again("The current password is wrong.", 401)
    try:
        set_password(store, caller.user.username, new)
    except AccountError as error:
        return again(f"{str(error).capitalize()}.", 422)
    audit.record(
        store, caller.user.username, "password", f"user:{caller.user.username}",
        member=caller.user.member,
    )  # fmt: skip
    return _renewed(request, caller.user)


def _renewed(request: Request, user: User) -> Response:
    response = RedirectResponse("/account/password?changed=1", status_code=303)
    _start_session(request, user, response)
    return response


# -- assets ---------------------------------------------------------------------------------


@router.get("/static/ortaq.css")
def stylesheet() -> Response:
    return Response(
        STYLESHEET, media_type="text/css", headers={"Cache-Control": "public, max-age=3600"}
    )


# Swagger UI as the fastapi-offline wheel ships it: the explorer works with no network.
SWAGGER_ASSETS = resources.files("fastapi_offline") / "static"
DOCS_ASSETS = {  # served name -> media type; nothing else in the folder is served
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon.png": "image/png",
}
_INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """The API explorer (Swagger UI served from here), allowed to run its own script only."""
    page = get_swagger_ui_html(
        openapi_url="/api/openapi.json",
        title="Ortaq API",
        swagger_js_url="/api/docs/swagger-ui-bundle.js",
        swagger_css_url="/api/docs/swagger-ui.css",
        swagger_favicon_url="/api/docs/favicon.png",
    )
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script).digest()).decode() + "'"
        for script in _INLINE_SCRIPT.findall(bytes(page.body))
    )
    page.headers["Content-Security-Policy"] = (
        f"default-src 'none'; script-src 'self' {hashes}; "
        "style-src 'self' 'unsafe-inline'; "  # Swagger UI sets style attributes
        "img-src 'self' data:; connect-src 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )
    return page


@router.get("/api/docs/{name}")
def api_docs_asset(name: str) -> Response:
    """A Swagger UI file from the package; unknown names are 404."""
    media_type = DOCS_ASSETS.get(name)
    if media_type is None:
        raise HTTPException(404, "no such asset")
    return Response(
        (SWAGGER_ASSETS / name).read_bytes(),
        media_type=media_type,
        headers={"Cache-Control": "public, max-age=86400"},
    )
