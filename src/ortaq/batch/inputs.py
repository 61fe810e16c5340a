"""What a batch reads: a folder, a JSONL or Parquet dump, or the store itself.

Each input adapter turns its source into `Record`s: a stable key (for resuming), a name
(for messages and uris), the input's bytes (or why they cannot be read) and the hints the
door knows. Nothing is parsed here; the chain does that on the engine. The adapters are
listed in `default_batch_inputs` (an explicit registry, like the input formats).

A dump line or row is one input: its `raw` text or bytes, with optional `name`,
`provider`, `format`, `uri` and `published` (ISO 8601, for input whose bytes give no
time; UTC when it names no zone). A JSONL line without `raw` is itself the input (a ninjs
item, say), named `FILE:LINE`.
"""

from __future__ import annotations

import json
from collections.abc import Container, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from ortaq.ingest import read_source, sources_from_paths
from ortaq.model import Hints, Rejected
from ortaq.registry import Registry
from ortaq.store import Store


@dataclass(frozen=True)
class Record:
    """One input of a batch, numbered in the order the source gives it."""

    seq: int
    key: str  # unique within the source: what a restarted batch skips
    raw: bytes | Rejected
    hints: Hints


class BatchInput(Protocol):
    name: str

    def accepts(self, source: str) -> bool: ...

    def records(
        self, source: str, hints: Hints, store: Store, limit: int, done: Container[str]
    ) -> Iterator[Record]:
        """The source's inputs in a stable order, but those whose key is `done` (read by
        an interrupted run); `limit` is the input size limit."""
        ...


class UsageError(ValueError):
    """A source that cannot be read as the adapter expects (named, with the reason)."""


class FolderInput:
    """Files and folders, walked as `ortaq ingest` walks them (name order, no hidden)."""

    name = "folder"

    def accepts(self, source: str) -> bool:
        return Path(source).is_dir()

    def records(
        self, source: str, hints: Hints, store: Store, limit: int, done: Container[str]
    ) -> Iterator[Record]:
        for seq, found in enumerate(sources_from_paths([source], limit)):
            if found.name in done:
                continue
            raw = read_source(found)
            yield Record(seq, found.name, raw, replace(hints, source_name=found.name))


def _dump_record(seq: int, key: str, row: dict[str, Any], hints: Hints) -> Record:
    """A dump's row: `raw` (text or bytes) and the optional hints it names."""
    raw = row.get("raw")
    name = str(row.get("name") or key)
    if not isinstance(raw, str | bytes):
        reason = f"{key}: no 'raw' text or bytes in this row"
        return Record(
            seq, key, Rejected(name, reason, json.dumps(row, default=str).encode()), hints
        )
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    try:
        published = _moment(row.get("published"))
    except ValueError:
        reason = f"{key}: 'published' is no ISO 8601 time: {row.get('published')!r}"
        return Record(seq, key, Rejected(name, reason, data), hints)
    own = replace(
        hints,
        source_name=name,
        provider=hints.provider or row.get("provider"),
        format=hints.format or row.get("format"),
        uri=row.get("uri") or hints.uri,
        published=published or hints.published,
    )
    return Record(seq, key, data, own)


def _moment(value: Any) -> datetime | None:
    """A dump's time: ISO 8601 text or a timestamp column; UTC when it names no zone."""
    if value is None or value == "":
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class JsonlInput:
    """A JSONL dump: one input a line (see the module docstring)."""

    name = "jsonl"

    def accepts(self, source: str) -> bool:
        return source.endswith((".jsonl", ".ndjson")) and Path(source).is_file()

    def records(
        self, source: str, hints: Hints, store: Store, limit: int, done: Container[str]
    ) -> Iterator[Record]:
        path = Path(source)
        with path.open("rb") as lines:
            for number, line in enumerate(lines, 1):
                key = f"{path.name}:{number}"
                if not line.strip() or key in done:
                    continue
                try:
                    row = json.loads(line)
                except ValueError as error:
                    rejected = Rejected(key, f"{key}: not a JSON line: {error}", line)
                    yield Record(number, key, rejected, replace(hints, source_name=key))
                    continue
                if isinstance(row, dict) and "raw" in row:
                    yield _dump_record(number, key, row, hints)
                else:
                    yield Record(number, key, line, replace(hints, source_name=key))


class ParquetInput:
    """A Parquet dump (pyarrow, the `ortaq[ray]` extra): a `raw` column, optional
    `name`, `provider`, `format` and `uri` columns. Read a row group at a time."""

    name = "parquet"

    def accepts(self, source: str) -> bool:
        return source.endswith(".parquet") and Path(source).is_file()

    def records(
        self, source: str, hints: Hints, store: Store, limit: int, done: Container[str]
    ) -> Iterator[Record]:
        try:
            import pyarrow.parquet as parquet
        except ImportError as error:
            raise UsageError(f"{source}: reading Parquet needs pyarrow (ortaq[ray])") from error
        path = Path(source)
        dump = parquet.ParquetFile(path)
        if "raw" not in dump.schema_arrow.names:
            raise UsageError(f"{source}: no 'raw' column (columns: {dump.schema_arrow.names})")
        number = 0
        for batch in dump.iter_batches(batch_size=1024):
            for row in batch.to_pylist():
                number += 1
                if f"{path.name}:{number}" in done:
                    continue
                yield _dump_record(number, f"{path.name}:{number}", row, hints)


class StoreInput:
    """The store itself: every current version's input again (`--from-store`), with
    what the door knew of it (provider, name, format; for an input of one item its uri,
    time and embargo), so the items keep their identity. An input that gave several
    items (a feed) is read once."""

    name = "store"

    def accepts(self, source: str) -> bool:
        return source == ":store:"

    def records(
        self, source: str, hints: Hints, store: Store, limit: int, done: Container[str]
    ) -> Iterator[Record]:
        inputs = store.stored_inputs()
        for seq, row in enumerate(inputs):
            name = row.source_name or row.uri
            key = f"{row.provider}\x1f{name}\x1f{row.raw_sha256}"
            if key in done:
                continue
            raw = store.raw(row.raw_sha256) or b""
            single = row.items == 1  # what the door knew of a single item, kept
            own = Hints(
                source_name=name,
                provider=row.provider,
                format=row.source_format or None,
                uri=row.uri if single else None,
                published=_moment(row.published) if single else None,
                embargoed=_moment(row.embargoed) if single else None,
            )
            yield Record(seq, key, raw, own)


def default_batch_inputs() -> Registry[BatchInput]:
    return Registry("batch input", [FolderInput(), JsonlInput(), ParquetInput(), StoreInput()])


def input_for(source: str, inputs: Registry[BatchInput]) -> BatchInput:
    for adapter in inputs:
        if adapter.accepts(source):
            return adapter
    raise UsageError(
        f"{source}: not a folder, a .jsonl/.ndjson or a .parquet file (or use --from-store)"
    )
