"""NewsML-G2 adapter on the agency samples and the IPTC specification listings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ortaq.formats.base import ParseResult
from ortaq.formats.newsmlg2 import NewsMLG2
from ortaq.model import Hints, IngestError, Item, Skipped

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
FEEDS = DATA / "agency-feeds"
LISTINGS = DATA / "iptc" / "newsml-g2" / "examples"
ADAPTER = NewsMLG2()


def parse(path: Path) -> ParseResult:
    return ADAPTER.parse(path.read_bytes(), Hints(source_name=path.name))


def one_item(path: Path) -> Item:
    results = parse(path)
    assert len(results) == 1
    item = results[0]
    assert isinstance(item, Item), item
    assert item.source_format == "newsmlg2"
    return item


def skipped(path: Path) -> list[str]:
    results = parse(path)
    assert results and all(isinstance(r, Skipped) for r in results), results
    return [r.reason for r in results if isinstance(r, Skipped)]


def test_sniff_claims_g2_roots_only() -> None:
    hints = Hints()
    assert ADAPTER.sniff((FEEDS / "dpa.xml").read_bytes(), hints) == 0.95
    assert ADAPTER.sniff((FEEDS / "stt1.xml").read_bytes(), hints) == 0.95
    assert ADAPTER.sniff((FEEDS / "nitf-ntb.xml").read_bytes(), hints) == 0.0
    assert ADAPTER.sniff((FEEDS / "afp.xml").read_bytes(), hints) == 0.0
    assert ADAPTER.sniff(b"plain words", hints) == 0.0


def test_spec_listing_1_news_item_without_text() -> None:
    item = one_item(FEEDS / "LISTING_1_A_NewsML-G2_News_Item.xml")
    assert item.uri == "urn:newsml:acmenews.com:20161018:US-FINANCE-FED"
    assert item.version == 9
    assert item.headline == 'Fed to halt QE to avert "bubble"'
    assert item.body == []  # the listing's inlineXML holds only comments
    assert item.language == "en"
    assert item.versioncreated == datetime(
        2016, 10, 21, 16, 25, 32, tzinfo=timezone(-timedelta(hours=5))
    )
    assert item.firstcreated == datetime(2016, 10, 18, 18, 12, 21, tzinfo=UTC)
    assert item.embargoed == datetime(2016, 10, 23, 12, 0, tzinfo=UTC)
    assert item.located == "Berlin"
    assert item.copyrightholder == "Example Enews LLP"
    assert item.usageterms == "Not for use outside the United States"
    assert {"code": "medtop:20000523", "name": "labour market", "scheme": "medtop"} in item.subjects
    meta = item.stage_data["source_meta"]
    assert meta["ednotes"][0].startswith("Note to editors: STRICTLY EMBARGOED.")
    assert meta["genres"] == ["Interview"]


def test_spec_listing_2_text_in_inline_nitf() -> None:
    item = one_item(LISTINGS / "LISTING_2_NewsML-G2_Text_Document.xml")
    assert item.headline == 'Fed to halt QE to avert "bubble"'
    assert len(item.body) == 2
    assert item.body[0].startswith("(New York, NY - October 21) Et, sent luptat luptat")
    assert item.byline == "Meredith Jameson"
    assert item.language == "en"
    assert item.located == "New York, NY"
    assert item.versioncreated == datetime(2018, 11, 21, 21, 25, 32, tzinfo=UTC)


def test_spec_listing_1_newer_version_in_examples() -> None:
    item = one_item(LISTINGS / "LISTING_1_A_NewsML-G2_News_Item.xml")
    assert item.version == 11
    assert item.embargoed == datetime(2018, 10, 23, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        (FEEDS / "LISTING_6_Simple_NewsML-G2_Package.xml", "package, no text item"),
        (LISTINGS / "LISTING_6_Simple_NewsML-G2_Package.xml", "package, no text item"),
        (LISTINGS / "LISTING_14_Event_sent_as_a_Concept_Item.xml", "event concept item"),
        (LISTINGS / "LISTING_16_A_Set_of_Events_carried_in_a_News_Item.xml", "events listing"),
        (LISTINGS / "LISTING_28_Illustrating_Located_Subject_and_Dateline.xml", "fragment"),
        (FEEDS / "picture.xml", "picture item, no text"),
        (FEEDS / "snep.xml", "package, no text item"),
    ],
)
def test_items_without_text_are_skipped(path: Path, reason: str) -> None:
    reasons = skipped(path)
    assert len(reasons) == 1
    assert reason in reasons[0]


def test_ansa_inline_data_keeps_indented_paragraphs() -> None:
    item = one_item(FEEDS / "ansa-newsmlg2-text.xml")
    assert item.uri == "tag:ansa.it,2017-10-11:40e5fb1034e7e2b21942ea09718fc85a"
    assert item.headline == "Catalan independence declaration unacceptable - Alfano"
    assert item.language == "it"
    assert item.located == "Rome"
    assert len(item.body) == 4
    assert item.body[0].startswith(
        "(ANSA) - Rome, October 11 - Italian Foreign Minister Angelino Alfano"
    )
    assert item.body[3].startswith("Catalan leader Carles Puigdemont signed")
    assert item.versioncreated == datetime(2017, 10, 11, 9, 41, tzinfo=UTC)
    assert item.stage_data["source_meta"]["subheadlines"] == [
        "Foreign minister expresses faith in Spanish government"
    ]


def test_ap_message_gives_one_item_per_news_item() -> None:
    items = parse(FEEDS / "ap.xml")
    assert [type(i) for i in items] == [Item, Item, Item]
    first = items[0]
    assert isinstance(first, Item)
    assert first.uri == "tag:ap.org,2011:5e565888b587889c5c8bd62b6164118c-text"
    assert first.version == 2
    assert first.headline == "Nutrisystem beats 4Q earnings and revenue expectations"
    assert first.body[0].startswith("FORT WASHINGTON, Pa. (AP) _ Nutrisystem Inc. (NTRI)")
    assert "Zacks stock report on NTRI" in first.body[-1]
    assert first.located == "FORT WASHINGTON, Pa."
    assert first.language == "en"
    assert first.versioncreated == datetime(2018, 2, 26, 21, 20, 34, tzinfo=UTC)
    assert first.stage_data["source_meta"]["ednotes"] == ["Eds: Adds full-year results."]
    third = items[2]
    assert isinstance(third, Item)
    assert third.headline == "Scripps Networks tops 4Q profit and revenue expectations"
    assert "Standard & Poor's 500 index" in third.body[4]


def test_dpa_xhtml_body_without_header() -> None:
    item = one_item(FEEDS / "dpa.xml")
    assert item.headline == "Eintracht in London: Hintereggers Tränen und Attacke auf Reporter"
    assert item.language == "de"
    assert item.located == "London"
    assert item.credits == ["dpa"]
    assert len(item.body) == 3  # the <header> slugline, h1 and genre are not body text
    assert item.body[0].startswith("London (dpa) - 2019 gab es bittere Tränen")
    assert item.copyrightholder == "Deutsche Presse-Agentur GmbH"
    assert item.usageterms == "Nutzung nur nach schriftlicher Vereinbarung mit dpa"
    assert item.versioncreated == datetime(2022, 10, 11, 9, 14, 42, tzinfo=UTC)
    assert {"code": "medtop:20001065", "name": "Fußball", "scheme": "medtop"} in item.subjects


def test_reuters_text_and_video_message() -> None:
    text = one_item(FEEDS / "text.xml")
    assert text.headline == (
        "Soccer-Smiling Benitez pleads for support after midweek outburst against opponent"
    )
    assert text.body == ["By Toby Davis"]
    assert text.version == 263518268
    assert text.summary is None  # a caption is not a summary

    results = parse(FEEDS / "video.xml")
    kinds = [r.reason.split(" (")[0] if isinstance(r, Skipped) else "item" for r in results]
    assert kinds == [
        "package, no text item",
        "item",
        "video item, no text",
        "audio item, no text",
        "picture item, no text",
    ]
    story = results[1]
    assert isinstance(story, Item)
    assert story.headline == "Cardinals arrive for pre-conclave meeting"
    assert story.summary is not None and story.summary.startswith("Cardinals arrive at the Vatican")
    assert story.body[0] == "(ROUGH CUT ONLY - NO REPORTER NARRATION)"
    assert story.located is None  # "No-Data-Available" and a dated dateline are no place


def test_scoop_package_skipped_and_nitf_title_as_headline() -> None:
    results = parse(FEEDS / "scoop.xml")
    assert isinstance(results[0], Skipped)
    assert results[0].reason == "package, no text item"
    item = results[1]
    assert isinstance(item, Item)
    assert item.uri == "BD-20160112123540"
    assert item.headline is not None and item.headline.startswith("Dick Smith receivers install")
    assert item.body[1].startswith("Jan. 12 (BusinessDesk) - The receivers of Dick Smith")
    assert item.language == "en"  # from lang= on the message
    assert item.versioncreated == datetime(2016, 1, 12, 12, 35, 40, tzinfo=UTC)
    assert item.embargoed is None


def test_stt_item() -> None:
    item = one_item(FEEDS / "stt1.xml")
    assert item.uri == "urn:newsml:stt.fi::102736761"
    assert item.version == 2
    assert item.headline == "Mikko Moilanen siirtyy Revenion toimitusjohtajaksi"
    assert item.language == "fi"
    assert item.located == "Helsinki"
    assert item.credits == ["STT"]
    assert "Revenio Groupin ja Revenion konserniyhtiön" in item.body[0]  # inline <Company>
    assert item.firstcreated == datetime(2019, 4, 15, 11, 12, 24, tzinfo=UTC)
    assert {"code": "sttsubj:04016028", "name": "Yritysjohto", "scheme": "sttsubj"} in item.subjects


def test_stt_double_escaped_entities_and_nested_headings() -> None:
    item = one_item(FEEDS / "stt_newsml_test.xml")
    assert item.headline is not None and item.headline.startswith(
        "Parliament passed the Alcohol Act"
    )
    assert "until 4 o'clock" in item.body[4]
    assert item.body[7].startswith('"The will of the government is that we do not want')
    assert "Rinne: Hallitus runnoi läpi työttömiä kurittavan lain" in item.body
    assert item.versioncreated == datetime(2017, 10, 18, 9, 16, 43, tzinfo=UTC)


def test_stt_without_headline_keeps_body() -> None:
    item = one_item(FEEDS / "stt_newsml_test_no_hl.xml")
    assert item.headline is None
    assert len(item.body) == 40
    assert item.body[0] == "*** DISCLAIMER: THIS IS AN AUTOMATED TRANSLATION FROM FINNISH ***"
    assert item.versioncreated == datetime(2017, 12, 19, 9, 16, 43, tzinfo=UTC)


def test_stt_summary_and_empty_headline() -> None:
    item = one_item(FEEDS / "stt_newsml_abstract_test.xml")
    assert item.headline is None
    assert item.summary == (
        "Hjallis Harkimo ja Mikael Jungner ovat perustamassa uutta poliittista liikettä "
        "perinteisiä puolueita haastamaan, uutisoi Helsingin Sanomat."
    )
    assert item.body[0].startswith("Kokoomuksen ryhmänjohtaja Jokinen Harkimon erosta")


def test_stt_dates_fall_back_to_content_dates() -> None:
    archive = one_item(FEEDS / "stt_archive_newsml_test.xml")
    assert archive.headline == "Yleisurheilutuloksia/SM"
    assert archive.firstcreated == datetime(2013, 2, 16, 17, 36, 20, tzinfo=UTC)
    assert archive.versioncreated == datetime(2013, 2, 22, 18, 36, 20, tzinfo=UTC)
    created = one_item(FEEDS / "stt_archive_newsml_created_date_test.xml")
    assert created.versioncreated == datetime(2013, 2, 16, 17, 36, 20, tzinfo=UTC)
    assert any("Visa Hongisto" in p for p in created.body)


def test_stt_literal_endash_markup() -> None:
    item = one_item(FEEDS / "stt_newsml_endash.xml")
    assert "vuosittain 800\u20131 000 luonnonvaraista" in item.body[1]
    assert "35\u201340 prosenttia" in item.body[1]
    assert item.credits == ["STT\u2013Sourcefabric"]


@pytest.mark.parametrize(
    "name",
    [
        "stt_newsml_location_rich.xml",
        "stt_newsml_location_test.xml",
        "stt_newsml_no_truncated_text_test.xml",
        "stt_newsml_note_test.xml",
        "stt_newsml_subject_test.xml",
    ],
)
def test_other_stt_samples_are_finnish_text(name: str) -> None:
    item = one_item(FEEDS / name)
    assert item.uri.startswith("urn:newsml:stt.fi:")
    assert item.language == "fi"
    assert item.body and all(p.strip() == p and p for p in item.body)
    assert item.versioncreated is not None


def test_stt_specific_values() -> None:
    note = one_item(FEEDS / "stt_newsml_note_test.xml")
    assert note.byline == "ANTTI AUTIO, HETA HASSINEN"
    assert note.body[0] == (
        "Ministerin mukaan Puolustusvoimat ei rajoita kaksoiskansalaisten ottamista töihin"
    )
    long = one_item(FEEDS / "stt_newsml_no_truncated_text_test.xml")
    assert long.version == 7
    assert long.byline == "Maria Rosvall, Jecaterina Mantsinen"
    assert long.headline is not None and long.headline.startswith(
        "Vastaamoon kohdistunut tietomurto"
    )
    assert len(long.body) == 52
    subject = one_item(FEEDS / "stt_newsml_subject_test.xml")
    assert {"code": "stt-subj:11006006", "name": "Valtionpäämiehet", "scheme": "stt-subj"} in (
        subject.subjects
    )


def test_pubstatus_and_media_items_from_inline_documents() -> None:
    raw = (
        b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="g" version="x">'
        b'<itemMeta><itemClass qcode="ninat:text"/><pubStatus qcode="stat:canceled"/></itemMeta>'
        b"<contentMeta><headline>Killed</headline></contentMeta>"
        b'<contentSet><inlineData contenttype="text/plain">Line one.\n\nLine two.</inlineData>'
        b"</contentSet></newsItem>"
    )
    [item] = ADAPTER.parse(raw, Hints(source_name="kill.xml"))
    assert isinstance(item, Item)
    assert item.pubstatus == "canceled"
    assert item.version == 1  # "x" is no version number
    assert item.body == ["Line one.", "Line two."]
    media = (
        b'<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="p"><contentSet>'
        b'<remoteContent contenttype="image/jpeg" href="x.jpg"/></contentSet></newsItem>'
    )
    [skip] = ADAPTER.parse(media, Hints(source_name="p.xml"))
    assert isinstance(skip, Skipped) and skip.reason == "picture item, no text (p)"


def test_malformed_and_foreign_xml_raise_ingest_error() -> None:
    raw = (FEEDS / "dpa.xml").read_bytes()
    with pytest.raises(IngestError, match=r"^cut\.xml: malformed XML"):
        ADAPTER.parse(raw[: len(raw) // 2], Hints(source_name="cut.xml"))
    with pytest.raises(IngestError, match=r"^rss\.xml: root element <rss>"):
        ADAPTER.parse(b"<rss><channel/></rss>", Hints(source_name="rss.xml"))


def test_entities_are_not_expanded() -> None:
    raw = (
        b'<?xml version="1.0"?><!DOCTYPE newsItem [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<newsItem guid="e"><contentMeta><headline>a&x;b</headline></contentMeta></newsItem>'
    )
    results = ADAPTER.parse(raw, Hints(source_name="e.xml"))
    assert isinstance(results[0], Item)
    assert "root:" not in (results[0].headline or "")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_give_results_or_ingest_error(raw: bytes) -> None:
    try:
        results = ADAPTER.parse(raw, Hints(source_name="fuzz"))
    except IngestError as error:
        assert str(error).startswith("fuzz: ")
    else:
        assert all(isinstance(r, Item | Skipped) for r in results)


SAMPLES = [
    (FEEDS / name).read_bytes()
    for name in ("dpa.xml", "ansa-newsmlg2-text.xml", "stt_newsml_test.xml", "video.xml")
]


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
