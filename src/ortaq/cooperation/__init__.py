"""The cooperation stage: who met, signed, trained or exchanged with whom.

The spine passes items through unchanged; the cooperation issue fills this stage.
"""

from __future__ import annotations

from ortaq.model import Item


def stage(item: Item) -> Item:
    return item
