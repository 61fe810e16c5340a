"""Story assignment with what the engine worked out (`Prepared`) decides as without it.

A batch ships each item's story features and copy signature from the worker to the one
writer; every other process that replays the story log works them out again from the
stored rows. Both must agree, or a replica would drift from the writer that decided.
Checked on the development set's real articles (seven languages), with partner copies
added so the copy check has something to find.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa

from ortaq.batch import sort_key
from ortaq.batch.engines import ChainSpec, chain_of
from ortaq.model import Hints, Item
from ortaq.store import Store, schema
from ortaq.store.prepared import Prepared
from ortaq.store.storybook import StoryBook, StoryInput, read_versions
from ortaq.stories.occasion import item_span

PARTNER = "partner"


def articles(shared: Path) -> list[tuple[str, bytes]]:
    folder = shared / "realnews" / "articles"
    return [(path.name, path.read_bytes()) for path in sorted(folder.glob("*.txt"))]


def read_items(shared: Path) -> list[Item]:
    """Every article read by the chain, plus a partner's copy of every fifth one with
    its last paragraph dropped, in publication-time order."""
    chain = chain_of(ChainSpec())
    found: list[tuple[Any, Item]] = []
    for seq, (name, raw) in enumerate(articles(shared)):
        sent = [(raw, Hints(source_name=name, provider="agency"))]
        if seq % 5 == 0:
            cut = raw.decode("utf-8").rstrip().rsplit("\n", 1)[0].encode("utf-8")
            sent.append((cut, Hints(source_name=f"copy-{name}", provider=PARTNER)))
        for number, (data, hints) in enumerate(sent):
            for index, outcome in enumerate(chain.process_all(data, hints)):
                if isinstance(outcome, Item):
                    found.append((sort_key(outcome, 2 * seq + number, index), outcome))
    found.sort(key=lambda pair: pair[0])
    return [item for _key, item in found]


@pytest.fixture(scope="module")
def items(shared: Path) -> list[Item]:
    return read_items(shared)


def placements(store: Store) -> list[tuple[Any, ...]]:
    """Each version's story (by its first member's uri) and the uri it copies."""
    items, links = schema.items, schema.story_items
    with store.engine.connect() as conn:
        uris = {row.id: row.uri for row in conn.execute(sa.select(items.c.id, items.c.uri))}
        rows = conn.execute(sa.select(links).order_by(links.c.seq)).all()
    first: dict[int, str] = {}
    for row in rows:
        first.setdefault(row.story_id, uris[row.item_id])
    return [
        (
            uris[row.item_id],
            first[row.story_id],
            uris.get(row.copy_of) if row.copy_of else None,
            row.similarity,
        )
        for row in rows
    ]


def test_what_the_engine_prepares_is_what_a_replica_reads_back(
    items: list[Item], tmp_path: Path
) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'ortaq.db'}")
    try:
        prepared = {}
        for item in items:
            ready = Prepared.of(item)
            prepared[store.save(item, None, ready).item_id] = ready.story
        with store.engine.connect() as conn:
            stored = read_versions(conn, schema.items.c.id.in_(list(prepared)))
    finally:
        store.close()
    assert len(stored) == len(items)
    for version in stored:
        again = StoryInput.of(version.item)
        shipped = prepared[version.id]
        assert again.features == shipped.features, version.item.uri
        assert again.signature.fingerprint == shipped.signature.fingerprint
        assert np.array_equal(again.signature.hashes, shipped.signature.hashes)
        original = next(i for i in items if i.uri == version.item.uri)
        assert item_span(version.item) == item_span(original)


def test_stories_placed_in_groups_with_prepared_inputs_equal_those_placed_one_by_one(
    items: list[Item], tmp_path: Path
) -> None:
    shipped = Store.open(f"sqlite:///{tmp_path / 'shipped.db'}")
    plain = Store.open(f"sqlite:///{tmp_path / 'plain.db'}")
    try:
        # the batch's writer: groups in one transaction each, prepared inputs shipped
        for start in range(0, len(items), 7):
            group = [copy.deepcopy(item) for item in items[start : start + 7]]
            shipped.save_many([(item, None, Prepared.of(item)) for item in group])
        for item in items:  # a door storing one item at a time, working it all out itself
            plain.save(copy.deepcopy(item))
        found = placements(shipped)
        assert found == placements(plain)
        assert any(copy is not None for _uri, _story, copy, _sim in found), "a copy was found"
        assert len({story for _uri, story, _copy, _sim in found}) > 10
        # a process that starts now replays the log from the rows: the same clusterer
        assert shipped.story_book.replica is not None
        writer = shipped.story_book.replica.index.to_state()
        replica = StoryBook(shipped.engine, shipped.clock)
        assert replica.catch_up().index.to_state() == writer
    finally:
        shipped.close()
        plain.close()
