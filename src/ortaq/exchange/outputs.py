"""Output formats: Atom (feedgen), IPTC ninjs 2.1 and 3.x, IPTC NewsML-G2.

Each adapter renders items that the store already filtered and redacted for one viewer,
so an adapter never decides who sees what: it only writes what it is given. Notices
(killed, withheld, embargoed) are rendered without text because they have none.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from feedgen.feed import FeedGenerator
from lxml import etree

from ortaq.formats.html_text import NOT_XML_CHARS
from ortaq.model import CONTRACT_FIELDS
from ortaq.registry import Registry
from ortaq.store import StoredItem

NINJS_TYPES = {"text": "text", "photo": "picture", "video": "video", "programme": "composite"}
G2_CLASSES = {"text": "text", "photo": "picture", "video": "video", "programme": "composite"}
NAR = "http://iptc.org/std/nar/2006-10-01/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class FeedInfo:
    """What a feed says about itself."""

    id: str
    title: str
    link: str
    updated: datetime


class OutputFormat(Protocol):
    name: str
    media_type: str

    def render_item(self, stored: StoredItem) -> bytes: ...

    def render_feed(self, feed: FeedInfo, items: Sequence[StoredItem]) -> bytes: ...


def iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def ednote(stored: StoredItem) -> str | None:
    """A line for editors: why this is a notice, what the agreement allows, and the
    verification desk's reviews of a claim the item carries."""
    parts = [
        f"Verification: {r['member']} rates a claim in this item {r['rating']}"
        f"{' (withdrawn)' if r['status'] == 'withdrawn' else ''}: {r['explanation']} "
        f"[{r['uri']}]"
        for r in stored.reviews
    ]
    item = stored.item
    if stored.access == "embargo":
        parts.append(f"Embargoed until {iso(item.embargoed)}: the text follows when it lifts.")
    elif stored.access == "notice":
        parts.append(f"This item is {item.pubstatus}: do not use it.")
    elif item.embargoed and stored.access == "full":
        parts.append(f"Embargoed until {iso(item.embargoed)}: do not publish before.")
    if stored.rights:
        r = stored.rights
        allowed = ", ".join(
            f"{name} {'yes' if flag else 'no'}"
            for name, flag in (
                ("republish", r.republish),
                ("edit", r.edit),
                ("translate", r.translate),
            )
        )
        parts.append(f"Agreement {r.agreement}: {allowed}.")
    return " ".join(parts) or None


def usage_terms(stored: StoredItem) -> str | None:
    if stored.rights and stored.rights.usage_terms:
        return stored.rights.usage_terms
    return stored.item.usageterms


# never written out as XML text: derived values, stage data and the stage contract's fields
_NOT_TEXT = frozenset({"derived", "stage_data"}) | CONTRACT_FIELDS


def xml_safe(stored: StoredItem) -> StoredItem:
    """The item without the characters XML 1.0 cannot hold (control characters a door
    let through): an XML feed must render whatever the store holds."""
    item = stored.item
    cleaned = {
        f.name: _xml_clean(getattr(item, f.name)) for f in fields(item) if f.name not in _NOT_TEXT
    }
    rights = stored.rights
    if rights is not None:
        rights = replace(
            rights,
            usage_terms=_xml_clean(rights.usage_terms),
            attribution=_xml_clean(rights.attribution),
        )
    return replace(stored, item=replace(item, **cleaned), rights=rights)


def _xml_clean(value: Any) -> Any:
    if isinstance(value, str):
        return NOT_XML_CHARS.sub("", value)
    if isinstance(value, list):
        return [_xml_clean(v) for v in value]
    if isinstance(value, dict):
        return {k: _xml_clean(v) for k, v in value.items()}
    return value


# -- ninjs ----------------------------------------------------------------------------


class Ninjs:
    """IPTC ninjs; 2.x keeps lower-case property names, 3.x uses camelCase."""

    media_type = "application/json"

    def __init__(self, name: str, version: str) -> None:
        self.name = name
        self.version = version
        self.camel = version.startswith("3")

    def document(self, stored: StoredItem) -> dict[str, Any]:
        item = stored.item
        doc: dict[str, Any] = {
            "uri": item.uri,
            "standard": {
                "name": "ninjs",
                "version": self.version,
                "schema": f"http://www.iptc.org/std/ninjs/ninjs-schema_{self.version}.json#",
            },
            "type": NINJS_TYPES.get(item.type, "text"),
            "version": str(item.version),
            "pubstatus": item.pubstatus,
            "representationtype": "full" if stored.access == "full" else "partial",
        }
        optional = {
            "language": item.language,
            "firstcreated": iso(item.firstcreated),
            "versioncreated": iso(item.versioncreated),
            "embargoed": iso(item.embargoed),
            "copyrightholder": item.copyrightholder,
            "copyrightnotice": stored.rights.attribution if stored.rights else None,
            "usageterms": usage_terms(stored),
            "ednote": ednote(stored),
            "by": item.byline,
            "located": item.located,
        }
        doc.update({k: v for k, v in optional.items() if v})
        if item.headline:
            doc["headlines"] = [{"role": "main", "value": item.headline}]
        if item.summary:
            doc["descriptions"] = [{"role": "summary", "value": item.summary}]
        if item.body:
            doc["bodies"] = [{"role": "main", "contenttype": "text/plain", "value": item.body_text}]
        subjects = [_ninjs_subject(s) for s in item.subjects if s.get("code") or s.get("name")]
        if subjects:
            doc["subjects"] = subjects
        if item.provider:
            doc["infosources"] = [{"name": item.provider, "role": "originator"}]
        return _camel(doc) if self.camel else doc

    def render_item(self, stored: StoredItem) -> bytes:
        return json.dumps(self.document(stored), ensure_ascii=False).encode("utf-8")

    def render_feed(self, feed: FeedInfo, items: Sequence[StoredItem]) -> bytes:
        body = {
            "id": feed.id,
            "title": feed.title,
            "updated": iso(feed.updated),
            "items": [self.document(s) for s in items],
        }
        return json.dumps(body, ensure_ascii=False).encode("utf-8")


def _ninjs_subject(subject: dict[str, str]) -> dict[str, str]:
    out = {"literal": subject["code"]} if subject.get("code") else {}
    if subject.get("name"):
        out["name"] = subject["name"]
    return out


_CAMEL = {
    "firstcreated": "firstCreated",
    "versioncreated": "versionCreated",
    "embargoed": "embargoedUntil",
    "pubstatus": "pubStatus",
    "copyrightholder": "copyrightHolder",
    "copyrightnotice": "copyrightNotice",
    "usageterms": "usageTerms",
    "ednote": "edNote",
    "representationtype": "representationType",
    "infosources": "infoSources",
    "contenttype": "contentType",
}


def _camel(value: Any) -> Any:
    if isinstance(value, dict):
        return {_CAMEL.get(k, k): _camel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_camel(v) for v in value]
    return value


# -- Atom -------------------------------------------------------------------------------


class Atom:
    name = "atom"
    media_type = "application/atom+xml"

    def render_item(self, stored: StoredItem) -> bytes:
        stored = xml_safe(stored)
        feed = FeedInfo(
            stored.item.uri, stored.item.headline or stored.item.uri, "", _updated(stored)
        )
        return self.render_feed(feed, [stored])

    def render_feed(self, feed: FeedInfo, items: Sequence[StoredItem]) -> bytes:
        generator = FeedGenerator()
        generator.id(feed.id)
        generator.title(feed.title)
        if feed.link:
            generator.link(href=feed.link, rel="self")
        generator.updated(feed.updated)
        generator.generator("Ortaq")
        for stored in reversed(items):  # feedgen prepends: keep newest first
            self._entry(generator, xml_safe(stored))
        rendered: bytes = generator.atom_str(pretty=True)
        return rendered

    def _entry(self, generator: FeedGenerator, stored: StoredItem) -> None:
        item = stored.item
        entry = generator.add_entry()
        entry.id(item.uri)
        entry.link(href=item.uri, rel="alternate")  # Atom wants a link when there is no text
        entry.title(_atom_title(stored))
        entry.updated(_updated(stored))
        if item.provider:
            entry.author({"name": item.provider})
        if stored.access == "full" and item.body:
            entry.content(item.body_text, type="text")
        note = ednote(stored)
        if item.summary or note:
            entry.summary(" ".join(p for p in (item.summary, note) if p))
        terms = usage_terms(stored)
        if terms:
            entry.rights(terms)
        for subject in item.subjects:
            if subject.get("code"):
                entry.category(term=subject["code"], label=subject.get("name"))


def _atom_title(stored: StoredItem) -> str:
    item = stored.item
    if stored.access == "notice":
        return f"[{item.pubstatus}] {item.uri}"
    if stored.access == "embargo":
        return f"[embargoed until {iso(item.embargoed)}] {item.uri}"
    return item.headline or item.uri


def _updated(stored: StoredItem) -> datetime:
    return stored.item.versioncreated or stored.ingested_at


# -- NewsML-G2 ------------------------------------------------------------------------------


class NewsMLG2:
    """NewsML-G2 2.35 (power conformance): one newsItem, or a newsMessage of them."""

    name = "newsmlg2"
    media_type = "application/vnd.iptc.g2.newsitem+xml"

    def element(self, stored: StoredItem) -> etree._Element:
        stored = xml_safe(stored)
        item = stored.item
        root = etree.Element(f"{{{NAR}}}newsItem", nsmap={None: NAR})
        root.set("guid", item.uri)
        root.set("version", str(item.version))
        root.set("standard", "NewsML-G2")
        root.set("standardversion", "2.35")
        root.set("conformance", "power")
        if item.language:
            root.set(XML_LANG, item.language)
        _sub(
            root,
            "catalogRef",
            href="http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_38.xml",
        )
        self._rights(root, stored)
        self._item_meta(root, stored)
        self._content_meta(root, stored)
        content = _sub(root, "contentSet")
        if stored.access == "full" and item.body:
            _sub(content, "inlineData", text=item.body_text, contenttype="text/plain")
        return root

    def _rights(self, root: etree._Element, stored: StoredItem) -> None:
        item, terms = stored.item, usage_terms(stored)
        notice = stored.rights.attribution if stored.rights else None
        if not (item.copyrightholder or notice or terms):
            return
        rights = _sub(root, "rightsInfo")
        if item.copyrightholder:
            holder = _sub(rights, "copyrightHolder")
            _sub(holder, "name", text=item.copyrightholder)
        if notice:
            _sub(rights, "copyrightNotice", text=notice)
        if terms:
            _sub(rights, "usageTerms", text=terms)

    def _item_meta(self, root: etree._Element, stored: StoredItem) -> None:
        item = stored.item
        meta = _sub(root, "itemMeta")
        _sub(meta, "itemClass", qcode=f"ninat:{G2_CLASSES.get(item.type, 'text')}")
        _sub(meta, "provider", literal=item.provider or "unknown")
        _sub(meta, "versionCreated", text=iso(_updated(stored)))
        if item.firstcreated:
            _sub(meta, "firstCreated", text=iso(item.firstcreated))
        if item.embargoed:
            _sub(meta, "embargoed", text=iso(item.embargoed))
        _sub(meta, "pubStatus", qcode=f"stat:{item.pubstatus}")
        note = ednote(stored)
        if note:
            _sub(meta, "edNote", text=note)

    def _content_meta(self, root: etree._Element, stored: StoredItem) -> None:
        item = stored.item
        meta = _sub(root, "contentMeta")
        if item.located:
            located = _sub(meta, "located")
            _sub(located, "name", text=item.located)
        if item.byline:
            creator = _sub(meta, "creator")
            _sub(creator, "name", text=item.byline)
        if item.language:
            _sub(meta, "language", tag=item.language)
        for subject in item.subjects:
            code = subject.get("code") or ""
            if ":" in code:
                element = _sub(meta, "subject", qcode=code)
                if subject.get("name"):
                    _sub(element, "name", text=subject["name"])
        if item.headline:
            _sub(meta, "headline", text=item.headline)
        if item.summary:
            _sub(meta, "description", text=item.summary, role="drol:summary")

    def render_item(self, stored: StoredItem) -> bytes:
        rendered: bytes = etree.tostring(
            self.element(stored), xml_declaration=True, encoding="UTF-8", pretty_print=True
        )
        return rendered

    def render_feed(self, feed: FeedInfo, items: Sequence[StoredItem]) -> bytes:
        message = etree.Element(f"{{{NAR}}}newsMessage", nsmap={None: NAR})
        header = _sub(message, "header")
        _sub(header, "sent", text=iso(feed.updated))
        _sub(header, "sender", text=feed.title)
        _sub(header, "transmitId", text=feed.id)
        item_set = _sub(message, "itemSet")
        for stored in items:
            item_set.append(self.element(stored))
        rendered: bytes = etree.tostring(
            message, xml_declaration=True, encoding="UTF-8", pretty_print=True
        )
        return rendered


def _sub(
    parent: etree._Element, local: str, /, text: str | None = None, **attrs: str
) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NAR}}}{local}")
    for key, value in attrs.items():
        element.set(key, value)
    if text is not None:
        element.text = text
    return element


def default_outputs() -> Registry[OutputFormat]:
    return Registry("output", [Atom(), Ninjs("ninjs21", "2.1"), Ninjs("ninjs3", "3.0"), NewsMLG2()])
