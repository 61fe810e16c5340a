"""Clustering metrics: pairwise P/R/F1 as Priberam's news-clustering evaluation, and BCubed.

Pairwise (Priberam/news-clustering `eval_lib.ScoreSet` with `utils.get_tp_fp_tn_fn`,
after Arturs Znotins): build the contingency matrix of true label × predicted label;
over unordered pairs of items,

    tp + fp = Σ_pred C(|pred cluster|, 2)     tp + fn = Σ_true C(|true cluster|, 2)
    tp      = Σ_cells C(cell, 2)               tn = C(n, 2) − tp − fp − fn
    p = tp/(tp+fp), r = tp/(tp+fn), f1 = 2pr/(p+r), each 0 when its denominator is 0.

BCubed (Bagga & Baldwin 1998; Amigó et al. 2009): for each item, precision is the
share of its predicted cluster that shares its true label, recall the share of its true
cluster that shares its predicted cluster; both averaged over items, F1 their harmonic
mean.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PairCounts:
    tp: int
    fp: int
    tn: int
    fn: int


def _pairs(k: int) -> int:
    return k * (k - 1) // 2


def pair_counts(true_labels: Sequence[Hashable], pred_labels: Sequence[Hashable]) -> PairCounts:
    if len(true_labels) != len(pred_labels):
        raise ValueError("true and predicted labels differ in length")
    cells = Counter(zip(true_labels, pred_labels, strict=True))
    tp = sum(_pairs(c) for c in cells.values())
    tp_fp = sum(_pairs(c) for c in Counter(pred_labels).values())
    tp_fn = sum(_pairs(c) for c in Counter(true_labels).values())
    fp, fn = tp_fp - tp, tp_fn - tp
    tn = _pairs(len(true_labels)) - tp - fp - fn
    return PairCounts(tp, fp, tn, fn)


def prf_from_counts(tp: float, fp: float, fn: float) -> dict[str, float]:
    """Priberam's formulas, zero where a denominator is zero."""
    p = tp / (tp + fp) if tp + fp > 0 else 0.0
    r = tp / (tp + fn) if tp + fn > 0 else 0.0
    f1 = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return {"p": p, "r": r, "f1": f1}


def pairwise(true_labels: Sequence[Hashable], pred_labels: Sequence[Hashable]) -> dict[str, float]:
    counts = pair_counts(true_labels, pred_labels)
    out: dict[str, float] = prf_from_counts(counts.tp, counts.fp, counts.fn)
    out.update(tp=counts.tp, fp=counts.fp, tn=counts.tn, fn=counts.fn)
    return out


def bcubed(true_labels: Sequence[Hashable], pred_labels: Sequence[Hashable]) -> dict[str, float]:
    if len(true_labels) != len(pred_labels):
        raise ValueError("true and predicted labels differ in length")
    n = len(true_labels)
    if n == 0:
        return {"p": 0.0, "r": 0.0, "f1": 0.0}
    cells = Counter(zip(true_labels, pred_labels, strict=True))
    true_sizes, pred_sizes = Counter(true_labels), Counter(pred_labels)
    # Every item of a cell has the same per-item precision and recall.
    p = sum(c * c / pred_sizes[pl] for (_, pl), c in cells.items()) / n
    r = sum(c * c / true_sizes[tl] for (tl, _), c in cells.items()) / n
    f1 = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return {"p": p, "r": r, "f1": f1}
