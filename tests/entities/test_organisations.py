"""Organisation knowledge base: aliases across scripts, acronyms, members."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ortaq.entities.organisations import (
    add_member_organisations,
    clear_member_organisations,
    find_organisations,
    get,
    organisations,
)

MANIFEST = (
    Path(__file__).resolve().parents[2] / "src" / "ortaq" / "demo" / "corpus" / "manifest.json"
)


def ids(text: str, language: str) -> list[str | None]:
    return [m.entity_id for m in find_organisations(text, language)]


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("fr", "l'AZERTAC et l'agence koweïtienne KUNA", ["org:azertac", "org:kuna"]),
        ("az", "AZƏRTAC-ın müxbiri", ["org:azertac"]),
        ("ru", "сообщает АзерТАдж", ["org:azertac"]),
        ("ar", "ذكرت أذرتاج وكونا", ["org:azertac", "org:kuna"]),
        ("kk", "Қазинформ тілшісі, Казинформ", ["org:kazinform", "org:kazinform"]),
        ("ar", "قناة الجزيرة", ["org:al-jazeera"]),
        ("kk", "Al Jazeera-ның өкілдері", ["org:al-jazeera"]),
        ("ru", "телеканал Аль-Джазира", ["org:al-jazeera"]),
        ("fr", "l'Agence Anadolu et la TRT", ["org:anadolu", "org:trt"]),
        ("tr", "Anadolu Ajansı ve TRT Avaz", ["org:anadolu", "org:trt-avaz"]),
        ("fr", "les pays membres du Conseil turcique", ["org:turkic-states"]),
        ("kk", "Алжирдің Коммуникациялар министрлігі", ["org:dz-ministry-communication"]),
        ("ar", "وقالت مديرية الاتصالات التركية", ["org:tr-communications-directorate"]),
    ],
)
def test_aliases_across_scripts(language: str, text: str, expected: list[str]) -> None:
    assert ids(text, language) == expected


def test_longest_alias_wins() -> None:
    assert ids("Al Jazeera Media Network бас директоры", "kk") == ["org:al-jazeera-media-network"]


def test_acronyms_are_case_sensitive() -> None:
    assert ids("kuna and trt and aa", "en") == []
    assert ids("AA muhabiri", "tr") == ["org:anadolu"]


def test_al_jazeera_is_not_the_arabian_peninsula() -> None:
    assert ids("في شبه الجزيرة العربية", "ar") == []


def test_office_of_a_minister_points_to_the_ministry() -> None:
    (m,) = find_organisations(
        "Aida Balayeva, ministre de l'Information et du Développement social du Kazakhstan", "fr"
    )
    assert m.entity_id == "org:kz-ministry-information-social-development"
    assert m.source == "kb-office" and m.country == "KZ"


@pytest.fixture
def members() -> Iterator[list[str]]:
    manifest = json.loads(MANIFEST.read_text("utf-8"))
    yield add_member_organisations(manifest["members"])
    clear_member_organisations()


def test_member_organisations_are_entities(members: list[str]) -> None:
    assert "member:kopru-haber" in members
    assert ids("Köprü Haber Ajansı'na göre", "tr") == ["member:kopru-haber"]
    assert ids("وكالة أنباء الخليج الجديدة", "ar") == ["member:khaleej-wire"]
    assert ids("Хазар Хабар сообщает", "ru") == ["member:xezer-xeber"]
    org = get("member:xezer-xeber")
    assert org is not None and org.country == "AZ"


def test_kb_is_well_formed() -> None:
    seen = set()
    for org in organisations():
        assert org.id.startswith(("org:", "member:")) and org.id not in seen
        seen.add(org.id)
        assert org.canonical and org.aliases()


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        # names agencies go by in running text (issue 19), written for this test
        ("en", "the Qatari News Agency reported", "org:qna"),
        ("en", "the Azerbaijan State Telegraph Agency said", "org:azertac"),
        (
            "en",
            "head of the Presidential Television and Radio Complex",
            "org:kz-presidential-tv-radio",
        ),
        ("ru", "Госинформагентство Туркменистана сообщило", "org:tdh"),
        ("ru", "Эмиратское информационное агентство сообщило", "org:wam"),
        # an acronym with a suffix in lower case is that acronym; with capitals it is another
        ("tr", "BM'de konuştu", "org:united-nations"),
    ],
)
def test_names_in_running_text(language: str, text: str, expected: str) -> None:
    assert expected in ids(text, language), find_organisations(text, language)


@pytest.mark.parametrize("language", ["tr", "az", "fr", "en"])
def test_a_longer_acronym_is_not_a_shorter_one_with_a_suffix(language: str) -> None:
    assert ids("UNA", language) == ["org:una"]
