"""Web sign-in sessions, kept server-side so that they can be ended.

The SQL lives in the store's repository, `ortaq.store.sessions`; this module names it for
the exchange's callers.
"""

from __future__ import annotations

from ortaq.store.sessions import (
    KEEP_ENDED,
    LAST_SEEN_RESOLUTION,
    EndReason,
    Lifetime,
    Session,
    end,
    end_all,
    get,
    open_sessions,
    resolve,
    start,
)

__all__ = [
    "KEEP_ENDED",
    "LAST_SEEN_RESOLUTION",
    "EndReason",
    "Lifetime",
    "Session",
    "end",
    "end_all",
    "get",
    "open_sessions",
    "resolve",
    "start",
]
