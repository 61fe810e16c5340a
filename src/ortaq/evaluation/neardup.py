"""Near-duplicate benchmark: edited copies of real articles, MinHash LSH against exact Jaccard.

Real articles no one here wrote: TTC-3600 (Turkish news), MasakhaNEWS French (dev), and
KazNERD sentences (Kazakh) grouped in runs of `KAZNERD_RUN` consecutive sentences. A
seeded fraction of the articles gets one or two edited copies: sentences dropped (up to
a quarter), two sentences swapped, agency boilerplate added, the headline (first
sentence) replaced by another article's. Originals, copies and untouched articles are
added in a shuffled order to `NearDuplicateIndex`; its reported pairs are compared with
the exact answer: every pair in the same language whose shingle sets have Jaccard ≥ the
threshold, computed exactly (through an inverted index over shingles, which finds every
pair sharing a shingle -- the same set of pairs a scan of all pairs would find).
"""

from __future__ import annotations

import csv
import json
import random
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from ortaq.read.segment import sentences
from ortaq.stories.duplicates import DEFAULT_THRESHOLD, NearDuplicateIndex, jaccard, shingles

KAZNERD_RUN = 10
BOILERPLATE = {
    "tr": ["Kaynak: Anadolu Ajansı. Tüm hakları saklıdır.", "Haberin devamı için tıklayınız."],
    "fr": ["Source : AFP. Tous droits réservés.", "Abonnez-vous à notre lettre d'information."],
    "kk": [
        "Дереккөз: Kazinform. Барлық құқықтар қорғалған.",
        "Жаңалықтарды Telegram арнамыздан оқыңыз.",
    ],
}


def load_articles(shared: Path, ttc_limit: int = 1200) -> list[tuple[str, str, list[str]]]:
    """(id, language, sentences) for the real articles."""
    out: list[tuple[str, str, list[str]]] = []
    with (shared / "ttc3600" / "ttc3600.jsonl").open(encoding="utf-8") as handle:
        for n, line in enumerate(handle):
            if n >= ttc_limit:
                break
            record = json.loads(line)
            text = " ".join(record["text"].split())
            out.append((f"ttc:{record['id']}", "tr", [s.text for s in sentences(text, "tr")]))
    with (shared / "masakhanews_fra" / "dev.tsv").open(encoding="utf-8") as handle:
        for n, row in enumerate(csv.DictReader(handle, delimiter="\t")):
            body = [s.text for s in sentences(" ".join(row["text"].split()), "fr")]
            out.append((f"masakhane:{n}", "fr", [row["headline"], *body]))
    run: list[str] = []
    words: list[str] = []
    count = 0
    for line in (shared / "kaznerd" / "IOB2_valid.txt").read_text(encoding="utf-8").splitlines():
        if line.strip():
            words.append(line.rsplit(" ", 1)[0])
            continue
        if words:
            run.append(" ".join(words))
            words = []
        if len(run) == KAZNERD_RUN:
            out.append((f"kaznerd:{count}", "kk", run))
            run, count = [], count + 1
    return [a for a in out if len(a[2]) >= 3]


def edit(sents: list[str], language: str, headlines: list[str], rng: random.Random) -> list[str]:
    copy = list(sents)
    drop = rng.randint(0, max(0, len(copy) // 4))
    for _ in range(drop):
        if len(copy) > 3:
            copy.pop(rng.randrange(1, len(copy)))
    if len(copy) > 3 and rng.random() < 0.5:
        i, j = rng.sample(range(1, len(copy)), 2)
        copy[i], copy[j] = copy[j], copy[i]
    if rng.random() < 0.5:
        copy[0] = rng.choice(headlines)
    if rng.random() < 0.7:
        copy.append(rng.choice(BOILERPLATE[language]))
    return copy


def exact_pairs(
    docs: dict[str, tuple[str, set[str]]], threshold: float
) -> dict[frozenset[str], float]:
    postings: dict[tuple[str, str], list[str]] = defaultdict(list)
    for doc_id, (language, sh) in docs.items():
        for s in sh:
            postings[(language, s)].append(doc_id)
    seen: set[frozenset[str]] = set()
    out = {}
    for ids in postings.values():
        if len(ids) > 200:  # a shingle in 200 documents (boilerplate) is checked below
            pass
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                pair = frozenset((a, b))
                if pair in seen:
                    continue
                seen.add(pair)
                j = jaccard(docs[a][1], docs[b][1])
                if j >= threshold:
                    out[pair] = j
    return out


def evaluate_neardup(
    shared_data_dir: Path | str,
    seed: int = 0,
    copy_rate: float = 0.3,
    threshold: float = DEFAULT_THRESHOLD,
) -> dict[str, Any]:
    shared = Path(shared_data_dir)
    rng = random.Random(seed)
    articles = load_articles(shared)
    headlines: dict[str, list[str]] = defaultdict(list)
    for _, language, sents in articles:
        headlines[language].append(sents[0])
    items: list[tuple[str, str, str]] = []
    planted: set[frozenset[str]] = set()
    for art_id, language, sents in articles:
        items.append((art_id, language, " ".join(sents)))
        if rng.random() < copy_rate:
            for k in range(rng.choice((1, 1, 2))):
                copy_id = f"{art_id}#copy{k}"
                items.append(
                    (copy_id, language, " ".join(edit(sents, language, headlines[language], rng)))
                )
                planted.add(frozenset((art_id, copy_id)))
    rng.shuffle(items)
    docs = {i: (lang, shingles(text, lang)) for i, lang, text in items}
    truth = exact_pairs(docs, threshold)
    index = NearDuplicateIndex(threshold=threshold)
    found: dict[frozenset[str], float] = {}
    started = time.perf_counter()
    for item_id, language, text in items:
        for other, similarity in index.add(item_id, text, language):
            found[frozenset((item_id, other))] = similarity
    elapsed = time.perf_counter() - started
    tp = len(set(found) & set(truth))
    precision = tp / len(found) if found else 1.0
    recall = tp / len(truth) if truth else 1.0
    planted_found = len(planted & set(found))
    return {
        "items": len(items),
        "by_language": {
            lang: sum(1 for _, l2, _ in items if l2 == lang) for lang in sorted(headlines)
        },
        "threshold": threshold,
        "true_pairs": len(truth),
        "found_pairs": len(found),
        "precision": precision,
        "recall": recall,
        "planted_copies": len(planted),
        "planted_recall": planted_found / len(planted) if planted else 1.0,
        "planted_below_threshold": len(planted - set(truth)),
        "ms_per_item": 1000 * elapsed / len(items),
    }
