"""Who is a party, whole-word triggers and statuses, per language, on sentences written
for these tests (not copied from any article): the agency that only reports is no party,
a country named in passing is no party, an agreement between two agencies stays between
the agencies, dignitaries attending are no party, triggers match whole words only, and
the status follows the guideline (done, ongoing, agreed)."""

from __future__ import annotations

import pytest

from ortaq.chain import process
from ortaq.cooperation.extract import Event, extract_events
from ortaq.model import Hints


def _events(text: str, language: str) -> list[Event]:
    item = process(text.encode("utf-8"), Hints(language=language, source_name="case.txt"))
    return extract_events(item)


def _found(text: str, language: str) -> list[tuple[str, str, frozenset[str]]]:
    return [(e.type, e.status, frozenset(p.id for p in e.parties)) for e in _events(text, language)]


AGENCIES = frozenset({"org:anadolu", "org:kazinform"})

# (language, text, the parties of its agreement_signed event): the agency in the
# dateline, in brackets or next to a reporting verb only reports the news
REPORTING_AGENCY = [
    (
        "en",
        "ASTANA. KAZINFORM - Anadolu Agency and QNA signed a memorandum of understanding "
        "on news exchange, Kazinform reports.",
        {"org:anadolu", "org:qna"},
    ),
    (
        "fr",
        "Bakou, 12 mars, AZERTAC\nL'Agence Anadolu et Kazinform ont signé un mémorandum de "
        "coopération, a appris l'AZERTAC.",
        AGENCIES,
    ),
    (
        "ru",
        "АСТАНА, 5 мая – ТАСС. Казинформ и УзА подписали соглашение о сотрудничестве, "
        "сообщает ТАСС.",
        {"org:kazinform", "org:uza"},
    ),
    (
        "ar",
        "الدوحة (قنا) - وقعت وكالة الأناضول ووكالة كازإنفورم مذكرة تفاهم للتعاون الإعلامي.",
        AGENCIES,
    ),
    (
        "kk",
        "Kazinform және Анадолы агенттігі меморандумға қол қойды, деп хабарлайды ТАСС.",
        AGENCIES,
    ),
    ("tr", "Anadolu Ajansı ve Kazinform işbirliği anlaşması imzaladı. (TASS)", AGENCIES),
    (
        "az",
        "AZƏRTAC və Anadolu Agentliyi anlaşma memorandumu imzalayıb. Metbuat.az xəbər verir.",
        {"org:azertac", "org:anadolu"},
    ),
]


@pytest.mark.parametrize(("language", "text", "parties"), REPORTING_AGENCY)
def test_reporting_agency_is_no_party(language: str, text: str, parties: set[str]) -> None:
    signings = [p for t, _, p in _found(text, language) if t == "agreement_signed"]
    assert signings == [frozenset(parties)], _found(text, language)


PASSING_COUNTRY = [
    (
        "en",
        "Anadolu Agency and Kazinform signed a memorandum in Baku, recalling Armenia's "
        "occupation of Karabakh.",
    ),
    ("ru", "Казинформ и Анадолу подписали меморандум в Москве на полях форума о России и Китае."),
    ("fr", "L'Agence Anadolu et Kazinform ont signé un accord à Paris, en marge d'un forum russe."),
    ("tr", "Anadolu Ajansı ile Kazinform arasında Moskova'da Rusya forumunda anlaşma imzalandı."),
]


@pytest.mark.parametrize(("language", "text"), PASSING_COUNTRY)
def test_country_in_passing_is_no_party(language: str, text: str) -> None:
    """Two agencies sign: the country of the city or of a forum does not join them."""
    signings = [p for t, _, p in _found(text, language) if t == "agreement_signed"]
    assert signings == [AGENCIES], _found(text, language)


AGENCY_LEVEL = [
    (
        "en",
        "Kazinform of Kazakhstan and Turkey's Anadolu Agency signed a cooperation agreement.",
    ),
    ("kk", "Kazinform мен Анадолы агенттігі арасында меморандумға қол қойылды."),
    ("az", "Kazinform və Türkiyənin Anadolu Agentliyi əməkdaşlıq memorandumu imzaladı."),
    (
        "fr",
        "L'Agence Anadolu et Kazinform ont signé en présence du président du Kazakhstan et "
        "du président de la Turquie un accord de coopération.",
    ),
]


@pytest.mark.parametrize(("language", "text"), AGENCY_LEVEL)
def test_agreement_between_agencies_stays_between_agencies(language: str, text: str) -> None:
    """Not 'KZ' and 'TR': the countries only say whose agencies they are, and the
    presidents only attend."""
    signings = [p for t, _, p in _found(text, language) if t == "agreement_signed"]
    assert signings == [AGENCIES], _found(text, language)


def test_an_official_acts_for_the_state() -> None:
    found = _found(
        "Kazakhstan's ambassador Yerlan Bekov visited the headquarters of Anadolu Agency in "
        "Ankara.",
        "en",
    )
    assert ("visit", "done", frozenset({"country:KZ", "org:anadolu"})) in found, found


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ar", "نشر المقال على مواقع التواصل الاجتماعي في قطر وتركيا."),  # اجتماع in الاجتماعي
        ("en", "The visitors from Qatar and Turkey admired the memorials of Baku."),
        ("fr", "Les accordéonistes du Maroc et de l'Algérie ont joué à Rabat."),
        ("tr", "Türkiye ve Azerbaycan'ın ziyaretçileri müzeyi gezdi."),
    ],
)
def test_triggers_match_whole_words(language: str, text: str) -> None:
    """'social' is not a meeting, 'memorials' not a memorandum, 'accordéonistes' not an
    'accord', 'ziyaretçileri' (the visitors) not a visit."""
    found = {t for t, _, _ in _found(text, language)}
    assert not found & {"meeting", "agreement_signed", "visit"}, found


STATUSES = [
    (
        "en",
        "AZERTAC opened its Moscow office in May and regularly republishes Kazinform news "
        "under a partner agreement.",
        [
            ("bureau_opening", "done", {"org:azertac", "country:RU"}),
            ("content_exchange", "ongoing", {"org:azertac", "org:kazinform"}),
        ],
        "agreement_signed",
    ),
    (
        "en",
        "Under the memorandum, Anadolu Agency and Kazinform will exchange news and photos.",
        [("content_exchange", "agreed", set(AGENCIES))],
        "agreement_signed",
    ),
    (
        "tr",
        "Anadolu Ajansı ile Kazinform arasında haber değişimi anlaşması imzalandı.",
        [
            ("agreement_signed", "done", set(AGENCIES)),
            ("content_exchange", "agreed", set(AGENCIES)),
        ],
        None,
    ),
    (
        "ru",
        "Казинформ и Анадолу подписали меморандум, который предусматривает обмен новостями.",
        [
            ("agreement_signed", "done", set(AGENCIES)),
            ("content_exchange", "agreed", set(AGENCIES)),
        ],
        None,
    ),
    (
        "fr",
        "En vertu de cet accord, l'Agence Anadolu et Kazinform organiseront des formations.",
        [("training", "agreed", set(AGENCIES))],
        "agreement_signed",
    ),
]


@pytest.mark.parametrize(("language", "text", "expected", "absent"), STATUSES)
def test_status_follows_the_guideline(
    language: str, text: str, expected: list[tuple[str, str, set[str]]], absent: str | None
) -> None:
    """'opened … in May' is done ('May' is no modal); what a signed document provides
    for is agreed; 'under a partner agreement' refers to a document, it signs none."""
    found = _found(text, language)
    for event_type, status, parties in expected:
        assert (event_type, status, frozenset(parties)) in found, found
    if absent:
        assert absent not in {t for t, _, _ in found}, found


def test_one_body_signing_with_several_partners_signs_one_document_each() -> None:
    text = (
        "Anadolu Agency signed cooperation memorandums with heads of several agencies. "
        "In particular, the memorandums were signed with: Kazinform, QNA and AZERTAC."
    )
    signings = {p for t, _, p in _found(text, "en") if t == "agreement_signed"}
    assert signings >= {
        frozenset({"org:anadolu", "org:kazinform"}),
        frozenset({"org:anadolu", "org:qna"}),
        frozenset({"org:anadolu", "org:azertac"}),
    }, signings


def test_repeated_mentions_are_one_event() -> None:
    text = (
        "Anadolu Agency and Kazinform signed a memorandum of cooperation in Ankara. "
        "The memorandum was signed by the heads of Anadolu Agency and Kazinform. "
        "Kazinform said the signing opened a new page."
    )
    signings = [e for e in _events(text, "en") if e.type == "agreement_signed"]
    assert len(signings) == 1 and len(signings[0].evidence) >= 2
