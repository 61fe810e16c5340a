"""`ortaq eval langid`: language identification measured on a `lang<TAB>text` file.

Gold codes are ISO 639-1; anything outside the seven exchange languages counts as
"other", which is what the reader must answer for it. Lines starting with `#` are
comments, except `#source=NAME`, which labels the lines after it so results can be
reported per source (the dev sets mark X-WMT that way).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ortaq.read.language import OTHER, TARGET_LANGUAGES, identify, load_detectors

TOP_CONFUSIONS = 10


@dataclass(frozen=True)
class Example:
    gold: str  # a target language or "other"
    gold_code: str  # the code as written in the file
    text: str
    source: str | None


def read_examples(lines: Iterable[str]) -> Iterator[Example]:
    source: str | None = None
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if line.startswith("#source="):
            source = line.removeprefix("#source=").strip() or None
            continue
        if not line.strip() or line.startswith("#"):
            continue
        code, tab, text = line.partition("\t")
        if not tab:
            raise ValueError(f"line {number}: expected 'lang<TAB>text'")
        code = code.strip().lower()
        yield Example(code if code in TARGET_LANGUAGES else OTHER, code, text, source)


def _ratio(numerator: int, denominator: int) -> float:
    return round(numerator / denominator, 4) if denominator else 0.0


def _per_language(pairs: list[tuple[str, str]]) -> dict[str, dict[str, Any]]:
    gold_counts = Counter(gold for gold, _ in pairs)
    predicted_counts = Counter(predicted for _, predicted in pairs)
    correct = Counter(gold for gold, predicted in pairs if gold == predicted)
    result: dict[str, dict[str, Any]] = {}
    for language in sorted(set(gold_counts) | set(predicted_counts)):
        precision = _ratio(correct[language], predicted_counts[language])
        recall = _ratio(correct[language], gold_counts[language])
        f1 = round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0
        result[language] = {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "support": gold_counts[language],
        }
    return result


def _confusions(pairs: list[tuple[str, str]]) -> list[dict[str, Any]]:
    counts = Counter((gold, predicted) for gold, predicted in pairs if gold != predicted)
    return [
        {"gold": gold, "predicted": predicted, "count": count}
        for (gold, predicted), count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[
            :TOP_CONFUSIONS
        ]
    ]


def _per_source(examples: list[Example], predictions: list[str]) -> dict[str, dict[str, Any]]:
    totals: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    for example, predicted in zip(examples, predictions, strict=True):
        if example.source is None:
            continue
        totals[example.source] += 1
        correct[example.source] += example.gold == predicted
    return {
        source: {"accuracy": _ratio(correct[source], totals[source]), "n": totals[source]}
        for source in sorted(totals)
    }


def _other_codes(examples: list[Example], predictions: list[str]) -> dict[str, dict[str, Any]]:
    """For gold codes outside the seven: how often each came out as "other", and as what."""
    outcomes: dict[str, Counter[str]] = {}
    for example, predicted in zip(examples, predictions, strict=True):
        if example.gold == OTHER:
            outcomes.setdefault(example.gold_code, Counter())[predicted] += 1
    return {
        code: {
            "n": counts.total(),
            "as_other": _ratio(counts[OTHER], counts.total()),
            "predicted": dict(counts.most_common()),
        }
        for code, counts in sorted(outcomes.items())
    }


def evaluate_langid(path: Path) -> dict[str, Any]:
    """Accuracy, per-language precision/recall/f1, top confusions and speed on `path`."""
    with path.open(encoding="utf-8") as lines:
        examples = list(read_examples(lines))
    load_detectors()  # model loading is not identification speed
    started = time.perf_counter()
    predictions = [identify(example.text).language for example in examples]
    elapsed = time.perf_counter() - started
    pairs = [(ex.gold, predicted) for ex, predicted in zip(examples, predictions, strict=True)]
    report: dict[str, Any] = {
        "data": str(path),
        "n": len(pairs),
        "accuracy": _ratio(sum(gold == predicted for gold, predicted in pairs), len(pairs)),
        "per_language": _per_language(pairs),
        "confusions": _confusions(pairs),
        "items_per_s": round(len(pairs) / elapsed, 1) if elapsed > 0 else None,
    }
    if other_codes := _other_codes(examples, predictions):
        report["other_codes"] = other_codes
    if by_source := _per_source(examples, predictions):
        report["per_source"] = by_source
    return report
