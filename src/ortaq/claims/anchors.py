"""Language-independent anchors of a claim: what a translation keeps.

An **anchor** is one thing a sentence names that any language writes recognisably: an
entity the entities stage found (its id, and the name keys of its name as written and
as resolved, so an id spelt two ways still meets itself), a number with the magnitude
word after it normalised ("48 thousand", "48 мың", "48 ألف" and "48,000" are one
anchor), a day of a month, and, at a lower weight, a capitalised word no entity covers
(a name the entities stage missed; a `name`, weighed as an entity, in a text the
entities stage did not read at all). An anchor has several keys, any one of which
another text may carry; the keys are the stories stage's cross-language keys
(`ortaq.stories.features`), so the story linker's counts weigh them.

Magnitude words come from CLDR (`data/magnitudes.json`, scripts/build_number_data.py).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from ortaq.model import Mention
from ortaq.stories.features import dates, entity_name_keys, name_keys_of_word, numbers

MAGNITUDES = Path(__file__).parent / "data" / "magnitudes.json"
PREFIX_MIN = 3  # a magnitude word this long also matches inflected ("мыңнан", "milyonluq")
YEARS = range(1800, 2200)  # a four-digit number in this range is also a year key

ENTITY, NAME, NUMBER, DATE, WORD = "entity", "name", "number", "date", "word"
STRONG = (ENTITY, NAME, NUMBER)  # anchors that tell a claim from small talk

_NUMBER_THEN_WORD = re.compile(
    r"(\d+(?:[ \u00a0\u202f.,'’]\d{3})*(?:[.,]\d+)?)[ \u00a0\u202f]?([^\W\d_]+\.?)?"
)
_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_EASTERN = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


@dataclass(frozen=True)
class Anchor:
    """One thing a text names: the keys any of which another text may carry."""

    kind: str  # entity | name | number | date | word
    keys: frozenset[str]


@cache
def magnitude_words() -> dict[str, dict[str, int]]:
    """Language -> magnitude word -> power of ten (CLDR compact decimal formats)."""
    data = json.loads(MAGNITUDES.read_text(encoding="utf-8"))
    return {lang: dict(words) for lang, words in data["languages"].items()}


@cache
def _any_language_words() -> dict[str, int]:
    """Magnitude words of every language that no two languages read differently."""
    seen: dict[str, set[int]] = {}
    for words in magnitude_words().values():
        for word, power in words.items():
            seen.setdefault(word, set()).add(power)
    return {word: next(iter(p)) for word, p in seen.items() if len(p) == 1}


def magnitude(word: str, language: str | None) -> int:
    """The power of ten a word after a number multiplies it by (0: none)."""
    words = magnitude_words().get(language or "") or _any_language_words()
    folded = word.casefold().rstrip(".")
    if folded in words:
        return words[folded]
    for candidate, power in words.items():
        if len(candidate) >= PREFIX_MIN and folded.startswith(candidate):
            return power
    return 0


def scaled(value: str, power: int) -> str:
    """A normalised number ('2.5') times 10^power, normalised the same way."""
    whole, _, fraction = value.partition(".")
    fraction = fraction.ljust(power, "0")
    digits = (whole + fraction[:power]).lstrip("0") or "0"
    rest = fraction[power:].rstrip("0")
    return f"{digits}.{rest}" if rest else digits


def number_keys(text: str, language: str | None) -> list[frozenset[str]]:
    """One key set per number written in `text` (single digits left out, as the story
    keys do): its value as written, and scaled by a magnitude word after it."""
    found = []
    for match in _NUMBER_THEN_WORD.finditer(text.translate(_EASTERN)):
        written = numbers(match.group(1))
        if not written:
            continue
        keys = {"n:" + written[0]}
        power = magnitude(match.group(2), language) if match.group(2) else 0
        if power:
            keys = {"n:" + scaled(written[0], power)}
        elif written[0].isdigit() and int(written[0]) in YEARS:
            keys.add("y:" + written[0])
        found.append(frozenset(keys))
    return found


def number_anchor_keys(text: str, language: str | None) -> frozenset[str]:
    """Every number key of `text` (for tests and lookups)."""
    return frozenset().union(*number_keys(text, language))


@lru_cache(maxsize=20_000)
def _mention_keys(entity_id: str | None, names: tuple[str, ...]) -> frozenset[str]:
    keys = {"e:" + entity_id} if entity_id else set()
    for name in names:
        keys.update(entity_name_keys(name))
    return frozenset(keys)


def anchors(
    text: str, language: str | None, mentions: Sequence[Mention] | None = None, start: int = 0
) -> tuple[Anchor, ...]:
    """The anchors of `text`; `mentions` are the entities stage's mentions inside it
    (offsets into the text `start` is the offset of), None if the stage did not run."""
    found: list[Anchor] = []
    covered: list[tuple[int, int]] = []
    word_kind = NAME if mentions is None else WORD
    for mention in mentions or ():
        names = tuple(dict.fromkeys(n for n in (mention.text, mention.canonical) if n))
        keys = _mention_keys(mention.entity_id, names)
        if keys:
            found.append(Anchor(ENTITY, keys))
            covered.append((mention.start - start, mention.end - start))
    found.extend(Anchor(NUMBER, keys) for keys in number_keys(text, language))
    found.extend(Anchor(DATE, frozenset([key])) for key in dates(text, language) if key[0] == "d")
    for match in _WORD.finditer(text):
        word = match.group()
        if not word[0].isupper() or _sentence_initial(text, match.start()):
            continue
        if any(a <= match.start() < b for a, b in covered):
            continue
        keys = frozenset(name_keys_of_word(word, language))
        if keys:
            found.append(Anchor(word_kind, keys))
    return tuple(dict.fromkeys(found))


def _sentence_initial(text: str, at: int) -> bool:
    """Is the word at `at` the first of its sentence (capitalised whatever it is)?"""
    before = text[:at].rstrip(" \u00a0«\"'“„(")
    return not before or before[-1] in ".!?:\n"
