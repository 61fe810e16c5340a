"""Lenient matching of gold and predicted names (`ortaq eval reading` and `eval entities`).

Labels (dateline place and agency): both sides NFKC-normalised, case-folded, every
punctuation or symbol character (brackets, slashes, dots, quotes, dashes) made a space,
spaces collapsed: '/TASS/' = 'TASS', 'ST. PETERSBURG' = 'St Petersburg'.

People (`person_score`): each name is cut into tokens by the linker's own rules
(`entities.linking.name_tokens`: titles, role words and particles such as al-/аль- out,
the Kazakh/Russian/Turkish/Azerbaijani case ending of the last token off), romanised
with ICU (`read.normalise.latin_key`) so Cyrillic, Arabic and Latin spellings meet, and
reduced to consonant skeletons. Two names match when

- the surnames (last tokens) have the same skeleton (an Arabic article glued to one
  side tolerated; a skeleton of fewer than 3 consonants also needs a rapidfuzz ratio
  >= 70 of the romanised surnames: 'Rayssi' and 'Aires' are both 'rs'), and the first
  given names agree: the same skeleton of at least 3 consonants ('Ahmad' and 'Mohammed'
  both reduce to 'md'), a rapidfuzz ratio of the romanised tokens >= 80 (an inflected
  given name), or one is an initial with the same first letter. Score 1.0; 0.8 when one
  side has no given name at all;
- a surname match with conflicting given names is NO match (two people of one family);
- otherwise the rapidfuzz token-sort ratio of the romanised names is >= 90 (word order
  swapped, small spelling differences): score ratio / 100.

Organisations (`organisation_score`), score 1.0 unless said otherwise:

- the folded names are equal (`read.normalise.match_key`: NFKD, marks out, case-folded,
  punctuation out), or any of their forms are equal, a name written 'Qatar News Agency
  (QNA)' having the forms full, 'Qatar News Agency' and 'QNA';
- the gold name resolves in the organisation knowledge base
  (`evaluation.cooperation.resolve_gold_party`) to the predicted entity id;
- the romanised names have the same number of words and each word pair agrees (ratio
  >= 80, or one is a prefix of at least 4 letters of the other: a case ending): 0.9;
- their distinctive words agree the same way: 0.85. Distinctive words are what is left
  once the words that only say what kind of body it is or its medium ('agency', 'news',
  'информационное', 'ақпарат', 'وكالة', function words: data/org_descriptors.json) and
  place names (the gazetteer's countries, demonyms and cities) are out; a name with no
  distinctive word left ('Kazakh News Agency') matches by this rule nothing at all, so
  two agencies of one country never meet here, and two names that name different
  places ('... of Azerbaijan', '... of Turkey') do not meet by this rule either.
  'TASS İnformasiya Agentliyi' ~ 'TASS', '«Кабар» ұлттық ақпарат агенттігі' ~ 'Кабар'.
Two names that resolve to DIFFERENT knowledge-base organisations never match, however
alike they are written.

`greedy_pairs` pairs gold and predicted entities one-to-one, best score first.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from pathlib import Path

from rapidfuzz import fuzz

from ortaq.entities.gazetteer import find_places
from ortaq.entities.linking import NameKey, name_key
from ortaq.read.normalise import latin_key, match_key, skeleton

GIVEN_NAME_RATIO = 80.0
MIN_SURNAME_SKELETON = 3
SHORT_SURNAME_RATIO = 70.0  # romanised surnames whose skeleton is shorter than that
# Shorter skeletons are too coarse alone: Ahmad and Mohammed both reduce to 'md'.
MIN_GIVEN_SKELETON = 3
WHOLE_NAME_RATIO = 90.0
ORG_WORD_RATIO = 80.0
ORG_STEM = 4
SURNAME_ONLY = 0.8
ORG_FUZZY = 0.9
ORG_DISTINCTIVE = 0.85
DESCRIPTORS = Path(__file__).parent / "data" / "org_descriptors.json"
_PARENTHESIS = re.compile(r"^(?P<name>.*?)\s*[(\[]\s*(?P<abbr>[^()\[\]]+?)\s*[)\]]\s*$")


def fold_label(text: str | None) -> str:
    """NFKC, case-folded, punctuation and symbols out (see the module docstring)."""
    if not text:
        return ""
    normal = unicodedata.normalize("NFKC", text).casefold()
    spaced = "".join(" " if unicodedata.category(c)[0] in "PSZC" else c for c in normal)
    return " ".join(spaced.split())


def same_label(gold: str | None, predicted: str | None) -> bool:
    folded = fold_label(gold)
    return bool(folded) and folded == fold_label(predicted)


# --- people ----------------------------------------------------------------------------


@lru_cache(maxsize=16384)
def _person_key(name: str, language: str) -> NameKey:
    return name_key(name, language)


def _surnames_agree(g: NameKey, p: NameKey) -> bool:
    a, b = g.surname, p.surname
    if not a or not b:
        return False
    # an Arabic article glued to one side: الصواغ 'lswg' ~ Al-Sawagh 'swg'
    same = (
        a == b
        or (len(a) > 2 and a[0] == "l" and a[1:] == b)
        or (len(b) > 2 and b[0] == "l" and b[1:] == a)
    )
    if not same:
        return False
    # a short skeleton alone is too coarse: Rayssi and Aires are both 'rs'
    short = min(len(a), len(b)) < MIN_SURNAME_SKELETON
    return not short or fuzz.ratio(g.tokens[-1], p.tokens[-1]) >= SHORT_SURNAME_RATIO


def _given_agree(a: str, b: str) -> bool:
    """First given names (romanised) agree: skeleton, initial, or a close spelling."""
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    if len(skeleton(a)) >= MIN_GIVEN_SKELETON and skeleton(a) == skeleton(b):
        return True
    return fuzz.ratio(a, b) >= GIVEN_NAME_RATIO


def person_score(gold: str, predicted: str, language: str) -> float:
    """How well one predicted spelling matches a gold person's name (0 = no match)."""
    g, p = _person_key(gold, language), _person_key(predicted, language)
    if not g.tokens or not p.tokens:
        return 0.0
    if _surnames_agree(g, p):
        if len(g.tokens) == 1 or len(p.tokens) == 1:
            return SURNAME_ONLY
        return 1.0 if _given_agree(g.tokens[0], p.tokens[0]) else 0.0
    whole = fuzz.token_sort_ratio(" ".join(g.tokens), " ".join(p.tokens))
    return whole / 100.0 if whole >= WHOLE_NAME_RATIO else 0.0


def best_person_score(gold: str, predicted_names: Iterable[str], language: str) -> float:
    return max((person_score(gold, name, language) for name in predicted_names), default=0.0)


# --- organisations -----------------------------------------------------------------------


def name_forms(name: str) -> set[str]:
    """Folded forms of an organisation name: whole, and name and abbreviation apart."""
    forms = {match_key(name)}
    found = _PARENTHESIS.match(name.strip())
    if found:
        forms |= {match_key(found.group("name")), match_key(found.group("abbr"))}
    return {f for f in forms if f}


def _words_agree(a: str, b: str) -> bool:
    short, long = sorted((a, b), key=len)
    if len(short) >= ORG_STEM and long.startswith(short):
        return True  # a case ending: 'ajansi' / 'ajansinin'
    return fuzz.ratio(a, b) >= ORG_WORD_RATIO


def _wordwise(a: str, b: str) -> bool:
    return _words_all_agree(a.split(), b.split())


@cache
def _descriptors(language: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """(exact words, stems) of the language and of English, folded by match_key."""
    data = json.loads(DESCRIPTORS.read_text("utf-8"))
    entries = [*data.get(language, []), *data["en"]] if language != "en" else data["en"]
    exact = {match_key(e) for e in entries if not e.endswith("*")}
    stems = tuple(match_key(e[:-1]) for e in entries if e.endswith("*"))
    return frozenset(exact - {""}), tuple(s for s in stems if s)


def _is_descriptor(word: str, language: str) -> bool:
    exact, stems = _descriptors(language)
    return word in exact or word.startswith(stems)


@lru_cache(maxsize=16384)
def _place_mentions(name: str, language: str) -> tuple[tuple[str, str], ...]:
    """(folded text, entity id) of the places named in `name` (its language and English)."""
    found = {
        (match_key(m.text), m.entity_id or m.text)
        for lang in sorted({language, "en"})
        for m in find_places(name, lang)
    }
    return tuple(sorted(found))


def _places(name: str, language: str) -> frozenset[str]:
    return frozenset(entity for _, entity in _place_mentions(name, language))


@lru_cache(maxsize=16384)
def distinctive_words(name: str, language: str) -> tuple[str, ...]:
    """The words of an organisation name that are neither descriptors nor places."""
    places = {word for text, _ in _place_mentions(name, language) for word in text.split()}
    words = match_key(name).split()
    return tuple(w for w in words if w not in places and not _is_descriptor(w, language))


def _words_all_agree(a: Sequence[str], b: Sequence[str]) -> bool:
    wa = [latin_key(w) for w in a]
    wb = [latin_key(w) for w in b]
    if not wa or len(wa) != len(wb) or not all(wa) or not all(wb):
        return False
    return all(_words_agree(x, y) for x, y in zip(sorted(wa), sorted(wb), strict=True))


def organisation_score(
    gold: str,
    gold_id: str | None,
    predicted_names: Sequence[str],
    predicted_id: str | None,
    language: str = "en",
) -> float:
    """How well a predicted organisation (its names and entity id) matches a gold name.

    `gold_id` is the gold name's knowledge-base id, if it has one; `predicted_id` the
    prediction's id when it is a knowledge-base id."""
    if gold_id and predicted_id:
        return 1.0 if gold_id == predicted_id else 0.0  # two known, different bodies
    gold_forms = name_forms(gold)
    if any(gold_forms & name_forms(name) for name in predicted_names):
        return 1.0
    for name in predicted_names:
        if any(_wordwise(g, p) for g in gold_forms for p in name_forms(name)):
            return ORG_FUZZY
    gold_core, gold_places = distinctive_words(gold, language), _places(gold, language)
    for name in predicted_names:
        places = _places(name, language)
        if gold_places and places and gold_places != places:
            continue  # the same kind of body of two countries or cities
        if _words_all_agree(gold_core, distinctive_words(name, language)):
            return ORG_DISTINCTIVE
    return 0.0


# --- one-to-one pairing ------------------------------------------------------------------


def greedy_pairs(scores: Sequence[Sequence[float]]) -> list[tuple[int, int, float]]:
    """(gold index, predicted index, score) pairs, best score first, each side used once.

    `scores[g][p]` is the score of gold g against prediction p; 0 means no match."""
    candidates = sorted(
        ((s, gi, pi) for gi, row in enumerate(scores) for pi, s in enumerate(row) if s > 0),
        key=lambda c: (-c[0], c[1], c[2]),
    )
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for score, gi, pi in candidates:
        if gi in used_gold or pi in used_pred:
            continue
        used_gold.add(gi)
        used_pred.add(pi)
        pairs.append((gi, pi, score))
    return pairs
