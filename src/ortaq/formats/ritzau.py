"""Ritzau (Danish news agency) XML: one `<RBNews>`, or a queue response holding several.

The body comes as escaped HTML in `<content>`; dates are Copenhagen local time without
a zone (as Ritzau's own clients read them).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from ortaq.formats.base import InputFormat, ParseResult
from ortaq.formats.xmltext import (
    Element,
    attr,
    clean,
    date_of,
    descendants,
    kid,
    kids,
    local,
    markup_paragraphs,
    parse_xml,
    sniff_root,
    subject,
    to_int,
    unique_subjects,
)
from ortaq.model import Hints, IngestError, Item, Skipped

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
_HAS_ZONE = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})\s*$", re.IGNORECASE)
_SUBJECT_CODE = re.compile(r"\d{8}")


class Ritzau(InputFormat):
    name = "ritzau"

    def sniff(self, raw: bytes, hints: Hints) -> float:
        root, _ = sniff_root(raw)
        if root == "RBNews":
            return 0.95
        if root == "XMLNewsQueuedResponse":
            return 0.9
        return 0.0

    def parse(self, raw: bytes, hints: Hints) -> ParseResult:
        root = parse_xml(raw, hints.source_name)
        if local(root) == "RBNews":
            news = [root]
        elif local(root) == "XMLNewsQueuedResponse":
            news = list(descendants(root, "RBNews"))
            if not news:
                return [Skipped(hints.source_name, "Ritzau queue response with no news")]
        else:
            raise IngestError(f"{hints.source_name}: root element <{local(root)}> is not Ritzau")
        return [self._one(rb) for rb in news]

    def _one(self, rb: Element) -> Item:
        published = local_date(field(rb, "PublishDate"))
        item = Item(
            uri=field(rb, "NewsID") or "",
            version=to_int(field(rb, "version")),
            headline=field(rb, "headline"),
            summary=field(rb, "subtitle"),
            body=markup_paragraphs(raw_field(rb, "content")),
            pubstatus="canceled" if field(rb, "Annuleret") == "true" else "usable",
            firstcreated=published,
            versioncreated=published,
            byline=field(rb, "byLine"),
            located=field(rb, "town"),
            subjects=subjects(rb),
            source_format=self.name,
        )
        item.stage_data["source_meta"] = source_meta(rb)
        return item


def raw_field(rb: Element, name: str) -> str:
    """A child's text as sent; "" when missing or xsi:nil."""
    el = kid(rb, name)
    if el is None or attr(el, "nil") == "true":
        return ""
    return "".join(str(t) for t in el.itertext())


def field(rb: Element, name: str) -> str | None:
    return clean(raw_field(rb, name)) or None


def local_date(text: str | None) -> datetime | None:
    parsed = date_of(text)
    if parsed is None or not text or _HAS_ZONE.search(text):
        return parsed
    return parsed.replace(tzinfo=COPENHAGEN)


def subjects(rb: Element) -> list[dict[str, str]]:
    codes = [clean(str(c.text or "")) for c in kids(kid(rb, "IPTCList"))]
    found = [
        subject(f"subj:{code}", None, "subj") for code in codes if _SUBJECT_CODE.fullmatch(code)
    ]
    return unique_subjects(found)


def source_meta(rb: Element) -> dict[str, Any]:
    ednote = markup_paragraphs(raw_field(rb, "TilRedaktionen"))
    found: dict[str, Any] = {
        "strapline": field(rb, "strapline"),
        "keywords": [k.strip(" -") for k in (field(rb, "strapline") or "").split("/")],
        "section": field(rb, "section"),
        "format": field(rb, "format"),
        "origin": field(rb, "origin"),
        "priority": field(rb, "Priority"),
        "topstory": field(rb, "Topstory") == "1",
        "ednote": "\n".join(ednote),
        "status": field(rb, "Status"),
        "replaces": field(rb, "Replaces") or field(rb, "replacedID"),
        "correction": field(rb, "Korrektion") == "true",
        "hist_id": field(rb, "HistID"),
    }
    found["keywords"] = [k for k in found["keywords"] if k]
    return {key: value for key, value in found.items() if value}
