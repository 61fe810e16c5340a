"""The store: one interface over SQLite or PostgreSQL (SQLAlchemy Core + Alembic)."""

from __future__ import annotations

from ortaq.store.store import QuarantineRecord, SaveResult, Store, StoredItem

__all__ = ["QuarantineRecord", "SaveResult", "Store", "StoredItem"]
