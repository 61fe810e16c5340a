"""The publication date of an item, and where it came from.

Sources, in order of trust: structured metadata (the feed's own timestamp), then the
page's `date` line (" date 2021-02", kept by the plain-text adapter as the scraper
header). The dateline ("Bakou, 27 février") never gives a publication date alone, but
it may refine one that agrees: `date 2021-02` + "27 février" -> 2021-02-27, day,
"header+dateline" (realnews/ANNOTATION.md, section 2). Dates in the text are the dates
of events, and a site banner's date is the day the page was saved: neither is a
publication date, so an item without metadata or a date line has none (its own times
may still come from a dated dateline: ortaq.read.times).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from ortaq.model import Precision
from ortaq.read.datelines import Dateline
from ortaq.read.dates import DateParts

ISO_DATE = re.compile(
    r"(?<!\d)(?P<year>\d{4})-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2}))?)?(?!\d)"
)
NUMERIC_DATE = re.compile(r"(?<!\d)(?P<day>\d{1,2})[./](?P<month>\d{1,2})[./](?P<year>\d{4})(?!\d)")
YEAR_ONLY = re.compile(r"^\s*(?P<year>(?:1[89]|2[01])\d{2})\s*$")
PLAUSIBLE_YEARS = range(1800, 2200)
DATEPARSER_PERIODS: dict[str, Precision] = {
    "time": "minute",
    "day": "day",
    "week": "day",
    "month": "month",
    "year": "year",
}


@dataclass(frozen=True)
class Published:
    """When the item was published, how precisely, and by which method."""

    value: str  # "YYYY", "YYYY-MM", "YYYY-MM-DD" or ISO 8601 to the minute
    precision: Precision
    method: str  # "metadata", "header", "dateline", "text", or e.g. "header+dateline"

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "precision": self.precision, "method": self.method}

    def as_date(self) -> date:
        """The first day the value covers (a reference for resolving partial dates)."""
        year, month, day = [*self.value[:10].split("-"), "1", "1"][:3]
        return date(int(year), int(month), int(day))


def choose_published(
    metadata: datetime | None,
    header: str | None,
    dateline: Dateline | None,
) -> Published | None:
    """The publication date from the best available source (see the module docstring)."""
    base = _from_metadata(metadata) or parse_header(header)
    if base is not None and dateline is not None:
        return _refined(base, dateline.written)
    return base


def _from_metadata(value: datetime | None) -> Published | None:
    if value is None:
        return None
    if value.tzinfo is None and (value.hour, value.minute, value.second) == (0, 0, 0):
        return Published(value.date().isoformat(), "day", "metadata")  # a date, not a time
    return Published(value.isoformat(timespec="minutes"), "minute", "metadata")


def parse_header(header: str | None) -> Published | None:
    """A scraper header's date: "2021-02", "2025-12-14", "14.12.2025", "2025"; other
    strings go to dateparser (fine for an isolated string, never for running text),
    absolute dates only."""
    if not header or not header.strip():
        return None
    iso = ISO_DATE.search(header)
    if iso is not None:
        return _checked(iso.groupdict(), "header")
    numeric = NUMERIC_DATE.search(header)
    if numeric is not None:
        return _checked(numeric.groupdict(), "header")
    year = YEAR_ONLY.match(header)
    if year is not None:
        return Published(year.group("year"), "year", "header")
    return _dateparser(header)


def _checked(groups: dict[str, str | None], method: str) -> Published | None:
    numbers = {k: int(v) for k, v in groups.items() if v is not None}
    if numbers["year"] not in PLAUSIBLE_YEARS:
        return None
    try:
        moment = datetime(
            numbers["year"],
            numbers["month"],
            numbers.get("day", 1),
            numbers.get("hour", 0),
            numbers.get("minute", 0),
        )
    except ValueError:
        return None
    if "minute" in numbers:
        return Published(moment.isoformat(timespec="minutes"), "minute", method)
    if "day" in numbers:
        return Published(moment.date().isoformat(), "day", method)
    return Published(f"{moment.year:04d}-{moment.month:02d}", "month", method)


def _dateparser(text: str) -> Published | None:
    from dateparser.date import DateDataParser  # type: ignore[import-untyped]

    # Absolute dates only: "2 days ago" depends on when it is read, and the chain is pure.
    settings = {
        "PREFER_DAY_OF_MONTH": "first",
        "PARSERS": ["custom-formats", "absolute-time"],
        "REQUIRE_PARTS": ["year"],  # a missing year would be filled from the clock
    }
    data = DateDataParser(settings=settings).get_date_data(text)
    if data.date_obj is None or data.date_obj.year not in PLAUSIBLE_YEARS:
        return None
    precision = DATEPARSER_PERIODS.get(data.period or "day", "day")
    moment = data.date_obj
    values = {
        "minute": moment.isoformat(timespec="minutes"),
        "day": moment.date().isoformat(),
        "month": f"{moment.year:04d}-{moment.month:02d}",
        "year": f"{moment.year:04d}",
    }
    return Published(values[precision], precision, "header")


def _refined(base: Published, written: DateParts | None) -> Published:
    """`base` made more precise by the dateline's day and month when they agree with it
    (same year and month as far as `base` tells)."""
    if written is None or written.month is None or base.precision not in ("year", "month"):
        return base
    year = int(base.value[:4])
    if written.year is not None and written.year != year:
        return base
    if base.precision == "month" and (written.month != int(base.value[5:7]) or written.day is None):
        return base
    method = f"{base.method}+dateline"
    if written.day is None:
        return Published(f"{year:04d}-{written.month:02d}", "month", method)
    try:
        value = date(year, written.month, written.day).isoformat()
    except ValueError:
        return base
    return Published(value, "day", method)
