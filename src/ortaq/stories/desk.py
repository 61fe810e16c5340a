"""The story desk: stored items grouped into stories, with copies and provenance.

It replays the items a viewer may read in arrival order through the online clusterer
and the near-duplicate index, exactly as they would have been filed one by one, and
builds each story's timeline from the stored versions. This reads the store through
`iter_items`, so the access policy applies; it keeps no state of its own yet (story
ids are assigned per run, in arrival order, so they are stable while no older item
changes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ortaq.model import Item
from ortaq.store import Store, StoredItem
from ortaq.stories.clustering import StoryIndex
from ortaq.stories.duplicates import NearDuplicateIndex
from ortaq.stories.features import item_features
from ortaq.stories.occasion import item_span
from ortaq.stories.provenance import timeline, word_diff


@dataclass
class StoryView:
    id: str
    items: list[StoredItem] = field(default_factory=list)
    # item key -> (the original's uri, similarity); keys are item_key(), never bare uris
    copies: dict[str, tuple[str, float]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "languages": sorted({s.item.language or "?" for s in self.items}),
            "members": sorted({s.item.provider or "?" for s in self.items}),
            "items": [
                {
                    "uri": s.item.uri,
                    "language": s.item.language,
                    "provider": s.item.provider,
                    "headline": s.item.headline,
                    "versioncreated": s.item.versioncreated.isoformat()
                    if s.item.versioncreated
                    else None,
                    **(
                        {
                            "copy_of": self.copies[item_key(s.item)][0],
                            "similarity": round(self.copies[item_key(s.item)][1], 3),
                        }
                        if item_key(s.item) in self.copies
                        else {}
                    ),
                }
                for s in self.items
            ],
        }


def stories(store: Store, viewer: Any = None) -> list[StoryView]:
    """Every story of the items the viewer may read in full, oldest first."""
    readable = [s for s in store.iter_items(viewer=viewer) if s.access == "full"]
    readable.sort(key=lambda s: s.id)  # arrival order
    index, copies = StoryIndex(), NearDuplicateIndex()
    views: dict[str, StoryView] = {}
    uris: dict[str, str] = {}  # item key -> uri, to name an original
    for stored in readable:
        item = stored.item
        # the item's own date, never the ingest time: an archive loaded in one go is not
        # one day's news (an undated item is placed by what it says)
        key = item_key(item)
        decision = index.add(key, item_features(item), item_span(item))
        view = views.setdefault(decision.story_id, StoryView(decision.story_id))
        view.items.append(stored)
        found = copies.add(key, item.body_text, item.language)
        if found:
            original, similarity = found[0]
            view.copies[key] = (uris[original], similarity)
        uris[key] = item.uri
    return list(views.values())


def item_key(item: Item) -> str:
    """One publisher's item: two members may use the same uri for different items."""
    return f"{item.provider or ''}\x1f{item.uri}"


def story_timeline(store: Store, view: StoryView, viewer: Any = None) -> dict[str, Any]:
    """Who published which version when, first appearance, copies and corrections."""
    records = []
    for stored in view.items:
        key = item_key(stored.item)
        copy = view.copies.get(key)
        versions = store.history(stored.item.uri, viewer=viewer, provider=stored.item.provider)
        for version in versions:
            item = version.item
            records.append(
                {
                    "uri": item.uri,
                    "version": item.version,
                    "member": item.provider,
                    "language": item.language,
                    "time": item.versioncreated or version.ingested_at,
                    "copy_of": copy[0] if copy else None,
                    "similarity": copy[1] if copy else None,
                }
            )
    return timeline(records)


def version_diff(
    store: Store, uri: str, old: int, new: int, *, provider: str | None
) -> list[tuple[str, str]]:
    """A word-level diff between two stored versions of one publisher's item."""
    versions = {v.item.version: v.item for v in store.history(uri, provider=provider)}
    if old not in versions or new not in versions:
        raise KeyError(f"{uri} has versions {sorted(versions)}")
    return [(op, text) for op, text in word_diff(versions[old].body_text, versions[new].body_text)]
