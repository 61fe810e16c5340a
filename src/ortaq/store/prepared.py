"""What the one writer needs of an item beyond its row, worked out from the item alone.

Storing a version is partly pure (the search index's analysis of its text, its story
features and copy signature) and partly ordered (the SQL, the clusterer's decision).
A batch engine works out the pure part where the chain ran, in parallel, and ships it
with the item (`Processed.prepared`), so the one writer only decides and writes. A door
that stores one item at a time passes nothing and the store works it out itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from ortaq.model import Item
from ortaq.store.fulltext import Analysis, analyse
from ortaq.store.storybook import StoryInput


@dataclass(frozen=True)
class Prepared:
    search: Analysis  # the index's words, stems, loose keys and entity name keys
    story: StoryInput  # the clusterer's features and the copy check's signature

    @classmethod
    def of(cls, item: Item) -> Prepared:
        return cls(analyse(item), StoryInput.of(item))
