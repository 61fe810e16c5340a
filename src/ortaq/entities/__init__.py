"""The entities stage: people, organisations and places mentioned in an item.

The spine passes items through unchanged; the entities issue fills this stage.
"""

from __future__ import annotations

from ortaq.model import Item


def stage(item: Item) -> Item:
    return item
