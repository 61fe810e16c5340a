"""Organisation-shaped spans, person spans that stop at titles, countries and members.

Cases written for these tests (not taken from ../shared/realnews).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ortaq.entities.gazetteer import countries
from ortaq.entities.organisations import member_organisations
from ortaq.entities.orgspans import find_org_spans, generic_only
from ortaq.entities.recognise import recognise

MANIFEST = (
    Path(__file__).resolve().parents[2] / "src" / "ortaq" / "demo" / "corpus" / "manifest.json"
)


def spans(text: str, language: str) -> list[str]:
    return [m.text for m in find_org_spans(text, language)]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "The Bahrain News Agency (BNA) said on Monday.", ["Bahrain News Agency (BNA)"]),
        (
            "en",
            "He met the Ministry of Culture and Tourism of Jordan and the Jordan News Agency.",
            ["Ministry of Culture and Tourism of Jordan", "Jordan News Agency"],
        ),
        ("en", "Oman Radio and Television Corporation", ["Oman Radio and Television Corporation"]),
        ("en", "Steppe Press and Caspian Wire agreed", ["Steppe Press"]),
        ("en", "the agency's news and a News Agency", []),
        (
            "fr",
            "l'Agence tunisienne de presse (TAP) a signé",
            ["Agence tunisienne de presse (TAP)"],
        ),
        ("fr", "le ministère libyen de la Culture a reçu", ["ministère libyen de la Culture"]),
        (
            "ru",
            "директор Бахрейнского информационного агентства Иван",
            ["Бахрейнского информационного агентства"],
        ),
        (
            "ru",
            "Национальное агентство Иордании «Петра» сообщило",
            ["Национальное агентство Иордании «Петра»"],
        ),
        ("kk", "«Дала» ұлттық ақпарат агенттігінің өкілі", ["«Дала» ұлттық ақпарат агенттігі"]),
        (
            "kk",
            "Маңғыстау облысының Өңірлік коммуникациялар қызметі",
            ["Маңғыстау облысының Өңірлік коммуникациялар қызметі"],
        ),
        ("tr", "Umman Haber Ajansı'nın genel müdürü", ["Umman Haber Ajansı"]),
        ("az", "Bəhreyn Xəbər Agentliyinin rəhbəri", ["Bəhreyn Xəbər Agentliyi"]),
        ("az", "“Şərq” İnformasiya Agentliyi", ["“Şərq” İnformasiya Agentliyi"]),
        ("ar", "وقعت وكالة الأنباء العمانية مذكرة", ["وكالة الأنباء العمانية"]),
        ("ar", "ومجموعة النيل للإعلام في القاهرة", ["مجموعة النيل للإعلام"]),
        ("ar", "قالت الوكالة إن", []),
        ("ar", "وكالة الأنباء في", []),
    ],
)
def test_organisation_spans(language: str, text: str, expected: list[str]) -> None:
    assert spans(text, language) == expected


def test_generic_names_name_nothing() -> None:
    assert generic_only("Agency and TV", "en")
    assert generic_only("СМИ", "ru")
    assert not generic_only("Steppe Press", "en")


def test_a_span_holding_a_known_agency_takes_its_id() -> None:
    (m,) = [m for m in recognise("The Oman News Agency (ONA) reported.", "en") if m.type == "ORG"]
    assert m.text == "Oman News Agency (ONA)" and m.entity_id == "org:ona"


def test_case_forms_of_a_known_name_are_linked() -> None:
    text = "директор Саудовского информационного агентства сказал"
    orgs = [m for m in recognise(text, "ru") if m.type == "ORG"]
    assert [m.entity_id for m in orgs] == ["org:spa"]


def test_a_country_inside_an_organisation_name_is_named() -> None:
    mentions = recognise("Сотрудники Катарского информационного агентства приехали.", "ru")
    assert [m.text for m in mentions] == ["Катарского информационного агентства"]
    assert countries(mentions) == ["QA"]


@pytest.mark.parametrize(
    ("language", "text", "name"),
    [
        ("en", "Chairman of the Board Timur Bekov opened the session.", "Timur Bekov"),
        ("en", "First Lady Aigerim Sultanova attended.", "Aigerim Sultanova"),
        ("ru", "глава агентства ТАСС Андрей Кондрашов заявил", "Андрей Кондрашов"),
    ],
)
def test_person_spans_stop_at_titles(language: str, text: str, name: str) -> None:
    people = [m.text for m in recognise(text, language) if m.type == "PER"]
    assert people == [name]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Delegates met at the Astana Media Forum on Monday."),
        ("en", "They walked along the Caspian Sea shore."),
        ("en", "By Dana Serikova\nThe agencies signed a memorandum."),
    ],
)
def test_events_places_and_bylines_are_no_people(language: str, text: str) -> None:
    assert [m.text for m in recognise(text, language) if m.type == "PER"] == []


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ar", "بث الأخبار باللغتين العربية والفرنسية"),
        ("ar", "نشرة بالإنجليزية"),
        ("ru", "выпуски на французском языке"),
        ("tr", "İngilizce yayın"),
        ("ar", "وكالات أنباء المغرب العربي"),
        ("en", "agencies of the Maghreb and the Middle East"),
    ],
)
def test_languages_and_regions_are_no_countries(language: str, text: str) -> None:
    assert countries(recognise(text, language)) == []


def test_a_demonym_is_still_a_country_away_from_a_language_word() -> None:
    assert countries(recognise("وفد من الوكالة الفرنسية", "ar")) == ["FR"]


def test_title_case_headline_words_are_not_places() -> None:
    text = "Économie, Transport et Logistique au Sommet\nLe ministre a parlé du transport."
    assert [m for m in recognise(text, "fr") if m.type == "LOC"] == []


def test_members_are_recognised_in_every_script_they_are_known_by() -> None:
    rows = json.loads(MANIFEST.read_text("utf-8"))["members"]
    members = member_organisations(rows)
    for language, text, member in [
        ("ru", "Агентство Волга Вайр сообщило", "member:volga-wire"),
        ("ar", "قالت وكالة طاسيلي إنفو", "member:tassili-info"),
        ("en", "Khazar Khabar reported", "member:xezer-xeber"),
    ]:
        ids = [m.entity_id for m in recognise(text, language, members=members)]
        assert member in ids, (text, ids)
    # without the door's members, no member id appears: the stage reads no store
    assert not any((m.entity_id or "").startswith("member:") for m in recognise("Волга Вайр", "ru"))


_PIECES = [
    *"abcXYZ «»“”\"'()-.,\n",
    "Agency", "News", " of ", " and ", "агентство", "وكالة", "ال", "Ajansı", "агенттігі",
    "Forum", "Ministry", "Qatar", "TASS", "(QNA)", "Board", "Aida",
]  # fmt: skip
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)


@settings(max_examples=150, deadline=None)
@given(text=_TEXT, language=st.sampled_from(["kk", "ar", "fr", "tr", "az", "ru", "en"]))
def test_spans_are_inside_the_text_and_never_overlap(text: str, language: str) -> None:
    found = find_org_spans(text, language)
    for m in found:
        assert 0 <= m.start < m.end <= len(text) and text[m.start : m.end] == m.text
    ordered = sorted(found, key=lambda m: m.start)
    for a, b in itertools.pairwise(ordered):
        assert a.end <= b.start


@settings(max_examples=60, deadline=None)
@given(text=_TEXT, language=st.sampled_from(["kk", "ar", "fr", "tr", "az", "ru", "en"]))
def test_recognise_never_raises_and_never_overlaps(text: str, language: str) -> None:
    found = recognise(text, language)
    for m in found:
        assert text[m.start : m.end] == m.text
    for a, b in itertools.pairwise(found):
        assert a.end <= b.start
