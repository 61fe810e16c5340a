"""The item's own times (ninjs `firstcreated`, `versioncreated`) when the input has none.

A scraped page or a plain-text dump carries no timestamp, only a `date` line and a
dateline. Every consumer orders and shows items by `versioncreated` and falls back to the
ingest time when it is missing (the newsroom list, Atom `<updated>`, NewsML-G2, the
provenance timeline's "first appearance", story clustering's time window), so without
this an archive ingested today would all be "published" today. The read stage fills both
from the publication date, or else from a dateline date that has a day, month and year,
and records how in `derived["times"]`. A time the input states (a feed's own timestamp,
`Hints.published`) is never overridden.

Time of day and zone: a date without a time becomes 12:00 UTC of that day. Noon UTC is
the same calendar day from UTC-11 to UTC+11, so every partner newsroom (UTC+0 to UTC+6)
sees the day that was written; midnight UTC would show the day before west of
Greenwich. A header time without a zone ("2025-12-14T09:05") is taken as UTC, as
ortaq.formats.base.parse_datetime does for metadata.

Precision: a month-only date becomes the 1st of the month at 12:00 UTC, never silently:
`derived["times"]` says `"precision": "month"`. A year alone fills nothing (a year is no
time to order a story by).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from ortaq.model import Derived, Item, Precision
from ortaq.read.datelines import Dateline
from ortaq.read.published import Published

DERIVED_KEY = "times"
NOON_UTC = time(12, 0, tzinfo=UTC)
CONFIDENCE = {"metadata": 1.0, "header": 0.9, "dateline": 0.7}
YEAR_WRITTEN_BONUS = 0.1  # "SHARJAH, March 21st, 2019": the year is not inferred


@dataclass(frozen=True)
class ItemTime:
    """A moment for the item's times, how precise it really is, and where it came from."""

    moment: datetime
    precision: Precision
    method: str  # "header", "header+dateline", "metadata", "dateline"
    confidence: float

    def to_json(self) -> dict[str, Any]:
        return {
            "firstcreated": self.moment.isoformat(),
            "versioncreated": self.moment.isoformat(),
            "precision": self.precision,
            "time_of_day": "stated" if self.precision == "minute" else "assumed 12:00 UTC",
        }


def stated_time(item: Item) -> datetime | None:
    """The time the input itself states, ignoring times this stage filled before."""
    if DERIVED_KEY in item.derived:
        return None
    return item.versioncreated or item.firstcreated


def fill_times(item: Item, published: Published | None, dateline: Dateline | None) -> None:
    """Set `firstcreated` and `versioncreated` when the input stated neither."""
    if item.firstcreated is not None or item.versioncreated is not None:
        return
    chosen = item_time(published, dateline)
    if chosen is None:
        return
    item.firstcreated = item.versioncreated = chosen.moment
    method = f"read:{chosen.method}"
    item.derived[DERIVED_KEY] = Derived(chosen.to_json(), method, chosen.confidence)


def item_time(published: Published | None, dateline: Dateline | None) -> ItemTime | None:
    """The publication date as a moment, or else a complete dateline date."""
    if published is not None:
        moment = _moment(published.value, published.precision)
        if moment is not None:
            confidence = CONFIDENCE.get(published.method.split("+")[0], 0.6)
            return ItemTime(moment, published.precision, published.method, confidence)
    if dateline is not None and dateline.date is not None:
        confidence = CONFIDENCE["dateline"] + (YEAR_WRITTEN_BONUS if dateline.year_written else 0)
        moment = datetime.combine(date.fromisoformat(dateline.date), NOON_UTC)
        return ItemTime(moment, "day", "dateline", round(confidence, 2))
    return None


def _moment(value: str, precision: Precision) -> datetime | None:
    if precision == "minute":
        stated = datetime.fromisoformat(value)
        return stated if stated.tzinfo is not None else stated.replace(tzinfo=UTC)
    if precision == "day":
        return datetime.combine(date.fromisoformat(value[:10]), NOON_UTC)
    if precision == "month":
        return datetime.combine(date.fromisoformat(f"{value[:7]}-01"), NOON_UTC)
    return None  # a year alone
