"""Settings from the environment, with defaults that work on a laptop."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from pathlib import Path

DEFAULT_MAX_INPUT_BYTES = 20 * 1024 * 1024  # a file: a feed or an export may hold many items
DEFAULT_MAX_REQUEST_BYTES = 10 * 1024 * 1024  # one HTTP upload: an item or a news message


@dataclass(frozen=True)
class ItemLimits:
    """How much text one item may carry; checked before the reading stages run.

    The defaults are far above real agency news (the development set and the agency
    feeds in ../shared: headlines up to about 230 characters, paragraphs up to 1,600,
    at most 57 paragraphs and 9,600 characters of body) and far below what makes one
    item slow for every reader.
    """

    headline_chars: int = 1_000
    summary_chars: int = 5_000
    paragraphs: int = 5_000
    lines: int = 20_000  # plain text, before it is split into paragraphs
    paragraph_chars: int = 50_000
    body_chars: int = 500_000

    @classmethod
    def from_env(cls) -> ItemLimits:
        """`ORTAQ_MAX_HEADLINE_CHARS`, `..._SUMMARY_CHARS`, `..._PARAGRAPHS`, ..."""
        values = {}
        for limit in fields(cls):
            name = f"ORTAQ_MAX_{limit.name.upper()}"
            if os.environ.get(name):
                values[limit.name] = positive_int(name, os.environ[name])
        return cls(**values)


def positive_int(name: str, text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {text!r}") from None
    if value < 1:
        raise ValueError(f"{name} must be at least 1, not {value}")
    return value


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    max_input_bytes: int
    item_limits: ItemLimits = field(default_factory=ItemLimits)

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = Path(os.environ.get("ORTAQ_DATA_DIR", "./data"))
        url = os.environ.get("ORTAQ_DATABASE_URL") or f"sqlite:///{data_dir / 'ortaq.db'}"
        max_bytes = os.environ.get("ORTAQ_MAX_INPUT_BYTES") or str(DEFAULT_MAX_INPUT_BYTES)
        return cls(
            data_dir=data_dir,
            database_url=url,
            max_input_bytes=positive_int("ORTAQ_MAX_INPUT_BYTES", max_bytes),
            item_limits=ItemLimits.from_env(),
        )
