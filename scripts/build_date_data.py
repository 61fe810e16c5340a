"""Build src/ortaq/read/data/dates/<lang>.json from CLDR (via babel) plus hand-written supplements.

Month names come from babel.dates.get_month_names for every width and context; for
Arabic, from every regional locale too (Levantine شباط, Maghrebi جانفي, Moroccan غشت).
The supplement (data/dates/supplement/<lang>.json) adds what CLDR lacks: case
suffixes, year words, range words, extra spellings and abbreviations (RIA Novosti's
"сен", "ноя" beside CLDR's "сент.", "нояб."). Run:

    python scripts/build_date_data.py [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import unicodedata
from pathlib import Path
from typing import Any, Literal

from babel.dates import get_month_names
from babel.localedata import locale_identifiers

LANGUAGES = ("kk", "ar", "fr", "tr", "az", "ru", "en")
DATA_DIR = Path(__file__).resolve().parents[1] / "src" / "ortaq" / "read" / "data" / "dates"
SUPPLEMENT_DIR = DATA_DIR / "supplement"
CONTEXTS: tuple[Literal["format", "stand-alone"], ...] = ("format", "stand-alone")
ARABIC_ALEFS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا"})
# Languages whose month names are written capitalised in running text; matching keeps case.
TITLE_CASE = frozenset({"en"})


def locales_for(language: str) -> list[str]:
    """The base locale, plus regional Arabic locales whose month names differ."""
    if language != "ar":
        return [language]
    return ["ar", *sorted(loc for loc in locale_identifiers() if loc.startswith("ar_"))]


def clean(name: str, language: str) -> str:
    name = " ".join(unicodedata.normalize("NFC", name).split())
    return name if language in TITLE_CASE else name.lower()


def cldr_months(language: str) -> tuple[dict[str, int], dict[str, int]]:
    """Full names and abbreviations (without their trailing dot) for each month."""
    names: dict[str, int] = {}
    abbreviations: dict[str, int] = {}
    for locale in locales_for(language):
        for context in CONTEXTS:
            for month, name in get_month_names("wide", context, locale).items():
                names.setdefault(clean(name, language), int(month))
    for locale in locales_for(language):
        for context in CONTEXTS:
            for month, name in get_month_names("abbreviated", context, locale).items():
                short = clean(name, language).rstrip(".")
                if short not in names and len(short) >= 3:
                    abbreviations.setdefault(short, int(month))
    return names, abbreviations


def variants(forms: dict[str, int], language: str) -> dict[str, int]:
    """Spelling variants CLDR does not list: hamza-less Arabic, upper-case English."""
    out = dict(forms)
    for form, month in forms.items():
        if language == "ar":
            out.setdefault(form.translate(ARABIC_ALEFS), month)
        elif language in TITLE_CASE:
            out.setdefault(form.upper(), month)
    return out


def build_language(language: str) -> dict[str, Any]:
    supplement = json.loads((SUPPLEMENT_DIR / f"{language}.json").read_text(encoding="utf-8"))
    names, abbreviations = cldr_months(language)
    for form, month in supplement.get("extra_month_names", {}).items():
        names.setdefault(clean(form, language), int(month))
    for form, month in supplement.get("extra_month_abbreviations", {}).items():
        abbreviations.setdefault(clean(form, language), int(month))
    data: dict[str, Any] = {
        "language": language,
        "generated_by": "scripts/build_date_data.py",
        "month_names": dict(sorted(variants(names, language).items())),
        "month_abbreviations": dict(sorted(variants(abbreviations, language).items())),
        "month_case": "title" if language in TITLE_CASE else "any",
    }
    for key, value in supplement.items():
        if key not in ("_comment", "extra_month_names", "extra_month_abbreviations", "month_case"):
            data[key] = sorted(set(value)) if isinstance(value, list) else value
    return data


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def build(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for language in LANGUAGES:
        path = out_dir / f"{language}.json"
        path.write_text(render(build_language(language)), encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="output directory")
    args = parser.parse_args()
    for path in build(args.out):
        print(path)


if __name__ == "__main__":
    main()
