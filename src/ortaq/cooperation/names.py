"""Is this the same organisation's name? Comparing party names within one text.

An organisation the knowledge base does not know is a party by its name as the text
writes it, and the text writes it in several ways: inflected ('Medianın İnkişafı
Agentliyinin' for 'Medianın İnkişafı Agentliyi', 'TİMBİR-in', 'لوكالة'), with or without
its kind ('Xinhua' and 'Xinhua News Agency', 'Синьхуа' and '«Синьхуа» ақпарат агенттігі'),
in quotes or not, with Latin letters folded ('AZƏRTAC' and 'AZERTAC'). `same_name` says
whether two names are one, and nothing looser:

- words are compared after folding (case, quotes, Arabic letter forms, transliteration
  of accented Latin letters to ASCII; scripts are not crossed: 'Синьхуа' is not 'Xinhua');
- a word matches the same word plus one case ending of the text's language, or with an
  Arabic proclitic before it, or another form of it with the same stem of at least five
  letters ('агентством' and 'агентства'; data/names.json); never a longer word ('RT' is
  not 'RT Arabic', 'Kabar' is not 'Kabarlar');
- both names are compared word by word, in order, with the same number of words; a name
  may also be compared without its generic words ('news', 'agency', 'агентство',
  'وكالة'), but only if what is left is not just a country or place name ('Qatar News
  Agency' and 'Qatar Press Agency' are two agencies).
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from anyascii import anyascii

from ortaq.cooperation.lexicon import fold

DATA = Path(__file__).resolve().parent / "data" / "names.json"
_QUOTES = re.compile(r"[«»\"“”„‟‹›()\[\]{}.,;:!?/\\–—]+")
_QUOTED = re.compile(r"[«“\"„][^«»“”\"„]{2,40}[»”\"“]")
MIN_STEM = 5  # letters left when two inflected forms are compared by their stems
_SPLIT = re.compile(r"\s+|(?<=\s)-|-(?=\s)")


@cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA.read_text("utf-8"))["languages"]
    return data


@cache
def _endings(language: str) -> tuple[str, ...]:
    spec = _data().get(language, {})
    endings = {_fold_word(e).lstrip("'-") for e in spec.get("case_endings", [])}
    return tuple(sorted((e for e in endings if e), key=len, reverse=True))


@cache
def _prefixes(language: str) -> tuple[str, ...]:
    spec = _data().get(language, {})
    return tuple(sorted({fold(p) for p in spec.get("case_prefixes", [])}, key=len, reverse=True))


@cache
def _generic() -> frozenset[str]:
    out: set[str] = set()
    for spec in _data().values():
        out |= {_fold_word(w) for w in spec.get("generic_words", [])}
    return frozenset(out)


@lru_cache(maxsize=65536)
def _fold_word(word: str) -> str:
    folded = fold(word).replace("’", "'")
    if all(c.isascii() or "LATIN" in unicodedata.name(c, "") for c in folded):
        folded = anyascii(folded).lower()  # Latin: 'ə' as 'e', 'é' as 'e', 'ı' as 'i'
    elif any("\u0600" <= c <= "\u06ff" for c in folded):
        folded = re.sub("[\u064b-\u0652\u0670\u0640]", "", folded)  # Arabic diacritics
    return folded


def words(name: str) -> list[str]:
    """The folded words of a name, without quotes and brackets."""
    return list(_words(name))


@lru_cache(maxsize=65536)
def _words(name: str) -> tuple[str, ...]:
    cleaned = _QUOTES.sub(" ", name.replace("ʼ", "'").replace("’", "'"))
    return tuple(w for w in (_fold_word(x).strip("'") for x in _SPLIT.split(cleaned)) if w)


def _same_word(a: str, b: str, language: str | None) -> bool:
    if a == b:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < 2:
        return False
    if not language:
        return False
    if long.startswith(short) and long[len(short) :].lstrip("'-") in _endings(language):
        return True
    if long.endswith(short) and long[: len(long) - len(short)] in _prefixes(language):
        return True
    stem_a, stem_b = _stem(a, language), _stem(b, language)
    return stem_a == stem_b and len(stem_a) >= MIN_STEM


def _stem(word: str, language: str) -> str:
    """The word without its longest case ending ('агентством', 'агентства' → 'агентств')."""
    for ending in _endings(language):
        if word.endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)].rstrip("'-")
    return word


def _same_words(a: list[str], b: list[str], language: str | None) -> bool:
    return len(a) == len(b) and all(_same_word(x, y, language) for x, y in zip(a, b, strict=True))


def _distinctive(ws: list[str]) -> list[str]:
    return [w for w in ws if w not in _generic()]


def _is_place_name(ws: list[str], language: str | None) -> bool:
    from ortaq.entities.gazetteer import find_places

    text = " ".join(w[:1].upper() + w[1:] for w in ws)  # names of places are capitalised
    return any(hit.end - hit.start >= len(text) - 1 for hit in find_places(text, language or "en"))


def same_name(a: str, b: str, language: str | None = None) -> bool:
    """True when the two names name the same organisation (see the module docstring)."""
    wa, wb = list(_words(a)), list(_words(b))
    if not wa or not wb:
        return False
    if _same_words(wa, wb, language):
        return True
    da, db = _distinctive(wa), _distinctive(wb)
    if not da or not db or (da == wa and db == wb):
        return False
    if not _same_words(da, db, language):
        return False
    return not _is_place_name(da, language)


@cache
def _joint() -> tuple[frozenset[str], tuple[str, ...]]:
    whole: set[str] = set()
    starts: set[str] = set()
    for spec in _data().values():
        for entry in spec.get("joint_words", []):
            if entry.endswith("*"):
                starts.add(_fold_word(entry[:-1]))
            else:
                whole.add(_fold_word(entry))
    return frozenset(whole), tuple(sorted(starts))


def is_joint_body(name: str) -> bool:
    """A joint body of the parties ('joint committee', 'Совместная медиа-платформа',
    'المنصة الإعلامية المشتركة'): what their cooperation made, not one of them."""
    whole, starts = _joint()
    return (
        any(w in whole or w.startswith(starts) for w in _words(name))
        if starts
        else any(w in whole for w in _words(name))
    )


@cache
def _heads(key: str) -> frozenset[str]:
    out: set[str] = set()
    for spec in _data().values():
        out |= {_fold_word(w) for w in spec.get(key, [])}
    return frozenset(out)


def is_group(name: str) -> bool:
    """A name headed by a plural ('agencies of China and Central Asia', 'агентств
    «Китай - Центральная Азия»'), a group of bodies or part of a forum's name, or by a
    document's word ('Memorandum of Understanding on News'): no party."""
    ws = words(name)
    return bool(ws) and (ws[0] in _heads("group_heads") or ws[0] in _heads("document_heads"))


def is_generic(name: str) -> bool:
    """A name of generic words only ('СМИ', 'the Federation', 'وسائل الإعلام')."""
    if _QUOTED.search(name):
        return False  # a quoted word is a proper name ('“Birlik” İnformasiya Agentliyi')
    ws = words(name)
    return not _distinctive(ws)
