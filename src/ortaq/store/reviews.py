"""Reviews of claims, the items that carry them, and the alerts: every SQL of the desk.

A review is read through the one item policy: a viewer sees a review if it may read in
full some item version that carries its claim (`review_carriers`), in the same SQL as
`Store.visible_items` builds; the reviewing member always sees its own. Who is alerted
is computed the same way, member by member: no second policy. Revisions are rows, never
updated in place; the review row only points at its current revision.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement

from ortaq.store import schema
from ortaq.store.store import Store, ViewerLike
from ortaq.store.webhooks import queue_delivery
from ortaq.viewer import Viewer

Rating = Literal["false", "misleading", "missing_context", "unproven", "accurate"]
# The fixed scale, worst first: ClaimReview's ratingValue is the position (1..5).
RATINGS: tuple[Rating, ...] = ("false", "misleading", "missing_context", "unproven", "accurate")
Action = Literal["published", "updated", "withdrawn"]
CarrierHow = Literal["reviewed", "version", "copy", "story", "match"]
REVIEW_URI = "urn:ortaq:review:"  # + id: how webhook deliveries and evidence name a review


@dataclass(frozen=True)
class Revision:
    revision: int
    action: Action
    rating: Rating
    explanation: str
    language: str | None
    evidence: tuple[str, ...]
    author: str
    note: str | None
    at: datetime

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "evidence": list(self.evidence), "at": self.at.isoformat()}


@dataclass(frozen=True)
class ClaimSpan:
    """The claim a review rates: quoted text of one version, with its offsets in
    `Item.text` (None, None: the whole version)."""

    text: str
    start: int | None = None
    end: int | None = None
    language: str | None = None


@dataclass(frozen=True)
class Review:
    id: int
    member: str
    item_id: int
    item_uri: str
    item_provider: str | None
    item_version: int
    claim: ClaimSpan
    revision: int
    status: str  # published | withdrawn
    created_at: datetime
    updated_at: datetime
    history: tuple[Revision, ...] = field(default_factory=tuple)

    @property
    def uri(self) -> str:
        return f"{REVIEW_URI}{self.id}"

    @property
    def current(self) -> Revision:
        return next(r for r in self.history if r.revision == self.revision)

    def to_json(self, *, history: bool = True) -> dict[str, Any]:
        current = self.current
        data: dict[str, Any] = {
            "id": self.id,
            "uri": self.uri,
            "member": self.member,
            "item": {
                "id": self.item_id,
                "uri": self.item_uri,
                "provider": self.item_provider,
                "version": self.item_version,
            },
            "claim": dict(self.claim.__dict__),
            "status": self.status,
            "revision": self.revision,
            "rating": current.rating,
            "explanation": current.explanation,
            "language": current.language,
            "evidence": list(current.evidence),
            "author": current.author,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }
        if history:
            data["history"] = [r.to_json() for r in self.history]
        return data


@dataclass(frozen=True)
class Carrier:
    review_id: int
    item_id: int
    how: CarrierHow
    score: float


# -- writing -----------------------------------------------------------------------------


def insert_review(
    store: Store,
    member: str,
    item_id: int,
    claim: ClaimSpan,
    first: Revision,
) -> int:
    """A new review with its first revision; its id."""
    reviews = schema.reviews
    with store.engine.begin() as conn:
        result = conn.execute(
            reviews.insert().values(
                member=member,
                item_id=item_id,
                claim_text=claim.text,
                claim_start=claim.start,
                claim_end=claim.end,
                claim_language=claim.language,
                revision=first.revision,
                status="published",
                created_at=first.at,
                updated_at=first.at,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        review_id = int(key[0])
        conn.execute(schema.review_revisions.insert().values(review_id=review_id, **_row(first)))
    return review_id


def add_revision(store: Store, review_id: int, revision: Revision) -> bool:
    """Append a revision (update or withdrawal) and make it current; False if another
    revision took that number first (two editors at once: the caller reads again)."""
    reviews, revisions = schema.reviews, schema.review_revisions
    status = "withdrawn" if revision.action == "withdrawn" else "published"
    with store.engine.begin() as conn:
        moved = conn.execute(
            reviews.update()
            .where(reviews.c.id == review_id, reviews.c.revision == revision.revision - 1)
            .values(revision=revision.revision, status=status, updated_at=revision.at)
        )
        if moved.rowcount != 1:
            return False
        conn.execute(revisions.insert().values(review_id=review_id, **_row(revision)))
    return True


def _row(revision: Revision) -> dict[str, Any]:
    return {
        "revision": revision.revision,
        "action": revision.action,
        "rating": revision.rating,
        "explanation": revision.explanation,
        "language": revision.language,
        "evidence": list(revision.evidence),
        "author": revision.author,
        "note": revision.note,
        "at": revision.at,
    }


def add_carriers(store: Store, carriers: Iterable[Carrier], now: datetime) -> list[Carrier]:
    """Record the item versions that carry a review's claim; returns those new to it."""
    table = schema.review_carriers
    wanted = {(c.review_id, c.item_id): c for c in carriers}
    if not wanted:
        return []
    review_ids = sorted({r for r, _ in wanted})
    with store.engine.begin() as conn:
        known = {
            (row.review_id, row.item_id)
            for row in conn.execute(
                sa.select(table.c.review_id, table.c.item_id).where(
                    table.c.review_id.in_(review_ids),
                    table.c.item_id.in_(sorted({i for _, i in wanted})),
                )
            )
        }
        new = [c for key, c in wanted.items() if key not in known]
        if new:
            conn.execute(
                table.insert(),
                [
                    {
                        "review_id": c.review_id,
                        "item_id": c.item_id,
                        "how": c.how,
                        "score": c.score,
                        "found_at": now,
                    }
                    for c in new
                ],
            )
    return new


# -- reading -----------------------------------------------------------------------------


def _readable_ids(
    store: Store,
    viewer: ViewerLike,
    now: datetime,
    among: Sequence[ColumnElement[bool]] | None = None,
) -> sa.Select[Any]:
    """Ids of the item versions the viewer may read in full: the one policy's SQL, asked
    only about the versions `among` names (by default those that carry a reviewed claim,
    their ids as values: with a subquery SQLite still ran the policy over every current
    item first, so each item page's banner cost in proportion to the archive)."""
    items, carriers = schema.items, schema.review_carriers
    if among is None:
        with store.engine.connect() as conn:
            carrying = list(conn.execute(sa.select(carriers.c.item_id).distinct()).scalars())
        among = [items.c.id.in_(carrying) if carrying else sa.false()]
    query = store.visible_items(viewer, now, current_only=False, columns=[items.c.id], where=among)
    visible = query.subquery()
    return sa.select(visible.c.id).where(visible.c.access == "full")


def _visible_review_ids(
    store: Store, viewer: ViewerLike, now: datetime
) -> sa.Select[Any] | sa.CompoundSelect[Any]:
    """Reviews the viewer may see: on an item it reads in full, or its member's own."""
    carriers, reviews = schema.review_carriers, schema.reviews
    who = Viewer.of(viewer)
    on_readable = sa.select(carriers.c.review_id).where(
        carriers.c.item_id.in_(_readable_ids(store, who, now))
    )
    own = sa.select(reviews.c.id).where(reviews.c.member == (who.member or ""))
    return sa.union(on_readable, own) if who.member else on_readable


def get_review(
    store: Store, review_id: int, viewer: ViewerLike, now: datetime | None = None
) -> Review | None:
    """One review if the viewer may see it (else None, as for an id that does not exist)."""
    found = list_reviews(store, viewer, now, review_ids=[review_id])
    return found[0] if found else None


def list_reviews(
    store: Store,
    viewer: ViewerLike,
    now: datetime | None = None,
    *,
    review_ids: Sequence[int] | None = None,
    item_id: int | None = None,
    member: str | None = None,
    status: str | None = None,
    limit: int = 100,
    before: int | None = None,
) -> list[Review]:
    """Reviews the viewer may see, newest first; `item_id`: those whose claim that
    version carries (the banner on an item)."""
    reviews, carriers = schema.reviews, schema.review_carriers
    now = now or store.clock()
    query = sa.select(reviews).where(reviews.c.id.in_(_visible_review_ids(store, viewer, now)))
    if review_ids is not None:
        query = query.where(reviews.c.id.in_([i for i in review_ids if 0 < i < 2**31]))
    if item_id is not None:
        query = query.where(
            reviews.c.id.in_(sa.select(carriers.c.review_id).where(carriers.c.item_id == item_id))
        )
    if member is not None:
        query = query.where(reviews.c.member == member)
    if status is not None:
        query = query.where(reviews.c.status == status)
    if before is not None:
        query = query.where(reviews.c.id < before)
    with store.engine.connect() as conn:
        rows = list(conn.execute(query.order_by(reviews.c.id.desc()).limit(limit)).mappings())
        return _reviews(conn, rows)


def reviews_on_items(
    store: Store, viewer: ViewerLike, item_ids: Sequence[int], now: datetime | None = None
) -> dict[int, list[Review]]:
    """For each of these versions, the reviews the viewer may see whose claim it
    carries (one query for a whole page of items), newest first."""
    wanted = [i for i in item_ids if 0 < i < 2**31]
    if not wanted:
        return {}
    reviews, carriers = schema.reviews, schema.review_carriers
    now = now or store.clock()
    query = (
        sa.select(carriers.c.item_id, carriers.c.review_id)
        .where(
            carriers.c.item_id.in_(wanted),
            carriers.c.review_id.in_(_visible_review_ids(store, viewer, now)),
        )
        .order_by(carriers.c.review_id.desc())
    )
    with store.engine.connect() as conn:
        pairs = list(conn.execute(query))
        ids = sorted({row.review_id for row in pairs})
        found = sa.select(reviews).where(reviews.c.id.in_(ids))
        by_id = {r.id: r for r in _reviews(conn, list(conn.execute(found).mappings()))}
    out: dict[int, list[Review]] = {}
    for row in pairs:
        out.setdefault(row.item_id, []).append(by_id[row.review_id])
    return out


def review_as_operator(store: Store, review_id: int) -> Review | None:
    """A review with no policy: for the desk's own work (alerts, matching), never shown."""
    reviews = schema.reviews
    with store.engine.connect() as conn:
        rows = list(conn.execute(sa.select(reviews).where(reviews.c.id == review_id)).mappings())
        found = _reviews(conn, rows)
    return found[0] if found else None


def published_reviews(store: Store) -> list[Review]:
    """Every review in force (not withdrawn), oldest first: what a new item is matched to."""
    reviews = schema.reviews
    query = sa.select(reviews).where(reviews.c.status == "published").order_by(reviews.c.id)
    with store.engine.connect() as conn:
        return _reviews(conn, list(conn.execute(query).mappings()))


def _reviews(conn: Connection, rows: Sequence[Any]) -> list[Review]:
    if not rows:
        return []
    revisions, items = schema.review_revisions, schema.items
    ids = [row["id"] for row in rows]
    history: dict[int, list[Revision]] = {i: [] for i in ids}
    query = sa.select(revisions).where(revisions.c.review_id.in_(ids))
    for row in conn.execute(query.order_by(revisions.c.review_id, revisions.c.revision)).mappings():
        history[row["review_id"]].append(
            Revision(
                row["revision"],
                row["action"],
                row["rating"],
                row["explanation"],
                row["language"],
                tuple(row["evidence"]),
                row["author"],
                row["note"],
                row["at"],
            )
        )
    reviewed = sa.select(items.c.id, items.c.uri, items.c.provider, items.c.version).where(
        items.c.id.in_({row["item_id"] for row in rows})
    )
    item_rows = {row.id: row for row in conn.execute(reviewed)}
    return [
        Review(
            row["id"],
            row["member"],
            row["item_id"],
            item_rows[row["item_id"]].uri,
            item_rows[row["item_id"]].provider,
            item_rows[row["item_id"]].version,
            ClaimSpan(
                row["claim_text"], row["claim_start"], row["claim_end"], row["claim_language"]
            ),
            row["revision"],
            row["status"],
            row["created_at"],
            row["updated_at"],
            tuple(history[row["id"]]),
        )
        for row in rows
    ]


def carriers(store: Store, review_id: int) -> list[Carrier]:
    """Every item version known to carry the review's claim (no policy: the caller
    filters what it shows through `Store.fetch`/`get`)."""
    table = schema.review_carriers
    query = sa.select(table).where(table.c.review_id == review_id).order_by(table.c.item_id)
    with store.engine.connect() as conn:
        return [
            Carrier(row.review_id, row.item_id, row.how, float(row.score))
            for row in conn.execute(query)
        ]


def readers(store: Store, review_id: int, now: datetime | None = None) -> list[str]:
    """The members that may read in full some item version carrying the claim (the
    publishers of those items among them): who is told about the review."""
    carrier_ids = sa.select(schema.review_carriers.c.item_id).where(
        schema.review_carriers.c.review_id == review_id
    )
    now = now or store.clock()
    found = []
    with store.engine.connect() as conn:
        slugs = list(conn.execute(sa.select(schema.members.c.slug).order_by("slug")).scalars())
    for slug in slugs:
        readable = _readable_ids(store, Viewer(slug, actor="review-alerts"), now)
        query = sa.select(sa.literal(1)).where(
            sa.exists(readable.where(readable.selected_columns.id.in_(carrier_ids)))
        )
        with store.engine.connect() as conn:
            if conn.execute(query).first() is not None:
                found.append(slug)
    return found


# -- what each member is told ------------------------------------------------------------


def notify(
    store: Store, review_id: int, revision: int, event: str, members: Iterable[str], now: datetime
) -> list[str]:
    """Tell each member once about this revision: a notification row, and a webhook
    delivery per active webhook of the member. Members already told are left out (the
    unique key on member, review and revision holds even when two processes race)."""
    table, hooks = schema.review_notifications, schema.webhooks
    told: list[str] = []
    for member in members:
        try:
            with store.engine.begin() as conn:
                conn.execute(
                    table.insert().values(
                        member=member,
                        review_id=review_id,
                        revision=revision,
                        event=event,
                        created_at=now,
                    )
                )
        except sa.exc.IntegrityError:
            continue  # told already
        told.append(member)
        with store.engine.connect() as conn:
            hook_ids = list(
                conn.execute(
                    sa.select(hooks.c.id).where(hooks.c.member == member, hooks.c.active)
                ).scalars()
            )
        for hook_id in hook_ids:
            queue_delivery(store, hook_id, event, None, f"{REVIEW_URI}{review_id}", now)
    return told


def notifications(
    store: Store, member: str, *, unread: bool = False, limit: int = 100, before: int | None = None
) -> list[dict[str, Any]]:
    """A member's alerts, newest first."""
    table = schema.review_notifications
    query = sa.select(table).where(table.c.member == member)
    if unread:
        query = query.where(table.c.read_at.is_(None))
    if before is not None:
        query = query.where(table.c.id < before)
    with store.engine.connect() as conn:
        rows = conn.execute(query.order_by(table.c.id.desc()).limit(limit)).mappings()
        return [
            {k: v.isoformat() if isinstance(v, datetime) else v for k, v in row.items()}
            for row in rows
        ]


def mark_read(store: Store, member: str, ids: Sequence[int] | None, now: datetime) -> int:
    """Mark a member's alerts read (these ids, or all); how many changed."""
    table = schema.review_notifications
    query = table.update().where(table.c.member == member, table.c.read_at.is_(None))
    if ids is not None:
        query = query.where(table.c.id.in_([i for i in ids if 0 < i < 2**31]))
    with store.engine.begin() as conn:
        return int(conn.execute(query.values(read_at=now)).rowcount)


# -- where an item travelled: the stored links (the caller filters by the policy) -------


def related_versions(store: Store, item_id: int) -> dict[str, list[int]]:
    """Item versions linked to this one: its other versions, the copies it made or that
    were made of it (any version of either), and the other versions of its story."""
    items, links = schema.items, schema.story_items
    with store.engine.connect() as conn:
        row = conn.execute(
            sa.select(items.c.provider, items.c.uri).where(items.c.id == item_id)
        ).first()
        if row is None:
            return {"versions": [], "copies": [], "story": []}
        owner = (
            items.c.provider.is_(None) if row.provider is None else items.c.provider == row.provider
        )
        same_item = list(
            conn.execute(
                sa.select(items.c.id).where(owner, items.c.uri == row.uri).order_by(items.c.version)
            ).scalars()
        )
        copy_rows = conn.execute(
            sa.select(links.c.item_id, links.c.copy_of).where(
                sa.or_(links.c.copy_of.in_(same_item), links.c.item_id.in_(same_item))
            )
        )
        copies = set()
        for link in copy_rows:
            copies.update({link.item_id, link.copy_of} - {None})
        story = conn.execute(sa.select(links.c.story_id).where(links.c.item_id == item_id)).scalar()
        in_story: list[int] = []
        if story is not None:
            in_story = list(
                conn.execute(
                    sa.select(links.c.item_id)
                    .where(links.c.story_id == story)
                    .order_by(links.c.seq)
                ).scalars()
            )
    return {
        "versions": [i for i in same_item if i != item_id],
        "copies": sorted(copies - set(same_item)),
        "story": [i for i in in_story if i not in same_item and i not in copies],
    }


def get_review_by_uri(
    store: Store, uri: str, viewer: ViewerLike, now: datetime | None = None
) -> Review | None:
    """A review named `urn:ortaq:review:<id>`, if the viewer may see it."""
    number = uri.removeprefix(REVIEW_URI)
    if not uri.startswith(REVIEW_URI) or not number.isdigit() or len(number) > 10:
        return None
    return get_review(store, int(number), viewer, now)


def flagged(
    store: Store, viewer: ViewerLike, limit: int = 50, now: datetime | None = None
) -> list[Carrier]:
    """Versions the viewer reads that repeat a reviewed claim without being the reviewed
    item's own versions, copies or story (`match`), newest flag first."""
    carriers = schema.review_carriers
    now = now or store.clock()
    query = (
        sa.select(carriers)
        .where(
            carriers.c.how == "match",
            carriers.c.item_id.in_(_readable_ids(store, viewer, now)),
            carriers.c.review_id.in_(_visible_review_ids(store, viewer, now)),
        )
        .order_by(carriers.c.found_at.desc(), carriers.c.item_id.desc())
        .limit(limit)
    )
    with store.engine.connect() as conn:
        return [
            Carrier(row.review_id, row.item_id, row.how, float(row.score))
            for row in conn.execute(query)
        ]


def corrected_ids(
    store: Store, viewer: ViewerLike, limit: int = 50, now: datetime | None = None
) -> list[int]:
    """The newest current versions that correct an earlier one, that the viewer reads."""
    items = schema.items
    corrections = [items.c.is_current, items.c.version > 1]
    readable = _readable_ids(store, viewer, now or store.clock(), among=corrections)
    query = (
        sa.select(items.c.id)
        .where(*corrections, items.c.id.in_(readable))
        .order_by(items.c.id.desc())
        .limit(limit)
    )
    with store.engine.connect() as conn:
        return list(conn.execute(query).scalars())
