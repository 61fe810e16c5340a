"""Every input adapter, fed arbitrary or damaged bytes, answers or raises IngestError."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ortaq.formats import InputFormat, default_input_formats
from ortaq.model import Hints, IngestError, Item, Rejected, Skipped

SHARED = Path(__file__).resolve().parents[2] / "shared"
ADAPTERS = list(default_input_formats())
SEEDS = sorted((SHARED / "data" / "agency-feeds").glob("*"))[:40] + sorted(
    (SHARED / "samples").glob("*.txt")
)


def assert_well_behaved(adapter: InputFormat, raw: bytes) -> None:
    hints = Hints(source_name="fuzz.input")
    score = adapter.sniff(raw, hints)
    assert 0.0 <= score <= 1.0
    try:
        results = adapter.parse(raw, hints)
    except IngestError as error:
        assert str(error).startswith("fuzz.input"), str(error)
        return
    assert isinstance(results, list)
    for result in results:
        assert isinstance(result, Item | Skipped | Rejected)


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda a: a.name)
@settings(max_examples=150, deadline=None)
@given(raw=st.binary(max_size=2048))
def test_arbitrary_bytes(adapter: InputFormat, raw: bytes) -> None:
    assert_well_behaved(adapter, raw)


@pytest.mark.parametrize("adapter", ADAPTERS, ids=lambda a: a.name)
@settings(max_examples=150, deadline=None)
@given(
    seed=st.sampled_from(SEEDS),
    cut=st.floats(min_value=0.0, max_value=1.0),
    junk=st.binary(max_size=16),
)
def test_truncated_and_damaged_real_files(
    adapter: InputFormat, seed: Path, cut: float, junk: bytes
) -> None:
    raw = seed.read_bytes()
    position = int(len(raw) * cut)
    assert_well_behaved(adapter, raw[:position] + junk + raw[position + len(junk) :])
