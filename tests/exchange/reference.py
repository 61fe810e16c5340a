"""A small, obviously-correct reference of the access policy, in plain Python.

Only the tests use it: the real rule is SQL in ortaq.exchange.policy, and the tests
compare the two on generated histories.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ortaq.exchange.agreements import Agreement

OPERATOR = "<operator>"


@dataclass
class RefItem:
    uri: str
    provider: str
    language: str
    kind: str
    topics: tuple[str, ...]
    versions: list[str] = field(default_factory=list)  # body text of each version
    pubstatus: str = "usable"
    embargoed: datetime | None = None

    @property
    def version(self) -> int:
        return len(self.versions)


@dataclass(frozen=True)
class Seen:
    version: int
    access: str  # full | embargo | notice
    text: str | None  # the body a viewer gets; None for notices
    agreement: str | None  # whose rights come with it


def in_force(agreement: Agreement, now: datetime) -> bool:
    return (
        agreement.status == "active"
        and (agreement.valid_from is None or agreement.valid_from <= now)
        and (agreement.valid_to is None or now < agreement.valid_to)
    )


def covers(agreement: Agreement, viewer: str, item: RefItem) -> bool:
    return (
        viewer in agreement.receivers
        and item.provider in agreement.senders
        and (not agreement.kinds or item.kind in agreement.kinds)
        and (not agreement.languages or item.language in agreement.languages)
        and (not agreement.topics or bool(set(agreement.topics) & set(item.topics)))
    )


def seen(viewer: str, item: RefItem, agreements: list[Agreement], now: datetime) -> Seen | None:
    """What `viewer` gets of the current version of `item` now; agreements in id order."""
    current = Seen(item.version, "full", item.versions[-1], None)
    if viewer in (OPERATOR, item.provider):
        return current
    entitling = [a for a in agreements if in_force(a, now) and covers(a, viewer, item)]
    embargoed = item.embargoed is not None and item.embargoed > now
    if item.pubstatus != "usable":
        access, usable = "notice", entitling
    elif not embargoed:
        access, usable = "full", entitling
    elif early := [a for a in entitling if a.embargo == "early"]:
        access, usable = "full", early
    else:
        access, usable = "embargo", [a for a in entitling if a.embargo == "flagged"]
    if not usable:
        return None
    return Seen(
        item.version, access, item.versions[-1] if access == "full" else None, usable[0].slug
    )
