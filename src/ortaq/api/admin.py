"""The newsroom's administration: members, users, tokens and agreements.

Every change calls the API's own route function with the signed-in user as the caller
(`ortaq.api.members`, `users`, `tokens`, `agreements`): the same checks, exchange
functions and audit records as `/api/v1/...`. An agreement is created as a draft; its
preview reads the wire of a partner through the one policy with the draft assumed
active (`Viewer.assuming`), so nothing about access is decided here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from ortaq.api import agreements, members, tokens, users
from ortaq.api.security import get_store, is_operator, require_member_role
from ortaq.api.web import WebCaller, current_caller, form_caller, render
from ortaq.exchange.accounts import list_tokens, list_users
from ortaq.exchange.agreements import get_agreement, list_agreements
from ortaq.store.stories import list_stories
from ortaq.viewer import Viewer

router = APIRouter(include_in_schema=False)
SIGN_IN = "/login"
ADMIN = "/admin"
Token = Annotated[str, Form(max_length=300)]
Text = Annotated[str, Form(max_length=300)]
SlugText = Annotated[str, Form(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9-]*$")]
Model = TypeVar("Model")


def _may_administer(caller: WebCaller) -> None:
    """The operator or a member's admin (403 for anyone else)."""
    if not is_operator(caller.principal):
        require_member_role(caller.principal, caller.user.member, "admin")


def _admin(request: Request) -> WebCaller | None:
    """A page's signed-in administrator (None signed out, 403 for anyone else)."""
    caller = current_caller(request)
    if caller is not None:
        _may_administer(caller)
    return caller


def _operator(caller: WebCaller) -> None:
    if not is_operator(caller.principal):
        raise HTTPException(403, "agreements are recorded by operators")


def _valid(build: Callable[..., Model], **fields: Any) -> Model:
    """The API's request model from the form: its validation, as a 422 page."""
    try:
        return build(**fields)
    except ValidationError as error:
        reasons = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise HTTPException(422, reasons) from None


def _list(value: str) -> list[str]:
    return [part.strip() for part in value.replace(",", " ").split() if part.strip()]


@router.get("/admin", response_class=HTMLResponse)
def admin_page(
    request: Request, created: Annotated[str | None, Query(max_length=200)] = None
) -> Response:
    caller = _admin(request)
    if caller is None:
        return RedirectResponse(SIGN_IN, status_code=303)
    store, operator = get_store(request), is_operator(caller.principal)
    member = None if operator else caller.user.member
    context = {
        "section": ADMIN, "operator": operator, "created": created,
        "members": [m for m in store.list_members() if operator or m["slug"] == member],
        "all_members": store.list_members(),
        "users": list_users(store, member),
        "tokens": list_tokens(store) if operator else list_tokens(store, member=member),
        "agreements": list_agreements(store) if operator else [],
    }  # fmt: skip
    return render(request, "admin.html", context, caller=caller)


def _done(note: str = "") -> RedirectResponse:
    return RedirectResponse(ADMIN + (f"?created={note}" if note else ""), status_code=303)


@router.post("/admin/members")
def save_member(
    request: Request, csrf: Token, slug: SlugText, name: Text,
    country: Annotated[str, Form(max_length=2)] = "", kind: Text = "agency",
    languages: Text = "",
) -> Response:  # fmt: skip
    """Create (operators) or edit (operators, the member's admin) a member."""
    caller = form_caller(request, csrf, allowed=_may_administer)
    body = _valid(members.MemberIn, name=name, country=country.upper() or None, kind=kind,
                  languages=_list(languages))  # fmt: skip
    members.put_member(get_store(request), caller.principal, slug, body)
    return _done()


@router.post("/admin/users")
def add_user(
    request: Request, csrf: Token, username: Text, password: Text, role: Text,
    member: Text = "",
) -> Response:  # fmt: skip
    caller = form_caller(request, csrf, allowed=_may_administer)
    body = _valid(users.UserIn, username=username, password=password, role=role,
                  member=member or None)  # fmt: skip
    users.add_user(get_store(request), caller.principal, body)
    return _done()


@router.post("/admin/users/{user_id}")
def suspend_user(
    request: Request, user_id: int, csrf: Token, disabled: Annotated[bool, Form()]
) -> Response:
    """Suspend (disable) or re-enable a user."""
    caller = form_caller(request, csrf, allowed=_may_administer)
    if not 1 <= user_id <= 2**62:
        raise HTTPException(404, f"no user {user_id}")
    users.patch_user(
        get_store(request), caller.principal, user_id, users.UserPatch(disabled=disabled)
    )
    return _done()


@router.post("/admin/tokens")
def add_token(request: Request, csrf: Token, name: Text, scope: Text = "read") -> Response:
    """A token for the signed-in user; its secret is shown this once."""
    caller = form_caller(request, csrf, allowed=_may_administer)
    made = tokens.new_token(
        get_store(request), caller.principal, _valid(tokens.TokenIn, name=name, scope=scope)
    )
    context = {"section": ADMIN, "token": made}
    return render(request, "admin_token.html", context, caller=caller)


@router.post("/admin/tokens/{token_id}/revoke")
def revoke_token(request: Request, token_id: int, csrf: Token) -> Response:
    caller = form_caller(request, csrf, allowed=_may_administer)
    if not 1 <= token_id <= 2**62:
        raise HTTPException(404, f"no token {token_id}")
    tokens.revoke(get_store(request), caller.principal, token_id)
    return _done()


@router.post("/admin/agreements")
def save_agreement(
    request: Request, csrf: Token, slug: SlugText, title: Text,
    senders: Annotated[list[str], Form(max_length=100)],
    receivers: Annotated[list[str], Form(max_length=100)],
    languages: Text = "", embargo: Text = "after", usage_terms: Text = "",
    attribution: Text = "",
) -> Response:  # fmt: skip
    """Record an agreement as a draft (operators): one-way from the senders to the
    receivers; a member on both sides exchanges both ways."""
    caller = form_caller(request, csrf, allowed=_may_administer)
    _operator(caller)
    body = _valid(
        agreements.AgreementIn, title=title, direction="one-way", senders=senders,
        receivers=receivers, languages=_list(languages), embargo=embargo,
        usage_terms=usage_terms or None, attribution=attribution or None, status="draft",
    )  # fmt: skip
    agreements.put(get_store(request), caller.principal, slug, body)
    partner = next((r for r in receivers if r not in senders), receivers[0])
    return RedirectResponse(f"/admin/agreements/{slug}?member={partner}", status_code=303)


@router.post("/admin/agreements/{slug}/status")
def agreement_status(request: Request, slug: str, csrf: Token, status: Text) -> Response:
    """Activate, suspend or end an agreement (operators)."""
    caller = form_caller(request, csrf, allowed=_may_administer)
    body = _valid(agreements.StatusIn, status=status)
    agreements.set_status(get_store(request), caller.principal, slug[:100], body)
    return _done()


@router.get("/admin/agreements/{slug}", response_class=HTMLResponse)
def agreement_preview(
    request: Request, slug: str, member: Annotated[str | None, Query(max_length=100)] = None
) -> Response:
    """What a partner would see with this agreement in force: its wire now and with the
    agreement assumed active, both read through the one policy."""
    caller = _admin(request)
    if caller is None:
        return RedirectResponse(SIGN_IN, status_code=303)
    _operator(caller)
    store = get_store(request)
    found = get_agreement(store, slug[:100])
    if found is None:
        raise HTTPException(404, f"no agreement {slug[:100]!r}")
    partner = member if member in found.receivers else found.receivers[0]
    viewer = Viewer(partner, actor=f"preview:{caller.user.username}")
    now = list_stories(store, viewer, limit=100, summaries=True)
    draft = list_stories(store, viewer.assuming_agreement(found.slug), limit=100, summaries=True)
    known = {stored.id for view in now for stored in view.items}
    added = [stored for view in draft for stored in view.items if stored.id not in known]
    context = {
        "section": ADMIN, "agreement": found, "partner": partner, "added": added,
        "now": len(known), "draft": len(known) + len(added),
    }  # fmt: skip
    return render(request, "admin_agreement.html", context, caller=caller)
