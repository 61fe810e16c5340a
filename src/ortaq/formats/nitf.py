"""IPTC NITF (News Industry Text Format): one `<nitf>` document, one item.

The `nitf_*` functions also read NITF carried inside NewsML-G2 and NewsML 1, where it
may sit in the NITF namespace, in the wrapper's namespace or in none.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ortaq.formats.base import InputFormat, ParseResult, pubstatus_of
from ortaq.formats.langtag import language_code
from ortaq.formats.xmltext import (
    Element,
    attr,
    block_paragraphs,
    byline_text,
    clean,
    date_of,
    dateline_place,
    descendants,
    kid,
    kids,
    local,
    parse_xml,
    path,
    sniff_root,
    subject,
    text_of,
    unique_subjects,
    xml_lang,
)
from ortaq.model import Hints, IngestError, Item, Skipped

# Editorial notes and embedded media are not body text.
BODY_SKIP = frozenset(
    {
        "head",
        "title",
        "meta",
        "script",
        "style",
        "media",
        "media-reference",
        "media-caption",
        "media-producer",
        "note",
        "img",
        "object",
    }
)
LANGUAGE_METAS = ("language", "lang", "dc.language", "content-language")


# -- reading a <nitf> element (shared with the NewsML adapters) --------------------------


def nitf_headline(nitf: Element) -> str | None:
    """hl1 from the body head; the head title when there is none."""
    hl1 = next(descendants(path(nitf, "body", "body.head", "hedline"), "hl1"), None)
    return text_of(hl1) or text_of(path(nitf, "head", "title")) or None


def nitf_body(nitf: Element) -> list[str]:
    content = path(nitf, "body", "body.content")
    return block_paragraphs(content, BODY_SKIP) if content is not None else []


def nitf_byline(nitf: Element) -> tuple[str | None, str | None]:
    """The byline without its title (byttl), and the title."""
    byline = path(nitf, "body", "body.head", "byline")
    if byline is None:
        return None, None
    title = text_of(kid(byline, "byttl")) or None
    parts = [str(byline.text or "")]
    for child in byline:
        if local(child) != "byttl":
            parts.append("".join(str(t) for t in child.itertext()))
        parts.append(str(child.tail or ""))
    return byline_text(" ".join(parts)), title


def nitf_abstract(nitf: Element) -> str | None:
    abstract = path(nitf, "body", "body.head", "abstract")
    if abstract is None:
        return None
    return " ".join(block_paragraphs(abstract, BODY_SKIP)) or None


def nitf_located(nitf: Element) -> str | None:
    """The dateline place: city, else the location text, else a place-only dateline."""
    dateline = path(nitf, "body", "body.head", "dateline")
    location = kid(dateline, "location")
    return (
        text_of(next(descendants(location, "city"), None))
        or text_of(location)
        or dateline_place(text_of(dateline))
        or None
    )


# -- the adapter ---------------------------------------------------------------------


class NITF(InputFormat):
    name = "nitf"
    media_types = ("application/nitf+xml", "text/vnd.iptc.nitf", "application/vnd.iptc.nitf+xml")
    extensions = (".nitf",)

    def sniff(self, raw: bytes, hints: Hints) -> float:
        root, _ = sniff_root(raw)
        if root.lower() == "nitf":
            return 0.95
        if hints.media_type and hints.media_type.lower() in self.media_types:
            return 0.6
        return 0.0

    def parse(self, raw: bytes, hints: Hints) -> ParseResult:
        root = parse_xml(raw, hints.source_name)
        if local(root).lower() != "nitf":
            raise IngestError(f"{hints.source_name}: root element <{local(root)}> is not NITF")
        headline = nitf_headline(root)
        body = nitf_body(root)
        if not headline and not body:
            return [Skipped(hints.source_name, "NITF document with no headline and no text")]
        return [self._item(root, headline, body)]

    def _item(self, nitf: Element, headline: str | None, body: list[str]) -> Item:
        docdata = path(nitf, "head", "docdata")
        byline, byline_title = nitf_byline(nitf)
        issued = date_of(attr(kid(docdata, "date.issue"), "norm")) or date_of(
            attr(path(nitf, "head", "pubdata"), "date.publication")
        )
        status = attr(docdata, "management-status").lower()
        item = Item(
            uri=attr(kid(docdata, "doc-id"), "id-string"),
            headline=headline,
            body=body,
            summary=nitf_abstract(nitf),
            language=_language(nitf),
            pubstatus=pubstatus_of(status),
            versioncreated=issued,
            embargoed=_embargo(docdata, status, issued),
            byline=byline,
            located=nitf_located(nitf),
            copyrightholder=attr(kid(docdata, "doc.copyright"), "holder") or None,
            usageterms=attr(kid(docdata, "doc.rights"), "limitations") or None,
            subjects=_subjects(nitf),
            source_format=self.name,
        )
        item.stage_data["source_meta"] = _source_meta(nitf, docdata, byline_title)
        return item


def _language(nitf: Element) -> str | None:
    for meta in kids(path(nitf, "head"), "meta"):
        if attr(meta, "name").lower() in LANGUAGE_METAS and language_code(attr(meta, "content")):
            return language_code(attr(meta, "content"))
    return xml_lang(nitf) or language_code(attr(nitf, "baselang")) or xml_lang(kid(nitf, "body"))


def _embargo(docdata: Element | None, status: str, issued: datetime | None) -> datetime | None:
    """date.release is an embargo when the status says so or it is after the issue."""
    release = date_of(attr(kid(docdata, "date.release"), "norm"))
    if release is None:
        return None
    if status == "embargoed" or (issued is not None and release > issued):
        return release
    return None


def _subjects(nitf: Element) -> list[dict[str, str]]:
    found = []
    for el in descendants(path(nitf, "head", "tobject"), "tobject.subject"):
        refnum = attr(el, "tobject.subject.refnum")
        code = f"subj:{refnum}" if refnum else attr(el, "tobject.subject.code")
        if not code:
            continue
        name = (
            attr(el, "tobject.subject.detail")
            or attr(el, "tobject.subject.matter")
            or attr(el, "tobject.subject.type")
        )
        found.append(subject(code, name or None))
    return unique_subjects(found)


def _source_meta(
    nitf: Element, docdata: Element | None, byline_title: str | None
) -> dict[str, Any]:
    head = path(nitf, "body", "body.head")
    meta: dict[str, Any] = {
        "title": text_of(path(nitf, "head", "title")),
        "subheadline": text_of(next(descendants(kid(head, "hedline"), "hl2"), None)),
        "byline_title": byline_title,
        "dateline": text_of(kid(head, "dateline")),
        "distributor": text_of(kid(head, "distributor")),
        "urgency": attr(kid(docdata, "urgency"), "ed-urg"),
        "ednote": attr(kid(docdata, "ed-msg"), "info"),
        "doc_scope": [attr(s, "scope") for s in kids(docdata, "doc-scope") if attr(s, "scope")],
        "du_key": attr(kid(docdata, "du-key"), "key"),
        "expires": attr(kid(docdata, "date.expire"), "norm"),
        "keywords": _keywords(docdata),
        "notes": [text_of(n) for n in descendants(head, "note") if text_of(n)],
        "meta": {
            attr(m, "name"): attr(m, "content")
            for m in kids(path(nitf, "head"), "meta")
            if attr(m, "name") and attr(m, "content")
        },
        "tagline": text_of(path(nitf, "body", "body.end", "tagline")),
    }
    return {key: value for key, value in meta.items() if value}


def _keywords(docdata: Element | None) -> list[str]:
    words = [
        clean(attr(k, "key") or text_of(k))
        for k in descendants(kid(docdata, "key-list"), "keyword")
    ]
    return [w for w in words if w]
