"""Agreements between members: who sends to whom, what flows, under which rights.

An agreement is replaced as a whole when it changes (parties and scope with it); the
policy reads whatever is in force at the time of each read, and the audit log keeps
who changed what. This module checks an agreement; `ortaq.store.agreements` stores it.
"""

from __future__ import annotations

from dataclasses import replace

from ortaq.exchange.policy import (
    AGREEMENT_STATUSES,
    CONTENT_KINDS,
    EMBARGO_HANDLINGS,
    AgreementStatus,
)
from ortaq.store import Store
from ortaq.store.agreements import Agreement as Agreement
from ortaq.store.agreements import Direction as Direction
from ortaq.store.agreements import delete_agreement as delete_agreement
from ortaq.store.agreements import list_agreements as list_agreements
from ortaq.store.agreements import member_slugs, write_agreement


class AgreementError(ValueError):
    """An agreement that cannot be stored as given; the message says why."""


def validate(agreement: Agreement) -> None:
    if not agreement.slug or len(agreement.slug) > 100:
        raise AgreementError("slug must be 1 to 100 characters")
    if not agreement.senders or not agreement.receivers:
        raise AgreementError("an agreement needs at least one sender and one receiver")
    if len(agreement.members) < 2:
        raise AgreementError("an agreement is between two or more members")
    if agreement.status not in AGREEMENT_STATUSES:
        raise AgreementError(f"status must be one of {', '.join(AGREEMENT_STATUSES)}")
    if agreement.embargo not in EMBARGO_HANDLINGS:
        raise AgreementError(f"embargo must be one of {', '.join(EMBARGO_HANDLINGS)}")
    unknown = set(agreement.kinds) - set(CONTENT_KINDS)
    if unknown:
        raise AgreementError(f"unknown content kinds: {', '.join(sorted(unknown))}")
    if agreement.valid_from and agreement.valid_to and agreement.valid_to <= agreement.valid_from:
        raise AgreementError("valid_to must be after valid_from")


def save_agreement(store: Store, agreement: Agreement) -> Agreement:
    """Create or replace an agreement by slug; members must exist."""
    validate(agreement)
    missing = set(agreement.members) - member_slugs(store, agreement.members)
    if missing:
        raise AgreementError(f"unknown members: {', '.join(sorted(missing))}")
    return replace(agreement, id=write_agreement(store, agreement))


def set_status(store: Store, slug: str, status: AgreementStatus) -> Agreement:
    found = get_agreement(store, slug)
    if found is None:
        raise KeyError(slug)
    return save_agreement(store, replace(found, status=status))


def get_agreement(store: Store, slug: str) -> Agreement | None:
    found = list_agreements(store, slug=slug)
    return found[0] if found else None
