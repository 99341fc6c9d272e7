"""Cross-source stage at scale: time per story at 10 / 100 / 1,000 articles, and quality.

1. Generates one synthetic flood story of up to 1,000 articles from templates (invented outlets,
   named/official/anonymous/cited sources, paraphrases, hedges, disagreeing figures and dates,
   a negation), analyses every article once with the real pipeline and keeps the analyses in
   memory; the 10- and 100-article stories are its first articles.
2. Times ``check_story`` (alignment + provenance + conflicts) per story size, median of repeats,
   and the exhaustive O(n^3) alignment of the first version at the small sizes for comparison.
   Also counts the conflicts reported and the pairs of disagreeing reports they stand for.
3. Alignment pairwise precision/recall on the synthetic story (each template sentence knows its
   claim) and the example-corpus ground-truth scores of bench_golden.py.

Times include embedding the distinct masked claim texts with MiniLM. Figures taken on a shared
machine are noisy. Usage: python benchmarks/bench_crosscheck.py [--sizes 10,100,1000]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_golden import HEADER, format_row, golden_scores  # noqa: E402

SEED = 6
OUTLET_WORDS = (["Harbour", "Valley", "Northern", "City", "Coast", "Daily", "Evening", "Morning",
                 "River", "Capital"], ["Post", "Times", "Herald", "Courier", "Ledger", "Gazette",
                                       "Chronicle", "Observer", "Bulletin"])
# Claim key -> paraphrases. {n} a figure, {d} a date, {s} the source. Figures and dates are drawn
# per article from FIGURES/DATES, so some reports disagree (number and date conflicts).
CLAIMS: dict[str, list[str]] = {
    "deaths": ["{n} people died in the flooding in Marlow Bay, {s} said.",
               "The flood in Marlow Bay killed {n} people, according to {s}.",
               "{s} said the death toll in Marlow Bay had risen to {n} people."],
    "evacuated": ["About {n} residents were evacuated from the riverside districts on {d}, "
                  "{s} said.",
                  "{s} said {n} residents had been moved out of the riverside districts on {d}."],
    "levee": ["The levee on the Corran river broke late on {d}, {s} said.",
              "{s} said the Corran levee gave way late on {d}."],
    "aid": ["The government pledged {n} million euros in emergency aid, {s} said.",
            "Emergency aid of {n} million euros was promised by the government, {s} said."],
    "schools": ["All {n} schools in the district will stay closed until Friday, {s} said.",
                "{s} said the {n} schools of the district would remain shut until Friday."],
    "missing": ["{n} people are still missing, {s} said.",
                "At least {n} people remain unaccounted for, according to {s}."],
    "looting": ["Police arrested {n} people for looting in the old town, {s} said.",
                "{n} people were detained over looting in the old town, {s} said."],
    "bridge": ["No one was injured when the Helm Street bridge collapsed, {s} said.",
               "{n} people were injured when the Helm Street bridge collapsed, {s} said."],
}
FIGURES = {"deaths": [12, 12, 12, 14], "evacuated": [3000, 3000, 3500], "aid": [40, 40, 45],
           "schools": [18], "missing": [7, 7, 9], "looting": [23], "bridge": [4]}
DATES = ["4 May", "4 May", "4 May", "5 May"]
SOURCES = ["the regional governor", "police spokesman Tom Harlan", "the water authority Aquena",
           "the Red Cross", "two officials who asked not to be named",
           "Radio Meridian, citing unnamed rescue workers", "the mayor, Ilse Brand"]
HEDGES = ["Reportedly, ", "Unconfirmed reports suggest that ", ""]
FILLER = ["Residents described scenes of chaos as the water rose.",
          "Many shops in the centre remained closed.",
          "The weather service expects more rain this week."]


@dataclass(frozen=True)
class Synthetic:
    analyses: dict  # article id -> Analysis
    order: list[str]  # article ids in publication order
    gold: dict[tuple[str, int], str]  # (article id, sentence start) -> claim key


def generate_articles(count: int, rng: random.Random) -> tuple[list, dict]:
    """``count`` articles and the claim key of each claim sentence, by (article, offset)."""
    from corroborator.model import Article

    outlets = [f"{a} {b}" for a in OUTLET_WORDS[0] for b in OUTLET_WORDS[1]]
    start = datetime(2024, 5, 5, 6, 0, tzinfo=UTC)
    articles, gold = [], {}
    for i in range(count):
        article_id = f"flood-{i:04d}"
        parts = [(key, _sentence(key, rng))
                 for key in rng.sample(list(CLAIMS), k=rng.randint(5, 7))]
        parts.insert(rng.randrange(len(parts) + 1), ("", rng.choice(FILLER)))
        offset = 0
        for key, sentence in parts:
            if key:
                gold[(article_id, offset)] = key
            offset += len(sentence) + 1
        articles.append(Article(id=article_id, outlet=rng.choice(outlets),
                                text=" ".join(sentence for _, sentence in parts),
                                title="Flooding in Marlow Bay",
                                published=start + timedelta(minutes=7 * i)))
    return articles, gold


def _sentence(key: str, rng: random.Random) -> str:
    template = rng.choice(CLAIMS[key])
    figure = rng.choice(FIGURES.get(key, [1]))  # the negated bridge variant has no figure
    text = template.format(n=f"{figure:,}", d=rng.choice(DATES), s=rng.choice(SOURCES))
    hedge = rng.choice(HEDGES)
    return (hedge + text[0].lower() + text[1:]) if hedge else text[0].upper() + text[1:]


def analyse(count: int) -> Synthetic:
    from corroborator.analysis.pipeline import analyze_articles
    from corroborator.settings import DEFAULT_SETTINGS

    articles, gold = generate_articles(count, random.Random(SEED))
    analyses = {a.article.id: a for a in analyze_articles(articles, DEFAULT_SETTINGS)}
    return Synthetic(analyses, [a.id for a in articles], gold)


def alignment_pr(story_report, data: Synthetic) -> tuple[float, float]:
    """Pairwise precision/recall of the predicted groups against the template claim keys, from
    the contingency table (gold key x predicted group), so it stays cheap at 8,000 mentions."""
    cells: Counter = Counter()
    for group_index, group in enumerate(story_report.claims):
        for m in group.mentions:
            # Only template claim sentences have a key: a filler sentence ("Many shops remained
            # closed.") is no gold claim (it used to take the key of the sentence before it).
            key = data.gold.get((m.article_id, m.claim.sentence.start))
            if key is not None:
                cells[(key, group_index)] += 1
    true = _pairs(cells.values())
    predicted = _pairs(_sum_by(cells, 1).values())
    gold = _pairs(_sum_by(cells, 0).values())
    return (true / predicted if predicted else 1.0), (true / gold if gold else 1.0)


def _pairs(counts) -> int:
    return sum(c * (c - 1) // 2 for c in counts)


def _sum_by(cells: Counter, side: int) -> Counter:
    totals: Counter = Counter()
    for key, count in cells.items():
        totals[key[side]] += count
    return totals


def conflict_counts(story_report) -> tuple[int, int]:
    """(conflicts reported, pairs of reports they stand for): above
    Settings.conflict_pairs_listed_max pairs, one conflict names both sides of a disagreement."""
    from corroborator.conflicts import disagreeing_pairs

    conflicts = [(c, g.mentions) for g in story_report.claims for c in g.conflicts]
    return len(conflicts), sum(disagreeing_pairs(c, mentions) for c, mentions in conflicts)


def timed(function, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--old-sizes", default="10,25",
                        help="sizes at which to also time the exhaustive O(n^3) alignment")
    parser.add_argument("--no-golden", action="store_true")
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",") if x]
    old_sizes = [int(x) for x in args.old_sizes.split(",") if x]

    from corroborator.align import ClaimRef, align_claims, align_claims_exhaustive
    from corroborator.crosscheck import check_story
    from corroborator.embed import default_embedder
    from corroborator.model import Story
    from corroborator.settings import DEFAULT_SETTINGS as settings

    started = time.perf_counter()
    data = analyse(max(sizes + old_sizes))
    print(f"analysed {len(data.order)} synthetic articles in {time.perf_counter() - started:.0f}s")
    embedder = default_embedder()
    embedder.encode(["warm up"])
    print(f"{'articles':>8} {'claims':>7} {'groups':>7} {'check_story s':>13} {'align s':>8} "
          f"{'old align s':>11} {'align P':>8} {'align R':>8} {'conflicts':>9} {'pairs':>8}")
    for size in sorted(set(sizes + old_sizes)):
        ids = tuple(data.order[:size])
        story = Story(f"flood-{size}", "Flooding in Marlow Bay", ids)
        refs = [ClaimRef(data.analyses[i], c) for i in ids for c in data.analyses[i].claims]
        repeats = 5 if size <= 10 else 3 if size <= 100 else 1
        check_s, report = timed(partial(check_story, story, data.analyses, embedder, settings),
                                repeats)
        align_s, _ = timed(partial(align_claims, refs, embedder, settings), repeats)
        old = "—"
        if size in old_sizes:
            old_s, _ = timed(partial(align_claims_exhaustive, refs, embedder, settings), 1)
            old = f"{old_s:.2f}"
        p, r = alignment_pr(report, data)
        conflicts, pairs = conflict_counts(report)
        print(f"{size:>8} {len(refs):>7} {len(report.claims):>7} {check_s:>13.2f} "
              f"{align_s:>8.2f} {old:>11} {p:>8.3f} {r:>8.3f} {conflicts:>9} {pairs:>8}")
    if not args.no_golden:
        print("\nexample corpus ground truth (bench_golden.py):")
        print(HEADER)
        for threshold, scores in golden_scores():
            print(format_row(threshold, scores))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
