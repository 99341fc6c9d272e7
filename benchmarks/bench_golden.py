"""Quality on the example corpus ground truth: alignment, status, origins, conflicts.

- alignment: pairwise precision/recall/F1 over the gold mentions (two gold mentions are a
  predicted pair when the report puts them in one claim group);
- status and independent-origin accuracy per gold claim (on the group holding its first mention);
- conflicts: precision/recall of (kind, article pair) over gold claims' groups;
- optionally a sweep of the claim-similarity threshold, re-running only the cross-source stage.

Usage: python benchmarks/bench_golden.py [--sweep 0.55,0.6,0.65,0.7]
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from itertools import combinations
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from golden import CORPUS, gold_claims, load_ground_truth, locate  # noqa: E402


def score(contract: dict, truth: dict) -> dict[str, float]:
    claims = gold_claims(truth)
    where: dict[tuple[str, str], tuple[int, int] | None] = {}
    for _, claim in claims:
        for m in claim["mentions"]:
            hits = locate(contract, m["article"], m["quote"])
            where[(m["article"], m["quote"])] = (
                (hits[0].story_index, hits[0].claim_index) if hits else None
            )
    gold_pairs, predicted_pairs = set(), set()
    keys = list(where)
    key_claim = {(m["article"], m["quote"]): c["key"] for _, c in claims for m in c["mentions"]}
    for a, b in combinations(keys, 2):
        if key_claim[a] == key_claim[b]:
            gold_pairs.add((a, b))
        if where[a] is not None and where[a] == where[b]:
            predicted_pairs.add((a, b))
    status_ok = origins_ok = 0
    conflict_tp = conflict_fp = conflict_fn = 0
    for _, claim in claims:
        first = claim["mentions"][0]
        loc = where[(first["article"], first["quote"])]
        if loc is None:
            conflict_fn += len(claim.get("conflicts", []))
            continue
        group = contract["stories"][loc[0]]["claims"][loc[1]]
        status_ok += group["status"] == claim["status"]
        origins_ok += group["independent_origins"] == claim["independent_origins"]
        ids = [m["article_id"] for m in group["mentions"]]
        found = {(c["kind"], frozenset({ids[c["a"]], ids[c["b"]]})) for c in group["conflicts"]}
        wanted = {(c["kind"], frozenset(c["between"])) for c in claim.get("conflicts", [])}
        conflict_tp += len(found & wanted)
        conflict_fp += len(found - wanted)
        conflict_fn += len(wanted - found)
    tp = len(gold_pairs & predicted_pairs)
    return {
        "align_p": tp / len(predicted_pairs) if predicted_pairs else 1.0,
        "align_r": tp / len(gold_pairs) if gold_pairs else 1.0,
        "mentions_found": sum(v is not None for v in where.values()) / len(where),
        "status_acc": status_ok / len(claims),
        "origins_acc": origins_ok / len(claims),
        "conflict_p": conflict_tp / (conflict_tp + conflict_fp) if conflict_tp + conflict_fp else 1,
        "conflict_r": conflict_tp / (conflict_tp + conflict_fn) if conflict_tp + conflict_fn else 1,
    }


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


HEADER = (f"{'threshold':>9} {'align P':>8} {'align R':>8} {'F1':>6} {'found':>6} "
          f"{'status':>7} {'origins':>8} {'confl P':>8} {'confl R':>8}")


def golden_scores(thresholds: list[float] | None = None) -> list[tuple[float, dict[str, float]]]:
    """Analyse the example corpus once and score the cross-source stage at each claim-similarity
    threshold (default: the configured one). Also used by bench_crosscheck.py."""
    import corroborator
    from corroborator.crosscheck import check_story
    from corroborator.embed import default_embedder
    from corroborator.model import Report
    from corroborator.settings import DEFAULT_SETTINGS

    truth = load_ground_truth()
    report = corroborator.analyze([CORPUS])
    by_id = {a.article.id: a for a in report.analyses}
    results = []
    for threshold in thresholds or [DEFAULT_SETTINGS.claim_similarity_threshold]:
        settings = replace(DEFAULT_SETTINGS, claim_similarity_threshold=threshold)
        stories = tuple(
            check_story(s.story, by_id, default_embedder(), settings) for s in report.stories
        )
        contract = corroborator.to_contract(Report(report.analyses, stories, report.problems))
        results.append((threshold, score(contract, truth)))
    return results


def format_row(threshold: float, s: dict[str, float]) -> str:
    return (f"{threshold:>9.2f} {s['align_p']:>8.3f} {s['align_r']:>8.3f} "
            f"{_f1(s['align_p'], s['align_r']):>6.3f} {s['mentions_found']:>6.3f} "
            f"{s['status_acc']:>7.3f} {s['origins_acc']:>8.3f} {s['conflict_p']:>8.3f} "
            f"{s['conflict_r']:>8.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", default="", help="comma-separated claim similarity thresholds")
    args = parser.parse_args(argv)
    thresholds = [float(x) for x in args.sweep.split(",") if x] or None
    print(HEADER)
    for threshold, s in golden_scores(thresholds):
        print(format_row(threshold, s))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
