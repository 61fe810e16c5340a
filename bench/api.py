"""Benchmark: requests/s and p50/p99 latency of the authenticated item list, policy applied.

A temporary SQLite store gets `--items` pseudo-articles (default 100,000) cut from real
text in ../shared (TTC-3600 Turkish news, MasakhaNEWS French, KazNERD Kazakh, ANERcorp
Arabic, X-WMT Azerbaijani, English and Russian sentences), spread over 50 members as
providers and 30 days, with IPTC media topics, a few photos, embargoes, kills, withholds
and corrections. They go in through `Store.save` (the store's write path, without the
reading chain), which also assigns each version to its story. Then 200 agreements among
the members: bilateral, one-way and multilateral, with kind/language/topic scopes, all
three embargo handlings, and some drafts, suspended, ended, expired or not yet valid. A
reader of one member that receives under many of them gets a read token; an operator
gets one too.

The real server (`ortaq serve`: uvicorn and the same app) then runs in a subprocess on a
free port of 127.0.0.1 with the rate limit off, and this process drives it with httpx
over keep-alive connections: `GET /api/v1/items?limit=50` with the member's token, some
requests following `next_cursor` for a few pages, some with a language filter. Every
response must be 200 with items (else it counts as an error). The run stops after
`--requests` requests or `--seconds` seconds, whichever comes first. Two short rounds
follow: the same member with one client (`serial`: the time a request takes without
queueing behind the others; with `--concurrency` clients p50 is about concurrency /
throughput) and the operator, whom the policy does not filter. Last, `GET
/api/v1/stories` (first pages and a few following `next_cursor`) with one client, as the
member and as the operator (`stories`), and `GET /api/v1/search` with one client over the
20 queries of bench/search.py (names across scripts, phrases, language, member and country
filters; first pages, some following `next_cursor`), as the member and as the operator
(`search`). Nothing is kept between runs. One JSON line.

`--generated` builds the store instead from `ortaq.benchdata` (real articles retold across
languages, copies and corrections) through the whole chain and `ortaq batch`'s one writer
(`benchdata.bulk_load`): slower to build, closer to a real archive.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from ortaq.benchdata import conll_sentences
from ortaq.exchange.accounts import create_token, create_user, get_user
from ortaq.exchange.agreements import Agreement, list_agreements, save_agreement
from ortaq.exchange.policy import (
    AGREEMENT_STATUSES,
    EMBARGO_HANDLINGS,
    AgreementStatus,
    EmbargoHandling,
)
from ortaq.model import Item, PubStatus
from ortaq.read.segment import sentences
from ortaq.store import Store

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
MEMBERS = 50
AGREEMENTS = 200
VIEWER = "member-00"
PAGE = 50
MEDIATOPIC = "http://cv.iptc.org/newscodes/mediatopic/"
TOPICS = {  # IPTC media topics (top level) and the dataset labels that map to them
    "01000000": ("kultursanat", "entertainment"),
    "04000000": ("ekonomi", "business"),
    "07000000": ("saglik", "health"),
    "11000000": ("siyaset", "politics"),
    "13000000": ("teknoloji", "technology"),
    "15000000": ("spor", "sports"),
    "14000000": (),
    "16000000": (),
}
LANGUAGES = ("tr", "fr", "kk", "ar", "az", "en", "ru")
COUNTRIES = ("TR", "FR", "KZ", "DZ", "AZ", "GB", "RU", "QA", "KW", "UZ")

Sentence = tuple[str, str | None]  # text, media topic code if the source labels it
# (query, filters): names in several scripts and spellings, words, phrases, filters;
# bench/search.py times the same queries on the store directly.
SEARCHES: list[tuple[str, dict[str, str]]] = [
    ("Erdoğan", {}),
    ("Эрдоган", {}),
    ("أردوغان", {}),
    ("TÜRKİYE", {}),
    ("Almaty", {}),
    ("Алматы", {}),
    ("اذربيجان", {}),
    ("Azərbaycan", {"language": "az"}),
    ("Moskova", {}),
    ("Путин", {}),
    ("Kazakhstan", {}),
    ("Қазақстан", {"language": "kk"}),
    ('"prime minister"', {}),
    ('"milli takım"', {}),
    ("ekonomi kriz", {"language": "tr"}),
    ("football match", {"member": "member-03"}),
    ("gouvernement", {"country": "FR"}),
    ("الأمم المتحدة", {}),
    ("президент России", {}),
    ("seçim", {"country": "TR"}),
]


def topic_of(label: str) -> str | None:
    return next((code for code, labels in TOPICS.items() if label in labels), None)


def sentence_pool(limit: int = 6000) -> dict[str, list[Sentence]]:
    pool: dict[str, list[Sentence]] = {lang: [] for lang in LANGUAGES}
    with (SHARED / "ttc3600" / "ttc3600.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            doc = json.loads(line)
            topic = topic_of(doc["label"])
            text = " ".join(doc["text"].split())
            found = [s.text for s in sentences(text, "tr") if len(s.text) > 30]
            pool["tr"].extend((s, topic) for s in found[:4])  # every topic, not the first
    with (SHARED / "masakhanews_fra" / "dev.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            topic = topic_of(row["category"])
            text = " ".join(row["text"].split())
            pool["fr"].extend((s.text, topic) for s in sentences(text, "fr") if len(s.text) > 30)
    for lang, folder, name in (
        ("kk", "kaznerd", "IOB2_valid.txt"),
        ("ar", "anercorp", "ANERcorp_train80.txt"),
    ):
        read = conll_sentences(SHARED / folder / name, limit)
        pool[lang].extend((s, None) for s in read if len(s) > 30)
    for lang, name in (("az", "az-en.az"), ("en", "en-kk.en"), ("ru", "en-ru.ru")):
        lines = (SHARED / "xwmt" / name).read_text(encoding="utf-8").splitlines()
        pool[lang].extend((s.strip(), None) for s in lines if len(s.strip()) > 30)
    return {lang: found for lang, found in pool.items() if found}


@dataclass
class Corpus:
    """The generated store: what was put in, and the tokens to read it with."""

    items: int = 0
    versions: int = 0
    languages: list[str] = field(default_factory=list)
    viewer_agreements: int = 0  # agreements in force under which the viewer receives
    member_token: str = ""
    operator_token: str = ""


def member_slugs() -> list[str]:
    return [f"member-{n:02d}" for n in range(MEMBERS)]


def add_members(store: Store, rng: random.Random, languages: list[str]) -> dict[str, list[str]]:
    """Every member, with a home language (and sometimes English or Russian too)."""
    spoken: dict[str, list[str]] = {}
    for n, slug in enumerate(member_slugs()):
        own = [languages[n % len(languages)]]
        extra = rng.choice(["en", "ru"])
        if rng.random() < 0.3 and extra in languages and extra not in own:
            own.append(extra)
        store.upsert_member(
            slug, f"Member {n:02d} News", country=rng.choice(COUNTRIES), languages=own
        )
        spoken[slug] = own
    return spoken


def add_items(
    store: Store,
    rng: random.Random,
    pool: dict[str, list[Sentence]],
    spoken: dict[str, list[str]],
    count: int,
    now: datetime,
) -> int:
    """`count` items (some corrected once); returns the number of stored versions."""
    providers = list(spoken)
    weights = [1.0 / (rank + 1) ** 0.6 for rank in range(len(providers))]  # a few big ones
    by_topic: dict[tuple[str, str], list[str]] = {}
    plain = {lang: [text for text, _ in found] for lang, found in pool.items()}
    for lang, found in pool.items():
        for text, topic in found:
            if topic is not None:
                by_topic.setdefault((lang, topic), []).append(text)
    horizon = 30 * 86400.0
    ages = sorted((rng.uniform(0, horizon) for _ in range(count)), reverse=True)
    versions = 0
    for n, age in enumerate(ages):  # oldest first, so ids follow time
        provider = rng.choices(providers, weights)[0]
        lang = rng.choice(spoken[provider])
        topic = rng.choice(list(TOPICS))
        texts = by_topic.get((lang, topic)) or plain[lang]
        chosen = [texts[rng.randrange(len(texts))] for _ in range(rng.randint(4, 8))]
        created = now - timedelta(seconds=age)
        pubstatus: PubStatus = "usable"
        roll = rng.random()
        if roll < 0.01:
            pubstatus = "canceled"
        elif roll < 0.015:
            pubstatus = "withheld"
        embargoed = None
        if rng.random() < (0.15 if age < 2 * 86400 else 0.02):
            embargoed = created + timedelta(hours=rng.uniform(2, 72))
        subjects = [{"code": topic, "scheme": MEDIATOPIC}]
        if rng.random() < 0.2:
            subjects.append({"code": rng.choice(list(TOPICS)), "scheme": MEDIATOPIC})
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
            byline=f"{provider} desk",
            subjects=subjects,
            provider=provider,
            source_name=f"bench-{n}",
            source_format="plaintext",
        )
        store.save(item)
        versions += 1
        if rng.random() < 0.02:  # a correction: a new version, the old one superseded
            item.body = [*item.body, texts[rng.randrange(len(texts))]]
            item.versioncreated = created + timedelta(minutes=rng.uniform(5, 120))
            store.save(item)
            versions += 1
    return versions


def add_agreements(
    store: Store, rng: random.Random, languages: list[str], now: datetime
) -> list[Agreement]:
    slugs = member_slugs()
    others = slugs[1:]
    saved: list[Agreement] = []
    for n in range(AGREEMENTS):
        shape = rng.random()
        if shape < 0.45:  # bilateral: both send and receive
            parties = rng.sample(slugs, 2)
            senders, receivers = parties, parties
        elif shape < 0.75:  # one-way: some send, others receive
            parties = rng.sample(slugs, rng.randint(2, 7))
            cut = rng.randint(1, min(2, len(parties) - 1))
            senders, receivers = parties[:cut], parties[cut:]
        else:  # multilateral
            parties = rng.sample(slugs, rng.randint(3, 10))
            senders, receivers = parties, parties
        if VIEWER not in receivers and rng.random() < 0.08:  # the viewer is a hub receiver
            if VIEWER in senders:
                senders = [s for s in senders if s != VIEWER] or [rng.choice(others)]
            receivers = [*receivers, VIEWER]
        terms: dict[str, Any] = {}
        if rng.random() < 0.3:
            terms["languages"] = tuple(rng.sample(languages, rng.randint(1, 3)))
        if rng.random() < 0.25:
            terms["topics"] = tuple(f"medtop:{t}" for t in rng.sample(list(TOPICS), 2))
        kinds = rng.random()
        if kinds < 0.2:
            terms["kinds"] = ("text",)
        elif kinds < 0.25:
            terms["kinds"] = ("photo",)
        embargo: EmbargoHandling = rng.choices(EMBARGO_HANDLINGS, [5, 3, 2])[0]
        status: AgreementStatus = rng.choices(AGREEMENT_STATUSES, [8, 78, 8, 6])[0]
        validity = rng.random()
        if validity < 0.3:
            terms["valid_from"] = now - timedelta(days=rng.uniform(30, 700))
            terms["valid_to"] = now + timedelta(days=rng.uniform(30, 700))
        elif validity < 0.4:  # expired
            terms["valid_from"] = now - timedelta(days=rng.uniform(400, 800))
            terms["valid_to"] = now - timedelta(days=rng.uniform(1, 300))
        elif validity < 0.45:  # not yet in force
            terms["valid_from"] = now + timedelta(days=rng.uniform(1, 60))
        elif validity < 0.5:
            terms["valid_from"] = now - timedelta(days=rng.uniform(1, 900))
        agreement = Agreement(
            f"bench-{n:03d}",
            f"Exchange {n:03d}",
            tuple(dict.fromkeys(senders)),
            tuple(dict.fromkeys(receivers)),
            usage_terms="Republication with credit; no resale.",
            attribution=f"via agreement {n:03d}",
            republish=rng.random() < 0.8,
            edit=rng.random() < 0.3,
            translate=rng.random() < 0.7,
            embargo=embargo,
            status=status,
            **terms,
        )
        saved.append(save_agreement(store, agreement))
    return saved


def build_generated(url: str, count: int, seed: int) -> Corpus:
    """The store of `--generated`: `ortaq.benchdata`'s realistic inputs (real articles
    retold across languages, copies, corrections) through the whole chain and the
    batch's one writer (`benchdata.bulk_load`), its members and agreements."""
    from ortaq.benchdata import LANGUAGES as GENERATED_LANGUAGES
    from ortaq.benchdata import add_exchange, bulk_load

    store = Store.open(url)
    try:
        agreements = add_exchange(store, seed)
        counts = bulk_load(store, count, seed)
        reader = create_user(store, "bench-reader", "bench-password", "reader", member=VIEWER)
        operator = create_user(store, "bench-operator", "bench-password", "operator")
        _, member_token = create_token(store, reader.id, "bench")
        _, operator_token = create_token(store, operator.id, "bench-operator")
    finally:
        store.close()
    versions = counts["new"] + counts["version"]
    now = datetime.now(UTC)
    receiving = sum(1 for a in agreements if VIEWER in a.receivers and in_force(a, now))
    return Corpus(
        count, versions, list(GENERATED_LANGUAGES), receiving, member_token, operator_token
    )


def in_force(agreement: Agreement, now: datetime) -> bool:
    starts, ends = agreement.valid_from, agreement.valid_to
    return (
        agreement.status == "active"
        and (starts is None or starts <= now)
        and (ends is None or now < ends)
    )


def build(url: str, count: int, seed: int) -> Corpus:
    rng = random.Random(seed)
    pool = sentence_pool()
    languages = [lang for lang in LANGUAGES if lang in pool]
    now = datetime.now(UTC)
    store = Store.open(url)
    try:
        spoken = add_members(store, rng, languages)
        agreements = add_agreements(store, rng, languages, now)
        versions = add_items(store, rng, pool, spoken, count, now)
        reader = create_user(store, "bench-reader", "bench-password", "reader", member=VIEWER)
        operator = create_user(store, "bench-operator", "bench-password", "operator")
        _, member_token = create_token(store, reader.id, "bench")
        _, operator_token = create_token(store, operator.id, "bench-operator")
    finally:
        store.close()
    receiving = [a for a in agreements if VIEWER in a.receivers and in_force(a, now)]
    return Corpus(count, versions, languages, len(receiving), member_token, operator_token)


def reuse(url: str) -> Corpus:
    """A store made earlier (`--store`): fresh tokens for its reader and operator. A
    store bench/scale.py bulk-loaded (`--generated N --store URL`, its members are
    bench/api.py's slugs) gets the two users the first time.

    Its agreements' validity was set relative to when it was built, so a store reused
    days later has fewer in force; the count is reported as found.
    """
    store = Store.open(url)
    try:
        reader, operator = get_user(store, "bench-reader"), get_user(store, "bench-operator")
        if reader is None or operator is None:
            if store.get_member(VIEWER) is None:
                raise SystemExit(f"{url} was not built by bench/api.py or bench/scale.py")
            reader = create_user(store, "bench-reader", "bench-password", "reader", member=VIEWER)
            operator = create_user(store, "bench-operator", "bench-password", "operator")
        _, member_token = create_token(store, reader.id, "bench")
        _, operator_token = create_token(store, operator.id, "bench-operator")
        items = store.count_items()
        versions = store.count_items(current_only=False)
        languages = [lang for lang in LANGUAGES if lang in sentence_pool(limit=50)]
        now = datetime.now(UTC)
        receiving = [
            a for a in list_agreements(store) if VIEWER in a.receivers and in_force(a, now)
        ]
    finally:
        store.close()
    return Corpus(items, versions, languages, len(receiving), member_token, operator_token)


# -- the server and the load ------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(url: str, port: int, log: Path, workers: int = 1) -> subprocess.Popen[bytes]:
    """`ortaq serve` in a subprocess, rate limit off; waits for /healthz."""
    more_workers = ["--workers", str(workers)] if workers > 1 else []
    env = {**os.environ, "ORTAQ_DATABASE_URL": url, "ORTAQ_RATE_LIMIT": "0"}
    env["ORTAQ_DATA_DIR"] = str(log.parent)
    command = [sys.executable, "-c", "from ortaq.cli import main; main()", "serve"]
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*command, "--host", "127.0.0.1", "--port", str(port), *more_workers],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited:\n{log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise RuntimeError("the server did not answer /healthz within 120 s")


def server_cpu_s(pid: int) -> float | None:
    """CPU seconds (user + system) used so far by the server and its worker processes
    (Linux /proc; None elsewhere). On a shared machine requests/s depends on what else
    runs; the CPU a request costs does not."""
    proc = Path("/proc")
    if not (proc / str(pid)).exists():
        return None
    ticks, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = (proc / str(current) / "stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
            for task in (proc / str(current) / "task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue  # a process that ended meanwhile
    return ticks / os.sysconf("SC_CLK_TCK")


def with_cpu(server: subprocess.Popen[bytes], run: Callable[[], Load]) -> dict[str, Any]:
    """`run`'s summary with the server's CPU milliseconds per request."""
    before = server_cpu_s(server.pid)
    load = run()
    after = server_cpu_s(server.pid)
    summary = {**load.summary(), "seconds": round(load.elapsed_s, 1)}
    if before is not None and after is not None and load.requests:
        summary["server_cpu_ms_per_request"] = round(1000 * (after - before) / load.requests, 2)
    return summary


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


@dataclass
class Load:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed_s: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    def summary(self) -> dict[str, Any]:
        values = sorted(self.latencies_ms)
        p99 = (
            statistics.quantiles(values, n=100, method="inclusive")[98]
            if len(values) > 1
            else values[0]
        )
        return {
            "requests": self.requests,
            "errors": self.errors,
            "requests_per_s": round(self.requests / self.elapsed_s, 1),
            "p50_ms": round(statistics.median(values), 2),
            "p99_ms": round(p99, 2),
        }


async def drive(
    base: str,
    token: str,
    languages: list[str],
    *,
    requests: int,
    seconds: float,
    concurrency: int,
    seed: int,
    path: str = "/api/v1/items",
) -> Load:
    """`concurrency` clients issue list requests until the count or the time runs out.

    `path` is a list route answering `{<key>: [...], "next_cursor": ...}`: items (the key
    `items`, sometimes filtered by language) or stories (`stories`)."""
    key = path.rsplit("/", 1)[-1]
    load = Load()
    issued = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Authorization": f"Bearer {token}"}

    async def client_loop(client: httpx.AsyncClient, rng: random.Random, deadline: float) -> None:
        nonlocal issued
        params: dict[str, Any] = {}
        pages_left = 0
        while issued < requests and time.perf_counter() < deadline:
            issued += 1
            if pages_left == 0:  # a fresh first page, sometimes in one language
                params = {"limit": PAGE}
                if key == "items" and languages and rng.random() < 0.3:
                    params["language"] = rng.choice(languages)
                pages_left = rng.choice([0, 0, 0, 1, 2, 3])  # then follow the cursor
            else:
                pages_left -= 1
            started = time.perf_counter()
            try:
                response = await client.get(path, params=params)
                body = response.json() if response.status_code == 200 else {}
            except (httpx.HTTPError, ValueError):
                body = {}
            load.latencies_ms.append(1000 * (time.perf_counter() - started))
            if not body.get(key):
                load.errors += 1
                pages_left = 0
                continue
            if body.get("next_cursor") is None:
                pages_left = 0
            params = {**params, "cursor": body.get("next_cursor")}

    async with httpx.AsyncClient(
        base_url=base, headers=headers, limits=limits, timeout=60
    ) as client:
        started = time.perf_counter()
        deadline = started + seconds
        await asyncio.gather(
            *(
                client_loop(client, random.Random(seed * 1000 + n), deadline)
                for n in range(concurrency)
            )
        )
        load.elapsed_s = time.perf_counter() - started
    return load


def drive_search(base: str, token: str, *, requests: int, seconds: float, seed: int) -> Load:
    """One client: each of `SEARCHES` in turn (first page), sometimes following
    `next_cursor`; a search may match nothing, so an error is a status other than 200."""
    rng = random.Random(seed)
    load = Load()
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        started = time.perf_counter()
        deadline = started + seconds
        turn, cursor = 0, None
        while load.requests < requests and time.perf_counter() < deadline:
            text, filters = SEARCHES[turn % len(SEARCHES)]
            params: dict[str, Any] = {"q": text, "limit": 20, **filters}
            if cursor:
                params["cursor"] = cursor
            began = time.perf_counter()
            response = client.get("/api/v1/search", params=params)
            load.latencies_ms.append(1000 * (time.perf_counter() - began))
            load.errors += response.status_code != 200
            found = response.json().get("next_cursor") if response.status_code == 200 else None
            cursor = found if found and rng.random() < 0.3 else None
            turn += cursor is None
        load.elapsed_s = time.perf_counter() - started
    return load


def visible_languages(base: str, token: str, languages: list[str]) -> list[str]:
    """The languages the member sees any item in (a warm-up, too: one request each)."""
    headers = {"Authorization": f"Bearer {token}"}
    found = []
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        for _ in range(3):
            client.get("/api/v1/items", params={"limit": PAGE}).raise_for_status()
        for lang in languages:
            response = client.get("/api/v1/items", params={"limit": PAGE, "language": lang})
            response.raise_for_status()
            if response.json()["items"]:
                found.append(lang)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--serial-requests", type=int, default=200, help="then one client alone; 0 skips it"
    )
    parser.add_argument("--operator-requests", type=int, default=500, help="0 skips it")
    parser.add_argument(
        "--stories-requests",
        type=int,
        default=200,
        help="then GET /api/v1/stories with one client, as the member and as the operator",
    )
    parser.add_argument(
        "--search-requests",
        type=int,
        default=200,
        help="then GET /api/v1/search with one client, as the member and as the operator",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=1, help="ortaq serve --workers")
    parser.add_argument(
        "--store",
        type=Path,
        help="keep the generated SQLite store in this file, and reuse it if it exists "
        "(--items is then ignored): to compare code changes on the same data",
    )
    parser.add_argument(
        "--generated",
        action="store_true",
        help="items from ortaq.benchdata through the whole chain (slower to build)",
    )
    args = parser.parse_args()
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    with tempfile.TemporaryDirectory(prefix="ortaq-bench-api-") as tmp:
        kept = args.store.resolve() if args.store else None
        url = f"sqlite:///{kept or Path(tmp) / 'bench.db'}"
        started = time.perf_counter()
        make = build_generated if args.generated else build
        corpus = reuse(url) if kept and kept.exists() else make(url, args.items, args.seed)
        build_s = time.perf_counter() - started
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_server(url, port, Path(tmp) / "server.log", args.workers)
        try:
            languages = visible_languages(base, corpus.member_token, corpus.languages)
            bounds = {"seconds": args.seconds, "concurrency": args.concurrency, "seed": args.seed}
            member = with_cpu(
                server,
                lambda: asyncio.run(
                    drive(base, corpus.member_token, languages, requests=args.requests, **bounds)
                ),
            )
            serial = None
            if args.serial_requests > 0:  # the time one request takes, without queueing
                serial = with_cpu(
                    server,
                    lambda: asyncio.run(
                        drive(
                            base,
                            corpus.member_token,
                            languages,
                            requests=args.serial_requests,
                            **{**bounds, "concurrency": 1},
                        )
                    ),
                )
            operator = None
            if args.operator_requests > 0:
                operator = with_cpu(
                    server,
                    lambda: asyncio.run(
                        drive(
                            base,
                            corpus.operator_token,
                            corpus.languages,
                            requests=args.operator_requests,
                            **bounds,
                        )
                    ),
                )
            stories = None
            if args.stories_requests > 0:  # one client: the time a request takes
                stories = {
                    viewer: asyncio.run(
                        drive(
                            base,
                            token,
                            [],
                            requests=args.stories_requests,
                            **{**bounds, "concurrency": 1},
                            path="/api/v1/stories",
                        )
                    ).summary()
                    for viewer, token in (
                        ("member", corpus.member_token),
                        ("operator", corpus.operator_token),
                    )
                }
            search = None
            if args.search_requests > 0:  # one client: the time a search takes
                search = {
                    viewer: drive_search(
                        base,
                        token,
                        requests=args.search_requests,
                        seconds=args.seconds,
                        seed=args.seed,
                    ).summary()
                    for viewer, token in (
                        ("member", corpus.member_token),
                        ("operator", corpus.operator_token),
                    )
                }
        finally:
            stop_server(server)
    result: dict[str, Any] = {
        "bench": "api",
        "backend": "sqlite",
        "items": corpus.items,
        "versions": corpus.versions,
        "members": MEMBERS,
        "agreements": AGREEMENTS,
        "viewer_agreements_in_force": corpus.viewer_agreements,
        "concurrency": args.concurrency,
        "server_workers": args.workers,
        **member,
        "build_s": round(build_s, 1),
        "serial": serial,
        "operator": operator,
        "stories": stories,
        "search": search,
        "loadavg_1m_before": round(load_before, 2) if load_before is not None else None,
        "python": platform.python_version(),
        "machine": platform.processor() or platform.machine(),
        "cores_available": os.cpu_count(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
