"""Benchmark: claim matching on the claims eval set (no store, no entities stage).

Every claim of `src/ortaq/evaluation/data/claims/claims_eval.json` is matched against
every item (the eval's brute force): passages built per second, claim-item pairs scored
per second, and the milliseconds one claim takes against 100 items. One JSON line.

Usage: python bench/claims.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from ortaq.claims.matching import best_match, idf_weights, keys_of, passages
from ortaq.evaluation.claims import DEFAULT_SET, load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[2] / "shared"
    parser.add_argument("--shared", type=Path, default=default)
    args = parser.parse_args()
    claims, items = load(DEFAULT_SET, args.shared.resolve())
    started = time.perf_counter()
    found = {i.id: passages(i.text, i.language) for i in items}
    built = time.perf_counter() - started
    df: Counter[str] = Counter()
    for item_passages in found.values():
        df.update(set().union(*(p.cross for p in item_passages)))
    idf = idf_weights(df, len(items))
    started = time.perf_counter()
    pairs = 0
    for claim in claims:
        keys = keys_of(claim["text"], claim["language"])
        for item in items:
            best_match(keys, found[item.id], idf=idf)
            pairs += 1
    scored = time.perf_counter() - started
    print(
        json.dumps(
            {
                "bench": "claims",
                "claims": len(claims),
                "items": len(items),
                "passages_per_s": round(sum(map(len, found.values())) / built),
                "pairs_per_s": round(pairs / scored),
                "ms_per_claim_per_100_items": round(
                    1000 * scored / len(claims) / len(items) * 100, 2
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
