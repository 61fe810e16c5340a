"""Users: operators manage everyone; a member's admins manage that member's users."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from pydantic import Field

from ortaq.api.fields import RequestBody
from ortaq.api.problems import documented
from ortaq.api.security import Caller, Writer, get_store, is_operator, require_member_role
from ortaq.exchange import audit
from ortaq.exchange.accounts import AccountError, create_user, get_user, list_users, set_disabled
from ortaq.store import Store

router = APIRouter(prefix="/api/v1/users", tags=["users"], responses=documented(401, 403, 422, 429))
StoreDep = Annotated[Store, Depends(get_store)]
UserId = Annotated[int, Path(ge=1, le=2**62)]


class UserIn(RequestBody):
    username: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._@-]+$")
    password: str = Field(min_length=8, max_length=200)
    role: Literal["operator", "admin", "editor", "reader"]
    member: str | None = Field(default=None, max_length=100)
    display_name: str | None = Field(default=None, max_length=300)


class UserPatch(RequestBody):
    disabled: bool


@router.get("/me")
def me(caller: Caller) -> dict[str, Any]:
    return {**caller.user.to_json(), "scope": caller.scope}


@router.get("")
def users(
    store: StoreDep, caller: Caller, member: Annotated[str | None, Query(max_length=100)] = None
) -> dict[str, Any]:
    if not is_operator(caller):
        require_member_role(caller, caller.user.member, "admin")
        member = caller.user.member
    return {"users": [u.to_json() for u in list_users(store, member)]}


@router.post("", status_code=201, responses=documented(400, 409))
def add_user(store: StoreDep, caller: Writer, user: UserIn) -> dict[str, Any]:
    if user.role == "operator" and not is_operator(caller):
        raise HTTPException(403, "only operators add operators")
    if user.role != "operator":
        require_member_role(caller, user.member, "admin")
    try:
        created = create_user(
            store, user.username, user.password, user.role,
            member=user.member, display_name=user.display_name,
        )  # fmt: skip
    except AccountError as error:
        status = 409 if "exists" in str(error) else 422
        raise HTTPException(status, str(error)) from None
    audit.record(store, caller.actor, "create", f"user:{created.username}", member=created.member)
    return created.to_json()


@router.patch("/{user_id}", responses=documented(400, 404))
def patch_user(
    store: StoreDep, caller: Writer, user_id: UserId, patch: UserPatch
) -> dict[str, Any]:
    """Disable or re-enable a user."""
    found = get_user(store, user_id)
    if found is None:
        raise HTTPException(404, f"no user {user_id}")
    if found.role == "operator" and not is_operator(caller):
        raise HTTPException(403, "only operators change operators")
    require_member_role(caller, found.member, "admin")
    set_disabled(store, user_id, patch.disabled)
    audit.record(
        store,
        caller.actor,
        "update",
        f"user:{found.username}",
        member=found.member,
        disabled=patch.disabled,
    )
    updated = get_user(store, user_id)
    assert updated is not None
    return updated.to_json()
