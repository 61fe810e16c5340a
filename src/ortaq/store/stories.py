"""Stories as a caller sees them: stored rows read through the one access policy.

Story ids are global ("story-N", kept by `ortaq.store.storybook`); which of a story's
versions a caller sees is decided by `Store.visible_items` on the member rows, and only
versions the caller may read in full count (a notice carries no text to tell a story
by). A story none of whose versions the caller may read does not exist for that caller,
exactly like an unknown id. A copy link is shown only when the caller may read the
original item too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from ortaq.store import schema
from ortaq.store.cooperation import reporting
from ortaq.store.policy import Reading
from ortaq.store.store import _summary as summary_row
from ortaq.store.store import _summary_columns as summary_columns
from ortaq.store.storybook import item_key, story_name
from ortaq.stories.occasion import item_span
from ortaq.stories.provenance import timeline, word_diff

if TYPE_CHECKING:
    from ortaq.store.store import Store, StoredItem, ViewerLike

STORY_ID = re.compile(r"story-([1-9][0-9]{0,9})")
MAX_NUMBER = 2**31 - 1  # story ids are 32-bit integers on PostgreSQL


def parse_story_id(story_id: str) -> int | None:
    """The number of "story-N", or None for anything that cannot name a story."""
    match = STORY_ID.fullmatch(story_id)
    if match is None or int(match.group(1)) > MAX_NUMBER:
        return None
    return int(match.group(1))


@dataclass
class StoryView:
    """One story as one caller may read it."""

    id: str
    versions: list[StoredItem] = field(default_factory=list)  # readable, arrival order
    # version id -> (the original item's uri, similarity), originals the caller reads
    copies: dict[int, tuple[str, float]] = field(default_factory=dict)

    @property
    def items(self) -> list[StoredItem]:
        """The latest readable version of each item, in order of first appearance."""
        latest: dict[str, StoredItem] = {}
        for stored in self.versions:
            key = item_key(stored.item.provider, stored.item.uri)
            latest.pop(key, None)
            latest[key] = stored
        first = {item_key(s.item.provider, s.item.uri): n for n, s in enumerate(self.versions)}
        ordered = sorted(latest.items(), key=lambda kv: first[kv[0]])
        return [stored for _key, stored in ordered]

    def window(self) -> dict[str, str] | None:
        """From the earliest to the latest time the readable versions tell (their spans:
        a date known to the month is the whole month); None when none is dated."""
        spans = [span for s in self.versions if (span := item_span(s.item)) is not None]
        if not spans:
            return None
        start = datetime.fromtimestamp(min(s.start for s in spans), tz=UTC)
        end = datetime.fromtimestamp(max(s.end for s in spans), tz=UTC)
        return {"start": start.isoformat(), "end": end.isoformat()}

    def to_json(self) -> dict[str, Any]:
        items = self.items
        return {
            "id": self.id,
            "languages": sorted({s.item.language or "?" for s in items}),
            "members": sorted({s.item.provider or "?" for s in items}),
            "window": self.window(),
            "items": [self._entry(stored) for stored in items],
        }

    def _entry(self, stored: StoredItem) -> dict[str, Any]:
        item = stored.item
        entry: dict[str, Any] = {
            "id": stored.id,
            "uri": item.uri,
            "version": item.version,
            "provider": item.provider,
            "language": item.language,
            "pubstatus": item.pubstatus,
            "headline": item.headline,
            "versioncreated": item.versioncreated.isoformat() if item.versioncreated else None,
        }
        if stored.id in self.copies:
            uri, similarity = self.copies[stored.id]
            entry.update(copy_of=uri, similarity=round(similarity, 3))
        return entry

    def timeline(self) -> dict[str, Any]:
        """Who published which readable version when: first appearance, copies and
        corrections (`stories.provenance.timeline`)."""
        records = []
        for stored in self.versions:
            item = stored.item
            copy = self.copies.get(stored.id)
            records.append(
                {
                    "uri": item.uri,
                    "version": item.version,
                    "member": item.provider,
                    "language": item.language,
                    "time": item.versioncreated or stored.ingested_at,
                    "copy_of": copy[0] if copy else None,
                    "similarity": copy[1] if copy else None,
                }
            )
        return timeline(records)


@dataclass(frozen=True)
class StoryFilter:
    """Which stories to list: those with a readable version that matches every field
    given (its language, its sender, a country it is about, its time, a cooperation
    event it reports: of this type, with this status)."""

    language: str | None = None
    member: str | None = None
    country: str | None = None  # ISO code, as the search facets hold it
    since: datetime | None = None
    until: datetime | None = None
    event_type: str | None = None  # cooperation taxonomy type, e.g. agreement_signed
    event_status: str | None = None  # e.g. planned, done

    def conditions(self) -> list[ColumnElement[bool]]:
        items, facets = schema.items, schema.search_facets
        found: list[ColumnElement[bool]] = []
        if self.language:
            found.append(items.c.language == self.language)
        if self.member:
            found.append(items.c.provider == self.member)
        if self.country:
            found.append(
                sa.exists().where(
                    facets.c.item_id == items.c.id,
                    facets.c.facet == "country",
                    facets.c.value == self.country.upper(),
                )
            )
        if self.since:
            found.append(items.c.versioncreated >= self.since)
        if self.until:
            found.append(items.c.versioncreated < self.until)
        if self.event_type or self.event_status:
            found.append(reporting(self.event_type, self.event_status))
        return found


def list_stories(
    store: Store,
    viewer: ViewerLike,
    *,
    limit: int = 50,
    before: int | None = None,
    after: int | None = None,
    only: StoryFilter | None = None,
    summaries: bool = False,
    now: datetime | None = None,
) -> list[StoryView]:
    """Stories with a version the viewer may read, newest story first, paged by id
    (`before`; `after` lists the stories newer than one already shown).

    Candidates are checked through the policy a batch at a time, newest first, until
    the page is full: the cost follows the page, not the archive. With `summaries` the
    versions carry only a list's fields (headline, language, sender, times), which
    spares decoding whole items (the newsroom's wire)."""
    now = now or store.clock()
    reading = store.reading(viewer, now)  # the agreements in force, once per page
    wanted = only.conditions() if only else []
    if wanted:
        numbers = _matching(store, reading, now, wanted, limit, before=before, after=after)
    else:
        numbers = _newest(store, reading, now, limit, before=before, after=after)
    return _views(store, reading, now, numbers, summaries=summaries)


CANDIDATES = 500  # stories (or matching versions) a page checks through the policy at a time


def _newest(
    store: Store,
    reading: Reading,
    now: datetime,
    limit: int,
    *,
    before: int | None,
    after: int | None,
) -> list[int]:
    """The newest stories with a version the viewer may read in full, checked through
    the policy a batch of the newest stories at a time: as one EXISTS over all of them,
    PostgreSQL ran the policy on every readable item first (a hash of 26,644 stories,
    390 ms at 100,000 items)."""
    stories, links, items = schema.stories, schema.story_items, schema.items
    member = readable(
        store, reading, now, [links.c.story_id == stories.c.id, items.c.id == links.c.item_id]
    )
    readable_stories = sa.select(stories.c.id).where(member.exists())
    readable_stories = readable_stories.order_by(stories.c.id.desc())
    candidates = sa.select(stories.c.id).order_by(stories.c.id.desc())
    if after is not None and after <= MAX_NUMBER:
        candidates = candidates.where(stories.c.id > after)
    found: list[int] = []
    ceiling = before if before is not None and before <= MAX_NUMBER else None
    with store.engine.connect() as conn:
        while len(found) < limit:
            page = candidates if ceiling is None else candidates.where(stories.c.id < ceiling)
            batch = list(conn.execute(page.limit(CANDIDATES)).scalars())
            if not batch:
                break
            checked = readable_stories.where(stories.c.id.in_(batch))
            found += conn.execute(checked.limit(limit - len(found))).scalars()
            ceiling = batch[-1]
    return found


def _matching(
    store: Store,
    reading: Reading,
    now: datetime,
    wanted: Sequence[ColumnElement[bool]],
    limit: int,
    *,
    before: int | None,
    after: int | None,
) -> list[int]:
    """A filtered page: the versions that match, found from the items side (language,
    sender and cooperation events are indexed; no policy is needed to rule one out),
    newest story first, then checked through the policy a batch at a time by their ids.

    The policy is asked about those versions by id, never "does this story have a
    readable matching version" per story: SQLite answered that by walking every version
    in the filtered language for each story, so the page grew with the square of the
    archive (468 ms median, 9 s p99, for `language=kk` at 3,000 items)."""
    links, items = schema.story_items, schema.items
    candidates = (
        sa.select(links.c.story_id, links.c.item_id)
        .join(items, items.c.id == links.c.item_id)
        .where(*wanted)
        .order_by(links.c.story_id.desc(), links.c.item_id)
    )
    if after is not None and after <= MAX_NUMBER:
        candidates = candidates.where(links.c.story_id > after)
    found: list[int] = []
    ceiling = before if before is not None and before <= MAX_NUMBER else None
    while len(found) < limit:
        page = candidates if ceiling is None else candidates.where(links.c.story_id < ceiling)
        with store.engine.connect() as conn:
            batch = list(conn.execute(page.limit(CANDIDATES)).tuples())
            if not batch:
                break
            last = batch[-1][0]
            if len(batch) == CANDIDATES:  # the last story may go on past the batch
                whole = [pair for pair in batch if pair[0] != last]
                batch = whole or list(
                    conn.execute(candidates.where(links.c.story_id == last)).tuples()
                )
        stories = _with_readable(store, reading, now, batch)
        found += stories[: limit - len(found)]
        ceiling = batch[-1][0]
    return found


def _with_readable(
    store: Store, reading: Reading, now: datetime, pairs: Sequence[tuple[int, int]]
) -> list[int]:
    """The stories, in the order given, of the (story, version) pairs whose version the
    viewer may read in full (the ids as values: the policy looks each one up)."""
    items = schema.items
    ids = [item_id for _story, item_id in pairs]
    query = readable(store, reading, now, [items.c.id.in_(ids)], [items.c.id])
    with store.engine.connect() as conn:
        seen = set(conn.execute(sa.select(query.subquery().c.id)).scalars())
    return list(dict.fromkeys(story for story, item_id in pairs if item_id in seen))


def get_story(
    store: Store, story_id: str, viewer: ViewerLike, now: datetime | None = None
) -> StoryView | None:
    """One story as the viewer may read it; None when it has no readable version."""
    number = parse_story_id(story_id)
    if number is None:
        return None
    found = _views(store, viewer, now or store.clock(), [number])
    return found[0] if found else None


def story_of(store: Store, item_id: int) -> str | None:
    """The story of a stored version (the caller has checked the viewer may read it)."""
    links = schema.story_items
    with store.engine.connect() as conn:
        found = conn.execute(sa.select(links.c.story_id).where(links.c.item_id == item_id)).scalar()
    return story_name(found) if found is not None else None


def reporting_with_stories(
    store: Store, viewer: ViewerLike, batch: int = 500, now: datetime | None = None
) -> Iterator[tuple[StoredItem, str | None]]:
    """Every current version the viewer may read in full that reports a cooperation
    event (`cooperation_events`), newest first, with its story. Only those are read
    whole: the map once decoded every readable item to find the few with events."""
    items = schema.items
    now = now or store.clock()  # one moment for the whole walk
    query = readable(store, viewer, now, [items.c.is_current, reporting()])
    query = query.order_by(items.c.id.desc())
    after: int | None = None
    while True:
        paged = query if after is None else query.where(items.c.id < after)
        page = store._fetch(paged.limit(batch))
        yield from _with_stories(store, page)
        if len(page) < batch:
            return
        after = page[-1].id


def readable_with_stories(
    store: Store, viewer: ViewerLike | Reading, ids: Sequence[int]
) -> list[tuple[StoredItem, str | None]]:
    """The versions of `ids` the viewer may read in full, whole, with their stories
    (the map's page of events reads only the versions that report them)."""
    if not ids:
        return []
    items = schema.items
    now = viewer.now if isinstance(viewer, Reading) else store.clock()
    page = store._fetch(readable(store, viewer, now, [items.c.id.in_(sorted(set(ids)))]))
    return list(_with_stories(store, page))


def _with_stories(
    store: Store, page: Sequence[StoredItem]
) -> Iterator[tuple[StoredItem, str | None]]:
    links = schema.story_items
    ids = [stored.id for stored in page]
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(links.c.item_id, links.c.story_id).where(links.c.item_id.in_(ids))
        )
        story = {row.item_id: story_name(row.story_id) for row in rows}
    for stored in page:
        yield stored, story.get(stored.id)


def readable(
    store: Store,
    viewer: ViewerLike | Reading,
    now: datetime,
    where: Sequence[ColumnElement[bool]],
    columns: Sequence[ColumnElement[Any]] | None = None,
) -> sa.Select[Any]:
    """Versions the viewer may read in full (`Store.visible_items`, the one policy)."""
    query = store.visible_items(viewer, now, current_only=False, where=where, columns=columns)
    return query.where(query.selected_columns.access == "full")


def _views(
    store: Store,
    viewer: ViewerLike | Reading,
    now: datetime,
    numbers: Sequence[int],
    *,
    summaries: bool = False,
) -> list[StoryView]:
    """The stories numbered, each with its readable versions and visible copy links."""
    if not numbers:
        return []
    items, links = schema.items, schema.story_items
    with store.engine.connect() as conn:
        # The member ids as values, not a subquery: with a subquery SQLite ran the
        # policy over the whole archive before the membership test (a page of a
        # member's stories took seconds at 7,500 items); with the ids it looks them up.
        members = list(
            conn.execute(sa.select(links.c.item_id).where(links.c.story_id.in_(numbers))).scalars()
        )
    wanted = [items.c.id.in_(members)]
    if summaries:
        columns = summary_columns()
        versions = store._fetch(readable(store, viewer, now, wanted, columns), summary_row)
    else:
        versions = store._fetch(readable(store, viewer, now, wanted))
    if not versions:
        return []
    with store.engine.connect() as conn:
        placed = {
            row.item_id: row
            for row in conn.execute(
                sa.select(links).where(links.c.item_id.in_([v.id for v in versions]))
            )
        }
        originals = _original_keys(conn, [row.copy_of for row in placed.values()])
    readable_keys = {item_key(v.item.provider, v.item.uri): v.item.uri for v in versions}
    views = {number: StoryView(story_name(number)) for number in numbers}
    for stored in sorted(versions, key=lambda v: placed[v.id].seq):
        link = placed[stored.id]
        view = views[link.story_id]
        view.versions.append(stored)
        original = originals.get(link.copy_of) if link.copy_of is not None else None
        if original in readable_keys and link.similarity is not None:
            view.copies[stored.id] = (readable_keys[original], float(link.similarity))
    return [views[n] for n in numbers if views[n].versions]


def _original_keys(conn: sa.Connection, ids: Sequence[int | None]) -> dict[int, str]:
    """Item keys of the originals copied; only ever matched against readable items."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    items = schema.items
    rows = conn.execute(
        sa.select(items.c.id, items.c.provider, items.c.uri).where(items.c.id.in_(wanted))
    )
    return {row.id: item_key(row.provider, row.uri) for row in rows}


def version_diff(
    store: Store, uri: str, old: int, new: int, *, provider: str | None, viewer: ViewerLike
) -> list[tuple[str, str]]:
    """A word-level diff between two versions of one publisher's item the viewer reads."""
    history = store.history(uri, viewer, provider=provider)
    versions = {v.item.version: v.item for v in history}
    if old not in versions or new not in versions:
        raise KeyError(f"{uri} has versions {sorted(versions)}")
    return [(op, text) for op, text in word_diff(versions[old].body_text, versions[new].body_text)]
