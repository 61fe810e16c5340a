"""Claim matching measured on real text: `ortaq eval claims`.

The eval set (`data/claims/claims_eval.json`, built by scripts/build_claims_eval.py)
names its real text by reference into ../shared and carries only the project's own
text (edited copies and translations of the planted claims, `data/claims/planted.json`):

* a **claim** is one real sentence of a ../shared/realnews article;
* its **edited copy** (same language: reordered, partly paraphrased) sits among two
  other sentences of its article, and its **translation** (another language of the set)
  among two sentences of an article of another story in that language;
* **non-matching items** are runs of real sentences: realnews articles (the same topic,
  media cooperation, with the same agencies and names: the hard negatives), TTC-3600
  Turkish news and KazNERD (validation) Kazakh sentences.

Each claim is matched (`ortaq.claims.matching`) against every item; precision and recall
are counted within the claim's language and across languages. Items built from other
articles of the claim's own story are not scored for that claim: they may well repeat it
(two agencies quoting the same signing), and no gold says whether they do.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ortaq.chain import Chain, default_chain
from ortaq.claims.matching import DEFAULT, MatchSettings, idf_weights, keys_of, passages, score
from ortaq.model import Item, Mention
from ortaq.read.segment import sentences

DATA = Path(__file__).parent / "data" / "claims"
DEFAULT_SET = DATA / "claims_eval.json"
PLANTED = DATA / "planted.json"
REALNEWS = "realnews"


@cache
def realnews_index(shared: Path) -> dict[str, dict[str, Any]]:
    lines = (shared / REALNEWS / "index.jsonl").read_text(encoding="utf-8").splitlines()
    return {record["file"]: record for record in map(json.loads, lines)}


@cache
def article_sentences(shared: Path, name: str) -> tuple[str, ...]:
    """Sentences of a realnews article, line by line (the headline first)."""
    language = realnews_index(shared)[name]["lang"]
    text = (shared / REALNEWS / "articles" / name).read_text(encoding="utf-8")
    return tuple(s.text for line in text.splitlines() for s in sentences(line, language))


@cache
def ttc_sentences(shared: Path, number: int) -> tuple[str, ...]:
    with (shared / "data" / "ttc3600" / "ttc3600.jsonl").open(encoding="utf-8") as handle:
        for n, line in enumerate(handle):
            if n == number:
                text = " ".join(json.loads(line)["text"].split())
                return tuple(s.text for s in sentences(text, "tr"))
    raise KeyError(f"ttc3600 has no record {number}")


@cache
def kaznerd_sentences(shared: Path) -> tuple[str, ...]:
    found, words = [], []
    path = shared / "data" / "kaznerd" / "IOB2_valid.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            words.append(line.rsplit(" ", 1)[0])
        elif words:
            found.append(" ".join(words))
            words = []
    return tuple(found)


def resolve(shared: Path, part: Any) -> str:
    """A piece of an item: our own text (a string), or a reference into ../shared
    (`{"source": "realnews:101_ru.txt" | "ttc:12" | "kaznerd", "sentences": [i, ...]}`)."""
    if isinstance(part, str):
        return part
    source, chosen = part["source"], part["sentences"]
    if source.startswith("realnews:"):
        pool = article_sentences(shared, source.split(":", 1)[1])
    elif source.startswith("ttc:"):
        pool = ttc_sentences(shared, int(source.split(":", 1)[1]))
    elif source == "kaznerd":
        pool = kaznerd_sentences(shared)
    else:
        raise ValueError(f"unknown source {source!r}")
    return " ".join(pool[i] for i in chosen)


@dataclass(frozen=True)
class EvalItem:
    id: str
    language: str
    group: str | None  # the realnews story group its real text comes from
    text: str
    repeats: str | None  # the claim it carries (planted), else None


SENTENCE_END = tuple(".!?…»\"”)’'")


def joined(parts: list[str]) -> str:
    """An item's text from its parts: a part that does not end a sentence (a headline, a
    date line, a scrape cut short) was a line of its own where it came from, and stays
    one; other parts run on in one paragraph."""
    text = ""
    for part in parts:
        if text:
            runs_on = text.rstrip().endswith(SENTENCE_END) and part.rstrip().endswith(SENTENCE_END)
            text += " " if runs_on else "\n"
        text += part
    return text


def load(path: Path, shared: Path) -> tuple[list[dict[str, Any]], list[EvalItem]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    claims = []
    for claim in data["claims"]:
        text = resolve(shared, claim["text"])
        claims.append({**claim, "text": text})
    items = [
        EvalItem(
            i["id"],
            i["language"],
            i.get("group"),
            joined([resolve(shared, p) for p in i["parts"]]),
            i.get("repeats"),
        )
        for i in data["items"]
    ]
    return claims, items


def mentions_of(text: str, language: str, chain: Chain | None) -> tuple[Mention, ...] | None:
    """The entities stage's mentions in a text, as a stored item would carry them (None
    without the chain: the stage did not read it)."""
    if chain is None:
        return None
    item = chain.refine(Item(uri="eval", body=[text], language=language), len(text))
    return item.mentions or ()


def evaluate_claims(
    path: Path, shared: Path, settings: MatchSettings = DEFAULT, *, entities: bool = True
) -> dict[str, Any]:
    """Precision and recall of claim matching within a language and across languages;
    with `entities`, every text goes through the chain's stages first, so claims and
    items carry the entities stage's mentions as stored items do."""
    claims, items = load(path, shared)
    chain = default_chain() if entities else None
    found = {
        item.id: passages(item.text, item.language, mentions_of(item.text, item.language, chain))
        for item in items
    }
    # IDF over the items searched, as the store weighs keys over its archive
    df: Counter[str] = Counter()
    for passages_of_item in found.values():
        df.update(set().union(*(p.cross for p in passages_of_item)))
    idf = idf_weights(df, len(items))
    # tp, fp, fn by (within | across, claim language -> item language, claim half)
    counts: Counter[tuple[str, str, str, str]] = Counter()
    misses: list[dict[str, Any]] = []
    for claim in claims:
        text, language = claim["text"], claim["language"]
        keys = keys_of(text, language, mentions_of(text, language, chain))
        for item, matched in _scored(claim, items, found, keys, settings, idf):
            kind = "within" if item.language == claim["language"] else "across"
            gold = item.repeats == claim["id"]
            outcome = "tp" if gold and matched else "fp" if matched else "fn" if gold else ""
            if not outcome:
                continue
            counts[kind, f"{language}->{item.language}", _half(claim["id"]), outcome] += 1
            if outcome != "tp":
                error = "false match" if outcome == "fp" else "missed"
                misses.append({"claim": claim["id"], "item": item.id, "error": error})
    report: dict[str, Any] = {
        "entities": entities,
        "claims": len(claims),
        "items": len(items),
        "non_matching_items": sum(1 for i in items if i.repeats is None),
    }
    for kind in ("within", "across"):
        report[kind] = _figures(counts, kind)
        report[f"{kind}_by_half"] = {h: _figures(counts, kind, half=h) for h in ("odd", "even")}
        pairs = sorted({key[1] for key in counts if key[0] == kind})
        report[f"{kind}_by_pair"] = {pair: _figures(counts, kind, pair=pair) for pair in pairs}
    report["errors"] = misses
    return report


def _half(claim_id: str) -> str:
    """Odd-numbered claims tuned the across-language thresholds; even ones did not."""
    return "odd" if int(claim_id.lstrip("c")) % 2 else "even"


def _figures(
    counts: Counter[tuple[str, str, str, str]],
    kind: str,
    pair: str | None = None,
    half: str | None = None,
) -> dict[str, Any]:
    """Precision and recall of the counts of one kind (and language pair, or half)."""
    chosen = Counter(
        key[3]
        for key, n in counts.items()
        for _ in range(n)
        if key[0] == kind and pair in (None, key[1]) and half in (None, key[2])
    )
    tp, fp, fn = chosen["tp"], chosen["fp"], chosen["fn"]
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {
        "precision": round(precision, 3), "recall": round(recall, 3),
        "tp": tp, "fp": fp, "fn": fn,
    }  # fmt: skip


def _scored(
    claim: dict[str, Any],
    items: list[EvalItem],
    found: dict[str, Any],
    keys: Any,
    settings: MatchSettings,
    idf: Callable[[str], float],
) -> Iterator[tuple[EvalItem, bool]]:
    for item in items:
        if item.repeats != claim["id"] and item.group is not None and item.group == claim["group"]:
            continue  # the claim's own story: may repeat it, no gold says
        matched = any(score(keys, p, settings, idf) is not None for p in found[item.id])
        yield item, matched
