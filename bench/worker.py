"""Benchmark: webhook deliveries per second through `ortaq worker`, one and two workers.

Each round gets a temporary SQLite store, `--items` items of one member (default 300)
and a partner with a webhook to a receiver on 127.0.0.1 that answers 200 at once (let
through by `ORTAQ_OUTBOUND_ALLOW_NETWORKS=127.0.0.1/32`, as a private deployment lets
its partners' network through). `--workers` real `ortaq worker` processes (default: a
round with 1, then a round with 2) start; once all have started, the clock runs from
storing the items until every delivery is `delivered` (fan-out, claims, signed POSTs).
The receiver counts each delivery id; `received_twice` must be 0. One JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ortaq.exchange import webhooks
from ortaq.exchange.agreements import Agreement, save_agreement
from ortaq.exchange.outbound import Guard, parse_networks
from ortaq.model import Item
from ortaq.store import Store, schema

ORTAQ = [sys.executable, "-c", "from ortaq.cli import main; main()", "worker"]


def receiver() -> tuple[ThreadingHTTPServer, Counter[str]]:
    seen: Counter[str] = Counter()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with lock:
                seen[self.headers.get("X-Ortaq-Delivery", "")] += 1
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, seen


def _started(log: str) -> bool:
    return "started" in Path(log).read_text("utf-8", errors="replace")


def delivered(store: Store) -> int:
    table = schema.webhook_deliveries
    query = sa.select(sa.func.count()).where(table.c.status == "delivered")
    with store.engine.connect() as conn:
        return int(conn.execute(query).scalar() or 0)


def round_with(workers: int, items: int, url: str, folder: Path) -> dict[str, Any]:
    store = Store.open(url)
    store.upsert_member("ma", "MA", languages=["en"])
    store.upsert_member("mb", "MB", languages=["en"])
    save_agreement(store, Agreement.between("ab", "A and B", ["ma", "mb"], status="active"))
    server, seen = receiver()
    target = f"http://127.0.0.1:{server.server_address[1]}/hook"
    webhooks.add_webhook(store, "mb", target, Guard(allow=parse_networks("127.0.0.1/32")))
    env = {
        **os.environ,
        "ORTAQ_DATABASE_URL": url,
        "ORTAQ_DATA_DIR": str(folder),
        "ORTAQ_OUTBOUND_ALLOW_NETWORKS": "127.0.0.1/32",
        "ORTAQ_WORKER_WEBHOOKS_INTERVAL": "0.2",
    }
    logs = [(folder / f"worker-{workers}-{n}.log").open("wb") for n in range(workers)]
    processes = [subprocess.Popen(ORTAQ, env=env, stdout=log, stderr=log) for log in logs]
    try:
        while not all(_started(log.name) for log in logs):
            if any(p.poll() is not None for p in processes):
                raise RuntimeError(f"a worker exited; see {folder}")
            time.sleep(0.05)
        start = time.perf_counter()
        for n in range(items):
            body = [f"Paragraph {n} of a benchmark item."]
            store.save(Item(uri=f"urn:bench:{n}", headline=f"Item {n}", body=body, provider="ma"))
        while delivered(store) < items:
            if any(p.poll() is not None for p in processes):
                raise RuntimeError(f"a worker exited; see {folder}")
            time.sleep(0.05)
        seconds = time.perf_counter() - start
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=120)
        for log in logs:
            log.close()
        server.shutdown()
        store.close()
    return {
        "workers": workers,
        "deliveries": items,
        "seconds": round(seconds, 2),
        "per_second": round(items / seconds, 1),
        "received_twice": sum(1 for n in seen.values() if n > 1),
        "received": len(seen),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2])
    args = parser.parse_args()
    rounds = []
    with tempfile.TemporaryDirectory(prefix="ortaq-bench-worker-") as tmp:
        for workers in args.workers:
            folder = Path(tmp) / f"round-{workers}"
            folder.mkdir()
            url = f"sqlite:///{folder / 'ortaq.db'}"
            rounds.append(round_with(workers, args.items, url, folder))
    print(json.dumps({"bench": "worker", "backend": "sqlite", "rounds": rounds}))


if __name__ == "__main__":
    main()
