"""The one text analysis of search: the same functions index items and read queries.

Pure Python, no SQL (the index lives in `ortaq.store.fulltext`). A text is cut into
words at whitespace; each word is folded with `ortaq.read.normalise.match_key` (NFKD,
marks out, case folded, Arabic hamza/alef/alef maqsura/ta marbuta and Kazakh letters,
Turkish ı and İ, Cyrillic ё, tatweel), which may split it further at punctuation. Each
folded token `f` then has *variants*, other tokens under which it is also indexed:

* Arabic words without their proclitics (و ف ب ك ل ال): وأذربيجان also as اذربيجان;
* stems, tagged with their language (``tr:turki``): Snowball (PyStemmer) where it has
  the language, the kk/az suffix stripper otherwise (`ortaq.stories.features`). A
  document stems in its own language; a query, whose language is unknown, in every
  language written in the word's script (or only in `language` when one is given);
* a loose cross-script key (``v:almata``), `loose_key_of` the word and its stems, for
  words of letters only with at least three consonants: Almaty, Алматы, Almatı and
  ألماتي meet there;
* entity ids (``e:person:...``) of the entities the item mentions; a query word gets
  them when a name it is part of resolves to an entity (`name_keys`, looked up by the
  store).

A query word matches a document when one of its variants is among the document's
tokens; every word must match (AND). A quoted phrase must also appear as consecutive
folded tokens. A document's fold of a word is always among the variants of the same
word read as a query, so any word of a document finds it (tested with hypothesis).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from ortaq.entities.ner import arabic_split
from ortaq.read.normalise import (
    loose_consonants,
    loose_key_of,
    match_key,
    script_of,
    stem_scripts,
)
from ortaq.stories.features import STRIPPED, stem_words, strip_suffixes

MIN_LOOSE_CONSONANTS = 3  # 'baka' (Baku) is too unspecific a key; the entity carries it
MAX_QUERY_WORDS = 32  # a query is a few words; more is a pasted text, cut here
MAX_NAME_WORDS = 4  # longest entity name (in words) a query span is looked up as
MAX_TOKEN_CHARS = 100  # longer runs (pasted codes, blobs) are cut: PostgreSQL caps lexemes
MAX_DOCUMENT_WORDS = 8000  # per field; a news item has far fewer (tsvector caps its size)
_PHRASE = re.compile(r'"([^"]*)"')
_LETTER_RUNS = re.compile(r"[^\W_]+")  # as match_key cuts words
_ENTITY_ID_SEPARATORS = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Word:
    """One folded token of a text and the other tokens it is indexed under."""

    fold: str
    variants: tuple[str, ...] = ()


@dataclass(frozen=True)
class Document:
    """An item as the index stores it: words per field, entity tokens apart."""

    headline: tuple[Word, ...] = ()
    summary: tuple[Word, ...] = ()
    body: tuple[Word, ...] = ()
    entities: tuple[str, ...] = ()  # e:<id> tokens

    def fields(self) -> tuple[tuple[str, tuple[Word, ...]], ...]:
        return (("headline", self.headline), ("summary", self.summary), ("body", self.body))

    def tokens(self) -> set[str]:
        """Every token the document is indexed under."""
        found = set(self.entities)
        for _name, words in self.fields():
            for word in words:
                found.add(word.fold)
                found.update(word.variants)
        return found


@dataclass(frozen=True)
class Term:
    """One query word: it matches a document that has any of its alternatives."""

    fold: str
    alternatives: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Query:
    terms: tuple[Term, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()  # folded tokens that must be consecutive

    @property
    def empty(self) -> bool:
        return not self.terms

    def with_entities(self, entities: dict[int, set[str]]) -> Query:
        """The query where term i also matches items mentioning `entities[i]`."""
        terms = tuple(
            Term(term.fold, term.alternatives | {entity_token(e) for e in entities.get(i, ())})
            for i, term in enumerate(self.terms)
        )
        return Query(terms, self.phrases)


# -- words -----------------------------------------------------------------------------


def fold_words(text: str) -> list[str]:
    """The folded tokens of a text, in order (whitespace words, folded and split)."""
    return [fold for fold, _spelled in words_of(text)]


def words_of(text: str) -> list[tuple[str, str]]:
    """(folded, spelled) tokens of a text: `spelled` is the token lower-cased as written
    (Turkish İ → i), which stemmers need: folded Turkish loses the ı of 'Ajansı'."""
    found: list[tuple[str, str]] = []
    for word in text.split():
        found.extend(_word_tokens(word))
    return found


@lru_cache(maxsize=200_000)
def _word_tokens(word: str) -> tuple[tuple[str, str], ...]:
    spelled_word = unicodedata.normalize("NFC", word.replace("İ", "i").casefold())
    folds = [token[:MAX_TOKEN_CHARS] for token in match_key(spelled_word).split()]
    spelled = [token[:MAX_TOKEN_CHARS] for token in _LETTER_RUNS.findall(spelled_word)]
    if len(spelled) != len(folds):  # marks split a run differently: stem the folds
        spelled = folds
    return tuple(zip(folds, spelled, strict=True))


def without_proclitics(fold: str) -> str:
    """An Arabic word without its leading conjunction, preposition and article
    (the entities stage's split: وبالمدينة → مدينه)."""
    if script_of(fold) != "Arabic":
        return fold
    return arabic_split(fold)[1]


def languages_for(fold: str, language: str | None) -> tuple[str, ...]:
    """The languages a token is stemmed in: its text's own language if that language
    is written in the token's script; for a query of unknown language, every such one."""
    script = script_of(fold)
    scripts = stem_scripts()
    if language is not None:
        return (language,) if script in scripts.get(language, ()) else ()
    return tuple(lang for lang, written in scripts.items() if script in written)


@lru_cache(maxsize=400_000)
def variants(fold: str, spelled: str, languages: tuple[str, ...]) -> tuple[str, ...]:
    """The other tokens a folded token is indexed (or looked up) under.

    Latin and Cyrillic words are stemmed as spelled and the stem folded; Arabic ones
    after folding (the folds there are the usual Arabic normalisation)."""
    if fold.isdigit():
        return ()
    forms = [fold]
    bare = without_proclitics(fold)
    if bare != fold:
        forms.append(bare)
    sources = [spelled] if script_of(fold) in ("Latin", "Cyrillic") else forms
    out: dict[str, None] = dict.fromkeys(forms[1:])
    keyed = list(forms)
    for language in languages:
        stems = [_folded(stem) for stem in stem_words(sources, language)]
        out.update(dict.fromkeys(f"{language}:{stem}" for stem in stems if stem))
        keyed.extend(stems)
        if language in STRIPPED:  # a name loses its case ending only: Алматыда → алматы
            keyed.append(strip_suffixes(fold, language, rounds=1))
    for form in keyed:
        if not form.isalpha():
            continue  # codes and numbers ('w1v11z') are no names: no loose key
        key = loose_key_of(form)
        if loose_consonants(key) >= MIN_LOOSE_CONSONANTS:
            out[f"v:{key}"] = None
    out.pop(fold, None)
    return tuple(out)


def _folded(stem: str) -> str:
    return "".join(match_key(stem).split())[:MAX_TOKEN_CHARS]


def entity_token(entity_id: str) -> str:
    """An entity id as a token: 'person:kasymzhomart-tokayev' → 'e:person:kasymzhomart:tokayev'."""
    parts = _ENTITY_ID_SEPARATORS.split(entity_id.casefold())
    return ("e:" + ":".join(part for part in parts if part))[:MAX_TOKEN_CHARS]


# -- documents -------------------------------------------------------------------------


def analyse_words(text: str | None, language: str | None) -> tuple[Word, ...]:
    if not text:
        return ()
    words: list[Word] = []
    for written in text.split():
        words.extend(_analysed(written, language))
        if len(words) >= MAX_DOCUMENT_WORDS:
            return tuple(words[:MAX_DOCUMENT_WORDS])
    return tuple(words)


@lru_cache(maxsize=300_000)
def _analysed(written: str, language: str | None) -> tuple[Word, ...]:
    """The words of one whitespace-separated word (news repeats words: cached)."""
    return tuple(
        Word(fold, variants(fold, spelled, languages_for(fold, language)))
        for fold, spelled in _word_tokens(written)
    )


def analyse_document(
    headline: str | None,
    summary: str | None,
    body: Sequence[str],
    language: str | None,
    entity_ids: Iterable[str] = (),
) -> Document:
    """The index's view of an item: its text in its language, and its entities."""
    return Document(
        analyse_words(headline, language),
        analyse_words(summary, language),
        analyse_words("\n".join(body), language),
        tuple(dict.fromkeys(entity_token(e) for e in entity_ids if e)),
    )


# -- queries ---------------------------------------------------------------------------


def analyse_query(text: str, language: str | None = None) -> Query:
    """Every word must match; "quoted words" must also be consecutive.

    With `language`, words are stemmed in that language only (as its documents are)."""
    terms: list[Term] = []
    for fold, spelled in words_of(text.replace('"', " "))[:MAX_QUERY_WORDS]:
        alternatives = {fold, *variants(fold, spelled, languages_for(fold, language))}
        terms.append(Term(fold, frozenset(alternatives)))
    phrases = []
    for quoted in _PHRASE.findall(text):
        folds = tuple(fold_words(quoted))
        if len(folds) > 1:
            phrases.append(folds)
    return Query(tuple(terms), tuple(phrases))


def name_keys(name: str, *, person: bool = False) -> set[str]:
    """The keys an entity's name is found under: folded words, and loose keys across
    scripts; a person also under the surname alone (the last word)."""
    folds = fold_words(name)
    if not folds:
        return set()
    spans = [folds, folds[-1:]] if person and len(folds) > 1 else [folds]
    keys = set()
    for span in spans:
        keys.update(_span_keys(span))
    return keys


def _span_keys(folds: Sequence[str]) -> list[str]:
    """'f:' the folded words; 'v:' their loose keys, as written and (Arabic) without
    proclitics, since a name may begin with a proclitic's letters (ألتون, Altun)."""
    keys = ["f:" + " ".join(folds)]
    for forms in dict.fromkeys((tuple(folds), tuple(without_proclitics(f) for f in folds))):
        loose = [loose_key_of(form) if form.isalpha() else "" for form in forms]
        if all(loose) and sum(loose_consonants(k) for k in loose) >= MIN_LOOSE_CONSONANTS:
            keys.append("v:" + " ".join(loose))
    return keys


def query_name_keys(query: Query) -> dict[str, list[int]]:
    """Each key of each run of up to MAX_NAME_WORDS query words, with the words' indexes:
    a name found under the key resolves those words to its entity."""
    folds = [term.fold for term in query.terms]
    out: dict[str, list[int]] = {}
    for start in range(len(folds)):
        for end in range(start + 1, min(start + MAX_NAME_WORDS, len(folds)) + 1):
            for key in _span_keys(folds[start:end]):
                out.setdefault(key, []).extend(range(start, end))
    return out


# -- entities --------------------------------------------------------------------------


@dataclass(frozen=True)
class EntityName:
    entity_id: str
    key: str


def item_entities(item: Any) -> list[tuple[str, str, bool]]:
    """(id, name, is a person) of each linked entity of an `ortaq.model.Item`."""
    found = []
    for group, person in ((item.people, True), (item.organisations, False), (item.places, False)):
        for entity in group:
            entity_id = entity.get("id")
            if entity_id:
                found.append((str(entity_id), str(entity.get("name") or ""), person))
    return found


def entity_name_keys(entities: Iterable[tuple[str, str, bool]]) -> set[EntityName]:
    """The name keys each entity is resolved under: the name the item gives it and,
    for places and organisations, every name the knowledge bases give it."""
    keys: set[EntityName] = set()
    for entity_id, name, person in entities:
        for known in (name, *known_names(entity_id)):
            for key in name_keys(known, person=person):
                keys.add(EntityName(entity_id[: MAX_TOKEN_CHARS * 3], key[: MAX_TOKEN_CHARS * 3]))
    return keys


def known_names(entity_id: str) -> tuple[str, ...]:
    """Names of a place (CLDR/pycountry gazetteer) or organisation (the KB) in every
    language the knowledge bases have; nothing for people (no KB of people)."""
    if entity_id.startswith(("country:", "place:")):
        return _gazetteer_names().get(entity_id, ())
    if entity_id.startswith(("org:", "member:")):
        from ortaq.entities.organisations import get

        organisation = get(entity_id)
        return tuple(organisation.aliases()) if organisation else ()
    return ()


@cache
def _gazetteer_names() -> dict[str, tuple[str, ...]]:
    from ortaq.entities import LANGUAGES
    from ortaq.entities.gazetteer import load

    names: dict[str, dict[str, None]] = {}
    for language in sorted(LANGUAGES):
        for entry in load(language)["entries"]:
            found = names.setdefault(entry["id"], {})
            found.update(dict.fromkeys([entry["canonical"], *entry.get("names", [])]))
    return {entity_id: tuple(found) for entity_id, found in names.items()}
