"""Round four (issue 19), on sentences written for these tests (not copied from any
article): what a signed agreement provides is between its signatories, and a name
written all in lower case describes a body rather than naming it."""

from __future__ import annotations

import pytest

from ortaq.chain import process
from ortaq.cooperation.extract import Event, extract_events
from ortaq.entities.organisations import find_organisations
from ortaq.model import Hints


def _events(text: str, language: str) -> list[Event]:
    item = process(text.encode("utf-8"), Hints(language=language, source_name="case.txt"))
    return extract_events(item)


def _parties(event: Event) -> set[str]:
    return {p.id for p in event.parties}


def test_provisions_of_each_agreement_are_with_its_signatory() -> None:
    text = (
        "Agencies sign memorandums\n"
        "Kabar signed cooperation memorandums with the heads of Anadolu Agency and "
        "Qatar News Agency on Monday in Bishkek.\n"
        "The agreement with Anadolu Agency provides for the exchange of photos and video.\n"
        "Anadolu Agency was founded in 1920 and has offices in many countries.\n"
        "The agreement with Qatar News Agency provides for training of young reporters."
    )
    events = _events(text, "en")
    training = [e for e in events if e.type == "training"]
    exchange = [e for e in events if e.type == "content_exchange"]
    assert training and exchange, [(e.type, _parties(e)) for e in events]
    assert _parties(training[0]) == {"org:kabar", "org:qna"}
    assert _parties(exchange[0]) == {"org:kabar", "org:anadolu"}


@pytest.mark.parametrize(
    ("language", "text", "absent"),
    [
        (
            "fr",
            "La chaîne de télévision algérienne El Bilad a signé un accord avec Kabar.",
            "org:entv",
        ),
    ],
)
def test_a_lower_case_description_is_no_name(language: str, text: str, absent: str) -> None:
    assert absent not in [m.entity_id for m in find_organisations(text, language)]


def test_the_capitalised_name_is_still_found() -> None:
    text = "La Télévision algérienne a signé un accord avec Kabar."
    assert "org:entv" in [m.entity_id for m in find_organisations(text, "fr")]


def test_a_body_may_state_its_will_alone() -> None:
    text = (
        "Agencies of the region\n"
        "Kabar and Anadolu Agency signed a memorandum of cooperation in Bishkek on Monday.\n"
        "Kabar is ready to cooperate with all the news agencies of the region."
    )
    intents = [e for e in _events(text, "en") if e.type == "statement_of_intent"]
    assert [_parties(e) for e in intents] == [{"org:kabar"}]


def test_doubled_brackets_quote_a_name_not_a_credit() -> None:
    text = (
        "أخبار\nوأكد أن وكالة ((كابار)) مستعدة لتعزيز التبادلات الإعلامية والتعاون في عدة مجالات."
    )
    intents = [e for e in _events(text, "ar") if e.type == "statement_of_intent"]
    assert intents and "org:kabar" in _parties(intents[0])


def test_a_role_acts_for_the_longest_organisation_it_names() -> None:
    text = (
        "RT подписал меморандум с WAM\n"
        "Руководитель RT Arabic Анна Петрова и директор агентства WAM Саид Нуайми "
        "подписали меморандум о сотрудничестве."
    )
    signed = [_parties(e) for e in _events(text, "ru") if e.type == "agreement_signed"]
    assert signed and not any({"org:rt", "org:rt-arabic"} <= p for p in signed), signed


def test_what_the_sides_agreed_is_between_the_signatories() -> None:
    text = (
        "Kabar signs with Anadolu Agency\n"
        "Kabar and Anadolu Agency signed a memorandum of cooperation in Bishkek.\n"
        "The memorandum was signed by the Minister of Culture of Kyrgyzstan and the "
        "Director of Anadolu Agency.\n"
        "The memorandum provides for the exchange of news between the two sides."
    )
    exchange = [e for e in _events(text, "en") if e.type == "content_exchange"]
    assert exchange and _parties(exchange[0]) == {"org:kabar", "org:anadolu"}, [
        _parties(e) for e in exchange
    ]


def test_an_unnamed_side_is_a_party_by_its_description() -> None:
    text = (
        "Жаңалық\n"
        "«Kabar» агенттігі мен өңірлік газет редакторлары арасында ынтымақтастық туралы "
        "меморандумға қол қойылды."
    )
    signed = [e for e in _events(text, "kk") if e.type == "agreement_signed"]
    assert signed, _events(text, "kk")
    names = {p.name for p in signed[0].parties}
    assert "өңірлік газет редакторлары" in names, names


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "fr",
            "Visite\nL'ambassadeur du Kazakhstan en Turquie s'est familiarisé avec "
            "l'activité de l'Agence Anadolu.",
        ),
        (
            "ru",
            "Визит\nПосол Казахстана в Турции ознакомился с работой агентства Анадолу.",
        ),
    ],
)
def test_an_ambassador_acts_for_the_state_that_sends_him(language: str, text: str) -> None:
    visits = [e for e in _events(text, language) if e.type == "visit"]
    assert visits, [(e.type, _parties(e)) for e in _events(text, language)]
    assert "country:KZ" in _parties(visits[0])
    assert "country:TR" not in _parties(visits[0])


STATE_VISIT = (
    "Presidents of Kazakhstan and Turkey meet in Ankara\n"
    "The President of Kazakhstan arrived in Ankara on Monday for a state visit.\n"
    "The presidents of Kazakhstan and Turkey held talks on trade, energy and transport.\n"
    "Kazakhstan and Turkey signed an agreement on the movement of goods across the border.\n"
    "Kazinform and Anadolu Agency signed a memorandum on the exchange of news and photos."
)


def test_a_state_visit_is_no_media_event_but_its_media_part_is() -> None:
    events = [(e.type, _parties(e)) for e in _events(STATE_VISIT, "en")]
    assert ("agreement_signed", {"org:kazinform", "org:anadolu"}) in events, events
    assert not any(t in ("visit", "meeting") for t, _ in events), events
    assert not any(t == "agreement_signed" and "country:KZ" in p for t, p in events), events


def test_a_media_word_keeps_a_state_event() -> None:
    text = STATE_VISIT.replace("held talks on trade, energy", "held talks on media, energy")
    assert "meeting" in [e.type for e in _events(text, "en")]
