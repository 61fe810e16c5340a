"""Claim matching, property-based: a claim planted among other sentences is found where
it was planted, whatever else the item says and in whatever order; texts made of other
sentences never match; passages always point into the text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ortaq.claims.matching import keys_of, match_text, passages

CLAIMS = {
    "en": "The ministry said 4,200 tonnes of grain were shipped from Aktau port on 14 March.",
    "ru": "Министерство сообщило, что 14 марта из порта Актау отгружено 4200 тонн зерна.",
    "fr": "Le ministère a dit que 4 200 tonnes de céréales ont quitté le port d'Aktau le 14 mars.",
}
OTHERS = {
    "en": [
        "The weather was mild with light rain in the afternoon.",
        "A football match ended in a draw after a late goal.",
        "The museum opened a new hall devoted to ancient coins.",
        "Students returned to school after the winter holidays.",
    ],
    "ru": [
        "Погода была мягкой, днем прошел небольшой дождь.",
        "Футбольный матч завершился вничью после позднего гола.",
        "Музей открыл новый зал, посвященный древним монетам.",
    ],
    "fr": [
        "Le temps était doux avec une pluie légère l'après-midi.",
        "Le match de football s'est terminé par un match nul.",
        "Le musée a ouvert une nouvelle salle consacrée aux monnaies anciennes.",
    ],
}


@st.composite
def planted(draw: st.DrawFn) -> tuple[str, str, int]:
    language = draw(st.sampled_from(sorted(CLAIMS)))
    others = draw(st.lists(st.sampled_from(OTHERS[language]), max_size=5))
    at = draw(st.integers(0, len(others)))
    lines = [*others[:at], CLAIMS[language], *others[at:]]
    joined = draw(st.sampled_from(["\n", " "]))
    return language, joined.join(lines), at


@given(planted())
def test_a_planted_claim_is_found_where_it_is(case: tuple[str, str, int]) -> None:
    language, text, _at = case
    match = match_text(CLAIMS[language], language, text, language)
    assert match is not None and match.how == "within"
    start = text.index(CLAIMS[language])
    assert match.start <= start + 1 and start + len(CLAIMS[language]) - 1 <= match.end


@given(st.sampled_from(sorted(CLAIMS)), st.lists(st.integers(0, 3), max_size=8))
def test_other_sentences_never_match(language: str, picks: list[int]) -> None:
    pool = OTHERS[language]
    text = " ".join(pool[i % len(pool)] for i in picks)
    for claim_language, claim in CLAIMS.items():
        assert match_text(claim, claim_language, text, language) is None


@given(
    st.text(st.sampled_from("ab Кқ.!?\n 12,ا"), max_size=200), st.sampled_from(["en", "kk", "ar"])
)
def test_passages_point_into_the_text(text: str, language: str) -> None:
    for passage in passages(text, language):
        assert 0 <= passage.start < passage.end <= len(text)
        assert passage == keys_of(text[passage.start : passage.end], language, start=passage.start)


def test_a_translation_keeping_names_and_numbers_is_found_across() -> None:
    match = match_text(CLAIMS["en"], "en", "Новости.\n" + CLAIMS["ru"], "ru")
    assert match is not None and match.how == "across"


@given(
    st.lists(
        st.sampled_from(["Aktau", "4,200", "grain", "Baku", "14", "tonnes", "the"]), max_size=12
    ),
    st.lists(st.sampled_from(["Aktau", "4,500", "grain", "Tbilisi", "15", "tonnes"]), max_size=12),
)
def test_figures_and_names_say_what_the_new_text_added(old: list[str], new: list[str]) -> None:
    from ortaq.verification import figures_and_names

    old_text, new_text = " ".join(old), " ".join(new)
    assert figures_and_names(new_text, new_text) == {"added": [], "removed": 0}
    difference = figures_and_names(old_text, new_text)
    for written in difference["added"]:
        assert written.replace(",", "") in new_text.replace(",", "")
        assert written not in old
