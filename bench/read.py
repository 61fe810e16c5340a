"""Benchmark: articles/s through the whole read stage on ~3 KB articles, one core.

Articles are cut from real text in ../shared (the five samples, TTC-3600 Turkish news,
KazNERD Kazakh and ANERcorp Arabic sentences) into plain-text dumps of about 3 KB with
a scraper header, so every part of the stage runs: language, dateline, boilerplate,
dates. Parsing is done before timing; only the read stage is timed. One JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from ortaq.benchdata import conll_sentences
from ortaq.chain import default_chain
from ortaq.model import Hints, Item
from ortaq.read import stage

SHARED = Path(__file__).resolve().parents[2] / "shared"
TARGET_BYTES = 3000


def texts() -> Iterator[str]:
    for path in sorted((SHARED / "samples").glob("*.txt")):
        yield path.read_text("utf-8")
    with (SHARED / "data" / "ttc3600" / "ttc3600.jsonl").open(encoding="utf-8") as lines:
        for n, line in enumerate(lines):
            if n >= 150:
                break
            yield json.loads(line)["text"]
    for name, folder in (("IOB2_valid.txt", "kaznerd"), ("ANERcorp_train80.txt", "anercorp")):
        sentences = list(conll_sentences(SHARED / "data" / folder / name, 3000))
        for start in range(0, len(sentences), 20):
            yield "\n".join(sentences[start : start + 20])


def as_article(text: str, n: int) -> bytes:
    lines = [line for line in text.splitlines() if line.strip()]
    body = "\n".join(lines)
    while len(body.encode()) < TARGET_BYTES and lines:
        body += "\n" + "\n".join(lines)
    return (
        f" date 2026-03-{n % 28 + 1:02d} {body}".encode()[:TARGET_BYTES]
        .decode("utf-8", "ignore")
        .encode()
    )


def first_item(results: Sequence[object]) -> Item:
    item = results[0]
    assert isinstance(item, Item)
    return item


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    chain = default_chain()
    drafts: list[bytes] = [as_article(text, n) for n, text in enumerate(texts())]
    parsed = [
        first_item(chain.parse(raw, Hints(source_name=f"{n}.txt"))) for n, raw in enumerate(drafts)
    ]
    stage(parsed[0])  # load models before timing
    rates = []
    for _ in range(args.repeat):
        copies = [
            Item(**{**item.__dict__, "derived": {}, "stage_data": dict(item.stage_data)})
            for item in parsed
        ]
        started = time.process_time()
        for item in copies:
            stage(item)
        rates.append(len(copies) / (time.process_time() - started))
    print(
        json.dumps(
            {
                "bench": "read",
                "articles": len(parsed),
                "mean_bytes": round(statistics.mean(len(d) for d in drafts)),
                "articles_per_s": round(statistics.median(rates), 1),
                "runs": [round(r, 1) for r in rates],
                "clock": "process CPU time, one core",
                "cpu": platform.machine(),
                "cores_available": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()
