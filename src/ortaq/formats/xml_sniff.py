"""Cheap look at the start of an XML (or HTML) document for sniffing, without parsing it."""

from __future__ import annotations

import re

from ortaq.formats.base import head_text

# The prolog: declaration, processing instructions, comments, doctype, whitespace.
PROLOG = re.compile(
    r"\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)*", re.S | re.I
)
START_TAG = re.compile(r"<([A-Za-z_][\w:.-]*)([^>]*)>?", re.S)


def root_start(raw: bytes, size: int = 8192) -> tuple[str, str]:
    """The root element's name and its start-tag attributes ("" when there is none).

    Namespace declarations are in the attributes, so callers can tell an Atom <feed>
    from another <feed>, or a WordPress export from plain RSS.
    """
    head = head_text(raw, size)
    prolog = PROLOG.match(head)
    match = START_TAG.match(head, prolog.end() if prolog else 0)
    if not match:
        return "", ""
    return match.group(1), match.group(2)


def doctype(raw: bytes, size: int = 2048) -> str:
    """The DOCTYPE name in lower case ("html"), or ""."""
    match = re.search(r"<!DOCTYPE\s+([\w:.-]+)", head_text(raw, size), re.I)
    return match.group(1).lower() if match else ""
