"""Which agency an item credits, in all seven languages."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ortaq.read.attribution import find_attribution

CASES = [
    ("kk", "Бұл туралы ҚазАқпарат агенттігі хабарлайды.", "ҚазАқпарат агенттігі"),
    (
        "kk",
        "Кездесу өтті, деп хабарлайды Сыртқы істер министрлігінің баспасөз қызметінен.",
        "Сыртқы істер министрлігінің баспасөз қызметі",
    ),
    (
        "fr",
        "Elle a accordé un entretien à un journaliste de l’Agence Anadolu à Ankara.",
        "Agence Anadolu",
    ),
    ("fr", "Selon l'AFP, la rencontre a eu lieu mardi.", "AFP"),
    ("en", "The minister told Anadolu Agency on Monday.", "Anadolu Agency"),
    ("ru", "Об этом сообщает Казинформ.", "Казинформ"),
    ("tr", "Bakan, Anadolu Ajansı muhabirine açıklama yaptı.", "Anadolu Ajansı"),
    ("az", "Bu barədə AZƏRTAC xəbər verir.", "AZƏRTAC"),
    ("ar", "وقال لوكالة الأنباء الكويتية (كونا) إن الاجتماع كان مثمرا.", "الأنباء الكويتية"),
]


@pytest.mark.parametrize(("language", "text", "source"), CASES)
def test_source_is_found(language: str, text: str, source: str) -> None:
    found = find_attribution(["A first paragraph.", text], language)
    assert found is not None and found.source == source
    offset = len("A first paragraph.") + 1
    assert text[found.start - offset : found.end - offset].startswith(source[:5])


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fr", "Le Kazakhstan souhaite renforcer sa coopération avec la Turquie."),
        ("kk", "Қазақстан мен Түркия арасындағы ынтымақтастық нығайып келеді."),
        ("en", "The agency opened a bureau in Doha."),
    ],
)
def test_no_source_in_ordinary_text(language: str, text: str) -> None:
    assert find_attribution([text], language) is None


@given(st.lists(st.text(max_size=200), max_size=4), st.sampled_from(["kk", "fr", "xx"]))
def test_never_raises(paragraphs: list[str], language: str) -> None:
    found = find_attribution(paragraphs, language)
    assert found is None or (found.source and found.start <= found.end)
