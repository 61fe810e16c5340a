"""The ingest door's logic, shared by the CLI, the API and the feed poller.

Bytes go through the one chain; items go to the store; rejected input goes to
quarantine with its reason. One bad input never stops a batch.
"""

from __future__ import annotations

import hashlib
import logging
import sys
from collections.abc import AsyncIterable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Literal

from ortaq.chain import Chain
from ortaq.model import Hints, Item, Rejected, Skipped
from ortaq.store import SaveResult, Store
from ortaq.store.prepared import Prepared
from ortaq.verification import flag_arrival

CHUNK_BYTES = 1 << 20
log = logging.getLogger(__name__)

OutcomeKind = Literal[
    "new", "version", "unchanged", "status", "refreshed", "skipped", "quarantined"
]


@dataclass(frozen=True)
class Outcome:
    kind: OutcomeKind
    source_name: str
    item: Item | None = None
    saved: SaveResult | None = None
    reason: str | None = None
    quarantine_id: int | None = None


@dataclass
class IngestSummary:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, kind: OutcomeKind) -> int:
        return sum(1 for o in self.outcomes if o.kind == kind)

    @property
    def quarantined(self) -> int:
        return self.count("quarantined")

    def as_dict(self) -> dict[str, int]:
        kinds: tuple[OutcomeKind, ...] = (
            "new",
            "version",
            "unchanged",
            "status",
            "skipped",
            "quarantined",
        )
        return {kind: self.count(kind) for kind in kinds}


@dataclass(frozen=True)
class Source:
    """One input to ingest: a name for messages and uris, and how to get its bytes.

    `read` raises TooLarge for input over the size limit (without reading it whole) and
    OSError when it cannot be read.
    """

    name: str
    read: Callable[[], bytes]


class TooLarge(Exception):
    """An input over the size limit, refused before it was read whole."""

    def __init__(self, limit: int, size: int, sha256: str | None, *, whole: bool) -> None:
        super().__init__(f"over the {limit}-byte input limit")
        self.limit = limit
        self.size = size  # the whole input's size when known, else the bytes read
        self.sha256 = sha256  # of the whole input when `whole`, else of what was read
        self.whole = whole

    def rejected(self, source_name: str) -> Rejected:
        """The quarantine entry: size and hash, no bytes."""
        if self.whole:
            detail = f"{self.size} bytes is over the {self.limit}-byte input limit; not read"
        else:
            detail = f"over the {self.limit}-byte input limit (stopped after {self.size} bytes)"
        return Rejected(
            source_name,
            f"{source_name}: {detail}",
            unread_size=self.size,
            unread_sha256=self.sha256,
        )


class BoundedBuffer:
    """Takes chunks up to `limit` bytes; keeps at most limit+1, which means too large."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.data = bytearray()

    def take(self, chunk: bytes) -> bool:
        """Add a chunk; False once the input is over the limit (stop reading then)."""
        self.data += chunk[: self.limit + 1 - len(self.data)]
        return len(self.data) <= self.limit

    def result(self) -> bytes:
        if len(self.data) > self.limit:
            digest = hashlib.sha256(self.data).hexdigest()
            raise TooLarge(self.limit, len(self.data), digest, whole=False)
        return bytes(self.data)


def read_bounded(stream: BinaryIO, limit: int) -> bytes:
    """At most `limit` bytes of a stream; TooLarge after reading limit+1 bytes."""
    buffer = BoundedBuffer(limit)
    while chunk := stream.read(min(CHUNK_BYTES, limit + 1 - len(buffer.data))):
        if not buffer.take(chunk):
            break
    return buffer.result()


async def read_bounded_async(chunks: AsyncIterable[bytes], limit: int) -> bytes:
    """The same for an async stream of chunks (an HTTP request body)."""
    buffer = BoundedBuffer(limit)
    async for chunk in chunks:
        if not buffer.take(chunk):
            break
    return buffer.result()


def read_file(path: Path, limit: int) -> bytes:
    """A file's bytes, its size checked first: a file over the limit is only hashed."""
    size = path.stat().st_size
    if size > limit:
        raise TooLarge(limit, size, file_sha256(path), whole=True)
    with path.open("rb") as handle:  # bounded still: the file may grow after stat
        return read_bounded(handle, limit)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def read_source(source: Source) -> bytes | Rejected:
    """The source's bytes, or why it cannot be read (too large, or an OS error)."""
    try:
        return source.read()
    except TooLarge as error:
        return error.rejected(source.name)
    except OSError as error:
        return Rejected(source.name, f"{source.name}: cannot read: {error.strerror or error}")


def ingest_bytes(store: Store, chain: Chain, raw: bytes, hints: Hints) -> list[Outcome]:
    """Run one input through the chain and keep every result: stored, skipped or quarantined."""
    return keep_results(store, chain.process_all(raw, hints), raw, hints)


def keep_results(
    store: Store,
    results: Sequence[Item | Skipped | Rejected],
    raw: bytes,
    hints: Hints,
    prepared: Sequence[Prepared | None] = (),
    stored: Iterator[SaveResult] | None = None,
) -> list[Outcome]:
    """What the chain made of one input, kept: items stored, rejections quarantined.
    `prepared`: each result's `Prepared` (search analysis, story input), when the
    engine worked it out; `stored`: the items' results when the caller has stored them
    already (a block of inputs in one transaction), one per item, in order."""
    outcomes: list[Outcome] = []
    for index, result in enumerate(results):
        if isinstance(result, Item):
            ready = prepared[index] if index < len(prepared) else None
            # the bytes stay here; the item names them
            saved = next(stored) if stored is not None else store.save(result, raw, ready)
            if saved.status in ("new", "version"):
                flag_reviewed_claims(store, saved.item_id, result)
            outcomes.append(Outcome(saved.status, hints.source_name, result, saved))
        elif isinstance(result, Skipped):
            outcomes.append(Outcome("skipped", result.source_name, reason=result.reason))
        else:
            outcomes.append(quarantine(store, result, hints.provider))
    if all(o.kind != "quarantined" for o in outcomes):
        # An input once refused as too large and now read whole (with a raised limit).
        store.quarantine_resolve_unread(hashlib.sha256(raw).hexdigest())
    return outcomes


def flag_reviewed_claims(store: Store, item_id: int, item: Item) -> None:
    """A new version that repeats a reviewed claim is flagged, and its readers told
    (`ortaq.verification.flag_arrival`). The item is stored either way: a failure here
    is logged, never a reason to lose it or stop the batch."""
    try:
        flag_arrival(store, item_id, item)
    except Exception:
        log.exception("flagging reviewed claims in item %s failed", item_id)


def quarantine(store: Store, rejected: Rejected, provider: str | None) -> Outcome:
    record_id = store.quarantine_add(rejected, provider)
    return Outcome(
        "quarantined", rejected.source_name, reason=rejected.reason, quarantine_id=record_id
    )


def ingest_sources(
    store: Store,
    chain: Chain,
    sources: Iterable[Source],
    hints: Hints,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> IngestSummary:
    """Ingest many inputs; a source that cannot even be read is quarantined too."""
    summary = IngestSummary()
    for source in sources:
        source_hints = Hints(**{**hints.__dict__, "source_name": source.name})
        raw = read_source(source)
        if isinstance(raw, Rejected):
            outcomes = [quarantine(store, raw, hints.provider)]
        else:
            outcomes = ingest_bytes(store, chain, raw, source_hints)
        for outcome in outcomes:
            summary.outcomes.append(outcome)
            if on_outcome:
                on_outcome(outcome)
    return summary


def retry_quarantined(store: Store, chain: Chain, record_id: int) -> list[Outcome]:
    """Run quarantined bytes through the chain again (after a fix or a raised limit).

    A rejection that happens again updates the same record (same bytes, same name).
    """
    found = store.quarantine_get(record_id)
    if found is None:
        raise KeyError(f"no quarantine record {record_id}")
    record, raw = found
    if not record.bytes_kept:
        raise NotRetryable(
            f"quarantine record {record_id} kept no bytes (refused as too large): ingest "
            "it again from its source with a raised ORTAQ_MAX_INPUT_BYTES"
        )
    hints = Hints(source_name=record.source_name, provider=record.provider)
    outcomes = ingest_bytes(store, chain, raw, hints)
    if all(o.kind != "quarantined" for o in outcomes):
        store.quarantine_mark(record_id, resolved=True)
    return outcomes


class NotRetryable(Exception):
    """A quarantine record that cannot be run again from what it kept."""


def sources_from_paths(paths: Iterable[str], limit: int) -> Iterator[Source]:
    """Files, folders (walked in name order, hidden files left out) and '-' for stdin.

    Nothing is read yet; each source reads at most `limit` bytes when asked.
    """
    for path_text in paths:
        if path_text == "-":
            yield Source("<stdin>", lambda: read_bounded(sys.stdin.buffer, limit))
            continue
        path = Path(path_text)
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                relative = file.relative_to(path)
                if any(part.startswith(".") for part in relative.parts):
                    continue
                yield Source(relative.as_posix(), _file_reader(file, limit))
        else:
            yield Source(path.name, _file_reader(path, limit))


def _file_reader(path: Path, limit: int) -> Callable[[], bytes]:
    return lambda: read_file(path, limit)
