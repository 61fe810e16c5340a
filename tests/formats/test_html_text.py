"""Shared helpers of the JSON/feed/web adapters: HTML paragraphs, language tags, sniffing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ortaq.formats.html_text import html_paragraphs, strip_shortcodes
from ortaq.formats.langtag import language_code
from ortaq.formats.xml_sniff import doctype, root_start


@pytest.mark.parametrize(
    ("markup", "paragraphs"),
    [
        ("<p>One\nline,</p><p>two <b>bold</b></p>", ["One line,", "two bold"]),
        ("<div>a<br>b<br/>c</div>", ["a", "b", "c"]),
        ("First\n\nSecond <i>x</i>\n\n\nThird", ["First", "Second x", "Third"]),
        ("<ul><li>x</li><li>y</li></ul>", ["x", "y"]),
        ("<p>a<script>alert(1)</script><!-- c -->b</p><style>p{}</style>", ["ab"]),
        ("<figure><img src=x><figcaption>Caption</figcaption></figure><p>Text</p>", ["Text"]),
        ("<pre>l1\nl2</pre>after\nthe pre", ["l1", "l2", "after the pre"]),
        ('<?xml version="1.0" encoding="UTF-8"?><body><p>x</p></body>', ["x"]),
        ("AT&T &amp; more", ["AT&T & more"]),
        ("<strong>toto</toto>", ["toto"]),
        ("", []),
        ("  \n ", []),
        ("bad \x01 control \ud800 chars", ["bad control chars"]),
    ],
)
def test_html_paragraphs(markup: str, paragraphs: list[str]) -> None:
    assert html_paragraphs(markup) == paragraphs


def test_wordpress_newlines_are_breaks() -> None:
    markup = "By Tester\nHarare, July 19 - news.\n<hr>\nBla"
    assert html_paragraphs(markup) == ["By Tester Harare, July 19 - news.", "Bla"]
    assert html_paragraphs(markup, newline_breaks=True) == [
        "By Tester",
        "Harare, July 19 - news.",
        "Bla",
    ]


def test_shortcodes() -> None:
    text = (
        "[dropcap]M[/dropcap]ysterium [sic] [1] [contact_form] "
        '[caption id="a"]<img src=x> A caption[/caption][vc_row]Row[/vc_row] [gallery ids="1"]'
    )
    assert " ".join(strip_shortcodes(text).split()) == "Mysterium [sic] [1] Row"


@pytest.mark.parametrize(
    ("tag", "code"),
    [
        ("en-US", "en"),
        ("nb-NO", "nb"),
        ("KK", "kk"),
        ("kk_KZ", "kk"),
        ("tr", "tr"),
        ("zh-Hant-TW", "zh"),
        ("eng", None),
        ("x-default", None),
        ("", None),
        (None, None),
        (42, None),
    ],
)
def test_language_code(tag: object, code: str | None) -> None:
    assert language_code(tag) == code


def test_root_start() -> None:
    raw = (
        b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- a comment -->\n'
        b'<!DOCTYPE rss [<!ENTITY x "y">]>\n<rss version="2.0" xmlns:wp="w">'
    )
    name, attributes = root_start(raw)  # an internal subset: read by the XML parser
    assert name == "rss" and sorted(attributes.split()) == ['version="2.0"', 'xmlns:wp="w"']
    assert root_start(b"<!doctype html><html lang=kk>")[0] == "html"
    assert root_start(b"no markup") == ("", "")
    assert doctype(b"<!DOCTYPE html PUBLIC '-//W3C//DTD XHTML 1.0//EN'>") == "html"
    assert doctype(b"<html>") == ""


@settings(max_examples=200, deadline=None)
@given(markup=st.text(max_size=400), breaks=st.booleans())
def test_html_paragraphs_never_fail(markup: str, breaks: bool) -> None:
    paragraphs = html_paragraphs(strip_shortcodes(markup), breaks)
    assert all(p and p == " ".join(p.split()) for p in paragraphs)
