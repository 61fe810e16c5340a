"""Round three (issue 19), Turkic languages first, on sentences written for these tests
(not copied from any article): the topic particle 'isə' / 'ise' is no conditional,
'the importance of X' marks X as wished, and 'Republic' in a state's formal name does
not make another organisation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ortaq.chain import process
from ortaq.cooperation.extract import Event, extract_events
from ortaq.cooperation.lexicon import MIN_ENDING_STEM, Hit, fold, lexicon
from ortaq.cooperation.names import is_generic, is_group, same_name
from ortaq.model import Hints


def _cues(text: str, language: str) -> list[Hit]:
    lex = lexicon(language)
    assert lex is not None
    return lex.cues.find(fold(text))


def _events(text: str, language: str) -> list[Event]:
    item = process(text.encode("utf-8"), Hints(language=language, source_name="case.txt"))
    return extract_events(item)


@pytest.mark.parametrize(
    ("language", "text", "event_type"),
    [
        (
            "az",
            "Qazaxıstan nümayəndəsi isə iki ölkə arasında jurnalistlər üçün birgə təlim "
            "kurslarının təşkilinin vacibliyini qeyd edib.",
            "training",
        ),
        (
            "tr",
            "Kazakistan heyeti ise iki ülke arasında gazeteciler için ortak eğitim "
            "programlarının önemini vurguladı.",
            "training",
        ),
    ],
)
def test_the_topic_particle_is_no_conditional(language: str, text: str, event_type: str) -> None:
    found = [(e.type, e.status) for e in _events(text, language)]
    assert (event_type, "intended") in found, found


@pytest.mark.parametrize(
    ("language", "text", "event_type"),
    [
        (
            "az",
            "Nazir Türkiyə ilə Azərbaycan arasında dezinformasiyaya qarşı birgə "
            "mübarizənin zəruriliyini vurğulayıb.",
            "countering_disinformation",
        ),
        (
            "kk",
            "Министр Қазақстан мен Түркия арасында журналистерге арналған бірлескен "
            "тренингтер өткізудің маңыздылығын атап өтті.",
            "training",
        ),
    ],
)
def test_the_importance_of_an_area_is_a_wish(language: str, text: str, event_type: str) -> None:
    found = [(e.type, e.status) for e in _events(text, language)]
    assert (event_type, "intended") in found, found
    assert (event_type, "done") not in found, found


@pytest.mark.parametrize(
    ("language", "long", "short"),
    [
        ("az", "Gürcüstan Respublikasının Mətbuat Agentliyi", "Gürcüstan Mətbuat Agentliyi"),
        ("kk", "Қырғыз Республикасының Баспасөз агенттігі", "Қырғыз Баспасөз агенттігі"),
        ("tr", "Kırgızistan Cumhuriyeti Basın Ajansı", "Kırgızistan Basın Ajansı"),
    ],
)
def test_republic_in_a_formal_name_is_generic(language: str, long: str, short: str) -> None:
    assert same_name(long, short, language)


def test_republic_does_not_join_two_different_bodies() -> None:
    assert not same_name(
        "Gürcüstan Respublikasının Mətbuat Agentliyi", "Gürcüstan Teleradio Agentliyi", "az"
    )


@given(
    st.sampled_from(["az", "tr"]), st.text(alphabet="abcçdeəfgğhxıijkqlmnoöprsştuüvyz", max_size=1)
)
def test_an_ending_cue_needs_a_stem(language: str, stem: str) -> None:
    """'-sə' / '-se' (conditional) after fewer than two letters is a particle, not a cue."""
    ending = "sə" if language == "az" else "se"
    text = f"{stem}{ending} bir şey"
    hits = _cues(text, language)
    assert not [h for h in hits if h.kind == "hypothetical" and h.start == 0]
    assert len(stem) < MIN_ENDING_STEM


@given(st.text(alphabet="abcdefgklmnoprstuvyz", min_size=2, max_size=6))
def test_an_ending_cue_with_a_stem_still_counts(stem: str) -> None:
    hits = _cues(f"{stem}se bir şey", "tr")
    assert [h for h in hits if h.kind == "hypothetical" and h.start == 0]


@pytest.mark.parametrize(
    ("name", "group"),
    [
        ("агентств «Тюркский мир»", True),
        ("agencies of the Turkic states", True),
        ("агенттіктері «Түркі әлемі»", True),
        ("Agence Anadolu", False),
        ("Union of OIC News Agencies", False),
        ("информационное агентство «Казинформ»", False),
        ("Memorandum of Understanding on Photo Exchange", True),
        ("Соглашение о сотрудничестве в сфере СМИ", True),
    ],
)
def test_a_name_headed_by_a_plural_is_a_group(name: str, group: bool) -> None:
    assert is_group(name) is group


def test_a_forum_of_agencies_is_no_party() -> None:
    events = _events(
        "В Бишкеке прошёл форум информационных агентств «Тюрк Медиа». На форуме ТАСС "
        "договорилось об обмене новостями.",
        "ru",
    )
    exchanges = [e for e in events if e.type == "content_exchange"]
    assert exchanges, events
    assert all(p.id in {"org:tass"} for e in exchanges for p in e.parties), exchanges


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("tr", "Anadolu Ajansı, Kırgızistan ve Özbekistan'da temsilcilikler açtı."),
        ("en", "TASS opened bureaus in Kyrgyzstan and Uzbekistan last year."),
        ("az", "Anadolu Agentliyi Qırğızıstan və Özbəkistanda nümayəndəliklər açıb."),
    ],
)
def test_one_bureau_per_listed_host_country(language: str, text: str) -> None:
    bureaus = [e for e in _events(text, language) if e.type == "bureau_opening"]
    hosts = sorted(p.id for e in bureaus for p in e.parties if p.kind == "country")
    assert hosts == ["country:KG", "country:UZ"], bureaus
    assert all(len(e.parties) == 2 for e in bureaus), bureaus


def test_a_party_keeps_the_short_name_the_text_gives_it() -> None:
    events = _events(
        "Qırğız Media Birliyi (QMB) ilə Özbək Jurnalistlər Mərkəzi (ÖJM) arasında "
        "anlaşma memorandumu imzalanıb.",
        "az",
    )
    signed = [e for e in events if e.type == "agreement_signed"]
    assert signed, events
    aliases = {a for p in signed[0].parties for a in p.aliases}
    assert {"QMB", "ÖJM"} <= aliases, signed[0].parties


@pytest.mark.parametrize(
    ("language", "text", "parties"),
    [
        (
            "az",
            "Anadolu ilə AZƏRTAC-ın birgə layihəsi olan sərgidə Türkiyə ilə Azərbaycan "
            "arasında dostluğun tarixi göstərilib.",
            {"org:anadolu", "org:azertac"},
        ),
        (
            "kk",
            "Кабар мен Қазақпараттың бірлескен жобасы Қытай мен Моңғолия арасындағы "
            "байланыс туралы.",
            {"org:kabar", "org:kazinform"},
        ),
        (
            "tr",
            "Anadolu Ajansı ile AZERTAC'ın ortak projesi olan sergide Türkiye ile "
            "Azerbaycan arasındaki dostluk anlatıldı.",
            {"org:anadolu", "org:azertac"},
        ),
    ],
)
def test_verb_final_parties_stand_right_before_the_trigger(
    language: str, text: str, parties: set[str]
) -> None:
    projects = [e for e in _events(text, language) if e.type == "joint_project"]
    assert projects, _events(text, language)
    assert {p.id for p in projects[0].parties} == parties, projects[0].parties


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fr", "L'accord entre l'APS et la MAP prévoit l'échange d'informations et d'expérience."),
        ("en", "Kabar and Kazinform agreed on exchanging news, expertise and photos."),
        ("ru", "ТАСС и Кабар договорились об обмене информацией и опытом."),
    ],
)
def test_a_head_noun_shared_by_a_list_names_each_area(language: str, text: str) -> None:
    types = {e.type for e in _events(text, language)}
    assert "expert_exchange" in types, types


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "fr",
            "L'APS et la MAP ont signé un accord d'échange de photos. Le directeur a "
            "raconté son expérience de reporter en Afrique pendant vingt ans.",
        ),
        (
            "en",
            "Kabar and Kazinform signed a news exchange agreement; the director, a man "
            "of long experience, spoke.",
        ),
    ],
)
def test_a_far_noun_is_no_shared_head(language: str, text: str) -> None:
    types = {e.type for e in _events(text, language)}
    assert "expert_exchange" not in types, types


def test_a_document_named_like_a_body_is_no_party() -> None:
    events = _events(
        "Kazinform and the Qatar News Agency (QNA) signed a Memorandum of Understanding on "
        "News Sharing and Joint Training.",
        "en",
    )
    signed = [e for e in events if e.type == "agreement_signed"]
    assert signed, events
    assert {p.id for p in signed[0].parties} == {"org:kazinform", "org:qna"}, signed[0].parties


def test_a_quoted_word_makes_a_name_of_generic_words() -> None:
    assert not is_generic("“Birlik” İnformasiya Agentliyi")
    assert is_generic("İnformasiya Agentliyi")


def test_a_capitalised_name_is_no_conditional() -> None:
    events = _events(
        "Protokol Kabar ilə Kazinform arasında imzalanıb, sənədi Musa Basa təqdim edib.",
        "az",
    )
    assert ("agreement_signed", "done") in [(e.type, e.status) for e in events], events


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "fr",
            "L'APS et la MAP sont tombées d'accord sur la nécessité de renforcer la "
            "coordination au sein des fédérations régionales.",
        ),
        ("en", "Kabar and Kazinform want to strengthen coordination within regional unions."),
    ],
)
def test_strengthening_coordination_is_a_statement_of_intent(language: str, text: str) -> None:
    types = [e.type for e in _events(text, language)]
    assert "statement_of_intent" in types, types
    assert "agreement_signed" not in types, types


def test_a_board_is_no_new_platform() -> None:
    text = "TRT Yönetim Kurulu Başkanı, Kabar'ın merkez binasını ziyaret etti ve Kabar ile görüştü."
    assert "platform_created" not in {e.type for e in _events(text, "tr")}
    created = "Anadolu Ajansı ile Kabar ortak bir dijital platform kurdu."
    assert "platform_created" in {e.type for e in _events(created, "tr")}
