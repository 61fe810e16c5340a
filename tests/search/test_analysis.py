"""The one analysis of search: never raises, idempotent, and the query side agrees with
the document side, so any word of a document finds it; spellings across scripts meet."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ortaq.search_terms import (
    analyse_document,
    analyse_query,
    entity_name_keys,
    fold_words,
    name_keys,
    query_name_keys,
    words_of,
)

LANGUAGES = (None, "en", "fr", "ru", "tr", "ar", "kk", "az")
# Letters of the seven languages, their marks and the characters agencies paste.
ALPHABET = (
    "abcçdefgğhıijklmnoöprsştuüvyzəqxİIÇŞĞÖÜƏ"
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһіЁЙ"
    "ابتثجحخدذرسشصضطظعغفقكلمنهويءأإآؤئىةـًٌٍَُِّْ"
    "0123456789٠١٢٣'’-.,«»\"()"
)
words = st.text(alphabet=ALPHABET, min_size=1, max_size=14)
texts = st.lists(words, min_size=1, max_size=12).map(" ".join)


@given(st.text(), st.sampled_from(LANGUAGES))
def test_analysis_never_raises(text: str, language: str | None) -> None:
    document = analyse_document(text, text, [text], language, [text])
    query = analyse_query(text, language)
    assert isinstance(document.tokens(), set)
    assert all(term.fold in term.alternatives for term in query.terms)
    assert isinstance(name_keys(text, person=True), set)
    assert isinstance(query_name_keys(query), dict)


@given(st.text())
def test_folding_is_idempotent(text: str) -> None:
    folded = fold_words(text)
    assert fold_words(" ".join(folded)) == folded


@given(texts, st.sampled_from(LANGUAGES))
def test_query_analysis_is_idempotent(text: str, language: str | None) -> None:
    """Reading the query's own words (lower-cased as spelled) again gives the same
    query: nothing depends on how they were capitalised or spaced."""
    clean = text.replace('"', " ")
    query = analyse_query(clean, language)
    spelled = " ".join(spelled for _fold, spelled in words_of(clean))
    assert analyse_query(spelled, language) == query
    assert words_of(spelled) == words_of(clean)


@given(texts, st.sampled_from(LANGUAGES), st.data())
def test_any_word_of_a_document_finds_it(
    text: str, language: str | None, data: st.DataObject
) -> None:
    """Each query term has an alternative among the document's tokens, whether the
    query names no language or the document's own."""
    document = analyse_document(None, None, [text], language)
    tokens = document.tokens()
    word = data.draw(st.sampled_from(text.split()))
    for query_language in {None, language}:
        query = analyse_query(word, query_language)
        for term in query.terms:
            assert term.alternatives & tokens, (word, term)


@given(texts, st.sampled_from(LANGUAGES))
def test_a_quoted_phrase_of_a_document_is_in_it(text: str, language: str | None) -> None:
    clean = text.replace('"', " ")
    document = analyse_document(clean, None, [], language)
    folds = [word.fold for word in document.headline]
    query = analyse_query(f'"{clean}"')
    for phrase in query.phrases:
        assert any(tuple(folds[i : i + len(phrase)]) == phrase for i in range(len(folds))), phrase


def shared(*spellings: str) -> set[str]:
    """Tokens every spelling (read as a document word) shares with the others' queries."""
    common: set[str] | None = None
    for spelling in spellings:
        query = analyse_query(spelling)
        assert len(query.terms) == 1, spelling
        alternatives = set(query.terms[0].alternatives)
        common = alternatives if common is None else common & alternatives
    return common or set()


@pytest.mark.parametrize(
    "spellings",
    [
        ("TÜRKİYE", "türkiye", "Türkiye", "TURKİYE"),
        ("IŞIK", "ışık", "Işık"),
        ("اذربيجان", "أذربيجان", "إذربيجان", "أَذْرَبِيجَان", "أذربيـــجان"),
        ("مدرسة", "مدرسه"),
        ("مصطفى", "مصطفي"),
        ("Ёлка", "елка", "ЕЛКА"),
        ("Almaty", "Алматы", "Almatı", "ألماتي", "ALMATY"),
        ("Altun", "ألتون", "Алтун"),
        ("Tokayev", "Токаев", "Тоқаев", "توكاييف", "Tokaev"),
        ("Erdoğan", "Эрдоган", "أردوغان", "Erdogan"),
        ("Kazakhstan", "Қазақстан", "Казахстан", "كازاخستان"),
    ],
)
def test_spellings_across_scripts_meet(spellings: tuple[str, ...]) -> None:
    """Every spelling, read as a query, shares a token with every other's document."""
    for query_spelling in spellings:
        query = analyse_query(query_spelling)
        for document_spelling in spellings:
            tokens = analyse_document(document_spelling, None, [], None).tokens()
            assert query.terms[0].alternatives & tokens, (query_spelling, document_spelling)


@pytest.mark.parametrize(
    ("query", "document", "language"),
    [
        ("agreement", "The agencies signed agreements", "en"),
        ("соглашение", "агентства подписали соглашения", "ru"),
        ("Қазақстан", "Қазақстанның ұлттық агенттігі", "kk"),
        ("Azərbaycan", "Azərbaycanın dövlət agentliyi", "az"),
        ("ajans", "Anadolu ajanslarının haberleri", "tr"),
        ("ANLAŞMA", "iki ajans arasındaki anlaşmaları", "tr"),
        ("أذربيجان", "بين تركيا وأذربيجان", "ar"),
        ("Almaty", "Алматыда жер сілкінісі", "kk"),
        ("coopération", "coopérations médiatiques", "fr"),
    ],
)
def test_inflected_forms_meet(query: str, document: str, language: str) -> None:
    tokens = analyse_document(None, None, [document], language).tokens()
    for term in analyse_query(query).terms:
        assert term.alternatives & tokens, term


@pytest.mark.parametrize(
    ("query", "document"),
    [
        ("Altun", "التعاون"),  # ع is a consonant: cooperation is not Altun
        ("Almaty", "الموت"),  # death is not Almaty
        ("TÜRKİYE", "Turkmenistan"),
        ("w1v1z", "w11v1z"),  # codes get no loose key (which collapses doubled letters)
    ],
)
def test_unrelated_words_do_not_meet(query: str, document: str) -> None:
    tokens = analyse_document(None, None, [document], None).tokens()
    assert not analyse_query(query).terms[0].alternatives & tokens


def test_a_person_is_found_under_the_surname_and_across_scripts() -> None:
    latin = {k.key for k in entity_name_keys([("person:p", "Kassym-Jomart Tokayev", True)])}
    cyrillic = {k.key for k in entity_name_keys([("person:p", "Қасым-Жомарт Тоқаев", True)])}
    assert "f:tokayev" in latin
    assert latin & cyrillic  # the loose keys of the full name meet
    query = analyse_query("Токаев")
    assert set(query_name_keys(query)) & latin


def test_a_place_is_found_under_its_names_in_every_language() -> None:
    """Names come from the gazetteer (CLDR), not only from the item."""
    keys = {k.key for k in entity_name_keys([("country:TR", "تركيا", False)])}
    for spelling in ("Turkey", "Turquie", "Турция", "Türkiye"):
        assert set(query_name_keys(analyse_query(spelling))) & keys, spelling
