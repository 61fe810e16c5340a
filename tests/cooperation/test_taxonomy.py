"""The taxonomy and the trigger lexicons are well-formed data."""

from __future__ import annotations

import json
import re

import pytest

from ortaq.cooperation.lexicon import DATA, LANGUAGES, lexicon
from ortaq.cooperation.taxonomy import DATA as TAXONOMY
from ortaq.cooperation.taxonomy import STATUSES, TYPES, taxonomy

EXPECTED_TYPES = {
    "statement_of_intent",
    "meeting",
    "visit",
    "agreement_signed",
    "action_plan",
    "platform_created",
    "joint_project",
    "content_exchange",
    "expert_exchange",
    "training",
    "bureau_opening",
    "countering_disinformation",
}
EXPECTED_STATUSES = {"proposed", "intended", "planned", "agreed", "done", "ongoing"}
PLOVER = {"AGREE", "CONSULT", "COOPERATE", "AID", "SUPPORT", "CONCEDE", "REQUEST"}


def test_taxonomy_has_every_type_and_status() -> None:
    assert set(TYPES) == EXPECTED_TYPES
    assert set(STATUSES) == EXPECTED_STATUSES


def test_every_type_has_cameo_codes_plover_and_a_definition() -> None:
    data = json.loads(TAXONOMY.read_text("utf-8"))
    for name, record in data["types"].items():
        assert len(record["definition"]) > 20, name
        for which in ("realised", "intent"):
            code, label = record["cameo"][which]
            assert re.fullmatch(r"0[0-9]{2}", code), (name, code)  # cooperative CAMEO root
            assert label
        assert record["plover"] in PLOVER
        assert set(record["subsumes"]) <= EXPECTED_TYPES - {name}


def test_cameo_depends_on_status() -> None:
    t = taxonomy()
    assert t.cameo("meeting", "done")[0] == "040"
    assert t.cameo("meeting", "planned")[0] == "036"
    assert t.cameo("agreement_signed", "done")[0] == "057"
    assert t.cameo("content_exchange", "ongoing")[0] == "064"


@pytest.mark.parametrize("language", LANGUAGES)
def test_lexicon_covers_every_type_and_status(language: str) -> None:
    data = json.loads((DATA / f"{language}.json").read_text("utf-8"))
    assert data["language"] == language
    assert set(data["types"]) == EXPECTED_TYPES
    for name, spec in data["types"].items():
        entries = spec.get("triggers", []) + [
            e for combo in spec.get("combos", []) for e in combo["nouns"] + combo["verbs"]
        ]
        assert entries, (language, name)
        assert all(isinstance(e, str) and e.strip() == e and e for e in entries)
    assert set(data["status"]) == EXPECTED_STATUSES
    assert all(data["status"][s] for s in EXPECTED_STATUSES)
    assert data["default_status"] in EXPECTED_STATUSES
    assert data["negation"]
    assert data["anaphora"]
    assert data["between"]["before"] or data["between"]["after"]
    assert lexicon(language) is not None  # compiles
