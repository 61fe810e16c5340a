"""The one interface every input format implements, and helpers they share."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import UTC, datetime

import charset_normalizer
from dateutil import parser as dateutil_parser

from ortaq.model import Hints, IngestError, Item, PubStatus, Rejected, Skipped

# A container (a feed, a news message) may hold good items, non-news parts (Skipped) and
# broken entries (Rejected, quarantined on their own while the rest goes on).
ParseResult = list[Item | Skipped | Rejected]
UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")


class InputFormat(ABC):
    """Turns raw bytes of one format into items (one or several, e.g. a feed).

    `sniff` says how sure the adapter is that the bytes are its format (0..1), cheaply
    and without raising. `parse` raises `IngestError` with a one-line reason for bad
    input, and returns `Skipped` for valid input that carries no text item.
    """

    name: str = ""
    media_types: tuple[str, ...] = ()
    extensions: tuple[str, ...] = ()
    line_based: bool = False  # one paragraph a line: the chain counts lines before parsing

    @abstractmethod
    def sniff(self, raw: bytes, hints: Hints) -> float: ...

    @abstractmethod
    def parse(self, raw: bytes, hints: Hints) -> ParseResult: ...

    def claims_extension(self, hints: Hints) -> bool:
        return hints.source_name.lower().endswith(self.extensions) if self.extensions else False


def decode_text(raw: bytes, source_name: str) -> str:
    """Decode text of unknown encoding: UTF-8 first, then charset-normalizer's best guess.

    Text that is UTF-8 but for some invalid bytes is refused, not guessed: read as another
    encoding, every accented letter of it would become two ("annoncé" → "annoncÃ©").
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw[:8192] and not raw.startswith(UTF16_32_BOMS):
        raise IngestError(f"{source_name}: binary data (NUL bytes), not text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        if is_damaged_utf8(raw):
            raise IngestError(
                f"{source_name}: undecodable text: invalid UTF-8 at byte {error.start} "
                "in text that is otherwise UTF-8"
            ) from None
        best = charset_normalizer.from_bytes(raw).best()
        if best is None:
            raise IngestError(f"{source_name}: not text in any encoding we can detect") from None
        text = str(best)
    if "\x00" in text:
        raise IngestError(f"{source_name}: binary data (NUL bytes), not text")
    return text


def is_damaged_utf8(raw: bytes) -> bool:
    """Invalid UTF-8 whose other non-ASCII bytes mostly form valid UTF-8 sequences.

    Text in a single-byte encoding (windows-1251, ISO-8859-9...) rarely forms a valid
    multi-byte sequence by chance, and then far less often than it breaks one.
    """
    text = raw.decode("utf-8", "replace")
    invalid = text.count("\ufffd") - raw.count("\ufffd".encode())
    valid = sum(1 for char in text if char > "\x7f") - text.count("\ufffd")
    return 0 < invalid <= valid


# Bidi controls that reorder or embed text until their closing mark (or the end of the
# line): in a one-line field an unclosed one bleeds into whatever a page or a partner's
# layout puts after the field, and an override shows letters in another order than the
# one stored. Pages and feeds set each field's direction themselves (dir="auto").
BIDI_EMBEDDINGS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
# Direction marks (LRM, RLM, ALM) only matter between characters; at a field's ends they
# set nothing but the field's own placement.
_EDGE_CHARACTERS = "\u200e\u200f\u061c" + "".join(c for c in map(chr, range(0x3001)) if c.isspace())
SINGLE_LINE_FIELDS = ("headline", "byline", "located", "copyrightholder", "usageterms")


def single_line(text: str) -> str:
    """A one-line field without embedding, override or isolate controls, nor marks at its
    ends; the marks inside (an RLM that keeps a full stop after a number in Arabic) stay."""
    return text.translate(BIDI_EMBEDDINGS).strip(_EDGE_CHARACTERS)


def tidy_single_line_fields(item: Item) -> Item:
    """`single_line` for every one-line field of an item (headline, byline, credits...)."""
    for name in SINGLE_LINE_FIELDS:
        value = getattr(item, name)
        if value:
            setattr(item, name, single_line(value))
    item.credits = [single_line(credit) for credit in item.credits]
    return item


def head_text(raw: bytes, size: int = 2048) -> str:
    """The first bytes as text for sniffing, whitespace and BOM stripped."""
    return raw[:size].decode("utf-8", "ignore").lstrip("\ufeff \t\r\n")


def parse_datetime(value: object) -> datetime | None:
    """Parse a date-time from metadata (ISO 8601, RFC 822, compact IPTC forms).

    Naive values are taken as UTC: agencies that omit the zone mostly mean it.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        text = str(value).strip()
        if not text:
            return None
        try:
            parsed = dateutil_parser.parse(text)
        except (ValueError, OverflowError, TypeError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def paragraphs_of(text: str) -> list[str]:
    """Split plain text into paragraphs: scraped dumps put one paragraph on each line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [p for p in (" ".join(line.split()) for line in lines) if p]


# How agencies write a publication status (NewsML stat:usable, NITF "embargoed", ninjs
# "killed"...). An embargo is not a status here: its time goes to Item.embargoed.
PUBSTATUS_WORDS: dict[str, PubStatus] = {
    "usable": "usable",
    "embargoed": "usable",
    "withheld": "withheld",
    "canceled": "canceled",
    "cancelled": "canceled",
    "kill": "canceled",
    "killed": "canceled",
}


def pubstatus_of(word: str | None) -> PubStatus:
    """The ninjs pubstatus for a status word as written; unknown words mean usable."""
    return PUBSTATUS_WORDS.get((word or "").strip().lower(), "usable")
