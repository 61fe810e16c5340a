"""The stage contract: typed fields stages hand on, JSON only at the store, bytes at the door."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ortaq.cooperation.extract as extract
import ortaq.read.dates as read_dates
from ortaq import entities, read, stories
from ortaq.chain import Chain, default_chain
from ortaq.config import ItemLimits
from ortaq.cooperation.extract import extract_events
from ortaq.formats import default_input_formats
from ortaq.ingest import ingest_bytes
from ortaq.model import (
    PRECISIONS,
    DateMention,
    Derived,
    Hints,
    Item,
    Mention,
    Rejected,
    Sentence,
    contract_fields,
    contract_json,
)
from ortaq.store import Store, schema
from ortaq.store.store import _item_row, row_item
from ortaq.store.storybook import read_versions
from ortaq.stories.features import item_features
from ortaq.viewer import OPERATOR

ROOT = Path(__file__).resolve().parents[1]
FEED = ROOT / "tests" / "fixtures" / "feeds" / "tr_rss2.xml"
REALNEWS = ROOT.parent / "shared" / "realnews" / "articles"

# --- round trip: Item -> store row -> Item ----------------------------------------------

OFFSET = st.integers(min_value=0, max_value=10_000)
SHORT = st.text(max_size=12)
JSON_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(-1000, 1000), SHORT)
JSON = st.recursive(
    JSON_SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(SHORT, inner, max_size=3)),
    max_leaves=8,
)
MENTIONS = st.builds(
    Mention,
    text=SHORT,
    start=OFFSET,
    end=OFFSET,
    type=st.sampled_from(["PER", "ORG", "LOC"]),
    entity_id=st.one_of(st.none(), SHORT),
    canonical=st.one_of(st.none(), SHORT),
    country=st.one_of(st.none(), st.sampled_from(["KZ", "TR", "AE"])),
    role=st.one_of(st.none(), SHORT),
    source=SHORT,
    named_countries=st.lists(st.sampled_from(["KZ", "AZ"]), max_size=2).map(tuple),
)
MAYBE_PART = st.one_of(st.none(), st.integers(1, 2100))
DATES = st.builds(
    DateMention,
    text=SHORT,
    start=OFFSET,
    end=OFFSET,
    value=st.one_of(st.none(), st.sampled_from(["2026", "2026-04", "2026-04-05"])),
    precision=st.one_of(st.none(), st.sampled_from(PRECISIONS)),
    end_value=st.one_of(st.none(), st.just("2026-04-06")),
    year_inferred=st.booleans(),
    written_year=MAYBE_PART,
    written_month=MAYBE_PART,
    written_day=MAYBE_PART,
)
SENTENCES = st.builds(Sentence, OFFSET, OFFSET)
CONTRACT_KEYS = {"sentences", "dates", "mentions"}
STAGE_DATA = st.dictionaries(SHORT.filter(lambda k: k not in CONTRACT_KEYS), JSON, max_size=3)
DERIVED = st.dictionaries(
    SHORT.filter(lambda k: k != "dates_mentioned"),
    st.builds(Derived, JSON, SHORT, st.floats(0, 1)),
    max_size=3,
)


def maybe_tuple(elements: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), st.lists(elements, max_size=4).map(tuple))


ITEMS = st.builds(
    Item,
    uri=st.just("urn:test:1"),
    headline=st.one_of(st.none(), SHORT),
    body=st.lists(SHORT, max_size=3),
    language=st.one_of(st.none(), st.sampled_from(["kk", "ar", "en"])),
    derived=DERIVED,
    stage_data=STAGE_DATA,
    sentences=maybe_tuple(SENTENCES),
    dates=maybe_tuple(DATES),
    mentions=maybe_tuple(MENTIONS),
    raw_sha256=st.one_of(st.none(), st.just("ab" * 32)),
)


def through_a_row(item: Item) -> Item:
    """What the store writes for the item, through JSON as a database keeps it, read back."""
    row = _item_row(item, item.raw_sha256, item.content_hash, datetime.now(UTC))
    for column in ("derived", "stage_data", "subjects", "people", "organisations", "places"):
        row[column] = json.loads(json.dumps(row[column]))
    return row_item(row)


@settings(max_examples=300)
@given(ITEMS)
def test_an_item_comes_back_from_its_row_equal(item: Item) -> None:
    assert through_a_row(item) == item


@settings(max_examples=200)
@given(
    derived=st.dictionaries(SHORT, st.builds(Derived, JSON, SHORT, st.floats(0, 1)), max_size=3),
    stage_data=st.dictionaries(SHORT, JSON, max_size=3),
    dates=st.lists(st.builds(DateMention.to_json, DATES), max_size=3),
    mentions=st.lists(st.builds(Mention.to_json, MENTIONS), max_size=3),
)
def test_a_row_stored_before_the_typed_fields_keeps_its_json(
    derived: dict[str, Derived],
    stage_data: dict[str, Any],
    dates: list[dict[str, Any]],
    mentions: list[dict[str, Any]],
) -> None:
    """An old row: mentions in stage_data, dates only as derived.dates_mentioned (no
    written parts, no stage_data.dates). It loads, and is written back as it was."""
    stage_data = {k: v for k, v in stage_data.items() if k not in CONTRACT_KEYS}
    old_derived = {k: v.to_json() for k, v in derived.items()}
    old_derived["dates_mentioned"] = Derived(dates, "date-patterns", 0.8).to_json()
    old_stage_data = {**stage_data, "mentions": mentions}
    values, rest, typed = contract_fields(old_derived, old_stage_data)
    item = Item(uri="urn:old", derived=values, stage_data=rest, **typed)
    assert item.dates is None and item.derived["dates_mentioned"].value == dates
    assert item.mentions is not None and [m.to_json() for m in item.mentions] == mentions
    assert contract_json(item) == (old_derived, old_stage_data)


def test_a_read_item_keeps_its_fields_through_the_store(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'ortaq.db'}")
    try:
        article = sorted(REALNEWS.glob("*_fr*"))[0]
        raw = article.read_bytes()
        item = default_chain().process(raw, Hints(source_name=article.name, provider="p"))
        assert item.sentences and item.dates is not None and item.mentions
        store.save(item, raw)
        stored = store.get_by_uri(item.uri, OPERATOR, provider="p")
        assert stored is not None
        got = stored.item
        assert (got.sentences, got.dates, got.mentions) == (
            item.sentences,
            item.dates,
            item.mentions,
        )
        assert "dates_mentioned" not in got.derived  # it is item.dates, typed
        assert got.to_json()["derived"]["dates_mentioned"]["value"] == [
            d.to_json() for d in item.dates if d.value is not None
        ]
        assert store.raw(stored.raw_sha256 or "") == raw
        with store.engine.connect() as conn:  # the story book places versions by them too
            [version] = read_versions(conn, schema.items.c.id == stored.id)
        assert version.item.dates == item.dates
    finally:
        store.close()


# --- produced once, read by later stages ---------------------------------------------------


def realnews_items(count: int) -> Iterator[tuple[str, bytes]]:
    articles = sorted(REALNEWS.iterdir())
    step = max(1, len(articles) // count)
    for path in articles[::step][:count]:
        yield path.name, path.read_bytes()


@pytest.fixture(scope="module")
def read_items() -> list[Item]:
    chain = Chain(default_input_formats(), stages=[])
    out = []
    for name, raw in realnews_items(14):
        item = chain.process(raw, Hints(source_name=name))
        out.append(entities.stage(read.stage(item)))
    return out


def test_later_stages_scan_no_dates_and_segment_nothing(
    read_items: list[Item], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stories and cooperation take the read stage's dates and sentences: with scanning
    and segmenting made to fail, they still run, and give what they gave before."""
    before = [(item_features(i), [e.to_json() for e in extract_events(i)]) for i in read_items]

    def forbidden(*args: object, **kwargs: object) -> Any:
        raise AssertionError("scanned again")

    monkeypatch.setattr(read_dates, "scan_dates", forbidden)
    monkeypatch.setattr(extract, "find_dates", forbidden)
    monkeypatch.setattr(extract, "sentences", forbidden)
    after = [(item_features(i), [e.to_json() for e in extract_events(i)]) for i in read_items]
    assert after == before
    assert any(events for _, events in after), "the sample must have some events"


def test_the_read_stages_dates_give_the_keys_and_events_a_scan_gives(
    read_items: list[Item],
) -> None:
    """The typed path and the stand-alone path (items the read stage never saw: old rows,
    hand-made items) agree on real news."""
    for item in read_items:
        bare = dataclasses.replace(item, dates=None, sentences=None)
        assert item_features(item) == item_features(bare), item.source_name
        typed = [e.to_json() for e in extract_events(item)]
        assert typed == [e.to_json() for e in extract_events(bare)], item.source_name


def test_the_mentions_are_objects_of_the_entities_stage(read_items: list[Item]) -> None:
    for item in read_items:
        assert item.mentions is not None
        assert "mentions" not in item.stage_data  # JSON only where the item leaves
        text = item.text
        for mention in item.mentions:
            assert isinstance(mention, Mention)
            assert text[mention.start : mention.end] == mention.text
        assert item.sentences is not None
        for sentence in item.sentences:
            assert 0 <= sentence.start < sentence.end <= len(text)
        assert item.dates is not None
        for found in item.dates:
            assert text[found.start : found.end] == found.text


def test_the_stories_stage_leaves_the_contract_alone(read_items: list[Item]) -> None:
    item = dataclasses.replace(read_items[0], stage_data=dict(read_items[0].stage_data))
    fields = (item.sentences, item.dates, item.mentions)
    stories.stage(item)
    assert (item.sentences, item.dates, item.mentions) == fields


# --- raw bytes at the door ----------------------------------------------------------------


def test_a_feed_of_many_items_gives_items_without_its_bytes() -> None:
    raw = FEED.read_bytes()
    outcomes = default_chain().process_all(raw, Hints(source_name=FEED.name))
    items = [o for o in outcomes if isinstance(o, Item)]
    assert len(items) >= 2
    digest = hashlib.sha256(raw).hexdigest()
    for item in items:
        assert item.raw_sha256 == digest  # a reference to the input, not the input
        for field in dataclasses.fields(item):
            assert not isinstance(getattr(item, field.name), bytes | bytearray), field.name
        assert raw.decode("utf-8") not in json.dumps(item.to_json(), ensure_ascii=False)


def test_a_failing_entry_reaches_quarantine_with_the_feeds_bytes(tmp_path: Path) -> None:
    raw = FEED.read_bytes()
    store = Store.open(f"sqlite:///{tmp_path / 'ortaq.db'}")
    try:
        # the feed's third entry is broken; a headline limit fails the first one too
        chain = Chain(default_input_formats(), limits=ItemLimits(headline_chars=41))
        outcomes = ingest_bytes(store, chain, raw, Hints(source_name=FEED.name, provider="p"))
        kinds = sorted(o.kind for o in outcomes)
        assert kinds.count("quarantined") >= 2 and "new" in kinds
        for outcome in outcomes:
            if outcome.kind == "quarantined":
                assert outcome.quarantine_id is not None
                found = store.quarantine_get(outcome.quarantine_id)
                assert found is not None and found[1] == raw
            else:
                assert outcome.saved is not None
                stored = store.get_by_uri(outcome.saved.uri, OPERATOR, provider="p")
                assert stored is not None and store.raw(stored.raw_sha256 or "") == raw
    finally:
        store.close()


def test_a_rejected_entry_keeps_the_bytes_an_item_does_not() -> None:
    raw = FEED.read_bytes()
    outcomes = default_chain().process_all(raw, Hints(source_name=FEED.name))
    rejected = [o for o in outcomes if isinstance(o, Rejected)]
    assert rejected and all(r.raw == raw for r in rejected)
