"""API tokens: random, shown once, stored hashed, scoped read/write, revocable."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path
from pydantic import Field

from ortaq.api.fields import DateTime, RequestBody
from ortaq.api.problems import documented
from ortaq.api.security import Caller, Writer, get_store, is_operator
from ortaq.exchange import audit
from ortaq.exchange.accounts import (
    Principal,
    Token,
    create_token,
    get_token,
    get_user,
    list_tokens,
    revoke_token,
)
from ortaq.store import Store

router = APIRouter(
    prefix="/api/v1/tokens", tags=["tokens"], responses=documented(401, 403, 422, 429)
)
StoreDep = Annotated[Store, Depends(get_store)]
TokenId = Annotated[int, Path(ge=1, le=2**62)]


class TokenIn(RequestBody):
    name: str = Field(min_length=1, max_length=200)
    scope: Literal["read", "write"] = "read"
    expires_at: DateTime | None = None


@router.get("")
def tokens(store: StoreDep, caller: Caller) -> dict[str, Any]:
    """Your tokens; a member's admin sees the member's, an operator all."""
    if is_operator(caller):
        found = list_tokens(store)
    elif caller.user.role == "admin":
        found = list_tokens(store, member=caller.user.member)
    else:
        found = list_tokens(store, user_id=caller.user.id)
    return {"tokens": [t.to_json() for t in found]}


@router.post("", status_code=201, responses=documented(400))
def new_token(store: StoreDep, caller: Writer, request: TokenIn) -> dict[str, Any]:
    """A token for yourself. The `token` field is shown this once and never again."""
    if request.scope == "write" and caller.user.role == "reader":
        raise HTTPException(403, "readers get read tokens only")
    token, secret = create_token(
        store, caller.user.id, request.name, request.scope, request.expires_at
    )
    audit.record(store, caller.actor, "create", f"token:{token.prefix}", member=caller.user.member)
    return {**token.to_json(), "token": secret}


@router.delete("/{token_id}", responses=documented(404))
def revoke(store: StoreDep, caller: Writer, token_id: TokenId) -> dict[str, Any]:
    token = get_token(store, token_id)
    if token is None or not _may_manage(store, caller, token):
        raise HTTPException(404, f"no token {token_id}")
    revoke_token(store, token_id)
    audit.record(store, caller.actor, "revoke", f"token:{token.prefix}", member=caller.user.member)
    revoked = get_token(store, token_id)
    assert revoked is not None
    return revoked.to_json()


def _may_manage(store: Store, caller: Principal, token: Token) -> bool:
    if is_operator(caller) or token.user_id == caller.user.id:
        return True
    owner = get_user(store, token.user_id)
    return caller.user.role == "admin" and owner is not None and owner.member == caller.user.member
