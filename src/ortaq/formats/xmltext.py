"""Reading news XML: a safe parser, local-name navigation and paragraph text.

News XML mixes namespaces freely (NITF inside NewsML-G2 with or without its own
namespace, XHTML with or without xmlns, escaped HTML inside CDATA), so everything here
matches on local names and never raises on odd content. Used by the NewsML-G2,
NewsML 1, NITF and Ritzau adapters; any XML adapter may use it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from lxml import etree

from ortaq.formats.base import decode_text, parse_datetime
from ortaq.formats.langtag import language_code
from ortaq.formats.xml_sniff import root_start
from ortaq.model import IngestError

Element = Any  # lxml ships no type information

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "section",
        "article",
        "aside",
        "blockquote",
        "pre",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "caption",
        "figcaption",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hl1",
        "hl2",
        "hedline",
        "block",
        "body.content",
        "body.head",
        "header",
        "footer",
        "address",
        "center",
        "tagline",
        "bq",
        "credit",
        "nitf-table",
    }
)
CELL_TAGS = frozenset({"td", "th"})
# Never body text: document head, scripts, embedded media and their captions.
SKIP_TAGS = frozenset(
    {
        "head",
        "title",
        "meta",
        "link",
        "script",
        "style",
        "noscript",
        "media",
        "media-reference",
        "media-caption",
        "media-producer",
        "img",
        "object",
        "video",
        "audio",
        "iframe",
    }
)
MAX_DEPTH = 200  # deeper nesting is read as flat text instead of walked

_BR = "\x00"  # cannot occur in XML text, so it safely marks a <br> in the buffer
_DOUBLE_BR = re.compile(r"\x00\s*\x00")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_LITERAL_DASH = re.compile(r"<(endash|emdash)>\s*-*\s*</\1>", re.IGNORECASE)
_DASHES = {"endash": "\u2013", "emdash": "\u2014"}
_MOJIBAKE = re.compile("[\u00c2\u00c3][\u0080-\u00bf]|\u00e2\u20ac")
_TAG = re.compile(r"<[A-Za-z!/?][^>]*>")
_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:p|div|h[1-6]|li|blockquote|tr|br)\b[^>]*>", re.IGNORECASE)
_DECLARED = re.compile(rb"\s*<\?xml[^>]*?encoding\s*=\s*([\"'])([A-Za-z0-9._-]+)\1")
SINGLE_BYTE_CHARSETS = frozenset(
    {b"iso-8859-1", b"iso8859-1", b"latin-1", b"latin1", b"windows-1252", b"cp1252", b"us-ascii"}
)
_PROLOG_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_BY = re.compile(r"^\s*by\b[:\s]*", re.IGNORECASE)
_AGENCY = re.compile(r"\([^)]*\)")
_YEAR = re.compile(r"\d{4}")


# -- parsing ------------------------------------------------------------------------


def safe_parser() -> Any:
    """No entity expansion, no network, no huge trees; comments and PIs dropped."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(raw: bytes, source_name: str) -> Element:
    """The root element, or IngestError naming what is wrong with the XML."""
    try:
        return _parse(_trust_utf8(raw))
    except (etree.LxmlError, ValueError, LookupError, UnicodeError) as error:
        first = error
    if _is_utf8(raw):  # the encoding was not the problem: nothing to retry
        raise IngestError(f"{source_name}: malformed XML: {_first_line(first)}") from None
    # Feeds mislabel their encoding: retry once as text decoded by detection.
    try:
        text = decode_text(raw, source_name)
        return _parse(_PROLOG_DECL.sub("", text, count=1).encode("utf-8"))
    except (IngestError, etree.LxmlError, ValueError, LookupError, UnicodeError):
        raise IngestError(f"{source_name}: malformed XML: {_first_line(first)}") from None


def _trust_utf8(raw: bytes) -> bytes:
    """Bytes declared as a single-byte charset that are valid, non-ASCII UTF-8 are UTF-8.

    Exporters often keep an old ISO-8859-1 declaration over UTF-8 text; read as
    declared, every accented letter would come out as two (mojibake).
    """
    declaration = _DECLARED.match(raw)
    if not declaration or declaration.group(2).lower() not in SINGLE_BYTE_CHARSETS:
        return raw
    if raw.isascii() or not _is_utf8(raw):
        return raw
    start, end = declaration.span(2)
    return raw[:start] + b"UTF-8" + raw[end:]


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _parse(data: bytes) -> Element:
    root = etree.fromstring(data, safe_parser())
    if root is None:
        raise ValueError("no root element")
    return root


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def sniff_root(raw: bytes) -> tuple[str, str]:
    """The root element's local name and namespace, read from the head; ("", "") if none."""
    name, attributes = root_start(raw)
    prefix, _, local_name = name.rpartition(":")
    xmlns = "xmlns:" + prefix if prefix else "xmlns"
    ns = re.search(rf"\b{re.escape(xmlns)}\s*=\s*[\"']([^\"']*)[\"']", attributes)
    return local_name, ns.group(1) if ns else ""


# -- navigation by local name ---------------------------------------------------------


def local(el: Element) -> str:
    """Local name of an element; "" for comments, entities and other non-elements."""
    tag = getattr(el, "tag", None)
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def kids(el: Element | None, *names: str) -> list[Element]:
    """Child elements with one of the local names (all child elements if none given)."""
    if el is None:
        return []
    return [c for c in el if local(c) and (not names or local(c) in names)]


def kid(el: Element | None, *names: str) -> Element | None:
    found = kids(el, *names)
    return found[0] if found else None


def path(el: Element | None, *steps: str) -> Element | None:
    """Follow child local names step by step; None when a step is missing."""
    for step in steps:
        el = kid(el, step)
    return el


def descendants(el: Element | None, *names: str) -> Iterator[Element]:
    if el is None:
        return iter(())
    return (d for d in el.iter() if local(d) in names)


def attr(el: Element | None, name: str) -> str:
    """An attribute by local name (namespaced or not), stripped; "" when absent."""
    if el is None:
        return ""
    for key, value in el.attrib.items():
        if str(key).rsplit("}", 1)[-1] == name:
            return str(value).strip()
    return ""


def text_of(el: Element | None) -> str:
    """All text inside an element, cleaned and on one line; "" for None."""
    if el is None:
        return ""
    return clean("".join(str(t) for t in el.itertext()))


def first_text(el: Element | None, *steps: str) -> str | None:
    """Cleaned text at a child path, or None when missing or empty."""
    return text_of(path(el, *steps)) or None


# -- text ---------------------------------------------------------------------------


def clean(text: str) -> str:
    """One line of plain text: double-escaped entities and literal dash tags fixed."""
    text = text.replace(_BR, " ")
    for _ in range(3):  # feeds that escape twice leave "&amp;apos;" behind
        if not _ENTITY.search(text):
            break
        text = html.unescape(text)
    text = _LITERAL_DASH.sub(lambda m: _DASHES[m.group(1).lower()], text)
    return " ".join(fix_mojibake(text).split())


def fix_mojibake(text: str) -> str:
    """UTF-8 that was decoded as Windows-1252 once ("Â£4" -> "£4"), when it round-trips."""
    if not _MOJIBAKE.search(text):
        return text
    for codec in ("cp1252", "latin-1"):
        try:
            return text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
    return text


def block_paragraphs(root: Element, skip: frozenset[str] = SKIP_TAGS) -> list[str]:
    """Paragraphs of an XML/HTML subtree: every block element starts a new one.

    Inline markup (links, <person>, <Company>...) is kept as text; a lone <br> is a
    space (wire copy wraps lines with it), two in a row split the paragraph.
    """
    out: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        for part in _DOUBLE_BR.split("".join(buf)):
            paragraph = clean(part)
            if paragraph:
                out.append(paragraph)
        buf.clear()

    def walk(el: Element, depth: int) -> None:
        name = local(el)
        if not name or name in skip:
            return
        if depth > MAX_DEPTH:
            buf.append(" " + "".join(str(t) for t in el.itertext()) + " ")
            return
        block = name in BLOCK_TAGS
        if block:
            flush()
        if name == "pre":  # preformatted: its line layout is the paragraph layout
            out.extend(plain_paragraphs("".join(str(t) for t in el.itertext())))
            return
        if name == "br":
            buf.append(_BR)
        elif el.text:
            buf.append(str(el.text))
        for child in el:
            walk(child, depth + 1)
            if child.tail:
                buf.append(str(child.tail))
        if name in CELL_TAGS:
            buf.append(" ")
        if block:
            flush()

    walk(root, 0)
    flush()
    return out


def plain_paragraphs(text: str) -> list[str]:
    """Paragraphs of plain wire text.

    Blank lines separate paragraphs; without them, an indented line starts one (the
    teletype habit of ANSA and others); otherwise each line is a paragraph.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    blocks = [b for b in blocks if b]
    out: list[str] = []
    for block in blocks:
        if _indent_marks_paragraphs(block):
            out.extend(_split_at_indent(block))
        elif len(blocks) > 1:
            out.append(clean(" ".join(block)))
        else:
            out.extend(clean(line) for line in block)
    return [p for p in out if p]


def _indent_marks_paragraphs(block: list[str]) -> bool:
    rest = block[1:]
    indented = [line[:1].isspace() for line in rest]
    return any(indented) and not all(indented)


def _split_at_indent(block: list[str]) -> list[str]:
    parts: list[list[str]] = [[block[0]]]
    for line in block[1:]:
        if line[:1].isspace():
            parts.append([line])
        else:
            parts[-1].append(line)
    return [clean(" ".join(p)) for p in parts]


def strip_tags(markup: str) -> str:
    """Tags removed from text that should be plain but carries some HTML."""
    return _TAG.sub("", _BLOCK_TAG.sub("\n\n", markup))


def looks_like_markup(text: str) -> bool:
    return bool(_TAG.search(text))


def markup_paragraphs(markup: str) -> list[str]:
    """Paragraphs of an HTML fragment carried as text (escaped or in CDATA)."""
    if not looks_like_markup(markup):
        return plain_paragraphs(markup)
    try:
        parser = etree.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
        root = etree.fromstring(f"<html><body>{markup}</body></html>", parser)
    except (etree.LxmlError, ValueError, LookupError, UnicodeError):
        root = None
    if root is None:
        return plain_paragraphs(strip_tags(markup))
    body = kid(root, "body")
    return block_paragraphs(body if body is not None else root)


# -- small field helpers ------------------------------------------------------------


def xml_lang(el: Element | None) -> str | None:
    """The xml:lang declared on an element, as an ISO 639-1 code."""
    if el is None:
        return None
    return language_code(el.get(XML_LANG))


def byline_text(text: str | None) -> str | None:
    """A byline without its leading "By" and trailing punctuation."""
    if not text:
        return None
    return _BY.sub("", clean(text)).strip(" ,;/-") or None


def dateline_place(text: str | None) -> str | None:
    """The place of a dateline written as a place ("London (dpa) - " -> "London").

    Datelines that carry a date (digits) are not a place as written: None.
    """
    if not text or any(ch.isdigit() for ch in text):
        return None
    place = clean(_AGENCY.sub(" ", text)).strip(" ,;:-\u2013\u2014")
    return place or None


def date_of(text: str | None) -> datetime | None:
    """A timezone-aware date from metadata text; None without a year (the parser
    would otherwise invent the missing parts from today's date)."""
    if not text or not _YEAR.search(text):
        return None
    return parse_datetime(text)


def subject(code: str, name: str | None = None, scheme: str | None = None) -> dict[str, str]:
    """A subject entry; the scheme defaults to the qcode prefix ("medtop:123" -> "medtop")."""
    entry = {"code": code}
    if name:
        entry["name"] = name
    prefix = scheme or (code.split(":", 1)[0] if ":" in code else "")
    if prefix:
        entry["scheme"] = prefix
    return entry


def unique_subjects(subjects: list[dict[str, str]]) -> list[dict[str, str]]:
    seen: set[str] = set()
    out = []
    for entry in subjects:
        if entry["code"] not in seen:
            seen.add(entry["code"])
            out.append(entry)
    return out


def to_int(value: str | None, default: int = 1) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default
