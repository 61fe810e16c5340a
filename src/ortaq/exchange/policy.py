"""The exchange's access policy, as the domain names it.

The rule and its SQL live next to the schema in `ortaq.store.policy`; the viewer value
in `ortaq.viewer`. This module re-exports what the exchange's callers use, so they need
not know where the store keeps it.
"""

from __future__ import annotations

from ortaq.store.policy import (
    ACCESSES,
    AGREEMENT_STATUSES,
    CONTENT_KINDS,
    EMBARGO_HANDLINGS,
    MEDIATOPIC_SCHEMES,
    SCOPE_DIMENSIONS,
    Access,
    AgreementStatus,
    EmbargoHandling,
    Rights,
    redact,
    topic_codes,
)
from ortaq.viewer import OPERATOR, MissingViewer, Viewer

__all__ = [
    "ACCESSES",
    "AGREEMENT_STATUSES",
    "CONTENT_KINDS",
    "EMBARGO_HANDLINGS",
    "MEDIATOPIC_SCHEMES",
    "OPERATOR",
    "SCOPE_DIMENSIONS",
    "Access",
    "AgreementStatus",
    "EmbargoHandling",
    "MissingViewer",
    "Rights",
    "Viewer",
    "redact",
    "topic_codes",
]
