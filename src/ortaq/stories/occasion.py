"""When an item's occasion happened, as far as the item itself says: a span of time.

Two reports belong to one story when they tell the same occasion, and the first test of
that is time: the same parties months or years apart are another story. The span comes
from the item's own times (ninjs `versioncreated`, `firstcreated`) and, when the input
has none, from the publication date the read stage derived (`derived["published"]`),
as precise as it was written: a day is that day, a month that whole month.

When the read stage fills the item's times from its publication date (it then records
the precision in `derived["times"]`), that precision is kept, so a month-only date is
not read as the 1st of the month. An item with no date of its own has no span: it is
placed by what it says, never by when it was ingested (an archive is often loaded in
one go, and would otherwise look like one day's news).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

DAY = 86400.0


@dataclass(frozen=True)
class Span:
    """From `start` to `end`, in seconds since the epoch (`start == end` for a moment)."""

    start: float
    end: float

    @classmethod
    def at(cls, moment: datetime | float) -> Span:
        seconds = moment.timestamp() if isinstance(moment, datetime) else float(moment)
        return cls(seconds, seconds)

    def gap(self, start: float, end: float) -> float:
        """Seconds between this span and [start, end]; 0 when they overlap."""
        return max(0.0, start - self.end, self.start - end)


def _day(value: date) -> float:
    return datetime(value.year, value.month, value.day, tzinfo=UTC).timestamp()


def span_of(value: str, precision: str) -> Span | None:
    """The span an ISO date of that precision covers ('2019-10' is all of October)."""
    try:
        if precision == "minute" or len(value) > 10:
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            return Span.at(moment)
        if precision == "day":
            start = _day(date.fromisoformat(value[:10]))
            return Span(start, start + DAY)
        year = int(value[:4])
        if precision == "month":
            month = int(value[5:7])
            last = calendar.monthrange(year, month)[1]
            return Span(_day(date(year, month, 1)), _day(date(year, month, last)) + DAY)
        if precision == "year":
            return Span(_day(date(year, 1, 1)), _day(date(year, 12, 31)) + DAY)
    except ValueError:
        return None
    return None


def _derived_value(item: Any, key: str) -> dict[str, Any] | None:
    derived = getattr(item, "derived", {}).get(key)
    value = getattr(derived, "value", None)
    return value if isinstance(value, dict) else None


def item_span(item: Any) -> Span | None:
    """The item's time as a span, or None when the item gives no date at all."""
    stated = item.versioncreated or item.firstcreated
    filled = _derived_value(item, "times")  # the read stage filled the times from a date
    if stated is not None:
        precision = str(filled.get("precision", "minute")) if filled else "minute"
        if precision == "minute":
            return Span.at(stated)
        moment = stated.astimezone(UTC) if stated.tzinfo else stated.replace(tzinfo=UTC)
        return span_of(moment.date().isoformat(), precision)
    published = _derived_value(item, "published")
    if published and published.get("value"):
        return span_of(str(published["value"]), str(published.get("precision", "day")))
    return None


def month_days(span: Span) -> set[str]:
    """Month-day keys ('d:09-16') of the days a short span covers (none for a long one)."""
    if span.end - span.start > 7 * DAY:
        return set()
    out, day = set(), datetime.fromtimestamp(span.start, UTC).date()
    last = datetime.fromtimestamp(max(span.start, span.end - 1), UTC).date()
    while day <= last:
        out.add(f"d:{day.month:02d}-{day.day:02d}")
        day += timedelta(days=1)
    return out
