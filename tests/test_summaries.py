"""The terminal's readable summaries: `ortaq read/entities/cooperation` print a table of
the same report `--json` prints; `ortaq --version`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from ortaq import __version__
from ortaq.cli import app
from ortaq.summaries import MAX_CELL, _cell

ARTICLES = Path(__file__).resolve().parents[1].parent / "shared" / "realnews" / "articles"


def article(name: str) -> str:
    path = ARTICLES / name
    if not path.is_file():
        pytest.skip(f"the real-news set is not at {ARTICLES}")
    return str(path)


def both(monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[dict[str, Any], str]:
    """The --json report and the default table of one command."""
    monkeypatch.setenv("COLUMNS", "400")  # no folding inside a cell
    runner = CliRunner()
    as_json = runner.invoke(app, [*args, "--json"])
    table = runner.invoke(app, list(args))
    assert as_json.exit_code == 0 and table.exit_code == 0, (as_json.output, table.output)
    assert not table.stdout.lstrip().startswith("{")
    return json.loads(as_json.stdout.splitlines()[0]), table.stdout


def test_version() -> None:
    answer = CliRunner().invoke(app, ["--version"])
    assert answer.exit_code == 0 and answer.stdout.strip() == f"ortaq {__version__}"


def test_read_prints_the_reports_fields(monkeypatch: pytest.MonkeyPatch) -> None:
    report, table = both(monkeypatch, "read", article("102_en.txt"))
    assert report["headline"] and report["headline"][:40] in table
    assert str(report["language"]) in table


def test_entities_lists_every_mention(monkeypatch: pytest.MonkeyPatch) -> None:
    report, table = both(monkeypatch, "entities", article("102_en.txt"))
    assert report["mentions"]
    for mention in report["mentions"]:
        assert mention["text"] in table
        if mention.get("entity_id"):
            assert mention["entity_id"] in table


def test_cooperation_lists_every_event(monkeypatch: pytest.MonkeyPatch) -> None:
    report, table = both(monkeypatch, "cooperation", article("102_en.txt"))
    assert report["events"]
    for event in report["events"]:
        assert event["type"] in table and event["status"] in table


JSON = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.integers() | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(JSON)
def test_any_json_value_is_one_cell(value: Any) -> None:
    cell = _cell(value)
    assert isinstance(cell, str)
    if isinstance(value, str):
        assert len(cell) <= MAX_CELL and (cell == value or cell.endswith("…"))
