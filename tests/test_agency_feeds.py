"""Every real agency file in ../shared ingests through the whole chain, or is skipped
with a reason: none is rejected. (Item count, skipped count) per file is pinned."""

from __future__ import annotations

from pathlib import Path

import pytest

from ortaq.chain import default_chain
from ortaq.model import Hints, Item, Rejected, Skipped

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

EXPECTED = {
    "agency-feeds/LISTING_1_A_NewsML-G2_News_Item.xml": (1, 0),
    "agency-feeds/LISTING_6_Simple_NewsML-G2_Package.xml": (0, 1),
    "agency-feeds/aap-1.xml": (1, 0),
    "agency-feeds/aap-cyber.xml": (1, 0),
    "agency-feeds/aap-finance-lite.xml": (0, 1),
    "agency-feeds/aap-finance.xml": (1, 0),
    "agency-feeds/aap-finance1.xml": (1, 0),
    "agency-feeds/aap.xml": (1, 0),
    "agency-feeds/afp.xml": (1, 0),
    "agency-feeds/ana1.xml": (1, 0),
    "agency-feeds/ansa-newsmlg2-text.xml": (1, 0),
    "agency-feeds/ap-nitf.xml": (1, 0),
    "agency-feeds/ap.xml": (3, 0),
    "agency-feeds/ap_media_feed.json": (0, 1),
    "agency-feeds/ap_media_item.json": (0, 1),
    "agency-feeds/ap_media_picture.json": (0, 1),
    "agency-feeds/ap_media_text_feed.json": (0, 1),
    "agency-feeds/ap_media_text_item.json": (0, 1),
    "agency-feeds/ap_media_text_nitf.xml": (1, 0),
    "agency-feeds/bbc-ninjs-text-test.json": (1, 0),
    "agency-feeds/dpa.xml": (1, 0),
    "agency-feeds/handle_invalid_fields.xml": (1, 0),
    "agency-feeds/mapping_test.xml": (1, 0),
    "agency-feeds/ninjs1.json": (1, 0),
    "agency-feeds/ninjs2.json": (1, 0),
    "agency-feeds/ninjs3.json": (0, 1),
    "agency-feeds/ninjs4.json": (1, 0),
    "agency-feeds/ninjs4_mock.json": (0, 1),
    "agency-feeds/ninjsExMediumText1.json": (1, 0),
    "agency-feeds/ninjsExSimpleText1.json": (1, 0),
    "agency-feeds/ninjs_embargoed.json": (1, 0),
    "agency-feeds/nitf-fishing.xml": (1, 0),
    "agency-feeds/nitf-ntb.xml": (1, 0),
    "agency-feeds/pa1.xml": (1, 0),
    "agency-feeds/pa2.xml": (1, 0),
    "agency-feeds/pa3.xml": (1, 0),
    "agency-feeds/pa4.xml": (1, 0),
    "agency-feeds/picture.xml": (0, 1),
    "agency-feeds/ritzau_feed.xml": (2, 0),
    "agency-feeds/ritzau_news.xml": (1, 0),
    "agency-feeds/ritzau_news_test_ednote.xml": (1, 0),
    "agency-feeds/scoop.xml": (1, 1),
    "agency-feeds/snep.xml": (0, 1),
    "agency-feeds/stt1.xml": (1, 0),
    "agency-feeds/stt_archive_newsml_created_date_test.xml": (1, 0),
    "agency-feeds/stt_archive_newsml_test.xml": (1, 0),
    "agency-feeds/stt_newsml_abstract_test.xml": (1, 0),
    "agency-feeds/stt_newsml_endash.xml": (1, 0),
    "agency-feeds/stt_newsml_location_rich.xml": (1, 0),
    "agency-feeds/stt_newsml_location_test.xml": (1, 0),
    "agency-feeds/stt_newsml_no_truncated_text_test.xml": (1, 0),
    "agency-feeds/stt_newsml_note_test.xml": (1, 0),
    "agency-feeds/stt_newsml_subject_test.xml": (1, 0),
    "agency-feeds/stt_newsml_test.xml": (1, 0),
    "agency-feeds/stt_newsml_test_no_hl.xml": (1, 0),
    "agency-feeds/text.xml": (1, 0),
    "agency-feeds/upload_from_url_mock.json": (0, 1),
    "agency-feeds/video.xml": (1, 4),
    "agency-feeds/wenn.xml": (2, 0),
    "agency-feeds/wordpress_wxr.xml": (1, 4),
    "agency-feeds/wordpress_wxr_funke.xml": (1, 0),
    "agency-feeds/wordpress_wxr_thumb.xml": (1, 1),
    "iptc/ninjs/examples/2.1/SIPA_image_2.json": (0, 1),
    "iptc/ninjs/examples/2.1/ap_audio.json": (0, 1),
    "iptc/ninjs/examples/2.1/ap_image.json": (0, 1),
    "iptc/ninjs/examples/2.1/ap_video.json": (0, 1),
    "iptc/ninjs/examples/2.1/businesswire-newsml-20130605006126.json": (1, 0),
    "iptc/ninjs/examples/2.1/businesswire-newsml-20130731006140.json": (1, 0),
    "iptc/ninjs/examples/2.1/dpa_text.json": (1, 0),
    "iptc/ninjs/examples/2.1/imageEncodedRights.json": (0, 1),
    "iptc/ninjs/examples/2.1/imageLinkedRights.json": (0, 1),
    "iptc/ninjs/examples/2.1/ninjsExSimpleText_2.json": (1, 0),
    "iptc/ninjs/examples/2.1/ntb_text.json": (1, 0),
    "iptc/ninjs/examples/2.1/schema-extension/extension-example.json": (1, 0),
    "iptc/ninjs/examples/2.1/schema-extension/extension-schema.json": (0, 1),
    "iptc/ninjs/examples/2.1/tt_text_image_2.json": (1, 0),
    "iptc/ninjs/examples/3.0/20231004-UEFA-ChampionLeague.json": (0, 1),
    "iptc/ninjs/examples/3.0/20231005-65-addb-event.json": (0, 1),
    "iptc/ninjs/examples/3.0/20231008-anti-doping-measures-at-the-tour-down-under-will-be-the-toughest-ever-addb-ninjs-nitf.json": (
        1,
        0,
    ),
    "iptc/ninjs/examples/3.0/20231016-addb-example-press-conference.json": (0, 1),
    "iptc/ninjs/examples/3.0/SIPA_image_3.json": (0, 1),
    "iptc/ninjs/examples/3.0/ap_audio.json": (0, 1),
    "iptc/ninjs/examples/3.0/ap_image.json": (0, 1),
    "iptc/ninjs/examples/3.0/ap_video.json": (0, 1),
    "iptc/ninjs/examples/3.0/businesswire-newsml-20130605006126.json": (1, 0),
    "iptc/ninjs/examples/3.0/businesswire-newsml-20130731006140.json": (1, 0),
    "iptc/ninjs/examples/3.0/collection/20231016-event-timeline-sample.json": (0, 14),
    "iptc/ninjs/examples/3.0/dpa_text.json": (1, 0),
    "iptc/ninjs/examples/3.0/imageEncodedRights.json": (0, 1),
    "iptc/ninjs/examples/3.0/imageLinkedRights.json": (0, 1),
    "iptc/ninjs/examples/3.0/ninjsExSimpleText_3.json": (1, 0),
    "iptc/ninjs/examples/3.0/ntb_text.json": (1, 0),
    "iptc/ninjs/examples/3.0/simpleEvent.json": (0, 1),
    "iptc/ninjs/examples/3.0/tt_event_pressconference_3.0.json": (0, 1),
    "iptc/ninjs/examples/3.0/tt_text_image_3.json": (1, 0),
    "iptc/newsml-g2/examples/LISTING_14_Event_sent_as_a_Concept_Item.xml": (0, 1),
    "iptc/newsml-g2/examples/LISTING_16_A_Set_of_Events_carried_in_a_News_Item.xml": (0, 1),
    "iptc/newsml-g2/examples/LISTING_1_A_NewsML-G2_News_Item.xml": (1, 0),
    "iptc/newsml-g2/examples/LISTING_28_Illustrating_Located_Subject_and_Dateline.xml": (0, 1),
    "iptc/newsml-g2/examples/LISTING_2_NewsML-G2_Text_Document.xml": (1, 0),
    "iptc/newsml-g2/examples/LISTING_6_Simple_NewsML-G2_Package.xml": (0, 1),
}


def test_the_table_covers_every_file() -> None:
    folders = [DATA / "agency-feeds", DATA / "iptc" / "ninjs" / "examples"]
    folders.append(DATA / "iptc" / "newsml-g2" / "examples")
    on_disk = {
        str(p.relative_to(DATA)) for folder in folders for p in folder.rglob("*") if p.is_file()
    }
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_file_ingests_or_is_skipped_with_a_reason(name: str) -> None:
    path = DATA / name
    outcomes = default_chain().process_all(path.read_bytes(), Hints(source_name=path.name))
    assert not [o for o in outcomes if isinstance(o, Rejected)]
    items = [o for o in outcomes if isinstance(o, Item)]
    skipped = [o for o in outcomes if isinstance(o, Skipped)]
    assert (len(items), len(skipped)) == EXPECTED[name]
    for skip in skipped:
        assert len(skip.reason) > 10
    for item in items:
        assert item.headline or item.body
        # declared, or detected among the seven; else honestly "other" (e.g. a results table)
        assert item.language or item.derived["language"].value in {"other", "und"}
        assert item.versioncreated is not None or item.firstcreated is not None
        assert item.uri and item.source_format != "plaintext"
        assert item.derived["script"].value == "Latn" or item.language in {"zh", "ar"}
