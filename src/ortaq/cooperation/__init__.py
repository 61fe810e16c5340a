"""The cooperation stage: who met, signed, trained or exchanged with whom.

Events (parties, type, status, when, where, evidence) are extracted per item by
trigger lexicons kept as data per language; see `extract` and docs/cooperation.md.
"""

from __future__ import annotations

from ortaq.cooperation.extract import extract_events, stage

__all__ = ["extract_events", "stage"]
