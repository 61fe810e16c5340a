"""WordPress WXR exports: published posts become items, everything else is Skipped."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ortaq.chain import Chain
from ortaq.formats import default_input_formats
from ortaq.formats.base import ParseResult
from ortaq.formats.wxr import WordPressExport
from ortaq.model import Hints, IngestError, Item, Skipped

FEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "agency-feeds"
OWNED = ["wordpress_wxr.xml", "wordpress_wxr_funke.xml", "wordpress_wxr_thumb.xml"]


def parse(name: str) -> ParseResult:
    return WordPressExport().parse((FEEDS / name).read_bytes(), Hints(source_name=name))


def test_sourcefabric_export() -> None:
    results = parse("wordpress_wxr.xml")
    assert len(results) == 5
    post = results[0]
    assert isinstance(post, Item)
    assert post.uri == "http://sdnewtester.org/?p=216"
    assert post.headline == "Starafrica to dispose assets for $6 million to clear debt"
    # WordPress: a single newline in content is a line break
    assert post.body[0] == "By Tester"
    assert post.body[1].startswith("Harare, July 19 (The SDNewTester) - Cash-strapped StarAfrica")
    assert post.body[2] == "Bla bla test"
    assert post.language == "en"
    assert post.firstcreated is not None
    assert post.firstcreated.isoformat() == "2013-07-29T16:03:54+00:00"  # post_date_gmt
    assert post.byline == "admin"
    assert post.subjects == [
        {"code": "business", "name": "Business", "scheme": "wp:category"},
        {"code": "companies", "name": "Companies", "scheme": "wp:category"},
        {"code": "companies-2", "name": "companies", "scheme": "wp:post_tag"},
        {"code": "economy", "name": "Economy", "scheme": "wp:category"},
    ]
    assert post.stage_data["source_meta"]["post_id"] == "216"
    assert post.source_format == "wxr"
    for index, other in enumerate(results[1:], start=1):
        assert other == Skipped(
            f"wordpress_wxr.xml#{index}", "post with status 'inherit', not published"
        )


def test_funke_export() -> None:
    (post,) = parse("wordpress_wxr_funke.xml")
    assert isinstance(post, Item)
    assert post.uri == "https://funkygames.de/?p=6277"
    assert post.headline == "Löst einen Mord in Mysterium Secrets & Lies"
    assert post.language == "de"
    assert post.byline == "Marion"
    # shortcodes gone, blank lines are paragraphs, <h2> is its own paragraph, no captions
    assert post.body[0].startswith("Mysterium Secrets & Lies von Asmodee Digital ist")
    assert "Mysterium Secrets & Lies ist herausfordernd" in post.body
    assert not any("[" in p for p in post.body)
    assert "Spannende Handlung" in post.body  # a list item
    assert post.body[-1] == "iOS-Spieler erhalten hier die App für 5,49 Euro."
    assert post.summary is not None
    assert post.summary.startswith("Mysterium Secrets & Lies ist die offizielle Adaption")
    assert post.firstcreated is not None
    assert post.firstcreated.isoformat() == "2017-12-02T15:43:50+00:00"
    assert {"code": "ios-apps", "name": "iOS Apps", "scheme": "wp:category"} in post.subjects
    assert post.stage_data["source_meta"]["thumbnail_id"] == "6284"


def test_thumbnail_export_skips_the_attachment() -> None:
    attachment, post = parse("wordpress_wxr_thumb.xml")
    assert attachment == Skipped(
        "wordpress_wxr_thumb.xml#0", "attachment (a media file), not a post"
    )
    assert isinstance(post, Item)
    assert post.headline == "test post"
    assert post.body == ["toto"]  # "<strong>toto</toto>": broken markup, text kept
    assert post.uri == "https://main.toto.invalid"
    assert post.versioncreated is not None
    assert post.versioncreated.isoformat() == "2018-07-03T09:03:04+00:00"
    assert post.byline == "toto"
    assert post.stage_data["source_meta"]["thumbnail_id"] == "333"


def test_drafts_pages_and_passwords() -> None:
    template = (
        '<rss xmlns:wp="http://wordpress.org/export/1.2/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        "<item><title>T</title><content:encoded>Text</content:encoded>"
        "<wp:status>{status}</wp:status><wp:post_type>{kind}</wp:post_type>"
        "<wp:post_password>{password}</wp:post_password>"
        "<wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt></item>"
        "</channel></rss>"
    )
    cases = {
        ("draft", "post", ""): "post with status 'draft', not published",
        ("publish", "page", ""): "WordPress page, not a post",
        ("publish", "nav_menu_item", ""): "WordPress nav_menu_item, not a post",
        ("publish", "post", "secret"): "password-protected post",
    }
    for (status, kind, password), reason in cases.items():
        raw = template.format(status=status, kind=kind, password=password).encode()
        assert WordPressExport().parse(raw, Hints(source_name="w.xml")) == [
            Skipped("w.xml", reason)
        ]
    raw = template.format(status="publish", kind="post", password="").encode()
    (item,) = WordPressExport().parse(raw, Hints(source_name="w.xml"))
    assert isinstance(item, Item)
    assert item.body == ["Text"]
    assert item.firstcreated is None  # WordPress's zero date is no date


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"<rss><channel><item><title>cut", "malformed XML"),
        (b"<feed/>", "not a WordPress export"),
        (b"<rss/>", "without a <channel>"),
        (b'<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><rss>&e;</rss>', "channel"),
    ],
)
def test_bad_input(raw: bytes, message: str) -> None:
    with pytest.raises(IngestError, match=rf"^bad\.xml: .*{message}"):
        WordPressExport().parse(raw, Hints(source_name="bad.xml"))


def test_sniff_and_chain_pick() -> None:
    chain = Chain(default_input_formats())
    for name in OWNED:
        raw = (FEEDS / name).read_bytes()
        assert WordPressExport().sniff(raw, Hints()) == 0.97
        assert chain.pick_format(raw, Hints(source_name=name)).name == "wxr"
    assert WordPressExport().sniff((FEEDS / "wenn.xml").read_bytes(), Hints()) == 0.0


def check_well_behaved(raw: bytes) -> None:
    try:
        results = WordPressExport().parse(raw, Hints(source_name="fuzz.xml"))
    except IngestError as error:
        assert str(error).startswith("fuzz.xml")
        return
    assert isinstance(results, list)
    assert all(isinstance(r, Item | Skipped) for r in results)


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=2048))
def test_arbitrary_bytes(raw: bytes) -> None:
    check_well_behaved(raw)


@settings(max_examples=200, deadline=None)
@given(
    name=st.sampled_from(OWNED),
    cut=st.floats(min_value=0.0, max_value=1.0),
    junk=st.binary(max_size=12),
)
def test_mutated_real_files(name: str, cut: float, junk: bytes) -> None:
    raw = (FEEDS / name).read_bytes()
    position = int(len(raw) * cut)
    check_well_behaved(raw[:position] + junk + raw[position + len(junk) :])
