"""Build src/ortaq/claims/data/magnitudes.json from CLDR (via babel): the words that
scale a number in each language ("48 thousand", "48 мың", "48 ألف", "25 млрд").

They come from CLDR's compact decimal formats, short and long, every plural form
(`Locale.compact_decimal_formats`): the pattern "00 тысячи" under 10000 names the word
"тысячи" and the power 10^3 (the pattern's zeros are the digits written before it).
Short forms of one letter ("K", "M", "B") are kept only when CLDR writes them attached
to the number ("48K"): a lone letter after a number is too often something else. Run:

    python scripts/build_number_data.py [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import re
import unicodedata
from pathlib import Path

from babel import Locale

LANGUAGES = ("kk", "ar", "fr", "tr", "az", "ru", "en")
OUT = Path(__file__).resolve().parents[1] / "src" / "ortaq" / "claims" / "data" / "magnitudes.json"
STYLES = ("short", "long")
_ZEROS = re.compile(r"0+")


def magnitude_words(language: str) -> dict[str, int]:
    """Word (case-folded, its trailing dot dropped) -> power of ten it multiplies by."""
    words: dict[str, int] = {}
    formats = Locale.parse(language).compact_decimal_formats
    for style in STYLES:
        for plurals in formats.get(style, {}).values():
            for base, pattern in plurals.items():
                _add(words, str(pattern.pattern), len(str(base)) - 1)
    return dict(sorted(words.items(), key=lambda item: (item[1], item[0])))


def _add(words: dict[str, int], pattern: str, power_of_base: int) -> None:
    zeros = _ZEROS.search(pattern)
    if zeros is None:
        return  # "mille" alone: one thousand, no number written before it
    power = power_of_base - (len(zeros.group()) - 1)
    word = unicodedata.normalize("NFC", pattern.replace("'", "")).replace(zeros.group(), "")
    attached = not word[:1].isspace()
    word = word.strip().rstrip(".").casefold()
    if not word or power <= 0 or (len(word) == 1 and not attached):
        return
    words.setdefault(word, power)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    languages = {language: magnitude_words(language) for language in LANGUAGES}
    data = {
        "about": (
            "Words that scale a number, per language, from CLDR compact decimal formats "
            "(scripts/build_number_data.py): word -> power of ten."
        ),
        "languages": languages,
    }
    args.out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({lang: len(words) for lang, words in languages.items()}))


if __name__ == "__main__":
    main()
