"""Benchmark: language identification, paragraphs/s of CPU time on the committed dev set.

The ≥ 1,000 paragraphs/s target of the read stage's language step, measured here rather
than asserted in a test (a shared machine's load would make such a test fail at random).
One JSON line.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from pathlib import Path

from ortaq.evaluation.langid import read_examples
from ortaq.read.language import identify

DEV = Path(__file__).resolve().parents[1] / "tests" / "data" / "langid" / "dev_paragraphs.tsv"
TARGET = 1000


def main() -> None:
    with DEV.open(encoding="utf-8") as lines:
        texts = [example.text for example in read_examples(lines)]
    identify(texts[0])  # load the models before timing
    rates = []
    for _ in range(3):
        started = time.process_time()
        for text in texts:
            identify(text)
        rates.append(len(texts) / (time.process_time() - started))
    rate = statistics.median(rates)
    print(
        json.dumps(
            {
                "bench": "langid",
                "paragraphs": len(texts),
                "paragraphs_per_s": round(rate, 1),
                "target_per_s": TARGET,
                "meets_target": rate >= TARGET,
                "runs": [round(r, 1) for r in rates],
                "clock": "process CPU time, one core",
                "cpu": platform.machine(),
                "cores_available": os.cpu_count(),
            }
        )
    )


if __name__ == "__main__":
    main()
