"""Webhooks of a member: its admins register them, read the delivery log, replay."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query
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
from ortaq.exchange import audit
from ortaq.exchange import webhooks as hooks
from ortaq.exchange.accounts import Principal
from ortaq.exchange.outbound import Refused
from ortaq.exchange.settings import ExchangeSettings
from ortaq.store import Store

router = APIRouter(
    prefix="/api/v1/webhooks", tags=["webhooks"], responses=documented(401, 403, 422, 429)
)
StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[ExchangeSettings, Depends(get_settings)]
Id = Annotated[int, Path(ge=1, le=2**62)]


class WebhookIn(RequestBody):
    url: str = Field(min_length=8, max_length=2000, pattern=r"^https?://")
    member: str | None = Field(default=None, max_length=100, description="operators only")


def _hook(store: Store, caller: Principal, webhook_id: int) -> dict[str, Any]:
    found = hooks.get_webhook(store, webhook_id)
    if found is None or not (is_operator(caller) or found["member"] == caller.user.member):
        raise HTTPException(404, f"no webhook {webhook_id}")
    require_member_role(caller, found["member"], "admin")
    return found


@router.get("")
def webhooks(store: StoreDep, caller: Caller) -> dict[str, Any]:
    if is_operator(caller):
        return {"webhooks": hooks.list_webhooks(store)}
    require_member_role(caller, caller.user.member, "admin")
    return {"webhooks": hooks.list_webhooks(store, member=caller.user.member)}


@router.post("", status_code=201, responses=documented(400))
def add(store: StoreDep, caller: Writer, body: WebhookIn, settings: SettingsDep) -> dict[str, Any]:
    """Register a webhook; the signing `secret` is shown this once. The URL must be http(s)
    and reach public addresses only (422 names the reason otherwise)."""
    member = body.member if is_operator(caller) else caller.user.member
    if not member or store.get_member(member) is None:
        raise HTTPException(422, "name an existing member")
    require_member_role(caller, member, "admin")
    try:
        created, secret = hooks.add_webhook(
            store, member, body.url, guard=settings.outbound_guard()
        )
    except Refused as refused:
        raise HTTPException(422, f"url refused: {refused.reason}") from None
    audit.record(store, caller.actor, "create", f"webhook:{created['id']}", member=member)
    return {**created, "secret": secret}


@router.delete("/{webhook_id}", status_code=204, responses=documented(404))
def remove(store: StoreDep, caller: Writer, webhook_id: Id) -> None:
    found = _hook(store, caller, webhook_id)
    hooks.delete_webhook(store, webhook_id)
    audit.record(store, caller.actor, "delete", f"webhook:{webhook_id}", member=found["member"])


@router.get("/{webhook_id}/deliveries", responses=documented(404))
def deliveries(
    store: StoreDep,
    caller: Caller,
    webhook_id: Id,
    status: Annotated[
        Literal["pending", "sending", "delivered", "dead", "skipped"] | None, Query()
    ] = None,
) -> dict[str, Any]:
    _hook(store, caller, webhook_id)
    return {"deliveries": hooks.list_deliveries(store, webhook_id, status)}


@router.post("/{webhook_id}/deliveries/{delivery_id}/replay", responses=documented(404))
def replay(store: StoreDep, caller: Writer, webhook_id: Id, delivery_id: Id) -> dict[str, Any]:
    """Queue a delivery again (typically a dead one) from a fresh attempt count."""
    found = _hook(store, caller, webhook_id)
    delivery = hooks.get_delivery(store, delivery_id)
    if delivery is None or delivery["webhook_id"] != webhook_id:
        raise HTTPException(404, f"no delivery {delivery_id}")
    hooks.replay(store, delivery_id)
    audit.record(store, caller.actor, "replay", f"delivery:{delivery_id}", member=found["member"])
    return {"id": delivery_id, "status": "pending"}
