"""Bounded work per input: size checked before reading, field limits, stage output bounded."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ortaq.chain import DEFAULT_STAGES, Chain, Stage, default_chain, item_size
from ortaq.config import ItemLimits
from ortaq.formats import default_input_formats
from ortaq.ingest import (
    Source,
    TooLarge,
    ingest_sources,
    read_bounded,
    read_bounded_async,
    read_file,
)
from ortaq.model import Hints, Item, Rejected
from ortaq.store import Store

SHARED = Path(__file__).resolve().parents[2] / "shared"
REAL_NEWS = [
    SHARED / "realnews" / "articles",
    SHARED / "data" / "agency-feeds",
    SHARED / "samples",
]


class Chunked(io.RawIOBase):
    """A stream that hands out its data in the given chunk sizes (as pipes do)."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = list(chunks)
        self.handed_out = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if not self.chunks:
            return b""
        chunk = self.chunks.pop(0)
        if 0 <= size < len(chunk):
            chunk, rest = chunk[:size], chunk[size:]
            self.chunks.insert(0, rest)
        self.handed_out += len(chunk)
        return chunk


chunk_lists = st.lists(st.binary(min_size=1, max_size=64), max_size=20)


@given(chunk_lists, st.integers(min_value=0, max_value=400))
def test_bounded_reader_never_returns_more_than_the_limit(chunks: list[bytes], limit: int) -> None:
    whole = b"".join(chunks)
    stream = Chunked(chunks)
    try:
        data = read_bounded(stream, limit)  # type: ignore[arg-type]
    except TooLarge as error:
        assert len(whole) > limit, "refused input within the limit"
        assert (error.size, error.whole) == (limit + 1, False)
        assert error.sha256 == hashlib.sha256(whole[: limit + 1]).hexdigest()
        assert stream.handed_out == limit + 1  # read no further than needed to know
    else:
        assert len(whole) <= limit, "returned input over the limit"
        assert data == whole


@given(chunk_lists, st.integers(min_value=0, max_value=400))
def test_async_bounded_reader_agrees_with_the_stream_reader(
    chunks: list[bytes], limit: int
) -> None:
    async def body() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk

    async def read() -> bytes | TooLarge:
        try:
            return await read_bounded_async(body(), limit)
        except TooLarge as error:
            return error

    got = asyncio.run(read())
    whole = b"".join(chunks)
    if len(whole) > limit:
        assert isinstance(got, TooLarge) and got.size == limit + 1
        assert got.sha256 == hashlib.sha256(whole[: limit + 1]).hexdigest()
    else:
        assert got == whole


def test_a_file_over_the_limit_is_refused_by_its_size_and_hashed_whole(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    data = b"Headline\n" + b"paragraph text\n" * 1000
    big.write_bytes(data)
    with pytest.raises(TooLarge) as refused:
        read_file(big, 1000)
    assert (refused.value.size, refused.value.whole) == (len(data), True)
    assert refused.value.sha256 == hashlib.sha256(data).hexdigest()
    assert read_file(big, len(data)) == data


def test_oversized_input_is_quarantined_without_its_bytes(sqlite_store: Store) -> None:
    def too_big() -> bytes:
        raise TooLarge(100, 5000, "ab" * 32, whole=True)

    sources = [Source("big.xml", too_big), Source("ok.txt", lambda: b"Headline\nBody text.")]
    summary = ingest_sources(sqlite_store, default_chain(), sources, Hints(provider="ma"))
    assert summary.as_dict()["quarantined"] == 1 and summary.as_dict()["new"] == 1
    [record] = sqlite_store.quarantine_list()
    assert (record.source_name, record.size, record.sha256) == ("big.xml", 5000, "ab" * 32)
    assert not record.bytes_kept and "over the 100-byte input limit" in record.reason
    found = sqlite_store.quarantine_get(record.id)
    assert found is not None and found[1] == b""


def test_the_chain_refuses_oversized_bytes_without_keeping_them() -> None:
    chain = Chain(default_input_formats(), max_input_bytes=100)
    [outcome] = chain.process_all(b"x" * 101, Hints(source_name="big.txt"))
    assert isinstance(outcome, Rejected) and not outcome.keeps_bytes
    assert outcome.raw == b"" and outcome.unread_size == 101
    assert outcome.unread_sha256 == hashlib.sha256(b"x" * 101).hexdigest()


SMALL = ItemLimits(
    headline_chars=50, summary_chars=80, paragraphs=5, lines=20, paragraph_chars=100, body_chars=300
)


def ninjs(**fields: object) -> bytes:
    return json.dumps({"uri": "urn:test:1", "type": "text", **fields}).encode()


@pytest.mark.parametrize(
    ("raw", "field", "setting"),
    [
        (ninjs(headline="h" * 51, body_text="Body."), "headline is 51 characters", "HEADLINE"),
        (
            ninjs(
                headline="H",
                body_text="Body.",
                descriptions=[{"role": "summary", "value": "s" * 81}],
            ),
            "summary is 81 characters",
            "SUMMARY_CHARS",
        ),
        (b"Headline\n" + b"short line\n" * 5, "text is 6 paragraphs", "PARAGRAPHS"),
        (b"Headline\n" + b"\n" * 20, "text is 22 lines", "LINES"),
        (ninjs(headline="H", body_text="B.", byline="b" * 101), "byline is 101", "PARAGRAPH_CHARS"),
        (b"Headline\nok\n" + b"w" * 101, "line 3 is 101 characters", "PARAGRAPH_CHARS"),
        (
            ninjs(headline="H", body_text="\n\n".join(["p" * 100] * 4)),
            "body is 400 characters",
            "BODY_CHARS",
        ),
    ],
)
def test_each_field_limit_names_the_field_the_size_and_the_setting(
    raw: bytes, field: str, setting: str
) -> None:
    ran: list[str] = []

    def spy(item: Item) -> Item:
        ran.append(item.uri)
        return item

    chain = Chain(default_input_formats(), stages=[Stage("spy", spy)], limits=SMALL)
    [outcome] = chain.process_all(raw, Hints(source_name="in.x"))
    assert isinstance(outcome, Rejected), outcome
    assert outcome.reason.startswith(f"in.x: {field}")
    assert f"(ORTAQ_MAX_{setting}" in outcome.reason
    assert ran == [], "the stages ran on an item over a limit"


def test_a_scraped_first_line_is_held_to_the_headline_limit_only_once_read() -> None:
    sentence = "The first line of this dump is a whole sentence of the article itself. "
    limits = replace(SMALL, paragraph_chars=1000)
    chain = Chain(default_input_formats(), stages=DEFAULT_STAGES[:1], limits=limits)
    raw = f"{sentence * 3}\nSecond line of text.".encode()
    [outcome] = chain.process_all(raw, Hints(source_name="in.txt"))
    assert isinstance(outcome, Item), outcome  # 216 characters: a paragraph, not a headline
    assert len(outcome.headline or "") <= limits.headline_chars
    raw = f"{sentence}\nSecond line of text.".encode()  # one sentence: read as the headline
    [outcome] = chain.process_all(raw, Hints(source_name="in.txt"))
    assert isinstance(outcome, Rejected), outcome
    assert outcome.reason.startswith(f"in.txt: headline is {len(sentence.strip())} characters")


def test_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORTAQ_MAX_PARAGRAPHS", "7")
    assert ItemLimits.from_env() == ItemLimits(paragraphs=7)
    monkeypatch.setenv("ORTAQ_MAX_PARAGRAPHS", "0")
    with pytest.raises(ValueError, match="ORTAQ_MAX_PARAGRAPHS must be at least 1"):
        ItemLimits.from_env()


def test_no_real_agency_article_meets_a_default_limit() -> None:
    chain = default_chain()
    files = [f for root in REAL_NEWS for f in sorted(root.rglob("*")) if f.is_file()]
    assert len(files) > 100
    for file in files:
        raw = file.read_bytes()
        for outcome in chain.process_all(raw, Hints(source_name=file.name)):
            if isinstance(outcome, Rejected):
                assert "ORTAQ_MAX_" not in outcome.reason, outcome.reason
                assert "stage produced" not in outcome.reason, outcome.reason


def test_a_stage_that_outgrows_its_input_is_refused() -> None:
    def bloat(item: Item) -> Item:
        item.stage_data["copies"] = [item.body_text] * 10_000
        return item

    chain = Chain(default_input_formats(), stages=[*DEFAULT_STAGES[:1], Stage("bloat", bloat)])
    raw = "Headline\n" + "A paragraph of ordinary news text, long enough to count. " * 40
    [outcome] = chain.process_all(raw.encode(), Hints(source_name="in.txt"))
    assert isinstance(outcome, Rejected)
    assert outcome.reason.startswith("in.txt: the bloat stage produced")


def test_many_tiny_removed_lines_do_not_multiply_the_stored_item() -> None:
    # 20,000 one-letter lines: each is dropped as a duplicate of the one before it.
    chain = replace(
        default_chain(), stages=DEFAULT_STAGES[:1], limits=ItemLimits(paragraphs=10**6, lines=10**6)
    )
    raw = b"Headline\n" + b"x\n" * 20_000
    [item] = chain.process_all(raw, Hints(source_name="lines.txt"))
    assert isinstance(item, Item)
    assert item_size(item) < len(raw)
    assert item.stage_data["removed_more"] + len(item.stage_data["removed"]) == 19_999
