"""Bulk loading of a benchmark store: the rows the writer would make, many at a time.

`Store.save` reads, locks and clusters per version (story assignment alone is 50-100
ms an item), so a store of a million items takes days through it. A benchmark's
generator already knows what the writer would decide (which version is current, each
version's story and the copy it makes), so `bulk_load` writes those decisions
directly: the same tables and indexes the writer fills (items, events, media topics,
the search index with its facets and entity names, stories, the story log and its
head), a few thousand rows per statement (PostgreSQL: `COPY`). Reads of a
bulk-loaded store are those of a store written item by item
(tests/store/test_bulk.py compares them).

For benchmarks only: nothing of the platform calls it, it trusts its input (ids,
versions and stories given), and the clusterer's state is not snapshotted, so a
later `Store.save` replays the whole log once before it assigns.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ortaq.model import Item
from ortaq.store import fulltext, schema
from ortaq.store.cooperation import rows_of
from ortaq.store.policy import topic_codes
from ortaq.store.storybook import HEAD_ID

if TYPE_CHECKING:
    from ortaq.store.store import Store

CHUNK = 5000  # versions a transaction
Window = tuple[datetime | None, datetime | None]  # a story's first and last version time


@dataclass(frozen=True)
class BulkVersion:
    """One stored version as the writer would have stored it.

    `item_id` orders the versions (arrival order, as ids do); `supersedes` is the
    version of the same item this one replaces (it stops being current and leaves the
    search index, as in `Store._save`); `story` is its story's number, `copy_of` the
    earlier version (of another item) it copies, with its `similarity`."""

    item_id: int
    item: Item
    story: int
    supersedes: int | None = None
    copy_of: int | None = None
    similarity: float | None = None
    analysis: fulltext.Analysis | None = None  # `fulltext.analyse(item)`, if known


def bulk_load(store: Store, versions: Iterable[BulkVersion], chunk: int = CHUNK) -> int:
    """Write the versions, in id order, `chunk` per transaction; returns how many.
    The store must hold no items yet (the ids and the story log start here)."""
    seq = 0
    windows: dict[int, Window] = {}  # every story's, as far as written
    for part in _chunks(iter(versions), chunk):
        fresh = {v.story for v in part} - windows.keys()
        for version in part:
            windows[version.story] = _widened(windows.get(version.story), version.item)
        replaced = {v.supersedes for v in part if v.supersedes is not None}
        in_part = {v.item_id for v in part}
        with store.engine.begin() as conn:
            _write_stories(conn, {n: windows[n] for n in sorted(fresh)}, store.clock())
            _write_items(conn, part, replaced, store.clock())
            _supersede(conn, sorted(replaced - in_part))
            indexed = [v for v in part if v.item_id not in replaced]
            fulltext.index_items(
                conn, [(v.item_id, v.item) for v in indexed], [v.analysis for v in indexed]
            )
            _write_placements(conn, part, seq)
        seq += len(part)
    with store.engine.begin() as conn:
        _update_windows(conn, windows)
        _finish(conn, seq, max(windows, default=0) + 1, store.clock())
    return seq


def _chunks(versions: Iterator[BulkVersion], size: int) -> Iterator[list[BulkVersion]]:
    while part := list(islice(versions, size)):
        yield part


def _write_items(
    conn: Connection, part: Sequence[BulkVersion], replaced: set[int], now: datetime
) -> None:
    from ortaq.store.store import _item_row, _status_event

    rows, events, topics, cooperation, pairs = [], [], [], [], []
    for version in part:
        item = version.item
        row = _item_row(item, None, item.content_hash, now)
        rows.append({**row, "id": version.item_id, "is_current": version.item_id not in replaced})
        kind = "publish" if version.supersedes is None else "correct"
        if item.pubstatus != "usable":
            kind = _status_event(item.pubstatus)
        events.append(
            {"provider": item.provider, "uri": item.uri, "version": item.version,
             "kind": kind, "note": None, "at": now}
        )  # fmt: skip
        topics += [{"item_id": version.item_id, "code": c} for c in topic_codes(item.subjects)]
        found, their_pairs = rows_of(version.item_id, row["stage_data"], row["versioncreated"])
        cooperation += found
        pairs += their_pairs
    _insert(conn, schema.items, rows)
    _insert(conn, schema.item_events, events)
    _insert(conn, schema.item_topics, topics)
    _insert(conn, schema.cooperation_events, cooperation)
    _insert(conn, schema.cooperation_pairs, pairs)


def _supersede(conn: Connection, item_ids: Sequence[int]) -> None:
    """Versions of earlier chunks that a later one replaced: no longer current or indexed."""
    if item_ids:
        items = schema.items
        conn.execute(items.update().where(items.c.id.in_(item_ids)).values(is_current=False))
        fulltext.unindex_items(conn, item_ids)


def _write_placements(conn: Connection, part: Sequence[BulkVersion], seq: int) -> None:
    rows = [
        {"item_id": v.item_id, "story_id": v.story, "seq": seq + n + 1,
         "copy_of": v.copy_of, "similarity": v.similarity}
        for n, v in enumerate(part)
    ]  # fmt: skip
    _insert(conn, schema.story_items, rows)


def _widened(window: Window | None, item: Item) -> Window:
    moment = item.versioncreated
    if window is None:
        return moment, moment
    first, last = window
    if moment is None:
        return first, last
    return min(first or moment, moment), max(last or moment, moment)


def _write_stories(conn: Connection, windows: dict[int, Window], now: datetime) -> None:
    """The stories first told in this chunk (their members' foreign keys need them)."""
    rows = [
        {"id": number, "first_at": first, "last_at": last, "created_at": now, "updated_at": now}
        for number, (first, last) in windows.items()
    ]
    _insert(conn, schema.stories, rows)


def _update_windows(conn: Connection, windows: dict[int, Window]) -> None:
    """Each story's window over all its versions (a story may span chunks)."""
    stories = schema.stories
    stored = {
        row.id: (row.first_at, row.last_at)
        for row in conn.execute(sa.select(stories.c.id, stories.c.first_at, stories.c.last_at))
    }
    changed = [
        {"number": number, "first": first, "last": last}
        for number, (first, last) in windows.items()
        if stored.get(number) != (first, last)
    ]
    if changed:
        statement = (
            stories.update()
            .where(stories.c.id == sa.bindparam("number"))
            .values(first_at=sa.bindparam("first"), last_at=sa.bindparam("last"))
        )
        conn.execute(statement, changed)


def _finish(conn: Connection, seq: int, next_story: int, now: datetime) -> None:
    """The story log's head after the last entry (a new epoch: no replica has it), the
    id sequences past the ids given (PostgreSQL), and fresh planner statistics."""
    head = schema.story_index
    conn.execute(head.delete())
    conn.execute(
        head.insert().values(
            id=HEAD_ID, epoch=uuid.uuid4().hex, seq=seq, next_story=next_story, updated_at=now
        )
    )
    conn.execute(schema.story_index_snapshots.delete())
    if conn.dialect.name == "postgresql":
        for table in (schema.items, schema.item_events):
            conn.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table.name}))"
                )
            )
    conn.exec_driver_sql("ANALYZE")


def _insert(conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """Many rows into one table: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(table.insert(), list(rows))
        return
    columns = list(rows[0])
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    names = ", ".join(columns)
    with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
        processors = [_copy_value(table.c[name], conn.dialect) for name in columns]
        for row in rows:
            copy.write_row(
                [convert(row[name]) for name, convert in zip(columns, processors, strict=True)]
            )


def _copy_value(column: sa.Column[Any], dialect: Any) -> Any:
    """How COPY gets a column's Python value: JSON as text, times as the type stores them."""
    kind = column.type
    if isinstance(kind, sa.JSON):
        return lambda value: None if value is None else json.dumps(value, ensure_ascii=False)
    if isinstance(kind, schema.UTCDateTime):
        return lambda value: kind.process_bind_param(value, dialect)
    return lambda value: value


def versions_of(store: Store, batch: int = CHUNK) -> Iterator[BulkVersion]:
    """Every stored version with the decisions the writer made (its story, its copy
    link, the version it replaced), in id order: what `bulk_load` writes into another
    store (a copy of a benchmark store to another backend, or the comparison of a
    bulk-loaded store with one written item by item)."""
    from ortaq.store.store import row_item

    items, links = schema.items, schema.story_items
    latest: dict[tuple[str | None, str], int] = {}  # each item's newest version so far
    after = 0
    while True:
        query = (
            sa.select(items, links.c.story_id, links.c.copy_of, links.c.similarity)
            .join(links, links.c.item_id == items.c.id)
            .where(items.c.id > after)
            .order_by(items.c.id)
            .limit(batch)
        )
        with store.engine.connect() as conn:
            rows = list(conn.execute(query).mappings())
        for row in rows:
            key = (row["provider"], row["uri"])
            yield BulkVersion(
                row["id"], row_item(row), row["story_id"], latest.get(key),
                row["copy_of"], row["similarity"],
            )  # fmt: skip
            latest[key] = row["id"]
        if len(rows) < batch:
            return
        after = rows[-1]["id"]


@dataclass(frozen=True)
class Block:
    """What a bulk-loaded store holds, as `replicate` copies it: the highest item id,
    item event id, story id and story log entry."""

    items: int
    events: int
    stories: int
    seq: int


def replicate(store: Store, copies: int, period: timedelta | None = None) -> int:
    """Make a bulk-loaded store `copies` times as big, in SQL: copy `k` (1 to copies-1)
    of every version has the id plus k times the highest id, the uri with `~k`
    appended, its times (created, embargo, its story's window) `k * period` later, and
    its story, story log entry and copy link shifted the same way (`period`: by default
    the block's span of version times, in whole days). The stored block is
    first moved `(copies - 1) * period` earlier, so the last copy ends where it ended
    and ids still follow time. Returns the versions stored afterwards.

    For benchmarks only (a million versions in minutes instead of an hour's bulk
    load): the copies repeat the block's texts, stories and statuses once per period.
    Every table the writer fills gets its rows (items, events, media topics,
    cooperation events, the search index and facets, stories and the story log), and
    the story log's head and the id sequences end after the last copy, as after a
    bulk load of all of them."""
    with store.engine.begin() as conn:
        block = _block(conn)
        period = period or _span(conn)
        if copies > 1:
            _shift(conn, block, -(copies - 1) * period)
        fulltext.index_for(conn.dialect.name).suspend(conn)
    for k in range(1, copies):
        with store.engine.begin() as conn:
            _copy(conn, block, k, k * period)
    with store.engine.begin() as conn:
        fulltext.index_for(conn.dialect.name).resume(conn)
        _finish(conn, copies * block.seq, copies * block.stories + 1, store.clock())
    if store.engine.dialect.name == "postgresql":
        # the visibility map and statistics autovacuum would give a store this size
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    return _count(store)


def _count(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(schema.items)).scalar_one())


def _block(conn: Connection) -> Block:
    def highest(column: sa.Column[Any]) -> int:
        return int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(column), 0))).scalar_one())

    return Block(
        highest(schema.items.c.id),
        highest(schema.item_events.c.id),
        highest(schema.stories.c.id),
        highest(schema.story_items.c.seq),
    )


def _span(conn: Connection) -> timedelta:
    created = schema.items.c.versioncreated
    first, last = conn.execute(sa.select(sa.func.min(created), sa.func.max(created))).one()
    if first is None or last is None:
        return timedelta(days=1)
    return timedelta(days=(last - first).days + 1)


def _later(conn: Connection, column: sa.ColumnElement[Any], by: timedelta) -> Any:
    """The column's time moved `by` (whole seconds), in the store's own format."""
    seconds = int(by.total_seconds())
    if conn.dialect.name == "postgresql":
        return column + sa.literal(timedelta(seconds=seconds), sa.Interval)
    # SQLite keeps 'YYYY-MM-DD HH:MM:SS.ffffff': datetime() drops the fraction
    return sa.func.datetime(column, f"{seconds:+d} seconds").op("||")(sa.func.substr(column, 20))


def _shift(conn: Connection, block: Block, by: timedelta) -> None:
    items, stories = schema.items, schema.stories
    conn.execute(
        items.update()
        .where(items.c.id <= block.items)
        .values({name: _later(conn, items.c[name], by) for name in TIMES})
    )
    conn.execute(
        stories.update()
        .where(stories.c.id <= block.stories)
        .values({name: _later(conn, stories.c[name], by) for name in ("first_at", "last_at")})
    )


TIMES = ("firstcreated", "versioncreated", "embargoed")


def _copy(conn: Connection, block: Block, k: int, by: timedelta) -> None:
    """Copy `k` of the block (see `replicate`), table by table, in SQL."""
    items, events, stories, links = (
        schema.items, schema.item_events, schema.stories, schema.story_items
    )  # fmt: skip
    shift, suffix = k * block.items, f"~{k}"

    def moved(column: sa.Column[Any]) -> Any:
        if column.name == "id":
            return column + shift
        if column.name == "uri":
            return column.op("||")(sa.literal(suffix))
        if column.name in TIMES:
            return _later(conn, column, by)
        return column

    def copied(table: sa.Table, *where: Any, **values: Any) -> None:
        names = [c.name for c in table.c if c.name not in values or values[c.name] is not None]
        picked = [values.get(c.name, c) for c in table.c if c.name in names]
        order = list(table.primary_key)  # new serial ids (events) in the block's order
        query = sa.select(*picked).where(*where).order_by(*order)
        conn.execute(table.insert().from_select(names, query))

    conn.execute(
        stories.insert().from_select(
            [c.name for c in stories.c],
            sa.select(
                stories.c.id + k * block.stories,
                _later(conn, stories.c.first_at, by),
                _later(conn, stories.c.last_at, by),
                stories.c.created_at,
                stories.c.updated_at,
            ).where(stories.c.id <= block.stories),
        )
    )
    conn.execute(
        items.insert().from_select(
            [c.name for c in items.c],
            sa.select(*(moved(c) for c in items.c)).where(items.c.id <= block.items),
        )
    )
    copied(events, events.c.id <= block.events, id=None, uri=moved(events.c.uri))
    # (an event's date is the block's: a copy's events keep the dates of the original's)
    for table in (schema.item_topics, schema.cooperation_events, schema.cooperation_pairs):
        copied(table, table.c.item_id <= block.items, item_id=table.c.item_id + shift)
    copied(
        links,
        links.c.item_id <= block.items,
        item_id=links.c.item_id + shift,
        story_id=links.c.story_id + k * block.stories,
        seq=links.c.seq + k * block.seq,
        copy_of=links.c.copy_of + shift,
    )
    fulltext.copy_index(conn, block.items, shift)
