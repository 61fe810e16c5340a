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
