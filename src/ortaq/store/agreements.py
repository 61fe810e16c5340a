"""Agreements as stored: the SQL behind `ortaq.exchange.agreements`.

An agreement is replaced as a whole when it changes (parties and scope with it). The
exchange validates an agreement before it gets here; the policy (`ortaq.store.policy`)
reads whatever is in force at the time of each read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa

from ortaq.store import schema
from ortaq.store.policy import AgreementStatus, EmbargoHandling
from ortaq.store.store import Store

Direction = Literal["both", "one-way"]


@dataclass(frozen=True)
class Agreement:
    slug: str
    title: str
    senders: tuple[str, ...]
    receivers: tuple[str, ...]
    kinds: tuple[str, ...] = ()  # empty: every content kind
    languages: tuple[str, ...] = ()  # empty: every language
    topics: tuple[str, ...] = ()  # IPTC media topic codes; empty: every topic
    usage_terms: str | None = None
    attribution: str | None = None
    republish: bool = True
    edit: bool = False
    translate: bool = True
    embargo: EmbargoHandling = "after"
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    status: AgreementStatus = "draft"
    document_ref: str | None = None
    id: int | None = field(default=None, compare=False)

    @classmethod
    def between(cls, slug: str, title: str, members: Sequence[str], **terms: Any) -> Agreement:
        """A two-way (or multilateral) agreement: every party sends and receives."""
        return cls(slug, title, tuple(members), tuple(members), **terms)

    @property
    def direction(self) -> Direction:
        return "both" if set(self.senders) == set(self.receivers) else "one-way"

    @property
    def members(self) -> list[str]:
        return sorted(set(self.senders) | set(self.receivers))

    def to_json(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items()}
        for key in ("valid_from", "valid_to"):
            data[key] = data[key].isoformat() if data[key] else None
        for key in ("senders", "receivers", "kinds", "languages", "topics"):
            data[key] = list(data[key])
        data["direction"] = self.direction
        data["members"] = self.members
        return data


def write_agreement(store: Store, agreement: Agreement) -> int:
    """Create or replace an agreement by slug, with its parties and scope; its id."""
    table = schema.agreements
    now = store.clock()
    values = _row(agreement)
    with store.engine.begin() as conn:
        found = conn.execute(sa.select(table.c.id).where(table.c.slug == agreement.slug)).scalar()
        if found is None:
            result = conn.execute(table.insert().values(created_at=now, updated_at=now, **values))
            key = result.inserted_primary_key
            assert key is not None
            found = int(key[0])
        else:
            conn.execute(table.update().where(table.c.id == found).values(updated_at=now, **values))
        _replace_terms(conn, found, agreement)
    return int(found)


def delete_agreement(store: Store, slug: str) -> bool:
    table = schema.agreements
    with store.engine.begin() as conn:
        agreement_id = conn.execute(sa.select(table.c.id).where(table.c.slug == slug)).scalar()
        if agreement_id is None:
            return False
        for child in (schema.agreement_parties, schema.agreement_scopes):
            conn.execute(child.delete().where(child.c.agreement_id == agreement_id))
        conn.execute(table.delete().where(table.c.id == agreement_id))
    return True


def list_agreements(
    store: Store, *, member: str | None = None, slug: str | None = None
) -> list[Agreement]:
    """Agreements by id; with `member`, only those the member is a party to."""
    table, parties = schema.agreements, schema.agreement_parties
    query = sa.select(table).order_by(table.c.id)
    if slug is not None:
        query = query.where(table.c.slug == slug)
    if member is not None:
        query = query.where(
            sa.exists().where(parties.c.agreement_id == table.c.id, parties.c.member == member)
        )
    with store.engine.connect() as conn:
        rows = list(conn.execute(query).mappings())
        ids = [row["id"] for row in rows]
        party_rows = conn.execute(
            sa.select(parties).where(parties.c.agreement_id.in_(ids)).order_by(parties.c.member)
        ).mappings()
        scope_rows = conn.execute(
            sa.select(schema.agreement_scopes)
            .where(schema.agreement_scopes.c.agreement_id.in_(ids))
            .order_by(schema.agreement_scopes.c.value)
        ).mappings()
        party_list, scope_list = list(party_rows), list(scope_rows)
    return [_agreement(row, party_list, scope_list) for row in rows]


def member_slugs(store: Store, slugs: Sequence[str]) -> set[str]:
    """The slugs among these that name a member."""
    members = schema.members
    with store.engine.connect() as conn:
        found = conn.execute(sa.select(members.c.slug).where(members.c.slug.in_(list(slugs))))
        return set(found.scalars())


def _row(agreement: Agreement) -> dict[str, Any]:
    return {
        "slug": agreement.slug,
        "title": agreement.title,
        "direction": agreement.direction,
        "usage_terms": agreement.usage_terms,
        "attribution": agreement.attribution,
        "republish": agreement.republish,
        "edit": agreement.edit,
        "translate": agreement.translate,
        "embargo": agreement.embargo,
        "valid_from": agreement.valid_from,
        "valid_to": agreement.valid_to,
        "status": agreement.status,
        "document_ref": agreement.document_ref,
    }


def _replace_terms(conn: sa.Connection, agreement_id: int, agreement: Agreement) -> None:
    parties, scopes = schema.agreement_parties, schema.agreement_scopes
    conn.execute(parties.delete().where(parties.c.agreement_id == agreement_id))
    conn.execute(scopes.delete().where(scopes.c.agreement_id == agreement_id))
    conn.execute(
        parties.insert(),
        [
            {
                "agreement_id": agreement_id,
                "member": member,
                "sends": member in agreement.senders,
                "receives": member in agreement.receivers,
            }
            for member in agreement.members
        ],
    )
    scope_rows = [
        {"agreement_id": agreement_id, "dimension": dimension, "value": value}
        for dimension, values in (
            ("kind", agreement.kinds),
            ("language", agreement.languages),
            ("topic", agreement.topics),
        )
        for value in sorted(set(values))
    ]
    if scope_rows:
        conn.execute(scopes.insert(), scope_rows)


def _agreement(row: Any, parties: list[Any], scopes: list[Any]) -> Agreement:
    own = [p for p in parties if p["agreement_id"] == row["id"]]

    def scope(dimension: str) -> tuple[str, ...]:
        return tuple(
            s["value"]
            for s in scopes
            if s["agreement_id"] == row["id"] and s["dimension"] == dimension
        )

    return Agreement(
        slug=row["slug"],
        title=row["title"],
        senders=tuple(p["member"] for p in own if p["sends"]),
        receivers=tuple(p["member"] for p in own if p["receives"]),
        kinds=scope("kind"),
        languages=scope("language"),
        topics=scope("topic"),
        usage_terms=row["usage_terms"],
        attribution=row["attribution"],
        republish=row["republish"],
        edit=row["edit"],
        translate=row["translate"],
        embargo=row["embargo"],
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        status=row["status"],
        document_ref=row["document_ref"],
        id=row["id"],
    )
