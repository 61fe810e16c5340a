"""Benchmark: ingest + store of N generated items on one core, SQLite file.

Items are built from real sentences (the shared sample articles, shuffled per item), so
language detection and hashing see realistic text. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import tempfile
import time
from pathlib import Path

from ortaq.chain import default_chain
from ortaq.ingest import ingest_bytes
from ortaq.model import Hints
from ortaq.store import Store

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"


def generated_articles(count: int, seed: int = 0) -> list[bytes]:
    rng = random.Random(seed)
    pools = []
    for path in sorted(SAMPLES.glob("*.txt")):
        lines = [line for line in path.read_text("utf-8").splitlines() if len(line) > 40]
        pools.append(lines)
    articles = []
    for n in range(count):
        pool = pools[n % len(pools)]
        body = rng.sample(pool, k=min(len(pool), 6))
        articles.append(("\n".join([f"Item {n}: {body[0][:60]}", *body])).encode("utf-8"))
    return articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=2000)
    args = parser.parse_args()
    articles = generated_articles(args.items)
    chain = default_chain()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(f"sqlite:///{tmp}/bench.db")
        chain.process(articles[0], Hints(source_name="warm-up"))  # load models first
        started = time.perf_counter()
        for n, raw in enumerate(articles):
            ingest_bytes(store, chain, raw, Hints(source_name=f"bench-{n}.txt", provider="bench"))
        elapsed = time.perf_counter() - started
        stored = store.count_items()
        store.close()
    print(
        json.dumps(
            {
                "bench": "ingest",
                "backend": "sqlite",
                "items": args.items,
                "stored": stored,
                "seconds": round(elapsed, 3),
                "items_per_s": round(args.items / elapsed, 1),
                "mean_bytes": round(sum(map(len, articles)) / len(articles)),
                "cpu": platform.processor() or platform.machine(),
                "cores_available": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()
