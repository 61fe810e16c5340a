"""Places and countries: generated data up to date, seven languages, false-hit guards."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ortaq.entities.gazetteer import LANGUAGES, countries, find_places, fold, russian_forms

ROOT = Path(__file__).resolve().parents[2]
GAZETTEER = ROOT / "src" / "ortaq" / "entities" / "data" / "gazetteer"


def _build_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "build_gazetteer", ROOT / "scripts" / "build_gazetteer.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_files_are_up_to_date(tmp_path: Path) -> None:
    for path in _build_module().build(tmp_path):
        committed = GAZETTEER / path.name
        assert committed.read_text("utf-8") == path.read_text("utf-8"), (
            f"{committed.name} is stale: run python scripts/build_gazetteer.py"
        )


def codes(text: str, language: str) -> list[str]:
    return countries(find_places(text, language))


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("kk", "Түркия мен Қазақстанның ынтымақтастығы, Алжирдегі елші", ["TR", "KZ", "DZ"]),
        ("kk", "қазақстандық журналистер мен алжирлік министр", ["KZ", "DZ"]),
        ("kk", "Қатар астанасы Доха", ["QA"]),
        ("kk", "ҚР Президенті", ["KZ"]),
        ("ar", "بين تركيا وأذربيجان في الكويت وبالجزائر", ["TR", "AZ", "KW", "DZ"]),
        ("ar", "القوات الأرمينية والتعاون التركي", ["AM", "TR"]),
        ("ar", "وصل إلى للكويت", ["KW"]),
        ("fr", "la Turquie et l'Azerbaïdjan, au Koweït", ["TR", "AZ", "KW"]),
        ("fr", "le poète kazakh et la presse turque", ["KZ", "TR"]),
        (
            "tr",
            "Türkiye'nin ve Kazakistan'da, Azerbaycanlı gazeteciler; ABD",
            ["TR", "KZ", "AZ", "US"],
        ),
        ("az", "Azərbaycan və Türkiyə, Qazaxıstanın", ["AZ", "TR", "KZ"]),
        ("ru", "в Казахстане и Турции, казахстанская сторона, США", ["KZ", "TR", "US"]),
        ("en", "Turkey and Kazakhstan, Kuwaiti media; the UAE", ["TR", "KZ", "KW", "AE"]),
    ],
)
def test_countries_in_seven_languages(language: str, text: str, expected: list[str]) -> None:
    assert codes(text, language) == expected


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("kk", "Сонымен қатар Раушан Қажыбаева кездесті"),
        ("kk", "форматтармен қатар жұмыс"),
        ("kk", "Малика келді"),
        ("ru", "Малика пришла. Кроме того, мали"),
        ("en", "Chadwick said so; Chad Smith too; Michael Jordan"),
        ("en", "Al Jazeera English and Arabic services"),
        ("ar", "الدعم المالي والمالي مهم"),
        ("ar", "في شبه الجزيرة العربية"),
        ("tr", "mali destek ve katar vagonları"),
        ("az", "mali dəstək"),
        ("fr", "en langue arabe et en anglais"),
    ],
)
def test_false_hits_are_guarded(language: str, text: str) -> None:
    assert codes(text, language) == []


def test_chad_itself_is_found() -> None:
    assert codes("Troops went to Chad.", "en") == ["TD"]
    assert codes("Малиға барды", "kk") == ["ML"]


def test_cities_and_regions() -> None:
    found = {m.entity_id: m.country for m in find_places("АСТАНА. Доха мен Орталық Азия", "kk")}
    assert found == {"place:astana": "KZ", "place:doha": "QA", "place:central-asia": None}
    assert [m.entity_id for m in find_places("Bakou, Khodjaly", "fr")] == [
        "place:baku",
        "place:khojaly",
    ]


def test_suffix_is_part_of_the_mention_and_offsets_hold() -> None:
    text = "Қазақстанның Алжирдегі Елшісі"
    mentions = find_places(text, "kk")
    assert [m.text for m in mentions] == ["Қазақстанның", "Алжирдегі"]
    for m in mentions:
        assert text[m.start : m.end] == m.text


def test_arabic_harakat_keep_offsets() -> None:
    text = "عُقد الاجتماع في تُركيا"
    (m,) = find_places(text, "ar")
    assert m.country == "TR" and text[m.start : m.end] == m.text == "تُركيا"


def test_russian_declension() -> None:
    assert "Турции" in russian_forms("Турция")
    assert russian_forms("Мали") == []


def test_fold_offsets() -> None:
    text = "Straße, İstanbul — عُقد"
    folded = fold(text)
    assert len(folded.norm) >= len(text) - 1


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=200), st.sampled_from(LANGUAGES))
def test_arbitrary_text_never_raises(text: str, language: str) -> None:
    for m in find_places(text, language):
        assert text[m.start : m.end] == m.text
