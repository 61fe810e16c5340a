"""Datelines in the styles of real agencies, in the seven languages.

The cases are written here in each agency's convention (TASS, RIA Novosti, Interfax,
Sputnik, AZERTAC, Kazinform, Trend, UNA, QNA, WAM, KUNA, SPA, BNA, Kabar, UzA, APS,
MAP, AMI, AFP, Belga, Anadolu, DHA, Xinhua, and Arabic newspapers' credits); none is
copied from ../shared/realnews. A round-trip property composes datelines from parts
and reads the parts back.
"""

from __future__ import annotations

from datetime import date

import pytest
from babel.dates import format_date
from hypothesis import given, settings
from hypothesis import strategies as st

from ortaq.read.datelines import Dateline, find_dateline

REFERENCE = date(2023, 3, 6)
LANGUAGES = ("kk", "ar", "fr", "tr", "az", "ru", "en")

# language, paragraph, (place, country, agency, date), what the text after it starts with
STYLES: list[tuple[str, str, tuple[str, str | None, str | None, str | None], str]] = [
    # TASS, RIA Novosti, Interfax, Sputnik, AZERTAC, Kazinform, Trend in Russian
    (
        "ru",
        "МОСКВА, 5 марта. /ТАСС/. Министр провел переговоры",
        ("МОСКВА", "RU", "ТАСС", "2023-03-05"),
        "Министр",
    ),
    (
        "ru",
        "МОСКВА, 12 сен — РИА Новости. Глава МИД заявил",
        ("МОСКВА", "RU", "РИА Новости", "2022-09-12"),
        "Глава",
    ),
    (
        "ru",
        "БИШКЕК, 3 окт – РИА Новости, Анна Петрова. Президент подписал",
        ("БИШКЕК", "KG", "РИА Новости", "2022-10-03"),
        "Президент",
    ),
    (
        "ru",
        "Москва. 5 марта. INTERFAX.RU - Правительство утвердило",
        ("Москва", "RU", "INTERFAX.RU", "2023-03-05"),
        "Правительство",
    ),
    (
        "ru",
        "БАКУ, 5 мар — Sputnik. Президент принял",
        ("БАКУ", "AZ", "Sputnik", "2023-03-05"),
        "Президент",
    ),
    (
        "ru",
        "Баку, 5 марта, АЗЕРТАДЖ. Председатель правления",
        ("Баку", "AZ", "АЗЕРТАДЖ", "2023-03-05"),
        "Председатель",
    ),
    (
        "ru",
        "АСТАНА, 5 марта. КАЗИНФОРМ - Глава государства",
        ("АСТАНА", "KZ", "КАЗИНФОРМ", "2023-03-05"),
        "Глава",
    ),
    (
        "ru",
        "Баку. Trend: Азербайджан и Турция подписали",
        ("Баку", "AZ", "Trend", None),
        "Азербайджан",
    ),
    ("ru", "Ташкент, пресс-служба агентства «УзА»", ("Ташкент", "UZ", "УзА", None), ""),
    # UNA, QNA, WAM, KUNA, Anadolu and newspapers in Arabic
    ("ar", "جدة (يونا) - وقع اتحاد وكالات الأنباء", ("جدة", "SA", "يونا", None), "وقع"),
    (
        "ar",
        "الرياض 15 مارس 2023 (يونا) - استقبل رئيس",
        ("الرياض", "SA", "يونا", "2023-03-15"),
        "استقبل",
    ),
    (
        "ar",
        "جدة ١٥-٣-٢٠٢٣ (يونا) – عقد المكتب التنفيذي",
        ("جدة", "SA", "يونا", "2023-03-15"),
        "عقد",
    ),
    (
        "ar",
        "الدوحة في 05 مارس /قنا/ استقبل سعادة وزير",
        ("الدوحة", "QA", "قنا", "2023-03-05"),
        "استقبل",
    ),
    ("ar", "أبوظبي في 5 مارس / وام / أكد سمو الشيخ", ("أبوظبي", "AE", "وام", "2023-03-05"), "أكد"),
    (
        "ar",
        "الكويت - 5 - 3 (كونا) -- قال وزير الإعلام",
        ("الكويت", "KW", "كونا", "2023-03-05"),
        "قال",
    ),
    ("ar", "مدريد ـ رويترز ـ قال نادي الكرة", ("مدريد", "ES", "رويترز", None), "قال"),
    ("ar", "أنقرة/ الأناضول", ("أنقرة", "TR", "الأناضول", None), ""),
    (
        "ar",
        "الرباط - وقعت وكالة المغرب العربي للأنباء اتفاقية شراكة جديدة مع وكالة موريتانية.",
        ("الرباط", "MA", None, None),
        "وقعت",
    ),
    # QNA, WAM, APS, SPA, BNA, Kabar, UzA, Trend, Kazinform, KUNA in English
    (
        "en",
        "Doha, March 05 (QNA) - HE Minister of State received",
        ("Doha", "QA", "QNA", "2023-03-05"),
        "HE",
    ),
    (
        "en",
        "ABU DHABI, 5th March, 2023 (WAM) -- His Highness Sheikh",
        ("ABU DHABI", "AE", "WAM", "2023-03-05"),
        "His",
    ),
    (
        "en",
        "RAS AL KHAIMAH, 4th March, 2023 (WAM) -- The Ruler",
        ("RAS AL KHAIMAH", None, "WAM", "2023-03-04"),
        "The",
    ),
    (
        "en",
        "Ras al-Khaimah, March 4 (WAM) - The Ruler",
        ("Ras al-Khaimah", None, "WAM", "2023-03-04"),
        "The",
    ),
    ("en", "ALGIERS- The Minister of Communication received", ("ALGIERS", "DZ", None, None), "The"),
    (
        "en",
        "Riyadh, March 05, 2023, SPA -- The Saudi Press Agency",
        ("Riyadh", "SA", "SPA", "2023-03-05"),
        "The",
    ),
    (
        "en",
        "Manama, March 5 (BNA): The Information Affairs Minister",
        ("Manama", "BH", "BNA", "2023-03-05"),
        "The",
    ),
    (
        "en",
        "Bishkek, March 5 /Kabar/. The Kyrgyz delegation",
        ("Bishkek", "KG", "Kabar", "2023-03-05"),
        "The",
    ),
    (
        "en",
        "Tashkent, 5 March (UzA). The President of Uzbekistan",
        ("Tashkent", "UZ", "UzA", "2023-03-05"),
        "The",
    ),
    (
        "en",
        "BAKU, Azerbaijan, March 5. Azerbaijani President",
        ("BAKU", "AZ", None, "2023-03-05"),
        "Azerbaijani",
    ),
    (
        "en",
        "ASTANA. KAZINFORM - Head of State Kassym-Jomart Tokayev",
        ("ASTANA", "KZ", "KAZINFORM", None),
        "Head",
    ),
    (
        "en",
        "ANKARA/BAKU (AA) - Turkish and Azerbaijani agencies",
        ("ANKARA/BAKU", "TR", "AA", None),
        "Turkish",
    ),
    (
        "en",
        "Moscow / Astana, March 5 (TASS) - The two agencies",
        ("Moscow / Astana", "RU", "TASS", "2023-03-05"),
        "The",
    ),
    (
        "en",
        "by John Smith ASTANA, March 5 (Kazinform) - The forum",
        ("ASTANA", "KZ", "Kazinform", "2023-03-05"),
        "The",
    ),
    ("en", "Fairbury, March 5 (Kabar) - The", ("Fairbury", None, "Kabar", "2023-03-05"), "The"),
    # APS, MAP, AMI, AFP, Belga, AZERTAC in French
    ("fr", "ALGER - Le ministre de la Communication a reçu", ("ALGER", "DZ", None, None), "Le"),
    ("fr", "Rabat, 05/03/2023 (MAP) - Le ministre", ("Rabat", "MA", "MAP", "2023-03-05"), "Le"),
    (
        "fr",
        "Rabat - Le directeur général de la MAP a reçu jeudi une délégation mauritanienne.",
        ("Rabat", "MA", None, None),
        "Le",
    ),
    ("fr", "Bakou, 5 mars, AZERTAC", ("Bakou", "AZ", "AZERTAC", "2023-03-05"), ""),
    ("fr", "Alger, 5 mars 2023 (APS) - Le ministre", ("Alger", "DZ", "APS", "2023-03-05"), "Le"),
    (
        "fr",
        "Nouakchott, 5 mars (AMI) – Le ministre",
        ("Nouakchott", "MR", "AMI", "2023-03-05"),
        "Le",
    ),
    (
        "fr",
        "BRUXELLES 05/03 (BELGA) Le gouvernement",
        ("BRUXELLES", "BE", "BELGA", "2023-03-05"),
        "Le",
    ),
    ("fr", "Djibouti, Djibouti (UNA) – Le ministre", ("Djibouti", "DJ", "UNA", None), "Le"),
    # Anadolu, DHA, Xinhua, Sputnik in Turkish
    ("tr", "ANKARA (AA) - Dışişleri Bakanı", ("ANKARA", "TR", "AA", None), "Dışişleri"),
    ("tr", "Bakü, 5 Mart (AA) - Azerbaycan", ("Bakü", "AZ", "AA", "2023-03-05"), "Azerbaycan"),
    ("tr", "İSTANBUL, (DHA) - Türkiye", ("İSTANBUL", "TR", "DHA", None), "Türkiye"),
    ("tr", "PEKİN, 5 Mart (Xinhua) -- Çin", ("PEKİN", "CN", "Xinhua", "2023-03-05"), "Çin"),
    # AZERTAC and Trend in Azerbaijani
    ("az", "Bakı, 5 mart, AZƏRTAC", ("Bakı", "AZ", "AZƏRTAC", "2023-03-05"), ""),
    ("az", "Bakı. Trend: Azərbaycan", ("Bakı", "AZ", "Trend", None), "Azərbaycan"),
    (
        "az",
        "Gəncə, 4 mart, AZƏRTAC Azərbaycan Respublikasının",
        ("Gəncə", "AZ", "AZƏRTAC", "2023-03-04"),
        "Azərbaycan",
    ),
    # Kazinform in Kazakh
    ("kk", "АСТАНА. KAZINFORM – Мемлекет басшысы", ("АСТАНА", "KZ", "KAZINFORM", None), "Мемлекет"),
    (
        "kk",
        "Астана. ҚазАқпарат - Мемлекет басшысы",
        ("Астана", "KZ", "ҚазАқпарат", None),
        "Мемлекет",
    ),
    (
        "kk",
        "АЛМАТЫ, 5 наурыз. ҚазАқпарат - Мемлекет басшысы",
        ("АЛМАТЫ", "KZ", "ҚазАқпарат", "2023-03-05"),
        "Мемлекет",
    ),
    (
        "kk",
        "Астана, 5 наурыз – Kazinform. Мемлекет басшысы",
        ("Астана", "KZ", "Kazinform", "2023-03-05"),
        "Мемлекет",
    ),
]


@pytest.mark.parametrize(("language", "paragraph", "expected", "rest"), STYLES)
def test_agency_styles(
    language: str,
    paragraph: str,
    expected: tuple[str, str | None, str | None, str | None],
    rest: str,
) -> None:
    dateline = find_dateline([paragraph], language, REFERENCE)
    assert dateline is not None, paragraph
    assert (dateline.place, dateline.country, dateline.agency, dateline.date) == expected
    assert dateline.rest.startswith(rest)
    assert paragraph[dateline.end :] == dateline.rest


def test_styles_cover_every_language() -> None:
    assert {case[0] for case in STYLES} == set(LANGUAGES)


def test_byline_and_correspondent_are_kept_apart() -> None:
    wam = find_dateline(["by John Smith ASTANA, March 5 (Kazinform) - The"], "en", REFERENCE)
    ria = find_dateline(["БИШКЕК, 3 окт – РИА Новости, Анна Петрова. Текст"], "ru", REFERENCE)
    assert wam is not None and wam.byline == "John Smith" and wam.start == len("by John Smith ")
    assert ria is not None and ria.byline == "Анна Петрова"


def test_slashed_places_are_each_kept() -> None:
    dateline = find_dateline(["ANKARA/BAKU (AA) - The agencies"], "en", None)
    assert dateline is not None and dateline.places == ("ANKARA", "BAKU")


def test_date_needs_a_year_source() -> None:
    """ISO only when day, month and year are known; the written day and month stay."""
    dateline = find_dateline(["Bakou, 5 mars, AZERTAC"], "fr", None)
    assert dateline is not None and dateline.date is None
    assert dateline.written is not None
    assert (dateline.written.day, dateline.written.month) == (5, 3)
    dated = find_dateline(["Alger, 5 mars 2023 (APS) - Le"], "fr", None)
    assert dated is not None and dated.date == "2023-03-05"


def test_year_nearest_the_reference() -> None:
    """A January item with a "December 30" dateline was written last December."""
    dateline = find_dateline(["BAKU, December 30, AZERTAC"], "en", date(2024, 1, 2))
    assert dateline is not None and dateline.date == "2023-12-30"


NOT_DATELINES = [
    ("en", "Kazakhstan and Turkey signed a memorandum on media cooperation"),
    ("en", "On March 5, the two agencies signed a memorandum"),
    ("en", "Anadolu Agency (AA) Director-General Serdar Karagoz visited"),
    ("en", "The Emirates News Agency (WAM) has signed a memorandum"),
    ("en", "Azerbaijan – Turkey media platform launched"),
    ("en", "Moscow – Beijing talks on media"),
    ("en", "By Emre Gurkan Abay"),  # a byline alone
    ("en", "News.Az"),  # a source tag at the end
    ("en", "(TASS)"),
    ("en", "KAZINFORM reports that the forum opened in Astana"),
    ("en", "AZERTAC, Anadolu Agency discuss cooperation"),
    ("en", "President Ilham Aliyev: Azerbaijan is ready"),
    ("en", "Media: APS, IRNA Agree on news cooperation"),
    ("ru", "ЦА — КНР: стратегическое партнерство"),
    ("ru", "Москва и Анкара договорились о сотрудничестве"),
    ("ru", "РИА Новости и SABA заключили соглашение"),
    ("fr", "Alger et Nouakchott renforcent leur coopération"),
    ("fr", "SENEGAL-MONDE-DIPLOMATIE-MEDIAS / OCI : le directeur général reçu"),
    ("tr", "Stok, 17 Ekim'de Sangria Live'da"),
    ("tr", "Cumhurbaşkanı Erdoğan: Türk devletleri yakın iş birliği içinde"),
    ("ar", "وقعت وكالة الأنباء الجزائرية على مذكرة تفاهم"),
    ("az", "Azərbaycan və Qazaxıstan arasında əməkdaşlıq genişlənir"),
    ("kk", "Бұл — 8 наурыз — Халықаралық әйелдер күні"),
    ("kk", "Қазақстан мен Қытай ақпарат саласындағы ынтымақтастықты күшейтпек"),
]


@pytest.mark.parametrize(("language", "paragraph"), NOT_DATELINES)
def test_not_datelines(language: str, paragraph: str) -> None:
    assert find_dateline([paragraph], language, REFERENCE) is None


# --- round trip: compose a dateline from parts, read the parts back -----------------------

PLACES = {
    "en": ["BAKU", "Astana", "ST. PETERSBURG", "Ras al-Khaimah", "KUNMING", "Fairbury"],
    "fr": ["Bakou", "ALGER", "Nouakchott", "Saint-Pétersbourg", "Djeddah"],
    "ru": ["МОСКВА", "Баку", "Нур-Султан", "Санкт-Петербург"],
    "kk": ["АСТАНА", "Алматы", "Шымкент"],
    "tr": ["ANKARA", "Bakü", "İSTANBUL", "KUNMİNG"],
    "az": ["Bakı", "Gəncə", "ANKARA"],
    "ar": ["جدة", "الدوحة", "أبوظبي", "الرباط"],
}
AGENCIES = ["AZERTAC", "TASS", "WAM", "Kazinform", "UNA", "KUNA"]
# how each convention writes place, date and agency
SHAPES = [
    "{place}, {date}. /{agency}/. {text}",
    "{place}, {date} – {agency}. {text}",
    "{place}, {date}, {agency}. {text}",
    "{place}, {date} ({agency}) -- {text}",
    "{place} {date} ({agency}) – {text}",
    "{place} ({agency}) - {text}",
    "{place}. {agency} — {text}",
]
CLDR_PATTERN = {"en": "MMMM d"}  # the others write the day first: "5 марта", "5 mars"
TEXTS = {
    "en": "The agencies signed a memorandum.",
    "fr": "Les agences ont signé un mémorandum.",
    "ru": "Агентства подписали меморандум.",
    "kk": "Агенттіктер меморандумға қол қойды.",
    "tr": "Ajanslar bir mutabakat imzaladı.",
    "az": "Agentliklər memorandum imzaladı.",
    "ar": "وقعت الوكالتان مذكرة تفاهم.",
}


@st.composite
def composed(draw: st.DrawFn) -> tuple[str, str, str, str, date | None, str]:
    language = draw(st.sampled_from(LANGUAGES))
    place = draw(st.sampled_from(PLACES[language]))
    agency = draw(st.sampled_from(AGENCIES))
    shape = draw(st.sampled_from(SHAPES))
    day = draw(st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)))
    written = format_date(day, CLDR_PATTERN.get(language, "d MMMM"), locale=language)
    text = TEXTS[language]
    paragraph = shape.format(place=place, date=written, agency=agency, text=text)
    return language, paragraph, place, agency, (day if "{date}" in shape else None), text


@settings(max_examples=300, deadline=None)
@given(case=composed())
def test_composed_datelines_read_back(case: tuple[str, str, str, str, date | None, str]) -> None:
    language, paragraph, place, agency, day, text = case
    reference = day or REFERENCE
    dateline = find_dateline([paragraph], language, reference)
    assert dateline is not None, paragraph
    assert (dateline.place, dateline.agency, dateline.rest) == (place, agency, text)
    if day is not None:
        assert dateline.date == day.isoformat()
    check_offsets([paragraph], dateline)


PIECES = [
    *("ANKARA", "Bakou", "АСТАНА", "جدة", "ST. PETERSBURG", "by Ann Lee ", "Kazan", "ABU DHABI"),
    *(" (AA) ", " (يونا) ", " /ТАСС/.", ", AZERTAC", ". KAZINFORM", " – РИА Новости.", "/BAKU"),
    *(", ", ". ", " - ", " -- ", " — ", "، ", " ـ ", ": ", "(", ")", "/", "«", "»"),
    *("27 février", "5 апреля", "24-11-2021", "٢٤-١١-٢٠٢١", "5 - 4", "March 21st, 2019"),
    *("Le texte", "Мәтін", "the text", "وقع", "UrduPoint / WAM - 21st Dec, 2021"),
]


@settings(max_examples=500, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(PIECES), max_size=9),
    language=st.sampled_from(LANGUAGES),
    reference=st.none() | st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)),
)
def test_dateline_shaped_text_never_breaks_offsets(
    pieces: list[str], language: str, reference: date | None
) -> None:
    paragraphs = ["".join(pieces), "".join(reversed(pieces))]
    dateline = find_dateline(paragraphs, language, reference)
    if dateline is not None:
        check_offsets(paragraphs, dateline)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=200), language=st.sampled_from(LANGUAGES))
def test_any_text_never_raises(text: str, language: str) -> None:
    dateline = find_dateline([text], language, REFERENCE)
    if dateline is not None:
        check_offsets([text], dateline)


def check_offsets(paragraphs: list[str], dateline: Dateline) -> None:
    paragraph = paragraphs[dateline.paragraph]
    assert 0 <= dateline.start <= dateline.end <= len(paragraph)
    assert paragraph[dateline.start :].startswith(dateline.place)
    assert paragraph[dateline.end :] == dateline.rest
    if dateline.agency is not None:
        assert dateline.agency in paragraph[: dateline.end]
    if dateline.date is not None:
        assert date.fromisoformat(dateline.date)
        assert dateline.written is not None and dateline.written.day is not None
