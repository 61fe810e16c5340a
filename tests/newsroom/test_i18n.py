"""The interface languages: catalogs complete and current, locale choice, formats."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st

from ortaq.web import i18n

REPO = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def extracted_ids() -> set[str]:
    """What `make catalogs` would extract from the code and templates today."""
    with (REPO / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = extract_from_dir(
        REPO / "src" / "ortaq", method_map, options_map, keywords={"_": None, "N_": None,
        "gettext": None, "ngettext": (1, 2)},
    )  # fmt: skip
    return {m[2] if isinstance(m[2], str) else m[2][0] for m in found}


def template_ids() -> set[str]:
    with (i18n.CATALOGS / "messages.pot").open("rb") as pot:
        return {str(m.id) for m in read_po(pot) if m.id}


def test_the_template_catalog_is_current() -> None:
    """A message added to a page or route without `make catalogs` fails here."""
    extracted = extracted_ids()
    assert len(extracted) > 40
    assert extracted - template_ids() == set(), "run `make catalogs` and translate"
    assert template_ids() - extracted == set(), "obsolete messages: run `make catalogs`"


def test_every_message_is_translated_in_every_catalog() -> None:
    wanted = template_ids()
    for locale, translated in i18n.message_ids().items():
        assert wanted - translated == set(), f"{locale} lacks translations"


def test_translations_keep_their_placeholders() -> None:
    for locale in i18n.LOCALES[1:]:
        with i18n.catalog_path(locale).open("rb") as po:
            for message in read_po(po):
                if message.id and message.string:
                    wanted = sorted(PLACEHOLDER.findall(str(message.id)))
                    assert sorted(PLACEHOLDER.findall(str(message.string))) == wanted, (
                        locale,
                        message.id,
                    )


def test_translations_differ_from_english_where_the_script_does() -> None:
    """Kazakh, Arabic and Russian catalogs are really written in their scripts."""
    scripts = {"kk": r"[\u0400-\u04FF]", "ru": r"[\u0400-\u04FF]", "ar": r"[\u0600-\u06FF]"}
    for locale, letters in scripts.items():
        assert re.search(letters, i18n.translate(locale, "Sign in"))
        assert re.search(letters, i18n.translate(locale, "Wire"))


@given(st.one_of(st.none(), st.text(max_size=12)), st.one_of(st.none(), st.text(max_size=60)))
def test_the_chosen_locale_is_always_an_interface_language(
    cookie: str | None, accept: str | None
) -> None:
    chosen = i18n.choose_locale(cookie, accept)
    assert chosen in i18n.LOCALES
    if cookie in i18n.LOCALES:
        assert chosen == cookie


def test_the_browser_preference_picks_the_language() -> None:
    assert i18n.choose_locale(None, "kk-KZ,kk;q=0.9,ru;q=0.8") == "kk"
    assert i18n.choose_locale(None, "de-DE,ar;q=0.5") == "ar"
    assert i18n.choose_locale(None, "de-DE") == "en"


def test_arabic_is_right_to_left_and_the_others_are_not() -> None:
    assert [code for code in i18n.LOCALES if i18n.text_direction(code) == "rtl"] == ["ar"]


@given(st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)))
def test_dates_are_written_the_locale_way(moment: datetime) -> None:
    moment = moment.replace(tzinfo=UTC)
    english = i18n.formatters("en")["day"](moment, "long")
    russian = i18n.formatters("ru")["day"](moment, "long")
    assert str(moment.year) in english and str(moment.year) in russian
    assert english != russian  # month names differ in every month


def test_numbers_are_grouped_the_locale_way() -> None:
    assert i18n.formatters("en")["number"](260000) == "260,000"
    assert i18n.formatters("fr")["number"](260000).replace("\u202f", " ") == "260 000"
