"""IPTC NewsML 1.x (AFP, ANA-MPA, ...): a `<NewsML>` envelope with one or more NewsItems.

Each NewsItem is a tree of NewsComponents; its text is the first text ContentItem
(inline NITF, XHTML, escaped HTML or plain text) outside caption components. Items
with only photos or other media are Skipped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ortaq.formats.base import InputFormat, ParseResult, pubstatus_of
from ortaq.formats.langtag import language_code
from ortaq.formats.nitf import nitf_body, nitf_byline, nitf_headline
from ortaq.formats.xmltext import (
    Element,
    attr,
    block_paragraphs,
    byline_text,
    date_of,
    dateline_place,
    descendants,
    first_text,
    kid,
    kids,
    local,
    looks_like_markup,
    markup_paragraphs,
    parse_xml,
    path,
    plain_paragraphs,
    sniff_root,
    subject,
    text_of,
    to_int,
    unique_subjects,
    xml_lang,
)
from ortaq.model import Hints, IngestError, Item, Skipped

NOT_BODY_ROLES = frozenset({"caption", "abstract", "summary", "headline", "byline"})
SUBJECT_LEVELS = ("Subject", "SubjectMatter", "SubjectDetail")


class NewsML1(InputFormat):
    name = "newsml1"
    media_types = ("text/vnd.iptc.newsml", "application/vnd.iptc.newsml+xml")

    def sniff(self, raw: bytes, hints: Hints) -> float:
        root, _ = sniff_root(raw)
        if root == "NewsML":
            return 0.95
        if root == "NewsItem":
            return 0.8
        if hints.media_type and hints.media_type.lower() in self.media_types:
            return 0.6
        return 0.0

    def parse(self, raw: bytes, hints: Hints) -> ParseResult:
        root = parse_xml(raw, hints.source_name)
        if local(root) == "NewsItem":
            news_items = [root]
        elif local(root) == "NewsML":
            news_items = kids(root, "NewsItem")
        else:
            raise IngestError(f"{hints.source_name}: root element <{local(root)}> is not NewsML 1")
        if not news_items:
            return [Skipped(hints.source_name, "NewsML envelope with no NewsItem")]
        return [self._one(news_item, root, hints) for news_item in news_items]

    def _one(self, news_item: Element, root: Element, hints: Hints) -> Item | Skipped:
        uri = identifier(news_item)
        body, nitf = item_text(news_item)
        component = kid(news_item, "NewsComponent")
        lines = next(descendants(component, "NewsLines"), None)
        headline = first_text(lines, "HeadLine") or (nitf_headline(nitf) if nitf else None)
        if not body and not headline:
            reason = "NewsML item with no text content"
            return Skipped(hints.source_name, f"{reason} ({uri})" if uri else reason)
        return self._item(news_item, root, uri, headline, body, nitf)

    def _item(
        self,
        news_item: Element,
        root: Element,
        uri: str,
        headline: str | None,
        body: list[str],
        nitf: Element | None,
    ) -> Item:
        management = kid(news_item, "NewsManagement")
        component = kid(news_item, "NewsComponent")
        lines = next(descendants(component, "NewsLines"), None)
        described = next(descendants(component, "DescriptiveMetadata"), None)
        status = attr(kid(management, "Status"), "FormalName").lower()
        byline = byline_text(first_text(lines, "ByLine"))
        item = Item(
            uri=uri,
            version=to_int(first_text(news_item, "Identification", "NewsIdentifier", "RevisionId")),
            headline=headline,
            body=body,
            language=language(news_item, described, root),
            pubstatus=pubstatus_of(status),
            firstcreated=date_of(first_text(management, "FirstCreated")),
            versioncreated=date_of(first_text(management, "ThisRevisionCreated"))
            or date_of(first_text(management, "FirstCreated")),
            embargoed=embargo(management, status),
            byline=byline or (nitf_byline(nitf)[0] if nitf is not None else None),
            located=located(lines, described),
            copyrightholder=text_of(next(descendants(component, "CopyrightHolder"), None)) or None,
            usageterms=text_of(next(descendants(component, "UsageType"), None)) or None,
            credits=[text_of(c) for c in kids(lines, "CreditLine") if text_of(c)],
            subjects=subjects(component),
            source_format=self.name,
        )
        item.stage_data["source_meta"] = source_meta(news_item, root, lines, described)
        return item


# -- identity and text ---------------------------------------------------------------


def identifier(news_item: Element) -> str:
    ident = path(news_item, "Identification", "NewsIdentifier")
    public = first_text(ident, "PublicIdentifier")
    if public:
        return public
    parts = [first_text(ident, name) for name in ("ProviderId", "DateId", "NewsItemId")]
    if all(parts):
        return "urn:newsml:" + ":".join(p or "" for p in parts)
    return ""


def item_text(news_item: Element) -> tuple[list[str], Element | None]:
    """Paragraphs of the first text ContentItem, and its NITF document if it had one."""
    for content in descendants(news_item, "ContentItem"):
        if not is_text(content) or in_caption(content, news_item):
            continue
        data = kid(content, "DataContent")
        if data is None:
            continue
        paragraphs, nitf = data_text(data, attr(kid(content, "Format"), "FormalName"))
        if paragraphs:
            return paragraphs, nitf
    return [], None


def is_text(content: Element) -> bool:
    media = attr(kid(content, "MediaType"), "FormalName").lower()
    mime = attr(kid(content, "MimeType"), "FormalName").lower()
    return media == "text" or mime.startswith("text/") or (not media and not mime)


def in_caption(content: Element, news_item: Element) -> bool:
    """Whether a ContentItem sits in a component whose role is not the body text."""
    el = content.getparent()
    while el is not None and el is not news_item:
        role = attr(kid(el, "Role"), "FormalName").lower()
        if role in NOT_BODY_ROLES:
            return True
        el = el.getparent()
    return False


def data_text(data: Element, fmt: str) -> tuple[list[str], Element | None]:
    doc = kid(data)
    if doc is not None:
        if local(doc) == "nitf":
            return nitf_body(doc), doc
        body = next(descendants(doc, "body"), None)
        return block_paragraphs(body if body is not None else data), None
    text = str(data.text or "")
    if "html" in fmt.lower() or "nitf" in fmt.lower() or looks_like_markup(text):
        return markup_paragraphs(text), None
    return plain_paragraphs(text), None


# -- metadata ------------------------------------------------------------------------


def language(news_item: Element, described: Element | None, root: Element) -> str | None:
    declared = language_code(attr(kid(described, "Language"), "FormalName"))
    return declared or xml_lang(news_item) or xml_lang(root)


def embargo(management: Element | None, status: str) -> datetime | None:
    """An Embargoed status with a StatusWillChange time names the embargo's end."""
    if status != "embargoed":
        return None
    return date_of(first_text(management, "StatusWillChange", "DateAndTime"))


def located(lines: Element | None, described: Element | None) -> str | None:
    place = dateline_place(first_text(lines, "DateLine"))
    if place:
        return place
    for location in kids(described, "Location"):
        for prop in kids(location, "Property"):
            if attr(prop, "FormalName").lower() == "city" and attr(prop, "Value"):
                return attr(prop, "Value")
    for prop in kids(described, "Property"):
        if attr(prop, "FormalName").lower() == "city" and attr(prop, "Value"):
            return attr(prop, "Value")
    return None


def subjects(component: Element | None) -> list[dict[str, str]]:
    names = topic_names(component)
    found = []
    for code_el in descendants(component, *SUBJECT_LEVELS):
        code = attr(code_el, "FormalName")
        if code:
            found.append(subject(f"subj:{code}", names.get(code), "subj"))
    return unique_subjects(found)


def topic_names(component: Element | None) -> dict[str, str]:
    """Subject code -> English name, from TopicSets that describe them (ANA style)."""
    names: dict[str, str] = {}
    for topic in descendants(component, "Topic"):
        code = first_text(topic, "FormalName")
        for desc in kids(topic, "Description"):
            variant = attr(desc, "Variant").lower()
            if code and variant == "name" and xml_lang(desc) in ("en", None):
                names.setdefault(code, text_of(desc))
    return names


def source_meta(
    news_item: Element, root: Element, lines: Element | None, described: Element | None
) -> dict[str, Any]:
    management = kid(news_item, "NewsManagement")
    keywords = [
        attr(p, "Value")
        for p in kids(described, "Property")
        if attr(p, "FormalName").lower() == "keyword" and attr(p, "Value")
    ]
    found: dict[str, Any] = {
        "slugline": first_text(lines, "SlugLine"),
        "subheadline": first_text(lines, "SubHeadLine"),
        "dateline": first_text(lines, "DateLine"),
        "copyright_line": first_text(lines, "CopyrightLine"),
        "name_label": first_text(news_item, "Identification", "NameLabel"),
        "item_type": attr(kid(management, "NewsItemType"), "FormalName"),
        "urgency": attr(kid(management, "Urgency"), "FormalName"),
        "priority": attr(path(root, "NewsEnvelope", "Priority"), "FormalName"),
        "genres": [
            attr(g, "FormalName") for g in kids(described, "Genre") if attr(g, "FormalName")
        ],
        "keywords": keywords,
    }
    return {key: value for key, value in found.items() if value}
