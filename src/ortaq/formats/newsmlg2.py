"""IPTC NewsML-G2: a newsMessage (one result per item of its itemSet) or a bare item.

Text newsItems become Items, with the text taken from contentSet (inline XHTML, inline
NITF, or inlineData). Packages, pictures, video, audio, graphics, concept, knowledge
and planning items, and event listings are valid G2 but carry no text: Skipped.
"""

from __future__ import annotations

from typing import Any

from ortaq.formats.base import InputFormat, ParseResult, pubstatus_of
from ortaq.formats.langtag import language_code
from ortaq.formats.nitf import nitf_abstract, nitf_body, nitf_byline, nitf_headline
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
    strip_tags,
    subject,
    text_of,
    to_int,
    unique_subjects,
    xml_lang,
)
from ortaq.model import Hints, IngestError, Item, Skipped

G2_NS = "http://iptc.org/std/nar/2006-10-01/"
ITEMS = frozenset({"newsItem", "packageItem", "conceptItem", "knowledgeItem", "planningItem"})
FRAGMENTS = frozenset({"contentMeta", "itemMeta", "contentSet", "rightsInfo"})
# itemClass qcodes (ninat:, icls:, ...) of items that carry no text of their own.
MEDIA_CLASSES = frozenset(
    {"picture", "photo", "image", "graphic", "video", "audio", "animation", "interactive"}
)
MEDIA_KINDS = {"image": "picture", "video": "video", "audio": "audio"}
SUMMARY_ROLES = frozenset({"summary", "intro", "abstract", "lead", "synopsis", "teaser"})
MAIN_HEADLINE_ROLES = frozenset({"", "main", "headline", "mainheadline"})
PLACEHOLDERS = frozenset({"no-data-available", "n/a", "none", "unknown"})
XHTML_SKIP = frozenset(
    {
        "head",
        "title",
        "meta",
        "link",
        "script",
        "style",
        "noscript",
        "header",
        "img",
        "object",
        "video",
        "audio",
        "iframe",
    }
)


def suffix(qcode: str) -> str:
    """The code of a qcode without its scheme ("stat:usable" -> "usable")."""
    return qcode.rsplit(":", 1)[-1].strip().lower()


class NewsMLG2(InputFormat):
    name = "newsmlg2"
    media_types = (
        "application/vnd.iptc.g2.newsmessage+xml",
        "application/vnd.iptc.g2.newsitem+xml",
        "application/vnd.iptc.g2.packageitem+xml",
        "application/vnd.iptc.g2.conceptitem+xml",
        "application/vnd.iptc.g2.knowledgeitem+xml",
        "application/vnd.iptc.g2.planningitem+xml",
    )

    def sniff(self, raw: bytes, hints: Hints) -> float:
        root, ns = sniff_root(raw)
        if root == "newsMessage" or root in ITEMS:
            return 0.95 if ns == G2_NS or root == "newsMessage" else 0.8
        if root in FRAGMENTS:
            return 0.4  # a loose G2 block: ours to explain, not plain text
        if hints.media_type and hints.media_type.lower() in self.media_types:
            return 0.6
        return 0.0

    def parse(self, raw: bytes, hints: Hints) -> ParseResult:
        root = parse_xml(raw, hints.source_name)
        name = local(root)
        if name == "newsMessage":
            members = kids(kid(root, "itemSet"))
            if not members:
                return [Skipped(hints.source_name, "news message with no items")]
            return [self._one(member, hints, root) for member in members]
        if name in ITEMS:
            return [self._one(root, hints, root)]
        if name in FRAGMENTS:
            reason = f"NewsML-G2 fragment <{name}>, not a whole item"
            return [Skipped(hints.source_name, reason)]
        raise IngestError(f"{hints.source_name}: root element <{name}> is not NewsML-G2")

    def _one(self, el: Element, hints: Hints, root: Element) -> Item | Skipped:
        reason = skip_reason(el)
        if reason is None:
            body, inline = content_text(kid(el, "contentSet"))
            item = self._item(el, root, body, inline)
            if item.headline or item.body:
                return item
            reason = "text item with no headline and no text"
        guid = attr(el, "guid")
        return Skipped(hints.source_name, f"{reason} ({guid})" if guid else reason)

    def _item(self, el: Element, root: Element, body: list[str], inline: Element | None) -> Item:
        meta, content = kid(el, "itemMeta"), kid(el, "contentMeta")
        is_nitf = inline is not None and local(inline) == "nitf"
        headline = main_headline(content) or inline_headline(inline)
        byline = byline_text(first_text(content, "by"))
        if byline is None and is_nitf:
            byline = nitf_byline(inline)[0]
        item = Item(
            uri=attr(el, "guid"),
            version=to_int(attr(el, "version")),
            headline=headline,
            body=body,
            summary=summary(content) or (nitf_abstract(inline) if is_nitf else None),
            language=language(el, content, root),
            pubstatus=pubstatus_of(suffix(attr(kid(meta, "pubStatus"), "qcode"))),
            firstcreated=date_of(first_text(meta, "firstCreated"))
            or date_of(first_text(content, "contentCreated")),
            versioncreated=date_of(first_text(meta, "versionCreated"))
            or date_of(first_text(content, "contentModified"))
            or date_of(first_text(content, "contentCreated")),
            embargoed=date_of(first_text(meta, "embargoed")),
            byline=byline,
            located=located(content),
            copyrightholder=copyright_holder(kid(el, "rightsInfo")),
            usageterms=first_text(el, "rightsInfo", "usageTerms"),
            credits=credits(content),
            subjects=subjects(content),
            source_format=self.name,
        )
        item.stage_data["source_meta"] = source_meta(el, meta, content)
        return item


# -- what kind of item ---------------------------------------------------------------


def skip_reason(el: Element) -> str | None:
    """Why a G2 item is not a text news item, or None when it is one."""
    kind = local(el)
    if kind == "packageItem":
        return "package, no text item"
    if kind == "conceptItem":
        concept_type = suffix(attr(path(el, "concept", "type"), "qcode"))
        return f"{'event ' if concept_type == 'event' else ''}concept item, not a news item"
    if kind != "newsItem":
        return f"{kind.removesuffix('Item')} item, not a news item"
    item_class = suffix(attr(path(el, "itemMeta", "itemClass"), "qcode"))
    if item_class in MEDIA_CLASSES:
        return f"{item_class} item, no text"
    content_set = kid(el, "contentSet")
    if next(descendants(content_set, "event"), None) is not None:
        return "events listing, no text"
    if not kids(content_set, "inlineXML", "inlineData"):
        kinds = {
            MEDIA_KINDS.get(attr(r, "contenttype").split("/")[0].lower(), "media")
            for r in kids(content_set, "remoteContent")
        }
        if kinds:
            return f"{'/'.join(sorted(kinds))} item, no text"
    return None


# -- text ----------------------------------------------------------------------------


def content_text(content_set: Element | None) -> tuple[list[str], Element | None]:
    """Paragraphs of the first text rendition, and the inline document they came from."""
    for content in kids(content_set, "inlineXML", "inlineData"):
        if local(content) == "inlineData":
            paragraphs = inline_data(content)
            inline = None
        else:
            paragraphs, inline = inline_xml(content)
        if paragraphs:
            return paragraphs, inline
    return [], None


def inline_xml(content: Element) -> tuple[list[str], Element | None]:
    doc = kid(content)
    if doc is None:
        return plain_paragraphs(str(content.text or "")), None
    name = local(doc)
    if name == "nitf":
        return nitf_body(doc), doc
    if name == "html":
        body = kid(doc, "body")
        return block_paragraphs(body if body is not None else doc, XHTML_SKIP), doc
    return block_paragraphs(content, XHTML_SKIP), None


def inline_data(content: Element) -> list[str]:
    text = str(content.text or "")
    contenttype = attr(content, "contenttype").lower()
    if "html" in contenttype or "xml" in contenttype:
        return markup_paragraphs(text)
    # Plain text often still wraps its paragraphs in <p>: keep the line layout.
    return plain_paragraphs(strip_tags(text) if looks_like_markup(text) else text)


def inline_headline(inline: Element | None) -> str | None:
    if inline is None:
        return None
    if local(inline) == "nitf":
        return nitf_headline(inline)
    h1 = next(descendants(kid(inline, "body"), "h1"), None)
    return text_of(h1) or first_text(inline, "head", "title")


# -- metadata ------------------------------------------------------------------------


def main_headline(content: Element | None) -> str | None:
    for headline in kids(content, "headline"):
        if suffix(attr(headline, "role")) in MAIN_HEADLINE_ROLES and text_of(headline):
            return text_of(headline)
    return None


def summary(content: Element | None) -> str | None:
    for description in kids(content, "description"):
        role = suffix(attr(description, "role"))
        if (role in SUMMARY_ROLES or not attr(description, "role")) and text_of(description):
            return text_of(description)
    return None


def language(el: Element, content: Element | None, root: Element) -> str | None:
    tag = attr(kid(content, "language"), "tag")
    return (
        language_code(tag)
        or xml_lang(el)
        or xml_lang(root)
        or language_code(attr(root, "lang"))  # some feeds write lang= without the xml: prefix
    )


def located(content: Element | None) -> str | None:
    """The dateline place as written; else the name of the located concept."""
    place = dateline_place(first_text(content, "dateline"))
    if place:
        return place
    for loc in kids(content, "located"):
        name = text_of(kid(loc, "name")) or attr(loc, "literal")
        if name and name.lower() not in PLACEHOLDERS:
            return name
    return None


def copyright_holder(rights: Element | None) -> str | None:
    holder = kid(rights, "copyrightHolder")
    return text_of(kid(holder, "name")) or attr(holder, "literal") or None


def credits(content: Element | None) -> list[str]:
    found = [text_of(c).strip(" -\u2013\u2014") for c in kids(content, "creditline")]
    return [c for c in found if c]


def subjects(content: Element | None) -> list[dict[str, str]]:
    found = []
    for el in kids(content, "subject"):
        code = attr(el, "qcode") or attr(el, "literal")
        if code:
            found.append(subject(code, text_of(kid(el, "name")) or None))
    return unique_subjects(found)


def source_meta(el: Element, meta: Element | None, content: Element | None) -> dict[str, Any]:
    sub_headlines = [
        text_of(h)
        for h in kids(content, "headline")
        if suffix(attr(h, "role")) not in MAIN_HEADLINE_ROLES and text_of(h)
    ]
    found: dict[str, Any] = {
        "item_class": attr(kid(meta, "itemClass"), "qcode"),
        "provider": attr(kid(meta, "provider"), "qcode") or attr(kid(meta, "provider"), "literal"),
        "slugline": first_text(content, "slugline"),
        "subheadlines": sub_headlines,
        "dateline": first_text(content, "dateline"),
        "urgency": first_text(content, "urgency"),
        "ednotes": [text_of(n) for n in kids(meta, "edNote") if text_of(n)],
        "keywords": [text_of(k) for k in kids(content, "keyword") if text_of(k)],
        "genres": _names(kids(content, "genre")),
        "creators": _names(kids(content, "creator")),
        "copyright_notice": first_text(el, "rightsInfo", "copyrightNotice"),
        "content_created": first_text(content, "contentCreated"),
        "content_modified": first_text(content, "contentModified"),
        "signals": [attr(s, "qcode") for s in kids(meta, "signal") if attr(s, "qcode")],
    }
    return {key: value for key, value in found.items() if value}


def _names(concepts: list[Element]) -> list[str]:
    """Name of each concept, else its literal or qcode."""
    names = [text_of(kid(c, "name")) or attr(c, "literal") or attr(c, "qcode") for c in concepts]
    return [n for n in names if n]
