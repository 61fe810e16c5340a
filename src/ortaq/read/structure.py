"""Headline, summary, body and credits of a scraped article; boilerplate out, nothing lost.

The input is what an adapter split off (a headline candidate and the paragraphs after
it). Out go scraper headers, stray ids, repeated headlines and paragraphs, page
furniture, 'read also' tails and trailing site names; every dropped text is kept in
`Structure.removed` with the reason, so the reading can be audited and undone.

The dateline belongs to ortaq.read.datelines: the stage finds it first and passes the
dateline text as written (`dateline=`); this module cuts it from the headline candidate
(which then was no headline) or from the opening paragraph. Language knowledge (marker
phrases, credit prefixes) is in data/structure/<lang>.json and is matched on match_key.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ortaq.read.dates import scan_dates
from ortaq.read.normalise import match_key
from ortaq.read.segment import sentences

DATA = Path(__file__).parent / "data" / "structure"
WEEKDAYS_DATA = Path(__file__).parent / "data" / "datelines"  # CLDR weekday names

SCRAPER_HEADER = "scraper-header"
DATELINE = "dateline"
STRAY_ID = "stray-id"
NO_TEXT = "no-text"
BOILERPLATE = "boilerplate-line"
REPEATED_HEADLINE = "repeated-headline"
DUPLICATE = "duplicate"
READ_ALSO = "read-also"
TRAILING_SHORT_LINE = "trailing-short-line"
DATE_BANNER = "date-banner"

_SCRAPER_HEADER = re.compile(r"^\s*date\s+\d{4}-\d{2}(?:-\d{2})?(?=\s|$)\s*")
_BULLETS = frozenset("-–—•·*▪●‣◦")
_SENTENCE_END = (".", "!", "?", "؟", "…")
_SENTENCE_FINAL = (*_SENTENCE_END, ":", ";", '"', "'", "»", "”", ")", "]")  # text, not a label
_DATELINE_SEPARATOR = re.compile(r"^[\s—–\-:,.|/]+")
_COPYRIGHT = re.compile(r"^©\s*(?P<value>\S.*)$")
MAX_CREDIT_WORDS = 12
MAX_READ_ALSO_WORDS = 30
MAX_TRAILING_LINE_WORDS = 4
MAX_HEADLINE_WORDS = 25
DERIVED_HEADLINE_WORDS = 20
MAX_RELATED_LINES = 5
MIN_PROSE_WORDS = 12
MAX_BANNER_WORDS = 8
_TIME = re.compile(r"(?<!\d)\d{1,2}(?:[:.h]\d{2})(?!\d)")  # 10:05, 10.05, 10h05


@dataclass(frozen=True)
class Credit:
    kind: str  # photo | video | copyright
    value: str  # who: "gov.kz"
    text: str  # the line as written: "Сурет: gov.kz"


@dataclass
class Structure:
    headline: str | None
    headline_derived: bool
    summary: str | None
    body: list[str]
    credits: list[Credit] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)  # (text, reason)

    @property
    def photo_credit(self) -> str | None:
        return next((c.value for c in self.credits if c.kind == "photo"), None)


@dataclass(frozen=True)
class _Markers:
    read_also_prefix: re.Pattern[str]
    read_also_line: frozenset[str]
    boilerplate_lines: frozenset[str]
    credit_prefix: re.Pattern[str]
    credit_kinds: dict[str, str]  # match_key(prefix) -> kind
    credit_lines: frozenset[str]
    banner_words: re.Pattern[str]  # "Сегодня", "Updated", CLDR weekdays, on match_key


@dataclass(frozen=True)
class _Para:
    text: str
    key: str


_BANNER_LANGUAGES = ("kk", "ar", "fr", "tr", "az", "ru", "en")


@cache
def _markers() -> _Markers:
    """All languages' markers, compiled once (see the data files' comment for why all)."""
    files = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(DATA.glob("*.json"))]
    prefixes = {match_key(m) for f in files for m in f["read_also_prefix"]}
    kinds = {
        match_key(prefix): kind
        for f in files
        for kind, prefixes_of_kind in f["credit_prefixes"].items()
        for prefix in prefixes_of_kind
    }
    credit_words = {p for f in files for ps in f["credit_prefixes"].values() for p in ps}
    return _Markers(
        read_also_prefix=_alternation(r"^(?:{})(?: |$)", prefixes),
        read_also_line=frozenset(match_key(m) for f in files for m in f["read_also_line"]),
        boilerplate_lines=frozenset(match_key(m) for f in files for m in f["boilerplate_lines"]),
        credit_prefix=_alternation(
            r"^(?P<prefix>{})\s*[:：|/—–-]\s*(?P<value>\S.*)$", credit_words, re.IGNORECASE
        ),
        credit_kinds=kinds,
        credit_lines=frozenset(match_key(m) for f in files for m in f["credit_lines"]),
        banner_words=_alternation(
            r"(?<!\w)(?:{})(?!\w)", {match_key(w) for w in _banner_words(files)}
        ),
    )


def _banner_words(files: list[dict[str, Any]]) -> set[str]:
    weekdays = (
        json.loads(path.read_text(encoding="utf-8"))["weekdays"]
        for path in sorted(WEEKDAYS_DATA.glob("??.json"))
    )
    return {w for f in files for w in f["banner_words"]} | {w for days in weekdays for w in days}


def _alternation(template: str, phrases: set[str], flags: int = 0) -> re.Pattern[str]:
    longest_first = sorted(phrases, key=lambda p: (-len(p), p))
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in longest_first)
    return re.compile(template.format(body), flags)


def structure(
    headline: str | None,
    paragraphs: list[str],
    language: str | None,
    *,
    dateline: str | None = None,
    derive_headline: bool = False,
) -> Structure:
    """Split an article into headline, summary, body and credits.

    `dateline`: the dateline as written, found by the stage in the headline candidate or
    the first paragraphs (e.g. "Bakou, 27 février, AZERTAC", "АСТАНА. KAZINFORM —").
    `derive_headline`: when there is no headline, use the first sentence of the body,
    flagged `headline_derived`.
    """
    result = Structure(None, False, None, [])
    blocks = [" ".join(p.split()) for p in paragraphs]
    blocks = [b for b in blocks if b]
    candidate = _without_scraper_header(headline, result)
    candidate, blocks = _cut_dateline(candidate, blocks, dateline, result)
    result.headline, blocks = _choose_headline(candidate, blocks, language, result)
    kept, repeat_at = _drop_furniture(blocks, result)
    kept = _cut_read_also(kept, result)
    kept = _drop_trailing_short_lines(kept, result)
    result.summary, body = _split_summary(kept, repeat_at)
    result.body = [p.text for p in body]
    if result.headline is None and derive_headline and result.body:
        result.headline = _derived_headline(result.body[0], language)
        result.headline_derived = True
    return result


def _without_scraper_header(headline: str | None, result: Structure) -> str | None:
    if headline is None:
        return None
    text = " ".join(headline.split())
    header = _SCRAPER_HEADER.match(text)
    if header:
        result.removed.append((header.group().strip(), SCRAPER_HEADER))
        text = text[header.end() :]
    return text or None


def _cut_dateline(
    candidate: str | None, blocks: list[str], dateline: str | None, result: Structure
) -> tuple[str | None, list[str]]:
    written = " ".join(dateline.split()) if dateline else ""
    if not written:
        return candidate, blocks
    if candidate is not None and (rest := _after_prefix(candidate, written)) is not None:
        result.removed.append((candidate[: len(candidate) - len(rest)].rstrip(), DATELINE))
        # What precedes a dateline is the headline; a dateline first means there is none.
        return None, ([rest] if rest else []) + blocks
    for index, block in enumerate(blocks[:2]):
        rest = _after_prefix(block, written)
        if rest is not None:
            result.removed.append((block[: len(block) - len(rest)].rstrip(), DATELINE))
            return candidate, blocks[:index] + ([rest] if rest else []) + blocks[index + 1 :]
    return candidate, blocks


def _after_prefix(text: str, prefix: str) -> str | None:
    """What follows `prefix` at the start of `text` (separators dropped), or None."""
    if not text.startswith(prefix):
        return None
    following = text[len(prefix) : len(prefix) + 1]
    if following.isalnum() and prefix[-1:].isalnum():
        return None  # 'Bak' is no dateline of 'Bakou'
    rest = text[len(prefix) :]
    separator = _DATELINE_SEPARATOR.match(rest)
    return rest[separator.end() :] if separator else rest


def _choose_headline(
    candidate: str | None, blocks: list[str], language: str | None, result: Structure
) -> tuple[str | None, list[str]]:
    while candidate is not None and _record_furniture(candidate, match_key(candidate), result):
        promote = bool(blocks) and _looks_like_headline(blocks[0], language)
        candidate, blocks = (blocks[0], blocks[1:]) if promote else (None, blocks)
    if candidate is not None and _reads_like_body(candidate):
        return None, [candidate, *blocks]
    return candidate, blocks


def _looks_like_headline(text: str, language: str | None) -> bool:
    return len(text.split()) <= MAX_HEADLINE_WORDS and len(sentences(text, language)) == 1


def _reads_like_body(text: str) -> bool:
    """Too long for a headline, or a long line ending like a sentence."""
    words = len(text.split())
    if words > 2 * MAX_HEADLINE_WORDS:
        return True
    return words > MAX_HEADLINE_WORDS and text.endswith(_SENTENCE_END)


def _drop_furniture(blocks: list[str], result: Structure) -> tuple[list[_Para], int | None]:
    """Credits, ids, furniture, repeated headline, adjacent duplicates; bullets joined."""
    headline_key = match_key(result.headline) if result.headline else None
    kept: list[_Para] = []
    repeat_at: int | None = None
    bullet: str | None = None
    for index, block in enumerate(blocks):
        if block in _BULLETS and index + 1 < len(blocks):
            if bullet:
                result.removed.append((bullet, NO_TEXT))  # an empty list item
            bullet = block  # a list marker scraped onto its own line
            continue
        text = f"{bullet} {block}" if bullet else block
        bullet = None
        key = match_key(text)
        if _record_furniture(text, key, result):
            continue
        if key == headline_key:
            result.removed.append((text, REPEATED_HEADLINE))
            repeat_at = len(kept) if repeat_at is None else repeat_at
        elif kept and key == kept[-1].key:
            result.removed.append((text, DUPLICATE))
        else:
            kept.append(_Para(text, key))
    return kept, repeat_at


def _record_furniture(text: str, key: str, result: Structure) -> bool:
    """Record `text` as a credit or removed furniture; False when it is text to keep."""
    credit = _credit(text, key)
    if credit is not None:
        result.credits.append(credit)
        return True
    reason = _furniture_reason(key) or (DATE_BANNER if _is_date_banner(text, key) else None)
    if reason is not None:
        result.removed.append((text, reason))
        return True
    return False


def _furniture_reason(key: str) -> str | None:
    if not key:
        return NO_TEXT
    if key.replace(" ", "").isdigit():
        return STRAY_ID
    if key in _markers().boilerplate_lines:
        return BOILERPLATE
    return None


def _is_date_banner(text: str, key: str) -> bool:
    """A site's date banner or time stamp: "09:20 - Bu gün", "Сегодня, 14 декабря 2025",
    "Monday, 5 April 2026", "14.12.2025 10:05": a short line with nothing but dates,
    times, weekdays and banner words. Never a publication date (the page's date line
    is): it says when the page was saved."""
    if not key or len(text.split()) > MAX_BANNER_WORDS:
        return False
    banner_words = _markers().banner_words
    if banner_words.sub(" ", key) == key and not any(ch.isdigit() for ch in text):
        return False
    rest = text
    for language in _BANNER_LANGUAGES:
        for found in reversed(scan_dates(rest, language, isolated=True)):
            rest = rest[: found.start] + " " + rest[found.end :]
    return not banner_words.sub(" ", match_key(_TIME.sub(" ", rest))).strip()


def _credit(text: str, key: str) -> Credit | None:
    if len(text.split()) > MAX_CREDIT_WORDS:
        return None
    markers = _markers()
    prefixed = markers.credit_prefix.match(text)
    if prefixed:
        kind = markers.credit_kinds.get(match_key(prefixed["prefix"]), "photo")
        return Credit(kind, prefixed["value"].strip(), text)
    copyright_line = _COPYRIGHT.match(text)
    if copyright_line:
        return Credit("copyright", copyright_line["value"].strip(), text)
    if key in markers.credit_lines:
        return Credit("photo", text, text)
    return None


def _cut_read_also(kept: list[_Para], result: Structure) -> list[_Para]:
    """A 'read also' marker in the last third with no prose after it: cut to the end.
    Elsewhere drop the marker, and when it stands alone the related headlines after it."""
    out: list[_Para] = []
    index = 0
    while index < len(kept):
        para = kept[index]
        if not _is_read_also(para):
            out.append(para)
            index += 1
            continue
        rest = kept[index + 1 :]
        if 3 * index >= 2 * (len(kept) - 1) and not any(_is_prose(p) for p in rest):
            result.removed.extend((p.text, READ_ALSO) for p in kept[index:])
            return out
        end = index + 1
        if _is_bare_marker(para):
            while end < len(kept) and end - index <= MAX_RELATED_LINES and _is_link(kept[end]):
                end += 1
        result.removed.extend((p.text, READ_ALSO) for p in kept[index:end])
        index = end
    return out


def _is_read_also(para: _Para) -> bool:
    if len(para.text.split()) > MAX_READ_ALSO_WORDS:
        return False
    markers = _markers()
    return para.key in markers.read_also_line or bool(markers.read_also_prefix.match(para.key))


def _is_bare_marker(para: _Para) -> bool:
    """The marker alone ('Читайте также:'), its related headline on the next line."""
    markers = _markers()
    return para.key in markers.read_also_line or bool(markers.read_also_prefix.fullmatch(para.key))


def _is_short_line(para: _Para, max_words: int) -> bool:
    """A short line without sentence punctuation: a site name, a related headline."""
    return len(para.text.split()) <= max_words and not para.text.endswith(_SENTENCE_FINAL)


def _is_link(para: _Para) -> bool:
    return _is_short_line(para, MAX_HEADLINE_WORDS)


def _is_prose(para: _Para) -> bool:
    """A sentence of article text (a related headline rarely ends with a period)."""
    return para.text.endswith(_SENTENCE_END) and len(para.text.split()) > MIN_PROSE_WORDS


def _drop_trailing_short_lines(kept: list[_Para], result: Structure) -> list[_Para]:
    """A site name or sign-off after the last sentence ('أوجه الحقيقة', 'AA'); not the
    last item of a list of short lines ('Mezgit: 15 TL')."""
    if len(kept) < 2 or not _is_short_line(kept[-1], MAX_TRAILING_LINE_WORDS):
        return kept
    if _is_short_line(kept[-2], MAX_HEADLINE_WORDS):
        return kept
    result.removed.append((kept[-1].text, TRAILING_SHORT_LINE))
    return kept[:-1]


def _split_summary(kept: list[_Para], repeat_at: int | None) -> tuple[str | None, list[_Para]]:
    """A lead before a repeated headline, or a first paragraph repeated later, is the summary."""
    if repeat_at is not None and 1 <= repeat_at <= 3 and repeat_at < len(kept):
        return " ".join(p.text for p in kept[:repeat_at]), kept[repeat_at:]
    if len(kept) >= 3 and _repeated_later(kept[0], kept[1:]):
        return kept[0].text, kept[1:]
    return None, kept


def _repeated_later(lead: _Para, rest: list[_Para]) -> bool:
    if len(lead.key) < 40:
        return False
    return any(p.key.startswith(lead.key) for p in rest)  # equal, or a truncated teaser


def _derived_headline(paragraph: str, language: str | None) -> str:
    first = sentences(paragraph, language)
    text = first[0].text if first else paragraph
    words = text.split()
    if len(words) <= DERIVED_HEADLINE_WORDS:
        return text
    return " ".join(words[:DERIVED_HEADLINE_WORDS]) + "…"
