"""The item model: what one news item is once the chain has read it.

Field names follow IPTC ninjs (uri, version, firstcreated, versioncreated, pubstatus,
embargoed, language, headline, ...). Everything the platform *derived* rather than
received (language, publication date, dateline, ...) is kept with the method that
produced it and a confidence, so an editor can see why the platform believes it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

PubStatus = Literal["usable", "withheld", "canceled"]
PUBSTATUSES: tuple[PubStatus, ...] = ("usable", "withheld", "canceled")


@dataclass(frozen=True)
class Derived:
    """A value the platform worked out, with how and how sure."""

    value: Any
    method: str
    confidence: float = 1.0

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "method": self.method, "confidence": self.confidence}


@dataclass(frozen=True)
class Hints:
    """What the door knows about the input besides its bytes."""

    source_name: str = "<stdin>"  # file name, URL or "<stdin>": used in errors and uris
    provider: str | None = None  # member slug that sent the item
    media_type: str | None = None  # e.g. "application/json" from an HTTP header
    format: str | None = None  # force an input adapter by name instead of sniffing
    uri: str | None = None  # the sender's own id when the door knows it
    received_at: datetime | None = None
    language: str | None = None  # declared language, if any
    published: datetime | None = None  # when the sender says it published, if not in the bytes
    embargoed: datetime | None = None
    subjects: tuple[str, ...] = ()  # subject codes the sender gave outside the bytes


@dataclass
class Item:
    """One version of one news item (ninjs-shaped)."""

    uri: str
    headline: str | None = None
    body: list[str] = field(default_factory=list)  # paragraphs, boilerplate removed
    summary: str | None = None
    language: str | None = None
    version: int = 1
    type: str = "text"
    pubstatus: PubStatus = "usable"
    firstcreated: datetime | None = None
    versioncreated: datetime | None = None
    embargoed: datetime | None = None
    byline: str | None = None
    located: str | None = None  # the dateline place as written
    copyrightholder: str | None = None
    usageterms: str | None = None
    credits: list[str] = field(default_factory=list)
    subjects: list[dict[str, str]] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)
    organisations: list[dict[str, Any]] = field(default_factory=list)
    places: list[dict[str, Any]] = field(default_factory=list)
    provider: str | None = None
    source_name: str = "<stdin>"
    source_format: str = ""
    derived: dict[str, Derived] = field(default_factory=dict)
    stage_data: dict[str, Any] = field(default_factory=dict)  # what later stages add
    raw: bytes = b""

    @property
    def body_text(self) -> str:
        return "\n\n".join(self.body)

    @property
    def content_hash(self) -> str:
        """Identity of the content: the same text re-sent is the same version."""
        parts = [self.headline or "", self.summary or "", *self.body]
        text = "\n".join(unicodedata.normalize("NFC", " ".join(p.split())) for p in parts)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def to_json(self, include_raw: bool = False) -> dict[str, Any]:
        """A JSON-ready dict; dates as ISO 8601, derived values with their method."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            if f.name == "raw" and not include_raw:
                continue
            value = getattr(self, f.name)
            out[f.name] = _jsonable(value)
        out["content_hash"] = self.content_hash
        return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Derived):
        return value.to_json()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


class IngestError(Exception):
    """Input that cannot become an item; the message names the reason."""


class NotNewsItem(IngestError):
    """Input that is valid but carries no text item (a picture, an empty package)."""


@dataclass(frozen=True)
class Skipped:
    """A valid input deliberately not ingested, with the reason."""

    source_name: str
    reason: str


@dataclass(frozen=True)
class Rejected:
    """An input the chain could not read: kept in quarantine with the reason."""

    source_name: str
    reason: str
    raw: bytes = b""
    # An input refused before it was read whole (over the size limit) keeps no bytes:
    # only its size (as far as known) and the SHA-256 of what was read (None: nothing).
    unread_size: int | None = None
    unread_sha256: str | None = None

    @property
    def keeps_bytes(self) -> bool:
        return self.unread_size is None
