"""Members: every authenticated caller may list them; operators (or a member's own
admin, for its own record) change them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path
from pydantic import Field

from ortaq.api.fields import RequestBody
from ortaq.api.problems import documented
from ortaq.api.security import Caller, Writer, get_store, is_operator, require_member_role
from ortaq.exchange import audit
from ortaq.store import Store

router = APIRouter(
    prefix="/api/v1/members", tags=["members"], responses=documented(401, 403, 422, 429)
)
StoreDep = Annotated[Store, Depends(get_store)]
Slug = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9-]*$")]
MemberKind = Literal["agency", "broadcaster", "ministry", "press-service", "training-institute"]


class MemberIn(RequestBody):
    name: str = Field(min_length=1, max_length=300)
    names: dict[str, Annotated[str, Field(max_length=300)]] = Field(default_factory=dict)
    country: str | None = Field(default=None, pattern="^[A-Z]{2}$")
    languages: list[Annotated[str, Field(max_length=12)]] = Field(
        default_factory=list, max_length=20
    )
    kind: MemberKind = "agency"
    logo: str | None = Field(default=None, max_length=2000)


def member_json(row: dict[str, Any]) -> dict[str, Any]:
    keys = ("slug", "name", "names", "country", "languages", "kind", "logo")
    return {key: row.get(key) for key in keys}


@router.get("")
def list_members(store: StoreDep, caller: Caller) -> dict[str, Any]:
    return {"members": [member_json(m) for m in store.list_members()]}


@router.get("/{slug}", responses=documented(404))
def get_member(store: StoreDep, caller: Caller, slug: Slug) -> dict[str, Any]:
    found = store.get_member(slug)
    if found is None:
        raise HTTPException(404, f"no member {slug!r}")
    return member_json(found)


@router.put("/{slug}", responses=documented(400))
def put_member(store: StoreDep, caller: Writer, slug: Slug, member: MemberIn) -> dict[str, Any]:
    """Create (operators) or update (operators, or the member's own admin) a member."""
    exists = store.get_member(slug) is not None
    if not exists and not is_operator(caller):
        raise HTTPException(403, "only operators add members")
    require_member_role(caller, slug, "admin")
    store.upsert_member(slug, **member.model_dump())
    audit.record(
        store, caller.actor, "update" if exists else "create", f"member:{slug}", member=slug
    )
    found = store.get_member(slug)
    assert found is not None
    return member_json(found)
