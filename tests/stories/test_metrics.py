import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from ortaq.evaluation.clustering import bcubed, pair_counts, pairwise, prf_from_counts

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def test_reproduces_priberam_f1_from_counts():
    result = prf_from_counts(936_031, 17_710, 101_072)
    assert f"{result['f1']:.5f}" == "0.94034"
    assert f"{result['p']:.5f}" == "0.98143"
    assert f"{result['r']:.5f}" == "0.90254"


def test_counts_file_when_present():
    path = SHARED / "miranda2018_results" / "reimpl_en.test.json"
    if not path.exists():
        return
    data = json.loads(path.read_text())
    result = prf_from_counts(data["tp"], data["fp"], data["fn"])
    assert round(result["f1"], 5) == data["f1"]
    n = int(data["size_true"])
    assert data["tp"] + data["fp"] + data["tn"] + data["fn"] == n * (n - 1) // 2


def test_pairwise_hand_case():
    truth = ["a", "a", "a", "b", "b"]
    pred = [1, 1, 2, 2, 2]
    counts = pair_counts(truth, pred)
    # true pairs: 3 (a) + 1 (b); predicted pairs: 1 + 3; shared: (0,1) and (3,4)
    assert (counts.tp, counts.fp, counts.fn, counts.tn) == (2, 2, 2, 4)
    assert pairwise(truth, pred)["f1"] == 0.5


def test_bcubed_hand_cases():
    assert bcubed(["a", "a", "b"], [1, 1, 2]) == {"p": 1.0, "r": 1.0, "f1": 1.0}
    everything = bcubed(["a", "a", "b", "b"], [1, 1, 1, 1])
    assert everything["p"] == 0.5 and everything["r"] == 1.0
    singletons = bcubed(["a", "a", "b", "b"], [1, 2, 3, 4])
    assert singletons["p"] == 1.0 and singletons["r"] == 0.5
    # item-level: a1,a2 in {a1,a2,b1}: p=2/3 each, b1 p=1/3; b2 alone p=1
    mixed = bcubed(["a", "a", "b", "b"], [1, 1, 1, 2])
    assert abs(mixed["p"] - (2 / 3 + 2 / 3 + 1 / 3 + 1) / 4) < 1e-12
    assert abs(mixed["r"] - (1 + 1 + 0.5 + 0.5) / 4) < 1e-12


labels = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=1, max_size=40)


@given(labels)
def test_metrics_in_unit_interval_and_counts_add_up(pairs):
    truth = [t for t, _ in pairs]
    pred = [p for _, p in pairs]
    for result in (pairwise(truth, pred), bcubed(truth, pred)):
        for key in ("p", "r", "f1"):
            assert 0.0 <= result[key] <= 1.0
    counts = pair_counts(truth, pred)
    n = len(truth)
    assert counts.tp + counts.fp + counts.fn + counts.tn == n * (n - 1) // 2
    swapped = pair_counts(pred, truth)
    assert (swapped.tp, swapped.fp, swapped.fn) == (counts.tp, counts.fn, counts.fp)


def test_sinkhorn_discounts_a_hub_and_keeps_row_order_otherwise():
    import numpy as np

    from ortaq.evaluation.linking import sinkhorn

    # target 0 is close to every source; source 1 truly belongs to target 1
    scores = np.array([[0.9, 0.1, 0.1], [0.8, 0.75, 0.1], [0.7, 0.1, 0.65]])
    balanced = sinkhorn(scores, tau=0.1, iterations=20)
    assert balanced.argmax(axis=1).tolist() == [0, 1, 2]
    assert scores.argmax(axis=1).tolist() == [0, 0, 0]
    assert sinkhorn(np.zeros((0, 0))).size == 0
