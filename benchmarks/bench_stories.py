"""Story clustering on ECB+ held-out topics: the pipeline's ``cluster_stories`` vs a TF-IDF
single-pass baseline tuned on the training topics, in one run (see docs/stories.md).

Prints B³ P/R/F1, CEAF-e, V-measure and ARI per method, then per-topic B³ F1 with the main
failure cause. Exits 0 without scoring when the ECB+ folder is absent.

Usage: python benchmarks/bench_stories.py [--data ../shared/data/ecbplus] [--seed 0] [--with-train]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from corroborator.evaluation.ecbplus import DEFAULT_TEST_TOPICS, ecbplus_available  # noqa: E402
from corroborator.evaluation.stories import evaluate, format_evaluation  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ecbplus")
    parser.add_argument("--seed", type=int, default=0, help="arrival shuffle; -1 = id order")
    parser.add_argument("--with-train", action="store_true",
                        help="also score the pipeline on the training topics (slower)")
    args = parser.parse_args(argv)
    if not ecbplus_available(args.data):
        print(f"skipped: no ECB+ data at {args.data}")
        return 0
    seed = None if args.seed < 0 else args.seed
    print(format_evaluation(evaluate(args.data, DEFAULT_TEST_TOPICS, None, seed,
                                     with_train=args.with_train)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
