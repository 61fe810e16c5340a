"""The web newsroom's frame: sign-in and out, the session behind every page, the page
renderer (interface language, layout), error pages, the language switcher, the assets,
and changing one's password. The newsroom's pages are in `ortaq.api.newsroom`.

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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse, Response

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
from ortaq.web import i18n
from ortaq.web.assets import (
    ASSETS,
    INSTALL_HINT,
    AssetMissing,
    asset_path,
    missing_assets,
    read_asset,
)
from ortaq.web.i18n import N_

WEB = Path(__file__).parents[1] / "web"
STATIC = {  # the newsroom's own files: served name -> media type
    "ortaq.css": "text/css",
    "ortaq.js": "text/javascript",
    "ortaq-map.js": "text/javascript",
}
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


def current_caller(request: Request) -> WebCaller | None:
    secret = request.cookies.get(_cookies(request).session, "")
    store, settings = get_store(request), get_settings(request)
    session = sessions.resolve(store, secret, settings.session_lifetime)
    if session is None:
        return None
    user = get_user(store, session.user_id)
    if user is None or user.disabled:
        return None
    return WebCaller(Principal(user, "write"), session, session_csrf(secret))


def check_csrf(expected: str, submitted: str) -> None:
    if not same_token(expected, submitted):
        raise HTTPException(403, EXPIRED_FORM)


class SignedOut(Exception):
    """A form sent by a signed-out browser: the app answers with `to_sign_in`."""


async def to_sign_in(request: Request, signed_out: Exception) -> Response:
    return RedirectResponse("/login", status_code=303)


def form_caller(
    request: Request,
    csrf: str,
    *,
    allowed: Callable[[WebCaller], None] | None = None,
    fragment: bool = False,
) -> WebCaller:
    """The signed-in user who sent a form, whose token must be the session's (403).

    Signed out, the browser goes to the sign-in page (`SignedOut`); an htmx `fragment`
    gets a 401 instead, as a redirect would put the sign-in page inside the page.
    `allowed` may refuse the user (403) before the token is looked at. A helper the
    handler calls, not a dependency: FastAPI runs dependencies before it checks the
    form's own fields, and a malformed form is a 422 whoever sends it.
    """
    caller = current_caller(request)
    if caller is None:
        if fragment:
            raise HTTPException(401, "sign in again")
        raise SignedOut
    if allowed is not None:
        allowed(caller)
    check_csrf(caller.csrf, csrf)
    return caller


def page_locale(request: Request) -> str:
    """The interface language: the switcher's cookie, else the browser's preference."""
    return i18n.choose_locale(
        request.cookies.get(i18n.LANGUAGE_COOKIE), request.headers.get("accept-language")
    )


def translate(request: Request, message: str, **variables: object) -> str:
    return i18n.translate(page_locale(request), message, **variables)


def _here(request: Request) -> str:
    """This page's path and query: where the language switcher comes back to."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def render(
    request: Request,
    template: str,
    context: Mapping[str, object],
    *,
    caller: WebCaller | None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """A page in the caller's interface language; signed in, its forms carry the
    session's CSRF token."""
    frame: dict[str, object] = {
        "caller": caller.principal if caller else None,
        "csrf": caller.csrf if caller else "",
        "here": _here(request),
        "section": None,
        "q": "",
        "assets_missing": missing_assets(),
    }
    return i18n.templates(page_locale(request)).TemplateResponse(
        request, template, {**frame, **context}, status_code=status, headers=headers
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


# -- error pages ----------------------------------------------------------------------------

ERROR_TITLES = {
    400: N_("Bad request"),
    401: N_("Please sign in"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    405: N_("Not allowed"),
    409: N_("Conflict"),
    413: N_("Too large"),
    422: N_("Something in the request is not right"),
    429: N_("Too many requests"),
    500: N_("Something went wrong"),
    503: N_("Not available"),
}
ERROR_MESSAGES = {
    403: N_("You may not do this, or the form has expired: reload the page and try again."),
    404: N_("There is nothing here, or nothing you may read."),
    422: N_("The address or the form holds a value the newsroom cannot use."),
    500: N_("An unexpected error; it has been logged."),
}


def wants_page(request: Request) -> bool:
    """A browser asking for a page (not the API, not a script): errors become pages."""
    if request.url.path.startswith("/api/"):
        return False
    return "text/html" in request.headers.get("accept", "")


def error_page(request: Request, status: int, detail: str | None) -> HTMLResponse:
    """An HTML error page for a browser, in its language, with the layout around it."""
    try:
        caller = current_caller(request)
    except Exception:  # the error may be the store itself; the page must still show
        caller = None
    title = ERROR_TITLES.get(status, ERROR_TITLES[400 if status < 500 else 500])
    message = ERROR_MESSAGES.get(status, ERROR_MESSAGES[500] if status >= 500 else "")
    context: dict[str, object] = {
        "status": status,
        "title": translate(request, title),
        "message": translate(request, message) if message else "",
        "detail": None if status == 500 else detail,  # a 500 says nothing of its cause
    }
    return render(request, "error.html", context, caller=caller, status=status)


# -- signing in and out ---------------------------------------------------------------------


def _login_page(
    request: Request, error: str | None, status: int = 200, headers: dict[str, str] | None = None
) -> HTMLResponse:
    """The sign-in form, its token bound to this browser's nonce cookie."""
    cookies, settings = _cookies(request), get_settings(request)
    nonce = request.cookies.get(cookies.login) or secrets.token_urlsafe(24)
    context = {"error": error, "csrf": login_csrf(settings.secret_key, nonce)}
    response = render(request, "login.html", context, caller=None, status=status, headers=headers)
    cookies.set(response, cookies.login, nonce, samesite="strict")
    return response


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return _login_page(request, None)


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, username: Field, password: Field, csrf: Field) -> Response:
    cookies, settings = _cookies(request), get_settings(request)
    nonce = request.cookies.get(cookies.login, "")
    check_csrf(login_csrf(settings.secret_key, nonce) if nonce else "", csrf)
    store = get_store(request)
    verdict = sign_in(store, username, password, _client(request), settings.sign_in_limits)
    if verdict.user is None:
        return _refusal(request, verdict, translate(request, N_("Wrong user name or password.")))
    replaced = current_caller(request)  # one browser, one session: a new sign-in ends the old one
    if replaced is not None:
        sessions.end(store, replaced.session.id, "logout")
    response = RedirectResponse("/", status_code=303)
    _start_session(request, verdict.user, response)
    cookies.clear(response, cookies.login)
    return response


def _refusal(request: Request, verdict: Verdict, wrong: str) -> HTMLResponse:
    if verdict.seconds:
        message = translate(
            request,
            N_("Too many failed sign-ins. Try again in %(minutes)s minute(s)."),
            minutes=_minutes(verdict),
        )
        headers = {"Retry-After": str(verdict.seconds)}
        return _login_page(request, message, 429, headers)
    return _login_page(request, wrong, 401)


@router.post("/logout")
def logout(request: Request, csrf: Field) -> Response:
    caller = current_caller(request)
    if caller is not None:
        check_csrf(caller.csrf, csrf)
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


# -- the interface language -----------------------------------------------------------------


def _local_path(target: str) -> str:
    """Only a path on this site (no '//host', no scheme): the switcher is no open redirect."""
    if target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/language/{code}")
def switch_language(request: Request, code: str, next: str = "/") -> Response:
    """One click: the cookie remembers the language for a year, then back to the page."""
    if code not in i18n.LOCALES:
        raise HTTPException(404, f"no interface language {code[:20]!r}")
    response = RedirectResponse(_local_path(next[:2000]), status_code=303)
    response.set_cookie(
        i18n.LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, path="/",
        secure=get_settings(request).cookie_secure, httponly=True, samesite="lax",
    )  # fmt: skip
    return response


# -- changing one's password ----------------------------------------------------------------


@router.get("/account/password", response_class=HTMLResponse)
def password_form(request: Request, changed: bool = False) -> Response:
    caller = current_caller(request)
    if caller is None:
        return RedirectResponse("/login", status_code=303)
    return render(request, "password.html", {"error": None, "done": changed}, caller=caller)


@router.post("/account/password", response_class=HTMLResponse)
def change_password(
    request: Request, current: Field, new: Field, repeat: Field, csrf: Field
) -> Response:
    """A new password ends every session of the user, this one too; this browser then
    gets a fresh one."""
    caller = form_caller(request, csrf)

    def again(error: str, status: int, headers: dict[str, str] | None = None) -> HTMLResponse:
        context = {"error": error, "done": False}
        return render(
            request, "password.html", context, caller=caller, status=status, headers=headers
        )

    if new != repeat:
        return again(translate(request, N_("The two new passwords differ.")), 422)
    store, settings = get_store(request), get_settings(request)
    verdict = check_credentials(
        store, caller.user.username, current, _client(request), settings.sign_in_limits,
        purpose="password-change",
    )  # fmt: skip
    if verdict.user is None:
        if verdict.seconds:
            minutes = translate(
                request,
                N_("Too many wrong passwords. Try again in %(minutes)s minute(s)."),
                minutes=_minutes(verdict),
            )
            return again(minutes, 429, {"Retry-After": str(verdict.seconds)})
        return again(translate(request, N_("The current password is wrong.")), 401)
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


@router.get("/static/{name}")
def static_file(name: str) -> Response:
    """The newsroom's own stylesheet and script (allow-listed names only)."""
    media_type = STATIC.get(name)
    if media_type is None:
        raise HTTPException(404, "no such file")
    return Response(
        read_asset(WEB / "static" / name),
        media_type=media_type,
        headers={"Cache-Control": "public, max-age=3600"},
    )


@router.get("/assets/{name}")
def npm_asset(request: Request, name: str) -> Response:
    """A front-end package's file from node_modules, if its name is on the allow-list."""
    try:
        path = asset_path(name)
    except AssetMissing as missing:
        detail = translate(
            request,
            N_("The front-end package file %(file)s is not installed: %(hint)s."),
            file=str(missing),
            hint=INSTALL_HINT,
        )
        if wants_page(request):
            return error_page(request, 503, detail)
        raise HTTPException(503, detail) from None
    if path is None:
        raise HTTPException(404, "no such asset")
    media_type = ASSETS[name].media_type
    return Response(
        read_asset(path), media_type=media_type, headers={"Cache-Control": "public, max-age=86400"}
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
