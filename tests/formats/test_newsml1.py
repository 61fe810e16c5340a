"""NewsML 1.2 adapter on the AFP and ANA-MPA samples."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ortaq.formats.newsml1 import NewsML1
from ortaq.model import Hints, IngestError, Item, Skipped

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
FEEDS = DATA / "agency-feeds"
ADAPTER = NewsML1()


def one_item(name: str) -> Item:
    results = ADAPTER.parse((FEEDS / name).read_bytes(), Hints(source_name=name))
    assert len(results) == 1
    item = results[0]
    assert isinstance(item, Item), item
    assert item.source_format == "newsml1"
    return item


def test_sniff() -> None:
    assert ADAPTER.sniff((FEEDS / "afp.xml").read_bytes(), Hints()) == 0.95
    assert ADAPTER.sniff((FEEDS / "ana1.xml").read_bytes(), Hints()) == 0.95
    assert ADAPTER.sniff((FEEDS / "dpa.xml").read_bytes(), Hints()) == 0.0


def test_afp_with_inline_nitf() -> None:
    item = one_item("afp.xml")
    assert item.uri == "urn:newsml:afp.com:20140829T135002Z:TX-PAR-FXW86:1"
    assert item.version == 1
    assert item.headline == "Sweden court accepts receivership for Saab carmaker"
    assert item.language == "en"
    assert item.located == "Stockholm"
    assert item.usageterms == "NO ARCHIVAL USE"
    assert item.firstcreated == datetime(2014, 8, 29, 13, 49, 51, tzinfo=UTC)
    assert item.versioncreated == datetime(2014, 8, 29, 13, 49, 51, tzinfo=UTC)
    assert item.body[0].startswith("A Chinese-owned company set up to take over Saab's assets")
    assert len(item.body) == 10
    assert {"code": "subj:04016038", "scheme": "subj"} in item.subjects
    meta = item.stage_data["source_meta"]
    assert meta["slugline"] == "Sweden-SAAB"
    assert meta["dateline"] == "STOCKHOLM, Aug 29, 2014 (AFP) -"
    assert meta["keywords"] == ["Sweden", "China", "auto", "business", "bankruptcy", "Saab"]


def test_ana_with_html_in_cdata() -> None:
    item = one_item("ana1.xml")
    assert item.uri == "urn:newsml:ana-mpe.gr:20180404:19336333:1"
    assert item.headline == "Wage employment balance positive in Jan-March"
    assert item.language == "en"  # <Language FormalName="EN"/>
    assert item.located == "Athens"
    assert item.credits == ["ΑΠΕ-ΜΠΕ"]
    assert item.versioncreated == datetime(2018, 4, 4, 14, 58, 59, tzinfo=UTC)
    assert len(item.body) == 4
    assert (
        item.body[2]
        == "In the same period last year, the balance was positive by 33,638 job positions."
    )
    assert item.body[3].startswith("© ΑΠΕ-ΜΠΕ ΑΕ.")
    assert {"code": "subj:09003002", "name": "Job Layoffs", "scheme": "subj"} in item.subjects
    assert item.stage_data["source_meta"]["subheadline"].startswith("Wage employment in the")


def test_photo_only_item_is_skipped_and_statuses() -> None:
    raw = b"""<NewsML><NewsItem>
      <Identification><NewsIdentifier><PublicIdentifier>urn:x:1</PublicIdentifier>
      </NewsIdentifier></Identification>
      <NewsManagement><Status FormalName="Canceled"/></NewsManagement>
      <NewsComponent><ContentItem Href="a.jpg"><MediaType FormalName="Photo"/></ContentItem>
      </NewsComponent></NewsItem>
      <NewsItem><NewsManagement><Status FormalName="Embargoed"/>
      <StatusWillChange><FutureStatus FormalName="Usable"/>
      <DateAndTime>20200101T080000+0100</DateAndTime></StatusWillChange></NewsManagement>
      <NewsComponent><NewsLines><HeadLine>Later</HeadLine></NewsLines>
      <ContentItem><MediaType FormalName="Text"/><DataContent>One.

Two.</DataContent></ContentItem></NewsComponent></NewsItem></NewsML>"""
    photo, text = ADAPTER.parse(raw, Hints(source_name="m.xml"))
    assert photo == Skipped("m.xml", "NewsML item with no text content (urn:x:1)")
    assert isinstance(text, Item)
    assert text.body == ["One.", "Two."]
    assert text.embargoed == datetime(2020, 1, 1, 7, 0, tzinfo=UTC)
    assert text.pubstatus == "usable"


def test_bad_input_raises_ingest_error() -> None:
    with pytest.raises(IngestError, match=r"^a: malformed XML"):
        ADAPTER.parse((FEEDS / "afp.xml").read_bytes()[:900], Hints(source_name="a"))
    with pytest.raises(IngestError, match=r"^b: root element <nitf> is not NewsML 1"):
        ADAPTER.parse(b"<nitf/>", Hints(source_name="b"))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_give_results_or_ingest_error(raw: bytes) -> None:
    try:
        results = ADAPTER.parse(raw, Hints(source_name="fuzz"))
    except IngestError as error:
        assert str(error).startswith("fuzz: ")
    else:
        assert all(isinstance(r, Item | Skipped) for r in results)


SAMPLES = [(FEEDS / n).read_bytes() for n in ("afp.xml", "ana1.xml")]


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
