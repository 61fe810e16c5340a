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
    counts.update(load_exchange(store))
    for entry in data["items"]:
        if entry["action"] == "kill":
            killed = store.kill(entry["uri"], entry.get("reason"), provider=entry["member"])
            counts["killed" if killed else "kill-missed"] += 1
            continue
        hints = Hints(
            source_name=entry["file"],
            provider=entry["member"],
            uri=entry["uri"],
            published=parse_datetime(entry.get("published")),
            embargoed=parse_datetime(entry.get("embargoed")),
            subjects=tuple(code for code in entry.get("subjects", []) if code),
        )
        raw = (CORPUS / entry["file"]).read_bytes()
        for outcome in ingest_bytes(store, chain, raw, hints):
            counts[outcome.kind] += 1
    return dict(counts)


def exchange_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CORPUS.parent / "exchange.json").read_text("utf-8"))
    return data


def load_exchange(store: Store) -> dict[str, int]:
    """Demo agreements (active, multilateral, expired, suspended) and demo accounts."""
    from ortaq.exchange.accounts import create_user, get_user
    from ortaq.exchange.agreements import Agreement, save_agreement

    data = exchange_data()
    created = 0
    for user in data["users"]:
        if get_user(store, user["username"]) is None:
            create_user(
                store, user["username"], user["password"], user["role"], member=user.get("member")
            )
            created += 1
    for terms in data["agreements"]:
        terms = dict(terms)
        members = terms.pop("members")
        for key in ("valid_from", "valid_to"):
            terms[key] = parse_datetime(terms.get(key))
        for key in ("kinds", "languages", "topics"):
            terms[key] = tuple(terms.get(key, ()))
        save_agreement(
            store, Agreement.between(terms.pop("slug"), terms.pop("title"), members, **terms)
        )
    return {"users": created, "agreements": len(data["agreements"])}


def demo_token(store: Store) -> str:
    """A fresh read token for the demo operator, shown once (as every token is)."""
    from ortaq.exchange.accounts import create_token, get_user

    admin = get_user(store, "admin")
    assert admin is not None, "load the demo first"
    return create_token(store, admin.id, "demo", "read")[1]
