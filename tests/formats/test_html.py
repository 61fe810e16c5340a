"""Web pages through trafilatura: the article without navigation, comments or footer."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import trafilatura
from hypothesis import given, settings
from hypothesis import strategies as st

from ortaq.chain import Chain
from ortaq.formats import default_input_formats
from ortaq.formats.html import HtmlPage
from ortaq.model import Hints, IngestError, Item, Skipped

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "html"
KK = FIXTURES / "kk_article.html"
TR = FIXTURES / "tr_article_nodate_meta.html"


def one_item(raw: bytes, hints: Hints | None = None) -> Item:
    (item,) = HtmlPage().parse(raw, hints or Hints(source_name="page.html"))
    assert isinstance(item, Item)
    return item


def test_kazakh_article_page() -> None:
    item = one_item(KK.read_bytes())
    assert item.uri == "https://dala-news.example.kz/kk/ekonomika/aral-balyq-sharuashylygy"
    assert item.headline == "Арал өңірінде жаңа балық өсіру шаруашылығы ашылды"
    assert item.summary is not None and item.summary.startswith("Қызылорда облысының Арал")
    assert item.language == "kk"
    assert item.byline == "Айгүл Сәрсенова"
    assert item.firstcreated is not None
    assert item.firstcreated.isoformat() == "2024-03-14T09:30:00+05:00"
    assert len(item.body) == 5
    assert item.body[0].startswith("Қызылорда облысының Арал ауданында жылына 300 тонна")
    assert item.body[-1].endswith("қолдау көрсетуді жоспарлап отыр.")
    text = item.body_text
    for boilerplate in ("cookie", "Көп оқылғандар", "Барлық құқықтар", "Пікірлер", "Бөлісу"):
        assert boilerplate not in text
    assert item.stage_data["source_meta"]["sitename"] == "Дала жаңалықтары"
    assert item.source_format == "html"


def test_turkish_page_without_metadata() -> None:
    item = one_item(TR.read_bytes())
    assert item.headline == "Karadeniz'de fındık hasadı erken başladı"
    assert item.language == "tr"  # <html lang="tr-TR">
    assert item.uri == ""  # no canonical link: the chain gives the file's uri
    assert len(item.body) == 4
    assert item.body[0].startswith("Giresun ve Ordu'da üreticiler")
    assert "Tüm hakları saklıdır" not in item.body_text
    assert item.firstcreated is not None
    assert item.firstcreated.date().isoformat() == "2023-08-12"  # from the visible date


def test_htmldate_fallback_when_trafilatura_has_no_date(monkeypatch: pytest.MonkeyPatch) -> None:
    real = trafilatura.bare_extraction

    def without_date(*args: Any, **kwargs: Any) -> Any:
        document = real(*args, **kwargs)
        assert document is not None and not isinstance(document, dict)
        document.date = None
        return document

    monkeypatch.setattr(trafilatura, "bare_extraction", without_date)
    item = one_item(KK.read_bytes())
    assert item.firstcreated is not None
    assert item.firstcreated.isoformat() == "2024-03-14T09:30:00+05:00"


def test_received_at_bounds_the_date() -> None:
    hints = Hints(source_name="page.html", received_at=datetime(2020, 1, 1, tzinfo=UTC))
    item = one_item(KK.read_bytes(), hints)
    assert item.firstcreated is None  # a 2024 date cannot be before a 2020 receipt


def test_listing_page_has_no_article() -> None:
    raw = (FIXTURES / "tr_no_article.html").read_bytes()
    with pytest.raises(IngestError, match=r"^tr_no_article\.html: no article text found$"):
        HtmlPage().parse(raw, Hints(source_name="tr_no_article.html"))


@pytest.mark.parametrize("raw", [b"<html></html>", b"<!doctype html>", b"<html><body> </body>"])
def test_empty_pages(raw: bytes) -> None:
    with pytest.raises(IngestError, match=r"^e\.html: "):
        HtmlPage().parse(raw, Hints(source_name="e.html"))


def test_xhtml_with_declaration_and_non_utf8() -> None:
    body = "<p>" + "Şehirde yağmur nedeniyle bazı yollar trafiğe kapatıldı ve ulaşım aksadı. " * 3
    page = (
        '<?xml version="1.0" encoding="windows-1254"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="tr"><head><title>Yağmur</title>'
        f"</head><body><article><h1>Yağmur</h1>{body}</p></article></body></html>"
    )
    item = one_item(page.encode("cp1254"))
    assert item.language == "tr"
    assert item.body[0].startswith("Şehirde yağmur")


def test_sniff_and_chain_pick() -> None:
    adapter = HtmlPage()
    assert adapter.sniff(KK.read_bytes(), Hints()) == 0.9
    assert adapter.sniff(b"  <HTML><body>", Hints()) == 0.9
    assert adapter.sniff(b"<?xml version='1.0'?><rss/>", Hints()) == 0.0
    assert adapter.sniff(b"just words", Hints()) == 0.0
    assert adapter.sniff(b"words", Hints(source_name="a.html")) == 0.6
    chain = Chain(default_input_formats())
    assert chain.pick_format(KK.read_bytes(), Hints(source_name="kk.html")).name == "html"


def check_well_behaved(raw: bytes) -> None:
    try:
        results = HtmlPage().parse(raw, Hints(source_name="fuzz.html"))
    except IngestError as error:
        assert str(error).startswith("fuzz.html")
        return
    assert isinstance(results, list)
    assert all(isinstance(r, Item | Skipped) for r in results)


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=2048))
def test_arbitrary_bytes(raw: bytes) -> None:
    check_well_behaved(raw)


@settings(max_examples=200, deadline=None)
@given(
    seed=st.sampled_from([KK, TR]),
    cut=st.floats(min_value=0.0, max_value=1.0),
    junk=st.binary(max_size=12),
)
def test_mutated_real_files(seed: Path, cut: float, junk: bytes) -> None:
    raw = seed.read_bytes()
    position = int(len(raw) * cut)
    check_well_behaved(raw[:position] + junk + raw[position + len(junk) :])
