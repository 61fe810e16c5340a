"""The cooperation events of stored versions as rows (`schema.cooperation_events`).

The cooperation stage keeps each item's events in its JSON (`stage_data["cooperation"]`);
`event_rows` turns them into the rows the store writes with each version (and that
migration 0012 backfills from the stored JSON), so that lists filter by an event's type
and status in the same SQL as the access policy. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from ortaq.store import schema

Row = dict[str, Any]


def event_rows(item_id: int, stage_data: Mapping[str, Any] | None) -> list[Row]:
    """One row per cooperation event of the version, in the stage's order. An entry that
    is not an event (no type or status) is skipped: the JSON stays the record."""
    events = (stage_data or {}).get("cooperation") or []
    rows: list[Row] = []
    for event in events if isinstance(events, list) else []:
        if not isinstance(event, Mapping):
            continue
        kind, status = event.get("type"), event.get("status")
        if not isinstance(kind, str) or not isinstance(status, str) or not kind or not status:
            continue
        first, second = _two_parties(event.get("parties"))
        start, end = _offsets(event.get("evidence"))
        rows.append(
            {
                "item_id": item_id,
                "n": len(rows),
                "type": kind[:60],
                "status": status[:30],
                "first_party": _text(first, "id", 300),
                "first_country": _text(first, "country", 8),
                "second_party": _text(second, "id", 300),
                "second_country": _text(second, "country", 8),
                "evidence_start": start,
                "evidence_end": end,
            }
        )
    return rows


def _two_parties(parties: Any) -> tuple[Mapping[str, Any] | None, Mapping[str, Any] | None]:
    """The first party and the first on another side than it (else the second)."""
    found = [p for p in parties if isinstance(p, Mapping)] if isinstance(parties, list) else []
    if not found:
        return None, None
    first = found[0]
    rest = found[1:]
    other = next((p for p in rest if p.get("side") != first.get("side")), None)
    return first, other if other is not None else (rest[0] if rest else None)


def _offsets(evidence: Any) -> tuple[int | None, int | None]:
    if not isinstance(evidence, Mapping):
        return None, None
    start, end = evidence.get("start"), evidence.get("end")
    if isinstance(start, int) and isinstance(end, int) and not isinstance(start, bool):
        return start, end
    return None, None


def _text(party: Mapping[str, Any] | None, key: str, limit: int) -> str | None:
    value = party.get(key) if party is not None else None
    return str(value)[:limit] if value not in (None, "") else None


def write_events(conn: sa.Connection, item_id: int, stage_data: Mapping[str, Any] | None) -> None:
    """The version's rows, replacing any it had (a refreshed reading)."""
    table = schema.cooperation_events
    conn.execute(table.delete().where(table.c.item_id == item_id))
    rows = event_rows(item_id, stage_data)
    if rows:
        conn.execute(table.insert(), rows)


def reporting(kind: str | None = None, status: str | None = None) -> ColumnElement[bool]:
    """The item version reports an event of this type and status (either may be None):
    an `IN` over the indexed rows, so a rare type drives the query from its few rows."""
    table = schema.cooperation_events
    terms: list[ColumnElement[bool]] = []
    if kind:
        terms.append(table.c.type == kind)
    if status:
        terms.append(table.c.status == status)
    return schema.items.c.id.in_(sa.select(table.c.item_id).where(*terms))
