"""The entities stage against hand-made gold (`ortaq eval entities`).

Every article runs through the default chain with ONE entity linker for the whole run
(as `ortaq entities` does). Compared with the gold's "entities":

- countries: the gold ISO alpha-2 set against `item.derived["countries"]`;
- people: the gold names against the item's PER entities, one prediction per entity
  (mentions grouped by entity id), each known by its canonical name and every surface
  form it was found under;
- organisations: likewise against the ORG entities, with their knowledge-base id.

People and organisations match leniently by the rules of `evaluation.matching` (a
surname with agreeing given names across scripts and case endings; equal folded names,
a name and its abbreviation in parentheses, the same knowledge-base organisation, or the
same words up to case endings); each gold entity takes at most one prediction and vice
versa, best score first. Precision, recall and F1 are micro over articles (the
headline); `per_language` gives them within each gold language and `macro` their
unweighted mean over languages. `misses` lists gold entities not found,
`false_positives` predictions that match nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ortaq.evaluation.gold import (
    gold_articles,
    language_order,
    linked_chain,
    prf,
    process,
)
from ortaq.evaluation.matching import best_person_score, greedy_pairs, organisation_score
from ortaq.model import Item, Mention

KINDS = ("countries", "people", "organisations")


@dataclass(frozen=True)
class Predicted:
    """One predicted entity: its display name, every name it was found under, its id."""

    name: str
    names: tuple[str, ...]
    entity_id: str | None


def predicted_entities(item: Item, mention_type: str) -> list[Predicted]:
    """The item's entities of one type (PER or ORG), one per entity id, in text order;
    organisations also the one credited in the dateline (`credited` in
    `item.organisations`)."""
    grouped: dict[str, list[Mention]] = {}
    for mention in item.mentions or ():
        if mention.type == mention_type:
            key = mention.entity_id or mention.text or ""
            grouped.setdefault(key, []).append(mention)
    out = []
    for mentions in grouped.values():
        first = mentions[0]
        names = [first.canonical or first.text]
        names += [m.text for m in mentions if m.text not in names]
        out.append(Predicted(names[0], tuple(names), first.entity_id))
    if mention_type == "ORG":  # the dateline's agency: an organisation the text no longer holds
        out += [
            Predicted(str(o["name"]), (str(o["name"]),), o.get("id"))
            for o in item.organisations
            if o.get("credited") and (o.get("id") or o["name"]) not in grouped
        ]
    return out


def knowledge_base_id(entity_id: str | None) -> str | None:
    from ortaq.entities.organisations import get

    return entity_id if entity_id and get(entity_id) is not None else None


def gold_organisation_id(name: str, language: str) -> str | None:
    from ortaq.evaluation.cooperation import resolve_gold_party

    return knowledge_base_id(resolve_gold_party(name, language))


def match_people(
    gold: Sequence[str], predicted: Sequence[Predicted], language: str
) -> list[tuple[int, int, float]]:
    scores = [[best_person_score(g, p.names, language) for p in predicted] for g in gold]
    return greedy_pairs(scores)


def match_organisations(
    gold: Sequence[str], predicted: Sequence[Predicted], language: str
) -> list[tuple[int, int, float]]:
    gold_ids = [gold_organisation_id(g, language) for g in gold]
    pred_ids = [knowledge_base_id(p.entity_id) for p in predicted]
    scores = [
        [
            organisation_score(g, gid, p.names, pid, language)
            for p, pid in zip(predicted, pred_ids, strict=True)
        ]
        for g, gid in zip(gold, gold_ids, strict=True)
    ]
    return greedy_pairs(scores)


def _gold_names(entities: dict[str, Any], kind: str) -> list[str]:
    values = entities.get(kind) or []
    names = [v.get("name") if isinstance(v, dict) else v for v in values]
    return [str(n) for n in names if n]


def _kind_figures(counts: Counter[str]) -> dict[str, dict[str, float | int]]:
    return {k: prf(counts[f"{k}_tp"], counts[f"{k}_pred"], counts[f"{k}_gold"]) for k in KINDS}


def _macro(per_language: dict[str, dict[str, dict[str, Any]]]) -> dict[str, dict[str, float]]:
    out = {}
    for kind in KINDS:
        measured = [figs[kind] for figs in per_language.values() if figs[kind]["gold"]]
        out[kind] = {
            key: round(sum(f[key] for f in measured) / len(measured), 4) if measured else 0.0
            for key in ("precision", "recall", "f1")
        }
    return out


def _flat(figures: dict[str, dict[str, Any]]) -> dict[str, float]:
    return {
        f"{kind}_{key}": figures[kind][key]
        for key in ("f1", "precision", "recall")
        for kind in KINDS
    }


Matcher = Callable[[Sequence[str], Sequence[Predicted], str], list[tuple[int, int, float]]]


def evaluate_entities(gold_dir: Path, articles_dir: Path) -> dict[str, Any]:
    chain = linked_chain()
    errors: list[dict[str, str]] = []
    totals: Counter[str] = Counter()
    per_language: dict[str, Counter[str]] = {}
    misses: list[dict[str, Any]] = []
    false_positives: list[dict[str, Any]] = []
    files: list[dict[str, Any]] = []
    matchers: dict[str, tuple[str, Matcher]] = {
        "people": ("PER", match_people),
        "organisations": ("ORG", match_organisations),
    }
    for article in gold_articles(gold_dir, articles_dir, errors):
        item = process(chain, article, errors)
        if item is None:
            continue
        language = article.language
        entities = article.gold.get("entities") or {}
        counts = per_language.setdefault(language, Counter())
        report: dict[str, Any] = {"file": article.file, "language": language}
        gold_countries = {str(c).upper() for c in entities.get("countries") or []}
        pred_countries = (
            set(item.derived["countries"].value) if "countries" in item.derived else set()
        )
        found = {
            "countries": (
                len(gold_countries & pred_countries),
                len(pred_countries),
                len(gold_countries),
            )
        }
        for code in sorted(gold_countries - pred_countries):
            misses.append({"file": article.file, "kind": "countries", "gold": code})
        for code in sorted(pred_countries - gold_countries):
            false_positives.append({"file": article.file, "kind": "countries", "predicted": code})
        report["countries"] = sorted(pred_countries)
        for kind, (mention_type, match) in matchers.items():
            gold = _gold_names(entities, kind)
            predicted = predicted_entities(item, mention_type)
            pairs = match(gold, predicted, language)
            found[kind] = (len(pairs), len(predicted), len(gold))
            matched_gold = {gi for gi, _, _ in pairs}
            matched_pred = {pi for _, pi, _ in pairs}
            misses += [
                {
                    "file": article.file,
                    "kind": kind,
                    "gold": g,
                    "predicted_in_file": [p.name for p in predicted],
                }
                for gi, g in enumerate(gold)
                if gi not in matched_gold
            ]
            false_positives += [
                {"file": article.file, "kind": kind, "predicted": p.name, "id": p.entity_id}
                for pi, p in enumerate(predicted)
                if pi not in matched_pred
            ]
            report[kind] = [
                {"gold": gold[gi], "predicted": predicted[pi].name, "score": round(s, 3)}
                for gi, pi, s in pairs
            ]
        for kind, (tp, n_pred, n_gold) in found.items():
            for counter in (totals, counts):
                counter[f"{kind}_tp"] += tp
                counter[f"{kind}_pred"] += n_pred
                counter[f"{kind}_gold"] += n_gold
        totals["articles"] += 1
        files.append(report)
    figures = _kind_figures(totals)
    languages = {lang: _kind_figures(per_language[lang]) for lang in language_order(per_language)}
    return {
        **_flat(figures),
        "articles": totals["articles"],
        "per_language": languages,
        "macro": _macro(languages),
        "micro": figures,
        "misses": misses,
        "false_positives": false_positives,
        "errors": errors,
        "files": files,
    }
