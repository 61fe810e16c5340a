"""Ortaq: a self-hostable news exchange for partner media organisations.

The public surface is small: the processing chain, the item model and the store.
"""

from __future__ import annotations

__version__ = "0.1.0"

from ortaq.chain import Chain, default_chain, process, process_all
from ortaq.model import Derived, Hints, IngestError, Item, Rejected, Skipped
from ortaq.store import Store

__all__ = [
    "Chain",
    "Derived",
    "Hints",
    "IngestError",
    "Item",
    "Rejected",
    "Skipped",
    "Store",
    "__version__",
    "default_chain",
    "process",
    "process_all",
]
