"""The five gold samples (../shared/samples/gold) through `evaluate_cooperation`.

The floors are the figures measured when the lexicons were last changed, minus 0.02.
The headline level no longer lets an agency stand for a gold country (only a state body
does, guideline section 4); `country_level` keeps the first version's rule, under which
these samples measured 0.933 before the parties were taken from who acts, 0.871 after
(round one), and 0.949 again since round two (issue 19). The headline stays below: three
predicted events the gold leaves out (a working visit offered, a visit to the liberated
lands, expertise exchange "we have consensus on") and one event whose gold names the
country where the text says "the sides" (003: KZ for the Presidential TV complex).
These five articles are also what the lexicons and rules were tuned on (with the
sentences of test_languages.py): the floor guards against regressions, it is not an
estimate of accuracy on unseen text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ortaq.evaluation.cooperation import evaluate_cooperation, resolve_gold_party

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
MEASURED_F1 = 0.9153  # precision 0.871, recall 0.964 (27 of 28 gold events, 31 predicted)
MEASURED_STRICT_F1 = 0.8814
MEASURED_COUNTRY_LEVEL_F1 = 0.9492  # precision 0.903, recall 1.0


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    if not (SAMPLES / "gold").is_dir():
        pytest.fail(f"the shared samples are missing at {SAMPLES}")
    return evaluate_cooperation(SAMPLES / "gold", SAMPLES)


def test_event_f1_floor(report: dict[str, Any]) -> None:
    assert report["f1"] >= MEASURED_F1 - 0.02, report["misses"]
    assert report["strict"]["f1"] >= MEASURED_STRICT_F1 - 0.02
    assert report["country_level"]["f1"] >= MEASURED_COUNTRY_LEVEL_F1 - 0.02
    assert report["strict"]["tp"] <= report["tp"] <= report["country_level"]["tp"]


def test_report_shape(report: dict[str, Any]) -> None:
    assert 0 <= report["precision"] <= 1 and 0 <= report["recall"] <= 1
    assert report["gold"] == 28
    assert set(report["per_type"]) >= {"meeting", "agreement_signed", "training"}
    for figures in [*report["per_type"].values(), *report["per_language"].values()]:
        assert {"precision", "recall", "f1", "strict_f1"} <= set(figures)
    assert set(report["per_language"]) == {"fr", "ar", "kk"}
    assert {"misses", "false_positives", "files"} <= set(report)


def test_gold_parties_resolve() -> None:
    assert resolve_gold_party("KZ", "fr") == "country:KZ"
    assert resolve_gold_party("Agence Anadolu", "fr") == "org:anadolu"
    assert resolve_gold_party("Kazinform", "fr") == "org:kazinform"
    assert resolve_gold_party("Conseil turcique", "fr") == "org:turkic-states"
    assert (
        resolve_gold_party("ҚР Президентінің Телерадиокешені", "kk")
        == "org:kz-presidential-tv-radio"
    )
    assert (
        resolve_gold_party("Алжир Коммуникациялар министрлігі", "kk")
        == "org:dz-ministry-communication"
    )
    # an organisation outside the knowledge base, described by its country
    assert resolve_gold_party("KG public broadcaster", "fr") == "country:KG"
    # outside the knowledge base: kept as a name, matched by name
    assert resolve_gold_party("Nowhere Daily", "en") == "name:Nowhere Daily"
