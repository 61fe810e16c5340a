"""`ortaq batch`: the one chain over a whole source, on an engine, with one writer.

Two phases (docs/batch.md):

1. **Read, in parallel.** The source's records go to the engine (`local`: a process
   pool; `ray`: Ray Data) a window at a time. What comes back is kept in the batch's
   work directory as a *run*: the window's items sorted by publication time, pickled a
   group at a time, and a keys file (`.keys`) naming the records it covers (written last: a run
   without it does not count). Rejected inputs go to the quarantine as each run is
   kept; a failing item never stops the batch.
2. **Write, in order, from one process.** The runs are merged (`heapq.merge`) into one
   publication-time order and stored through `Store.save_many` (the same `_save` as
   `ortaq ingest`: versions, search index, story assignment), a group per transaction.
   A group that fails is stored item by item, and the failing item is quarantined.

A killed batch, started again with the same source, skips the records its runs cover
and stores the merged runs again: what was stored is unchanged content, a no-op, so
nothing is doubled and the end state is the one an uninterrupted run reaches. The work
directory is removed when the batch ends.

The order: an item's time is the one it gives (`versioncreated`, `firstcreated`, else the
read stage's publication date; `ortaq.evaluation.stories.item_time`); ties and undated
items (last) go by their input's position in the source, so any engine and any number of
workers store the same items in the same order.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import pickle
import shutil
from collections import Counter
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ortaq.batch.engines import ChainSpec, Engine, Processed, chunked
from ortaq.batch.inputs import Record
from ortaq.evaluation.stories import item_time
from ortaq.ingest import (
    IngestSummary,
    Outcome,
    Source,
    flag_reviewed_claims,
    keep_results,
    quarantine,
    read_source,
)
from ortaq.model import Hints, Item, Rejected, Skipped
from ortaq.store import SaveResult, Store
from ortaq.store.prepared import Prepared

WRITE_GROUP = 100  # items per transaction of the writer
INGEST_BLOCK = 32  # inputs `ortaq ingest` on the pool stores per transaction
PICKLE_GROUP = 16  # entries per pickle in a run file: the merge holds one group per run
UNDATED = float("inf")

SortKey = tuple[float, int, int]  # time (seconds), record seq, item index in the record
Entry = tuple[SortKey, Item, bytes, Prepared | None]


@dataclass
class BatchReport:
    counts: Counter[str] = field(default_factory=Counter)
    resumed_records: int = 0  # records a previous, interrupted run had already read
    stories: dict[str, int] | None = None  # the rebuild's report after a re-reading

    def as_dict(self) -> dict[str, Any]:
        kinds = ("new", "version", "unchanged", "refreshed", "status", "skipped", "quarantined")
        out: dict[str, Any] = {kind: self.counts.get(kind, 0) for kind in kinds}
        out["records"] = self.counts.get("records", 0)
        out["resumed_records"] = self.resumed_records
        if self.stories is not None:
            out["stories"] = self.stories
        return out


def job_directory(root: Path, *parts: str) -> Path:
    """The work directory of one batch: the same source and options, the same place."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
    return root / f"batch-{digest}"


def sort_key(item: Item, seq: int, index: int) -> SortKey:
    moment = item_time(item)
    return (moment.timestamp() if moment is not None else UNDATED, seq, index)


def run_batch(
    store: Store,
    engine: Engine,
    records: Callable[[Container[str]], Iterable[Record]],
    spec: ChainSpec,
    work_dir: Path,
    *,
    refresh: bool = False,
    on_read: Callable[[int], None] | None = None,
    on_written: Callable[[int], None] | None = None,
) -> BatchReport:
    """Read every record not read before (`records(done_keys)`), then write all runs."""
    report = BatchReport()
    work_dir.mkdir(parents=True, exist_ok=True)
    done = completed_keys(work_dir, report)
    report.resumed_records = len(done)
    for window in chunked(records(done), engine.window):
        processed = list(engine.process(window, spec))
        keep_run(store, work_dir, processed, report)
        if on_read is not None:
            on_read(len(window))
    write_runs(store, work_dir, report, refresh=refresh, on_written=on_written)
    if refresh and report.counts.get("refreshed"):
        report.stories = store.story_book.rebuild()  # derived data decide the stories
    shutil.rmtree(work_dir, ignore_errors=True)
    return report


# -- runs ---------------------------------------------------------------------------------


def _runs(work_dir: Path) -> list[Path]:
    """Complete runs (their keys file written), in the order they were kept."""
    return sorted(p.parent / f"{p.name.split('.')[0]}.pkl" for p in work_dir.glob("run-*.keys"))


def completed_keys(work_dir: Path, report: BatchReport) -> set[str]:
    keys: set[str] = set()
    for run in _runs(work_dir):
        kept = json.loads(run.with_suffix(".keys").read_text("utf-8"))
        keys.update(kept["keys"])
        report.counts.update(kept["counts"])
    return keys


def keep_run(store: Store, work_dir: Path, processed: list[Processed], report: BatchReport) -> None:
    """Quarantine the window's rejections; keep its items sorted, then its keys."""
    counts: Counter[str] = Counter(records=len(processed))
    entries: list[Entry] = []
    for done in processed:
        record, raw = done.record, done.record.raw
        for index, outcome in enumerate(done.outcomes):
            if isinstance(outcome, Item):
                assert isinstance(raw, bytes), "an item comes from bytes"
                key = sort_key(outcome, record.seq, index)
                entries.append((key, outcome, raw, done.prepared_for(index)))
            elif isinstance(outcome, Skipped):
                counts["skipped"] += 1
            else:
                store.quarantine_add(outcome, record.hints.provider)
                counts["quarantined"] += 1
    entries.sort(key=lambda entry: entry[0])
    number = len(list(work_dir.glob("run-*.pkl"))) + 1
    run = work_dir / f"run-{number:06d}.pkl"
    with run.open("wb") as out:
        for group in chunked(entries, PICKLE_GROUP):
            pickle.dump(group, out, protocol=pickle.HIGHEST_PROTOCOL)
    keys = {"keys": [done.record.key for done in processed], "counts": dict(counts)}
    partial = run.with_suffix(".keys.tmp")
    partial.write_text(json.dumps(keys), "utf-8")
    partial.rename(run.with_suffix(".keys"))  # the run counts from here on
    report.counts.update(counts)


def read_run(run: Path) -> Iterator[Entry]:
    with run.open("rb") as data:
        while True:
            try:
                group: list[Entry] = pickle.load(data)
            except EOFError:
                return
            yield from group


def write_runs(
    store: Store,
    work_dir: Path,
    report: BatchReport,
    *,
    refresh: bool,
    on_written: Callable[[int], None] | None = None,
) -> None:
    """Every kept item, in one publication-time order, through the store's one writer."""
    merged = heapq.merge(*(read_run(run) for run in _runs(work_dir)), key=lambda e: e[0])
    for group in chunked(merged, WRITE_GROUP):
        saving = [(item, raw, prepared) for _key, item, raw, prepared in group]
        try:
            stored = list(zip(saving, store.save_many(saving, refresh=refresh), strict=True))
        except Exception:  # one bad item must not cost its group: store them one by one
            stored = []
            for entry in saving:
                item, raw, _prepared = entry
                try:
                    stored.extend((entry, r) for r in store.save_many([entry], refresh=refresh))
                except Exception as error:
                    name = item.source_name or item.uri
                    reason = f"{name}: could not be stored: {type(error).__name__}: {error}"
                    store.quarantine_add(Rejected(name, reason, raw), item.provider)
                    report.counts["quarantined"] += 1
        for (item, _raw, _prepared), result in stored:
            if result.status in ("new", "version"):  # as the one-process door does
                flag_reviewed_claims(store, result.item_id, item)
        report.counts.update(result.status for _entry, result in stored)
        if on_written is not None:
            on_written(len(group))


# -- the ingest door on the local engine ------------------------------------------------


def ingest_in_parallel(
    store: Store,
    engine: Engine,
    spec: ChainSpec,
    sources: Iterable[Source],
    hints: Hints,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> IngestSummary:
    """`ingest_sources` with the chain on the engine: the inputs are read here, run on
    the workers, and stored here, one writer, in the order the sources come (as the
    one-process door stores them), a block of inputs per transaction."""
    summary = IngestSummary()

    def records() -> Iterator[Record]:
        for seq, source in enumerate(sources):
            own = replace(hints, source_name=source.name)
            yield Record(seq, source.name, read_source(source), own)

    for block in chunked(engine.process(records(), spec), INGEST_BLOCK):
        for outcome in keep_block(store, block, hints):
            summary.outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
    return summary


def keep_block(store: Store, block: list[Processed], hints: Hints) -> list[Outcome]:
    """A block of processed inputs kept: every item stored in one transaction, in input
    order (`Store.save_many`), then each input's outcomes as `keep_results` gives them.
    A block whose transaction fails is kept input by input, as the one-process door
    keeps them (so a failure is the one that door would meet)."""
    entries = [
        (outcome, done.record.raw, done.prepared_for(index))
        for done in block
        if isinstance(done.record.raw, bytes)
        for index, outcome in enumerate(done.outcomes)
        if isinstance(outcome, Item)
    ]
    stored: Iterator[SaveResult] | None
    try:
        stored = iter(store.save_many(entries))
    except Exception:
        stored = None  # kept input by input below
    outcomes: list[Outcome] = []
    for done in block:
        raw = done.record.raw
        if isinstance(raw, Rejected):
            outcomes.append(quarantine(store, raw, hints.provider))
            continue
        outcomes += keep_results(
            store,
            done.outcomes,
            raw,
            done.record.hints,
            done.prepared,
            stored,
        )
    return outcomes
