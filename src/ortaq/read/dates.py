"""Dates mentioned in news text, in the seven working languages.

Month names come from CLDR (data/dates/<lang>.json, built by scripts/build_date_data.py);
case suffixes, year words and range words from the hand-written supplements next to it.
Each date shape is one precompiled regular expression, tried only where one cheap scan
finds an anchor (a number, a month name or a cue word) rather than at every character;
candidates from all shapes are merged longest-first ("5 avril 2026" beats "avril 2026").

Precision matters more than recall: a bare number is never a date. A year needs a cue
("en 1991", "2026 жылы", "2024-cü ildə"), a day needs a month name next to it, and a
numeric date needs a four-digit year ("05.04.2026").
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from ortaq.model import DateMention, Precision

PRECISION_RANK: dict[str, int] = {"year": 0, "month": 1, "day": 2, "minute": 3}
DATA_DIR = Path(__file__).parent / "data" / "dates"
SUPPORTED = ("kk", "ar", "fr", "tr", "az", "ru", "en")

# Arabic-Indic and Persian digits become ASCII one for one, so offsets are unchanged.
EASTERN_DIGITS = "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"
EASTERN_DIGIT = re.compile(f"[{EASTERN_DIGITS}]")
YEAR_DIGITS = r"(?:1[89]|20|21)[0-9]{2}"
YEAR = YEAR_DIGITS + r"(?![0-9]|[.,/][0-9])"
# A number starts a date only if it is not glued to another number, a decimal or a word
# (Arabic letters excepted: the clitics و and ب attach to the number: "و6 أبريل").
NUMBER_START = r"(?<![0-9.,/:+\-−_#№])(?:(?<=[\u0600-\u06ff])|(?<![^\W\d_]))"
DASHES = ("-", "–", "—")
BIDI = "[\u200e\u200f\u061c]?"  # direction marks CLDR puts in Arabic numeric dates
WORD_BOUNDARIES = " \n\t\u00a0\u202f(«\"“„'‘/-–—,;:"


@dataclass(frozen=True)
class DateParts:
    """A date as written: what the text says, before any year is inferred."""

    start: int
    end: int
    year: int | None = None
    month: int | None = None
    day: int | None = None
    hour: int | None = None
    minute: int | None = None
    end_year: int | None = None  # a range ("5-6 апреля", "2024-2026 жылдары")
    end_month: int | None = None
    end_day: int | None = None
    relative_days: int | None = None  # "hier", "вчера": days from the reference
    month_shift: int = 0  # -1 "décembre dernier", +1 "avril prochain"


@dataclass(frozen=True)
class _Grammar:
    months: dict[str, int]  # folded month name -> 1..12
    abbreviations: dict[str, int]
    numeric_order: str
    relative: dict[str, int]
    shifts: dict[str, int]  # folded "dernier"/"next" -> -1/+1
    year_followers: frozenset[str]
    anchors: Any  # ahocorasick.Automaton: word starts where a date can begin
    shapes: dict[str, tuple[tuple[str, re.Pattern[str]], ...]]  # anchor kind -> shapes


def find_dates(
    text: str,
    language: str,
    reference: date | None,
    *,
    reference_precision: Precision = "day",
) -> list[DateMention]:
    """Dates mentioned in `text`, in order. Dates without a year ("27 février") are
    resolved to the year nearest the reference (the publication date) and left out when
    there is no reference; "hier"-like words need a reference precise to the day."""
    found = date_mentions(text, language, reference, reference_precision=reference_precision)
    return [mention for mention in found if mention.value is not None]


def date_mentions(
    text: str,
    language: str,
    reference: date | None,
    *,
    reference_precision: Precision = "day",
) -> list[DateMention]:
    """Every date span of `text` (`scan_dates`), each with its ISO value where one can be
    worked out (`find_dates`) and None where not: what the read stage hands on, so later
    stages need not scan again for the days and years as written."""
    out = []
    for parts in scan_dates(text, language):
        mention = resolve(parts, text, reference, reference_precision)
        if mention is None:
            mention = DateMention(text[parts.start : parts.end], parts.start, parts.end, None, None)
        out.append(
            replace(
                mention,
                written_year=parts.year,
                written_month=parts.month,
                written_day=parts.day,
            )
        )
    return out


def scan_dates(text: str, language: str, *, isolated: bool = False) -> list[DateParts]:
    """Every date-like span in `text` as written, non-overlapping, in order. `isolated`
    text is known to be a date (a dateline's "5 апр"), so abbreviations need no dot."""
    grammar = _grammar(language if language in SUPPORTED else "en")
    anchors, eastern_digits = _anchors_in(text, grammar)
    ascii_text = _ascii_digits(text) if eastern_digits else text
    candidates = []
    for start, kind in anchors:
        for shape, pattern in grammar.shapes[kind]:
            match = pattern.match(ascii_text, start)
            parts = _interpret(shape, match, grammar, isolated) if match else None
            if parts is not None and parts.end > parts.start:
                candidates.append(parts)
    return _longest_first(candidates)


def _ascii_digits(text: str) -> str:
    return EASTERN_DIGIT.sub(lambda m: str(int(m.group())), text)


def _anchors_in(text: str, grammar: _Grammar) -> tuple[list[tuple[int, str]], bool]:
    """Where a date may start: the first digit of a number, a word that begins like a
    month name, or a cue word ("en", "вчера"); and whether Eastern digits occur. Word
    keys carry the boundary character before them, so words inside words never hit; one
    Aho-Corasick pass is several times faster than a regex tried at every character."""
    anchors = set()
    eastern = False
    padded = "\n" + text  # a word at the very start still has a boundary before it
    for last, (kind, length) in grammar.anchors.iter(padded):
        start = last - length  # in `text` (the key's boundary character is not counted)
        if kind == "num":
            if start > 0 and _glued(text[start - 1]):
                continue
            eastern = eastern or not text[start].isascii()
        elif kind == "cue" and last < len(text) and text[last].isalnum():
            continue
        anchors.add((start, kind))
    return sorted(anchors), eastern


def _glued(before: str) -> bool:
    """A number glued to a word or sign is not a date's start; Arabic clitics excepted."""
    return (before.isalnum() and not "\u0600" <= before <= "\u06ff") or before in "+-"


def parse_date(text: str, language: str) -> DateParts | None:
    """The date that makes up all of `text` (an isolated string such as a dateline's
    "27 février"), ignoring surrounding spaces and punctuation; None otherwise."""
    found = scan_dates(text, language, isolated=True)
    if len(found) != 1:
        return None
    parts = found[0]
    outside = text[: parts.start] + text[parts.end :]
    return parts if not any(ch.isalnum() for ch in outside) else None


def resolve(
    parts: DateParts,
    text: str,
    reference: date | None,
    reference_precision: Precision = "day",
) -> DateMention | None:
    """The ISO value of `parts`, inferring a missing year from the reference."""
    try:
        value, precision, end_value, inferred = _value_of(parts, reference, reference_precision)
    except (ValueError, OverflowError):
        return None
    if value is None:
        return None
    return DateMention(
        text=text[parts.start : parts.end],
        start=parts.start,
        end=parts.end,
        value=value,
        precision=precision,
        end_value=end_value,
        year_inferred=inferred,
    )


def nearest_year(month: int, day: int, reference: date) -> int:
    """The year that puts day/month closest to the reference; a tie goes to the past.
    A January article mentioning "28 December" means last December."""
    best: tuple[int, int, int] | None = None
    for year in (reference.year - 1, reference.year, reference.year + 1):
        try:
            distance = abs((date(year, month, day) - reference).days)
        except ValueError:
            continue  # 29 February in a common year
        key = (distance, year > reference.year, year)
        if best is None or key < best:
            best = key
    if best is None:
        raise ValueError(f"no year has day {day} in month {month}")
    return best[2]


def fold(text: str) -> str:
    """A case-, hamza- and dotted-i-insensitive key for looking words up."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.replace("ı", "i").replace("ـ", "").split())


# --- resolution -------------------------------------------------------------------


def _value_of(
    parts: DateParts, reference: date | None, reference_precision: Precision
) -> tuple[str | None, Precision, str | None, bool]:
    if parts.relative_days is not None:
        if reference is None or PRECISION_RANK[reference_precision] < PRECISION_RANK["day"]:
            return None, "day", None, True
        return (reference + timedelta(days=parts.relative_days)).isoformat(), "day", None, True
    if parts.month is None:
        return _year_value(parts)
    if parts.day is None:
        return _month_value(parts, reference)
    return _day_value(parts, reference)


def _year_value(parts: DateParts) -> tuple[str | None, Precision, str | None, bool]:
    if parts.year is None:
        return None, "year", None, False
    end = str(parts.end_year) if parts.end_year else None
    return str(parts.year), "year", end, False


def _month_value(
    parts: DateParts, reference: date | None
) -> tuple[str | None, Precision, str | None, bool]:
    assert parts.month is not None
    year, inferred = parts.year, False
    if year is None:
        if reference is None or not parts.month_shift:
            return None, "month", None, False
        year, inferred = _shifted_year(parts.month, parts.month_shift, reference), True
    return f"{year:04d}-{parts.month:02d}", "month", None, inferred


def _shifted_year(month: int, shift: int, reference: date) -> int:
    """The year of "décembre dernier" (the last December before the reference month)
    or "avril prochain" (the next April after it)."""
    if shift < 0:
        return reference.year if month < reference.month else reference.year - 1
    return reference.year if month > reference.month else reference.year + 1


def _day_value(
    parts: DateParts, reference: date | None
) -> tuple[str | None, Precision, str | None, bool]:
    assert parts.month is not None and parts.day is not None
    year, inferred = parts.year, False
    if year is None and parts.end_year is not None:
        year = parts.end_year  # "30 décembre - 2 janvier 2026": the year closes the range
        end_first = (parts.end_month or parts.month, parts.end_day or parts.day)
        if (parts.month, parts.day) > end_first:
            year -= 1
    if year is None:
        if reference is None:
            return None, "day", None, False
        year, inferred = _day_year(parts, reference), True
    start = date(year, parts.month, parts.day)
    end_value = _range_end(parts, start)
    if parts.hour is not None and parts.minute is not None:
        if parts.hour > 23 or parts.minute > 59:
            return None, "day", None, False
        return f"{start.isoformat()}T{parts.hour:02d}:{parts.minute:02d}", "minute", None, inferred
    return start.isoformat(), "day", end_value, inferred


def _day_year(parts: DateParts, reference: date) -> int:
    """The nearest year; for "le 25 juin dernier" the last such day before the reference,
    for "le 5 avril prochain" the first one after it."""
    assert parts.month is not None and parts.day is not None
    if not parts.month_shift:
        return nearest_year(parts.month, parts.day, reference)
    step = 1 if parts.month_shift > 0 else -1
    for offset in range(5):  # five years always include a 29 February
        year = reference.year + step * offset
        try:
            day = date(year, parts.month, parts.day)
        except ValueError:
            continue
        if (day - reference).days * step > 0:
            return year
    raise ValueError("no such day near the reference")


def _range_end(parts: DateParts, start: date) -> str | None:
    if parts.end_day is None:
        return None
    month = parts.end_month or start.month
    year = parts.end_year or start.year
    end = date(year, month, parts.end_day)
    if end < start:
        end = date(year + 1, month, parts.end_day)
    if (end - start).days > 366:
        raise ValueError("range longer than a year")
    return end.isoformat()


def _longest_first(candidates: Iterable[DateParts]) -> list[DateParts]:
    kept: list[DateParts] = []
    for parts in sorted(candidates, key=lambda p: (p.start - p.end, p.start)):
        if all(parts.end <= k.start or parts.start >= k.end for k in kept):
            kept.append(parts)
    return sorted(kept, key=lambda p: p.start)


# --- interpretation of a regex match -----------------------------------------------


def _interpret(
    shape: str, match: re.Match[str], grammar: _Grammar, isolated: bool
) -> DateParts | None:
    if shape in ("iso", "numeric_dmy", "numeric_ymd"):
        return _numeric(shape, match, grammar)
    if shape == "relative":
        days = grammar.relative.get(fold(match.group("rel")))
        return None if days is None else DateParts(*match.span(), relative_days=days)
    if shape == "month_shift":
        return _month_shift(match, grammar)
    if shape.startswith("year_only"):
        return _year_only(shape, match, grammar)
    return _named_month(match, grammar, isolated)


def _numeric(shape: str, match: re.Match[str], grammar: _Grammar) -> DateParts | None:
    groups = match.groupdict()
    first, second = int(groups["a"]), int(groups["b"])
    if shape == "numeric_dmy" and groups["sep"] == "/" and grammar.numeric_order == "mdy":
        first, second = second, first
    year = int(groups["y"])
    hour, minute = _number(groups.get("h")), _number(groups.get("mi"))
    try:
        date(year, second, first)
    except ValueError:
        return None
    return DateParts(match.start(), match.end(), year, second, first, hour, minute)


def _month_shift(match: re.Match[str], grammar: _Grammar) -> DateParts | None:
    month = _month_at(match, "m1", grammar, has_year=False)
    shift = grammar.shifts.get(fold(match.group("mod")))
    if month is None or shift is None:
        return None
    return DateParts(match.start(), match.end(), month=month, month_shift=shift)


def _year_only(shape: str, match: re.Match[str], grammar: _Grammar) -> DateParts | None:
    year = int(match.group("y"))
    end_year = _number(match.group("y2"))
    if end_year is not None and not 0 < end_year - year <= 50:
        return None
    if shape == "year_only_before":
        if not _acceptable_after_year(match.string, match.end(), grammar):
            return None
        start, end = match.span("core")
        return DateParts(start, end, year, end_year=end_year)
    return DateParts(match.start(), match.end(), year, end_year=end_year)


def _acceptable_after_year(text: str, position: int, grammar: _Grammar) -> bool:
    """ "en 1500 exemplaires" is a count: a year cue followed by a lower-case word only
    counts when that word is a function word ("en 2018 et ...")."""
    rest = text[position : position + 40].lstrip()
    if not rest or not rest[0].islower():
        return True
    word = re.match(r"[\w'’]+", rest)
    return word is not None and fold(word.group()) in grammar.year_followers


def _named_month(match: re.Match[str], grammar: _Grammar, isolated: bool) -> DateParts | None:
    groups = match.groupdict()
    year = _number(groups.get("y"))
    month = _month_at(match, "m1", grammar, has_year=isolated or year is not None)
    day, end_day = _number(groups.get("d1")), _number(groups.get("d2"))
    if month is None or not all(1 <= d <= 31 for d in (day, end_day) if d is not None):
        return None
    start, end = match.span()
    shift = grammar.shifts.get(fold(groups["mod"])) if groups.get("mod") else None
    if "m2" in groups:  # "30 mars - 2 avril 2026": the year belongs to the range's end
        end_month = _month_at(match, "m2", grammar, has_year=True)
        if end_month is None:
            return None
        return DateParts(
            start, end, None, month, day, end_year=year, end_month=end_month, end_day=end_day
        )
    if day is not None and end_day is not None and end_day <= day:
        return None  # "6-5 avril" is not a range
    return DateParts(start, end, year, month, day, end_day=end_day, month_shift=shift or 0)


def _number(digits: str | None) -> int | None:
    return int(digits) if digits else None


def _month_at(match: re.Match[str], name: str, grammar: _Grammar, *, has_year: bool) -> int | None:
    """The month in group `name`; an abbreviation without its dot ("Mar", "sen") only
    counts next to a year, since it is often an ordinary word."""
    groups = match.groupdict()
    if groups.get(name):
        return grammar.months.get(fold(groups[name]))
    short = groups.get(f"{name}_abbr")
    if not short or not (groups.get(f"{name}_dot") or has_year):
        return None
    return grammar.abbreviations.get(fold(short))


# --- grammar: data files compiled into regular expressions -------------------------


@cache
def _data(language: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DATA_DIR / f"{language}.json").read_text("utf-8"))
    return loaded


@cache
def _grammar(language: str) -> _Grammar:
    data = _data(language)
    shifts = {fold(w): -1 for w in data["past_month_before"] + data["past_month_after"]}
    shifts.update({fold(w): 1 for w in data["next_month_before"] + data["next_month_after"]})
    return _Grammar(
        months={fold(k): v for k, v in data["month_names"].items()},
        abbreviations={fold(k): v for k, v in data["month_abbreviations"].items()},
        numeric_order=data["numeric_order"],
        relative={fold(k): v for k, v in data["relative_days"].items()},
        shifts=shifts,
        year_followers=frozenset(fold(w) for w in data["year_followers"]),
        anchors=_anchor_automaton(data),
        shapes=_compiled_shapes(data),
    )


def _compiled_shapes(data: dict[str, Any]) -> dict[str, tuple[tuple[str, re.Pattern[str]], ...]]:
    by_kind: dict[str, list[tuple[str, re.Pattern[str]]]] = {"num": [], "month": [], "cue": []}
    for name, kind, pattern in _shapes(data):
        by_kind[kind].append((name, re.compile(pattern, re.IGNORECASE)))
    return {kind: tuple(shapes) for kind, shapes in by_kind.items()}


def _anchor_automaton(data: dict[str, Any]) -> Any:
    """Keys are digits, the first word of each month name and whole cue words, in the
    case variants text uses (matching stays case-sensitive, which is faster)."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for digit in "0123456789" + EASTERN_DIGITS:
        automaton.add_word(digit, ("num", 1))
    keys: dict[str, str] = {}
    for form in [*data["month_names"], *data["month_abbreviations"]]:
        keys.setdefault(form.split()[0], "month")
    cues = [
        *data["relative_days"],
        *data["year_words_before"],
        *data["past_month_before"],
        *data["next_month_before"],
    ]
    for cue in cues:
        keys.setdefault(cue, "cue")
    for key, kind in keys.items():
        for variant in _case_variants(key):
            for boundary in WORD_BOUNDARIES:
                automaton.add_word(boundary + variant, (kind, len(variant)))
    automaton.make_automaton()
    return automaton


def _case_variants(word: str) -> set[str]:
    lower = word.lower()
    variants = {word, lower, lower.upper(), lower[:1].upper() + lower[1:]}
    dotted = lower.replace("i", "İ")  # Turkish and Azerbaijani capitals keep the dot
    return variants | {dotted.upper(), dotted[:1].upper() + lower[1:]}


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation, longest first, tolerant of apostrophe, dash and space variants."""
    escaped = []
    for word in sorted(set(words), key=lambda w: (-len(w), w)):
        pattern = re.escape(word).replace(r"\ ", r"\s+").replace("'", "['’]")
        escaped.append(pattern.replace(r"\-", "[-‐‑]"))
    return "|".join(escaped) if escaped else "(?!)"


class _Pieces:
    """Regex fragments for one language."""

    def __init__(self, data: dict[str, Any]) -> None:
        case = "(?-i:{})" if data["month_case"] == "title" else "(?:{})"
        self.names = case.format(_alternation(data["month_names"]))
        self.abbreviations = case.format(_alternation(data["month_abbreviations"]))
        apostrophe = "['’]?" if data["suffix_apostrophe"] else ""
        self.suffix = f"(?:{apostrophe}(?:{_alternation(data['month_suffixes'])}))?"
        self.genitive = f"{apostrophe}(?:{_alternation(data['genitive_suffixes'])})"
        self.day_suffix = f"(?:{_alternation(data['day_suffixes'])})?"
        words = [s for s in data["range_separators"] if s not in DASHES]
        dashes = "".join(re.escape(s) for s in data["range_separators"] if s in DASHES)
        self.range = f"(?:\\s*[{dashes}]\\s*|\\s+(?:{_alternation(words)})\\s*)"
        self.year_suffix = f"(?:{_alternation(data['year_suffixes'])})?"
        self.year_words = _alternation(data["year_words_after"])
        self.connector = f"(?:\\s+(?:{_alternation(data['day_month_connectors'])}))?"
        self.year_comma = ",?" if data["year_comma"] else ""

    def month(self, name: str, suffix: str | None = None) -> str:
        """A month name (with case suffix) or an abbreviation (with optional dot), and an
        optional second name in another calendar tradition ("شباط/فبراير")."""
        after = self.suffix if suffix is None else suffix
        return (
            f"(?:(?P<{name}>{self.names}){after}|(?P<{name}_abbr>{self.abbreviations})"
            f"(?P<{name}_dot>\\.)?)(?!\\w)(?:\\s*/\\s*(?:{self.names})(?!\\w))?"
        )

    def day(self, name: str, lookbehind: bool = True) -> str:
        start = NUMBER_START if lookbehind else ""
        return f"{start}(?P<{name}>[0-9]{{1,2}})(?![0-9]){self.day_suffix}"

    def year(self) -> str:
        """A year with its suffix and word: "2026", "2021-ci il", "2026 жылы", "2026 г."."""
        tail = f"(?:[\\s‐‑-]*(?:{self.year_words})(?!\\w))?"
        return f"(?P<y>{YEAR}){self.year_suffix}{tail}"

    def optional_year(self) -> str:
        return f"(?:{self.year_comma}\\s+{self.year()})?"


ISO_SHAPE = (
    r"(?<![0-9A-Za-z])(?P<y>" + YEAR + r")-(?P<b>[0-9]{2})-(?P<a>[0-9]{2})"
    r"(?:[T ](?P<h>[0-9]{2}):(?P<mi>[0-9]{2}))?(?![0-9])"
)
TIME = r"(?:,?\s+(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2})(?![0-9]))?"
NUMERIC_DMY_SHAPE = (
    NUMBER_START + r"(?P<a>[0-9]{1,2})" + BIDI + r"(?P<sep>[./])(?P<b>[0-9]{1,2})" + BIDI
) + (r"(?P=sep)(?P<y>" + YEAR + r")" + TIME)
NUMERIC_YMD_SHAPE = (
    NUMBER_START + r"(?P<y>" + YEAR_DIGITS + r")(?P<sep>[./])(?P<b>[0-9]{1,2})(?P=sep)"
    r"(?P<a>[0-9]{1,2})(?![0-9]|[./][0-9])"
)


def _shapes(data: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(name, anchor kind, pattern) for each date shape the language uses."""
    pieces = _Pieces(data)
    yield "iso", "num", ISO_SHAPE
    yield "numeric_dmy", "num", NUMERIC_DMY_SHAPE
    yield "numeric_ymd", "num", NUMERIC_YMD_SHAPE
    yield from _day_month_shapes(data, pieces)
    yield from _year_shapes(data, pieces)
    yield from _cue_shapes(data, pieces)


def _day_month_shapes(data: dict[str, Any], p: _Pieces) -> Iterator[tuple[str, str, str]]:
    days = f"{p.day('d1')}(?:{p.range}{p.day('d2', lookbehind=False)})?"
    # "5 et 6 avril 2026", "8 қаңтарда", "5 Nisan'da", "5th of April"
    after = data["past_month_after"] + data["next_month_after"]
    shift = f"(?:\\s+(?P<mod>{_alternation(after)})(?!\\w))?" if after else ""
    yield (  # "le 25 juin dernier"
        "day_month",
        "num",
        f"{days}{p.connector}\\s+{p.month('m1')}{p.optional_year()}{shift}",
    )
    # "30 mars au 2 avril 2026"
    second = f"{p.day('d2', lookbehind=False)}\\s+{p.month('m2')}"
    yield (
        "day_month_range",
        "num",
        (f"{p.day('d1')}\\s+{p.month('m1')}{p.range}{second}{p.optional_year()}"),
    )
    if data["month_first"] or data["genitive_suffixes"]:
        # "April 5, 2026", "fevralın 27-də", "желтоқсанның 14-і", "Nisan'ın 5'inde"
        day = f"{p.day('d1', lookbehind=False)}(?!\\w)"
        until = f"(?:{p.range}{p.day('d2', lookbehind=False)}(?!\\w))?"
        month = p.month("m1", suffix=p.genitive)
        yield "month_day", "month", f"(?<!\\w){month}\\s+{day}{until}{p.optional_year()}"
    # "avril 2026", "апреле 2026 года", "كانون الثاني 2026"
    yield "month_year", "month", f"(?<!\\w){p.month('m1')}\\s+{p.year()}"


def _year_shapes(data: dict[str, Any], p: _Pieces) -> Iterator[tuple[str, str, str]]:
    if data["year_first"]:
        # "2026 жылы 8 қаңтарда", "2021-ci il fevralın 27-də", "2026 жылғы қаңтарда"
        lead = f"{NUMBER_START}{p.year()}\\s+"
        days = f"{p.day('d1')}(?:{p.range}{p.day('d2', lookbehind=False)})?"
        genitive = p.month("m1", suffix=p.genitive)
        yield "year_day_month", "num", f"{lead}{days}\\s+{p.month('m1')}"
        yield (
            "year_month_day",
            "num",
            (f"{lead}{genitive}\\s+{p.day('d1', lookbehind=False)}(?!\\w)"),
        )
        yield "year_month", "num", f"{lead}{p.month('m1')}"
    span = f"(?P<y>{YEAR})(?:\\s*[-–]\\s*(?P<y2>{YEAR}))?"
    if data["year_words_after"]:
        # "2026 жылы", "2025 году", "2024-cü ildə", "2026 yılında", "2024م"
        tail = f"{p.year_suffix}[\\s‐‑-]*(?:{p.year_words})(?!\\w)"
        yield "year_only_after", "num", f"{NUMBER_START}{span}{tail}"
    if data["year_words_before"]:
        # "en 1991", "in 2019", "عام 2024"
        cue = _alternation(data["year_words_before"])
        yield "year_only_before", "cue", f"(?<!\\w)(?:{cue})\\s+(?P<core>{span})(?![\\w%])"


def _cue_shapes(data: dict[str, Any], p: _Pieces) -> Iterator[tuple[str, str, str]]:
    if data["relative_days"]:
        words = _alternation(data["relative_days"])
        yield "relative", "cue", f"(?<!\\w)(?P<rel>{words})(?!\\w)"
    before = data["past_month_before"] + data["next_month_before"]
    after = data["past_month_after"] + data["next_month_after"]
    if before:  # "last December", "geçen Aralık"
        yield "month_shift", "cue", f"(?<!\\w)(?P<mod>{_alternation(before)})\\s+{p.month('m1')}"
    if after:  # "décembre dernier", "ديسمبر الماضي"
        modifier = f"(?P<mod>{_alternation(after)})(?!\\w)"
        yield "month_shift", "month", f"(?<!\\w){p.month('m1')}\\s+{modifier}"
