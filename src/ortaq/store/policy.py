"""The one access policy: may this viewer see this item, which version, with what rights.

`visibility(viewer, now, grants)` builds the SQL that `Store.visible_items` applies to
every item read, so the rule is written once, next to the schema, and every door (API,
search, feeds, webhooks, exports, web pages) inherits it. A read without a viewer is
refused (`ortaq.viewer.Viewer.of`); the operator is a viewer like any other, named
explicitly (`ortaq.viewer.OPERATOR`). The rule:

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

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from ortaq.model import Item
from ortaq.store import schema
from ortaq.viewer import Viewer

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
#
# The agreements in force under which a member receives are read once per query and
# written into it as plain conditions on the item's own columns (provider, type,
# language; a topic scope checks `item_topics` by item id). Correlated subqueries over
# agreements for every scanned row cost several times more (bench/api.py), and the item
# indexes cannot help them.


@dataclass(frozen=True)
class Grant:
    """An agreement in force under which the viewer receives: what it lets through.

    An empty scope tuple allows every value of that dimension.
    """

    agreement_id: int
    embargo: EmbargoHandling
    senders: tuple[str, ...]
    kinds: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()


def grants(conn: Connection, viewer: Viewer, now: datetime) -> list[Grant]:
    """The agreements in force at `now` under which the viewer receives, oldest first."""
    if viewer.operator or not viewer.member:
        return []
    agreements, parties, scopes = (
        schema.agreements,
        schema.agreement_parties,
        schema.agreement_scopes,
    )
    in_force = (
        sa.select(agreements.c.id, agreements.c.embargo)
        .join(parties, parties.c.agreement_id == agreements.c.id)
        .where(
            parties.c.member == viewer.member,
            parties.c.receives,
            agreements.c.status == "active",
            sa.or_(agreements.c.valid_from.is_(None), agreements.c.valid_from <= now),
            sa.or_(agreements.c.valid_to.is_(None), agreements.c.valid_to > now),
        )
        .order_by(agreements.c.id)
    )
    embargo = {row.id: row.embargo for row in conn.execute(in_force)}
    if not embargo:
        return []
    ids = sorted(embargo)
    senders: dict[int, list[str]] = {i: [] for i in ids}
    sending = sa.select(parties.c.agreement_id, parties.c.member).where(
        parties.c.agreement_id.in_(ids), parties.c.sends
    )
    for row in conn.execute(sending.order_by(parties.c.member)):
        senders[row.agreement_id].append(row.member)
    scoped: dict[tuple[int, str], list[str]] = {}
    for row in conn.execute(sa.select(scopes).where(scopes.c.agreement_id.in_(ids))):
        scoped.setdefault((row.agreement_id, row.dimension), []).append(row.value)
    return [
        Grant(
            i,
            embargo[i],
            tuple(senders[i]),
            tuple(scoped.get((i, "kind"), ())),
            tuple(scoped.get((i, "language"), ())),
            tuple(scoped.get((i, "topic"), ())),
        )
        for i in ids
        if senders[i]  # nobody sends under it: it lets nothing through
    ]


def _covers(grant: Grant) -> ColumnElement[bool]:
    """The item is sent under this agreement and in its scope."""
    items = schema.items
    terms: list[ColumnElement[bool]] = [items.c.provider.in_(grant.senders)]
    if grant.kinds:
        terms.append(items.c.type.in_(grant.kinds))
    if grant.languages:
        terms.append(items.c.language.in_(grant.languages))
    if grant.topics:
        topics = schema.item_topics
        terms.append(
            sa.exists().where(topics.c.item_id == items.c.id, topics.c.code.in_(grant.topics))
        )
    return sa.and_(*terms)


def _under_embargo(now: datetime) -> ColumnElement[bool]:
    embargoed = schema.items.c.embargoed
    return sa.and_(embargoed.is_not(None), embargoed > now)


def _reaches(grant: Grant, now: datetime) -> ColumnElement[bool]:
    """The agreement lets this item through now (as text or as a notice)."""
    if grant.embargo != "after":
        return _covers(grant)
    items = schema.items
    return sa.and_(_covers(grant), sa.or_(items.c.pubstatus != "usable", ~_under_embargo(now)))


def _any(conditions: list[ColumnElement[bool]]) -> ColumnElement[bool]:
    return sa.or_(*conditions) if conditions else sa.false()


def _first(
    grants: list[Grant], condition: Callable[[Grant], ColumnElement[bool]]
) -> ColumnElement[Any]:
    """The id of the oldest agreement whose condition holds for the row (else NULL)."""
    if not grants:
        return sa.null()
    return sa.case(*((condition(g), sa.literal(g.agreement_id)) for g in grants), else_=sa.null())


@dataclass(frozen=True)
class Visibility:
    """What `visible_items` adds to its query: a filter and two computed columns."""

    where: ColumnElement[bool]
    access: ColumnElement[Any]
    agreement_id: ColumnElement[Any]


def visibility(viewer: Viewer, now: datetime, granted: list[Grant]) -> Visibility:
    """The policy as SQL over `items`, for one viewer at one moment.

    `granted` are the viewer's agreements in force at `now` (`grants`).
    """
    items = schema.items
    if viewer.operator:
        return Visibility(sa.true(), sa.literal("full"), sa.null())
    if not viewer.member:
        return Visibility(sa.false(), sa.literal("full"), sa.null())
    own = items.c.provider == viewer.member
    reaching = _any([_reaches(g, now) for g in granted])
    where = sa.or_(own, sa.and_(items.c.is_current, reaching))
    early = [g for g in granted if g.embargo == "early"]
    access = sa.case(
        (own, sa.literal("full")),
        (items.c.pubstatus != "usable", sa.literal("notice")),
        (~_under_embargo(now), sa.literal("full")),
        (_any([_covers(g) for g in early]), sa.literal("full")),
        else_=sa.literal("embargo"),
    )
    # Under embargo an `early` agreement grants the text, so its rights come first.
    any_id = _first(granted, lambda g: _reaches(g, now))
    embargoed_text = sa.and_(items.c.pubstatus == "usable", _under_embargo(now))
    agreement_id = sa.case(
        (own, sa.null()),
        (embargoed_text, sa.func.coalesce(_first(early, _covers), any_id)),
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
