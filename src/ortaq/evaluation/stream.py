"""Stream benchmark: online story clustering of the same stories in up to five languages.

From lines 0–399 of every language present in an X-WMT-style directory (files in the
same language are identical there, so those lines are one multi-parallel set), take
windows of `window` sentences starting every `stride` lines, keep a seeded random
round(keep·window) of each window's sentences independently per language (same-story
mode: versions share facts, not all their sentences), give each a random time within
`days` days, and feed the time-ordered stream to `StoryIndex`. The true story of an item
is its window's start line. Reports pairwise (Priberam) and BCubed precision/recall/F1.
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

from ortaq.evaluation.clustering import bcubed, pairwise
from ortaq.stories.clustering import StoryIndex
from ortaq.stories.features import text_features

MULTI_PARALLEL_LINES = 400


def language_files(data_dir: Path) -> dict[str, Path]:
    """One file per language: the first X-WMT-style `a-b.x` file in that language."""
    out: dict[str, Path] = {}
    for path in sorted(Path(data_dir).glob("*-*.*")):
        pair, language = path.stem, path.suffix.lstrip(".")
        if language in pair.split("-") and language not in out:
            out[language] = path
    return out


def build_stream(
    data_dir: Path,
    window: int = 8,
    stride: int = 20,
    keep: float = 0.5,
    seed: int = 0,
    lines: tuple[int, int] = (0, MULTI_PARALLEL_LINES),
    days: float = 3.0,
) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    count = max(1, int(keep * window + 0.5)) if keep < 1 else window
    stream = []
    for language, path in language_files(data_dir).items():
        text = path.read_text(encoding="utf-8").splitlines()[:MULTI_PARALLEL_LINES]
        for start in range(lines[0], lines[1] - window + 1, stride):
            chosen = list(range(start, start + window))
            if count < window:
                chosen = sorted(rng.sample(chosen, count))
            stream.append(
                {
                    "id": f"{language}:{start}",
                    "language": language,
                    "story": start,
                    "text": "\n".join(text[i] for i in chosen),
                    "time": rng.uniform(0, days * 86400.0),
                }
            )
    stream.sort(key=lambda item: (item["time"], item["id"]))
    return stream


def evaluate_stream(
    data_dir: Path | str,
    window: int = 8,
    stride: int = 20,
    keep: float = 0.5,
    seed: int = 0,
    lines: tuple[int, int] = (0, MULTI_PARALLEL_LINES),
    **settings: Any,
) -> dict[str, Any]:
    stream = build_stream(Path(data_dir), window, stride, keep, seed, lines)
    index = StoryIndex(**settings)
    started = time.perf_counter()
    for item in stream:
        features = text_features(item["text"], item["language"])
        index.add(item["id"], features, item["time"])
    elapsed = time.perf_counter() - started
    truth = [item["story"] for item in stream]
    pred = [index.story_of(item["id"]) for item in stream]
    pw, b3 = pairwise(truth, pred), bcubed(truth, pred)
    return {
        "data": str(data_dir),
        "window": window,
        "stride": stride,
        "keep": keep,
        "seed": seed,
        "lines": list(lines),
        "languages": sorted({item["language"] for item in stream}),
        "items": len(stream),
        "true_stories": len(set(truth)),
        "predicted_stories": len(set(pred)),
        "pairwise": {k: pw[k] for k in ("p", "r", "f1", "tp", "fp", "fn")},
        "bcubed": b3,
        "items_per_s": len(stream) / elapsed if elapsed > 0 else 0.0,
    }
