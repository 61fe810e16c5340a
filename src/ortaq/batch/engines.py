"""Where the pure chain runs for a batch: this machine's cores, or Ray.

An engine takes records and gives back, for each, what the chain made of it
(`Processed`). Only the chain runs here (parse, read, entities, the story features,
cooperation: pure, no store); the one writer (`ortaq.batch.run_batch`) stores the
results. Items travel in chunks of records, so pickling costs little against the work.

* `local`: `concurrent.futures.ProcessPoolExecutor` over the machine's cores (fork: the
  workers start with the parent's loaded models), a few chunks in flight per worker;
  results come back in input order. With one worker it runs in this process.
* `ray`: Ray Data over the records of a window, `map_batches` with a few large blocks
  per CPU (per-row `map` and small default blocks cost more than the work; see
  docs/batch.md). `RAY_ADDRESS` names a cluster; unset, Ray starts on this machine.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import pickle
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Any, Protocol, TypeVar

from ortaq.batch.inputs import Record
from ortaq.chain import Chain, Outcome, Stage, default_chain
from ortaq.config import DEFAULT_MAX_INPUT_BYTES, ItemLimits
from ortaq.entities import EntityLinker, member_organisations, stage_with
from ortaq.model import Item, Rejected
from ortaq.registry import Registry
from ortaq.store.prepared import Prepared


@dataclass(frozen=True)
class ChainSpec:
    """What a worker needs to build the door's chain: limits and the members' names
    (the store's `members` rows as JSON: hashable, so a worker builds its chain once)."""

    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES
    limits: ItemLimits = field(default_factory=ItemLimits)
    members_json: str = "[]"

    @classmethod
    def of(
        cls, max_input_bytes: int, limits: ItemLimits, members: list[dict[str, Any]]
    ) -> ChainSpec:
        return cls(max_input_bytes, limits, json.dumps(members, default=str, sort_keys=True))

    def build(self) -> Chain:
        """The default chain, its entities stage knowing the members. Each item gets a
        fresh linker (the pure stage): a linker shared across a run would make an
        item's person ids depend on which items one worker happened to read before."""
        chain = default_chain(self.max_input_bytes, self.limits)
        members = member_organisations(json.loads(self.members_json))
        if not members:
            return chain

        def entities(item: Item) -> Item:
            return stage_with(EntityLinker(), members)(item)

        stages = [Stage("entities", entities) if s.name == "entities" else s for s in chain.stages]
        return replace(chain, stages=stages)


@dataclass(frozen=True)
class Processed:
    """What the chain made of one record: items, skips and rejections, with the bytes."""

    record: Record
    outcomes: tuple[Outcome, ...]
    # what the writer needs of each item beyond its row (None for skips and
    # rejections): the search analysis, the story features and copy signature. Pure,
    # so it is worked out here, in parallel, and the one writer only decides and writes
    prepared: tuple[Prepared | None, ...] = ()

    def prepared_for(self, index: int) -> Prepared | None:
        return self.prepared[index] if index < len(self.prepared) else None


_CHAINS: dict[ChainSpec, Chain] = {}


T = TypeVar("T")


def chunked(values: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of `size` values (the last may be shorter)."""
    stream = iter(values)
    while chunk := list(islice(stream, size)):
        yield chunk


def chain_of(spec: ChainSpec) -> Chain:
    """This process's chain for the spec, built once (a worker keeps its models)."""
    if spec not in _CHAINS:
        _CHAINS.clear()
        _CHAINS[spec] = spec.build()
    return _CHAINS[spec]


def process_record(record: Record, chain: Chain) -> Processed:
    if isinstance(record.raw, Rejected):
        return Processed(record, (record.raw,))
    outcomes = tuple(chain.process_all(record.raw, record.hints))
    prepared = tuple(Prepared.of(o) if isinstance(o, Item) else None for o in outcomes)
    return Processed(record, outcomes, prepared)


def process_chunk(records: Sequence[Record], spec: ChainSpec) -> list[Processed]:
    chain = chain_of(spec)
    return [process_record(record, chain) for record in records]


class Engine(Protocol):
    name: str
    window: int  # records the runner hands over at a time (one sorted run)

    def start(self, spec: ChainSpec) -> None:
        """Load the models and start the workers now (before any thread of a progress
        bar: forking a process with threads running is unsafe)."""
        ...

    def process(self, records: Iterable[Record], spec: ChainSpec) -> Iterator[Processed]:
        """Every record processed; in input order for `local`, any order for `ray`."""
        ...

    def close(self) -> None: ...


class LocalEngine:
    """A process pool over this machine's cores (concurrent.futures)."""

    name = "local"

    def __init__(self, workers: int | None = None, chunk: int = 16, window: int = 2000) -> None:
        self.workers = workers or len(os.sched_getaffinity(0))
        self.chunk = chunk
        self.window = window
        self._pool: ProcessPoolExecutor | None = None

    def start(self, spec: ChainSpec) -> None:
        self._executor(spec)

    def _executor(self, spec: ChainSpec) -> ProcessPoolExecutor | None:
        chain_of(spec)  # loaded once here: forked workers start with the models
        if self._pool is None and self.workers > 1:
            methods = multiprocessing.get_all_start_methods()
            context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=context,
                initializer=exit_with_parent,
                initargs=(os.getpid(),),
            )
            # the workers are forked now, not when the first chunk arrives
            list(self._pool.map(_started, range(self.workers)))
        return self._pool

    def process(self, records: Iterable[Record], spec: ChainSpec) -> Iterator[Processed]:
        pool = self._executor(spec)
        if pool is None:  # one worker: this process
            chain = chain_of(spec)
            for record in records:
                yield process_record(record, chain)
            return
        in_flight: deque[Future[list[Processed]]] = deque()
        for chunk in chunked(records, self.chunk):
            in_flight.append(pool.submit(process_chunk, chunk, spec))
            if len(in_flight) >= 3 * self.workers:  # bounded: the source streams
                yield from in_flight.popleft().result()
        while in_flight:
            yield from in_flight.popleft().result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


def _started(number: int) -> int:
    return number


def exit_with_parent(parent: int) -> None:
    """A worker ends when the batch that forked it is gone (killed, even by SIGKILL):
    its siblings hold the task pipe open, so it would otherwise wait forever."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _ray_batch(batch: dict[str, Any], spec: ChainSpec) -> dict[str, Any]:
    """One Ray Data block: pickled records in, pickled `Processed` out."""
    import numpy as np

    records = [pickle.loads(blob) for blob in batch["record"]]
    done = [pickle.dumps(p, protocol=5) for p in process_chunk(records, spec)]
    out = np.empty(len(done), dtype=object)
    out[:] = done
    return {"processed": out}


class RayEngine:
    """Ray Data: a window of records as a dataset of a few large blocks per CPU."""

    name = "ray"

    def __init__(
        self, blocks_per_cpu: int = 1, window: int = 20000, reservation: bool = False
    ) -> None:
        self.blocks_per_cpu = blocks_per_cpu
        self.window = window
        # Ray Data's default reserves part of the CPUs per operator and releases the
        # rest only when it refreshes its limits (each second): of a window's few large
        # blocks, the second starts about a second late (measured: 2 blocks of 3 s took
        # 4.1 s, 3.1 s without). A window is one map over its blocks: nothing to reserve.
        self.reservation = reservation
        self._started = False

    def start(self, spec: ChainSpec) -> None:
        self._cpus()

    def _cpus(self) -> int:
        import ray

        if not ray.is_initialized():
            # RAY_ADDRESS (read by ray.init) joins a cluster; unset, a local one starts
            ray.init(include_dashboard=False, log_to_driver=True)
            self._started = True
        resources: dict[str, float] = ray.cluster_resources()  # type: ignore[no-untyped-call]
        return max(1, int(resources.get("CPU", 1)))

    def process(self, records: Iterable[Record], spec: ChainSpec) -> Iterator[Processed]:
        import ray.data

        rows = list(records)
        if not rows:
            return
        blocks = min(len(rows), self._cpus() * self.blocks_per_cpu)
        ray.data.DataContext.get_current().op_resource_reservation_enabled = self.reservation
        dataset = ray.data.from_items(
            [{"record": pickle.dumps(record, protocol=5)} for record in rows],
            override_num_blocks=blocks,
        ).map_batches(
            _ray_batch,  # type: ignore[arg-type]
            fn_kwargs={"spec": spec},
            batch_size=math.ceil(len(rows) / blocks),
            batch_format="numpy",
            zero_copy_batch=True,
        )
        for batch in dataset.iter_batches(batch_size=None, batch_format="numpy"):
            for blob in batch["processed"]:
                yield pickle.loads(blob)

    def close(self) -> None:
        if self._started:
            import ray

            ray.shutdown()
            self._started = False


def default_engines(workers: int | None = None) -> Registry[Engine]:
    """The engines by name; `workers` processes for the local one (default: every core).
    Ray is imported only when its engine runs."""
    return Registry("batch engine", [LocalEngine(workers), RayEngine()])
