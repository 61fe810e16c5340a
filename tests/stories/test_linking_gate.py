"""Gate: cross-lingual linking on X-WMT, floors = measured (mean over seeds 0-4) - margin."""

from pathlib import Path
from statistics import mean

import pytest

from ortaq.evaluation.linking import evaluate_linking

XWMT = Path(__file__).resolve().parents[3] / "shared" / "data" / "xwmt"

# (pair, window, keep): floor; measured on all lines (CSLS + Sinkhorn): en-ru 1.000 / 0.950
# / 0.825, az-tr 1.000 / 1.000 / 0.964 (W=3 exact / W=8 K=0.5 / W=3 K=0.5).
FLOORS = {
    ("en-ru", 3, 1.0): 0.99,
    ("en-ru", 8, 0.5): 0.93,
    ("en-ru", 3, 0.5): 0.80,
    ("az-tr", 3, 1.0): 0.99,
    ("az-tr", 8, 0.5): 0.98,
    ("az-tr", 3, 0.5): 0.94,
}


@pytest.mark.skipif(not XWMT.exists(), reason="X-WMT data not present")
@pytest.mark.parametrize(("pair", "window", "keep"), sorted(FLOORS))
def test_linking_floor(pair, window, keep):
    a, b = pair.split("-")
    seeds = range(5) if keep < 1 else [0]
    results = [
        evaluate_linking(
            XWMT / f"{pair}.{a}", XWMT / f"{pair}.{b}", window=window, keep=keep, seed=seed
        )
        for seed in seeds
    ]
    assert 0 <= mean(r["mrr"] for r in results) <= 1
    assert mean(r["p_at_1"] for r in results) >= FLOORS[(pair, window, keep)]
