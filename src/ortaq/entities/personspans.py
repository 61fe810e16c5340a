"""Person spans hold a name and nothing else: titles, roles, events and bylines stay out.

    clean_person(m, text, language, common) -> Mention | None

The NER and the rules find capitalised runs; this keeps from such a run the part that
can be a person's name:

* words at either edge that are not name words are cut off: role and title words
  (data/roles/<lang>.json and linking.TITLES: 'Board Chairman X' keeps X), words that
  are never part of a person's name (the 'events' of data/orgspans/<lang>.json:
  forum, treaty, sea, airport, ...; the 'not_names' of the role data: months,
  pronouns), common words (`common`: words the same text also writes in lower case,
  so 'Cooperation' in a headline is the word 'cooperation'), abbreviations in capitals
  ('КНР Си Цзиньпин', 'Hatem Mohamed SHARJAH'), name particles left hanging
  ('Mohamed Jalal Al', 'محمد أبو');
* a span with an event, organisation-head or place-head word inside ('Yunnan
  International Communication Forum') is no person;
* one word alone that is a place or a common word ('Turkey', 'Forum') is no person;
* bylines and photo credits are not people of the story: a name that fills its line
  or follows a byline cue at the line's start ('By Emre Gurkan Abay').
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from functools import cache

from ortaq.entities.gazetteer import find_places
from ortaq.entities.linking import PARTICLES, ROLES_DIR, TITLES, role_heads
from ortaq.entities.orgspans import (
    Token,
    byline_words,
    fold_word,
    rules,
    title_words,
    tokenize,
)
from ortaq.model import Mention
from ortaq.read.normalise import match_key

_LOWER_WORD = re.compile(r"(?<![\w'’])([^\W\d_]+)")


def common_words(text: str) -> frozenset[str]:
    """Folded words the text writes in lower case somewhere (not after an apostrophe)."""
    return frozenset(
        fold_word(w) for w in _LOWER_WORD.findall(text) if w[:1].islower() and len(w) > 2
    )


@cache
def _not_names(language: str) -> frozenset[str]:
    path = ROLES_DIR / f"{language}.json"
    data = json.loads(path.read_text("utf-8")) if path.is_file() else {}
    return frozenset(match_key(w) for w in data.get("not_names", []))


def _edge_word(t: Token, language: str, common: frozenset[str]) -> bool:
    """A word that cannot begin or end a person's name."""
    key = t.key
    if not key:
        return True
    if key in TITLES or key in role_heads(language) or key in PARTICLES:
        return True
    if key in title_words(language):
        return True
    if key in _not_names(language):
        return True
    if t.acronym and t.text.isupper() and len(t.text) > 1:
        return True
    return language != "ar" and key in common


def _inner_word(t: Token, language: str) -> bool:
    """A word that no person's name holds (an event, an organisation's head)."""
    r = rules(language)
    if r is None or not t.key:
        return False
    return t.key in r.events or (t.text[:1].isupper() and r.head_length(t) is not None)


def clean_person(m: Mention, text: str, language: str, common: frozenset[str]) -> Mention | None:
    """The person mention cut to its name, or None when no name is left (module doc)."""
    toks = [t for t in tokenize(m.text) if t.is_word]
    if not toks:
        return None
    if any(_inner_word(t, language) for t in toks):
        return None  # an event or an organisation ('Kazan Forum', 'Caspian Sea')
    lo, hi = 0, len(toks)
    while lo < hi and _edge_word(toks[lo], language, common):
        lo += 1
    while hi > lo and _edge_word(toks[hi - 1], language, common):
        hi -= 1
    kept = toks[lo:hi]
    if not kept:
        return None
    if len(kept) == 1 and (len(kept[0].key) < 2 or _is_place(kept[0].text, language)):
        return None
    start, end = m.start + kept[0].start, m.start + kept[-1].end
    if _byline(text, start, end, language):
        return None
    if (start, end) == (m.start, m.end):
        return m
    return replace(m, text=text[start:end], start=start, end=end)


def _is_place(word: str, language: str) -> bool:
    return any(p.start == 0 and p.end == len(word) for p in find_places(word, language))


def _byline(text: str, start: int, end: int, language: str) -> bool:
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    if any(c.isalnum() for c in text[end:line_end]):
        return False  # the line goes on: the name is part of the story
    line_start = text.rfind("\n", 0, start) + 1
    before = match_key(text[line_start:start])
    return not before or before in byline_words(language)
