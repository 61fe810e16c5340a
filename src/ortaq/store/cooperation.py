"""The cooperation events of stored versions as rows, and the reads grouped over them.

The cooperation stage keeps each item's events in its JSON (`stage_data["cooperation"]`);
`rows_of` turns them into the rows the store writes with each version
(`schema.cooperation_events`, and every pair of parties in `schema.cooperation_pairs`; migrations
0012 and 0014 fill them from the stored JSON), so that lists filter by an event's type
and status in the same SQL as the access policy, and the map and the cooperation API
group events, countries and organisations in SQL instead of decoding every readable item.

The reads (`reports` and what is built on it) run under the one policy
(`Store.visible_items`): only the current versions the viewer may read in full count.
An event is counted once per story: its identity is the story (or the version, without
one) and the stage's key, as `ortaq.cooperation.graph.aggregate` groups reports.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from ortaq.store import schema
from ortaq.store.policy import Reading, possible_senders

if TYPE_CHECKING:
    from ortaq.store.store import Store, ViewerLike

Row = dict[str, Any]


def event_rows(
    item_id: int, stage_data: Mapping[str, Any] | None, reported: datetime | None = None
) -> list[Row]:
    """One row per cooperation event of the version, in the stage's order. An entry that
    is not an event (no type or status) is skipped: the JSON stays the record."""
    return rows_of(item_id, stage_data, reported)[0]


def rows_of(
    item_id: int, stage_data: Mapping[str, Any] | None, reported: datetime | None = None
) -> tuple[list[Row], list[Row]]:
    """The version's event rows and their pairs of parties (`cooperation_pairs`).
    `reported` is the version's time: an event's date when it has none of its own."""
    rows: list[Row] = []
    pairs: list[Row] = []
    for event in events_of(stage_data):
        kind, status = str(event["type"]), str(event["status"])
        first, second = _two_parties(event.get("parties"))
        start, end = _offsets(event.get("evidence"))
        n = len(rows)
        key, year = _key(event, n)
        rows.append(
            {
                "item_id": item_id,
                "n": n,
                "type": kind[:60],
                "status": status[:30],
                "first_party": _text(first, "id", 300),
                "first_country": _text(first, "country", 8),
                "second_party": _text(second, "id", 300),
                "second_country": _text(second, "country", 8),
                "evidence_start": start,
                "evidence_end": end,
                "event_key": key,
                "event_year": year,
                "event_when": _when(event, reported),
            }
        )
        pairs += _pair_rows(item_id, n, event.get("parties"))
    return rows, pairs


def events_of(stage_data: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    """The version's events that have rows (a type and a status), in the order of the
    rows' `n`; anything else in the JSON is skipped."""
    events = (stage_data or {}).get("cooperation") or []
    return [
        event
        for event in (events if isinstance(events, list) else [])
        if isinstance(event, Mapping)
        and isinstance(event.get("type"), str)
        and isinstance(event.get("status"), str)
        and event["type"]
        and event["status"]
    ]


def _key(event: Mapping[str, Any], n: int) -> tuple[str, str | None]:
    """The stage's key (type, sides, realised class) and its year apart: the reports of
    one event in a story share the key; a year tells two occurrences apart, and a report
    without one joins one with (as `ortaq.cooperation.graph.aggregate` groups them)."""
    key = event.get("key") or event.get("id")
    if key in (None, ""):
        return f"#{n}", None
    text = str(key)
    if text.count("|") < 3:
        return text[:300], None
    base, _, year = text.rpartition("|")
    return base[:300], (year[:10] or None)


def _when(event: Mapping[str, Any], reported: datetime | None) -> str | None:
    """The event's own date if the stage found one, else the report's day (as the graph)."""
    when = event.get("when")
    value = when.get("value") if isinstance(when, Mapping) else None
    if isinstance(value, str) and value:
        return value[:10]
    return reported.date().isoformat() if reported is not None else None


def _pair_rows(item_id: int, n: int, parties: Any) -> list[Row]:
    """Every pair of the event's parties on different sides, as
    `ortaq.cooperation.graph.pairs_of` gives them: ids in order, each party described by
    its first mention; with the pair's two countries in order when both are known and differ."""
    found = [p for p in parties if _is_party(p)] if isinstance(parties, list) else []
    first: dict[str, Mapping[str, Any]] = {}
    for party in found:
        first.setdefault(str(party["id"]), party)
    pairs = {
        tuple(sorted((str(a["id"]), str(b["id"]))))
        for i, a in enumerate(found)
        for b in found[i + 1 :]
        if a.get("side") != b.get("side") and str(a["id"]) != str(b["id"])
    }
    rows: list[Row] = []
    for k, (one, other) in enumerate(sorted(pairs)):
        row = {"item_id": item_id, "n": n, "k": k}
        row |= _described("one", one, first[one]) | _described("other", other, first[other])
        countries = sorted({c for c in (row["one_country"], row["other_country"]) if c})
        low, high = countries if len(countries) == 2 else (None, None)
        rows.append(row | {"low_country": low, "high_country": high})
    return rows


def _is_party(party: Any) -> bool:
    return isinstance(party, Mapping) and party.get("id") not in (None, "")


def _described(end: str, party_id: str, party: Mapping[str, Any]) -> Row:
    return {
        f"{end}_party": party_id[:300],
        f"{end}_name": _text(party, "name", 300),
        f"{end}_kind": _text(party, "kind", 30),
        f"{end}_country": _text(party, "country", 8),
    }


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


def write_events(
    conn: sa.Connection,
    item_id: int,
    stage_data: Mapping[str, Any] | None,
    reported: datetime | None = None,
) -> None:
    """The version's rows and their pairs, replacing any it had (a refreshed reading)."""
    table, pairs = schema.cooperation_events, schema.cooperation_pairs
    conn.execute(pairs.delete().where(pairs.c.item_id == item_id))
    conn.execute(table.delete().where(table.c.item_id == item_id))
    rows, pair_rows = rows_of(item_id, stage_data, reported)
    if rows:
        conn.execute(table.insert(), rows)
    if pair_rows:
        conn.execute(pairs.insert(), pair_rows)


def reporting(kind: str | None = None, status: str | None = None) -> ColumnElement[bool]:
    """The item version reports an event of this type and status (either may be None):
    an `IN` over the indexed rows, so a rare type drives the query from its few rows."""
    table = schema.cooperation_events
    return schema.items.c.id.in_(sa.select(table.c.item_id).where(*_kind_terms(kind, status)))


def _kind_terms(kind: str | None, status: str | None) -> list[ColumnElement[bool]]:
    """An event row of this type and status (either may be None)."""
    table = schema.cooperation_events
    terms: list[ColumnElement[bool]] = []
    if kind:
        terms.append(table.c.type == kind)
    if status:
        terms.append(table.c.status == status)
    return terms


# -- reads: the map and the cooperation API, grouped in SQL under the access policy ----


@dataclass(frozen=True)
class EventQuery:
    """The cooperation filters of the map and the API: a party (entity id or country
    code), type, status, and a period on the event's date (ISO prefixes, inclusive)."""

    party: str | None = None
    type: str | None = None
    status: str | None = None
    since: str | None = None
    until: str | None = None


@dataclass(frozen=True)
class Arc:
    """Events between two countries (codes in order), counted once per story."""

    ends: tuple[str, str]
    count: int
    types: dict[str, int]
    statuses: dict[str, int]


@dataclass(frozen=True)
class Link:
    """Events between two parties of which at least one is not a country."""

    ends: tuple[str, str]
    count: int
    nodes: tuple[Row, Row]  # id, label, kind, country of each end


@dataclass(frozen=True)
class ArcEvent:
    """One event of an arc with the readable versions that report it (newest first)."""

    type: str
    status: str
    when: str | None
    evidence: list[int]


def reports(
    store: Store,
    viewer: ViewerLike | Reading,
    query: EventQuery,
    narrower: Sequence[ColumnElement[bool]] = (),
) -> sa.Subquery:
    """The event rows of the current versions the viewer may read in full, filtered,
    each with its identity: its story (or version) and the stage's key, the unit that
    `ortaq.cooperation.graph.aggregate` counts once. `narrower` conditions on the items
    run before the policy (e.g. only versions with a party of some country)."""
    table, links = schema.cooperation_events, schema.story_items
    reading = viewer if isinstance(viewer, Reading) else store.reading(viewer)
    senders = possible_senders(reading)
    first = [senders] if senders is not None else []
    where = [*first, reporting(query.type, query.status), *narrower]
    readable = _readable(store, reading, where).subquery("readable")
    story = sa.func.coalesce(
        "s" + sa.cast(links.c.story_id, sa.String), "i" + sa.cast(table.c.item_id, sa.String)
    )
    # a report without a year joins the story's earliest occurrence that has one (the
    # story as a number here: a window over integers sorts faster than over the text)
    story_number = sa.func.coalesce(links.c.story_id, -table.c.item_id)
    year = sa.func.coalesce(
        table.c.event_year,
        sa.func.min(table.c.event_year).over(partition_by=[story_number, table.c.event_key]),
        "",
    )
    selected = sa.select(
        table.c.item_id,
        table.c.n,
        table.c.type,
        table.c.status,
        table.c.event_when,
        (story + "|" + table.c.event_key + "|" + year).label("identity"),
    ).select_from(
        table.join(readable, readable.c.id == table.c.item_id).outerjoin(
            links, links.c.item_id == table.c.item_id
        )
    )
    return selected.where(*_conditions(query)).subquery("reports")


def _readable(
    store: Store, reading: Reading, where: Sequence[ColumnElement[bool]]
) -> sa.Select[Any]:
    """The ids of the current versions the viewer may read in full (the one policy)."""
    visible = store.visible_items(
        reading, current_only=True, where=where, columns=[schema.items.c.id]
    )
    return visible.where(visible.selected_columns.access == "full")


def _conditions(query: EventQuery) -> list[ColumnElement[bool]]:
    table, pairs = schema.cooperation_events, schema.cooperation_pairs
    terms = _kind_terms(query.type, query.status)
    if query.since:
        terms.append(sa.func.coalesce(table.c.event_when, "") >= query.since)
    if query.until:
        when = sa.func.substr(sa.func.coalesce(table.c.event_when, "9999"), 1, len(query.until))
        terms.append(when <= query.until)
    if query.party:
        named = [table.c.first_party, table.c.first_country]
        named += [table.c.second_party, table.c.second_country]
        paired = [pairs.c.one_party, pairs.c.one_country, pairs.c.other_party]
        paired.append(pairs.c.other_country)
        in_pair = sa.exists().where(
            pairs.c.item_id == table.c.item_id,
            pairs.c.n == table.c.n,
            sa.or_(*(column == query.party for column in paired)),
        )
        terms.append(sa.or_(*(column == query.party for column in named), in_pair))
    return terms


@dataclass(frozen=True)
class MapView:
    """What the map page shows, from one reading of the events: their number, the arcs
    between countries, the busiest organisation links, and a page of events."""

    total: int
    arcs: list[Arc]
    links: list[Link]
    page: list[list[tuple[int, int]]]  # each event as its reports' (version id, n)


# The events a map request reads, written once per request into a temporary table that
# its groupings then read: the policy runs once, not once per grouping.
_scratch = sa.MetaData()
REPORTS = sa.Table(
    "ortaq_map_reports",
    _scratch,
    sa.Column("item_id", sa.Integer, nullable=False),
    sa.Column("n", sa.Integer, nullable=False),
    sa.Column("type", sa.String(60), nullable=False),
    sa.Column("status", sa.String(30), nullable=False),
    sa.Column("event_when", sa.String(10)),
    sa.Column("identity", sa.String(400), nullable=False),
    prefixes=["TEMPORARY"],
)


def map_view(
    store: Store,
    viewer: ViewerLike | Reading,
    query: EventQuery,
    *,
    per_page: int,
    offset: int = 0,
    links: int = 300,
) -> MapView:
    """The map page's groupings of the events the viewer may read, from one reading."""
    with _read_once(store, viewer, query) as (conn, found):
        return MapView(
            _count(conn, found),
            _arcs(conn, found),
            _links(conn, found, links),
            _page(conn, found, per_page, offset),
        )


def pair_graph(
    store: Store, viewer: ViewerLike | Reading, query: EventQuery, limit: int
) -> dict[str, Any]:
    """The cooperation graph's shape (`Graph.to_json`) grouped in SQL: the `limit` busiest
    pairs of parties (countries and organisations) with their events counted by type and
    status, first and last date and reporting versions, and the parties they join."""
    with _read_once(store, viewer, query) as (conn, found):
        total = _count(conn, found)
        edges = _edges(conn, found, limit)
    nodes: dict[str, Row] = {}
    for edge in edges:
        for end in ("source", "target"):
            node = nodes.setdefault(edge[end], {**edge.pop(f"{end}_node"), "events": 0})
            node["events"] += edge["count"]
    return {"nodes": sorted(nodes.values(), key=lambda n: n["id"]), "edges": edges, "events": total}


@contextmanager
def _read_once(
    store: Store, viewer: ViewerLike | Reading, query: EventQuery
) -> Iterator[tuple[sa.Connection, Source]]:
    """The events a request reads, written once into a temporary table that its
    groupings then read (the policy runs once, not once per grouping); dropped after."""
    found = reports(store, viewer, query)
    with store.engine.begin() as conn:
        REPORTS.create(conn)
        try:
            conn.execute(REPORTS.insert().from_select([c.name for c in REPORTS.c], found.select()))
            # its size, for the planner: without it SQLite scanned every pair of parties
            # in the store and looked each up here, not the other way round
            conn.exec_driver_sql(f"ANALYZE {REPORTS.name}")
            yield conn, REPORTS
        finally:
            REPORTS.drop(conn)


def count_events(store: Store, viewer: ViewerLike | Reading, query: EventQuery) -> int:
    """How many events (each once per story) the viewer may see under the filters."""
    with store.engine.connect() as conn:
        return _count(conn, reports(store, viewer, query))


def country_arcs(store: Store, viewer: ViewerLike | Reading, query: EventQuery) -> list[Arc]:
    """Every pair of countries that readable events link (an organisation at its
    country), with the events counted by type and by status."""
    with store.engine.connect() as conn:
        return _arcs(conn, reports(store, viewer, query))


def event_page(
    store: Store, viewer: ViewerLike | Reading, query: EventQuery, limit: int, offset: int = 0
) -> tuple[int, list[list[tuple[int, int]]]]:
    """How many events match, and a page of them, newest report first: each as the
    (version id, event number) of its reports, for the caller to read those versions and
    aggregate them. One reading of the events."""
    with _read_once(store, viewer, query) as (conn, found):
        return _count(conn, found), _page(conn, found, limit, offset)


Source = sa.Subquery | sa.Table  # `reports`, or the map's temporary copy of it


def _pairs(found: Source) -> tuple[sa.TableClause, sa.FromClause]:
    """Each report joined with its pairs of parties on different sides."""
    pairs = schema.cooperation_pairs
    same = sa.and_(pairs.c.item_id == found.c.item_id, pairs.c.n == found.c.n)
    return pairs, found.join(pairs, same)


def _count(conn: sa.Connection, found: Source) -> int:
    return int(conn.execute(sa.select(sa.func.count(sa.distinct(found.c.identity)))).scalar() or 0)


def _arcs(conn: sa.Connection, found: Source) -> list[Arc]:
    pairs, joined = _pairs(found)
    ends = (pairs.c.low_country, pairs.c.high_country)
    # each event once per pair of countries, under one type and status (reports may differ)
    events = (
        sa.select(
            *ends,
            sa.func.min(found.c.type).label("type"),
            sa.func.min(found.c.status).label("status"),
        )
        .select_from(joined)
        .where(pairs.c.low_country.is_not(None))
        .group_by(*ends, found.c.identity)
        .subquery("events")
    )
    kept = (events.c.low_country, events.c.high_country, events.c.type, events.c.status)
    arcs: dict[tuple[str, str], Arc] = {}
    for low, high, kind, status, count in conn.execute(
        sa.select(*kept, sa.func.count()).group_by(*kept)
    ):
        arc = arcs.setdefault((low, high), Arc((low, high), 0, {}, {}))
        arc.types[kind] = arc.types.get(kind, 0) + count
        arc.statuses[status] = arc.statuses.get(status, 0) + count
    return [
        Arc(arc.ends, sum(arc.types.values()), arc.types, arc.statuses)
        for _, arc in sorted(arcs.items())
    ]


def _links(conn: sa.Connection, found: Source, limit: int) -> list[Link]:
    pairs, joined = _pairs(found)
    counted = sa.func.count(sa.distinct(found.c.identity)).label("count")
    ends = (pairs.c.one_party, pairs.c.other_party)
    described = _described_ends(pairs)
    not_two_countries = sa.or_(
        sa.func.coalesce(pairs.c.one_kind, "") != "country",
        sa.func.coalesce(pairs.c.other_kind, "") != "country",
    )
    statement = (
        sa.select(*ends, counted, *described)
        .select_from(joined)
        .where(not_two_countries)
        .group_by(*ends)
        .order_by(counted.desc(), *ends)
        .limit(limit)
    )
    return [
        Link((row[0], row[1]), int(row[2]), (_node(row[0], *row[3:6]), _node(row[1], *row[6:9])))
        for row in conn.execute(statement)
    ]


def _edges(conn: sa.Connection, found: Source, limit: int) -> list[Row]:
    pairs, joined = _pairs(found)
    ends = (pairs.c.one_party, pairs.c.other_party)
    # each event once per pair, under one type and status, with its first and last report
    events = (
        sa.select(
            *ends,
            sa.func.min(found.c.type).label("type"),
            sa.func.min(found.c.status).label("status"),
            sa.func.min(found.c.event_when).label("first"),
            sa.func.max(found.c.event_when).label("last"),
        )
        .select_from(joined)
        .group_by(*ends, found.c.identity)
        .subquery("events")
    )
    busiest = (
        sa.select(events.c.one_party, events.c.other_party, sa.func.count().label("count"))
        .group_by(events.c.one_party, events.c.other_party)
        .order_by(sa.desc("count"), events.c.one_party, events.c.other_party)
        .limit(limit)
    )
    chosen = {(row.one_party, row.other_party): row.count for row in conn.execute(busiest)}
    if not chosen:
        return []
    edges: dict[tuple[str, str], Row] = {}
    for one, other, kind, status, count, first, last in conn.execute(
        sa.select(
            events.c.one_party, events.c.other_party, events.c.type, events.c.status,
            sa.func.count(), sa.func.min(events.c.first), sa.func.max(events.c.last),
        ).group_by(events.c.one_party, events.c.other_party, events.c.type, events.c.status)
    ):  # fmt: skip
        if (one, other) not in chosen:
            continue
        edge = edges.setdefault((one, other), _edge(one, other))
        edge["count"] += count
        edge["types"][kind] = edge["types"].get(kind, 0) + count
        edge["statuses"][status] = edge["statuses"].get(status, 0) + count
        edge["first"] = min(filter(None, (edge["first"], first)), default=None)
        edge["last"] = max(filter(None, (edge["last"], last)), default=None)
    _describe(conn, found, edges)
    return [edges[pair] for pair in sorted(edges)]


def _edge(one: str, other: str) -> Row:
    return {"id": f"{one}--{other}", "source": one, "target": other, "count": 0, "types": {},
            "statuses": {}, "first": None, "last": None, "sources": 0}  # fmt: skip


def _describe(conn: sa.Connection, found: Source, edges: dict[tuple[str, str], Row]) -> None:
    """Each edge's reporting versions and its two parties (name, kind, country)."""
    pairs, joined = _pairs(found)
    ends = (pairs.c.one_party, pairs.c.other_party)
    described = _described_ends(pairs)
    statement = sa.select(*ends, sa.func.count(sa.distinct(found.c.item_id)), *described)
    for row in conn.execute(statement.select_from(joined).group_by(*ends)):
        edge = edges.get((row[0], row[1]))
        if edge is not None:
            edge["sources"] = int(row[2])
            edge["source_node"] = _node(row[0], *row[3:6])
            edge["target_node"] = _node(row[1], *row[6:9])


def _described_ends(pairs: sa.TableClause) -> list[ColumnElement[Any]]:
    """Name, kind and country of a pair's two parties, one of each per group."""
    ends = ("one", "other")
    return [sa.func.max(pairs.c[f"{end}_{f}"]) for end in ends for f in ("name", "kind", "country")]


def _node(party_id: str, name: str | None, kind: str | None, country: str | None) -> Row:
    return {"id": party_id, "label": name or party_id, "kind": kind, "country": country}


def _page(
    conn: sa.Connection, found: Source, limit: int, offset: int
) -> list[list[tuple[int, int]]]:
    newest = sa.func.max(found.c.item_id).label("newest")
    page = (
        sa.select(found.c.identity, newest)
        .group_by(found.c.identity)
        .order_by(newest.desc(), found.c.identity)
        .limit(limit)
        .offset(offset)
    )
    chosen = [row.identity for row in conn.execute(page)]
    if not chosen:
        return []
    rows = conn.execute(
        sa.select(found.c.identity, found.c.item_id, found.c.n).where(found.c.identity.in_(chosen))
    )
    by_identity: dict[str, list[tuple[int, int]]] = {identity: [] for identity in chosen}
    for identity, item_id, n in rows:
        by_identity[identity].append((item_id, n))
    return [sorted(found_rows, reverse=True) for found_rows in by_identity.values()]


def arc_events(
    store: Store,
    viewer: ViewerLike | Reading,
    ends: tuple[str, str],
    query: EventQuery,
    limit: int = 20,
) -> list[ArcEvent]:
    """The newest events between two countries, each with the versions reporting it."""
    low, high = sorted(ends)
    table = schema.cooperation_pairs
    between = sa.and_(table.c.low_country == low, table.c.high_country == high)
    # only the versions with such a pair go through the policy
    found = reports(
        store, viewer, query, [schema.items.c.id.in_(sa.select(table.c.item_id).where(between))]
    )
    pairs, joined = _pairs(found)
    statement = (
        sa.select(
            found.c.identity, found.c.item_id, found.c.type, found.c.status, found.c.event_when
        )
        .select_from(joined)
        .where(pairs.c.low_country == low, pairs.c.high_country == high)
        .distinct()
        .order_by(found.c.item_id.desc())
        .limit(limit * 10)  # reports, not events: a story's versions repeat one event
    )
    grouped: dict[str, ArcEvent] = {}
    with store.engine.connect() as conn:
        for identity, item_id, kind, status, when in conn.execute(statement):
            event = grouped.get(identity)
            if event is None:
                if len(grouped) == limit:
                    continue
                event = grouped[identity] = ArcEvent(kind, status, when, [])
            if item_id not in event.evidence:
                event.evidence.append(item_id)
    return list(grouped.values())


# -- a page of events, newest first, without reading every event -------------------------


@dataclass(frozen=True)
class _Report:
    item_id: int
    n: int
    story: str  # "s<story id>", or "i<version id>" for a version without a story
    key: str
    year: str | None


def newest_events(
    store: Store,
    viewer: ViewerLike | Reading,
    query: EventQuery,
    limit: int,
    before: int | None = None,
    batch: int = 500,
) -> tuple[list[list[tuple[int, int]]], int | None]:
    """A page of events, newest report first, reading only what the page needs: the
    readable versions that report a matching event are walked newest first (below
    `before`), a batch at a time, and each event met is made whole from the other
    readable reports of its story (the identity of `reports`: story, key, year). An event
    whose newest report is at or above `before` was on an earlier page. Returns the page,
    each event as its reports' (version id, n), newest first, and the next page's
    `before` (None after the last page). A page may hold a few more than `limit` events:
    it ends with a whole version."""
    reading = viewer if isinstance(viewer, Reading) else store.reading(viewer)
    page: list[list[tuple[int, int]]] = []
    shown: set[tuple[str, str, str]] = set()
    below = before
    while True:
        walked, going_on = _walk(store, reading, query, below, batch)
        events = _whole_events(store, reading, query, walked)
        newest_first = sorted(walked, key=lambda r: (-r.item_id, r.n))
        for version_id, reports in itertools.groupby(newest_first, key=lambda r: r.item_id):
            for report in reports:
                identity, reports_of = events[(report.item_id, report.n)]
                if identity in shown or (before is not None and reports_of[0][0] >= before):
                    continue  # met already, or shown on an earlier page
                shown.add(identity)
                page.append(reports_of)
            if len(page) >= limit:
                return page, version_id
        if going_on is None:
            return page, None
        below = going_on


def _walk(
    store: Store, reading: Reading, query: EventQuery, below: int | None, batch: int
) -> tuple[list[_Report], int | None]:
    """The matching event rows of the next readable versions that report an event, below
    `below`, and where the walk goes on (None at the oldest). The
    newest `batch` versions with event rows come from that table's key, then the policy
    checks them by id: as one policy query ordered by id, PostgreSQL gathered every
    readable version first (1.4 s at a million)."""
    items, table = schema.items, schema.cooperation_events
    kinds = _kind_terms(query.type, query.status)
    if below is not None:
        kinds.append(table.c.item_id < below)
    newest = (
        sa.select(table.c.item_id)
        .where(*kinds)
        .group_by(table.c.item_id)
        .order_by(table.c.item_id.desc())
        .limit(batch)
    )
    with store.engine.connect() as conn:
        candidates = list(conn.execute(newest).scalars())
    if not candidates:
        return [], None
    with store.engine.connect() as conn:
        chosen = _readable(store, reading, [items.c.id.in_(candidates)])
        ids = sorted((row.id for row in conn.execute(chosen)), reverse=True)
    going_on = min(candidates) if len(candidates) == batch else None
    return (_reports_of(store, query, ids) if ids else []), going_on


def _reports_of(store: Store, query: EventQuery, ids: Sequence[int]) -> list[_Report]:
    """The matching event rows of these versions (already checked by the policy)."""
    table, links = schema.cooperation_events, schema.story_items
    statement = (
        sa.select(
            table.c.item_id, table.c.n, links.c.story_id, table.c.event_key, table.c.event_year
        )
        .select_from(table.outerjoin(links, links.c.item_id == table.c.item_id))
        .where(table.c.item_id.in_(sorted(set(ids))), *_conditions(query))
    )
    with store.engine.connect() as conn:
        return [
            _Report(row[0], row[1], f"s{row[2]}" if row[2] is not None else f"i{row[0]}", *row[3:])
            for row in conn.execute(statement)
        ]


def _whole_events(
    store: Store, reading: Reading, query: EventQuery, walked: list[_Report]
) -> dict[tuple[int, int], tuple[tuple[str, str, str], list[tuple[int, int]]]]:
    """Each walked report's event identity and all the event's readable reports (the
    other versions of its story included), newest first."""
    stories = sorted({int(r.story[1:]) for r in walked if r.story.startswith("s")})
    items, links = schema.items, schema.story_items
    with store.engine.connect() as conn:
        members = list(
            conn.execute(sa.select(links.c.item_id).where(links.c.story_id.in_(stories))).scalars()
        )
    others = [i for i in members if i not in {r.item_id for r in walked}]
    readable: list[int] = []
    if others:
        with store.engine.connect() as conn:
            chosen = _readable(store, reading, [items.c.id.in_(others)])
            readable = [row.id for row in conn.execute(chosen)]
    every = walked + _reports_of(store, query, readable)
    # a report without a year joins its story's earliest occurrence that has one
    years: dict[tuple[str, str], str] = {}
    for report in every:
        if report.year:
            known = years.get((report.story, report.key))
            years[(report.story, report.key)] = min(report.year, known or report.year)
    grouped: dict[tuple[str, str, str], list[tuple[int, int]]] = {}
    identity_of: dict[tuple[int, int], tuple[str, str, str]] = {}
    for report in every:
        year = report.year or years.get((report.story, report.key), "")
        identity = (report.story, report.key, year)
        grouped.setdefault(identity, []).append((report.item_id, report.n))
        identity_of[(report.item_id, report.n)] = identity
    return {
        place: (identity, sorted(set(grouped[identity]), reverse=True))
        for place, identity in identity_of.items()
    }
