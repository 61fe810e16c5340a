"""Story assignment at ingest: the clusterer's state, its log, and rebuilds.

Every new stored version joins a story inside the transaction that stores it
(`Store._save` calls `StoryBook.assign`), so an item is never stored without its story
and an assignment never outlives a rolled-back item. The pure clusterer
(`stories.clustering.StoryIndex`) decides from the version as stored, in arrival order;
this module keeps what it decides:

* `stories` and `story_items`: stable ids ("story-N" from a counter that only grows),
  each version's story, the copy link found among the story's earlier members
  (`stories.duplicates.copy_among`), and the order of assignment (`seq`);
* `story_index`: one row, the head of that log (`epoch`, `seq`, `next_story`). Every
  assignment locks it first, by writing it: one writer at a time across processes.
  PostgreSQL holds the row lock until the item's transaction ends; SQLite lets one
  transaction write at a time, so a transaction that has written reads the latest;
* `story_index_snapshots`: the clusterer's state (`StoryIndex.to_state`) as of some log
  entry, written when the log has grown by an eighth since the last one.

Each process keeps the clusterer in memory (a replica) with the log position it has
reached. Under the lock it catches up first: a replica from another epoch, or one whose
last entry is not in the log (its transaction rolled back), is reloaded from the
snapshot; entries written by other processes are replayed with their recorded story
(`StoryIndex.add(..., into=...)`), so every process continues from the same state, and
a restarted server continues where it stopped.

`rebuild` clusters the whole archive again (after a model change) and keeps each id
whose membership is essentially the same (`stories.continuity.carry_ids`); the slow part
runs without the lock, and only what arrived meanwhile is added under it.
"""

from __future__ import annotations

import json
import uuid
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.elements import ColumnElement

from ortaq.model import Item, contract_fields
from ortaq.store import schema
from ortaq.stories.clustering import Story, StoryIndex
from ortaq.stories.continuity import carry_ids
from ortaq.stories.duplicates import TextSignature, copy_among, copy_among_signatures
from ortaq.stories.features import Features, item_features
from ortaq.stories.occasion import item_span

HEAD_ID = 1
SNAPSHOT_MIN = 500  # log entries before the first periodic snapshot
SNAPSHOT_SHARE = 8  # then a snapshot each time the log grows by an eighth
COPY_CANDIDATES = 50  # a story's latest members (same language) a version is compared with
BATCH = 500
SIGNATURES = 4096  # copy signatures of recent versions the writer keeps in memory

# What the clusterer reads of a version: named columns, so the 0010 backfill reads the
# table as it is then, whatever columns later migrations add.
_VERSION_COLUMNS = (
    "id", "uri", "provider", "language", "headline", "summary", "body", "people",
    "organisations", "places", "located", "firstcreated", "versioncreated", "derived",
    "stage_data",  # the read stage's dates (the stage contract): keys without a new scan
)  # fmt: skip


SignatureKey = tuple[int, str, str | None]  # version id, content hash, language


def story_name(number: int) -> str:
    return f"story-{number}"


def story_number(story_id: str) -> int:
    return int(story_id.removeprefix("story-"))


def item_key(provider: str | None, uri: str) -> str:
    """One publisher's item: two members may use the same uri for different items."""
    return f"{provider or ''}\x1f{uri}"


@dataclass(frozen=True)
class Version:
    """A stored version as the clusterer reads it."""

    id: int
    item: Item

    @property
    def key(self) -> str:
        return item_key(self.item.provider, self.item.uri)


@dataclass(frozen=True)
class StoryInput:
    """What assignment needs of a version beyond its row, worked out from the item
    alone: its clustering features and its copy signature. Pure, so a batch engine
    works it out next to the chain and the one writer only decides and writes."""

    features: Features
    signature: TextSignature

    @classmethod
    def of(cls, item: Item) -> StoryInput:
        return cls(item_features(item), TextSignature.of(item.body_text, item.language))


@dataclass(frozen=True)
class Placement:
    """Where one version went: its story, and the earlier version it copies."""

    item_id: int
    story: int
    copy_of: int | None = None
    similarity: float | None = None


@dataclass(frozen=True)
class Head:
    epoch: str
    seq: int
    next_story: int


@dataclass
class Replica:
    """This process's copy of the clusterer, as of log entry `seq` of `epoch`."""

    epoch: str
    seq: int
    last_item: int | None  # the version at `seq`, checked against the log
    snapshot_seq: int
    index: StoryIndex


@dataclass
class Plan:
    """A re-clustering under way: placements in order, and each story's members."""

    placements: list[Placement] = field(default_factory=list)
    members: dict[int, list[tuple[int, str, str | None]]] = field(default_factory=dict)
    placed: set[int] = field(default_factory=set)
    last_id: int = 0


class StoryBook:
    """Assigns stored versions to stories and keeps the clusterer's state in the store."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        self.engine = engine
        self.clock = clock
        self.snapshot_min = SNAPSHOT_MIN
        # the clusterer's settings (its defaults are the model; a rebuild applies a change)
        self.settings: dict[str, Any] = {}
        self.replica: Replica | None = None
        # copy signatures by (version id, content hash, language): a version's text
        # never changes, and the hash tells a rolled-back id given again to other text
        self.signatures: OrderedDict[SignatureKey, TextSignature] = OrderedDict()
        # the transaction that holds the log's lock and has brought the replica up to it
        self._holder: sa.RootTransaction | None = None

    # -- assignment at ingest ---------------------------------------------------------

    def assign(
        self,
        conn: Connection,
        item_id: int,
        item: Item | None = None,
        prepared: StoryInput | None = None,
    ) -> Placement:
        """Place a version just stored on `conn` (inside its transaction). `item` is the
        version as stored (else it is read back), `prepared` its `StoryInput` when the
        engine worked it out."""
        replica = self._locked(conn)
        if item is None:
            version = read_versions(conn, schema.items.c.id == item_id)[0]
        else:
            version = Version(item_id, item)
        ready = prepared or StoryInput.of(version.item)
        number = decide(replica.index, version, features=ready.features)
        earlier = self._earlier_members(conn, number, version)
        placement = self._with_copy(conn, version, number, earlier, ready.signature)
        seq = replica.seq + 1
        write_stories(conn, replica.index, [number], self.clock())
        write_placements(conn, [placement], seq)
        advance_head(conn, seq, replica.index.next_story, self.clock())
        replica.seq, replica.last_item = seq, item_id
        if seq - replica.snapshot_seq >= max(self.snapshot_min, seq // SNAPSHOT_SHARE):
            write_snapshot(conn, replica, self.clock())
        return placement

    def _locked(self, conn: Connection) -> Replica:
        """The replica, caught up, with the log's lock held by `conn`'s transaction.

        A transaction that has placed a version holds the lock from then on (no other
        writer can move the log), so a batch's further versions in it go on without
        taking the lock and checking the log again; a new or rolled-back transaction
        takes and checks it as usual."""
        transaction = conn.get_transaction()
        held = self._holder
        if held is not None and held is transaction and held.is_active and self.replica is not None:
            return self.replica
        replica = self._caught_up(conn, lock_head(conn, self.clock()))
        self._holder = transaction
        return replica

    def _with_copy(
        self,
        conn: Connection,
        version: Version,
        number: int,
        earlier: Sequence[tuple[int, str]],
        signature: TextSignature,
    ) -> Placement:
        """The placement, with the earlier member this version copies (if any): the
        members' signatures from memory, worked out again only for those not there."""
        language = version.item.language
        self._remember(version.id, version.item.content_hash, language, signature)
        if not earlier:
            return Placement(version.id, number)
        known = {i: self.signatures.get((i, digest, language)) for i, digest in earlier}
        missing = [i for i, found in known.items() if found is None]
        if missing:
            for other in read_versions(conn, schema.items.c.id.in_(missing)):
                item = other.item
                made = TextSignature.of(item.body_text, item.language)
                known[other.id] = self._remember(other.id, item.content_hash, language, made)
        candidates = [(str(i), sig) for i, _digest in earlier if (sig := known.get(i)) is not None]
        found = copy_among_signatures(str(version.id), signature, candidates)
        if found is None:
            return Placement(version.id, number)
        return Placement(version.id, number, int(found.original_id), round(found.similarity, 6))

    def _remember(
        self, item_id: int, digest: str, language: str | None, signature: TextSignature
    ) -> TextSignature:
        key = (item_id, digest, language)
        self.signatures[key] = signature
        self.signatures.move_to_end(key)
        if len(self.signatures) > SIGNATURES:
            self.signatures.popitem(last=False)
        return signature

    def _earlier_members(
        self, conn: Connection, number: int, version: Version
    ) -> list[tuple[int, str]]:
        """The story's latest members in the version's language, other items only:
        (id, content hash), oldest first."""
        items, links = schema.items, schema.story_items
        language = version.item.language
        same_language = (
            items.c.language.is_(None) if language is None else items.c.language == language
        )
        other_item = sa.or_(
            items.c.uri != version.item.uri,
            sa.not_(_same_provider(items.c.provider, version.item.provider)),
        )
        query = (
            sa.select(items.c.id, items.c.content_hash)
            .select_from(links.join(items, items.c.id == links.c.item_id))
            .where(links.c.story_id == number, same_language, other_item)
            .order_by(links.c.seq.desc())
            .limit(COPY_CANDIDATES)
        )
        return [(row.id, row.content_hash) for row in reversed(conn.execute(query).all())]

    def _caught_up(self, conn: Connection, head: Head) -> Replica:
        replica = self.replica
        stale = (
            replica is None
            or replica.epoch != head.epoch
            or replica.seq > head.seq
            or log_item(conn, replica.seq) != replica.last_item
        )
        if stale or replica is None:
            replica = load_replica(conn, head.epoch, self.settings)
        if replica.seq < head.seq:
            replay(conn, replica, head.seq)
        self.replica = replica
        return replica

    def catch_up(self) -> Replica:
        """Bring this process's clusterer up to the stored log (a restart, a warm-up)."""
        with self.engine.begin() as conn:
            return self._caught_up(conn, lock_head(conn, self.clock()))

    # -- rebuild ------------------------------------------------------------------------

    def rebuild(self) -> dict[str, int]:
        """Cluster every stored version again, in arrival order, keeping ids.

        The archive is read without the lock (ingest goes on meanwhile); under the lock
        the versions that arrived since are added, the ids carried over, and the rows
        and the clusterer's state replaced in one transaction."""
        index, plan = StoryIndex(**self.settings), Plan()
        with self.engine.connect() as conn:
            started = read_head(conn)
            cluster(conn, index, plan, sa.true())
        with self.engine.begin() as conn:
            head = lock_head(conn, self.clock())
            since = started.seq if started is not None and started.epoch == head.epoch else 0
            logged = sa.select(schema.story_items.c.item_id).where(schema.story_items.c.seq > since)
            late = sa.or_(schema.items.c.id > plan.last_id, schema.items.c.id.in_(logged))
            cluster(conn, index, plan, late)
            report, self.replica = install(conn, index, plan, head, self.clock())
        return report


# -- the head of the log: the lock ------------------------------------------------------


def read_head(conn: Connection) -> Head | None:
    table = schema.story_index
    query = sa.select(table.c.epoch, table.c.seq, table.c.next_story).where(table.c.id == HEAD_ID)
    row = conn.execute(query).first()
    return Head(row.epoch, row.seq, row.next_story) if row is not None else None


def lock_head(conn: Connection, now: datetime) -> Head:
    """The head of the log, locked until `conn`'s transaction ends (made if missing).

    Written first, then read: the write takes PostgreSQL's row lock (later writers wait
    for this transaction to end, then read what it wrote) and SQLite's one write lock
    (a transaction that has only read so far cannot miss a writer's commit)."""
    table = schema.story_index
    touched = conn.execute(
        table.update().where(table.c.id == HEAD_ID).values(updated_at=now)
    ).rowcount
    if touched == 0:
        epoch = uuid.uuid4().hex
        conn.execute(
            table.insert().values(id=HEAD_ID, epoch=epoch, seq=0, next_story=1, updated_at=now)
        )
    head = read_head(conn)
    assert head is not None, "the story log head was just written"
    return head


def advance_head(
    conn: Connection, seq: int, next_story: int, now: datetime, epoch: str | None = None
) -> None:
    values: dict[str, Any] = {"seq": seq, "next_story": next_story, "updated_at": now}
    if epoch is not None:
        values["epoch"] = epoch
    table = schema.story_index
    conn.execute(table.update().where(table.c.id == HEAD_ID).values(**values))


def log_item(conn: Connection, seq: int) -> int | None:
    """The version recorded at log entry `seq` (None for 0 or a missing entry)."""
    links = schema.story_items
    found = conn.execute(sa.select(links.c.item_id).where(links.c.seq == seq)).scalar()
    return int(found) if found is not None else None


# -- the replica: snapshot and replay ---------------------------------------------------


def load_replica(conn: Connection, epoch: str, settings: dict[str, Any]) -> Replica:
    """The latest snapshot of `epoch`, or an empty clusterer at the start of its log."""
    snapshots = schema.story_index_snapshots
    row = conn.execute(
        sa.select(snapshots.c.seq, snapshots.c.state)
        .where(snapshots.c.epoch == epoch)
        .order_by(snapshots.c.seq.desc())
        .limit(1)
    ).first()
    if row is None:
        return Replica(epoch, 0, None, 0, StoryIndex(**settings))
    index = StoryIndex.from_state(json.loads(zlib.decompress(bytes(row.state))), **settings)
    return Replica(epoch, row.seq, log_item(conn, row.seq), row.seq, index)


def replay(conn: Connection, replica: Replica, upto: int) -> None:
    """Apply log entries after the replica's position, with the stories they record."""
    links = schema.story_items
    while replica.seq < upto:
        entries = conn.execute(
            sa.select(links.c.seq, links.c.item_id, links.c.story_id)
            .where(links.c.seq > replica.seq, links.c.seq <= upto)
            .order_by(links.c.seq)
            .limit(BATCH)
        ).all()
        if not entries:
            raise RuntimeError(f"story log ends before entry {upto} (at {replica.seq})")
        ids = [entry.item_id for entry in entries]
        versions = {v.id: v for v in read_versions(conn, schema.items.c.id.in_(ids))}
        for entry in entries:
            decide(replica.index, versions[entry.item_id], into=entry.story_id)
            replica.seq, replica.last_item = entry.seq, entry.item_id


def write_snapshot(conn: Connection, replica: Replica, now: datetime) -> None:
    """Keep the clusterer's state as of the replica's position (only the latest)."""
    state = json.dumps(replica.index.to_state(), separators=(",", ":"), ensure_ascii=False)
    snapshots = schema.story_index_snapshots
    conn.execute(snapshots.delete())
    conn.execute(
        snapshots.insert().values(
            epoch=replica.epoch,
            seq=replica.seq,
            state=zlib.compress(state.encode("utf-8"), 6),
            created_at=now,
        )
    )
    replica.snapshot_seq = replica.seq


# -- placing versions -------------------------------------------------------------------


def decide(
    index: StoryIndex, version: Version, into: int | None = None, features: Features | None = None
) -> int:
    """The story of one version; a later version of an item stays with its story.
    `features`: the version's `item_features`, when worked out already."""
    item = version.item
    story_id = story_name(into) if into is not None else None
    keys = features if features is not None else item_features(item)
    decision = index.add(version.key, keys, item_span(item), into=story_id)
    return story_number(decision.story_id)


def with_copy(conn: Connection, version: Version, number: int, earlier: Sequence[int]) -> Placement:
    """The placement, with the earlier member this version copies (if any)."""
    if not earlier:
        return Placement(version.id, number)
    texts = {v.id: v.item for v in read_versions(conn, schema.items.c.id.in_(earlier))}
    candidates = [(str(i), texts[i].body_text, texts[i].language) for i in earlier if i in texts]
    item = version.item
    found = copy_among(str(version.id), item.body_text, item.language, candidates)
    if found is None:
        return Placement(version.id, number)
    return Placement(version.id, number, int(found.original_id), round(found.similarity, 6))


def cluster(
    conn: Connection, index: StoryIndex, plan: Plan, condition: ColumnElement[bool]
) -> None:
    """Add the versions matching `condition` that are not placed yet, in arrival order."""
    for version in iter_versions(conn, condition):
        if version.id in plan.placed:
            continue
        number = decide(index, version)
        members = plan.members.setdefault(number, [])
        language = version.item.language
        earlier = [i for i, key, lang in members if key != version.key and lang == language]
        plan.placements.append(with_copy(conn, version, number, earlier[-COPY_CANDIDATES:]))
        members.append((version.id, version.key, language))
        plan.placed.add(version.id)
        plan.last_id = max(plan.last_id, version.id)


def install(
    conn: Connection, index: StoryIndex, plan: Plan, head: Head, now: datetime
) -> tuple[dict[str, int], Replica]:
    """Replace the stored stories with the plan's, carrying ids over; a new epoch."""
    links, stories = schema.story_items, schema.stories
    old: dict[int, set[int]] = {}
    for row in conn.execute(sa.select(links.c.story_id, links.c.item_id)):
        old.setdefault(row.story_id, set()).add(row.item_id)
    made = conn.execute(sa.select(stories.c.id, stories.c.created_at))
    created = {row.id: row.created_at for row in made}
    new: dict[int, set[int]] = {}
    for placement in plan.placements:
        new.setdefault(placement.story, set()).add(placement.item_id)
    final, next_free = carry_ids(old, new, head.next_story)
    index.renamed({story_name(p): story_name(n) for p, n in final.items()}, next_free)
    placements = [
        Placement(p.item_id, final[p.story], p.copy_of, p.similarity) for p in plan.placements
    ]
    conn.execute(links.delete())
    conn.execute(stories.delete())
    numbers = sorted(set(final.values()))
    write_stories(conn, index, numbers, now, created)
    write_placements(conn, placements, 1)
    epoch, seq = uuid.uuid4().hex, len(placements)
    advance_head(conn, seq, index.next_story, now, epoch)
    last = placements[-1].item_id if placements else None
    replica = Replica(epoch, seq, last, seq, index)
    write_snapshot(conn, replica, now)
    kept = sum(1 for n in numbers if n in old)
    report = {
        "versions": seq,
        "stories": len(numbers),
        "kept": kept,
        "new": len(numbers) - kept,
        "gone": len(old) - kept,
    }
    return report, replica


def backfill(conn: Connection, now: datetime) -> dict[str, int]:
    """Stories for an archive stored before they were kept (migration 0010)."""
    head = lock_head(conn, now)
    index, plan = StoryIndex(), Plan()
    cluster(conn, index, plan, sa.true())
    report, _replica = install(conn, index, plan, head, now)
    return report


# -- rows -------------------------------------------------------------------------------


def write_stories(
    conn: Connection,
    index: StoryIndex,
    numbers: Sequence[int],
    now: datetime,
    created: dict[int, datetime] | None = None,
) -> None:
    """Insert or update the story rows: the window from the clusterer's dated members."""
    stories = schema.stories
    existing = set(conn.execute(sa.select(stories.c.id).where(stories.c.id.in_(numbers))).scalars())
    fresh = []
    for number in numbers:
        window = _window(index.stories[story_name(number)])
        if number in existing:
            conn.execute(
                stories.update().where(stories.c.id == number).values(**window, updated_at=now)
            )
        else:
            made = (created or {}).get(number, now)
            fresh.append({"id": number, **window, "created_at": made, "updated_at": now})
    if fresh:
        conn.execute(stories.insert(), fresh)


def _window(story: Story) -> dict[str, datetime | None]:
    def moment(seconds: float | None) -> datetime | None:
        return None if seconds is None else datetime.fromtimestamp(seconds, UTC)

    return {"first_at": moment(story.first), "last_at": moment(story.last)}


def write_placements(conn: Connection, placements: Sequence[Placement], first_seq: int) -> None:
    rows = [
        {
            "item_id": p.item_id,
            "story_id": p.story,
            "seq": first_seq + n,
            "copy_of": p.copy_of,
            "similarity": p.similarity,
        }
        for n, p in enumerate(placements)
    ]
    for start in range(0, len(rows), BATCH):
        conn.execute(schema.story_items.insert(), rows[start : start + BATCH])


def iter_versions(conn: Connection, condition: ColumnElement[bool]) -> Iterator[Version]:
    """Versions matching `condition`, in arrival (id) order, a page at a time."""
    after = 0
    while True:
        page = read_versions(conn, sa.and_(condition, schema.items.c.id > after), BATCH)
        yield from page
        if len(page) < BATCH:
            return
        after = page[-1].id


def read_versions(
    conn: Connection, condition: ColumnElement[bool], limit: int | None = None
) -> list[Version]:
    items = schema.items
    columns = [items.c[name] for name in _VERSION_COLUMNS]
    query = sa.select(*columns).where(condition).order_by(items.c.id)
    if limit is not None:
        query = query.limit(limit)
    return [Version(row["id"], _item(row)) for row in conn.execute(query).mappings()]


def _item(row: Any) -> Item:
    stage_data = row["stage_data"] or {}
    dates = {"dates": stage_data["dates"]} if "dates" in stage_data else {}  # only these
    derived, _, typed = contract_fields(row["derived"] or {}, dates)
    return Item(
        uri=row["uri"],
        provider=row["provider"],
        language=row["language"],
        headline=row["headline"],
        summary=row["summary"],
        body=list(row["body"] or []),
        people=list(row["people"] or []),
        organisations=list(row["organisations"] or []),
        places=list(row["places"] or []),
        located=row["located"],
        firstcreated=row["firstcreated"],
        versioncreated=row["versioncreated"],
        derived=derived,
        dates=typed.get("dates"),
    )


def _same_provider(column: Any, provider: str | None) -> ColumnElement[bool]:
    return column.is_(None) if provider is None else column == provider  # type: ignore[no-any-return]
