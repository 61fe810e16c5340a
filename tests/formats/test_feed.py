"""RSS 2.0 and Atom feeds through feedparser: one result per entry."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ortaq.chain import Chain
from ortaq.formats import default_input_formats
from ortaq.formats.base import ParseResult
from ortaq.formats.feed import Feed
from ortaq.model import Hints, IngestError, Item, Rejected, Skipped

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
FEEDS = DATA / "agency-feeds"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"


def parse(path: Path) -> ParseResult:
    return Feed().parse(path.read_bytes(), Hints(source_name=path.name))


def items(results: ParseResult) -> list[Item]:
    return [r for r in results if isinstance(r, Item)]


def test_rss2_entries_and_the_broken_one() -> None:
    results = parse(FIXTURES / "tr_rss2.xml")
    assert len(results) == 3
    first, second, broken = results
    assert isinstance(first, Item) and isinstance(second, Item)
    assert isinstance(broken, Rejected)  # quarantined on its own, the rest goes on
    assert broken.source_name == "tr_rss2.xml#2"
    assert broken.reason == "tr_rss2.xml#2: feed entry with no title and no text"
    assert broken.raw == (FIXTURES / "tr_rss2.xml").read_bytes()

    assert first.uri == "kuzeyhaber-2024-0318-001"
    assert first.headline == "Trabzon'da sahil yolu çalışması tamamlandı"
    assert first.summary == (
        "Kentin doğusundaki sahil yolunda iki yıldır süren genişletme çalışması sona erdi."
    )
    assert len(first.body) == 3  # content:encoded, a newline inside <p> is not a break
    assert first.body[1] == (
        "Belediye yetkilileri, yeni düzenlemeyle birlikte bisiklet yolu ve yürüyüş "
        "alanlarının da kullanıma hazır olduğunu açıkladı."
    )
    assert first.language == "tr"
    assert first.byline == "Elif Karaca"
    assert first.firstcreated is not None
    assert first.firstcreated.isoformat() == "2024-03-18T14:20:00+03:00"
    assert first.subjects == [{"name": "Yerel"}, {"name": "Ulaşım"}]
    assert first.source_format == "feed"
    assert first.stage_data["source_meta"]["feed_title"] == "Kuzey Haber - Son Dakika"

    # only a description: it is the body, not also the summary
    assert second.uri == "https://kuzeyhaber.example.com.tr/tarim/cay-gubre-destegi"
    assert second.summary is None
    assert second.body[0].startswith("İl tarım müdürlüğü, bu sezon çay üreticilerine")
    assert len(second.body) == 2
    assert second.byline == "Murat Aydın"  # "email (Name)" in RSS <author>


def test_atom_feed() -> None:
    first, second = items(parse(FIXTURES / "kk_atom.xml"))
    assert first.uri == "tag:dala-news.example.kz,2024:aral-balyq-sharuashylygy"
    assert first.headline == "Арал өңірінде жаңа балық өсіру шаруашылығы ашылды"
    assert first.summary == (
        "Арал ауданында жылына 300 тонна балық өндіретін шаруашылық іске қосылды."
    )
    assert first.body == [
        "Қызылорда облысының Арал ауданында жылына 300 тонна балық өндіруге қуаты жететін "
        "жаңа шаруашылық іске қосылды.",
        "Жаңа кәсіпорында 45 адам тұрақты жұмыспен қамтылды.",
    ]
    assert first.language == "kk"
    assert first.firstcreated is not None and first.versioncreated is not None
    assert first.firstcreated.isoformat() == "2024-03-14T09:30:00+05:00"
    assert first.versioncreated.isoformat() == "2024-03-14T12:10:00+05:00"
    assert first.byline == "Айгүл Сәрсенова"
    assert first.subjects == [{"code": "ekonomika", "name": "Экономика"}]
    assert first.stage_data["source_meta"]["rights"] == "© 2024 Дала жаңалықтары"

    assert second.headline == "Астық экспорты наурызда артты"
    assert len(second.body) == 2  # xhtml content
    assert second.body[1] == "Негізгі сатып алушылар — Орталық Азия елдері мен Ауғанстан."
    assert second.summary is None
    assert second.firstcreated == second.versioncreated  # only <updated>


def test_wenn_atom_extension_body() -> None:
    results = parse(FEEDS / "wenn.xml")
    first, second = items(results)
    assert len(results) == 2
    assert first.uri == "urn:feed-wenn-com:newsfeedarticle:2:2222:1"
    assert first.headline == "Suge Knight involved in fatal hit and run incident"
    # the <content> is a placeholder; the story is in wenn_cm:first_line + wenn_cm:body
    assert first.body[0].startswith("Police officials in Los Angeles are investigating")
    assert first.body[1].startswith("The embattled hip-hop mogul's lawyer James Blatt")
    assert len(first.body) == 5
    assert "This is body content1." not in first.body
    assert first.summary is None
    assert first.language == "en"
    assert first.firstcreated is not None and first.versioncreated is not None
    assert first.firstcreated.isoformat() == "2015-01-30T00:33:06+00:00"
    assert first.subjects == [{"name": "Music"}]
    assert first.stage_data["source_meta"]["slug"] == "(KL&TD/WNWCZM/RL)"
    assert second.headline == "Jagged Edge singer Kyle Norman arrested over domestic assault"
    assert second.body[0].startswith("JAGGED EDGE singer KYLE NORMAN has been arrested")


@pytest.mark.parametrize(
    "raw",
    [
        b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Yar',
        b"<rss><channel><item><title>a</title></item>",
    ],
)
def test_truncated_feed_without_entries_is_an_error(raw: bytes) -> None:
    results: ParseResult | None = None
    try:
        results = Feed().parse(raw, Hints(source_name="cut.rss"))
    except IngestError as error:
        assert str(error).startswith("cut.rss: not a readable RSS/Atom feed")
    else:  # feedparser's loose parser may recover the one entry: then it is ingested
        assert results is not None
        assert [r.headline for r in items(results)] == ["a"]


def test_truncated_fixture_file() -> None:
    with pytest.raises(IngestError, match=r"^truncated_rss\.xml: not a readable RSS/Atom feed"):
        parse(FIXTURES / "truncated_rss.xml")


def test_not_a_feed() -> None:
    with pytest.raises(IngestError, match=r"^x\.xml: not an RSS or Atom feed"):
        Feed().parse(b"<?xml version='1.0'?><note>hi</note>", Hints(source_name="x.xml"))


def test_empty_feed_is_skipped() -> None:
    raw = b'<rss version="2.0"><channel><title>Empty</title></channel></rss>'
    assert Feed().parse(raw, Hints(source_name="e.rss")) == [
        Skipped("e.rss", "feed with no entries")
    ]


def test_bytes_are_never_taken_for_a_path_or_url() -> None:
    for raw in (b"/etc/passwd", b"http://localhost:1/feed"):
        with pytest.raises(IngestError):
            Feed().parse(raw, Hints(source_name="p"))


def test_sniff() -> None:
    feed, hints = Feed(), Hints()
    assert feed.sniff((FIXTURES / "tr_rss2.xml").read_bytes(), hints) == 0.95
    assert feed.sniff((FIXTURES / "kk_atom.xml").read_bytes(), hints) == 0.95
    assert feed.sniff((FEEDS / "wenn.xml").read_bytes(), hints) == 0.95
    assert feed.sniff((FEEDS / "wordpress_wxr_funke.xml").read_bytes(), hints) == 0.0
    assert feed.sniff((FEEDS / "ap.xml").read_bytes(), hints) == 0.0
    assert feed.sniff(b"<html><body>x</body></html>", hints) == 0.0


@pytest.mark.parametrize(
    "path", [FIXTURES / "tr_rss2.xml", FIXTURES / "kk_atom.xml", FEEDS / "wenn.xml"]
)
def test_the_chain_picks_this_adapter(path: Path) -> None:
    chain = Chain(default_input_formats())
    assert chain.pick_format(path.read_bytes(), Hints(source_name=path.name)).name == "feed"


def check_well_behaved(raw: bytes) -> None:
    try:
        results = Feed().parse(raw, Hints(source_name="fuzz.rss"))
    except IngestError as error:
        assert str(error).startswith("fuzz.rss")
        return
    assert isinstance(results, list)
    assert all(isinstance(r, Item | Skipped | Rejected) for r in results)


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=2048))
def test_arbitrary_bytes(raw: bytes) -> None:
    check_well_behaved(raw)


SEEDS = [FIXTURES / "tr_rss2.xml", FIXTURES / "kk_atom.xml", FEEDS / "wenn.xml"]


@settings(max_examples=200, deadline=None)
@given(
    seed=st.sampled_from(SEEDS),
    cut=st.floats(min_value=0.0, max_value=1.0),
    junk=st.binary(max_size=12),
)
def test_mutated_real_files(seed: Path, cut: float, junk: bytes) -> None:
    raw = seed.read_bytes()
    position = int(len(raw) * cut)
    check_well_behaved(raw[:position] + junk + raw[position + len(junk) :])
