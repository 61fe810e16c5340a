"""The cooperation event taxonomy: types, statuses and their CAMEO / PLOVER codes.

Kept as data (data/taxonomy.json) so it can be read, cited and extended without code.
Every type has two CAMEO codes: the realised one (a meeting held is 040 "Consult") and
the intention one (a meeting announced is 036 "Express intent to meet or negotiate"),
because CAMEO codes intentions in its 03x family. The PLOVER category does not change
with the status (PLOVER keeps intent in its own 'mode' field).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "taxonomy.json"


@dataclass(frozen=True)
class EventType:
    name: str
    definition: str
    cameo_realised: tuple[str, str]  # (code, label)
    cameo_intent: tuple[str, str]
    plover: str
    subsumes: frozenset[str]


@dataclass(frozen=True)
class Taxonomy:
    types: dict[str, EventType]
    statuses: dict[str, bool]  # status -> realised?
    realised_cameo: frozenset[str]  # statuses coded with the realised CAMEO code

    def cameo(self, event_type: str, status: str) -> tuple[str, str]:
        t = self.types[event_type]
        return t.cameo_realised if status in self.realised_cameo else t.cameo_intent

    def realised(self, status: str) -> bool:
        return self.statuses.get(status, False)


@cache
def taxonomy() -> Taxonomy:
    data: dict[str, Any] = json.loads(DATA.read_text("utf-8"))
    types = {
        name: EventType(
            name=name,
            definition=record["definition"],
            cameo_realised=(record["cameo"]["realised"][0], record["cameo"]["realised"][1]),
            cameo_intent=(record["cameo"]["intent"][0], record["cameo"]["intent"][1]),
            plover=record["plover"],
            subsumes=frozenset(record.get("subsumes", [])),
        )
        for name, record in data["types"].items()
    }
    statuses = {name: bool(record["realised"]) for name, record in data["statuses"].items()}
    return Taxonomy(types, statuses, frozenset(data["realised_statuses_use_realised_cameo"]))


TYPES: tuple[str, ...] = tuple(taxonomy().types)
STATUSES: tuple[str, ...] = tuple(taxonomy().statuses)
# How committed a status is, for merging mentions of one event: the most committed wins.
STATUS_RANK: dict[str, int] = {
    "proposed": 0,
    "intended": 1,
    "planned": 2,
    "agreed": 3,
    "ongoing": 4,
    "done": 5,
}
