"""Decoding text of unknown encoding: UTF-8 as is, other encodings by detection, and
UTF-8 with invalid bytes refused (quarantined) rather than guessed into mojibake."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ortaq.chain import process_all
from ortaq.formats.base import decode_text
from ortaq.model import Hints, IngestError, Rejected

FRENCH = "Le ministre a annoncé la coopération entre les agences de presse à Paris."
# Bytes that occur nowhere in UTF-8, so that two of them never make a valid sequence.
INVALID_BYTES = st.sampled_from([b"\xff", b"\xfe", b"\xc0", b"\xc1", b"\xf5", b"\xf8"])
text_with_accents = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1
).filter(lambda t: any(c > "\x7f" and c != "\ufffd" for c in t))


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00\ufeff")))
def test_utf8_text_decodes_to_itself(text: str) -> None:
    assert decode_text(text.encode("utf-8"), "x") == text


@given(text_with_accents, st.lists(INVALID_BYTES, min_size=1, max_size=3), st.data())
def test_utf8_with_a_few_invalid_bytes_is_refused(
    text: str, bad: list[bytes], data: st.DataObject
) -> None:
    non_ascii = sum(1 for c in text if c > "\x7f")
    assume(len(bad) <= non_ascii)
    cuts = sorted((data.draw(st.integers(0, len(text))) for _ in bad), reverse=True)
    raw = text.encode("utf-8")
    for cut, chunk in zip(cuts, bad, strict=True):  # at character boundaries, from the end
        at = len(text[:cut].encode("utf-8"))
        raw = raw[:at] + chunk + raw[at:]
    with pytest.raises(IngestError, match="invalid UTF-8 at byte"):
        decode_text(raw, "x")


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (FRENCH, "cp1252"),
        ("Министр объявил о сотрудничестве агентств «ТАСС» и «Казинформ». Ёлка.", "cp1251"),
        ("التعاون بين الوكالات الإخبارية في المنطقة يتعزز هذا العام", "cp1256"),
    ],
)
def test_text_in_a_single_byte_encoding_is_decoded_by_detection(text: str, encoding: str) -> None:
    assert decode_text(text.encode(encoding), "x") == text


def test_the_reported_mojibake_is_quarantined_not_stored() -> None:
    raw = f"Titre\n{FRENCH}\n".encode() + b"Un octet \xff invalide.\n"
    [outcome] = process_all(raw, Hints(source_name="annonce.txt"))
    assert isinstance(outcome, Rejected)
    assert outcome.reason.startswith("annonce.txt: undecodable text: invalid UTF-8 at byte")
