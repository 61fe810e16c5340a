"""Benchmark: p50/p99 of 20 realistic full-text searches on 100,000 items, policy applied,
on SQLite (FTS5) and on a throw-away PostgreSQL (tsvector + GIN).

The store is built with bench/api.py's machinery: pseudo-articles cut from real text in
../shared (TTC-3600 Turkish, MasakhaNEWS French, KazNERD Kazakh, ANERcorp Arabic, X-WMT
Azerbaijani, English and Russian), 50 members, 200 agreements, embargoes, kills and
corrections, each item with the countries it is about (for the country facet). Items go
through the store's own write path (`Store._save`, which indexes them in the same
transaction), in batches of 500 per transaction. PostgreSQL (started like
tests/postgres.py starts it) gets the same rows copied and indexed with
`Store.reindex`, the command an operator runs after an upgrade.

The 20 queries are names across scripts (Erdoğan / Эрдоган / أردوغان, Türkiye in
capitals, Almaty / Алматы, a hamza-less Arabic spelling), common words, quoted phrases,
and language, member and country filters. Each runs `--rounds` times as a member whose
agreements the policy checks (facets counted over every match, first page of 20), after
one warm-up round. One JSON line: p50/p99 per backend, the matches of each query, the
index build time.

`--generated` builds the store instead from `ortaq.benchdata` through the whole chain
and `ortaq batch`'s one writer (`benchdata.bulk_load`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

# bench/api.py is a sibling script (bench/ is on the path when run as one); the repo
# root gives tests/postgres.py, which starts the throw-away server.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.postgres import postgres_server

from api import (
    COUNTRIES,
    LANGUAGES,
    MEDIATOPIC,
    SEARCHES,
    TOPICS,
    VIEWER,
    add_agreements,
    add_members,
    sentence_pool,
)
from ortaq.model import Derived, Item, PubStatus
from ortaq.store import Store, schema

BATCH = 500
PAGE = 20
QUERIES = SEARCHES  # the queries bench/api.py sends to /api/v1/search


def add_items(
    store: Store, rng: random.Random, pool: dict[str, list[tuple[str, str | None]]],
    spoken: dict[str, list[str]], count: int, now: datetime,
) -> int:  # fmt: skip
    """As bench/api.py adds them, with countries, saved in batches of one transaction."""
    providers = list(spoken)
    weights = [1.0 / (rank + 1) ** 0.6 for rank in range(len(providers))]
    plain = {lang: [text for text, _ in found] for lang, found in pool.items()}
    versions = 0
    batch: list[Item] = []
    for n in range(count):
        provider = rng.choices(providers, weights)[0]
        lang = rng.choice(spoken[provider])
        texts = plain[lang]
        chosen = [texts[rng.randrange(len(texts))] for _ in range(rng.randint(4, 8))]
        created = now - timedelta(seconds=rng.uniform(0, 30 * 86400))
        roll = rng.random()
        pubstatus: PubStatus = (
            "canceled" if roll < 0.01 else "withheld" if roll < 0.015 else "usable"
        )
        embargoed = created + timedelta(hours=rng.uniform(2, 72)) if rng.random() < 0.05 else None
        item = Item(
            uri=f"urn:ortaq-bench:{provider}:{n}",
            headline=chosen[0][:140],
            summary=chosen[1][:300] if rng.random() < 0.5 else None,
            body=chosen[1:],
            language=lang,
            type="photo" if rng.random() < 0.05 else "text",
            pubstatus=pubstatus,
            firstcreated=created,
            versioncreated=created,
            embargoed=embargoed,
            subjects=[{"code": rng.choice(list(TOPICS)), "scheme": MEDIATOPIC}],
            provider=provider,
            source_name=f"bench-{n}",
            source_format="plaintext",
            derived={"countries": Derived(rng.sample(COUNTRIES, rng.randint(0, 2)), "bench", 1)},
        )
        batch.append(item)
        if rng.random() < 0.02:  # a correction: the old version leaves the index
            fixed = Item(**{**item.__dict__, "body": [*item.body, rng.choice(texts)]})
            batch.append(fixed)
        if len(batch) >= BATCH or n == count - 1:
            with store.engine.begin() as conn:
                for one in batch:
                    store._save(conn, one)  # the store's write path, many per transaction
            versions += len(batch)
            batch = []
    return versions


def build_sqlite(url: str, count: int, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    pool = sentence_pool()
    languages = [lang for lang in LANGUAGES if lang in pool]
    now = datetime.now(UTC)
    store = Store.open(url)
    started = time.perf_counter()
    try:
        spoken = add_members(store, rng, languages)
        add_agreements(store, rng, languages, now)
        versions = add_items(store, rng, pool, spoken, count, now)
    finally:
        store.close()
    return {"versions": versions, "build_s": round(time.perf_counter() - started, 1)}


def build_generated(url: str, count: int, seed: int) -> dict[str, Any]:
    """`--generated`: `ortaq.benchdata`'s inputs through the chain and the batch's one
    writer (`benchdata.bulk_load`), with its members and agreements."""
    from ortaq.benchdata import add_exchange, bulk_load

    store = Store.open(url)
    started = time.perf_counter()
    try:
        add_exchange(store, seed)
        counts = bulk_load(store, count, seed)
    finally:
        store.close()
    versions = counts["new"] + counts["version"]
    return {"versions": versions, "build_s": round(time.perf_counter() - started, 1)}


def copy_to(source_url: str, target_url: str) -> float:
    """Every row of the schema's tables, then the index rebuilt on the target."""
    source, target = Store.open(source_url), Store.open(target_url)
    started = time.perf_counter()
    try:
        with source.engine.connect() as read, target.engine.begin() as write:
            for table in reversed(schema.metadata.sorted_tables):
                write.execute(table.delete())  # rows the migrations seed (the story index)
            for table in schema.metadata.sorted_tables:
                if table.name in ("search_names", "search_facets"):
                    continue  # reindex writes them
                rows = [dict(r) for r in read.execute(sa.select(table)).mappings()]
                for start in range(0, len(rows), 2000):
                    write.execute(table.insert(), rows[start : start + 2000])
            for table in schema.metadata.sorted_tables:
                if "id" in table.c and isinstance(table.c.id.type, sa.Integer):
                    write.execute(sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {table.name}))"
                    ))  # fmt: skip
        target.reindex()
        with target.engine.connect() as conn:
            conn.execute(sa.text("ANALYZE"))
    finally:
        source.close()
        target.close()
    return round(time.perf_counter() - started, 1)


def measure(url: str, rounds: int) -> dict[str, Any]:
    store = Store.open(url, migrate=False)
    latencies: list[float] = []
    matches: dict[str, int] = {}
    try:
        for round_number in range(rounds + 1):  # round 0 warms the caches
            for text, filters in QUERIES:
                started = time.perf_counter()
                results = store.search(text, viewer=VIEWER, limit=PAGE, **filters)  # type: ignore[arg-type]
                elapsed = 1000 * (time.perf_counter() - started)
                if round_number:
                    latencies.append(elapsed)
                label = text + "".join(f" {k}={v}" for k, v in filters.items())
                matches[label] = results.total
    finally:
        store.close()
    values = sorted(latencies)
    return {
        "queries": len(QUERIES),
        "runs": len(values),
        "p50_ms": round(statistics.median(values), 2),
        "p99_ms": round(statistics.quantiles(values, n=100, method="inclusive")[98], 2),
        "max_ms": round(values[-1], 2),
        "matches": matches,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-postgresql", action="store_true", help="SQLite only")
    parser.add_argument(
        "--generated",
        action="store_true",
        help="items from ortaq.benchdata through the whole chain (slower to build)",
    )
    args = parser.parse_args()
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    result: dict[str, Any] = {"bench": "search", "items": args.items, "viewer": VIEWER}
    with tempfile.TemporaryDirectory(prefix="ortaq-bench-search-") as tmp:
        sqlite_url = f"sqlite:///{tmp}/bench.db"
        build = build_generated if args.generated else build_sqlite
        result.update(build(sqlite_url, args.items, args.seed))
        result["sqlite"] = measure(sqlite_url, args.rounds)
        if not args.no_postgresql:
            with postgres_server() as server:
                engine = sa.create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
                with engine.connect() as conn:
                    conn.execute(sa.text("CREATE DATABASE bench"))
                engine.dispose()
                postgres_url = f"{server}/bench"
                copied = copy_to(sqlite_url, postgres_url)
                result["postgresql"] = {
                    "copy_and_reindex_s": copied,
                    **measure(postgres_url, args.rounds),
                }
    result.update(
        loadavg_1m_before=round(load_before, 2) if load_before is not None else None,
        python=platform.python_version(),
        cores_available=os.cpu_count(),
    )
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
