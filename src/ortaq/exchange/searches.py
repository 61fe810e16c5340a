"""Saved searches: a member's named filters, each also a feed.

The SQL lives in the store's repository, `ortaq.store.searches`; this module names it for
the exchange's callers.
"""

from __future__ import annotations

from ortaq.store.searches import (
    QUERY_KEYS,
    delete_search,
    get_search,
    list_searches,
    run_search,
    save_search,
)

__all__ = [
    "QUERY_KEYS",
    "delete_search",
    "get_search",
    "list_searches",
    "run_search",
    "save_search",
]
