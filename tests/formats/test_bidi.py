"""Bidi controls in one-line fields: embeddings, overrides and isolates removed, marks
kept where they sit between characters; the Arabic text itself unchanged."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ortaq.chain import process
from ortaq.formats.base import single_line
from ortaq.model import Hints

EMBEDDINGS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
MARKS = "\u200e\u200f\u061c"
HEADLINE = "تركيا وأذربيجان يتبادلان الرؤى"
BODY = "نص الخبر هنا عن التعاون بين الوكالات الإخبارية في المنطقة والعالم.\n"

texts = st.text(alphabet=st.sampled_from([*EMBEDDINGS, *MARKS, " ", "a", "1", ".", "ب", "ت"]))


@given(texts)
def test_single_line_drops_embeddings_and_edge_marks_and_keeps_the_rest(text: str) -> None:
    cleaned = single_line(text)
    assert not set(cleaned) & set(EMBEDDINGS)
    assert cleaned == cleaned.strip(" " + MARKS)
    letters_in = "".join(c for c in text if c not in EMBEDDINGS + MARKS).strip(" ")
    assert "".join(c for c in cleaned if c not in MARKS).strip(" ") == letters_in
    assert single_line(cleaned) == cleaned


def test_a_mark_between_characters_stays() -> None:
    text = "الاجتماع في 2026\u200f."
    assert single_line(f"\u200f{text}\u200e ") == text


def test_an_override_in_a_headline_is_removed_and_the_arabic_stays_as_written() -> None:
    raw = f"\u202e{HEADLINE}\u202c\u200f\n{BODY}".encode()
    item = process(raw, Hints(source_name="ar.txt"))
    assert item.headline == HEADLINE
    assert item.derived["direction"].value == "rtl"


def test_isolates_around_a_byline_are_removed() -> None:
    document = (
        '{"uri": "urn:x:1", "type": "text", "headline": "\\u2067Başlık\\u2069", '
        '"byline": "\\u2066Ali Veli\\u2069", "body_text": "Haber metni burada."}'
    )
    item = process(document.encode(), Hints(source_name="x.json"))
    assert (item.headline, item.byline) == ("Başlık", "Ali Veli")
