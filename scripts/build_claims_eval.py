"""Build the claim-matching eval set: `src/ortaq/evaluation/data/claims/claims_eval.json`.

Reads the planted claims (`planted.json`: a real sentence of a ../shared/realnews
article, our edited copy of it and our translation) and ../shared, and writes an eval
set that keeps real text by reference only (article or record and sentence numbers;
`ortaq.evaluation.claims.resolve` reads them back):

* per claim, an edited copy (our edit among two other sentences of its article, in a
  seeded order) and a translation (ours, among two sentences of an article of another
  story in the target language);
* 500 non-matching items of two or three consecutive real sentences: realnews articles
  (hard: the same topic and names), TTC-3600 (Turkish) and KazNERD validation (Kazakh).
  Planted sentences never go into them.

Usage: python scripts/build_claims_eval.py [--shared ../shared] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

from ortaq.evaluation.claims import (
    DEFAULT_SET,
    PLANTED,
    article_sentences,
    kaznerd_sentences,
    realnews_index,
    ttc_sentences,
)

NEGATIVES = 500
FROM_REALNEWS = 220
FROM_TTC = 140  # the rest from KazNERD
TTC_RECORDS = 1200


def _ref(source: str, indices: list[int]) -> dict[str, Any]:
    return {"source": source, "sentences": indices}


def build(shared: Path, seed: int) -> dict[str, Any]:
    rng = random.Random(seed)
    index = realnews_index(shared)
    planted = json.loads(PLANTED.read_text(encoding="utf-8"))["claims"]
    used: dict[str, set[int]] = {}
    claims = []
    for number, claim in enumerate(planted, 1):
        pool = article_sentences(shared, claim["article"])
        if claim["sentence"] not in pool:
            raise SystemExit(f"{claim['article']}: the planted sentence is not in it")
        at = pool.index(claim["sentence"])
        used.setdefault(claim["article"], set()).add(at)
        record = index[claim["article"]]
        claims.append({
            "id": f"c{number}", "language": record["lang"], "group": record["story_group"],
            "article": claim["article"], "text": _ref(f"realnews:{claim['article']}", [at]),
        })  # fmt: skip
    items = []
    for claim, source in zip(claims, planted, strict=True):
        article = claim["article"]
        context = _context(shared, article, used, rng)
        parts: list[Any] = [_ref(f"realnews:{article}", [i]) for i in context]
        parts.insert(rng.randrange(len(parts) + 1), source["edit"])
        items.append({
            "id": f"{claim['id']}-copy", "language": claim["language"], "group": claim["group"],
            "repeats": claim["id"], "parts": parts,
        })  # fmt: skip
        target = source["translation"]["language"]
        others = [f for f, r in sorted(index.items())
                  if r["lang"] == target and r["story_group"] != claim["group"]]  # fmt: skip
        host = rng.choice(others)
        parts = [_ref(f"realnews:{host}", [i]) for i in _context(shared, host, used, rng)]
        parts.insert(rng.randrange(len(parts) + 1), source["translation"]["text"])
        items.append({
            "id": f"{claim['id']}-translation", "language": target,
            "group": index[host]["story_group"], "repeats": claim["id"], "parts": parts,
        })  # fmt: skip
    items.extend(_negatives(shared, used, rng))
    return {
        "about": (
            "Claim-matching eval set (scripts/build_claims_eval.py); real text by "
            "reference into ../shared, our own edits and translations as text."
        ),
        "seed": seed,
        "claims": claims,
        "items": items,
    }


def _context(
    shared: Path, article: str, used: dict[str, set[int]], rng: random.Random
) -> list[int]:
    """Two sentences of the article that are no planted claim (the headline left out)."""
    pool = article_sentences(shared, article)
    free = [i for i in range(1, len(pool)) if i not in used.get(article, set())]
    return sorted(rng.sample(free, min(2, len(free))))


def _negatives(shared: Path, used: dict[str, set[int]], rng: random.Random) -> list[dict[str, Any]]:
    index = realnews_index(shared)
    runs: list[dict[str, Any]] = []
    for article, record in sorted(index.items()):
        pool = article_sentences(shared, article)
        start = 0
        while start < len(pool):
            size = rng.choice((2, 3))
            chosen = [i for i in range(start, min(start + size, len(pool)))
                      if i not in used.get(article, set())]  # fmt: skip
            start += size
            if chosen:
                runs.append({"language": record["lang"], "group": record["story_group"],
                             "parts": [_ref(f"realnews:{article}", chosen)]})  # fmt: skip
    rng.shuffle(runs)
    negatives = runs[:FROM_REALNEWS]
    for number in rng.sample(range(TTC_RECORDS), FROM_TTC):
        pool = ttc_sentences(shared, number)
        if not pool:
            continue
        start = rng.randrange(max(1, len(pool) - 2))
        chosen = list(range(start, min(start + 3, len(pool))))
        negatives.append(
            {"language": "tr", "group": None, "parts": [_ref(f"ttc:{number}", chosen)]}
        )
    kazakh = kaznerd_sentences(shared)
    while len(negatives) < NEGATIVES:
        start = rng.randrange(len(kazakh) - 3)
        negatives.append({"language": "kk", "group": None,
                          "parts": [_ref("kaznerd", [start, start + 1, start + 2])]})  # fmt: skip
    return [{"id": f"n{n}", **item} for n, item in enumerate(negatives[:NEGATIVES], 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=DEFAULT_SET)
    args = parser.parse_args()
    data = build(args.shared.resolve(), args.seed)
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({"claims": len(data["claims"]), "items": len(data["items"])}))


if __name__ == "__main__":
    main()
