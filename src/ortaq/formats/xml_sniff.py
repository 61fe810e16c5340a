"""The root element of an XML (or HTML) document for sniffing, without parsing it all.

A plain prolog (declaration, comments, processing instructions, a DOCTYPE without an
internal subset) within the first 8 KB is scanned with a regular expression, which is
cheap. Anything else before the root (an internal subset, whose quoted values may hold
`]` and `>`, or a prolog longer than the window) is read by an XML parser fed chunk by
chunk until the root's start tag, so no window of the first N bytes decides the format.
Markup that is not well-formed XML (HTML with unquoted attributes) falls back to the
scan over a window that grows while the prolog goes on.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from ortaq.formats.base import head_text

MAX_FEED_BYTES = 1024 * 1024
FIRST_WINDOW = 8192
# The prolog: declaration, processing instructions, comments, doctype, whitespace.
PROLOG = re.compile(
    r"\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)*", re.S | re.I
)
START_TAG = re.compile(r"<([A-Za-z_][\w:.-]*)([^>]*)>?", re.S)
DOCTYPE = re.compile(r"<!DOCTYPE\s+([\w:.-]+)", re.I)
UNFINISHED = re.compile(r"\s*<[!?]")  # a comment, PI or doctype the window cut off


def root_start(raw: bytes) -> tuple[str, str]:
    """The root element's name and its start-tag attributes ("" when there is none).

    Namespace declarations are in the attributes, so callers can tell an Atom <feed>
    from another <feed>, or a WordPress export from plain RSS.
    """
    head = head_text(raw, FIRST_WINDOW)
    if not head.startswith("<"):
        return "", ""  # not markup: JSON, plain text
    prolog = PROLOG.match(head)
    end = prolog.end() if prolog else 0
    match = START_TAG.match(head, end)
    if match and match.group(0).endswith(">") and "[" not in head[:end]:
        return match.group(1), match.group(2)
    found = _parsed_root(raw)
    if found is not None:
        return found
    head, end = _lenient_prolog(raw)
    match = START_TAG.match(head, end)
    return (match.group(1), match.group(2)) if match else ("", "")


def doctype(raw: bytes) -> str:
    """The DOCTYPE name in lower case ("html"), or ""."""
    head, end = _lenient_prolog(raw)
    match = DOCTYPE.search(head, 0, end)
    return match.group(1).lower() if match else ""


def _parsed_root(raw: bytes) -> tuple[str, str] | None:
    """The root as an XML parser reads it; None when the bytes are not XML up to it."""
    parser = etree.XMLPullParser(
        events=("start",), resolve_entities=False, no_network=True, load_dtd=False
    )
    offset, size = 0, 256  # small first: the root is usually near the top
    try:
        while offset < len(raw):
            parser.feed(raw[offset : offset + size])
            for _event, element in parser.read_events():
                return _start_tag(element)
            offset, size = offset + size, min(2 * size, MAX_FEED_BYTES)
    except (etree.LxmlError, ValueError):
        return None
    return None


def _start_tag(element: Any) -> tuple[str, str]:
    """The start tag as written: prefixed name, namespace declarations, attributes."""
    local = etree.QName(element).localname
    name = f"{element.prefix}:{local}" if element.prefix else local
    declared = [
        f'xmlns{":" + prefix if prefix else ""}="{uri}"' for prefix, uri in element.nsmap.items()
    ]
    attributes = [f'{key.rpartition("}")[2]}="{value}"' for key, value in element.items()]
    return name, " " + " ".join([*declared, *attributes])


def _lenient_prolog(raw: bytes) -> tuple[str, int]:
    """The head as text and where its prolog ends, the window grown while it goes on."""
    size = FIRST_WINDOW
    while True:
        head = head_text(raw, size)
        prolog = PROLOG.match(head)
        end = prolog.end() if prolog else 0
        start = START_TAG.match(head, end)
        complete = start is not None and start.group(0).endswith(">")
        if complete or size >= len(raw) or not (start or UNFINISHED.match(head, end)):
            return head, end
        size *= 4
