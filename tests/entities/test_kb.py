"""The organisation knowledge base (data/organisations.json): coverage and consistency."""

from __future__ import annotations

import json
from collections import defaultdict

import pycountry
import pytest

from ortaq.entities.organisations import DATA, find_organisations, seed
from ortaq.read.normalise import match_key

LANGUAGES = {"kk", "ar", "fr", "tr", "az", "ru", "en"}
INTERNATIONAL = {"union", "intergovernmental", "platform", "association"}
TURKIC_STATES = {"TR", "AZ", "KZ", "KG", "UZ", "HU", "TM"}  # TRNC has no ISO code
ARAB_LEAGUE = {
    "DZ", "BH", "KM", "DJ", "EG", "IQ", "JO", "KW", "LB", "LY", "MR",
    "MA", "OM", "PS", "QA", "SA", "SO", "SD", "SY", "TN", "AE", "YE",
}  # fmt: skip
RECORDS = json.loads(DATA.read_text("utf-8"))["organisations"]


def test_the_data_says_where_its_lists_come_from() -> None:
    sources = json.loads(DATA.read_text("utf-8"))["sources"]
    assert {"oana", "turkic", "arab_league", "international"} <= set(sources)


@pytest.mark.parametrize("record", RECORDS, ids=[r["id"] for r in RECORDS])
def test_every_entry_has_a_country_a_kind_and_names(record: dict[str, object]) -> None:
    country = record["country"]
    if country is None:
        assert record["kind"] in INTERNATIONAL or record.get("country_note"), record["id"]
    else:
        assert pycountry.countries.get(alpha_2=country) is not None, country
    assert record["kind"]
    names = record["names"]
    assert isinstance(names, dict) and names and set(names) <= LANGUAGES
    assert all(isinstance(v, list) and v and all(n.strip() for n in v) for v in names.values())


@pytest.mark.parametrize("country", sorted(TURKIC_STATES | ARAB_LEAGUE))
def test_every_turkic_and_arab_league_state_has_an_agency_named_in_five_languages(
    country: str,
) -> None:
    agencies = [o for o in seed() if o.country == country and o.kind == "agency"]
    assert max((len(o.names) for o in agencies), default=0) >= 5, country


@pytest.mark.parametrize(
    "name",
    ["TASS", "Sputnik", "RT Arabic", "Xinhua", "AFP", "Reuters", "Associated Press", "Télam",
     "Prensa Latina", "WAM", "SPA", "QNA", "KUNA", "Middle East News Agency", "APS", "MAP",
     "SANA", "INA",
     "OANA", "UNA", "Anadolu Agency", "TRT", "Al Jazeera", "Interfax", "RIA Novosti"],
)  # fmt: skip
def test_the_big_agencies_of_this_news_are_known(name: str) -> None:
    aliases = {match_key(a) for o in seed() for a in [*o.aliases(), *o.acronyms]}
    assert match_key(name) in aliases


def test_no_alias_names_two_organisations() -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for org in seed():
        for alias in [*org.aliases(), *org.acronyms]:
            owners[match_key(alias)].add(org.id)
    assert {alias: ids for alias, ids in owners.items() if len(ids) > 1} == {}


@pytest.mark.parametrize(
    ("language", "text", "entity"),
    [
        ("kk", "Синьхуа агенттігінің тілшісі", "org:xinhua"),
        ("ar", "ذكرت وكالة أنباء الإمارات", "org:wam"),
        ("ar", "وقالت وكالة الأنباء السعودية", "org:spa"),
        ("fr", "selon l'agence Maghreb Arabe Presse", "org:map"),
        ("tr", "Özbekistan Milli Haber Ajansı muhabiri", "org:uza"),
        ("az", "Medianın İnkişafı Agentliyinin sədri", "org:az-media-development-agency"),
        ("ru", "агентство Интерфакс сообщило", "org:interfax"),
        ("en", "Rossiya Segodnya said", "org:rossiya-segodnya"),
    ],
)
def test_names_in_other_languages_and_scripts(language: str, text: str, entity: str) -> None:
    assert entity in [m.entity_id for m in find_organisations(text, language)]
