"""Ritzau adapter: single RBNews documents and a queue response with several."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ortaq.formats.ritzau import Ritzau
from ortaq.model import Hints, IngestError, Item, Skipped

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
FEEDS = DATA / "agency-feeds"
ADAPTER = Ritzau()


def items(name: str) -> list[Item]:
    results = ADAPTER.parse((FEEDS / name).read_bytes(), Hints(source_name=name))
    assert all(isinstance(r, Item) for r in results), results
    return [r for r in results if isinstance(r, Item)]


def test_sniff() -> None:
    assert ADAPTER.sniff((FEEDS / "ritzau_news.xml").read_bytes(), Hints()) == 0.95
    assert ADAPTER.sniff((FEEDS / "ritzau_feed.xml").read_bytes(), Hints()) == 0.9
    assert ADAPTER.sniff((FEEDS / "afp.xml").read_bytes(), Hints()) == 0.0


def test_flash_without_headline() -> None:
    [item] = items("ritzau_news.xml")
    assert item.uri == "9a6955fc-11da-46b6-9903-439ebb288f2d"
    assert item.headline is None  # <headline i:nil="true"/>
    assert item.body == [
        'Hollandske forskere har "i årevis" lavet forsøg på både mennesker og dyr, hvor de har '
        "testet effekten af at indånde udstødningsgas fra dieselbiler.",
        "Det fortæller forskerne selv til nyhedsbureauet AFP.",
        "Historien kommer frem på et tidspunkt, hvor tyske bilfabrikanter er udsat for massiv "
        "kritik, fordi de har finansieret lignende forsøg.",
    ]
    assert item.byline == "Peder Top Poulsen"
    assert item.located == "Haag"
    assert item.language is None  # Ritzau declares none
    # Copenhagen local time (CET in January)
    assert item.versioncreated == datetime(2018, 1, 30, 16, 32, 18, 397000, tzinfo=UTC)
    assert item.stage_data["source_meta"]["keywords"] == ["NU", "FLASH-U"]
    assert "ednote" not in item.stage_data["source_meta"]


def test_ednote() -> None:
    [item] = items("ritzau_news_test_ednote.xml")
    ednote = item.stage_data["source_meta"]["ednote"]
    assert ednote.startswith("Lasse Norman Hansen skifter til Corendon-Circus. Der i næste sæson")
    assert ednote.endswith("i Danmark og Kina.")


def test_feed_with_two_news() -> None:
    press, sport = items("ritzau_feed.xml")
    assert press.uri == "83e4e779-e3b7-46da-b061-34ab92bc6ec4"
    assert press.headline == "PR / Spire Global, Inc."
    assert press.summary == (
        "UK Space Agency Backs Spire's Proposal to European Space Agency as Space Mission Provider"
    )
    assert press.body[0].startswith("GLASGOW, Scotland, Feb. 01, 2018 (GLOBE NEWSWIRE)")
    assert "more than £4 million to Spire Global" in press.body[0]  # mojibake repaired
    assert "including 'parallel super-computing'" in press.body[0]  # double escaping undone
    assert press.located == "København"
    assert sport.headline == "Kort om sport"
    assert sport.byline == "Mikkel Lundby Madsen"
    assert sport.body[0].startswith("Den danske cykelrytter Jakob Fuglsang (Astana)")
    assert sport.subjects == [{"code": "subj:15000000", "scheme": "subj"}]
    assert sport.versioncreated == datetime(2018, 2, 1, 17, 38, 49, 417000, tzinfo=UTC)


def test_cancelled_news() -> None:
    raw = (
        (FEEDS / "ritzau_news.xml")
        .read_bytes()
        .replace(b"<Annuleret>false</Annuleret>", b"<Annuleret>true</Annuleret>")
    )
    [item] = ADAPTER.parse(raw, Hints(source_name="k"))
    assert isinstance(item, Item) and item.pubstatus == "canceled"


def test_bad_input_raises_ingest_error() -> None:
    with pytest.raises(IngestError, match=r"^r: malformed XML"):
        ADAPTER.parse(b"<RBNews><NewsID>1</NewsID>", Hints(source_name="r"))
    with pytest.raises(IngestError, match=r"^s: root element <feed> is not Ritzau"):
        ADAPTER.parse(b"<feed/>", Hints(source_name="s"))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_give_results_or_ingest_error(raw: bytes) -> None:
    try:
        results = ADAPTER.parse(raw, Hints(source_name="fuzz"))
    except IngestError as error:
        assert str(error).startswith("fuzz: ")
    else:
        assert all(isinstance(r, Item | Skipped) for r in results)


SAMPLES = [(FEEDS / n).read_bytes() for n in ("ritzau_feed.xml", "ritzau_news_test_ednote.xml")]


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_mutated_samples_give_results_or_ingest_error(data: st.DataObject) -> None:
    raw = data.draw(st.sampled_from(SAMPLES))
    cut = data.draw(st.integers(0, len(raw)))
    start = data.draw(st.integers(0, len(raw)))
    noise = data.draw(st.binary(max_size=20))
    for mutated in (raw[:cut], raw[:start] + noise + raw[start + len(noise) :]):
        try:
            ADAPTER.parse(mutated, Hints(source_name="fuzz"))
        except IngestError as error:
            assert str(error).startswith("fuzz: ")
