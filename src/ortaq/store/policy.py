"""The one access policy: may this viewer see this item, which version, with what rights.

`visibility(viewer, now, grants)` builds the SQL that `Store.visible_items` applies to
every item read, so the rule is written once, next to the schema, and every door (API,
search, feeds, webhooks, exports, web pages) inherits it. A read without a viewer is
refused (`ortaq.viewer.Viewer.of`); the operator is a viewer like any other, named
explicitly (`ortaq.viewer.OPERATOR`). The rule:

* The platform operator sees every version of every item.
* A member sees every version of its own items (items.provider == member slug).
* Any other member sees only the *current* version, and only if an agreement is in force
  (or a draft the read assumes active: `Viewer.assuming`, the admin preview)
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

import functools
from collections.abc import Mapping, Sequence
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


@functools.cache
def _grant_queries() -> tuple[sa.Select[Any], sa.Select[Any]]:
    """The two statements `grants` runs, built once: (agreement, sender) pairs and scopes
    of the agreements in force under which `:member` receives at `:now`."""
    agreements, parties, scopes = (
        schema.agreements,
        schema.agreement_parties,
        schema.agreement_scopes,
    )
    member = sa.bindparam("member", type_=sa.String())
    now = sa.bindparam("now", type_=agreements.c.valid_from.type)
    assumed = sa.bindparam("assumed", expanding=True, type_=sa.String())  # Viewer.assuming
    receiving = parties.alias("receiving")
    in_force = (
        sa.select(agreements.c.id)
        .join(receiving, receiving.c.agreement_id == agreements.c.id)
        .where(
            receiving.c.member == member,
            receiving.c.receives,
            sa.or_(agreements.c.status == "active", agreements.c.slug.in_(assumed)),
            sa.or_(agreements.c.valid_from.is_(None), agreements.c.valid_from <= now),
            sa.or_(agreements.c.valid_to.is_(None), agreements.c.valid_to > now),
        )
    )
    senders = (
        sa.select(agreements.c.id, agreements.c.embargo, parties.c.member)
        .join(parties, parties.c.agreement_id == agreements.c.id)
        .where(parties.c.sends, agreements.c.id.in_(in_force))
        .order_by(agreements.c.id, parties.c.member)
    )
    scoped = sa.select(scopes.c.agreement_id, scopes.c.dimension, scopes.c.value).where(
        scopes.c.agreement_id.in_(in_force)
    )
    return senders, scoped


def grants(conn: Connection, viewer: Viewer, now: datetime) -> list[Grant]:
    """The agreements in force at `now` under which the viewer receives, oldest first
    (with the drafts the viewer assumes active: `Viewer.assuming`).

    An agreement under which nobody sends lets nothing through and is left out.
    """
    if viewer.operator or not viewer.member:
        return []
    senders_query, scopes_query = _grant_queries()
    values = {"member": viewer.member, "now": now, "assumed": list(viewer.assuming)}
    embargo: dict[int, EmbargoHandling] = {}
    senders: dict[int, list[str]] = {}
    for row in conn.execute(senders_query, values):
        embargo[row.id] = row.embargo
        senders.setdefault(row.id, []).append(row.member)
    if not senders:
        return []
    scoped: dict[tuple[int, str], list[str]] = {}
    for row in conn.execute(scopes_query, values):
        scoped.setdefault((row.agreement_id, row.dimension), []).append(row.value)
    return [
        Grant(
            i,
            embargo[i],
            tuple(senders[i]),
            tuple(sorted(scoped.get((i, "kind"), ()))),
            tuple(sorted(scoped.get((i, "language"), ()))),
            tuple(sorted(scoped.get((i, "topic"), ()))),
        )
        for i in sorted(senders)
    ]


def _covers(grant: Grant) -> ColumnElement[bool]:
    """The item is sent under this agreement and in its scope."""
    items = schema.items
    terms: list[ColumnElement[bool]] = [_one_of(items.c.provider, grant.senders)]
    if grant.kinds:
        terms.append(_one_of(items.c.type, grant.kinds))
    if grant.languages:
        terms.append(_one_of(items.c.language, grant.languages))
    if grant.topics:
        topics = schema.item_topics
        terms.append(
            sa.exists().where(topics.c.item_id == items.c.id, _one_of(topics.c.code, grant.topics))
        )
    return sa.and_(*terms)


def _one_of(column: sa.Column[Any], values: tuple[str, ...]) -> ColumnElement[bool]:
    """`column IN (:v1, :v2, ...)` with one plain parameter per value.

    A list given to `in_` becomes an "expanding" parameter that SQLAlchemy rewrites
    into the statement on every execution; a member under twenty agreements has
    dozens of them, and that rewriting cost more than the query (bench/api.py).
    """
    return column.in_([sa.literal(value, column.type) for value in values])


def _under_embargo(now: datetime) -> ColumnElement[bool]:
    embargoed = schema.items.c.embargoed
    return sa.and_(embargoed.is_not(None), embargoed > now)


def _any_covers(grants: Sequence[Grant]) -> ColumnElement[bool]:
    """Some agreement of `grants` covers the item (false when there is none)."""
    return sa.or_(*(_covers(g) for g in grants)) if grants else sa.false()


@dataclass(frozen=True)
class _Terms:
    """The parts of the policy that do not depend on the moment of the read.

    Built once per set of grants and kept (`_terms`): building SQLAlchemy expressions
    for a member under twenty agreements cost more than running the query
    (bench/api.py), and the same expression objects also let SQLAlchemy reuse its
    compiled statement. `now` enters only through `_under_embargo`, in `visibility`.
    """

    covered_without_waiting: ColumnElement[bool]  # by an agreement not waiting for embargoes
    covered_after_embargo: ColumnElement[bool]  # by an agreement that waits for them
    covered_early: ColumnElement[bool]  # by an agreement that sends text under embargo


@functools.lru_cache(maxsize=1024)
def _terms(granted: tuple[Grant, ...]) -> _Terms:
    waiting = [g for g in granted if g.embargo == "after"]
    not_waiting = [g for g in granted if g.embargo != "after"]
    early = [g for g in granted if g.embargo == "early"]
    return _Terms(_any_covers(not_waiting), _any_covers(waiting), _any_covers(early))


@dataclass(frozen=True)
class Visibility:
    """What `visible_items` adds to its query: a filter and the computed `access`."""

    where: ColumnElement[bool]
    access: ColumnElement[Any]


def visibility(viewer: Viewer, now: datetime, granted: Sequence[Grant]) -> Visibility:
    """The policy as SQL over `items`, for one viewer at one moment.

    `granted` are the viewer's agreements in force at `now` (`grants`), oldest first.
    An agreement that waits for embargoes (`after`) reaches an item only once it is
    out of embargo or is not text (a kill or withhold notice); the others always do.
    """
    items = schema.items
    if viewer.operator:
        return Visibility(sa.true(), sa.literal("full"))
    if not viewer.member:
        return Visibility(sa.false(), sa.literal("full"))
    terms = _terms(tuple(granted))
    own = items.c.provider == viewer.member
    not_text = items.c.pubstatus != "usable"
    waiting = _under_embargo(now)
    reaching = sa.or_(
        terms.covered_without_waiting,
        sa.and_(terms.covered_after_embargo, sa.or_(not_text, ~waiting)),
    )
    where = sa.or_(own, sa.and_(items.c.is_current, reaching))
    access = sa.case(
        (own, sa.literal("full")),
        (not_text, sa.literal("notice")),
        (~waiting, sa.literal("full")),
        (terms.covered_early, sa.literal("full")),
        else_=sa.literal("embargo"),
    )
    return Visibility(where, access)


def possible_senders(reading: Reading) -> ColumnElement[bool] | None:
    """A condition every version the viewer may see meets (`visibility` implies it): sent
    by the viewer's member or by a sender of one of its grants; None for the operator. A
    read that walks many versions (the cooperation map) tests it first, cheaply, so the
    policy's terms run only on the versions of those senders."""
    viewer = reading.viewer
    if viewer.operator:
        return None
    senders = {sender for grant in reading.granted for sender in grant.senders}
    if viewer.member:
        senders.add(viewer.member)
    return schema.items.c.provider.in_(sorted(senders))


# -- whose rights ----------------------------------------------------------------------
#
# Which agreement grants a row that the query let through is decided here, for the rows
# of one page, not in SQL: as a CASE over every agreement it made the statement several
# times larger, and SQLAlchemy walks the whole statement on every execution to find its
# compiled form. The policy state machine checks it against the reference model.


@dataclass(frozen=True)
class Reading:
    """One read under the policy: who, when, and the agreements in force for them."""

    viewer: Viewer
    now: datetime
    granted: tuple[Grant, ...]

    def needs_topics(self, row: Mapping[Any, Any]) -> bool:
        """Whether the row's media topics can change whose rights come with it: some
        agreement scoped by topic covers it otherwise."""
        return row["provider"] != self.viewer.member and any(
            g.topics and _covers_row_but_topics(g, row) for g in self.sent_by(row["provider"])
        )

    def sent_by(self, provider: str) -> tuple[Grant, ...]:
        """The grants under which `provider` sends, oldest first."""
        return self._by_sender.get(provider, ())

    @functools.cached_property
    def _by_sender(self) -> dict[str, tuple[Grant, ...]]:
        # Each row of a page is matched against its provider's grants only, not against
        # every agreement in force (a page is 50 rows; a member may have dozens).
        found: dict[str, list[Grant]] = {}
        for grant in self.granted:
            for sender in grant.senders:
                found.setdefault(sender, []).append(grant)
        return {sender: tuple(some) for sender, some in found.items()}


ATTRIBUTION_COLUMNS = ("id", "provider", "type", "language", "pubstatus", "embargoed")


def _covers_row_but_topics(grant: Grant, row: Mapping[Any, Any]) -> bool:
    return (
        row["provider"] in grant.senders
        and (not grant.kinds or row["type"] in grant.kinds)
        and (not grant.languages or row["language"] in grant.languages)
    )


def _covers_row(grant: Grant, row: Mapping[Any, Any], topics: frozenset[str]) -> bool:
    """`_covers` for one fetched row (its media topics given)."""
    return _covers_row_but_topics(grant, row) and (
        not grant.topics or not topics.isdisjoint(grant.topics)
    )


def granting_agreement(
    reading: Reading, row: Mapping[Any, Any], topics: frozenset[str] = frozenset()
) -> int | None:
    """The agreement whose rights come with a row the viewer may see (None: own, operator).

    Under embargo only the agreements that do not wait for it reach the text, and an
    `early` one grants it, so its rights come first; otherwise the oldest covering one.
    """
    if reading.viewer.operator or row["provider"] == reading.viewer.member:
        return None
    covering = [g for g in reading.sent_by(row["provider"]) if _covers_row(g, row, topics)]
    embargoed = row["embargoed"]
    if row["pubstatus"] == "usable" and embargoed is not None and embargoed > reading.now:
        early = [g for g in covering if g.embargo == "early"]
        covering = early or [g for g in covering if g.embargo != "after"]
    return covering[0].agreement_id if covering else None


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
