"""Story grouping against hand-made story groups (`ortaq eval stories`).

The articles of the gold folder that the index lists (index.jsonl: one JSON object a
line with "file" and "story_group") run through the default chain -- the chain `ortaq
ingest` stores with -- and are fed to the desk's online clusterer
(`stories.clustering.StoryIndex` with `stories.features.item_features`, as the store
assigns stories at ingest, `store.storybook`) in publication-time order. An item's time
is the one the system itself read: `versioncreated`, else `firstcreated`, else the read
stage's publication date (its first day, UTC). Ties go by file name. Items with no time at all
come last, in file-name order. Each item is then added with the time the desk gives it
(`stories.occasion.item_span`: its own date at the precision read, or no time at all, so
that an undated item is placed by what it says, never by when it arrived).

The predicted stories are compared with `story_group`: pairwise P/R/F1 (Priberam) and
BCubed P/R/F1 (`evaluation.clustering`), the numbers of predicted and gold stories,
BCubed per gold language (over the items of that language, against whole clusters), and
the misses: pairs of one gold group split apart and pairs of different groups joined,
with their file names.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path
from typing import Any

from ortaq.chain import default_chain
from ortaq.evaluation.clustering import bcubed, pairwise
from ortaq.evaluation.gold import gold_articles, language_order, process
from ortaq.model import Item
from ortaq.stories.clustering import StoryIndex
from ortaq.stories.features import item_features
from ortaq.stories.occasion import item_span


def read_index(path: Path, errors: list[dict[str, str]]) -> dict[str, str]:
    """file name -> story group; bad lines go to `errors` with their line number."""
    groups: dict[str, str] = {}
    for number, line in enumerate(Path(path).read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            groups[str(record["file"])] = str(record["story_group"])
        except (json.JSONDecodeError, KeyError, TypeError) as error:
            errors.append({"file": f"{path}:{number}", "reason": f"bad index line: {error!r}"})
    return groups


def item_time(item: Item) -> datetime | None:
    """When the system says the item was published (see the module docstring)."""
    moment = item.versioncreated or item.firstcreated
    if moment is not None:
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    published = item.derived.get("published")
    value = (
        published.value.get("value") if published and isinstance(published.value, dict) else None
    )
    if not value:
        return None
    parts = [*str(value)[:10].split("-"), "1", "1"][:3]
    try:
        return datetime(int(parts[0]), int(parts[1]), int(parts[2]), tzinfo=UTC)
    except ValueError:
        return None


def arrival_order(
    timed: list[tuple[str, datetime | None, Item]],
) -> list[tuple[str, datetime, Item]]:
    """Dated items by (time, file name), then undated ones by file name at the last time."""
    dated = sorted(
        ((name, when, item) for name, when, item in timed if when is not None),
        key=lambda t: (t[1], t[0]),
    )
    undated = sorted((t for t in timed if t[1] is None), key=lambda t: t[0])
    last = dated[-1][1] if dated else datetime(1970, 1, 1, tzinfo=UTC)
    return dated + [(name, last, item) for name, _, item in undated]


def cluster(ordered: list[tuple[str, datetime, Item]]) -> dict[str, str]:
    """file name -> predicted story id, replayed through the desk's clusterer.

    Each item is added with the time the desk gives it (`item_span`: its own date at the
    precision read, or none at all), so the order above only decides who comes first."""
    index = StoryIndex()
    return {
        name: index.add(name, item_features(item), item_span(item)).story_id
        for name, _when, item in ordered
    }


def misses(gold: dict[str, str], predicted: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    split, joined = [], []
    for a, b in combinations(sorted(gold), 2):
        same_gold, same_pred = gold[a] == gold[b], predicted[a] == predicted[b]
        if same_gold and not same_pred:
            split.append(
                {"files": [a, b], "group": gold[a], "predicted": [predicted[a], predicted[b]]}
            )
        elif same_pred and not same_gold:
            joined.append(
                {"files": [a, b], "groups": [gold[a], gold[b]], "predicted": predicted[a]}
            )
    return {"split": split, "joined": joined}


def bcubed_of(
    files: list[str], gold: dict[str, str], predicted: dict[str, str]
) -> dict[str, float]:
    """BCubed P/R averaged over `files` only, against the whole clusters."""
    if not files:
        return {"p": 0.0, "r": 0.0, "f1": 0.0}
    gold_members: dict[str, set[str]] = {}
    pred_members: dict[str, set[str]] = {}
    for name in gold:
        gold_members.setdefault(gold[name], set()).add(name)
        pred_members.setdefault(predicted[name], set()).add(name)
    p = r = 0.0
    for name in files:
        both = len(gold_members[gold[name]] & pred_members[predicted[name]])
        p += both / len(pred_members[predicted[name]])
        r += both / len(gold_members[gold[name]])
    p, r = p / len(files), r / len(files)
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def _rounded(figures: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()}


def evaluate_stories(gold_dir: Path, articles_dir: Path, index_path: Path) -> dict[str, Any]:
    errors: list[dict[str, str]] = []
    groups = read_index(index_path, errors)
    chain = default_chain()
    timed: list[tuple[str, datetime | None, Item]] = []
    languages: dict[str, str] = {}
    for article in gold_articles(gold_dir, articles_dir, errors):
        if article.file not in groups:
            errors.append({"file": article.file, "reason": f"not in the index {index_path}"})
            continue
        item = process(chain, article, errors)
        if item is None:
            continue
        languages[article.file] = article.language
        timed.append((article.file, item_time(item), item))
    ordered = arrival_order(timed)
    undated = {name for name, when, _ in timed if when is None}
    predicted = cluster(ordered)
    gold = {name: groups[name] for name in predicted}
    names = list(predicted)
    truth, pred = [gold[n] for n in names], [predicted[n] for n in names]
    pw, b3 = _rounded(pairwise(truth, pred)), _rounded(bcubed(truth, pred))
    by_language = Counter(languages.values())
    return {
        "bcubed_f1": b3["f1"],
        "pairwise_f1": pw["f1"],
        "bcubed_precision": b3["p"],
        "bcubed_recall": b3["r"],
        "pairwise_precision": pw["p"],
        "pairwise_recall": pw["r"],
        "predicted_stories": len(set(pred)),
        "gold_stories": len(set(truth)),
        "items": len(names),
        "undated_items": len(undated),
        "pairwise": pw,
        "per_language": {
            lang: {
                "items": by_language[lang],
                **_rounded(bcubed_of([n for n in names if languages[n] == lang], gold, predicted)),
            }
            for lang in language_order(by_language)
        },
        "misses": misses(gold, predicted),
        "order": [
            {
                "file": n,
                "time": when.isoformat(),
                "dated": n not in undated,
                "story": predicted[n],
                "group": gold[n],
            }
            for n, when, _ in ordered
        ],
        "errors": errors,
    }
