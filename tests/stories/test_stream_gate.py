"""Gate: online story clustering of the X-WMT stream, floor = measured (mean over seeds
0-4, lines 0-399, window 8, stride 20, keep 0.5) - margin. Measured BCubed F1 0.906."""

from pathlib import Path
from statistics import mean

import pytest

from ortaq.evaluation.stream import evaluate_stream

XWMT = Path(__file__).resolve().parents[3] / "shared" / "data" / "xwmt"


@pytest.mark.skipif(not XWMT.exists(), reason="X-WMT data not present")
def test_stream_bcubed_floor():
    results = [evaluate_stream(XWMT, window=8, stride=20, keep=0.5, seed=s) for s in range(5)]
    assert mean(r["bcubed"]["f1"] for r in results) >= 0.88
    assert mean(r["bcubed"]["p"] for r in results) >= 0.92
