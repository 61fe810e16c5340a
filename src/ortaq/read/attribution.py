"""Which agency or press service an item says its news came from.

"деп хабарлайды Қазақстан Республикасы Сыртқы істер министрлігінің баспасөз
қызметінен" (Kazakh: ... reports the MFA press service), "un entretien à un journaliste
de l'Agence Anadolu". The patterns are data per language (data/attribution/<lang>.json);
a case ending the language puts on the source (Kazakh ablative) is stripped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "attribution"


@dataclass(frozen=True)
class Attribution:
    source: str  # as written, case ending stripped
    start: int
    end: int


@cache
def _rules(language: str) -> tuple[tuple[re.Pattern[str], ...], tuple[str, ...]]:
    path = DATA / f"{language}.json"
    if not path.is_file():
        return (), ()
    data = json.loads(path.read_text("utf-8"))
    patterns = tuple(re.compile(p) for p in data["patterns"])
    return patterns, tuple(sorted(data["strip_suffixes"], key=len, reverse=True))


def find_attribution(paragraphs: list[str], language: str) -> Attribution | None:
    """The first source the text credits, searching paragraph by paragraph."""
    patterns, suffixes = _rules(language)
    offset = 0
    for paragraph in paragraphs:
        for pattern in patterns:
            match = pattern.search(paragraph)
            if match:
                source = _strip_case(match.group("source").strip(" «»\"'“”"), suffixes)
                start = offset + match.start("source")
                return Attribution(source, start, start + len(match.group("source")))
        offset += len(paragraph) + 1
    return None


def _strip_case(source: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if source.endswith(suffix) and len(source) > len(suffix) + 3:
            return source[: -len(suffix)]
    return source
