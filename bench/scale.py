"""Benchmark: `ortaq batch` on this machine's cores, then read latency at the store's size.

`--items` realistic inputs (`ortaq.benchdata`: real text from ../shared, stories across
languages, near-duplicates, corrections, 50 members) are read by the chain

* in one process (`LocalEngine(workers=1)`: the baseline),
* on the local engine (a process pool over `--workers`, default every core),
* on Ray Data (`--engine ray` runs; skipped when Ray is not installed or with
  `--no-ray`); Ray starts once first (its start and the workers' model loading are
  reported apart, as `ray_start_s` and `ray_warmup_s`),

each printing one JSON line with the reading items/s and the ratio to one process. The
local run then goes on to write (the one ordered writer: `Store.save_many`, story
assignment) into a fresh SQLite store; its line gives the writer's items/s (from the last
window read to the end) and the whole batch's. That store has the 50 members and 200
agreements (`benchdata.add_exchange`), and one line per backend gives p50/p99 of the
item list (a member's first pages and some following `next_cursor`, policy applied),
search (the 20 queries of bench/api.py as that member) and the story list and one
story (as that member), over `--rounds` rounds after a warm-up; PostgreSQL (a
throw-away server, tests/postgres.py) gets the same rows copied (bench/search.py's
`copy_to`) unless `--no-postgresql`.

`--generated N --store URL` skips the batch and measures reads at any size: a store at
URL (a SQLite file or a PostgreSQL database) that holds no items gets N generated
versions, the 50 members and 200 agreements through `Store.bulk_load` (the writer's
rows, the stories and copies the generator decided; minutes instead of days), and is
kept for later runs; a store that has items is measured as it is. It prints the build
(`scale.bulk_load`), the reads (`scale.reads`: item list, search, stories, and with
`--cooperation` the cooperation map's groupings, the events API's first page (500
events) and the graph), and, with `--explain`, the plans of the three slowest
statements those reads ran (`scale.explain`: EXPLAIN ANALYZE on PostgreSQL, EXPLAIN
QUERY PLAN on SQLite).
`--replicate K` first makes the store K times as big in SQL (`ortaq.store.bulk.replicate`:
the versions copied with shifted ids, uris, times and stories; once, on the run that asks),
printing `scale.replicate`: how a million-version store is built from a 100,000 one.

`bench/scale.py --items 1000000` is the million-item run through the batch. It is long:
measured earlier (2 cores shared with other jobs, load 9-15) the chain read 6.5 items/s in
one process and the writer stored 7-10 items/s, so a million items are days on such a machine; on a
cluster the reading scales with the workers and the one writer is the bound
(docs/batch.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/postgres.py

from tests.postgres import postgres_server

from api import SEARCHES, VIEWER
from ortaq.batch import run_batch
from ortaq.batch.engines import ChainSpec, Engine, LocalEngine, chain_of
from ortaq.batch.inputs import JsonlInput, Record
from ortaq.benchdata import add_exchange, write_jsonl
from ortaq.model import Hints
from ortaq.store import Store
from ortaq.store.bulk import replicate
from ortaq.store.stories import get_story, list_stories
from search import copy_to

PAGE = 50


def emit(line: dict[str, Any]) -> None:
    print(json.dumps(line, ensure_ascii=False), flush=True)


def records_of(dump: Path, store: Store | None = None) -> Callable[[Any], Iterator[Record]]:
    def records(done: Any) -> Iterator[Record]:
        return JsonlInput().records(str(dump), Hints(), store, 1 << 24, done)  # type: ignore[arg-type]

    return records


def time_reading(engine: Engine, dump: Path, spec: ChainSpec) -> tuple[float, int]:
    """Seconds the engine takes to read every record, and the items it made."""
    started = time.perf_counter()
    items = sum(len(p.outcomes) for p in engine.process(records_of(dump)(()), spec))
    return time.perf_counter() - started, items


def reading_line(name: str, seconds: float, items: int, base: float | None) -> dict[str, Any]:
    line: dict[str, Any] = {
        "bench": "scale.batch",
        "engine": name,
        "items": items,
        "read_s": round(seconds, 2),
        "read_items_per_s": round(items / seconds, 1),
    }
    if base is not None:
        line["ratio_to_one_process"] = round(base / seconds, 2)
    return line


def ray_engine(cpus: int, temp: Path) -> tuple[Engine, float] | None:
    try:
        import ray
    except ImportError:
        return None
    from ortaq.batch.engines import RayEngine

    started = time.perf_counter()
    if not os.environ.get("RAY_ADDRESS"):
        ray.init(num_cpus=cpus, _temp_dir=str(temp), include_dashboard=False, log_to_driver=False)
    else:
        ray.init(log_to_driver=False)
    return RayEngine(), time.perf_counter() - started


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p99 = statistics.quantiles(ordered, n=100, method="inclusive")[98] if len(ordered) > 1 else 0
    return {"p50_ms": round(statistics.median(ordered), 2), "p99_ms": round(p99, 2)}


def measure_reads(url: str, rounds: int) -> dict[str, Any]:
    """p50/p99 of the item list, search and stories as one member, policy applied."""
    store = Store.open(url, migrate=False)
    lists: list[float] = []
    searches: list[float] = []
    stories: list[float] = []
    try:
        for round_number in range(rounds + 1):  # round 0 warms the caches
            page_times: list[float] = []
            after: int | None = None
            for _page in range(5):
                started = time.perf_counter()
                page = store.list_summaries(limit=PAGE, after_id=after, viewer=VIEWER)
                page_times.append(1000 * (time.perf_counter() - started))
                if len(page) < PAGE:
                    break
                after = page[-1].id
            search_times: list[float] = []
            for text, filters in SEARCHES:
                started = time.perf_counter()
                store.search(text, viewer=VIEWER, limit=20, **filters)  # type: ignore[arg-type]
                search_times.append(1000 * (time.perf_counter() - started))
            story_times: list[float] = []
            started = time.perf_counter()
            found = list_stories(store, VIEWER, limit=PAGE)
            story_times.append(1000 * (time.perf_counter() - started))
            for view in found[:10]:
                started = time.perf_counter()
                get_story(store, view.id, VIEWER)
                story_times.append(1000 * (time.perf_counter() - started))
            if round_number > 0:
                lists += page_times
                searches += search_times
                stories += story_times
    finally:
        store.close()
    return {
        "item_list": percentiles(lists),
        "search": percentiles(searches),
        "stories": percentiles(stories),
    }


class StatementLog:
    """Every statement an engine runs, with its parameters and duration (`--explain`)."""

    def __init__(self, engine: Any) -> None:
        self.runs: list[tuple[float, str, Any]] = []
        sa.event.listen(engine, "before_cursor_execute", self.before)
        sa.event.listen(engine, "after_cursor_execute", self.after)

    def before(self, conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        conn.info.setdefault("ortaq_started", []).append(time.perf_counter())

    def after(self, conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        started = conn.info["ortaq_started"].pop()
        self.runs.append((1000 * (time.perf_counter() - started), statement, params))

    def slowest(self, count: int) -> list[tuple[float, str, Any]]:
        """The slowest run of each of the `count` slowest distinct statements."""
        found: dict[str, tuple[float, str, Any]] = {}
        for run in sorted(self.runs, key=lambda r: -r[0]):
            if run[1].lstrip().upper().startswith(("SELECT", "WITH")):
                found.setdefault(run[1], run)
            if len(found) == count:
                break
        return list(found.values())


def explain(url: str, log: StatementLog, count: int = 3) -> Iterator[dict[str, Any]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            for ms, statement, params in log.slowest(count):
                cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
                if engine.dialect.name == "postgresql":
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
                    plan = [row[0] for row in cursor.fetchall()]
                else:
                    cursor.execute("EXPLAIN QUERY PLAN " + statement, params)
                    plan = [" " * 2 * row[1] + str(row[3]) for row in cursor.fetchall()]
                cursor.close()
                yield {"ms": round(ms, 2), "statement": " ".join(statement.split())[:2000],
                       "plan": plan}  # fmt: skip
    finally:
        engine.dispose()


def time_cooperation(url: str, rounds: int = 3) -> dict[str, Any]:
    """The cooperation reads as the member, median of `rounds` after a warm-up: the map's
    groupings (`map_view`: count, arcs, organisation links, a page of the table), the
    first page of `GET /api/v1/cooperation/events` (the newest-first walk) and the
    default graph."""
    from ortaq.store.cooperation import EventQuery, map_view, newest_events, pair_graph
    from ortaq.store.policy import Reading

    store = Store.open(url, migrate=False)
    reads: dict[str, Callable[[Reading], object]] = {
        "map": lambda reading: map_view(store, reading, EventQuery(), per_page=101),
        "events_page": lambda reading: newest_events(store, reading, EventQuery(), 500),
        "graph": lambda reading: pair_graph(store, reading, EventQuery(), 500),
    }
    found: dict[str, Any] = {}
    try:
        for name, read in reads.items():
            times = []
            for _ in range(rounds + 1):
                started = time.perf_counter()
                read(store.reading(VIEWER))
                times.append(1000 * (time.perf_counter() - started))
            found[name] = {"median_ms": round(statistics.median(times[1:]), 1)}
        found["events"] = map_view(store, store.reading(VIEWER), EventQuery(), per_page=1).total
        return found
    finally:
        store.close()


def generated_store(args: argparse.Namespace) -> None:
    """`--generated N --store URL`: build (when empty) and measure a bulk-loaded store."""
    from ortaq.benchdata import bulk_versions

    common = {
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "backend": sa.engine.make_url(args.store).get_backend_name(),
    }
    store = Store.open(args.store)
    try:
        if store.count_items(current_only=False) == 0:
            load = round(os.getloadavg()[0], 2)
            started = time.perf_counter()
            add_exchange(store, args.seed)
            written = store.bulk_load(bulk_versions(args.generated, args.seed))
            seconds = time.perf_counter() - started
            emit({**common, "bench": "scale.bulk_load", "versions": written,
                  "seconds": round(seconds, 1), "versions_per_s": round(written / seconds, 1),
                  "loadavg_1m_before": load})  # fmt: skip
        if args.replicate > 1:
            load = round(os.getloadavg()[0], 2)
            started = time.perf_counter()
            written = replicate(store, args.replicate)
            seconds = time.perf_counter() - started
            emit({**common, "bench": "scale.replicate", "copies": args.replicate,
                  "versions": written, "seconds": round(seconds, 1),
                  "loadavg_1m_before": load})  # fmt: skip
        versions = store.count_items(current_only=False)
        items = store.count_items()
    finally:
        store.close()
    load = round(os.getloadavg()[0], 2)
    log = StatementLog(sa.engine.Engine)  # every engine's statements, the store's included
    reads = measure_reads(args.store, args.rounds)
    cooperation = time_cooperation(args.store) if args.cooperation else None
    emit({**common, "bench": "scale.reads", "versions": versions, "items": items,
          **reads, "cooperation": cooperation, "loadavg_1m_before": load,
          "loadavg_1m_after": round(os.getloadavg()[0], 2)})  # fmt: skip
    if args.explain:
        for plan in explain(args.store, log):
            emit({**common, "bench": "scale.explain", "versions": versions, **plan})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-ray", action="store_true", help="the local engine only")
    parser.add_argument("--no-postgresql", action="store_true", help="SQLite only")
    parser.add_argument("--no-baseline", action="store_true", help="skip the one-process run")
    parser.add_argument(
        "--reading-only", action="store_true", help="time the engines' reading, no store"
    )
    parser.add_argument(
        "--ray-compare",
        action="store_true",
        help="also time Ray with Ray Data's resource reservation (the engine before)",
    )
    parser.add_argument("--generated", type=int, help="bulk-load this many versions")
    parser.add_argument("--store", help="the store to build (if empty) and measure")
    parser.add_argument(
        "--replicate",
        type=int,
        default=1,
        help="copy the store's versions this many times in SQL first (ortaq.store.bulk.replicate)",
    )
    parser.add_argument("--explain", action="store_true", help="plans of the 3 slowest")
    parser.add_argument(
        "--cooperation",
        action="store_true",
        help="also time the cooperation reads (map, events, graph)",
    )
    args = parser.parse_args()
    if args.store:
        generated_store(args)
        return

    root = Path(tempfile.mkdtemp(prefix="ortaq-scale-", dir="/tmp"))
    try:
        dump = root / "items.jsonl"
        write_jsonl(dump, args.items, args.seed)
        spec = ChainSpec()
        chain_of(spec)  # the models, loaded once before any clock starts
        common = {
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "rows": args.items,
            "loadavg_1m_before": round(os.getloadavg()[0], 2),  # other jobs on the machine
        }

        base = None
        if not args.no_baseline:
            base, items = time_reading(LocalEngine(workers=1), dump, spec)
            emit({**common, **reading_line("one-process", base, items, base)})

        local = LocalEngine(workers=args.workers)
        seconds, items = time_reading(local, dump, spec)  # the pool, forked and warm
        local.close()
        emit({**common, **reading_line("local", seconds, items, base), "workers": args.workers})

        if not args.no_ray:
            on_ray = ray_engine(args.workers, root / "ray")
            if on_ray is None:
                emit({**common, "bench": "scale.batch", "engine": "ray", "skipped": "no ray"})
            else:
                ray, ray_start = on_ray
                warm = time.perf_counter()
                list(ray.process(list(records_of(dump)(()))[: 2 * args.workers], spec))
                warmup = time.perf_counter() - warm
                from ortaq.batch.engines import RayEngine

                engines = [("ray", ray)]
                if args.ray_compare:  # Ray Data's own resource reservation, as before,
                    # in turn with the engine as it is (twice each: the load changes)
                    engines = [("ray-reserving", RayEngine(reservation=True)), ("ray", ray)] * 2
                for name, engine in engines:
                    ray_seconds, ray_items = time_reading(engine, dump, spec)
                    line = reading_line(name, ray_seconds, ray_items, base)
                    line.update(
                        ray_start_s=round(ray_start, 2),
                        ray_warmup_s=round(warmup, 2),
                        ratio_to_local=round(seconds / ray_seconds, 2),
                        loadavg_1m=round(os.getloadavg()[0], 2),
                    )
                    emit({**common, **line})
                import ray as ray_module

                ray_module.shutdown()
                if args.ray_compare:  # the pool again: the load changed meanwhile
                    local = LocalEngine(workers=args.workers)
                    again, items = time_reading(local, dump, spec)
                    local.close()
                    emit({**common, **reading_line("local", again, items, base),
                          "workers": args.workers, "again": True,
                          "loadavg_1m": round(os.getloadavg()[0], 2)})  # fmt: skip
        if args.reading_only:
            return

        url = f"sqlite:///{root / 'ortaq.db'}"
        store = Store.open(url)
        add_exchange(store, args.seed)
        store.close()
        store = Store.open(url)
        begun = time.perf_counter()
        marks = {"read": begun}

        def read_some(_count: int) -> None:
            marks["read"] = time.perf_counter()  # the last window read: writing starts

        writer = LocalEngine(workers=args.workers)
        records = records_of(dump, store)
        report = run_batch(store, writer, records, spec, root / "work", on_read=read_some)
        writer.close()
        total = time.perf_counter() - begun
        write_s = max(time.perf_counter() - marks["read"], 1e-9)
        store.close()
        counts = report.as_dict()
        stored = counts["new"] + counts["version"]
        emit(
            {
                **common,
                "bench": "scale.batch_into_store",
                "engine": "local",
                "workers": args.workers,
                "counts": counts,
                "total_s": round(total, 1),
                "items_per_s": round(stored / total, 1),
                "write_s": round(write_s, 1),
                "writer_items_per_s": round(stored / write_s, 1),
            }
        )
        emit({**common, "bench": "scale.reads", "backend": "sqlite", "versions": stored,
              **measure_reads(url, args.rounds)})  # fmt: skip
        if not args.no_postgresql:
            with postgres_server() as server:
                import sqlalchemy as sa

                admin = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
                with admin.connect() as conn:
                    conn.execute(sa.text("CREATE DATABASE ortaq_scale"))
                admin.dispose()
                copy_s = copy_to(url, f"{server}/ortaq_scale")
                emit({**common, "bench": "scale.reads", "backend": "postgresql",
                      "versions": stored, "copy_s": copy_s,
                      **measure_reads(f"{server}/ortaq_scale", args.rounds)})  # fmt: skip
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
