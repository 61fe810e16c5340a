"""The five real sample articles, read through the whole chain, match the gold reading."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ortaq.chain import process
from ortaq.model import Hints, Item
from ortaq.read import Reading

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
GOLD = sorted((SAMPLES / "gold").glob("*.json"))


def read_sample(gold_path: Path) -> tuple[dict[str, Any], Item, dict[str, Any]]:
    gold = json.loads(gold_path.read_text("utf-8"))
    raw = (SAMPLES / gold["file"]).read_bytes()
    item = process(raw, Hints(source_name=gold["file"]))
    return gold["reading"], item, Reading(item).to_json()


@pytest.mark.parametrize("gold_path", GOLD, ids=lambda p: p.stem[:3])
def test_language_script_direction(gold_path: Path) -> None:
    gold, item, out = read_sample(gold_path)
    assert out["language"] == gold["language"] == item.language
    assert out["script"] == gold["script"]
    assert out["direction"] == gold.get("direction", "ltr")
    assert out["language_confidence"] > 0.9


@pytest.mark.parametrize("gold_path", GOLD, ids=lambda p: p.stem[:3])
def test_headline_summary_body(gold_path: Path) -> None:
    gold, _item, out = read_sample(gold_path)
    assert out["headline"] == gold["headline"]
    if "summary_starts_with" in gold:
        assert out["summary"].startswith(gold["summary_starts_with"])
    assert out["body"][0].startswith(gold["body_starts_with"])
    assert out["body"][-1].endswith(gold["body_ends_with"])
    everything = "\n".join([out["headline"] or "", out["summary"] or "", *out["body"]])
    for unwanted in gold["not_in_body"]:
        assert unwanted not in everything
    if "photo_credit" in gold:
        assert gold["photo_credit"] in out["credits"]


@pytest.mark.parametrize("gold_path", GOLD, ids=lambda p: p.stem[:3])
def test_dateline_and_publication_date(gold_path: Path) -> None:
    gold, _item, out = read_sample(gold_path)
    if gold["dateline"] is None:
        assert out["dateline"] is None
    else:
        expected = dict(gold["dateline"])
        expected["country"] = expected.pop("place_country")
        assert out["dateline"] == expected
    if gold["published"] is None:
        assert out["published"] is None
    else:
        assert out["published"]["value"] == gold["published"]
        assert out["published"]["precision"] == gold["published_precision"]


@pytest.mark.parametrize(
    "gold_path",
    [p for p in GOLD if "source_agency_mentioned" in json.loads(p.read_text())["reading"]],
    ids=lambda p: p.stem[:3],
)
def test_source_agency_mentioned(gold_path: Path) -> None:
    gold, _item, out = read_sample(gold_path)
    assert out["source_agency"] is not None
    assert gold["source_agency_mentioned"] in out["source_agency"]
