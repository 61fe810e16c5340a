"""The read stage against hand-made gold (`ortaq eval reading`).

Each article runs through the default chain (`Hints(source_name=<file name>)`), and
the values the read stage derives are compared with the gold's "reading":

- language: `item.derived["language"]` (else `item.language`) equals the gold code;
- publication date: `item.derived["published"]["value"]` cut to the length of the gold
  value equals it (an exact ISO match at the gold's precision: gold '2023-12' is met by
  '2023-12' or '2023-12-05', gold '2019-10-26' is not met by '2019-10'), over the
  articles whose gold has a date; a date read where the gold has none is counted in
  `published_spurious` (and `published_spurious_rate`, over the articles whose gold has
  none);
- dateline place, agency and date: `item.derived["dateline"]` ("place", "agency",
  "date"), each over the articles whose gold dateline has that part; place and agency
  match leniently (`evaluation.matching.same_label`: NFKC, case-folded, punctuation,
  brackets and slashes out), the date exactly. A dateline read where the gold has none
  is counted in `dateline_spurious`.

Figures are accuracies in [0, 1] (0.0 at the top level when no gold article has the
value: see the `*_gold` counts; `null` in `per_language`); `per_language` gives the same
per gold language, `misses` every wrong or missing value with what was read, and
`false_positives` the dates and datelines read where the gold has none.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from ortaq.chain import default_chain
from ortaq.evaluation.gold import gold_articles, language_order, process, ratio
from ortaq.evaluation.matching import same_label
from ortaq.model import Item

FIELDS = ("language", "published", "dateline_place", "dateline_agency", "dateline_date")


def read_values(item: Item) -> dict[str, Any]:
    """What the read stage derived, in the gold's terms."""
    derived = item.derived
    language = derived["language"].value if "language" in derived else item.language
    published = derived["published"].value if "published" in derived else None
    dateline = derived["dateline"].value if "dateline" in derived else None
    dateline = dateline if isinstance(dateline, dict) else {}
    return {
        "language": language,
        "published": published.get("value") if isinstance(published, dict) else published,
        "dateline": bool(dateline),
        "dateline_place": dateline.get("place"),
        "dateline_agency": dateline.get("agency"),
        "dateline_date": dateline.get("date"),
    }


def date_matches(gold: str, predicted: str | None) -> bool:
    """An exact ISO match at the gold's precision (see the module docstring)."""
    return bool(predicted) and str(predicted)[: len(gold)] == gold


def gold_values(gold: dict[str, Any]) -> dict[str, Any]:
    reading = gold.get("reading") or {}
    dateline = reading.get("dateline") or {}
    return {
        "language": reading.get("language"),
        "published": reading.get("published"),
        "dateline": bool(reading.get("dateline")),
        "dateline_place": dateline.get("place"),
        "dateline_agency": dateline.get("agency"),
        "dateline_date": dateline.get("date"),
    }


def field_correct(name: str, gold: Any, predicted: Any) -> bool:
    if name in ("published", "dateline_date"):
        return date_matches(str(gold), predicted)
    if name in ("dateline_place", "dateline_agency"):
        return same_label(str(gold), predicted)
    return bool(predicted) and str(predicted).lower() == str(gold).lower()


def _figures(counts: Counter[str], unmeasured: float | None = 0.0) -> dict[str, Any]:
    """Accuracies, then the counts; `unmeasured` stands where the gold has no value."""

    def share(hits: str, total: str) -> float | None:
        return ratio(counts[hits], counts[total]) if counts[total] else unmeasured

    out: dict[str, Any] = {
        f"{name}_accuracy": share(f"{name}_ok", f"{name}_gold") for name in FIELDS
    }
    out["published_spurious_rate"] = share("published_spurious", "published_null")
    out.update({key: counts[key] for key in sorted(counts)})
    return out


def evaluate_reading(gold_dir: Path, articles_dir: Path) -> dict[str, Any]:
    chain = default_chain()
    errors: list[dict[str, str]] = []
    totals: Counter[str] = Counter()
    per_language: dict[str, Counter[str]] = {}
    misses: list[dict[str, Any]] = []
    files: list[dict[str, Any]] = []
    for article in gold_articles(gold_dir, articles_dir, errors):
        item = process(chain, article, errors)
        if item is None:
            continue
        gold, predicted = gold_values(article.gold), read_values(item)
        counts = per_language.setdefault(article.language, Counter())
        for counter in (totals, counts):
            counter["articles"] += 1
        for name in FIELDS:
            if gold[name] is None:
                continue
            ok = field_correct(name, gold[name], predicted[name])
            for counter in (totals, counts):
                counter[f"{name}_gold"] += 1
                counter[f"{name}_ok"] += ok
            if not ok:
                misses.append(
                    {
                        "file": article.file,
                        "field": name,
                        "gold": gold[name],
                        "predicted": predicted[name],
                    }
                )
        spurious = {
            "published_spurious": gold["published"] is None and predicted["published"],
            "published_null": gold["published"] is None,
            "dateline_spurious": not gold["dateline"] and predicted["dateline"],
        }
        for key, hit in spurious.items():
            for counter in (totals, counts):
                counter[key] += bool(hit)
        files.append({"file": article.file, "gold": gold, "predicted": predicted})
    headline = _figures(totals)
    return {
        **{k: v for k, v in headline.items() if not isinstance(v, int) or k == "articles"},
        "counts": {k: v for k, v in headline.items() if isinstance(v, int) and k != "articles"},
        "per_language": {
            lang: _figures(per_language[lang], None) for lang in language_order(per_language)
        },
        "misses": misses,
        "false_positives": [
            {"file": f["file"], "field": field, "predicted": f["predicted"][key]}
            for f in files
            for field, key in (("published", "published"), ("dateline", "dateline_place"))
            if f["gold"][field] in (None, False) and f["predicted"][field]
        ],
        "errors": errors,
        "files": files,
    }
