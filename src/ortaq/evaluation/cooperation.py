"""Cooperation event extraction against hand-made gold (`ortaq eval cooperation`).

Gold files are shaped like ../shared/samples/gold/*.json: "file" names the article,
"reading.language" its language, and "cooperation" lists events with "parties" (ISO
country codes or organisation names in any language), "type" and "status".

Each article runs through the full default chain with ONE entity linker shared by the
run (as `ortaq entities` does). Gold parties are resolved to entity ids:

- a two-letter code is 'country:XX';
- an organisation name is looked up in the organisation knowledge base
  (entities.organisations.find_organisations, in the article's language first, then in
  the others); the longest hit wins;
- a name that is a country code followed by a description ('KG public broadcaster': an
  organisation the knowledge base does not have) resolves to that country, because the
  extractor represents such an organisation by its country too;
- anything else stays unresolved ('unresolved:<name>') and can never match.

A predicted event matches a gold one when the type is the same and the parties resolve to
the same entities. Two levels are reported:

- ``strict``: the set of predicted party ids equals the set of gold party ids;
- the headline figures (``precision``, ``recall``, ``f1``, ``per_type``): a gold country
  is also matched by an organisation or official of that country (the gold says
  'Kazakhstan' where the article names the Kazakh side by its ministry or broadcaster),
  while a gold organisation must be that organisation; every gold party must be matched
  and every predicted party must match a gold party.

Each gold event takes at most one predicted event (strict matches first, then the
others, in text order). Status agreement is reported on the matched pairs but is not part
of matching.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from ortaq.evaluation.gold import language_order, linked_chain
from ortaq.evaluation.gold import prf as _prf
from ortaq.model import Hints, Item

LANGUAGES = ("kk", "ar", "fr", "tr", "az", "ru", "en")


def resolve_gold_party(name: str, language: str | None) -> str:
    from ortaq.entities.organisations import find_organisations

    name = name.strip()
    if len(name) == 2 and name.isalpha() and name.isupper():
        return f"country:{name}"
    order = [language] if language in LANGUAGES else []
    order += [lang for lang in LANGUAGES if lang != language]
    for lang in order:
        hits = [h for h in find_organisations(name, lang) if h.entity_id]
        if hits:
            best = max(hits, key=lambda h: (h.end - h.start, -h.start))
            if (best.end - best.start) >= 0.5 * len(name):
                return str(best.entity_id)
    head = name.split(" ", 1)[0]
    if len(head) == 2 and head.isupper() and head.isalpha() and " " in name:
        return f"country:{head}"
    return f"unresolved:{name}"


def _party_country(party_id: str, predicted: dict[str, str | None]) -> str | None:
    if party_id.startswith("country:"):
        return party_id.split(":", 1)[1]
    return predicted.get(party_id)


def parties_match(gold: set[str], predicted: dict[str, str | None], strict: bool) -> bool:
    """predicted: party id -> its country."""
    if strict:
        return gold == set(predicted)
    if not gold or not predicted:
        return False

    def covers(g: str, p: str) -> bool:
        if g == p:
            return True
        return g.startswith("country:") and _party_country(p, predicted) == g.split(":", 1)[1]

    return all(any(covers(g, p) for p in predicted) for g in gold) and all(
        any(covers(g, p) for g in gold) for p in predicted
    )


def _events(item: Item) -> list[dict[str, Any]]:
    from ortaq.cooperation.extract import extract_events

    return [e.to_json() for e in extract_events(item)]


def _match(
    gold: list[dict[str, Any]], predicted: list[dict[str, Any]], strict: bool
) -> list[tuple[int, int]]:
    """(gold index, predicted index) pairs; strict matches are taken first."""
    pairs: list[tuple[int, int]] = []
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    levels = (True,) if strict else (True, False)
    for level in levels:
        for gi, g in enumerate(gold):
            if gi in used_gold:
                continue
            for pi, p in enumerate(predicted):
                if pi in used_pred or p["type"] != g["type"]:
                    continue
                if parties_match(set(g["resolved"]), p["party_countries"], level):
                    pairs.append((gi, pi))
                    used_gold.add(gi)
                    used_pred.add(pi)
                    break
    return pairs


def _describe(event: dict[str, Any]) -> str:
    parties = event.get("resolved") or sorted(event.get("party_countries", {}))
    return f"{event['type']}/{event.get('status')} {'+'.join(parties)}"


def _miss_reason(g: dict[str, Any], predicted: list[dict[str, Any]]) -> str:
    same_type = [p for p in predicted if p["type"] == g["type"]]
    if not same_type:
        return "no event of this type predicted"
    others = "; ".join(sorted({"+".join(sorted(p["party_countries"])) for p in same_type}))
    return f"type found but with other parties: {others}"


def _fp_reason(p: dict[str, Any], gold: list[dict[str, Any]]) -> str:
    same_type = [g for g in gold if g["type"] == p["type"]]
    if not same_type:
        return "no gold event of this type"
    return "gold events of this type have other parties or were already matched"


def evaluate_cooperation(gold_dir: Path, articles_dir: Path) -> dict[str, Any]:
    chain = linked_chain()
    types: Counter[str] = Counter()
    per_type: dict[str, Counter[str]] = {}
    totals: dict[str, Counter[str]] = {"loose": Counter(), "strict": Counter()}
    per_language: dict[str, Counter[str]] = {}
    status_agree = 0
    files = []
    misses: list[dict[str, Any]] = []
    false_positives: list[dict[str, Any]] = []
    for gold_path in sorted(Path(gold_dir).glob("*.json")):
        gold_doc = json.loads(gold_path.read_text("utf-8"))
        if "cooperation" not in gold_doc:
            continue
        article = Path(articles_dir) / gold_doc["file"]
        language = (gold_doc.get("reading") or {}).get("language")
        item = chain.process(article.read_bytes(), Hints(source_name=article.name))
        predicted = _events(item)
        for p in predicted:
            p["party_countries"] = {q["id"]: q["country"] for q in p["parties"]}
        gold = []
        for g in gold_doc["cooperation"]:
            resolved = sorted({resolve_gold_party(name, language) for name in g["parties"]})
            gold.append({**g, "resolved": resolved})
        loose = _match(gold, predicted, strict=False)
        strict = _match(gold, predicted, strict=True)
        for level, pairs in (("loose", loose), ("strict", strict)):
            totals[level]["tp"] += len(pairs)
            totals[level]["pred"] += len(predicted)
            totals[level]["gold"] += len(gold)
        by_language = per_language.setdefault(language or "?", Counter())
        by_language["tp"] += len(loose)
        by_language["pred"] += len(predicted)
        by_language["gold"] += len(gold)
        by_language["strict_tp"] += len(strict)
        matched_gold = {gi for gi, _ in loose}
        matched_pred = {pi for _, pi in loose}
        strict_gold = {gi for gi, _ in strict}
        for gi, pi in loose:
            status_agree += gold[gi].get("status") == predicted[pi]["status"]
        for g in gold:
            per_type.setdefault(g["type"], Counter())["gold"] += 1
            types[g["type"]] += 1
        for p in predicted:
            per_type.setdefault(p["type"], Counter())["pred"] += 1
        for gi, _ in loose:
            per_type[gold[gi]["type"]]["tp"] += 1
        for gi in strict_gold:
            per_type[gold[gi]["type"]]["strict_tp"] += 1
        for gi, g in enumerate(gold):
            if gi not in matched_gold:
                misses.append(
                    {
                        "file": gold_doc["file"],
                        "gold": _describe(g),
                        "summary": g.get("summary"),
                        "reason": _miss_reason(g, predicted),
                    }
                )
        for pi, p in enumerate(predicted):
            if pi not in matched_pred:
                false_positives.append(
                    {
                        "file": gold_doc["file"],
                        "predicted": _describe(p),
                        "evidence": p["evidence"]["text"][:200],
                        "reason": _fp_reason(p, gold),
                    }
                )
        files.append(
            {
                "file": gold_doc["file"],
                "language": language,
                "gold": len(gold),
                "predicted": len(predicted),
                "matched": len(loose),
                "matched_strict": len(strict),
                "events": [
                    {
                        "type": p["type"],
                        "status": p["status"],
                        "parties": [q["id"] for q in p["parties"]],
                        "evidence": p["evidence"]["text"][:160],
                    }
                    for p in predicted
                ],
            }
        )
    loose_t, strict_t = totals["loose"], totals["strict"]
    headline = _prf(loose_t["tp"], loose_t["pred"], loose_t["gold"])
    return {
        "precision": headline["precision"],
        "recall": headline["recall"],
        "f1": headline["f1"],
        "tp": headline["tp"],
        "predicted": headline["predicted"],
        "gold": headline["gold"],
        "per_language": {
            lang: {
                **_prf(c["tp"], c["pred"], c["gold"]),
                "strict_f1": _prf(c["strict_tp"], c["pred"], c["gold"])["f1"],
            }
            for lang, c in ((lang, per_language[lang]) for lang in language_order(per_language))
        },
        "matching": "type + parties; a gold country also matches an organisation or "
        "official of that country",
        "strict": _prf(strict_t["tp"], strict_t["pred"], strict_t["gold"]),
        "per_type": {
            name: {
                **_prf(c["tp"], c["pred"], c["gold"]),
                "strict_f1": _prf(c["strict_tp"], c["pred"], c["gold"])["f1"],
            }
            for name, c in sorted(per_type.items())
        },
        "status_accuracy_on_matched": round(status_agree / loose_t["tp"], 4)
        if loose_t["tp"]
        else 0.0,
        "misses": misses,
        "false_positives": false_positives,
        "files": files,
    }
