"""Cooperation event extraction against hand-made gold (`ortaq eval cooperation`).

Gold files are shaped like ../shared/realnews/gold/*.json: "file" names the article,
"reading.language" its language, and "cooperation" lists events with "parties", "type"
and "status". Each article runs through the full default chain with ONE entity linker
shared by the run (as `ortaq entities` does).

How a gold party is resolved (`resolve_gold_party`), following the guideline
(../shared/realnews/ANNOTATION.md, section 4: a state by its ISO code, an organisation by
its short name as the text calls it, in the text's script):

- a two-letter upper-case name that is an ISO 3166 alpha-2 code is that country
  ('country:KZ'); 'RT' is not a country code, so it is a name;
- a name that the organisation knowledge base knows *as a whole* is that organisation's
  id (entities.organisations.find_organisations, article language first): 'ТАСС' and
  'تاس' are 'org:tass' when the knowledge base has both; a knowledge-base name found
  *inside* a longer gold name does not count ('UNA' is not 'UN');
- a country code followed by a description ('KG public broadcaster', 'AZ media
  delegation': an actor the text does not name) is that country, because the extractor
  represents an unnamed actor by its country too;
- anything else is kept as a name ('name:AMI') and matched by name (below).

How a predicted party matches a gold party (`covers`):

- a gold organisation of the knowledge base: the predicted party has that id, or one of
  the names the text gives it (`aliases`) is that organisation as a whole;
- a gold name: one of the predicted party's names is the same name by
  `cooperation.names.same_name`: inflected forms ('Agentliyinin' for 'Agentliyi'),
  proclitics ('لوكالة'), quotes, case and Latin accents ('AZƏRTAC'), and the name without
  its generic words ('Xinhua' for 'Xinhua News Agency') unless only a country is left.
  Nothing looser: 'RT' is not 'RT Arabic', 'Sputnik' is not 'Spoutnik' (the knowledge
  base may say they are one), 'Qatar News Agency' is not 'Qatar';
- a gold country: the predicted country; at the headline level also a ministry,
  parliament, presidency, government or embassy of that country from the knowledge base
  (the guideline's state actors). An agency or broadcaster of the country never stands
  for the gold country at the headline level.

Three levels are reported. The headline (`precision`, `recall`, `f1`, `per_type`,
`per_language`) uses the rules above. `strict`: a gold country is only matched by the
country. `country_level`: a gold country is also matched by any organisation of that
country (the rule of the first version of this module, kept to compare with figures
measured with it). At every level an event matches when the type is the same, every gold
party is covered by a predicted party and every predicted party covers a gold party.
Each gold event takes at most one predicted event (in text order). Status agreement is
reported on the matched pairs (`status_accuracy_on_matched`, and per status) but is not
part of matching.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from ortaq.model import Hints, Item

LANGUAGES = ("kk", "ar", "fr", "tr", "az", "ru", "en")
GOVERNMENT_KINDS = frozenset({"ministry", "government", "embassy", "parliament", "presidency"})
LEVELS = ("strict", "headline", "country_level")
_PUNCTUATION = " \t«»\"'“”‘’()[].,;:-–—"


@cache
def _country_codes() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries)


def _is_country_code(name: str) -> bool:
    return len(name) == 2 and name.isupper() and name in _country_codes()


def knowledge_base_id(name: str, language: str | None) -> str | None:
    """The organisation of the knowledge base that `name` names as a whole, if any.

    In the text's language the knowledge base's own matching applies (its case endings);
    a name written in another language must be one of the organisation's names exactly
    (the Turkish dative 'UN'+'a' must not make 'UNA' the United Nations in a French text).
    """
    from ortaq.entities.organisations import find_organisations, get

    name = name.strip()
    if not name:
        return None
    order = [language] if language in LANGUAGES else []
    order += [lang for lang in LANGUAGES if lang != language]
    for lang in order:
        for hit in find_organisations(name, lang):
            if not hit.entity_id or name[: hit.start].strip(_PUNCTUATION):
                continue
            if name[hit.end :].strip(_PUNCTUATION):
                continue
            org = get(hit.entity_id)
            if lang == language or (
                org is not None
                and _bare(name) in {_bare(n) for n in (*org.aliases(), *org.acronyms)}
            ):
                return str(hit.entity_id)
    return None


def _bare(name: str) -> str:
    return " ".join(name.strip(_PUNCTUATION).casefold().split())


def resolve_gold_party(name: str, language: str | None) -> str:
    """'country:XX', a knowledge-base id, or 'name:<the name>' (module docstring)."""
    name = name.strip()
    if _is_country_code(name):
        return f"country:{name}"
    found = knowledge_base_id(name, language)
    if found:
        return found
    head, _, rest = name.partition(" ")
    if rest and _is_country_code(head):
        return f"country:{head}"
    return f"name:{name}"


@dataclass(frozen=True)
class _Predicted:
    id: str
    kind: str
    country: str | None
    names: tuple[str, ...]


@cache
def _org_kind(entity_id: str) -> str | None:
    from ortaq.entities.organisations import get

    org = get(entity_id)
    return org.kind if org else None


def _predicted(party: dict[str, Any]) -> _Predicted:
    names = tuple(dict.fromkeys([party.get("name") or "", *(party.get("aliases") or [])]))
    return _Predicted(party["id"], party.get("kind", ""), party.get("country"), names)


def covers(gold: str, p: _Predicted, language: str | None, level: str) -> bool:
    """Does predicted party `p` stand for the resolved gold party `gold` at `level`?"""
    from ortaq.cooperation.names import same_name

    if gold.startswith("country:"):
        code = gold.split(":", 1)[1]
        if p.id == gold:
            return True
        if level == "strict" or p.id.startswith("country:") or p.country != code:
            return False
        return level == "country_level" or _org_kind(p.id) in GOVERNMENT_KINDS
    if gold.startswith("name:"):
        return any(same_name(gold[5:], name, language) for name in p.names if name)
    if p.id == gold:
        return True
    return any(knowledge_base_id(name, language) == gold for name in p.names if name)


def parties_match(
    gold: Iterable[str], predicted: Iterable[_Predicted], language: str | None, level: str
) -> bool:
    """Every gold party covered by a predicted one and every predicted one covering one."""
    gold_set, preds = set(gold), list(predicted)
    if not gold_set or not preds:
        return False
    return all(any(covers(g, p, language, level) for p in preds) for g in gold_set) and all(
        any(covers(g, p, language, level) for g in gold_set) for p in preds
    )


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float | int]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "tp": tp,
        "predicted": n_pred,
        "gold": n_gold,
    }


def _chain() -> Any:
    from ortaq.chain import DEFAULT_STAGES, Stage, default_chain
    from ortaq.entities import EntityLinker, stage_with

    linker = EntityLinker()
    stages = [
        Stage("entities", stage_with(linker)) if s.name == "entities" else s for s in DEFAULT_STAGES
    ]
    return replace(default_chain(), stages=stages)


def _events(item: Item) -> list[dict[str, Any]]:
    from ortaq.cooperation.extract import extract_events

    return [e.to_json() for e in extract_events(item)]


def _match(
    gold: list[dict[str, Any]], predicted: list[dict[str, Any]], language: str | None, level: str
) -> list[tuple[int, int]]:
    """(gold index, predicted index) pairs, each event used once, in text order."""
    pairs: list[tuple[int, int]] = []
    used_pred: set[int] = set()
    for gi, g in enumerate(gold):
        for pi, p in enumerate(predicted):
            if pi in used_pred or p["type"] != g["type"]:
                continue
            if parties_match(g["resolved"], p["predicted_parties"], language, level):
                pairs.append((gi, pi))
                used_pred.add(pi)
                break
    return pairs


def _describe(event: dict[str, Any]) -> str:
    parties = event.get("resolved") or [q["id"] for q in event.get("parties", [])]
    return f"{event['type']}/{event.get('status')} {'+'.join(parties)}"


def _party_names(event: dict[str, Any]) -> str:
    return "+".join(sorted(q.get("name") or q["id"] for q in event["parties"]))


def _miss_reason(g: dict[str, Any], predicted: list[dict[str, Any]]) -> str:
    same_type = [p for p in predicted if p["type"] == g["type"]]
    if not same_type:
        return "no event of this type predicted"
    others = "; ".join(sorted({_party_names(p) for p in same_type}))
    return f"type found but with other parties: {others}"


def _fp_reason(p: dict[str, Any], gold: list[dict[str, Any]]) -> str:
    same_type = [g for g in gold if g["type"] == p["type"]]
    if not same_type:
        return "no gold event of this type"
    return "gold events of this type have other parties or were already matched"


def _figures(counts: Counter[str]) -> dict[str, Any]:
    out: dict[str, Any] = _prf(counts["tp"], counts["pred"], counts["gold"])
    out["strict_f1"] = _prf(counts["strict_tp"], counts["pred"], counts["gold"])["f1"]
    return out


def evaluate_cooperation(gold_dir: Path, articles_dir: Path) -> dict[str, Any]:
    chain = _chain()
    totals: dict[str, Counter[str]] = {level: Counter() for level in LEVELS}
    per_type: dict[str, Counter[str]] = {}
    per_language: dict[str, Counter[str]] = {}
    status_pairs: Counter[tuple[str, str]] = Counter()
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
        language = language or item.language
        predicted = _events(item)
        for p in predicted:
            p["predicted_parties"] = [_predicted(q) for q in p["parties"]]
        gold = [
            {**g, "resolved": sorted({resolve_gold_party(n, language) for n in g["parties"]})}
            for g in gold_doc["cooperation"]
        ]
        pairs = {level: _match(gold, predicted, language, level) for level in LEVELS}
        for level in LEVELS:
            totals[level].update(
                {"tp": len(pairs[level]), "pred": len(predicted), "gold": len(gold)}
            )
        matched_gold = {gi for gi, _ in pairs["headline"]}
        matched_pred = {pi for _, pi in pairs["headline"]}
        strict_gold = {gi for gi, _ in pairs["strict"]}
        for gi, pi in pairs["headline"]:
            status_pairs[(gold[gi].get("status") or "", predicted[pi]["status"])] += 1
        lang_counts = per_language.setdefault(language or "?", Counter())
        lang_counts.update({"gold": len(gold), "pred": len(predicted)})
        lang_counts.update({"tp": len(matched_gold), "strict_tp": len(strict_gold)})
        for gi, g in enumerate(gold):
            counts = per_type.setdefault(g["type"], Counter())
            counts["gold"] += 1
            counts["tp"] += gi in matched_gold
            counts["strict_tp"] += gi in strict_gold
            if gi not in matched_gold:
                misses.append(
                    {
                        "file": gold_doc["file"],
                        "gold": _describe(g),
                        "gold_parties": g["parties"],
                        "summary": g.get("summary"),
                        "reason": _miss_reason(g, predicted),
                    }
                )
        for pi, p in enumerate(predicted):
            per_type.setdefault(p["type"], Counter())["pred"] += 1
            if pi not in matched_pred:
                false_positives.append(
                    {
                        "file": gold_doc["file"],
                        "predicted": _describe(p),
                        "parties": _party_names(p),
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
                "matched": len(pairs["headline"]),
                "matched_strict": len(pairs["strict"]),
                "events": [
                    {
                        "type": p["type"],
                        "status": p["status"],
                        "parties": [q.get("name") or q["id"] for q in p["parties"]],
                        "evidence": p["evidence"]["text"][:160],
                    }
                    for p in predicted
                ],
            }
        )
    headline = _prf(
        totals["headline"]["tp"], totals["headline"]["pred"], totals["headline"]["gold"]
    )
    matched = sum(status_pairs.values())
    agree = sum(n for (g, p), n in status_pairs.items() if g == p)
    return {
        "precision": headline["precision"],
        "recall": headline["recall"],
        "f1": headline["f1"],
        "tp": headline["tp"],
        "predicted": headline["predicted"],
        "gold": headline["gold"],
        "matching": "type + parties; gold organisations by knowledge-base id or by the same "
        "name (cooperation.names); a gold country also by a state body of that country",
        "strict": _prf(totals["strict"]["tp"], totals["strict"]["pred"], totals["strict"]["gold"]),
        "country_level": _prf(
            totals["country_level"]["tp"],
            totals["country_level"]["pred"],
            totals["country_level"]["gold"],
        ),
        "per_type": {name: _figures(c) for name, c in sorted(per_type.items())},
        "per_language": {name: _figures(c) for name, c in sorted(per_language.items())},
        "status_accuracy_on_matched": round(agree / matched, 4) if matched else 0.0,
        "status_confusion": {
            f"{g}->{p}": n for (g, p), n in sorted(status_pairs.items(), key=lambda x: -x[1])
        },
        "misses": misses,
        "false_positives": false_positives,
        "files": files,
    }
