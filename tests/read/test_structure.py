"""Headline / summary / body / credits, boilerplate out, nothing lost."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from babel.dates import format_datetime
from hypothesis import given, settings
from hypothesis import strategies as st

from ortaq.formats.plaintext import PlainText
from ortaq.model import Hints, Item
from ortaq.read.structure import (
    BOILERPLATE,
    DATA,
    DATELINE,
    DUPLICATE,
    NO_TEXT,
    READ_ALSO,
    REPEATED_HEADLINE,
    SCRAPER_HEADER,
    STRAY_ID,
    TRAILING_SHORT_LINE,
    Credit,
    Structure,
    structure,
)

LANGUAGES = ("kk", "ar", "fr", "tr", "az", "ru", "en")
# The dateline as ortaq.read.datelines finds it; the stage passes it to structure().
STAGE_DATELINES = {"002": "Bakou, 27 février, AZERTAC", "003": "АСТАНА. KAZINFORM —"}
SAMPLES = ("000", "001", "002", "003", "004")


def parse_sample(shared: Path, number: str) -> tuple[Item, Path]:
    path = next((shared / "samples").glob(f"{number}_*.txt"))
    item = PlainText().parse(path.read_bytes(), Hints(source_name=path.name))[0]
    assert isinstance(item, Item)
    return item, path


def read_sample(
    shared: Path, number: str, dateline: str | None
) -> tuple[Structure, dict[str, Any]]:
    item, path = parse_sample(shared, number)
    gold = json.loads((path.parent / "gold" / f"{path.stem}.json").read_text(encoding="utf-8"))
    reading: dict[str, Any] = gold["reading"]
    return structure(item.headline, item.body, reading["language"], dateline=dateline), reading


def assert_nothing_lost(headline: str | None, paragraphs: list[str], result: Structure) -> None:
    """Every non-space character in is somewhere out: fields, credits or `removed`."""
    given_chars = Counter("".join((headline or "") + "".join(paragraphs)).replace(" ", ""))
    outputs = [result.summary or "", *result.body]
    outputs += [c.text for c in result.credits] + [text for text, _ in result.removed]
    if result.headline and not result.headline_derived:
        outputs.append(result.headline)
    out_chars = Counter("".join(outputs).replace(" ", ""))
    for chars in (given_chars, out_chars):
        for space in [c for c in chars if c.isspace()]:
            del chars[space]
    assert given_chars == out_chars


# --- the five gold articles -------------------------------------------------------------


@pytest.mark.parametrize("number", SAMPLES)
def test_gold_reading(shared: Path, number: str) -> None:
    result, gold = read_sample(shared, number, STAGE_DATELINES.get(number))
    assert result.headline == gold["headline"]
    assert not result.headline_derived
    if "summary_starts_with" in gold:
        assert result.summary is not None
        assert result.summary.startswith(gold["summary_starts_with"])
    else:
        assert result.summary is None
    assert result.body[0].startswith(gold["body_starts_with"])
    assert result.body[-1].endswith(gold["body_ends_with"])
    for text in gold["not_in_body"]:
        assert all(text not in paragraph for paragraph in result.body), text
        assert text not in (result.summary or "") and text not in (result.headline or "")
    assert result.photo_credit == gold.get("photo_credit")


def test_000_lead_stray_id_repeated_headline_and_related_tail(shared: Path) -> None:
    result, _ = read_sample(shared, "000", None)
    assert result.removed == [
        ("1614821", STRAY_ID),
        (result.headline, REPEATED_HEADLINE),
        ("SUR LE MEME SUJET", READ_ALSO),
    ]
    # the lead also appears later in the body, where the article repeats it: kept there
    assert sum(p == result.summary for p in result.body) == 1
    assert len(result.body) == 21


def test_001_read_also_tail_takes_the_site_name_with_it(shared: Path) -> None:
    result, _ = read_sample(shared, "001", None)
    assert [reason for _, reason in result.removed] == [READ_ALSO, READ_ALSO]
    assert result.removed[0][0].startswith("اقرأ أيضاً..هاكرز تركي")
    assert result.removed[1][0] == "أوجه الحقيقة"
    assert len(result.body) == 10


def test_002_dateline_as_headline_candidate_means_no_headline(shared: Path) -> None:
    result, _ = read_sample(shared, "002", STAGE_DATELINES["002"])
    assert result.headline is None
    assert result.removed == [("Bakou, 27 février, AZERTAC", DATELINE)]


def test_002_without_the_stage_dateline_the_candidate_stays(shared: Path) -> None:
    """structure() does not detect datelines itself: the stage must pass it."""
    result, _ = read_sample(shared, "002", None)
    assert result.headline == "Bakou, 27 février, AZERTAC"


def test_003_dateline_cut_from_the_lead_and_bullets_joined(shared: Path) -> None:
    result, _ = read_sample(shared, "003", STAGE_DATELINES["003"])
    assert result.removed == [("АСТАНА. KAZINFORM —", DATELINE)]
    assert result.body[0].startswith("Қатар астанасы Доха қаласында")
    assert "- Jibek Joly республикалық телеарнасы мен радиосы," in result.body
    assert "-" not in result.body
    # 'Сондай-ақ' opens an ordinary sentence: not a 'read also' marker
    assert any(p.startswith("Сондай-ақ Al Jazeera") for p in result.body)


def test_003_without_the_stage_dateline_the_lead_keeps_it(shared: Path) -> None:
    result, _ = read_sample(shared, "003", None)
    assert result.body[0].startswith("АСТАНА. KAZINFORM — Қатар астанасы")


def test_004_photo_credit(shared: Path) -> None:
    result, _ = read_sample(shared, "004", None)
    assert result.credits == [Credit("photo", "gov.kz", "Сурет: gov.kz")]
    assert result.removed == []


@pytest.mark.parametrize("number", SAMPLES)
def test_gold_articles_lose_nothing(shared: Path, number: str) -> None:
    item, _ = parse_sample(shared, number)
    result = structure(item.headline, item.body, None, dateline=STAGE_DATELINES.get(number))
    assert_nothing_lost(item.headline, item.body, result)


# --- every language ---------------------------------------------------------------------

BODY = {
    "kk": ["Астанада кездесу өтті.", "Тараптар ынтымақтастықты талқылады.", "Келісім жасалды."],
    "ar": ["عقد الاجتماع في الدوحة.", "ناقش الطرفان التعاون الإعلامي.", "تم توقيع الاتفاق."],
    "fr": ["La réunion a eu lieu à Bakou.", "Les parties ont discuté.", "Un accord a été signé."],
    "tr": ["Toplantı Ankara'da yapıldı.", "Taraflar işbirliğini görüştü.", "Anlaşma imzalandı."],
    "az": ["Görüş Bakıda keçirilib.", "Tərəflər əməkdaşlığı müzakirə edib.", "Saziş imzalanıb."],
    "ru": ["Встреча прошла в Москве.", "Стороны обсудили сотрудничество.", "Соглашение подписано."],
    "en": ["The meeting took place in Doha.", "The sides discussed media.", "A deal was signed."],
}
HEADLINE = {
    "kk": "Агенттіктер ынтымақтастығы",
    "ar": "تعاون بين الوكالات",
    "fr": "Coopération entre agences",
    "tr": "Ajanslar arasında işbirliği",
    "az": "Agentliklər arasında əməkdaşlıq",
    "ru": "Сотрудничество агентств",
    "en": "Agencies cooperate",
}
# (credit line, expected credit value, read-also line, related headline)
FURNITURE = {
    "kk": ("Фото: Kazinform", "Kazinform", "Оқи отырыңыз: Тағы бір жаңалық", "Басқа тақырып"),
    "ar": ("الصورة: الأناضول", "الأناضول", "إقرأ أيضاً: خبر آخر", "عنوان آخر"),
    "fr": ("Photo : AFP", "AFP", "À lire aussi : Autre titre", "Encore un titre"),
    "tr": ("Fotoğraf: AA", "AA", "İlgili haberler", "Başka bir başlık"),
    "az": ("Foto: AZERTAC", "AZERTAC", "Həmçinin oxuyun: Başqa xəbər", "Digər başlıq"),
    "ru": ("Фото: ТАСС", "ТАСС", "Читайте также: Другая новость", "Еще заголовок"),
    "en": ("Photo: Reuters", "Reuters", "Read also: Another story", "One more headline"),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_credit_and_read_also_tail_in_every_language(language: str) -> None:
    credit_line, credit_value, read_also, related = FURNITURE[language]
    paragraphs = [credit_line, *BODY[language], read_also, related]
    result = structure(HEADLINE[language], paragraphs, language)
    assert result.headline == HEADLINE[language]
    assert result.body == BODY[language]
    assert result.credits[0].value == credit_value
    assert result.credits[0].kind == "photo"
    assert result.removed == [(read_also, READ_ALSO), (related, READ_ALSO)]
    assert_nothing_lost(HEADLINE[language], paragraphs, result)


@pytest.mark.parametrize("language", LANGUAGES)
def test_inline_read_also_drops_only_that_paragraph(language: str) -> None:
    _, _, read_also, _ = FURNITURE[language]
    body = BODY[language] * 3
    paragraphs = [*body[:2], read_also, *body[2:]]
    result = structure(HEADLINE[language], paragraphs, language)
    assert result.body == body[:2] + body[2:]
    assert result.removed == [(read_also, READ_ALSO)]


def test_marker_alone_on_its_line_takes_the_related_headline_after_it() -> None:
    body = BODY["ru"] * 3
    paragraphs = [*body[:2], "Читайте также:", "Другая новость без точки", *body[2:]]
    result = structure(HEADLINE["ru"], paragraphs, "ru")
    assert result.body == body
    assert [r for _, r in result.removed] == [READ_ALSO, READ_ALSO]


def test_read_also_near_the_end_followed_by_prose_drops_only_the_marker() -> None:
    prose = (
        "Erdoğan'ın ekranlara çıkmamasını esprili bir şekilde ele alan internet sitesindeki "
        "sayaç, Cumhurbaşkanının son görünmesinden bu yana geçen süreyi gösteriyordu."
    )
    marker = "İlgili Haber Erdoğan: Herkes egolarını bir kenara bırakmalı"
    result = structure(HEADLINE["tr"], [BODY["tr"][0], marker, prose], "tr")
    assert result.body == [BODY["tr"][0], prose]
    assert result.removed == [(marker, READ_ALSO)]


def test_the_last_item_of_a_list_of_short_lines_is_kept() -> None:
    prices = ["Hamsi: 10 TL", "İstavrit: 8 TL", "Mezgit: 15 TL"]
    result = structure(HEADLINE["tr"], [*BODY["tr"], *prices], "tr")
    assert result.body == [*BODY["tr"], *prices]


def test_agency_sign_off_after_the_last_sentence_is_removed() -> None:
    result = structure(HEADLINE["tr"], [*BODY["tr"], "Ahmet İNCEL / DHA"], "tr")
    assert result.body == BODY["tr"]
    assert result.removed == [("Ahmet İNCEL / DHA", TRAILING_SHORT_LINE)]


@pytest.mark.parametrize(
    ("language", "line", "kind", "value"),
    [
        ("kk", "Сурет: gov.kz", "photo", "gov.kz"),
        ("kk", "Бейне: Kazinform", "video", "Kazinform"),
        ("ru", "Фото из открытых источников", "photo", "Фото из открытых источников"),
        ("ru", "Видео: пресс-служба Акорды", "video", "пресс-служба Акорды"),
        ("fr", "Vidéo : AZERTAC", "video", "AZERTAC"),
        ("tr", "Video: AA", "video", "AA"),
        ("az", "Şəkil: APA", "photo", "APA"),
        ("ar", "صورة: وكالة الأنباء", "photo", "وكالة الأنباء"),
        ("ar", "فيديو: الجزيرة", "video", "الجزيرة"),
        ("en", "© Anadolu Agency", "copyright", "Anadolu Agency"),
        ("en", "PHOTO: AP", "photo", "AP"),
    ],
)
def test_credit_kinds(language: str, line: str, kind: str, value: str) -> None:
    result = structure(HEADLINE[language], [*BODY[language][:1], line], language)
    assert result.credits == [Credit(kind, value, line)]
    assert result.body == BODY[language][:1]


def test_a_long_paragraph_starting_with_photo_is_body() -> None:
    paragraph = "Photo: the agency published " + "a long caption with many words " * 3 + "."
    result = structure(HEADLINE["en"], [paragraph], "en")
    assert result.body == [paragraph] and result.credits == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_trailing_site_name_is_dropped(language: str) -> None:
    result = structure(HEADLINE[language], [*BODY[language], "Ortaq News"], language)
    assert result.body == BODY[language]
    assert result.removed == [("Ortaq News", TRAILING_SHORT_LINE)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_boilerplate_lines_and_no_text_lines(language: str) -> None:
    furniture = {"kk": "Бөлісу", "ar": "شارك", "fr": "Partager", "tr": "Paylaş", "az": "Paylaş"}
    line = furniture.get(language, {"ru": "Поделиться", "en": "Share"}.get(language, ""))
    paragraphs = [BODY[language][0], line, "***", *BODY[language][1:]]
    result = structure(HEADLINE[language], paragraphs, language)
    assert result.body == BODY[language]
    assert result.removed == [(line, BOILERPLATE), ("***", NO_TEXT)]


# --- headline decisions -----------------------------------------------------------------


def test_missing_headline_stays_missing_unless_derived() -> None:
    body = ["Aida Balayeva a accordé un entretien à l'Agence Anadolu. Elle a parlé des médias."]
    assert structure(None, body, "fr").headline is None
    derived = structure(None, body, "fr", derive_headline=True)
    assert derived.headline == "Aida Balayeva a accordé un entretien à l'Agence Anadolu."
    assert derived.headline_derived
    assert derived.body == body


def test_derived_headline_is_cut_to_twenty_words() -> None:
    sentence = " ".join(f"сөз{i}" for i in range(30)) + "."
    derived = structure(None, [sentence], "kk", derive_headline=True)
    assert derived.headline is not None and derived.headline.endswith("сөз19…")


def test_a_body_sentence_is_not_a_headline() -> None:
    candidate = (
        "Ce sujet a fait l'objet de discussions lors d'une rencontre tenue le 27 février entre "
        "Aslan Aslanov, président du Conseil d'administration de l'AZERTAC, et Faisal Khalifa "
        "Al-Sawagh, président de l'Union. Il a été évoqué que la coopération progresse."
    )
    result = structure(candidate, BODY["fr"], "fr")
    assert result.headline is None
    assert result.body == [candidate, *BODY["fr"]]


def test_stray_id_as_headline_candidate_promotes_the_next_line() -> None:
    result = structure("1614821", [HEADLINE["tr"], *BODY["tr"]], "tr")
    assert result.headline == HEADLINE["tr"]
    assert result.body == BODY["tr"]
    assert result.removed == [("1614821", STRAY_ID)]


def test_scraper_header_left_on_the_headline_is_cut() -> None:
    result = structure(" date 2025-12-14 " + HEADLINE["kk"], BODY["kk"], "kk")
    assert result.headline == HEADLINE["kk"]
    assert result.removed == [("date 2025-12-14", SCRAPER_HEADER)]


def test_dateline_is_only_cut_at_a_word_boundary() -> None:
    result = structure(
        HEADLINE["fr"], ["Bakou, le 5 mars. La réunion a eu lieu."], "fr", dateline="Bak"
    )
    assert result.body == ["Bakou, le 5 mars. La réunion a eu lieu."]


# --- summary ----------------------------------------------------------------------------


def test_first_paragraph_repeated_later_is_the_summary() -> None:
    lead = "Стороны договорились расширить обмен новостями между агентствами двух стран."
    paragraphs = [lead, *BODY["ru"], lead, "Конец встречи."]
    result = structure(HEADLINE["ru"], paragraphs, "ru")
    assert result.summary == lead
    assert result.body == [*BODY["ru"], lead, "Конец встречи."]


def test_truncated_teaser_of_a_later_paragraph_is_the_summary() -> None:
    full = "The agencies agreed to exchange news and photos every day from next month onwards."
    teaser = "The agencies agreed to exchange news and photos every day…"
    result = structure(HEADLINE["en"], [teaser, *BODY["en"], full], "en")
    assert result.summary == teaser
    assert result.body == [*BODY["en"], full]


def test_without_a_repetition_there_is_no_summary() -> None:
    assert structure(HEADLINE["az"], BODY["az"], "az").summary is None


def test_adjacent_duplicate_paragraph_is_dropped() -> None:
    paragraphs = [BODY["ar"][0], BODY["ar"][0], *BODY["ar"][1:]]
    result = structure(HEADLINE["ar"], paragraphs, "ar")
    assert result.body == BODY["ar"]
    assert result.removed == [(BODY["ar"][0], DUPLICATE)]


# --- data -------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_marker_data_for_every_language(language: str) -> None:
    data = json.loads((DATA / f"{language}.json").read_text(encoding="utf-8"))
    assert "CLDR" in data["comment"]
    assert data["read_also_prefix"] and data["read_also_line"]
    assert data["credit_prefixes"]["photo"] and data["credit_prefixes"]["video"]


# --- properties -------------------------------------------------------------------------

FRAGMENTS = [
    "1614821",
    "-",
    "•",
    "***",
    "Сурет: gov.kz",
    "Photo : AFP",
    "SUR LE MEME SUJET",
    "اقرأ أيضاً..هاكرز تركي",
    "أوجه الحقيقة",
    "Читайте также:",
    "Share",
    " date 2021-02 ",
    "АСТАНА. KAZINFORM — Қатар астанасы.",
    "Bakou, 27 février, AZERTAC",
    *[p for body in BODY.values() for p in body],
    *HEADLINE.values(),
]
PARAGRAPH = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40))


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.none(), PARAGRAPH),
    st.lists(PARAGRAPH, max_size=12),
    st.sampled_from((*LANGUAGES, None)),
    st.one_of(st.none(), st.sampled_from(["Bakou, 27 février, AZERTAC", "АСТАНА. KAZINFORM —"])),
    st.booleans(),
)
def test_nothing_is_lost_and_output_is_well_formed(
    headline: str | None,
    paragraphs: list[str],
    language: str | None,
    dateline: str | None,
    derive: bool,
) -> None:
    result = structure(headline, paragraphs, language, dateline=dateline, derive_headline=derive)
    assert_nothing_lost(headline, paragraphs, result)
    assert all(p and p == p.strip() for p in result.body)
    assert result.headline is None or result.headline.strip() == result.headline != ""
    assert result.headline_derived <= (result.headline is not None)
    assert all(reason for _, reason in result.removed)


# --- date banners ----------------------------------------------------------------------

BANNERS = [
    ("az", "09:20 - Bu gün"),
    ("ru", "Сегодня, 14 декабря 2025"),
    ("en", "Monday, 5 April 2026"),
    ("en", "Updated: 14.12.2025 10:05"),
    ("fr", "Jeudi 5 mars 2026 - 10h30"),
    ("ar", "اليوم الأحد 5 أبريل 2026"),
    ("kk", "Бүгін, 14:05"),
    ("tr", "Bugün 10:15"),
]
LEAD = "The two agencies signed a memorandum on the exchange of news, photographs and video."


@pytest.mark.parametrize(("language", "banner"), BANNERS)
def test_a_date_banner_is_furniture(language: str, banner: str) -> None:
    """A site's banner says when the page was saved: out of the text, with its reason."""
    parts = structure("Agencies sign a memorandum", [banner, LEAD], language)
    assert parts.body == [LEAD]
    assert (banner, "date-banner") in parts.removed


@pytest.mark.parametrize(
    "line",
    ["Bakou, 27 février", "Mezgit: 15 TL", "Today the agencies signed a memorandum"],
)
def test_lines_with_words_besides_dates_are_not_banners(line: str) -> None:
    parts = structure("Agencies sign a memorandum", [line, LEAD], "en")
    assert line in parts.body


@settings(max_examples=60, deadline=None)
@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
    language=st.sampled_from(LANGUAGES),
    pattern=st.sampled_from(["EEEE, d MMMM y", "d MMMM y", "dd.MM.y HH:mm"]),
)
def test_any_cldr_dated_banner_is_furniture(day: date, language: str, pattern: str) -> None:
    moment = datetime(day.year, day.month, day.day, 9, 5)
    banner = format_datetime(moment, pattern, locale=language)
    parts = structure("Agencies sign a memorandum", [banner, LEAD], language)
    assert parts.body == [LEAD], banner
