"""Agreements: parties read theirs; operators write them (they record what was signed)."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path
from pydantic import Field, model_validator

from ortaq.api.fields import DateTime, RequestBody
from ortaq.api.problems import documented
from ortaq.api.security import Caller, Writer, get_store, is_operator
from ortaq.exchange import audit
from ortaq.exchange.agreements import (
    Agreement,
    AgreementError,
    get_agreement,
    list_agreements,
    save_agreement,
)
from ortaq.exchange.policy import AgreementStatus
from ortaq.store import Store

router = APIRouter(
    prefix="/api/v1/agreements", tags=["agreements"], responses=documented(401, 403, 422, 429)
)
StoreDep = Annotated[Store, Depends(get_store)]
Slug = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9-]*$")]
MemberSlug = Annotated[str, Field(min_length=1, max_length=100)]
Topic = Annotated[str, Field(min_length=1, max_length=100)]


class AgreementIn(RequestBody):
    title: str = Field(min_length=1, max_length=300)
    direction: Literal["both", "one-way"]
    members: list[MemberSlug] = Field(
        default_factory=list, max_length=100, description="direction both"
    )
    senders: list[MemberSlug] = Field(default_factory=list, max_length=100, description="one-way")
    receivers: list[MemberSlug] = Field(default_factory=list, max_length=100, description="one-way")
    kinds: list[Literal["text", "photo", "video", "programme"]] = Field(
        default_factory=list, max_length=4
    )
    languages: list[Annotated[str, Field(max_length=12)]] = Field(
        default_factory=list, max_length=50
    )
    topics: list[Topic] = Field(default_factory=list, max_length=200)
    usage_terms: str | None = Field(default=None, max_length=5000)
    attribution: str | None = Field(default=None, max_length=500)
    republish: bool = True
    edit: bool = False
    translate: bool = True
    embargo: Literal["after", "flagged", "early"] = "after"
    valid_from: DateTime | None = None
    valid_to: DateTime | None = None
    status: Literal["draft", "active", "suspended", "ended"] = "draft"
    document_ref: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _parties(self) -> AgreementIn:
        if self.direction == "both" and (self.senders or self.receivers):
            raise ValueError("direction both takes `members`, not senders/receivers")
        if self.direction == "one-way" and self.members:
            raise ValueError("direction one-way takes `senders` and `receivers`")
        return self

    def agreement(self, slug: str) -> Agreement:
        data = self.model_dump(exclude={"direction", "members", "senders", "receivers"})
        for key in ("kinds", "languages", "topics"):
            data[key] = tuple(data[key])
        senders = self.members if self.direction == "both" else self.senders
        receivers = self.members if self.direction == "both" else self.receivers
        return Agreement(slug, senders=tuple(senders), receivers=tuple(receivers), **data)


class StatusIn(RequestBody):
    status: Literal["draft", "active", "suspended", "ended"]


@router.get("")
def agreements(store: StoreDep, caller: Caller) -> dict[str, Any]:
    member = None if is_operator(caller) else caller.user.member or ""
    return {"agreements": [a.to_json() for a in list_agreements(store, member=member)]}


@router.get("/{slug}", responses=documented(404))
def get_one(store: StoreDep, caller: Caller, slug: Slug) -> dict[str, Any]:
    found = get_agreement(store, slug)
    if found is None or not (is_operator(caller) or caller.user.member in found.members):
        raise HTTPException(404, f"no agreement {slug!r}")
    return found.to_json()


@router.put("/{slug}", responses=documented(400))
def put(store: StoreDep, caller: Writer, slug: Slug, body: AgreementIn) -> dict[str, Any]:
    """Create or replace an agreement (operators)."""
    if not is_operator(caller):
        raise HTTPException(403, "agreements are recorded by operators")
    return _save(store, caller.actor, body.agreement(slug))


@router.post("/{slug}/status", responses=documented(400, 404))
def set_status(store: StoreDep, caller: Writer, slug: Slug, body: StatusIn) -> dict[str, Any]:
    """Activate, suspend or end an agreement (operators)."""
    if not is_operator(caller):
        raise HTTPException(403, "agreements are recorded by operators")
    found = get_agreement(store, slug)
    if found is None:
        raise HTTPException(404, f"no agreement {slug!r}")
    status: AgreementStatus = body.status
    return _save(store, caller.actor, replace(found, status=status))


def _save(store: Store, actor: str, agreement: Agreement) -> dict[str, Any]:
    try:
        saved = save_agreement(store, agreement)
    except AgreementError as error:
        raise HTTPException(422, str(error)) from None
    audit.record(store, actor, "agreement", f"agreement:{saved.slug}", status=saved.status)
    return saved.to_json()
