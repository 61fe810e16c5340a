"""Sniffing reads the whole prolog, however long: no window of N bytes decides the format."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from ortaq.chain import default_chain, process_all
from ortaq.formats.xml_sniff import doctype, root_start
from ortaq.model import Hints, Item

G2 = (
    Path(__file__).resolve().parents[3]
    / "shared"
    / "data"
    / "agency-feeds"
    / "ansa-newsmlg2-text.xml"
)
G2_NS = "http://iptc.org/std/nar/2006-10-01/"


def internal_subset(entities: int) -> bytes:
    """A DOCTYPE whose quoted entity values hold `]` and `>`, as XML allows."""
    lines = b"".join(
        b'<!ENTITY e%d "value ] with > inside %d">\n' % (n, n) for n in range(entities)
    )
    return b"<!DOCTYPE newsMessage [\n" + lines + b"]>\n"


def with_prolog(raw: bytes, prolog: bytes) -> bytes:
    declaration_end = raw.index(b"?>") + 2
    return raw[:declaration_end] + b"\n" + prolog + raw[declaration_end:]


def test_a_newsml_g2_file_with_a_long_doctype_is_read_as_newsml_g2() -> None:
    raw = with_prolog(G2.read_bytes(), internal_subset(400))
    assert raw.index(b"<newsMessage") > 16_000
    hints = Hints(source_name="long-doctype.xml")
    assert default_chain().pick_format(raw, hints).name == "newsmlg2"
    items = [o for o in process_all(raw, hints) if isinstance(o, Item)]
    assert items and all(item.source_format == "newsmlg2" for item in items)


def test_a_short_internal_subset_with_brackets_in_values_is_read_properly() -> None:
    raw = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "]><rss>">]><feed xmlns="urn:x"/>'
    assert root_start(raw) == ("feed", ' xmlns="urn:x"')


def test_html_with_a_long_comment_before_its_doctype() -> None:
    page = b"<!-- " + b"build info " * 2000 + b"-->\n<!doctype html>\n<html lang=en><p>x</p>"
    assert doctype(page) == "html"
    assert root_start(page)[0] == "html"


def test_text_and_json_have_no_root() -> None:
    assert root_start(b'{"headline": "<b>"}') == ("", "")
    assert root_start(b"Headline\n<p>not markup first</p>") == ("", "")


comment_text = st.text(alphabet="abc xyz]>?<[", max_size=200).filter(
    lambda t: "--" not in t and not t.endswith("-")
)
value_text = st.text(alphabet="abc ]>[<?!-", max_size=100)
prolog_parts = st.lists(
    st.one_of(
        comment_text.map(lambda t: f"<!--{t}-->"),
        st.text(alphabet="abc =", max_size=50).map(lambda t: f"<?pi {t}?>"),
        st.text(alphabet=" \n\t", min_size=1, max_size=5),
    ),
    max_size=30,
)


@given(
    prolog_parts,
    st.lists(value_text, max_size=300),
    prolog_parts,
    st.sampled_from(["newsMessage", "rss", "nitf", "g2:newsItem"]),
)
def test_the_root_is_found_after_any_prolog(
    before: list[str], values: list[str], after: list[str], name: str
) -> None:
    entities = "".join(f'<!ENTITY e{n} "{v}">' for n, v in enumerate(values))
    subset = f"<!DOCTYPE {name} [{entities}]>" if values else f"<!DOCTYPE {name}>"
    prefix = name.partition(":")[0] if ":" in name else ""
    xmlns = f"xmlns:{prefix}" if prefix else "xmlns"
    document = (
        '<?xml version="1.0" encoding="utf-8"?>'
        + "".join(before)
        + subset
        + "".join(after)
        + f'<{name} {xmlns}="{G2_NS}" version="2"><x/></{name}>'
    )
    found, attributes = root_start(document.encode("utf-8"))
    assert found == name
    assert G2_NS in attributes and 'version="2"' in attributes
