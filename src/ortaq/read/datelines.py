"""Datelines: the "place, date, agency" an agency puts before its lead.

Each agency has its convention: "Bakou, 27 février, AZERTAC", "АСТАНА. KAZINFORM —",
"ANKARA (AA) -", "باكو (كونا) --", "МОСКВА, 5 апреля. /ТАСС/.", "Bakı, 27 fevral,
AZƏRTAC". The dateline may be a paragraph of its own or open the lead paragraph.

The parser looks for an agency near the start of the first paragraphs (a known name, a
name in brackets or slashes, or a word in capitals), then reads what precedes it as a
place and an optional date. An ordinary first sentence ("Le Kazakhstan souhaite ...")
has no agency there and no place in capitals, so it never reads as a dateline.
Agency names and place names live in data/datelines/ (scripts/build_dateline_data.py).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

from ortaq.read.dates import DateParts, fold, parse_date, resolve

DATA_DIR = Path(__file__).parent / "data" / "datelines"
HEAD_LIMIT = 100  # a dateline's agency starts within this many characters
PLACE_MAX_CHARS = 40
AgencyKind = Literal["known", "wrapped", "capitals", "none"]

WRAPPED = re.compile(r"\((?P<name>[^()\n]{1,30})\)|/(?P<slashed>[^/\n]{1,30})/")
CAPITALS = re.compile(r"(?<!\w)[^\W\d_]{2,}(?:-[^\W\d_]+)*(?![\w.])")
# What closes a dateline: "—", "--", "-", ":" or a full stop, then spaces.
CLOSING = re.compile(r"\s*(?:--|[-–—:](?!\w)|\.(?!\w)|,(?=\s*$))?\s*")
NO_AGENCY_CLOSING = re.compile(r"\s(?:--|[-–—])\s")
# Between place and date: a comma (Latin or Arabic), a full stop, or a spaced dash.
PLACE_DATE_SEPARATOR = re.compile(r"\s*[,،]\s*|\.\s+|\s+[-–—]+\s+")
COMMA_AFTER_PLACE = re.compile(r"\s*[,،]")
PLACE = re.compile(r"[^\W\d_][\w'’.\-]*(?:\s[^\W\d_][\w'’.\-]*){0,2}")
DAY_MONTH_NUMBERS = re.compile(r"(?P<day>\d{1,2})\s*[-/.]\s*(?P<month>\d{1,2})")


@dataclass(frozen=True)
class Dateline:
    """A dateline found at the start of a paragraph."""

    place: str  # as written: "Bakou", "АСТАНА", "باكو"
    country: str | None  # ISO 3166 alpha-2 of the place, when the gazetteer knows it
    agency: str | None  # as written: "AZERTAC", "KAZINFORM", "AA", "كونا", "ТАСС"
    date: str | None  # ISO; a year the dateline leaves out comes from the reference
    written: DateParts | None  # the date as written (month and day, year often missing)
    paragraph: int  # index of the paragraph it opens
    start: int  # span in that paragraph
    end: int
    rest: str  # the paragraph after the dateline; "" if it was only the dateline

    def to_json(self) -> dict[str, Any]:
        return {
            "place": self.place,
            "country": self.country,
            "agency": self.agency,
            "date": self.date,
        }


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    name: str | None
    kind: AgencyKind


@dataclass(frozen=True)
class _Head:
    place: str
    place_start: int
    country: str | None
    written: DateParts | None


@dataclass(frozen=True)
class _Lexicon:
    agencies: re.Pattern[str]
    known: frozenset[str]
    date_prefixes: re.Pattern[str]
    places: dict[str, str]


def find_dateline(
    paragraphs: list[str],
    language: str,
    reference: date | None,
    *,
    max_paragraphs: int = 2,
) -> Dateline | None:
    """The dateline opening one of the first paragraphs, if any. `reference` (the
    publication date, or the best guess at it) supplies the year a dateline omits."""
    lexicon = _lexicon(language if language in _LANGUAGES else "en")
    for index, paragraph in enumerate(paragraphs[:max_paragraphs]):
        found = _dateline_in(paragraph, index, language, lexicon, reference)
        if found is not None:
            return found
    return None


def _dateline_in(
    paragraph: str, index: int, language: str, lexicon: _Lexicon, reference: date | None
) -> Dateline | None:
    for candidate in _candidates(paragraph, lexicon):
        head = _read_head(paragraph[: candidate.start], language, lexicon)
        if head is None or not _convincing(head, candidate):
            continue
        closing = CLOSING.match(paragraph, candidate.end)
        assert closing is not None  # CLOSING can match the empty string
        rest = paragraph[closing.end() :]
        if not _closes_cleanly(closing.group().strip(), rest, candidate):
            continue
        return Dateline(
            place=head.place,
            country=head.country,
            agency=candidate.name,
            date=_resolved(head.written, reference),
            written=head.written,
            paragraph=index,
            start=head.place_start,
            end=closing.end(),
            rest=rest,
        )
    return None


def _candidates(paragraph: str, lexicon: _Lexicon) -> list[_Candidate]:
    """Possible agency spans near the start, in order (a known name wins over other
    readings of the same span), then the first dash, for datelines without an agency
    ("ANKARA - ...")."""
    head = paragraph[:HEAD_LIMIT]
    found: dict[int, _Candidate] = {}
    for match in lexicon.agencies.finditer(head):
        found.setdefault(match.start(), _Candidate(*match.span(), match.group(), "known"))
    for match in WRAPPED.finditer(head):
        name = (match.group("name") or match.group("slashed")).strip()
        kind: AgencyKind = "known" if name in lexicon.known else "wrapped"
        found.setdefault(match.start(), _Candidate(*match.span(), name, kind))
    for match in CAPITALS.finditer(head):
        if match.group().isupper() and match.start() not in found:
            found[match.start()] = _Candidate(*match.span(), match.group(), "capitals")
    candidates = [found[start] for start in sorted(found)]
    dash = NO_AGENCY_CLOSING.search(head)
    if dash is not None:
        candidates.append(_Candidate(dash.start(), dash.start(), None, "none"))
    return candidates


def _read_head(text: str, language: str, lexicon: _Lexicon) -> _Head | None:
    """Place, optional country or state, optional date before the agency:
    "Bakou, 27 février, ", "АСТАНА. ", "GROSSETO, Italy "."""
    stripped = text.rstrip(" \t,،-–—/")  # a final "." may end "г." or "avr."
    body = stripped.lstrip()
    place, remainder = _split_once(body)
    comma_after_place = COMMA_AFTER_PLACE.match(body, len(place)) is not None
    place = place.rstrip(".")
    if not place or len(place) > PLACE_MAX_CHARS or not PLACE.fullmatch(place):
        return None
    country = lexicon.places.get(fold(place))
    written = _read_date(remainder, language, lexicon) if remainder else None
    if remainder and written is None:
        # "GROSSETO, Italy (AP)", "WASHINGTON, D.C., April 5 (AP)": a country or state first
        separator = PLACE_DATE_SEPARATOR.search(remainder)
        qualifier = remainder[: separator.start()] if separator else remainder
        if not (comma_after_place and PLACE.fullmatch(qualifier)):
            return None  # something other than a date between place and agency
        country = country or lexicon.places.get(fold(qualifier))
        if separator is not None:
            written = _read_date(remainder[separator.end() :], language, lexicon)
            if written is None:
                return None
    return _Head(place, len(stripped) - len(body), country, written)


def _split_once(text: str) -> tuple[str, str]:
    """("Bakou", "27 février") from "Bakou, 27 février"; ("МОСКВА", "5 апреля") from
    "МОСКВА 5 апреля"."""
    separator = PLACE_DATE_SEPARATOR.search(text)
    if separator is not None:
        return text[: separator.start()], text[separator.end() :]
    digit = re.search(r"\d", text)
    cut = digit.start() if digit else len(text)
    return text[:cut].rstrip(), text[cut:]


def _read_date(text: str, language: str, lexicon: _Lexicon) -> DateParts | None:
    text = lexicon.date_prefixes.sub("", text, count=1).strip()
    # A French copy may carry an English dateline: the article's language first.
    for candidate_language in (language, *(lang for lang in _LANGUAGES if lang != language)):
        parts = parse_date(text, candidate_language)
        if parts is not None:
            # "dün", "hier": a word, not a dateline's date
            return parts if parts.relative_days is None and not parts.month_shift else None
    numbers = DAY_MONTH_NUMBERS.fullmatch(text.rstrip("."))  # KUNA: "الكويت - 5 - 4 (كونا)"
    if numbers is None:
        return None
    day, month = int(numbers.group("day")), int(numbers.group("month"))
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return None
    return DateParts(0, len(text), month=month, day=day)


def _convincing(head: _Head, candidate: _Candidate) -> bool:
    """Enough evidence that this is a dateline and not a sentence: a known agency, or an
    agency-looking name after a known or capitalised place, or a place and a date."""
    known_place = head.country is not None
    capital_place = head.place.isupper()
    has_date = head.written is not None
    if candidate.kind == "known":
        return known_place or capital_place or has_date
    if candidate.kind == "wrapped":
        name = candidate.name or ""
        looks_like_agency = name.isupper() or not any(ch.isupper() or ch.islower() for ch in name)
        return looks_like_agency and len(name.split()) <= 4 and (known_place or capital_place)
    if candidate.kind == "capitals":
        return (known_place or capital_place) and (has_date or (known_place and capital_place))
    return known_place and (capital_place or has_date)


def _closes_cleanly(closing: str, rest: str, candidate: _Candidate) -> bool:
    """A dateline is closed by a dash, colon or full stop; only a known or bracketed
    agency may run straight into the text ("ANKARA (AA) Türkiye"), and only a known one
    may make up a whole paragraph ("Bakou, 27 février, AZERTAC"). What follows is never
    all capitals: "TÜRKİYE - AZERBAYCAN MEDYA FORUMU" is a headline."""
    if rest.isupper():
        return False
    if not rest.strip():  # a paragraph of its own: only with an agency we know
        return candidate.kind == "known"
    if closing:
        return True
    if candidate.kind in ("known", "wrapped"):
        return not rest.lstrip()[:1].islower()
    return False


def _resolved(written: DateParts | None, reference: date | None) -> str | None:
    if written is None:
        return None
    mention = resolve(written, "", reference)
    return mention.value if mention is not None else None


# --- data ----------------------------------------------------------------------------

_LANGUAGES = ("kk", "ar", "fr", "tr", "az", "ru", "en")


def _alternation(words: list[str]) -> str:
    escaped = (
        re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=lambda w: (-len(w), w))
    )
    return "|".join(escaped) or "(?!)"


@cache
def _places() -> dict[str, str]:
    raw: dict[str, str] = json.loads((DATA_DIR / "places.json").read_text("utf-8"))
    return {fold(name): country for name, country in raw.items()}


@cache
def _lexicon(language: str) -> _Lexicon:
    data = json.loads((DATA_DIR / f"{language}.json").read_text("utf-8"))
    prefixes = [*data["date_prefixes"], *data["weekdays"]]
    return _Lexicon(
        agencies=re.compile(rf"(?<!\w)(?:{_alternation(data['agencies'])})(?!\w)"),
        known=frozenset(data["agencies"]),
        date_prefixes=re.compile(rf"^\s*(?:(?:{_alternation(prefixes)})(?!\w)[\s,]*)+", re.I),
        places=_places(),
    )
