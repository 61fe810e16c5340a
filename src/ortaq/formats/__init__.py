"""Input formats (the parse stage's adapters) and their explicit registry."""

from __future__ import annotations

from ortaq.formats.base import InputFormat, ParseResult
from ortaq.formats.plaintext import PlainText
from ortaq.registry import Registry

__all__ = ["InputFormat", "ParseResult", "default_input_formats"]


def default_input_formats() -> Registry[InputFormat]:
    """The formats Ortaq reads, most specific first (sniffing ties go to the earlier)."""
    return Registry[InputFormat]("input format", [PlainText()])
