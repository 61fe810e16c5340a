"""Feeds in: partner feed URLs a member registered, with their polling health."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path
from pydantic import Field

from ortaq.api.fields import RequestBody
from ortaq.api.problems import documented
from ortaq.api.security import (
    Caller,
    Writer,
    get_settings,
    get_store,
    is_operator,
    require_member_role,
)
from ortaq.exchange import audit, poller
from ortaq.exchange.outbound import Refused
from ortaq.exchange.settings import ExchangeSettings
from ortaq.store import Store

router = APIRouter(
    prefix="/api/v1/sources", tags=["feeds in"], responses=documented(401, 403, 422, 429)
)
StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[ExchangeSettings, Depends(get_settings)]
Id = Annotated[int, Path(ge=1, le=2**62)]


class SourceIn(RequestBody):
    url: str = Field(min_length=8, max_length=2000, pattern=r"^https?://")
    interval_seconds: int = Field(default=300, ge=30, le=86400)
    member: str | None = Field(default=None, max_length=100, description="operators only")


@router.get("")
def sources(store: StoreDep, caller: Caller) -> dict[str, Any]:
    member = None if is_operator(caller) else caller.user.member or ""
    return {"sources": poller.list_sources(store, member=member)}


@router.post("", status_code=201, responses=documented(400))
def add(store: StoreDep, caller: Writer, body: SourceIn, settings: SettingsDep) -> dict[str, Any]:
    """Register a partner feed to poll. The URL must be http(s) and reach public addresses
    only (422 names the reason otherwise)."""
    member = body.member if is_operator(caller) else caller.user.member
    if not member or store.get_member(member) is None:
        raise HTTPException(422, "name an existing member")
    require_member_role(caller, member, "admin", "editor")
    try:
        created = poller.add_source(
            store, member, body.url, body.interval_seconds, guard=settings.outbound_guard()
        )
    except Refused as refused:
        raise HTTPException(422, f"url refused: {refused.reason}") from None
    audit.record(store, caller.actor, "create", f"source:{created['id']}", member=member)
    return created


@router.delete("/{source_id}", status_code=204, responses=documented(404))
def remove(store: StoreDep, caller: Writer, source_id: Id) -> None:
    found = poller.get_source(store, source_id)
    if found is None or not (is_operator(caller) or found["member"] == caller.user.member):
        raise HTTPException(404, f"no source {source_id}")
    require_member_role(caller, found["member"], "admin", "editor")
    poller.delete_source(store, source_id)
    audit.record(store, caller.actor, "delete", f"source:{source_id}", member=found["member"])
