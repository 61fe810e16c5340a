"""The interface languages: gettext catalogs (`locale/<code>/LC_MESSAGES/messages.po`,
extracted with Babel from the templates and the web routes; `make catalogs`) and the
locale's formats for dates and numbers (Babel's CLDR data).

The catalogs are read with Babel's own tools when first needed (`read_po`, compiled in
memory with `write_mo`), so a fresh checkout needs no separate compile step and a stale
`.mo` file can never shadow an edited `.po`. Each language has its own Jinja environment
with its translations installed, so one request's language never leaks into another's.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from babel import Locale
from babel.core import negotiate_locale
from babel.dates import format_date, format_datetime, format_timedelta
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.templating import Jinja2Templates

WEB = Path(__file__).parent
TEMPLATES = WEB / "templates"
CATALOGS = WEB / "locale"
DOMAIN = "messages"
SOURCE_LOCALE = "en"
LOCALES = ("en", "kk", "ar", "fr", "tr", "ru")  # the interface languages, switcher order
LANGUAGE_COOKIE = "ortaq_lang"


def catalog_path(locale: str) -> Path:
    return CATALOGS / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(locale: str) -> NullTranslations:
    """The locale's messages; English is the source language and needs no catalog."""
    if locale == SOURCE_LOCALE:
        return NullTranslations()
    with catalog_path(locale).open("rb") as po:
        catalog = read_po(po, locale=locale, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def choose_locale(cookie: str | None, accept_language: str | None) -> str:
    """The cookie's language when it is one of ours, else the browser's best match."""
    if cookie in LOCALES:
        return cookie
    preferred = [
        part.split(";")[0].strip().replace("_", "-")
        for part in (accept_language or "").split(",")
        if part.strip()
    ]
    chosen = negotiate_locale(preferred, LOCALES, sep="-") if preferred else None
    return chosen or SOURCE_LOCALE


@cache
def text_direction(locale: str) -> str:
    """'rtl' or 'ltr', from CLDR's character order for the locale."""
    return "rtl" if Locale.parse(locale).character_order == "right-to-left" else "ltr"


@cache
def autonym(locale: str) -> str:
    """A language's name in itself, for the switcher ('Қазақ тілі', 'العربية')."""
    name = Locale.parse(locale).get_display_name(locale) or locale
    return name[:1].upper() + name[1:]


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def formatters(locale: str) -> dict[str, Callable[..., str]]:
    """Jinja filters that format for the locale (dates in UTC: partners span time zones)."""
    cldr = Locale.parse(locale)

    def when(moment: datetime | None, width: str = "medium") -> str:
        if moment is None:
            return ""
        return format_datetime(_utc(moment), width, tzinfo=UTC, locale=cldr) + " UTC"

    def day(moment: datetime | None, width: str = "medium") -> str:
        return "" if moment is None else format_date(_utc(moment), width, locale=cldr)

    def ago(moment: datetime | None) -> str:
        if moment is None:
            return ""
        delta = _utc(moment) - datetime.now(UTC)
        return format_timedelta(delta, add_direction=True, locale=cldr)

    def number(value: float | int) -> str:
        return format_decimal(value, locale=cldr)

    def percent(value: float) -> str:
        return format_percent(value, locale=cldr)

    def language_name(code: str | None) -> str:
        if not code:
            return "?"
        name = cldr.languages.get(code)
        return str(name) if name else code

    def country_name(code: str | None) -> str:
        if not code:
            return ""
        name = cldr.territories.get(code.upper())
        return str(name) if name else code

    return {
        "when": when,
        "day": day,
        "ago": ago,
        "number": number,
        "percent": percent,
        "language_name": language_name,
        "country_name": country_name,
    }


@cache
def templates(locale: str) -> Jinja2Templates:
    """The page templates with the locale's translations and formats installed."""
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.install_gettext_translations(translations(locale), newstyle=True)  # type: ignore[attr-defined]
    environment.filters.update(formatters(locale))
    environment.globals.update(
        locale=locale, direction=text_direction(locale), locales=interface_languages()
    )
    return Jinja2Templates(env=environment)


def interface_languages() -> list[tuple[str, str, str]]:
    """(code, autonym, direction) for each interface language."""
    return [(code, autonym(code), text_direction(code)) for code in LOCALES]


def message_ids(locales: Iterable[str] = LOCALES) -> dict[str, set[str]]:
    """Each catalog's translated message ids (for the completeness test)."""
    found: dict[str, set[str]] = {}
    for locale in locales:
        if locale == SOURCE_LOCALE:
            continue
        with catalog_path(locale).open("rb") as po:
            catalog = read_po(po, locale=locale)
        found[locale] = {
            str(m.id if isinstance(m.id, str) else m.id[0])
            for m in catalog
            if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)
        }
    return found


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


def translate(locale: str, message: str, **variables: object) -> str:
    """A message in the locale, its %(name)s placeholders filled in."""
    text = translations(locale).gettext(message)
    return text % variables if variables else text
