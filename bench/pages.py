"""Benchmark: server time per newsroom page, median and p99, as a signed-in member.

The demo corpus (`ortaq demo`'s members, agreements and items) goes into a temporary
SQLite store; the app runs in this process behind Starlette's TestClient, so a request's
time is the server's own work (routing, the store's policy-bound reads, rendering in the
interface language) without a network in between. Each page is asked `--repeat` times
after one warm-up: the wire, the wire filtered by language, the wire's polling fragment,
an item, a story, a search with a Latin query for Cyrillic text, an entity, the
cooperation map and (for an editor) the publish form; on the demo corpus also the
verification desk's pages after a review of that item (the desk's queue, the review
with its history and claim timeline, the member's alerts; the item page then carries
the review's banner).

With `--items N` (N > 0) the same pages are measured again on the store of bench/api.py
(N pseudo-articles from real text over 50 members and 200 agreements) as its reader of
`member-00`. Nothing is kept. One JSON line.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from ortaq.api import create_app
from ortaq.chain import default_chain
from ortaq.demo import load_demo
from ortaq.exchange.settings import ExchangeSettings
from ortaq.store import Store
from ortaq.verification import Draft, publish
from ortaq.viewer import Viewer

sys.path.insert(0, str(Path(__file__).parent))
import api as generated

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
LINK = {
    "item": re.compile(r'href="(/items/\d+)"'),
    "story": re.compile(r'href="(/stories/story-\d+)"'),
    "entity": re.compile(r'href="(/entities/[^"]+)"'),
}


def signed_in(store: Store, username: str, password: str) -> TestClient:
    settings = replace(ExchangeSettings.from_env(), cookie_secure=False, rate_limit=0)
    client = TestClient(create_app(store, settings), base_url="http://testserver")
    client.headers["Accept"] = "text/html"
    token = CSRF.search(client.get("/login").text)
    assert token is not None
    form = {"username": username, "password": password, "csrf": token.group(1)}
    assert client.post("/login", data=form, follow_redirects=False).status_code == 303
    return client


def first_link(client: TestClient, page: str, kind: str) -> str | None:
    found = LINK[kind].search(client.get(page).text)
    return found.group(1).replace("&amp;", "&") if found else None


def pages_of(client: TestClient, query: str) -> dict[str, str]:
    """The pages to time; the entity page only where items were read by the chain (the
    generated store's items are saved without it, so they name no entity)."""
    story = first_link(client, "/", "story")
    item = first_link(client, story, "item") if story else None
    if story is None or item is None:
        raise SystemExit("the wire shows no story with an item")
    pages = {
        "wire": "/",
        "wire_language": "/?language=kk",
        "wire_fresh": "/wire/fresh?after=0",
        "item": item,
        "story": story,
        "search": f"/search?q={query}",
        "map": "/map",
    }
    if client.get("/publish").status_code == 200:  # an editor's desk (a reader has none)
        pages["publish"] = "/publish"
    entity = first_link(client, item, "entity")
    if entity:
        pages["entity"] = entity
    return pages


def desk_pages(store: Store, item_page: str) -> dict[str, str]:
    """Review the measured item as its reader's member, so the desk's pages have content."""
    item_id = int(item_page.rsplit("/", 1)[1])
    draft = Draft("misleading", "A bench review of the measured item.")
    review = publish(store, Viewer.as_operator(), "dala-press", item_id, draft)
    return {"desk": "/desk", "review": f"/desk/reviews/{review.id}", "alerts": "/notifications"}


def measure(client: TestClient, pages: dict[str, str], repeat: int) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, path in pages.items():
        client.get(path)  # warm-up: templates compiled, catalogs read
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            answer = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            if answer.status_code != 200:
                raise SystemExit(f"{path}: {answer.status_code}")
        times.sort()
        found[name] = {
            "median_ms": round(statistics.median(times), 1),
            "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 1),
        }
    return found


def measure_store(url: str, repeat: int) -> dict[str, Any]:
    """The pages on a store made earlier (e.g. `bench/scale.py --generated 100000 --store
    URL`), as its member reader (bench/api.py's `reuse` adds the user the first time)."""
    generated.reuse(url)
    store = Store.open(url)
    try:
        client = signed_in(store, "bench-reader", "bench-password")
        pages = pages_of(client, "Astana")
        return {"items": store.count_items(), **measure(client, pages, repeat)}
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--items", type=int, default=0, help="also a bench/api.py store")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--store", help="also a store built earlier by bench/api.py or bench/scale.py (URL)"
    )
    args = parser.parse_args()
    result: dict[str, Any] = {"bench": "pages", "repeat": args.repeat,
                              "python": platform.python_version()}  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(f"sqlite:///{folder}/demo.db")
        load_demo(store, default_chain())
        client = signed_in(store, "dala", "ortaq-demo")
        pages = pages_of(client, "Almaty")
        pages.update(desk_pages(store, pages["item"]))
        result["demo"] = measure(client, pages, args.repeat)
        store.close()
        if args.items > 0:
            url = f"sqlite:///{folder}/large.db"
            generated.build(url, args.items, args.seed)
            large = Store.open(url)
            client = signed_in(large, "bench-reader", "bench-password")
            pages = pages_of(client, "Astana")
            result["large"] = {"items": args.items, **measure(client, pages, args.repeat)}
            large.close()
    if args.store:
        result["store"] = measure_store(args.store, args.repeat)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
