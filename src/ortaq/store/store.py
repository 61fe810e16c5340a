"""The one store: items with their versions, raw originals, members and quarantine.

SQLAlchemy Core over any URL: a SQLite file by default (WAL mode), PostgreSQL for
shared deployments. Every read of items goes through `visible_items`, so the access
policy lives in one place.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement

from ortaq.model import Item, Rejected, contract_fields
from ortaq.store import bulk, cooperation, fulltext, schema
from ortaq.store.bulk import BulkVersion
from ortaq.store.migrate import current_revision, upgrade
from ortaq.store.policy import (
    ATTRIBUTION_COLUMNS,
    Access,
    Reading,
    Rights,
    granting_agreement,
    grants,
    redact,
    topic_codes,
    visibility,
)
from ortaq.store.prepared import Prepared
from ortaq.store.storybook import StoryBook, story_name
from ortaq.viewer import Viewer

ViewerLike = Viewer | str  # a member slug, a Viewer, or ortaq.viewer.OPERATOR: never None
Clock = Callable[[], datetime]
SUMMARY_HEADLINE_CHARS = 300  # a list shows this much of a headline; the item has it all

SaveStatus = Literal["new", "version", "unchanged", "status", "refreshed"]
# What the reading stages derive from an item's text: a re-reading replaces these.
DERIVED_COLUMNS = (
    "language", "located", "people", "organisations", "places", "derived", "stage_data",
)  # fmt: skip
# Ids are 32-bit integers on PostgreSQL: a larger number names no item, and must not
# reach the database, which would fail on it ("integer out of range") rather than say so.
MAX_ID = 2**31 - 1
# The execution option under which a `visible_items` query carries its `Reading`.
READING = "ortaq_reading"


@dataclass(frozen=True)
class SaveResult:
    status: SaveStatus  # new item, new version, identical re-send, pubstatus change, or
    # new derived data for the same text (a re-reading)
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
    sha256: str | None = None  # of the whole input, or of what was read when not kept
    bytes_kept: bool = True  # False: refused before it was read whole (over the limit)


@dataclass(frozen=True)
class StoredItem:
    id: int
    item: Item  # already redacted to what the viewer may see
    is_current: bool
    ingested_at: datetime
    raw_sha256: str | None
    access: Access = "full"  # full | embargo (notice) | notice (killed or withheld)
    rights: Rights | None = None  # the partner's agreement terms; None for own items
    # the verification desk's banner (`ortaq.verification.with_reviews`): reviews of a
    # claim this version carries, as the viewer may see them; outputs show them
    reviews: tuple[dict[str, Any], ...] = ()


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
            # sorts, groupings and the map's temporary table in memory, not temporary files
            cursor.execute("PRAGMA temp_store=MEMORY")
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

    def upgrade(self, revision: str = "head") -> None:
        """Apply the schema migrations up to `revision`."""
        upgrade(self.engine, revision)

    def revision(self) -> str | None:
        """The schema revision the database is at (None: empty)."""
        return current_revision(self.engine)

    # -- writing items -------------------------------------------------------------

    def save(
        self, item: Item, raw: bytes | None = None, prepared: Prepared | None = None
    ) -> SaveResult:
        """Store an item: identical content is a no-op, changed content a new version.

        `raw` is the input the item was read from (the door keeps it, the item only names
        it by `raw_sha256`): kept once among the raw documents, however many items of a
        feed name it. Without it, the item keeps its `raw_sha256` only if those bytes
        are already kept.

        An item is its publisher's: it is matched on (provider, uri), so the same uri sent
        by another member is that member's own, separate item, and says nothing about
        whether anyone else uses the uri.

        `prepared` is `Prepared.of(item)` when the caller worked it out already.
        """
        with self.engine.begin() as conn:
            return self._save(conn, item, raw, prepared=prepared)

    def save_many(
        self,
        entries: Sequence[tuple[Item, bytes | None, Prepared | None]],
        *,
        refresh: bool = False,
    ) -> list[SaveResult]:
        """`save` for many items in one transaction, in the order given (a batch's one
        writer: story assignment follows that order). All or none: a failure rolls the
        whole group back, and the caller may save the items one by one to find it.

        Each entry may bring `Prepared.of(item)` (the search analysis, the story
        features and copy signature), worked out where the chain ran, so that this
        writer does not analyse the text again. `refresh`: an item whose
        text is unchanged gets the derived data of this reading (re-processing with a
        newer model) instead of being left as it was."""
        with self.engine.begin() as conn:
            return [
                self._save(conn, item, raw, refresh=refresh, prepared=prepared)
                for item, raw, prepared in entries
            ]

    def _save(
        self,
        conn: Connection,
        item: Item,
        raw: bytes | None = None,
        *,
        refresh: bool = False,
        prepared: Prepared | None = None,
    ) -> SaveResult:
        items = schema.items
        analysis = prepared.search if prepared is not None else None
        current = conn.execute(
            sa.select(items.c.id, items.c.version, items.c.content_hash, items.c.pubstatus)
            .where(*_identity(item.provider, item.uri), items.c.is_current)
            .with_for_update()
        ).first()
        content_hash = item.content_hash
        if current is not None and current.content_hash == content_hash:
            # Re-sending the same text never brings a killed item back; only an explicit
            # withhold or kill changes the status of unchanged content.
            if refresh and self._refresh_derived(conn, current.id, item, analysis):
                return SaveResult("refreshed", current.id, item.uri, current.version)
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
        raw_sha = self._raw_reference(conn, item, raw)
        item.version = version
        row = _item_row(item, raw_sha, content_hash, self.clock())
        # values as parameters, not `.values(...)`: one statement compiled once for all
        item_id = _new_id(conn.execute(items.insert(), row))
        # The search index follows the current version, in the same transaction.
        fulltext.unindex_items(conn, [current.id] if current is not None else [])
        fulltext.index_items(conn, [(item_id, item)], [analysis])
        cooperation.write_events(conn, item_id, row["stage_data"], row["versioncreated"])
        codes = topic_codes(item.subjects)
        if codes:
            conn.execute(
                schema.item_topics.insert(), [{"item_id": item_id, "code": c} for c in codes]
            )
        # in this transaction: no version without its story, no story of a rolled-back one
        story_input = prepared.story if prepared is not None else None
        placement = self.story_book.assign(conn, item_id, item, story_input)
        kind = "publish" if current is None else "correct"
        if item.pubstatus != "usable":
            kind = _status_event(item.pubstatus)
        self._event(conn, item, version, kind)
        status: SaveStatus = "new" if current is None else "version"
        return SaveResult(status, item_id, item.uri, version, story_name(placement.story))

    def bulk_load(self, versions: Iterable[BulkVersion]) -> int:
        """Benchmarks only: write versions whose stories are already decided, many rows
        a statement, into an empty store (`ortaq.store.bulk`); returns how many."""
        return bulk.bulk_load(self, versions)

    def _refresh_derived(
        self, conn: Connection, item_id: int, item: Item, analysis: fulltext.Analysis | None
    ) -> bool:
        """Replace what the reading stages derived for the stored version (same text, a
        newer model); True when anything changed. The search index follows; the story
        stays (`ortaq stories rebuild` clusters again)."""
        items = schema.items
        fresh = _item_row(item, None, item.content_hash, self.clock())
        columns = [items.c[name] for name in DERIVED_COLUMNS]
        stored = conn.execute(sa.select(*columns).where(items.c.id == item_id)).mappings().one()
        changed = {name: fresh[name] for name in DERIVED_COLUMNS if stored[name] != fresh[name]}
        if not changed:
            return False
        conn.execute(items.update().where(items.c.id == item_id).values(**changed))
        if "stage_data" in changed:
            cooperation.write_events(conn, item_id, fresh["stage_data"], fresh["versioncreated"])
        fulltext.unindex_items(conn, [item_id])
        fulltext.index_items(conn, [(item_id, item)], [analysis])
        return True

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
            schema.item_events.insert(),
            {
                "provider": item.provider,
                "uri": item.uri,
                "version": version,
                "kind": kind,
                "note": note,
                "at": self.clock(),
            },
        )

    def _raw_reference(self, conn: Connection, item: Item, raw: bytes | None) -> str | None:
        if raw:
            # the chain hashed the input once for all its items; re-hash only without it
            return self._keep_raw(conn, raw, item.raw_sha256)
        if item.raw_sha256 and self._has_raw(conn, item.raw_sha256):
            return item.raw_sha256
        return None

    def _has_raw(self, conn: Connection, digest: str) -> bool:
        documents = schema.raw_documents
        query = sa.select(documents.c.sha256).where(documents.c.sha256 == digest)
        return conn.execute(query).first() is not None

    def _keep_raw(self, conn: Connection, raw: bytes, digest: str | None = None) -> str:
        digest = digest or hashlib.sha256(raw).hexdigest()
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

    def reading(self, viewer: ViewerLike, now: datetime | None = None) -> Reading:
        """The viewer's agreements in force at `now`, read once: a request that runs
        several policy queries (a search's windows and its page, a story page's list
        and its versions) passes this as their viewer instead of reading them again."""
        who, now = Viewer.of(viewer), now or self.clock()
        with self.engine.connect() as conn:
            return Reading(who, now, tuple(grants(conn, who, now)))

    def visible_items(
        self,
        viewer: ViewerLike | Reading,
        now: datetime | None = None,
        *,
        current_only: bool = True,
        where: Sequence[ColumnElement[bool]] = (),
        columns: Sequence[sa.ColumnElement[Any]] | None = None,
    ) -> sa.Select[Any]:
        """The base query of every item read, with the exchange's access policy applied.

        Rows carry a computed column, `access`, that `_stored` uses to redact the item;
        the query carries its `Reading` (an execution option), from which `_fetch` tells
        whose rights come with each row. The viewer is required:
        None raises `MissingViewer` (fails closed); the operator is `OPERATOR`.

        `where` conditions are written before the policy's: SQLite tests a row's terms in
        the order written, so a cheap filter (language, topic, words) that rejects the row
        first spares it the policy's terms (plain column tests, and a topic scope's
        lookup in `item_topics`; see `ortaq.store.policy`).

        `columns` selects only some item columns (a list's summaries), not whole rows.
        """
        reading = viewer if isinstance(viewer, Reading) else self.reading(viewer, now)
        rule = visibility(reading.viewer, reading.now, reading.granted)
        if columns is None:
            selected: list[Any] = [schema.items]
        else:  # `_fetch` needs what decides whose rights come with a row
            selected = list(columns)
            names = {getattr(c, "name", None) for c in selected}
            selected += [schema.items.c[n] for n in ATTRIBUTION_COLUMNS if n not in names]
        query = (
            sa.select(*selected, rule.access.label("access"))
            .where(*where, rule.where)
            .execution_options(**{READING: reading})
        )
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
        viewer: ViewerLike,
        now: datetime | None = None,
    ) -> list[StoredItem]:
        """Current versions the viewer may see, newest first, paged by id (a cursor).

        `text` matches as `search` does (every word, in any form the analysis relates),
        and only ever items the viewer may read in full: a notice's hidden text must
        not be searchable. `search` ranks and counts facets; this keeps newest first.
        """
        query = self._list_query(
            None, after_id, language, provider, pubstatus, topic, text, since, viewer, now
        )
        return self._fetch(query.limit(limit))

    def list_summaries(
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
        viewer: ViewerLike,
        now: datetime | None = None,
    ) -> list[StoredItem]:
        """`list_items` for lists: only what a summary shows is read from the database.

        No body, derived values, entities or stage data; the headline cut to
        SUMMARY_HEADLINE_CHARS (with an ellipsis), so one huge item cannot weigh on
        every page that lists it.
        """
        query = self._list_query(
            _summary_columns(), after_id, language, provider, pubstatus, topic, text, since,
            viewer, now,
        )  # fmt: skip
        return self._fetch(query.limit(limit), _summary)

    def _list_query(
        self,
        columns: Sequence[sa.ColumnElement[Any]] | None,
        after_id: int | None,
        language: str | None,
        provider: str | None,
        pubstatus: str | None,
        topic: str | None,
        text: str | None,
        since: datetime | None,
        viewer: ViewerLike,
        now: datetime | None,
    ) -> sa.Select[Any]:
        """Current versions the viewer may see with the filters, newest first."""
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
            with self.engine.connect() as conn:
                filters.append(items.c.id.in_(fulltext.matching_ids(conn, text, language)))
        query = self.visible_items(viewer, now, where=filters, columns=columns)
        if text is not None:
            query = query.where(query.selected_columns.access == "full")
        return query.order_by(items.c.id.desc())

    def search(
        self,
        text: str,
        *,
        viewer: ViewerLike,
        now: datetime | None = None,
        language: str | None = None,
        member: str | None = None,
        country: str | None = None,
        order: fulltext.Order = "relevance",
        limit: int = 20,
        cursor: str | None = None,
    ) -> fulltext.SearchResults:
        """Full-text search under the access policy (see `ortaq.store.fulltext.search`)."""
        return fulltext.search(
            self, text, viewer=viewer, now=now, language=language, member=member,
            country=country, order=order, limit=limit, cursor=cursor,
        )  # fmt: skip

    def reindex(self) -> int:
        """Index every current item again, after the analysis changed."""
        return fulltext.rebuild(self)

    def fetch_ids(
        self, item_ids: Sequence[int], viewer: ViewerLike, now: datetime | None = None
    ) -> list[StoredItem]:
        """The current versions with these ids that the viewer may see."""
        if not item_ids:
            return []
        query = self.visible_items(viewer, now).where(schema.items.c.id.in_(list(item_ids)))
        return self._fetch(query)

    def fetch_summaries(
        self, item_ids: Sequence[int], viewer: ViewerLike | Reading, now: datetime | None = None
    ) -> list[StoredItem]:
        """`fetch_ids` for lists (search hits): only the columns a summary shows."""
        if not item_ids:
            return []
        query = self.visible_items(
            viewer, now, where=[schema.items.c.id.in_(list(item_ids))], columns=_summary_columns()
        )
        return self._fetch(query, _summary)

    def iter_items(
        self, viewer: ViewerLike, batch: int = 500, now: datetime | None = None
    ) -> Iterator[StoredItem]:
        after: int | None = None
        now = now or self.clock()  # one moment for the whole walk
        while True:
            page = self.list_items(limit=batch, after_id=after, viewer=viewer, now=now)
            yield from page
            if len(page) < batch:
                return
            after = page[-1].id

    def fetch_versions(
        self, item_ids: Sequence[int], viewer: ViewerLike, now: datetime | None = None
    ) -> list[StoredItem]:
        """The versions with these ids (current or not) that the viewer may see."""
        wanted = [i for i in item_ids if 0 < i <= MAX_ID]
        if not wanted:
            return []
        query = self.visible_items(viewer, now, current_only=False)
        return self._fetch(query.where(schema.items.c.id.in_(wanted)))

    def get(
        self, item_id: int, viewer: ViewerLike, now: datetime | None = None
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
        viewer: ViewerLike,
        now: datetime | None = None,
        *,
        provider: str | None,
    ) -> StoredItem | None:
        """The current version of the publisher's item with this uri."""
        query = self.visible_items(viewer, now).where(*_identity(provider, uri))
        found = self._fetch(query.limit(1))
        return found[0] if found else None

    def find_uri(
        self, uri: str, viewer: ViewerLike, now: datetime | None = None
    ) -> list[StoredItem]:
        """Current versions of every publisher's item with this uri, oldest item first."""
        items = schema.items
        query = self.visible_items(viewer, now).where(items.c.uri == uri)
        return self._fetch(query.order_by(items.c.id))

    def history(
        self,
        uri: str,
        viewer: ViewerLike,
        now: datetime | None = None,
        *,
        provider: str | None,
    ) -> list[StoredItem]:
        """Every version of the publisher's item the viewer may see, oldest first."""
        items = schema.items
        query = self.visible_items(viewer, now, current_only=False)
        query = query.where(*_identity(provider, uri)).order_by(items.c.version)
        return self._fetch(query)

    def _fetch(
        self,
        query: sa.Select[Any],
        to_item: Callable[[Any, Rights | None], StoredItem] | None = None,
    ) -> list[StoredItem]:
        """Run a query of `visible_items`; redact each row to its access (`_stored` for
        whole items, `_summary` for list entries) and attach the rights it comes with."""
        reading = query.get_execution_options().get(READING)
        if not isinstance(reading, Reading):  # not built by `visible_items`: no policy
            raise TypeError("_fetch runs only queries built by Store.visible_items")
        with self.engine.connect() as conn:
            rows = list(conn.execute(query).mappings())
            topics = self._topics_of(conn, [r["id"] for r in rows if reading.needs_topics(r)])
            granting = [
                granting_agreement(reading, row, topics.get(row["id"], frozenset())) for row in rows
            ]
            rights = self._rights(conn, {a for a in granting if a is not None})
        convert = to_item or _stored
        return [
            convert(row, rights.get(agreement) if agreement is not None else None)
            for row, agreement in zip(rows, granting, strict=True)
        ]

    def _topics_of(self, conn: Connection, ids: list[int]) -> dict[int, frozenset[str]]:
        if not ids:
            return {}
        topics = schema.item_topics
        found: dict[int, set[str]] = {}
        query = sa.select(topics.c.item_id, topics.c.code).where(topics.c.item_id.in_(ids))
        for item_id, code in conn.execute(query):
            found.setdefault(item_id, set()).add(code)
        return {item_id: frozenset(codes) for item_id, codes in found.items()}

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

    def stored_inputs(self) -> list[Any]:
        """The inputs behind the current versions, oldest first, for re-reading the
        archive (`ortaq batch --from-store`): one row per kept raw input and publisher,
        with its source name and format, its first uri, earliest time and embargo, and
        how many items it gave. An operator's tool: it reads no text and applies no policy."""
        items = schema.items
        query = (
            sa.select(
                items.c.raw_sha256,
                items.c.provider,
                items.c.source_name,
                items.c.source_format,
                sa.func.min(items.c.uri).label("uri"),
                sa.func.min(items.c.versioncreated).label("published"),
                sa.func.min(items.c.embargoed).label("embargoed"),
                sa.func.count().label("items"),
            )
            .where(items.c.is_current, items.c.raw_sha256.is_not(None))
            .group_by(
                items.c.raw_sha256, items.c.provider, items.c.source_name, items.c.source_format
            )
            .order_by(sa.func.min(items.c.id))
        )
        with self.engine.connect() as conn:
            return list(conn.execute(query).all())

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
        """Keep rejected bytes and the reason; identical open rejections are kept once.

        An input refused before it was read whole keeps no bytes: only its size and hash.
        """
        q = schema.quarantine
        now = utcnow()
        with self.engine.begin() as conn:
            raw_sha: str | None = None
            sha256: str | None
            if rejected.keeps_bytes:
                raw_sha = sha256 = self._keep_raw(conn, rejected.raw)
                size, same = len(rejected.raw), q.c.raw_sha256 == raw_sha
            else:
                sha256, size = rejected.unread_sha256, rejected.unread_size or 0
                same = sa.and_(
                    q.c.raw_sha256.is_(None),
                    q.c.sha256.is_not_distinct_from(sha256),
                    q.c.provider.is_not_distinct_from(provider),
                )
            existing = conn.execute(
                sa.select(q.c.id).where(
                    same, q.c.source_name == rejected.source_name, q.c.status == "open"
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
                    sha256=sha256,
                    size=size,
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
        kept = self.raw(row["raw_sha256"]) if row["raw_sha256"] else None
        return _quarantine_record(row), kept or b""

    def quarantine_resolve_unread(self, sha256: str) -> list[int]:
        """Resolve open records of an input refused unread, now that it was read whole."""
        q = schema.quarantine
        unread = sa.and_(q.c.status == "open", q.c.raw_sha256.is_(None), q.c.sha256 == sha256)
        with self.engine.connect() as conn:  # a read first: most inputs were never refused
            found = [int(i) for i in conn.execute(sa.select(q.c.id).where(unread)).scalars()]
        if found:
            with self.engine.begin() as conn:
                conn.execute(
                    q.update()
                    .where(unread, q.c.id.in_(found))
                    .values(status="resolved", last_tried_at=utcnow())
                )
        return found

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


def _new_id(result: sa.CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None, "insert returned no primary key"
    return int(key[0])


def _status_event(pubstatus: str) -> str:
    return {"canceled": "kill", "withheld": "withhold", "usable": "release"}[pubstatus]


def _item_row(item: Item, raw_sha: str | None, content_hash: str, now: datetime) -> dict[str, Any]:
    json_ready = item.to_json()  # the typed stage fields as stored JSON (contract_json)
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
    item = row_item(row)
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


def row_item(row: Any) -> Item:
    """The item an `items` row stores (unredacted: for the store's own use)."""
    derived, stage_data, typed = contract_fields(row["derived"], row["stage_data"])
    return Item(
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
        derived=derived,
        stage_data=stage_data,
        raw_sha256=row.get("raw_sha256"),
        **typed,
    )


def summary_headline(headline: str | None) -> str | None:
    """A headline as a list shows it: at most SUMMARY_HEADLINE_CHARS, cut with an ellipsis."""
    if headline is None or len(headline) <= SUMMARY_HEADLINE_CHARS:
        return headline
    return headline[: SUMMARY_HEADLINE_CHARS - 1].rstrip() + "…"


def _summary_columns() -> list[sa.ColumnElement[Any]]:
    items = schema.items
    headline = sa.func.substr(items.c.headline, 1, SUMMARY_HEADLINE_CHARS + 1)
    names = ("id", "uri", "version", "provider", "language", "type", "pubstatus")
    dates = ("versioncreated", "embargoed", "is_current", "ingested_at")
    return [*(items.c[n] for n in names), headline.label("headline"), *(items.c[n] for n in dates)]


def _summary(row: Any, rights: Rights | None) -> StoredItem:
    """A list's entry: the summary fields only, redacted like a whole item."""
    item = Item(
        uri=row["uri"],
        version=row["version"],
        headline=summary_headline(row["headline"]),
        language=row["language"],
        type=row["type"],
        pubstatus=row["pubstatus"],
        versioncreated=row["versioncreated"],
        embargoed=row["embargoed"],
        provider=row["provider"],
    )
    access: Access = row.get("access") or "full"
    return StoredItem(
        row["id"], redact(item, access), row["is_current"], row["ingested_at"], None, access, rights
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
        sha256=row["sha256"],
        bytes_kept=row["raw_sha256"] is not None,
    )
