"""The one access policy: may this viewer see this item, which version, with what rights.

`visibility(viewer, now)` builds the SQL that `Store.visible_items` applies to every item
read, so the rule is written once and every door (API, search, feeds, webhooks, exports,
web pages) inherits it. The rule:

* The platform operator sees every version of every item.
* A member sees every version of its own items (items.provider == member slug).
* Any other member sees only the *current* version, and only if an agreement is in force
  at the time of the read (status active, valid_from <= now < valid_to) under which the
  provider sends, the viewer receives, and the item is in scope (content kind, language,
  IPTC media topic; a dimension with no values allows all). Then:
  - pubstatus canceled or withheld: a notice only (uri, version, pubstatus; no text);
  - embargo passed or none: the full item;
  - under embargo: the full item carrying its embargo if some agreement says `early`,
    else an embargo notice (no text) if one says `flagged`, else nothing at all.
    Older versions never show through, so a corrected text stays hidden too.
* Rights come from the agreement that grants the access (the most generous embargo
  handling first, then the oldest agreement).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from ortaq.model import Item
from ortaq.store import schema

Access = Literal["full", "embargo", "notice"]
ACCESSES: tuple[Access, ...] = ("full", "embargo", "notice")
EmbargoHandling = Literal["after", "flagged", "early"]
EMBARGO_HANDLINGS: tuple[EmbargoHandling, ...] = ("after", "flagged", "early")
AgreementStatus = Literal["draft", "active", "suspended", "ended"]
AGREEMENT_STATUSES: tuple[AgreementStatus, ...] = ("draft", "active", "suspended", "ended")
CONTENT_KINDS = ("text", "photo", "video", "programme")
SCOPE_DIMENSIONS = ("kind", "language", "topic")
MEDIATOPIC_SCHEMES = ("mediatopic", "medtop")


@dataclass(frozen=True)
class Viewer:
    """Who is reading: a member (by slug) or the platform operator."""

    member: str | None
    operator: bool = False
    actor: str = "anonymous"  # the username or token name, for the audit log

    @classmethod
    def as_operator(cls, actor: str = "operator") -> Viewer:
        return cls(None, operator=True, actor=actor)

    @classmethod
    def of(cls, viewer: Viewer | str | None) -> Viewer:
        """None is the local operator (CLI on the server); a string is a member slug."""
        if viewer is None:
            return cls.as_operator("cli")
        if isinstance(viewer, str):
            return cls(viewer, actor=viewer)
        return viewer


@dataclass(frozen=True)
class Rights:
    """The rights statement a partner receives with an item, from its agreement."""

    agreement: str
    usage_terms: str | None
    attribution: str | None
    republish: bool
    edit: bool
    translate: bool

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def topic_codes(subjects: list[dict[str, str]]) -> list[str]:
    """IPTC media topic codes of an item as `medtop:NNNNNNNN` (other vocabularies as given)."""
    codes: list[str] = []
    for subject in subjects:
        code = (subject.get("code") or "").strip()
        if not code:
            continue
        scheme = subject.get("scheme") or ""
        if not code.startswith("medtop:") and any(s in scheme for s in MEDIATOPIC_SCHEMES):
            code = f"medtop:{code}"
        if code not in codes and len(code) <= 100:
            codes.append(code)
    return codes


# -- the SQL ---------------------------------------------------------------------------


def _exists(*conditions: ColumnElement[bool], joined: Any = None) -> ColumnElement[bool]:
    """EXISTS over agreement_scopes, correlated to the outer agreement and item rows.

    Correlation is explicit: these sit two levels deep, and SQLAlchemy only correlates
    automatically to the directly enclosing query.
    """
    query = sa.select(sa.literal(1)).select_from(
        joined if joined is not None else schema.agreement_scopes
    )
    return query.where(*conditions).correlate(schema.agreements, schema.items).exists()


def _in_scope(dimension: str, value: ColumnElement[Any]) -> ColumnElement[bool]:
    scopes, agreements = schema.agreement_scopes, schema.agreements
    of_dimension = sa.and_(
        scopes.c.agreement_id == agreements.c.id, scopes.c.dimension == dimension
    )
    return sa.or_(~_exists(of_dimension), _exists(of_dimension, scopes.c.value == value))


def _topic_in_scope() -> ColumnElement[bool]:
    scopes, topics = schema.agreement_scopes, schema.item_topics
    agreements, items = schema.agreements, schema.items
    of_dimension = sa.and_(scopes.c.agreement_id == agreements.c.id, scopes.c.dimension == "topic")
    matching = _exists(
        of_dimension,
        topics.c.item_id == items.c.id,
        joined=scopes.join(topics, topics.c.code == scopes.c.value),
    )
    return sa.or_(~_exists(of_dimension), matching)


def _entitling(member: str, now: datetime) -> sa.Select[Any]:
    """Agreements in force now under which `member` receives the current item's provider."""
    agreements, items = schema.agreements, schema.items
    receiver = schema.agreement_parties.alias("receiver")
    sender = schema.agreement_parties.alias("sender")
    return (
        sa.select(agreements.c.id)
        .select_from(
            agreements.join(receiver, receiver.c.agreement_id == agreements.c.id).join(
                sender, sender.c.agreement_id == agreements.c.id
            )
        )
        .where(
            receiver.c.member == member,
            receiver.c.receives,
            sender.c.member == items.c.provider,
            sender.c.sends,
            agreements.c.status == "active",
            sa.or_(agreements.c.valid_from.is_(None), agreements.c.valid_from <= now),
            sa.or_(agreements.c.valid_to.is_(None), agreements.c.valid_to > now),
            _in_scope("kind", items.c.type),
            _in_scope("language", items.c.language),
            _topic_in_scope(),
        )
        .correlate(items)
    )


def _under_embargo(now: datetime) -> ColumnElement[bool]:
    embargoed = schema.items.c.embargoed
    return sa.and_(embargoed.is_not(None), embargoed > now)


def _reaches(now: datetime) -> ColumnElement[bool]:
    """An entitling agreement lets this item through now (as text or as a notice)."""
    agreements, items = schema.agreements, schema.items
    return sa.or_(
        items.c.pubstatus != "usable", ~_under_embargo(now), agreements.c.embargo != "after"
    )


@dataclass(frozen=True)
class Visibility:
    """What `visible_items` adds to its query: a filter and two computed columns."""

    where: ColumnElement[bool]
    access: ColumnElement[Any]
    agreement_id: ColumnElement[Any]


def visibility(viewer: Viewer, now: datetime) -> Visibility:
    """The policy as SQL over `items`, for one viewer at one moment."""
    items, agreements = schema.items, schema.agreements
    if viewer.operator:
        return Visibility(sa.true(), sa.literal("full"), sa.null())
    if not viewer.member:
        return Visibility(sa.false(), sa.literal("full"), sa.null())
    own = items.c.provider == viewer.member
    entitled = _entitling(viewer.member, now)
    reaches = entitled.where(_reaches(now))
    where = sa.or_(own, sa.and_(items.c.is_current, reaches.exists()))
    early = entitled.where(agreements.c.embargo == "early").exists()
    access = sa.case(
        (own, sa.literal("full")),
        (items.c.pubstatus != "usable", sa.literal("notice")),
        (~_under_embargo(now), sa.literal("full")),
        (early, sa.literal("full")),
        else_=sa.literal("embargo"),
    )
    # Under embargo an `early` agreement grants the text, so its rights come first.
    # (Two subqueries rather than an ORDER BY on item columns, which SQLite rejects.)
    first = agreements.c.id
    any_id = reaches.order_by(first).limit(1).scalar_subquery()
    early_id = entitled.where(agreements.c.embargo == "early").order_by(first).limit(1)
    embargoed_text = sa.and_(items.c.pubstatus == "usable", _under_embargo(now))
    agreement_id = sa.case(
        (own, sa.null()),
        (embargoed_text, sa.func.coalesce(early_id.scalar_subquery(), any_id)),
        else_=any_id,
    )
    return Visibility(where, access, agreement_id)


# -- what a partner gets ---------------------------------------------------------------

_NOTICE_FIELDS = ("uri", "version", "type", "pubstatus", "provider", "language")


def redact(item: Item, access: Access) -> Item:
    """The item as this access level may show it: notices carry no text at all."""
    if access == "full":
        return item
    notice = Item(**{name: getattr(item, name) for name in _NOTICE_FIELDS})
    notice.versioncreated = item.versioncreated
    if access == "embargo":
        notice.embargoed = item.embargoed
    return notice
