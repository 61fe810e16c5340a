"""Plain-text dumps of scraped articles (../shared/samples/*.txt, ../shared/realnews/).

Two layouts carry the page's date on a `date` line:

- a scraper header opening the file, ` date YYYY-MM[-DD] `, possibly followed on the
  same line by the headline (../shared/samples);
- the headline on line 1 (empty when the page shows none), then a line of its own
  `date YYYY-MM[-DD]` (../shared/realnews).

Then one paragraph per line. The date line is found by lines, not by a byte window, so
a long headline cannot push it out of sight, and byte-order marks or zero-width marks a
tool left at a line's start (U+FEFF, U+200B) cannot hide it. This adapter only splits
the raw parts; the read stage decides what is boilerplate and what the date means.
"""

from __future__ import annotations

import re

from ortaq.formats.base import InputFormat, ParseResult, decode_text, paragraphs_of
from ortaq.model import Hints, IngestError, Item

DATE_VALUE = r"(\d{4}-\d{2}(?:-\d{2})?)"
SCRAPER_HEADER = re.compile(rf"^\s*date\s+{DATE_VALUE}(?:\s+|$)")
DATE_LINE = re.compile(rf"^\s*date\s+{DATE_VALUE}\s*$")
INVISIBLE_AT_LINE_START = re.compile(r"^[\ufeff\u200b\u2060]+", re.MULTILINE)
DATE_LINE_AFTER = 1  # the date line may follow the headline line, not deeper in the text


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
        text = INVISIBLE_AT_LINE_START.sub("", decode_text(raw, hints.source_name))
        header_date, text = split_date_line(text)
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


def split_date_line(text: str) -> tuple[str | None, str]:
    """The `date` value and the text without it: a header opening the text, or a line of
    its own right after the headline line."""
    header = SCRAPER_HEADER.match(text)
    if header is not None:
        return header.group(1), text[header.end() :]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for index, line in enumerate(lines[: DATE_LINE_AFTER + 1]):
        found = DATE_LINE.match(line)
        if found is not None:
            return found.group(1), "\n".join(lines[:index] + lines[index + 1 :])
    return None, text
