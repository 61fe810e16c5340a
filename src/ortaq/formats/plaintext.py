"""Plain-text dumps of scraped articles (the shape of ../shared/samples/*.txt).

A dump may start with a scraper header ` date YYYY-MM[-DD] `, possibly followed on the
same line by the headline; then the headline, then one paragraph per line. This adapter
only splits the raw parts; the read stage decides what is boilerplate.
"""

from __future__ import annotations

import re

from ortaq.formats.base import InputFormat, ParseResult, decode_text, paragraphs_of
from ortaq.model import Hints, IngestError, Item

SCRAPER_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\s+")


class PlainText(InputFormat):
    name = "plaintext"
    media_types = ("text/plain",)
    extensions = (".txt", ".text")
    line_based = True

    def sniff(self, raw: bytes, hints: Hints) -> float:
        if self.claims_extension(hints):
            return 0.6
        return 0.1  # the fallback for anything that decodes as text

    def parse(self, raw: bytes, hints: Hints) -> ParseResult:
        text = decode_text(raw, hints.source_name)
        header_date: str | None = None
        match = SCRAPER_HEADER.match(text)
        if match:
            header_date = match.group(1)
            text = text[match.end() :]
        paragraphs = paragraphs_of(text)
        if not paragraphs:
            raise IngestError(f"{hints.source_name}: empty text, nothing to ingest")
        item = Item(
            uri=hints.uri or "",
            headline=paragraphs[0],
            body=paragraphs[1:],
            source_name=hints.source_name,
            source_format=self.name,
        )
        item.stage_data["scraped"] = True  # page noise: the read stage separates it
        if header_date:
            item.stage_data["scraper_header_date"] = header_date
        return [item]
