"""Keys for matching text across spellings and scripts (never for display).

`match_key` folds within a script: NFKD, combining marks out (Arabic harakat, Latin
accents), casefold, Arabic letter variants and Kazakh-specific letters folded (tables in
data/normalise/folds.json), anything that is not a letter or digit becomes one space.

`latin_key` romanises a token with ICU transforms (CLDR data) so 'Балаева', 'Balayeva'
and 'بالاييفا' can be compared; `skeleton` keeps the consonant frame of a romanised
token. Cross-script name rule used by the tests and offered to later stages: two
tokens match when their skeletons are equal and non-empty (`same_name`); latin keys
are also close enough for rapidfuzz ratios (Балаева/Balayeva = 100, Балаева/بالاييفا
≈ 75) but vowels written as y/w in Arabic make ratios unreliable, hence skeletons.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import icu

DATA = Path(__file__).parent / "data" / "normalise" / "folds.json"

_WORDS = re.compile(r"[^\W_]+")  # runs of letters and digits (str.isalnum)
_NOT_ASCII_WORD = re.compile(r"[^a-z0-9]+")
_ASCII_ONLY = re.compile(r"[\x00-\x7f]*")
_SCRIPTS = ("CYRILLIC", "ARABIC", "LATIN")  # first word of unicodedata.name()
_BMP = range(0x10000)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
# Astral planes with nonspacing marks or format characters (none in planes 2-13).
_ASTRAL_MARK_PLANES = range(0x10000, 0xE1000)


@cache
def _marks(plane: range) -> re.Pattern[str]:
    """Nonspacing marks (harakat, accents) and format characters (tatweel is not one)."""
    ranges: list[list[int]] = []
    for code in (c for c in plane if _is_mark(chr(c))):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    body = "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return re.compile(f"[{body}]+")


def _is_mark(char: str) -> bool:
    return unicodedata.category(char) in ("Mn", "Cf")


def _strip_marks(text: str) -> str:
    # re matches a class of BMP characters through a bitmap, astral ones by a slow scan:
    # the astral class only runs on the rare text that has astral characters.
    text = _marks(_BMP).sub("", text)
    if _ASTRAL.search(text):
        text = _marks(_ASTRAL_MARK_PLANES).sub("", text)
    return text


@cache
def _folds() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return data


@cache
def _fold_pairs() -> tuple[tuple[str, str], ...]:
    """(letter, replacement) pairs; str.replace per pair beats str.translate ~40x here."""
    folds = _folds()
    pairs = [(char, "") for char in folds["remove"]]
    for group in ("arabic", "kazakh", "latin"):
        pairs.extend(folds[group].items())
    return tuple(pairs)


def _fold_letters(text: str) -> str:
    for letter, replacement in _fold_pairs():
        if letter in text:
            text = text.replace(letter, replacement)
    return text


@cache
def _transliterator(script: str) -> Any:
    """One ICU transform per script; creating them costs milliseconds, so once only."""
    ids: dict[str, str] = _folds()["transliterators"]
    return icu.Transliterator.createInstance(ids.get(script, ids["other"]))


@cache
def _skeleton_rules() -> tuple[tuple[tuple[str, str], ...], dict[int, str]]:
    rules = _folds()["skeleton"]
    digraphs = tuple((a, b) for a, b in sorted(rules["digraphs"], key=lambda p: -len(p[0])))
    letters = {ord(k): v for k, v in rules["letters"].items()}
    return digraphs, letters


def match_key(text: str, language: str | None = None) -> str:
    """A folded form of `text` for equality and fuzzy matching within one script.

    Script-level folds apply whatever `language` says, because partners quote names in
    each other's spellings (a Russian text with Қазақстан, a Turkish one with Əliyev);
    `language` is accepted so per-language rules can be added without changing callers.
    """
    del language  # all current folds are script-level, see the docstring
    decomposed = unicodedata.normalize("NFKD", text)
    bare = _fold_letters(_strip_marks(decomposed).casefold())
    return " ".join(_WORDS.findall(unicodedata.normalize("NFC", bare)))


def latin_key(text: str) -> str:
    """Lower-case ASCII romanisation of each whitespace token of `text`, space-joined."""
    keys = (_latin_token(token) for token in text.split())
    return " ".join(key for key in keys if key)


@lru_cache(maxsize=65536)
def _latin_token(token: str) -> str:
    if _ASCII_ONLY.fullmatch(token):
        return _NOT_ASCII_WORD.sub("", token.lower())
    script = _script_of(token)
    prepared = _prepare_for_romanisation(token, script)
    romanised = str(_transliterator(script).transliterate(prepared))
    return _NOT_ASCII_WORD.sub("", romanised.lower())


def script_of(token: str) -> str:
    """'Latin', 'Cyrillic', 'Arabic' or 'other': the script of the first letter."""
    return _script_of(token)


@cache
def stem_scripts() -> dict[str, tuple[str, ...]]:
    """The scripts each stemmed language is written in (data/normalise/folds.json)."""
    data = _folds()["stem_scripts"]
    return {lang: tuple(scripts) for lang, scripts in data.items() if lang != "comment"}


def _script_of(token: str) -> str:
    for char in token:
        if char.isalpha():
            script = unicodedata.name(char, "").split(" ", 1)[0]
            return script.title() if script in _SCRIPTS else "other"
    return "other"


def _prepare_for_romanisation(token: str, script: str) -> str:
    if script == "Arabic":
        # Harakat and hamza seats out before romanising: ICU would spell them as vowels.
        bare = _strip_marks(unicodedata.normalize("NFKD", token))
        return _fold_letters(unicodedata.normalize("NFC", bare))
    # Cyrillic keeps й and ё (BGN romanises them y, ye); Kazakh letters fold to Russian
    # ones first (қ → к → k), and Latin ə ı to a i, which Latin-ASCII leaves alone.
    return _fold_letters(unicodedata.normalize("NFC", token).casefold())


@lru_cache(maxsize=65536)
def skeleton(latin: str) -> str:
    """Consonant frame of a romanised token: 'balayeva' → 'blf', 'kazakhstan' → 'kzkstn'."""
    digraphs, letters = _skeleton_rules()
    text = _NOT_ASCII_WORD.sub("", latin.lower())
    for pair, replacement in digraphs:
        text = text.replace(pair, replacement)
    text = text.translate(letters)
    return _collapse_doubles(text)


@cache
def _loose_rules() -> tuple[dict[int, str], str]:
    loose = _folds()["loose"]
    letters = {ord(k): v for k, v in _folds()["skeleton"]["letters"].items()}
    letters.update({ord(vowel): loose["vowel"] for vowel in loose["vowels"]})
    letters.update({ord(char): "" for char in loose["drop"]})
    return letters, loose["vowel"]


@lru_cache(maxsize=65536)
def loose_key(latin: str) -> str:
    """A romanised token with its vowels' places kept and their quality dropped:
    'almaty' and 'almati' → 'almata', 'twkayyf' (توكاييف) and 'tokayev' → 'takaf'.

    Finer than `skeleton` ('lmt' is also 'limit' and الموت), for search across scripts."""
    digraphs, _ = _skeleton_rules()
    letters, _ = _loose_rules()
    text = _NOT_ASCII_WORD.sub("", latin.lower())
    for pair, replacement in digraphs:
        text = text.replace(pair, replacement)
    return _collapse_doubles(text.translate(letters))


def loose_key_of(token: str) -> str:
    """`loose_key(latin_key(token))`, with the letters romanisation would drop (ع) kept."""
    for letter, replacement in _before_romanising():
        token = token.replace(letter, replacement)
    return loose_key(latin_key(token))


@cache
def _before_romanising() -> tuple[tuple[str, str], ...]:
    table = _folds()["loose"]["before_romanising"]
    return tuple((k, v) for k, v in table.items() if k != "comment")


def loose_consonants(key: str) -> int:
    """How many consonants a loose key has (how specific it is)."""
    return sum(1 for char in key if char != _loose_rules()[1])


def _collapse_doubles(text: str) -> str:
    out: list[str] = []
    for char in text:
        if not out or out[-1] != char:
            out.append(char)
    return "".join(out)


def name_skeleton(token: str) -> str:
    """skeleton(latin_key(token)): the key under which cross-script spellings meet.

    Spaces are dropped, so 'Al Jazeera' meets 'الجزيرة' (article written joined).
    """
    return skeleton(latin_key(token))


def same_name(a: str, b: str) -> bool:
    """True when two spellings (any scripts) share a non-empty consonant skeleton."""
    key = name_skeleton(a)
    return bool(key) and key == name_skeleton(b)
