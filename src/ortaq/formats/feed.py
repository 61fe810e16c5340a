"""RSS (0.9x, 1.0, 2.0) and Atom feeds, read with feedparser: one item per entry.

WordPress WXR exports are RSS too, but they are a site archive with drafts and
attachments: `wxr.py` reads them, so this adapter does not claim them.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import feedparser

from ortaq.formats.base import InputFormat, ParseResult, paragraphs_of, parse_datetime
from ortaq.formats.html_text import html_paragraphs
from ortaq.formats.langtag import language_code
from ortaq.formats.xml_sniff import root_start
from ortaq.model import Hints, IngestError, Item, Rejected, Skipped

ATOM_NS = "http://www.w3.org/2005/Atom"
RSS1_NS = "http://purl.org/rss/1.0/"
WXR_NS = "wordpress.org/export/"
HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")


class Feed(InputFormat):
    name = "feed"
    media_types = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
    extensions = (".rss", ".atom")

    def sniff(self, raw: bytes, hints: Hints) -> float:
        tag, attributes = root_start(raw)
        if WXR_NS in attributes:
            return 0.0  # a WordPress export: wxr.py
        local = tag.rsplit(":", 1)[-1].lower()
        if local == "rss" or (local == "feed" and ATOM_NS in attributes):
            return 0.95
        if local == "rdf" and RSS1_NS in attributes:
            return 0.9
        return 0.0

    def parse(self, raw: bytes, hints: Hints) -> ParseResult:
        source = hints.source_name
        parsed = _feedparse(raw, source)
        entries = parsed.get("entries") or []
        problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
        if not entries:
            if problem is not None:
                raise IngestError(f"{source}: not a readable RSS/Atom feed: {_one_line(problem)}")
            if not parsed.get("version"):
                raise IngestError(f"{source}: not an RSS or Atom feed")
            return [Skipped(source, "feed with no entries")]
        channel = parsed.get("feed") or {}
        results: ParseResult = []
        for index, entry in enumerate(entries):
            name = f"{source}#{index}" if len(entries) > 1 else source
            result = self._entry(entry, channel, name, parsed, problem)
            if isinstance(result, Skipped):  # a broken entry: quarantined, the rest goes on
                results.append(Rejected(name, f"{name}: {result.reason}", raw))
            else:
                results.append(result)
        return results

    def _entry(
        self, entry: Any, channel: Any, name: str, parsed: Any, problem: object
    ) -> Item | Skipped:
        headline = _plain(entry.get("title_detail"), entry.get("title"))
        body, summary = _body_and_summary(entry)
        if not headline and not body:
            return Skipped(name, "feed entry with no title and no text")
        # dict.get: feedparser's own get() silently maps a missing "updated" to "published"
        published = _date(dict.get(entry, "published")) or _date(entry.get("wenn_nm_published"))
        updated = _date(dict.get(entry, "updated")) or published
        item = Item(
            uri=_text(entry.get("id")) or _text(entry.get("link")),
            headline=headline or None,
            summary=summary or None,
            body=body,
            language=_language(entry, channel),
            firstcreated=published or updated,
            versioncreated=updated,
            byline=_author(entry),
            subjects=_subjects(entry.get("tags")),
            source_format=self.name,
        )
        item.stage_data["source_meta"] = _source_meta(entry, channel, parsed, problem)
        return item


def _feedparse(raw: bytes, source: str) -> Any:
    """feedparser on the bytes. A stream, never the bytes: a bytes value that looks like a
    path or URL would make feedparser open the file or fetch it."""
    try:
        return feedparser.parse(io.BytesIO(raw), resolve_relative_uris=False, sanitize_html=True)
    except Exception as error:  # feedparser is lenient; anything it still throws is bad input
        raise IngestError(f"{source}: feed parser failed: {_one_line(error)}") from None


def _body_and_summary(entry: Any) -> tuple[list[str], str]:
    """Body from the full content (or an extension body), summary from the description.

    A feed with only a description gives it as the body and no summary; feedparser also
    copies Atom content into `summary`, which is then no summary either.
    """
    content = _content_paragraphs(entry.get("content"))
    described = _paragraphs(_text(entry.get("summary")), entry.get("summary_detail"))
    body = _wenn_body(entry) or content
    if not body:
        return described, ""
    return body, "" if described == content else " ".join(described)


def _content_paragraphs(content: Any) -> list[str]:
    if not isinstance(content, list):
        return []
    for part in content:
        paragraphs = _paragraphs(_text(part.get("value")), part)
        if paragraphs:
            return paragraphs
    return []


def _wenn_body(entry: Any) -> list[str]:
    """WENN's Atom feed puts a placeholder in <content>; the story is in its own namespace."""
    body = _text(entry.get("wenn_cm_body"))
    if not body.strip():
        return []
    return paragraphs_of(_text(entry.get("wenn_cm_first_line"))) + paragraphs_of(body)


def _paragraphs(value: str, detail: Any) -> list[str]:
    kind = _text(detail.get("type")).lower() if isinstance(detail, dict) else ""
    if kind in HTML_TYPES or (not kind and "<" in value):
        return html_paragraphs(value)
    return paragraphs_of(value)


def _plain(detail: Any, value: Any) -> str:
    return " ".join(_paragraphs(_text(value), detail))


def _author(entry: Any) -> str | None:
    """The author's name: RSS <author> is "email (Name)", feedparser splits it."""
    detail = entry.get("author_detail")
    name = _text(detail.get("name")) if isinstance(detail, dict) else ""
    return (name or _text(entry.get("author"))).strip() or None


def _language(entry: Any, channel: Any) -> str | None:
    for detail in (entry.get("title_detail"), entry.get("summary_detail")):
        if isinstance(detail, dict) and language_code(detail.get("language")):
            return language_code(detail.get("language"))
    metadata = entry.get("wenn_cm_contentmetadata")
    if isinstance(metadata, dict) and language_code(metadata.get("lang")):
        return language_code(metadata.get("lang"))
    return language_code(channel.get("language"))


def _subjects(tags: Any) -> list[dict[str, str]]:
    if not isinstance(tags, list):
        return []
    subjects: list[dict[str, str]] = []
    for tag in tags:
        term, label = _text(tag.get("term")).strip(), _text(tag.get("label")).strip()
        subject = {"code": term if label else "", "name": label or term}
        subject["scheme"] = _text(tag.get("scheme")).strip()
        subject = {k: v for k, v in subject.items() if v}
        if subject.get("name"):
            subjects.append(subject)
    return subjects


def _source_meta(entry: Any, channel: Any, parsed: Any, problem: object) -> dict[str, Any]:
    meta: dict[str, Any] = {"feed_version": _text(parsed.get("version"))}
    for key, value in (
        ("feed_title", channel.get("title")),
        ("feed_link", channel.get("link")),
        ("link", entry.get("link")),
        ("comments", entry.get("comments")),
        ("rights", entry.get("rights") or channel.get("rights")),
        ("slug", entry.get("wenn_cm_slug")),
        ("priority", entry.get("wenn_nm_feedarticle_priority")),
    ):
        if _text(value):
            meta[key] = value
    if problem is not None:
        meta["feed_problem"] = _one_line(problem)
    return meta


def _date(value: Any) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _one_line(error: object) -> str:
    return " ".join(str(error).split())[:200]
