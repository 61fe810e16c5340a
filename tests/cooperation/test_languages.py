"""Per language (kk, ar, fr, tr, az, ru, en): sentences written for these tests, one
event each, through the whole chain. Together they exercise every event type and every
status, and each language covers at least six types."""

from __future__ import annotations

from collections import defaultdict

import pytest

from ortaq.chain import process
from ortaq.cooperation.extract import Event, extract_events, stage
from ortaq.cooperation.taxonomy import STATUSES, TYPES
from ortaq.model import Hints
from tests.cooperation.cases import CASES


def _events(text: str, language: str) -> list[Event]:
    item = process(text.encode("utf-8"), Hints(language=language, source_name="case.txt"))
    return extract_events(item)


def _sides(event: Event) -> set[str]:
    return {p.id if p.kind == "organisation" else str(p.country) for p in event.parties}


def test_cases_cover_every_type_and_status() -> None:
    assert {c[2] for c in CASES} == set(TYPES)
    assert {c[3] for c in CASES} == set(STATUSES)
    per_language: dict[str, set[str]] = defaultdict(set)
    for language, _, event_type, _, _ in CASES:
        per_language[language].add(event_type)
    assert set(per_language) == {"kk", "ar", "fr", "tr", "az", "ru", "en"}
    for language, types in per_language.items():
        assert len(types) >= 6, language


@pytest.mark.parametrize(
    ("language", "text", "event_type", "status", "parties"),
    CASES,
    ids=[f"{c[0]}-{c[2]}-{c[3]}" for c in CASES],
)
def test_sentence(
    language: str, text: str, event_type: str, status: str, parties: set[str]
) -> None:
    events = _events(text, language)
    found = [(e.type, e.status, _sides(e)) for e in events]
    assert (event_type, status, parties) in found, found


def test_negation_drops_the_event() -> None:
    assert not [
        e
        for e in _events("Le Maroc et l'Algérie n'ont pas signé l'accord.", "fr")
        if e.type == "agreement_signed"
    ]
    assert not [
        e
        for e in _events("Kazakhstan and Turkey did not sign the memorandum.", "en")
        if e.type == "agreement_signed"
    ]


def test_hypothetical_benefit_is_only_an_intention() -> None:
    events = _events(
        "Un échange régulier d'informations entre le Maroc et l'Algérie pourrait aider "
        "les deux peuples.",
        "fr",
    )
    assert [(e.type, e.status) for e in events] == [("statement_of_intent", "intended")]


def test_realised_cooperation_alone_is_not_an_event() -> None:
    assert _events("Kazakhstan and Turkey have developed cooperation for years.", "en") == []


def test_between_names_the_sides() -> None:
    events = _events(
        "Le ministre de Turquie a annoncé qu'un accord a été signé entre Kazinform et "
        "l'Agence Anadolu.",
        "fr",
    )
    agreement = next(e for e in events if e.type == "agreement_signed")
    assert {p.id for p in agreement.parties} == {"org:kazinform", "org:anadolu"}
    assert {p.side for p in agreement.parties} == {"a", "b"}


def test_date_and_place_are_resolved_against_publication() -> None:
    text = (
        " date 2025-03-01 Le Maroc et l'Algérie\n\n"
        "Le Maroc et l'Algérie ont signé un accord à Rabat le 27 février."
    )
    item = process(text.encode("utf-8"), Hints(language="fr", source_name="x.txt"))
    event = next(e for e in extract_events(item) if e.type == "agreement_signed")
    assert event.when is not None and event.when["value"] == "2025-02-27"
    assert event.when["precision"] == "day"
    assert event.where is not None and event.where["name"] == "Rabat"


def test_stage_stores_json_with_offsets_into_item_text() -> None:
    from ortaq.entities import item_text

    item = process(
        b"Kazakhstan and Turkey signed a memorandum in Ankara.",
        Hints(language="en", source_name="x.txt"),
    )
    stage(item)
    events = item.stage_data["cooperation"]
    assert events and events[0]["cameo"]["code"] == "057"
    text = item_text(item)
    for event in events:
        ev = event["evidence"]
        assert text[ev["start"] : ev["end"]] == ev["text"]


def test_other_languages_give_no_events() -> None:
    item = process(
        b"Deutschland und Frankreich unterzeichneten ein Abkommen.",
        Hints(language="de", source_name="x.txt"),
    )
    assert extract_events(item) == []
