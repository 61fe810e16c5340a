"""Benchmark: time to add one item to a StoryIndex already holding 100,000 items, one core.

Items are pseudo-articles of 6–10 sentences drawn from real text in ../shared (TTC-3600
Turkish news, KazNERD Kazakh sentences, MasakhaNEWS French), with times spread over 30
days (stories go cold after 3). To build the 100,000-item index quickly, features are
computed once per sentence and summed per article (the same keys `text_features` gives
for the joined text, up to sentence-spanning dates). Then `--measure` fresh articles are
added one at a time: `add_ms` times `StoryIndex.add` alone, `with_features_ms` times
`text_features` on the article's text plus `add`. One JSON line.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import statistics
import time
from collections import Counter
from pathlib import Path

from ortaq.read.segment import sentences
from ortaq.stories.clustering import StoryIndex
from ortaq.stories.features import Features, text_features

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def sentence_pool(limit_per_language: int = 20000) -> dict[str, list[str]]:
    pool: dict[str, list[str]] = {"tr": [], "kk": [], "fr": []}
    with (SHARED / "ttc3600" / "ttc3600.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            text = " ".join(json.loads(line)["text"].split())
            pool["tr"].extend(s.text for s in sentences(text, "tr") if len(s.text) > 30)
            if len(pool["tr"]) >= limit_per_language:
                break
    words: list[str] = []
    for line in (SHARED / "kaznerd" / "IOB2_valid.txt").read_text(encoding="utf-8").splitlines():
        if line.strip():
            words.append(line.rsplit(" ", 1)[0])
        elif words:
            pool["kk"].append(" ".join(words))
            words = []
        if len(pool["kk"]) >= limit_per_language:
            break
    with (SHARED / "masakhanews_fra" / "dev.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            pool["fr"].extend(s.text for s in sentences(" ".join(row["text"].split()), "fr"))
    return pool


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--measure", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    rng = random.Random(args.seed)
    pool = sentence_pool()
    languages = [lang for lang in pool if pool[lang]]
    weights = [len(pool[lang]) for lang in languages]
    cache: dict[tuple[str, int], Features] = {}

    def sentence_features(lang: str, i: int) -> Features:
        key = (lang, i)
        if key not in cache:
            cache[key] = text_features(pool[lang][i], lang)
        return cache[key]

    def article(lang: str) -> list[int]:
        return [rng.randrange(len(pool[lang])) for _ in range(rng.randint(6, 10))]

    index = StoryIndex()
    horizon = 30 * 86400.0
    times = sorted(rng.uniform(0, horizon) for _ in range(args.items))
    started = time.perf_counter()
    for n, t in enumerate(times):
        lang = rng.choices(languages, weights)[0]
        terms: Counter[str] = Counter()
        cross: Counter[str] = Counter()
        for i in article(lang):
            f = sentence_features(lang, i)
            terms.update(f.terms)
            cross.update(f.cross)
        index.add(f"item-{n}", Features(lang, dict(terms), dict(cross)), t)
    build_s = time.perf_counter() - started
    add_ms, full_ms = [], []
    for m in range(args.measure):
        lang = rng.choices(languages, weights)[0]
        text = "\n".join(pool[lang][i] for i in article(lang))
        t = horizon + m
        t0 = time.perf_counter()
        features = text_features(text, lang)
        t1 = time.perf_counter()
        index.add(f"measure-{m}", features, t)
        t2 = time.perf_counter()
        add_ms.append(1000 * (t2 - t1))
        full_ms.append(1000 * (t2 - t0))

    def p99(values: list[float]) -> float:
        return statistics.quantiles(values, n=100)[98]

    print(
        json.dumps(
            {
                "bench": "stories.add",
                "indexed_items": args.items,
                "stories": len(index.stories),
                "measured": args.measure,
                "add_ms_median": round(statistics.median(add_ms), 3),
                "add_ms_p99": round(p99(add_ms), 3),
                "with_features_ms_median": round(statistics.median(full_ms), 3),
                "with_features_ms_p99": round(p99(full_ms), 3),
                "build_s": round(build_s, 1),
                "python": platform.python_version(),
                "cpu": platform.processor() or platform.machine(),
            }
        )
    )


if __name__ == "__main__":
    main()
