"""NITF adapter on the agency samples (AAP, AP, Canadian Press, NTB, PA, IPTC)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ortaq.formats.nitf import NITF
from ortaq.model import Hints, IngestError, Item, Skipped

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
FEEDS = DATA / "agency-feeds"
ADAPTER = NITF()


def one_item(name: str) -> Item:
    results = ADAPTER.parse((FEEDS / name).read_bytes(), Hints(source_name=name))
    assert len(results) == 1
    item = results[0]
    assert isinstance(item, Item), item
    assert item.source_format == "nitf"
    return item


def test_sniff() -> None:
    assert ADAPTER.sniff((FEEDS / "nitf-fishing.xml").read_bytes(), Hints()) == 0.95
    assert ADAPTER.sniff((FEEDS / "ap_media_text_nitf.xml").read_bytes(), Hints()) == 0.95
    assert ADAPTER.sniff((FEEDS / "dpa.xml").read_bytes(), Hints()) == 0.0


def test_aap_wire_lines_joined_and_empty_paragraphs_dropped() -> None:
    item = one_item("aap.xml")
    assert item.uri == "AAP.115314987.5417374"
    assert item.headline == "The main stories on today's 1900 ABC TV news"
    assert item.summary == "The main stories on today's 1900 ABC TV news"
    assert item.byline == "John Doe"
    assert item.located == "Sydney"
    assert item.body[0] == "The main stories on ABC television's 1900 news:"
    assert item.body[1].startswith(
        "1A) More extreme weather forecast over the next few days the fire"
    )
    assert item.body[-1] == "AAP RTV ar"
    assert len(item.body) == 13
    assert item.versioncreated == datetime(2013, 10, 20, 8, 27, 51, tzinfo=UTC)
    assert item.copyrightholder == "Australian Associated Press"
    assert item.stage_data["source_meta"]["urgency"] == "5"
    assert {"code": "subj:02003002", "name": "investigation", "scheme": "subj"} in item.subjects


def test_aap_variants() -> None:
    test = one_item("aap-1.xml")
    assert (test.headline, test.body, test.summary) == ("F1 Test", ["Bogus"], "Test")
    cyber = one_item("aap-cyber.xml")
    assert (cyber.headline, cyber.body, cyber.summary) == ("Headline", ["body1"], "abstract")
    assert cyber.located is None  # "SYDNEY March 22 AAP -" carries a date
    assert cyber.stage_data["source_meta"]["dateline"] == "SYDNEY March 22 AAP -"
    assert cyber.versioncreated == datetime(2016, 4, 13, 4, 52, 21, tzinfo=UTC)
    finance = one_item("aap-finance.xml")
    assert finance.headline == "ASIA:Samsung sells defence, petrochemical units"
    assert finance.body[0].startswith("SEOUL, Nov 26 AFP - Samsung has announced the sale")
    assert finance.copyrightholder == "Agence France Presse"
    assert finance.versioncreated == datetime(2014, 11, 26, 15, 27, 3, tzinfo=UTC)
    highlights = one_item("aap-finance1.xml")
    assert highlights.headline == "Highlights of the AAP Finance Wire at 14:45 Feb 20, 2015"
    assert highlights.body[0] == "Highlights of the AAP Finance Wire for Friday, Feb 20:"


def test_empty_document_is_skipped() -> None:
    results = ADAPTER.parse((FEEDS / "aap-finance-lite.xml").read_bytes(), Hints(source_name="l"))
    assert results == [Skipped("l", "NITF document with no headline and no text")]


def test_ap_byline_without_title() -> None:
    item = one_item("ap-nitf.xml")
    assert item.headline == "Can trading pollution like stocks help fight climate change?"
    assert item.byline == "BERNARD CONDON"
    assert item.stage_data["source_meta"]["byline_title"] == "AP Business Writer"
    assert item.located == "NEW YORK"
    assert item.body[0].startswith("NEW YORK (AP) — The gas produced by hog manure")
    assert len(item.body) == 28
    assert item.versioncreated == datetime(2015, 12, 10, 19, 10, 44, tzinfo=UTC)
    assert item.uri == ""  # no id-string: the chain gives one


def test_ap_namespaced_nitf_with_tables() -> None:
    item = one_item("ap_media_text_nitf.xml")
    assert item.headline == "BC-BBN--Top Ten"
    assert "McNeil NYM 72 271 37 95 .351" in item.body
    assert item.body[-1].startswith("Woodruff, Milwaukee, 10-2; Soroka, Atlanta, 9-1")


def test_canadian_press_invalid_fields() -> None:
    item = one_item("handle_invalid_fields.xml")
    assert item.headline == (
        "Man accused of ramming gate at Rideau Hall with truck faces multiple charges"
    )
    assert item.byline == "Mia Rabson and Jordan Press"
    assert item.located == "Ottawa"
    assert item.summary is None  # the abstract holds only media metadata
    assert item.embargoed is None  # date.release is the placeholder YYYYMMDD000000-HHMM
    assert item.versioncreated == datetime(
        2020, 7, 3, 16, 51, 36, tzinfo=timezone(-timedelta(hours=4))
    )
    assert item.body[-1] == "This report by The Canadian Press was first published July 3, 2020."
    assert item.stage_data["source_meta"]["keywords"] == ["National", "Justice", "Politics"]


def test_mislabelled_utf8_and_baselang() -> None:
    item = one_item("mapping_test.xml")  # declared ISO-8859-1, written in UTF-8
    assert item.headline == "*En 41-årig mand, der onsdag blev anholdt og sat i forbindel"
    assert item.body[0].startswith("København /ritzau/: En 41-årig mand")
    assert item.language == "no"  # as declared (baselang="no-NO")
    assert item.uri == "20160512:RTZ:8883:0"
    assert item.subjects == [
        {"code": "subj:02000000", "name": "Kriminalitet og rettsvesen", "scheme": "subj"}
    ]


def test_iptc_fishing_sample() -> None:
    item = one_item("nitf-fishing.xml")
    assert item.headline == "Weather and Tide Updates for Norfolk"
    assert item.pubstatus == "canceled"
    assert item.byline == "Alan Karben"
    assert item.located == "Newport News"
    assert item.summary == "Superb weather in Norfolk today. Tides coming in and out as per usual."
    assert item.body[0].startswith("The weather was superb today in Norfolk, Virginia.")
    assert "The Tides are High" in item.body
    assert any(p.startswith("Deer Creek: This area has proven") for p in item.body)
    assert not any("captured on film" in p for p in item.body)  # media caption
    assert not any("sample article" in p for p in item.body)  # editor's note
    assert item.embargoed == datetime(2002, 2, 26, 14, 30, tzinfo=UTC)
    assert item.versioncreated == datetime(2002, 2, 25, 19, 30, tzinfo=UTC)


def test_ntb_sample() -> None:
    item = one_item("nitf-ntb.xml")
    assert item.language == "nb"
    assert item.headline == (
        "Faktisk.no: Nei, dette dokumentet beskriver ikke FNs Agenda 21 eller Agenda 2030"
    )
    assert item.byline == "Geir Molnes / Faktisk.no"
    assert item.located == "Oslo"
    assert "Én global sentralbank" in item.body
    assert item.versioncreated == datetime(2020, 9, 7, 14, 45, 26, tzinfo=UTC)


def test_pa_samples() -> None:
    trivia = one_item("pa1.xml")
    assert trivia.headline == "PA SPORT TRIVIA (OCTOBER 14)"
    assert trivia.body[2].startswith("1996: Mark Bosnich, then of Aston Villa")
    teams = one_item("pa2.xml")
    assert teams.headline == "1 SOCCER INT-Teams"  # no hl1: the head title
    assert teams.body[:2] == ["International Match", "Mexico v Panama"]  # <pre> lines
    embargoed = one_item("pa3.xml")
    assert embargoed.pubstatus == "usable"
    assert embargoed.embargoed == datetime(2016, 9, 8, 23, 1, tzinfo=UTC)
    assert embargoed.byline == "Benjamin Wright, Press Association"
    bakeoff = one_item("pa4.xml")
    assert any("a reported £25 million a year" in p for p in bakeoff.body)
    assert bakeoff.versioncreated == datetime(2016, 10, 3, 14, 22, 57, tzinfo=UTC)


def test_bad_input_raises_ingest_error() -> None:
    with pytest.raises(IngestError, match=r"^x: malformed XML"):
        ADAPTER.parse(b"<nitf><head><title>open", Hints(source_name="x"))
    with pytest.raises(IngestError, match=r"^y: root element <newsItem> is not NITF"):
        ADAPTER.parse(b"<newsItem/>", Hints(source_name="y"))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_give_results_or_ingest_error(raw: bytes) -> None:
    try:
        results = ADAPTER.parse(raw, Hints(source_name="fuzz"))
    except IngestError as error:
        assert str(error).startswith("fuzz: ")
    else:
        assert all(isinstance(r, Item | Skipped) for r in results)


SAMPLES = [(FEEDS / n).read_bytes() for n in ("nitf-fishing.xml", "aap.xml", "mapping_test.xml")]


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
