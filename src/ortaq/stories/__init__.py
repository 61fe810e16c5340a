"""The stories stage: features that link an item to copies and to the same story.

Pure: it computes keys from the item alone; the store uses them to find candidates.
The spine computes the exact-duplicate key; the stories issue adds the rest.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from ortaq.model import Item

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def stage(item: Item) -> Item:
    item.stage_data["text_fingerprint"] = text_fingerprint(item.body_text or item.headline or "")
    return item


def text_fingerprint(text: str) -> str:
    """Hash of the text with case, punctuation and spacing folded away."""
    folded = _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).split()
    return hashlib.sha256(" ".join(folded).encode("utf-8")).hexdigest()
