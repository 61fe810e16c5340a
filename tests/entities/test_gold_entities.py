"""The `entities` of every gold file in ../shared/samples/gold are recovered.

All five samples go through one linker in order, as items arriving on the platform:
Fahrettin Altun of sample 000 (fr) is the same entity as فخر الدين ألتون of 001 (ar).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rapidfuzz import fuzz

from ortaq.entities import gazetteer, organisations
from ortaq.entities.linking import EntityLinker, same_person
from ortaq.entities.recognise import Mention, countries, recognise
from ortaq.read.normalise import match_key

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
GOLD = sorted((SAMPLES / "gold").glob("*.json"))


@pytest.fixture(scope="module")
def results() -> dict[str, tuple[dict[str, Any], list[Mention], EntityLinker]]:
    linker = EntityLinker()
    out = {}
    for path in GOLD:
        gold = json.loads(path.read_text("utf-8"))
        text = (SAMPLES / gold["file"]).read_text("utf-8")
        mentions = recognise(text, gold["reading"]["language"], linker=linker)
        for m in mentions:
            assert text[m.start : m.end] == m.text
        out[path.stem[:3]] = (gold, mentions, linker)
    return out


IDS = [p.stem[:3] for p in GOLD]


@pytest.mark.parametrize("sample", IDS)
def test_countries_exactly(results: dict[str, Any], sample: str) -> None:
    gold, mentions, _ = results[sample]
    assert sorted(countries(mentions)) == sorted(gold["entities"]["countries"])


def _role_matches(found: str | None, expected: str) -> bool:
    return found is not None and fuzz.token_set_ratio(match_key(found), match_key(expected)) >= 90


@pytest.mark.parametrize("sample", IDS)
def test_people_with_roles_and_countries(results: dict[str, Any], sample: str) -> None:
    gold, mentions, linker = results[sample]
    language = gold["reading"]["language"]
    found = [m for m in mentions if m.type == "PER"]
    for person in gold["entities"]["people"]:
        hits = [
            m
            for m in found
            if match_key(m.text) == match_key(person["name"])
            or match_key(m.canonical or "") == match_key(person["name"])
            or any(match_key(n) == match_key(person["name"]) for n in _names(linker, m))
        ]
        assert hits, f"{person['name']} not found in {sample}"
        entity = linker.registry.get(hits[0].entity_id or "")
        assert entity is not None
        assert entity.country == person["country"], person["name"]
        role = entity.roles.get(language)
        assert _role_matches(role, person["role"]), (person["name"], role)
        if "latin" in person:  # the cross-script key of the native name meets the Latin one
            assert same_person(person["name"], person["latin"], language, "en")


def _names(linker: EntityLinker, m: Mention) -> list[str]:
    entity = linker.registry.get(m.entity_id or "")
    return entity.names if entity else []


def test_fahrettin_altun_is_one_entity_in_french_and_arabic(results: dict[str, Any]) -> None:
    _, fr, _ = results["000"]
    _, ar, _ = results["001"]
    fr_ids = {m.entity_id for m in fr if m.type == "PER" and "Altun" in m.text}
    ar_ids = {m.entity_id for m in ar if m.type == "PER" and "ألتون" in m.text}
    assert len(fr_ids) == 1 and fr_ids == ar_ids


def test_balayeva_links_from_another_item(results: dict[str, Any]) -> None:
    _, fr, linker = results["000"]
    (balayeva,) = {m.entity_id for m in fr if m.type == "PER" and "Balayeva" in m.text}
    later = recognise("Балаева Анкарада кездесу өткізді.", "kk", linker=linker)
    assert [m.entity_id for m in later if m.type == "PER"] == [balayeva]


@pytest.mark.parametrize("sample", IDS)
def test_organisations(results: dict[str, Any], sample: str) -> None:
    gold, mentions, _ = results[sample]
    keys: set[str] = set()
    for m in mentions:
        if m.type != "ORG":
            continue
        keys.add(match_key(m.text))
        org = organisations.get(m.entity_id or "")
        if org is not None:
            keys.update(match_key(a) for a in org.aliases())
    for name in gold["entities"]["organisations"]:
        assert match_key(name) in keys, f"{name} not found in {sample}"


@pytest.mark.parametrize("sample", IDS)
def test_places(results: dict[str, Any], sample: str) -> None:
    gold, mentions, _ = results[sample]
    language = gold["reading"]["language"]
    keys = {match_key(m.text) for m in mentions if m.type == "LOC"}
    for m in mentions:
        if m.type == "LOC" and m.entity_id:
            entity = gazetteer.place(m.entity_id, language)
            if entity is not None:
                keys.add(match_key(entity.canonical))
    for name in gold["entities"].get("places", []):
        assert match_key(name) in keys, f"{name} not found in {sample}"
