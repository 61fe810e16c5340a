"""The entities stage: people, organisations and places, linked across scripts.

Pure by default: each item is read with a fresh linker, so the same bytes always give
the same mentions. A door that reads many items together (the CLI, the store) binds a
shared `EntityLinker` with `stage_with(linker)`, so "Fahrettin Altun" in a French item
and "فخر الدين ألتون" in an Arabic one get the same person id. Member organisations
reach the stage the same way: the door reads the store's `members` rows and binds them
(`stage_with(linker, members)`, `members_stage(rows)`); the stage never queries the
store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ortaq.entities.gazetteer import countries
from ortaq.entities.linking import EntityLinker
from ortaq.entities.organisations import Organisation, find_organisations, member_organisations
from ortaq.entities.orgspans import generic_only
from ortaq.entities.recognise import recognise, slug
from ortaq.model import Derived, Item, Mention

__all__ = [
    "EntityLinker",
    "Mention",
    "item_text",
    "member_organisations",
    "members_stage",
    "stage",
    "stage_with",
]

LANGUAGES = frozenset({"kk", "ar", "fr", "tr", "az", "ru", "en"})


def item_text(item: Item) -> str:
    """The text mentions are offsets into: headline, summary and body, one per line."""
    return item.text


def stage(item: Item) -> Item:
    return _recognise_into(item, EntityLinker())


def stage_with(
    linker: EntityLinker, members: tuple[Organisation, ...] = ()
) -> Callable[[Item], Item]:
    """The stage bound to a linker shared by every item a door reads, and to the
    platform's member organisations (`member_organisations(store rows)`): the door
    reads the members, the stage only receives them."""
    return lambda item: _recognise_into(item, linker, members)


def members_stage(rows: Iterable[Mapping[str, Any]]) -> Callable[[Item], Item]:
    """The stage for a door that knows the members (rows of the store's `members`)."""
    return stage_with(EntityLinker(), member_organisations(rows))


def _recognise_into(
    item: Item, linker: EntityLinker, members: tuple[Organisation, ...] = ()
) -> Item:
    if item.language not in LANGUAGES:
        return item  # no gazetteer, KB or model for this language
    text = item_text(item)
    mentions = recognise(text, item.language, linker=linker, members=members)
    item.mentions = tuple(mentions)
    item.people = _distinct(m for m in mentions if m.type == "PER")
    item.organisations = _distinct(m for m in mentions if m.type == "ORG")
    item.organisations += _credited(item, members, {o["id"] for o in item.organisations})
    item.places = _distinct(m for m in mentions if m.type == "LOC")
    item.derived["countries"] = Derived(countries(mentions), "gazetteer", 0.9)
    return item


def _credited(
    item: Item, members: tuple[Organisation, ...], known: set[str | None]
) -> list[dict[str, Any]]:
    """The agency of the dateline ('Baku, March 15, AZERTAC'): the outlet that reports
    the item is one of its organisations, although the read stage took the dateline out
    of the text. Marked `credited`: it reports the news, it does not act in it (stories
    and cooperation read the text's mentions, not this entry)."""
    dateline = item.derived.get("dateline")
    value = dateline.value if dateline is not None else None
    agency = " ".join(str(value.get("agency") or "").split()) if isinstance(value, dict) else ""
    language = item.language or ""
    if not agency or generic_only(agency, language):
        return []
    found = find_organisations(agency, language, members=members)
    whole = [m for m in found if m.end - m.start == len(agency)]
    name = whole[0].canonical or agency if whole else agency
    ident = whole[0].entity_id if whole else f"org:{slug(agency)}"
    if ident in known:
        return []
    country = whole[0].country if whole else None
    return [
        {
            "name": name,
            "id": ident,
            "country": country,
            "role": None,
            "mentions": 0,
            "credited": True,
        }
    ]


def _distinct(mentions: Any) -> list[dict[str, Any]]:
    """One entry per entity: its name, id, country and the first role stated."""
    seen: dict[str, dict[str, Any]] = {}
    for m in mentions:
        key = m.entity_id or m.text
        entry = seen.setdefault(
            key,
            {
                "name": m.canonical or m.text,
                "id": m.entity_id,
                "country": m.country,
                "role": m.role,
                "mentions": 0,
            },
        )
        entry["mentions"] += 1
        entry["country"] = entry["country"] or m.country
        entry["role"] = entry["role"] or m.role
    return list(seen.values())
