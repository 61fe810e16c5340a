"""schema.org ClaimReview JSON-LD: Ortaq's reviews out, fact-checkers' reviews in. Pure.

Export follows Google's documented ClaimReview properties (required: claimReviewed,
reviewRating with alternateName, url; recommended: author, datePublished, itemReviewed
as a Claim with appearance, author and datePublished; the Rating's ratingValue,
bestRating, worstRating and name). The rating scale is Ortaq's five steps, worst first,
as ratingValue 1..5; the words other fact-checkers rate with are read back onto it from
`data/ratings.json`, else their ratingValue is placed on the scale.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from ortaq.read.normalise import match_key

DATA = Path(__file__).parent / "data" / "ratings.json"
CONTEXT = "https://schema.org"
MAX_CLAIMS = 10_000


class ClaimReviewError(ValueError):
    """A document that is not ClaimReview JSON-LD Ortaq can read; the message says why."""


@cache
def _ratings() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


def scale() -> tuple[str, ...]:
    return tuple(_ratings()["scale"])


def label(rating: str) -> str:
    return str(_ratings()["labels"][rating])


@dataclass(frozen=True)
class Appearance:
    """Where the claim appeared: an item's uri or URL, who published it, when."""

    url: str
    publisher: str | None = None
    published: str | None = None


@dataclass(frozen=True)
class ClaimReviewDoc:
    """One ClaimReview as Ortaq reads or writes it."""

    claim: str
    rating: str  # a step of the scale
    url: str
    author: str
    date_published: str | None = None
    explanation: str | None = None
    language: str | None = None
    appearances: tuple[Appearance, ...] = field(default_factory=tuple)
    author_url: str | None = None
    rating_text: str | None = None  # the fact-checker's own word for it


def to_jsonld(doc: ClaimReviewDoc, *, context: bool = True) -> dict[str, Any]:
    """One ClaimReview object."""
    position = scale().index(doc.rating) + 1
    rating: dict[str, Any] = {
        "@type": "Rating",
        "ratingValue": position,
        "bestRating": len(scale()),
        "worstRating": 1,
        "alternateName": doc.rating_text or label(doc.rating),
        "name": label(doc.rating),
    }
    if doc.explanation:
        rating["ratingExplanation"] = doc.explanation
    claim: dict[str, Any] = {"@type": "Claim"}
    if doc.appearances:
        first = doc.appearances[0]
        claim["appearance"] = [_creative_work(a) for a in doc.appearances]
        claim["firstAppearance"] = _creative_work(first)
        if first.publisher:
            claim["author"] = {"@type": "Organization", "name": first.publisher}
        if first.published:
            claim["datePublished"] = first.published
    author: dict[str, Any] = {"@type": "Organization", "name": doc.author}
    if doc.author_url:
        author["url"] = doc.author_url
    out: dict[str, Any] = {"@context": CONTEXT} if context else {}
    out |= {
        "@type": "ClaimReview",
        "url": doc.url,
        "claimReviewed": doc.claim,
        "itemReviewed": claim,
        "author": author,
        "reviewRating": rating,
    }
    if doc.date_published:
        out["datePublished"] = doc.date_published
    if doc.language:
        out["inLanguage"] = doc.language
    return out


def _creative_work(appearance: Appearance) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork", "url": appearance.url}
    if appearance.publisher:
        work["publisher"] = {"@type": "Organization", "name": appearance.publisher}
    if appearance.published:
        work["datePublished"] = appearance.published
    return work


def feed(docs: list[ClaimReviewDoc]) -> dict[str, Any]:
    """Many ClaimReviews as one JSON-LD document (a DataFeed, as fact-check feeds are)."""
    return {
        "@context": CONTEXT,
        "@type": "DataFeed",
        "dataFeedElement": [to_jsonld(d, context=False) for d in docs],
    }


# -- reading -------------------------------------------------------------------------------


def parse(data: bytes | str, source: str = "input") -> list[ClaimReviewDoc]:
    """Every ClaimReview in a JSON-LD document: one object, a list, an @graph or a
    DataFeed. Raises ClaimReviewError naming the source and the reason."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as error:
        raise ClaimReviewError(f"{source}: not JSON ({error})") from None
    found = list(_claim_reviews(document))
    if not found:
        raise ClaimReviewError(f"{source}: no ClaimReview in it")
    if len(found) > MAX_CLAIMS:
        raise ClaimReviewError(f"{source}: more than {MAX_CLAIMS} ClaimReviews")
    docs = []
    for number, obj in enumerate(found, 1):
        try:
            docs.append(_doc(obj))
        except (KeyError, TypeError, ValueError) as error:
            raise ClaimReviewError(f"{source}: ClaimReview {number}: {error}") from None
    return docs


def _claim_reviews(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, list):
        return [found for child in node for found in _claim_reviews(child)]
    if not isinstance(node, dict):
        return []
    types = node.get("@type")
    if types == "ClaimReview" or (isinstance(types, list) and "ClaimReview" in types):
        return [node]
    children = [node[k] for k in ("@graph", "dataFeedElement", "item") if k in node]
    return [found for child in children for found in _claim_reviews(child)]


def _doc(obj: dict[str, Any]) -> ClaimReviewDoc:
    claim = _text(obj.get("claimReviewed"), "claimReviewed")
    url = _text(obj.get("url"), "url")
    rating = obj.get("reviewRating")
    if not isinstance(rating, dict):
        raise ValueError("reviewRating: missing")
    step, said = rating_step(rating)
    author = obj.get("author")
    author_name = _name(author) or "unknown"
    author_url = author.get("url") if isinstance(author, dict) else None
    reviewed = obj.get("itemReviewed") if isinstance(obj.get("itemReviewed"), dict) else {}
    assert isinstance(reviewed, dict)
    return ClaimReviewDoc(
        claim=claim,
        rating=step,
        url=url,
        author=author_name,
        date_published=_optional(obj.get("datePublished")),
        explanation=_optional(rating.get("ratingExplanation")),
        language=_language(obj.get("inLanguage")),
        appearances=_appearances(reviewed),
        author_url=author_url if isinstance(author_url, str) else None,
        rating_text=said if said and said != label(step) else None,
    )


def rating_step(rating: dict[str, Any]) -> tuple[str, str | None]:
    """The step of the scale a Rating says, and the fact-checker's own word."""
    said = rating.get("alternateName") or rating.get("name")
    if isinstance(said, str) and said.strip():
        folded = match_key(said)
        for step, words in _ratings()["synonyms"].items():
            if folded in {match_key(w) for w in words}:
                return step, said
    value = _number(rating.get("ratingValue"))
    if value is not None:
        best = _number(rating.get("bestRating")) or 5.0
        worst = _number(rating.get("worstRating")) or 1.0
        if best != worst:
            share = min(1.0, max(0.0, (value - worst) / (best - worst)))
            return scale()[round(share * (len(scale()) - 1))], said if isinstance(
                said, str
            ) else None
    raise ValueError(f"reviewRating: cannot place {said!r} on the scale")


def _appearances(reviewed: dict[str, Any]) -> tuple[Appearance, ...]:
    works = reviewed.get("appearance") or reviewed.get("firstAppearance") or []
    if not isinstance(works, list):
        works = [works]
    claim_author = _name(reviewed.get("author"))
    found = []
    for work in works:
        if isinstance(work, str):
            found.append(Appearance(work, claim_author, _optional(reviewed.get("datePublished"))))
        elif isinstance(work, dict) and isinstance(work.get("url"), str):
            # a CreativeWork says who published it, or nobody does (the Claim's author
            # made the claim; it may not be whoever carried it)
            publisher = _name(work.get("publisher")) or _name(work.get("author"))
            published = _optional(work.get("datePublished"))
            found.append(Appearance(work["url"], publisher, published))
    return tuple(found)


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name}: missing")
    return value.strip()


def _optional(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _name(value: Any) -> str | None:
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict):
        return _optional(value.get("name"))
    return _optional(value)


def _language(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    return _optional(value)


def _number(value: Any) -> float | None:
    try:
        return float(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def iso(moment: datetime) -> str:
    return moment.isoformat()
