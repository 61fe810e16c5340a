"""WordPress eXtended RSS (WXR): a WordPress site export, one result per <item>.

An export holds everything in the site: published posts, drafts, revisions, pages,
attachments (media files), menu items. Only published posts are news; the rest are
Skipped with the reason. Namespace versions differ between exports (wp 1.0-1.2), so
elements are matched by local name within the namespace family.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from lxml import etree

from ortaq.formats.base import InputFormat, ParseResult, parse_datetime
from ortaq.formats.html_text import html_paragraphs, strip_shortcodes
from ortaq.formats.langtag import language_code
from ortaq.formats.xml_sniff import root_start
from ortaq.model import Hints, IngestError, Item, Skipped

WP_NS = "http://wordpress.org/export/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
SUMMARY_META_KEYS = ("_yoast_wpseo_metadesc",)


class WordPressExport(InputFormat):
    name = "wxr"
    media_types = ("application/rss+xml",)
    extensions = (".wxr",)

    def sniff(self, raw: bytes, hints: Hints) -> float:
        tag, attributes = root_start(raw)
        if tag.rsplit(":", 1)[-1].lower() == "rss" and WP_NS in attributes:
            return 0.97
        return 0.0

    def parse(self, raw: bytes, hints: Hints) -> ParseResult:
        source = hints.source_name
        channel = _channel(raw, source)
        authors = _authors(channel)
        language = language_code(_child_text(channel, "", "language"))
        items = [child for child in channel if _is(child, "", "item")]
        if not items:
            return [Skipped(source, "WordPress export with no items")]
        results: ParseResult = []
        for index, element in enumerate(items):
            name = f"{source}#{index}" if len(items) > 1 else source
            results.append(self._post(_fields(element), element, name, authors, language))
        return results

    def _post(
        self,
        fields: dict[str, str],
        element: etree._Element,
        name: str,
        authors: dict[str, str],
        language: str | None,
    ) -> Item | Skipped:
        skip = _skip_reason(fields)
        if skip:
            return Skipped(name, skip)
        headline = " ".join(fields.get("title", "").split())
        body = html_paragraphs(strip_shortcodes(fields.get("content:encoded", "")), True)
        if not headline and not body:
            return Skipped(name, "published post with no title and no text")
        created = _wp_date(fields.get("wp:post_date_gmt")) or parse_datetime(fields.get("pubDate"))
        creator = fields.get("dc:creator", "").strip()
        item = Item(
            uri=fields.get("guid") or fields.get("link") or "",
            headline=headline or None,
            summary=_summary(fields, element) or None,
            body=body,
            language=language,
            firstcreated=created,
            versioncreated=_wp_date(fields.get("wp:post_modified_gmt")) or created,
            byline=authors.get(creator, creator) or None,
            subjects=_categories(element),
            source_format=self.name,
        )
        item.stage_data["source_meta"] = _source_meta(fields, element)
        return item


def _channel(raw: bytes, source: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(raw, parser)
    except (etree.XMLSyntaxError, ValueError) as error:
        raise IngestError(f"{source}: malformed XML: {_one_line(error)}") from None
    if root is None or etree.QName(root).localname != "rss":
        raise IngestError(f"{source}: not a WordPress export (root is not <rss>)")
    channel = next((c for c in root if _is(c, "", "channel")), None)
    if channel is None:
        raise IngestError(f"{source}: WordPress export without a <channel>")
    return channel


def _is(element: Any, namespace: str, local: str) -> bool:
    """Element test by local name within a namespace family ("" = no namespace)."""
    if not isinstance(element.tag, str):
        return False
    qname = etree.QName(element)
    return qname.localname == local and _family(qname.namespace) == namespace


def _family(namespace: str | None) -> str:
    if not namespace:
        return ""
    if namespace.startswith(WP_NS):
        return "excerpt" if namespace.rstrip("/").endswith("excerpt") else "wp"
    return {CONTENT_NS: "content", DC_NS: "dc"}.get(namespace, namespace)


def _fields(item: etree._Element) -> dict[str, str]:
    """The item's simple child elements as {"prefix:local": text}, first occurrence wins."""
    fields: dict[str, str] = {}
    for child in item:
        if not isinstance(child.tag, str) or len(child):
            continue
        qname = etree.QName(child)
        family = _family(qname.namespace)
        key = f"{family}:{qname.localname}" if family else qname.localname
        fields.setdefault(key, child.text or "")
    return fields


def _child_text(parent: etree._Element, namespace: str, local: str) -> str:
    for child in parent:
        if _is(child, namespace, local):
            return child.text or ""
    return ""


def _skip_reason(fields: dict[str, str]) -> str:
    post_type = fields.get("wp:post_type", "post").strip() or "post"
    status = fields.get("wp:status", "publish").strip() or "publish"
    if post_type == "attachment":
        return "attachment (a media file), not a post"
    if post_type != "post":
        return f"WordPress {post_type}, not a post"
    if status != "publish":
        return f"post with status {status!r}, not published"
    if fields.get("wp:post_password", "").strip():
        return "password-protected post"
    return ""


def _authors(channel: etree._Element) -> dict[str, str]:
    """Author login (what dc:creator says) to display name."""
    names: dict[str, str] = {}
    for author in channel:
        if _is(author, "wp", "author"):
            login = _child_text(author, "wp", "author_login").strip()
            display = " ".join(_child_text(author, "wp", "author_display_name").split())
            if login and display:
                names[login] = display
    return names


def _summary(fields: dict[str, str], element: etree._Element) -> str:
    for text in (fields.get("excerpt:encoded", ""), fields.get("description", "")):
        paragraphs = html_paragraphs(strip_shortcodes(text))
        if paragraphs:
            return " ".join(paragraphs)
    return " ".join(_postmeta(element).get(SUMMARY_META_KEYS[0], "").split())


def _postmeta(element: etree._Element) -> dict[str, str]:
    meta: dict[str, str] = {}
    for child in element:
        if _is(child, "wp", "postmeta"):
            key = _child_text(child, "wp", "meta_key").strip()
            if key:
                meta.setdefault(key, _child_text(child, "wp", "meta_value"))
    return meta


def _categories(element: etree._Element) -> list[dict[str, str]]:
    subjects: list[dict[str, str]] = []
    for child in element:
        if _is(child, "", "category"):
            subject = {
                "code": child.get("nicename", "").strip(),
                "name": " ".join((child.text or "").split()),
                "scheme": f"wp:{child.get('domain', 'category').strip()}",
            }
            if subject["name"] or subject["code"]:
                subjects.append({k: v for k, v in subject.items() if v})
    return subjects


def _source_meta(fields: dict[str, str], element: etree._Element) -> dict[str, Any]:
    meta: dict[str, Any] = {
        key.split(":", 1)[-1]: fields[key].strip()
        for key in ("wp:post_id", "wp:post_name", "link", "wp:post_type", "wp:status")
        if fields.get(key, "").strip()
    }
    if fields.get("wp:is_sticky", "0").strip() not in ("", "0"):
        meta["sticky"] = True
    thumbnail = _postmeta(element).get("_thumbnail_id", "").strip()
    if thumbnail:
        meta["thumbnail_id"] = thumbnail
    return meta


def _wp_date(value: str | None) -> datetime | None:
    """WordPress GMT dates; drafts carry 0000-00-00 00:00:00, which is no date."""
    if not value or value.strip().startswith("0000"):
        return None
    return parse_datetime(value)


def _one_line(error: object) -> str:
    return " ".join(str(error).split())[:200]
