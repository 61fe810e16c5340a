"""The processing chain: pure, one contract for every door, bad input never raises."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ortaq.chain import Chain, Stage, default_chain, process, process_all
from ortaq.formats import default_input_formats
from ortaq.model import Hints, IngestError, Item, Rejected, Skipped

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"


def test_sample_article_is_read_with_language_and_header_date() -> None:
    raw = (SAMPLES / "003_cba27e171e37cdf8.txt").read_bytes()
    item = process(raw, Hints(source_name="003_cba27e171e37cdf8.txt", provider="kazinform"))
    assert item.language == "kk"
    assert item.derived["language"].method == "py3langid"
    assert item.derived["script"].value == "Cyrl"
    assert item.derived["published"].value == {
        "value": "2025-12-14",
        "precision": "day",
        "method": "header",
    }
    assert item.uri == "urn:ortaq:kazinform:file:003_cba27e171e37cdf8.txt"
    assert item.provider == "kazinform"
    assert item.raw_sha256 == hashlib.sha256(raw).hexdigest()  # a reference, not the bytes


def test_chain_is_deterministic() -> None:
    raw = (SAMPLES / "001_cc7b8ed6a474cf0f.txt").read_bytes()
    first = process(raw, Hints(source_name="a.txt"))
    second = process(raw, Hints(source_name="a.txt"))
    assert first.to_json() == second.to_json()
    assert first.derived["direction"].value == "rtl"


def test_declared_uri_and_dates_come_from_hints() -> None:
    from datetime import UTC, datetime

    when = datetime(2026, 4, 5, 9, 0, tzinfo=UTC)
    item = process(b"Headline\nBody text here.", Hints(uri="urn:x:1", published=when))
    assert (item.uri, item.versioncreated, item.firstcreated) == ("urn:x:1", when, when)
    assert item.derived["published"].method == "metadata"


def test_anonymous_input_gets_a_content_uri() -> None:
    one = process(b"Headline\nBody.")
    two = process(b"Headline\nBody.")
    assert one.uri == two.uri and one.uri.startswith("urn:ortaq:unknown:sha256:")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty input"),
        (b"   \n\t ", "empty input"),
        (b"\x00\x01\x02binary\x00", "binary data"),
    ],
)
def test_bad_input_is_rejected_with_a_reason(raw: bytes, reason: str) -> None:
    [outcome] = process_all(raw, Hints(source_name="bad.bin"))
    assert isinstance(outcome, Rejected)
    assert outcome.reason.startswith("bad.bin: ") and reason in outcome.reason
    assert outcome.raw == raw
    with pytest.raises(IngestError, match=reason):
        process(raw, Hints(source_name="bad.bin"))


def test_size_limit_rejects_large_input() -> None:
    chain = Chain(default_input_formats(), max_input_bytes=100)
    [outcome] = chain.process_all(b"x" * 101, Hints(source_name="big.txt"))
    assert isinstance(outcome, Rejected)
    assert "over the 100-byte input limit" in outcome.reason


def test_latin1_text_is_decoded() -> None:
    text = "Coopération entre les agences de presse du Kazakhstan et de la Türkiye.\n" * 3
    item = process(("Titre\n" + text).encode("latin-1"), Hints(source_name="latin1.txt"))
    assert "Coopération" in item.body[0]


def test_a_failing_stage_quarantines_the_item_not_the_batch() -> None:
    def broken(item: Item) -> Item:
        raise ValueError("stage bug")

    chain = Chain(default_input_formats(), stages=[Stage("broken", broken)])
    [outcome] = chain.process_all(b"Headline\nBody.", Hints(source_name="x.txt"))
    assert isinstance(outcome, Rejected)
    assert outcome.reason == "x.txt: ValueError while reading: stage bug"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_give_items_skips_or_rejections(raw: bytes) -> None:
    outcomes = default_chain().process_all(raw, Hints(source_name="fuzz.bin"))
    assert outcomes, "every input must be accounted for"
    for outcome in outcomes:
        assert isinstance(outcome, Item | Skipped | Rejected)
        if isinstance(outcome, Rejected):
            assert outcome.reason.startswith("fuzz.bin")
            assert outcome.raw == raw
