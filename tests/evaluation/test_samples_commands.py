"""Each gold-folder command on the five shared samples: JSON shape and figures in [0, 1].

No figure is pinned: the samples only show the commands run end to end and print what
the documentation promises.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ortaq.cli import app


def _headline(report: dict[str, Any]) -> list[tuple[str, float]]:
    numeric = [
        (k, v) for k, v in report.items() if isinstance(v, int | float) and not isinstance(v, bool)
    ]
    return numeric[:6]


def _run(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, ["eval", *args])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, "one JSON object expected"
    report: dict[str, Any] = json.loads(lines[0])
    return report


def _check_shape(report: dict[str, Any], ratios: int = 6) -> None:
    """The first six numeric keys come first; the first `ratios` of them are in [0, 1]."""
    keys = list(report)
    headline = _headline(report)
    assert len(headline) == 6
    assert keys[: len(headline)] == [k for k, _ in headline], "figures come first"
    assert keys.index("per_language") < keys.index("misses")
    for name, value in headline[:ratios]:
        assert isinstance(value, float), name
        assert 0.0 <= value <= 1.0, (name, value)
    assert report["errors"] == []


@pytest.fixture(scope="module")
def samples(shared: Path) -> Path:
    return shared / "samples"


def test_eval_reading_on_samples(samples: Path) -> None:
    report = _run("reading", "--gold", str(samples / "gold"), "--articles", str(samples))
    _check_shape(report)
    assert report["articles"] == 5
    assert set(report["per_language"]) <= {"kk", "ar", "fr", "tr", "az", "ru", "en"}


def test_eval_entities_on_samples(samples: Path) -> None:
    report = _run("entities", "--gold", str(samples / "gold"), "--articles", str(samples))
    _check_shape(report)
    assert [k for k, _ in _headline(report)][:3] == [
        "countries_f1",
        "people_f1",
        "organisations_f1",
    ]
    for figures in report["per_language"].values():
        for kind in ("countries", "people", "organisations"):
            assert 0.0 <= figures[kind]["f1"] <= 1.0
            assert figures[kind]["tp"] <= min(figures[kind]["gold"], figures[kind]["predicted"])
    assert report["micro"]["people"]["gold"] > 0


def test_eval_stories_on_samples(samples: Path, tmp_path: Path) -> None:
    files = sorted(p.name for p in samples.glob("*.txt"))
    # two invented groups, so both split and joined pairs can be counted
    index = tmp_path / "index.jsonl"
    index.write_text(
        "".join(
            json.dumps({"file": name, "story_group": "A" if i < 2 else "B"}) + "\n"
            for i, name in enumerate(files)
        ),
        "utf-8",
    )
    report = _run(
        "stories", "--gold", str(samples / "gold"), "--articles", str(samples),
        "--index", str(index),
    )  # fmt: skip
    _check_shape(report)
    assert report["items"] == len(files)
    assert report["gold_stories"] == 2
    assert 1 <= report["predicted_stories"] <= len(files)
    assert set(report["misses"]) == {"split", "joined"}


def test_eval_cooperation_has_per_language(samples: Path) -> None:
    report = _run("cooperation", "--gold", str(samples / "gold"), "--articles", str(samples))
    _check_shape({**report, "errors": []}, ratios=3)  # then tp, predicted, gold
    languages = report["per_language"]
    assert languages
    assert sum(figures["gold"] for figures in languages.values()) == report["gold"]
    assert sum(figures["tp"] for figures in languages.values()) == report["tp"]
