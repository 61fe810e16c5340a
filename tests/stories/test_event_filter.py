"""Cooperation events as rows (`cooperation_events`): written with each version, read by
the wire's filter in the same SQL as the policy and by the map, backfilled by 0012.

Store tests run on SQLite and PostgreSQL (the `store` fixture). The events are the
chain's own reading of the shared sample articles, not written by hand.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from ortaq.chain import default_chain
from ortaq.exchange.agreements import Agreement, save_agreement
from ortaq.model import Hints, Item
from ortaq.store import Store, schema
from ortaq.store.cooperation import event_rows
from ortaq.store.migrate import upgrade
from ortaq.store.policy import possible_senders
from ortaq.store.store import _item_row as item_row
from ortaq.store.store import create_engine_for
from ortaq.store.stories import StoryFilter, StoryView, list_stories, reporting_with_stories
from ortaq.viewer import OPERATOR
from tests.exchange.helpers import Clock, add_members

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
DAY = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


@cache
def read_samples() -> tuple[Item, ...]:
    """The sample articles as the chain reads them (once per test run)."""
    chain = default_chain()
    return tuple(
        chain.process(path.read_bytes(), Hints(source_name=path.name))
        for path in sorted(SAMPLES.glob("*.txt"))
    )


def samples() -> list[Item]:
    return [copy.deepcopy(item) for item in read_samples()]


def types_of(item: Item) -> set[tuple[str, str]]:
    return {(e["type"], e["status"]) for e in item.stage_data.get("cooperation", [])}


@pytest.fixture
def exchange(store: Store) -> Iterator[Store]:
    """ma sends to mb; mc sends to nobody. The first two samples are ma's, the rest mc's,
    and one of mc's is also corrected (a second version with the same events)."""
    store.clock = Clock(DAY + timedelta(days=1))
    add_members(store, ("ma", "mb", "mc"))
    save_agreement(store, Agreement("ab", "ma to mb", ("ma",), ("mb",), status="active"))
    for n, item in enumerate(samples()):
        item.provider = "ma" if n < 2 else "mc"
        item.uri = f"urn:{item.provider}:{n}"
        item.versioncreated = DAY + timedelta(hours=n)
        store.save(item)
        if n == 3:
            item.body = [*item.body, "Officials confirmed it later."]
            store.save(item)
    yield store


def expected_stories(store: Store, viewer: Any, kind: str | None, status: str | None) -> list[str]:
    """The stories with a version the viewer reads whose stored events match: by hand,
    from the whole items' JSON."""
    every: list[StoryView] = list_stories(store, viewer, limit=500)
    return [
        view.id
        for view in every
        if any(
            (kind is None or k == kind) and (status is None or s == status)
            for version in view.versions
            for k, s in types_of(version.item)
        )
    ]


def test_the_samples_report_events_of_several_types() -> None:
    kinds = {k for item in read_samples() for k, _ in types_of(item)}
    assert len(kinds) >= 3, kinds


def test_each_version_keeps_its_events_as_rows(exchange: Store) -> None:
    versions = exchange._fetch(exchange.visible_items(OPERATOR, current_only=False))
    assert len(versions) == len(read_samples()) + 1
    with exchange.engine.connect() as conn:
        rows = conn.execute(sa.select(schema.cooperation_events)).mappings().all()
    for stored in versions:
        mine = sorted((r["n"], r["type"], r["status"]) for r in rows if r["item_id"] == stored.id)
        events = stored.item.stage_data.get("cooperation", [])
        assert mine == [(n, e["type"], e["status"]) for n, e in enumerate(events)]
        for row in (r for r in rows if r["item_id"] == stored.id):
            event = events[row["n"]]
            assert {row["first_party"], row["second_party"]} <= {
                p["id"] for p in event["parties"]
            } | {None}
            assert row["evidence_start"] == event["evidence"]["start"]
            assert row["evidence_end"] == event["evidence"]["end"]
            assert 0 <= row["evidence_start"] < row["evidence_end"]


@pytest.mark.parametrize("viewer", ["mb", "ma", "mc", OPERATOR])
def test_the_type_filter_keeps_the_stories_a_readable_version_reports(
    exchange: Store, viewer: Any
) -> None:
    pairs = {pair for item in read_samples() for pair in types_of(item)}
    choices = [(k, None) for k, _ in pairs] + [(None, s) for _, s in pairs] + sorted(pairs)
    for kind, status in [*choices, ("no_such_type", None)]:
        only = StoryFilter(event_type=kind, event_status=status)
        for summaries in (False, True):
            found = list_stories(exchange, viewer, limit=500, only=only, summaries=summaries)
            assert [v.id for v in found] == expected_stories(exchange, viewer, kind, status)


def test_a_member_finds_no_story_by_a_type_only_hidden_items_report(exchange: Store) -> None:
    theirs = {pair for item in read_samples()[:2] for pair in types_of(item)}
    hidden = {pair for item in read_samples()[2:] for pair in types_of(item)} - theirs
    hidden_kinds = {k for k, _ in hidden} - {k for k, _ in theirs}
    assert hidden_kinds, "mc's samples report a type ma's do not"
    for kind in hidden_kinds:
        only = StoryFilter(event_type=kind)
        assert list_stories(exchange, "mb", only=only) == []
        assert list_stories(exchange, OPERATOR, only=only) != []


def test_the_map_reads_exactly_the_readable_items_with_events(exchange: Store) -> None:
    for viewer in ("mb", "ma", "mc", OPERATOR):
        listed = [s.id for s, _story in reporting_with_stories(exchange, viewer, batch=1)]
        current = exchange._fetch(exchange.visible_items(viewer))
        expected = sorted(
            (s.id for s in current if s.access == "full" and types_of(s.item)), reverse=True
        )
        assert listed == expected


def test_a_refreshed_reading_replaces_the_rows(exchange: Store) -> None:
    stored = exchange.get_by_uri("urn:ma:0", OPERATOR, provider="ma")
    assert stored is not None and types_of(stored.item)
    item = stored.item
    item.stage_data = {**item.stage_data, "cooperation": []}
    exchange.save_many([(item, None, None)], refresh=True)
    with exchange.engine.connect() as conn:
        left = conn.execute(
            sa.select(sa.func.count()).where(schema.cooperation_events.c.item_id == stored.id)
        ).scalar()
    assert left == 0


def test_upgrades_0012_and_0014_backfill_the_rows_a_save_writes(tmp_path: Path) -> None:
    """Versions stored before 0012 get the event and party rows the write path gives a
    new version (0012 writes the events, 0014 rewrites them with their pairs of parties)."""
    fresh = Store.open(f"sqlite:///{tmp_path}/fresh.db")
    engine = create_engine_for(f"sqlite:///{tmp_path}/old.db")
    upgrade(engine, "0011")
    for n, item in enumerate(samples()):  # the items table is as 0011 left it
        item.uri, item.provider, item.version = f"urn:s:{n}", "ma", 1
        fresh.save(copy.deepcopy(item))
        with engine.begin() as conn:
            conn.execute(schema.items.insert().values(**item_row(item, None, "x", DAY)))
    with engine.begin() as conn:
        assert not sa.inspect(conn).has_table("cooperation_events")
    upgrade(engine)
    for table in (schema.cooperation_events, schema.cooperation_pairs):  # 0012 and 0014
        columns = [c for c in table.c]
        order = [c for c in table.primary_key.columns]
        with engine.connect() as conn, fresh.engine.connect() as other:
            backfilled = conn.execute(sa.select(*columns).order_by(*order)).all()
            written = other.execute(sa.select(*columns).order_by(*order)).all()
        assert backfilled == written and len(written) >= 5, table.name
    engine.dispose()
    fresh.close()


def _events() -> st.SearchStrategy[Any]:
    party = st.fixed_dictionaries(
        {"id": st.text(max_size=5)},
        optional={
            "country": st.one_of(st.none(), st.text(max_size=3)),
            "side": st.sampled_from(["a", "b", "c"]),
        },
    )
    event = st.fixed_dictionaries(
        {},
        optional={
            "type": st.one_of(st.none(), st.integers(), st.text(max_size=70)),
            "status": st.one_of(st.none(), st.text(max_size=40)),
            "parties": st.one_of(st.none(), st.lists(st.one_of(party, st.integers()))),
            "evidence": st.one_of(
                st.none(),
                st.fixed_dictionaries({"start": st.integers(), "end": st.integers()}),
                st.text(),
            ),
        },
    )
    return st.one_of(st.none(), st.text(), st.lists(st.one_of(event, st.integers(), st.none())))


@given(_events())
def test_rows_come_from_well_formed_events_only(events: Any) -> None:
    rows = event_rows(7, {"cooperation": events})
    good = [
        e
        for e in (events if isinstance(events, list) else [])
        if isinstance(e, dict)
        and isinstance(e.get("type"), str)
        and e["type"]
        and isinstance(e.get("status"), str)
        and e["status"]
    ]
    assert [(r["type"], r["status"]) for r in rows] == [
        (e["type"][:60], e["status"][:30]) for e in good
    ]
    assert [r["n"] for r in rows] == list(range(len(rows)))
    for row, event in zip(rows, good, strict=True):
        assert row["item_id"] == 7
        ids = {str(p["id"]) for p in event.get("parties") or [] if isinstance(p, dict)}
        assert {row["first_party"], row["second_party"]} - {None} <= ids
        sides = [p for p in event.get("parties") or [] if isinstance(p, dict)]
        unique = len({p["id"] for p in sides}) == len(sides) and all(p["id"] for p in sides)
        if unique and len({p.get("side") for p in sides}) > 1:
            first = next(p for p in sides if p["id"] == row["first_party"])
            second = next(p for p in sides if p["id"] == row["second_party"])
            assert first.get("side") != second.get("side")


@pytest.mark.parametrize("viewer", ["ma", "mb", "mc", "no-such-member"])
def test_the_possible_senders_hold_for_every_version_the_policy_shows(
    exchange: Store, viewer: str
) -> None:
    """`possible_senders` is implied by the policy: testing it first (the map does)
    hides nothing the viewer may see."""
    reading = exchange.reading(viewer)
    condition = possible_senders(reading)
    assert condition is not None
    every = exchange._fetch(exchange.visible_items(reading, current_only=False))
    narrowed = exchange._fetch(
        exchange.visible_items(reading, current_only=False, where=[condition])
    )
    assert [s.id for s in narrowed] == [s.id for s in every]
    assert possible_senders(exchange.reading(OPERATOR)) is None
