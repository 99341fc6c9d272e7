"""Attribution and check-worthiness figures plus attribution speed.

    .venv/bin/python benchmarks/bench_attribution.py [--data ../shared/data]

Runs the PolNeAR dev evaluation (product vs the 30-line baseline), the ClaimBuster test
evaluation (rule score vs Naive Bayes) and times ``extract_attributions`` per article on the
PolNeAR dev texts (parse time excluded). Each part is skipped when its data folder is absent.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from corroborator.analysis.attribution import extract_attributions
from corroborator.analysis.nlp import load_nlp
from corroborator.evaluation import attribution, checkworthy


def attribution_speed(folder: Path, limit: int = 40) -> tuple[float, float]:
    """Median and mean milliseconds of extract_attributions per parsed article."""
    nlp = load_nlp()
    docs = [nlp(a.text) for a in attribution.load_polnear(folder, "dev")[:limit]]
    times = []
    for doc in docs:
        start = time.perf_counter()
        extract_attributions(doc)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), statistics.fmean(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    args = parser.parse_args()
    polnear, claimbuster = args.data / "polnear", args.data / "claimbuster"
    if (polnear / "attributions.jsonl").exists():
        print("PolNeAR dev")
        print(attribution.format_table(attribution.run(polnear, "dev")))
        median, mean = attribution_speed(polnear)
        print(f"extract_attributions: median {median:.1f} ms, mean {mean:.1f} ms per article")
    else:
        print(f"skipped PolNeAR: no data in {polnear}")
    if (claimbuster / "test.jsonl").exists():
        print("\nClaimBuster test (positive class)")
        for name, (p, r, f) in checkworthy.run(claimbuster).items():
            print(f"{name:<14} P {p:.3f}  R {r:.3f}  F1 {f:.3f}")
    else:
        print(f"skipped ClaimBuster: no data in {claimbuster}")


if __name__ == "__main__":
    main()
