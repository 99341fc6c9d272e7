"""Speed and memory of the full analysis on 2 cores.

Prints, for the bundled example corpus:
- cold run: the first full pipeline run in a fresh process (model loads included);
- warm runs: median of repeated full runs in the same process (no store, so nothing is cached);
- per-stage medians (ingest, per-article analysis, stories, cross-check);
- per-article analysis throughput on the corpus articles repeated to --articles articles;
- peak RSS of the process.

Usage: python benchmarks/bench_pipeline.py [--repeat 3] [--articles 200]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"


def _timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--articles", type=int, default=200)
    args = parser.parse_args(argv)

    from corroborator.analysis.pipeline import analyze_articles
    from corroborator.crosscheck import check_story
    from corroborator.embed import default_embedder
    from corroborator.ingest import ingest_paths
    from corroborator.pipeline import run
    from corroborator.settings import DEFAULT_SETTINGS as S
    from corroborator.stories import cluster_stories

    report, cold = _timed(lambda: run([CORPUS]))
    n = len(report.analyses)
    print(f"corpus: {n} articles, {len(report.stories)} stories, "
          f"{sum(len(s.claims) for s in report.stories)} claim groups")
    print(f"cold full run (incl. model loads): {cold:.2f} s")

    stages: dict[str, list[float]] = {k: [] for k in ("ingest", "analyze", "stories", "cross")}
    totals = []
    embedder = default_embedder()
    for _ in range(args.repeat):
        clock = time.perf_counter()
        marks = [clock]
        ingested = ingest_paths([CORPUS], S)
        marks.append(time.perf_counter())
        analyses = list(analyze_articles(ingested.articles, S))
        marks.append(time.perf_counter())
        stories = cluster_stories(analyses, embedder, S)
        marks.append(time.perf_counter())
        by_id = {a.article.id: a for a in analyses}
        for story in stories:
            check_story(story, by_id, embedder, S)
        marks.append(time.perf_counter())
        for name, start, end in zip(stages, marks, marks[1:], strict=False):
            stages[name].append(end - start)
        totals.append(marks[-1] - marks[0])
    median_total = statistics.median(totals)
    print(f"warm full run, median of {args.repeat}: {median_total:.2f} s "
          f"= {n / median_total:.1f} articles/s")
    for name, times in stages.items():
        print(f"  {name:<8} median {statistics.median(times) * 1000:8.1f} ms")

    articles = [ingested.articles[i % n] for i in range(args.articles)]
    words = sum(len(a.text.split()) for a in articles) / len(articles)
    analysed, t = _timed(lambda: list(analyze_articles(articles, S)))
    print(f"per-article analysis: {len(analysed)} articles (mean {words:.0f} words) in {t:.2f} s "
          f"= {len(analysed) / t:.1f} articles/s")
    print(f"peak RSS: {_peak_rss_mib():.0f} MiB; cores: {os.cpu_count()}; "
          f"python {sys.version.split()[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
