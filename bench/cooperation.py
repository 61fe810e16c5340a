"""Benchmark: articles/s through the cooperation extractor, one core. One JSON line.

Articles: the five real samples in ../shared/samples and the demo corpus
(src/ortaq/demo/corpus/*.txt), each read once through the full default chain (parse,
read, entities with one shared linker, stories) before timing; then only
`ortaq.cooperation.extract.extract_events` is timed, repeated. CPU time of this process,
pinned to one core.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from dataclasses import replace
from pathlib import Path

from ortaq.chain import DEFAULT_STAGES, Stage, default_chain
from ortaq.cooperation.extract import extract_events
from ortaq.entities import EntityLinker, stage_with
from ortaq.model import Hints, Item

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "samples"
DEMO = ROOT / "src" / "ortaq" / "demo" / "corpus"


def items() -> list[Item]:
    linker = EntityLinker()
    stages = [
        Stage("entities", stage_with(linker)) if s.name == "entities" else s
        for s in DEFAULT_STAGES
        if s.name != "cooperation"
    ]
    chain = replace(default_chain(), stages=stages)
    out = []
    for path in [*sorted(SAMPLES.glob("*.txt")), *sorted(DEMO.glob("*.txt"))]:
        out.append(chain.process(path.read_bytes(), Hints(source_name=path.name)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    corpus = items()
    for item in corpus:  # warm-up: lexicons, regexes, knowledge base
        extract_events(item)
    chars = sum(len("\n".join(p for p in (i.headline, i.summary, *i.body) if p)) for i in corpus)
    events = 0
    start = time.process_time()
    for _ in range(args.repeat):
        for item in corpus:
            events += len(extract_events(item))
    seconds = time.process_time() - start
    articles = len(corpus) * args.repeat
    print(
        json.dumps(
            {
                "bench": "cooperation.extract_events",
                "articles": len(corpus),
                "repeat": args.repeat,
                "mean_chars": round(chars / len(corpus)),
                "events_per_article": round(events / articles, 2),
                "seconds_cpu": round(seconds, 3),
                "articles_per_s": round(articles / seconds, 1),
                "python": platform.python_version(),
            }
        )
    )


if __name__ == "__main__":
    main()
