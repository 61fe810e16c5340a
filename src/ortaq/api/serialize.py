"""Items as the API shows them: already redacted by the store, with access and rights."""

from __future__ import annotations

from typing import Any

from ortaq.store import StoredItem
from ortaq.store.store import summary_headline


def item_summary(stored: StoredItem) -> dict[str, Any]:
    """What lists show of an item: no body; the headline cut (the item's own route has it)."""
    item = stored.item
    return {
        "id": stored.id,
        "uri": item.uri,
        "version": item.version,
        "provider": item.provider,
        "language": item.language,
        "type": item.type,
        "pubstatus": item.pubstatus,
        "headline": summary_headline(item.headline),
        "versioncreated": item.versioncreated.isoformat() if item.versioncreated else None,
        "embargoed": item.embargoed.isoformat() if item.embargoed else None,
        "access": stored.access,
        "rights": stored.rights.to_json() if stored.rights else None,
    }


def item_detail(stored: StoredItem) -> dict[str, Any]:
    data = {"id": stored.id, **stored.item.to_json(), "ingested_at": stored.ingested_at.isoformat()}
    data["access"] = stored.access
    data["rights"] = stored.rights.to_json() if stored.rights else None
    return data
