"""The audit log: who read, exported or changed what, and when.

The SQL lives in the store's repository, `ortaq.store.audit`; this module names it for
the exchange's callers.
"""

from __future__ import annotations

from ortaq.store.audit import (
    entries,
    record,
)

__all__ = [
    "entries",
    "record",
]
