"""Benchmark: tokens/s through the whole entities recogniser, one core. One JSON line.

Texts: the five real samples in ../shared/samples and the demo corpus articles
(src/ortaq/demo/corpus/*.txt, language from the file name), repeated. Everything runs:
gazetteer, organisation knowledge base, statistical NER, rules and linking
(`ortaq.entities.recognise.recognise`). Models and automata are loaded before timing.
Tokens are whitespace-separated words; CPU time of this process.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import time
from pathlib import Path

from ortaq.entities.linking import EntityLinker
from ortaq.entities.organisations import add_member_organisations
from ortaq.entities.recognise import recognise

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLE_LANGUAGES = {"000": "fr", "001": "ar", "002": "fr", "003": "kk", "004": "kk"}
DEMO = ROOT / "src" / "ortaq" / "demo" / "corpus"
_LANG = re.compile(r"_(kk|ar|fr|tr|az|ru|en)_")


def texts() -> list[tuple[str, str]]:
    out = []
    for path in sorted((SHARED / "samples").glob("*.txt")):
        out.append((path.read_text("utf-8"), SAMPLE_LANGUAGES.get(path.name[:3], "en")))
    for path in sorted(DEMO.glob("*.txt")):
        match = _LANG.search(path.name)
        if match:
            out.append((path.read_text("utf-8"), match.group(1)))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    corpus = texts()
    manifest = json.loads((DEMO / "manifest.json").read_text("utf-8"))
    add_member_organisations(manifest["members"])  # as the stage does: members are entities
    linker = EntityLinker()
    for text, language in corpus:  # warm-up: models, automata, caches
        recognise(text, language, linker=linker)
    tokens = sum(len(text.split()) for text, _ in corpus) * args.repeat
    mentions = 0
    start = time.process_time()
    for _ in range(args.repeat):
        for text, language in corpus:
            mentions += len(recognise(text, language, linker=linker))
    seconds = time.process_time() - start
    print(
        json.dumps(
            {
                "bench": "entities",
                "texts": len(corpus),
                "repeat": args.repeat,
                "tokens": tokens,
                "mentions": mentions,
                "seconds": round(seconds, 3),
                "tokens_per_s": round(tokens / seconds),
                "target_tokens_per_s": 20000,
                "python": platform.python_version(),
            }
        )
    )


if __name__ == "__main__":
    main()
