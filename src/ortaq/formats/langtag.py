"""Declared language tags (BCP 47, xml:lang, RSS <language>) to ISO 639-1 codes."""

from __future__ import annotations

import re

PRIMARY_SUBTAG = re.compile(r"^\s*([A-Za-z]{2})(?:[-_][A-Za-z0-9]{1,8})*\s*$")


def language_code(value: object) -> str | None:
    """The ISO 639-1 code of a declared tag ("en-US" -> "en", "nb-NO" -> "nb").

    Anything else (three-letter codes, "x-default", empty, garbage) gives None so that
    the read stage detects the language rather than trusting a tag we cannot map.
    """
    if not isinstance(value, str):
        return None
    match = PRIMARY_SUBTAG.match(value)
    return match.group(1).lower() if match else None
