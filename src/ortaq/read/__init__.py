"""The read stage: what a careful editor reads in an item before anything else.

Language, script and direction; boilerplate out (for scraped text) with headline,
summary, body and credits apart; the dateline and its date; the publication date with
its precision and method; dates mentioned in the text; and, when the input states no
time, the item's own times from the publication date (ortaq.read.times). Every derived
value is kept with its method and confidence. Pure: the same item in gives the same
item out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from ortaq.model import DateMention, Derived, Item, Sentence
from ortaq.read.attribution import find_attribution
from ortaq.read.datelines import Dateline, find_dateline
from ortaq.read.dates import date_mentions
from ortaq.read.language import OTHER, TARGET_LANGUAGES, UNDETERMINED, identify
from ortaq.read.published import Published, choose_published
from ortaq.read.segment import sentences
from ortaq.read.structure import structure
from ortaq.read.times import fill_times, stated_time

__all__ = ["LANGUAGES", "Reading", "read_text", "stage"]

LANGUAGES: tuple[str, ...] = tuple(TARGET_LANGUAGES)
SCRAPED = "scraped"  # stage_data flag set by adapters whose text comes with page noise
REMOVED_KEPT = 100  # removed texts listed in stage_data (real articles: at most a handful)


@dataclass(frozen=True)
class Reading:
    """What the read stage found, in the shape `ortaq read --json` prints."""

    item: Item

    def to_json(self) -> dict[str, Any]:
        item, derived = self.item, self.item.derived
        language = derived.get("language")
        return {
            "source": item.source_name,
            "language": language.value if language else item.language,
            "language_confidence": language.confidence if language else None,
            "language_method": language.method if language else None,
            "script": _value(derived, "script"),
            "direction": _value(derived, "direction"),
            "headline": item.headline,
            "headline_derived": _value(derived, "headline"),
            "summary": item.summary,
            "body": item.body,
            "credits": item.credits,
            "dateline": _value(derived, "dateline"),
            "dateline_date": _value(derived, "dateline_date"),
            "published": _published_json(derived.get("published")),
            "times": _value(derived, "times"),
            "dates_mentioned": [d.to_json() for d in item.dates or () if d.value is not None],
            "source_agency": _value(derived, "source_agency"),
        }


def stage(item: Item) -> Item:
    language = _read_language(item)
    header = item.stage_data.get("scraper_header_date")
    metadata = stated_time(item)
    first_guess = choose_published(metadata, header, None)
    reference = first_guess.as_date() if first_guess else None
    if language not in LANGUAGES:  # no date or dateline knowledge for other languages
        _finish_without_language_data(item, metadata, header)
        return item
    blocks = [item.headline, *item.body] if item.headline else list(item.body)
    dateline = find_dateline(blocks, language, reference, max_paragraphs=3) if blocks else None
    if item.stage_data.get(SCRAPED):
        _separate_boilerplate(item, language, blocks, dateline)
    else:
        _strip_dateline(item, dateline)
    if dateline is not None:
        _record_dateline(item, dateline)
    attribution = find_attribution(item.body, language)
    if attribution is not None:
        item.derived["source_agency"] = Derived(attribution.source, "attribution-patterns", 0.7)
    published = choose_published(metadata, header, dateline)
    if published is not None:
        item.derived["published"] = Derived(
            published.to_json(), published.method, _confidence(published)
        )
    fill_times(item, published, dateline)
    text = item.text
    item.sentences = tuple(_sentences(item, language))
    item.dates = tuple(_dates(text, language, published, reference))
    return item


def _finish_without_language_data(item: Item, metadata: Any, header: str | None) -> None:
    published = choose_published(metadata, header, None)
    if published is not None:
        item.derived["published"] = Derived(
            published.to_json(), published.method, _confidence(published)
        )
    fill_times(item, published, None)


def _record_dateline(item: Item, dateline: Dateline) -> None:
    item.located = item.located or dateline.place
    item.byline = item.byline or dateline.byline
    item.derived["dateline"] = Derived(dateline.to_json(), "dateline-patterns", dateline.confidence)
    written = dateline.written
    if written is None or written.day is None or written.month is None:
        return
    year_from = "dateline" if written.year is not None else "reference" if dateline.date else None
    method = "dateline" if year_from != "reference" else "dateline+reference-year"
    confidence = dateline.confidence if year_from == "dateline" else dateline.confidence - 0.1
    value = {
        "value": dateline.date,
        "precision": "day" if dateline.date else None,
        "written": {"day": written.day, "month": written.month, "year": written.year},
        "year_from": year_from,
    }
    item.derived["dateline_date"] = Derived(value, method, round(confidence, 2))


def read_text(item: Item) -> Reading:
    """Run the stage and wrap the result for printing."""
    return Reading(stage(item))


def _read_language(item: Item) -> str:
    """Detect language, script and direction; a declared language is kept as declared."""
    text = "\n".join(p for p in (item.headline, item.summary, *item.body) if p)
    guess = identify(text)
    item.derived["script"] = Derived(guess.script, "icu-script", 1.0 if text else 0.0)
    item.derived["direction"] = Derived(guess.direction, "script", 1.0 if text else 0.0)
    if item.language:
        declared = item.language.lower()
        item.derived["language"] = Derived(declared, "metadata", 1.0)
        if guess.language in LANGUAGES and guess.language != declared:
            item.derived["language_detected"] = Derived(
                guess.language, guess.method, guess.confidence
            )
        return declared
    item.derived["language"] = Derived(guess.language, guess.method, guess.confidence)
    if guess.language not in (OTHER, UNDETERMINED):
        item.language = guess.language
    return guess.language


def _separate_boilerplate(
    item: Item, language: str, blocks: list[str], dateline: Dateline | None
) -> None:
    written = blocks[dateline.paragraph][: dateline.end] if dateline else None
    parts = structure(item.headline, item.body, language, dateline=written)
    if parts.headline_derived:
        item.derived["headline"] = Derived(parts.headline, "first-sentence", 0.5)
        item.headline = None
    else:
        item.headline = parts.headline
    item.summary = parts.summary or item.summary
    item.body = parts.body
    item.credits = [*item.credits, *(credit.value for credit in parts.credits)]
    if parts.removed:
        # One entry per dropped line would let a text of many tiny lines (2 bytes each)
        # store ten times its size; an editor audits the first few, the raw input has all.
        kept = parts.removed[:REMOVED_KEPT]
        item.stage_data["removed"] = [list(pair) for pair in kept]
        if len(parts.removed) > REMOVED_KEPT:
            item.stage_data["removed_more"] = len(parts.removed) - REMOVED_KEPT


def _strip_dateline(item: Item, dateline: Dateline | None) -> None:
    """Structured formats keep their fields; only a dateline opening the body goes."""
    if dateline is None:
        return
    offset = 1 if item.headline else 0
    index = dateline.paragraph - offset
    if 0 <= index < len(item.body):
        rest = dateline.rest.strip()
        item.body = [*item.body[:index], *([rest] if rest else []), *item.body[index + 1 :]]


def _sentences(item: Item, language: str) -> Iterator[Sentence]:
    """Sentences of each part of the item text, with offsets into the whole text."""
    offset = 0
    for part in (item.headline, item.summary, *item.body):
        if not part:
            continue
        for span in sentences(part, language):
            yield Sentence(offset + span.start, offset + span.end)
        offset += len(part) + 1


def _dates(
    text: str, language: str, published: Published | None, fallback: date | None
) -> list[DateMention]:
    """Every date of the text, resolved against the publication date (the stage's one
    date scan: later stages read `item.dates`)."""
    if published is None:
        return date_mentions(text, language, fallback)
    return date_mentions(
        text, language, published.as_date(), reference_precision=published.precision
    )


def _confidence(published: Published) -> float:
    return {"metadata": 1.0, "header": 0.9, "dateline": 0.85}.get(
        published.method.split("+")[0], 0.6
    )


def _value(derived: dict[str, Derived], key: str) -> Any:
    found = derived.get(key)
    return found.value if found else None


def _published_json(found: Derived | None) -> Any:
    return found.value if found else None
