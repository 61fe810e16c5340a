"""A web page (an article as published on a site): main text and metadata via trafilatura.

trafilatura separates the article from navigation, comments, sidebars and footers and
reads title, author, description and date from the page's metadata; htmldate (which
trafilatura also uses) is asked again for the date when trafilatura has none. Nothing is
fetched: both get an already parsed tree, never a URL.
"""

from __future__ import annotations

import copy
import re
from datetime import datetime
from typing import Any

import trafilatura
from htmldate import find_date
from lxml import etree
from lxml import html as lxml_html

from ortaq.formats.base import InputFormat, ParseResult, decode_text, paragraphs_of, parse_datetime
from ortaq.formats.langtag import language_code
from ortaq.formats.xml_sniff import doctype, root_start
from ortaq.model import Hints, IngestError, Item

DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"
LATEST_DATE = "2099-12-31"  # without a receipt time: a fixed bound keeps parsing pure
FRAGMENT_TAGS = frozenset({"head", "body", "article", "main", "div", "p", "section", "h1", "meta"})
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# Main text this short is a listing, a menu or an error page, not an article.
MIN_PARAGRAPH_CHARS = 80
MIN_TEXT_CHARS = 200


class HtmlPage(InputFormat):
    name = "html"
    media_types = ("text/html", "application/xhtml+xml")
    extensions = (".html", ".htm", ".xhtml")

    def sniff(self, raw: bytes, hints: Hints) -> float:
        tag, _ = root_start(raw)
        if tag.lower() == "html" or doctype(raw) == "html":
            return 0.9
        if self.claims_extension(hints):
            return 0.6
        return 0.3 if tag.lower() in FRAGMENT_TAGS else 0.0

    def parse(self, raw: bytes, hints: Hints) -> ParseResult:
        source = hints.source_name
        tree = _parse_html(raw, source)
        max_date = hints.received_at.strftime("%Y-%m-%d") if hints.received_at else LATEST_DATE
        document = _extract(tree, max_date, source)
        headline = " ".join(_text(document.get("title")).split())
        body = paragraphs_of(_text(document.get("text")))
        if body and body[0] == headline:
            body = body[1:]  # the page's <h1> kept in the main text
        if not _is_article(body):
            raise IngestError(f"{source}: no article text found")
        date = _date(document.get("date")) or _fallback_date(tree, max_date)
        item = Item(
            uri=_text(document.get("url")).strip(),
            headline=headline or None,
            summary=" ".join(_text(document.get("description")).split()) or None,
            body=body,
            language=_declared_language(tree),
            firstcreated=date,
            versioncreated=date,
            byline=_text(document.get("author")).strip() or None,
            source_format=self.name,
        )
        item.stage_data["source_meta"] = _source_meta(document)
        item.stage_data["scraped"] = True  # page text: the read stage separates the noise
        return [item]


def _parse_html(raw: bytes, source: str) -> lxml_html.HtmlElement:
    text = XML_DECLARATION.sub("", decode_text(raw, source))  # lxml refuses str + encoding decl
    parser = lxml_html.HTMLParser(no_network=True, huge_tree=False)
    try:
        return lxml_html.document_fromstring(text, parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as error:
        raise IngestError(f"{source}: not readable HTML: {_one_line(error)}") from None


def _extract(tree: lxml_html.HtmlElement, max_date: str, source: str) -> dict[str, Any]:
    date_params = {
        "extensive_search": False,
        "original_date": True,
        "outputformat": DATE_FORMAT,
        "max_date": max_date,
    }
    try:
        document = trafilatura.bare_extraction(
            copy.deepcopy(tree),  # trafilatura prunes the tree it is given
            with_metadata=True,
            include_comments=False,
            date_extraction_params=date_params,
        )
    except Exception as error:  # an extraction library failing means unreadable input
        raise IngestError(f"{source}: HTML extraction failed: {_one_line(error)}") from None
    if document is None:
        raise IngestError(f"{source}: no article text found")
    result = document if isinstance(document, dict) else document.as_dict()
    return dict(result)


def _is_article(body: list[str]) -> bool:
    if not body:
        return False
    longest = max(len(p) for p in body)
    return longest >= MIN_PARAGRAPH_CHARS or sum(len(p) for p in body) >= MIN_TEXT_CHARS


def _fallback_date(tree: lxml_html.HtmlElement, max_date: str) -> datetime | None:
    try:
        found = find_date(
            copy.deepcopy(tree),
            extensive_search=False,
            original_date=True,
            outputformat=DATE_FORMAT,
            max_date=max_date,
        )
    except Exception:  # a date is optional: no date rather than no item
        return None
    return _date(found)


def _declared_language(tree: lxml_html.HtmlElement) -> str | None:
    declared = [tree.get("lang"), tree.get("xml:lang")]  # the HTML parser keeps "xml:" as is
    for meta in tree.iter("meta"):
        name = (meta.get("http-equiv") or meta.get("property") or "").lower()
        if name in ("content-language", "og:locale"):
            declared.append(meta.get("content"))
    for value in declared:
        code = language_code(value)
        if code:
            return code
    return None


def _source_meta(document: dict[str, Any]) -> dict[str, Any]:
    keys = ("sitename", "hostname", "categories", "tags", "pagetype", "image", "license")
    return {k: document[k] for k in keys if document.get(k) not in (None, "", [])}


def _date(value: Any) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _one_line(error: object) -> str:
    return " ".join(str(error).split())[:200]
