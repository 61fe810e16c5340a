"""Sentence segmentation: abbreviations, initials, decimals, quotes, Arabic punctuation."""

from __future__ import annotations

import importlib.util
import itertools
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ortaq.read.segment import DATA, sentences

REPO = Path(__file__).resolve().parents[2]
LANGUAGES = ("kk", "ar", "fr", "tr", "az", "ru", "en")


def texts(paragraph: str, language: str | None) -> list[str]:
    return [span.text for span in sentences(paragraph, language)]


@pytest.mark.parametrize(
    ("language", "paragraph", "expected"),
    [
        (
            "kk",
            "Министр З. Буамама сұхбатты оқыды. 2025 ж. 14 желтоқсанда кездесу өтті. Келесі!",
            [
                "Министр З. Буамама сұхбатты оқыды.",
                "2025 ж. 14 желтоқсанда кездесу өтті.",
                "Келесі!",
            ],
        ),
        (
            "kk",
            "ҚР Президенті келді, т.б. Одан кейін кездесу болды.",
            ["ҚР Президенті келді, т.б.", "Одан кейін кездесу болды."],
        ),
        (
            "ar",
            "وقال ألتون، إن التعاون مهم. هل هذا صحيح؟ نعم، قال د. أحمد ذلك.",
            ["وقال ألتون، إن التعاون مهم.", "هل هذا صحيح؟", "نعم، قال د. أحمد ذلك."],
        ),
        (
            "fr",
            'M. Altun a dit : "Oui." Puis il est parti... et revenu. Le taux est de 3.5 %.',
            ['M. Altun a dit : "Oui."', "Puis il est parti... et revenu.", "Le taux est de 3.5 %."],
        ),
        (
            "fr",
            "« Profaner les mosquées est inacceptable. Telle est la position. » Il a dit. "
            "« Pourquoi ? » a-t-il demandé.",
            [
                "« Profaner les mosquées est inacceptable.",
                "Telle est la position. »",
                "Il a dit.",
                "« Pourquoi ? » a-t-il demandé.",
            ],
        ),
        (
            "tr",
            "Prof. Dr. Ahmet Yılmaz geldi. Toplantı yapıldı vb. Sonra T.C. heyeti gitti.",
            ["Prof. Dr. Ahmet Yılmaz geldi.", "Toplantı yapıldı vb.", "Sonra T.C. heyeti gitti."],
        ),
        (
            "az",
            "Bakı ş. Nizami küç. 5 ünvanında görüş oldu. Prezident İ. Əliyev çıxış etdi.",
            ["Bakı ş. Nizami küç. 5 ünvanında görüş oldu.", "Prezident İ. Əliyev çıxış etdi."],
        ),
        (
            "ru",
            "В г. Астана прошла встреча, т.е. переговоры. Было много людей и т.д. Затем ушли.",
            [
                "В г. Астана прошла встреча, т.е. переговоры.",
                "Было много людей и т.д.",
                "Затем ушли.",
            ],
        ),
        (
            "en",
            "Dr. Smith met Mr. Jones in the U.S. on Monday. It went well! Did it? Yes, at 9.30.",
            [
                "Dr. Smith met Mr. Jones in the U.S. on Monday.",
                "It went well!",
                "Did it?",
                "Yes, at 9.30.",
            ],
        ),
        ("en", "A. Balayeva spoke. Then she left.", ["A. Balayeva spoke.", "Then she left."]),
    ],
)
def test_sentences(language: str, paragraph: str, expected: list[str]) -> None:
    assert texts(paragraph, language) == expected


def test_arabic_comma_and_semicolon_do_not_end_sentences() -> None:
    paragraph = "قال ألتون ، في إسطنبول ؛ إن المنصة مهمة"
    assert texts(paragraph, "ar") == [paragraph]


def test_offsets_point_into_the_paragraph() -> None:
    paragraph = "  Première phrase.   Deuxième phrase ?  "
    spans = sentences(paragraph, "fr")
    assert [(s.start, s.end) for s in spans] == [(2, 18), (21, 38)]
    assert all(paragraph[s.start : s.end] == s.text for s in spans)


def test_unknown_language_still_segments() -> None:
    assert texts("One. Two.", None) == ["One.", "Two."]
    assert texts("One. Two.", "xx") == ["One.", "Two."]
    assert texts("", "en") == []


def test_sample_paragraph_from_the_kazakh_gold_article(shared: Path) -> None:
    lines = (shared / "samples/004_87f847a6d181454e.txt").read_text(encoding="utf-8").split("\n")
    paragraph = next(line for line in lines if line.startswith("Министр З. Буамама"))
    first = texts(paragraph, "kk")[0]
    assert first.startswith("Министр З. Буамама аталған сұхбаттың")  # the initial held


@settings(max_examples=300)
@given(
    st.text(st.sampled_from('ab AБ қ ا. .!?؟،…"»«”0123456789 M. г. т.е. Dr.'), max_size=80),
    st.sampled_from((*LANGUAGES, None)),
)
def test_spans_cover_the_paragraph_in_order(paragraph: str, language: str | None) -> None:
    spans = sentences(paragraph, language)
    for span in spans:
        assert paragraph[span.start : span.end] == span.text
        assert span.text == span.text.strip() and span.text
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))
    assert "".join("".join(s.text for s in spans).split()) == "".join(paragraph.split())


@settings(max_examples=200)
@given(st.text(max_size=200), st.sampled_from((*LANGUAGES, None)))
def test_arbitrary_text_never_raises(paragraph: str, language: str | None) -> None:
    sentences(paragraph, language)


# --- data -------------------------------------------------------------------------------


def _build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_segment_data", REPO / "scripts" / "build_segment_data.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_generated_data_is_up_to_date(tmp_path: Path) -> None:
    for path in _build_script().build(tmp_path):
        committed = DATA / path.name
        assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), (
            f"{committed} is stale: run python scripts/build_segment_data.py"
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_abbreviations(language: str) -> None:
    data = json.loads((DATA / f"{language}.json").read_text(encoding="utf-8"))
    assert len(data["abbreviations"]) >= 10
    assert all(entry.endswith(".") for entry in data["abbreviations"])


def test_cldr_is_a_source_where_it_has_data() -> None:
    counts = {
        language: json.loads((DATA / f"{language}.json").read_text(encoding="utf-8"))["counts"]
        for language in LANGUAGES
    }
    assert counts["en"]["cldr_suppressions"] > 100
    assert counts["fr"]["cldr_suppressions"] > 50 and counts["fr"]["cldr_abbreviated_names"] > 10
    assert counts["kk"]["cldr_abbreviated_names"] > 10  # қаң. ақп. ...
    assert counts["tr"]["cldr_suppressions"] == 0  # ICU has none: the supplement carries tr
