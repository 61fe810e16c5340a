"""The invented demo corpus and its loader (`ortaq demo`, `make run`)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from ortaq.chain import Chain
from ortaq.formats.base import parse_datetime
from ortaq.ingest import ingest_bytes
from ortaq.model import Hints
from ortaq.store import Store

CORPUS = Path(__file__).with_name("corpus")


def manifest() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CORPUS / "manifest.json").read_text("utf-8"))
    return data


def load_demo(store: Store, chain: Chain) -> dict[str, int]:
    """Load members, then every item in publication order, as a member's door would."""
    data = manifest()
    for member in data["members"]:
        store.upsert_member(
            member["slug"],
            member["name"],
            names=member.get("names", {}),
            country=member.get("country"),
            languages=member.get("languages", []),
            kind=member.get("kind", "agency"),
        )
    counts: Counter[str] = Counter()
    for entry in data["items"]:
        if entry["action"] == "kill":
            counts[
                "killed" if store.kill(entry["uri"], entry.get("reason")) else "kill-missed"
            ] += 1
            continue
        hints = Hints(
            source_name=entry["file"],
            provider=entry["member"],
            uri=entry["uri"],
            published=parse_datetime(entry.get("published")),
            embargoed=parse_datetime(entry.get("embargoed")),
        )
        raw = (CORPUS / entry["file"]).read_bytes()
        for outcome in ingest_bytes(store, chain, raw, hints):
            counts[outcome.kind] += 1
    return dict(counts)
