"""Text cut into segments for the pages: entity mentions to highlight and link, words
that match a search, and word-level differences between versions. Pure functions over
an item's text and the offsets the reading chain recorded; no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ortaq.model import Item, Mention
from ortaq.search_terms import analyse_query, analyse_words
from ortaq.stories.provenance import word_diff


@dataclass(frozen=True)
class Segment:
    """A run of text; `mention` when it names an entity, `hit` when a search matched it."""

    text: str
    mention: Mention | None = None
    hit: bool = False


@dataclass(frozen=True)
class Line:
    """One line of an item's text (headline, summary, paragraph) as segments."""

    role: str  # headline | summary | body
    segments: tuple[Segment, ...]


def item_lines(item: Item) -> list[Line]:
    """The item's text, line by line as `Item.text` joins it (the offsets of every stage
    are into that text), with each entity mention cut out as its own segment."""
    roles = [("headline", item.headline), ("summary", item.summary)]
    roles += [("body", paragraph) for paragraph in item.body]
    mentions = sorted(item.mentions or (), key=lambda m: (m.start, -m.end))
    lines, offset = [], 0
    for role, text in roles:
        if not text:
            continue
        inside = [m for m in mentions if offset <= m.start and m.end <= offset + len(text)]
        lines.append(Line(role, tuple(_cut(text, offset, inside))))
        offset += len(text) + 1
    return lines


def _cut(text: str, offset: int, mentions: Sequence[Mention]) -> list[Segment]:
    segments, at = [], 0
    for mention in mentions:
        start, end = mention.start - offset, mention.end - offset
        if start < at or text[start:end] != mention.text:
            continue  # overlapping, or offsets of another text: show it plain
        if start > at:
            segments.append(Segment(text[at:start]))
        segments.append(Segment(text[start:end], mention))
        at = end
    if at < len(text):
        segments.append(Segment(text[at:]))
    return segments


def search_marks(text: str, query: str, language: str | None) -> list[Segment]:
    """The text with the words a search matched marked, across scripts: a word matches
    when any of the forms it is indexed under (folds, stems, transliterations) is one a
    query term accepts, as the store's search decides."""
    accepted: set[str] = set()
    for term in analyse_query(query, language).terms:
        accepted.add(term.fold)
        accepted.update(term.alternatives)
    segments: list[Segment] = []
    for index, word in enumerate(text.split(" ")):
        forms = {form for w in analyse_words(word, language) for form in (w.fold, *w.variants)}
        hit = bool(accepted and forms & accepted)
        segments.append(Segment(word + (" " if index < text.count(" ") else ""), hit=hit))
    return segments


@dataclass(frozen=True)
class Change:
    op: str  # equal | delete | insert
    text: str


def version_changes(old: str, new: str) -> list[Change]:
    """Word-level differences from one version's text to another's (difflib)."""
    return [Change(op, text) for op, text in word_diff(old, new)]
