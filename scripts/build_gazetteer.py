"""Build the place and country gazetteer: src/ortaq/entities/data/gazetteer/<lang>.json.

    python scripts/build_gazetteer.py [--out DIR]

Generated, never typed by hand: country names come from CLDR (Babel's
`Locale(lang).territories`) and pycountry (ISO 3166 names, official names and their
gettext translations); world regions (Central Asia, Western Asia...) from CLDR's numeric
territory codes. What those sources lack -- demonyms, capitals and other cities, news
variants ('Қатар' beside CLDR's 'Катар', 'Turkey' beside 'Türkiye'), case suffixes,
Arabic proclitics and false-hit guards -- is read from the hand-written files in
gazetteer/supplement/ and merged in, marked by `source` in each entry.

Deterministic: entries are sorted by id and names are sorted, so the test
tests/entities/test_gazetteer.py can rebuild into a temporary folder and compare.
"""

from __future__ import annotations

import argparse
import gettext
import json
import re
from pathlib import Path
from typing import Any

import babel
import pycountry
from babel import Locale

ROOT = Path(__file__).resolve().parents[1]
GAZETTEER = ROOT / "src" / "ortaq" / "entities" / "data" / "gazetteer"
SUPPLEMENT = GAZETTEER / "supplement"
LANGUAGES = ("kk", "ar", "fr", "tr", "az", "ru", "en")

# CLDR territory codes that are not countries (groupings, unknown, pseudo-regions).
NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"})
# World regions worth recognising in news (CLDR numeric codes, UN M49).
REGIONS = (
    "002",
    "005",
    "009",
    "015",
    "019",
    "021",
    "030",
    "034",
    "035",
    "039",
    "142",
    "143",
    "145",
    "150",
    "151",
    "154",
    "155",
)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _translations(language: str) -> gettext.NullTranslations:
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
    except OSError:
        return gettext.NullTranslations()


def pycountry_names(code: str, language: str) -> list[str]:
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return []
    if language == "en":
        names = [getattr(country, attr, "") for attr in ("name", "official_name", "common_name")]
        return [n for n in names if n]
    tr = _translations(language)
    out = []
    for attr in ("name", "official_name", "common_name"):
        english = getattr(country, attr, "")
        if english:
            local = tr.gettext(english)
            if local != english:  # untranslated English names stay out of other languages
                out.append(local)
    return out


def alpha3(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return str(country.alpha_3) if country is not None else ""


def build_language(language: str) -> dict[str, Any]:
    supplement: dict[str, Any] = json.loads((SUPPLEMENT / f"{language}.json").read_text("utf-8"))
    places: dict[str, Any] = json.loads((SUPPLEMENT / "places.json").read_text("utf-8"))["places"]
    local = Locale.parse(language).territories
    english = Locale.parse("en").territories
    drop = set(supplement.get("drop", []))
    entries: dict[str, dict[str, Any]] = {}

    def entry(entity_id: str, kind: str, country: str | None, canonical: str) -> dict[str, Any]:
        if entity_id not in entries:
            entries[entity_id] = {
                "id": entity_id,
                "kind": kind,
                "country": country,
                "canonical": canonical,
                "names": set(),
                "demonyms": set(),
                "demonym_stems": set(),
                "case_sensitive": set(),
                "sources": set(),
            }
        return entries[entity_id]

    for code, name in local.items():
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES:
            e = entry(f"country:{code}", "country", code, name)
            e["alpha3"] = alpha3(code)
            e["name_en"] = english.get(code, name)
            e["names"].add(name)
            e["names"].update(pycountry_names(code, language))
            e["sources"].update({"cldr", "pycountry"})
        elif code in REGIONS:
            e = entry(f"place:{slug(english[code])}", "region", None, name)
            e["name_en"] = english[code]
            e["names"].add(name)
            e["sources"].add("cldr")
    for code, names in supplement.get("variants", {}).items():
        e = entries[f"country:{code}"]
        e["names"].update(names)
        e["sources"].add("supplement")
    for code, names in supplement.get("case_sensitive", {}).items():
        e = entries[f"country:{code}"]
        e["case_sensitive"].update(names)
        e["sources"].add("supplement")
    for code, names in supplement.get("demonyms", {}).items():
        e = entries[f"country:{code}"]
        e["demonyms"].update(names)
        e["sources"].add("supplement")
    for code, names in supplement.get("demonym_stems", {}).items():
        e = entries[f"country:{code}"]
        e["demonym_stems"].update(names)
        e["sources"].add("supplement")
    for place, names in supplement.get("places", {}).items():
        info = places[place]
        e = entry(f"place:{place}", info.get("kind", "city"), info["country"], names[0])
        e["name_en"] = info["name"]
        e["names"].update(names)
        e["sources"].add("supplement")

    out_entries = []
    for entity_id in sorted(entries):
        e = entries[entity_id]
        e["names"] = sorted(n for n in e["names"] if n not in drop)
        for key in ("demonyms", "demonym_stems", "case_sensitive", "sources"):
            e[key] = sorted(e[key])
        out_entries.append({k: v for k, v in e.items() if v or k in ("country", "names")})
    return {
        "comment": (
            "GENERATED by scripts/build_gazetteer.py from CLDR (Babel "
            f"{babel.__version__}), pycountry {pycountry_version()} and the hand-written "
            "supplement/ files -- do not edit; edit supplement/ and rebuild."
        ),
        "language": language,
        "entries": out_entries,
        "stop_phrases": supplement.get("stop_phrases", []),
        "ambiguous": supplement.get("ambiguous", []),
        "suffixes": supplement.get("suffixes", []),
        "lowercase_suffixes": supplement.get("lowercase_suffixes", []),
        "stem_endings": supplement.get("stem_endings", []),
        "proclitics": supplement.get("proclitics", []),
        "language_words": supplement.get("language_words", []),
        "language_suffixes": supplement.get("language_suffixes", []),
        "language_prefixes": supplement.get("language_prefixes", []),
    }


def pycountry_version() -> str:
    from importlib.metadata import version

    return version("pycountry")


def render(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def build(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for language in LANGUAGES:
        path = out / f"{language}.json"
        path.write_text(render(build_language(language)), encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=GAZETTEER)
    args = parser.parse_args()
    for path in build(args.out):
        print(path)


if __name__ == "__main__":
    main()
