"""Benchmark: one member's hostile uploads must not slow another member's reads.

A temporary SQLite store gets two members under an active agreement, `--items` items
(default 1,000) cut from the real articles in ../shared/realnews, half from each member,
and one item stored the way old data may be (a 5 MB headline and a 5 MB body, through
`Store.save`, without the chain's limits). The real server (`ortaq serve`, bench/api.py's
machinery) then runs on a free port of 127.0.0.1 with the default limits, rate limit off.

While the reader's member polls `GET /api/v1/items?limit=50` (and `/healthz`) with one
client each, the other member's editor posts, two at a time: ten 15 MB items (over the
default 10 MiB request limit: expected 413, refused unread and quarantined without their
bytes), then ten items just under the limit in three shapes (one 10 MB line, 5 M short
lines, real paragraphs repeated: expected 422, a field over its limit). The line gives
p50/p99 of the item list (first alone for `--quiet-seconds`, the machine's baseline, then
during the attack) and of /healthz during the attack, the size of a list page,
and each phase's answers (status or transport error) with their p50/max latency.
Loopback only; well under 60 s. One JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from api import free_port, start_server, stop_server  # bench/api.py: the server machinery
from ortaq.exchange.accounts import create_token, create_user
from ortaq.exchange.agreements import Agreement, save_agreement
from ortaq.exchange.settings import ExchangeSettings
from ortaq.model import Item
from ortaq.store import Store

REALNEWS = Path(__file__).resolve().parents[2] / "shared" / "realnews" / "articles"
PUBLISHER, READER = "bench-wire", "bench-desk"
PAGE = 50
MB = 1024 * 1024


@dataclass
class Timings:
    latencies_ms: list[float] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)

    def summary(self) -> dict[str, Any]:
        values = sorted(self.latencies_ms) or [0.0]
        p99 = statistics.quantiles(values, n=100)[98] if len(values) > 1 else values[0]
        return {
            "requests": len(self.latencies_ms),
            "p50_ms": round(statistics.median(values), 1),
            "p99_ms": round(p99, 1),
            "max_ms": round(values[-1], 1),
            "outcomes": dict(self.outcomes),
        }


def articles() -> list[tuple[str, list[str]]]:
    """(language, lines) of every real article: headline first, then its paragraphs."""
    found = []
    for path in sorted(REALNEWS.glob("*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        lines = [line for line in lines if line and not line.startswith("date ")]
        found.append((path.stem.rsplit("_", 1)[-1], lines))
    return found


def build(url: str, count: int) -> tuple[str, str]:
    """The store; returns the publisher's editor token and the reader's token."""
    store = Store.open(url)
    try:
        for slug in (PUBLISHER, READER):
            store.upsert_member(slug, slug.replace("-", " ").title(), country="KZ")
        save_agreement(
            store,
            Agreement.between("bench-exchange", "Bench", [PUBLISHER, READER], status="active"),
        )
        texts = articles()
        now = datetime.now(UTC)
        for n in range(count):
            language, lines = texts[n % len(texts)]
            when = now - timedelta(minutes=count - n)
            store.save(
                Item(
                    uri=f"urn:bench:{n}",
                    headline=lines[0],
                    body=lines[1:],
                    language=language,
                    provider=(PUBLISHER, READER)[n % 2],
                    versioncreated=when,
                    firstcreated=when,
                    source_format="plaintext",
                )
            )
        legacy = Item(  # stored before there were limits: lists must not carry it whole
            uri="urn:bench:legacy-huge",
            headline="Headline " * (5 * MB // 9),
            body=["Body text. " * (5 * MB // 11)],
            language="en",
            provider=PUBLISHER,
            versioncreated=now,
        )
        store.save(legacy)
        editor = create_user(store, "bench-editor", "bench-password", "editor", member=PUBLISHER)
        reader = create_user(store, "bench-reader", "bench-password", "reader", member=READER)
        return (
            create_token(store, editor.id, "bench", "write")[1],
            create_token(store, reader.id, "bench")[1],
        )
    finally:
        store.close()


def attack_bodies(
    limit: int, paragraphs: list[str], over_count: int = 10, under_count: int = 10
) -> list[tuple[str, bytes]]:
    """Ten over the limit (15 MB, one line), then ten just under it, in three shapes."""
    over = b"x" * (15 * MB)
    under = limit - 1024
    prose = "\n".join(paragraphs).encode("utf-8") + b"\n"
    shapes = [
        b"y" * under,  # one line
        b"a\n" * (under // 2),  # millions of tiny lines
        (prose * (under // len(prose) + 1))[:under],  # real paragraphs, repeated
    ]
    bodies = [("over_limit_15mb", over)] * over_count
    for n in range(under_count):  # distinct bytes, so each is kept in quarantine on its own
        body = shapes[n % 3]
        bodies.append(
            (f"under_limit_{('line', 'lines', 'paragraphs')[n % 3]}", b"%d" % n + body[1:])
        )
    return bodies


async def poll(
    client: httpx.AsyncClient,
    path: str,
    params: dict[str, Any],
    stop: asyncio.Event,
    timings: Timings,
    sizes: list[int],
) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        try:
            response = await client.get(path, params=params)
            timings.outcomes[str(response.status_code)] += 1
            sizes.append(len(response.content))
        except httpx.HTTPError as error:
            timings.outcomes[type(error).__name__] += 1
        timings.latencies_ms.append(1000 * (time.perf_counter() - started))
        await asyncio.sleep(0.01)  # a partner polling, not a flood


async def post_all(
    base: str, token: str, bodies: list[tuple[str, bytes]], parallel: int
) -> dict[str, Timings]:
    phases: dict[str, Timings] = {}
    queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/plain"}

    async def worker() -> None:
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=120) as client:
            while not queue.empty():
                phase, body = queue.get_nowait()
                timings = phases.setdefault(phase, Timings())
                started = time.perf_counter()
                try:
                    response = await client.post("/api/v1/items", content=body)
                    timings.outcomes[str(response.status_code)] += 1
                except httpx.HTTPError as error:  # the server may close before the body is sent
                    timings.outcomes[type(error).__name__] += 1
                timings.latencies_ms.append(1000 * (time.perf_counter() - started))

    await asyncio.gather(*(worker() for _ in range(parallel)))
    return phases


async def attack(
    base: str, editor: str, reader: str, bodies: list[tuple[str, bytes]], quiet_s: float
) -> dict[str, Any]:
    quiet, items, health = Timings(), Timings(), Timings()
    page_sizes: list[int] = []
    stop = asyncio.Event()
    auth = {"Authorization": f"Bearer {reader}"}
    async with (
        httpx.AsyncClient(base_url=base, headers=auth, timeout=120) as list_client,
        httpx.AsyncClient(base_url=base, timeout=120) as health_client,
    ):
        calm = asyncio.Event()  # the same polling with nobody posting: the machine's baseline
        baseline = asyncio.create_task(
            poll(list_client, "/api/v1/items", {"limit": PAGE}, calm, quiet, page_sizes)
        )
        await asyncio.sleep(quiet_s)
        calm.set()
        await baseline
        pollers = [
            asyncio.create_task(
                poll(list_client, "/api/v1/items", {"limit": PAGE}, stop, items, page_sizes)
            ),
            asyncio.create_task(poll(health_client, "/healthz", {}, stop, health, [])),
        ]
        started = time.perf_counter()
        phases = await post_all(base, editor, bodies, parallel=2)
        elapsed = time.perf_counter() - started
        stop.set()
        await asyncio.gather(*pollers)
    return {
        "attack_s": round(elapsed, 1),
        "item_list_quiet": quiet.summary(),
        "item_list": items.summary(),
        "item_list_page_bytes_max": max(page_sizes, default=0),
        "healthz": health.summary(),
        "posts": {phase: timings.summary() for phase, timings in phases.items()},
    }


def quarantine_summary(url: str) -> dict[str, int]:
    store = Store.open(url, migrate=False)
    try:
        records = store.quarantine_list()
        return {
            "records": len(records),
            "attempts": sum(r.attempts for r in records),
            "without_bytes": sum(1 for r in records if not getattr(r, "bytes_kept", True)),
        }
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--quiet-seconds", type=float, default=5.0, help="polling alone first")
    parser.add_argument("--over", type=int, default=10, help="15 MB posts")
    parser.add_argument("--under", type=int, default=10, help="posts just under the limit")
    args = parser.parse_args()
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    limit = ExchangeSettings.from_env().max_request_bytes
    with tempfile.TemporaryDirectory(prefix="ortaq-bench-hostile-") as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        started = time.perf_counter()
        editor, reader = build(url, args.items)
        build_s = time.perf_counter() - started
        bodies = attack_bodies(limit, articles()[0][1], args.over, args.under)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(url, port, Path(tmp) / "server.log")
        try:
            warm = httpx.get(
                f"{base}/api/v1/items",
                params={"limit": PAGE},
                headers={"Authorization": f"Bearer {reader}"},
                timeout=60,
            )
            warm.raise_for_status()
            result = asyncio.run(attack(base, editor, reader, bodies, args.quiet_seconds))
        finally:
            stop_server(server)
        quarantined = quarantine_summary(url)
    line: dict[str, Any] = {
        "bench": "hostile",
        "backend": "sqlite",
        "items": args.items + 1,
        "request_limit_bytes": limit,
        **result,
        "quarantine": quarantined,
        "p99_under_500ms": result["item_list"]["p99_ms"] < 500,
        "build_s": round(build_s, 1),
        "loadavg_1m_before": round(load_before, 2) if load_before is not None else None,
        "python": platform.python_version(),
        "cores_available": os.cpu_count(),
    }
    print(json.dumps(line))


if __name__ == "__main__":
    main()
