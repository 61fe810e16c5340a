"""The ingest door's logic, shared by the CLI, the API and the feed poller.

Bytes go through the one chain; items go to the store; rejected input goes to
quarantine with its reason. One bad input never stops a batch.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ortaq.chain import Chain
from ortaq.model import Hints, Item, Rejected, Skipped
from ortaq.store import SaveResult, Store

OutcomeKind = Literal["new", "version", "unchanged", "status", "skipped", "quarantined"]


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
    """One input to ingest: a name for messages and uris, and how to get its bytes."""

    name: str
    read: Callable[[], bytes]


def ingest_bytes(store: Store, chain: Chain, raw: bytes, hints: Hints) -> list[Outcome]:
    """Run one input through the chain and keep every result: stored, skipped or quarantined."""
    outcomes: list[Outcome] = []
    for result in chain.process_all(raw, hints):
        if isinstance(result, Item):
            saved = store.save(result)
            outcomes.append(Outcome(saved.status, hints.source_name, result, saved))
        elif isinstance(result, Skipped):
            outcomes.append(Outcome("skipped", result.source_name, reason=result.reason))
        else:
            outcomes.append(quarantine(store, result, hints.provider))
    return outcomes


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
        try:
            raw = source.read()
        except OSError as error:
            reason = f"{source.name}: cannot read: {error.strerror or error}"
            outcomes = [quarantine(store, Rejected(source.name, reason, b""), hints.provider)]
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
    hints = Hints(source_name=record.source_name, provider=record.provider)
    outcomes = ingest_bytes(store, chain, raw, hints)
    if all(o.kind != "quarantined" for o in outcomes):
        store.quarantine_mark(record_id, resolved=True)
    return outcomes


def sources_from_paths(paths: Iterable[str]) -> Iterator[Source]:
    """Files, folders (walked in name order, hidden files left out) and '-' for stdin."""
    for path_text in paths:
        if path_text == "-":
            data = sys.stdin.buffer.read()
            yield Source("<stdin>", functools.partial(bytes, data))
            continue
        path = Path(path_text)
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file()):
                relative = file.relative_to(path)
                if any(part.startswith(".") for part in relative.parts):
                    continue
                yield Source(relative.as_posix(), file.read_bytes)
        else:
            yield Source(path.name, path.read_bytes)
