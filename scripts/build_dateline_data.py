"""Build src/ortaq/read/data/datelines/ from CLDR (via babel) plus hand-written supplements.

- places.json: place name -> ISO 3166 alpha-2 country, in the seven languages: the
  supplement's cities first (data/datelines/supplement/places.json: capitals such as
  Astana, Ankara, Doha that are not time-zone cities), then CLDR country names
  (Azerbaïdjan, Қазақстан), then CLDR time-zone exemplar cities (Bakou, Мәскеу, الكويت).
- countries.json: the names in places.json that name a country, not a city (a bare
  "Azerbaijan —" opens a headline more often than a dateline).
- <lang>.json: agency names (supplement common.json + <lang>.json), words that may
  open a dateline's date ("le", "في"), CLDR weekday names, byline words ("By", "Par"),
  and the abbreviations ("St.") and particles ("on", "al") place names may contain.

    python scripts/build_dateline_data.py [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path
from typing import Any, Literal

import pycountry
from babel import Locale
from babel.core import get_global
from babel.dates import get_day_names

LANGUAGES = ("kk", "ar", "fr", "tr", "az", "ru", "en")
DATA_DIR = Path(__file__).resolve().parents[1] / "src" / "ortaq" / "read" / "data" / "datelines"
SUPPLEMENT_DIR = DATA_DIR / "supplement"
EXCLUDED_TERRITORIES = frozenset({"AQ"})  # research stations are not datelines


def fold(text: str) -> str:
    """The lookup key used at run time (ortaq.read.dates.fold), repeated to stay standalone."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.replace("ı", "i").replace("ـ", "").split())


def is_country(code: str) -> bool:
    return (
        len(code) == 2
        and code not in EXCLUDED_TERRITORIES
        and pycountry.countries.get(alpha_2=code) is not None
    )


def supplement_places() -> list[tuple[str, str]]:
    data = json.loads((SUPPLEMENT_DIR / "places.json").read_text(encoding="utf-8"))
    return [(name, code) for code, names in data.items() if code != "_comment" for name in names]


def timezone_cities() -> list[tuple[str, str]]:
    """CLDR exemplar cities of time zones, localised; English from the zone id."""
    zones: dict[str, str] = dict(get_global("zone_territories"))
    out = []
    for zone, code in sorted(zones.items()):
        if not is_country(code) or zone.startswith("Etc/"):
            continue
        out.append((zone.rsplit("/", 1)[-1].replace("_", " "), code))
        for language in LANGUAGES:
            city = Locale.parse(language).time_zones.get(zone, {}).get("city")
            if city:
                out.append((city, code))
    return out


def country_names() -> list[tuple[str, str]]:
    out = []
    for language in LANGUAGES:
        for code, name in sorted(Locale.parse(language).territories.items()):
            if is_country(code):
                out.append((name, code))
    return out


def build_countries(places: dict[str, str]) -> list[str]:
    """Country names that are not also a city's name (Kuwait, Djibouti, الجزائر)."""
    country_keys = {fold(name) for name, _ in country_names()}
    city_keys = {fold(name) for name, _ in [*supplement_places(), *timezone_cities()]}
    return sorted(name for name in places if fold(name) in country_keys - city_keys)


def build_places() -> dict[str, str]:
    places: dict[str, str] = {}
    countries_by_key: dict[str, str] = {}
    for name, code in [*supplement_places(), *country_names(), *timezone_cities()]:
        name = unicodedata.normalize("NFC", " ".join(name.split()))
        key = fold(name)
        if countries_by_key.setdefault(key, code) != code:
            print(f"skipped {name!r} -> {code}: already {countries_by_key[key]}", file=sys.stderr)
            continue
        places.setdefault(name, code)
    return dict(sorted(places.items()))


def weekdays(language: str) -> list[str]:
    names: set[str] = set()
    contexts: tuple[Literal["format", "stand-alone"], ...] = ("format", "stand-alone")
    for context in contexts:
        names.update(get_day_names("wide", context, language).values())
    return sorted(names)


def build_language(language: str, common: dict[str, Any]) -> dict[str, Any]:
    own = json.loads((SUPPLEMENT_DIR / f"{language}.json").read_text(encoding="utf-8"))
    return {
        "language": language,
        "generated_by": "scripts/build_dateline_data.py",
        "agencies": sorted(set(common["agencies"]) | set(own["agencies"])),
        "date_prefixes": sorted(set(own["date_prefixes"])),
        "weekdays": weekdays(language),
        "byline_words": sorted(set(own["byline_words"])),
        "place_abbreviations": sorted(set(common["place_abbreviations"])),
        "place_particles": sorted(set(common["place_particles"])),
    }


def render(data: dict[str, Any] | list[str]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def build(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    common = json.loads((SUPPLEMENT_DIR / "common.json").read_text(encoding="utf-8"))
    places = build_places()
    written = [out_dir / "places.json", out_dir / "countries.json"]
    written[0].write_text(render(places), encoding="utf-8")
    written[1].write_text(render(build_countries(places)), encoding="utf-8")
    for language in LANGUAGES:
        path = out_dir / f"{language}.json"
        path.write_text(render(build_language(language, common)), encoding="utf-8")
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
