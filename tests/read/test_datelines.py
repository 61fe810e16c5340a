"""Datelines in each agency's convention, and the choice of the publication date."""

from __future__ import annotations

import filecmp
import importlib.util
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ortaq.read.datelines import DATA_DIR, Dateline, find_dateline
from ortaq.read.published import Published, choose_published, parse_header

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT.parent / "shared" / "samples"
LANGUAGES = ("kk", "ar", "fr", "tr", "az", "ru", "en")


SCRAPER_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\s+")


def sample(stem: str) -> tuple[list[str], str | None, dict[str, object]]:
    """Paragraphs (headline first) and scraper header of a sample, with its gold reading.
    Split here rather than by the plain-text adapter, so these tests follow only this
    module: the header ` date 2021-02 ` then one paragraph per line."""
    path = next(SAMPLES.glob(f"{stem}_*.txt"))
    text = path.read_text(encoding="utf-8")
    header = SCRAPER_HEADER.match(text)
    if header is not None:
        text = text[header.end() :]
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    gold = json.loads((SAMPLES / "gold" / f"{path.stem}.json").read_text(encoding="utf-8"))
    return paragraphs, header.group(1) if header else None, gold["reading"]


# --- the conventions, one per language ----------------------------------------

CONVENTIONS = [
    (
        "fr",
        "Bakou, 27 février, AZERTAC",
        date(2021, 2, 1),
        ("Bakou", "AZ", "AZERTAC", "2021-02-27"),
        "",
    ),
    (
        "kk",
        "АСТАНА. KAZINFORM — Қатар астанасы Доха қаласында",
        None,
        ("АСТАНА", "KZ", "KAZINFORM", None),
        "Қатар астанасы Доха қаласында",
    ),
    (
        "tr",
        "ANKARA (AA) - Türkiye ile Kazakistan",
        None,
        ("ANKARA", "TR", "AA", None),
        "Türkiye ile Kazakistan",
    ),
    ("ar", "باكو (كونا) -- بحث رئيس", None, ("باكو", "AZ", "كونا", None), "بحث رئيس"),
    (
        "ru",
        "МОСКВА, 5 апреля. /ТАСС/. Президент России",
        date(2026, 4, 6),
        ("МОСКВА", "RU", "ТАСС", "2026-04-05"),
        "Президент России",
    ),
    (
        "az",
        "Bakı, 27 fevral, AZƏRTAC",
        date(2021, 2, 27),
        ("Bakı", "AZ", "AZƏRTAC", "2021-02-27"),
        "",
    ),
    (
        "en",
        "KUWAIT, April 5 (KUNA) -- The Kuwaiti",
        date(2026, 4, 5),
        ("KUWAIT", "KW", "KUNA", "2026-04-05"),
        "The Kuwaiti",
    ),
    # more conventions
    (
        "ar",
        "الكويت - 5 - 4 (كونا) -- قال",
        date(2026, 4, 5),
        ("الكويت", "KW", "كونا", "2026-04-05"),
        "قال",
    ),
    (
        "ru",
        "МОСКВА, 5 апр — РИА Новости. Текст",
        date(2026, 4, 5),
        ("МОСКВА", "RU", "РИА Новости", "2026-04-05"),
        "Текст",
    ),
    ("en", "GROSSETO, Italy (AP) -- The trial", None, ("GROSSETO", "IT", "AP", None), "The trial"),
    (
        "en",
        "BAKU, February 27, AZERTAC",
        date(2021, 2, 27),
        ("BAKU", "AZ", "AZERTAC", "2021-02-27"),
        "",
    ),
    (
        "fr",
        "Paris, le mardi 5 avril 2022 (AFP) - Le",
        None,
        ("Paris", "FR", "AFP", "2022-04-05"),
        "Le",
    ),
    ("tr", "ANKARA - Türkiye'nin", None, ("ANKARA", "TR", None, None), "Türkiye'nin"),
    (
        "kk",
        "Астана, 8 қаңтар. ҚазАқпарат. Мәтін",
        date(2026, 1, 8),
        ("Астана", "KZ", "ҚазАқпарат", "2026-01-08"),
        "Мәтін",
    ),
]


@pytest.mark.parametrize(("language", "paragraph", "reference", "expected", "rest"), CONVENTIONS)
def test_dateline_conventions(
    language: str,
    paragraph: str,
    reference: date | None,
    expected: tuple[str, str | None, str | None, str | None],
    rest: str,
) -> None:
    dateline = find_dateline([paragraph], language, reference)
    assert dateline is not None
    assert (dateline.place, dateline.country, dateline.agency, dateline.date) == expected
    assert dateline.rest == rest
    assert paragraph[dateline.end :] == rest


def test_conventions_cover_every_language() -> None:
    assert {case[0] for case in CONVENTIONS} == set(LANGUAGES)


def test_dateline_without_reference_keeps_the_written_day() -> None:
    dateline = find_dateline(["Bakou, 27 février, AZERTAC"], "fr", None)
    assert dateline is not None and dateline.date is None
    assert dateline.written is not None
    assert (dateline.written.year, dateline.written.month, dateline.written.day) == (None, 2, 27)


# --- gold samples -----------------------------------------------------------------------


def test_sample_002_dateline_is_its_own_paragraph() -> None:
    paragraphs, header, gold = sample("002")
    dateline = find_dateline(paragraphs, "fr", date(2021, 2, 1))
    assert dateline is not None
    assert dateline.to_json() == {
        "place": "Bakou",
        "country": "AZ",
        "agency": "AZERTAC",
        "date": "2021-02-27",
    }
    expected = gold["dateline"]
    assert isinstance(expected, dict)
    assert (dateline.place, dateline.country, dateline.date, dateline.agency) == (
        expected["place"],
        expected["place_country"],
        expected["date"],
        expected["agency"],
    )
    assert (dateline.paragraph, dateline.rest) == (0, "")
    assert header == "2021-02"


def test_sample_003_dateline_opens_the_lead() -> None:
    paragraphs, _header, gold = sample("003")
    dateline = find_dateline(paragraphs, "kk", date(2025, 12, 14))
    assert dateline is not None
    assert dateline.to_json() == {
        "place": "АСТАНА",
        "country": "KZ",
        "agency": "KAZINFORM",
        "date": None,
    }
    assert dateline.paragraph == 1
    assert dateline.rest.startswith("Қатар астанасы Доха қаласында")
    assert paragraphs[1][dateline.start : dateline.end].strip() == "АСТАНА. KAZINFORM —"
    assert gold["dateline"] == {
        "place": "АСТАНА",
        "place_country": "KZ",
        "date": None,
        "agency": "KAZINFORM",
    }


@pytest.mark.parametrize(("stem", "language"), [("000", "fr"), ("001", "ar"), ("004", "kk")])
def test_samples_without_dateline(stem: str, language: str) -> None:
    paragraphs, _, gold = sample(stem)
    assert gold["dateline"] is None
    assert find_dateline(paragraphs, language, date(2021, 4, 1)) is None


@pytest.mark.parametrize(
    ("stem", "language"),
    [("000", "fr"), ("001", "ar"), ("002", "fr"), ("003", "kk"), ("004", "kk")],
)
def test_no_body_paragraph_of_any_sample_reads_as_dateline(stem: str, language: str) -> None:
    paragraphs, _, _ = sample(stem)
    first = 1 if stem == "002" else 2  # 002 opens with its dateline, 003's lead carries one
    for paragraph in paragraphs[first:]:
        assert find_dateline([paragraph], language, None) is None, paragraph


ORDINARY_OPENINGS = [
    (
        "fr",
        "Le Kazakhstan souhaite renforcer sa coopération avec la Turquie dans le domaine "
        "des médias",
    ),
    (
        "fr",
        "Rappelant que la Turquie a été le premier pays à reconnaître l'indépendance du Kazakhstan",
    ),
    ("fr", "Le renforcement de la coopération entre l'AZERTAC et l'Union des médias"),
    ("en", "Astana, AZERTAC and KAZINFORM signed a deal"),
    ("en", "Kazakhstan, EU sign a new partnership"),
    ("en", "NATO summit opens in Vilnius"),
    ("ru", "Президент России Владимир Путин провел встречу - об этом сообщает ТАСС"),
    ("kk", "ҚР Президентінің Телерадиокешені директоры Раушан Қажыбаева мен Al Jazeera"),
    ("kk", "Сурет: gov.kz"),
    ("tr", "YSK, dün AK"),
    ("tr", "TÜRKİYE - AZERBAYCAN MEDYA PLATFORMU"),
    ("en", "KAZAKHSTAN (PHOTO)"),
    ("tr", "Türkiye ile Azerbaycan arasında medya işbirliği - AA muhabiri bildirdi"),
    ("az", "Azərbaycan və Qazaxıstan arasında əməkdaşlıq genişlənir"),
    ("ar", "تركيا وأذربيجان يتبادلان الرؤى في “منصة إسطنبول”"),
    ("ar", "وقالت مديرية الاتصالات التركية (كونا) في بيان"),
]


@pytest.mark.parametrize(("language", "paragraph"), ORDINARY_OPENINGS)
def test_ordinary_first_sentences_are_not_datelines(language: str, paragraph: str) -> None:
    assert find_dateline([paragraph], language, date(2026, 4, 5)) is None


@settings(max_examples=200, deadline=None)
@given(
    paragraphs=st.lists(st.text(max_size=120), max_size=3),
    language=st.sampled_from(LANGUAGES),
)
def test_arbitrary_paragraphs_never_raise(paragraphs: list[str], language: str) -> None:
    dateline = find_dateline(paragraphs, language, date(2026, 1, 8))
    if dateline is not None:
        check_dateline(paragraphs, dateline)


PIECES = [
    *("ANKARA", "Bakou", "АСТАНА", "باكو", "МОСКВА", "Paris", "KUWAIT"),
    *(" (AA) ", " (كونا) ", " /ТАСС/", " AZERTAC", " KAZINFORM", " Le texte", " Мәтін"),
    *(", ", ". ", " - ", " -- ", " — ", "، ", "27 février", "5 апреля", "5 - 4", "April 5"),
]


@settings(max_examples=300, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(PIECES), max_size=8),
    language=st.sampled_from(LANGUAGES),
)
def test_dateline_like_paragraphs_stay_well_formed(pieces: list[str], language: str) -> None:
    paragraphs = ["".join(pieces)]
    dateline = find_dateline(paragraphs, language, date(2026, 1, 8))
    if dateline is not None:
        check_dateline(paragraphs, dateline)


def check_dateline(paragraphs: list[str], dateline: Dateline) -> None:
    paragraph = paragraphs[dateline.paragraph]
    assert dateline.rest == paragraph[dateline.end :]
    assert paragraph[dateline.start :].startswith(dateline.place)
    assert dateline.country is None or (len(dateline.country) == 2 and dateline.country.isupper())
    if dateline.date is not None:
        date.fromisoformat(dateline.date if len(dateline.date) == 10 else dateline.date + "-01")


def test_dateline_data_is_up_to_date(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "build", ROOT / "scripts" / "build_dateline_data.py"
    )
    assert spec is not None and spec.loader is not None
    module: ModuleType = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for path in module.build(tmp_path):
        assert filecmp.cmp(path, DATA_DIR / path.name, shallow=False), (
            f"{path.name} is stale: run scripts/build_dateline_data.py"
        )


# --- publication date -------------------------------------------------------------------


def published_of(stem: str, language: str) -> Published | None:
    """The read stage's order: header -> reference -> dateline and text dates -> choice."""
    paragraphs, header, _ = sample(stem)
    from_header = parse_header(header)
    reference = from_header.as_date() if from_header else None
    dateline = find_dateline(paragraphs, language, reference)
    return choose_published(None, header, dateline)


@pytest.mark.parametrize(
    ("stem", "language", "expected"),
    [
        ("000", "fr", None),
        ("001", "ar", None),
        ("002", "fr", Published("2021-02-27", "day", "header+dateline")),
        ("003", "kk", Published("2025-12-14", "day", "header")),
        ("004", "kk", Published("2026-01-08", "day", "header")),
    ],
)
def test_published_matches_gold(stem: str, language: str, expected: Published | None) -> None:
    _, _, gold = sample(stem)
    chosen = published_of(stem, language)
    assert chosen == expected
    assert (chosen.value if chosen else None) == gold["published"]
    if chosen is not None:
        assert chosen.precision == gold["published_precision"]


def test_metadata_wins_and_is_precise_to_the_minute() -> None:
    stamp = datetime(2026, 1, 8, 14, 30, tzinfo=UTC)
    dateline = find_dateline(["Bakou, 27 février, AZERTAC"], "fr", date(2026, 1, 8))
    chosen = choose_published(stamp, "2021-02", dateline)
    assert chosen == Published("2026-01-08T14:30+00:00", "minute", "metadata")
    assert choose_published(datetime(2026, 1, 8), None, None) == Published(
        "2026-01-08", "day", "metadata"
    )


def test_dateline_refines_only_a_consistent_header() -> None:
    dateline = find_dateline(["Bakou, 28 janvier, AZERTAC"], "fr", None)
    assert choose_published(None, "2021-02", dateline) == Published("2021-02", "month", "header")
    assert choose_published(None, "2021", dateline) == Published(
        "2021-01-28", "day", "header+dateline"
    )


def test_no_date_line_no_publication_date() -> None:
    """The guideline: no `date` line (and no metadata) -> no publication date, even when
    the dateline has a complete date (it still gives the item's times: test_times.py)."""
    dateline = find_dateline(["МОСКВА, 5 апреля 2026 г. /ТАСС/. Текст"], "ru", None)
    assert dateline is not None and dateline.date == "2026-04-05"
    assert choose_published(None, None, dateline) is None


def test_header_month_and_dateline_day_combine() -> None:
    dateline = find_dateline(["Bakou, 26 octobre, AZERTAC"], "fr", date(2019, 10, 1))
    assert choose_published(None, "2019-10", dateline) == Published(
        "2019-10-26", "day", "header+dateline"
    )
    assert choose_published(None, "2023-12", None) == Published("2023-12", "month", "header")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("2021-02", Published("2021-02", "month", "header")),
        (" date 2025-12-14 ", Published("2025-12-14", "day", "header")),
        ("14.12.2025", Published("2025-12-14", "day", "header")),
        ("2025-12-14T09:05", Published("2025-12-14T09:05", "minute", "header")),
        ("2021", Published("2021", "year", "header")),
        ("2021-13", None),
        ("14 декабря 2025", Published("2025-12-14", "day", "header")),
        ("April 2021", Published("2021-04", "month", "header")),
        ("5 avril", None),  # dateparser would take the year from the clock
        ("2 days ago", None),
        ("", None),
    ],
)
def test_parse_header(header: str, expected: Published | None) -> None:
    assert parse_header(header) == expected


@settings(max_examples=100, deadline=None)
@given(header=st.text(alphabet="0123456789-.:T /", max_size=20))
def test_numeric_headers_never_raise(header: str) -> None:
    chosen = parse_header(header)
    if chosen is not None:
        assert chosen.method == "header"
        chosen.as_date()
