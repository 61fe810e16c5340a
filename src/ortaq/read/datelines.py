"""Datelines: the "place, date, agency" an agency puts before its lead.

Each agency has its convention, and they share one grammar:

    [byline] PLACE[/PLACE...][, QUALIFIER] [SEP DATE] [SEP AGENCY] CLOSING text

    "Bakou, 26 octobre, AZERTAC"            "ST. PETERSBURG, July 27. /TASS/."
    "МОСКВА, 20 авг – РИА Новости."          "جدة 24-11-2021 (يونا) –"
    "Kazan (UNA) -"                          "ABU DHABI. KAZINFORM"
    "Djeddah, Arabie Saoudite (UNA) –"       "by Hatem Mohamed SHARJAH, March 21st, 2019 (WAM) --"
    "DUBAI, (UrduPoint / WAM - 21st Dec, 2021)"   "Rabat —"   "UZBEKISTAN, March 29 -"

The place is a run of capitalised words (any words in scripts without case), found by
its shape, not looked up: the gazetteer (data/datelines/places.json) only confirms it
and gives its country. The date is a CLDR day and month (data/dates/) or a numeric
dd-mm-yyyy, dd.mm.yyyy, "5 - 4" (Arabic-Indic digits too). The agency is a name in
brackets or slashes, a known name (data/datelines/<lang>.json and the organisation
knowledge base), or a capitalised name closed by a full stop or dash. The closing is a
dash, a colon, a full stop or the end of the paragraph.

Every reading of a paragraph's start is weighed by its evidence (see `_convincing`): an
ordinary first sentence ("Le Kazakhstan souhaite ...", "Anadolu Agency (AA) Director
...") has no closing where a dateline has one, or no place in capitals, no date and no
agency, so it never reads as a dateline. A byline alone, a source tag at the end or a
"... reports" phrase never reads as one either (realnews/ANNOTATION.md, section 2).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

from ortaq.read.dates import DateParts, fold, resolve, scan_dates

DATA_DIR = Path(__file__).parent / "data" / "datelines"
HEAD_LIMIT = 200  # a dateline ends within this many characters of the paragraph start
MAX_PLACE_WORDS = 4  # "Ras al Khaimah", "ST. PETERSBURG", "Saint-Denis de la Réunion"
MAX_UNCASED_PLACE_WORDS = 2  # Arabic has no capitals to tell a place from a sentence
MAX_BYLINE_WORDS = 5
MAX_NAME_WORDS = 3  # an agency recognised by its shape: "SalamNews", "РИА Новости"
MAX_WRAPPED_NAME_WORDS = 4
MAX_CREDIT_LINE_WORDS = 10  # "Москва, пресс-служба медиагруппы «Россия сегодня»"
DATE_WINDOW = 48
BARE_DASH_MIN_WORDS = 12  # "Rabat — <a sentence>" and not "Moscow – Beijing talks"
AGENCY_KINDS = frozenset({"agency", "broadcaster", "media group"})

AgencyKind = Literal["known", "wrapped", "shaped"]
PlaceKind = Literal["known", "capitals", "capitalised", "uncased"]
Closing = Literal["dash", "stop", "end", "space"]  # "—"/"-"/":", ".", paragraph end, space

# A word of a place: letters first (never the Arabic tatweel, which newspapers use as a
# dash: "مدريد ـ رويترز ـ"), then letters, digits, apostrophes, inner hyphens.
WORD = re.compile(r"(?!ـ)[^\W\d_][\w'’]*(?:[-‐‑][\w'’]+)*")
NAME_WORD = re.compile(r"(?!ـ)[^\W\d_][\w'’&.]*(?<![.])(?:[-‐‑][\w'’]+)*")
DASHES = "-–—−ـ"
# Between dateline parts: a comma (Latin or Arabic), a full stop, a spaced dash, spaces.
SEPARATOR = re.compile(rf"\s*[,،]\s*|\.\s+|\s+(?:--|[{DASHES}])\s+|\s+")
SLASH = re.compile(r"\s?/\s?")
WRAPPED = re.compile(r"\((?P<round>[^()\n]{1,80})\)|/\s?(?P<slashed>[^/\s][^/\n]{0,29}?)\s?/")
CREDIT_SPLIT = re.compile(r"\s+/\s+|/")
CREDIT_DATE = re.compile(r"^(?P<name>.+?)\s*(?:\s[-–—]|,)\s*(?P<date>\S.*\d.*)$")
# What closes a dateline: a dash, a colon or a full stop (after an optional comma or
# full stop: "/ТАСС/. —"), then a space or the end of the paragraph.
CLOSING_MARK = re.compile(
    rf"[ \t]*(?:[.,][ \t]*)?(?:--|[{DASHES}:])(?=\s|$)\s*|[ \t]*\.(?=\s|$)\s*"
)
SPACES = re.compile(r"\s*")
COMMA = re.compile(r"\s*[,،]\s*")
BLANKS = re.compile(r"[ \t]+")
PARAGRAPH_END = re.compile(r"[\s.,:;–—-]*$")
NUMERIC_DATE = re.compile(
    r"(?P<day>[0-9]{1,2})\s*(?P<sep>[-./])\s*(?P<month>[0-9]{1,2})"
    r"(?:\s*(?P=sep)\s*(?P<year>(?:19|20|21)[0-9]{2}))?(?![0-9])"
)
CREDIT_WORDS = re.compile(r"(?:[^\W\d_][\w'’-]*\s+){1,4}")
QUOTED = re.compile(r"[«\"“„](?P<name>[^«»\"“”„]{2,60})[»\"”“]")
EASTERN_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
SENTENCE_FINAL = (".", "!", "?", "؟", "…")
SENTENCE_END = (*SENTENCE_FINAL, "»", "”", '"')  # a sentence, perhaps ending a quotation


@dataclass(frozen=True)
class Dateline:
    """A dateline found at the start of a paragraph."""

    place: str  # as written: "Bakou", "АСТАНА", "باكو", "ANKARA/BAKU"
    country: str | None  # ISO 3166 alpha-2 of the place, when the gazetteer knows it
    agency: str | None  # as written: "AZERTAC", "KAZINFORM", "AA", "كونا", "ТАСС"
    date: str | None  # ISO, only when day, month and year are known
    written: DateParts | None  # the date as written (month and day, year often missing)
    paragraph: int  # index of the paragraph it opens
    start: int  # span in that paragraph (a byline before the place is not in it)
    end: int
    rest: str  # the paragraph after the dateline; "" if it was only the dateline
    places: tuple[str, ...] = ()  # each place of "ANKARA/BAKU"
    byline: str | None = None  # "Hatem Mohamed" from "by Hatem Mohamed SHARJAH, ..."
    evidence: str = ""  # what made it a dateline: "agency:known+place:known+date"

    def to_json(self) -> dict[str, Any]:
        return {
            "place": self.place,
            "country": self.country,
            "agency": self.agency,
            "date": self.date,
        }

    @property
    def year_written(self) -> bool:
        return self.written is not None and self.written.year is not None

    @property
    def confidence(self) -> float:
        """Higher as more parts confirm each other: a known agency, a place the
        gazetteer knows, a date."""
        parts = self.evidence.split("+")
        score = 0.7 + 0.1 * ("agency:known" in parts) + 0.1 * ("place:known" in parts)
        return round(min(0.95, score + 0.05 * ("date" in parts)), 2)


@dataclass(frozen=True)
class _Place:
    text: str
    start: int
    end: int
    places: tuple[str, ...]
    kind: PlaceKind
    country: str | None
    is_country: bool


@dataclass(frozen=True)
class _Agency:
    name: str
    kind: AgencyKind
    end: int
    after_dash: bool = False
    written: DateParts | None = None  # a date inside the brackets: "(WAM - 21st Dec, 2021)"
    punctuated: bool = True  # set off by a comma, full stop or dash, not a bare space


@dataclass(frozen=True)
class _Reading:
    place: _Place
    written: DateParts | None
    agency: _Agency | None
    closing: Closing
    end: int
    byline: str | None = None  # "РИА Новости, Анна Петрова.": the correspondent
    date_after_comma: bool = False  # "Cityville, March 5": the shape of a dateline's date

    @property
    def marked(self) -> bool:
        return self.closing in ("dash", "stop")


@dataclass(frozen=True)
class _Lexicon:
    agencies: re.Pattern[str]
    known: frozenset[str]  # folded agency names
    date_prefixes: re.Pattern[str]
    byline: re.Pattern[str]
    abbreviations: frozenset[str]  # folded, without the dot
    particles: frozenset[str]
    places: dict[str, str]
    countries: frozenset[str]


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
        found = _dateline_in(paragraph, language, lexicon)
        if found is not None:
            return replace(found, paragraph=index, date=_resolved(found.written, reference))
    return None


def _dateline_in(paragraph: str, language: str, lexicon: _Lexicon) -> Dateline | None:
    for start, byline in _starts(paragraph, lexicon):
        best: _Reading | None = None
        for place in _places_at(paragraph, start, lexicon):
            for reading in _readings(paragraph, place, language, lexicon):
                if reading.end > HEAD_LIMIT or (best is not None and reading.end <= best.end):
                    continue
                if _convincing(reading, paragraph[reading.end :]):
                    best = reading
        if best is not None:
            return _dateline(paragraph, best, byline or best.byline)
    return _credit_line(paragraph, lexicon)


def _dateline(paragraph: str, reading: _Reading, byline: str | None) -> Dateline:
    place, agency = reading.place, reading.agency
    evidence = [f"place:{place.kind}"]
    if agency is not None:
        evidence.insert(0, f"agency:{agency.kind}")
    if reading.written is not None:
        evidence.append("date")
    return Dateline(
        place=place.text,
        country=place.country,
        agency=agency.name if agency else None,
        date=None,
        written=reading.written,
        paragraph=0,
        start=place.start,
        end=reading.end,
        rest=paragraph[reading.end :],
        places=place.places,
        byline=byline,
        evidence="+".join(evidence),
    )


# --- the parts, left to right ----------------------------------------------------------


def _starts(text: str, lexicon: _Lexicon) -> Iterator[tuple[int, str | None]]:
    """Where the place may start: the paragraph start, or after a byline ("By Emre
    Abay BAKU (AA) -"): the byline's name is capitalised, the place after it in capitals."""
    yield 0, None
    byline = lexicon.byline.match(text)
    if byline is None:
        return
    position = byline.end()
    for _ in range(MAX_BYLINE_WORDS + 1):
        word = WORD.match(text, position)
        if word is None:
            return
        if word.group().isupper() and len(word.group()) > 1 and position > byline.end():
            name = text[byline.end() : position].strip()
            yield word.start(), name or None
            return
        space = BLANKS.match(text, word.end())
        if space is None:
            return
        position = space.end()


def _places_at(text: str, start: int, lexicon: _Lexicon) -> list[_Place]:
    """Place readings at `start`, longest first: "ABU DHABI" before "ABU"."""
    out = []
    for end in reversed(_word_run_ends(text, start, lexicon)):
        place = _joined_places(text, start, end, lexicon)
        if place.country is None and fold(place.text) in lexicon.known:
            continue  # "AZERTAC, Anadolu Agency discuss ...": an agency, not a place
        out.append(place)
    return out


def _word_run_ends(text: str, start: int, lexicon: _Lexicon) -> list[int]:
    """Ends of runs of 1, 2, ... place words from `start` (each a possible place)."""
    ends: list[int] = []
    position = start
    uncased_words = 0
    for count in range(MAX_PLACE_WORDS):
        word = WORD.match(text, position)
        if word is None:
            break
        first = word.group()[0]
        if lexicon.date_prefixes.fullmatch(word.group()):
            break  # "الدوحة في 05 مارس": the date's "في" is no part of the place
        if not (first.isupper() or first.islower()):
            uncased_words += 1
            if uncased_words > MAX_UNCASED_PLACE_WORDS:
                break
        elif first.islower() and not (count and _is_particle(word.group(), lexicon)):
            break
        end = word.end()
        abbreviated = fold(word.group()) in lexicon.abbreviations and text[end : end + 2] == ". "
        if abbreviated:
            end += 1  # "ST." belongs to "ST. PETERSBURG"; a run never ends on it
        elif not first.islower() or _capitalised_tail(word.group()):
            ends.append(end)  # "Ras al-Khaimah" ends on its particle's capitalised tail
        if text[end : end + 1] != " ":
            break
        position = end + 1
    return ends


def _capitalised_tail(word: str) -> bool:
    parts = re.split(r"[-‐‑]", word)
    return len(parts) > 1 and parts[-1][:1].isupper()


def _is_particle(word: str, lexicon: _Lexicon) -> bool:
    return fold(re.split(r"[-‐‑]", word)[0]) in lexicon.particles


def _joined_places(text: str, start: int, end: int, lexicon: _Lexicon) -> _Place:
    """The place, with more places joined by slashes: "ANKARA/BAKU", "Moscow / Astana"
    (a slash that closes again, "/TASS/", is an agency)."""
    places = [text[start:end]]
    while (slash := SLASH.match(text, end)) is not None:
        runs = _word_run_ends(text, slash.end(), lexicon)
        if not runs or text[runs[-1] : runs[-1] + 1] == "/":
            break
        if fold(text[slash.end() : runs[-1]]) in lexicon.known:
            break  # "أنقرة/ الأناضول": the agency after a slash
        places.append(text[slash.end() : runs[-1]])
        end = runs[-1]
    written = text[start:end]
    known = [lexicon.places.get(fold(p)) for p in places]
    country = next((c for c in known if c), None)
    return _Place(
        text=written,
        start=start,
        end=end,
        places=tuple(places),
        kind=_place_kind(written, country is not None),
        country=country,
        is_country=all(fold(p) in lexicon.countries for p in places),
    )


def _place_kind(text: str, known: bool) -> PlaceKind:
    if known:
        return "known"
    if not any(ch.isupper() or ch.islower() for ch in text):
        return "uncased"
    return "capitals" if text.isupper() else "capitalised"


def _readings(text: str, place: _Place, language: str, lexicon: _Lexicon) -> Iterator[_Reading]:
    """Every way the text after the place reads as [qualifier] [date] [agency] closing."""
    for position, qualified in _after_qualifier(text, place, lexicon):
        steps: list[tuple[int, DateParts | None]] = [(position, None)]
        separator = SEPARATOR.match(text, position)
        comma = False
        if separator is not None:
            found = _date_at(text, separator.end(), language, lexicon)
            if found is not None:
                steps.append((found[1], found[0]))
                comma = separator.group().strip() in (",", "،")
        for end, written in steps:
            for agency in _agencies_at(text, end, language, lexicon):
                dated = written or agency.written
                closing = _closing_at(text, agency.end)
                yield _Reading(qualified, dated, agency, *closing, date_after_comma=comma)
                yield from _with_correspondent(text, qualified, dated, agency)
            if written is not None or qualified is place:
                closing = _closing_at(text, end)
                yield _Reading(qualified, written, None, *closing, date_after_comma=comma)


def _with_correspondent(
    text: str, place: _Place, written: DateParts | None, agency: _Agency
) -> Iterator[_Reading]:
    """The agency's correspondent after it: "– РИА Новости, Анна Петрова. ..."."""
    comma = COMMA.match(text, agency.end)
    if comma is None or agency.kind == "shaped":
        return
    for end in _name_ends(text, comma.end())[1:]:  # a first name and a surname at least
        closing, after = _closing_at(text, end)
        if closing in ("dash", "stop"):
            byline = text[comma.end() : end]
            yield _Reading(place, written, agency, closing, after, byline)


def _after_qualifier(text: str, place: _Place, lexicon: _Lexicon) -> Iterator[tuple[int, _Place]]:
    """The place alone, or with a country or state after a comma: "GROSSETO, Italy"."""
    yield place.end, place
    comma = COMMA.match(text, place.end)
    if comma is None:
        return
    runs = _word_run_ends(text, comma.end(), lexicon)
    if not runs:
        return
    qualifier = text[comma.end() : runs[-1]]
    country = place.country or lexicon.places.get(fold(qualifier))
    kind = place.kind if place.country or country is None else "known"
    yield runs[-1], replace(place, country=country, kind=kind)


def _date_at(
    text: str, start: int, language: str, lexicon: _Lexicon
) -> tuple[DateParts, int] | None:
    """A day and month starting at `start` (after "le", "Wednesday,", "في"), and its end."""
    prefix = lexicon.date_prefixes.match(text, start)
    begin = prefix.end() if prefix else start
    window = text[begin : begin + DATE_WINDOW]
    numeric = NUMERIC_DATE.match(window.translate(EASTERN_DIGITS))
    if numeric is not None:
        parts = _numeric_parts(numeric)
        return (parts, begin + numeric.end()) if parts else None
    for candidate in (language, *(lang for lang in _LANGUAGES if lang != language)):
        found = scan_dates(window, candidate, isolated=True)
        if found and found[0].start == 0:
            parts = found[0]
            if parts.month is None or parts.day is None or parts.end_day is not None:
                return None  # "hier", "dün", "avril 2026", "5-6 avril": no dateline date
            return parts, begin + parts.end
    return None


def _numeric_parts(match: re.Match[str]) -> DateParts | None:
    day, month = int(match.group("day")), int(match.group("month"))
    year = int(match.group("year")) if match.group("year") else None
    try:
        date(year or 2000, month, day)  # 2000 is a leap year: 29 February may stand
    except ValueError:
        return None
    return DateParts(*match.span(), year=year, month=month, day=day)


def _agencies_at(text: str, position: int, language: str, lexicon: _Lexicon) -> Iterator[_Agency]:
    """An agency credit after `position` (its separator included): bracketed or slashed,
    a known name, or a capitalised name."""
    separator = SEPARATOR.match(text, position)
    gap = separator.group() if separator else ""
    start = separator.end() if separator else position
    if len(gap.strip()) > 2:
        return
    wrapped = WRAPPED.match(text, start)
    if wrapped is not None:
        found = _wrapped_credit(wrapped, language, lexicon)
        if found is not None:
            yield found
        return
    after_dash = bool(gap.strip()) and gap.strip() in ("--", *DASHES)
    slash = SLASH.match(text, position)
    if slash is not None and (slashed := lexicon.agencies.match(text, slash.end())):
        yield _Agency(slashed.group(), "known", slashed.end())  # Anadolu's "أنقرة/ الأناضول"
    punctuated = bool(gap.strip())
    known = lexicon.agencies.match(text, start)
    if known is not None:
        yield _Agency(known.group(), "known", known.end(), after_dash, punctuated=punctuated)
    for end in reversed(_name_ends(text, start)):
        name = text[start:end]
        if known is not None and end > known.end():
            continue  # "AZƏRTAC Azərbaycan ...": the known name is the agency
        if (known is None or end != known.end()) and fold(name) not in lexicon.places:
            kind: AgencyKind = "known" if fold(name) in lexicon.known else "shaped"
            yield _Agency(name, kind, end, after_dash, punctuated=punctuated)


def _name_ends(text: str, start: int) -> list[int]:
    """Ends of runs of 1..3 name words, each starting with a capital (or in a script
    without case): "РИА Новости", "SalamNews", "News.Az", "ا ف ب"."""
    ends: list[int] = []
    position = start
    for _ in range(MAX_NAME_WORDS):
        word = NAME_WORD.match(text, position)
        if word is None or word.group()[0].islower():
            break
        ends.append(word.end())
        if text[word.end() : word.end() + 1] != " ":
            break
        position = word.end() + 1
    return ends


def _wrapped_credit(match: re.Match[str], language: str, lexicon: _Lexicon) -> _Agency | None:
    """ "(UNA)", "/ТАСС/", "(يونا)"; of several credits "(UrduPoint / Pakistan Point News /
    WAM - 21st Dec, 2021)" the last is the agency, and a date may follow it."""
    content = (match.group("round") or match.group("slashed")).strip()
    credits = [c.strip() for c in CREDIT_SPLIT.split(content) if c.strip()]
    if not credits:
        return None
    name, written = credits[-1], None
    with_date = CREDIT_DATE.match(name)
    if with_date is not None:
        found = _date_at(with_date.group("date"), 0, language, lexicon)
        if found is not None and found[1] == len(with_date.group("date").rstrip(" .")):
            name, written = with_date.group("name").strip(), found[0]
    if not _looks_like_agency(name, lexicon):
        return None
    kind: AgencyKind = "known" if fold(name) in lexicon.known else "wrapped"
    return _Agency(name, kind, match.end(), written=written)


def _looks_like_agency(name: str, lexicon: _Lexicon) -> bool:
    """An agency's name: known, or in capitals, or in a script without case, or a few
    capitalised words; never a place ("Astana (Kazakhstan)") or a number."""
    words = name.split()
    if not words or len(words) > MAX_WRAPPED_NAME_WORDS or fold(name) in lexicon.places:
        return False
    if fold(name) in lexicon.known:
        return True
    if not any(ch.isalpha() for ch in name):
        return False
    cased = [ch for ch in name if ch.isupper() or ch.islower()]
    return not cased or name.isupper() or all(w[0].isupper() for w in words)


def _closing_at(text: str, position: int) -> tuple[Closing, int]:
    mark = CLOSING_MARK.match(text, position)
    if mark is not None:
        return ("stop" if mark.group().strip() == "." else "dash"), mark.end()
    if PARAGRAPH_END.match(text, position) is not None:
        return "end", len(text)
    spaces = SPACES.match(text, position)
    return "space", spaces.end() if spaces else position


# --- the weighing ----------------------------------------------------------------------


def _convincing(reading: _Reading, rest: str) -> bool:
    """Enough evidence that this is a dateline and not a sentence or a headline."""
    if not _closes_cleanly(reading, rest):
        return False
    place, agency = reading.place, reading.agency
    strong_place = place.kind in ("known", "capitals")
    if agency is None:
        return _convincing_without_agency(reading, rest)
    if agency.kind in ("known", "wrapped"):
        # "Kazan (UNA) -": a capitalised place needs a closing mark after a credit
        dated = reading.written is not None
        return strong_place or dated or (reading.marked and _short_place(place))
    # a name recognised by its shape only: "Баку, 1 февраля, SalamNews."
    if reading.closing == "space" or not agency.punctuated:
        return False
    if reading.closing == "end" and len(agency.name.split()) > 1:
        return False  # a paragraph of its own ends on one name, not on a phrase
    if _dated(reading):
        return True
    if agency.after_dash:
        return strong_place
    return place.text.isupper() and agency.name.isupper()  # "АСТАНА. KAZINFORM —"


def _convincing_without_agency(reading: _Reading, rest: str) -> bool:
    """ "UZBEKISTAN, March 29 -", "Buenos Aires, December 11, 2017 –": a place and a date
    before a dash; "Rabat —", "ANKARA -": a known city or one in capitals before a dash,
    then a sentence."""
    place = reading.place
    if reading.written is not None:  # "BAKU, Azerbaijan, March 5. The ..." (Trend)
        return reading.marked and _dated(reading)
    if reading.closing != "dash":
        return False
    if place.is_country or place.kind not in ("known", "capitals") or len(place.text) < 3:
        return False
    first = rest.split()[0] if rest.split() else ""
    if len(first.strip(":,.")) > 1 and first.strip(":,.").isupper():
        return False  # "ЦА — КНР: ...", "MOSCOW - BEIJING ...": two sides, a headline
    if place.text.isupper():  # "ANKARA - ...": capitals are the agencies' mark
        return True
    return len(rest.split()) >= BARE_DASH_MIN_WORDS or rest.rstrip().endswith(SENTENCE_END)


def _dated(reading: _Reading) -> bool:
    """A date that makes a dateline: after a known place or one in capitals, or after a
    comma ("Cityville, March 5"); "Бұл — 8 наурыз —" is a sentence."""
    if reading.written is None:
        return False
    return reading.place.kind in ("known", "capitals") or reading.date_after_comma


def _short_place(place: _Place) -> bool:
    return len(place.text.split()) <= 2 and place.kind != "uncased"


def _closes_cleanly(reading: _Reading, rest: str) -> bool:
    """What follows a dateline is text: never all capitals ("TÜRKİYE - AZERBAYCAN MEDYA
    FORUMU" is a headline), never a lower-case continuation ("Astana, AZERTAC and
    KAZINFORM signed"); only a known or bracketed agency may run straight into the text
    ("ANKARA (AA) Türkiye"), and only a known agency or a date may make up a whole
    paragraph ("Bakou, 27 février, AZERTAC")."""
    stripped = rest.strip()
    if stripped and stripped.isupper():
        return False
    if stripped[:1].islower():
        return False
    agency = reading.agency
    if not stripped:
        known = agency is not None and agency.kind == "known"
        return known or reading.written is not None
    if reading.closing == "space":
        return agency is not None and agency.kind in ("known", "wrapped")
    return True


def _credit_line(paragraph: str, lexicon: _Lexicon) -> Dateline | None:
    """A paragraph of its own "PLACE, credit": "Москва, пресс-служба медиагруппы «Россия
    сегодня»". The place must be known and the credit must name a quoted or known
    agency; the paragraph is no sentence."""
    text = paragraph.strip()
    comma = re.search(r"\s*[,،]\s*", text)
    if comma is None or text.endswith(SENTENCE_FINAL):
        return None
    place = text[: comma.start()]
    country = lexicon.places.get(fold(place))
    if country is None or len(text.split()) > MAX_CREDIT_LINE_WORDS:
        return None
    name = _credited_name(text[comma.end() :], lexicon)
    if name is None:
        return None
    return Dateline(
        place=place,
        country=country,
        agency=name,
        date=None,
        written=None,
        paragraph=0,
        start=0,
        end=len(paragraph),
        rest="",
        places=(place,),
        evidence="credit-line+place:known",
    )


def _credited_name(credit: str, lexicon: _Lexicon) -> str | None:
    """The name ending a credit of a few lower-case words: "пресс-служба медиагруппы
    «Россия сегодня»" -> "Россия сегодня"; "press service of TASS" -> "TASS"."""
    words = CREDIT_WORDS.match(credit)
    if words is None or not all(w[:1].islower() for w in words.group().split()):
        return None
    name = credit[words.end() :].strip()
    quoted = QUOTED.fullmatch(name)
    if quoted is not None:
        return quoted.group("name").strip()
    known = lexicon.agencies.fullmatch(name)
    return known.group() if known is not None else None


def _resolved(written: DateParts | None, reference: date | None) -> str | None:
    """ISO only when day, month and year are known: the year as written, or the one
    nearest the reference (the item's date line or publication date)."""
    if written is None or written.day is None or written.month is None:
        return None
    if written.year is None and reference is None:
        return None
    mention = resolve(written, "", reference)
    return mention.value if mention is not None and mention.precision == "day" else None


# --- data ----------------------------------------------------------------------------

_LANGUAGES = ("kk", "ar", "fr", "tr", "az", "ru", "en")


def _alternation(words: list[str] | set[str] | frozenset[str]) -> str:
    escaped = (
        re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=lambda w: (-len(w), w))
    )
    return "|".join(escaped) or "(?!)"


@cache
def _places() -> dict[str, str]:
    raw: dict[str, str] = json.loads((DATA_DIR / "places.json").read_text("utf-8"))
    return {fold(name): country for name, country in raw.items()}


@cache
def _countries() -> frozenset[str]:
    raw: list[str] = json.loads((DATA_DIR / "countries.json").read_text("utf-8"))
    return frozenset(fold(name) for name in raw)


@cache
def _knowledge_base_agencies() -> frozenset[str]:
    """Names and acronyms of the agencies and broadcasters in the organisation knowledge
    base (ortaq.entities): a dateline credits one of them more often than not."""
    from ortaq.entities.organisations import seed  # the read stage must not load NER

    names: set[str] = set()
    for organisation in seed():
        if organisation.kind in AGENCY_KINDS:
            names.update(organisation.acronyms)
            names.update(n for n in organisation.aliases() if len(n.split()) <= MAX_NAME_WORDS)
    return frozenset(names)


@cache
def _lexicon(language: str) -> _Lexicon:
    data = json.loads((DATA_DIR / f"{language}.json").read_text("utf-8"))
    prefixes = [*data["date_prefixes"], *data["weekdays"]]
    agencies = set(data["agencies"]) | _knowledge_base_agencies()
    return _Lexicon(
        agencies=re.compile(rf"(?<!\w)(?:{_alternation(agencies)})(?!\w)(?!\.\w)"),
        known=frozenset(fold(name) for name in agencies),
        date_prefixes=re.compile(rf"(?:(?:{_alternation(prefixes)})(?!\w)[\s,]*)+", re.I),
        byline=re.compile(rf"(?:{_alternation(data['byline_words'])})(?!\w)[:\s]+"),
        abbreviations=frozenset(fold(a) for a in data["place_abbreviations"]),
        particles=frozenset(fold(p) for p in data["place_particles"]),
        places=_places(),
        countries=_countries(),
    )
