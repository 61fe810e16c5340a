"""The one processing chain: parse → read → entities → stories → cooperation.

Every stage is pure (no I/O, no clock, no store): the same bytes and hints give the same
items. Doors (CLI, HTTP API, feed poller, batch jobs) call `process_all` and hand what
comes out to the store, with the input's bytes: an item only names them (`raw_sha256`),
so the bytes of a feed of many items are not carried by each. Stages hand each other
typed fields (`Item.sentences`, `Item.dates`, `Item.mentions`); see docs/architecture.md.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ortaq import cooperation, entities, read, stories
from ortaq.config import DEFAULT_MAX_INPUT_BYTES, ItemLimits
from ortaq.formats import InputFormat, ParseResult, default_input_formats
from ortaq.formats.base import tidy_single_line_fields
from ortaq.model import Hints, IngestError, Item, Rejected, Skipped
from ortaq.registry import Registry

Outcome = Item | Skipped | Rejected
ONE_LINE_FIELDS = ("byline", "located", "copyrightholder", "usageterms")

# What a stage may add: everything an item holds (text, derived values, stage data) stays
# within this multiple of its input plus an allowance. Real agency news stays under 4x
# plus 16 KB (entities and cooperation evidence weigh most on short items).
STAGE_OUTPUT_FACTOR = 8
STAGE_OUTPUT_ALLOWANCE = 256 * 1024


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[Item], Item]


DEFAULT_STAGES: tuple[Stage, ...] = (
    Stage("read", read.stage),
    Stage("entities", entities.stage),
    Stage("stories", stories.stage),
    Stage("cooperation", cooperation.stage),
)


@dataclass(frozen=True)
class Chain:
    formats: Registry[InputFormat]
    stages: Sequence[Stage] = DEFAULT_STAGES
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES
    limits: ItemLimits = field(default_factory=ItemLimits)

    def pick_format(self, raw: bytes, hints: Hints) -> InputFormat:
        if hints.format:
            return self.formats.get(hints.format)
        best, best_score = None, 0.0
        for adapter in self.formats:
            score = adapter.sniff(raw, hints)
            if score > best_score:
                best, best_score = adapter, score
        if best is None:
            raise IngestError(f"{hints.source_name}: no input format recognises this content")
        return best

    def parse(self, raw: bytes, hints: Hints) -> ParseResult:
        """The parse stage: bytes to draft items; raises IngestError on bad input."""
        if not raw.strip():
            raise IngestError(f"{hints.source_name}: empty input")
        adapter = self.pick_format(raw, hints)
        if adapter.line_based:  # counted before splitting: millions of lines cost seconds
            lines = raw.count(b"\n") + 1
            if lines > self.limits.lines:
                raise IngestError(
                    f"{hints.source_name}: {_over('text', lines, self.limits.lines, 'lines')}"
                )
        return adapter.parse(raw, hints)

    def refine(self, item: Item, input_size: int) -> Item:
        """Run the stages; IngestError when one outgrows its input or a field its limit."""
        size = input_size
        budget = STAGE_OUTPUT_FACTOR * size + STAGE_OUTPUT_ALLOWANCE
        for stage in self.stages:
            item = stage.run(item)
            produced = item_size(item)
            if produced > budget:
                raise IngestError(
                    f"the {stage.name} stage produced {produced} bytes of item data from "
                    f"{size} bytes of input (at most {budget})"
                )
        problem = field_limit_problem(item, self.limits)
        if problem:
            raise IngestError(problem)
        return tidy_single_line_fields(item)  # again: the read stage may set a dateline

    def process_all(self, raw: bytes, hints: Hints) -> list[Outcome]:
        """Every item in the input, read; never raises for bad input."""
        if len(raw) > self.max_input_bytes:
            return [oversized(hints.source_name, raw, self.max_input_bytes)]
        try:
            drafts = self.parse(raw, hints)
        except IngestError as error:
            return [Rejected(hints.source_name, str(error), raw)]
        except Exception as error:  # an adapter bug must not lose the input either
            reason = f"{hints.source_name}: unexpected {type(error).__name__}: {error}"
            return [Rejected(hints.source_name, reason, raw)]
        outcomes: list[Outcome] = []
        digest = hashlib.sha256(raw).hexdigest()  # once per input, however many items
        for index, draft in enumerate(drafts):
            if isinstance(draft, Skipped | Rejected):
                outcomes.append(draft)
                continue
            name = f"{hints.source_name}#{index}" if len(drafts) > 1 else hints.source_name
            problem = field_limit_problem(draft, self.limits, draft=True)
            if problem:  # before the stages: an oversized field must not cost their time
                outcomes.append(Rejected(name, f"{name}: {problem}", raw))
                continue
            tidy_single_line_fields(draft)
            finish_identity(draft, raw, hints, index, len(drafts), digest)
            try:
                outcomes.append(self.refine(draft, len(raw)))
            except IngestError as error:
                outcomes.append(Rejected(name, f"{name}: {error}", raw))
            except Exception as error:
                reason = f"{name}: {type(error).__name__} while reading: {error}"
                outcomes.append(Rejected(name, reason, raw))
        return outcomes

    def process(self, raw: bytes, hints: Hints) -> Item:
        """Exactly one item from the input, or an IngestError saying why not."""
        outcomes = self.process_all(raw, hints)
        items = [o for o in outcomes if isinstance(o, Item)]
        if len(items) == 1:
            return items[0]
        problems = [o.reason for o in outcomes if not isinstance(o, Item)]
        if not items:
            raise IngestError(problems[0] if problems else f"{hints.source_name}: no item")
        raise IngestError(f"{hints.source_name}: {len(items)} items where one was expected")


def oversized(source_name: str, raw: bytes, limit: int) -> Rejected:
    """Input over the size limit: refused with its size and hash, its bytes not kept."""
    reason = f"{source_name}: {len(raw)} bytes is over the {limit}-byte input limit"
    digest = hashlib.sha256(raw).hexdigest()
    return Rejected(source_name, reason, unread_size=len(raw), unread_sha256=digest)


def field_limit_problem(item: Item, limits: ItemLimits, *, draft: bool = False) -> str | None:
    """Which field is over its limit, or None. Cheapest checks first.

    In a draft of scraped text (plain text, a web page) the headline is only the first
    line: the read stage may still find it is a paragraph, so it is held to the
    paragraph limit there and to the headline limit once read.
    """
    candidate = draft and bool(item.stage_data.get(read.SCRAPED))
    texts = [item.headline or ""] if candidate else []
    texts.extend(item.body)
    if len(texts) > limits.paragraphs:
        return _over("text", len(texts), limits.paragraphs, "paragraphs")
    if not candidate and len(item.headline or "") > limits.headline_chars:
        return _over("headline", len(item.headline or ""), limits.headline_chars)
    if len(item.summary or "") > limits.summary_chars:
        return _over("summary", len(item.summary or ""), limits.summary_chars)
    longest = max(texts, key=len, default="")
    if len(longest) > limits.paragraph_chars:
        field_name = f"{'line' if candidate else 'paragraph'} {texts.index(longest) + 1}"
        return _over(field_name, len(longest), limits.paragraph_chars, "paragraph_chars")
    total = sum(len(text) for text in texts)
    if total > limits.body_chars:
        return _over("body", total, limits.body_chars, "body_chars")
    for name in ONE_LINE_FIELDS:  # a byline or a dateline is not longer than a paragraph
        value = getattr(item, name) or ""
        if len(value) > limits.paragraph_chars:
            return _over(name, len(value), limits.paragraph_chars, "paragraph_chars")
    credit = max(item.credits, key=len, default="")
    if len(credit) > limits.paragraph_chars:
        return _over("a credit", len(credit), limits.paragraph_chars, "paragraph_chars")
    return None


def _over(field_name: str, size: int, limit: int, setting: str | None = None) -> str:
    unit = {"paragraphs": " paragraphs", "lines": " lines"}.get(setting or "", " characters")
    variable = f"ORTAQ_MAX_{(setting or field_name + '_chars').upper()}"
    return f"{field_name} is {size}{unit}, over the limit of {limit}{unit} ({variable})"


def item_size(item: Item) -> int:
    """Bytes of an item as the store keeps it (its raw input aside)."""
    return len(json.dumps(item.to_json(), ensure_ascii=False, default=str).encode("utf-8"))


def finish_identity(
    item: Item, raw: bytes, hints: Hints, index: int, count: int, digest: str | None = None
) -> None:
    """Fill what the door knows: provider, the input's SHA-256, and a uri when the format
    had none.

    The door's provider wins over anything the bytes claim: the member who sends an item
    owns it, whatever its content says."""
    item.provider = hints.provider or item.provider
    item.source_name = hints.source_name
    item.raw_sha256 = digest or hashlib.sha256(raw).hexdigest()
    if hints.language and not item.language:
        item.language = hints.language
    if hints.published and not item.versioncreated:
        item.versioncreated = hints.published
        item.firstcreated = item.firstcreated or hints.published
    if hints.embargoed and not item.embargoed:
        item.embargoed = hints.embargoed
    if hints.subjects and not item.subjects:
        item.subjects = [{"code": code} for code in hints.subjects]
    if hints.uri and (count == 1 or not item.uri):
        item.uri = hints.uri if count == 1 else f"{hints.uri}#{index}"
    if not item.uri:
        item.uri = default_uri(item, raw, hints, index, count)


def default_uri(item: Item, raw: bytes, hints: Hints, index: int, count: int) -> str:
    """A stable uri: the file name for files, the content hash for anonymous input."""
    owner = hints.provider or "unknown"
    if hints.source_name and not hints.source_name.startswith("<"):
        suffix = f"#{index}" if count > 1 else ""
        return f"urn:ortaq:{owner}:file:{hints.source_name}{suffix}"
    digest = (item.raw_sha256 or hashlib.sha256(raw).hexdigest())[:24]
    return f"urn:ortaq:{owner}:sha256:{digest}" + (f"#{index}" if count > 1 else "")


_DEFAULT_CHAIN: Chain | None = None


def default_chain(
    max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES, limits: ItemLimits | None = None
) -> Chain:
    """The standard chain; item limits from the ORTAQ_MAX_* settings unless given."""
    global _DEFAULT_CHAIN
    limits = limits or ItemLimits.from_env()
    chain = _DEFAULT_CHAIN
    if chain is None or (chain.max_input_bytes, chain.limits) != (max_input_bytes, limits):
        chain = Chain(default_input_formats(), max_input_bytes=max_input_bytes, limits=limits)
        _DEFAULT_CHAIN = chain
    return chain


def process(raw: bytes, hints: Hints | None = None) -> Item:
    """Read one item from raw bytes with the default chain."""
    return default_chain().process(raw, hints or Hints())


def process_all(raw: bytes, hints: Hints | None = None) -> list[Outcome]:
    """Read every item in raw bytes with the default chain; bad input becomes Rejected."""
    return default_chain().process_all(raw, hints or Hints())
