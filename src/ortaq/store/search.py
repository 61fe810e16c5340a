"""Search text: what item search matches against, the same on every backend."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Case- and form-insensitive text, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def search_text(headline: str | None, summary: str | None, body: list[str]) -> str:
    return fold("\n".join(part for part in (headline, summary, *body) if part))


def like_terms(query: str) -> list[str]:
    """Each word of a query as a LIKE pattern (escaped with backslash)."""
    terms = []
    for word in fold(query).split():
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        terms.append(f"%{escaped}%")
    return terms
