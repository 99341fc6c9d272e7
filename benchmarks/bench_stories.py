"""Story clustering on ECB+ held-out topics: the pipeline's ``cluster_stories`` vs a TF-IDF
single-pass baseline tuned on the training topics, in one run (see docs/stories.md).

Prints B³ P/R/F1, CEAF-e, V-measure and ARI per method, then per-topic B³ F1 with the main
failure cause. Exits 0 without scoring when the ECB+ folder is absent.

With ``--cv``: instead, leave-topics-out cross-validation on the training topics only (5 folds,
seeds 0..``--cv-seeds``-1): mean B³ F1 of the shipped settings and of each ``--set key=value``
variant (repeatable; e.g. ``--set story_move_margin=0``), the way docs/stories.md chose them,
with each variant's stream-by-stream difference to the shipped settings (mean, standard error,
streams better / worse): a gain within about two standard errors is noise.

Usage: python benchmarks/bench_stories.py [--data ../shared/data/ecbplus] [--seed 0] [--with-train]
       python benchmarks/bench_stories.py --cv [--cv-seeds 3] [--set key=value ...]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from dataclasses import replace  # noqa: E402

from corroborator.evaluation.ecbplus import (  # noqa: E402
    DEFAULT_TEST_TOPICS,
    ecbplus_available,
    load_ecbplus,
)
from corroborator.evaluation.stories import (  # noqa: E402
    cross_validate_streams,
    evaluate,
    format_evaluation,
    paired_difference,
)
from corroborator.settings import DEFAULT_SETTINGS, Settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ecbplus")
    parser.add_argument("--seed", type=int, default=0, help="arrival shuffle; -1 = id order")
    parser.add_argument("--with-train", action="store_true",
                        help="also score the pipeline on the training topics (slower)")
    parser.add_argument("--cv", action="store_true",
                        help="cross-validate on the training topics instead (no held-out data)")
    parser.add_argument("--cv-seeds", type=int, default=3)
    parser.add_argument("--set", dest="variants", action="append", default=[],
                        metavar="KEY=VALUE[,KEY=VALUE]", help="a settings variant for --cv")
    args = parser.parse_args(argv)
    if not ecbplus_available(args.data):
        print(f"skipped: no ECB+ data at {args.data}")
        return 0
    if args.cv:
        train = [d for d in load_ecbplus(args.data) if d.topic not in DEFAULT_TEST_TOPICS]
        variants = {"shipped settings": DEFAULT_SETTINGS}
        variants |= {spec: _variant(spec) for spec in args.variants}
        scores = cross_validate_streams(train, variants, range(args.cv_seeds))
        reference = scores["shipped settings"]
        for name, f1s in scores.items():
            diff = paired_difference(f1s, reference)
            print(f"{name:<50} mean fold B3 F1 {sum(f1s) / len(f1s):.4f}  vs shipped "
                  f"{diff.mean:+.4f} (SE {diff.standard_error:.4f}; streams better/worse "
                  f"{diff.better}/{diff.worse})")
        return 0
    seed = None if args.seed < 0 else args.seed
    print(format_evaluation(evaluate(args.data, DEFAULT_TEST_TOPICS, None, seed,
                                     with_train=args.with_train)))
    return 0


def _variant(spec: str) -> Settings:
    """The shipped settings with ``key=value`` overrides (comma-separated)."""
    changes = {}
    for item in filter(None, spec.split(",")):
        key, value = item.split("=", 1)
        changes[key] = type(getattr(DEFAULT_SETTINGS, key))(float(value))
    return replace(DEFAULT_SETTINGS, **changes)


if __name__ == "__main__":
    sys.exit(main())
