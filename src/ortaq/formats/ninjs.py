"""IPTC ninjs (News in JSON) 1.x, 2.x and 3.x, and the JSON feeds that carry it.

The three generations differ in shape (see the official schemas):
- 1.x: flat strings: headline, body_text / body_html / body_xhtml, description_*, byline,
  subject[]; Superdesk and the AP media API speak a 1.x dialect (guid, authors, ...).
- 2.x: arrays of {role, contenttype, value}: headlines[], bodies[], descriptions[]; by,
  subjects[]; property names all lower case.
- 3.x: like 2.x but camelCase names: versionCreated, pubStatus, embargoedUntil, ...

A JSON feed (a list, {"item": [...]}, {"items": [...]}, AP's {"data": {"items": [{"item":
...}]}}) gives one result per item. Schema validation is optional (the official schemas
are not shipped with Ortaq): violations are recorded, never a reason to reject, since
real feeds deviate from the schema all the time.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from ortaq.formats.base import (
    InputFormat,
    ParseResult,
    decode_text,
    head_text,
    paragraphs_of,
    parse_datetime,
    pubstatus_of,
)
from ortaq.formats.html_text import html_paragraphs
from ortaq.formats.langtag import language_code
from ortaq.model import Hints, IngestError, Item, Skipped

SCHEMA_DIR_ENV = "ORTAQ_NINJS_SCHEMA_DIR"
SCHEMA_FILE = re.compile(r"^ninjs-schema_(\d+)\.(\d+)\.json$")
MAX_VIOLATIONS = 50

# Keys only ninjs 3.x spells in camelCase.
CAMEL_KEYS = frozenset(
    [
        "versionCreated",
        "firstCreated",
        "contentCreated",
        "pubStatus",
        "embargoedUntil",
        "copyrightHolder",
        "copyrightNotice",
        "usageTerms",
        "edNote",
        "altIds",
        "infoSources",
        "rightsInfo",
        "representationType",
        "trustIndicators",
        "eventDetails",
        "plannedCoverage",
        "digitalSourceType",
    ]
)
# Keys that appeared with ninjs 2.0 (arrays of objects instead of flat strings).
V2_KEYS = frozenset(
    [
        "headlines",
        "bodies",
        "descriptions",
        "subjects",
        "people",
        "organisations",
        "places",
        "by",
        "genres",
        "infosources",
        "events",
        "objects",
        "trustindicators",
    ]
)
NINJS_MARKER = re.compile(
    r'"(?:uri|guid|headlines?|body_text|body_html|bodies|versioncreated|versionCreated'
    r'|api_version)"\s*:'
)
NOT_TEXT_TYPES = frozenset({"picture", "graphic", "video", "audio"})
PLAIN_TYPES = ("text/plain",)
HTML_TYPES = ("text/html", "text/html5", "application/xhtml+xml", "text/xhtml")
HTML_ROLES = ("html", "xhtml", "html5", "richhtml5")
SUMMARY_ROLES = ("summary", "abstract", "lead", "text", "")
META_KEYS = [
    "ednote",
    "urgency",
    "priority",
    "slugline",
    "genre",
    "genres",
    "keywords",
    "service",
    "profile",
    "copyrightnotice",
    "title",
    "source",
    "infosource",
    "infosources",
    "altids",
    "firstpublished",
    "charcount",
    "wordcount",
    "representationtype",
    "expires",
    "contentcreated",
    "signals",
    "editorialpriority",
]


class NinJS(InputFormat):
    name = "ninjs"
    media_types = ("application/json", "application/ninjs+json")
    extensions = (".json",)

    def __init__(self, schema_dir: Path | None = None, *, schema_dir_from_env: bool = True) -> None:
        """`schema_dir` holds ninjs-schema_X.Y.json files; None reads $ORTAQ_NINJS_SCHEMA_DIR."""
        if schema_dir is None and schema_dir_from_env and os.environ.get(SCHEMA_DIR_ENV):
            schema_dir = Path(os.environ[SCHEMA_DIR_ENV])
        self.schema_dir = schema_dir
        self._validators: dict[str, Any] = {}

    def sniff(self, raw: bytes, hints: Hints) -> float:
        head = head_text(raw)
        if not head.startswith(("{", "[")):
            return 0.0
        if NINJS_MARKER.search(head):
            return 0.95
        # Any other JSON: claim it so that a clear "not ninjs" beats reading it as prose.
        return 0.5 if self.claims_extension(hints) else 0.4

    def parse(self, raw: bytes, hints: Hints) -> ParseResult:
        source = hints.source_name
        try:
            data = json.loads(decode_text(raw, source))
        except (ValueError, RecursionError) as error:
            raise IngestError(f"{source}: not valid JSON: {_one_line(error)}") from None
        documents, is_feed = _documents(data, source)
        if not documents:
            return [Skipped(source, "JSON feed with no items")]
        results: ParseResult = []
        for index, document in enumerate(documents):
            name = f"{source}#{index}" if is_feed else source
            if not isinstance(document, dict) or not _looks_like_ninjs(document):
                # Well-formed JSON that is not a news item (a schema, a config, a mock) is
                # skipped with the reason, as pictures are; broken JSON is quarantined.
                results.append(Skipped(name, _not_ninjs_reason(document)))
                continue
            results.append(self._parse_document(document, name))
        return results

    def validate(self, document: dict[str, Any]) -> tuple[str | None, list[str]]:
        """Check a document against its ninjs schema: (schema version, short violations)."""
        if self.schema_dir is None:
            return None, []
        family = ninjs_family(document)
        version = _schema_version(document, family, _available_versions(self.schema_dir))
        if version is None:
            return None, [f"no ninjs {family}.x schema in {self.schema_dir}"]
        try:
            validator = self._validator(version)
            errors = sorted(validator.iter_errors(document), key=_violation)
        except Exception as error:  # validation is advisory: a broken schema loses no item
            return version, [f"schema validation failed: {_one_line(error)}"]
        return version, [_violation(error) for error in errors[:MAX_VIOLATIONS]]

    def _validator(self, version: str) -> Any:
        if version not in self._validators:
            assert self.schema_dir is not None
            path = self.schema_dir / f"ninjs-schema_{version}.json"
            schema = json.loads(path.read_text(encoding="utf-8"))
            cls = jsonschema.validators.validator_for(
                schema, default=jsonschema.Draft202012Validator
            )
            retrieve = _offline_retriever(self.schema_dir)
            # mypy's attrs plugin does not see Registry's `retrieve` alias
            registry: Registry[Any] = Registry(retrieve=retrieve)  # type: ignore[call-arg]
            self._validators[version] = cls(
                schema, registry=registry, format_checker=cls.FORMAT_CHECKER
            )
        return self._validators[version]

    def _parse_document(self, document: dict[str, Any], name: str) -> Item | Skipped:
        fields = _lower_keys(document)
        kind = _text(fields.get("type")).lower()
        if kind in NOT_TEXT_TYPES:
            return Skipped(name, f"{kind} item, not a text item")
        if kind == "event" or (not kind and "eventdetails" in fields):
            return Skipped(name, "event (planning) item, not a text item")
        headline = _headline(fields)
        body, body_from = _body(fields)
        summary = _summary(fields)
        if not body and summary and not _has_text_rendition(fields):
            body, body_from, summary = paragraphs_of(summary), "description", ""
        if not body and _has_text_rendition(fields):
            return Skipped(
                name,
                "text is not inline, only in a downloadable rendition (e.g. NITF): "
                "ingest that rendition instead",
            )
        if not headline and not body:
            return Skipped(name, f"{kind or 'ninjs'} item with no headline or body text")
        if body and headline and body[0] == headline:
            body = body[1:]  # some agencies repeat the headline as the first line
        item = Item(
            uri=_text(fields.get("uri")) or _text(fields.get("guid")),
            headline=headline or None,
            summary=summary or None,
            body=body,
            source_format=self.name,
        )
        _fill_metadata(item, fields)
        item.stage_data["source_meta"] = _source_meta(document, fields, body_from)
        if self.schema_dir is not None:
            version, violations = self.validate(document)
            if version:
                item.stage_data["source_meta"]["ninjs_schema"] = version
            item.stage_data["validation"] = violations
        return item


def ninjs_family(document: dict[str, Any]) -> int:
    """1, 2 or 3: the declared standard version, else what the property names say."""
    declared = _declared_version(document)
    if declared and declared[0] in "123":
        return int(declared[0])
    keys = set(document)
    if keys & CAMEL_KEYS:
        return 3
    if keys & V2_KEYS:
        return 2
    return 1


def _documents(data: Any, source: str) -> tuple[list[Any], bool]:
    """The ninjs objects in a JSON value, and whether it was a feed (several items)."""
    if isinstance(data, list):
        return [_unwrap(d) for d in data], True
    if not isinstance(data, dict):
        raise IngestError(f"{source}: JSON {type(data).__name__}, not a ninjs object or feed")
    inner = data.get("data")
    if isinstance(inner, dict) and "api_version" in data:  # AP media API envelope
        if isinstance(inner.get("items"), list):
            return [_unwrap(d) for d in inner["items"]], True
        if isinstance(inner.get("item"), dict):
            return [inner["item"]], False
        raise IngestError(f"{source}: AP media API response without data.item or data.items")
    for key in ("items", "item"):
        if isinstance(data.get(key), list) and "uri" not in data and "guid" not in data:
            return [_unwrap(d) for d in data[key]], True
    return [data], False


def _unwrap(entry: Any) -> Any:
    if isinstance(entry, dict) and isinstance(entry.get("item"), dict) and "uri" not in entry:
        return entry["item"]
    return entry


def _looks_like_ninjs(document: dict[str, Any]) -> bool:
    keys = {k.lower() for k in document}
    if "$schema" in keys:
        return False
    return bool(keys & {"uri", "guid", "headline", "headlines", "body_text", "body_html", "bodies"})


def _not_ninjs_reason(document: Any) -> str:
    if not isinstance(document, dict):
        return f"a JSON {type(document).__name__} where a ninjs object was expected"
    if "$schema" in document:
        return "a JSON Schema document, not a ninjs item"
    keys = ", ".join(sorted(str(k) for k in document)[:8]) or "none"
    return f"not a ninjs item: no uri, guid, headline or body (keys: {keys})"


def _lower_keys(document: dict[str, Any]) -> dict[str, Any]:
    fields = {str(k).lower(): v for k, v in document.items()}
    if "embargoeduntil" in fields:
        fields.setdefault("embargoed", fields["embargoeduntil"])
    return fields


def _headline(fields: dict[str, Any]) -> str:
    if isinstance(fields.get("headline"), str):
        return _fold(fields["headline"])
    entry = _pick_role(fields.get("headlines"), ("main", ""))
    if entry is None:
        return ""
    value = _text(entry.get("value"))
    return " ".join(html_paragraphs(value)) if _is_html(entry, value) else _fold(value)


def _summary(fields: dict[str, Any]) -> str:
    if isinstance(fields.get("description_text"), str):
        return _fold(fields["description_text"])
    if isinstance(fields.get("description_html"), str):
        return " ".join(html_paragraphs(fields["description_html"]))
    entry = _pick_role(fields.get("descriptions"), SUMMARY_ROLES)
    if entry is None:
        return ""
    value = _text(entry.get("value"))
    return " ".join(html_paragraphs(value)) if _is_html(entry, value) else _fold(value)


def _body(fields: dict[str, Any]) -> tuple[list[str], str]:
    """Body paragraphs and where they came from: plain text unless markup has more structure."""
    plain: list[str] = []
    markup: list[str] = []
    if isinstance(fields.get("bodies"), list):
        for entry in fields["bodies"]:
            if not isinstance(entry, dict) or not isinstance(entry.get("value"), str):
                continue
            if _is_plain(entry) and not plain:
                plain = paragraphs_of(entry["value"])
            elif _is_html(entry, entry["value"]) and not markup:
                markup = html_paragraphs(entry["value"])
    else:
        if isinstance(fields.get("body_text"), str):
            plain = paragraphs_of(fields["body_text"])
        for key in ("body_html", "body_xhtml"):
            if isinstance(fields.get(key), str) and not markup:
                markup = html_paragraphs(fields[key])
    if len(markup) > len(plain):
        return markup, "html"
    return plain, "text"


def _is_plain(entry: dict[str, Any]) -> bool:
    kind = _content_type(entry)
    if kind:
        return kind.startswith(PLAIN_TYPES)
    role = _text(entry.get("role")).lower()
    return role in ("text", "plain") or (not role and "<" not in _text(entry.get("value")))


def _is_html(entry: dict[str, Any], value: str) -> bool:
    kind = _content_type(entry)
    if kind:
        return kind.startswith(HTML_TYPES)
    role = _text(entry.get("role")).lower()
    return role in HTML_ROLES or (role not in ("text", "plain") and "<" in value)


def _content_type(entry: dict[str, Any]) -> str:
    return _text(entry.get("contenttype") or entry.get("contentType")).lower()


def _pick_role(entries: Any, roles: tuple[str, ...]) -> dict[str, Any] | None:
    """The first entry whose role comes earliest in `roles` ("" = no role), else the first."""
    if not isinstance(entries, list):
        return None
    usable = [e for e in entries if isinstance(e, dict) and _text(e.get("value")).strip()]
    for role in roles:
        for entry in usable:
            if _text(entry.get("role")).lower() == role:
                return entry
    return usable[0] if usable else None


def _has_text_rendition(fields: dict[str, Any]) -> bool:
    renditions = fields.get("renditions")
    if isinstance(renditions, dict):
        values = list(renditions.values())
    elif isinstance(renditions, list):
        values = renditions
    else:
        return False
    return any(
        isinstance(r, dict)
        and (r.get("type") == "text" or _text(r.get("mimetype")).startswith("text/"))
        for r in values
    )


def _fill_metadata(item: Item, fields: dict[str, Any]) -> None:
    item.version = _version(fields.get("version"), item.version)
    item.language = language_code(fields.get("language"))
    item.firstcreated = _date(fields.get("firstcreated"))
    item.versioncreated = _date(fields.get("versioncreated"))
    item.embargoed = _date(fields.get("embargoed"))
    item.pubstatus = pubstatus_of(_text(fields.get("pubstatus")))
    item.byline = _text(fields.get("byline") or fields.get("by")).strip() or _authors(fields)
    item.located = _located(fields)
    item.copyrightholder = _text(fields.get("copyrightholder")).strip() or None
    item.usageterms = _usageterms(fields.get("usageterms"))
    item.subjects = _subjects(fields.get("subjects") or fields.get("subject"))
    item.people = _dicts(fields.get("people") or fields.get("person"))
    item.organisations = _dicts(fields.get("organisations") or fields.get("organisation"))
    item.places = _dicts(fields.get("places") or fields.get("place"))


def _version(value: Any, default: int) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    text = _text(value).strip()
    return int(text) if text.isdigit() and len(text) < 10 else default


def _date(value: Any) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None


def _authors(fields: dict[str, Any]) -> str | None:
    """Superdesk's authors[] when there is no byline: the writers' names."""
    authors = fields.get("authors")
    if not isinstance(authors, list):
        return None
    names = [_text(a.get("name")) for a in authors if isinstance(a, dict)]
    return ", ".join(n for n in names if n) or None


def _located(fields: dict[str, Any]) -> str | None:
    located = _text(fields.get("located")).strip()
    if located:
        return located
    dateline = fields.get("datelinelocation")  # AP media API
    if isinstance(dateline, dict):
        return _text(dateline.get("city")).strip() or None
    return None


def _usageterms(value: Any) -> str | None:
    if isinstance(value, list):
        value = " ".join(v for v in value if isinstance(v, str))
    return (_fold(value) or None) if isinstance(value, str) else None


def _subjects(value: Any) -> list[dict[str, str]]:
    """ninjs 1.x {code, name, scheme} and 2.x/3.x {uri, literal, name} as {code, name, scheme}."""
    if not isinstance(value, list):
        return []
    subjects: list[dict[str, str]] = []
    for entry in value:
        if not isinstance(entry, dict):
            continue
        code, scheme = _text(entry.get("code") or entry.get("literal")), _text(entry.get("scheme"))
        uri = _text(entry.get("uri"))
        if uri and not code:
            scheme, _, code = uri.rpartition("/")
            scheme = f"{scheme}/" if scheme else ""
        subject = {"code": code, "name": _text(entry.get("name")), "scheme": scheme}
        subject = {k: v for k, v in subject.items() if v}
        if subject.get("code") or subject.get("name"):
            subjects.append(subject)
    return subjects


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _source_meta(
    document: dict[str, Any], fields: dict[str, Any], body_from: str
) -> dict[str, Any]:
    meta: dict[str, Any] = {"ninjs_version": f"{ninjs_family(document)}.x"}
    if fields.get("type"):
        meta["type"] = fields["type"]
    meta.update({k: fields[k] for k in META_KEYS if fields.get(k) not in (None, "", [], {})})
    meta["body_from"] = body_from
    return meta


def _declared_version(document: dict[str, Any]) -> str:
    standard = document.get("standard") or document.get("$standard")
    return _text(standard.get("version")).strip() if isinstance(standard, dict) else ""


def _available_versions(schema_dir: Path) -> list[tuple[int, int]]:
    try:
        names = [p.name for p in schema_dir.iterdir()]
    except OSError:
        return []
    found = [SCHEMA_FILE.match(n) for n in names]
    return sorted((int(m.group(1)), int(m.group(2))) for m in found if m)


def _schema_version(
    document: dict[str, Any], family: int, available: list[tuple[int, int]]
) -> str | None:
    """The declared version when its schema is there, else the newest of the family."""
    declared = _declared_version(document)
    if any(f"{major}.{minor}" == declared and major == family for major, minor in available):
        return declared
    candidates = [f"{major}.{minor}" for major, minor in available if major == family]
    return candidates[-1] if candidates else None


def _offline_retriever(schema_dir: Path) -> Callable[[str], Resource[Any]]:
    """Resolve $refs to local ninjs schemas; anything remote (GeoJSON) is not checked."""

    def retrieve(uri: str) -> Resource[Any]:
        filename = uri.split("#")[0].rstrip("/").rsplit("/", 1)[-1]
        if SCHEMA_FILE.match(filename) and (schema_dir / filename).is_file():
            try:
                contents = json.loads((schema_dir / filename).read_text(encoding="utf-8"))
                return Resource.from_contents(contents, default_specification=DRAFT202012)
            except (OSError, ValueError):
                pass
        return DRAFT202012.create_resource({})  # no network: accept what we cannot check

    return retrieve


def _violation(error: Any) -> str:
    path = "/".join(str(p) for p in error.absolute_path) or "(root)"
    return f"{path}: {_one_line(error.message)}"[:240]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _fold(value: str) -> str:
    return " ".join(value.split())


def _one_line(error: object) -> str:
    return " ".join(str(error).split())[:200]
