"""The read stage: language, script, direction and publication date of an item.

This is the spine's first cut; the reading issue makes it precise (boilerplate,
datelines, dates in text, segmentation, normalisation for matching).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from functools import lru_cache
from typing import Any

from ortaq.model import Derived, Item

LANGUAGES = ("kk", "ar", "fr", "tr", "az", "ru", "en")
RTL_SCRIPTS = {"Arab", "Hebr", "Syrc", "Thaa"}
SCRIPT_PREFIXES = {
    "LATIN": "Latn",
    "CYRILLIC": "Cyrl",
    "ARABIC": "Arab",
    "GREEK": "Grek",
    "HEBREW": "Hebr",
    "CJK": "Hani",
    "HIRAGANA": "Jpan",
    "KATAKANA": "Jpan",
    "HANGUL": "Kore",
    "DEVANAGARI": "Deva",
    "GEORGIAN": "Geor",
    "ARMENIAN": "Armn",
}


def stage(item: Item) -> Item:
    text = "\n".join(p for p in (item.headline, item.summary, *item.body) if p)
    script = detect_script(text)
    item.derived["script"] = Derived(script, "unicode-majority", 1.0 if text else 0.0)
    item.derived["direction"] = Derived(
        "rtl" if script in RTL_SCRIPTS else "ltr", "script", 1.0 if text else 0.0
    )
    if item.language:
        item.derived["language"] = Derived(item.language, "metadata", 1.0)
    elif text:
        language, confidence = detect_language(text)
        item.language = language
        item.derived["language"] = Derived(language, "py3langid", confidence)
    published = item.versioncreated or item.firstcreated
    if published is not None:
        item.derived["published"] = Derived(
            {"value": published.isoformat(), "precision": "minute"}, "metadata", 1.0
        )
    elif "header_date" in item.derived:
        header: Any = item.derived["header_date"].value
        precision = "day" if len(str(header)) == 10 else "month"
        item.derived["published"] = Derived(
            {"value": header, "precision": precision}, "scraper-header", 0.9
        )
    return item


def detect_script(text: str) -> str:
    """The ISO 15924 code of the script most letters are written in."""
    counts: Counter[str] = Counter()
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            counts[SCRIPT_PREFIXES.get(name.split(" ", 1)[0], "Zyyy")] += 1
    return counts.most_common(1)[0][0] if counts else "Zyyy"


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return identifier


def detect_language(text: str) -> tuple[str, float]:
    """Language code (one of LANGUAGES, or another ISO 639-1 code) and its probability."""
    language, probability = _identifier().classify(text)
    return str(language), float(probability)
