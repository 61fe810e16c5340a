"""A bulk-loaded benchmark store reads exactly as one written item by item.

The generator's versions (`benchdata.bulk_versions`: retold development-set stories,
near-copies, corrections, kills, embargoes, everyday items) go through the normal
writer (`Store.save`: locking, the search index, story assignment) into one store;
then the decisions that writer made (`bulk.versions_of`) are bulk-loaded into an empty
store with the same members and agreements. Every read a benchmark times must agree:
the item list with the policy, search with its facets, stories with their copy links,
histories, for the operator and for members under different agreements.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ortaq.benchdata import add_exchange, bulk_versions, member_slugs
from ortaq.store import Store, StoredItem
from ortaq.store.bulk import BulkVersion, replicate, versions_of
from ortaq.store.cooperation import EventQuery, map_view
from ortaq.store.stories import get_story, list_stories, reporting_with_stories
from ortaq.viewer import OPERATOR, Viewer
from tests.conftest import fresh_postgres_url

COUNT = 150
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # the reads' moment: some embargoes run
QUERIES = ("Erdoğan", "Эрдоган", "TÜRKİYE", "Almaty", "Путин", '"prime minister"', "seçim")


@functools.cache
def generated() -> tuple[BulkVersion, ...]:
    return tuple(bulk_versions(COUNT, seed=9, days=4, now=NOW))


@pytest.fixture
def second_url(database_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'bulk.db'}"
    return fresh_postgres_url(request.getfixturevalue("postgres_template"))


@pytest.fixture
def both(database_url: str, second_url: str) -> Iterator[tuple[Store, Store]]:
    written = Store.open(database_url, clock=lambda: NOW)
    loaded = Store.open(second_url, clock=lambda: NOW)
    try:
        add_exchange(written, seed=9)
        add_exchange(loaded, seed=9)
        for version in generated():
            written.save(version.item)
        loaded.bulk_load(versions_of(written))
        yield written, loaded
    finally:
        written.close()
        loaded.close()


def viewers() -> list[Any]:
    return [OPERATOR, *(Viewer.of(slug) for slug in member_slugs()[:8])]


def entry(stored: StoredItem) -> dict[str, Any]:
    rights = stored.rights.to_json() if stored.rights else None
    return {"id": stored.id, "item": stored.item.to_json(), "access": stored.access,
            "rights": rights, "current": stored.is_current}  # fmt: skip


def test_generator_decides_what_a_writer_would_store() -> None:
    versions = generated()
    ids = [v.item_id for v in versions]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert any(v.supersedes is not None for v in versions), "no correction generated"
    assert any(v.copy_of is not None for v in versions), "no near-copy generated"
    assert any(v.item.pubstatus != "usable" for v in versions), "no kill or withhold"
    assert any(v.item.embargoed is not None for v in versions), "no embargo"
    stories = [v.story for v in versions]
    assert len(set(stories)) < len(stories), "every story has one version"
    languages = {v.item.language for v in versions}
    assert len(languages) >= 5


def test_bulk_loaded_store_reads_as_the_written_one(both: tuple[Store, Store]) -> None:
    written, loaded = both
    assert loaded.count_items() == written.count_items()
    assert loaded.count_items(current_only=False) == written.count_items(current_only=False)
    for viewer in viewers():
        for read in (written, loaded):
            assert read.list_summaries(limit=500, viewer=viewer, now=NOW) is not None
        listed = [
            [entry(s) for s in store.list_items(limit=500, viewer=viewer, now=NOW)]
            for store in both
        ]
        assert listed[0] == listed[1], f"item list differs for {viewer}"
        for text in QUERIES:
            found = [store.search(text, viewer=viewer, now=NOW, limit=50) for store in both]
            assert [h.stored.id for h in found[0].hits] == [h.stored.id for h in found[1].hits]
            assert (found[0].total, found[0].facets) == (found[1].total, found[1].facets), text
        stories = [list_stories(store, viewer, limit=200, now=NOW) for store in both]
        assert [s.to_json() for s in stories[0]] == [s.to_json() for s in stories[1]]
        for view in stories[0][:10]:
            again = get_story(loaded, view.id, viewer, NOW)
            assert again is not None and again.timeline() == view.timeline()
        reported = [
            [(s.id, story) for s, story in reporting_with_stories(store, viewer, now=NOW)]
            for store in both
        ]
        assert reported[0] == reported[1], f"cooperation events differ for {viewer}"
        mapped = [
            map_view(store, store.reading(viewer, NOW), EventQuery(), per_page=50) for store in both
        ]
        assert mapped[0] == mapped[1], f"the map differs for {viewer}"
    assert any(reporting_with_stories(loaded, OPERATOR, now=NOW)), "no cooperation event loaded"


def test_bulk_loaded_store_keeps_corrections_and_copies(both: tuple[Store, Store]) -> None:
    written, loaded = both
    corrected = [v for v in versions_of(written) if v.supersedes is not None]
    assert corrected, "the generator made no correction"
    for version in corrected:
        item = version.item
        histories = [
            [entry(s) for s in store.history(item.uri, OPERATOR, NOW, provider=item.provider)]
            for store in both
        ]
        assert len(histories[0]) >= 2 and histories[0] == histories[1]
        events = [
            [(e["kind"], e["version"]) for e in store.events(item.uri, provider=item.provider)]
            for store in both
        ]
        assert events[0] == events[1]
    copies = [view.copies for view in list_stories(loaded, OPERATOR, limit=500, now=NOW)]
    assert any(copies), "no copy link survived the bulk load"


def test_a_bulk_loaded_store_takes_new_items_in_its_stories(both: tuple[Store, Store]) -> None:
    """The story log's head is where the writer's was: a new version joins a story with
    the next id on both, and the ids the writer gives follow the loaded ones."""
    told = next(v.item for v in generated() if v.copy_of is not None)
    later = NOW + timedelta(minutes=5)
    again = replace(told, uri="urn:ortaq-bench:member-07:again", provider="member-07",
                    version=1, versioncreated=later)  # fmt: skip
    retold = [store.save(replace(again)) for store in both]
    assert retold[0].item_id == retold[1].item_id
    assert retold[0].story == retold[1].story


COPIES = 3
PERIOD = timedelta(days=4)  # the generated block's days


def copy_of_block(version: BulkVersion, k: int, block: tuple[int, int]) -> BulkVersion:
    """Copy `k` of a generated version as `bulk.replicate` makes it (copy 0 is the
    block itself, moved earlier), to bulk-load directly."""
    items, stories = block
    by = (k - (COPIES - 1)) * PERIOD
    item = version.item
    moved = replace(
        item,
        uri=item.uri if k == 0 else f"{item.uri}~{k}",
        firstcreated=item.firstcreated and item.firstcreated + by,
        versioncreated=item.versioncreated and item.versioncreated + by,
        embargoed=item.embargoed and item.embargoed + by,
    )

    def shifted(item_id: int | None) -> int | None:
        return None if item_id is None else item_id + k * items

    return replace(
        version,
        item_id=version.item_id + k * items,
        item=moved,
        story=version.story + k * stories,
        supersedes=shifted(version.supersedes),
        copy_of=shifted(version.copy_of),
    )


def test_a_replicated_store_reads_as_its_copies_bulk_loaded(
    database_url: str, second_url: str
) -> None:
    """`bulk.replicate` (the million-item benchmark's store: a block copied in SQL)
    gives the store a bulk load of the shifted copies gives: items, events, search,
    stories, the cooperation events, and the next item written after it."""
    base = generated()
    block = (max(v.item_id for v in base), max(v.story for v in base))
    replicated = Store.open(database_url, clock=lambda: NOW)
    loaded = Store.open(second_url, clock=lambda: NOW)
    both = (replicated, loaded)
    try:
        for store in both:
            add_exchange(store, seed=9)
        replicated.bulk_load(base)
        assert replicate(replicated, COPIES, PERIOD) == COPIES * len(base)
        loaded.bulk_load(copy_of_block(v, k, block) for k in range(COPIES) for v in base)
        for viewer in viewers()[:4]:
            listed = [
                [entry(s) for s in store.list_items(limit=1000, viewer=viewer, now=NOW)]
                for store in both
            ]
            assert len(listed[0]) > 2 * len(base) // 3 and listed[0] == listed[1], viewer
            for text in QUERIES:
                found = [store.search(text, viewer=viewer, now=NOW, limit=50) for store in both]
                assert [h.stored.id for h in found[0].hits] == [h.stored.id for h in found[1].hits]
                assert (found[0].total, found[0].facets) == (found[1].total, found[1].facets)
            stories = [list_stories(store, viewer, limit=500, now=NOW) for store in both]
            assert [s.to_json() for s in stories[0]] == [s.to_json() for s in stories[1]]
            reported = [
                [(s.id, story) for s, story in reporting_with_stories(store, viewer, now=NOW)]
                for store in both
            ]
            assert reported[0] == reported[1], viewer
            mapped = [
                map_view(store, store.reading(viewer, NOW), EventQuery(), per_page=50)
                for store in both
            ]
            assert mapped[0] == mapped[1], viewer  # the pairs of parties were copied too
        corrected = next(v.item for v in base if v.supersedes is not None)
        for k in range(COPIES):
            uri = corrected.uri if k == 0 else f"{corrected.uri}~{k}"
            events = [
                [(e["kind"], e["version"]) for e in store.events(uri, provider=corrected.provider)]
                for store in both
            ]
            assert len(events[0]) >= 2 and events[0] == events[1]
        told = next(v.item for v in base if v.copy_of is not None)
        again = replace(told, uri="urn:ortaq-bench:member-07:again", provider="member-07",
                        version=1, versioncreated=NOW + timedelta(minutes=5))  # fmt: skip
        retold = [store.save(replace(again)) for store in both]
        assert retold[0].item_id == retold[1].item_id == COPIES * block[0] + 1
        assert retold[0].story == retold[1].story
    finally:
        for store in both:
            store.close()
