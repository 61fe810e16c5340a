"""Linking people across scripts and items; roles attached to people."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ortaq.entities.gazetteer import Mention
from ortaq.entities.linking import (
    EntityLinker,
    PersonRegistry,
    display_name,
    name_key,
    same_person,
    strip_case_ending,
)
from ortaq.entities.recognise import recognise


@pytest.mark.parametrize(
    ("token", "language", "stem"),
    [
        ("Балаеваның", "kk", "Балаева"),
        ("Қажыбаеваға", "kk", "Қажыбаева"),
        ("Әмримен", "kk", "Әмри"),
        ("Раушан", "kk", "Раушан"),
        ("Балаева", "kk", "Балаева"),
        ("Алиевым", "ru", "Алиев"),
        ("Əliyevin", "az", "Əliyev"),
        ("Altun'un", "tr", "Altun"),
        ("Balayeva", "fr", "Balayeva"),
    ],
)
def test_case_endings_are_stripped(token: str, language: str, stem: str) -> None:
    assert strip_case_ending(token, language) == stem


@pytest.mark.parametrize(
    ("a", "b", "lb"),
    [
        ("Balayeva", "Балаева", "kk"),
        ("Balayeva", "بالاييفا", "ar"),
        ("Fahrettin Altun", "فخر الدين ألتون", "ar"),
        ("Hikmet Hajiyev", "حكمت حاجييف", "ar"),
        ("Kassym-Jomart Tokayev", "Қасым-Жомарт Тоқаев", "kk"),
        ("Faisal Al-Sawagh", "فيصل الصواغ", "ar"),
        ("Ilham Aliyev", "İlham Əliyev", "az"),
    ],
)
def test_same_person_across_scripts(a: str, b: str, lb: str) -> None:
    assert same_person(a, b, "en", lb)


def test_different_people_stay_apart() -> None:
    assert not same_person("Aida Balayeva", "Ilham Aliyev")
    assert not same_person("Aslan Aslanov", "Faisal Al-Sawagh")


def test_display_name_drops_titles_and_case() -> None:
    assert display_name("Шейх Нассер бин Фейсал Әл Тани", "kk") == "Нассер бин Фейсал Әл Тани"
    assert display_name("Иман Әл Әмримен", "kk") == "Иман Әл Әмри"


def test_registry_resolve_and_known() -> None:
    registry = PersonRegistry()
    first = registry.resolve(Mention("Aida Balayeva", 0, 13, "PER"), "fr")
    assert registry.resolve(Mention("Балаева", 0, 7, "PER"), "kk") == first
    assert registry.resolve(Mention("Ilham Aliyev", 0, 12, "PER"), "fr") != first
    assert {p.id for p in registry.known()} == {first, "person:ilham-aliyev"}


def test_surname_alone_is_ambiguous_between_two_people() -> None:
    registry = PersonRegistry()
    registry.register(name_key("Ilham Aliyev", "en"), "Ilham Aliyev", "AZ", None)
    registry.register(name_key("Heydar Aliyev", "en"), "Heydar Aliyev", "AZ", None)
    assert registry.find(name_key("Aliyev", "en")) is None


def people(text: str, language: str, linker: EntityLinker) -> list[Mention]:
    return [m for m in recognise(text, language, linker=linker) if m.type == "PER"]


def test_roles_and_countries_in_several_languages() -> None:
    linker = EntityLinker()
    (fr,) = people(
        "Aida Balayeva, ministre de l'Information et du Développement social du Kazakhstan, "
        "a déclaré.",
        "fr",
        linker,
    )
    assert fr.role == "ministre de l'Information et du Développement social du Kazakhstan"
    assert fr.country == "KZ"
    kk = people(
        "ҚР Президентінің Телерадиокешені директоры Раушан Қажыбаева кездесті.", "kk", linker
    )
    assert kk[0].role == "ҚР Президентінің Телерадиокешені директоры" and kk[0].country == "KZ"
    ar = people("قال “فخر الدين ألتون” مدير الإتصالات الرئاسية، إن تركيا مستعدة.", "ar", linker)
    assert ar[0].role == "مدير الإتصالات الرئاسية" and ar[0].country == "TR"
    en = people("Aida Balayeva met the press in Ankara.", "en", linker)
    assert en and en[0].entity_id == fr.entity_id


def test_surname_in_another_item_and_script_links() -> None:
    linker = EntityLinker()
    (first,) = people(
        "Aida Balayeva, ministre de l'Information du Kazakhstan, est arrivée.", "fr", linker
    )
    later = people("Балаеваның сапары басталды.", "kk", linker)
    assert later and later[0].entity_id == first.entity_id
    assert later[0].canonical == "Aida Balayeva"


def test_surname_in_the_same_item_links_to_the_full_name() -> None:
    linker = EntityLinker()
    found = people(
        "Aslan Aslanov, président de l'AZERTAC, a parlé. Selon Aslanov, tout va bien.", "fr", linker
    )
    assert len(found) == 2 and len({m.entity_id for m in found}) == 1


LANGS = ("kk", "ar", "fr", "tr", "az", "ru", "en")


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300), st.sampled_from(LANGS))
def test_recognise_never_raises_and_offsets_hold(text: str, language: str) -> None:
    for m in recognise(text, language, linker=EntityLinker()):
        assert text[m.start : m.end] == m.text
        assert m.type in ("PER", "LOC", "ORG") and m.entity_id


_WORDS = st.sampled_from(
    ["Aida", "Balayeva", ",", "ministre", "du", "Kazakhstan", "Қатар", "сонымен", "қатар",
     "директоры", "Раушан", "“", "”", "قال", "تركيا", "وأذربيجان", "AZERTAC", "Chad", ".", "\n"]
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(_WORDS, max_size=40), st.sampled_from(LANGS))
def test_word_salad_offsets_hold(words: list[str], language: str) -> None:
    text = " ".join(words)
    mentions = recognise(text, language, linker=EntityLinker())
    for m in mentions:
        assert text[m.start : m.end] == m.text
    spans = sorted((m.start, m.end) for m in mentions)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
