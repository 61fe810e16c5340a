"""Anchors of claim matching across languages, property-based: a number written in any
supported language's digits, grouping or magnitude word is one anchor; more of what a
passage says that the claim does not can only lower the score; a passage must carry
enough of a claim's anchors, one of them an entity, a name or a number."""

from __future__ import annotations

from dataclasses import replace

from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from ortaq.claims.anchors import (
    DATE,
    ENTITY,
    NUMBER,
    WORD,
    Anchor,
    magnitude_words,
    number_anchor_keys,
    scaled,
)
from ortaq.claims.matching import DEFAULT, Passage, across_score, idf_weights, match_text

LANGUAGES = sorted(magnitude_words())
WORDED = [
    (language, word, power)
    for language, words in magnitude_words().items()
    for word, power in words.items()
    if len(word) > 1  # one-letter short forms are written attached ("48K"): tested below
]


@given(st.sampled_from(WORDED), st.integers(10, 999), st.sampled_from(LANGUAGES))
def test_a_number_with_its_magnitude_word_is_the_number_in_digits(
    worded: tuple[str, str, int], count: int, digits_language: str
) -> None:
    language, word, power = worded
    in_words = number_anchor_keys(f"{count} {word}", language)
    written = format_decimal(count * 10**power, locale=digits_language)
    in_digits = number_anchor_keys(written, digits_language)
    assert in_words == in_digits == {f"n:{count * 10**power}"}


@given(st.sampled_from(LANGUAGES), st.integers(10, 999), st.integers(0, 99))
def test_a_fraction_scales_like_its_digits(language: str, whole: int, tenths: int) -> None:
    words = [(w, p) for w, p in magnitude_words()[language].items() if p >= 6 and len(w) > 1]
    word, power = words[0]
    keys = number_anchor_keys(f"{whole},{tenths:02d} {word}", language)
    assert keys == {"n:" + scaled(f"{whole}.{tenths:02d}", power)}
    assert int(scaled(f"{whole}.{tenths:02d}", power)) == (whole * 100 + tenths) * 10 ** (power - 2)


def test_attached_short_forms_and_years() -> None:
    assert number_anchor_keys("48K", "en") == {"n:48000"}
    assert number_anchor_keys("48 мыңнан", "kk") == {"n:48000"}  # inflected: a prefix
    assert number_anchor_keys("in 2019", "en") == {"n:2019", "y:2019"}
    assert number_anchor_keys("5 people", "en") == set()  # single digits say nothing


KEYS = st.sampled_from([f"e:org:{n}" for n in "abcdefgh"] + [f"n:{n}" for n in range(10, 20)])
ANCHORS = st.builds(
    Anchor, st.sampled_from([ENTITY, NUMBER, DATE, WORD]), st.frozensets(KEYS, min_size=1)
)


def _passage(found: list[Anchor]) -> Passage:
    cross = frozenset().union(*(a.keys for a in found))
    return Passage(0, 1, "en", cross=cross, anchors=tuple(found))


@given(st.lists(ANCHORS, max_size=6), st.lists(ANCHORS, max_size=6), st.lists(ANCHORS, max_size=4))
def test_more_unrelated_text_never_raises_the_score(
    claim: list[Anchor], passage: list[Anchor], other: list[Anchor]
) -> None:
    claim_keys = frozenset().union(*(a.keys for a in claim))
    unrelated = [Anchor(a.kind, frozenset("x" + k for k in a.keys)) for a in other]
    assert not claim_keys & frozenset().union(*(a.keys for a in unrelated))
    idf = idf_weights({}, 10)
    before = across_score(_passage(claim), _passage(passage), DEFAULT, idf)
    after = across_score(_passage(claim), _passage(passage + unrelated), DEFAULT, idf)
    assert 0.0 <= after <= before <= 1.0 + 1e-9


@given(st.lists(ANCHORS, min_size=2, max_size=6))
def test_a_claim_meets_itself_and_not_one_anchor_of_it(claim: list[Anchor]) -> None:
    passage = _passage(claim)
    strong = any(a.kind in (ENTITY, NUMBER) for a in claim)
    assert (across_score(passage, passage) == 1.0) == strong
    one = [claim[0]]
    distinct = len({a.keys for a in claim}) >= 2 and not any(
        a.keys & claim[0].keys for a in claim[1:]
    )
    if distinct:
        assert across_score(passage, _passage(one)) == 0.0


def test_a_translation_is_found_by_its_entities_and_numbers() -> None:
    from ortaq.verification import claim_keys

    claim = "The forum brought together nearly 500 participants from 110 countries in Baku."
    translation = "Форум в Баку собрал почти 500 участников из 110 стран."
    other = "Форум в Баку открылся во вторник, сообщает агентство."
    keys = claim_keys(claim, "en")
    assert any(a.kind == ENTITY for a in keys.anchors)
    assert across_score(keys, claim_keys(translation, "ru")) >= DEFAULT.across
    assert across_score(keys, claim_keys(other, "ru")) < DEFAULT.across
    match = match_text(claim, "en", "Погода была мягкой.\n" + translation, "ru")
    assert match is not None and match.how == "across"


def test_a_passage_without_entities_read_weighs_its_capitalised_words_as_names() -> None:
    from ortaq.claims.matching import keys_of

    unread = keys_of("The ministry met Aktau officials.", "en")
    read = keys_of("The ministry met Aktau officials.", "en", ())
    assert [a.kind for a in unread.anchors] == ["name"]
    assert [a.kind for a in read.anchors] == [WORD]
    assert replace(read, anchors=unread.anchors) == unread
