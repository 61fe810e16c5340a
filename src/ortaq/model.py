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
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

PubStatus = Literal["usable", "withheld", "canceled"]
PUBSTATUSES: tuple[PubStatus, ...] = ("usable", "withheld", "canceled")
Precision = Literal["year", "month", "day", "minute"]
PRECISIONS: tuple[Precision, ...] = ("year", "month", "day", "minute")
DATE_METHOD, DATE_CONFIDENCE = "date-patterns", 0.8  # of the read stage's date scan


@dataclass(frozen=True)
class Derived:
    """A value the platform worked out, with how and how sure."""

    value: Any
    method: str
    confidence: float = 1.0

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "method": self.method, "confidence": self.confidence}


# --- the stage contract: what one stage hands the next, typed ---------------------------
# Offsets are into the item text: headline, summary and body paragraphs joined by "\n"
# (`Item.text`). Each kind is produced once, by the stage that owns it (sentences and
# dates: read; mentions: entities), and read by later stages as objects; JSON is only
# made where an item leaves the chain (the store, the API), by `contract_json`.


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of the item text: text[start:end]."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date found in the item text, as written and as an ISO value with its precision.

    `value` is None when the date cannot be placed (a day and month with no reference
    year): the written parts still say which day it names."""

    text: str
    start: int
    end: int
    value: str | None  # "YYYY", "YYYY-MM", "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM"
    precision: Precision | None
    end_value: str | None = None  # last day/month/year of a range
    year_inferred: bool = False  # the year came from the reference, not the text
    written_year: int | None = None  # the parts the text gives, before any inference
    written_month: int | None = None
    written_day: int | None = None
    method: str = DATE_METHOD

    def to_json(self) -> dict[str, Any]:
        """The public shape (`derived.dates_mentioned`, `ortaq read --json`)."""
        out: dict[str, Any] = {"text": self.text, "value": self.value, "precision": self.precision}
        if self.end_value:
            out["end_value"] = self.end_value
        out["start"], out["end"] = self.start, self.end
        return out

    def to_record(self) -> dict[str, Any]:
        """Every field, for the store (`stage_data.dates`)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> DateMention:
        return cls(**{f.name: record[f.name] for f in dataclasses.fields(cls) if f.name in record})


@dataclass(frozen=True, slots=True)
class Mention:
    """One mention of an entity: text == item_text[start:end]."""

    text: str
    start: int
    end: int
    type: str  # PER | LOC | ORG
    entity_id: str | None = None
    canonical: str | None = None
    country: str | None = None
    role: str | None = None
    source: str = ""
    # ISO codes of countries named inside the span ('Emirates News Agency' names AE)
    named_countries: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "type": self.type,
            "entity_id": self.entity_id,
            "canonical": self.canonical,
            "country": self.country,
            "role": self.role,
            "source": self.source,
            "named_countries": list(self.named_countries),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Mention:
        return cls(
            text=data["text"],
            start=int(data["start"]),
            end=int(data["end"]),
            type=data["type"],
            entity_id=data.get("entity_id"),
            canonical=data.get("canonical"),
            country=data.get("country"),
            role=data.get("role"),
            source=data.get("source") or "",
            named_countries=tuple(data.get("named_countries") or ()),
        )


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
    # The stage contract (None: the owning stage has not run on this item).
    sentences: tuple[Sentence, ...] | None = None  # read
    dates: tuple[DateMention, ...] | None = None  # read
    mentions: tuple[Mention, ...] | None = None  # entities
    # The input's bytes stay at the door (and in the store's raw documents); an item
    # only names them: several items of one feed share one input.
    raw_sha256: str | None = None

    @property
    def body_text(self) -> str:
        return "\n\n".join(self.body)

    @property
    def text(self) -> str:
        """The text every stage's offsets are into: headline, summary, body, one a line."""
        return "\n".join(p for p in (self.headline, self.summary, *self.body) if p)

    @property
    def content_hash(self) -> str:
        """Identity of the content: the same text re-sent is the same version."""
        parts = [self.headline or "", self.summary or "", *self.body]
        text = "\n".join(unicodedata.normalize("NFC", " ".join(p.split())) for p in parts)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict; dates as ISO 8601, derived values with their method. The
        stage contract's fields go where stored items have always kept them."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            if f.name not in CONTRACT_FIELDS:
                out[f.name] = _jsonable(getattr(self, f.name))
        out["derived"], out["stage_data"] = contract_json(self)
        out["content_hash"] = self.content_hash
        return out


CONTRACT_FIELDS = frozenset({"sentences", "dates", "mentions", "raw_sha256"})
DATES_MENTIONED = "dates_mentioned"  # the derived key of the resolved dates (public shape)


def contract_json(item: Item) -> tuple[dict[str, Any], dict[str, Any]]:
    """`derived` and `stage_data` as stored: the typed fields added in the JSON shape
    stored rows have (`stage_data.mentions`, `derived.dates_mentioned`), plus
    `stage_data.sentences` and `stage_data.dates` (every date, with its written parts)."""
    derived = {key: value.to_json() for key, value in item.derived.items()}
    stage_data = _jsonable(item.stage_data)
    if item.sentences is not None:
        stage_data["sentences"] = [[s.start, s.end] for s in item.sentences]
    if item.dates is not None:
        stage_data["dates"] = [d.to_record() for d in item.dates]
        resolved = [d.to_json() for d in item.dates if d.value is not None]
        derived[DATES_MENTIONED] = Derived(resolved, DATE_METHOD, DATE_CONFIDENCE).to_json()
    if item.mentions is not None:
        stage_data["mentions"] = [m.to_json() for m in item.mentions]
    return derived, stage_data


def contract_fields(
    derived: Mapping[str, Mapping[str, Any]], stage_data: Mapping[str, Any]
) -> tuple[dict[str, Derived], dict[str, Any], dict[str, Any]]:
    """The inverse of `contract_json`: derived values, the rest of stage_data, and the
    typed fields (keyword arguments of `Item`). A row stored before the typed dates has
    `derived.dates_mentioned` alone: it stays a derived value and `dates` stays None."""
    rest = dict(stage_data)
    typed: dict[str, Any] = {}
    sentences = rest.pop("sentences", None)
    if sentences is not None:
        typed["sentences"] = tuple(Sentence(int(s), int(e)) for s, e in sentences)
    dates = rest.pop("dates", None)
    if dates is not None:
        typed["dates"] = tuple(DateMention.from_record(d) for d in dates)
    mentions = rest.pop("mentions", None)
    if mentions is not None:
        typed["mentions"] = tuple(Mention.from_json(m) for m in mentions)
    values = {
        key: Derived(v["value"], v["method"], v["confidence"])
        for key, v in derived.items()
        if not (key == DATES_MENTIONED and dates is not None)
    }
    return values, rest, typed


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
