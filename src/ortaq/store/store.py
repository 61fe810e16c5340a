"""The one store: items with their versions, raw originals, members and quarantine.

SQLAlchemy Core over any URL: a SQLite file by default (WAL mode), PostgreSQL for
shared deployments. Every read of items goes through `visible_items`, so the access
policy lives in one place.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement

from ortaq.exchange.policy import Access, Rights, Viewer, redact, topic_codes, visibility
from ortaq.model import Derived, Item, Rejected
from ortaq.store import schema
from ortaq.store.migrate import upgrade
from ortaq.store.search import like_terms, search_text
from ortaq.store.storybook import StoryBook, story_name

ViewerLike = Viewer | str | None
Clock = Callable[[], datetime]

SaveStatus = Literal["new", "version", "unchanged", "status"]
# Ids are 32-bit integers on PostgreSQL: a larger number names no item, and must not
# reach the database, which would fail on it ("integer out of range") rather than say so.
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class SaveResult:
    status: SaveStatus  # new item, new version, identical re-send, or pubstatus change
    item_id: int
    uri: str
    version: int
    story: str | None = None  # the story a new version joined ("story-N")


@dataclass(frozen=True)
class QuarantineRecord:
    id: int
    source_name: str
    reason: str
    provider: str | None
    size: int
    status: str
    attempts: int
    created_at: datetime
    last_tried_at: datetime


@dataclass(frozen=True)
class StoredItem:
    id: int
    item: Item  # already redacted to what the viewer may see
    is_current: bool
    ingested_at: datetime
    raw_sha256: str | None
    access: Access = "full"  # full | embargo (notice) | notice (killed or withheld)
    rights: Rights | None = None  # the partner's agreement terms; None for own items


def utcnow() -> datetime:
    return datetime.now(UTC)


def create_engine_for(url: str) -> Engine:
    """An engine with the settings each backend needs to behave the same."""
    if url.startswith("sqlite"):
        database = url.split("///", 1)[-1]
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 30})

        @sa.event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            if database and database != ":memory:":
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


class Store:
    """Items, versions, raw bytes, members and quarantine in one database."""

    def __init__(self, engine: Engine, clock: Clock = utcnow) -> None:
        self.engine = engine
        self.clock = clock  # injectable so the policy's "now" is deterministic in tests
        # stories are assigned as versions are stored (ortaq.store.storybook)
        self.story_book = StoryBook(engine, lambda: self.clock())

    @classmethod
    def open(cls, url: str, *, migrate: bool = True, clock: Clock = utcnow) -> Store:
        engine = create_engine_for(url)
        if migrate:
            upgrade(engine)
        return cls(engine, clock)

    def close(self) -> None:
        self.engine.dispose()

    # -- writing items -------------------------------------------------------------

    def save(self, item: Item) -> SaveResult:
        """Store an item: identical content is a no-op, changed content a new version.

        An item is its publisher's: it is matched on (provider, uri), so the same uri sent
        by another member is that member's own, separate item, and says nothing about
        whether anyone else uses the uri.
        """
        with self.engine.begin() as conn:
            return self._save(conn, item)

    def _save(self, conn: Connection, item: Item) -> SaveResult:
        items = schema.items
        current = conn.execute(
            sa.select(items.c.id, items.c.version, items.c.content_hash, items.c.pubstatus)
            .where(*_identity(item.provider, item.uri), items.c.is_current)
            .with_for_update()
        ).first()
        content_hash = item.content_hash
        if current is not None and current.content_hash == content_hash:
            # Re-sending the same text never brings a killed item back; only an explicit
            # withhold or kill changes the status of unchanged content.
            if item.pubstatus == "usable" or current.pubstatus == item.pubstatus:
                return SaveResult("unchanged", current.id, item.uri, current.version)
            conn.execute(
                items.update().where(items.c.id == current.id).values(pubstatus=item.pubstatus)
            )
            self._event(conn, item, current.version, _status_event(item.pubstatus))
            return SaveResult("status", current.id, item.uri, current.version)
        if current is not None and self._is_stale_resend(conn, item, content_hash):
            # An older version sent again (a replayed feed) must not undo a correction.
            return SaveResult("unchanged", current.id, item.uri, current.version)
        version = 1 if current is None else current.version + 1
        if current is not None:
            conn.execute(items.update().where(items.c.id == current.id).values(is_current=False))
        raw_sha = self._keep_raw(conn, item.raw) if item.raw else None
        item.version = version
        row = _item_row(item, raw_sha, content_hash, self.clock())
        item_id = _new_id(conn.execute(items.insert().values(**row)))
        codes = topic_codes(item.subjects)
        if codes:
            conn.execute(
                schema.item_topics.insert(), [{"item_id": item_id, "code": c} for c in codes]
            )
        # in this transaction: no version without its story, no story of a rolled-back one
        placement = self.story_book.assign(conn, item_id)
        kind = "publish" if current is None else "correct"
        if item.pubstatus != "usable":
            kind = _status_event(item.pubstatus)
        self._event(conn, item, version, kind)
        status: SaveStatus = "new" if current is None else "version"
        return SaveResult(status, item_id, item.uri, version, story_name(placement.story))

    def _is_stale_resend(self, conn: Connection, item: Item, content_hash: str) -> bool:
        items = schema.items
        query = sa.select(items.c.id).where(
            *_identity(item.provider, item.uri),
            items.c.content_hash == content_hash,
            ~items.c.is_current,
        )
        return conn.execute(query.limit(1)).first() is not None

    def kill(self, uri: str, note: str | None = None, *, provider: str | None) -> bool:
        """Cancel the publisher's item: it stays on record with pubstatus canceled."""
        return self._set_pubstatus(provider, uri, "canceled", note)

    def withhold(self, uri: str, note: str | None = None, *, provider: str | None) -> bool:
        return self._set_pubstatus(provider, uri, "withheld", note)

    def _set_pubstatus(
        self, provider: str | None, uri: str, pubstatus: str, note: str | None
    ) -> bool:
        items = schema.items
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(items.c.id, items.c.version, items.c.pubstatus).where(
                    *_identity(provider, uri), items.c.is_current
                )
            ).first()
            if row is None:
                return False
            if row.pubstatus == pubstatus:
                return True  # already so: no second event
            conn.execute(items.update().where(items.c.id == row.id).values(pubstatus=pubstatus))
            owned = Item(uri=uri, provider=provider)
            self._event(conn, owned, row.version, _status_event(pubstatus), note)
            return True

    def _event(
        self, conn: Connection, item: Item, version: int, kind: str, note: str | None = None
    ) -> None:
        conn.execute(
            schema.item_events.insert().values(
                provider=item.provider,
                uri=item.uri,
                version=version,
                kind=kind,
                note=note,
                at=self.clock(),
            )
        )

    def _keep_raw(self, conn: Connection, raw: bytes) -> str:
        digest = hashlib.sha256(raw).hexdigest()
        exists = conn.execute(
            sa.select(schema.raw_documents.c.sha256).where(schema.raw_documents.c.sha256 == digest)
        ).first()
        if exists is None:
            conn.execute(
                schema.raw_documents.insert().values(
                    sha256=digest, size=len(raw), data=raw, created_at=utcnow()
                )
            )
        return digest

    # -- reading items -------------------------------------------------------------

    def visible_items(
        self,
        viewer: ViewerLike = None,
        now: datetime | None = None,
        *,
        current_only: bool = True,
        where: Sequence[ColumnElement[bool]] = (),
    ) -> sa.Select[Any]:
        """The base query of every item read, with the exchange's access policy applied.

        Rows carry two computed columns, `access` and `agreement_id`, that `_stored`
        uses to redact the item and attach the partner's rights. `viewer=None` is the
        local operator (the CLI on the server), who sees everything.

        `where` conditions are written before the policy's: SQLite tests a row's terms in
        the order written, so a cheap filter (language, topic, words) that rejects the row
        first spares it the policy's correlated subqueries. A filter that matches few
        items otherwise costs a policy check on every row it scans (bench/api.py).
        """
        rule = visibility(Viewer.of(viewer), now or self.clock())
        query = sa.select(
            schema.items, rule.access.label("access"), rule.agreement_id.label("agreement_id")
        ).where(*where, rule.where)
        return query.where(schema.items.c.is_current) if current_only else query

    def list_items(
        self,
        *,
        limit: int = 50,
        after_id: int | None = None,
        language: str | None = None,
        provider: str | None = None,
        pubstatus: str | None = None,
        topic: str | None = None,
        text: str | None = None,
        since: datetime | None = None,
        viewer: ViewerLike = None,
        now: datetime | None = None,
    ) -> list[StoredItem]:
        """Current versions the viewer may see, newest first, paged by id (a cursor).

        `text` matches words in headline, summary and body, and only ever items the
        viewer may read in full: a notice's hidden text must not be searchable.
        """
        items = schema.items
        filters: list[ColumnElement[bool]] = []
        if after_id is not None:
            filters.append(items.c.id < after_id)
        if language:
            filters.append(items.c.language == language)
        if provider:
            filters.append(items.c.provider == provider)
        if pubstatus:
            filters.append(items.c.pubstatus == pubstatus)
        if since is not None:
            filters.append(items.c.versioncreated >= since)
        if topic:
            topics = schema.item_topics
            filters.append(
                sa.exists().where(topics.c.item_id == items.c.id, topics.c.code == topic)
            )
        if text is not None:
            filters.extend(_matching(text))
        query = self.visible_items(viewer, now, where=filters)
        if text is not None:
            query = query.where(query.selected_columns.access == "full")
        return self._fetch(query.order_by(items.c.id.desc()).limit(limit))

    def iter_items(
        self, batch: int = 500, viewer: ViewerLike = None, now: datetime | None = None
    ) -> Iterator[StoredItem]:
        after: int | None = None
        now = now or self.clock()  # one moment for the whole walk
        while True:
            page = self.list_items(limit=batch, after_id=after, viewer=viewer, now=now)
            yield from page
            if len(page) < batch:
                return
            after = page[-1].id

    def get(
        self, item_id: int, viewer: ViewerLike = None, now: datetime | None = None
    ) -> StoredItem | None:
        """A stored version by id (partners see current versions only)."""
        if not 0 < item_id <= MAX_ID:
            return None
        query = self.visible_items(viewer, now, current_only=False)
        found = self._fetch(query.where(schema.items.c.id == item_id).limit(1))
        return found[0] if found else None

    def get_by_uri(
        self,
        uri: str,
        viewer: ViewerLike = None,
        now: datetime | None = None,
        *,
        provider: str | None,
    ) -> StoredItem | None:
        """The current version of the publisher's item with this uri."""
        query = self.visible_items(viewer, now).where(*_identity(provider, uri))
        found = self._fetch(query.limit(1))
        return found[0] if found else None

    def find_uri(
        self, uri: str, viewer: ViewerLike = None, now: datetime | None = None
    ) -> list[StoredItem]:
        """Current versions of every publisher's item with this uri, oldest item first."""
        items = schema.items
        query = self.visible_items(viewer, now).where(items.c.uri == uri)
        return self._fetch(query.order_by(items.c.id))

    def history(
        self,
        uri: str,
        viewer: ViewerLike = None,
        now: datetime | None = None,
        *,
        provider: str | None,
    ) -> list[StoredItem]:
        """Every version of the publisher's item the viewer may see, oldest first."""
        items = schema.items
        query = self.visible_items(viewer, now, current_only=False)
        query = query.where(*_identity(provider, uri)).order_by(items.c.version)
        return self._fetch(query)

    def _fetch(self, query: sa.Select[Any]) -> list[StoredItem]:
        """Run an item query; redact each row to its access and attach its rights."""
        with self.engine.connect() as conn:
            rows = list(conn.execute(query).mappings())
            rights = self._rights(conn, {r["agreement_id"] for r in rows} - {None})
        return [_stored(row, rights.get(row["agreement_id"])) for row in rows]

    def _rights(self, conn: Connection, agreement_ids: set[int]) -> dict[int, Rights]:
        if not agreement_ids:
            return {}
        agreements = schema.agreements
        query = sa.select(agreements).where(agreements.c.id.in_(sorted(agreement_ids)))
        return {row["id"]: _rights(row) for row in conn.execute(query).mappings()}

    def events(self, uri: str, *, provider: str | None) -> list[dict[str, Any]]:
        events = schema.item_events
        owner = events.c.provider.is_(None) if provider is None else events.c.provider == provider
        query = sa.select(events).where(events.c.uri == uri, owner).order_by(events.c.id)
        with self.engine.connect() as conn:
            return [dict(row) for row in conn.execute(query).mappings()]

    def raw(self, sha256: str) -> bytes | None:
        raw = schema.raw_documents
        with self.engine.connect() as conn:
            value = conn.execute(sa.select(raw.c.data).where(raw.c.sha256 == sha256)).scalar()
        return bytes(value) if value is not None else None

    def count_items(self, current_only: bool = True) -> int:
        query = sa.select(sa.func.count()).select_from(schema.items)
        if current_only:
            query = query.where(schema.items.c.is_current)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    # -- members -------------------------------------------------------------------

    def upsert_member(
        self,
        slug: str,
        name: str,
        *,
        names: dict[str, str] | None = None,
        country: str | None = None,
        languages: Sequence[str] = (),
        kind: str = "agency",
        logo: str | None = None,
    ) -> int:
        members = schema.members
        values = {
            "name": name,
            "names": names or {},
            "country": country,
            "languages": list(languages),
            "kind": kind,
            "logo": logo,
        }
        with self.engine.begin() as conn:
            found = conn.execute(sa.select(members.c.id).where(members.c.slug == slug)).scalar()
            if found is not None:
                conn.execute(members.update().where(members.c.id == found).values(**values))
                return int(found)
            inserted = conn.execute(
                members.insert().values(slug=slug, created_at=utcnow(), **values)
            )
            return _new_id(inserted)

    def get_member(self, slug: str) -> dict[str, Any] | None:
        members = schema.members
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(members).where(members.c.slug == slug)).mappings().first()
        return dict(row) if row else None

    def list_members(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(schema.members).order_by(schema.members.c.slug))
            return [dict(row) for row in rows.mappings()]

    # -- quarantine ----------------------------------------------------------------

    def quarantine_add(self, rejected: Rejected, provider: str | None = None) -> int:
        """Keep rejected bytes and the reason; identical open rejections are kept once."""
        q = schema.quarantine
        now = utcnow()
        with self.engine.begin() as conn:
            raw_sha = self._keep_raw(conn, rejected.raw)
            existing = conn.execute(
                sa.select(q.c.id).where(
                    q.c.raw_sha256 == raw_sha,
                    q.c.source_name == rejected.source_name,
                    q.c.status == "open",
                )
            ).scalar()
            if existing is not None:
                conn.execute(
                    q.update()
                    .where(q.c.id == existing)
                    .values(reason=rejected.reason, last_tried_at=now, attempts=q.c.attempts + 1)
                )
                return int(existing)
            inserted = conn.execute(
                q.insert().values(
                    source_name=rejected.source_name,
                    reason=rejected.reason,
                    provider=provider,
                    raw_sha256=raw_sha,
                    size=len(rejected.raw),
                    status="open",
                    attempts=1,
                    created_at=now,
                    last_tried_at=now,
                )
            )
            return _new_id(inserted)

    def quarantine_list(self, status: str | None = "open") -> list[QuarantineRecord]:
        q = schema.quarantine
        query = sa.select(q).order_by(q.c.id)
        if status:
            query = query.where(q.c.status == status)
        with self.engine.connect() as conn:
            return [_quarantine_record(row) for row in conn.execute(query).mappings()]

    def quarantine_get(self, record_id: int) -> tuple[QuarantineRecord, bytes] | None:
        q = schema.quarantine
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(q).where(q.c.id == record_id)).mappings().first()
        if row is None:
            return None
        return _quarantine_record(row), self.raw(row["raw_sha256"]) or b""

    def quarantine_mark(self, record_id: int, *, resolved: bool, reason: str | None = None) -> None:
        q = schema.quarantine
        values: dict[str, Any] = {"last_tried_at": utcnow(), "attempts": q.c.attempts + 1}
        if resolved:
            values["status"] = "resolved"
        if reason:
            values["reason"] = reason
        with self.engine.begin() as conn:
            conn.execute(q.update().where(q.c.id == record_id).values(**values))


def _identity(provider: str | None, uri: str) -> tuple[ColumnElement[bool], ...]:
    """The rows of one publisher's item: an item is (provider, uri), never uri alone."""
    items = schema.items
    owner = items.c.provider.is_(None) if provider is None else items.c.provider == provider
    return (owner, items.c.uri == uri)


def _matching(text: str) -> list[ColumnElement[bool]]:
    """Every word in headline, summary or body; no words match nothing."""
    terms = like_terms(text)
    if not terms:
        return [sa.false()]
    return [schema.items.c.search_text.like(term, escape="\\") for term in terms]


def _new_id(result: sa.CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None, "insert returned no primary key"
    return int(key[0])


def _status_event(pubstatus: str) -> str:
    return {"canceled": "kill", "withheld": "withhold", "usable": "release"}[pubstatus]


def _item_row(item: Item, raw_sha: str | None, content_hash: str, now: datetime) -> dict[str, Any]:
    json_ready = item.to_json()
    return {
        "uri": item.uri,
        "version": item.version,
        "is_current": True,
        "provider": item.provider,
        "content_hash": content_hash,
        "type": item.type,
        "pubstatus": item.pubstatus,
        "language": item.language,
        "headline": item.headline,
        "summary": item.summary,
        "body": list(item.body),
        "firstcreated": item.firstcreated,
        "versioncreated": item.versioncreated,
        "embargoed": item.embargoed,
        "byline": item.byline,
        "located": item.located,
        "copyrightholder": item.copyrightholder,
        "usageterms": item.usageterms,
        "credits": list(item.credits),
        "subjects": json_ready["subjects"],
        "people": json_ready["people"],
        "organisations": json_ready["organisations"],
        "places": json_ready["places"],
        "derived": json_ready["derived"],
        "stage_data": json_ready["stage_data"],
        "source_name": item.source_name,
        "source_format": item.source_format,
        "raw_sha256": raw_sha,
        "ingested_at": now,
        "search_text": search_text(item.headline, item.summary, list(item.body)),
    }


def _rights(row: Any) -> Rights:
    return Rights(
        agreement=row["slug"],
        usage_terms=row["usage_terms"],
        attribution=row["attribution"],
        republish=row["republish"],
        edit=row["edit"],
        translate=row["translate"],
    )


def _stored(row: Any, rights: Rights | None = None) -> StoredItem:
    item = Item(
        uri=row["uri"],
        version=row["version"],
        headline=row["headline"],
        summary=row["summary"],
        body=list(row["body"]),
        language=row["language"],
        type=row["type"],
        pubstatus=row["pubstatus"],
        firstcreated=row["firstcreated"],
        versioncreated=row["versioncreated"],
        embargoed=row["embargoed"],
        byline=row["byline"],
        located=row["located"],
        copyrightholder=row["copyrightholder"],
        usageterms=row["usageterms"],
        credits=list(row["credits"]),
        subjects=list(row["subjects"]),
        people=list(row["people"]),
        organisations=list(row["organisations"]),
        places=list(row["places"]),
        provider=row["provider"],
        source_name=row["source_name"],
        source_format=row["source_format"],
        derived={
            key: Derived(v["value"], v["method"], v["confidence"])
            for key, v in row["derived"].items()
        },
        stage_data=dict(row["stage_data"]),
    )
    access: Access = row.get("access") or "full"
    return StoredItem(
        row["id"],
        redact(item, access),
        row["is_current"],
        row["ingested_at"],
        row["raw_sha256"] if access == "full" else None,
        access,
        rights,
    )


def _quarantine_record(row: Any) -> QuarantineRecord:
    return QuarantineRecord(
        id=row["id"],
        source_name=row["source_name"],
        reason=row["reason"],
        provider=row["provider"],
        size=row["size"],
        status=row["status"],
        attempts=row["attempts"],
        created_at=row["created_at"],
        last_tried_at=row["last_tried_at"],
    )
