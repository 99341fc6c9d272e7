"""Quality on the example corpus ground truth: alignment, status, origins, conflicts.

- alignment: pairwise precision/recall/F1 over the gold mentions (two gold mentions are a
  predicted pair when the report puts them in one claim group);
- status and independent-origin accuracy per gold claim (on the group holding its first mention);
- conflicts: precision/recall of (kind, article pair) over gold claims' groups;
- optionally a sweep of the claim-similarity threshold, re-running only the cross-source stage;
- per-check pass rates like the golden tests' (stories, hedges, chains, conflicts with `minor`,
  sides, evolving figures, timelines, explanations, syndication, framing, must_not rules), and
  with --misses every failed check with what the report said.

Any corpus in the golden format can be scored, e.g. the held-out set (examples/heldout/README.md):

Usage: python benchmarks/bench_golden.py [--sweep 0.55,0.6,0.65,0.7]
       python benchmarks/bench_golden.py --corpus examples/heldout/corpus \\
           --truth examples/heldout/ground_truth.yaml --misses
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

from golden import (  # noqa: E402
    CORPUS,
    GROUND_TRUTH,
    gold_claims,
    load_ground_truth,
    locate,
    names_match,
)


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


def golden_scores(
    thresholds: list[float] | None = None,
    corpus: Path = CORPUS,
    truth_path: Path = GROUND_TRUTH,
    contracts: list[dict] | None = None,
) -> list[tuple[float, dict[str, float]]]:
    """Analyse ``corpus`` once and score the cross-source stage against ``truth_path`` at each
    claim-similarity threshold (default: the configured one). Also used by bench_crosscheck.py.
    When ``contracts`` is a list, each threshold's report contract is appended to it."""
    import corroborator
    from corroborator.crosscheck import check_story
    from corroborator.embed import default_embedder
    from corroborator.model import Report
    from corroborator.settings import DEFAULT_SETTINGS

    truth = load_ground_truth(truth_path)
    report = corroborator.analyze([corpus])
    by_id = {a.article.id: a for a in report.analyses}
    results = []
    for threshold in thresholds or [DEFAULT_SETTINGS.claim_similarity_threshold]:
        settings = replace(DEFAULT_SETTINGS, claim_similarity_threshold=threshold)
        stories = tuple(
            check_story(s.story, by_id, default_embedder(), settings) for s in report.stories
        )
        contract = corroborator.to_contract(Report(report.analyses, stories, report.problems))
        results.append((threshold, score(contract, truth)))
        if contracts is not None:
            contracts.append(contract)
    return results


def format_row(threshold: float, s: dict[str, float]) -> str:
    return (f"{threshold:>9.2f} {s['align_p']:>8.3f} {s['align_r']:>8.3f} "
            f"{_f1(s['align_p'], s['align_r']):>6.3f} {s['mentions_found']:>6.3f} "
            f"{s['status_acc']:>7.3f} {s['origins_acc']:>8.3f} {s['conflict_p']:>8.3f} "
            f"{s['conflict_r']:>8.3f}")


# --- per-check pass rates (the golden tests' checks, counted instead of asserted) -------------

CHECKS = ("stories", "unrelated", "hedged", "negated", "dates", "chains", "alignment",
          "conflicts", "sides", "evolving", "timeline", "explanation", "syndicated", "framing",
          "hedging_order", "must_not")
Outcome = tuple[str, bool, str]  # (item, passed, what the report said when it failed)


def _group_of(contract: dict, claim: dict) -> dict | None:
    """The predicted group holding every gold mention of ``claim`` (as the golden tests)."""
    shared = None
    for m in claim["mentions"]:
        spots = {(h.story_index, h.claim_index) for h in locate(contract, m["article"], m["quote"])}
        shared = spots if shared is None else shared & spots
    if not shared:
        return None
    si, ci = sorted(shared)[0]
    return contract["stories"][si]["claims"][ci]


def _story_of(contract: dict, story: dict) -> dict | None:
    wanted = set(story["articles"])
    return next((s for s in contract["stories"] if wanted <= set(s["article_ids"])), None)


def _mention_checks(contract: dict, claim: dict) -> dict[str, list[Outcome]]:
    """hedged, negated (absent = false), dates (single-day gold dates) and chains per mention."""
    out: dict[str, list[Outcome]] = {"hedged": [], "negated": [], "dates": [], "chains": []}
    hedged, negated, dates, chains = out["hedged"], out["negated"], out["dates"], out["chains"]
    for m in claim["mentions"]:
        item = f"{claim['key']} / {m['article']}"
        hits = locate(contract, m["article"], m["quote"])
        day = m.get("date") if "/" not in str(m.get("date", "/")) else None
        if not hits:
            for name in ("hedged", "negated", "chains") + (("dates",) if day else ()):
                out[name].append((item, False, "mention not found"))
            continue
        got = hits[0].mention
        hedged.append((item, got["hedged"] == m["hedged"], f"hedged={got['hedged']}"))
        want_negated = bool(m.get("negated", False))
        negated.append((item, bool(got["negated"]) == want_negated, f"negated={got['negated']}"))
        if day:
            days = sorted({d["value"][:10] for d in got["dates"]})
            dates.append((item, days == [str(day)], f"dates {days}, want {day}"))
        cited = [(link["name"], link["kind"]) for link in got["chain"][1:]]
        want = [(link["name"], link["kind"]) for link in m.get("chain") or []]
        ok = len(cited) == len(want) and all(
            names_match(w[0], c[0]) and w[1] == c[1] for w, c in zip(want, cited, strict=False)
        )
        chains.append((item, ok, f"chain {cited}, want {want}"))
    return out


def _conflict_set(group: dict) -> set[tuple[str, frozenset, bool]]:
    ids = [m["article_id"] for m in group["mentions"]]
    return {(c["kind"], frozenset({ids[c["a"]], ids[c["b"]]}), bool(c.get("minor")))
            for c in group["conflicts"]}


def _group_checks(group: dict, claim: dict) -> dict[str, list[Outcome]]:
    key, out = claim["key"], {}
    articles = {m["article_id"] for m in group["mentions"]}
    wanted_articles = {m["article"] for m in claim["mentions"]}
    ok = (articles == wanted_articles and group["status"] == claim["status"]
          and group["independent_origins"] == claim["independent_origins"])
    out["alignment"] = [(key, ok, f"{group['status']}/{group['independent_origins']} origins, "
                         f"extra articles {sorted(articles - wanted_articles)}")]
    found = _conflict_set(group)
    wanted = {(c["kind"], frozenset(c["between"]), bool(c.get("minor", False)))
              for c in claim.get("conflicts", [])}
    out["conflicts"] = [(key, found == wanted, "; ".join(c["detail"] for c in group["conflicts"])
                         or "no conflict")]
    ids = [m["article_id"] for m in group["mentions"]]
    out["sides"] = []
    for gold in (c for c in claim.get("conflicts", []) if "sides" in c):
        got = {c.get("between") for c in group["conflicts"] if c["kind"] == gold["kind"]
               and frozenset({ids[c["a"]], ids[c["b"]]}) == frozenset(gold["between"])}
        out["sides"].append((f"{key} {sorted(gold['between'])}", got == {gold["sides"]},
                             f"between={sorted(map(str, got))}, want {gold['sides']}"))
    if claim.get("evolving"):
        gold_ids = {e["article"] for e in claim["evolving"]}
        got_ev = [(e["article_id"], float(e["value"])) for e in group["evolution"]]
        want_ev = [(e["article"], float(e["value"])) for e in claim["evolving"]]
        out["evolving"] = [(key, [g for g in got_ev if g[0] in gold_ids] == want_ev,
                            f"evolution {got_ev}")]
    if claim.get("timeline"):
        events = [(e["kind"], e["article_id"]) for e in group["timeline"]]
        out["timeline"] = [(key, _timeline_ok(group["timeline"], claim["timeline"]),
                            f"timeline {events}")]
    if claim.get("explanation_mentions"):
        text = group["explanation"].lower()
        ok = all(w.lower() in text for w in claim["explanation_mentions"])
        out["explanation"] = [(key, ok, group["explanation"])]
    return out


def _timeline_ok(events: list[dict], gold: dict) -> bool:
    def first(kind: str) -> str | None:
        return next((e["article_id"] for e in events if e["kind"] == kind), None)

    return bool(events) and events[0]["article_id"] == gold["first"] and (
        {e["article_id"] for e in events if e["hedged"]} == set(gold["hedged"])
        and first("confirmed") == gold["confirmed_by"]
        and first("contradicted") == gold["contradicted_by"])


def _must_not_ok(contract: dict, story: dict, rule: dict) -> tuple[bool, str]:
    if rule["kind"] == "hedge":
        article = next(a for a in contract["articles"] if a["id"] == rule["article"])
        return rule["text"] not in [h["text"] for h in article["hedges"]], "read as a hedge"
    if rule["kind"] == "conflict":
        qa, qb = rule["quotes"]
        for s in contract["stories"]:
            for group in s["claims"]:
                sentences = [m["sentence"] for m in group["mentions"]]
                for c in group["conflicts"]:
                    pair = (sentences[c["a"]], sentences[c["b"]])
                    if any(qa in x for x in pair) and any(qb in x for x in pair):
                        return False, c["detail"]
        return True, ""
    if rule["kind"] == "corroborated":
        gold = next(c for c in story["claims"] if c["key"] == rule["claim"])
        group = _group_of(contract, gold)
        return group is None or group["status"] != "corroborated", "called corroborated"
    if rule["kind"] == "framing":
        predicted = _story_of(contract, story)
        terms = {f["referent"]: f["terms"] for f in (predicted or {}).get("framing", [])}
        by_outlet = terms.get(rule["referent"], {})
        outlets = [rule["outlet"]] if rule.get("outlet") else list(by_outlet)
        return all(rule["term"] not in by_outlet.get(o, []) for o in outlets), rule["term"]
    return False, f"unknown must_not kind {rule['kind']!r}"


def _hedging_order(found: dict | None, story: dict) -> list[Outcome]:
    """Every outlet of a tier hedges more than every outlet of the next tier."""
    tiers = (story.get("hedging_order") or {}).get("tiers")
    if not tiers:
        return []
    rates = {o["outlet"]: o["hedged"]["rate"] or 0.0 for o in (found or {}).get("outlets", [])}
    ok = all(o in rates for tier in tiers for o in tier) and all(
        min(rates[o] for o in hi) > max(rates[o] for o in lo)
        for hi, lo in zip(tiers, tiers[1:], strict=False))
    return [(story["key"], ok, f"hedging rates {rates}")]


def _story_checks(contract: dict, story: dict) -> dict[str, list[Outcome]]:
    key, out = story["key"], {}
    predicted = [set(s["article_ids"]) for s in contract["stories"]]
    near = max(predicted, key=lambda p: len(p & set(story["articles"])), default=set())
    out["stories"] = [(key, set(story["articles"]) in predicted, f"closest {sorted(near)}")]
    found = _story_of(contract, story)
    pairs = {(x["copy"], x["of"]) for x in (found or {}).get("syndicated", [])}
    out["syndicated"] = [(f"{key} {i['copy']}", (i["copy"], i["of"]) in pairs, f"found {pairs}")
                         for i in story.get("syndicated", [])]
    terms = {f["referent"]: f["terms"] for f in (found or {}).get("framing", [])}
    out["framing"] = []
    for f in story.get("framing", []):
        got = terms.get(f["referent"])
        ok = got is not None and all(set(t) <= set(got.get(o, [])) for o, t in f["terms"].items())
        out["framing"].append((f"{key} {f['referent']}", ok, f"terms {got}"))
    out["hedging_order"] = _hedging_order(found, story)
    out["must_not"] = []
    for i, rule in enumerate(story.get("must_not", [])):
        ok, note = _must_not_ok(contract, story, rule)
        out["must_not"].append((f"{key} {rule['kind']}-{i}", ok, note))
    return out


def _group_level_checks(claim: dict) -> list[str]:
    names = ["alignment", "conflicts"]
    names += ["sides"] * sum("sides" in c for c in claim.get("conflicts", []))
    return names + [name for name, field in (("evolving", "evolving"), ("timeline", "timeline"),
                                             ("explanation", "explanation_mentions"))
                    if claim.get(field)]


def check_all(contract: dict, truth: dict) -> dict[str, list[Outcome]]:
    """Every golden-test check on ``contract`` against ``truth``, as (item, passed, note)."""
    results: dict[str, list[Outcome]] = {name: [] for name in CHECKS}
    for story in truth["stories"]:
        for name, outcomes in _story_checks(contract, story).items():
            results[name] += outcomes
    for article_id in truth.get("unrelated", []):
        got = [s["article_ids"] for s in contract["stories"] if article_id in s["article_ids"]]
        results["unrelated"].append((article_id, got == [[article_id]], f"in {got}"))
    for _, claim in gold_claims(truth):
        for name, outcomes in _mention_checks(contract, claim).items():
            results[name] += outcomes
        group = _group_of(contract, claim)
        if group is None:
            # Every group-level check of this claim fails (so denominators stay comparable).
            for name in _group_level_checks(claim):
                results[name].append((claim["key"], False, "mentions not in one group"))
            continue
        for name, outcomes in _group_checks(group, claim).items():
            results[name] += outcomes
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sweep", default="", help="comma-separated claim similarity thresholds")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="articles to analyse")
    parser.add_argument("--truth", type=Path, default=GROUND_TRUTH, help="ground truth (YAML)")
    parser.add_argument("--misses", action="store_true", help="list every failed check")
    args = parser.parse_args(argv)
    thresholds = [float(x) for x in args.sweep.split(",") if x] or None
    print(f"corpus {args.corpus}  truth {args.truth}")
    print(HEADER)
    contracts: list[dict] = []
    for threshold, s in golden_scores(thresholds, args.corpus, args.truth, contracts):
        print(format_row(threshold, s))
    # The per-check table is for the configured threshold (the first row without --sweep).
    results = check_all(contracts[0], load_ground_truth(args.truth))
    print(f"\n{'check':<14} {'passed':>7} {'of':>4}")
    for name in CHECKS:
        outcomes = results.get(name, [])
        print(f"{name:<14} {sum(ok for _, ok, _ in outcomes):>7} {len(outcomes):>4}")
    if args.misses:
        print("\nmisses:")
        for name in CHECKS:
            for item, ok, note in results.get(name, []):
                if not ok:
                    print(f"  [{name}] {item}: {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
