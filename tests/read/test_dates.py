"""Dates mentioned in text: seven languages, hard cases, false dates, properties."""

from __future__ import annotations

import filecmp
import importlib.util
import re
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest
from babel.dates import format_date
from hypothesis import given, settings
from hypothesis import strategies as st

from ortaq.read.dates import (
    DATA_DIR,
    DateMention,
    date_mentions,
    find_dates,
    nearest_year,
    parse_date,
    scan_dates,
)

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT.parent / "shared" / "samples"
LANGUAGES = ("kk", "ar", "fr", "tr", "az", "ru", "en")
ISO_VALUE = re.compile(r"^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2})?)?)?$")


def found(text: str, language: str, reference: date | None) -> list[tuple[str, str, str | None]]:
    return [(m.text, m.value, m.end_value) for m in find_dates(text, language, reference)]


# --- each language, with its hard cases ---------------------------------------------

CASES = [
    # French: ranges with "et"/"au", ordinal 1er, year cues, abbreviations with a dot
    (
        "fr",
        "avant sa visite à Ankara les 5 et 6 avril.",
        date(2021, 4, 1),
        [("5 et 6 avril", "2021-04-05", "2021-04-06")],
    ),
    ("fr", "le 1er mars 2026 à Paris", None, [("1er mars 2026", "2026-03-01", None)]),
    (
        "fr",
        "du 30 mars au 2 avril",
        date(2026, 3, 1),
        [("30 mars au 2 avril", "2026-03-30", "2026-04-02")],
    ),
    ("fr", "le 5 avr. 2026", None, [("5 avr. 2026", "2026-04-05", None)]),
    (
        "fr",
        "reconnaître l'indépendance du Kazakhstan en 1991, Balayeva",
        None,
        [("1991", "1991", None)],
    ),
    (
        "fr",
        "entre Kazinform et l'Agence Anadolu en 2018 et qu'aujourd'hui",
        None,
        [("2018", "2018", None)],
    ),
    ("fr", "en décembre dernier", date(2026, 1, 8), [("décembre dernier", "2025-12", None)]),
    ("fr", "en avril prochain", date(2026, 5, 2), [("avril prochain", "2027-04", None)]),
    ("fr", "Le 25 juin dernier", date(2012, 6, 15), [("25 juin dernier", "2011-06-25", None)]),
    # Russian: genitive months, ranges, year words, numeric dates, prepositional months
    ("ru", "МОСКВА, 5 апреля. /ТАСС/.", date(2026, 4, 5), [("5 апреля", "2026-04-05", None)]),
    (
        "ru",
        "встреча пройдет 5-6 апреля",
        date(2026, 3, 20),
        [("5-6 апреля", "2026-04-05", "2026-04-06")],
    ),
    (
        "ru",
        "5 и 6 апреля 2026 года",
        None,
        [("5 и 6 апреля 2026 года", "2026-04-05", "2026-04-06")],
    ),
    ("ru", "в 2025 году и 2024 г.", None, [("2025 году", "2025", None), ("2024 г.", "2024", None)]),
    ("ru", "в апреле 2026 года", None, [("апреле 2026 года", "2026-04", None)]),
    ("ru", "приказ от 05.04.2026", None, [("05.04.2026", "2026-04-05", None)]),
    # Kazakh: case suffixes on months, genitive month + possessive day, year first
    ("kk", "2026 жылы 8 қаңтарда өтті", None, [("2026 жылы 8 қаңтарда", "2026-01-08", None)]),
    (
        "kk",
        "желтоқсанның 14-і күні",
        date(2025, 12, 20),
        [("желтоқсанның 14-і", "2025-12-14", None)],
    ),
    ("kk", "осы бастаманы 2026 жылы іске асыру", None, [("2026 жылы", "2026", None)]),
    ("kk", "2025 жылғы 14 желтоқсан", None, [("2025 жылғы 14 желтоқсан", "2025-12-14", None)]),
    ("kk", "28 желтоқсанда кездесті", date(2026, 1, 8), [("28 желтоқсанда", "2025-12-28", None)]),
    # Azerbaijani: fevralın 27-də, 2021-ci il
    (
        "az",
        "görüş fevralın 27-də keçirilib",
        date(2021, 3, 1),
        [("fevralın 27-də", "2021-02-27", None)],
    ),
    ("az", "2021-ci il fevralın 27-də", None, [("2021-ci il fevralın 27-də", "2021-02-27", None)]),
    ("az", "27 fevral 2021-ci il", None, [("27 fevral 2021-ci il", "2021-02-27", None)]),
    ("az", "2024-cü ildə imzalanıb", None, [("2024-cü ildə", "2024", None)]),
    # Turkish: suffixes after an apostrophe
    ("tr", "5 Nisan'da Ankara'da", date(2026, 4, 1), [("5 Nisan'da", "2026-04-05", None)]),
    ("tr", "Nisan'ın 5'inde", date(2026, 4, 1), [("Nisan'ın 5'inde", "2026-04-05", None)]),
    (
        "tr",
        "5 ve 6 Nisan 2026 tarihlerinde",
        None,
        [("5 ve 6 Nisan 2026", "2026-04-05", "2026-04-06")],
    ),
    ("tr", "2026 yılında", None, [("2026 yılında", "2026", None)]),
    # Arabic: Levantine and Maghrebi names, paired names, Arabic-Indic digits
    ("ar", "في 27 شباط/فبراير", date(2021, 3, 1), [("27 شباط/فبراير", "2021-02-27", None)]),
    ("ar", "في ٢٧ فبراير ٢٠٢١", None, [("٢٧ فبراير ٢٠٢١", "2021-02-27", None)]),
    ("ar", "كانون الثاني 2026", None, [("كانون الثاني 2026", "2026-01", None)]),
    ("ar", "في 15 جانفي 2025", None, [("15 جانفي 2025", "2025-01-15", None)]),
    ("ar", "يومي 5 و6 أبريل", date(2026, 3, 1), [("5 و6 أبريل", "2026-04-05", "2026-04-06")]),
    ("ar", "تم توقيعها في ديسمبر الماضي", date(2021, 3, 1), [("ديسمبر الماضي", "2020-12", None)]),
    ("ar", "في 3 تشرين الأول", date(2025, 9, 1), [("3 تشرين الأول", "2025-10-03", None)]),
    ("ar", "عام 2024 و 2023م", None, [("2024", "2024", None), ("2023م", "2023", None)]),
    ("ar", "اللقاء الذي عقد امس", date(2012, 6, 15), [("امس", "2012-06-14", None)]),
    ("ar", "أول من أمس", date(2012, 6, 15), [("أول من أمس", "2012-06-13", None)]),
    # English: month first, ordinals, "of"
    ("en", "on April 5, 2026 in Baku", None, [("April 5, 2026", "2026-04-05", None)]),
    ("en", "on 5 April", date(2026, 3, 1), [("5 April", "2026-04-05", None)]),
    ("en", "the 5th of April", date(2026, 3, 1), [("5th of April", "2026-04-05", None)]),
    ("en", "in 2019, the agency", None, [("2019", "2019", None)]),
    ("en", "at 2026-04-05T14:30 UTC", None, [("2026-04-05T14:30", "2026-04-05T14:30", None)]),
]


@pytest.mark.parametrize(("language", "text", "reference", "expected"), CASES)
def test_dates_in_each_language(
    language: str, text: str, reference: date | None, expected: list[tuple[str, str, str | None]]
) -> None:
    assert found(text, language, reference) == expected


def test_every_language_has_cases() -> None:
    assert {case[0] for case in CASES} == set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_cldr_long_and_medium_formats_round_trip(language: str) -> None:
    day = date(2026, 4, 5)
    for width in ("long", "medium", "full"):
        text = format_date(day, width, locale=language)
        assert [m.value for m in find_dates(text, language, None)] == ["2026-04-05"], text


# --- precision, spans and resolution --------------------------------------------------


def test_mention_carries_offsets_precision_and_inferred_year() -> None:
    text = "Ce sujet a fait l'objet d'une rencontre tenue le 27 février entre"
    (mention,) = find_dates(text, "fr", date(2021, 2, 1))
    assert mention == DateMention(
        text="27 février",
        start=49,
        end=59,
        value="2021-02-27",
        precision="day",
        year_inferred=True,
        written_month=2,  # as written: no year, the year is inferred
        written_day=27,
    )
    assert text[mention.start : mention.end] == "27 février"


def test_every_date_span_is_handed_on_resolved_or_not() -> None:
    """`date_mentions` keeps the spans `find_dates` cannot resolve (no reference year),
    with their written parts: later stages key on the day named."""
    text = "la rencontre du 27 février et la conférence de mars 2024"
    found = date_mentions(text, "fr", None)
    assert [(m.text, m.value) for m in found] == [("27 février", None), ("mars 2024", "2024-03")]
    assert (found[0].written_month, found[0].written_day, found[0].written_year) == (2, 27, None)
    assert found[0].precision is None
    assert find_dates(text, "fr", None) == found[1:]


def test_partial_dates_need_a_reference() -> None:
    assert find_dates("les 5 et 6 avril", "fr", None) == []
    assert [p.day for p in scan_dates("les 5 et 6 avril", "fr")] == [5]


def test_nearest_year_goes_back_across_new_year() -> None:
    assert nearest_year(12, 28, date(2026, 1, 8)) == 2025
    assert nearest_year(1, 5, date(2025, 12, 14)) == 2026
    assert nearest_year(4, 5, date(2026, 3, 1)) == 2026
    assert nearest_year(2, 29, date(2025, 1, 1)) == 2024


def test_relative_days_need_a_reference_precise_to_the_day() -> None:
    assert found("Hier, c'était l'anniversaire", "fr", date(2021, 2, 27)) == [
        ("Hier", "2021-02-26", None)
    ]
    assert find_dates("вчера", "ru", date(2021, 2, 1), reference_precision="month") == []


def test_invalid_calendar_dates_are_dropped() -> None:
    assert find_dates("le 31 février 2021 et le 30.02.2021", "fr", None) == []


def test_parse_date_accepts_only_a_whole_isolated_date() -> None:
    parts = parse_date("5 апр", "ru")  # abbreviation without dot is fine when isolated
    assert parts is not None and (parts.month, parts.day) == (4, 5)
    assert parse_date("5 апреля в Москве", "ru") is None
    assert parse_date("Paris", "fr") is None


# --- false dates: numbers that are not dates -----------------------------------------

NOT_DATES = [
    ("fr", "pendant 30 ans, l'État turc"),
    ("fr", "en 44 jours. Au cours des trente années d'occupation"),
    ("fr", "1614821"),
    ("fr", "une hausse de 5 % en 2000 exemplaires"),
    ("fr", "le Boeing 737-800 et le COVID-19"),
    ("fr", "appelez le +33 1 42 68 53 00 ou le 06.12.34.56.78"),
    ("fr", "mission Mars et mai"),
    ("en", "in 2000 cases, 1500 people and 12.5 million"),
    ("en", "you may 5 times"),
    ("en", "call 2026 5555 or +1-202-555-0143"),
    ("ru", "более 2000 человек и 5 процентов"),
    ("ru", "тел. 8 (7172) 74-50-73"),
    ("kk", "50-ден астам шетелдік бюросы бар"),
    ("kk", "3 мың адам, 2026 адам"),
    ("tr", "2000'den fazla kişi, yüzde 5"),
    ("tr", "Kasım Bey 5 kişiyle geldi"),
    ("az", "5 sen 12 nəfər"),
    ("ar", "أكثر من 2000 شخص و 5 بالمئة"),
    ("ar", "1445هـ"),
    ("ar", "مارس الرياضة 3 مرات"),
]


@pytest.mark.parametrize(("language", "text"), NOT_DATES)
def test_numbers_that_are_not_dates(language: str, text: str) -> None:
    assert find_dates(text, language, date(2026, 4, 5)) == []


def test_samples_yield_only_true_dates() -> None:
    text = (SAMPLES / "000_245ae993ddb0ab34.txt").read_text(encoding="utf-8")
    values = [m.value for m in find_dates(text, "fr", date(2021, 4, 1))]
    assert values == ["1991", "2021-04-05", "1991", "2019", "2018"]
    text = (SAMPLES / "002_c7634d9488b26884.txt").read_text(encoding="utf-8")
    mentions = find_dates(text, "fr", date(2021, 2, 1))
    assert [(m.text, m.value) for m in mentions] == [
        ("27 février", "2021-02-27"),
        ("27 février", "2021-02-27"),
        ("Hier", "2021-01-31"),
    ]
    text = (SAMPLES / "003_cba27e171e37cdf8.txt").read_text(encoding="utf-8")
    values = [m.value for m in find_dates(text, "kk", date(2025, 12, 14))]
    assert values == ["2025-12-14", "2026", "2024", "2026", "2025", "1996"]


# --- properties -----------------------------------------------------------------------

DATE_PIECES = [
    *"0123456789 .,-/–'’()٠١٢٣٤٥٦٧٨٩",
    *("апреля", "қаңтарда", "fevralın", "شباط", "April", "avril", "Nisan'da"),
    *("жылы", "г.", "-də", "'inde", "-і", "et", "и", "و", "dernier", "hier", "en "),
]
DATE_TEXT = st.lists(st.sampled_from(DATE_PIECES), max_size=25).map("".join)


def check_well_formed(text: str, mentions: list[DateMention]) -> None:
    previous_end = 0
    for mention in mentions:
        assert mention.text == text[mention.start : mention.end]
        assert mention.start >= previous_end
        previous_end = mention.end
        assert ISO_VALUE.match(mention.value), mention
        if mention.precision in ("day", "minute"):
            date.fromisoformat(mention.value[:10])
        if mention.end_value is not None:
            assert ISO_VALUE.match(mention.end_value)
            assert mention.end_value > mention.value


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=200), language=st.sampled_from(LANGUAGES))
def test_arbitrary_text_never_raises(text: str, language: str) -> None:
    check_well_formed(text, find_dates(text, language, date(2026, 1, 8)))


@settings(max_examples=300, deadline=None)
@given(text=DATE_TEXT, language=st.sampled_from(LANGUAGES))
def test_date_like_text_stays_well_formed(text: str, language: str) -> None:
    check_well_formed(text, find_dates(text, language, date(2026, 1, 8)))


@settings(max_examples=200, deadline=None)
@given(
    text=DATE_TEXT,
    language=st.sampled_from(LANGUAGES),
    reference=st.one_of(st.none(), st.just(date(2026, 1, 8))),
)
def test_handed_on_dates_are_the_scan_with_values_where_they_resolve(
    text: str, language: str, reference: date | None
) -> None:
    found = date_mentions(text, language, reference)
    scanned = scan_dates(text, language)
    assert [(m.start, m.end) for m in found] == [(p.start, p.end) for p in scanned]
    assert [(m.written_year, m.written_month, m.written_day) for m in found] == [
        (p.year, p.month, p.day) for p in scanned
    ]
    assert [m for m in found if m.value is not None] == find_dates(text, language, reference)
    assert all((m.value is None) == (m.precision is None) for m in found)


@settings(max_examples=100, deadline=None)
@given(
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    language=st.sampled_from(LANGUAGES),
    width=st.sampled_from(["long", "medium"]),
)
def test_any_cldr_formatted_date_is_read_back(day: date, language: str, width: str) -> None:
    text = format_date(day, width, locale=language)
    assert [m.value for m in find_dates(f"Le {text}.", language, None)] == [day.isoformat()]


# --- generated data -------------------------------------------------------------------


def load_script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_date_data_is_up_to_date(tmp_path: Path) -> None:
    written = load_script("build_date_data").build(tmp_path)
    assert len(written) == len(LANGUAGES)
    for path in written:
        assert filecmp.cmp(path, DATA_DIR / path.name, shallow=False), (
            f"{path.name} is stale: run scripts/build_date_data.py"
        )
