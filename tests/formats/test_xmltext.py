"""The shared news-XML helpers: parsing, paragraphs, cleaning."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ortaq.formats.xmltext import (
    block_paragraphs,
    byline_text,
    clean,
    date_of,
    dateline_place,
    markup_paragraphs,
    parse_xml,
    plain_paragraphs,
    sniff_root,
)
from ortaq.model import IngestError


def test_sniff_root_skips_prolog_and_reads_namespace() -> None:
    raw = b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- c -->\n<!DOCTYPE x [<!ENTITY a "b">]>\n'
    raw += b'<g2:newsItem xmlns:g2="http://iptc.org/std/nar/2006-10-01/" guid="1"/>'
    assert sniff_root(raw) == ("newsItem", "http://iptc.org/std/nar/2006-10-01/")
    assert sniff_root(b"no xml here") == ("", "")


def test_block_paragraphs_inline_markup_br_and_cells() -> None:
    root = parse_xml(
        b"<body><p>One <b>bold</b> line<br/>wrapped.</p><p/><div>A<br/><br/>B</div>"
        b"<table><tr><td>1</td><td>2</td></tr></table><h2>Sub</h2><script>x()</script></body>",
        "t",
    )
    assert block_paragraphs(root) == ["One bold line wrapped.", "A", "B", "1 2", "Sub"]


def test_plain_paragraphs_layouts() -> None:
    assert plain_paragraphs("a\nb\n\nc") == ["a b", "c"]
    assert plain_paragraphs("first\nwrapped\n   second\nwrapped") == [
        "first wrapped",
        "second wrapped",
    ]
    assert plain_paragraphs("one\ntwo") == ["one", "two"]


def test_markup_paragraphs_and_cleaning() -> None:
    assert markup_paragraphs("<P>a &amp;amp;apos;b&amp;apos;</P><P>c</P>") == ["a 'b'", "c"]
    assert markup_paragraphs("no tags") == ["no tags"]
    assert clean("800<endash>-</endash>1 000") == "800\u20131 000"
    assert clean("Â£4 million") == "£4 million"
    assert clean("SÃO PAULO") == "SÃO PAULO"  # does not round-trip: left alone


def test_field_helpers() -> None:
    assert byline_text("By BERNARD CONDON") == "BERNARD CONDON"
    assert byline_text("Byron Smith") == "Byron Smith"
    assert dateline_place("London (dpa) - ") == "London"
    assert dateline_place("STOCKHOLM, Aug 29, 2014 (AFP) -") is None
    assert date_of("4") is None  # no year: would otherwise be a date this month
    assert date_of("20140829T134951+0000") is not None


def test_parse_xml_errors_name_the_source() -> None:
    with pytest.raises(IngestError, match=r"^f\.xml: malformed XML"):
        parse_xml(b"<a><b></a>", "f.xml")
    with pytest.raises(IngestError, match=r"^f\.xml: "):
        parse_xml(b"\x00\x01binary", "f.xml")


def test_parse_xml_reads_utf8_declared_as_latin1() -> None:
    root = parse_xml('<?xml version="1.0" encoding="iso-8859-1"?><a>å</a>'.encode(), "u")
    assert root.text == "å"
    latin = parse_xml('<?xml version="1.0" encoding="iso-8859-1"?><a>å</a>'.encode("latin-1"), "l")
    assert latin.text == "å"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_markup_paragraphs_never_raise(text: str) -> None:
    for paragraph in markup_paragraphs(text) + plain_paragraphs(text):
        assert paragraph == paragraph.strip() and paragraph
