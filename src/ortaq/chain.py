"""The one processing chain: parse → read → entities → stories → cooperation.

Every stage is pure (no I/O, no clock, no store): the same bytes and hints give the same
items. Doors (CLI, HTTP API, feed poller, batch jobs) call `process_all` and hand what
comes out to the store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ortaq import cooperation, entities, read, stories
from ortaq.config import DEFAULT_MAX_INPUT_BYTES
from ortaq.formats import InputFormat, ParseResult, default_input_formats
from ortaq.model import Hints, IngestError, Item, Rejected, Skipped
from ortaq.registry import Registry

Outcome = Item | Skipped | Rejected


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
        if len(raw) > self.max_input_bytes:
            raise IngestError(
                f"{hints.source_name}: {len(raw)} bytes is over the "
                f"{self.max_input_bytes}-byte input limit"
            )
        adapter = self.pick_format(raw, hints)
        return adapter.parse(raw, hints)

    def refine(self, item: Item) -> Item:
        for stage in self.stages:
            item = stage.run(item)
        return item

    def process_all(self, raw: bytes, hints: Hints) -> list[Outcome]:
        """Every item in the input, read; never raises for bad input."""
        try:
            drafts = self.parse(raw, hints)
        except IngestError as error:
            return [Rejected(hints.source_name, str(error), raw)]
        except Exception as error:  # an adapter bug must not lose the input either
            reason = f"{hints.source_name}: unexpected {type(error).__name__}: {error}"
            return [Rejected(hints.source_name, reason, raw)]
        outcomes: list[Outcome] = []
        for index, draft in enumerate(drafts):
            if isinstance(draft, Skipped | Rejected):
                outcomes.append(draft)
                continue
            finish_identity(draft, raw, hints, index, len(drafts))
            try:
                outcomes.append(self.refine(draft))
            except Exception as error:
                name = f"{hints.source_name}#{index}" if len(drafts) > 1 else hints.source_name
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


def finish_identity(item: Item, raw: bytes, hints: Hints, index: int, count: int) -> None:
    """Fill what the door knows: provider, raw bytes, and a uri when the format had none.

    The door's provider wins over anything the bytes claim: the member who sends an item
    owns it, whatever its content says."""
    item.provider = hints.provider or item.provider
    item.source_name = hints.source_name
    item.raw = raw
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
    digest = hashlib.sha256(raw).hexdigest()[:24]
    return f"urn:ortaq:{owner}:sha256:{digest}" + (f"#{index}" if count > 1 else "")


_DEFAULT_CHAIN: Chain | None = None


def default_chain(max_input_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> Chain:
    global _DEFAULT_CHAIN
    if _DEFAULT_CHAIN is None or _DEFAULT_CHAIN.max_input_bytes != max_input_bytes:
        _DEFAULT_CHAIN = Chain(default_input_formats(), max_input_bytes=max_input_bytes)
    return _DEFAULT_CHAIN


def process(raw: bytes, hints: Hints | None = None) -> Item:
    """Read one item from raw bytes with the default chain."""
    return default_chain().process(raw, hints or Hints())


def process_all(raw: bytes, hints: Hints | None = None) -> list[Outcome]:
    """Read every item in raw bytes with the default chain; bad input becomes Rejected."""
    return default_chain().process_all(raw, hints or Hints())
