"""What an item is about, as keys two items can share: within a language and across.

Two families of keys, each a string with a kind prefix so one inverted index holds all:

* ``w:<lang>:<stem>`` -- in-language terms. Snowball stemmers (PyStemmer) for en, fr, ru,
  tr and ar; Kazakh and Azerbaijani, which Snowball lacks, get a light suffix stripper
  whose suffix lists are data (data/suffixes/<lang>.json). Text is folded with
  `ortaq.read.normalise.match_key` first, so spelling variants meet.
* cross-lingual keys, which do not depend on the language of the text:
  ``n:`` numbers (Arabic-Indic digits, thousands separators and decimal commas
  normalised), ``d:`` dates (month-day, from `ortaq.read.dates.scan_dates`), ``y:``
  years, ``s:`` name skeletons of capitalised words (`name_skeleton`, so Пәкістанның and
  Pakistan meet once the case ending is stripped), ``c:`` cognates (the first letters
  of the romanised word, `latin_key`: террористік / terrorçulara / terrorist →
  ``c5:terro`` and ``c4:terr``), ``q:`` a coarser skeleton of capitalised words that
  also drops h/kh and w/v (Harker/Харкер, Sowore/Соворе), ``e:`` entity ids from the
  entities stage and ``p:`` the dateline place.

No weight is learned here: weighting (IDF) is computed online by whoever indexes the
keys (see clustering.py), from what that index has seen.
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import Stemmer

from ortaq.read.normalise import latin_key, match_key, skeleton

SUFFIX_DATA = Path(__file__).parent / "data" / "suffixes"

SNOWBALL = {"en": "english", "fr": "french", "ru": "russian", "tr": "turkish", "ar": "arabic"}
STRIPPED = ("kk", "az")

COGNATE_PREFIXES = (4, 5)  # romanised letters kept as cognate keys (words at least as long)
SKELETON_MIN = 2  # consonants a capitalised word's skeleton needs to count as a name
COARSE_PREFIX = 4  # consonants of the coarse skeleton kept
PERSON_KEY_MIN = 3  # consonants a person's name word needs to tell people apart
# The coarse skeleton also drops what transliteration spells inconsistently: h/kh
# (Harker/Харкер 'kharker'), w/v (Sowore/Соворе 'sovore'), and 'sch' (Schaeffer/Шаффер).
_COARSE = (("sch", "s"), ("kh", ""), ("h", ""), ("w", ""), ("v", ""))

_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_NUMBER = re.compile(r"\d+(?:[ \u00a0\u202f.,'’]\d{3})*(?:[.,]\d+)?")
_EASTERN = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_APOSTROPHE = re.compile(r"['’].*$")  # Turkish/Azerbaijani case endings after a name
_SOFT_C = re.compile(r"c(?=[eiy])")
_HARD_C = re.compile(r"ck|c(?!h)")


@dataclass(frozen=True)
class Features:
    """Keys of one text with their counts; ``language`` says which analyser made them."""

    language: str | None
    terms: Mapping[str, int] = field(default_factory=dict)  # w:<lang>:<stem>
    cross: Mapping[str, int] = field(default_factory=dict)  # n: d: y: s: c: e: p:
    # name keys of the people the item names (from the entities stage): who took part
    people: frozenset[str] = frozenset()
    # the country the item was filed from (its dateline, read by the read stage)
    filed: str | None = None

    def keys(self) -> dict[str, int]:
        out = dict(self.terms)
        out.update(self.cross)
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "terms": dict(self.terms),
            "cross": dict(self.cross),
            "people": sorted(self.people),
            "filed": self.filed,
        }


# -- in-language analysers -------------------------------------------------------------


_STEMMERS = threading.local()


def _stemmer(language: str) -> Any:
    """One Snowball stemmer per language and thread: PyStemmer objects are not
    thread-safe, and the API runs the chain and search queries in a thread pool."""
    stemmers: dict[str, Any] = _STEMMERS.__dict__.setdefault("by_language", {})
    if language not in stemmers:
        stemmers[language] = Stemmer.Stemmer(SNOWBALL[language])
    return stemmers[language]


@cache
def _suffix_rules(language: str) -> tuple[tuple[str, ...], int, int]:
    data = json.loads((SUFFIX_DATA / f"{language}.json").read_text(encoding="utf-8"))
    suffixes = tuple(sorted({s for s in data["suffixes"]}, key=len, reverse=True))
    return suffixes, int(data["min_stem"]), int(data["max_rounds"])


@lru_cache(maxsize=200_000)
def strip_suffixes(word: str, language: str, rounds: int | None = None) -> str:
    """The light stemmer for kk and az: longest listed suffix off, a few times over.

    Names take one round only (`rounds=1`): their outermost ending is the case suffix,
    and a second round would eat into the name ('казакстан' less 'тан')."""
    suffixes, min_stem, max_rounds = _suffix_rules(language)
    for _ in range(max_rounds if rounds is None else rounds):
        for suffix in suffixes:
            if word.endswith(suffix) and len(word) - len(suffix) >= min_stem:
                word = word[: -len(suffix)]
                break
        else:
            break
    return word


def analyse(text: str, language: str | None) -> list[str]:
    """Folded, stemmed words of `text` in its own language (no prefix)."""
    words = [w for w in match_key(text, language).split() if not w.isdigit()]
    return stem_words(words, language)


def stem_words(words: Sequence[str], language: str | None) -> list[str]:
    """Stems of folded words: Snowball where it has the language, the suffix stripper
    for kk and az, the words themselves otherwise."""
    if language in SNOWBALL:
        return list(_stemmer(language).stemWords(words))
    if language in STRIPPED:
        return [strip_suffixes(w, language) for w in words]
    return list(words)


# -- cross-lingual keys ----------------------------------------------------------------


def numbers(text: str) -> list[str]:
    """Numbers as written, normalised: '1,250' '1 250' '١٢٥٠' → '1250'; '2,5' → '2.5'.

    Single digits are left out: they are too common to say anything about a story."""
    out = []
    for match in _NUMBER.finditer(text.translate(_EASTERN)):
        raw = match.group()
        groups = re.split(r"[ \u00a0\u202f.,'’]", raw)
        separators = re.findall(r"[ \u00a0\u202f.,'’]", raw)
        if len(groups) > 1 and len(groups[-1]) != 3 and separators[-1] in ".,":
            value = "".join(groups[:-1]) + "." + groups[-1]
        else:
            value = "".join(groups)
        value = value.lstrip("0") or "0"
        if "." in value:
            value = value.rstrip("0").rstrip(".")
        if len(value) >= 2:
            out.append(value)
    return out


def dates(text: str, language: str | None) -> list[str]:
    """Month-day and year keys of the dates in `text` ('d:03-14', 'y:2026')."""
    try:
        from ortaq.read.dates import SUPPORTED, scan_dates
    except ImportError:  # pragma: no cover - the read stage is part of the package
        return []
    if language not in SUPPORTED:
        return []
    return date_keys((p.year, p.month, p.day) for p in scan_dates(text, language))


def date_keys(written: Iterable[tuple[int | None, int | None, int | None]]) -> list[str]:
    """Keys of dates as written (year, month, day): the day named, and the year."""
    out = []
    for year, month, day in written:
        if month and day:
            out.append(f"d:{month:02d}-{day:02d}")
        if year:
            out.append(f"y:{year}")
    return out


@lru_cache(maxsize=200_000)
def _word_keys(word: str, language: str | None, capitalised: bool) -> tuple[str, ...]:
    """Cognate and name-skeleton keys of one word as written."""
    bare = _APOSTROPHE.sub("", word)
    latin = latin_key(bare)
    keys = [f"c{n}:{latin[:n]}" for n in COGNATE_PREFIXES if len(latin) >= n]
    if capitalised:
        # A hyphenated name is names that other languages write apart (Сан-Франциско,
        # San Francisco): its parts give the name keys, the whole only cognates.
        parts = [p for p in bare.split("-") if p[:1].isupper()] if "-" in bare else [bare]
        for part in parts:
            keys.extend(_name_keys(part, language))
    return tuple(dict.fromkeys(keys))


def name_keys_of_word(word: str, language: str | None) -> tuple[str, ...]:
    """The name-skeleton keys (``s:`` ``q:``) of a capitalised word as written."""
    return tuple(k for k in _word_keys(word, language, True) if k.startswith(("s:", "q:")))


def _name_keys(name: str, language: str | None) -> list[str]:
    keys = []
    for stem in _name_stems(name, language):
        stem_latin = latin_key(stem)
        frame = skeleton(stem_latin)
        if len(frame) >= SKELETON_MIN:
            keys.append("s:" + frame)
        coarse = coarse_skeleton(stem_latin)
        if len(coarse) >= SKELETON_MIN:
            keys.append("q:" + coarse[:COARSE_PREFIX])
    return keys


def _name_stems(name: str, language: str | None) -> tuple[str, ...]:
    """The forms of a name its keys come from.

    Kazakh and Azerbaijani names give both the name less one suffix and the name as
    written: the stripper cannot tell a case ending from the end of a foreign name
    (Моника is not Мони + dative -ка), and the IDF of whichever key is wrong stays low."""
    folded = match_key(name, language).replace(" ", "")
    if language in STRIPPED:
        stripped = strip_suffixes(folded, language, rounds=1)
        return (stripped, folded) if stripped != folded else (folded,)
    if language in SNOWBALL and language != "en":
        return (_stemmer(language).stemWord(folded),)
    return (name,)


def coarse_skeleton(latin: str) -> str:
    """A skeleton that forgives what transliteration spells inconsistently.

    English and French spell /s/ and /k/ with c (Monica/Моника, Francisco/Франциско);
    BGN romanisation of Cyrillic and the Arabic folds never write a bare c, so a c is
    read the English way first: soft before e, i, y, hard elsewhere (ch stays ch)."""
    latin = _SOFT_C.sub("s", latin)
    latin = _HARD_C.sub("k", latin)
    for old, new in _COARSE:
        latin = latin.replace(old, new)
    return skeleton(latin)


_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")


@lru_cache(maxsize=50_000)
def entity_name_keys(name: str) -> tuple[str, ...]:
    """Name keys (``s:`` ``q:``) of each word of an entity's name as the entities stage read it.

    The name is not stemmed (the entities stage gives it as a name is written, Пушков not
    Пушкова), so it meets the same name written in a language without case endings, and
    Arabic names get name keys at all: Arabic has no capitals to tell a name by. Arabic
    proclitics (و ب ل ف ك ال) come off first: وسبوتنيك is Sputnik."""
    keys: list[str] = []
    for word in _WORD.findall(name):
        forms = [_APOSTROPHE.sub("", word)]
        if _ARABIC_LETTER.search(word):
            # both forms: a name may begin with a proclitic's letter (فاسيلي, Vasily)
            from ortaq.entities.ner import arabic_split, normalise

            forms.append(arabic_split(normalise(word, "ar"))[1])
        elif not word[:1].isupper():
            continue  # "agency" in "Anadolu agency" is no name
        for form in dict.fromkeys(forms):
            keys.extend(_name_keys(form, None))
    return tuple(dict.fromkeys(keys))


def cross_keys(
    text: str,
    language: str | None,
    entity_ids: Iterable[str] = (),
    located: str | None = None,
    entity_names: Iterable[str] = (),
    found_dates: Sequence[str] | None = None,
) -> Counter[str]:
    keys: Counter[str] = Counter()
    for number in numbers(text):
        keys["n:" + number] += 1
    keys.update(dates(text, language) if found_dates is None else found_dates)
    for match in _WORD.finditer(text):
        word = match.group()
        keys.update(_word_keys(word, language, word[0].isupper()))
    for entity in entity_ids:
        keys["e:" + entity] += 1
    for name in entity_names:
        keys.update(entity_name_keys(name))
    if located:
        # the coarse skeleton: Москва 'moskva' and MOSCOW are one place
        frame = coarse_skeleton(latin_key(located))
        if frame:
            keys["p:" + frame] += 1
    return keys


def text_features(
    text: str,
    language: str | None,
    entity_ids: Iterable[str] = (),
    located: str | None = None,
    entity_names: Iterable[str] = (),
    found_dates: Sequence[str] | None = None,
) -> Features:
    """Keys of a text; `found_dates` are date keys already found (`date_keys` of the
    read stage's dates), else the text is scanned for them."""
    lang = language or "und"
    terms = Counter(f"w:{lang}:{t}" for t in analyse(text, language) if len(t) >= 2)
    cross = cross_keys(text, language, entity_ids, located, entity_names, found_dates)
    return Features(language, dict(terms), dict(cross))


def item_features(item: Any) -> Features:
    """Features of an `ortaq.model.Item`: headline and body, entities, dateline."""
    text = "\n".join(p for p in (item.headline, item.summary, *item.body) if p)
    ids, names = [], []
    for group in (item.people, item.organisations, item.places):
        for entity in group:
            if entity.get("credited"):
                continue  # the agency that reports says nothing about the occasion
            ident = entity.get("id") or entity.get("uri")
            if ident:
                ids.append(str(ident))
            if entity.get("name"):
                names.append(str(entity["name"]))
    found = None
    if item.dates is not None:  # read by the read stage: no second scan
        found = date_keys((d.written_year, d.written_month, d.written_day) for d in item.dates)
    features = text_features(text, item.language, ids, item.located, names, found)
    people = {
        key
        for person in item.people
        for key in entity_name_keys(str(person.get("name") or ""))
        if key.startswith("s:") and len(key) - 2 >= PERSON_KEY_MIN
    }
    return Features(
        features.language,
        features.terms,
        features.cross,
        frozenset(people),
        dateline_country(item),
    )


def dateline_country(item: Any) -> str | None:
    """The country of the item's dateline place, as the read stage resolved it."""
    dateline = getattr(item, "derived", {}).get("dateline")
    value = getattr(dateline, "value", None)
    country = value.get("country") if isinstance(value, dict) else None
    return str(country).upper() if country else None


def normalise_text(text: str) -> str:
    """NFKC-folded text for hashing (kept here so duplicates and features agree)."""
    return unicodedata.normalize("NFKC", text)
